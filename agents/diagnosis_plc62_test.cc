// PLC62 (2026-12-07): what realistic55 ("the scheduler, quotas and cgroups") showed - SEEN fixes, not
// blind. General readings, each with short lines written here as another cluster prints the same shapes
// (no case text of the set):
// - RDMA registration failing with ENOMEM under a small locked-memory limit: the job's NCCL network
//   (memlock_limit.h);
// - a worker pod an exceeded ResourceQuota forbade while the rendezvous waits short of its nodes: the
//   launch's (quota_denied_pod.h);
// - every pod of the job CPU-throttled by its quota while the steps wait for input: the loaders starved
//   (cpu_quota_throttle.h);
// - a checker's own vote "rank N sha1=X vs K other replicas" (replica_checksum_lines.h);
// - a "(NODE)" note closing a pasted command (command_comment.h);
// - nvidia-smi's "-i 0,1,2,3 -pl W" list sets that many GPUs (node_power_cap.h);
// - the flight recorder's "ranks that have not entered collective N: [R]" (FindNamedAbsentRanks).
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/command_comment.h"
#include "agents/cpu_quota_throttle.h"
#include "agents/diagnosis_testing.h"
#include "agents/memlock_limit.h"
#include "agents/node_power_cap.h"
#include "agents/quota_denied_pod.h"
#include "agents/replica_checksum_lines.h"

