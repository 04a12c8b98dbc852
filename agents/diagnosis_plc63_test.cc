// PLC63 (2026-12-07, realistic56, SEEN fixes: the blind run's misses): evidence written for these
// tests (made-up minimal lines in the shape of the case's logs, not the case's text).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "agents/fp8_overflow.h"
#include "agents/nvlink_correctable.h"

namespace vigil {
namespace {

// 1. (rl56-24) Transformer Engine's "amax_history contains inf for layer X" is a non-finite amax
//    warning: the loss turning NaN right after it, with a flat grad norm, is the FP8 recipe
//    overflowing, not a divergence.
TEST_CASE("plc63: TE's 'amax_history contains inf' is a non-finite amax warning") {
  CHECK(IsNonFiniteAmaxWarning("[W fp8.py:512] amax_history contains inf for layer blocks.7.fc2 (rank 3)"));
  CHECK(IsNonFiniteAmaxWarning("amax_history[-1] became nan for blocks.2.qkv"));
  // Settings and finite readings are not.
  CHECK_FALSE(IsNonFiniteAmaxWarning("amax_history_len: 1024"));
  CHECK_FALSE(IsNonFiniteAmaxWarning("amax_history contains 16 entries for layer blocks.7.fc2"));
  CHECK_FALSE(IsNonFiniteAmaxWarning("amax_history_len=1, amax_compute_algo=max, loss: nan"));
}

std::string Fp8Case(const std::string& warning, const std::string& extra_logs = "") {
  std::string lines;
  const char* norms[] = {"0.52", "0.55", "0.49", "0.58", "0.51", "0.54"};
  for (int k = 0; k < 6; ++k) {
    lines += "\" [2026-10-01 04:0" + std::to_string(k) + ":00] iteration " + std::to_string(500 + k) +
             "/ 9000 | lm loss: 2.3" + std::to_string(k) + "E+00 | grad norm: " + norms[k] + " |\",\n";
  }
  return R"JSON({
  "id": "plc63-amax-history",
  "alert": null,
  "topology": {"nodes": ["kx-01", "kx-02"], "gpus_per_node": 4},
  "logs": [
    {"source": "train-4411.out", "lines": [
      "fp8 recipe: amax_history_len=1, amax_compute_algo=most_recent, margin=0",
)JSON" + lines + "\"" + warning + R"JSON(",
      " [2026-10-01 04:07:00] iteration 507/ 9000 | lm loss: nan | grad norm: nan |"]}
)JSON" + extra_logs + R"JSON(
  ]
})JSON";
}

TEST_CASE("plc63: NaN right after 'amax_history contains inf' with a flat grad norm is fp8_scaling_overflow") {
  const Diagnosis d =
      testing::RunCaseText(Fp8Case("[W 2026-10-01 04:06:30 fp8.py:512] amax_history contains inf for layer blocks.7.fc2"));
  CHECK(d.root_cause == "fp8_scaling_overflow");
  CHECK(d.confidence >= 0.5);
}

// 2. (rl56-24) NVLink recovery / replay counts (no CRC errors, no Xid) beside an FP8 overflow read
//    from the training log are noise: the link retransmits CRC-checked data, it does not put an inf
//    into an amax.
TEST_CASE("plc63: NVLink recovery / replay counts alone are correctable counters") {
  CHECK(IsCorrectableNvlinkCounter("\t Link 5: Recovery Errors: 3"));
  CHECK(IsCorrectableNvlinkCounter("\t Link 1: Replay Errors: 17"));
  CHECK(IsCorrectableNvlinkCounter("metric DCGM_FI_DEV_NVLINK_RECOVERY_ERROR_COUNT_TOTAL{gpu=\"1\"} increase(...) > 0"));
  CHECK_FALSE(IsCorrectableNvlinkCounter("\t Link 5: CRC Errors: 18273"));
  CHECK_FALSE(IsCorrectableNvlinkCounter("NVRM: Xid (PCI:0000:07:00): 74, NVLink: fatal error detected on link 5"));
  CHECK_FALSE(IsCorrectableNvlinkCounter("Link 2: Recovery Errors: 9, link is down"));
}

TEST_CASE("plc63: an FP8 overflow beside NVLink recovery counts is the overflow, a CRC storm keeps the link") {
  const std::string recovery = R"JSON(,
    {"source": "kx-02/nvlink-e.txt", "lines": ["GPU 1: NVIDIA H100", "\t Link 4: Recovery Errors: 3", "\t Link 4: CRC Errors: 0"]})JSON";
  Diagnosis d = testing::RunCaseText(
      Fp8Case("[W 2026-10-01 04:06:30 fp8.py:512] amax_history contains inf for layer blocks.7.fc2", recovery));
  CHECK(d.root_cause == "fp8_scaling_overflow");
  // The same counters with CRC errors climbing: a link that corrupts data is not discounted.
  const std::string crc = R"JSON(,
    {"source": "kx-02/nvlink-e.txt", "lines": ["GPU 1: NVIDIA H100", "\t Link 4: Recovery Errors: 3", "\t Link 4: CRC Errors: 52110"]})JSON";
  d = testing::RunCaseText(
      Fp8Case("[W 2026-10-01 04:06:30 fp8.py:512] amax_history contains inf for layer blocks.7.fc2", crc));
  bool link_kept = false;
  for (const Hypothesis& h : d.hypotheses) link_kept = link_kept || (h.category == "nvlink_error" && h.probability > 0.05);
  CHECK(link_kept);
}

}  // namespace
}  // namespace vigil
