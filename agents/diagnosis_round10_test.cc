// Round-10 tests of the built-in reasoner: generalising on the failure classes blind sets missed —
// where a failed rank ran (torchrun's failure report names its host), which port an IB link
// failure is on (a port's own evidence over the peers' completion-error reports; the odd HCA of a
// per-HCA probe reading).
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_testing.h"

namespace vigil {
namespace {

using testing::FactsMatching;

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
  // No local rank printed: kept with the rank alone.
  f = FindTorchrunFailures({"[0]:", "rank: 3"});
  REQUIRE(f.size() == 1);
  CHECK(f[0].rank == 3);
  CHECK(f[0].local_rank == -1);
  CHECK(f[0].host.empty());
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

// Three nodes; ranks on ib-a and ib-c print NCCL's completion error naming a peer, ib-b's kernel
// says its mlx5_2 port went down.
Json IbCase(bool port_line) {
  Json j = ParseJson(R"JSON({
    "id": "t-ib",
    "alert": {"labels": {"alertname": "NCCLError", "job": "llm", "node": "ib-a"},
              "annotations": {"summary": "NCCL network error"}, "startsAt": "2026-08-10T03:10:00Z"},
    "logs": [], "metrics": [], "expected": {"root_cause": "ib_link_failure", "component": "ib-b/mlx5_2"}
  })JSON").value();
  j["logs"].push_back(
      {{"source", "job/llm/stderr"},
       {"lines", Json::array({"ib-a:62659:63270 [5] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer "
                              "10.44.9.21<41883> with error 12, opcode 0, len 0, vendor err 129 (Recv)",
                              "[rank5]: ncclRemoteError: A call failed possibly due to a network error or a remote process "
                              "exiting prematurely.",
                              "ib-c:84990:85601 [5] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer "
                              "10.44.9.21<41883> with error 12, opcode 0, len 0, vendor err 129 (Recv)"})}});
  Json journal = Json::array({"Aug 10 03:01:10 ib-b kernel: mlx5_core 0000:3f:00.0: systemd-logind: New session 4 of user slurm"});
  // Undated like the reports: the two reports are the first (heavier) signature group.
  if (port_line) journal.push_back("ibmon[2233]: ib-b mlx5_2 port 1: State: Down (link_downed +2)");
  j["logs"].push_back({{"source", "ib-b/journal"}, {"lines", journal}});
  for (const char* node : {"ib-a", "ib-b", "ib-c"}) {  // the nodes the case knows, by their telemetry
    j["metrics"].push_back({{"name", "node_infiniband_port_data_received_bytes_total"},
                            {"labels", {{"instance", node}, {"device", "mlx5_0"}, {"port", "1"}}},
                            {"samples", Json::array({Json::array({1786331000000, 1e9}), Json::array({1786331030000, 2e9})})}});
  }
  return j;
}

TEST_CASE("round 10: an IB link failure is at the port whose own evidence shows it, not at the peers that report it") {
  std::map<std::string, std::string> layers = {{"ib_link_failure", "network"}, {"rank_process_crash", "application"}};
  std::vector<std::pair<std::string, std::string>> sigs = {{"Got completion from peer", "ib_link_failure"},
                                                           {"State: Down", "ib_link_failure"}};
  Diagnosis d = Diagnose(IbCase(true), sigs, layers);
  CHECK(d.root_cause == "ib_link_failure");
  CHECK(d.component == "ib-b/mlx5_2");
  // Only the peers' reports: the reporter's node is all there is (the baseline).
  d = Diagnose(IbCase(false), sigs, layers);
  CHECK(d.root_cause == "ib_link_failure");
  CHECK(d.component == "ib-a");
}

TEST_CASE("round 10: a per-HCA probe reading names the one HCA far below the others") {
  Json d = ParseJson(R"({"per_hca_busbw_gb_s": {"mlx5_0": 47.9, "mlx5_3": 11.8, "mlx5_4": 48.3, "mlx5_5": 48.0}})").value();
  CHECK(OddHcaInDetails(d) == "mlx5_3");
  // Two low: the others do not agree on one odd port.
  d["per_hca_busbw_gb_s"]["mlx5_4"] = 12.0;
  CHECK(OddHcaInDetails(d).empty());
  // All within a few percent: none.
  CHECK(OddHcaInDetails(ParseJson(R"({"per_hca_busbw_gb_s": {"mlx5_0": 47.9, "mlx5_1": 45.0, "mlx5_2": 48.3}})").value()).empty());
  // Too few to compare, not a per-HCA table, not HCA names: none.
  CHECK(OddHcaInDetails(ParseJson(R"({"per_hca_busbw_gb_s": {"mlx5_0": 47.9, "mlx5_1": 5.0}})").value()).empty());
  CHECK(OddHcaInDetails(ParseJson(R"({"per_gpu_busbw_gb_s": {"mlx5_0": 47.9, "mlx5_1": 5.0, "mlx5_2": 48}})").value()).empty());
  CHECK(OddHcaInDetails(ParseJson(R"({"per_hca_busbw_gb_s": {"a": 47.9, "b": 5.0, "c": 48}})").value()).empty());
  CHECK(OddHcaInDetails(Json()).empty());

  // End to end: a failed send/recv test on the node, read per HCA, names the port.
  Json j = IbCase(false);
  j["logs"][0]["lines"] = Json::array({"ib-b:62659:63270 [5] NCCL WARN NET/IB : Got completion from peer 10.44.9.3<41883> with "
                                       "error 12, opcode 0, len 0, vendor err 129 (Recv)",
                                       "[rank5]: ncclRemoteError: A call failed possibly due to a network error or a remote "
                                       "process exiting prematurely."});
  auto c = ParseCase(j, "t.json");
  REQUIRE(c.ok());
  testing::RecordedExecutor exec;
  ProbeResult r = MakeProbeResult("nccl.sendrecv", "ib-b", ProbeStatus::kFail, "busbw_gb_s 11.8 below 150.0", 5.8);
  r.details = ParseJson(R"({"per_hca_busbw_gb_s": {"mlx5_0": 47.9, "mlx5_3": 11.8, "mlx5_4": 48.3, "mlx5_5": 48.0}})").value();
  exec.results["nccl.sendrecv@ib-b"] = r;
  ReasonerOptions opts;
  opts.allow_intrusive = true;  // NCCL tests load the fabric: intrusive
  Diagnosis dd = BuiltinReasoner(opts)
                     .Diagnose(*c, FactsMatching(*c, {{"Got completion from peer", "ib_link_failure"}},
                                                 {{"ib_link_failure", "network"}, {"nvlink_error", "nvlink_pcie"}}),
                               &exec)
                     .diagnosis;
  REQUIRE(exec.asked.count("nccl.sendrecv@ib-b"));
  CHECK(dd.root_cause == "ib_link_failure");
  CHECK(dd.component == "ib-b/mlx5_3");
}

TEST_CASE("round 10: storage scope reads the case's mount table and, for a pathless error, its other storage lines") {
  std::vector<std::string> enospc = {
      "OSError: [Errno 28] No space left on device: '/mnt/ckpt/llama/iter_0024000/__3_0.distcp'"};
  // The failed path lies under a network export's mount point (df of the mount).
  std::vector<std::string> df = {"$ df -h /mnt/ckpt", "Filesystem                     Size  Used Avail Use% Mounted on",
                                 "10.9.0.5:/export/ckpt          200T  200T     0 100% /mnt/ckpt"};
  CHECK(StorageIsShared(enospc, df));
  CHECK_FALSE(NamesSharedStorage(enospc));  // the evidence alone names no shared file system
  // A local device at that mount point, or an export of another path: the node's.
  CHECK_FALSE(StorageIsShared(enospc, {"/dev/nvme0n1p1   3.5T  3.5T     0 100% /mnt/ckpt"}));
  CHECK_FALSE(StorageIsShared(enospc, {"10.9.0.5:/export/data  200T  12T  188T  6% /mnt/data"}));
  // A quota report on an NFS export ("nfs01:/home") covers a path under /home.
  CHECK(StorageIsShared({"OSError: [Errno 122] Disk quota exceeded: '/home/team/ckpt/step_2/model.safetensors'"},
                        {"  nfs01:/home   20.0T*  20.0T   20.0T  none    88120"}));
  // A pathless ENOSPC: the case's Lustre OST line decides; a local scratch line keeps the node.
  std::vector<std::string> bare = {"[rank0]: OSError: [Errno 28] No space left on device"};
  CHECK(StorageIsShared(bare, {"kernel: Lustre: proj-OST0012-osc-ffff9c1a: 0 free inodes / 1.2 GiB free; filesystem nearly full"}));
  CHECK_FALSE(StorageIsShared(bare, {"kernel: EXT4-fs warning (device nvme1n1p1): ext4_dx_add_entry: Directory index full!"}));
  CHECK_FALSE(StorageIsShared(bare, {}));
  // An eviction among the evidence keeps the node; the evidence's own path on a local disk is
  // not overridden by a shared line elsewhere in the case.
  CHECK_FALSE(StorageIsShared({"LustreError: 167-0: scratch-OST0012-osc: This client was evicted by scratch-OST0012"},
                              {"kernel: Lustre: scratch-OST0012 nearly full"}));
  CHECK_FALSE(StorageIsShared({"OSError: [Errno 28] No space left on device: '/local/scratch/cache/x.bin'"},
                              {"kernel: Lustre: proj-OST0012-osc: filesystem nearly full"}));
  // A URL is no export.
  CHECK_FALSE(StorageIsShared(enospc, {"see https://mnt/ckpt for details"}));
}

TEST_CASE("round 10: the storage scope over StorageLines of a case equals it over all the case's lines") {
  std::vector<std::string> noise = {"step 100 loss 2.01 step_time 0.91s", "WARNING: Logging before flag parsing",
                                    "see https://mnt/ckpt for details"};
  std::vector<std::vector<std::string>> cases = {
      {"10.9.0.5:/export/ckpt          200T  200T     0 100% /mnt/ckpt"},
      {"/dev/nvme0n1p1   3.5T  3.5T     0 100% /mnt/ckpt"},
      {"  nfs01:/home   20.0T*  20.0T   20.0T  none    88120"},
      {"kernel: Lustre: proj-OST0012-osc-ffff9c1a: 0 free inodes / 1.2 GiB free; filesystem nearly full"},
      {"kernel: Lustre: proj-OST0012-osc: nearly full", "LustreError: This client was evicted by proj-OST0012"},
      {"kernel: EXT4-fs warning (device nvme1n1p1): ext4_dx_add_entry: Directory index full!",
       "kernel: Lustre: proj-OST0012-osc: nearly full"},
      {}};
  std::vector<std::vector<std::string>> evidence = {
      {"OSError: [Errno 28] No space left on device: '/mnt/ckpt/llama/iter_0024000/__3_0.distcp'"},
      {"OSError: [Errno 122] Disk quota exceeded: '/home/team/ckpt/step_2/model.safetensors'"},
      {"[rank0]: OSError: [Errno 28] No space left on device"}};
  int shared = 0;
  for (std::vector<std::string> lines : cases) {
    size_t storage = lines.size();
    lines.insert(lines.begin(), noise.begin(), noise.end());
    std::vector<std::string> kept = StorageLines(lines);
    CHECK(kept.size() == storage);  // the noise is dropped, every storage line kept
    for (const auto& e : evidence) {
      CAPTURE(lines);
      CAPTURE(e);
      CHECK(StorageIsShared(e, kept) == StorageIsShared(e, lines));
      shared += StorageIsShared(e, lines);
    }
  }
  CHECK(shared >= 3);  // the comparison covers both answers
}

}  // namespace
}  // namespace vigil
