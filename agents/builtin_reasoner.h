// BuiltinReasoner: the deterministic diagnosis used when no LLM is configured (and the hints and
// evidence check the LLM path relies on).
//
// From a case (logs, metrics, alert) and what the knowledge base says about it (KnowledgeFacts:
// log-signature matches, metric conditions, recalled incidents) it
//   1. turns every observation into Evidence with a log-odds weight for the categories it
//      supports or refutes (a signature counts once however often it repeats; more distinct
//      signatures of one category add less and less);
//   2. explains away downstream symptoms: an NCCL watchdog timeout on every rank, peers failing on
//      a broken connection, a slowdown, a NaN loss are discounted when a category that causes them
//      (OOM, Xid, segfault, host OOM kill, throttling, fp16 overflow, ...) has its own evidence
//      no later than the symptom;
//   3. identifies the component from the evidence of the leading hypothesis: node from the log
//      source or metric labels or a hostname in the line, GPU from "GPU 5"/"cuda:5"/a PCI bus id
//      (mapped through the case topology or DCGM labels), rank from the source or line, HCA name;
//   4. picks probes by expected information gain per second (probes/catalog.h), runs a round of
//      them concurrently through the VerificationPlanner (intrusive probes that share a GPU or
//      node one after another: ProbeStepsConflict), updates beliefs (a fail adds
//      kProbeFailWeight * fail_supports, a pass subtracts kProbePassWeight * pass_refutes), and
//      repeats until the leader's posterior reaches stop_confidence or the budget ends. A later
//      round's step depends only on the earlier results that had settled its choice (the choice
//      replayed on the results finished so far), so Diagnosis::planned_s is the end of an
//      event-driven schedule (PlannedS) of every step that ran; sequential_s is the plain sum of
//      the steps that ran and whose result entered the decision (a peer whose healthy reading had
//      no suspect result to be compared with ran but fed nothing: it is in planned_s only). The
//      trace's tool_result entries say what each result fed (`fed`). Round 1 is the first wave
//      and probes compare a suspect GPU with its peers (ReasonerOptions::first_wave,
//      peer_comparison).
//   Per-GPU probes go only to GPUs the node has: the topology's gpus_per_node, else the count a
//   node-level gpu.inventory reports (asked once per node before its first per-GPU probe; a failed
//   inventory is evidence too), else 8; an answer "GPU N does not exist (K visible)" is
//   `unavailable` (no evidence, no error of a GPU) and bounds the count. A hypothesis is
//   `confirmed` when a failed probe singles it out (its reason names it, or, naming none, it is the
//   one of the probe's supported categories the beliefs lead with) and no probe that passed on the
//   same GPU or its node refutes it; the stop rule reads the same.
// Beliefs are a softmax over category scores plus an "other cause" bucket of fixed score, so a
// case with no evidence stays "unknown". Probes that error, time out or are unavailable are listed
// in Diagnosis::unverified; nothing is claimed without an Evidence entry.
//
// Error-like lines no signature matched (KnowledgeFacts::line_recalls) name a category on their own
// when nothing else has solid evidence: the evidence is the line and the incident it reads like,
// and the confidence stays low. Numbers printed in logs (training lines, nvidia-smi --query-gpu CSV
// tables, MoE router token lists) are read into the series the pack's conditions name.
//
// Metric conditions are evaluated by the small documented evaluator in agents/metric_condition.h
// (a subset of the pack's PromQL-like syntax; the rules engine's language differs). A condition
// counts as evidence on a series where it started to hold inside the window, or where it singles
// out some series but not all; one that held everywhere all along is the cluster's normal state.
// Conditions outside the subset are skipped and counted in the trace.
//
// Thread safety: a BuiltinReasoner is immutable after construction; Diagnose may run
// concurrently on different cases.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "agents/case.h"
#include "agents/torchrun_failure.h"
#include "agents/verification_planner.h"
#include "core/domain.h"
#include "knowledge/knowledge_base.h"
#include "probes/probe.h"

