// rules_bench: the 10 rules of bench/rules_bench_rules.txt over the KPI training set, batch and
// streaming, in point·rules per second per core (CPU time of this single-threaded process), and
// the same rules in pandas/numpy (bench/rules_baseline.py, run in the same invocation) for the
// ratio. Usage: build/bin/rules_bench [KPI_DIR] [--no-baseline] [--rule NAME] [--batch-only]
// [--stream-only] [--profile N] [--repeat N] (--rule keeps one rule, --batch-only skips streaming
// and the baseline, --stream-only batch and the baseline, --profile N runs only the flags-only
// batch N times: for perf; --repeat N times the streaming pass N times and the flags-only batch
// max(3, N) times, printing every streaming time, and reports the fastest of each: on a host
// shared with other work, interference only adds time). The batch run with alerts also prints
// an FNV-1a digest of the alerts' JSON in order, to compare engine versions. An unknown option, a
// count that is not a whole number from 1, or a second KPI_DIR exits 2 with the usage line.
// --bits runs the bit-test set instead (bench/rules_bench_bits.txt: any_bits / all_bits, mirrored
// by `rules_baseline.py --bits`; SM2, 2026-12-03).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstdint>
#include <ctime>
#include <iostream>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "core/json.h"
#include "detectors/engine.h"
#include "detectors/readers.h"
#include "rules/compiler.h"

