// `vigil probe`: see server/cli.h for the command contract.
//
//   vigil probe list [--json]
//   vigil probe run NAME[,NAME...] [--target node/gpuN] [--executor SPEC] [--allow-intrusive]
//                   [--time-limit S] [--json]
// Exit codes: 0 every probe passed; 1 a probe failed, errored or was unavailable; 2 bad usage
// (unknown probe, intrusive probe without --allow-intrusive, bad executor spec).
#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdio>
#include <memory>
#include <sstream>

#include "core/json.h"
#include "probes/catalog.h"
#include "probes/probe.h"
#include "server/cli.h"
#include "server/stop_signal.h"

namespace vigil {
namespace {

// A probe's number as the table prints it: a whole number whole (counters, MiB, Unix seconds:
// `%.4g` printed 123457 replays as 1.235e+05 and a read time as 1.796e+09), a fraction from
// 10 000 up with its integer part whole and one decimal (node.kernel_log's read time
// 1796236419.37 printed 1.796e+09 still: only whole numbers were kept whole), else 4 significant
// digits.
std::string ProbeNumber(double v) {
  char buf[64];
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else if (std::isfinite(v) && std::fabs(v) >= 1e4 && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.1f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.4g", v);
  }
  return buf;
}

struct ProbeFlags {
  bool json = false;
  std::string names;
  std::string target;
  std::string executor;
  bool allow_intrusive = false;
  double time_limit_s = 120;
};

int List(const ProbeFlags& f) {
  if (f.json) {
    std::printf("%s\n", DumpJson(CatalogToJson(), 2).c_str());
    return 0;
  }
  std::printf("%-20s %6s  %-9s %-5s  %s\n", "probe", "secs", "intrusive", "scope", "measures");
  for (const ProbeSpec& p : ProbeCatalog()) {
    std::printf("%-20.*s %6.1f  %-9s %-5.*s  %.*s\n", static_cast<int>(p.name.size()), p.name.data(),
                p.expected_duration_s, p.intrusive ? "yes" : "no",
                static_cast<int>(ProbeTargetKindName(p.target_kind).size()),
                ProbeTargetKindName(p.target_kind).data(), static_cast<int>(p.measures.size()),
                p.measures.data());
  }
  return 0;
}

int Run(const ProbeFlags& f, const Config& config) {
  ProbeRequest req;
  std::stringstream ss(f.names);
  for (std::string n; std::getline(ss, n, ',');) {
    if (!n.empty()) req.probes.push_back(n);
  }
  req.target = f.target;
  req.time_limit_s = f.time_limit_s;
  req.allow_intrusive = f.allow_intrusive || config.GetBool("allow_intrusive_probes");
  if (!(req.time_limit_s > 0)) return ReportError(InvalidArgumentError("--time-limit must be > 0"));
  Status names = CheckProbeNames(req.probes, req.allow_intrusive);
  if (!names.ok()) return ReportError(InvalidArgumentError(names.message()));
  std::string spec = f.executor.empty() ? config.GetString("probe_executor") : f.executor;
  auto executor = MakeProbeExecutor(spec);
  if (!executor.ok()) return ReportError(executor.status());
  auto results = (*executor)->Run(req);
  if (!results.ok()) return ReportError(results.status());
  bool all_pass = true;
  for (const ProbeResult& r : *results) all_pass = all_pass && r.status == ProbeStatus::kPass;
  if (f.json) {
    Json out = {{"executor", (*executor)->Describe()}, {"target", req.target}, {"results", *results}};
    std::printf("%s\n", DumpJson(out, 2).c_str());
  } else {
    for (const ProbeResult& r : *results) {
      std::printf("%-20s %-11s %7.2fs  %s\n", r.probe.c_str(), std::string(ProbeStatusName(r.status)).c_str(),
                  r.duration_s, r.reason.c_str());
      for (const auto& [k, v] : r.metrics) {
        if (k.rfind("gpu", 0) == 0 && k.find('.') != std::string::npos) continue;  // per-GPU detail: --json
        auto th_min = r.thresholds.find(k + "_min");
        auto th_max = r.thresholds.find(k + "_max");
        std::printf("    %-28s %12s", k.c_str(), ProbeNumber(v).c_str());
        if (th_min != r.thresholds.end()) std::printf("  (min %s)", ProbeNumber(th_min->second).c_str());
        if (th_max != r.thresholds.end()) std::printf("  (max %s)", ProbeNumber(th_max->second).c_str());
        std::printf("\n");
      }
    }
  }
  return all_pass ? 0 : 1;
}

}  // namespace

CommandRunner SetupProbe(CLI::App& sub) {
  auto flags = std::make_shared<ProbeFlags>();
  sub.require_subcommand(1);
  CLI::App* list =
      sub.add_subcommand("list", "list the probes: what each measures, its cost, whether it is intrusive");
  list->add_flag("--json", flags->json,
                 "print the catalog as JSON, with the evidence weights per root-cause category");
  CLI::App* run = sub.add_subcommand("run", "run probes on a target and print their results");
  run->add_option("names", flags->names, "probe names, comma-separated (see `vigil probe list`)")->required();
  run->add_option("--target", flags->target, "node, node/gpuN or gpuN; empty = all GPUs of this host");
  run->add_option(
      "--executor", flags->executor,
      "local[:binary=PATH], ssh:user=U, slurm:partition=P, replay:FILE (default: probe_executor setting)");
  run->add_flag("--allow-intrusive", flags->allow_intrusive, "allow probes that disturb running jobs");
  run->add_option("--time-limit", flags->time_limit_s, "seconds for the whole request (default 120)");
  run->add_flag("--json", flags->json, "print results as JSON");
  return [flags, list, run](const Config& config) {
    if (list->parsed()) return List(*flags);
    if (run->parsed()) {  // SIGINT / SIGTERM end the probes' groups: exit 130 / 143 (server/stop_signal.h)
      StopOnSignal stop("probe run", 10);
      return stop.Exit(Run(*flags, config));
    }
    return ReportError(InvalidArgumentError("vigil probe: expected `list` or `run`"));
  };
}

}  // namespace vigil
