// NVS2 (2026-12-05): an NVSwitch outside the node. On GB200 / GB300 NVL72 racks the NVSwitches sit in
// switch trays (hosts of their own: NVOS, NMX-C / NMX-T, nvlsm); a tray that fails degrades NVLink for
// every compute tray of the rack. On HGX nodes a fatal error of a TRUNK link (NVSwitch to NVSwitch, an
// NVLink switch system's OSFP port) carries many GPUs' traffic. Neither is the GPU whose Xid 74 was read
// first (nvswitch_fault.h). Cases written for the tests (racks nvl72-rNN, trays nvsw-rNN-tN, HGX nodes
// hz-NN), in the shapes NVOS, NMX, nvlsm, the fabric manager and the NVSwitch driver print.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "agents/component_text.h"
#include "agents/diagnosis_testing.h"
#include "agents/nvswitch_fault.h"

namespace vigil {
namespace {

const std::set<std::string> kTrays = {"nvl72-r03-ct01", "nvl72-r03-ct02", "nvl72-r03-ct05"};

TEST_CASE("SwitchTrayFaultHost: a switch tray's own line that the tray failed as a whole") {
  // NVOS syslog on the tray, NMX-C's event, nvlsm, the fabric manager on the tray, an ops paste.
  CHECK(SwitchTrayFaultHost("Dec  5 03:12:40 nvsw-r03-t2 nvos-platformd[1412]: NVSwitch ASIC 1 fatal error, ASIC reset required",
                            "nvsw-r03-t2/journal", kTrays) == "nvsw-r03-t2");
  CHECK(SwitchTrayFaultHost("2026-12-05T03:12:41Z nvsw-r03-t2 nvlsm[2290]: 14 NVLink ports down on this switch, routing degraded",
                            "nvsw-r03-t2/nvlsm", kTrays) == "nvsw-r03-t2");
  CHECK(SwitchTrayFaultHost("NMX-C event: switch tray nvsw-r07-t4 unreachable, all access ports inactive", "ops/nmx", kTrays) ==
        "nvsw-r07-t4");
  CHECK(SwitchTrayFaultHost("[Dec 05 2026 03:12:41] [ERROR] [tid 88] NVSwitch 0 reported a fatal error; switch marked degraded",
                            "nvsw-r03-t2/fabricmanager.log", kTrays) == "nvsw-r03-t2");
  CHECK(SwitchTrayFaultHost("nv show platform: switch-tray NVSW_R11_T3.pod2 power fault, all links down", "oncall", {}) ==
        "NVSW_R11_T3.pod2");
  // Not a tray's fault: one link of the tray with its peer GPU (that GPU's link), a compute tray's own
  // fabric manager, a tray named without a hostname, a recovery, no fault.
  CHECK(SwitchTrayFaultHost("[INFO] port 21 of NVSwitch 1 trained down; peer GPU 2 on compute tray ct05",
                            "nvsw-r03-t2/fabricmanager.log", kTrays) == "");
  CHECK(SwitchTrayFaultHost("Dec  5 03:12:40 nvsw-r03-t2 nvos-platformd[1412]: NVLink 37 down (peer nvl72-r03-ct05 GPU 1)",
                            "nvsw-r03-t2/journal", kTrays) == "");
  CHECK(SwitchTrayFaultHost("Dec  5 03:12:40 nvl72-r03-ct01 nv-fabricmanager[991]: NVSwitch 2 fatal error, reset required",
                            "nvl72-r03-ct01/journal", kTrays) == "");
  CHECK(SwitchTrayFaultHost("NVSwitchTrayPortDown 03:12 UTC nvl72-r2 switch tray 6: 4 NVLink ports down", "ops/shell", kTrays) == "");
  CHECK(SwitchTrayFaultHost("Dec  5 03:20:00 nvsw-r03-t2 nvos-platformd[1412]: NVSwitch ASIC 1 recovered, all ports up",
                            "nvsw-r03-t2/journal", kTrays) == "");
  CHECK(SwitchTrayFaultHost("Dec  5 03:20:00 nvsw-r03-t2 nvlsm[2290]: sweep complete, 72 GPUs routed", "nvsw-r03-t2/nvlsm", kTrays) == "");
  CHECK(SwitchTrayFaultHost(std::string(5000, 'x') + " switch tray nvsw-r03-t2 down", "ops", kTrays) == "");
}

TEST_CASE("IsTrunkLinkFault: an NVSwitch trunk / OSFP link's fault, read by its words only") {
  CHECK(IsTrunkLinkFault("nvidia-nvswitch4: SXid (PCI:0000:e5:00.0): 22013, Fatal, trunk Link 40 minion training failed"));
  CHECK(IsTrunkLinkFault("nv-fabricmanager[3301]: failed to train trunk NVLink connections between baseboard 0 and baseboard 1"));
  CHECK(IsTrunkLinkFault("nvidia-nvswitch1: OSFP port 7 (cage 3) link down, NVLink network degraded"));
  // An access link (no trunk named: the port number alone does not say), a recovery, no NVSwitch line.
  CHECK_FALSE(IsTrunkLinkFault("nvidia-nvswitch1: SXid (PCI:0000:86:00.0): 12028, Fatal, Link 08 egress non-posted PRIV error"));
  CHECK_FALSE(IsTrunkLinkFault("nv-fabricmanager[3301]: trunk NVLink connections between baseboards trained successfully, no errors"));
  CHECK_FALSE(IsTrunkLinkFault("switch trunk to spine-3 down (ethernet)"));
}

TEST_CASE("SharedRackOfHosts / IsGpuNvlinkFaultLine / ShowsMultiNodeNvlinkDomain") {
  CHECK(SharedRackOfHosts({"nvl72-r02-ct04", "nvl72-r02-ct11"}) == "nvl72-r02");
  CHECK(SharedRackOfHosts({"gb-r03-c05.corp.example", "gb-r03-c07.corp.example"}) == "gb-r03");
  CHECK(SharedRackOfHosts({"nvl72-r01-ct01", "nvl72-r02-ct04"}) == "");
  CHECK(SharedRackOfHosts({"gpu-0412", "gpu-0413"}) == "");
  CHECK(SharedRackOfHosts({"a3-node-18", "a3-node-19"}) == "");
  CHECK(SharedRackOfHosts({"nvl72-r02-ct04"}) == "");
  CHECK(IsGpuNvlinkFaultLine("kernel: NVRM: Xid (PCI:0019:01:00): 74, pid=90412, name=python, NVLink: fatal error detected on link 12"));
  CHECK(IsGpuNvlinkFaultLine("[rank9]: RuntimeError: CUDA error: uncorrectable NVLink error was detected during the execution"));
  CHECK_FALSE(IsGpuNvlinkFaultLine("kernel: NVRM: Xid (PCI:0019:01:00): 79, pid=90412, GPU has fallen off the bus."));
  CHECK_FALSE(IsGpuNvlinkFaultLine("NCCL INFO Channel 00/24 : 0[0] -> 1[1] via P2P/MNNVL"));
  CHECK(ShowsMultiNodeNvlinkDomain("NCCL INFO MNNVL busId 0x8010 fabric UUID 9f1a cliqueId 0x1 state 3"));
  CHECK(ShowsMultiNodeNvlinkDomain("NVIDIA GB200"));
  CHECK_FALSE(ShowsMultiNodeNvlinkDomain("NVIDIA H100 80GB HBM3"));
}

TEST_CASE("IsGpuNvlinkFaultLine reads Xid 74 through the fault-code table (PLC21)") {
  // The driver's line with no NVLink word: the code alone (the table's "xid 74" -> nvlink_error).
  CHECK(IsGpuNvlinkFaultLine("NVRM: Xid (PCI:0000:3b:00): 74, pid=1201, name=python3, Ch 00000008"));
  CHECK(IsGpuNvlinkFaultLine("Dec  5 04:58:10 ct07 kernel: NVRM: Xid 74, pid=1201"));
  CHECK(IsGpuNvlinkFaultLine("XID: 74 reported on GPU 3"));
  CHECK(IsGpuNvlinkFaultLine("NVRM: Xid (PCI:0000:3b:00): 48, 74"));  // a list: its 74 too
  // Other codes, an NVSwitch's SXid, a number that only holds 74, a field named xid_*: none.
  CHECK_FALSE(IsGpuNvlinkFaultLine("NVRM: Xid (PCI:0000:3b:00): 174, pid=1201"));
  CHECK_FALSE(IsGpuNvlinkFaultLine("nvidia-nvswitch0: SXid (PCI:0000:05:00.0): 74, Non-fatal"));
  CHECK_FALSE(IsGpuNvlinkFaultLine("NVRM: Xid (PCI:0000:3b:00): 94, pid=74"));
  CHECK_FALSE(IsGpuNvlinkFaultLine("{\"xid_last\": 74}"));
}

// A GB200 NVL72 rack r03: three compute trays print Xid 74 within a second, and the switch tray
// nvsw-r03-t2's NVOS log says its ASIC failed.
constexpr const char* kTrayDown = R"JSON({
  "id": "nvs2-tray",
  "alert": null,
  "topology": {"gpu_model": "NVIDIA GB200", "nodes": ["nvl72-r03-ct01", "nvl72-r03-ct02", "nvl72-r03-ct05"], "gpus_per_node": 4,
               "gpu_pci_bus": {"gpu0": "0008:01:00.0", "gpu1": "0009:01:00.0", "gpu2": "0018:01:00.0", "gpu3": "0019:01:00.0"}},
  "logs": [
    {"source": "slurm-5512.out", "lines": [
      "0: nvl72-r03-ct01:7001:7001 [0] NCCL INFO MNNVL busId 0x8010 fabric UUID 51c2aa30.77e1 cliqueId 0x3 state 3 healthMask 0x0",
      "5: [rank5]:[E1205 03:12:44.100 ProcessGroupNCCL.cpp:1595] [Rank 5] Process group watchdog thread terminated with exception: CUDA error: uncorrectable NVLink error was detected during the execution",
      "srun: error: nvl72-r03-ct02: tasks 4-7: Aborted"]},
    {"source": "nvl72-r03-ct02/journal", "lines": [
      "Dec 05 03:12:41 nvl72-r03-ct02 kernel: NVRM: Xid (PCI:0009:01:00): 74, pid=7105, name=python, NVLink: fatal error detected on link 3(0x0, 0x0, 0x10000, 0x0)"]},
    {"source": "nvl72-r03-ct05/journal", "lines": [
      "Dec 05 03:12:41 nvl72-r03-ct05 kernel: NVRM: Xid (PCI:0018:01:00): 74, pid=7321, name=python, NVLink: fatal error detected on link 3(0x0, 0x0, 0x10000, 0x0)"]},
    {"source": "nvl72-r03-ct01/journal", "lines": [
      "Dec 05 03:12:42 nvl72-r03-ct01 kernel: NVRM: Xid (PCI:0008:01:00): 74, pid=7001, name=python, NVLink: fatal error detected on link 3(0x0, 0x0, 0x10000, 0x0)"]},
    {"source": "nvsw-r03-t2/journal", "lines": [
      "Dec 05 03:12:40 nvsw-r03-t2 nvos-platformd[1412]: NVSwitch ASIC 1 fatal error, ASIC reset required"]}
  ]
})JSON";

