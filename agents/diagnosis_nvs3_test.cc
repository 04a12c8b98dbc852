// NVS3 (2026-12-05): NVSwitch faults outside the node, the gaps NVS2 left (nvswitch_fault.h).
// 1. Times: a switch tray's fault line explains the compute trays' NVLink faults only when it is within
//    10 min before .. 2 min after their first line (CompareTrayTime); an hour before, or half an hour
//    after, it is another incident.
// 2. The NVLink domain's own identifiers (nvidia-smi -q's Fabric ClusterUUID, GFD's nvidia.com/gpu.clique
//    label, NCCL's MNNVL fabric UUID) group compute trays before their hostnames do (SharedNvlinkDomain).
// 3. A tray line naming "peer NODE GPU N" is NODE's GPU N, never the tray host's GPU N (PeerGpuOfLine,
//    PlaceLine).
// Cases written for the tests (racks nvl72-rNN, trays nvsw-rNN-tN), in the shapes NVOS, NMX-C, the
// fabric manager, nvidia-smi -q, GFD, NCCL and the driver print.
#include <doctest/doctest.h>

#include <limits>
#include <map>
#include <set>
#include <string>

#include "agents/builtin_reasoner.h"
#include "agents/component_text.h"
#include "agents/diagnosis_testing.h"
#include "agents/log_time.h"
#include "agents/nvswitch_fault.h"

namespace vigil {
namespace {

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, from);
  text.replace(at, from.size(), to);
  return text;
}

TEST_CASE("NvlinkDomainIdOfLine: the NVLink domain's identifier as nvidia-smi, GFD and NCCL print it") {
  CHECK(NvlinkDomainIdOfLine("        ClusterUUID                       : 6A1F03C4-E0B3-D1A2-9C2E-44F1BD70AA15") ==
        "uuid:6a1f03c4-e0b3-d1a2-9c2e-44f1bd70aa15");
  CHECK(NvlinkDomainIdOfLine("nvidia-smi -q: GPU Fabric State 'Completed', Status 'Success'; ClusterUUID "
                             "7c21e9a0-55b3-4f0e-9d61-2a8b0c4e1f37") == "uuid:7c21e9a0-55b3-4f0e-9d61-2a8b0c4e1f37");
  CHECK(NvlinkDomainIdOfLine("  \"clusterUUID\": \"7c21e9a0-55b3-4f0e-9d61-2a8b0c4e1f37\",") ==
        "uuid:7c21e9a0-55b3-4f0e-9d61-2a8b0c4e1f37");
  CHECK(NvlinkDomainIdOfLine("Labels:  nvidia.com/gpu.clique=7c21e9a0-55b3-4f0e-9d61-2a8b0c4e1f37.32766") ==
        "uuid:7c21e9a0-55b3-4f0e-9d61-2a8b0c4e1f37");
  CHECK(NvlinkDomainIdOfLine("nvl72-r03-ct01:7001:7001 [0] NCCL INFO MNNVL busId 0x8010 fabric UUID 51c2aa30.77e1 "
                             "cliqueId 0x3 state 3 healthMask 0x0") == "nccl:51c2aa30.77e1");
  // No domain: the GPU not registered with the fabric, all zeros, a CliqueId alone, a GPU's own UUID.
  CHECK(NvlinkDomainIdOfLine("        ClusterUUID                       : N/A") == "");
  CHECK(NvlinkDomainIdOfLine("        ClusterUUID                       : 00000000-0000-0000-0000-000000000000") == "");
  CHECK(NvlinkDomainIdOfLine("NCCL INFO MNNVL busId 0x8010 fabric UUID 0.0 cliqueId 0x0 state 0 healthMask 0x0") == "");
  CHECK(NvlinkDomainIdOfLine("        CliqueId                          : 32766") == "");
  CHECK(NvlinkDomainIdOfLine("GPU 0: NVIDIA GB200 (UUID: GPU-6a1f03c4-e0b3-d1a2-9c2e-44f1bd70aa15)") == "");
  CHECK(NvlinkDomainIdOfLine(std::string(5000, ' ') + "ClusterUUID : 6a1f03c4-e0b3-d1a2-9c2e-44f1bd70aa15") == "");
}

