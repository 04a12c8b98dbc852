// PLC79 (2026-12-08, realistic66 / 67 / 68, SEEN fixes: answers right at low confidence in their blind
// runs): evidence written for these tests (made-up minimal lines in the real tools' shapes, not the
// cases' text).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "agents/moe_router_stats.h"
#include "agents/power_limit.h"
#include "agents/odd_gpu_model.h"

namespace vigil {
namespace {

// 1. (rl68-13) A node of another GPU SKU in the job's pool, its ranks the slow ones.
TEST_CASE("plc79: GpuModelKey, InventoryProduct and ReadGpuProductTable") {
  CHECK(GpuModelKey("NVIDIA-H100-80GB-HBM3") == GpuModelKey("NVIDIA H100 80GB HBM3"));
  CHECK(GpuModelKey("nvidia  h100 nvl") == "H100 NVL");
  CHECK(GpuModelKey("NVIDIA H100") != GpuModelKey("NVIDIA H100 NVL"));
  CHECK(InventoryProduct("product NVIDIA A100-SXM4-80GB, driver 550.90") == "NVIDIA A100-SXM4-80GB");
  CHECK(InventoryProduct("8 GPUs visible").empty());
  const std::vector<std::string> table = {
      "$ kubectl get nodes -L nvidia.com/gpu.product,nvidia.com/gpu.count",
      "NAME    STATUS  ROLES   AGE  VERSION  GPU.PRODUCT              GPU.COUNT",
      "gn-11   Ready   <none>  40d  v1.29.3  NVIDIA-A100-SXM4-80GB    8",
      "gn-12   Ready   <none>  2d   v1.29.3  NVIDIA-A100-PCIE-40GB    8",
      "some trailing text",
      "gn-13   Ready   <none>  40d  v1.29.3  NVIDIA-A100-SXM4-80GB    8"};
  const std::vector<NodeGpuModel> rows = ReadGpuProductTable(table);
  REQUIRE(rows.size() == 2);  // the table ends at the line of another shape
  CHECK(rows[0].node == "gn-11");
  CHECK(rows[1].model == "NVIDIA-A100-PCIE-40GB");
  CHECK(rows[1].source == "3");
  CHECK(ReadGpuProductTable({"NAME STATUS ROLES AGE VERSION", "gn-11 Ready <none> 40d v1.29.3"}).empty());
}

TEST_CASE("plc79: FindOddGpuModel finds the one node of another model") {
  const std::vector<NodeGpuModel> seen = {{"a", "NVIDIA-A100-SXM4-80GB", "t"},
                                          {"b", "NVIDIA A100-SXM4-80GB", "m"},
                                          {"c", "NVIDIA-A100-SXM4-80GB", "t"},
                                          {"b", "NVIDIA-A100-SXM4-80GB", "t"},
                                          {"d", "NVIDIA A100-PCIE-40GB", "p"}};
  auto odd = FindOddGpuModel(seen, "");
  REQUIRE(odd.has_value());
  CHECK(odd->node == "d");
  CHECK(odd->peers == 3);
  CHECK(odd->source == "p");
  // One peer only: read where the pool's model is the peer's.
  const std::vector<NodeGpuModel> two = {{"a", "NVIDIA H100", "m"}, {"d", "NVIDIA H100 NVL", "m"}};
  CHECK_FALSE(FindOddGpuModel(two, "").has_value());
  REQUIRE(FindOddGpuModel(two, "NVIDIA H100").has_value());
  CHECK(FindOddGpuModel(two, "NVIDIA H100")->node == "d");
  CHECK(FindOddGpuModel(two, "NVIDIA H100 NVL")->node == "a");
  // A mixed pool (two nodes of other models) or one model everywhere: none.
  CHECK_FALSE(FindOddGpuModel({{"a", "H100", ""}, {"b", "H100", ""}, {"c", "A100", ""}, {"d", "A100", ""}}, "").has_value());
  CHECK_FALSE(FindOddGpuModel({{"a", "H100", ""}, {"b", "H100", ""}, {"c", "H100", ""}}, "").has_value());
}

std::string SkuCase(const std::string& odd_model) {
  std::string metrics;
  for (const std::string& host : {std::string("gx-03"), std::string("gx-04")}) {
    const std::string model = host == "gx-04" ? odd_model : "NVIDIA A100-SXM4-80GB";
    if (!metrics.empty()) metrics += ",";
    metrics += R"({"name": "DCGM_FI_DEV_SM_CLOCK", "labels": {"Hostname": ")" + host + R"(", "gpu": "0", "modelName": ")" + model +
               R"("}, "samples": [[1700000000000, 1410], [1700000030000, 1410], [1700000060000, 1410]]})";
  }
  return R"JSON({
  "id": "plc79-sku",
  "logs": [
    {"source": "job/launcher-0/logs", "lines": [
      "2026-03-04 08:00:00,000 INFO step 500 loss 2.31 step_time 1.21s",
      "2026-03-04 08:05:00,000 INFO per-rank fwd+bwd time (ms) p50 1010, max 1290 (ranks 24-31)"
    ]},
    {"source": "ops/nodes.txt", "lines": [
      "NAME    STATUS  ROLES   AGE  VERSION  GPU.PRODUCT",
      "gx-01   Ready   <none>  90d  v1.29.3  NVIDIA-A100-SXM4-80GB",
      "gx-02   Ready   <none>  90d  v1.29.3  NVIDIA-A100-SXM4-80GB",
      "gx-03   Ready   <none>  90d  v1.29.3  NVIDIA-A100-SXM4-80GB",
      "gx-04   Ready   <none>  1d   v1.29.3  )JSON" + odd_model + R"JSON("
    ]}
  ],
  "metrics": [)JSON" + metrics + R"JSON(],
  "topology": {"gpu_model": "NVIDIA A100-SXM4-80GB", "nodes": ["gx-01", "gx-02", "gx-03", "gx-04"], "gpus_per_node": 8,
               "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8", "timezone": "UTC"}
})JSON";
}

