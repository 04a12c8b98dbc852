// rules_fleet_bench: the bundled rule files (data/rules/*.rules, docs/examples/day_one.rules) over a
// synthetic GPU fleet at realistic series counts, batch and streaming, in input points per second
// of CPU time (one core, this single-threaded process). rules_bench measures the engine on the KPI
// set with 10 generic `select *` rules; this one asks whether the product's "millions of points per
// second" holds for the rules the product ships, whose selectors name DCGM and training metrics.
//
// Data: for each metric a rule of the file selects, one series per GPU (8 GPUs a node, a job of
// 256 ranks = 32 nodes), labels Hostname, node, gpu, rank, job, pod, namespace, container, one
// point every --step-s over --hours. Values have the shape of the metric (temperatures ~60 C,
// utilisation ~95 %, power ~650 W, memory ~70 GiB, a decreasing loss, rising token counters,
// error counters at 0, clock-event reasons 0, per-step times in ms), with noise; 1 GPU in 200
// changes level for the last 20 minutes (a drop, or a rise for temperatures, step times, memory
// and the loss; Xid 79), so the rules' alert paths run too.
//
// Baseline, measured in the same run on the same series: a plain threshold over every series
// (`select * when value > 1e300`), the cheapest rule the engine runs; each rule's cost is printed
// as a multiple of it ("x thr": rule-point CPU over threshold-point CPU).
//
// Not measured: reading the data (CSV, Prometheus), the incident store; online's split of
// stale_for rules into an engine with a clock series (online_detection_bench measures that path).
//
//   rules_fleet_bench [--rules FILE[,FILE...]] [--gpus 1000[,8000...]] [--hours 2] [--step-s 15] [--reps 3]
//                     [--no-per-rule | --per-rule-over-all] [--check] [--stream-only]
// --no-per-rule: the whole file only. --per-rule-over-all: each rule alone over every series of the
// fleet (all the file's metrics, as the whole file sees them), not only its own metric's; the
// difference is what one rule pays for the series it does not select. --check: after the whole file's
// timings, one more streaming pass (not timed) with alerts built, whose flags and alerts (resolved,
// and firing at the end) must equal batch's (exit 1 otherwise); prints their counts and digest.
// --stream-only (with --no-per-rule): streaming only, no batch pass, so that the process's peak
// memory (/usr/bin/time -v) is streaming's (batch's outputs are larger than the engine's states).
// Memory: each size prints the streaming engine's heap after its run (glibc's mallinfo2: in use
// after the last Flush less before Create), in bytes a series, the file's and the threshold's.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <malloc.h>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "bench/bench_cpu.h"
#include "core/json.h"
#include "detectors/engine.h"
#include "rules/compiler.h"

