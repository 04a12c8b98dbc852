// The chat page server of tests/serve_chat_chromium_test.sh: skipped in a normal run; the script
// runs it with `server_test --no-skip -tc="chat page server*"` and VIGIL_CHAT_E2E_DIR=<dir>.
//
// It mounts RegisterChatRoutes on a loopback httplib::Server of its own, the way `vigil serve`
// would, with live incidents diagnosed for real: each line of <dir>/seed.txt is
//   case <path>      a case file, diagnosed by DiagnosisAgent (built-in reasoner, the shipped
//                    knowledge pack, its recorded probes replayed), as POST /api/v1/diagnose does
//   webhook <path>   an Alertmanager webhook body, parsed by ParseAlertmanagerWebhook, each alert
//                    triaged by TriageAlert (no metrics, no probes), as the serve workers do
// and the incidents are numbered 1, 2, ... in that order. With a file <dir>/llm_url, the chat gets
// the LLM client MakeLlmClient builds for that llm_url (no retries; audit log under <dir>/audit);
// the diagnoses above stay built-in. The port goes to <dir>/port; it serves until <dir>/stop
// exists (or 10 minutes pass).
#include <doctest/doctest.h>
#include <httplib.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "agents/alert_triage.h"
#include "agents/diagnosis_agent.h"
#include "connectors/alertmanager.h"
#include "core/config.h"
#include "knowledge/text_util.h"
#include "server/chat.h"
#include "server/chat_testing.h"

namespace vigil {

TEST_CASE("chat page server for tests/serve_chat_chromium_test.sh" * doctest::skip()) {
  const char* dir_env = std::getenv("VIGIL_CHAT_E2E_DIR");
  REQUIRE_MESSAGE(dir_env != nullptr, "set VIGIL_CHAT_E2E_DIR");
  const std::filesystem::path dir(dir_env);

  KnowledgeOptions ko;
  ko.db_path = (dir / "kb.sqlite").string();
  ko.pack_dir = "data/knowledge";
  auto kb = KnowledgeBase::Open(ko);
  REQUIRE_MESSAGE(kb.ok(), kb.status().ToString());

  FakeIncidents store;
  int64_t next_id = 1;
  std::ifstream seed(dir / "seed.txt");
  REQUIRE_MESSAGE(seed.good(), "no seed.txt in " << dir);
  for (std::string line; std::getline(seed, line);) {
    if (line.empty()) continue;
    std::istringstream words(line);
    std::string kind, path;
    words >> kind >> path;
    if (kind == "case") {
      auto c = LoadCase(path);
      REQUIRE_MESSAGE(c.ok(), c.status().ToString());
      c->expected.reset();
      auto probes = MakeCaseProbeExecutor(*c);
      REQUIRE(probes.ok());
      DiagnosisAgentOptions o;
      o.kb = kb->get();
      o.reasoner.allow_intrusive = true;
      LiveIncident inc;
      inc.id = next_id++;
      inc.alert = c->alert;
      auto report = DiagnosisAgent(o).Diagnose(std::move(*c), probes->get());
      REQUIRE_MESSAGE(report.ok(), report.status().ToString());
      inc.status = "diagnosed";
      inc.title = inc.alert ? IncidentTitle(*inc.alert) : path;
      inc.received_at_ms = inc.alert ? inc.alert->starts_at_ms : 0;
      inc.diagnosis = report->diagnosis;
      store.Add(inc);
    } else if (kind == "webhook") {
      auto body = ReadFile(path);
      REQUIRE_MESSAGE(body.ok(), body.status().ToString());
      auto hook = ParseAlertmanagerWebhook(*body);
      REQUIRE_MESSAGE(hook.ok(), hook.status().ToString());
      for (const Alert& alert : hook->alerts) {
        TriageOptions o;
        o.kb = kb->get();
        auto report = TriageAlert(alert, o);
        REQUIRE_MESSAGE(report.ok(), report.status().ToString());
        LiveIncident inc;
        inc.id = next_id++;
        inc.alert = alert;
        inc.status = "diagnosed";
        inc.resolved = alert.state == AlertState::kResolved;
        inc.title = IncidentTitle(alert);
        inc.received_at_ms = alert.starts_at_ms;
        inc.diagnosis = report->diagnosis;
        store.Add(inc);
      }
    } else {
      FAIL("seed.txt: unknown kind `" << kind << "` (case or webhook)");
    }
  }

  ChatContext ctx;
  ctx.incidents = &store;
  ctx.kb = kb->get();
  std::unique_ptr<LlmClient> llm;
  if (std::filesystem::exists(dir / "llm_url")) {
    auto url = ReadFile((dir / "llm_url").string());
    REQUIRE(url.ok());
    Config config = Config::Defaults();
    REQUIRE(config.Set("llm_url", std::string(kb::Trim(*url))).ok());
    REQUIRE(config.Set("llm_max_retries", "0").ok());
    REQUIRE(config.Set("data_dir", dir.string()).ok());
    auto made = MakeLlmClient(config);
    REQUIRE_MESSAGE(made.ok(), made.status().ToString());
    llm = std::move(*made);
    ctx.llm = llm.get();
  }
  httplib::Server server;
  RegisterChatRoutes(server, ctx);
  const int port = server.bind_to_any_port("127.0.0.1");
  REQUIRE(port > 0);
  std::thread thread([&] { server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  {
    std::ofstream out(dir / "port.tmp");
    out << port << "\n";
  }
  std::filesystem::rename(dir / "port.tmp", dir / "port");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(10);
  while (!std::filesystem::exists(dir / "stop") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  server.stop();
  thread.join();
}

}  // namespace vigil
