// KL52 (2026-12-07): vigil-probe's node.kernel_log lists the categories of every finding it made
// (details.categories); a failing result supports those, not the other categories the catalog says the
// probe can see. Found on a real H100 (probes/HISTORY.md "H100 run 52"): a kernel log holding only Xid 31
// / 43 lines of finished processes (fault_inject, python3) supported host_oom, ib_link_failure, nvlink_error,
// ... at a quarter weight each, and triage_demo.sh's healthy StragglerRank answer listed host_oom 0.10 and
// ib_link_failure 0.08 as its leading open hypotheses.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "agents/case.h"
#include "core/json.h"
#include "probes/probe.h"

namespace vigil {
std::map<std::string, double> ProbeDeltas(const ProbeResult& r);  // builtin_reasoner.cc
namespace {

ProbeResult KernelLog(const Json& categories) {
  ProbeResult r;
  r.probe = "node.kernel_log";
  r.target = "vm";
  r.status = ProbeStatus::kFail;
  r.reason =
      "gpu0 (PCI 0000:00:06): Xid 31 [illegal_memory_access] at 2026-12-07T08:24:28Z: NVRM: Xid (PCI:0000:00:06): 31, "
      "pid=855, name=fault_inject, channel 0x0000000a (1 finding(s) in the last 3600 s, dmesg)";
  r.details = Json{{"categories", categories},
                   {"gpus_by_category", Json{{"illegal_memory_access", Json::array({0})}}},
                   {"source", "dmesg"}};
  r.metrics = {{"findings_in_window", 1}, {"xid_lines", 1}, {"log_covers_s", 3600}, {"window_s", 3600}};
  return r;
}

TEST_CASE("KL52: a kernel log's listed categories are all it supports") {
  const std::map<std::string, double> d = ProbeDeltas(KernelLog(Json::array({"illegal_memory_access"})));
  REQUIRE(d.count("illegal_memory_access") == 1);
  CHECK(d.at("illegal_memory_access") > 0);
  for (const char* other : {"host_oom", "ib_link_failure", "nvlink_error", "gpu_fallen_off_bus", "pcie_link_degraded",
                            "gpu_memory_uncorrectable_ecc", "gpu_row_remap_failure", "gpu_firmware_error"}) {
    CAPTURE(other);
    CHECK(d.count(other) == 0);
  }
  // Two listed categories: both supported, the first (gravest) the more.
  const std::map<std::string, double> two =
      ProbeDeltas(KernelLog(Json::array({"gpu_fallen_off_bus", "pcie_link_degraded"})));
  REQUIRE(two.count("gpu_fallen_off_bus") == 1);
  REQUIRE(two.count("pcie_link_degraded") == 1);
  CHECK(two.at("gpu_fallen_off_bus") > two.at("pcie_link_degraded"));
  CHECK(two.count("host_oom") == 0);
}

TEST_CASE("KL52: a kernel-log result without vigil-probe's list keeps the catalog's weights") {
  // A result written by another tool (no details.categories): what its words name leads, the catalog's
  // other categories keep their quarter weight, as before.
  ProbeResult r = KernelLog(Json::array());
  r.details = Json::object();
  const std::map<std::string, double> d = ProbeDeltas(r);
  REQUIRE(d.count("illegal_memory_access") == 1);
  CHECK(d.count("host_oom") == 1);
  CHECK(d.at("host_oom") < d.at("illegal_memory_access"));
}

}  // namespace
}  // namespace vigil
