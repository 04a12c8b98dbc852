// Tests of the diagnosis on log shapes found missing by evals/diagnosis/realistic3/ (RL3,
// 2026-12-02: multi-node jobs as fleets run them, written blind). These run the shipped knowledge
// pack (data/knowledge/) through GatherKnowledge and the built-in reasoner, as `vigil diagnose`
// does: the gap was in the pack's signatures, which FactsMatching-style tests would not exercise.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "knowledge/knowledge_base.h"

namespace vigil {
namespace {

using testing::ShippedPack;

// 4 nodes x 8 GPUs, one Slurm output file.
DiagnosisCase SlurmCase(const std::vector<std::string>& lines) {
  Json j = ParseJson(R"JSON({
    "id": "t-realistic3",
    "alert": {"labels": {"alertname": "SlurmJobFailed", "job_id": "346883"},
              "annotations": {"summary": "job 346883 failed in startup"},
              "startsAt": "2026-08-31T05:40:44Z"},
    "logs": [{"source": "slurm-346883.out", "lines": []}],
    "metrics": [],
    "topology": {"nodes": ["n-1", "n-2", "n-3", "n-4"], "gpus_per_node": 8},
    "expected": {"root_cause": "launch_config_error", "component": "job"}
  })JSON").value();
  for (const std::string& l : lines) j["logs"][0]["lines"].push_back(l);
  auto c = ParseCase(j, "t.json");
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  return *c;
}

using testing::RunWithPack;

// Megatron-core's parallel_state check prints "world_size (16) is not divisible by
// tensor_model_parallel_size (8) x pipeline_model_parallel_size (4) x context_parallel_size (1)";
// the pack knew only the older "world size (24) is not divisible by tensor model parallel size (8)
// times ...", so every node's task exiting read as one rank's crash (realistic3 case-rl3-24:
// rank_process_crash @ the first node).
TEST_CASE("realistic3: world_size not divisible by the parallel sizes, on every node, is the launch config (RL3)") {
  std::vector<std::string> lines = {
      "+ srun -l torchrun --nnodes=4 --nproc-per-node=$GPUS_PER_NODE --rdzv-backend=c10d train.py",
      "0: I0831 05:30:44.707694 torch/distributed/elastic/agent/server/api.py:872] [default] Rendezvous complete "
      "for workers. Result:",
      "0:   global_world_sizes=[16, 16, 16, 16]"};
  for (int node = 0; node < 4; ++node) {
    std::string t = std::to_string(node);
    std::string r = std::to_string(node * 4);
    lines.push_back(t + ": [default0]:[rank" + r + "]: Traceback (most recent call last):");
    lines.push_back(t + ": [default0]:[rank" + r + "]:   File \"/workspace/megatron/core/parallel_state.py\", line 512, in "
                        "initialize_model_parallel");
    lines.push_back(t + ": [default0]:[rank" + r + "]: RuntimeError: world_size (16) is not divisible by "
                        "tensor_model_parallel_size (8) x pipeline_model_parallel_size (4) x context_parallel_size (1)");
  }
  for (int node = 0; node < 4; ++node) {
    std::string s = "srun: error: n-";
    s += std::to_string(node + 1);
    s += ": task ";
    s += std::to_string(node);
    s += ": Exited with exit code 1";
    lines.push_back(s);
  }
  Diagnosis d = RunWithPack(SlurmCase(lines));
  CHECK(d.root_cause == "launch_config_error");
  CHECK(d.component == "job");

  // The older Megatron wording (the pack's own example) still reads the same.
  std::vector<std::string> old = {
      "0: AssertionError: world size (24) is not divisible by tensor model parallel size (8) times pipeline "
      "model parallel size (4)",
      "1: AssertionError: world size (24) is not divisible by tensor model parallel size (8) times pipeline "
      "model parallel size (4)",
      "srun: error: n-1: task 0: Exited with exit code 1", "srun: error: n-2: task 1: Exited with exit code 1"};
  Diagnosis o = RunWithPack(SlurmCase(old));
  CHECK(o.root_cause == "launch_config_error");
}

// `pdsh -w NODES nvidia-smi --query-gpu=... --format=csv,noheader`: no header row (the pasted
// command names the columns) and each row behind pdsh's "host: " label. Before RL3 such a sweep was
// not read at all (no header, and "n-3: 5" is no index): one GPU at 89 C with thermal slowdown
// active was no evidence (realistic3 case-rl3-06). And a condition holding on most GPUs of a sweep
// ("DCGM_FI_DEV_GPU_TEMP < 80", half of pack-power-hw-slowdown) was read as evidence on each of
// them: the same sweep with its header row answered gpu_power_throttle at the node.
TEST_CASE("realistic3: a pdsh'd nvidia-smi --format=csv,noheader sweep is read by the query's columns, per host (RL3)") {
  std::vector<std::string> sweep = {
      "$ pdsh -w n-[1-4] nvidia-smi --query-gpu=index,temperature.gpu,clocks.sm,"
      "clocks_throttle_reasons.sw_thermal_slowdown,clocks_throttle_reasons.hw_thermal_slowdown,power.draw "
      "--format=csv,noheader"};
  for (const char* host : {"n-2", "n-3"}) {
    for (int g = 0; g < 8; ++g) {
      std::string row = host;
      row += ": ";
      row += std::to_string(g);
      if (std::string(host) == "n-3" && g == 5) row += ", 89, 1245 MHz, Active, Active, 486.21 W";
      else row += ", 61, 1980 MHz, Not Active, Not Active, 655.40 W";
      sweep.push_back(row);
    }
  }
  std::vector<std::string> out;
  for (int i = 0; i < 6; ++i) {
    std::string l = "0:  [2026-08-31 05:2";
    l += std::to_string(i);
    l += ":00] iteration    12046/ 1200000 | elapsed time per iteration (ms): 3050.5 | throughput per GPU "
         "(TFLOP/s/GPU): 398.1 | lm loss: 2.110000E+00 |";
    out.push_back(l);
  }
  Json j = ParseJson(R"JSON({
    "id": "t-realistic3-smi",
    "alert": {"labels": {"alertname": "GPUClocksLow", "job": "llm"},
              "annotations": {"summary": "llm: SM clocks below 1500 MHz on a GPU"},
              "startsAt": "2026-08-31T05:40:44Z"},
    "logs": [{"source": "slurm-4133.out", "lines": []}, {"source": "ops/nvidia-smi-sweep", "lines": []}],
    "metrics": [],
    "topology": {"nodes": ["n-1", "n-2", "n-3", "n-4"], "gpus_per_node": 8},
    "expected": {"root_cause": "gpu_thermal_throttle", "component": "n-3/gpu5"}
  })JSON").value();
  for (const std::string& l : out) j["logs"][0]["lines"].push_back(l);
  for (const std::string& l : sweep) j["logs"][1]["lines"].push_back(l);
  auto c = ParseCase(j, "t.json");
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  Diagnosis d = RunWithPack(*c);
  CHECK(d.root_cause == "gpu_thermal_throttle");
  CHECK(d.component == "n-3/gpu5");