TEST_CASE("SharedNvlinkDomain: identifiers group trays before hostnames do") {
  const std::string a = "uuid:6a1f03c4-e0b3-d1a2-9c2e-44f1bd70aa15", b = "uuid:0b71d2e4-4c1a-4f7e-8d2b-91e0c6a3f5d8";
  // One domain named differently: the ClusterUUID names it.
  CHECK(SharedNvlinkDomain({"gb-a17-n04", "gb-b03-n11"}, {{"gb-a17-n04", {a}}, {"gb-b03-n11", {a}}}) ==
        "6a1f03c4-e0b3-d1a2-9c2e-44f1bd70aa15");
  // One domain whose names show the rack: the rack names it.
  CHECK(SharedNvlinkDomain({"nvl72-r03-ct01", "nvl72-r03-ct05"}, {{"nvl72-r03-ct01", {a}}, {"nvl72-r03-ct05", {a}}}) ==
        "nvl72-r03");
  // Two racks named alike ("gb200-pod2" holds two NVL72s): two ClusterUUIDs, no domain.
  CHECK(SharedNvlinkDomain({"gb200-pod2-c05", "gb200-pod2-c21"}, {{"gb200-pod2-c05", {a}}, {"gb200-pod2-c21", {b}}}) == "");
  CHECK(SharedNvlinkDomain({"gb200-pod2-c05", "gb200-pod2-c21"}, {}) == "gb200-pod2");  // NVS2's reading
  // NCCL's words: compared with NCCL's words only.
  CHECK(SharedNvlinkDomain({"gb-a17-n04", "gb-b03-n11"}, {{"gb-a17-n04", {"nccl:51c2aa30.77e1"}},
                                                          {"gb-b03-n11", {"nccl:51c2aa30.77e1"}}}) == "51c2aa30.77e1");
  CHECK(SharedNvlinkDomain({"nvl72-r03-ct01", "nvl72-r03-ct05"},
                           {{"nvl72-r03-ct01", {"nccl:51c2aa30.77e1"}}, {"nvl72-r03-ct05", {"nccl:9e07aa10.3c2f"}}}) == "");
  // A uuid: against an nccl: identifier is not compared; one host without any: the names decide.
  CHECK(SharedNvlinkDomain({"nvl72-r03-ct01", "nvl72-r03-ct05"}, {{"nvl72-r03-ct01", {a}}, {"nvl72-r03-ct05", {"nccl:1.2"}}}) ==
        "nvl72-r03");
  CHECK(SharedNvlinkDomain({"gb-a17-n04", "gb-b03-n11"}, {{"gb-a17-n04", {a}}}) == "");
  CHECK(SharedNvlinkDomain({"gb-a17-n04"}, {{"gb-a17-n04", {a}}}) == "");
  // Three trays, two of one domain and one of another: no one domain.
  CHECK(SharedNvlinkDomain({"nvl72-r03-ct01", "nvl72-r03-ct02", "nvl72-r03-ct05"},
                           {{"nvl72-r03-ct01", {a}}, {"nvl72-r03-ct02", {a}}, {"nvl72-r03-ct05", {b}}}) == "");
}

