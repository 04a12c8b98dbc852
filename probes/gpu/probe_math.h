// Host-side arithmetic shared by `vigil-probe` and the host library: nccl-tests bandwidth
// formulas, GEMM FLOP counting, threshold judging (SuperBench-style variance against a baseline)
// and the bit-exact checksum vote. Header-only, depends on the C++ standard library and
// nlohmann-json only, so the CUDA binary can include it without any project library.
//
// Units: bytes, seconds; bandwidths in GB/s (1e9 bytes/s), TFLOP/s (1e12).
// Thread safety: pure functions.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::probe_math {

enum class Collective { kAllReduce, kAllGather, kReduceScatter, kAllToAll, kSendRecv };

// nccl-tests' bus-bandwidth factor (doc/PERFORMANCE.md): busbw = algbw * factor.
//   allreduce 2(n-1)/n; allgather, reducescatter, alltoall (n-1)/n; sendrecv 1.
// n < 1 gives 0.
inline double BusBwFactor(Collective c, int n) {
  if (n < 1) return 0;
  switch (c) {
    case Collective::kAllReduce:
      return 2.0 * (n - 1) / n;
    case Collective::kAllGather:
    case Collective::kReduceScatter:
    case Collective::kAllToAll:
      return static_cast<double>(n - 1) / n;
    case Collective::kSendRecv:
      return 1.0;
  }
  return 0;
}

// The byte count nccl-tests divides by time for algbw, given the per-rank element count of the
// *send* buffer and the element size: allreduce/alltoall/sendrecv use the buffer size; allgather
// uses the gathered (receive) size = send * n; reducescatter uses the send size (= recv * n).
inline double AlgBytes(Collective c, double send_count, double elem_bytes, int n) {
  double send_bytes = send_count * elem_bytes;
  if (c == Collective::kAllGather) return send_bytes * n;
  return send_bytes;
}

inline double GbPerS(double bytes, double seconds) { return seconds > 0 ? bytes / seconds / 1e9 : 0; }
inline double GemmTflops(double m, double n, double k, double seconds) {
  return seconds > 0 ? 2.0 * m * n * k / seconds / 1e12 : 0;
}

// ---- Thresholds --------------------------------------------------------------------------------
// A thresholds document (data/probes/thresholds.json):
// {"version": 1, "default_tolerance": 0.05,
//  "models": {"H200": {"match": ["H200"], "probes": {"gpu.gemm": {"bf16_tflops": {"baseline": 780},
//            ...}, "gpu.health": {"temperature_c": {"max": 87}}}}}}
// A metric rule is {"baseline": b, "better": "higher"|"lower", "tolerance": t} (throughput: fail
// below b*(1-t); latency: fail above b*(1+t)) or {"min": x} / {"max": x} absolute limits.
// Rules apply to a metric of the same name and to per-GPU metrics "gpuN.<name>".

// The model entry whose "match" substrings occur in `gpu_name` (longest match wins), or null.
inline const nlohmann::json* FindModel(const nlohmann::json& doc, const std::string& gpu_name,
                                       std::string* model_out = nullptr) {
  if (!doc.is_object() || !doc.contains("models") || !doc["models"].is_object()) return nullptr;
  const nlohmann::json* best = nullptr;
  size_t best_len = 0;
  for (const auto& [model, entry] : doc["models"].items()) {
    if (!entry.is_object()) continue;
    std::vector<std::string> matches;
    if (entry.contains("match") && entry["match"].is_array()) {
      for (const auto& m : entry["match"])
        if (m.is_string()) matches.push_back(m.get<std::string>());
    } else {
      matches.push_back(model);
    }
    for (const std::string& m : matches) {
      if (!m.empty() && gpu_name.find(m) != std::string::npos && m.size() > best_len) {
        best = &entry;
        best_len = m.size();
        if (model_out) *model_out = model;
      }
    }
  }
  return best;
}

// Merges `overlay` into `base` (objects recursively; other values replace). Used to lay a user's
// fleet baseline file over the shipped one.
inline void MergeInto(nlohmann::json& base, const nlohmann::json& overlay) {
  if (!base.is_object() || !overlay.is_object()) {
    base = overlay;
    return;
  }
  for (const auto& [k, v] : overlay.items()) {
    if (base.contains(k) && base[k].is_object() && v.is_object())
      MergeInto(base[k], v);
    else
      base[k] = v;
  }
}

// Strips a "gpuN." prefix.
inline std::string BaseMetricName(const std::string& metric) {
  if (metric.rfind("gpu", 0) == 0) {
    size_t dot = metric.find('.');
    if (dot != std::string::npos && dot > 3 &&
        std::all_of(metric.begin() + 3, metric.begin() + dot, [](char c) { return c >= '0' && c <= '9'; })) {
      return metric.substr(dot + 1);
    }
  }
  return metric;
}

