#include "agents/alert_subject.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

#include "agents/gpu_labels.h"
#include "agents/label_value.h"
#include "agents/node_names.h"
#include "core/ascii.h"
#include "core/parse.h"
#include "core/stats.h"
#include "core/time_util.h"

namespace vigil {
namespace {

int IndexOf(const std::string& v) {
  if (v.empty() || v.size() > 6 || !std::all_of(v.begin(), v.end(), [](unsigned char ch) { return std::isdigit(ch); }))
    return -1;
  return ParseInt32(v).value_or(-1);
}


std::string RankOfLabels(const Labels& labels) {
  std::string r = FirstLabelValue(labels, {"rank", "global_rank"});
  return IndexOf(r) >= 0 ? r : std::string();
}

enum class Kind { kNone, kTime, kRate, kClock, kTemp, kReasons };

bool HasAny(const std::string& s, std::initializer_list<const char*> words) {
  for (const char* w : words) {
    if (s.find(w) != std::string::npos) return true;
  }
  return false;
}

// What a metric's name says it measures. Waits are not read: a straggler's own all-reduce and data
// waits are the shortest, its peers' the longest. Utilisation and tensor activity are not read for
// slowness either: a straggler's peers spin in NCCL kernels at full utilisation.
Kind KindOf(const std::string& name) {
  if (name == "DCGM_FI_DEV_GPU_TEMP") return Kind::kTemp;
  if (name == "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS" || name == "DCGM_FI_DEV_CLOCKS_EVENT_REASONS") return Kind::kReasons;
  if (name == "DCGM_FI_DEV_SM_CLOCK") return Kind::kClock;
  const std::string n = AsciiLower(name);
  if (HasAny(n, {"allreduce", "all_reduce", "nccl", "comm", "wait", "data", "load", "barrier", "idle", "stall", "sync"}))
    return Kind::kNone;
  if (HasAny(n, {"step_time", "steptime", "step_duration", "step_seconds", "iter_time", "iteration_time", "compute",
                 "forward", "backward", "fwd", "bwd", "batch_time"}))
    return Kind::kTime;
  if (HasAny(n, {"tokens_per", "samples_per", "throughput", "tflops"})) return Kind::kRate;
  return Kind::kNone;
}

// A sample older than this before the alert is not its state: a series that stopped (the GPU's
// exporter lost it) says nothing of the alert's time.
constexpr int64_t kFreshMs = 5 * 60 * 1000;

// The value at `at_ms`: the last finite sample at or before it, at most kFreshMs before it (the
// last sample when at_ms <= 0).
std::optional<double> ValueAt(const TimeSeries& s, int64_t at_ms) {
  for (size_t i = s.size(); i-- > 0;) {
    if (at_ms > 0 && s.timestamps_ms[i] > at_ms) continue;
    if (at_ms > 0 && at_ms - s.timestamps_ms[i] > kFreshMs) return std::nullopt;
    if (std::isfinite(s.values[i])) return s.values[i];
  }
  return std::nullopt;
}

// The last finite sample after `at_ms` (its time, its value); none when at_ms <= 0 or no sample
// is after it. The reading an engineer compares with the alert's time: the last the diagnosis read.
std::optional<std::pair<int64_t, double>> LastAfter(const TimeSeries& s, int64_t at_ms) {
  if (at_ms <= 0) return std::nullopt;
  for (size_t i = s.size(); i-- > 0;) {
    if (s.timestamps_ms[i] <= at_ms) return std::nullopt;
    if (std::isfinite(s.values[i])) return std::make_pair(s.timestamps_ms[i], s.values[i]);
  }
  return std::nullopt;
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

constexpr int64_t kReasonsBeforeMs = 10 * 60 * 1000;
constexpr int64_t kReasonsAfterMs = 5 * 60 * 1000;

}  // namespace

std::string AlertSubject::Describe() const {
  std::string gpu_text;
  if (!node.empty() && gpu >= 0) {
    gpu_text = node;
    gpu_text += " GPU ";
    gpu_text += std::to_string(gpu);
  } else if (!uuid.empty()) {
    gpu_text = uuid;
  }
  if (rank.empty()) return gpu_text;
  std::string out = "rank ";
  out += rank;
  if (!gpu_text.empty()) {
    out += " (";
    out += gpu_text;
    out += ')';
  }
  return out;
}

AlertSubject SubjectOfAlert(const Labels& alert) {
  AlertSubject s;
  s.rank = RankOfLabels(alert);
  s.job = FirstLabelValue(alert, {"job"});
  s.node = NodeOf(alert);
  s.gpu = GpuOf(alert);
  if (s.gpu < 0 && !s.node.empty()) s.gpu = IndexOf(FirstLabelValue(alert, {"local_rank"}));
  s.uuid = FirstLabelValue(alert, {"UUID", "uuid", "gpu_uuid"});
  return s;
}

std::string SubjectReading::Text() const {
  std::string out = series->id();
  out += " at ";
  out += Num(now);
  out += " while its ";
  out += std::to_string(peer_count);
  out += peer_count == 1 ? " peer is at " : " peers are at ";
  out += Num(peers);
  out += " (median): ";
  out += Num(peers > 0 ? now / peers : 0);
  out += 'x';
  return out;
}

SubjectReport ReadAlertSubject(const AlertSubject& subject, int64_t at_ms, const std::vector<TimeSeries>& series,
                               const std::map<int, std::pair<std::string, int>>& rank_places) {
  SubjectReport r;
  r.subject = subject;
  AlertSubject& sub = r.subject;
  auto rank_match = [&](const TimeSeries& s) {
    if (sub.rank.empty() || RankOfLabels(s.labels) != sub.rank) return false;
    const std::string job = FirstLabelValue(s.labels, {"job"});
    return sub.job.empty() || job.empty() || job == sub.job;
  };
  // A rank's place: a series of the rank that names its node and GPU, else the layout.
  if (!sub.rank.empty() && (sub.node.empty() || sub.gpu < 0)) {
    for (const TimeSeries& s : series) {
      if (!rank_match(s)) continue;
      const std::string node = NodeOf(s.labels);
      const int gpu = GpuOf(s.labels);
      if (node.empty() || gpu < 0) continue;
      if (!sub.node.empty() && !SameNodeName(sub.node, node)) continue;
      sub.node = node;
      sub.gpu = gpu;
      break;
    }
    if (sub.node.empty() || sub.gpu < 0) {
      auto it = rank_places.find(IndexOf(sub.rank));
      if (it != rank_places.end() && !it->second.first.empty() && it->second.second >= 0 &&
          (sub.node.empty() || SameNodeName(sub.node, it->second.first))) {
        sub.node = it->second.first;
        sub.gpu = it->second.second;
      }
    }
  }
  auto gpu_match = [&](const TimeSeries& s) {
    if (!sub.uuid.empty() && FirstLabelValue(s.labels, {"UUID", "uuid", "gpu_uuid"}) == sub.uuid) return true;
    if (sub.node.empty() || sub.gpu < 0 || GpuOf(s.labels) != sub.gpu) return false;
    const std::string node = NodeOf(s.labels);
    return !node.empty() && SameNodeName(node, sub.node);
  };
  // A GPU's rank: a rank's series on that node and GPU (said in Describe, and its timings read).
  if (sub.rank.empty() && sub.gpu >= 0) {
    for (const TimeSeries& s : series) {
      const std::string rank = RankOfLabels(s.labels);
      if (!rank.empty() && gpu_match(s)) {
        sub.rank = rank;
        break;
      }
    }
    if (sub.rank.empty()) {
      for (const auto& [rank, place] : rank_places) {
        if (place.second == sub.gpu && !sub.node.empty() && SameNodeName(place.first, sub.node)) {
          sub.rank = std::to_string(rank);
          break;
        }
      }
    }
  }
  auto is_subject = [&](const TimeSeries& s) { return rank_match(s) || gpu_match(s); };
  auto peers_at = [&](const TimeSeries& own, std::vector<double>* out) {
    const std::string job = FirstLabelValue(own.labels, {"job"});
    for (const TimeSeries& p : series) {
      if (&p == &own || p.name != own.name || is_subject(p)) continue;
      const std::string pjob = FirstLabelValue(p.labels, {"job"});
      if (!job.empty() && !pjob.empty() && pjob != job) continue;
      if (auto v = ValueAt(p, at_ms)) out->push_back(*v);
    }
  };
  std::vector<std::string> seen_names;
  for (const TimeSeries& s : series) {
    if (s.empty() || !is_subject(s)) continue;
    const Kind kind = KindOf(s.name);
    if (kind == Kind::kNone) continue;
    // One series per metric name (an alias copy, a second label set of the same GPU).
    if (std::find(seen_names.begin(), seen_names.end(), s.name) != seen_names.end()) continue;
    seen_names.push_back(s.name);
    const std::optional<double> now = ValueAt(s, at_ms);
    if (kind == Kind::kReasons) {
      size_t read = 0;
      for (size_t i = 0; i < s.size(); ++i) {
        if (at_ms > 0 && (s.timestamps_ms[i] < at_ms - kReasonsBeforeMs || s.timestamps_ms[i] > at_ms + kReasonsAfterMs))
          continue;
        const double v = s.values[i];
        if (!std::isfinite(v) || v < 0 || v > 4294967295.0 || v != std::floor(v)) continue;
        r.reason_bits |= static_cast<int64_t>(v);
        ++read;
      }
      if (read > 0) r.reasons = &s;  // none in the span: not read
      continue;
    }
    if (!now) continue;
    if (kind == Kind::kTemp) {
      r.temp = &s;
      r.temp_now = *now;
      continue;
    }
    std::vector<double> peers;
    peers_at(s, &peers);
    const double peer_median = peers.empty() ? 0 : Median(peers);
    if (kind == Kind::kClock) {
      r.clock = &s;
      r.clock_now = *now;
      r.clock_peers = peer_median;
      for (size_t i = 0; i < s.size(); ++i) {
        if ((at_ms <= 0 || s.timestamps_ms[i] <= at_ms) && std::isfinite(s.values[i]))
          r.clock_best = std::max(r.clock_best, s.values[i]);
      }
      continue;
    }
    if (peers.empty() || !(peer_median > 0)) continue;
    SubjectReading reading{&s, *now, peer_median, peers.size(), kind == Kind::kTime};
    const double ratio = *now / peer_median;
    if (kind == Kind::kTime ? ratio >= kSubjectSlowRatio : ratio <= 1 / kSubjectSlowRatio) {
      r.slow.push_back(reading);
    } else if (kind == Kind::kTime && ratio <= kSubjectNormalRatio) {
      r.normal.push_back(reading);
    }
  }

  // Heat.
  const bool hot = r.temp != nullptr && r.temp_now >= kSubjectHotC;
  const bool thermal_bit = r.reasons != nullptr && (r.reason_bits & 0x60) != 0;
  const bool other_bit = r.reasons != nullptr && (r.reason_bits & 0x88) != 0;  // HW slowdown, power brake
  const bool clock_low = r.clock != nullptr && ((r.clock_best > 0 && r.clock_now < 0.9 * r.clock_best) ||
                                                (r.clock_peers > 0 && r.clock_now < 0.9 * r.clock_peers));
  const bool clock_full = r.clock != nullptr && r.clock_now >= 0.95 * r.clock_best &&
                          (r.clock_peers <= 0 || r.clock_now >= 0.95 * r.clock_peers);
  std::string what = sub.Describe();
  if (r.temp != nullptr) {
    what += " at ";
    what += Num(r.temp_now);
    what += " C";
  }
  if (r.reasons != nullptr) {
    char bits[48];
    std::snprintf(bits, sizeof bits, ", clock-event reasons 0x%llx", static_cast<unsigned long long>(r.reason_bits));
    what += bits;
    what += r.reason_bits == 0 ? " (none)" : thermal_bit ? " (thermal slowdown)" : "";
  }
  if (r.clock != nullptr) {
    what += ", SM clock ";
    what += Num(r.clock_now);
    what += " MHz (its best ";
    what += Num(r.clock_best);
    if (r.clock_peers > 0) {
      what += ", its peers ";
      what += Num(r.clock_peers);
    }
    what += ')';
  }
  if (r.temp == nullptr && r.reasons == nullptr && r.clock == nullptr) {
    r.heat = SubjectHeat::kUnread;
  } else if (thermal_bit) {
    r.heat = SubjectHeat::kThrottling;
    r.heat_text = what + ": the GPU's clocks are cut for its temperature";
  } else if (hot && r.reasons == nullptr && clock_low) {
    r.heat = SubjectHeat::kThrottling;
    r.heat_text = what + ": the clock dropped while hot";
  } else if (hot && !other_bit && !clock_low && (r.reasons != nullptr || clock_full)) {
    r.heat = SubjectHeat::kNotThrottling;
    r.heat_text = what + ": hot but not throttling";
  } else if (r.temp != nullptr && !hot) {
    r.heat = SubjectHeat::kCool;
    r.heat_text = what;
  } else {
    r.heat_text = what;
  }
  // The time of these readings, and the last ones read when they differ materially (5 C, a thermal
  // or power-brake bit set or cleared, a tenth of the clock): an engineer reading the answer after
  // the GPU cooled must not take the alert's time for now, nor now for the alert's time (REV3,
  // 2026-12-04: "GPU 5 at 55 C, clock-event reasons 0x20" was read as the state after it cooled).
  if (!r.heat_text.empty() && at_ms > 0) {
    std::string later;
    bool differs = false;
    int64_t later_ms = 0;
    auto add = [&](const std::string& text, int64_t t) {
      later += later.empty() ? "" : ", ";
      later += text;
      later_ms = std::max(later_ms, t);
    };
    if (r.temp != nullptr) {
      if (auto l = LastAfter(*r.temp, at_ms)) {
        add(Num(l->second) + " C", l->first);
        differs = differs || std::fabs(l->second - r.temp_now) >= 5;
      }
    }
    if (r.reasons != nullptr) {
      auto l = LastAfter(*r.reasons, at_ms);
      if (l && l->second >= 0 && l->second <= 4294967295.0 && l->second == std::floor(l->second)) {
        const auto bits = static_cast<int64_t>(l->second);
        char text[48];
        std::snprintf(text, sizeof text, "clock-event reasons 0x%llx", static_cast<unsigned long long>(bits));
        add(text, l->first);
        differs = differs || ((bits & 0x60) != 0) != ((r.reason_bits & 0x60) != 0) ||
                  ((bits & 0x80) != 0) != ((r.reason_bits & 0x80) != 0);
      }
    }
    if (r.clock != nullptr) {
      if (auto l = LastAfter(*r.clock, at_ms)) {
        add("SM clock " + Num(l->second) + " MHz", l->first);
        differs = differs || std::fabs(l->second - r.clock_now) >= 0.1 * std::max(r.clock_now, 1.0);
      }
    }
    r.heat_text += " (read at " + FormatRfc3339Ms(at_ms) + ", the alert's startsAt";
    if (r.reasons != nullptr) {
      r.heat_text += "; the reasons from " + std::to_string(kReasonsBeforeMs / 60000) + " min before it to " +
                     std::to_string(kReasonsAfterMs / 60000) + " min after";
    }
    r.heat_text += ")";
    if (differs) r.heat_text += "; " + later + " at " + FormatRfc3339Ms(later_ms) + ", the last sample read";
  }
  // Harmless: no throttle bit (the SW power cap's too: a lowered limit caps clocks, realistic12
  // rl12-09), the clock at its best, no timing behind.
  // Whether it throttles is the GPU's own clock series' to say (its reasons, its clock).
  const bool read_something = r.reasons != nullptr || r.clock != nullptr;
  r.harmless = read_something && r.slow.empty() && (r.reasons == nullptr || (r.reason_bits & 0xEC) == 0) &&
               (r.clock == nullptr || clock_full) && r.heat != SubjectHeat::kThrottling;
  r.unthrottled = r.reasons != nullptr && (r.reason_bits & 0xEC) == 0 && !clock_low;
  return r;
}

}  // namespace vigil
