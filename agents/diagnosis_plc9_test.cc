// PLC9 (2026-12-04): misses of realistic22 and their twins (evidence written for these tests, not
// copied from a case).
//   1. The flight recorder's analysis (`fr_trace`) of ranks in different ops at one collective ("rank 7
//      : nccl:broadcast" under "ranks 0-6 : nccl:all_reduce") is a collective mismatch
//      (collective_mismatch.h), and it alone opens nccl_collective_hang: a hang with a long NCCL
//      timeout prints no watchdog line.
//   2. A replica checker's partial agreement ("checksums agree on 15 of 16 replicas; rank 77 sha=...")
//      singles out that rank (rank_numerics.h): silent data corruption on its GPU.
//   3. `uniq -c` counts of every GPU of one node at a power limit below its default
//      (uniq_counts.h) make the power cap the node's, not the GPU one `nvidia-smi -q -i 0` showed.
//   4. A launch fault (`invalid device ordinal`) beside a line setting one node's GPU setup apart
//      (Slurm's GRES count, a MIG profile; node_gpu_config.h) is that node's, not the job's.
//   5. EDQUOT as other runtimes print it (Rust's io::Error "kind: FilesystemQuotaExceeded", Go's and
//      coreutils' ": disk quota exceeded") is the pack's quota signature (data/knowledge/pack/host.jsonl).
//   6. A responder's shell command (`$ grep -c 'OutOfMemoryError' slurm.out`) matches no signature
//      (GatherKnowledge, diagnosis_agent.cc): its pattern asks, its output answers.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/collective_mismatch.h"
#include "agents/diagnosis_testing.h"
#include "agents/logs_case_testing.h"
#include "agents/node_gpu_config.h"
#include "agents/rank_numerics.h"
#include "agents/uniq_counts.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

TEST_CASE("plc9: FindCollectiveMismatch reads fr_trace's per-rank ops of one collective") {
  auto m = FindCollectiveMismatch({"Collective 880 (pg 3 dp_group): not all ranks joined the same op",
                                   "  ranks 0-6   : nccl:all_reduce  input sizes [[1024]]  state scheduled",
                                   "  rank 7      : nccl:broadcast   input sizes [[4]]     state scheduled"});
  REQUIRE(m);
  CHECK(m->line_index == 2);
  CHECK(m->what.find("all_reduce") != std::string::npos);
  CHECK(m->what.find("broadcast") != std::string::npos);
  // Twins: upper-case op names with the sequence number on each line; fr_trace's error line.
  CHECK(FindCollectiveMismatch({"rank 3: BROADCAST seq 77", "ranks 0-2,4-7: ALLREDUCE seq 77"}));
  CHECK(FindCollectiveMismatch({"[fr] ranks [0, 1, 2] | gloo:all_gather", "[fr] ranks [3] | gloo:barrier"}));
  CHECK(FindCollectiveMismatch({"Culprit rank 3; Error type: COLLECTIVE_TYPE_MISMATCH, Expected collective type: "
                                "'nccl:all_reduce' does not match found collective type: 'nccl:all_gather'"}));
  // Near misses: one op in different states (a rank behind, no mismatch); two ops at different
  // sequence numbers; two ops in separate blocks; a rank's state named with no op.
  CHECK_FALSE(FindCollectiveMismatch({"  ranks 0-6 : nccl:all_reduce state completed",
                                      "  rank 7    : nccl:all_reduce state scheduled"}));
  CHECK_FALSE(FindCollectiveMismatch({"rank 0: ALLGATHER seq 5120", "rank 1: ALLREDUCE seq 5121"}));
  CHECK_FALSE(FindCollectiveMismatch({"ranks 0-6 : nccl:all_reduce", "last completed: 5120", "rank 7 : nccl:broadcast"}));
  CHECK_FALSE(FindCollectiveMismatch({"rank 0: running", "rank 1: waiting"}));
}