TEST_CASE("CompareTrayTime and FabricManagerStampTime: the window around the compute trays' first fault") {
  const int64_t t0 = 1'796'444'000'000;  // any instant
  auto at = [](int64_t ms, bool zoned) { return LineTime{ms, zoned}; };
  CHECK(CompareTrayTime(at(t0 - 1'000, false), at(t0, false)) == TrayTiming::kExplains);
  CHECK(CompareTrayTime(at(t0 - kTrayLeadMs, false), at(t0, false)) == TrayTiming::kExplains);
  CHECK(CompareTrayTime(at(t0 + kTrayLagMs, true), at(t0, true)) == TrayTiming::kExplains);
  CHECK(CompareTrayTime(at(t0 - kTrayLeadMs - 1, false), at(t0, false)) == TrayTiming::kTooEarly);
  CHECK(CompareTrayTime(at(t0 - 3'600'000, false), at(t0, false)) == TrayTiming::kTooEarly);
  CHECK(CompareTrayTime(at(t0 + kTrayLagMs + 1, false), at(t0, false)) == TrayTiming::kTooLate);
  // A zoned time against a local one of a case with no declared zone, or no time: not compared.
  CHECK(CompareTrayTime(at(t0 - 3'600'000, true), at(t0, false)) == TrayTiming::kNotCompared);
  CHECK(CompareTrayTime(LineTime{}, at(t0, false)) == TrayTiming::kNotCompared);
  CHECK(CompareTrayTime(at(t0, false), LineTime{}) == TrayTiming::kNotCompared);

  LogClock clock;
  clock.year = 2026;
  clock.reference_ms = 1'796'444'000'000;  // a case with a dated line: the printed year is read
  const LineTime fm = FabricManagerStampTime("[Dec 05 2026 03:12:41] [ERROR] [tid 88] NVSwitch 0 reported a fatal error", clock);
  const LineTime iso = ParseLineTime("2026-12-05T03:12:41Z x", clock);
  CHECK(fm.ms == iso.ms);
  CHECK_FALSE(fm.zoned);
  const LineTime frac = FabricManagerStampTime("[Dec 4 2026 16:13:22.812] [INFO] [tid 2211] Logging level = 4", clock);
  CHECK(frac.ms == ParseLineTime("2026-12-04T16:13:22.812Z", clock).ms);
  clock.zone_declared = true;
  clock.offset_min = 60;  // topology.timezone "+01:00": 03:12:41 local is 02:12:41 UTC
  const LineTime local = FabricManagerStampTime("[Dec 05 2026 03:12:41] [ERROR] x", clock);
  CHECK(local.ms == iso.ms - 3'600'000);
  CHECK(local.zoned);
  CHECK(FabricManagerStampTime("[Dec 05 03:12:41] no year", clock).ms == std::numeric_limits<int64_t>::max());
  // A case that dates nothing else: its year-less lines are read in 1970 (ReferenceYear), the stamp too.
  LogClock undated;
  undated.year = 1970;
  CHECK(FabricManagerStampTime("[Dec 05 2026 03:12:41] x", undated).ms == ParseLineTime("Dec 05 03:12:41 x", undated).ms);
  CHECK(FabricManagerStampTime("[Foo 05 2026 03:12:41] x", clock).ms == std::numeric_limits<int64_t>::max());
}

TEST_CASE("PeerGpuOfLine: the GPU at a port's far end, and the peers that are none") {
  PeerGpu p = PeerGpuOfLine("Dec 05 03:12:40 nvsw-r03-t2 nvos-platformd[1412]: NVLink 37 down (peer nvl72-r03-ct05 GPU 1)");
  CHECK(p.found);
  CHECK(p.host == "nvl72-r03-ct05");
  CHECK(p.gpu == 1);
  p = PeerGpuOfLine("nvlsm[2290]: port 21 state DOWN (peer: nvl72-r03-ct02 gpu3)");
  CHECK((p.found && p.host == "nvl72-r03-ct02" && p.gpu == 3));
  p = PeerGpuOfLine("[ERROR] [tid 88] NVLink port 9 of NVSwitch 1 failed training; peer GPU 2 on compute tray nvl72-r03-ct07");
  CHECK((p.found && p.host == "nvl72-r03-ct07" && p.gpu == 2));
  p = PeerGpuOfLine("NMX-T: link nvsw-r03-t2/sw1/p21 fatal; remote GPU 3 (nvl72-r03-ct02)");
  CHECK((p.found && p.host == "nvl72-r03-ct02" && p.gpu == 3));
  p = PeerGpuOfLine("[INFO] port 21 of NVSwitch 1 trained down; peer GPU 2");
  CHECK((p.found && p.host.empty() && p.gpu == 2));
  // Near misses: no GPU index, a socket's peer host, a rank.
  CHECK_FALSE(PeerGpuOfLine("NVLink 37 of NVSwitch 2 on tray s04 trained down; peer GPU on compute tray c07").found);
  CHECK_FALSE(PeerGpuOfLine("NCCL WARN socketProgress: Connection closed by remote peer gpu-t06<50120>").found);
  CHECK_FALSE(PeerGpuOfLine("[rank3] waiting for peer rank 2").found);
  CHECK_FALSE(PeerGpuOfLine("kernel: NVRM: Xid (PCI:0009:01:00): 74, pid=7105, name=python").found);
}

// A GB200 NVL72 rack r03 (NVS2's case): three compute trays print Xid 74 at 03:12:41-42, and the switch
// tray nvsw-r03-t2's NVOS log says its ASIC failed at 03:12:40.
constexpr const char* kTrayDown = R"JSON({
  "id": "nvs3-tray",
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

const std::string kTrayLine = "Dec 05 03:12:40 nvsw-r03-t2 nvos-platformd[1412]: NVSwitch ASIC 1 fatal error, ASIC reset required";

// The diagnosis and its trace's thoughts, as RunCaseText runs a case.
struct Run {
  Diagnosis d;
  std::string thoughts;
};
Run RunWithTrace(const std::string& text) {
  auto c = ParseCase(testing::ParseCaseText(text), "t.json");
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  auto facts = GatherKnowledge(testing::ShippedPack(), *c);
  REQUIRE_MESSAGE(facts.ok(), facts.status().ToString());
  auto exec = MakeReplayExecutor(Json::object());
  REQUIRE_MESSAGE(exec.ok(), exec.status().ToString());
  ReasonerOutput out = BuiltinReasoner(ReasonerOptions{}).Diagnose(*c, *facts, exec->get());
  Run r{out.diagnosis, ""};
  for (const Json& step : out.trace) {
    if (step.is_object() && step.value("type", "") == "thought") r.thoughts += step.value("text", "") + "\n";
  }
  return r;
}

TEST_CASE("nvs3 time: the tray's fault 1 s before the compute trays' Xid 74 is their cause (NVS2's case)") {
  const Run r = RunWithTrace(kTrayDown);
  CHECK(r.d.root_cause == "nvlink_error");
  CHECK(r.d.component == "nvsw-r03-t2");
  CHECK(r.thoughts.find("not their cause") == std::string::npos);
}

TEST_CASE("nvs3 time: a tray that failed an hour before is another incident; the rack's switch side stays") {
  // Before NVS3: nvsw-r03-t2 (every tray line counted).
  const Run r = RunWithTrace(Replace(kTrayDown, kTrayLine,
      "Dec 05 02:10:07 nvsw-r03-t2 nvos-platformd[1412]: NVSwitch ASIC 1 fatal error, ASIC reset required"));
  CHECK(r.d.root_cause == "nvlink_error");
  CHECK(r.d.component == "nvlink-domain:nvl72-r03");
  CHECK(r.thoughts.find("switch tray nvsw-r03-t2's fault line") != std::string::npos);
  CHECK(r.thoughts.find("62 min before the compute trays' first NVLink fault") != std::string::npos);
}

TEST_CASE("nvs3 time: a tray marked down half an hour after (maintenance) did not cause them") {
  const Run r = RunWithTrace(Replace(kTrayDown, kTrayLine,
      "Dec 05 03:44:02 nvsw-r03-t2 nvos-platformd[1412]: switch tray nvsw-r03-t2 down (administratively disabled for RMA)"));
  CHECK(r.d.component == "nvlink-domain:nvl72-r03");
  CHECK(r.thoughts.find("31 min after") != std::string::npos);
}

TEST_CASE("nvs3 time: NMX-C's event 70 s after the Xids (its poll) and the fabric manager's stamp are in the window") {
  const Run late = RunWithTrace(Replace(kTrayDown,
      R"T({"source": "nvsw-r03-t2/journal", "lines": [
      "Dec 05 03:12:40 nvsw-r03-t2 nvos-platformd[1412]: NVSwitch ASIC 1 fatal error, ASIC reset required"]})T",
      R"T({"source": "ops/nmx", "lines": [
      "Dec 05 03:13:51 nmx-c01 nmx-controller[2201]: CRITICAL switch tray nvsw-r03-t7: 9 of its NVLink ports down (fabric degraded)"]})T"));
  CHECK(late.d.component == "nvsw-r03-t7");
  // The fabric manager on the tray prints "[Dec 05 2026 hh:mm:ss]", which ParseLineTime does not read:
  // 03:02:40, 10 min before, is in; 03:01:40 is not.
  const std::string fm_in = Replace(kTrayDown,
      R"T({"source": "nvsw-r03-t2/journal", "lines": [
      "Dec 05 03:12:40 nvsw-r03-t2 nvos-platformd[1412]: NVSwitch ASIC 1 fatal error, ASIC reset required"]})T",
      R"T({"source": "nvsw-r03-t2/fabricmanager.log", "lines": [
      "[Dec 05 2026 03:02:41] [ERROR] [tid 88] NVSwitch 0 reported a fatal error; switch marked degraded"]})T");
  CHECK(RunWithTrace(fm_in).d.component == "nvsw-r03-t2");
  const Run fm_out = RunWithTrace(Replace(fm_in, "[Dec 05 2026 03:02:41]", "[Dec 05 2026 03:01:40]"));
  CHECK(fm_out.d.component == "nvlink-domain:nvl72-r03");
  CHECK(fm_out.thoughts.find("11 min before") != std::string::npos);
}

