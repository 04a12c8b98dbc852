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

Json Parse(const char* text) { return testing::ParseCaseText(text); }

Diagnosis Run(const Json& j) { return testing::RunCaseWithOwnProbes(j); }

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

// ---- 5. DCGM_FR_* codes --------------------------------------------------------------------------------

TEST_CASE("rg9: the fault-code table knows DCGM's PCI replay rate and uncontained error codes") {
  const FaultCodeInfo* replay = FaultCodeInfoOf("dcgm pci_replay_rate");
  REQUIRE(replay != nullptr);
  CHECK(replay->category == "pcie_link_degraded");
  const FaultCodeInfo* uncontained = FaultCodeInfoOf("dcgm uncontained_error");
  REQUIRE(uncontained != nullptr);
  CHECK(uncontained->category == "gpu_memory_uncorrectable_ecc");
}

TEST_CASE("rg9: one map of DCGM_FR codes: dcgmi's reading is the table's") {
  CHECK(DcgmFrCodeCategory("GPU 6 DCGM_FR_NVLINK_ERROR_THRESHOLD: Detected 2 NvLink Replay errors") == "nvlink_error");
  CHECK(DcgmFrCodeCategory("Fail - GPU5: DCGM_FR_PCI_REPLAY_RATE") == "pcie_link_degraded");
  CHECK(DcgmFrCodeCategory("Warning - GPU2: DCGM_FR_CLOCK_THROTTLE_THERMAL") == "gpu_thermal_throttle");  // older name
  CHECK(DcgmFrCodeCategory("DCGM_FR_PENDING_ROW_REMAP") == "gpu_memory_uncorrectable_ecc");
  CHECK(DcgmFrCodeCategory("DCGM_FR_ROW_REMAP_FAILURE") == "gpu_row_remap_failure");
  CHECK(DcgmFrCodeCategory("DCGM_FR_FIELD_VIOLATION: Detected 4 throttling events") == "");
  CHECK(DcgmFrCodeCategory("DCGM_FR_XID_ERROR Detected XID 79") == "");
  CHECK(DcgmFrCodeCategory("no code here") == "");
  // The first code decides.
  CHECK(DcgmFrCodeCategory("DCGM_FR_VOLATILE_DBE_DETECTED and DCGM_FR_PCIE_REPLAY_THRESHOLD_VIOLATION") ==
        "gpu_memory_uncorrectable_ecc");
  // Every DCGM row of the table is read back by its own name.
  for (const FaultCodeInfo& f : FaultCodeTable()) {
    if (f.family != "dcgm") continue;
    std::string name(f.code.substr(5));
    for (char& ch : name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    std::string line = "Fail - GPU3: DCGM_FR_";
    line += name;
    CHECK_MESSAGE(DcgmFrCodeCategory(line) == f.category, f.code);
  }
}

SearchHit IncidentHit(const std::string& title, const std::vector<std::string>& symptoms = {},
                      const std::string& raw_text = "") {
  SearchHit h;
  h.kind = SearchHit::Kind::kIncident;
  h.incident.title = title;
  h.incident.symptoms = symptoms;
  h.incident.raw_text = raw_text;
  return h;
}

TEST_CASE("rg9: OtherFaultCode compares codes that name a fault, within a family") {
  const std::vector<std::string> xid79 = {"xid 79"};
  // Another Xid is another fault; the same Xid is not.
  CHECK(OtherFaultCode(IncidentHit("Xid 48: double-bit ECC error"), xid79));
  CHECK_FALSE(OtherFaultCode(IncidentHit("Xid 79: GPU has fallen off the bus"), xid79));
  // Another family may say the same fault: an Xid 31 incident for a CUDA illegal-address alert.
  const std::vector<std::string> illegal = FaultCodesInText("CUDA error: an illegal memory access was encountered");
  REQUIRE(illegal == std::vector<std::string>{"cuda illegal_address"});
  CHECK_FALSE(OtherFaultCode(IncidentHit("Xid 31: GPU memory page fault"), illegal));
  // Another code of the same family is another fault.
  CHECK(OtherFaultCode(IncidentHit("RuntimeError: CUDA error: unspecified launch failure"), illegal));
  CHECK(OtherFaultCode(IncidentHit("IBV_WC_RNR_RETRY_EXC_ERR on mlx5_2"), {"ibv retry_exc_err"}));
  // Consequences name no fault: an alert of only ncclRemoteError filters nothing, and an incident
  // whose only code is a flushed work request is no other fault.
  CHECK_FALSE(OtherFaultCode(IncidentHit("Xid 48: double-bit ECC error"), {"nccl remote_error"}));
  CHECK_FALSE(OtherFaultCode(IncidentHit("IBV_WC_WR_FLUSH_ERR after the link went down"), {"ibv retry_exc_err"}));
  // The title first; else the symptoms; else the text.
  CHECK(OtherFaultCode(IncidentHit("GPU gone", {"Xid 48 in dmesg"}), xid79));
  CHECK(OtherFaultCode(IncidentHit("GPU gone", {}, "dmesg: NVRM: Xid (PCI:0000:3b:00): 48, pid=1"), xid79));
  CHECK_FALSE(OtherFaultCode(IncidentHit("Xid 79: GPU has fallen off the bus", {}, "no prior Xid 48/94/95"), xid79));
  // No codes, or a hit that is no incident: nothing to compare.
  CHECK_FALSE(OtherFaultCode(IncidentHit("Xid 48: double-bit ECC error"), {}));
  SearchHit guide = IncidentHit("Xid 48: double-bit ECC error");
  guide.kind = SearchHit::Kind::kGuideChunk;
  CHECK_FALSE(OtherFaultCode(guide, xid79));
}

TEST_CASE("rg9: NamedCauseCodes lists a text's codes that name a fault, sorted, Xids apart") {
  CHECK(NamedCauseCodes("RuntimeError: CUDA error: an illegal memory access was encountered") == "; cuda illegal_address");
  CHECK(NamedCauseCodes("cudaErrorLaunchFailure after IBV_WC_RETRY_EXC_ERR") == "; cuda launch_failure; ibv retry_exc_err");
  // Xid numbers and consequences are not listed.
  CHECK(NamedCauseCodes("Xid 79 then ncclRemoteError and IBV_WC_WR_FLUSH_ERR") == "");
  // A code said to be absent is none.
  CHECK(NamedCauseCodes("no uncorrectable ECC error encountered") == "");
  CHECK(NamedCauseCodes("DCGM_FR_PCI_REPLAY_RATE on GPU 5") == "; dcgm pci_replay_rate");
  CHECK(NamedCauseCodes("") == "");
}

// dcgmi diag's Diagnostic row failing with the uncontained-error code on n-02's GPU 3: the code
// decides (DcgmDiagCategory's row-name rule would read "Diagnostic" as silent data corruption). A
// guard: main fa316e5 answers the same, by the KB's recall of pack-xid-95's "uncontained".
constexpr const char* kDcgmUncontained = R"JSON({
  "id": "rg9-dcgm-uncontained",
  "topology": {"nodes": ["n-01", "n-02"], "gpus_per_node": 8},
  "logs": [
    {"source": "n-02/dcgmi-diag", "lines": [
      "+---------------------------+------------------------------------------------+",
      "| Diagnostic                | Result                                         |",
      "+===========================+================================================+",
      "| Diagnostic                | Fail - GPU3: DCGM_FR_UNCONTAINED_ERROR                |",
      "|                           | Uncontained error detected on GPU 3            |",
      "+---------------------------+------------------------------------------------+"
    ]}
  ]
})JSON";