namespace vigil {
namespace {

std::string Answer(const Diagnosis& d) { return d.root_cause + " @ " + d.component; }

TimeSeries Counter(const std::string& name, const Labels& labels, double start, double step) {
  TimeSeries s;
  s.name = name;
  s.labels = labels;
  for (int i = 0; i < 5; ++i) {
    s.timestamps_ms.push_back(1'800'000'000'000 + i * 60'000);
    s.values.push_back(start + step * i);
  }
  return s;
}

}  // namespace

TEST_CASE("plc62 StatedMemlockKiB and StatesRegisterMemoryEnomem") {
  CHECK(StatedMemlockKiB("max locked memory       (kbytes, -l) 64") == std::optional<double>(64));
  CHECK(StatedMemlockKiB("node-3 memlock=64 nofile=1048576") == std::optional<double>(64));
  CHECK(StatedMemlockKiB("LimitMEMLOCK=64K (was infinity)") == std::optional<double>(64));
  CHECK(StatedMemlockKiB("LimitMEMLOCK=8388608") == std::optional<double>(8192));
  CHECK(StatedMemlockKiB("Max locked memory         65536                65536                bytes") ==
        std::optional<double>(64));
  CHECK_FALSE(StatedMemlockKiB("max locked memory       (kbytes, -l) unlimited"));
  CHECK_FALSE(StatedMemlockKiB("LimitMEMLOCK=infinity"));
  CHECK(StatesRegisterMemoryEnomem("h:1:2 [0] misc/ibvwrap.cc:190 NCCL WARN Call to ibv_reg_mr_iova2 failed with error Cannot allocate memory"));
  CHECK(StatesRegisterMemoryEnomem("ibv_reg_mr failed: errno 12"));
  CHECK_FALSE(StatesRegisterMemoryEnomem("ibv_reg_mr failed with error Bad address"));
  CHECK_FALSE(StatesRegisterMemoryEnomem("RuntimeError: Cannot allocate memory"));
  // Both needed: a failure under an unlimited limit is not this reading.
  CHECK_FALSE(FindMemlockRegisterFailure({"memlock=unlimited", "Call to ibv_reg_mr failed with error Cannot allocate memory"}));
  const auto f = FindMemlockRegisterFailure({"memlock=64", "x", "Call to ibv_reg_mr failed with error Cannot allocate memory"});
  REQUIRE(f);
  CHECK(f->failure == 2);
  CHECK(f->limit == 0);
}

// ibv_reg_mr fails with ENOMEM on two nodes under `ulimit -a`'s 64 KiB locked memory; another node's port
// flapped days ago. Before: ib_link_failure on that old port (0.44).
TEST_CASE("plc62 RDMA registration failing under a small memlock limit answers the job's NCCL network") {
  const Diagnosis d = testing::RunCaseText(R"JSON({
 "id": "plc62-memlock",
 "alert": null,
 "topology": {
  "nodes": [
   "kst-n03",
   "kst-n04",
   "kst-n07"
  ],
  "gpus_per_node": 8,
  "timezone": "UTC",
  "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"
 },
 "logs": [
  {
   "source": "job-771.out",
   "lines": [
    "max locked memory       (kbytes, -l) 64",
    "kst-n03:4411:4502 [2] misc/ibvwrap.cc:190 NCCL WARN Call to ibv_reg_mr failed with error Cannot allocate memory",
    "kst-n04:5120:5230 [0] misc/ibvwrap.cc:190 NCCL WARN Call to ibv_reg_mr failed with error Cannot allocate memory",
    "[rank2]: torch.distributed.DistBackendError: NCCL error: unhandled system error, NCCL version 2.20.5"
   ]
  },
  {
   "source": "kst-n07/kern.log",
   "lines": [
    "2027-03-02T10:00:00Z kernel: mlx5_core 0000:4b:00.0 ibs4f0: Link down",
    "2027-03-02T10:01:30Z kernel: mlx5_core 0000:4b:00.0 ibs4f0: Link up"
   ]
  }
 ]
})JSON");
  CHECK(Answer(d) == "nccl_network_misconfig @ job");
}

TEST_CASE("plc62 StatesQuotaDenied / StatesWorldNotReached") {
  CHECK(StatesQuotaDenied("Error creating: pods \"w-3\" is forbidden: exceeded quota: gpus, requested: requests.nvidia.com/gpu=4, used: requests.nvidia.com/gpu=12, limited: requests.nvidia.com/gpu=12"));
  CHECK_FALSE(StatesQuotaDenied("resourcequota gpus: used 12 of 16"));
  CHECK(StatesWorldNotReached("rendezvous 'r' round 0: 3 participants, min_nodes=4"));
  CHECK(StatesWorldNotReached("has joined round 0 of the rendezvous 'r' as rank 1 (waiting: 3 of min 4)"));
  CHECK(StatesWorldNotReached("PyTorchJob ns/j: 7/8 replicas created"));
  CHECK_FALSE(StatesWorldNotReached("PyTorchJob ns/j: 8/8 replicas created"));
  CHECK_FALSE(StatesWorldNotReached("rendezvous 'r' round 0: 4 participants, min_nodes=4"));
  CHECK_FALSE(FindQuotaDeniedWorker({"rendezvous 'r' round 0: 3 participants, min_nodes=4"}));
}

// A worker the namespace's GPU quota forbade; the rendezvous waits with 3 of 4 nodes and times out; a c10d
// connect refused to the master before it listened. Before: nccl_network_misconfig (0.44).
TEST_CASE("plc62 a worker pod forbidden by an exceeded quota answers the launch, on the job") {
  const Diagnosis d = testing::RunCaseText(R"JSON({
 "id": "plc62-quota",
 "alert": null,
 "topology": {
  "nodes": [
   "vx-a01",
   "vx-a02",
   "vx-a03",
   "vx-a04"
  ],
  "gpus_per_node": 4,
  "timezone": "UTC",
  "rank_layout": "rank r runs on nodes[r // 4], local GPU r % 4"
 },
 "logs": [
  {
   "source": "vit-xl worker-2 log",
   "lines": [
    "[W0302 09:00:20.000001 1 socket.cpp:752] [c10d] The client socket has failed to connect to [vit-xl-master-0]:23456 (errno: 111 - Connection refused). Retrying.",
    "I0302 09:04:00.000001 1 dynamic_rendezvous.py:1121] rendezvous 'vit-xl' round 0: 3 participants, min_nodes=4",
    "torch.distributed.elastic.rendezvous.api.RendezvousTimeoutError"
   ]
  },
  {
   "source": "kubectl get events -n vision",
   "lines": [
    "20m  Warning  FailedCreate  pytorchjob/vit-xl  Error creating: pods \"vit-xl-worker-3\" is forbidden: exceeded quota: vision-gpus, requested: requests.nvidia.com/gpu=4, used: requests.nvidia.com/gpu=12, limited: requests.nvidia.com/gpu=12"
   ]
  }
 ]
})JSON");
  CHECK(Answer(d) == "launch_config_error @ job");
}