// A job stuck with no watchdog line (the NCCL timeout set to hours); the engineer blames storage;
// the flight recorder's analysis shows rank 0 in another op than the rest.
Json FrTraceCase(const std::string& rank0_op) {
  return Case("t-plc9-frtrace", {"qb-01", "qb-02", "qb-03", "qb-04"},
              Json::array({Log("#oncall (Slack)", {"run 8812 frozen for an hour at the eval step, nothing in the logs, "
                                                   "GPUs all busy. eval dumps to /nfs - storage hanging again?"}),
                           Log("fr_trace /scratch/8812/fr (abridged)",
                               {"Loaded 32 trace files, 32 ranks",
                                "Collective 977 (pg 0 default_pg): not all ranks joined the same op",
                                "  rank 0        : nccl:" + rank0_op + "  input sizes [[1]]  state scheduled",
                                "  ranks 1-31    : nccl:all_reduce  input sizes [[8388608]]  state scheduled",
                                "  last completed collective on all ranks: 976 nccl:all_reduce"})}));
}

TEST_CASE("plc9: fr_trace's ranks in two ops is the job's hang with no watchdog line") {
  // Before (3a62aca): unknown (the mismatch was read only under a watchdog line; none here).
  CHECK(testing::CaseAnswer(FrTraceCase("broadcast")) == "nccl_collective_hang @ job");
  // Near miss: every rank in the same op is no mismatch; the guess is not made a hang by it.
  CHECK(testing::CaseAnswer(FrTraceCase("all_reduce")).rfind("nccl_collective_hang", 0) != 0);
}

TEST_CASE("plc9: FindOneRankNumerics reads a replica checker's partial agreement") {
  auto r = FindOneRankNumerics(
      {"[12:00:01] replica_check step 100: shard 2: checksums agree on 15 of 16 replicas; rank 77 sha=ab12 others sha=cd34",
       "[12:30:01] replica_check step 200: shard 2: checksums agree on 15 of 16 replicas; rank 77 sha=ee01 others sha=9f00"});
  REQUIRE(r);
  CHECK(r->rank == 77);
  // Twins: "7/8 replicas match", "identical on 3 out of 4".
  r = FindOneRankNumerics({"param hash: 7/8 replicas match, rank 45 hash=0a1b", "param hash: 7/8 replicas match, rank 45 hash=77c1"});
  REQUIRE(r);
  CHECK(r->rank == 45);
  r = FindOneRankNumerics({"weights checksum identical on 3 out of 4 replicas; odd one rank 9 sha=1",
                           "weights checksum identical on 3 out of 4 replicas; odd one rank 9 sha=2"});
  REQUIRE(r);
  CHECK(r->rank == 9);
  // Near misses: every replica agrees; a count of agreeing steps, not of replicas.
  CHECK_FALSE(FindOneRankNumerics({"checksums agree on 16 of 16 replicas; rank 77 sha=ab12",
                                   "checksums agree on 16 of 16 replicas; rank 77 sha=ab12"}));
  CHECK_FALSE(FindOneRankNumerics({"rank 77: checksums agree on 3 of 4 steps checked so far",
                                   "rank 77: checksums agree on 3 of 4 steps checked so far"}));
}

TEST_CASE("plc9: a replica checker's odd rank is that rank's GPU") {
  Json c = Case("t-plc9-replica", {"qc-01", "qc-02", "qc-03", "qc-04"},
                Json::array({Log("#oncall (Slack)", {"replica checker keeps complaining on the 32-GPU run, "
                                                     "nondeterministic kernels? can we disable it?"}),
                             Log("train.log (grep replica_check)",
                                 {"[2026-12-04 01:00:00] replica_check step 9000: shard 3: checksums agree on 3 of 4 "
                                  "replicas; rank 19 sha=11aa others sha=22bb (ranks 3,11,27)",
                                  "[2026-12-04 01:00:00] replica_check step 9000: shards 0-2,4-7: 4 of 4 agree",
                                  "[2026-12-04 02:00:00] replica_check step 9500: shard 3: checksums agree on 3 of 4 "
                                  "replicas; rank 19 sha=33cc others sha=44dd (ranks 3,11,27)"})}));
  // Before (3a62aca): unknown (no disagreement word in the checker's lines).
  CHECK(testing::CaseAnswer(c) == "gpu_silent_data_corruption @ qc-03/gpu3");
}

