// Tests of RG9's rules (2026-12-03), the reasoner's known gaps in reading logs: NCCL's line prefix
// names the node that wrote the line; `srun ... bash -c 'torchrun ...'` is a launch; year-less
// lines after a Dec 31 with no alert; systemd / kubelet lines about the monitoring stack in the
// wordings TZ's reader missed; malformed zone offsets; one table of DCGM_FR_* codes; an allocation
// larger than the GPU is a size bug. The cases are written for the tests (node names n-01 ...).
#include <doctest/doctest.h>

#include <cctype>
#include <string>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "agents/fault_codes.h"
#include "agents/launch_case_testing.h"
#include "agents/log_time.h"
#include "core/time_util.h"
#include "knowledge/knowledge_base.h"

namespace vigil {
namespace {

Json Parse(const char* text) {
  auto j = ParseJson(text, "test case");
  REQUIRE_MESSAGE(j.ok(), j.status().ToString());
  return *j;
}

Diagnosis Run(const Json& j) { return testing::RunJsonWithPack(j, j.value("probes", Json::object())); }

int64_t At(const char* rfc3339) { return ParseRfc3339Ms(rfc3339).value(); }

// ---- 1. NCCL's "host:pid:tid [dev]" prefix names the writer's node ---------------------------------

// One srun log gathered on n-01 holds NCCL's allocation failures printed by ranks on three nodes.
constexpr const char* kNcclOomThreeNodes = R"JSON({
  "id": "rg9-nccl-prefix",
  "topology": {"nodes": ["n-01", "n-02", "n-03", "n-04"], "gpus_per_node": 8},
  "logs": [
    {"source": "n-01/srun", "lines": [
      "[2026-07-17 19:23:33,716] [INFO] [train.py:412] step 6001 loss 1.9328",
      "n-01:12000:12640 [0] include/alloc.h:183 NCCL WARN Cuda failure 2 'out of memory'",
      "n-01:12000:12640 [0] NCCL INFO channel.cc:41 -> 1",
      "n-02:12017:12658 [1] include/alloc.h:183 NCCL WARN Cuda failure 2 'out of memory'",
      "n-02:12017:12658 [1] NCCL INFO channel.cc:41 -> 1",
      "n-04:12041:12682 [1] include/alloc.h:183 NCCL WARN Cuda failure 2 'out of memory'",
      "n-04:12041:12682 [1] NCCL INFO channel.cc:41 -> 1"
    ]}
  ]
})JSON";

// The same log with one node's failure only: the node is the prefix's, not the log's.
constexpr const char* kNcclOomOneNode = R"JSON({
  "id": "rg9-nccl-prefix-one",
  "topology": {"nodes": ["n-01", "n-02", "n-03", "n-04"], "gpus_per_node": 8},
  "logs": [
    {"source": "n-01/srun", "lines": [
      "[2026-07-17 19:23:33,716] [INFO] [train.py:412] step 6001 loss 1.9328",
      "n-03:12041:12682 [5] include/alloc.h:183 NCCL WARN Cuda failure 2 'out of memory'",
      "n-03:12041:12682 [5] NCCL INFO channel.cc:41 -> 1",
      "n-03:12041:12682 [5] NCCL INFO init.cc:1412 -> 1"
    ]}
  ]
})JSON";

TEST_CASE("rg9: NCCL's host:pid:tid prefix names the node that wrote the line") {
  const Diagnosis three = Run(Parse(kNcclOomThreeNodes));
  CHECK(three.root_cause == "cuda_oom");
  CHECK(three.component == "job");  // before: n-01, the node the log was gathered on
  const Diagnosis one = Run(Parse(kNcclOomOneNode));
  CHECK(one.root_cause == "cuda_oom");
  CHECK(one.component.rfind("n-03", 0) == 0);  // before: n-01
}

// ---- 1b. srun ... bash -c 'torchrun ...' -----------------------------------------------------------