namespace {

double CpuSeconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

int Fail(const vigil::Status& s) {
  std::cerr << "rules_bench: " << s.message() << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace vigil;
  std::string root = "../shared/datasets/kpi/train";
  bool baseline = true, stream = true, batch = true;
  std::string only;
  std::string rules_file = "bench/rules_bench_rules.txt";
  int profile = 0, repeat = 1;
  // A mistyped option, a missing or non-numeric count or a second KPI_DIR is refused (exit 2,
  // naming it) rather than read as the data folder or as 0.
  auto usage = [](const std::string& why) {
    std::cerr << "rules_bench: " << why
              << "\nusage: rules_bench [KPI_DIR] [--no-baseline] [--rule NAME] [--batch-only] [--stream-only]"
                 " [--profile N] [--repeat N] [--bits]\n";
    return 2;
  };
  bool have_root = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    const bool takes_value = a == "--rule" || a == "--profile" || a == "--repeat";
    if (takes_value && i + 1 >= argc) return usage(a + " needs a value");
    int count = 0;
    if (a == "--profile" || a == "--repeat") {
      const std::string v = argv[i + 1];
      char* end = nullptr;
      const long n = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || n < 1 || n > 1000000) return usage(a + " " + v + ": not a count from 1");
      count = static_cast<int>(n);
    }
    if (a == "--no-baseline") baseline = false;
    else if (a == "--bits") rules_file = "bench/rules_bench_bits.txt";
    else if (a == "--batch-only") baseline = stream = false;
    else if (a == "--stream-only")
      baseline = batch = false;
    else if (a == "--rule") only = argv[++i];
    else if (a == "--profile") profile = count, ++i;
    else if (a == "--repeat") repeat = count, ++i;
    else if (a.starts_with("-")) return usage("unknown option " + a);
    else if (have_root) return usage("a second KPI_DIR " + a + " (the first: " + root + ")");
    else root = a, have_root = true;
  }
  auto rules = CompileRuleFile(rules_file);
  if (!rules.ok()) return Fail(rules.status());
  if (!only.empty()) {
    std::erase_if(rules->rules, [&](const RulePlan& p) { return p.name != only; });
    if (rules->rules.empty()) return Fail(InvalidArgumentError("--rule " + only + ": no such rule in " + rules_file));
    baseline = false;
  }
  auto data = ReadDataset("kpi:" + root);
  if (!data.ok()) return Fail(data.status());
  std::vector<TimeSeries>& series = data->series;
  size_t points = 0;
  for (size_t i = 0; i < series.size(); ++i) {
    series[i].labels["group"] = std::to_string(i % 6);  // peers for the `median by (group)` rule
    series[i].anomaly_labels.clear();
    points += series[i].size();
  }
  const size_t nrules = rules->rules.size();
  std::printf("rules_bench: %zu rules over %zu KPI series, %zu points (%s)\n", nrules, series.size(), points,
              root.c_str());

  if (profile > 0) {  // for perf: only the flags-only batch, `profile` times
    EngineOptions opt;
    opt.build_alerts = false;
    double t0 = CpuSeconds();
    for (int rep = 0; rep < profile; ++rep) {
      auto r = EvaluateBatch(*rules, series, opt);
      if (!r.ok()) return Fail(r.status());
    }
    std::printf("profile: %d flags-only batch runs, %.4f s CPU each\n", profile,
                (CpuSeconds() - t0) / profile);
    return 0;
  }

  // Batch, all rules together; best of 3. Flags only (what scoring and rule training use), then
  // with every alert record and explanation built.
  std::map<std::string, size_t> flagged;
  double batch_rate = 0;
  if (batch) {
    for (bool build_alerts : {false, true}) {
      double best = 1e30;
      size_t alerts = 0;
      uint64_t digest = 0;
      EngineOptions opt;
      opt.build_alerts = build_alerts;
      for (int rep = 0; rep < (build_alerts ? 3 : std::max(3, repeat)); ++rep) {
        double t0 = CpuSeconds();
        auto r = EvaluateBatch(*rules, series, opt);
        double dt = CpuSeconds() - t0;
        if (!r.ok()) return Fail(r.status());
        alerts = r->alerts.size();
        best = std::min(best, dt);
        if (build_alerts && rep == 0) {  // the alerts in order, as JSON: the same in every engine version
          uint64_t h = 1469598103934665603ULL;
          for (const Alert& a : r->alerts)
            for (char c : Json(a).dump()) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
          digest = h;
        }
      }
      double rate = static_cast<double>(points * nrules) / best;
      if (!build_alerts) batch_rate = rate;
      std::printf("batch (%s): %.3f s CPU, %.1f M point·rules/s/core, %zu alerts\n",
                  build_alerts ? "with alerts" : "flags only ", best, rate / 1e6, alerts);
      if (build_alerts) std::printf("  alerts in order (FNV-1a of their JSON): %016llx\n", static_cast<unsigned long long>(digest));
    }

    // Per rule (batch), with flagged points for comparison with the baseline.
    std::printf("  %-15s %10s %12s %10s\n", "rule", "s CPU", "Mpr/s/core", "flagged");
    for (const RulePlan& plan : rules->rules) {
      CompiledRules one{{plan}};
      EngineOptions opt;
      opt.build_alerts = false;
      double t0 = CpuSeconds();
      auto r = EvaluateBatch(one, series, opt);
      double dt = CpuSeconds() - t0;
      if (!r.ok()) return Fail(r.status());
      size_t f = 0;
      for (const auto& fl : r->flags)
        for (uint8_t v : fl) f += v;
      flagged[plan.name] = f;
      std::printf("  %-15s %10.3f %12.1f %10zu\n", plan.name.c_str(), dt,
                  static_cast<double>(points) / dt / 1e6, f);
    }
  }  // batch

  if (!stream) return 0;
  // Streaming: every point appended in time order (the merge is not timed).
  std::vector<std::tuple<int64_t, uint32_t, double>> events;
  events.reserve(points);
  for (size_t i = 0; i < series.size(); ++i)
    for (size_t j = 0; j < series[i].size(); ++j)
      events.emplace_back(series[i].timestamps_ms[j], static_cast<uint32_t>(i), series[i].values[j]);
  std::stable_sort(events.begin(), events.end(),
                   [](const auto& a, const auto& b) { return std::get<0>(a) < std::get<0>(b); });
  size_t stream_flags = 0;
  StreamingEngine::Callbacks cb;
  cb.on_point = [&](size_t, int64_t, uint8_t f) { stream_flags += f; };
  EngineOptions stream_opt;
  stream_opt.build_alerts = false;
  double stream_s = 1e30;
  std::vector<double> stream_times;
  for (int rep = 0; rep < repeat; ++rep) {
    stream_flags = 0;
    double t0 = CpuSeconds();
    auto eng = StreamingEngine::Create(*rules, stream_opt, cb);
    if (!eng.ok()) return Fail(eng.status());
    for (const auto& s : series) {
      auto id = (*eng)->AddSeries(s.name, s.labels);
      if (!id.ok()) return Fail(id.status());
    }
    for (const auto& [t, s, v] : events) {
      Status st = (*eng)->Append(s, t, v);
      if (!st.ok()) return Fail(st);
    }
    Status st = (*eng)->Flush();
    if (!st.ok()) return Fail(st);
    stream_times.push_back(CpuSeconds() - t0);
    stream_s = std::min(stream_s, stream_times.back());
  }
  if (repeat > 1) {
    std::printf("streaming passes (s CPU):");
    for (double t : stream_times) std::printf(" %.3f", t);
    std::printf("\n");
  }
  double stream_rate = static_cast<double>(points * nrules) / stream_s;
  std::printf("streaming (flags only%s): %.3f s CPU, %.1f M point·rules/s/core, %zu flagged points\n",
              repeat > 1 ? ", fastest" : "", stream_s, stream_rate / 1e6, stream_flags);

  if (!baseline) return 0;
  std::string cmd = "/usr/bin/python3 bench/rules_baseline.py '" + root + "'";
  if (rules_file != "bench/rules_bench_rules.txt") cmd += " --bits";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return Fail(UnavailableError("cannot run " + cmd));
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof(buf), p)) out.append(buf, n);
  int rc = pclose(p);
  auto j = ParseJson(out, "rules_baseline.py output");
  if (rc != 0 || !j.ok()) {
    std::cerr << "rules_bench: baseline failed (rc " << rc << "): " << out << "\n";
    return 1;
  }
  double py_s = (*j)["seconds"].get<double>();
  double py_rate = static_cast<double>(points * nrules) / py_s;
  std::printf("pandas:    %.3f s CPU, %.1f M point·rules/s/core\n", py_s, py_rate / 1e6);
  std::printf("ratio:     batch %.1fx pandas, streaming %.1fx pandas\n", batch_rate / py_rate, stream_rate / py_rate);
  std::printf("  flagged points per rule, engine vs pandas (edge semantics differ slightly, see bench/README.md):\n");
  for (const auto& [name, f] : flagged) {
    long long pf = (*j)["flagged"].value(name, -1LL);
    std::printf("  %-15s %10zu %10lld\n", name.c_str(), f, pf);
  }
  return 0;
}
