// Tests of RG8's rules (2026-12-03), from realistic11's misses: the year of year-less log times in a
// case with no alert, a fatal NVLink error explaining the illegal-address errors after it, dcgmi
// diag read by its DCGM_FR_* code, a slow rank whose GPU checks pass, NCCL's allocation failure as
// first-hand OOM evidence, PyTorch's desync report naming the lagging rank. The cases are written
// for the tests (node names n-01 ...), not copied from the set. They run the shipped knowledge pack
// (data/knowledge/) through GatherKnowledge and the built-in reasoner, as `vigil diagnose` does.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "agents/zero_counter.h"
#include "probes/catalog.h"

namespace vigil {
namespace {

Json Parse(const char* text) { return testing::ParseCaseText(text); }

Diagnosis Run(const Json& j, bool intrusive = false) { return testing::RunCaseWithOwnProbes(j, intrusive); }

// No alert: the watchdog timeouts are glog lines without a year, the Xid 119 that stalled them is
// in an ISO journal (+01:00) three seconds before the hang began (600 s before the timeouts).
constexpr const char* kFirmwareNoAlert = R"JSON({
  "id": "rg8-year",
  "topology": {"nodes": ["n-01", "n-02", "n-03", "n-04"], "gpus_per_node": 8,
               "gpu_pci_bus": {"gpu4": "0000:9a:00.0"}},
  "logs": [
    {"source": "n-01/srun", "lines": [
      "[2026-03-23 09:31:34] iteration    23563/  500000 | elapsed time per iteration (ms): 4081.1 | lm loss: 2.299989E+00 |",
      "[2026-03-23 09:31:38] iteration    23564/  500000 | elapsed time per iteration (ms): 4123.0 | lm loss: 2.307432E+00 |",
      "[rank0]:[E0323 09:53:10.589429000 ProcessGroupNCCL.cpp:616] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=88120, OpType=ALLREDUCE, NumelIn=33554432, NumelOut=33554432, Timeout(ms)=600000) ran for 600205 milliseconds before timing out.",
      "[rank9]:[E0323 09:53:10.611002000 ProcessGroupNCCL.cpp:616] [Rank 9] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=88120, OpType=ALLREDUCE, NumelIn=33554432, NumelOut=33554432, Timeout(ms)=600000) ran for 600231 milliseconds before timing out.",
      "[rank17]:[E0323 09:53:10.640113000 ProcessGroupNCCL.cpp:616] [Rank 17] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=88120, OpType=ALLREDUCE, NumelIn=33554432, NumelOut=33554432, Timeout(ms)=600000) ran for 600262 milliseconds before timing out."
    ]},
    {"source": "n-04/journal", "lines": [
      "2026-03-23T10:43:07.000+01:00 n-04 kernel: NVRM: Xid (PCI:0000:9a:00): 119, pid=70311, name=python3, Timeout after 6s of waiting for RPC response from GPU4 GSP! Expected function 76 (GSP_RM_CONTROL) (0x20803039 0x1c).",
      "2026-03-23T10:43:14.000+01:00 n-04 kernel: NVRM: Xid (PCI:0000:9a:00): 119, pid=70311, name=python3, Timeout after 6s of waiting for RPC response from GPU4 GSP! Expected function 10 (FREE) (0xa55a00b0 0x0)."
    ]}
  ]
})JSON";

TEST_CASE("rg8: with no alert, year-less log times take the year of the case's dated lines") {
  const Diagnosis d = Run(Parse(kFirmwareNoAlert));
  CHECK(d.root_cause == "gpu_firmware_error");
  CHECK(d.component == "n-04/gpu4");
  // The hang is the Xid's consequence, not the answer.
  REQUIRE_FALSE(d.hypotheses.empty());
  CHECK(d.hypotheses.front().category == "gpu_firmware_error");
}