TEST_CASE("rg9: srun launching torchrun through bash -c is read against the rendezvous") {
  auto run = [](const std::string& cmd) {
    Json lines = Json::array({"SLURM_JOB_NUM_NODES=4", cmd,
                              "[n-01]:I1203 10:00:03.1 90 torch/distributed/elastic/agent/server/api.py:677] [default] "
                              "Rendezvous'ing worker group"});
    Json logs = Json::array({{{"source", "slurm-5512.out"}, {"lines", lines}}});
    Json c = testing::LaunchCase("rg9-srun-bash", {{"alertname", "SlurmJobTimeLimit"}, {"slurm_job_id", "5512"}},
                                 "job 5512 produced no training output for 30 min", "2026-12-03T10:31:00Z", logs, 4);
    return testing::RunJsonWithPack(c);
  };
  const std::string rdzv = "--nproc-per-node=8 --rdzv-backend=c10d --rdzv-endpoint=n-01:29500 train.py";
  const Diagnosis d = run("+ srun -N 3 --ntasks-per-node=1 bash -c 'torchrun --nnodes=4 " + rdzv + "'");
  CHECK(testing::LaunchMismatch(d).find("srun starts 3 launcher agent(s) but the rendezvous waits for 4") !=
        std::string::npos);
  CHECK(d.root_cause == "launch_config_error");
  // `bash -lc "..."` and a path to the shell read the same.
  CHECK(testing::LaunchMismatch(run("+ srun -N 3 /bin/bash -lc \"torchrun --nnodes=4 " + rdzv + "\""))
            .find("srun starts 3") != std::string::npos);
  // Guard: 4 agents for 4 nodes through bash -c: no shortfall.
  CHECK(testing::LaunchMismatch(run("+ srun -N 4 --ntasks-per-node=1 bash -c 'torchrun --nnodes=4 " + rdzv + "'"))
            .find("srun starts") == std::string::npos);
}

// ---- 2. Year-less lines after a Dec 31 with no alert -------------------------------------------------

// No alert: the training's ISO lines begin on Dec 31; the Xid 119 is in an ISO journal at 23:53:07;
// the watchdog timeouts (glog, no year) are printed on Jan 1, 600 s after the hang began at 23:53:10.
constexpr const char* kFirmwareNewYear = R"JSON({
  "id": "rg9-new-year",
  "topology": {"nodes": ["n-01", "n-02", "n-03", "n-04"], "gpus_per_node": 8,
               "gpu_pci_bus": {"gpu4": "0000:9a:00.0"}},
  "logs": [
    {"source": "n-01/srun", "lines": [
      "[2025-12-31 23:41:34] iteration    23563/  500000 | elapsed time per iteration (ms): 4081.1 | lm loss: 2.299989E+00 |",
      "[2025-12-31 23:41:38] iteration    23564/  500000 | elapsed time per iteration (ms): 4123.0 | lm loss: 2.307432E+00 |",
      "[rank0]:[E0101 00:03:10.589429000 ProcessGroupNCCL.cpp:616] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=88120, OpType=ALLREDUCE, NumelIn=33554432, NumelOut=33554432, Timeout(ms)=600000) ran for 600205 milliseconds before timing out.",
      "[rank9]:[E0101 00:03:10.611002000 ProcessGroupNCCL.cpp:616] [Rank 9] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=88120, OpType=ALLREDUCE, NumelIn=33554432, NumelOut=33554432, Timeout(ms)=600000) ran for 600231 milliseconds before timing out.",
      "[rank17]:[E0101 00:03:10.640113000 ProcessGroupNCCL.cpp:616] [Rank 17] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=88120, OpType=ALLREDUCE, NumelIn=33554432, NumelOut=33554432, Timeout(ms)=600000) ran for 600262 milliseconds before timing out."
    ]},
    {"source": "n-04/journal", "lines": [
      "2025-12-31T23:53:07.000+00:00 n-04 kernel: NVRM: Xid (PCI:0000:9a:00): 119, pid=70311, name=python3, Timeout after 6s of waiting for RPC response from GPU4 GSP! Expected function 76 (GSP_RM_CONTROL) (0x20803039 0x1c).",
      "2025-12-31T23:53:14.000+00:00 n-04 kernel: NVRM: Xid (PCI:0000:9a:00): 119, pid=70311, name=python3, Timeout after 6s of waiting for RPC response from GPU4 GSP! Expected function 10 (FREE) (0xa55a00b0 0x0)."
    ]}
  ]
})JSON";