TEST_CASE("plc9: UniqCountRows reads uniq -c rows, with and without pdsh's host prefix") {
  auto rows = UniqCountRows({"gpu-f03:       8 700.00 W, 61", "gpu-f04:       8 400.00 W, 49", "      3 550.00 W",
                             "not a count row", "gpu-f05: 8"});
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].host == "gpu-f03");
  CHECK(rows[0].count == 8);
  CHECK(rows[1].value == "400.00 W, 49");
  CHECK(rows[1].line == 1);
  CHECK(rows[2].host.empty());
  CHECK(rows[2].count == 3);
  CHECK(rows[2].value == "550.00 W");
}

// Four nodes; every rank of qd-03 slow; `nvidia-smi -q -d POWER -i 0` on qd-03; then the per-node
// `uniq -c` of the power limits (`counts`).
Json PowerCapCase(const std::string& counts_source, const std::vector<std::string>& counts) {
  return Case("t-plc9-powercap", {"qd-01", "qd-02", "qd-03", "qd-04"},
              Json::array({Log("#oncall (Slack)", {"all of qd-03's ranks are 25% slower, temps are fine. ideas?"}),
                           Log("ssh qd-03 nvidia-smi -q -d POWER -i 0",
                               {"        Current Power Limit               : 450.00 W",
                                "        Default Power Limit               : 700.00 W", "        SW Power Cap          : Active"}),
                           Log(counts_source, counts)}));
}

TEST_CASE("plc9: every GPU of one node at the low power limit is the node's power cap") {
  const std::string pdsh = "pdsh -w qd-0[1-4] 'nvidia-smi --query-gpu=power.limit --format=csv,noheader | sort | uniq -c'";
  // Before: gpu_power_throttle @ qd-03/gpu0 (the GPU `-i 0` showed).
  CHECK(testing::CaseAnswer(PowerCapCase(pdsh, {"qd-01:       8 700.00 W", "qd-02:       8 700.00 W",
                                                "qd-03:       8 450.00 W", "qd-04:       8 700.00 W"})) ==
        "gpu_power_throttle @ qd-03");
  // Twin: one node's own uniq -c (no host prefix; the node from the command).
  CHECK(testing::CaseAnswer(PowerCapCase("ssh qd-03 'nvidia-smi --query-gpu=power.limit --format=csv,noheader | uniq -c'",
                                         {"      8 450.00 W"})) == "gpu_power_throttle @ qd-03");
  // Near miss: one GPU of qd-03 at the low limit, seven at the default: that GPU's.
  CHECK(testing::CaseAnswer(PowerCapCase(pdsh, {"qd-01:       8 700.00 W", "qd-02:       8 700.00 W",
                                                "qd-03:       1 450.00 W", "qd-03:       7 700.00 W",
                                                "qd-04:       8 700.00 W"})) == "gpu_power_throttle @ qd-03/gpu0");
}

TEST_CASE("plc9: IsNodeGpuConfigLine reads GRES count and MIG profile lines") {
  CHECK(IsNodeGpuConfigLine("Jan 09 02:11:40 qe-04 slurmd[881]: error: gres/gpu: _parse_gres_config: Count (8) does not "
                            "match the number of files (6) for NodeName=qe-04"));
  CHECK(IsNodeGpuConfigLine("gres/gpu count reported lower than configured (6  slurm  2027-01-09T02:11:41 qe-04"));
  CHECK(IsNodeGpuConfigLine("qf-02   Ready    <none>   12d   v1.30.2   all-2g.35gb     success"));
  CHECK(IsNodeGpuConfigLine("node/qf-02 labeled nvidia.com/mig.config=all-3g.71gb"));
  // Near misses: MIG disabled; a GRES line with no count problem; a MIG device listed by nvidia-smi.
  CHECK_FALSE(IsNodeGpuConfigLine("qf-01   Ready    <none>   12d   v1.30.2   all-disabled    success"));
  CHECK_FALSE(IsNodeGpuConfigLine("slurmd[881]: gres/gpu: state for qe-04 loaded, 8 devices"));
  CHECK_FALSE(IsNodeGpuConfigLine("  MIG 1g.18gb     Device  0: (UUID: MIG-4a7e1c03)"));
}

