// TZ: how the built-in reasoner places a log line in time: zone offsets with and without a colon,
// fractions, Slurm's zone-less ISO, dmesg -T's own year, journalctl's short format, PyTorch's c10
// "E520" with the month unpadded, raw dmesg seconds since boot (no time), a case's declared zone
// (topology.timezone) and the ambiguity of a local time whose zone the case does not give.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_testing.h"
#include "agents/log_time.h"
#include "agents/logs_case_testing.h"
#include "agents/source_zone.h"
#include "core/time_util.h"

namespace vigil {
namespace {

using testing::FactsMatching;

constexpr int64_t kNone = std::numeric_limits<int64_t>::max();

int64_t At(const char* rfc3339) { return ParseRfc3339Ms(rfc3339).value(); }

LogClock Clock2026() {
  LogClock c;
  c.year = 2026;
  c.anchor_ms = At("2026-05-20T10:14:23Z");
  return c;
}

TEST_CASE("TZ: a log line's time, by the format it is printed in") {
  const LogClock utc = Clock2026();
  // RFC 3339 with an offset, with the offset written without a colon (journalctl --output=short-iso
  // before systemd 250), Z, fractions: exact.
  CHECK(ParseLineTime("2026-03-04T03:14:07+01:00 gpu-3 kernel: x", utc).ms == At("2026-03-04T02:14:07Z"));
  CHECK(ParseLineTime("2026-03-04T03:14:07+01:00 gpu-3 kernel: x", utc).zoned);
  CHECK(ParseLineTime("2026-03-04T03:14:07-0500 gpu-3 kernel: x", utc).ms == At("2026-03-04T08:14:07Z"));
  CHECK(ParseLineTime("2026-03-04T03:14:07-0500 gpu-3 kernel: x", utc).zoned);
  CHECK(ParseLineTime("ts=2026-03-04T03:14:07.250Z level=error", utc).ms == At("2026-03-04T03:14:07.250Z"));
  CHECK(ParseLineTime("2026-03-04T03:14:07.123456+05:30 x", utc).ms == At("2026-03-03T21:44:07.123Z"));
  // Slurm's "2026-03-04T03:14:07.123" and Python logging's "2026-03-04 03:14:07,221": no zone.
  CHECK(ParseLineTime("[2026-03-04T03:14:07.123] error: Node gpu-3 not responding", utc).ms ==
        At("2026-03-04T03:14:07.123Z"));
  CHECK_FALSE(ParseLineTime("[2026-03-04T03:14:07.123] error: Node gpu-3 not responding", utc).zoned);
  // (the comma milliseconds are read since RV12; before, the second alone)
  CHECK(ParseLineTime("2026-03-04 03:14:07,221 ERROR x", utc).ms == At("2026-03-04T03:14:07.221Z"));
  // dmesg -T carries its own year (not the alert's).
  CHECK(ParseLineTime("[Wed Mar  4 03:14:07 2026] NVRM: Xid (PCI:0000:3b:00): 79", utc).ms == At("2026-03-04T03:14:07Z"));
  CHECK(ParseLineTime("[Thu Dec 31 23:59:58 2025] NVRM: Xid 79", utc).ms == At("2025-12-31T23:59:58Z"));
  // Raw dmesg: seconds since boot, no time of day.
  CHECK(ParseLineTime("[12345.678901] NVRM: Xid (PCI:0000:3b:00): 79", utc).ms == kNone);
  // journalctl's short format and PyTorch's c10 glog prefix, month padded or not: the alert's year.
  CHECK(ParseLineTime("Mar 04 03:14:07 gpu-3 kernel: x", utc).ms == At("2026-03-04T03:14:07Z"));
  CHECK_FALSE(ParseLineTime("Mar 04 03:14:07 gpu-3 kernel: x", utc).zoned);
  CHECK(ParseLineTime("[rank3]:[E304 03:14:07.123456 ProcessGroupNCCL.cpp:616] x", utc).ms ==
        At("2026-03-04T03:14:07.123Z"));
  CHECK(ParseLineTime("[rank3]:[E0304 03:14:07.123456789 ProcessGroupNCCL.cpp:616] x", utc).ms ==
        At("2026-03-04T03:14:07.123Z"));
  CHECK(ParseLineTime("[rank3]:[E1203 03:14:07.123456 ProcessGroupNCCL.cpp:616] x", utc).ms ==
        At("2025-12-03T03:14:07.123Z"));  // over half a year after the alert of May 2026: last year's
  // A year-less line of Dec 31 for an alert of Jan 1: the year before.
  LogClock jan = utc;
  jan.anchor_ms = At("2026-01-01T00:10:00Z");
  CHECK(ParseLineTime("Dec 31 23:58:00 gpu-3 kernel: x", jan).ms == At("2025-12-31T23:58:00Z"));
  // A declared zone: zone-less times are read in it; times with a zone keep theirs.
  LogClock plus1 = utc;
  plus1.zone_declared = true;
  plus1.offset_min = 60;
  CHECK(ParseLineTime("Mar 04 03:14:07 gpu-3 kernel: x", plus1).ms == At("2026-03-04T02:14:07Z"));
  CHECK(ParseLineTime("Mar 04 03:14:07 gpu-3 kernel: x", plus1).zoned);
  CHECK(ParseLineTime("[Wed Mar  4 03:14:07 2026] x", plus1).ms == At("2026-03-04T02:14:07Z"));
  CHECK(ParseLineTime("2026-03-04T03:14:07.123 x", plus1).ms == At("2026-03-04T02:14:07.123Z"));
  CHECK(ParseLineTime("2026-03-04T03:14:07Z x", plus1).ms == At("2026-03-04T03:14:07Z"));
  CHECK(ParseLineTime("no time here", plus1).ms == kNone);
}

TEST_CASE("TZ: topology.timezone, the offsets read and the values refused") {
  CHECK(ParseZoneOffsetMin("UTC") == 0);
  CHECK(ParseZoneOffsetMin("Z") == 0);
  CHECK(ParseZoneOffsetMin("+01:00") == 60);
  CHECK(ParseZoneOffsetMin("-0500") == -300);
  CHECK(ParseZoneOffsetMin("UTC+1") == 60);
  CHECK(ParseZoneOffsetMin("GMT-05:30") == -330);
  CHECK(ParseZoneOffsetMin("+14:00") == 840);
  CHECK_FALSE(ParseZoneOffsetMin("-13:00"));
  CHECK_FALSE(ParseZoneOffsetMin("+15"));
  CHECK_FALSE(ParseZoneOffsetMin("Europe/Berlin"));
  CHECK_FALSE(ParseZoneOffsetMin(""));
  CHECK_FALSE(ParseZoneOffsetMin("+1:75"));
  CHECK_FALSE(ParseZoneOffsetMin("+99999999999999999"));
}

const std::map<std::string, std::string>& Layers() {
  static const auto* m = new std::map<std::string, std::string>{{"gpu_fallen_off_bus", "gpu"},
                                                                {"nccl_collective_hang", "communication"}};
  return *m;
}

// Two signatures of one category on two nodes: g-2's kernel line (`g2_line`, needle "Xid") and
// g-3's rank line (`g3_line`, needle "fallen off the bus"). The one that leads its category gives
// the answer its node. The alert fired at 10:14:23Z.
Diagnosis TwoNodes(const std::string& g2_line, const std::string& g3_line, const Json& timezone = Json()) {
  Json j = ParseJson(R"JSON({
    "id": "t-tz",
    "alert": {"labels": {"alertname": "JobFailed", "job": "llm", "node": "g-1"}, "startsAt": "2026-05-20T10:14:23Z"},
    "logs": [{"source": "g-2/journal", "lines": []}, {"source": "g-3/train.log", "lines": []}],
    "topology": {"nodes": ["g-1", "g-2", "g-3", "g-4"], "gpus_per_node": 8},
    "expected": {"root_cause": "gpu_fallen_off_bus", "component": "g-2"}
  })JSON").value();
  j["logs"][0]["lines"] = std::vector<std::string>{g2_line};
  j["logs"][1]["lines"] = std::vector<std::string>{g3_line};
  if (!timezone.is_null()) j["topology"]["timezone"] = timezone;
  auto c = ParseCase(j, "t.json");
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  return BuiltinReasoner()
      .Diagnose(*c, FactsMatching(*c, {{"Xid", "gpu_fallen_off_bus"}, {"fallen off the bus", "gpu_fallen_off_bus"}}, Layers()),
                nullptr)
      .diagnosis;
}

bool SaidBeforeWindow(const Diagnosis& d) {
  for (const Evidence& e : d.evidence)
    if (e.detail.find("before the incident's window") != std::string::npos) return true;
  return false;
}

const char* kG3 = "2026-05-20T10:13:40Z [rank17]: RuntimeError: CUDA error: GPU has fallen off the bus";

TEST_CASE("TZ: a kernel line in the hosts' declared zone is the incident's, not five hours old") {
  // 05:10:02 at UTC-5 is 10:10:02Z: four minutes before the alert, before g-3's error.
  const std::string g2 = "May 20 05:10:02 g-2 kernel: NVRM: Xid (PCI:0000:3b:00): 79, pid=4411, name=python";
  Diagnosis d = TwoNodes(g2, kG3, "-05:00");
  CHECK(d.root_cause == "gpu_fallen_off_bus");
  CHECK(d.component.rfind("g-2", 0) == 0);
  CHECK_FALSE(SaidBeforeWindow(d));
  // The same with its zone printed ("-0500", no colon): exact without a declaration.
  d = TwoNodes("2026-05-20T05:10:02-0500 g-2 kernel: NVRM: Xid (PCI:0000:3b:00): 79, pid=4411", kG3);
  CHECK(d.component.rfind("g-2", 0) == 0);
  // A zone that is no offset and no zone name is said and not used.
  d = TwoNodes(g2, kG3, "Eastern Time");
  auto said = [](const Diagnosis& dd, const std::string& text) {
    for (const std::string& u : dd.unverified) {
      if (u.find(text) != std::string::npos) return true;
    }
    return false;
  };
  CHECK(said(d, "topology.timezone \"Eastern Time\" is not a UTC offset"));
  CHECK(said(d, "were read as UTC"));
}

TEST_CASE("TZ: an IANA topology.timezone is read at the alert's time from the tz database") {
  // America/Chicago on May 20 is CDT, UTC-05:00: the same reading as "-05:00" above.
  const std::string g2 = "May 20 05:10:02 g-2 kernel: NVRM: Xid (PCI:0000:3b:00): 79, pid=4411, name=python";
  auto said = [](const Diagnosis& dd, const std::string& text) {
    for (const std::string& u : dd.unverified) {
      if (u.find(text) != std::string::npos) return true;
    }
    return false;
  };
  Diagnosis d = TwoNodes(g2, kG3, "America/Chicago");
  CHECK(d.root_cause == "gpu_fallen_off_bus");
  CHECK(d.component.rfind("g-2", 0) == 0);
  CHECK_FALSE(SaidBeforeWindow(d));
  CHECK(said(d, "topology.timezone \"America/Chicago\" read as UTC-05:00 (CDT), its offset at the alert's start "
                "2026-05-20T10:14:23Z"));
  // A name the database does not hold: said with the path looked for, and not used (read as UTC:
  // 05:10:02Z, five hours before the alert, is then not called old by its zone alone).
  d = TwoNodes(g2, kG3, "America/Nowhere");
  CHECK(said(d, "topology.timezone \"America/Nowhere\": zone \"America/Nowhere\": no file"));
  CHECK(said(d, "were read as UTC"));
  CHECK_FALSE(said(d, "read as UTC-"));
}

TEST_CASE("TZ: a local time of an undeclared zone is not placed before the alert's window by its zone alone") {
  // No zone declared: 05:10:02 read as UTC is 5 h before the alert, but a host at UTC-5 printed it
  // 4 min before; nothing else on that clock says the line is old.
  Diagnosis d = TwoNodes("May 20 05:10:02 g-2 kernel: NVRM: Xid (PCI:0000:3b:00): 79, pid=4411, name=python", kG3);
  CHECK(d.component.rfind("g-2", 0) == 0);
  CHECK_FALSE(SaidBeforeWindow(d));
  // case-rl6-08's shape kept: on one local clock the g-2 line is two hours before g-3's (dmesg -T),
  // and before the window read as UTC: older than the incident.
  d = TwoNodes("May 20 08:01:00 g-2 kernel: NVRM: Xid (PCI:0000:3b:00): 79, pid=4411, name=python",
               "[Wed May 20 10:12:40 2026] NVRM: GPU 0000:1b:00.0: GPU has fallen off the bus.");
  CHECK(d.component.rfind("g-3", 0) == 0);
  CHECK(SaidBeforeWindow(d));
  // Over 12 h before the window: old whatever the zone.
  d = TwoNodes("May 19 20:01:00 g-2 kernel: NVRM: Xid (PCI:0000:3b:00): 79, pid=4411, name=python", kG3);
  CHECK(d.component.rfind("g-3", 0) == 0);
}

TEST_CASE("TZ: PyTorch's c10 time with the month unpadded orders its line") {
  // g-3's error at 10:05 (E520: May 20) leads g-2's kernel line at 10:10Z.
  Diagnosis d = TwoNodes("2026-05-20T10:10:02Z g-2 kernel: NVRM: Xid (PCI:0000:3b:00): 79, pid=4411",
                         "[rank17]:[E520 10:05:00.123456 CUDAGuard.cpp:40] CUDA error: GPU has fallen off the bus");
  CHECK(d.component.rfind("g-3", 0) == 0);
}

TEST_CASE("TZ: systemd about an exporter's unit is no GPU or job fault, and explains missing series") {
  Json j = ParseJson(R"JSON({
    "id": "t-exporter",
    "alert": {"labels": {"alertname": "DCGMExporterDown", "job": "dcgm-exporter", "instance": "g-2:9400", "node": "g-2"},
              "annotations": {"summary": "dcgm-exporter on g-2 is down"}, "startsAt": "2026-05-20T10:14:23Z"},
    "logs": [{"source": "g-2/journal", "lines": [
      "May 20 10:05:01 g-2 systemd[1]: dcgm-exporter.service: Main process exited, code=killed, status=9/KILL",
      "May 20 10:05:01 g-2 systemd[1]: dcgm-exporter.service: Failed with result 'signal'.",
      "May 20 10:05:02 g-2 systemd[1]: nvidia-dcgm.service: Failed with result 'exit-code'.",
      "May 20 10:05:11 g-2 systemd[1]: node_exporter.service: Scheduled restart job, restart counter is at 3.",
      "May 20 10:05:12 g-2 systemd[1]: Started Prometheus Node Exporter."]}],
    "topology": {"nodes": ["g-1", "g-2"], "gpus_per_node": 8}
  })JSON").value();
  Diagnosis d = testing::RunJsonWithPack(j);
  // Before: "code=killed, status=9/KILL" read like the OOM killer (host_oom) and the units'
  // failures like an NVLink error (the answer, g-2, 0.24).
  for (const Evidence& e : d.evidence) {
    INFO(e.detail);
    CHECK(e.detail.find("systemd[1]:") == std::string::npos);
  }
  CHECK(d.root_cause != "nvlink_error");
  CHECK(d.root_cause != "host_oom");
  int said = 0;
  for (const std::string& u : d.unverified) {
    if (u.find("the monitoring service dcgm-exporter.service stopped") != std::string::npos) ++said;
    if (u.find("the monitoring service nvidia-dcgm.service stopped") != std::string::npos) ++said;
    if (u.find("the monitoring service node_exporter.service stopped") != std::string::npos) ++said;
  }
  CHECK(said == 3);
  // The OOM killer's own line about a trainer still reads as host_oom.
  CHECK(MonitoringUnitOfLine("May 20 10:05:01 g-2 systemd[1]: trainer.service: Main process exited, code=killed, status=9/KILL")
            .empty());
  CHECK(MonitoringUnitOfLine("May 20 10:05:01 g-2 systemd[1]: dcgm-exporter.service: Main process exited, code=killed") ==
        "dcgm-exporter.service");
  CHECK(MonitoringUnitOfLine("systemd[1]: prometheus-node-exporter.service: Failed with result 'exit-code'.") ==
        "prometheus-node-exporter.service");
}

