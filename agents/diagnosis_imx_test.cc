// Tests of IMX's knowledge (2026-12-04): on GB200 NVL72 racks multi-node NVLink (NCCL's MNNVL / NVLS)
// exports GPU memory through the IMEX daemon and the IMEX channel device
// /dev/nvidia-caps-imex-channels/channelN. A container started without the channel, or a node whose
// nvidia-imex daemon is down, makes NCCL's cuMem fabric-handle export or import fail: a
// configuration fault of the communication setup (nccl_network_misconfig), not a launch error and
// not a broken NVLink. The cases are written for the tests (node names nv-01 ...).
#include <doctest/doctest.h>

#include <string>

#include "agents/diagnosis_testing.h"

namespace vigil {
namespace {

Diagnosis Run(const char* text) { return testing::RunCaseWithOwnProbes(testing::ParseCaseText(text)); }

// The job's container was started without the IMEX channel device; the hosts have it.
constexpr const char* kContainerWithoutChannel = R"JSON({
  "id": "imx-container-no-channel",
  "topology": {"gpu_model": "NVIDIA GB200", "nodes": ["nv-01", "nv-02"], "gpus_per_node": 4},
  "logs": [
    {"source": "job-5521/rank0.log", "lines": [
      "nv-01:3301:3301 [0] NCCL INFO NCCL version 2.26.5+cuda12.9",
      "nv-01:3301:3301 [0] NCCL INFO MNNVL enabled, fabric clique 0x2 size 8",
      "nv-01:3301:3377 [0] transport/nvls.cc:161 NCCL WARN Cuda failure 'invalid device ordinal' (cuMemExportToShareableHandle CU_MEM_HANDLE_TYPE_FABRIC)",
      "nv-01:3301:3377 [0] NCCL WARN IMEX channel /dev/nvidia-caps-imex-channels/channel0 not present in the container, set NCCL_NVLS_ENABLE=0 or mount the channel",
      "nv-01:3301:3377 [0] NCCL INFO transport/nvls.cc:302 -> 1",
      "RuntimeError: NCCL error in: ProcessGroupNCCL.cpp:1970, unhandled cuda error, NCCL version 2.26.5"
    ]},
    {"source": "kubectl exec job-5521-worker-0 -- ls -l /dev/nvidia-caps-imex-channels", "lines": [
      "ls: cannot access '/dev/nvidia-caps-imex-channels': No such file or directory"
    ]}
  ]
})JSON";

// One node's nvidia-imex daemon failed to start; the other nodes' are up.
constexpr const char* kOneNodeImexDown = R"JSON({
  "id": "imx-one-node-daemon-down",
  "topology": {"gpu_model": "NVIDIA GB200", "nodes": ["nv-01", "nv-02", "nv-03"], "gpus_per_node": 4},
  "logs": [
    {"source": "slurm-8812.out", "lines": [
      "nv-03:5120:5188 [1] transport/p2p.cc:280 NCCL WARN Cuda failure 'operation not permitted' (cuMemImportFromShareableHandle)",
      "nv-03:5120:5188 [1] NCCL INFO proxy.cc:1490 -> 1",
      "srun: error: nv-03: tasks 8-11: Exited with exit code 1"
    ]},
    {"source": "ssh nv-03 'systemctl status nvidia-imex'", "lines": [
      "nv-03 nvidia-imex[2210]: IMEX daemon failed to start: imex: node config /etc/nvidia-imex/nodes_config.cfg not ready",
      "nv-03 systemd[1]: nvidia-imex.service: Main process exited, code=exited, status=1/FAILURE"
    ]}
  ]
})JSON";

TEST_CASE("imx: a container without the IMEX channel is a communication misconfiguration of the job") {
  Diagnosis d = Run(kContainerWithoutChannel);
  CHECK(d.root_cause == "nccl_network_misconfig");  // before: launch_config_error
  CHECK(d.component == "job");                       // the container's setup, not one node
}

TEST_CASE("imx: one node's nvidia-imex daemon down is that node's communication misconfiguration") {
  Diagnosis d = Run(kOneNodeImexDown);
  CHECK(d.root_cause == "nccl_network_misconfig");  // before: nvlink_error
  CHECK(d.component == "nv-03");                     // the node whose daemon is down
}

}  // namespace
}  // namespace vigil