// A fatal NVLink error (Xid 74) on gpu6, then NCCL's "Cuda failure 700 'an illegal memory access'"
// on the node's ranks: the link fault is the cause.
constexpr const char* kNvlinkIllegal = R"JSON({
  "id": "rg8-xid74",
  "topology": {"nodes": ["n-01", "n-02"], "gpus_per_node": 8,
               "gpu_pci_bus": {"gpu2": "0000:3a:00.0", "gpu6": "0000:ba:00.0"}},
  "logs": [
    {"source": "n-02/srun", "lines": [
      "[rank14]: torch.distributed.DistBackendError: NCCL error in: /opt/pytorch/pytorch/torch/csrc/distributed/c10d/NCCLUtils.hpp:317, unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.21.5",
      "[rank14]: ncclUnhandledCudaError: Call to CUDA function failed.",
      "[rank14]: Cuda failure 700 'an illegal memory access was encountered'",
      "[rank10]: torch.distributed.DistBackendError: NCCL error in: /opt/pytorch/pytorch/torch/csrc/distributed/c10d/NCCLUtils.hpp:317, unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.21.5",
      "[rank10]: ncclUnhandledCudaError: Call to CUDA function failed.",
      "[rank10]: Cuda failure 700 'an illegal memory access was encountered'"
    ]},
    {"source": "n-02/dmesg", "lines": [
      "[2562110.485632] NVRM: Xid (PCI:0000:ba:00): 74, pid=61220, name=python3, NVLink: fatal error detected on link 12(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)",
      "[2562110.485632] NVRM: Xid (PCI:0000:ba:00): 74, pid=61220, name=python3, NVLink: fatal error detected on link 13(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)",
      "[2562111.685632] NVRM: Xid (PCI:0000:3a:00): 45, pid=61216, name=python3, Ch 00000010"
    ]}
  ]
})JSON";

TEST_CASE("rg8: a fatal NVLink error explains the illegal-address errors NCCL reports after it") {
  const Diagnosis d = Run(Parse(kNvlinkIllegal));
  CHECK(d.root_cause == "nvlink_error");
  CHECK(d.component == "n-02/gpu6");
}

// dcgmi diag's PCIe test (which checks NVLink too) fails GPU 6 with DCGM_FR_NVLINK_ERROR_THRESHOLD:
// an NVLink fault by its code, though the row says "PCIe" and the warning "Replay".
constexpr const char* kDcgmNvlinkCode = R"JSON({
  "id": "rg8-dcgm",
  "topology": {"nodes": ["n-01"], "gpus_per_node": 8},
  "logs": [
    {"source": "n-01/dcgmi-diag", "lines": [
      "$ dcgmi diag -r 3",
      "Successfully ran diagnostic for group.",
      "+---------------------------+------------------------------------------------+",
      "| Diagnostic                | Result                                         |",
      "+===========================+================================================+",
      "|-----  Deployment  --------+------------------------------------------------|",
      "| Denylist                  | Pass                                           |",
      "| Page Retirement/Row Remap | Pass                                           |",
      "|-----  Integration --------+------------------------------------------------|",
      "| PCIe                      | Fail - GPU: 6                                  |",
      "| Warning                   | GPU 6 DCGM_FR_NVLINK_ERROR_THRESHOLD: Detected |",
      "|                           |  2 NvLink Replay errors for GPU 6's NVLink lin |",
      "|-----  Hardware   --------+------------------------------------------------|",
      "| GPU Memory                | Pass - All                                     |",
      "+---------------------------+------------------------------------------------+"
    ]}
  ]
})JSON";

TEST_CASE("rg8: a failing dcgmi diag row is read by its DCGM_FR code, not the test's name") {
  const Diagnosis d = Run(Parse(kDcgmNvlinkCode));
  CHECK(d.root_cause == "nvlink_error");
  CHECK(d.component == "n-01/gpu6");
  bool dcgm_nvlink = false, dcgm_pcie = false;
  for (const Evidence& e : d.evidence) {
    if (e.detail.find("dcgmi diag") == std::string::npos) continue;
    for (const std::string& s : e.supports) {
      dcgm_nvlink = dcgm_nvlink || s == "nvlink_error";
      dcgm_pcie = dcgm_pcie || s == "pcie_link_degraded";
    }
  }
  CHECK(dcgm_nvlink);
  CHECK_FALSE(dcgm_pcie);
}

