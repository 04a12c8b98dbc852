// A job's bad settings as the real stack prints them (agents/testdata/real_h100/run55_*.txt: the whole
// output of PyTorch 2.x's torchrun with NCCL 2.28.9 on the H100 machine, probes/gpu/nccl_env_demo.sh,
// probes/HISTORY.md run 55), diagnosed as a pasted log is (`vigil diagnose --log`), and the readers
// the run found missing: StatesNcclNetNotFound's NCCL 2.28 wording (nccl_net_missing.h) and NV55's
// StatesNoGpuVisible / StatesGpuLost (no_gpu_visible.h).
#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/diagnosis_testing.h"
#include "agents/logs_case_testing.h"
#include "agents/nccl_net_missing.h"
#include "agents/no_gpu_visible.h"
#include "core/source_tree.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

std::vector<std::string> RealLines(const std::string& name) {
  std::ifstream in(SourceTreePath("agents/testdata/real_h100/" + name));
  CAPTURE(name);
  REQUIRE(in.good());
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  REQUIRE(lines.size() > 20);
  return lines;
}

Diagnosis PastedLog(const std::vector<std::string>& lines) {
  return testing::RunCaseWithOwnProbes(Case("t-run55", {"vm"}, Json::array({Log("vm/job/stderr", lines)})));
}

double ProbabilityOf(const Diagnosis& d, const std::string& category) {
  double p = 0;
  for (const Hypothesis& h : d.hypotheses) {
    if (h.category == category) p = std::max(p, h.probability);
  }
  return p;
}

}  // namespace

TEST_CASE("StatesNcclNetNotFound: NCCL 2.28's 'Failed to initialize any NET plugin'") {
  CHECK(StatesNcclNetNotFound("[2026-12-07 11:35:15] vm:782:782 [0] plugin/net.cc:379 NCCL WARN Failed to initialize any NET plugin"));
  CHECK(StatesNcclNetNotFound("Failed to initialize any NET plugin"));  // PyTorch's echo after "Last error:"
  CHECK_FALSE(StatesNcclNetNotFound("vm:782:782 [0] NCCL INFO Failed to initialize NET plugin IB"));  // one of several
  CHECK_FALSE(StatesNcclNetNotFound("vm:782:782 [0] NCCL INFO NET/IB : No device found."));
  CHECK_FALSE(StatesNcclNetNotFound(std::string(4001, 'x') + " Failed to initialize any NET plugin"));
}

TEST_CASE("real NCCL 2.28 output of NCCL_NET=IB without an RDMA device: nccl_network_misconfig") {
  // Before: launch_config_error 0.30 tied with nccl_network_misconfig 0.30 (the ncclInvalidUsage line).
  for (const char* file : {"run55_nccl_net_ib.txt", "run55_nccl_ib_hca.txt"}) {
    CAPTURE(file);
    Diagnosis d = PastedLog(RealLines(file));
    CHECK(d.root_cause == "nccl_network_misconfig");
    CHECK(d.component == "job");
    CHECK(ProbabilityOf(d, "launch_config_error") < d.confidence / 2);
  }
}

TEST_CASE("real NCCL 2.28 output of a bad NCCL_SOCKET_IFNAME, pasted: nccl_network_misconfig") {
  Diagnosis d = PastedLog(RealLines("run55_socket_ifname.txt"));
  CHECK(d.root_cause == "nccl_network_misconfig");
  CHECK(ProbabilityOf(d, "launch_config_error") < d.confidence / 2);
}

TEST_CASE("StatesNoGpuVisible / StatesGpuLost") {
  CHECK(StatesNoGpuVisible("ValueError: ProcessGroupNCCL is only supported with GPUs, no GPUs found!"));
  CHECK(StatesNoGpuVisible("RuntimeError: No CUDA GPUs are available"));
  CHECK(StatesNoGpuVisible("CUDA error: no CUDA-capable device is detected"));
  CHECK(StatesNoGpuVisible("cudaGetDeviceCount failed: cudaErrorNoDevice"));
  CHECK_FALSE(StatesNoGpuVisible("RuntimeError: CUDA error: invalid device ordinal"));
  CHECK_FALSE(StatesNoGpuVisible("found 8 GPUs, no GPU is busy"));
  CHECK(StatesGpuLost("[  812.4] NVRM: Xid (PCI:0000:3b:00): 79, pid=0, GPU has fallen off the bus."));
  CHECK(StatesGpuLost("NVRM: GPU 0000:3b:00.0: RmInitAdapter failed! (0x26:0x56:1474)"));
  CHECK(StatesGpuLost("No devices were found"));
  CHECK(StatesGpuLost("Unable to determine the device handle for GPU0000:3B:00.0: Unknown Error"));
  CHECK_FALSE(StatesGpuLost("NVRM: Xid (PCI:0000:3b:00): 31, pid=811, name=python3, Ch 00000008"));
  CHECK(StatesDriverCannotServe("RuntimeError: The NVIDIA driver on your system is too old (found version 12020)."));
  CHECK(StatesDriverCannotServe("CUDA error: system has unsupported display driver / cuda driver combination"));
  CHECK(StatesDriverCannotServe("cudaGetDeviceCount: CUDA driver version is insufficient for CUDA runtime version"));
  CHECK_FALSE(StatesDriverCannotServe("NVIDIA driver 550.54.15 loaded"));
}

TEST_CASE("real PyTorch output of CUDA_VISIBLE_DEVICES naming a missing GPU: launch_config_error, not a rank crash") {
  // Before: rank_process_crash @ vm/gpu0 0.62 (torchrun's "failed (exitcode: 1)").
  std::vector<std::string> lines = RealLines("run55_visible_devices.txt");
  Diagnosis d = PastedLog(lines);
  CHECK(d.root_cause == "launch_config_error");
  CHECK(testing::HasEvidenceWith(d, "the launch gave it none"));
  // Near miss: the same output beside the kernel's word that the node's GPU fell off the bus is the GPU's.
  Json c = Case("t-run55-lost", {"vm"},
                Json::array({Log("vm/job/stderr", lines),
                             Log("vm/kernel", {"[Mon Dec  7 11:30:02 2026] NVRM: Xid (PCI:0000:00:06): 79, pid=0, GPU has "
                                               "fallen off the bus."})}));
  Diagnosis e = testing::RunCaseWithOwnProbes(c);
  CHECK(e.root_cause == "gpu_fallen_off_bus");
  CHECK_FALSE(testing::HasEvidenceWith(e, "the launch gave it none"));
}

}  // namespace vigil
