// RV1 (2026-12-06): a review of STM3's storm merge. The case below failed on 08523bce (and on STM4's
// merge); fixed by the lead after STM4 landed (server/HISTORY.md "RV1"): an incident of one alert
// resolves along a merge chain only when no alert it held still fires elsewhere.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "knowledge/temp_dir_testing.h"
#include "server/incident_store.h"
#include "server/storm_testing.h"

namespace vigil {
namespace {

using testing::Firing;
using testing::NodeDowns;
using testing::RackXids;

IntakeOptions Rv1Hook() {
  IntakeOptions o;
  o.storm_min_alerts = 10;
  o.group_key = testing::kRackStormGroupKey;
  o.storm_merge_window_ms = 15 * 60'000;
  return o;
}

}  // namespace

// An incident of one alert X merged into storm A (STM1), then A split over two groups' storms (STM3):
// X's alert went to the job's storm, A was merged_into the rack's storm (it took the most). When the
// rack's storm resolves, resolve_merged follows merged_into (rack <- A <- X) and resolves X, an
// incident of one alert (storm_key ''), though its alert still fires in the job's storm: the on-call
// engineer sees X "resolved" while node 10 is still down. X should resolve only when its own alert
// ends (where it is now), as the merged storm A does (its `held` check).
TEST_CASE("rv1 IncidentStore: an incident of one alert merged into a storm later split is not resolved while its alert fires elsewhere") {
  TempDir dir("vigil_rv1_store_test");
  int64_t now = 2'000'000;
  auto store = testing::OpenStoreAt(dir.path / "incidents.db", &now);
  // Webhook 1: node 10 down alone: an incident of one alert.
  auto one = store->Intake(NodeDowns(10, 11), Rv1Hook());
  REQUIRE((one.ok() && one->created.size() == 1 && one->storms.empty()));
  const int64_t x = one->created[0];
  // Webhook 2: the rack's nodes down: storm A; X's alert is in it, X merged into A.
  now += 60'000;
  auto second = store->Intake(NodeDowns(0, 12), Rv1Hook());
  REQUIRE_MESSAGE(second.ok(), second.status().ToString());
  REQUIRE(second->storms.size() == 1);
  const int64_t a = second->storms[0].incident;
  REQUIRE(store->Get(x)->merged_into == a);
  // Webhook 3: nodes 0-7's Xids (rack r7), nodes 8-11's NCCL timeouts (job 4242): A split, 8 to the
  // rack's storm, 4 (node 10's NodeDown among them) to the job's.
  now += 60'000;
  auto third = store->Intake(testing::Cat({NodeDowns(0, 12), RackXids(0, 8), testing::NcclTimeouts(8, 12)}), Rv1Hook());
  REQUIRE_MESSAGE(third.ok(), third.status().ToString());
  REQUIRE(third->merged.size() == 1);
  const int64_t rack = third->merged[0].into;
  REQUIRE(third->merged[0].also_into.size() == 1);
  // The rack's alerts end; node 10's NodeDown still fires (in the job's storm).
  std::vector<Alert> ended = testing::Cat({NodeDowns(0, 8), RackXids(0, 8)});
  for (Alert& e : ended) {
    e.state = AlertState::kResolved;
    e.ends_at_ms = now + 1'000;
  }
  auto rack_end = store->Intake(ended, Rv1Hook());
  REQUIRE(rack_end.ok());
  REQUIRE(store->Get(rack)->resolved_at_ms != 0);
  CHECK(store->Get(a)->resolved_at_ms == 0);  // STM3's `held`: 4 of A's alerts still fire
  CHECK(store->Get(x)->resolved_at_ms == 0);  // failed before: resolved along rack <- A <- X
  // Node 10's NodeDown ends (in the job's storm): X resolves with it.
  now += 60'000;
  std::vector<Alert> last = NodeDowns(10, 11);
  last[0].state = AlertState::kResolved;
  last[0].ends_at_ms = now;
  REQUIRE(store->Intake(last, Rv1Hook()).ok());
  CHECK(store->Get(x)->resolved_at_ms == now);
}

}  // namespace vigil