TEST_CASE("nvs3 time: a zoned tray line against local compute lines is compared only when the case declares its zone") {
  // NMX-C prints UTC with a zone; the compute trays' journals print local time. With no topology.timezone
  // the local times may be off by -12 h .. +14 h: not compared, the tray counts (NVS2's reading).
  const std::string zoned = Replace(kTrayDown, kTrayLine,
      "2026-12-05T02:10:07Z nvsw-r03-t2 nvos-platformd[1412]: NVSwitch ASIC 1 fatal error, ASIC reset required");
  CHECK(RunWithTrace(zoned).d.component == "nvsw-r03-t2");
  // Declared UTC: 02:10:07Z is an hour before 03:12:41.
  const std::string declared = Replace(zoned, R"T("gpus_per_node": 4,)T", R"T("gpus_per_node": 4, "timezone": "UTC",)T");
  CHECK(RunWithTrace(declared).d.component == "nvlink-domain:nvl72-r03");
  // Declared +01:00: the journals' 03:12:41 local is 02:12:41Z, two minutes after the tray: its cause.
  const std::string east = Replace(zoned, R"T("gpus_per_node": 4,)T", R"T("gpus_per_node": 4, "timezone": "+01:00",)T");
  CHECK(RunWithTrace(east).d.component == "nvsw-r03-t2");
}

