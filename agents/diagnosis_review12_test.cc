// Review of round 12 of the built-in reasoner: edge cases of the rules that read numbers and names
// from log text (the units of the straggler detector's round trips, a reversed rank range in a split
// collective wait, FP8 state read through an attribute) and the node a host-filed launch fault names.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "knowledge/knowledge_base.h"

namespace vigil {
namespace {

// The ranks a line names as slow (empty when it names none).
std::vector<int> SlowRanks(const std::string& line) {
  auto m = FindSlowMention(line, {"g-1", "g-2"});
  return m ? m->ranks : std::vector<int>{};
}

TEST_CASE("review 12: the straggler detector's round trips are compared in one unit") {
  // 0.9 s against 1.5 s: the slowest is 1.67 x the fastest.
  CHECK(SlowRanks("StragglerDetector: MnRtt/Rnk: 900.0ms/3 | MxRtt/Rnk: 1.5s/14") == std::vector<int>{14});
  // 0.9 s against 0.95 s: balanced (read without units, 950 against 0.9 looked like 1000 x).
  CHECK(SlowRanks("StragglerDetector: MnRtt/Rnk: 0.9s/3 | MxRtt/Rnk: 950ms/14").empty());
  CHECK(SlowRanks("StragglerDetector: MnRtt/Rnk: 800us/3 | MxRtt/Rnk: 1.5ms/14") == std::vector<int>{14});
  // One unit on both sides, as Megatron prints it: unchanged.
  CHECK(SlowRanks("StragglerDetector: MnRtt/Rnk: 3.31s/3 | MxRtt/Rnk: 4.82s/12") == std::vector<int>{12});
}

TEST_CASE("review 12: a split wait over a reversed rank range names no one") {
  // "ranks 23-1" is no range (the rank list rule reads such a range as none): rank 5 is not
  // "outside" it.
  CHECK(SlowRanks("reduce_scatter wait 0.31s avg on ranks 23-1 (rank 5: 0.02s)").empty());
  // The well-formed range still names the rank outside it.
  CHECK(SlowRanks("reduce_scatter wait 0.31s avg on ranks 1-23 (rank 0: 0.02s)") == std::vector<int>{0});
}

TEST_CASE("review 12: an amax statistic read through an attribute is still FP8") {
  auto shows = [](const std::string& line) {
    Json j = ParseJson(R"JSON({
      "id": "t-fp8", "alert": {"labels": {"alertname": "LossSpike", "node": "g-1"}, "startsAt": "2026-05-20T10:14:23Z"},
      "logs": [{"source": "g-1/train.log", "lines": []}], "metrics": [],
      "expected": {"root_cause": "loss_divergence", "component": "job"}})JSON")
                 .value();
    j["logs"][0]["lines"] = std::vector<std::string>{line};
    auto c = ParseCase(j, "t.json");
    REQUIRE(c.ok());
    return CaseShowsFp8(*c);
  };
  // Transformer Engine's scaling state printed as an attribute: FP8's amax history.
  CHECK(shows("layers.12.self_attention.amax_history has inf in row 0"));
  CHECK(shows("scaling_fwd.amax_reduction_group size 8"));
  // numpy's / torch's reduction called as a function: not FP8 (round 12's rule, kept).
  CHECK(!shows("eval: peak = np.amax(logits, axis=-1) took 3 ms"));
  CHECK(!shows("torch.amax(x) returned inf"));
  CHECK(!shows("y = x.amax() over the batch"));
}

TEST_CASE("review 12: a node's launch fault is the node its host-filed lines come from") {
  Json j = ParseJson(R"JSON({
    "id": "t-launch-node",
    "alert": {"labels": {"alertname": "JobFailed", "job": "llm", "node": "g-1"}, "startsAt": "2026-05-20T10:14:23Z"},
    "logs": [{"source": "g-1/train.log", "lines": [
      "[rank0]: ImportError: libnccl-net.so: cannot open shared object file: No such file or directory",
      "[rank16]: RuntimeError: The NVIDIA driver on your system is too old (found version 12020)."]}],
    "metrics": [],
    "topology": {"nodes": ["g-1", "g-2", "g-3", "g-4"], "gpus_per_node": 8},
    "expected": {"root_cause": "launch_config_error", "component": "g-3"}
  })JSON").value();
  auto c = ParseCase(j, "t.json");
  REQUIRE(c.ok());
  KnowledgeFacts f;
  f.categories = {"launch_config_error"};
  f.layers = {{"launch_config_error", "application"}};
  FlatLogs flat = FlattenLogs(*c);
  REQUIRE(flat.lines.size() == 2);
  // An imported incident filed without a component (the first signature, the heavier evidence),
  // and the pack's driver mismatch filed under the host.
  f.log_matches.push_back({0, flat.lines[0], "ImportError", "ImportError", "imported-1", "launch_config_error", ""});
  f.log_matches.push_back({1, flat.lines[1], "too old", "too old", "pack-driver", "launch_config_error", "host"});
  Diagnosis d = BuiltinReasoner().Diagnose(*c, f, nullptr).diagnosis;
  CHECK(d.root_cause == "launch_config_error");
  // The host-filed lines come from g-3's rank 16 only: g-3 (its driver), not g-1, where the
  // component-less ImportError was printed.
  CHECK(d.component == "g-3");
}

}  // namespace
}  // namespace vigil