TEST_CASE("plc62 FindJobWideCpuThrottle: every pod throttled in most of its CFS periods") {
  const Labels w0{{"pod", "w0"}, {"node", "n1"}, {"container", "trainer"}};
  const Labels w1{{"pod", "w1"}, {"node", "n2"}, {"container", "trainer"}};
  std::vector<TimeSeries> s{Counter("container_cpu_cfs_throttled_periods_total", w0, 0, 570),
                            Counter("container_cpu_cfs_periods_total", w0, 0, 600),
                            Counter("container_cpu_cfs_throttled_periods_total", w1, 0, 580)};
  const auto t = FindJobWideCpuThrottle(s);
  REQUIRE(t);
  CHECK(t->pods == 2);
  CHECK(t->min_share == doctest::Approx(0.95));
  // One pod barely throttled: no job-wide starvation (FindHostCpuPressure's one-node reading is elsewhere).
  s.push_back(Counter("container_cpu_cfs_throttled_periods_total", {{"pod", "w2"}, {"node", "n3"}, {"container", "trainer"}}, 0, 30));
  CHECK_FALSE(FindJobWideCpuThrottle(s));
  // One pod alone: nothing to say it is the job's.
  CHECK_FALSE(FindJobWideCpuThrottle({s[0], s[1]}));
  CHECK(StatesInputWait("step 400 data_wait 3.2 s of 6.0 s step"));
  CHECK(StatesInputWait("dataloader is the bottleneck: GPUs idle"));
  CHECK_FALSE(StatesInputWait("Building dataloader: num_workers=16"));
}

// Both pods throttled in ~95 % of their CFS periods, the trainer's steps wait for data; an NFS stall three
// hours before, over 5 s later. Before: storage_failure (0.43), the loaders' throttling explained by it.
TEST_CASE("plc62 every pod CPU-throttled by its quota while steps wait for data answers the loader stall") {
  const Diagnosis d = testing::RunCaseText(R"JSON({
 "id": "plc62-cfs",
 "alert": null,
 "topology": {
  "nodes": [
   "gk-01",
   "gk-02"
  ],
  "gpus_per_node": 8,
  "timezone": "UTC",
  "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"
 },
 "logs": [
  {
   "source": "gk-02/dmesg",
   "lines": [
    "2027-03-03T06:00:00+00:00 kernel: nfs: server filer-2 not responding, still trying",
    "2027-03-03T06:00:05+00:00 kernel: nfs: server filer-2 OK"
   ]
  },
  {
   "source": "trainer log",
   "lines": [
    "2027-03-03 09:03:20 INFO step 400 data_wait 3.2 s of 6.0 s step"
   ]
  }
 ],
 "metrics": [
  {
   "name": "container_cpu_cfs_throttled_periods_total",
   "labels": {
    "namespace": "ml",
    "pod": "tr-w0",
    "node": "gk-01",
    "container": "trainer"
   },
   "samples": [
    [
     1804064400000,
     1000
    ],
    [
     1804064460000,
     1570
    ],
    [
     1804064520000,
     2140
    ],
    [
     1804064580000,
     2710
    ],
    [
     1804064640000,
     3280
    ]
   ]
  },
  {
   "name": "container_cpu_cfs_periods_total",
   "labels": {
    "namespace": "ml",
    "pod": "tr-w0",
    "node": "gk-01",
    "container": "trainer"
   },
   "samples": [
    [
     1804064400000,
     1100
    ],
    [
     1804064460000,
     1700
    ],
    [
     1804064520000,
     2300
    ],
    [
     1804064580000,
     2900
    ],
    [
     1804064640000,
     3500
    ]
   ]
  },
  {
   "name": "container_cpu_cfs_throttled_periods_total",
   "labels": {
    "namespace": "ml",
    "pod": "tr-w1",
    "node": "gk-02",
    "container": "trainer"
   },
   "samples": [
    [
     1804064400000,
     1000
    ],
    [
     1804064460000,
     1570
    ],
    [
     1804064520000,
     2140
    ],
    [
     1804064580000,
     2710
    ],
    [
     1804064640000,
     3280
    ]
   ]
  },
  {
   "name": "container_cpu_cfs_periods_total",
   "labels": {
    "namespace": "ml",
    "pod": "tr-w1",
    "node": "gk-02",
    "container": "trainer"
   },
   "samples": [
    [
     1804064400000,
     1100
    ],
    [
     1804064460000,
     1700
    ],
    [
     1804064520000,
     2300
    ],
    [
     1804064580000,
     2900
    ],
    [
     1804064640000,
     3500
    ]
   ]
  }
 ]
})JSON");
  CHECK(Answer(d) == "dataloader_stall @ job");
}

