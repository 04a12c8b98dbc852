#include "agents/builtin_reasoner.h"
#include "agents/case_alert_node.h"
#include "agents/component_format.h"
#include "agents/line_facts.h"
#include "agents/gpu_ids.h"
#include "agents/visible_devices.h"
#include "agents/serving_worker.h"
#include "agents/checkpoint_layout.h"
#include "agents/kube_pods.h"
#include "agents/kube_oom.h"
#include "agents/pod_eviction.h"
#include "agents/nccl_net_missing.h"
#include "agents/optimizer_state.h"
#include "agents/rank_hosts.h"
#include "agents/pci_bus.h"
#include "agents/nfs_readings.h"
#include "agents/object_store.h"
#include "agents/hang_reports.h"
#include "agents/incident_history.h"
#include "agents/rendezvous_host.h"
#include "agents/slurm_states.h"
#include "agents/node_addresses.h"
#include "agents/collective_mismatch.h"
#include "agents/compute_wait.h"
#include "agents/probe_place.h"
#include "agents/launcher_exit.h"
#include "agents/command_comment.h"
#include "agents/pcie_traffic.h"
#include "agents/power_limit.h"
#include "agents/clock_reasons.h"
#include "agents/rising_counter.h"
#include "agents/missing_gpu.h"
#include "agents/alert_clock.h"
#include "agents/alert_gpu_check.h"
#include "agents/alert_gpu_util.h"
#include "agents/alert_severity.h"
#include "agents/alert_xid.h"
#include "agents/alert_alone_words.h"
#include "agents/label_value.h"
#include "agents/node_setting.h"
#include "agents/fp8_overflow.h"
#include "agents/rank_exit.h"
#include "agents/earlier_sightings.h"
#include "agents/explained_partner.h"
#include "agents/packet_filter.h"
#include "agents/pause_series.h"
#include "agents/dshbak_block.h"
#include "agents/cpu_affinity.h"
#include "agents/data_fast_forward.h"
#include "agents/nccl_versions.h"
#include "agents/gpu_compute_apps.h"
#include "agents/ssh_command.h"
#include "agents/rerun_check.h"
#include "agents/nvswitch_fault.h"
#include "agents/mlx5_line.h"
#include "agents/peer_loss.h"
#include "agents/moe_router_stats.h"
#include "agents/zero_counter.h"
#include "agents/log_time.h"
#include "agents/date_only_line.h"
#include "agents/spin_episode.h"
#include "agents/oom_victim.h"
#include "agents/probe_evidence_for_alert.h"
#include "agents/recall_overlap.h"

#include "agents/alert_subject.h"
#include "agents/gpu_labels.h"
#include "agents/alert_triage.h"
#include "agents/rank_numerics.h"
#include "agents/rank_range_times.h"
#include "agents/rank_table.h"
#include "agents/diagnosis_agent.h"
#include "agents/fault_codes.h"
#include "agents/metric_condition.h"
#include "agents/metric_condition_span.h"
#include "agents/node_names.h"
#include "agents/component_text.h"
#include "agents/syslog_header.h"
#include "agents/node_gpu_config.h"
#include "agents/uniq_counts.h"
#include "agents/transport_line.h"
#include "agents/verification_observer.h"
#include "agents/page_cause_lines.h"
#include "agents/stopped_process.h"
#include "agents/upper_median.h"
#include "connectors/alertmanager.h"
#include "probes/command_executor.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <functional>
#include <iterator>
#include <limits>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <string_view>
#include <tuple>

#include "core/ascii.h"
#include "core/metric_renames.h"
#include "core/parse.h"
#include "core/saturating.h"
#include "core/time_util.h"
#include "core/utf8.h"
#include "knowledge/incident_source.h"
#include "knowledge/literal_prefilter.h"
#include "probes/catalog.h"
#include "probes/gpu/gpu_share.h"

namespace vigil {
namespace {

constexpr int64_t kNoTime = std::numeric_limits<int64_t>::max();
// A time in a case is the input's (a metric sample's unix ms is any int64 the case file holds): a
// window or a slack around one saturates at int64's ends (SaturatingAdd / SaturatingSub,
// core/saturating.h; the top end is kNoTime) instead of overflowing (SAN2: a sample at INT64_MIN made
// the throttle window's start `t - 15 min` undefined, in Release a time near INT64_MAX, and every
// throttle line "long before" the slowdown).
constexpr double kFirstSignatureWeight = 3.0;
constexpr double kExtraSignatureWeight = 0.75;
constexpr double kMaxExtraSignatureWeight = 2.0;
constexpr double kMetricWeight = 2.0;
constexpr double kExtraMetricWeight = 0.25;
// An alert's error counter stated rising, below a pack condition's bound or with no number (AO2,
// AddAlertExpressionCondition): the fault's sign, not its measure - half a metric condition.
constexpr double kCounterGrowthWeight = 1.0;
constexpr double kExplainedAwayFactor = 0.3;
constexpr double kCauseMinScore = 2.5;
// The least score of a device fault read first-hand on one GPU that explains watchdog timeouts
// (TimeoutsOfDeviceFault): a DCGM DBE counter stepping 0 -> 1 with its Xid 94 (2.25).
constexpr double kDeviceCauseMinScore = 2.0;
constexpr int64_t kCauseSlackMs = 120'000;  // a cause may be logged up to 2 min after its symptom
// A throttle seen only in log lines explains a symptom that began at most this long after its last
// line (review RG): a quarter hour covers the sparsest throttle logging on-call sees (DCGM health
// watches, a periodic nvidia-smi -q sweep, IPMI SEL polls every few minutes); a throttle last logged
// hours before had ended, as far as the case shows.
constexpr int64_t kThrottleOverlapMs = 15 * 60'000;
// The same with no time on the symptom's evidence, counted back from the alert's startsAt: an hour
// covers a slowdown alert's `for` and the rate window it compares (step time over 30 minutes).
constexpr int64_t kThrottleAlertWindowMs = 60 * 60'000;
// How far before the alert's start an incident's own evidence reaches (the log signatures' lead):
// the same hour as kThrottleAlertWindowMs, a slowdown or error alert's `for` and the window its
// expression compares. A signature seen only before it is an older event of the fleet (corrected
// errors on another device, a fault of another job) and does not lead over one inside it.
constexpr int64_t kIncidentWindowMs = kThrottleAlertWindowMs;
// A category's lines that are history (HistoryCategories, RG14) keep this share of their weight: a
// first signature's 3.0 becomes 0.9, under a cause's least score.
constexpr double kHistoryFactor = 0.3;
// How much later than read a local time printed with no zone may be in UTC (a host at UTC-12, TZ).
constexpr int64_t kZonelessLateMs = 12 * 3600'000LL;
constexpr size_t kExamplesPerSignature = 2;
constexpr double kRecallWeights[] = {0.6, 0.3, 0.15};
// A recalled incident sharing no term with the alert is still evidence when the embedding ranks it
// this high or higher (1-based; KBE, see "3. Recalled incidents").
constexpr int kRecallDenseKeepRank = 3;
// A node.kernel_log pass scaled down by its coverage (KernelLogCoverage) moves a category only by at
// least this much log-odds; less is no information.
constexpr double kMinScaledPassDelta = 0.05;
// An unmatched error line that reads like a known incident (lexical KB search): the first such
// line of a category beats the "other cause" bucket on its own (so a fault worded differently from
// the pack is still named, at a low confidence), agreeing lines add less.
constexpr double kLineRecallWeights[] = {1.6, 0.7, 0.4};
constexpr double kLaggardWeight = 1.0;
// A tool's reading that one rank is behind the others in the same communicator (ncclras's
// operation counts, fr_trace's never-enqueued op: FindReportedLaggards) shows the hang itself,
// first-hand, as a metric condition does; in an alert-first stall it is the only hang evidence,
// and at kLaggardWeight the word MISMATCH read as a replica-checksum incident (1.6) outweighed it.
constexpr double kReportedLaggardWeight = 2.0;
// A launcher count that disagrees with the allocation (LaunchCountMismatch): a configuration fact, as
// strong as a pack signature's line; torch elastic's RendezvousClosedError alone: half of it.
constexpr double kLaunchMismatchWeight = 3.0;
constexpr double kRendezvousClosedWeight = 1.5;
// A launch that uses less than its allocation with no consequence in the case (review RV-RG): named,
// well below kCauseMinScore.
constexpr double kLaunchNoteWeight = 0.5;
// A hung GPU's busy share differs from its node peers' by at least this many points (100 % spinning
// in a kernel while the peers idle at 0 % waiting, or the reverse), the peers within kUtilPeerSpread
// of their median.
constexpr double kUtilOddGap = 50;
constexpr double kUtilPeerSpread = 15;
// A GPU's telemetry stopped (FindStoppedGpus): its last sample at least this long, and this many
// sample intervals, before its node peers' last samples.
constexpr int64_t kStoppedMinGapMs = 60'000;
constexpr double kStoppedMinIntervals = 3;
// The most of a probe's reason, and of the error messages in its details, read for the fault it
// names (as much as a log line: CaseLimits::max_line_bytes).
constexpr size_t kMaxProbeText = 4096;
// A slowdown located on one participant (named by a straggler line, or a metric that fell behind
// its peers): more than the "other cause" bucket, less than a cause's solid evidence, so it leads
// only until a probe on that participant names the cause.
constexpr double kSlowMentionWeight = 1.5;
constexpr double kPeerOutlierWeight = 1.5;
// Another user's process on a job node's cores (FindCpuHog): a host-side straggler's cause.
constexpr double kHostContentionWeight = 1.0;
// A node's CPU clock far below its job peers' (FindSlowCpuClocks): the straggler's cause measured.
constexpr double kSlowCpuClockWeight = 3.0;
// Input-bound: the median share of step time spent waiting for data, over at least this many lines.
constexpr double kDataWaitShare = 0.3;
constexpr size_t kMinDataWaitLines = 3;
// A loop that waits for input this share of each step is input-bound before anything else (PLC20).
constexpr double kLoaderBoundShare = 0.5;
// A probe wave covers the components of up to this many leading hypotheses, each at least this
// likely: the discriminating probes of every plausible hypothesis run at once, not one after another.
constexpr size_t kWaveHypotheses = 5;
constexpr double kWaveMinPosterior = 0.02;
// Stop probing once a probe confirmed the leader, it has at least this posterior, and no probe
// confirmed any other category.
constexpr double kConfirmedStopPosterior = 0.5;  // a rank behind the others in collective progress
// Per-step probe limit: a probe gets kProbeLimitFactor x its catalog duration, at least
// kMinProbeLimitS (catalog durations are for an idle node; a busy one is slower), at most
// ReasonerOptions::probe_time_limit_s. A probe far past its expected time is hung, and waiting
// for it would hold up the wave it runs in.
constexpr double kProbeLimitFactor = 4.0;
constexpr double kMinProbeLimitS = 15.0;
// Nodes of the job swept at once with a node-level probe (gpu.sdc) when a job-wide numerics
// symptom leads: the faulty GPU can sit on any data-parallel replica.
constexpr size_t kMaxJobSweepNodes = 16;
// Nodes named only by the case's telemetry that a first probe wave covers when no hypothesis
// names a component.
constexpr size_t kMaxTelemetryNodes = 2;
// Lines of a `scontrol show job` record read after its JobState= line for its EndTime= (the record
// is about 30 lines; its EndTime= is the 9th or so).
constexpr size_t kScontrolRecordLines = 40;
// Intrusive GPU probes (GEMM, HBM, PCIe bandwidth) one wave runs on one GPU; the rest wait for the
// next round.
constexpr size_t kIntrusivePerGpuPerWave = 1;
// Peer comparison: the suspect GPUs (of the leading hypotheses, in rank order) whose probes are
// repeated on their node peers in the same wave. A non-intrusive probe (NVML reads, an empty
// kernel) runs on every other GPU of the node; an intrusive one on one neighbour only (N-1, GPU 1
// for GPU 0): GEMM / PCIe tests on all GPUs of a node at once would share its power budget and PCIe
// switches and skew each other, and they load GPUs a job may still be using.
constexpr size_t kPeerSuspects = 2;
// First wave: the leading hypotheses are those with at least this posterior (and every cause of a
// leading symptom); a probe tests a category it supports a failure of with at
// least kFirstWaveTestSupport (probes/catalog.cc).
constexpr double kFirstWaveLeadShare = 0.1;
constexpr double kFirstWaveTestSupport = 0.5;
// The suspect failing while its peers pass (the odd one out) scales its own probe support by this.
constexpr double kPeerOddOneOutFactor = 1.25;
// A probe that errors on the suspect while the same probe answers on a peer: the tooling works on
// the node and this GPU does not respond (fallen off the bus, or firmware hung).
constexpr double kUnresponsiveBusWeight = 1.5;
constexpr double kUnresponsiveFirmwareWeight = 1.0;
// The reason recorded for the steps of a node's GPU sweep.
constexpr const char* kSweepWhy = "sweep of the node's GPUs";
// GPUs a node is assumed to have when neither the case's topology nor a probe says (the common
// 8-GPU server); a node's count is asked of gpu.inventory before its per-GPU probes run.
constexpr int kAssumedGpusPerNode = 8;
// The most GPUs a topology's gpus_per_node may say a node holds (an NVL72 rack described as one
// node has 72); a larger value is read as unknown.
constexpr int kMaxTopologyGpusPerNode = 128;
constexpr const char* kGpuCountWhy =
    "the node's GPU count (the case's topology gives none): per-GPU probes go only to GPUs that exist";
constexpr const char* kGpuCountLiveWhy =
    "whether the node's GPUs answer (the topology gives their count, not whether a driver is loaded): "
    "per-GPU probes go only to GPUs that answer";

// Downstream symptom -> the categories that commonly cause it. When a cause has its own evidence,
// the symptom's evidence is discounted (it is explained by the cause).
const std::map<std::string, std::vector<std::string>>& ExplainedBy() {
  static const auto* m = new std::map<std::string, std::vector<std::string>>{
      {"nccl_collective_hang",
       {"gpu_fallen_off_bus", "gpu_memory_uncorrectable_ecc", "gpu_row_remap_failure", "gpu_firmware_error",
        "nvlink_error", "ib_link_failure", "rank_process_crash", "cuda_oom", "illegal_memory_access",
        "host_oom", "storage_failure", "dataloader_stall", "straggler_rank", "gpu_thermal_throttle",
        "gpu_power_throttle", "pcie_link_degraded", "nccl_network_misconfig", "loss_divergence",
        "moe_expert_imbalance", "launch_config_error"}},
      {"rank_process_crash",
       {"gpu_fallen_off_bus", "gpu_memory_uncorrectable_ecc", "gpu_row_remap_failure", "gpu_firmware_error",
        "cuda_oom", "illegal_memory_access", "host_oom", "storage_failure", "nvlink_error",
        "ib_link_failure", "launch_config_error", "loss_divergence", "dataloader_stall",
        "fp16_loss_scale_collapse", "fp8_scaling_overflow", "nccl_network_misconfig",
        // A GPU that computes wrong values ends its rank through the training's own NaN check.
        "gpu_silent_data_corruption"}},
      {"straggler_rank",
       {"gpu_thermal_throttle", "gpu_power_throttle", "pcie_link_degraded", "nvlink_error", "dataloader_stall",
        "storage_failure", "ib_link_failure", "moe_expert_imbalance", "gpu_row_remap_failure"}},
      // A GPU that fails (falls off the bus, firmware hangs, memory errors) takes its process down
      // mid-write and stalls its loader: I/O errors on the checkpoint it was writing, a data loader
      // that never gets drained, relaunches that find no device. Those are loud but downstream.
      // Likewise a rank that ran out of GPU memory (or CPU, as a throttled straggler) leaves the
      // others' loaders idle and waiting: "queue empty" / long loader waits are then downstream.
      {"dataloader_stall",
       {"storage_failure", "host_oom", "gpu_fallen_off_bus", "gpu_firmware_error", "gpu_memory_uncorrectable_ecc",
        "gpu_row_remap_failure", "cuda_oom", "straggler_rank",
        // A launch that started no process on some allocated GPUs leaves them idle (review RG).
        "launch_config_error",
        // Experts that get most of the tokens leave the other GPUs waiting in the all-to-all: low
        // utilisation and slow steps, a loader's generic symptoms (RG13).
        "moe_expert_imbalance"}},
      // A node whose own HCA flaps (on the storage rail) loses its file-system client: Lustre evicts
      // it, "Connection to ... lost", its writes fail with -107 and the save stalls there. Only
      // where every client-side storage reading is on a node with its own link evidence
      // (StorageFaultOnlyBehindLinks; a file system that fails shows on many clients: PLC37,
      // realistic38 rl38-02).
      {"storage_failure",
       {"gpu_fallen_off_bus", "gpu_firmware_error", "gpu_memory_uncorrectable_ecc", "gpu_row_remap_failure",
        "ib_link_failure"}},
      // An NVSwitch that failed (SXid fatal) takes the fabric manager down with it, and CUDA then
      // cannot start on the node ("system not yet initialized", cudaErrorSystemNotReady): the pack
      // reads a fabric manager that is down as the node's set-up (its version not the driver's,
      // PLC17), and the switch's own fault explains it.
      {"launch_config_error", {"gpu_fallen_off_bus", "gpu_firmware_error", "gpu_row_remap_failure", "nvlink_error"}},
      // A checkpoint whose save failed part-way (ENOSPC, EIO) and was resumed all the same loads
      // missing or zeroed shards: the loss jumps and turns NaN after the resume (PLC36, realistic37
      // rl37-27).
      {"loss_divergence",
       {"fp16_loss_scale_collapse", "fp8_scaling_overflow", "gpu_silent_data_corruption",
        "gpu_memory_uncorrectable_ecc", "gpu_row_remap_failure", "gpu_fallen_off_bus", "gpu_firmware_error",
        "storage_failure"}},
      // A fatal NVLink error (Xid 74) faults the peer loads and stores in flight over the link: the
      // kernels of NCCL's P2P / CUMEM transport then end with CUDA error 700, "an illegal memory
      // access was encountered" (NCCL: "Cuda failure 700"), after the Xid (RG8, realistic11 rl11-05).
      {"illegal_memory_access",
       {"gpu_memory_uncorrectable_ecc", "gpu_fallen_off_bus", "gpu_row_remap_failure", "gpu_firmware_error",
        "nvlink_error"}},
      // Uncorrectable ECC errors are how a GPU whose row remapper has run out of spare rows shows
      // (only when the remap FAILED: see RemapFailed). A remap that is merely pending is the
      // ordinary repair after a fresh uncorrectable error: the error is the cause.
      {"gpu_memory_uncorrectable_ecc", {"gpu_row_remap_failure"}},
      {"gpu_row_remap_failure", {"gpu_memory_uncorrectable_ecc"}},
      {"nccl_network_misconfig", {"ib_link_failure"}},
      // IB completion errors (retry exceeded, status 12) are also what peers of a rank that died
      // print: the remote queue pairs vanished.
      {"ib_link_failure", {"nccl_network_misconfig", "rank_process_crash"}},
      {"moe_expert_imbalance", {}},
  };
  return *m;
}

// ---- time and component parsing -------------------------------------------------------------

}  // namespace

// ProbeStepLimitS (builtin_reasoner.h): kProbeLimitFactor x its expected time, at least
// kMinProbeLimitS and the probe's full-length run time (ProbeSpec::full_run_s), at most cap_s. The
// live executor kills the probe at this limit; a replayed result past it is read as a timeout.
double ProbeStepLimitS(const VerificationStep& s, double cap_s) {
  const ProbeSpec* spec = FindProbe(std::string_view(s.target).substr(0, s.target.find('@')));
  const double full_run_s = spec != nullptr ? spec->full_run_s : 0;
  return std::min(cap_s, std::max({kMinProbeLimitS, kProbeLimitFactor * s.expected_s, full_run_s}));
}

bool HoldsClockTime(std::string_view line) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  for (size_t p = line.find(':'); p != std::string_view::npos && p + 6 <= line.size(); p = line.find(':', p + 1)) {
    if (p >= 2 && digit(line[p - 2]) && digit(line[p - 1]) && digit(line[p + 1]) && digit(line[p + 2]) &&
        line[p + 3] == ':' && digit(line[p + 4]) && digit(line[p + 5])) {
      return true;
    }
  }
  return false;
}

// Timestamps as training and system logs print them (TZ):
//   RFC 3339 / ISO 8601 "2026-03-18T22:04:16.123+01:00", "...Z", "...-0500" (journalctl
//   --output=short-iso before systemd 250 prints no colon), "2026-03-18 22:04:16,221" (Python's
//   logging), Slurm's "2026-03-18T22:04:16.123" (no zone);
//   dmesg -T "[Wed Mar 18 22:04:16 2026]" (its own year);
//   syslog / journalctl's short format "Mar 18 22:06:45" (no year, no zone);
//   glog / PyTorch's c10 "E0318 22:17:20.544652", also with the month unpadded ("E318 ...").
// dmesg's raw "[12345.678901]" is seconds since boot: no time (kNoTime).
// A time printed with a zone (Z, an offset) is exact. One printed without is the host's local
// time: read in the case's declared zone (topology.timezone, LogClock::offset_min) when it has
// one, else as UTC (assumed; `zoned` false, see ZonelessBeforeMs). A time with no year takes the
// alert's year, one year less when that puts it more than half a year after the alert (a log of
// Dec 31 read for an alert of Jan 1).
LineTime ParseLineTime(const std::string& line, const LogClock& clock) {
  // Every stamp below holds hh:mm:ss (two digits, ':', two digits, ':', two digits): a line without
  // one has no time, said without running the four regexes (RVU2: most lines of an NCCL_DEBUG=INFO
  // log have no stamp, and the untimed lines' floor read up to 200 of them per signature match).
  if (!HoldsClockTime(line)) return {};
  // The zone ends the stamp: an offset glued to more characters ("+0530x", "+05:301") is no
  // offset, and the time is then read as zone-less (RG9).
  static const std::regex kIso(R"((\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?)(Z|[+-]\d{2}:?\d{2}(?![\w:]))?)");
  static const std::regex kDmesgT(
      R"(\[(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +(\d{1,2}) (\d{2}:\d{2}:\d{2}) (\d{4})\])");
  static const std::regex kSyslog(R"(\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +(\d{1,2}) (\d{2}:\d{2}:\d{2}))");
  static const std::regex kGlog(R"(\b[IWEF](\d{1,2})(\d{2}) (\d{2}:\d{2}:\d{2})(\.\d+)?)");
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  constexpr int64_t kHalfYearMs = 183LL * 86'400'000;
  auto month_of = [&](const std::string& name) {
    for (int i = 0; i < 12; ++i) if (name == kMonths[i]) return i + 1;
    return 0;
  };
  // A local time with no zone: the declared zone's offset, else UTC.
  auto local = [&](int64_t ms) { return LineTime{ms - static_cast<int64_t>(clock.offset_min) * 60'000, clock.zone_declared}; };
  // A time with no year: the alert's year, or the one before when that is over half a year ahead,
  // or the one after when that puts it within kYearlessAfterMs after the alert (review RV-TZ: an
  // alert of Dec 31 23:59 and its logs gathered past midnight, "Jan  1 00:00:40", are not 364
  // days old).
  constexpr int64_t kYearlessAfterMs = 31LL * 86'400'000;
  auto yearless = [&](int month, int day, const std::string& hms, int64_t frac_ms) -> LineTime {
    char buf[64];
    auto at_year = [&](int y) -> std::optional<LineTime> {
      std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%sZ", y, month, day, hms.c_str());
      auto t = ParseRfc3339Ms(buf);
      if (!t.ok()) return std::nullopt;
      return local(*t + frac_ms);
    };
    const std::optional<LineTime> same = at_year(clock.year);
    // A day the year does not have (Feb 29 read in 2026: at_year refuses it, where it had rolled over
    // to Mar 1, RG11). With an alert the line would sit in the alert's year, where there is no such
    // day (a leap year's Feb 29 is over 10 months from any alert of the years beside it, which the
    // rules above would not choose for any other date): no time. With no alert, the leap year beside
    // the case's earliest dated time when its Feb 29 is within half a year of it (the nearest year,
    // as for any date below); else no time. Nothing dated at all (1970): no time.
    if (!same) {
      if (clock.anchor_ms > 0 || clock.reference_ms <= 0) return LineTime{};
      for (int y : {clock.year - 1, clock.year + 1}) {
        const std::optional<LineTime> other = at_year(y);
        if (other && std::llabs(other->ms - clock.reference_ms) <= kHalfYearMs) return *other;
      }
      return LineTime{};
    }
    if (clock.anchor_ms <= 0) {
      // No alert: the year that puts the line nearest the case's earliest dated time
      // (LogClock::reference_ms, ReferenceYear), so a "Jan 01 00:02:10" in a case whose dated lines
      // begin on Dec 31 is in the next year, and a "Dec 31" one in a case that begins on Jan 1 in
      // the year before (RG9; RG8's year put both eleven months away).
      if (clock.reference_ms <= 0 || !same) return same.value_or(LineTime{});
      LineTime best = *same;
      for (int y : {clock.year - 1, clock.year + 1}) {
        const std::optional<LineTime> other = at_year(y);
        if (other && std::llabs(other->ms - clock.reference_ms) < std::llabs(best.ms - clock.reference_ms)) best = *other;
      }
      return best;
    }
    if (same && same->ms - clock.anchor_ms > kHalfYearMs) return at_year(clock.year - 1).value_or(LineTime{});
    if (const auto next = at_year(clock.year + 1); next && next->ms - clock.anchor_ms <= kYearlessAfterMs &&
                                                   (!same || same->ms < clock.anchor_ms - kHalfYearMs)) {
      return *next;
    }
    return same.value_or(LineTime{});
  };
  std::smatch m;
  if (std::regex_search(line, m, kIso)) {
    std::string text = m.str(1);
    std::string zone = m.str(3);
    // An offset no zone has ("+25:00", "+05:75"; real zones are UTC-12 .. UTC+14) is malformed: the
    // time is read as zone-less, with the margin such times get (RG9; it was read as +25:00).
    if (zone.size() > 1 && !ParseZoneOffsetMin(zone)) zone.clear();
    if (zone.size() == 5) {  // "+0100": RFC 3339 wants "+01:00"
      text += zone.substr(0, 3);
      text += ':';
      text += zone.substr(3);
    } else {
      text += zone;
    }
    auto t = ParseRfc3339Ms(text);
    if (!t.ok()) return {};
    return zone.empty() ? local(*t) : LineTime{*t, true};
  }
  if (std::regex_search(line, m, kDmesgT)) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%s-%02d-%02dT%sZ", m.str(4).c_str(), month_of(m.str(1)),
                  ParseInt32(m.str(2)).value_or(0), m.str(3).c_str());
    auto t = ParseRfc3339Ms(buf);
    return t.ok() ? local(*t) : LineTime{};
  }
  if (std::regex_search(line, m, kGlog)) {
    const int64_t frac = m[4].matched ? static_cast<int64_t>(ParseDouble("0" + m.str(4)).value_or(0) * 1000) : 0;
    return yearless(ParseInt32(m.str(1)).value_or(0), ParseInt32(m.str(2)).value_or(0), m.str(3), frac);
  }
  if (std::regex_search(line, m, kSyslog)) {
    return yearless(month_of(m.str(1)), ParseInt32(m.str(2)).value_or(0), m.str(3), 0);
  }
  return {};
}

int64_t LineTimeMs(const std::string& line, const LogClock& clock) { return ParseLineTime(line, clock).ms; }

int64_t LeadingDateEndMs(std::string_view line) {
  constexpr int64_t kNone = std::numeric_limits<int64_t>::max();
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  line.remove_prefix(i);
  if (line.size() < 10 || line[4] != '-' || line[7] != '-') return kNone;
  for (size_t k : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (line[k] < '0' || line[k] > '9') return kNone;
  }
  if (line.size() > 10 && line[10] != ' ' && line[10] != '\t' && line[10] != ':') return kNone;
  if (HoldsClockTime(line.substr(10, std::min<size_t>(line.size() - 10, 12)))) return kNone;  // "2026-11-12 08:41:17"
  auto num = [&](size_t at, size_t n) {
    int v = 0;
    for (size_t k = at; k < at + n; ++k) v = v * 10 + (line[k] - '0');
    return v;
  };
  const int y = num(0, 4), m = num(5, 2), d = num(8, 2);
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1970 || m < 1 || m > 12 || d < 1 || d > kDays[m - 1]) return kNone;
  // days_from_civil (H. Hinnant).
  const int yy = m <= 2 ? y - 1 : y;
  const int era = yy / 400;
  const int yoe = yy - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const int64_t days = static_cast<int64_t>(era) * 146097 + doe - 719468;
  return (days + 1) * 86'400'000 + 14 * 3'600'000;
}

// The declared zone of a case's zone-less log times: topology.timezone, "UTC", "Z", "+01:00",
// "-0500", "UTC+1", "GMT-05:00". IANA names ("Europe/Berlin") are not read (their offset depends
// on the date's daylight saving time): nullopt, and the caller says so.
std::optional<int> ParseZoneOffsetMin(std::string z) {
  auto digits = [](const std::string& d) {
    return std::all_of(d.begin(), d.end(), [](unsigned char ch) { return std::isdigit(ch); });
  };
  if (z.empty() || z.size() > 16) return std::nullopt;
  if (z.size() >= 3) {
    std::string head = z.substr(0, 3);
    for (char& ch : head) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (head == "UTC" || head == "GMT") z.erase(0, 3);
  }
  if (z.empty() || z == "Z" || z == "z") return 0;
  if (z[0] != '+' && z[0] != '-') return std::nullopt;
  const int sign = z[0] == '+' ? 1 : -1;
  std::string hh, mm;
  const std::string rest = z.substr(1);
  if (const size_t colon = rest.find(':'); colon != std::string::npos) {
    hh = rest.substr(0, colon);
    mm = rest.substr(colon + 1);
    // "+05:30" only: "+05:3" is no offset (it was read as +05:03) and neither is "+5:30" (RG9).
    if (hh.size() != 2 || mm.size() != 2) return std::nullopt;
  } else if (rest.size() == 4) {
    hh = rest.substr(0, 2);
    mm = rest.substr(2);
  } else {
    hh = rest;
    mm = "0";
  }
  if (hh.empty() || hh.size() > 2 || mm.empty() || mm.size() > 2 || !digits(hh) || !digits(mm)) return std::nullopt;
  const int h = std::stoi(hh), mi = std::stoi(mm);
  if (mi > 59 || h * 60 + mi > (sign > 0 ? 14 : 12) * 60) return std::nullopt;  // real zones: UTC-12 to UTC+14
  return sign * (h * 60 + mi);
}

// When the state a line reports began: a watchdog timeout is printed when the operation has
// already "ran for 600212 milliseconds", so the hang it reports began that long before the line.
// Other lines: their own time.
int64_t OnsetTimeMs(const std::string& line, int64_t line_ms) {
  if (line_ms == kNoTime || line.size() > 4000 || line.find("ran for ") == std::string::npos) return line_ms;
  static const std::regex kRanFor(R"(\bran for (\d+) ?(?:ms|milliseconds)\b)");
  std::smatch m;
  if (!std::regex_search(line, m, kRanFor)) return line_ms;
  std::optional<int64_t> ran = ParseInt(m.str(1));
  if (!ran || *ran < 0 || *ran > line_ms) return line_ms;
  return line_ms - *ran;
}

namespace {

// Whether `text` contains `lower_needle` (lower case) in any letter case: the cheap test run before
// a case-insensitive regex whose every match contains that word, so the regex reads few lines.
bool ContainsNoCase(const std::string& text, std::string_view lower_needle) {
  return std::search(text.begin(), text.end(), lower_needle.begin(), lower_needle.end(), [](char a, char b) {
           return AsciiToLower(a) == b;
         }) != text.end();
}

// How many lines CaseSaysMoe reads (the alert's text besides).
constexpr size_t kMoeWordLines = 200000;

// Whether the case says its model is a mixture of experts anywhere: the alert's text or a log line
// naming experts, a router, an MoE layer, all-to-all or dropped tokens. An MoE expert imbalance is
// a fault of MoE models only: a line that merely reads like the MoE incident ("rank 22 slowest for
// 412 of last 412 steps" beside a step-time alert) is no evidence of one in a case that names no
// MoE at all (RG8, realistic11 rl11-24: a dense model's straggler was answered
// moe_expert_imbalance on such a look-alike).
bool CaseSaysMoe(const DiagnosisCase& c, const FlatLogs& flat) {
  // "router" and "load balancing" alone are network words as well ("core-router-2: BGP neighbor
  // down", "packets dropped at router 10.0.0.1", "ECMP load balancing"): they say MoE only with an
  // MoE router's statistic ("router z-loss", "router aux loss", "router logits", "router entropy")
  // or as the balancing loss ("load_balancing_loss", "load balance loss"). Before RG11 any "router"
  // or "load balanc..." did, and a network router's drop line then counted for the MoE token-drop
  // incident it reads like.
  static const std::regex kMoe(
      R"(\b(moe|mixture[ -]of[ -]experts?|experts?|all[_ -]?to[_ -]?all|alltoall|)"
      R"(router[_ -]?(z[_ -]?loss|aux\w*|logits?|entropy|probs?|probabilit\w*|top[_ -]?k|jitter|load|balanc\w*)|)"
      R"(dropped tokens|tokens? dropped|token drop\w*|capacity[_ ]factor|aux(iliary)?[_ ]loss|)"
      R"(load[_ ]balanc(e|ing)[_ ](loss|coef\w*))\b)",
      std::regex::icase);
  if (c.alert) {
    for (const auto& [k, v] : c.alert->labels) {
      if (std::regex_search(v, kMoe)) return true;
    }
    for (const auto& [k, v] : c.alert->annotations) {
      if (std::regex_search(v, kMoe)) return true;
    }
  }
  for (size_t i = 0; i < flat.lines.size() && i < kMoeWordLines; ++i) {
    const std::string& line = flat.lines[i];
    if (line.size() > 4000) continue;
    if (!ContainsNoCase(line, "moe") && !ContainsNoCase(line, "expert") &&  !ContainsNoCase(line, "rout") &&
        !ContainsNoCase(line, "toall") && !ContainsNoCase(line, "to-all") && !ContainsNoCase(line, "to_all") &&
        !ContainsNoCase(line, "to all") && !ContainsNoCase(line, "token") && !ContainsNoCase(line, "capacity") &&
        !ContainsNoCase(line, "aux") && !ContainsNoCase(line, "balanc")) {
      continue;
    }
    if (std::regex_search(line, kMoe)) return true;
  }
  return false;
}



// GpuOf and kGpuLabels: agents/gpu_labels.h (the one GPU label reader, shared with alert_subject.cc).

// The first GPU label with a value, {key, value} ({"", ""} when none): how PlaceOf names a GPU no
// index names (gpu="nvidia5").
std::pair<std::string, std::string> GpuLabelOf(const Labels& labels) {
  for (std::string_view key : kGpuLabels) {
    auto it = labels.find(key.data());
    if (it != labels.end() && !it->second.empty()) return {it->first, it->second};
  }
  return {};
}

// The HCA a series is about (node_exporter's infiniband collector labels it `device`).
std::string HcaOf(const Labels& labels) {
  static const std::regex kHca(R"(^(mlx5_\d+|ibp\d+s\d+|hfi1_\d+)$)");
  for (const char* key : {"device", "hca", "ib_device"}) {
    auto it = labels.find(key);
    if (it != labels.end() && std::regex_match(it->second, kHca)) return it->second;
  }
  return "";
}

// The nodes of a case looked up by node_names.h's rule (review CF): a name as a node spells it, else
// the node SameNodeName equates with it - case and a trailing dot ignored, a short name and the FQDN
// it begins ("NODE-3" and "node-3.cluster.local" name node-3; "node-3" names node-3.cluster.local;
// node-30 and node-3.b.example name neither node-3 of node-3.a.example's domain). Each name is keyed
// once (NodeNameKey), not compared with every node: a log's words are looked up here.
class CaseNodes {
 public:
  CaseNodes() = default;
  explicit CaseNodes(const std::set<std::string>& nodes) : nodes_(nodes) { Index(); }
  const std::set<std::string>& nodes() const { return nodes_; }
  // Drops `node` from the case's nodes, the addresses kept (PlaceAlertNode: an alert's address once
  // the case ties it to a named node; Find then reads the address through the tie).
  void Erase(const std::string& node) {
    if (nodes_.erase(node) == 0) return;
    by_key_.clear();
    by_first_label_.clear();
    Index();
  }

  // Addresses and pod names the case's own lines tie to one of its nodes (CaseAddresses,
  // node_addresses.h, kube_pods.h): NodeNameKey'd address or pod -> node. Find then reads such an
  // address or pod as that node.
  void SetAddresses(std::map<std::string, std::string> by_address) { by_address_ = std::move(by_address); }
  const std::map<std::string, std::string>& addresses() const { return by_address_; }
  // The node (as the case spells it) that `name` names; "" for none, or for two nodes of one short name.
  // A GPU or rank word ("GPU3", "gpu1", "rank3", "cuda0", "nvidia2") names a node only as the case
  // spells it (review RV-CF): nodes named gpu1.. or gpu1.cluster would otherwise take a line's GPU
  // word for their other spelling (the node set and the GPU blanked from the line).
  std::string Find(std::string_view name) const {
    if (name.empty() || nodes_.empty()) return "";
    if (auto it = nodes_.find(std::string(name)); it != nodes_.end()) return *it;
    if (GpuOrRankWord(name)) return "";
    const std::string key = NodeNameKey(name);
    if (key.empty()) return "";
    if (auto it = by_key_.find(key); it != by_key_.end()) return it->second;
    // An address or pod name the case ties to one node (SetAddresses); another address names none.
    if (auto it = by_address_.find(key); it != by_address_.end()) return it->second;
    if (IsIpAddress(key)) return "";
    const size_t dot = key.find('.');
    if (dot == std::string::npos) {  // a short name: the FQDN node it begins
      auto it = by_first_label_.find(key);
      return it == by_first_label_.end() ? "" : it->second;
    }
    // An FQDN: the short node that is its first label, when node_names.h agrees.
    auto it = by_key_.find(key.substr(0, dot));
    return it != by_key_.end() && SameNodeName(key, it->second) ? it->second : "";
  }
  // The words of `text` that name a node: runs of letters, digits, '.' and '-', less a leading or
  // trailing '.' / '-' ("node-3." at a sentence's end), so "node-3" inside "node-30" is no word.
  struct Word {
    size_t pos = 0, len = 0;
    std::string node;
  };
  std::vector<Word> Words(std::string_view text) const {
    std::vector<Word> out;
    if (nodes_.empty()) return out;
    auto word_char = [](char ch) {
      return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '-';
    };
    for (size_t i = 0; i < text.size();) {
      if (!word_char(text[i])) {
        ++i;
        continue;
      }
      size_t b = i, e = i;
      while (e < text.size() && word_char(text[e])) ++e;
      i = e;
      while (b < e && (text[b] == '.' || text[b] == '-')) ++b;
      while (e > b && (text[e - 1] == '.' || text[e - 1] == '-')) --e;
      if (e == b || e - b > 253) continue;
      if (std::string node = Find(text.substr(b, e - b)); !node.empty()) out.push_back({b, e - b, std::move(node)});
    }
    return out;
  }

 private:
  // "gpu3", "GPU3", "rank12", "cuda0", "device1", "nvidia2": one of these words and digits only, not
  // zero-padded ("GPU062" is no GPU index: gpu062.cluster's other spelling).
  static bool GpuOrRankWord(std::string_view name) {
    for (std::string_view prefix : {"gpu", "cuda", "rank", "device", "nvidia"}) {
      if (name.size() <= prefix.size()) continue;
      bool same = true;
      for (size_t i = 0; i < prefix.size() && same; ++i)
        same = std::tolower(static_cast<unsigned char>(name[i])) == prefix[i];
      if (!same) continue;
      if (name[prefix.size()] == '0' && name.size() > prefix.size() + 1) return false;
      return std::all_of(name.begin() + prefix.size(), name.end(),
                         [](char ch) { return ch >= '0' && ch <= '9'; });
    }
    return false;
  }
  // by_key_ and by_first_label_ from nodes_.
  void Index() {
    for (const std::string& n : nodes_) {
      const std::string key = NodeNameKey(n);
      if (key.empty()) continue;
      by_key_.emplace(key, n);  // the first spelling of a key
      const size_t dot = key.find('.');
      if (dot == std::string::npos || IsIpAddress(key)) continue;
      // An FQDN node under its first label; two FQDNs of different domains sharing it: neither.
      auto [it, added] = by_first_label_.emplace(key.substr(0, dot), n);
      if (!added && !it->second.empty() && NodeNameKey(it->second) != key) it->second.clear();
    }
  }
  std::set<std::string> nodes_;
  std::map<std::string, std::string> by_key_;          // NodeNameKey -> node
  std::map<std::string, std::string> by_first_label_;  // an FQDN node's first label -> node ("": two)
  std::map<std::string, std::string> by_address_;      // an address the case ties to a node -> node
};

struct Topology {
  std::set<std::string> nodes;
  CaseNodes names;  // `nodes` by node_names.h's rule (BuildTopology, once `nodes` is complete)
  std::map<std::string, int> pci_to_gpu;               // "3b:00" -> 5 (node-independent)
  std::map<std::pair<std::string, std::string>, int> node_pci_to_gpu;
  std::map<int, ComponentHint> ranks;                  // rank -> node/gpu
  // The ranks `ranks` places by the layout's guess alone (rank r on node_order[r / gpus_per_node]):
  // no rank map of the topology, printed rank -> host table (CaseRankHosts), line placing the rank
  // ("rank 17 (hpc-g07 local 1)", PlacedRanks; PLC3) or torchrun failure report placed them. A line's explicit source beats these (HintFromWriter, PLC2).
  std::set<int> laid_out_ranks;
  std::string job;
  LogClock clock;            // the year and zone of timestamps printed without them (ParseLineTime)
  std::string timezone_note; // topology.timezone not read (said in the diagnosis's `unverified`)
  int gpus_per_node = 0;     // from topology, for rank -> local GPU
  // Set when the topology's gpus_per_node was out of range and read as unknown (said in the
  // diagnosis's `unverified`).
  std::string gpus_per_node_note;
  std::vector<std::string> node_order;  // topology.nodes, for rank -> node
  // The alert's node (NodeOf) as the case places it (PlaceAlertNode, the one place it is computed;
  // KSM2, PLC): another source's spelling of the same host (SameNodeName) - the topology's first, else
  // the only other one -, else the node the case ties the alert's address to, else the alert's own.
  // Beliefs::Add puts observations on the alert's own spelling here; the rules that ask whether
  // something is on the alert's node (OnAlertNode, OtherNodeThanAlert, SayAlertPlace) read this.
  std::string alert_node;
  // The host of a line that names a device but no host (a k8s pod log "GPU 2: ..."): the only
  // node of the case, else the node the alert fired for; empty when neither is known.
  std::string default_node;
  std::map<std::string, std::vector<TorchrunFailure>> torchrun_failures;  // by log source
  // Log sources that name a rank ("node-1/rank0/stderr") but hold lines PyTorch prefixed with
  // another rank ("[rank13]: ..."): output of several ranks gathered into one file and saved under
  // one rank's name. The source's rank says nothing of who wrote a line there (GatheredSources).
  std::set<std::string> gathered_sources;
  // Log sources whose lines carry a launcher's label (LauncherSources): `srun -l`'s task id,
  // pdsh's host (DeepSpeed's launcher), `mpirun --tag-output`'s "[job,rank]<stream>:".
  std::map<std::string, int> launcher_sources;  // source -> LauncherKind
  // Some log of the case shows a per-node launcher between srun and the ranks (PerNodeLauncher:
  // torchrun, torch.distributed.run, DeepSpeed's or accelerate's launcher, torchrun --tee's
  // "[default3]:"): srun's task N is then the N-th node's launcher, not rank N (P2).
  bool per_node_launcher = false;
  // Under such a launcher, the node srun's task N runs on (SrunTaskNodes): srun's own "srun: error:
  // NODE: task N:", else the N-th node of the job's node list as the logs print it
  // (SLURM_JOB_NODELIST=, `scontrol show hostnames`) or the topology gives it. A task not listed
  // here is placed at no node.
  std::map<int, std::string> srun_task_nodes;
  // Lines of a terminal paste written on another node (SshNodes, RG12): source -> for each line,
  // the node a `ssh NODE ...` command above it ran on (up to the next command line), "" for the
  // others. Only sources with such a command are listed.
  std::map<std::string, std::vector<std::string>> ssh_nodes;
  // Per log, the lines after `ssh HOST` / `srun -w HOST` where HOST is no node of the case (SshElsewhere,
  // PLC12): another host's output, not the log's own node's.
  std::map<std::string, std::vector<bool>> ssh_elsewhere;
  // Per log, each line's `pdsh | dshbak -c` banner host (DshbakBlockHosts, PLC12), read once per log
  // (KB8: PlaceLine read up to 400 lines back per placed line). A source two logs share is not
  // listed (PlaceLine reads its lines itself).
  std::map<std::string, DshbakHosts> dshbak_hosts;
  // Each line's syslog-style header host as written (SyslogHeaderHost, "" for none), by log source:
  // NodesAndAlertPlace parses every line once for the case's nodes, and PlaceLine reads the same
  // parse (PLC3: it parsed the header again each time a line was placed). A source two logs share is
  // not listed (PlaceLine parses its lines itself).
  std::map<std::string, std::vector<std::string>> syslog_hosts;
  // GPU UUIDs ("gpu-5dbce48d-a07d-...", lower case) -> (node, GPU index), from metric labels
  // (DCGM's `UUID` beside `gpu` and the node) and `nvidia-smi -L` lines (UuidGpus, RG12).
  std::map<std::string, std::pair<std::string, int>> uuid_gpu;
  // GPU serial numbers -> (node, GPU index), from nvidia-smi's query table or -q blocks (GpuIdTies).
  std::map<std::string, std::pair<std::string, int>> serial_gpu;
  // (node, pid) -> rank, from lines that name a rank with its process id ("[rank29] pid 4412 on
  // h100-q-07 cuda:5") (PidRanks, RG12).
  std::map<std::pair<std::string, int64_t>, int> pid_ranks;
  // (node, pid) -> the GPU a kernel Xid line names for that process ("NVRM: Xid (PCI:0000:4e:00): 43,
  // pid=601877, name=python"): where the process had its GPU context, whatever its CUDA ordinal or
  // local rank (XidPidGpus; the lead, 2026-12-06). A pid named on two GPUs of a node maps to -1.
  std::map<std::pair<std::string, int64_t>, int> pid_gpus;
  // node -> the physical GPU of each CUDA device ordinal its job's processes see, from the job's
  // printed SLURM_JOB_GPUS / CUDA_VISIBLE_DEVICES (VisibleDeviceMaps, RG19).
  std::map<std::string, std::vector<int>> visible_devices;
  // What the case's lines say of its serving engines' workers (serving_worker.h, PLC21): each worker's
  // printed device and the engine's layout; read only when some line carries a worker prefix.
  ServingLayout serving;
};

// The host a syslog-style header of line `line` of `log` names, as written (SyslogHeaderHost; "" for
// none): NodesAndAlertPlace's parse (Topology::syslog_hosts) when `text` is that line itself, else
// `text` parsed.
std::string SyslogHostOfLine(const Topology& t, const CaseLog& log, size_t line, const std::string& text) {
  if (line < log.lines.size() && &text == &log.lines[line].text) {
    auto it = t.syslog_hosts.find(log.source);
    if (it != t.syslog_hosts.end() && it->second.size() == log.lines.size()) return it->second[line];
  }
  return SyslogHeaderHost(text);
}

// The node line `line` of `log` was written on by an `ssh` command above it (Topology::ssh_nodes);
// "" when none.
const std::string& SshNodeOfLine(const Topology& t, const CaseLog& log, size_t line) {
  static const std::string kNone;
  auto it = t.ssh_nodes.find(log.source);
  if (it == t.ssh_nodes.end() || it->second.size() != log.lines.size() || line >= it->second.size()) return kNone;
  return it->second[line];
}

// The GPU a bus id names (PciGpu): among `node`'s buses first, then the node-independent ones;
// -1 when none or two GPUs match.
int TopologyPciGpu(const Topology& t, const std::string& node, const std::string& key) {
  if (key.empty()) return -1;
  std::vector<std::pair<std::string, int>> own;
  for (const auto& [k, gpu] : t.node_pci_to_gpu) {
    if (k.first == node) own.emplace_back(k.second, gpu);
  }
  if (int gpu = PciGpu(own, key); gpu >= 0) return gpu;
  return PciGpu({t.pci_to_gpu.begin(), t.pci_to_gpu.end()}, key);
}

// The label a launcher prints before each line of the processes it started (PF):
// `srun -l`: "13: <line>" (the task id, padded with spaces to the widest id, a colon, a space);
// DeepSpeed's pdsh launcher: "gpu-node-017: <line>" (the host, a colon, a space);
// `mpirun --tag-output`: "[1,13]<stderr>:<line>" (the job, the rank, the stream).
// kSrunNode: `srun -l`'s label when each task is one node's launcher (`srun --ntasks-per-node=1
// torchrun ...`): the task id names a node (Topology::srun_task_nodes), not a rank (P2).
enum LauncherKind { kNoLauncher = 0, kSrunTask = 1, kPdshHost = 2, kMpirunRank = 3, kSrunNode = 4 };

// The sources of GatheredSources: a log named after rank X ("node-1/rank0/stderr") with a line that
// starts with PyTorch's "[rankY]:" prefix for Y != X (after `srun -l`'s task label and torchrun
// --tee's "[default3]:" if any), with the writer's "[Rank Y]" of PyTorch before 2.2, Megatron and
// DeepSpeed after up to three bracketed fields ("[E ProcessGroupNCCL.cpp:475] [Rank 3] ...",
// "[2026-12-01 00:58:43,221] [INFO] [logging.py:96:log_dist] [Rank 3] ..."), or with torchrun
// --tee's "[default5]:" alone for a local rank other than X's GPU. The prefix is printed by the
// process that wrote the line, the source name by whoever saved the paste.
std::set<std::string> GatheredSources(const std::vector<CaseLog>& logs, const Topology& t);
std::optional<int> TeeLocalRank(const std::string& line, const Topology& t);
std::map<std::string, int> LauncherSources(const std::vector<CaseLog>& logs, const Topology& t);
bool PerNodeLauncher(const CaseLog& log);
std::map<int, std::string> SrunTaskNodes(const std::vector<CaseLog>& logs, const Topology& t);
// The launcher label at the start of `line` in the form of `kind`: its length, and the task /
// rank (srun, mpirun) or host (pdsh) it names. nullopt when the line does not start with one.
struct LauncherLabel {
  size_t length = 0;
  int rank = -1;
  std::string host;
};
std::optional<LauncherLabel> ReadLauncherLabel(const std::string& line, int kind);

bool IsNumber(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char ch) { return std::isdigit(ch); });
}

// A series labelled with a rank and no host (a training exporter's per-rank series: rank="13",
// grad norms, step times): that rank's node and GPU by the case's rank layout (review RG: a silent
// data corruption answer from such a series had an empty component). Nothing when the series names
// a host or the case gives no layout for the rank (the answer is then the job's, FormatComponent).
void PlaceRankLabel(const Labels& labels, const Topology& topo, ComponentHint* h) {
  if (!h->node.empty()) return;
  auto it = labels.find("rank");
  if (it == labels.end() || it->second.empty() || it->second.size() > 9 || !IsNumber(it->second)) return;
  const std::optional<int> r = ParseInt32(it->second);
  if (!r) return;
  h->rank = *r;
  auto t = topo.ranks.find(*r);
  if (t == topo.ranks.end() || t->second.node.empty()) return;
  h->node = t->second.node;
  if (h->gpu < 0) h->gpu = t->second.gpu;
}

// A JSON integer or a string of digits as an int32; nullopt beyond int32's range (not truncated).
std::optional<int32_t> JsonInt32(const Json& v) {
  if (v.is_number_unsigned()) {
    uint64_t n = v.get<uint64_t>();
    return n <= static_cast<uint64_t>(std::numeric_limits<int32_t>::max()) ? std::optional<int32_t>(static_cast<int32_t>(n))
                                                                           : std::nullopt;
  }
  if (v.is_number_integer()) {
    int64_t n = v.get<int64_t>();
    return n >= std::numeric_limits<int32_t>::min() && n <= std::numeric_limits<int32_t>::max()
               ? std::optional<int32_t>(static_cast<int32_t>(n))
               : std::nullopt;
  }
  return v.is_string() ? ParseInt32(v.get<std::string>()) : std::nullopt;
}

void ScanTopologyJson(const Json& j, const std::string& node, Topology& t) {
  static const std::regex kPci(R"(^([0-9a-fA-F]{4,8}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}(\.[0-9])?$)");
  if (!j.is_object()) return;
  for (const auto& [k, v] : j.items()) {
    if (std::regex_match(k, kPci) && (v.is_number_integer() || (v.is_string() && IsNumber(v.get<std::string>())))) {
      std::optional<int32_t> parsed = JsonInt32(v);
      if (!parsed) continue;  // "0000:ab:00.0": "99999999999999999999" maps the bus to no GPU
      int gpu = *parsed;
      if (node.empty()) t.pci_to_gpu[PciKey(k)] = gpu;
      else t.node_pci_to_gpu[{node, PciKey(k)}] = gpu;
      continue;
    }
    if (t.nodes.count(k)) {
      ScanTopologyJson(v, k, t);
      continue;
    }
    if (k == "gpu_pci_bus" && v.is_object()) {  // {"gpu5": "0000:ab:00.0"}
      for (const auto& [gk, gv] : v.items()) {
        if (gk.rfind("gpu", 0) != 0 || !IsNumber(gk.substr(3)) || !gv.is_string()) continue;
        std::optional<int32_t> parsed = ParseInt32(gk.substr(3));
        if (!parsed) continue;
        int gpu = *parsed;
        if (node.empty()) t.pci_to_gpu[PciKey(gv.get<std::string>())] = gpu;
        else t.node_pci_to_gpu[{node, PciKey(gv.get<std::string>())}] = gpu;
      }
      continue;
    }
    if (k == "gpus_per_node" && v.is_number_integer()) {
      std::optional<int32_t> n = JsonInt32(v);  // 2^32 + 8 is not 8 GPUs
      if (n && *n > 0 && *n <= kMaxTopologyGpusPerNode) {
        t.gpus_per_node = *n;
      } else {
        // A node's GPUs are swept one probe each (a node-level suspect, a suspect GPU's peers):
        // 5000 "GPUs per node" planned 10,000 probe steps and ran 38 s (tests/fuzz, input_fuzz).
        t.gpus_per_node = 0;
        t.gpus_per_node_note = "topology.gpus_per_node " + v.dump() + " is not a GPU count from 1 to " +
                               std::to_string(kMaxTopologyGpusPerNode) + ": read as unknown";
      }
      continue;
    }
    if (k == "nodes" && v.is_array()) {
      for (const Json& n : v) {
        if (n.is_string()) {
          t.nodes.insert(n.get<std::string>());
          t.node_order.push_back(n.get<std::string>());
        }
      }
      continue;
    }
    if ((k == "ranks" || k == "rank_to_component" || k == "rank_map") && v.is_object()) {
      for (const auto& [rk, rv] : v.items()) {
        std::optional<int32_t> rank = IsNumber(rk) ? ParseInt32(rk) : std::nullopt;
        if (!rank || !rv.is_string()) continue;
        ComponentHint h;
        std::string comp = rv.get<std::string>();
        auto slash = comp.find('/');
        h.node = comp.substr(0, slash);
        if (slash != std::string::npos) {
          std::string rest = comp.substr(slash + 1);
          if (rest.rfind("gpu", 0) == 0 && IsNumber(rest.substr(3))) h.gpu = ParseInt32(rest.substr(3)).value_or(-1);
        }
        t.ranks[*rank] = h;
      }
      continue;
    }
    if (v.is_object()) ScanTopologyJson(v, node, t);
  }
}

// A rank in a log source: "rank5", "node-3/rank_5/stderr", "node-3/py-spy-rank22".
const std::regex& SourceRankRegex() {
  static const std::regex kRank(R"((^|[/_-])rank[-_]?(\d+)(/|$))", std::regex::icase);
  return kRank;
}

// GPUs per node as the metrics show them: the highest GPU index any node's series label, plus one,
// when that is at least 4 (a node whose telemetry shows 4 or more GPUs shows all of them); 0 when
// unknown.
int GpusPerNodeFromMetrics(const DiagnosisCase& c) {
  int max_gpu = -1;
  for (const TimeSeries& s : c.metrics) {
    if (NodeOf(s.labels).empty()) continue;
    max_gpu = std::max(max_gpu, GpuOf(s.labels));
  }
  return max_gpu + 1 >= 4 ? max_gpu + 1 : 0;
}

}  // namespace

namespace {

std::vector<std::pair<int, ComponentHint>> PlacedRanks(const std::string& line, const CaseNodes& nodes) {
  // Filtered: it runs only on lines holding "rank" and one of local/gpu/cuda/device (a gathered
  // log's `[rankN]:` prefix alone no longer sends every line through std::regex).
  static const FilteredRegex kPlaced(
      R"(\brank\s*(\d+)\s*[(\[]?\s*(?:on\s+|@\s*|node\s*[:=]?\s*)?([A-Za-z0-9][A-Za-z0-9._-]*)\s*[,/:]?\s*)"
      R"((?:local[_ ]?(?:rank)?|gpu|cuda:?|device)\s*[:=#]?\s*(\d+)\b)",
      /*icase=*/true);
  std::vector<std::pair<int, ComponentHint>> out;
  if (!kPlaced.MayMatch(line)) return out;
  for (auto it = std::sregex_iterator(line.begin(), line.end(), kPlaced.regex()); it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    std::optional<int32_t> gpu = ParseInt32(m.str(3)), rank = ParseInt32(m.str(1));
    // The node under the case's spelling ("rank 5 on NODE-3.cluster.local gpu 5" for node-3).
    std::string node = nodes.Find(m.str(2));
    if (node.empty() || !gpu || !rank) continue;
    ComponentHint h;
    h.node = std::move(node);
    h.gpu = *gpu;
    h.rank = *rank;
    out.emplace_back(h.rank, h);
  }
  return out;
}

}  // namespace

std::vector<std::pair<int, ComponentHint>> RankPlacements(const std::string& line, const std::set<std::string>& nodes) {
  return PlacedRanks(line, CaseNodes(nodes));
}

std::string ProbeErrorText(const Json& details);

std::string OddHcaInDetails(const Json& details) {
  if (!details.is_object()) return "";
  static const std::regex kHcaName(R"(^(mlx5_\d+|ibp\d+s\d+|hfi1_\d+)$)");
  for (const auto& [key, table] : details.items()) {
    if (key.rfind("per_hca", 0) != 0 || !table.is_object()) continue;
    std::vector<std::pair<std::string, double>> v;
    for (const auto& [hca, value] : table.items()) {
      if (std::regex_match(hca, kHcaName) && value.is_number()) v.emplace_back(hca, value.get<double>());
    }
    if (v.size() < 3) continue;
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    // A table of error counts ("per_hca_symbol_errors", "per_hca_link_downed", retries, drops):
    // the bad port is the one far ABOVE the others — a count that the others do not share (the
    // highest at least 4 x the next, which may be 0). Rates and bandwidths: far below, next.
    static const std::regex kCounterKey(
        R"(err|drop|discard|down|retr|timeout|nak|recover|symbol|integrity|overrun|congest|fail)",
        std::regex::icase);
    if (std::regex_search(key, kCounterKey)) {
      double top = v.back().second, next = v[v.size() - 2].second;
      if (top > 0 && next * 4 <= top) return v.back().first;
      continue;
    }
    std::vector<double> others;
    for (size_t i = 1; i < v.size(); ++i) others.push_back(v[i].second);
    double median = others[others.size() / 2];
    bool agree = median > 0 && others.front() >= 0.75 * median;
    if (agree && v[0].second < 0.5 * median) return v[0].first;
  }
  // A probe that names the port itself ("slowest_hca": "mlx5_5", "slowest_nic": "mlx5_7",
  // "hca": "mlx5_2"), or its error message does ("IBV_WC_RETRY_EXC_ERR(12) on mlx5_1 to node-11"):
  // exactly one HCA named among the details' strings.
  std::string named;
  for (const auto& [key, value] : details.items()) {
    if (!value.is_string() || !std::regex_match(value.get<std::string>(), kHcaName)) continue;
    if (!named.empty() && named != value.get<std::string>()) return "";
    named = value.get<std::string>();
  }
  if (named.empty()) {
    static const std::regex kHcaInText(R"(\b(mlx5_\d+|ibp\d+s\d+|hfi1_\d+)\b)");
    const std::string text = ProbeErrorText(details);
    for (auto it = std::sregex_iterator(text.begin(), text.end(), kHcaInText); it != std::sregex_iterator(); ++it) {
      if (!named.empty() && named != it->str(1)) return "";
      named = it->str(1);
    }
  }
  return named;
}

std::vector<TorchrunFailure> FindTorchrunFailures(const std::vector<std::string>& lines) {
  static const std::regex kEntry(R"(^\s*\[\d+\]:\s*$)");
  static const std::regex kField(R"(^\s*(time|host|rank|exitcode|error_file|traceback)\s*:\s*(.*?)\s*$)");
  static const std::regex kRankField(R"(^(\d+)(?:\s*\(local_rank\s*:\s*(\d+)\))?)");
  static const std::regex kPid(R"(\(pid\s*:\s*(\d+)\))");
  constexpr size_t kMaxEntryLines = 8;
  std::vector<TorchrunFailure> out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].size() > 40 || !std::regex_match(lines[i], kEntry)) continue;
    TorchrunFailure f;
    f.first_line = f.last_line = i;
    for (size_t k = i + 1; k < lines.size() && k <= i + kMaxEntryLines; ++k) {
      std::smatch m;
      if (lines[k].size() > 400 || !std::regex_match(lines[k], m, kField)) break;
      f.last_line = k;
      std::string key = m.str(1), value = m.str(2);
      std::smatch v;
      if (key == "host") f.host = value.substr(0, value.find_first_of(" \t"));
      else if (key == "rank" && std::regex_search(value, v, kRankField)) {
        f.rank = ParseInt32(v.str(1)).value_or(-1);
        if (v[2].matched) f.local_rank = ParseInt32(v.str(2)).value_or(-1);
      } else if (key == "exitcode" && std::regex_search(value, v, kPid)) {
        f.pid = static_cast<long>(ParseInt(v.str(1)).value_or(-1));
      }
    }
    if (!f.host.empty() || f.rank >= 0) out.push_back(f);
  }
  // The agent's own line for a worker that failed (torch.distributed.elastic.multiprocessing.api:
  // "failed (exitcode: -11) local_rank: 4 (pid: 41877) of binary: /usr/bin/python3"), printed
  // before the "Root Cause" report and also when that report is cut off or not collected (RG4,
  // realistic8 rl8-04): an entry of its own with the local rank and pid (no global rank), its host
  // the last "[host]:" label before it when the line has one (srun / pdsh output gathered into one
  // file); else empty, for the caller to take the log's node. A report entry with the same pid
  // already says it (with the global rank): no second entry then.
  static const std::regex kAgentFailed(R"(\bfailed \(exitcode: -?\d{1,4}\) local_rank: (\d{1,4}) \(pid: (\d{1,9})\))");
  static const std::regex kHostLabel(R"(\[([A-Za-z][\w.-]{0,62})\]:)");
  const size_t reported = out.size();
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& t = lines[i];
    std::smatch m;
    if (t.size() > 1000 || t.find("local_rank: ") == std::string::npos || !std::regex_search(t, m, kAgentFailed)) continue;
    TorchrunFailure f;
    f.first_line = f.last_line = i;
    f.local_rank = ParseInt32(m.str(1)).value_or(-1);
    f.pid = static_cast<long>(ParseInt(m.str(2)).value_or(-1));
    if (f.local_rank < 0 || f.pid < 0) continue;
    const std::string before = t.substr(0, static_cast<size_t>(m.position(0)));
    for (auto it = std::sregex_iterator(before.begin(), before.end(), kHostLabel); it != std::sregex_iterator(); ++it) {
      f.host = (*it)[1].str();
    }
    bool known = false;
    for (size_t k = 0; k < reported; ++k) known = known || out[k].pid == f.pid;
    if (!known) out.push_back(f);
  }
  return out;
}

namespace {

// Which entry of torchrun's error summary line `k` of `log` lies in (PLC8): kRootCause under "Root
// Cause (first observed failure):", kOtherFailure under "Failures:" (torchrun lists there the other
// ranks' failures, often the watchdog's SIGABRT of ranks that waited on the first), kNoEntry outside
// both. Read looking up from the line to the heading, stopping at a rule line ("-----", "=====") or
// at most 24 lines up (an entry holds a few fields).
enum class TorchrunEntry { kNoEntry, kRootCause, kOtherFailure };
TorchrunEntry TorchrunEntryOf(const CaseLog& log, size_t k) {
  static const std::regex kRule(R"(^\s*(?:\d+:\s*)?(?:-{8,}|={8,})\s*$)");
  for (size_t i = k + 1, n = 0; i-- > 0 && n++ < 24;) {
    const std::string& t = log.lines[i].text;
    if (t.size() > 300) return TorchrunEntry::kNoEntry;
    if (t.find("Root Cause (first observed failure)") != std::string::npos) return TorchrunEntry::kRootCause;
    if (t.find("Failures:") != std::string::npos && t.find("Failures:") + 12 >= t.size()) return TorchrunEntry::kOtherFailure;
    if (i != k && std::regex_match(t, kRule)) return TorchrunEntry::kNoEntry;
  }
  return TorchrunEntry::kNoEntry;
}

// The case's node a torchrun report's or srun's host names, by node_names.h's rule (CaseNodes):
// "slm-03.cluster.local" or "SLM-03" for slm-03, "slm-03" for slm-03.cluster.local; empty when it
// names no node of the case.
std::string ReportedNode(const std::string& host, const CaseNodes& nodes) { return nodes.Find(host); }

// A log source's first path segment that names a file ("slurm-77.out", "node-3.log"), not a host.
bool FileLikeSegment(const std::string& segment) {
  static const std::regex kFileLike(R"(\.(out|err|log|txt|json|csv)$)", std::regex::icase);
  return std::regex_search(segment, kFileLike);
}

// The case's node a parenthesised note of a log's source names (RG21, realistic19 rl19-09, seen):
// "nvidia-bug-report.log (gpu-f02, excerpts)", "ops/py-spy (rank 13, pid 22413, gpu-f02)",
// "ops/py-spy (py-spy dump --pid 66120 on gpu-q02, rank 12)". The note's words that name a case node
// (CaseNodes::Words): exactly one node, else "" (two nodes, or a range "NodeList=gpu-n[05-08]", place
// nothing).
std::string SourceNoteNode(const Topology& t, const std::string& source) {
  const size_t open = source.find('(');
  if (open == std::string::npos || source.size() > 400) return "";
  const size_t close = source.find(')', open);
  const std::string note = source.substr(open + 1, close == std::string::npos ? std::string::npos : close - open - 1);
  std::string found;
  for (const CaseNodes::Word& w : t.names.Words(note)) {
    if (!found.empty() && w.node != found) return "";
    found = w.node;
  }
  return found;
}

// The node a source written as a label of words names ("gemm_checksum emb-b200-057", "bmc / nvidia-smi
// emb-b200-041": a tool's output pasted with the host it ran on; PLC36, realistic37 rl37-26 / rl37-14):
// a source holding a blank whose node words all name one node; "" otherwise (no blank: a path).
std::string SourceLabelNode(const Topology& t, const std::string& source) {
  if (source.size() > 400 || source.find(' ') == std::string::npos) return "";
  std::string found;
  for (const CaseNodes::Word& w : t.names.Words(source)) {
    if (!found.empty() && w.node != found) return "";
    found = w.node;
  }
  return found;
}

// The case's node a log's source names by its first path segment ("node-3/dmesg"; since review CF
// "NODE-3.cluster.local/kern.log" for node-3 too); else, since RG21, the node of the `ssh` command
// the source is ("ssh gpu-f02 dmesg -T") or of its parenthesised note (SourceNoteNode); since PLC5
// the node of the pod a `kubectl logs|exec POD` or `kubectl describe pod POD` source names, once
// the case ties the pod (kube_pods.h); since PLC8 the host of a shell prompt the source starts with
// ("priya@gpu-a03:~$ nvidia-smi"); "" when none (a file name is none).
std::string SourceNode(const Topology& t, const std::string& source) {
  std::string first = source.substr(0, source.find('/'));
  if (t.nodes.count(first)) return first;
  if (!first.empty() && !FileLikeSegment(first)) {
    if (std::string n = t.names.Find(first); !n.empty()) return n;
  }
  if (source.size() <= 400) {
    if (std::string host = SshTarget(source); !host.empty()) {
      if (std::string n = t.names.Find(host); !n.empty()) return n;
    }
    if (std::string host = SrunTarget(source); !host.empty()) {  // `srun -w NODE ...` (PLC6)
      if (std::string n = t.names.Find(host); !n.empty()) return n;
    }
    // `kubectl logs|exec POD` / `kubectl describe pod POD` as the source: the pod's node, once the
    // case ties the pod to one (kube_pods.h; PLC5).
    for (const std::string& pod : {KubectlPodTarget(source), KubectlDescribedPod(source)}) {
      if (pod.empty()) continue;
      if (std::string n = t.names.Find(pod); !n.empty()) return n;
    }
    // A shell prompt as the source ("priya@gpu-a03:~$ sudo dmesg -T | tail -4", PLC8): the command ran
    // on the prompt's host, unless it ran elsewhere through ssh/srun/kubectl (read above).
    if (std::string host = PromptHost(source); !host.empty()) {
      if (std::string n = t.names.Find(host); !n.empty()) return n;
    }
  }
  if (std::string n = SourceNoteNode(t, source); !n.empty()) return n;
  if (std::string n = SourceLabelNode(t, source); !n.empty()) return n;
  // A Kubernetes container log kept by its path "NAMESPACE/POD/CONTAINER" (Loki's and Fluent Bit's
  // namespace / pod / container streams, `kubectl logs -n NS POD -c C` saved under those names; PLC23,
  // realistic28 rl28-18: a vLLM decode pod's log, "dynamo/llama70b-decode-3-0/decode", went to the
  // layout's first node while `kubectl get pod -o wide` tied the pod to dyn-h100-08): the second
  // segment's node, once the case ties it (a pod of kube_pods.h). Read last: an explicit node, ssh
  // target, pod command or note decides first.
  const size_t a = source.find('/');
  if (a != std::string::npos && a > 0 && source.size() <= 400) {
    const size_t b = source.find('/', a + 1);
    const std::string second = source.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1);
    if (!second.empty() && !FileLikeSegment(second)) {
      if (std::string n = t.names.Find(second); !n.empty()) return n;
    }
  }
  return "";
}

// Another user's process taking a node's CPUs, as `top` (batch or interactive) or `ps aux` /
// `ps -eo user,pid,%cpu,...` prints it: a header naming USER, %CPU and COMMAND (or CMD), then one
// row a process. The job's own processes are the rows of the user with the most busy rows (the ranks,
// their data-loader workers); a row of another user at kCpuHogPercent or more (%CPU is per core:
// 800 = eight cores busy) is a process competing with the ranks for the node's cores, the classic
// host-side straggler (pack-straggler-host-contention: "a leftover preprocessing job from another
// user"). None when the listing has one user, when two users tie for the most rows (no job's user
// to tell apart), or when a row does not parse (another table).
//
// Review RV-RG2: the job's user is the user with the most *busy* rows (kBusyRowPercent or more: each
// rank keeps a core busy feeding its GPU, its data-loader workers too), not the most rows: a whole
// `top -b -n1` / `ps aux` lists root's idle daemons and kernel threads by the hundred, which made
// root the job's user and the ranks themselves "another user's process". And where top's summary
// line shows the host with kCpuIdleFreePercent or more of its CPU idle, a process of another user
// takes no core the ranks need: none.
constexpr double kCpuHogPercent = 800.0;
constexpr double kBusyRowPercent = 20.0;
constexpr double kCpuIdleFreePercent = 25.0;
struct CpuHog {
  std::string user;
  double cpu_percent = 0;
  std::string command;
  size_t line = 0;  // index into the lines given
};
std::optional<CpuHog> FindCpuHog(const std::vector<std::string>& lines) {
  auto words = [](const std::string& s) {
    std::vector<std::string> w;
    std::istringstream in(s);
    for (std::string t; in >> t;) w.push_back(t);
    return w;
  };
  // top's summary: "%Cpu(s): 91.2 us,  6.1 sy, ...,  2.3 id, ..." (procps-ng) or "Cpu(s): 91.2%us, ...,
  // 2.3%id, ..." (older procps); the latest one above a table is that table's.
  static const std::regex kIdle(R"(Cpu\(s\):.*?([0-9]+(?:\.[0-9]+)?)\s*%?\s*id\b)");
  std::optional<double> idle;
  for (size_t h = 0; h < lines.size(); ++h) {
    std::smatch im;
    if (lines[h].find("Cpu(s)") != std::string::npos && lines[h].size() < 400 && std::regex_search(lines[h], im, kIdle)) {
      idle = ParseDouble(im[1].str());
    }
    if (lines[h].find("%CPU") == std::string::npos || lines[h].find("USER") == std::string::npos) continue;
    const std::vector<std::string> head = words(lines[h]);
    size_t user_col = head.size(), cpu_col = head.size(), cmd_col = head.size(), pid_col = head.size();
    for (size_t i = 0; i < head.size(); ++i) {
      if (head[i] == "USER") user_col = i;
      else if (head[i] == "%CPU") cpu_col = i;
      else if (head[i] == "COMMAND" || head[i] == "CMD") cmd_col = i;
      else if (head[i] == "PID") pid_col = i;
    }
    if (user_col == head.size() || cpu_col == head.size() || pid_col == head.size() || cmd_col + 1 != head.size()) {
      continue;
    }
    std::vector<CpuHog> rows;
    std::map<std::string, size_t> per_user;
    for (size_t k = h + 1; k < lines.size(); ++k) {
      const std::vector<std::string> w = words(lines[k]);
      if (w.size() < head.size()) break;  // the table's end (a blank line, the next command)
      std::optional<double> cpu = ParseDouble(w[cpu_col]);
      if (!cpu || !std::isfinite(*cpu) || *cpu < 0 || !ParseInt32(w[pid_col])) break;
      CpuHog r;
      r.user = w[user_col];
      r.cpu_percent = *cpu;
      for (size_t i = cmd_col; i < w.size(); ++i) {
        if (i > cmd_col) r.command += ' ';
        r.command += w[i];
      }
      r.line = k;
      if (r.cpu_percent >= kBusyRowPercent) ++per_user[r.user];
      rows.push_back(std::move(r));
    }
    if (idle && *idle >= kCpuIdleFreePercent) continue;
    if (per_user.size() < 2) continue;
    std::string job_user;
    size_t most = 0;
    bool tie = false;
    for (const auto& [u, n] : per_user) {
      if (n > most) {
        most = n;
        job_user = u;
        tie = false;
      } else if (n == most) {
        tie = true;
      }
    }
    if (tie) continue;
    const CpuHog* hog = nullptr;
    for (const CpuHog& r : rows) {
      if (r.user != job_user && r.cpu_percent >= kCpuHogPercent && (hog == nullptr || r.cpu_percent > hog->cpu_percent)) {
        hog = &r;
      }
    }
    if (hog != nullptr) return *hog;
  }
  return std::nullopt;
}

// The case's declared zone for log times printed without one (TZ): topology.timezone. A value
// that is no offset (an IANA name, a typo) is said in `unverified` and not used: such times are
// then read as UTC, as with no declaration.
void ReadDeclaredZone(const DiagnosisCase& c, Topology& t) {
  if (!c.topology.is_object()) return;
  auto it = c.topology.find("timezone");
  if (it == c.topology.end() || it->is_null()) return;
  std::optional<int> offset = it->is_string() ? ParseZoneOffsetMin(it->get<std::string>()) : std::nullopt;
  if (!offset) {
    std::string shown = it->dump();
    if (shown.size() > 64) {
      shown.resize(64);
      shown += "...";
    }
    t.timezone_note = "topology.timezone ";
    t.timezone_note += shown;
    t.timezone_note +=
        " is not a UTC offset (\"UTC\", \"+01:00\", \"-0500\", \"UTC+1\"): log times printed without a zone were read "
        "as UTC";
    return;
  }
  t.clock.zone_declared = true;
  t.clock.offset_min = *offset;
}

// How many lines of each log source ReferenceYear reads for its first dated line, and of all sources.
constexpr size_t kReferenceYearLinesPerSource = 400;
constexpr size_t kReferenceYearLines = 20000;

// The year of the case's timestamps printed without one (syslog / journalctl short "Mar 04
// 03:14:07", glog "E0304 03:14:07.5"): the year the alert fired; with no alert, the year of the
// case's earliest dated time (a line whose stamp carries its year, ISO / RFC 3339 - the first dated
// line of each source - or a metric sample), as the engineer reading the logs takes the year from
// the lines that print it. 1970 when nothing in the case is dated (year-less times then still order
// among themselves). (RG8, realistic11 rl11-04: with no alert the year-less watchdog timeouts were
// put in 1970, 56 years before the ISO-stamped Xid 119 that caused them, which then explained
// nothing.) A line is dated when its time does not depend on the year LineTimeMs is given.
int ReferenceYear(const DiagnosisCase& c, int64_t* first_ms) {
  auto year_of = [](int64_t ms) { return ParseInt32(FormatRfc3339Ms(ms).substr(0, 4)); };
  if (c.alert && c.alert->starts_at_ms > 0) {
    if (std::optional<int32_t> y = year_of(c.alert->starts_at_ms)) return *y;
  }
  int64_t first = kNoTime;
  size_t read = 0;
  for (const CaseLog& log : c.logs) {
    for (size_t i = 0; i < log.lines.size() && i < kReferenceYearLinesPerSource && read < kReferenceYearLines; ++i, ++read) {
      const std::string& text = log.lines[i].text;
      if (text.find(':') == std::string::npos) continue;  // no time of day
      LogClock y1970, y2000;
      y1970.year = 1970;
      y2000.year = 2000;
      const int64_t a = LineTimeMs(text, y1970), b = LineTimeMs(text, y2000);
      if (a == kNoTime || a != b || a <= 0) continue;
      first = std::min(first, a);
      break;
    }
  }
  for (const TimeSeries& s : c.metrics) {
    if (!s.timestamps_ms.empty() && s.timestamps_ms.front() > 0) first = std::min(first, s.timestamps_ms.front());
  }
  if (first != kNoTime) {
    if (std::optional<int32_t> y = year_of(first)) {
      if (first_ms != nullptr) *first_ms = first;
      return *y;
    }
  }
  return 1970;
}

}  // namespace

std::map<std::string, int> SmiBusIndices(const CaseLog& log) {
  // The default table's GPU row: "|   3  NVIDIA H100 80GB HBM3          On  |   00000000:3B:00.0 Off |".
  static const std::regex kTableRow(
      R"(^\s*\|\s+(\d{1,3})\s+[^|]*\|\s*([0-9a-fA-F]{4,8}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7])\s)");
  static const std::regex kBus(R"(^\s*([0-9a-fA-F]{4,8}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7])\s*$)");
  std::map<std::string, int> out;
  // The query's columns: from its header row ("index, pci.bus_id") or the pasted command's
  // --query-gpu= list; -1 until one names both.
  int index_col = -1, bus_col = -1;
  auto split = [](const std::string& text) {
    std::vector<std::string> cols;
    std::stringstream ss(text);
    for (std::string col; std::getline(ss, col, ',');) {
      const size_t a = col.find_first_not_of(" \t"), b = col.find_last_not_of(" \t");
      cols.push_back(a == std::string::npos ? std::string() : col.substr(a, b - a + 1));
    }
    return cols;
  };
  for (const LogLine& line : log.lines) {
    const std::string& text = line.text;
    if (text.size() > 1000) continue;
    std::smatch m;
    if (text.find('|') != std::string::npos && std::regex_search(text, m, kTableRow)) {
      if (std::optional<int32_t> gpu = ParseInt32(m.str(1))) out.emplace(PciKey(m.str(2)), *gpu);
      continue;
    }
    if (text.find("pci.bus_id") != std::string::npos) {
      std::string list = text;
      if (const size_t q = text.find("--query-gpu="); q != std::string::npos) {
        list = text.substr(q + 12);
        list = list.substr(0, list.find_first_of(" \t'\""));
      }
      index_col = bus_col = -1;
      const std::vector<std::string> cols = split(list);
      for (size_t i = 0; i < cols.size(); ++i) {
        if (cols[i] == "index") index_col = static_cast<int>(i);
        if (cols[i] == "pci.bus_id") bus_col = static_cast<int>(i);
      }
      continue;
    }
    if (index_col < 0 || bus_col < 0 || text.find(',') == std::string::npos) continue;
    const std::vector<std::string> cols = split(text);
    if (cols.size() <= static_cast<size_t>(std::max(index_col, bus_col))) continue;
    const std::string& idx = cols[static_cast<size_t>(index_col)];
    std::optional<int32_t> gpu = IsNumber(idx) ? ParseInt32(idx) : std::nullopt;
    if (gpu && std::regex_match(cols[static_cast<size_t>(bus_col)], m, kBus)) out.emplace(PciKey(m.str(1)), *gpu);
  }
  return out;
}

namespace {

// Topology::ssh_nodes: in each log, the lines after a shell command that runs `ssh HOST` on a
// node of the case other than the log's own, up to the next shell command line (IsShellCommandLine),
// are HOST's; so are those after `kubectl logs|exec POD` where the case ties POD to a node (RG20,
// KubectlPodTarget; in CaseAddresses' own call no pod is tied yet), and after `kubectl debug
// node/NODE` (KubectlDebugNodeTarget, RG22). A host that is no node of the
// case places nothing. Two logs with one source name
// are left as they are (the per-line list would not say which).
std::map<std::string, std::vector<std::string>> SshNodes(const std::vector<CaseLog>& logs, const Topology& t) {
  std::map<std::string, std::vector<std::string>> out;
  std::set<std::string> seen, twice;
  for (const CaseLog& log : logs) {
    if (!seen.insert(log.source).second) twice.insert(log.source);
  }
  for (const CaseLog& log : logs) {
    if (twice.count(log.source)) continue;
    const std::string own = SourceNode(t, log.source);
    std::vector<std::string> nodes(log.lines.size());
    std::string current;
    bool any = false;
    for (size_t i = 0; i < log.lines.size(); ++i) {
      const std::string& text = log.lines[i].text;
      if (text.size() <= 2000 && IsShellCommandLine(text)) {
        std::string host = SshTarget(text);
        if (host.empty()) host = KubectlPodTarget(text);  // a pod's node, once CaseAddresses tied it
        if (host.empty()) host = KubectlDebugNodeTarget(text);  // the node's own debug container (RG22)
        if (host.empty()) host = SrunTarget(text);  // a step on one node: `srun -w NODE ...` (PLC6)
        current = ReportedNode(host, t.names);
        // The engineer's note after the command, "# on gpu-f09" (CommentNodeWords, PLC10).
        for (const std::string& word : CommentNodeWords(text)) {
          if (!current.empty()) break;
          current = ReportedNode(word, t.names);
        }
        if (current == own) current.clear();
        continue;
      }
      nodes[i] = current;
      any = any || !current.empty();
    }
    if (any) out[log.source] = std::move(nodes);
  }
  return out;
}

// Topology::ssh_elsewhere (PLC12): in each log, the lines after a shell command that runs `ssh HOST`
// or `srun -w HOST` on a HOST that is no node of the case (a node outside the job: "ssh hgx-b03" for
// last week's Xid on a node the job does not use), up to the next shell command line. Their node is
// that host, not the log's: the source's node ("ops shell (dmesg of hgx-b03 and hgx-b12)" names the
// case's hgx-b12) placed the other host's old Xid on the job's node. Logs named twice are left out,
// as SshNodes leaves them.
std::map<std::string, std::vector<bool>> SshElsewhere(const std::vector<CaseLog>& logs, const Topology& t) {
  std::map<std::string, std::vector<bool>> out;
  std::set<std::string> seen, twice;
  for (const CaseLog& log : logs) {
    if (!seen.insert(log.source).second) twice.insert(log.source);
  }
  for (const CaseLog& log : logs) {
    if (twice.count(log.source)) continue;
    std::vector<bool> lines(log.lines.size(), false);
    bool current = false, any = false;
    for (size_t i = 0; i < log.lines.size(); ++i) {
      const std::string& text = log.lines[i].text;
      if (text.size() <= 2000 && IsShellCommandLine(text)) {
        std::string host = SshTarget(text);
        if (host.empty()) host = SrunTarget(text);
        current = !host.empty() && ReportedNode(host, t.names).empty() && host.find_first_of("[,*$") == std::string::npos;
        for (const std::string& word : CommentNodeWords(text)) {
          if (!ReportedNode(word, t.names).empty()) current = false;  // "# on gpu-f09": a node of the case
        }
        continue;
      }
      lines[i] = current;
      any = any || current;
    }
    if (any) out[log.source] = std::move(lines);
  }
  return out;
}

// Topology::dshbak_hosts: each log's banner hosts, once per log; logs named twice are left out.
std::map<std::string, DshbakHosts> DshbakHostsByLog(const std::vector<CaseLog>& logs) {
  std::map<std::string, DshbakHosts> out;
  std::set<std::string> seen, twice;
  for (const CaseLog& log : logs) {
    if (!seen.insert(log.source).second) twice.insert(log.source);
  }
  for (const CaseLog& log : logs) {
    if (twice.count(log.source)) continue;
    out[log.source] =
        DshbakBlockHosts(log.lines.size(), [&](size_t k) -> const std::string& { return log.lines[k].text; });
  }
  return out;
}

// The banner host of `log`'s line `line` (DshbakBlockHost), from Topology::dshbak_hosts when the
// log is listed there, else read from the lines.
std::string DshbakHostOfLine(const Topology& t, const CaseLog& log, size_t line) {
  if (line >= log.lines.size()) return "";
  auto it = t.dshbak_hosts.find(log.source);
  if (it != t.dshbak_hosts.end() && it->second.lines == log.lines.size()) {
    return line < it->second.hosts.size() ? it->second.hosts[line] : "";
  }
  return DshbakBlockHost(line, log.lines.size(), [&](size_t k) -> const std::string& { return log.lines[k].text; });
}

// Topology::uuid_gpu: a GPU's UUID as a device plugin, node-problem-detector or DCGM names it,
// mapped to its node and index where the case shows both: a series labelled {UUID, gpu, node}, or
// `nvidia-smi -L`'s "GPU 5: NVIDIA H100 ... (UUID: GPU-...)" in a log of a node (the source's, or
// the node of the `ssh` command above it). A UUID shown at two places maps nowhere.
std::map<std::string, std::pair<std::string, int>> UuidGpus(const DiagnosisCase& c, const Topology& t) {
  std::map<std::string, std::pair<std::string, int>> out;
  std::set<std::string> conflicting;
  auto add = [&](std::string uuid, const std::string& node, int gpu) {
    if (node.empty() || gpu < 0) return;
    uuid = AsciiLower(uuid);
    auto [it, inserted] = out.emplace(uuid, std::make_pair(node, gpu));
    if (!inserted && it->second != std::make_pair(node, gpu)) conflicting.insert(uuid);
  };
  for (const TimeSeries& s : c.metrics) {
    for (const char* key : {"UUID", "uuid"}) {
      auto it = s.labels.find(key);
      if (it != s.labels.end() && it->second.rfind("GPU-", 0) == 0) add(it->second, NodeOf(s.labels), GpuOf(s.labels));
    }
  }
  static const std::regex kList(R"(\bGPU (\d{1,3}): [^()]*\(UUID: (GPU-[0-9a-fA-F-]{8,})\))");
  for (const CaseLog& log : c.logs) {
    const std::string own = SourceNode(t, log.source);
    for (size_t i = 0; i < log.lines.size(); ++i) {
      const std::string& text = log.lines[i].text;
      if (text.size() > 2000 || text.find("UUID: GPU-") == std::string::npos) continue;
      std::smatch m;
      if (!std::regex_search(text, m, kList)) continue;
      const std::string& ssh = SshNodeOfLine(t, log, i);
      add(m.str(2), ssh.empty() ? own : ssh, ParseInt32(m.str(1)).value_or(-1));
    }
  }
  for (const std::string& u : conflicting) out.erase(u);
  return out;
}

// The lines of a launcher-labelled log (Topology::launcher_sources: `srun -l`, pdsh) as each label's
// own output (RG19): Read(line) returns true for a labelled line, and then rest() is the line
// without its label, node() the node whose output it is and reader() that label's GpuIdReader.
// The node: a label's own line that is a case node's name alone (its `hostname`), else pdsh's host,
// srun's task's node (per-node launchers, Topology::srun_task_nodes) or its rank's node (one task
// per rank). The pasted command above the output (`+ srun -l bash -c '... nvidia-smi
// --query-gpu=index,pci.bus_id --format=csv,noheader'`) carries no label; its column list is given
// to every label's reader.
class LabelledOutputs {
 public:
  LabelledOutputs(const std::string& source, const Topology& t) : t_(t) {
    auto it = t.launcher_sources.find(source);
    kind_ = it == t.launcher_sources.end() ? kNoLauncher : it->second;
  }
  bool Read(const std::string& line) {
    if (kind_ == kNoLauncher) return false;
    std::optional<LauncherLabel> l = line.size() > 2000 ? std::nullopt : ReadLauncherLabel(line, kind_);
    if (!l) {
      if (line.find("--query-gpu=") != std::string::npos) {
        command_ = line;
        for (auto& [key, r] : readers_) r.Read(command_);
      }
      return false;
    }
    const std::string key = kind_ == kPdshHost ? l->host : std::to_string(l->rank);
    rest_ = line.substr(l->length);
    auto [it, fresh] = readers_.try_emplace(key);
    if (fresh && !command_.empty()) it->second.Read(command_);
    reader_ = &it->second;
    const size_t a = rest_.find_first_not_of(" \t\r"), b = rest_.find_last_not_of(" \t\r");
    const std::string word = a == std::string::npos ? std::string() : rest_.substr(a, b - a + 1);
    host_line_ = false;
    if (!word.empty() && word.find(' ') == std::string::npos) {
      if (std::string n = t_.names.Find(word); !n.empty()) {
        hosts_[key] = n;
        host_line_ = true;
      }
    }
    node_.clear();
    if (auto h = hosts_.find(key); h != hosts_.end()) {
      node_ = h->second;
    } else if (kind_ == kPdshHost) {
      node_ = ReportedNode(l->host, t_.names);
    } else if (kind_ == kSrunNode) {
      if (auto n = t_.srun_task_nodes.find(l->rank); n != t_.srun_task_nodes.end()) node_ = n->second;
    } else if (auto r = t_.ranks.find(l->rank); r != t_.ranks.end()) {
      node_ = r->second.node;
    }
    return true;
  }
  // The labelled line is the node's name alone (`hostname` before the table): no table line.
  bool host_line() const { return host_line_; }
  const std::string& rest() const { return rest_; }
  const std::string& node() const { return node_; }
  GpuIdReader& reader() { return *reader_; }

 private:
  const Topology& t_;
  int kind_ = kNoLauncher;
  std::string command_, rest_, node_;
  std::map<std::string, GpuIdReader> readers_;
  std::map<std::string, std::string> hosts_;  // label -> the node its own `hostname` line names
  GpuIdReader* reader_ = nullptr;
  bool host_line_ = false;
};

// The GPU index of each "GPU 00000000:CB:00.0" block of a log whose source is `nvidia-smi -q` over
// every GPU (no `-i` / `--id`; a `| grep` keeping the block lines is fine): nvidia-smi prints the
// blocks in index order, so the k-th block is GPU k when the log holds one block per GPU of the node
// (`gpus_per_node` blocks, or the "Attached GPUs : N" line's N) in ascending bus order. A cut excerpt
// (fewer blocks), a repeated or unordered block, or a selection gives none (PLC6).
std::map<std::string, int> SmiQueryBlockIndices(const CaseLog& log, int gpus_per_node) {
  std::map<std::string, int> out;
  const std::string& src = log.source;
  const size_t smi = src.find("nvidia-smi");
  if (src.size() > 400 || smi == std::string::npos) return out;
  std::string command = src.substr(smi);
  command = command.substr(0, std::min({command.find('|'), command.find(';'), command.find("&&")}));
  std::istringstream in(command);
  bool query = false;
  for (std::string w; in >> w;) {
    if (w == "-q" || w == "--query") query = true;
    if (w == "-i" || w == "--id" || w.rfind("--id=", 0) == 0 || w.rfind("-i", 0) == 0) return out;
  }
  if (!query) return out;
  static const std::regex kBlock(R"(^\s*GPU\s+([0-9A-Fa-f]{4,8}:[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}\.[0-7])\s*$)");
  static const std::regex kAttached(R"(^\s*Attached GPUs\s*:\s*(\d{1,3})\s*$)");
  std::vector<std::string> buses;
  int attached = -1;
  for (const LogLine& line : log.lines) {
    if (line.text.size() > 200) continue;
    std::smatch m;
    if (std::regex_search(line.text, m, kBlock)) buses.push_back(PciKey(m.str(1)));
    else if (std::regex_search(line.text, m, kAttached)) attached = ParseInt32(m.str(1)).value_or(-1);
  }
  const int want = attached > 0 ? attached : gpus_per_node;
  if (buses.size() < 2 || static_cast<int>(buses.size()) != want) return out;
  for (size_t k = 0; k < buses.size(); ++k) {
    if (buses[k].empty() || (k > 0 && !(buses[k - 1] < buses[k]))) return {};
    out.emplace(buses[k], static_cast<int>(k));
  }
  return out;
}

// A GPU's bus id, UUID and serial number tied to its index on a node by nvidia-smi (gpu_ids.h: the
// --query-gpu table, -q blocks joined to an index through a name another line of the node ties, the
// default table's bus ids among those): (node, ties), the node the log's source's or the `ssh`
// command's above the line. Lines of no node tie nothing.
std::vector<std::pair<std::string, GpuIds>> GpuIdTies(const DiagnosisCase& c, const Topology& t) {
  std::map<std::string, std::vector<GpuIds>> by_node;
  for (const CaseLog& log : c.logs) {
    const std::string own = SourceNode(t, log.source);
    GpuIdReader reader;
    // A launcher-labelled log (`srun -l bash -c 'hostname; nvidia-smi --query-gpu=...'`, pdsh): each
    // label's lines are one node's output, read by their own reader (RG19).
    LabelledOutputs labelled(log.source, t);
    // A log whose source is the command ("ssh gpu-p11 nvidia-smi --query-gpu=index,pci.bus_id,...")
    // and whose lines are its rows: the source names the columns (PLC4; realistic20 rl20-24).
    if (log.source.find("--query-gpu=") != std::string::npos) reader.Read(log.source);
    for (size_t i = 0; i < log.lines.size(); ++i) {
      const std::string& ssh = SshNodeOfLine(t, log, i);
      const std::string& node = ssh.empty() ? own : ssh;
      if (labelled.Read(log.lines[i].text)) {
        if (labelled.host_line()) continue;
        for (GpuIds& g : labelled.reader().Read(labelled.rest())) {
          if (!labelled.node().empty()) by_node[labelled.node()].push_back(std::move(g));
        }
        continue;
      }
      for (GpuIds& g : reader.Read(log.lines[i].text)) {
        if (!node.empty()) by_node[node].push_back(std::move(g));
      }
    }
    if (!own.empty() && by_node.count(own)) {
      for (const auto& [bus, gpu] : SmiBusIndices(log)) by_node[own].push_back(GpuIds{gpu, bus, "", ""});
    }
    if (!own.empty()) {
      for (const auto& [bus, gpu] : SmiQueryBlockIndices(log, t.gpus_per_node)) by_node[own].push_back(GpuIds{gpu, bus, "", ""});
    }
  }
  std::vector<std::pair<std::string, GpuIds>> out;
  for (const auto& [node, ties] : by_node) {
    for (GpuIds& g : JoinGpuIds(ties)) out.emplace_back(node, std::move(g));
  }
  return out;
}

// The node and physical indices of a device list given by UUIDs (VisibleDeviceUuidsOf), where the
// case's `nvidia-smi -L` or labelled series name every UUID on one node; ("", nullopt) otherwise.
std::pair<std::string, std::optional<std::vector<int>>> UuidDevices(
    const std::optional<std::vector<std::string>>& uuids, const std::map<std::string, std::pair<std::string, int>>& uuid_gpu) {
  if (!uuids) return {"", std::nullopt};
  std::string node;
  std::vector<int> out;
  for (const std::string& u : *uuids) {
    auto it = uuid_gpu.find(u);
    if (it == uuid_gpu.end() || (!node.empty() && it->second.first != node)) return {"", std::nullopt};
    node = it->second.first;
    out.push_back(it->second.second);
  }
  return {node, out};
}

// The first case node a line names (CaseNodes::Words), "" when none: the node of a line that prints a
// job's GPU environment (VisibleDeviceMaps) or a rank's pid (PidRanks).
std::string NodeNamedIn(const std::string& text, const Topology& t) {
  const std::vector<CaseNodes::Word> words = t.names.Words(text);
  return words.empty() ? std::string() : words.front().node;
}

// Topology::visible_devices (visible_devices.h, RG19): a line printing the job's GPU environment
// (`SLURM_JOB_GPUS=6,7 CUDA_VISIBLE_DEVICES=0,1 host=h100-s2-09`) maps the CUDA ordinals of the
// processes on the node it names (else the node of the `ssh` above it, the log's, the case's only
// node). A node given two different maps (per-task bindings printed by each task) keeps none.
// RG20: a value printed alone under `printenv NAME` / `echo $NAME` reads as NAME=value, and a list of
// GPU UUIDs (a Kubernetes pod's NVIDIA_VISIBLE_DEVICES) maps through the UUIDs' indices on their node.
// PLC29: the pid whose environment a shell command prints (`cat /proc/22871/environ | tr '\0' '\n'`,
// `xargs -0 -L1 -a /proc/22871/environ`, `strings /proc/22871/environ`), -1 for none.
int64_t EnvironDumpPid(const std::string& command) {
  if (command.find("/environ") == std::string::npos) return -1;
  static const std::regex kEnviron(R"(/proc/(\d+)/environ\b)");
  std::smatch m;
  return std::regex_search(command, m, kEnviron) ? ParseInt(m.str(1)).value_or(-1) : -1;
}

std::map<std::string, std::vector<int>> VisibleDeviceMaps(const DiagnosisCase& c, const Topology& t) {
  std::map<std::string, std::set<std::vector<int>>> maps;
  // PLC29 (realistic31 rl31-20): another process's environment (`cat /proc/PID/environ`) maps that
  // process's ordinals, not the job's: its lines are skipped unless the pid is one of the job's (a
  // rank's pid, PidRanks; a pid of NCCL's "HOST:PID:TID [dev]" prefix).
  std::set<int64_t> job_pids;
  for (const auto& [node_pid, rank] : t.pid_ranks) job_pids.insert(node_pid.second);
  {
    static const std::regex kNcclPid(R"(^\s*(?:\d+:\s*)?[A-Za-z0-9._-]+:(\d+):\d+ \[\d+\])");
    for (const CaseLog& log : c.logs) {
      for (const LogLine& l : log.lines) {
        std::smatch m;
        if (l.text.size() <= 2000 && l.text.find(" [") != std::string::npos && std::regex_search(l.text, m, kNcclPid)) {
          job_pids.insert(ParseInt(m.str(1)).value_or(-1));
        }
      }
    }
  }
  for (const CaseLog& log : c.logs) {
    const std::string own = SourceNode(t, log.source);
    std::string printed;  // the device variable the command above printed alone (RG20)
    bool foreign_environ = false;  // the lines under a command printing another process's environment
    for (size_t i = 0; i < log.lines.size(); ++i) {
      const std::string& raw = log.lines[i].text;
      const bool command = raw.size() <= 2000 && IsShellCommandLine(raw);
      if (command) {
        const int64_t pid = EnvironDumpPid(raw);
        foreign_environ = pid >= 0 && !job_pids.count(pid);
      } else if (foreign_environ) {
        continue;
      }
      const std::string text = command || printed.empty() ? raw : printed + "=" + raw;
      printed = command ? PrintedDeviceVariable(raw) : "";
      std::optional<std::vector<int>> v = VisibleDevicesOf(text);
      std::string node;
      if (!v) {
        std::tie(node, v) = UuidDevices(VisibleDeviceUuidsOf(text), t.uuid_gpu);  // a pod's GPUs by UUID
        if (!v) continue;
        maps[node].insert(*v);
        continue;
      }
      node = NodeNamedIn(text, t);
      if (node.empty()) node = SshNodeOfLine(t, log, i);
      if (node.empty()) node = own;
      if (node.empty()) node = t.default_node;
      if (!node.empty()) maps[node].insert(*v);
    }
  }
  // `env` prints each variable on its own line: CUDA_VISIBLE_DEVICES=0,1 (the cgroup's numbering)
  // beside SLURM_STEP_GPUS=2,5 is the same map, not a second one.
  auto identity = [](const std::vector<int>& v) {
    for (size_t k = 0; k < v.size(); ++k) {
      if (v[k] != static_cast<int>(k)) return false;
    }
    return true;
  };
  std::map<std::string, std::vector<int>> out;
  for (const auto& [node, set] : maps) {
    std::vector<std::vector<int>> kept;
    for (const std::vector<int>& v : set) {
      if (!identity(v)) kept.push_back(v);
    }
    if (kept.empty()) kept.assign(set.begin(), set.end());
    if (kept.size() == 1) out.emplace(node, kept.front());
  }
  return out;
}

// Topology::pid_gpus: the kernel's "NVRM: Xid (PCI:0000:4e:00): 43, pid=601877, name=python" on a node's
// log (the log's node, else the line's) names the GPU the process had its context on. A MIG
// reconfiguration or CUDA_VISIBLE_DEVICES makes a rank's local rank no physical GPU (realistic35
// rl35-30: local rank 1 on gpu3's instance); the Xid's bus is. A pid on two GPUs of a node maps to -1.
std::map<std::pair<std::string, int64_t>, int> XidPidGpus(const DiagnosisCase& c, const Topology& t) {
  static const std::regex kXid(R"(\bXid \(PCI:((?:[0-9a-fA-F]{4,8}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2})(?:\.[0-7])?\):\s*\d+,\s*pid=(\d+)\b)");
  std::map<std::pair<std::string, int64_t>, int> out;
  for (const CaseLog& log : c.logs) {
    const std::string node = SourceNode(t, log.source);
    if (node.empty()) continue;
    for (const auto& line : log.lines) {
      if (line.text.size() > 4000 || line.text.find("Xid") == std::string::npos) continue;
      std::smatch m;
      if (!std::regex_search(line.text, m, kXid)) continue;
      const int gpu = TopologyPciGpu(t, node, PciKey(m.str(1)));
      const std::optional<int64_t> pid = ParseInt(m.str(2));
      if (gpu < 0 || !pid) continue;
      auto [it, added] = out.emplace(std::make_pair(node, *pid), gpu);
      if (!added && it->second != gpu) it->second = -1;
    }
  }
  return out;
}

// Topology::pid_ranks: a rank's start-up or status line that names its process id ("[rank29] pid
// 4412 on h100-q-07 cuda:5", "rank 3 pid=1201"): the pid is that rank's process, on the node the
// line names, else the rank's node. A kernel's "python3[4412]: segfault" or systemd-coredump's
// "Process 4412 (python3) ... dumped core" on that node is then that rank's (HintFromLine). A
// (node, pid) named for two ranks maps nowhere.
std::map<std::pair<std::string, int64_t>, int> PidRanks(const DiagnosisCase& c, const Topology& t) {
  static const std::regex kRank(R"(\[rank(\d+)\]|\brank\s*[:=]?\s*(\d+)\b)", std::regex::icase);
  static const std::regex kPid(R"(\bpid\s*[:=]?\s*(\d+)\b)", std::regex::icase);
  std::map<std::pair<std::string, int64_t>, int> out;
  std::set<std::pair<std::string, int64_t>> twice;
  for (const CaseLog& log : c.logs) {
    for (const LogLine& line : log.lines) {
      const std::string& text = line.text;
      if (text.size() > 2000 || !ContainsNoCase(text, "pid") || !ContainsNoCase(text, "rank")) continue;
      std::smatch r, p;
      if (!std::regex_search(text, r, kRank) || !std::regex_search(text, p, kPid)) continue;
      std::optional<int32_t> rank = ParseInt32(r[1].matched ? r.str(1) : r.str(2));
      std::optional<int64_t> pid = ParseInt(p.str(1));
      if (!rank || !pid) continue;
      std::string node = NodeNamedIn(text, t);
      if (node.empty()) {
        auto it = t.ranks.find(*rank);
        if (it == t.ranks.end()) continue;
        node = it->second.node;
      }
      if (node.empty()) continue;
      auto [it, inserted] = out.emplace(std::make_pair(node, *pid), *rank);
      if (!inserted && it->second != *rank) twice.insert(it->first);
    }
  }
  for (const auto& k : twice) out.erase(k);
  return out;
}

// The addresses the case's own lines tie to its nodes (node_addresses.h's AddressReader): scontrol's
// NodeAddr=, /etc/hosts and getent lines, `host`, and a node's own addresses (NCCL's Bootstrap /
// OOB interface, `ip addr`, `hostname -I`) on the node that printed them - its NCCL prefix, a pdsh
// label, the `ssh NODE` command above the line, else the log's source. A host that is no node of the
// case, and an address claimed for two nodes, map nothing. Needs `t.names` built.
std::string PdshNodeOf(const std::string& line, const Topology& t, size_t* label_length);  // below
std::map<std::string, std::string> CaseAddresses(const DiagnosisCase& c, const Topology& t) {
  std::map<std::string, std::string> out;
  std::set<std::string> twice;
  const std::map<std::string, std::vector<std::string>> ssh = SshNodes(c.logs, t);
  for (const CaseLog& log : c.logs) {
    const std::string own = SourceNode(t, log.source);
    auto ssh_it = ssh.find(log.source);
    AddressReader reader;
    KubePodReader pods;
    pods.ReadSource(log.source);
    for (size_t i = 0; i < log.lines.size(); ++i) {
      std::string_view text = log.lines[i].text;
      std::string node = own;
      if (ssh_it != ssh.end() && i < ssh_it->second.size() && !ssh_it->second[i].empty()) node = ssh_it->second[i];
      size_t label = 0;
      if (std::string pdsh = PdshNodeOf(log.lines[i].text, t, &label); !pdsh.empty()) {
        node = pdsh;
        text.remove_prefix(std::min(label, text.size()));
      }
      for (const AddressFact& f : reader.Read(text)) {
        const std::string host = f.host.empty() ? node : t.names.Find(f.host);
        if (host.empty()) continue;
        auto [it, added] = out.emplace(f.address, host);
        if (!added && it->second != host) twice.insert(f.address);
      }
      AddKubePodFacts(pods.Read(text), [&t](std::string_view n) { return t.names.Find(n); }, out, twice);
    }
  }
  for (const std::string& a : twice) out.erase(a);
  return out;
}

// The alert's node as the case places it (Topology::alert_node), computed here once and read by every
// rule that asks whether a line, series or answer is on the alert's node (OnAlertNode,
// OtherNodeThanAlert, SayAlertPlace, the probes' targets; PLC, 2026-12-04). Builds t.names (with the
// case's addresses) from t.nodes, the alert's own spelling dropped when the case spells it otherwise:
// - the alert's node as the case's other sources spell it (KSM2, 2026-12-03): an alert naming
//   `gpu-n23.ml.example.net` (its `instance`, `Hostname` or `node`) on a case whose topology, series
//   or logs call that host `gpu-n23` is placed on `gpu-n23`, the topology's spelling first; before, the
//   answer's place was the alert's spelling while the evidence's was the other (realistic17 rl17-08's
//   alert with Prometheus' series). Two other spellings (gpu-n23.a.example and gpu-n23.b.example
//   beside an alert's `gpu-n23`) or none: the alert's kept;
// - an alert named only by an address (its `instance`, the node label being the exporter's pod name)
//   that the case's pasted output ties to a node (`kubectl get nodes -o wide`'s INTERNAL-IP, /etc/hosts,
//   scontrol's NodeAddr=): the alert is that node's, as an FQDN is its short name's (the lead, after
//   realistic18's blind run: rl18-15, seen).
// Before PLC the rules read the alert's labels instead (an address-only alert's node was its address
// to them, so the tied node's own lines were "another node's").
void PlaceAlertNode(const DiagnosisCase& c, Topology& t) {
  std::string own;
  if (c.alert) {
    own = NodeOf(c.alert->labels);
    t.alert_node = own;
    std::vector<std::string> others;
    for (const std::string& n : t.nodes) {
      if (n != own && !IsIpAddress(n) && SameNodeName(n, own)) others.push_back(n);
    }
    auto listed = std::find_if(t.node_order.begin(), t.node_order.end(), [&](const std::string& n) {
      return std::find(others.begin(), others.end(), n) != others.end();
    });
    if (listed != t.node_order.end()) {
      t.alert_node = *listed;
    } else if (others.size() == 1) {
      t.alert_node = others.front();
    }
    if (t.alert_node != own) t.nodes.erase(own);
  }
  t.names = CaseNodes(t.nodes);
  t.names.SetAddresses(CaseAddresses(c, t));  // reads t.names
  if (!c.alert || !IsIpAddress(t.alert_node)) return;
  const auto& by_address = t.names.addresses();
  if (auto it = by_address.find(NodeNameKey(t.alert_node)); it != by_address.end() && !IsIpAddress(it->second)) {
    const std::string address = t.alert_node;
    t.alert_node = it->second;
    t.nodes.erase(address);
    t.names.Erase(address);
  }
}

// The first part of BuildTopology: the case's nodes and the alert's place in them (PlaceAlertNode,
// t.names with the case's addresses), without the rank, GPU and launcher maps built on them.
// CaseAlertNode reads it alone.
Topology NodesAndAlertPlace(const DiagnosisCase& c) {
  Topology t;
  for (const TimeSeries& s : c.metrics) {
    std::string node = NodeOf(s.labels);
    if (!node.empty()) t.nodes.insert(node);
    auto pci = s.labels.find("pci_bus_id");
    int gpu = GpuOf(s.labels);
    if (pci != s.labels.end() && gpu >= 0) {
      if (node.empty()) t.pci_to_gpu[PciKey(pci->second)] = gpu;
      else t.node_pci_to_gpu[{node, PciKey(pci->second)}] = gpu;
    }
  }
  if (c.alert) {
    std::string node = NodeOf(c.alert->labels);
    if (!node.empty()) t.nodes.insert(node);
    if (auto it = c.alert->labels.find("job"); it != c.alert->labels.end()) t.job = it->second;
  }
  // The alert's year, or with no alert the case's earliest dated time's (ReferenceYear, RG8).
  t.clock.year = ReferenceYear(c, &t.clock.reference_ms);
  if (c.alert && c.alert->starts_at_ms > 0) t.clock.anchor_ms = c.alert->starts_at_ms;
  ReadDeclaredZone(c, t);
  if (c.topology.is_object() && c.topology.contains("nodes")) ScanTopologyJson(Json{{"nodes", c.topology["nodes"]}}, "", t);
  ScanTopologyJson(c.topology, "", t);
  // A log source's first path segment names a node only when the case names no node elsewhere
  // (topology, metric labels, the alert): sources are also files and services ("slurm-77.out",
  // "slurmctld", "k8s/...", "scheduler"), and a service taken for a node both misplaces the
  // component ("slurmctld/gpu0") and hides the real host the line names ("a100-7:4411 [6] ...").
  // Nodes named only by addresses (an alert's or a series' `instance="10.0.3.17:9400"`) name no log's
  // host either: a source's first segment that looks like a host's name is a node then too (ALERTID:
  // before, "node-7/kern.log" beside an alert known by 10.0.3.17 was no node's, its GPU lines took
  // the address as their default node, and the alert took node-7's Xid for its own).
  const bool only_addresses =
      !t.nodes.empty() && std::all_of(t.nodes.begin(), t.nodes.end(), [](const std::string& n) { return IsIpAddress(n); });
  if (t.nodes.empty() || only_addresses) {
    static const std::regex kRankSeg(R"(^rank[-_]?(\d+)$)", std::regex::icase);
    for (const CaseLog& l : c.logs) {
      std::string first = l.source.substr(0, l.source.find('/'));
      if (only_addresses && (!LooksLikeHostName(first) || std::any_of(t.nodes.begin(), t.nodes.end(), [&](const std::string& n) {
                               return SameNodeName(n, first);
                             }))) {
        continue;  // not a host's name, or the address itself in another spelling ("FD00:0::3")
      }
      if (!first.empty() && !std::regex_match(first, kRankSeg) && !FileLikeSegment(first) &&
          first != "job" && first != "scheduler" && first != "slurm" && first != "launcher") {
        t.nodes.insert(first);
      }
    }
  }
  // The hosts syslog-style headers name (`Dec  3 02:24:09 gpu-a17 kernel: ...`, SyslogHeaderHost)
  // are the case's nodes too: the host wrote the line, whatever file or paste holds it (OPS4A,
  // 2026-12-03: a pasted hang log's `gpu-a17 kernel: mlx5_core ... ibp193s0: Link down` gave
  // ib_link_failure "on the whole job", as no node was known). A host the case already names under
  // another spelling is not added twice; addresses are left to the case's address ties.
  {
    const CaseNodes known(t.nodes);
    std::set<std::string> hosts;
    std::map<std::string, int> logs_of_source;
    for (const CaseLog& l : c.logs) ++logs_of_source[l.source];
    for (const CaseLog& l : c.logs) {
      // Every line's parse is kept for PlaceLine (Topology::syslog_hosts); a log's hosts are taken
      // until there are 256.
      std::vector<std::string>* parsed = logs_of_source[l.source] == 1 ? &t.syslog_hosts[l.source] : nullptr;
      if (parsed != nullptr) parsed->reserve(l.lines.size());
      bool full = false;
      for (const LogLine& line : l.lines) {
        std::string host = SyslogHeaderHost(line.text);
        if (parsed != nullptr) parsed->push_back(host);
        if (full || host.empty() || IsIpAddress(host) || !LooksLikeHostName(host) || !known.Find(host).empty()) continue;
        hosts.insert(std::move(host));
        full = hosts.size() >= 256;
      }
    }
    for (const std::string& h : hosts) {
      if (std::none_of(t.nodes.begin(), t.nodes.end(), [&](const std::string& n) { return SameNodeName(n, h); })) {
        t.nodes.insert(h);
      }
    }
  }
  PlaceAlertNode(c, t);  // builds t.names
  return t;
}

Topology BuildTopology(const DiagnosisCase& c) {
  Topology t = NodesAndAlertPlace(c);
  // A topology's rank map naming a node otherwise than its node list ("node-3.cluster.local/gpu2"
  // beside "node-3"): the node as the case spells it.
  for (auto& [r, h] : t.ranks) {
    if (h.node.empty() || t.nodes.count(h.node)) continue;
    if (std::string n = t.names.Find(h.node); !n.empty()) h.node = std::move(n);
  }
  if (t.nodes.size() == 1) {
    t.default_node = *t.nodes.begin();
  } else if (c.alert && t.nodes.count(t.alert_node)) {
    t.default_node = t.alert_node;
  }
  // "rank r runs on nodes[r // gpus_per_node], local GPU r % gpus_per_node" (the usual layout),
  // laid out for jobs up to kMaxLaidOutRanks ranks: a topology's `gpus_per_node` of 2^31 - 1 (a
  // valid int32) had this loop insert billions of ranks (`vigil diagnose` ran on past 60 s,
  // growing); beyond, ranks are placed only by what the logs and topology say of each.
  constexpr size_t kMaxLaidOutRanks = size_t{1} << 17;
  if (t.gpus_per_node > 0 && !t.node_order.empty() &&
      t.node_order.size() <= kMaxLaidOutRanks / static_cast<size_t>(t.gpus_per_node)) {
    for (size_t r = 0; r < t.node_order.size() * t.gpus_per_node; ++r) {
      if (t.ranks.count(static_cast<int>(r))) continue;
      ComponentHint h;
      h.node = t.node_order[r / t.gpus_per_node];
      h.gpu = static_cast<int>(r % t.gpus_per_node);
      t.ranks[static_cast<int>(r)] = h;
      t.laid_out_ranks.insert(static_cast<int>(r));
    }
  }
  // A line that places a rank ("rank 17 (hpc-g07 local 1)", "rank 5 on node-2 gpu 5", "rank 9
  // (node-1, local_rank 1)"): flight-recorder analyses and launchers print where each rank runs. A
  // fact, over the layout's guess (PLC3: before, only ranks the layout had not placed took it, so a
  // job whose ranks fill the nodes in another order than the topology's list kept the guess); the
  // topology's own rank map stands, and the first line placing a rank wins.
  for (const CaseLog& l : c.logs) {
    for (const LogLine& line : l.lines) {
      const std::string& text = line.text;
      if (text.size() > 2000 || text.find("ank") == std::string::npos) continue;
      for (auto [r, placed] : PlacedRanks(text, t.names)) {
        if (t.ranks.count(r) && !t.laid_out_ranks.count(r)) continue;
        t.ranks[r] = placed;
        t.laid_out_ranks.erase(r);
      }
    }
  }
  // Ranks tied to hosts by launchers' and the job's own lines (rank_hosts.h: DeepSpeed's world info,
  // a hostfile's slots, a rank printed with its host and local rank, a rank -> host table): facts,
  // over the layout's guess. A GPU the tie leaves open is the layout's only on the same node.
  for (const auto& [r, tie] : CaseRankHosts(c.logs, [&t](std::string_view n) { return t.names.Find(n); })) {
    ComponentHint& h = t.ranks[r];
    if (h.node != tie.host || tie.gpu >= 0) h.gpu = tie.gpu;
    h.node = tie.host;
    h.rank = r;
    t.laid_out_ranks.erase(r);
  }
  // torchrun's failure report says where each failed rank ran ("host : slm-03", "rank : 10
  // (local_rank: 2)"): a fact, so it overrides the placement guessed from the layout.
  for (const CaseLog& l : c.logs) {
    std::vector<std::string> texts;
    for (const LogLine& line : l.lines) texts.push_back(line.text);
    std::vector<TorchrunFailure> failures = FindTorchrunFailures(texts);
    // An agent's failure line with no host label of a case node ran on the log's own node (RG4).
    for (TorchrunFailure& f : failures) {
      if (f.rank < 0 && ReportedNode(f.host, t.names).empty()) f.host = SourceNode(t, l.source);
    }
    for (const TorchrunFailure& f : failures) {
      std::string node = ReportedNode(f.host, t.names);
      if (node.empty() || f.rank < 0 || f.local_rank < 0) continue;
      ComponentHint h;
      h.node = node;
      h.gpu = f.local_rank;
      h.rank = f.rank;
      t.ranks[f.rank] = h;
      t.laid_out_ranks.erase(f.rank);
    }
    if (!failures.empty()) t.torchrun_failures[l.source] = std::move(failures);
  }
  // Ranks named by log sources ("node-3/rank5/stderr", "node-3/py-spy-rank22") map to their node;
  // with the node's GPU count known (topology, or the GPUs its metrics label), to local GPU
  // rank % GPUs per node (the usual one-process-per-GPU layout).
  int per_node = t.gpus_per_node > 0 ? t.gpus_per_node : GpusPerNodeFromMetrics(c);
  for (const CaseLog& l : c.logs) {
    std::smatch m;
    std::optional<int32_t> rank;
    if (std::regex_search(l.source, m, SourceRankRegex()) && (rank = ParseInt32(m.str(2)))) {
      int r = *rank;
      const std::string first = SourceNode(t, l.source);
      if (first.empty()) continue;
      if (!t.ranks.count(r)) t.ranks[r].node = first;
      ComponentHint& h = t.ranks[r];
      if (h.node == first && h.gpu < 0 && per_node > 0) h.gpu = r % per_node;
    }
  }
  // Bus ids nvidia-smi pairs with GPU indices in a log (SmiBusIndices), on the log's node; the
  // topology's and DCGM's pairs stand (RG11). PLC20: that holds against a node's pairs too: a bus the
  // case's node-independent map (topology.gpu_pci_bus, DCGM labels) gives another index is not
  // renumbered by nvidia-smi's table - run inside a container (`kubectl exec POD -- nvidia-smi`) it
  // counts the pod's GPUs from 0 (before, that table's "0, 00000000:9A:00.0" put the host's gpu4's
  // AER lines on gpu0).
  const std::vector<std::pair<std::string, int>> case_buses(t.pci_to_gpu.begin(), t.pci_to_gpu.end());
  auto case_maps_elsewhere = [&](const std::string& bus, int gpu) {
    const int mapped = PciGpu(case_buses, bus);
    return mapped >= 0 && mapped != gpu;
  };
  for (const CaseLog& l : c.logs) {
    const std::string node = SourceNode(t, l.source);
    for (const auto& [bus, gpu] : SmiBusIndices(l)) {
      if (case_maps_elsewhere(bus, gpu)) continue;
      if (node.empty()) t.pci_to_gpu.emplace(bus, gpu);
      else t.node_pci_to_gpu.emplace(std::make_pair(node, bus), gpu);
    }
  }
  t.gathered_sources = GatheredSources(c.logs, t);
  t.per_node_launcher = std::any_of(c.logs.begin(), c.logs.end(), [](const CaseLog& l) { return PerNodeLauncher(l); });
  t.srun_task_nodes = SrunTaskNodes(c.logs, t);
  t.launcher_sources = LauncherSources(c.logs, t);
  t.ssh_nodes = SshNodes(c.logs, t);
  t.ssh_elsewhere = SshElsewhere(c.logs, t);
  t.dshbak_hosts = DshbakHostsByLog(c.logs);
  t.uuid_gpu = UuidGpus(c, t);
  for (const auto& [node, g] : GpuIdTies(c, t)) {  // nvidia-smi's query table and -q blocks (RG17)
    if (!g.bus.empty() && case_maps_elsewhere(g.bus, g.index)) continue;  // a container's index (PLC20)
    if (!g.bus.empty()) t.node_pci_to_gpu.emplace(std::make_pair(node, g.bus), g.index);
    if (!g.uuid.empty()) t.uuid_gpu.emplace(g.uuid, std::make_pair(node, g.index));
    if (!g.serial.empty()) t.serial_gpu.emplace(g.serial, std::make_pair(node, g.index));
  }
  t.pid_ranks = PidRanks(c, t);
  t.pid_gpus = XidPidGpus(c, t);
  t.visible_devices = VisibleDeviceMaps(c, t);
  // Serving engines' worker prefixes (PLC21): the lines are read for them only when one carries one.
  bool serving = false;
  for (size_t li = 0; li < c.logs.size() && !serving; ++li) {
    for (const LogLine& l : c.logs[li].lines) {
      if (MayNameServingWorker(l.text) && ServingWorkerOf(l.text)) {
        serving = true;
        break;
      }
    }
  }
  if (serving) {
    for (const CaseLog& log : c.logs) {
      for (const LogLine& l : log.lines) t.serving.AddLine(l.text);
    }
  }
  return t;
}


// The host of pdsh's "host: " label at the start of `line` as the case's node (CaseNodes), and
// the label's length; "" when the line carries none or the host is no node of the case. Defined
// with the launcher labels below.
std::string PdshNodeOf(const std::string& line, const Topology& t, size_t* label_length);

// `nvidia-smi --query-gpu=... --format=csv` output in a log: a header naming query fields
// ("index, temperature.gpu, power.draw [W], clocks_throttle_reasons.sw_power_cap, ...") and one
// row per GPU. Each row becomes one sample of the DCGM series the pack's conditions are written
// over (the throttle-reason columns are folded into DCGM_FI_DEV_CLOCK_THROTTLE_REASONS bits),
// labelled {Hostname (from the log source), gpu (the index column)}. Rows without an index
// column, or whose column count differs from the header's, are skipped.
// Since RL3: with `--format=csv,noheader` there is no header row; the pasted command line's
// `--query-gpu=index,temperature.gpu,...` list names the columns instead. And rows run on many
// nodes at once by pdsh carry its "host: " label (`pdsh -w gpu-[01-08] nvidia-smi ...` ->
// "gpu-06: 5, 89, 1245 MHz, Active, ..."): in a log LauncherSources reads as pdsh-labelled, each
// row is that host's (Hostname), the label removed before the columns are split.
std::vector<TimeSeries> SeriesFromSmiCsv(const DiagnosisCase& c, const Topology& topo) {
  struct Column {
    const char* field;
    const char* metric;  // nullptr: a throttle-reason bit
    int bit;
  };
  static const Column kColumns[] = {
      {"temperature.gpu", "DCGM_FI_DEV_GPU_TEMP", 0},
      {"temperature.memory", "DCGM_FI_DEV_MEMORY_TEMP", 0},
      {"power.draw", "DCGM_FI_DEV_POWER_USAGE", 0},
      {"power.limit", "DCGM_FI_DEV_POWER_MGMT_LIMIT", 0},
      {"clocks.sm", "DCGM_FI_DEV_SM_CLOCK", 0},
      {"clocks.current.sm", "DCGM_FI_DEV_SM_CLOCK", 0},
      {"utilization.gpu", "DCGM_FI_DEV_GPU_UTIL", 0},
      {"ecc.errors.uncorrected.volatile.total", "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", 0},
      {"pcie.link.gen.current", "DCGM_FI_DEV_PCIE_LINK_GEN", 0},
      {"pcie.link.gen.max", "DCGM_FI_DEV_PCIE_MAX_LINK_GEN", 0},
      {"pcie.link.width.current", "DCGM_FI_DEV_PCIE_LINK_WIDTH", 0},
      {"pcie.link.width.max", "DCGM_FI_DEV_PCIE_MAX_LINK_WIDTH", 0},
      {"sw_power_cap", nullptr, 4},
      {"hw_slowdown", nullptr, 8},
      {"sw_thermal_slowdown", nullptr, 32},
      {"hw_thermal_slowdown", nullptr, 64},
      {"hw_power_brake_slowdown", nullptr, 128},
      // The whole bit field in one column, as nvidia-smi prints it ("0x0000000000000060") (RG12).
      {"active", nullptr, -1},
  };
  auto split = [](const std::string& line) {
    std::vector<std::string> out;
    std::stringstream ss(line);
    for (std::string f; std::getline(ss, f, ',');) {
      size_t a = f.find_first_not_of(" \t"), b = f.find_last_not_of(" \t\r");
      out.push_back(a == std::string::npos ? "" : f.substr(a, b - a + 1));
    }
    return out;
  };
  std::vector<TimeSeries> out;
  for (const CaseLog& log : c.logs) {
    const std::string source_node = SourceNode(topo, log.source);
    auto launcher = topo.launcher_sources.find(log.source);
    const bool pdsh = launcher != topo.launcher_sources.end() && launcher->second == kPdshHost;
    std::vector<const Column*> cols;  // per header field (nullptr: not read)
    int index_col = -1;
    // Keyed by metric, node ("" when unknown) and GPU: a pdsh'd sweep holds rows of many nodes.
    std::map<std::tuple<std::string, std::string, int>, TimeSeries> by_metric_gpu;
    std::map<std::pair<std::string, int>, int64_t> throttle;  // (node, gpu) -> bits
    bool has_reasons = false;
    // `pdsh ... | dshbak -c` prints each host's output as a block under a "----------------" /
    // host / "----------------" banner instead of a label on each line (review RV-RL3: its rows
    // were read as one node-less series per GPU index, n-2's GPU 5 and n-3's GPU 5 as two samples
    // of one GPU). 0: no banner seen; 1: after an opening dash line; 2: after the host line;
    // 3: inside a block, whose rows are block_node's ("" when the banner names several hosts,
    // "n-[2-3]", or no node of the case: such rows are skipped, they would be misplaced).
    int banner = 0;
    std::string block_node;
    auto dashes = [](const std::string& t) {
      size_t a = t.find_first_not_of(" \t"), b = t.find_last_not_of(" \t\r");
      return a != std::string::npos && b - a + 1 >= 4 && t.find_first_not_of('-', a) > b;
    };
    for (size_t line_index = 0; line_index < log.lines.size(); ++line_index) {
      const LogLine& line = log.lines[line_index];
      if (line.text.size() > 2000) continue;
      if (dashes(line.text)) {
        banner = banner == 2 ? 3 : 1;
        continue;
      }
      if (banner == 1) {
        // The banner's host: one node of the case, or a compressed list of several ("n-[2-3]").
        // Anything else (a section title, a CSV header after a separator) is no banner.
        std::string host = line.text;
        host.erase(0, host.find_first_not_of(" \t"));
        host.erase(host.find_last_not_of(" \t\r") + 1);
        const bool token = !host.empty() && host.find_first_of(" \t,") == std::string::npos;
        const std::string one = token && host.find('[') == std::string::npos ? ReportedNode(host, topo.names) : "";
        if (!one.empty() || (token && host.find('[') != std::string::npos)) {
          block_node = one;
          banner = 2;
          continue;
        }
        banner = 0;
      }
      if (banner == 2) banner = 0;  // "----" and a host, no closing "----": no banner
      std::string text = line.text;
      std::string node = banner == 3 ? block_node : source_node;
      if (const std::string& ssh = SshNodeOfLine(topo, log, line_index); !ssh.empty()) node = ssh;
      if (banner == 3 && block_node.empty() && text.find("index") == std::string::npos) continue;
      if (pdsh) {
        size_t label = 0;
        std::string host = PdshNodeOf(text, topo, &label);
        if (!host.empty()) {
          node = host;
          text = text.substr(label);
        }
      }
      std::vector<std::string> f;
      if (size_t q = text.find("--query-gpu="); q != std::string::npos) {
        std::string list = text.substr(q + 12);
        // Quoted or not: --query-gpu="index,temperature.gpu" / --query-gpu='...' (review RV-RL3:
        // the quoted list was cut at its opening quote, so no column was named).
        if (!list.empty() && (list[0] == '"' || list[0] == '\'')) list.erase(0, 1);
        list = list.substr(0, list.find_first_of(" \t'\""));
        f = split(list);
      } else {
        f = split(text);
      }
      if (text.find("index") != std::string::npos && f.size() >= 2) {
        std::vector<const Column*> header;
        int idx = -1;
        bool any = false;
        for (size_t i = 0; i < f.size(); ++i) {
          std::string name = AsciiLower(f[i].substr(0, f[i].find(' ')));
          if (name == "index") idx = static_cast<int>(i);
          const Column* hit = nullptr;
          for (const Column& col : kColumns) {
            std::string field = col.field;
            bool match = col.metric ? name == field
                                    : (name.rfind("clocks_throttle_reasons.", 0) == 0 ||
                                       name.rfind("clocks_event_reasons.", 0) == 0) &&
                                          name.substr(name.find('.') + 1) == field;
            if (match) hit = &col;
          }
          any = any || hit != nullptr;
          header.push_back(hit);
        }
        if (idx >= 0 && any) {
          cols = header;
          index_col = idx;
        }
        continue;
      }
      if (index_col < 0 || f.size() != cols.size() || !IsNumber(f[index_col])) continue;
      std::optional<int32_t> parsed_gpu = ParseInt32(f[index_col]);
      if (!parsed_gpu) continue;  // an index no GPU has: the row says nothing about a GPU
      int gpu = *parsed_gpu;
      int64_t t = c.alert ? c.alert->starts_at_ms : 0;
      for (size_t i = 0; i < f.size(); ++i) {
        if (cols[i] == nullptr) continue;
        if (cols[i]->metric == nullptr) {
          has_reasons = true;
          std::string v = AsciiLower(f[i]);
          if (cols[i]->bit < 0) {  // the bit field: hex with "0x", else decimal; "[N/A]" is none
            const bool hex = v.rfind("0x", 0) == 0;
            const std::string digits = hex ? v.substr(2) : v;
            const bool valid = !digits.empty() && digits.size() <= (hex ? 16u : 19u) &&
                               digits.find_first_not_of(hex ? "0123456789abcdef" : "0123456789") == std::string::npos;
            if (!valid) continue;
            const uint64_t bits = std::stoull(digits, nullptr, hex ? 16 : 10);
            throttle[{node, gpu}] |= static_cast<int64_t>(bits & 0xffffffffu);
            continue;
          }
          if (v == "active" || v == "0x1" || v == "1") throttle[{node, gpu}] |= cols[i]->bit;
          else throttle.emplace(std::make_pair(node, gpu), 0);
          continue;
        }
        char* end = nullptr;
        double value = std::strtod(f[i].c_str(), &end);
        if (end == f[i].c_str()) continue;  // "[N/A]", "[Not Supported]"
        TimeSeries& s = by_metric_gpu[{cols[i]->metric, node, gpu}];
        if (s.name.empty()) {
          s.name = cols[i]->metric;
          s.labels["source"] = log.source;
          if (!node.empty()) s.labels["Hostname"] = node;
          s.labels["gpu"] = std::to_string(gpu);
        }
        (void)s.Append(t + static_cast<int64_t>(s.size()) * 1000, value);
      }
    }
    if (has_reasons) {
      for (const auto& [node_gpu, bits] : throttle) {
        const auto& [node, gpu] = node_gpu;
        TimeSeries& s = by_metric_gpu[{"DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", node, gpu}];
        s.name = "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS";
        s.labels["source"] = log.source;
        if (!node.empty()) s.labels["Hostname"] = node;
        s.labels["gpu"] = std::to_string(gpu);
        (void)s.Append(c.alert ? c.alert->starts_at_ms : 0, static_cast<double>(bits));
      }
    }
    for (auto& [key, s] : by_metric_gpu) out.push_back(std::move(s));
  }
  return out;
}

// `nvidia-smi -q` output in a log: per-GPU sections ("GPU 00000000:3B:00.0") with multi-line
// values ("PCIe Generation" / "Max : 5" / "Current : 1", "Link Width" / "Max : 16x" / "Current :
// 4x", "GPU Current Temp : 91 C"). Each value becomes a one-sample series of the DCGM field the
// pack's conditions use, labelled {source, Hostname, gpu (from the bus id via the topology; left
// out when the bus id is not in it), snapshot="1"}: a snapshot is one reading, not a history, so
// a condition holding on it is not "the normal state since the first sample".
std::vector<TimeSeries> SeriesFromSmiQuery(const DiagnosisCase& c, const Topology& topo) {
  static const std::regex kHeader(R"(^\s*GPU ([0-9a-fA-F]{4,8}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-9])\s*$)");
  static const std::regex kValue(R"(^(\s*)([A-Za-z][A-Za-z ]*?)\s*:\s*(\d+(?:\.\d+)?)\s*(x|C)?\s*$)");
  static const std::regex kSub(R"(^(\s*)(PCIe Generation|Link Width)\s*$)");
  std::vector<TimeSeries> out;
  for (const CaseLog& log : c.logs) {
    std::string node = SourceNode(topo, log.source);
    bool in_gpu = false;
    int gpu = -1;
    std::string sub;
    size_t sub_indent = 0;
    std::optional<std::map<std::string, int>> smi_indices;
    for (const LogLine& line : log.lines) {
      if (line.text.size() > 300) continue;
      std::smatch m;
      if (std::regex_match(line.text, m, kHeader)) {
        in_gpu = true;
        gpu = -1;
        sub.clear();
        gpu = TopologyPciGpu(topo, node, PciKey(m.str(1)));
        if (gpu < 0) {
          // The bus id's index from nvidia-smi's own rows in the same paste (`--query-gpu=index,
          // pci.bus_id`; RG27), as the NVRM line's GPU is found.
          if (!smi_indices) smi_indices = SmiBusIndices(log);
          auto it = smi_indices->find(PciKey(m.str(1)));
          if (it != smi_indices->end()) gpu = it->second;
        }
        continue;
      }
      if (!in_gpu) continue;
      if (std::regex_match(line.text, m, kSub)) {
        sub = m.str(2);
        sub_indent = m.str(1).size();
        continue;
      }
      if (!std::regex_match(line.text, m, kValue)) {
        if (!sub.empty() && line.text.find_first_not_of(" \t") <= sub_indent) sub.clear();
        continue;
      }
      if (!sub.empty() && m.str(1).size() <= sub_indent) sub.clear();
      std::string name = m.str(2);
      // `nvidia-smi -q -d PCIE | grep -E 'Max|Current'` drops the "PCIe Generation" / "Link Width"
      // headings (RG27): a bare Max / Current reading of `16x` is a link width, one of a whole
      // number from 1 to 6 a PCIe generation (no other -q field prints a bare Max / Current so).
      std::string grep_sub = sub;
      if (grep_sub.empty() && (name == "Max" || name == "Current")) {
        if (m.str(4) == "x") {
          grep_sub = "Link Width";
        } else if (!m[4].matched && m.str(3).find('.') == std::string::npos) {
          std::optional<int32_t> g = ParseInt32(m.str(3));
          if (g && *g >= 1 && *g <= 6) grep_sub = "PCIe Generation";
        }
      }
      const std::string& sub_of = grep_sub;
      const char* metric = nullptr;
      if (sub_of == "PCIe Generation" && name == "Max") metric = "DCGM_FI_DEV_PCIE_MAX_LINK_GEN";
      else if (sub_of == "PCIe Generation" && (name == "Current" || name == "Device Current")) metric = "DCGM_FI_DEV_PCIE_LINK_GEN";
      else if (sub_of == "Link Width" && name == "Max") metric = "DCGM_FI_DEV_PCIE_MAX_LINK_WIDTH";
      else if (sub_of == "Link Width" && (name == "Current" || name == "Device Current")) metric = "DCGM_FI_DEV_PCIE_LINK_WIDTH";
      else if (name == "GPU Current Temp") metric = "DCGM_FI_DEV_GPU_TEMP";
      std::optional<double> reading = ParseDouble(m.str(3));
      if (metric == nullptr || !reading) continue;  // a reading beyond double's range is no reading
      bool dup = false;
      for (const TimeSeries& s : out) {
        dup = dup || (s.name == metric && s.labels.at("source") == log.source &&
                      (gpu < 0 ? !s.labels.count("gpu") : s.labels.count("gpu") && s.labels.at("gpu") == std::to_string(gpu)));
      }
      if (dup) continue;  // "Device Current" after "Current": the first reading stands
      TimeSeries s;
      s.name = metric;
      s.labels["source"] = log.source;
      s.labels["snapshot"] = "1";
      if (!node.empty()) s.labels["Hostname"] = node;
      if (gpu >= 0) s.labels["gpu"] = std::to_string(gpu);
      (void)s.Append(c.alert ? c.alert->starts_at_ms : 0, *reading);
      out.push_back(std::move(s));
    }
  }
  return out;
}

// MoE routers log tokens per expert as a list ("token distribution across experts (layer 10):
// [120443, 3312, ...]", "tokens per expert layer=3: [..]"). Each list becomes samples of
// `moe_expert_tokens` labelled {source, Hostname, layer, expert} (layer "0" when not named), the
// series the pack's imbalance conditions (max by (layer) > k * avg by (layer)) are written over.
std::vector<TimeSeries> SeriesFromExpertCounts(const DiagnosisCase& c, const Topology& topo) {
  static const FilteredRegex kList(R"(\[\s*(\d+(?:\s*,\s*\d+){3,})\s*\])", /*icase=*/false);
  static const FilteredRegex kLayer(R"(\blayer[\s:=#_]*(\d+))", /*icase=*/true);
  static const FilteredRegex kExpert(R"(expert)", /*icase=*/true);
  std::map<std::tuple<std::string, std::string, int>, TimeSeries> by_key;
  for (const CaseLog& log : c.logs) {
    std::string node = SourceNode(topo, log.source);
    int64_t last_t = 0;
    for (const LogLine& line : log.lines) {
      if (line.text.size() > 4000 || !kExpert.Search(line.text)) continue;
      std::smatch m;
      if (!kList.Search(line.text, m)) continue;
      int64_t t = LineTimeMs(line.text, topo.clock);
      if (t == kNoTime || t <= last_t) t = last_t + 1000;
      last_t = t;
      std::smatch lm;
      std::string layer = kLayer.Search(line.text, lm) ? lm.str(1) : "0";
      std::stringstream ss(m.str(1));
      int expert = 0;
      for (std::string v; std::getline(ss, v, ','); ++expert) {
        TimeSeries& s = by_key[{log.source, layer, expert}];
        if (s.name.empty()) {
          s.name = "moe_expert_tokens";
          s.labels = {{"source", log.source}, {"layer", layer}, {"expert", std::to_string(expert)}};
          if (!node.empty()) s.labels["Hostname"] = node;
        }
        (void)s.Append(t, std::strtod(v.c_str(), nullptr));
      }
    }
  }
  std::vector<TimeSeries> out;
  for (auto& [key, s] : by_key) out.push_back(std::move(s));
  return out;
}

// DCGM fields renamed across versions (core/metric_renames.h): the pack's conditions use the older name.
void AddFieldAliases(std::vector<TimeSeries>& series) {
  size_t n = series.size();
  for (size_t i = 0; i < n; ++i) {
    const std::string_view older = OlderMetricName(series[i].name);
    if (older.empty()) continue;
    TimeSeries copy = series[i];
    copy.name = std::string(older);
    series.push_back(std::move(copy));
  }
  // An InfiniBand error counter exported as one series with the error's kind in a label
  // (`node_infiniband_port_errors_total{error="symbol"}`, `{type="SymbolErrorCounter"}`) is the
  // pack's named counter of that kind (PLC11, holdout9 z020: a port counting ten thousand symbol
  // errors was no evidence). Kinds that are no link error (VL15 drops, discards) are not read.
  static const std::map<std::string, std::string> kIbKinds = {
      {"symbol", "node_infiniband_symbol_error_total"},
      {"linkdowned", "node_infiniband_link_downed_total"},
      {"linkerrorrecovery", "node_infiniband_link_error_recovery_total"},
      {"portrcv", "node_infiniband_port_errors_received_total"},
      {"received", "node_infiniband_port_errors_received_total"},
      {"rcv", "node_infiniband_port_errors_received_total"},
      {"locallinkintegrity", "node_infiniband_local_link_integrity_errors_total"},
  };
  // A RoCE NIC's Ethernet side, which node_exporter reads as a network device: its carrier changes
  // (node_network_carrier_changes_total: each link down and up) and its PHY's symbol errors
  // (ethtool's rx_symbol_err_phy) are the RDMA port's link-downed and symbol-error counters when the
  // series names the RDMA device it backs (an `ib_device` / `rdma_device` / `hca` label, as a
  // relabelling that ties netdevs to HCAs adds): the pack's conditions then read the port (PLC32,
  // realistic34 rl34-11: mlx5_4's carrier flapping was no evidence).
  static const std::map<std::string, std::string> kNetdevOfHca = {
      {"node_network_carrier_changes_total", "node_infiniband_link_downed_total"},
      {"node_ethtool_rx_symbol_err_phy", "node_infiniband_symbol_error_total"},
      {"node_ethtool_rx_symbol_errors_phy", "node_infiniband_symbol_error_total"},
  };
  for (size_t i = 0; i < n; ++i) {
    auto as = kNetdevOfHca.find(series[i].name);
    if (as == kNetdevOfHca.end()) continue;
    for (const char* key : {"ib_device", "rdma_device", "hca"}) {
      auto label = series[i].labels.find(key);
      if (label == series[i].labels.end() || label->second.empty()) continue;
      TimeSeries copy = series[i];
      copy.name = as->second;
      copy.labels["netdev"] = copy.labels["device"];
      copy.labels["device"] = label->second;
      copy.labels.erase(key);
      series.push_back(std::move(copy));
      break;
    }
  }
  for (size_t i = 0; i < n; ++i) {
    const std::string& name = series[i].name;
    if (name != "node_infiniband_port_errors_total" && name != "node_infiniband_errors_total") continue;
    for (const char* key : {"error", "type", "counter"}) {
      auto label = series[i].labels.find(key);
      if (label == series[i].labels.end()) continue;
      std::string kind;  // letters only, lower case, without a trailing "counter" / "errors" / "error"
      for (char ch : label->second) {
        if (std::isalpha(static_cast<unsigned char>(ch))) kind += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      }
      for (const char* tail : {"counter", "errors", "error"}) {
        const size_t len = std::strlen(tail);
        if (kind.size() > len && kind.compare(kind.size() - len, len, tail) == 0) kind.erase(kind.size() - len);
      }
      auto it = kIbKinds.find(kind);
      if (it == kIbKinds.end()) continue;
      TimeSeries copy = series[i];
      copy.name = it->second;
      copy.labels.erase(key);
      series.push_back(std::move(copy));
      break;
    }
  }
}

// Whether `series` was read from a table pasted into one of the case's logs (SeriesFromSmiCsv,
// SeriesFromSmiQuery and SeriesFromExpertCounts label their series with the log's `source`).
// PastedReadingWithoutTime: such a series' hit at `time_ms` that carries no time of its own (with
// no alert to date them, their samples are placed at the epoch). Such a reading is the state
// someone saw when they looked, untimed like the untimed lines beside it. Before (RG22), its 1970 time was the earliest of all the evidence, so a
// `--query-gpu=...,ecc.errors.uncorrected.volatile.total` row made the ECC errors "come first",
// and a failed row remap (Xid 64 and "Remapping Failure Occurred : Yes" in the same paste) could
// not explain them (realistic19 rl19-01).
bool PastedReading(const DiagnosisCase& c, const TimeSeries& series) {
  auto source = series.labels.find("source");
  if (source == series.labels.end()) return false;
  return std::any_of(c.logs.begin(), c.logs.end(), [&](const CaseLog& l) { return l.source == source->second; });
}

bool PastedReadingWithoutTime(const DiagnosisCase& c, const TimeSeries& series, int64_t time_ms) {
  constexpr int64_t kYear2000Ms = 946684800000;  // no real sample of a GPU cluster is older
  return time_ms < kYear2000Ms && PastedReading(c, series);
}

// A `Name : Not Active` / `Name : No` row of a tool's report (`nvidia-smi -q`'s clocks event
// reasons, its row remapper's "Remapping Failure Occurred : No"): the tool saying that state is
// absent. Its words are those of the state's incident, but it reads like none: before (RG22), "SW
// Thermal Slowdown : Not Active" under a slow rank's GPU recalled the thermal-slowdown incident and
// outweighed the straggler (realistic19 rl19-14).
bool NegatedStateRow(const std::string& line) {
  static const std::regex r(R"(^\s*[A-Za-z][A-Za-z0-9 ./()_-]*?\s*:\s*(?:Not Active|No)\s*$)");
  return line.size() < 200 && std::regex_match(line, r);
}

// `count(` / `count by (...) (` / `count without (...) (` in a metric condition.
const std::regex& CountAggregationRegex() {
  static const std::regex r(R"(\bcount\s*(?:(?:by|without)\s*\([^)]*\)\s*)?\()");
  return r;
}

// Whether a metric condition's hit is a hardware Xid read from dcgm-exporter's Xid field
// (DCGM_FI_DEV_XID_ERRORS: its value is the last Xid the GPU raised, the code itself): the driver's
// same report as the kernel log's "NVRM: Xid (PCI:...): 79" line, and it weighs as that line does
// (kFirstSignatureWeight) for the GPU hardware categories. At kMetricWeight an Xid 79 on the GPU
// whose series then stop weighed as much as two symbol errors on another node's HCA and less than
// one watchdog line, and the hang the lost GPU caused was the answer (RG7: realistic10 rl10-26).
// Application Xids (13, 31, 43, 45) keep the metric weight: the categories decide.
// Only an Xid that appears in the window (`onset`: the condition first holds after the first sample)
// weighs as a fresh kernel-log line: the field keeps the last Xid until the next one or the
// exporter's restart, so a value that already stands at the window's first sample may be
// yesterday's incident, fixed by a reboot, and keeps the metric weight (review RV-RG7: a GPU
// working at 97 % with a constant 79 through the window answered gpu_fallen_off_bus over the hang).
bool HardwareXidSeriesHit(const std::string& category, const TimeSeries& series, double value, bool onset) {
  if (!onset) return false;
  static const std::set<std::string> kHardware = {"gpu_fallen_off_bus", "gpu_memory_uncorrectable_ecc",
                                                  "gpu_row_remap_failure", "gpu_firmware_error", "nvlink_error"};
  return series.name == "DCGM_FI_DEV_XID_ERRORS" && kHardware.count(category) && std::isfinite(value) && value >= 1 &&
         value == std::floor(value);
}

// Training exporters have no standard names for MoE router statistics: the pack's conditions name
// `moe_dropped_token_fraction`, `moe_expert_tokens` and `moe_aux_loss`, while exporters write
// `moe_tokens_dropped_ratio`, `megatron_moe_dropped_token_ratio`, `moe_tokens_per_expert`,
// `train_moe_expert_tokens_per_step`, `router_aux_loss` ... (RG7: realistic10 rl10-21 stayed
// unknown over `moe_tokens_dropped_ratio` 0.01 -> 0.37). A series is read under the pack's name when
// its name's words ("_"-separated, lower case) say the same concept:
//  - dropped tokens as a fraction: an MoE word (moe, expert, router), a drop word (drop, dropped,
//    drops) and a token word, ending in a fraction unit (fraction, frac, ratio, share);
//  - tokens per expert: moe or expert, a token word and an expert word, and nothing that makes it
//    another quantity (a ratio, share, max, mean, seconds, bytes, a drop, a fraction);
//  - the balancing loss: "aux" and "loss" with an MoE word, or "load_balancing_loss".
// The empty string: no MoE concept (a name that already is the pack's is left as it is).
std::string MoeAliasOf(const std::string& name) {
  static const std::set<std::string> kPack = {"moe_dropped_token_fraction", "moe_expert_tokens", "moe_aux_loss"};
  if (name.size() > 200 || kPack.count(name)) return "";
  std::vector<std::string> words;
  std::string w;
  for (char ch : name) {
    if (ch == '_' || ch == ':' || ch == '.') {
      if (!w.empty()) words.push_back(w);
      w.clear();
    } else {
      w += AsciiToLower(ch);
    }
  }
  if (!w.empty()) words.push_back(w);
  auto has = [&words](std::initializer_list<const char*> any) {
    for (const std::string& x : words) {
      for (const char* a : any) {
        if (x == a) return true;
      }
    }
    return false;
  };
  if (words.empty()) return "";
  // A histogram's buckets (`moe_tokens_per_expert_bucket{le=...}`) count observations by bucket,
  // not the quantity (review RV-RG7); its `_sum` / `_count` are left out in AddMoeAliases.
  if (words.back() == "bucket") return "";
  const bool moe = has({"moe", "expert", "experts", "router"});
  const bool token = has({"token", "tokens"});
  const bool drop = has({"drop", "dropped", "drops"});
  const std::string& last = words.back();
  const bool fraction_unit = last == "fraction" || last == "frac" || last == "ratio" || last == "share";
  if (moe && drop && token && fraction_unit) return "moe_dropped_token_fraction";
  if (has({"moe", "expert", "experts"}) && token && has({"expert", "experts"}) && !drop &&
      !has({"ratio", "share", "fraction", "frac", "max", "min", "mean", "avg", "seconds", "bytes", "total", "std",
            "cv", "percent", "pct"})) {
    return "moe_expert_tokens";
  }
  if ((has({"aux"}) && has({"loss"}) && moe) || name.find("load_balancing_loss") != std::string::npos) {
    return "moe_aux_loss";
  }
  return "";
}

// Copies of the series whose names MoeAliasOf reads as a pack MoE name, under that name, unless the
// case already has a series of that name (the exporter's own pack-named series stands).
void AddMoeAliases(std::vector<TimeSeries>& series) {
  std::set<std::string> present;
  for (const TimeSeries& s : series) present.insert(s.name);
  // A histogram's or summary's parts: a series with an `le` / `quantile` label, or a `_sum` /
  // `_count` beside the same base name's `_bucket` or the other part (review RV-RG7: the buckets of
  // `moe_tokens_per_expert` met `max by (layer) (moe_expert_tokens) > 3 * avg ...` on a healthy run).
  auto histogram_part = [&present](const TimeSeries& s) {
    if (s.labels.count("le") || s.labels.count("quantile")) return true;
    for (const char* suffix : {"_sum", "_count"}) {
      const std::string sfx = suffix;
      if (s.name.size() <= sfx.size() || s.name.compare(s.name.size() - sfx.size(), sfx.size(), sfx) != 0) continue;
      const std::string base = s.name.substr(0, s.name.size() - sfx.size());
      std::string other = base;
      other += sfx == "_sum" ? "_count" : "_sum";
      std::string bucket = base;
      bucket += "_bucket";
      if (present.count(other) || present.count(bucket)) return true;
    }
    return false;
  };
  const size_t n = series.size();
  for (size_t i = 0; i < n; ++i) {
    if (histogram_part(series[i])) continue;
    const std::string alias = MoeAliasOf(series[i].name);
    if (alias.empty() || present.count(alias)) continue;
    TimeSeries copy = series[i];
    copy.name = alias;
    series.push_back(std::move(copy));
  }
}

// A counter's mean rate over the window, per second: the sum of its increases (a reset, a drop,
// counts as no increase) over the time its samples span. nullopt with fewer than two samples or no
// time between them.
std::optional<double> CounterRatePerS(const TimeSeries& s) {
  if (s.size() < 2 || s.timestamps_ms.back() <= s.timestamps_ms.front()) return std::nullopt;
  double sum = 0;
  for (size_t i = 1; i < s.size(); ++i) {
    const double d = s.values[i] - s.values[i - 1];
    if (std::isfinite(d) && d > 0) sum += d;
  }
  // In double: sample times at the ends of int64 would overflow the difference (SAN2).
  return sum * 1000.0 / (static_cast<double>(s.timestamps_ms.back()) - static_cast<double>(s.timestamps_ms.front()));
}

// A counter condition (an increase() / rate() over a per-GPU error counter) that holds on several
// GPUs of one node, where one or a few GPUs' counters climb at kCounterOutlierFactor times the
// node's median rate or more: the GPUs near the median show the node's background rate (NVLink CRC
// flit errors tick at about 1/s on healthy H200 links, so `increase(...[10m]) > 100` holds on all
// eight), the outliers are the fault. Keeps only the outliers' hits of that node, so the component
// is their GPU, not the node (RG7: realistic10 rl10-05, gpu 6 at ~4,000/s with recovery errors
// beside seven GPUs at ~1/s was placed on the whole node). A node with no outlier keeps every hit.
// Returns the outliers' series: a counter that runs at 10x its node's peers is a finding of its own
// and weighs as a metric hit even when another series of the category came first (review RV-RG7:
// at kExtraMetricWeight rl10-05's answer fell from 0.81 to 0.42, read as "suspected", with gpu 6's
// CRC errors at ~4,000/s beside peers at ~1/s and its recovery errors).
constexpr double kCounterOutlierFactor = 10;
std::set<const TimeSeries*> KeepCounterOutliers(const std::string& pattern, const std::vector<TimeSeries>& series,
                                                std::vector<MetricConditionHit>* hits) {
  if (hits->size() < 3 || (pattern.find("increase(") == std::string::npos && pattern.find("rate(") == std::string::npos)) {
    return {};
  }
  std::map<std::pair<std::string, std::string>, int> hit_count;  // (name, node) -> per-GPU hits
  for (const MetricConditionHit& h : *hits) {
    const std::string node = NodeOf(h.series->labels);
    if (!node.empty() && GpuOf(h.series->labels) >= 0) ++hit_count[{h.series->name, node}];
  }
  std::set<const TimeSeries*> background;
  std::set<const TimeSeries*> outlier_series;
  for (const auto& [key, n] : hit_count) {
    if (n < 3) continue;
    std::vector<std::pair<const TimeSeries*, double>> rates;
    for (const TimeSeries& ts : series) {
      if (ts.name != key.first || NodeOf(ts.labels) != key.second || GpuOf(ts.labels) < 0) continue;
      if (std::optional<double> r = CounterRatePerS(ts)) rates.push_back({&ts, *r});
    }
    if (rates.size() < 3) continue;
    std::vector<double> values;
    for (const auto& [ts, r] : rates) values.push_back(r);
    std::sort(values.begin(), values.end());
    const double median = values[values.size() / 2];
    if (!(median > 0)) continue;
    size_t outliers = 0;
    for (const auto& [ts, r] : rates) outliers += r >= kCounterOutlierFactor * median;
    if (outliers == 0 || outliers * 2 >= rates.size()) continue;
    for (const auto& [ts, r] : rates) {
      if (r < kCounterOutlierFactor * median) {
        background.insert(ts);
      } else {
        outlier_series.insert(ts);
      }
    }
  }
  if (background.empty()) return {};
  std::vector<MetricConditionHit> kept;
  for (const MetricConditionHit& h : *hits) {
    if (!background.count(h.series)) kept.push_back(h);
  }
  *hits = std::move(kept);
  return outlier_series;
}

// Whether a collective hang has evidence other than knowledge-base recall: an observation of any
// other kind (a log line, a metric condition, the alert, a probe) that supports it.
template <typename B>
bool HangShownFirstHand(const B& beliefs) {
  for (const auto& o : beliefs.observations()) {
    auto it = o.deltas.find("nccl_collective_hang");
    if (it != o.deltas.end() && it->second > 0 && o.evidence.kind != EvidenceKind::kKnowledge) return true;
  }
  return false;
}

// The monitoring stack's programs, systemd units and pods, one list for MonitoringStackLine (a
// program's syslog tag, a pod) and MonitoringUnitOfLine (a unit's state, a container's restarts)
// (RG9: two lists had drifted apart): GPU exporters (dcgm-exporter, nvidia_gpu_exporter, DCGM's
// host engine nv-hostengine / the nvidia-dcgm unit that dcgm-exporter reads), node_exporter,
// ipmi_exporter, any other *-exporter / *_exporter, kube-state-metrics, Prometheus and its
// components, promtail, alertmanager, grafana-agent, fluent-bit / fluentd, the OpenTelemetry
// collector. A regex without groups, matched case-insensitively.
const std::string& MonitoringNamesPattern() {
  static const std::string kNames =
      R"((?:nvidia[-_])?(?:dcgm(?:[-_]exporter)?|nv-hostengine)|node[-_]exporter|ipmi[-_]exporter|)"
      R"(nvidia[-_]gpu[-_]exporter|kube-state-metrics|prometheus(?:[-_][\w-]+)?|promtail|alertmanager|)"
      R"(grafana-agent|fluent-bit|fluentd|otel-?collector|[\w-]+[-_]exporter)";
  static const std::string kGroup = [] {
    std::string g = "(?:";
    g += kNames;
    g += ")";
    return g;
  }();
  return kGroup;
}

// Whether line `ki` of `log` is the monitoring stack's own output, not the workload's: a program
// tag of an exporter / collector in a syslog line ("dcgm-exporter[3120]:", "node_exporter[88]:",
// "promtail[..]:"), the kubelet about one of their pods ("Error syncing pod, skipping"
// pod="gpu-operator/nvidia-dcgm-exporter-7xk2q"), or a line printed under a `kubectl logs` of such a
// pod (up to the next shell prompt).
//
// Review RV-RG7: a tag needs the program's pid ("name[pid]: ") or the place of a syslog tag (after
// "Mon dd hh:mm:ss host "), so a trainer's "metrics exported to prometheus: port 9090" is not one;
// the exporter must be the pod `kubectl logs` reads (the command before any "|"), so the output of
// "kubectl logs trainer-0 | grep -v node-exporter" is the trainer's; the kubelet's pod is read from
// its pod="..." value. The prompt line is read by literal finds: `\bkubectl\b.*\blogs?\b.*NAME` took
// 5.6 s on a 2,000-byte "$ kubectl logs kubectl logs ..." line.
bool MonitoringStackLine(const CaseLog& log, size_t ki) {
  const std::string& kNames = MonitoringNamesPattern();
  auto joined = [&](const char* before, const char* after) {
    std::string r = before;
    r += "(";
    r += kNames;
    r += ")";
    r += after;
    return r;
  };
  static const std::regex kTag(joined(R"((?:^|\s))", R"(\[\d+\]:\s)"), std::regex::icase);
  static const std::regex kSyslogTag(
      joined(R"(^(?:[A-Z][a-z]{2} {1,2}\d{1,2} \d{2}:\d{2}:\d{2}|\[\s*\d+\.\d+\]) [^ ]+ )", R"(:\s)"));
  static const std::regex kName(kNames, std::regex::icase);
  if (ki >= log.lines.size()) return false;
  const std::string& text = log.lines[ki].text;
  if (text.size() > 2000) return false;
  // DCGM's host engine (nv-hostengine, the nvidia-dcgm unit) is of the list for its unit's state
  // (MonitoringUnitOfLine), but its own lines are its health watch's reports of GPU faults ("Health:
  // GPU 2 XID error 13 detected"): evidence like the kernel's, not the monitoring stack's noise.
  auto host_engine = [](const std::string& name) {
    const std::string n = AsciiLower(name);
    return n == "dcgm" || n == "nvidia-dcgm" || n == "nvidia_dcgm" || n.find("hostengine") != std::string::npos;
  };
  std::smatch tag;
  if ((std::regex_search(text, tag, kTag) || std::regex_search(text, tag, kSyslogTag)) && !host_engine(tag.str(1))) {
    return true;
  }
  const std::string lower = AsciiLower(text);
  // The kubelet about a pod of the monitoring stack: the name inside pod="..." / pods="...".
  if (lower.find("kubelet") != std::string::npos) {
    for (const char* key : {"pod=\"", "pods=\""}) {
      for (size_t at = lower.find(key); at != std::string::npos; at = lower.find(key, at + 1)) {
        const size_t from = at + std::string(key).size();
        const size_t to = lower.find('"', from);
        const std::string value = lower.substr(from, to == std::string::npos ? std::string::npos : to - from);
        if (std::regex_search(value, kName)) return true;
      }
    }
  }
  for (size_t back = 0; back < 200 && back <= ki; ++back) {  // the command this line is output of
    const std::string& prev = log.lines[ki - back].text;
    const size_t start = prev.find_first_not_of(' ');
    if (start == std::string::npos || prev.compare(start, 2, "$ ") != 0) continue;
    if (prev.size() > 2000) return false;
    std::string cmd = AsciiLower(prev.substr(start + 2));
    cmd = cmd.substr(0, cmd.find('|'));  // the command itself, not a filter of its output
    const size_t kubectl = cmd.find("kubectl ");
    if (kubectl == std::string::npos) return false;
    const size_t logs = cmd.find(" logs ", kubectl);
    if (logs == std::string::npos) return false;
    // The pod: the first word after "logs" that is neither a flag nor a flag's value; a label
    // selector (-l app=dcgm-exporter) names the pods too.
    static const std::set<std::string> kValueFlags = {"-c", "--container", "-n", "--namespace", "--tail", "--since",
                                                      "--since-time", "--context", "--limit-bytes"};
    bool skip_value = false;
    size_t at = logs + 6;
    while (at < cmd.size()) {
      at = cmd.find_first_not_of(' ', at);
      if (at == std::string::npos) return false;
      const size_t end = std::min(cmd.find(' ', at), cmd.size());
      const std::string word = cmd.substr(at, end - at);
      at = end;
      if (skip_value) {
        skip_value = false;
        continue;
      }
      if (word == "-l" || word == "--selector") {
        const size_t v = cmd.find_first_not_of(' ', end);
        if (v == std::string::npos) return false;
        return std::regex_search(cmd.substr(v, std::min(cmd.find(' ', v), cmd.size()) - v), kName);
      }
      if (word.rfind("--selector=", 0) == 0) return std::regex_search(word, kName);
      if (kValueFlags.count(word)) {
        skip_value = true;
        continue;
      }
      if (word[0] != '-') return std::regex_search(word, kName);
    }
    return false;
  }
  return false;
}

// A monitoring-stack line (MonitoringStackLine) that "reads like" an incident votes only for a GPU
// device category: an exporter that cannot read the GPU says something about the GPU (dcgm-exporter's
// profiling module fails on a GPU that fell off the bus), never about the workload. Its fatal
// "The third-party Profiling module returned an unrecoverable error" read like Gloo's "connection
// closed" (rank_process_crash) and the kubelet's "Error syncing pod" of the exporter's pod like a
// disk-pressure eviction (storage_failure), and the case of an Xid 79 answered storage_failure
// (RG7: realistic10 rl10-01). True when the line's vote for `category` is to be dropped.
bool MonitoringLineVotesOnlyDevice(const CaseLog& log, size_t ki, const std::string& category) {
  static const std::set<std::string> kDevice = {
      "gpu_fallen_off_bus", "gpu_firmware_error",   "gpu_memory_uncorrectable_ecc", "gpu_row_remap_failure",
      "nvlink_error",       "pcie_link_degraded",   "gpu_thermal_throttle",         "gpu_power_throttle"};
  return !kDevice.count(category) && MonitoringStackLine(log, ki);
}

}  // namespace

std::string CaseAlertNode(const DiagnosisCase& c) {
  // An alert that names no node is placed at none (PlaceAlertNode starts from NodeOf): the case's
  // lines are not read then (40 ms on the largest set case, 4226 lines and 1 MB: case-rl6-23).
  if (!c.alert || NodeOf(c.alert->labels).empty()) return "";
  return NodesAndAlertPlace(c).alert_node;
}

// systemd about a unit of the monitoring stack (TZ): "systemd[1]: dcgm-exporter.service: Main
// process exited, code=killed, status=9/KILL", "nvidia-dcgm.service: Failed with result
// 'exit-code'" (DCGM's host engine, which dcgm-exporter reads), "node_exporter.service: Scheduled
// restart job". The exporter's process dying is neither a GPU's fault nor the job's: it votes for
// no category (it read like the OOM killer, host_oom, and like nvlink_error), and it explains
// series that stop or have gaps (said in `unverified`, MonitoringUnitNotes). The unit's name, or "".
std::string MonitoringUnitOfLine(const std::string& text) {
  if (text.size() > 2000) return "";
  const std::string& names = MonitoringNamesPattern();
  if (text.find(".service") != std::string::npos) {
    // systemd's own line: "systemd[1]: UNIT.service: Main process exited, ...", RHEL 7's syslog tag
    // with no PID ("systemd: UNIT.service: main process exited"), its start and stop messages
    // ("systemd[1]: Failed to start UNIT.service - NVIDIA DCGM Exporter.", "Stopped UNIT.service",
    // RHEL 7's "Unit UNIT.service entered failed state."). A plain "Started" is no failure (RG9).
    auto around = [&](const char* before, const char* after) {
      std::string r = before;
      r += names;
      r += after;
      return r;
    };
    static const std::regex kSystemd(
        around(R"(\bsystemd(?:\[\d+\])?:\s+(?:(?:Failed to start|Stopped|Stopping|Unit)\s+)?()",
               R"((?:@[\w.-]*)?\.service)(?::|\s|$))"),
        std::regex::icase);
    // The unit's state line as `journalctl -u UNIT -o cat` prints it, without systemd's tag: only
    // the states systemd reports of a unit, so a line that merely names the unit is none (RG9).
    static const std::regex kState(
        around(R"((?:^|\s)()",
               R"((?:@[\w.-]*)?\.service):\s+(?:Main process exited|Failed with result|Scheduled restart job|)"
               R"(Start request repeated|Control process exited|Start operation timed out|Service hold-off time over|)"
               R"(Killing process|Unit entered failed state|Deactivated successfully|Succeeded\.))"),
        std::regex::icase);
    std::smatch m;
    if (text.find("systemd") != std::string::npos && std::regex_search(text, m, kSystemd)) return m.str(1);
    if (std::regex_search(text, m, kState)) return m.str(1);
  }
  // Kubernetes restarting a container of the monitoring stack: the kubelet's "Back-off restarting
  // failed container NAME in pod POD" (an event, or its log's "restarting failed container=NAME"),
  // and kubectl's pod row in CrashLoopBackOff ("nvidia-dcgm-exporter-7xk2q  0/1  CrashLoopBackOff
  // 12 (2m ago)  40m", after a NAMESPACE column with -A). The exporter crash-looping is the
  // exporter's fault, not a GPU's nor the job's (RG9; RV-TZ saw it answer gpu_fallen_off_bus).
  if (ContainsNoCase(text, "back-off") || ContainsNoCase(text, "backoff")) {
    static const std::regex kName(names, std::regex::icase);
    static const std::regex kContainer(R"(restarting failed container[= ]\\?"?([\w.-]+))", std::regex::icase);
    static const std::regex kPodRow(R"(^\s*(?:[\w.-]+\s+)?([a-z0-9][\w.-]*)\s+\d+/\d+\s+CrashLoopBackOff\b)");
    std::smatch m;
    if (std::regex_search(text, m, kContainer) || std::regex_search(text, m, kPodRow)) {
      const std::string name = m.str(1);
      if (std::regex_search(name, kName)) return name;
    }
  }
  return "";
}

namespace {

ComponentHint HintFromSource(const std::string& source, const Topology& t);

// The nodes of the case whose GPU exporter's unit systemd reports (MonitoringUnitOfLine: dcgm-exporter,
// nvidia-dcgm / nv-hostengine, nvidia_gpu_exporter), in the order of the logs; the node is the log
// source's (HintFromSource). Review RV-TZ.
std::vector<std::string> NodesWithGpuExporterDown(const DiagnosisCase& c, const Topology& topo) {
  std::vector<std::string> nodes;
  for (const CaseLog& log : c.logs) {
    for (const LogLine& line : log.lines) {
      const std::string unit = AsciiLower(MonitoringUnitOfLine(line.text));
      if (unit.find("dcgm") == std::string::npos && unit.find("hostengine") == std::string::npos &&
          unit.find("gpu") == std::string::npos) {
        continue;
      }
      const std::string node = HintFromSource(log.source, topo).node;
      if (!node.empty() && std::find(nodes.begin(), nodes.end(), node) == nodes.end()) nodes.push_back(node);
      break;
    }
  }
  return nodes;
}

// What the monitoring units' lines of the case say (MonitoringUnitOfLine): one note per unit and
// node, its first such line, for `unverified`.
std::vector<std::string> MonitoringUnitNotes(const DiagnosisCase& c) {
  std::vector<std::string> notes;
  std::set<std::pair<std::string, std::string>> seen;
  for (const CaseLog& log : c.logs) {
    for (const LogLine& line : log.lines) {
      const std::string unit = MonitoringUnitOfLine(line.text);
      if (unit.empty() || !seen.insert({log.source.substr(0, log.source.find('/')), unit}).second) continue;
      if (notes.size() >= 8) return notes;
      std::string n = log.source;
      n += ":";
      n += std::to_string(line.number);
      n += ": the monitoring service ";
      n += unit;
      n += " stopped, failed or restarted (read as no fault of a GPU or of the job; series it exports may stop or "
           "have gaps from then)";
      notes.push_back(std::move(n));
    }
  }
  return notes;
}

// An InfiniBand port's symbol-error counter that rises by a handful over the window is a healthy
// link's background (a link within its specified bit-error rate at HDR/NDR speeds counts symbol
// errors now and then; a failing one counts thousands in 15 minutes: 2,356 - 43,200 in the sets'
// ib_link_failure cases): the pack's `increase(node_infiniband_symbol_error_total[15m]) > 0` hit
// on a port whose counter rises at under kSymbolErrorBackgroundPer15m per 15 minutes over the
// window is dropped. Two symbol errors on another node's HCA weighed as much as an Xid 79 in the
// DCGM series (RG7: realistic10 rl10-26). Done here, not in the pack's condition text: that text is
// also what the knowledge base's recall reads, and changing it moved other cases' recall.
//
// Review RV-RG7: the count is the counter's largest increase over any 15 minutes of the window (a
// burst of a flapping link is not averaged over a long window), and a port whose link also went
// down, retrained or counted receive / link-integrity errors in the window keeps even a few symbol
// errors: that is a link flap, not background.
constexpr double kSymbolErrorBackgroundPer15m = 100;
constexpr int64_t kSymbolErrorSpanMs = 15 * 60 * 1000;

// The largest sum of a counter's increases (a reset, a drop, counts as none) between two samples at
// most `span_ms` apart; nullopt with fewer than two samples.
std::optional<double> MaxCounterIncreaseWithin(const TimeSeries& s, int64_t span_ms) {
  if (s.size() < 2) return std::nullopt;
  std::vector<double> prefix(s.size(), 0.0);  // increases summed up to sample i
  for (size_t i = 1; i < s.size(); ++i) {
    const double d = s.values[i] - s.values[i - 1];
    prefix[i] = prefix[i - 1] + (std::isfinite(d) && d > 0 ? d : 0.0);
  }
  double best = 0;
  size_t lo = 0;
  for (size_t hi = 1; hi < s.size(); ++hi) {
    while (lo < hi && static_cast<double>(s.timestamps_ms[hi]) - static_cast<double>(s.timestamps_ms[lo]) >
                          static_cast<double>(span_ms)) {
      ++lo;
    }
    best = std::max(best, prefix[hi] - prefix[lo]);
  }
  return best;
}

// Whether the InfiniBand port of `sym` (same node; same device and port where both carry them)
// has another error counter of the link's that rose in the window: link downed, link error
// recovery, receive errors, local link integrity errors.
bool IbPortHasLinkErrors(const TimeSeries& sym, const std::vector<TimeSeries>& series) {
  static const char* const kLinkErrors[] = {"node_infiniband_link_downed_total",
                                            "node_infiniband_link_error_recovery_total",
                                            "node_infiniband_port_errors_received_total",
                                            "node_infiniband_local_link_integrity_errors_total"};
  const std::string node = NodeOf(sym.labels);
  auto same_label = [&sym](const TimeSeries& ts, const char* key) {
    auto a = sym.labels.find(key);
    auto b = ts.labels.find(key);
    return a == sym.labels.end() || b == ts.labels.end() || a->second == b->second;
  };
  for (const TimeSeries& ts : series) {
    if (std::find(std::begin(kLinkErrors), std::end(kLinkErrors), ts.name) == std::end(kLinkErrors)) continue;
    if (NodeOf(ts.labels) != node || !same_label(ts, "device") || !same_label(ts, "port")) continue;
    std::optional<double> inc = MaxCounterIncreaseWithin(ts, std::numeric_limits<int64_t>::max() / 2);
    if (inc && *inc > 0) return true;
  }
  return false;
}

void DropSymbolErrorTrickle(const std::vector<TimeSeries>& series, std::vector<MetricConditionHit>* hits) {
  std::vector<MetricConditionHit> kept;
  for (const MetricConditionHit& h : *hits) {
    if (h.series->name == "node_infiniband_symbol_error_total") {
      std::optional<double> most = MaxCounterIncreaseWithin(*h.series, kSymbolErrorSpanMs);
      if (most && *most < kSymbolErrorBackgroundPer15m && !IbPortHasLinkErrors(*h.series, series)) continue;
    }
    kept.push_back(h);
  }
  *hits = std::move(kept);
}

// Whether any line of the case's logs satisfies `pred`.
template <typename Pred>
bool AnyLogLine(const DiagnosisCase& c, Pred pred) {
  for (const CaseLog& log : c.logs) {
    for (const LogLine& line : log.lines) {
      if (pred(line.text)) return true;
    }
  }
  return false;
}

// Lustre trouble that neither a routine reconnect (3z4, restored) nor one refused with EBUSY (3z5)
// explains away: a ptlrpc request timeout, an eviction, a hung task.
bool LustreTroubleBesidesReconnects(const std::string& s) {
  return s.find("ptlrpc_expire_one_request") != std::string::npos || s.find("was evicted") != std::string::npos ||
         s.find("blocked for more than") != std::string::npos;
}

}  // namespace

// Whether the case shows a run that computes in FP8: a log line naming FP8 (recipe, amax / scale
// statistics, e4m3 / e5m2, Transformer Engine's DelayedScaling) or a metric series of FP8 state.
bool CaseShowsFp8(const DiagnosisCase& c) {
  // "amax" is FP8's scaling statistic (amax_history, "grad amax inf") but also numpy's / torch's
  // reduction (np.amax, torch.amax, x.amax()): an amax called as a module's or object's function
  // (a "." before it) says nothing about FP8, while FP8 state read through an attribute
  // (meta.amax_history, .amax_reduction_group: an "amax_" name) still does.
  static const FilteredRegex kFp8(
      R"(\b(fp8|float8|e4m3|e5m2|delayedscaling)\b|(?:^|[^.\w])amax\w*\b|\.amax_\w+|fp8_|float8_)",
      /*icase=*/true);
  // Every match contains one of these words: the regex reads only the lines that do.
  auto shows = [](const std::string& text) {
    for (std::string_view w : {"fp8", "float8", "e4m3", "e5m2", "amax", "delayedscaling"}) {
      if (ContainsNoCase(text, w)) return kFp8.Search(text);
    }
    return false;
  };
  for (const CaseLog& log : c.logs) {
    for (const LogLine& line : log.lines) {
      if (line.text.size() <= 2000 && shows(line.text)) return true;
    }
  }
  for (const TimeSeries& s : c.metrics) {
    if (shows(s.name)) return true;
  }
  return false;
}

namespace {

// Whether a series named `name` holds a non-finite value (a NaN / Inf loss read from a log).
bool SeriesShowNonFinite(const std::vector<TimeSeries>& series, const std::string& name) {
  for (const TimeSeries& s : series) {
    if (s.name != name) continue;
    for (double v : s.values) {
      if (!std::isfinite(v)) return true;
    }
  }
  return false;
}

// A dynamic loss scale that stays high: at least one "loss_scale" series of 3 samples or more, every
// such series halving (any fall) at most once and never below kHealthyLossScale.
constexpr double kHealthyLossScale = 1024;
bool LossScaleHeldHigh(const std::vector<TimeSeries>& series) {
  bool any = false;
  for (const TimeSeries& s : series) {
    if (s.name != "loss_scale") continue;
    if (s.size() < 3) continue;
    int falls = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      if (!std::isfinite(s.values[i]) || s.values[i] < kHealthyLossScale) return false;
      if (i > 0 && s.values[i] < s.values[i - 1]) ++falls;
    }
    if (falls > 1) return false;
    any = true;
  }
  return any;
}

// Training logs print the numbers the pack's metric conditions are written over (loss, grad norm,
// loss scale, step time). They are read into series named as the conditions name them, one
// series per log source, labelled {source, Hostname}. Times come from the line when it has one,
// else one second per line (order is what matters).
std::vector<TimeSeries> SeriesFromLogs(const DiagnosisCase& c, const Topology& topo) {
  struct Field {
    const char* pattern;
    const char* name;
    double scale;
    const char* word;  // in every match (lower case): the regex runs only on lines that contain it
  };
  static const Field kFields[] = {
      {R"((?:^|[\s|,'"{(])(?:(?:lm|train|training|total)[ _])?loss['"]?[:=\s]\s*([-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|nan|inf)))", "loss", 1, "loss"},
      {R"((?:grad[ _]norm|gnorm)[:=\s]\s*([-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|nan|inf)))", "grad_norm", 1, "norm"},
      {R"(loss[ _]scal(?:e|ing)?(?: to)?[:=\s]\s*([-+]?\d+\.?\d*(?:[eE][-+]?\d+)?))", "loss_scale", 1, "scal"},
      {R"(elapsed time per iteration \(ms\):\s*(\d+\.?\d*))", "step_time_ms", 1, "elapsed time per iteration"},
      // FP8 statistics as training loggers write them ("saturated_frac": 0.41 per layer record).
      {R"(saturated_frac(?:tion)?['"]?\s*[:=]\s*(\d+\.?\d*(?:[eE][-+]?\d+)?))", "fp8_saturated_fraction", 1, "saturated_frac"},
      {R"(step_time[:=\s]\s*(\d+\.?\d*)s\b)", "step_time_ms", 1000, "step_time"},
  };
  static const std::vector<std::pair<std::regex, const Field*>>* compiled = [] {
    auto* v = new std::vector<std::pair<std::regex, const Field*>>();
    for (const Field& f : kFields) v->emplace_back(std::regex(f.pattern, std::regex::icase), &f);
    return v;
  }();
  std::vector<TimeSeries> out;
  for (const CaseLog& log : c.logs) {
    std::map<std::string, TimeSeries> by_name;
    int64_t last_t = 0;
    for (const LogLine& line : log.lines) {
      if (line.text.size() > 2000) continue;
      std::optional<int64_t> t;  // read once a field matched: most lines have none
      bool any = false;
      for (const auto& [re, f] : *compiled) {
        std::smatch m;
        if (!ContainsNoCase(line.text, f->word) || !std::regex_search(line.text, m, re)) continue;
        if (!t) {
          t = LineTimeMs(line.text, topo.clock);
          if (*t == kNoTime || *t <= last_t) t = last_t + 1000;
        }
        std::string v = AsciiLower(m.str(1));
        double value = v.find("nan") != std::string::npos ? NAN
                       : v.find("inf") != std::string::npos ? INFINITY : std::strtod(v.c_str(), nullptr) * f->scale;
        TimeSeries& s = by_name[f->name];
        if (s.name.empty()) {
          s.name = f->name;
          s.labels["source"] = log.source;
          if (std::string node = SourceNode(topo, log.source); !node.empty()) s.labels["Hostname"] = node;
        }
        if (s.Append(*t, value).ok()) any = true;
      }
      if (any) last_t = *t;
    }
    for (auto& [name, s] : by_name) {
      if (s.size() >= 3) out.push_back(std::move(s));
    }
  }
  return out;
}

// The global rank of PyTorch's "[rankN]:" prefix first on a line (after `srun -l`'s task label and
// torchrun --tee's "[default3]:" if any): the process that wrote the line. nullopt for any other line.
std::optional<int32_t> PrefixRank(const std::string& text) {
  static const std::regex kPrefix(
      R"(^\s*(?:\d+:\s+)?(?:\[(?!rank\d)[A-Za-z][A-Za-z_-]{0,30}\d{1,3}\]:)?\[rank(\d+)\]:)", std::regex::icase);
  if (text.size() > 4000 || text.find("]:") == std::string::npos) return std::nullopt;
  std::smatch pm;
  if (!std::regex_search(text, pm, kPrefix)) return std::nullopt;
  return ParseInt32(pm.str(1));
}

// The rank of the writer's "[Rank N]" after up to three bracketed fields (time, level, file) first
// on a line, as HintFromWriter reads it: PyTorch before 2.2 ("[E ProcessGroupNCCL.cpp:475] [Rank 3]
// Watchdog caught ..."), Megatron, DeepSpeed's log_dist. nullopt for any other line.
std::optional<int32_t> BracketRank(const std::string& text) {
  static const std::regex kBracket(R"(^\s*(?:\d+:\s+)?(?:\[[^\[\]]{0,60}\]\s*){0,3}\[\s*rank\s*(\d+)\s*\])",
                                   std::regex::icase);
  if (text.size() > 4000 || text.find('[') == std::string::npos || !ContainsNoCase(text, "rank")) {
    return std::nullopt;
  }
  std::smatch m;
  if (!std::regex_search(text, m, kBracket)) return std::nullopt;
  return ParseInt32(m.str(1));
}

// The rank of the process that wrote a line, by either form: PyTorch's "[rankN]:" prefix
// (PrefixRank), else the writer's "[Rank N]" (BracketRank). nullopt when the line names neither.
std::optional<int32_t> WriterRank(const std::string& text) {
  std::optional<int32_t> rank = PrefixRank(text);
  return rank ? rank : BracketRank(text);
}

std::set<std::string> GatheredSources(const std::vector<CaseLog>& logs, const Topology& t) {
  std::set<std::string> out;
  for (const CaseLog& l : logs) {
    std::smatch m;
    if (!std::regex_search(l.source, m, SourceRankRegex())) continue;
    std::optional<int32_t> own = ParseInt32(m.str(2));
    if (!own) continue;
    // The GPU the source's rank drives, when the topology places that rank on the source's node.
    int own_gpu = -1;
    const std::string source_node = SourceNode(t, l.source);
    auto it = t.ranks.find(*own);
    if (it != t.ranks.end() && !source_node.empty() && it->second.node == source_node) own_gpu = it->second.gpu;
    for (const LogLine& line : l.lines) {
      std::optional<int32_t> rank = WriterRank(line.text);
      std::optional<int> local = rank || own_gpu < 0 ? std::nullopt : TeeLocalRank(line.text, t);
      if ((rank && *rank != *own) || (local && *local != own_gpu)) {
        out.insert(l.source);
        break;
      }
    }
  }
  return out;
}

std::optional<LauncherLabel> ReadLauncherLabel(const std::string& line, int kind) {
  static const std::regex kSrun(R"(^ *(\d{1,6}): )");
  // A host: letters, digits, '-', '.', '_' with at least one digit ("gpu-node-017", "worker-1"), so that
  // "Traceback: " or "INFO: " is no host.
  static const std::regex kPdsh(R"(^([A-Za-z][A-Za-z0-9_.-]{0,62}): )");
  static const std::regex kMpirun(R"(^\[\d{1,9},(\d{1,7})\]<(?:stdout|stderr|stddiag)>:)");
  if (line.size() > 4000) return std::nullopt;
  std::smatch m;
  LauncherLabel l;
  if (kind == kSrunTask || kind == kSrunNode) {
    if (line.empty() || (line[0] != ' ' && !std::isdigit(static_cast<unsigned char>(line[0]))) ||
        !std::regex_search(line, m, kSrun))
      return std::nullopt;
    // `ip link` / `ip addr` number their interfaces the same way ("1: lo: <LOOPBACK,UP,LOWER_UP> mtu
    // 65536"): no task.
    static const std::regex kIpLink(R"(^[A-Za-z0-9@._-]{1,40}: <[A-Z_,]*>)");
    const std::string after = line.substr(static_cast<size_t>(m.length(0)), 200);
    if (std::regex_search(after, kIpLink)) return std::nullopt;
    // Nor does /proc/interrupts (" 24:          0          0   PCI-MSI 524288-edge      nvidia"): its
    // IRQ number, then a count per CPU padded into columns, then the interrupt chip and trigger. The
    // columns are scanned over the whole line: a GPU node has a column per CPU, 100 to 250 of them
    // (review RV-P2: the first 200 characters were read, so a row of 20 or more CPUs was a task).
    static const std::regex kChip(R"(^[A-Za-z0-9_.:-]*(?:MSI|APIC|PCI|GIC|edge|level|fasteoi)\b)");
    const size_t rest = static_cast<size_t>(m.length(0));
    if (rest < line.size() && line[rest] == ' ') {
      size_t i = rest, columns = 0;
      while (i < line.size()) {
        const size_t spaces = i;
        while (i < line.size() && line[i] == ' ') ++i;
        const size_t digits = i;
        while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i]))) ++i;
        if (i == digits || i == spaces) break;  // the chip's name (or the end) after the columns
        if (i < line.size() && line[i] != ' ') {
          columns = 0;  // "12ab": no count column
          break;
        }
        ++columns;
      }
      if (columns > 0 && i < line.size() && std::regex_search(line.substr(i, 200), kChip)) return std::nullopt;
    }
    l.rank = ParseInt32(m.str(1)).value_or(-1);
  } else if (kind == kPdshHost) {
    if (line.find(": ") == std::string::npos || !std::regex_search(line, m, kPdsh)) return std::nullopt;
    const std::string host = m.str(1);
    if (std::none_of(host.begin(), host.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); }))
      return std::nullopt;
    l.host = host;
  } else if (kind == kMpirunRank) {
    if (line.empty() || line[0] != '[' || !std::regex_search(line, m, kMpirun)) return std::nullopt;
    l.rank = ParseInt32(m.str(1)).value_or(-1);
  } else {
    return std::nullopt;
  }
  l.length = static_cast<size_t>(m.length(0));
  return l;
}

std::string PdshNodeOf(const std::string& line, const Topology& t, size_t* label_length) {
  std::optional<LauncherLabel> l = ReadLauncherLabel(line, kPdshHost);
  if (!l) return "";
  std::string node = ReportedNode(l->host, t.names);
  if (!node.empty() && label_length != nullptr) *label_length = l->length;
  return node;
}

// The launcher whose label most lines of a log carry (at least 2 lines and two thirds of its
// non-blank lines), by the shape of the whole file: a timestamp "13:05:22", NCCL's
// "node-3:12345:12399 [3]", a traceback's "line 13:" carry none, and one line that happens to start
// with "13: " among unlabelled ones is no launcher's. srun's task ids are read as ranks only when
// no line's own rank prefix ("0: [default3]:[rank3]: ...", one task per node running torchrun)
// says otherwise; then the line's own prefix places it, as before.
// pdsh's host is read only when at least one of the log's labels is a node the case knows (review
// RV-PF): kernel messages without dmesg's timestamp ("ib0: Link is Down", "mlx5_0: Port 1 link
// down", "nvidia-nvswitch3: SXid ..."), a script's "rank1: ..." carry the same "name-with-digit: "
// shape, and were read as hosts "mlx5_0" / "rank1", the answer's component.
// srun's own "srun: error: NODE: task N: ..." line in the log names task N's node: when the
// topology puts rank N on another node, task ids are no ranks (one task per node; the same test
// as the `srun: error:` reading of HintFromWriter, review RV-PF).
// srun's own "srun: error: NODE: task N: ..." line: the node as written and the task id (one task,
// not a range). LauncherOf and SrunTaskNodes both read it.
std::optional<std::pair<std::string, int32_t>> SrunErrorTask(const std::string& text) {
  static const std::regex kSrunError(R"(\bsrun: error: ([A-Za-z0-9._-]+): task (\d{1,6}):)");
  std::smatch m;
  if (text.find("srun: error: ") == std::string::npos || !std::regex_search(text, m, kSrunError))
    return std::nullopt;
  std::optional<int32_t> task = ParseInt32(m.str(2));
  if (!task) return std::nullopt;
  return std::make_pair(m.str(1), *task);
}

int LauncherOf(const CaseLog& log, const Topology& t) {
  const CaseNodes& names = t.names;
  size_t non_blank = 0;
  size_t counts[4] = {0, 0, 0, 0};
  bool srun_not_rank = false;
  bool srun_error_not_rank = false;
  bool pdsh_known_host = false;
  // srun's task ids seen: one id alone in a log named after another rank ("n-1/rank2/stderr" whose
  // every line is "0: ...": `srun -l` of one task, torchrun or nvidia-smi run once per node) says
  // nothing of who wrote a line; the file's name keeps its rank (review RV-PF).
  int srun_first = -1;
  bool srun_several = false;
  int srun_max = -1;  // the highest task id seen
  for (const LogLine& line : log.lines) {
    if (line.text.find_first_not_of(" \t\r") == std::string::npos) continue;
    ++non_blank;
    if (auto err = srun_error_not_rank || line.text.size() >= 4000 ? std::nullopt : SrunErrorTask(line.text)) {
      const std::string node = names.Find(err->first);
      auto r = t.ranks.find(err->second);
      if (!node.empty() && r != t.ranks.end() && !r->second.node.empty() && r->second.node != node) {
        srun_not_rank = true;
        srun_error_not_rank = true;
      }
    }
    for (int kind : {kSrunTask, kPdshHost, kMpirunRank}) {
      std::optional<LauncherLabel> l = ReadLauncherLabel(line.text, kind);
      if (!l) continue;
      ++counts[kind];
      if (kind == kPdshHost && !pdsh_known_host && !names.Find(l->host).empty()) pdsh_known_host = true;
      if (kind == kSrunTask) {
        if (srun_first < 0) srun_first = l->rank;
        else if (l->rank != srun_first) srun_several = true;
        srun_max = std::max(srun_max, l->rank);
      }
      if (kind == kSrunTask && !srun_not_rank) {
        const std::string rest = line.text.substr(l->length);
        std::optional<int32_t> own = WriterRank(rest);
        if (own && *own != l->rank) srun_not_rank = true;
      }
    }
  }
  for (int kind : {kMpirunRank, kSrunTask, kPdshHost}) {
    if (counts[kind] >= 2 && counts[kind] * 3 >= non_blank * 2) {
      if (kind == kSrunTask && !srun_several) {
        std::smatch m;
        if (std::regex_search(log.source, m, SourceRankRegex()) &&
            ParseInt32(m.str(2)).value_or(-1) != srun_first)
          return kNoLauncher;
      }
      // One task per node (P2): a per-node launcher in the case's logs, or srun's own error line
      // placing task N where the topology has no rank N: the task id names a node. Not when a task
      // id is at or past the topology's node count: one task per node has no task N there, the
      // tasks are ranks (review RV-P2: a per-GPU srun job whose case quotes torchrun anywhere was
      // read per node, task 13 of 4 nodes placed nowhere).
      const bool past_nodes = !t.node_order.empty() && srun_max >= static_cast<int>(t.node_order.size());
      if (kind == kSrunTask && (srun_error_not_rank || (t.per_node_launcher && !past_nodes))) return kSrunNode;
      if (kind == kSrunTask && srun_not_rank) return kNoLauncher;
      if (kind == kPdshHost && !pdsh_known_host) return kNoLauncher;
      return kind;
    }
  }
  return kNoLauncher;
}

std::map<std::string, int> LauncherSources(const std::vector<CaseLog>& logs, const Topology& t) {
  std::map<std::string, int> out;
  for (const CaseLog& l : logs) {
    if (int kind = LauncherOf(l, t); kind != kNoLauncher) out[l.source] = kind;
  }
  return out;
}

// Slurm's hostlist ("gpu-[017-019,023],login-1") expanded in the order `scontrol show hostnames`
// prints it: items split at commas outside brackets; each bracket a list of numbers and ranges
// ("001-004,010"), a range's numbers padded with zeros to the width of its low end ("[08-10]": 08,
// 09, 10); several brackets in one item expand leftmost-outermost ("rack[1-2]-n[01-02]": rack1-n01,
// rack1-n02, rack2-n01, rack2-n02). Empty (the list unread, no host guessed) when malformed (an
// unterminated, nested or empty bracket, a descending range "[004-001]", an empty item, a character
// no host name has) or longer than `cap` hosts, which is counted before any host is built (review
// RV-P2: was one bracket per item, "rack[1-2]-n[01-02]" unread).
std::vector<std::string> ExpandHostlist(const std::string& list, size_t cap = 4096) {
  struct Range {
    int64_t lo = 0, hi = 0;
    size_t width = 0;
  };
  struct Item {
    std::vector<std::string> text;           // the literal text around the brackets: brackets + 1
    std::vector<std::vector<Range>> lists;   // each bracket's ranges
    std::vector<uint64_t> sizes;             // each bracket's number of values
  };
  if (list.empty() || list.size() > 4000) return {};
  auto host_char = [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '.' || ch == '_';
  };
  std::vector<Item> items;
  uint64_t total = 0;
  size_t i = 0;
  while (i <= list.size()) {
    Item item;
    item.text.emplace_back();
    // One item: literal text and brackets up to a comma outside brackets or the end.
    while (i < list.size() && list[i] != ',') {
      const char ch = list[i];
      if (host_char(ch)) {
        item.text.back() += ch;
        ++i;
        continue;
      }
      if (ch != '[') return {};  // "]" without "[", or a character no host name has
      const size_t close = list.find(']', i + 1);
      if (close == std::string::npos) return {};  // unterminated
      const std::string body = list.substr(i + 1, close - i - 1);
      if (body.empty() || body.find('[') != std::string::npos) return {};  // empty or nested
      std::vector<Range> ranges;
      uint64_t count = 0;
      std::stringstream parts(body);
      std::string part;
      size_t seen = 0;
      while (std::getline(parts, part, ',')) {
        seen += part.size() + 1;
        const auto dash = part.find('-');
        const std::string lo = part.substr(0, dash);
        const std::string hi = dash == std::string::npos ? lo : part.substr(dash + 1);
        if (!IsNumber(lo) || !IsNumber(hi) || lo.size() > 9 || hi.size() > 9) return {};
        Range r;
        r.lo = std::stoll(lo);
        r.hi = std::stoll(hi);
        r.width = lo.size();
        if (r.hi < r.lo) return {};  // descending: Slurm refuses it too ("Invalid range")
        count += static_cast<uint64_t>(r.hi - r.lo + 1);
        if (count > cap) return {};
        ranges.push_back(r);
      }
      if (ranges.empty() || seen != body.size() + 1) return {};  // "[1-2,]": a trailing comma
      item.lists.push_back(std::move(ranges));
      item.sizes.push_back(count);
      item.text.emplace_back();
      i = close + 1;
    }
    uint64_t n = 1;
    for (uint64_t size : item.sizes) {
      n *= size;  // each size <= cap, n <= cap before: no overflow
      if (n > cap) return {};
    }
    bool empty = item.lists.empty() && item.text.front().empty();
    if (empty) return {};  // "a,,b", a leading or trailing comma
    total += n;
    if (total > cap) return {};
    items.push_back(std::move(item));
    if (i >= list.size()) break;
    ++i;  // the comma
    if (i == list.size()) return {};
  }
  std::vector<std::string> out;
  out.reserve(static_cast<size_t>(total));
  for (const Item& item : items) {
    // An odometer over the brackets' values, the last bracket turning fastest.
    std::vector<size_t> range(item.lists.size(), 0);
    std::vector<int64_t> value(item.lists.size());
    for (size_t b = 0; b < item.lists.size(); ++b) value[b] = item.lists[b][0].lo;
    for (bool done = false; !done;) {
      std::string host = item.text[0];
      for (size_t b = 0; b < item.lists.size(); ++b) {
        std::string num = std::to_string(value[b]);
        const size_t width = item.lists[b][range[b]].width;
        if (num.size() < width) host.append(width - num.size(), '0');
        host += num;
        host += item.text[b + 1];
      }
      out.push_back(std::move(host));
      done = true;  // unless some bracket below still turns
      for (size_t b = item.lists.size(); b-- > 0;) {
        if (value[b] < item.lists[b][range[b]].hi) {
          ++value[b];
          done = false;
          break;
        }
        if (range[b] + 1 < item.lists[b].size()) {
          ++range[b];
          value[b] = item.lists[b][range[b]].lo;
          done = false;
          break;
        }
        range[b] = 0;
        value[b] = item.lists[b][0].lo;
      }
    }
  }
  return out;
}

// The node each srun task runs on when tasks are per-node launchers (Topology::srun_task_nodes).
// The order of the job's nodes: SLURM_JOB_NODELIST= / SLURM_NODELIST= expanded, else the hosts
// `scontrol show hostnames` printed (one a line after the command), else the topology's node list
// (the job's node list as the scheduler gives it, evals/diagnosis/README.md); with one task per
// node, Slurm's block distribution puts task N on the N-th node of it. srun's own "srun: error:
// NODE: task N:" says where task N ran and overrides it; an order it contradicts is not used at
// all (only srun's own lines then place tasks), nor is the topology's when the printed node list
// could not be read (ExpandHostlist refused it).
std::map<int, std::string> SrunTaskNodes(const std::vector<CaseLog>& logs, const Topology& t) {
  static const std::regex kNodelist(R"(\bSLURM_(?:JOB_)?NODELIST\s*[=:]\s*"?([A-Za-z0-9._,\[\]-]+))");
  static const std::regex kHost(R"(^\s*([A-Za-z][A-Za-z0-9._-]{0,62})\s*$)");
  std::map<int, std::string> named;
  std::vector<std::string> order;
  std::vector<std::string> shown;  // scontrol show hostnames' output
  // A node list the job printed that ExpandHostlist refuses: the topology's order is then not
  // taken for it (the list may order the nodes otherwise; no node rather than a wrong one).
  bool list_unread = false;
  auto case_node = [&t](const std::string& host) {
    std::string n = t.names.Find(host);
    return n.empty() ? host : n;
  };
  for (const CaseLog& log : logs) {
    for (size_t k = 0; k < log.lines.size(); ++k) {
      const std::string& text = log.lines[k].text;
      if (text.size() > 4000) continue;
      std::smatch m;
      if (auto err = SrunErrorTask(text)) {
        if (std::string node = ReportedNode(err->first, t.names); !node.empty()) named.emplace(err->second, node);
      }
      if (order.empty() && text.find("NODELIST") != std::string::npos && std::regex_search(text, m, kNodelist) &&
          m.str(1).find('$') == std::string::npos) {
        for (const std::string& h : ExpandHostlist(m.str(1))) order.push_back(case_node(h));
        list_unread = list_unread || order.empty();
      }
      if (shown.empty() && text.find("scontrol show hostnames") != std::string::npos) {
        for (size_t j = k + 1; j < log.lines.size() && shown.size() < 4096; ++j) {
          std::smatch hm;
          // A host name carries a digit ("g-07"): a word after the command ("Starting") is none.
          if (!std::regex_match(log.lines[j].text, hm, kHost) ||
              hm.str(1).find_first_of("0123456789") == std::string::npos)
            break;
          shown.push_back(case_node(hm.str(1)));
        }
      }
    }
  }
  if (order.empty()) order = shown;
  if (order.empty() && !list_unread) order = t.node_order;
  for (const auto& [task, node] : named) {
    if (task >= 0 && static_cast<size_t>(task) < order.size() && order[task] != node) {
      order.clear();  // the order is not the tasks': only srun's own lines place them
      break;
    }
  }
  std::map<int, std::string> out;
  for (size_t i = 0; i < order.size(); ++i) out[static_cast<int>(i)] = order[i];
  for (const auto& [task, node] : named) out[task] = node;
  return out;
}

// A line of a launcher-labelled log (Topology::launcher_sources): placed on the rank (srun task,
// mpirun rank: the topology's node and GPU of that rank) or the host (pdsh) its label names; the
// line without the label is returned for the other readers ("[default3]:", "[rank13]:" after it).
// Any other line is returned as it is.
// `srun -l`'s task under per-node launchers (kSrunNode) places the line on the task's node
// (Topology::srun_task_nodes), its GPU left to the rest of the line (torchrun --tee's "[default5]:",
// read by HintFromLine); a task whose node is unknown places it at no node (`*unplaced` set: no
// default node either, the source's node being only where the output was collected).
std::string HintFromLauncher(const std::string& source, const std::string& line, const Topology& t,
                             ComponentHint& h, bool* unplaced = nullptr, bool* task_node = nullptr,
                             bool* host_label = nullptr) {
  auto it = t.launcher_sources.find(source);
  if (it == t.launcher_sources.end()) return line;
  std::optional<LauncherLabel> l = ReadLauncherLabel(line, it->second);
  if (!l) return line;
  if (it->second == kSrunNode) {
    auto n = t.srun_task_nodes.find(l->rank);
    h.node = n == t.srun_task_nodes.end() ? std::string() : n->second;
    h.rank = -1;
    h.gpu = -1;
    h.gpu_from_rank = false;
    if (unplaced) *unplaced = h.node.empty();
    if (task_node) *task_node = !h.node.empty();
  } else if (l->rank >= 0) {
    h.rank = l->rank;
    auto r = t.ranks.find(l->rank);
    if (r != t.ranks.end() && !r->second.node.empty()) {
      h.node = r->second.node;
      h.gpu = r->second.gpu;
      h.gpu_from_rank = h.gpu >= 0;
    } else {
      h.gpu = -1;
      h.gpu_from_rank = false;
    }
  } else if (!l->host.empty()) {
    std::string node = ReportedNode(l->host, t.names);
    if (node.empty()) node = l->host;
    if (node != h.node) {
      h.node = node;
      h.gpu = -1;
      h.gpu_from_rank = false;
    }
    h.rank = -1;
    if (host_label) *host_label = true;
  }
  return line.substr(l->length);
}

// The one GPU index an `nvidia-smi ... -i N` / `--id=N` command in a log's source selects ("ssh
// gpu-q05 nvidia-smi -q -i 6 -d PERFORMANCE | sed -n 8,26p": 6): its output is that GPU's (PLC5).
// -1 for no such command, a list ("-i 0,6"), a bus id or UUID, or words after `|`, `;`, `&&`, `||`
// (a `grep -i` is not nvidia-smi's).
int NvidiaSmiSelectedGpu(const std::string& source) {
  if (source.size() > 400 || source.find("nvidia-smi") == std::string::npos) return -1;
  std::istringstream in(source);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  size_t k = 0;
  while (k < words.size() && words[k] != "nvidia-smi" &&
         !(words[k].size() > 11 && words[k].compare(words[k].size() - 11, 11, "/nvidia-smi") == 0)) {
    ++k;
  }
  for (size_t i = k + 1; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w == "|" || w == ";" || w == "&&" || w == "||") break;
    std::string value;
    if ((w == "-i" || w == "--id") && i + 1 < words.size()) value = words[i + 1];
    else if (w.rfind("--id=", 0) == 0) value = w.substr(5);
    else continue;
    if (value.empty() || value.size() > 2 || !std::all_of(value.begin(), value.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
      return -1;
    }
    return ParseInt32(value).value_or(-1);
  }
  return -1;
}

ComponentHint HintFromSource(const std::string& source, const Topology& t) {
  ComponentHint h;
  const std::regex& kRank = SourceRankRegex();
  static const std::regex kGpu(R"((^|/)gpu(\d+)(/|$))", std::regex::icase);
  const auto slash = source.find('/');
  if (std::string node = SourceNode(t, source); !node.empty()) h.node = std::move(node);
  std::smatch m;
  // A gathered log's rank is only its label (GatheredSources): each line's own prefix says who wrote it.
  if (!t.gathered_sources.count(source) && !t.launcher_sources.count(source) && std::regex_search(source, m, kRank))
    h.rank = ParseInt32(m.str(2)).value_or(-1);
  // The GPU from the segments after the node's ("gpu061/gpu3/stderr": gpu3, not 61).
  const std::string rest = h.node.empty() || slash == std::string::npos ? (h.node.empty() ? source : "")
                                                                        : source.substr(slash);
  if (std::regex_search(rest, m, kGpu)) h.gpu = ParseInt32(m.str(2)).value_or(-1);
  if (h.gpu < 0 && !h.node.empty()) h.gpu = NvidiaSmiSelectedGpu(source);
  static const std::regex kHcaInSource(R"((mlx5_\d+|ibp\d+s\d+|hfi1_\d+)(/|$))");
  if (std::regex_search(source, m, kHcaInSource)) h.hca = m.str(1);
  // A source that runs a port's tool on one HCA (`perfquery -x -C mlx5_3 -P 1`, `ibstat mlx5_3`,
  // `ibv_devinfo -d mlx5_3`, before any pipe): its counters and states are that HCA's (PLC6).
  static const std::regex kHcaTool(
      R"((?:\bperfquery\b[^|;]*?\s-C\s*|\bibstat\s+|\bibstatus\s+|\bibv_devinfo\b[^|;]*?\s(?:-d|--ib-dev=?)\s*)(mlx5_\d+|hfi1_\d+)\b)");
  if (h.hca.empty() && source.size() <= 400 && std::regex_search(source, m, kHcaTool)) h.hca = m.str(1);
  if (h.rank >= 0) {
    auto it = t.ranks.find(h.rank);
    if (it != t.ranks.end() && (h.node.empty() || it->second.node == h.node)) {
      if (h.node.empty()) h.node = it->second.node;
      if (h.gpu < 0) {
        h.gpu = it->second.gpu;
        h.gpu_from_rank = true;
      }
    }
  }
  return h;
}

// The local rank of torchrun's per-line prefix under --tee / --log-dir ("[default0]:...",
// "[trainer3]:...": "[<role><local rank>]:" first on the line, after `srun -l`'s task label if any,
// with nothing between "]" and ":"); nullopt for any other bracketed text, PyTorch's own
// "[rank3]:" (a global rank, HintFromWriter's) included. The local rank must
// be a GPU of the node (below the topology's gpus_per_node, else below kMaxGpusPerNode), so that
// "[epoch12]:" or "[step100]:" is not read as one.
std::optional<int> TeeLocalRank(const std::string& line, const Topology& t) {
  constexpr int kMaxGpusPerNode = 16;
  static const std::regex kTee(R"(^\s*(?:\d+:\s+)?\[(?![Rr][Aa][Nn][Kk]\d)([A-Za-z][A-Za-z_-]{0,30}?)[_-]?(\d{1,3})\]:)");
  std::smatch m;
  if (line.find("]:") == std::string::npos ||
      !std::regex_search(line, m, kTee, std::regex_constants::match_continuous)) {
    return std::nullopt;
  }
  // A progress counter in front of a line ("[epoch3]:", "[step12]:", "[iter7]:") is no torchrun
  // role: its number counts epochs or steps, not local ranks.
  static const std::set<std::string> kCounters = {
      "epoch", "ep", "step", "steps", "iter", "iteration", "it", "batch", "microbatch", "micro", "mb", "layer",
      "stage", "round", "chunk", "shard", "bucket", "expert", "block", "phase", "attempt", "retry", "try",
      "restart", "run", "trial", "sample", "seq", "gen", "generation", "eval", "val", "test", "save", "ckpt",
      "checkpoint"};
  if (kCounters.count(AsciiLower(m.str(1)))) return std::nullopt;
  std::optional<int32_t> local = ParseInt32(m.str(2));
  int limit = t.gpus_per_node > 0 ? t.gpus_per_node : kMaxGpusPerNode;
  if (!local || *local >= limit) return std::nullopt;
  return *local;
}

}  // namespace

// The netdev of a driver line's "mlx5_core <bus id> <netdev>: ..." slot, "" when it has none: since
// PLC25 a view of ParseMlx5DriverLine (mlx5_line.h), the one reader of that shape, kept under its RG10
// name for its tests; the reasoner's callers read the parser itself.
std::string NetdevOfDriverLine(const std::string& line) {
  std::optional<Mlx5DriverLine> d = ParseMlx5DriverLine(line);
  return d ? d->netdev : std::string();
}

// The one rank a line names, or -1 (RG10, realistic12). A line naming one rank ("rank 5", "Rank=5")
// names it; a line naming two ("rank 3 timed out waiting for rank 5") names its subject, the first.
// A line naming three or more is a table (a per-replica checksum, a per-rank step count): it names
// none of them, except the odd one out when it gives each rank a value - the one rank whose value no
// other rank shares while the others agree ("rank 121 0x..f8; rank 249 0x..fa; rank 377 0x..f8"),
// which is what an on-call engineer reads from it. (Taking the first rank put an SDC on a healthy
// replica's GPU.)
int RankNamedByLine(const std::string& line) {
  static const std::regex kRank(R"(\b(?:global\s+)?rank\s*[:=#]?\s*(\d+)\b)", std::regex::icase);
  if (line.size() > 4000) return -1;
  struct Named {
    int rank;
    size_t end;    // where the rank's number ends
    size_t start;  // where its match starts
  };
  std::vector<Named> named;
  for (auto it = std::sregex_iterator(line.begin(), line.end(), kRank); it != std::sregex_iterator() && named.size() < 4096;
       ++it) {
    std::optional<int32_t> r = ParseInt32(it->str(1));
    if (!r) continue;
    named.push_back({*r, static_cast<size_t>(it->position(0) + it->length(0)), static_cast<size_t>(it->position(0))});
  }
  if (named.empty()) return -1;
  std::set<int> distinct;
  for (const Named& n : named) distinct.insert(n.rank);
  if (distinct.size() <= 2) return named.front().rank;
  // A table: each rank's value is the text up to the next rank, trimmed of separators.
  std::map<std::string, int> count;
  std::vector<std::string> values;
  for (size_t i = 0; i < named.size(); ++i) {
    const size_t stop = i + 1 < named.size() ? named[i + 1].start : line.size();
    std::string v = line.substr(named[i].end, stop - named[i].end);
    const char* kSep = " \t;,|:=()[]";
    const size_t a = v.find_first_not_of(kSep);
    if (a == std::string::npos) return -1;  // a bare list of ranks: none singled out
    v = v.substr(a, v.find_last_not_of(kSep) - a + 1);
    values.push_back(v);
    ++count[v];
  }
  if (count.size() != 2) return -1;  // the others must agree on one value
  int odd = -1;
  for (size_t i = 0; i < named.size(); ++i) {
    if (count[values[i]] != 1) continue;
    if (odd >= 0) return -1;
    odd = named[i].rank;
  }
  return odd;
}

namespace {

// A GPU a line names by an id the case ties to a node and index (a UUID: Topology::uuid_gpu; a serial
// number: Topology::serial_gpu): that node and GPU, when the line is on that node or on none.
void PlaceByGpuId(const std::map<std::string, std::pair<std::string, int>>& ids, const std::string& id, ComponentHint& h) {
  auto it = ids.find(id);
  if (it == ids.end() || (!h.node.empty() && h.node != it->second.first)) return;
  h.node = it->second.first;
  h.gpu = it->second.second;
}

// The node and GPU of the worker torchrun's report or its agent's "failed (exitcode: -11)
// local_rank: 3 (pid: 41877)" line says failed with process id `pid` (Topology::torchrun_failures,
// the host a case node, the local rank known), on h.node when the line has one: a kernel's
// "pt_main_thread[41877]: segfault at ..." is that local rank's GPU (PLC5). Two such workers (the
// pid on two nodes, the line on neither) place nothing.
void PlaceByFailedPid(int64_t pid, const Topology& t, ComponentHint& h) {
  std::string node;
  int gpu = -1;
  for (const auto& [source, failures] : t.torchrun_failures) {
    for (const TorchrunFailure& f : failures) {
      if (f.pid != pid || f.local_rank < 0) continue;
      const std::string n = ReportedNode(f.host, t.names);
      if (n.empty() || (!h.node.empty() && n != h.node)) continue;
      if (!node.empty() && (n != node || f.local_rank != gpu)) return;
      node = n;
      gpu = f.local_rank;
    }
  }
  if (node.empty()) return;
  h.node = node;
  h.gpu = gpu;
  h.gpu_from_rank = true;
}

// PLC26 (realistic31 rl31-10): a bare GPU / device number a line reads (`h.gpu`, `h.gpu_bare`) at or
// over the topology's gpus_per_node is no local index: the global device the rank layout lays out
// there (its node and local GPU), else no GPU. Known gpus_per_node only; the line's rank, if any, is
// left as it is (read after).
void GlobalDeviceAsRank(const Topology& t, ComponentHint& h) {
  if (t.gpus_per_node <= 0 || h.gpu < t.gpus_per_node) return;
  auto it = t.ranks.find(h.gpu);
  if (it != t.ranks.end() && !it->second.node.empty() && it->second.gpu >= 0) {
    h.node = it->second.node;
    h.gpu = it->second.gpu;
    h.gpu_from_rank = true;
  } else {
    h.gpu = -1;
  }
  h.gpu_bare = false;
}

void HintFromLine(const std::string& line, const Topology& t, ComponentHint& h) {
  static const std::regex kPci(R"(PCI:((?:[0-9a-fA-F]{4,8}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}))");
  // A bus id may follow a word without a space (nvidia-smi's "handle for GPU0000:CB:00.0").
  static const std::regex kBusId(R"((?:^|[^0-9a-fA-F])([0-9a-fA-F]{4,8}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-9])\b)");
  // Structured (JSON / key=value) logs: "gpu_index":7, gpu_id=3, "minor_number": 5.
  static const std::regex kGpuKey(R"re((?:gpu_index|gpu_id|gpu_idx|minor_number|device_index)"?\s*[:=]\s*"?(\d+)\b)re",
                                  std::regex::icase);
  // "GPU0000:CB:00.0" is a bus id, not GPU 0.
  static const std::regex kGpu(R"((?:\bGPU\s*#?\s*|\bcuda:|\bgpu|\bdevice\s+)(\d+)\b(?![0-9a-fA-F]*:[0-9a-fA-F]{2}:))",
                               std::regex::icase);
  static const std::regex kRank(R"(\b(?:global\s+)?rank\s*[:=#]?\s*(\d+)\b)", std::regex::icase);
  static const std::regex kHca(R"(\b(mlx5_\d+|ibp\d+s\d+|hfi1_\d+)\b)");
  std::smatch m;
  // A node named like a GPU ("gpu062", "dgx-gpu12") is no GPU index: GPU words are read from the
  // line with the case's node names blanked out.
  std::string masked;
  bool gpu_named_node = false;
  for (const std::string& n : t.nodes) {
    if (n.empty() || !ContainsNoCase(n, "gpu")) continue;
    gpu_named_node = true;
    if (line.find(n) == std::string::npos) continue;
    if (masked.empty()) masked = line;
    for (size_t pos = masked.find(n); pos != std::string::npos; pos = masked.find(n, pos + n.size())) {
      masked.replace(pos, n.size(), n.size(), ' ');
    }
  }
  // ... and under its other spellings ("GPU062", "gpu062" for gpu062.cluster.local; review CF).
  if (gpu_named_node && ContainsNoCase(line, "gpu")) {
    for (const CaseNodes::Word& w : t.names.Words(line)) {
      if (!ContainsNoCase(w.node, "gpu")) continue;
      if (masked.empty()) masked = line;
      masked.replace(w.pos, w.len, w.len, ' ');
    }
  }
  const std::string& gpu_text = masked.empty() ? line : masked;
  if (h.node.empty()) {
    for (const std::string& n : t.nodes) {
      auto pos = line.find(n);
      if (pos == std::string::npos) continue;
      size_t end = pos + n.size();
      bool left = pos == 0 || !std::isalnum(static_cast<unsigned char>(line[pos - 1]));
      bool right = end >= line.size() || !(std::isalnum(static_cast<unsigned char>(line[end])) || line[end] == '-');
      if (left && right) {
        h.node = n;
        break;
      }
    }
    // The node under another spelling: "NODE-3", "node-3" for node-3.cluster.local (review CF).
    if (h.node.empty()) {
      const std::vector<CaseNodes::Word> words = t.names.Words(line);
      if (!words.empty()) h.node = words.front().node;
    }
  }
  // A GPU the line itself names as hardware (a PCI bus id, a structured gpu key, or "GPU N" next
  // to the node's name: "rank 18 (node-3 GPU 2)") beats the GPU guessed from the writer's rank:
  // one process may report on another GPU (integrity checks, health agents, rank 0 summaries).
  // A bare "GPU 0"/"cuda:0" is not enough: under CUDA_VISIBLE_DEVICES every rank sees GPU 0.
  if (h.gpu_from_rank) {
    bool names_node = false;
    for (const std::string& n : t.nodes) {
      auto pos = line.find(n);
      if (pos == std::string::npos) continue;
      size_t end = pos + n.size();
      bool right = end >= line.size() || !(std::isalnum(static_cast<unsigned char>(line[end])) || line[end] == '-');
      if (right && n == h.node) names_node = true;
    }
    if (!names_node && !h.node.empty()) {  // under another spelling (review CF)
      for (const CaseNodes::Word& w : t.names.Words(line)) names_node = names_node || w.node == h.node;
    }
    static const std::regex kNodeGpu(R"(\bGPU\s*#?\s*(\d+)\b)", std::regex::icase);
    std::string pci_key;
    if (std::regex_search(line, m, kPci) || std::regex_search(line, m, kBusId)) pci_key = PciKey(m.str(1));
    int named = -1;
    if (!pci_key.empty()) named = TopologyPciGpu(t, h.node, pci_key);
    if (named < 0 && std::regex_search(line, m, kGpuKey)) named = ParseInt32(m.str(1)).value_or(-1);
    if (named < 0 && names_node && std::regex_search(gpu_text, m, kNodeGpu)) named = ParseInt32(m.str(1)).value_or(-1);
    if (named >= 0) {
      h.gpu = named;
      h.gpu_from_rank = false;
    }
  }
  std::string pci;
  if (std::regex_search(line, m, kPci)) pci = PciKey(m.str(1));
  else if (std::regex_search(line, m, kBusId)) pci = PciKey(m.str(1));
  if (!pci.empty() && h.gpu < 0) {
    if (int named_gpu = TopologyPciGpu(t, h.node, pci); named_gpu >= 0) {
      h.gpu = named_gpu;
    } else if (h.node.empty()) {  // a line with no node: the first node with that bus
      for (const auto& [key, gpu] : t.node_pci_to_gpu) {
        if (PciKeysMatch(key.second, pci)) {
          h.gpu = gpu;
          h.node = key.first;
          break;
        }
      }
    }
  }
  // A GPU named only by its UUID ("Xid=79 on Device=GPU-5dbce48d-..."): the node and index the
  // case maps it to (Topology::uuid_gpu), on the line's node or a line with none.
  if (h.gpu < 0 && !t.uuid_gpu.empty() && line.find("GPU-") != std::string::npos) {
    static const std::regex kUuid(R"(\bGPU-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b)");
    if (std::regex_search(line, m, kUuid)) PlaceByGpuId(t.uuid_gpu, AsciiLower(m.str(0)), h);
  }
  // A GPU named by its serial number ("GPU serial 1652922004521", "Serial Number: 1652922004521"):
  // the node and index nvidia-smi tied it to (Topology::serial_gpu).
  if (h.gpu < 0 && !t.serial_gpu.empty() && ContainsNoCase(line, "serial")) {
    static const std::regex kSerial(R"(\b[Ss]erial(?:[ _-]?[Nn]umber|[ _-]?[Nn]o\.?)?\s*[:=#]?\s*(\d{6,20})\b)");
    if (std::regex_search(line, m, kSerial)) PlaceByGpuId(t.serial_gpu, m.str(1), h);
  }
  // A crashed process named by its pid ("python3[4412]: segfault at ...", "Process 4412 (python3)
  // of user 1001 dumped core", "Killed process 4412 (python3)"): the rank whose line gave that pid
  // on this node (Topology::pid_ranks); else (PLC5) the local rank torchelastic's agent reported
  // failed with that pid ("failed (exitcode: -11) local_rank: 3 (pid: 41877)") on this node: that
  // local rank's GPU.
  if (h.gpu < 0 && h.rank < 0 && (!t.pid_ranks.empty() || !t.torchrun_failures.empty())) {
    static const std::regex kCrashPid(
        R"(\[(\d+)\]:?\s+segfault at\b|\b[Pp]rocess (\d+) \([^)]*\) of user\b|\bKilled process (\d+)\b|\btraps: \S+\[(\d+)\])");
    if (std::regex_search(line, m, kCrashPid)) {
      std::string pid_text;
      for (size_t g = 1; g <= 4 && pid_text.empty(); ++g) {
        if (m[g].matched) pid_text = m.str(g);
      }
      if (std::optional<int64_t> pid = ParseInt(pid_text)) {
        int rank = -1;
        for (const auto& [key, r] : t.pid_ranks) {
          if (key.second == *pid && (h.node.empty() || key.first == h.node)) {
            if (rank >= 0 && rank != r) {
              rank = -1;  // the pid on two nodes, the line on neither: no guess
              break;
            }
            rank = r;
          }
        }
        if (auto it = t.ranks.find(rank); rank >= 0 && it != t.ranks.end() &&
                                            (h.node.empty() || it->second.node == h.node)) {
          h.rank = rank;
          h.node = it->second.node;
          h.gpu = it->second.gpu;
          h.gpu_from_rank = h.gpu >= 0;
        } else if (rank < 0) {
          PlaceByFailedPid(*pid, t, h);
        }
      }
    }
  }
  if (h.gpu < 0 && std::regex_search(line, m, kGpuKey)) h.gpu = ParseInt32(m.str(1)).value_or(-1);
  // torchrun --tee's "[default3]:" in front of a line: the same local rank, on the node whose
  // agent printed it (the log's). Read before a bare "GPU 0" / "cuda:0" in the line, the writer's
  // own device under CUDA_VISIBLE_DEVICES (review RV-P2: "[default3]: ... GPU 0 has a total
  // capacity" was gpu0).
  if (h.gpu < 0) {
    if (std::optional<int> local = TeeLocalRank(line, t)) {
      h.gpu = *local;
      h.gpu_from_rank = true;
    }
  }
  if (h.gpu < 0 && std::regex_search(gpu_text, m, kGpu)) {
    h.gpu = ParseInt32(m.str(1)).value_or(-1);
    h.gpu_bare = h.gpu >= 0;
    // PLC26: a device number no node of the topology holds ("device 61" of a JAX job on 8-GPU nodes,
    // a global device id) is no local GPU: the device the layout puts there (global device d on
    // nodes[d / gpus_per_node], local GPU d % gpus_per_node: JAX numbers devices process-major),
    // else none (before: gpu61 of the log's node, a GPU that does not exist).
    GlobalDeviceAsRank(t, h);
  }
  // torchrun's "local_rank: 3": one process per GPU, local rank N drives GPU N of its node.
  static const std::regex kLocalRank(R"(\blocal[_ ]rank\s*[:=]?\s*(\d+)\b)", std::regex::icase);
  if (h.gpu < 0 && std::regex_search(line, m, kLocalRank)) {
    h.gpu = ParseInt32(m.str(1)).value_or(-1);
    h.gpu_from_rank = h.gpu >= 0;
  }
  if (h.rank < 0 && std::regex_search(line, m, kRank)) h.rank = RankNamedByLine(line);
  if (h.hca.empty() && std::regex_search(line, m, kHca)) h.hca = m.str(1);
  // The netdev in a kernel driver line's "mlx5_core <bus id> <netdev>: ..." slot ("ib4", "ibp75s0",
  // "enp75s0np0" on RoCE), whatever its naming scheme, resolved to its HCA later (HcaOfNetdev): only
  // predictable names (ibp75s0) were read, so the classic IPoIB names ib0..ibN left an IB link fault
  // on the node (RG10, realistic12). A line with no slot names the device, not a netdev.
  if (h.hca.empty()) {
    if (std::optional<Mlx5DriverLine> d = ParseMlx5DriverLine(line)) h.hca = d->netdev;
  }
  if (h.rank >= 0) {
    auto it = t.ranks.find(h.rank);
    if (it != t.ranks.end()) {
      if (h.node.empty()) h.node = it->second.node;
      if (h.gpu < 0 && it->second.node == h.node) h.gpu = it->second.gpu;
    }
  }
}

}  // namespace

std::string NvrmBusIdAbove(const CaseLog& log, size_t line) {
  // A bus id of a line's own: "PCI:0000:3b:00", "00000000:3B:00.0", "Xid (0000:3b:00)" (a time of day,
  // "19:52:13", is none: its first field has two digits).
  static const std::regex kBusAnywhere(
      R"((?:^|[^0-9a-fA-F])[0-9a-fA-F]{4,8}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\b|PCI:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\b)");
  static const std::regex kGpuAt(R"(\bNVRM: GPU at PCI:((?:[0-9a-fA-F]{4,8}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2})(?:\.[0-7])?\b)");
  constexpr size_t kMaxNvrmLines = 4;
  if (line >= log.lines.size()) return "";
  const std::string& own = log.lines[line].text;
  if (own.size() > 2000 || own.find("NVRM") == std::string::npos || std::regex_search(own, kBusAnywhere)) return "";
  for (size_t k = line, dist = 0; k-- > 0 && dist++ < kMaxNvrmLines;) {
    const std::string& text = log.lines[k].text;
    if (text.size() > 2000 || text.find("NVRM") == std::string::npos) continue;
    std::smatch m;
    if (std::regex_search(text, m, kGpuAt)) return m.str(1);
    // Another NVRM line naming a bus id (another GPU's report) ends the search.
    if (std::regex_search(text, kBusAnywhere)) return "";
  }
  return "";
}

namespace {

// Multi-line tool output names the device once, in a section header, and the fault lines below
// it do not: ibstat ("CA 'mlx5_4'" ... "State: Down"), nvidia-smi -q ("GPU 00000000:3B:00.0" ...
// "Pending : Yes"). A line whose hint has no GPU and no HCA takes them from the nearest such
// header above it in the same log (at most kMaxSectionLines lines up).
void HintFromSection(const CaseLog& log, size_t line, const Topology& t, ComponentHint& h) {
  constexpr size_t kMaxSectionLines = 60;
  constexpr size_t kMaxRankSectionLines = 6;
  static const std::regex kRankHeader(R"(^\s*(?:global_)?rank\s*:\s*\d+\s*\(local_rank\s*:\s*\d+\)\s*$)",
                                      std::regex::icase);
  static const std::regex kHeader(R"(^\s*(CA '[^']+'|GPU [0-9a-fA-F]{4,8}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-9])\s*$)");
  // lspci's device line: "bb:00.0 3D controller: NVIDIA ..." (with -D: "0000:bb:00.0 ...").
  static const std::regex kLspci(R"(^((?:[0-9a-fA-F]{4,8}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-9]) [A-Za-z0-9 ]*(controller|bridge)\b.*)");
  // nvidia-smi's per-index header ("GPU 6: NVIDIA H100 80GB HBM3 (UUID: GPU-3f0a...)"), printed by
  // `nvidia-smi nvlink -s` / `-e` / `--status` above that GPU's indented "\t Link 13: <inactive>"
  // rows (RL4). The same header is every row of `nvidia-smi -L`, so it heads only an indented body:
  // the line and every line between must be indented deeper than the header (review RV-RL4: "start
  // with white space" held for every line of a paste indented as a whole, a ticket's code block, and
  // an error printed after `-L`'s list went to the list's last GPU).
  static const std::regex kIndexHeader(R"(^\s*GPU (\d{1,3}): [^()]*\(UUID: GPU-[0-9a-fA-F-]+\)\s*$)");
  auto indent = [](const std::string& s) {
    size_t n = s.find_first_not_of(" \t");
    return n == std::string::npos ? size_t{0} : n;  // a blank line ends a body
  };
  // A pdsh / clush paste (`pdsh -w n[01-04] nvidia-smi nvlink -s`: "n03: GPU 2: NVIDIA ... (UUID: ...)",
  // "n03: \t Link 4: <inactive>"): each line is read with its host label cut off, and only lines of
  // the same host head it (the hosts' output interleaves); the distances count that host's lines.
  std::string host;
  std::string own = log.lines[line].text;
  if (auto src = t.launcher_sources.find(log.source); src != t.launcher_sources.end() && src->second == kPdshHost) {
    if (std::optional<LauncherLabel> l = ReadLauncherLabel(own, kPdshHost)) {
      host = l->host;
      own = own.substr(l->length);
    }
  }
  size_t body_indent = indent(own);  // the least indentation from the line up
  if (h.gpu >= 0 || !h.hca.empty()) return;
  // The driver's "NVRM: GPU at PCI:0000:3b:00: GPU-..." just above an NVRM line that names no bus id
  // of its own ("NVRM: Xid 79, GPU has fallen off the bus"): that GPU (RG11).
  if (const std::string bus = NvrmBusIdAbove(log, line); !bus.empty()) {
    ComponentHint sec = h;
    HintFromLine("PCI:" + bus, t, sec);
    h.gpu = sec.gpu;
    if (h.node.empty()) h.node = sec.node;
    if (h.gpu >= 0) return;
  }
  std::string unlabelled;
  for (size_t k = line, dist = 0, scanned = 0; k-- > 0 && scanned++ < 16 * kMaxSectionLines;) {
    const std::string* raw = &log.lines[k].text;
    if (!host.empty()) {
      std::optional<LauncherLabel> l = ReadLauncherLabel(*raw, kPdshHost);
      if (!l || l->host != host) continue;  // another host's line, or the runner's own
      unlabelled = raw->substr(l->length);
      raw = &unlabelled;
    }
    if (++dist > kMaxSectionLines) break;
    const std::string& text = *raw;
    if (text.size() > 200) {
      body_indent = 0;
      continue;
    }
    std::smatch lm;
    if (body_indent > 0 && indent(text) < body_indent && std::regex_match(text, lm, kIndexHeader)) {
      if (std::optional<int32_t> gpu = ParseInt32(lm.str(1)); gpu && (t.gpus_per_node <= 0 || *gpu < t.gpus_per_node)) {
        h.gpu = *gpu;
        return;
      }
    }
    body_indent = std::min(body_indent, indent(text));
    // torchrun's error summary: "Root Cause (first observed failure):" then "rank : 13 (local_rank:
    // 5)" and below it that rank's exitcode, signal and traceback lines (a few lines at most).
    if (dist <= kMaxRankSectionLines && std::regex_match(text, kRankHeader)) {
      ComponentHint sec = h;
      HintFromLine(text, t, sec);
      h.gpu = sec.gpu;
      h.gpu_from_rank = sec.gpu_from_rank;
      h.gpu_bare = sec.gpu_bare;
      if (h.rank < 0) h.rank = sec.rank;
      if (h.node.empty()) h.node = sec.node;
      return;
    }
    bool lspci = std::regex_match(text, lm, kLspci);
    if (!lspci && !std::regex_match(text, kHeader)) continue;
    ComponentHint sec = h;
    std::string body = text;
    if (lspci) body = "PCI:" + lm.str(1);  // the bus id alone, in the form HintFromLine maps
    else if (body.find("CA '") != std::string::npos) body = body.substr(body.find('\'') + 1);  // "mlx5_4'"
    else body = body.substr(body.find("GPU ") + 4);  // the bus id alone: "GPU 0000" is no GPU index
    HintFromLine(body, t, sec);
    h.gpu = sec.gpu;
    h.hca = sec.hca;
    if (h.node.empty()) h.node = sec.node;
    return;
  }
}

// A line about a rank that torchrun's failure report places on another node than the log's: a
// line of the report's entry, the agent's "failed (exitcode: 1) local_rank: 2 (pid: 91638)" with
// the entry's pid, or (in a log that is no rank's own) a line naming the reported rank ("rank 12
// exited with signal 6"). The report's host and local rank are where that rank ran; the log's
// node is only where the agent or launcher that printed it runs.
void HintFromTorchrunReport(const CaseLog& log, size_t line, const Topology& t, ComponentHint& h) {
  auto it = t.torchrun_failures.find(log.source);
  if (it == t.torchrun_failures.end()) return;
  static const std::regex kPid(R"(\bpid\s*[:=]?\s*(\d+)\b)", std::regex::icase);
  static const std::regex kRank(R"(\b(?:global\s+)?rank\s*[:=#]?\s*(\d+)\b)", std::regex::icase);
  const std::string& text = log.lines[line].text;
  std::smatch m;
  long pid = std::regex_search(text, m, kPid) ? static_cast<long>(ParseInt(m.str(1)).value_or(-1)) : -1;
  bool own_log = std::regex_search(log.source, SourceRankRegex());
  int rank = !own_log && std::regex_search(text, m, kRank) ? ParseInt32(m.str(1)).value_or(-1) : -1;
  for (const TorchrunFailure& f : it->second) {
    std::string node = ReportedNode(f.host, t.names);
    if (node.empty() || f.local_rank < 0) continue;
    bool in_entry = line >= f.first_line && line <= f.last_line;
    bool same_pid = f.pid >= 0 && pid == f.pid;
    bool same_rank = f.rank >= 0 && rank == f.rank;
    if (!in_entry && !same_pid && !same_rank) continue;
    // The failed process's GPU from a kernel Xid line naming its pid (Topology::pid_gpus), else its local rank.
    auto xid = f.pid >= 0 ? t.pid_gpus.find({node, f.pid}) : t.pid_gpus.end();
    const bool physical = xid != t.pid_gpus.end() && xid->second >= 0;
    const int gpu = physical ? xid->second : f.local_rank;
    if (h.gpu >= 0 && !h.gpu_from_rank && !(h.node == node && h.gpu == gpu)) return;  // the line names its GPU
    h.node = node;
    h.gpu = gpu;
    h.gpu_from_rank = !physical;
    if (f.rank >= 0) h.rank = f.rank;
    return;
  }
}

// Where the process that wrote a line ran, when the line says so and the log is not that
// process's own: PyTorch's per-rank prefix ("[rank31]: torch.OutOfMemoryError ...", torchrun
// --tee / `srun -l` output gathered into one file), Megatron/DeepSpeed's "[Rank 20] CUDA error:
// ..." (after up to three bracketed fields: time, level, file), and Slurm's "srun: error: NODE:
// task 1: Out Of Memory" (the node the task ran on). A gathered log lives on one node (often the
// first of the job) while the rank that wrote the line runs on the node the topology places it on;
// the log source's node is only where the output was collected.
//
// `srun_tasks_are_ranks`: the log shows no per-node launcher (torchrun, torch.distributed.launch /
// elastic, DeepSpeed's or accelerate's launcher, torchrun --tee's "[default3]:"), so a srun task
// is one rank (PerNodeLauncher below decides it per log; false keeps srun's line at the node).
void HintFromWriter(const std::string& line, const Topology& t, ComponentHint& h,
                    bool srun_tasks_are_ranks = false, bool explicit_node = false) {
  if (h.rank >= 0 || line.size() > 4000) return;  // a rank's own log: the source already says who wrote it
  // `srun -l` labels each line with its task id first ("16: [rank16]: ..."); torchrun --tee / --log-dir
  // with its "[<role><local rank>]:" next ("[default0]:[rank31]: ...", TeeLocalRank).
  static const std::regex kRankPrefix(
      R"(^\s*(?:\d+:\s+)?(?:\[(?!rank\d)[A-Za-z][A-Za-z_-]{0,30}(\d{1,3})\]:)?(?:\[[^\[\]]{0,60}\]\s*){0,3}\[\s*rank\s*(\d+)\s*\])",
      std::regex::icase);
  static const std::regex kSrunTask(R"(\bsrun: error: ([A-Za-z0-9._-]+): (tasks? )(\d+)(:?))");
  std::smatch m;
  if (line.find("srun: error: ") != std::string::npos && std::regex_search(line, m, kSrunTask)) {
    std::string node = ReportedNode(m.str(1), t.names);
    if (node.empty()) return;
    // One task ("task 13: Segmentation fault"), not a range ("tasks 0-7: Terminated"): srun launches
    // one task per rank when the job runs without torchrun, so task N is rank N, and its GPU is the
    // topology's for rank N, but only where the topology places rank N on the node srun names (one
    // torchrun per node makes task N the node's index instead: the node alone then).
    // Under `srun --ntasks-per-node=1 torchrun ...` task 0 is the first node's launcher, which the
    // topology's rank 0 also sits on: the launcher's exit names no GPU (review RV-RL2).
    if (srun_tasks_are_ranks && m.str(2) == "task " && !m.str(4).empty()) {
      std::optional<int32_t> task = ParseInt32(m.str(3));
      auto it = task ? t.ranks.find(*task) : t.ranks.end();
      if (it != t.ranks.end() && it->second.node == node && it->second.gpu >= 0) {
        h.node = node;
        h.rank = *task;
        h.gpu = it->second.gpu;
        h.gpu_from_rank = true;
        return;
      }
    }
    if (node != h.node) {
      h.node = node;
      h.gpu = -1;
      h.gpu_from_rank = false;
    }
    return;
  }
  // NCCL's own lines name their writer: "HOST:PID:TID [DEV] NCCL INFO|WARN ..." (after srun -l's
  // "N: " or torchrun --tee's "[default3]:" label). The host is the node the process runs on,
  // whichever node's log gathered the line (RG9, realistic11 rl11-16: three nodes' "Cuda failure 2
  // 'out of memory'" in one srun log were all placed on the node that gathered it). DEV is the CUDA
  // device ordinal the process sees (0 for every rank under per-task CUDA_VISIBLE_DEVICES): no GPU.
  if (line.find("NCCL") != std::string::npos) {
    static const std::regex kNcclPrefix(
        R"(^\s*(?:\d+:\s+)?(?:\[[A-Za-z][A-Za-z_-]{0,30}\d{0,3}\]:\s*)?([A-Za-z0-9][A-Za-z0-9._-]{0,252}):\d{1,10}:\d{1,10} \[\d{1,3}\] (?:.{0,80}\s)?NCCL (?:INFO|WARN|TRACE|ABORT)\b)");
    if (std::regex_search(line, m, kNcclPrefix)) {
      const std::string node = ReportedNode(m.str(1), t.names);
      if (!node.empty() && node != h.node) {
        h.node = node;
        h.rank = -1;
        h.gpu = -1;
        h.gpu_from_rank = false;
      }
      return;
    }
  }
  if (line.find('[') == std::string::npos || !std::regex_search(line, m, kRankPrefix)) return;
  if (m[1].matched && !TeeLocalRank(line, t)) return;  // "[step100]:[rank3]": no tee field, unread
  std::optional<int32_t> rank = ParseInt32(m.str(2));
  if (!rank) return;
  auto it = t.ranks.find(*rank);
  if (it == t.ranks.end() || it->second.node.empty() || it->second.node == h.node) return;
  // The layout's guess does not move a line whose source is explicit (`ssh NODE`, `kubectl logs POD`
  // of a pod the case ties to a node, a syslog header's host, pdsh's host label; PLC2): the rank
  // number is the job's, its node a guess that fewer ranks a node or another node order breaks
  // (RG20: a pod's "[rank0]:" OOM read with `kubectl logs` on the second node went to the first).
  // A rank the case places explicitly (a rank map, a printed rank -> host table, torchrun's failure
  // report) still moves it: the writer ran there, whichever node's file or paste holds the line.
  if (explicit_node && t.laid_out_ranks.count(*rank)) return;
  h.node = it->second.node;
  h.rank = *rank;
  h.gpu = it->second.gpu;
  h.gpu_from_rank = h.gpu >= 0;
}

// Whether a log shows a per-node launcher between srun and the ranks (torchrun, python -m
// torch.distributed.run / launch, torch's elastic agent, DeepSpeed's or accelerate's launcher, or
// torchrun --tee's "[default3]:" prefix): then srun's task N is node N's launcher, not rank N.
bool PerNodeLauncher(const CaseLog& log) {
  static const std::regex kTee(R"(^\s*(?:\d+:\s+)?\[default\d{1,3}\]:)");
  static const char* const kNames[] = {"torchrun",           "torch.distributed.run", "torch.distributed.launch",
                                       "torch.distributed.elastic", "deepspeed.launcher", "deepspeed/launcher",
                                       "accelerate launch"};
  for (const LogLine& l : log.lines) {
    for (const char* n : kNames) {
      if (l.text.find(n) != std::string::npos) return true;
    }
    if (l.text.find("[default") != std::string::npos && l.text.size() <= 4000 && std::regex_search(l.text, kTee)) {
      return true;
    }
  }
  return false;
}

// slurmstepd reports a step's failure ("slurmstepd: error: Detected 1 oom_kill event in StepId=
// 339001.0") in the batch script's output, on the batch host; srun then names the node of each
// failed task on the lines next to it ("srun: error: hm-h200-2: task 1: Out Of Memory"). The
// slurmstepd line takes the node srun names (one node only; a few lines either side).
void HintFromSlurmStep(const CaseLog& log, size_t line, const Topology& t, ComponentHint& h) {
  constexpr size_t kNear = 3;
  const std::string& text = log.lines[line].text;
  if (text.find("slurmstepd") == std::string::npos || text.size() > 2000) return;
  std::string named;
  for (size_t k = line > kNear ? line - kNear : 0; k < log.lines.size() && k <= line + kNear; ++k) {
    if (k == line || log.lines[k].text.find("srun: error: ") == std::string::npos) continue;
    ComponentHint other;
    HintFromWriter(log.lines[k].text, t, other);
    if (other.node.empty()) continue;
    if (!named.empty() && named != other.node) return;  // tasks on several nodes: no one node
    named = other.node;
  }
  if (named.empty() || named == h.node) return;
  h.node = named;
  h.gpu = -1;
  h.gpu_from_rank = false;
}

std::optional<SlowMention> SlowMentionIn(const std::string& line, const CaseNodes& names);  // below

// Where a line says a rank runs, printed right after "rank N" (PL4): "rank 21 (b200-p03, local GPU
// 5)", "rank 21 (b200-p03:5)", "rank 21 on b200-p03 GPU 5", "rank 21 on node b200-p03", "[rank 21 |
// b200-p03:5]". `rest` is the text after the rank number; `len` is set to the length read. The node
// must be one of the case's (CaseNodes::Find), else nothing is read; the GPU is -1 when none is
// printed or when it is past the topology's GPUs a node.
struct RankPlace {
  std::string node;
  int gpu = -1;
  size_t len = 0;
};
std::optional<RankPlace> RankPlaceAfter(const std::string& rest, const Topology& t) {
  static const std::regex kParen(
      R"(^\s*\(\s*([A-Za-z0-9][\w.-]{0,100}?)\s*(?:(?:[,;/]\s*(?:local\s+)?(?:gpu|cuda|device|dev)\s*[:#=]?\s*(\d{1,3}))|:\s*(\d{1,3}))?\s*\))",
      std::regex::icase);
  static const std::regex kOn(
      R"(^\s+(?:on|@)\s+(?:node\s+|host\s+)?([A-Za-z0-9][\w.-]{0,100}?)(?:(?:\s*,\s*|\s*\(\s*|\s+)(?:local\s+)?(?:gpu|cuda|device)\s*[:#=]?\s*(\d{1,3})\)?|:(\d{1,3}))?(?=[\s,;:)\]]|$))",
      std::regex::icase);
  static const std::regex kBar(R"(^\s*\|\s*([A-Za-z0-9][\w.-]{0,100}?)(?::(\d{1,3}))?\s*\])");
  std::smatch m;
  const std::string head = rest.substr(0, 160);
  if (!std::regex_search(head, m, kParen) && !std::regex_search(head, m, kOn) && !std::regex_search(head, m, kBar))
    return std::nullopt;
  std::string word = m.str(1);
  while (!word.empty() && (word.back() == '.' || word.back() == '-')) word.pop_back();
  RankPlace p;
  p.node = t.names.Find(word);
  if (p.node.empty()) return std::nullopt;
  const std::string gpu = m[2].matched ? m.str(2) : (m[3].matched ? m.str(3) : "");
  if (std::optional<int32_t> g = gpu.empty() ? std::nullopt : ParseInt32(gpu);
      g && *g >= 0 && (t.gpus_per_node <= 0 ? *g < 64 : *g < t.gpus_per_node)) {
    p.gpu = *g;
  }
  p.len = static_cast<size_t>(m.length(0));
  return p;
}

// The rank a line reports on, when its writer reports on another one (review RV-P2): a consistency
// check's replica that differs ("rank 77 digest 9f1c.. differs from 15 peers", "replica digest
// mismatch on rank 77") or a slow participant one rank reports for all (SlowMentionIn: "straggler
// detector: min/max fwd-bwd time across ranks 2871.3 ms (rank 12) / 4140.7 ms (rank 45)", "rank 19
// is 1.4x slower than median"). That rank's node and GPU (the topology's) win over the writer's
// label or prefix (rank 0 prints both reports); a rank the topology does not place, or a slow
// mention naming another node than the rank's, changes nothing.
// PL4: a rank printed with its node (and GPU) - "rank 21 (b200-p03, local GPU 5): fp32 master-weight
// checksum ... differs" (RankPlaceAfter) - is read as the rank alone by those two rules, and is the
// line's subject when it heads the line (after timestamps, a log level, a "[rankN]:" prefix: "[rank
// 21 | b200-p03:5] ..."). The node and GPU printed win over the topology's rank layout (the writer
// knows where the rank ran; the layout is the case's assumption). A rank named later in the line
// with no check that differs ("rank 0: all-reduce waited 300 s for rank 21 (b200-p03, GPU 5)") or a
// check's reference ("checksum mismatch: expected value from rank 3") is no subject.
void HintFromSubject(const std::string& line, const Topology& t, ComponentHint& h) {
  if (line.size() > 2000 || !ContainsNoCase(line, "rank")) return;
  static const std::regex kSdcRankFirst(
      R"(\brank\s*[=:#]?\s*(\d+)\b[^;|]{0,30}?\b(?:digest|checksum|hash|sha\d*|params?|parameters?|weights?|grads?|gradients?|outputs?|replica)\b[^;|]{0,80}?\b(?:differs?|differed|different|mismatch\w*|disagree\w*|diverge\w*)\b)",
      std::regex::icase);
  static const std::regex kSdcRankAfter(
      R"(\b(?:digest|checksum|hash|replica|params?|parameters?|weights?|grads?|gradients?|outputs?)\b[^;|]{0,30}?\b(?:mismatch\w*|differs?|disagree\w*|diverge\w*)\b([^;|]{0,20}?)\b(?:on|at|from|in|for|of)\s+rank\s*[=:#]?\s*(\d+)\b)",
      std::regex::icase);
  // RL6: "replicas disagree on param checksum: dp_rank 21 (global rank 174)". A dp_rank / tp_rank
  // numbers a replica within its group; the global rank printed after the check is the process (the
  // topology's rank). A reference ("expected value from global rank 0") is no subject.
  static const std::regex kSdcGlobalRank(
      R"(\b(?:mismatch\w*|differs?|differed|different|disagree\w*|diverge\w*)\b([^;|]{0,80}?)\bglobal[ _-]?rank\s*[=:#]?\s*(\d{1,6})\b)",
      std::regex::icase);
  static const std::regex kRank(R"(\brank\s*[=:#]?\s*(\d{1,6})\b)", std::regex::icase);
  // What may come before a line's subject: timestamps, separators, a log level, writer prefixes.
  static const std::regex kHead(
      R"(^(?:[\s\[\]\d:.,/TZ+|>-]|\[(?:rank|default)\d{1,6}\]:|(?:INFO|WARN\w*|ERROR|CRITICAL|FATAL|DEBUG)\b)*\[?\s*$)",
      std::regex::icase);
  // Each "rank N" printed with its place: the place by rank, and the line with the place cut out
  // (for the rules below, which read a rank next to its check).
  std::map<int32_t, RankPlace> places;
  std::string stripped;
  std::optional<int32_t> head_rank;
  size_t copied = 0;
  for (auto it = std::sregex_iterator(line.begin(), line.end(), kRank); it != std::sregex_iterator(); ++it) {
    const size_t end = static_cast<size_t>(it->position(0) + it->length(0));
    if (end < copied) continue;
    std::optional<RankPlace> p = RankPlaceAfter(line.substr(end), t);
    if (!p) continue;
    std::optional<int32_t> r = ParseInt32(it->str(1));
    if (!r) continue;
    if (places.empty() && it->position(0) <= 120 &&
        std::regex_match(line.substr(0, static_cast<size_t>(it->position(0))), kHead)) {
      head_rank = *r;
    }
    places.emplace(*r, *p);
    stripped += line.substr(copied, end - copied);
    copied = end + p->len;
  }
  stripped += line.substr(std::min(copied, line.size()));
  std::optional<int32_t> subject = head_rank;
  std::string named_node;
  std::smatch m;
  bool sdc = false;
  for (const char* w : {"differ", "mismatch", "disagree", "diverge"}) sdc = sdc || ContainsNoCase(line, w);
  // A reference is the word that governs the rank: it ends the text before the rank ("expected value
  // from rank 3", "reference: global rank 0", "peer rank 2"). A reference word further back names the
  // check's other side, not this rank: "checksum differs from 31 peers on global rank 174" reports
  // rank 174 (review RV-RL6: "peers" anywhere between the check and the rank dropped the subject).
  static const std::regex kReference(
      R"((?:\b(?:expect\w*|reference|golden|baseline)\b(?:\W+\w+){0,4}|\bpeers?)\W*$)", std::regex::icase);
  if (subject) {
    // the line's head names the rank and where it ran
  } else if (sdc && std::regex_search(stripped, m, kSdcRankFirst)) {
    subject = ParseInt32(m.str(1));
  } else if (sdc && std::regex_search(stripped, m, kSdcRankAfter)) {
    // "mismatch: expected value from rank 3": rank 3 is the reference, not the replica that differs.
    if (!std::regex_search(m.str(1), kReference)) subject = ParseInt32(m.str(2));
  } else if (sdc && ContainsNoCase(stripped, "global") && std::regex_search(stripped, m, kSdcGlobalRank) &&
             !std::regex_search(m.str(1), kReference)) {
    subject = ParseInt32(m.str(2));
  } else if (std::optional<SlowMention> slow = SlowMentionIn(line, t.names); slow && slow->ranks.size() == 1) {
    subject = slow->ranks[0];
    named_node = slow->node;
  }
  if (!subject) return;
  if (auto named = places.find(*subject); named != places.end()) {
    const RankPlace& p = named->second;
    auto it = t.ranks.find(*subject);
    h.node = p.node;
    h.rank = *subject;
    h.gpu = p.gpu;
    h.gpu_from_rank = false;
    if (p.gpu < 0 && it != t.ranks.end() && it->second.node == p.node) {  // no GPU printed: the layout's
      h.gpu = it->second.gpu;
      h.gpu_from_rank = h.gpu >= 0;
    }
    h.gpu_bare = false;
    return;
  }
  if (*subject == h.rank) return;
  auto it = t.ranks.find(*subject);
  if (it == t.ranks.end() || it->second.node.empty()) return;
  if (!named_node.empty() && !SameNodeName(it->second.node, named_node)) return;
  h.node = it->second.node;
  h.rank = *subject;
  h.gpu = it->second.gpu;
  h.gpu_from_rank = h.gpu >= 0;
  h.gpu_bare = false;
}

// A row of a `dcgmi diag` results table (PL4, realistic4 rl4-10, realistic3 rl3-09, holdout h003):
//   | Diagnostic                | GPU0: Pass                                     |
//   |                           | GPU5: Fail                                     |
//   | Memory                    | Fail - GPU: 4                                  |
//   | Warning                   | GPU5 Error: DCGM_FR_FIELD_VIOLATION, miscompa- |
//   |                           | re detected in compute kernel results on GPU 5 |
// The table is the run of lines starting with '|' or '+' below a `dcgmi diag` command or a
// "| Diagnostic | Result |" header (at most kMaxDcgmTableLines up). A row is read only whole (a
// closing '|'); a row with no test name continues the test above it, or the Warning / Error above
// it when that named a GPU (a warning wraps over several rows). `gpu` is the GPU the row is about
// (-1: none, or an index at or past the topology's GPUs a node: not read); `fail` marks a Fail
// result ("Pass", "Skip", "Warn" are no failures); `warning` a Warning / Error row's text; `test`
// the test's name; `node` the node `--host NODE` names on the command line (else "").
struct DcgmRow {
  int gpu = -1;
  std::vector<int> gpus;  // the GPUs a Fail row names ("Fail - GPU: 2, 5": 2 and 5; "GPU5: Fail": 5)
  bool all = false;       // "Fail - All": every GPU of the node failed the test
  bool fail = false;
  bool warning = false;
  std::string test;
  std::string text;  // the row's result cell
  std::string node;
  size_t table_start = 0;
};
constexpr size_t kMaxDcgmTableLines = 400;
std::optional<DcgmRow> DcgmDiagRow(const CaseLog& log, size_t line, const Topology& t) {
  // A '+' line is a table's rule ("+----+"), not bash's xtrace of the command ("+ dcgmi diag -r 3",
  // review RV-PL4: the command right above its table was taken for the table's first line).
  auto table_line = [](const std::string& s) {
    const size_t p = s.find_first_not_of(' ');
    if (p == std::string::npos || s.size() > 400) return false;
    return s[p] == '|' || (s[p] == '+' && p + 1 < s.size() && (s[p + 1] == '-' || s[p + 1] == '='));
  };
  if (line >= log.lines.size() || !table_line(log.lines[line].text)) return std::nullopt;
  static const std::regex kHeader(R"(^\s*\|\s*Diagnostic\s*\|\s*Result\s*\|\s*$)");
  static const std::regex kHost(R"(\s--host\s+([A-Za-z0-9][\w.-]*))");
  size_t start = line;
  bool found = false;
  std::string node;
  while (start > 0 && line - start < kMaxDcgmTableLines && table_line(log.lines[start - 1].text)) --start;
  for (size_t k = start; k <= line && !found; ++k) found = std::regex_search(log.lines[k].text, kHeader);
  // The command, at most a few lines above the table ("Successfully ran diagnostic for group.").
  for (size_t k = start, n = 0; k-- > 0 && n < 6; ++n) {
    const std::string& s = log.lines[k].text;
    if (s.find("dcgmi diag") == std::string::npos) continue;
    std::smatch m;
    if (s.size() <= 2000 && std::regex_search(s, m, kHost)) node = t.names.Find(m.str(1));
    found = true;
    break;
  }
  if (!found) return std::nullopt;
  static const std::regex kGpuResult(R"(^GPU\s*(\d{1,4})\s*:\s*(Pass|Fail|Skip|Warn)\w*\b)", std::regex::icase);
  // "Fail - GPU: 4", "Fail - GPU4", and the older several-GPU form "Fail - GPU: 2, 5" / "Fail - GPUs: 2, 5".
  static const std::regex kFailGpu(R"(^Fail\s*-\s*GPUs?\s*:?\s*(\d{1,4}(?:\s*,\s*(?:GPU\s*)?\d{1,4}){0,63})\s*$)",
                                   std::regex::icase);
  static const std::regex kFailAll(R"(^Fail\s*-\s*All\s*$)", std::regex::icase);
  static const std::regex kWarnGpu(R"(^GPU\s*(\d{1,4})\b)", std::regex::icase);
  auto gpu_of = [&](const std::string& digits) {
    std::optional<int32_t> g = ParseInt32(digits);
    if (!g || *g < 0 || (t.gpus_per_node > 0 ? *g >= t.gpus_per_node : *g >= 64)) return -1;
    return static_cast<int>(*g);
  };
  auto trim = [](const std::string& v) {
    const size_t p = v.find_first_not_of(' ');
    if (p == std::string::npos) return std::string();
    return v.substr(p, v.find_last_not_of(' ') - p + 1);
  };
  std::string test;
  int warn_gpu = -1;
  bool in_warning = false;
  for (size_t k = start; k <= line; ++k) {
    const std::string s = trim(log.lines[k].text);  // a table line: not blank
    DcgmRow row;
    row.node = node;
    row.table_start = start;
    if (s[0] == '+' || s.find("-----") != std::string::npos || s.find("=====") != std::string::npos) {
      test.clear();  // a section's rule
      in_warning = false;
      warn_gpu = -1;
      if (k == line) return std::nullopt;
      continue;
    }
    if (s.size() < 2 || s.back() != '|') {  // cut short: not read, nor what it would continue
      if (k == line) return std::nullopt;
      in_warning = false;
      warn_gpu = -1;
      continue;
    }
    const size_t mid = s.find('|', 1);
    if (mid == std::string::npos || mid + 1 >= s.size()) return std::nullopt;
    const std::string name = trim(s.substr(1, mid - 1));
    const std::string result = trim(s.substr(mid + 1, s.size() - mid - 2));
    std::smatch m;
    if (name == "Warning" || name == "Error" || name == "Warnings" || name == "Errors") {
      in_warning = true;
      warn_gpu = std::regex_search(result, m, kWarnGpu) ? gpu_of(m.str(1)) : -1;
    } else if (!name.empty()) {
      in_warning = false;
      warn_gpu = -1;
      test = name;
    }
    if (k != line) continue;
    row.test = test;
    row.text = result;
    if (in_warning) {
      row.warning = true;
      row.gpu = warn_gpu;
      row.fail = warn_gpu >= 0;
    } else if (std::regex_search(result, m, kGpuResult)) {
      row.gpu = gpu_of(m.str(1));
      row.fail = row.gpu >= 0 && (m.str(2)[0] == 'F' || m.str(2)[0] == 'f');
      if (row.fail) row.gpus = {row.gpu};
    } else if (std::regex_search(result, m, kFailGpu)) {
      // Each index named; one at or past the node's GPUs is not read (the others are).
      const std::string list = m.str(1);
      static const std::regex kIndex(R"(\d+)");
      for (auto it = std::sregex_iterator(list.begin(), list.end(), kIndex); it != std::sregex_iterator(); ++it) {
        const int g = gpu_of(it->str());
        if (g >= 0 && std::find(row.gpus.begin(), row.gpus.end(), g) == row.gpus.end()) row.gpus.push_back(g);
      }
      row.gpu = row.gpus.size() == 1 ? row.gpus[0] : -1;
      row.fail = !row.gpus.empty();
    } else if (std::regex_search(result, kFailAll)) {
      row.all = true;
      row.fail = true;
    }
    return row;
  }
  return std::nullopt;
}

// `dcgmi diag -j`'s JSON (DCGM 3.x), the same evidence as the table (DcgmDiagRow):
//   {"DCGM GPU Diagnostic" : {"test_categories" : [{"category" : "Hardware", "tests" : [
//     {"name" : "GPU Memory", "results" : [{"gpu_ids" : "4", "status" : "Fail",
//       "warnings" : [{"error_id" : 83, "warning" : "GPU 4 Row remapping failure ..."}],
//       "info" : "..."}, ...]}, ...]}, ...]}}
// One result: the test's `name`, the GPUs of its `gpu_ids` ("4", "2,5", [2, 5]; `gpu_id`, `entity_id`
// too; an index at or past the node's GPUs is not read), whether its `status` is Fail, and its
// `warnings` (strings, or objects with a `warning` / `message` text) and `info` text joined.
struct DcgmJsonResult {
  std::string test;
  std::vector<int> gpus;
  bool fail = false;
  std::string warning;
  size_t first = 0, last = 0;  // the lines of the result's object
  size_t status_line = 0;      // the line of its "status" (else its first)
  // DCGM 4.x names each result's entity: {"entity_group": "GPU", "entity_group_id": 1, "entity_id": 3}.
  // An entity of another group (a CPU, 7; an NVSwitch, 3) is no GPU: its entity_id is read only when
  // the result is a GPU's (review RV-GP: "CPU 0 memory test failed" was read as GPU 0's failure).
  std::string entity_ids;
  bool other_entity = false;
};
struct DcgmJson {
  std::vector<DcgmJsonResult> results;
  std::string node;  // the node `--host NODE` names on the `dcgmi diag` command above the JSON
  size_t start = 0, end = 0;
};
constexpr size_t kMaxDcgmJsonLines = 2000;
constexpr size_t kMaxDcgmJsonDepth = 32;

// A line of pretty-printed JSON: a bracket alone ("{", "},", "[") or a key ("\"status\" : ..."), or a
// one-line object ("{\"DCGM GPU Diagnostic\": ...}"). Log lines that start with '[' (timestamps,
// "[rank3]:") or '{' followed by other text are none.
bool JsonShapedLine(const std::string& s) {
  const size_t p = s.find_first_not_of(" \t");
  if (p == std::string::npos || s.size() > 20000) return false;
  const size_t e = s.find_last_not_of(" \t\r");
  const std::string_view v(s.data() + p, e - p + 1);
  if (v == "{" || v == "}" || v == "[" || v == "]" || v == "}," || v == "]," || v == "{}" || v == "[]" ||
      v == "{}," || v == "[],")
    return true;
  if (v.size() >= 2 && v[0] == '{' && v[1] == '"') return true;
  if (v == "true" || v == "false" || v == "null" || v == "true," || v == "false," || v == "null,") return true;
  if (v[0] == '-' || std::isdigit(static_cast<unsigned char>(v[0]))) {  // a number in a list ("4,")
    return v.size() <= 24 && v.find_first_not_of("0123456789.eE+-,") == std::string_view::npos;
  }
  if (v[0] != '"') return false;
  if (v.size() >= 2 && (v.back() == '"' || (v.back() == ',' && v[v.size() - 2] == '"'))) return true;  // a string in a list
  const size_t q = v.find('"', 1);
  if (q == std::string_view::npos) return false;
  const size_t c = v.find_first_not_of(" \t", q + 1);
  return c != std::string_view::npos && v[c] == ':';  // "key" : value
}

// The JSON object that holds `"test_categories"` on line `anchor` (its '{' on that line before the key,
// or alone at the end of one of the 3 lines above), read to its closing brace. nullopt when it is not
// well formed, deeper than kMaxDcgmJsonDepth or longer than kMaxDcgmJsonLines lines.
std::optional<DcgmJson> ReadDcgmJson(const CaseLog& log, size_t anchor, const Topology& t) {
  if (anchor >= log.lines.size()) return std::nullopt;
  const std::string& a = log.lines[anchor].text;
  const size_t key = a.find("\"test_categories\"");
  if (key == std::string::npos) return std::nullopt;
  size_t start = anchor, col = key == 0 ? std::string::npos : a.rfind('{', key - 1);
  for (size_t k = anchor; col == std::string::npos && k-- > 0 && anchor - k <= 3;) {
    const std::string& s = log.lines[k].text;
    const size_t e = s.find_last_not_of(" \t\r");
    if (e == std::string::npos) continue;  // blank
    if (s[e] != '{') return std::nullopt;
    start = k;
    col = e;
  }
  if (col == std::string::npos) return std::nullopt;
  auto gpu_of = [&](const std::string& digits) {
    std::optional<int32_t> g = ParseInt32(digits);
    if (!g || *g < 0 || (t.gpus_per_node > 0 ? *g >= t.gpus_per_node : *g >= 64)) return -1;
    return static_cast<int>(*g);
  };
  auto add_gpus = [&](DcgmJsonResult& r, const std::string& v) {
    static const std::regex kIndex(R"(\d{1,4})");
    if (v.size() > 400) return;
    for (auto it = std::sregex_iterator(v.begin(), v.end(), kIndex); it != std::sregex_iterator(); ++it) {
      const int g = gpu_of(it->str());
      if (g >= 0 && std::find(r.gpus.begin(), r.gpus.end(), g) == r.gpus.end()) r.gpus.push_back(g);
    }
  };
  auto add_text = [](DcgmJsonResult& r, const std::string& v) {
    if (v.empty() || r.warning.size() > 4000) return;
    if (!r.warning.empty()) r.warning += ' ';
    r.warning += v;
  };
  struct Frame {
    bool object = false;
    std::string key;  // the key this value has in its parent (an array's elements: the array's)
    bool has_key = false;
    std::string pending;  // an object's key read, its value not yet
    int result = -1;      // the result this object is (index in `out.results`)
    std::vector<size_t> results;  // a test's results
    std::string name;
  };
  std::vector<Frame> stack;
  DcgmJson out;
  out.start = start;
  auto result_of = [&](size_t depth_from_top) -> DcgmJsonResult* {
    for (size_t i = stack.size(); i-- > 0;) {
      if (stack[i].result >= 0) return stack.size() - 1 - i <= depth_from_top ? &out.results[stack[i].result] : nullptr;
    }
    return nullptr;
  };
  for (size_t k = start; k < log.lines.size() && k - start < kMaxDcgmJsonLines; ++k) {
    const std::string& s = log.lines[k].text;
    for (size_t i = k == start ? col : 0; i < s.size(); ++i) {
      const char ch = s[i];
      if (ch == ' ' || ch == '\t' || ch == '\r' || ch == ',' || ch == ':') continue;
      if (ch == '{' || ch == '[') {
        if (stack.size() >= kMaxDcgmJsonDepth) return std::nullopt;
        Frame f;
        f.object = ch == '{';
        if (!stack.empty()) {
          Frame& p = stack.back();
          if (p.object && !p.has_key) return std::nullopt;  // a value where a key belongs
          f.key = p.object ? p.pending : p.key;
          if (f.object && !p.object && p.key == "results") {
            f.result = static_cast<int>(out.results.size());
            DcgmJsonResult r;
            r.first = r.last = r.status_line = k;
            out.results.push_back(r);
            if (stack.size() >= 2 && stack[stack.size() - 2].object) stack[stack.size() - 2].results.push_back(f.result);
          }
        }
        stack.push_back(std::move(f));
        continue;
      }
      if (ch == '}' || ch == ']') {
        if (stack.empty() || stack.back().object != (ch == '}')) return std::nullopt;
        Frame f = std::move(stack.back());
        stack.pop_back();
        if (f.result >= 0) {
          DcgmJsonResult& r = out.results[f.result];
          r.last = k;
          if (!r.other_entity) add_gpus(r, r.entity_ids);
        }
        for (size_t r : f.results) {
          if (out.results[r].test.empty()) out.results[r].test = f.name;
        }
        if (stack.empty()) {
          out.end = k;
          // The command, at most a few lines above ("dcgmi diag -r 3 -j --host n-2").
          static const std::regex kHost(R"(\s--host\s+([A-Za-z0-9][\w.-]*))");
          for (size_t c = start, n = 0; c-- > 0 && n < 6; ++n) {
            const std::string& cmd = log.lines[c].text;
            if (cmd.find("dcgmi diag") == std::string::npos) continue;
            std::smatch m;
            if (cmd.size() <= 2000 && std::regex_search(cmd, m, kHost)) out.node = t.names.Find(m.str(1));
            break;
          }
          return out;
        }
        if (stack.back().object) {
          stack.back().has_key = false;
          stack.back().pending.clear();
        }
        continue;
      }
      // A string or a literal (number, true, false, null).
      std::string v;
      const bool str = ch == '"';
      if (str) {
        size_t j = i + 1;
        for (; j < s.size() && s[j] != '"'; ++j) {
          if (s[j] != '\\') {
            v += s[j];
            continue;
          }
          if (++j >= s.size()) break;
          switch (s[j]) {
            case 'n': case 't': case 'r': case 'b': case 'f': v += ' '; break;
            case 'u': v += '?'; j += std::min<size_t>(4, s.size() - j - 1); break;
            default: v += s[j];
          }
        }
        if (j >= s.size()) return std::nullopt;  // no closing quote on the line
        i = j;
      } else {
        size_t j = i;
        while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '.' || s[j] == '-' || s[j] == '+'))
          ++j;
        if (j == i) return std::nullopt;  // not JSON
        v = s.substr(i, j - i);
        i = j - 1;
      }
      if (stack.empty()) return std::nullopt;
      Frame& top = stack.back();
      if (top.object && !top.has_key) {
        if (!str) return std::nullopt;
        top.pending = v;
        top.has_key = true;
        continue;
      }
      const std::string vkey = top.object ? top.pending : top.key;
      if (top.object) {
        top.has_key = false;
        top.pending.clear();
      }
      if (top.result >= 0) {  // the result's own fields
        DcgmJsonResult& r = out.results[top.result];
        if (vkey == "status") {
          r.fail = AsciiEqualsIgnoreCase(v, "fail") || AsciiEqualsIgnoreCase(v, "failed");
          r.status_line = k;
        } else if (vkey == "gpu_ids" || vkey == "gpu_id") {
          add_gpus(r, v);
        } else if (vkey == "entity_id") {
          if (r.entity_ids.size() < 400) {
            r.entity_ids += v;
            r.entity_ids += ',';
          }
        } else if (vkey == "entity_group") {
          r.other_entity = r.other_entity || !AsciiEqualsIgnoreCase(v, "GPU");
        } else if (vkey == "entity_group_id") {
          r.other_entity = r.other_entity || v != "1";  // DCGM_FE_GPU
        } else if (vkey == "info" || vkey == "warning" || vkey == "warnings" || vkey == "message" || vkey == "error") {
          add_text(r, v);
        }
      } else if (DcgmJsonResult* r = result_of(2); r != nullptr && str) {
        // Inside a result: a "warnings" list of strings or of objects with a "warning" text; "info" lists;
        // a "gpu_ids" list.
        if (vkey == "gpu_ids") add_gpus(*r, v);
        else if (vkey == "warning" || vkey == "warnings" || vkey == "message" || vkey == "info") add_text(*r, v);
      } else if (DcgmJsonResult* r2 = result_of(1); r2 != nullptr && vkey == "gpu_ids") {
        add_gpus(*r2, v);  // "gpu_ids" : [2, 5]
      } else if (top.object && vkey == "name") {
        top.name = v;
      }
    }
  }
  return std::nullopt;  // not closed within kMaxDcgmJsonLines lines
}

// The dcgmi diag JSON that line `line` of `log` is part of (its "test_categories" at most
// kMaxDcgmJsonLines JSON-shaped lines up), else nullopt.
std::optional<DcgmJson> DcgmJsonAround(const CaseLog& log, size_t line, const Topology& t) {
  if (line >= log.lines.size() || !JsonShapedLine(log.lines[line].text)) return std::nullopt;
  for (size_t k = line + 1; k-- > 0 && line - k < kMaxDcgmJsonLines;) {
    const std::string& s = log.lines[k].text;
    if (s.find("\"test_categories\"") != std::string::npos) {
      std::optional<DcgmJson> j = ReadDcgmJson(log, k, t);
      if (j && j->end >= line) return j;
      return std::nullopt;
    }
    if (!JsonShapedLine(s)) return std::nullopt;
  }
  return std::nullopt;
}

// A dcgmi diag row about one GPU is that GPU's line, on the source's node or the command's --host; a
// row failing on several GPUs ("Fail - GPU: 2, 5", "Fail - All") is the node's. The lines of a result
// of the JSON output (`dcgmi diag -j`) likewise: its GPU's when it names one.
void HintFromDcgmDiag(const CaseLog& log, size_t line, const Topology& t, ComponentHint& h) {
  int gpu = -1;
  bool node_wide = false;
  std::string node;
  if (std::optional<DcgmRow> row = DcgmDiagRow(log, line, t)) {
    gpu = row->gpu;
    node_wide = row->fail && (row->all || row->gpus.size() > 1);
    node = row->node;
  } else if (std::optional<DcgmJson> json = DcgmJsonAround(log, line, t)) {
    for (const DcgmJsonResult& r : json->results) {
      if (line < r.first || line > r.last || r.gpus.empty()) continue;
      gpu = r.gpus.size() == 1 ? r.gpus[0] : -1;
      node_wide = r.gpus.size() > 1;
      node = json->node;
      break;
    }
  }
  if (gpu < 0 && !node_wide) return;
  if (!node.empty() && node != h.node) {
    h.node = node;
    h.rank = -1;
  }
  h.gpu = gpu;
  h.gpu_from_rank = false;
  h.gpu_bare = false;
}

// The fault a dcgmi diag warning's DCGM_FR_* code names is the fault-code table's (fault_codes.h,
// DcgmFrCodeCategory): the code is the test's own verdict, its words ("Replay" in an NVLink replay
// count; the PCIe test that checks NVLink too) and the test's name are not (RG8, realistic11 rl11-05:
// an NVLink error threshold under the "PCIe" row was read as a PCIe fault). RG8's own map of the
// codes became the table's rows (RG9).

// The fault a failing dcgmi diag result is evidence of: its DCGM_FR_* code (DcgmFrCodeCategory);
// else the warning's words first (a miscompare in
// compute results: silent data corruption; a row remap; ECC / DBE; PCIe; NVLink), else the test's
// block (Memory: ECC; PCIe: PCIe; NVLink; Diagnostic / SM Stress, the compute check: silent data
// corruption). "" when neither tells (Targeted Stress / Power, Memory Bandwidth alone).
std::string DcgmDiagCategory(const std::string& test, const std::string& warning) {
  if (std::string by_code = DcgmFrCodeCategory(warning); !by_code.empty()) return by_code;
  auto has = [&](const std::string& s, const char* re) { return std::regex_search(s, std::regex(re, std::regex::icase)); };
  if (has(warning, R"(miscompar|mismatch|incorrect result|corrupt)")) return "gpu_silent_data_corruption";
  if (has(warning, R"(row.?remap)")) return "gpu_row_remap_failure";
  if (has(warning, R"(\becc\b|\bdbe\b|double.?bit|uncorrectable)")) return "gpu_memory_uncorrectable_ecc";
  if (has(warning, R"(\bpcie\b|replay)")) return "pcie_link_degraded";
  if (has(warning, R"(nvlink)")) return "nvlink_error";
  if (has(test, R"(^(?:gpu )?memory$)")) return "gpu_memory_uncorrectable_ecc";
  if (has(test, R"(^pcie)")) return "pcie_link_degraded";
  if (has(test, R"(nvlink)")) return "nvlink_error";
  if (has(test, R"(^(?:diagnostic|sm stress)$)")) return "gpu_silent_data_corruption";
  return "";
}

// Where a log line was written, by one rule for every reader of log lines (P2): the source's node,
// rank and GPU (HintFromSource); a launcher's label (HintFromLauncher: srun task, pdsh host, mpirun
// rank); the writer's own prefix or srun's error line (HintFromWriter); what the rest of the line
// names (HintFromLine); the section header of multi-line tool output (HintFromSection); torchrun's
// failure report (HintFromTorchrunReport); slurmstepd's line beside srun's (HintFromSlurmStep). A GPU
// or HCA without a node takes the case's default node, unless a launcher label left the line at no
// node on purpose (a per-node srun task whose node is unknown: no GPU either). `text` is the line
// (log.lines[line].text).
// A fatal signal's line placed on a node but no GPU ("gpu-u06: Fatal Python error: Segmentation fault"
// from pdsh): the GPU of the local rank the same node's launcher reports dead by a signal in the 40
// lines below it (SignalExitLocalRank), when it reports one local rank only (PLC10).
void HintFromSignalExit(const CaseLog& log, size_t line, const std::string& text, const Topology& t, ComponentHint& h) {
  if (h.node.empty() || h.gpu >= 0 || !StatesFatalSignal(text)) return;
  std::set<int> locals;
  for (size_t k = line + 1; k < log.lines.size() && k <= line + 40; ++k) {
    const std::string& other = log.lines[k].text;
    std::optional<int> local = SignalExitLocalRank(other);
    if (!local) continue;
    ComponentHint at = HintFromSource(log.source, t);
    HintFromLauncher(log.source, other, t, at);
    if (at.node == h.node) locals.insert(*local);
  }
  if (locals.size() == 1 && (t.gpus_per_node <= 0 || *locals.begin() < t.gpus_per_node)) {
    h.gpu = *locals.begin();
    h.gpu_from_rank = true;
  }
}

// A line naming a process id that a kernel Xid line of its node ties to a GPU (Topology::pid_gpus:
// "NVRM: Xid (PCI:0000:4e:00): 43, pid=601877"): that GPU, over a GPU the rank layout or a local
// rank guessed ("rank 1 (local_rank: 1) exitcode -9 (pid: 601877)" under MIG or CUDA_VISIBLE_DEVICES
// runs on another physical GPU; the lead, 2026-12-06, realistic35 rl35-30). A GPU the line names
// itself stays.
void HintFromXidPid(const std::string& text, const Topology& t, ComponentHint& h) {
  if (t.pid_gpus.empty() || h.node.empty() || (h.gpu >= 0 && !h.gpu_from_rank) || text.size() > 4000) return;
  static const std::regex kPid(R"(\b(?:pid|PID)\s*[:=]?\s*(\d+)\b)");
  std::smatch m;
  if (!std::regex_search(text, m, kPid)) return;
  const std::optional<int64_t> pid = ParseInt(m.str(1));
  if (!pid) return;
  auto it = t.pid_gpus.find({h.node, *pid});
  if (it == t.pid_gpus.end() || it->second < 0) return;
  h.gpu = it->second;
  h.gpu_from_rank = false;
}

// A serving engine's worker line ("(VllmWorker TP6 pid=3316) Fatal Python error: ...", SGLang's "[... DP1
// TP3] Scheduler hit an exception", TensorRT-LLM's "[TRT-LLM] [RANK 3]"): the GPU that worker drives
// where the case makes it decidable (ServingLayout::Gpu, PLC21), unless the line names a GPU itself; a
// Ray worker's line is on the node its address names. A rank guess of the training layout ("[rank0]:"
// after the worker's prefix is the engine's rank, not the job's) gives way to the worker's GPU.
void HintFromServingWorker(const std::string& text, const Topology& t, ComponentHint& h) {
  if (!t.serving.any() || !MayNameServingWorker(text)) return;
  std::optional<ServingWorker> w = ServingWorkerOf(text);
  if (!w) return;
  if (w->ray && !w->ip.empty()) {
    if (std::string node = t.names.Find(w->ip); !node.empty() && node != h.node) {
      h.node = std::move(node);
      h.rank = -1;
      h.gpu = -1;
      h.gpu_from_rank = false;
      h.gpu_bare = false;
    }
  }
  if (h.gpu >= 0 && !h.gpu_from_rank) return;
  bool physical = false;
  const int gpu = t.serving.Gpu(*w, t.gpus_per_node, &physical);
  if (gpu < 0) return;
  h.gpu = gpu;
  h.gpu_from_rank = !physical;  // a CUDA ordinal: the node's printed CUDA_VISIBLE_DEVICES still maps it
  h.gpu_bare = false;
}

// The physical GPU of CUDA ordinal `gpu` of the job's processes on `node`: the node's printed
// CUDA_VISIBLE_DEVICES / SLURM_JOB_GPUS map (Topology::visible_devices, RG19), else `gpu` itself.
int PhysicalGpuOfOrdinal(const Topology& t, const std::string& node, int gpu) {
  auto it = t.visible_devices.find(node);
  return gpu >= 0 && it != t.visible_devices.end() && static_cast<size_t>(gpu) < it->second.size() ? it->second[gpu] : gpu;
}

ComponentHint PlaceLine(const CaseLog& log, size_t line, const std::string& text, const Topology& t) {
  ComponentHint h = HintFromSource(log.source, t);
  bool explicit_node = false;  // placed by the line's explicit source (PLC2): beats the rank layout's guess
  if (const std::string& ssh = SshNodeOfLine(t, log, line); !ssh.empty()) {  // output of `ssh NODE ...`
    h = ComponentHint{};
    h.node = ssh;
    explicit_node = true;
  }
  // A line in a `pdsh ... | dshbak -c` block is the banner's host's (PLC12): the kernel's Xid line
  // under "----" / "cw-h100-221" / "----" names a bus id, the banner the node.
  if (!explicit_node && line < log.lines.size()) {
    const std::string banner = DshbakHostOfLine(t, log, line);
    if (!banner.empty() && banner.find_first_of("[,") == std::string::npos) {
      if (std::string node = ReportedNode(banner, t.names); !node.empty()) {
        h = ComponentHint{};
        h.node = std::move(node);
        explicit_node = true;
      }
    }
  }
  // A syslog-style header names the host that wrote the line (OPS4A): a kernel or daemon line of
  // one host in a file gathered or named otherwise is that host's, not the source's.
  if (const std::string host = SyslogHostOfLine(t, log, line, text); !host.empty()) {
    if (std::string node = ReportedNode(host, t.names); !node.empty()) {
      if (node != h.node) {
        h = ComponentHint{};
        h.node = std::move(node);
      }
      explicit_node = true;
    }
  }
  // Output of `ssh HOST` on a host that is no node of the case: no node of the case (PLC12).
  bool elsewhere = false;
  if (!explicit_node) {
    auto it = t.ssh_elsewhere.find(log.source);
    if (it != t.ssh_elsewhere.end() && line < it->second.size() && it->second[line]) {
      h = ComponentHint{};
      elsewhere = true;
    }
  }
  bool unplaced = false, task_node = false, host_label = false;
  const std::string unlabelled = HintFromLauncher(log.source, text, t, h, &unplaced, &task_node, &host_label);
  unplaced = unplaced || elsewhere;
  const std::string launcher_node = task_node ? h.node : std::string();
  explicit_node = explicit_node || (host_label && !h.node.empty());
  // srun's "task N" is rank N only when no log of the case shows a per-node launcher (RV-RL2).
  const bool srun_tasks_are_ranks = unlabelled.find("srun: error: ") != std::string::npos && !t.per_node_launcher;
  HintFromWriter(unlabelled, t, h, srun_tasks_are_ranks, explicit_node && !h.node.empty());
  // A per-node srun task's node is where the line was written: a "[rankN]:" prefix that the
  // topology's rank layout (gpus_per_node ranks a node) puts on another node does not move it, as
  // torchrun's --nproc-per-node may run fewer ranks a node (review RV-P2: "1: [default0]:[rank4]:"
  // with 4 ranks a node went to rank 4's node in an 8-GPU layout, the first, not task 1's). The GPU
  // is then torchrun's "[defaultN]:" local rank (HintFromLine).
  if (!launcher_node.empty() && h.node != launcher_node) {
    h.node = launcher_node;
    h.rank = -1;
    h.gpu = -1;
    h.gpu_from_rank = false;
  }
  HintFromLine(unlabelled, t, h);
  HintFromSection(log, line, t, h);
  HintFromTorchrunReport(log, line, t, h);
  HintFromSignalExit(log, line, text, t, h);
  HintFromXidPid(text, t, h);
  HintFromSlurmStep(log, line, t, h);
  HintFromDcgmDiag(log, line, t, h);
  HintFromSubject(unlabelled, t, h);
  HintFromServingWorker(unlabelled, t, h);
  // NVS3: a switch-side line naming the GPU at one port's far end ("NVLink 37 down (peer nvl72-r03-ct05
  // GPU 1)", "peer GPU 1 on compute tray nvl72-r03-ct05") is that GPU's, on the node it names. With no
  // node of the case named, the GPU is none of a writer that is no node of the job (a switch tray has
  // no GPU of the job: "GPU 1" is the far end's, not the tray's); a job node's own line (an HGX node's
  // fabric manager, whose NVSwitches' peers are its own GPUs) keeps it.
  if (const PeerGpu peer = PeerGpuOfLine(text); peer.found) {
    const std::string far = peer.host.empty() ? std::string() : ReportedNode(peer.host, t.names);
    if (!far.empty()) {
      h = ComponentHint{};
      h.node = far;
      h.gpu = peer.gpu;
    } else if (!h.node.empty() && !t.node_order.empty() &&
               std::find(t.node_order.begin(), t.node_order.end(), h.node) == t.node_order.end()) {
      h.gpu = -1;
      h.rank = -1;
      h.gpu_from_rank = false;
      h.gpu_bare = false;
    }
  }
  if (unplaced && h.node.empty()) {
    h.gpu = -1;
    h.gpu_from_rank = false;
  } else if (h.node.empty() && (h.gpu >= 0 || !h.hca.empty())) {
    h.node = t.default_node;
  }
  // A process's own ordinal (a bare "GPU 0" / "cuda:0", its rank's or local rank's device) is the
  // physical GPU its job's printed environment maps it to (RG19: SLURM_JOB_GPUS=6,7 -> "GPU 0" is 6).
  if (h.gpu >= 0 && (h.gpu_bare || h.gpu_from_rank)) h.gpu = PhysicalGpuOfOrdinal(t, h.node, h.gpu);
  return h;
}

// The GPUs of `node` that pasted `uniq -c` rows (uniq_counts.h) count at `watts` when those rows
// count every GPU of the node and all at that value (PLC9): "gpu-f04:  8 400.00 W" on 8-GPU nodes
// -> 8. 0 when the rows of the node count another value too ("1 400.00 W" beside "7 700.00 W": that
// GPU's limit), count fewer GPUs than the node holds, or when no row is of the node. A row with no
// pdsh host prefix is of the node its command runs on (PlaceLine).
int NodeGpusAtWatts(const DiagnosisCase& c, const Topology& topo, const std::string& node, double watts) {
  if (node.empty()) return 0;
  int total = 0, at = 0;
  for (const CaseLog& log : c.logs) {
    if (!IsUniqCountCommand(log.source)) continue;
    std::vector<std::string> texts;
    texts.reserve(log.lines.size());
    for (const LogLine& l : log.lines) texts.push_back(l.text);
    for (const UniqCountRow& row : UniqCountRows(texts)) {
      const std::string host = row.host.empty() ? PlaceLine(log, row.line, texts[row.line], topo).node
                                                : topo.names.Find(row.host);
      if (host.empty() || !SameNodeName(host, node)) continue;
      const double w = UniqRowWatts(row.value);
      if (w < 0) continue;
      total += row.count;
      if (std::abs(w - watts) < 0.5) at += row.count;
    }
  }
  if (at == 0 || at != total) return 0;
  if (topo.gpus_per_node > 0) return at == topo.gpus_per_node ? at : 0;
  return at >= 2 ? at : 0;
}

// The text a probe result on `node` holds (its reason, split at "; ", and every string of its
// details, split at line ends), as lines of one log whose source is the node: a node's
// ibdev2netdev or `rdma link` output a probe captured ties names as the same output pasted into a
// log does (RG3). Probes on other nodes are not read. `results` ("probe@target" -> result) are the
// results of the probes this diagnosis ran (RV-RG3): not the case's recorded store, which holds
// results no probe of the diagnosis asked for (a replay's store; a live run has none), so reading
// it let an answer rest on a probe never run.
std::vector<CaseLog> ProbeTextOnNode(const Json& results, const std::string& node) {
  std::vector<CaseLog> out;
  if (!results.is_object()) return out;
  for (auto it = results.begin(); it != results.end(); ++it) {
    const std::string& key = it.key();
    const size_t at = key.find('@');
    if (at == std::string::npos || key.substr(at + 1, key.find('/', at + 1) - at - 1) != node) continue;
    CaseLog log;
    log.source = node;
    log.source += "/probe ";
    log.source += key.substr(0, at);
    auto add = [&](const std::string& text, const std::string& sep) {
      size_t start = 0;
      while (start <= text.size() && log.lines.size() < 4000) {
        size_t end = text.find(sep, start);
        if (end == std::string::npos) end = text.size();
        if (end > start) log.lines.push_back(LogLine{log.lines.size() + 1, text.substr(start, end - start)});
        start = end + sep.size();
      }
    };
    const Json& r = it.value();
    if (!r.is_object()) continue;
    if (r.contains("reason") && r["reason"].is_string()) add(r["reason"].get<std::string>(), "; ");
    if (r.contains("details")) {
      // Depth-first over the details' strings (a probe's details are shallow; the walk stops at
      // 4,000 lines and at kMaxJsonDepth's bound, which ParseCase enforced).
      std::vector<const Json*> stack{&r["details"]};
      while (!stack.empty() && log.lines.size() < 4000) {
        const Json* v = stack.back();
        stack.pop_back();
        if (v->is_string()) add(v->get<std::string>(), "\n");
        else if (v->is_array() || v->is_object())
          for (auto e = v->rbegin(); e != v->rend(); ++e) stack.push_back(&*e);
      }
    }
    if (!log.lines.empty()) {
      log.original_lines = log.lines.size();
      out.push_back(std::move(log));
    }
  }
  return out;
}

// The HCAs `logs` tie to `node`'s netdev `netdev` in two forms HcaOfNetdev's one-line shapes do
// not read (RG3):
// - `ls /sys/class/infiniband/*/device/net` (with or without -l): a header
//   "/sys/class/infiniband/mlx5_5/device/net:" and, below it up to a blank line, a prompt or the
//   next header, an entry whose last word is the netdev;
// - show_gids' rows ("mlx5_5  1  3  0000:...:0a14:0436  10.20.4.54  v2  ibp158s0"): the HCA, the
//   port, the GID's index, ..., the GID's version (v1 / v2), the netdev last.
// Every line must be PlaceLine's on `node` (another host's listing names its own devices).
std::set<std::string> NetdevHcaTiesInListings(const std::vector<const CaseLog*>& logs, const Topology& t,
                                              const std::string& node, const std::string& netdev) {
  static const std::regex kLsHeader(R"(^\s*/sys/class/infiniband/(mlx5_\d+)/device/net/?:\s*$)");
  static const std::regex kHcaWord(R"(mlx5_\d+)");
  static const std::regex kGidVersion(R"(v[12])");
  std::set<std::string> tied;
  auto words_of = [](const std::string& text) {
    std::vector<std::string> w;
    std::istringstream in(text);
    for (std::string s; in >> s && w.size() < 64;) w.push_back(s);
    return w;
  };
  for (const CaseLog* log : logs) {
    std::string ls_hca;  // the HCA of the `ls .../device/net` block the line is in
    for (size_t k = 0; k < log->lines.size(); ++k) {
      const std::string& text = log->lines[k].text;
      if (text.size() > 2000) continue;
      std::smatch m;
      if (text.find_first_not_of(" \t\r") == std::string::npos || text.rfind("$ ", 0) == 0) {
        ls_hca.clear();
        continue;
      }
      const bool names_hca = text.find("mlx5_") != std::string::npos;
      if (names_hca && std::regex_search(text, m, kLsHeader)) {
        ls_hca = PlaceLine(*log, k, text, t).node == node ? m.str(1) : std::string();
        continue;
      }
      if (text.find(netdev) == std::string::npos) continue;
      const std::vector<std::string> w = words_of(text);
      if (w.empty() || w.back() != netdev || PlaceLine(*log, k, text, t).node != node) continue;
      if (!ls_hca.empty() && !names_hca) tied.insert(ls_hca);
      if (names_hca && w.size() >= 6 && std::regex_match(w[0], kHcaWord) && IsNumber(w[1]) && IsNumber(w[2])) {
        bool versioned = false;
        for (size_t i = 3; i + 1 < w.size(); ++i) versioned = versioned || std::regex_match(w[i], kGidVersion);
        if (versioned) tied.insert(w[0]);
      }
    }
  }
  return tied;
}

// The HCAs that lines on `node` tie to one of the short bus ids `buses` ("9e:00.0"): a line naming
// one HCA and holding that address (`ls -l /sys/class/infiniband`: "mlx5_5 -> ../../devices/
// pci0000:9a/0000:9a:02.0/0000:9e:00.0/infiniband/mlx5_5", whose last address is the HCA's own and
// 9a:02.0 its bridge's; `ibdev2netdev -v`, `mst status -v`). A line's node is PlaceLine's. Used by
// HcaOfNetdev (the netdev's addresses) and HcaOfBusId (an mlx5 driver line's own device).
std::set<std::string> HcasTiedToBusIds(const std::vector<const CaseLog*>& logs, const Topology& t,
                                       const std::string& node, const std::set<std::string>& buses) {
  static const std::regex kHcaName(R"(\bmlx5_\d+\b)");
  static const std::regex kBdf(R"(\b(?:[0-9a-fA-F]{4}:)?([0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7])\b)");
  std::set<std::string> tied;
  if (buses.empty() || node.empty()) return tied;
  for (const CaseLog* log : logs) {
    for (size_t k = 0; k < log->lines.size(); ++k) {
      const std::string& text = log->lines[k].text;
      if (text.size() > 2000 || text.find("mlx5_") == std::string::npos) continue;
      std::set<std::string> hcas;
      for (auto it = std::sregex_iterator(text.begin(), text.end(), kHcaName); it != std::sregex_iterator(); ++it)
        hcas.insert(it->str());
      if (hcas.size() != 1) continue;
      bool holds = false;
      for (auto it = std::sregex_iterator(text.begin(), text.end(), kBdf); it != std::sregex_iterator() && !holds; ++it)
        holds = buses.count(AsciiLower(it->str(1))) > 0;
      if (holds && PlaceLine(*log, k, text, t).node == node) tied.insert(*hcas.begin());
    }
  }
  return tied;
}

// The HCA (its verbs name, mlx5_N: what perfquery, ibstat and NCCL_IB_HCA use) of `node`'s IB netdev
// `netdev` ("ibp158s0", the name the kernel's "mlx5_core 0000:9e:00.0 ibp158s0: Link down" prints),
// from what the case prints on that node (NF2, realistic3 case-rl3-25). A line ties them:
// ibdev2netdev ("mlx5_5 port 1 ==> ibp158s0 (Up)", -v too), `rdma link show` ("link mlx5_5/1 state
// ACTIVE ... netdev ibp158s0"), a sysfs path ("/sys/class/infiniband/mlx5_5/device/net/ibp158s0",
// "/sys/class/net/ibp158s0/device/infiniband/mlx5_5"), or the netdev's PCI address (read from the
// lines naming the netdev) on a line naming one HCA (`ls -l /sys/class/infiniband`: "mlx5_5 ->
// ../../devices/pci0000:9a/0000:9a:02.0/0000:9e:00.0/infiniband/mlx5_5", `mst status -v`). With no
// such line, the one HCA of the node that the case's counters or states show failing: perfquery
// -C mlx5_N with a link-downed or link-error-recovery count above 0, ibstat's "State: Down" or
// "Physical state: Polling" (ibstatus's "DOWN" / "Polling") under the HCA's header, less the ports
// shown "Physical state: Disabled" (switched off by an admin, RV-NF2). Ties
// naming two HCAs, or two HCAs failing, name none: "" (the netdev name is kept; nothing guessed). A
// line's node is PlaceLine's; lines of other nodes are not read (their layout may differ).
std::string HcaOfNetdev(const DiagnosisCase& c, const Topology& t, const std::string& node,
                        const std::string& netdev, const Json& ran_probes = Json::object()) {
  static const std::regex kHcaName(R"(\bmlx5_\d+\b)");
  static const std::regex kBdf(R"(\b(?:[0-9a-fA-F]{4}:)?([0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7])\b)");
  static const std::regex kPerfquery(R"(\bperfquery\b.*(?:-C|--Ca)\s+(mlx5_\d+)\b)");
  static const std::regex kCounter(
      R"(\b(?:Port)?(?:LinkDowned|LinkErrorRecovery)(?:Counter)?\s*[:.=]+\s*(\d+))", std::regex::icase);
  static const std::regex kHeader(R"(^\s*(?:CA '(mlx5_\d+)'|Infiniband device '(mlx5_\d+)'))");
  static const std::regex kDown(
      R"(^\s*(?:State:\s*Down|Physical state:\s*Polling|state:\s*\d+:\s*DOWN|phys state:\s*\d+:\s*Polling)\b)",
      std::regex::icase);
  // A port an admin disabled ("State: Down" above "Physical state: Disabled") is off, not failing:
  // no stand-in for a flapping netdev's HCA, which may be up when ibstat runs (RV-NF2).
  static const std::regex kDisabled(R"(^\s*(?:Physical state:|phys state:\s*\d+:)\s*Disabled\b)",
                                    std::regex::icase);
  if (netdev.empty() || netdev.size() > 32) return "";
  auto word_at = [](const std::string& text, const std::string& w) {
    for (size_t p = text.find(w); p != std::string::npos; p = text.find(w, p + 1)) {
      auto name_char = [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; };
      bool left = p == 0 || !name_char(text[p - 1]);
      bool right = p + w.size() >= text.size() || !name_char(text[p + w.size()]);
      if (left && right) return true;
    }
    return false;
  };
  auto hcas_in = [](const std::string& text) {
    std::set<std::string> out;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), kHcaName); it != std::sregex_iterator(); ++it)
      out.insert(it->str());
    return out;
  };
  std::set<std::string> tied, failing, disabled, bdfs;  // bdfs: the netdev's short PCI addresses
  // The case's logs and the text of the probe results recorded on the node (RG3).
  const std::vector<CaseLog> probe_text = ProbeTextOnNode(ran_probes, node);
  std::vector<const CaseLog*> logs;
  for (const CaseLog& log : c.logs) logs.push_back(&log);
  for (const CaseLog& log : probe_text) logs.push_back(&log);
  for (const CaseLog* log_ptr : logs) {
    const CaseLog& log = *log_ptr;
    std::string block_hca;  // the HCA of the perfquery / ibstat block the line is in
    std::string block_node;
    for (size_t k = 0; k < log.lines.size(); ++k) {
      const std::string& text = log.lines[k].text;
      if (text.size() > 2000) continue;
      if (text.rfind("$ ", 0) == 0 && text.find("perfquery") == std::string::npos) block_hca.clear();  // another command
      const bool names_hca = text.find("mlx5_") != std::string::npos;
      const bool names_net = word_at(text, netdev);
      const bool counter = !block_hca.empty() && (text.find("Link") != std::string::npos ||
                                                   text.find("link") != std::string::npos);
      const bool state = !block_hca.empty() && (text.find("tate") != std::string::npos);
      if (!names_hca && !names_net && !counter && !state) continue;
      std::smatch m;
      if (names_hca) {
        if (std::regex_search(text, m, kPerfquery)) {
          block_hca = m.str(1);
          block_node = PlaceLine(log, k, text, t).node;
          continue;
        }
        if (std::regex_search(text, m, kHeader)) {
          block_hca = m[1].matched ? m.str(1) : m.str(2);
          block_node = PlaceLine(log, k, text, t).node;
          continue;
        }
      }
      if (!names_hca && !names_net && !block_hca.empty()) {
        std::string here = PlaceLine(log, k, text, t).node;
        if (here.empty()) here = block_node;
        if (here != node) continue;
        if (std::regex_search(text, m, kCounter) && m.str(1).find_first_not_of('0') != std::string::npos)
          failing.insert(block_hca);
        else if (std::regex_search(text, kDisabled))
          disabled.insert(block_hca);
        else if (std::regex_search(text, kDown))
          failing.insert(block_hca);
        continue;
      }
      if (PlaceLine(log, k, text, t).node != node) continue;
      const std::set<std::string> hcas = names_hca ? hcas_in(text) : std::set<std::string>{};
      if (names_net) {
        // A tie by name: both names on one line in one of the tools' shapes.
        const std::string nd = netdev;
        const std::string ibdev2netdev = R"(\b(mlx5_\d+)\b[^=\n]{0,200}\bport \d+[^=\n]{0,80}==>\s*)" + nd + R"(\b)";
        const std::string rdma = R"(\blink (mlx5_\d+)/\d+\b.*\bnetdev )" + nd + R"(\b)";
        const std::string sys1 = R"(/sys/class/infiniband/(mlx5_\d+)/device/net/)" + nd + R"(\b)";
        const std::string sys2 = "/sys/class/net/" + nd + R"(/device/infiniband/(mlx5_\d+)\b)";
        // A responder's command about the netdev whose own comment names its HCA ("$ ethtool -S
        // enp31s0np0 | grep crc   # mlx5_1, 192.168.12.33", holdout5 v042; RG11): the person at the
        // node wrote the tie down. The netdev must be in the command, the HCA in the comment.
        const std::string noted = R"(^\s*(?:\S*[$#]\s+)[^#\n]*\b)" + nd + R"(\b[^#\n]*\s#[^\n]*\b(mlx5_\d+)\b)";
        if (names_hca && hcas.size() == 1 && std::regex_match(nd, std::regex(R"([A-Za-z0-9_.-]+)"))) {
          for (const std::string& re : {ibdev2netdev, rdma, sys1, sys2, noted}) {
            if (std::regex_search(text, m, std::regex(re))) tied.insert(m.str(1));
          }
        }
        for (auto it = std::sregex_iterator(text.begin(), text.end(), kBdf); it != std::sregex_iterator(); ++it)
          bdfs.insert(AsciiLower(it->str(1)));
      }
    }
  }
  // The netdev's PCI address on a line naming one HCA (a line ties only when it holds one of them).
  for (const std::string& hca : HcasTiedToBusIds(logs, t, node, bdfs)) tied.insert(hca);
  if (std::regex_match(netdev, std::regex(R"([A-Za-z0-9_.-]+)"))) {
    for (const std::string& hca : NetdevHcaTiesInListings(logs, t, node, netdev)) tied.insert(hca);
  }
  if (!tied.empty()) return tied.size() == 1 ? *tied.begin() : "";
  for (const std::string& off : disabled) failing.erase(off);
  return failing.size() == 1 ? *failing.begin() : "";
}

// The HCA (mlx5_N) at bus id `bus` ("5e:00.0", ParseMlx5DriverLine's form) of `node`, from a line
// of the case (or of a probe that ran on the node, RG3) on that node naming one HCA and that address:
// `ibdev2netdev -v` ("0000:5e:00.0 mlx5_4 (MT4129 - MCX75310AAS-NEAT) ConnectX-7 ... ==> ibp94s0
// (Up)"), `ls -l /sys/class/infiniband` ("mlx5_4 -> ../../devices/pci0000:5d/0000:5d:02.0/
// 0000:5e:00.0/infiniband/mlx5_4": the bridge 5d:02.0 is on the line too, the device's own address is
// the one asked), `mst status -v`, `rdma dev` / lspci listings that print both (PLC23, realistic29
// rl29-11: a ConnectX-7 back from RMA trained at x8 and the answer stayed on its node). Two HCAs
// tied: none. A line's node is PlaceLine's; other nodes' listings are not read.
std::string HcaOfBusId(const DiagnosisCase& c, const Topology& t, const std::string& node, const std::string& bus,
                       const Json& ran_probes = Json::object()) {
  if (bus.empty() || node.empty()) return "";
  const std::vector<CaseLog> probe_text = ProbeTextOnNode(ran_probes, node);
  std::vector<const CaseLog*> logs;
  for (const CaseLog& log : c.logs) logs.push_back(&log);
  for (const CaseLog& log : probe_text) logs.push_back(&log);
  const std::set<std::string> tied = HcasTiedToBusIds(logs, t, node, {bus});
  return tied.size() == 1 ? *tied.begin() : "";
}

// Whether a log of the case shows a CUDA OOM raised inside a gather of the full state dict: a line
// calling it (`full_state_dict=True`, `FULL_STATE_DICT`, `summon_full_params(`) without offloading to
// the CPU (`cpu_offload=True`, `offload_to_cpu=True`) at most 12 lines before the OOM line.
bool OomGatheringFullStateDict(const DiagnosisCase& c) {
  static const std::regex kGather(R"(full_state_dict\s*=\s*True|FULL_STATE_DICT|summon_full_params\s*\()");
  static const std::regex kOffload(R"((cpu_offload|offload_to_cpu)\s*=\s*True)");
  for (const CaseLog& log : c.logs) {
    size_t gather = std::string::npos;
    for (size_t k = 0; k < log.lines.size(); ++k) {
      const std::string& t = log.lines[k].text;
      if (t.size() > 4000) continue;
      if ((t.find("state_dict") != std::string::npos || t.find("STATE_DICT") != std::string::npos ||
           t.find("summon_full_params") != std::string::npos) &&
          std::regex_search(t, kGather) && !std::regex_search(t, kOffload)) {
        gather = k;
      }
      const bool oom = t.find("CUDA out of memory") != std::string::npos || t.find("OutOfMemoryError") != std::string::npos;
      if (oom && gather != std::string::npos && k - gather <= 12) return true;
    }
  }
  return false;
}

// PyTorch's CUDA OOM message names the GPU that ran out: "GPU 3 has a total capacity of 79.10 GiB of
// which 5.06 GiB is free". The distinct GPU indices such lines name across the case's logs (a grep of
// the run log for that phrase lists one line a rank that ran out); PLC8. A demand every GPU's rank
// makes alike (a longer sequence, a bigger batch) runs each out: kOomGpusJobWide or more GPUs out of
// memory is the job's configuration, not one GPU.
constexpr size_t kOomGpusJobWide = 4;
size_t GpusOutOfMemory(const DiagnosisCase& c) {
  static const std::regex kCapacity(R"(\bGPU (\d{1,2}) has a total capacity of [\d.]+ [GMK]i?B of which)");
  std::set<int> gpus;
  for (const CaseLog& log : c.logs) {
    for (const auto& line : log.lines) {
      const std::string& t = line.text;
      if (t.size() > 4000 || t.find(" has a total capacity of ") == std::string::npos) continue;
      std::smatch m;
      if (std::regex_search(t, m, kCapacity)) gpus.insert(ParseInt32(m.str(1)).value_or(-1));
    }
  }
  return gpus.size();
}

ComponentHint HintFromTarget(const std::string& target) {
  ComponentHint h;
  auto slash = target.find('/');
  h.node = target.substr(0, slash);
  if (slash != std::string::npos) {
    std::string rest = target.substr(slash + 1);
    if (rest.rfind("gpu", 0) == 0 && IsNumber(rest.substr(3))) h.gpu = ParseInt32(rest.substr(3)).value_or(-1);
    else if (rest.rfind("rank", 0) == 0 && IsNumber(rest.substr(4))) h.rank = ParseInt32(rest.substr(4)).value_or(-1);
    else if (rest.rfind("mlx", 0) == 0) h.hca = rest;
  }
  return h;
}

}  // namespace

// The component string for a category at the granularity its layer calls for (component_format.h).
std::string FormatComponent(const std::string& category, const std::string& layer, const ComponentHint& h) {
  // A launch fault the KB files under the host (driver / library mismatch on a node), seen on one
  // node's ranks: the node (its image or driver), not the job's configuration.
  if (category == "launch_config_error" && h.entry_component == "host" && !h.node.empty()) return h.node;
  // The same for a node whose NCCL socket interface differs from the job's other nodes' (RG14).
  if (category == "nccl_network_misconfig" && h.entry_component == "host" && !h.node.empty()) return h.node;
  // Faults of the job as a whole (numerics, model, input pipeline, launch, NCCL setup).
  if (layer == "numerics" || layer == "model" || category == "dataloader_stall" ||
      category == "nccl_network_misconfig" || category == "launch_config_error") {
    return "job";
  }
  // No node: the evidence names only a rank the case's layout does not place, or no place at all
  // (review RG: a silent data corruption answer from rank-only series had an empty component). The
  // format's levels are a GPU, a node, a NIC or the job; with no node the job is the one the
  // evidence allows ("unknown" keeps no component).
  if (h.node.empty()) return category == "unknown" || category.empty() ? "" : "job";
  // A software fault (a kernel's illegal address, an allocation too large) that every process hit
  // is the job's, not one GPU's: the component is where the evidence pins it, and processes on
  // several GPUs failing the same way pin no GPU (probe or hardware evidence would have won first).
  if ((category == "illegal_memory_access" || category == "cuda_oom") && h.spread) return "job";
  // An OOM of gathering the full state dict onto one rank (OomGatheringFullStateDict, PLC7): the code's.
  if (category == "cuda_oom" && h.job_wide) return "job";
  // A collective hang in which the ranks on several nodes report the same progress and none is
  // behind or missing (SameProgressAcrossNodes): the job's, not the GPU of the first rank printed.
  if (category == "nccl_collective_hang" && h.job_wide) return "job";
  // A hang that a node-level test reproduced on that node's GPUs together (ReadProbeError, RG6) is
  // the node's, not the GPU of a waiting rank's line there.
  if (category == "nccl_collective_hang" && h.node_wide) return h.node;
  // A shared file system (NFS server, Lustre OSTs, GPFS) failing fails every node's reads: the job.
  if (category == "storage_failure" && h.shared_storage) return "job";
  // A straggler whose evidence is a host-level KB entry (CPU contention or quota, NUMA binding,
  // CPU governor) is the node's, even when the alert named a rank.
  if (category == "straggler_rank" && h.entry_component == "host") return h.node;
  bool gpu_level = layer == "gpu" || category == "pcie_link_degraded" || category == "straggler_rank" ||
                   category == "cuda_oom" || category == "illegal_memory_access";
  // A NIC whose own PCIe link trained below its width (PLC23): the HCA Component() tied to the mlx5
  // driver's line by its bus id, when no GPU is named.
  if (category == "pcie_link_degraded" && h.gpu < 0 && h.hca.rfind("mlx5_", 0) == 0) return h.node + "/" + h.hca;
  if (gpu_level) return h.gpu >= 0 && !h.node_wide ? h.node + "/gpu" + std::to_string(h.gpu) : h.node;
  if (category == "ib_link_failure") return h.hca.empty() ? h.node : h.node + "/" + h.hca;
  if (layer == "host" || layer == "network") return h.node;
  if (h.gpu >= 0) return h.node + "/gpu" + std::to_string(h.gpu);
  if (h.rank >= 0) return h.node + "/rank" + std::to_string(h.rank);
  return h.node;
}

namespace {

// The storage words NamesSharedStorage counts: a shared file system, a local disk, and a server
// that evicted this client (Lustre "This client was evicted by ...-OST0012": it dropped one node,
// not the file system).
// FilteredRegex: StorageLines runs them on every line of the case (a long training log holds none
// of their literals).
const FilteredRegex& SharedFsRegex() {
  static const FilteredRegex kShared(
      R"((\bnfs[34]?\b|\bnfsd?:|\blustre|\bLustreError|\bgpfs|\bmmfs|\bbeegfs|\bcephfs|\bceph:|\bwekafs|\bweka\b|)"
      R"(\bglusterfs|\bs3fs|/mnt/shared|/shared/|/mnt/nfs|/mnt/lustre|/mnt/gpfs|\bshared (file ?system|fs|storage)|)"
      // Lustre's client tool run on a path (PLC9: `lfs quota -h -p 4411 /scratch` beside a quota error
      // that names no path): the path is a Lustre mount.
      R"(\blfs (quota|df|getstripe|check)\b|)"
      R"(\bserver \S+ not responding|\bstale (nfs )?file handle))",
      /*icase=*/true);
  return kShared;
}
const FilteredRegex& LocalFsRegex() {
  static const FilteredRegex kLocal(
      R"((\bnvme\d|/dev/sd[a-z]|\bsd[a-z]\d?\b|\bmd\d+\b|/local\b|/local_|/mnt/local|/raid\d?\b|\blocal (disk|ssd|nvme|scratch)|)"
      R"(/var/lib/kubelet|\bephemeral\b))",
      /*icase=*/true);
  return kLocal;
}
// `avg|median|quantile|min|max by (labels)` in a metric condition: a comparison with the peers of
// a group.
const std::regex& PeerAggregateRegex() {
  static const std::regex kBy(R"(\b(?:avg|median|quantile|min|max)\s+by\s*\(([^)]*)\))");
  return kBy;
}
}  // namespace

bool ClearPeerOutlier(const TimeSeries& candidate, const std::vector<TimeSeries>& series,
                      const std::vector<std::string>& keys) {
  auto mean_of = [](const TimeSeries& ts) {
    double sum = 0;
    size_t n = 0;
    for (double v : ts.values) {
      if (!std::isfinite(v)) continue;
      sum += v;
      ++n;
    }
    return n == 0 ? NAN : sum / static_cast<double>(n);
  };
  auto same_group = [&](const TimeSeries& ts) {
    if (ts.name != candidate.name) return false;
    for (const std::string& k : keys) {
      auto x = ts.labels.find(k), y = candidate.labels.find(k);
      const std::string xv = x == ts.labels.end() ? "" : x->second, yv = y == candidate.labels.end() ? "" : y->second;
      if (xv != yv) return false;
    }
    return true;
  };
  const double own = mean_of(candidate);
  if (!std::isfinite(own)) return false;
  std::vector<double> peers;
  for (const TimeSeries& ts : series) {
    if (&ts == &candidate || !same_group(ts)) continue;
    const double m = mean_of(ts);
    if (std::isfinite(m)) peers.push_back(m);
  }
  constexpr size_t kMinPeers = 3;  // fewer give no spread to judge by: the condition stands as it held
  if (peers.size() < kMinPeers) return true;
  std::sort(peers.begin(), peers.end());
  auto quantile = [&](double q) {
    const double pos = q * static_cast<double>(peers.size() - 1);
    const size_t lo = static_cast<size_t>(std::floor(pos)), hi = static_cast<size_t>(std::ceil(pos));
    return peers[lo] + (peers[hi] - peers[lo]) * (pos - static_cast<double>(lo));
  };
  const double q1 = quantile(0.25), q3 = quantile(0.75), median = quantile(0.5);
  // Peers that agree to the last digit (a synthetic or idle group) leave no spread: 1 % of their
  // level stands in for it.
  const double iqr = std::max(q3 - q1, 0.01 * std::fabs(median));
  return own < q1 - 1.5 * iqr || own > q3 + 1.5 * iqr;
}

namespace {

const FilteredRegex& EvictedRegex() {
  static const FilteredRegex kEvicted(R"(\bclient (was )?evicted\b|\bevicted by\b)", /*icase=*/true);
  return kEvicted;
}

// A Python traceback frame's file (`File "/usr/local/lib/python3.10/site-packages/x.py", line 88`):
// where the code is, not a file system in use (PLC9: realistic16 rl16-12's frames held a quota error
// on Lustre's /scratch at the writer's node). StorageLines skips such lines; StorageIsShared takes
// the frames out of its evidence.
const std::regex& TracebackFrameFileRegex() {
  static const std::regex kFrameFile(R"re(\bFile "[^"]*", line \d+)re");
  return kFrameFile;
}

// A mount table or quota report line whose file system is a network export ("10.9.0.5:/export/ckpt
// 200T 200T 0 100% /mnt/ckpt", "nfs01:/home 20.0T* ..."), Lustre's included: its source is the
// management server's NID and the file system's name ("10.3.0.11@o2ib:/scratch", "mgs@tcp:/lfs";
// RL7: that form was not read, so a full Lustre volume answered the node whose df showed it).
// Lustre's own listing of its mount (`lfs df`) is such a line too: a target row "proj-OST0002_UUID
// 58.2T 32.2T 26.0T 56% /project[OST:2]" or the "filesystem_summary: 232.8T ... /project" row names
// the client's mount point of a network file system (PLC7: realistic21 rl21-23, a group quota full
// on /project, answered the node of the ranks that printed EDQUOT).
bool IsExportLine(const std::string& l) {
  if (l.size() > 400) return false;
  static const std::regex kExport(R"((?:^|\s)[A-Za-z0-9][A-Za-z0-9_.@-]*:/[A-Za-z0-9_])");
  if (l.find(":/") != std::string::npos && std::regex_search(l, kExport)) return true;
  static const std::regex kLfsDf(
      R"((?:^|\s)(?:[A-Za-z0-9_.-]+-(?:OST|MDT)[0-9a-fA-F]{4}_UUID|filesystem_summary:)\s.*\s/[A-Za-z0-9_./-]*(?:\[(?:OST|MDT):\d+\])?\s*$)");
  return (l.find("_UUID") != std::string::npos || l.find("filesystem_summary:") != std::string::npos) &&
         std::regex_search(l, kLfsDf);
}
// A local block device's mount line (`df`, `mount`, node_exporter's labels read as a line): a
// device token `/dev/nvme0n1p1`, `/dev/sdb1`, `/dev/md0`, `/dev/mapper/vg-data` beside its
// mountpoint. Such a mount nested under a network export's mountpoint (a local NVMe at /data/local
// under the NFS /data) holds the paths below it itself (RV-RL5).
bool IsLocalDeviceMountLine(const std::string& l) {
  static const std::regex kDev(R"((?:^|\s)/dev/(?:nvme|sd[a-z]|vd[a-z]|xvd|hd[a-z]|md\d|mapper/|dm-|disk/|loop|zd))");
  return l.size() <= 400 && !IsExportLine(l) && l.find("/dev/") != std::string::npos && std::regex_search(l, kDev);
}

}  // namespace

bool NamesSharedStorage(const std::vector<std::string>& lines) {
  int shared = 0, local = 0;
  for (const std::string& l : lines) {
    if (EvictedRegex().Search(l)) return false;
    if (SharedFsRegex().Search(l) || NamesObjectStore(l)) ++shared;  // a bucket is every node's (RG20)
    if (LocalFsRegex().Search(l)) ++local;
  }
  return shared > 0 && shared > local;
}

bool StorageIsShared(const std::vector<std::string>& evidence, const std::vector<std::string>& case_lines) {
  // An eviction among the evidence keeps it at the node (NamesSharedStorage); one elsewhere in the
  // case does not stop the export rule below: the servers evict every client when the file system
  // itself fails.
  for (const std::string& l : evidence) {
    if (EvictedRegex().Search(l)) return false;
  }
  if (NamesSharedStorage(evidence)) return true;
  // A network export's mount or quota line: the failed path is on it when an evidence line names a
  // path under one of the line's paths.
  static const std::regex kPath(R"((/[A-Za-z0-9_.-]+)+)");
  // Mountpoints of local devices: a path under one nested below the export's path is on the local
  // device (the longest mountpoint holds it), not on the export (RV-RL5).
  std::vector<std::string> local_mounts;
  for (const std::string& l : case_lines) {
    if (!IsLocalDeviceMountLine(l)) continue;
    for (auto it = std::sregex_iterator(l.begin(), l.end(), kPath); it != std::sregex_iterator(); ++it) {
      if (it->str().rfind("/dev/", 0) != 0) local_mounts.push_back(it->str());
    }
  }
  auto boundary = [](const std::string& e, size_t end) {
    return end == e.size() || e[end] == '/' || e[end] == '\'' || e[end] == '"' || e[end] == ' ';
  };
  // Lustre's client tool run on a path (`lfs quota -p 4107 /ckpt`, `lfs df -h /scratch`) names a
  // Lustre mount as an export's line does (PLC32, realistic34 rl34-27: EDQUOT on /ckpt/... beside
  // `lfs quota ... /ckpt` answered the node of the ranks that printed it).
  static const std::regex kLfsOnPath(R"(\blfs\s+(?:quota|df|getstripe|check)\b[^\n]*\s/[A-Za-z0-9_])");
  for (const std::string& l : case_lines) {
    if (!IsExportLine(l) && !(l.size() <= 400 && l.find("lfs") != std::string::npos && std::regex_search(l, kLfsOnPath))) continue;
    for (auto it = std::sregex_iterator(l.begin(), l.end(), kPath); it != std::sregex_iterator(); ++it) {
      std::string path = it->str();
      if (path.size() < 3) continue;
      for (const std::string& e : evidence) {
        for (size_t pos = e.find(path); pos != std::string::npos; pos = e.find(path, pos + 1)) {
          size_t end = pos + path.size();
          bool left = pos == 0 || e[pos - 1] == '\'' || e[pos - 1] == '"' || e[pos - 1] == ' ' || e[pos - 1] == '=';
          bool right = boundary(e, end);
          bool deeper_local = false;
          for (const std::string& q : local_mounts) {
            deeper_local = deeper_local || (q.size() > path.size() && q.compare(0, path.size(), path) == 0 &&
                                            q[path.size()] == '/' && e.compare(pos, q.size(), q) == 0 &&
                                            boundary(e, pos + q.size()));
          }
          if (left && right && !deeper_local) return true;
        }
      }
    }
  }
  // The evidence names no file system at all ("OSError: [Errno 28] No space left on device"): the
  // case's other storage lines (a Lustre OST nearly full, a df of the mount) say which it was (an
  // eviction among them keeps it at the node).
  static const std::regex kAnyFs(R"((/[A-Za-z0-9_.-]+){2,}|\bnvme\d|/dev/sd[a-z]|\bmd\d+\b)", std::regex::icase);
  // A traceback frame's file is where the code is, not the file system the write failed on.
  bool evidence_names_fs = false;
  for (const std::string& e : evidence) {
    const std::string text =
        e.find("File \"") == std::string::npos ? e : std::regex_replace(e, TracebackFrameFileRegex(), "File");
    evidence_names_fs = evidence_names_fs || std::regex_search(text, kAnyFs);
  }
  return !evidence_names_fs && NamesSharedStorage(case_lines);
}

bool NamesServerSideStorage(const std::vector<std::string>& lines) {
  // The file server's own side (its nfsd, a Lustre MDS/MDT/OST down or unreachable) or the shared
  // volume full (ENOSPC, quota): every client sees it, whichever node's log printed it.
  static const FilteredRegex kServer(
      R"((\bnfsd\b|\bno space left\b|\bENOSPC\b|\bquota exceeded\b|\bEDQUOT\b|\berrno 28\]|\berrno 122\]|)"
      R"(\b(mds|mdt|ost)[0-9a-f]*\b[^\n]{0,80}\b(down|unavailable|unreachable|inactive|crashed|failed over)\b))",
      /*icase=*/true);
  for (const std::string& l : lines) {
    if (kServer.Search(l)) return true;
  }
  return false;
}

namespace {

// One node's answers in the case's per-node checks of a mount (MountSweepAnswers).
struct SweepAnswer {
  bool bad = false;  // a result that failed: timed out, an error, stale, not a mountpoint, exit code 124
  bool ok = false;   // a result that answered
  std::string unreachable;  // the runner's line saying the node could not be reached (it ran no check)
};

// A command that checks a mount on many nodes (NF2): a fleet runner (pdsh, clush, pssh, ssh in a
// loop, srun, ansible) and, at a command's start, a check verb on an absolute path: `pdsh -w n-[1-4]
// 'timeout 5 stat -f /mnt/ckpt'`, `clush -b -w @gpu df -h /shared`, `for h in ...; do ssh $h
// mountpoint /lustre; done`, `pdsh ... 'ls /mnt/ckpt >/dev/null && echo ok'`, `dd of=/mnt/ckpt/x`.
// DeepSpeed's `cmd = pdsh -S -f 1024 -w ... cd /work; python -u -m deepspeed.launcher.launch ...
// --save /mnt/ckpt` is none: cd, python and a `--save` argument are no check. Nor is a launch that
// checks the mount before it starts the job (`pdsh -w ... 'test -d /mnt/ckpt && torchrun ...
// train.py'`, RV-NF2): the lines below it are the job's log, not each node's answer to a check.
bool IsMountCheckCommand(const std::string& text) {
  static const std::regex kFleet(R"(\b(pdsh|clush|pssh|parallel-ssh|ssh|srun|ansible)\b)");
  static const std::regex kLaunch(
      R"((^|[\s'"`;|&(/])(python[\d.]*|torchrun|deepspeed|accelerate|mpirun|horovodrun|[\w.-]+\.py)\b)");
  static const std::regex kCheck(
      R"((^|[\s'"`;|&(])(sudo\s+)?(timeout\s+(-[-\w=]+\s+)*\d+[smh]?\s+)?)"
      R"((stat|df|ls|mountpoint|test|dd|touch|findmnt|du)\s+([^;|&'"]{0,160}?[\s=])?/[A-Za-z0-9_.-])");
  if (text.size() > 1000) return false;
  if (text.find("sh") == std::string::npos && text.find("srun") == std::string::npos &&
      text.find("ansible") == std::string::npos)
    return false;  // no fleet runner (pdsh, clush, pssh, ssh): no regex run on most lines
  return std::regex_search(text, kFleet) && std::regex_search(text, kCheck) && !std::regex_search(text, kLaunch);
}

// A line that is itself one node's result of such a check, whatever printed it (no command line in
// the paste): "ok", "/lustre is a mountpoint", dd's "... bytes ... copied", stat -f's lines, a df
// row ("fs01:/export 20T 11T 9.0T 55% /shared"), stat/ls's "cannot ...", "Stale file handle",
// pdsh's "command timed out" / "ssh exited with exit code 124", a loop's "(timed out after 10 s)".
bool IsMountCheckResult(const std::string& rest) {
  static const std::regex kResult(
      R"(^\s*(ok|okay|pass|passed|healthy|mounted|alive|fine|good|success)\s*[.!]?\s*$|\bis (not )?a mountpoint\b|)"
      R"(^\s*(fail|failed|failure|bad|down|dead|hung|stale|nok|not ok|unhealthy|error)\s*[.!]?\s*$|)"
      R"(\bbytes\b.*\bcopied\b|\brecords (in|out)\b|^\s*File: ["'`]?/|\bNamelen:|\bBlock size:|\bInodes: Total:|)"
      R"(^\s*Filesystem\s+(Size|1K-blocks|Type|Inodes)\b|\d%\s+/\S*\s*$|)"
      R"(\bcannot (stat|access|open|read file system information|statx|touch)\b|\bStale file handle\b|)"
      R"(\bTransport endpoint is not connected\b|\bInput/output error\b|\bcommand timed out\b|)"
      R"(\bssh exited with exit code\b|^\s*\(?timed out\b|^\s*ssh: connect to host\b)",
      std::regex::icase);
  return rest.size() <= 400 && std::regex_search(rest, kResult);
}

// A rendezvous outside the allocation (RG14): every host the case's c10d store clients failed to
// connect to (RendezvousConnectHosts: refused, timed out) is none of the job's nodes, as the
// allocation lines give them (AllocationHostlists, expanded by ExpandHostlist; lists that cannot be
// read are no allocation). Empty `host` when there is no such failure, no readable allocation, a
// host written as an IP address (no name to compare) or a failing host inside the allocation.
// The job's allocation, when the case shows several jobs' (REVFIX3; all lists were one union, so the
// previous job's scontrol holding the stale MASTER_ADDR hid the fault): each list belongs to the job
// its log last named (SlurmJobIdOfLine; at the start the log's source, slurm-N.out), the failing
// client to its log's job at its first failure. Another known job's lists are left out; when the
// lists left name different host sets, the failing job's own are kept, then those of the failing
// client's log; when they still differ (two jobs, neither known as the failing one) or none is
// left, nothing is compared.
struct RendezvousOutside {
  std::string host;        // the unreachable rendezvous host
  std::string allocation;  // the allocation's host list as printed
  std::string line;        // the first connect failure's text
  std::string source;      // its "log:line"
};
RendezvousOutside RendezvousOutsideAllocation(const DiagnosisCase& c) {
  struct Allocation {
    std::vector<std::string> hosts;
    std::vector<std::string> keys;  // its hosts as compared: NodeNameKey, a DNS name's first label, sorted, once each
    std::string text;
    std::string job;  // "" when no job was named before it
    size_t log = 0;
  };
  std::vector<Allocation> lists;
  std::vector<std::string> hosts;
  RendezvousOutside first;
  std::string failing_job;
  size_t failing_log = 0;
  auto add_list = [&lists](std::vector<std::string> expanded, std::string text, const std::string& job, size_t li) {
    std::vector<std::string> keys;
    keys.reserve(expanded.size());
    for (const std::string& h : expanded) {
      std::string k = NodeNameKey(h);
      if (!IsIpAddress(k)) k = k.substr(0, k.find('.'));
      keys.push_back(std::move(k));
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    lists.push_back({std::move(expanded), std::move(keys), std::move(text), job, li});
  };
  for (size_t li = 0; li < c.logs.size(); ++li) {
    const CaseLog& log = c.logs[li];
    std::string job = SlurmJobIdOfSource(log.source);
    // `scontrol show hostnames` of the job's list (RG24): its output lines, one host each, are the
    // allocation, up to the first line that is not a bare host name.
    bool show_hostnames = RunsShowHostnamesOfJob(log.source);
    std::vector<std::string> shown_hosts;
    auto end_shown = [&]() {
      if (!shown_hosts.empty()) {
        std::string text = "scontrol show hostnames: ";
        for (size_t i = 0; i < shown_hosts.size(); ++i) {
          if (i) text += ',';
          text += shown_hosts[i];
        }
        add_list(std::move(shown_hosts), std::move(text), job, li);
      }
      shown_hosts.clear();
      show_hostnames = false;
    };
    for (const LogLine& l : log.lines) {
      if (show_hostnames && IsBareHostName(l.text)) {
        std::string h = l.text;
        h.erase(0, h.find_first_not_of(" \t"));
        h.erase(h.find_last_not_of(" \t\r") + 1);
        shown_hosts.push_back(std::move(h));
        continue;
      }
      if (show_hostnames) end_shown();
      if (RunsShowHostnamesOfJob(l.text)) show_hostnames = true;
      if (std::string named = SlurmJobIdOfLine(l.text); !named.empty()) job = std::move(named);
      for (const std::string& list : AllocationHostlists(l.text)) {
        std::vector<std::string> expanded = ExpandHostlist(list);
        if (expanded.empty()) return {};  // an allocation not read: nothing compared
        add_list(std::move(expanded), list, job, li);
      }
      for (const std::string& h : RendezvousConnectHosts(l.text)) {
        hosts.push_back(h);
        if (first.line.empty()) {
          first.line = Utf8Prefix(l.text, 400);
          first.source = log.source + ":" + std::to_string(l.number);
          failing_job = job;
          failing_log = li;
        }
      }
    }
    end_shown();
  }
  if (lists.empty() || hosts.empty()) return {};
  // The failing job's lists (see above). Lists name different host sets when their sorted keys
  // differ (linear: an allocation may hold thousands of hosts).
  auto distinct = [](const std::vector<const Allocation*>& v) {
    for (const Allocation* a : v) {
      if (a->keys != v.front()->keys) return true;
    }
    return false;
  };
  std::vector<const Allocation*> chosen;
  for (const Allocation& a : lists) {
    if (failing_job.empty() || a.job.empty() || a.job == failing_job) chosen.push_back(&a);
  }
  auto narrow = [&](auto keep) {
    if (!distinct(chosen)) return;
    std::vector<const Allocation*> kept;
    for (const Allocation* a : chosen) {
      if (keep(*a)) kept.push_back(a);
    }
    chosen = std::move(kept);
  };
  if (!failing_job.empty()) narrow([&](const Allocation& a) { return a.job == failing_job; });
  narrow([&](const Allocation& a) { return a.log == failing_log; });
  if (chosen.empty() || distinct(chosen)) return {};
  const std::vector<std::string>& alloc = chosen.front()->hosts;
  const std::string& alloc_text = chosen.front()->text;
  // An address the case's own lines tie to a host by name (AddressReader: scontrol's NodeAddr=,
  // /etc/hosts, getent, `host`, NCCL's prefixed Bootstrap line) is compared by that name (RGA); an
  // address tied to none, or to two hosts, decides nothing as before.
  std::map<std::string, std::string> named;
  std::set<std::string> twice;
  for (const CaseLog& log : c.logs) {
    AddressReader reader;
    for (const LogLine& l : log.lines) {
      for (const AddressFact& f : reader.Read(l.text)) {
        if (f.host.empty()) continue;
        auto [it, added] = named.emplace(f.address, f.host);
        if (!added && !SameNodeName(it->second, f.host)) twice.insert(f.address);
      }
    }
  }
  std::string shown;
  for (const std::string& h : hosts) {
    std::string name = h;
    if (IsIpAddress(h)) {
      const std::string key = NodeNameKey(h);
      auto it = named.find(key);
      if (it == named.end() || twice.count(key)) return {};
      name = it->second;
      if (shown.empty()) shown = h + " (" + name + ")";
    }
    for (const std::string& a : alloc) {
      if (SameNodeName(name, a)) return {};
    }
  }
  first.host = shown.empty() ? hosts.front() : shown;
  first.allocation = alloc_text;
  return first;
}

// How many hosts a Slurm hostlist expression names ("gh-[01-12]" 12, "n1,n3" 2, "a[1-3,5],b7" 5,
// "r[1-2]n[1-4]" 8); -1 when it is not one ("(null)", "None assigned", unbalanced brackets) or names
// more than 65,536 hosts. ExpandHostlist's reading (this kept a second parser of its own, which
// took characters no host name has and counted up to 1,000,000 hosts).
int HostlistSize(const std::string& list) {
  const std::vector<std::string> hosts = ExpandHostlist(list, 65536);
  return hosts.empty() ? -1 : static_cast<int>(hosts.size());
}

// A launcher whose node or process count disagrees with the allocation Slurm reports (review RG;
// realistic5 case-rl5-30: `torchrun --nnodes=11` in a 12-node allocation left the 12th node's GPUs
// idle, its agent refused by the closed rendezvous). Read from the case's logs:
//  - the launcher: torchrun / torch.distributed.run's `--nnodes N` or an elastic `N:M`, and
//    `--nproc-per-node K` (`--nproc_per_node`); DeepSpeed's `--num_nodes N` / `--num_gpus K`;
//    accelerate's `--num_machines N`; `srun -N N` / `--nodes=N` when srun starts one of those (or
//    python); `WORLD_SIZE=N` (processes);
//  - the allocation: `SLURM_JOB_NUM_NODES=` / `SLURM_NNODES=`, scontrol show job's `NumNodes=` and
//    `NodeList=`, `SLURM_JOB_NODELIST=` / `SLURM_NODELIST=` (the hostlist's size), sacct's NNodes
//    column (also `--parsable`), a fixed `#SBATCH --nodes=N` / `-N N`; its GPUs per node from
//    `--gpus-per-node=`, `--gres=gpu[:type]:K`, `SLURM_GPUS_ON_NODE=` / `SLURM_GPUS_PER_NODE=`.
// Sources that disagree among themselves about the allocation are no allocation (two jobs'
// lines); a launcher count is a mismatch only when no launcher line of its kind fits the
// allocation (a relaunch with the right count leaves none). Returns what disagrees ("" for none);
// *uses_less (when given) says whether every disagreement is the launch using less than the
// allocation (fewer nodes, processes or ranks: a spare node kept for elastic restarts, job steps
// smaller than the allocation on purpose), which is a cause only with its consequence (review RV-RG).
// The options of an mpirun / mpiexec command line that are mpirun's own: the words up to the program
// it starts (the first word that is no option and no option's value). Options that take a value as
// the next word are listed (Open MPI, MPICH/Hydra, Intel MPI); an option not listed is read as a flag,
// so an unlisted option's value ends the options early: fewer counts read, never the program's.
// "--" ends the options too.
std::string MpirunOwnOptions(const std::string& rest) {
  static const std::set<std::string> kOneValue = {
      "-np", "-n", "--np", "-c", "-H", "--host", "-host", "-hosts", "--hostfile", "-hostfile", "--machinefile",
      "-machinefile", "-f", "-x", "--map-by", "-map-by", "--bind-to", "-bind-to", "--rank-by", "-rank-by",
      "-npernode", "--npernode", "-N", "-ppn", "-perhost", "--npersocket", "-wdir", "-wd", "--wdir", "--prefix",
      "-prefix", "--output-filename", "-output-filename", "--path", "-path", "-bootstrap", "-launcher",
      "-iface", "-rmk", "--tmpdir", "-am", "--am", "--app", "-configfile", "--display", "-errfile-pattern",
      "-outfile-pattern", "--preload-files", "--personality", "--timeout", "--report-child-jobs-separately"};
  static const std::set<std::string> kTwoValues = {"-mca", "--mca", "-gmca", "--gmca", "-genv", "-env",
                                                   "--env", "-prtemca", "--prtemca"};
  std::istringstream in(rest);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  std::string own;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w == "--" || w.empty() || w[0] != '-') break;  // the program
    size_t take = 0;
    if (w.find('=') == std::string::npos) take = kOneValue.count(w) ? 1 : kTwoValues.count(w) ? 2 : 0;
    for (size_t k = 0; k <= take && i + k < words.size(); ++k) {
      own += ' ';
      own += words[i + k];
    }
    i += take;
  }
  return own;
}

std::string LaunchCountMismatch(const DiagnosisCase& c, bool* uses_less = nullptr,
                                std::vector<std::string>* unreadable = nullptr) {
  // mpirun / mpiexec (Open MPI, MPICH, Intel MPI): -np / -n / --np N processes in all (read as a
  // WORLD_SIZE), -H / --host h1:s1,h2:s2 (one node a host, s processes on each). RG2.
  static const std::regex kMpirun(R"(\b(?:mpirun|mpiexec)\b(.*))");
  static const std::regex kMpiNp(R"((?:^|\s)(?:-np|-n|--np)[= ]\s*(\d{1,6})(?=\s|$))");
  // MPICH / Hydra's `-hosts a:8,b:8` too (RG3).
  static const std::regex kMpiHosts(R"((?:^|\s)(?:-H|--host|-host|-hosts)[= ]\s*([\w.:,-]+)(?=\s|$))");
  // Group 1: the hostfile's path. MPICH / Hydra's `-f FILE` too (RG3).
  static const std::regex kMpiHostfile(R"((?:^|\s)(?:--hostfile|-hostfile|--machinefile|-machinefile|-f)[= ]\s*(\S+))");
  // Processes a node: MPICH / Hydra's `-ppn N` / `-perhost N`, Open MPI's `-npernode N` (RG3).
  static const std::regex kMpiPerNode(R"((?:^|\s)(?:-ppn|-perhost|-npernode|--npernode)[= ]\s*(\d{1,4})(?=\s|$))");
  // Open MPI's other spellings of it (RG4): `-N N` and `--map-by ppr:N:node` (with modifiers after
  // it: `ppr:8:node:PE=4`); ppr over sockets or NUMA domains needs their count a node and is not read.
  static const std::regex kOmpiPerNode(
      R"((?:^|\s)(?:-N[= ]\s*(\d{1,4})(?=\s|$)|--?map-by[= ]\s*ppr:(\d{1,4}):node(?=[:\s]|$)))");
  // An Open MPI hostfile's line as `cat` shows it in the case: "gh-01 slots=8".
  static const std::regex kHostfileLine(R"(^\s*([A-Za-z][\w.-]*)\s+slots\s*=\s*(\d{1,4})\s*$)");
  // A Kubeflow PyTorchJob's spec: pytorchReplicaSpecs' Master / Worker, each with "replicas: N" (one
  // pod a replica, each pod one torchrun node: the operator sets --nnodes to their sum).
  // YAML ("Worker:" / "replicas: 4") and JSON as kubectl prints it ("\"Worker\": {" / "\"replicas\": 4,"),
  // JSON on one line too (RG3). A Kubeflow MPIJob's mpiReplicaSpecs: Launcher (runs mpirun, no rank)
  // and Worker (one pod a node; `slotsPerWorker` processes on each, the operator's hostfile slots).
  static const std::regex kReplicaRole(R"re(^\s*(?:(Master|Worker|Launcher):\s*|"(Master|Worker|Launcher)"\s*:\s*\{\s*)$)re");
  static const std::regex kReplicas(R"re(^\s*(?:replicas:\s*(\d{1,6})|"replicas"\s*:\s*(\d{1,6})\s*,?)\s*$)re");
  static const std::regex kReplicasInline(
      R"re("(Master|Worker|Launcher)"\s*:\s*\{\s*(?:"\w+"\s*:\s*(?:"[^"]*"|[\w.-]+)\s*,\s*)*"replicas"\s*:\s*(\d{1,6})\b)re");
  // A PyTorchJob's processes a node (`nprocPerNode: "8"`, the older elasticPolicy's `nProcPerNode`)
  // and an MPIJob's `slotsPerWorker: 8`, YAML or JSON (RG3).
  static const std::regex kPerPod(R"re((?:^|[\s{,"])(?:nprocPerNode|nProcPerNode|slotsPerWorker)"?\s*:\s*"?(\d{1,4})"?\s*(?:,|\}|$))re");
  // A replica's GPUs: its container's `nvidia.com/gpu: 8` (limit and request, equal for an extended
  // resource), read inside a Kubeflow job's spec only (RG3).
  static const std::regex kPodGpus(R"re(^\s*"?nvidia\.com/gpu"?\s*:\s*"?(\d{1,3})"?\s*,?\s*$)re");
  // MPICH's hostfile as `cat` shows it: "host", "host:8" (and Open MPI's "host slots=8", above).
  static const std::regex kMpichHostLine(R"(^\s*([A-Za-z][\w.-]*)(?::(\d{1,4}))?\s*$)");
  static const std::regex kCatFile(R"(^\s*(?:\$|#|\+)\s+cat\s+(\S+)\s*$)");
  // A count the launcher or Slurm printed with more digits than any cluster has (7 or more): no count
  // is read from it, and the answer says so rather than passing over it.
  static const std::regex kTooLong(
      R"((?:^|\s)(--nnodes|--nproc[-_]per[-_]node|--num_nodes|--num_gpus|--num_machines|-np|--np|-N|--nodes)[= ]\s*(\d{7,})\b|)"
      R"(\b(SLURM_JOB_NUM_NODES|SLURM_NNODES|NumNodes)=(\d{7,})\b)");
  static const std::regex kNnodes(R"((?:^|\s)--nnodes[= ](\d{1,6})(?::(\d{1,6}))?\b)");
  static const std::regex kNproc(R"((?:^|\s)--nproc[-_]per[-_]node[= ](\d{1,4})\b)");
  static const std::regex kDsNodes(R"((?:^|\s)--num_nodes[= ](\d{1,6})\b)");
  static const std::regex kDsGpus(R"((?:^|\s)--num_gpus[= ](\d{1,4})\b)");
  static const std::regex kAccel(R"((?:^|\s)--num_machines[= ](\d{1,6})\b)");
  // srun's options, then the launcher, directly or through a shell (`srun -N 3 bash -c 'torchrun
  // --nnodes=4 ...'`, `/bin/bash -lc "..."`: RG9; it was read as no launch).
  static const std::regex kSrun(
      R"(\bsrun\b((?:\s+-[^\s]+(?:\s+[^-\s][^\s]*)?)*?)\s+(?:\S*/)?(?:(?:ba)?sh\s+-[a-z]*c[a-z]*\s+['"]?\s*(?:\S*/)?)?)"
      R"((?:torchrun|python3?|deepspeed|accelerate)\b)");
  static const std::regex kSrunNodes(R"((?:^|\s)(?:-N\s*|--nodes[= ])(\d{1,6})(?:-(\d{1,6}))?(?=\s|$))");
  // sacct's JobID: "71021", an array task "71021_3", a het component "71021+0", a step "71021.0" /
  // "71021.batch" (group 1: a step's suffix).
  static const std::regex kJobId(R"(^\d+(?:_\d+|_\[[\d,-]+\])?(?:\+\d+)?(\.\w+)?$)");
  static const std::regex kWorld(R"((?:^|[\s"'])WORLD_SIZE=(\d{1,7})\b)");
  static const std::regex kAllocNodes(R"(\bSLURM_(?:JOB_NUM_NODES|NNODES)=(\d{1,6})\b|\bNumNodes=(\d{1,6})(?:-(\d{1,6}))?\b)");
  static const std::regex kSbatchNodes(R"(^\s*#SBATCH\b.*?\s(?:-N\s*|--nodes[= ])(\d{1,6})(?:-(\d{1,6}))?(?=\s|$))");
  static const std::regex kNodeList(R"((?:^|\s)(?:SLURM_JOB_NODELIST|SLURM_NODELIST|NodeList)=(\S+))");
  static const std::regex kAllocGpus(
      R"((?:^|\s)--gpus-per-node[= ](?:[\w-]+:)?(\d{1,4})\b|(?:^|\s)--gres[= ]gpu(?::[\w.-]+)?:(\d{1,4})\b|)"
      R"(\bSLURM_GPUS_(?:ON_NODE|PER_NODE)=(?:[\w-]+:)?(\d{1,4})\b)");
  std::set<int> alloc_nodes, alloc_gpus;
  std::vector<std::pair<int, int>> nnodes;  // launcher node counts (min, max)
  // The line each of `nnodes` was read from: the mismatch quotes the line whose count it names, not
  // the first launcher line (whose count may be a 0 left out below; RG3).
  std::vector<std::string> nnodes_at;
  // Whether each of `nnodes` is torch elastic's requirement (torchrun's `--nnodes`, its launch
  // config's min_nodes / max_nodes: the nodes the rendezvous waits for) rather than where processes
  // are placed (srun's nodes, mpirun's hosts, a hostfile). The two are compared with the
  // allocation each on its own (RG4, realistic8 rl8-19: `srun --nodes=3 ... torchrun --nnodes=4` in
  // a 3-node allocation; srun's 3 fit, and the 4 the rendezvous waited for were never read).
  std::vector<bool> nnodes_rdzv;
  auto add_nodes = [&](int lo, int hi, const std::string& line, bool rdzv = false) {
    nnodes.emplace_back(lo, hi);
    nnodes_at.push_back(Utf8Prefix(line, 300));
    nnodes_rdzv.push_back(rdzv);
  };
  // torch elastic's launch config block ("Starting elastic_operator with launch configs:"), one row
  // a line: "  min_nodes        : 4" then "  max_nodes        : 4" (RG4).
  static const std::regex kMinNodes(R"(\bmin_nodes\s*:\s*(\d{1,6})\s*$)");
  static const std::regex kMaxNodes(R"(\bmax_nodes\s*:\s*(\d{1,6})\s*$)");
  std::set<int> nproc, world;
  // What the user wrote for each of `world`: "WORLD_SIZE=40", "mpirun -np 40" (the mismatch quotes
  // it; before RG6 an mpirun -np read as "WORLD_SIZE=40", a variable the user never set).
  std::map<int, std::string> world_what;
  // srun starting fewer torch elastic agents than the rendezvous on the same line waits for
  // (`srun -N 3 torchrun --nnodes=4`): the rendezvous never completes, whatever the allocation (RG6).
  std::string starved;
  bool srun_meets_rdzv = false;  // a srun line whose agents meet its rendezvous (a relaunch that fits)
  std::set<std::string> hostfile_hosts;
  std::set<int> hostfile_slots;
  std::string hostfile_line;
  std::string hostfile_name;  // the hostfile's file name (no directory) mpirun's option gives
  // `cat FILE`'s output in the case, by FILE's name: the hosts and slot counts of its lines (RG3).
  std::map<std::string, std::set<std::string>> cat_hosts;
  std::map<std::string, std::set<int>> cat_slots;
  std::map<std::string, std::map<std::string, int>> replicas;  // "PyTorchJob" / "MPIJob" -> role -> replicas
  auto num = [](const std::ssub_match& m) { return std::stoi(m.str()); };
  auto base_name = [](const std::string& path) {
    const size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
  };
  for (const CaseLog& log : c.logs) {
    // sacct's table: the header line's NNodes column, read on the rows under it (the job's own row,
    // not a step's "71021.0").
    int sacct_col = -1;
    char sacct_sep = ' ';
    std::string replica_kind;  // the spec the lines are in: "PyTorchJob", "MPIJob" or none
    std::string role;
    std::string cat_file;  // the file a `cat` above the line prints (until the next command)
    // A launch config block's min_nodes by the line's label (srun's `[host]:` / `--label`'s `3:`,
    // "" for none): it pairs with the next line of that label only, the block's max_nodes row (RG6:
    // it waited for a max_nodes row anywhere later in the log, another agent's or a restart's).
    std::map<std::string, int> min_nodes;
    for (const LogLine& line : log.lines) {
      const std::string& t = line.text;
      if (t.size() > 2000) continue;
      std::smatch m;
      // A hostfile printed by `cat` ("$ cat hosts", "+ cat hosts" in a bash -x trace): its lines are
      // MPICH's "host" / "host:8" or Open MPI's "host slots=8", up to the next command or a blank line.
      if (t.find("cat ") != std::string::npos && std::regex_search(t, m, kCatFile)) {
        cat_file = base_name(m[1].str());
        continue;
      }
      if (!cat_file.empty()) {
        const size_t first = t.find_first_not_of(" \t\r");
        // A hostfile's comment runs from '#' to the line's end, after a host too ("n-02:8  # spare");
        // read without it (RV-RG3: the block ended there, and the hosts above it were read as the
        // whole file, a false "hostfile lists 1 host(s)").
        const std::string h = t.substr(0, t.find('#'));
        if (first == std::string::npos || t[first] == '$' || t[first] == '+' || t[first] == '>') {
          cat_file.clear();
        } else if (h.find_first_not_of(" \t\r") == std::string::npos) {
          // a comment line
        } else if (std::regex_search(h, m, kMpichHostLine)) {
          cat_hosts[cat_file].insert(m[1].str());
          if (m[2].matched && num(m[2]) > 0) cat_slots[cat_file].insert(num(m[2]));
        } else if (std::regex_search(h, m, kHostfileLine)) {
          cat_hosts[cat_file].insert(m[1].str());
          if (num(m[2]) > 0) cat_slots[cat_file].insert(num(m[2]));
        } else {
          cat_file.clear();  // no hostfile's line: the output is another file's
        }
      }
      auto split = [](const std::string& s, char sep) {
        std::vector<std::string> out;
        if (sep == ' ') {
          std::istringstream in(s);
          std::string w;
          while (in >> w) out.push_back(w);
        } else {
          std::string cur;
          for (char ch : s) {
            if (ch == sep) {
              out.push_back(cur);
              cur.clear();
            } else {
              cur += ch;
            }
          }
          out.push_back(cur);
        }
        return out;
      };
      if (t.find("NNodes") != std::string::npos && t.find("JobID") != std::string::npos) {
        sacct_sep = t.find('|') != std::string::npos ? '|' : ' ';
        std::vector<std::string> cols = split(t, sacct_sep);
        sacct_col = -1;
        for (size_t k = 0; k < cols.size(); ++k) {
          if (cols[k] == "NNodes") sacct_col = static_cast<int>(k);
        }
        continue;
      }
      if (sacct_col >= 0) {
        std::vector<std::string> cols = split(t, sacct_sep);
        if (!cols.empty() && !cols[0].empty() && cols[0].find_first_not_of('-') == std::string::npos) continue;
        std::smatch id;
        if (!cols.empty() && std::regex_match(cols[0], id, kJobId)) {
          const std::string v = cols.size() > static_cast<size_t>(sacct_col) ? cols[sacct_col] : "";
          if (!id[1].matched && !v.empty() && v.size() <= 6 && v.find_first_not_of("0123456789") == std::string::npos) {
            alloc_nodes.insert(std::stoi(v));
          }
          continue;
        }
        sacct_col = -1;  // the table ended; the line is read as any other
      }
      if (t.find("SLURM_") != std::string::npos || t.find("NumNodes=") != std::string::npos) {
        for (auto it = std::sregex_iterator(t.begin(), t.end(), kAllocNodes); it != std::sregex_iterator(); ++it) {
          const std::smatch& a = *it;
          if (a[1].matched) alloc_nodes.insert(num(a[1]));
          else if (!a[3].matched || num(a[3]) == num(a[2])) alloc_nodes.insert(num(a[2]));
        }
      }
      if (t.find("#SBATCH") != std::string::npos && std::regex_search(t, m, kSbatchNodes) &&
          (!m[2].matched || num(m[2]) == num(m[1]))) {
        alloc_nodes.insert(num(m[1]));
      }
      if (t.find("NODELIST=") != std::string::npos || t.find("NodeList=") != std::string::npos) {
        for (auto it = std::sregex_iterator(t.begin(), t.end(), kNodeList); it != std::sregex_iterator(); ++it) {
          int n = HostlistSize((*it)[1].str());
          if (n > 0) alloc_nodes.insert(n);
        }
      }
      if (t.find("gpu") != std::string::npos || t.find("GPU") != std::string::npos) {
        for (auto it = std::sregex_iterator(t.begin(), t.end(), kAllocGpus); it != std::sregex_iterator(); ++it) {
          for (int g : {1, 2, 3}) {
            if ((*it)[g].matched) alloc_gpus.insert(num((*it)[g]));
          }
        }
      }
      if (!min_nodes.empty() || t.find("min_nodes") != std::string::npos) {
        static const std::regex kLabel(R"(^\s*(\[[^\]]{1,128}\]:|\d{1,6}:))");
        std::smatch l;
        const std::string label = std::regex_search(t, l, kLabel) ? l[1].str() : std::string();
        auto pending = min_nodes.find(label);
        if (t.find("min_nodes") != std::string::npos && std::regex_search(t, m, kMinNodes)) {
          min_nodes[label] = num(m[1]);
        } else if (pending != min_nodes.end()) {
          if (t.find("max_nodes") != std::string::npos && std::regex_search(t, m, kMaxNodes)) {
            add_nodes(pending->second, std::max(pending->second, num(m[1])), t, /*rdzv=*/true);
          }
          min_nodes.erase(pending);
        }
      }
      if (t.find("--") != std::string::npos) {
        if (std::regex_search(t, m, kNnodes))
          add_nodes(num(m[1]), m[2].matched ? num(m[2]) : num(m[1]), t, /*rdzv=*/true);
        if (std::regex_search(t, m, kDsNodes)) add_nodes(num(m[1]), num(m[1]), t);
        // accelerate launch hands --num_machines to torch elastic as its node count: the rendezvous
        // waits for that many, as for torchrun's --nnodes (review RV-RG4).
        if (std::regex_search(t, m, kAccel)) add_nodes(num(m[1]), num(m[1]), t, /*rdzv=*/true);
        if (std::regex_search(t, m, kNproc) || std::regex_search(t, m, kDsGpus)) nproc.insert(num(m[1]));
      }
      if (t.find("srun") != std::string::npos && std::regex_search(t, m, kSrun)) {
        std::string opts = m[1].str();
        std::smatch n;
        if (std::regex_search(opts, n, kSrunNodes) && (!n[2].matched || num(n[2]) == num(n[1]))) {
          add_nodes(num(n[1]), num(n[1]), t);
          // The agents srun starts: one a node unless the tasks are given (`--ntasks-per-node=K`,
          // `-n` / `--ntasks=N`). Fewer than the minimum the same line's rendezvous waits for
          // (torchrun's `--nnodes N` / `N:M`, accelerate's `--num_machines N`) can never form it.
          static const std::regex kTasksPerNode(R"((?:^|\s)--ntasks-per-node[= ](\d{1,4})(?=\s|$))");
          static const std::regex kTasks(R"((?:^|\s)(?:-n\s*|--ntasks[= ])(\d{1,6})(?=\s|$))");
          std::smatch k;
          int agents = num(n[1]);
          if (std::regex_search(opts, k, kTasks)) agents = num(k[1]);
          else if (std::regex_search(opts, k, kTasksPerNode)) agents = num(n[1]) * num(k[1]);
          // The command srun itself launches: up to the next shell separator (`;`, `&&`, `|`, `&`:
          // a torchrun after `srun -N1 python prep.py &&` is not srun's) or a heterogeneous job's
          // next component (` : `). Not a line that only prints a command (`echo "srun -N 1 torchrun
          // ..."`, printf): nothing was launched (RV-RG6).
          const size_t from = static_cast<size_t>(m.position(0));
          std::string launched = t.substr(from);
          const size_t cmd_end = static_cast<size_t>(m.length(0));
          size_t cut = launched.find_first_of(";&|", cmd_end);
          cut = std::min(cut, launched.find(" : ", cmd_end));
          if (cut != std::string::npos) launched.resize(cut);
          static const std::regex kPrinted(R"((?:^|[\s;&|(])(?:echo|printf)\s)");
          const bool printed = std::regex_search(t.substr(0, from), kPrinted);
          int need = -1;
          if (std::regex_search(launched, k, kNnodes) || std::regex_search(launched, k, kAccel)) need = num(k[1]);
          if (!printed && agents > 0 && need > 0 && need <= agents) srun_meets_rdzv = true;
          if (!printed && starved.empty() && agents > 0 && need > agents) {
            starved = "srun starts ";
            starved += std::to_string(agents);
            starved += " launcher agent(s) but the rendezvous waits for ";
            starved += std::to_string(need);
            starved += " node(s) (";
            starved += Utf8Prefix(t, 300);
            starved += "): it never completes";
          }
        }
      }
      if (t.find("WORLD_SIZE=") != std::string::npos && std::regex_search(t, m, kWorld)) {
        world.insert(num(m[1]));
        std::string what = "WORLD_SIZE=";
        what += m[1].str();
        world_what.emplace(num(m[1]), std::move(what));
      }
      // The spec ends at the next command ("$ kubectl describe node ...", "+ ..." in a bash -x
      // trace) or YAML document ("---"): a node's `nvidia.com/gpu: 8` under Capacity below it is
      // the node's, not the pods' (RV-RG3).
      if (!replica_kind.empty() && (t.rfind("$ ", 0) == 0 || t.rfind("+ ", 0) == 0 || t.rfind("---", 0) == 0)) {
        replica_kind.clear();
        role.clear();
      }
      if (t.find("pytorchReplicaSpecs") != std::string::npos) replica_kind = "PyTorchJob";
      if (t.find("mpiReplicaSpecs") != std::string::npos) replica_kind = "MPIJob";
      if (!replica_kind.empty()) {
        bool inline_spec = false;
        for (auto it = std::sregex_iterator(t.begin(), t.end(), kReplicasInline); it != std::sregex_iterator(); ++it) {
          replicas[replica_kind][(*it)[1].str()] = num((*it)[2]);
          inline_spec = true;
        }
        if (inline_spec) {
          role.clear();
        } else if (std::regex_search(t, m, kReplicaRole)) {
          role = m[1].matched ? m[1].str() : m[2].str();
        } else if (!role.empty() && std::regex_search(t, m, kReplicas)) {
          replicas[replica_kind][role] = m[1].matched ? num(m[1]) : num(m[2]);
          role.clear();
        }
      }
      if (!replica_kind.empty() && t.find("nvidia.com/gpu") != std::string::npos && std::regex_search(t, m, kPodGpus))
        alloc_gpus.insert(num(m[1]));
      if ((t.find("PerNode") != std::string::npos || t.find("slotsPerWorker") != std::string::npos) &&
          std::regex_search(t, m, kPerPod)) {
        nproc.insert(num(m[1]));
      }
      if (t.find("slots") != std::string::npos && std::regex_search(t, m, kHostfileLine)) {
        hostfile_hosts.insert(m[1].str());
        if (num(m[2]) > 0) hostfile_slots.insert(num(m[2]));  // slots=0: no per-node count (RV-RG2)
      }
      if ((t.find("mpirun") != std::string::npos || t.find("mpiexec") != std::string::npos) &&
          std::regex_search(t, m, kMpirun)) {
        // mpirun's own options only: what follows the program it starts is the program's
        // (nccl-tests' `-n 50` iterations, a script's `-H 1024`), no launch count (review RV-RG2).
        const std::string opts = MpirunOwnOptions(m[1].str());
        std::smatch n;
        if (std::regex_search(opts, n, kMpiNp)) {
          if (num(n[1]) > 0) {
            world.insert(num(n[1]));
            std::string what = "mpirun ";
            what += n[0].str().substr(n[0].str().find('-'));
            world_what.emplace(num(n[1]), std::move(what));
          } else if (unreadable != nullptr) {
            std::string note = "mpirun ";
            note += n[0].str().substr(n[0].str().find('-'));
            note += " (0 is no process count: ";
            note += Utf8Prefix(t, 200);
            note += ")";
            unreadable->push_back(std::move(note));
          }
        }
        if (std::regex_search(opts, n, kMpiHostfile) && hostfile_line.empty()) {
          hostfile_line = Utf8Prefix(t, 300);
          hostfile_name = base_name(n[1].str());
        }
        if (std::regex_search(opts, n, kMpiPerNode)) nproc.insert(num(n[1]));
        if (std::regex_search(opts, n, kOmpiPerNode)) nproc.insert(num(n[1].matched ? n[1] : n[2]));
        if (std::regex_search(opts, n, kMpiHosts)) {
          std::set<std::string> hosts;
          std::set<int> slots;
          bool every_slot = true;
          std::string host_list = n[1].str();
          for (size_t at = 0; at <= host_list.size();) {
            size_t comma = host_list.find(',', at);
            if (comma == std::string::npos) comma = host_list.size();
            const std::string entry = host_list.substr(at, comma - at);
            at = comma + 1;
            if (entry.empty()) continue;
            const size_t colon = entry.find(':');
            if (colon == 0) continue;  // ":8" names no host
            hosts.insert(entry.substr(0, colon));
            std::optional<int32_t> s = colon == std::string::npos ? std::nullopt : ParseInt32(entry.substr(colon + 1));
            if (s && *s > 0 && *s <= 9999) slots.insert(*s);
            else every_slot = false;
          }
          if (!hosts.empty()) add_nodes(static_cast<int>(hosts.size()), static_cast<int>(hosts.size()), t);
          if (every_slot && slots.size() == 1) nproc.insert(*slots.begin());
        }
      }
      auto long_number = [](const std::string& s) {
        size_t run = 0;
        for (char ch : s) {
          run = ch >= '0' && ch <= '9' ? run + 1 : 0;
          if (run >= 7) return true;
        }
        return false;
      };
      if (unreadable != nullptr && long_number(t)) {
        for (auto it = std::sregex_iterator(t.begin(), t.end(), kTooLong); it != std::sregex_iterator(); ++it) {
          const std::smatch& u = *it;
          std::string note = u[1].matched ? u[1].str() : u[3].str();
          note += " ";
          note += u[1].matched ? u[2].str() : u[4].str();
          note += " (over 6 digits: ";
          note += Utf8Prefix(t, 200);
          note += ")";
          unreadable->push_back(std::move(note));
        }
      }
    }
  }
  // mpirun --hostfile: the hostfile's lines the case shows, one node a host. The output of `cat` of
  // the file mpirun names, when the case holds it (MPICH's "host" / "host:8" too; RG3); else Open
  // MPI's "gh-01 slots=8" lines wherever the case shows them (RG2).
  if (!hostfile_line.empty() && cat_hosts.count(hostfile_name)) {
    hostfile_hosts = cat_hosts[hostfile_name];
    hostfile_slots = cat_slots[hostfile_name];
  }
  if (!hostfile_line.empty() && !hostfile_hosts.empty()) {
    std::string at = hostfile_line;
    at += "; its hostfile lists ";
    at += std::to_string(hostfile_hosts.size());
    at += " host(s)";
    add_nodes(static_cast<int>(hostfile_hosts.size()), static_cast<int>(hostfile_hosts.size()), at);
    if (hostfile_slots.size() == 1) nproc.insert(*hostfile_slots.begin());
  }
  // A Kubeflow job's pods are its allocation: a PyTorchJob's Master replicas plus Worker's (each pod
  // a torchrun node), an MPIJob's Worker replicas (its Launcher runs mpirun and no rank; RG3).
  std::string pod_what;
  for (const auto& [kind, roles] : replicas) {
    int pods = 0;
    for (const auto& [r, n] : roles) {
      if (kind == "PyTorchJob" ? (r == "Master" || r == "Worker") : r == "Worker") pods += n;
    }
    if (pods > 0) {
      alloc_nodes.insert(pods);
      pod_what = kind == "PyTorchJob" ? "the PyTorchJob's Master + Worker replicas are " : "the MPIJob's Worker replicas are ";
    }
  }
  const bool pod_alloc = !pod_what.empty();
  // A node or process count of 0 is no count: no job runs on 0 nodes or 0 processes (`--nnodes=0`,
  // `SLURM_JOB_NUM_NODES=0`, `WORLD_SIZE=0` are a template's placeholder or a typo). Left out and
  // named, as mpirun's `-np 0` above; before, "the launcher asks for 0 node(s)" was evidence and a 0
  // beside a real WORLD_SIZE hid it (review RV-RG2 found it). A GPU count of 0 stays: a job that
  // asked for no GPUs and starts 8 processes a node is a launch error.
  auto drop_zero = [&](std::set<int>& counts, const char* what) {
    if (counts.erase(0) > 0 && unreadable != nullptr) {
      std::string note = what;
      note += " 0 (0 is no count)";
      unreadable->push_back(std::move(note));
    }
  };
  drop_zero(alloc_nodes, "the allocation's node count");
  drop_zero(nproc, "the launcher's processes per node");
  drop_zero(world, "WORLD_SIZE");
  const size_t launcher_counts = nnodes.size();
  for (size_t i = nnodes.size(); i-- > 0;) {
    if (nnodes[i].second <= 0) {
      nnodes.erase(nnodes.begin() + static_cast<std::ptrdiff_t>(i));
      nnodes_at.erase(nnodes_at.begin() + static_cast<std::ptrdiff_t>(i));
      nnodes_rdzv.erase(nnodes_rdzv.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  // A relaunch whose srun starts enough agents: the launch was fixed (as a kind fits below when one
  // of its lines does; RV-RG6: the first srun's shortfall stood).
  if (srun_meets_rdzv) starved.clear();
  if (nnodes.size() != launcher_counts && unreadable != nullptr) {
    unreadable->push_back("the launcher's node count 0 (0 is no count)");
  }
  if (alloc_nodes.size() != 1) {
    if (uses_less != nullptr) *uses_less = false;
    return starved;
  }
  const int alloc = *alloc_nodes.begin();
  std::string out = starved;
  bool less = starved.empty();
  if (!nnodes.empty()) {
    // Per kind (the rendezvous' requirement, the placement): a kind fits when one of its lines
    // does (a relaunch with the right count); the launch fits when every kind present fits.
    bool fits = true;
    bool nodes_less = true;
    size_t named = nnodes.size();  // the line the mismatch quotes: the first of a kind that does not fit
    for (bool kind : {true, false}) {
      bool present = false, kind_fits = false, kind_less = true;
      size_t first = nnodes.size();
      for (size_t i = 0; i < nnodes.size(); ++i) {
        if (nnodes_rdzv[i] != kind) continue;
        present = true;
        if (first == nnodes.size()) first = i;
        kind_fits = kind_fits || (nnodes[i].first <= alloc && alloc <= nnodes[i].second);
        kind_less = kind_less && nnodes[i].second < alloc;
      }
      if (!present || kind_fits) continue;
      fits = false;
      nodes_less = nodes_less && kind_less;
      if (named == nnodes.size()) named = first;
    }
    if (!fits) less = less && nodes_less;
    if (!fits) {
      if (!out.empty()) out += "; ";
      out += "the launcher asks for ";
      out += std::to_string(nnodes[named].first);
      if (nnodes[named].second != nnodes[named].first) {
        out += "..";
        out += std::to_string(nnodes[named].second);
      }
      out += " node(s) (";
      out += nnodes_at[named];
      out += ") but ";
      out += pod_alloc ? pod_what : "Slurm allocated ";
      out += std::to_string(alloc);
    }
  }
  if (alloc_gpus.size() == 1 && !nproc.empty() && !nproc.count(*alloc_gpus.begin())) {
    less = less && *nproc.rbegin() < *alloc_gpus.begin();
    if (!out.empty()) out += "; ";
    out += "the launcher starts ";
    out += std::to_string(*nproc.begin());
    out += " process(es) per node on nodes allocated ";
    out += std::to_string(*alloc_gpus.begin());
    out += " GPU(s) each";
  }
  int per_node = nproc.size() == 1 ? *nproc.begin() : alloc_gpus.size() == 1 ? *alloc_gpus.begin() : 0;
  if (out.empty() && per_node > 0 && world.size() == 1 && *world.begin() != alloc * per_node) {
    less = less && *world.begin() < alloc * per_node;
    auto what = world_what.find(*world.begin());
    if (what != world_what.end()) {
      out += what->second;
    } else {
      out += "WORLD_SIZE=";
      out += std::to_string(*world.begin());
    }
    out += " but the allocation holds ";
    out += std::to_string(alloc);
    out += " node(s) x ";
    out += std::to_string(per_node);
    out += " process(es)";
  }
  if (uses_less != nullptr) *uses_less = !out.empty() && less;
  return out;
}

// A fleet runner's line saying it could not reach a node, so the node ran no check: ssh's own
// "ssh: connect to host n12 port 22: No route to host" (also Connection refused / timed out, Network
// is unreachable, Could not resolve hostname, Host key verification failed, Permission denied
// (publickey...)), pdsh's "ssh exited with exit code 255" and clush's "exited with exit code 255"
// (ssh exits 255 on its own errors; the remote command's status is passed through otherwise), and
// pssh's "[FAILURE] n12 Exited with error code 255".
bool IsUnreachableAnswer(const std::string& rest) {
  static const std::regex kUnreachable(
      R"(\bssh: connect to host\b|\bssh: Could not resolve hostname\b|\bHost key verification failed\b|)"
      R"(\bPermission denied \((publickey|gssapi|password|keyboard)|\bexit(ed)? with (exit|error) code 255\b)",
      std::regex::icase);
  return rest.size() <= 400 && std::regex_search(rest, kUnreachable);
}

// The per-node checks of a mount in the case's logs, by node (NF2): a result counts as one node's
// answer when its log shows the check command above it (until another command line), or when the
// result reads as a mount check's by itself (IsMountCheckResult). A result's node: pdsh's label
// (PdshNodeOf, the one reading of a "HOST: " label; the runner's own "pdsh@HOST: NODE: ..." /
// "clush: NODE: ..." with its prefix dropped) or the banner of `dshbak -c` / `clush -b` grouped
// output ("----------------" / "n-[1-2,4]" or "n-[1-2,4] (3)" / "----------------", then the
// block's lines, each of every host listed). Before (NF), any "NODE: ..." line was an answer, so a
// pdsh-labelled training log (DeepSpeed's launcher labels every line with its host) read as a
// sweep where every node answered.
std::map<std::string, SweepAnswer> MountSweepAnswers(const DiagnosisCase& c, const Topology& topo) {
  // Whole words only (review RG): "hang" matched inside "changed" (ssh's changed-host-key banner, a
  // health check's "config unchanged"), "error" inside "errors: 0"'s neighbours' words, "stale"
  // inside "stalest". A word starts after a non-alphanumeric character (so "hung_task" and
  // "ETIMEDOUT"'s own spelling are listed) and ends before one; ECMAScript has no lookbehind, so the
  // leading boundary is a consumed character.
  static const std::regex kBad(
      R"((?:^|[^a-z0-9])(?:timed? ?out|e?timedout|timeout|errors?|not responding|stale|hung|hangs?|hanging|)"
      R"(failed|refused|no route|cannot|transport endpoint|not a mountpoint|no such file|)"
      R"(exit code [1-9]\d*|exit status [1-9]\d*)(?![a-z0-9])|)"
      R"(^\s*(fail|failure|bad|down|dead|nok|not ok|unhealthy)\s*[.!]?\s*$)",
      std::regex::icase);
  static const std::regex kPrompt(R"(^\s*(\$|#|>|\[[^\]]{1,80}\][$#]|[\w.-]+@[\w.-]+[^\s$#]{0,80}[$#])\s)");
  std::map<std::string, SweepAnswer> out;
  auto answer = [&](const std::string& node, const std::string& rest) {
    // An unreachable node ran no check: no answer, healthy or failing (its ssh failed before the
    // mount was asked).
    // Kept as such, so that the answer can say which nodes' mounts nobody checked (review RV-GP).
    if (IsUnreachableAnswer(rest)) {
      if (out[node].unreachable.empty()) out[node].unreachable = Utf8Prefix(rest, 200);
      return;
    }
    SweepAnswer& a = out[node];
    if (std::regex_search(rest, kBad)) a.bad = true;
    else a.ok = true;
  };
  auto dashes = [](const std::string& t) {
    size_t a = t.find_first_not_of(" \t"), b = t.find_last_not_of(" \t\r");
    return a != std::string::npos && b - a + 1 >= 4 && t.find_first_not_of('-', a) > b;
  };
  for (const CaseLog& log : c.logs) {
    bool context = false;  // below a mount-check command
    int banner = 0;        // 0: none; 1: after a dash line; 2: after its host line; 3: in the block
    std::vector<std::string> block_nodes;
    for (const LogLine& line : log.lines) {
      const std::string& text = line.text;
      if (text.size() > 1000) continue;
      if (IsMountCheckCommand(text)) {
        context = true;
        banner = 0;
        continue;
      }
      if (text.find_first_of("$#>") != std::string::npos && std::regex_search(text, kPrompt)) {
        context = false;
        banner = 0;
        continue;
      }
      if (dashes(text)) {
        banner = banner == 2 ? 3 : 1;
        continue;
      }
      if (banner == 1) {
        // The banner's hosts: a hostlist, clush -b's " (N)" count after it.
        std::string host = text;
        host.erase(0, host.find_first_not_of(" \t"));
        host.erase(host.find_last_not_of(" \t\r") + 1);
        if (size_t p = host.find(" ("); p != std::string::npos && !host.empty() && host.back() == ')') host.erase(p);
        block_nodes.clear();
        if (!host.empty() && host.find_first_of(" \t") == std::string::npos) {
          for (const std::string& h : ExpandHostlist(host)) {
            const std::string n = ReportedNode(h, topo.names);
            if (!n.empty()) block_nodes.push_back(n);
          }
        }
        banner = block_nodes.empty() ? 0 : 2;
        if (banner == 2) continue;
      }
      if (banner == 2) banner = 0;  // "----" and a host, no closing "----": no banner
      std::string s = text;
      s.erase(0, s.find_first_not_of(' '));
      // The runner's own line about a node ("pdsh@login: n-3: ssh exited with exit code 124",
      // "clush: n-3: exited with exit code 124"), printed to stderr, also between grouped blocks.
      const bool runner = s.rfind("pdsh@", 0) == 0 || s.rfind("clush: ", 0) == 0;
      if (runner) {
        size_t colon = s.find(": ");
        if (colon == std::string::npos) continue;
        s.erase(0, colon + 2);
      } else if (banner == 3) {
        if (context || IsMountCheckResult(text)) {
          for (const std::string& n : block_nodes) answer(n, text);
        }
        continue;
      }
      size_t label = 0;
      const std::string node = PdshNodeOf(s, topo, &label);
      if (node.empty()) continue;
      const std::string rest = s.substr(label);
      if (context || IsMountCheckResult(rest)) answer(node, rest);
    }
  }
  // A node ssh could not reach or log in to printed ssh's own chatter beside its error (the
  // "REMOTE HOST IDENTIFICATION HAS CHANGED" banner, "Offending ECDSA key in ..."): the check never
  // ran there, so none of it is an answer, healthy or failing (review RV-GP: the banner's "cHANGed"
  // read as a hung mount, a failing peer, and kept the one failing node's mount at `job`).
  for (auto& [node, a] : out) {
    if (!a.unreachable.empty()) a.ok = a.bad = false;
  }
  return out;
}

// An object store refusing a request for its time (PLC25): S3's / Ceph RGW's / MinIO's
// "RequestTimeTooSkewed", "The difference between the request time and the current time is too large",
// GCS's "Request time too skewed", Azure's "Request date header too old". The store checks the time the
// client signed the request with: the client's clock is wrong, not the store.
bool StatesRequestTimeSkew(const std::string& line) {
  if (line.size() > 4000) return false;
  static const std::regex kSkew(
      R"(\bRequestTimeTooSkewed\b|\bdifference between the request time and the (?:current|server'?s?) time is too large|)"
      R"(\brequest time too skewed\b|\brequest date header too old\b)",
      std::regex::icase);
  return std::regex_search(line, kSkew);
}

// The nodes of the case whose clock says it is not synchronised (PLC25): timedatectl's "System clock
// synchronized: no" (older: "NTP synchronized: no"), chronyc tracking's "Leap status : Not
// synchronised", ntpstat's "unsynchronised"; node_exporter's node_timex_sync_status at 0 at its last
// sample. A node whose line says it is synchronised again after such a line is not kept.
std::set<std::string> UnsyncedClockNodes(const DiagnosisCase& c, const Topology& topo) {
  static const std::regex kNo(
      R"(\b(?:System clock|NTP) synchroni[sz]ed\s*:\s*no\b|\bLeap status\s*:\s*Not synchroni[sz]ed\b|^\s*unsynchroni[sz]ed\b|)"
      R"(\bntpstat\b.*\bunsynchroni[sz]ed\b)",
      std::regex::icase);
  static const std::regex kYes(
      R"(\b(?:System clock|NTP) synchroni[sz]ed\s*:\s*yes\b|\bLeap status\s*:\s*Normal\b|^\s*synchroni[sz]ed to\b)",
      std::regex::icase);
  std::map<std::string, bool> state;  // node -> unsynchronised at its last such line
  for (const CaseLog& log : c.logs) {
    for (size_t ki = 0; ki < log.lines.size(); ++ki) {
      const std::string& text = log.lines[ki].text;
      if (text.size() > 2000 || (text.find("ynchroni") == std::string::npos && text.find("Leap") == std::string::npos)) continue;
      const bool no = std::regex_search(text, kNo);
      if (!no && !std::regex_search(text, kYes)) continue;
      const std::string node = PlaceLine(log, ki, text, topo).node;
      if (!node.empty()) state[node] = no;
    }
  }
  for (const TimeSeries& ts : c.metrics) {
    if (ts.name != "node_timex_sync_status" || ts.values.empty() || !std::isfinite(ts.values.back())) continue;
    const std::string node = NodeOf(ts.labels);
    if (node.empty()) continue;
    const bool no = ts.values.back() == 0;
    auto it = state.find(node);
    if (it == state.end()) state[node] = no;
    else it->second = it->second || no;
  }
  std::set<std::string> out;
  for (const auto& [node, no] : state) {
    if (no) out.insert(node);
  }
  return out;
}

// True when `node`'s check of the mount failed and every other node that answered answered
// healthy, at least one of them: the mount works everywhere but there.
bool PeersHealthyInSweep(const std::string& node, const std::map<std::string, SweepAnswer>& answers) {
  bool fault = false, peer_bad = false;
  int peers_ok = 0;
  for (const auto& [n, a] : answers) {
    if (n == node) fault = a.bad;
    else if (a.bad) peer_bad = true;
    else if (a.ok) ++peers_ok;
  }
  return fault && !peer_bad && peers_ok >= 1;
}

}  // namespace

std::vector<std::string> StorageLines(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  // A traceback frame's file names where the code is, not a file system in use: "/usr/local" is no
  // local scratch disk (TracebackFrameFileRegex).
  for (const std::string& l : lines) {
    if (l.find("File \"") != std::string::npos && std::regex_search(l, TracebackFrameFileRegex())) continue;
    if (IsExportLine(l) || EvictedRegex().Search(l) || SharedFsRegex().Search(l) ||
        LocalFsRegex().Search(l) || IsLocalDeviceMountLine(l)) {
      out.push_back(l);
    }
  }
  return out;
}

FlatLogs FlattenLogs(const DiagnosisCase& c) {
  FlatLogs f;
  for (size_t i = 0; i < c.logs.size(); ++i) {
    for (size_t k = 0; k < c.logs[i].lines.size(); ++k) {
      f.lines.push_back(c.logs[i].lines[k].text);
      f.refs.emplace_back(i, k);
    }
  }
  return f;
}

namespace {

// Whether a probe details key names an error message: it holds one of the WORDS "error", "err",
// "message", "msg" (or their plurals, "errmsg"): "error", "last_error", "nvml_error_gpu3",
// "lastError". Not those letters inside another word: a NCCL test's captured "stderr" (with
// NCCL_DEBUG=INFO it prints "NET/IB : Using [0]mlx5_0:1/IB" on every healthy run) or an
// "interrupts" count is no error message. Words are runs of letters, split as camel case: before an
// upper-case letter that follows a lower-case one ("lastError") or that starts a capitalised word
// after an acronym ("NCCLError", "XIDErrors").
bool IsErrorKey(const std::string& key) {
  static const std::set<std::string> kWords = {"err",  "error",   "errors",   "errmsg", "message",
                                               "messages", "msg", "msgs", "errormessage", "errormsg"};
  std::string word;
  auto flush = [&]() {
    bool hit = kWords.count(word) > 0;
    word.clear();
    return hit;
  };
  for (size_t i = 0; i < key.size(); ++i) {
    const unsigned char ch = static_cast<unsigned char>(key[i]);
    if (!std::isalpha(ch)) {
      if (flush()) return true;
      continue;
    }
    if (std::isupper(ch) && i > 0) {
      const unsigned char prev = static_cast<unsigned char>(key[i - 1]);
      const bool acronym_end = std::isupper(prev) && i + 1 < key.size() &&
                               std::islower(static_cast<unsigned char>(key[i + 1]));
      if ((std::islower(prev) || acronym_end) && flush()) return true;
    }
    word += AsciiToLower(static_cast<char>(ch));
  }
  return flush();
}

}  // namespace

// The error messages a probe kept in its details: top-level strings under a key that names an
// error or message (IsErrorKey); other details (driver versions, GPU names, per-link tables,
// captured stderr) are not words about the fault. At most kMaxProbeText bytes (the keyword regexes
// recurse per character: a probe's text is untrusted and unbounded).
std::string ProbeErrorText(const Json& details) {
  std::string out;
  if (!details.is_object()) return out;
  for (const auto& [key, value] : details.items()) {
    if (out.size() >= kMaxProbeText) break;
    if (!value.is_string() || !IsErrorKey(key)) continue;
    if (!out.empty()) out += " | ";
    out += Utf8Prefix(value.get<std::string>(), 2000);
  }
  if (out.size() > kMaxProbeText) out = Utf8Prefix(out, kMaxProbeText);
  return out;
}

namespace {

// vigil-probe's node.kernel_log lists the taxonomy categories of its findings itself, gravest
// first (details.categories; probes/gpu/kernel_log.h): read those, not keywords of the quoted
// kernel lines. nullopt for any other probe or a result without the list.
std::optional<std::vector<std::string>> KernelLogCategories(const ProbeResult& r) {
  if (r.probe != "node.kernel_log" || !r.details.is_object() || !r.details.contains("categories") ||
      !r.details["categories"].is_array()) {
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const Json& c : r.details["categories"]) {
    if (out.size() >= 16) break;
    if (!c.is_string()) continue;
    std::string id = c.get<std::string>();
    bool word = !id.empty() && id.size() <= 64;
    for (char ch : id) word = word && ((ch >= 'a' && ch <= 'z') || ch == '_');
    if (word && std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
  }
  return out;
}

// The GPU of node.kernel_log's gravest finding (details.gpus_by_category of its first category,
// when that names exactly one GPU); -1 otherwise.
int KernelLogGpu(const ProbeResult& r) {
  std::optional<std::vector<std::string>> cats = KernelLogCategories(r);
  if (!cats || cats->empty() || !r.details.contains("gpus_by_category")) return -1;
  const Json& by = r.details["gpus_by_category"];
  if (!by.is_object() || !by.contains(cats->front())) return -1;
  const Json& gpus = by[cats->front()];
  // vigil-probe writes the index (5); a result written by hand or another tool may say "gpu5" (PLC10).
  if (!gpus.is_array() || gpus.size() != 1) return -1;
  return GpuIndexOfJson(gpus[0]);
}

}  // namespace

namespace {

// Whether a GPU probe says the row remapper FAILED on its GPU, not merely that a remap is pending:
// its remap_failure counter (nvidia-smi -q's "Remapping Failure Occurred: Yes", DCGM's
// DCGM_FI_DEV_ROW_REMAP_FAILURE) above 0, or its reason naming the failure or Xid 64 (the row
// remapper's recording failure). Such a GPU has no spare row left in a bank: the uncorrectable ECC
// errors the same probe counts are that failure's symptom (the bad row cannot be replaced, so it
// keeps raising DBEs, and a reset will not cure it: the GPU needs service). A DBE beside a pending
// remap (Xid 63, "Pending: Yes") is the other reading: a fresh error and the repair it queued, which
// a reset activates (RG13).
// The probe's remap_failure counter when a failed probe reports it above 0; 0 otherwise.
double RemapFailureCounter(const ProbeResult& r) {
  auto m = r.metrics.find("remap_failure");
  if (r.status != ProbeStatus::kFail || m == r.metrics.end() || !std::isfinite(m->second) || !(m->second > 0)) return 0;
  return m->second;
}

bool ProbeSaysRemapFailed(const ProbeResult& r, const std::string& text) {
  if (RemapFailureCounter(r) > 0) return true;
  static const std::regex kFailed(R"(\b(row )?remap(ping)? fail(ure|ed)\b|\bfailed to remap\b|\bxid 64\b)",
                                  std::regex::icase);
  return std::regex_search(text, kFailed);
}

}  // namespace

namespace {

// vigil-probe's throughput probes read which other processes computed on their GPU while they
// measured (probes/gpu/gpu_share.h: details.gpu_sharing.foreign_busy, from NVML's compute processes
// and per-process SM samples, the probe's own pid left out). A figure short of its baseline measured
// beside another process's compute (a training job, a hung NCCL kernel spinning, a notebook, a hog)
// is contention, the noisy neighbour that makes a rank straggle, and says nothing of the GPU's
// clocks, memory or links: on the H200 a kernel launch timed beside another process's GEMM took
// 2,433 us, and a TF32 GEMM beside another process's launches came out 7 % short (probes/HISTORY.md,
// runs 39-40). Only `true` counts: `false` (alone, or beside idle contexts) and null (could not
// tell: an older driver) keep a result's usual meaning. Any status (ForeignComputeBeside); a
// failure: MeasuredBesideForeignCompute.
bool ForeignComputeBeside(const ProbeResult& r) {
  if (!gpu_share::IsThroughputProbe(r.probe) || !r.details.is_object() || !r.details.contains("gpu_sharing")) return false;
  const Json& share = r.details.at("gpu_sharing");
  if (!share.is_object() || !share.contains("foreign_busy")) return false;
  const Json& busy = share.at("foreign_busy");
  return busy.is_boolean() && busy.get<bool>();
}
// vigil-probe's estimate of the figure alone (gpu_sharing.alone_estimate, gpu_share::EstimateAlone)
// still fails its threshold even with the model's slack: more than the neighbour's share of the time
// explains. Such a failure keeps the meaning it has on an idle GPU; "contention" and "unclear" (or no
// estimate: an older vigil-probe) are read as contention.
bool ShortfallBeyondContention(const ProbeResult& r) {
  const Json& share = r.details.at("gpu_sharing");
  if (!share.contains("alone_estimate") || !share.at("alone_estimate").is_object()) return false;
  const Json verdict = share.at("alone_estimate").value("verdict", Json());
  return verdict.is_string() && verdict.get<std::string>() == "beyond_contention";
}
bool MeasuredBesideForeignCompute(const ProbeResult& r) {
  return r.status == ProbeStatus::kFail && ForeignComputeBeside(r) && !ShortfallBeyondContention(r);
}
bool FailsBeyondContention(const ProbeResult& r) {
  return r.status == ProbeStatus::kFail && ForeignComputeBeside(r) && ShortfallBeyondContention(r);
}

// A throughput probe's failure graded by how far it missed (MARG1, MARG2). Its shortfall is the
// worst figure beyond its bound (a `<metric>_min` or `<metric>_max` of the result's thresholds),
// relative to that bound. A bound is the model's baseline less its tolerance, i.e. already the bottom
// of the healthy spread the baseline was measured with, so a small miss is that spread again, not a
// finding: device run 42 (probes/HISTORY.md), a healthy, idle H100 at BF16 668.5 TFLOP/s against a
// 683.5 floor set from one other H100, 2.2 % short, was answered straggler_rank "confirmed". A
// straggler, a throttle or a neighbour takes tens of percent (266 of 735 beside a GEMM hog, 60 %).
// - under kMarginalShortfall (5 %, MARG1): "failed by a hair", kMarginalFailFactor (0.4) of a fail's
//   weight, below the half weight a confirmation needs (Beliefs::ConfirmedByProbe);
// - beyond it, a full fail from the widest spread healthy GPUs measured for the probe's figures
//   (FullFailShortfall): a healthy GPU misses a bound by at most that spread, since a bound sits at most
//   at the fastest healthy figure (a baseline no higher than the fastest card, a tolerance of 0 or more).
//   gpu.gemm 15 %: four idle H100s of one pool BF16 668.5-769.9 TFLOP/s (the slowest 13.2 % under the
//   fastest; FP16 659.4-728.4, 9.5 %), H200s BF16 683-799 (14.5 %; data/probes/thresholds.json); between
//   5 % and 15 % the factor grows linearly from 0.4 to 1 (H200 FP8, 1135-1440, spreads 21 %: the shipped
//   file gives FP8 a 15 % tolerance for it). Every other throughput probe spreads less than the band
//   itself (probes/testdata: HBM copy 0.5 % on the H100s, 2.2 % on the H200; PCIe 3.0 / 3.7 %; NCCL busbw
//   on two H200s 1.9 % at most; P2P 0.1 %): a miss past 5 % is a full fail there.
// On the GEMM's straggler_rank (catalog weight 0.7) the factor reaches a confirmation's half weight
// (0.5 / 0.7 = 0.714) at a 10.2 % shortfall: a card 8.6 % under a floor set 5 % below the fastest
// H100 (run 41's 769.9 -> 731.4; run 42's 668.5) weighs 0.62 of a fail, 0.43 of a fail's weight on
// straggler_rank, and confirms nothing.
// Results that are not graded (nullopt): a pass, a non-throughput probe, a result without bounds (most
// recorded cases' probes: 562 of the 1,887 cases carry throughput bounds), a failure with no figure
// beyond its bound (a wrong GEMM result, an error), and any result with a bad figure: a bound not
// finite or not above 0, a bound whose metric is missing or not finite. Those keep a fail's full weight.
// A failure whose words name a category (a round trip over its max names the straggler; "Xid",
// "thermal", compute beside it) is not graded either: its finding is what it names, whatever the
// margin (ProbeDeltasCovered).
constexpr double kMarginalShortfall = 0.05;
constexpr double kMarginalFailFactor = 0.4;
constexpr double kGemmFullFailShortfall = 0.15;
// The shortfall from which a probe's failure is a full fail (see above).
double FullFailShortfall(std::string_view probe) {
  return probe == "gpu.gemm" ? kGemmFullFailShortfall : kMarginalShortfall;
}
struct ProbeShortfall {
  double miss = 0;     // (bound - figure) / bound for a _min, (figure - bound) / bound for a _max
  std::string metric;  // the worst figure's metric
  bool under_min = true;
};
std::optional<ProbeShortfall> ThroughputShortfall(const ProbeResult& r) {
  if (r.status != ProbeStatus::kFail || !gpu_share::IsThroughputProbe(r.probe) || r.thresholds.empty()) return std::nullopt;
  ProbeShortfall worst;
  for (const auto& [name, bound] : r.thresholds) {
    const bool is_min = name.size() > 4 && name.compare(name.size() - 4, 4, "_min") == 0;
    const bool is_max = name.size() > 4 && name.compare(name.size() - 4, 4, "_max") == 0;
    if (!is_min && !is_max) continue;
    if (!std::isfinite(bound) || !(bound > 0)) return std::nullopt;  // a bad bound: the margin is unknown
    auto m = r.metrics.find(name.substr(0, name.size() - 4));
    if (m == r.metrics.end() || !std::isfinite(m->second)) return std::nullopt;  // its figure unknown
    const double miss = is_min ? (bound - m->second) / bound : (m->second - bound) / bound;
    if (miss > worst.miss) worst = ProbeShortfall{miss, m->first, is_min};
  }
  if (!(worst.miss > 0)) return std::nullopt;
  return worst;
}
// The share of a fail's weight a shortfall of `probe` carries (1 at FullFailShortfall and beyond).
double ShortfallFactor(std::string_view probe, double miss) {
  const double full = FullFailShortfall(probe);
  if (miss < kMarginalShortfall) return kMarginalFailFactor;
  if (miss >= full) return 1.0;
  return kMarginalFailFactor + (1 - kMarginalFailFactor) * (miss - kMarginalShortfall) / (full - kMarginalShortfall);
}

// Said in such a failure's evidence (and read back where a probe would pin the part).
constexpr std::string_view kForeignComputeNote =
    " [measured beside other processes' compute on the GPU (details.gpu_sharing): read as contention, "
    "a noisy neighbour, not as a fault of the GPU]";
// A pass measured so clears the GPU's faults but not a straggler: the other process's compute on
// the rank's GPU is the noisy neighbour whatever this probe's figure (on the H200 the triage's
// kernel launch passed beside the GEMM hog once, 2026-12-04 21:29, after failing beside it in
// runs 28-40).
constexpr std::string_view kForeignComputePassNote =
    " [measured beside other processes' compute on the GPU (details.gpu_sharing): a pass under that load "
    "does not speak against a straggler]";
constexpr std::string_view kBeyondContentionNote =
    " [measured beside other processes' compute on the GPU, but the figure still fails its threshold estimated alone "
    "(details.gpu_sharing.alone_estimate): read as a finding of the GPU, more than contention]";

}  // namespace

std::vector<std::string> CategoriesNamedByProbe(const ProbeResult& r) {
  if (std::optional<std::vector<std::string>> cats = KernelLogCategories(r)) return *cats;
  // What a failed probe's own words single out (vigil-probe reasons and the last Xid).
  struct Keyword {
    const char* pattern;
    const char* category;
  };
  static const Keyword kKeywords[] = {
      {R"(not enumerated|fallen off|gpu is lost|\bxid 79\b)", "gpu_fallen_off_bus"},
      // "dbe" as a word where "_" separates words too: vigil-probe's "ecc_dbe_volatile 2 > 0" (PLC24).
      {R"((?:^|[^a-z0-9])dbe(?![a-z0-9])|double.bit|uncorrectable.*ecc|ecc.*uncorrectable|\bxid (48|94|95|92)\b)",
       "gpu_memory_uncorrectable_ecc"},
      // "failed or is pending and needs a reset" (the taxonomy): a pending remap the probe reports
      // is the remap category's own finding (when the same reason also counts uncorrectable ECC
      // errors, those come first and lead: the pending remap is what the error left behind).
      {R"(row remap(ping)? (failure|pending)|\bxid (63|64)\b)", "gpu_row_remap_failure"},
      {R"(\bxid (119|120|62)\b|\bgsp\b)", "gpu_firmware_error"},
      {R"(nvlink|\bxid 74\b)", "nvlink_error"},
      {R"(temperature|thermal)", "gpu_thermal_throttle"},
      {R"(power cap|power limit|power brake)", "gpu_power_throttle"},
      {R"(pcie link gen|pcie replay|h2d_gb_s|d2h_gb_s)", "pcie_link_degraded"},
      {R"(disagrees|mismatch)", "gpu_silent_data_corruption"},
      {R"(compute processes on the gpu|exclusive use)", "straggler_rank"},
      // The empty kernel launched and came back, only late: the host's launch path is slow (CPU
      // contention, a CPU clocked down, cgroup throttling). A lost GPU does not answer at all (an
      // error / timeout, not a latency over the threshold). vigil-probe's metrics are launch_us and
      // roundtrip_us ("gpu0.roundtrip_us 2608 > max 100"); the replayed cases' launch_latency_us.
      {R"(launch_latency|launch.sync|launch latency|\blaunch_us\b|\broundtrip_us\b)", "straggler_rank"},
      {R"(\bxid (13|31|43)\b)", "illegal_memory_access"},
      // An IB verbs completion error or a port the probe found down: the fabric link, whatever
      // the probe measured (a NCCL bandwidth test that failed on "IBV_WC_RETRY_EXC_ERR on mlx5_1").
      {R"(ibv_wc_|retry_exc|\bnet/ib\b|\b(ib|hca) (port|link)\b[^.;]{0,40}\bdown\b)", "ib_link_failure"},
      // Tasks the kernel found hung, blocked in a network file system's calls (node.kernel_log's
      // "hung tasks blocked in beegfs stat/open"): the file system's server is not answering, a
      // storage fault; read as one of the GPU or host faults the probe may find, it confirmed
      // host_oom at 0.77 (realistic35 rl35-27, PLC33).
      {R"(\b(?:hung|blocked)\b[^.;|]{0,60}\b(?:nfs[34]?|lustre|beegfs|gpfs|cephfs|wekafs)\b)", "storage_failure"},
  };
  static const std::vector<std::pair<std::regex, std::string>>* compiled = [] {
    auto* v = new std::vector<std::pair<std::regex, std::string>>();
    for (const Keyword& k : kKeywords) v->emplace_back(std::regex(k.pattern, std::regex::icase), k.category);
    return v;
  }();
  // The reason, then the error message the probe kept in its details (a NCCL test's failing call).
  const std::string text = Utf8Prefix(r.reason, kMaxProbeText) + " | " + ProbeErrorText(r.details);
  std::vector<std::pair<size_t, std::string>> found;
  for (const auto& [re, cat] : *compiled) {
    std::smatch m;
    if (std::regex_search(text, m, re)) found.emplace_back(static_cast<size_t>(m.position(0)), cat);
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  for (const auto& [pos, cat] : found) {
    if (std::find(out.begin(), out.end(), cat) == out.end()) out.push_back(cat);
  }
  if (ProbeSaysRemapFailed(r, text)) {
    auto it = std::find(out.begin(), out.end(), "gpu_row_remap_failure");
    if (it == out.end()) out.insert(out.begin(), "gpu_row_remap_failure");
    else std::rotate(out.begin(), it, it + 1);
  }
  // Measured beside another process's compute: the contention leads; what the reason's own words
  // name besides (a wrong GEMM result, an Xid) stays, second.
  if (MeasuredBesideForeignCompute(r)) {
    auto it = std::find(out.begin(), out.end(), "straggler_rank");
    if (it == out.end()) out.insert(out.begin(), "straggler_rank");
    else std::rotate(out.begin(), it, it + 1);
  }
  return out;
}

double KernelLogCoverage(const ProbeResult& r) {
  if (r.probe != "node.kernel_log") return 1.0;
  auto covers = r.metrics.find("log_covers_s");
  auto window = r.metrics.find("window_s");
  if (covers == r.metrics.end() || window == r.metrics.end() || !std::isfinite(covers->second) ||
      !std::isfinite(window->second) || !(window->second > 0)) {
    return 1.0;  // a result that does not say how far back it read: the catalog weight, as before
  }
  return std::clamp(covers->second / window->second, 0.0, 1.0);
}

namespace {

// How much a node.kernel_log pass counts for this alert (KernelLogCoverageForAlert), and what the
// evidence says of it.
struct KernelLogSpan {
  double coverage = 1.0;
  std::string note;  // appended to the evidence detail; "" for none
};

// The time before the alert's startsAt that a log must also cover: the fault precedes the alert by
// the rule's `for` and the scrape and evaluation intervals (5 minutes, the usual `for` of the pack's
// rules and of dcgm-exporter's alerts at a 30-60 s scrape).
constexpr double kAlertLeadS = 300;
// When the alert says since when its condition held (active_at_ms before startsAt: the engine's own
// alerts, or Prometheus's ALERTS_FOR_STATE read by alert triage), the fault precedes that by at most
// a scrape and an evaluation interval (30 s each at most in the pack's deployments).
constexpr double kScrapeLagS = 60;

std::string UnixSecondsText(double s) { return FormatRfc3339Ms(static_cast<int64_t>(std::llround(s * 1000))); }

// The clause a kernel-log pass's evidence carries when it counts against the probe's window:
// " [the log covers C of the W s asked: this pass counts P%]" (C = log_covers_s within [0, W]), with
// "<why>: counted against the probe's window, " in front when the alert's own time could not be
// used (KernelLogCoverageForAlert; EvidenceFromProbe, which has no alert, gives no reason).
std::string WindowCoverageNote(double covers_s, double window_s, double coverage, std::string_view why) {
  std::string note = " [";
  if (!why.empty()) {
    note += why;
    note += ": counted against the probe's window, ";
  }
  char buf[160];
  std::snprintf(buf, sizeof buf, "the log covers %.0f of the %.0f s asked: this pass counts %.0f%%]",
                std::clamp(covers_s, 0.0, window_s), window_s, 100 * coverage);
  note += buf;
  return note;
}

// A node.kernel_log pass counts by the part of the alert's own time, [startsAt - kAlertLeadS, the
// read], that the log covers (it ends at the read and reaches back log_covers_s). Without the alert's
// start (none, or after the read) or the read's time (`read_at_unix_s`, written by vigil-probe since
// DX), the window-based figure of KernelLogCoverage, said so. Other probes and failures: 1.
// The window's start is the earlier of startsAt - kAlertLeadS and activeAt - kScrapeLagS (an alert
// whose rule has a long `for` held long before it fired); activeAt is used only when it is before
// startsAt.
KernelLogSpan KernelLogCoverageForAlert(const ProbeResult& r, int64_t alert_start_ms, int64_t alert_active_ms) {
  KernelLogSpan span;
  span.coverage = KernelLogCoverage(r);
  if (r.probe != "node.kernel_log" || r.status != ProbeStatus::kPass) return span;
  auto covers = r.metrics.find("log_covers_s");
  auto window = r.metrics.find("window_s");
  if (covers == r.metrics.end() || window == r.metrics.end() || !std::isfinite(covers->second) ||
      !std::isfinite(window->second) || !(window->second > 0)) {
    return span;  // the catalog weight, as before
  }
  const double c = std::clamp(covers->second, 0.0, window->second);
  char buf[400];
  auto window_figure = [&](const std::string& why) {
    span.note = WindowCoverageNote(c, window->second, span.coverage, why);
    return span;
  };
  auto read = r.metrics.find("read_at_unix_s");
  if (alert_start_ms <= 0) return window_figure("the alert has no start time");
  if (read == r.metrics.end() || !std::isfinite(read->second) || !(read->second > 0)) {
    return window_figure("the probe did not say when it read the log");
  }
  const double at = read->second;
  const double start = static_cast<double>(alert_start_ms) / 1000;
  if (start > at) {
    std::string why = "the alert's startsAt ";
    why += UnixSecondsText(start);
    why += " is after the log was read (";
    why += UnixSecondsText(at);
    why += ")";
    return window_figure(why);
  }
  const double active = static_cast<double>(alert_active_ms) / 1000;
  const bool held_long = alert_active_ms > 0 && active < start && active - kScrapeLagS < start - kAlertLeadS;
  const double from = held_long ? active - kScrapeLagS : start - kAlertLeadS;
  const double span_s = at - from;
  const double covered = std::min(c, span_s);
  span.coverage = covered / span_s;
  std::string note = " [the alert's time, from ";
  note += UnixSecondsText(from);
  if (held_long) {
    std::snprintf(buf, sizeof buf, " (activeAt - %.0f s: its condition held %.0f s before startsAt) to the read at ",
                  kScrapeLagS, start - active);
  } else {
    std::snprintf(buf, sizeof buf, " (startsAt - %.0f s) to the read at ", kAlertLeadS);
  }
  note += buf;
  note += UnixSecondsText(at);
  std::snprintf(buf, sizeof buf, ", is %.0f s; the log covers the last %.0f s of it: this pass counts %.0f%%", span_s,
                covered, 100 * span.coverage);
  note += buf;
  if (covered < span_s) {
    note += "; from ";
    note += UnixSecondsText(from);
    note += " to ";
    note += UnixSecondsText(at - covered);
    // The log may begin before startsAt: then only the lead before it is missing (seen on the
    // H200: a node booted 149 s before the read of a 2 s old alert was said to miss its onset).
    // With activeAt, the onset is when the condition began to hold.
    const double onset = held_long ? active : start;
    note += at - covered > onset ? " (the alert's onset) is not in the log"
            : held_long          ? " (the lead before its condition held) is not in the log"
                                 : " (the lead before the alert's start) is not in the log";
    if (span_s > window->second && c >= window->second) {
      std::snprintf(buf, sizeof buf, ": it is older than the probe's window of %.0f s", window->second);
      note += buf;
    }
  }
  note += "]";
  span.note = std::move(note);
  return span;
}

// ProbeDeltas with the kernel log's coverage given.
std::map<std::string, double> ProbeDeltasCovered(const ProbeResult& r, double coverage) {
  std::map<std::string, double> d;
  if (r.status != ProbeStatus::kPass && r.status != ProbeStatus::kFail) return d;
  const ProbeSpec* spec = FindProbe(r.probe);
  if (r.status == ProbeStatus::kPass) {
    if (spec == nullptr) return d;
    // A clean log refutes only for the time it covers (a node booted 27 s before the probe read
    // 27 s of a one-hour window: what made it reboot is in no line read).
    // A scaled delta under kMinScaledPassDelta is dropped: it would say nothing of the category,
    // yet bring it into the softmax at a score near 0 and dilute the leader (in agents_test's
    // launch-failure case a 27 s log took gpu_fallen_off_bus from 0.737 to 0.622 that way; a clean
    // hour takes it to 0.528).
    for (const CategoryEvidence& ce : spec->evidence) {
      if (ce.category == std::string_view("straggler_rank") && ForeignComputeBeside(r)) continue;
      const double delta = -kProbePassWeight * ce.pass_refutes * coverage;
      if (ce.pass_refutes > 0 && (coverage >= 1.0 || -delta >= kMinScaledPassDelta)) {
        d[std::string(ce.category)] = delta;
      }
    }
    return d;
  }
  std::vector<std::string> named = CategoriesNamedByProbe(r);
  // Kernel-log lines of no category (a driver's Xid 45 cleaning up after a killed process) are
  // listed by the probe but support nothing.
  if (named.empty() && KernelLogCategories(r)) return d;
  // A shortfall measured beside other processes' compute supports none of the GPU faults the
  // catalog lists for the probe (clocks, thermal, HBM, PCIe, a lost GPU): only what it names.
  if (spec != nullptr && !MeasuredBesideForeignCompute(r)) {
    // A failure that names nothing weighs by how far it missed (ThroughputShortfall).
    const std::optional<ProbeShortfall> shortfall = named.empty() ? ThroughputShortfall(r) : std::nullopt;
    const double marginal = shortfall ? ShortfallFactor(r.probe, shortfall->miss) : 1.0;
    for (const CategoryEvidence& ce : spec->evidence) {
      // When the probe says which fault it saw, the other categories it could have seen get a
      // quarter of their weight.
      double w = ce.fail_supports * (named.empty() ? 1.0 : 0.25) * marginal;
      if (w > 0) d[std::string(ce.category)] = kProbeFailWeight * w;
    }
  }
  for (size_t i = 0; i < named.size(); ++i) {
    double w = kProbeFailWeight * (i == 0 ? 1.0 : 0.5);
    d[named[i]] = std::max(d[named[i]], w);
  }
  return d;
}

}  // namespace

std::map<std::string, double> ProbeDeltas(const ProbeResult& r) { return ProbeDeltasCovered(r, KernelLogCoverage(r)); }

// What a failed probe's own words single out (the categories it can confirm): the categories its
// reason names (CategoriesNamedByProbe). Empty for a pass and for a failure that names none (a GEMM
// slow from throttling, a straggling GPU or a lost GPU alike): such a failure confirms, of the
// categories it supports, only the one the beliefs lead with (Beliefs::ConfirmedByProbe).
std::set<std::string> ProbeConfirms(const ProbeResult& r) {
  if (r.status != ProbeStatus::kFail) return {};
  std::vector<std::string> named = CategoriesNamedByProbe(r);
  // The kernel log singles out its gravest finding only: the AER lines before an Xid 79 or the
  // driver's complaints after it support their categories, they do not confirm them.
  if (!named.empty() && KernelLogCategories(r)) named.resize(1);
  return {named.begin(), named.end()};
}

namespace {

// EvidenceFromProbe with the kernel log's coverage given (`note` appended to the detail).
std::optional<Evidence> EvidenceCovered(const ProbeResult& r, const std::string& id, const KernelLogSpan& span) {
  if (r.status != ProbeStatus::kPass && r.status != ProbeStatus::kFail) return std::nullopt;
  Evidence e;
  e.id = id;
  e.kind = EvidenceKind::kProbe;
  e.source = "probe " + r.probe + "@" + r.target;
  e.detail = std::string(ProbeStatusName(r.status)) + (r.reason.empty() ? "" : ": " + r.reason);
  // A remap failure only the counter shows is said, so that RemapFailed reads it as the reason's
  // words are read (RG13).
  if (RemapFailureCounter(r) > 0 && !ProbeSaysRemapFailed(ProbeResult{}, r.reason)) {
    e.detail += r.reason.empty() ? ": " : "; ";
    e.detail += "remap_failure counter " + std::to_string(static_cast<int64_t>(RemapFailureCounter(r))) +
                ": the row remapper failed to remap a row";
  }
  e.detail += span.note;
  if (MeasuredBesideForeignCompute(r)) e.detail += kForeignComputeNote;
  if (FailsBeyondContention(r)) e.detail += kBeyondContentionNote;
  if (const std::optional<ProbeShortfall> m = ThroughputShortfall(r);
      m && CategoriesNamedByProbe(r).empty() && !MeasuredBesideForeignCompute(r)) {
    char buf[320];
    const char* side = m->under_min ? "under its floor" : "over its limit";
    if (m->miss < kMarginalShortfall) {
      std::snprintf(buf, sizeof buf,
                    " [failed by a hair: at most %.1f %% beyond its bound (%s %.1f %% %s), inside the spread of healthy "
                    "GPUs; weak evidence, no confirmation]",
                    m->miss * 100, m->metric.c_str(), m->miss * 100, side);
    } else if (m->miss < FullFailShortfall(r.probe)) {
      std::snprintf(buf, sizeof buf,
                    " [%s %.1f %% %s: past a hair but inside the widest spread of healthy GPUs measured (%.0f %%); "
                    "weighed at %.2f of a fail]",
                    m->metric.c_str(), m->miss * 100, side, FullFailShortfall(r.probe) * 100,
                    ShortfallFactor(r.probe, m->miss));
    } else {
      std::snprintf(buf, sizeof buf, " [%s %.1f %% %s: beyond the spread of healthy GPUs; a full fail]",
                    m->metric.c_str(), m->miss * 100, side);
    }
    e.detail += buf;
  }
  if (r.status == ProbeStatus::kPass && ForeignComputeBeside(r)) e.detail += kForeignComputePassNote;
  e.weight = 0;
  std::vector<std::pair<double, std::string>> ranked;
  for (const auto& [cat, delta] : ProbeDeltasCovered(r, span.coverage)) ranked.emplace_back(std::fabs(delta), cat);
  std::sort(ranked.rbegin(), ranked.rend());
  for (const auto& [w, cat] : ranked) {
    if (r.status == ProbeStatus::kFail) e.supports.push_back(cat);
    else e.refutes.push_back(cat);
  }
  if (!ranked.empty()) e.weight = r.status == ProbeStatus::kFail ? ranked[0].first : -ranked[0].first;
  return e;
}

}  // namespace

std::optional<Evidence> EvidenceFromProbe(const ProbeResult& r, const std::string& id) {
  KernelLogSpan span;
  span.coverage = KernelLogCoverage(r);
  if (r.status == ProbeStatus::kPass && span.coverage < 1.0) {  // a kernel log with both metrics, finite
    span.note = WindowCoverageNote(r.metrics.at("log_covers_s"), r.metrics.at("window_s"), span.coverage, "");
  }
  return EvidenceCovered(r, id, span);
}

std::optional<Evidence> EvidenceFromProbeForAlert(const ProbeResult& r, const std::string& id, int64_t alert_start_ms,
                                                  int64_t alert_active_ms) {
  return EvidenceCovered(r, id, KernelLogCoverageForAlert(r, alert_start_ms, alert_active_ms));
}

namespace {

// A probe's answer that the GPU it was asked about does not exist: vigil-probe's "GPU 7 does not
// exist (1 visible)" (a result `unavailable` with that reason; an older vigil-probe's usage error,
// exit 2, read by the command executor). (7, 1, the phrase); nullopt for any other answer.
struct MissingGpu {
  int gpu = -1;
  int visible = -1;
  std::string text;
};
std::optional<MissingGpu> FindMissingGpu(const std::string& reason) {
  static const std::regex kMissing(R"(GPU (\d+) does not exist \((\d+) visible\))");
  std::smatch m;
  if (!std::regex_search(reason, m, kMissing)) return std::nullopt;
  std::optional<int32_t> gpu = ParseInt32(m.str(1)), visible = ParseInt32(m.str(2));
  if (!gpu || !visible) return std::nullopt;
  return MissingGpu{*gpu, *visible, m.str(0)};
}

// vigil-probe's answer on a host where CUDA finds no GPU at all (no driver loaded, every GPU gone):
// `unavailable`, "no usable GPU: ..." (probes/README.md). The node's GPU count for the probes is 0.
bool NoUsableGpu(std::string_view outcome, const std::string& reason) {
  return outcome == "unavailable" && reason.rfind("no usable GPU", 0) == 0;
}

// A command executor's error that it cannot run anything on the target's node: the local executor
// asked about another host ("... needs ssh: or slurm:"), ssh failing before vigil-probe ran (its
// exit 255: unreachable, refused, unknown host). Every other probe there would answer the same.
bool ExecutorCannotReach(std::string_view outcome, const std::string& reason) {
  return outcome == "error" && (reason.find("needs ssh: or slurm:") != std::string::npos ||
                                reason.find("ssh failed before vigil-probe ran") != std::string::npos);
}

// What a probe's `error` (or a step that got no answer in its limit) says of its target, read per
// probe kind as an on-call engineer reads it (RG6, dev case-036). Only two readings are evidence:
//  - an NCCL collective test (nccl.allreduce / allgather / reducescatter / alltoall / sendrecv) whose
//    collective itself did not complete ("timed out after 120 s: ncclAllReduce did not complete on
//    8/8 ranks"), or that got no answer within its step limit while the same test answered on
//    another node of the run: the node's collective hangs, `nccl_collective_hang` there;
//  - a GPU probe whose NVML / CUDA call says the GPU is lost ("GPU is lost",
//    NVML_ERROR_GPU_IS_LOST): `gpu_fallen_off_bus` on that GPU.
// An error that says the probe could not run says nothing of the hypotheses: ssh / connect /
// unreachable, a drained or unscheduled node, GPUs busy or held by the job, permission denied, a
// binary or file not found, an invalid device, NCCL's init / bootstrap (the network or the
// probe's environment, not a hang), an allocation failing. Everything else (a GPU call that did
// not return) stays with the peer comparison (a peer answering: the GPU does not respond).
// Returns the category and the reading's text; nullopt for no evidence.
struct ProbeErrorReading {
  std::string category;
  std::string text;
};
std::optional<ProbeErrorReading> ReadProbeError(const std::string& probe, const std::string& reason,
                                                bool step_timeout, bool peer_answered) {
  static const std::regex kCannotRun(
      R"(\bssh\b|\bconnect(ion)?\b|unreachable|not reachable|\bDRAINED\b|\bdrain(ed|ing)?\b|not scheduled|)"
      R"(\bbusy\b|held by|\bexclusive\b|permission denied|not permitted|no such file|not found|not installed|)"
      R"(invalid device|does not exist|no GPU with index|bootstrap|CommInit(?:Rank|All)|socket interface|)"
      R"(out of memory|could not acquire|DCGM host engine|not run\b|)"
      // The executor's own deadline or launch (probes/command_executor.cc: "vigil-probe (slurm:...)
      // timed out after 155.0 s (killed)", "did not start", "printed no result"), srun still waiting
      // for its allocation: the probe never answered, nothing of the collective (RV-RG6).
      R"(\(killed\)|did not start|printed no (valid )?result|waiting for resources|\bqueued\b|unable to allocate)",
      std::regex::icase);
  // vigil-probe's own watchdog for a probe that did not finish in its limit (probes/gpu/
  // vigil_probe.cc: "watchdog: nccl.allreduce did not finish within 20 s; the GPU (or NCCL peer) may
  // be hung"): the live form of a step that got no answer in its limit (RV-RG6: only the replay's
  // `timeout` was read, and no text vigil-probe writes matched the hang pattern).
  static const std::regex kOwnWatchdog(R"(^watchdog: nccl\.[a-z]{1,16} did not finish within\b)");
  static const std::regex kCollectiveHang(
      R"(\bnccl(?:AllReduce|AllGather|ReduceScatter|AllToAll|AlltoAll|Send|Recv|GroupEnd)\b[^;]*?)"
      R"(\b(?:did not complete|did not return|timed out|hung|hangs)\b|)"
      R"(\b(?:timed out|hung)\b[^;]*?\bnccl(?:AllReduce|AllGather|ReduceScatter|AllToAll|AlltoAll|Send|Recv)\b)");
  static const std::regex kGpuLost(R"(\bGPU is lost\b|\bNVML_ERROR_GPU_IS_LOST\b)", std::regex::icase);
  if (reason.size() > 2000) return std::nullopt;
  const bool collective = probe == "nccl.allreduce" || probe == "nccl.allgather" || probe == "nccl.reducescatter" ||
                          probe == "nccl.alltoall" || probe == "nccl.sendrecv";
  if (collective) {
    if (std::regex_search(reason, kCannotRun)) return std::nullopt;
    if (std::regex_search(reason, kCollectiveHang)) {
      return ProbeErrorReading{"nccl_collective_hang", "the collective test itself did not complete (" + reason + ")"};
    }
    if ((step_timeout || std::regex_search(reason, kOwnWatchdog)) && peer_answered) {
      std::string text = "no answer within the step limit while the same test answered on another node";
      if (!reason.empty()) {
        text += " (";
        text += reason;
        text += ")";
      }
      return ProbeErrorReading{"nccl_collective_hang", std::move(text)};
    }
    return std::nullopt;
  }
  if (probe.rfind("gpu.", 0) == 0 && std::regex_search(reason, kGpuLost)) {
    return ProbeErrorReading{"gpu_fallen_off_bus", "the GPU is lost (" + reason + ")"};
  }
  return std::nullopt;
}

// The GPU count a node-level gpu.inventory reports (`gpu_count`: the GPUs CUDA sees on the node,
// all of them when no --gpus narrows it); -1 when the result carries none.
int NodeGpuCount(const ProbeResult& r) {
  if (r.status != ProbeStatus::kPass && r.status != ProbeStatus::kFail) return -1;
  auto it = r.metrics.find("gpu_count");
  if (it == r.metrics.end() || !(it->second >= 1) || it->second > 4096) return -1;
  return static_cast<int>(it->second);
}

struct Observation {
  Evidence evidence;
  ComponentHint hint;
  int64_t time_ms = kNoTime;
  std::map<std::string, double> deltas;  // category -> log-odds change
  bool culprit = false;  // names the participant the others wait for (not a waiter's own line)
  // A failed probe's own reading (ProbeConfirms): the categories its reason names. When it names
  // some, only these can be confirmed by it; the others it merely supports.
  std::set<std::string> confirms;
  // Evidence of a host-side slowdown on hint.node (another user's process on its cores): a GPU
  // probe passing there clears the GPU, not the host (FindCpuHog).
  bool host_side = false;
  // A line (or the alert) names this participant as the slow one (1d, SlowMentionIn): the
  // straggler tests on its GPU or node go in the first wave (RG11).
  bool slow_named = false;
  // A metric condition that already held at the window's first sample (no onset in the window): a
  // state that may predate the incident (dcgm-exporter's Xid field keeps the last Xid until the
  // next one; HardwareXidSeriesHit).
  bool standing = false;
  // A metric observation whose series kept one value over the whole window (PLC25: a remapped-rows
  // count of an earlier remap, not one that moved in this incident).
  bool flat = false;
  // Read and said, not counted (weight 0): what the alert's own rank / GPU series show (RGB).
  bool context = false;
  // The evidence puts the fault on the path between two nodes of the case (a node's packet filter
  // dropping another node's packets): a test whose traffic stays inside one node cannot see it
  // (NodeLocalPassBlind, PLC16).
  bool between_nodes = false;
};

// Evidence that `node`'s cores are taken from the job's ranks (a `top` listing's hog, node_exporter's
// CPU series against the job's other nodes): host-side straggler evidence of kHostContentionWeight,
// placed on the whole node, that a GPU probe passing there does not clear.
Observation HostContention(EvidenceKind kind, std::string source, std::string detail, const std::string& node,
                           const std::string& job) {
  Observation o;
  o.evidence.kind = kind;
  o.evidence.source = std::move(source);
  o.evidence.detail = std::move(detail);
  o.evidence.supports = {"straggler_rank"};
  o.evidence.weight = kHostContentionWeight;
  o.deltas["straggler_rank"] = kHostContentionWeight;
  o.hint.node = node;
  o.hint.node_wide = true;
  o.hint.job = job;
  o.host_side = true;
  return o;
}

// The texts of a log's lines, in order (the readers of separate files take plain strings).
std::vector<std::string> LineTexts(const CaseLog& log) {
  std::vector<std::string> texts;
  texts.reserve(log.lines.size());
  for (const LogLine& l : log.lines) texts.push_back(l.text);
  return texts;
}

// A log line read as evidence of one category (RG14's readings): the source "log:line", the line
// (its first 300 bytes) and `note`, `weight` to `category`, timed as the line, on the job.
Observation LineEvidence(const CaseLog& log, size_t k, const std::string& note, const std::string& category,
                         double weight, const LogClock& clock, const std::string& job) {
  Observation o;
  o.evidence.kind = EvidenceKind::kLog;
  o.evidence.source = log.source + ":" + std::to_string(log.lines[k].number);
  o.evidence.detail = Utf8Prefix(log.lines[k].text, 300) + note;
  o.evidence.supports = {category};
  o.evidence.weight = weight;
  o.deltas[category] = weight;
  o.time_ms = LineTimeMs(log.lines[k].text, clock);
  o.hint.job = job;
  return o;
}

// The (log, line) of the case's first line that `states` holds, if any.
std::optional<std::pair<size_t, size_t>> FirstCaseLine(const DiagnosisCase& c, bool (*states)(const std::string&)) {
  for (size_t li = 0; li < c.logs.size(); ++li) {
    for (size_t ki = 0; ki < c.logs[li].lines.size(); ++ki) {
      if (states(c.logs[li].lines[ki].text)) return std::make_pair(li, ki);
    }
  }
  return std::nullopt;
}

// A log line in which a process reports that it gave up waiting for its peers (a collective
// watchdog, a timed-out wait) or that a peer went away ("remote process exited", "closed by
// remote peer"): it says where the waiting happened, not where the fault is.
bool IsWaiterLine(const Observation& o) {
  static const std::regex kWaiter(
      R"(watchdog|timed? ?out|timing out|data inconsistency|taking the entire process down|remote process|)"
      R"(closed by (remote )?peer|reset by peer|by remote peer)", std::regex::icase);
  return o.evidence.kind == EvidenceKind::kLog && !o.culprit && std::regex_search(o.evidence.detail, kWaiter);
}

// PLC29: the note that opens a stopped process's culprit line (StoppedProcessReader), and whether the
// hang has such a culprit placed where `cause` has no evidence of its own (another node, or another GPU
// of it): a rank stopped by a debugger or SIGSTOP is why its peers time out, and an Xid of another
// GPU does not explain their timeouts away.
constexpr const char* kStoppedProcessNote = "a participant's process is alive but stopped";
template <typename B>
bool StoppedCulpritElsewhere(const B& b, const std::string& cause) {
  for (const Observation& o : b.observations()) {
    auto hang = o.deltas.find("nccl_collective_hang");
    if (!o.culprit || hang == o.deltas.end() || hang->second <= 0 || o.hint.node.empty() ||
        o.evidence.detail.rfind(kStoppedProcessNote, 0) != 0) {
      continue;
    }
    bool same_place = false;
    for (const Observation& f : b.observations()) {
      auto it = f.deltas.find(cause);
      if (it == f.deltas.end() || it->second <= 0 || !SameNodeName(f.hint.node, o.hint.node)) continue;
      same_place = same_place || o.hint.gpu < 0 || f.hint.gpu < 0 || f.hint.gpu == o.hint.gpu;
    }
    if (!same_place) return true;
  }
  return false;
}

// An IB completion error as the reporting side prints it ("NET/IB : Got completion from peer
// 10.7.0.2<49120> with error 12", torch's "ncclRemoteError: ... remote process exited or there was
// a network error"): the reporter's own queue pair timed out on a peer; every rank talking to a bad
// link prints it, so it says the link failed but not whose port. A port's own evidence (its link
// down, its error counters, ibstat / ibdev2netdev showing it Down) is where the link is.
// Whether the hang `effect` is shown only by waiters' timeouts while `cause` is a device fault
// read first-hand on one GPU (RG12, realistic13 rl13-01 / rl13-04): a watchdog timeout on rank 0
// says rank 0 waited, not why; a GPU that fell off the bus, or whose memory took an uncorrectable
// error, stops its rank inside the collective, and every peer then times out. The timeouts are the
// fault's consequence when the fault was read on a GPU itself (a kernel or health-check line that
// names the GPU by bus id or index, a DCGM series of that GPU: not a rank's guess, not a recalled
// incident) no later than the timeouts were reported. Returns the time the last timeout was
// reported (a line's time, not the start it computes back from "ran for N ms": a GPU lost while
// the collective waits also times it out; an epilog's health check reads the lost GPU when the job
// has ended), kNoTime when the rule does not apply. A hang with evidence of its own (a rank named
// as the one the others wait for, a metric, a probe) keeps its weight as before. A series whose
// condition already held at the window's first sample is no fault read in this incident
// (Observation::standing: a constant Xid 79 through the window on a GPU working at 97 % explained
// the timeouts after RG12, breaking RV-RG7's test "an Xid 79 that stands in the DCGM Xid series
// from the window's first sample ...").
template <typename B>
int64_t TimeoutsOfDeviceFault(const B& b, const std::string& effect, const std::string& cause) {
  // A kernel's illegal address on one GPU (Xid 13 / 31 naming its bus id, CUDA error 700) ends its
  // rank inside the collective the same way (RG25, holdout14 k039: Xid 31 on gh-013's GPU 5 at
  // 14:17:55, the peers' 600 s watchdog reported at 14:20:10, answered nccl_collective_hang 0.59).
  static const std::set<std::string> kDeviceFaults = {"gpu_fallen_off_bus", "gpu_memory_uncorrectable_ecc",
                                                      "gpu_row_remap_failure", "gpu_firmware_error",
                                                      "illegal_memory_access"};
  if (effect != "nccl_collective_hang" || !kDeviceFaults.count(cause)) return kNoTime;
  static const std::regex kRanFor(R"(\bran for (\d+) ?(?:ms|milliseconds)\b)");
  int64_t reported = kNoTime;
  bool first_hand = false;
  std::set<std::pair<std::string, int>> silent, faulted;  // (node, GPU) of silent ranks, of first-hand faults
  for (const Observation& o : b.observations()) {
    auto hang = o.deltas.find(effect);
    if (hang != o.deltas.end() && hang->second > 0) {
      if (o.evidence.kind == EvidenceKind::kKnowledge || o.evidence.kind == EvidenceKind::kAlert) continue;
      if (!IsWaiterLine(o)) {  // the hang has evidence of its own
        // Unless it is the rank the waiters wait for, placed on a GPU where the fault is read
        // (checked below): the fault's rank stopped, so it wrote no timeout (RG25).
        if (o.culprit && !o.hint.node.empty() && o.hint.gpu >= 0) {
          silent.insert({o.hint.node, o.hint.gpu});
          continue;
        }
        return kNoTime;
      }
      if (o.time_ms == kNoTime) continue;
      int64_t at = o.time_ms;
      std::smatch m;
      if (std::regex_search(o.evidence.detail, m, kRanFor)) at = SaturatingAdd(at, std::max<int64_t>(0, ParseInt(m.str(1)).value_or(0)));
      reported = reported == kNoTime ? at : std::max(reported, at);
    }
    auto fault = o.deltas.find(cause);
    if (fault != o.deltas.end() && fault->second > 0 &&
        (o.evidence.kind == EvidenceKind::kLog || o.evidence.kind == EvidenceKind::kMetric) && !o.hint.node.empty() &&
        o.hint.gpu >= 0 && !o.hint.gpu_from_rank && !o.standing) {
      first_hand = true;
      faulted.insert({o.hint.node, o.hint.gpu});
    }
  }
  for (const auto& at : silent) {
    if (!faulted.count(at)) return kNoTime;
  }
  return first_hand ? reported : kNoTime;
}

bool IsPeerReportLine(const Observation& o) {
  static const std::regex kReport(R"(completion from peer|ncclRemoteError|remote process exited or there was a network error)",
                                  std::regex::icase);
  return o.evidence.kind == EvidenceKind::kLog && std::regex_search(o.evidence.detail, kReport);
}

// A log row or a line recall (not a KB title) of a line in which a process reports that its peer or
// server went away (StatesPeerLoss, peer_loss.h; PLC25).
bool ReportsPeerLoss(const Observation& o) {
  if (o.evidence.kind != EvidenceKind::kLog && o.evidence.kind != EvidenceKind::kKnowledge) return false;
  if (o.evidence.detail.rfind("similar past incident", 0) == 0) return false;
  return StatesPeerLoss(o.evidence.detail);
}

// A line stating a power supply's fault (PLC25): IPMI SEL / ipmievd / Redfish "Power Supply PSU2
// Status: Power Supply AC lost | Asserted", "PSU Redundancy: Redundancy Lost", "PSU 2 failure
// detected", "Power supply 1 input lost". Not a deasserted event, a regained redundancy, a PSU
// inserted or present.
bool StatesPsuFault(const std::string& line) {
  if (line.size() > 2000) return false;
  static const std::regex kPsu(
      R"(\b(?:power ?supply|PSU)\b.{0,80}?\b(?:AC lost|input lost|failure detected|failed|failure|redundancy lost|lost|predictive failure)\b)",
      std::regex::icase);
  static const std::regex kCleared(R"(\bdeasserted\b|\bregained\b|\brestored\b|\bfully redundant\b)", std::regex::icase);
  return std::regex_search(line, kPsu) && !std::regex_search(line, kCleared);
}

}  // namespace

// A line stating a fan's fault (PLC36, realistic37 rl37-30): ipmitool's sensor row "FAN3_TACH | 32h | cr |
// 29.3 | 0 RPM", its SEL "Fan FAN_MOD2 | Lower Critical going low | Asserted", "Fan 4 failed". Not a
// deasserted event or a fan restored. Declared in diagnosis_plc36_test.cc.
bool StatesFanFault(const std::string& line) {
  if (line.size() > 2000 || !ContainsNoCase(line, "fan")) return false;
  static const std::regex kFan(
      R"(\bfan\w*\b.{0,80}?(?:\blower (?:critical|non-recoverable)\b|\bfail(?:ed|ure)\b|\bfault\b|\|\s*(?:cr|nr)\s*\||\b0 RPM\b))",
      std::regex::icase);
  static const std::regex kCleared(R"(\bdeasserted\b|\brestored\b|\brecovered\b)", std::regex::icase);
  return std::regex_search(line, kFan) && !std::regex_search(line, kCleared);
}

namespace {

// What the peers' reports of a lost connection (IB completion errors "from peer", NCCL's "remote
// process exited or there was a network error") are read as, from the first-hand evidence beside
// them (RG13; the case where the IB failure has its own evidence and the crash only reports is read
// in place, above its use).
enum class PeerReportReading {
  kUndecided,
  kProcessDied,  // a rank died first-hand (a signal, a segfault, an abort) and no IB port evidence exists
  kNetwork,      // no rank died first-hand, the IB reports name a transport error, no port evidence either
};

// A log line in which a process dies of its own fault: a signal, a segfault, an abort, a core dump,
// a negative exit code (killed by a signal). A rank exiting with code 1 is not one: that is how a
// rank ends after its NCCL call failed.
// The note the rank-exit rules (3a-rank-exit) put on a rank's own exception of the training code: a
// death of its own as much as a signal is (PLC11; "exit code 1" alone is still none).
constexpr const char* kOwnExceptionNote = " left on its own exception";
bool IsOwnDeathLine(const Observation& o) {
  if (o.evidence.kind == EvidenceKind::kLog && o.culprit && o.evidence.detail.find(kOwnExceptionNote) != std::string::npos) {
    return true;
  }
  static const std::regex kDeath(
      R"(\bsegfault\b|segmentation fault|\bsig(segv|abrt|bus|ill|fpe)\b|signal:? (6|7|11)\b|received signal|)"
      R"(\baborted\b|core dumped|dumped core|double free|exit ?code:? -\d|return code = -\d)",
      std::regex::icase);
  return o.evidence.kind == EvidenceKind::kLog && !IsPeerReportLine(o) &&
         std::regex_search(o.evidence.detail.substr(0, 2000), kDeath);
}

template <typename B>
PeerReportReading ReadPeerReports(const B& beliefs) {
  bool died = false, crash_reports = false, crash_other = false, ib_reports = false, ib_own = false;
  for (const Observation& o : beliefs.observations()) {
    auto crash = o.deltas.find("rank_process_crash");
    if (crash != o.deltas.end() && crash->second > 0 && o.evidence.kind == EvidenceKind::kLog) {
      if (IsOwnDeathLine(o)) died = true;
      else if (IsPeerReportLine(o)) crash_reports = true;
      else crash_other = true;
    }
    auto ib = o.deltas.find("ib_link_failure");
    if (ib == o.deltas.end() || ib->second <= 0 || o.evidence.kind == EvidenceKind::kKnowledge ||
        o.evidence.kind == EvidenceKind::kAlert) {
      continue;
    }
    if (IsPeerReportLine(o)) ib_reports = true;
    else ib_own = true;
  }
  if (ib_own || !ib_reports) return PeerReportReading::kUndecided;
  if (died) return PeerReportReading::kProcessDied;
  if (crash_reports && !crash_other) return PeerReportReading::kNetwork;
  return PeerReportReading::kUndecided;
}

// PLC20: a host's out-of-memory kill ends processes on that host only. A process that died of its
// own fault (a segfault, a bus error: IsOwnDeathLine's signals but an abort or a kill) on a node none of the OOM evidence names is not
// the OOM's victim: an OOMKilled event of another pod on another node, a kernel OOM kill in another
// host's journal. True when every first-hand OOM reading (log / metric) is placed on a node, some
// own-death line of the crash is placed, and no placed death's node is an OOM node (a death line no
// place names - a launcher's summary - says nothing of where; an unplaced OOM reading: false).
template <typename B>
bool OomOnlyElsewhereThanDeaths(const B& beliefs) {
  std::vector<std::string> oom_nodes, death_nodes;
  for (const Observation& o : beliefs.observations()) {
    auto oom = o.deltas.find("host_oom");
    if (oom != o.deltas.end() && oom->second > 0 &&
        (o.evidence.kind == EvidenceKind::kLog || o.evidence.kind == EvidenceKind::kMetric)) {
      if (o.hint.node.empty()) return false;
      oom_nodes.push_back(o.hint.node);
    }
    // A death of the process's own fault: a segfault, a bus error, an illegal instruction. Not an
    // abort (PyTorch's watchdog aborts every peer after a lost rank) nor a SIGKILL (the OOM killer's
    // own signal, printed where the launcher runs).
    static const std::regex kOwnFault(
        R"(\bsegfault\b|segmentation fault|\bsig(segv|bus|ill|fpe)\b|signal:? (7|11)\b|bus error|exit ?code:? -(7|11)\b)",
        std::regex::icase);
    auto crash = o.deltas.find("rank_process_crash");
    // The line itself, not the notes the reasoner appends ("  (47 lines match <pattern>)", "  [...]").
    const std::string& detail = o.evidence.detail;
    const std::string line = detail.substr(0, std::min({detail.find("  ("), detail.find("  ["), size_t{2000}}));
    if (crash != o.deltas.end() && crash->second > 0 && IsOwnDeathLine(o) && !o.hint.node.empty() &&
        std::regex_search(line, kOwnFault)) {
      death_nodes.push_back(o.hint.node);
    }
  }
  if (oom_nodes.empty() || death_nodes.empty()) return false;
  for (const std::string& d : death_nodes) {
    for (const std::string& n : oom_nodes) {
      if (SameNodeName(d, n)) return false;
    }
  }
  return true;
}

// PLC37: whether a storage failure's every first-hand reading (a log line or a metric, not a recalled
// incident or the alert) is placed on a node whose own IB link evidence (a link down, port error
// counters: not a peer's report of a lost connection) exists. A client evicted from Lustre, its
// connection to an OST lost, is then the link's consequence on that node (realistic38 rl38-02: the
// storage rail's HCA of one node flapped, that node's client was evicted and the save stalled).
// False with no placed storage reading, or one on a node without link evidence (a file system that
// fails shows on many clients, the links of most of them up).
template <typename B>
bool StorageFaultOnlyBehindLinks(const B& beliefs) {
  std::vector<std::string> storage_nodes, link_nodes;
  for (const Observation& o : beliefs.observations()) {
    if (o.evidence.kind != EvidenceKind::kLog && o.evidence.kind != EvidenceKind::kMetric) continue;
    auto storage = o.deltas.find("storage_failure");
    if (storage != o.deltas.end() && storage->second > 0) {
      if (o.hint.node.empty()) return false;
      storage_nodes.push_back(o.hint.node);
    }
    auto link = o.deltas.find("ib_link_failure");
    if (link != o.deltas.end() && link->second > 0 && !o.hint.node.empty() && !IsPeerReportLine(o)) {
      link_nodes.push_back(o.hint.node);
    }
  }
  if (storage_nodes.empty()) return false;
  for (const std::string& s : storage_nodes) {
    bool behind_link = false;
    for (const std::string& n : link_nodes) behind_link = behind_link || SameNodeName(s, n);
    if (!behind_link) return false;
  }
  return true;
}

// A culprit line of silent data corruption on `rank`'s GPU (weight kFirstSignatureWeight), placed
// by the rank layout (the GPU marked as a rank's guess): a rank's NaN check failing again and
// again, a rerun that reproduced the error on that rank only.
Observation SdcCulpritOnRank(const Topology& topo, std::string source, std::string detail, int rank,
                             int64_t time_ms) {
  Observation o;
  o.culprit = true;
  o.evidence.kind = EvidenceKind::kLog;
  o.evidence.source = std::move(source);
  o.evidence.detail = std::move(detail);
  o.evidence.supports = {"gpu_silent_data_corruption"};
  o.evidence.weight = kFirstSignatureWeight;
  o.deltas["gpu_silent_data_corruption"] = kFirstSignatureWeight;
  o.time_ms = time_ms;
  o.hint.rank = rank;
  if (auto it = topo.ranks.find(rank); it != topo.ranks.end()) {
    o.hint.node = it->second.node;
    o.hint.gpu = it->second.gpu;
    o.hint.gpu_from_rank = o.hint.gpu >= 0;
  }
  o.hint.job = topo.job;
  return o;
}

// Whether an observation's own text states that a GPU's row remap failed: nvidia-smi's "Remapping
// Failure Occurred : Yes", DCGM's DCGM_FR_ROW_REMAP_FAILURE / ROW_REMAP_FAILURE field, "row remapping
// failed", an Xid 64. Not a KB title (a recalled incident), not "Occurred : No" (PLC7).
// A line saying CUDA found no GPU at all: PyTorch's "No CUDA GPUs are available", the runtime's "no
// CUDA-capable device is detected", cudaErrorNoDevice, CUDA_ERROR_NO_DEVICE (PLC25, 3a-nodevice).
// Not "invalid device ordinal" (a GPU index past those visible: a launch layout, not CUDA failing).
bool StatesNoCudaDevice(const std::string& line) {
  if (line.size() > 4000 || (line.find("CUDA") == std::string::npos && line.find("cuda") == std::string::npos)) return false;
  static const std::regex kNone(
      R"(\bNo CUDA GPUs are available\b|\bno CUDA-capable device is detected\b|\bcudaErrorNoDevice\b|\bCUDA_ERROR_NO_DEVICE\b)",
      std::regex::icase);
  return std::regex_search(line, kNone);
}

// A metric observation's source ("metric NAME{...}") is a count of remapped rows: dcgm-exporter's
// DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS / DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS, an exporter's
// "..._remapped_rows_..." / "..._rows_remapped_..." (PLC25). Not the pending or failure flags.
bool IsRemappedRowsCount(const std::string& source) {
  static const std::regex kCount(R"(^metric [A-Za-z0-9_:]*(?:remapped_rows|rows_remapped)[A-Za-z0-9_:]*(?:\{|$))", std::regex::icase);
  return std::regex_search(source, kCount);
}

bool StatesRemapFailure(const Observation& o) {
  static const std::regex kStates(
      R"(remapping failure occurred\s*:\s*yes|row_remap_failure|row remap(?:ping)? (?:failure|failed)|)"
      R"(\bxid\b(?:\s*\(PCI:[0-9a-f:.]+\))?[\s:,]+64\b)",
      std::regex::icase);
  const std::string& text = o.evidence.detail;
  if (text.rfind("similar past incident", 0) == 0) return false;
  return std::regex_search(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(std::min<size_t>(text.size(), 2000)),
                           kStates);
}

// Whether the row-remap evidence says the remap FAILED (not merely pending): a line, metric
// condition or probe verdict that names a failure, or Xid 64 (row remapper recording failure).
template <typename B>
bool RemapFailed(const B& beliefs) {
  // "fail" as a word (review RG): "Remapping Failure Occurred", a probe's "remapping failure", the
  // counter DCGM_FI_DEV_ROW_REMAP_FAILURE ("_" separates words here), not inside another word.
  // The driver's own Xid line carries the GPU's PCI address between "Xid" and the code ("NVRM: Xid
  // (PCI:0000:cb:00): 64, ..."): its digits kept `\D{0,40}` from reaching the 64, so a kernel log's
  // Xid 64 never counted as a failed remap and the Xid 48 beside it explained it away (RG7:
  // realistic10 rl10-03). The address is read as the other Xid rules of this file read it.
  static const std::regex kFailed(
      R"((?:^|[^a-z0-9])fail(?:s|ed|ure|ures|ing)?(?![a-z0-9])|\bxid\b\D{0,40}\b64\b|)"
      R"(\bxid\b(?:\s*\(PCI:[0-9a-f:.]+\))?[\s:,]+64\b)",
      std::regex::icase);
  for (const Observation& o : beliefs.observations()) {
    auto it = o.deltas.find("gpu_row_remap_failure");
    if (it == o.deltas.end() || it->second <= 0) continue;
    std::string text = o.evidence.detail.substr(0, 2000);
    if (o.evidence.kind == EvidenceKind::kProbe) {  // "fail: <reason>": only the reason counts
      auto colon = text.find(": ");
      text = colon == std::string::npos ? "" : text.substr(colon + 2);
    }
    if (text.rfind("similar past incident", 0) == 0) continue;  // a KB title, not this GPU's state
    if (auto kb = text.find("  (reads like kb:"); kb != std::string::npos) text.resize(kb);
    if (std::regex_search(text, kFailed)) return true;
    // A probe of the GPU that finds its remap pending (a reset required) and no uncorrectable ECC
    // error outstanding: the GPU's own counters say the repair is what is stuck, so the ECC errors
    // the job logged are its symptom ("1 volatile uncorrectable (DBE) ECC errors; row remap
    // pending" is the other reading: a fresh error and the repair it queued).
    static const std::regex kPendingOnly(R"(remap(ping)? pending)", std::regex::icase);
    // "dbe" as a word where "_" separates words too: vigil-probe's "ecc_dbe_volatile 1 > 0" names the
    // uncorrectable error (PLC24, realistic30 rl30-02: `\bdbe\b` missed it inside the field name,
    // so a fresh DBE and the remap it queued read as a stuck repair and the remap took the answer).
    static const std::regex kUncorrectable(R"(uncorrectable|(?:^|[^a-z0-9])dbe(?![a-z0-9])|double.bit)",
                                           std::regex::icase);
    if (o.evidence.kind == EvidenceKind::kProbe && std::regex_search(text, kPendingOnly) &&
        !std::regex_search(text, kUncorrectable)) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::vector<std::pair<int, size_t>> FindNamedAbsentRanks(const std::vector<std::string>& lines) {
  // Each list round is a separator then a number (`[\s,]+` and `\d+` cannot match the same
  // character), so a list splits one way only. The earlier `(?:\d+\s*(?:,|and)?\s*)+` split a run
  // of digits or of "1 1 1" every way before failing: "ranks 0 1 2 ... 19 did not see" took 2.3 s
  // in std::regex and each rank more doubled it (agents_test "the named-rank list splits one way").
  // Beside the launchers' and monitored barrier's wordings, PyTorch's desync report
  // (TORCH_NCCL_DESYNC_DEBUG, c10d's retrieveDesyncReport / analyzeLaggingRanks): "ranks [58] are
  // the lagging ranks that caused this timeout. They never joined any collectives" and "[58]
  // finished collective #40011, but didn't join collective #40012" / "[58] joined but didn't finish
  // collective #40012" (a bracketed list and no word "rank"), and the passive "... is not joined by
  // rank 58" (RG8, realistic11 rl11-14: the rank the report named was not read as the culprit).
  // The flight recorder's per-collective summary ("Collective 88213 ALLREDUCE ...: started on 511
  // ranks, not enqueued on ranks [349]") names the rank that never enqueued it the same way (RG10,
  // realistic12 rl12-17: the hang was placed on the job, not on that rank's GPU).
  // A summary that counts the ranks that entered and lists the rest ("entered by 127/128 ranks;
  // missing: [77]", "joined 7 of 8 ranks, missing 5") names them the same way (PLC14).
  // A count of the missing ("missing 2 ranks", "missing 2 of 8") names none (RV, 2026-12-04).
  // A list is read whole or not at all (PLC16): a list that ends in a count ("missing 17, 40 ranks",
  // "missing 1, 2 of 8") names none, not its first number; a range ("missing ranks: 8-11", as NCCL
  // and Slurm compress rank lists) is every rank in it; a count before the list ("missing 2 ranks:
  // [3, 7]") is passed over. `-\d` cannot start a separator (`[\s,]+`), so the list still splits
  // one way; the look-aheads refuse a list that a backtracked prefix of it would otherwise be.
  static const std::regex kNamed = [] {
    const std::string list = R"((\d+(?:-\d+)?(?:[\s,]+(?:and\s+)?\d+(?:-\d+)?)*))";
    const std::string ends = R"((?!\d|-\d|[\s,]+(?:and\s+)?\d))";
    return std::regex(
        R"((?:\branks?\s*[\[{(]?\s*)" + list + R"(,?[\]})]?\s+)"
        R"((?:failed to pass|did not (?:reach|join|arrive|enter|respond)|(?:are|is) the lagging ranks?|)"
        R"((?:has|have) not (?:joined|reached|arrived|responded)|never (?:reached|joined|arrived)))|)"
        R"((?:missing ranks?|missing \d+ ranks?(?=\s*[:=\[{(])|absent ranks?|)"
        R"((?:waiting|waited)(?: in [A-Za-z_]+)? (?:for|on) ranks?|)"
        R"(not (?:joined|reached|entered) by ranks?|not (?:enqueued|started|joined|entered) on ranks?)\s*[:=]?\s*[\[{(]?\s*)" +
            list + ends + R"((?!\s*ranks?\b)|)"
        R"(\[\s*(\d+(?:-\d+)?(?:\s*,\s*\d+(?:-\d+)?)*)\s*\]\s+)"
        R"((?:finished collective #?\d+,? but didn't join|joined but didn't finish)|)"
        R"(\b\d+\s*(?:/|of)\s*\d+\s+ranks?\b[^\[\]{}()]{0,24}?\bmissing\s*[:=]?\s*[\[{(]?\s*)" +
            list + ends + R"((?!\s*(?:ranks?\b|of\b|/)))",
        std::regex::icase);
  }();
  static const std::regex kNum(R"((\d+)(?:-(\d+))?)");
  std::vector<std::pair<int, size_t>> out;
  std::set<int> seen;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.size() > 2000) continue;
    std::string lower = AsciiLower(line);
    if (lower.find("rank") == std::string::npos && lower.find("but didn't ") == std::string::npos) continue;
    std::smatch m;
    // The flight recorder's comparison of one rank with the rest ("rank 34 last enqueued SeqNum
    // 220143, all other ranks enqueued 220144"): the rank behind the others never joined.
    static const std::regex kBehind(
        R"(\brank\s*(\d+)\s+last\s+(enqueued|completed|started)\s+(?:seq(?:num)?|work|collective)?\s*[:=#]?\s*(\d+)[^0-9]{1,40}?)"
        R"(\b(?:all\s+)?other\s+ranks?\s+(?:last\s+)?(?:enqueued|completed|started|at)\s+(?:seq(?:num)?|work|collective)?\s*[:=#]?\s*(\d+))",
        std::regex::icase);
    if (lower.find("other rank") != std::string::npos && std::regex_search(line, m, kBehind)) {
      std::optional<int32_t> r = ParseInt32(m.str(1));
      std::optional<int64_t> own = ParseInt(m.str(3)), others = ParseInt(m.str(4));
      if (r && own && others && *own < *others && seen.insert(*r).second) out.emplace_back(*r, i);
      continue;
    }
    // kNamed needs one of these words (the prefilter's reader does not read it): without one, a
    // gathered log's `[rankN]:` prefix alone no longer sends the line through std::regex.
    static constexpr std::string_view kNamedWords[] = {"failed to pass", "did not ",    "has not ",  "have not ",
                                                       "never ",         "missing rank", "absent rank", "waiting",
                                                       "waited",         "lagging rank", "not joined by", "not reached by",
                                                       "not entered by", "but didn't ",
                                                       "not enqueued on", "not started on", "not joined on",
                                                       "not entered on", "missing"};
    if (std::none_of(std::begin(kNamedWords), std::end(kNamedWords),
                     [&](std::string_view w) { return lower.find(w) != std::string::npos; }))
      continue;
    if (!std::regex_search(line, m, kNamed)) continue;
    std::string list = m[1].matched ? m.str(1) : m[2].matched ? m.str(2) : m[3].matched ? m.str(3) : m.str(4);
    for (auto it = std::sregex_iterator(list.begin(), list.end(), kNum); it != std::sregex_iterator(); ++it) {
      std::optional<int32_t> r = ParseInt32(it->str(1));
      if (!r) continue;
      int32_t last = *r;
      if ((*it)[2].matched) {  // a range: every rank in it; a reversed one is no range, many ranks name none
        std::optional<int32_t> hi = ParseInt32(it->str(2));
        if (!hi || *hi <= *r) continue;
        if (*hi - *r >= 4) return {};
        last = *hi;
      }
      // int64_t: `++rank` past INT32_MAX (a rank of 2147483647) was signed overflow, a loop without end.
      for (int64_t rank = *r; rank <= last; ++rank) {
        if (seen.insert(static_cast<int>(rank)).second) out.emplace_back(static_cast<int>(rank), i);
      }
    }
  }
  // A line naming many ranks names no culprit.
  if (out.size() > 4) out.clear();
  return out;
}

std::vector<std::pair<int, size_t>> FindOddOpRanks(const std::vector<std::string>& lines) {
  static const std::regex kWaitOp(R"(WorkNCCL\(SeqNum=\d+,\s*OpType=_?([A-Z_]+))");
  static const std::regex kMismatch(
      R"(Rank (\d+) is running collective: CollectiveFingerPrint\([^)]*?OpType=_?([A-Z_]+).*?but Rank (\d+) is running collective: )"
      R"(CollectiveFingerPrint\([^)]*?OpType=_?([A-Z_]+))");
  std::map<std::string, size_t> waiting;  // op the watchdog lines time out in -> lines
  for (const std::string& line : lines) {
    if (line.size() > 4000 || line.find("WorkNCCL") == std::string::npos) continue;
    std::smatch m;
    if (std::regex_search(line, m, kWaitOp)) ++waiting[m.str(1)];
  }
  std::vector<std::pair<int, size_t>> out;
  if (waiting.size() != 1) return out;  // no waiter op, or waiters in several ops
  const std::string& op = waiting.begin()->first;
  std::set<int> seen;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.size() > 4000 || line.find("CollectiveFingerPrint") == std::string::npos) continue;
    std::smatch m;
    if (!std::regex_search(line, m, kMismatch) || m.str(2) == m.str(4)) continue;
    int odd = m.str(2) != op && m.str(4) == op   ? ParseInt32(m.str(1)).value_or(-1)
              : m.str(4) != op && m.str(2) == op ? ParseInt32(m.str(3)).value_or(-1)
                                                 : -1;
    if (odd >= 0 && seen.insert(odd).second) out.emplace_back(odd, i);
  }
  if (out.size() > 2) out.clear();
  return out;
}

std::vector<std::pair<std::string, int>> FindUtilOddOneOut(const std::vector<TimeSeries>& series) {
  // node -> gpu -> busy % over the last third (the mean of the series of the first busy metric).
  std::map<std::string, std::map<int, double>> busy;
  for (const char* name : {"DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_PROF_SM_ACTIVE", "DCGM_FI_PROF_GR_ENGINE_ACTIVE"}) {
    std::map<std::string, std::map<int, double>> by_node;
    for (const TimeSeries& s : series) {
      if (s.name != name || s.values.empty()) continue;
      std::string node = NodeOf(s.labels);
      int gpu = GpuOf(s.labels);
      if (node.empty() || gpu < 0) continue;
      size_t from = s.values.size() - std::max<size_t>(1, s.values.size() / 3);
      double sum = 0;
      for (size_t i = from; i < s.values.size(); ++i) sum += s.values[i];
      double mean = sum / static_cast<double>(s.values.size() - from);
      by_node[node][gpu] = s.name == "DCGM_FI_DEV_GPU_UTIL" ? mean : 100 * mean;  // PROF fields are ratios
    }
    for (auto& [node, gpus] : by_node) {
      if (!busy.count(node)) busy[node] = std::move(gpus);
    }
  }
  std::vector<std::pair<std::string, int>> out;
  for (const auto& [node, gpus] : busy) {
    if (gpus.size() < 4) continue;
    std::vector<double> v;
    for (const auto& [g, b] : gpus) v.push_back(b);
    double med = UpperMedian(v);
    std::vector<int> odd;
    bool peers_agree = true;
    for (const auto& [g, b] : gpus) {
      if (std::abs(b - med) >= kUtilOddGap) odd.push_back(g);
      else if (std::abs(b - med) > kUtilPeerSpread) peers_agree = false;
    }
    if (odd.size() == 1 && peers_agree) out.emplace_back(node, odd[0]);
  }
  if (out.size() != 1) out.clear();
  return out;
}

// The odd GPU of FindUtilOddOneOut went idle while its node peers stayed fully busy (RL7): its
// DCGM_FI_DEV_GPU_UTIL mean over the last third of the series at most kSpinIdleMax %, over the first
// third at least kSpinWasBusyMin % (it was training like the others), and its peers' median over the
// last third at least kSpinPeersBusyMin %. Peers of a synchronous job at 100 % beside one GPU gone to 0
// are NCCL kernels spinning in a collective that GPU's process never joined: a hang, and where it is
// stuck. A GPU idle from the start (no work given to it) is not this.
constexpr double kSpinIdleMax = 10;
constexpr double kSpinWasBusyMin = 50;
constexpr double kSpinPeersBusyMin = 90;
static bool OddGpuStoppedWhilePeersSpin(const std::vector<TimeSeries>& series, const std::string& node, int gpu) {
  std::optional<double> odd_last, odd_first;
  std::vector<double> peers;
  for (const TimeSeries& s : series) {
    if (s.name != "DCGM_FI_DEV_GPU_UTIL" || s.values.size() < 3 || NodeOf(s.labels) != node) continue;
    const int g = GpuOf(s.labels);
    if (g < 0) continue;
    const size_t third = std::max<size_t>(1, s.values.size() / 3);
    double last = 0, first = 0;
    for (size_t i = s.values.size() - third; i < s.values.size(); ++i) last += s.values[i];
    for (size_t i = 0; i < third; ++i) first += s.values[i];
    last /= static_cast<double>(third);
    first /= static_cast<double>(third);
    if (!std::isfinite(last) || !std::isfinite(first)) return false;
    if (g == gpu) {
      odd_last = last;
      odd_first = first;
    } else {
      peers.push_back(last);
    }
  }
  if (!odd_last || peers.size() < 3) return false;
  return *odd_last <= kSpinIdleMax && *odd_first >= kSpinWasBusyMin && UpperMedian(peers) >= kSpinPeersBusyMin;
}

std::vector<SpinEpisode> FindSpinEpisodes(const std::vector<TimeSeries>& series) {
  constexpr size_t kMinSamples = 3;
  constexpr int64_t kMinSpanMs = 60'000;
  // node -> gpu -> the GPU's utilisation series (the first one of each GPU).
  std::map<std::string, std::map<int, const TimeSeries*>> by_node;
  for (const TimeSeries& s : series) {
    if (s.name != "DCGM_FI_DEV_GPU_UTIL" || s.values.size() != s.timestamps_ms.size() || s.values.size() < kMinSamples + 1) continue;
    std::string node = NodeOf(s.labels);
    const int gpu = GpuOf(s.labels);
    if (node.empty() || gpu < 0) continue;
    by_node[node].emplace(gpu, &s);
  }
  std::vector<SpinEpisode> out;
  for (const auto& [node, gpus] : by_node) {
    if (gpus.size() < 4) continue;
    // timestamp -> gpu -> value
    std::map<int64_t, std::map<int, double>> at;
    for (const auto& [g, s] : gpus) {
      for (size_t i = 0; i < s->values.size(); ++i) at[s->timestamps_ms[i]][g] = s->values[i];
    }
    for (const auto& [g, s] : gpus) {
      size_t run = 0, best_run = 0, best_end = 0;
      for (size_t i = 0; i < s->values.size(); ++i) {
        const double v = s->values[i];
        std::vector<double> peers;
        for (const auto& [pg, pv] : at[s->timestamps_ms[i]]) {
          if (pg != g && std::isfinite(pv)) peers.push_back(pv);
        }
        const bool spin = std::isfinite(v) && v <= kSpinIdleMax && peers.size() >= 3 && UpperMedian(peers) >= kSpinPeersBusyMin;
        run = spin ? run + 1 : 0;
        if (run > best_run) {
          best_run = run;
          best_end = i;
        }
      }
      if (best_run < kMinSamples) continue;
      const size_t start = best_end + 1 - best_run;
      if (start == 0 || s->timestamps_ms[best_end] - s->timestamps_ms[start] < kMinSpanMs) continue;
      double before = 0;
      for (size_t i = 0; i < start; ++i) before += s->values[i];
      before /= static_cast<double>(start);
      if (!std::isfinite(before) || before < kSpinWasBusyMin) continue;
      out.push_back({node, g, s->timestamps_ms[start]});
    }
  }
  if (out.size() != 1) out.clear();
  return out;
}

// A GPU whose telemetry stopped while its node peers' went on: the exporter lost it (a GPU that
// fell off the bus or whose firmware hung no longer answers NVML), so during a hang it is the
// participant that is not merely waiting. Per node, a GPU's last sample is the latest of its
// series; it stopped when that is at least kStoppedMinGapMs and kStoppedMinIntervals sample
// intervals before the node's median last sample while every other GPU of the node (>= 3) ended
// within one interval of that median. Exactly one such GPU in the case, else none. A GPU takes part
// when one of its series has >= 3 samples (its interval known); every series of it, however short,
// counts for its last sample (an exporter that picked the GPU up again under new labels starts a
// new series of one or two samples: the GPU answers).
std::vector<std::pair<std::string, int>> FindStoppedGpus(const std::vector<TimeSeries>& series) {
  struct Last {
    int64_t at = std::numeric_limits<int64_t>::min();
    double step = 0;     // the longest median sample interval of its series of >= 3 samples
    bool timed = false;  // it has such a series
  };
  std::map<std::string, std::map<int, Last>> last;  // node -> gpu -> last sample
  for (const TimeSeries& s : series) {
    if (s.timestamps_ms.empty()) continue;
    std::string node = NodeOf(s.labels);
    int gpu = GpuOf(s.labels);
    if (node.empty() || gpu < 0) continue;
    Last& l = last[node][gpu];
    l.at = std::max(l.at, s.timestamps_ms.back());
    if (s.timestamps_ms.size() < 3) continue;
    std::vector<double> gaps;
    for (size_t i = 1; i < s.timestamps_ms.size(); ++i) {
      // In doubles: the difference of two extreme int64 timestamps overflows int64.
      gaps.push_back(static_cast<double>(s.timestamps_ms[i]) - static_cast<double>(s.timestamps_ms[i - 1]));
    }
    l.step = std::max(l.step, UpperMedian(gaps));
    l.timed = true;
  }
  std::vector<std::pair<std::string, int>> out;
  for (const auto& [node, all] : last) {
    std::vector<std::pair<int, const Last*>> gpus;
    for (const auto& [g, l] : all) {
      if (l.timed) gpus.emplace_back(g, &l);
    }
    if (gpus.size() < 4) continue;
    std::vector<double> ends;
    double step = 0;
    for (const auto& [g, l] : gpus) {
      ends.push_back(static_cast<double>(l->at));
      step = std::max(step, l->step);
    }
    const double med = UpperMedian(ends);
    const double gap = std::max<double>(kStoppedMinGapMs, kStoppedMinIntervals * step);
    std::vector<int> stopped;
    bool peers_agree = true;
    for (const auto& [g, l] : gpus) {
      if (med - static_cast<double>(l->at) >= gap) stopped.push_back(g);
      else if (std::abs(med - static_cast<double>(l->at)) > step) peers_agree = false;
    }
    if (stopped.size() == 1 && peers_agree) out.emplace_back(node, stopped[0]);
  }
  if (out.size() != 1) out.clear();
  return out;
}

// Megatron's NaN check before the data-parallel gradient reduction names the rank, its device and
// its node ("Rank 21: found NaN in local grad norm in backward pass before data-parallel
// communication collective. Device: 5, node: trn-43"; newer versions add "for bucket #0"). When the
// same rank and no other reports it again and again (the run restarted from a checkpoint and hit it
// on the same GPU), the pack's own advice holds: suspect that GPU (silent data corruption), not the
// numerics; a NaN that moves between ranks or is seen once is divergence's. Returns the rank's
// first line, the count, and the device and node the line names (-1 / "" when absent). The copy of
// the exception in torchrun's failure report ("  traceback : Traceback (most recent call last):"
// up to the report's "=====" line, printed when the entry point is wrapped in @record) is the same
// failure again, not a second one: it is not counted.
struct RepeatedNanRank {
  int rank = -1;
  size_t line_index = 0;
  int count = 0;
  int device = -1;
  std::string node;
};
std::optional<RepeatedNanRank> FindRepeatedNanRank(const FlatLogs& flat) {
  static const std::regex kNan(
      R"(\bRank (\d+): found (?:NaN|Inf) in local grad norm\b(?:.*?\bDevice: (\d+), node: ([A-Za-z0-9][A-Za-z0-9._-]*))?)",
      std::regex::icase);
  static const std::regex kReportTraceback(R"(^\s*traceback\s*:\s*Traceback\b)");
  static const std::regex kReportEnd(R"(^\s*(?:={10,}|-{10,}|\[\d+\]:)\s*$)");
  const std::vector<std::string>& lines = flat.lines;
  std::map<int, RepeatedNanRank> by_rank;
  bool in_report = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (i > 0 && i < flat.refs.size() && flat.refs[i].first != flat.refs[i - 1].first) in_report = false;
    if (line.size() <= 400 && line.find("raceback") != std::string::npos &&
        std::regex_search(line, kReportTraceback)) {
      in_report = true;
      continue;
    }
    if (in_report && line.size() <= 400 && std::regex_search(line, kReportEnd)) in_report = false;
    if (in_report || line.size() > 4000 || line.find("in local grad norm") == std::string::npos) continue;
    std::smatch m;
    if (!std::regex_search(line, m, kNan)) continue;
    std::optional<int32_t> rank = ParseInt32(m.str(1));
    if (!rank) continue;
    RepeatedNanRank& r = by_rank[*rank];
    if (r.count++ == 0) {
      r.rank = *rank;
      r.line_index = i;
      if (m[2].matched) r.device = ParseInt32(m.str(2)).value_or(-1);
      if (m[3].matched) r.node = m.str(3);
    }
  }
  if (by_rank.size() != 1 || by_rank.begin()->second.count < 2) return std::nullopt;
  return by_rank.begin()->second;
}

// Whether the paste holds output of a rank other than `rank`: a log named after another rank
// ("node-1/rank0/stdout"), or a line another rank's prefix marks ("[rank9]: ...", "[Rank 9] ..."). Only then
// does "no other rank found NaN" mean anything: a paste of one rank's output (its own log, or
// rank 0's / the last pipeline stage's, which prints the iteration lines for all) shows that rank's
// NaN check alone whatever the cause, divergence and FP16 overflow included.
bool OtherRankOutputShown(const std::vector<CaseLog>& logs, int rank) {
  for (const CaseLog& l : logs) {
    std::smatch m;
    if (std::regex_search(l.source, m, SourceRankRegex())) {
      std::optional<int32_t> own = ParseInt32(m.str(2));
      if (own && *own != rank) return true;
    }
    for (const LogLine& line : l.lines) {
      std::optional<int32_t> writer = WriterRank(line.text);
      if (writer && *writer != rank) return true;
    }
  }
  return false;
}

// A rank's progress as ProcessGroupNCCL prints it: torch 2.2-2.3 "last enqueued NCCL work: 7, last
// completed NCCL work: 6"; torch 2.4+ also "PG status: last enqueued work: 7, last completed work: 6"
// (the watchdog's failure line, RL7: that wording was not read, so the one rank behind went unnamed).
std::vector<Laggard> FindLaggards(const std::vector<std::string>& lines) {
  static const std::regex kProgress(
      R"(rank\]?\s*(\d+)\b.*last enqueued(?: nccl)?(?: work)?:?\s*(\d+).*last completed(?: nccl)?(?: work)?:?\s*(\d+))",
      std::regex::icase);
  std::map<int, std::pair<long, size_t>> enq;  // rank -> (last enqueued, line)
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.size() > 2000 || line.find("nqueued") == std::string::npos) continue;
    std::smatch m;
    if (!std::regex_search(line, m, kProgress)) continue;
    std::optional<int32_t> rank = ParseInt32(m.str(1));
    std::optional<int64_t> enqueued = ParseInt(m.str(2));
    if (!rank || !enqueued) continue;
    enq[*rank] = {static_cast<long>(*enqueued), i};
  }
  std::vector<Laggard> out;
  if (enq.size() < 2) return out;
  // The ranks ahead: the most common number, the highest of equally common ones (with two ranks
  // reporting different numbers, the one further on).
  std::map<long, size_t> count;
  for (const auto& [r, v] : enq) ++count[v.first];
  long mode = 0;
  size_t best = 0;
  for (const auto& [seq, n] : count) {
    if (n >= best) {
      mode = seq;
      best = n;
    }
  }
  size_t behind = 0;
  for (const auto& [r, v] : enq) behind += v.first < mode;
  if (behind == 0 || behind > best || behind > 4) return out;
  for (const auto& [r, v] : enq) {
    if (v.first < mode) out.push_back({r, v.first, mode, best, v.second});
  }
  return out;
}

// Whether the ranks that printed their collective progress (FindLaggards' "last enqueued ... last
// completed" lines) run on two or more nodes and all report the same last enqueued and the same last
// completed work, and the watchdog lines that name a work (WorkNCCL(SeqNum=N, OpType=X) time out on
// one SeqNum in one collective:
// every rank that spoke waits in the same collective, none behind. Ranks that printed only the
// watchdog line count with their nodes (a paste keeps rank 0's progress line and the others'
// watchdog lines; PLC4, realistic18 rl18-26). The hang is then the job's (a
// deadlock in the program, a collective some code path skipped everywhere), not the GPU of whichever
// rank printed first. `node_of`: the node a rank runs on ("" when the layout does not say).
bool SameProgressAcrossNodes(const std::vector<std::string>& lines,
                             const std::function<std::string(int rank)>& node_of) {
  static const std::regex kProgress(
      R"(rank\]?\s*(\d+)\b.*last enqueued(?: nccl)?(?: work)?:?\s*(\d+).*last completed(?: nccl)?(?: work)?:?\s*(\d+))",
      std::regex::icase);
  static const std::regex kSeq(R"(WorkNCCL\(SeqNum=(\d+)(?:,\s*OpType=_?([A-Za-z_]+))?)");
  // The watchdog line's own rank ("[Rank 21] Watchdog caught collective operation timeout").
  static const std::regex kWatchdogRank(R"(\[Rank (\d+)\] Watchdog caught collective operation timeout)");
  std::map<int, std::pair<std::string, std::string>> progress;  // rank -> (enqueued, completed)
  std::set<std::string> seqs, ops;
  std::set<int> waiting;  // ranks whose watchdog line names the work it timed out in
  for (const std::string& line : lines) {
    if (line.size() > 2000) continue;
    std::smatch m;
    if (line.find("WorkNCCL(SeqNum=") != std::string::npos && std::regex_search(line, m, kSeq)) {
      seqs.insert(m.str(1));
      if (m[2].matched) ops.insert(m.str(2));
      std::smatch w;
      if (std::regex_search(line, w, kWatchdogRank)) {
        if (std::optional<int32_t> r = ParseInt32(w.str(1))) waiting.insert(*r);
      }
    }
    if (line.find("nqueued") == std::string::npos || !std::regex_search(line, m, kProgress)) continue;
    std::optional<int32_t> rank = ParseInt32(m.str(1));
    if (!rank) continue;
    progress[*rank] = {m.str(2), m.str(3)};
  }
  // Ranks at one SeqNum in different collectives (one rank in a BROADCAST while the rest are in an
  // ALLREDUCE) are a mismatch: the odd rank's code path, not the job's.
  if (seqs.size() > 1 || ops.size() > 1) return false;
  std::set<std::pair<std::string, std::string>> distinct;
  std::set<std::string> nodes;
  for (const auto& [rank, p] : progress) {
    distinct.insert(p);
    if (std::string node = node_of(rank); !node.empty()) nodes.insert(node);
  }
  // Ranks that printed only the watchdog line (a job's log keeps one rank's progress line, or none)
  // wait at that one SeqNum too: with their nodes, they show the whole job at one collective.
  for (int rank : waiting) {
    if (std::string node = node_of(rank); !node.empty()) nodes.insert(node);
  }
  if (progress.size() < 2 && waiting.size() < 2) return false;
  return distinct.size() <= 1 && nodes.size() >= 2;
}

std::vector<SilentRank> FindSilentRanks(
    const std::vector<CaseLog>& logs, const std::set<std::string>& gathered,
    const std::function<std::optional<int>(const std::string& source, const std::string& line)>& writer) {
  static const FilteredRegex kThread(R"(^\s*Thread (?:0x)?[0-9a-fA-F]+ \((?:active|idle)[^)]*\))", /*icase=*/false);
  static const FilteredRegex kFrame(R"(^\s+[A-Za-z_<][\w<>.]*\s+\([^()]*\.py:\d+\)\s*$)", /*icase=*/false);
  static const FilteredRegex kGdbFrame(R"(^#\d+\s+0x[0-9a-f]+ in )", /*icase=*/false);
  static const FilteredRegex kTimeout(R"(watchdog|timed? ?out|timing out)", /*icase=*/true);
  static const FilteredRegex kLineRank(R"(\[\s*rank\s*(\d+)\s*\])", /*icase=*/true);
  // `ps` output: a process stopped (T) or stopped under a tracer (t, gdb/py-spy attached) with the
  // local rank on its command line.
  static const FilteredRegex kStopped(R"(^\s*\d+\s+[tT][a-zA-Z+<]*\s.*--local[_-]rank[= ](\d+)\b)", /*icase=*/false);
  std::set<int> waiters;
  std::vector<SilentRank> candidates;
  for (size_t li = 0; li < logs.size(); ++li) {
    const CaseLog& l = logs[li];
    std::smatch m;
    int source_rank = std::regex_search(l.source, m, SourceRankRegex()) ? ParseInt32(m.str(2)).value_or(-1) : -1;
    // A gathered log: each writer's lines are that rank's own log (PF).
    if (gathered.count(l.source) && writer) {
      std::map<int, std::pair<bool, size_t>> writers;  // rank -> (wrote a timeout, its last line)
      for (size_t ki = 0; ki < l.lines.size(); ++ki) {
        const std::string& text = l.lines[ki].text;
        if (text.size() > 2000) continue;
        std::optional<int> w = writer(l.source, text);
        bool timed_out = kTimeout.Search(text);
        if (timed_out && kLineRank.Search(text, m)) {
          if (auto r = ParseInt32(m.str(1))) waiters.insert(*r);
        } else if (timed_out && w) {
          waiters.insert(*w);
        }
        if (!w) continue;
        auto& [timeout_seen, last] = writers[*w];
        timeout_seen = timeout_seen || timed_out;
        last = ki;
      }
      for (const auto& [rank, seen_last] : writers) {
        if (!seen_last.first) candidates.push_back({rank, -1, li, seen_last.second, "silent"});
      }
      continue;
    }
    size_t frames = 0;
    bool thread = false, timeout = false;
    for (size_t ki = 0; ki < l.lines.size(); ++ki) {
      const std::string& text = l.lines[ki].text;
      if (text.size() > 2000) continue;
      if (kThread.Search(text)) thread = true;
      if (kFrame.Search(text) || kGdbFrame.Search(text)) ++frames;
      std::optional<int32_t> stopped_rank;
      if (kStopped.Search(text, m) && (stopped_rank = ParseInt32(m.str(1)))) {
        candidates.push_back({-1, *stopped_rank, li, ki, "stopped"});
      }
      if (kTimeout.Search(text)) {
        if (kLineRank.Search(text, m)) {
          if (auto r = ParseInt32(m.str(1))) waiters.insert(*r);  // a rank too large to be one: no waiter
        } else if (source_rank >= 0) {
          waiters.insert(source_rank);
        }
        timeout = timeout || source_rank >= 0;
      }
    }
    if (source_rank >= 0 && !timeout && !l.lines.empty()) {
      candidates.push_back({source_rank, -1, li, l.lines.size() - 1, thread || frames >= 3 ? "dumped" : "silent"});
    }
  }
  std::vector<SilentRank> out;
  if (waiters.empty()) return out;
  std::set<int> seen;
  for (const SilentRank& s : candidates) {
    if (s.rank >= 0 && (waiters.count(s.rank) || !seen.insert(s.rank).second)) continue;
    out.push_back(s);
  }
  if (out.size() > 2) out.clear();
  return out;
}

namespace {

// ---- relative comparison: a GPU or node that slowed down while its peers did not ----------------


// Series whose meaning has a "slow" direction: a lower SM clock / tensor activity / utilisation,
// a higher host load. A series counts as an outlier when, over the last third of its samples, it
// is at least kPeerDeviation worse than the median of its peers (same metric, other GPUs or
// nodes), it got at least kPeerDeviation worse than its own first quarter (a change, not a slower
// SKU), and the outliers are at most half of the series. A series near zero is a dead device,
// not a slow one, and is left to the faults that kill devices.
struct PeerOutlier {
  const TimeSeries* series;
  double recent;      // median of the last third
  double peers;       // median of the other series' recent values
  int64_t onset_ms;   // first sample of the last third
  bool host_level;    // a node metric (no GPU)
};

std::vector<PeerOutlier> FindPeerOutliers(const std::vector<TimeSeries>& series) {
  constexpr double kPeerDeviation = 0.15;
  struct Kind {
    const char* name;
    int worse;  // -1: lower is slower, +1: higher is slower
    bool host_level;
  };
  static const Kind kKinds[] = {
      {"DCGM_FI_DEV_SM_CLOCK", -1, false},          {"DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", -1, false},
      {"DCGM_FI_PROF_SM_ACTIVE", -1, false},        {"DCGM_FI_DEV_GPU_UTIL", -1, false},
      {"node_load1", +1, true},                     {"node_load5", +1, true},
  };
  std::vector<PeerOutlier> out;
  std::vector<std::pair<std::vector<const TimeSeries*>, Kind>> groups;
  for (const Kind& k : kKinds) {
    std::vector<const TimeSeries*> group;
    for (const TimeSeries& s : series) {
      if (s.name == k.name && s.size() >= 6 && !s.labels.count("snapshot")) group.push_back(&s);
    }
    groups.emplace_back(std::move(group), k);
  }
  // A training exporter's per-rank time (RL7: `train_rank_compute_seconds{rank="24"}`, a step or
  // compute time per rank): a series named in seconds with a rank label, higher is slower. Peers are
  // the series of that name whose other labels are the same but for where the rank runs (RV-RL7: a
  // Summary's quantile="0.99" series are not the p50's peers, nor one job's ranks another job's; with
  // the name alone, a job-wide p99 rise or a second, slower job read as stragglers).
  static const std::set<std::string> kWhere = {"rank",     "local_rank", "node", "instance", "pod",
                                               "Hostname", "hostname",   "host", "gpu",      "UUID"};
  std::map<std::string, std::vector<const TimeSeries*>> per_rank;
  std::map<std::string, std::string> name_of;
  for (const TimeSeries& s : series) {
    if (s.size() >= 6 && !s.labels.count("snapshot") && s.labels.count("rank") && s.name.size() > 8 &&
        s.name.ends_with("_seconds")) {
      std::string key = s.name;
      for (const auto& [k, v] : s.labels) {
        if (kWhere.count(k)) continue;
        key += '\x1f';
        key += k;
        key += '=';
        key += v;
      }
      per_rank[key].push_back(&s);
      name_of[key] = s.name;
    }
  }
  for (auto& [key, group] : per_rank) {
    if (group.size() >= 3) groups.emplace_back(std::move(group), Kind{name_of[key].c_str(), +1, false});
  }
  for (auto& [group, k] : groups) {
    if (group.size() < 2) continue;
    std::vector<double> recent, base;
    std::vector<int64_t> onset;
    for (const TimeSeries* s : group) {
      size_t n = s->size(), third = n - n / 3;
      recent.push_back(UpperMedian(std::vector<double>(s->values.begin() + third, s->values.end())));
      base.push_back(UpperMedian(std::vector<double>(s->values.begin(), s->values.begin() + std::max<size_t>(1, n / 4))));
      onset.push_back(s->timestamps_ms[third]);
    }
    std::vector<PeerOutlier> found;
    for (size_t i = 0; i < group.size(); ++i) {
      std::vector<double> others;
      for (size_t j = 0; j < group.size(); ++j) {
        if (j != i) others.push_back(recent[j]);
      }
      double peers = UpperMedian(others);
      if (peers <= 0 || base[i] <= 0) continue;
      if (recent[i] <= 0.05 * peers) continue;  // stopped, not slow
      double vs_peers = k.worse * (recent[i] - peers) / peers;
      double vs_self = k.worse * (recent[i] - base[i]) / base[i];
      if (vs_peers >= kPeerDeviation && vs_self >= kPeerDeviation) {
        found.push_back({group[i], recent[i], peers, onset[i], k.host_level});
      }
    }
    if (!found.empty() && 2 * found.size() <= group.size()) out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

// node_exporter's and cAdvisor's CPU series of one node against the job's other nodes (RG3): the
// host-side straggler's cause read from metrics, as FindCpuHog reads it from `top`. Each measure is
// the node's mean over the last third of its samples (a counter's rate over that span; a counter
// that fell, a reset, is not read), and a node stands out only when its figure is high in itself
// and well above its peers' median (the other nodes with the same measure; none: not read):
//  - CPU busy: (user + nice + system + irq + softirq + steal) / the node's CPUs >= 0.90, and at
//    least 0.20 above the peers (the cores the ranks launch kernels from are all taken);
//  - steal: steal / CPUs >= 0.10, 0.05 above and twice the peers (a hypervisor's other tenants);
//  - iowait: iowait / CPUs >= 0.20, 0.10 above and twice the peers;
//  - load per CPU: node_load1 / CPUs >= 1.5 (the pack's figure), 0.5 above and 1.5x the peers;
//  - CPU pressure: rate(node_pressure_cpu_waiting_seconds_total) >= 0.25 (some task waits for a
//    CPU a quarter of the time), 0.10 above and twice the peers;
//  - CFS throttling: rate(container_cpu_cfs_throttled_seconds_total), summed over the node's
//    containers, >= 0.5 s/s (the pack's figure), 0.25 above and twice the peers;
//  - CFS throttled periods (PLC13): the share of a container's CFS periods in which its quota ran
//    out, rate(container_cpu_cfs_throttled_periods_total) / rate(container_cpu_cfs_periods_total)
//    (without the periods series: throttled periods per second x the kernel's default 100 ms
//    period, at most 1), the job container most throttled on the node, >= 0.25, 0.20 above and
//    twice the peers. Throttled in half its periods or more, the container's own quota is what
//    slows its ranks (`direct`: the cause measured, as a slow CPU clock is).
// The node's CPUs are the distinct `cpu` labels of its node_cpu_seconds_total series, or, without
// them, the sum of every mode's rate (the idle mode among them). A node merely busier than its
// peers by a small margin, or busy like them (a job-wide load: input pipelines on every node), is
// not read.
struct HostCpuPressure {
  std::string node;           // as the series' labels name it
  std::vector<std::string> what;  // "steal 0.31 of its CPUs (peers 0.01)", ...
  std::string series;         // one series that shows it
  int64_t onset_ms = 0;       // the window's first sample
  bool direct = false;        // CFS-throttled in half its periods or more (PLC13)
};

// A cAdvisor series' container name: its `container` label, else the older `container_name`;
// nullopt when it has neither (nothing tells whose it is).
std::optional<std::string> ContainerOf(const Labels& labels) {
  for (const char* key : {"container", "container_name"}) {
    if (auto it = labels.find(key); it != labels.end()) return it->second;
  }
  return std::nullopt;
}

// Whether a cAdvisor series `s` is a DaemonSet pod's container (a log shipper, dcgm-exporter,
// node-exporter: one pod on every node, never the job's workload; RG6). Read from what the series
// carry: the series' own `created_by_kind` / `owner_kind` label (kube-state-metrics' kube_pod_info /
// kube_pod_owner joined in by a recording rule), else a kube_pod_owner series in the case with
// `owner_kind="DaemonSet"` (or a kube_pod_info with `created_by_kind="DaemonSet"`) for the series'
// pod (`pod`, the older `pod_name`), in its namespace when both name one. Nothing else (a namespace's
// or container's name) is read as ownership.
bool DaemonSetSeries(const std::vector<TimeSeries>& series, const TimeSeries& s) {
  for (const char* key : {"created_by_kind", "owner_kind"}) {
    if (auto it = s.labels.find(key); it != s.labels.end()) return it->second == "DaemonSet";
  }
  auto label = [](const Labels& l, std::initializer_list<const char*> keys) {
    for (const char* k : keys) {
      if (auto it = l.find(k); it != l.end() && !it->second.empty()) return it->second;
    }
    return std::string();
  };
  const std::string pod = label(s.labels, {"pod", "pod_name"});
  if (pod.empty()) return false;
  const std::string ns = label(s.labels, {"namespace"});
  for (const TimeSeries& t : series) {
    const char* kind_key = t.name == "kube_pod_owner" ? "owner_kind" : t.name == "kube_pod_info" ? "created_by_kind" : nullptr;
    if (kind_key == nullptr || label(t.labels, {"pod"}) != pod) continue;
    const std::string tns = label(t.labels, {"namespace"});
    if (!ns.empty() && !tns.empty() && ns != tns) continue;
    if (label(t.labels, {kind_key}) == "DaemonSet") return true;
  }
  return false;
}

// `job_nodes`: the nodes the job runs on (the topology's nodes, its ranks' nodes; RV-RG3). When
// known, only their series are read: a peer median taken over the metrics of idle spare nodes or of
// another job's nodes makes a job-wide load (every node of the job busy loading data) look like
// the slow node's own. Empty: every node the series name.
// CFS throttling slows only the container throttled (RV-RG3): it is read per container (cAdvisor's
// `container` / `container_name` label; the pod's own cgroup "" and the pause container "POD" are
// not, they repeat or hold nothing), and only for a container name every compared node runs (the
// job's workload on each of its nodes), not another pod's container that runs on one node only.
std::vector<HostCpuPressure> FindHostCpuPressure(const std::vector<TimeSeries>& series,
                                                 const std::vector<std::string>& job_nodes = {}) {
  struct Window {
    double rate = 0;   // counter: per second over the window; gauge: the window's median
    int64_t onset = 0;
    bool ok = false;
  };
  auto window_of = [](const TimeSeries& s, bool counter) {
    Window w;
    const size_t n = s.size();
    if (n < 3 || s.values.size() != n) return w;
    const size_t first = n - std::max<size_t>(2, n / 3);
    w.onset = s.timestamps_ms[first];
    if (counter) {
      const double dt = (static_cast<double>(s.timestamps_ms[n - 1]) - static_cast<double>(s.timestamps_ms[first])) / 1000.0;
      const double dv = s.values[n - 1] - s.values[first];
      if (!(dt > 0) || !(dv >= 0) || !std::isfinite(dv)) return w;
      w.rate = dv / dt;
    } else {
      std::vector<double> v(s.values.begin() + first, s.values.end());
      w.rate = UpperMedian(v);
      if (!std::isfinite(w.rate)) return w;
    }
    w.ok = true;
    return w;
  };
  // node -> mode -> summed rate; node -> cpus; node -> measure -> (value, onset, series id)
  std::map<std::string, std::map<std::string, double>> mode_rate;
  std::map<std::string, std::set<std::string>> cpus;
  std::map<std::string, int64_t> cpu_onset;
  std::map<std::string, std::string> cpu_series;
  std::map<std::string, std::pair<double, std::string>> load, psi, throttled;
  std::map<std::string, std::map<std::string, std::pair<double, std::string>>> throttled_by;  // node -> container
  struct Periods {
    double throttled = 0, periods = 0;  // per second
    bool seen = false;                  // a throttled-periods series
    std::string series;
    int64_t onset = 0;
  };
  std::map<std::string, std::map<std::string, Periods>> periods_by;  // node -> container
  std::map<std::string, int64_t> onset_of;
  for (const TimeSeries& s : series) {
    if (s.labels.count("snapshot")) continue;
    const bool cpu = s.name == "node_cpu_seconds_total";
    const bool is_load = s.name == "node_load1";
    const bool is_psi = s.name == "node_pressure_cpu_waiting_seconds_total";
    const bool is_thr = s.name == "container_cpu_cfs_throttled_seconds_total";
    const bool is_thr_periods = s.name == "container_cpu_cfs_throttled_periods_total";
    const bool is_periods = s.name == "container_cpu_cfs_periods_total";
    if (!cpu && !is_load && !is_psi && !is_thr && !is_thr_periods && !is_periods) continue;
    const std::string node = NodeOf(s.labels);
    if (node.empty()) continue;
    if (!job_nodes.empty() &&
        std::none_of(job_nodes.begin(), job_nodes.end(), [&](const std::string& j) { return SameNodeName(j, node); }))
      continue;
    const Window w = window_of(s, !is_load);
    if (!w.ok) continue;
    if (cpu) {
      auto mode = s.labels.find("mode");
      if (mode == s.labels.end()) continue;
      mode_rate[node][mode->second] += w.rate;
      if (auto c = s.labels.find("cpu"); c != s.labels.end()) cpus[node].insert(c->second);
      cpu_onset[node] = w.onset;
      if (mode->second == "steal" || mode->second == "user" || cpu_series[node].empty()) cpu_series[node] = s.id();
    } else if (is_load) {
      load[node] = {w.rate, s.id()};
      onset_of[node] = w.onset;
    } else if (is_psi) {
      psi[node] = {w.rate, s.id()};
      onset_of[node] = w.onset;
    } else {
      const std::optional<std::string> label = ContainerOf(s.labels);
      const std::string container = label.value_or("");
      if (label && (container.empty() || container == "POD")) continue;
      if (DaemonSetSeries(series, s)) continue;  // not the job's workload (RG6)
      if (is_thr_periods || is_periods) {
        auto& t = periods_by[node][container];
        (is_periods ? t.periods : t.throttled) += w.rate;
        if (is_thr_periods) {
          t.seen = true;
          if (t.series.empty()) t.series = s.id();
          // When the throttling began: by the first sample the counter rose at, after the one before
          // it; the earliest it can have begun is that sample's time (against a symptom seen from
          // the series' first sample, such as a low GPU utilisation, the two are then not ordered).
          for (size_t k = 1; k < s.size() && k < s.values.size(); ++k) {
            if (s.values[k] > s.values[k - 1]) {
              t.onset = s.timestamps_ms[k - 1];
              break;
            }
          }
        }
        continue;
      }
      auto& t = throttled_by[node][container];
      t.first += w.rate;
      if (t.second.empty()) t.second = s.id();
      onset_of[node] = w.onset;
    }
  }
  // The container names every node with throttling series runs; each node's sum over those.
  std::map<std::string, int> runs_on;
  for (const auto& [node, by_container] : throttled_by) {
    for (const auto& [container, v] : by_container) ++runs_on[container];
  }
  for (const auto& [node, by_container] : throttled_by) {
    for (const auto& [container, v] : by_container) {
      if (runs_on[container] != static_cast<int>(throttled_by.size())) continue;
      auto& t = throttled[node];
      t.first += v.first;
      if (t.second.empty()) t.second = v.second;
    }
  }
  // measure -> node -> (value, series)
  std::map<std::string, std::map<std::string, std::pair<double, std::string>>> measures;
  std::map<std::string, double> ncpu;
  for (const auto& [node, modes] : mode_rate) {
    double n = static_cast<double>(cpus[node].size());
    if (n == 0) {
      if (!modes.count("idle")) continue;
      for (const auto& [m, r] : modes) n += r;
    }
    if (!(n > 0)) continue;
    ncpu[node] = n;
    auto rate = [&](const char* m) {
      auto it = modes.find(m);
      return it == modes.end() ? 0.0 : it->second;
    };
    const std::string& id = cpu_series[node];
    if (modes.count("user") || modes.count("system"))
      measures["CPU busy"][node] = {(rate("user") + rate("nice") + rate("system") + rate("irq") + rate("softirq") +
                                     rate("steal")) / n, id};
    if (modes.count("steal")) measures["steal"][node] = {rate("steal") / n, id};
    if (modes.count("iowait")) measures["iowait"][node] = {rate("iowait") / n, id};
    onset_of.emplace(node, cpu_onset[node]);
  }
  for (const auto& [node, v] : load) {
    // Load against the node's own CPU count; a node whose CPUs are not known is not compared.
    if (auto it = ncpu.find(node); it != ncpu.end()) measures["load per CPU"][node] = {v.first / it->second, v.second};
  }
  for (const auto& [node, v] : psi) measures["CPU pressure"][node] = v;
  for (const auto& [node, v] : throttled) measures["CFS throttled s/s"][node] = v;
  {
    // The container names every node with throttled-periods series runs; each node's most throttled.
    constexpr double kDefaultCfsPeriodS = 0.1;
    std::map<std::string, int> runs;
    size_t nodes_seen = 0;
    for (const auto& [node, by_container] : periods_by) {
      bool any = false;
      for (const auto& [container, p] : by_container) {
        if (p.seen) ++runs[container], any = true;
      }
      nodes_seen += any ? 1 : 0;
    }
    std::map<std::string, int64_t> period_onset;
    for (const auto& [node, by_container] : periods_by) {
      for (const auto& [container, p] : by_container) {
        if (!p.seen || runs[container] != static_cast<int>(nodes_seen)) continue;
        const double share = p.periods > 0 ? p.throttled / p.periods : std::min(1.0, p.throttled * kDefaultCfsPeriodS);
        if (!std::isfinite(share)) continue;
        auto it = measures["CFS throttled periods"].find(node);
        if (it == measures["CFS throttled periods"].end() || share > it->second.first) {
          measures["CFS throttled periods"][node] = {share, p.series};
          if (p.onset > 0) period_onset[node] = p.onset;
        }
      }
    }
    for (const auto& [node, t] : period_onset) onset_of.emplace(node, t);
  }
  struct Bar {
    double min, margin, ratio;
  };
  static const std::map<std::string, Bar> kBars = {
      {"CPU busy", {0.90, 0.20, 0}},      {"steal", {0.10, 0.05, 2}},         {"iowait", {0.20, 0.10, 2}},
      {"load per CPU", {1.5, 0.5, 1.5}},  {"CPU pressure", {0.25, 0.10, 2}},  {"CFS throttled s/s", {0.5, 0.25, 2}},
      {"CFS throttled periods", {0.25, 0.20, 2}},
  };
  std::map<std::string, HostCpuPressure> by_node;
  for (const auto& [measure, nodes] : measures) {
    if (nodes.size() < 2) continue;
    const Bar& bar = kBars.at(measure);
    for (const auto& [node, v] : nodes) {
      std::vector<double> others;
      for (const auto& [other, ov] : nodes) {
        if (other != node) others.push_back(ov.first);
      }
      const double peers = UpperMedian(others);
      if (!(v.first >= bar.min) || !(v.first - peers >= bar.margin) || (bar.ratio > 0 && !(v.first >= bar.ratio * peers)))
        continue;
      HostCpuPressure& p = by_node[node];
      p.node = node;
      char buf[160];
      std::snprintf(buf, sizeof buf, "%s %.2f (peers' median %.2f)", measure.c_str(), v.first, peers);
      p.what.push_back(buf);
      if (p.series.empty()) p.series = v.second;
      p.onset_ms = onset_of[node];
      if (measure == "CFS throttled periods" && v.first >= 0.5) p.direct = true;
    }
  }
  std::vector<HostCpuPressure> out;
  for (auto& [node, p] : by_node) out.push_back(std::move(p));
  return out;
}

// The job's nodes a host-side series of one node is compared against (FindHostCpuPressure,
// FindSlowCpuClocks): the topology's list, else its ranks' nodes; fewer than 2 known: none, and the
// readers compare every node the series name (a partial list would leave the slow node without peers).
std::vector<std::string> JobPeerNodes(const Topology& topo) {
  std::set<std::string> job_set(topo.node_order.begin(), topo.node_order.end());
  if (job_set.size() < 2) {
    for (const auto& [rank, hint] : topo.ranks) {
      if (!hint.node.empty()) job_set.insert(hint.node);
    }
  }
  std::vector<std::string> job_nodes;
  if (job_set.size() >= 2) job_nodes.assign(job_set.begin(), job_set.end());
  return job_nodes;
}

// node_exporter's cpufreq collector (node_cpu_scaling_frequency_hertz, node_cpu_frequency_hertz, or a
// recording rule's per-node aggregate of them) of one node against the job's other nodes: a node
// whose CPUs run at kSlowCpuClockRatio or less of its peers' clock (a "powersave" governor or a
// power profile left by a BIOS update, a BMC power cap) launches its ranks' kernels late and is the
// job's straggler, whatever its GPUs show. Each node's figure is the median over its CPUs of each
// series' median over the last third of its samples; the peers are the other nodes with the
// series; slow nodes must be at most half of the nodes compared (a job-wide low clock is the
// cluster's setting, not one node's fault). `job_nodes` as for FindHostCpuPressure.
struct SlowCpuClock {
  std::string node;    // as the series' labels name it
  double hz = 0;       // the node's figure
  double peers_hz = 0; // the peers' median
  std::string series;  // one series of the node
  int64_t onset_ms = 0;
};

constexpr double kSlowCpuClockRatio = 0.6;

std::vector<SlowCpuClock> FindSlowCpuClocks(const std::vector<TimeSeries>& series,
                                            const std::vector<std::string>& job_nodes = {}) {
  std::map<std::string, std::vector<double>> per_cpu;  // node -> each series' recent median
  std::map<std::string, const TimeSeries*> first;  // node -> its first series
  for (const TimeSeries& s : series) {
    if (s.labels.count("snapshot")) continue;
    if (s.name.find("node_cpu_scaling_frequency_hertz") == std::string::npos &&
        s.name.find("node_cpu_frequency_hertz") == std::string::npos)
      continue;
    const size_t n = s.size();
    if (n < 3 || s.values.size() != n) continue;
    const std::string node = NodeOf(s.labels);
    if (node.empty()) continue;
    if (!job_nodes.empty() &&
        std::none_of(job_nodes.begin(), job_nodes.end(), [&](const std::string& j) { return SameNodeName(j, node); }))
      continue;
    const size_t from = n - std::max<size_t>(2, n / 3);
    std::vector<double> v;
    for (size_t i = from; i < n; ++i) {
      if (std::isfinite(s.values[i]) && s.values[i] > 0) v.push_back(s.values[i]);
    }
    if (v.empty()) continue;
    per_cpu[node].push_back(UpperMedian(v));
    if (!first.count(node)) first[node] = &s;
  }
  std::map<std::string, double> fig;
  for (const auto& [node, v] : per_cpu) fig[node] = UpperMedian(v);
  std::vector<SlowCpuClock> out;
  if (fig.size() < 2) return out;
  for (const auto& [node, hz] : fig) {
    std::vector<double> others;
    for (const auto& [other, ohz] : fig) {
      if (other != node) others.push_back(ohz);
    }
    const double peers = UpperMedian(others);
    if (!(peers > 0 && hz <= kSlowCpuClockRatio * peers)) continue;
    // Since when: the first sample of the run of low samples that ends the series (a clock is a
    // state; it was low before the symptoms it causes were measured).
    const TimeSeries& f = *first[node];
    size_t since = f.size();
    while (since > 0 && std::isfinite(f.values[since - 1]) && f.values[since - 1] <= kSlowCpuClockRatio * peers) --since;
    if (since == f.size()) since = f.size() - 1;
    out.push_back({node, hz, peers, f.id(), f.timestamps_ms[since]});
  }
  if (2 * out.size() > fig.size()) out.clear();
  return out;
}

}  // namespace

// A line (or the alert's summary) that names the slow participant: "stragglers detected: ranks
// 16-23 on node-4", "rank 10 slowest in 44/50 steps", "allreduce wait dominated by rank 13".
// Returns the ranks it names (a range expanded, at most 64) and the node it names, if any.
namespace {

std::optional<SlowMention> SlowMentionInText(const std::string& line, const CaseNodes& names) {
  static const FilteredRegex kSlow(
      R"(\bstraggl\w*|\bslowest\b|\bslow(er)? (rank|gpu|node|worker|host)s?\b|\bdominated by\b|\blagging\b)",
      /*icase=*/true);
  // "rank 16-23 report the max forward-backward time": the ranks named with the longest time. A
  // regex apart from kSlow (the line is slow when either matches): its prefilter literal is
  // "time"/"latency"/"duration", on every Megatron line ("elapsed time per iteration"), so the
  // "the" that every match also holds is checked first.
  static const FilteredRegex kSlowMax(
      R"(\b(?:report|reports|has|have|had|with|show|shows)\s+the\s+(?:max|maximum|highest|longest)\s+[\w-]{0,30}\s*(?:time|latency|duration)s?\b)",
      /*icase=*/true);
  // "ranks 8-15", "rank=3"; with what they were ranked by before a colon (PLC13): "slowest ranks by
  // step time: 8-15", "slow ranks in fwd-bwd: 8-15" (without it the line's own "[rank0]:" prefix,
  // the reporter, was read as the slow rank).
  static const FilteredRegex kRanks(
      R"(\branks?(?:\s+(?:by|in|over)\s+[A-Za-z_ -]{1,30}?\s*[=:]|\s*[=:#]?)\s*(\d+)(?:\s*(?:-|\.\.|to)\s*(\d+))?)", /*icase=*/true);
  // A line that compares one rank's time with its peers' ("rank 10 optimizer_step 1991 ms, others
  // 655-702 ms", "rank 3: 840 ms vs median 410 ms"): the rank is slow when its figure is at least
  // kSlowRatio x the peers' (upper) figure, whatever the timer is called.
  static const FilteredRegex kVersus(
      R"(\brank\s*[=:#]?\s*(\d+)\b[^0-9]{0,40}?(\d+(?:\.\d+)?)\s*(ms|s|us|sec|seconds)?\b[^0-9]{0,30}?)"
      R"(\b(?:others?|rest|peers?|median|mean|avg|average|vs\.?|versus)\b[^0-9]{0,20}?(\d+(?:\.\d+)?))"
      R"((?:\s*(?:-|\.\.|to)\s*(\d+(?:\.\d+)?))?)",
      /*icase=*/true);
  // The same comparison printed as a distribution ("p50 1712, max 2331 (rank 10)"; JAX and MPI
  // programs call a rank a process: "p50 0.21s max 0.98s (process 13)", RG19; "fwd-bwd median 1.21 s;
  // max 2.30 s on rank 27", RG22) or as a ratio
  // ("rank 10 step time p50 1.36x of job median").
  static const FilteredRegex kMaxOfRank(
      R"(\b(?:p50|median|mean|avg)\s*[:=]?\s*(\d+(?:\.\d+)?)[^0-9]{0,20}?\bmax\s*[:=]?\s*(\d+(?:\.\d+)?)\s*(?:ms|s)?\s*(?:\(|(?:on|at|by|from)\s)?\s*(?:rank|process)\s*[=:#]?\s*(\d+))",
      /*icase=*/true);
  static const FilteredRegex kRatio(
      R"(\brank\s*[=:#]?\s*(\d+)\b[^0-9]{0,40}?(?:p\d+\s+)?(\d+(?:\.\d+)?)\s*x\s+(?:of|the|vs\.?|over)\b[^0-9]{0,20}?\b(?:median|mean|avg|average|others|peers|baseline)\b)",
      /*icase=*/true);
  // A participant is slow at 1.25 x its peers (the peer-metric comparison uses 15%).
  constexpr double kSlowRatio = 1.25;
  if (line.size() > 2000) return std::nullopt;
  std::smatch v;
  auto rank_only = [](int rank) {
    SlowMention m;
    m.ranks.push_back(rank);
    return m;
  };
  // Megatron-core's StragglerDetector report: the fastest and slowest rank's round-trip time
  // ("MnRtt/Rnk: 811.4ms/3 | MxRtt/Rnk: 1473.9ms/14"): the slowest rank is slow when its time is
  // kSlowRatio x the fastest's (a per-rank min/max; no median is printed).
  static const FilteredRegex kMinMaxRtt(
      R"(\bMnRtt/Rnk:\s*(\d+(?:\.\d+)?)\s*(ms|s|us)?\s*/\s*(\d+)\b.*?\bMxRtt/Rnk:\s*(\d+(?:\.\d+)?)\s*(ms|s|us)?\s*/\s*(\d+)\b)", /*icase=*/false);
  // A collective's wait split by rank: the ranks that wait long wait for the one that waits least
  // ("reduce_scatter wait 0.31s avg on ranks 1-23 (rank 0: 0.02s)", "allreduce wait 820 ms on
  // ranks 8-15, rank 2 3 ms"): the participant that arrives last waits for nobody. A rank inside
  // the waiting range names no one.
  static const FilteredRegex kWaitSplit(
      R"(\bwait\w*\b[^0-9]{0,30}?(\d+(?:\.\d+)?)\s*(ms|s|us)?\b[^0-9]{0,30}?\branks\s*(\d+)\s*(?:-|\.\.|to)\s*(\d+)\b[^0-9]{0,6}?\brank\s*(\d+)\s*[:=]?\s*(\d+(?:\.\d+)?)\s*(ms|s|us)?)",
      /*icase=*/true);
  constexpr double kWaitRatio = 4.0;  // waits are noisy: the late rank waits a fraction of the others'
  // A figure in seconds from its unit ("ms", "us"; "s" or none: seconds).
  auto in_seconds = [](std::optional<double> x, const std::string& unit) -> std::optional<double> {
    if (!x) return x;
    if (unit == "ms") return *x / 1e3;
    if (unit == "us") return *x / 1e6;
    return x;
  };
  if (line.find("MxRtt") != std::string::npos && kMinMaxRtt.Search(line, v)) {
    // Each time in its own unit ("MnRtt/Rnk: 900.0ms/3 | MxRtt/Rnk: 1.5s/14"); one printed
    // without a unit is in the other's.
    std::string fast_unit = v.str(2), slow_unit = v.str(5);
    if (fast_unit.empty()) fast_unit = slow_unit;
    if (slow_unit.empty()) slow_unit = fast_unit;
    std::optional<double> fastest = in_seconds(ParseDouble(v.str(1)), fast_unit);
    std::optional<double> slowest = in_seconds(ParseDouble(v.str(4)), slow_unit);
    std::optional<int32_t> rank = ParseInt32(v.str(6));
    if (fastest && slowest && rank && *fastest > 0 && *slowest >= kSlowRatio * *fastest) return rank_only(*rank);
    return std::nullopt;
  }
  // A per-rank min/max pair ("straggler detector: min/max fwd-bwd time across ranks 2871.3 ms (rank
  // 12) / 4140.7 ms (rank 45)", "min/max GPU util across ranks 61% (rank 19) / 98% (rank 2)"): a
  // time's max is the slow rank, a rate's (util, throughput, clock, flops) min; slow when the max is
  // kSlowRatio x the min. Other measures (temperature, power) name no one here. Read before the
  // rank list below, which took "ranks 2871" for rank 2871 (review RV-P2).
  static const FilteredRegex kMinMaxPair(
      R"(\bmin\s*/\s*max\b([^()0-9]{0,60})(\d+(?:\.\d+)?)\s*(ms|s|us|%)?\s*\(\s*rank\s*(\d+)\s*\)\s*/\s*(\d+(?:\.\d+)?)\s*(ms|s|us|%)?\s*\(\s*rank\s*(\d+)\s*\))",
      /*icase=*/true);
  if (ContainsNoCase(line, "min") && kMinMaxPair.Search(line, v)) {
    const std::string what = AsciiLower(v.str(1));
    bool rate = false, time = false;
    for (const char* w : {"util", "throughput", "clock", "flops", "tokens", "samples", "mfu", "bandwidth"}) {
      rate = rate || what.find(w) != std::string::npos;
    }
    for (const char* w : {"time", "latency", "duration", "rtt", "wait"}) time = time || what.find(w) != std::string::npos;
    std::string min_unit = AsciiLower(v.str(3)), max_unit = AsciiLower(v.str(6));
    if (min_unit.empty()) min_unit = max_unit;
    if (max_unit.empty()) max_unit = min_unit;
    std::optional<double> lo = ParseDouble(v.str(2)), hi = ParseDouble(v.str(5));
    if (min_unit != "%") lo = in_seconds(lo, min_unit);
    if (max_unit != "%") hi = in_seconds(hi, max_unit);
    std::optional<int32_t> lo_rank = ParseInt32(v.str(4)), hi_rank = ParseInt32(v.str(7));
    if (rate == time || !lo || !hi || !lo_rank || !hi_rank || *lo <= 0 || *hi < kSlowRatio * *lo) return std::nullopt;
    return rank_only(time ? *hi_rank : *lo_rank);
  }
  if (ContainsNoCase(line, "wait") && kWaitSplit.Search(line, v)) {
    std::string group_unit = AsciiLower(v.str(2)), own_unit = v[7].matched ? AsciiLower(v.str(7)) : group_unit;
    std::optional<double> group = in_seconds(ParseDouble(v.str(1)), group_unit);
    std::optional<double> own = in_seconds(ParseDouble(v.str(6)), own_unit);
    std::optional<int32_t> first = ParseInt32(v.str(3)), last = ParseInt32(v.str(4)), rank = ParseInt32(v.str(5));
    // A reversed range ("ranks 23-1") is no range, as in the rank list below.
    bool outside = first && last && rank && *first <= *last && (*rank < *first || *rank > *last);
    if (group && own && outside && *group > 0 && *own * kWaitRatio <= *group) return rank_only(*rank);
  }
  // A figure or rank beyond its type's range makes that comparison unreadable: skip it. Every
  // comparison on the line is read (in this order: versus, distribution, ratio); the first that
  // finds its rank slow names it. A rank that a comparison finds not slow is cleared: the keyword
  // rule below does not name it ("slowest rank 10, 1.02x of median" names no one), and a line whose
  // keyword names only cleared ranks names no one. Ranks the keyword names without a measurement
  // of their own stay named ("slowest ranks: rank 22 1817.4, rank 17 1529.8 | median 1519.2": the
  // median is read against rank 17 only).
  // A throughput ("min_tflops rank 14 317.8 / median 402.1", tokens/s, MFU) is slow when low: its
  // comparisons are read the other way round, and a distribution's max is the fastest rank.
  bool throughput = false;
  for (const char* word : {"flops", "throughput", "tokens/s", "tok/s", "samples/s", "it/s", "mfu"}) {
    throughput = throughput || ContainsNoCase(line, word);
  }
  std::set<int> cleared;
  auto each = [&](const FilteredRegex& re, auto&& slow_rank) -> std::optional<int> {
    if (!re.MayMatch(line)) return std::nullopt;
    for (std::sregex_iterator it(line.begin(), line.end(), re.regex()), end; it != end; ++it) {
      if (std::optional<int> rank = slow_rank(*it)) return rank;
    }
    return std::nullopt;
  };
  // Each returns the rank when its comparison reads and finds it slow; a rank read as not slow is
  // cleared.
  auto versus = [&](const std::smatch& x) -> std::optional<int> {
    std::optional<double> own = ParseDouble(x.str(2));
    std::optional<double> peers = ParseDouble(x[5].matched ? x.str(5) : x.str(4));
    std::optional<int32_t> rank = ParseInt32(x.str(1));
    if (!own || !peers || !rank || *peers <= 0) return std::nullopt;
    if (throughput ? *peers >= kSlowRatio * *own : *own >= kSlowRatio * *peers) return *rank;
    cleared.insert(*rank);
    return std::nullopt;
  };
  auto max_of_rank = [&](const std::smatch& x) -> std::optional<int> {
    std::optional<double> typical = ParseDouble(x.str(1)), max = ParseDouble(x.str(2));
    std::optional<int32_t> rank = ParseInt32(x.str(3));
    if (!typical || !max || !rank || *typical <= 0) return std::nullopt;
    if (*max >= kSlowRatio * *typical) return *rank;
    cleared.insert(*rank);
    return std::nullopt;
  };
  auto ratio = [&](const std::smatch& x) -> std::optional<int> {
    std::optional<double> r = ParseDouble(x.str(2));
    std::optional<int32_t> rank = ParseInt32(x.str(1));
    if (!r || !rank) return std::nullopt;
    if (throughput ? *r * kSlowRatio <= 1 : *r >= kSlowRatio) return *rank;
    cleared.insert(*rank);
    return std::nullopt;
  };
  if (std::optional<int> rank = each(kVersus, versus)) return rank_only(*rank);
  if (!throughput) {
    if (std::optional<int> rank = each(kMaxOfRank, max_of_rank)) return rank_only(*rank);
  }
  if (std::optional<int> rank = each(kRatio, ratio)) return rank_only(*rank);
  if (!kSlow.Search(line) && !(ContainsNoCase(line, "the") && kSlowMax.Search(line))) return std::nullopt;
  SlowMention m;
  std::smatch r;
  if (kRanks.Search(line, r)) {
    std::optional<int32_t> a = ParseInt32(r.str(1)), b = r[2].matched ? ParseInt32(r.str(2)) : a;
    if (a && b && *b >= *a && *b - *a < 64) {
      for (int64_t x = *a; x <= *b; ++x) m.ranks.push_back(static_cast<int>(x));  // int64: b may be INT_MAX
    }
  }
  for (const std::string& n : names.nodes()) {
    auto pos = line.find(n);
    if (pos == std::string::npos) continue;
    size_t end = pos + n.size();
    bool left = pos == 0 || !std::isalnum(static_cast<unsigned char>(line[pos - 1]));
    bool right = end >= line.size() || !(std::isalnum(static_cast<unsigned char>(line[end])) || line[end] == '-');
    if (left && right) m.node = n;
  }
  // The node under another spelling ("ranks 16-23 on NODE-4.cluster.local" for node-4; review CF).
  if (m.node.empty()) {
    const std::vector<CaseNodes::Word> words = names.Words(line);
    if (!words.empty()) m.node = words.back().node;
  }
  if (!cleared.empty() && !m.ranks.empty()) {
    std::erase_if(m.ranks, [&](int rank) { return cleared.count(rank) > 0; });
    if (m.ranks.empty()) return std::nullopt;  // its node is where a cleared rank runs
  }
  if (m.ranks.empty() && m.node.empty()) return std::nullopt;
  return m;
}

// The writer's prefixes in front of a line (`srun -l`'s "0: ", "[default0]:", "[rank0]:", "[Rank
// 0]") say who printed it, not whom it names: the line is read without them first, so that "[rank0]:
// straggler detected: rank 19 is 1.4x slower" names rank 19, not rank 0 (review RV-P2); a line that
// names no one without them (a rank reporting itself) is read whole.
//
// A responder's shell command (IsShellCommandLine: `$ grep straggler /logs/rank0.log`) asks; it
// names no one (RGB: realistic15 rl15-28's grep for "straggler" in rank0.log named rank 0).
std::optional<SlowMention> SlowMentionIn(const std::string& line, const CaseNodes& names) {
  if (IsShellCommandLine(line)) return std::nullopt;
  static const std::regex kPrefix(R"(^\s*(?:\d{1,6}:\s+)?(?:\[[A-Za-z_ -]{0,30}\d{0,6}\]:?\s*)+)");
  std::smatch m;
  if (line.size() <= 2000 && line.find('[') != std::string::npos && std::regex_search(line, m, kPrefix) &&
      static_cast<size_t>(m.length(0)) < line.size()) {
    if (std::optional<SlowMention> s = SlowMentionInText(line.substr(static_cast<size_t>(m.length(0))), names)) return s;
  }
  return SlowMentionInText(line, names);
}

}  // namespace

std::optional<SlowMention> FindSlowMention(const std::string& line, const std::set<std::string>& nodes) {
  return SlowMentionIn(line, CaseNodes(nodes));
}

std::optional<RankTimeOutlier> FindRankTimeOutlier(const std::vector<std::string>& lines) {
  // One rank and one time a line: "[MegaScale] step 1200 rank 13 fwd_bwd 1890.2 ms", "rank 13: step
  // time 1.89 s", "rank=13 iter_time_ms=1890".
  static const std::regex kRank(R"(\b(?:global[ _])?rank\s*[:=#]?\s*(\d{1,6})\b)", std::regex::icase);
  static const std::regex kTime(
      R"(\b(?:step[ _-]?time|iter(?:ation)?[ _-]?time|fwd[ _-]?bwd|forward[ _-]backward|elapsed|duration|latency|time)(?:[ _-]?(ms|s|us))?\b\s*(?:\(\s*(ms|s|us)\s*\))?\s*[:=]?\s*(\d+(?:\.\d+)?)\s*(ms|s|us|sec|seconds)?\b)",
      std::regex::icase);
  static const std::regex kDigits(R"(\d+(?:\.\d+)?)");
  constexpr size_t kMaxLines = 20000;
  struct Row {
    int rank;
    double seconds;
    size_t line;
  };
  std::map<std::string, std::vector<Row>> by_template;
  for (size_t i = 0; i < lines.size() && i < kMaxLines; ++i) {
    const std::string& text = lines[i];
    if (text.size() > 500 || !ContainsNoCase(text, "rank")) continue;
    std::smatch r, t;
    if (!std::regex_search(text, r, kRank)) continue;
    if (std::distance(std::sregex_iterator(text.begin(), text.end(), kRank), std::sregex_iterator()) != 1) continue;
    if (!std::regex_search(text, t, kTime)) continue;
    std::optional<int32_t> rank = ParseInt32(r.str(1));
    std::optional<double> value = ParseDouble(t.str(3));
    if (!rank || !value || !std::isfinite(*value) || *value <= 0) continue;
    std::string unit = AsciiLower(t[1].matched ? t.str(1) : t[2].matched ? t.str(2) : t.str(4));
    double seconds = unit == "ms" ? *value / 1e3 : unit == "us" ? *value / 1e6 : *value;
    // The line's shape, numbers and the time's unit aside: rows of one table share it.
    std::string shape = std::regex_replace(text.substr(static_cast<size_t>(r.position(0))), kDigits, "#");
    shape += '|';
    shape += unit;
    by_template[shape].push_back({*rank, seconds, i});
  }
  std::optional<RankTimeOutlier> best;
  for (const auto& [shape, rows] : by_template) {
    std::map<int, std::vector<double>> per_rank;
    for (const Row& row : rows) per_rank[row.rank].push_back(row.seconds);
    // At least 4 ranks, the slowest >= 1.25 x the others' median, the others within 10% (rank_table.h).
    const std::optional<SlowestRank> slow = FindSlowestRank(per_rank);
    if (!slow) continue;
    size_t line = 0;
    for (const Row& row : rows) {
      if (row.rank == slow->rank) {
        line = row.line;
        break;
      }
    }
    if (!best || slow->seconds / slow->peers_seconds > best->seconds / best->peers_seconds) {
      best = RankTimeOutlier{slow->rank, slow->seconds, slow->peers_seconds, per_rank.size(), line};
    }
  }
  return best;
}

namespace {

// Where a per-rank table's row (rank_table.h) runs: the row's host cell when it names a node of the
// case (with the rank layout's GPU when the layout puts the rank on that node too), else the rank
// layout's node and GPU; no node when neither places it.
ComponentHint RankTableRowHint(const Topology& topo, int rank, const std::string& host) {
  ComponentHint h;
  h.job = topo.job;
  h.rank = rank;
  auto placed = topo.ranks.find(rank);
  const bool laid = placed != topo.ranks.end() && !placed->second.node.empty();
  const std::string node = host.empty() ? std::string() : topo.names.Find(host);
  if (!node.empty()) {
    h.node = node;
    if (laid && SameNodeName(placed->second.node, node)) h.gpu = placed->second.gpu;
  } else if (laid) {
    h.node = placed->second.node;
    h.gpu = placed->second.gpu;
  }
  return h;
}

// The share of step time a training loop spends waiting for its input, from lines that print
// both ("Time 1.83 (1.89)  Data 1.55 (1.63)", "step_time 3.0s | data_wait 2.1s", "iteration time
// (ms): 4700 ... data-loading (ms): 3900", NeMo's "train_step_timing in s=17.3 dataloader_wait in
// s=9.4", PLC17). Returns the median share over the lines that print
// both and how many there were; a loop that waits for data on most of its step is input-bound
// however the wait is worded.
struct DataWaitShare {
  double share = 0;
  size_t lines = 0;
  size_t first_line = 0;
};
DataWaitShare FindDataWaitShare(const FlatLogs& flat) {
  static const FilteredRegex kData(
      R"re(\bdata(?:[-_ ]?(?:wait|time|load(?:ing|er)?|fetch))*(?:[-_ ]?(?:time|wait))?\s*(\(ms\)|\(s\)|\s+in\s+(?:ms|s)\b)?\s*[:=]?\s*(?:(?:p50|median|avg|mean)\s*[:=]?\s*)?([0-9]+(?:\.[0-9]+)?)\s*(ms|s\b)?)re",
      /*icase=*/true);
  // Compute time printed instead of the whole step ("fwd_bwd p50 1.07s", "compute 0.9s"): the
  // step is then data + compute.
  static const FilteredRegex kCompute(
      R"re(\b(?:fwd[-_ ]?bwd|forward[-_ ]?backward|compute(?:[-_ ]?time)?)\s*(\(ms\)|\(s\))?\s*[:=]?\s*(?:(?:p50|median|avg|mean)\s*[:=]?\s*)?([0-9]+(?:\.[0-9]+)?)\s*(ms|s\b)?)re",
      /*icase=*/true);
  static const FilteredRegex kStep(
      R"re(\b(?:(?:train_)?step[-_ ]?tim(?:e|ing)|iter(?:ation)?[-_ ]?time|time per iteration|batch[-_ ]?time|Time)\s*(\(ms\)|\(s\)|\s+in\s+(?:ms|s)\b)?\s*[:=]?\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s\b)?)re", /*icase=*/false);
  auto seconds = [](const std::smatch& m) -> std::optional<double> {
    std::optional<double> v = ParseDouble(m.str(2));
    if (!v) return std::nullopt;  // a figure beyond double's range: the line gives no share
    // The unit before the figure: "(ms)", "(s)", or NeMo's " in ms" / " in s" ("train_step_timing in s=").
    bool ms = AsciiLower(m.str(1)).find("ms") != std::string::npos || AsciiLower(m.str(3)) == "ms";
    return ms ? *v / 1000 : *v;
  };
  std::vector<double> shares;
  DataWaitShare out;
  for (size_t i = 0; i < flat.lines.size(); ++i) {
    const std::string& line = flat.lines[i];
    if (line.size() > 2000) continue;
    std::smatch d, st;
    if (!kData.Search(line, d)) continue;
    std::optional<double> data_s = seconds(d), step_s;
    if (kStep.Search(line, st)) {
      step_s = seconds(st);
    } else if (kCompute.Search(line, st)) {
      step_s = seconds(st);
      if (step_s && data_s) *step_s += *data_s;
    } else {
      continue;
    }
    if (!data_s || !step_s) continue;
    double data = *data_s, step = *step_s;
    if (step <= 0 || data < 0 || data > 1.05 * step) continue;
    if (shares.empty()) out.first_line = i;
    shares.push_back(data / step);
  }
  if (shares.empty()) return out;
  out.lines = shares.size();
  out.share = UpperMedian(std::move(shares));
  return out;
}

// What the alert's own line (AlertFactsLog) counts for a category. An alert on a device fact - a
// GPU's Xid, ECC or throttle reason, an NVLink, PCIe or InfiniBand link's errors or state, a host's
// memory or mount (the taxonomy layers gpu, host, network) - reports the state a log line would, and
// counts as that line does. An alert on a symptom - a slow step, a crash, a hang, a loss spike, an
// out-of-memory in the trainer (communication, performance, numerics, model, application) - names
// what happened, not why: several causes fit it (a step slows for a throttle, a link, a straggler's
// host), so its words rank the hypotheses and name none: at most kAlertSymptomWeight, below the
// "some other cause" score.
constexpr double kAlertSymptomWeight = 0.5;

bool IsDeviceLayer(const std::string& layer) { return layer == "gpu" || layer == "host" || layer == "network"; }

// Whether a text names an RDMA work-completion error status (IBV_WC_RETRY_EXC_ERR, "transport retry
// counter exceeded", ...). A queue pair sees a retry-exceeded completion when its peer's process
// dies or hangs as well as when the link fails: it says the peer did not answer, not why, so in an
// alert (a rule's summary, no port counters or link state beside it) it is a symptom, not a
// network device fact (review RV-AT: four confounders whose logs showed a rank crash were answered
// ib_link_failure from such an alert).
bool NamesCompletionStatus(const std::string& text) {
  const std::string t = AsciiLower(text);
  return t.find("ibv_wc_") != std::string::npos || t.find("retry_exc") != std::string::npos ||
         t.find("retry counter exceeded") != std::string::npos;
}

// Whether a text names an Xid whose meaning is `cat` (the fault-code table's category of "xid 13",
// "xid 31": illegal_memory_access). An Xid is the GPU driver's own report of what faulted, a device
// fact even where the fault it names is the application's (Xid 13 / 31: the job's kernel
// faulted, a bug or a bad input to fix in the job, not a GPU to drain): in the alert's line it counts
// as a device fact does (AO; before, an Xid 13 alert counted as a symptom and was `unknown`).
bool NamesXidOf(const std::string& text, const std::string& cat) {
  if (cat.empty() || !MayNameFaultCode(text)) return false;
  for (const std::string& code : FaultCodesInText(text)) {
    if (FaultCodeFamily(code) != "xid") continue;
    const FaultCodeInfo* f = FaultCodeInfoOf(code);
    if (f != nullptr && f->category == cat) return true;
  }
  return false;
}

double AlertFactWeight(const std::string& layer, double weight, const std::string& text = std::string(),
                       const std::string& cat = std::string()) {
  if (weight <= 0) return weight;
  if (IsDeviceLayer(layer) && !(layer == "network" && NamesCompletionStatus(text))) return weight;
  if (!IsDeviceLayer(layer) && NamesXidOf(text, cat)) return weight;
  return std::min(weight, kAlertSymptomWeight);
}

// Whether an evidence source ("<log source>:<line>") is a line of the alert's own log.
// A log row or a line recall ("reads like kb:...", kind knowledge) of that line: both rest on it.
bool FromAlertFactsLog(const Evidence& e) {
  if (e.kind != EvidenceKind::kLog && e.kind != EvidenceKind::kKnowledge) return false;
  const size_t colon = e.source.rfind(':');
  return IsAlertFactsLog(colon == std::string::npos ? e.source : e.source.substr(0, colon));
}

class Beliefs {
 public:
  Beliefs(const KnowledgeFacts& facts, double other_score) : other_score_(other_score), layers_(&facts.layers) {
    for (const std::string& c : facts.categories) score_[c] = 0;
  }

  // The case's log lines, for component rules that read beyond the evidence (storage scope); they
  // must outlive these beliefs and their copies.
  void SetCaseLines(const std::vector<std::string>* lines) {
    case_storage_ = std::make_shared<CaseStorage>();
    case_storage_->all = lines;
  }
  // The case and its topology (after SetCaseLines), which must outlive these beliefs and their
  // copies: the storage rule reads the case's per-node mount checks from them, the IB component a
  // netdev's HCA (HcaOfNetdev).
  // A pass or fail result of a probe this diagnosis ran: its text may tie a netdev to its HCA
  // (HcaOfNetdev), so the ties read so far are read again (RV-RG3).
  void AddRanProbe(const std::string& target, const Json& result) {
    if (!case_storage_ || !result.is_object()) return;
    case_storage_->ran_probes[target] = result;
    case_storage_->netdev_hca.clear();
  }
  void SetCase(const DiagnosisCase* c, const Topology* topo) {
    if (!case_storage_) return;
    case_storage_->c = c;
    case_storage_->topo = topo;
  }

  // GPUs per node from the topology (0: unknown), for "most of the node's GPUs" rules.
  void SetGpusPerNode(int n) { gpus_per_node_ = n; }
  // The topology's nodes, for "one node of several" rules.
  void SetNodes(const std::set<std::string>& nodes) { nodes_ = nodes; }
  // A GPU a throttle category's log line names (every matching line, not only the examples).
  // `brake`: the line is the hardware power brake, which the system (PSU, BMC) asserts for the node.
  // Category `c`'s evidence shows the whole job in the fault (SameProgressAcrossNodes for a hang):
  // Component marks it job_wide while no culprit or probe places it.
  void SetJobWide(const std::string& c) { job_wide_.insert(c); }
  // The one node whose GPU setup a line sets apart for category `c` (IsNodeGpuConfigLine, PLC9).
  void SetConfigNode(const std::string& c, const std::string& node) { config_node_[c] = node; }
  // The nodes whose processes said CUDA found no GPU (StatesNoCudaDevice, 3a-nodevice, PLC25).
  void SetNoCudaDeviceNodes(const std::set<std::string>& nodes) { no_cuda_device_nodes_ = nodes; }
  // A node whose NVSwitch / fabric manager said all its GPUs lost NVLink (IsSwitchWideNvlinkFault).
  void SetSwitchWideNode(const std::string& node) { switch_wide_nodes_.insert(node); }
  // A node a line says lost a fan (StatesFanFault): its thermal throttle is the node's (PLC36).
  void SetFanFaultNode(const std::string& node) { fan_fault_nodes_.insert(node); }
  // The NVLink switch side outside the nodes that an nvlink_error is placed on (NVS2): a switch tray's
  // hostname, or "nvlink-domain:RACK" (nvswitch_fault.h). Only the answer's component reads it; the
  // probes still go to the compute nodes Component names.
  void SetSwitchSidePlace(const std::string& place) { switch_side_place_ = place; }
  const std::string& SwitchSidePlace() const { return switch_side_place_; }
  // The alert's own line states its fault on several GPUs or nodes ("Xid 13 on 16 GPUs of n1, n2"):
  // the alert line's evidence is spread, as processes' lines on two GPUs are (AO3).
  void SetAlertSpread() { alert_spread_ = true; }
  void AddThrottleLineGpu(const std::string& category, const std::string& node, int gpu, bool brake) {
    throttle_line_gpus_[category][node].insert(gpu);
    if (brake) power_brake_gpus_[node].insert(gpu);
  }

  // The alert's node as the case spells it (Topology::alert_node): an observation placed on the
  // alert's own spelling `from` is placed on `to` (KSM2).
  void SetAlertNodeSpelling(std::string from, std::string to) {
    if (from == to) return;
    spell_from_ = std::move(from);
    spell_to_ = std::move(to);
  }

  void Add(Observation o) {
    o.evidence.id = "e" + std::to_string(obs_.size() + 1);
    if (!spell_from_.empty() && o.hint.node == spell_from_) o.hint.node = spell_to_;
    // Whatever pass read it, a line of the alert's own log counts as AlertFactWeight says.
    if (FromAlertFactsLog(o.evidence)) {
      for (auto& [c, d] : o.deltas) {
        auto layer = layers_->find(c);
        // The Xid rule reads the alert's own line only (a line recall's detail quotes the incident).
        d = AlertFactWeight(layer == layers_->end() ? std::string() : layer->second, d, o.evidence.detail,
                            o.evidence.kind == EvidenceKind::kLog ? c : std::string());
      }
      if (o.evidence.supports.size() == 1 && o.deltas.count(o.evidence.supports[0])) {
        o.evidence.weight = std::min(o.evidence.weight, o.deltas[o.evidence.supports[0]]);
      }
    }
    for (const auto& [c, d] : o.deltas) score_[c] += d;
    obs_.push_back(std::move(o));
  }

  std::map<std::string, double> Posterior(double* other = nullptr) const {
    double mx = other_score_;
    for (const auto& [c, s] : score_) mx = std::max(mx, s);
    double z = std::exp(other_score_ - mx);
    for (const auto& [c, s] : score_) z += std::exp(s - mx);
    std::map<std::string, double> p;
    for (const auto& [c, s] : score_) p[c] = std::exp(s - mx) / z;
    if (other) *other = std::exp(other_score_ - mx) / z;
    return p;
  }

  std::vector<std::pair<std::string, double>> Ranked() const {
    auto p = Posterior();
    std::vector<std::pair<std::string, double>> r(p.begin(), p.end());
    std::stable_sort(r.begin(), r.end(), [&](const auto& a, const auto& b) {
      if (a.second != b.second) return a.second > b.second;
      return EarliestSupport(a.first) < EarliestSupport(b.first);
    });
    return r;
  }

  int64_t EarliestSupport(const std::string& c) const {
    int64_t t = kNoTime;
    for (const Observation& o : obs_) {
      auto it = o.deltas.find(c);
      if (it != o.deltas.end() && it->second > 0) t = std::min(t, o.time_ms);
    }
    return t;
  }

  double Score(const std::string& c) const {
    auto it = score_.find(c);
    return it == score_.end() ? 0 : it->second;
  }

  // Scales the positive log/metric contributions to `c` of the observations `pick` selects.
  void DiscountWhere(const std::string& c, double factor, const std::string& why,
                     const std::function<bool(const Observation&)>& pick) {
    for (Observation& o : obs_) {
      if (o.evidence.kind == EvidenceKind::kProbe || !pick(o)) continue;
      auto it = o.deltas.find(c);
      if (it == o.deltas.end() || it->second <= 0) continue;
      double before = it->second;
      it->second *= factor;
      score_[c] -= before - it->second;
      if (o.evidence.supports.size() == 1) o.evidence.weight = it->second;
      o.evidence.detail += "  [discounted: " + why + "]";
    }
  }

  // Moves (1 - factor) of the positive log contributions to `from` of the observations `pick`
  // selects over to `to`: the same line, read as the other category's symptom (RL8).
  void ReattributeWhere(const std::string& from, const std::string& to, double factor, const std::string& why,
                        const std::function<bool(const Observation&)>& pick) {
    for (Observation& o : obs_) {
      if (o.evidence.kind != EvidenceKind::kLog || !pick(o)) continue;
      auto it = o.deltas.find(from);
      if (it == o.deltas.end() || it->second <= 0) continue;
      const double moved = it->second * (1 - factor);
      it->second -= moved;
      score_[from] -= moved;
      o.deltas[to] += moved;
      score_[to] += moved;
      if (std::find(o.evidence.supports.begin(), o.evidence.supports.end(), to) == o.evidence.supports.end()) {
        o.evidence.supports.push_back(to);
      }
      o.evidence.detail += "  [read as " + to + ": " + why + "]";
    }
  }

  // Scales the positive log/metric contributions to `c` by `factor`, noting why; `by`: the category
  // that explains `c` ("" when the reason is none: DiscountedBy).
  void Discount(const std::string& c, double factor, const std::string& why, const std::string& by = "") {
    std::set<std::string>& causes = discounted_[c];
    if (!by.empty()) causes.insert(by);
    DiscountWhere(c, factor, why, [](const Observation&) { return true; });
  }

  // The component of category `c`: probe targets that failed for it first, then the strongest,
  // earliest evidence; parts (gpu, rank, hca) filled from other evidence on the same node.
  ComponentHint Component(const std::string& c, const std::string& job) const {
    std::vector<const Observation*> support;
    for (const Observation& o : obs_) {
      auto it = o.deltas.find(c);
      if (it != o.deltas.end() && it->second > 0 && !o.hint.node.empty()) support.push_back(&o);
    }
    std::stable_sort(support.begin(), support.end(), [&](const Observation* a, const Observation* b) {
      bool pa = a->evidence.kind == EvidenceKind::kProbe, pb = b->evidence.kind == EvidenceKind::kProbe;
      if (pa != pb) return pa;
      // A process that reports it timed out waiting is a waiter; the component is where the
      // evidence of the one that did not arrive points.
      bool wa_ = IsWaiterLine(*a), wb_ = IsWaiterLine(*b);
      if (wa_ != wb_) return wb_;
      // Evidence that names the participant the others wait for beats evidence that only says a
      // collective hung (a KB title, the alert's node).
      if (a->culprit != b->culprit) return a->culprit;
      // A failed row remap is the GPU whose own state says the remap failed, not the first GPU whose
      // block shows an uncorrectable row count (that signature's weight goes to its first line: a GPU
      // that remapped its row fine, listed first in `nvidia-smi -q -d REMAPPED_ROWS -i 1,2`; PLC7).
      if (c == "gpu_row_remap_failure") {
        bool fa = StatesRemapFailure(*a), fb = StatesRemapFailure(*b);
        if (fa != fb) return fa;
      }
      // An IB link is where a port's own evidence is, not where a peer reported the completion error.
      if (c == "ib_link_failure") {
        bool ra = IsPeerReportLine(*a), rb = IsPeerReportLine(*b);
        if (ra != rb) return rb;
      }
      // A crashed rank is where a process died, not where a peer reported its lost connection
      // (ReportsPeerLoss, PLC25: holdout6 w039, rank 2's "Did the remote server shutdown or crash?"
      // outweighed the abort of local rank 3 on the other node).
      if (c == "rank_process_crash") {
        bool ra = ReportsPeerLoss(*a), rb = ReportsPeerLoss(*b);
        if (ra != rb) return rb;
      }
      double wa = a->deltas.at(c), wb = b->deltas.at(c);
      if (std::abs(wa - wb) > 1e-9) return wa > wb;
      return a->time_ms < b->time_ms;
    });
    ComponentHint h;
    h.job = job;
    if (support.empty()) return h;
    h.node = support[0]->hint.node;
    // A remapped-rows count (DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS, ..._CORRECTABLE_...) is the GPU's
    // lifetime of rows remapped: a level that stood unchanged over the whole window is an earlier remap
    // (one that worked), not this incident's. Where another GPU of the node shows the fault fresh (a
    // failure or pending flag that rose, an Xid 64 line, a probe), such a standing count does not make
    // the failed remap the node's (PLC25: realistic30 rl30-03, one row remapped on gpu5 days before gpu1's
    // remap failed, answered the node).
    const bool fresh_remap_gpu =
        c == "gpu_row_remap_failure" && std::any_of(support.begin(), support.end(), [&](const Observation* o) {
          return o->hint.node == h.node && o->hint.gpu >= 0 && !o->hint.gpu_from_rank &&
                 !(o->evidence.kind == EvidenceKind::kMetric && o->standing) &&
                 (o->evidence.kind == EvidenceKind::kProbe || o->evidence.kind == EvidenceKind::kMetric ||
                  StatesRemapFailure(*o));
        });
    std::set<int> metric_gpus;
    for (const Observation* o : support) {
      if (o->hint.node == h.node && o->evidence.kind == EvidenceKind::kMetric && o->hint.gpu >= 0) {
        if (fresh_remap_gpu && o->standing && o->flat && IsRemappedRowsCount(o->evidence.source)) continue;
        metric_gpus.insert(o->hint.gpu);
      }
    }
    // Metric evidence on several GPUs makes the fault node-wide, unless the log lines of the
    // category name one GPU of that node (a health check's "GPU 2: ..." over a threshold that
    // every GPU's counter happens to cross): the line is the specific claim.
    std::set<int> line_gpus;
    for (const Observation* o : support) {
      if (o->hint.node == h.node && o->evidence.kind == EvidenceKind::kLog && o->hint.gpu >= 0 &&
          !o->hint.gpu_from_rank) {
        line_gpus.insert(o->hint.gpu);
      }
    }
    // Probes that confirmed the category on two or more GPUs of the node: node-wide as well (a
    // power cap or a cooling fault set for the whole chassis).
    std::set<int> probe_gpus;
    for (const Observation* o : support) {
      if (o->hint.node == h.node && o->evidence.kind == EvidenceKind::kProbe && o->hint.gpu >= 0 &&
          o->deltas.at(c) >= kProbeFailWeight * 0.5) {
        probe_gpus.insert(o->hint.gpu);
      }
    }
    // A throttle's slow-GPU symptom (clocks / step time below the peers', credited to the straggler
    // hypothesis and explained away by the throttle) on several GPUs of the node: the cap or the
    // cooling is the node's, even when the probe that confirmed it ran on one GPU.
    if (c == "gpu_power_throttle" || c == "gpu_thermal_throttle") {
      for (const Observation& o : obs_) {
        if (o.evidence.kind != EvidenceKind::kMetric || o.hint.node != h.node || o.hint.gpu < 0) continue;
        auto it = o.deltas.find("straggler_rank");
        if (it != o.deltas.end() && it->second > 0) metric_gpus.insert(o.hint.gpu);
      }
    }
    // A throttle's own log lines on at least half of the node's GPUs (an `nvidia-smi -q -d
    // PERFORMANCE` paste with "HW Power Brake Slowdown : Active" under most GPUs' sections): the power
    // feed or the cooling is the node's, not the first GPU listed (RL2). Two hot GPUs of eight (one
    // cold plate, one heat sink) are those GPUs' own fault, not the node's (review RV-RL2).
    size_t spread_min = gpus_per_node_ > 0 ? std::max<size_t>(2, (static_cast<size_t>(gpus_per_node_) + 1) / 2) : 2;
    size_t throttle_gpus = line_gpus.size();
    if (auto tc = throttle_line_gpus_.find(c); tc != throttle_line_gpus_.end()) {
      if (auto tn = tc->second.find(h.node); tn != tc->second.end()) throttle_gpus = std::max(throttle_gpus, tn->second.size());
    }
    // The hardware power brake is the system's signal (PSU, BMC) to every GPU of the node: two GPUs'
    // sections showing it (a paste of `-i 0,1`) already say the node's.
    auto brake = power_brake_gpus_.find(h.node);
    bool brake_spread = c == "gpu_power_throttle" && brake != power_brake_gpus_.end() && brake->second.size() >= 2;
    bool throttle_lines_spread =
        ((c == "gpu_power_throttle" || c == "gpu_thermal_throttle") && throttle_gpus >= spread_min) || brake_spread;
    // For a throttle the metric evidence, too, must cover half the node's GPUs: two hot GPUs of
    // eight (DCGM_FI_DEV_GPU_TEMP over the pack's limit on GPUs 3 and 4) are those GPUs' cold plates,
    // as the line rule above says (review RV-RL5: the metric path still made any two the node's).
    const bool metric_spread =
        metric_gpus.size() >= 2 &&
        (!(c == "gpu_power_throttle" || c == "gpu_thermal_throttle") || metric_gpus.size() >= spread_min);
    h.node_wide = (metric_spread && line_gpus.size() != 1) || probe_gpus.size() >= 2 ||
                  throttle_lines_spread || support[0]->hint.node_wide;
    // An NVSwitch / fabric-manager line saying all GPUs lost or degraded NVLink on the node: every GPU's
    // NVLink runs through the switches of an HGX board, so the fault is the node's, not the GPU whose
    // Xid 74 came first (IsSwitchWideNvlinkFault, PLC19; a fatal SXid of one link alone stays the GPU's).
    // The line need not be evidence itself (SetSwitchWideNode reads every line of the case).
    if (c == "nvlink_error" && switch_wide_nodes_.count(h.node)) h.node_wide = true;
    // A failed fan beside two or more of the node's GPUs throttling for heat: the node's cooling, not
    // one GPU's (PLC36, rl37-30: three hot GPUs of eight under a fan module's 0 RPM). With one GPU hot
    // the fan is the one cooling it, that GPU's (realistic2 rl2-06, realistic4 rl4-07, realistic21
    // rl21-02, realistic35 rl35-06).
    if (c == "gpu_thermal_throttle" && fan_fault_nodes_.count(h.node) && std::max(throttle_gpus, metric_gpus.size()) >= 2) {
      h.node_wide = true;
    }
    // A power supply's fault on the node (IPMI SEL / Redfish: "Power Supply PSU2 ... AC lost",
    // "PSU Redundancy Lost") feeds every GPU of it: the system asserts the power brake on all of them,
    // so a power throttle with such a line is the node's, not the one GPU a probe read it on (PLC25:
    // holdout7 x031, PSU2 lost, gpu.health of gpu0 read the brake; answered gpu0).
    if (c == "gpu_power_throttle" && std::any_of(support.begin(), support.end(), [&](const Observation* o) {
          return o->hint.node == h.node &&
                 (o->evidence.kind == EvidenceKind::kLog || o->evidence.kind == EvidenceKind::kKnowledge) &&
                 o->evidence.detail.rfind("similar past incident", 0) != 0 && StatesPsuFault(o->evidence.detail);
        })) {
      h.node_wide = true;
    }
    // Log evidence from processes on >= 2 GPUs (any node) with no probe evidence: a job-wide fault
    // for software categories (FormatComponent decides which).
    // Processes on two nodes are two GPUs whether or not their lines name the GPU (NCCL's
    // "host:pid:tid [dev]" WARN lines name the host only): the same OOM in ranks on three nodes is
    // the job's, not the first GPU printed (RG8, realistic11 rl11-16).
    std::set<std::pair<std::string, int>> log_gpus;
    std::set<std::string> log_nodes;
    bool probe = false, placing_probe = false;
    for (const Observation* o : support) {
      probe = probe || o->evidence.kind == EvidenceKind::kProbe;
      // A kernel log's report of a kernel's bad address (Xid 13 / 31 on the GPU it ran on) is one
      // more sighting of it, not a test of the GPU: it does not stop the spread below (PLC10:
      // realistic23 rl23-20, Xid 31 on the GPU of one attempt's rank, the same error on another
      // node's GPU in the next attempt).
      placing_probe = placing_probe || (o->evidence.kind == EvidenceKind::kProbe &&
                                        !(c == "illegal_memory_access" && IsKernelLogProbeSource(o->evidence.source)));
      if (o->evidence.kind == EvidenceKind::kLog && o->hint.gpu >= 0) log_gpus.insert({o->hint.node, o->hint.gpu});
      if (o->evidence.kind == EvidenceKind::kLog) log_nodes.insert(o->hint.node);
    }
    // An alert line that states the fault on several GPUs or nodes (SetAlertSpread) counts as such
    // lines: "Xid 13 on 16 GPUs of gpu-c-021, gpu-c-022" is the job's kernel, not the first node's.
    const bool alert_line_spread =
        alert_spread_ && std::any_of(support.begin(), support.end(),
                                     [](const Observation* o) { return FromAlertFactsLog(o->evidence); });
    h.spread = !placing_probe && (log_gpus.size() >= 2 || log_nodes.size() >= 2 || alert_line_spread);
    // A participant named by a culprit line (a rank behind, one absent, a GPU that stopped) or a probe
    // places the fault; without one, evidence that shows every rank alike leaves it the job's.
    h.job_wide = job_wide_.count(c) && !probe &&
                 std::none_of(support.begin(), support.end(), [](const Observation* o) { return o->culprit; });
    // The component kind of the KB entry behind the heaviest log/metric evidence.
    const Observation* heaviest = nullptr;
    for (const Observation* o : support) {
      if (o->evidence.kind == EvidenceKind::kProbe || o->hint.entry_component.empty()) continue;
      if (heaviest == nullptr || o->deltas.at(c) > heaviest->deltas.at(c)) heaviest = o;
    }
    // A node-level launch fault keeps its entry's host kind when a probe confirmed it (a GPU inventory
    // that fails on that node for the driver): the probe says where, it does not make it the job's
    // (PLC15; the node's failed probes join its lines' nodes below).
    const bool host_launch = c == "launch_config_error" && heaviest != nullptr && heaviest->hint.entry_component == "host";
    if ((!probe || host_launch) && heaviest != nullptr) h.entry_component = heaviest->hint.entry_component;
    // A node-level launch fault (a driver too old for the image, an NVML mismatch after an upgrade)
    // is that node's only while those lines, and the probes that failed for it, come from one node;
    // on several nodes it is the rollout's (the rendezvous timeouts of the ranks waiting for it are
    // printed elsewhere and do not count).
    if (c == "launch_config_error" && h.entry_component == "host") {
      std::set<std::string> nodes;
      for (const Observation* o : support) {
        if (o->evidence.kind == EvidenceKind::kLog && o->hint.entry_component == "host") nodes.insert(o->hint.node);
        if (o->evidence.kind == EvidenceKind::kProbe && !o->hint.node.empty() &&
            o->deltas.at(c) >= kProbeFailWeight * 0.5) {
          nodes.insert(o->hint.node);
        }
      }
      // Ranks on another node that could not start CUDA either (3a-nodevice: "No CUDA GPUs are
      // available") show the same fault there: the image's or the rollout's, not one node's (PLC25).
      const bool elsewhere =
          nodes.size() == 1 && std::any_of(no_cuda_device_nodes_.begin(), no_cuda_device_nodes_.end(),
                                           [&](const std::string& n) { return !SameNodeName(n, *nodes.begin()); });
      // That node, even when heavier evidence without a KB component (sorted first) came from another.
      if (nodes.size() != 1 || elsewhere) h.entry_component.clear();
      else h.node = *nodes.begin();
    }
    // A node whose NCCL socket interface is set apart from the job's other nodes (OddNodeOut, RG14):
    // the misconfiguration is that node's image, even when every node's ranks then failed to connect.
    if (c == "nccl_network_misconfig") {
      for (const Observation* o : support) {
        if (o->culprit && o->hint.entry_component == "host" && !o->hint.node.empty()) {
          h.node = o->hint.node;
          h.entry_component = "host";
          break;
        }
      }
    }
    // A node whose GPU setup a line sets apart (SetConfigNode: its GRES count, its MIG layout) while
    // the fault's other lines come from at most one other node (a rank the layout guesses elsewhere):
    // that node's setup (PLC9). Ranks failing on several other nodes are the job's launch.
    if (auto cn = config_node_.find(c); cn != config_node_.end() && !probe) {
      std::set<std::string> others;
      for (const Observation* o : support) {
        if (o->evidence.kind == EvidenceKind::kLog && o->hint.node != cn->second) others.insert(o->hint.node);
      }
      if (others.size() <= 1) {
        h.node = cn->second;
        h.entry_component = "host";
      }
    }
    if (c == "storage_failure") {
      std::vector<std::string> lines;
      for (const Observation* o : support) {
        if (o->evidence.kind == EvidenceKind::kLog) lines.push_back(o->evidence.detail);
      }
      if (case_storage_ && !case_storage_->lines) {
        case_storage_->lines = StorageLines(*case_storage_->all);
        // node_exporter's filesystem series carry the mount table in their labels (device
        // "10.0.0.40:/export/ckpt", fstype "nfs4", mountpoint "/ckpt"): read as the mount line they
        // stand for, so a path the evidence names under a network mount is the shared file system's
        // (RL5: realistic5 case-rl5-23, the NFS checkpoint mount at 0 bytes free answered rank 0's
        // node for `job`).
        // A local device's mount nested under such a mountpoint (NVMe at /data/local under the NFS
        // /data) is read too, so a path under it stays the node's (RV-RL5).
        if (case_storage_->c != nullptr) {
          std::vector<std::pair<std::string, std::string>> network, local;  // (line, mountpoint)
          for (const TimeSeries& ts : case_storage_->c->metrics) {
            if (ts.name.rfind("node_filesystem_", 0) != 0) continue;
            auto mp = ts.labels.find("mountpoint");
            auto dev = ts.labels.find("device");
            auto fs = ts.labels.find("fstype");
            if (mp == ts.labels.end() || dev == ts.labels.end()) continue;
            std::string line = dev->second;
            line += ' ';
            line += mp->second;
            if (fs != ts.labels.end()) {
              line += ' ';
              line += fs->second;
            }
            if (IsExportLine(line) || SharedFsRegex().Search(line)) network.emplace_back(line, mp->second);
            else if (IsLocalDeviceMountLine(line)) local.emplace_back(line, mp->second);
          }
          std::set<std::string> seen;
          for (const auto& [line, mp] : network) {
            if (seen.insert(line).second) case_storage_->lines->push_back(line);
          }
          for (const auto& [line, mp] : local) {
            bool nested = false;
            for (const auto& [nline, nmp] : network) {
              nested = nested || (mp.size() > nmp.size() && mp.compare(0, nmp.size(), nmp) == 0 &&
                                  (mp[nmp.size()] == '/' || nmp == "/"));
            }
            if (nested && seen.insert(line).second) case_storage_->lines->push_back(line);
          }
        }
      }
      h.shared_storage = case_storage_ ? StorageIsShared(lines, *case_storage_->lines) : NamesSharedStorage(lines);
      // The node's kernel saying its own disk failed (StatesLocalBlockDeviceFailure, PLC28), in
      // evidence that names a local device more than a shared file system (NamesSharedStorage false):
      // the node's disk, even where a line of the case names the failed local path beside an export
      // ("staging to /local_nvme/..., upload to lustre:/vega/...": IsExportLine reads the whole line
      // as the export's, and StorageIsShared the local path as on it; realistic32 rl32-15, `job`).
      if (h.shared_storage && !NamesSharedStorage(lines) &&
          std::any_of(lines.begin(), lines.end(), [](const std::string& l) { return StatesLocalBlockDeviceFailure(l); })) {
        h.shared_storage = false;
      }
      // An object store refusing the requests' time (StatesRequestTimeSkew: S3's RequestTimeTooSkewed)
      // refuses a client's clock: where one node of the case says its clock is not synchronised
      // (UnsyncedClockNodes), that node's clock is the place, not the shared store (PLC25: realistic30
      // rl30-30, chronyd masked after a reimage, the node's checkpoint uploads refused; answered `job`).
      // Two or more such nodes, none, or one where no refusal is placed: as before.
      bool skew = false;
      for (const Observation* o : support) {
        if ((o->evidence.kind == EvidenceKind::kLog || o->evidence.kind == EvidenceKind::kKnowledge) &&
            StatesRequestTimeSkew(o->evidence.detail)) {
          skew = true;
        }
      }
      if (skew && case_storage_ && case_storage_->c != nullptr && case_storage_->topo != nullptr) {
        const std::set<std::string> unsynced = UnsyncedClockNodes(*case_storage_->c, *case_storage_->topo);
        // ... and the store's refusals show on that node (a line placed there).
        const bool on_it = unsynced.size() == 1 && std::any_of(support.begin(), support.end(), [&](const Observation* o) {
                             return SameNodeName(o->hint.node, *unsynced.begin());
                           });
        if (on_it) {
          h.shared_storage = false;
          h.node = *unsynced.begin();
        }
      }
      // One node's file-system client hung (its kernel's NFS/Lustre lines, its hung task, its stuck
      // checkpoint write) while a sweep of the mount shows the job's other nodes healthy: that
      // node's mount, not the file server (which would hang every client). Without the sweep the
      // one node is often only the checkpoint writer (rank 0's node) of a dead server: still `job`.
      // Not when the evidence or the case's storage lines name the server side or a full shared
      // volume, nor when the topology has one node.
      std::set<std::string> log_nodes;
      for (const Observation* o : support) {
        if (o->evidence.kind == EvidenceKind::kLog && !o->hint.node.empty()) log_nodes.insert(o->hint.node);
      }
      const bool one_node = h.shared_storage && nodes_.size() >= 2 && log_nodes.size() == 1 && case_storage_ &&
                            case_storage_->c != nullptr && case_storage_->topo != nullptr;
      if (one_node && !NamesServerSideStorage(lines) && !NamesServerSideStorage(*case_storage_->lines)) {
        if (!case_storage_->sweep) case_storage_->sweep = MountSweepAnswers(*case_storage_->c, *case_storage_->topo);
        if (PeersHealthyInSweep(*log_nodes.begin(), *case_storage_->sweep)) {
          h.shared_storage = false;
          h.node = *log_nodes.begin();
        }
      }
    }
    for (const Observation* o : support) {
      if (o->hint.node != h.node) continue;
      if (h.gpu < 0) {
        h.gpu = o->hint.gpu;
        h.gpu_from_rank = o->hint.gpu_from_rank;
      }
      if (h.rank < 0) h.rank = o->hint.rank;
      // The HCA by its verbs name (mlx5_N, what NCCL and ibstat print) over a netdev name.
      if (h.hca.empty() || (h.hca.rfind("mlx5_", 0) != 0 && o->hint.hca.rfind("mlx5_", 0) == 0)) {
        if (!o->hint.hca.empty()) h.hca = o->hint.hca;
      }
    }
    // Still a netdev name ("ibp158s0"): its HCA when the case's own lines on that node tie them
    // (HcaOfNetdev, NF2); else the netdev's name stays.
    if (!h.hca.empty() && !h.node.empty() && h.hca.rfind("mlx5_", 0) != 0 && h.hca.rfind("hfi1_", 0) != 0 &&
        case_storage_ && case_storage_->c != nullptr && case_storage_->topo != nullptr) {
      auto key = std::make_pair(h.node, h.hca);
      auto it = case_storage_->netdev_hca.find(key);
      if (it == case_storage_->netdev_hca.end())
        it = case_storage_->netdev_hca
                 .emplace(key, HcaOfNetdev(*case_storage_->c, *case_storage_->topo, h.node, h.hca,
                                           case_storage_->ran_probes))
                 .first;
      if (!it->second.empty()) h.hca = it->second;
    }
    // An mlx5 driver line about its own device ("mlx5_core 0000:5e:00.0: ... limited by ... PCIe x8
    // link", "mlx5_core 0000:4c:00.0: Port module event ...") names the HCA at that bus id when the
    // case's lines on the node tie the address to one HCA (HcaOfBusId, PLC23). An IB link fault with
    // no HCA named takes it when every such line of its support on the node maps to that one HCA. A
    // PCIe fault is a NIC's only when its strongest log line on the node is that NIC's own driver line
    // and no GPU is named: else its HCA stays unset (FormatComponent places PCIe faults on GPUs).
    if (c == "pcie_link_degraded" || c == "ib_link_failure") {
      const bool pcie = c == "pcie_link_degraded";
      std::set<std::string> hcas;
      bool unmapped = false;
      const bool can_map = h.gpu < 0 && !h.node.empty() && case_storage_ && case_storage_->c != nullptr &&
                           case_storage_->topo != nullptr && (pcie || h.hca.empty());
      for (const Observation* o : support) {
        if (!can_map) break;
        if (o->evidence.kind != EvidenceKind::kLog || o->hint.node != h.node) continue;
        // The device's own line (no netdev slot: those name a netdev, HcaOfNetdev ties them).
        const std::optional<Mlx5DriverLine> dev = ParseMlx5DriverLine(o->evidence.detail);
        const std::string bus = dev && dev->netdev.empty() ? dev->bus : std::string();
        if (bus.empty()) {
          if (pcie) break;  // the PCIe fault's strongest line is not an mlx5 device's
          continue;
        }
        auto key = std::make_pair(h.node, "pci " + bus);
        auto it = case_storage_->netdev_hca.find(key);
        if (it == case_storage_->netdev_hca.end())
          it = case_storage_->netdev_hca
                   .emplace(key, HcaOfBusId(*case_storage_->c, *case_storage_->topo, h.node, bus, case_storage_->ran_probes))
                   .first;
        if (it->second.empty()) unmapped = true;
        else hcas.insert(it->second);
        if (pcie) break;  // the strongest line decides
      }
      if (pcie) h.hca.clear();
      if (!unmapped && hcas.size() == 1) h.hca = *hcas.begin();
    }
    return h;
  }

  // Whether `c` was explained away as a downstream symptom of another category.
  bool Discounted(const std::string& c) const { return discounted_.count(c) > 0; }
  // The categories explained away -> the categories that explained them (Discount's `by`).
  const std::map<std::string, std::set<std::string>>& discounted_by() const { return discounted_; }
  // A probe confirmed `c`: a failed probe supports `c` with at least half a fail's weight and
  // singles it out: its reason names `c` (ProbeConfirms), or, naming none, `c` is the one category
  // it supports that the beliefs lead with (not each category a slow GEMM or a slow send/recv
  // could mean: a GEMM hog's slow GEMM confirms the straggler, not throttling at p = 0.004; a
  // send/recv's low bus bandwidth the IB link the logs name, not the NVLink the catalog weighs
  // most); and no probe that passed on the same GPU (or on its whole node) refutes `c` (gpu.health
  // passing clears throttling however much a slow GEMM suggested it).
  bool ConfirmedByProbe(const std::string& c) const {
    for (const Observation& o : obs_) {
      if (o.evidence.kind != EvidenceKind::kProbe) continue;
      auto it = o.deltas.find(c);
      if (it == o.deltas.end() || it->second < kProbeFailWeight * 0.5) continue;
      if (!o.confirms.empty() && !o.confirms.count(c)) continue;
      if (o.confirms.empty()) {
        bool leads = true;
        for (const auto& [other, delta] : o.deltas) {
          if (other != c && delta > 0 && Score(other) >= Score(c)) leads = false;
        }
        if (!leads) continue;
      }
      bool cleared = false;
      for (const Observation& p : obs_) {
        if (p.evidence.kind != EvidenceKind::kProbe || p.hint.node != o.hint.node ||
            (p.hint.gpu >= 0 && p.hint.gpu != o.hint.gpu)) {
          continue;
        }
        auto pt = p.deltas.find(c);
        cleared = cleared || (pt != p.deltas.end() && pt->second <= -kProbePassWeight * 0.5);
      }
      if (!cleared) return true;
    }
    return false;
  }
  bool RefutedByProbe(const std::string& c) const {
    for (const Observation& o : obs_) {
      if (o.evidence.kind != EvidenceKind::kProbe) continue;
      auto it = o.deltas.find(c);
      if (it != o.deltas.end() && it->second <= -kProbePassWeight * 0.5) return true;
    }
    return false;
  }

  const std::vector<Observation>& observations() const { return obs_; }
  const std::map<std::string, double>& scores() const { return score_; }

 private:
  double other_score_;
  const std::map<std::string, std::string>* layers_;  // category -> taxonomy layer (the facts')
  std::map<std::string, double> score_;
  std::string spell_from_, spell_to_;  // SetAlertNodeSpelling
  std::vector<Observation> obs_;
  // Categories explained away (Discount) -> the categories that explained them (none recorded when
  // a rule discounted it for another reason: a pending remap is no cause).
  std::map<std::string, std::set<std::string>> discounted_;
  // The case's lines and, read on the first storage component, those the storage scope reads
  // (StorageLines): shared by copies of these beliefs, so one case is filtered once.
  struct CaseStorage {
    const std::vector<std::string>* all = nullptr;
    std::optional<std::vector<std::string>> lines;
    // The case and its topology, for the per-node mount checks (MountSweepAnswers), read on the
    // first storage component that could be one node's.
    const DiagnosisCase* c = nullptr;
    const Topology* topo = nullptr;
    std::optional<std::map<std::string, SweepAnswer>> sweep;
    std::map<std::pair<std::string, std::string>, std::string> netdev_hca;  // (node, netdev) -> HCA or ""
    Json ran_probes = Json::object();  // "probe@target" -> the result of a probe this diagnosis ran
  };
  std::shared_ptr<CaseStorage> case_storage_;
  int gpus_per_node_ = 0;
  std::set<std::string> nodes_;
  std::map<std::string, std::map<std::string, std::set<int>>> throttle_line_gpus_;  // category -> node -> GPUs
  std::map<std::string, std::set<int>> power_brake_gpus_;  // node -> GPUs in "HW Power Brake Slowdown"
  std::set<std::string> job_wide_;  // categories whose evidence singles out no participant (SetJobWide)
  std::map<std::string, std::string> config_node_;  // category -> the node SetConfigNode named
  std::set<std::string> no_cuda_device_nodes_;       // SetNoCudaDeviceNodes
  std::set<std::string> switch_wide_nodes_;  // SetSwitchWideNode
  std::set<std::string> fan_fault_nodes_;    // SetFanFaultNode
  std::string switch_side_place_;            // SetSwitchSidePlace
  bool alert_spread_ = false;        // the alert's line states its fault on several GPUs / nodes
};

// The component of answer `c`: FormatComponent's, except an nvlink_error the switch side outside the
// nodes explains (Beliefs::SwitchSidePlace, NVS2): the switch tray, or the rack's NVLink domain.
std::string AnswerComponent(const std::string& c, const std::string& layer, const Beliefs& b, const std::string& job) {
  if (c == "nvlink_error" && !b.SwitchSidePlace().empty()) return b.SwitchSidePlace();
  return FormatComponent(c, layer, b.Component(c, job));
}

// NVS2: on a multi-node NVLink domain (GB200 / GB300 NVL72: ShowsMultiNodeNvlinkDomain over the
// topology's gpu_model, the series' modelName, the alert's labels and the lines), the NVLink switch
// side outside the compute trays: a switch tray its own line names as failing (SwitchTrayFaultHost),
// else - no tray named - the NVLink domain that two or more compute trays with an NVLink fault of their
// own GPUs (IsGpuNvlinkFaultLine, placed by PlaceLine) share. One tray's Xid 74 stays that GPU's (PLC19's
// lesson: one access link is the GPU on it).
// NVS3: a tray's line counts only when its time is within the window CompareTrayTime allows around the
// compute trays' first NVLink fault (10 min before .. 2 min after), or when the two times cannot be
// compared (a line without a time, a zoned time against a local one of a case with no declared zone);
// a line in the window is taken before one not compared. Line times: ParseLineTime, else the fabric
// manager's / IMEX's bracketed stamp (FabricManagerStampTime). The domain: the identifiers the compute
// trays print (NvlinkDomainIdOfLine: nvidia-smi -q's ClusterUUID, GFD's gpu.clique label, NCCL's MNNVL
// fabric UUID) group them before their hostnames do (SharedNvlinkDomain). Returns what was decided about a
// tray line left out by its time, for the trace ("" when nothing was). `lines_show_domain`: some line of
// the case shows the domain (ShowsMultiNodeNvlinkDomain, read in 3a-nvswitch's pass over the lines:
// ReadSwitchSideLine, PLC21).
std::string PlaceSwitchSide(const DiagnosisCase& c, const Topology& topo, Beliefs& beliefs, bool lines_show_domain) {
  bool domain = false;
  if (c.topology.is_object()) {
    auto it = c.topology.find("gpu_model");
    domain = it != c.topology.end() && it->is_string() && ShowsMultiNodeNvlinkDomain(it->get<std::string>());
  }
  for (size_t i = 0; !domain && i < c.metrics.size() && i < 64; ++i) {
    auto m = c.metrics[i].labels.find("modelName");
    domain = m != c.metrics[i].labels.end() && ShowsMultiNodeNvlinkDomain(m->second);
  }
  if (!domain && c.alert) {
    for (const auto& [k, v] : c.alert->labels) domain = domain || ShowsMultiNodeNvlinkDomain(v);
  }
  domain = domain || lines_show_domain;
  if (!domain) return "";
  // The job's nodes as the case's topology lists them: Topology::nodes also holds every log source's
  // host, a switch tray's among them.
  std::set<std::string> compute;
  if (c.topology.is_object()) {
    auto it = c.topology.find("nodes");
    if (it != c.topology.end() && it->is_array()) {
      for (const Json& n : *it) {
        if (n.is_string()) compute.insert(n.get<std::string>());
      }
    }
  }
  auto time_of = [&](const std::string& text) {
    LineTime t = ParseLineTime(text, topo.clock);
    if (t.ms == std::numeric_limits<int64_t>::max()) t = FabricManagerStampTime(text, topo.clock);
    return t;
  };
  struct TrayLine {
    std::string host;
    LineTime time;
    std::string text;
  };
  std::vector<TrayLine> trays;
  std::set<std::string> faulty;
  std::map<std::string, std::set<std::string>> domain_ids;  // node -> NvlinkDomainIdOfLine's identifiers
  LineTime first_fault;
  for (const CaseLog& log : c.logs) {
    for (size_t ki = 0; ki < log.lines.size(); ++ki) {
      const std::string& text = log.lines[ki].text;
      if (std::string tray = SwitchTrayFaultHost(text, log.source, compute); !tray.empty() && trays.size() < 64) {
        trays.push_back({std::move(tray), time_of(text), text.substr(0, 160)});
      }
      if (std::string id = NvlinkDomainIdOfLine(text); !id.empty()) {
        const std::string node = PlaceLine(log, ki, text, topo).node;
        if (!node.empty()) domain_ids[node].insert(std::move(id));
      }
      if (!IsGpuNvlinkFaultLine(text)) continue;
      const std::string node = PlaceLine(log, ki, text, topo).node;
      if (!node.empty()) faulty.insert(node);
      const LineTime t = time_of(text);
      if (t.ms < first_fault.ms) first_fault = t;
    }
  }
  // The tray: the first whose line is in the window, else the first whose time cannot be compared.
  std::string tray, uncompared, note;
  for (const TrayLine& l : trays) {
    const TrayTiming timing = CompareTrayTime(l.time, first_fault);
    if (timing == TrayTiming::kExplains) {
      tray = l.host;
      break;
    }
    if (timing == TrayTiming::kNotCompared) {
      if (uncompared.empty()) uncompared = l.host;
      continue;
    }
    if (!note.empty()) continue;
    const int64_t minutes = (l.time.ms - first_fault.ms) / 60'000;
    note = "switch tray " + l.host + "'s fault line (\"" + l.text + "\") is " +
           std::to_string(minutes < 0 ? -minutes : minutes) + " min " + (minutes < 0 ? "before" : "after") +
           " the compute trays' first NVLink fault: outside 10 min before .. 2 min after it, not their cause";
  }
  if (tray.empty()) tray = uncompared;
  if (!tray.empty()) {
    beliefs.SetSwitchSidePlace(tray);
    return note;
  }
  const std::string shared = SharedNvlinkDomain(faulty, domain_ids);
  if (!shared.empty()) beliefs.SetSwitchSidePlace(NvlinkDomainPlace(shared));
  return note;
}

// The source vigil serve gives an incident on-call resolved (POST .../resolution, server/http_api.cc),
// followed by its id: "vigil-serve:incident-7".
constexpr std::string_view kServedIncidentSource = "vigil-serve:incident-";
// An answer from a recalled incident alone is no more sure than this (a probe-confirmed one reaches
// ReasonerOptions::stop_confidence, 0.9).
constexpr double kServedRecallMaxConfidence = 0.5;

// The alert name a served incident was raised for: the first line of its text, "Alert NAME".
std::string ServedAlertName(const Incident& inc) {
  std::string_view t = inc.raw_text;
  if (!t.starts_with("Alert ")) return "";
  t.remove_prefix(6);
  return std::string(t.substr(0, t.find('\n')));
}

// Labels that say WHERE an alert fired (a node, a GPU, a pod, a rank), not what it is about: two
// firings of one alert that differ only in these are the same alert at another place.
// The node labels are node_names.h's kNodeLabelKeys (RVFIX2: one list, not a copy of it here).
bool IsPlaceLabel(std::string_view k) {
  static constexpr std::string_view kOtherPlace[] = {"gpu",  "GPU",    "gpu_index",  "minor_number", "UUID",
                                                     "uuid", "device", "pci_bus_id", "pod",          "exported_pod",
                                                     "rank", "local_rank"};
  return std::find(std::begin(kNodeLabelKeys), std::end(kNodeLabelKeys), k) != std::end(kNodeLabelKeys) ||
         std::find(std::begin(kOtherPlace), std::end(kOtherPlace), k) != std::end(kOtherPlace);
}

// The alert part of a served incident's text (KnowledgeIncidentFromResolution, server/http_api.cc):
// "Alert NAME", the summary and description annotations, "Labels: k=v k=v ...", "Expression: E"
// (since DX), then "Diagnosis by vigil: ..." / "Diagnosis failed: ...", "Found by ...".
struct ServedAlertText {
  std::string annotations;  // the annotation lines, joined
  Labels labels;
  bool has_labels = false;
  std::string expression;  // "" when the entry has none (written before DX, or no generatorURL)
};

bool IsAsciiLetter(char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'); }
bool IsAsciiNumeral(char ch) { return ch >= '0' && ch <= '9'; }

bool IsLabelName(std::string_view t) {
  if (t.empty() || !(IsAsciiLetter(t[0]) || t[0] == '_')) return false;
  return std::all_of(t.begin(), t.end(), [](char ch) { return (IsAsciiLetter(ch) || IsAsciiNumeral(ch)) || ch == '_'; });
}

ServedAlertText ParseServedAlertText(std::string_view t) {
  ServedAlertText out;
  size_t pos = t.find('\n');
  while (pos != std::string_view::npos) {
    const size_t next = t.find('\n', pos + 1);
    std::string_view line = t.substr(pos + 1, next == std::string_view::npos ? std::string_view::npos : next - pos - 1);
    pos = next;
    if (line.starts_with("Diagnosis by vigil:") || line.starts_with("Diagnosis failed:") || line.starts_with("Found by ")) break;
    if (line.starts_with("Labels:")) {
      out.has_labels = true;
      // " k=v k=v": a word that does not start "name=" continues the previous value (a value with spaces).
      std::string* value = nullptr;
      std::string_view rest = line.substr(7);
      while (!rest.empty()) {
        const size_t sp = rest.find(' ');
        std::string_view word = rest.substr(0, sp);
        rest = sp == std::string_view::npos ? std::string_view() : rest.substr(sp + 1);
        const size_t eq = word.find('=');
        if (eq != std::string_view::npos && IsLabelName(word.substr(0, eq))) {
          value = &out.labels[std::string(word.substr(0, eq))];
          *value = std::string(word.substr(eq + 1));
        } else if (value != nullptr) {
          *value += ' ';
          *value += word;
        }
      }
    } else if (line.starts_with("Expression: ")) {
      out.expression = std::string(line.substr(12));
    } else if (!out.has_labels && out.expression.empty()) {
      out.annotations += std::string(line) + "\n";
    }
  }
  return out;
}

// `s` with each run of white space one ' ' and none at either end (serve writes a multi-line
// expression on one line).
std::string SpacesCollapsed(std::string_view s) {
  std::string out;
  for (char ch : s) {
    const bool space = ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t';
    if (!space) out += ch;
    else if (!out.empty() && out.back() != ' ') out += ' ';
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// Where an alert fired, in words, read as an answer's component is (NodeOf, GpuOf), so the two
// compare: "node-3/gpu5" (its node, a port dropped: `instance="node-3:9100"` is node-3; its numeric
// gpu, `gpu_index` / `minor_number` too), else its place labels "pod=p rank=3"; "" when it has none.
std::string PlaceOf(const Labels& labels) {
  std::string node = NodeOf(labels);
  if (!node.empty()) {
    if (const int gpu = GpuOf(labels); gpu >= 0) {
      node += "/gpu";
      node += std::to_string(gpu);
    } else if (const auto [key, value] = GpuLabelOf(labels); !value.empty()) {
      node += '/';  // a GPU no index names (gpu="nvidia5"): by its label (review RV-RR)
      node += key;
      node += '=';
      node += value;
    }
    return node;
  }
  std::string out;
  for (const auto& [k, v] : labels) {
    if (!IsPlaceLabel(k) || v.empty()) continue;
    if (!out.empty()) out += ' ';
    out += k + "=" + v;
  }
  return out;
}

// Whether two alerts' labels name the same place: the same node and GPU as NodeOf / GpuOf read them
// (whichever label names them: `instance="node-3:9100"` and `Hostname="node-3"` are one node, as an
// on-call engineer reads them, and `gpu_index="5"` is gpu 5), and every other place label (pod,
// rank, UUID, ...) equal (absent = ""); the gpu labels too when no side names a GPU index.
bool SamePlace(const Labels& a, const Labels& b) {
  const int gpu = GpuOf(a);
  // One node whichever names it (node_names.h: every node label, case, FQDN, addresses); no node
  // on either side is the same node, a node on one side only is not.
  const NodeNames na = NodeNamesOf(a), nb = NodeNamesOf(b);
  if (na.empty() != nb.empty() || (!na.empty() && !SameNode(na, nb)) || gpu != GpuOf(b)) return false;
  auto read_by = [](const auto& list, std::string_view k) {
    return std::find(std::begin(list), std::end(list), k) != std::end(list);
  };
  std::set<std::string> keys;
  for (const auto& [k, v] : a) if (IsPlaceLabel(k)) keys.insert(k);
  for (const auto& [k, v] : b) if (IsPlaceLabel(k)) keys.insert(k);
  for (const std::string& k : keys) {
    // The GPU labels are skipped only when both sides read one index from them: with none on
    // either side (-1 == -1) gpu="nvidia0" and gpu="nvidia5", or gpu="nvidia5" and no gpu label,
    // are other places (review RV-RR), compared value for value below.
    if (read_by(kNodeLabelKeys, k) || (gpu >= 0 && read_by(kGpuLabels, k))) continue;
    auto x = a.find(k);
    auto y = b.find(k);
    if ((x == a.end() ? "" : x->second) != (y == b.end() ? "" : y->second)) return false;
  }
  return true;
}

// How many lines AllocatorOomOf reads for the caching allocator's message.
constexpr size_t kAllocatorOomLines = 200000;

// The PyTorch caching allocator's OOM message ("CUDA out of memory. Tried to allocate 2.50 GiB. GPU 3
// has a total capacity of 79.15 GiB ... and 312.45 MiB is reserved by PyTorch but unallocated."):
// the one request's size, the GPU's capacity and the reserve held unallocated, in bytes (-1 when the
// message does not print it). The first such line of the logs, else of the alert's text.
struct AllocatorOom {
  double tried = -1;
  double capacity = -1;
  double reserved_unallocated = -1;
  std::string tried_text, capacity_text, reserved_text;
};

std::optional<AllocatorOom> AllocatorOomOf(const DiagnosisCase& c) {
  static const std::string kSize = R"((\d{1,12}(?:\.\d{1,6})?) ?(bytes|B|KiB|MiB|GiB|TiB|PiB)\b)";
  auto re = [](const char* before, const char* after) {
    std::string r = before;
    r += kSize;
    r += after;
    return std::regex(r);
  };
  static const std::regex kTried = re("Tried to allocate ", "");
  static const std::regex kCapacity = re("total capacity of ", "");
  static const std::regex kReserved = re("", " is reserved by PyTorch but unallocated");
  auto bytes = [](const std::smatch& m) {
    static const std::map<std::string, double> kUnit = {{"bytes", 1.0}, {"B", 1.0}, {"KiB", 1024.0},
                                                        {"MiB", 1048576.0}, {"GiB", 1073741824.0},
                                                        {"TiB", 1099511627776.0}, {"PiB", 1125899906842624.0}};
    return ParseDouble(m.str(1)).value_or(-1) * kUnit.at(m.str(2));
  };
  auto read = [&](const std::string& text) -> std::optional<AllocatorOom> {
    if (text.size() > 8000 || text.find("Tried to allocate") == std::string::npos) return std::nullopt;
    std::smatch m;
    if (!std::regex_search(text, m, kTried)) return std::nullopt;
    AllocatorOom o;
    o.tried = bytes(m);
    o.tried_text = m.str(0).substr(std::string("Tried to allocate ").size());
    if (std::regex_search(text, m, kCapacity)) {
      o.capacity = bytes(m);
      o.capacity_text = m.str(0).substr(std::string("total capacity of ").size());
    }
    if (std::regex_search(text, m, kReserved)) {
      o.reserved_unallocated = bytes(m);
      o.reserved_text = m.str(1);
      o.reserved_text += ' ';
      o.reserved_text += m.str(2);
    }
    return o;
  };
  size_t n = 0;
  for (const CaseLog& log : c.logs) {
    for (const LogLine& line : log.lines) {
      if (++n > kAllocatorOomLines) return std::nullopt;
      if (std::optional<AllocatorOom> o = read(line.text)) return o;
    }
  }
  if (c.alert) {
    for (const auto& [k, v] : c.alert->annotations) {
      if (std::optional<AllocatorOom> o = read(v)) return o;
    }
  }
  return std::nullopt;
}

// The fix of a CUDA OOM as the allocator's own message reads (RG9). One request larger than the
// GPU's whole memory ("Tried to allocate 4.00 TiB" on a GPU of 139.80 GiB; H200 run 25 recorded
// 4096.00 GiB) fits no batch size and no allocator setting: a size bug in the code that asks for it
// (a tensor's shape, a wrong dimension, a product of sizes, its dtype or bytes taken for elements).
// Otherwise PyTorch's own advice, expandable_segments, is for a large reserve held unallocated: when
// that reserve could have served the request (at least its size), the fragmentation fix of the facts
// is the one to quote; when it is small, not. "" keeps the fix the reasoner chose.
std::string AllocatorOomFix(const DiagnosisCase& c, const KnowledgeFacts& facts, const std::string& chosen) {
  const std::optional<AllocatorOom> oom = AllocatorOomOf(c);
  if (!oom || oom->tried <= 0) return "";
  if (oom->capacity > 0 && oom->tried > oom->capacity) {
    std::string fix = "One allocation asked for ";
    fix += oom->tried_text;
    fix += ", larger than the GPU's whole memory (";
    fix += oom->capacity_text;
    fix += "): a size bug in the code that allocates it, not fragmentation and not the batch size. Find the "
           "allocation in the traceback and check the tensor's shape (a wrong or swapped dimension, sizes "
           "multiplied that were meant to be added, an overflowed or uninitialised size), its dtype, and bytes "
           "taken for elements; neither a smaller batch nor an allocator setting against fragmentation will "
           "make it fit.";
    return fix;
  }
  if (oom->reserved_unallocated < 0) return "";
  const bool large_reserve = oom->reserved_unallocated >= oom->tried;
  const bool chosen_fragmentation = chosen.find("expandable_segments") != std::string::npos;
  if (large_reserve == chosen_fragmentation) return "";
  for (const auto& [id, inc] : facts.incidents) {
    if (inc.root_cause != "cuda_oom" || inc.mitigation.empty()) continue;
    if ((inc.mitigation.find("expandable_segments") != std::string::npos) == large_reserve) return inc.mitigation;
  }
  return "";
}

// The fix of a past incident as this diagnosis may quote it (`component` this answer's place): a
// served incident's fix verbatim only when its alert fired at this alert's place; else said to be
// that place's (review RV-DX: the probe-decided answer quoted "drained node-12 ..." bare for an
// alert on node-3). Other incidents' fixes (the pack's, written for no node): verbatim.
std::string PastFixQuoted(const DiagnosisCase& c, const Incident& inc, const std::string& component) {
  const std::string& fix = inc.mitigation;
  if (!inc.source.starts_with(kServedIncidentSource) || inc.source.size() == kServedIncidentSource.size()) return fix;
  const ServedAlertText past = ParseServedAlertText(inc.raw_text);
  // Verbatim only when this answer's place is also the past one's, or lies within it ("node-3"
  // and "node-3/gpu5"): the evidence may put the fault elsewhere than the alert's labels (an NCCL
  // timeout alerted on node-1, the OOM that caused it on node-2/gpu5).
  const std::string past_place = PlaceOf(past.labels);
  // The node part compared as node_names.h does ("node-3/gpu5" is within "NODE-3.cluster.local").
  auto within = [](const std::string& a, const std::string& b) {
    if (a == b || (a.size() > b.size() && a.starts_with(b) && a[b.size()] == '/')) return true;
    const size_t sa = a.find('/'), sb = b.find('/');
    const std::string rest_a = sa == std::string::npos ? "" : a.substr(sa);
    const std::string rest_b = sb == std::string::npos ? "" : b.substr(sb);
    return SameNodeName(a.substr(0, sa), b.substr(0, sb)) && (rest_a == rest_b || rest_b.empty());
  };
  // Or at the alert's own place, which SamePlace below finds to be the past one's under another
  // name (`instance="10.0.0.3:9100"` then, `Hostname="node-3"` with that instance now).
  const std::string alert_place = c.alert ? PlaceOf(c.alert->labels) : "";
  const bool here = component.empty() || past_place.empty() || within(component, past_place) ||
                    within(past_place, component) ||
                    (!alert_place.empty() && (within(component, alert_place) || within(alert_place, component)));
  if (c.alert && SamePlace(c.alert->labels, past.labels) && here) return fix;
  std::string name;
  if (c.alert) {
    name = c.alert->rule;
    if (auto it = c.alert->labels.find("alertname"); name.empty() && it != c.alert->labels.end()) name = it->second;
  }
  const std::string past_name = ServedAlertName(inc);
  std::string out = "Past incident #";
  out += inc.source.substr(kServedIncidentSource.size());
  if (!past_place.empty()) out += " on " + past_place;
  out += " (";
  if (!name.empty() && past_name == name) {
    out += "same alert, ";
  } else if (!past_name.empty()) {
    out += "alert ";
    out += past_name;
    out += ", ";
  }
  out += "same cause category";
  if (!component.empty()) out += "; this answer is on " + component;
  out += ")";
  out += fix.empty() ? std::string(" has no fix on file") : " was resolved by: " + fix;
  return out;
}

// The words of an alert's annotation text an on-call would compare: lower-cased runs of letters,
// digits, '-', '_', '.', less numbers (the measured value of this firing: "3.4 s" vs "3.1 s") and
// the values of place labels (node-3 vs node-12: that is the place, decided by the labels). A
// number after "Xid", "SXid" or "code" names the fault, not a value (Xid 79: the GPU is lost; Xid
// 13: an application's fault): kept as "xid 79" (review RV-DX: Xid 13 on node-3 answered as a
// recurrence of a resolved Xid 79 there, its fix "reseat GPU 5" quoted).
std::set<std::string> AboutWords(std::string_view text, const std::set<std::string>& place_values) {
  std::set<std::string> out;
  std::string w;
  std::string prev;  // the word before w
  auto flush = [&] {
    while (!w.empty() && (w.back() == '.' || w.back() == '-')) w.pop_back();
    if (w.empty()) return;
    const bool number = std::all_of(w.begin(), w.end(), [](char ch) {
      return IsAsciiNumeral(ch) || ch == '.' || ch == '-';
    });
    if (number && (prev == "xid" || prev == "sxid" || prev == "code")) {
      std::string code = prev;
      code += ' ';
      code += w;
      out.insert(std::move(code));
    } else if (!number && !place_values.count(w) &&
               // A place under another spelling ("node-3.cluster.local" for node-3; review CF).
               std::none_of(place_values.begin(), place_values.end(),
                            [&](const std::string& v) { return SameNodeName(w, v); })) {
      out.insert(w);
    }
    prev = std::move(w);
    w.clear();
  };
  for (char ch : text) {
    if ((IsAsciiLetter(ch) || IsAsciiNumeral(ch)) || ch == '-' || ch == '_' || ch == '.') w += AsciiToLower(ch);
    else flush();
  }
  flush();
  return out;
}

// A served incident's alert text must be at least this similar (Jaccard of AboutWords) to this
// alert's: its summary/description say the same thing once values and places are set aside.
constexpr double kServedRecallMinSimilarity = 0.5;

// A strong recall (StrongServedRecall) and how it relates to this alert.
struct ServedRecallMatch {
  const SearchHit* hit = nullptr;
  bool same_place = false;  // every place label equal: a recurrence here
  std::string past_place;   // PlaceOf the past incident's labels
  double similarity = 0;
  int recurrences = 0;      // served incidents of this alert, this place and category among those recalled
  int64_t last_ms = 0;      // the latest one's start
};

// A strong recall that may answer when nothing else decides (else no hit): the best hit is an
// incident vigil serve diagnosed and on-call then resolved (its source kServedIncidentSource, its
// root cause theirs), raised by an alert of the same name as this case's, about the same thing
// (every label but the place labels equal, the alert expression equal when both have one, the
// annotation text at least kServedRecallMinSimilarity alike); it is first in every ranker that ran
// (lexical, and dense when the search had dense ranks); its category leads the hypotheses; and no
// probe spoke against it: none lowered it (a pass that refutes it) and none confirmed another
// category. `why_not` says which test failed, for the trace.
ServedRecallMatch StrongServedRecall(const DiagnosisCase& c, const KnowledgeFacts& facts, const Beliefs& beliefs,
                                     const std::vector<Hypothesis>& hypotheses, std::string* why_not) {
  ServedRecallMatch m;
  if (facts.recalled.empty() || !c.alert || hypotheses.empty()) return m;
  const SearchHit& hit = facts.recalled.front();
  if (hit.kind != SearchHit::Kind::kIncident || hit.category.empty() ||
      !hit.incident.source.starts_with(kServedIncidentSource) ||
      hit.incident.source.size() == kServedIncidentSource.size() || hypotheses[0].category != hit.category) {
    return m;
  }
  bool dense_ran = false;
  for (const SearchHit& h : facts.recalled) dense_ran = dense_ran || h.dense_rank > 0;
  if (hit.lexical_rank != 1 || (dense_ran && hit.dense_rank != 1)) return m;
  std::string name = c.alert->rule;
  if (auto it = c.alert->labels.find("alertname"); name.empty() && it != c.alert->labels.end()) name = it->second;
  if (name.empty() || ServedAlertName(hit.incident) != name) return m;
  for (const Observation& o : beliefs.observations()) {
    if (o.evidence.kind != EvidenceKind::kProbe) continue;
    for (const auto& [cat, delta] : o.deltas) {
      if (cat == hit.category && delta < 0) {
        *why_not = o.evidence.source + " lowered " + cat;
        return m;
      }
      // No case with the default other_score (1.0) is known to reach this (agents/HISTORY.md, review
      // RR): a confirmed category scores at least +2 from its probe, and a leader at or above it
      // beats the bucket; only passes that lower it without clearing it could bring it under.
      if (cat != hit.category && delta > 0 && beliefs.ConfirmedByProbe(cat)) {
        std::string why = "a probe confirmed another category: ";
        why += cat;
        why += " (supported by ";
        why += o.evidence.source;
        why += ")";
        *why_not = std::move(why);
        return m;
      }
    }
  }
  // What the alert is about: the labels but the place, and its expression.
  const Labels& now = c.alert->labels;
  auto agree = [&](const SearchHit& h, std::string* why) {
    const ServedAlertText past = ParseServedAlertText(h.incident.raw_text);
    if (!past.has_labels && !now.empty()) {
      *why = "the past incident's text lists no labels to compare";
      return false;
    }
    std::set<std::string> keys;
    for (const auto& [k, v] : now) keys.insert(k);
    for (const auto& [k, v] : past.labels) keys.insert(k);
    for (const std::string& k : keys) {
      if (IsPlaceLabel(k)) continue;
      auto a = now.find(k);
      auto b = past.labels.find(k);
      const std::string va = a == now.end() ? "" : a->second, vb = b == past.labels.end() ? "" : b->second;
      if (va != vb) {
        *why = "label " + k + " differs (this alert `" + va + "`, the past one `" + vb + "`)";
        return false;
      }
    }
    const std::string expr = SpacesCollapsed(ExpressionFromGeneratorUrl(AlertGeneratorUrl(*c.alert)));
    if (!expr.empty() && !past.expression.empty() && expr != SpacesCollapsed(past.expression)) {
      *why = "the alert expression differs (this alert `" + expr + "`, the past one `" + past.expression + "`)";
      return false;
    }
    return true;
  };
  std::string why;
  if (!agree(hit, &why)) {
    *why_not = why;
    return m;
  }
  const ServedAlertText past = ParseServedAlertText(hit.incident.raw_text);
  std::set<std::string> place_values;
  for (const Labels* ls : {&now, &past.labels}) {
    for (const auto& [k, v] : *ls) {
      if (!IsPlaceLabel(k) || v.empty()) continue;
      place_values.insert(AsciiLower(v));
      // instance="node-12:9100": the text says "node-12" (':' splits words; review RV-RR).
      place_values.insert(AsciiLower(InstanceHost(v)));
    }
  }
  std::string now_text;
  for (const char* key : {"summary", "description"}) {
    if (auto it = c.alert->annotations.find(key); it != c.alert->annotations.end()) now_text += it->second + "\n";
  }
  const std::set<std::string> a = AboutWords(now_text, place_values), b = AboutWords(past.annotations, place_values);
  size_t common = 0;
  for (const std::string& w : a) common += b.count(w);
  const size_t all = a.size() + b.size() - common;
  m.similarity = all == 0 ? 1.0 : static_cast<double>(common) / static_cast<double>(all);
  if (m.similarity < kServedRecallMinSimilarity) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "the alert texts are too unlike (%.2f of their words shared, at least %.2f needed)",
                  m.similarity, kServedRecallMinSimilarity);
    *why_not = buf;
    return m;
  }
  // The fault codes the texts name ("xid 79", AboutWords: the only entries with a space) must be
  // the same: another Xid is another fault however alike the rest of the words.
  auto codes = [](const std::set<std::string>& words) {
    std::string out;
    for (const std::string& w : words) {
      if (w.find(' ') == std::string::npos) continue;
      if (!out.empty()) out += ", ";
      out += w;
    }
    return out;
  };
  if (const std::string ca = codes(a) + NamedCauseCodes(now_text), cb = codes(b) + NamedCauseCodes(past.annotations);
      ca != cb) {
    std::string why = "the alert texts name other fault codes (this alert `";
    why += ca;
    why += "`, the past one `";
    why += cb;
    why += "`)";
    *why_not = std::move(why);
    m.similarity = 0;
    return m;
  }
  auto same_place = [&](const Labels& other) { return SamePlace(now, other); };
  m.hit = &hit;
  m.same_place = same_place(past.labels);
  m.past_place = PlaceOf(past.labels);
  if (m.same_place) {
    for (const SearchHit& h : facts.recalled) {
      if (h.kind != SearchHit::Kind::kIncident || !h.incident.source.starts_with(kServedIncidentSource) ||
          h.category != hit.category || ServedAlertName(h.incident) != name) {
        continue;
      }
      std::string ignored;
      if (!agree(h, &ignored) || !same_place(ParseServedAlertText(h.incident.raw_text).labels)) continue;
      ++m.recurrences;
      m.last_ms = std::max(m.last_ms, h.incident.started_at_ms);
    }
  }
  return m;
}

// An MoE job's routing as its logs and the imbalance evidence show it (RG4, realistic8 rl8-06):
// the expert the router skews the tokens onto, since when, and where that expert lives.
struct MoeRouting {
  int hot_expert = -1;        // -1: none, or sightings that disagree about which expert
  int64_t since = kNoTime;    // the earliest sighting of the skew
  int num_experts = 0;        // Megatron's `num_experts`, DeepSpeed's `num_experts`
  int expert_parallel = 0;    // `expert_model_parallel_size`, DeepSpeed's `ep_size`
  int tensor_parallel = 1;    // `tensor_model_parallel_size`
  // Each timed 'tokens per expert' line: its time and whether it was skewed. The skew holds at a
  // time when the last such line at or before it was skewed (a router that recovered is no
  // collapse any more: review RV-RG4); with no line before it, from `since` on.
  std::vector<std::pair<int64_t, bool>> counts_at;
  bool SkewedAt(int64_t t) const {
    if (t == kNoTime || since == kNoTime || t < since) return false;
    int64_t last = kNoTime;
    bool skewed = true;
    for (const auto& [at, sk] : counts_at) {
      if (at <= t && (last == kNoTime || at >= last)) {
        last = at;
        skewed = sk;
      }
    }
    return skewed;
  }
  // The router statistics read in each log (its source), by line number: whether each was skewed.
  // A line that prints no time (an OOM traceback under srun -l) is placed by them (PLC11): the skew
  // holds at it when the last statistic above it in its log was skewed.
  std::map<std::string, std::vector<std::pair<int, bool>>> readings_by_line;
  bool SkewedAtLine(const std::string& evidence_source) const {
    const size_t colon = evidence_source.rfind(':');
    if (colon == std::string::npos) return false;
    auto it = readings_by_line.find(evidence_source.substr(0, colon));
    const std::optional<int64_t> number = ParseInt(evidence_source.substr(colon + 1));
    if (it == readings_by_line.end() || !number) return false;
    bool skewed = false;
    for (const auto& [at, sk] : it->second) {
      if (at <= *number) skewed = sk;  // in line order
    }
    return skewed;
  }
  // Whether the skew holds at an observation: by its time, else by its line.
  bool SkewedAt(const Observation& o) const {
    return o.time_ms != kNoTime ? SkewedAt(o.time_ms) : SkewedAtLine(o.evidence.source);
  }
};

// The hot expert is read from the imbalance evidence the beliefs hold (an `expert="4"` label on the
// series whose condition held) and from per-expert token counts a log prints ("tokens per expert
// [980, 1120, 660, 990, 9860, ...]") whose max is over kMoeHotFactor times their mean (the pack's
// own bar for a collapsed router); the parallel sizes from the argument dump Megatron and DeepSpeed
// print ("  expert_model_parallel_size ........ 8", "ep_size: 8").
MoeRouting ReadMoeRouting(const DiagnosisCase& c, const Beliefs& b, const LogClock& clock) {
  constexpr double kMoeHotFactor = 4.0;
  static const std::regex kExpertLabel(R"re(\bexpert="(\d{1,4})")re");
  static const std::regex kTokens(R"(\btokens per expert\s*[:=]?\s*\[([\d,\s]{1,2000})\])", std::regex::icase);
  MoeRouting r;
  bool disagree = false;
  auto sighting = [&](int expert, int64_t t) {
    if (r.hot_expert >= 0 && r.hot_expert != expert) disagree = true;
    r.hot_expert = expert;
    if (t != kNoTime && (r.since == kNoTime || t < r.since)) r.since = t;
  };
  for (const Observation& o : b.observations()) {
    auto it = o.deltas.find("moe_expert_imbalance");
    if (it == o.deltas.end() || it->second <= 0 || o.evidence.kind != EvidenceKind::kMetric) continue;
    std::smatch m;
    if (std::regex_search(o.evidence.source, m, kExpertLabel)) sighting(std::stoi(m.str(1)), o.time_ms);
  }
  for (const CaseLog& log : c.logs) {
    for (const LogLine& line : log.lines) {
      const std::string& t = line.text;
      if (t.size() > 3000) continue;
      std::smatch m;
      if (t.find("xpert") != std::string::npos && std::regex_search(t, m, kTokens)) {
        std::vector<double> counts;
        const std::string list = m.str(1);
        bool every = true;  // a word that is no count (empty, too long) would shift the experts' indices
        for (size_t at = 0; at < list.size();) {
          const size_t end = std::min(list.find(',', at), list.size());
          std::string word = list.substr(at, end - at);
          word.erase(0, word.find_first_not_of(" \t"));
          word.erase(word.find_last_not_of(" \t") + 1);
          if (std::optional<int64_t> v = ParseInt(word); v && *v >= 0) counts.push_back(static_cast<double>(*v));
          else every = false;
          at = end + 1;
        }
        if (!every || counts.size() < 2) continue;
        double sum = 0;
        for (double v : counts) sum += v;
        const size_t hot = static_cast<size_t>(std::max_element(counts.begin(), counts.end()) - counts.begin());
        const int64_t when = LineTimeMs(t, clock);
        const bool skewed = sum > 0 && counts[hot] > kMoeHotFactor * sum / static_cast<double>(counts.size());
        if (skewed) sighting(static_cast<int>(hot), when);
        if (when != kNoTime) r.counts_at.emplace_back(when, skewed);
        r.readings_by_line[log.source].emplace_back(line.number, skewed);
        continue;
      }
      // A router statistic that names its busiest expert ("max/mean = 17.5 (expert 50, ...)"; PLC11).
      if (t.find("max") != std::string::npos || t.find("median") != std::string::npos) {
        if (const std::optional<double> ratio = MoeMaxOverMean(t)) {
          const std::optional<int> busiest = MoeBusiestExpert(t);
          const bool skewed = *ratio > kMoeHotFactor;
          if (busiest || !skewed) {  // a skew with no expert named tells nothing of which
            const int64_t when = LineTimeMs(t, clock);
            if (skewed) sighting(*busiest, when);
            if (when != kNoTime) r.counts_at.emplace_back(when, skewed);
            r.readings_by_line[log.source].emplace_back(line.number, skewed);
          }
          continue;
        }
      }
      if (t.find("_size") == std::string::npos && t.find("xperts") == std::string::npos) continue;
      const MoeArgs a = MoeParallelArgs(t);
      if (a.num_experts > 0) r.num_experts = a.num_experts;
      if (a.expert_parallel > 0) r.expert_parallel = a.expert_parallel;
      if (a.tensor_parallel > 0) r.tensor_parallel = a.tensor_parallel;
    }
  }
  if (disagree) r.hot_expert = -1;
  return r;
}

// Whether a knowledge incident filed under `part` (its `component`: gpu, pcie, nvlink, host,
// storage, network, ib, job) can be the fix for an answer on `component` ("node/gpu3",
// "node/mlx5_2", "node", "job"): a GPU's answer takes no host, storage or network incident's fix, an
// HCA's none of a GPU's or a host's. A node or the job takes any (RG4, DOG's C).
bool IncidentFitsComponent(const std::string& part, const std::string& component) {
  const size_t slash = component.find('/');
  if (slash == std::string::npos) return true;
  const std::string sub = component.substr(slash + 1);
  if (sub.rfind("gpu", 0) == 0) return part != "host" && part != "storage" && part != "network" && part != "ib";
  if (sub.rfind("mlx5_", 0) == 0 || sub.rfind("hfi1_", 0) == 0 || sub.rfind("ib", 0) == 0) {
    return part != "gpu" && part != "host" && part != "nvlink" && part != "pcie";
  }
  return true;
}

// Whether a cAdvisor CFS-throttling series `s` is the job's own container's (RG4). The job's pods,
// when the case names them (a log source's ".../pod/NAME/..." segment, the alert's `pod` label):
// the series' `pod` must be one of them. Otherwise by the container's name: one that runs on every
// node of the job that has throttling series (the job's workload on each of its nodes), not another
// pod's container on one node (a log shipper's tight limit). A series with no container label is
// kept (nothing tells). A DaemonSet's container is never the job's (DaemonSetSeries: its owner read
// from the series' labels or the case's kube_pod_owner / kube_pod_info series; RG6). With neither,
// and no job pod named, a DaemonSet's container (on every node) still counts: nothing tells.
bool JobThrottleSeries(const DiagnosisCase& c, const Topology& topo, const std::vector<TimeSeries>& series,
                       const TimeSeries& s) {
  const std::optional<std::string> label = ContainerOf(s.labels);
  if (!label) return true;
  const std::string& container = *label;
  if (container.empty() || container == "POD") return false;  // the pod's own cgroup, the pause container
  if (DaemonSetSeries(series, s)) return false;  // a DaemonSet's container is no job's (RG6)
  std::set<std::string> job_pods;
  for (const CaseLog& log : c.logs) {
    const size_t at = log.source.find("pod/");
    if (at == std::string::npos || (at > 0 && log.source[at - 1] != '/')) continue;
    const std::string rest = log.source.substr(at + 4);
    const std::string pod = rest.substr(0, rest.find('/'));
    if (!pod.empty()) job_pods.insert(pod);
  }
  if (c.alert) {
    // An alert scraped through an exporter (DCGM's, kube-state-metrics) carries the exporter's pod as
    // `pod` and the workload's as `exported_pod`: the latter names the job's pod when present.
    for (const char* key : {"exported_pod", "pod"}) {
      if (auto it = c.alert->labels.find(key); it != c.alert->labels.end() && !it->second.empty()) {
        job_pods.insert(it->second);
        break;
      }
    }
  }
  // A pod the case names is one of the job's, not each of them: an MPIJob's launcher log, one
  // worker's log, an alert on one pod (review RV-RG4: the other workers' containers were dropped, so
  // the job's own container throttled on the slow node, in a pod no log names, did not count). A
  // series of another pod counts when its container is one a named pod's series carries (the job's
  // workload container, "pytorch" in every worker); when no named pod has a series, by the container
  // rule below.
  if (auto pod = s.labels.find("pod"); !job_pods.empty() && pod != s.labels.end()) {
    if (job_pods.count(pod->second)) return true;
    bool named_series = false;
    for (const TimeSeries& t : series) {
      auto tp = t.labels.find("pod");
      if (t.name != s.name || tp == t.labels.end() || !job_pods.count(tp->second)) continue;
      named_series = true;
      if (ContainerOf(t.labels) == container) return true;
    }
    if (named_series) return false;
  }
  std::set<std::string> nodes, with_container;
  for (const TimeSeries& t : series) {
    if (t.name != s.name || t.labels.count("snapshot")) continue;
    const std::string node = NodeOf(t.labels);
    if (node.empty()) continue;
    if (!topo.nodes.empty() && !topo.nodes.count(node) && topo.names.Find(node).empty()) continue;
    nodes.insert(node);
    if (ContainerOf(t.labels) == container) with_container.insert(node);
  }
  return nodes.size() < 2 || with_container.size() == nodes.size();
}

// Alert-only answers (AlertFactsLog, diagnosis_agent.h): an answer whose support is the alert's own
// facts alone - its line (the log AlertFactsLog wrote), its annotations read as alert evidence, and the
// knowledge recalled from its text - rests on a rule's summary of the device state, not on the
// state itself: a suspected cause, not a found one. Its confidence is at most
// kAlertOnlyMaxConfidence (an alert whose logs would show another cause, a confounder, is then never
// answered wrong with confidence), the summary says "suspected", and `unverified` says that only
// the alert was read and what would confirm it (the probes that test the category at the answer's
// place). Any other support (a log read from the cluster, a metric, a probe) lifts it. The cap,
// kAlertOnlyMaxConfidence, is in builtin_reasoner.h (serve's storm triage uses it too).

// The node an observation places its evidence on when that is another node than the alert's (NA):
// "" when the observation names no node, the alert names none, or they are one node by any of the
// alert's names for it (node_names.h).
// A log line the topology does not place (no node in hint: "gpu-2/kern.log" in a case with no
// topology) is another node's when its source's first path part is (LogOfOtherNode, diagnosis_agent.h:
// the rule that adds the alert's line beside another node's line of its code).
// The alert's names for its node: its node labels and instance (node_names.h), with those the case's
// node_exporter series tie to them (WithUnameNames: a nodename beside the alert's address), and
// `alert_node`, the node as the case places it (Topology::alert_node, PlaceAlertNode: the node an
// address-only alert's address is tied to).
NodeNames AlertNodeNames(const DiagnosisCase& c, const std::string& alert_node) {
  if (!c.alert) return NodeNames();
  NodeNames names = WithUnameNames(NodeNamesOf(c.alert->labels), c.metrics);
  names.AddLabelled(alert_node);
  return names;
}

// `alert_node`: Topology::alert_node (PlaceAlertNode), in this function and those below.
std::string OtherNodeThanAlert(const DiagnosisCase& c, const std::string& alert_node, const Observation& o) {
  if (!c.alert || alert_node.empty()) return "";
  if (o.hint.node.empty()) {
    const std::string& src = o.evidence.source;
    if (o.evidence.kind != EvidenceKind::kLog || !LogOfOtherNode(c, alert_node, src)) return "";
    return src.substr(0, src.find('/'));
  }
  if (SameNodeName(alert_node, o.hint.node) || NamesNode(AlertNodeNames(c, alert_node), o.hint.node)) return "";
  return o.hint.node;
}

// Whether an answer placed at `component` ("gpu-7/gpu3", "gpu-7") is about the alert's node: its
// first path part is the alert's node. An answer on the job (or on no place) is not: every node's
// evidence is the job's own (a collective hang seen on four nodes).
bool OnAlertNode(const DiagnosisCase& c, const std::string& alert_node, const std::string& component) {
  if (!c.alert) return false;
  const std::string node = component.substr(0, component.find('/'));
  if (node.empty() || node == "job") return false;
  return alert_node.empty() || SameNodeName(alert_node, node) || NamesNode(AlertNodeNames(c, alert_node), node);
}

// A culprit line placing `category` on one node's own configuration or state (entry_component
// "host"): 3a-node's odd NCCL interface, 3a-peer's unreachable peer, the node Slurm says failed (3a''').
// How many of the job's ranks run on `node`: the topology's GPUs a node (one rank a GPU, the layout
// the rank map assumes), else the ranks the case places there; 0 when neither is known.
int RanksOnNode(const Topology& topo, const std::string& node) {
  if (topo.gpus_per_node > 0) return topo.gpus_per_node;
  int n = 0;
  for (const auto& [rank, hint] : topo.ranks) n += SameNodeName(hint.node, node) ? 1 : 0;
  return n;
}

// Whether `c`'s own evidence puts its fault between two nodes of the case: an observation marked so
// (a node's packet filter dropping another node's packets, 3a-filter), or a line of one node that
// failed to connect to another node's address (FailedConnectAddress, the address tied to a node).
bool FaultBetweenNodes(const Beliefs& b, const Topology& topo, const std::string& c) {
  for (const Observation& o : b.observations()) {
    auto it = o.deltas.find(c);
    if (it == o.deltas.end() || it->second <= 0) continue;
    if (o.between_nodes) return true;
    if (o.evidence.kind != EvidenceKind::kLog || o.hint.node.empty()) continue;
    const std::string address = FailedConnectAddress(o.evidence.detail);
    const std::string peer = address.empty() ? std::string() : topo.names.Find(address);
    if (!peer.empty() && !SameNodeName(peer, o.hint.node)) return true;
  }
  return false;
}

// A failed node.kernel_log probe whose finding the case's own log lines show over (PLC23): the probe
// reads the node's kernel log, which holds the fault's lines and its recovery ("Link down" then
// "Link up" on the same port), and counts the fault's lines alone (vigil-probe counts "link down",
// not the "link up" after it). Where every sighting of the category on that node is recovered and a
// fault of another kind followed (`recovered_cats`, PLC13), the log's lines keep kHistoryFactor of
// their weight; the probe that re-reads them is no fresh confirmation: its support of the category
// keeps kHistoryFactor too, and it confirms nothing of it (realistic29 rl29-29: a port that flapped
// once and came back 7 s later, 2 h after the checkpoints' ENOSPC, confirmed ib_link_failure at
// +4.0 over the file system's fault). Only the kernel log: a probe that measures the link now (an
// NCCL test, ibstat) is fresh evidence either way.
// PLC26: also another process's earlier OOM kill (`oom_other_process`, the kill line's source:line:
// OomKilledOtherProcessEarlier), where node.kernel_log reports it in its words only ("1 OOM kill (pid
// 99120, ...)", no details.categories).
void RecoveredKernelLogFinding(Observation& o, const ProbeResult& pr,
                               const std::map<std::string, std::set<std::string>>& recovered_nodes,
                               const std::map<std::string, std::string>& recovered_cats,
                               const std::string& oom_other_process = "") {
  const bool oom_other = !oom_other_process.empty() && pr.probe == "node.kernel_log";
  if (pr.status != ProbeStatus::kFail || (!KernelLogCategories(pr) && !oom_other) || o.hint.node.empty()) return;
  std::vector<std::string> scaled;
  std::string oom_note;
  // The OOM kill of another process on the probe's node, which the probe reports ("1 OOM kill (pid
  // ...); no Xid"): its support of every category it feeds is that re-read finding's (a probe without
  // details.categories feeds the kernel log's categories alike), scaled alike, and it confirms nothing.
  if (auto oom = o.deltas.find("host_oom"); oom_other && oom != o.deltas.end() && oom->second > 0) {
    auto nodes = recovered_nodes.find("host_oom");
    if (nodes != recovered_nodes.end() &&
        std::any_of(nodes->second.begin(), nodes->second.end(),
                    [&](const std::string& n) { return SameNodeName(n, o.hint.node); })) {
      for (auto& [cat, delta] : o.deltas) {
        if (delta > 0) delta *= kHistoryFactor;
      }
      o.confirms.clear();
      oom_note = " [the OOM kill the log shows at " + oom_other_process +
                 " is another process's, long before the crash: the kernel log's count is no fresh confirmation]";
    }
  }
  for (auto& [cat, delta] : o.deltas) {
    if (!oom_note.empty()) break;
    if (delta <= 0) continue;
    auto nodes = recovered_nodes.find(cat);
    auto at = recovered_cats.find(cat);
    if (nodes == recovered_nodes.end() || at == recovered_cats.end()) continue;
    if (!KernelLogCategories(pr)) continue;  // the loop is PLC23's: vigil-probe's categories only
    if (std::none_of(nodes->second.begin(), nodes->second.end(),
                     [&](const std::string& n) { return SameNodeName(n, o.hint.node); })) {
      continue;
    }
    delta *= kHistoryFactor;
    o.confirms.erase(cat);
    scaled.push_back(cat + " (" + at->second + ")");
  }
  if (scaled.empty() && oom_note.empty()) return;
  double strongest = 0;
  for (const auto& [cat, delta] : o.deltas) strongest = std::max(strongest, delta);
  o.evidence.weight = strongest;
  o.evidence.detail += oom_note;
  if (scaled.empty()) return;
  o.evidence.detail += " [the log shows it over: ";
  for (size_t i = 0; i < scaled.size(); ++i) o.evidence.detail += (i ? ", " : "") + scaled[i];
  o.evidence.detail += " says so, and a fault of another kind followed; the kernel log's count is no fresh confirmation]";
}

// A pass of an NCCL test run on one node of the case (its traffic never leaves that node) says
// nothing of a fault its category's evidence puts between nodes (FaultBetweenNodes, PLC16: a node's
// firewall dropping its peers' packets was refuted by the single-node all-reduce passing there):
// those categories' refutations are taken off `o`, said in its text.
void NodeLocalPassBlind(Observation& o, const ProbeResult& pr, const Beliefs& b, const Topology& topo) {
  if (pr.status != ProbeStatus::kPass || pr.probe.rfind("nccl.", 0) != 0 || o.hint.node.empty()) return;
  if (std::none_of(topo.nodes.begin(), topo.nodes.end(), [&](const std::string& n) { return SameNodeName(n, o.hint.node); })) {
    return;  // the job's ranks (target "job"): the test crosses nodes
  }
  // PLC29 (realistic32 rl32-13): an NCCL test inside one node moves its data over NVLink / NVSwitch,
  // PCIe P2P or shared memory; NCCL takes the NET transport (the IB / RoCE NIC) only between nodes. Its
  // pass says nothing of an ib_link_failure wherever the category's evidence sits, unless its own
  // words say the traffic went through the NIC (NET/IB, NET/Socket, a loopback, P2P and SHM disabled,
  // several nodes).
  static const std::regex kCrossesNic(
      R"(NET/(?:IB|Socket)|\bvia NET\b|loopback|P2P_DISABLE|SHM_DISABLE|inter-?node|across nodes|\b\d+ nodes\b)",
      std::regex::icase);
  const bool stays_in_node = !std::regex_search(pr.reason.substr(0, 2000), kCrossesNic);
  std::vector<std::string> blind;
  bool nic_blind = false;  // ib_link_failure taken off because the test never used the NIC (its own note)
  for (const auto& [cat, delta] : o.deltas) {
    if (delta >= 0) continue;
    if (FaultBetweenNodes(b, topo, cat)) {
      blind.push_back(cat);
    } else if (cat == "ib_link_failure" && stays_in_node) {
      nic_blind = true;
    }
  }
  if (nic_blind) {
    o.deltas.erase("ib_link_failure");
    auto& refutes = o.evidence.refutes;
    refutes.erase(std::remove(refutes.begin(), refutes.end(), "ib_link_failure"), refutes.end());
    double strongest = 0;
    for (const auto& [cat, delta] : o.deltas) strongest = std::max(strongest, std::fabs(delta));
    o.evidence.weight = -strongest;
    o.evidence.detail += " [not read against ib_link_failure: an NCCL test run on one node never uses the IB / RoCE NIC]";
  }
  if (blind.empty()) return;
  auto& refutes = o.evidence.refutes;
  std::string names;
  for (const std::string& cat : blind) {
    o.deltas.erase(cat);
    refutes.erase(std::remove(refutes.begin(), refutes.end(), cat), refutes.end());
    names += names.empty() ? cat : ", " + cat;
  }
  double strongest = 0;
  for (const auto& [cat, delta] : o.deltas) strongest = std::max(strongest, std::fabs(delta));
  o.evidence.weight = -strongest;
  o.evidence.detail += " [not read against " + names + ": the test ran inside one node, and the evidence puts the fault " +
                       "between nodes]";
}

// A pass that never exercises a NIC's PCIe link says nothing of that link (PLC25): where
// pcie_link_degraded's strongest log line on the probe's node is an mlx5 NIC's own line about its
// device (ParseMlx5DriverLine with no netdev slot: "mlx5_core 0000:5e:00.0: ... limited by ... PCIe x8
// link") and none of the category's lines there names a GPU, a passing gpu.pcie_bandwidth (a GPU's
// own host link) or an NCCL test run inside that node (its traffic stays on NVLink) is not read
// against the category (realistic29 rl29-11: the HCA's x8 link at 0.13, both passes counted against it).
void NicLinkPassBlind(Observation& o, const ProbeResult& pr, const Beliefs& b, const Topology& topo) {
  static const std::string kCat = "pcie_link_degraded";
  if (pr.status != ProbeStatus::kPass || o.hint.node.empty()) return;
  auto it = o.deltas.find(kCat);
  if (it == o.deltas.end() || it->second >= 0) return;
  const bool gpu_link = pr.probe == "gpu.pcie_bandwidth";
  const bool in_node = pr.probe.rfind("nccl.", 0) == 0 &&
                       std::any_of(topo.nodes.begin(), topo.nodes.end(), [&](const std::string& n) { return SameNodeName(n, o.hint.node); });
  if (!gpu_link && !in_node) return;
  const Observation* strongest = nullptr;
  for (const Observation& e : b.observations()) {
    auto d = e.deltas.find(kCat);
    if (d == e.deltas.end() || d->second <= 0 || e.evidence.kind != EvidenceKind::kLog || !SameNodeName(e.hint.node, o.hint.node)) continue;
    if (e.hint.gpu >= 0) return;  // a GPU's link is named: the passes may clear it
    if (strongest == nullptr || d->second > strongest->deltas.at(kCat)) strongest = &e;
  }
  if (strongest == nullptr) return;
  const std::optional<Mlx5DriverLine> nic = ParseMlx5DriverLine(strongest->evidence.detail);
  if (!nic || !nic->netdev.empty()) return;
  o.deltas.erase(it);
  auto& refutes = o.evidence.refutes;
  refutes.erase(std::remove(refutes.begin(), refutes.end(), kCat), refutes.end());
  double most = 0;
  for (const auto& [cat, delta] : o.deltas) most = std::max(most, std::fabs(delta));
  o.evidence.weight = -most;
  o.evidence.detail += " [not read against pcie_link_degraded: the NIC at " + nic->bus + " is the link in question, and " +
                       (gpu_link ? "this test measures a GPU's own link]" : "this test's traffic stays inside the node]");
}

void AddNodeCulprit(Beliefs& beliefs, const std::string& source, const std::string& detail, const std::string& category,
                    double weight, const std::string& node, const std::string& job, bool between_nodes = false) {
  Observation o;
  o.between_nodes = between_nodes;
  o.evidence.kind = EvidenceKind::kLog;
  o.evidence.source = source;
  o.evidence.detail = detail;
  o.evidence.supports = {category};
  o.evidence.weight = weight;
  o.deltas[category] = weight;
  o.culprit = true;
  o.hint.node = node;
  o.hint.job = job;
  o.hint.entry_component = "host";  // the node's own configuration (Component, FormatComponent)
  beliefs.Add(std::move(o));
}

// `component`: where the answer is placed. Evidence of another node than the alert's supports a
// hypothesis about that node, not this one (NA): for an answer on the alert's node, a log line,
// series or probe of another node is neither the alert's support nor first-hand support (before NA,
// gpu-2's kernel log naming Xid 79 lifted gpu-7's Xid 79 alert to 0.80, quoted as its evidence).
bool RestsOnAlertAlone(const DiagnosisCase& c, const std::string& alert_node, const std::vector<Observation>& observations,
                       const std::string& cat, const std::string& component) {
  if (!c.alert) return false;
  const bool on_alert_node = OnAlertNode(c, alert_node, component);
  bool alert_support = false;
  for (const Observation& o : observations) {
    auto it = o.deltas.find(cat);
    if (it == o.deltas.end() || it->second <= 1e-3) continue;
    const Evidence& e = o.evidence;
    const bool from_alert =
        e.kind == EvidenceKind::kKnowledge || e.kind == EvidenceKind::kAlert || FromAlertFactsLog(e);
    if (!from_alert && on_alert_node && !OtherNodeThanAlert(c, alert_node, o).empty()) continue;
    if (!from_alert) return false;
    // The alert's line read like an incident is the alert's support too (review RV-AT: it alone
    // lifted nccl_collective_hang over "unknown" for an NCCLWatchdogTimeout alert, with no cap, no note).
    alert_support = alert_support || e.kind != EvidenceKind::kKnowledge || FromAlertFactsLog(e);
  }
  return alert_support;
}

// Whether the alert states a fact of `cat` rather than a symptom: an annotation the reasoner read
// as a measurement (kind alert: "rank 13 step time p50 1.36x of job median", a peer comparison with
// its number), or a signature's row of the alert's own line (AlertFactsLog) for a device category
// that AlertFactWeight counts fully (a gpu, host or network fact other than a work-completion
// status, or an Xid whose meaning is `cat`: NamesXidOf). Not the line read like an incident (a lexical look-alike states no fact).
// AO5's ranking of a low-GPU-utilisation alert's likeliest causes (AddAlertGpuUtilLow): the alert's
// words rank a symptom's causes, they state no fact of either (AlertStatesFact skips it).
// ALR2's rankings of a symptom's likeliest causes (AddAlertAlr2Readings): the prefix of their details.
constexpr std::string_view kAlr2RankedPrefix = kAlertRankedPairPrefix;
constexpr const char* kGpuUtilLowDetail =
    "GPU utilisation low: GPUs waiting for input, most often the input pipeline, else the host link (PCIe) feeding them";

bool AlertStatesFact(const std::vector<Observation>& observations, const std::string& cat, const std::string& layer) {
  for (const Observation& o : observations) {
    auto it = o.deltas.find(cat);
    if (it == o.deltas.end() || it->second <= 1e-3) continue;
    const Evidence& e = o.evidence;
    if (e.detail.rfind(kGpuUtilLowDetail, 0) == 0) continue;  // a symptom's ranking (AO5)
    if (e.detail.rfind(kAlr2RankedPrefix, 0) == 0) continue;   // ALR2's rankings of a symptom
    if (e.kind == EvidenceKind::kAlert) return true;
    if (!FromAlertFactsLog(e)) continue;
    const std::string xid_cat = e.kind == EvidenceKind::kLog ? cat : std::string();
    if ((IsDeviceLayer(layer) || NamesXidOf(e.detail, xid_cat)) && AlertFactWeight(layer, 1.0, e.detail, xid_cat) >= 1.0) {
      return true;
    }
  }
  return false;
}

// First-hand evidence outweighs the alert (AP): since the alert's own line is added beside a case's
// logs or metrics for a fact they lack (AlertFactNotInEvidence: an Xid only the alert names), an
// answer resting on that line alone must not outrank a hypothesis the case's own logs, metrics or
// probes support as strongly - a confounder (the alert points one way, the logs another) stays with
// the logs. Moves the first such hypothesis ahead of a lead that rests on the alert alone and on its
// line; whether it is then named is the usual test (its probability against "some other cause").
// As strongly (review RV-AP): one first-hand observation of the hypothesis at least the weight of the
// alert line's for the lead - a decisive log line (a CUDA OOM, a kernel Xid) against the alert's
// device fact. A weaker one (a symptom: a trainer's NCCL watchdog timeout, 0.9) is what the alert's
// fault explains (an Xid 79 GPU off the bus stalls the collectives): the alert's answer stays ahead,
// suspected (before the review a timeout line beside an Xid 79 alert made the answer `unknown`).
// The hypotheses the move puts behind the promoted one keep their order and get its probability at
// most, with the reason in their rationale, so that the list, the answer and its confidence agree
// (before the review "cuda_oom 0.25" was listed above "gpu_memory_uncorrectable_ecc 0.45"): the
// alert's unverified fact, contradicted first-hand, is discounted to the first-hand cause's level.
void PreferFirstHand(const DiagnosisCase& c, const std::string& alert_node, const std::vector<Observation>& observations,
                     std::vector<Hypothesis>& hypotheses) {
  if (hypotheses.size() < 2 ||
      !RestsOnAlertAlone(c, alert_node, observations, hypotheses[0].category, hypotheses[0].component)) {
    return;
  }
  // The strongest single observation of `cat`: the alert's line, or the case's own logs/metrics/probes.
  auto strongest = [&](const std::string& cat, bool first_hand) {
    double best = 0;
    for (const Observation& o : observations) {
      auto it = o.deltas.find(cat);
      if (it == o.deltas.end() || it->second <= 1e-3) continue;
      const EvidenceKind k = o.evidence.kind;
      const bool alert_line = FromAlertFactsLog(o.evidence);
      if ((!first_hand && alert_line) ||
          (first_hand && !alert_line && (k == EvidenceKind::kLog || k == EvidenceKind::kMetric || k == EvidenceKind::kProbe))) {
        best = std::max(best, it->second);
      }
    }
    return best;
  };
  const double alert_fact = strongest(hypotheses[0].category, false);
  if (alert_fact <= 0) return;  // not the alert's line: as before AP
  for (size_t i = 1; i < hypotheses.size(); ++i) {
    if (hypotheses[i].status == HypothesisStatus::kRefuted) continue;
    if (strongest(hypotheses[i].category, true) + 1e-9 < alert_fact) continue;
    std::rotate(hypotheses.begin(), hypotheses.begin() + static_cast<std::ptrdiff_t>(i),
                hypotheses.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    const Hypothesis& first = hypotheses[0];
    for (size_t j = 1; j <= i; ++j) {
      Hypothesis& h = hypotheses[j];
      if (h.probability <= first.probability) continue;
      std::ostringstream why;
      why << "; listed after " << first.category << " and its probability " << std::round(h.probability * 100) / 100
          << " cut to " << std::round(first.probability * 100) / 100 << ": "
          << "the case's own logs, metrics or probes support " << first.category << " as strongly as the alert's line "
          << (j == 1 ? "supports this, which rests on the alert alone" : "supports the alert's lead; this has no such support");
      h.rationale += why.str();
      h.probability = first.probability;
    }
    return;
  }
}

// The firing alert's own expression is one of the KB's metric conditions (AP): a Prometheus rule
// `increase(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[10m]) > 100` that fired says that condition held on the
// alert's series, as a sample read would (realistic9 rl9-09: `unknown` from the alert alone, no log
// signature reads "PCIe replays rising"). Counted once a category, as a metric hit at kMetricWeight,
// only for a device layer (gpu, host, network: a state measured on the node, not a symptom several
// causes produce) and only when the case holds no series of the condition's metrics (else the
// condition was evaluated on them first-hand). Evidence kind alert, placed on the alert's node and
// GPU: an answer resting on it alone is suspected (RestsOnAlertAlone). The expression equals the
// condition but for spaces, or implies it (NA: ExpressionImpliesCondition, metric_condition.h - the
// same metric, a compatible aggregation or window, a bound at least as strict: `GPU_TEMP > 90` or
// `max by (gpu) (GPU_TEMP) > 90` for `GPU_TEMP > 85`, `rate(X[5m]) > 0` for `increase(X[5m]) > 0`);
// a looser bound, another metric, absent(), or/unless imply nothing (before NA only the verbatim
// condition counted).
// The value an alert's annotations state for its expression (NA): the one number of its summary,
// description and message, standing alone (not part of a name, an address or a port: "98.71%",
// "91C", "(current value: 91C)"), that satisfies the expression's own comparison - `> 90` fires
// at 98.71, not at the "15 minutes" beside it. nullopt when none does, or two different ones do.
// Its scale is the expression's (RV-NA):
// - a percentage is a fraction when the expression compares with a fraction (|threshold| <= 1:
//   `FB_USED / FB_TOTAL > 0.95` at "97%" is 0.97) and a percentage when it compares with more
//   (`MemAvailable / MemTotal * 100 < 10` at "8%" is 8, not 0.08 - before RV-NA read as 0.08, which
//   implied the pack's `< 0.05`); "8 %" is a percentage too (before: 8 for `1 - A / B > 0.9`);
// - a number with a unit of another magnitude (k, M, G, Ki, Mi, GiB, MB, Gbps, ...) is in a scale the
//   expression does not state ("1.5 GiB free" is not 1.5 of DCGM_FI_DEV_FB_FREE's MiB - before
//   RV-NA it implied cuda_oom's `FB_FREE < 1024`): no value is read;
// - an expression that is not one comparison (or not understood) states no value, and a text of more
//   than 64 numbers is a table, not a value: nullopt, before any number is read against it (a 600 KB
//   expression beside 6,000 numbers cost 72 s of one diagnosis).
bool ScaledUnitAfter(const std::string& t, size_t end) {
  size_t k = end;
  if (k < t.size() && t[k] == ' ') ++k;
  size_t e = k;
  while (e < t.size() && e - k < 8 && std::isalpha(static_cast<unsigned char>(t[e]))) ++e;
  if (e == k || (e < t.size() && std::isalpha(static_cast<unsigned char>(t[e])))) return false;
  const std::string w = t.substr(k, e - k);
  // A magnitude prefix (not `m`: minutes), an optional binary `i`, an optional bit/byte unit and
  // rate: k, M, Gi, GiB, MB, kb, Gbps.
  if (std::string("kKMGTPE").find(w[0]) == std::string::npos) return false;
  size_t x = 1;
  if (x < w.size() && w[x] == 'i') ++x;
  if (x < w.size() && (w[x] == 'B' || w[x] == 'b')) ++x;
  const std::string rest = w.substr(x);
  return rest.empty() || rest == "ps";
}

std::optional<double> AlertStatedValue(const Alert& alert, const std::string& expression) {
  const std::optional<double> threshold = ExpressionThreshold(expression);
  if (!threshold) return std::nullopt;
  const bool fraction_scale = std::fabs(*threshold) <= 1;
  std::optional<double> found;
  int numbers = 0;
  for (const char* key : {"summary", "description", "message"}) {
    auto it = alert.annotations.find(key);
    if (it == alert.annotations.end()) continue;
    const std::string& t = it->second;
    for (size_t i = 0; i < t.size() && i < 4096; ++i) {
      const unsigned char ch = static_cast<unsigned char>(t[i]);
      if (!std::isdigit(ch)) continue;
      if (i > 0) {
        const unsigned char prev = static_cast<unsigned char>(t[i - 1]);
        if (std::isalnum(prev) || prev == '_' || prev == '-' || prev == ':' || prev == '.' || prev == '/') {
          while (i + 1 < t.size() && (std::isalnum(static_cast<unsigned char>(t[i + 1])) || t[i + 1] == '.')) ++i;
          continue;
        }
      }
      size_t used = 0;
      std::optional<double> v = ParseDoublePrefix(std::string_view(t).substr(i), &used);
      const size_t end = i + std::max<size_t>(used, 1);
      // Followed by a unit or punctuation, not by more of a name or an address ("10.42.1.8", "x8:").
      bool alone = true;
      if (end < t.size()) {
        const bool more_digits = t[end] == '.' && end + 1 < t.size() && std::isdigit(static_cast<unsigned char>(t[end + 1]));
        alone = !more_digits && t[end] != ':' && t[end] != '_' && t[end] != '-';
      }
      i = end - 1;
      if (!v || !alone) continue;
      if (++numbers > 64) return std::nullopt;
      if (ScaledUnitAfter(t, end)) return std::nullopt;
      const bool percent = (end < t.size() && t[end] == '%') || (end + 1 < t.size() && t[end] == ' ' && t[end + 1] == '%');
      if (percent && fraction_scale) v = *v / 100;
      if (!ExpressionValueImpliesCondition(expression, *v, expression)) continue;  // not a value it fires at
      if (found && *found != *v) return std::nullopt;
      found = v;
    }
  }
  return found;
}

// Whether a pack condition's metrics are its category's alone: no other category's condition reads
// any of them (NA). A state only one cause's conditions read (a loss scale at its floor) is that
// cause's; one several read (a GPU's temperature: thermal throttle above 85 C, power throttle below
// 80 C, a GPU off the bus by its missing series) is not, whatever the threshold.
bool ConditionMetricsOwned(const KnowledgeFacts& facts, const Signature& cond) {
  const std::vector<std::string> names = MetricNamesInExpression(cond.pattern);
  if (names.empty()) return false;
  for (const Signature& other : facts.metric_conditions) {
    if (other.category == cond.category) continue;
    for (const std::string& n : MetricNamesInExpression(other.pattern)) {
      if (std::find(names.begin(), names.end(), n) != names.end()) return false;
    }
  }
  return true;
}

// Whether the alert's own facts line (AlertFactsLog) counts for `category`.
bool AlertLineSupports(const std::vector<Observation>& observations, const std::string& category) {
  for (const Observation& o : observations) {
    if (!FromAlertFactsLog(o.evidence)) continue;
    auto d = o.deltas.find(category);
    if (d != o.deltas.end() && d->second > 0) return true;
  }
  return false;
}

// A PromQL statement an annotation quotes, for an alert whose generatorURL carries no expression
// (AO): a rule's expression copied into its description, "rate(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[5m])
// > 1", or a value stated for one, "rate(DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL[5m]) is
// 41823/s on ... gpu 2" (read as `== 41823`). The expression is one series selector (a metric name
// holding an underscore, its label matchers) or a range function over one. The description is read
// first, then the summary and the message; "" when none holds one. Before, such an alert read as
// words only: its PCIe replay or NVLink CRC rate implied no condition and it was `unknown` (0.10).
std::string ExpressionInAnnotations(const Alert& alert) {
  static const std::regex kStatement(
      R"(((?:\b(?:rate|irate|increase|delta|idelta|(?:avg|max|min|sum)_over_time)\(\s*)"
      R"([A-Za-z_:][A-Za-z0-9_:]*_[A-Za-z0-9_:]*(?:\{[^{}]*\})?\[\d+[smhdw]\]\s*\))|)"
      R"(\b[A-Za-z_:][A-Za-z0-9:]*_[A-Za-z0-9_:]*(?:\{[^{}]*\})?))"
      R"(\s*(==|!=|>=|<=|>|<|\bis\b|=)\s*(-?\d+(?:\.\d+)?)(?!\d|\.\d))");
  for (const char* key : {"description", "summary", "message"}) {
    auto a = alert.annotations.find(key);
    if (a == alert.annotations.end() || a->second.size() > 2000) continue;
    std::smatch m;
    if (!std::regex_search(a->second, m, kStatement)) continue;
    // "is 41823/s" and "= 412" state a value (ALR2: "rate(DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL[5m]) = 412").
    const std::string op = m[2].str() == "is" || m[2].str() == "=" ? "==" : m[2].str();
    return m[1].str() + " " + op + " " + m[3].str();
  }
  return "";
}

template <typename BeliefsT>
void AddAlertExpressionCondition(const DiagnosisCase& c, const KnowledgeFacts& facts, const std::vector<TimeSeries>& series,
                                 const std::string& job, BeliefsT& beliefs) {
  if (!c.alert) return;
  std::string raw = ExpressionFromGeneratorUrl(AlertGeneratorUrl(*c.alert));
  if (raw.empty()) raw = ExpressionInAnnotations(*c.alert);
  // No expression, but the words name a counter rising (AO2: "DCGM_FI_DEV_PCIE_REPLAY_COUNTER rising
  // fast"): its growth, with no value (a number in such words is a GPU or a node, not the rate).
  bool words_only = false;
  if (raw.empty()) {
    for (const char* key : {"summary", "description", "message"}) {
      auto a = c.alert->annotations.find(key);
      if (a == c.alert->annotations.end()) continue;
      std::string name = RisingCounterInWords(a->second);
      // Or in plain words, "NVLink CRC flit errors rising", "PCIe replay counter +4000/h" (ALR2).
      if (name.empty()) name = ErrorCounterInWords(a->second);
      if (name.empty()) continue;
      raw = "rate(" + name + "[5m]) > 0";
      words_only = true;
      break;
    }
  }
  auto squeeze = [](const std::string& t) {
    std::string out;
    for (char ch : t) {
      if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r') out += ch;
    }
    return out;
  };
  const std::string expr = squeeze(raw);
  if (expr.empty()) return;
  std::set<std::string> done;
  const std::optional<double> stated = AlertStatedValue(*c.alert, raw);
  // Beside the case's own logs or probe results the alert's reading is second-hand: only the verbatim
  // condition counts there, as before NA (AP's rule for a code-less alert's line: the first-hand
  // evidence decides). Full evidence, realistic10 rl10-29: the NVLink alert's stated 184 CRC errors
  // outweighed the PCIe fault its logs and probes show.
  bool first_hand = !c.probes.empty();
  for (const CaseLog& log : c.logs) {
    first_hand = first_hand || (!IsAlertFactsLog(log.source) && log.source.find("alertmanager co-firing alerts") == std::string::npos);
  }
  for (const Signature& s : facts.metric_conditions) {
    if (done.count(s.category)) continue;
    const bool same = squeeze(s.pattern) == expr;
    const bool implied = same || (!first_hand && ExpressionImpliesCondition(raw, s.pattern));
    const bool by_value =
        !implied && !first_hand && !words_only && stated && ExpressionValueImpliesCondition(raw, *stated, s.pattern);
    // The counter the condition reads as growing grew, below its bound or with none read (AO2:
    // `increase(NVLINK_CRC_FLIT[1h]) > 100` is no `> 100` in 10 minutes; "PCIE_REPLAY_COUNTER rising
    // fast" has no number). An error counter that rises at all is the fault's sign, not its measure:
    // weaker evidence (kCounterGrowthWeight), and only for a device category whose conditions alone
    // read the counter (below).
    const bool grows = !implied && !by_value && !first_hand && ExpressionStatesCounterGrowth(raw, s.pattern);
    if (!implied && !by_value && !grows) continue;
    // One fact counts once: the alert's expression is the alert's own claim again, so it is not added
    // when the alert's own line already supports the category (the lead, H200 run 26: an Xid 95
    // alert's line +3.0 and its "stated value 95 implies DCGM_FI_DEV_XID_ERRORS == 95" +2.0 put ECC at
    // 0.68 over the node's real Xid 31 (illegal_memory_access, confirmed by node.kernel_log) with
    // gpu.health passing; probes run live are no `c.probes`, so the first-hand guard above did not see
    // them). The verbatim condition too (ALERTID, RV-NA's finding): `DCGM_FI_DEV_XID_ERRORS == 95`
    // beside the line of the same alert's Xid 95 counted the one fact twice (+3.0 and +2.0). AP's rule
    // (the verbatim condition counts) still holds where the line supports nothing of the category
    // (realistic9 rl9-09: no signature reads "PCIe replays rising").
    if (AlertLineSupports(beliefs.observations(), s.category)) continue;
    auto layer = facts.layers.find(s.category);
    if (layer == facts.layers.end()) continue;
    // Which conditions the alert's firing states (NA): the verbatim condition of a device layer, as
    // before; an implied one (another form, or the alert's stated value) when the condition pins a
    // value (`XID == 79`, a throttle-reason bit `== 1`) of a device layer or reads metrics its category
    // alone reads (ConditionMetricsOwned) - of any layer: a loss scale at its floor is a loss-scale
    // collapse, while a NaN loss (`loss != loss`, two categories) or a hot GPU is not one cause's.
    const bool device = IsDeviceLayer(layer->second);
    const bool pins = s.pattern.find("==") != std::string::npos;
    const bool owned = ConditionMetricsOwned(facts, s);
    if (!(same && device) && !owned && !(device && pins)) continue;
    if (grows && !(device && owned)) continue;
    const std::vector<std::string> names = MetricNamesInExpression(s.pattern);
    if (names.empty()) continue;
    bool read = false;
    for (const TimeSeries& ts : series) read = read || std::find(names.begin(), names.end(), ts.name) != names.end();
    if (read) continue;
    done.insert(s.category);
    Observation o;
    o.evidence.kind = EvidenceKind::kAlert;
    o.evidence.source = "alert expression";
    o.evidence.detail = "the firing alert's expression ";
    o.evidence.detail += same       ? "is kb:"
                         : by_value ? "at its stated value implies kb:"
                         : grows    ? "states the counter of kb:"
                                    : "implies kb:";
    o.evidence.detail += s.incident_id;
    o.evidence.detail += grows ? "'s condition rising, below its bound or with none stated: " : "'s condition: ";
    o.evidence.detail += s.pattern;
    if (grows) {
      o.evidence.detail += " (the alert's `";
      o.evidence.detail += raw;
      o.evidence.detail += words_only ? "`, read from its words)" : "`)";
    } else if (!same) {
      o.evidence.detail += " (the alert's `";
      o.evidence.detail += raw;
      o.evidence.detail += "` held";
      if (by_value) {
        std::ostringstream v;
        v << " at " << *stated << ", the value its annotations state";
        o.evidence.detail += v.str();
      }
      o.evidence.detail += ")";
    }
    o.evidence.supports = {s.category};
    o.evidence.weight = grows ? kCounterGrowthWeight : kMetricWeight;
    o.deltas[s.category] = o.evidence.weight;
    o.hint.node = AlertNode(*c.alert).second;
    o.hint.gpu = GpuOf(c.alert->labels);
    o.hint.job = job;
    o.hint.entry_component = s.component;
    o.time_ms = c.alert->starts_at_ms > 0 ? c.alert->starts_at_ms : kNoTime;
    beliefs.Add(std::move(o));
  }
}

// Whether the case holds the alert and nothing first-hand: no probe results, no log but the alert's
// own facts (AlertFactsLog) and its co-firing alerts.
bool AlertIsAllEvidence(const DiagnosisCase& c) {
  if (!c.alert || !c.probes.empty()) return false;
  return std::all_of(c.logs.begin(), c.logs.end(), [](const CaseLog& log) {
    return IsAlertFactsLog(log.source) || log.source.find("alertmanager co-firing alerts") != std::string::npos;
  });
}

// A clock-event-reasons mask the alert's rule tests (AO2, ReadClockReasonsMask): `count by
// (Hostname) ((DCGM_FI_DEV_CLOCK_THROTTLE_REASONS & 4) > 0) >= 4` fires on the SW power cap bit,
// `... band 0x84 > 0` on a power bit, `& 0x60` on a thermal one. `&` is not PromQL, so the expression
// parser reads none of it; before, such an alert was answered from its words or not at all. The
// mask's category counts as a metric condition would (kMetricWeight), once, on the alert's node and
// GPU, from the generatorURL's expression or else an annotation quoting one; only with no first-hand
// evidence (as AddAlertExpressionCondition's implied readings) and not when the alert's own line
// already supports the category (one fact counts once). A mask of both kinds (0xE8) names nothing.
template <typename BeliefsT>
void AddAlertClockMask(const DiagnosisCase& c, const std::string& job, BeliefsT& beliefs) {
  if (!AlertIsAllEvidence(c)) return;
  std::optional<ClockReasonsReading> r = ReadClockReasonsMask(ExpressionFromGeneratorUrl(AlertGeneratorUrl(*c.alert)));
  std::string where = "expression";
  for (const char* key : {"description", "summary", "message"}) {
    if (r) break;
    auto a = c.alert->annotations.find(key);
    if (a == c.alert->annotations.end()) continue;
    r = ReadClockReasonsMask(a->second);
    where = key;
  }
  if (!r || r->category.empty() || AlertLineSupports(beliefs.observations(), r->category)) return;
  Observation o;
  o.evidence.kind = EvidenceKind::kAlert;
  o.evidence.source = "alert expression";
  char buf[64];
  std::snprintf(buf, sizeof buf, " tests clock event reasons 0x%X (", r->bits);
  o.evidence.detail = "the firing alert's ";
  o.evidence.detail += where;
  o.evidence.detail += buf;
  o.evidence.detail += r->reasons;
  o.evidence.detail += ")";
  o.evidence.supports = {r->category};
  o.evidence.weight = kMetricWeight;
  o.deltas[r->category] = kMetricWeight;
  o.hint.node = AlertNode(*c.alert).second;
  o.hint.gpu = GpuOf(c.alert->labels);
  o.hint.job = job;
  o.time_ms = c.alert->starts_at_ms > 0 ? c.alert->starts_at_ms : kNoTime;
  beliefs.Add(std::move(o));
}

std::string AlertName(const DiagnosisCase& c) {
  std::string name = c.alert->rule;
  if (auto it = c.alert->labels.find("alertname"); name.empty() && it != c.alert->labels.end()) name = it->second;
  return name.empty() ? std::string("the alert") : name;
}

// A DCGM health watch's memory system failing or warning, from the alert alone (AO3): "dcgm health
// watch: Memory FAIL on n7", "DCGM health Warning on n7 (memory system)", a `system="mem"` label. DCGM's
// memory watch (DCGM_HEALTH_WATCH_MEM) fails on a row remap failure or on uncorrectable (DBE) ECC
// errors and warns on pending remaps / retirements; the alert does not say which. On row-remapping
// GPUs (A100 and later) a remap that failed or waits is the commoner report, so the honest answer is
// the ranked pair - gpu_row_remap_failure first, gpu_memory_uncorrectable_ecc close behind - at a
// metric condition's weight and three quarters of it (the GPU's own health report; the two share it,
// so neither is more than a modest suspicion), for
// `dcgmi health -c` / `nvidia-smi -q -d ROW_REMAPPER,ECC` to split. Only with no first-hand evidence
// (as AddAlertClockMask), not when the alert's own line already supports either category (a line
// naming DBE or a remap failure is read by the pack), and not when the text names host memory.
constexpr const char* kDcgmMemoryHealthDetail =
    "a DCGM health watch's memory system failing or warning: a row remap failure or uncorrectable ECC errors, "
    "which the alert does not say (dcgmi health -c, nvidia-smi -q -d ROW_REMAPPER,ECC split them)";
// An answer from that reading alone is one of two causes the alert does not split: at most this sure
// (below 0.3, where a wrong answer counts as a confident one), whatever the KB recall adds to either.
constexpr double kDcgmMemoryHealthMaxConfidence = 0.25;

// The ranked pair of causes an alert's reading states and does not split (AddAlertDcgmMemoryHealth,
// AddAlertMissingGpu): `first` at a metric condition's weight, `second` at three quarters of it, on the
// alert's node and GPU; nothing when the alert's own line, or another reading of the alert (its
// expression), already supports either (one fact counts once).
template <typename BeliefsT>
void AddAlertPair(const DiagnosisCase& c, const std::string& job, const char* first, const char* second,
                  const std::string& detail, BeliefsT& beliefs, int words_gpu = -1) {
  const std::pair<const char*, double> pair[] = {{first, kMetricWeight}, {second, kMetricWeight * 0.75}};
  for (const auto& [category, weight] : pair) {
    if (AlertLineSupports(beliefs.observations(), category)) return;
    for (const Observation& o : beliefs.observations()) {
      auto d = o.deltas.find(category);
      if (o.evidence.kind == EvidenceKind::kAlert && d != o.deltas.end() && d->second > 0) return;
    }
  }
  for (const auto& [category, weight] : pair) {
    Observation o;
    o.evidence.kind = EvidenceKind::kAlert;
    o.evidence.source = "alert text";
    o.evidence.detail = detail;
    o.evidence.supports = {category};
    o.evidence.weight = weight;
    o.deltas[category] = weight;
    o.hint.node = AlertNode(*c.alert).second;
    o.hint.gpu = GpuOf(c.alert->labels);
    if (o.hint.gpu < 0) o.hint.gpu = words_gpu;  // the GPU the reading's own words name (AO5)
    o.hint.job = job;
    o.time_ms = c.alert->starts_at_ms > 0 ? c.alert->starts_at_ms : kNoTime;
    beliefs.Add(std::move(o));
  }
}

template <typename BeliefsT>
void AddAlertDcgmMemoryHealth(const DiagnosisCase& c, const std::string& job, BeliefsT& beliefs) {
  if (!AlertIsAllEvidence(c)) return;
  std::string text = AlertName(c);
  for (const char* key : {"summary", "description", "message"}) {
    if (auto a = c.alert->annotations.find(key); a != c.alert->annotations.end() && a->second.size() <= 2000) {
      text += "\n";
      text += a->second;
    }
  }
  auto sys = c.alert->labels.find("system");
  const bool mem_label = sys != c.alert->labels.end() && std::regex_match(sys->second, std::regex("mem(ory)?", std::regex::icase));
  static const std::regex kDcgmHealth(R"(\bDCGM\s*Health|\bDCGM\b.*\bhealth\b)", std::regex::icase);
  static const std::regex kMemory(R"(\b(?:memory|mem)\b)", std::regex::icase);
  static const std::regex kBad(R"(\b(?:fail(?:s|ed|ure|ing)?|warn(?:s|ing)?)\b)", std::regex::icase);
  static const std::regex kOther(R"(\b(?:host|system RAM|DIMM|node memory|cgroup|OOM|ECC|DBE|SBE|remap\w*|retire\w*|Xid)\b)",
                                 std::regex::icase);
  if (!std::regex_search(text, kDcgmHealth) || !(mem_label || std::regex_search(text, kMemory)) ||
      !std::regex_search(text, kBad) || std::regex_search(text, kOther)) {
    return;
  }
  AddAlertPair(c, job, "gpu_row_remap_failure", "gpu_memory_uncorrectable_ecc", kDcgmMemoryHealthDetail, beliefs);
}

// A GPU missing from its node, from the alert alone (AO4, missing_gpu.h): "exports 7 GPUs, expected
// 8", "7 of 8 nvidia.com/gpu allocatable", `count by (Hostname) (DCGM_FI_DEV_GPU_TEMP{...}) < 8`, one
// GPU's DCGM series stopped. The driver no longer reaches that GPU: off the bus (Xid 79, the commoner
// report) or its firmware (GSP) failed (Xid 119 / 120); the alert does not say which. The honest
// answer is the ranked pair, gpu_fallen_off_bus first at a metric condition's weight and
// gpu_firmware_error three quarters of it, on the alert's node (its GPU when it names one), for
// `nvidia-smi -L`, the kernel log's Xid and lspci to split. Before, such alerts were `unknown`
// (0.10): the pack's `count by (Hostname) (DCGM_FI_DEV_GPU_TEMP) < 8` was not implied by a count with
// matchers, and the words matched no signature. Only with no first-hand evidence (as AddAlertClockMask),
// not when the alert's own line or expression already supports either category (one fact counts once).
constexpr const char* kMissingGpuDetail =
    "a GPU missing from its node: off the bus or its firmware (GSP) failed, which the alert does not say "
    "(nvidia-smi -L, the kernel log's Xid 79 / 119 / 120 and lspci split them)";
// An answer from that reading alone is one of two causes the alert does not split: below 0.3.
constexpr double kMissingGpuMaxConfidence = 0.25;

template <typename BeliefsT>
void AddAlertMissingGpu(const DiagnosisCase& c, const std::string& job, BeliefsT& beliefs) {
  if (!AlertIsAllEvidence(c)) return;
  std::string said;
  for (const char* key : {"summary", "description", "message"}) {
    auto a = c.alert->annotations.find(key);
    if (a == c.alert->annotations.end()) continue;
    said = MissingGpuInWords(a->second);
    if (said.empty() && ExpressionTestsMissingGpu(a->second)) said = a->second;
    if (!said.empty()) break;
  }
  if (const std::string expr = ExpressionFromGeneratorUrl(AlertGeneratorUrl(*c.alert)); said.empty() && ExpressionTestsMissingGpu(expr)) {
    said = "`" + expr + "`";
  }
  if (said.empty()) return;
  AddAlertPair(c, job, "gpu_fallen_off_bus", "gpu_firmware_error", kMissingGpuDetail + (" (the alert: " + Utf8Prefix(said, 160) + ")"),
               beliefs);
}

// AO5's readings of an alert alone (alert_gpu_check.h, alert_xid.h, alert_clock.h): each a fact the
// alert states and does not split between two causes, read as AddAlertPair's ranked pair (the first
// cause at a metric condition's weight, the second at three quarters of it) and capped at
// kAo5PairMaxConfidence (CapPairReading), only with no first-hand evidence (AlertIsAllEvidence) and
// not when the alert's own line already supports either cause.
constexpr const char* kGpuCheckDetail =
    "a GPU health check failed without saying what it found: most often a row remap failure, else uncorrectable "
    "ECC errors (nvidia-smi -q -d ROW_REMAPPER,ECC and the check's own output split them)";
constexpr const char* kSmiFailedDetail =
    "nvidia-smi failing: the driver does not reach a GPU, off the bus or its firmware (GSP) failed, which the "
    "alert does not say (nvidia-smi -L, the kernel log's Xid 79 / 119 / 120 and lspci split them)";
constexpr const char* kSmiHungDetail =
    "nvidia-smi hanging: the driver waits on a GPU whose firmware (GSP) does not answer, or one off the bus, "
    "which the alert does not say (the kernel log's Xid 119 / 120 / 79 splits them)";
constexpr const char* kUncodedXidDetail =
    "an Xid whose code the alert does not give: most often a GPU off the bus (Xid 79) or its firmware (GSP) "
    "failing (Xid 119 / 120), which the alert does not say (the kernel log's NVRM Xid line splits them)";
constexpr const char* kGpuClockLowDetail =
    "a busy GPU's clocks held low, no reason given: the power cap or a power brake, else thermal slowdown "
    "(DCGM_FI_DEV_CLOCK_THROTTLE_REASONS, nvidia-smi -q -d PERFORMANCE split them)";
constexpr double kAo5PairMaxConfidence = 0.25;

// The alert's words for those readings: its name, summary, description and message, and the values of
// the labels naming a check, reason or condition (reason="gpu_check", condition="GpuXidCritical").
std::string AlertWordsForReading(const DiagnosisCase& c) {
  std::string text = AlertName(c);
  for (const char* key : {"summary", "description", "message"}) {
    if (auto a = c.alert->annotations.find(key); a != c.alert->annotations.end() && a->second.size() <= 2000) {
      text += "\n";
      text += a->second;
    }
  }
  for (const char* key : {"reason", "check", "condition"}) {
    if (auto l = c.alert->labels.find(key); l != c.alert->labels.end() && l->second.size() <= 200) {
      text += "\n";
      text += l->second;
    }
  }
  return text;
}

template <typename BeliefsT>
void AddAlertAo5Readings(const DiagnosisCase& c, const std::string& job, BeliefsT& beliefs) {
  if (!AlertIsAllEvidence(c)) return;
  const std::string text = AlertWordsForReading(c);
  auto quoted = [](const char* detail, const std::string& said) {
    return detail + (" (the alert: " + Utf8Prefix(said, 160) + ")");
  };
  if (GpuCheckReading check = FailedGpuCheckInWords(text); check.kind == GpuCheckKind::kHealth) {
    AddAlertPair(c, job, "gpu_row_remap_failure", "gpu_memory_uncorrectable_ecc", quoted(kGpuCheckDetail, check.quote), beliefs,
                 check.gpu);
  } else if (check.kind == GpuCheckKind::kSmiFailed) {
    AddAlertPair(c, job, "gpu_fallen_off_bus", "gpu_firmware_error", quoted(kSmiFailedDetail, check.quote), beliefs, check.gpu);
  } else if (check.kind == GpuCheckKind::kSmiHung) {
    AddAlertPair(c, job, "gpu_firmware_error", "gpu_fallen_off_bus", quoted(kSmiHungDetail, check.quote), beliefs, check.gpu);
  }
  const std::vector<std::string> codes = AlertFaultCodes(*c.alert);
  const bool xid_code = std::any_of(codes.begin(), codes.end(), [](const std::string& k) { return k.rfind("xid ", 0) == 0; });
  if (std::string said = XidWithoutCodeInWords(text); !said.empty() && !xid_code) {
    AddAlertPair(c, job, "gpu_fallen_off_bus", "gpu_firmware_error", quoted(kUncodedXidDetail, said), beliefs);
  }
  if (std::string said = GpuClockLowInWords(text); !said.empty()) {
    AddAlertPair(c, job, "gpu_power_throttle", "gpu_thermal_throttle", quoted(kGpuClockLowDetail, said), beliefs);
  }
}

// GPU utilisation an alert says is low, from the alert alone (AO5, alert_gpu_util.h): a symptom - GPUs
// waiting for their input - whose commonest causes are the input pipeline (dataloader_stall), then the
// host link feeding the GPUs (pcie_link_degraded). Ranks them first among the hypotheses at a symptom's
// weight (kind knowledge, source the alert's line: the answer rests on the alert, and AlertStatesFact
// reads no fact in it, so the symptom rule keeps the answer `unknown`); before, the KB recall of the words alone ranked them (three of 41 such alerts in the sets
// had neither in the top 3). Only with no first-hand evidence, and not when the alert's own line
// already supports either.
constexpr double kGpuUtilLowWeight = 0.5;
template <typename BeliefsT>
void AddAlertGpuUtilLow(const DiagnosisCase& c, const std::string& job, BeliefsT& beliefs) {
  if (!AlertIsAllEvidence(c)) return;
  const std::string said = GpuUtilLowInWords(AlertWordsForReading(c));
  if (said.empty()) return;
  const std::pair<const char*, double> ranked[] = {{"dataloader_stall", kGpuUtilLowWeight},
                                                   {"pcie_link_degraded", kGpuUtilLowWeight * 0.75}};
  for (const auto& [category, weight] : ranked) {
    if (AlertLineSupports(beliefs.observations(), category)) return;
  }
  for (const auto& [category, weight] : ranked) {
    Observation o;
    o.evidence.kind = EvidenceKind::kKnowledge;
    // Read as the alert's own line is (FromAlertFactsLog: the answer rests on the alert), a symptom's.
    o.evidence.source = std::string(kAlertFactsLogName);
    o.evidence.detail = kGpuUtilLowDetail + (" (the alert: " + Utf8Prefix(said, 160) + ")");
    o.evidence.supports = {category};
    o.evidence.weight = weight;
    o.deltas[category] = weight;
    o.hint.node = AlertNode(*c.alert).second;
    o.hint.gpu = GpuOf(c.alert->labels);
    o.hint.job = job;
    o.time_ms = c.alert->starts_at_ms > 0 ? c.alert->starts_at_ms : kNoTime;
    beliefs.Add(std::move(o));
  }
}

// ALR2 (2026-12-05): what one alert alone states, read as an on-call engineer reads it (alert_alone_words.h).
// Only with no first-hand evidence (AlertIsAllEvidence) and not when the alert's own line or another
// reading of the alert already supports the cause (one fact counts once).
// - A rank's crash signal: a segfault, a bus error or an abort is the rank process crashing
//   (rank_process_crash); what made it crash the alert does not say: for SIGSEGV / SIGABRT a CUDA error
//   (an illegal address aborts through the CUDA runtime) ranks second, for SIGBUS /dev/shm exhausted
//   (host_oom in the taxonomy: the DataLoader's bus error). AddAlertPair's ranked pair, capped at 0.25.
// - The GPU allocator's out-of-memory report ("CUDA OOM on rank 10"): cuda_oom, the alert's fact.
// - An out-of-memory report saying no more ("rank 11 OOM at first step"): GPU or host memory, which the
//   alert does not split: a ranked symptom (the answer stays `unknown`), cuda_oom first - a rank that
//   reports its own OOM ran out of GPU memory more often than it was killed, which the kernel's or the
//   kubelet's OOM kill would say.
// - A Kubernetes container killed by SIGKILL (exit code 137) with no OOMKilled reason: the kubelet
//   names its own memory-limit kill OOMKilled, so 137 alone is also a liveness-probe kill, an eviction
//   or a child's OOM kill: a ranked symptom, host_oom then rank_process_crash (the 3a-sigkill block
//   leaves such an alert to this reading).
// - An InfiniBand port not ACTIVE (or in state INIT / POLLING / ARMED / Disabled): ib_link_failure on
//   the alert's node and HCA (the pack's signature reads only "down").
// - A PCIe link trained below its width or generation (`DCGM_FI_DEV_PCIE_LINK_WIDTH < 16`, "PCIe link
//   below x16"): pcie_link_degraded; a rule testing only the generation is capped at 0.25 (GPUs lower
//   their PCIe generation when idle).
constexpr const char* kSegvDetail =
    "a rank killed by SIGSEGV: the rank's process crashed; its own log says why (a CUDA error second)";
constexpr const char* kAbortDetail =
    "a rank killed by SIGABRT: the rank's process aborted; a CUDA error (an illegal address) aborts so too, which "
    "the alert does not say";
constexpr const char* kBusDetail =
    "a rank killed by SIGBUS: the rank's process crashed, often a DataLoader worker on an exhausted /dev/shm, "
    "which the alert does not say";
constexpr const char* kCudaOomDetail = "the alert states the GPU allocator's out-of-memory report";
constexpr const char* kIbPortDetail = "the alert states an InfiniBand port that is not ACTIVE";
constexpr const char* kPcieWidthDetail = "the alert states a GPU's PCIe link trained below its width";
constexpr const char* kPcieGenDetail =
    "the alert states a GPU's PCIe link below its generation (GPUs lower it when idle: read it under load)";
constexpr double kAlr2MaxConfidence = 0.25;

// One cause the alert states, at a metric condition's weight on the alert's node / GPU / HCA.
template <typename BeliefsT>
void AddAlertCause(const DiagnosisCase& c, const std::string& job, const char* category, const std::string& detail,
                   BeliefsT& beliefs, const std::string& hca = "") {
  if (AlertLineSupports(beliefs.observations(), category)) return;
  for (const Observation& o : beliefs.observations()) {
    auto d = o.deltas.find(category);
    if (o.evidence.kind == EvidenceKind::kAlert && d != o.deltas.end() && d->second > 0) return;
  }
  Observation o;
  o.evidence.kind = EvidenceKind::kAlert;
  o.evidence.source = "alert text";
  o.evidence.detail = detail;
  o.evidence.supports = {category};
  o.evidence.weight = kMetricWeight;
  o.deltas[category] = kMetricWeight;
  o.hint.node = AlertNode(*c.alert).second;
  o.hint.gpu = GpuOf(c.alert->labels);
  o.hint.hca = hca;
  o.hint.job = job;
  o.time_ms = c.alert->starts_at_ms > 0 ? c.alert->starts_at_ms : kNoTime;
  beliefs.Add(std::move(o));
}

// Two causes a symptom the alert states fits, ranked (as AddAlertGpuUtilLow): the answer stays
// `unknown` (AlertStatesFact skips kAlr2RankedPrefix), the pair first in the top 3. The weight is below
// the "some other cause" score 1.0 and above a KB look-alike's recall (0.6 at most): the alert's own
// statement ("rank 11 OOM") ranks its two causes before a title whose words look alike (holdout12
// q050: at 0.5 a segfault incident's recall, 0.6, led and the symptom prior then kept cuda_oom out).
constexpr double kAlr2RankedWeight = 0.9;
template <typename BeliefsT>
void AddAlertRankedSymptom(const DiagnosisCase& c, const std::string& job, const char* first, const char* second,
                           const std::string& detail, BeliefsT& beliefs) {
  const std::pair<const char*, double> ranked[] = {{first, kAlr2RankedWeight}, {second, kAlr2RankedWeight * 0.75}};
  for (const auto& [category, weight] : ranked) {
    if (AlertLineSupports(beliefs.observations(), category)) return;
  }
  for (const auto& [category, weight] : ranked) {
    Observation o;
    // The alert's text, as AddAlertPair's (not its own line: AlertFactWeight would hold a symptom
    // layer's cause, cuda_oom, at 0.5 and a host layer's at its weight, undoing the ranking).
    o.evidence.kind = EvidenceKind::kAlert;
    o.evidence.source = "alert text";
    o.evidence.detail = std::string(kAlr2RankedPrefix) + detail;
    o.evidence.supports = {category};
    o.evidence.weight = weight;
    o.deltas[category] = weight;
    o.hint.node = AlertNode(*c.alert).second;
    o.hint.gpu = GpuOf(c.alert->labels);
    o.hint.job = job;
    o.time_ms = c.alert->starts_at_ms > 0 ? c.alert->starts_at_ms : kNoTime;
    beliefs.Add(std::move(o));
  }
}

// Whether the alert is a Kubernetes container's by its labels (pod, container).
bool KubeContainerLabels(const Alert& alert) {
  return alert.labels.count("pod") > 0 || alert.labels.count("container") > 0;
}

template <typename BeliefsT>
void AddAlertAlr2Readings(const DiagnosisCase& c, const std::string& job, BeliefsT& beliefs) {
  if (!AlertIsAllEvidence(c)) return;
  const std::string text = AlertWordsForReading(c);
  auto quoted = [](const char* detail, const std::string& said) {
    return detail + (" (the alert: " + Utf8Prefix(said, 160) + ")");
  };
  if (KubeKillWithoutOomReason(text, KubeContainerLabels(*c.alert))) {
    AddAlertRankedSymptom(c, job, "host_oom", "rank_process_crash",
                          "a container killed by SIGKILL (exit code 137) without the OOMKilled reason: an OOM kill, a "
                          "liveness-probe kill or an eviction, which the alert does not say",
                          beliefs);
  } else if (const CrashSignalReading sig = CrashSignalInWords(text); sig.signal == CrashSignal::kSegv) {
    AddAlertPair(c, job, "rank_process_crash", "illegal_memory_access", quoted(kSegvDetail, sig.quote), beliefs);
  } else if (sig.signal == CrashSignal::kAbort) {
    AddAlertPair(c, job, "rank_process_crash", "illegal_memory_access", quoted(kAbortDetail, sig.quote), beliefs);
  } else if (sig.signal == CrashSignal::kBus) {
    AddAlertPair(c, job, "rank_process_crash", "host_oom", quoted(kBusDetail, sig.quote), beliefs);
  }
  if (const OomReading oom = OomInWords(text); oom.kind == OomKind::kCuda) {
    AddAlertCause(c, job, "cuda_oom", quoted(kCudaOomDetail, oom.quote), beliefs);
  } else if (oom.kind == OomKind::kUnqualified) {
    AddAlertRankedSymptom(c, job, "cuda_oom", "host_oom",
                          "an out-of-memory report that does not say whose memory, the GPU's or the host's (the alert: " +
                              Utf8Prefix(oom.quote, 80) + ")",
                          beliefs);
  }
  if (const std::string said = IbPortNotActiveInWords(text); !said.empty()) {
    AddAlertCause(c, job, "ib_link_failure", quoted(kIbPortDetail, said), beliefs,
                  IbDeviceOf(FirstLabelValue(c.alert->labels, {"device", "hca"}), said));
  }
  const std::string expr = ExpressionFromGeneratorUrl(AlertGeneratorUrl(*c.alert));
  if (const std::string said = PcieLinkBelowInAlert(text, expr); !said.empty()) {
    const bool gen_only = said.find("WIDTH") == std::string::npos && said.find("GEN") != std::string::npos &&
                          expr.find("PCIE_LINK_WIDTH") == std::string::npos;
    AddAlertCause(c, job, "pcie_link_degraded", quoted(gen_only ? kPcieGenDetail : kPcieWidthDetail, said), beliefs);
  }
}

// The unknown answer of a symptom alert read alone: what the alert says happened and that the
// hypotheses are ranked by its words only.
void SaySymptomAlertOnly(const DiagnosisCase& c, Diagnosis& d) {
  std::string note = "only the alert was read: ";
  note += AlertName(c);
  note += " names a symptom (";
  note += d.hypotheses[0].category;
  note += " leads the hypotheses by the alert's words alone), not its cause; the node's logs, metrics or probes decide";
  d.summary = "unknown from the alert alone: it names a symptom, several causes fit (hypotheses ranked, none verified)";
  d.unverified.insert(d.unverified.begin(), std::move(note));
}

// The probes that ran and argue against `cat` (a pass whose catalog entry refutes it: gpu.health's
// ECC and remap checks for an uncorrectable ECC fault), as "probe@target".
std::vector<std::string> ProbesRefuting(const std::vector<Observation>& observations, const std::string& cat) {
  std::vector<std::string> out;
  for (const Observation& o : observations) {
    if (o.evidence.kind != EvidenceKind::kProbe) continue;
    auto it = o.deltas.find(cat);
    if (it == o.deltas.end() || it->second >= -1e-3) continue;
    std::string src = o.evidence.source;
    if (src.rfind("probe ", 0) == 0) src.erase(0, 6);
    if (std::find(out.begin(), out.end(), src) == out.end()) out.push_back(std::move(src));
  }
  return out;
}

// " on PLACE" for text for people (the summary, `unverified` notes): a job-wide answer's `job` in
// the words of `vigil diagnose`'s component line (ComponentForPeople: "the whole job (no single
// component)"), any other component as it is; "" for none (OPS4A, 2026-12-03: the summary said
// "nccl_collective_hang on job" under "component: the whole job (no single component)").
std::string OnPlaceForPeople(const std::string& component) {
  if (component.empty()) return "";
  std::string out = " on ";
  out += ComponentForPeople(component);
  return out;
}

// The unknown answer of an alert whose claim the probes that ran argue against, and nothing but the
// alert supports (H200 run 22: an Xid 95 alert for a healthy GPU was answered "suspected (from the
// alert alone, not verified)" at 0.30, its note saying "only the alert was read ... confirm with
// gpu.health@vm/gpu0" beside that very probe's pass).
void SayAlertRefuted(const DiagnosisCase& c, const std::string& cat, const std::string& component,
                     const std::vector<std::string>& refuting, Diagnosis& d) {
  std::string probes;
  for (size_t i = 0; i < refuting.size() && i < 6; ++i) {
    if (i) probes += ", ";
    probes += refuting[i];
  }
  if (refuting.size() > 6) probes += " and " + std::to_string(refuting.size() - 6) + " more";
  const std::string name = AlertName(c);
  std::string where = OnPlaceForPeople(component);
  d.summary = "unknown: " + name + " says " + cat + where + ", but " + probes +
              " passed, which argue against it; nothing else supports it";
  std::string note = "the alert's claim is not confirmed: " + name + " says " + cat + where + "; " + probes +
                     " ran and passed. A condition since cleared (a GPU reset or a reboot clears volatile "
                     "counters), a stale or misrouted alert, or a fault the probes do not see: read the "
                     "node's kernel log from before the alert (and before any reboot) and the alert's history";
  d.unverified.insert(d.unverified.begin(), std::move(note));
}

// First-hand evidence of the answer's category on other nodes than the alert's (NA), said in
// `unverified` for an answer on the alert's node:
// - on one other node only: that node's evidence, not the alert node's (RestsOnAlertAlone counts it for
//   neither): the other node may have the same fault and is worth checking too;
// - on several nodes at once (the alert's and another, or two others): the same fault on several
//   nodes points at something they share - a switch or fabric link, a rack's power or cooling, a
//   driver or firmware rollout - as much as at each node.
void SayFaultOnOtherNodes(const DiagnosisCase& c, const std::string& alert_node,
                          const std::vector<Observation>& observations, Diagnosis& d) {
  if (!c.alert || d.root_cause.empty() || d.root_cause == "unknown" || !OnAlertNode(c, alert_node, d.component)) return;
  if (alert_node.empty()) return;
  std::vector<std::string> others;
  bool here = false;
  for (const Observation& o : observations) {
    // A repeated signature's later lines count 0 toward the belief (the first counts) but are still
    // the fault seen on their node.
    const auto& sup = o.evidence.supports;
    const EvidenceKind k = o.evidence.kind;
    if (std::find(sup.begin(), sup.end(), d.root_cause) == sup.end() || FromAlertFactsLog(o.evidence)) continue;
    if (k != EvidenceKind::kLog && k != EvidenceKind::kMetric && k != EvidenceKind::kProbe) continue;
    const std::string other = OtherNodeThanAlert(c, alert_node, o);
    if (other.empty()) {
      const std::string& src = o.evidence.source;
      here = here || !o.hint.node.empty() || SameNodeName(alert_node, src.substr(0, src.find('/')));
    } else if (std::find(others.begin(), others.end(), other) == others.end()) {
      others.push_back(other);
    }
  }
  if (others.empty()) return;
  std::sort(others.begin(), others.end());
  std::string list;
  for (size_t i = 0; i < others.size() && i < 8; ++i) {
    if (i) list += ", ";
    list += others[i];
  }
  if (others.size() > 8) list += ", ...";
  std::string note = d.root_cause;
  if (here || others.size() >= 2) {
    note += " is seen first-hand on ";
    note += std::to_string(others.size() + (here ? 1 : 0));
    note += " nodes at once (";
    if (here) {
      note += alert_node;
      note += ", ";
    }
    note += list;
    note += "): the same fault on several nodes points at something they share (a switch or fabric link, a rack's "
            "power or cooling, a driver or firmware rollout) as much as at each node; compare when each began and "
            "what they have in common before draining them one by one";
  } else {
    note += " is seen first-hand on ";
    note += list;
    note += ", another node than the alert's ";
    note += alert_node;
    note += ": that is evidence of ";
    note += list;
    note += "'s fault, not of ";
    note += alert_node;
    note += "'s, which rests on the alert; check ";
    note += list;
    note += " too";
  }
  d.unverified.push_back(std::move(note));
}

// A place in words, "gpu5 on node-9", "node-9", "mlx5_2 on node-9", from a node and the part after
// it in a component ("gpu5", "", "mlx5_2").
std::string PlaceWords(const std::string& node, const std::string& part) {
  if (part.empty()) return ComponentForPeople(node);  // a node as it is; NVS2's "nvlink-domain:RACK" in words
  std::string out = part;
  out += " on ";
  out += node;
  return out;
}

// Where the answer is against where the alert fired (ALERTID), said in the summary, first in
// `unverified` and as a trace item {"type": "alert_place", "alert", "answer", "confirmed", "said"}:
// - an answer on another node than the alert's, or on another GPU of its node, whose category no log
//   line, series or probe of the alert's own place supports: "the alert's gpu3 on node-7 was not
//   confirmed; the evidence is about gpu5 on node-9" (review RV-NA: it moved with nothing said);
// - an alert known only by an address that nothing in the case ties to a host's name (OnlyAddresses
//   after WithUnameNames) beside evidence placed on named hosts: which node the alert is about is
//   unknown, and that is said, whatever the answer (an address names a host only through a source
//   that says so).
// An alert claims something of its node only when it names a GPU there, or its own facts (its
// annotations, its line, its expression) support a device category (a gpu, host or network layer:
// IsDeviceLayer). A job's alert (TrainingJobStalled, a loss spike) carries the node label of the
// exporter that scraped the job, not a claim about that node; saying "the alert's node node-1 was
// not confirmed" beside it was noise (ALERTID's first version: 244 of 1,317 case answers, almost all
// job alerts).
bool AlertClaimsItsPlace(const std::vector<Observation>& observations, int alert_gpu,
                         const std::map<std::string, std::string>& layers) {
  if (alert_gpu >= 0) return true;
  for (const Observation& o : observations) {
    if (o.evidence.kind != EvidenceKind::kAlert && !FromAlertFactsLog(o.evidence)) continue;
    for (const auto& [cat, delta] : o.deltas) {
      if (delta <= 1e-3) continue;
      auto layer = layers.find(cat);
      if (layer != layers.end() && IsDeviceLayer(layer->second)) return true;
    }
  }
  return false;
}

// `case_node` is the alert's node as the case spells it (Topology::alert_node): an alert named only by
// an address that the case's output ties to a node is that node's, not of an unknown node.
void SayAlertPlace(const DiagnosisCase& c, const std::vector<Observation>& observations,
                   const std::map<std::string, std::string>& layers, const std::string& case_node, Diagnosis& d,
                   Json& trace) {
  if (!c.alert) return;
  const std::string alert_key = AlertNode(*c.alert).first;
  const std::string& alert_node = case_node;
  if (alert_node.empty()) return;
  const bool tied = !IsIpAddress(alert_node) && IsIpAddress(NodeOf(c.alert->labels));
  const int alert_gpu = GpuOf(c.alert->labels);
  const bool claims_place = AlertClaimsItsPlace(observations, alert_gpu, layers);
  const NodeNames names = AlertNodeNames(c, alert_node);
  const bool unknown_node = !tied && OnlyAddresses(names);
  auto on_alert_node = [&](const std::string& node) { return SameNodeName(alert_node, node) || NamesNode(names, node); };
  std::string alert_gpu_name;  // "gpu3", "" when the alert names no GPU index
  if (alert_gpu >= 0) {
    alert_gpu_name = "gpu";
    alert_gpu_name += std::to_string(alert_gpu);
  }
  const std::string alert_place = PlaceWords(alert_node, alert_gpu_name);
  std::string said;
  // The hosts the case's evidence is placed on that are not the alert's (for an address-only alert).
  std::vector<std::string> named;
  if (unknown_node) {
    for (const Observation& o : observations) {
      if (FromAlertFactsLog(o.evidence) || o.evidence.kind == EvidenceKind::kKnowledge || o.evidence.kind == EvidenceKind::kAlert) continue;
      const std::string other = OtherNodeThanAlert(c, alert_node, o);
      if (other.empty() || IsIpAddress(other) || std::find(named.begin(), named.end(), other) != named.end()) continue;
      named.push_back(other);
    }
    std::sort(named.begin(), named.end());
  }
  const bool answered = !d.root_cause.empty() && d.root_cause != "unknown";
  const size_t slash = d.component.find('/');
  const std::string answer_node = d.component.substr(0, slash);
  const std::string answer_part = slash == std::string::npos ? "" : d.component.substr(slash + 1);
  int answer_gpu = -1;
  if (answer_part.size() > 3 && answer_part.rfind("gpu", 0) == 0 &&
      std::all_of(answer_part.begin() + 3, answer_part.end(), [](unsigned char ch) { return std::isdigit(ch); })) {
    answer_gpu = ParseInt32(answer_part.substr(3)).value_or(-1);
  }
  const bool placed = answered && !answer_node.empty() && answer_node != "job";
  const bool other_node = placed && !on_alert_node(answer_node);
  const bool other_gpu = placed && !other_node && alert_gpu >= 0 && answer_gpu >= 0 && answer_gpu != alert_gpu;
  bool confirmed = true;
  if (other_node || other_gpu) {
    // First-hand support of the answer's category at the alert's own place (its node; its GPU when
    // it names one, or the node as a whole) confirms the alert's place too.
    confirmed = false;
    for (const Observation& o : observations) {
      auto it = o.deltas.find(d.root_cause);
      if (it == o.deltas.end() || it->second <= 1e-3 || FromAlertFactsLog(o.evidence)) continue;
      const EvidenceKind k = o.evidence.kind;
      if (k != EvidenceKind::kLog && k != EvidenceKind::kMetric && k != EvidenceKind::kProbe) continue;
      if (o.hint.node.empty() || !on_alert_node(o.hint.node)) continue;
      if (alert_gpu >= 0 && o.hint.gpu >= 0 && o.hint.gpu != alert_gpu) continue;
      confirmed = true;
      break;
    }
  }
  if (!confirmed && !unknown_node && claims_place) {
    said = "the alert's ";
    said += alert_gpu >= 0 ? alert_place : "node " + alert_node;
    said += " was not confirmed; the evidence is about ";
    said += PlaceWords(answer_node, answer_part);
  } else if (unknown_node && (!named.empty() || other_node)) {
    if (other_node && std::find(named.begin(), named.end(), answer_node) == named.end()) named.insert(named.begin(), answer_node);
    std::string hosts;
    for (size_t i = 0; i < named.size() && i < 8; ++i) {
      if (i) hosts += ", ";
      hosts += named[i];
    }
    if (named.size() > 8) hosts += ", ...";
    auto label = c.alert->labels.find(alert_key);
    said = "the alert's node is unknown: it is named only by the address ";
    said += alert_node;
    said += " (";
    said += alert_key;
    said += "=\"";
    said += label == c.alert->labels.end() ? alert_node : label->second;
    said += "\"), and no log, probe or node_uname_info series of the case ties that address to a host's name; ";
    said += hosts;
    said += named.size() == 1 ? " is" : " are";
    said += " not known to be the alert's node";
    if (other_node) said += "; the evidence is about " + PlaceWords(answer_node, answer_part);
  }
  if (said.empty()) return;
  d.summary += " (";
  d.summary += said;
  d.summary += ")";
  d.unverified.insert(d.unverified.begin(), said);
  trace.push_back({{"type", "alert_place"},
                   {"alert", alert_gpu >= 0 ? alert_node + "/" + alert_gpu_name : alert_node},
                   {"answer", d.component},
                   {"confirmed", false},
                   {"node_known", !unknown_node},
                   {"said", said}});
}

// An alert-only answer whose alert fact is a pair reading of two causes the alert does not split
// (AddAlertDcgmMemoryHealth, AddAlertMissingGpu): capped, said in the lead hypothesis' rationale (AO3:
// holdout4 u007's KB recall lifted row remapping to 0.41, realistic3 rl3-27's - the set says ECC - to 0.34).
void CapPairReading(const std::vector<Observation>& observations, Diagnosis& d) {
  struct PairReading {
    const char* detail;  // the observation's detail starts with it
    double max_confidence;
    const char* why;
  };
  static const PairReading kPairs[] = {
      {kDcgmMemoryHealthDetail, kDcgmMemoryHealthMaxConfidence,
       "; capped at 0.25: the alert's memory health failure is a row remap failure or uncorrectable ECC errors, which "
       "it does not say"},
      {kMissingGpuDetail, kMissingGpuMaxConfidence,
       "; capped at 0.25: the alert's missing GPU is off the bus or its firmware failed, which it does not say"},
      {kGpuCheckDetail, kAo5PairMaxConfidence,
       "; capped at 0.25: the alert's failed GPU check is a row remap failure or uncorrectable ECC errors, which it "
       "does not say"},
      {kSmiFailedDetail, kAo5PairMaxConfidence,
       "; capped at 0.25: nvidia-smi failing is a GPU off the bus or its firmware, which the alert does not say"},
      {kSmiHungDetail, kAo5PairMaxConfidence,
       "; capped at 0.25: nvidia-smi hanging is a GPU's firmware or a GPU off the bus, which the alert does not say"},
      {kUncodedXidDetail, kAo5PairMaxConfidence,
       "; capped at 0.25: the alert's Xid has no code; off the bus and a firmware failure are the likeliest"},
      {kGpuClockLowDetail, kAo5PairMaxConfidence,
       "; capped at 0.25: the alert's low clocks are a power or a thermal limit, which it does not say"},
      {kSegvDetail, kAlr2MaxConfidence, "; capped at 0.25: the alert names the crash, not what made the rank crash"},
      {kAbortDetail, kAlr2MaxConfidence, "; capped at 0.25: the alert names the abort, not what made the rank abort"},
      {kBusDetail, kAlr2MaxConfidence, "; capped at 0.25: the alert names the bus error, not what made the rank crash"},
      {kPcieGenDetail, kAlr2MaxConfidence,
       "; capped at 0.25: a PCIe generation below the maximum is also an idle GPU's power saving"},
  };
  for (const PairReading& p : kPairs) {
    const bool pair = std::any_of(observations.begin(), observations.end(), [&](const Observation& o) {
      const auto& sup = o.evidence.supports;
      return o.evidence.detail.rfind(p.detail, 0) == 0 && std::find(sup.begin(), sup.end(), d.root_cause) != sup.end();
    });
    if (!pair || d.confidence <= p.max_confidence) continue;
    d.confidence = p.max_confidence;
    if (!d.hypotheses.empty() && d.hypotheses[0].category == d.root_cause) {
      d.hypotheses[0].probability = std::min(d.hypotheses[0].probability, p.max_confidence);
      d.hypotheses[0].rationale += p.why;
    }
  }
}

// An alert-only answer from an alert that states only correctable (single-bit) ECC errors (ALR2,
// OnlyCorrectableEcc): ECC corrected them, so they are a sign to watch (a page retirement or row remap
// may follow), not an uncorrectable fault by themselves: an ECC or row remap answer stays named, capped
// below 0.3 (realistic19 rl19-18, `increase(DCGM_FI_DEV_ECC_SBE_VOL_TOTAL[1h]) > 100`, was
// gpu_memory_uncorrectable_ecc 0.33).
void CapCorrectableEcc(const DiagnosisCase& c, Diagnosis& d) {
  if (d.root_cause != "gpu_memory_uncorrectable_ecc" && d.root_cause != "gpu_row_remap_failure") return;
  if (d.confidence <= kAlr2MaxConfidence ||
      !OnlyCorrectableEcc(AlertWordsForReading(c), ExpressionFromGeneratorUrl(AlertGeneratorUrl(*c.alert)))) {
    return;
  }
  d.confidence = kAlr2MaxConfidence;
  if (!d.hypotheses.empty() && d.hypotheses[0].category == d.root_cause) {
    d.hypotheses[0].probability = std::min(d.hypotheses[0].probability, kAlr2MaxConfidence);
    d.hypotheses[0].rationale += "; capped at 0.25: the alert states correctable ECC errors only, which ECC fixed";
  }
}

// An alert-only answer from an alert its own rule rates informational (severity "info", "none", ...;
// alert_severity.h): its authors page no one on it alone, so the state it reports is a sign to look at,
// not an incident's cause; the answer stays named and ranked, capped below 0.3 (AO5: realistic10's
// severity="info" NVLink CRC counter alert was answered nvlink_error 0.45 where the logs show a PCIe
// link that had degraded).
constexpr double kInformationalAlertMaxConfidence = 0.25;
void CapInformationalAlert(const DiagnosisCase& c, Diagnosis& d) {
  std::string severity = c.alert->severity;
  if (auto l = c.alert->labels.find("severity"); severity.empty() && l != c.alert->labels.end()) severity = l->second;
  if (!SeverityIsInformational(severity) || d.confidence <= kInformationalAlertMaxConfidence) return;
  d.confidence = kInformationalAlertMaxConfidence;
  if (!d.hypotheses.empty() && d.hypotheses[0].category == d.root_cause) {
    d.hypotheses[0].probability = std::min(d.hypotheses[0].probability, kInformationalAlertMaxConfidence);
    d.hypotheses[0].rationale += "; capped at 0.25: the alert's rule rates it severity \"" + severity +
                                 "\", a sign to look at, not an incident";
  }
}

void SayAlertOnly(const DiagnosisCase& c, Diagnosis& d) {
  d.confidence = std::min(d.confidence, kAlertOnlyMaxConfidence);
  // The hypothesis the answer is: listed at the answer's confidence, its rationale says why
  // (review RV-AT: 0.58 in the list beside confidence 0.45).
  if (!d.hypotheses.empty() && d.hypotheses[0].category == d.root_cause &&
      d.hypotheses[0].probability > kAlertOnlyMaxConfidence) {
    std::ostringstream why;
    why << "; capped at " << kAlertOnlyMaxConfidence << " from " << std::round(d.hypotheses[0].probability * 100) / 100
        << ": rests on the alert alone";
    d.hypotheses[0].rationale += why.str();
    d.hypotheses[0].probability = kAlertOnlyMaxConfidence;
  }
  d.summary = "suspected (from the alert alone, not verified): " + d.summary;
  std::string note = "only the alert was read: ";
  note += d.root_cause;
  note += OnPlaceForPeople(d.component);
  note += " rests on the alert's own labels and annotations (";
  note += AlertName(c);
  note += ": a rule's summary of the state, not the node's logs, metrics or a probe); confirm with";
  std::string checks;
  for (const ProbeSpec& spec : ProbeCatalog()) {
    bool tests = false;
    for (const CategoryEvidence& ce : spec.evidence) {
      tests = tests || (ce.category == d.root_cause && ce.fail_supports >= kFirstWaveTestSupport);
    }
    if (!tests) continue;
    checks += checks.empty() ? " " : ", ";
    checks += std::string(spec.name);
    // "probe@target" as the catalog's target kinds name targets: a GPU probe's "<node>/gpu<N>", a
    // node probe's "<node>"; an answer on a node runs a GPU probe on each of its GPUs, and an answer
    // on the job names no target (review RV-AT: "gpu.health@gpu-7" and "nccl.allreduce@job" were said).
    const std::string node = d.component.substr(0, d.component.find('/'));
    const bool on_gpu = d.component.find("/gpu") != std::string::npos;
    // A rack's NVLink switch side (NVS2's "nvlink-domain:RACK") is no probe target either.
    const bool on_domain = d.component.rfind("nvlink-domain:", 0) == 0;
    if (!d.component.empty() && d.component != "job" && !on_domain && spec.target_kind != ProbeTargetKind::kJob) {
      if (spec.target_kind == ProbeTargetKind::kNode) {
        checks += "@";
        checks += node;
      } else if (on_gpu) {
        checks += "@";
        checks += d.component;
      } else {
        checks += " on each GPU of ";
        checks += node;
      }
    }
  }
  note += checks.empty() ? std::string(" the node's own logs and metrics") : checks + ", or the node's kernel log and metrics";
  d.unverified.insert(d.unverified.begin(), std::move(note));
}

namespace {

// Alert triage looks at what holds at and just before the alert's startsAt. A metric condition that
// held and then stopped holding more than this before startsAt (seen not holding on the series'
// samples up to within this of startsAt) is an earlier incident inside the lookback: context, not
// the alert's cause (RV-OPS: a GpuThermalExcursion answered moe_expert_imbalance from the step
// times of a straggler that ended 25 min before; a StragglerRank answered dataloader_stall from a
// utilisation drop that ended 24 min before).
constexpr int64_t kEndedBeforeAlertMs = 10 * 60 * 1000;
// Such a condition's weight, as a fraction of what it would weigh.
constexpr double kEndedBeforeAlertFactor = 0.25;

// The note for a hit on `series` of `condition` (first held at `first_ms`) that ended more than
// kEndedBeforeAlertMs before the alert's startsAt (what the evidence line then says); nullopt when it did not (no alert, it
// still held near startsAt, the series stops before it could be seen ending).
std::optional<std::string> EndedBeforeAlert(const DiagnosisCase& c, const std::string& condition,
                                            const std::vector<TimeSeries>& series, const TimeSeries& hit,
                                            int64_t first_ms) {
  if (!c.alert || c.alert->starts_at_ms <= 0 || hit.empty()) return std::nullopt;
  const int64_t start = c.alert->starts_at_ms;
  const std::optional<int64_t> last = LastHeldMs(condition, series, hit);
  if (!last) return std::nullopt;
  // The first sample after the last that held: where it was seen not holding.
  auto after = std::upper_bound(hit.timestamps_ms.begin(), hit.timestamps_ms.end(), *last);
  if (after == hit.timestamps_ms.end()) return std::nullopt;
  const int64_t ended = *after;
  if (ended > start - kEndedBeforeAlertMs || hit.timestamps_ms.back() < start - kEndedBeforeAlertMs) return std::nullopt;
  // A condition against a baseline of its own series (`x > 1.3 * avg_over_time(x[6h])`, the average
  // from the case's start) stops holding once the baseline has caught up, while x stays where the
  // fault put it (a slowdown still going on at the alert). Ended means the series itself is back:
  // its last sample at or before startsAt at most half as far from its sample before the onset (its
  // median over the window when the condition held from the first sample) as from its sample where
  // the condition first held.
  const auto at_or_before = [&](int64_t t) -> std::optional<double> {
    auto it = std::upper_bound(hit.timestamps_ms.begin(), hit.timestamps_ms.end(), t);
    if (it == hit.timestamps_ms.begin()) return std::nullopt;
    const double v = hit.values[static_cast<size_t>(it - hit.timestamps_ms.begin()) - 1];
    return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
  };
  const std::optional<double> now = at_or_before(start);
  const std::optional<double> onset = at_or_before(first_ms);
  std::optional<double> before = at_or_before(first_ms - 1);
  if (!before) {  // held from the window's first sample: the series' median over the window stands in
    std::vector<double> v;
    for (double x : hit.values) {
      if (std::isfinite(x)) v.push_back(x);
    }
    if (!v.empty()) {
      std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
      before = v[v.size() / 2];
    }
  }
  // Clearly nearer: a fault going on all along keeps its series near the onset's level.
  if (!now || !onset || !before || !(2 * std::fabs(*now - *before) < std::fabs(*now - *onset))) return std::nullopt;
  const int64_t minutes = (start - ended) / 60000;
  std::string note = "; ended by ";
  note += FormatRfc3339Ms(ended);
  note += ", ";
  note += std::to_string(minutes);
  note += " min before the alert's startsAt: an earlier incident, weighed as context";
  return note;
}

}  // namespace

namespace {

// Whether a note of the case already says its diagnosis has no metrics (alert triage's "metrics:
// ... could not be read ...; this diagnosis uses no metrics"): then "no metrics in the case" would
// say it twice (RV-OPS).
bool NotesSayNoMetrics(const DiagnosisCase& c) {
  return std::any_of(c.notes.begin(), c.notes.end(),
                     [](const std::string& n) { return n.find("this diagnosis uses no metrics") != std::string::npos; });
}

// 2e. The alert's own rank / GPU against its peers (ReadAlertSubject, RGB). An alert that names a
// rank or a GPU is judged on that participant's own series: its timing behind its peers' is
// straggler evidence on it (kMetricWeight, the first reading; kExtraMetricWeight each further one),
// its clock cut for its temperature thermal evidence on its GPU (kMetricWeight; kExtraMetricWeight
// when a condition already found it there). What was read is said in a context line either way.
// The report comes back for the explain-away pass (a page whose own series show no harm).
std::optional<SubjectReport> AddAlertSubjectEvidence(const Alert& alert, const Topology& topo,
                                                     const std::vector<TimeSeries>& series, Beliefs& beliefs) {
  const AlertSubject asked = SubjectOfAlert(alert.labels);
  if (!asked.any()) return std::nullopt;
  std::map<int, std::pair<std::string, int>> places;
  for (const auto& [rank, h] : topo.ranks) {
    if (!h.node.empty() && h.gpu >= 0) places[rank] = {h.node, h.gpu};
  }
  SubjectReport r = ReadAlertSubject(asked, alert.starts_at_ms, series, places);
  const AlertSubject& s = r.subject;
  if (r.slow.empty() && r.normal.empty() && r.heat == SubjectHeat::kUnread) return r;
  auto placed = [&](Observation& o) {
    o.hint.node = s.node;
    o.hint.gpu = s.node.empty() ? -1 : s.gpu;
    o.hint.rank = s.rank.empty() ? -1 : ParseInt32(s.rank).value_or(-1);
    o.hint.job = topo.job;
    o.evidence.time_ms = alert.starts_at_ms > 0 ? alert.starts_at_ms : kNoTime;
    o.time_ms = o.evidence.time_ms;
  };
  const std::string who = "the alert's " + s.Describe();
  bool first = true;
  for (const SubjectReading& reading : r.slow) {
    const std::string source = "metric " + reading.series->id();
    bool already = false;
    for (const Observation& o : beliefs.observations()) {
      auto it = o.deltas.find("straggler_rank");
      already = already || (o.evidence.source == source && it != o.deltas.end() && it->second > 0);
    }
    if (already) continue;
    Observation o;
    o.evidence.kind = EvidenceKind::kMetric;
    o.evidence.source = source;
    o.evidence.detail = who + ": " + reading.Text() + (reading.higher_is_slow ? ", slower" : ", behind") +
                        " than its peers";
    if (!r.normal.empty()) {
      o.evidence.detail += "; ";
      o.evidence.detail += r.normal.front().series->name;
      o.evidence.detail += " in line with its peers (the job waits for it)";
    }
    if (first && !r.heat_text.empty()) {
      o.evidence.detail += "; its GPU: ";
      o.evidence.detail += r.heat_text;
    }
    o.evidence.value = reading.now;
    o.evidence.supports = {"straggler_rank"};
    const double w = first ? kMetricWeight : kExtraMetricWeight;
    first = false;
    o.evidence.weight = w;
    o.deltas["straggler_rank"] = w;
    o.slow_named = true;
    placed(o);
    beliefs.Add(std::move(o));
  }
  // The job's step time held up on every rank while the alert's rank is behind and its own step
  // time is in line with its peers': the job waits for it. Another category's condition read from
  // those step-time series (the MoE entry's `step_time_ms > 1.3 * avg_over_time(...)`) is that wait.
  if (!r.slow.empty()) {
    for (const SubjectReading& n : r.normal) {
      const std::string prefix = "metric " + n.series->name + "{";
      for (const auto& [cat, score] : std::map<std::string, double>(beliefs.scores())) {
        if (cat == "straggler_rank" || score <= 0) continue;
        beliefs.DiscountWhere(cat, kExplainedAwayFactor, "the job's " + n.series->name + " waits for " + who,
                              [&](const Observation& o) {
                                return o.evidence.kind == EvidenceKind::kMetric && o.evidence.source.rfind(prefix, 0) == 0;
                              });
      }
    }
  }
  if (r.heat == SubjectHeat::kThrottling && !s.node.empty() && s.gpu >= 0) {
    bool found = false;
    for (const Observation& o : beliefs.observations()) {
      auto it = o.deltas.find("gpu_thermal_throttle");
      found = found || (it != o.deltas.end() && it->second >= 1.0 && o.hint.gpu == s.gpu && SameNodeName(o.hint.node, s.node));
    }
    Observation o;
    o.evidence.kind = EvidenceKind::kMetric;
    o.evidence.source = "metric " + (r.reasons != nullptr ? r.reasons : r.clock != nullptr ? r.clock : r.temp)->id();
    o.evidence.detail = who + ": " + r.heat_text;
    o.evidence.value = r.temp_now;
    o.evidence.supports = {"gpu_thermal_throttle"};
    const double w = found ? kExtraMetricWeight : kMetricWeight;
    o.evidence.weight = w;
    o.deltas["gpu_thermal_throttle"] = w;
    placed(o);
    beliefs.Add(std::move(o));
  } else if (r.slow.empty()) {
    // Context: what the subject's own series say (read, not counted).
    std::string text = who + ": ";
    if (!r.heat_text.empty()) text += r.heat_text;
    for (const SubjectReading& n : r.normal) {
      if (text.back() != ' ') text += "; ";
      text += n.Text();
      text += ", in line with its peers";
    }
    if (r.harmless) text += "; its own series show no harm";
    Observation o;
    o.evidence.kind = EvidenceKind::kMetric;
    const TimeSeries* src = r.temp != nullptr ? r.temp : r.reasons != nullptr ? r.reasons : r.clock;
    o.evidence.source = "metric " + (src != nullptr ? src->id() : r.normal.front().series->id());
    o.evidence.detail = std::move(text);
    o.evidence.weight = 0;
    o.context = true;
    placed(o);
    beliefs.Add(std::move(o));
  }
  return r;
}

}  // namespace

Json BeliefJson(const Beliefs& b, size_t k = 5) {
  Json j = Json::object();
  auto r = b.Ranked();
  for (size_t i = 0; i < r.size() && i < k; ++i) j[r[i].first] = std::round(r[i].second * 1000) / 1000;
  return j;
}

}  // namespace

ReasonerOutput BuiltinReasoner::Diagnose(const DiagnosisCase& c, const KnowledgeFacts& facts,
                                         ProbeExecutor* probes) const {
  ReasonerOutput out;
  Diagnosis& d = out.diagnosis;
  Json& trace = out.trace;
  Topology topo = BuildTopology(c);
  FlatLogs flat = FlattenLogs(c);
  Beliefs beliefs(facts, options_.other_score);
  beliefs.SetCaseLines(&flat.lines);
  beliefs.SetCase(&c, &topo);
  if (c.alert) beliefs.SetAlertNodeSpelling(NodeOf(c.alert->labels), topo.alert_node);
  beliefs.SetGpusPerNode(topo.gpus_per_node);
  beliefs.SetNodes(topo.nodes);
  for (const std::string& n : c.notes) d.unverified.push_back(n);
  if (!topo.gpus_per_node_note.empty()) d.unverified.push_back(topo.gpus_per_node_note);
  if (!topo.timezone_note.empty()) d.unverified.push_back(topo.timezone_note);
  for (std::string& n : MonitoringUnitNotes(c)) d.unverified.push_back(std::move(n));
  auto layer_of = [&](const std::string& cat) {
    auto it = facts.layers.find(cat);
    return it == facts.layers.end() ? std::string() : it->second;
  };

  // 1. Log signatures: one contribution per (category, signature); examples kept as evidence.
  struct SigGroup {
    std::vector<const SignatureMatch*> matches;
    int64_t first_time = kNoTime;
    int64_t last_time = std::numeric_limits<int64_t>::min();  // of the timed lines
    bool untimed = false;  // some line carries no time
    bool zoneless = false; // some timed line is a local time of an undeclared zone (LineTime::zoned)
    // Of the untimed lines (RG15): the latest time of a timed line before one in its source (a lower
    // bound of when it was printed: a source's lines are in order), and whether some untimed line
    // is no continuation: the timed line before it matched another category or none (an untimed line
    // after a timed one of its own category continues that record, and has its time for history).
    int64_t floor_time = std::numeric_limits<int64_t>::min();
    bool untimed_own = false;
  };
  std::set<std::pair<std::string, size_t>> matched_lines;  // (category, line) of every match
  for (const SignatureMatch& m : facts.log_matches) matched_lines.insert({m.category, m.line_index});
  // The nearest timed line before flat line `i` in its source (at most kFloorLookback lines back):
  // its index and time; time INT64_MIN for none.
  // Each line's time is read once (RVU2: a log of thousands of untimed NCCL WARN matches among
  // untimed INFO lines read each of up to 200 lines once per match).
  constexpr size_t kFloorLookback = 200;
  std::vector<std::optional<int64_t>> line_times(flat.lines.size());
  auto floor_of = [&](size_t i) -> std::pair<size_t, int64_t> {
    for (size_t j = i, steps = 0; j > 0 && steps < kFloorLookback; ++steps) {
      --j;
      if (flat.refs[j].first != flat.refs[i].first) break;
      if (!line_times[j]) line_times[j] = ParseLineTime(flat.lines[j], topo.clock).ms;
      const int64_t t = *line_times[j];
      if (t != kNoTime) return {j, t};
    }
    return {0, std::numeric_limits<int64_t>::min()};
  };
  std::map<std::string, std::map<std::string, SigGroup>> by_cat;  // category -> pattern -> matches
  std::set<std::pair<std::string, size_t>> seen_line;               // (category, line)
  int64_t latest_zoneless = std::numeric_limits<int64_t>::min();   // of the matched lines (TZ)
  for (const SignatureMatch& m : facts.log_matches) {
    if (m.line_index >= flat.lines.size()) continue;
    if (!MonitoringUnitOfLine(m.line).empty()) continue;  // a monitoring unit's systemd line (TZ)
    // A network transport's errno ("Input/output error" of libfabric's fi_cq_readerr under NET/OFI)
    // is no file system's (IsNetworkTransportLine, PLC14).
    if (m.category == "storage_failure" && IsNetworkTransportLine(m.line)) continue;
    if (!seen_line.insert({m.category, m.line_index}).second) continue;
    SigGroup& g = by_cat[m.category][m.pattern];
    g.matches.push_back(&m);
    // When the state the line reports began (a watchdog's "ran for ..." puts it before the line):
    // the time its observation carries, so the signature whose state began first leads.
    LineTime lt = ParseLineTime(m.line, topo.clock);
    // A line dated with no time of day ("2026-11-12 RMA-43907 h200-moe-a19 gpu2 ...: Xid 48 DBE x2,
    // GPU replaced", an ops note): timed at the latest instant of that day (LeadingDateEndMs, PLC22),
    // so a note weeks before the alert is before the incident's window as a timed line is, and does
    // not lead its category over the incident's own lines (realistic29 rl29-02: another node's RMA
    // note three weeks old led the alerted GPU's DBE at 0.99). Only before the alert's window: a
    // note of the alert's own day stays untimed, as before.
    if (lt.ms == kNoTime && c.alert && c.alert->starts_at_ms > 0) {
      const int64_t day_end = LeadingDateEndMs(m.line);
      if (day_end != kNoTime && day_end < c.alert->starts_at_ms - kIncidentWindowMs) lt = LineTime{day_end, true};
    }
    const int64_t line_time = lt.ms;
    g.first_time = std::min(g.first_time, OnsetTimeMs(m.line, line_time));
    if (line_time == kNoTime) {
      g.untimed = true;
      if (!(c.alert && c.alert->starts_at_ms > 0)) {
        const auto [j, t] = floor_of(m.line_index);
        g.floor_time = std::max(g.floor_time, t);
        if (t == std::numeric_limits<int64_t>::min() || !matched_lines.count({m.category, j})) g.untimed_own = true;
      }
    } else g.last_time = std::max(g.last_time, line_time);
    if (line_time != kNoTime && !lt.zoned) {
      g.zoneless = true;
      latest_zoneless = std::max(latest_zoneless, line_time);
    }
  }
  // A fault's own "it is over" lines (PLC13): "Xid 79 cleared", "GPU reset completed", a port's
  // "Link is Up" after its "Link is Down", Slurm's resume of the drained node (StatesFaultOver). A
  // sighting that such a line of its place follows is recovered: it is an earlier incident's, as one
  // days older is (EarlierIncidentSightings), so an unrecovered sighting of its signature leads it
  // (the fault recurring on another GPU). A category every sighting of which was recovered, beside a
  // sighting of another category written after one of those recovery lines (a new, different fault),
  // keeps kHistoryFactor of its weight, as history does: named, not the lead. A recovered fault with
  // nothing after it stays the answer (the job died of it; the reset came later).
  std::set<std::pair<std::string, size_t>> recovered_lines;  // (category, flat line)
  std::map<std::string, std::string> recovered_cats;          // category -> the recovery line's source
  // The nodes of a recovered_cats category's sightings (each of them recovered): where a probe that
  // reads the same kernel log sees the same recovered fault (PLC23).
  std::map<std::string, std::set<std::string>> recovered_nodes;
  std::map<std::string, std::string> recovered_before_alert;  // PLC24: the same, over before the alert's window
  {
    constexpr size_t kMaxRecoveryLines = 64;
    struct Recovery {
      LineAt at;
      FaultOver kind;
      ComponentHint hint;
      size_t flat = 0;
    };
    std::vector<Recovery> recoveries;
    for (size_t i = 0; i < flat.lines.size() && recoveries.size() < kMaxRecoveryLines; ++i) {
      const FaultOver kind = StatesFaultOver(flat.lines[i]);
      if (kind == FaultOver::kNone) continue;
      const auto [li, ki] = flat.refs[i];
      ComponentHint h = PlaceLine(c.logs[li], ki, flat.lines[i], topo);
      if (h.node.empty()) continue;  // a recovery of no known node ends nothing it can be matched to
      recoveries.push_back({{LineTimeMs(flat.lines[i], topo.clock), li, ki}, kind, std::move(h), i});
    }
    // PLC24: with an alert, one category alone can be recovered history too (below).
    const bool alert_timed = c.alert && c.alert->starts_at_ms > 0;
    if (!recoveries.empty() && (by_cat.size() > 1 || alert_timed)) {
      std::vector<LineAt> rec_at;
      for (const Recovery& r : recoveries) rec_at.push_back(r.at);
      // Each category's sightings, placed; and which recovery lines ended them.
      std::map<std::string, std::vector<LineAt>> sight_at;
      std::map<std::string, std::vector<ComponentHint>> sight_hint;
      std::map<std::string, std::set<size_t>> ended_by;
      std::set<std::string> all_recovered;
      for (const auto& [cat, groups] : by_cat) {
        std::vector<const SignatureMatch*> ms;
        for (const auto& [pattern, g] : groups) ms.insert(ms.end(), g.matches.begin(), g.matches.end());
        std::vector<LineAt>& at = sight_at[cat];
        std::vector<ComponentHint>& hints = sight_hint[cat];
        for (const SignatureMatch* m : ms) {
          const auto [li, ki] = flat.refs[m->line_index];
          at.push_back({LineTimeMs(m->line, topo.clock), li, ki});
          hints.push_back(PlaceLine(c.logs[li], ki, m->line, topo));
        }
        auto ends = [&](size_t s, size_t r) {
          const ComponentHint& sh = hints[s];
          const Recovery& rc = recoveries[r];
          if (sh.node.empty() || sh.node != rc.hint.node) return false;
          const std::string& comp = ms[s]->component;
          switch (rc.kind) {
            case FaultOver::kNode: return true;
            case FaultOver::kGpu:
              if (comp != "gpu" && comp != "nvlink") return false;
              return sh.gpu < 0 || rc.hint.gpu < 0 || sh.gpu == rc.hint.gpu;
            case FaultOver::kLink:
              if (comp != "ib" && comp != "network") return false;
              if (!sh.hca.empty() && !rc.hint.hca.empty()) return sh.hca == rc.hint.hca;
              return sh.hca.empty() && rc.hint.hca.empty() && at[s].log == rc.at.log;
            case FaultOver::kStorage: return comp == "storage";
            case FaultOver::kNone: return false;
          }
          return false;
        };
        const std::vector<std::vector<size_t>> rec = RecoveriesEnding(at, rec_at, ends, kNoTime);
        // PLC24 (realistic30 rl30-29: an Xid 63 a day before a step-time alert, its pending remap
        // applied by a reset 2 h later): every sighting timed, and ended by a timed recovery line of its
        // place, before the alert's incident window (kIncidentWindowMs before its start; a zoneless
        // local time kZonelessLateMs more) is a fault that was over before what the alert reports began.
        const int64_t over_by = alert_timed ? SaturatingSub(SaturatingSub(c.alert->starts_at_ms, kIncidentWindowMs),
                                                            topo.clock.zone_declared ? 0 : kZonelessLateMs)
                                            : std::numeric_limits<int64_t>::min();
        bool all_before_alert = alert_timed && !ms.empty();
        for (size_t k = 0; k < ms.size() && all_before_alert; ++k) {
          all_before_alert = at[k].time_ms != kNoTime && at[k].time_ms < over_by &&
                             std::any_of(rec[k].begin(), rec[k].end(), [&](size_t r) {
                               return rec_at[r].time_ms != kNoTime && rec_at[r].time_ms < over_by;
                             });
        }
        if (all_before_alert) {
          const Recovery& rc = recoveries[rec.front().back()];
          recovered_before_alert[cat] = c.logs[rc.at.log].source + ":" + std::to_string(c.logs[rc.at.log].lines[rc.at.line].number);
          // A kernel-log probe re-reading it confirms nothing of it either (PLC23 + PLC24, merged).
          for (const ComponentHint& h : sight_hint[cat]) recovered_nodes[cat].insert(h.node);
        }
        bool all = !ms.empty();
        for (size_t k = 0; k < ms.size(); ++k) {
          if (rec[k].empty()) {
            all = false;
            continue;
          }
          recovered_lines.insert({cat, ms[k]->line_index});
          ended_by[cat].insert(rec[k].begin(), rec[k].end());
        }
        if (all) all_recovered.insert(cat);
      }
      // A later fault of another kind at the recovered place itself (an uncorrectable ECC error on the
      // GPU its reset was to fix) is no new, different fault: the reset did not end it.
      auto at_place = [&](const ComponentHint& h, const Recovery& r) {
        if (h.node.empty() || h.node != r.hint.node) return false;
        switch (r.kind) {
          case FaultOver::kNode: return true;
          case FaultOver::kGpu: return h.gpu < 0 || r.hint.gpu < 0 || h.gpu == r.hint.gpu;
          case FaultOver::kLink: return h.hca.empty() || r.hint.hca.empty() || h.hca == r.hint.hca;
          // A file-system client's reconnection ends its storage stall only: a GPU's or a port's
          // fault after it is new.
          case FaultOver::kStorage: return false;
          case FaultOver::kNone: return false;
        }
        return false;
      };
      for (const std::string& cat : all_recovered) {
        for (const auto& [other, at] : sight_at) {
          if (other == cat || all_recovered.count(other)) continue;
          const std::vector<ComponentHint>& hints = sight_hint[other];
          for (size_t r : ended_by[cat]) {
            bool after = false;
            for (size_t k = 0; k < at.size() && !after; ++k) {
              after = WrittenAfter(rec_at[r], at[k], kNoTime) && !at_place(hints[k], recoveries[r]);
            }
            if (after) {
              const Recovery& rc = recoveries[r];
              recovered_cats[cat] = c.logs[rc.at.log].source + ":" + std::to_string(c.logs[rc.at.log].lines[rc.at.line].number);
              for (const ComponentHint& h : sight_hint[cat]) recovered_nodes[cat].insert(h.node);
              break;
            }
          }
          if (recovered_cats.count(cat)) break;
        }
      }
    }
  }
  for (auto it = recovered_before_alert.begin(); it != recovered_before_alert.end();) {
    if (recovered_cats.emplace(it->first, it->second).second) ++it;
    else it = recovered_before_alert.erase(it);  // a fault of another kind followed: said as before
  }
  // PLC26 (realistic31 rl31-19): a kernel OOM kill of another pid than every process that died of its
  // own fault on that node (a segfault, SIGBUS: no OOM victim's signal), over kIncidentWindowMs before
  // those deaths, with no line saying a process was SIGKILLed, is an earlier event of the node
  // (OomKilledOtherProcessEarlier): its lines keep kHistoryFactor of their weight and a node.kernel_log
  // probe that re-reads it confirms nothing (as a recovered fault's, PLC13 / PLC23). Before, another
  // user's OOM kill 19 h before a rank's segfault in libjpeg answered host_oom at 0.88.
  std::string oom_other_process;  // the kill line's source:line when the rule holds
  if (auto oom = by_cat.find("host_oom"); oom != by_cat.end() && !recovered_cats.count("host_oom")) {
    std::vector<OomKillLine> kills;
    bool unread_kill = false;
    std::string first_kill;
    for (const auto& [pattern, g] : oom->second) {
      for (const SignatureMatch* m : g.matches) {
        const std::optional<int64_t> pid = OomVictimPid(m->line);
        const auto [li, ki] = flat.refs[m->line_index];
        if (!pid || IsAlertFactsLog(c.logs[li].source)) {
          unread_kill = true;
          break;
        }
        OomKillLine k;
        k.node = PlaceLine(c.logs[li], ki, m->line, topo).node;
        k.pid = *pid;
        k.time_ms = LineTimeMs(m->line, topo.clock);
        if (first_kill.empty()) first_kill = c.logs[li].source + ":" + std::to_string(c.logs[li].lines[ki].number);
        kills.push_back(std::move(k));
      }
      if (unread_kill) break;
    }
    if (!unread_kill && !kills.empty()) {
      std::vector<OwnDeathLine> deaths;
      bool sigkill = false;
      constexpr size_t kMaxDeathScan = 200'000;
      for (size_t i = 0; i < flat.lines.size() && i < kMaxDeathScan; ++i) {
        const std::string& line = flat.lines[i];
        sigkill = sigkill || SaysKilledBySigkill(line);
        const std::optional<int64_t> pid = OwnFaultDeathPid(line);
        if (!pid) continue;
        const auto [li, ki] = flat.refs[i];
        OwnDeathLine d;
        d.node = PlaceLine(c.logs[li], ki, line, topo).node;
        d.pid = *pid;
        d.time_ms = LineTimeMs(line, topo.clock);
        if (!d.node.empty()) deaths.push_back(std::move(d));
      }
      if (OomKilledOtherProcessEarlier(kills, deaths, sigkill, kIncidentWindowMs)) {
        oom_other_process = first_kill;
        recovered_cats["host_oom"] = first_kill;
        for (const OomKillLine& k : kills) recovered_nodes["host_oom"].insert(k.node);
      }
    }
  }
  // With no alert, a category whose every matched line is days before the incident's other
  // evidence (and before the job's start, when the case gives it) is history (HistoryCategories,
  // RG14): an Xid 13 six days before a SIGSEGV, an Xid 31 six days before a driver mismatch. Its
  // lines keep kHistoryFactor of their weight: named, not the cause over the incident's own lines.
  // RG15: an untimed line counts for the other categories at the time of the timed line before it
  // in its source (a rank's traceback after the job's "attempt 1" banner), and one that follows a
  // timed line of its own category continues that record (a note on the Xid under the Xid).
  // PLC20: with an alert too, where the category's lines are also over the gap before the alert's
  // start (an Xid 31 five weeks before a job-failed alert whose own evidence is an Xid 94 of today);
  // before, alert-first cases kept every days-old line at full weight.
  std::set<std::string> history_cats;
  {
    std::map<std::string, CategoryTimes> cat_times;
    for (const auto& [cat, groups] : by_cat) {
      CategoryTimes& t = cat_times[cat];
      for (const auto& [pattern, g] : groups) {
        t.untimed = t.untimed || g.untimed_own;
        t.last_ms = std::max(t.last_ms, g.last_time);
        t.floor_ms = std::max(t.floor_ms, g.floor_time);
      }
    }
    // PLC26 (realistic31 rl31-23: an ops note of a DBE and the GPU's replacement 19 days before a
    // loss-NaN alert whose own lines, the trainer's dicts, print no time): with an alert, its start is
    // the incident's time too, so a category whose lines are all timed over the gap before it is
    // history beside another category's untimed lines (before, another category's timed line was
    // needed). Still two categories at least; the alert's own line is no category here.
    // With an alert the untimed lines carry no floor (`untimed_own` is not computed): by the alert's
    // start, a category with any untimed line is never history (a dcgmi table under a days-old Xid
    // is today's). Added to the rule's answer by the other categories' lines, as before.
    if (cat_times.size() > 1) history_cats = HistoryCategories(cat_times, JobStartMs(flat.lines, topo.clock), topo.clock.zone_declared);
    if (cat_times.size() > 1 && c.alert && c.alert->starts_at_ms > 0) {
      std::map<std::string, CategoryTimes> with_alert = cat_times;
      for (auto& [cat, t] : with_alert) {
        for (const auto& [pattern, g] : by_cat[cat]) t.untimed = t.untimed || g.untimed;
      }
      constexpr const char* kAlertStart = "\x01alert-start";
      with_alert[kAlertStart].last_ms = c.alert->starts_at_ms;
      for (const std::string& h : HistoryCategories(with_alert, JobStartMs(flat.lines, topo.clock), topo.clock.zone_declared)) {
        if (h != kAlertStart) history_cats.insert(h);
      }
    }
    if (c.alert && c.alert->starts_at_ms > 0) {
      for (auto it = history_cats.begin(); it != history_cats.end();) {
        const int64_t last = cat_times[*it].last_ms;
        if (last < SaturatingSub(c.alert->starts_at_ms, kHistoryGapMs)) ++it;
        else it = history_cats.erase(it);
      }
    }
  }
  // The incident's window: from kIncidentWindowMs before the alert's start. A signature every line of
  // which is timed before it (a NIC's corrected AER lines 66 min before the GPU's uncorrected error
  // and link retrain, case-rl6-08) is an older event: it does not lead its category over a
  // signature seen in the window, so its place does not become the answer's.
  const int64_t window_start = c.alert && c.alert->starts_at_ms > 0 ? c.alert->starts_at_ms - kIncidentWindowMs
                                                                    : std::numeric_limits<int64_t>::min();
  // A local time with no zone (the case declares none: read as UTC) is off by up to -12 h .. +14 h
  // against the alert's exact startsAt (TZ): such a signature is older than the window when it ends
  // before it whatever the zone (12 h before), or when it ends before the window read as UTC and
  // over kIncidentWindowMs before the latest matched line of the same local clock (the hosts of one
  // cluster keep one zone): a journal in UTC-5 whose lines are the incident's is not "5 h old".
  auto before_window = [&](const SigGroup& g) {
    if (g.untimed) return false;
    if (!g.zoneless) return g.last_time < window_start;
    if (g.last_time < SaturatingSub(window_start, kZonelessLateMs)) return true;
    return g.last_time < window_start && g.last_time < SaturatingSub(latest_zoneless, kIncidentWindowMs);
  };
  // A signature only the alert's own line matched (AlertFactsLog): a rule's summary of what a log
  // line says first-hand, so it never leads its category over one a log matched (its place, often
  // just the job, does not become the answer's).
  auto alert_only = [&](const SigGroup& g) {
    return std::all_of(g.matches.begin(), g.matches.end(), [&](const SignatureMatch* m) {
      return IsAlertFactsLog(c.logs[flat.refs[m->line_index].first].source);
    });
  };
  for (auto& [cat, groups] : by_cat) {
    std::vector<std::pair<std::string, SigGroup*>> ordered;
    for (auto& [pattern, g] : groups) ordered.emplace_back(pattern, &g);
    std::stable_sort(ordered.begin(), ordered.end(), [&](const auto& a, const auto& b) {
      const bool alert_a = alert_only(*a.second), alert_b = alert_only(*b.second);
      if (alert_a != alert_b) return alert_b;
      const bool old_a = before_window(*a.second), old_b = before_window(*b.second);
      if (old_a != old_b) return old_b;
      if (a.second->first_time != b.second->first_time) return a.second->first_time < b.second->first_time;
      return a.second->matches.size() > b.second->matches.size();
    });
    double extra_left = kMaxExtraSignatureWeight;
    for (size_t gi = 0; gi < ordered.size(); ++gi) {
      const SigGroup& g = *ordered[gi].second;
      double w = gi == 0 ? kFirstSignatureWeight : std::min(kExtraSignatureWeight, extra_left);
      if (gi > 0) extra_left -= w;
      const bool history = history_cats.count(cat) > 0;
      const auto recovered = recovered_cats.find(cat);
      if (history || recovered != recovered_cats.end()) w *= kHistoryFactor;
      // torchrun's summary names the failure it saw first: where the signature's first line is in
      // another rank's entry (under "Failures:"), the root cause entry's line leads it instead (the
      // weight and the place).
      std::vector<const SignatureMatch*> matches = g.matches;
      auto entry_of = [&](const SignatureMatch* m) {
        auto [li, ki] = flat.refs[m->line_index];
        return TorchrunEntryOf(c.logs[li], ki);
      };
      if (!matches.empty() && entry_of(matches.front()) == TorchrunEntry::kOtherFailure) {
        std::stable_partition(matches.begin(), matches.end(),
                              [&](const SignatureMatch* m) { return entry_of(m) == TorchrunEntry::kRootCause; });
      }
      // A sighting days older than the signature's newest is an earlier incident's (a fleet-wide
      // `dmesg | grep Xid` keeps last week's Xid 79 on another node, since resolved): the newer
      // sightings lead it (EarlierIncidentSightings, PLC12).
      if (matches.size() >= 2) {
        std::vector<int64_t> times;
        times.reserve(matches.size());
        for (const SignatureMatch* m : matches) times.push_back(LineTimeMs(m->line, topo.clock));
        std::vector<bool> earlier = EarlierIncidentSightings(times, kNoTime, kHistoryGapMs);
        // A recovered sighting (PLC13) is an earlier incident's too.
        for (size_t k = 0; k < matches.size(); ++k) {
          if (recovered_lines.count({cat, matches[k]->line_index})) earlier[k] = true;
        }
        // Every sighting recovered (a port that flaps comes back Active after each Down): the days-older
        // ones are still the earlier incident's, and the newer flaps lead (PLC17, realistic26 rl26-11: a
        // resolved flap of mlx5_0 nine days before led the mlx5_2 flaps of the incident).
        if (std::find(earlier.begin(), earlier.end(), false) == earlier.end()) {
          earlier = EarlierIncidentSightings(times, kNoTime, kHistoryGapMs);
        }
        if (earlier.front() && std::find(earlier.begin(), earlier.end(), false) != earlier.end()) {
          std::vector<const SignatureMatch*> recent, old;
          for (size_t k = 0; k < matches.size(); ++k) (earlier[k] ? old : recent).push_back(matches[k]);
          recent.insert(recent.end(), old.begin(), old.end());
          matches = std::move(recent);
        }
      }
      for (size_t k = 0; k < matches.size() && k < kExamplesPerSignature; ++k) {
        const SignatureMatch& m = *matches[k];
        auto [li, ki] = flat.refs[m.line_index];
        const CaseLog& log = c.logs[li];
        Observation o;
        o.evidence.kind = EvidenceKind::kLog;
        o.evidence.source = log.source + ":" + std::to_string(log.lines[ki].number);
        o.evidence.detail = m.line;
        o.evidence.supports = {cat};
        o.evidence.weight = k == 0 ? w : 0;
        o.time_ms = OnsetTimeMs(m.line, LineTimeMs(m.line, topo.clock));
        o.hint = PlaceLine(log, ki, m.line, topo);
        o.hint.job = topo.job;
        o.hint.entry_component = m.component;
        // An Xid line whose GPU only the driver's "NVRM: GPU at PCI:..." line above names, and whose
        // bus id nothing in the case maps to an index: the bus id is said (RG11).
        if (o.hint.gpu < 0) {
          if (const std::string bus = NvrmBusIdAbove(log, ki); !bus.empty()) {
            o.evidence.detail += "  [the GPU at PCI:";
            o.evidence.detail += bus;
            o.evidence.detail += " (NVRM line above); no GPU index for that bus id in the case]";
          }
        }
        if (k == 0) o.deltas[cat] = w;
        else o.deltas[cat] = 1e-6;  // an example: names components, adds no belief
        if (g.matches.size() > kExamplesPerSignature && k + 1 == kExamplesPerSignature) {
          o.evidence.detail += "  (" + std::to_string(g.matches.size()) + " lines match " + ordered[gi].first + ")";
        }
        if (k == 0 && history) {
          o.evidence.detail += " [history: over ";
          o.evidence.detail += std::to_string(kHistoryGapMs / 3600'000);
          o.evidence.detail += " h before the incident's other evidence and before the job's start; not its cause]";
        }
        if (k == 0 && !history && recovered != recovered_cats.end() && cat == "host_oom" && !oom_other_process.empty()) {
          o.evidence.detail += " [another process's OOM kill: over " + std::to_string(kIncidentWindowMs / 60'000) +
                               " min before the processes that died of their own fault on its node, none of them its victim; not their cause]";
        } else if (k == 0 && !history && recovered != recovered_cats.end()) {
          o.evidence.detail += " [recovered: " + recovered->second +
                               (recovered_before_alert.count(cat)
                                    ? " says it is over, before the alert's incident window; not its cause]"
                                    : " says it is over, and a fault of another kind followed; not its cause]");
        }
        if (k == 0 && gi > 0 && before_window(g) && !before_window(*ordered[0].second)) {
          o.evidence.detail += " [before the incident's window (over ";
          o.evidence.detail += std::to_string(kIncidentWindowMs / 60'000);
          o.evidence.detail += " min before the alert): not the lead of its category]";
        }
        beliefs.Add(std::move(o));
      }
    }
    // A throttle's matching lines beyond the examples: which GPUs of which node they name, so the
    // component can tell most of a node's GPUs (the node's power or cooling) from two of eight
    // (those GPUs' own cold plates). Capped: a paste lists at most a few nodes' GPUs.
    if (cat == "gpu_power_throttle" || cat == "gpu_thermal_throttle") {
      constexpr size_t kMaxThrottleLines = 256;
      size_t n = 0;
      for (const auto& [pattern, g] : groups) {
        for (const SignatureMatch* m : g.matches) {
          if (n++ >= kMaxThrottleLines) break;
          auto [li, ki] = flat.refs[m->line_index];
          const CaseLog& log = c.logs[li];
          ComponentHint h = PlaceLine(log, ki, m->line, topo);
          if (!h.node.empty() && h.gpu >= 0 && !h.gpu_from_rank) {
            beliefs.AddThrottleLineGpu(cat, h.node, h.gpu, m->line.find("Power Brake") != std::string::npos);
          }
        }
      }
    }
  }
  trace.push_back({{"type", "observe"}, {"what", "log signatures"},
                   {"lines", flat.lines.size()}, {"matches", facts.log_matches.size()},
                   {"categories", by_cat.size()}});

  // 1a. dcgmi diag's per-GPU failures (PL4): a Fail row ("GPU5: Fail", "Fail - GPU: 4", "Fail - GPU:
  // 2, 5", "Fail - All") or a failing result of the JSON output (`dcgmi diag -j`: status Fail with its
  // gpu_ids) is evidence of the fault its warning (wrapped rows joined; the JSON's warnings and info)
  // or its test names (DcgmDiagCategory), on that GPU (PlaceLine: HintFromDcgmDiag); each GPU a row
  // names is one such failure, "All" is the node's. One contribution a category, as a signature's.
  {
    std::set<std::string> dcgm_cats;
    auto add_failure = [&](const CaseLog& log, size_t ki, const std::string& detail, const std::string& cat, int gpu,
                           const std::string& node) {
      const bool first = dcgm_cats.insert(cat).second;
      Observation o;
      o.evidence.kind = EvidenceKind::kLog;
      o.evidence.source = log.source + ":" + std::to_string(log.lines[ki].number);
      o.evidence.detail = detail;
      o.evidence.supports = {cat};
      o.evidence.weight = first ? kFirstSignatureWeight : 0;
      o.deltas[cat] = first ? kFirstSignatureWeight : 1e-6;
      o.hint = PlaceLine(log, ki, log.lines[ki].text, topo);
      if (!node.empty() && node != o.hint.node) {
        o.hint.node = node;
        o.hint.rank = -1;
      }
      o.hint.gpu = gpu;  // -1: every GPU of the node failed ("Fail - All")
      o.hint.gpu_from_rank = false;
      o.hint.gpu_bare = false;
      o.hint.job = topo.job;
      beliefs.Add(std::move(o));
    };
    for (const CaseLog& log : c.logs) {
      for (size_t ki = 0; ki < log.lines.size(); ++ki) {
        const std::string& text = log.lines[ki].text;
        if (text.find("Fail") == std::string::npos || text.find('|') == std::string::npos) continue;
        std::optional<DcgmRow> row = DcgmDiagRow(log, ki, topo);
        if (!row || !row->fail || row->warning) continue;
        std::vector<int> gpus = row->gpus;
        if (row->all) gpus = {-1};
        for (int gpu : gpus) {
          // The GPU's warning rows ("All": every GPU's).
          std::string warning;
          for (size_t k = row->table_start; k < log.lines.size() && k < row->table_start + kMaxDcgmTableLines; ++k) {
            std::optional<DcgmRow> w = DcgmDiagRow(log, k, topo);
            if (!w || !w->warning || w->gpu < 0 || (gpu >= 0 && w->gpu != gpu)) continue;
            if (!warning.empty() && warning.back() == '-') {
              warning.pop_back();  // "miscompa-" / "re detected": one word over two rows
            } else if (!warning.empty()) {
              warning += ' ';
            }
            warning += w->text;
          }
          const std::string cat = DcgmDiagCategory(row->test, warning);
          if (cat.empty()) continue;
          std::string detail = text;
          detail += "  (dcgmi diag, ";
          detail += row->test;
          if (gpus.size() > 1) {
            detail += ", GPU ";
            detail += std::to_string(gpu);
          }
          if (!warning.empty()) {
            detail += ": ";
            detail += warning;
          }
          detail += ")";
          add_failure(log, ki, detail, cat, gpu, row->node);
        }
      }
      // The JSON output: each failing result's GPUs (a result that names none is not read, as a bare
      // "Fail" row is not).
      for (size_t ki = 0; ki < log.lines.size(); ++ki) {
        if (log.lines[ki].text.find("\"test_categories\"") == std::string::npos) continue;
        std::optional<DcgmJson> json = ReadDcgmJson(log, ki, topo);
        if (!json) continue;
        for (const DcgmJsonResult& r : json->results) {
          if (!r.fail) continue;
          const std::string cat = DcgmDiagCategory(r.test, r.warning);
          if (cat.empty()) continue;
          for (int gpu : r.gpus) {
            std::string detail = "dcgmi diag -j: ";
            detail += r.test.empty() ? std::string("a test") : r.test;
            detail += ": GPU ";
            detail += std::to_string(gpu);
            detail += ": Fail";
            if (!r.warning.empty()) {
              detail += " (";
              detail += Utf8Prefix(r.warning, 400);
              detail += ")";
            }
            add_failure(log, r.status_line, detail, cat, gpu, json->node);
          }
        }
        ki = std::max(ki, json->end);
      }
    }
  }

  // 1b. Where a hung collective is stuck: the ranks behind the others in collective progress, the
  // ranks a line names as not arrived (monitored barrier, flight-recorder analysis), else a rank
  // whose process someone dumped while it wrote no timeout. Waiters write the timeouts; these
  // name the rank they wait for.
  // A report of ranks in different collectives opens the hang by itself (PLC9): with the NCCL
  // timeout set to hours no watchdog line is printed, and the flight recorder's analysis is the hang.
  const std::optional<CollectiveMismatch> case_mismatch = FindCollectiveMismatch(flat.lines);
  if (beliefs.scores().count("nccl_collective_hang") || case_mismatch) {
    // "source:line number" of line ki of log li.
    auto line_source = [&](size_t li, size_t ki) {
      return c.logs[li].source + ":" + std::to_string(c.logs[li].lines[ki].number);
    };
    auto add_culprit = [&](int rank, std::string source, const std::string& detail, const std::string& line,
                           double weight = kLaggardWeight, const std::string& node = "", int gpu = -1,
                           EvidenceKind kind = EvidenceKind::kLog) {
      Observation o;
      o.culprit = true;
      o.evidence.kind = kind;
      o.evidence.source = std::move(source);
      o.evidence.detail = detail;
      o.evidence.supports = {"nccl_collective_hang"};
      o.evidence.weight = weight;
      o.deltas["nccl_collective_hang"] = weight;
      o.time_ms = LineTimeMs(line, topo.clock);
      ComponentHint h;
      h.rank = rank;
      h.node = node;
      h.gpu = gpu;
      if (auto it = topo.ranks.find(rank); it != topo.ranks.end()) {
        h.node = it->second.node;
        h.gpu = it->second.gpu;
      }
      h.job = topo.job;
      o.hint = h;
      beliefs.Add(std::move(o));
    };
    bool found = false;
    // A report of ranks in different collectives at one point (FindCollectiveMismatch, RGA): the
    // program took different paths on different ranks, the job's hang. It names no participant to
    // wait for: no culprit, the job's (SetJobWide), and the weak placements below are not tried; the
    // rank running the odd op (FindOddOpRanks) took the other path, no fault of its GPU (realistic14
    // rl14-24, realistic15 rl15-14).
    const std::optional<CollectiveMismatch>& mismatch = case_mismatch;
    if (mismatch) {
      auto [li, ki] = flat.refs[mismatch->line_index];
      const auto hang = beliefs.scores().find("nccl_collective_hang");
      const double shown = hang == beliefs.scores().end() ? 0.0 : std::max(0.0, hang->second);
      const double weight = std::max(kLaggardWeight, kFirstSignatureWeight - shown);
      Observation o;
      o.evidence.kind = EvidenceKind::kLog;
      o.evidence.source = line_source(li, ki);
      o.evidence.detail = "ranks run different collectives at one point (" + mismatch->what +
                          "): a collective mismatch, the program's paths diverged across ranks - the job's code or "
                          "data, not one rank's hardware (" + Utf8Prefix(flat.lines[mismatch->line_index], 400) + ")";
      o.evidence.supports = {"nccl_collective_hang"};
      o.evidence.weight = weight;
      o.deltas["nccl_collective_hang"] = weight;
      o.time_ms = LineTimeMs(flat.lines[mismatch->line_index], topo.clock);
      o.hint.job = topo.job;
      beliefs.Add(std::move(o));
      beliefs.SetJobWide("nccl_collective_hang");
      found = true;
    }
    for (const Laggard& l : FindLaggards(flat.lines)) {
      auto [li, ki] = flat.refs[l.line_index];
      add_culprit(l.rank, line_source(li, ki),
                  "rank " + std::to_string(l.rank) + " is behind: last enqueued collective " +
                      std::to_string(l.behind_at) + " while " + std::to_string(l.others) + " ranks are at " +
                      std::to_string(l.majority) + " (" + flat.lines[l.line_index] + ")",
                  flat.lines[l.line_index]);
      found = true;
    }
    for (const auto& [rank, line_index] : FindOddOpRanks(flat.lines)) {
      if (mismatch) break;
      auto [li, ki] = flat.refs[line_index];
      add_culprit(rank, line_source(li, ki),
                  "rank " + std::to_string(rank) + " runs a different collective than the ranks timing out (" +
                      Utf8Prefix(flat.lines[line_index], 600) + ")",
                  flat.lines[line_index]);
      found = true;
    }
    // A line naming the ranks a collective waits for (the flight recorder's "started on 511 ranks,
    // not enqueued on ranks [349]", a monitored barrier's, the desync report's) states the hang
    // first-hand: with no other evidence of the hang, its first such line stands as a signature
    // would (kFirstSignatureWeight in all), not only as the placement of a hang shown elsewhere
    // (RG11: realistic12 rl12-17 rested its hang on "no collective type/size mismatch", a fault said
    // to be absent, which no longer votes).
    bool named_absent_first = true;
    for (const auto& [rank, line_index] : FindNamedAbsentRanks(flat.lines)) {
      // With a collective mismatch read, a rank "missing" from the collective the others wait in is in
      // another collective of its own path (AbsentRankInOtherCollective; realistic26 rl26-30): no
      // culprit, as the odd-op rank above.
      if (mismatch) break;
      auto [li, ki] = flat.refs[line_index];
      double weight = kLaggardWeight;
      if (named_absent_first) {
        const auto hang = beliefs.scores().find("nccl_collective_hang");
        const double shown = hang == beliefs.scores().end() ? 0.0 : std::max(0.0, hang->second);
        weight = std::max(kLaggardWeight, kFirstSignatureWeight - shown);
        named_absent_first = false;
      }
      add_culprit(rank, line_source(li, ki), "rank " + std::to_string(rank) + " named as not arrived (" + flat.lines[line_index] + ")",
                  flat.lines[line_index], weight);
      found = true;
    }
    // fr_trace's "rank 94: ... op 2231 never enqueued", ncclras's "Rank 173 has launched up to
    // operation 3a2f0 -- GPU 5 ... on node ... (host)" under a higher count of the others (RG12).
    for (const ReportedLaggard& r : FindReportedLaggards(flat.lines)) {
      auto [li, ki] = flat.refs[r.line_index];
      std::string detail = "rank ";
      detail += std::to_string(r.rank);
      detail += " is reported behind the others (";
      detail += Utf8Prefix(flat.lines[r.line_index], 600);
      detail += ")";
      add_culprit(r.rank, line_source(li, ki), detail, flat.lines[r.line_index], kReportedLaggardWeight,
                  ReportedNode(r.host, topo.names), r.gpu);
      found = true;
    }
    // PLC29: a participant alive but stopped (StoppedProcessReader: ps's STAT T / t, /proc/PID/status
    // "State: t (tracing stop)", a shell's "Stopped" job, gdb attached, kill -STOP) makes no progress
    // while its peers wait in the collective: the rank the waiters wait for, read first-hand. The first
    // such line of the case (a pid later resumed with kill -CONT is none), placed on its log's node
    // (else the line's) and the GPU its local rank drives (`--local_rank N`, LOCAL_RANK=N) or its
    // pid's rank (PidRanks); a culprit at kFirstSignatureWeight: the hang's cause read first-hand (a
    // device fault read on another GPU does not explain it away: StoppedCulpritElsewhere).
    {
      bool stopped_added = false;
      for (size_t li = 0; li < c.logs.size() && !stopped_added; ++li) {
        StoppedProcessReader reader;
        std::vector<std::pair<size_t, StoppedProcess>> stops;
        for (size_t ki = 0; ki < c.logs[li].lines.size(); ++ki) {
          if (std::optional<StoppedProcess> sp = reader.Read(c.logs[li].lines[ki].text)) stops.emplace_back(ki, *sp);
        }
        for (const auto& [ki, sp] : stops) {
          // Resumed with SIGCONT, or a debugger's / kill's target that ps shows running or sleeping
          // (gdb attached, then `continue`).
          if (reader.Resumed(sp.pid) || reader.ResumedJob(sp.job) ||
              (sp.how.rfind("ps STAT", 0) != 0 && sp.how.rfind("State:", 0) != 0 && reader.SeenRunning(sp.pid))) {
            continue;
          }
          const std::string& text = c.logs[li].lines[ki].text;
          std::string node = SourceNode(topo, c.logs[li].source);
          ComponentHint placed = PlaceLine(c.logs[li], ki, text, topo);
          if (node.empty()) node = placed.node;
          int gpu = -1;
          int rank = -1;
          if (sp.local_rank >= 0 && (topo.gpus_per_node <= 0 || sp.local_rank < topo.gpus_per_node)) gpu = sp.local_rank;
          if (gpu < 0 && sp.pid >= 0 && !node.empty()) {
            if (auto pr = topo.pid_ranks.find({node, sp.pid}); pr != topo.pid_ranks.end()) rank = pr->second;
          }
          if (gpu < 0 && rank < 0 && SameNodeName(placed.node, node)) gpu = placed.gpu;
          std::string detail = kStoppedProcessNote;
          detail += " (";
          detail += sp.how;
          if (sp.pid >= 0) detail += ", pid " + std::to_string(sp.pid);
          detail += "): it makes no progress while its peers wait for it in the collective (";
          detail += Utf8Prefix(text, 300);
          detail += ")";
          add_culprit(rank, line_source(li, ki), detail, text, kFirstSignatureWeight, node, gpu);
          found = true;
          stopped_added = true;
          trace.push_back({{"type", "thought"}, {"text", "a rank's process is stopped (" + sp.how + "): the participant the others wait for"}});
          break;
        }
      }
    }
    // Weaker: a rank log with no timeout, a process stopped under a debugger. It names the
    // component (it outranks the waiters' lines) but adds no belief in a hang.
    if (!found) {
      std::set<std::string> gathered = topo.gathered_sources;
      for (const auto& [source, kind] : topo.launcher_sources) gathered.insert(source);
      auto writer = [&topo](const std::string& source, const std::string& line) -> std::optional<int> {
        ComponentHint h;
        const std::string rest = HintFromLauncher(source, line, topo, h);
        if (h.rank >= 0) return h.rank;
        // PyTorch's "[rankN]:", which every line of a process carries once set, not the "[Rank N]" of
        // a few messages (DeepSpeed's log_dist prints rank 0's alone: rank 0 is then no silent writer).
        std::optional<int32_t> r = PrefixRank(rest);
        if (r) return *r;
        return std::nullopt;
      };
      for (const SilentRank& sr : FindSilentRanks(c.logs, gathered, writer)) {
        const CaseLog& log = c.logs[sr.log_index];
        std::string detail;
        if (sr.rank >= 0) {
          detail = "rank " + std::to_string(sr.rank) + " (" + log.source + ") wrote no collective timeout while its peers did" +
                   (sr.kind == "dumped" ? " and was stack-dumped" : "") + ": the participant the waiters wait for (last line: " +
                   Utf8Prefix(log.lines[sr.line_index].text, 300) + ")";
          add_culprit(sr.rank, line_source(sr.log_index, sr.line_index), detail, "", 1e-6);
        } else {
          ComponentHint placed = HintFromSource(log.source, topo);
          if (placed.node.empty()) continue;
          detail = "local rank " + std::to_string(sr.local_rank) + "'s process is stopped (" +
                   Utf8Prefix(log.lines[sr.line_index].text, 300) + "): the participant the waiters wait for";
          add_culprit(-1, line_source(sr.log_index, sr.line_index), detail, "", 1e-6, placed.node, sr.local_rank);
        }
        found = true;
      }
    }
    // A GPU whose telemetry stopped while its node peers' went on: it no longer answers.
    if (!found) {
      for (const auto& [node, gpu] : FindStoppedGpus(c.metrics)) {
        add_culprit(-1, "metrics " + node + "/gpu" + std::to_string(gpu),
                    node + " GPU " + std::to_string(gpu) +
                        "'s telemetry stopped while its node peers' went on: the participant that no longer "
                        "answers (fallen off the bus, firmware hung, or its process gone)",
                    "", 1e-6, node, gpu, EvidenceKind::kMetric);
        found = true;
      }
    }
    // Weakest: the one GPU whose utilisation differs from its node peers'.
    if (!found) {
      for (const auto& [node, gpu] : FindUtilOddOneOut(c.metrics)) {
        // Went idle while its peers spin at 100 %: evidence of the hang itself, as strong as a
        // metric condition (RL7: an alert-first case, no watchdog line, answered dataloader_stall
        // from that one GPU's low utilisation); otherwise it only places a hang shown elsewhere.
        // Only when nothing else shows the hang (no watchdog line: an alert-first case): beside a
        // watchdog's timeouts the pattern is also what a GPU whose firmware hung shows, and it then
        // only places the hang, as before (holdout2 n007, holdout5 v004: Xid 119).
        // Nor when another category has solid evidence (score >= 1.0: an Xid, an ECC or remap
        // error, a crash): a GPU whose memory failed or whose process died also goes idle while its
        // peers spin, and the hang is then that fault's consequence (RV-RL7: holdout8 y008 / y027 /
        // y029, holdout14 k005 gained nccl_collective_hang in their top 3 from it).
        const auto hang = beliefs.scores().find("nccl_collective_hang");
        bool other_solid = false;
        for (const auto& [category, score] : beliefs.scores()) {
          if (category != "nccl_collective_hang" && score >= 1.0) other_solid = true;
        }
        if (hang != beliefs.scores().end() && hang->second < 1.0 && !other_solid &&
            OddGpuStoppedWhilePeersSpin(c.metrics, node, gpu)) {
          add_culprit(-1, "metrics " + node + "/gpu" + std::to_string(gpu),
                      node + " GPU " + std::to_string(gpu) +
                          " went idle while its node peers stayed fully busy (NCCL kernels spinning in a "
                          "collective): the participant that never joined it",
                      "", kMetricWeight, node, gpu, EvidenceKind::kMetric);
          continue;
        }
        // "During the hang" needs a hang shown by something other than recall (a watchdog or
        // timeout line, stalled steps, a hang alert, a probe): with the hang only recalled, a GPU's
        // utilisation that differs from its peers' is no hang participant, and the item made an
        // Xid 119 alert's case list a hang placed on that GPU (RG7: realistic10 rl10-04).
        if (!HangShownFirstHand(beliefs)) continue;
        add_culprit(-1, "metrics " + node + "/gpu" + std::to_string(gpu),
                    node + " GPU " + std::to_string(gpu) +
                        "'s utilisation differs from its node peers' by >= 50 points during the hang: the "
                        "participant that is not waiting like the others",
                    "", 1e-6, node, gpu, EvidenceKind::kMetric);
      }
    }
    // No rank singled out and every rank that printed its progress, on two or more nodes, at the
    // same collective: the job's hang (Component keeps it so unless a culprit or a probe places it).
    if (!found && SameProgressAcrossNodes(flat.lines, [&topo](int rank) {
          auto it = topo.ranks.find(rank);
          return it == topo.ranks.end() ? std::string() : it->second.node;
        })) {
      beliefs.SetJobWide("nccl_collective_hang");
    }
  }

  // 1c. One rank's NaN check failing again and again, and no other rank's (FindRepeatedNanRank),
  // in a paste that shows other ranks' output too (OtherRankOutputShown: else "no other rank" is
  // only what one rank's log can show): that GPU computes wrong values (silent data corruption).
  // It names the GPU, as a culprit line names the rank the others wait for, so it places the
  // category ahead of lines that name none.
  std::optional<RepeatedNanRank> nan = FindRepeatedNanRank(flat);
  if (nan && !OtherRankOutputShown(c.logs, nan->rank)) nan.reset();
  if (nan) {
    auto [li, ki] = flat.refs[nan->line_index];
    const std::string& line = flat.lines[nan->line_index];
    Observation o = SdcCulpritOnRank(
        topo, c.logs[li].source + ":" + std::to_string(c.logs[li].lines[ki].number),
        "rank " + std::to_string(nan->rank) + " and no other rank found NaN in its local grad norm " +
            std::to_string(nan->count) + " times (" + Utf8Prefix(line, 400) +
            "): the same GPU again and again points to the GPU, not the numerics",
        nan->rank, LineTimeMs(line, topo.clock));
    ComponentHint& h = o.hint;
    // The node and device the check printed are where the process ran (os.uname, current_device).
    if (std::string node = ReportedNode(nan->node, topo.names); !node.empty()) {
      h.node = node;
      if (nan->device >= 0) {
        h.gpu = nan->device;
        h.gpu_from_rank = false;
      }
    }
    beliefs.Add(std::move(o));
  }

  // 1c'. A reproducibility check that reran the step on the same GPU (the bad value again) and on
  // another GPU (a good value) and then declared the error "persistent and specific to rank N;
  // suspected hardware fault" (Megatron-Core's rerun state machine: rerun_check.h) has shown
  // first-hand that the fault follows rank N's GPU: silent data corruption there, placed on that
  // GPU as a culprit (RG13, realistic12 rl12-11; before, only a false recall reached the answer).
  for (size_t i = 0; i < flat.lines.size(); ++i) {
    const std::string& line = flat.lines[i];
    if (line.find("pecific to") == std::string::npos) continue;
    const std::optional<int> rank = RankFaultyByRerun(line);
    if (!rank) continue;
    auto [li, ki] = flat.refs[i];
    beliefs.Add(SdcCulpritOnRank(topo, c.logs[li].source + ":" + std::to_string(c.logs[li].lines[ki].number),
                                 Utf8Prefix(line, 400) + "  [a rerun reproduced the error on rank " +
                                     std::to_string(*rank) + "'s GPU and not on another: that GPU computes wrong values]",
                                 *rank, LineTimeMs(line, topo.clock)));
    break;  // one verdict places the fault; repeats of it add nothing
  }

  // 1c''. An MoE router's own load statistic (moe_router_stats.h) whose busiest expert takes over
  // kMoeSkewFactor times the even share is first-hand evidence of the imbalance, as strong as a
  // signature: the slow steps and idle GPUs beside it (a dataloader's generic symptoms) are its
  // consequence (RG13: holdout12 q044, holdout14 k044, holdout2 n039 answered dataloader_stall from
  // low GPU utilisation alone). Added only when no log or metric evidence of the imbalance counts
  // already (the pack's own signatures and series read the shapes they know). The statistic is a
  // reading of the router's state, printed when the stack logs it, not the moment the skew began:
  // the observation carries no time (a skew first printed after the slowdown still explains it).
  {
    constexpr double kMoeSkewFactor = 4.0;  // the pack's bar for a collapsed router (ReadMoeRouting)
    bool counted = false;
    for (const Observation& o : beliefs.observations()) {
      auto it = o.deltas.find("moe_expert_imbalance");
      counted = counted || (it != o.deltas.end() && it->second >= kMetricWeight &&
                            (o.evidence.kind == EvidenceKind::kLog || o.evidence.kind == EvidenceKind::kMetric));
    }
    for (size_t i = 0; i < flat.lines.size() && !counted; ++i) {
      const std::string& line = flat.lines[i];
      if (line.find("max") == std::string::npos && line.find("median") == std::string::npos) continue;
      const std::optional<double> skew = MoeMaxOverMean(line);
      if (!skew || *skew < kMoeSkewFactor) continue;
      auto [li, ki] = flat.refs[i];
      Observation o;
      o.evidence.kind = EvidenceKind::kLog;
      o.evidence.source = c.logs[li].source + ":" + std::to_string(c.logs[li].lines[ki].number);
      char ratio[64];
      std::snprintf(ratio, sizeof ratio, "%.1f", *skew);
      o.evidence.detail = Utf8Prefix(line, 400) + "  [the busiest expert gets " + ratio +
                          "x its even share: the router's load is skewed]";
      o.evidence.supports = {"moe_expert_imbalance"};
      o.evidence.weight = kFirstSignatureWeight;
      o.deltas["moe_expert_imbalance"] = kFirstSignatureWeight;
      o.hint.job = topo.job;
      beliefs.Add(std::move(o));
      counted = true;
    }
  }

  // 1c'''. One rank's numbers disagreeing with its data-parallel replicas again and again
  // (FindOneRankNumerics, RGB): its parameter checksum or hash differs from its replicas', a guard
  // names its gradients as the outliers at each spike: silent data corruption on that rank's GPU
  // (kFirstSignatureWeight, as a checksum-mismatch signature weighs), placed by the case's rank
  // layout or a line saying where the rank runs ("rank 37 = h100-a044 local 5"). The loss spikes
  // are its symptom (ExplainedBy: loss_divergence).
  if (std::optional<OneRankNumerics> bad = FindOneRankNumerics(flat.lines)) {
    auto [li, ki] = flat.refs[bad->first_line];
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  "  [rank %d singled out in %zu lines comparing numbers across ranks (%zu naming another): its GPU computes wrong numbers]",
                  bad->rank, bad->lines, bad->other_rank_lines);
    Observation o = LineEvidence(c.logs[li], ki, buf, "gpu_silent_data_corruption", kFirstSignatureWeight, topo.clock, topo.job);
    o.hint = ComponentHint();
    o.hint.job = topo.job;
    o.hint.rank = bad->rank;
    if (auto placed = topo.ranks.find(bad->rank); placed != topo.ranks.end() && !placed->second.node.empty()) {
      o.hint.node = placed->second.node;
      o.hint.gpu = placed->second.gpu;
    } else if (!bad->node.empty()) {
      const std::string node = topo.names.Find(bad->node);
      o.hint.node = node.empty() ? bad->node : node;
      o.hint.gpu = bad->gpu;
    }
    o.culprit = true;
    beliefs.Add(std::move(o));
  } else if (std::optional<RankTableOddValue> odd = FindRankTableOddValue(flat.lines)) {
    // The same finding from a per-rank table (RG27): one rank's computed number (a determinism
    // check's output on one input, replicas' parameter checksums) that no other rank prints while at
    // least kRankTableMinAgreeing others print the very same one.
    auto [li, ki] = flat.refs[odd->line];
    char buf[160];
    std::snprintf(buf, sizeof buf, "  [rank %d's %s is %s where %zu other ranks print %s: its GPU computes wrong numbers]", odd->rank,
                  Utf8Prefix(odd->column, 40).c_str(), Utf8Prefix(odd->value, 24).c_str(), odd->agreeing,
                  Utf8Prefix(odd->agreed, 24).c_str());
    Observation o = LineEvidence(c.logs[li], ki, buf, "gpu_silent_data_corruption", kFirstSignatureWeight, topo.clock, topo.job);
    o.hint = RankTableRowHint(topo, odd->rank, odd->host);
    o.culprit = true;
    beliefs.Add(std::move(o));
  } else if (std::optional<RankTableOddValue> listed = FindRankListOddValue(flat.lines)) {
    // The same finding from one line listing each rank's value (PLC32: a debug dump of one replica
    // group's per-rank checksums). Where the case says the rank runs ("rank7 pod ... node h200-l084
    // local_rank 7") places it ahead of the rank layout: a rank listed inside a replica group or
    // one pod's dump is its local rank there, which the job's global layout would put elsewhere.
    auto [li, ki] = flat.refs[listed->line];
    char buf[160];
    std::snprintf(buf, sizeof buf, "  [rank %d prints %s where %zu other ranks print %s: its GPU computes wrong numbers]",
                  listed->rank, Utf8Prefix(listed->value, 24).c_str(), listed->agreeing, Utf8Prefix(listed->agreed, 24).c_str());
    Observation o = LineEvidence(c.logs[li], ki, buf, "gpu_silent_data_corruption", kFirstSignatureWeight, topo.clock, topo.job);
    o.hint = RankTableRowHint(topo, listed->rank, "");
    if (std::optional<WrittenRankPlace> place = FindWrittenRankPlace(flat.lines, listed->rank)) {
      if (const std::string node = topo.names.Find(place->node); !node.empty()) {
        o.hint.node = node;
        o.hint.gpu = place->gpu;
        o.hint.gpu_from_rank = false;
      }
    }
    o.culprit = true;
    beliefs.Add(std::move(o));
  } else if (std::optional<RankTableOddValue> grad = FindRankTableGradNormOutlier(flat.lines)) {
    // One rank's gradient norm 10x its close peers' in a per-rank table (PLC36, realistic37 rl37-02):
    // its GPU computes wrong gradients; kMetricWeight (one step's reading, less than a replica check).
    auto [li, ki] = flat.refs[grad->line];
    char buf[200];
    std::snprintf(buf, sizeof buf, "  [rank %d's %s is %s where %zu other ranks sit near %s: its GPU computes wrong numbers]",
                  grad->rank, Utf8Prefix(grad->column, 40).c_str(), Utf8Prefix(grad->value, 24).c_str(), grad->agreeing,
                  grad->agreed.c_str());
    Observation o = LineEvidence(c.logs[li], ki, buf, "gpu_silent_data_corruption", kMetricWeight, topo.clock, topo.job);
    o.hint = RankTableRowHint(topo, grad->rank, grad->host);
    o.culprit = true;
    beliefs.Add(std::move(o));
  }

  // 1c-ff. A resume whose data iterator skips the consumed samples one by one (no data loader state
  // in the checkpoint) while the other ranks time out waiting for it (FindDataFastForwardStall,
  // PLC32): the input pipeline holds the whole job, dataloader_stall (kFirstSignatureWeight, as a
  // loader's own timeout line weighs), timed at the first skip line so that it explains the hang that
  // follows (ExplainedBy). Once a case; job-wide (every rank waits on the skip).
  for (size_t li = 0; li < c.logs.size(); ++li) {
    const std::optional<DataFastForwardStall> ff = FindDataFastForwardStall(LineTexts(c.logs[li]));
    if (!ff) continue;
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  "  [a resume skipping the consumed samples through the data iterator (%zu lines), and %zu timeouts or hang "
                  "verdicts before it finished: the input pipeline holds the job]",
                  ff->skip_lines, ff->stalls);
    beliefs.Add(LineEvidence(c.logs[li], ff->first_line, buf, "dataloader_stall", kFirstSignatureWeight, topo.clock, topo.job));
    beliefs.SetJobWide("dataloader_stall");
    break;
  }

  // 1c-nv. Ranks of the job running different NCCL versions (FindMixedNcclVersions, PLC32): the
  // launch's set-up (mixed images or host libraries), launch_config_error on the whole job
  // (kFirstSignatureWeight); the internal errors and exits that follow are its symptoms (ExplainedBy).
  // Read over all the case's logs at once (the banners of different nodes may sit in different
  // logs); once a case.
  if (std::optional<MixedNcclVersions> mixed = FindMixedNcclVersions(flat.lines)) {
    auto [li, ki] = flat.refs[mixed->first_line];
    std::string listed;
    for (const std::string& v : mixed->versions) listed += (listed.empty() ? "" : ", ") + v;
    char buf[200];
    std::snprintf(buf, sizeof buf, "  [%zu hosts or ranks print NCCL versions %s: the job's ranks run different NCCL builds]",
                  mixed->writers, Utf8Prefix(listed, 80).c_str());
    beliefs.Add(LineEvidence(c.logs[li], ki, buf, "launch_config_error", kFirstSignatureWeight, topo.clock, topo.job));
    beliefs.SetJobWide("launch_config_error");
  }

  // 1c-kill. The kubelet killing one pod's container after failed liveness / startup probes
  // (KubeletKilledPod, PLC32): the process that exited, where the peers' "remote process exited"
  // lines only name themselves. Placed on the pod's node where the case ties the pod to one (the
  // scheduler's "Successfully assigned" event, ScheduledPod; else `kubectl get pods -o wide` and the
  // other facts CaseNodes holds), every kill on that one node. It places a crash shown by other lines
  // (a weight of 1e-6, a culprit), adds none.
  {
    std::map<std::string, std::string> scheduled;  // pod -> node as the case spells it
    for (const CaseLog& log : c.logs) {
      for (const LogLine& l : log.lines) {
        if (std::optional<KubePodFact> f = ScheduledPod(l.text)) {
          if (std::string node = topo.names.Find(f->node); !node.empty()) scheduled[f->pod] = node;
        }
      }
    }
    std::string killed_node;
    bool several = false;
    std::optional<std::pair<size_t, size_t>> first;
    for (size_t li = 0; li < c.logs.size() && !several; ++li) {
      for (size_t ki = 0; ki < c.logs[li].lines.size(); ++ki) {
        const std::string pod = KubeletKilledPod(c.logs[li].lines[ki].text);
        if (pod.empty()) continue;
        auto at = scheduled.find(pod);
        const std::string node = at != scheduled.end() ? at->second : topo.names.Find(pod);
        if (node.empty() || (!killed_node.empty() && !SameNodeName(node, killed_node))) {
          several = true;
          break;
        }
        killed_node = node;
        if (!first) first = std::make_pair(li, ki);
      }
    }
    const auto crash = beliefs.scores().find("rank_process_crash");
    if (!several && first && crash != beliefs.scores().end() && crash->second > 0) {
      Observation o = LineEvidence(c.logs[first->first], first->second,
                                   "  [the kubelet killed this pod's container on " + killed_node +
                                       ": the process that exited, whose peers report it gone]",
                                   "rank_process_crash", 1e-6, topo.clock, topo.job);
      o.hint = ComponentHint();
      o.hint.job = topo.job;
      o.hint.node = killed_node;
      o.culprit = true;
      beliefs.Add(std::move(o));
    }
  }

  // 1c-oom. Pods kubectl lists OOMKilled (FindKubeOomKilledPods, RG27): their containers ran into
  // their memory limit or their node's memory, host_oom (kFirstSignatureWeight, as the pack's
  // `Reason: OOMKilled` signature weighs; added once, and only when no log line counts for host_oom
  // already). Every listed pod OOMKilled, two or more: the job's own footprint against the limit its
  // spec sets, on every node at once, so the job's (SetJobWide); one pod among running peers: that
  // pod's node, where the case ties the pod to one.
  {
    std::vector<std::string> listed, oomkilled;
    std::optional<std::pair<size_t, size_t>> first;  // (log, line) of the first OOMKilled row
    for (size_t li = 0; li < c.logs.size(); ++li) {
      const KubeOomKilledPods k = FindKubeOomKilledPods(c.logs[li].source, LineTexts(c.logs[li]));
      for (const std::string& p : k.listed) {
        if (std::find(listed.begin(), listed.end(), p) == listed.end()) listed.push_back(p);
      }
      for (size_t x = 0; x < k.oomkilled.size(); ++x) {
        if (std::find(oomkilled.begin(), oomkilled.end(), k.oomkilled[x]) != oomkilled.end()) continue;
        oomkilled.push_back(k.oomkilled[x]);
        if (!first) first = std::make_pair(li, k.lines[x]);
      }
    }
    bool counted = false;
    for (const Observation& o : beliefs.observations()) {
      auto it = o.deltas.find("host_oom");
      counted = counted || (it != o.deltas.end() && it->second > 0 && o.evidence.kind == EvidenceKind::kLog);
    }
    const bool whole_job = oomkilled.size() >= 2 && oomkilled.size() == listed.size();
    if (first && whole_job) beliefs.SetJobWide("host_oom");
    if (first && !counted) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "  [%zu of the %zu pods kubectl lists OOMKilled%s]", oomkilled.size(), listed.size(),
                    whole_job ? ": every pod of the job at its memory limit" : "");
      Observation o = LineEvidence(c.logs[first->first], first->second, buf, "host_oom", kFirstSignatureWeight, topo.clock, topo.job);
      if (!whole_job && oomkilled.size() == 1) o.hint.node = topo.names.Find(oomkilled[0]);
      beliefs.Add(std::move(o));
    }
  }

  // 1d. A slow participant named in a line or in the alert's summary (straggler detectors,
  // allreduce-wait attributions): a slowdown symptom with the rank or node it names. Its causes
  // (throttling, a slow link, ...) are then checked by probes on that component.
  // A slowdown located by a line and by a metric is one symptom seen twice: the first of them
  // counts kSlowMentionWeight, the rest kExtraMetricWeight (so a cause with its own metric
  // evidence, e.g. thermal throttle bits on the same GPU, still outweighs it).
  bool slow_located = false;
  // A slow rank a per-rank table singles out (RG11's one-line-a-rank tables, RG27's headed ones),
  // named on its row `line` of flat.lines (`what` ends in "("), placed at `hint`, as a line naming it
  // would be.
  auto add_table_slow_rank = [&](size_t line, const std::string& what, const ComponentHint& hint) {
    auto [li, ki] = flat.refs[line];
    Observation o;
    o.evidence.kind = EvidenceKind::kLog;
    o.evidence.source = c.logs[li].source + ":" + std::to_string(c.logs[li].lines[ki].number);
    o.evidence.detail = "slow participant named: " + what + Utf8Prefix(flat.lines[line], 300) + ")";
    o.evidence.supports = {"straggler_rank"};
    const double w = slow_located ? kExtraMetricWeight : kSlowMentionWeight;
    slow_located = true;
    o.evidence.weight = w;
    o.deltas["straggler_rank"] = w;
    o.time_ms = LineTimeMs(flat.lines[line], topo.clock);
    o.hint = hint;
    o.slow_named = true;
    beliefs.Add(std::move(o));
  };
  // The same for a rank the rank layout places (nothing when it does not).
  auto add_laid_slow_rank = [&](int rank, size_t line, const std::string& what) {
    auto placed = topo.ranks.find(rank);
    if (placed == topo.ranks.end() || placed->second.node.empty()) return;
    ComponentHint h;
    h.node = placed->second.node;
    h.gpu = placed->second.gpu;
    h.rank = rank;
    h.job = topo.job;
    add_table_slow_rank(line, what, h);
  };
  if (beliefs.scores().count("straggler_rank")) {
    // (source, text, time); a log line's time is read only when it names a slow participant.
    std::vector<std::tuple<std::string, std::string, std::optional<int64_t>>> texts;
    for (size_t i = 0; i < flat.lines.size(); ++i) {
      auto [li, ki] = flat.refs[i];
      // The alert's own line (AlertFactsLog): its annotations are read below, as before it.
      if (IsAlertFactsLog(c.logs[li].source)) continue;
      texts.emplace_back(c.logs[li].source + ":" + std::to_string(c.logs[li].lines[ki].number), flat.lines[i],
                         std::nullopt);
    }
    if (c.alert) {
      for (const auto& [key, text] : c.alert->annotations) texts.emplace_back("alert " + key, text, c.alert->starts_at_ms);
    }
    size_t added = 0;
    for (const auto& [source, text, time] : texts) {
      if (added >= kExamplesPerSignature) break;
      auto mention = SlowMentionIn(text, topo.names);
      if (!mention) continue;
      ComponentHint h;
      std::set<std::string> rank_nodes;
      for (int r : mention->ranks) {
        auto it = topo.ranks.find(r);
        if (it != topo.ranks.end()) rank_nodes.insert(it->second.node);
      }
      if (mention->ranks.size() == 1 && rank_nodes.size() == 1 &&
          (mention->node.empty() || SameNodeName(*rank_nodes.begin(), mention->node))) {
        const ComponentHint& rh = topo.ranks.at(mention->ranks[0]);
        h.node = rh.node;
        h.gpu = PhysicalGpuOfOrdinal(topo, rh.node, rh.gpu);  // the layout's local rank is a CUDA ordinal (PLC34)
        h.rank = mention->ranks[0];
      } else if (!mention->node.empty()) {
        h.node = mention->node;
        h.node_wide = mention->ranks.size() != 1;
      } else if (rank_nodes.size() == 1) {
        h.node = *rank_nodes.begin();
        h.node_wide = true;
      } else {
        continue;  // names ranks the topology does not place
      }
      h.job = topo.job;
      Observation o;
      o.evidence.kind = source.rfind("alert ", 0) == 0 ? EvidenceKind::kAlert : EvidenceKind::kLog;
      o.evidence.source = source;
      o.evidence.detail = "slow participant named: " + text;
      o.evidence.supports = {"straggler_rank"};
      o.slow_named = true;
      double w = added > 0 ? 1e-6 : slow_located ? kExtraMetricWeight : kSlowMentionWeight;
      slow_located = true;
      o.evidence.weight = w;
      o.deltas["straggler_rank"] = w;
      o.time_ms = time ? *time : LineTimeMs(text, topo.clock);
      o.hint = h;
      beliefs.Add(std::move(o));
      ++added;
    }
    // No line names the slow rank, but a per-rank table of times singles one out (MegaScale-style
    // per-rank step times with one outlier, FindRankTimeOutlier; RG11): that rank, where the
    // topology places it, as a line naming it would.
    if (added == 0) {
      if (std::optional<RankTimeOutlier> outlier = FindRankTimeOutlier(flat.lines)) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "rank %d is the slow one of a per-rank table of %zu ranks: %.3g s vs the others' %.3g s (",
                      outlier->rank, outlier->ranks, outlier->seconds, outlier->peers_seconds);
        add_laid_slow_rank(outlier->rank, outlier->line, buf);
      }
    }
  }
  // A per-rank table under a header (RG27: `| rank | step time |` pasted into chat, a timing dump's
  // ` rank | h2d_ms | fwd_ms | step_s` rows) when nothing above located the slow participant: the
  // rank one time column singles out, placed by the table's host column and the rank layout. Read
  // whether or not the knowledge recall raised straggler_rank: the table is first-hand.
  if (!slow_located) {
    if (std::optional<RankTableSlowRank> table_slow = FindRankTableSlowRank(flat.lines)) {
      const ComponentHint h = RankTableRowHint(topo, table_slow->rank, table_slow->host);
      if (!h.node.empty()) {
        char buf[200];
        std::snprintf(buf, sizeof buf, "rank %d is the slow one of a per-rank table of %zu ranks: %s %.3g s vs the others' %.3g s (",
                      table_slow->rank, table_slow->ranks, Utf8Prefix(table_slow->column, 40).c_str(), table_slow->seconds,
                      table_slow->peers_seconds);
        add_table_slow_rank(table_slow->line, buf, h);
      }
    }
  }
  // PLC27 (realistic31 rl31-30): per-rank times summarised by rank ranges on one line ("ranks 0-11
  // 301-318 | ranks 12-15 812-840", rank_range_times.h): the slow group, placed where the rank
  // layout puts all its ranks (one node: that node, node-wide; over several nodes: not placed).
  if (!slow_located) {
    if (std::optional<RankRangeSlowGroup> group = FindRankRangeSlowGroup(flat.lines)) {
      std::set<std::string> nodes;
      bool placed_all = true;
      for (int r = group->first_rank; r <= group->last_rank && placed_all; ++r) {
        auto it = topo.ranks.find(r);
        if (it == topo.ranks.end() || it->second.node.empty()) placed_all = false;
        else nodes.insert(it->second.node);
      }
      if (placed_all && nodes.size() == 1) {
        ComponentHint h;
        h.node = *nodes.begin();
        if (group->first_rank == group->last_rank) {
          h.gpu = topo.ranks.at(group->first_rank).gpu;
          h.rank = group->first_rank;
        } else {
          h.node_wide = true;
        }
        h.job = topo.job;
        char buf[320];  // the text (~130) and a node name of up to 60
        std::snprintf(buf, sizeof buf,
                      "ranks %d-%d (all on %s) are the slow group of per-rank times over %zu ranks: %.4g at the "
                      "fastest vs the others' %.4g at the slowest (",
                      group->first_rank, group->last_rank, Utf8Prefix(h.node, 60).c_str(), group->ranks, group->fastest,
                      group->peers_slowest);
        add_table_slow_rank(group->line, buf, h);
      }
    }
  }
  // PLC35 (realistic35 rl35-24): per-rank lines of compute time and collective wait from too few ranks
  // for the outlier above ("[rank0]: fwd+bwd 0.838 s allreduce wait 0.011 s" beside two ranks at
  // 0.38 s waiting 0.47 s; compute_wait.h): the rank that computes longest and waits least, placed by
  // the rank layout.
  if (!slow_located) {
    if (std::optional<ComputeWaitStraggler> cw = FindComputeWaitStraggler(flat.lines)) {
      char buf[200];
      std::snprintf(buf, sizeof buf, "rank %d computes %.3g s a step vs the others' %.3g s and waits %.3g s for them vs their %.3g s (",
                    cw->rank, cw->compute_s, cw->peers_compute_s, cw->wait_s, cw->peers_wait_s);
      add_laid_slow_rank(cw->rank, cw->line, buf);
    }
  }

  // 1d'. Another user's process taking the cores of a node the job runs on (`top` / `ps aux` pasted
  // from the node; FindCpuHog): the ranks there launch kernels late and the whole job waits for them,
  // a straggler whose cause is the host, not its GPUs. kHostContentionWeight: less than a line naming
  // the slow rank (kSlowMentionWeight), which places the straggler when there is one; this one names
  // a node only, and a node's busy cores alone do not say the job is slow.
  if (beliefs.scores().count("straggler_rank")) {
    for (const CaseLog& log : c.logs) {
      const std::string node = SourceNode(topo, log.source);
      if (node.empty() || std::none_of(log.lines.begin(), log.lines.end(), [](const LogLine& l) {
            return l.text.find("%CPU") != std::string::npos;
          })) {
        continue;
      }
      std::optional<CpuHog> hog = FindCpuHog(LineTexts(log));
      if (!hog) continue;
      char buf[96];
      std::snprintf(buf, sizeof buf, " runs at %.0f%% CPU (%.0f cores) on ", hog->cpu_percent, hog->cpu_percent / 100.0);
      beliefs.Add(HostContention(EvidenceKind::kLog, log.source + ":" + std::to_string(log.lines[hog->line].number),
                                 "another user's process takes the host's cores: " + hog->user + "'s `" +
                                     Utf8Prefix(hog->command, 120) + "`" + buf + node + ", beside the job's ranks (" +
                                     Utf8Prefix(log.lines[hog->line].text, 200) + ")",
                                 node, topo.job));
    }
  }

  // 1d''. One of a node's training processes pinned to a sliver of the cores its peers have
  // (`taskset -cp` of each, FindAffinityOutlier, PLC12): a host-side straggler's cause on that node,
  // so a GPU probe passing there clears the GPU, not the host. kHostContentionWeight, as 1d' (a line
  // naming the slow rank places it); only where the straggler is already suspected.
  if (beliefs.scores().count("straggler_rank")) {
    for (const CaseLog& log : c.logs) {
      const std::vector<std::string> text = LineTexts(log);
      std::optional<AffinityOutlier> pinned = FindAffinityOutlier(text);
      if (!pinned) continue;
      const std::string node = PlaceLine(log, pinned->line, text[pinned->line], topo).node;
      if (node.empty()) continue;
      char buf[160];
      std::snprintf(buf, sizeof buf, " (%d CPUs where the node's other %zu processes have %d): its kernels, loader and NCCL threads share them on ",
                    pinned->cpus, pinned->processes - 1, pinned->peer_cpus);
      beliefs.Add(HostContention(EvidenceKind::kLog, log.source + ":" + std::to_string(log.lines[pinned->line].number),
                                 "one training process pinned to few cores: " + Utf8Prefix(text[pinned->line], 200) + buf + node,
                                 node, topo.job));
    }
  }

  // 1d'''. A GPU that computes for a process besides the job's (`nvidia-smi --query-compute-apps`,
  // FindSharedGpu, PLC34): an orphan or another user's process takes that GPU's SMs, and the rank
  // there straggles on a sound GPU. kHostContentionWeight, as 1d' (a line naming the slow rank places
  // it); only where the straggler is already suspected.
  if (beliefs.scores().count("straggler_rank")) {
    for (const CaseLog& log : c.logs) {
      const std::vector<std::string> text = LineTexts(log);
      std::optional<SharedGpu> shared = FindSharedGpu(text);
      if (!shared) continue;
      const std::string node = PlaceLine(log, shared->line, text[shared->line], topo).node;
      const int gpu = TopologyPciGpu(topo, node, shared->bus);
      if (node.empty() || gpu < 0) continue;
      Observation o = HostContention(EvidenceKind::kLog, log.source + ":" + std::to_string(log.lines[shared->line].number),
                                     "a GPU shared with another process: " + std::to_string(shared->processes) +
                                         " compute processes on " + node + "/gpu" + std::to_string(gpu) + " where the node's other " +
                                         std::to_string(shared->other_gpus) + " GPUs run one each (" +
                                         Utf8Prefix(text[shared->line], 200) + ")",
                                     node, topo.job);
      o.hint.gpu = gpu;
      o.hint.node_wide = false;  // host_side kept: a GPU probe passing there does not clear it
      beliefs.Add(std::move(o));
    }
  }

  // 1e. Input-bound training: most of each step spent waiting for data. A per-rank table's rows
  // (RG27: ` rank | data_wait_s | fwd_bwd_s | step_s`), each a rank's share, are read when no line
  // prints one, whether or not the knowledge recall raised dataloader_stall (first-hand numbers).
  // The share counted is kept for 3a-throttled-loader (PLC20).
  double data_wait_share = 0;
  {
    DataWaitShare dw;
    if (beliefs.scores().count("dataloader_stall")) dw = FindDataWaitShare(flat);
    if (dw.lines < kMinDataWaitLines) {
      if (std::optional<RankTableDataWait> t = FindRankTableDataWait(flat.lines)) dw = {t->share, t->rows, t->first_line};
    }
    if (dw.lines >= kMinDataWaitLines && dw.share >= kDataWaitShare) {
      auto [li, ki] = flat.refs[dw.first_line];
      Observation o;
      o.evidence.kind = EvidenceKind::kLog;
      o.evidence.source = c.logs[li].source + ":" + std::to_string(c.logs[li].lines[ki].number);
      char buf[96];
      std::snprintf(buf, sizeof(buf), "waiting for input %.0f%% of each step (median of %zu lines), e.g. ",
                    100 * dw.share, dw.lines);
      o.evidence.detail = buf + flat.lines[dw.first_line];
      data_wait_share = dw.share;
      o.evidence.supports = {"dataloader_stall"};
      o.evidence.weight = kMetricWeight;
      o.deltas["dataloader_stall"] = kMetricWeight;
      o.time_ms = LineTimeMs(flat.lines[dw.first_line], topo.clock);
      o.hint.job = topo.job;
      o.hint.node = HintFromSource(c.logs[li].source, topo).node;
      beliefs.Add(std::move(o));
    }
  }

  // 1e'. A data-loader worker out of file descriptors (DataLoaderOutOfFiles, PLC28): the input
  // pipeline itself failing, first-hand, as strong as a signature; its first line counts, the
  // others repeat it (realistic32 rl32-27: a parquet reader leaking handles, workers at EMFILE and
  // restarting; only the loader's recall counted before).
  for (size_t i = 0; i < flat.lines.size(); ++i) {
    if (!DataLoaderOutOfFiles(flat.lines[i])) continue;
    auto [li, ki] = flat.refs[i];
    Observation o;
    o.evidence.kind = EvidenceKind::kLog;
    o.evidence.source = c.logs[li].source + ":" + std::to_string(c.logs[li].lines[ki].number);
    o.evidence.detail = Utf8Prefix(flat.lines[i], 400) + "  [a data-loader worker ran out of file descriptors: the input pipeline fails]";
    o.evidence.supports = {"dataloader_stall"};
    o.evidence.weight = kFirstSignatureWeight;
    o.deltas["dataloader_stall"] = kFirstSignatureWeight;
    o.time_ms = LineTimeMs(flat.lines[i], topo.clock);
    o.hint.job = topo.job;
    beliefs.Add(std::move(o));
    break;
  }

  // A node's reading of a slow network filesystem (ReadNfsLine, RG12): nfsiostat's read RTT, tasks
  // in D state on an RPC, top's I/O wait. Placed on the job, not the node that read it: the
  // export is shared (the node's own storage fault has its own evidence, NF's rules).
  for (size_t li = 0; li < c.logs.size(); ++li) {
    const std::vector<LogLine>& lines = c.logs[li].lines;
    bool rpc_wait_seen = false;
    for (size_t ki = 0; ki < lines.size(); ++ki) {
      const NfsReading r = ReadNfsLine(ki > 0 ? lines[ki - 1].text : std::string(), lines[ki].text);
      if (r == NfsReading::kNone || (r == NfsReading::kRpcWait && rpc_wait_seen)) continue;
      rpc_wait_seen = rpc_wait_seen || r == NfsReading::kRpcWait;
      const double w = r == NfsReading::kSlowRtt ? kMetricWeight : r == NfsReading::kRpcWait ? kLaggardWeight : 0.5;
      Observation o;
      o.evidence.kind = EvidenceKind::kLog;
      o.evidence.source = c.logs[li].source + ":" + std::to_string(lines[ki].number);
      o.evidence.detail = r == NfsReading::kSlowRtt ? "nfsiostat: read round trip of tens of ms or more ("
                          : r == NfsReading::kRpcWait ? "a task in D state waiting on an NFS RPC ("
                                                      : "the node's CPUs largely in I/O wait (";
      o.evidence.detail += Utf8Prefix(lines[ki].text, 300);
      o.evidence.detail += ")";
      o.evidence.supports = {"storage_failure"};
      o.evidence.weight = w;
      o.deltas["storage_failure"] = w;
      o.time_ms = LineTimeMs(lines[ki].text, topo.clock);
      o.hint.job = topo.job;
      beliefs.Add(std::move(o));
    }
  }

  // 2. Metric conditions from the knowledge base.
  std::set<std::pair<std::string, std::string>> metric_seen;  // (category, series id)
  std::set<std::string> not_understood;
  std::vector<TimeSeries> series = c.metrics;
  for (TimeSeries& s : SeriesFromLogs(c, topo)) series.push_back(std::move(s));
  // A pasted `--query-gpu=...,clocks_event_reasons.hw_power_brake_slowdown` table row with the
  // brake active (bit 0x80) is the same reading as a -q section's "HW Power Brake Slowdown :
  // Active" line: counted for the node-wide brake rule (Beliefs::Component). A table of one
  // node's GPUs all braked is otherwise no metric evidence (a condition held on every series
  // there is), and the answer went to the one GPU a -q paste showed (RL4).
  // The same for the software power cap (0x4) and the thermal slowdowns (0x20 SW, 0x40 HW) in the
  // last sample of dcgm-exporter's reasons field (`..._CLOCK_THROTTLE_REASONS`, since DCGM 3.3
  // `..._CLOCKS_EVENT_REASONS`): they count toward "most of the node's GPUs" (Beliefs::Component),
  // so a cap set on every GPU of a node (`nvidia-smi -pl 400` left behind) or a node's failed fans
  // is the node's, not its GPU 0's; one hot GPU stays that GPU's (RL5: realistic5 case-rl5-07,
  // eight GPUs held at a 400 W cap answered sc-h200-044/gpu0).
  // Review RV-RL5: the SW power cap bit is also what every GPU shows while it runs at its own
  // (default) limit under a heavy load. When the case's power series split a model's GPUs into a
  // lower and a full level (a GPU's enforced limit, or without one its draw, below 0.85 of the
  // highest level of that model), the bit counts only for the GPUs held at the lower level: seven
  // GPUs at their 700 W limit beside one capped at 400 W are that GPU's fault, eight at 400 W beside
  // a node drawing 650 W the node's. With no such split (no power series, or every GPU shown at one
  // level: a whole node capped with no peer in the case) the bit counts as before. A sample with the
  // idle bit (0x1) is a GPU with no work to slow (for the cap bit), and a value that is no bit field
  // (negative, fractional, not finite, beyond 32 bits) is not read.
  std::map<std::pair<std::string, int32_t>, double> gpu_limit_w, gpu_draw_w;  // (host, gpu) -> watts
  std::map<std::pair<std::string, int32_t>, std::string> gpu_model;
  for (const TimeSeries& s : c.metrics) {
    const bool limit = s.name == "DCGM_FI_DEV_ENFORCED_POWER_LIMIT" || s.name == "DCGM_FI_DEV_POWER_MGMT_LIMIT";
    if ((!limit && s.name != "DCGM_FI_DEV_POWER_USAGE") || s.empty()) continue;
    const double w = s.values.back();
    if (!std::isfinite(w) || w <= 0) continue;
    auto host = s.labels.find("Hostname");
    auto gpu_label = s.labels.find("gpu");
    const int32_t gpu = gpu_label == s.labels.end() ? -1 : ParseInt32(gpu_label->second).value_or(-1);
    if (host == s.labels.end() || gpu < 0) continue;
    (limit ? gpu_limit_w : gpu_draw_w)[{host->second, gpu}] = w;
    auto model = s.labels.find("modelName");
    gpu_model[{host->second, gpu}] = model == s.labels.end() ? std::string() : model->second;
  }
  std::map<std::pair<std::string, int32_t>, double> gpu_level_w = gpu_draw_w;
  for (const auto& [k, w] : gpu_limit_w) gpu_level_w[k] = w;
  std::map<std::string, double> model_peak_w, model_low_w;  // modelName -> highest / lowest level
  for (const auto& [k, w] : gpu_level_w) {
    const std::string& m = gpu_model[k];
    model_peak_w[m] = std::max(model_peak_w.count(m) ? model_peak_w[m] : 0.0, w);
    model_low_w[m] = std::min(model_low_w.count(m) ? model_low_w[m] : w, w);
  }
  // 2-powercap (PLC33). A GPU's enforced power limit lowered during the metrics with the GPU drawing
  // at the new limit (FindLoweredPowerCaps: a BMC's node cap after a PSU event, an operator's `-pl`):
  // its clocks are held down by the cap, a power throttle on that GPU, first GPU at kMetricWeight,
  // each more at kExtraMetricWeight; two GPUs of a node or more make it the node's. Before, the clocks below their peers' read as a straggler
  // (realistic35 rl35-07: straggler_rank 0.16 beside DCGM's 400 -> 200 W limit, draw 199 W).
  {
    bool first_cap = true;
    for (const LoweredPowerCap& p : FindLoweredPowerCaps(c.metrics)) {
      Observation o;
      o.evidence.kind = EvidenceKind::kMetric;
      o.evidence.source = "metric DCGM_FI_DEV_ENFORCED_POWER_LIMIT{Hostname=\"" + p.node + "\",gpu=\"" + std::to_string(p.gpu) + "\"}";
      char buf[240];
      if (p.below_peers) {
        std::snprintf(buf, sizeof(buf),
                      "enforced power limit %.0f W, below the %.0f W of the same GPU model on the case's other nodes, "
                      "the GPU drawing %.0f W at it: the cap holds its clocks down",
                      p.to_w, p.from_w, p.draw_w);
      } else if (p.draw_w > 0) {
        std::snprintf(buf, sizeof(buf),
                      "enforced power limit lowered from %.0f W to %.0f W since %s, the GPU drawing %.0f W at it: the "
                      "cap holds its clocks down",
                      p.from_w, p.to_w, FormatRfc3339Ms(p.onset_ms).c_str(), p.draw_w);
      } else {
        std::snprintf(buf, sizeof(buf),
                      "enforced power limit lowered from %.0f W to %.0f W since %s, the GPU's SM clock down with it: "
                      "the cap holds its clocks down",
                      p.from_w, p.to_w, FormatRfc3339Ms(p.onset_ms).c_str());
      }
      o.evidence.detail = buf;
      o.evidence.value = p.to_w;
      o.evidence.time_ms = p.onset_ms;
      o.evidence.supports = {"gpu_power_throttle"};
      const double w = first_cap ? kMetricWeight : kExtraMetricWeight;
      first_cap = false;
      o.evidence.weight = w;
      o.deltas["gpu_power_throttle"] = w;
      o.hint.node = p.node;
      o.hint.gpu = p.gpu;
      o.hint.job = topo.job;
      o.time_ms = p.onset_ms;
      beliefs.Add(std::move(o));
      // Counted with the power brake's GPUs: a limit lowered from outside the GPU (the BMC, an
      // operator) on two GPUs of a node or more is the node's, as the brake on two is.
      beliefs.AddThrottleLineGpu("gpu_power_throttle", p.node, p.gpu, /*brake=*/true);
    }
  }
  // 2-pcie (PLC35). One GPU moving far less over PCIe than its node peers (FindLowPcieTrafficGpus):
  // a steady rate under a link ceiling, the narrow or slow link gpu.pcie_bandwidth measures. A
  // symptom's weight (half kMetricWeight): enough to plan the probe, whose result decides. Before, the
  // series was read by nothing and the probe never planned (realistic35 rl35-08: unknown).
  for (const LowPcieGpu& g : FindLowPcieTrafficGpus(c.metrics)) {
    Observation o;
    o.evidence.kind = EvidenceKind::kMetric;
    o.evidence.source = "metric " + g.metric + "{Hostname=\"" + g.node + "\",gpu=\"" + std::to_string(g.gpu) + "\"}";
    char buf[200];
    std::snprintf(buf, sizeof(buf), "PCIe traffic %.2g GB/s, at most half its node peers' %.2g GB/s: a link ceiling (narrow or slow link)",
                  g.rate / 1e9, g.peers / 1e9);
    o.evidence.detail = buf;
    o.evidence.value = g.rate;
    o.evidence.time_ms = g.time_ms;
    o.evidence.supports = {"pcie_link_degraded"};
    o.evidence.weight = 0.5 * kMetricWeight;
    o.deltas["pcie_link_degraded"] = 0.5 * kMetricWeight;
    o.hint.node = g.node;
    o.hint.gpu = g.gpu;
    o.hint.job = topo.job;
    o.time_ms = g.time_ms;
    beliefs.Add(std::move(o));
  }
  auto cap_counts = [&](const TimeSeries& s, const std::string& host, int32_t gpu) {
    auto model = s.labels.find("modelName");
    const std::string m = model == s.labels.end() ? std::string() : model->second;
    auto peak = model_peak_w.find(m);
    if (peak == model_peak_w.end() || model_low_w[m] >= 0.85 * peak->second) return true;  // no split
    auto own = gpu_level_w.find({host, gpu});
    return own != gpu_level_w.end() && own->second < 0.85 * peak->second;
  };
  auto note_reasons = [&](const TimeSeries& s) {
    if ((s.name == "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS" || s.name == "DCGM_FI_DEV_CLOCKS_EVENT_REASONS") &&
        !s.empty()) {
      const std::optional<uint32_t> field = ClockReasonBits(s.values.back());
      if (!field) return;
      const uint32_t bits = *field;
      const bool idle = (bits & kClockReasonGpuIdle) != 0;
      auto host = s.labels.find("Hostname");
      auto gpu_label = s.labels.find("gpu");
      const int32_t gpu =
          gpu_label == s.labels.end() ? -1 : ParseInt32(gpu_label->second).value_or(-1);
      if (host != s.labels.end() && !host->second.empty() && gpu >= 0) {
        if ((bits & kClockReasonHwPowerBrake) != 0) beliefs.AddThrottleLineGpu("gpu_power_throttle", host->second, gpu, /*brake=*/true);
        else if ((bits & kClockReasonSwPowerCap) != 0 && !idle && cap_counts(s, host->second, gpu))
          beliefs.AddThrottleLineGpu("gpu_power_throttle", host->second, gpu, /*brake=*/false);
        if ((bits & kClockReasonThermal) != 0) beliefs.AddThrottleLineGpu("gpu_thermal_throttle", host->second, gpu, /*brake=*/false);
      }
    }
  };
  for (const TimeSeries& s : series) note_reasons(s);
  for (TimeSeries& s : SeriesFromSmiCsv(c, topo)) {
    note_reasons(s);
    series.push_back(std::move(s));
  }
  for (TimeSeries& s : SeriesFromExpertCounts(c, topo)) series.push_back(std::move(s));
  for (TimeSeries& s : SeriesFromSmiQuery(c, topo)) series.push_back(std::move(s));
  AddFieldAliases(series);
  AddMoeAliases(series);
  // Xids that log-derived exporters publish in labels, read as the XID field (fault_codes.h).
  for (TimeSeries& s : XidSeriesFromLabels(series)) series.push_back(std::move(s));
  // FP8 scaling can only overflow in a run that computes in FP8: without any FP8 trace in the case
  // (recipe, amax / scale statistics, e4m3 / e5m2, an fp8_* series), a NaN or a loss jump read by
  // an FP8 entry's generic condition ("loss != loss") is the run's own numerics, not FP8's.
  const bool fp8_run = CaseShowsFp8(c);
  std::set<std::pair<std::string, int>> spinning_idle;  // (node, gpu): idle while its peers spin
  for (const auto& [node, gpu] : FindUtilOddOneOut(c.metrics)) {
    if (OddGpuStoppedWhilePeersSpin(c.metrics, node, gpu)) spinning_idle.insert({node, gpu});
  }
  // A spin episode earlier in the series (PLC22): where it began, for the loader conditions below.
  std::optional<int64_t> spin_onset_ms;
  for (const SpinEpisode& e : FindSpinEpisodes(c.metrics)) {
    spinning_idle.insert({e.node, e.gpu});
    spin_onset_ms = e.onset_ms;
  }
  // When the job's processes began to stop (FirstRankAbortMs, PLC28), for the loader conditions below.
  std::optional<int64_t> rank_abort_ms;
  {
    std::vector<int64_t> times;
    times.reserve(flat.lines.size());
    for (const std::string& l : flat.lines) times.push_back(StatesRankAbort(l) ? LineTimeMs(l, topo.clock) : kNoTime);
    rank_abort_ms = FirstRankAbortMs(flat.lines, times, kNoTime);
  }
  AddAlertExpressionCondition(c, facts, series, topo.job, beliefs);
  AddAlertClockMask(c, topo.job, beliefs);
  AddAlertDcgmMemoryHealth(c, topo.job, beliefs);
  AddAlertMissingGpu(c, topo.job, beliefs);
  AddAlertAo5Readings(c, topo.job, beliefs);
  AddAlertGpuUtilLow(c, topo.job, beliefs);
  AddAlertAlr2Readings(c, topo.job, beliefs);
  std::set<std::pair<std::string, std::string>> ended_before_alert;  // (category, series id), EndedBeforeAlert
  // The series not read from a pasted table (PastedReading), for the count conditions below.
  std::vector<TimeSeries> scraped;
  const bool pasted_readings =
      std::any_of(series.begin(), series.end(), [&](const TimeSeries& ts) { return PastedReading(c, ts); });
  if (pasted_readings) {
    std::copy_if(series.begin(), series.end(), std::back_inserter(scraped),
                 [&](const TimeSeries& ts) { return !PastedReading(c, ts); });
  }
  for (const Signature& s : facts.metric_conditions) {
    if (!fp8_run && s.category == "fp8_scaling_overflow" && s.pattern.find("fp8") == std::string::npos) continue;
    // A count of the series a node reports (`count by (Hostname) (DCGM_FI_DEV_GPU_TEMP) < 8`: a GPU
    // gone from the exporter) is read over scraped series only. A pasted reading holds the GPUs
    // the engineer chose to look at (`nvidia-smi -q -i 4`, a `--query-gpu` table cut with `sed -n
    // 4,6p` or `grep`): its few rows are no GPUs missing (RG22: one GPU's `-q` section answered
    // gpu_fallen_off_bus, realistic19 rl19-14).
    const bool scraped_only = pasted_readings && std::regex_search(s.pattern, CountAggregationRegex());
    auto result = EvaluateMetricCondition(s.pattern, scraped_only ? scraped : series);
    if (!result) {
      not_understood.insert(s.pattern);
      continue;
    }
    // A condition that held on every series from the first sample on is the normal state of
    // this cluster (e.g. "temperature < 80"), not evidence of a fault. Since RL3: on nearly all of
    // them too (a one-row-per-GPU nvidia-smi sweep where 15 GPUs of 16 are below 80 C and one is at
    // 89 C: the 15 are the normal state, the one is what differs). "Most" is more than half
    // (review RV-RL3; RL3 had "half or more"): one node's fault in a 2-node job holds on exactly
    // half (8 GPUs of 16 power-braked by a failed PSU, 1 node of 2 out of memory) and is the fault,
    // not the cluster's normal state. (Not "more than three quarters": then 3 cool GPUs of a
    // 4-GPU node beside one hot one were evidence again.)
    bool discriminative = 2 * result->hits.size() <= result->candidates && result->hits.size() < result->candidates;
    // The hardware power brake (throttle-reason bit 0x80) is asserted by the system (a failed PSU,
    // the BMC), never a cluster's normal state: a power-throttle condition holding on a series whose
    // sample there has the brake bit is evidence even when it holds on every series there is (a
    // pasted --query-gpu table of one node's 8 GPUs, every one braked, answered `unknown`; review
    // RV-RL4).
    auto power_brake = [&](const MetricConditionHit& h) {
      if (s.category != "gpu_power_throttle" || h.series->name != "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS") return false;
      for (size_t i = 0; i < h.series->size(); ++i) {
        if (h.series->timestamps_ms[i] != h.time_ms) continue;
        // Not a bit field (a pack of the user's reaching 1e30 or NaN here): no brake (SAN).
        const std::optional<uint32_t> bits = ClockReasonBits(h.series->values[i]);
        return bits && (*bits & kClockReasonHwPowerBrake) != 0;
      }
      return false;
    };
    // A comparison with the peers' aggregate (`x < 0.9 * avg by (Hostname) (x)`) singles out a GPU
    // that fell behind the others of its group. The aggregate is over the series' means, so when
    // every series of the group fell together (a hang: all of a node's GPUs at 0 tensor activity
    // while NCCL spins) each is below the group's mean and the condition holds on all of them: that
    // is no peer outlier, and no evidence for the condition's category (RL5: realistic5
    // case-rl5-12, a collective hang answered straggler_rank on the whole node).
    std::set<std::string> group_moved;
    if (std::smatch by; std::regex_search(s.pattern, by, PeerAggregateRegex())) {
      std::vector<std::string> keys;
      std::string t;
      for (char ch : std::string(by[1]) + ",") {
        if (ch == ',') {
          if (!t.empty()) keys.push_back(t);
          t.clear();
        } else if (ch != ' ' && ch != '\t') {
          t += ch;
        }
      }
      auto group_of = [&](const TimeSeries& ts) {
        std::string g = ts.name;
        for (const std::string& k : keys) {
          auto it = ts.labels.find(k);
          g += '\x1f';
          if (it != ts.labels.end()) g += it->second;
        }
        return g;
      };
      std::map<std::string, size_t> hit_count, member_count;
      for (const MetricConditionHit& h : result->hits) ++hit_count[group_of(*h.series)];
      for (const TimeSeries& ts : series) {
        if (auto it = hit_count.find(group_of(ts)); it != hit_count.end()) ++member_count[it->first];
      }
      for (const auto& [g, n] : hit_count) {
        if (n >= 2 && n >= member_count[g]) group_moved.insert(g);
      }
      if (!group_moved.empty()) {
        std::vector<MetricConditionHit> kept;
        for (const MetricConditionHit& h : result->hits) {
          if (!group_moved.count(group_of(*h.series))) kept.push_back(h);
        }
        result->hits = std::move(kept);
      }
      // The condition holds at a sample; a GPU is singled out only when its level over the window
      // is clearly outside its peers' spread (ClearPeerOutlier, RG10).
      std::vector<MetricConditionHit> clear;
      for (const MetricConditionHit& h : result->hits) {
        if (ClearPeerOutlier(*h.series, series, keys)) clear.push_back(h);
      }
      result->hits = std::move(clear);
    }
    // An input pipeline that stalls starves every GPU of the job: a condition of that category on
    // the one GPU that went idle while its node peers spin at 100 % (OddGpuStoppedWhilePeersSpin) is
    // about that GPU, not the input (RL7: one rank stuck outside a collective, its GPU at 0 % beside
    // seven at 100 %, answered dataloader_stall).
    // Likewise on a table pasted from one node (RG22): a loader condition that holds on a few of the
    // node's GPUs while most of the same table's GPUs do not (one GPU at 52 % among seven at 95 %) is
    // those GPUs' own ranks being slow, not the input: a stall starves them all (realistic18 rl18-09).
    if (s.category == "dataloader_stall" && !result->hits.empty()) {
      std::map<std::pair<std::string, std::string>, size_t> members;  // (metric, Hostname + source) -> series
      auto key = [](const TimeSeries& ts) {
        auto source = ts.labels.find("source");
        return std::make_pair(ts.name, NodeOf(ts.labels) + '\x1f' + (source == ts.labels.end() ? "" : source->second));
      };
      for (const TimeSeries& ts : series) {
        if (PastedReading(c, ts)) ++members[key(ts)];
      }
      std::map<std::pair<std::string, std::string>, size_t> held;
      for (const MetricConditionHit& h : result->hits) {
        if (PastedReading(c, *h.series)) ++held[key(*h.series)];
      }
      std::vector<MetricConditionHit> kept;
      for (const MetricConditionHit& h : result->hits) {
        if (PastedReading(c, *h.series)) {
          const size_t n = members[key(*h.series)], k = held[key(*h.series)];
          if (n >= 4 && 2 * k < n) continue;
        }
        kept.push_back(h);
      }
      result->hits = std::move(kept);
    }
    // And once one GPU sat idle beside peers spinning at 100 % (FindSpinEpisodes, PLC22), the
    // utilisation every GPU loses from then on is that hang and the watchdog's abort of the job,
    // not the input (realistic29 rl29-17: one rank stuck in its async checkpoint's staging, its
    // GPU at 0 % beside seven at 100 % for ten minutes, then every GPU at 0 % after the abort,
    // answered dataloader_stall at 0.92).
    if (s.category == "dataloader_stall" && !spinning_idle.empty()) {
      std::vector<MetricConditionHit> kept;
      for (const MetricConditionHit& h : result->hits) {
        if (spinning_idle.count({NodeOf(h.series->labels), GpuOf(h.series->labels)})) continue;
        if (spin_onset_ms && h.series->name == "DCGM_FI_DEV_GPU_UTIL" && h.time_ms >= *spin_onset_ms) continue;
        kept.push_back(h);
      }
      result->hits = std::move(kept);
    }
    // Nor the utilisation GPUs lose once the job's processes are being taken down (a watchdog's
    // abort, a task's exit: FirstRankAbortMs): idle GPUs of a stopped job say nothing of its input,
    // whatever stopped it (PLC28: realistic32 rl32-13, a peer's IB port errors, the watchdog's
    // abort at 19:01:40 and one node's GPUs at 0 % from 19:03, answered dataloader_stall 0.58).
    // Only a GPU still busy when the first rank's process was taken down (StillBusyAt): one already
    // idle before it lost its utilisation to something else, and a loader stall that starved the GPUs
    // before the abort stays, though a 5-minute average crosses its bound only after it.
    if (s.category == "dataloader_stall" && rank_abort_ms) {
      std::vector<MetricConditionHit> kept;
      for (const MetricConditionHit& h : result->hits) {
        if (h.series->name == "DCGM_FI_DEV_GPU_UTIL" && h.time_ms >= *rank_abort_ms &&
            StillBusyAt(h.series->timestamps_ms, h.series->values, *rank_abort_ms)) {
          continue;
        }
        kept.push_back(h);
      }
      result->hits = std::move(kept);
    }
    // CFS throttling slows only the container throttled (RG4; FindHostCpuPressure reads it so since
    // RV-RG3): a per-series condition on container_cpu_cfs_throttled_seconds_total is the job's only
    // on the job's own container (JobThrottleSeries).
    if (std::any_of(result->hits.begin(), result->hits.end(),
                    [](const MetricConditionHit& h) { return h.series->name == "container_cpu_cfs_throttled_seconds_total"; })) {
      std::vector<MetricConditionHit> kept;
      for (const MetricConditionHit& h : result->hits) {
        if (h.series->name != "container_cpu_cfs_throttled_seconds_total" || JobThrottleSeries(c, topo, series, *h.series)) {
          kept.push_back(h);
        }
      }
      result->hits = std::move(kept);
    }
    std::set<const TimeSeries*> outliers = KeepCounterOutliers(s.pattern, series, &result->hits);
    DropSymbolErrorTrickle(series, &result->hits);
    for (const MetricConditionHit& h : result->hits) {
      if (!h.onset && !discriminative && !h.series->labels.count("snapshot") && !power_brake(h)) continue;
      if (!metric_seen.insert({s.category, h.series->id()}).second) continue;
      Observation o;
      o.evidence.kind = EvidenceKind::kMetric;
      o.evidence.source = "metric " + h.series->id();
      const bool untimed = PastedReadingWithoutTime(c, *h.series, h.time_ms);
      o.evidence.detail = s.pattern + (untimed ? " held in the pasted reading" : " held at ");
      if (!untimed) o.evidence.detail += FormatRfc3339Ms(h.time_ms);
      // As people write it: "91", "0.25" (REV3, 2026-12-04: std::to_string's "91.000000" and
      // "1.000000" in every metric line and the summary an engineer reads).
      char value[40];
      if (std::isfinite(h.value) && h.value == std::floor(h.value) && std::fabs(h.value) < 1e15) {
        std::snprintf(value, sizeof value, "%.0f", h.value);
      } else {
        std::snprintf(value, sizeof value, "%.6g", h.value);
      }
      o.evidence.detail += std::string(" (value ") + value + ")";
      o.evidence.value = h.value;
      o.evidence.time_ms = untimed ? 0 : h.time_ms;
      o.evidence.supports = {s.category};
      // A condition that ended well before the alert (EndedBeforeAlert) weighs as context: the
      // first such series of a category at a quarter of the first's weight, the others at a
      // quarter of the extra weight; the category's first full weight is left to a series where
      // it held near startsAt.
      std::optional<std::string> ended;
      if (!HardwareXidSeriesHit(s.category, *h.series, h.value, h.onset)) ended = EndedBeforeAlert(c, s.pattern, series, *h.series, h.time_ms);
      if (ended) ended_before_alert.insert({s.category, h.series->id()});
      bool first_for_cat = true;
      for (const auto& [cat, id] : metric_seen) {
        if (cat == s.category && id != h.series->id() && ended_before_alert.count({cat, id}) == (ended ? 1u : 0u)) {
          first_for_cat = false;
        }
      }
      double w = first_for_cat ? (HardwareXidSeriesHit(s.category, *h.series, h.value, h.onset) ? kFirstSignatureWeight : kMetricWeight)
                               : kExtraMetricWeight;
      // One outlier counter per condition weighs as a metric hit of its own (KeepCounterOutliers).
      if (outliers.count(h.series)) {
        if (!first_for_cat) w = kMetricWeight;
        outliers.clear();
      }
      if (ended) {
        w *= kEndedBeforeAlertFactor;
        o.evidence.detail += *ended;
      }
      o.evidence.weight = w;
      o.deltas[s.category] = w;
      o.hint.node = NodeOf(h.series->labels);
      o.hint.gpu = GpuOf(h.series->labels);
      o.hint.hca = HcaOf(h.series->labels);
      o.hint.job = topo.job;
      PlaceRankLabel(h.series->labels, topo, &o.hint);
      o.hint.entry_component = s.component;
      o.time_ms = untimed ? kNoTime : h.time_ms;
      o.standing = !h.onset;
      o.flat = !h.series->values.empty() &&
               std::all_of(h.series->values.begin(), h.series->values.end(),
                           [&](double v) { return v == h.series->values.front(); });
      beliefs.Add(std::move(o));
    }
  }
  // 2b. Relative comparison: a GPU (or node) that slowed down while its peers did not is a
  // slowdown symptom located on it; the probes on its causes decide which cause.
  if (beliefs.scores().count("straggler_rank")) {
    for (const PeerOutlier& p : FindPeerOutliers(series)) {
      Observation o;
      o.evidence.kind = EvidenceKind::kMetric;
      o.evidence.source = "metric " + p.series->id();
      char buf[160];
      std::snprintf(buf, sizeof(buf), " at %.4g since %s while its peers are at %.4g (median)", p.recent,
                    FormatRfc3339Ms(p.onset_ms).c_str(), p.peers);
      o.evidence.detail = p.series->name + buf;
      o.evidence.value = p.recent;
      o.evidence.time_ms = p.onset_ms;
      o.evidence.supports = {"straggler_rank"};
      double w = slow_located ? kExtraMetricWeight : kPeerOutlierWeight;
      slow_located = true;
      o.evidence.weight = w;
      o.deltas["straggler_rank"] = w;
      o.hint.node = NodeOf(p.series->labels);
      o.hint.gpu = GpuOf(p.series->labels);
      o.hint.job = topo.job;
      PlaceRankLabel(p.series->labels, topo, &o.hint);
      if (o.hint.gpu < 0 && !p.host_level) {
        // A rank's series that also names its node (`node="n-04"`): the rank's GPU when the
        // layout puts that rank on that node.
        ComponentHint by_rank;
        PlaceRankLabel(p.series->labels, topo, &by_rank);
        if (!by_rank.node.empty() && by_rank.node == o.hint.node) o.hint.gpu = by_rank.gpu;
      }
      if (p.host_level) o.hint.entry_component = "host";
      o.time_ms = p.onset_ms;
      beliefs.Add(std::move(o));
    }
  }
  // 2c. The slow rank's node with its CPUs taken, from node_exporter's and cAdvisor's series against
  // the job's other nodes (FindHostCpuPressure; RG3): the metrics' form of FindCpuHog's `top`
  // listing, at the same weight, once a node. Read only for a node some evidence already names as
  // slow (a line naming the rank, a per-rank or per-GPU series behind its peers) whose GPUs show no
  // fault or throttle of their own (a GPU category's evidence of 1.0 or more on the node): a busy host beside a
  // throttled GPU is no cause of its slowness. Not read twice: a node with host-side evidence
  // already (a `top` listing) keeps that one.
  if (beliefs.scores().count("straggler_rank")) {
    const std::vector<HostCpuPressure> pressure = FindHostCpuPressure(series, JobPeerNodes(topo));
    for (const HostCpuPressure& p : pressure) {
      std::string slow_node;
      bool gpu_side = false, host_seen = false;
      for (const Observation& h : beliefs.observations()) {
        if (h.hint.node.empty() || !SameNodeName(h.hint.node, p.node)) continue;
        if (h.host_side) host_seen = true;
        for (const auto& [cat, delta] : h.deltas) {
          if (delta <= 0) continue;
          if (cat == "straggler_rank" && !h.host_side && h.hint.entry_component != "host") slow_node = h.hint.node;
          // Solid GPU evidence (a fault's or a throttle's line or series, 1.0 or more), not a look-alike's.
          if ((cat.rfind("gpu_", 0) == 0 || cat == "nvlink_error" || cat == "pcie_link_degraded") && delta >= 1.0)
            gpu_side = true;
        }
      }
      if (slow_node.empty() || gpu_side || host_seen) continue;
      std::string detail = "the slow rank's host has its CPUs taken: ";
      detail += slow_node;
      detail += ' ';
      for (size_t i = 0; i < p.what.size(); ++i) {
        if (i) detail += ", ";
        detail += p.what[i];
      }
      detail += " since ";
      detail += FormatRfc3339Ms(p.onset_ms);
      detail += ", against the job's other nodes";
      // A container CFS-throttled in half its periods or more (PLC13): its quota is the cause
      // measured, as 2d's slow CPU clock is; the node's lower GPU utilisation is its consequence.
      if (p.direct) detail += ": its ranks wait for CPU time their container's CPU limit does not give them";
      Observation o = HostContention(EvidenceKind::kMetric, "metric " + p.series, std::move(detail), slow_node, topo.job);
      if (p.direct) {
        o.evidence.weight = kSlowCpuClockWeight;
        o.deltas["straggler_rank"] = kSlowCpuClockWeight;
        o.hint.entry_component = "host";
      }
      o.evidence.time_ms = p.onset_ms;
      o.time_ms = p.onset_ms;
      beliefs.Add(std::move(o));
    }
  }
  // 2d. A node of the job whose CPUs run far below its peers' clock (FindSlowCpuClocks): a host-side
  // straggler read from node_exporter's cpufreq series, placed on the node. It is the cause measured
  // directly (as a signature line is), so it weighs kSlowCpuClockWeight: the slow node's lower GPU
  // utilisation (a dataloader condition's `GPU_UTIL < 60` there) is then its consequence, and a GPU
  // probe passing there does not clear it (host_side).
  {
    for (const SlowCpuClock& s : FindSlowCpuClocks(series, JobPeerNodes(topo))) {
      char buf[200];
      std::snprintf(buf, sizeof buf, "%s's CPUs run at %.2f GHz while the job's other nodes run at %.2f GHz (median)",
                    s.node.c_str(), s.hz / 1e9, s.peers_hz / 1e9);
      std::string detail = buf;
      detail += " since ";
      detail += FormatRfc3339Ms(s.onset_ms);
      detail += ": its ranks launch their kernels late (CPU governor, power profile or cap)";
      Observation o = HostContention(EvidenceKind::kMetric, "metric " + s.series, std::move(detail), s.node, topo.job);
      o.evidence.weight = kSlowCpuClockWeight;
      o.deltas["straggler_rank"] = kSlowCpuClockWeight;
      o.hint.entry_component = "host";
      o.evidence.time_ms = s.onset_ms;
      o.time_ms = s.onset_ms;
      beliefs.Add(std::move(o));
    }
  }
  // 2e. The alert's own rank / GPU against its peers (alert_subject.h, RGB).
  std::optional<SubjectReport> subject_report;
  if (c.alert) subject_report = AddAlertSubjectEvidence(*c.alert, topo, series, beliefs);
  if (!not_understood.empty()) {
    trace.push_back({{"type", "note"},
                     {"what", std::to_string(not_understood.size()) +
                                  " metric conditions use syntax the built-in matcher does not evaluate"},
                     {"examples", Json(std::vector<std::string>(not_understood.begin(),
                                                                std::next(not_understood.begin(),
                                                                          std::min<size_t>(3, not_understood.size()))))}});
  }
  if (c.metrics.empty() && !NotesSayNoMetrics(c)) d.unverified.push_back("no metrics in the case: metric conditions not checked");

  // 3. Recalled incidents (weak prior from the alert text); they point at the alert's component.
  ComponentHint alert_hint;
  if (c.alert) {
    alert_hint.node = topo.alert_node;  // PlaceAlertNode
    alert_hint.gpu = GpuOf(c.alert->labels);
    alert_hint.job = topo.job;
    auto rank = c.alert->labels.find("rank");
    if (rank != c.alert->labels.end() && IsNumber(rank->second) && ParseInt32(rank->second)) {
      alert_hint.rank = *ParseInt32(rank->second);
      auto it = topo.ranks.find(alert_hint.rank);
      if (it != topo.ranks.end() && (alert_hint.node.empty() || it->second.node == alert_hint.node)) {
        alert_hint.node = it->second.node;
        if (alert_hint.gpu < 0) alert_hint.gpu = it->second.gpu;
      }
    }
  }
  // A hit that shares no term with the alert (its title, text, symptoms, signatures, metric names;
  // recall_overlap.h) and that the embedding does not rank among its first kRecallDenseKeepRank is no
  // evidence: it ranked for place and filler words ("node", "above"), and listed it read as a reason
  // (REV3: an invalid-device-ordinal launch, dense rank 6, for a GPU at 91 C; KBE). One the embedding
  // ranks that high reads alike in pieces the words miss ("CrashLoopBackOff" and a crash loop): kept,
  // as dropping those moved three alert-only answers' places (agents/HISTORY.md, KBE). Said in the
  // trace; the others keep their rank's weight.
  const std::set<std::string> alert_terms = c.alert ? AlertTerms(*c.alert) : std::set<std::string>{};
  for (size_t i = 0; i < facts.recalled.size() && i < std::size(kRecallWeights); ++i) {
    const SearchHit& hit = facts.recalled[i];
    if (hit.category.empty() || !beliefs.scores().count(hit.category)) continue;
    const bool dense_close = hit.dense_rank >= 1 && hit.dense_rank <= kRecallDenseKeepRank;
    if (c.alert && !dense_close && SharedRecallTerms(alert_terms, hit).empty()) {
      trace.push_back({{"type", "note"},
                       {"what", "recalled incident shares no term with the alert: not evidence"},
                       {"source", hit.kind == SearchHit::Kind::kIncident ? "kb:" + hit.incident.id : "kb:" + hit.guide_path},
                       {"category", hit.category}});
      continue;
    }
    Observation o;
    o.evidence.kind = EvidenceKind::kKnowledge;
    o.evidence.source = hit.kind == SearchHit::Kind::kIncident ? "kb:" + hit.incident.id : "kb:" + hit.guide_path;
    o.evidence.detail = "similar past incident: " +
                        (hit.kind == SearchHit::Kind::kIncident ? hit.incident.title : hit.heading);
    // One the team imported (its tracker, a postmortem file): where it came from and what fixed it
    // then (WALKK, 2026-12-04; the title alone before). Not the shipped pack's, whose fix is the
    // diagnosis' mitigation, nor serve's resolutions, which StrongServedRecall quotes.
    if (hit.kind == SearchHit::Kind::kIncident && !hit.incident.source.empty() &&
        !hit.incident.source.starts_with("pack:") && !hit.incident.source.starts_with(kServedIncidentSource)) {
      o.evidence.detail += " (";
      o.evidence.detail += kb::IncidentSourceLabel(hit.incident.source);
      if (!hit.incident.mitigation.empty()) {
        o.evidence.detail += "; fixed then: ";
        o.evidence.detail += Utf8Prefix(hit.incident.mitigation, 300);
      }
      o.evidence.detail += ")";
    }
    o.evidence.supports = {hit.category};
    o.evidence.weight = kRecallWeights[i];
    o.deltas[hit.category] = kRecallWeights[i];
    o.hint = alert_hint;
    beliefs.Add(std::move(o));
  }

  // Nodes whose telemetry the case carries, in the order the series come (probe targets when
  // nothing else places a hypothesis).
  std::vector<std::string> metric_nodes;
  for (const TimeSeries& s : c.metrics) {
    std::string n = NodeOf(s.labels);
    if (!n.empty() && std::find(metric_nodes.begin(), metric_nodes.end(), n) == metric_nodes.end()) {
      metric_nodes.push_back(n);
    }
  }

  // Nodes whose GPU exporter stopped (review RV-TZ): a systemd line about dcgm-exporter, DCGM's
  // host engine (nvidia-dcgm, nv-hostengine) or another GPU exporter's unit on the node
  // (MonitoringUnitOfLine). From then on the node's GPUs have no series, so nothing the case carries
  // shows their state: where nothing else places a hypothesis, an on-call engineer looks at the GPUs
  // the monitoring no longer sees (holdout11 s053: the hot GPU sat on such a node).
  const std::vector<std::string> unwatched_gpu_nodes = NodesWithGpuExporterDown(c, topo);

  // Components that unmatched error lines name ("rank 21 differs"): candidates for the probe
  // round that checks the causes of a leading symptom.
  std::vector<ComponentHint> mentioned;
  for (const KnowledgeFacts::LineRecall& lr : facts.line_recalls) {
    if (lr.line_index >= flat.lines.size() || mentioned.size() >= 3) continue;
    auto [li, ki] = flat.refs[lr.line_index];
    ComponentHint h;
    HintFromLine(c.logs[li].lines[ki].text, topo, h);
    if (h.node.empty()) continue;
    bool dup = false;
    for (const ComponentHint& m : mentioned) dup = dup || (m.node == h.node && m.gpu == h.gpu);
    if (!dup) mentioned.push_back(h);
  }

  // 3a''. How Slurm ended the job (ReadSlurmJobEnd, RG14). Killed at its own time limit while it
  // still made progress (a progress line within kProgressBeforeLimitMs before the kill) and with no
  // other fault of a cause's score in the case: the job's --time is the fault, a launch
  // configuration matter (kFirstSignatureWeight). A job that had made no progress for longer before
  // its limit was hung, and one the case shows a fault in (realistic rl27: a data loader's bus error
  // slowing each step to 61 s) was slowed by it: the limit is then a note (kLaunchNoteWeight;
  // realistic5 rl5-26, a job hung on a lost OST until its limit). OUT_OF_MEMORY is the job's cgroup memory on its nodes: host_oom (kMetricWeight, a
  // state summary as strong as a metric condition).
  {
    constexpr int64_t kProgressBeforeLimitMs = 15 * 60'000;
    int64_t limit_ms = kNoTime, progress_ms = kNoTime;
    bool limit = false, progress_after = false;
    std::string limit_line, limit_source, oom_line, oom_source;
    std::map<std::string, int> kill_line_of;  // log source -> its first time-limit line's number
    for (const CaseLog& log : c.logs) {
      for (const LogLine& l : log.lines) {
        const SlurmJobEnd end = ReadSlurmJobEnd(l.text);
        if (end == SlurmJobEnd::kTimeLimit) {
          kill_line_of.emplace(log.source, l.number);
          const int64_t t = LineTimeMs(l.text, topo.clock);
          if (!limit || (t != kNoTime && (limit_ms == kNoTime || t < limit_ms))) {
            if (!limit || t != kNoTime) {
              limit_line = Utf8Prefix(l.text, 400);
              limit_source = log.source + ":" + std::to_string(l.number);
            }
          }
          limit = true;
          if (t != kNoTime) limit_ms = limit_ms == kNoTime ? t : std::min(limit_ms, t);
        } else if (end == SlurmJobEnd::kOutOfMemory && oom_line.empty()) {
          oom_line = Utf8Prefix(l.text, 400);
          oom_source = log.source + ":" + std::to_string(l.number);
        } else if (end == SlurmJobEnd::kNone && IsProgressLine(l.text)) {
          const int64_t t = LineTimeMs(l.text, topo.clock);
          if (t != kNoTime) progress_ms = progress_ms == kNoTime ? t : std::max(progress_ms, t);
        }
      }
    }
    if (limit && limit_ms != kNoTime && progress_ms != kNoTime && progress_ms > limit_ms) progress_after = true;
    if (limit) {
      const bool progressing = limit_ms != kNoTime && progress_ms != kNoTime && !progress_after &&
                               progress_ms >= SaturatingSub(limit_ms, kProgressBeforeLimitMs);
      // A fault the case already shows with a cause's score (a data loader's bus error, a lost OST)
      // is what slowed or stopped the job before its limit: the limit is then how it ended. What the
      // kill itself makes the ranks print (torchrun's SIGTERM, peers' ncclRemoteError, srun's
      // "Terminated"; RG16, realistic16 rl16-27) is no such fault: evidence timed at or after the
      // kill, or after the kill's line in the kill's own log, does not count.
      auto after_kill = [&](const Observation& o) {
        if (limit_ms != kNoTime && o.time_ms != kNoTime) return o.time_ms >= limit_ms;
        const std::string& src = o.evidence.source;
        const size_t colon = src.rfind(':');
        if (colon == std::string::npos) return false;
        auto it = kill_line_of.find(src.substr(0, colon));
        if (it == kill_line_of.end()) return false;
        const std::string num = src.substr(colon + 1);
        if (num.empty() || num.find_first_not_of("0123456789") != std::string::npos || num.size() > 9) return false;
        return std::stoi(num) > it->second;
      };
      std::map<std::string, double> echo;  // category -> its evidence after the kill
      for (const Observation& o : beliefs.observations()) {
        if (!after_kill(o)) continue;
        for (const auto& [cat, delta] : o.deltas) {
          if (delta > 0) echo[cat] += delta;
        }
      }
      double strongest_other = 0;
      for (const auto& [cat, score] : beliefs.scores()) {
        if (cat == "launch_config_error") continue;
        auto e = echo.find(cat);
        strongest_other = std::max(strongest_other, score - (e == echo.end() ? 0.0 : e->second));
      }
      const bool other_cause = strongest_other >= kCauseMinScore;
      const double w = progressing && !other_cause ? kFirstSignatureWeight : kLaunchNoteWeight;
      Observation o;
      o.evidence.kind = EvidenceKind::kLog;
      o.evidence.source = limit_source;
      o.evidence.detail = limit_line;
      if (progressing && !other_cause) {
        o.evidence.detail += "  [Slurm ended the job at its own time limit while it still made progress (";
        o.evidence.detail += std::to_string((limit_ms - progress_ms) / 1000);
        o.evidence.detail += " s after its last progress line): the job's --time, a launch configuration]";
      } else {
        o.evidence.detail += other_cause ? "  [Slurm ended the job at its time limit after a fault the case shows: a note]"
                                         : "  [Slurm ended the job at its time limit; no progress line shortly before it: a note]";
      }
      o.evidence.supports = {"launch_config_error"};
      o.evidence.weight = w;
      o.deltas["launch_config_error"] = w;
      o.time_ms = limit_ms;
      o.hint.job = topo.job;
      beliefs.Add(std::move(o));
    }
    if (!oom_line.empty()) {
      Observation o;
      o.evidence.kind = EvidenceKind::kLog;
      o.evidence.source = oom_source;
      o.evidence.detail = oom_line + "  [Slurm's OUT_OF_MEMORY: the job's memory limit on its nodes]";
      o.evidence.supports = {"host_oom"};
      o.evidence.weight = kMetricWeight;
      o.deltas["host_oom"] = kMetricWeight;
      o.hint.job = topo.job;
      beliefs.Add(std::move(o));
    }
  }

  // 3a-power. A GPU power limit far below its default (LowPowerLimits, RG14): `nvidia-smi -q -d
  // POWER`'s limit in force under kLowPowerLimitShare of the default caps the GPU's clocks; read
  // first-hand, as strong as a metric condition (kMetricWeight), once a node, on the GPU or node the
  // line is placed on (an `ssh NODE` above it, the log's source).
  {
    std::set<std::string> power_nodes;
    for (const CaseLog& log : c.logs) {
      std::vector<std::string> texts;
      texts.reserve(log.lines.size());
      for (const LogLine& l : log.lines) texts.push_back(l.text);
      for (const LowPowerLimit& low : LowPowerLimits(texts)) {
        ComponentHint h = PlaceLine(log, low.line, texts[low.line], topo);
        if (!power_nodes.insert(h.node).second) continue;
        // Every GPU of the node counted at this limit by a pasted `uniq -c` (PLC9): the node's cap.
        if (const int n = NodeGpusAtWatts(c, topo, h.node, low.limit_w); n > 0) {
          for (int g = 0; g < n; ++g) beliefs.AddThrottleLineGpu("gpu_power_throttle", h.node, g, /*brake=*/false);
        }
        char buf[160];
        std::snprintf(buf, sizeof buf, "  [power limit %.0f W of the default %.0f W: the GPU is capped below its rating]",
                      low.limit_w, low.default_w);
        Observation o = LineEvidence(log, low.line, buf, "gpu_power_throttle", kMetricWeight, topo.clock, topo.job);
        o.hint = h;
        o.hint.job = topo.job;
        beliefs.Add(std::move(o));
      }
    }
  }

  // 3a-gpuconfig. A line setting one node's GPU setup apart (IsNodeGpuConfigLine, PLC9): Slurm's GRES
  // count of the node below its configuration, a MIG profile on the node. With a launch fault
  // (`invalid device ordinal`) read, that node's setup is the cause: kLaggardWeight for
  // launch_config_error and the node as its place (SetConfigNode). Not read when two nodes are so
  // named, nor without a launch fault.
  if (beliefs.scores().count("launch_config_error")) {
    std::set<std::string> nodes;
    std::optional<std::pair<size_t, size_t>> first;
    for (size_t li = 0; li < c.logs.size(); ++li) {
      const CaseLog& log = c.logs[li];
      for (size_t ki = 0; ki < log.lines.size(); ++ki) {
        const std::string& text = log.lines[ki].text;
        if (!IsNodeGpuConfigLine(text)) continue;
        std::set<std::string> named;
        for (const CaseNodes::Word& w : topo.names.Words(text)) named.insert(w.node);
        std::string node = named.size() == 1 ? *named.begin() : "";
        if (named.empty()) node = PlaceLine(log, ki, text, topo).node;
        if (node.empty()) continue;
        nodes.insert(node);
        if (!first) first = std::make_pair(li, ki);
      }
    }
    if (nodes.size() == 1 && first) {
      const std::string& node = *nodes.begin();
      Observation o = LineEvidence(c.logs[first->first], first->second,
                                   "  [" + node + "'s GPU setup differs from what the job launched with: the launch fault is that node's]",
                                   "launch_config_error", kLaggardWeight, topo.clock, topo.job);
      o.hint = ComponentHint();
      o.hint.node = node;
      o.hint.job = topo.job;
      o.hint.entry_component = "host";
      beliefs.Add(std::move(o));
      beliefs.SetConfigNode("launch_config_error", node);
    }
  }

  // 3a-nodevice. The nodes whose processes say CUDA found no GPU at all (PyTorch's "No CUDA GPUs are
  // available", the runtime's "no CUDA-capable device is detected", cudaErrorNoDevice /
  // CUDA_ERROR_NO_DEVICE): what a rank prints when CUDA could not start on its node, whatever the
  // driver told the first rank (PLC25). Component reads them as the launch fault's sightings on those
  // nodes: a node-level launch fault (one rank's CUDA 803 under a host-kind pack entry) whose ranks on
  // other nodes could not start CUDA either is the image's or the rollout's, the job's (realistic30
  // rl30-27: rank 0 printed the 803, every node's ranks "No CUDA GPUs are available"; answered rank 0's node).
  if (beliefs.scores().count("launch_config_error")) {
    std::set<std::string> nodes;
    for (size_t li = 0; li < c.logs.size() && nodes.size() < 64; ++li) {
      const CaseLog& log = c.logs[li];
      for (size_t ki = 0; ki < log.lines.size(); ++ki) {
        const std::string& text = log.lines[ki].text;
        if (!StatesNoCudaDevice(text)) continue;
        const std::string node = PlaceLine(log, ki, text, topo).node;
        if (!node.empty()) nodes.insert(node);
      }
    }
    beliefs.SetNoCudaDeviceNodes(nodes);
  }

  // 3a-spread. An alert whose own line (AlertFactsLog) states its fault on several GPUs or nodes - "Xid
  // 13 on 16 GPUs of gpu-c-021, gpu-c-022", "across 4 nodes" - is placed as processes' lines on
  // several GPUs are (Component's `spread`): a software fault (illegal address, OOM) that many GPUs
  // hit at once is the job's, not the node the alert's `node` label names (AO3). One GPU ("on 1 GPU")
  // is not spread.
  {
    static const std::regex kMany(R"(\b(?:on|across)\s+(?:all\s+)?(\d{1,5})\s+(?:GPUs|nodes|hosts)\b)",
                                  std::regex::icase);
    for (const CaseLog& log : c.logs) {
      if (!IsAlertFactsLog(log.source)) continue;
      for (const auto& line : log.lines) {
        std::smatch m;
        if (line.text.size() <= 4000 && std::regex_search(line.text, m, kMany) && std::stoi(m[1].str()) >= 2) {
          beliefs.SetAlertSpread();
        }
      }
    }
  }

  // 3a-sigkill. An alert saying a rank or task was killed by SIGKILL and nothing else (AO): "rank 13
  // received SIGKILL", "exited with signal 9" / "-9", torchrun's "ChildFailedError (Signal 9)",
  // sacct's "ExitCode 0:9", "exit code 137". With no scheduler kill beside it (a time limit, a cancel,
  // a preemption: those name their own end), the kernel's OOM killer is what sends a training rank
  // SIGKILL: host_oom, the on-call engineer's first suspect, to confirm in the node's kernel log
  // (`oom-kill:`). Only the alert's own line (AlertFactsLog) is read so: a log's SIGKILL has its
  // cause beside it (the OOM killer's lines, slurmstepd's kill), which the pack reads. Suspected
  // (the alert alone, at most 0.45); before, `unknown` with host_oom second or third by the KB prior.
  {
    static const std::regex kSigkill(
        R"(\bsignal\s*9\b|\bSIGKILL\b|\bexit(?:ed)?(?:\s+with)?(?:\s+(?:code|status))?\s*[:=]?\s*(?:-9|137)\b|)"
        R"(\bExitCode[ =:]+\d+:9\b)",
        std::regex::icase);
    static const std::regex kSchedulerEnd(R"(\bTIME\s*LIMIT\b|\bTIMEOUT\b|\bCANCELL?ED\b|\bPREEMPT|\bDeadlineExceeded\b|\bEvicted\b)",
                                          std::regex::icase);
    // A Kubernetes container's 137 without OOMKilled is not split by the alert (ALR2: a liveness-probe
    // kill, an eviction): AddAlertAlr2Readings ranks it instead.
    const bool kube_unsplit = c.alert && KubeKillWithoutOomReason(AlertWordsForReading(c), KubeContainerLabels(*c.alert));
    for (const CaseLog& log : c.logs) {
      if (!IsAlertFactsLog(log.source) || kube_unsplit) continue;
      for (size_t i = 0; i < log.lines.size(); ++i) {
        const std::string& t = log.lines[i].text;
        if (t.size() > 4000 || !std::regex_search(t, kSigkill) || std::regex_search(t, kSchedulerEnd)) continue;
        Observation o = LineEvidence(log, i, "  [a rank killed by SIGKILL with no scheduler kill named: the OOM killer's signal]",
                                     "host_oom", kMetricWeight, topo.clock, topo.job);
        o.hint = PlaceLine(log, i, t, topo);
        o.hint.job = topo.job;
        beliefs.Add(std::move(o));
        break;
      }
    }
  }

  // 3a-clocks. A GPU's clock-event-reasons bit field stated in a line (ReadClockReasons, AO): an
  // alert's "DCGM_FI_DEV_CLOCKS_EVENT_REASONS ... is 96" or `clock_event_reasons="0x40"` (its own line,
  // AlertFactsLog), the exporter's /metrics line `..._REASONS{gpu="3"} 64`. The field's thermal
  // slowdown bits name gpu_thermal_throttle, its SW power cap or HW power brake gpu_power_throttle:
  // the GPU's own report, as strong as a metric condition (kMetricWeight), once per place and
  // category. Before, the alert's number was not decoded: an alert stating 32 (SW thermal slowdown)
  // or 128 (power brake) alone was `unknown`.
  {
    std::set<std::pair<std::string, std::string>> seen;  // (node/gpu, category)
    for (const CaseLog& log : c.logs) {
      for (size_t i = 0; i < log.lines.size(); ++i) {
        const std::optional<ClockReasonsReading> r = ReadClockReasons(log.lines[i].text);
        if (!r || r->category.empty()) continue;
        ComponentHint h = PlaceLine(log, i, log.lines[i].text, topo);
        if (!seen.insert({h.node + "/" + std::to_string(h.gpu), r->category}).second) continue;
        char buf[96];
        std::snprintf(buf, sizeof buf, "  [clock event reasons 0x%X: ", r->bits);
        std::string note = buf;
        note += r->reasons;
        note += "]";
        Observation o = LineEvidence(log, i, note, r->category, kMetricWeight, topo.clock, topo.job);
        o.hint = h;
        o.hint.job = topo.job;
        beliefs.Add(std::move(o));
      }
    }
  }

  struct SchedulerStop {
    std::string source, line, state;  // the PREEMPTED / CANCELLED end's line, where, and the state
    std::string at;                     // the end's own time as the line gives it (ReadSlurmJobEndAt), or ""
  };
  std::optional<SchedulerStop> stopped_by_scheduler;  // 3a''' reads it; read after 3b
  // 3a'''. Slurm's NODE_FAIL, PREEMPTED and a user's CANCELLED (RGA; agents/README.md says why).
  // NODE_FAIL with one node Slurm says failed (SlurmNodeStateReader: slurmctld's "Killing JobId=...
  // on failed node", "Nodes X not responding", scontrol's State=DOWN.. Reason=, sinfo -R): the fault
  // is that node's. What its own evidence says leads (the category with the most evidence placed on
  // it, placed there again as a culprit); with none, its ranks vanished with it: rank_process_crash
  // on that node (the peers' broken connections are the consequence). PREEMPTED or a CANCELLED the
  // scheduler did not cause: the job did not fail by itself; the crash, launch and hang readings of
  // the signals its ranks got are discounted (kExplainedAwayFactor) and an evidence line says so.
  {
    bool node_fail = false, stopped = false;
    std::string end_line, end_source, end_name, end_at;
    std::map<std::string, std::string> failed;  // case node -> reason
    std::string failed_source, failed_line;
    for (const CaseLog& log : c.logs) {
      SlurmNodeStateReader reader;
      for (size_t li = 0; li < log.lines.size(); ++li) {
        const LogLine& l = log.lines[li];
        SlurmKill ended = ReadSlurmJobEndAt(l.text);
        // scontrol's record with EndTime= on a later line than JobState= (RG25): the record's.
        if (ended.end != SlurmJobEnd::kNone && ended.at.empty() && l.text.find("JobState=") != std::string::npos) {
          std::vector<std::string> rest;
          for (size_t k = li + 1; k < log.lines.size() && rest.size() < kScontrolRecordLines; ++k) {
            rest.push_back(log.lines[k].text);
          }
          ended.at = ScontrolRecordEndTime(rest);
        }
        const SlurmJobEnd end = ended.end;
        if (end == SlurmJobEnd::kNodeFail || end == SlurmJobEnd::kPreempted || end == SlurmJobEnd::kCancelled ||
            end == SlurmJobEnd::kRequeued) {
          if (end == SlurmJobEnd::kNodeFail) node_fail = true;
          else stopped = true;
          if (end_line.empty() || end == SlurmJobEnd::kNodeFail) {
            end_line = Utf8Prefix(l.text, 300);
            end_at = ended.at;
            end_source = log.source + ":" + std::to_string(l.number);
            end_name = SlurmJobEndName(end);
          }
        }
        for (const SlurmFailedNode& f : reader.Read(l.text)) {
          const std::string node = topo.names.Find(f.host);
          if (node.empty()) continue;
          std::string& reason = failed[node];
          if (reason.empty()) reason = f.reason;
          if (failed_line.empty()) {
            failed_line = Utf8Prefix(l.text, 300);
            failed_source = log.source + ":" + std::to_string(l.number);
          }
        }
      }
    }
    if (node_fail && failed.size() == 1) {
      const std::string& node = failed.begin()->first;
      const std::string& reason = failed.begin()->second;
      std::map<std::string, double> own;  // category -> its evidence placed on the node
      for (const Observation& o : beliefs.observations()) {
        if (o.hint.node != node) continue;
        for (const auto& [cat, delta] : o.deltas) {
          if (delta > 0) own[cat] += delta;
        }
      }
      std::string cat = "rank_process_crash";
      double best = 0;
      for (const auto& [k, v] : own) {
        if (v > best) {
          best = v;
          cat = k;
        }
      }
      std::string detail = end_line;
      detail += "  [Slurm ended the job NODE_FAIL and says ";
      detail += node;
      detail += " failed";
      if (!reason.empty()) {
        detail += " (";
        detail += Utf8Prefix(reason, 120);
        detail += ")";
      }
      detail += best > 0 ? ": the fault is that node's; its own evidence reads " + cat
                         : std::string(": the fault is that node's; its ranks went down with it");
      detail += "; ";
      detail += failed_source;
      detail += ": ";
      detail += failed_line;
      detail += "]";
      AddNodeCulprit(beliefs, end_source, detail, cat, kMetricWeight, node, topo.job);
    }
    if (stopped && !node_fail) stopped_by_scheduler = SchedulerStop{end_source, end_line, end_name, end_at};
  }

  // 3a-node. One node's own NCCL socket interface (OddNodeOut over SocketIfnameOfLine, RG14): the
  // job's processes and a pdsh over its nodes say which interface each node's NCCL uses; when all
  // but one agree and the network misconfiguration has evidence, that node is the one configured
  // apart (reimaged from an old image): a culprit line placed on it (kLaunchNoteWeight), so the
  // answer's component is that node, not the job whose every rank then failed to connect.
  if (auto sc = beliefs.scores().find("nccl_network_misconfig"); sc != beliefs.scores().end() && sc->second > 0) {
    std::vector<std::pair<std::string, std::string>> settings;
    std::string first_source, first_line;
    for (const CaseLog& log : c.logs) {
      for (const LogLine& l : log.lines) {
        auto hv = SocketIfnameOfLine(l.text);
        if (hv.first.empty()) continue;
        settings.push_back(hv);
      }
    }
    const OddNodeSetting odd = OddNodeOut(settings);
    std::string node;
    for (const std::string& n : topo.nodes) {
      if (!odd.node.empty() && SameNodeName(n, odd.node)) node = n;
    }
    if (!node.empty()) {
      // The odd node's own line, as the evidence's source.
      for (const CaseLog& log : c.logs) {
        for (const LogLine& l : log.lines) {
          auto hv = SocketIfnameOfLine(l.text);
          if (first_line.empty() && !hv.first.empty() && SameNodeName(hv.first, node)) {
            first_line = Utf8Prefix(l.text, 300);
            first_source = log.source + ":" + std::to_string(l.number);
          }
        }
      }
      std::string detail = first_line;
      detail += "  [only ";
      detail += node;
      detail += " sets NCCL_SOCKET_IFNAME=";
      detail += odd.value;
      detail += "; the job's other nodes use ";
      detail += odd.others;
      detail += "]";
      AddNodeCulprit(beliefs, first_source, detail, "nccl_network_misconfig", kLaunchNoteWeight, node, topo.job);
    }
  }

  // 3a-peer. The one peer every failed NCCL connection names (FailedConnectAddress, RGA): ranks on
  // two or more nodes time out or are refused connecting to one address, the case ties that address
  // to one of its nodes (CaseNodes::SetAddresses), and that node wrote none of the failures: the
  // network misconfiguration is that peer's (a firewall closing its ports, a wrong interface), not
  // the job's whose every other node then fails (realistic15 rl15-22). A culprit line placed on it
  // (kLaunchNoteWeight), as 3a-node's odd node. Failures naming several peers, or an address the case
  // does not tie to a node, place nothing.
  if (auto sc = beliefs.scores().find("nccl_network_misconfig"); sc != beliefs.scores().end() && sc->second > 0) {
    static const std::regex kWriter(R"(^\s*([A-Za-z0-9._-]+):\d+:\d+ \[\d+\])");
    std::set<std::string> peers, writers;
    std::string first_source, first_line;
    for (const CaseLog& log : c.logs) {
      const std::string own = SourceNode(topo, log.source);
      for (size_t i = 0; i < log.lines.size(); ++i) {
        const std::string& text = log.lines[i].text;
        const std::string address = FailedConnectAddress(text);
        if (address.empty()) continue;
        peers.insert(topo.names.Find(address));  // "" for an address tied to no node
        std::smatch m;
        std::string writer = std::regex_search(text, m, kWriter) ? topo.names.Find(m.str(1)) : "";
        if (writer.empty()) writer = SshNodeOfLine(topo, log, i);
        if (writer.empty()) writer = own;
        if (!writer.empty()) writers.insert(writer);
        if (first_line.empty()) {
          first_line = Utf8Prefix(text, 300);
          first_source = log.source + ":" + std::to_string(log.lines[i].number);
        }
      }
    }
    const std::string peer = peers.size() == 1 ? *peers.begin() : "";
    if (!peer.empty() && writers.size() >= 2 && !writers.count(peer)) {
      std::string detail = first_line;
      detail += "  [ranks on ";
      detail += std::to_string(writers.size());
      detail += " nodes fail to connect to one peer address, ";
      detail += peer;
      detail += "'s (the case ties the address to it), and ";
      detail += peer;
      detail += " wrote none of the failures: the peer the others cannot reach]";
      AddNodeCulprit(beliefs, first_source, detail, "nccl_network_misconfig", kLaunchNoteWeight, peer, topo.job);
    }
  }

  // 3a-filter. One node's packet filter dropping its peers' packets (ReadPacketFilterDrop, PLC13):
  // a netfilter drop / reject line (nftables' nft_reject, iptables, ufw's [UFW BLOCK], firewalld's
  // _REJECT) in one node's log whose other end is another node of the case (the address the case ties
  // to it: CaseNodes::SetAddresses) or a port a failed NCCL connection names: that node's firewall
  // closes the job's bootstrap / socket connections, and its ranks' connect timeouts, the store's
  // missing clients and its peers' reports follow. A culprit line on that node at
  // kFirstSignatureWeight (the cause's own line, as a signature's). Drops logged on two or more nodes
  // place nothing (a fabric-wide policy, not one node's).
  if (auto sc = beliefs.scores().find("nccl_network_misconfig"); sc != beliefs.scores().end() && sc->second > 0) {
    static const std::regex kConnectPort(R"(\bConnect(?:ion)? to [0-9A-Fa-f.:]+<(\d{1,5})>)", std::regex::icase);
    std::set<int> connect_ports;
    for (const std::string& text : flat.lines) {
      if (text.size() > 2000 || text.find('<') == std::string::npos) continue;
      std::smatch m;
      if (std::regex_search(text, m, kConnectPort)) {
        if (std::optional<int64_t> port = ParseInt(m.str(1))) connect_ports.insert(static_cast<int>(*port));
      }
    }
    std::map<std::string, std::pair<std::string, std::string>> by_node;  // node -> (source, detail)
    std::set<std::string> filter_peer;  // nodes whose dropped packets came from or went to another node
    for (size_t i = 0; i < flat.lines.size(); ++i) {
      std::optional<PacketFilterDrop> drop = ReadPacketFilterDrop(flat.lines[i]);
      if (!drop) continue;
      const auto [li, ki] = flat.refs[i];
      const std::string node = PlaceLine(c.logs[li], ki, flat.lines[i], topo).node;
      if (node.empty()) continue;
      std::string peer;
      for (const std::string* a : {&drop->src, &drop->dst}) {
        const std::string n = topo.names.Find(*a);
        if (!n.empty() && !SameNodeName(n, node)) peer = n;
      }
      const bool job_port = connect_ports.count(drop->sport) > 0 || connect_ports.count(drop->dport) > 0;
      if (peer.empty() && !job_port) continue;
      if (by_node.count(node)) continue;
      std::string detail = Utf8Prefix(flat.lines[i], 300);
      detail += "  [";
      detail += node;
      detail += "'s packet filter drops ";
      detail += peer.empty() ? std::string("a port the job's NCCL connections use") : "packets of " + peer;
      detail += ": the job's connections to and from it fail]";
      by_node[node] = {c.logs[li].source + ":" + std::to_string(c.logs[li].lines[ki].number), std::move(detail)};
      if (!peer.empty()) filter_peer.insert(node);
    }
    if (by_node.size() == 1) {
      const auto& [node, what] = *by_node.begin();
      AddNodeCulprit(beliefs, what.first, what.second, "nccl_network_misconfig", kFirstSignatureWeight, node, topo.job,
                     filter_peer.count(node) > 0);
      // The store's missing clients (ReadStoreJoinCount) are the filtered node's ranks that could not
      // reach it when no more are missing than that node runs (PLC16): the launch signature of that
      // line is read as this misconfiguration's symptom. More missing than one node's ranks: some of
      // them stayed away for another reason, and the line keeps its reading.
      const int node_ranks = RanksOnNode(topo, node);
      auto explained = [&](const Observation& o) {
        const std::optional<StoreJoinCount> n = ReadStoreJoinCount(o.evidence.detail);
        return n && node_ranks > 0 && n->expected - n->joined <= node_ranks;
      };
      std::string why = node;
      why += "'s packet filter keeps its ranks (";
      why += std::to_string(node_ranks);
      why += ") from the store: the clients it misses are theirs";
      beliefs.ReattributeWhere("launch_config_error", "nccl_network_misconfig", kExplainedAwayFactor, why, explained);
    }
  }

  // 3a-fp8. The loss turned NaN right after Transformer Engine reported a non-finite amax, with the
  // grad norm flat up to it (FindFp8OverflowBeforeNan, RG14): FP8 scaling overflowed; the NaN lines
  // and the loss series are its symptoms, not a divergence (which shows the grad norm climbing
  // first). The reading is evidence of fp8_scaling_overflow (kMetricWeight) and discounts
  // loss_divergence by kExplainedAwayFactor. A count of 0 ("non-finite amax 0") is no warning.
  for (const CaseLog& log : c.logs) {
    const Fp8OverflowBeforeNan f = FindFp8OverflowBeforeNan(LineTexts(log));
    if (!f.found) continue;
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  "  [the loss turned NaN %zu lines later with the grad norm flat before it (%.3g .. %.3g): FP8 "
                  "scaling overflow, not divergence]",
                  f.nan_line - f.warning_line, f.grad_norm_min, f.grad_norm_max);
    beliefs.Add(LineEvidence(log, f.warning_line, buf, "fp8_scaling_overflow", kMetricWeight, topo.clock, topo.job));
    beliefs.Discount("loss_divergence", kExplainedAwayFactor,
                     "NaN after a non-finite FP8 amax with a flat grad norm: fp8_scaling_overflow", "fp8_scaling_overflow");
    break;
  }

  // 3a-nan-branch (PLC36, realistic37 rl37-23). Ranks in different collectives at one point
  // (FindCollectiveMismatch) in a case whose loss turned non-finite with the grad norm flat before it
  // (no GradNormClimbsBeforeNan): the non-finite value is what sent one rank down another path (a NaN
  // guard's extra all_reduce on the rank that saw it); the incident is the hang, and the lone NaN its
  // trigger, not a divergence. loss_divergence is discounted by kExplainedAwayFactor.
  if (case_mismatch && beliefs.Score("loss_divergence") > 0 && SeriesShowNonFinite(series, "loss")) {
    bool climbs = false;
    for (const CaseLog& log : c.logs) climbs = climbs || GradNormClimbsBeforeNan(LineTexts(log));
    if (!climbs) {
      beliefs.Discount("loss_divergence", kExplainedAwayFactor,
                       "a NaN with the grad norm flat before it, beside ranks in different collectives: the trigger "
                       "of the program's other path, the hang is the incident",
                       "nccl_collective_hang");
    }
  }

  // 3a-fp16-skip (PLC36, realistic37 rl37-14). The loss scale printed over the case halved at most once
  // and never below kHealthyLossScale (LossScaleHeldHigh: "loss scale: 65536.0 | number of skipped
  // iterations: 1" after 131072): the dynamic scaler's ordinary skip of a rare overflow, no collapse,
  // which halves again and again toward its floor. fp16_loss_scale_collapse is discounted by
  // kExplainedAwayFactor.
  if (beliefs.Score("fp16_loss_scale_collapse") > 0 && LossScaleHeldHigh(series)) {
    beliefs.Discount("fp16_loss_scale_collapse", kExplainedAwayFactor,
                     "the loss scale halved at most once and stayed high: the scaler's ordinary skip, no collapse");
  }

  // 3a-nvswitch. A line of a node's NVSwitch driver / fabric manager saying all GPUs lost or degraded
  // NVLink (IsSwitchWideNvlinkFault, PLC19): an nvlink_error there is the node's (Beliefs::Component),
  // not the GPU whose Xid 74 came first. Placed as the line is (PlaceLine).
  // The same pass reads whether a line shows a multi-node NVLink domain for PlaceSwitchSide (PLC21: it
  // walked the lines again, lower-casing each a third time).
  bool lines_show_domain = false;
  for (const CaseLog& log : c.logs) {
    for (size_t ki = 0; ki < log.lines.size(); ++ki) {
      const std::string& text = log.lines[ki].text;
      const SwitchSideLine f = ReadSwitchSideLine(text);
      lines_show_domain = lines_show_domain || f.domain;
      if (StatesFanFault(text)) {
        if (const std::string node = PlaceLine(log, ki, text, topo).node; !node.empty()) beliefs.SetFanFaultNode(node);
      }
      // A fatal error of a trunk link (NVSwitch to NVSwitch, an OSFP port) is the node's switch side too (NVS2).
      if (!f.switch_wide && !f.trunk) continue;
      const std::string node = PlaceLine(log, ki, text, topo).node;
      if (!node.empty()) beliefs.SetSwitchWideNode(node);
    }
  }
  if (std::string said = PlaceSwitchSide(c, topo, beliefs, lines_show_domain); !said.empty()) {
    trace.push_back({{"type", "thought"}, {"text", said}});
  }

  // 3a-fp8-rerun. The job reran a step with FP8 off (in BF16, "fp8 disabled") on the same data and
  // weights and its result was finite (Fp8OffRerunFinite, PLC19), in a case whose run uses FP8: the
  // model and the data compute fine without the FP8 casts, so the NaN / the climbing grad norm of the
  // FP8 run is its scaling's (saturating casts make the gradients grow too). Evidence of
  // fp8_scaling_overflow (kMetricWeight, once a case); loss_divergence is discounted by
  // kExplainedAwayFactor (a divergence of the model reproduces in BF16).
  if (CaseShowsFp8(c)) {
    bool done = false;
    for (const CaseLog& log : c.logs) {
      for (size_t i = 0; i < log.lines.size() && !done; ++i) {
        if (!Fp8OffRerunFinite(log.lines[i].text)) continue;
        beliefs.Add(LineEvidence(log, i, "  [the step rerun with FP8 off is finite: the FP8 scaling, not the model]",
                                 "fp8_scaling_overflow", kMetricWeight, topo.clock, topo.job));
        beliefs.Discount("loss_divergence", kExplainedAwayFactor,
                         "a rerun of the step with FP8 off is finite: fp8_scaling_overflow", "fp8_scaling_overflow");
        done = true;
      }
      if (done) break;
    }
  }

  // 3a-socket-fallback (PLC20). NCCL's notices that it found no IB device and uses its socket
  // transport ("NCCL INFO NET/IB : No device found", "NCCL INFO Using network Socket") say how the
  // job communicates: slowly, on a cluster that has RDMA, but they end no process. When every line
  // the network misconfiguration rests on is such an INFO notice and a GPU's own hardware fault is
  // in the logs first-hand (a driver Xid / a rank's CUDA error of a GPU fault category at full
  // signature weight, placed on a GPU), the job failed on that GPU: the notices are discounted by
  // kExplainedAwayFactor. A misconfiguration with its own WARN / error lines is not touched.
  if (beliefs.Score("nccl_network_misconfig") > 0) {
    static const char* const kGpuFaults[] = {"gpu_memory_uncorrectable_ecc", "gpu_fallen_off_bus", "gpu_row_remap_failure",
                                             "gpu_firmware_error", "nvlink_error"};
    bool notices_only = true, notice_seen = false;
    std::string gpu_fault;
    for (const Observation& o : beliefs.observations()) {
      auto net = o.deltas.find("nccl_network_misconfig");
      if (net != o.deltas.end() && net->second > 0 && o.evidence.kind != EvidenceKind::kKnowledge) {
        const bool notice = o.evidence.kind == EvidenceKind::kLog && o.evidence.detail.find("NCCL INFO") != std::string::npos;
        notices_only = notices_only && notice;
        notice_seen = notice_seen || notice;
      }
      if (o.evidence.kind != EvidenceKind::kLog || o.hint.gpu < 0 || !gpu_fault.empty()) continue;
      for (const char* cat : kGpuFaults) {
        auto it = o.deltas.find(cat);
        if (it != o.deltas.end() && it->second >= kFirstSignatureWeight) gpu_fault = cat;
      }
    }
    if (notices_only && notice_seen && !gpu_fault.empty()) {
      beliefs.Discount("nccl_network_misconfig", kExplainedAwayFactor,
                       "only NCCL's socket-transport notices, beside " + gpu_fault + " on a GPU: the job failed on the GPU");
    }
  }

  // 3a-throttled-loader (PLC20). The job's loop waits for its input most of each step (1e's share
  // >= kLoaderBoundShare) while the straggler reading rests on CPU throttling (cgroup cpu.stat's
  // nr_throttled / throttled_usec, "CFS throttled", a CPU quota): a CPU limit that throttles the
  // container starves its loader workers (they decode and collate on those CPUs), and the GPUs wait
  // for batches. A throttled straggler shows otherwise: its compute is slow and its peers wait in the
  // collective, not for data. The throttle lines are read as dataloader_stall (the share moved:
  // 1 - kExplainedAwayFactor), so the data wait is no longer explained away by a straggler.
  if (data_wait_share >= kLoaderBoundShare && beliefs.Score("straggler_rank") > 0) {
    static const std::regex kCpuThrottle(R"(nr_throttled|throttled_(usec|time|periods|seconds)|cfs.{0,20}throttl|throttl.{0,30}\bcpu|cpu.{0,30}(quota|throttl))",
                                         std::regex::icase);
    beliefs.ReattributeWhere("straggler_rank", "dataloader_stall", kExplainedAwayFactor,
                             "a CPU-throttled container whose loop waits for input most of each step starves its loader",
                             [&](const Observation& o) {
                               return std::regex_search(o.evidence.detail.substr(0, 2000), kCpuThrottle);
                             });
  }

  // 3a-fp8-table. An FP8 meta dump pasted as a table whose amax column turns inf / nan after finite
  // readings, or whose scale column falls to 0 (FindAmaxTableCollapse, RG26): the scaling recipe
  // lost the tensor's range. Evidence of fp8_scaling_overflow (kMetricWeight, once a case); the NaN
  // loss after it is its symptom, so loss_divergence is discounted by kExplainedAwayFactor unless a
  // log shows the grad norm climbing before the NaN (GradNormClimbsBeforeNan: a divergence, whose
  // growing gradients also overflow the amax).
  for (const CaseLog& log : c.logs) {
    const AmaxTableCollapse t = FindAmaxTableCollapse(LineTexts(log));
    if (!t.found) continue;
    std::string note = "  [FP8 meta table: ";
    note += t.what;
    note += ": the delayed-scaling recipe lost the tensor's range]";
    beliefs.Add(LineEvidence(log, t.line, note, "fp8_scaling_overflow", kMetricWeight, topo.clock, topo.job));
    bool climbs = false;
    for (const CaseLog& other : c.logs) climbs = climbs || GradNormClimbsBeforeNan(LineTexts(other));
    if (!climbs) {
      beliefs.Discount("loss_divergence", kExplainedAwayFactor,
                       "FP8 amax / scale collapsed in the meta table with no grad norm climbing: fp8_scaling_overflow",
                       "fp8_scaling_overflow");
    }
    break;
  }

  // 3a-rank-exit. One rank's own uncaught exception of the training code (a traceback of that rank
  // ending in "KeyError: ...", no other rank raising one) before its peers' collective timeouts
  // (FindRankExitBeforeTimeouts, RG26): the peers wait in a collective the rank that left never
  // joins. A culprit line of rank_process_crash (kFirstSignatureWeight) on that rank's GPU by the
  // rank layout; the timeouts are its symptom (ExplainedBy). Once a case.
  // The rank's exception line as rank_process_crash's culprit, on that rank's GPU by the layout.
  auto add_rank_exit = [&](const CaseLog& log, size_t line, int rank, const std::string& note) {
    Observation o = LineEvidence(log, line, note, "rank_process_crash", kFirstSignatureWeight, topo.clock, topo.job);
    o.culprit = true;
    o.hint.rank = rank;
    if (auto it = topo.ranks.find(rank); it != topo.ranks.end()) {
      o.hint.node = it->second.node;
      o.hint.gpu = it->second.gpu;
      o.hint.gpu_from_rank = o.hint.gpu >= 0;
    }
    beliefs.Add(std::move(o));
  };
  std::vector<std::vector<std::string>> log_texts;
  std::vector<std::vector<int64_t>> log_times;
  for (const CaseLog& log : c.logs) {
    log_texts.push_back(LineTexts(log));
    log_times.emplace_back();
    log_times.back().reserve(log.lines.size());
    for (const LogLine& l : log.lines) log_times.back().push_back(LineTimeMs(l.text, topo.clock));
  }
  // Each log's own exceptions, read once for both finders (KB8: each read them, a regex match per
  // line, so every log was read twice).
  std::vector<OwnExceptionLines> own_exceptions;
  own_exceptions.reserve(c.logs.size());
  bool rank_exit_found = false;
  for (size_t g = 0; g < c.logs.size() && !rank_exit_found; ++g) {
    const CaseLog& log = c.logs[g];
    own_exceptions.push_back(OwnExceptions(log_texts[g]));
    RankExitBeforeTimeouts x = FindRankExitBeforeTimeouts(log_texts[g], log_times[g], kNoTime, own_exceptions[g]);
    // Or killed by its own fatal signal (a segfault) before its peers' reports (PLC12).
    const bool by_signal = !x.found;
    if (by_signal) x = FindRankSignalBeforePeers(log_texts[g], log_times[g], kNoTime);
    if (!x.found) continue;
    add_rank_exit(log, x.line, x.rank,
                  "  [rank " + std::to_string(x.rank) +
                      (by_signal ? std::string(" died of its own fatal signal before the peers' reports (")
                                 : std::string(kOwnExceptionNote) + " before the peers' collective timeouts (") +
                      log.source + ":" + std::to_string(log.lines[x.timeout_line].number) + "): they waited for it]");
    rank_exit_found = true;
  }
  // The same seen across the case's logs (PLC11, FindRankExitBeforePeerErrors): the rank's exception
  // in its own stderr, the peers' IB completion errors in the job's output - the errors of the queue
  // pairs its exit tore down, not a link's.
  if (!rank_exit_found) {
    const RankExitBeforePeerErrors x = FindRankExitBeforePeerErrors(log_texts, log_times, kNoTime, own_exceptions);
    if (x.found) {
      const CaseLog& err = c.logs[x.error_log];
      add_rank_exit(c.logs[x.log], x.line, x.rank,
                    "  [rank " + std::to_string(x.rank) + kOwnExceptionNote + "; its peers' network errors (" +
                        err.source + ":" + std::to_string(err.lines[x.error_line].number) +
                        ") are its vanished connections]");
    }
  }

  // 3a-pyspy. A `py-spy dump` of a training process whose main thread sits in the DataLoader's
  // `_try_get_data` (py-spy's frame format, innermost first: `wait (threading.py:331)`, `get
  // (queue.py:180)`, `_try_get_data (torch/utils/data/dataloader.py:1146)`) is the step waiting for
  // the loader's workers to hand over a batch: the input stalls (RG22, realistic19 rl19-23, where the
  // dump was all that named the loader). Only the main thread's first frames count (a worker thread's
  // stack, or a loader frame deep under an eval loop, says nothing), at kMetricWeight, once a case: it
  // is one sample of one process, placed on the job as the category is.
  {
    static const std::regex kMainThread(R"(^\s*Thread (?:0x[0-9A-Fa-f]+|\d+) \([^)]*\): "MainThread"\s*$)");
    static const std::regex kFrame(R"(^\s+[\w<>.]+ \(\S+:\d+\)\s*$)");
    static const std::regex kLoaderWait(R"(^\s+_try_get_data \(\S*torch/utils/data/dataloader\.py:\d+\)\s*$)");
    bool found = false;
    for (const CaseLog& log : c.logs) {
      for (size_t i = 0; i < log.lines.size() && !found; ++i) {
        const std::string& head = log.lines[i].text;
        if (head.size() > 300 || head.find("MainThread") == std::string::npos || !std::regex_match(head, kMainThread)) {
          continue;
        }
        for (size_t k = i + 1; k < log.lines.size() && k <= i + 4; ++k) {
          const std::string& frame = log.lines[k].text;
          if (frame.size() > 300 || !std::regex_match(frame, kFrame)) break;
          if (!std::regex_match(frame, kLoaderWait)) continue;
          beliefs.Add(LineEvidence(log, k,
                                   "  [py-spy: the main thread waits in the DataLoader for its workers' next batch]",
                                   "dataloader_stall", kMetricWeight, topo.clock, topo.job));
          found = true;
          break;
        }
      }
      if (found) break;
    }
  }

  // 3b. Unmatched error lines that read like a known incident: a fallback, used only when no
  // signature or metric condition gave any category solid evidence (lexical look-alikes are noisy).
  double strongest = 0;
  for (const auto& [cat, score] : beliefs.scores()) strongest = std::max(strongest, score);
  if (strongest < kCauseMinScore) {
    std::map<std::string, int> per_cat;
    std::optional<bool> moe_case;  // CaseSaysMoe, read once when an MoE look-alike comes
    // A line already read as evidence (a straggler report naming the slow rank) is not also another
    // incident's look-alike (RGB: realistic15 rl15-28's straggler line read like RoCE's GID error).
    std::map<std::string, std::set<std::string>> read_lines;  // source -> the categories it supports
    for (const Observation& o : beliefs.observations()) {
      if (o.evidence.kind != EvidenceKind::kLog) continue;
      for (const auto& [cat, delta] : o.deltas) {
        if (delta > 0) read_lines[o.evidence.source].insert(cat);
      }
    }
    for (const KnowledgeFacts::LineRecall& lr : facts.line_recalls) {
      if (lr.line_index >= flat.lines.size() || !beliefs.scores().count(lr.category)) continue;
      {
        auto [li, ki] = flat.refs[lr.line_index];
        auto read = read_lines.find(c.logs[li].source + ":" + std::to_string(c.logs[li].lines[ki].number));
        if (read != read_lines.end() && !read->second.count(lr.category)) continue;
      }
      if (lr.category == "moe_expert_imbalance") {
        if (!moe_case) moe_case = CaseSaysMoe(c, flat);
        if (!*moe_case) continue;
      }
      if (MonitoringLineVotesOnlyDevice(c.logs[flat.refs[lr.line_index].first], flat.refs[lr.line_index].second,
                                        lr.category)) {
        continue;
      }
      if (!MonitoringUnitOfLine(flat.lines[lr.line_index]).empty()) continue;  // votes for nothing (TZ)
      if (NegatedStateRow(flat.lines[lr.line_index])) continue;
      // A line that says a fault is over (a reset that applied the pending remap, "Xid 79 cleared":
      // StatesFaultOver) is no look-alike of that fault (PLC24, rl30-29: the reset's line read like
      // kb:pack-xid-63 and put the recovered remap back at full weight).
      if (StatesFaultOver(flat.lines[lr.line_index]) != FaultOver::kNone) continue;
      int n = per_cat[lr.category]++;
      if (n >= static_cast<int>(std::size(kLineRecallWeights))) continue;
      auto [li, ki] = flat.refs[lr.line_index];
      const CaseLog& log = c.logs[li];
      Observation o;
      o.evidence.kind = EvidenceKind::kKnowledge;
      o.evidence.source = log.source + ":" + std::to_string(log.lines[ki].number);
      o.evidence.detail = log.lines[ki].text + "  (reads like kb:" + lr.incident_id + " " + lr.title + ")";
      o.evidence.supports = {lr.category};
      double w = kLineRecallWeights[n];
      // The alert's own line reading like an incident is a look-alike, not a fact it states: a
      // symptom's weight whatever the layer (a "job FAILED" alert reads like many incidents).
      if (IsAlertFactsLog(log.source)) w = std::min(w, kAlertSymptomWeight);
      o.evidence.weight = w;
      o.deltas[lr.category] = w;
      o.time_ms = LineTimeMs(log.lines[ki].text, topo.clock);
      o.hint = PlaceLine(log, ki, log.lines[ki].text, topo);
      o.hint.job = topo.job;
      beliefs.Add(std::move(o));
    }
  }

  // 3a''' continued, after the line look-alikes (3b): a job Slurm PREEMPTED or a user CANCELLED, and
  // no fault the case shows with a cause's score, did not fail by itself. The crash, launch and hang
  // readings of what its ranks printed when signalled, and every line look-alike, are discounted
  // (kExplainedAwayFactor); an evidence line says so (with a fault shown, only that the job was
  // stopped after it).
  if (stopped_by_scheduler) {
    const std::string& source = stopped_by_scheduler->source;
    const std::string& line = stopped_by_scheduler->line;
    // A fault the case shows with a cause's score (an NVLink error, an OOM) is why someone stopped
    // the job, or what it met before: the stop is then how it ended, a note, and nothing is
    // discounted (realistic15 rl15-08: a user's scancel after NVLink errors).
    double strongest = 0;
    for (const auto& [cat, score] : beliefs.scores()) strongest = std::max(strongest, score);
    const bool fault_shown = strongest >= kCauseMinScore;
    // A requeue (DEF5) ends this run only: the job comes back with a new start, and says nothing
    // against the node the line names.
    const bool requeued = stopped_by_scheduler->state == "REQUEUED";
    const std::string why =
        "Slurm's " + stopped_by_scheduler->state +
        (fault_shown ? (requeued ? ": the scheduler or an admin requeued the job after the fault the case shows"
                                 : ": the scheduler or a user stopped the job after the fault the case shows")
                     : (requeued ? ": the scheduler or an admin requeued the job (this run ended, the job goes back to "
                                   "the queue; no failure of the job or its node), it did not fail by itself"
                                 : ": the job was stopped by the scheduler or a user, it did not fail by itself"));
    if (!fault_shown) {
      // The signals' readings at or after the stop (a minute's slack, as 3z), or untimed; all of them
      // when the stop's line gives no time (a sacct row without times). Line look-alikes ("reads like
      // kb:") of any category, with the same bound.
      // DEF6 (2026-12-04): the stop's own time (slurmstepd's CANCELLED AT, sacct's End) where the line
      // gives one, in the case's zone as its other lines; before, the line's first time, which on a
      // sacct row with Start and End is the Start (hours before the stop: a crash then was discounted).
      const int64_t stop_ms = stopped_by_scheduler->at.empty() ? LineTimeMs(line, topo.clock)
                                                                 : LineTimeMs(stopped_by_scheduler->at, topo.clock);
      // A job requeued (or preempted and requeued) comes back with a new start (scontrol's
      // StartTime=, DEF5): what its next run printed is not the stop's doing.
      const int64_t start_ms = JobStartMs(flat.lines, topo.clock);  // kNoTime when none is read
      const int64_t restart_ms = stop_ms != kNoTime && start_ms > stop_ms ? start_ms : kNoTime;
      auto next_run = [restart_ms](const Observation& o) {
        return restart_ms != kNoTime && o.time_ms != kNoTime && o.time_ms >= restart_ms;
      };
      auto after_stop = [stop_ms, &next_run](const Observation& o) {
        if (next_run(o)) return false;
        return stop_ms == kNoTime || o.time_ms == kNoTime || o.time_ms >= SaturatingSub(stop_ms, 60'000);
      };
      // A look-alike of a line from before the stop is no more the stop's doing than a signal then
      // (DEF6): the same bound.
      auto look_alike = [&after_stop](const Observation& o) {
        return o.evidence.kind == EvidenceKind::kKnowledge && o.evidence.detail.find("  (reads like kb:") != std::string::npos &&
               after_stop(o);
      };
      std::set<std::string> cats;
      for (const auto& [cat, score] : beliefs.scores()) cats.insert(cat);
      for (const std::string& cat : cats) {
        if (cat == "rank_process_crash" || cat == "launch_config_error" || cat == "nccl_collective_hang") {
          beliefs.DiscountWhere(cat, kExplainedAwayFactor, why, after_stop);
        } else {
          beliefs.DiscountWhere(cat, kExplainedAwayFactor, why, look_alike);
        }
      }
    }
    Observation o;
    o.evidence.kind = EvidenceKind::kLog;
    o.evidence.source = source;
    o.evidence.detail = line + "  [" + why +
                        (fault_shown ? std::string("]") : std::string("; the signals its ranks got are not a fault of the job's code]"));
    o.evidence.weight = 0;
    o.hint.job = topo.job;
    beliefs.Add(std::move(o));
  }

  // 3z. A job the scheduler killed (review RV-RL5). Slurm's "*** JOB 31200 ON n1 CANCELLED AT
  // 2026-07-28T19:37:40 DUE TO TIME LIMIT ***" (also DUE TO PREEMPTION, or a plain scancel's
  // "*** JOB ... CANCELLED AT ... ***") and slurmctld's "Time limit exhausted for JobId=..." say the
  // scheduler ended the job. A plain "*** STEP ... CANCELLED AT ... ***" is not read: srun prints it
  // when it ends a step after one of its tasks failed (the crash's consequence, not a kill). What follows the kill on its processes is the kill's doing, not a crash: the
  // driver's Xid 45 (preemptive cleanup of the killed process's channels, on every GPU it held),
  // SIGTERM / SIGKILL, slurmd's "Kill task failed" for a process stuck in the kernel. Those
  // observations of rank_process_crash at or after the kill (a minute's slack) are discounted;
  // a crash's own lines (a segfault, a traceback, an exit code) are not, nor anything before the
  // kill (realistic5 case-rl5-26: a job hung on a lost Lustre OST until its time limit answered
  // rank_process_crash from the Xid 45 that followed).
  {
    // Slurm's kill lines: agents/slurm_states.h's ReadSlurmKill (one reader with the time-limit rule;
    // this step kept a regex of its own until REVFIX3), its time limit, preemption or plain scancel;
    // a node failure's end is the node's, not a kill of a healthy job.
    // Kubernetes and the batch systems on it (review RG): the kubelet's pod status "Reason:
    // DeadlineExceeded" / "Message: Pod was active on the node longer than the specified deadline"
    // (activeDeadlineSeconds), the Job controller's "Job was active longer than specified deadline"
    // (also the Kubeflow training operator's PyTorchJob / MPIJob, which reuse the reason), the
    // scheduler's "Preempted by <ns>/<pod> on node <n>" event and the DisruptionTarget condition's
    // PreemptionByScheduler / PreemptionByKubeScheduler / EvictionByEvictionAPI /
    // DeletionByTaintManager, the taint manager's TaintManagerEviction, Kueue's "Preempted to
    // accommodate a workload ...", Volcano's "evicted, because of preempt|reclaim", and an event or
    // status reason Preempted / Preempting / Evicted / DeadlineExceeded (an events table's
    // "Warning  DeadlineExceeded ...", describe's "Reason: Evicted", YAML/JSON's "reason:
    // Preempted", `kubectl get pods`' STATUS column). A bare "DeadlineExceeded" is not read: gRPC
    // prints "code = DeadlineExceeded" for any call that timed out. OOMKilled is not read: it is a
    // kill with a cause (the container's memory limit, the host's memory), not the scheduler's.
    static const std::regex kKubeKill(
        R"(\bactive (?:on the node )?longer than (?:the )?specified deadline\b|)"
        R"(\bPreempted by \S+ on node\b|\bPreempted to accommodate\b|)"
        R"(\b(?:PreemptionBy(?:Kube)?Scheduler|EvictionByEvictionAPI|DeletionByTaintManager|TaintManagerEviction)\b|)"
        R"(\bevicted,? because of (?:preempt|reclaim)|)"
        R"((?:\breason"?\s*[:=]\s*"?|\b(?:Warning|Normal)\s+)(?:Preempted|Preempting|Evicted)\b|)"
        R"(\b(?:Warning|Normal)\s+DeadlineExceeded\b)",
        std::regex::icase);
    // Review RV-RG: `kubectl get pods`' row ("<pod>  0/1  Evicted  0  3d") is read apart: an evicted
    // pod stays listed until someone deletes it, so a namespace's listing shows other jobs' pods
    // evicted days ago on a healthy cluster. The row is the case's kill only when the case names that
    // pod elsewhere (the alert's labels, a log's source, another line). And "reason": "DeadlineExceeded"
    // alone is gRPC's status in a structured log as often as a pod's (whose status also carries the
    // "active longer than ... deadline" message, read above): not read.
    static const std::regex kPodRow(R"(^\s*([a-z0-9][a-z0-9.-]{0,252})\s+\d+/\d+\s+(?:DeadlineExceeded|Preempted|Preempting|Evicted)\b)");
    auto pod_in_case = [&](const std::string& pod, const std::string& row) {
      if (c.alert) {
        for (const auto& [k, v] : c.alert->labels) {
          if (v == pod) return true;
        }
      }
      for (const CaseLog& log : c.logs) {
        if (log.source.find(pod) != std::string::npos) return true;
        for (const auto& l : log.lines) {
          if (l.text != row && l.text.size() <= 2000 && l.text.find(pod) != std::string::npos &&
              !std::regex_search(l.text, kPodRow)) {
            return true;
          }
        }
      }
      return false;
    };
    // 137 and 143 are 128 + SIGKILL / SIGTERM, how a shell, Kubernetes ("Exit Code: 137") and
    // torchrun's children report a killed process.
    static const std::regex kAfterKill(
        R"(\bXid\b(?:\s*\(PCI:[0-9A-Fa-f:.]+\))?[\s:,]+45\b|\bSIG(?:TERM|KILL)\b|\bsignal (?:9|15)\b|)"
        R"(\bexitcode\s*:\s*-(?:9|15)\b|\bexit(?:ed with)? (?:code|status)\s*:?\s*(?:-(?:9|15)|137|143)\b|)"
        R"(\bKill task failed\b)",
        std::regex::icase);
    int64_t kill_ms = kNoTime;
    bool killed = false;
    for (const CaseLog& log : c.logs) {
      for (const auto& line : log.lines) {
        if (line.text.size() > 2000) continue;
        if (line.text.find("***") == std::string::npos &&
            line.text.find("Time limit exhausted") == std::string::npos) {
          // Kubernetes' wording: every form holds "eadline", "reempt", "vict" or "aint".
          std::smatch row;
          const bool kube =
              (line.text.find("eadline") != std::string::npos || line.text.find("reempt") != std::string::npos ||
               line.text.find("vict") != std::string::npos || line.text.find("aint") != std::string::npos) &&
              (std::regex_search(line.text, kKubeKill) ||
               (std::regex_search(line.text, row, kPodRow) && pod_in_case(row.str(1), line.text)));
          if (kube) {
            killed = true;
            int64_t t = LineTimeMs(line.text, topo.clock);
            if (t != kNoTime) kill_ms = kill_ms == kNoTime ? t : std::min(kill_ms, t);
            continue;
          }
          // slurmctld's requeue lines (ReadSlurmKill, DEF5) hold no "***".
          if (line.text.find("equeue") == std::string::npos) continue;
        }
        const SlurmKill kill = ReadSlurmKill(line.text);
        if (kill.end != SlurmJobEnd::kTimeLimit && kill.end != SlurmJobEnd::kPreempted &&
            kill.end != SlurmJobEnd::kCancelled && kill.end != SlurmJobEnd::kRequeued) {
          continue;
        }
        killed = true;
        // Slurm prints CANCELLED AT in local time with no zone: read in the case's zone, as its other
        // zone-less lines (DEF6, 2026-12-04; before, as UTC, so in a case of another declared zone
        // the kill moved by the offset, and lines hours before it were discounted, or those after not).
        int64_t t = kill.at.empty() ? kNoTime : LineTimeMs(kill.at, topo.clock);
        if (t == kNoTime) t = LineTimeMs(line.text, topo.clock);
        if (t != kNoTime) kill_ms = kill_ms == kNoTime ? t : std::min(kill_ms, t);
      }
    }
    if (killed) {
      constexpr int64_t kKillSlackMs = 60000;
      beliefs.DiscountWhere(
          "rank_process_crash", kExplainedAwayFactor, "after the scheduler's kill of the job", [&](const Observation& o) {
            if (kill_ms != kNoTime && (o.time_ms == kNoTime || o.time_ms < kill_ms - kKillSlackMs)) return false;
            if (o.evidence.kind == EvidenceKind::kLog) return std::regex_search(o.evidence.detail, kAfterKill);
            return o.evidence.kind == EvidenceKind::kMetric &&
                   o.evidence.source.find("XID_ERRORS") != std::string::npos && o.evidence.value == 45;
          });
      trace.push_back({{"type", "thought"},
                       {"text", "the scheduler killed the job: Xid 45 and kill signals after it are its consequence, not a crash"}});
    }
  }

  // 3z-evict (PLC30). A pod the kubelet evicted for local storage (ReadPodEviction: the node ran low
  // on ephemeral-storage / nodefs / imagefs, or the pod passed its own ephemeral-storage or emptyDir
  // limit) whose node shows no lasting disk trouble (StatesNodeDiskPressure: no DiskPressure True, no
  // disk-pressure taint, no image GC failing, no ENOSPC anywhere in the case): the eviction reclaimed
  // the space, and what broke the job is the killed pod - its ranks' processes died and the peers
  // failed on the broken connections, rank_process_crash on the pod's node. The eviction lines'
  // storage_failure vote (the pack's disk-pressure entry) moves there, kExplainedAwayFactor staying.
  // A node whose disk stays under pressure is the storage fault still (realistic4 rl4-28: DiskPressure
  // True, the taint, the replacement pod unschedulable). A memory eviction is host_oom (the pack's
  // orchestrator memory-pressure entry) and not touched (realistic33 rl33-18).
  {
    auto storage_eviction = [](const std::string& s) {
      const std::optional<PodEviction> e = ReadPodEviction(s);
      return e && e->resource == EvictedFor::kLocalStorage;
    };
    bool evicted = false;
    AnyLogLine(c, [&](const std::string& s) {
      const std::optional<PodEviction> e = ReadPodEviction(s);
      evicted = evicted || (e && e->resource == EvictedFor::kLocalStorage && e->evicted);
      return false;
    });
    if (evicted && !AnyLogLine(c, [](const std::string& s) { return StatesNodeDiskPressure(s); })) {
      const std::string why =
          "a pod evicted for local storage, the node's disk under no lasting pressure: the eviction killed the pod's ranks";
      // Where the pod ran: the node the eviction line is placed at, else the `Node:` row of the
      // `kubectl describe pod` block it sits in (up to 40 lines above it, within that log).
      std::string node, source;
      for (const Observation& o : beliefs.observations()) {
        if (o.evidence.kind != EvidenceKind::kLog || !storage_eviction(o.evidence.detail)) continue;
        if (source.empty()) source = o.evidence.source;
        if (!o.hint.node.empty()) {
          node = o.hint.node;
          source = o.evidence.source;
          break;
        }
      }
      static const std::regex kDescribeNode(R"(^\s*Node:\s+([A-Za-z0-9][A-Za-z0-9._-]*)(?:/\S*)?\s*$)");
      for (size_t li = 0; li < c.logs.size() && node.empty(); ++li) {
        const auto& lines = c.logs[li].lines;
        for (size_t ki = 0; ki < lines.size() && node.empty(); ++ki) {
          const std::optional<PodEviction> e = ReadPodEviction(lines[ki].text);
          if (!e || e->resource != EvictedFor::kLocalStorage || !e->evicted) continue;
          for (size_t back = 1; back <= 40 && back <= ki; ++back) {
            const std::string& t = lines[ki - back].text;
            if (t.size() > 300 || t.find("Node:") == std::string::npos) continue;
            std::smatch m;
            if (!std::regex_search(t, m, kDescribeNode)) continue;
            node = topo.names.Find(m.str(1));
            source = c.logs[li].source + ":" + std::to_string(lines[ki].number);
            break;
          }
        }
      }
      beliefs.ReattributeWhere("storage_failure", "rank_process_crash", kExplainedAwayFactor, why,
                               [&](const Observation& o) { return storage_eviction(o.evidence.detail); });
      if (!node.empty() && beliefs.Score("rank_process_crash") > 0) {
        // The evicted pod's node is the one the peers lost: a culprit line placing the crash there
        // (weight next to nothing: the reattributed lines carry the belief).
        Observation o;
        o.culprit = true;
        o.evidence.kind = EvidenceKind::kLog;
        o.evidence.source = source;
        o.evidence.detail = "the pod evicted for local storage ran on " + node + ": its ranks' processes were killed there";
        o.evidence.supports = {"rank_process_crash"};
        o.evidence.weight = 1e-6;
        o.deltas["rank_process_crash"] = 1e-6;
        o.hint.node = node;
        o.hint.job = topo.job;
        beliefs.Add(std::move(o));
      }
      trace.push_back({{"type", "thought"}, {"text", why + (node.empty() ? std::string() : " (on " + node + ")")}});
    }
  }

  // 3z-netname (PLC30). NCCL's "Error: network IB not found." (StatesNcclNetNotFound): the network the
  // job forced (NCCL_NET) has no device - NCCL_IB_HCA naming HCAs the node does not have, no RDMA
  // device in the container. The ncclInvalidUsage NCCL returns for it (the pack's duplicate-GPU
  // entry reads launch_config_error) is that network configuration's: moved to
  // nccl_network_misconfig, kExplainedAwayFactor staying (realistic33 rl33-16).
  // The first such line is the misconfiguration's own evidence (kFirstSignatureWeight).
  const auto net_line = FirstCaseLine(c, StatesNcclNetNotFound);
  const bool net_not_found = net_line.has_value();
  if (net_not_found) {
    beliefs.Add(LineEvidence(c.logs[net_line->first], net_line->second,
                             "  [the network NCCL was told to use (NCCL_NET) has no device here: NCCL_IB_HCA or the "
                             "container's RDMA devices]",
                             "nccl_network_misconfig", kFirstSignatureWeight, topo.clock, topo.job));
  }
  if (net_not_found && beliefs.Score("launch_config_error") > 0) {
    const std::string why = "NCCL's forced network was not found: its invalid usage is the network configuration's";
    beliefs.ReattributeWhere("launch_config_error", "nccl_network_misconfig", kExplainedAwayFactor, why,
                             [](const Observation& o) {
                               return o.evidence.detail.find("ncclInvalidUsage") != std::string::npos ||
                                      o.evidence.detail.find("invalid usage") != std::string::npos;
                             });
    trace.push_back({{"type", "thought"}, {"text", why}});
  }

  // 3z-optim (PLC30). A divergence after a resume that did not restore the optimizer's state
  // (StatesOptimizerStateLost: optimizer keys missing from the loaded state_dict, a loader skipping it,
  // a trainer going on with a fresh one): Adam's moments start at zero at the scheduler's learning rate
  // and the first updates blow the loss up. With loss_divergence already shown, the first such line is
  // its cause's evidence (kMetricWeight) (realistic33 rl33-22).
  if (beliefs.Score("loss_divergence") > 0) {
    if (const auto lost = FirstCaseLine(c, StatesOptimizerStateLost)) {
      beliefs.Add(LineEvidence(c.logs[lost->first], lost->second,
                               "  [the resume did not restore the optimizer's state: fresh moments at the "
                               "scheduler's learning rate make the first updates too large]",
                               "loss_divergence", kMetricWeight, topo.clock, topo.job));
    }
  }

  // 3z2. A lone Xid 43 (RL6). Xid 43, "GPU stopped processing", is the driver stopping a process's
  // channel: after that process's own kernel fault (an Xid 13 / 31, a CUDA error it printed) or when
  // it was ended. The GPU stays healthy and other processes go on (the pack's own entry says so). With
  // no application fault anywhere in the case, an Xid 43 says only that some process on that GPU
  // stopped, not that this incident is an illegal memory access (realistic6 case-rl6-12: another
  // job's Xid 43 eleven hours earlier answered illegal_memory_access over 511 ranks timing out on
  // the one rank the flight recorder named). Its observations of illegal_memory_access are scaled down
  // to almost nothing; with an application fault in the case they keep their weight.
  {
    // FilteredRegex runs each regex only on a line holding its required words (review RV-RL6:
    // 73354c5 ran kAppFault on every line of every case; on realistic6 case-rl6-23, 4,226 lines,
    // `vigil diagnose` took 1.37 s of CPU against f1d4508's 0.65 s); the application-fault scan runs
    // only in a case with an Xid 43.
    static const FilteredRegex kXid43(R"(\bXid\b(?:\s*\(PCI:[0-9A-Fa-f:.]+\))?[\s:,]+43\b|\bXID error 43\b)",
                                      /*icase=*/true);
    // Only a kernel fault of the application's own counts (review RV-RL6): a CUDA error that is no
    // kernel fault ("CUDA error: out of memory", "... uncorrectable ECC error encountered") says
    // nothing of an Xid 43 elsewhere; 73354c5 took any "CUDA error" / CUDA_ERROR_* / cudaError* for
    // one and let another job's Xid 43 answer illegal_memory_access over a rank's CUDA OOM.
    static const FilteredRegex kAppFault(
        R"(\bXid\b(?:\s*\(PCI:[0-9A-Fa-f:.]+\))?[\s:,]+(?:13|31)\b|\billegal (?:memory access|address|instruction)\b|)"
        R"(\bdevice-side assert|\bmisaligned address\b|\bunspecified launch failure\b|\bhardware stack error\b|)"
        R"(\binvalid program counter\b|\bCUDA_ERROR_(?:ILLEGAL_ADDRESS|ILLEGAL_INSTRUCTION|MISALIGNED_ADDRESS|ASSERT|)"
        R"(LAUNCH_FAILED|HARDWARE_STACK_ERROR|INVALID_PC)\b|\bcudaError(?:IllegalAddress|IllegalInstruction|MisalignedAddress|)"
        R"(Assert|LaunchFailure|HardwareStackError|InvalidPc)\b|\bMMU Fault\b|\bGraphics (?:SM )?(?:Warp )?Exception\b)",
        /*icase=*/true);
    const bool xid43 = AnyLogLine(c, [](const std::string& s) { return s.size() <= 2000 && kXid43.Search(s); });
    bool app_fault =
        xid43 && AnyLogLine(c, [](const std::string& s) { return s.size() <= 2000 && kAppFault.Search(s); });
    for (const TimeSeries& ts : c.metrics) {
      if (!xid43 || app_fault || ts.name.find("XID_ERRORS") == std::string::npos) continue;
      for (double v : ts.values) {
        if (v == 13 || v == 31) app_fault = true;
      }
    }
    if (xid43 && !app_fault) {
      constexpr double kLoneXid43Factor = 0.05;
      beliefs.DiscountWhere(
          "illegal_memory_access", kLoneXid43Factor, "a lone Xid 43: a process's channel stopped, no application fault in the case",
          [&](const Observation& o) {
            if (o.evidence.kind == EvidenceKind::kLog) return kXid43.Search(o.evidence.detail);
            return o.evidence.kind == EvidenceKind::kMetric &&
                   o.evidence.source.find("XID_ERRORS") != std::string::npos && o.evidence.value == 43;
          });
      trace.push_back({{"type", "thought"},
                       {"text", "a lone Xid 43 (no Xid 13 / 31 or CUDA error in the case) is a stopped process, not an illegal memory access"}});
    }
  }

  // 3z3. NVML's "Unknown Error" beside a GSP firmware fault (RL8). `nvidia-smi` prints "Unable to
  // determine the device handle for GPU ...: Unknown Error" (NVML_ERROR_UNKNOWN) for any GPU the driver
  // cannot talk to: one that fell off the bus, and as often one whose GSP firmware stopped answering
  // RPCs (Xid 119 / 120 "Timeout after 6s of waiting for RPC response from GPU3 GSP!"). Only "GPU is
  // lost" (NVML_ERROR_GPU_IS_LOST), an Xid 79 or "fallen off the bus" say the GPU left the bus. When
  // the same GPU (or, with no GPU on one side, the same node) has a firmware fault in the kernel log
  // and no line of the case says the GPU left the bus, the NVML line is the firmware fault's
  // symptom: its weight goes to gpu_firmware_error (realistic8 rl8-16: Xid 119 on h200-e05 GPU 3 and
  // NVML's "Unknown Error" for 0000:5D:00.0 answered gpu_fallen_off_bus).
  {
    static const std::regex kNvmlUnknown(R"(Unable to determine the device handle for GPU ?[0-9A-Fa-f:.]+: Unknown Error)",
                                         std::regex::icase);
    static const FilteredRegex kOffBus(
        R"(fallen off the bus|\bGPU is lost\b|\bXid\b(?:\s*\(PCI:[0-9A-Fa-f:.]+\))?[\s:,]+79\b|\bXID error 79\b)",
        /*icase=*/true);
    static const std::regex kFirmwareXid(
        R"(\bXid\b(?:\s*\(PCI:[0-9A-Fa-f:.]+\))?[\s:,]+(?:119|120)\b|waiting for RPC response from GPU\d+ GSP)",
        std::regex::icase);
    std::vector<ComponentHint> firmware;
    for (const Observation& o : beliefs.observations()) {
      auto it = o.deltas.find("gpu_firmware_error");
      if (o.evidence.kind == EvidenceKind::kLog && it != o.deltas.end() && it->second > 0 && !o.hint.node.empty() &&
          o.evidence.detail.size() <= 2000 && std::regex_search(o.evidence.detail, kFirmwareXid)) {
        firmware.push_back(o.hint);
      }
    }
    // Review RV-RL8: off the bus is also what the pack reads as such beyond these words: lspci's
    // "(rev ff)" (config space reads all ones), "RmInitAdapter failed", pciehp's "Link Down", an Xid 79
    // in another log's shape, dcgm-exporter's Xid 79. A GPU lost after its GSP timeouts shows those,
    // and its NVML Unknown Error is then the lost GPU's (RL8's binary answered gpu_firmware_error).
    // Any log observation for gpu_fallen_off_bus other than an NVML Unknown Error line, or an Xid 79
    // series, counts.
    const auto offbus_observed = [&]() {
      for (const Observation& o : beliefs.observations()) {
        auto it = o.deltas.find("gpu_fallen_off_bus");
        if (it == o.deltas.end() || it->second <= 0) continue;
        if (o.evidence.kind == EvidenceKind::kMetric) {
          if (o.evidence.source.find("XID_ERRORS") != std::string::npos && o.evidence.value == 79) return true;
          continue;
        }
        if (o.evidence.kind != EvidenceKind::kLog) continue;
        if (o.evidence.detail.size() > 2000 || !std::regex_search(o.evidence.detail, kNvmlUnknown)) return true;
      }
      return false;
    };
    const bool off_bus =
        !firmware.empty() &&
        (AnyLogLine(c, [](const std::string& s) { return s.size() <= 2000 && kOffBus.Search(s); }) || offbus_observed());
    if (!firmware.empty() && !off_bus) {
      constexpr double kNvmlUnknownFactor = 0.1;
      beliefs.ReattributeWhere(
          "gpu_fallen_off_bus", "gpu_firmware_error", kNvmlUnknownFactor,
          "NVML's Unknown Error on a GPU whose GSP firmware times out, and nothing says it left the bus",
          [&](const Observation& o) {
            if (o.hint.node.empty() || o.evidence.detail.size() > 2000 ||
                !std::regex_search(o.evidence.detail, kNvmlUnknown)) {
              return false;
            }
            for (const ComponentHint& f : firmware) {
              if (f.node == o.hint.node && (f.gpu < 0 || o.hint.gpu < 0 || f.gpu == o.hint.gpu)) return true;
            }
            return false;
          });
    }
  }

  // 3z4. A Lustre client reconnect that recovered (review RV-RL8). The client prints "<import>:
  // Connection to <target> (at <nid>) was lost; in progress operations using this service will wait
  // for recovery to complete" whenever an import disconnects, in routine operation too: an OSS
  // failover or restart, a server recovery. Followed by "<import>: Connection restored to ..." and with
  // no Lustre trouble anywhere in the case (no LustreError, no ptlrpc request timeout, no eviction, no
  // hung task), such a reconnect is no storage failure: its lines' weight for storage_failure is
  // discounted. An import whose last word in the case is "lost" keeps it.
  {
    const bool lustre_trouble = AnyLogLine(c, [](const std::string& s) {
      return s.find("LustreError") != std::string::npos || LustreTroubleBesidesReconnects(s);
    });
    // The import: the word before ": Connection to " / ": Connection restored to ".
    auto import_of = [](const std::string& t, size_t colon) {
      size_t b = t.rfind(' ', colon);
      b = b == std::string::npos ? 0 : b + 1;
      return t.substr(b, colon - b);
    };
    std::map<std::string, bool> restored_last;  // import -> its last line is "restored"
    if (!lustre_trouble) {
      for (const CaseLog& log : c.logs) {
        for (const LogLine& line : log.lines) {
          const std::string& t = line.text;
          if (t.size() > 2000 || t.find("Lustre: ") == std::string::npos) continue;
          if (size_t r = t.find(": Connection restored to "); r != std::string::npos) {
            restored_last[import_of(t, r)] = true;
          } else if (size_t l = t.find(": Connection to "); l != std::string::npos && t.find(" was lost", l) != std::string::npos) {
            restored_last[import_of(t, l)] = false;
          }
        }
      }
    }
    bool any_restored = false;
    for (const auto& [imp, r] : restored_last) any_restored = any_restored || r;
    if (any_restored) {
      // Almost nothing left, as a lone Xid 43 (3z2): a routine reconnect says nothing about this incident.
      constexpr double kRestoredReconnectFactor = 0.05;
      beliefs.DiscountWhere("storage_failure", kRestoredReconnectFactor,
                            "a Lustre client reconnect that was restored, with no Lustre error in the case",
                            [&](const Observation& o) {
                              const std::string& d = o.evidence.detail;
                              if (o.evidence.kind != EvidenceKind::kLog || d.size() > 2000) return false;
                              size_t l = d.find(": Connection to ");
                              if (l == std::string::npos || d.find(" was lost", l) == std::string::npos) return false;
                              auto it = restored_last.find(import_of(d, l));
                              return it != restored_last.end() && it->second;
                            });
    }
  }

  // 3z5. A Lustre reconnect refused with EBUSY (LustreConnectBusy, PLC28): "operation ost_connect
  // ... failed: rc = -16" is the server still tearing down the client's old connection; the client
  // retries and gets in. With no other Lustre trouble in the case (another LustreError, a ptlrpc
  // request timeout, an eviction, a lost connection, a hung task) it says nothing about this
  // incident, as a restored reconnect does (3z4) (realistic32 rl32-27: one such line answered
  // storage_failure 0.55 for data-loader workers out of file descriptors).
  {
    const bool other_trouble = AnyLogLine(c, [](const std::string& s) {
      return (s.find("LustreError") != std::string::npos && !LustreConnectBusy(s)) || LustreTroubleBesidesReconnects(s) ||
             (s.find("Lustre") != std::string::npos && s.find(" was lost") != std::string::npos);
    });
    if (!other_trouble) {
      constexpr double kConnectBusyFactor = 0.05;  // as 3z4's restored reconnect
      beliefs.DiscountWhere("storage_failure", kConnectBusyFactor,
                            "a Lustre reconnect refused with EBUSY (rc = -16), with no other Lustre trouble in the case",
                            [](const Observation& o) {
                              return o.evidence.kind == EvidenceKind::kLog && LustreConnectBusy(o.evidence.detail);
                            });
    }
  }

  // 3zz. A launch that does not fit its allocation (review RG): the launcher's node or process count
  // against what Slurm allocated (LaunchCountMismatch), and torch elastic's RendezvousClosedError: an
  // agent that came to a rendezvous already closed (the job's agents had all joined and run or
  // finished without it: an extra node, a late restart). The mismatch alone is a cause (its
  // consequence: GPUs with no process, an agent refused, a store waiting for clients); the closed
  // rendezvous alone is weaker evidence, as a late restart gives it too.
  // Review RV-RG: a launch that uses less than its allocation (a spare node kept for elastic
  // restarts, `srun -N 2` steps in a 4-node allocation, fewer processes than GPUs for a model that
  // spans two GPUs a process) is often meant; it is a cause only with its consequence in the case:
  // an agent refused by the closed rendezvous, whole nodes' GPUs idle (a metric condition on
  // some, not all, of the case's nodes) while the others run, or the started ranks' store clients
  // timing out waiting for the others (holdout13 case-p024). Without one it is a note
  // (kLaunchNoteWeight), not the answer over a real fault (a spare node beside realistic5's cases
  // made rl5-07, -11, -12 and -13 launch errors). A launch asking for more than the allocation
  // cannot start as written and keeps its full weight.
  {
    static const std::regex kClosed(R"(\bRendezvousClosedError\b)");
    bool closed = false;
    for (const CaseLog& log : c.logs) {
      for (size_t k = 0; k < log.lines.size() && !closed; ++k) {
        const std::string& t = log.lines[k].text;
        if (t.size() > 2000 || t.find("RendezvousClosedError") == std::string::npos || !std::regex_search(t, kClosed)) {
          continue;
        }
        closed = true;
        Observation o;
        o.evidence.kind = EvidenceKind::kLog;
        o.evidence.source = log.source + ":" + std::to_string(log.lines[k].number);
        o.evidence.detail = Utf8Prefix(t, 400);
        o.evidence.supports = {"launch_config_error"};
        o.evidence.weight = kRendezvousClosedWeight;
        o.deltas["launch_config_error"] = kRendezvousClosedWeight;
        o.time_ms = LineTimeMs(t, topo.clock);
        o.hint.job = topo.job;
        beliefs.Add(std::move(o));
      }
    }
    bool uses_less = false;
    std::vector<std::string> unreadable_counts;
    const std::string mismatch = LaunchCountMismatch(c, &uses_less, &unreadable_counts);
    for (const std::string& u : unreadable_counts) {
      // A count of 7 or more digits, or mpirun's -np 0, is no node or process count: it was not compared.
      std::string note = "launch count unreadable, not compared with the allocation: ";
      note += u;
      d.unverified.push_back(std::move(note));
    }
    if (!mismatch.empty()) {
      bool consequence = closed || !uses_less;
      if (!consequence) {
        std::set<std::string> idle_nodes;
        for (const Observation& o : beliefs.observations()) {
          auto it = o.deltas.find("dataloader_stall");
          if (o.evidence.kind == EvidenceKind::kMetric && it != o.deltas.end() && it->second > 0 && !o.hint.node.empty()) {
            idle_nodes.insert(o.hint.node);
          }
        }
        // A node one of the job's ranks wrote from was launched: its GPUs idle are the job's state
        // there (an NCCL hang's ranks wait with their GPUs idle), not a node the launch left out
        // (review RV-RG: realistic5 rl5-12 with a spare node in its allocation was answered a launch
        // error on the hung rank's idle node). The ranks are placed as every line is (PlaceLine: a
        // rank prefix, a rank in the log's source, the topology's layout).
        if (!idle_nodes.empty()) {
          for (const CaseLog& log : c.logs) {
            for (size_t k = 0; k < log.lines.size() && !idle_nodes.empty(); ++k) {
              const ComponentHint h = PlaceLine(log, k, log.lines[k].text, topo);
              if (h.rank >= 0 && !h.node.empty()) idle_nodes.erase(h.node);
            }
          }
        }
        consequence = !idle_nodes.empty() && (topo.nodes.empty() || idle_nodes.size() < topo.nodes.size());
      }
      if (!consequence) {
        // The started ranks waiting for the ones never started: c10d's store clients timing out
        // ("[c10d] The client socket has timed out after 1800000ms while trying to connect to
        // (host, port)"), torch's "Timed out initializing process group in store based barrier".
        static const FilteredRegex kStoreWait(R"(\bclient socket has timed out\b|\bstore based barrier\b)",
                                              /*icase=*/false);
        consequence = AnyLogLine(c, [](const std::string& s) { return s.size() <= 2000 && kStoreWait.Search(s); });
      }
      const double w = consequence ? kLaunchMismatchWeight : kLaunchNoteWeight;
      Observation o;
      o.evidence.kind = EvidenceKind::kLog;
      o.evidence.source = "reasoner";
      o.evidence.detail = "launch does not fit the allocation: " + mismatch;
      if (!consequence) o.evidence.detail += " (uses less than allocated, with no idle node or refused agent in the case)";
      o.evidence.supports = {"launch_config_error"};
      o.evidence.weight = w;
      o.deltas["launch_config_error"] = w;
      o.hint.job = topo.job;
      beliefs.Add(std::move(o));
      trace.push_back({{"type", "thought"}, {"text", "the launcher's count disagrees with the allocation: " + mismatch}});
    }
  }

  // 3zy. RoCE completion errors sent from link-local GIDs on several NICs (ReadLinkLocalGidErrors,
  // PLC14): the GID index selects a GID no router forwards, so connections between subnets fail on
  // every NIC: the job's NCCL setting, not a link. The retry-exceeded lines are read as it.
  if (const LinkLocalGidReading ll = ReadLinkLocalGidErrors(flat.lines); ll.found) {
    auto [li, ki] = flat.refs[ll.first];
    const std::string why = "RoCE completion errors from " + std::to_string(ll.gids) +
                            " link-local (fe80::) local GIDs: the GID index (NCCL_IB_GID_INDEX) selects a GID "
                            "that is not routed between subnets";
    Observation o;
    o.evidence.kind = EvidenceKind::kLog;
    o.evidence.source = c.logs[li].source + ":" + std::to_string(c.logs[li].lines[ki].number);
    o.evidence.detail = why + ": " + flat.lines[ll.first];
    o.evidence.supports = {"nccl_network_misconfig"};
    o.evidence.weight = kLaunchMismatchWeight;
    o.deltas["nccl_network_misconfig"] = kLaunchMismatchWeight;
    o.hint.job = topo.job;
    beliefs.Add(std::move(o));
    beliefs.ReattributeWhere("ib_link_failure", "nccl_network_misconfig", kExplainedAwayFactor, why,
                             [&](const Observation& ob) { return !LinkLocalCompletionGid(ob.evidence.detail).empty(); });
    trace.push_back({{"type", "thought"}, {"text", why}});
  }

  // 3zy-peer. PLC29 (realistic31 rl31-12): IB / RoCE completion errors written on two nodes or more
  // that name one peer address, which the case ties to a node of its own (a scontrol / hosts line, an
  // NCCL interface line, the IPv4-mapped localGid of that node's own completion error: node_addresses.h):
  // every queue pair that times out is one that talks to that node's NIC, and the others' NICs are the
  // reporters. Placement only (a culprit of no weight, as a silent rank's): on that node, and on the
  // HCA its own completion error names. Peers named by two or more nodes each, or an address tied to
  // no node, place nothing; nor does it where the category has first-hand evidence of a port (a link
  // down, a counter, a flapping netdev: not a peer's report), which places it (RG3).
  const bool ib_first_hand = std::any_of(beliefs.observations().begin(), beliefs.observations().end(), [](const Observation& o) {
    auto ib = o.deltas.find("ib_link_failure");
    return ib != o.deltas.end() && ib->second > 0 && o.evidence.kind != EvidenceKind::kKnowledge &&
           o.evidence.kind != EvidenceKind::kAlert && !IsPeerReportLine(o);
  });
  if (auto sc = beliefs.scores().find("ib_link_failure"); !ib_first_hand && sc != beliefs.scores().end() && sc->second > 0) {
    static const std::regex kPeer(R"(\bGot completion from peer ([0-9A-Fa-f.:]+?)<\d+>)");
    static const std::regex kWriter(R"(^\s*(?:\d+:\s*)?([A-Za-z0-9._-]+):\d+:\d+ \[\d+\])");
    std::map<std::string, std::set<std::string>> writers_of;  // peer node -> the nodes that wrote errors naming it
    std::map<std::string, size_t> own_line;                   // node -> its first completion error line
    for (size_t i = 0; i < flat.lines.size(); ++i) {
      const std::string& text = flat.lines[i];
      if (text.size() > 2000 || text.find("completion from peer") == std::string::npos) continue;
      std::smatch m;
      if (!std::regex_search(text, m, kPeer)) continue;
      const std::string peer = topo.names.Find(m.str(1));
      std::smatch w;
      std::string writer = std::regex_search(text, w, kWriter) ? topo.names.Find(w.str(1)) : "";
      if (writer.empty()) {
        auto [li, ki] = flat.refs[i];
        writer = PlaceLine(c.logs[li], ki, text, topo).node;
      }
      if (writer.empty()) continue;
      own_line.emplace(writer, i);
      if (!peer.empty() && !SameNodeName(peer, writer)) writers_of[peer].insert(writer);
    }
    std::vector<std::string> named;
    for (const auto& [peer, writers] : writers_of) {
      if (writers.size() >= 2) named.push_back(peer);
    }
    if (named.size() == 1) {
      const std::string& peer = named.front();
      Observation o;
      o.culprit = true;
      o.evidence.kind = EvidenceKind::kLog;
      size_t at = own_line.count(peer) ? own_line[peer] : own_line.begin()->second;
      for (const auto& [node, i] : own_line) {
        if (writers_of[peer].count(node)) at = std::min(at, i);
      }
      if (own_line.count(peer)) at = own_line[peer];
      auto [li, ki] = flat.refs[at];
      o.evidence.source = c.logs[li].source + ":" + std::to_string(c.logs[li].lines[ki].number);
      o.evidence.detail = "IB completion errors on " + std::to_string(writers_of[peer].size()) +
                          " nodes name one peer, " + peer +
                          " (the case ties its address to it): the queue pairs that fail are the ones to its NIC (" +
                          Utf8Prefix(flat.lines[at], 300) + ")";
      o.evidence.supports = {"ib_link_failure"};
      o.evidence.weight = 1e-6;
      o.deltas["ib_link_failure"] = 1e-6;
      ComponentHint h;
      if (own_line.count(peer)) h = PlaceLine(c.logs[li], ki, flat.lines[at], topo);
      if (!SameNodeName(h.node, peer)) h = ComponentHint{};
      h.node = peer;
      h.job = topo.job;
      o.hint = h;
      beliefs.Add(std::move(o));
      trace.push_back({{"type", "thought"}, {"text", "IB completion errors of several nodes name one peer: " + peer}});
    }
  }

  // 3zy'. A NIC that states it SENDS PFC pause (StatesPauseSender, PLC15): mlx5's stall watermark
  // ("sending PFC pause"), its pause-storm events above zero. The sender of a pause storm is the
  // fault; its peers' retry-exceeded completion errors and received-pause counters are where it
  // stalls them. One observation per sending node (the first line placed on a node), a culprit, so
  // the component is the sender's NIC rather than the first peer that reported an error.
  {
    std::set<std::string> senders;
    for (size_t i = 0; i < flat.lines.size(); ++i) {
      if (!StatesPauseSender(flat.lines[i])) continue;
      auto [li, ki] = flat.refs[i];
      ComponentHint h = PlaceLine(c.logs[li], ki, flat.lines[i], topo);
      // A counter row of a pasted `ethtool -S IFACE` table names no NIC: the command's interface.
      for (size_t back = 1; h.hca.empty() && back <= 40 && back <= i && flat.refs[i - back].first == li; ++back) {
        h.hca = EthtoolStatsInterface(flat.lines[i - back]);
      }
      if (h.node.empty() || !senders.insert(h.node).second) continue;
      Observation o;
      o.evidence.kind = EvidenceKind::kLog;
      o.evidence.source = c.logs[li].source + ":" + std::to_string(c.logs[li].lines[ki].number);
      o.evidence.detail = "the NIC sends PFC pause frames (a pause storm's sender; its peers only receive pause): " +
                          flat.lines[i];
      o.evidence.supports = {"ib_link_failure"};
      o.evidence.weight = kFirstSignatureWeight;
      o.deltas["ib_link_failure"] = kFirstSignatureWeight;
      o.hint = h;
      o.hint.job = topo.job;
      o.culprit = true;
      beliefs.Add(std::move(o));
      trace.push_back({{"type", "thought"}, {"text", "a NIC on " + h.node + " sends PFC pause: the storm's sender"}});
    }
  }

  // 3zy''. The same sender read from node_exporter's ethtool series of several hosts
  // (FindPauseSenderSeries, PLC16): the host whose transmitted-pause counter rose while its peers'
  // received-pause counters rose is the storm's sender. Measured evidence (kMetricWeight), a culprit
  // on that host's NIC (its netdev; Component maps it to its mlx5 name where the case ties them).
  if (std::optional<PauseSender> ps = FindPauseSenderSeries(c.metrics)) {
    const std::string node = topo.names.Find(ps->node);
    if (!node.empty()) {
      char buf[240];
      std::snprintf(buf, sizeof buf,
                    " rose by %.0f pause frames while the other hosts' received-pause counters rose by %.0f (the "
                    "most another host sent: %.0f): the NIC sends the pause storm, its peers only receive it",
                    ps->tx_rise, ps->peers_rx_rise, ps->peers_tx_rise);
      Observation o;
      o.evidence.kind = EvidenceKind::kMetric;
      o.evidence.source = "metrics:" + ps->series;
      o.evidence.detail = ps->series + "{" + node + (ps->device.empty() ? "" : ", " + ps->device) + "}" + buf;
      o.evidence.supports = {"ib_link_failure"};
      o.evidence.weight = kMetricWeight;
      o.deltas["ib_link_failure"] = kMetricWeight;
      o.time_ms = ps->onset_ms;
      o.hint.node = node;
      o.hint.hca = ps->device;
      o.hint.job = topo.job;
      o.culprit = true;
      beliefs.Add(std::move(o));
      trace.push_back({{"type", "thought"}, {"text", "the ethtool series show " + node + " sending PFC pause: the storm's sender"}});
    }
  }

  // 3zz-ckpt. A checkpoint saved for another parallel layout than the run that loads it
  // (checkpoint_layout.h, PLC21): a job restarted on fewer GPUs, or with another TP / DP split, whose
  // sharded state cannot be loaded as it was cut. Its launch's configuration, the job's: evidence of
  // launch_config_error (kLaunchMismatchWeight) once a case. A hardware fault that shrank the world (a GPU
  // fallen off the bus, ...) still explains it away (ExplainedBy's launch_config_error row).
  for (const CaseLog& log : c.logs) {
    std::vector<std::string_view> texts;
    texts.reserve(log.lines.size());
    for (const LogLine& l : log.lines) texts.push_back(l.text);
    const std::optional<CheckpointLayoutMismatch> ck = CheckpointLayoutMismatchIn(texts);
    if (!ck) continue;
    const std::string note = "  [a checkpoint saved for another parallel layout: " + ck->what +
                             "; the restarted job's layout must match it or the checkpoint be resharded]";
    beliefs.Add(LineEvidence(log, ck->line, note, "launch_config_error", kLaunchMismatchWeight, topo.clock, topo.job));
    trace.push_back({{"type", "thought"}, {"text", "the checkpoint was saved for another parallel layout: " + ck->what}});
    break;
  }

  // 3zz'. A rendezvous host outside the allocation (RendezvousOutsideAllocation, RG14): the store's
  // address is the launch's configuration (a MASTER_ADDR left from another allocation), so the
  // connect failures to it are that error's consequence, not a network fault: they are read as
  // launch_config_error (the share kExplainedAwayFactor stays where a signature put it).
  // On Kubernetes: the address of a finished pod (RendezvousAtFinishedPod, RG19), a previous run's
  // master whose IP the configuration kept.
  RendezvousOutside ro = RendezvousOutsideAllocation(c);
  std::string outside_why;
  if (!ro.host.empty()) {
    outside_why = "is not in the job's allocation (";
    outside_why += ro.allocation;
    outside_why += ")";
  } else if (const FinishedPodRendezvous fp = RendezvousAtFinishedPod(c.logs); !fp.host.empty()) {
    ro.host = fp.host;
    ro.line = fp.line;
    ro.source = fp.source;
    outside_why = "is the address of pod ";
    outside_why += fp.pod;
    outside_why += ", ";
    outside_why += fp.status;
    outside_why += ": nothing listens there";
  }
  if (!ro.host.empty()) {
    std::string detail = "the rendezvous host ";
    detail += ro.host;
    detail += " ";
    detail += outside_why;
    detail += ": ";
    detail += ro.line;
    Observation o;
    o.evidence.kind = EvidenceKind::kLog;
    o.evidence.source = ro.source;
    o.evidence.detail = detail;
    o.evidence.supports = {"launch_config_error"};
    o.evidence.weight = kLaunchMismatchWeight;
    o.deltas["launch_config_error"] = kLaunchMismatchWeight;
    o.hint.job = topo.job;
    beliefs.Add(std::move(o));
    std::string why = "the rendezvous host " + ro.host;
    why += outside_why.rfind("is not", 0) == 0 ? std::string(" is outside the allocation") : std::string(" ") += outside_why;
    beliefs.ReattributeWhere("nccl_network_misconfig", "launch_config_error", kExplainedAwayFactor, why,
                             [&](const Observation& ob) { return !RendezvousConnectHosts(ob.evidence.detail).empty(); });
    trace.push_back({{"type", "thought"}, {"text", why}});
  }

  // 4a. A page whose own series show no harm (ReadAlertSubject's `harmless`, RGB): an alert on a
  // GPU with no throttle bit, its clock at its best and its rank's timing in line with its peers
  // (86 C and full clocks) slows nothing, so the slowdown categories read from it - its own
  // temperature condition, the recall of its text - are discounted there (kExplainedAwayFactor):
  // they do not win over direct evidence elsewhere (a straggler line naming another GPU).
  // A GPU whose own clock-event reasons show no throttle bit and whose clock is not cut is not
  // throttled, whatever a temperature or power condition says of it (a cool GPU's `TEMP < 80`, the
  // HW-slowdown entry's qualifier, read as power throttle on a straggler's GPU: realistic15
  // rl15-28): the throttle categories' metric evidence there is set to nothing.
  {
    std::set<std::pair<std::string, int>> throttle_gpus;
    for (const Observation& o : beliefs.observations()) {
      if (o.evidence.kind != EvidenceKind::kMetric || o.hint.node.empty() || o.hint.gpu < 0) continue;
      for (const char* cat : {"gpu_thermal_throttle", "gpu_power_throttle"}) {
        auto it = o.deltas.find(cat);
        if (it != o.deltas.end() && it->second > 0) throttle_gpus.insert({o.hint.node, o.hint.gpu});
      }
    }
    for (const auto& [node, gpu] : throttle_gpus) {
      AlertSubject g;
      g.node = node;
      g.gpu = gpu;
      const SubjectReport gr = ReadAlertSubject(g, c.alert ? c.alert->starts_at_ms : 0, series);
      if (!gr.unthrottled) continue;
      for (const char* cat : {"gpu_thermal_throttle", "gpu_power_throttle"}) {
        beliefs.DiscountWhere(cat, 0.0, node + " GPU " + std::to_string(gpu) + "'s own clock-event reasons show no throttle",
                              [&](const Observation& o) {
                                return o.evidence.kind == EvidenceKind::kMetric && o.hint.gpu == gpu &&
                                       SameNodeName(o.hint.node, node);
                              });
      }
    }
  }
  if (subject_report && subject_report->harmless && !subject_report->subject.node.empty()) {
    const AlertSubject& subject = subject_report->subject;
    for (const char* cat : {"gpu_thermal_throttle", "gpu_power_throttle"}) {
      beliefs.DiscountWhere(cat, kExplainedAwayFactor, "the alert's " + subject.Describe() + " shows no harm in its own series",
                            [&](const Observation& o) {
                              return o.hint.node.empty() ||
                                     (SameNodeName(o.hint.node, subject.node) && (o.hint.gpu < 0 || o.hint.gpu == subject.gpu));
                            });
    }
  }
  // 4. Explain away downstream symptoms (again after each probe round: probes find causes).
  std::set<std::string> explained;
  // Throttle categories that explained a slow rank through its own GPU's throttle evidence (below):
  // the probe rounds test them once before they may stop on their posterior (review RV-GP).
  std::set<std::string> slow_rank_throttles;
  // On beliefs `b` with the set `ex` of effects already explained; thoughts go to `tr` when given.
  auto explain_away_in = [&](Beliefs& b, std::set<std::string>& ex, Json* tr) {
    std::map<std::string, double> raw = b.scores();
    // Row remapping: a failed remap (Xid 64, "Remapping Failure Occurred: Yes", the failure
    // counter, a probe's "remapping failure") causes uncorrectable ECC errors; a pending or
    // recorded remap (Xid 63, "Pending: Yes") is what an uncorrectable error leaves behind.
    const bool remap_failed = RemapFailed(b);
    // A remap explained away as an ECC error's leftover while its evidence read as pending (Xid
    // 63 before any probe) is a cause again once a later finding says the remap failed (RG13,
    // holdout4 u008: Xid 63 in the log, then gpu.health's "row remapping failure recorded").
    if (remap_failed) ex.erase("gpu_row_remap_failure");
    for (const auto& [effect, causes] : ExplainedBy()) {
      if (raw[effect] <= 0 || ex.count(effect)) continue;
      int64_t effect_time = b.EarliestSupport(effect);
      for (const std::string& cause : causes) {
        // PLC24: a fault whose every sighting a recovery line of its place ended before the alert's
        // incident window (recovered_before_alert) explains nothing the alert reports (realistic30
        // rl30-29: a remap applied by a reset the day before "explained" today's slow rank).
        if (recovered_before_alert.count(cause)) continue;
        // A throttle explains a slowdown or a stall only while it lasts (review RG): a throttle whose
        // every sighting is a timed log line more than kThrottleOverlapMs before the symptom's first
        // evidence had ended, for all the case shows, when the symptom began (a thermal event in the
        // night's log does not explain the morning's slow steps). A metric series, a probe, the
        // alert or an untimed line is a state read over the incident's window: it overlaps.
        // With no time on the symptom's own evidence (a straggler detector's untimed lines), the
        // alert is the reference: a throttle last logged more than kThrottleAlertWindowMs before it
        // fired is as stale.
        const int64_t throttle_since =
            effect_time != kNoTime ? SaturatingSub(effect_time, kThrottleOverlapMs)
            : (c.alert && c.alert->starts_at_ms > 0) ? SaturatingSub(c.alert->starts_at_ms, kThrottleAlertWindowMs)
                                                     : kNoTime;
        if ((cause == "gpu_thermal_throttle" || cause == "gpu_power_throttle") && raw[cause] > 0 &&
            throttle_since != kNoTime) {
          bool overlaps = false;
          for (const Observation& o : b.observations()) {
            auto it = o.deltas.find(cause);
            if (it == o.deltas.end() || it->second <= 0) continue;
            const bool timed_line = (o.evidence.kind == EvidenceKind::kLog || o.evidence.kind == EvidenceKind::kKnowledge) &&
                                    o.time_ms != kNoTime;
            overlaps = overlaps || !timed_line || o.time_ms >= throttle_since;
          }
          if (!overlaps) {
            if (tr != nullptr) {
              tr->push_back({{"type", "thought"},
                             {"text", cause + " was last seen long before " + effect + " began: it does not explain it"}});
            }
            continue;
          }
        }
        // A slow rank whose own GPU throttles (a clock-event reason, its temperature over the limit:
        // metric or line evidence on that very GPU, not guessed from a rank) is slow because of it,
        // however loud the straggler lines and whenever the throttle was seen: a throttle is a
        // state, read when someone looked (a sweep pasted after the alert), not an event that
        // starts after the symptom (GP, realistic3 rl3-06: a GPU at 89 C with its thermal slowdown
        // active under rank 45's straggler lines was answered as the straggler).
        bool own_gpu_throttles = false;
        if (effect == "straggler_rank" && (cause == "gpu_thermal_throttle" || cause == "gpu_power_throttle") &&
            raw[cause] > 0) {
          const ComponentHint slow = b.Component(effect, topo.job);
          for (const Observation& o : b.observations()) {
            auto it = o.deltas.find(cause);
            own_gpu_throttles = own_gpu_throttles ||
                                (it != o.deltas.end() && it->second > 0 && !slow.node.empty() && slow.gpu >= 0 &&
                                 (o.evidence.kind == EvidenceKind::kMetric || o.evidence.kind == EvidenceKind::kLog) &&
                                 o.hint.node == slow.node && o.hint.gpu == slow.gpu && !o.hint.gpu_from_rank);
          }
        }
        // An OOM kill on other nodes than every process that died of its own fault (PLC20).
        if (effect == "rank_process_crash" && cause == "host_oom" && OomOnlyElsewhereThanDeaths(b)) {
          if (tr != nullptr) {
            tr->push_back({{"type", "thought"},
                           {"text", "host_oom's evidence is on other nodes than the process that died: it does not explain it"}});
          }
          continue;
        }
        // A storage failure is an IB link's consequence only on the nodes of that link (PLC37).
        if (effect == "storage_failure" && cause == "ib_link_failure" && !StorageFaultOnlyBehindLinks(b)) continue;
        // A hang whose stopped participant is placed where the cause has no evidence (PLC29).
        if (effect == "nccl_collective_hang" && StoppedCulpritElsewhere(b, cause)) continue;
        // Watchdog timeouts beside a device fault on one GPU (TimeoutsOfDeviceFault, RG12).
        const int64_t timeouts_reported = TimeoutsOfDeviceFault(b, effect, cause);
        const double min_score = timeouts_reported != kNoTime ? kDeviceCauseMinScore : kCauseMinScore;
        if (!own_gpu_throttles && (raw[cause] < min_score || raw[cause] < 0.5 * raw[effect])) continue;
        // A cause already explained away explains nothing. Of two categories that can cause each
        // other (an IB link failure and a rank crash, an IB failure and an NCCL misconfiguration)
        // the one whose evidence came first is the cause; with no order, the one with more of its
        // own evidence (before, each discounted the other).
        if (ex.count(cause)) continue;
        bool remap_pair = (effect == "gpu_memory_uncorrectable_ecc" && cause == "gpu_row_remap_failure") ||
                          (effect == "gpu_row_remap_failure" && cause == "gpu_memory_uncorrectable_ecc");
        if (remap_pair && (cause == "gpu_row_remap_failure") != remap_failed) continue;
        auto reverse = ExplainedBy().find(cause);
        bool mutual = !remap_pair && reverse != ExplainedBy().end() &&
                      std::find(reverse->second.begin(), reverse->second.end(), effect) != reverse->second.end();
        // NCCL's "remote process exited or there was a network error" / ncclRemoteError is what
        // every peer prints for either cause. A rank crash whose only log evidence is that line is
        // no cause of an IB link failure that has its port's own evidence (a link-down line, port
        // counters, a probe): the IB failure is the cause, whatever the two scores.
        if (mutual && (cause == "rank_process_crash" || effect == "rank_process_crash") &&
            (cause == "ib_link_failure" || effect == "ib_link_failure")) {
          bool crash_log = false, crash_own = false, ib_own = false;
          for (const Observation& o : b.observations()) {
            auto crash = o.deltas.find("rank_process_crash");
            if (crash != o.deltas.end() && crash->second > 0 && o.evidence.kind == EvidenceKind::kLog) {
              crash_log = true;
              crash_own = crash_own || !IsPeerReportLine(o);
            }
            auto ib = o.deltas.find("ib_link_failure");
            if (ib != o.deltas.end() && ib->second > 0 && o.evidence.kind != EvidenceKind::kKnowledge &&
                o.evidence.kind != EvidenceKind::kAlert && !IsPeerReportLine(o)) {
              ib_own = true;
            }
          }
          if (crash_log && !crash_own && ib_own) {
            if (cause == "rank_process_crash") continue;
            mutual = false;  // the IB failure explains the crash reports
          }
          // RG13, the other two readings an expert makes of peers' completion errors (RETRY_EXC,
          // "error 12"): they are what every rank talking to a process sees when it dies, and what
          // they see when the link under it fails. Which one is told by first-hand evidence only.
          switch (ReadPeerReports(b)) {
            case PeerReportReading::kProcessDied:  // a rank died on its own; no port evidence
              if (cause == "ib_link_failure") continue;
              mutual = false;
              break;
            case PeerReportReading::kNetwork:  // nobody died first-hand: the transport error stands
              if (cause == "rank_process_crash") continue;
              mutual = false;
              break;
            case PeerReportReading::kUndecided:
              break;
          }
        }
        if (mutual) {
          int64_t ct = b.EarliestSupport(cause), et = b.EarliestSupport(effect);
          bool ordered = ct != kNoTime && et != kNoTime && ct != et;
          if (ordered ? ct > et : raw[cause] < raw[effect]) continue;
        }
        int64_t cause_time = b.EarliestSupport(cause);
        bool plausible = own_gpu_throttles || cause_time == kNoTime || effect_time == kNoTime ||
                         cause_time <= SaturatingAdd(effect_time, kCauseSlackMs) ||
                         (timeouts_reported != kNoTime && cause_time <= SaturatingAdd(timeouts_reported, kCauseSlackMs));
        if (!plausible) continue;
        b.Discount(effect, kExplainedAwayFactor, "explained by " + cause, cause);
        ex.insert(effect);
        if (own_gpu_throttles) slow_rank_throttles.insert(cause);
        if (own_gpu_throttles) {
          // The slow rank is then the throttle's own symptom on that GPU: evidence for it.
          const ComponentHint slow = b.Component(effect, topo.job);
          Observation o;
          o.evidence.kind = EvidenceKind::kLog;
          o.evidence.source = "reasoner";
          std::string detail = "the slow rank runs on ";
          detail += slow.node;
          detail += "/gpu";
          detail += std::to_string(slow.gpu);
          detail += ", whose own ";
          detail += cause;
          detail += " evidence (a clock-event reason, its temperature) explains its slowness";
          o.evidence.detail = detail;
          o.evidence.supports = {cause};
          o.evidence.weight = kLaggardWeight;
          o.deltas[cause] = kLaggardWeight;
          // On the node only: where on it (that GPU, or the whole node when the throttle spans its
          // GPUs) stays the throttle's own evidence's to say.
          o.hint.node = slow.node;
          o.hint.job = slow.job;
          b.Add(std::move(o));
        }
        if (tr != nullptr) {
          tr->push_back({{"type", "thought"},
                         {"text", effect + " looks like a downstream symptom of " + cause +
                                      " (evidence for the cause is no later than the symptom); discounting it"}});
        }
        break;
      }
    }
  };
  auto explain_away = [&]() { explain_away_in(beliefs, explained, &trace); };
  explain_away();
  // A row remap that is only pending (Xid 63 "reset gpu to activate", `Pending : Yes`; not failed,
  // RemapFailed) with no uncorrectable ECC evidence is a repair the driver queued for the GPU's next
  // reset: until then the GPU computes correctly. It is no cause of a failure that a category it
  // cannot produce (none of the symptoms ExplainedBy lists it for: not a hang, a crash, NaN) shows
  // with solid evidence of its own. Before (RG22), an Xid 63 on one node's GPU, logged before the
  // job started, outweighed Transformer Engine's FP8 amax overflow on every rank (realistic18
  // rl18-16: gpu_row_remap_failure 0.47).
  if (beliefs.Score("gpu_row_remap_failure") > 0 && !explained.count("gpu_row_remap_failure") && !RemapFailed(beliefs) &&
      beliefs.Score("gpu_memory_uncorrectable_ecc") <= 0) {
    std::string other;
    for (const auto& [cat, score] : beliefs.scores()) {
      if (cat == "gpu_row_remap_failure" || score < kCauseMinScore || explained.count(cat)) continue;
      auto symptom = ExplainedBy().find(cat);
      const bool remap_can_cause =
          symptom != ExplainedBy().end() &&
          std::find(symptom->second.begin(), symptom->second.end(), "gpu_row_remap_failure") != symptom->second.end();
      if (!remap_can_cause && (other.empty() || score > beliefs.Score(other))) other = cat;
    }
    if (!other.empty()) {
      beliefs.Discount("gpu_row_remap_failure", kExplainedAwayFactor,
                       "a pending row remap (applied at the next GPU reset) is no cause of " + other);
      explained.insert("gpu_row_remap_failure");
      trace.push_back({{"type", "thought"},
                       {"text", "gpu_row_remap_failure is only pending (no failed remap, no uncorrectable ECC error): "
                                "the GPU computes correctly until its reset; " +
                                    other + " has its own evidence and is not its symptom: discounting the remap"}});
    }
  }
  // An MoE router that collapsed onto one expert overloads the ranks holding it: a CUDA OOM on
  // those ranks, after the skew began, is the collapse's symptom, not a memory budget of its own
  // (RG4, realistic8 rl8-06). Every OOM line that names a rank must be on a rank holding the hot
  // expert (its expert-parallel rank: (rank / TP) % EP, experts split evenly over the EP ranks, as
  // Megatron-Core places them); an OOM on every rank, or one the case cannot place, stays an OOM.
  if (beliefs.Score("moe_expert_imbalance") > 0 && beliefs.Score("cuda_oom") > 0 && !explained.count("cuda_oom")) {
    const MoeRouting r = ReadMoeRouting(c, beliefs, topo.clock);
    const int ep = r.expert_parallel, tp = std::max(1, r.tensor_parallel);
    if (r.hot_expert >= 0 && (r.since != kNoTime || !r.readings_by_line.empty()) && ep > 0 && r.num_experts >= ep &&
        r.num_experts % ep == 0 &&
        r.hot_expert < r.num_experts) {
      const int hot_ep = r.hot_expert / (r.num_experts / ep);
      auto holds_hot = [&](const Observation& o) { return o.hint.rank >= 0 && (o.hint.rank / tp) % ep == hot_ep; };
      std::set<int> oom_ranks;
      bool all_hot = true;
      for (const Observation& o : beliefs.observations()) {
        auto it = o.deltas.find("cuda_oom");
        if (it == o.deltas.end() || it->second <= 0 || o.evidence.kind != EvidenceKind::kLog) continue;
        if (!holds_hot(o) || !r.SkewedAt(o)) all_hot = false;
        else oom_ranks.insert(o.hint.rank);
      }
      if (all_hot && !oom_ranks.empty()) {
        std::string why = "MoE routing collapsed onto expert ";
        why += std::to_string(r.hot_expert);
        why += ", held by the OOM rank(s)";
        for (int rk : oom_ranks) {
          why += ' ';
          why += std::to_string(rk);
        }
        beliefs.ReattributeWhere("cuda_oom", "moe_expert_imbalance", kExplainedAwayFactor, why,
                                 [&](const Observation& o) { return holds_hot(o) && r.SkewedAt(o); });
        explained.insert("cuda_oom");
        std::string thought = "cuda_oom looks like a symptom of moe_expert_imbalance: ";
        thought += why;
        trace.push_back({{"type", "thought"}, {"text", thought}});
      }
    }
  }
  // A CUDA OOM raised while gathering the whole model's state dict onto one rank (torch's
  // get_model_state_dict / get_state_dict with full_state_dict=True and no cpu_offload, FSDP's
  // FULL_STATE_DICT, summon_full_params) is the export code's demand: the unsharded model does not fit
  // one GPU whichever GPU runs it - the job's, not that GPU (PLC7: realistic20 rl20-28, rank 0's
  // eval-time export, answered on its GPU).
  // The OOM message on many GPUs alike ("GPU 0 ... GPU 7 has a total capacity of 79.10 GiB of which
  // 5.1 GiB is free"): every rank's demand outgrew its GPU - the job's configuration (PLC8:
  // realistic22 rl22-14, a doubled sequence length answered on the GPU the first traceback named).
  if (beliefs.Score("cuda_oom") > 0 && GpusOutOfMemory(c) >= kOomGpusJobWide) {
    beliefs.SetJobWide("cuda_oom");
    trace.push_back({{"type", "thought"},
                     {"text", "the CUDA OOM message names " + std::to_string(GpusOutOfMemory(c)) +
                                  " GPUs out of memory alike: the job's demand, not one GPU"}});
  }
  if (beliefs.Score("cuda_oom") > 0 && OomGatheringFullStateDict(c)) {
    beliefs.SetJobWide("cuda_oom");
    trace.push_back({{"type", "thought"},
                     {"text", "the CUDA OOM was raised gathering the full (unsharded) state dict onto one rank: the "
                              "job's export code, not one GPU"}});
  }
  trace.push_back({{"type", "belief"}, {"round", 0}, {"posterior", BeliefJson(beliefs)}});
  // An onlooker (vigil serve's verification board: agents/verification_observer.h), when one is set
  // on this thread: the leading hypotheses after each round, each round's steps before they start.
  VerificationObserver* const onlooker = CurrentVerificationObserver();
  auto report_ranking = [&](int round) {
    if (onlooker == nullptr) return;
    std::vector<RankedHypothesis> leading;
    for (const auto& [cat, p] : beliefs.Ranked()) {
      if (leading.size() == 5 || p < 0.001) break;
      leading.push_back({cat, AnswerComponent(cat, layer_of(cat), beliefs, topo.job), p});
    }
    onlooker->Ranked(round, leading);
  };
  report_ranking(0);

  // 5. Probe rounds. A round's probes are chosen from the beliefs after the previous round
  // (`Choose`); they run through the planner, their results update the beliefs, and the next
  // round is chosen. The decisions are round-based; the *schedule* is event-driven: a probe of a
  // later round depends only on the results that had settled its choice (see RoundDependencies
  // below), so it starts as soon as those are in rather than when the whole round is.
  std::set<std::string> ran;
  // GPUs per node as the probes reported them (NodeGpuCount: a node-level gpu.inventory's
  // gpu_count, a per-GPU probe's "GPU 7 does not exist (1 visible)"). Without them and without the
  // topology's gpus_per_node a node is assumed to have kAssumedGpusPerNode GPUs.
  std::map<std::string, int> node_gpus;
  std::set<std::string> count_asked;  // nodes whose GPU count a probe was asked for
  // Nodes the executor cannot run probes on (ExecutorCannotReach): no more steps go there. Before
  // (WALKP), an alert on another host than the local executor's ran 25 steps, each refused alike.
  std::set<std::string> unreachable;
  auto note_unreachable = [&](const std::string& target, const std::string& reason) {
    const std::string node = HintFromTarget(target.substr(target.find('@') + 1)).node;
    if (node.empty() || !unreachable.insert(node).second) return;
    d.unverified.push_back("no probe can run on " + node + " with this probe executor (" + Utf8Prefix(reason, 300) +
                           "): no probe confirms or refutes a hypothesis there; no other probe was sent there");
  };
  auto drop_unreachable = [&](auto& choice) {
    std::erase_if(choice, [&](const auto& ch) { return unreachable.count(HintFromTarget(ch.cand.target).node) > 0; });
  };
  auto gpus_on = [&](const std::string& node) {
    int n = topo.gpus_per_node > 0 ? topo.gpus_per_node : kAssumedGpusPerNode;
    auto it = node_gpus.find(node);
    return it == node_gpus.end() ? n : std::min(n, it->second);
  };
  // Whether GPU `g` of `node` may exist: below the topology's count and the probes' (no bound when
  // neither says).
  auto gpu_may_exist = [&](const std::string& node, int g) {
    auto it = node_gpus.find(node);
    return (topo.gpus_per_node <= 0 || g < topo.gpus_per_node) && (it == node_gpus.end() || g < it->second);
  };
  // Whether the topology or a probe says `node` has exactly one GPU.
  auto known_one_gpu = [&](const std::string& node) {
    auto it = node_gpus.find(node);
    return it != node_gpus.end() ? it->second == 1 : topo.gpus_per_node == 1;
  };
  // Whether `node` is known (the topology's or the probes' count) to have fewer GPUs than a
  // node-level probe needs: the NCCL collectives and the peer-to-peer matrix on a 1-GPU node can
  // only answer `unavailable` (H200 runs 17-18: 1.2-1.6 s each under load to say what gpu.inventory
  // had already said).
  // A probe's count of 0 (no usable GPU there, NoUsableGpu) leaves out every probe that needs one.
  auto too_few_gpus = [&](const ProbeSpec& spec, const std::string& node) {
    auto it = node_gpus.find(node);
    if (it != node_gpus.end()) return it->second < spec.min_local_gpus;
    return topo.gpus_per_node > 0 && topo.gpus_per_node < spec.min_local_gpus;
  };
  std::set<std::string> unfed;  // ids of peer steps that ran but fed no decision
  size_t probes_run = 0;
  const double cap_s = options_.probe_time_limit_s;
  auto step_limit = [cap_s](const VerificationStep& s) { return ProbeStepLimitS(s, cap_s); };
  PlannerOptions planner_options{options_.max_parallel, options_.probe_time_limit_s, nullptr, step_limit,
                                 ProbeStepsConflict};
  const auto verification_start = std::chrono::steady_clock::now();
  // The budget holds for the answer: a probe cut at the deadline is ended by its executor up to the
  // executor's grace later (5 s for local:), so probes start, and are cut, that much before the
  // budget's end. Before (VER2), the answer came up to one grace after the budget.
  const double grace_s = probes != nullptr ? ProbeExecutorGraceS(*probes) : 0;
  if (options_.verification_budget_s > 0 && probes != nullptr) {
    planner_options.deadline =
        verification_start +
        std::chrono::microseconds(static_cast<int64_t>(std::max(0.0, options_.verification_budget_s - grace_s) * 1e6));
  }
  bool budget_stopped_rounds = false;  // a probe round was not started: the budget was spent
  VerificationPlanner planner(planner_options);
  if (probes == nullptr) d.unverified.push_back("no probe executor: hypotheses were not verified with probes");
  struct Candidate {
    const ProbeSpec* spec;
    std::string target;
    double gain;
  };
  struct Choice {
    Candidate cand;
    std::string why;
    std::string peer_of;  // "probe@node/gpuN" of the suspect this step is compared with, if a peer
  };
  // The round by which a leading symptom's causes have had their probes: 1, or 2 when round 1 was
  // a first wave of non-intrusive probes only (the intrusive ones that test the causes came after).
  int cause_round = 1;
  // The probes round `round` runs on beliefs `b` (empty: stop). Reads `ran` and `probes_run`,
  // changes nothing; thoughts go to `tr` when given.
  auto choose = [&](const Beliefs& b, int round, Json* tr) -> std::vector<Choice> {
    std::vector<Choice> chosen;
    auto ranked = b.Ranked();
    if (ranked.empty()) return chosen;
    // A leading symptom (NaN loss, collective timeout, slow rank) is not an answer until the
    // causes that produce it have been checked: one round runs even when it looks certain.
    auto effect = ExplainedBy().find(ranked[0].first);
    bool leader_is_effect =
        effect != ExplainedBy().end() && !effect->second.empty() && b.Score(ranked[0].first) > 0;
    // Of two categories that can cause each other (a failed remap and uncorrectable ECC errors, an
    // IB link and a rank crash), a leader that explained the other away once its round on causes
    // has run is the cause, not a symptom still waiting for its causes to be checked. A partner a
    // third category explained away (a crash's IB partner read as an NCCL misconfiguration's symptom,
    // the misconfiguration one of the crash's causes too) makes the leader no cause (PLC16).
    if (leader_is_effect && round > cause_round) {
      const std::string partner = PartnerExplainedBy(ranked[0].first, ExplainedBy(), b.discounted_by());
      if (!partner.empty()) {
        leader_is_effect = false;
        if (tr != nullptr) {
          tr->push_back({{"type", "thought"},
                         {"text", ranked[0].first + " explained away " + partner +
                                      ", which can also cause it: past the round on its causes, " + ranked[0].first +
                                      " is read as the cause"}});
        }
      }
    }
    // A throttle that leads because the slow rank's own GPU shows it: the slow rank's lines are its
    // symptom, no test of it, and a throttle read from one sweep can be a passing state. On-call
    // drains a GPU only once a probe has looked at it, so the cause round runs however likely the
    // throttle is (review RV-GP: holdout13 p031 and holdout14 k012 went from 8 probes to none when
    // the slow rank's weight lifted the throttle past stop_confidence).
    const bool leader_from_slow_rank =
        slow_rank_throttles.count(ranked[0].first) > 0 && !b.ConfirmedByProbe(ranked[0].first);
    if (ranked[0].second >= options_.stop_confidence &&
        !((leader_is_effect || leader_from_slow_rank) && round <= cause_round)) {
      return chosen;
    }
    // A probe has already confirmed the leading cause and none confirmed a rival: another round
    // would only re-confirm it (its steps would wait for this round's results for nothing).
    if (round > 1 && !leader_is_effect && ranked[0].second >= kConfirmedStopPosterior &&
        b.ConfirmedByProbe(ranked[0].first)) {
      bool rival = false;
      // A category the leader explains (its downstream symptom, discounted) is no rival: the probe
      // that confirmed both saw the symptom beside its cause.
      for (size_t i = 1; i < ranked.size(); ++i) {
        rival = rival || (b.ConfirmedByProbe(ranked[i].first) && !b.Discounted(ranked[i].first));
      }
      if (!rival) {
        if (tr != nullptr) {
          tr->push_back({{"type", "thought"},
                         {"text", ranked[0].first + " is confirmed by a probe and no rival is; stopping"}});
        }
        return chosen;
      }
    }
    std::map<std::string, double> pmap;
    for (const auto& [cat, p] : ranked) if (p > 0.001) pmap[cat] = p;
    if (leader_is_effect) {
      double moved = 0.5 * pmap[ranked[0].first];
      pmap[ranked[0].first] -= moved;
      for (const std::string& cause : effect->second) pmap[cause] += moved / effect->second.size();
    }
    if (leader_from_slow_rank && round <= cause_round) {
      // Is the throttle the slow rank's cause or a state beside it? Half the leader's mass goes
      // back to the straggler for this round, so the probes that tell them apart are worth running.
      double moved = 0.5 * pmap[ranked[0].first];
      pmap[ranked[0].first] -= moved;
      pmap["straggler_rank"] += moved;
    }
    // Targets: the components of the leading hypotheses.
    std::vector<ComponentHint> targets;
    for (size_t i = 0; i < ranked.size() && i < kWaveHypotheses; ++i) {
      if (ranked[i].second < kWaveMinPosterior) break;
      ComponentHint h = b.Component(ranked[i].first, topo.job);
      if (h.node.empty()) continue;
      targets.push_back(h);
    }
    // The leader's other GPUs (review RG): a GPU fault whose own evidence names several GPUs (dcgmi
    // diag's "Fail - GPU: 2, 5", two GPUs' Xid lines) is placed on one of them, but each named GPU
    // gets its probes: a second failing GPU must be drained and returned too, and which of them the
    // probe confirms decides the answer's GPU. GPUs guessed from a writer's rank are no such names;
    // at most kPeerSuspects more.
    const ComponentHint leader_at = ranked.empty() ? ComponentHint{} : b.Component(ranked[0].first, topo.job);
    if (!leader_at.node.empty() && leader_at.gpu >= 0 && layer_of(ranked[0].first) == "gpu") {
      std::set<std::pair<std::string, int>> named;
      for (const Observation& o : b.observations()) {
        auto it = o.deltas.find(ranked[0].first);
        if (it == o.deltas.end() || it->second <= 0 || o.hint.node.empty() || o.hint.gpu < 0 ||
            o.hint.gpu_from_rank || o.hint.node_wide ||
            (o.evidence.kind != EvidenceKind::kLog && o.evidence.kind != EvidenceKind::kMetric)) {
          continue;
        }
        if (o.hint.node == leader_at.node && o.hint.gpu == leader_at.gpu) continue;
        named.insert({o.hint.node, o.hint.gpu});
      }
      size_t added = 0;
      for (const auto& [node, gpu] : named) {
        if (added >= kPeerSuspects) break;
        ComponentHint h;
        h.node = node;
        h.gpu = gpu;
        h.job = topo.job;
        targets.insert(targets.begin() + std::min<std::ptrdiff_t>(1, static_cast<std::ptrdiff_t>(targets.size())), h);
        ++added;
      }
    }
    // Nothing solid: no category has the evidence of one signature or metric condition of its own.
    const bool nothing_solid = b.Score(ranked[0].first) < kCauseMinScore;
    if (!alert_hint.node.empty()) targets.push_back(alert_hint);
    // No leading hypothesis has solid evidence (nothing in the logs was read as a fault): the
    // nodes whose telemetry the case carries are where someone looked, so they are checked beside
    // the alert's node (the alert often fires where rank 0 logs, not where the fault is).
    // A hung collective leads and nothing places the participant the others wait for (no rank
    // behind, none named, no silent or stopped GPU): every rank logs the same timeout, so where it
    // is logged says nothing. The fault is where the case's telemetry was gathered: those nodes
    // are swept beside the alert's, so a GPU or link that only a probe shows can be told apart.
    bool hang_unplaced = false;
    if (ranked[0].first == "nccl_collective_hang") {
      hang_unplaced = true;
      for (const Observation& o : b.observations()) hang_unplaced = hang_unplaced && !o.culprit;
    }
    // A job-wide numerics symptom leads (a NaN or spiking loss read from rank 0's log): the loss is
    // the same on every rank, so where it is logged places nothing, while its hardware cause (an
    // uncorrectable ECC error, a GPU computing wrong) sits on one GPU of some node. The nodes whose
    // telemetry the case carries are where someone looked: their GPUs are swept beside the
    // alert's node, as for an unplaced hang (before, only the alert's node was swept and a volatile
    // DBE on another node's GPU was never read: the NaN stayed loss divergence at 0.84).
    const ComponentHint numerics_at = b.Component(ranked[0].first, topo.job);
    const bool numerics_unplaced =
        layer_of(ranked[0].first) == "numerics" && (numerics_at.gpu < 0 || numerics_at.gpu_from_rank);
    if (nothing_solid || hang_unplaced || numerics_unplaced) {
      // The nodes whose GPU exporter stopped first (their GPUs are the ones no series shows), then
      // those whose telemetry the case carries.
      size_t unwatched = 0;
      for (const std::string& n : unwatched_gpu_nodes) {
        if (unwatched >= kMaxTelemetryNodes) break;
        if (n == alert_hint.node) continue;
        ComponentHint h;
        h.node = n;
        h.job = topo.job;
        targets.push_back(h);
        ++unwatched;
      }
      size_t added = 0;
      for (const std::string& n : metric_nodes) {
        if (added >= kMaxTelemetryNodes) break;
        if (n == alert_hint.node) continue;
        ComponentHint h;
        h.node = n;
        h.job = topo.job;
        targets.push_back(h);
        ++added;
      }
    }
    // The symptom shows where it is logged (often rank 0); its cause is where lines point.
    if (leader_is_effect) targets.insert(targets.begin(), mentioned.begin(), mentioned.end());
    if (targets.empty() && topo.nodes.size() == 1) {
      ComponentHint h;
      h.node = *topo.nodes.begin();
      targets.push_back(h);
    }
    // The GPUs and nodes a line names as the slow participant (1d) while the straggler is a leading
    // hypothesis of the first round: its intrusive straggler tests there (the GEMM, the HBM
    // bandwidth: catalog fail_supports >= kFirstWaveTestSupport) are the check that decides, so
    // they are candidates of the first wave whatever their expected gain and are not held back for
    // the non-intrusive probes' results (RG11: with the straggler at 0.14 before probes, neither was
    // informative enough for round 1, and the HBM test ran in round 2 after the health sweep). The
    // one-intrusive-probe-a-GPU cap stands: the GPU's quickest test goes first, the others only if
    // its result leaves the answer open (running the GEMM beside the HBM test in round 1 raised the
    // sets' planned time by 5 %: the HBM result alone had decided most of those cases).
    // (The straggler's posterior, not its share in pmap: a leading symptom gives half its share to
    // its causes there.)
    std::set<std::string> slow_named_at;
    {
      const auto straggler_p = std::find_if(ranked.begin(), ranked.end(), [](const auto& r) { return r.first == "straggler_rank"; });
      if (options_.first_wave && round == 1 && straggler_p != ranked.end() &&
          straggler_p->second >= kFirstWaveLeadShare) {
        for (const Observation& o : b.observations()) {
          if (!o.slow_named || o.hint.node.empty()) continue;
          slow_named_at.insert(o.hint.gpu >= 0 && !o.hint.node_wide
                                   ? o.hint.node + "/gpu" + std::to_string(o.hint.gpu)
                                   : o.hint.node);
        }
      }
    }
    auto tests_straggler = [](const ProbeSpec& spec) {
      for (const CategoryEvidence& ce : spec.evidence) {
        if (ce.category == "straggler_rank" && ce.fail_supports >= kFirstWaveTestSupport) return true;
      }
      return false;
    };
    auto slow_named_test = [&](const ProbeSpec& spec, const std::string& target) {
      return spec.intrusive && tests_straggler(spec) && slow_named_at.count(target) > 0;
    };
    std::vector<Candidate> cands;
    for (const ProbeSpec& spec : ProbeCatalog()) {
      if (spec.intrusive && !options_.allow_intrusive) continue;
      double gain = ExpectedInformationGain(spec, pmap);
      const bool weak = gain < options_.min_gain_bits;
      if (weak && (slow_named_at.empty() || !spec.intrusive || !tests_straggler(spec))) continue;
      std::set<std::string> tset;
      for (const ComponentHint& h : targets) {
        if (spec.target_kind == ProbeTargetKind::kGpu) {
          // A GPU the node does not have (an alert's label, a log's "GPU 7" on a 1-GPU node) is
          // no target: its probe could only answer that the GPU does not exist.
          if (h.gpu >= 0 && gpu_may_exist(h.node, h.gpu)) tset.insert(h.node + "/gpu" + std::to_string(h.gpu));
          // A hypothesis placed on a node known to have one GPU (the topology's or the probes'
          // count) is placed on that GPU: per-GPU probes go to it. Before, a node-level straggler
          // on a 1-GPU node got no GEMM or HBM test at all once the sweep's launch test passed.
          if (h.gpu < 0 && known_one_gpu(h.node)) tset.insert(h.node + "/gpu0");
        } else if (spec.target_kind == ProbeTargetKind::kNode) {
          if (!too_few_gpus(spec, h.node)) tset.insert(h.node);
        } else if (!h.job.empty()) {
          tset.insert("job/" + h.job);
        }
      }
      for (const std::string& t : tset) {
        if (ran.count(std::string(spec.name) + "@" + t)) continue;
        if (weak && !slow_named_test(spec, t)) continue;
        cands.push_back({&spec, t, gain});
      }
    }
    // GPUs per node for the sweep and the peer comparison: gpus_on (the topology's, the probes'
    // count, else kAssumedGpusPerNode).
    // A node named without a GPU (a slow node, a node-wide fault): sweep every GPU of the node
    // with the most informative non-intrusive GPU probe (the sweep runs in parallel).
    std::vector<Candidate> sweep;
    {
      const ProbeSpec* best = nullptr;
      double best_gain = 0;
      for (const ProbeSpec& spec : ProbeCatalog()) {
        if (spec.intrusive || spec.target_kind != ProbeTargetKind::kGpu) continue;
        double gain = ExpectedInformationGain(spec, pmap);
        if (gain >= options_.min_gain_bits && gain > best_gain) {  // most informative: all run at once
          best = &spec;
          best_gain = gain;
        }
      }
      // A slow node (a straggler placed on a node, not on one of its GPUs) is slow in its GPUs or
      // in its host: the host side (CPU contention, a CPU clocked down, cgroup throttling) shows as
      // a late empty-kernel launch on every GPU of the node while the GPU-side checks pass. The
      // kernel-launch test joins the sweep of such a node beside the most informative probe (its
      // catalog weight for a straggler is low because it only sees the host half of the cause).
      const ProbeSpec* launch = nullptr;
      auto straggler = pmap.find("straggler_rank");
      if (ranked[0].first == "straggler_rank" ||
          (straggler != pmap.end() && straggler->second >= kFirstWaveLeadShare)) {
        launch = FindProbe("gpu.kernel_launch");
        if (launch == best || (launch != nullptr && launch->intrusive)) launch = nullptr;
      }
      std::set<std::string> swept;
      for (const ComponentHint& h : targets) {
        if (best == nullptr || h.gpu >= 0 || !swept.insert(h.node).second || swept.size() > 2) continue;
        const bool slow_node = launch != nullptr && b.Component("straggler_rank", topo.job).node == h.node &&
                               b.Component("straggler_rank", topo.job).gpu < 0;
        for (int g = 0, gpus = gpus_on(h.node); g < gpus; ++g) {
          std::string t = h.node + "/gpu" + std::to_string(g);
          if (!ran.count(std::string(best->name) + "@" + t)) sweep.push_back({best, t, best_gain});
          if (slow_node && !ran.count(std::string(launch->name) + "@" + t)) {
            sweep.push_back({launch, t, ExpectedInformationGain(*launch, pmap)});
          }
        }
      }
    }
    // A job-wide numerics symptom (loss spike, NaN, grad-norm blow-up) leads: a GPU that computes
    // wrong results can sit on any replica of the job, so the node-level checksum vote runs on
    // every node of the job at once. So when silent data corruption itself leads and its evidence
    // pins no GPU by hardware (a replica checksum mismatch read from rank 0's log): the checker's
    // log is where the vote was printed, not where the bad GPU is.
    // A GPU guessed from the writer's rank (rank 0's log reporting the vote) places nothing either.
    const ComponentHint sdc_at = b.Component("gpu_silent_data_corruption", topo.job);
    const bool sdc_unplaced =
        ranked[0].first == "gpu_silent_data_corruption" && (sdc_at.gpu < 0 || sdc_at.gpu_from_rank);
    if ((layer_of(ranked[0].first) == "numerics" || sdc_unplaced) && !topo.node_order.empty()) {
      const ProbeSpec* sdc = FindProbe("gpu.sdc");
      if (sdc != nullptr && (!sdc->intrusive || options_.allow_intrusive) &&
          ExpectedInformationGain(*sdc, pmap) >= options_.min_gain_bits) {
        for (size_t i = 0; i < topo.node_order.size() && i < kMaxJobSweepNodes; ++i) {
          if (!ran.count(std::string(sdc->name) + "@" + topo.node_order[i])) {
            sweep.push_back({sdc, topo.node_order[i], ExpectedInformationGain(*sdc, pmap)});
          }
        }
      }
    }
    std::stable_sort(cands.begin(), cands.end(), [](const Candidate& x, const Candidate& y) {
      return x.gain / x.spec->expected_duration_s > y.gain / y.spec->expected_duration_s;
    });
    if (cands.empty() && sweep.empty()) {
      if (tr != nullptr) {
        tr->push_back(
            {{"type", "thought"}, {"text", "no probe is expected to separate the leading hypotheses"}});
      }
      return chosen;
    }
    // The first wave: when some non-intrusive probe is informative, round 1 runs only those (on
    // every leading hypothesis' component at once); the intrusive ones wait for what it leaves
    // undecided.
    // An intrusive probe still goes in the first wave when it tests a leading hypothesis that no
    // non-intrusive candidate can test (silent data corruption needs the checksum vote, a slow GPU
    // the GEMM): deferring it would only delay the one check that can decide.
    bool cheap_first = false;
    std::set<std::string> lead, covered;
    auto tests = [](const ProbeSpec& spec, const std::string& cat) {
      for (const CategoryEvidence& ce : spec.evidence) {
        if (ce.category == cat && ce.fail_supports >= kFirstWaveTestSupport) return true;
      }
      return false;
    };
    if (options_.first_wave && round == 1) {
      for (const auto& [cat, p] : pmap) {
        if (p >= kFirstWaveLeadShare) lead.insert(cat);
      }
      // A leading symptom's causes are all leading: its round on them must test each one.
      if (leader_is_effect) lead.insert(effect->second.begin(), effect->second.end());
      for (const std::vector<Candidate>* list : {&cands, &sweep}) {
        for (const Candidate& cand : *list) {
          if (cand.spec->intrusive) continue;
          cheap_first = true;
          for (const std::string& cat : lead) {
            if (tests(*cand.spec, cat)) covered.insert(cat);
          }
        }
      }
      if (cheap_first && tr != nullptr) {
        tr->push_back({{"type", "thought"},
                       {"text", "first wave: the non-intrusive probes of every leading hypothesis at once; "
                                "intrusive probes only for what it leaves open"}});
      }
    }
    auto held_back = [&](const Candidate& cand) {
      if (!cheap_first || !cand.spec->intrusive) return false;
      if (slow_named_test(*cand.spec, cand.target)) return false;
      for (const std::string& cat : lead) {
        if (tests(*cand.spec, cat) && !covered.count(cat)) return false;
      }
      return true;
    };
    std::set<std::string> picked;
    // At most kIntrusivePerGpuPerWave intrusive probes per GPU per wave: intrusive GPU probes
    // (GEMM, HBM, PCIe bandwidth) on one GPU run one after another anyway, so the most informative
    // per second go now and the rest wait for the next round, where their results may have made
    // them unnecessary (the confirmed-leader stop) instead of queueing behind them for nothing.
    // Node-wide tests are not held back (each conflicts with the others on its node; deferring
    // them would spend rounds).
    std::map<std::string, size_t> gpu_busy;
    for (const Candidate& cand : cands) {
      bool full = chosen.size() >= options_.max_probes_per_round;
      if (full || probes_run + chosen.size() >= options_.max_probes) break;
      if (held_back(cand)) continue;
      if (cand.spec->intrusive && cand.spec->target_kind == ProbeTargetKind::kGpu &&
          ++gpu_busy[cand.target] > kIntrusivePerGpuPerWave) {
        continue;
      }
      picked.insert(std::string(cand.spec->name) + "@" + cand.target);
      chosen.push_back({cand,
                        "expected gain " + std::to_string(cand.gain) + " bits in ~" +
                            std::to_string(cand.spec->expected_duration_s) + " s",
                        ""});
    }
    for (const Candidate& cand : sweep) {
      std::string key = std::string(cand.spec->name) + "@" + cand.target;
      if (held_back(cand)) continue;
      if (ran.count(key) || !picked.insert(key).second) continue;
      chosen.push_back({cand, kSweepWhy, ""});
    }
    // Peer comparison: the same probe on the suspect GPU's node peers, in the same wave.
    if (options_.peer_comparison) {
      // A node whose GPUs this wave's checksum vote compares (gpu.sdc runs the same GEMM on every
      // GPU of the node and names the one that disagrees) while silent data corruption leads: the
      // vote is itself the comparison of the suspect with its peers, for the leading hypothesis.
      // When it names the GPU the leader is confirmed and verification stops; when it passes, the
      // node is cleared of it. The peers' gpu.health / gpu.gemm cannot change that ranking, so they
      // are not planned beside it (holdout15 m009: 16 of 28 steps were such peers, RV-RL6's note).
      std::set<std::string> voted_nodes;
      for (const Choice& ch : chosen) {
        if (ch.cand.spec->name == "gpu.sdc" && ch.cand.spec->target_kind == ProbeTargetKind::kNode &&
            tests(*ch.cand.spec, ranked[0].first)) {
          voted_nodes.insert(HintFromTarget(ch.cand.target).node);
        }
      }
      std::map<std::string, const ComponentHint*> suspects;  // "node/gpuN" -> its hint
      for (const ComponentHint& h : targets) {
        if (h.gpu < 0 || h.node.empty() || suspects.size() >= kPeerSuspects) continue;
        if (voted_nodes.count(h.node)) continue;
        suspects.emplace(h.node + "/gpu" + std::to_string(h.gpu), &h);
      }
      // Non-intrusive peers for the most informative non-intrusive probe only (gpu.health reads
      // ECC, remaps, clocks, temperature, power, PCIe and NVLink at once): the comparison that
      // matters, without multiplying every cheap probe by the node's GPUs.
      const ProbeSpec* best_cheap = nullptr;
      double best_cheap_gain = 0;
      for (const Choice& ch : chosen) {
        if (!ch.cand.spec->intrusive && ch.cand.spec->target_kind == ProbeTargetKind::kGpu &&
            ch.cand.gain > best_cheap_gain) {
          best_cheap = ch.cand.spec;
          best_cheap_gain = ch.cand.gain;
        }
      }
      std::vector<Choice> peers;
      for (const Choice& ch : chosen) {
        const ProbeSpec* spec = ch.cand.spec;
        auto suspect = suspects.find(ch.cand.target);
        if (spec->target_kind != ProbeTargetKind::kGpu || !ch.peer_of.empty() ||
            (!spec->intrusive && spec != best_cheap) || suspect == suspects.end()) {
          continue;
        }
        const std::string& t = ch.cand.target;
        const std::string& node = suspect->second->node;
        const int gpu = suspect->second->gpu;
        std::vector<int> peer_gpus;
        const int gpus = gpus_on(node);
        if (spec->intrusive) {
          int g = gpu > 0 ? gpu - 1 : gpu + 1;
          if (g < gpus) peer_gpus.push_back(g);
        } else {
          for (int g = 0; g < gpus; ++g) {
            if (g != gpu) peer_gpus.push_back(g);
          }
        }
        std::string suspect_key = std::string(spec->name) + "@" + t;
        for (int g : peer_gpus) {
          std::string pt = node + "/gpu" + std::to_string(g);
          std::string key = std::string(spec->name) + "@" + pt;
          if (ran.count(key)) continue;
          if (picked.count(key)) {
            // Already in this wave (a sweep of the node): it is compared with the suspect too.
            for (Choice& other : chosen) {
              if (other.peer_of.empty() && other.cand.spec == spec && other.cand.target == pt) {
                other.peer_of = suspect_key;
              }
            }
            continue;
          }
          if (probes_run + chosen.size() + peers.size() >= options_.max_probes) break;
          if (spec->intrusive && ++gpu_busy[pt] > kIntrusivePerGpuPerWave) continue;
          picked.insert(key);
          peers.push_back({{spec, pt, ch.cand.gain}, "peer of " + t + ": the same probe, compared", suspect_key});
        }
      }
      for (Choice& p : peers) chosen.push_back(std::move(p));
    }
    return chosen;
  };
  // Per-step observations of one round's results (nullopt: not evidence), added to `b`.
  auto apply_round = [&](Beliefs& b, std::vector<Observation> round_obs) {
    // A probe that passed on one target and failed on another has located the fault: the pass
    // clears that target, not the category (the checksum vote passing on node-2 says nothing
    // about node-3, where it failed).
    for (Observation& o : round_obs) {
      if (o.evidence.refutes.empty()) continue;
      std::string probe = o.evidence.source.substr(0, o.evidence.source.find('@'));
      auto failed_elsewhere = [&](const Observation& f) {
        return f.evidence.kind == EvidenceKind::kProbe && !f.evidence.supports.empty() &&
               f.evidence.source.substr(0, f.evidence.source.find('@')) == probe;
      };
      std::set<std::string> located;
      for (const Observation& f : round_obs) {
        if (failed_elsewhere(f)) located.insert(f.evidence.supports.begin(), f.evidence.supports.end());
      }
      for (const Observation& f : b.observations()) {
        if (failed_elsewhere(f)) located.insert(f.evidence.supports.begin(), f.evidence.supports.end());
      }
      for (const std::string& cat : located) {
        if (o.deltas.erase(cat) == 0) continue;
        o.evidence.refutes.erase(std::remove(o.evidence.refutes.begin(), o.evidence.refutes.end(), cat),
                                 o.evidence.refutes.end());
        o.evidence.detail += "  [clears this target only: the probe failed elsewhere for " + cat + "]";
      }
      // Likewise a fault that a log line pins to one GPU of another node by the hardware it names
      // (the driver's "Xid (PCI:0000:ba:00): 62" on gpu-b02): a healthy GPU on gpu-b01 clears
      // gpu-b01, not the GPU the driver reported.
      std::set<std::string> pinned_elsewhere;
      for (const Observation& f : b.observations()) {
        // A bare "GPU 3" is no hardware claim (under CUDA_VISIBLE_DEVICES every rank sees GPU 0).
        if (f.evidence.kind != EvidenceKind::kLog || f.evidence.weight <= 0 || f.hint.gpu < 0 || f.hint.gpu_from_rank ||
            f.hint.gpu_bare || f.hint.node.empty() || o.hint.node.empty() || f.hint.node == o.hint.node) {
          continue;
        }
        pinned_elsewhere.insert(f.evidence.supports.begin(), f.evidence.supports.end());
      }
      for (const std::string& cat : pinned_elsewhere) {
        if (located.count(cat) || o.deltas.erase(cat) == 0) continue;
        o.evidence.refutes.erase(std::remove(o.evidence.refutes.begin(), o.evidence.refutes.end(), cat),
                                 o.evidence.refutes.end());
        o.evidence.detail += "  [clears this target only: " + cat + " is pinned to a GPU of another node by its log]";
      }
    }
    for (Observation& o : round_obs) b.Add(std::move(o));
  };
  // The previous round, kept to find which of its results each next probe waited for.
  struct PreviousRound {
    size_t first = 0, end = 0;                       // its steps: d.steps[first, end)
    std::vector<std::optional<Observation>> obs;     // per step
    std::optional<Beliefs> before;                   // beliefs before its results
    std::set<std::string> explained_before;
  } prev;
  // Dependencies of the probes chosen for `round` (>= 2). A probe waits for every step of the
  // rounds before the previous one (its beliefs were built on them) and for the previous round's
  // results in the order they finish in the schedule, up to the first moment from which the choice
  // would have included it and kept including it as the remaining results came in (the choice
  // replayed on each prefix of those results). With every result in, the replay is the real
  // choice; a probe it does not reproduce depends on the whole previous round.
  auto round_dependencies = [&](int round, const std::vector<Choice>& final_choice) {
    std::vector<std::vector<std::string>> deps(final_choice.size());
    std::vector<std::string> older;
    for (size_t i = 0; i < prev.first; ++i) {
      if (d.steps[i].outcome != "skipped") older.push_back(d.steps[i].id);
    }
    std::vector<StepTiming> timing = ScheduleSteps(d.steps, ProbeStepsConflict, options_.max_parallel);
    std::vector<double> ends;
    for (size_t i = prev.first; i < prev.end; ++i) ends.push_back(timing[i].finish_s);
    std::sort(ends.begin(), ends.end());
    ends.erase(std::unique(ends.begin(), ends.end()), ends.end());
    // chosen_from[k]: the choice with the results finished by ends[k - 1] (k = 0: none).
    std::vector<std::set<std::string>> chosen_from;
    for (size_t k = 0; k <= ends.size(); ++k) {
      Beliefs b = *prev.before;
      std::set<std::string> ex = prev.explained_before;
      std::vector<Observation> in;
      for (size_t i = prev.first; i < prev.end; ++i) {
        const std::optional<Observation>& o = prev.obs[i - prev.first];
        if (k > 0 && timing[i].finish_s <= ends[k - 1] && o) in.push_back(*o);
      }
      apply_round(b, std::move(in));
      explain_away_in(b, ex, nullptr);
      std::set<std::string> keys;
      for (const Choice& ch : choose(b, round, nullptr)) {
        keys.insert(std::string(ch.cand.spec->name) + "@" + ch.cand.target);
      }
      chosen_from.push_back(std::move(keys));
    }
    for (size_t c = 0; c < final_choice.size(); ++c) {
      std::string key = std::string(final_choice[c].cand.spec->name) + "@" + final_choice[c].cand.target;
      size_t k = chosen_from.size();
      while (k > 0 && chosen_from[k - 1].count(key)) --k;
      if (k == chosen_from.size()) k = ends.size();  // not reproduced: wait for the whole round
      // After a first wave of non-intrusive probes, what runs next runs because the whole wave
      // left the answer open (any of its results could have decided it): it waits for all of it.
      if (round == 2 && cause_round == 2) k = ends.size();
      deps[c] = older;
      for (size_t i = prev.first; i < prev.end; ++i) {
        if (k > 0 && timing[i].finish_s <= ends[k - 1] && d.steps[i].outcome != "skipped") {
          deps[c].push_back(d.steps[i].id);
        }
      }
    }
    return deps;
  };
  // A first wave of non-intrusive probes only is one round more than the budget's probe rounds:
  // the intrusive probes it holds back keep their max_rounds rounds after it (cause_round - 1
  // extra rounds).
    bool allow = options_.allow_intrusive;
    auto run = [probes, allow](const VerificationStep& s, double limit) -> StepResult {
      auto at = s.target.find('@');
      ProbeRequest req;
      req.probes = {s.target.substr(0, at)};
      req.target = s.target.substr(at + 1);
      req.time_limit_s = limit;
      req.allow_intrusive = allow;
      StepResult r;
      auto res = probes->Run(req);
      if (!res.ok() || res->empty()) {
        r.outcome = "error";
        r.result = Json{{"reason", res.ok() ? "executor returned no result" : res.status().ToString()}};
        return r;
      }
      const ProbeResult& pr = res->front();
      if (pr.duration_s > limit) {
        // An executor that does not enforce the limit itself (a replay of a recorded run): the
        // step ends at its limit, as a live executor would have ended it.
        r.outcome = "timeout";
        r.duration_s = limit;
        r.result = Json{{"reason", "no answer within the step limit of " + std::to_string(limit) + " s (took " +
                                       std::to_string(pr.duration_s) + " s)"}};
        // What the result said when it came (RG6: ReadProbeError reads it).
        r.result["result_status"] = std::string(ProbeStatusName(pr.status));
        if (!pr.reason.empty()) r.result["result_reason"] = pr.reason;
        return r;
      }
      r.outcome = std::string(ProbeStatusName(pr.status));
      // An unavailable answer takes the time its executor says (a live run's wall time; a replay
      // with nothing recorded, 0), never this thread's measured time (microseconds of a replay).
      r.duration_s = pr.duration_s > 0 || pr.status == ProbeStatus::kUnavailable ? pr.duration_s : -1;
      r.result = pr;
      // "GPU 7 does not exist (1 visible)": the target is wrong, not the GPU; never an error of it
      // (an error on a suspect whose peer answers reads as a GPU that stopped responding).
      if (pr.status == ProbeStatus::kError) {
        if (std::optional<MissingGpu> m = FindMissingGpu(pr.reason)) {
          r.outcome = "unavailable";
          r.result["status"] = "unavailable";
          r.result["reason"] = m->text;
        }
      }
      return r;
    };
  // A pass or fail result of step `target` ("probe@target") as an observation; nullopt when it
  // is no evidence (another outcome, a result that does not parse).
  auto observe = [&](const StepResult& r, const std::string& target) -> std::optional<Observation> {
    if (r.outcome != "pass" && r.outcome != "fail") return std::nullopt;
    auto pr = FromJson<ProbeResult>(r.result, "probe result");
    if (!pr.ok()) return std::nullopt;
    if (pr->target.empty()) pr->target = target.substr(target.find('@') + 1);
    if (pr->probe.empty()) pr->probe = target.substr(0, target.find('@'));
    // A kernel-log pass counts by the part of the alert's own time it covers.
    const KernelLogSpan span = KernelLogCoverageForAlert(*pr, c.alert ? c.alert->starts_at_ms : 0,
                                                          c.alert ? c.alert->active_at_ms : 0);
    auto ev = EvidenceCovered(*pr, "", span);
    if (!ev) return std::nullopt;
    Observation o;
    o.evidence = *ev;
    o.hint = HintFromTarget(pr->target);
    o.hint.job = topo.job;
    if (o.hint.hca.empty() && pr->status == ProbeStatus::kFail) o.hint.hca = OddHcaInDetails(pr->details);
    o.deltas = ProbeDeltasCovered(*pr, span.coverage);
    o.confirms = ProbeConfirms(*pr);
    RecoveredKernelLogFinding(o, *pr, recovered_nodes, recovered_cats, oom_other_process);
    // A GPU probe that passes clears its GPU, not the GPU's host: where the case shows the host's
    // cores taken (another user's process, FindCpuHog; a host-level straggler entry of the pack:
    // CPU quota throttling, steal time), a straggler on that node is explained by the host, and the
    // pass is not read against it. gpu.kernel_launch keeps its weight: its launch latency is timed
    // from the host's CPU, so it would show the contention.
    if (pr->status == ProbeStatus::kPass && pr->probe.rfind("gpu.", 0) == 0 && pr->probe != "gpu.kernel_launch" &&
        o.hint.gpu >= 0 && !o.hint.node.empty()) {
      auto sr = o.deltas.find("straggler_rank");
      bool host_side = false;
      for (const Observation& h : beliefs.observations()) {
        auto hs = h.deltas.find("straggler_rank");
        if (hs != h.deltas.end() && hs->second > 0 && h.hint.node == o.hint.node &&
            (h.host_side || h.hint.entry_component == "host")) {
          host_side = true;
          break;
        }
      }
      if (sr != o.deltas.end() && sr->second < 0 && host_side) {
        o.deltas.erase(sr);
        auto& refutes = o.evidence.refutes;
        refutes.erase(std::remove(refutes.begin(), refutes.end(), std::string("straggler_rank")), refutes.end());
        double strongest = 0;
        for (const auto& [cat, delta] : o.deltas) strongest = std::max(strongest, std::fabs(delta));
        o.evidence.weight = -strongest;
        o.evidence.detail += " [not read against straggler_rank: a passing GPU probe clears the GPU, not its host, and ";
        o.evidence.detail += o.hint.node;
        o.evidence.detail += "'s cores are taken]";
      }
    }
    NodeLocalPassBlind(o, *pr, beliefs, topo);
    NicLinkPassBlind(o, *pr, beliefs, topo);
    if (KernelLogCategories(*pr)) {
      // The kernel log's gravest finding names its GPU in the details (a bus id the probe mapped).
      if (o.hint.gpu < 0) o.hint.gpu = KernelLogGpu(*pr);
    } else {
      // "gpu5 disagrees ...", "gpu2 not enumerated": a node probe naming one GPU.
      static const std::regex kGpuInReason(R"(\bgpu(\d+)\b)", std::regex::icase);
      std::smatch m;
      // GPU pairs ("gpu0->gpu6 137.8, gpu1->gpu6 144.3"): the GPU they share, not the first named (PLC10).
      bool pairs = false;
      if (o.hint.gpu < 0) {
        o.hint.gpu = GpuCommonToPairs(pr->reason, &pairs);
      }
      if (o.hint.gpu < 0 && !pairs && std::regex_search(pr->reason, m, kGpuInReason)) o.hint.gpu = ParseInt32(m.str(1)).value_or(-1);
      // "GPU 3 disagreed with the plurality", "GPU #6 returned another checksum" (PLC22): a failed node
      // probe naming one GPU with a blank or '#' before its index places the finding there too; two
      // GPUs named so ("GPU 1 and GPU 5 disagreed") place none (realistic29 rl29-12: gpu.sdc's vote
      // named GPU 3 and the answer stayed on the node).
      if (o.hint.gpu < 0 && !pairs && pr->status == ProbeStatus::kFail) {
        static const std::regex kSpacedGpu(R"(\bgpu ?#? ?(\d{1,2})\b)", std::regex::icase);
        std::set<int> named;
        for (auto it = std::sregex_iterator(pr->reason.begin(), pr->reason.end(), kSpacedGpu); it != std::sregex_iterator(); ++it) {
          named.insert(ParseInt32((*it).str(1)).value_or(-1));
        }
        if (named.size() == 1 && *named.begin() >= 0) o.hint.gpu = *named.begin();
      }
    }
    // gpu.inventory short of the node's GPUs, run on a GPU that answered: not that GPU, but the node,
    // or the GPU whose bus id the result names missing (PLC10: realistic23 rl23-13 named gpu0, whose
    // own probes passed, for the GPU at 0000:3a:00.0 that fell off the bus).
    // A reason naming the GPU it lacks ("gpu5 not enumerated by NVML or CUDA") placed it above.
    static const std::regex kNamesGpu(R"(\bgpu\d+\b)", std::regex::icase);
    if (InventoryCountShort(pr->probe, ProbeStatusName(pr->status), pr->reason, pr->metrics) &&
        !std::regex_search(pr->reason, kNamesGpu)) {
      o.hint.gpu = -1;
      if (const std::string key = PciKey(MissingBusIdInReason(pr->reason)); !key.empty()) {
        if (auto it = topo.node_pci_to_gpu.find({o.hint.node, key}); it != topo.node_pci_to_gpu.end()) o.hint.gpu = it->second;
        else if (auto ig = topo.pci_to_gpu.find(key); ig != topo.pci_to_gpu.end()) o.hint.gpu = ig->second;
      }
    }
    return o;
  };
  // Asks the GPU count of the nodes `choice` would run per-GPU probes on, when neither the topology
  // nor an earlier answer gave it: a node-level gpu.inventory each (non-intrusive, ~0.1 s), all at
  // once. A pass feeds only the count (a node-level pass cannot see a GPU that fell off the bus
  // unless told how many to expect); a fail ("NVML sees 8 GPUs but CUDA sees 7") is evidence too:
  // the count then keeps the lost GPU out of the per-GPU probes, so this is the only word on it.
  // Returns the ids of the steps it ran.
  // With the topology's gpus_per_node the count is known but not whether the GPUs answer: live
  // probes (a command executor) ask all the same, so that a host with no usable driver gets no
  // per-GPU round (VER2: 25 steps there, each answering "no usable GPU"). A replay of recorded
  // results is not asked (the sets' cases give gpus_per_node and record no inventory).
  int planning_round = 1;  // the round count_gpus asks for (the onlooker's Planned)
  auto count_gpus = [&](const std::vector<Choice>& choice) {
    std::vector<std::string> ids;
    const ProbeSpec* inventory = FindProbe("gpu.inventory");
    const bool topology_count = topo.gpus_per_node > 0;
    if (inventory == nullptr || (topology_count && !IsCommandExecutor(*probes))) return ids;
    const int assumed = topology_count ? topo.gpus_per_node : kAssumedGpusPerNode;
    std::vector<VerificationStep> steps;
    for (const Choice& ch : choice) {
      if (ch.cand.spec->target_kind != ProbeTargetKind::kGpu) continue;
      std::string node = HintFromTarget(ch.cand.target).node;
      if (node.empty() || node_gpus.count(node) || !count_asked.insert(node).second) continue;
      VerificationStep s;
      s.id = "s" + std::to_string(d.steps.size() + steps.size() + 1);
      s.action = "run_probe";
      s.target = std::string(inventory->name) + "@" + node;
      s.expected_s = inventory->expected_duration_s;
      ran.insert(s.target);
      steps.push_back(s);
      trace.push_back({{"type", "tool_call"}, {"tool", "run_probe"},
                       {"arguments", {{"probe", inventory->name}, {"target", node}}},
                       {"why", topology_count ? kGpuCountLiveWhy : kGpuCountWhy}});
    }
    if (steps.empty()) return ids;
    std::vector<VerificationStep> to_run = steps;
    if (onlooker != nullptr) {
      std::vector<PlannedProbeStep> planned;
      for (const VerificationStep& s : steps) {
        planned.push_back({std::string(inventory->name), s.target.substr(s.target.find('@') + 1)});
      }
      onlooker->Planned(planning_round, planned);
    }
    auto results = planner.Execute(to_run, run);
    if (!results.ok()) {
      d.unverified.push_back("GPU count query rejected: " + results.status().message());
      return ids;
    }
    std::vector<Observation> failed;  // inventories that failed: evidence
    // They ran after every earlier step (a count asked in a later round waited for the rounds before).
    std::vector<std::string> before;
    for (const VerificationStep& s : d.steps) {
      if (s.outcome != "skipped") before.push_back(s.id);
    }
    for (size_t i = 0; i < steps.size(); ++i) {
      const StepResult& r = (*results)[i];
      steps[i].outcome = to_run[i].outcome;
      steps[i].duration_s = to_run[i].duration_s;
      steps[i].depends_on = before;
      const std::string node = steps[i].target.substr(steps[i].target.find('@') + 1);
      int n = -1;
      std::string reason;
      if (r.result.is_object() && r.result.contains("reason") && r.result["reason"].is_string()) {
        reason = r.result["reason"].get<std::string>();
      }
      if (auto pr = FromJson<ProbeResult>(r.result, "probe result"); pr.ok()) n = NodeGpuCount(*pr);
      if (n < 0) {
        if (std::optional<MissingGpu> m = FindMissingGpu(reason)) n = m->visible;
      }
      std::string fed;
      std::optional<Observation> o = r.outcome == "fail" ? observe(r, steps[i].target) : std::nullopt;
      if (ExecutorCannotReach(r.outcome, reason)) note_unreachable(steps[i].target, reason);
      if (n < 0 && NoUsableGpu(r.outcome, reason)) {
        // Before: 8 GPUs assumed, a sweep of vm/gpu0..gpu7 and the NCCL probes, each answering the same.
        node_gpus[node] = 0;
        fed = "the node's GPU count: 0 (no usable GPU there)";
        d.unverified.push_back("GPU count of " + node + ": 0 (gpu.inventory@" + node + ": unavailable, " +
                               Utf8Prefix(reason, 400) +
                               "): no GPU probe can run there, so no probe confirms or refutes a GPU "
                               "hypothesis on " + node + "; run them where the GPUs are");
      } else if (n > 0) {
        node_gpus[node] = n;
        fed = "the node's GPU count: " + std::to_string(n) + (o ? "; belief update (the inventory failed)" : "");
      } else if (o) {
        fed = "belief update (the inventory failed; no GPU count in it, up to " + std::to_string(assumed) +
              " GPUs assumed)";
      } else if (unreachable.count(node)) {
        fed = "nothing (no probe can run on the node with this executor)";
      } else if (r.result.is_object() && r.result.value("budget", false)) {
        // Abandoned at the verification's time budget: no GPU probe runs after it, and the budget's
        // line names this step. Before: "... unknown (...): up to 8 GPUs probed", none was.
        fed = "nothing (abandoned at the verification's time budget; no GPU probed)";
      } else {
        fed = "nothing (no GPU count in the answer; up to " + std::to_string(assumed) + " GPUs assumed)";
        d.unverified.push_back("GPU count of " + node + " unknown (gpu.inventory@" + node + ": " + r.outcome +
                               (reason.empty() ? "" : ", " + Utf8Prefix(reason, 200)) + "): up to " +
                               std::to_string(assumed) + " GPUs probed" +
                               (topology_count ? " (the topology's gpus_per_node)" : ""));
      }
      trace.push_back({{"type", "tool_result"}, {"tool", "run_probe"}, {"step", steps[i].id},
                       {"target", steps[i].target}, {"outcome", r.outcome}, {"result", r.result}, {"fed", fed}});
      ids.push_back(steps[i].id);
      if (r.outcome != "unavailable") ++probes_run;  // an unavailable answer ran no test: no budget spent
      d.steps.push_back(std::move(steps[i]));
      if (o) failed.push_back(std::move(*o));
    }
    if (!failed.empty()) {
      apply_round(beliefs, std::move(failed));
      explain_away();
    }
    return ids;
  };
  for (int round = 1; probes != nullptr && round < options_.max_rounds + cause_round; ++round) {
    std::vector<Choice> choice = choose(beliefs, round, &trace);
    drop_unreachable(choice);
    if (choice.empty()) break;
    if (planner_options.deadline && std::chrono::steady_clock::now() >= *planner_options.deadline) {
      budget_stopped_rounds = true;  // the round had probes to run
      break;
    }
    // Per-GPU probes wait for the count of their node's GPUs (none past it), then the round is
    // chosen again with it.
    planning_round = round;
    std::vector<std::string> count_ids = count_gpus(choice);
    if (!count_ids.empty()) {
      // The budget ran out during the count query: no round after it. Before (VER2), the round was
      // built and every step of it skipped, so the budget's line named "17 step(s) not run" on 8
      // assumed GPUs (gpu.health@vm/gpu7 on a host with none).
      if (planner_options.deadline && std::chrono::steady_clock::now() >= *planner_options.deadline) {
        budget_stopped_rounds = true;
        break;
      }
      choice = choose(beliefs, round, nullptr);
      drop_unreachable(choice);
      if (choice.empty()) break;
    }
    if (round == 1 && options_.first_wave && options_.allow_intrusive &&
        std::none_of(choice.begin(), choice.end(), [](const Choice& ch) { return ch.cand.spec->intrusive; })) {
      cause_round = 2;
    }
    std::vector<std::vector<std::string>> deps(choice.size());
    if (round > 1) deps = round_dependencies(round, choice);
    for (std::vector<std::string>& dep : deps) dep.insert(dep.end(), count_ids.begin(), count_ids.end());
    std::vector<VerificationStep> steps;
    for (size_t c = 0; c < choice.size(); ++c) {
      const Candidate& cand = choice[c].cand;
      VerificationStep s;
      s.id = "s" + std::to_string(d.steps.size() + steps.size() + 1);
      s.action = "run_probe";
      s.target = std::string(cand.spec->name) + "@" + cand.target;
      s.expected_s = cand.spec->expected_duration_s;
      s.depends_on = deps[c];
      ran.insert(s.target);
      steps.push_back(s);
      trace.push_back({{"type", "tool_call"}, {"tool", "run_probe"},
                       {"arguments", {{"probe", cand.spec->name}, {"target", cand.target}}},
                       {"why", choice[c].why}});
    }
    // Dependencies on earlier rounds are already satisfied; the planner sees only this round
    // (and keeps its conflicting probes apart).
    std::vector<VerificationStep> to_run = steps;
    for (VerificationStep& s : to_run) s.depends_on.clear();
    if (onlooker != nullptr) {
      std::vector<PlannedProbeStep> planned;
      for (const Choice& ch : choice) planned.push_back({std::string(ch.cand.spec->name), ch.cand.target});
      onlooker->Planned(round, planned);
    }
    auto results = planner.Execute(to_run, run);
    if (!results.ok()) {
      d.unverified.push_back("verification plan rejected: " + results.status().message());
      break;
    }
    std::vector<std::optional<Observation>> step_obs(to_run.size());
    for (size_t i = 0; i < to_run.size(); ++i) {
      steps[i].outcome = to_run[i].outcome;
      steps[i].duration_s = to_run[i].duration_s;
      const StepResult& r = (*results)[i];
      // The probe budget (max_probes) counts the probes that ran a test: an `unavailable` answer (no
      // GPU, no readable kernel log, nothing recorded) ran none, and is no evidence either (below);
      // counted, it took the place of a later probe that could have confirmed the answer.
      if (r.outcome != "unavailable") ++probes_run;
      if (r.outcome != "pass" && r.outcome != "fail") {
        std::string reason = r.result.is_object() && r.result.contains("reason") && r.result["reason"].is_string()
                                 ? r.result["reason"].get<std::string>() : "";
        // The probe says how many GPUs the node has: none past it in the rounds after.
        if (std::optional<MissingGpu> m = FindMissingGpu(reason); m && m->visible > 0) {
          const std::string node = HintFromTarget(steps[i].target.substr(steps[i].target.find('@') + 1)).node;
          auto known = node_gpus.find(node);
          node_gpus[node] = known == node_gpus.end() ? m->visible : std::min(known->second, m->visible);
        }
        if (NoUsableGpu(r.outcome, reason)) {
          node_gpus[HintFromTarget(steps[i].target.substr(steps[i].target.find('@') + 1)).node] = 0;
        }
        if (ExecutorCannotReach(r.outcome, reason)) note_unreachable(steps[i].target, reason);
        // Steps the budget left out are listed once, in the budget's line below.
        if (!(r.outcome == "skipped" && r.result.value("budget", false))) {
          d.unverified.push_back("probe " + steps[i].target + ": " + r.outcome + (reason.empty() ? "" : " (" + reason + ")"));
        }
        continue;
      }
      step_obs[i] = observe(r, steps[i].target);
      beliefs.AddRanProbe(steps[i].target, r.result);
    }
    // A late empty-kernel launch found by the sweep of a slow node is the node's host (its launch
    // path), not the GPU it ran on, unless another GPU of the same node launched in time in this
    // round (then it is that GPU). A node with one GPU has no other to tell them apart: the GPU.
    for (size_t i = 0; i < steps.size(); ++i) {
      if (!step_obs[i] || steps[i].outcome != "fail" || choice[i].why != kSweepWhy ||
          !step_obs[i]->evidence.supports.size() || step_obs[i]->evidence.supports[0] != "straggler_rank" ||
          gpus_on(step_obs[i]->hint.node) <= 1) {
        continue;
      }
      const std::string probe = steps[i].target.substr(0, steps[i].target.find('@'));
      bool gpu_peer_passed = false;
      for (size_t j = 0; j < steps.size(); ++j) {
        if (j == i || steps[j].outcome != "pass" || !step_obs[j]) continue;
        gpu_peer_passed = gpu_peer_passed ||
                          (steps[j].target.substr(0, steps[j].target.find('@')) == probe &&
                           step_obs[j]->hint.node == step_obs[i]->hint.node && step_obs[j]->hint.gpu >= 0);
      }
      if (!gpu_peer_passed) step_obs[i]->hint.gpu = -1;
    }
    // What each result fed (the trace's `fed`); peers compared with their suspect.
    std::vector<std::string> fed(steps.size());
    for (size_t i = 0; i < steps.size(); ++i) {
      if (step_obs[i]) {
        fed[i] = "round " + std::to_string(round) + " belief update";
      } else if (steps[i].outcome == "error" || steps[i].outcome == "timeout") {
        fed[i] = "unverified list (the probe ran and gave no verdict)";
      }
    }
    if (options_.peer_comparison) {
      std::map<std::string, size_t> step_of;
      for (size_t i = 0; i < steps.size(); ++i) step_of[steps[i].target] = i;
      std::set<size_t> odd_one_out, unresponsive;
      for (size_t i = 0; i < steps.size(); ++i) {
        if (choice[i].peer_of.empty() || !step_obs[i]) continue;
        auto js = step_of.find(choice[i].peer_of);
        if (js == step_of.end()) continue;
        size_t j = js->second;
        Observation& peer = *step_obs[i];
        const std::string suspect = steps[j].target.substr(steps[j].target.find('@') + 1);
        if (steps[i].outcome == "fail") {
          // A fault on the peer too: ordinary evidence at the peer (two GPUs of one node failing for
          // one category make it the node's).
          peer.evidence.detail += "  [peer of " + suspect +
                                  (steps[j].outcome == "fail" ? ": reads the same as the suspect]"
                                                              : ": the odd one out is this peer]");
          continue;
        }
        // A healthy peer says nothing about the suspect on its own: no refutation.
        peer.deltas.clear();
        peer.evidence.refutes.clear();
        peer.evidence.weight = 0;
        if (steps[j].outcome == "fail" && step_obs[j]) {
          peer.evidence.detail += "  [peer of " + suspect + ", which fails: the suspect is the odd one out]";
          fed[i] = "round " + std::to_string(round) + " belief update: peer comparison with " + steps[j].id +
                   " (odd one out)";
          if (odd_one_out.insert(j).second) {
            Observation& sus = *step_obs[j];
            for (auto& [cat, delta] : sus.deltas) {
              if (delta > 0) delta *= kPeerOddOneOutFactor;
            }
            sus.evidence.detail += "  [the odd one out: the same probe passes on its peers]";
            if (sus.evidence.weight > 0) sus.evidence.weight *= kPeerOddOneOutFactor;
          }
        } else if (steps[j].outcome == "error") {
          peer.evidence.detail += "  [peer of " + suspect + ", where the same probe got no answer]";
          fed[i] = "round " + std::to_string(round) + " belief update: peer comparison with " + steps[j].id +
                   " (the suspect does not respond)";
          if (unresponsive.insert(j).second) {
            Observation o;
            o.evidence.kind = EvidenceKind::kProbe;
            o.evidence.source = "probe " + steps[j].target;
            o.evidence.detail = "no answer from " + suspect + " while the same probe answers on its peer " +
                                steps[i].target.substr(steps[i].target.find('@') + 1) +
                                ": the GPU itself does not respond";
            o.evidence.supports = {"gpu_fallen_off_bus", "gpu_firmware_error"};
            o.evidence.weight = kUnresponsiveBusWeight;
            o.hint = HintFromTarget(suspect);
            o.hint.job = topo.job;
            o.deltas = {{"gpu_fallen_off_bus", kUnresponsiveBusWeight},
                        {"gpu_firmware_error", kUnresponsiveFirmwareWeight}};
            step_obs[i] = std::move(o);  // in the peer's place: it needs the peer's answer
          }
        } else {
          // The suspect passed too (agreement: its own pass already refuted what it tests) or has
          // no result to compare with: the peer ran but fed nothing.
          peer.evidence.detail += "  [peer of " + suspect + ": nothing to compare with]";
          fed[i] = "";
        }
      }
    }
    // A probe error that is itself evidence (ReadProbeError, RG6): a collective test that hangs on
    // the node, a GPU call saying the GPU is lost. Not where the peer comparison above already read
    // the error (its observation names the step's target).
    for (size_t i = 0; i < steps.size(); ++i) {
      if (step_obs[i] || (steps[i].outcome != "error" && steps[i].outcome != "timeout")) continue;
      const std::string probe = steps[i].target.substr(0, steps[i].target.find('@'));
      const std::string target = steps[i].target.substr(steps[i].target.find('@') + 1);
      const Json& res = (*results)[i].result;
      auto text_of = [&res](const char* key) {
        return res.is_object() && res.contains(key) && res[key].is_string() ? res[key].get<std::string>() : std::string();
      };
      const bool timeout = steps[i].outcome == "timeout";
      // A replayed result past the limit keeps what it said; an `error` it recorded is read as one.
      const std::string reason = timeout ? text_of("result_reason") : text_of("reason");
      if (timeout && !res.is_null() && text_of("result_status") == "pass") continue;
      bool read_already = false;
      for (const auto& o : step_obs) read_already = read_already || (o && o->evidence.source == "probe " + steps[i].target);
      if (read_already) continue;
      bool peer_answered = false;
      const std::string node = HintFromTarget(target).node;
      auto answered = [&](const std::string& t, const std::string& outcome) {
        return (outcome == "pass" || outcome == "fail") && t.substr(0, t.find('@')) == probe &&
               HintFromTarget(t.substr(t.find('@') + 1)).node != node;
      };
      for (size_t j = 0; j < steps.size(); ++j) peer_answered = peer_answered || answered(steps[j].target, steps[j].outcome);
      for (const VerificationStep& s : d.steps) peer_answered = peer_answered || answered(s.target, s.outcome);
      // The same node-level test run on other nodes and answered on none (each hangs or errs): the
      // test or the stack under it fails everywhere, no one node's hang (RV-RG6: each node's error
      // was read as that node's hang, and the first node probed was named).
      bool peer_tried = false;
      auto tried = [&](const std::string& t, const std::string& outcome) {
        return (outcome == "error" || outcome == "timeout") && t.substr(0, t.find('@')) == probe &&
               HintFromTarget(t.substr(t.find('@') + 1)).node != node;
      };
      for (size_t j = 0; j < steps.size(); ++j) peer_tried = peer_tried || tried(steps[j].target, steps[j].outcome);
      for (const VerificationStep& s : d.steps) peer_tried = peer_tried || tried(s.target, s.outcome);
      if (probe.rfind("nccl.", 0) == 0 && peer_tried && !peer_answered) continue;
      std::optional<ProbeErrorReading> reading = ReadProbeError(probe, reason, timeout, peer_answered);
      if (!reading) continue;
      // A hang: the collective test's fail weight for it. A lost GPU: NVML's own word for a GPU off
      // the bus, weighed as gpu.health's failure for it (whichever GPU probe got the word).
      const ProbeSpec* spec = FindProbe(reading->category == "nccl_collective_hang" ? probe : "gpu.health");
      double w = kUnresponsiveBusWeight;
      if (spec != nullptr) {
        for (const CategoryEvidence& ce : spec->evidence) {
          if (ce.category == reading->category) w = kProbeFailWeight * ce.fail_supports;
        }
      }
      Observation o;
      o.evidence.kind = EvidenceKind::kProbe;
      o.evidence.source = "probe " + steps[i].target;
      o.evidence.detail = std::string(timeout ? "timeout: " : "error: ") + reading->text;
      o.evidence.supports = {reading->category};
      o.evidence.weight = w;
      o.hint = HintFromTarget(target);
      o.hint.job = topo.job;
      // A collective over the node's GPUs that hangs is the node's (its NVLink / NVSwitch, its
      // HCAs), not the GPU of a waiting rank's line there.
      o.hint.node_wide = reading->category == "nccl_collective_hang";
      // NVML naming another GPU by index than the probe's target ("nvmlDeviceGetHandleByIndex(2): GPU
      // is lost" from gpu.health@node/gpu5): a GPU of the node is lost, not the target; the node
      // (NVML's index and CUDA's ordinal need not agree, so not GPU 2 either; RV-RG6).
      if (reading->category == "gpu_fallen_off_bus" && o.hint.gpu >= 0) {
        static const std::regex kNvmlIndex(R"(\bnvmlDeviceGetHandleByIndex(?:_v2)?\((\d{1,4})\))");
        std::smatch ix;
        if (std::regex_search(reason, ix, kNvmlIndex) && std::stoi(ix[1].str()) != o.hint.gpu) o.hint.gpu = -1;
      }
      o.deltas = {{reading->category, w}};
      step_obs[i] = std::move(o);
      fed[i] = "round " + std::to_string(round) + " belief update: the probe's error read as evidence";
    }
    for (size_t i = 0; i < steps.size(); ++i) {
      const StepResult& r = (*results)[i];
      if (!choice[i].peer_of.empty() && fed[i].empty()) unfed.insert(steps[i].id);
      trace.push_back({{"type", "tool_result"}, {"tool", "run_probe"}, {"step", steps[i].id},
                       {"target", steps[i].target}, {"outcome", r.outcome}, {"result", r.result},
                       {"fed", fed[i].empty() ? "nothing" : fed[i]}});
    }
    prev.first = d.steps.size();
    prev.end = prev.first + steps.size();
    prev.before = beliefs;
    prev.explained_before = explained;
    prev.obs = step_obs;
    std::vector<Observation> round_obs;
    for (std::optional<Observation>& o : step_obs) {
      if (o) round_obs.push_back(std::move(*o));
    }
    apply_round(beliefs, std::move(round_obs));
    for (VerificationStep& s : steps) d.steps.push_back(std::move(s));
    explain_away();
    trace.push_back({{"type", "belief"}, {"round", round}, {"posterior", BeliefJson(beliefs)}});
    report_ranking(round);
  }
  if (planner_options.deadline) {
    std::vector<std::string> cut, not_run;  // abandoned at the budget; never started
    for (const Json& t : trace) {
      if (t.value("type", "") != "tool_result" || !t.contains("result") || !t["result"].is_object() ||
          !t["result"].value("budget", false)) {
        continue;
      }
      (t.value("outcome", "") == "skipped" ? not_run : cut).push_back(t.value("target", ""));
    }
    if (budget_stopped_rounds || !cut.empty() || !not_run.empty()) {
      // "after T s" is when the answer is made: after the abandoned steps' processes are gone (their
      // executor kills each at its cut limit plus its grace, 5 s for local:), not when probing was cut.
      const auto cut_at = std::chrono::steady_clock::now();
      planner.JoinAbandoned();
      const auto now = std::chrono::steady_clock::now();
      auto tenths = [](auto d) { return std::round(std::chrono::duration<double>(d).count() * 10) / 10; };
      std::ostringstream line;
      line << "verification stopped at its time budget of " << options_.verification_budget_s << " s, after "
           << tenths(now - verification_start) << " s";
      if (grace_s > 0) {
        line << " (probes were started and cut until " << tenths(*planner_options.deadline - verification_start)
             << " s, keeping the probe executor's grace of " << grace_s << " s to end a cut one";
        if (tenths(now - cut_at) > 0) line << "; ending the abandoned steps' processes took " << tenths(now - cut_at) << " s of it";
        line << ")";
      } else if (tenths(now - cut_at) > 0) {
        line << " (probing stopped at " << tenths(cut_at - verification_start) << " s; " << tenths(now - cut_at)
             << " s more went to ending the abandoned steps' processes, the probe executor's grace)";
      }
      line << ": ";
      auto list = [&line](const std::vector<std::string>& v) {
        for (size_t i = 0; i < v.size(); ++i) line << (i ? ", " : "") << v[i];
      };
      if (!cut.empty()) {
        line << cut.size() << " step(s) abandoned unfinished (";
        list(cut);
        line << "); ";
      }
      if (!not_run.empty()) {
        line << not_run.size() << " step(s) not run (";
        list(not_run);
        line << "); ";
      }
      line << (budget_stopped_rounds ? "no further probe round was started; " : "")
           << "the answer is from what was verified, and a hypothesis no probe verified stays open";
      d.unverified.push_back(line.str());
    }
  }

  // 6. The answer.
  double other = 0;
  beliefs.Posterior(&other);
  auto ranked = beliefs.Ranked();
  std::map<std::string, std::string> evidence_id_map;
  for (const Observation& o : beliefs.observations()) {
    if (o.evidence.weight == 0 && o.evidence.kind != EvidenceKind::kLog && !o.context) continue;
    d.evidence.push_back(o.evidence);
  }
  for (size_t i = 0; i < ranked.size() && i < 5; ++i) {
    const auto& [cat, p] = ranked[i];
    if (beliefs.Score(cat) <= 0 && !beliefs.RefutedByProbe(cat)) continue;
    Hypothesis h;
    h.category = cat;
    h.component = AnswerComponent(cat, layer_of(cat), beliefs, topo.job);
    h.probability = p;
    h.status = beliefs.ConfirmedByProbe(cat) ? HypothesisStatus::kConfirmed
               : beliefs.RefutedByProbe(cat) ? HypothesisStatus::kRefuted
               : HypothesisStatus::kOpen;
    for (const Observation& o : beliefs.observations()) {
      auto it = o.deltas.find(cat);
      if (it != o.deltas.end() && it->second != 0) h.evidence_ids.push_back(o.evidence.id);
    }
    std::ostringstream why;
    why << "log-odds " << std::round(beliefs.Score(cat) * 100) / 100 << " from " << h.evidence_ids.size()
        << " evidence items";
    h.rationale = why.str();
    d.hypotheses.push_back(std::move(h));
  }
  std::string served_why_not;  // why a served recall did not answer (StrongServedRecall), for the trace
  // A symptom named by the alert alone (a slow step, a hang, a crash, a loss spike: no device fact,
  // no log, metric or probe) is not a cause: several fit it, so the answer stays unknown with the
  // hypotheses ranked (SaySymptomAlertOnly), however far the alert's words lift one of them - its
  // line read like incidents, or three incidents its text recalled (review RV-AT: NCCLWatchdogTimeout
  // alone was answered nccl_collective_hang at 0.155; 159 of the 272 symptom answers of the
  // alert-only variants were wrong). An annotation the reasoner reads as a measurement (a peer
  // comparison with its ratio) or a device fact in the alert is not a symptom alone (AlertStatesFact).
  PreferFirstHand(c, topo.alert_node, beliefs.observations(), d.hypotheses);
  // Whether the leading hypothesis rests on the alert's own facts alone (RestsOnAlertAlone).
  const bool lead_alert_alone =
      !d.hypotheses.empty() &&
      RestsOnAlertAlone(c, topo.alert_node, beliefs.observations(), d.hypotheses[0].category, d.hypotheses[0].component);
  const bool symptom_alone = lead_alert_alone &&
                             !AlertStatesFact(beliefs.observations(), d.hypotheses[0].category,
                                              layer_of(d.hypotheses[0].category));
  // An answer resting on the alert alone that the probes which ran argue against is not named
  // (SayAlertRefuted): the alert's claim against a first-hand check of the same state.
  const std::vector<std::string> alert_refuted =
      lead_alert_alone ? ProbesRefuting(beliefs.observations(), d.hypotheses[0].category) : std::vector<std::string>();
  if (!symptom_alone && alert_refuted.empty() && !d.hypotheses.empty() && d.hypotheses[0].probability > other &&
      beliefs.Score(d.hypotheses[0].category) > 0) {
    const Hypothesis& top = d.hypotheses[0];
    d.root_cause = top.category;
    d.component = top.component;
    d.confidence = top.probability;
    // Mitigation: from the incident whose signatures matched most lines for this category; on a tie
    // (no log line matched: an alert with its metrics), the one with more of its metric conditions
    // held in this case. Before, a tie went to the first id: a GPU core-temperature alert (GPU_TEMP >
    // 85 and the SW-thermal clock bit held) was given the HBM-temperature incident's fix, "until
    // memory temperature is back in range", which shares only the clock bit (REV2's deployment review).
    std::set<std::string> held_conditions;  // "PATTERN held at ..." of the answer's category's metric evidence
    for (const Observation& o : beliefs.observations()) {
      if (o.evidence.kind != EvidenceKind::kMetric) continue;
      auto it = o.deltas.find(top.category);
      if (it == o.deltas.end() || it->second <= 0) continue;
      if (size_t at = o.evidence.detail.find(" held"); at != std::string::npos) {
        held_conditions.insert(o.evidence.detail.substr(0, at));
      }
    }
    std::map<std::string, std::pair<int, int>> votes;  // incident -> (log lines matched, metric conditions held)
    for (const SignatureMatch& m : facts.log_matches) if (m.category == top.category) ++votes[m.incident_id].first;
    for (const Signature& s : facts.metric_conditions) {
      if (s.category == top.category) votes[s.incident_id].second += held_conditions.count(s.pattern) ? 1 : 0;
    }
    // An incident filed under another part than the answer's (a host's CPU contention for a slow
    // rank a GEMM probe pinned on its GPU) has the other part's fix: one of the answer's part goes
    // first, then the votes (RG4, DOG's C: realistic7 rl7-21's fix was the CPU-contention one).
    // Only where a probe on the answer's part confirmed it: a slow rank is placed on its GPU by
    // default (rank -> GPU), and with the host's cores shown taken and no GPU probe failing, the
    // host's fix is the one the votes pick (review RV-RG4: realistic6 rl6-21, another user's
    // process at 4788 % on the host, got 'RMA a GPU that is consistently slow').
    bool part_confirmed = false;
    if (top.component.find('/') != std::string::npos) {
      std::string at = "@";
      at += top.component;
      for (const Observation& o : beliefs.observations()) {
        const std::string& src = o.evidence.source;
        auto it = o.deltas.find(top.category);
        if (it == o.deltas.end() || it->second <= 0 || src.rfind("probe ", 0) != 0) continue;
        // Probes whose failure the host causes as well do not pin the part: gpu.inventory finds
        // other processes on the GPU (a share the host-side fix ends), gpu.kernel_launch's latency
        // is the CPU's dispatch as much as the GPU's (holdout8 y055: 45 us with the rank's
        // cpu-side step time 0.81 s; dev case-061: 2 compute processes on the GPU).
        if (src.rfind("probe gpu.inventory@", 0) == 0 || src.rfind("probe gpu.kernel_launch@", 0) == 0) continue;
        // Nor does a probe measured beside another process's compute (ending that process is the fix).
        if (o.evidence.detail.find(kForeignComputeNote) != std::string::npos) continue;
        if (src.size() >= at.size() && src.compare(src.size() - at.size(), at.size(), at) == 0) part_confirmed = true;
      }
    }
    const Incident* best = nullptr;
    std::pair<int, int> best_votes{-1, -1};
    bool best_fits = false;
    for (const auto& [id, v] : votes) {
      auto it = facts.incidents.find(id);
      if (it == facts.incidents.end() || it->second.mitigation.empty()) continue;
      const bool fits = !part_confirmed || IncidentFitsComponent(it->second.component, top.component);
      if ((fits && !best_fits) || (fits == best_fits && v > best_votes)) {
        best = &it->second;
        best_votes = v;
        best_fits = fits;
      }
    }
    if (best == nullptr || !best_fits) {
      for (const auto& [id, inc] : facts.incidents) {
        const bool fits = !part_confirmed || IncidentFitsComponent(inc.component, top.component);
        if (inc.root_cause == top.category && !inc.mitigation.empty() && (best == nullptr || fits)) {
          best = &inc;
          if (fits) break;
        }
      }
    }
    // Else the incident of the category the alert text recalled (an answer from the alert's own
    // line and the recall: a served incident's fix is then quoted as PastFixQuoted says).
    if (best == nullptr) {
      for (const SearchHit& h : facts.recalled) {
        if (h.kind == SearchHit::Kind::kIncident && h.category == top.category && !h.incident.mitigation.empty()) {
          best = &h.incident;
          break;
        }
      }
    }
    // A served incident's fix from another place is said to be that place's (PastFixQuoted).
    d.mitigation = best == nullptr ? "no mitigation on file for " + top.category : PastFixQuoted(c, *best, top.component);
    if (top.category == "cuda_oom") {
      if (std::string fix = AllocatorOomFix(c, facts, d.mitigation); !fix.empty()) d.mitigation = std::move(fix);
    }
    std::string first_detail;
    for (const Evidence& e : d.evidence) {
      if (std::find(e.supports.begin(), e.supports.end(), top.category) != e.supports.end() && e.weight > 0) {
        first_detail = e.detail;
        break;
      }
    }
    d.summary = top.category + OnPlaceForPeople(top.component) +
                (first_detail.empty() ? "" : ": " + Utf8Prefix(first_detail, 200));
    if (lead_alert_alone) SayAlertOnly(c, d);  // top is d.hypotheses[0]
    if (lead_alert_alone) CapPairReading(beliefs.observations(), d);
    if (lead_alert_alone) CapInformationalAlert(c, d);
    if (lead_alert_alone) CapCorrectableEcc(c, d);
    SayFaultOnOtherNodes(c, topo.alert_node, beliefs.observations(), d);
    // The answer no probe confirmed while a probe that tests it was there to run (holdout h003: the
    // logs made it so likely that no probe was expected to change the ranking, so its gpu.health
    // never ran): said in `unverified`, with the probes to run, so that nobody takes it for checked.
    // A GPU fault whose own evidence names other GPUs too (dcgmi diag's "Fail - GPU: 2, 5"): the
    // answer is one GPU (the one a probe confirmed, else the first by evidence) while fewer than half
    // the node's GPUs fail (a memory or compute test fails per GPU: each GPU's HBM and SMs are its own,
    // so two failing GPUs are two GPUs' faults, not the node's; from half the node's GPUs on, a shared
    // cause is likelier and the node is answered, RV-RL2's rule). The others are named here, so that
    // on-call drains and checks them too (review RG).
    // "node/gpuN" the answer's own evidence names besides its GPU; a row kept at weight 0 (one
    // contribution a category: "Fail - GPU: 2, 5"'s GPU 5) names its GPU too.
    std::set<std::string> other_gpus;
    if (layer_of(top.category) == "gpu") {
      const ComponentHint at = beliefs.Component(top.category, topo.job);
      std::set<std::string>& others = other_gpus;
      // A GPU whose own probe for the answer passed has been checked (review RV-RG: realistic5
      // case-rl5-03 named gpu3, a row remapped once and its gpu.health passing, as one to check).
      std::set<std::string> cleared;
      for (const Observation& o : beliefs.observations()) {
        auto it = o.deltas.find(top.category);
        // A pass: its delta for the category is negative, or was taken off because the probe failed
        // on the answer's GPU ("clears this target only"); either way the probe found this GPU healthy.
        const bool supports = std::find(o.evidence.supports.begin(), o.evidence.supports.end(), top.category) !=
                              o.evidence.supports.end();
        if (o.evidence.kind != EvidenceKind::kProbe || supports) continue;
        if (!((it != o.deltas.end() && it->second < 0) || o.evidence.weight < 0 || o.evidence.detail.rfind("pass", 0) == 0)) {
          continue;
        }
        if (!o.hint.node.empty() && o.hint.gpu >= 0) cleared.insert(o.hint.node + "/gpu" + std::to_string(o.hint.gpu));
        // The probe's own target ("gpu.health@n-4/gpu5"), where the hint holds no GPU.
        const size_t at_sign = o.evidence.source.find('@');
        if (at_sign != std::string::npos) cleared.insert(o.evidence.source.substr(at_sign + 1));
      }
      for (const Observation& o : beliefs.observations()) {
        auto it = o.deltas.find(top.category);
        if (it == o.deltas.end() || it->second < 0 || o.hint.node.empty() || o.hint.gpu < 0 ||
            o.hint.gpu_from_rank || o.hint.node_wide ||
            (o.evidence.kind != EvidenceKind::kLog && o.evidence.kind != EvidenceKind::kMetric)) {
          continue;
        }
        if (!at.node_wide && o.hint.node == at.node && o.hint.gpu == at.gpu) continue;
        if (at.node_wide && o.hint.node == at.node) continue;
        if (cleared.count(o.hint.node + "/gpu" + std::to_string(o.hint.gpu))) continue;
        others.insert(o.hint.node + "/gpu" + std::to_string(o.hint.gpu));
      }
      if (!others.empty() && others.size() <= 8) {
        std::string note = "the evidence for ";
        note += top.category;
        note += " also names ";
        bool first = true;
        for (const std::string& g : others) {
          if (!first) note += ", ";
          note += g;
          first = false;
        }
        note += " (their own evidence, not only the answer's GPU): check them too";
        d.unverified.push_back(note);
      }
    }
    if (probes != nullptr && !beliefs.ConfirmedByProbe(top.category)) {
      const ComponentHint at = beliefs.Component(top.category, topo.job);
      std::string not_run;
      for (const ProbeSpec& spec : ProbeCatalog()) {
        bool tests = false;
        for (const CategoryEvidence& ce : spec.evidence) {
          tests = tests || (ce.category == top.category && ce.fail_supports >= kFirstWaveTestSupport);
        }
        if (!tests) continue;
        std::string target;
        if (spec.target_kind == ProbeTargetKind::kGpu && !at.node.empty() && at.gpu >= 0 && !at.node_wide) {
          target = at.node + "/gpu" + std::to_string(at.gpu);
        } else if (spec.target_kind == ProbeTargetKind::kGpu && !at.node.empty() && gpus_on(at.node) > 0) {
          // A node-wide answer (a throttle, a fault on most of its GPUs): the GPU probe on each GPU
          // of the node, when it ran on none of them (review RV-GP: holdout13 p031 and holdout14
          // k012, node-wide thermal answers no probe had looked at, said nothing in unverified).
          bool any = false;
          const int n = gpus_on(at.node);
          for (int g = 0; g < n; ++g) {
            std::string one = std::string(spec.name);
            one += "@";
            one += at.node;
            one += "/gpu";
            one += std::to_string(g);
            any = any || ran.count(one) > 0;
          }
          if (!any) {
            target = at.node;
            target += "/gpu0..gpu";
            target += std::to_string(n - 1);
          }
        } else if (spec.target_kind == ProbeTargetKind::kNode && !at.node.empty()) {
          target = at.node;
        } else if (spec.target_kind == ProbeTargetKind::kJob && !at.job.empty()) {
          target = "job/" + at.job;
        }
        // The other GPUs the answer's evidence names get the same probe (review RG).
        std::vector<std::string> spec_targets = {target};
        if (spec.target_kind == ProbeTargetKind::kGpu && at.gpu >= 0 && !at.node_wide) {
          spec_targets.insert(spec_targets.end(), other_gpus.begin(), other_gpus.end());
        }
        for (const std::string& tg : spec_targets) {
          std::string step = std::string(spec.name);
          step += "@";
          step += tg;
          if (tg.empty() || ran.count(step)) continue;
          if (!not_run.empty()) not_run += ", ";
          not_run += step;
          if (spec.target_kind == ProbeTargetKind::kNode && too_few_gpus(spec, tg) && gpus_on(tg) == 0) {
            not_run += " (cannot run: no usable GPU on the node)";
          } else if (spec.target_kind == ProbeTargetKind::kNode && too_few_gpus(spec, tg)) {
            not_run += " (cannot run: needs ";
            not_run += std::to_string(spec.min_local_gpus);
            not_run += " GPUs on the node)";
          } else if (spec.intrusive && !options_.allow_intrusive) {
            not_run += " (intrusive: not allowed)";
          }
        }
      }
      if (!not_run.empty()) {
        std::string note = "leading answer not confirmed by a probe: ";
        note += top.category;
        note += OnPlaceForPeople(top.component);
        note += " rests on the case's logs, metrics and other probes; not run: ";
        note += not_run;
        d.unverified.push_back(std::move(note));
      }
    }
    // A storage answer beside a sweep of the mount that some nodes did not answer (ssh could not
    // reach them, or was refused: a wrong key, a changed host key, a home directory on the very
    // mount that hangs): their mounts were not checked, and on-call should know which (review RV-GP;
    // before, such a node vanished from the sweep without a word).
    if (top.category == "storage_failure") {
      for (const auto& [node, a] : MountSweepAnswers(c, topo)) {
        if (a.unreachable.empty()) continue;
        std::string note = "mount sweep: ";
        note += node;
        note += " did not answer (";
        note += a.unreachable;
        note += "): its mount was not checked";
        d.unverified.push_back(std::move(note));
      }
    }
  } else if (ServedRecallMatch match = StrongServedRecall(c, facts, beliefs, d.hypotheses, &served_why_not);
             match.hit != nullptr) {
    // The only answer on file is what on-call found last time this alert fired: say it, modestly,
    // and say that nothing here verified it (the probes that ran spoke neither for nor against it).
    // At another place the past fix is quoted as that place's, never as this alert's.
    const SearchHit* recall = match.hit;
    Hypothesis& top = d.hypotheses[0];
    const std::string past = recall->incident.source.substr(std::string_view(kServedIncidentSource).size());
    const std::string label = "from past incident #" + past + ", not verified";
    std::string where;
    if (match.same_place) {
      where = "recurrence on this node";
      if (!match.past_place.empty()) where += " (" + match.past_place + ")";
      where += ": this alert was resolved here ";
      where += std::to_string(match.recurrences) + (match.recurrences == 1 ? " time" : " times");
      where += " among the incidents recalled";
      if (match.last_ms > 0) where += ", last one started " + FormatRfc3339Ms(match.last_ms);
    } else {
      where = "same alert at another place: past incident #" + past + " was on " +
              (match.past_place.empty() ? std::string("a place its labels do not name") : match.past_place);
    }
    top.rationale = label + "; " + where + " (" + Utf8Prefix(recall->incident.title, 160) + "); " + top.rationale;
    d.root_cause = top.category;
    d.component = top.component;
    d.confidence = std::min(top.probability, kServedRecallMaxConfidence);
    // The fix as on-call wrote it: verbatim when it was written for this place (serve's
    // past_resolutions and its tests quote it so); for another place, said to be that place's.
    const std::string& fix = recall->incident.mitigation;
    if (match.same_place) {
      d.mitigation = fix.empty() ? "no mitigation on file for " + top.category : fix;
    } else {
      d.mitigation = "Past incident #" + past;
      if (!match.past_place.empty()) d.mitigation += " on " + match.past_place;
      d.mitigation += " (same alert, same cause category";
      if (!top.component.empty()) {
        d.mitigation += "; this alert is";
        d.mitigation += OnPlaceForPeople(top.component);
      }
      d.mitigation += ")";
      d.mitigation += fix.empty() ? std::string(" has no fix on file") : " was resolved by: " + fix;
    }
    d.summary = top.category + OnPlaceForPeople(top.component) + " (" + label + "): " + where +
                ". Past incident #" + past + ": " + Utf8Prefix(recall->incident.title, 200);
    trace.push_back({{"type", "served_recall"},
                     {"incident", recall->incident.id},
                     {"category", top.category},
                     {"confidence", d.confidence},
                     {"same_place", match.same_place},
                     {"past_place", match.past_place},
                     {"similarity", std::round(match.similarity * 100) / 100},
                     {"recurrences", match.recurrences}});
  } else {
    d.root_cause = "unknown";
    d.confidence = other;
    d.summary = "no category is supported by the evidence available";
    d.mitigation = "";
    if (!d.hypotheses.empty()) d.component = d.hypotheses[0].component;
    if (symptom_alone) SaySymptomAlertOnly(c, d);
    else if (!alert_refuted.empty())
      SayAlertRefuted(c, d.hypotheses[0].category, d.hypotheses[0].component, alert_refuted, d);
    if (!served_why_not.empty()) {
      trace.push_back({{"type", "served_recall_declined"}, {"incident", facts.recalled.front().incident.id},
                       {"why", served_why_not}});
    }
  }
  SayAlertPlace(c, beliefs.observations(), facts.layers, topo.alert_node, d, trace);
  d.planned_s = PlannedS(d.steps, ProbeStepsConflict, options_.max_parallel);
  // The sequential sum counts the steps whose result entered the decision (and probes that ran
  // and gave no verdict: a sequential run waits for them too), never a peer that fed nothing.
  std::vector<VerificationStep> counted;
  for (const VerificationStep& s : d.steps) {
    if (!unfed.count(s.id)) counted.push_back(s);
  }
  d.sequential_s = SequentialS(counted);
  trace.push_back({{"type", "answer"}, {"root_cause", d.root_cause}, {"component", d.component},
                   {"confidence", d.confidence}});
  return out;
}

}  // namespace vigil