TEST_CASE("rg9: dcgmi diag's uncontained error is read as an uncorrectable memory error") {
  const Diagnosis d = Run(Parse(kDcgmUncontained));
  CHECK(d.root_cause == "gpu_memory_uncorrectable_ecc");
  CHECK(d.component == "n-02/gpu3");
}

// ---- 6. One absurd allocation --------------------------------------------------------------------------

Json OomCase(const std::string& tried, const std::string& capacity, const std::string& reserved_unallocated) {
  std::string line = "[rank3]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate ";
  line += tried;
  line += ". GPU 3 has a total capacity of ";
  line += capacity;
  line += " of which 1.06 GiB is free. Including non-PyTorch memory, this process has 78.08 GiB memory in use. Of the "
          "allocated memory 54.40 GiB is allocated by PyTorch, and ";
  line += reserved_unallocated;
  line += " is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting "
          "PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory "
          "Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)";
  Json lines = Json::array({"[rank3]: Traceback (most recent call last):",
                            "[rank3]:   File \"/workspace/model.py\", line 88, in forward",
                            "[rank3]:     buf = torch.empty(n_tokens * hidden * vocab, device=\"cuda\")", line});
  return {{"id", "rg9-oom"},
          {"topology", {{"nodes", Json::array({"n-01"})}, {"gpus_per_node", 8}}},
          {"logs", Json::array({{{"source", "n-01/rank3/stderr"}, {"lines", lines}}})}};
}

TEST_CASE("rg9: one allocation larger than the GPU is a size bug; expandable_segments only for a large reserve") {
  const Diagnosis absurd = Run(OomCase("4.00 TiB", "139.80 GiB", "2.31 GiB"));
  CHECK(absurd.root_cause == "cuda_oom");
  CHECK(absurd.mitigation.find("larger than the GPU's whole memory") != std::string::npos);
  CHECK(absurd.mitigation.find("expandable_segments") == std::string::npos);
  CHECK(absurd.mitigation.find("micro-batch") == std::string::npos);
  // PyTorch prints a huge request in GiB as well (H200 run 25: 4096.00 GiB on 139.80 GiB).
  CHECK(Run(OomCase("4096.00 GiB", "139.80 GiB", "0 bytes")).mitigation.find("larger than the GPU's whole memory") !=
        std::string::npos);
  // A request that fits the GPU with most of the reserve unallocated: fragmentation's fix.
  const Diagnosis frag = Run(OomCase("2.50 GiB", "79.15 GiB", "22.45 GiB"));
  CHECK(frag.root_cause == "cuda_oom");
  CHECK(frag.mitigation.find("expandable_segments") != std::string::npos);
  // A small reserve: no fragmentation, and no size bug either.
  const Diagnosis plain = Run(OomCase("2.50 GiB", "79.15 GiB", "312.45 MiB"));
  CHECK(plain.root_cause == "cuda_oom");
  CHECK(plain.mitigation.find("expandable_segments") == std::string::npos);
  CHECK(plain.mitigation.find("larger than the GPU's whole memory") == std::string::npos);
}

}  // namespace
}  // namespace vigil