struct Judgement {
  std::map<std::string, double> thresholds;  // "<metric>_min" / "<metric>_max" -> bound
  std::vector<std::string> failures;         // "gpu1.bf16_tflops 612.0 < 741.0 (baseline 780, -5%)"
  bool judged = false;                       // at least one rule applied
};

// Judges `metrics` against the rules for one probe (`probe_rules`: metric -> rule object).
// Malformed rules are skipped and reported in `failures` as "bad rule ..." so they are seen.
inline Judgement JudgeMetrics(const nlohmann::json& probe_rules, const std::map<std::string, double>& metrics,
                              double default_tolerance) {
  Judgement j;
  if (!probe_rules.is_object()) return j;
  char buf[256];
  for (const auto& [metric, value] : metrics) {
    std::string base = BaseMetricName(metric);
    if (!probe_rules.contains(base)) continue;
    const nlohmann::json* rp = &probe_rules[base];
    // {"by_local_gpus": {"2": rule, "8": rule}}: a baseline that holds only for a single-process
    // run over that many local GPUs (the probe reports `local_gpus`; multi-process runs over the
    // network do not, so these baselines never judge them). No entry for the count: not judged.
    if (rp->is_object() && rp->contains("by_local_gpus")) {
      auto g = metrics.find("local_gpus");
      if (g == metrics.end()) continue;
      const nlohmann::json& by = (*rp)["by_local_gpus"];
      std::string key = std::to_string(static_cast<long long>(g->second));
      if (!by.is_object() || !by.contains(key)) continue;
      rp = &by[key];
    }
    const nlohmann::json& rule = *rp;
    if (!rule.is_object()) {
      j.failures.push_back("bad rule for " + base + ": not an object");
      continue;
    }
    auto num = [&](const char* key) -> std::optional<double> {
      if (rule.contains(key) && rule[key].is_number()) return rule[key].get<double>();
      return std::nullopt;
    };
    if (auto b = num("baseline")) {
      double tol = num("tolerance").value_or(default_tolerance);
      bool lower_better = rule.value("better", std::string("higher")) == "lower";
      j.judged = true;
      if (lower_better) {
        double bound = *b * (1 + tol);
        j.thresholds[metric + "_max"] = bound;
        if (value > bound) {
          std::snprintf(buf, sizeof buf, "%s %.4g > %.4g (baseline %.4g, +%.0f%%)", metric.c_str(), value,
                        bound, *b, tol * 100);
          j.failures.push_back(buf);
        }
      } else {
        double bound = *b * (1 - tol);
        j.thresholds[metric + "_min"] = bound;
        if (value < bound) {
          std::snprintf(buf, sizeof buf, "%s %.4g < %.4g (baseline %.4g, -%.0f%%)", metric.c_str(), value,
                        bound, *b, tol * 100);
          j.failures.push_back(buf);
        }
      }
    }
    if (auto mx = num("max")) {
      j.judged = true;
      j.thresholds[metric + "_max"] = *mx;
      if (value > *mx) {
        std::snprintf(buf, sizeof buf, "%s %.4g > max %.4g", metric.c_str(), value, *mx);
        j.failures.push_back(buf);
      }
    }
    if (auto mn = num("min")) {
      j.judged = true;
      j.thresholds[metric + "_min"] = *mn;
      if (value < *mn) {
        std::snprintf(buf, sizeof buf, "%s %.4g < min %.4g", metric.c_str(), value, *mn);
        j.failures.push_back(buf);
      }
    }
  }
  return j;
}

// ---- Checksum vote -----------------------------------------------------------------------------
// Returns, for each voter, whether it disagrees with the plurality checksum. With no strict
// plurality (e.g. 2 GPUs that disagree) every voter is marked as disagreeing: the vote cannot
// tell which one is wrong, and the caller must say so.
inline std::vector<bool> ChecksumOutliers(const std::vector<uint64_t>& sums, bool* tie = nullptr) {
  std::map<uint64_t, int> votes;
  for (uint64_t s : sums) ++votes[s];
  int best = 0, best_count = 0;
  uint64_t winner = 0;
  for (const auto& [s, c] : votes) {
    if (c > best) {
      best = c;
      winner = s;
      best_count = 1;
    } else if (c == best) {
      ++best_count;
    }
  }
  bool no_plurality = best_count > 1;
  if (tie) *tie = no_plurality;
  std::vector<bool> out(sums.size());
  for (size_t i = 0; i < sums.size(); ++i) out[i] = no_plurality ? votes.size() > 1 : sums[i] != winner;
  return out;
}

