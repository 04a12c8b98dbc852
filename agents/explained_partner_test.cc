#include "agents/explained_partner.h"

#include <doctest/doctest.h>

namespace vigil {
namespace {

// The reasoner's table, as far as these categories go.
const std::map<std::string, std::vector<std::string>> kTable = {
    {"rank_process_crash", {"ib_link_failure", "nccl_network_misconfig", "cuda_oom"}},
    {"ib_link_failure", {"nccl_network_misconfig", "rank_process_crash"}},
    {"nccl_network_misconfig", {"ib_link_failure"}},
};

TEST_CASE("PartnerExplainedBy: the mutual partner the leader itself explained away (PLC16)") {
  // The crash explained its IB partner away: past its round on causes it is the cause.
  CHECK(PartnerExplainedBy("rank_process_crash", kTable, {{"ib_link_failure", {"rank_process_crash"}}}) ==
        "ib_link_failure");
  // An NCCL misconfiguration explained the IB partner away, and it can cause the crash too: the crash
  // did not win the pair, it is still a symptom (before: read as the cause).
  CHECK(PartnerExplainedBy("rank_process_crash", kTable, {{"ib_link_failure", {"nccl_network_misconfig"}}}).empty());
  // Discounted for a reason that names no cause: no win either.
  CHECK(PartnerExplainedBy("rank_process_crash", kTable, {{"ib_link_failure", {}}}).empty());
  // Twin: the IB failure leads and explained the crash away.
  CHECK(PartnerExplainedBy("ib_link_failure", kTable, {{"rank_process_crash", {"ib_link_failure"}}}) ==
        "rank_process_crash");
  CHECK(PartnerExplainedBy("ib_link_failure", kTable, {{"rank_process_crash", {"nccl_network_misconfig"}}}).empty());
  // Near misses: a discounted cause that cannot be caused by the leader (no partner); no table row.
  CHECK(PartnerExplainedBy("rank_process_crash", kTable, {{"cuda_oom", {"rank_process_crash"}}}).empty());
  CHECK(PartnerExplainedBy("gpu_thermal_throttle", kTable, {{"ib_link_failure", {"gpu_thermal_throttle"}}}).empty());
}

}  // namespace
}  // namespace vigil
