// PLC41 (2026-12-06): realistic40 rl40-29's confident wrong answer (SEEN, not blind). A general reading,
// with a case written here as another stack prints the same failure (nodes qx-NN, no case text of the set):
// - one Lustre target whose latency / wait series stands >= 10x its peers' is a slow file-system server,
//   the job's storage (lustre_import.h, FindSlowLustreTargetSeries: PLC38's lctl reading, from metrics);
//   the collective timeouts in the barrier after a save its writers never finished are its symptoms.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "agents/lustre_import.h"

namespace vigil {
namespace {

TimeSeries Series(const std::string& name, const Labels& labels, const std::vector<double>& values) {
  TimeSeries s;
  s.name = name;
  s.labels = labels;
  for (size_t i = 0; i < values.size(); ++i) {
    REQUIRE(s.Append(1796000000000 + static_cast<int64_t>(i) * 60000, values[i]).ok());
  }
  return s;
}

TEST_CASE("plc41: FindSlowLustreTargetSeries reads one target's latency series far above its peers'") {
  const std::vector<TimeSeries> ms = {
      Series("lustre_target_write_wait_ms", {{"target", "scratch-OST0003"}}, {3, 4, 900, 1800, 2000}),
      Series("lustre_target_write_wait_ms", {{"target", "scratch-OST0004"}}, {3, 4, 5, 6, 5}),
      Series("lustre_target_write_wait_ms", {{"target", "scratch-OST0005"}}, {3, 4, 6, 7, 5})};
  const std::vector<SlowLustreSeries> s = FindSlowLustreTargetSeries(ms);
  REQUIRE(s.size() == 1);
  CHECK(s[0].target.target == "scratch-OST0003");
  CHECK(s[0].target.wait_us == doctest::Approx(2000000));
  CHECK(s[0].target.peer_median_us == doctest::Approx(7000));
  CHECK(s[0].target.line == 0);
  CHECK(s[0].onset_ms == 1796000000000 + 2 * 60000);  // 900 ms: the first sample >= 100 ms and >= 10x
  // A bare OSTnnnn label value and a seconds unit.
  CHECK(FindSlowLustreTargetSeries({Series("lustre_ost_latency_seconds", {{"ost", "OST0001"}}, {0.01, 3.0}),
                                    Series("lustre_ost_latency_seconds", {{"ost", "OST0002"}}, {0.01, 0.02})})
            .size() == 1);
  // Near misses: every target alike (a busy file system), the slow one under 100 ms, a lone target, no
  // unit in the name, no target label, not Lustre's, a byte counter.
  CHECK(FindSlowLustreTargetSeries({Series("lustre_ost_latency_seconds", {{"ost", "OST0001"}}, {3.0}),
                                    Series("lustre_ost_latency_seconds", {{"ost", "OST0002"}}, {2.0})})
            .empty());
  CHECK(FindSlowLustreTargetSeries({Series("lustre_ost_latency_seconds", {{"ost", "OST0001"}}, {0.09}),
                                    Series("lustre_ost_latency_seconds", {{"ost", "OST0002"}}, {0.001})})
            .empty());
  CHECK(FindSlowLustreTargetSeries({Series("lustre_ost_latency_seconds", {{"ost", "OST0001"}}, {9.0})}).empty());
  CHECK(FindSlowLustreTargetSeries({Series("lustre_ost_latency", {{"ost", "OST0001"}}, {9.0}),
                                    Series("lustre_ost_latency", {{"ost", "OST0002"}}, {0.01})})
            .empty());
  CHECK(FindSlowLustreTargetSeries({Series("lustre_client_latency_seconds", {{"client", "qx-01"}}, {9.0}),
                                    Series("lustre_client_latency_seconds", {{"client", "qx-02"}}, {0.01})})
            .empty());
  CHECK(FindSlowLustreTargetSeries({Series("nfs_rpc_latency_seconds", {{"ost", "OST0001"}}, {9.0}),
                                    Series("nfs_rpc_latency_seconds", {{"ost", "OST0002"}}, {0.01})})
            .empty());
  CHECK(FindSlowLustreTargetSeries({Series("lustre_ost_write_bytes_total", {{"ost", "OST0001"}}, {9e9}),
                                    Series("lustre_ost_write_bytes_total", {{"ost", "OST0002"}}, {1e6})})
            .empty());
}

// Every rank's collective after a checkpoint save times out (the alert: rank 0's watchdog); the save's
// writers on OST001a never finished (one client lost its connection to it for 25 s, a write timed out after); the file system's exporter shows OST001a's write wait at 2.5 s
// beside its peers' 20 ms. No probe, no node fault.
constexpr const char* kSlowOstBarrier = R"JSON({
  "id": "plc41-slow-ost-barrier",
  "alert": {"status": "firing", "labels": {"alertname": "NCCLWatchdogTimeout", "job_id": "88120", "Hostname": "qx-41", "rank": "0", "severity": "critical"},
            "annotations": {"summary": "NCCL watchdog timeout on qx-41 (rank 0) in job 88120"}, "startsAt": "2026-12-04T03:31:00Z"},
  "topology": {"nodes": ["qx-41", "qx-42", "qx-43", "qx-44"], "gpus_per_node": 8, "timezone": "UTC"},
  "logs": [
    {"source": "job-88120/train.log", "lines": [
      "0: [2026-12-04 03:20:10] saving checkpoint at iteration 12000 to /scratch/run9/ckpt in torch_dist format",
      "0: [rank0]:[E1204 03:30:58.000010 51000 ProcessGroupNCCL.cpp:616] [PG ID 0 PG GUID 0(default_pg) Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=9120, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=600000) ran for 600031 milliseconds before timing out.",
      "9: [rank9]:[E1204 03:30:58.000020 51009 ProcessGroupNCCL.cpp:616] [PG ID 0 PG GUID 0(default_pg) Rank 9] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=9120, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=600000) ran for 600032 milliseconds before timing out."]},
    {"source": "qx-43/dmesg", "lines": [
      "[Fri Dec  4 03:22:40 2026] Lustre: scratch-OST001a-osc-ffff8e00aa110000: Connection to scratch-OST001a (at 10.40.3.26@o2ib) was lost; in progress operations using this service will wait for recovery to complete",
      "[Fri Dec  4 03:23:05 2026] Lustre: scratch-OST001a-osc-ffff8e00aa110000: Connection restored to 10.40.3.26@o2ib (at 10.40.3.26@o2ib)",
      "[Fri Dec  4 03:24:51 2026] Lustre: 7713:0:(client.c:2310:ptlrpc_expire_one_request()) @@@ Request sent has timed out for slow reply: req@00000000b7c1d2e3 x18842/t0(0) o4->scratch-OST001a-osc-ffff8e00aa110000@10.40.3.26@o2ib:6/4 lens 488/448 e 2 to 1 dl 1796355891 ref 2 fl Rpc:XQr/2/ffffffff rc 0/-1"]}
  ],
  "metrics": [
    {"name": "lustre_ost_write_wait_seconds", "labels": {"fs": "scratch", "target": "scratch-OST001a"},
     "samples": [[1796354400000, 0.02], [1796354700000, 0.02], [1796355000000, 1.9], [1796355300000, 2.5], [1796355600000, 2.4]]},
    {"name": "lustre_ost_write_wait_seconds", "labels": {"fs": "scratch", "target": "scratch-OST001b"},
     "samples": [[1796354400000, 0.02], [1796354700000, 0.02], [1796355000000, 0.03], [1796355300000, 0.02], [1796355600000, 0.02]]},
    {"name": "lustre_ost_write_wait_seconds", "labels": {"fs": "scratch", "target": "scratch-OST001c"},
     "samples": [[1796354400000, 0.02], [1796354700000, 0.02], [1796355000000, 0.02], [1796355300000, 0.03], [1796355600000, 0.02]]}
  ]
})JSON";

TEST_CASE("plc41: collective timeouts after a save beside one OST far slower than its peers are the job's storage") {
  const Diagnosis d = testing::RunCaseText(kSlowOstBarrier);
  CHECK(d.root_cause == "storage_failure");
  CHECK(d.component == "job");
}

}  // namespace
}  // namespace vigil