  // The same sweep of one node, with its header row, in a log named after that node, as before.
  std::vector<std::string> one = {
      "index, temperature.gpu, clocks.sm [MHz], clocks_throttle_reasons.sw_thermal_slowdown, "
      "clocks_throttle_reasons.hw_thermal_slowdown, power.draw [W]"};
  for (int g = 0; g < 8; ++g) {
    std::string row = std::to_string(g);
    row += g == 5 ? ", 89, 1245 MHz, Active, Active, 486.21 W" : ", 61, 1980 MHz, Not Active, Not Active, 655.40 W";
    one.push_back(row);
  }
  j["logs"][1]["source"] = "n-3/nvidia-smi";
  j["logs"][1]["lines"] = Json::array();
  for (const std::string& l : one) j["logs"][1]["lines"].push_back(l);
  auto c2 = ParseCase(j, "t.json");
  REQUIRE_MESSAGE(c2.ok(), c2.status().message());
  Diagnosis d2 = RunWithPack(*c2);
  CHECK(d2.root_cause == "gpu_thermal_throttle");
  CHECK(d2.component == "n-3/gpu5");
}


// Review RV-RL3: the RL3 rule "a condition that held from the first sample on is evidence only on a
// minority of its series" dropped real faults that hold on exactly half of them: the smallest
// multi-node job is 2 nodes, and one node's fault there is 8 GPUs of 16, or 1 node of 2.
// A case of `nodes` x 8 GPUs whose metrics are `metrics` (each series: name, labels, one value per
// sample, 10 samples 30 s apart, the first at the window's start), and a few ordinary iteration lines.
DiagnosisCase MetricsCase(const std::vector<std::string>& nodes,
                          const std::vector<std::tuple<std::string, Labels, std::vector<double>>>& metrics) {
  Json j = ParseJson(R"JSON({
    "id": "t-rvrl3-metrics",
    "alert": {"labels": {"alertname": "TrainingThroughputLow", "job": "llm"},
              "annotations": {"summary": "llm: tokens/s 40% below its 6h average"},
              "startsAt": "2026-08-31T05:40:44Z"},
    "logs": [{"source": "slurm-4133.out", "lines": []}],
    "metrics": [],
    "topology": {"nodes": [], "gpus_per_node": 8},
    "expected": {"root_cause": "gpu_power_throttle", "component": "job"}
  })JSON").value();
  for (const std::string& n : nodes) j["topology"]["nodes"].push_back(n);
  for (int i = 0; i < 4; ++i) {
    std::string l = "0:  [2026-08-31 05:3";
    l += std::to_string(i);
    l += ":00] iteration    12046/ 1200000 | elapsed time per iteration (ms): 5050.5 | lm loss: 2.110000E+00 |";
    j["logs"][0]["lines"].push_back(l);
  }
  const int64_t t0 = 1788154544000;  // 2026-08-31T05:35:44Z
  for (const auto& [name, labels, values] : metrics) {
    Json m = Json::object();
    m["name"] = name;
    m["labels"] = Json::object();
    for (const auto& [k, v] : labels) m["labels"][k] = v;
    m["samples"] = Json::array();
    for (size_t i = 0; i < values.size(); ++i) {
      Json p = Json::array();
      p.push_back(static_cast<double>(t0 + static_cast<int64_t>(i) * 30000));
      p.push_back(values[i]);
      m["samples"].push_back(p);
    }
    j["metrics"].push_back(m);
  }
  auto c = ParseCase(j, "t.json");
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  return *c;
}

