// PLC26 (2026-12-05): seen misses of realistic31 (SEEN, not blind). General rules of
// builtin_reasoner.cc, each with cases written here in other stacks' words (nodes qx-NN, no case
// text of the set):
// - another process's kernel OOM kill long before a rank's own-fault death (a segfault) is no cause
//   of it; the node.kernel_log probe that re-reads that kill confirms nothing (OomKilledOtherProcessEarlier);
// - a device number over the node's GPU count is a global device id, placed by the layout
//   (GlobalDeviceAsRank);
// - with an alert, a category whose lines are all timed days before the alert's start is history
//   beside another category's untimed lines (HistoryCategories with the alert's start).
#include <doctest/doctest.h>

#include <string>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_testing.h"

namespace vigil {
namespace {

using testing::HasEvidenceWith;

// Two 4-GPU nodes; local rank 2 of qx-02 dies of SIGSEGV in a video decoder at 03:10; qx-02's kernel log
// holds an OOM kill of pid KILLPID at KILLTIME; the kernel-log probe re-reads it.
std::string CrashAfterOom(const std::string& kill_pid, const std::string& kill_time) {
  std::string text = R"JSON({
    "id": "plc26-oom-other",
    "alert": null,
    "logs": [
      {"source": "qx-01/train.log", "lines": [
        "[2026-11-20 03:10:04,100] [rank1]:[E1120 03:10:04.100 ProcessGroupNCCL.cpp:1595] [PG ID 0 PG GUID 0(default_pg) Rank 1] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.20.5"]},
      {"source": "qx-02/train.log", "lines": [
        "Fatal Python error: Segmentation fault",
        "[2026-11-20 03:10:02,551] torch.distributed.elastic.multiprocessing.api: [ERROR] failed (exitcode: -11) local_rank: 2 (pid: 48810) of binary: /usr/bin/python3"]},
      {"source": "qx-02/kern.log", "lines": [
        "KILLTIME qx-02 kernel: Out of memory: Killed process KILLPID (R) total-vm:90112000kB, anon-rss:88001200kB, file-rss:0kB, UID:2204",
        "Nov 20 03:10:02 qx-02 kernel: python3[48810]: segfault at 7fa1c0000000 ip 00007fa2b1c3e0a1 sp 00007ffc1d2e2e80 error 4 in libavcodec.so.60[7fa2b1a00000+2c0000]"]}],
    "metrics": [],
    "probes": {
      "node.kernel_log@qx-02": {"probe": "node.kernel_log", "target": "qx-02", "status": "fail",
        "metrics": {"oom_kills": 1, "xid": 0}, "reason": "1 OOM kill (pid KILLPID); no Xid", "duration_s": 0.3}},
    "topology": {"nodes": ["qx-01", "qx-02"], "gpus_per_node": 4, "timezone": "UTC",
                 "rank_layout": "rank r runs on nodes[r // 4], local GPU r % 4"}
  })JSON";
  for (size_t p; (p = text.find("KILLPID")) != std::string::npos;) text.replace(p, 7, kill_pid);
  text.replace(text.find("KILLTIME"), 8, kill_time);
  return text;
}

}  // namespace

TEST_CASE("plc26 another process's OOM kill hours before a rank's segfault is not its cause") {
  // Before (a6a5ae4d's reasoner): host_oom @ qx-02, the probe [confirmed] at +3.6.
  const Diagnosis d = testing::RunCaseText(CrashAfterOom("20511", "Nov 19 21:40:11"));
  CHECK(d.root_cause == "rank_process_crash");
  CHECK(d.component == "qx-02/gpu2");
  CHECK(HasEvidenceWith(d, "[another process's OOM kill"));
  for (const Evidence& e : d.evidence) {
    if (e.source == "probe node.kernel_log@qx-02") CHECK(e.weight < 2.0);
  }
}

TEST_CASE("plc26 near miss: the OOM kill of the crashed pid, or minutes before, stays host_oom's evidence") {
  // The kill names the dead process's pid: the rule does not hold (its lines keep their weight).
  const Diagnosis same = testing::RunCaseText(CrashAfterOom("48810", "Nov 19 21:40:11"));
  CHECK_FALSE(HasEvidenceWith(same, "[another process's OOM kill"));
  CHECK_FALSE(HasEvidenceWith(same, "is another process's, long before the crash"));
  // Another pid 4 minutes before the crash: memory pressure of the incident itself, not history.
  const Diagnosis near = testing::RunCaseText(CrashAfterOom("20511", "Nov 20 03:06:00"));
  CHECK_FALSE(HasEvidenceWith(near, "[another process's OOM kill"));
  bool full = false;
  for (const Evidence& e : near.evidence) {
    if (e.source == "probe node.kernel_log@qx-02") full = e.weight > 3.0;
  }
  CHECK(full);
}

