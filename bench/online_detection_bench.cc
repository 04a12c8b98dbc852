// online_detection_bench: the cost of `vigil serve --rules`'s online detection (server/online_detection.h)
// in the detection engine: the warm-up (the first read: an hour of history) and one steady
// interval (one new grid time), for N series, fed the way OnlineDetection::Read feeds the
// engines: rules with stale_for / absent in an engine of their own with a clock series
// (`__vigil_online_clock__`, a point at every grid time), the others in a second engine; series
// declared before their first point; each read's points of all series sorted by (time, series)
// and appended, then Flush. Read in parts of at most 240 grid times, as serve reads.
//
// Baseline, measured in the same run on the same points: EvaluateBatch of the same rules over the
// same warm-up data (`vigil detect`'s path; linear in series x points: tick-driven rules keep a
// cursor per series). The warm-up evaluates exactly the (rule, point) pairs batch evaluates, so
// warm-up / batch is what the streaming path costs over the least the engine spends on the same
// work; a ratio that grows with N is a cost superlinear in the series. A steady interval is
// compared with batch's cost per grid time (batch CPU / grid times).
//
// What is not measured: the Prometheus read (HTTP, JSON; measured by hand in server/README.md),
// the incident store, forwarding, making and sorting the points (printed apart: feed). CPU time
// of the process (one thread) and wall time, of the engine's calls.
//
//   online_detection_bench [--series 1000,10000] [--warmup-points 241] [--steady 20]
//                          [--interval-s 15] [--rules FILE]
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "detectors/engine.h"
#include "rules/compiler.h"

namespace vigil {
namespace {

// The default rules: a threshold with a time window and `for` (RV-ON's Hot), stale_for per series
// (RV-ON's Stale) and per GPU with `ignoring` (the bundled DcgmExporterStale's form), a drop
// against a 1 h quantile window (the bundled GpuUtilDrop's form) and a seasonal offset.
constexpr char kRules[] = R"(rule Hot {
  select temp
  when temp > 80 and mean(temp, 5m) > 0
  for 1m
  severity critical
}
rule Stale {
  select temp
  when stale_for(2m)
  severity warning
}
rule StaleGpu {
  select temp ignoring (pod)
  when stale_for(2m)
  severity warning
}
rule Drop {
  select temp
  when mean(temp, 5m) < 0.5 * quantile(temp, 0.9, 1h)
  severity warning
}
rule Seasonal {
  select temp
  when temp > 1.5 * (temp offset 30m)
  severity warning
}
)";

constexpr char kClock[] = "__vigil_online_clock__";

struct Times {
  double cpu = 0, wall = 0;
};
struct Stamp {
  double cpu, wall;
};
Stamp Now() {
  timespec c{}, w{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c);
  clock_gettime(CLOCK_MONOTONIC, &w);
  return {static_cast<double>(c.tv_sec) + 1e-9 * static_cast<double>(c.tv_nsec),
          static_cast<double>(w.tv_sec) + 1e-9 * static_cast<double>(w.tv_nsec)};
}
Times Since(const Stamp& s) {
  const Stamp e = Now();
  return {e.cpu - s.cpu, e.wall - s.wall};
}

// N GPUs' temperatures, 8 per node, a pod label per node. Deterministic values around 60; 1 in
// 100 runs hot (95) over the warm-up's last 30 grid times (Hot fires); 1 in 100 stops 20 grid
// times before the warm-up's end and stays silent (Stale and StaleGpu fire).
struct Data {
  size_t n = 0;
  int64_t step_ms = 15'000;
  int64_t t0 = 1'700'000'000'000 / 15'000 * 15'000;
  int64_t warmup_points = 241;
  Labels LabelsOf(size_t i) const {
    // (appended, not "n" + to_string: GCC 12's -Wrestrict misfires on that at -O3)
    std::string node = "n", pod = "p";
    node += std::to_string(i / 8);
    pod += std::to_string(i / 8);
    return {{"node", node}, {"gpu", std::to_string(i % 8)}, {"pod", pod}};
  }
  bool Stops(size_t i) const { return i % 100 == 42; }
  // The value of series i at grid time k (k from 0), or NaN for no point.
  double Value(size_t i, int64_t k) const {
    if (Stops(i) && k >= warmup_points - 20) return std::nan("");
    if (i % 100 == 7 && k >= warmup_points - 30 && k < warmup_points) return 95;
    const uint64_t h = (i * 0x9E3779B97F4A7C15ull) ^ (static_cast<uint64_t>(k) * 0xC2B2AE3D27D4EB4Full);
    return 60 + 5 * std::sin(0.01 * static_cast<double>(k) + static_cast<double>(i)) +
           static_cast<double>((h >> 33) % 1000) / 1000.0;
  }
};

