// The reasoner reading vigil-probe's node.kernel_log: the probe's result is built by the probe's own
// parser and verdict (probes/gpu/kernel_log.h) from a recorded journal
// (probes/testdata/kernel_log/journal_xid79.log: Xid 79 on PCI 0000:b1:00, GPU 5 of node-3, AER
// lines before it, a driver Xid 45 after it), as the binary would answer on that node.
#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "core/source_tree.h"
#include "agents/builtin_reasoner.h"
#include "agents/diagnosis_testing.h"
#include "agents/probe_evidence_for_alert.h"
#include "probes/gpu/kernel_log.h"

namespace vigil {
namespace {

namespace kl = kernel_log;

constexpr double kNow = 1796103900;  // 2026-12-01T05:45:00Z, five minutes after the recorded Xid 79

// node.kernel_log@node-3 as vigil-probe answers it: `log` parsed with `po`, judged over the last
// 3600 s at kNow, the verdict's status, reason, metrics and details as the result's.
ProbeResult JudgedKernelLog(const kl::LogText& log, const kl::ParseOptions& po, double duration_s) {
  const kl::Verdict v = kl::JudgeKernelLog(kl::ParseKernelLog(log.text, po), log, 3600, kNow);
  ProbeResult r;
  r.probe = "node.kernel_log";
  r.target = "node-3";
  const auto status = ParseProbeStatus(v.status);  // pass, fail, unavailable
  r.status = status.ok() ? *status : ProbeStatus::kError;
  r.reason = v.reason;
  r.metrics = v.metrics;
  r.details = v.details;
  r.duration_s = duration_s;
  return r;
}

// node.kernel_log@node-3 as vigil-probe answers it over `text` (`gpus`: PCI bus id -> GPU index).
ProbeResult KernelLogResult(const std::string& text, const std::map<std::string, int>& gpus) {
  kl::LogText log;
  log.source = "journalctl -k";
  log.text = text;
  kl::ParseOptions po;
  po.now = kNow;
  po.gpu_by_pci = gpus;
  return JudgedKernelLog(log, po, 0.05);
}

std::string RecordedJournal() {
  kl::ReadOptions ro;
  ro.log_file = SourceTreePath("probes/testdata/kernel_log/journal_xid79.log");
  kl::ReadResult rr = kl::ReadKernelLog(ro);
  REQUIRE_MESSAGE(rr.log.has_value(), rr.error);
  return rr.log->text;
}

// rank 40 of a job on node-3 (8 GPUs a node) dies with a CUDA error that reads like a lost GPU or an
// application fault alike.
DiagnosisCase LaunchFailureCase() {
  DiagnosisCase c;
  c.id = "kernel-log";
  CaseLog log;
  log.source = "node-3/rank40/stderr";
  log.lines.push_back({1, "[rank40]: RuntimeError: CUDA error: unspecified launch failure (node-3)"});
  log.original_lines = 1;
  c.logs.push_back(log);
  c.topology = Json{{"nodes", Json::array({"node-3"})}, {"gpus_per_node", 8}};
  return c;
}

KnowledgeFacts LaunchFailureFacts(const DiagnosisCase& c) {
  return testing::FactsMatching(c, {{"unspecified launch failure", "illegal_memory_access"},
                                    {"CUDA error", "gpu_fallen_off_bus"}},
                                {{"illegal_memory_access", "application"},
                                 {"gpu_fallen_off_bus", "gpu"},
                                 {"gpu_firmware_error", "gpu"},
                                 {"gpu_memory_uncorrectable_ecc", "gpu"}});
}

const Hypothesis* Find(const Diagnosis& d, const std::string& cat) {
  for (const Hypothesis& h : d.hypotheses) {
    if (h.category == cat) return &h;
  }
  return nullptr;
}

Diagnosis Run(testing::RecordedExecutor& probes) {
  DiagnosisCase c = LaunchFailureCase();
  ReasonerOptions ro;
  ro.allow_intrusive = false;
  return BuiltinReasoner(ro).Diagnose(c, LaunchFailureFacts(c), &probes).diagnosis;
}

bool Ran(const Diagnosis& d, const std::string& target) {
  for (const VerificationStep& s : d.steps) {
    if (s.target == target && (s.outcome == "pass" || s.outcome == "fail")) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("kernel log: an Xid 79 in the node's log confirms gpu_fallen_off_bus on that GPU") {
  testing::RecordedExecutor probes;
  probes.results["node.kernel_log@node-3"] = KernelLogResult(RecordedJournal(), {{"0000:b1:00", 5}});
  Diagnosis d = Run(probes);
  REQUIRE(Ran(d, "node.kernel_log@node-3"));
  CHECK(d.root_cause == "gpu_fallen_off_bus");
  CHECK(d.component == "node-3/gpu5");
  const Hypothesis* lost = Find(d, "gpu_fallen_off_bus");
  REQUIRE(lost != nullptr);
  CHECK(lost->status == HypothesisStatus::kConfirmed);
  // The application fault the log line also reads like is not what the kernel log names.
  const Hypothesis* app = Find(d, "illegal_memory_access");
  if (app != nullptr) CHECK(app->status != HypothesisStatus::kConfirmed);
  // The AER lines of the same GPU (the second category the probe names) are not "confirmed" as the cause.
  const Hypothesis* pcie = Find(d, "pcie_link_degraded");
  if (pcie != nullptr) CHECK(pcie->status != HypothesisStatus::kConfirmed);
}

TEST_CASE("kernel log: the GPU of the gravest finding, though the log names another GPU first") {
  // AER on gpu6 (PCI 0000:d1:00) first in the log, then an Xid 79 on gpu2 (PCI 0000:3a:00).
  const std::string text =
      "2026-12-01T05:30:00+00:00 node-3 kernel: pcieport 0000:d0:01.0: AER: Corrected error received: 0000:d1:00.0\n"
      "2026-12-01T05:41:00+00:00 node-3 kernel: NVRM: Xid (PCI:0000:3a:00): 79, pid=7, GPU has fallen off the bus.\n";
  testing::RecordedExecutor probes;
  probes.results["node.kernel_log@node-3"] = KernelLogResult(text, {{"0000:3a:00", 2}, {"0000:d1:00", 6}});
  Diagnosis d = Run(probes);
  REQUIRE(Ran(d, "node.kernel_log@node-3"));
  CHECK(d.root_cause == "gpu_fallen_off_bus");
  CHECK(d.component == "node-3/gpu2");
}

TEST_CASE("kernel log: only uncategorised lines (Xid 45) support nothing; a clean log weakly refutes") {
  testing::RecordedExecutor none;
  Diagnosis base = Run(none);  // the probe unavailable: the log line alone
  const Hypothesis* base_lost = Find(base, "gpu_fallen_off_bus");
  REQUIRE(base_lost != nullptr);

  // gpu_fallen_off_bus after node.kernel_log answered over `text`, with the probe's status.
  auto lost_after = [&](const std::string& text, ProbeStatus expected) {
    testing::RecordedExecutor probes;
    ProbeResult r = KernelLogResult(text, {{"0000:b1:00", 5}});
    REQUIRE(r.status == expected);
    probes.results["node.kernel_log@node-3"] = r;
    Diagnosis d = Run(probes);
    REQUIRE(Ran(d, "node.kernel_log@node-3"));
    const Hypothesis* lost = Find(d, "gpu_fallen_off_bus");
    REQUIRE(lost != nullptr);
    return *lost;
  };
  Hypothesis lost45 = lost_after(
      "2026-12-01T05:40:02+00:00 node-3 kernel: NVRM: Xid (PCI:0000:b1:00): 45, pid=48213, name=python3, Ch 00000010\n",
      ProbeStatus::kFail);
  CHECK(lost45.status != HypothesisStatus::kConfirmed);
  CHECK(lost45.probability <= base_lost->probability + 1e-9);

  Hypothesis lost_clean = lost_after(
      "2026-12-01T05:41:00+00:00 node-3 kernel: docker0: port 1(veth1) entered forwarding state\n", ProbeStatus::kPass);
  CHECK(lost_clean.status != HypothesisStatus::kConfirmed);
  CHECK(lost_clean.probability < base_lost->probability);
}

TEST_CASE("kernel log: a pass counts for the share of the window its log covers") {
  // A clean dmesg of a node booted 27 s before the probe (the H200 of 2026-12-01 06:13: 359 lines,
  // log_covers_s 27 of 3600) against a clean journal of the whole hour: before this change both
  // lowered the hardware hypotheses by the catalog's full pass weight.
  auto clean = [](double boot_ago, bool ring) {
    kl::LogText log;
    log.source = ring ? "dmesg" : "journalctl -k";
    log.ring_buffer = ring;
    log.text = ring ? "[    0.000000] Linux version 6.8.0-49-generic (buildd@lcy02-amd64-103)\n"
                      "[   20.512000] nvidia-nvlink: Nvlink Core is being initialized, major device number 234\n"
                    : "2026-12-01T05:41:00+00:00 node-3 kernel: docker0: port 1(veth1) entered forwarding state\n";
    kl::ParseOptions po;
    po.now = kNow;
    po.boot_time = kNow - boot_ago;
    return JudgedKernelLog(log, po, 0.02);
  };
  ProbeResult full = clean(100000, false), fresh = clean(27, true);
  REQUIRE(full.status == ProbeStatus::kPass);
  REQUIRE(fresh.status == ProbeStatus::kPass);
  REQUIRE(fresh.metrics.at("log_covers_s") == doctest::Approx(27));
  std::optional<Evidence> ef = EvidenceFromProbe(full, "p1"), es = EvidenceFromProbe(fresh, "p2");
  REQUIRE(ef.has_value());
  REQUIRE(es.has_value());
  CHECK(ef->weight < 0);
  CHECK_FALSE(ef->refutes.empty());
  // 27/3600 of the catalog's weight is under 0.05 log-odds for every category: it refutes nothing.
  CHECK(es->weight == 0);
  CHECK(es->refutes.empty());
  CHECK(es->detail.find("[the log covers 27 of the 3600 s asked: this pass counts 1%]") != std::string::npos);
  CHECK(ef->detail.find("the log covers") == std::string::npos);
  // Half the window read: half the weight. A result without the metrics (an older vigil-probe, a
  // recorded case) keeps the catalog weight.
  ProbeResult half = full;
  half.metrics["log_covers_s"] = 1800;
  CHECK(EvidenceFromProbe(half, "p3")->weight == doctest::Approx(ef->weight * 0.5));
  CHECK(EvidenceFromProbe(half, "p3")->refutes.size() == ef->refutes.size());
  ProbeResult bare = full;
  bare.metrics.clear();
  CHECK(EvidenceFromProbe(bare, "p4")->weight == doctest::Approx(ef->weight));
  // Review RR: one formatter (WindowCoverageNote) writes this clause for both paths, the figure
  // read within [0, window] as the alert path reads it: a negative log_covers_s (no vigil-probe
  // writes one) said "the log covers -5 of the 3600 s asked" here, "0" for an alert.
  ProbeResult negative = full;
  negative.metrics["log_covers_s"] = -5;
  const std::string nd = EvidenceFromProbe(negative, "p5")->detail;
  CHECK_MESSAGE(nd.find("[the log covers 0 of the 3600 s asked: this pass counts 0%]") != std::string::npos, nd);

  // In the diagnosis: the fresh node's pass leaves gpu_fallen_off_bus where the log line put it.
  testing::RecordedExecutor none;
  // Kept: `b` points into it (Find(Run(none), ...) read a destroyed temporary's hypotheses, ASan
  // heap-use-after-free).
  const Diagnosis before = Run(none);
  const Hypothesis* b = Find(before, "gpu_fallen_off_bus");
  REQUIRE(b != nullptr);
  const double base = b->probability;
  auto lost_after = [&](const ProbeResult& r) {
    testing::RecordedExecutor probes;
    probes.results["node.kernel_log@node-3"] = r;
    Diagnosis d = Run(probes);
    REQUIRE(Ran(d, "node.kernel_log@node-3"));
    const Hypothesis* lost = Find(d, "gpu_fallen_off_bus");
    REQUIRE(lost != nullptr);
    return lost->probability;
  };
  const double after_full = lost_after(full), after_fresh = lost_after(fresh);
  CHECK(after_full < base - 0.01);
  CHECK(after_fresh > after_full);
  CHECK(after_fresh == doctest::Approx(base));
}

TEST_CASE("kernel log: an unavailable answer costs no probe of the budget") {
  // node.kernel_log and gpu.inventory answer `unavailable` (no readable log, not recorded): they ran
  // no test. With a budget of 2 probes they must not use it up before the health check that finds the
  // lost GPU (review RV-KL: holdout10 case-r041 lost its GEMM round, 0.750 -> 0.196, to unavailable
  // steps counted as probes).
  DiagnosisCase c = LaunchFailureCase();
  testing::RecordedExecutor probes;
  probes.Record("gpu.health", "node-3/gpu0", ProbeStatus::kFail,
                "gpu0: Xid 79 (GPU has fallen off the bus) reported during the probe", 1.0);
  ReasonerOptions ro;
  ro.allow_intrusive = false;
  ro.max_probes = 2;
  Diagnosis d = BuiltinReasoner(ro).Diagnose(c, LaunchFailureFacts(c), &probes).diagnosis;
  CHECK(probes.asked.count("node.kernel_log@node-3") == 1);
  REQUIRE(Ran(d, "gpu.health@node-3/gpu0"));
  CHECK(d.root_cause == "gpu_fallen_off_bus");
  const Hypothesis* lost = Find(d, "gpu_fallen_off_bus");
  REQUIRE(lost != nullptr);
  CHECK(lost->status == HypothesisStatus::kConfirmed);
  // The unavailable steps are listed as unverified, never as evidence.
  bool listed = false;
  for (const std::string& u : d.unverified) listed = listed || u.find("node.kernel_log@node-3: unavailable") != std::string::npos;
  CHECK(listed);
  for (const Evidence& e : d.evidence) CHECK(e.source.find("node.kernel_log") == std::string::npos);
}

// DX: a pass counts by the part of the ALERT's time, [startsAt - 300 s, the read], its log covers;
// before, by the share of the probe's 3600 s window, whatever the alert's age.
namespace {

// A clean journal read at kNow covering `covers_s` of the 3600 s window (read_at_unix_s = kNow, as
// vigil-probe writes it since DX).
ProbeResult CleanLog(double covers_s) {
  kl::LogText log;
  log.source = "journalctl -k";
  log.text = "2026-12-01T05:41:00+00:00 node-3 kernel: docker0: port 1(veth1) entered forwarding state\n";
  kl::ParseOptions po;
  po.now = kNow;
  po.boot_time = kNow - 100000;
  ProbeResult r = JudgedKernelLog(log, po, 0.02);
  r.metrics["log_covers_s"] = covers_s;
  return r;
}

// The kernel log's evidence in the diagnosis of the launch failure raised by an alert that started
// `started_ago_s` before the read (no start time when nullopt).
// `held_before_s`: its condition held that long before startsAt (activeAt; 0: activeAt unset).
Evidence LogEvidenceForAlert(const ProbeResult& r, std::optional<double> started_ago_s, double held_before_s = 0) {
  DiagnosisCase c = LaunchFailureCase();
  Alert a;
  a.rule = "CudaLaunchFailure";
  a.labels = {{"alertname", "CudaLaunchFailure"}, {"node", "node-3"}};
  if (started_ago_s) a.starts_at_ms = static_cast<int64_t>((kNow - *started_ago_s) * 1000);
  if (held_before_s != 0) a.active_at_ms = a.starts_at_ms - static_cast<int64_t>(held_before_s * 1000);
  c.alert = a;
  testing::RecordedExecutor probes;
  probes.results["node.kernel_log@node-3"] = r;
  ReasonerOptions ro;
  ro.allow_intrusive = false;
  Diagnosis d = BuiltinReasoner(ro).Diagnose(c, LaunchFailureFacts(c), &probes).diagnosis;
  REQUIRE(Ran(d, "node.kernel_log@node-3"));
  for (const Evidence& e : d.evidence) {
    if (e.source == "probe node.kernel_log@node-3") return e;
  }
  FAIL("no kernel-log evidence");
  return {};
}

}  // namespace

TEST_CASE("kernel log: a pass counts for the part of the alert's own time its log covers") {
  const double hour = EvidenceFromProbe(CleanLog(3600), "p")->weight;  // a clean hour, window-based
  REQUIRE(hour < 0);
  // A clean last hour for an alert that started 3 h ago: the onset is in no line read. It counts
  // 3600 of the 11100 s from startsAt - 300 s to the read.
  Evidence old = LogEvidenceForAlert(CleanLog(3600), 3 * 3600.0);
  CHECK(old.weight == doctest::Approx(hour * 3600 / 11100));
  CHECK_MESSAGE(old.detail.find("the log covers the last 3600 s of it: this pass counts 32%") != std::string::npos,
                old.detail);
  CHECK(old.detail.find("to 2026-12-01T04:45:00Z (the alert's onset) is not in the log: it is older than the "
                        "probe's window of 3600 s") != std::string::npos);
  // Started 2 h ago: the same log, 3600 of 7500 s; the part before the window named.
  Evidence two = LogEvidenceForAlert(CleanLog(3600), 2 * 3600.0);
  CHECK(two.weight == doctest::Approx(hour * 3600 / 7500));
  CHECK_MESSAGE(two.detail.find("from 2026-12-01T03:40:00Z to 2026-12-01T04:45:00Z (the alert's onset) is "
                                "not in the log") != std::string::npos,
                two.detail);
  // A 20-minute log holds all of a 5-minute-old alert (and its 5-minute lead): it counts fully,
  // where the window-based figure said 1/3.
  Evidence young = LogEvidenceForAlert(CleanLog(1200), 300.0);
  CHECK(young.weight == doctest::Approx(hour));
  CHECK(EvidenceFromProbe(CleanLog(1200), "p")->weight == doctest::Approx(hour / 3));
  CHECK(young.detail.find("this pass counts 100%") != std::string::npos);
  CHECK(young.detail.find("not in the log") == std::string::npos);
  // A log that begins before startsAt but after startsAt - 300 s holds the onset: only the lead is
  // missing (as on the H200, 2026-12-01: booted 149 s before the read of a 2 s old alert).
  Evidence lead = LogEvidenceForAlert(CleanLog(200), 100.0);
  CHECK(lead.weight == doctest::Approx(hour * 200 / 400));
  CHECK_MESSAGE(lead.detail.find("(the lead before the alert's start) is not in the log") != std::string::npos,
                lead.detail);
  CHECK(lead.detail.find("onset") == std::string::npos);
}

TEST_CASE("kernel log: an alert whose condition held long before it fired asks the log to reach activeAt") {
  const double hour = EvidenceFromProbe(CleanLog(3600), "p")->weight;
  // A rule with `for: 30m` that fired 5 minutes before the read: its condition held from 35 minutes
  // before the read, so a clean 20-minute log holds none of the onset. It counts 1200 of the
  // 300 + 1800 + 60 s from activeAt - 60 s to the read (before: 100%, the 300 s lead was all it asked).
  Evidence held = LogEvidenceForAlert(CleanLog(1200), 300.0, 1800.0);
  CHECK(held.weight == doctest::Approx(hour * 1200 / 2160));
  CHECK_MESSAGE(held.detail.find("[the alert's time, from 2026-12-01T05:09:00Z (activeAt - 60 s: its condition held "
                                 "1800 s before startsAt) to the read at 2026-12-01T05:45:00Z, is 2160 s; the log "
                                 "covers the last 1200 s of it: this pass counts 56%; from 2026-12-01T05:09:00Z to "
                                 "2026-12-01T05:25:00Z (the alert's onset) is not in the log]") !=
                    std::string::npos,
                held.detail);
  // A log reaching back past activeAt but not the 60 s before it: only that lead is missing.
  Evidence lead = LogEvidenceForAlert(CleanLog(920), 300.0, 600.0);
  CHECK(lead.weight == doctest::Approx(hour * 920 / 960));
  CHECK_MESSAGE(lead.detail.find("to 2026-12-01T05:29:40Z (the lead before its condition held) is not in the log") !=
                    std::string::npos,
                lead.detail);
  // The LLM path's evidence counts the same.
  auto llm = EvidenceFromProbeForAlert(CleanLog(1200), "p1", static_cast<int64_t>((kNow - 300) * 1000),
                                       static_cast<int64_t>((kNow - 2100) * 1000));
  REQUIRE(llm);
  CHECK(llm->weight == doctest::Approx(hour * 1200 / 2160));
  // A condition that held 2 minutes before startsAt (a `for: 2m`): the 300 s lead is longer and is
  // kept (never less than before).
  Evidence short_for = LogEvidenceForAlert(CleanLog(1200), 300.0, 120.0);
  CHECK(short_for.weight == doctest::Approx(hour));
  CHECK(short_for.detail.find("(startsAt - 300 s)") != std::string::npos);
  // An activeAt after startsAt (a bad payload) is not used.
  Evidence after = LogEvidenceForAlert(CleanLog(1200), 300.0, -3600.0);
  CHECK(after.weight == doctest::Approx(hour));
  CHECK(after.detail.find("activeAt") == std::string::npos);
}

TEST_CASE("kernel log: without the alert's start, or with one after the read, the window's figure, said so") {
  const double hour = EvidenceFromProbe(CleanLog(3600), "p")->weight;
  // No startsAt: today's share of the window (1200 of 3600 s), and the evidence says why.
  Evidence none = LogEvidenceForAlert(CleanLog(1200), std::nullopt);
  CHECK(none.weight == doctest::Approx(hour / 3));
  CHECK_MESSAGE(none.detail.find("[the alert has no start time: counted against the probe's window, the log covers "
                                 "1200 of the 3600 s asked: this pass counts 33%]") != std::string::npos,
                none.detail);
  // A startsAt 10 minutes after the log was read (a clock off, or a bad payload).
  Evidence future = LogEvidenceForAlert(CleanLog(1200), -600.0);
  CHECK(future.weight == doctest::Approx(hour / 3));
  CHECK_MESSAGE(future.detail.find("the alert's startsAt 2026-12-01T05:55:00Z is after the log was read "
                                   "(2026-12-01T05:45:00Z): counted against the probe's window") != std::string::npos,
                future.detail);
  // A result that does not say when it was read (vigil-probe before DX, a recorded case).
  ProbeResult undated = CleanLog(1200);
  undated.metrics.erase("read_at_unix_s");
  Evidence u = LogEvidenceForAlert(undated, 300.0);
  CHECK(u.weight == doctest::Approx(hour / 3));
  CHECK(u.detail.find("the probe did not say when it read the log") != std::string::npos);
}

}  // namespace vigil