// Two compute trays of one NVL72 whose hostnames share no rack token (a site that names trays by row
// and slot), each printing nvidia-smi -q's Fabric section with the same ClusterUUID, and Xid 74 on each.
constexpr const char* kNamedApart = R"JSON({
  "id": "nvs3-domain",
  "alert": null,
  "topology": {"gpu_model": "NVIDIA GB200", "nodes": ["gb-a17-n04", "gb-b03-n11"], "gpus_per_node": 4,
               "gpu_pci_bus": {"gpu0": "0008:01:00.0", "gpu1": "0009:01:00.0", "gpu2": "0018:01:00.0", "gpu3": "0019:01:00.0"}},
  "logs": [
    {"source": "gb-a17-n04/nvidia-smi-q", "lines": [
      "GPU 00000008:01:00.0",
      "    Product Name                          : NVIDIA GB200",
      "    Fabric",
      "        State                             : Completed",
      "        Status                            : Success",
      "        CliqueId                          : 32766",
      "        ClusterUUID                       : 6a1f03c4-e0b3-d1a2-9c2e-44f1bd70aa15"]},
    {"source": "gb-b03-n11/nvidia-smi-q", "lines": [
      "GPU 00000018:01:00.0",
      "    Product Name                          : NVIDIA GB200",
      "    Fabric",
      "        State                             : Completed",
      "        Status                            : Success",
      "        CliqueId                          : 32766",
      "        ClusterUUID                       : 6a1f03c4-e0b3-d1a2-9c2e-44f1bd70aa15"]},
    {"source": "gb-a17-n04/journal", "lines": [
      "Dec 05 05:40:12 gb-a17-n04 kernel: NVRM: Xid (PCI:0009:01:00): 74, pid=8810, name=python, NVLink: fatal error detected on link 5(0x0, 0x0, 0x10000, 0x0)"]},
    {"source": "gb-b03-n11/journal", "lines": [
      "Dec 05 05:40:12 gb-b03-n11 kernel: NVRM: Xid (PCI:0018:01:00): 74, pid=9021, name=python, NVLink: fatal error detected on link 5(0x0, 0x0, 0x10000, 0x0)"]}
  ]
})JSON";

