// PLC11 (2026-12-04): the session's open misses, each read by a general rule - evidence written for
// these tests, not copied from a case.
//   1. An MoE router statistic naming its busiest expert ("max/mean = 17.5 (expert 50, ...)"), the
//      parallel sizes printed on one line ("arguments: num_experts=64 expert_model_parallel_size=16",
//      "Namespace(...)", Megatron's flags), and an OOM line that prints no time after a skewed reading
//      in the same log: the OOM on the rank holding the hot expert is the collapse's symptom.
//   2. One rank's own exception of the training code in its stderr, its peers' IB completion errors
//      (retry exceeded, status 12) in the job's output: the rank left, its queue pairs vanished - the
//      crash on that rank's GPU, not a link (rank_exit.h, FindRankExitBeforePeerErrors).
//   3. An InfiniBand error counter exported as one series with the error's kind in a label
//      (`node_infiniband_port_errors_total{error="symbol"}`) is read as the pack's named counter.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "agents/logs_case_testing.h"
#include "agents/moe_router_stats.h"
#include "agents/rank_exit.h"

namespace vigil {
namespace {

using testing::CaseAnswer;
using testing::Log;

// An MoE job on 4 nodes (32 ranks): `args` the argument line, router statistics naming `hot` as the
// busiest expert at 12.0x its share (`ratio`), then rank `oom_rank`'s OOM (no time printed), placed
// before the statistics when `oom_first`.
Json MoeOomCase(const std::string& args, int hot, const std::string& ratio, int oom_rank, bool oom_first = false) {
  std::vector<std::string> lines = {"0: [2026-05-02 09:00:05] " + args};
  for (int i = 0; i < 4; ++i) {
    lines.push_back("0:  [2026-05-02 09:" + std::to_string(10 + i) + ":00] iteration " + std::to_string(8100 + 50 * i) +
                    "/ 90000 | elapsed time per iteration (ms): " + std::to_string(4100 + 300 * i) + ".0 | lm loss: 2.1E+00 |");
  }
  std::vector<std::string> stats;
  for (int layer : {4, 6, 8}) {
    stats.push_back("0: [2026-05-02 09:15:10] router stats layer " + std::to_string(layer) +
                    ": tokens per expert max/mean = " + ratio + " (expert " + std::to_string(hot) +
                    ", 38.1% of routed tokens); min expert 0.2%");
  }
  const std::string r = std::to_string(oom_rank);
  std::vector<std::string> oom = {
      r + ": [rank" + r + "]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 18.50 GiB. GPU " +
          std::to_string(oom_rank % 8) + " has a total capacity of 79.10 GiB of which 6.02 GiB is free.",
      r + ": [rank" + r + "]:   File \"/opt/megatron/core/transformer/moe/experts.py\", line 190, in forward"};
  if (oom_first) {
    lines.insert(lines.end(), oom.begin(), oom.end());
    lines.insert(lines.end(), stats.begin(), stats.end());
  } else {
    lines.insert(lines.end(), stats.begin(), stats.end());
    lines.insert(lines.end(), oom.begin(), oom.end());
  }
  lines.push_back("5: [rank5]:[E0502 09:27:40.120 ProcessGroupNCCL.cpp:632] [Rank 5] Watchdog caught collective operation "
                  "timeout: WorkNCCL(SeqNum=402211, OpType=ALLTOALL_BASE, Timeout(ms)=600000) ran for 600114 milliseconds before timing out.");
  lines.push_back("srun: error: moe-n0" + std::to_string(oom_rank / 8 + 1) + ": task " + r + ": Exited with exit code 1");
  return testing::Case("plc11-moe", {"moe-n01", "moe-n02", "moe-n03", "moe-n04"},
                       Json::array({Log("slurm-55120.out", lines)}));
}

// A job on 4 nodes (rank r on nodes[r / 8], GPU r % 8): rank 21's stderr with `exception` at the end of
// its traceback and srun's exit line, and the job's output with peers' IB completion errors naming
// one remote address.
Json PeerErrorsCase(const std::string& exception) {
  Json own = Log("ib-c03/rank21/stderr",
                 {"[rank21]: Traceback (most recent call last):",
                  "[rank21]:   File \"/srv/train/data/packed.py\", line 88, in __next__",
                  "[rank21]:     sample = self._shards[self._cursor]",
                  "[rank21]: " + exception, "srun: error: ib-c03: task 21: Exited with exit code 1"});
  std::vector<std::string> out;
  for (int i = 0; i < 6; ++i) {
    out.push_back("[2026-03-11 02:1" + std::to_string(i) + ":00] iteration " + std::to_string(4000 + i) +
                  " | elapsed time per iteration (ms): 2710.4 | lm loss: 2.41E+00");
  }
  out.push_back("ib-c01:21711:21790 [2] NCCL WARN NET/IB : Got completion from peer 10.20.3.21<51544> with status=IBV_WC_RETRY_EXC_ERR(12) "
                "opcode=RDMA_WRITE(0) len=131072 vendor_err=129 (Send) hca mlx5_2");
  out.push_back("ib-c04:9001:9120 [5] NCCL WARN NET/IB : Got completion from peer 10.20.3.21<51544> with status=IBV_WC_RETRY_EXC_ERR(12) "
                "opcode=RDMA_WRITE(0) len=131072 vendor_err=129 (Send) hca mlx5_5");
  out.push_back("ib-c02:4410:4480 [0] NCCL WARN NET/IB : Got completion from peer 10.20.3.21<51544> with status=IBV_WC_RETRY_EXC_ERR(12) "
                "opcode=RDMA_WRITE(0) len=131072 vendor_err=129 (Send) hca mlx5_0");
  return testing::Case("plc11-peer-errors", {"ib-c01", "ib-c02", "ib-c03", "ib-c04"},
                       Json::array({Log("ib-c01/slurm.out", out), own}));
}

// An alert-and-metrics case on 2 nodes: `name`{`key`=`kind`} per HCA, mlx5_1 of ib-b2 rising from
// 100 to ~10,000 over 20 minutes, the others flat at 2.
Json IbErrorKindCase(const std::string& name, const std::string& key, const std::string& kind) {
  Json metrics = Json::array();
  const int64_t t0 = 1788000000000;
  for (const char* node : {"ib-b1", "ib-b2"}) {
    for (const char* dev : {"mlx5_0", "mlx5_1"}) {
      const bool bad = std::string(node) == "ib-b2" && std::string(dev) == "mlx5_1";
      Json samples = Json::array();
      for (int i = 0; i <= 40; ++i) samples.push_back(Json::array({t0 + 30000LL * i, bad ? 100 + 250 * i : 2}));
      metrics.push_back({{"name", name},
                         {"labels", {{"instance", node}, {"device", dev}, {"port", "1"}, {key, kind}}},
                         {"samples", std::move(samples)}});
    }
  }
  Json j = Json::object();
  j["id"] = "plc11-ib-kind";
  j["alert"] = {{"labels", {{"alertname", "NCCLBusBandwidthLow"}, {"job", "pretrain-7b"}}},
                {"annotations", {{"summary", "pretrain-7b all-reduce bus bandwidth is low"}}},
                {"startsAt", "2026-08-29T11:00:00Z"}};
  j["logs"] = Json::array();
  j["metrics"] = std::move(metrics);
  j["probes"] = Json::object();
  j["topology"] = {{"nodes", Json::array({"ib-b1", "ib-b2"})}, {"gpus_per_node", 8}};
  return j;
}

}  // namespace

TEST_CASE("plc11: an IB error counter with its kind in a label is read as the named counter") {
  // dc8fe134: no IB evidence from it (the pack names node_infiniband_symbol_error_total).
  Diagnosis d = testing::RunJsonWithPack(IbErrorKindCase("node_infiniband_port_errors_total", "error", "symbol"));
  CHECK(d.root_cause == "ib_link_failure");
  CHECK(d.component == "ib-b2/mlx5_1");
  // Twins: the kind under `type`, written as the counter's name in perfquery ("SymbolErrorCounter").
  d = testing::RunJsonWithPack(IbErrorKindCase("node_infiniband_errors_total", "type", "SymbolErrorCounter"));
  CHECK(d.root_cause == "ib_link_failure");
  CHECK(d.component == "ib-b2/mlx5_1");
  // Near misses: a kind that is no link error (VL15 drops); another exporter's counter of the same label.
  d = testing::RunJsonWithPack(IbErrorKindCase("node_infiniband_port_errors_total", "error", "vl15_dropped"));
  CHECK(d.root_cause != "ib_link_failure");
  d = testing::RunJsonWithPack(IbErrorKindCase("node_disk_io_errors_total", "error", "symbol"));
  CHECK(d.root_cause != "ib_link_failure");
}

TEST_CASE("plc11: FindRankExitBeforePeerErrors - one rank's exception, the peers' IB errors in another log") {
  const std::vector<std::string> own = {"[rank9]: Traceback (most recent call last):",
                                        "[rank9]: KeyError: 'input_ids'"};
  const std::vector<std::string> peers = {
      "n-01:311:390 [1] NCCL WARN NET/IB : Got completion from peer 10.0.0.12<4011> with error 12, opcode 0, vendor err 129",
      "[rank3]: torch.distributed.DistBackendError: NCCL error: remote process exited or there was a network error"};
  const std::vector<int64_t> none2(2, -1);
  RankExitBeforePeerErrors x = FindRankExitBeforePeerErrors({peers, own}, {none2, none2}, -1);
  REQUIRE(x.found);
  CHECK(x.rank == 9);
  CHECK(x.log == 1);
  CHECK(x.line == 1);
  CHECK(x.error_log == 0);
  CHECK(x.error_line == 0);
  // Timed: the exception after the peers' first error is no cause of it.
  CHECK_FALSE(FindRankExitBeforePeerErrors({peers, own}, {{1000, -1}, {-1, 5000}}, -1).found);
  CHECK(FindRankExitBeforePeerErrors({peers, own}, {{9000, -1}, {-1, 5000}}, -1).found);
  // One log, untimed: the error printed first.
  CHECK_FALSE(FindRankExitBeforePeerErrors({{peers[0], own[0], own[1]}}, {{-1, -1, -1}}, -1).found);
  // No peer error; the rank's own network error; another category's exception; two ranks raising.
  CHECK_FALSE(FindRankExitBeforePeerErrors({own}, {{-1, -1}}, -1).found);
  CHECK_FALSE(FindRankExitBeforePeerErrors(
                  {own, {"[rank9]: NCCL WARN NET/IB : Got completion from peer 10.0.0.3<1> with error 12"}}, {none2, {-1}}, -1)
                  .found);
  CHECK_FALSE(FindRankExitBeforePeerErrors(
                  {peers, {own[0], "[rank9]: RuntimeError: CUDA error: an illegal memory access was encountered"}},
                  {none2, none2}, -1)
                  .found);
  CHECK_FALSE(FindRankExitBeforePeerErrors(
                  {peers, own, {"[rank4]: Traceback (most recent call last):", "[rank4]: ValueError: bad shape"}},
                  {none2, none2, none2}, -1)
                  .found);
}

TEST_CASE("plc11: a rank's own exception, then its peers' IB completion errors, is the rank's crash") {
  // dc8fe134: ib_link_failure on the first reporter's HCA (ib-c01/mlx5_2).
  CHECK(CaseAnswer(PeerErrorsCase("IndexError: index 90211 is out of bounds for axis 0 with size 90210")) ==
        "rank_process_crash @ ib-c03/gpu5");
  // Twin: another exception of the data code.
  CHECK(CaseAnswer(PeerErrorsCase("KeyError: 'attention_mask'")) == "rank_process_crash @ ib-c03/gpu5");
  // Near miss: the rank's exception is the network's own (an NCCL error): the IB errors stand.
  CHECK(CaseAnswer(PeerErrorsCase("torch.distributed.DistBackendError: NCCL error: remote process exited or there was a "
                                  "network error")).rfind("rank_process_crash", 0) != 0);
}

TEST_CASE("plc11: MoeBusiestExpert names the expert a router statistic calls the busiest") {
  CHECK(MoeBusiestExpert("moe stats layer 3: tokens per expert max/mean = 9.5 (expert 7, 21% of tokens)") == 7);
  CHECK(MoeBusiestExpert("[router] layer 12: tokens per expert: max 41.7% (expert 17), median 0.21%") == 17);
  CHECK(MoeBusiestExpert("expert load (tokens %): e7=31.0 e41=24.0 e3=2.0 median=0.90") == 7);
  CHECK(MoeBusiestExpert("layer 9 router: load max/mean 8.2, busiest expert 22") == 22);
  // Near misses: a statistic naming no expert; an expert named but no router statistic; a list of
  // counts (the reasoner's own reader); an expert named before the max (the least loaded one).
  CHECK_FALSE(MoeBusiestExpert("[router] layer 2: tokens per expert (max/mean) 5.80, dropped tokens 21%"));
  CHECK_FALSE(MoeBusiestExpert("loading expert 7 weights from shard 3"));
  CHECK_FALSE(MoeBusiestExpert("MoE load: tokens per expert [410, 380, 12650, 220] (max/mean 6.00)"));
  CHECK_FALSE(MoeBusiestExpert("router: min expert 3 (0.1%), load max/mean = 9.0"));
}

TEST_CASE("plc11: MoeParallelArgs reads the MoE parallel sizes however the arguments are printed") {
  MoeArgs a = MoeParallelArgs("arguments: moe_router_topk=2 num_experts=64 expert_model_parallel_size=16 foo=3");
  CHECK(a.num_experts == 64);
  CHECK(a.expert_parallel == 16);
  CHECK(a.tensor_parallel == 0);
  a = MoeParallelArgs("Namespace(num_moe_experts=32, expert_model_parallel_size=8, tensor_model_parallel_size=2, seed=1234)");
  CHECK(a.num_experts == 32);
  CHECK(a.expert_parallel == 8);
  CHECK(a.tensor_parallel == 2);
  a = MoeParallelArgs("+ torchrun pretrain_gpt.py --num-experts 16 --expert-model-parallel-size 4 --tensor-model-parallel-size 2");
  CHECK(a.num_experts == 16);
  CHECK(a.expert_parallel == 4);
  CHECK(a.tensor_parallel == 2);
  // One argument a line, as Megatron and DeepSpeed dump them (read before PLC11 too).
  CHECK(MoeParallelArgs("  num_experts .................................... 8").num_experts == 8);
  CHECK(MoeParallelArgs("  \"ep_size\": 8,").expert_parallel == 8);
  // Near misses: another argument that begins with the name; a number that is no size.
  a = MoeParallelArgs("config: num_experts_per_tok=2 moe_router_topk=2 expert_model_parallel_size_hint=4");
  CHECK(a.num_experts == 0);
  CHECK(a.expert_parallel == 0);
  CHECK(MoeParallelArgs("num_experts=auto").num_experts == 0);
}

TEST_CASE("plc11: an untimed OOM on the rank holding a collapsed router's hot expert is the collapse's symptom") {
  // 64 experts over 8 expert-parallel ranks: 8 experts each; expert 21 lives on EP rank 2 (global
  // ranks 2, 10, 18, 26 with TP 1). dc8fe134: cuda_oom on the OOM rank's GPU.
  const std::string args = "arguments: num_experts=64 expert_model_parallel_size=8 moe_aux_loss_coeff=0.0";
  CHECK(CaseAnswer(MoeOomCase(args, 21, "12.0", 18)) == "moe_expert_imbalance @ job");
  // Twins: the sizes as a Namespace with TP 2 (expert 21 on EP rank 2: ranks 4-5, 20-21); Megatron's flags.
  CHECK(CaseAnswer(MoeOomCase("Namespace(num_experts=64, expert_model_parallel_size=8, tensor_model_parallel_size=2)",
                              21, "12.0", 21)) == "moe_expert_imbalance @ job");
  CHECK(CaseAnswer(MoeOomCase("+ srun python pretrain_gpt.py --num-experts 64 --expert-model-parallel-size 8", 21, "12.0",
                              26)) == "moe_expert_imbalance @ job");
  // Near misses: the OOM rank holds another expert; the OOM printed before the skewed statistics; a
  // router within the bar (2.0x) - each stays cuda_oom.
  CHECK(CaseAnswer(MoeOomCase(args, 21, "12.0", 19)).rfind("cuda_oom @ ", 0) == 0);
  CHECK(CaseAnswer(MoeOomCase(args, 21, "12.0", 18, /*oom_first=*/true)).rfind("cuda_oom @ ", 0) == 0);
  CHECK(CaseAnswer(MoeOomCase(args, 21, "2.0", 18)).rfind("cuda_oom @ ", 0) == 0);
}

}  // namespace vigil