TEST_CASE("rg9: with no alert, year-less lines just after a Dec 31 are in the next year") {
  const Diagnosis d = Run(Parse(kFirmwareNewYear));
  CHECK(d.root_cause == "gpu_firmware_error");
  CHECK(d.component == "n-04/gpu4");
}

// ---- 3. Monitoring-stack lines in more wordings ------------------------------------------------------

TEST_CASE("rg9: systemd and kubelet lines about the monitoring stack, in the wordings TZ missed") {
  // systemd 250+'s start failure, with the unit's description after " - ".
  CHECK(MonitoringUnitOfLine("Mar 04 03:14:07 g-2 systemd[1]: Failed to start dcgm-exporter.service - NVIDIA DCGM Exporter.") ==
        "dcgm-exporter.service");
  // RHEL 7's syslog: "systemd: " with no PID.
  CHECK(MonitoringUnitOfLine("Mar  4 03:14:07 g-2 systemd: dcgm-exporter.service: main process exited, code=exited, status=1/FAILURE") ==
        "dcgm-exporter.service");
  CHECK(MonitoringUnitOfLine("Mar  4 03:14:07 g-2 systemd: Unit nvidia-dcgm.service entered failed state.") ==
        "nvidia-dcgm.service");
  // journalctl -u nvidia-dcgm -o cat: the unit's state line without systemd's tag.
  CHECK(MonitoringUnitOfLine("nvidia-dcgm.service: Main process exited, code=exited, status=1/FAILURE") ==
        "nvidia-dcgm.service");
  // The kubelet restarting the exporter's container, and kubectl showing its pod in CrashLoopBackOff.
  CHECK(MonitoringUnitOfLine("  Warning  BackOff  3m (x12 over 10m)  kubelet  Back-off restarting failed container "
                             "nvidia-dcgm-exporter in pod nvidia-dcgm-exporter-7xk2q_gpu-operator(1b2c)") ==
        "nvidia-dcgm-exporter");
  CHECK(MonitoringUnitOfLine("Mar 04 03:14:07 g-2 kubelet[2211]: E0304 03:14:07.123456 2211 pod_workers.go:1298] "
                             "\"Error syncing pod, skipping\" err=\"failed to \\\"StartContainer\\\" for "
                             "\\\"nvidia-dcgm-exporter\\\" with CrashLoopBackOff: \\\"back-off 5m0s restarting failed "
                             "container=nvidia-dcgm-exporter pod=nvidia-dcgm-exporter-7xk2q_gpu-operator(1b2c)\\\"\" "
                             "pod=\"gpu-operator/nvidia-dcgm-exporter-7xk2q\"") == "nvidia-dcgm-exporter");
  CHECK(MonitoringUnitOfLine("nvidia-dcgm-exporter-7xk2q            0/1     CrashLoopBackOff   12 (2m ago)   40m") ==
        "nvidia-dcgm-exporter-7xk2q");
  // Guards: the trainer's own unit and pod are not the monitoring stack's.
  CHECK(MonitoringUnitOfLine("Mar 04 03:14:07 g-2 systemd[1]: Failed to start trainer.service - LLM trainer.") == "");
  CHECK(MonitoringUnitOfLine("trainer.service: Main process exited, code=killed, status=9/KILL") == "");
  CHECK(MonitoringUnitOfLine("  Warning  BackOff  3m  kubelet  Back-off restarting failed container pytorch in pod "
                             "llm-worker-3_default(9f)") == "");
  CHECK(MonitoringUnitOfLine("llm-worker-3            0/1     CrashLoopBackOff   4 (1m ago)   20m") == "");
  // A line that only mentions the unit is no state line of it.
  CHECK(MonitoringUnitOfLine("see dcgm-exporter.service: docs") == "");
}