// A dense model's step-time alert: rank 22 is 1.5x slower every step; its GPU's health and GEMM
// checks pass (the process is bound to the other socket's CPUs). No MoE word anywhere.
constexpr const char* kHealthyGpuStraggler = R"JSON({
  "id": "rg8-straggler",
  "alert": {"labels": {"alertname": "TrainingStepTimeHigh", "job": "pretrain", "severity": "warning"},
            "annotations": {"summary": "job pretrain step time 1.43s > 1.2s for 10m"},
            "startsAt": "2026-08-07T00:09:37Z"},
  "topology": {"nodes": ["n-01", "n-02", "n-03", "n-04"], "gpus_per_node": 8},
  "logs": [
    {"source": "n-01/rank0/stdout", "lines": [
      "2026-08-07 00:03:07 | INFO | train | epoch 3 step 806/120000 | loss 3.0906 | step_time 1.430s | samples/s 179.0",
      "2026-08-07 00:03:08 | INFO | train | epoch 3 step 807/120000 | loss 3.1180 | step_time 1.430s | samples/s 179.0",
      "[timing] fwd+bwd per rank (ms): median 902, max 1388 (rank 22), min 881 (rank 3)",
      "[timing] rank 22 slowest for 412 of last 412 steps; data wait 3 ms on all ranks"
    ]},
    {"source": "n-03/numactl", "lines": [
      "$ cat /proc/71222/status | grep Cpus_allowed_list  # rank 22, local 6",
      "Cpus_allowed_list:\t0-55",
      "launcher: --cpu-bind=none (was map_ldom:0,0,0,0,1,1,1,1)"
    ]}
  ],
  "probes": {
    "gpu.health@n-03/gpu6": {"status": "pass", "metrics": {"ecc_dbe_volatile": 0, "temperature_c": 51, "sm_clock_mhz": 1965.0, "sm_clock_max_mhz": 1965.0, "clock_event_reasons": 0}, "thresholds": {"ecc_dbe_volatile_max": 0, "temperature_c_max": 87}, "reason": "all health counters within thresholds", "duration_s": 1.6},
    "gpu.gemm@n-03/gpu6": {"status": "pass", "metrics": {"tflops": 1612.4}, "thresholds": {"tflops_min": 1400.0}, "reason": "bf16 GEMM throughput within thresholds", "duration_s": 7.4}
  }
})JSON";

TEST_CASE("rg8: no MoE look-alike in a dense model; a GEMM pass still counts against the straggler (lead)") {
  // RG8 also set gpu.gemm / gpu.hbm_bandwidth's pass_refutes for straggler_rank to 0 (a slow rank can
  // have a healthy GPU); the lead kept the catalog as it was: that broke RG2's guard tests
  // (diagnosis_realistic6_test: a GEMM pass with no other user's process on the host argues against a
  // GPU-side straggler) and cost holdout2 n040 and dev case-059. This case then answers no MoE (before
  // RG8: moe_expert_imbalance @ job, from a line that only reads like the MoE incident).
  const Diagnosis d = Run(Parse(kHealthyGpuStraggler), /*intrusive=*/true);
  CHECK(d.root_cause != "moe_expert_imbalance");
  for (const Evidence& e : d.evidence) {
    const bool moe = std::find(e.supports.begin(), e.supports.end(), "moe_expert_imbalance") != e.supports.end();
    CHECK_FALSE((moe && e.detail.find("reads like") != std::string::npos));
  }
  for (const char* name : {"gpu.gemm", "gpu.hbm_bandwidth"}) {
    const ProbeSpec* spec = FindProbe(name);
    REQUIRE(spec != nullptr);
    for (const CategoryEvidence& ce : spec->evidence) {
      if (std::string(ce.category) == "straggler_rank") CHECK(ce.pass_refutes > 0.0);
    }
  }
}

// NCCL's allocation failure ("Cuda failure 2 'out of memory'", with the CUDA error number) in the
// logs of three nodes while a new process group is created: the job's OOM, first hand. (NCCL's
// "host:pid:tid [dev]" lines name no GPU the reasoner reads: two nodes are two processes.)
constexpr const char* kNcclOomJob = R"JSON({
  "id": "rg8-oom",
  "topology": {"nodes": ["n-01", "n-02", "n-03", "n-04", "n-05", "n-06"], "gpus_per_node": 8},
  "logs": [
    {"source": "n-01/srun", "lines": [
      "[config] micro_batch_size 2 -> 4 (resumed from iter 6000 with --override)",
      "n-01:12000:12640 [0] include/alloc.h:183 NCCL WARN Cuda failure 2 'out of memory'",
      "n-01:12000:12640 [0] NCCL INFO channel.cc:41 -> 1"
    ]},
    {"source": "n-03/srun", "lines": [
      "n-03:12017:12658 [1] include/alloc.h:183 NCCL WARN Cuda failure 2 'out of memory'",
      "n-03:12017:12658 [1] NCCL INFO channel.cc:41 -> 1"
    ]},
    {"source": "n-06/srun", "lines": [
      "n-06:12041:12682 [1] include/alloc.h:183 NCCL WARN Cuda failure 2 'out of memory'",
      "n-06:12041:12682 [1] NCCL INFO channel.cc:41 -> 1"
    ]}
  ]
})JSON";

TEST_CASE("rg8: NCCL's Cuda failure 2 'out of memory' on ranks of several nodes is the job's OOM") {
  const Diagnosis d = Run(Parse(kNcclOomJob));
  CHECK(d.root_cause == "cuda_oom");
  CHECK(d.component == "job");
  bool first_hand = false;
  for (const Evidence& e : d.evidence) {
    const bool oom = std::find(e.supports.begin(), e.supports.end(), "cuda_oom") != e.supports.end();
    first_hand = first_hand || (oom && e.kind == EvidenceKind::kLog && e.detail.find("NCCL WARN Cuda failure 2") != std::string::npos);
  }
  CHECK(first_hand);
}

