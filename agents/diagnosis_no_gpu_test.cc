// Live triage on a host where vigil-probe finds no usable GPU (no NVIDIA driver loaded, every GPU
// gone): what the on-call engineer saw on this build machine (WALKP, 2026-12-04) was a node-level
// gpu.inventory answering `unavailable`, "no usable GPU: ...", then a sweep of eight assumed GPUs
// (gpu.health and gpu.kernel_launch on vm/gpu0..gpu7) and seven node-level GPU/NCCL probes, every
// one answering the same `unavailable`, and 24 copies of the same reason in `unverified`.
#include <doctest/doctest.h>

#include <algorithm>
#include <mutex>
#include <regex>
#include <string>
#include <vector>

#include "agents/alert_triage.h"
#include "agents/builtin_reasoner.h"
#include "agents/diagnosis_testing.h"
#include "core/json.h"

namespace vigil {
namespace {

// vigil-probe's answer on this machine (probes/README.md, "A host with no NVIDIA driver").
constexpr const char* kNoGpu =
    "no usable GPU: no NVIDIA driver is loaded on this host (/proc/driver/nvidia/version is absent), so there is "
    "no GPU to probe here; on a GPU node, check `lsmod | grep nvidia` and the kernel log (cudaGetDeviceCount: "
    "cudaErrorInsufficientDriver: CUDA driver version is insufficient for CUDA runtime version)";

// Answers like vigil-probe on a host with no driver: every probe but node.kernel_log `unavailable`
// with kNoGpu, the kernel log a pass.
class NoGpuHost : public ProbeExecutor {
 public:
  Result<std::vector<ProbeResult>> Run(const ProbeRequest& req) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<ProbeResult> out;
    for (const std::string& p : req.probes) {
      asked.push_back(p + "@" + req.target);
      if (p == "node.kernel_log") {
        out.push_back(MakeProbeResult(p, req.target, ProbeStatus::kPass,
                                      "no Xid/NVLink/AER/mlx5-IB/OOM lines in the last 3600 s of a readable log", 0.2));
      } else {
        out.push_back(MakeProbeResult(p, req.target, ProbeStatus::kUnavailable, kNoGpu, 0.0));
      }
    }
    return out;
  }
  std::string Describe() const override { return "a host with no usable GPU"; }
  std::vector<std::string> asked;

 private:
  std::mutex mu_;
};

Alert StragglerAlert() {
  Alert a;
  a.rule = "StragglerRank";
  a.fingerprint = "e6c8860047424446";
  a.labels = {{"alertname", "StragglerRank"}, {"severity", "warning"}, {"job", "llm-train"}, {"node", "vm"}, {"rank", "0"}};
  a.annotations = {{"summary",
                    "rank 0 on vm computes 45 ms a step vs 27 ms for the job's faster ranks (lower quartile): a "
                    "straggler; every other rank waits for it in the all-reduce"}};
  a.state = AlertState::kFiring;
  a.starts_at_ms = 1'764'557'739'000;
  return a;
}

Incident StragglerIncident() {
  Incident i;
  i.id = "pack-straggler-slow-gpu";
  i.title = "Straggler: one GPU computes slower than its peers";
  i.log_signatures = {"straggler detected"};
  i.root_cause = "straggler_rank";
  i.component = "gpu";
  i.mitigation = "drain the slow GPU's node";
  return i;
}

bool NeedsGpu(const std::string& target) { return target.rfind("node.kernel_log@", 0) != 0; }

}  // namespace

TEST_CASE("no usable GPU: the node's count is 0, no GPU probe is asked after the inventory says so") {
  auto kb = testing::KbWith({StragglerIncident()});
  NoGpuHost probes;
  TriageOptions o;
  o.kb = kb.get();
  o.probes = &probes;
  o.allow_intrusive = true;
  auto r = TriageAlert(StragglerAlert(), o);
  REQUIRE(r.ok());
  const Diagnosis& d = r->diagnosis;
  std::vector<std::string> targets;
  for (const VerificationStep& s : d.steps) targets.push_back(s.target);
  CAPTURE(targets);
  REQUIRE(!targets.empty());
  CHECK(targets[0] == "gpu.inventory@vm");
  // Only the inventory needed a GPU; the kernel log needs none and still runs.
  CHECK(std::count_if(probes.asked.begin(), probes.asked.end(), NeedsGpu) == 1);
  CHECK(std::find(targets.begin(), targets.end(), "node.kernel_log@vm") != targets.end());
  // The reason once, with what it means for the verdict; not once per probe.
  size_t with_reason = 0;
  bool says_count = false;
  for (const std::string& u : d.unverified) {
    with_reason += u.find("no usable GPU") != std::string::npos;
    says_count = says_count || (u.find("GPU count of vm: 0") != std::string::npos &&
                                u.find("no GPU probe can run there") != std::string::npos);
  }
  CHECK(with_reason == 1);
  CHECK(says_count);
  // Nothing is confirmed or refuted by a probe that could not run.
  for (const Hypothesis& h : d.hypotheses) {
    CAPTURE(h.category);
    if (h.category != "straggler_rank") continue;
    CHECK(h.status == HypothesisStatus::kOpen);
  }
  bool fed_zero = false;
  for (const Json& t : r->trace) {
    fed_zero = fed_zero || (t.value("type", "") == "tool_result" && t.value("target", "") == "gpu.inventory@vm" &&
                            t.value("fed", "").find("the node's GPU count: 0") != std::string::npos);
  }
  CHECK(fed_zero);
}

}  // namespace vigil
