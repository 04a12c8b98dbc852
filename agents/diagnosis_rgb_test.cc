// Tests of RGB's reading machinery (2026-12-03): an alert that names a rank or a GPU is judged on
// that participant's own series against its peers (alert_subject.h); a page whose own series show
// no harm does not win over direct evidence elsewhere; a hot GPU's clock-event reasons and clock say
// whether it throttles; one rank's numbers disagreeing with its replicas again and again is silent
// data corruption on its GPU (rank_numerics.h). The cases are written for the tests (nodes n-01 ...)
// in several wordings, not copied from the sets.
#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "core/time_util.h"

namespace vigil {
namespace {

constexpr int64_t kT0 = 1'790'000'000'000;  // a fixed start, ms
constexpr int64_t kStep = 30'000;           // 30 s between samples
constexpr int kPoints = 40;                 // 20 minutes; the alert fires at the last sample

std::string StartsAt() { return "2026-09-21T14:32:50Z"; }  // kT0 + 39 * 30 s (checked below)

// A series of kPoints samples, value(i) at kT0 + i * kStep.
Json Series(const std::string& name, Json labels, const std::function<double(int)>& value) {
  Json s = {{"name", name}, {"labels", std::move(labels)}, {"samples", Json::array()}};
  for (int i = 0; i < kPoints; ++i) s["samples"].push_back(Json::array({kT0 + i * kStep, value(i)}));
  return s;
}

Json Case(const std::string& id, Json alert_labels, Json metrics, Json logs = Json::array(), Json topology = nullptr) {
  Json c = {{"id", id},
            {"alert", {{"status", "firing"}, {"labels", std::move(alert_labels)}, {"annotations", {{"summary", id}}},
                       {"startsAt", StartsAt()}}},
            {"metrics", std::move(metrics)},
            {"logs", std::move(logs)}};
  if (!topology.is_null()) c["topology"] = std::move(topology);
  return c;
}

Diagnosis Run(const Json& c) { return testing::RunCaseWithOwnProbes(c); }

std::string EvidenceText(const Diagnosis& d) {
  std::string out;
  for (const Evidence& e : d.evidence) {
    out += e.source;
    out += " | ";
    out += e.detail;
    out += '\n';
  }
  return out;
}

bool Late(int i) { return i >= kPoints - 4; }  // the last 2 minutes

TEST_CASE("rgb: the test clock's startsAt is the last sample") {
  auto t = ParseRfc3339Ms(StartsAt());
  REQUIRE(t.ok());
  CHECK(*t == kT0 + (kPoints - 1) * kStep);
}

// ---- 1. An alert that names a rank reads that rank's own series ----------------------------------

TEST_CASE("rgb: a StragglerRank alert naming a rank is judged on that rank's compute time against its peers") {
  SUBCASE("rank label; per-rank series that name their node and GPU") {
    Json metrics = Json::array();
    for (int r = 0; r < 8; ++r) {
      Json labels = {{"job", "train-a"}, {"rank", std::to_string(r)}, {"node", r < 4 ? "n-01" : "n-02"},
                     {"gpu", std::to_string(r % 4)}};
      metrics.push_back(Series("compute_ms", labels, [r](int i) { return (r == 5 && Late(i) ? 470.0 : 300.0) + i % 3; }));
      // Every rank waits for rank 5: the step time rises alike everywhere.
      metrics.push_back(Series("step_time_ms", labels, [](int i) { return Late(i) ? 650.0 : 480.0; }));
    }
    Diagnosis d = Run(Case("rank-label", {{"alertname", "StragglerRank"}, {"job", "train-a"}, {"node", "n-02"}, {"rank", "5"}},
                           metrics));
    INFO(EvidenceText(d));
    CHECK(d.root_cause == "straggler_rank");
    CHECK(d.component == "n-02/gpu1");
    CHECK(EvidenceText(d).find("the alert's rank 5 (n-02 GPU 1): compute_ms") != std::string::npos);
    CHECK(EvidenceText(d).find("step_time_ms in line with its peers") != std::string::npos);
  }
  SUBCASE("global_rank label; per-rank series of ranks only, placed by the case's layout") {
    Json metrics = Json::array();
    for (int r = 0; r < 16; ++r) {
      metrics.push_back(Series("iteration_time_seconds", {{"job", "llm"}, {"rank", std::to_string(r)}},
                               [r](int i) { return r == 13 && Late(i) ? 1.9 : 1.2; }));
    }
    Json topo = {{"nodes", {"n-01", "n-02"}}, {"gpus_per_node", 8},
                 {"rank_layout", "rank r runs on nodes[r // 8], local GPU r % 8"}};
    Diagnosis d = Run(Case("global-rank", {{"alertname", "SlowRank"}, {"job", "llm"}, {"global_rank", "13"}}, metrics,
                           Json::array(), topo));
    INFO(EvidenceText(d));
    CHECK(d.root_cause == "straggler_rank");
    CHECK(d.component == "n-02/gpu5");
  }
  SUBCASE("a GPU page (Hostname, gpu): the rank on that GPU read by the layout") {
    Json metrics = Json::array();
    for (int r = 0; r < 24; ++r) {
      metrics.push_back(Series("fwd_bwd_ms", {{"job", "llm"}, {"rank", std::to_string(r)}},
                               [r](int i) { return r == 22 && Late(i) ? 910.0 : 640.0; }));
    }
    Json topo = {{"nodes", {"n-01", "n-02", "n-03"}}, {"gpus_per_node", 8},
                 {"rank_layout", "rank r runs on nodes[r // 8], local GPU r % 8"}};
    Diagnosis d = Run(Case("gpu-page", {{"alertname", "GpuBehind"}, {"Hostname", "n-03"}, {"gpu", "6"}}, metrics,
                           Json::array(), topo));
    INFO(EvidenceText(d));
    CHECK(d.root_cause == "straggler_rank");
    CHECK(d.component == "n-03/gpu6");
  }
  SUBCASE("control: the named rank in line with its peers is not called the straggler") {
    Json metrics = Json::array();
    for (int r = 0; r < 8; ++r) {
      Json labels = {{"job", "train-a"}, {"rank", std::to_string(r)}, {"node", r < 4 ? "n-01" : "n-02"},
                     {"gpu", std::to_string(r % 4)}};
      metrics.push_back(Series("compute_ms", labels, [](int i) { return 300.0 + i % 3; }));
      // Its own all-reduce wait is long: waits are not read as its slowness.
      metrics.push_back(Series("allreduce_ms", labels, [r](int i) { return r == 5 && Late(i) ? 400.0 : 80.0; }));
    }
    Diagnosis d = Run(Case("rank-normal", {{"alertname", "StragglerRank"}, {"job", "train-a"}, {"node", "n-02"}, {"rank", "5"}},
                           metrics));
    INFO(EvidenceText(d));
    CHECK(d.root_cause != "straggler_rank");
    CHECK(EvidenceText(d).find("compute_ms{gpu=\"1\",job=\"train-a\",node=\"n-02\",rank=\"5\"} at 30") != std::string::npos);
  }
}

// ---- 2. A page that is only a symptom of something elsewhere ------------------------------------

// Sixteen GPUs on n-05 and n-06; n-05 GPU 0 runs warm (86 C) with no clock-event reason and its
// full clock; a line names rank 12 on n-06 GPU 4 as the straggler.
Json WarmGpuMetrics() {
  Json metrics = Json::array();
  for (const char* node : {"n-05", "n-06"}) {
    for (int g = 0; g < 8; ++g) {
      Json labels = {{"Hostname", node}, {"gpu", std::to_string(g)}, {"job", "dcgm-exporter"}};
      const bool warm = std::string(node) == "n-05" && g == 0;
      metrics.push_back(Series("DCGM_FI_DEV_GPU_TEMP", labels, [warm](int i) { return warm ? 80.0 + i * 0.16 : 64.0 + i % 4; }));
      metrics.push_back(Series("DCGM_FI_DEV_CLOCKS_EVENT_REASONS", labels, [](int) { return 0.0; }));
      metrics.push_back(Series("DCGM_FI_DEV_SM_CLOCK", labels, [](int) { return 1980.0; }));
    }
  }
  return metrics;
}

TEST_CASE("rgb: a warm GPU's page beside a straggler elsewhere: the straggler, and the page is noise") {
  SUBCASE("DCGM series; a straggler detector's line") {
    Json logs = Json::array({{{"source", "train/rank0.log"},
                              {"lines", {"[2026-09-21 14:20:00] straggler: slowest rank 12 (n-06 local 4) 1.31x median",
                                         "[2026-09-21 14:30:00] straggler: slowest rank 12 (n-06 local 4) 1.36x median"}}}});
    Diagnosis d = Run(Case("warm-dcgm", {{"alertname", "GPUTemperatureHigh"}, {"Hostname", "n-05"}, {"gpu", "0"}},
                           WarmGpuMetrics(), logs));
    INFO(EvidenceText(d));
    CHECK(d.root_cause == "straggler_rank");
    CHECK(d.component == "n-06/gpu4");
    CHECK(EvidenceText(d).find("hot but not throttling") != std::string::npos);
  }
}

// ---- 3. An alert-only temperature page with its GPU's series ------------------------------------

Json HotGpu(const std::string& reasons_name, bool with_reasons, bool throttle, bool with_clock) {
  Json labels = {{"Hostname", "n-07"}, {"gpu", "2"}, {"job", "dcgm-exporter"}};
  Json metrics = Json::array();
  metrics.push_back(Series("DCGM_FI_DEV_GPU_TEMP", labels, [](int i) { return 88.0 + i % 2; }));
  if (with_reasons) {
    metrics.push_back(Series(reasons_name, labels, [throttle](int i) { return throttle && Late(i) ? 32.0 : 0.0; }));
  }
  if (with_clock) {
    metrics.push_back(Series("DCGM_FI_DEV_SM_CLOCK", labels, [throttle](int i) { return throttle && Late(i) ? 1350.0 : 1980.0; }));
  }
  return metrics;
}

TEST_CASE("rgb: an alert-only temperature page at 89 C reads its GPU's clock-event reasons and clock") {
  const Json alert = {{"alertname", "GpuTempHigh"}, {"Hostname", "n-07"}, {"gpu", "2"}, {"severity", "warning"}};
  SUBCASE("DCGM >= 3.3's reasons field with the SW thermal bit, the clock dropping") {
    Diagnosis d = Run(Case("hot-events", alert, HotGpu("DCGM_FI_DEV_CLOCKS_EVENT_REASONS", true, true, true)));
    INFO(EvidenceText(d));
    CHECK(d.root_cause == "gpu_thermal_throttle");
    CHECK(d.component == "n-07/gpu2");
  }
  SUBCASE("the older reasons field with the bit, no clock series") {
    Diagnosis d = Run(Case("hot-throttle", alert, HotGpu("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", true, true, false)));
    INFO(EvidenceText(d));
    CHECK(d.root_cause == "gpu_thermal_throttle");
    CHECK(d.component == "n-07/gpu2");
  }
  SUBCASE("no reasons series: the clock drops while hot") {
    Diagnosis d = Run(Case("hot-clock", alert, HotGpu("", false, true, true)));
    INFO(EvidenceText(d));
    CHECK(d.root_cause == "gpu_thermal_throttle");
    CHECK(d.component == "n-07/gpu2");
  }
  SUBCASE("hot but not throttling: no bit, full clock") {
    Diagnosis d = Run(Case("hot-fine", alert, HotGpu("DCGM_FI_DEV_CLOCKS_EVENT_REASONS", true, false, true)));
    INFO(EvidenceText(d));
    CHECK(d.root_cause != "gpu_thermal_throttle");
    CHECK(EvidenceText(d).find("n-07 GPU 2 at 89 C, clock-event reasons 0x0 (none), SM clock 1980 MHz") != std::string::npos);
    CHECK(EvidenceText(d).find("hot but not throttling") != std::string::npos);
  }
}

// ---- 4. Silent data corruption from per-rank numbers --------------------------------------------

const Json kLayout = {{"nodes", {"n-01", "n-02", "n-03", "n-04"}}, {"gpus_per_node", 8},
                      {"rank_layout", "rank r runs on nodes[r // 8], local GPU r % 8"}};

Json SdcCase(const std::string& id, std::vector<std::string> lines, bool layout = true) {
  Json logs = Json::array({{{"source", "train/rank0.log"}, {"lines", std::move(lines)}}});
  Json c = {{"id", id},
            {"alert", {{"status", "firing"}, {"labels", {{"alertname", "TrainingLossSpike"}, {"job", "trainer"}}},
                       {"annotations", {{"summary", "loss spiked"}}}, {"startsAt", StartsAt()}}},
            {"logs", std::move(logs)}};
  if (layout) c["topology"] = kLayout;
  return c;
}

TEST_CASE("rgb: one rank's numbers disagreeing with its replicas again and again is silent data corruption there") {
  SUBCASE("Megatron's per-parameter hash check") {
    Diagnosis d = Run(SdcCase("megatron", {
        "[2026-09-21 11:02:10] iteration 41200 | lm loss: 2.113E+00 | grad norm: 0.281",
        "[2026-09-21 11:02:14] iteration 41201 | lm loss: 6.870E+00 | grad norm: 57.310",
        "[Rank 21] Hash not matching for module.decoder.layers.3.mlp.linear_fc1.weight",
        "[Rank 21] Hash not matching for module.decoder.layers.7.self_attention.linear_qkv.weight",
        "[2026-09-21 12:40:02] iteration 42817 | lm loss: 7.002E+00 | grad norm: 61.800",
        "[Rank 21] Hash not matching for module.decoder.layers.3.mlp.linear_fc1.weight"}));
    INFO(EvidenceText(d));
    CHECK(d.root_cause == "gpu_silent_data_corruption");
    CHECK(d.component == "n-03/gpu5");
  }
  SUBCASE("a DeepSpeed run's own grad-norm outlier print, spikes at different steps after each rollback") {
    Diagnosis d = Run(SdcCase("deepspeed", {
        "[2026-09-21 09:10:00] step 1200 loss 2.31 spike; grad norm outlier on rank 9: 412.3 vs median 1.02 across ranks",
        "[2026-09-21 09:10:01] rolling back to global_step1100 (data order is seeded)",
        "[2026-09-21 10:02:40] step 1745 loss 2.29 spike; grad norm outlier on rank 9: 388.0 vs median 0.99 across ranks",
        "[2026-09-21 10:02:41] rolling back to global_step1700 (data order is seeded)",
        "[2026-09-21 10:58:12] step 2321 loss 2.30 spike; grad norm outlier on rank 9: 506.9 vs median 1.01 across ranks"}));
    INFO(EvidenceText(d));
    CHECK(d.root_cause == "gpu_silent_data_corruption");
    CHECK(d.component == "n-02/gpu1");
  }
  SUBCASE("a user's checksum print; the rank's place said in a chat line, no layout") {
    Diagnosis d = Run(SdcCase("own-checksum", {
        "[2026-09-21 13:01:00] step 9000 rank=14 param checksum 0x9f2c81aa != replica 0x1b03de77",
        "[2026-09-21 13:21:00] step 9400 rank=14 param checksum 0x77a10c3e != replica 0x5be2f001",
        "<chat> ops: rank 14 = n-09 local 6, nothing in dmesg"}, /*layout=*/false));
    INFO(EvidenceText(d));
    CHECK(d.root_cause == "gpu_silent_data_corruption");
    CHECK(d.component == "n-09/gpu6");
  }
}

}  // namespace
}  // namespace vigil