// Review RV-TZ: the year of a line printed without one, at the turn of the year in both directions.
TEST_CASE("RV-TZ: a year-less line just after an alert of Dec 31 is the next year's") {
  LogClock dec;
  dec.year = 2025;
  dec.anchor_ms = At("2025-12-31T23:59:30Z");
  // Logs gathered past midnight: before, Jan 1 of the alert's year (364 days before the alert).
  CHECK(ParseLineTime("Jan  1 00:00:40 gpu-3 kernel: x", dec).ms == At("2026-01-01T00:00:40Z"));
  CHECK(ParseLineTime("[rank3]:[E101 00:00:40.500000 ProcessGroupNCCL.cpp:616] x", dec).ms ==
        At("2026-01-01T00:00:40.500Z"));
  // Lines before the alert keep its year, even months before (logs are not months ahead of it).
  CHECK(ParseLineTime("Dec 31 23:58:00 gpu-3 kernel: x", dec).ms == At("2025-12-31T23:58:00Z"));
  CHECK(ParseLineTime("Apr  1 10:00:00 gpu-3 kernel: x", dec).ms == At("2025-04-01T10:00:00Z"));
  // An alert of Jan 1: glog's "E1231" is the year before; a line of Jan 1 is the alert's year.
  LogClock jan;
  jan.year = 2026;
  jan.anchor_ms = At("2026-01-01T00:10:00Z");
  CHECK(ParseLineTime("E1231 23:59:59.900000 12 nccl.cc:1] x", jan).ms == At("2025-12-31T23:59:59.900Z"));
  CHECK(ParseLineTime("Jan  1 00:09:00 gpu-3 kernel: x", jan).ms == At("2026-01-01T00:09:00Z"));
}