TEST_CASE("review RV-RL3: a fault held from the first sample on one node of a 2-node job is still evidence") {
  SUBCASE("all 8 GPUs of n-2 in HW power brake slowdown (a failed PSU), n-1 not") {
    std::vector<std::tuple<std::string, Labels, std::vector<double>>> m;
    for (const char* node : {"n-1", "n-2"}) {
      for (int g = 0; g < 8; ++g) {
        double bits = std::string(node) == "n-2" ? 128 : 0;
        m.push_back({"DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", Labels{{"Hostname", node}, {"gpu", std::to_string(g)}},
                     std::vector<double>(10, bits)});
      }
    }
    Diagnosis d = RunWithPack(MetricsCase({"n-1", "n-2"}, m));
    CHECK(d.root_cause == "gpu_power_throttle");
    CHECK(d.component.rfind("n-2", 0) == 0);
  }
  SUBCASE("n-2's memory below 5% available all along (host OOM), n-1 fine") {
    std::vector<std::tuple<std::string, Labels, std::vector<double>>> m;
    for (const char* node : {"n-1", "n-2"}) {
      double avail = std::string(node) == "n-2" ? 9e9 : 1.2e12;
      m.push_back({"node_memory_MemAvailable_bytes", Labels{{"instance", std::string(node) + ":9100"}},
                   std::vector<double>(10, avail)});
      m.push_back({"node_memory_MemTotal_bytes", Labels{{"instance", std::string(node) + ":9100"}},
                   std::vector<double>(10, 2.0e12)});
    }
    Diagnosis d = RunWithPack(MetricsCase({"n-1", "n-2"}, m));
    CHECK(d.root_cause == "host_oom");
    CHECK(d.component == "n-2");
  }
  SUBCASE("the whole of n-2 hot (a failed chassis fan): 8 GPUs above 85 C with thermal slowdown, n-1 cool") {
    std::vector<std::tuple<std::string, Labels, std::vector<double>>> m;
    for (const char* node : {"n-1", "n-2"}) {
      bool hot = std::string(node) == "n-2";
      for (int g = 0; g < 8; ++g) {
        Labels l{{"Hostname", node}, {"gpu", std::to_string(g)}};
        m.push_back({"DCGM_FI_DEV_GPU_TEMP", l, std::vector<double>(10, hot ? 91 : 62)});
        m.push_back({"DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", l, std::vector<double>(10, hot ? 32 : 0)});
      }
    }
    Diagnosis d = RunWithPack(MetricsCase({"n-1", "n-2"}, m));
    CHECK(d.root_cause == "gpu_thermal_throttle");
    CHECK(d.component.rfind("n-2", 0) == 0);
  }
  SUBCASE("one hot GPU of a 4-GPU node: the 3 cool ones are the normal state, not power-throttle evidence") {
    // An nvidia-smi sweep with its header, in the node's log (as RL3's one-node test, 4 GPUs).
    std::vector<std::string> rows = {
        "index, temperature.gpu, clocks.sm [MHz], clocks_throttle_reasons.sw_thermal_slowdown, "
        "clocks_throttle_reasons.hw_thermal_slowdown, power.draw [W]"};
    for (int g = 0; g < 4; ++g) {
      std::string row = std::to_string(g);
      row += g == 1 ? ", 89, 1245 MHz, Active, Active, 486.21 W" : ", 61, 1980 MHz, Not Active, Not Active, 655.40 W";
      rows.push_back(row);
    }
    Json j = ParseJson(R"JSON({
      "id": "t-rvrl3-4gpu",
      "alert": {"labels": {"alertname": "GPUClocksLow", "Hostname": "n-3"},
                "annotations": {"summary": "SM clocks below 1500 MHz on a GPU"},
                "startsAt": "2026-08-31T05:40:44Z"},
      "logs": [{"source": "n-3/nvidia-smi", "lines": []}],
      "metrics": [],
      "topology": {"nodes": ["n-3"], "gpus_per_node": 4},
      "expected": {"root_cause": "gpu_thermal_throttle", "component": "n-3/gpu1"}
    })JSON").value();
    for (const std::string& l : rows) j["logs"][0]["lines"].push_back(l);
    auto parsed = ParseCase(j, "t.json");
    REQUIRE_MESSAGE(parsed.ok(), parsed.status().message());
    DiagnosisCase c = *parsed;
    Diagnosis d = RunWithPack(c);
    CHECK(d.root_cause == "gpu_thermal_throttle");
    CHECK(d.component == "n-3/gpu1");
  }
  SUBCASE("a guard, not a regression: utilisation drops on ALL 16 GPUs inside the window (data loader)") {
    // A change after the first sample counts whatever the share (passes with a9f54e3's rule too).
    std::vector<std::tuple<std::string, Labels, std::vector<double>>> m;
    std::vector<double> util(10, 95), step(10, 1000);
    for (int i = 4; i < 10; ++i) {
      util[i] = 35;
      step[i] = 1700;
    }
    for (const char* node : {"n-1", "n-2"}) {
      for (int g = 0; g < 8; ++g) {
        m.push_back({"DCGM_FI_DEV_GPU_UTIL", Labels{{"Hostname", node}, {"gpu", std::to_string(g)}}, util});
      }
    }
    m.push_back({"step_time_ms", Labels{{"job", "llm"}}, step});
    Diagnosis d = RunWithPack(MetricsCase({"n-1", "n-2"}, m));
    CHECK(d.root_cause == "dataloader_stall");
    CHECK(d.component == "job");
  }
}