struct Part {
  std::unique_ptr<StreamingEngine> engine;
  bool tick = false;
  size_t clock = SIZE_MAX;
  std::vector<size_t> index;  // data series -> engine series
};

// An alert episode: fingerprint (rule + labels) and the time it started firing.
std::string EpisodeKey(const Alert& a) { return a.fingerprint + "@" + std::to_string(a.starts_at_ms); }

struct Online {
  std::vector<Part> parts;
  size_t fired = 0, resolved = 0;
  std::vector<std::string> fired_keys;  // the warm-up's firing episodes (EpisodeKey)
  bool keep_keys = true;
};

void Add(Times* sum, const Times& t) {
  sum->cpu += t.cpu;
  sum->wall += t.wall;
}

// Serve's Read for grid times [k0, k1]: new series declared first, then the points of every
// series (and the clock) sorted by (time, series), appended, flushed. Only the engine's calls
// (AddSeries, Append, Flush) are timed, into *engine; making the data (labels, values: sin per
// point) and sorting it go into *feed (review RV-BE: timed with the engine, they were ~15% of the
// warm-up and in the ratio to batch, whose input is made before its timer starts).
bool Read(Online& on, const Data& d, int64_t k0, int64_t k1, Times* engine, Times* feed) {
  struct Point {
    int64_t t;
    size_t series;
    double value;
  };
  for (Part& p : on.parts) {
    Stamp s0 = Now();
    std::vector<std::pair<size_t, Labels>> fresh;
    for (size_t i = 0; i < d.n; ++i)
      if (p.index[i] == SIZE_MAX) fresh.emplace_back(i, d.LabelsOf(i));
    Add(feed, Since(s0));
    s0 = Now();
    for (auto& [i, labels] : fresh) {
      auto added = p.engine->AddSeries("temp", labels);
      if (!added.ok()) {
        std::fprintf(stderr, "AddSeries: %s\n", added.status().ToString().c_str());
        return false;
      }
      p.index[i] = *added;
    }
    Add(engine, Since(s0));
    s0 = Now();
    std::vector<Point> ps;
    ps.reserve(d.n * static_cast<size_t>(k1 - k0 + 1) + static_cast<size_t>(k1 - k0 + 1));
    for (size_t i = 0; i < d.n; ++i) {
      for (int64_t k = k0; k <= k1; ++k) {
        const double v = d.Value(i, k);
        if (std::isfinite(v)) ps.push_back({d.t0 + k * d.step_ms, p.index[i], v});
      }
    }
    if (p.clock != SIZE_MAX)
      for (int64_t k = k0; k <= k1; ++k) ps.push_back({d.t0 + k * d.step_ms, p.clock, 0});
    std::sort(ps.begin(), ps.end(),
              [](const Point& a, const Point& b) { return std::tie(a.t, a.series) < std::tie(b.t, b.series); });
    Add(feed, Since(s0));
    s0 = Now();
    for (const Point& x : ps) {
      const Status st = p.engine->Append(x.series, x.t, x.value);
      if (!st.ok()) {
        std::fprintf(stderr, "Append: %s\n", st.ToString().c_str());
        return false;
      }
    }
    const Status st = p.engine->Flush();
    if (!st.ok()) {
      std::fprintf(stderr, "Flush: %s\n", st.ToString().c_str());
      return false;
    }
    Add(engine, Since(s0));
  }
  return true;
}

