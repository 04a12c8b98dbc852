// PLC55 (2026-12-07): realistic50's blind misses, seen (agents/HISTORY.md's PLC55 section). Each reading
// with near misses, and a small case through the whole reasoner that answered the old wrong category on
// the base code (7bde3d84, PLC53's code):
// (PLC55's second reading, rl50-12's GID index named by a connect timeout, was removed by the lead after
// the merge: it answered the GID index in two older near misses, plc29's one-subnet pair and plc31's one
// NIC repeated; agents/HISTORY.md PLC55.)
// - an MoE router statistic giving the busiest expert's share of the tokens with the number of
//   experts ("(64 experts): max 0.318") is a skew of share x N (rl50-14: nccl_collective_hang 0.16).
// Evidence written for these tests, not copied from a case.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "agents/logs_case_testing.h"
#include "agents/moe_router_stats.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

// The case's answer; with PLC55_DUMP set to a folder, the case is also written there as NAME.json, so
// that an older `vigil diagnose --case` can be run on it (how these tests were seen failing on 7bde3d84).
std::string Answer(const Json& c, const std::string& name) { return testing::CaseAnswerDumped(c, name, "PLC55_DUMP"); }

TEST_CASE("plc55: MoeMaxOverMean reads the busiest expert's share with the number of experts") {
  const auto skew = MoeMaxOverMean("moe layer 7 tokens/expert (32 experts): max 0.250 (expert 3), min 0.001");
  REQUIRE(skew.has_value());
  CHECK(*skew == doctest::Approx(8.0));
  const auto pct = MoeMaxOverMean("router tokens per expert, 16 experts: max 40% (expert 9)");
  REQUIRE(pct.has_value());
  CHECK(*pct == doctest::Approx(6.4));
  // Near misses: no number of experts; a count, not a share; no tokens named; a share above the whole.
  CHECK_FALSE(MoeMaxOverMean("moe layer 7 tokens/expert: max 0.250 (expert 3), min 0.001").has_value());
  CHECK_FALSE(MoeMaxOverMean("moe tokens/expert (32 experts): max 4096 (expert 3)").has_value());
  CHECK_FALSE(MoeMaxOverMean("moe layer 7 (32 experts): max 0.250 grad norm").has_value());
  CHECK_FALSE(MoeMaxOverMean("moe tokens/expert (32 experts): max 1.7 (expert 3)").has_value());
}

TEST_CASE("plc55: a collapsed router's token share beside a slow all-to-all is the imbalance, not a hang") {
  std::vector<std::string> lines;
  for (int i = 0; i < 6; ++i) {
    lines.push_back("[rank0]: 2026-12-07 08:0" + std::to_string(i) + ":00,000 - INFO - step: " + std::to_string(900 + 10 * i) +
                    "  loss: 2.31  tps: " + std::to_string(i < 3 ? 3100 : 1050));
  }
  lines.push_back("[rank0]: 2026-12-07 08:06:00,100 - INFO - config: moe.load_balance_coeff=0.0 (was 0.01)");
  lines.push_back("[rank0]: 2026-12-07 08:07:00,100 - INFO - moe layer 4 tokens/expert (32 experts): max 0.35 (expert 11), min 0.0003");
  lines.push_back("[rank0]: 2026-12-07 08:07:00,120 - INFO - timing: all_to_all dispatch 390 ms (was 120 ms)");
  lines.push_back("[rank77]:[W1207 08:07:01.010001 ProcessGroupNCCL.cpp:1410] [Rank 77] slow all_to_all: 8.2 s");
  Json c = Case("t-plc55-moe", {"mq-1", "mq-2"}, Json::array({Log("worker-0.log", lines)}));
  // Before: nccl_collective_hang.
  CHECK(Answer(c, "plc55_moe").rfind("moe_expert_imbalance @ ", 0) == 0);
}

}  // namespace
}  // namespace vigil