// Review RV-RL3: the pdsh'd nvidia-smi sweep reader on the shapes a sweep also comes in. A quoted
// query list (`--query-gpu="index,..."`) named no column before the fix (the list was cut at its
// opening quote): the sweep was not read (`unknown @ job`).
DiagnosisCase SweepCase(const std::vector<std::string>& sweep) {
  Json j = ParseJson(R"JSON({
    "id": "t-rvrl3-smi",
    "alert": {"labels": {"alertname": "GPUClocksLow", "job": "llm"},
              "annotations": {"summary": "llm: SM clocks below 1500 MHz on a GPU"},
              "startsAt": "2026-08-31T05:40:44Z"},
    "logs": [{"source": "slurm-4133.out", "lines": []}, {"source": "ops/nvidia-smi-sweep", "lines": []}],
    "metrics": [],
    "topology": {"nodes": ["n-1", "n-2", "n-3", "n-4"], "gpus_per_node": 8},
    "expected": {"root_cause": "gpu_thermal_throttle", "component": "n-3/gpu5"}
  })JSON").value();
  for (int i = 0; i < 4; ++i) {
    std::string l = "0:  [2026-08-31 05:2";
    l += std::to_string(i);
    l += ":00] iteration    12046/ 1200000 | elapsed time per iteration (ms): 3050.5 | lm loss: 2.110000E+00 |";
    j["logs"][0]["lines"].push_back(l);
  }
  for (const std::string& l : sweep) j["logs"][1]["lines"].push_back(l);
  auto c = ParseCase(j, "t.json");
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  return *c;
}