TEST_CASE("nvs3 domain: two compute trays named apart with one ClusterUUID are one NVLink domain") {
  // Before NVS3: gb-a17-n04/gpu1 (no rack in the names).
  const Diagnosis d = testing::RunCaseText(kNamedApart);
  CHECK(d.root_cause == "nvlink_error");
  CHECK(d.component == "nvlink-domain:6a1f03c4-e0b3-d1a2-9c2e-44f1bd70aa15");
  CHECK(ComponentForPeople(d.component) ==
        "the NVLink switch side of NVLink domain 6a1f03c4-e0b3-d1a2-9c2e-44f1bd70aa15 (its switch trays; no single "
        "compute node)");
  // GFD's node labels in a kubectl paste give the same.
  std::string gfd = Replace(kNamedApart, R"T("        ClusterUUID                       : 6a1f03c4-e0b3-d1a2-9c2e-44f1bd70aa15"]},
    {"source": "gb-b03-n11/nvidia-smi-q")T", R"T("        ClusterUUID                       : N/A"]},
    {"source": "gb-b03-n11/nvidia-smi-q")T");
  gfd = Replace(gfd, R"T({"source": "gb-a17-n04/journal")T", R"T({"source": "ops/kubectl", "lines": [
      "$ kubectl get node gb-a17-n04 --show-labels",
      "NAME         STATUS   ROLES    AGE   VERSION   LABELS",
      "gb-a17-n04   Ready    <none>   41d   v1.31.4   kubernetes.io/arch=arm64,nvidia.com/gpu.clique=6a1f03c4-e0b3-d1a2-9c2e-44f1bd70aa15.32766,nvidia.com/gpu.product=NVIDIA-GB200"]},
    {"source": "gb-a17-n04/journal")T");
  CHECK(testing::RunCaseText(gfd).component == "nvlink-domain:6a1f03c4-e0b3-d1a2-9c2e-44f1bd70aa15");
}