namespace vigil {

// The most an answer resting on alerts alone may claim (an alert's line, its annotations, the
// knowledge recalled from its text: a rule's summary of the state, not the state): the built-in
// reasoner's alert-only cap (builtin_reasoner.cc, "Alert-only answers") and serve's storm triage's
// (server/storm_triage.cc), one value.
inline constexpr double kAlertOnlyMaxConfidence = 0.45;

// What the knowledge base knows that bears on one case. Built by GatherKnowledge
// (diagnosis_agent.h) or by hand in tests.
struct KnowledgeFacts {
  std::vector<SignatureMatch> log_matches;   // line_index into FlattenLogs(case).lines
  std::vector<Signature> metric_conditions;  // every stored metric condition
  std::map<std::string, Incident> incidents; // referenced incidents by id (mitigation)
  std::vector<SearchHit> recalled;           // KB search on the alert text, best first
  // Error-like lines that no signature matched, each searched in the knowledge base (lexical):
  // the best hit's category is weak evidence (a line that reads like a known incident).
  struct LineRecall {
    size_t line_index = 0;                   // into FlattenLogs(case).lines
    std::string category;
    std::string incident_id;
    std::string title;
  };
  std::vector<LineRecall> line_recalls;
  std::vector<std::string> categories;       // known categories (taxonomy + user-defined)
  std::map<std::string, std::string> layers; // category -> taxonomy layer
};

struct FlatLogs {
  std::vector<std::string> lines;
  std::vector<std::pair<size_t, size_t>> refs;  // (log index, line index) per flat line
};
FlatLogs FlattenLogs(const DiagnosisCase& c);

struct ReasonerOptions {
  double stop_confidence = 0.9;   // stop probing when the leader's posterior reaches this
  int max_rounds = 3;             // probe rounds
  size_t max_probes_per_round = 16;
  size_t max_probes = 40;         // probes that ran a test; an `unavailable` answer is not counted
  bool allow_intrusive = false;   // intrusive probes need this (replay of recorded results is safe)
  double min_gain_bits = 0.05;    // a probe must be expected to teach at least this much
  double probe_time_limit_s = 120;
  // The whole verification's time budget in seconds (every probe round together, from the first
  // probe asked): when it is spent no probe starts, a running one is abandoned at it (its executor
  // kills its process as at a step limit), and the answer comes from what was verified, saying so
  // in `unverified`. 0 = none (a replay of recorded results; the live paths set one).
  double verification_budget_s = 0;
  size_t max_parallel = 16;
  double other_score = 1.0;       // fixed log-odds score of "some other cause"
  // First wave (TSGuard): round 1 runs only the non-intrusive probes (health, inventory, kernel
  // launch) of every leading hypothesis at once; intrusive probes (GEMM, HBM, PCIe, NCCL tests)
  // wait for the rounds after it and run only if its results left the answer undecided. When no
  // non-intrusive probe is informative, round 1 runs the intrusive ones as before.
  bool first_wave = true;
  // Peer comparison: a probe on a suspect GPU also runs on that GPU's node peers in the same wave
  // (a non-intrusive probe on every other GPU of the node, an intrusive one on one neighbouring
  // GPU), and the verdict comes from the difference: the suspect the odd one out (it fails, peers
  // pass) strengthens its own result; a peer failing too is a fault there as well (node-wide when
  // it is the same category); a healthy peer never refutes anything about the suspect.
  bool peer_comparison = true;
};

inline constexpr double kProbeFailWeight = 4.0;
inline constexpr double kProbePassWeight = 2.5;

// How much of its window a node.kernel_log result read: log_covers_s / window_s, in [0, 1] (1 for
// any other probe, and for a result without those metrics). A pass weighs this share of the
// catalog's pass_refutes, and a category it would move by less than 0.05 log-odds is left alone:
// the log of a node booted 27 s before the probe, of a one-hour window, says nothing about the
// fault that made it reboot.
double KernelLogCoverage(const ProbeResult& r);

// The belief update the reasoner applies for one probe result; exposed so that the LLM path
// scores the probes it runs the same way. Returns the Evidence (supports/refutes filled; empty
// for error/unavailable results, which verify nothing).
std::optional<Evidence> EvidenceFromProbe(const ProbeResult& r, const std::string& id);

// Component parts named by one piece of evidence.
struct ComponentHint {
  std::string node;
  int gpu = -1;
  int rank = -1;
  std::string hca;
  std::string job;
  bool node_wide = false;  // the fault shows on several GPUs of the node (metric evidence)
  bool gpu_from_rank = false;  // gpu derived from a rank in the log source, not named by the line
  bool gpu_bare = false;  // gpu read from a bare "GPU 3" / "cuda:3" (no PCI id, key or node beside it)
  bool spread = false;     // log evidence of the category comes from processes on >= 2 GPUs
  // The evidence shows the whole job in the fault with no participant singled out (a collective hang
  // whose ranks on several nodes all report the same progress, none behind or missing).
  bool job_wide = false;
  std::string entry_component;  // the matched KB entry's component ("gpu", "host", ...), if any
  bool shared_storage = false;  // storage lines name a shared/network file system, not a local disk
};

// Whether the storage lines name a shared or network file system (NFS, Lustre, GPFS, BeeGFS, CephFS,
// WekaFS, a /mnt/shared-style mount) more often than a node-local device or mount (nvme, sdX, md,
// /local, /raid), and no line says the server evicted this client: a shared file system failing is
// the job's fault, a local disk (or one evicted client) the node's.
bool NamesSharedStorage(const std::vector<std::string>& lines);

// The storage scope with the whole case at hand: NamesSharedStorage over the evidence lines; else
// a mount table / quota line of the case whose file system is a network export ("10.9.0.5:/export/ckpt
// ... /mnt/ckpt") and whose paths the evidence's failed path lies under; else, when the evidence
// names no path or device at all, NamesSharedStorage over the case's lines. A client-eviction line
// in the evidence keeps it at the node; one elsewhere in the case only stops that last rule.
bool StorageIsShared(const std::vector<std::string>& evidence, const std::vector<std::string>& case_lines);

// Storage lines that name the shared system's own side: the file server's nfsd, a Lustre MDS/MDT/OST
// down or unreachable, or a full shared volume (ENOSPC, quota). Such a fault is the job's even when
// only one node's log shows it; any other shared-FS fault seen on one node of several is that node's.
bool NamesServerSideStorage(const std::vector<std::string>& lines);

// The lines of a case that StorageIsShared's case-wide rules read (a network export's mount or
// quota line, a shared or local file system, a client eviction): StorageIsShared(e, StorageLines(l))
// equals StorageIsShared(e, l) for any evidence e, and reads a few lines where l may be 20 000.
std::vector<std::string> StorageLines(const std::vector<std::string>& lines);

// Ranks a log line places on a node of `nodes` and a local GPU: "rank 17 (hpc-g07 local 1)",
// "rank 5 on node-2 gpu 5", "rank 9 (node-1, local_rank 1)". A name is the node node_names.h's
// SameNodeName equates it with, spelled as in `nodes` ("NODE-2.cluster.local" for node-2, "node-2"
// for node-2.cluster.local; none for two domains' node-2); names that are no node are skipped.
std::vector<std::pair<int, ComponentHint>> RankPlacements(const std::string& line, const std::set<std::string>& nodes);

// Collective progress per rank (the PyTorch watchdog's "last enqueued NCCL work: N"): the ranks
// behind the rest, when they are no more than the ranks ahead of them (with two ranks reporting,
// the one behind). (rank, its last enqueued, the others', how many are ahead, line index).
struct Laggard {
  int rank;
  long behind_at;   // its last enqueued sequence number
  long majority;    // the ranks ahead
  size_t others;    // how many ranks are at that number
  size_t line_index;
};
std::vector<Laggard> FindLaggards(const std::vector<std::string>& lines);

// Ranks a line names as the ones that did not arrive ("Ranks 13, 14 failed to pass
// monitoredBarrier", "missing ranks: [5]", "31 ranks waiting in ALLREDUCE on rank 17"): (rank,
// line index); none when the lines name more than 4.
std::vector<std::pair<int, size_t>> FindNamedAbsentRanks(const std::vector<std::string>& lines);

// The netdev in a kernel driver line's "mlx5_core <bus id> <netdev>: ..." slot ("ib4", "ibp75s0",
// "enp75s0np0"), or "" (RG10).
std::string NetdevOfDriverLine(const std::string& line);

// The one rank a line names, or -1: a table naming three or more ranks names only its odd one out
// (the one rank whose value no other shares while the others agree), else none (RG10).
int RankNamedByLine(const std::string& line);

// Whether `candidate`'s mean over the window lies clearly outside its peers' (the series of the same
// metric whose `keys` labels match its own, itself left out): beyond Tukey's fences, 1.5 times the
// peers' interquartile range past their quartiles (the range at least 1 % of their median). A
// peer-relative metric condition (`x < 0.9 * avg by (Hostname) (x)`) that held at a few samples
// inside the peers' jitter singles out no GPU (RG10: realistic12 rl12-25, a waiting GPU's dip
// outvoted the line naming the slow rank). With fewer than 3 peers: true (nothing to judge by).
bool ClearPeerOutlier(const TimeSeries& candidate, const std::vector<TimeSeries>& series,
                      const std::vector<std::string>& keys);

// torch's "Detected mismatch between collectives on ranks. Rank A is running collective:
// CollectiveFingerPrint(... OpType=X ...), but Rank B is running collective: ...(OpType=Y ...)":
// the rank of the two whose op differs from the one op the watchdog lines time out in
// ("WorkNCCL(SeqNum=.., OpType=X"). (rank, line index); none without one waiter op.
std::vector<std::pair<int, size_t>> FindOddOpRanks(const std::vector<std::string>& lines);

// The one GPU of the case whose busy share (DCGM GPU_UTIL, else SM / graphics-engine activity) over
// the last third differs by >= 50 points from its node's median while the node's other GPUs (>= 4
// labelled) agree within 15: the hung participant (spinning at 100 % while its peers idle, or idle
// while they spin). (node, gpu); none when no node, or more than one, has such a GPU.
std::vector<std::pair<std::string, int>> FindUtilOddOneOut(const std::vector<TimeSeries>& series);

// Participants of a hang that wrote no collective timeout while others did: a rank's own log
// (the rank from its source, "node-3/rank6/stderr", "node-3/py-spy-rank22") with no timeout line
// ("silent", or "dumped" when it is a py-spy/gdb stack dump), or a `ps` listing of a process stopped
// or traced (STAT t/T, a debugger attached) with "--local_rank=N" on its command line ("stopped":
// rank -1, local_rank N). In a hang the waiters time out; the one that did not is the one they
// wait for. None when no rank wrote a timeout or more than 2 candidates remain.
struct SilentRank {
  int rank = -1;         // global rank, -1 for a stopped process
  int local_rank = -1;   // for a stopped process
  size_t log_index = 0;
  size_t line_index = 0;  // the log's last line, or the ps line
  std::string kind;      // "silent", "dumped", "stopped"
};
// A log in `gathered` holds several ranks' output under one rank's name (GatheredSources, a
// launcher-labelled log): each line is its writer's, the rank `writer` reads from it (PyTorch's
// "[rankN]:", "[Rank N]", a launcher's label; nullopt for an unprefixed line), and each writer seen
// there counts as that rank's own log (PF; before, the source name's rank stood for all its lines).
std::vector<SilentRank> FindSilentRanks(
    const std::vector<CaseLog>& logs, const std::set<std::string>& gathered = {},
    const std::function<std::optional<int>(const std::string& source, const std::string& line)>& writer = nullptr);

// torchrun's failure report (TorchrunFailure, FindTorchrunFailures): agents/torchrun_failure.h.

// A probe that measured each HCA of its node (`details` "per_hca_busbw_gb_s": {"mlx5_0": 47.9,
// "mlx5_3": 11.8, ...}): the one HCA below half the median of the others when the others (>= 2)
// agree within 25 %; empty otherwise. The odd-one-out reading of the GPU peer comparison, per port.
std::string OddHcaInDetails(const Json& details);

// A line (or the alert's summary) that names the slow participant: "stragglers detected: ranks
// 16-23 on node-4", "rank 10 slowest in 44/50 steps", a rank's time against its peers' (1.25x),
// Megatron's StragglerDetector min/max round trip ("MnRtt/Rnk: 811.4ms/3 | MxRtt/Rnk: 1473.9ms/14"),
// a collective's wait split by rank (the one rank that waits a quarter of the others' arrived last),
// "ranks 16-23 report the max forward-backward time". The ranks it names (a range expanded, at most
// 64) and the node it names, if any (spelled as in `nodes`; a word naming it under another spelling,
// "NODE-4.cluster.local" for node-4, when no node is named as spelled).
struct SlowMention {
  std::vector<int> ranks;
  std::string node;
};
std::optional<SlowMention> FindSlowMention(const std::string& line, const std::set<std::string>& nodes);

// Whether the case shows a run that computes in FP8 (fp8/float8/e4m3/e5m2/DelayedScaling, an amax
// statistic that is not numpy's/torch's `.amax` function, an fp8_* series).
bool CaseShowsFp8(const DiagnosisCase& c);
// The time limit of a probe step (target "probe@target"; the live executor kills the probe at it, a
// replayed result past it is a timeout): 4 x the step's expected_s, at least 15 s and the probe's
// full-length run (ProbeSpec::full_run_s), at most cap_s (ReasonerOptions::probe_time_limit_s).
double ProbeStepLimitS(const VerificationStep& s, double cap_s);

// When the state a line reports began: the line's time less a watchdog's "ran for N milliseconds".
int64_t OnsetTimeMs(const std::string& line, int64_t line_ms);

struct ReasonerOutput {
  Diagnosis diagnosis;
  Json trace = Json::array();  // thoughts, tool calls (run_probe), results, beliefs per round
};

class BuiltinReasoner {
 public:
  explicit BuiltinReasoner(ReasonerOptions options = {}) : options_(options) {}

  // Diagnoses one case. `probes` may be nullptr (no verification; noted in unverified).
  ReasonerOutput Diagnose(const DiagnosisCase& c, const KnowledgeFacts& facts, ProbeExecutor* probes) const;

  const ReasonerOptions& options() const { return options_; }

 private:
  ReasonerOptions options_;
};

}  // namespace vigil
