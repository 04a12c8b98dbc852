// The chat over the real incident store (IncidentStoreLookup on a SQLite file): what the webhook
// recorded and the workers diagnosed is what the chat answers from.
#include "server/chat_store.h"

#include <doctest/doctest.h>

#include <vector>

#include "knowledge/temp_dir_testing.h"

namespace vigil {
namespace {

bool Contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

Alert Firing(std::string fingerprint, std::string node, std::string summary) {
  Alert a;
  a.fingerprint = std::move(fingerprint);
  a.rule = "GpuXidError";
  a.severity = "critical";
  a.labels = {{"alertname", a.rule}, {"Hostname", node}, {"gpu", "5"}};
  a.annotations = {{"summary", std::move(summary)}};
  a.state = AlertState::kFiring;
  a.starts_at_ms = 1'764'550'000'000;
  return a;
}

Json ReportJson(const std::string& component) {
  Diagnosis d;
  d.root_cause = "gpu_fallen_off_bus";
  d.component = component;
  d.confidence = 0.93;
  Evidence e;
  e.id = "e1";
  e.kind = EvidenceKind::kLog;
  e.source = "node-3/journal:17";
  e.detail = "NVRM: Xid (PCI:0000:ab:00): 79, GPU has fallen off the bus";
  d.evidence.push_back(e);
  d.mitigation = "drain the node";
  Json j = d;
  j["case_id"] = "alert";
  j["mode"] = "builtin";
  j["trace"] = Json::array();
  return j;
}

}  // namespace

TEST_CASE("IncidentStoreLookup: the chat answers from incidents the store recorded and diagnosed") {
  TempDir dir("vigil_chat_store_test");
  IncidentStoreOptions o;
  o.path = (dir.path / "incidents.db").string();
  auto store = IncidentStore::Open(o);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  auto intake = (*store)->Intake({Firing("f1", "node-3", "Xid 79 on node-3 gpu 5"),
                                  Firing("f2", "node-7", "Xid 79 on node-7 gpu 5"),
                                  Firing("f3", "node-8", "Xid 79 on node-8 gpu 5")});
  REQUIRE(intake.ok());
  REQUIRE(intake->created.size() == 3);
  const int64_t first = intake->created[0], third = intake->created[2];
  // Diagnose the first; the third gets a stored JSON that is not a diagnosis; the second waits.
  std::vector<int64_t> claimed;
  for (int i = 0; i < 3; ++i) {
    auto next = (*store)->ClaimNext();
    REQUIRE(next.ok());
    REQUIRE(next->has_value());
    claimed.push_back((*next)->id);
  }
  for (int64_t id : claimed) {
    if (id == first) REQUIRE((*store)->Finish(id, ReportJson("node-3/gpu5"), 0.5).ok());
    else if (id == third) REQUIRE((*store)->Finish(id, Json{{"what", "not a diagnosis"}}, 0.5).ok());
    else REQUIRE((*store)->Requeue(id).ok());
  }
  IncidentStoreLookup lookup(store->get());
  ChatContext ctx;
  ctx.incidents = &lookup;

  auto a = AnswerQuestion({"#" + std::to_string(first), std::nullopt}, ctx);
  REQUIRE(a.ok());
  CHECK(Contains(a->answer, "Incident #" + std::to_string(first) + ": GpuXidError: Xid 79 on node-3 gpu 5 (diagnosed"));
  CHECK(Contains(a->answer, "Root cause: gpu_fallen_off_bus on node-3/gpu5, confidence 0.93"));
  CHECK(Contains(a->answer, "[log] node-3/journal:17: NVRM: Xid"));
  // The alert's Hostname label and the component's GPU part name it.
  a = AnswerQuestion({"anything on node-3?", std::nullopt}, ctx);
  REQUIRE(a.ok());
  CHECK(Contains(a->answer, "Incident #" + std::to_string(first)));
  a = AnswerQuestion({"node-7?", std::nullopt}, ctx);
  REQUIRE(a.ok());
  CHECK(Contains(a->answer, "Not diagnosed yet (status queued)"));
  a = AnswerQuestion({"#" + std::to_string(third), std::nullopt}, ctx);
  REQUIRE(a.ok());
  CAPTURE(a->answer);
  CHECK(Contains(a->answer, "No diagnosis to show (status diagnosed): the stored diagnosis of incident #" +
                                std::to_string(third) + " cannot be read"));
  CHECK_FALSE(Contains(a->answer, "Root cause"));
  a = AnswerQuestion({"#999", std::nullopt}, ctx);
  REQUIRE(a.ok());
  CHECK(Contains(a->answer, "There is no incident #999 in the store."));

  // A resolved notification: no longer open.
  Alert resolved = Firing("f1", "node-3", "Xid 79 on node-3 gpu 5");
  resolved.state = AlertState::kResolved;
  resolved.ends_at_ms = resolved.starts_at_ms + 60'000;
  REQUIRE((*store)->Intake({resolved}).ok());
  a = AnswerQuestion({"open incidents", std::nullopt}, ctx);
  REQUIRE(a.ok());
  CHECK(Contains(a->answer, "2 open incidents"));
  CHECK_FALSE(Contains(a->answer, "#" + std::to_string(first) + " "));
  a = AnswerQuestion({"#" + std::to_string(first), std::nullopt}, ctx);
  REQUIRE(a.ok());
  CHECK(Contains(a->answer, "(diagnosed, alert stopped firing, received "));  // DEF5: not "resolved"
}

}  // namespace vigil