TEST_CASE("plc62 FindStatedReplicaOdd reads a checker's own vote") {
  const auto o = FindStatedReplicaOdd({"[rank0]: step 500: hash check failed", "[rank0]: DP group 5: rank 13 sha1=ab12cd34 vs 3 other replicas sha1=99ee0011"});
  REQUIRE(o);
  CHECK(o->rank == 13);
  CHECK(o->line == 1);
  CHECK(o->agreeing == 3);
  CHECK(o->iteration == 500);
  // Two ranks named odd: no one culprit.
  CHECK_FALSE(FindStatedReplicaOdd({"rank 13 sha1=ab12cd34 vs 3 other replicas", "rank 14 sha1=ab12cd35 vs 3 other replicas"}));
  // One other replica is no majority.
  CHECK_FALSE(FindStatedReplicaOdd({"rank 13 sha1=ab12cd34 vs 1 other replicas"}));
}

// The checker names rank 13 against 3 agreeing replicas, twice; its lines are written by rank 0. Before:
// hb-01/gpu0 (0.16).
TEST_CASE("plc62 a checker's stated odd replica places the corruption on that rank's GPU") {
  const Diagnosis d = testing::RunCaseText(R"JSON({
 "id": "plc62-sdc",
 "alert": null,
 "topology": {
  "nodes": [
   "hb-01",
   "hb-02",
   "hb-03",
   "hb-04"
  ],
  "gpus_per_node": 8,
  "timezone": "UTC",
  "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"
 },
 "logs": [
  {
   "source": "train.log",
   "lines": [
    "[rank0]: step 500: params hash check failed in 1 of 8 DP groups",
    "[rank0]: DP group 5: rank 13 sha1=ab12cd34 vs 3 other replicas sha1=99ee0011",
    "[rank0]: step 510: DP group 5: rank 13 sha1=0f0f1e1e vs 3 other replicas sha1=7a7a6b6b"
   ]
  }
 ]
})JSON");
  CHECK(Answer(d) == "gpu_silent_data_corruption @ hb-02/gpu5");
}

TEST_CASE("plc62 CommentNodeWords reads a (NODE) note closing a command") {
  CHECK(CommentNodeWords("$ lspci -vv -s 3b:00.0 | grep LnkSta (gx-17)") == std::vector<std::string>{"gx-17"});
  CHECK(CommentNodeWords("$ nvidia-smi -q (on gx-17)") == std::vector<std::string>{"gx-17", "on"});
  CHECK(CommentNodeWords("$ echo $(hostname)").empty());  // no space before '('
  CHECK(CommentNodeWords("$ dmesg | tail").empty());
  // A sentence in parentheses is no node note.
  CHECK(CommentNodeWords("# attempt 2 on gx-[01-16] (gx-17 drained by on-call: 'Xid 13 GPU5')").empty());
  CHECK(CommentNodeWords("$ nvidia-smi -q (gx-17 was drained this morning by the on-call)").empty());
}

