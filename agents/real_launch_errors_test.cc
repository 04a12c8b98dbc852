// A job's bad settings as the real stack prints them (agents/testdata/real_h100/run55_*.txt: the whole
// output of PyTorch 2.x's torchrun with NCCL 2.28.9 on the H100 machine, probes/gpu/nccl_env_demo.sh,
// probes/HISTORY.md run 55), diagnosed as a pasted log is (`vigil diagnose --log`), and the readers
// the run found missing: StatesNcclNetNotFound's NCCL 2.28 wording (nccl_net_missing.h) and NV55's
// StatesNoGpuVisible / StatesGpuLost (no_gpu_visible.h). Run 57's (run57_*.txt, PyTorch 2.11 with NCCL
// 2.28.9, probes/gpu/launch_env_demo.sh): more of a job's bad launch settings (launch_settings.h, LS57).
// Run 59's (run59_*.txt, the same stack, probes/gpu/version_env_demo.sh): library and build mismatches
// (launch_settings.h, LS59).
#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/diagnosis_testing.h"
#include "agents/launch_settings.h"
#include "agents/logs_case_testing.h"
#include "agents/nccl_net_missing.h"
#include "agents/no_gpu_visible.h"
#include "core/source_tree.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

// A fixture's lines; a CUDA program's whole output can be one line (run59_stub_cuda.txt).
std::vector<std::string> RealLines(const std::string& name, size_t at_least = 9) {
  std::ifstream in(SourceTreePath("agents/testdata/real_h100/" + name));
  CAPTURE(name);
  REQUIRE(in.good());
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  REQUIRE(lines.size() >= at_least);
  return lines;
}

Diagnosis PastedLog(const std::vector<std::string>& lines) {
  return testing::RunCaseWithOwnProbes(Case("t-run55", {"vm"}, Json::array({Log("vm/job/stderr", lines)})));
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
    CHECK(testing::ProbabilityOf(d, "launch_config_error") < d.confidence / 2);
  }
}

