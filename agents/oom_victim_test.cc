// PLC26 (2026-12-05): oom_victim.h, whose process an OOM kill ended and who died of its own fault,
// in the words of several kernels and launchers, with near misses that must not read.
#include "agents/oom_victim.h"

#include <doctest/doctest.h>

namespace vigil {

TEST_CASE("plc26 OomVictimPid reads the kernel's victim in its several shapes") {
  CHECK(OomVictimPid("Dec 01 09:12:44 gpu-n3 kernel: Out of memory: Killed process 4412 (python3) total-vm:81234kB, "
                     "anon-rss:6512kB, file-rss:0kB, shmem-rss:0kB, UID:1001 pgtables:812kB oom_score_adj:0") == 4412);
  CHECK(OomVictimPid("[1234.567] Out of memory: Kill process 2201 (java) score 901 or sacrifice child") == 2201);
  CHECK(OomVictimPid("kernel: Memory cgroup out of memory: Killed process 77 (pt_main_thread) total-vm:1kB") == 77);
  CHECK(OomVictimPid("kernel: oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0-1,"
                     "oom_memcg=/slurm/uid_1001/job_88,task_memcg=/slurm/uid_1001/job_88/step_0,task=python,pid=9001,uid=1001") ==
        9001);
  CHECK(OomVictimPid("kernel: oom_reaper: reaped process 9001 (python), now anon-rss:0kB, file-rss:0kB") == 9001);
}

TEST_CASE("plc26 OomVictimPid near misses: no kernel OOM victim") {
  CHECK_FALSE(OomVictimPid("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 5"));
  CHECK_FALSE(OomVictimPid("RuntimeError: DataLoader worker (pid 4412) is killed by signal: Killed."));
  CHECK_FALSE(OomVictimPid("slurmstepd: error: Detected 1 oom_kill event in StepId=88.0. Some of the step tasks have been OOM Killed."));
  CHECK_FALSE(OomVictimPid("systemd[1]: Killed process 4412 (sleep) with signal SIGTERM"));
}

TEST_CASE("plc26 OwnFaultDeathPid reads segfaults, traps and torchrun's signal exits") {
  CHECK(OwnFaultDeathPid("Dec 01 18:02:21 n7 kernel: python[61203]: segfault at 7f31c4000000 ip 00007f32a1b5e0d1 sp "
                         "00007ffd5a1c2e80 error 4 in libjpeg.so.62.3.0[7f32a1b40000+5c000]") == 61203);
  CHECK(OwnFaultDeathPid("kernel: traps: pt_main_thread[5120] general protection fault ip:7f0 sp:7ffd error:0 in "
                         "libc.so.6[7f0+195000]") == 5120);
  CHECK(OwnFaultDeathPid("[2026-11-02 10:00:01,002] torch.distributed.elastic.multiprocessing.api: [ERROR] failed "
                         "(exitcode: -7) local_rank: 1 (pid: 3301) of binary: /usr/bin/python3") == 3301);
  CHECK(OwnFaultDeathPid("  rank      : 9 (local_rank: 1)  exitcode -11 (pid: 777) error_file: <N/A>") == 777);
}

TEST_CASE("plc26 OwnFaultDeathPid near misses: a SIGKILL, an abort, an exit code 1 are no own fault") {
  CHECK_FALSE(OwnFaultDeathPid("[ERROR] failed (exitcode: -9) local_rank: 3 (pid: 61203) of binary: /opt/venv/bin/python"));
  CHECK_FALSE(OwnFaultDeathPid("[ERROR] failed (exitcode: -6) local_rank: 0 (pid: 11) of binary: python"));
  CHECK_FALSE(OwnFaultDeathPid("[ERROR] failed (exitcode: 1) local_rank: 0 (pid: 11) of binary: python"));
  CHECK_FALSE(OwnFaultDeathPid("Fatal Python error: Segmentation fault"));
  CHECK(SaysKilledBySigkill("[ERROR] failed (exitcode: -9) local_rank: 3 (pid: 61203) of binary: python"));
  CHECK(SaysKilledBySigkill("traceback : Signal 9 (SIGKILL) received by PID 61203"));
  CHECK(SaysKilledBySigkill("RuntimeError: DataLoader worker (pid 4412) is killed by signal: Killed."));
  CHECK_FALSE(SaysKilledBySigkill("traceback : Signal 11 (SIGSEGV) received by PID 61203"));
}

TEST_CASE("plc26 OomKilledOtherProcessEarlier: another pid, long before, on the crash's node") {
  constexpr int64_t kHour = 3600'000;
  const std::vector<OomKillLine> kill = {{"n7", 99120, 100 * kHour}};
  const std::vector<OwnDeathLine> death = {{"n7", 61203, 119 * kHour}, {"n7", 61203, INT64_MAX}};
  CHECK(OomKilledOtherProcessEarlier(kill, death, false, kHour));
  // Near misses: the same pid; a kill minutes before; a SIGKILL said anywhere; the kill untimed or
  // unplaced; a death on another node only (PLC20's rule, not this one); no death at all.
  CHECK_FALSE(OomKilledOtherProcessEarlier({{"n7", 61203, 100 * kHour}}, death, false, kHour));
  CHECK_FALSE(OomKilledOtherProcessEarlier({{"n7", 99120, 119 * kHour - kHour / 6}}, death, false, kHour));
  CHECK_FALSE(OomKilledOtherProcessEarlier(kill, death, true, kHour));
  CHECK_FALSE(OomKilledOtherProcessEarlier({{"n7", 99120, INT64_MAX}}, death, false, kHour));
  CHECK_FALSE(OomKilledOtherProcessEarlier({{"", 99120, 100 * kHour}}, death, false, kHour));
  CHECK_FALSE(OomKilledOtherProcessEarlier(kill, {{"n8", 61203, 119 * kHour}}, false, kHour));
  CHECK_FALSE(OomKilledOtherProcessEarlier(kill, {}, false, kHour));
  CHECK_FALSE(OomKilledOtherProcessEarlier(kill, {{"n7", 61203, INT64_MAX}}, false, kHour));
}

}  // namespace vigil
