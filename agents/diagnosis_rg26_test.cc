// RG26 (2026-12-04): wrong root causes of realistic21 read for their family: a tool's output layout
// the readers did not read. Each test is the rule an on-call engineer applies, on a case written for
// the test (nodes pz-NN), not copied from the sets.
#include <doctest/doctest.h>

#include <string>

#include "agents/diagnosis_testing.h"

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

}  // namespace
}  // namespace vigil
