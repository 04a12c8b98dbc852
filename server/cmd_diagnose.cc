// `vigil diagnose`: see server/cli.h for the command contract.
//
//   vigil diagnose --case FILE [--json] [--no-probes] [--log-budget N]
// Diagnoses one incident case (evals/diagnosis format). Probes are answered from the case's
// recorded results (replay; nothing runs on a GPU, so intrusive probes are allowed). The knowledge
// base comes from the config (data_dir, kb_pack_dir); an LLM is used when llm_url is set.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <memory>

#include "agents/diagnosis_agent.h"
#include "server/cli.h"

namespace vigil {

CommandRunner SetupDiagnose(CLI::App& sub) {
  struct Flags {
    std::string case_path;
    bool json = false;
    bool no_probes = false;
    size_t log_budget = 20'000;
  };
  auto f = std::make_shared<Flags>();
  sub.add_option("--case", f->case_path, "incident case file (JSON, evals/diagnosis format)")->required();
  sub.add_flag("--json", f->json, "print the diagnosis and its trace as JSON");
  sub.add_flag("--no-probes", f->no_probes, "do not run (replay) probes; diagnose from logs and metrics only");
  sub.add_option("--log-budget", f->log_budget, "log lines kept for reasoning (signature matches always kept)")
      ->capture_default_str();
  return [f](const Config& config) -> int {
    auto c = LoadCase(f->case_path);
    if (!c.ok()) return ReportError(c.status().code() == StatusCode::kNotFound
                                        ? InvalidArgumentError(c.status().message()) : c.status());
    c->expected.reset();  // the answer key is for the scorer only
    auto kb = KnowledgeBase::Open(KnowledgeOptionsFromConfig(config));
    if (!kb.ok()) return ReportError(kb.status().WithContext("knowledge base"));
    // An audit folder that cannot be written: no LLM call may be made (none goes unaudited), but
    // the on-call engineer still gets the built-in reasoner's answer, as when the endpoint is
    // down; one warning line here, and the output says so (mode "llm-error", a `not verified`
    // line). Every other LLM setting is checked first and still refuses the run (exit 2): before
    // (2026-11-30, L) a bad folder skipped MakeLlmClient, so a malformed llm_url was only reported
    // once the folder was mended. MakeLlmClient checks the audit folder after every other setting
    // (connectors/openai_llm_client.cc), so when it fails with exactly the folder's own error, the
    // folder is all that is wrong. No client is made then, so nothing can be sent.
    std::string audit_error;
    Result<std::unique_ptr<LlmClient>> llm = MakeLlmClient(config);
    if (!llm.ok() && !config.GetString("llm_url").empty()) {
      const Status audit = CheckLlmAuditDir(LlmAuditDir(config));
      if (!audit.ok() && audit.code() == llm.status().code() && audit.message() == llm.status().message()) {
        audit_error = audit.message();
        llm = std::unique_ptr<LlmClient>();
      }
    }
    if (!llm.ok()) return ReportError(llm.status());
    if (!audit_error.empty()) {
      std::fprintf(stderr, "vigil diagnose: warning: LLM not used: %s; answering with the built-in reasoner\n",
                   audit_error.c_str());
    }
    std::unique_ptr<ProbeExecutor> probes;
    if (!f->no_probes) {
      auto exec = MakeCaseProbeExecutor(*c);
      if (!exec.ok()) return ReportError(exec.status());
      probes = std::move(*exec);
    }
    DiagnosisAgentOptions options;
    options.kb = kb->get();
    options.llm = llm->get();
    options.reasoner.allow_intrusive = true;  // replayed results only
    options.log_line_budget = f->log_budget;
    DiagnosisAgent agent(options);
    auto report = agent.Diagnose(std::move(*c), probes.get());
    if (!report.ok()) return ReportError(report.status());
    if (!audit_error.empty()) {  // the provenance the endpoint-down fallback gives
      report->mode = "llm-error";
      report->diagnosis.unverified.push_back("LLM not asked: " + audit_error + "; the built-in answer stands");
    }
    if (f->json) {
      std::cout << report->ToJson().dump(2) << "\n";
    } else {
      std::cout << FormatDiagnosisText(*report);
    }
    return 0;
  };
}

}  // namespace vigil
