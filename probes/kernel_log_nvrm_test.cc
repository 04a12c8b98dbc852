// node.kernel_log (probes/gpu/kernel_log.h): Xid 122-124, the NVRM lines that carry no Xid
// (a GPU fallen off the bus, RmInitAdapter failed, the GPU's UUID), the nvidia-nvlink module's
// link-down lines, the pid= / name= fields of newer Xid lines, and Xids of no category, which must
// stay visible ("uncategorised Xid N"), not be dropped.
//
// The checks go through KindName and the verdict's JSON only, so that this file also compiles
// against the parser before these lines were read (how its failures before the change were seen).
#include <doctest/doctest.h>

#include <string>

#include "probes/gpu/kernel_log.h"

namespace vigil {
namespace {

namespace kl = kernel_log;

// 2026-12-01T05:45:00Z
constexpr double kNow = 1796103900;

std::string KindOf(std::string_view message) { return std::string(kl::KindName(kl::ClassifyKernelMessage(message).kind)); }

kl::Verdict Judge(const std::string& text, const std::map<std::string, int>& gpus) {
  kl::ParseOptions opt;
  opt.now = kNow;
  opt.gpu_by_pci = gpus;
  kl::LogText log;
  log.source = "test";
  log.text = text;
  return kl::JudgeKernelLog(kl::ParseKernelLog(text, opt), log, 3600, kNow);
}

TEST_CASE("kernel log NVRM: Xid 122, 123, 124 (SPI PMU RPC failures) are firmware errors") {
  // The text after the number is NVIDIA's catalog description; no such line was seen on a real GPU.
  for (const char* line : {"NVRM: Xid (PCI:0000:3b:00): 122, pid=2831, name=nv-hostengine, SPI PMU RPC read failure",
                           "NVRM: Xid (PCI:0000:3b:00): 123, pid=2831, name=nv-hostengine, SPI PMU RPC write failure",
                           "NVRM: Xid (PCI:0000:3b:00): 124, pid='<unknown>', name=<unknown>, SPI PMU RPC erase failure"}) {
    CAPTURE(line);
    kl::Finding f = kl::ClassifyKernelMessage(line);
    CHECK(KindOf(line) == "xid");
    CHECK(f.pci == "0000:3b:00");
    CHECK(f.category == "gpu_firmware_error");
  }
  CHECK(kl::ClassifyKernelMessage("NVRM: Xid (PCI:0000:3b:00): 122, SPI PMU RPC read failure").xid == 122);
}

TEST_CASE("kernel log NVRM: Xid lines with pid= and name= fields") {
  const std::string text =
      "2026-12-01T05:30:00+00:00 node-3 kernel: NVRM: Xid (PCI:0000:3b:00): 13, pid='<unknown>', name=<unknown>, "
      "Graphics Exception: ESR 0x505648=0x1000001 0x505650=0x0 0x505644=0xd3eff2 0x50564c=0x7f\n"
      "2026-12-01T05:31:00+00:00 node-3 kernel: NVRM: Xid (PCI:0000:3b:00): 31, pid=48213, name=python3, Ch 00000008, "
      "intr 00000000. MMU Fault: ENGINE GRAPHICS GPCCLIENT_T1_0 faulted @ 0x7f2a_4c000000. Fault is of type "
      "FAULT_PDE ACCESS_TYPE_VIRT_READ\n"
      "2026-12-01T05:32:00+00:00 node-3 kernel: NVRM: Xid (PCI:0000:86:00): 43, pid=48213, Ch 00000010\n";
  kl::Verdict v = Judge(text, {{"0000:3b:00", 5}, {"0000:86:00", 2}});
  CHECK(v.status == "fail");
  const nlohmann::json& f = v.details["findings"];
  REQUIRE(f.size() == 3);
  CHECK(f[0]["xid"] == 13);
  CHECK(f[0]["gpu"] == 5);
  CHECK_FALSE(f[0].contains("pid"));  // "<unknown>": no pid, no process
  CHECK_FALSE(f[0].contains("process"));
  CHECK(f[1]["xid"] == 31);
  CHECK(f[1]["pid"] == 48213);
  CHECK(f[1]["process"] == "python3");
  CHECK(f[2]["xid"] == 43);
  CHECK(f[2]["pid"] == 48213);
  CHECK_FALSE(f[2].contains("process"));
  CHECK(v.details["categories"] == nlohmann::json({"illegal_memory_access"}));
  CHECK(v.details["gpus_by_category"]["illegal_memory_access"] == nlohmann::json({5, 2}));
}

TEST_CASE("kernel log NVRM: a pid= no process can have is no pid (review RV-KR)") {
  // A corrupted line's 26-digit pid was read as its first 18 digits (999999999999999999) and shown
  // as the process's id. Linux pids stop at PID_MAX_LIMIT (4194304): past it, no pid; the Xid, the
  // bus id and the name are still read.
  kl::Finding f = kl::ClassifyKernelMessage(
      "NVRM: Xid (PCI:0000:5d:00): 31, pid=99999999999999999999999999, name=python3, MMU Fault");
  CHECK(f.xid == 31);
  CHECK(f.pci == "0000:5d:00");
  CHECK(f.pid == -1);
  CHECK(f.process == "python3");
  CHECK(kl::ClassifyKernelMessage("NVRM: Xid (PCI:0000:5d:00): 31, pid=4194305, name=python3, MMU Fault").pid == -1);
  CHECK(kl::ClassifyKernelMessage("NVRM: Xid (PCI:0000:5d:00): 31, pid=4194304, name=python3, MMU Fault").pid ==
        4194304);
}

TEST_CASE("kernel log NVRM: lines without an Xid") {
  // What the driver prints around an Xid 79, and when it cannot bring a GPU up after a reboot.
  CHECK(KindOf("NVRM: GPU 0000:3b:00.0: GPU has fallen off the bus.") == "nvrm");
  kl::Finding f = kl::ClassifyKernelMessage("NVRM: GPU 0000:3b:00.0: GPU has fallen off the bus.");
  CHECK(f.pci == "0000:3b:00");
  CHECK(f.category == "gpu_fallen_off_bus");
  f = kl::ClassifyKernelMessage("NVRM: GPU 0000:3b:00.0: RmInitAdapter failed! (0x22:0x56:667)");
  CHECK(KindOf(f.text) == "nvrm");
  CHECK(f.pci == "0000:3b:00");
  CHECK(f.category == "gpu_fallen_off_bus");
  f = kl::ClassifyKernelMessage("NVRM: RmInitAdapter failed! (0x26:0xffff:1290)");  // older drivers: no bus id
  CHECK(KindOf(f.text) == "nvrm");
  CHECK(f.pci.empty());
  CHECK(f.category == "gpu_fallen_off_bus");
  CHECK(KindOf("NVRM: rm_init_adapter failed for device bearing minor number 0") == "nvrm");
  CHECK(KindOf("NVRM: GPU 0000:3b:00.0: rm_init_adapter failed, device minor number 0") == "nvrm");
  // The nvidia-nvlink core module's link reports (the brief's shape; not seen on a real fabric).
  f = kl::ClassifyKernelMessage("nvidia-nvlink: link 4 of device 0000:3b:00.0 is down");
  CHECK(KindOf(f.text) == "nvlink");
  CHECK(f.pci == "0000:3b:00");
  CHECK(f.category == "nvlink_error");
  CHECK(KindOf("nvidia-nvlink: nvlink_core: link training failed on GPU 0000:3b:00.0 link 2") == "nvlink");
  // What a healthy load prints, and the driver's words around a crash, are no findings.
  for (const char* quiet : {"NVRM: GPU at PCI:0000:3b:00: GPU-5b1e1f9a-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
                            "NVRM: GPU Board Serial Number: 1652823054578",
                            "NVRM: A GPU crash dump has been created. If possible, please run",
                            "NVRM: nvidia-bug-report.sh as root to collect this data before",
                            "nvidia-nvlink: Nvlink Core is being initialized, major device number 234",
                            "nvidia-nvlink: Unregistered Nvlink Core, major device number 234"}) {
    CHECK_MESSAGE(KindOf(quiet) == "other", quiet);
  }
}

TEST_CASE("kernel log NVRM: a GPU that fell off the bus, as the driver logs it") {
  // The sequence of an Xid 79 on a 580 driver, then the GPU's UUID on its findings.
  const std::string text =
      "2026-12-01T05:40:01+00:00 node-3 kernel: NVRM: GPU at PCI:0000:b1:00: GPU-5b1e1f9a-1c2d-4e5f-8a9b-0c1d2e3f4a5b\n"
      "2026-12-01T05:40:01+00:00 node-3 kernel: NVRM: GPU Board Serial Number: 1652823054578\n"
      "2026-12-01T05:40:01+00:00 node-3 kernel: NVRM: Xid (PCI:0000:b1:00): 79, pid='<unknown>', name=<unknown>, "
      "GPU has fallen off the bus.\n"
      "2026-12-01T05:40:01+00:00 node-3 kernel: NVRM: GPU 0000:b1:00.0: GPU has fallen off the bus.\n"
      "2026-12-01T05:40:01+00:00 node-3 kernel: NVRM: A GPU crash dump has been created. If possible, please run\n";
  kl::Verdict v = Judge(text, {{"0000:b1:00", 5}});
  CHECK(v.status == "fail");
  CHECK(v.metrics.at("xid_lines") == 1);
  CHECK(v.metrics.count("nvrm_lines") == 1);
  CHECK(v.metrics["nvrm_lines"] == 1);
  CHECK(v.metrics.at("findings_in_window") == 2);
  CHECK(v.details["categories"] == nlohmann::json({"gpu_fallen_off_bus"}));
  CHECK(v.details["gpus_by_category"]["gpu_fallen_off_bus"] == nlohmann::json({5}));
  CHECK(v.details["gpu_uuids"]["0000:b1:00"] == "GPU-5b1e1f9a-1c2d-4e5f-8a9b-0c1d2e3f4a5b");
  CHECK(v.details["findings"][0]["uuid"] == "GPU-5b1e1f9a-1c2d-4e5f-8a9b-0c1d2e3f4a5b");
  CHECK(v.details["findings"][1]["kind"] == "nvrm");

  // Only RmInitAdapter after the reboot (the Xid before it is outside what was read): still the
  // GPU the driver could not bring up, not a pass.
  v = Judge("2026-12-01T05:43:10+00:00 node-3 kernel: NVRM: GPU 0000:b1:00.0: RmInitAdapter failed! (0x22:0x56:667)\n",
            {{"0000:b1:00", 5}});
  CHECK(v.status == "fail");
  CHECK(v.details["categories"] == nlohmann::json({"gpu_fallen_off_bus"}));
  CHECK(v.details["gpus_by_category"]["gpu_fallen_off_bus"] == nlohmann::json({5}));
}

TEST_CASE("kernel log NVRM: Xids of no category stay visible as 'uncategorised Xid N'") {
  const std::string text =
      "2026-12-01T05:20:00+00:00 node-3 kernel: pcieport 0000:b0:01.0: AER: Corrected error received: 0000:b1:00.0\n"
      "2026-12-01T05:21:00+00:00 node-3 kernel: NVRM: Xid (PCI:0000:b1:00): 45, pid=7, name=python3, Ch 00000010\n"
      "2026-12-01T05:21:01+00:00 node-3 kernel: NVRM: Xid (PCI:0000:b1:00): 45, pid=7, name=python3, Ch 00000011\n"
      "2026-12-01T05:22:00+00:00 node-3 kernel: NVRM: Xid (PCI:0000:3b:00): 154, GPU recovery action changed "
      "from 0x0 (None) to 0x1 (GPU Reset Required)\n"
      "2026-12-01T05:23:00+00:00 node-3 kernel: pcieport 0000:b0:01.0: AER: Corrected error received: 0000:b1:00.0\n"
      "2026-12-01T05:24:00+00:00 node-3 kernel: pcieport 0000:b0:01.0: AER: Corrected error received: 0000:b1:00.0\n";
  kl::Verdict v = Judge(text, {{"0000:b1:00", 5}, {"0000:3b:00", 1}});
  CHECK(v.status == "fail");
  // The AER lines are graver and lead; the reason names the Xids past the three it shows.
  CHECK(v.reason.rfind("gpu5 (PCI 0000:b1:00): aer [pcie_link_degraded]", 0) == 0);
  CHECK(v.reason.find("uncategorised Xid 45 on gpu5, uncategorised Xid 154 on gpu1") != std::string::npos);
  CHECK(v.details["categories"] == nlohmann::json({"pcie_link_degraded"}));  // no category made up
  const nlohmann::json& u = v.details["uncategorised"];
  REQUIRE(u.size() == 2);
  CHECK(u[0]["label"] == "uncategorised Xid 45");
  CHECK(u[0]["xid"] == 45);
  CHECK(u[0]["gpus"] == nlohmann::json({5}));
  CHECK(u[0]["pcis"] == nlohmann::json({"0000:b1:00"}));
  CHECK(u[0]["lines"] == 2);
  CHECK(u[1]["label"] == "uncategorised Xid 154");
  CHECK(u[1]["gpus"] == nlohmann::json({1}));
  // Alone, they still fail the probe and say so; categories stays empty (nothing confirmed).
  v = Judge("2026-12-01T05:21:00+00:00 node-3 kernel: NVRM: Xid (PCI:0000:b1:00): 92, pid=7, High single-bit ECC "
            "error rate\n",
            {{"0000:b1:00", 5}});
  CHECK(v.status == "fail");
  CHECK(v.details["categories"].empty());
  REQUIRE(v.details["uncategorised"].size() == 1);
  CHECK(v.details["uncategorised"][0]["label"] == "uncategorised Xid 92");
  CHECK(v.reason.find("Xid 92 [uncategorised]") != std::string::npos);
  // A clean log has the fields too, empty.
  v = Judge("2026-12-01T05:21:00+00:00 node-3 kernel: usb 1-1: new device\n", {});
  CHECK(v.status == "pass");
  CHECK(v.details["uncategorised"] == nlohmann::json::array());
  CHECK(v.details["gpu_uuids"] == nlohmann::json::object());
}

}  // namespace
}  // namespace vigil