std::string Erase(std::string text, const std::string& what) {
  const size_t at = text.find(what);
  REQUIRE(at != std::string::npos);
  text.erase(at, what.size());
  return text;
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  return text;
}

TEST_CASE("nvs2: a switch tray whose NVOS log says its ASIC failed is the place of the rack's NVLink fault") {
  // Before: nvlink_error on nvl72-r03-ct02/gpu1 (the first Xid 74 read).
  const Diagnosis d = testing::RunCaseText(kTrayDown);
  CHECK(d.root_cause == "nvlink_error");
  CHECK(d.component == "nvsw-r03-t2");
}

TEST_CASE("nvs2: the tray named by an NMX event pasted in an ops shell, ports down (a twin)") {
  const std::string text = Replace(kTrayDown,
      R"T({"source": "nvsw-r03-t2/journal", "lines": [
      "Dec 05 03:12:40 nvsw-r03-t2 nvos-platformd[1412]: NVSwitch ASIC 1 fatal error, ASIC reset required"]})T",
      R"T({"source": "ops/shell", "lines": [
      "$ nmx-c events --since 03:10",
      "2026-12-05 03:12:40 UTC CRITICAL switch tray nvsw-r03-t7: 9 of its NVLink ports down (fabric degraded)"]})T");
  const Diagnosis d = testing::RunCaseText(text);
  CHECK(d.root_cause == "nvlink_error");
  CHECK(d.component == "nvsw-r03-t7");
}

