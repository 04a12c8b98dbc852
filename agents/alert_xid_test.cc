// XidWithoutCodeInWords (AO5): an Xid an alert reports without its code.
#include <doctest/doctest.h>

#include <string>

#include "agents/alert_xid.h"

namespace vigil {
namespace {

TEST_CASE("uncoded xid: an Xid reported, its code not given") {
  CHECK(XidWithoutCodeInWords("GPUXidError\nnode-3: critical Xid reported") != "");
  CHECK(XidWithoutCodeInWords("NodeGPUXidErrors\nh100-node-12: 4 GPUs reported Xid errors in 10 minutes") != "");
  CHECK(XidWithoutCodeInWords("DCGMXidError\nDCGM_FI_DEV_XID_ERRORS != 0 on dgx-2 gpu 1 and dgx-5 gpu 6") != "");
  CHECK(XidWithoutCodeInWords("GPUXidError\nXid errors on a100-k-7") != "");
  CHECK(XidWithoutCodeInWords("KubeNodeGPUXidCritical\nNode b200-3 has condition GpuXidCritical\nGpuXidCritical") != "");
  CHECK(XidWithoutCodeInWords("DCGM_FI_DEV_XID_ERRORS > 0 for 1m") != "");
  CHECK(XidWithoutCodeInWords("KubeNodeConditionTrue\nGpuXidCritical") != "");
  CHECK(XidWithoutCodeInWords("XIDs logged by GPU 3 on node-8") != "");
  CHECK(XidWithoutCodeInWords("node-3: critical Xid reported").find("Xid") != std::string::npos);
}

TEST_CASE("uncoded xid: a code given, an Xid ruled out, other words") {
  CHECK(XidWithoutCodeInWords("GPUXidError\nXid 79 on node-3 GPU 2") == "");
  CHECK(XidWithoutCodeInWords("GPUXidError\nGPU 2 reported XID: 48") == "");
  CHECK(XidWithoutCodeInWords("NVRM: Xid (PCI:0000:3b:00): 79, GPU has fallen off the bus") == "");
  CHECK(XidWithoutCodeInWords("xid=\"119\"") == "");
  CHECK(XidWithoutCodeInWords("DCGM_FI_DEV_XID_ERRORS != 0 (value 48)") == "");
  CHECK(XidWithoutCodeInWords("GPUs on n-2 reported Xid 45") == "");
  CHECK(XidWithoutCodeInWords("Xid 48, 63 on node-1") == "");
  CHECK(XidWithoutCodeInWords("GPU 3 fell off the bus, no Xid logged") == "");
  CHECK(XidWithoutCodeInWords("training stalled without Xid errors") == "");
  CHECK(XidWithoutCodeInWords("0 Xid errors in the last hour") == "");
  CHECK(XidWithoutCodeInWords("aluminium oxide deposit on the fan") == "");
  CHECK(XidWithoutCodeInWords("coxid and boxidx words") == "");
  CHECK(XidWithoutCodeInWords("node-3 GPU 2 temperature 91 C") == "");
  CHECK(XidWithoutCodeInWords("") == "");
  CHECK(XidWithoutCodeInWords(std::string(5000, 'x') + " Xid errors") == "");
}

}  // namespace
}  // namespace vigil
