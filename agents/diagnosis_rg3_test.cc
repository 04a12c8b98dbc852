// Tests of RG3's rules (2026-12-02): a netdev's HCA read from more of the forms engineers print
// the tie in, a host-side straggler from node_exporter's CPU series, and more launchers' counts.
// The cases are written for the tests (node names n-01 ...), not copied from a set. They run the
// shipped knowledge pack (data/knowledge/) through GatherKnowledge and the built-in reasoner, as
// `vigil diagnose` does.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"

namespace vigil {
namespace {

Diagnosis Run(const Json& j) { return testing::RunCaseWithOwnProbes(j); }

// realistic7 rl7-27's shape on four nodes: three peers' rail-3 HCA (mlx5_5) lose their connection
// to n-03, whose kernel log shows its IPoIB netdev ibp158s0 flapping (the netdev's name only).
// `extra` adds logs (the tie between the netdev and its HCA, when a test gives one).
Json FlappingNetdev(const Json& extra, const Json& probes = Json::object()) {
  Json train = Json::array();
  for (int node : {1, 2, 4}) {
    const int rank = (node - 1) * 8 + 3;
    const std::string r = std::to_string(rank);
    std::string host = "n-0";
    host += std::to_string(node);
    std::string line = r;
    line += ": ";
    line += host;
    line += ":33003:33213 [3] transport/net_ib.cc:2025 NCCL WARN NET/IB: Got completion from peer 10.20.4.54<45771> "
            "with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.20.4.5";
    line += std::to_string(node);
    line += " remoteGids::ffff:10.20.4.54 hca mlx5_5";
    train.push_back(line);
    std::string wd = r;
    wd += ": [rank";
    wd += r;
    wd += "]:[E1202 07:59:50.9 ProcessGroupNCCL.cpp:1895] [PG ID 0 PG GUID 0(default_pg) Rank ";
    wd += r;
    wd += "] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there "
          "was a network error, NCCL version 2.23.4";
    train.push_back(wd);
  }
  Json logs = Json::array();
  logs.push_back({{"source", "slurm-7781002.out"}, {"lines", train}});
  Json journal = Json::array();
  for (int i = 0; i < 3; ++i) {
    std::string t = "Dec  2 07:58:";
    t += std::to_string(10 + 18 * i);
    journal.push_back(t + " n-03 kernel: mlx5_core 0000:9e:00.0 ibp158s0: Link down");
    std::string u = "Dec  2 07:58:";
    u += std::to_string(19 + 18 * i);
    journal.push_back(u + " n-03 kernel: mlx5_core 0000:9e:00.0 ibp158s0: Link up");
  }
  logs.push_back({{"source", "n-03/journal"}, {"lines", journal}});
  for (const Json& l : extra) logs.push_back(l);
  Json nodes = Json::array({"n-01", "n-02", "n-03", "n-04"});
  return {{"id", "rg3-netdev"},
          {"alert",
           {{"labels", {{"alertname", "TrainingJobFailed"}, {"severity", "warning"}}},
            {"annotations", {{"summary", "Slurm job 7781002 FAILED"}}},
            {"startsAt", "2025-12-02T08:00:00Z"}}},
          {"logs", logs},
          {"probes", probes},
          {"topology",
           {{"nodes", nodes}, {"gpus_per_node", 8}, {"rank_layout", "rank r runs on nodes[r // 8], local GPU r % 8"}}}};
}

std::string Answer(const Diagnosis& d) {
  std::string s = d.root_cause;
  s += " @ ";
  s += d.component;
  return s;
}

TEST_CASE("netdev to HCA: with no tie the netdev's name stays, nothing guessed (RG3, guard)") {
  // The peers' own HCA is mlx5_5 and the failing node's netdev is ibp158s0: neither names the
  // failing node's HCA (its name is not derivable from the netdev's, and rails need not match).
  CHECK(Answer(Run(FlappingNetdev(Json::array()))) == "ib_link_failure @ n-03/ibp158s0");
}

TEST_CASE("netdev to HCA: `ls /sys/class/infiniband/*/device/net` blocks tie them (RG3)") {
  Json ls = Json::array({"$ ls /sys/class/infiniband/*/device/net", "/sys/class/infiniband/mlx5_4/device/net:",
                         "ibp154s0", "", "/sys/class/infiniband/mlx5_5/device/net:", "ibp158s0", "",
                         "/sys/class/infiniband/mlx5_6/device/net:", "ibp186s0"});
  // 91ef1de: n-03/ibp158s0 (the block's header and its entry are on two lines)
  CHECK(Answer(Run(FlappingNetdev(Json::array({{{"source", "n-03/shell"}, {"lines", ls}}})))) ==
        "ib_link_failure @ n-03/mlx5_5");
  Json ls_l = Json::array({"$ ls -l /sys/class/infiniband/*/device/net", "/sys/class/infiniband/mlx5_4/device/net:",
                           "total 0", "drwxr-xr-x 5 root root 0 Dec  2 06:00 ibp154s0", "",
                           "/sys/class/infiniband/mlx5_7/device/net:", "total 0",
                           "drwxr-xr-x 5 root root 0 Dec  2 06:00 ibp158s0"});
  CHECK(Answer(Run(FlappingNetdev(Json::array({{{"source", "n-03/shell"}, {"lines", ls_l}}})))) ==
        "ib_link_failure @ n-03/mlx5_7");
  // The same listing from another node ties nothing on n-03 (each host names its own devices).
  CHECK(Answer(Run(FlappingNetdev(Json::array({{{"source", "n-02/shell"}, {"lines", ls_l}}})))) ==
        "ib_link_failure @ n-03/ibp158s0");
}

TEST_CASE("netdev to HCA: show_gids' rows tie them (RG3)") {
  Json gids = Json::array({"$ show_gids", "DEV\tPORT\tINDEX\tGID\t\t\t\t\tIPv4  \t\tVER\tDEV",
                           "---\t----\t-----\t---\t\t\t\t\t------------  \t---\t---",
                           "mlx5_4\t1\t3\t0000:0000:0000:0000:0000:ffff:0a14:0336\t10.20.3.54  \tv2\tibp154s0",
                           "mlx5_5\t1\t3\t0000:0000:0000:0000:0000:ffff:0a14:0436\t10.20.4.54  \tv2\tibp158s0"});
  // 91ef1de: n-03/ibp158s0
  CHECK(Answer(Run(FlappingNetdev(Json::array({{{"source", "n-03/show_gids"}, {"lines", gids}}})))) ==
        "ib_link_failure @ n-03/mlx5_5");
}

TEST_CASE("netdev to HCA: a recorded probe's text on the node ties them (RG3)") {
  // RV-RG3: only the text of a probe the diagnosis ran. node.kernel_log@n-03 runs here (the
  // kernel log of the node whose netdev flaps); its result's details print the tie.
  Json ran = {{"node.kernel_log@n-03",
               {{"status", "fail"},
                {"reason", "mlx5_core 0000:9e:00.0 ibp158s0: Link down (3 times in 2 minutes)"},
                {"metrics", Json::object()},
                {"thresholds", Json::object()},
                {"details", {{"lines", Json::array({"[ 8812.1] mlx5_core 0000:9e:00.0 ibp158s0: Link down",
                                                    "mlx5_5 port 1 ==> ibp158s0 (Down)"})}}},
                {"duration_s", 0.2}}}};
  CHECK(Answer(Run(FlappingNetdev(Json::array(), ran))) == "ib_link_failure @ n-03/mlx5_5");
}

TEST_CASE("netdev to HCA: a recorded result no probe of the diagnosis ran ties nothing (RV-RG3)") {
  // node.ib_ports is no catalog probe: the diagnosis never runs it, so its recorded result is not
  // what the answer may rest on (a live run has no recorded store at all). Before: n-03/mlx5_5.
  Json probes = {{"node.ib_ports@n-03",
                  {{"status", "fail"},
                   {"reason", "mlx5_5 port 1 ==> ibp158s0 (Down); mlx5_4 port 1 ==> ibp154s0 (Up)"},
                   {"metrics", Json::object()},
                   {"thresholds", Json::object()},
                   {"duration_s", 0.2}}}};
  const Diagnosis d = Run(FlappingNetdev(Json::array(), probes));
  bool ran = false;
  for (const auto& st : d.steps) ran = ran || st.target.rfind("node.ib_ports@", 0) == 0;
  CHECK_FALSE(ran);
  CHECK(Answer(d) == "ib_link_failure @ n-03/ibp158s0");
}

// A host-side straggler from node_exporter's series (RG3). Rank 18 (n-03, GPU 2) is named slowest;
// every node exports node_cpu_seconds_total for 4 CPUs. `modes(node)` gives each mode's share of a
// CPU's second on that node (a counter rising at that rate). gpu.health and gpu.gemm pass on
// n-03/gpu2: the GPU is healthy.
constexpr int64_t kT0 = 1764662400000;  // 2025-12-02T08:00:00Z, the alert

// 31 samples 30 s apart over the 15 minutes before the alert, a counter rising `per_s` a second.
Json Counter(const std::string& name, Json labels, double per_s) {
  Json samples = Json::array();
  for (int i = 0; i <= 30; ++i) samples.push_back(Json::array({kT0 - (30 - i) * 30000LL, 1e6 + per_s * 30.0 * i}));
  return {{"name", name}, {"labels", std::move(labels)}, {"samples", std::move(samples)}};
}

using Modes = std::vector<std::pair<std::string, double>>;

Json SlowRankCase(const std::function<Modes(const std::string&)>& modes, const Json& extra_metrics = Json::array()) {
  Json lines = Json::array();
  for (int i = 0; i < 5; ++i) {
    std::string l = "2025-12-02 07:5";
    l += std::to_string(5 + i);
    l += ":00 | straggler detector: rank 18 slowest in 44/50 steps (step 1.9 s, median 1.2 s)";
    lines.push_back(l);
  }
  Json metrics = Json::array();
  for (const char* node : {"n-01", "n-02", "n-03", "n-04"}) {
    for (int cpu = 0; cpu < 4; ++cpu) {
      for (const auto& [mode, share] : modes(node)) {
        std::string inst = node;
        inst += ":9100";
        metrics.push_back(Counter("node_cpu_seconds_total",
                                  {{"instance", inst}, {"job", "node"}, {"cpu", std::to_string(cpu)}, {"mode", mode}},
                                  share));
      }
    }
  }
  for (const Json& m : extra_metrics) metrics.push_back(m);
  Json probes = {{"gpu.health@n-03/gpu2",
                  {{"status", "pass"},
                   {"metrics", {{"ecc_dbe_volatile", 0}, {"temperature_c", 47}, {"sm_clock_mhz", 1980.0}}},
                   {"thresholds", {{"ecc_dbe_volatile_max", 0}, {"temperature_c_max", 85}}},
                   {"reason", "all health counters within thresholds"},
                   {"duration_s", 1.5}}},
                 {"gpu.gemm@n-03/gpu2",
                  {{"status", "pass"},
                   {"metrics", {{"tflops", 748.7}}},
                   {"thresholds", {{"tflops_min", 650.0}}},
                   {"reason", "bf16 GEMM throughput within thresholds"},
                   {"duration_s", 8.4}}}};
  return {{"id", "rg3-host"},
          {"alert",
           {{"labels", {{"alertname", "TrainingThroughputDrop"}, {"job", "llm"}, {"severity", "warning"}}},
            {"annotations", {{"summary", "llm: step time up 55%"}}},
            {"startsAt", "2025-12-02T08:00:00Z"}}},
          {"logs", Json::array({{{"source", "n-01/rank0/stdout"}, {"lines", lines}}})},
          {"metrics", metrics},
          {"probes", probes},
          {"topology", {{"nodes", Json::array({"n-01", "n-02", "n-03", "n-04"})}, {"gpus_per_node", 8}}}};
}

Diagnosis RunIntrusive(const Json& j) { return testing::RunCaseWithOwnProbes(j, /*intrusive=*/true); }

bool HostEvidence(const Diagnosis& d) {
  for (const Evidence& e : d.evidence) {
    if (e.detail.find("the slow rank's host has its CPUs taken") != std::string::npos) return true;
  }
  return false;
}

bool GemmRefutesStraggler(const Diagnosis& d) {
  for (const Evidence& e : d.evidence) {
    if (e.source == "probe gpu.gemm@n-03/gpu2")
      return std::find(e.refutes.begin(), e.refutes.end(), "straggler_rank") != e.refutes.end();
  }
  return false;
}

const Modes kQuiet = {{"user", 0.45}, {"system", 0.05}, {"steal", 0.0}, {"iowait", 0.0}, {"idle", 0.50}};

TEST_CASE("node_exporter: steal time on the slow rank's node is its host's, not its GPU's (RG3)") {
  Diagnosis d = RunIntrusive(SlowRankCase([](const std::string& node) {
    // 15% of its CPU time stolen (under the pack's absolute 0.2 a CPU), its peers none.
    if (node == "n-03") return Modes{{"user", 0.45}, {"system", 0.05}, {"steal", 0.15}, {"iowait", 0.0}, {"idle", 0.35}};
    return kQuiet;
  }));
  CHECK(d.root_cause == "straggler_rank");
  CHECK(HostEvidence(d));             // 91ef1de: no such evidence
  CHECK_FALSE(GemmRefutesStraggler(d));  // 91ef1de: the gemm pass refuted straggler_rank
}

TEST_CASE("node_exporter: the slow rank's node with every CPU busy and tasks waiting for one is read (RG3)") {
  Json psi = Json::array();
  for (const char* node : {"n-01", "n-02", "n-03", "n-04"}) {
    std::string inst = node;
    inst += ":9100";
    psi.push_back(Counter("node_pressure_cpu_waiting_seconds_total", {{"instance", inst}, {"job", "node"}},
                          std::string(node) == "n-03" ? 0.62 : 0.02));
  }
  Diagnosis d = RunIntrusive(SlowRankCase(
      [](const std::string& node) {
        if (node == "n-03") return Modes{{"user", 0.90}, {"system", 0.08}, {"steal", 0.0}, {"iowait", 0.0}, {"idle", 0.02}};
        return kQuiet;
      },
      psi));
  CHECK(HostEvidence(d));                // 91ef1de: no such evidence
  CHECK_FALSE(GemmRefutesStraggler(d));  // 91ef1de: the gemm pass refuted straggler_rank
  bool both = false;
  for (const Evidence& e : d.evidence) {
    both = both || (e.detail.find("CPU busy 0.98") != std::string::npos && e.detail.find("CPU pressure 0.62") != std::string::npos);
  }
  CHECK(both);
}

TEST_CASE("node_exporter: a node busy like its peers, or busier by a small margin, is no host-side cause (RG3 guard)") {
  // Every node saturated (a job-wide load: input pipelines everywhere).
  Diagnosis all = RunIntrusive(SlowRankCase([](const std::string&) {
    return Modes{{"user", 0.90}, {"system", 0.07}, {"steal", 0.0}, {"iowait", 0.0}, {"idle", 0.03}};
  }));
  CHECK_FALSE(HostEvidence(all));
  CHECK(GemmRefutesStraggler(all));
  // The slow node at 95% busy, its peers at 85%: a small margin.
  Diagnosis margin = RunIntrusive(SlowRankCase([](const std::string& node) {
    if (node == "n-03") return Modes{{"user", 0.88}, {"system", 0.07}, {"steal", 0.0}, {"iowait", 0.0}, {"idle", 0.05}};
    return Modes{{"user", 0.80}, {"system", 0.05}, {"steal", 0.0}, {"iowait", 0.0}, {"idle", 0.15}};
  }));
  CHECK_FALSE(HostEvidence(margin));
  // Another node's steal: not the slow rank's host.
  Diagnosis other = RunIntrusive(SlowRankCase([](const std::string& node) {
    if (node == "n-01") return Modes{{"user", 0.45}, {"system", 0.05}, {"steal", 0.35}, {"iowait", 0.0}, {"idle", 0.15}};
    return kQuiet;
  }));
  CHECK_FALSE(HostEvidence(other));
  CHECK(GemmRefutesStraggler(other));
}

// Launch counts (RG3): MPICH / Hydra's forms, Kubeflow MPIJob's and PyTorchJob's specs. A 4-node
// allocation of 8 GPUs each unless the test says otherwise; the job failed on an NCCL usage error.
Json LaunchCase(const std::vector<std::string>& launch, const Json& extra_logs = Json::array()) {
  Json lines = Json::array();
  for (const std::string& l : launch) lines.push_back(l);
  lines.push_back("[2026-11-30 08:12:01] RuntimeError: NCCL error in: ProcessGroupNCCL.cpp:1970, invalid usage, NCCL version 2.21.5");
  lines.push_back("[2026-11-30 08:12:01] ncclInvalidUsage: This usually reflects invalid usage of NCCL library.");
  Json logs = Json::array({{{"source", "job-9120.out"}, {"lines", lines}}});
  for (const Json& l : extra_logs) logs.push_back(l);
  return {{"id", "rg3-launch"},
          {"alert",
           {{"labels", {{"alertname", "TrainingJobFailed"}, {"severity", "critical"}}},
            {"annotations", {{"summary", "job 9120 failed"}}},
            {"startsAt", "2026-11-30T08:20:00Z"}}},
          {"logs", logs},
          {"metrics", Json::array()},
          {"topology", {{"gpus_per_node", 8}, {"nodes", Json::array({"n-01", "n-02", "n-03", "n-04"})}}}};
}

std::string Mismatch(const Diagnosis& d) {
  for (const Evidence& e : d.evidence) {
    if (e.detail.find("launch does not fit the allocation") != std::string::npos) return e.detail;
  }
  return "";
}

TEST_CASE("launch counts: MPICH / Hydra's hostfile, -hosts and -ppn (RG3)") {
  // `cat hosts` shows MPICH's "host:n" lines; mpiexec -f names the file. 91ef1de: no count read.
  Diagnosis f = Run(LaunchCase({"SLURM_JOB_NUM_NODES=4", "$ cat /home/u/hosts", "n-01:8", "n-02:8", "n-03:8",
                                "$ mpiexec -f /home/u/hosts -n 24 python train.py"}));
  CHECK(Mismatch(f).find("its hostfile lists 3 host(s)") != std::string::npos);
  CHECK(Mismatch(f).find("allocated 4") != std::string::npos);
  // Bare host names (no count) are hostfile lines too.
  Diagnosis bare = Run(LaunchCase({"SLURM_JOB_NUM_NODES=4", "+ cat hostfile", "n-01", "n-02", "n-03", "n-04", "n-05",
                                   "+ mpiexec -f hostfile -n 40 python train.py"}));
  CHECK(Mismatch(bare).find("its hostfile lists 5 host(s)") != std::string::npos);
  // -hosts a:8,b:8 (Hydra's spelling of -H). 91ef1de: no count read.
  Diagnosis h = Run(LaunchCase({"SLURM_JOB_NUM_NODES=4", "+ mpiexec -hosts n-01:8,n-02:8,n-03:8,n-04:8,n-05:8 -n 40 python train.py"}));
  CHECK(Mismatch(h).find("asks for 5 node(s)") != std::string::npos);
  // -ppn: processes a node against the GPUs a node. 91ef1de: no count read.
  Diagnosis p = Run(LaunchCase({"SLURM_JOB_NUM_NODES=4", "SLURM_GPUS_ON_NODE=8", "+ mpiexec -n 40 -ppn 10 python train.py"}));
  CHECK(Mismatch(p).find("starts 10 process(es) per node") != std::string::npos);
  // Guard: a file `cat` printed that mpirun does not name is no hostfile.
  Diagnosis other = Run(LaunchCase({"SLURM_JOB_NUM_NODES=4", "$ cat nodes.txt", "n-01", "n-02", "n-03",
                                    "$ mpiexec -f hosts -n 32 python train.py"}));
  CHECK(Mismatch(other).find("hostfile lists") == std::string::npos);
}

TEST_CASE("launch counts: a Kubeflow MPIJob's Worker replicas and slotsPerWorker, YAML and JSON (RG3)") {
  const Json yaml = Json::array({"apiVersion: kubeflow.org/v2beta1", "kind: MPIJob", "spec:", "  slotsPerWorker: 8",
                                 "  mpiReplicaSpecs:", "    Launcher:", "      replicas: 1", "      template:",
                                 "        spec:", "          containers:", "          - name: launcher",
                                 "            command: [\"mpirun\", \"-np\", \"40\", \"python\", \"train.py\"]",
                                 "    Worker:", "      replicas: 4"});
  // mpirun -np 40 on 4 workers x 8 slots. 91ef1de: no allocation read (the Launcher is no node).
  Diagnosis y = Run(LaunchCase({"+ mpirun -np 40 python train.py"}, Json::array({{{"source", "mpijob.yaml"}, {"lines", yaml}}})));
  CHECK(Mismatch(y).find("40") != std::string::npos);
  CHECK(Mismatch(y).find("4 node(s) x 8") != std::string::npos);
  // kubectl get mpijob -o json, as printed.
  const Json json = Json::array({"{", "  \"kind\": \"MPIJob\",", "  \"spec\": {", "    \"mpiReplicaSpecs\": {",
                                 "      \"Launcher\": {", "        \"replicas\": 1,", "        \"template\": {}", "      },",
                                 "      \"Worker\": {", "        \"replicas\": 4,", "        \"template\": {}", "      }",
                                 "    },", "    \"slotsPerWorker\": 8", "  }", "}"});
  Diagnosis j = Run(LaunchCase({"+ mpirun -np 40 python train.py"}, Json::array({{{"source", "mpijob.json"}, {"lines", json}}})));
  CHECK(Mismatch(j).find("4 node(s) x 8") != std::string::npos);
  // On one line (jq -c).
  const Json one = Json::array({"{\"kind\":\"MPIJob\",\"spec\":{\"mpiReplicaSpecs\":{\"Launcher\":{\"replicas\":1,\"template\":{}},"
                                "\"Worker\":{\"replicas\":4,\"restartPolicy\":\"Never\",\"template\":{}}},\"slotsPerWorker\":8}}"});
  Diagnosis o = Run(LaunchCase({"+ mpirun -np 40 python train.py"}, Json::array({{{"source", "mpijob.json"}, {"lines", one}}})));
  CHECK(Mismatch(o).find("4 node(s) x 8") != std::string::npos);
  // Guard: -np 32 fits 4 workers x 8 slots.
  Diagnosis fit = Run(LaunchCase({"+ mpirun -np 32 python train.py"}, Json::array({{{"source", "mpijob.yaml"}, {"lines", yaml}}})));
  CHECK(Mismatch(fit).empty());
}

TEST_CASE("launch counts: a PyTorchJob's nprocPerNode against its pods' GPUs (RG3)") {
  const Json yaml = Json::array({"apiVersion: kubeflow.org/v1", "kind: PyTorchJob", "spec:", "  nprocPerNode: \"8\"",
                                 "  pytorchReplicaSpecs:", "    Master:", "      replicas: 1", "      template:",
                                 "        spec:", "          containers:", "          - name: pytorch",
                                 "            resources:", "              limits:", "                nvidia.com/gpu: 4",
                                 "    Worker:", "      replicas: 3"});
  // 91ef1de: neither count read.
  Diagnosis d = Run(LaunchCase({}, Json::array({{{"source", "pytorchjob.yaml"}, {"lines", yaml}}})));
  CHECK(Mismatch(d).find("starts 8 process(es) per node on nodes allocated 4 GPU(s)") != std::string::npos);
}

TEST_CASE("launch counts: the mismatch quotes the line whose count it names, not a dropped 0's (RG3)") {
  Diagnosis d = Run(LaunchCase({"SLURM_JOB_NUM_NODES=4", "+ torchrun --nnodes=0 --nproc-per-node=8 train.py",
                                "+ torchrun --nnodes=5 --nproc-per-node=8 train.py"}));
  const std::string m = Mismatch(d);
  CHECK(m.find("asks for 5 node(s)") != std::string::npos);
  CHECK(m.find("--nnodes=5") != std::string::npos);
  CHECK(m.find("--nnodes=0") == std::string::npos);  // 91ef1de: quoted the --nnodes=0 line
}

// Review RV-RG3 (2026-12-02). The peers of the slow rank's node are the job's other nodes: a case's
// metrics that also hold idle spare nodes (a rack's or partition's node_exporter) give no median to
// set a job-wide load against.
Json IdleNodes(const std::vector<std::string>& nodes) {
  Json out = Json::array();
  for (const std::string& node : nodes) {
    std::string inst = node;
    inst += ":9100";
    for (int cpu = 0; cpu < 4; ++cpu) {
      for (const auto& [mode, share] : Modes{{"user", 0.02}, {"system", 0.01}, {"steal", 0.0}, {"iowait", 0.0}, {"idle", 0.97}}) {
        out.push_back(Counter("node_cpu_seconds_total",
                              {{"instance", inst}, {"job", "node"}, {"cpu", std::to_string(cpu)}, {"mode", mode}},
                              share));
      }
    }
  }
  return out;
}

TEST_CASE("node_exporter: every job node busy, set against idle nodes outside the job, is no host-side cause (RV-RG3)") {
  const Json spare = IdleNodes({"n-05", "n-06", "n-07", "n-08", "n-09"});
  const Modes busy = {{"user", 0.90}, {"system", 0.07}, {"steal", 0.0}, {"iowait", 0.0}, {"idle", 0.03}};
  Diagnosis all = RunIntrusive(SlowRankCase([&](const std::string&) { return busy; }, spare));
  CHECK_FALSE(HostEvidence(all));     // before: n-03's 0.97 against the spare nodes' 0.03
  CHECK(GemmRefutesStraggler(all));
  // The slow node busy alone among the job's nodes is still read with the spare nodes there.
  Diagnosis alone = RunIntrusive(SlowRankCase([&](const std::string& node) { return node == "n-03" ? busy : kQuiet; }, spare));
  CHECK(HostEvidence(alone));
}

// cAdvisor's throttling of one container, by node (no CPU load of its own).
Json Throttled(const std::string& node, const std::string& pod, const std::string& container, double per_s) {
  return Counter("container_cpu_cfs_throttled_seconds_total",
                 {{"node", node}, {"namespace", "default"}, {"pod", pod}, {"container", container}}, per_s);
}

TEST_CASE("node_exporter: CFS throttling of another pod's container on the node is no cause of the rank's slowness (RV-RG3)") {
  Json mine = Json::array();
  for (const char* node : {"n-01", "n-02", "n-03", "n-04"}) {
    std::string pod = "llm-worker-";
    pod += node[3];
    mine.push_back(Throttled(node, pod, "pytorch", 0.0));
    mine.push_back(Throttled(node, pod, "", 0.0));  // the pod's own cgroup
  }
  Json other = mine;
  other.push_back(Throttled("n-03", "fluent-bit-x7k2p", "fluent-bit", 0.8));  // a log shipper's tight limit
  Diagnosis d = RunIntrusive(SlowRankCase([](const std::string&) { return kQuiet; }, other));
  CHECK_FALSE(HostEvidence(d));  // before: 0.8 s/s summed over the node's containers
  // The pack's own per-series condition, rate(container_cpu_cfs_throttled_seconds_total[5m]) > 0.5,
  // is read on the job's container only too (RG4): before, it read the log shipper's throttling as
  // host contention and kept gpu.gemm's pass off straggler_rank.
  CHECK(GemmRefutesStraggler(d));
  // The job's own container throttled on the slow node is read.
  Json own = Json::array();
  for (const char* node : {"n-01", "n-02", "n-03", "n-04"}) {
    std::string pod = "llm-worker-";
    pod += node[3];
    own.push_back(Throttled(node, pod, "pytorch", std::string(node) == "n-03" ? 0.8 : 0.0));
  }
  Diagnosis o = RunIntrusive(SlowRankCase([](const std::string&) { return kQuiet; }, own));
  CHECK(HostEvidence(o));
}

TEST_CASE("node_exporter: a DaemonSet's container throttled on the slow node is not the job's (RG6)") {
  // A log shipper runs on every node (a DaemonSet) and is throttled on the slow node only; the case
  // names no pod of the job, so its container name on every node read as the job's workload.
  // cdcfbc6: both readers counted it (host evidence, gpu.gemm's pass kept off straggler_rank).
  Json metrics = Json::array();
  for (const char* node : {"n-01", "n-02", "n-03", "n-04"}) {
    std::string pod = "llm-worker-";
    pod += node[3];
    metrics.push_back(Throttled(node, pod, "pytorch", 0.0));
    std::string shipper = "fluent-bit-";
    shipper += node[3];
    metrics.push_back(Throttled(node, shipper, "fluent-bit", std::string(node) == "n-03" ? 0.8 : 0.0));
    // kube-state-metrics: the shipper's pod is owned by a DaemonSet, the worker's by the job.
    metrics.push_back(Counter("kube_pod_owner",
                              {{"namespace", "default"}, {"pod", shipper}, {"owner_kind", "DaemonSet"}, {"owner_name", "fluent-bit"}},
                              0.0));
    metrics.push_back(Counter("kube_pod_owner",
                              {{"namespace", "default"}, {"pod", pod}, {"owner_kind", "Job"}, {"owner_name", "llm"}}, 0.0));
  }
  Diagnosis d = RunIntrusive(SlowRankCase([](const std::string&) { return kQuiet; }, metrics));
  CHECK_FALSE(HostEvidence(d));
  CHECK(GemmRefutesStraggler(d));
  // The owner as a label of the series itself (a recording rule joined kube_pod_info's
  // created_by_kind in): the same.
  Json labelled = Json::array();
  for (const char* node : {"n-01", "n-02", "n-03", "n-04"}) {
    std::string pod = "llm-worker-";
    pod += node[3];
    labelled.push_back(Throttled(node, pod, "pytorch", 0.0));
    std::string shipper = "fluent-bit-";
    shipper += node[3];
    labelled.push_back(Counter("container_cpu_cfs_throttled_seconds_total",
                               {{"node", node}, {"namespace", "default"}, {"pod", shipper}, {"container", "fluent-bit"},
                                {"created_by_kind", "DaemonSet"}},
                               std::string(node) == "n-03" ? 0.8 : 0.0));
  }
  Diagnosis l = RunIntrusive(SlowRankCase([](const std::string&) { return kQuiet; }, labelled));
  CHECK_FALSE(HostEvidence(l));
  CHECK(GemmRefutesStraggler(l));
  // Guard: with no owner in the case, the same series still count (nothing tells them apart).
  Json unowned = Json::array();
  for (const Json& m : metrics) {
    if (m["name"] != "kube_pod_owner") unowned.push_back(m);
  }
  CHECK(HostEvidence(RunIntrusive(SlowRankCase([](const std::string&) { return kQuiet; }, unowned))));
}

bool ThrottleConditionHeld(const Diagnosis& d) {
  for (const Evidence& e : d.evidence) {
    // The pack's own condition (not FindHostCpuPressure's reading of the same series).
    if (e.detail.find("rate(container_cpu_cfs_throttled_seconds_total") != std::string::npos) return true;
  }
  return false;
}

TEST_CASE("node_exporter: a pod the case names (the launcher's, the exporter's) does not make the job's other pods' containers another's (RV-RG4)") {
  // The job's own container ("pytorch" in every worker pod) throttled on the slow node; the case
  // names a pod that holds no throttled container of the job: the MPIJob launcher's log source, or a
  // DCGM alert's `pod` label (the exporter's pod). 1c90fdc: the series' pod had to be one named, so
  // the worker's throttling was dropped from the pack's condition.
  Json own = Json::array();
  for (const char* node : {"n-01", "n-02", "n-03", "n-04"}) {
    std::string pod = "llm-worker-";
    pod += node[3];
    own.push_back(Throttled(node, pod, "pytorch", std::string(node) == "n-03" ? 0.8 : 0.0));
  }
  Json base = SlowRankCase([](const std::string&) { return kQuiet; }, own);
  CHECK(ThrottleConditionHeld(RunIntrusive(base)));
  Json launcher = base;
  launcher["logs"].push_back({{"source", "k8s/default/pod/llm-launcher/mpirun.log"}, {"lines", Json::array({"+ mpirun -np 32 python train.py"})}});
  CHECK(ThrottleConditionHeld(RunIntrusive(launcher)));
  Json one = base;  // one worker's log named; the throttled container is another worker's
  one["logs"].push_back({{"source", "k8s/default/pod/llm-worker-1/pytorch.log"}, {"lines", Json::array({"step 100"})}});
  CHECK(ThrottleConditionHeld(RunIntrusive(one)));
  Json exporter = base;
  exporter["alert"]["labels"]["pod"] = "dcgm-exporter-7x9k2";
  exporter["alert"]["labels"]["exported_pod"] = "llm-worker-1";
  CHECK(ThrottleConditionHeld(RunIntrusive(exporter)));
  // Guard: a named worker pod still rules out another pod's container (the log shipper's) on the node.
  Json shipper = Json::array();
  for (const char* node : {"n-01", "n-02", "n-03", "n-04"}) {
    std::string pod = "llm-worker-";
    pod += node[3];
    shipper.push_back(Throttled(node, pod, "pytorch", 0.0));
  }
  shipper.push_back(Throttled("n-03", "fluent-bit-x7k2p", "fluent-bit", 0.8));
  Json named = SlowRankCase([](const std::string&) { return kQuiet; }, shipper);
  named["logs"].push_back({{"source", "k8s/default/pod/llm-worker-3/pytorch.log"}, {"lines", Json::array({"step 100"})}});
  CHECK_FALSE(ThrottleConditionHeld(RunIntrusive(named)));
}

TEST_CASE("the fix follows the confirmed part: a slow rank a GEMM probe pins on its GPU gets the GPU's fix (RG4)") {
  // gpu.gemm fails on the slow rank's GPU (n-03/gpu2), every node's CPUs quiet: a slow GPU. Before,
  // the fix was the first straggler incident on file, the host's CPU contention one ("Kill stray
  // processes ...": DOG's C, realistic7 rl7-21).
  Json j = SlowRankCase([](const std::string&) { return kQuiet; });
  j["probes"]["gpu.gemm@n-03/gpu2"]["status"] = "fail";
  j["probes"]["gpu.gemm@n-03/gpu2"]["metrics"]["tflops"] = 531.0;
  j["probes"]["gpu.gemm@n-03/gpu2"]["reason"] = "tflops 531.0 below 650.0";
  Diagnosis d = RunIntrusive(j);
  CHECK(d.root_cause == "straggler_rank");
  CHECK(d.component == "n-03/gpu2");
  CHECK(d.mitigation.find("Kill stray processes") == std::string::npos);
  CHECK(d.mitigation.find("slow GPU") != std::string::npos);
}

TEST_CASE("the fix follows the evidence: a slow rank whose host's cores are taken, its GPU probe passing, gets the host's fix (RV-RG4)") {
  // The slow rank's node busy (its cores taken), gpu.gemm passing: the answer sits on the rank's GPU
  // (rank -> GPU) but nothing confirmed the GPU. b47586e: any GPU-placed answer took the slow-GPU
  // fix ('RMA a GPU ...'), also here (realistic6 rl6-21: another user's process at 4788 %).
  const Modes busy = {{"user", 0.90}, {"system", 0.07}, {"steal", 0.0}, {"iowait", 0.0}, {"idle", 0.03}};
  Diagnosis d = RunIntrusive(SlowRankCase([&](const std::string& node) { return node == "n-03" ? busy : kQuiet; }));
  REQUIRE(HostEvidence(d));
  CHECK(d.root_cause == "straggler_rank");
  CHECK(d.mitigation.find("Kill stray processes") != std::string::npos);
  // Probes whose failure the host causes as well pin no GPU: gpu.inventory's other process on the
  // GPU, gpu.kernel_launch's latency (the CPU's dispatch). a1b2c8b: either took the slow-GPU fix.
  Json j = SlowRankCase([&](const std::string& node) { return node == "n-03" ? busy : kQuiet; });
  j["probes"]["gpu.inventory@n-03/gpu2"] = {{"status", "fail"},
                                            {"metrics", {{"compute_processes", 2}}},
                                            {"thresholds", {{"compute_processes_max", 1}}},
                                            {"reason", "2 compute processes on the GPU (exclusive use expected)"},
                                            {"duration_s", 0.4}};
  j["probes"]["gpu.kernel_launch@n-03/gpu2"] = {{"status", "fail"},
                                                {"metrics", {{"launch_latency_us", 45.2}}},
                                                {"thresholds", {{"launch_latency_us_max", 20.0}}},
                                                {"reason", "launch_latency_us 45.2 above 20.0"},
                                                {"duration_s", 0.6}};
  Diagnosis shared = RunIntrusive(j);
  CHECK(shared.root_cause == "straggler_rank");
  CHECK(shared.mitigation.find("Kill stray processes") != std::string::npos);
}

TEST_CASE("launch counts: a hostfile's comments do not end the `cat` of it (RV-RG3)") {
  // All 4 hosts, 8 each, -n 32: the launch fits. Before: the block ended at "n-02:8  # ..." and
  // the hostfile read as n-01 alone ("asks for 1 node(s)").
  Diagnosis fit = Run(LaunchCase({"SLURM_JOB_NUM_NODES=4", "$ cat /home/u/hosts", "# rail order", "n-01:8",
                                  "n-02:8   # HCA swapped 11/28", "n-03:8", "n-04:8",
                                  "$ mpiexec -f /home/u/hosts -n 32 python train.py"}));
  CHECK(Mismatch(fit).empty());
  Diagnosis three = Run(LaunchCase({"SLURM_JOB_NUM_NODES=4", "$ cat /home/u/hosts", "n-01:8  # first", "n-02:8",
                                    "n-03:8 #last", "$ mpiexec -f /home/u/hosts -n 24 python train.py"}));
  CHECK(Mismatch(three).find("its hostfile lists 3 host(s)") != std::string::npos);
}

TEST_CASE("launch counts: a node's nvidia.com/gpu below a PyTorchJob's spec is not its pods' (RV-RG3)") {
  // The spec's pods have 4 GPUs and torchrun starts 8 a node; `kubectl describe node` after it shows
  // the node's 8 under Capacity. Before: the spec ran to the log's end, the GPUs read {4, 8} and the
  // per-node check was skipped (no mismatch).
  const Json lines = Json::array({"$ kubectl get pytorchjob llm -o yaml", "apiVersion: kubeflow.org/v1",
                                  "kind: PyTorchJob", "spec:", "  nprocPerNode: \"8\"", "  pytorchReplicaSpecs:",
                                  "    Master:", "      replicas: 1", "      template:", "        spec:",
                                  "          containers:", "          - name: pytorch", "            resources:",
                                  "              limits:", "                nvidia.com/gpu: 4", "    Worker:",
                                  "      replicas: 3", "$ kubectl describe node n-01", "Capacity:",
                                  "  cpu:                128", "  nvidia.com/gpu:     8", "Allocatable:",
                                  "  nvidia.com/gpu:     8"});
  Diagnosis d = Run(LaunchCase({}, Json::array({{{"source", "kubectl.txt"}, {"lines", lines}}})));
  CHECK(Mismatch(d).find("starts 8 process(es) per node on nodes allocated 4 GPU(s)") != std::string::npos);
}

}  // namespace
}  // namespace vigil