TEST_CASE("nvs3 domain: near misses - ClusterUUID N/A, or one tray's only - name no domain") {
  // Fabric State "Not Started", ClusterUUID N/A on both: no identifier, no rack in the names: the GPU.
  std::string na = kNamedApart;
  for (int i = 0; i < 2; ++i) {
    na = Replace(na, R"T("        State                             : Completed",
      "        Status                            : Success",
      "        CliqueId                          : 32766",
      "        ClusterUUID                       : 6a1f03c4-e0b3-d1a2-9c2e-44f1bd70aa15")T",
        R"T("        State                             : Not Started",
      "        Status                            : N/A",
      "        CliqueId                          : N/A",
      "        ClusterUUID                       : N/A")T");
  }
  const Diagnosis d = testing::RunCaseText(na);
  CHECK(d.root_cause == "nvlink_error");
  CHECK(d.component == "gb-a17-n04/gpu1");
  // Only one tray's identifier known: nothing ties the other, the names show no rack: the GPU.
  const std::string one = Replace(kNamedApart, R"T("        ClusterUUID                       : 6a1f03c4-e0b3-d1a2-9c2e-44f1bd70aa15"]},
    {"source": "gb-a17-n04/journal")T", R"T("        ClusterUUID                       : N/A"]},
    {"source": "gb-a17-n04/journal")T");
  CHECK(testing::RunCaseText(one).component == "gb-a17-n04/gpu1");
}

// Two NVL72 racks whose hostnames read as one rack ("gb200-pod2" is a pod of several NVL72s): NCCL's MNNVL
// lines and nvidia-smi name two ClusterUUIDs.
constexpr const char* kTwoRacks = R"JSON({
  "id": "nvs3-two-racks",
  "alert": null,
  "topology": {"gpu_model": "NVIDIA GB200", "nodes": ["gb200-pod2-c05", "gb200-pod2-c21"], "gpus_per_node": 4,
               "gpu_pci_bus": {"gpu0": "0008:01:00.0", "gpu1": "0009:01:00.0", "gpu2": "0018:01:00.0", "gpu3": "0019:01:00.0"}},
  "logs": [
    {"source": "slurm-8812.out", "lines": [
      "0: gb200-pod2-c05:4410:4410 [0] NCCL INFO MNNVL busId 0x8010 fabric UUID 51c2aa30.77e1 cliqueId 0x3 state 3 healthMask 0x0",
      "4: gb200-pod2-c21:5120:5120 [0] NCCL INFO MNNVL busId 0x8010 fabric UUID 9e07aa10.3c2f cliqueId 0x1 state 3 healthMask 0x0",
      "1: [rank1]:[E1205 06:20:03.551 ProcessGroupNCCL.cpp:1595] [Rank 1] Process group watchdog thread terminated with exception: CUDA error: uncorrectable NVLink error was detected during the execution"]},
    {"source": "gb200-pod2-c05/journal", "lines": [
      "Dec 05 06:20:01 gb200-pod2-c05 kernel: NVRM: Xid (PCI:0009:01:00): 74, pid=4411, name=python, NVLink: fatal error detected on link 7(0x0, 0x0, 0x10000, 0x0)"]},
    {"source": "gb200-pod2-c21/journal", "lines": [
      "Dec 05 06:20:02 gb200-pod2-c21 kernel: NVRM: Xid (PCI:0019:01:00): 74, pid=5121, name=python, NVLink: fatal error detected on link 2(0x0, 0x0, 0x10000, 0x0)"]}
  ]
})JSON";

TEST_CASE("nvs3 domain: two racks named alike with two fabric UUIDs are two domains") {
  // Before NVS3: nvlink-domain:gb200-pod2.
  const Diagnosis d = testing::RunCaseText(kTwoRacks);
  CHECK(d.root_cause == "nvlink_error");
  CHECK(d.component == "gb200-pod2-c05/gpu1");
  // One fabric UUID on both: one domain, the rack the names share.
  const std::string one = Replace(kTwoRacks, "fabric UUID 9e07aa10.3c2f cliqueId 0x1", "fabric UUID 51c2aa30.77e1 cliqueId 0x3");
  CHECK(testing::RunCaseText(one).component == "nvlink-domain:gb200-pod2");
}

