// RG26 (2026-12-04): wrong root causes of realistic21 read for their family: a tool's output layout
// the readers did not read. Each test is the rule an on-call engineer applies, on a case written for
// the test (nodes pz-NN), not copied from the sets.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "agents/rank_exit.h"

namespace vigil {
namespace {

// ---- 1. an FP8 meta dump pasted as a table: amax turns inf, the scale falls to 0 -----------------

// A 2-node job with FP8 delayed scaling: the loss turns NaN at step 1207 on every rank; the engineer
// pastes the FP8 meta of one GEMM input as the training script dumps it (blank-aligned columns), in
// which the amax climbs and turns inf and the scale falls to 0 two steps before; the grad norm is flat
// (0.52 .. 0.61) up to the NaN; no other log shows a fault.
constexpr const char* kFp8MetaTable = R"JSON({
  "id": "rg26-fp8-table",
  "alert": null,
  "topology": {"nodes": ["pz-01", "pz-02"], "gpus_per_node": 8},
  "logs": [
    {"source": "pz-01/rank0/stdout", "lines": [
      "iter 1200 | lm loss 1.9921 | grad norm 0.55 | lr 2.4e-04",
      "iter 1202 | lm loss 1.9874 | grad norm 0.61 | lr 2.4e-04",
      "iter 1204 | lm loss 1.9903 | grad norm 0.52 | lr 2.4e-04",
      "iter 1207 | lm loss nan | grad norm nan | lr 2.4e-04",
      "[rank0]: ValueError: loss is nan at iteration 1207, stopping",
      "[rank11]: ValueError: loss is nan at iteration 1207, stopping"]},
    {"source": "fp8 meta of layers.17.self_attn.linear_proj input (rank 0), dumped each step", "lines": [
      "iter   amax_history_max   scale       scale_inv",
      "1203   2.8e+02            1.6e+00     6.25e-01",
      "1204   9.6e+03            4.67e-02    2.14e+01",
      "1205   3.3e+07            1.36e-05    7.35e+04",
      "1206   inf                0           inf"]}
  ]
})JSON";

TEST_CASE("rg26: an FP8 meta table whose amax turns inf and scale falls to 0 is fp8_scaling_overflow") {
  // Before: loss_divergence on the job (the NaN loss), fp8_scaling_overflow far behind.
  const Diagnosis d = testing::RunCaseText(kFp8MetaTable);
  CHECK(d.root_cause == "fp8_scaling_overflow");
  CHECK(d.component == "job");
}


// ---- 2. one rank's own exception before the peers' watchdog timeouts -----------------------------

// A 2-node job (ranks 0-7 on pz-11, 8-15 on pz-12, srun -l labels): rank 13 raises a FileNotFoundError
// in its evaluation hook and exits; ten minutes later ranks 2 and 9 report the watchdog's timeout of
// the all-reduce they waited in. Nothing else is wrong.
constexpr const char* kRankExitThenTimeouts = R"JSON({
  "id": "rg26-rank-exit",
  "alert": null,
  "topology": {"nodes": ["pz-11", "pz-12"], "gpus_per_node": 8},
  "logs": [
    {"source": "slurm-4411.out", "lines": [
      "13: Traceback (most recent call last):",
      "13:   File \"/code/train/hooks.py\", line 88, in on_eval_end",
      "13:     with open(os.path.join(cfg.eval_dir, f\"step{step}.json\"), \"w\") as f:",
      "13: FileNotFoundError: [Errno 2] No such file or directory: '/scratch/evals/run7/step4000.json'",
      "srun: error: pz-12: task 13: Exited with exit code 1",
      "2: [rank2]:[E0611 07:41:09.120 ProcessGroupNCCL.cpp:632] [Rank 2] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=88102, OpType=ALLREDUCE, NumelIn=1048576, Timeout(ms)=600000) ran for 600007 milliseconds before timing out.",
      "9: [rank9]:[E0611 07:41:09.131 ProcessGroupNCCL.cpp:632] [Rank 9] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=88102, OpType=ALLREDUCE, NumelIn=1048576, Timeout(ms)=600000) ran for 600011 milliseconds before timing out.",
      "srun: error: pz-11: tasks 0-7: Aborted"]}
  ]
})JSON";

TEST_CASE("rg26: one rank's own exception before the peers' watchdog timeouts is rank_process_crash") {
  // Before: nccl_collective_hang on the job (the timeouts; the exception read as nothing).
  const Diagnosis d = testing::RunCaseText(kRankExitThenTimeouts);
  CHECK(d.root_cause == "rank_process_crash");
  CHECK(d.component.rfind("pz-12", 0) == 0);
}

TEST_CASE("FindRankExitBeforeTimeouts: one rank's exception, then the others' timeouts") {
  const std::vector<std::string> lines = {
      "[rank5]: Traceback (most recent call last):", "[rank5]: KeyError: 'labels'",
      "[rank0]:[E0611 07:41:09.120 ProcessGroupNCCL.cpp:632] [Rank 0] Watchdog caught collective operation timeout: "
      "WorkNCCL(SeqNum=7, OpType=ALLREDUCE, Timeout(ms)=600000) ran for 600007 milliseconds before timing out."};
  const std::vector<int64_t> none(lines.size(), -1);
  RankExitBeforeTimeouts x = FindRankExitBeforeTimeouts(lines, none, -1);
  CHECK(x.found);
  CHECK(x.rank == 5);
  CHECK(x.line == 1);
  CHECK(x.timeout_line == 2);
  // The timeout printed before the exception: the exception is no cause of it.
  CHECK_FALSE(FindRankExitBeforeTimeouts({lines[2], lines[0], lines[1]}, none, -1).found);
  // An exception naming the communication, or a CUDA error, is another reader's.
  CHECK_FALSE(FindRankExitBeforeTimeouts({lines[0], "[rank5]: torch.distributed.DistBackendError: NCCL error", lines[2]},
                                         none, -1)
                  .found);
  CHECK_FALSE(FindRankExitBeforeTimeouts(
                  {lines[0], "[rank5]: RuntimeError: CUDA error: an illegal memory access was encountered", lines[2]},
                  none, -1)
                  .found);
  // A write the file system refused is storage's (a quota exceeded while saving a checkpoint).
  CHECK_FALSE(FindRankExitBeforeTimeouts(
                  {lines[0], "[rank5]: OSError: [Errno 122] Disk quota exceeded: '/ckpt/step900/model.pt'", lines[2]},
                  none, -1)
                  .found);
  // Two ranks raising: no single rank left first.
  CHECK_FALSE(FindRankExitBeforeTimeouts(
                  {lines[0], lines[1], "[rank6]: Traceback (most recent call last):", "[rank6]: KeyError: 'x'", lines[2]},
                  none, -1)
                  .found);
  // No peer timeout: nothing waited for it.
  CHECK_FALSE(FindRankExitBeforeTimeouts({lines[0], lines[1]}, none, -1).found);
}

}  // namespace
}  // namespace vigil