namespace vigil {
namespace {

using bench::CpuSeconds;

struct Shape {
  double base = 100, noise = 1;
  bool counter = false;  // rises by `base` a second
  bool rise = false;     // the planted fault is a rise (x1.5), else a drop (x0.3)
  bool zero = false;     // an error counter or bit field: 0 (the planted GPU: 79)
};

bool Has(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

// The metric's shape from its name (DCGM field names, the training metrics of the bundled rules).
Shape ShapeOf(const std::string& m) {
  Shape s;
  if (Has(m, "TEMP")) s = {60, 2, false, true, false};
  else if (Has(m, "UTIL")) s = {95, 3, false, false, false};
  else if (Has(m, "POWER")) s = {650, 20, false, false, false};
  else if (Has(m, "FB_USED")) s = {70000, 50, false, true, false};
  else if (Has(m, "XID") || Has(m, "ECC") || Has(m, "REMAP") || Has(m, "CRC") || Has(m, "REASONS"))
    s = {0, 0, false, false, true};
  else if (Has(m, "loss")) s = {2.5, 0.02, false, true, false};
  else if (Has(m, "_total")) s = {100000, 0, true, false, false};
  else if (Has(m, "tokens")) s = {100000, 2000, false, false, false};
  else if (Has(m, "_ms")) s = {300, 5, false, true, false};
  else if (Has(m, "mfu")) s = {0.45, 0.01, false, false, false};
  else if (Has(m, "busbw")) s = {300, 5, false, false, false};
  else if (Has(m, "grad_norm")) s = {1, 0.1, false, true, false};
  return s;
}

double Noise(size_t i, int64_t k) {  // deterministic, in [-1, 1)
  const uint64_t h = (i * 0x9E3779B97F4A7C15ull) ^ (static_cast<uint64_t>(k) * 0xC2B2AE3D27D4EB4Full);
  return static_cast<double>((h >> 33) % 2000) / 1000.0 - 1.0;
}

std::vector<TimeSeries> MakeFleet(const std::vector<std::string>& metrics, size_t gpus, int64_t points,
                                  int64_t step_ms) {
  const int64_t t0 = 1'700'000'000'000 / step_ms * step_ms;
  const int64_t fault_from = points - std::max<int64_t>(1, 20 * 60'000 / step_ms);
  std::vector<TimeSeries> out;
  out.reserve(metrics.size() * gpus);
  for (const std::string& m : metrics) {
    const Shape sh = ShapeOf(m);
    for (size_t i = 0; i < gpus; ++i) {
      TimeSeries s;
      s.name = m;
      std::string node = "node-", job = "job-", pod = "train-";
      node += std::to_string(i / 8);
      job += std::to_string(i / 256);
      pod += std::to_string(i / 8);
      s.labels = {{"Hostname", node}, {"node", node},      {"gpu", std::to_string(i % 8)},
                  {"rank", std::to_string(i % 256)}, {"job", job}, {"pod", pod},
                  {"namespace", "training"},          {"container", "trainer"}};
      s.timestamps_ms.reserve(static_cast<size_t>(points));
      s.values.reserve(static_cast<size_t>(points));
      const bool faulty = i % 200 == 7;
      double counter = 0;
      for (int64_t k = 0; k < points; ++k) {
        const bool fault = faulty && k >= fault_from;
        double v;
        if (sh.zero) {
          v = fault ? 79 : 0;
        } else if (sh.counter) {
          counter += sh.base * static_cast<double>(step_ms) / 1000.0 * (fault ? 0.3 : 1.0) *
                     (1 + 0.02 * Noise(i, k));
          v = counter;
        } else {
          double b = sh.base;
          if (Has(m, "loss")) b = sh.base * std::exp(-static_cast<double>(k) / 2000.0);
          v = b + sh.noise * (Noise(i, k) + std::sin(0.01 * static_cast<double>(k) + static_cast<double>(i)));
          if (fault) v *= sh.rise ? 1.5 : 0.3;
        }
        s.timestamps_ms.push_back(t0 + k * step_ms);
        s.values.push_back(v);
      }
      out.push_back(std::move(s));
    }
  }
  return out;
}

// Bytes of the heap in use (glibc: small chunks and mmapped ones).
size_t HeapInUse() {
  const struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

struct Timing {
  double batch_flags = 1e30, batch_alerts = 1e30, stream = 1e30;
  double stream_setup = 0;  // of `stream` (its fastest rep): Create and AddSeries of every series
  // The streaming engine's heap after its last Flush (PERF4): the heap in use then less before
  // Create; the members' window states are most of it.
  size_t stream_heap = 0;
  size_t evaluations = 0, alerts = 0, stream_flags = 0;
};

bool Fail(const std::string& where, const Status& s) {
  std::fprintf(stderr, "rules_fleet_bench: %s: %s\n", where.c_str(), s.ToString().c_str());
  return false;
}

// Batch flags only, batch with alerts, and streaming (series declared first, every point appended in
// time order, then Flush; merging the points is not timed), each the fastest of `reps`.
bool Measure(const CompiledRules& rules, const std::vector<TimeSeries>& series, int reps, bool alerts_too,
             Timing* t, bool batch = true) {
  for (bool build_alerts : {false, true}) {
    if (!batch) break;
    if (build_alerts && !alerts_too) break;
    EngineOptions opt;
    opt.build_alerts = build_alerts;
    for (int r = 0; r < reps; ++r) {
      const double c0 = CpuSeconds();
      auto res = EvaluateBatch(rules, series, opt);
      const double dt = CpuSeconds() - c0;
      if (!res.ok()) return Fail("EvaluateBatch", res.status());
      (build_alerts ? t->batch_alerts : t->batch_flags) = std::min(build_alerts ? t->batch_alerts : t->batch_flags, dt);
      t->evaluations = res->evaluations;
      if (build_alerts) t->alerts = res->alerts.size();
    }
  }
  std::vector<std::tuple<int64_t, uint32_t, double>> events;
  size_t n = 0;
  for (const TimeSeries& s : series) n += s.size();
  events.reserve(n);
  for (size_t i = 0; i < series.size(); ++i)
    for (size_t j = 0; j < series[i].size(); ++j)
      events.emplace_back(series[i].timestamps_ms[j], static_cast<uint32_t>(i), series[i].values[j]);
  std::stable_sort(events.begin(), events.end(),
                   [](const auto& a, const auto& b) { return std::get<0>(a) < std::get<0>(b); });
  for (int r = 0; r < reps; ++r) {
    size_t flags = 0;
    StreamingEngine::Callbacks cb;
    cb.on_point = [&](size_t, int64_t, uint8_t f) { flags += f; };
    EngineOptions opt;
    opt.build_alerts = false;
    const size_t heap0 = HeapInUse();
    const double c0 = CpuSeconds();
    auto eng = StreamingEngine::Create(rules, opt, cb);
    if (!eng.ok()) return Fail("StreamingEngine::Create", eng.status());
    std::vector<size_t> ids;
    for (const TimeSeries& s : series) {
      auto id = (*eng)->AddSeries(s.name, s.labels);
      if (!id.ok()) return Fail("AddSeries", id.status());
      ids.push_back(*id);
    }
    const double setup = CpuSeconds() - c0;
    for (const auto& [ts, i, v] : events) {
      const Status st = (*eng)->Append(ids[i], ts, v);
      if (!st.ok()) return Fail("Append", st);
    }
    const Status st = (*eng)->Flush();
    if (!st.ok()) return Fail("Flush", st);
    const double dt = CpuSeconds() - c0;
    if (dt < t->stream) t->stream = dt, t->stream_setup = setup;
    t->stream_flags = flags;
    t->stream_heap = HeapInUse() - heap0;
  }
  return true;
}

uint64_t Fnv(uint64_t h, const std::string& s) {
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

// The streaming engine's heap after a size's run (HeapInUse's growth), a series' share of it, and a plain
// threshold rule's share in the same run (PERF4).
void PrintStreamHeap(size_t heap, size_t threshold_heap, size_t n_series) {
  std::printf("    streaming engine's heap after the run: %.1f MB, %.0f B a series (the threshold's: %.0f B a series)\n",
              static_cast<double>(heap) / 1e6, static_cast<double>(heap) / static_cast<double>(n_series),
              static_cast<double>(threshold_heap) / static_cast<double>(n_series));
}

// --check: streaming's flags and alerts (every point appended in time order, alerts built) equal
// batch's; prints what was compared and a digest of the alerts' JSON (sorted) and the flags.
bool CheckStreamingEqualsBatch(const CompiledRules& rules, const std::vector<TimeSeries>& series) {
  auto batch = EvaluateBatch(rules, series);
  if (!batch.ok()) return Fail("EvaluateBatch", batch.status());
  std::vector<std::vector<uint8_t>> flags(series.size());
  std::vector<std::string> alerts, want;
  StreamingEngine::Callbacks cb;
  cb.on_point = [&](size_t s, int64_t, uint8_t f) { flags[s].push_back(f); };
  cb.on_alert = [&](const Alert& a) {
    if (a.state == AlertState::kResolved) alerts.push_back(Json(a).dump());
  };
  auto eng = StreamingEngine::Create(rules, EngineOptions{}, cb);
  if (!eng.ok()) return Fail("StreamingEngine::Create", eng.status());
  std::vector<std::tuple<int64_t, uint32_t, double>> events;
  for (size_t i = 0; i < series.size(); ++i) {
    auto id = (*eng)->AddSeries(series[i].name, series[i].labels);
    if (!id.ok()) return Fail("AddSeries", id.status());
    for (size_t j = 0; j < series[i].size(); ++j)
      events.emplace_back(series[i].timestamps_ms[j], static_cast<uint32_t>(i), series[i].values[j]);
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const auto& a, const auto& b) { return std::get<0>(a) < std::get<0>(b); });
  for (const auto& [ts, i, v] : events)
    if (const Status st = (*eng)->Append(i, ts, v); !st.ok()) return Fail("Append", st);
  if (const Status st = (*eng)->Flush(); !st.ok()) return Fail("Flush", st);
  for (const Alert& a : (*eng)->ActiveAlerts()) alerts.push_back(Json(a).dump());
  for (const Alert& a : batch->alerts) want.push_back(Json(a).dump());
  std::sort(alerts.begin(), alerts.end());
  std::sort(want.begin(), want.end());
  uint64_t h = 0xcbf29ce484222325ull;
  size_t flagged = 0;
  for (const std::string& a : alerts) h = Fnv(h, a);
  for (const auto& f : flags)
    for (uint8_t x : f) h = Fnv(h, x ? "1" : "0"), flagged += x;
  const bool same = alerts == want && flags == batch->flags;
  std::printf("    check: streaming %s batch: %zu alerts, %zu flagged points, digest %016llx\n",
              same ? "equals" : "DIFFERS FROM", alerts.size(), flagged, static_cast<unsigned long long>(h));
  return same;
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t c = s.find(',', pos);
    if (c == std::string::npos) c = s.size();
    out.push_back(s.substr(pos, c - pos));
    pos = c + 1;
  }
  return out;
}

int Usage(const std::string& why) {
  std::fprintf(stderr,
               "rules_fleet_bench: %s\nusage: rules_fleet_bench [--rules FILE[,FILE...]] [--gpus N[,N...]] "
               "[--hours H] [--step-s S] [--reps R] [--no-per-rule | --per-rule-over-all] [--check] [--stream-only]\n",
               why.c_str());
  return 2;
}

int64_t WholeArg(const std::string& flag, const std::string& v, bool* ok) {
  char* end = nullptr;
  const long long n = std::strtoll(v.c_str(), &end, 10);
  *ok = !v.empty() && *end == '\0' && n >= 1 && n <= 10'000'000;
  if (!*ok) Usage(flag + " " + v + ": not a whole number from 1 to 10000000");
  return n;
}

int Main(int argc, char** argv) {
  std::vector<std::string> files{"data/rules/gpu_training.rules", "docs/examples/day_one.rules"};
  std::vector<size_t> sizes{1000, 4000};
  int64_t hours = 2, step_s = 15, reps = 3;
  bool per_rule = true, over_all = false, check = false, stream_only = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--check") {
      check = true;
      continue;
    }
    if (a == "--stream-only") {
      stream_only = true;
      continue;
    }
    if (a == "--no-per-rule" || a == "--per-rule-over-all") {
      (a == "--no-per-rule" ? per_rule : over_all) = a == "--per-rule-over-all";
      continue;
    }
    if (a != "--rules" && a != "--gpus" && a != "--hours" && a != "--step-s" && a != "--reps")
      return Usage("unknown argument " + a);
    if (i + 1 >= argc) return Usage(a + " needs a value");
    const std::string v = argv[++i];
    bool ok = true;
    if (a == "--rules") {
      files = SplitList(v);
      if (std::find(files.begin(), files.end(), "") != files.end()) return Usage("--rules " + v + ": an empty file name");
    } else if (a == "--gpus") {
      sizes.clear();
      for (const std::string& p : SplitList(v)) {
        sizes.push_back(static_cast<size_t>(WholeArg(a, p, &ok)));
        if (!ok) return 2;
      }
    } else {
      const int64_t n = WholeArg(a, v, &ok);
      if (!ok) return 2;
      (a == "--hours" ? hours : a == "--step-s" ? step_s : reps) = n;
    }
  }
  if (stream_only && per_rule) return Usage("--stream-only needs --no-per-rule (per rule, batch is timed too)");
  const int64_t points = hours * 3600 / step_s;
  auto threshold = CompileRules("rule Threshold {\n  select *\n  when value > 1e300\n}\n", "threshold");
  if (!threshold.ok()) {
    Fail("threshold rule", threshold.status());
    return 1;
  }
  for (const std::string& file : files) {
    auto rules = CompileRuleFile(file);
    if (!rules.ok()) {
      Fail(file, rules.status());
      return 2;
    }
    std::set<std::string> metric_set;
    for (const RulePlan& p : rules->rules)
      if (!p.selector.metric.empty()) metric_set.insert(p.selector.metric);
    const std::vector<std::string> metrics(metric_set.begin(), metric_set.end());
    std::printf("%s: %zu rules over %zu metrics, one series per GPU and metric, %lld points each (%lld h at %lld s)\n",
                file.c_str(), rules->rules.size(), metrics.size(), static_cast<long long>(points),
                static_cast<long long>(hours), static_cast<long long>(step_s));
    for (size_t gpus : sizes) {
      const std::vector<TimeSeries> series = MakeFleet(metrics, gpus, points, step_s * 1000);
      size_t n = 0;
      for (const TimeSeries& s : series) n += s.size();
      Timing all, thr;
      if (!Measure(*rules, series, static_cast<int>(reps), true, &all, !stream_only)) return 1;
      if (!Measure(*threshold, series, static_cast<int>(reps), false, &thr, !stream_only)) return 1;
      if (stream_only) {
        std::printf("  %zu GPUs: %zu series, %.2f M points\n", gpus, series.size(), static_cast<double>(n) / 1e6);
        std::printf("    streaming: %.3f s CPU, %.2f M points/s (threshold baseline %.3f s; x%.1f), %zu flagged points; "
                    "declaring the series %.3f s of it\n",
                    all.stream, static_cast<double>(n) / all.stream / 1e6, thr.stream, all.stream / thr.stream,
                    all.stream_flags, all.stream_setup);
        PrintStreamHeap(all.stream_heap, thr.stream_heap, series.size());
        std::fflush(stdout);
        if (check && !CheckStreamingEqualsBatch(*rules, series)) return 1;
        continue;
      }
      const double thr_per_eval = thr.batch_flags / static_cast<double>(thr.evaluations);
      const double thr_stream_per_eval = thr.stream / static_cast<double>(thr.evaluations);
      std::printf("  %zu GPUs: %zu series, %.2f M points, %.2f M rule-point evaluations\n", gpus, series.size(),
                  static_cast<double>(n) / 1e6, static_cast<double>(all.evaluations) / 1e6);
      std::printf("    batch flags only: %.3f s CPU, %.2f M points/s, %.1f M rule-points/s (threshold baseline %.1f M/s; x%.1f)\n",
                  all.batch_flags, static_cast<double>(n) / all.batch_flags / 1e6,
                  static_cast<double>(all.evaluations) / all.batch_flags / 1e6, 1e-6 / thr_per_eval,
                  all.batch_flags / static_cast<double>(all.evaluations) / thr_per_eval);
      std::printf("    batch with alerts: %.3f s CPU, %.2f M points/s, %zu alerts\n", all.batch_alerts,
                  static_cast<double>(n) / all.batch_alerts / 1e6, all.alerts);
      std::printf("    streaming: %.3f s CPU, %.2f M points/s, %.1f M rule-points/s (threshold baseline %.1f M/s; x%.1f), %zu flagged points; "
                  "declaring the series %.3f s of it\n",
                  all.stream, static_cast<double>(n) / all.stream / 1e6,
                  static_cast<double>(all.evaluations) / all.stream / 1e6, 1e-6 / thr_stream_per_eval,
                  all.stream / static_cast<double>(all.evaluations) / thr_stream_per_eval, all.stream_flags,
                  all.stream_setup);
      PrintStreamHeap(all.stream_heap, thr.stream_heap, series.size());
      std::fflush(stdout);
      if (check && !CheckStreamingEqualsBatch(*rules, series)) return 1;
      if (!per_rule) continue;
      // Per rule, batch flags only, over the series it selects (its metric's; all with --per-rule-over-all),
      // against the threshold over the same series.
      std::printf("    %-26s %9s %9s %11s %7s %11s %7s\n", "rule", "batch s", "stream s", "M pts/s b", "x thr", "M pts/s s",
                  "x thr");
      for (const RulePlan& p : rules->rules) {
        std::vector<TimeSeries> mine;
        for (const TimeSeries& s : series)
          if (over_all || s.name == p.selector.metric) mine.push_back(s);
        CompiledRules one{{p}};
        Timing r, rt;
        if (!Measure(one, mine, static_cast<int>(reps), false, &r)) return 1;
        if (!Measure(*threshold, mine, static_cast<int>(reps), false, &rt)) return 1;
        size_t m = 0;
        for (const TimeSeries& s : mine) m += s.size();
        std::printf("    %-26s %9.3f %9.3f %11.2f %7.1f %11.2f %7.1f\n", p.name.c_str(), r.batch_flags, r.stream,
                    static_cast<double>(m) / r.batch_flags / 1e6, r.batch_flags / rt.batch_flags,
                    static_cast<double>(m) / r.stream / 1e6, r.stream / rt.stream);
      }
      std::fflush(stdout);
    }
  }
  std::printf("points/s: input points of all series over CPU s; rule-points: (rule, point) pairs evaluated;\n"
              "x thr: CPU over a plain threshold's on the same series (measured in this run)\n");
  return 0;
}

}  // namespace
}  // namespace vigil

int main(int argc, char** argv) { return vigil::Main(argc, argv); }