// Review RV-TZ: a node whose GPU exporter died has GPUs no series shows; with nothing else placing
// a hypothesis they are the ones to look at. Before, the exporter's systemd line voted for nothing
// (right) but sent no probe there either: the hot GPU on that node went unseen (unknown).
TEST_CASE("RV-TZ: the GPUs of a node whose GPU exporter stopped are probed when nothing else places the fault") {
  Json j = ParseJson(R"JSON({
    "id": "t-unwatched",
    "alert": {"labels": {"alertname": "TrainingThroughputDrop", "job": "llm-pretrain", "node": "a-1"},
              "annotations": {"summary": "llm-pretrain tokens/s -18%"}, "startsAt": "2026-07-02T03:40:00Z"},
    "logs": [
      {"source": "a-1/train.log", "lines": ["[2026-07-02 03:31:10] step 1200 | loss 2.31 | tokens/s 410231",
                                            "[2026-07-02 03:39:40] step 1260 | loss 2.30 | tokens/s 338120"]},
      {"source": "a-3/journal", "lines": [
        "Jul 02 02:58:13 a-3 systemd[1]: nvidia-dcgm-exporter.service: Main process exited, code=exited, status=2/INVALIDARGUMENT",
        "Jul 02 02:58:23 a-3 systemd[1]: nvidia-dcgm-exporter.service: Start request repeated too quickly."]}],
    "topology": {"nodes": ["a-1", "a-2", "a-3"], "gpus_per_node": 4}
  })JSON").value();
  Json probes = ParseJson(R"JSON({
    "gpu.health@a-3/gpu2": {"status": "fail",
      "metrics": {"temperature_c": 91, "sm_clock_mhz": 1215, "sm_clock_max_mhz": 1980.0, "clock_event_reasons": 32,
                  "ecc_dbe_volatile": 0, "remap_pending": 0, "remap_failure": 0, "power_w": 480, "power_limit_w": 700.0},
      "thresholds": {"temperature_c_max": 87, "ecc_dbe_volatile_max": 0},
      "reason": "clocks held at 1215 MHz of 1980 by: SW thermal slowdown", "duration_s": 1.2}
  })JSON").value();
  Diagnosis d = testing::RunJsonWithPack(j, probes);
  CHECK(d.root_cause == "gpu_thermal_throttle");
  CHECK(d.component == "a-3/gpu2");
  // node_exporter's unit is no GPU exporter: its node's GPUs still have their series.
  j["logs"][1]["lines"] = Json::array({"Jul 02 02:58:13 a-3 systemd[1]: node_exporter.service: Main process exited, code=exited, status=1/FAILURE"});
  d = testing::RunJsonWithPack(j, probes);
  CHECK(d.component != "a-3/gpu2");
}