TEST_CASE("review RV-RL3: a pdsh'd nvidia-smi sweep: quoted query, other column order, header rows, N/A, bad rows") {
  SUBCASE("a quoted --query-gpu list, a truncated row, a host that is no node of the case") {
    for (const char* quote : {"\"", "'"}) {
      std::string cmd = "$ pdsh -w n-[1-4] nvidia-smi --query-gpu=";
      cmd += quote;
      cmd += "index,temperature.gpu,clocks_throttle_reasons.hw_thermal_slowdown";
      cmd += quote;
      cmd += " --format=csv,noheader";
      std::vector<std::string> sweep = {cmd};
      for (const char* host : {"n-2", "n-3"}) {
        for (int g = 0; g < 8; ++g) {
          std::string row = host;
          row += ": ";
          row += std::to_string(g);
          row += std::string(host) == "n-3" && g == 5 ? ", 89, Active" : ", 61, Not Active";
          sweep.push_back(row);
        }
      }
      sweep.push_back("n-2: 4, 9");               // cut short: skipped, not misread
      sweep.push_back("gpu-99: 3, 97, Active");  // no node of the case: on no node
      Diagnosis d = RunWithPack(SweepCase(sweep));
      CHECK_MESSAGE(d.root_cause == "gpu_thermal_throttle", quote);
      CHECK_MESSAGE(d.component == "n-3/gpu5", quote);
    }
  }
  SUBCASE("columns in another order, a header row per host, units, [N/A] and [Not Supported]") {
    std::vector<std::string> sweep = {
        "$ pdsh -w n-[1-4] nvidia-smi --query-gpu=clocks_throttle_reasons.hw_thermal_slowdown,power.draw,"
        "temperature.gpu,index --format=csv"};
    for (const char* host : {"n-2", "n-3"}) {
      std::string header = host;
      header += ": clocks_throttle_reasons.hw_thermal_slowdown, power.draw [W], temperature.gpu, index";
      sweep.push_back(header);
      for (int g = 0; g < 8; ++g) {
        std::string row = host;
        row += std::string(host) == "n-3" && g == 5 ? ": Active, [N/A], 89, " : ": [Not Supported], 655.40 W, 61, ";
        row += std::to_string(g);
        sweep.push_back(row);
      }
    }
    Diagnosis d = RunWithPack(SweepCase(sweep));
    CHECK(d.root_cause == "gpu_thermal_throttle");
    CHECK(d.component == "n-3/gpu5");
  }
  SUBCASE("pdsh | dshbak -c: each host's rows under its banner, a coalesced banner's rows on no node") {
    std::vector<std::string> sweep = {
        "$ pdsh -w n-[1-4] nvidia-smi --query-gpu=index,temperature.gpu,clocks_throttle_reasons.hw_thermal_slowdown "
        "--format=csv,noheader | dshbak -c"};
    for (const char* host : {"n-[1-2]", "n-3", "n-4"}) {
      sweep.push_back("----------------");
      sweep.push_back(host);
      sweep.push_back("----------------");
      for (int g = 0; g < 8; ++g) {
        std::string row = std::to_string(g);
        row += std::string(host) == "n-3" && g == 5 ? ", 89, Active" : ", 61, Not Active";
        sweep.push_back(row);
      }
    }
    Diagnosis d = RunWithPack(SweepCase(sweep));
    CHECK(d.root_cause == "gpu_thermal_throttle");
    CHECK(d.component == "n-3/gpu5");

    // A separator line above a plain CSV sweep with its header is no banner: still read.
    std::vector<std::string> plain = {"----------------", "index, temperature.gpu, clocks_throttle_reasons.hw_thermal_slowdown"};
    for (int g = 0; g < 8; ++g) plain.push_back(std::to_string(g) + (g == 5 ? ", 89, Active" : ", 61, Not Active"));
    DiagnosisCase c = SweepCase(plain);
    c.logs[1].source = "n-3/nvidia-smi";
    Diagnosis p = RunWithPack(c);
    CHECK(p.root_cause == "gpu_thermal_throttle");
    CHECK(p.component == "n-3/gpu5");
  }
  SUBCASE("only a host that is no node of the case is hot: no GPU of the case is named") {
    std::vector<std::string> sweep = {
        "$ pdsh -w n-[1-4] nvidia-smi --query-gpu=index,temperature.gpu,clocks_throttle_reasons.hw_thermal_slowdown "
        "--format=csv,noheader"};
    for (const char* host : {"n-2", "n-3"}) {
      for (int g = 0; g < 8; ++g) {
        std::string row = host;
        row += ": ";
        row += std::to_string(g);
        row += ", 61, Not Active";
        sweep.push_back(row);
      }
    }
    sweep.push_back("gpu-99: 3, 97, Active");
    Diagnosis d = RunWithPack(SweepCase(sweep));
    CHECK(d.root_cause != "gpu_thermal_throttle");
    CHECK(d.component.find("gpu3") == std::string::npos);
  }
}

