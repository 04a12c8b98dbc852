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

TEST_CASE("threshold judging: baselines that hold for one local GPU count only") {
  Json rules = Json::parse(R"({
    "busbw_gbps_1gib": {"by_local_gpus": {"2": {"baseline": 326}, "8": {"baseline": 450}}},
    "min_pair_gbps": {"by_local_gpus": {"2": 7}}
  })");
  // Two local GPUs at half speed (a noisy neighbour on one of them): judged and failed.
  auto slow = pm::JudgeMetrics(rules, {{"busbw_gbps_1gib", 152.3}, {"local_gpus", 2}, {"ranks", 2}}, 0.05);
  CHECK(slow.judged);
  REQUIRE(slow.failures.size() == 1);
  CHECK(slow.failures[0] == "busbw_gbps_1gib 152.3 < 309.7 (baseline 326, -5%)");
  auto eight = pm::JudgeMetrics(rules, {{"busbw_gbps_1gib", 440}, {"local_gpus", 8}}, 0.05);
  CHECK(eight.judged);
  CHECK(eight.failures.empty());
  CHECK(eight.thresholds.at("busbw_gbps_1gib_min") == doctest::Approx(427.5));
  // No entry for 4 GPUs, and a multi-process run (no local_gpus): measured, not judged.
  CHECK(!pm::JudgeMetrics(rules, {{"busbw_gbps_1gib", 1}, {"local_gpus", 4}}, 0.05).judged);
  CHECK(!pm::JudgeMetrics(rules, {{"busbw_gbps_1gib", 1}, {"ranks", 2}}, 0.05).judged);
  // A malformed entry is reported, not ignored.
  auto bad = pm::JudgeMetrics(rules, {{"min_pair_gbps", 1}, {"local_gpus", 2}}, 0.05);
  REQUIRE(bad.failures.size() == 1);
  CHECK(bad.failures[0].find("bad rule for min_pair_gbps") != std::string::npos);
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


// Probe documents recorded by probes/gpu/record_h200.sh on two H200s (probes/README.md), judged
// again with the shipped thresholds: every healthy run passes, and the run with a second process
// saturating GPU 1 fails on GPU 1 only (GEMM, HBM) and on the collectives over both GPUs.
std::vector<std::string> Rejudge(const std::string& file, const Json& h200, std::map<std::string, int>* failed) {
  Json doc = Json::parse(ReadFile(file).value());
  std::vector<std::string> failures;
  for (const Json& r : doc["results"]) {
    std::map<std::string, double> metrics;
    for (auto& [k, v] : r["metrics"].items()) metrics[k] = v.get<double>();
    const std::string probe = r["probe"];
    auto j = pm::JudgeMetrics(h200.contains(probe) ? h200[probe] : Json::object(), metrics, 0.05);
    for (auto& f : j.failures) failures.push_back(probe + ": " + f);
    if (!j.failures.empty()) ++(*failed)[probe];
  }
  return failures;
}

