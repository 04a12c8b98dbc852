// PLC23 (2026-12-05): seen misses of realistic29 / realistic28 (SEEN, not blind). General rules of
// builtin_reasoner.cc and its readers, each with cases written here as other stacks print the same
// failure (nodes pz-NN, no case text of the sets):
// - RecoveredKernelLogFinding: a failed node.kernel_log probe that re-reads a fault the case's log
//   shows over (a port's "Link down" then "Link up", a fault of another kind after it) is no fresh
//   confirmation of it.
#include <doctest/doctest.h>

#include <string>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_testing.h"

namespace vigil {
namespace {

using testing::HasEvidenceWith;

// A job on pz-31 whose checkpoints fail with ENOSPC on a full WekaFS (before and after), and an
// mlx5 port of pz-36 that went down at 11:41:02. `recovered`: the port's "Link up" 4 s later;
// `enospc_after`: a save fails again after the flap (a fault of another kind follows it).
std::string FlapBesideEnospc(bool recovered, bool enospc_after) {
  std::string dmesg = R"("[Mon Nov 30 11:41:02 2026] mlx5_core 0000:3b:00.0 enp59s0f0np0: Link down")";
  if (recovered) dmesg += R"(, "[Mon Nov 30 11:41:06 2026] mlx5_core 0000:3b:00.0 enp59s0f0np0: Link up")";
  std::string text = R"JSON({
    "id": "plc23-flap",
    "alert": {"status": "firing", "labels": {"alertname": "CheckpointStale", "job": "gpt-pz", "slurm_job_id": "77120",
              "Hostname": "pz-31", "severity": "warning"},
              "annotations": {"summary": "gpt-pz: no checkpoint written for 2 h 40 m"}, "startsAt": "2026-11-30T12:00:00Z"},
    "logs": [
      {"source": "pz-31/gpt-pz-77120.log", "lines": [
        "2026-11-30 09:10:00 [INFO] step 41000 saving checkpoint to /mnt/weka/ckpt/gpt-pz/step_41000",
        "2026-11-30 09:12:41 [ERROR] rank 17: checkpoint shard write failed: OSError: [Errno 28] No space left on device: '/mnt/weka/ckpt/gpt-pz/step_41000/model_17.pt'",
        "2026-11-30 09:12:42 [WARN] checkpoint step 41000 abandoned; training continues",
        "2026-11-30 11:40:05 [INFO] step 42920 loss 2.011 grad_norm 0.31 tokens/s 1.21M"AFTER]},
      {"source": "pz-36/dmesg", "lines": [DMESG]},
      {"source": "pz-31/df-0920", "lines": ["[2026-11-30 09:20:00] $ df -h /mnt/weka", "Filesystem      Size  Used Avail Use% Mounted on",
                                            "wekafs/ckpt     500T  500T     0 100% /mnt/weka"]}],
    "metrics": [],
    "probes": {
      "node.kernel_log@pz-36": {"probe": "node.kernel_log", "target": "pz-36", "status": "fail", "metrics": {"findings": 1},
        "reason": "mlx5_core 0000:3b:00.0 enp59s0f0np0: Link down (1 finding(s) in the last 1h, journalctl -k)",
        "duration_s": 0.2, "details": {"categories": ["ib_link_failure"]}}},
    "topology": {"nodes": ["pz-31", "pz-32", "pz-36"], "gpus_per_node": 8, "timezone": "UTC"}
  })JSON";
  text.replace(text.find("DMESG"), 5, dmesg);
  text.replace(text.find("AFTER"), 5,
               enospc_after ? ",\n        \"2026-11-30 11:52:37 [ERROR] rank 3: checkpoint shard write failed: OSError: [Errno 28] No space "
                              "left on device: '/mnt/weka/ckpt/gpt-pz/step_43000/model_3.pt'\""
                            : "");
  return text;
}

constexpr const char* kOverNote = "[the log shows it over: ib_link_failure (pz-36/dmesg:2) says so";

}  // namespace

TEST_CASE("plc23 a kernel-log probe re-reading a flap the log shows recovered does not confirm it over ENOSPC") {
  // Before (1707b208's binary on this case as a file): ib_link_failure @ pz-36/enp59s0f0np0 at 0.62,
  // [confirmed] by the probe's +4.0.
  const Diagnosis d = testing::RunCaseText(FlapBesideEnospc(true, true));
  CHECK(d.root_cause == "storage_failure");
  CHECK(d.component == "job");
  CHECK(HasEvidenceWith(d, kOverNote));
  for (const Evidence& e : d.evidence) {
    if (e.source == "probe node.kernel_log@pz-36") CHECK(e.weight < 2.0);  // kHistoryFactor of a fail's 4.0
  }
}

TEST_CASE("plc23 near miss: a link that went down and did not come back stays the confirmed link failure") {
  const Diagnosis d = testing::RunCaseText(FlapBesideEnospc(false, true));
  CHECK(d.root_cause == "ib_link_failure");
  CHECK(d.component == "pz-36/enp59s0f0np0");
  CHECK_FALSE(HasEvidenceWith(d, "[the log shows it over"));
}

TEST_CASE("plc23 near miss: a recovered flap with no fault of another kind after it stays confirmed") {
  // The checkpoints' ENOSPC is all before the flap: nothing says the link's fault was followed by
  // another (PLC13's rule keeps it the answer), so the probe's count is not discounted either.
  const Diagnosis d = testing::RunCaseText(FlapBesideEnospc(true, false));
  CHECK(d.root_cause == "ib_link_failure");
  CHECK_FALSE(HasEvidenceWith(d, "[the log shows it over"));
  bool full = false;
  for (const Evidence& e : d.evidence) {
    if (e.source == "probe node.kernel_log@pz-36") full = e.weight >= 4.0 - 1e-9;
  }
  CHECK(full);
}

}  // namespace vigil
