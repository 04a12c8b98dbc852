// Review of round 12 of the built-in reasoner: edge cases of the rules that read numbers and names
// from log text (the units of the straggler detector's round trips, a reversed rank range in a split
// collective wait, FP8 state read through an attribute, a measured ratio that finds a rank not
// slow) and the components named by a host-filed launch fault and by torchrun --tee's prefixed lines.
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

// The component Diagnose names for one CUDA OOM line gathered into g-1's log of a 4-node, 8-GPU
// job (global rank 31 runs on g-4's GPU 7); without that topology when `placed` is false.
std::string OomComponent(const std::string& line, bool placed = true) {
  Json j = ParseJson(R"JSON({
    "id": "t-tee",
    "alert": {"labels": {"alertname": "JobFailed", "job": "llm", "node": "g-1"}, "startsAt": "2026-05-20T10:14:23Z"},
    "logs": [{"source": "g-1/train.log", "lines": []}],
    "metrics": [],
    "topology": {"nodes": ["g-1", "g-2", "g-3", "g-4"], "gpus_per_node": 8},
    "expected": {"root_cause": "cuda_oom", "component": "g-4/gpu7"}
  })JSON").value();
  j["logs"][0]["lines"] = std::vector<std::string>{line};
  if (!placed) j.erase("topology");
  auto c = ParseCase(j, "t.json");
  REQUIRE(c.ok());
  KnowledgeFacts f;
  f.categories = {"cuda_oom"};
  f.layers = {{"cuda_oom", "application"}};
  FlatLogs flat = FlattenLogs(*c);
  REQUIRE(flat.lines.size() == 1);
  f.log_matches.push_back({0, flat.lines[0], "OutOfMemoryError", "OutOfMemoryError", "pack-oom", "cuda_oom", "gpu"});
  Diagnosis d = BuiltinReasoner().Diagnose(*c, f, nullptr).diagnosis;
  CHECK(d.root_cause == "cuda_oom");
  return d.component;
}

TEST_CASE("review 12: torchrun --tee's [<role><local rank>]: prefix is read through") {
  // Failed before this fix: the tee'd line named g-1/gpu7 (the gathered log's node) while the same
  // line with PyTorch's rank prefix alone named g-4/gpu7.
  const std::string oom = "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 7 has a total capacity of 79.10 GiB";
  CHECK(OomComponent("[rank31]: " + oom) == "g-4/gpu7");
  CHECK(OomComponent("[default0]:[rank31]: " + oom) == "g-4/gpu7");
  CHECK(OomComponent("[trainer7]:[rank31]: " + oom) == "g-4/gpu7");
  // With srun -l's task label in front, and Megatron's fields between.
  CHECK(OomComponent("31: [default7]:[2026-05-20 10:14:22] [ERROR] [rank31]: " + oom) == "g-4/gpu7");
  // Without a rank prefix the tee's local rank is the GPU on the log's node (failed before: no GPU).
  const std::string bare = "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB.";
  CHECK(OomComponent("[default5]:" + bare) == "g-1/gpu5");
  // Unrelated bracketed text before the rank prefix still stops it (no role+local-rank tee form),
  // and is no local rank.
  CHECK(OomComponent("[step100]: [rank31]: " + oom) == "g-1/gpu7");
  CHECK(OomComponent("[epoch12]:" + bare) == "g-1");
  CHECK(OomComponent("[INFO]:" + bare) == "g-1");
  // PyTorch's own "[rank3]:" is a global rank, not a tee's local one: without a topology that
  // places it, it names no GPU.
  CHECK(OomComponent("[rank3]:" + bare, /*placed=*/false) == "g-1");
  CHECK(OomComponent("[default3]:" + bare, /*placed=*/false) == "g-1/gpu3");
}

TEST_CASE("review 12: a measured ratio that finds a rank not slow decides for that rank") {
  // Failed before this fix: the measurement said balanced, the keyword rule then named the rank.
  CHECK(SlowRanks("slowest rank 10, 1.02x of median").empty());
  CHECK(SlowRanks("straggler check: rank 3: 415 ms vs median 410 ms").empty());
  CHECK(SlowRanks("slowest: p50 1712, max 1750 (rank 10)").empty());
  // A slow measurement still names its rank; a line with several measurements names the slow one.
  CHECK(SlowRanks("slowest rank 10, 1.36x of median") == std::vector<int>{10});
  CHECK(SlowRanks("straggler check: rank 3: 840 ms vs median 410 ms") == std::vector<int>{3});
  CHECK(SlowRanks("step time: rank 5 1.02x of median, rank 9 1.8x of median") == std::vector<int>{9});
  // A throughput is slow when low: the rank with the least TFLOPS is the slow one (before this
  // fix it read as "not slow" and only the keyword named it; one without a keyword named no one),
  // and one at peers' level is not slow.
  CHECK(SlowRanks("straggler detector: min_tflops rank 14 317.8 / median 402.1") == std::vector<int>{14});
  CHECK(SlowRanks("rank 14 tflops 317.8 vs median 402.1") == std::vector<int>{14});
  CHECK(SlowRanks("straggler detector: min_tflops rank 14 395.0 / median 402.1").empty());
  CHECK(SlowRanks("slowest rank 6 tokens/s 0.71x of median") == std::vector<int>{6});
  CHECK(SlowRanks("rank 6 throughput 1.3x of median").empty());
  // The keyword still names a rank that no comparison measured (the median is read against the
  // last rank of this list only), and the ranks of a range that were not cleared.
  CHECK(SlowRanks("slowest ranks by step time (ms): rank 22 1817.4, rank 3 1532.0, rank 17 1529.8 | median 1519.2") ==
        std::vector<int>{22});
  CHECK(SlowRanks("stragglers: ranks 16-19; rank 18 1.01x of median") == std::vector<int>{16, 17, 19});
  CHECK(SlowRanks("slowest rank 10 (1.02x of median) on g-2").empty());  // nor the node it runs on
  // Without a measurement the keyword rule is kept.
  CHECK(SlowRanks("slowest rank 10 in 44/50 steps") == std::vector<int>{10});
  CHECK(SlowRanks("stragglers detected: ranks 16-23 on g-2") == std::vector<int>{16, 17, 18, 19, 20, 21, 22, 23});
}

}  // namespace
}  // namespace vigil