bool MakeOnline(const CompiledRules& rules, size_t n, Online* on) {
  CompiledRules split[2];
  for (const RulePlan& r : rules.rules) split[r.tick_driven ? 1 : 0].rules.push_back(r);
  for (CompiledRules& part_rules : split) {
    if (part_rules.rules.empty()) continue;
    Part p;
    p.tick = part_rules.rules.front().tick_driven;
    StreamingEngine::Callbacks cb;
    cb.on_alert = [on](const Alert& a) {
      ++(a.state == AlertState::kFiring ? on->fired : on->resolved);
      if (a.state == AlertState::kFiring && on->keep_keys) on->fired_keys.push_back(EpisodeKey(a));
    };
    auto e = StreamingEngine::Create(part_rules, EngineOptions{}, std::move(cb));
    if (!e.ok()) {
      std::fprintf(stderr, "StreamingEngine::Create: %s\n", e.status().ToString().c_str());
      return false;
    }
    p.engine = std::move(*e);
    if (p.tick) p.clock = *p.engine->AddSeries(kClock, {});
    p.index.assign(n, SIZE_MAX);
    on->parts.push_back(std::move(p));
  }
  return true;
}

std::vector<size_t> ParseSizes(const char* s) {
  std::vector<size_t> out;
  std::string text(s);
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string::npos) comma = text.size();
    const std::string part = text.substr(pos, comma - pos);
    char* end = nullptr;
    const unsigned long long v = std::strtoull(part.c_str(), &end, 10);
    if (part.empty() || *end != '\0' || v == 0) return {};
    out.push_back(static_cast<size_t>(v));
    pos = comma + 1;
  }
  return out;
}

int64_t WholeArg(const char* flag, const char* s) {
  char* end = nullptr;
  const long long v = std::strtoll(s, &end, 10);
  if (*s == '\0' || *end != '\0' || v < 1) {
    std::fprintf(stderr, "online_detection_bench: %s wants a whole number from 1, got '%s'\n", flag, s);
    std::exit(2);
  }
  return v;
}