TEST_CASE("rg8: a fault said to be absent is no error line") {
  // main's GatherKnowledge recalled a PCIe incident for rl11-16's "no Xid on any node since boot".
  CHECK(RemoveFaultsSaidAbsent("no Xid on any node since boot").find("Xid") == std::string::npos);
  CHECK(RemoveFaultsSaidAbsent("a3-node-0227: 0 Xid since the reset at boot").find("Xid") == std::string::npos);
  CHECK(RemoveFaultsSaidAbsent("dcgmi health: zero ECC errors, no new timeouts").find("ECC") == std::string::npos);
  // A fault that is there stays.
  CHECK(RemoveFaultsSaidAbsent("NVRM: Xid (PCI:0000:9a:00): 119, pid=70311") == "NVRM: Xid (PCI:0000:9a:00): 119, pid=70311");
  CHECK(RemoveFaultsSaidAbsent("a3-node-0231: 3 (119, 119, 119) GPU4") == "a3-node-0231: 3 (119, 119, 119) GPU4");
  CHECK(RemoveFaultsSaidAbsent("NET/IB : No device found.") == "NET/IB : No device found.");
  CHECK(RemoveFaultsSaidAbsent("10 errors on port 1").find("errors") != std::string::npos);
}

TEST_CASE("rg8: PyTorch's desync report names the lagging rank") {
  using Ranks = std::vector<std::pair<int, size_t>>;
  // retrieveDesyncReport's missing ranks.
  CHECK(FindNamedAbsentRanks({"[rank0]:[E0909 04:42:22.930546000 ProcessGroupNCCL.cpp:1420] [PG 0 Rank 0] "
                              "\t - To our best knowledge, ranks [58] are the lagging ranks that caused this timeout. "
                              "They never joined any collectives"}) == Ranks{{58, 0}});
  // analyzeLaggingRanks: the rank that finished the previous collective and never joined this one.
  CHECK(FindNamedAbsentRanks({"\t - To our best knowledge, the lagging/dead/mismatched ranks that caused the desync are:",
                              "\t   - [58] finished collective #40011, but didn't join collective #40012 (count from 1)"}) ==
        Ranks{{58, 1}});
  CHECK(FindNamedAbsentRanks({"\t   - [3, 17] joined but didn't finish collective #812 (count from 1)"}) ==
        Ranks{{3, 0}, {17, 0}});
  // The passive form.
  CHECK(FindNamedAbsentRanks({"Collective ALLREDUCE(SeqNum=40012) is not joined by Rank 58 (n-08)"}) == Ranks{{58, 0}});
  // Not a culprit: every rank listed as started.
  CHECK(FindNamedAbsentRanks({"\t   #40012 started ranks:", "\t     [0, 1, 2, 3, 4, 5] started ALLREDUCE"}).empty());

  // In a case: the watchdog timeouts of rank 0's log, the report naming rank 58 (n-08's gpu2).
  const Diagnosis d = Run(Parse(R"JSON({
    "id": "rg8-desync",
    "topology": {"nodes": ["n-01", "n-02", "n-03", "n-04", "n-05", "n-06", "n-07", "n-08"], "gpus_per_node": 8},
    "logs": [
      {"source": "n-01/srun", "lines": [
        "[rank0]:[E0909 04:42:21.147166000 ProcessGroupNCCL.cpp:616] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=40012, OpType=ALLREDUCE, NumelIn=16777216, NumelOut=16777216, Timeout(ms)=600000) ran for 600125 milliseconds before timing out.",
        "[rank13]:[E0909 04:42:21.733190000 ProcessGroupNCCL.cpp:616] [Rank 13] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=40012, OpType=ALLREDUCE, NumelIn=16777216, NumelOut=16777216, Timeout(ms)=600000) ran for 600188 milliseconds before timing out.",
        "[rank0]:[E0909 04:42:22.827428000 ProcessGroupNCCL.cpp:1323] [PG 0 (default_pg) Rank 0] Timeout at NCCL work: 40012, last enqueued NCCL work: 40012, last completed NCCL work: 40011.",
        "[rank0]:[E0909 04:42:22.930546000 ProcessGroupNCCL.cpp:1420] [PG 0 (default_pg) Rank 0]  - To our best knowledge, ranks [58] are the lagging ranks that caused this timeout. They never joined any collectives"
      ]}
    ]
  })JSON"));
  CHECK(d.root_cause == "nccl_collective_hang");
  CHECK(d.component == "n-08/gpu2");
}

}  // namespace
}  // namespace vigil
