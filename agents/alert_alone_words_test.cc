// ALR2's readers of what one alert alone states (alert_alone_words.h), with near misses that must not read.
#include <doctest/doctest.h>

#include <string>

#include "agents/alert_alone_words.h"

namespace vigil {
namespace {

TEST_CASE("alr2 words: a rank's crash signal") {
  CHECK(CrashSignalInWords("rank 13 of ds-sft-34b exited with signal SIGSEGV").signal == CrashSignal::kSegv);
  CHECK(CrashSignalInWords("PyTorchJob vlm failed (worker-1 exit code 139)").signal == CrashSignal::kSegv);
  CHECK(CrashSignalInWords("ds-ul2-20b failed: launcher reports exit -11").signal == CrashSignal::kSegv);
  CHECK(CrashSignalInWords("trainer: Segmentation fault (core dumped)").signal == CrashSignal::kSegv);
  CHECK(CrashSignalInWords("sacct: ExitCode 0:11").signal == CrashSignal::kSegv);
  CHECK(CrashSignalInWords("sft-405b: rank 26 on h200-p1-n04 exited (signal 7)").signal == CrashSignal::kBus);
  CHECK(CrashSignalInWords("worker got SIGBUS").signal == CrashSignal::kBus);
  CHECK(CrashSignalInWords("sam2-ft: worker exited with signal 6").signal == CrashSignal::kAbort);
  CHECK(CrashSignalInWords("vidgen-xl-worker-1 exited 134").signal == CrashSignal::kAbort);
  CHECK(CrashSignalInWords("job 571549 FAILED (exit 134)").signal == CrashSignal::kAbort);
  CHECK(CrashSignalInWords("rank 27 exited with SIGABRT").signal == CrashSignal::kAbort);
  CHECK(CrashSignalInWords("rank 27 exited with SIGABRT").quote == "SIGABRT");
}

TEST_CASE("alr2 words: no crash signal (near misses)") {
  CHECK(CrashSignalInWords("job FAILED, exit code 1").signal == CrashSignal::kNone);
  CHECK(CrashSignalInWords("rank 9 exited with signal 9 (SIGKILL)").signal == CrashSignal::kNone);
  CHECK(CrashSignalInWords("exit code 137").signal == CrashSignal::kNone);
  CHECK(CrashSignalInWords("NCCL timeout on 134 ranks").signal == CrashSignal::kNone);
  CHECK(CrashSignalInWords("Xid 13 on GPU 11").signal == CrashSignal::kNone);
  CHECK(CrashSignalInWords("exit 1340 after retry").signal == CrashSignal::kNone);
  CHECK(CrashSignalInWords("PCIe Bus Error: severity=Corrected").signal == CrashSignal::kNone);
  CHECK(CrashSignalInWords("SNR signal 7.5 dB").signal == CrashSignal::kNone);
  CHECK(CrashSignalInWords(std::string(5000, 'x') + " SIGSEGV").signal == CrashSignal::kNone);
}

TEST_CASE("alr2 words: out of memory, the GPU's, unqualified, or not this reading's") {
  CHECK(OomInWords("job 'llava-next-34b' failed: CUDA OOM on rank 10").kind == OomKind::kCuda);
  CHECK(OomInWords("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2 GiB").kind == OomKind::kCuda);
  CHECK(OomInWords("rank 3: cudaErrorMemoryAllocation").kind == OomKind::kCuda);
  CHECK(OomInWords("job ft-gemma-27b: rank 11 OOM at first step").kind == OomKind::kUnqualified);
  CHECK(OomInWords("longctx-128k: worker exited (OOM?)").kind == OomKind::kUnqualified);
  CHECK(OomInWords("pod trainer-0 OOMKilled (exit 137)").kind == OomKind::kNone);
  CHECK(OomInWords("OOM killer ended 1 process on gpu-q06").kind == OomKind::kNone);
  CHECK(OomInWords("host out of memory on node-3").kind == OomKind::kNone);
  CHECK(OomInWords("container OOM in pod x").kind == OomKind::kNone);
  CHECK(OomInWords("GPU memory 97% used: risk of OOM").kind == OomKind::kNone);
  CHECK(OomInWords("job failed, no CUDA OOM in the log").kind == OomKind::kNone);
  CHECK(OomInWords("zoom meeting about the roomba").kind == OomKind::kNone);
}

TEST_CASE("alr2 words: an InfiniBand port not active") {
  CHECK(IbPortNotActiveInWords("InfiniBand port mlx5_4/1 on ib-node-r12-05 is not ACTIVE") != "");
  CHECK(IbPortNotActiveInWords("IB port mlx5_2 port 1 not active") != "");
  CHECK(IbPortNotActiveInWords("mlx5_3 port 1 state POLLING for 5m") != "");
  CHECK(IbPortNotActiveInWords("InfiniBand port mlx5_4/1 is ACTIVE again") == "");
  CHECK(IbPortNotActiveInWords("eth0 port 1 is not active") == "");
  CHECK(IbPortNotActiveInWords("InfiniBand port mlx5_4/1 on gpu-s21 is down") == "");
  CHECK(IbDeviceOf("mlx5_4", "") == "mlx5_4");
  CHECK(IbDeviceOf("", "port mlx5_7/1 not ACTIVE") == "mlx5_7");
  CHECK(IbDeviceOf("eth0", "IB port 1 not active") == "");
}

TEST_CASE("alr2 words: a PCIe link trained below its width or generation") {
  CHECK(PcieLinkBelowInAlert("", "DCGM_FI_DEV_PCIE_LINK_WIDTH < 16 or DCGM_FI_DEV_PCIE_LINK_GEN < 4") != "");
  CHECK(PcieLinkBelowInAlert("", "DCGM_FI_DEV_PCIE_LINK_GEN{gpu=\"3\"} != DCGM_FI_DEV_PCIE_MAX_LINK_GEN") != "");
  CHECK(PcieLinkBelowInAlert("a100p-g3-n05 GPU 5 PCIe link below x16 / Gen4", "") != "");
  CHECK(PcieLinkBelowInAlert("PCIe link downtrained to x8 on GPU 2", "") != "");
  CHECK(PcieLinkBelowInAlert("", "DCGM_FI_DEV_PCIE_LINK_WIDTH >= 16") == "");
  CHECK(PcieLinkBelowInAlert("PCIe replays rising on GPU 1", "rate(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[5m]) > 1") == "");
  CHECK(PcieLinkBelowInAlert("NVLink bandwidth below 300 GB/s", "") == "");
}

TEST_CASE("alr2 words: NVLink / PCIe error counters named in plain words") {
  CHECK(ErrorCounterInWords("node-8 GPU 3: NVLink CRC flit errors rising") == "DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL");
  CHECK(ErrorCounterInWords("NVLink replay errors increasing on GPU 2") == "DCGM_FI_DEV_NVLINK_REPLAY_ERROR_COUNT_TOTAL");
  CHECK(ErrorCounterInWords("node-15 GPU 1: PCIe replay counter +4000/h") == "DCGM_FI_DEV_PCIE_REPLAY_COUNTER");
  CHECK(ErrorCounterInWords("PCIe replays rising on p5-01 GPU 1") == "DCGM_FI_DEV_PCIE_REPLAY_COUNTER");
  CHECK(ErrorCounterInWords("NVLink CRC errors: 0 in the last hour") == "");
  CHECK(ErrorCounterInWords("PCIe replay counter cleared after reset, no longer rising") == "");
  CHECK(ErrorCounterInWords("correctable ECC errors rising on GPU 5") == "");
  CHECK(ErrorCounterInWords("NVLink bandwidth rising") == "");
}

TEST_CASE("alr2 words: only correctable ECC errors") {
  CHECK(OnlyCorrectableEcc("Correctable ECC errors rising on gpu-m11 GPU 5", "increase(DCGM_FI_DEV_ECC_SBE_VOL_TOTAL[1h]) > 100"));
  CHECK(OnlyCorrectableEcc("GPU 2: 129 correctable ECC errors in 7 days", ""));
  CHECK(OnlyCorrectableEcc("GPUCorrectableECCRising", "increase(DCGM_FI_DEV_ECC_SBE_AGG_TOTAL[7d]) > 100"));
  CHECK_FALSE(OnlyCorrectableEcc("uncorrectable ECC error on GPU 1", ""));
  CHECK_FALSE(OnlyCorrectableEcc("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL increased", "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL > 0"));
  CHECK_FALSE(OnlyCorrectableEcc("correctable ECC errors and Xid 48 on GPU 1", ""));
  CHECK_FALSE(OnlyCorrectableEcc("GPU temperature high", ""));
}

TEST_CASE("alr2 words: a Kubernetes container killed by SIGKILL without OOMKilled") {
  CHECK(KubeKillWithoutOomReason("KubePodContainerRestarted\nPod a/b container pytorch restarted (exit 137)", true));
  CHECK(KubeKillWithoutOomReason("pod trainer-3 terminated with exit code 137", false));
  CHECK_FALSE(KubeKillWithoutOomReason("PodOOMKilled\npod sd3-worker-1 OOMKilled (exit 137)", true));
  CHECK_FALSE(KubeKillWithoutOomReason("rank 9 exited with signal 9 (SIGKILL)", false));  // not a container's
  CHECK_FALSE(KubeKillWithoutOomReason("Pod a/b container pytorch restarted (exit code 1)", true));
}

// RV2 (2026-12-06): an exit status at the end of a sentence ("... exit code 139.") was not read: the
// look-ahead that keeps "exit 1340" out also refused the full stop after the number.
TEST_CASE("rv2 alr2 words: an exit status before a full stop is read") {
  CHECK(CrashSignalInWords("Job step 4 of llm-70b failed: rank 3 exited with exit code 139.").signal == CrashSignal::kSegv);
  CHECK(CrashSignalInWords("worker-2 exited 134. Restarting.").signal == CrashSignal::kAbort);
  CHECK(CrashSignalInWords("launcher: rank 7 exit status: -7.").signal == CrashSignal::kBus);
  CHECK(KubeKillWithoutOomReason("Container trainer in pod llm-0 terminated with exit code 137.", false));
  // Still not read: a longer number, a decimal.
  CHECK(CrashSignalInWords("exit 1340. after retry").signal == CrashSignal::kNone);
  CHECK(CrashSignalInWords("exit code 139.5 ms").signal == CrashSignal::kNone);
  CHECK_FALSE(KubeKillWithoutOomReason("pod trainer-3 terminated with exit code 137.5", false));
}

// RV2: words that rule an OOM out were read as an OOM: "not OOMKilled" as the OOMKilled reason (the
// SIGKILL then not read), "a non-OOM error" and "wasn't an OOM" as an out-of-memory report.
TEST_CASE("rv2 alr2 words: an OOM ruled out in other words is none") {
  CHECK(KubeKillWithoutOomReason("Container trainer in pod llm-0 was killed (exit code 137), reason Error, not OOMKilled", false));
  CHECK(KubeKillWithoutOomReason("pod trainer-3: SIGKILL (exit 137), no OOM in its events", false));
  CHECK(KubeKillWithoutOomReason("pod trainer-3 exit code 137; it wasn't OOMKilled", false));
  CHECK(KubeKillWithoutOomReason("container pytorch terminated: exit code 137, OOMKilled: false", false));
  CHECK_FALSE(KubeKillWithoutOomReason("pod trainer-3 OOMKilled (exit code 137)", false));
  CHECK_FALSE(KubeKillWithoutOomReason("pod trainer-3 exit 137, not an eviction: the OOM killer ended it", false));
  CHECK(OomInWords("rank 5 of sft-8b exited with a non-OOM error").kind == OomKind::kNone);
  CHECK(OomInWords("rank 5 crashed at step 10; it wasn't an OOM").kind == OomKind::kNone);
  CHECK(OomInWords("rank 5 died, isn't out of memory").kind == OomKind::kNone);
  CHECK(OomInWords("rank 5 OOM at step 10 (non-fatal on rank 6)").kind == OomKind::kUnqualified);
}

// RV2: "non-correctable ECC errors" (an uncorrectable error in other words) was read as only
// correctable ones (a sign to watch).
TEST_CASE("rv2 alr2 words: non-correctable ECC errors are not only correctable ones") {
  CHECK_FALSE(OnlyCorrectableEcc("GPU 3 on h100-n07: non-correctable ECC errors detected", ""));
  CHECK_FALSE(OnlyCorrectableEcc("GPU 3: 2 non correctable memory errors", ""));
  CHECK_FALSE(OnlyCorrectableEcc("GPU 3: correctable ECC errors rising, 1 not correctable", ""));
  CHECK(OnlyCorrectableEcc("GPU 3: 2 correctable memory errors (non-fatal)", ""));
}

}  // namespace
}  // namespace vigil
