// What an alert's own rank or GPU shows in its own series, against its peers (RGB, 2026-12-03).
//
// An alert whose labels name one participant - `rank`, `global_rank`, `local_rank`, a GPU (`gpu`,
// `GPU`, `gpu_index`, `minor_number`, a MIG instance's `GPU_I_ID` beside its GPU), a GPU `UUID` -
// is about that participant, and an on-call engineer reads that rank's / GPU's own series against
// its peers before anything job-wide: its compute / step time, its utilisation, its SM clock, its
// temperature and its clock-event reasons. ReadAlertSubject does that reading on a case's series:
//   - the subject's series: a rank label equal to the alert's (and its job when both carry one); a
//     GPU's: the same node (node_names.h's SameNodeName over NodeOf) and GPU index, or the same UUID;
//     a rank's series that also names a node and GPU (`node="node-1",gpu="1"`), or the case's rank
//     layout (`rank_places`), lead to that GPU's DCGM series, and a GPU's to the rank on it;
//   - each of its timing / throughput series compared, at the alert's time (the last sample at or
//     before `at_ms`), with the median of the same metric's other series at that time: a time per
//     step or per compute phase at least kSubjectSlowRatio of the peers' is slow, within
//     kSubjectNormalRatio normal; a utilisation, tensor activity, throughput or SM clock at most
//     1 / kSubjectSlowRatio of the peers' is slow. Waits (all-reduce, data, barrier) are not read:
//     a straggler's own waits are the shortest;
//   - its heat: the temperature at the alert's time, the clock-event reasons over the 10 minutes
//     before it to 5 minutes after (any thermal bit: SW 0x20, HW 0x40; HW slowdown 0x8), the SM clock
//     at the alert's time against the highest of its own earlier samples and its peers' median.
//     `throttling`: a thermal bit set while hot (>= kSubjectHotC), or no reasons series and the
//     clock at most 0.9 of its own best / its peers' while hot. `not_throttling`: hot, a reasons
//     series with no thermal or HW-slowdown bit in that span, and the clock (when read) at least
//     0.95 of its own best and of its peers'.
// `harmless` is the page that is only a symptom: hot or not, no throttle bit, the clock at its
// best, and no timing series of the subject slow (one normal against its peers, when there is one).
// `unthrottled`: the GPU's own clock-event reasons show no throttle bit and its clock is not cut -
// whatever a temperature or power condition says, its clocks are not held down.
// Pure functions, thread safe; pointers point into `series`.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/time_series.h"

namespace vigil {

constexpr double kSubjectSlowRatio = 1.15;
constexpr double kSubjectNormalRatio = 1.08;
constexpr double kSubjectHotC = 85.0;

struct AlertSubject {
  std::string rank;   // the alert's rank (rank, global_rank), "" when none
  std::string job;    // its job label, for matching a rank's series
  std::string node;   // NodeOf(alert), or the node its rank's series name
  int gpu = -1;       // its GPU index, or the GPU its rank's series / the layout names
  std::string uuid;   // its GPU UUID (UUID, uuid, gpu_uuid)
  bool any() const { return !rank.empty() || gpu >= 0 || !uuid.empty(); }
  // "rank 5 (node-1 GPU 1)", "node-b GPU 5", "GPU-3b1e...".
  std::string Describe() const;
};

// The participant an alert's labels name; `any()` false when none. `local_rank` with a node and no
// GPU label is read as the GPU index (torchrun's LOCAL_RANK picks cuda:LOCAL_RANK).
AlertSubject SubjectOfAlert(const Labels& alert);

struct SubjectReading {
  const TimeSeries* series = nullptr;  // the subject's series
  double now = 0;                      // its value at the alert's time
  double peers = 0;                    // the peers' median at that time
  size_t peer_count = 0;
  bool higher_is_slow = true;          // a time (true) or a rate / activity / clock (false)
  // "compute_ms{...} at 478 at 2026-...Z while its 7 peers are at 297 (median): 1.61x".
  std::string Text() const;
};

enum class SubjectHeat { kUnread, kCool, kThrottling, kNotThrottling };

struct SubjectReport {
  AlertSubject subject;               // with node / gpu filled from the series when the alert had none
  std::vector<SubjectReading> slow;   // timing / throughput series behind the peers
  std::vector<SubjectReading> normal; // timing series in line with the peers
  // Heat.
  const TimeSeries* temp = nullptr;
  double temp_now = 0;
  const TimeSeries* reasons = nullptr;
  int64_t reason_bits = 0;            // OR of the reasons samples in the span
  const TimeSeries* clock = nullptr;
  double clock_now = 0, clock_best = 0, clock_peers = 0;
  SubjectHeat heat = SubjectHeat::kUnread;
  std::string heat_text;              // one sentence: what the heat series say
  bool harmless = false;
  // Its clock-event reasons were read and show no throttle (no bit of 0x4 SW power cap, 0x8 HW
  // slowdown, 0x20 / 0x40 thermal, 0x80 power brake) and its clock, when read, is not cut.
  bool unthrottled = false;
};

// `at_ms`: the alert's startsAt (<= 0: the last sample of each series). `rank_places`: the case's
// rank layout (rank -> {node, gpu}).
SubjectReport ReadAlertSubject(const AlertSubject& subject, int64_t at_ms, const std::vector<TimeSeries>& series,
                               const std::map<int, std::pair<std::string, int>>& rank_places = {});

}  // namespace vigil