int Main(int argc, char** argv) {
  std::vector<size_t> sizes{1000, 10000};
  int64_t warmup_points = 241, steady = 20, interval_s = 15;
  std::string rules_file;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--series" && has_value) {
      sizes = ParseSizes(argv[++i]);
      if (sizes.empty()) {
        std::fprintf(stderr, "online_detection_bench: --series wants counts from 1 separated by commas, got '%s'\n",
                     argv[i]);
        return 2;
      }
    } else if (a == "--warmup-points" && has_value) {
      warmup_points = WholeArg("--warmup-points", argv[++i]);
    } else if (a == "--steady" && has_value) {
      steady = WholeArg("--steady", argv[++i]);
    } else if (a == "--interval-s" && has_value) {
      interval_s = WholeArg("--interval-s", argv[++i]);
    } else if (a == "--rules" && has_value) {
      rules_file = argv[++i];
    } else {
      std::fprintf(stderr,
                   "online_detection_bench: unknown or incomplete argument '%s'\nusage: online_detection_bench "
                   "[--series 1000,10000] [--warmup-points 241] [--steady 20] [--interval-s 15] [--rules FILE]\n",
                   a.c_str());
      return 2;
    }
  }
  auto compiled = rules_file.empty() ? CompileRules(kRules, "online_detection_bench") : CompileRuleFile(rules_file);
  if (!compiled.ok()) {
    std::fprintf(stderr, "online_detection_bench: rules: %s\n", compiled.status().ToString().c_str());
    return 2;
  }
  const CompiledRules& rules = *compiled;
  std::printf("online_detection_bench: %zu rule(s) (%s):", rules.rules.size(),
              rules_file.empty() ? "built in" : rules_file.c_str());
  for (const RulePlan& r : rules.rules) std::printf(" %s%s", r.name.c_str(), r.tick_driven ? "(tick)" : "");
  std::printf("\nseries temp{node,gpu,pod}, one point per %lld s; warm-up %lld grid times, then %lld steady intervals\n",
              static_cast<long long>(interval_s), static_cast<long long>(warmup_points),
              static_cast<long long>(steady));
  std::printf("%8s | %12s %12s | %12s %12s | %9s | %14s %9s | %11s | %s\n", "series", "batch cpu s", "batch wall s",
              "warmup cpu s", "warmup wall", "warm/batch", "interval cpu ms", "int/batch", "feed cpu s",
              "alerts batch = online");
  std::fflush(stdout);
  bool all_same = true;
  for (size_t n : sizes) {
    Data d;
    d.n = n;
    d.step_ms = interval_s * 1000;
    d.t0 = 1'700'000'000'000 / d.step_ms * d.step_ms;
    d.warmup_points = warmup_points;

    // Baseline: batch over the same warm-up points (the clock series included, as the online
    // tick engine sees it).
    std::vector<TimeSeries> input;
    input.reserve(n + 1);
    TimeSeries clock;
    clock.name = kClock;
    for (int64_t k = 0; k < warmup_points; ++k) {
      clock.timestamps_ms.push_back(d.t0 + k * d.step_ms);
      clock.values.push_back(0);
    }
    input.push_back(std::move(clock));
    for (size_t i = 0; i < n; ++i) {
      TimeSeries s;
      s.name = "temp";
      s.labels = d.LabelsOf(i);
      for (int64_t k = 0; k < warmup_points; ++k) {
        const double v = d.Value(i, k);
        if (!std::isfinite(v)) continue;
        s.timestamps_ms.push_back(d.t0 + k * d.step_ms);
        s.values.push_back(v);
      }
      input.push_back(std::move(s));
    }
    Stamp s0 = Now();
    auto batch = EvaluateBatch(rules, input);
    const Times batch_t = Since(s0);
    if (!batch.ok()) {
      std::fprintf(stderr, "EvaluateBatch: %s\n", batch.status().ToString().c_str());
      return 1;
    }
    input.clear();
    input.shrink_to_fit();

    Online on;
    if (!MakeOnline(rules, n, &on)) return 1;
    Times warm_t, warm_feed;
    for (int64_t k = 0; k < warmup_points; k += 240)
      if (!Read(on, d, k, std::min(k + 239, warmup_points - 1), &warm_t, &warm_feed)) return 1;
    const size_t warm_fired = on.fired;
    on.keep_keys = false;

    Times steady_t, steady_feed;
    for (int64_t k = warmup_points; k < warmup_points + steady; ++k)
      if (!Read(on, d, k, k, &steady_t, &steady_feed)) return 1;

    const double per_grid = batch_t.cpu / static_cast<double>(warmup_points);
    const double interval_cpu = steady_t.cpu / static_cast<double>(steady);
    // The same episodes, not only as many (rule + labels by fingerprint, and start time).
    std::vector<std::string> want;
    for (const Alert& a : batch->alerts) want.push_back(EpisodeKey(a));
    std::sort(want.begin(), want.end());
    std::sort(on.fired_keys.begin(), on.fired_keys.end());
    const bool same = warm_fired == batch->alerts.size() && want == on.fired_keys;
    all_same = all_same && same;
    std::printf("%8zu | %12.3f %12.3f | %12.3f %12.3f | %9.2f | %14.3f %9.2f | %11.3f | %zu %s %zu\n", n,
                batch_t.cpu, batch_t.wall, warm_t.cpu, warm_t.wall, warm_t.cpu / batch_t.cpu, 1e3 * interval_cpu,
                interval_cpu / per_grid, warm_feed.cpu + steady_feed.cpu, batch->alerts.size(), same ? "=" : "!=",
                warm_fired);
    std::fflush(stdout);
  }
  std::printf("warm/batch: warm-up CPU over batch CPU of the same points; int/batch: one steady interval's CPU over\n"
              "batch CPU per grid time (both: the engine's calls only); feed: making and sorting the points (not\n"
              "timed above); alerts: episodes batch found in the warm-up's data = alerts the warm-up fired\n");
  if (!all_same) {
    std::fprintf(stderr, "online_detection_bench: online and batch alerts differ\n");
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace vigil

int main(int argc, char** argv) { return vigil::Main(argc, argv); }