// The driver version in /proc/driver/nvidia/version's first line ("NVRM version: NVIDIA UNIX
// x86_64 Kernel Module  550.54.15  Wed Mar ..." -> "550.54.15"); the trimmed line when it has no
// "Kernel Module" followed by a version; "" for an empty line.
inline std::string DriverVersionFromProc(std::string_view line) {
  auto trim = [](std::string_view t) {
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t' || t.back() == '\n' || t.back() == '\r')) t.remove_suffix(1);
    return t;
  };
  line = trim(line.substr(0, line.find('\n')));
  constexpr std::string_view kModule = "Kernel Module";
  const size_t at = line.find(kModule);
  if (at == std::string_view::npos) return std::string(line);
  // The first word after it that starts with a digit (the open module says "Open Kernel Module
  // for x86_64  570.86.15").
  std::string_view rest = line.substr(at + kModule.size());
  while (!rest.empty()) {
    rest = trim(rest);
    const size_t end = std::min(rest.find_first_of(" \t"), rest.size());
    if (end > 0 && rest[0] >= '0' && rest[0] <= '9') return std::string(rest.substr(0, end));
    rest.remove_prefix(end);
  }
  return std::string(line);
}

// Why CUDA offers no GPU, worded for the engineer who reads it: `cuda_error` is cudaGetErrorName's
// text of cudaGetDeviceCount's error ("cudaErrorInsufficientDriver"), `cuda_text` its
// cudaGetErrorString, `driver_line` the first line of /proc/driver/nvidia/version (nullopt when the
// file is absent: no NVIDIA kernel driver is loaded), `runtime_version` cudaRuntimeGetVersion's
// (13000 = 13.0). On a host with no NVIDIA driver at all CUDA says "CUDA driver version is
// insufficient for CUDA runtime version", which reads as "upgrade the driver" (seen on a GPU-less
// VM, 2026-12-03): say that there is no driver, hence no GPU to probe, instead. Starts with "no
// usable GPU: " as before (tests/probe_ssh_test.sh and probe_slurm_test.sh match it).
inline std::string NoGpuReason(std::string_view cuda_error, std::string_view cuda_text,
                               const std::optional<std::string>& driver_line, int runtime_version) {
  std::string out = "no usable GPU: ";
  const std::string cuda = std::string(cuda_error) + ": " + std::string(cuda_text);
  if (!driver_line) {
    out += "no NVIDIA driver is loaded on this host (/proc/driver/nvidia/version is absent), so there is no GPU to "
           "probe here; on a GPU node, check `lsmod | grep nvidia` and the kernel log (cudaGetDeviceCount: ";
    out += cuda;
    out += ")";
    return out;
  }
  if (cuda_error == "cudaErrorInsufficientDriver") {
    const std::string driver = DriverVersionFromProc(*driver_line);
    out += "the loaded NVIDIA driver";
    if (!driver.empty()) {
      out += ' ';
      out += driver;
    }
    out += " is older than this vigil-probe's CUDA runtime ";
    out += std::to_string(runtime_version / 1000) + "." + std::to_string(runtime_version % 1000 / 10);
    out += " needs: update the driver, or build vigil-probe with a CUDA toolkit the driver supports (cudaGetDeviceCount: ";
    out += cuda;
    out += ")";
    return out;
  }
  out += "cudaGetDeviceCount: ";
  out += cuda_text;
  return out;
}

// The NCCL_* variables of an environment block (an array of "NAME=VALUE" strings ending in nullptr,
// as `environ`), name -> value: the settings an NCCL test ran with, so that a reader can tell a test run
// with the default environment ({}) from one run with a job's settings (agents/job_nccl_env.h). NCCL's
// config files (/etc/nccl.conf, ~/.nccl.conf) are not read here. nullptr gives {}.
inline nlohmann::json NcclEnvOf(const char* const* envp) {
  nlohmann::json env = nlohmann::json::object();
  for (const char* const* e = envp; e && *e; ++e) {
    std::string_view kv(*e);
    if (kv.rfind("NCCL_", 0) != 0) continue;
    const size_t eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    env[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
  }
  return env;
}

// The locked-memory limit an NCCL test ran under (RLIMIT_MEMLOCK's soft value, rank 0's process), as its
// result's `details.memlock` records it: "unlimited" for an infinite limit, else the limit in KiB (a
// number), the unit `ulimit -l` prints. NCCL's NET/IB registers its buffers under this limit, so a reader
// can tell a test launched outside a job's limits (a shell whose memlock is unlimited) from one run under
// them (agents/memlock_probe_limit.h reads it).
inline nlohmann::json MemlockOf(bool infinite, unsigned long long soft_bytes) {
  if (infinite) return "unlimited";
  return static_cast<double>(soft_bytes / 1024);
}

}  // namespace vigil::probe_math
