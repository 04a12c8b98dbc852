#include "knowledge/miner.h"

#include <doctest/doctest.h>

#include <deque>
#include <regex>

#include "connectors/llm_client.h"
#include "knowledge/knowledge_base.h"

namespace vigil {
namespace {

std::unique_ptr<KnowledgeBase> TestKb() {
  KnowledgeOptions o;
  o.load_pack = false;
  o.index_spec = "Flat";
  auto kb = KnowledgeBase::Open(o);
  REQUIRE(kb.ok());
  REQUIRE((*kb)->Import("knowledge/testdata/incidents.jsonl").ok());
  return std::move(kb).value();
}

bool Has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

class FakeLlm : public LlmClient {
 public:
  std::deque<std::string> answers;
  std::vector<ChatRequest> requests;
  Result<ChatResponse> Chat(const ChatRequest& r) override {
    requests.push_back(r);
    if (answers.empty()) return UnavailableError("fake: no more answers");
    ChatResponse resp;
    resp.message.role = "assistant";
    resp.message.content = answers.front();
    answers.pop_front();
    return resp;
  }
  TokenUsage Usage() const override { return {}; }
  std::string Describe() const override { return "fake"; }
};

}  // namespace

TEST_CASE("masking hides numbers, addresses, ids, IPs and PCI bus ids") {
  CHECK(MaskLogLine("NVRM: Xid (PCI:0000:3b:00): 79, pid=1234") == "NVRM: Xid (PCI:<PCI>): <NUM>, pid=<NUM>");
  CHECK(MaskLogLine("peer 10.0.0.12:58213 addr 0x7f3a2c001000") == "peer <IP> addr <HEX>");
  CHECK(MaskLogLine("GPU 00000000:3B:00.0 job 3f2a1b4c-1d2e-4f00-8a9b-0123456789ab") ==
        "GPU <PCI> job <UUID>");
  CHECK(MaskLogLine("loss 2.345e+00 at /data/ckpt/step_100") == "loss <NUM> at <PATH>");
}

TEST_CASE("Drain groups lines that differ in variable tokens") {
  LogTemplateMiner d;
  d.Add("rank 3 step 100 loss 2.31 grad_norm 1.2");
  d.Add("rank 3 step 101 loss 2.29 grad_norm 1.1");
  d.Add("NCCL WARN NET/IB : Got completion from peer 10.0.0.12<58213> with status=12");
  d.Add("worker alpha connected");
  d.Add("worker beta connected");
  REQUIRE(d.templates().size() == 3);
  CHECK(d.templates()[0].count == 2);
  CHECK(d.templates()[0].text == "rank <NUM> step <NUM> loss <NUM> grad_norm <NUM>");
  CHECK(d.templates()[2].text == "worker <*> connected");
  CHECK(d.templates()[2].example == "worker alpha connected");
}

TEST_CASE("builtin miner: signature match fills the category and reports what it could not fill") {
  auto kb = TestKb();
  auto miner = MakeMiner("builtin", {kb.get(), nullptr, 2});
  REQUIRE(miner.ok());
  auto m = (*miner)->Mine(
      "2024-06-01T03:04:05Z node-12 kernel: NVRM: Xid (PCI:0000:b7:00): 79, pid=9876, GPU has fallen off the "
      "bus.\n"
      "2024-06-01T03:04:09Z rank 5: NCCL error: unhandled system error\n"
      "see https://tickets.example/INC-1");
  REQUIRE_MESSAGE(m.ok(), m.status().ToString());
  CHECK(m->incident.root_cause == "gpu_fallen_off_bus");
  CHECK(m->incident.started_at_ms == 1717211045000);
  CHECK(m->incident.symptoms.size() == 2);
  CHECK(Has(m->incident.log_signatures, "GPU has fallen off the bus"));
  CHECK(m->incident.links == std::vector<std::string>{"https://tickets.example/INC-1"});
  CHECK(m->incident.verification_steps == std::vector<std::string>{"gpu.health", "gpu.inventory"});
  CHECK(m->field_sources["verification_steps"].get<std::string>().find("kb:t-xid79") != std::string::npos);
  CHECK(m->unfilled.empty());
  CHECK(m->category_scores[0]["category"] == "gpu_fallen_off_bus");
  auto j = m->ToJson();
  CHECK(j["incident"]["root_cause"] == "gpu_fallen_off_bus");
}

TEST_CASE("builtin miner: no evidence, no category") {
  auto kb = TestKb();
  auto miner = MakeMiner("builtin", {kb.get(), nullptr, 2});
  REQUIRE(miner.ok());
  auto m = (*miner)->Mine("the weekly sync moved to thursday\nplease update your calendars");
  REQUIRE(m.ok());
  CHECK(m->incident.root_cause.empty());
  for (const char* f : {"root_cause", "symptoms", "log_signatures", "metric_conditions", "mitigation",
                        "verification_steps", "component", "started_at_ms", "links"}) {
    CHECK_MESSAGE(Has(m->unfilled, f), f);
  }
  CHECK((*miner)->Mine("  \n ").status().code() == StatusCode::kInvalidArgument);
  // New error lines become template signatures that match their own line.
  auto t = (*miner)->Mine("fatal: storage controller 7 failed with code 0x1f at 12:00");
  REQUIRE(t.ok());
  REQUIRE(t->incident.log_signatures.size() == 1);
  std::regex re(t->incident.log_signatures[0], std::regex::icase);
  CHECK(std::regex_search("fatal: storage controller 9 failed with code 0x2e at 13:30", re));
}

TEST_CASE("llm miner: validates the answer and retries with the errors") {
  auto kb = TestKb();
  FakeLlm llm;
  llm.answers = {
      "not json at all",
      R"({"title":"x","root_cause":"gpu_on_fire","log_signatures":["(bad"],"symptoms":[],"metric_conditions":[],"component":null,"verification_steps":[],"mitigation":null})",
      "```json\n{\"title\":\"GPU lost\",\"root_cause\":\"gpu_fallen_off_bus\",\"symptoms\":[\"Xid 79\"],"
      "\"log_signatures\":[\"Xid.*79\"],\"metric_conditions\":[],\"component\":\"gpu\",\"verification_"
      "steps\":"
      "[\"gpu.health\"],\"mitigation\":null,\"started_at\":\"2024-06-01T03:04:05Z\"}\n```"};
  auto miner = MakeMiner("llm", {kb.get(), &llm, 2});
  REQUIRE(miner.ok());
  auto m = (*miner)->Mine("Xid 79 on node-3");
  REQUIRE_MESSAGE(m.ok(), m.status().ToString());
  CHECK(m->attempts == 3);
  CHECK(m->incident.root_cause == "gpu_fallen_off_bus");
  CHECK(m->incident.started_at_ms == 1717211045000);
  CHECK(Has(m->unfilled, "mitigation"));
  CHECK(Has(m->unfilled, "metric_conditions"));
  CHECK(!Has(m->unfilled, "component"));
  REQUIRE(llm.requests.size() == 3);
  CHECK(llm.requests[0].response_schema.has_value());
  const std::string& feedback = llm.requests[2].messages.back().content;
  CHECK(feedback.find("gpu_on_fire") != std::string::npos);
  CHECK(feedback.find("not a valid ECMAScript regex") != std::string::npos);

  FakeLlm bad;
  bad.answers = {"[]", "[]", "[]"};
  auto miner2 = MakeMiner("llm", {kb.get(), &bad, 2});
  REQUIRE(miner2.ok());
  auto r = (*miner2)->Mine("text");
  CHECK(r.status().code() == StatusCode::kUnavailable);
  CHECK(r.status().message().find("3 times") != std::string::npos);
  CHECK(MakeMiner("llm", {kb.get(), nullptr, 2}).status().code() == StatusCode::kInvalidArgument);
  CHECK(MakeMiner("magic", {kb.get(), nullptr, 2}).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("llm miner: an answer nested deeper than 512 levels is refused with the reason, then retried") {
  // nlohmann parses 100,000 nested arrays, but copying or dumping them recurses once per level (a
  // stack overflow in ParseJson's callers before it refused them); the miner reads the model's text
  // with the same limit.
  auto kb = TestKb();
  FakeLlm llm;
  llm.answers = {"{\"title\":\"x\",\"root_cause\":\"cuda_oom\",\"symptoms\":" + std::string(100'000, '[') +
                     std::string(100'000, ']') + "}",
                 R"({"title":"OOM","root_cause":"cuda_oom","symptoms":["CUDA out of memory"],"log_signatures":[],"metric_conditions":[],"component":null,"verification_steps":[],"mitigation":null})"};
  auto miner = MakeMiner("llm", {kb.get(), &llm, 2});
  REQUIRE(miner.ok());
  auto m = (*miner)->Mine("CUDA out of memory on rank 3");
  REQUIRE_MESSAGE(m.ok(), m.status().ToString());
  CHECK(m->attempts == 2);
  CHECK(m->incident.root_cause == "cuda_oom");
  REQUIRE(llm.requests.size() == 2);
  const std::string& feedback = llm.requests[1].messages.back().content;
  INFO(feedback.substr(0, 400));
  CHECK(feedback.find("nested deeper than 512 levels at byte 560") != std::string::npos);
}

TEST_CASE("llm miner: a log signature that can backtrack exponentially is sent back with the reason") {
  auto kb = TestKb();
  FakeLlm llm;
  llm.answers = {
      R"({"title":"OOM","root_cause":"cuda_oom","symptoms":[],"log_signatures":["(\\w+\\s?)+out of memory"],"metric_conditions":[],"component":null,"verification_steps":[],"mitigation":null})",
      R"({"title":"OOM","root_cause":"cuda_oom","symptoms":[],"log_signatures":["CUDA out of memory"],"metric_conditions":[],"component":null,"verification_steps":[],"mitigation":null})"};
  auto miner = MakeMiner("llm", {kb.get(), &llm, 2});
  REQUIRE(miner.ok());
  auto m = (*miner)->Mine("CUDA out of memory on rank 3");
  REQUIRE_MESSAGE(m.ok(), m.status().ToString());
  CHECK(m->attempts == 2);
  CHECK(m->incident.log_signatures == std::vector<std::string>{"CUDA out of memory"});
  REQUIRE(llm.requests.size() == 2);
  const std::string& feedback = llm.requests[1].messages.back().content;
  INFO(feedback.substr(0, 400));
  CHECK(feedback.find("log signature `(\\w+\\s?)+out of memory`: nested repetition at offset 0") != std::string::npos);
}

}  // namespace vigil