TEST_CASE("real NCCL 2.28 output of a bad NCCL_SOCKET_IFNAME, pasted: nccl_network_misconfig") {
  Diagnosis d = PastedLog(RealLines("run55_socket_ifname.txt"));
  CHECK(d.root_cause == "nccl_network_misconfig");
  CHECK(testing::ProbabilityOf(d, "launch_config_error") < d.confidence / 2);
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

TEST_CASE("ls57 StatesAllocatorConfigError, UnresolvedStoreHost, StatesRendezvousTimeout") {
  CHECK(StatesAllocatorConfigError("ValueError: Expected 'True' or 'False' at index 2 in ConfigTokenizer but got 'yes'"));
  CHECK(StatesAllocatorConfigError("RuntimeError: Unrecognized CachingAllocator option: max_split_mb"));
  CHECK_FALSE(StatesAllocatorConfigError("export PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True"));
  CHECK_FALSE(StatesAllocatorConfigError(std::string(4001, 'x') + " at index 2 in ConfigTokenizer"));
  CHECK(UnresolvedStoreHost("[W1207 15:07:23.870581107 socket.cpp:764] [c10d] The IPv6 network addresses of "
                            "(trainer-0.example.invalid, 29564) cannot be retrieved (gai error: -3 - Temporary failure "
                            "in name resolution).") == "trainer-0.example.invalid");
  CHECK(UnresolvedStoreHost("[c10d] The IPv4 network addresses of (master-x, 29500) cannot be retrieved (gai error: -2 - "
                            "Name or service not known).") == "master-x");
  // The client's own name, harmless: not the store host.
  CHECK(UnresolvedStoreHost("[W1204 08:20:02.000112 1203 socket.cpp:204] [c10d] The hostname of the client socket cannot "
                            "be retrieved. err=-3").empty());
  CHECK(StatesRendezvousTimeout("torch.distributed.elastic.rendezvous.api.RendezvousTimeoutError"));
  CHECK_FALSE(StatesRendezvousTimeout("torch.distributed.elastic.rendezvous.api.RendezvousClosedError"));
}

TEST_CASE("ls57 FindContextCreationOom: the runtime's OOM raised while the CUDA context is made") {
  const std::vector<std::string> ctx = {
      "Traceback (most recent call last):",
      "  File \"train.py\", line 12, in <module>",
      "    torch.cuda.set_device(local_rank)",
      "    torch._C._cuda_setDevice(device)",
      "torch.AcceleratorError: CUDA error: out of memory"};
  CHECK(FindContextCreationOom(ctx) == std::optional<size_t>(4));
  // An allocation that failed is the model's memory, whatever else the log holds.
  std::vector<std::string> alloc = ctx;
  alloc.push_back("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 GiB. GPU 0 has a total capacity of 79.19 GiB");
  CHECK_FALSE(FindContextCreationOom(alloc));
  // The same error from a kernel or a library call, no context frame before it.
  CHECK_FALSE(FindContextCreationOom({"  File \"model.py\", line 88, in forward", "    out = self.mlp(x)",
                                      "RuntimeError: CUDA error: out of memory"}));
}

TEST_CASE("ls57 real PyTorch output of a job's bad launch settings: launch_config_error") {
  // Before (run 57, 01db2b8d): ulimit -v 16 GiB cuda_oom 0.42; --nnodes=2 with one node `unknown` 0.10;
  // MASTER_ADDR that does not resolve nccl_network_misconfig 0.16; PYTORCH_CUDA_ALLOC_CONF=expandable_segments:yes
  // rank_process_crash 0.62; set_device(RANK) on node 1 of 2 launch_config_error 0.42 (right before, kept).
  for (const char* file : {"run57_vmem_limit.txt", "run57_nnodes_missing.txt", "run57_master_addr.txt",
                           "run57_alloc_conf.txt", "run57_rank_as_device.txt"}) {
    CAPTURE(file);
    Diagnosis d = PastedLog(RealLines(file));
    CHECK(d.root_cause == "launch_config_error");
    CHECK(testing::ProbabilityOf(d, "cuda_oom") < d.confidence / 2);
    CHECK(testing::ProbabilityOf(d, "rank_process_crash") < d.confidence / 2);
    CHECK(testing::ProbabilityOf(d, "nccl_network_misconfig") < d.confidence / 2);
  }
  CHECK(testing::HasEvidenceWith(PastedLog(RealLines("run57_vmem_limit.txt")), "CUDA could not create the process's context"));
}

TEST_CASE("ls57 near misses: a real OOM beside a context frame, and a rendezvous timeout after a GPU fell off the bus") {
  std::vector<std::string> oom = RealLines("run57_vmem_limit.txt");
  oom.push_back("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 64.00 GiB. GPU 0 has a total capacity of "
                "79.19 GiB of which 1.20 GiB is free.");
  CHECK(PastedLog(oom).root_cause == "cuda_oom");
  // The allocation's OOM in another rank's log counts as well.
  Json two = Case("t-run57-two", {"vm"},
                  Json::array({Log("vm/rank0/stderr", RealLines("run57_vmem_limit.txt")),
                               Log("vm/rank1/stderr", {"torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 64.00 GiB. "
                                                       "GPU 0 has a total capacity of 79.19 GiB of which 1.20 GiB is free."})}));
  Diagnosis d2 = testing::RunCaseWithOwnProbes(two);
  CHECK_FALSE(testing::HasEvidenceWith(d2, "CUDA could not create the process's context"));
  Json c = Case("t-run57-lost", {"vm"},
                Json::array({Log("vm/job/stderr", RealLines("run57_nnodes_missing.txt")),
                             Log("vm/kernel", {"[Mon Dec  7 15:06:02 2026] NVRM: Xid (PCI:0000:00:06): 79, pid=0, GPU has "
                                               "fallen off the bus."})}));
  CHECK(testing::RunCaseWithOwnProbes(c).root_cause == "gpu_fallen_off_bus");
}

TEST_CASE("ls59 real output of a job's library and build mismatches: launch_config_error") {
  // Before (run 59, the build of 6f15311f): the stub libcuda in a CUDA program's output `unknown` 0.10;
  // a module the image lacks rank_process_crash 0.62 (torchrun's "failed (exitcode: 1)"). The stub in a
  // torchrun job (0.42), a kernel built for sm_80 only (0.44) and MASTER_PORT taken (0.44) were right.
  for (const char* file : {"run59_stub_cuda.txt", "run59_no_module.txt", "run59_stub_torch.txt", "run59_arch.txt",
                           "run59_port_taken.txt"}) {
    CAPTURE(file);
    Diagnosis d = PastedLog(RealLines(file, 1));
    CHECK(d.root_cause == "launch_config_error");
    CHECK(d.confidence >= 0.4);
    CHECK(testing::ProbabilityOf(d, "rank_process_crash") < d.confidence / 2);
  }
  CHECK(testing::HasEvidenceWith(PastedLog(RealLines("run59_no_module.txt")), "lacks megatron"));
  CHECK(testing::HasEvidenceWith(PastedLog(RealLines("run59_stub_cuda.txt", 1)), "stub libcuda"));
}

TEST_CASE("ls59 near miss: an optional import fallen back from, then the model's own OOM") {
  Diagnosis d = PastedLog(
      {"[NeMo W 2026-12-07 19:41:02 nemo_logging:405] nvidia.dali not importable (No module named 'nvidia.dali'); "
       "falling back to the PIL/torchvision CPU decode path",
       "[rank0]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 GiB. GPU 0 has a total capacity of "
       "79.19 GiB of which 3.10 GiB is free.",
       "E1207 19:41:11.339000 811 torch/distributed/elastic/multiprocessing/api.py:986] failed (exitcode: 1) local_rank: 0 "
       "(pid: 836) of binary: /opt/torch/.venv/bin/python3"});
  CHECK(d.root_cause == "cuda_oom");
  CHECK_FALSE(testing::HasEvidenceWith(d, "lacks"));
}

TEST_CASE("ls59 StatesStubDriver and MissingFromImage") {
  CHECK(StatesStubDriver("cudaSetDevice: cudaErrorStubLibrary: CUDA driver is a stub library"));
  CHECK(StatesStubDriver("UserWarning: CUDA initialization: Unexpected error from cudaGetDeviceCount(). Error 34: CUDA "
                         "driver is a stub library (Triggered internally at /pytorch/c10/cuda/CUDAFunctions.cpp:109.)"));
  CHECK(StatesStubDriver("cuInit failed: CUDA_ERROR_STUB_LIBRARY"));
  CHECK_FALSE(StatesStubDriver("cudaSetDevice: cudaErrorInsufficientDriver: CUDA driver version is insufficient for CUDA "
                               "runtime version"));
  CHECK(MissingFromImage("ModuleNotFoundError: No module named 'megatron'") == "megatron");
  CHECK(MissingFromImage("[rank3]: ModuleNotFoundError: No module named 'transformer_engine.pytorch'") ==
        "transformer_engine.pytorch");
  CHECK(MissingFromImage("12: [default0]:ImportError: cannot import name 'get_device_mesh' from 'torch.distributed'") ==
        "get_device_mesh from torch.distributed");
  CHECK(MissingFromImage("ImportError: libcudnn.so.9: cannot open shared object file: No such file or directory") ==
        "libcudnn.so.9");
  CHECK(MissingFromImage("python3: error while loading shared libraries: libpython3.10.so.1.0: cannot open shared object "
                         "file: No such file or directory") == "libpython3.10.so.1.0");
  // Optional imports that are reported and fallen back from, and NCCL's plugin search: no errors.
  CHECK(MissingFromImage("[NeMo W 2026-12-04 22:00:04 nemo_logging:405] nvidia.dali not importable (No module named "
                         "'nvidia.dali'); falling back to the PIL/torchvision CPU decode path").empty());
  CHECK(MissingFromImage("node-1:41:41 [0] NCCL INFO NET/Plugin : dlerror=libnccl-net.so: cannot open shared object file: "
                         "No such file or directory No plugin found (libnccl-net.so), using internal implementation").empty());
  CHECK(MissingFromImage("I1202 20:40:05.553007 140221 xla_bridge.py:884] Unable to initialize backend 'tpu': INTERNAL: "
                         "Failed to open libtpu.so: libtpu.so: cannot open shared object file").empty());
  // Quoted inside another message (a pip log, a doc line): not the job's own error.
  CHECK(MissingFromImage("INFO: retrying after: ModuleNotFoundError: No module named 'x'").empty());
  CHECK(MissingFromImage(std::string(4001, 'x') + "ModuleNotFoundError: No module named 'y'").empty());
}

}  // namespace vigil