// lspci of the GPU at 3b:00.0 on two nodes, each command closed by its node in parentheses; gx-17's link
// trained at 8 GT/s. Before: the job (0.44).
TEST_CASE("plc62 a (NODE) note closing a pasted lspci places its degraded link") {
  const Diagnosis d = testing::RunCaseText(R"JSON({
 "id": "plc62-lspci",
 "alert": null,
 "topology": {
  "nodes": [
   "gx-16",
   "gx-17"
  ],
  "gpus_per_node": 8,
  "timezone": "UTC",
  "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8",
  "gpu_pci_bus": {
   "gpu0": "0000:19:00.0",
   "gpu1": "0000:2b:00.0",
   "gpu2": "0000:3b:00.0",
   "gpu3": "0000:5c:00.0",
   "gpu4": "0000:9b:00.0",
   "gpu5": "0000:ac:00.0",
   "gpu6": "0000:bb:00.0",
   "gpu7": "0000:dc:00.0"
  }
 },
 "logs": [
  {
   "source": "ops notes",
   "lines": [
    "$ lspci -vv -s 3b:00.0 | grep LnkSta (gx-17)",
    "        LnkSta: Speed 8GT/s (downgraded), Width x16",
    "$ lspci -vv -s 3b:00.0 | grep LnkSta (gx-16)",
    "        LnkSta: Speed 32GT/s, Width x16"
   ]
  }
 ]
})JSON");
  CHECK(Answer(d) == "pcie_link_degraded @ gx-17/gpu2");
}

TEST_CASE("plc62 PowerLimitSetGpus counts nvidia-smi's -i list") {
  CHECK(PowerLimitSetGpus("px-02 prolog[81]: nvidia-smi -i 0,1,2,3 -pl 300") == 4);
  CHECK(PowerLimitSetGpus("nvidia-smi --id=0,1 --power-limit=300") == 2);
  CHECK(PowerLimitSetGpus("nvidia-smi -i 3 -pl 300") == -1);
  CHECK(PowerLimitSetGpus("nvidia-smi -pl 300") == 0);
}

TEST_CASE("plc62 FindNamedAbsentRanks reads 'ranks that have not entered collective N: [R]'") {
  using Named = std::vector<std::pair<int, size_t>>;
  CHECK(FindNamedAbsentRanks({"x", "ranks that have not entered collective 4410: [21]"}) == Named{{21, 1}});
  CHECK(FindNamedAbsentRanks({"ranks which have not joined seq 9: [4, 6]"}) == Named{{4, 0}, {6, 0}});
  CHECK(FindNamedAbsentRanks({"ranks that have not entered collective 4410: 21 ranks"}).empty());  // no list
}

// Two ranks' watchdog timeouts and the flight recorder's "ranks that have not entered collective 4410:
// [21]". Before: the hang on the job (0.44).
TEST_CASE("plc62 the rank that has not entered the collective places the hang") {
  const Diagnosis d = testing::RunCaseText(R"JSON({
 "id": "plc62-hang",
 "alert": null,
 "topology": {
  "nodes": [
   "qa-01",
   "qa-02",
   "qa-03",
   "qa-04"
  ],
  "gpus_per_node": 8,
  "timezone": "UTC",
  "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"
 },
 "logs": [
  {
   "source": "train.out",
   "lines": [
    "[rank3]:[E0302 10:20:00.000100 1203 ProcessGroupNCCL.cpp:616] [Rank 3] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=4410, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=600000) ran for 600012 milliseconds before timing out",
    "[rank30]:[E0302 10:20:00.000300 1230 ProcessGroupNCCL.cpp:616] [Rank 30] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=4410, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=600000) ran for 600013 milliseconds before timing out",
    "[rank0]:[E0302 10:20:01.000000 1200 flight_recorder.py:140] ranks that have not entered collective 4410: [21]"
   ]
  }
 ]
})JSON");
  CHECK(Answer(d) == "nccl_collective_hang @ qa-03/gpu5");
}

}  // namespace vigil