TEST_CASE("TZ2: a source's own IANA zone is read at the instant given, and only with one") {
  auto log = [](const std::string& source, const std::vector<std::string>& lines) {
    return testing::CaseLogOf(source, lines);
  };
  const int64_t jan = At("2026-01-15T00:00:00Z"), jul = At("2026-07-01T00:00:00Z");
  CHECK(SourceZoneOffsetMin(log("gx-01/syslog (Europe/Berlin)", {"x"}), jan) == 60);
  CHECK(SourceZoneOffsetMin(log("gx-01/syslog (Europe/Berlin)", {"x"}), jul) == 120);
  CHECK(SourceZoneOffsetMin(log("bmc-07/sel", {"# ipmitool sel elist (BMC clock set to Asia/Shanghai)", "x"}), jul) == 480);
  CHECK(SourceZoneOffsetMin(log("gx-01/journal", {"# journalctl -k (host timezone America/Los_Angeles)", "x"}), jan) == -480);
  // The name agrees with the abbreviation beside it: one zone. In July the same note says two (+01:00 and
  // Berlin's +02:00): no zone.
  CHECK(SourceZoneOffsetMin(log("n-07/journal", {"# journalctl -k (host timezone Europe/Berlin, CET +0100)", "x"}), jan) == 60);
  CHECK_FALSE(SourceZoneOffsetMin(log("n-07/journal", {"# journalctl -k (host timezone Europe/Berlin, CET +0100)", "x"}), jul));
  // Without an instant, an IANA name alone is not read (the old behaviour); a name the database lacks,
  // a path and a region the regex does not know are no zone.
  CHECK_FALSE(SourceZoneOffsetMin(log("gx-01/syslog (Europe/Berlin)", {"x"})));
  CHECK_FALSE(SourceZoneOffsetMin(log("gx-01/syslog (Europe/Nowhere)", {"x"}), jul));
  CHECK_FALSE(SourceZoneOffsetMin(log("gx-01/syslog (from /data/Europe/Berlin)", {"x"}), jul));
  CHECK_FALSE(SourceZoneOffsetMin(log("gx-01/syslog (Mars/Olympus)", {"x"}), jul));
}

}  // namespace
}  // namespace vigil
