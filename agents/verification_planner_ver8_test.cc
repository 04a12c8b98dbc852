// Why the realistic sets' planned verification time stays close to the sequential sum (VER8,
// 2026-12-05; agents/HISTORY.md "VER8"): the conflicts that serialise their probes are the
// physical ones, and the shapes their plans take. These pin the rules the analysis found right, so
// that the ratio is never bought with an overlap that skews a measurement. No rule changed in VER8:
// these pass on b58f1b4a as they do now.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/verification_planner.h"

namespace vigil {
namespace {

VerificationStep Step(const std::string& id, const std::string& target, double duration_s,
                      std::vector<std::string> depends_on = {}, const std::string& outcome = "pass") {
  VerificationStep s;
  s.id = id;
  s.action = "run_probe";
  s.target = target;
  s.duration_s = duration_s;
  s.expected_s = duration_s;
  s.outcome = outcome;
  s.depends_on = std::move(depends_on);
  return s;
}

bool Conflict(const std::string& a, const std::string& b) {
  const bool ab = ProbeStepsConflict(Step("a", a, 1), Step("b", b, 1));
  CHECK(ab == ProbeStepsConflict(Step("b", b, 1), Step("a", a, 1)));  // symmetric
  return ab;
}

}  // namespace

TEST_CASE("ver8: the pairs the realistic sets serialise load the same GPU and stay apart") {
  // Two GEMMs on one GPU: each would measure about half the throughput.
  CHECK(Conflict("gpu.gemm@n1/gpu3", "gpu.gemm@n1/gpu3"));
  // A GEMM beside an all-reduce over the node's GPUs (rl23-16, rl23-17): the collective's kernels
  // run on that GPU's SMs and HBM, and the GEMM's take them from the collective.
  CHECK(Conflict("gpu.gemm@n1/gpu0", "nccl.allreduce@n1"));
  // The node-wide checksum vote runs the same GEMM on every local GPU (rl23-09, rl26-10): a GEMM
  // timed beside it on one of them reads the vote's load.
  CHECK(Conflict("gpu.sdc@n1", "gpu.gemm@n1/gpu7"));
  // Two node-wide NCCL tests and a GEMM on the node (rl23-12): bandwidth figures of one link set.
  CHECK(Conflict("nccl.p2p_matrix@n1", "nccl.alltoall@n1"));
  CHECK(Conflict("nccl.alltoall@n1", "gpu.gemm@n1/gpu6"));
  // A PCIe copy test beside an all-reduce on its node (rl23-26): where the GPUs have no NVLink the
  // collective's peer traffic crosses the same PCIe switches, and the plan does not know which.
  CHECK(Conflict("gpu.pcie_bandwidth@n1/gpu0", "nccl.allreduce@n1"));
  // A job-wide test's nodes are not in its target: it keeps apart from every intrusive probe.
  CHECK(Conflict("nccl.allreduce@job/j1", "gpu.gemm@n9/gpu0"));
}

TEST_CASE("ver8: reads and other hardware overlap anything") {
  // The NVML health read (counters, clocks, temperature) beside a GEMM on its own GPU or another.
  CHECK_FALSE(Conflict("gpu.health@n1/gpu3", "gpu.gemm@n1/gpu3"));
  CHECK_FALSE(Conflict("gpu.health@n1/gpu2", "gpu.gemm@n1/gpu3"));
  CHECK_FALSE(Conflict("gpu.health@n1/gpu0", "nccl.allreduce@n1"));
  // The kernel log and the inventory read no GPU load.
  CHECK_FALSE(Conflict("node.kernel_log@n1", "nccl.allreduce@n1"));
  CHECK_FALSE(Conflict("node.kernel_log@n1", "gpu.sdc@n1"));
  CHECK_FALSE(Conflict("gpu.inventory@n1/gpu0", "gpu.gemm@n1/gpu0"));
  // Two GPUs of one node, two nodes.
  CHECK_FALSE(Conflict("gpu.gemm@n1/gpu0", "gpu.hbm_bandwidth@n1/gpu1"));
  CHECK_FALSE(Conflict("nccl.allreduce@n1", "nccl.allreduce@n2"));
  CHECK_FALSE(Conflict("gpu.sdc@n1", "gpu.gemm@n2/gpu3"));
  // A passed kernel launch beside its GPU's GEMM stands (a load only slows it); a failed one was
  // measured again apart (VER7) and is planned apart.
  CHECK_FALSE(ProbeStepsConflict(Step("a", "gpu.kernel_launch@n1/gpu0", 0.5), Step("b", "gpu.gemm@n1/gpu0", 3)));
  CHECK(ProbeStepsConflict(Step("a", "gpu.kernel_launch@n1/gpu0", 0.5, {}, "fail"), Step("b", "nccl.allreduce@n1", 5)));
}

TEST_CASE("ver8: the realistic sets' plan shapes and their planned time") {
  // (c) one probe dominates (rl32-17: kernel log 0.3 s, health 1 s, all-reduce 5 s, one wave): all
  // three start at 0 and the plan is the all-reduce's 5 s against 6.3 s in sequence; no rule could
  // make it shorter.
  std::vector<VerificationStep> c = {Step("s1", "node.kernel_log@n1", 0.3), Step("s2", "gpu.health@n1/gpu1", 1.0),
                                     Step("s3", "nccl.allreduce@n1", 5.0)};
  std::vector<StepTiming> tc = ScheduleSteps(c, ProbeStepsConflict, 16);
  for (const StepTiming& t : tc) CHECK(t.start_s == doctest::Approx(0));
  CHECK(PlannedS(c, ProbeStepsConflict, 16) == doctest::Approx(5.0));
  CHECK(SequentialS(c) == doctest::Approx(6.3));

  // (b) the checksum vote and a GEMM on its node (rl23-09): the GEMM waits for the vote; the health
  // read overlaps both.
  std::vector<VerificationStep> b = {Step("s1", "gpu.sdc@n1", 1.2), Step("s2", "gpu.health@n1/gpu7", 1.1),
                                     Step("s3", "gpu.gemm@n1/gpu7", 2.7)};
  std::vector<StepTiming> tb = ScheduleSteps(b, ProbeStepsConflict, 16);
  CHECK(tb[1].start_s == doctest::Approx(0));
  CHECK(tb[2].start_s == doctest::Approx(1.2));
  CHECK(PlannedS(b, ProbeStepsConflict, 16) == doctest::Approx(3.9));

  // (a) after a first wave of reads the GEMM runs only if the wave left the answer open, so it
  // waits for the wave (rl32-08: health of the suspect and a peer, 1 s each, then the GEMM 3 s).
  std::vector<VerificationStep> a = {Step("s1", "node.kernel_log@n1", 0.3), Step("s2", "gpu.health@n1/gpu1", 1.0),
                                     Step("s3", "gpu.health@n1/gpu5", 1.0, {}, "fail"),
                                     Step("s4", "gpu.gemm@n1/gpu5", 3.0, {"s1", "s2", "s3"}, "fail")};
  std::vector<StepTiming> ta = ScheduleSteps(a, ProbeStepsConflict, 16);
  CHECK(ta[3].start_s == doctest::Approx(1.0));
  CHECK(PlannedS(a, ProbeStepsConflict, 16) == doctest::Approx(4.0));
}

}  // namespace vigil
