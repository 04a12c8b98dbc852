// Tests of RG15's rules (2026-12-03), the general shapes behind realistic15's misses: a hardware
// event a day before the incident in a case of exact clocks is history (a driver mismatch on that
// node is the failure); a checkpoint whose tensors do not fit the model's shapes (load_state_dict's
// "size mismatch") is the launch's configuration. The cases are written for the tests (node names
// n-01 ...), not copied from the set.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>

#include "agents/diagnosis_testing.h"
#include "agents/incident_history.h"

namespace vigil {
namespace {

Diagnosis Run(const char* text) { return testing::RunCaseText(text); }

constexpr int64_t kHour = 3600'000;

// ---- 1. A day-old Xid before a driver mismatch, in a case of exact clocks -------------------------

TEST_CASE("rg15: HistoryCategories with exact times uses the shorter gap") {
  std::map<std::string, CategoryTimes> cats;
  cats["gpu_fallen_off_bus"] = {100 * kHour, false};
  cats["launch_config_error"] = {100 * kHour + 30 * kHour, false};
  // 30 h: within the 48 h of a zone that may be off by 26 h; over the 24 h of exact times.
  CHECK(HistoryCategories(cats).empty());
  CHECK(HistoryCategories(cats, std::numeric_limits<int64_t>::max(), true) ==
        std::set<std::string>{"gpu_fallen_off_bus"});
  // 20 h: a watchdog's hours, doubled, still cover it: not history even with exact times.
  cats["gpu_fallen_off_bus"].last_ms = cats["launch_config_error"].last_ms - 20 * kHour;
  CHECK(HistoryCategories(cats, std::numeric_limits<int64_t>::max(), true).empty());
}

// n-03's ranks (16-23) cannot use their driver at every attempt; the others wait in the store. n-03
// logged an Xid 79 the evening before (the fault its board was replaced for).
constexpr const char* kDriverAfterXid = R"JSON({
  "id": "rg15-driver-after-xid",
  "topology": {"nodes": ["n-01", "n-02", "n-03", "n-04"], "gpus_per_node": 8, "timezone": "UTC",
    "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"},
  "logs": [
    {"source": "slurm-771.out", "lines": [
      "[2026-03-10 07:02:11] attempt 1 on n-[01-04]",
      "[rank17]: RuntimeError: The NVIDIA driver on your system is too old (found version 12020). Please update your GPU driver by downloading and installing a new version from the URL: http://www.nvidia.com/Download/index.aspx",
      "[W310 07:32:20.101223 88 TCPStore.cpp:125] [c10d] recvValue failed on SocketImpl(fd=4, addr=[n-01]:40112, remote=[n-01]:29500): Connection reset by peer",
      "[rank2]: torch.distributed.DistStoreError: Timed out after 1801 seconds waiting for clients. 24/32 clients joined.",
      "[2026-03-10 07:40:02] requeue (attempt 2) on n-[01-04]",
      "[rank20]: RuntimeError: The NVIDIA driver on your system is too old (found version 12020).",
      "[rank0]: torch.distributed.DistStoreError: Timed out after 1801 seconds waiting for clients. 24/32 clients joined."
    ]},
    {"source": "ops", "lines": [
      "$ ssh n-03 journalctl -k --since -3d | grep Xid",
      "Mar 09 00:41:07 n-03 kernel: NVRM: Xid (PCI:0000:3b:00): 79, pid=0, name=, GPU has fallen off the bus.",
      "<chat> hw: that Xid 79 is why n-03's board was swapped yesterday"
    ]}
  ]
})JSON";

TEST_CASE("rg15: a driver too old on one node beats that node's Xid of the day before") {
  Diagnosis d = Run(kDriverAfterXid);
  CHECK(d.root_cause == "launch_config_error");  // before: gpu_fallen_off_bus
  CHECK(d.component.rfind("n-03", 0) == 0);
}

TEST_CASE("rg15: the same Xid an hour before the attempts is still the cause's candidate") {
  std::string text = kDriverAfterXid;
  const std::string day_before = "Mar 09 00:41:07";
  text.replace(text.find(day_before), day_before.size(), "Mar 10 06:41:07");
  Diagnosis d = Run(text.c_str());
  bool history = false;
  for (const Evidence& e : d.evidence) history = history || e.detail.find("[history:") != std::string::npos;
  CHECK_FALSE(history);
}

// ---- 2. A checkpoint that does not fit the model's shapes ----------------------------------------

TEST_CASE("rg15: load_state_dict's size mismatch at every restart is the launch's configuration") {
  Diagnosis d = Run(R"JSON({
  "id": "rg15-ckpt-shape",
  "alert": {"status": "firing", "labels": {"alertname": "KubePodCrashLooping", "severity": "warning",
      "namespace": "ml", "pod": "gpt-worker-1", "container": "trainer"},
    "annotations": {"summary": "Pod ml/gpt-worker-1 (trainer) is in waiting state (reason: CrashLoopBackOff)"},
    "startsAt": "2026-03-10T09:30:00Z"},
  "topology": {"nodes": ["n-01", "n-02"], "gpus_per_node": 8, "timezone": "UTC"},
  "logs": [
    {"source": "kubectl logs --previous gpt-worker-1", "lines": [
      " loading checkpoint from /ckpt/gpt at iteration 12000",
      "[rank9]: Traceback (most recent call last):",
      "[rank9]:     model[0].load_state_dict(state_dict['model'], strict=strict)",
      "[rank9]: RuntimeError: Error(s) in loading state_dict for GPTModel:",
      "[rank9]: \tsize mismatch for decoder.layers.3.mlp.linear_fc2.weight: copying a param with shape torch.Size([4096, 5504]) from checkpoint, the shape in current model is torch.Size([4096, 2752]).",
      "E0310 09:28:41.112 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: 1) local_rank: 1 (pid: 311) of binary: /usr/bin/python"
    ]}
  ]
})JSON");
  CHECK(d.root_cause == "launch_config_error");  // before: rank_process_crash
  CHECK(d.component == "job");
}

}  // namespace
}  // namespace vigil