// Ranks 24-27 (qe-04 by the layout) fail `invalid device ordinal`; `config` is the rest of the paste.
Json GresCase(const std::vector<std::string>& config) {
  return Case("t-plc9-gres", {"qe-01", "qe-02", "qe-03", "qe-04"},
              Json::array({Log("#oncall (Slack)", {"rolled the new gres.conf out last night, now jobs die at start on the q pool"}),
                           Log("slurm-5531.out", {"24: [rank24]: RuntimeError: CUDA error: invalid device ordinal",
                                                  "25: [rank25]: RuntimeError: CUDA error: invalid device ordinal",
                                                  "27: [rank27]: RuntimeError: CUDA error: invalid device ordinal",
                                                  "srun: error: qe-04: tasks 24-27: Exited with exit code 1"}),
                           Log("sinfo -R", config)}));
}

TEST_CASE("plc9: a node's GRES count below its configuration is that node's launch fault") {
  // Before (3a62aca): launch_config_error @ job.
  CHECK(testing::CaseAnswer(GresCase({"REASON                                    USER   TIMESTAMP            NODELIST",
                                      "gres/gpu count reported lower than configured (6  slurm  2027-01-09T02:11:41 qe-04"})) ==
        "launch_config_error @ qe-04");
  // Near miss: the drain reason is another (a reboot): the job's launch.
  CHECK(testing::CaseAnswer(GresCase({"REASON                                    USER   TIMESTAMP            NODELIST",
                                      "reboot requested                          root   2027-01-09T02:11:41 qe-02"})) ==
        "launch_config_error @ job");
}

// qf-02's pod log: local ranks fail `invalid device ordinal`; `rows` the nodes' MIG labels.
Json MigCase(const std::vector<std::string>& rows) {
  std::vector<std::string> lines = {"NAME    STATUS   ROLES    AGE   VERSION   MIG.CONFIG      MIG.CONFIG.STATE"};
  lines.insert(lines.end(), rows.begin(), rows.end());
  return Case("t-plc9-mig", {"qf-01", "qf-02", "qf-03", "qf-04"},
              Json::array({Log("kubectl logs -n ml trainer-worker-1",
                               {"[2027-01-09 03:00:01] torchrun: nproc_per_node=8, node_rank=1",
                                "[rank10]: torch.AcceleratorError: CUDA error: invalid device ordinal",
                                "[rank13]: torch.AcceleratorError: CUDA error: invalid device ordinal"}),
                           Log("kubectl get nodes -L nvidia.com/mig.config,nvidia.com/mig.config.state", lines)}));
}

TEST_CASE("plc9: a MIG profile on the failing ranks' node is that node's launch fault") {
  // Before (3a62aca): launch_config_error @ job.
  CHECK(testing::CaseAnswer(MigCase({"qf-01   Ready    <none>   12d   v1.30.2   all-disabled    success",
                                     "qf-02   Ready    <none>   12d   v1.30.2   all-2g.35gb     success"})) ==
        "launch_config_error @ qf-02");
  // Near miss: MIG disabled on every node: the job's launch.
  CHECK(testing::CaseAnswer(MigCase({"qf-01   Ready    <none>   12d   v1.30.2   all-disabled    success",
                                     "qf-02   Ready    <none>   12d   v1.30.2   all-disabled    success"})) ==
        "launch_config_error @ job");
}

// Rank 0 fails saving a checkpoint under Lustre with `error`; the other ranks' barrier then times out.
Json QuotaCase(const std::string& error, const std::string& dir = "/lustre/team", const std::vector<std::string>& ops = {},
               const std::vector<std::string>& frames = {}) {
  std::vector<std::string> train = {"Saving model checkpoint to " + dir + "/run7/checkpoint-800"};
  train.insert(train.end(), frames.begin(), frames.end());
  train.push_back("[rank0]: " + error);
  train.push_back("[rank5]:[E1203 12:44:17.920114 88120 ProcessGroupNCCL.cpp:616] [Rank 5] Watchdog caught collective "
                  "operation timeout: WorkNCCL(SeqNum=9001, OpType=BARRIER, NumelIn=1, NumelOut=1, "
                  "Timeout(ms)=1800000) ran for 1800044 milliseconds before timing out.");
  train.push_back("[rank12]:[E1203 12:44:17.921770 71004 ProcessGroupNCCL.cpp:616] [Rank 12] Watchdog caught collective "
                  "operation timeout: WorkNCCL(SeqNum=9001, OpType=BARRIER, NumelIn=1, NumelOut=1, "
                  "Timeout(ms)=1800000) ran for 1800046 milliseconds before timing out");
  return Case("t-plc9-quota", {"qg-01", "qg-02"},
              Json::array({Log("ops/shell", ops.empty() ? std::vector<std::string>{"$ date", "Thu Dec  3 12:50:02 UTC 2026"} : ops),
                           Log("qg-01/train.log", train)}));
}

