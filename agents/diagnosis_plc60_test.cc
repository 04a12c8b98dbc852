// PLC60 (2026-12-07, realistic52 rl52-10, seen): an input-pipeline hook's summary line printing the data
// wait as percentiles over the steps beside the compute time ("data_wait_ms p50=4120 p95=6890
// compute_ms p50=2210") says the loop waits for input on most of each step. Before: "compute_ms" was no
// compute time (the unit suffix was not read) and one line counted as one of the three lines asked for.
// Seen failing: the case below gave `unknown` with 1ba781e7's build (`vigil diagnose --case`).
#include <doctest/doctest.h>

#include <string>

#include "agents/diagnosis_testing.h"

namespace vigil {
namespace {

std::string CaseWith(const std::string& line) {
  return R"JSON({
  "id": "plc60-percentile-wait",
  "alert": null,
  "topology": {"nodes": ["qz-11", "qz-12"], "gpus_per_node": 8, "timezone": "UTC"},
  "logs": [
    {"source": "train/qz-11/rank0", "lines": [
      "[rank0]:[titan] 2026-12-06 03:20:02,044 - root - INFO - step: 960  loss:  2.4110  memory: 61.20GiB(77.3%)  tps: 1,204",
      "[rank0]:[titan] 2026-12-06 03:25:32,044 - root - INFO - step: 970  loss:  2.4080  memory: 61.20GiB(77.3%)  tps: 1,198",
      ")JSON" + line + R"JSON(",
      "[rank0]:[titan] 2026-12-06 03:31:02,051 - root - INFO - step: 980  loss:  2.4052  memory: 61.20GiB(77.3%)  tps: 1,201"]}
  ]
})JSON";
}

TEST_CASE("plc60: a percentile summary of the data wait beside the compute time is an input-bound loop") {
  const Diagnosis d = testing::RunCaseText(CaseWith(
      "[rank0]:[titan] 2026-12-06 03:31:02,044 - root - INFO - step: 980  data_wait_ms p50=4120 p95=6890  compute_ms "
      "p50=2210  (input pipeline hook)"));
  CHECK(d.root_cause == "dataloader_stall");
}

TEST_CASE("plc60: one step's wait, or a wait that is a small share, is not read so") {
  // One step's figures (no percentiles): one line of the three asked for.
  Diagnosis d = testing::RunCaseText(
      CaseWith("[rank0]:[titan] 2026-12-06 03:31:02,044 - root - INFO - step: 980  data_wait_ms=4120  compute_ms=2210"));
  CHECK(d.root_cause != "dataloader_stall");
  // Percentiles, but the wait is a small share of the step (0.3 s of 2.5 s).
  d = testing::RunCaseText(CaseWith(
      "[rank0]:[titan] 2026-12-06 03:31:02,044 - root - INFO - step: 980  data_wait_ms p50=310 p95=690  compute_ms p50=2210"));
  CHECK(d.root_cause != "dataloader_stall");
}

}  // namespace
}  // namespace vigil