TEST_CASE("plc79: the slow ranks' node of another GPU model is the straggler's place, with more weight") {
  const Diagnosis d = testing::RunCaseText(SkuCase("NVIDIA A100-PCIE-40GB"));
  CHECK(d.root_cause == "straggler_rank");
  CHECK(d.component == "gx-04");
  CHECK(testing::HasEvidenceWith(d, "another GPU model"));
  CHECK(testing::ProbabilityOf(d, "straggler_rank") >= 0.3);
  const Diagnosis base = testing::RunCaseText(SkuCase("NVIDIA A100-SXM4-80GB"));
  CHECK(base.root_cause == "straggler_rank");
  CHECK(base.component == "gx-04");
  CHECK_FALSE(testing::HasEvidenceWith(base, "another GPU model"));
  CHECK(testing::ProbabilityOf(base, "straggler_rank") < testing::ProbabilityOf(d, "straggler_rank") - 0.1);
}

// 2. (rl68-25) An MoE router's busiest expert stated as a multiple of its capacity.
TEST_CASE("plc79: MoeMaxOverMean reads the max expert load as a multiple of the capacity") {
  CHECK(MoeMaxOverMean("[moe] iter 300 | aux loss 0.071 | max expert load 12.5 x capacity | a2a 210 ms").value_or(0) ==
        doctest::Approx(12.5));
  CHECK(MoeMaxOverMean("router: max load 2.4x capacity (expert 9)").value_or(0) == doctest::Approx(2.4));
  CHECK_FALSE(MoeMaxOverMean("max batch 6 x capacity").has_value());  // names no expert, MoE or router
  CHECK_FALSE(MoeMaxOverMean("expert capacity factor 1.25").has_value());
}

std::string MoeCase(const std::string& load) {
  std::string lines;
  for (int i = 0; i < 6; ++i) {
    char buf[240];
    std::snprintf(buf, sizeof buf,
                  "\"2026-05-06 11:%02d:00 [moe] iter %d | aux loss 0.0%d1 | max expert load %s x capacity | step time %.2f s\",",
                  4 * i, 1000 + 50 * i, i, i < 2 ? "1.05" : load.c_str(), i < 2 ? 1.1 : 2.9);
    lines += buf;
  }
  lines.pop_back();
  return R"JSON({
  "id": "plc79-moe",
  "logs": [{"source": "trainer/stdout", "lines": [)JSON" + lines + R"JSON(]}],
  "topology": {"nodes": ["mx-1", "mx-2"], "gpus_per_node": 8, "timezone": "UTC"}
})JSON";
}