// One compute tray's NVLink error seen by the job (no Xid printed on the compute tray), and the switch
// tray's NVOS line for that one port naming its far end.
constexpr const char* kPeer = R"JSON({
  "id": "nvs3-peer",
  "alert": null,
  "topology": {"gpu_model": "NVIDIA GB200", "nodes": ["nvl72-r03-ct01", "nvl72-r03-ct05"], "gpus_per_node": 4,
               "gpu_pci_bus": {"gpu0": "0008:01:00.0", "gpu1": "0009:01:00.0", "gpu2": "0018:01:00.0", "gpu3": "0019:01:00.0"}},
  "logs": [
    {"source": "slurm-6001.out", "lines": [
      "0: nvl72-r03-ct01:7001:7001 [0] NCCL INFO MNNVL busId 0x8010 fabric UUID 51c2aa30.77e1 cliqueId 0x3 state 3 healthMask 0x0",
      "0: nvl72-r03-ct01:7001:7031 [0] transport/nvls.cc:312 NCCL WARN Cuda failure 'an illegal memory access was encountered'",
      "srun: error: nvl72-r03-ct05: task 1: Aborted"]},
    {"source": "nvsw-r03-t2/journal", "lines": [
      "Dec 05 03:12:40 nvsw-r03-t2 nvos-platformd[1412]: NVLink 37 down, link fatal error (peer nvl72-r03-ct05 GPU 1)"]}
  ]
})JSON";

TEST_CASE("nvs3 peer: a tray's line naming 'peer NODE GPU N' is NODE's GPU N, never the tray's GPU N") {
  const Diagnosis d = testing::RunCaseText(kPeer);
  CHECK(d.root_cause == "nvlink_error");
  CHECK(d.component == "nvl72-r03-ct05/gpu1");
  // The far end named as "peer GPU 2 on compute tray NODE" (the fabric manager's words).
  const std::string fm = Replace(kPeer, "NVLink 37 down, link fatal error (peer nvl72-r03-ct05 GPU 1)",
                                 "NVLink port 37 of NVSwitch 1 fatal error; peer GPU 2 on compute tray nvl72-r03-ct05");
  CHECK(testing::RunCaseText(fm).component == "nvl72-r03-ct05/gpu2");
  // No node named with the peer GPU: the tray (a switch tray has no GPU of the job), not nvsw-r03-t2/gpu2.
  const std::string bare = Replace(kPeer, "NVLink 37 down, link fatal error (peer nvl72-r03-ct05 GPU 1)",
                                   "NVLink port 37 of NVSwitch 1 fatal error; peer GPU 2");
  const Diagnosis b = testing::RunCaseText(bare);
  CHECK(b.component.find("nvsw-r03-t2/gpu") == std::string::npos);
}

TEST_CASE("nvs3 peer: an HGX node's own fabric manager line keeps its own GPU (the peer is on the node)") {
  // On HGX the NVSwitches are inside the node: "peer GPU 2" of the node's fabric manager is its own GPU 2.
  constexpr const char* kHgx = R"JSON({
    "id": "nvs3-hgx-peer",
    "alert": null,
    "topology": {"gpu_model": "NVIDIA H100 80GB HBM3", "nodes": ["hz-r2-07", "hz-r2-08"], "gpus_per_node": 8},
    "logs": [
      {"source": "hz-r2-07/fabricmanager.log", "lines": [
        "[Dec 05 2026 04:01:10] [ERROR] [tid 3012] NVLink port 21 of NVSwitch 1 failed training; peer GPU 2"]},
      {"source": "hz-r2-07/kern.log", "lines": [
        "Dec  5 04:01:10 hz-r2-07 kernel: NVRM: GPU 2: NVLink: fatal error detected on link 21"]}
    ]
  })JSON";
  const Diagnosis d = testing::RunCaseText(kHgx);
  CHECK(d.root_cause == "nvlink_error");
  CHECK(d.component == "hz-r2-07/gpu2");
}

}  // namespace
}  // namespace vigil