// NF2 (realistic3 case-rl3-09): a replica-consistency checker run by rank 0 reports another rank's
// parameter digest differing from its data-parallel peers, printing the digest values between the
// word and the verb ("rank 21 digest 0c41a9e7..77d2 differs from 7 peers"). The pack's signature knew
// "checksum mismatch" / "hashes differ" only, so no signature matched; the knowledge recall read the
// line as another category, and the SDC evidence left was the checker's follow-up line, placed on
// its writer, rank 0's GPU. One 4 x 8 job, rank 21 on n-3 GPU 5.
DiagnosisCase GatheredCase(const std::vector<std::string>& lines) {
  Json j = ParseJson(R"JSON({
    "id": "t-realistic3-sdc",
    "alert": {"labels": {"alertname": "ReplicaParamsDiverged", "job": "llm-70b"},
              "annotations": {"summary": "llm-70b: data-parallel replicas hold different parameters"},
              "startsAt": "2026-12-01T17:31:00Z"},
    "logs": [{"source": "platform/llm-70b/ranks-gathered.log", "lines": []}],
    "metrics": [],
    "topology": {"nodes": ["n-1", "n-2", "n-3", "n-4"], "gpus_per_node": 8},
    "expected": {"root_cause": "gpu_silent_data_corruption", "component": "n-3/gpu5"}
  })JSON").value();
  for (const std::string& l : lines) j["logs"][0]["lines"].push_back(l);
  auto c = ParseCase(j, "t.json");
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  return *c;
}