namespace vigil {

TEST_CASE("IncidentStoreLookup: the chat answers how an incident was fixed from its stored resolution") {
  TempDir dir("vigil_chat_store_test");
  IncidentStoreOptions o;
  o.path = (dir.path / "incidents.db").string();
  auto store = IncidentStore::Open(o);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  auto intake = (*store)->Intake({Firing("g1", "node-3", "Xid 79 on node-3 gpu 5"),
                                  Firing("g2", "node-4", "Xid 79 on node-4 gpu 5")});
  REQUIRE(intake.ok());
  const int64_t fixed = intake->created[0], open = intake->created[1];
  for (int i = 0; i < 2; ++i) {
    auto claimed = (*store)->ClaimNext();
    REQUIRE((claimed.ok() && claimed->has_value()));
    const std::string component = (*claimed)->id == fixed ? "node-3/gpu5" : "node-4/gpu5";
    REQUIRE((*store)->Finish((*claimed)->id, ReportJson(component), 1).ok());
  }
  IncidentResolution r;
  r.root_cause = "pcie_link_degraded";
  r.summary = "the riser of GPU 5 was loose; the link trained at x4";
  r.resolution = "reseated the riser, link back at x16";
  r.by = "ana";
  REQUIRE((*store)->SetResolution(fixed, r).ok());
  IncidentStoreLookup lookup(store->get());
  ChatContext ctx;
  ctx.incidents = &lookup;
  auto a = AnswerQuestion({"how was #" + std::to_string(fixed) + " fixed?", std::nullopt}, ctx);
  REQUIRE(a.ok());
  CHECK_MESSAGE(a->answer.rfind("Incident #" + std::to_string(fixed) +
                                    " was fixed by: reseated the riser, link back at x16 (root cause "
                                    "pcie_link_degraded, recorded by ana).\n",
                                0) == 0,
                a->answer);
  CHECK(Contains(a->answer, "Resolution (by ana, "));
  CHECK(Contains(a->answer, "Found: the riser of GPU 5 was loose; the link trained at x4\n"));
  CHECK(Contains(a->answer, "The diagnosis said gpu_fallen_off_bus, not pcie_link_degraded.\n"));
  // Asked about by node name, the same.
  auto by_node = AnswerQuestion({"how did we resolve node-3?", std::nullopt}, ctx);
  REQUIRE(by_node.ok());
  CHECK(Contains(by_node->answer, "was fixed by: reseated the riser"));
  // Not asked about the fix: the resolution is still shown, after the title.
  auto plain = AnswerQuestion({"#" + std::to_string(fixed), std::nullopt}, ctx);
  REQUIRE(plain.ok());
  CHECK(plain->answer.rfind("Incident #" + std::to_string(fixed) + ": ", 0) == 0);
  CHECK(Contains(plain->answer, "Fixed by: reseated the riser, link back at x16\n"));
  // No resolution recorded: said plainly, nothing made up.
  auto none = AnswerQuestion({"how was #" + std::to_string(open) + " fixed", std::nullopt}, ctx);
  REQUIRE(none.ok());
  CHECK(none->answer.rfind("No resolution has been recorded for incident #" + std::to_string(open), 0) == 0);
  CHECK_FALSE(Contains(none->answer, "Fixed by"));
  // The list line carries it too.
  auto latest = AnswerQuestion({"incidents on node-3 or node-4?", std::nullopt}, ctx);
  REQUIRE(latest.ok());
  CHECK(Contains(latest->answer, "resolved by ana as pcie_link_degraded"));
  // Its resolution posted, it is no longer open, though its alert still fires (OPS4B; it was
  // listed by "open incidents" before).
  auto open_list = AnswerQuestion({"open incidents", std::nullopt}, ctx);
  REQUIRE(open_list.ok());
  CHECK(Contains(open_list->answer, "1 open incident (newest first):\n  - #" + std::to_string(open) + " "));
  CHECK_FALSE(Contains(open_list->answer, "resolved by ana"));
}

}  // namespace vigil

namespace vigil {

// DOG8: a node's incidents older than the chat's scan of the newest (scan_limit) were not found:
// "incidents on node-9" said none. IncidentStoreLookup::OnNode asks the store's node index.
TEST_CASE("IncidentStoreLookup: a node's incidents older than the newest scanned are found by the store's node index") {
  TempDir dir("vigil_chat_store_test");
  IncidentStoreOptions o;
  o.path = (dir.path / "incidents.db").string();
  auto store = IncidentStore::Open(o);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  REQUIRE((*store)->Intake({Firing("old", "node-9.cluster.local", "Xid 79 on node-9 gpu 5")}).ok());
  for (const char* n : {"node-3", "node-4", "node-5"}) {
    REQUIRE((*store)->Intake({Firing(std::string("f-") + n, n, std::string("Xid 79 on ") + n)}).ok());
  }
  IncidentStoreLookup lookup(store->get());
  ChatContext ctx;
  ctx.incidents = &lookup;
  ctx.scan_limit = 2;  // node-9's incident is the oldest of four
  auto a = AnswerQuestion({"incidents on node-9", std::nullopt}, ctx);
  REQUIRE(a.ok());
  CAPTURE(a->answer);
  CHECK(Contains(a->answer, "Incident #1: GpuXidError: Xid 79 on node-9 gpu 5"));
  CHECK(a->about == 1);
  a = AnswerQuestion({"incidents on node-19", std::nullopt}, ctx);
  REQUIRE(a.ok());
  CHECK(Contains(a->answer, "No incident in the store mentions node-19 (searched the 2 newest, and every incident by node name)."));
}

}  // namespace vigil
