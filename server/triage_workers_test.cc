// TriageWorkers with the real triage chain when the LLM endpoint fails: OpenAiLlmClient (no
// retries) against a loopback stand-in that answers 401, 400, a 200 holding an `error` object and
// a 200 that is not JSON. The client returns InvalidArgument for each (connectors/
// openai_llm_client.cc), which TriageWorkers would take for the alert's bad input and fail at once;
// the diagnosis agent must instead keep the built-in reasoner's answer (mode "llm-error", said in
// `unverified`), so the incident is diagnosed on its first attempt and the alert is not blamed.
#include "server/triage_workers.h"

#include <doctest/doctest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "agents/alert_triage.h"
#include "connectors/openai_llm_client.h"
#include "knowledge/knowledge_base.h"
#include "knowledge/temp_dir_testing.h"
#include "server/incident_store.h"

namespace vigil {
namespace {

Alert XidAlert(const std::string& fingerprint, const std::string& rule) {
  Alert a;
  a.fingerprint = fingerprint;
  a.rule = rule;
  a.severity = "critical";
  a.labels = {{"alertname", rule}, {"Hostname", "node-3"}, {"gpu", "5"}};
  a.annotations = {{"summary", "XID 79 on node-3 gpu 5"}};
  a.state = AlertState::kFiring;
  a.starts_at_ms = 1'800'000'000'000;
  a.active_at_ms = a.starts_at_ms;
  return a;
}

}  // namespace

TEST_CASE("TriageWorkers: an LLM endpoint that fails (401, 400, error object, not JSON) does not fail the triage: "
          "built-in answer, first attempt, alert not blamed") {
  // The stand-in LLM endpoint: /<how>/chat/completions answers as <how> says.
  httplib::Server llm_server;
  std::mutex mu;
  std::map<std::string, int> asked;
  auto answer = [&](const std::string& how, int status, const std::string& body) {
    llm_server.Post("/" + how + "/chat/completions", [&, how, status, body](const httplib::Request&,
                                                                             httplib::Response& res) {
      {
        std::lock_guard lock(mu);
        ++asked[how];
      }
      res.status = status;
      res.set_content(body, "application/json");
    });
  };
  answer("unauthorized", 401, R"({"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}})");
  answer("bad-request", 400, R"({"error": {"message": "model `x` does not exist", "type": "invalid_request_error"}})");
  answer("error-object", 200, R"({"error": {"message": "upstream overloaded"}})");
  answer("not-json", 200, "<html>gateway</html>");
  const int llm_port = llm_server.bind_to_any_port("127.0.0.1");
  REQUIRE(llm_port > 0);
  std::thread llm_thread([&] { llm_server.listen_after_bind(); });
  while (!llm_server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  const std::vector<std::string> hows = {"unauthorized", "bad-request", "error-object", "not-json"};
  std::map<std::string, std::unique_ptr<OpenAiLlmClient>> clients;
  for (const std::string& how : hows) {
    OpenAiLlmOptions lo;
    lo.url = "http://127.0.0.1:" + std::to_string(llm_port) + "/" + how;
    lo.max_retries = 0;
    lo.timeout_ms = 10'000;
    auto c = OpenAiLlmClient::Create(lo);
    REQUIRE_MESSAGE(c.ok(), c.status().ToString());
    // What TriageWorkers would read as the alert's bad input if it reached it.
    ChatRequest hello;
    hello.messages.push_back({"user", "hi", {}, "", ""});
    auto direct = (*c)->Chat(hello);
    CHECK(direct.status().code() == StatusCode::kInvalidArgument);
    clients[how] = std::move(*c);
  }

  KnowledgeOptions ko;
  ko.load_pack = false;
  auto kb = KnowledgeBase::Open(ko);
  REQUIRE_MESSAGE(kb.ok(), kb.status().ToString());
  TempDir dir("vigil_triage_llm_test");
  IncidentStoreOptions so;
  so.path = (dir.path / "incidents.db").string();
  auto opened = IncidentStore::Open(so);
  REQUIRE(opened.ok());
  auto& store = *opened;
  std::vector<Alert> alerts;
  for (const std::string& how : hows) alerts.push_back(XidAlert("fp-" + how, how));
  REQUIRE(store->Intake(alerts).ok());

  std::atomic<int> done{0};
  std::vector<std::string> outcomes;
  TriageWorkersOptions o;
  o.store = store.get();
  o.workers = 2;
  o.poll_ms = 20;
  // As vigil serve's MakeAlertTriage (cmd_serve.cc), with the alert's LLM endpoint and no probes.
  o.triage = [&](const Alert& alert) -> Result<Json> {
    TriageOptions t;
    t.kb = kb->get();
    t.llm = clients.at(alert.rule).get();
    t.now_ms = alert.starts_at_ms + 60'000;
    ASSIGN_OR_RETURN(DiagnosisReport report, TriageAlert(alert, t));
    return report.ToJson();
  };
  o.on_done = [&](std::string_view outcome, double) {
    {
      std::lock_guard lock(mu);
      outcomes.emplace_back(outcome);
    }
    ++done;
  };
  {
    TriageWorkers workers(o);
    workers.Start();
    for (int i = 0; i < 3000 && done < 4; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    workers.Stop();
  }
  llm_server.stop();
  llm_thread.join();
  REQUIRE(done == 4);
  CHECK(outcomes == std::vector<std::string>(4, "diagnosed"));
  for (size_t i = 0; i < hows.size(); ++i) {
    CAPTURE(hows[i]);
    CHECK(asked[hows[i]] >= 2);  // once directly above, then by the triage: the LLM path was taken
    auto row = store->Get(static_cast<int64_t>(i + 1));
    REQUIRE(row.ok());
    CHECK(row->alert.rule == hows[i]);
    CHECK(row->state == "diagnosed");
    CHECK(row->attempts == 1);
    CHECK(row->error.empty());
    CHECK(row->diagnosis.value("mode", std::string()) == "llm-error");
    const std::string unverified = row->diagnosis["unverified"].dump();
    CHECK_MESSAGE(unverified.find("LLM gave no usable answer (llm_error: invalid_argument: ") != std::string::npos,
                  unverified);
    CHECK_MESSAGE(unverified.find("the built-in answer stands") != std::string::npos, unverified);
  }
}

}  // namespace vigil