TEST_CASE("nvs2: no tray named, Xid 74 on three compute trays of one rack: the rack's NVLink switch side") {
  const std::string text = Erase(kTrayDown,
      R"T(,
    {"source": "nvsw-r03-t2/journal", "lines": [
      "Dec 05 03:12:40 nvsw-r03-t2 nvos-platformd[1412]: NVSwitch ASIC 1 fatal error, ASIC reset required"]})T");
  const Diagnosis d = testing::RunCaseText(text);
  CHECK(d.root_cause == "nvlink_error");
  CHECK(d.component == "nvlink-domain:nvl72-r03");
}

TEST_CASE("nvs2: the rack's switch side in words, and no probe offered on it (the lead's reread)") {
  // Before: ComponentForPeople and the alert-place note printed "nvlink-domain:nvl72-r03" as if it were a node.
  CHECK(ComponentForPeople("nvlink-domain:nvl72-r03") == "the NVLink switch side of rack nvl72-r03 (its switch trays; no single compute node)");
  CHECK(ComponentForPeople("nvl72-r03-ct02") == "nvl72-r03-ct02");
  CHECK(ComponentForPeople("nvlink-domain:") == "nvlink-domain:");
  // An XID alert on one compute tray, the rack's three trays' Xid 74 and no tray named: the answer is the
  // rack's switch side, and what the answer says of the alert's place names it in words.
  std::string text = Erase(kTrayDown,
      R"T(,
    {"source": "nvsw-r03-t2/journal", "lines": [
      "Dec 05 03:12:40 nvsw-r03-t2 nvos-platformd[1412]: NVSwitch ASIC 1 fatal error, ASIC reset required"]})T");
  text = Replace(text, R"T("alert": null)T",
      R"T("alert": {"labels": {"alertname": "GpuXidError", "Hostname": "nvl72-r03-ct02", "gpu": "1", "xid": "74"},
               "annotations": {"summary": "Xid 74 on nvl72-r03-ct02 gpu 1"}, "startsAt": "2026-12-05T03:12:41Z"})T");
  const Diagnosis d = testing::RunCaseText(text);
  CHECK(d.root_cause == "nvlink_error");
  CHECK(d.component == "nvlink-domain:nvl72-r03");
  for (const std::string& u : d.unverified) {
    CHECK(u.find("on each GPU of nvlink-domain") == std::string::npos);
    CHECK(u.find("about nvlink-domain:") == std::string::npos);
  }
  CHECK(d.summary.find("about nvlink-domain:") == std::string::npos);
}

