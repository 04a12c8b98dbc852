// A throughput probe that failed beside other processes' compute on its GPU (vigil-probe's
// details.gpu_sharing.foreign_busy, probes/gpu/gpu_share.h) is read as contention -- the noisy
// neighbour that makes a rank straggle -- not as a degraded GPU; the same failure on an idle GPU
// keeps its meaning. The results are as the replay executor returns them (ProbeResult JSON, the
// figures of the H200 runs 39-40: a TF32 GEMM 7 % short beside another process's kernel launches,
// a 2,433 us kernel-launch round trip beside another process's GEMM).
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/diagnosis_testing.h"
#include "agents/straggler_case_testing.h"
#include "core/json.h"

namespace vigil {
namespace {

// details.gpu_sharing as vigil-probe writes it for GPU 0 (foreign_busy: true, false or null).
Json Sharing(const Json& busy) {
  Json proc = {{"pid", 4242},        {"name", "python3"}, {"used_memory_mib", 1288.0}, {"sm_pct_max", 97},
               {"mem_pct_max", 45}, {"computing", busy}};
  return Json{{"gpus", {{"0", {{"other_processes", Json::array({proc})}, {"foreign_busy", busy}}}}},
              {"foreign_busy", busy},
              {"foreign_processes", 1}};
}

// The replay executor's form: a result document entry parsed as ProbeResult.
ProbeResult Replayed(const std::string& probe, const std::string& reason, const Json& metrics, const Json* sharing) {
  Json j = {{"probe", probe},       {"target", "vm/gpu0"}, {"status", "fail"},     {"reason", reason},
            {"metrics", metrics}, {"thresholds", Json::object()}, {"duration_s", 2.6}};
  j["details"] = Json{{"m", 8192}};
  if (sharing != nullptr) j["details"]["gpu_sharing"] = *sharing;
  auto r = FromJson<ProbeResult>(j, "replayed result");
  REQUIRE_MESSAGE(r.ok(), r.status().message());
  return *r;
}

const char kTf32Short[] = "tf32_tflops 331.9 < 336.7 (baseline 362, -7%)";
const char kBusyClause[] = "; measured beside 1 other process computing on GPU 0 (pid 4242: SM 97%, 1.26 GiB) "
                           "(details.gpu_sharing)";

ProbeResult Gemm(const Json* sharing) {
  return Replayed("gpu.gemm", std::string(kTf32Short) + (sharing ? kBusyClause : ""),
                  Json{{"tf32_tflops", 331.9}, {"bf16_tflops", 699.6}}, sharing);
}

bool Has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

TEST_CASE("probe contention: a GEMM short of its baseline on an idle GPU supports the GPU faults; beside foreign compute only contention") {
  // Idle GPU (no gpu_sharing: an older vigil-probe; or foreign_busy false): as before.
  Json alone = Sharing(false);
  for (const Json* sharing : std::vector<const Json*>{nullptr, &alone}) {
    auto e = EvidenceFromProbe(Gemm(sharing), "p1");
    REQUIRE(e.has_value());
    CHECK(Has(e->supports, "gpu_thermal_throttle"));
    CHECK(Has(e->supports, "gpu_power_throttle"));
    CHECK(Has(e->supports, "straggler_rank"));
    CHECK(e->detail.find("contention") == std::string::npos);
  }
  // Beside another process's compute: the noisy neighbour only, at the full fail weight.
  Json busy = Sharing(true);
  auto e = EvidenceFromProbe(Gemm(&busy), "p1");
  REQUIRE(e.has_value());
  CHECK(e->supports == std::vector<std::string>{"straggler_rank"});
  CHECK(e->weight == doctest::Approx(kProbeFailWeight));
  CHECK(e->detail.find("measured beside 1 other process computing on GPU 0 (pid 4242") != std::string::npos);
  CHECK(e->detail.find("read as contention, a noisy neighbour, not as a fault of the GPU") != std::string::npos);
  // Could not tell (an older driver without per-process utilization): the usual meaning.
  Json unknown = Sharing(nullptr);
  e = EvidenceFromProbe(Gemm(&unknown), "p1");
  REQUIRE(e.has_value());
  CHECK(Has(e->supports, "gpu_thermal_throttle"));
}

// details.gpu_sharing with vigil-probe's estimate of the figure alone (probes/gpu/gpu_share.h,
// EstimateAlone): verdict "contention", "beyond_contention" or "unclear".
Json SharingEstimated(const std::string& verdict) {
  Json j = Sharing(true);
  j["alone_estimate"] = {{"model", "time-slicing"}, {"slack", 2.0}, {"metrics", Json::object()}, {"verdict", verdict}};
  return j;
}

TEST_CASE("probe contention: a fail whose estimate alone still fails is a finding of the GPU, not contention") {
  // HBM at a fifth of its baseline beside a neighbour using 10 % of the time (0.889 TB/s alone,
  // 1.78 with the model's slack, both under 3.99): the GPU's faults, as on an idle GPU.
  auto hbm = [](const Json& sharing) {
    return Replayed("gpu.hbm_bandwidth",
                    "copy_tbps 0.8 < 3.99 (baseline 4.2, -5%); measured beside 1 other process computing on GPU 0 "
                    "(pid 4242: SM 10%, 1.26 GiB) (details.gpu_sharing)",
                    Json{{"copy_tbps", 0.8}}, &sharing);
  };
  Json beyond = SharingEstimated("beyond_contention");
  auto e = EvidenceFromProbe(hbm(beyond), "p1");
  REQUIRE(e.has_value());
  CHECK(Has(e->supports, "gpu_memory_uncorrectable_ecc"));
  CHECK(e->supports != std::vector<std::string>{"straggler_rank"});
  CHECK(e->detail.find("not as a fault of the GPU") == std::string::npos);
  CHECK(e->detail.find("still fails its threshold estimated alone") != std::string::npos);
  // The same fail explained by the neighbour's share, or unclear (the model's slack spans the
  // threshold): contention, as before the estimate.
  for (const char* verdict : {"contention", "unclear"}) {
    CAPTURE(verdict);
    Json sharing = SharingEstimated(verdict);
    e = EvidenceFromProbe(hbm(sharing), "p1");
    REQUIRE(e.has_value());
    CHECK(e->supports == std::vector<std::string>{"straggler_rank"});
    CHECK(e->detail.find("not as a fault of the GPU") != std::string::npos);
  }
  // A pass beside foreign compute is unchanged by an estimate.
  Json passed = SharingEstimated("beyond_contention");
  ProbeResult ok = hbm(passed);
  ok.status = ProbeStatus::kPass;
  e = EvidenceFromProbe(ok, "p2");
  REQUIRE(e.has_value());
  CHECK_FALSE(Has(e->refutes, "straggler_rank"));
}

TEST_CASE("probe contention: a late kernel launch beside another process's GEMM does not support a lost GPU") {
  const std::string reason = "gpu0.roundtrip_us 2433 > max 100";
  Json metrics = {{"roundtrip_us", 2433.0}, {"launch_us", 5.08}};
  auto idle = EvidenceFromProbe(Replayed("gpu.kernel_launch", reason, metrics, nullptr), "p1");
  REQUIRE(idle.has_value());
  CHECK(idle->supports.front() == "straggler_rank");     // the reason's roundtrip_us, as before
  CHECK(Has(idle->supports, "gpu_fallen_off_bus"));     // at a quarter of its weight
  Json busy = Sharing(true);
  auto shared = EvidenceFromProbe(Replayed("gpu.kernel_launch", reason + kBusyClause, metrics, &busy), "p1");
  REQUIRE(shared.has_value());
  CHECK(shared->supports == std::vector<std::string>{"straggler_rank"});
}

TEST_CASE("probe contention: a pass beside foreign compute clears the GPU's faults but not the straggler") {
  // The H200 triage under the GEMM hog (2026-12-04 21:29): gpu.kernel_launch passed at a few us with
  // the hog named computing at SM 83 %.
  Json metrics = {{"roundtrip_us", 10.4}, {"launch_us", 5.1}};
  auto pass = [&](const Json* sharing) {
    Json j = {{"probe", "gpu.kernel_launch"}, {"target", "vm/gpu0"}, {"status", "pass"},
              {"reason", "all checks passed"}, {"metrics", metrics}, {"thresholds", Json::object()},
              {"duration_s", 0.3}, {"details", Json::object()}};
    if (sharing != nullptr) j["details"]["gpu_sharing"] = *sharing;
    auto r = FromJson<ProbeResult>(j, "replayed pass");
    REQUIRE(r.ok());
    auto e = EvidenceFromProbe(*r, "p1");
    REQUIRE(e.has_value());
    return *e;
  };
  Evidence alone = pass(nullptr);
  CHECK(Has(alone.refutes, "straggler_rank"));
  CHECK(Has(alone.refutes, "gpu_fallen_off_bus"));
  Json busy = Sharing(true);
  Evidence shared = pass(&busy);
  CHECK_FALSE(Has(shared.refutes, "straggler_rank"));
  CHECK(Has(shared.refutes, "gpu_fallen_off_bus"));  // it answered: the GPU is there
  CHECK(shared.detail.find("does not speak against a straggler") != std::string::npos);
  Json idle = Sharing(false);
  CHECK(Has(pass(&idle).refutes, "straggler_rank"));  // beside an idle notebook: the usual pass
}

TEST_CASE("probe contention: what the reason names besides the shortfall (a wrong GEMM result) still counts") {
  Json busy = Sharing(true);
  ProbeResult r = Replayed("gpu.gemm",
                           std::string("bf16 result mismatch against the reference (max rel err 0.31); ") + kTf32Short +
                               kBusyClause,
                           Json{{"tf32_tflops", 331.9}}, &busy);
  auto e = EvidenceFromProbe(r, "p1");
  REQUIRE(e.has_value());
  REQUIRE(e->supports.size() == 2);
  CHECK(e->supports[0] == "straggler_rank");
  CHECK(e->supports[1] == "gpu_silent_data_corruption");
  // Not a throughput probe: gpu.health's failure keeps its own reading whatever its details say.
  ProbeResult health = Replayed("gpu.health", "gpu0 clock event reasons: hw_thermal_slowdown", Json::object(), &busy);
  auto h = EvidenceFromProbe(health, "p2");
  REQUIRE(h.has_value());
  CHECK(h->supports.front() == "gpu_thermal_throttle");
  CHECK(h->detail.find("contention") == std::string::npos);
}

TEST_CASE("probe contention: under a shared GPU the GPU faults lose the probes' support; the straggler is confirmed") {
  // A straggler line for rank 0 on vm/gpu0 (one GPU); the knowledge also holds the GPU faults a
  // short GEMM, HBM or launch figure supports.
  DiagnosisCase c = testing::StragglerLogCase("slow-rank-shared-gpu");
  KnowledgeFacts facts = testing::FactsMatching(
      c, {{"straggler detected", "straggler_rank"}},
      {{"straggler_rank", "performance"}, {"gpu_thermal_throttle", "gpu"}, {"gpu_power_throttle", "gpu"},
       {"gpu_silent_data_corruption", "gpu"}, {"gpu_fallen_off_bus", "gpu"}, {"gpu_firmware_error", "gpu"},
       {"gpu_memory_uncorrectable_ecc", "gpu"}, {"gpu_row_remap_failure", "gpu"}});
  // What the triage under the hog got (runs 38-40): the GEMM, HBM copy and launch round trip short.
  auto run = [&](const Json* sharing, std::set<std::string>* asked) {
    testing::RecordedExecutor probes;
    probes.results["gpu.gemm@vm/gpu0"] = Gemm(sharing);
    const std::string clause = sharing ? kBusyClause : "";
    probes.results["gpu.hbm_bandwidth@vm/gpu0"] =
        Replayed("gpu.hbm_bandwidth", "copy_tbps 1.365 < 3.99 (baseline 4.2, -5%)" + clause,
                 Json{{"copy_tbps", 1.365}}, sharing);
    probes.results["gpu.kernel_launch@vm/gpu0"] =
        Replayed("gpu.kernel_launch", "gpu0.roundtrip_us 2458 > max 100" + clause, Json{{"roundtrip_us", 2458.0}},
                 sharing);
    ReasonerOptions ro;
    ro.allow_intrusive = true;
    ro.first_wave = false;
    ro.stop_confidence = 0.999;
    Diagnosis d = BuiltinReasoner(ro).Diagnose(c, facts, &probes).diagnosis;
    *asked = probes.asked;
    return d;
  };
  auto prob = [](const Diagnosis& d, const std::string& cat) {
    for (const Hypothesis& h : d.hypotheses)
      if (h.category == cat) return h.probability;
    return 0.0;
  };
  auto status = [](const Diagnosis& d, const std::string& cat) {
    for (const Hypothesis& h : d.hypotheses)
      if (h.category == cat) return h.status;
    return HypothesisStatus::kRefuted;
  };
  std::set<std::string> asked_alone, asked_shared;
  Diagnosis alone = run(nullptr, &asked_alone);
  Json busy = Sharing(true);
  Diagnosis shared = run(&busy, &asked_shared);
  CAPTURE(alone.root_cause);
  CAPTURE(shared.root_cause);
  std::string asked;
  for (const std::string& a : asked_shared) asked += a + " ";
  CAPTURE(asked);
  REQUIRE(asked_shared.count("gpu.hbm_bandwidth@vm/gpu0") == 1);  // the planner stops before the GEMM
  CHECK(shared.root_cause == "straggler_rank");
  CHECK(status(shared, "straggler_rank") == HypothesisStatus::kConfirmed);
  for (const char* hw : {"gpu_thermal_throttle", "gpu_power_throttle", "gpu_fallen_off_bus",
                         "gpu_memory_uncorrectable_ecc", "gpu_row_remap_failure"}) {
    CAPTURE(hw);
    CHECK(prob(shared, hw) <= prob(alone, hw));
    CHECK(status(shared, hw) != HypothesisStatus::kConfirmed);
  }
  CHECK(prob(shared, "gpu_memory_uncorrectable_ecc") < prob(alone, "gpu_memory_uncorrectable_ecc"));  // HBM short
  CHECK(prob(shared, "gpu_fallen_off_bus") < prob(alone, "gpu_fallen_off_bus"));  // the launch late
  CHECK(prob(shared, "straggler_rank") >= prob(alone, "straggler_rank"));
  // Every failing probe's evidence supports the straggler only, and says why.
  int contended = 0;
  for (const Evidence& e : shared.evidence) {
    if (e.source.rfind("probe ", 0) != 0 || e.weight <= 0) continue;
    CAPTURE(e.source);
    CHECK(e.supports == std::vector<std::string>{"straggler_rank"});
    CHECK(e.detail.find("not as a fault of the GPU") != std::string::npos);
    ++contended;
  }
  CHECK(contended >= 2);
}

}  // namespace
}  // namespace vigil
