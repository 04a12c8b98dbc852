// Round-10 tests of the built-in reasoner: generalising on the failure classes blind sets missed —
// where a failed rank ran (torchrun's failure report names its host).
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"

namespace vigil {
namespace {

// Knowledge as GatherKnowledge would give it: lines containing `needle` match a `category` signature.
KnowledgeFacts FactsMatching(const DiagnosisCase& c, const std::vector<std::pair<std::string, std::string>>& sigs,
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

Diagnosis Diagnose(const Json& j, const std::vector<std::pair<std::string, std::string>>& sigs,
                   const std::map<std::string, std::string>& layers) {
  auto c = ParseCase(j, "t.json");
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  return BuiltinReasoner().Diagnose(*c, FactsMatching(*c, sigs, layers), nullptr).diagnosis;
}

std::vector<std::string> TorchrunReport(const std::string& host, int rank, int local_rank, long pid) {
  return {"torch.distributed.elastic.multiprocessing.errors.ChildFailedError: ",
          "============================================================",
          "train.py FAILED",
          "------------------------------------------------------------",
          "Root Cause (first observed failure):",
          "[0]:",
          "  time      : 2026-03-29_20:50:32",
          "  host      : " + host,
          "  rank      : " + std::to_string(rank) + " (local_rank: " + std::to_string(local_rank) + ")",
          "  exitcode  : 1 (pid: " + std::to_string(pid) + ")",
          "  error_file: /tmp/torchelastic_x1/attempt_0/2/error.json",
          "  traceback : To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html",
          "============================================================"};
}

TEST_CASE("round 10: torchrun's failure report is parsed per entry (host, rank, local rank, pid, lines)") {
  std::vector<std::string> lines = TorchrunReport("slm-03.cluster.local", 10, 2, 91638);
  auto f = FindTorchrunFailures(lines);
  REQUIRE(f.size() == 1);
  CHECK(f[0].host == "slm-03.cluster.local");
  CHECK(f[0].rank == 10);
  CHECK(f[0].local_rank == 2);
  CHECK(f[0].pid == 91638);
  CHECK(f[0].first_line == 5);
  CHECK(f[0].last_line == 11);
  // "Other Failures:" entries are entries too; a "[1]:" with no fields is none.
  lines.insert(lines.end() - 1, {"Other Failures:", "[1]:", "  host      : slm-04", "  rank      : 17 (local_rank: 1)"});
  lines.push_back("[2]:");
  f = FindTorchrunFailures(lines);
  REQUIRE(f.size() == 2);
  CHECK(f[1].host == "slm-04");
  CHECK(f[1].rank == 17);
  CHECK(f[1].pid == -1);
  CHECK(FindTorchrunFailures({"[0]:", "host: a", "rank: 3"}).size() == 1);  // no local rank: kept, rank only
}

// Two nodes; the torchrun agent on slm-02 prints the failure of a rank that ran on slm-03.
Json CrashCase(const std::string& host) {
  Json j = ParseJson(R"JSON({
    "id": "t-crash",
    "alert": {"labels": {"alertname": "SlurmJobFailed", "job": "sft", "node": "slm-02"},
              "annotations": {"summary": "job FAILED"}, "startsAt": "2026-03-29T20:50:35Z"},
    "logs": [], "metrics": [], "expected": {"root_cause": "rank_process_crash", "component": "slm-03/gpu2"}
  })JSON").value();
  std::vector<std::string> agent = {
      "E0329 20:50:32.024170000 91638 torch/distributed/elastic/multiprocessing/api.py:826] failed (exitcode: 1) "
      "local_rank: 2 (pid: 91638) of binary: /usr/bin/python3",
      "[NeMo E 2026-03-29 20:50:31 exp_manager:911] rank 10 exited with signal 6 (SIGABRT)"};
  for (const std::string& l : TorchrunReport(host, 10, 2, 91638)) agent.push_back(l);
  j["logs"].push_back({{"source", "slm-02/torchrun.log"}, {"lines", agent}});
  j["logs"].push_back({{"source", "slm-03/rank10/stderr"}, {"lines", Json::array({"KeyError: 'zig'"})}});
  for (const char* node : {"slm-02", "slm-03"}) {
    for (int g = 0; g < 8; ++g) {
      j["metrics"].push_back({{"name", "DCGM_FI_DEV_GPU_UTIL"},
                              {"labels", {{"Hostname", node}, {"gpu", std::to_string(g)}}},
                              {"samples", Json::array({Json::array({1774817400000, 97}), Json::array({1774817430000, 96})})}});
    }
  }
  return j;
}

TEST_CASE("round 10: a crash torchrun reports on another host is placed on that host's GPU, not the agent's node") {
  std::map<std::string, std::string> layers = {{"rank_process_crash", "application"}};
  // Each line of the class on its own: the agent's line with the entry's pid, the entry's
  // exitcode line, a launcher line naming the reported rank.
  for (std::string needle : {"failed (exitcode", "exitcode  :", "exited with signal"}) {
    CAPTURE(needle);
    Diagnosis d = Diagnose(CrashCase("slm-03"), {{needle, "rank_process_crash"}}, layers);
    CHECK(d.root_cause == "rank_process_crash");
    CHECK(d.component == "slm-03/gpu2");
    // A host by its FQDN is the same node.
    CHECK(Diagnose(CrashCase("slm-03.cluster.local"), {{needle, "rank_process_crash"}}, layers).component ==
          "slm-03/gpu2");
    // The report naming the agent's own node keeps it there; a host the case does not know changes nothing.
    CHECK(Diagnose(CrashCase("slm-02"), {{needle, "rank_process_crash"}}, layers).component == "slm-02/gpu2");
    CHECK(Diagnose(CrashCase("elsewhere-9"), {{needle, "rank_process_crash"}}, layers).component.rfind("slm-02/", 0) == 0);
  }
}

}  // namespace
}  // namespace vigil