TEST_CASE("nvs2: one compute tray's Xid 74 and the tray's line for that one link stay the GPU's") {
  // The PLC19 lesson on a rack: one access link's fault is the GPU on that link.
  std::string text = Erase(kTrayDown, R"T(
    {"source": "nvl72-r03-ct05/journal", "lines": [
      "Dec 05 03:12:41 nvl72-r03-ct05 kernel: NVRM: Xid (PCI:0018:01:00): 74, pid=7321, name=python, NVLink: fatal error detected on link 3(0x0, 0x0, 0x10000, 0x0)"]},)T");
  text = Erase(text, R"T(
    {"source": "nvl72-r03-ct01/journal", "lines": [
      "Dec 05 03:12:42 nvl72-r03-ct01 kernel: NVRM: Xid (PCI:0008:01:00): 74, pid=7001, name=python, NVLink: fatal error detected on link 3(0x0, 0x0, 0x10000, 0x0)"]},)T");
  text = Replace(text, "NVSwitch ASIC 1 fatal error, ASIC reset required", "port 37 of NVSwitch 1 trained down; peer GPU on compute tray ct02");
  const Diagnosis d = testing::RunCaseText(text);
  CHECK(d.root_cause == "nvlink_error");
  CHECK(d.component == "nvl72-r03-ct02/gpu1");
}

// Two HGX H100 nodes (no multi-node NVLink): both print Xid 74; each node has its own NVSwitches, so
// no rack is claimed. With a trunk link's SXid on hz-07, that node's switch side is the place.
constexpr const char* kHgx = R"JSON({
  "id": "nvs2-hgx",
  "alert": null,
  "topology": {"gpu_model": "NVIDIA H100 80GB HBM3", "nodes": ["hz-r2-07", "hz-r2-08"], "gpus_per_node": 8,
               "gpu_pci_bus": {"gpu0": "0000:18:00.0", "gpu1": "0000:2a:00.0", "gpu2": "0000:3a:00.0", "gpu3": "0000:5d:00.0",
                               "gpu4": "0000:9a:00.0", "gpu5": "0000:ab:00.0", "gpu6": "0000:ba:00.0", "gpu7": "0000:db:00.0"}},
  "logs": [
    {"source": "hz-r2-07/kern.log", "lines": [
      "Dec  5 04:01:10 hz-r2-07 kernel: NVRM: Xid (PCI:0000:5d:00): 74, pid=4410, name=python, NVLink: fatal error detected on link 11"]},
    {"source": "hz-r2-08/kern.log", "lines": [
      "Dec  5 04:01:10 hz-r2-08 kernel: NVRM: Xid (PCI:0000:9a:00): 74, pid=4522, name=python, NVLink: fatal error detected on link 2"]}
  ]
})JSON";

TEST_CASE("nvs2: Xid 74 on two HGX nodes claims no rack; a trunk link's SXid puts it on the node") {
  const Diagnosis d = testing::RunCaseText(kHgx);
  CHECK(d.root_cause == "nvlink_error");
  CHECK(d.component == "hz-r2-07/gpu3");
  const std::string trunk = Replace(kHgx, R"T(fatal error detected on link 11"]},)T",
      R"T(fatal error detected on link 11",
      "Dec  5 04:01:10 hz-r2-07 kernel: nvidia-nvswitch2: SXid (PCI:0000:07:00.0): 22013, Fatal, trunk link 44 minion training failed"]},)T");
  const Diagnosis t = testing::RunCaseText(trunk);
  CHECK(t.root_cause == "nvlink_error");
  CHECK(t.component == "hz-r2-07");
}

}  // namespace
}  // namespace vigil