TEST_CASE("shipped H200 thresholds against runs recorded on two H200s") {
  Json th = Json::parse(ReadFile("data/probes/thresholds.json").value());
  const Json& h200 = th["models"]["H200"]["probes"];
  const std::string dir = "probes/testdata/h200x2/";
  for (const char* f : {"healthy_2gpu_1.json", "healthy_2gpu_2.json", "healthy_2gpu_3.json", "healthy_1gpu.json",
                        "fault_baseline.json"}) {
    std::map<std::string, int> failed;
    auto failures = Rejudge(dir + f, h200, &failed);
    INFO(f, ": ", failures.empty() ? std::string() : failures[0]);
    CHECK(failures.empty());
  }
  std::map<std::string, int> failed;
  auto failures = Rejudge(dir + "fault_hog.json", h200, &failed);
  CHECK(failed.count("gpu.gemm"));
  CHECK(failed.count("gpu.hbm_bandwidth"));
  CHECK(failed.count("nccl.allreduce"));
  CHECK(!failed.count("gpu.health"));
  CHECK(!failed.count("nccl.p2p_matrix"));  // copy engines, not SMs: the link itself is fine
  for (const auto& f : failures) CHECK_MESSAGE(f.find("gpu0.") == std::string::npos, f);
}
// Documents recorded on one H100 80GB HBM3 (device run 41, probes/HISTORY.md): three full runs of
// device_run.sh, contention_demo.sh's idle run (its FP16 GEMM, 659.4 TFLOP/s, failed the published
// 700 / -5 % baseline shipped before: a false fail on an idle GPU) and its run beside an idle notebook
// process pass the shipped H100 SXM baselines; the run beside the GEMM hog fails GEMM and HBM.
TEST_CASE("shipped H100 SXM thresholds against runs recorded on one H100") {
  Json th = Json::parse(ReadFile("data/probes/thresholds.json").value());
  std::string model;
  const Json* h100 = pm::FindModel(th, "NVIDIA H100 80GB HBM3", &model);
  REQUIRE(h100 != nullptr);
  CHECK(model == "H100 SXM");
  const Json& probes = (*h100)["probes"];
  const std::string dir = "probes/testdata/h100x1/";
  for (const char* f : {"probe_1gpu_1.json", "probe_1gpu_2.json", "probe_1gpu_3.json", "idle_before_contention.json",
                        "notebook_beside.json", "triage_healthy_run42.json"}) {
    std::map<std::string, int> failed;
    auto failures = Rejudge(dir + f, probes, &failed);
    INFO(std::string(f), ": ", failures.empty() ? std::string() : failures[0]);
    CHECK(failures.empty());
  }
  std::map<std::string, int> failed;
  Rejudge(dir + "gemm_hog_beside.json", probes, &failed);
  CHECK(failed.count("gpu.gemm"));
  CHECK(failed.count("gpu.hbm_bandwidth"));
  CHECK(failed.count("gpu.kernel_launch"));
  // Device run 42, another H100 of the pool: triage_demo.sh's probes on the healthy GPU (BF16 668.5 TFLOP/s
  // at 1440 MHz under the SW power cap, 9 % under the baseline: it failed the 7 % floor and the healthy GPU
  // was answered "straggler_rank, confirmed") pass; beside the GEMM hog the round trip and HBM still fail.
  failed.clear();
  Rejudge(dir + "triage_hog_run42.json", probes, &failed);
  CHECK(failed.count("gpu.kernel_launch"));
  CHECK(failed.count("gpu.hbm_bandwidth"));
  CHECK(!failed.count("gpu.health"));
  // The floor still fails what a GPU beside a neighbour measures (266 TFLOP/s in run 41).
  const double floor = probes["gpu.gemm"]["bf16_tflops"]["baseline"].get<double>() *
                       (1 - probes["gpu.gemm"]["bf16_tflops"]["tolerance"].get<double>());
  CHECK(floor > 600);
  CHECK(floor < 668.4);
}
TEST_CASE("NoGpuReason: no driver is not an old driver") {
  // A host with no NVIDIA driver: CUDA's "driver version is insufficient" read as "upgrade the
  // driver" (vigil probe run gpu.health on the dev VM before this case).
  const std::string none = pm::NoGpuReason("cudaErrorInsufficientDriver",
                                           "CUDA driver version is insufficient for CUDA runtime version", std::nullopt, 13000);
  CHECK(none.rfind("no usable GPU: no NVIDIA driver is loaded on this host (/proc/driver/nvidia/version is absent)", 0) == 0);
  CHECK(none.find("no GPU to probe here") != std::string::npos);
  CHECK(none.find("(cudaGetDeviceCount: cudaErrorInsufficientDriver: CUDA driver version is insufficient") != std::string::npos);
  // A driver that is there but too old for the runtime: name both versions.
  const std::string old = pm::NoGpuReason(
      "cudaErrorInsufficientDriver", "CUDA driver version is insufficient for CUDA runtime version",
      std::string("NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.104.05  Sat Aug 19 01:15:15 UTC 2023\n"), 13000);
  CHECK(old.rfind("no usable GPU: the loaded NVIDIA driver 535.104.05 is older than this vigil-probe's CUDA runtime 13.0 needs", 0) == 0);
  // Any other error, with a driver: CUDA's own words, as before.
  CHECK(pm::NoGpuReason("cudaErrorNoDevice", "no CUDA-capable device is detected", std::string("NVRM version: x"), 12040) ==
        "no usable GPU: cudaGetDeviceCount: no CUDA-capable device is detected");
  CHECK(pm::DriverVersionFromProc("NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  570.86.15  Release Build") == "570.86.15");
  CHECK(pm::DriverVersionFromProc("NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.15  Wed Mar") == "550.54.15");
  CHECK(pm::DriverVersionFromProc("  odd line  \n") == "odd line");
  CHECK(pm::DriverVersionFromProc("NVRM version: Kernel Module") == "NVRM version: Kernel Module");
  CHECK(pm::DriverVersionFromProc("") == "");
}

TEST_CASE("NcclEnvOf keeps an environment's NCCL_* variables, the settings an NCCL test ran with") {
  const char* env[] = {"PATH=/usr/bin", "NCCL_SOCKET_IFNAME==ibp", "NCCL_IB_HCA=mlx5_0,mlx5_1", "XNCCL_FAKE=1",
                       "NCCL_BROKEN", "CUDA_VISIBLE_DEVICES=0,1", nullptr};
  nlohmann::json e = pm::NcclEnvOf(env);
  CHECK(e.size() == 2);
  CHECK(e["NCCL_SOCKET_IFNAME"] == "=ibp");  // the value after the first '=' kept whole
  CHECK(e["NCCL_IB_HCA"] == "mlx5_0,mlx5_1");
  const char* none[] = {"HOME=/root", nullptr};
  CHECK(pm::NcclEnvOf(none).is_object());
  CHECK(pm::NcclEnvOf(none).empty());
  CHECK(pm::NcclEnvOf(nullptr).empty());
}

TEST_CASE("MemlockOf records the locked-memory limit an NCCL test ran under, as agents/memlock_probe_limit.h reads it") {
  CHECK(pm::MemlockOf(true, 0) == "unlimited");
  CHECK(pm::MemlockOf(false, 64 * 1024) == 64.0);  // `ulimit -l` 64: KiB
  CHECK(pm::MemlockOf(false, 8ull << 30) == static_cast<double>(8ull << 20));
  CHECK(pm::MemlockOf(false, 1000) == 0.0);  // under 1 KiB rounds down
}

}  // namespace
}  // namespace vigil