// Whether a log line containing `needle` is evidence supporting SDC by a pack signature (kind log),
// not only by the knowledge recall's reading of it (kind knowledge).
bool SignatureEvidence(const Diagnosis& d, const std::string& needle) {
  for (const Evidence& e : d.evidence) {
    if (e.kind == EvidenceKind::kLog && e.detail.find(needle) != std::string::npos &&
        std::find(e.supports.begin(), e.supports.end(), "gpu_silent_data_corruption") != e.supports.end())
      return true;
  }
  return false;
}

TEST_CASE("realistic3: a replica digest with its value before 'differs' names the rank's GPU (NF2)") {
  std::vector<std::string> lines;
  for (int step = 51997; step < 52000; ++step) {
    std::string l = "[rank0]: [2026-12-01 17:2";
    l += std::to_string(step - 51990);
    l += ":10] step ";
    l += std::to_string(step);
    l += " | loss 2.0412 | grad_norm 0.87 | tokens/s 98210";
    lines.push_back(l);
  }
  SUBCASE("digest value between the word and 'differs', then the checker's follow-up") {
    lines.push_back("[rank0]:[2026-12-01 17:30:02] ERROR [param_consistency.py:88] dp group 5: rank 21 digest "
                    "0c41a9e7..77d2 differs from 7 peers (layer 11 mlp.fc1.weight, 5 elements, max abs diff 3.7e+03)");
    lines.push_back("[rank0]: [2026-12-01 17:30:03] WARNING param-check: recheck after recompute: same rank, same "
                    "tensor; no NaN/Inf, no CUDA error");
    Diagnosis d = RunWithPack(GatheredCase(lines));
    CHECK(d.root_cause == "gpu_silent_data_corruption");
    CHECK(d.component == "n-3/gpu5");
    CHECK(SignatureEvidence(d, "rank 21 digest 0c41a9e7..77d2 differs"));
  }
  SUBCASE("a checksum value between the word and 'mismatch'") {
    lines.push_back("[rank0]: [2026-12-01 17:30:02] ERROR sdc-sentinel: step 52000: rank 21 output checksum "
                    "0x7a11c02e mismatch, its 7 replicas agree on 0x19fe0b44");
    Diagnosis d = RunWithPack(GatheredCase(lines));
    CHECK(d.root_cause == "gpu_silent_data_corruption");
    CHECK(d.component == "n-3/gpu5");
    CHECK(SignatureEvidence(d, "checksum 0x7a11c02e mismatch"));
  }
  SUBCASE("'no mismatch' after a digest is no signature match") {
    lines.push_back("[rank0]: [2026-12-01 17:30:02] INFO param-check: step 52000 dp group 5: digest 5be0f113..a90c "
                    "on all 8 replicas, no mismatch");
    Diagnosis d = RunWithPack(GatheredCase(lines));
    CHECK_FALSE(SignatureEvidence(d, "no mismatch"));
  }
  SUBCASE("a checker's healthy count 'checksum mismatches: 0' is no signature match (RV-NF2)") {
    lines.push_back("[rank0]: [2026-12-01 17:30:02] INFO sdc-sentinel: step 52000: 32 ranks compared, output "
                    "checksum mismatches: 0, hash mismatches=0");
    Diagnosis d = RunWithPack(GatheredCase(lines));
    CHECK_FALSE(SignatureEvidence(d, "checksum mismatches: 0"));
  }
}

}  // namespace
}  // namespace vigil
