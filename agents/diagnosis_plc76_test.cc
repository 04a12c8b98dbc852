// PLC76 (2026-12-08, realistic66, SEEN fixes: what its blind run missed): evidence written for these tests
// (made-up minimal lines in the shape of nvidia-smi's, a pod's and a training job's output, not the cases' text).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "agents/power_limit.h"
#include "agents/rank_hosts.h"

namespace vigil {
namespace {

// 1. (rl66-07) A `--query-gpu` table whose power.limit sits far below power.default_limit.
TEST_CASE("plc76: QueryLowPowerLimits reads a query table's low limits") {
  const std::vector<std::string> lines = {
      "$ nvidia-smi --query-gpu=index,power.draw,power.limit,power.default_limit --format=csv,noheader",
      "0, 449.20 W, 450.00 W, 700.00 W",
      "1, 448.70 W, 450.00 W, 700.00 W",
      "2, 610.00 W, 700.00 W, 700.00 W",
      "3, [N/A], [N/A], 700.00 W",
      "done"};
  const std::vector<LowPowerLimit> low = QueryLowPowerLimits(lines);
  REQUIRE(low.size() == 2);
  CHECK(low[0].line == 1);
  CHECK(low[0].gpu == 0);
  CHECK(low[0].limit_w == doctest::Approx(450));
  CHECK(low[0].default_w == doctest::Approx(700));
  CHECK(low[1].gpu == 1);
  // The header row names the columns (units in brackets); `enforced.power.limit` is the limit.
  const std::vector<std::string> header = {"index, enforced.power.limit [W], power.default_limit [W]", "5, 300.00 W, 700.00 W"};
  REQUIRE(QueryLowPowerLimits(header).size() == 1);
  CHECK(QueryLowPowerLimits(header)[0].gpu == 5);
  // A host label of pdsh / clush, no index column.
  const std::vector<std::string> labelled = {"$ pdsh -w n-[1-2] 'nvidia-smi --query-gpu=power.limit,power.default_limit --format=csv,noheader'",
                                             "n-1: 700.00 W, 700.00 W", "n-2: 400.00 W, 700.00 W"};
  REQUIRE(QueryLowPowerLimits(labelled).size() == 1);
  CHECK(QueryLowPowerLimits(labelled)[0].line == 2);
  CHECK(QueryLowPowerLimits(labelled)[0].gpu == -1);
  // No default column: nothing to compare with; a limit at its default is no cap.
  CHECK(QueryLowPowerLimits({"$ nvidia-smi --query-gpu=index,power.limit --format=csv,noheader", "0, 450.00 W"}).empty());
  CHECK(QueryLowPowerLimits({"index, power.limit [W], power.default_limit [W]", "0, 650.00 W, 700.00 W"}).empty());
  // Rows after the table ended are not its rows.
  CHECK(QueryLowPowerLimits({"index, power.limit [W], power.default_limit [W]", "other output", "0, 300.00 W, 700.00 W"}).empty());
}

std::string PowerCase(const std::string& limit, const std::string& deflt) {
  std::string rows;
  for (int g = 0; g < 8; ++g) {
    rows += '"';
    rows += std::to_string(g);
    rows += ", " + limit + " W, " + limit + " W, " + deflt + " W, 1290 MHz, Active\",";
  }
  rows.pop_back();
  return std::string(R"JSON({
  "id": "plc76-power",
  "alert": {"status": "firing", "labels": {"alertname": "NodeGpuSlow", "severity": "warning", "Hostname": "pw-02"},
            "annotations": {"summary": "pw-02: GPUs slower than the job's other nodes"}, "startsAt": "2026-03-01T10:30:00Z"},
  "topology": {"nodes": ["pw-01", "pw-02"], "gpus_per_node": 8, "timezone": "UTC"},
  "logs": [{"source": "pw-02 nvidia-smi",
            "lines": ["$ nvidia-smi --query-gpu=index,power.draw,power.limit,power.default_limit,clocks.sm,clocks_event_reasons.sw_power_cap --format=csv,noheader",
                      )JSON") +
         rows + R"JSON(]}]
})JSON";
}

TEST_CASE("plc76: a node's GPUs all capped far below their default limit is a power throttle of the node") {
  const Diagnosis d = testing::RunCaseText(PowerCase("400.00", "700.00"));
  CHECK(d.root_cause == "gpu_power_throttle");
  CHECK(d.component == "pw-02");
  CHECK(testing::HasEvidenceWith(d, "power limit 400 W of the default 700 W"));
  const Diagnosis base = testing::RunCaseText(PowerCase("690.00", "700.00"));
  CHECK_FALSE(testing::HasEvidenceWith(base, "of the default"));
}

// 2. (rl66-09, rl66-19) A pod's ordinal through its NVIDIA_VISIBLE_DEVICES list.
TEST_CASE("plc76: RankHostReader maps a container's ordinal through NVIDIA_VISIBLE_DEVICES") {
  auto one = [](const std::string& line) {
    RankHostReader r;
    const std::vector<RankHost> ties = r.Read(line);
    REQUIRE(ties.size() == 1);
    return ties[0];
  };
  RankHost t = one("[rank9]: local_rank=1 device=cuda:1 NVIDIA_VISIBLE_DEVICES=4,6 pod=w-1 node=n-02");
  CHECK(t.rank == 9);
  CHECK(t.host == "n-02");
  CHECK(t.gpu == 6);
  CHECK(t.uuid.empty());
  // The container's CUDA_VISIBLE_DEVICES picks among the pod's GPUs.
  CHECK(one("rank=9 local_rank=0 CUDA_VISIBLE_DEVICES=1 NVIDIA_VISIBLE_DEVICES=2,3 host=n-02").gpu == 3);
  CHECK(one("rank=9 local_rank=0 CUDA_VISIBLE_DEVICES=0,1 NVIDIA_VISIBLE_DEVICES=2,3 host=n-02").gpu == 2);
  // By UUID: left for the caller to map.
  t = one("[rank9]: local_rank=1 device=cuda:1 node=n-02 NVIDIA_VISIBLE_DEVICES=GPU-0a1b2c3d-0000-4000-8000-000000000001,"
          "GPU-0a1b2c3d-0000-4000-8000-000000000002");
  CHECK(t.gpu == -1);
  CHECK(t.uuid == "gpu-0a1b2c3d-0000-4000-8000-000000000002");
  // `all`: the container sees the node's numbering, the ordinal stands; an ordinal past the list: no GPU.
  CHECK(one("[rank9]: local_rank=1 device=cuda:1 NVIDIA_VISIBLE_DEVICES=all node=n-02").gpu == 1);
  CHECK(one("[rank9]: local_rank=2 device=cuda:2 NVIDIA_VISIBLE_DEVICES=4,6 node=n-02").gpu == -1);
}

std::string PodOomCase(const std::string& env_line, const std::string& extra_log) {
  return std::string(R"JSON({
  "id": "plc76-pod-oom",
  "alert": {"status": "firing", "labels": {"alertname": "JobFailed", "severity": "warning", "job": "ft-3"},
            "annotations": {"summary": "ft-3 failed (worker-1 exit 1)"}, "startsAt": "2026-03-01T10:30:00Z"},
  "topology": {"nodes": ["pd-01", "pd-02"], "gpus_per_node": 8, "timezone": "UTC",
               "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"},
  "logs": [{"source": "kubectl logs ft-3-worker-1",
            "lines": ["[rank9]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 1 has a total capacity of 79.10 GiB of which 0.90 GiB is free.",
                      ")JSON") +
         env_line + R"JSON("]})JSON" + extra_log + R"JSON(]
})JSON";
}

TEST_CASE("plc76: a pod's OOM is placed on the node's GPU its NVIDIA_VISIBLE_DEVICES names") {
  const Diagnosis d = testing::RunCaseText(PodOomCase("[rank9]: (local_rank=1 device=cuda:1 NVIDIA_VISIBLE_DEVICES=4,6 node=pd-02)", ""));
  CHECK(d.root_cause == "cuda_oom");
  CHECK(d.component == "pd-02/gpu6");
}

TEST_CASE("plc76: a pod's GPU named by UUID is placed through nvidia-smi -L") {
  const std::string smi_l = R"JSON(, {"source": "pd-02 nvidia-smi -L",
            "lines": ["GPU 3: NVIDIA H100 80GB HBM3 (UUID: GPU-0a1b2c3d-0000-4000-8000-000000000001)",
                      "GPU 5: NVIDIA H100 80GB HBM3 (UUID: GPU-0a1b2c3d-0000-4000-8000-000000000002)"]})JSON";
  const Diagnosis d = testing::RunCaseText(PodOomCase(
      "[rank9]: local_rank=1 device=cuda:1 node=pd-02 NVIDIA_VISIBLE_DEVICES=GPU-0a1b2c3d-0000-4000-8000-000000000001,"
      "GPU-0a1b2c3d-0000-4000-8000-000000000002",
      smi_l));
  CHECK(d.root_cause == "cuda_oom");
  CHECK(d.component == "pd-02/gpu5");
}

}  // namespace
}  // namespace vigil