// A job whose only loud lines are the GPU exporter's unit failing to start on g-2.
constexpr const char* kExporterFailedToStart = R"JSON({
  "id": "rg9-exporter",
  "alert": {"labels": {"alertname": "TrainingStepTimeHigh", "job": "llm"},
            "annotations": {"summary": "step time of llm 40% above its baseline"},
            "startsAt": "2026-03-04T03:20:00Z"},
  "topology": {"nodes": ["g-1", "g-2"], "gpus_per_node": 8},
  "logs": [
    {"source": "g-2/journal", "lines": [
      "Mar 04 03:14:07 g-2 systemd[1]: Failed to start dcgm-exporter.service - NVIDIA DCGM Exporter.",
      "Mar 04 03:14:17 g-2 systemd[1]: Failed to start dcgm-exporter.service - NVIDIA DCGM Exporter.",
      "Mar  4 03:14:27 g-2 systemd: dcgm-exporter.service: main process exited, code=exited, status=1/FAILURE",
      "Mar  4 03:14:27 g-2 systemd: Unit dcgm-exporter.service entered failed state."
    ]}
  ]
})JSON";

TEST_CASE("rg9: a GPU exporter that fails to start votes for no fault") {
  const Diagnosis d = Run(Parse(kExporterFailedToStart));
  for (const Hypothesis& h : d.hypotheses) {
    CHECK_MESSAGE(h.category != "nvlink_error", h.category);  // before: nvlink_error 0.15
  }
}

// ---- 4. Malformed zone offsets ------------------------------------------------------------------------

TEST_CASE("rg9: a malformed zone offset is refused, and the line's time is zone-less") {
  CHECK_FALSE(ParseZoneOffsetMin("+05:3").has_value());  // before: +05:03
  CHECK_FALSE(ParseZoneOffsetMin("+5:30").has_value());
  CHECK_FALSE(ParseZoneOffsetMin("UTC+5:30").has_value());
  CHECK_FALSE(ParseZoneOffsetMin("+0530x").has_value());
  CHECK_FALSE(ParseZoneOffsetMin("+25:00").has_value());
  CHECK_FALSE(ParseZoneOffsetMin("+05:60").has_value());
  // The forms that stay.
  CHECK(ParseZoneOffsetMin("+05:30") == 330);
  CHECK(ParseZoneOffsetMin("-0500") == -300);
  CHECK(ParseZoneOffsetMin("UTC+1") == 60);
  CHECK(ParseZoneOffsetMin("UTC-12") == -720);
  LogClock utc;
  utc.year = 2026;
  utc.anchor_ms = At("2026-05-20T10:14:23Z");
  // An offset glued to a word, or out of range: the time is the local one (assumed UTC), not zoned.
  for (const char* line : {"2026-03-04T03:14:07+0530x kernel: x", "2026-03-04T03:14:07+25:00 kernel: x",
                           "2026-03-04T03:14:07+05:3 kernel: x", "2026-03-04T03:14:07+05:75 kernel: x"}) {
    const LineTime t = ParseLineTime(line, utc);
    CHECK_MESSAGE(t.ms == At("2026-03-04T03:14:07Z"), line);
    CHECK_FALSE_MESSAGE(t.zoned, line);
  }
  CHECK(ParseLineTime("2026-03-04T03:14:07+05:30 kernel: x", utc).ms == At("2026-03-03T21:44:07Z"));
  CHECK(ParseLineTime("2026-03-04T03:14:07-0500, kernel: x", utc).ms == At("2026-03-04T08:14:07Z"));
}

}  // namespace
}  // namespace vigil
