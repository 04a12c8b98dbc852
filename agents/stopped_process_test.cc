// StoppedProcessReader (stopped_process.h): review RV2's cases; PLC29's are in diagnosis_plc29_test.cc.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/stopped_process.h"

namespace vigil {
namespace {

// One reader after `stop` (read as a stop) and `then` (read as none).
StoppedProcessReader StopThen(const std::string& stop, const std::string& then) {
  StoppedProcessReader r;
  CHECK(r.Read(stop));
  CHECK_FALSE(r.Read(then));
  return r;
}

// RV2 (2026-12-06): a gdb stack dump (`gdb -p PID -batch -ex 'thread apply all bt'`, the usual way to
// see where a hung rank waits) was read as a debugger holding the rank stopped: the reasoner then named
// the dumped rank's process the hang's cause at first-signature weight. gdb in batch mode detaches when
// its commands are done, and gdb says so ("[Inferior 1 (process N) detached]"); like py-spy's dump, the
// process was paused for the sample only.
TEST_CASE("rv2 StoppedProcessReader: a gdb stack dump that detached is no stop") {
  StoppedProcessReader r;
  CHECK_FALSE(r.Read("$ sudo gdb -p 41204 -batch -ex 'thread apply all bt' 2>&1 | head -60"));
  CHECK(r.Resumed(41204));
  CHECK_FALSE(r.Read("$ sudo gdb --pid=4410 --batch -ex bt"));
  CHECK(r.Resumed(4410));
  CHECK_FALSE(r.Read("PID USER STAT CMD"));
  CHECK_FALSE(r.Read("  812 root S+   gdb -p 4411 -batch -ex 'thread apply all bt'"));  // a ps row of a dump
  CHECK(r.Resumed(4411));
  StoppedProcessReader o;  // the dump's own output, pasted without the command
  std::vector<std::string> lines = {"Attaching to process 41205", "[New LWP 41220]",
                                    "0x00007f3c1a2b in __futex_abstimed_wait_common () from /lib64/libc.so.6",
                                    "Thread 1 (Thread 0x7f3c (LWP 41205) \"python\"):", "#0  0x00007f3c1a2b in ncclProxyProgress ()",
                                    "[Inferior 1 (process 41205) detached]"};
  bool stop_read = false;
  for (const std::string& l : lines) stop_read = o.Read(l).has_value() || stop_read;
  CHECK(stop_read);        // "Attaching to process": read as it comes...
  CHECK(o.Resumed(41205));  // ...and set aside: gdb detached from it
  CHECK(StopThen("Attaching to program: /usr/bin/python3.10, process 4410",
                 "Detaching from program: /usr/bin/python3.10, process 4410").Resumed(4410));
  // Still a stop: an interactive gdb left attached, and a ps row of one.
  StoppedProcessReader i;
  CHECK(i.Read("$ sudo gdb -p 41204"));
  CHECK_FALSE(i.Resumed(41204));
  StoppedProcessReader p;
  CHECK_FALSE(p.Read("PID USER STAT CMD"));
  const auto row = p.Read("  812 root S+   gdb -p 4410");
  REQUIRE(row);
  CHECK(row->pid == 4410);
  CHECK_FALSE(p.Resumed(4410));
  // Another pid detached: not this one.
  CHECK_FALSE(StopThen("Attaching to process 500", "[Inferior 1 (process 501) detached]").Resumed(500));
}

// RV2: a shell job stopped with Ctrl-Z and then resumed (`fg`, `bg`, bash's "[1]+ cmd &" after bg, `jobs`
// saying "Running") was still read as stopped: a job line has no pid, so no resumption could set it aside.
TEST_CASE("rv2 StoppedProcessReader: a stopped shell job resumed with fg / bg is set aside") {
  for (const char* resume : {"$ fg", "user@gx-02:~$ fg %1", "$ bg 1", "[1]+ torchrun --nproc-per-node 8 train.py &",
                             "[1]+  Running                 torchrun --nproc-per-node 8 train.py &"}) {
    CAPTURE(resume);
    StoppedProcessReader r;
    const auto stop = r.Read("[1]+  Stopped                 torchrun --nproc-per-node 8 train.py");
    REQUIRE(stop);
    CHECK(stop->job == 1);
    CHECK_FALSE(r.Read(resume));
    CHECK(r.ResumedJob(1));
  }
  // Still stopped: another job resumed, a job never resumed, `fg` before the stop.
  CHECK_FALSE(StopThen("[2]-  Stopped (SIGTSTP)       python worker.py --local_rank 6", "$ fg %3").ResumedJob(2));
  StoppedProcessReader b;
  CHECK_FALSE(b.Read("$ fg"));
  REQUIRE(b.Read("[1]+  Stopped                 python train.py"));
  CHECK_FALSE(b.ResumedJob(1));
  CHECK_FALSE(b.Read("loading the fg / bg masks: bg"));  // no prompt: not a command
}

}  // namespace
}  // namespace vigil