namespace {

// A 4-node JAX job, 4 GPUs a node; a replica check names process / device DEV (one process per GPU).
std::string ReplicaCheck(const std::string& dev) {
  std::string text = R"JSON({
    "id": "plc26-jax-device",
    "alert": null,
    "logs": [
      {"source": "qx-11/jax.log", "lines": [
        "I1120 08:00:01.000000 1 train.py:40] step 900: loss=3.1021",
        "E1120 08:01:10.120000 1 integrity.py:77] replica consistency check failed: params/mlp/kernel: process DEV (device DEV) hash 7a1f, other 15 processes agree on 0c3e"]}],
    "metrics": [],
    "probes": {},
    "topology": {"nodes": ["qx-11", "qx-12", "qx-13", "qx-14"], "gpus_per_node": 4, "timezone": "UTC",
                 "rank_layout": "process p runs on nodes[p // 4], local GPU p % 4"}
  })JSON";
  for (size_t p; (p = text.find("DEV")) != std::string::npos;) text.replace(p, 3, dev);
  return text;
}

}  // namespace

TEST_CASE("plc26 a device number over the node's GPU count is the global device the layout places") {
  // Before: gpu_silent_data_corruption @ qx-11/gpu13 (a GPU no node holds).
  const Diagnosis d = testing::RunCaseText(ReplicaCheck("13"));
  CHECK(d.root_cause == "gpu_silent_data_corruption");
  CHECK(d.component == "qx-14/gpu1");
}

TEST_CASE("plc26 near miss: a device number within the node's GPUs stays the log's node's GPU") {
  const Diagnosis d = testing::RunCaseText(ReplicaCheck("2"));
  CHECK(d.root_cause == "gpu_silent_data_corruption");
  CHECK(d.component == "qx-11/gpu2");
}

namespace {

// A loss-NaN alert at 2026-11-20 10:00; the trainer prints untimed dicts; an ops note dated NOTE.
std::string NanWithNote(const std::string& note_date) {
  std::string text = R"JSON({
    "id": "plc26-old-note",
    "alert": {"status": "firing", "labels": {"alertname": "LossIsNaN", "job": "sft-qx", "severity": "critical"},
              "annotations": {"summary": "sft-qx: loss is NaN"}, "startsAt": "2026-11-20T10:00:00Z"},
    "logs": [
      {"source": "qx-21/sft.log", "lines": [
        "{'loss': 1.402, 'grad_norm': 0.91, 'learning_rate': 0.003, 'epoch': 1.1}",
        "{'loss': 6.911, 'grad_norm': 301.5, 'learning_rate': 0.003, 'epoch': 1.1}",
        "{'loss': nan, 'grad_norm': nan, 'learning_rate': 0.003, 'epoch': 1.2}",
        "{'loss': nan, 'grad_norm': nan, 'learning_rate': 0.003, 'epoch': 1.2}"]},
      {"source": "ops/changelog", "lines": [
        "NOTE qx-22 gpu6: Xid 48 DBE, board swapped (RMA-1202), field diag passed"]}],
    "metrics": [],
    "probes": {},
    "topology": {"nodes": ["qx-21", "qx-22"], "gpus_per_node": 8, "timezone": "UTC"}
  })JSON";
  text.replace(text.find("NOTE"), 4, note_date);
  return text;
}

}  // namespace

TEST_CASE("plc26 with an alert, a DBE note weeks old beside untimed NaN lines is history") {
  // Before: gpu_memory_uncorrectable_ecc @ qx-22/gpu6 over the NaN lines.
  const Diagnosis d = testing::RunCaseText(NanWithNote("2026-10-30"));
  CHECK(d.root_cause == "loss_divergence");
  CHECK(HasEvidenceWith(d, "[history:"));
}

TEST_CASE("plc26 near miss: a DBE note of the alert's own day is no history") {
  const Diagnosis d = testing::RunCaseText(NanWithNote("2026-11-20"));
  CHECK_FALSE(HasEvidenceWith(d, "[history:"));
}

}  // namespace vigil