TEST_CASE("plc9: a quota exceeded in Rust's and coreutils' wording is the storage's, not the barrier's hang") {
  // Before (3a62aca): nccl_collective_hang @ job (only Python's "[Errno 122]" wording was a signature).
  CHECK(testing::CaseAnswer(QuotaCase("safetensors_rust.SafetensorError: Error while serializing: IoError(Os { code: 122, "
                                      "kind: FilesystemQuotaExceeded, message: \"Disk quota exceeded\" })")) ==
        "storage_failure @ job");
  CHECK(testing::CaseAnswer(QuotaCase("cp: error writing '/lustre/team/run7/checkpoint-800/optimizer.pt': Disk quota exceeded")) ==
        "storage_failure @ job");
  // Twin: the path is not Lustre's by name; `lfs quota` run on its mount says it is (the job's).
  const std::string rust = "IoError(Os { code: 122, kind: FilesystemQuotaExceeded, message: \"Disk quota exceeded\" })";
  CHECK(testing::CaseAnswer(QuotaCase(rust, "/scratch/proj",
                                      {"$ lfs quota -h -p 77 /scratch", "Disk quotas for prj 77 (pid 77):",
                                       "     Filesystem    used   quota   limit   grace   files   quota   limit   grace",
                                       "       /scratch  12.00T*    10T     12T  6d23h  0.91M       0       0       -"})) ==
        "storage_failure @ job");
  // The same with the traceback's frames above the error: their paths are the code's, not the write's.
  CHECK(testing::CaseAnswer(QuotaCase(rust, "/scratch/proj",
                                      {"$ lfs quota -h -p 77 /scratch",
                                       "       /scratch  12.00T*    10T     12T  6d23h  0.91M       0       0       -"},
                                      {"[rank0]: Traceback (most recent call last):",
                                       "[rank0]:   File \"/opt/venv/lib/python3.11/site-packages/trainer/save.py\", line 88, in save",
                                       "[rank0]:     write_shards(tensors, path)"})) == "storage_failure @ job");
  // Near miss: nothing says what /scratch is: the node of the rank that wrote.
  CHECK(testing::CaseAnswer(QuotaCase(rust, "/scratch/proj")).rfind("storage_failure @ qg-01", 0) == 0);
  // Near miss: a quota mentioned with no error: the barrier's hang.
  CHECK(testing::CaseAnswer(QuotaCase("checkpoint-800: 3 of 8 shards written (quota 18T, used 12T)")) ==
        "nccl_collective_hang @ job");
}

Json CommandCase(const std::string& line) {
  return Case("t-plc9-command", {"qh-01", "qh-02"}, Json::array({Log("ops/notes", {line})}));
}

TEST_CASE("plc9: a shell command's grep pattern is no signature match") {
  // Before (3a62aca): cuda_oom (the pattern's word matched the OOM signature).
  CHECK(testing::CaseAnswer(CommandCase("$ grep -c 'OutOfMemoryError' slurm-77.out")).rfind("cuda_oom", 0) != 0);
  CHECK(testing::CaseAnswer(CommandCase("ops@qh-01:~$ grep -n OutOfMemoryError /var/log/train/rank3.log | head -1"))
            .rfind("cuda_oom", 0) != 0);
  // Near miss: the error as a line prints it (grep's output) is read.
  CHECK(testing::CaseAnswer(CommandCase("rank3.log:812: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB"))
            .rfind("cuda_oom", 0) == 0);
}

}  // namespace
}  // namespace vigil
