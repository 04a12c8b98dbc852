// The probe catalog: one explicit table of every probe `vigil-probe` implements.
//
// The diagnosis agents plan from this table: for each probe, what it measures, how long it takes,
// whether it disturbs running jobs, and how its outcome moves belief in each root-cause category
// of ../shared/taxonomy.json (a `fail` supports the category with `fail_supports`, a `pass`
// refutes it with `pass_refutes`; both weights are in [0, 1], read as "how much a rational
// on-call engineer would move": 1 = decisive, 0.1 = a hint). A planner ranks probes by
// ExpectedInformationGain(...) / expected_duration_s.
//
// Thread safety: the table is immutable static data; every function here is pure.
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace vigil {

enum class ProbeTargetKind { kGpu, kNode, kJob };
std::string_view ProbeTargetKindName(ProbeTargetKind k);  // "gpu", "node", "job"

struct CategoryEvidence {
  std::string_view category;  // taxonomy id, e.g. "nvlink_error"
  double fail_supports;       // in [0, 1]: a `fail` result makes the category this much likelier
  double pass_refutes;        // in [0, 1]: a `pass` result makes it this much less likely
};

struct ProbeSpec {
  std::string_view name;        // "gpu.health"
  std::string_view measures;    // one sentence: what is measured and against what
  double expected_duration_s;   // wall time on an 8-GPU node, seconds: GPU probes scaled from
                                // one-H200 measurements, NCCL probes estimated (probes/README.md)
  bool intrusive;               // needs ProbeRequest::allow_intrusive (uses SMs/HBM/links)
  ProbeTargetKind target_kind;  // gpu: one GPU; node: all GPUs of a node; job: ranks of a job
  std::span<const CategoryEvidence> evidence;
  // The fewest local GPUs a node-level run can say anything with: 2 for the NCCL collectives and
  // the peer-to-peer matrix (vigil-probe answers `unavailable`, "needs at least 2 GPUs or ranks",
  // on a node with one), 0 for node.kernel_log (it needs no GPU), 1 for the rest (gpu.sdc on one GPU
  // still checks repeatability).
  int min_local_gpus = 1;
  // The longest a sound run takes where the probe's tool runs at full length on a busy node (a
  // DCGM-style SDC vote over every GPU: tens of seconds, well past 4 x expected_duration_s): the
  // reasoner's step limit is never below it, so a slow real run is read, not taken for a hang
  // (realistic36 rl36-11: a 45 s vote; realistic39 rl39-04: a 40-trial vote over 8 GPUs, 95 s:
  // gpu.sdc's is 120 s, the reasoner's default cap). 0 = the limit scales from expected_duration_s alone.
  double full_run_s = 0;
};

// Every probe, in a stable order (the order of `vigil probe list`).
std::span<const ProbeSpec> ProbeCatalog();

// nullptr when unknown.
const ProbeSpec* FindProbe(std::string_view name);

// NotFound naming the closest known probe ("did you mean `gpu.gemm`?") when a name is unknown;
// FailedPrecondition when an intrusive probe is asked for without allow_intrusive.
[[nodiscard]] Status CheckProbeNames(std::span<const std::string> names, bool allow_intrusive);

// Expected reduction in Shannon entropy (bits) of `beliefs` (category -> probability; need not
// sum to 1: the remainder is "some other cause") from observing the probe's pass/fail outcome.
// Channel model: P(fail | c) = kFalseAlarm + (1 - 2 * kFalseAlarm) * fail_supports(c) for the
// categories the probe covers and kFalseAlarm (0.05) for all others, including "other". The
// `pass_refutes` weight is for the agent's belief update after a pass and is not used here.
// Categories with probability <= 0 are ignored; returns 0 for empty beliefs.
double ExpectedInformationGain(const ProbeSpec& probe, const std::map<std::string, double>& beliefs);

// The catalog as JSON (for `vigil probe list --json` and agent tool descriptions).
Json CatalogToJson();

// Checks that every category named in the catalog exists in a taxonomy JSON document
// ({"categories":[{"id":...}]}). InvalidArgument naming the probe and the unknown id.
[[nodiscard]] Status ValidateCatalogAgainstTaxonomy(const Json& taxonomy);

}  // namespace vigil
