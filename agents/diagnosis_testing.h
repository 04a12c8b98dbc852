// Helpers shared by the diagnosis test files (agents/diagnosis*_test.cc); test-only, includes doctest.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/source_tree.h"
#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "knowledge/knowledge_base.h"
#include "probes/probe.h"

namespace vigil::testing {

// An in-memory knowledge base (no pack, exact Flat index) holding just `incidents`.
inline std::unique_ptr<KnowledgeBase> KbWith(const std::vector<Incident>& incidents) {
  KnowledgeOptions ko;
  ko.db_path = ":memory:";
  ko.pack_dir = "";
  ko.load_pack = false;
  ko.index_spec = "Flat";
  auto kb = KnowledgeBase::Open(ko);
  REQUIRE_MESSAGE(kb.ok(), kb.status().message());
  auto imported = (*kb)->ImportIncidents(incidents, "test");
  REQUIRE_MESSAGE(imported.ok(), imported.status().message());
  return std::move(kb).value();
}

// The shipped knowledge pack (data/knowledge), loaded once for the test binary.
inline const KnowledgeBase& ShippedPack() {
  static KnowledgeBase* kb = [] {
    KnowledgeOptions o;
    o.db_path = ":memory:";
    o.index_spec = "Flat";
    o.load_pack = true;
    o.pack_dir = SourceTreePath("data/knowledge");
    auto r = KnowledgeBase::Open(o);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return std::move(r).value().release();
  }();
  return *kb;
}

// The knowledge-base incident of a CUDA OOM that several diagnosis tests recall.
inline Incident OomIncident() {
  Incident oom;
  oom.id = "oom-1";
  oom.title = "CUDA out of memory during forward";
  oom.log_signatures = {"CUDA out of memory"};
  oom.root_cause = "cuda_oom";
  oom.mitigation = "lower the micro-batch size";
  return oom;
}

// A probe executor over recorded results ("probe@target" -> result); a probe not recorded is
// `unavailable`. Records every probe asked for in `asked`. Run() holds a mutex (the planner calls it
// from worker threads); read `asked` and fill `results` only while no Diagnose is running.
class RecordedExecutor : public ProbeExecutor {
 public:
  std::map<std::string, ProbeResult> results;
  std::set<std::string> asked;
  Result<std::vector<ProbeResult>> Run(const ProbeRequest& r) override {
    std::vector<ProbeResult> out;
    std::lock_guard<std::mutex> lock(mu_);
    for (const std::string& p : r.probes) {
      asked.insert(p + "@" + r.target);
      auto it = results.find(p + "@" + r.target);
      out.push_back(it != results.end()
                        ? it->second
                        : MakeProbeResult(p, r.target, ProbeStatus::kUnavailable, "not recorded"));
    }
    return out;
  }
  std::string Describe() const override { return "recorded"; }
  void Record(const std::string& probe, const std::string& target, ProbeStatus status,
              const std::string& reason, double duration_s) {
    results[probe + "@" + target] = MakeProbeResult(probe, target, status, reason, duration_s);
  }

 private:
  std::mutex mu_;
};

// Knowledge as GatherKnowledge would give it: lines containing `needle` match a `category` signature;
// `layers` lists the categories and their layers.
inline KnowledgeFacts FactsMatching(const DiagnosisCase& c,
                                    const std::vector<std::pair<std::string, std::string>>& sigs,
                                    const std::map<std::string, std::string>& layers) {
  KnowledgeFacts f;
  for (const auto& [cat, layer] : layers) {
    f.categories.push_back(cat);
    f.layers[cat] = layer;
  }
  FlatLogs flat = FlattenLogs(c);
  for (size_t i = 0; i < flat.lines.size(); ++i) {
    for (const auto& [needle, cat] : sigs) {
      if (flat.lines[i].find(needle) != std::string::npos) {
        f.log_matches.push_back({i, flat.lines[i], needle, needle, "pack-" + cat, cat, ""});
      }
    }
  }
  return f;
}

// The built-in reasoner over `c` with what the shipped pack knows of it; every probe answers
// `unavailable`, as in a pasted case.
inline Diagnosis RunWithPack(const DiagnosisCase& c) {
  auto facts = GatherKnowledge(ShippedPack(), c);
  REQUIRE_MESSAGE(facts.ok(), facts.status().ToString());
  RecordedExecutor exec;  // nothing recorded
  return BuiltinReasoner(ReasonerOptions{}).Diagnose(c, *facts, &exec).diagnosis;
}

// The built-in reasoner over a case document with what the shipped pack knows of it, as `vigil
// diagnose` runs it: `probes` (a case file's records, keyed "probe@target") are replayed, a probe
// not recorded answers `unavailable`. `intrusive`: replay recorded results of intrusive probes too
// (gpu.gemm, gpu.sdc), as `vigil diagnose --case` does.
inline Diagnosis RunJsonWithPack(const Json& case_json, Json probes = Json::object(), bool intrusive = false) {
  for (auto& [key, r] : probes.items()) {  // the replay executor wants both named in the record
    const size_t at = key.find('@');
    if (!r.contains("probe")) r["probe"] = key.substr(0, at);
    if (!r.contains("target") && at != std::string::npos) r["target"] = key.substr(at + 1);
  }
  auto c = ParseCase(case_json, "t.json");
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  auto facts = GatherKnowledge(ShippedPack(), *c);
  REQUIRE_MESSAGE(facts.ok(), facts.status().ToString());
  auto exec = MakeReplayExecutor(probes);
  REQUIRE_MESSAGE(exec.ok(), exec.status().ToString());
  ReasonerOptions options;
  options.allow_intrusive = intrusive;
  return BuiltinReasoner(options).Diagnose(*c, *facts, exec->get()).diagnosis;
}

// Whether some evidence item's detail contains `part` (the round tests' check that a reader's evidence is
// there, or is not).
inline bool HasEvidenceWith(const Diagnosis& d, const std::string& part) {
  for (const Evidence& e : d.evidence) {
    if (e.detail.find(part) != std::string::npos) return true;
  }
  return false;
}

// The probability the diagnosis gives `category` (the highest, were it listed twice); 0 when it is not listed.
inline double ProbabilityOf(const Diagnosis& d, std::string_view category) {
  double p = 0;
  for (const Hypothesis& h : d.hypotheses) {
    if (h.category == category) p = std::max(p, h.probability);
  }
  return p;
}

// A case document written in a test as JSON text; the test fails on a parse error.
inline Json ParseCaseText(std::string_view text) {
  auto j = ParseJson(text, "test case");
  REQUIRE_MESSAGE(j.ok(), j.status().ToString());
  return *std::move(j);
}

// RunJsonWithPack with the case's own recorded probes (its "probes" object), as `vigil diagnose
// --case FILE` runs a case file.
inline Diagnosis RunCaseWithOwnProbes(const Json& case_json, bool intrusive = false) {
  return RunJsonWithPack(case_json, case_json.value("probes", Json::object()), intrusive);
}

inline Diagnosis RunCaseText(std::string_view text, bool intrusive = false) {
  return RunCaseWithOwnProbes(ParseCaseText(text), intrusive);
}

}  // namespace vigil::testing
