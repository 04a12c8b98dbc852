// Host-side formulas of vigil-probe (probes/gpu/probe_math.h), tested on the CPU.
#include "probes/gpu/probe_math.h"

#include <doctest/doctest.h>

#include "core/json.h"

namespace vigil {
namespace {

namespace pm = probe_math;

TEST_CASE("nccl-tests bus bandwidth factors") {
  using C = pm::Collective;
  CHECK(pm::BusBwFactor(C::kAllReduce, 8) == doctest::Approx(1.75));
  CHECK(pm::BusBwFactor(C::kAllReduce, 2) == doctest::Approx(1.0));
  CHECK(pm::BusBwFactor(C::kAllReduce, 1) == 0);
  CHECK(pm::BusBwFactor(C::kAllGather, 8) == doctest::Approx(0.875));
  CHECK(pm::BusBwFactor(C::kReduceScatter, 4) == doctest::Approx(0.75));
  CHECK(pm::BusBwFactor(C::kAllToAll, 2) == doctest::Approx(0.5));
  CHECK(pm::BusBwFactor(C::kSendRecv, 8) == 1);
  CHECK(pm::BusBwFactor(C::kAllReduce, 0) == 0);
  // algbw bytes: allgather counts the gathered size, the others the send buffer.
  CHECK(pm::AlgBytes(C::kAllGather, 1024, 4, 8) == 1024 * 4 * 8);
  CHECK(pm::AlgBytes(C::kAllReduce, 1024, 4, 8) == 1024 * 4);
  CHECK(pm::AlgBytes(C::kReduceScatter, 1024, 4, 8) == 1024 * 4);
  // 1 GiB all-reduce over 8 ranks in 10 ms: algbw 107.4 GB/s, busbw 187.9 GB/s.
  double alg = pm::GbPerS(pm::AlgBytes(C::kAllReduce, (1 << 30) / 4.0, 4, 8), 0.010);
  CHECK(alg == doctest::Approx(107.374).epsilon(1e-4));
  CHECK(alg * pm::BusBwFactor(C::kAllReduce, 8) == doctest::Approx(187.9).epsilon(1e-3));
  CHECK(pm::GemmTflops(8192, 8192, 8192, 1.4e-3) == doctest::Approx(785.4).epsilon(1e-3));
  CHECK(pm::GbPerS(1e9, 0) == 0);
}

TEST_CASE("threshold judging: throughput, latency and absolute limits") {
  Json rules = Json::parse(R"({
    "bf16_tflops": {"baseline": 800},
    "launch_us": {"baseline": 5, "better": "lower", "tolerance": 0.5},
    "temperature_c": {"max": 87},
    "h2d_gbps": {"min": 20},
    "broken": 3
  })");
  std::map<std::string, double> ok = {
      {"gpu0.bf16_tflops", 770}, {"launch_us", 7}, {"gpu3.temperature_c", 60}, {"h2d_gbps", 50}};
  auto j = pm::JudgeMetrics(rules, ok, 0.05);
  CHECK(j.judged);
  CHECK(j.failures.empty());
  CHECK(j.thresholds.at("gpu0.bf16_tflops_min") == doctest::Approx(760));
  CHECK(j.thresholds.at("launch_us_max") == doctest::Approx(7.5));
  CHECK(j.thresholds.at("gpu3.temperature_c_max") == 87);

  std::map<std::string, double> bad = {{"gpu1.bf16_tflops", 759}, {"launch_us", 8}, {"temperature_c", 90},
                                       {"h2d_gbps", 12},          {"broken", 1},    {"unrelated", 1}};
  auto f = pm::JudgeMetrics(rules, bad, 0.05);
  REQUIRE(f.failures.size() == 5);
  std::string all;
  for (auto& s : f.failures) all += s + "\n";
  CHECK(all.find("gpu1.bf16_tflops 759 < 760 (baseline 800, -5%)") != std::string::npos);
  CHECK(all.find("launch_us 8 > 7.5") != std::string::npos);
  CHECK(all.find("temperature_c 90 > max 87") != std::string::npos);
  CHECK(all.find("h2d_gbps 12 < min 20") != std::string::npos);
  CHECK(all.find("bad rule for broken") != std::string::npos);
  CHECK(!pm::JudgeMetrics(Json::object(), bad, 0.05).judged);
}

TEST_CASE("per-GPU metric names map to their rule") {
  CHECK(pm::BaseMetricName("gpu12.copy_tbps") == "copy_tbps");
  CHECK(pm::BaseMetricName("copy_tbps") == "copy_tbps");
  CHECK(pm::BaseMetricName("gpux.copy_tbps") == "gpux.copy_tbps");
  CHECK(pm::BaseMetricName("gpu.copy") == "gpu.copy");
}

TEST_CASE("the shipped thresholds file covers H100, H200 and A100, and a fleet file overrides it") {
  auto doc = ReadJsonFile("data/probes/thresholds.json");
  REQUIRE_MESSAGE(doc.ok(), doc.status().ToString());
  std::string model;
  for (const char* name :
       {"NVIDIA H200", "NVIDIA H100 80GB HBM3", "NVIDIA H100 PCIe", "NVIDIA A100-SXM4-80GB"}) {
    const Json* m = pm::FindModel(*doc, name, &model);
    REQUIRE_MESSAGE(m != nullptr, name);
    CHECK((*m)["probes"]["gpu.gemm"]["bf16_tflops"]["baseline"].get<double>() > 100);
  }
  pm::FindModel(*doc, "NVIDIA H100 PCIe", &model);
  CHECK(model == "H100 PCIe");  // longest match wins over "H100 SXM"'s patterns
  CHECK(pm::FindModel(*doc, "Tesla T4") == nullptr);
  CHECK((*doc)["default_tolerance"].get<double>() == doctest::Approx(0.05));

  Json fleet =
      Json::parse(R"({"models": {"H200": {"probes": {"gpu.gemm": {"bf16_tflops": {"baseline": 700}}}}}})");
  Json merged = *doc;
  pm::MergeInto(merged, fleet);
  const Json* h200 = pm::FindModel(merged, "NVIDIA H200");
  REQUIRE(h200 != nullptr);
  CHECK((*h200)["probes"]["gpu.gemm"]["bf16_tflops"]["baseline"] == 700);
  CHECK((*h200)["probes"]["gpu.gemm"].contains("fp8_tflops"));  // untouched keys stay
  auto j = pm::JudgeMetrics((*h200)["probes"]["gpu.gemm"], {{"bf16_tflops", 680}}, 0.05);
  CHECK(j.failures.empty());  // 680 >= 700 * 0.95 = 665 under the fleet baseline
}

TEST_CASE("checksum vote") {
  bool tie = false;
  auto out = pm::ChecksumOutliers({7, 7, 9, 7}, &tie);
  CHECK(!tie);
  CHECK(out == std::vector<bool>{false, false, true, false});
  out = pm::ChecksumOutliers({7, 9}, &tie);
  CHECK(tie);
  CHECK(out == std::vector<bool>{true, true});  // cannot tell which one is wrong
  out = pm::ChecksumOutliers({5, 5}, &tie);
  CHECK(out == std::vector<bool>{false, false});
  out = pm::ChecksumOutliers({1, 1, 2, 2, 3}, &tie);
  CHECK(tie);
  CHECK(out == std::vector<bool>{true, true, true, true, true});
  CHECK(pm::ChecksumOutliers({}).empty());
}

}  // namespace
}  // namespace vigil