TEST_CASE("plc79: a busiest expert far over its capacity is the job's MoE imbalance") {
  const Diagnosis d = testing::RunCaseText(MoeCase("17.4"));
  CHECK(d.root_cause == "moe_expert_imbalance");
  CHECK(d.component == "job");
  CHECK(testing::ProbabilityOf(d, "moe_expert_imbalance") >= 0.3);
  const Diagnosis base = testing::RunCaseText(MoeCase("1.10"));
  CHECK(testing::ProbabilityOf(base, "moe_expert_imbalance") < 0.3);
}

// 3. (rl66-07) A pasted --query-gpu table's low limit, and the limit series of the node's GPUs that
//    fell to it during the case (no draw or clock series of their own).
TimeSeries LimitSeries(const std::string& host, int gpu, std::vector<double> watts) {
  TimeSeries s;
  s.name = "DCGM_FI_DEV_POWER_MGMT_LIMIT";
  s.labels = {{"Hostname", host}, {"gpu", std::to_string(gpu)}};
  for (size_t i = 0; i < watts.size(); ++i) REQUIRE(s.Append(1700000000000 + 60000 * static_cast<int64_t>(i), watts[i]).ok());
  return s;
}

TEST_CASE("plc79: FindFallenPowerLimits reads a limit that fell whatever its draw") {
  const std::vector<TimeSeries> series = {LimitSeries("pw-2", 0, {700, 700, 450, 450}), LimitSeries("pw-2", 1, {450, 450, 450}),
                                          LimitSeries("pw-3", 0, {700, 700, 700})};
  const std::vector<LoweredPowerCap> fell = FindFallenPowerLimits(series);
  REQUIRE(fell.size() == 1);
  CHECK(fell[0].node == "pw-2");
  CHECK(fell[0].gpu == 0);
  CHECK(fell[0].from_w == doctest::Approx(700));
  CHECK(fell[0].to_w == doctest::Approx(450));
  CHECK(fell[0].draw_w == 0);
  CHECK(FindLoweredPowerCaps(series).empty());  // no draw or clock series: not counted there
}

std::string FellCase(const std::string& before_w) {
  std::string metrics;
  for (const std::string& host : {std::string("pw-2"), std::string("pw-3")}) {
    for (int g = 0; g < 2; ++g) {
      const std::string w = host == "pw-2" ? before_w : "700";
      const std::string last = host == "pw-2" ? "450" : "700";
      if (!metrics.empty()) metrics += ",";
      metrics += R"({"name": "DCGM_FI_DEV_POWER_MGMT_LIMIT", "labels": {"Hostname": ")" + host + R"(", "gpu": ")" +
                 std::to_string(g) + R"("}, "samples": [[1700000000000, )" + w + "], [1700000060000, " + w +
                 "], [1700000120000, " + last + "], [1700000180000, " + last + "]]}";
    }
  }
  return R"JSON({
  "id": "plc79-fell",
  "logs": [
    {"source": "pw-2 smi", "lines": [
      "$ nvidia-smi --query-gpu=index,power.draw,power.limit,power.default_limit --format=csv",
      "index, power.draw [W], power.limit [W], power.default_limit [W]",
      "0, 447.20 W, 450.00 W, 700.00 W",
      "1, 448.90 W, 450.00 W, 700.00 W"
    ]}
  ],
  "metrics": [)JSON" + metrics + R"JSON(],
  "topology": {"nodes": ["pw-1", "pw-2", "pw-3"], "gpus_per_node": 8, "timezone": "UTC"}
})JSON";
}

TEST_CASE("plc79: a table's low power limit that the node's limit series show falling to is a cap set during the job") {
  const Diagnosis d = testing::RunCaseText(FellCase("700"));
  CHECK(d.root_cause == "gpu_power_throttle");
  CHECK(d.component == "pw-2");
  CHECK(testing::HasEvidenceWith(d, "fell 700 -> 450 W during the case"));
  const Diagnosis base = testing::RunCaseText(FellCase("450"));  // the limit never moved
  CHECK(base.root_cause == "gpu_power_throttle");
  CHECK_FALSE(testing::HasEvidenceWith(base, "during the case"));
  CHECK(testing::ProbabilityOf(d, "gpu_power_throttle") > testing::ProbabilityOf(base, "gpu_power_throttle") + 0.05);
}

}  // namespace
}  // namespace vigil
