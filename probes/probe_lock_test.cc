// Host-wide probe leases (probe_lock.h): which leases exclude which, file names, the lock folder.
// Two processes are tests/probe_lease_test.sh; here locks taken on separate descriptors of one
// process, which flock keeps apart the same way.
#include "probes/probe_lock.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "probes/command_executor.h"
#include "probes/observed_executor.h"

namespace vigil {
namespace {

std::string TempDir() {
  char tmpl[] = "/tmp/probe_lock_test.XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  return tmpl;
}

bool Free(const std::string& dir, const std::string& node, int gpu) {
  auto l = TryAcquireProbeLease(dir, node, gpu);
  REQUIRE_MESSAGE(l.ok(), l.status().message());
  return l->has_value();
}

// The parent's side of a forked child's `ready` pipe: waits for its byte.
void AwaitChild(int ready[2]) {
  close(ready[1]);
  char c = 0;
  REQUIRE(read(ready[0], &c, 1) == 1);
  close(ready[0]);
}

void EndChild(pid_t pid) {
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

// A child process holding `file` in `dir` with flock `how` (LOCK_SH / LOCK_EX) until killed.
class Holder {
 public:
  Holder(const std::string& dir, const std::string& file, int how) {
    int ready[2];
    REQUIRE(pipe(ready) == 0);
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      int fd = open((dir + "/" + file).c_str(), O_RDONLY | O_CREAT, 0666);
      if (fd < 0 || flock(fd, how) != 0) _exit(1);
      if (write(ready[1], "x", 1) != 1) _exit(1);
      for (;;) pause();
    }
    AwaitChild(ready);
  }
  ~Holder() { EndChild(pid_); }
  std::string pid() const { return "pid " + std::to_string(pid_); }

 private:
  pid_t pid_ = -1;
};

}  // namespace

TEST_CASE("probe leases: the lease's holders are named by pid and command line (RVS)") {
  // The `unavailable` answer said only "another process ... held GPU 0"; a hung holder could not be
  // told from a busy one without lsof.
  const std::string dir = TempDir();
  {
    Holder gemm(dir, "node-3.gpu0.lock", LOCK_EX);
    const std::string held = vigil_probe::HostLeaseHolders(dir, "node-3", 0);
    CHECK_MESSAGE(held.find(gemm.pid() + " (") == 0, held);
    CHECK(held.find("probes_test") != std::string::npos);  // its command line (the fork's)
    CHECK(vigil_probe::HostLeaseHolders(dir, "node-3", 1) == "");
    CHECK(vigil_probe::HostLeaseHolders(dir, "node-4", 0) == "");
  }
  {
    // Another GPU's probe holds the node's file shared: it keeps the whole node from us, not GPU 0.
    Holder gpu1(dir, "node-3.lock", LOCK_SH);
    CHECK(vigil_probe::HostLeaseHolders(dir, "node-3", 0) == "");
    CHECK(vigil_probe::HostLeaseHolders(dir, "node-3", -1).find(gpu1.pid()) == 0);
  }
  {
    // A node-wide probe holds it exclusive: named for a GPU of the node, though the GPU's file is free.
    Holder sdc(dir, "node-3.lock", LOCK_EX);
    CHECK(vigil_probe::HostLeaseHolders(dir, "node-3", 0).find(sdc.pid()) == 0);
  }
  // Our own locks are not another holder.
  auto own = TryAcquireProbeLease(dir, "node-3", 0);
  REQUIRE(own.ok());
  REQUIRE(own->has_value());
  CHECK(vigil_probe::HostLeaseHolders(dir, "node-3", 0) == "");
  std::filesystem::remove_all(dir);
}

TEST_CASE("probe leases: a FIFO or a folder in a lock's place is an error naming it, not a wait (RVS)") {
  // Opening a FIFO for reading waited for a writer: `vigil probe run --time-limit 2` never returned.
  const std::string dir = TempDir();
  REQUIRE(mkfifo((dir + "/node-3.gpu0.lock").c_str(), 0666) == 0);
  auto fifo = TryAcquireProbeLease(dir, "node-3", 0);
  REQUIRE(!fifo.ok());
  CHECK(fifo.status().message() == "probe lock " + dir +
                                       "/node-3.gpu0.lock: it is not a regular file (a FIFO, a device or a folder "
                                       "someone put there); remove it, or name another folder with the executor's "
                                       "lock_dir=");
  REQUIRE(mkdir((dir + "/node-4.lock").c_str(), 0777) == 0);
  auto folder = TryAcquireProbeLease(dir, "node-4", -1);
  REQUIRE(!folder.ok());
  CHECK(folder.status().message().find("/node-4.lock: it is not a regular file") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("probe leases: one GPU at a time, the whole node apart from each of its GPUs, other nodes free") {
  const std::string dir = TempDir();
  {
    auto gpu0 = TryAcquireProbeLease(dir, "node-3", 0);
    REQUIRE(gpu0.ok());
    REQUIRE(gpu0->has_value());
    CHECK(!Free(dir, "node-3", 0));   // the same GPU
    CHECK(Free(dir, "node-3", 1));    // another GPU of the node
    CHECK(!Free(dir, "node-3", -1));  // the whole node
    CHECK(Free(dir, "node-4", 0));    // another node
    CHECK(Free(dir, "node-4", -1));
  }
  // Released with the lease.
  CHECK(Free(dir, "node-3", 0));
  {
    auto node = TryAcquireProbeLease(dir, "node-3", -1);
    REQUIRE(node.ok());
    REQUIRE(node->has_value());
    CHECK(!Free(dir, "node-3", 5));
    CHECK(!Free(dir, "node-3", -1));
  }
  CHECK(Free(dir, "node-3", -1));
  std::filesystem::remove_all(dir);
}

TEST_CASE("probe leases: file names are the node's, this host's for a local target, never a path") {
  char host[256] = {};
  REQUIRE(gethostname(host, sizeof host - 1) == 0);
  CHECK(ProbeLockFileName("node-3", 5) == "node-3.gpu5.lock");
  CHECK(ProbeLockFileName("node-3", -1) == "node-3.lock");
  CHECK(ProbeLockFileName("", 0) == std::string(host) + ".gpu0.lock");
  CHECK(ProbeLockFileName("localhost", -1) == std::string(host) + ".lock");
  CHECK(ProbeLockFileName("../../etc/passwd", -1) == "_.._.._etc_passwd.lock");
  CHECK(ProbeLockFileName("..", -1) == "_...lock");
}

TEST_CASE("probe leases: the lock folder is made shared by every user; one that cannot be made is an error saying why") {
  const std::string dir = TempDir();
  auto made = ProbeLockDir(dir + "/locks");
  REQUIRE(made.ok());
  CHECK(*made == dir + "/locks");
  struct stat st {};
  REQUIRE(stat(made->c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 01777);
  auto lease = TryAcquireProbeLease(*made, "n", 0);
  REQUIRE(lease.ok());
  REQUIRE(lease->has_value());
  REQUIRE(stat((*made + "/n.gpu0.lock").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0666);

  auto missing = ProbeLockDir(dir + "/no/such/locks");
  REQUIRE(!missing.ok());
  CHECK(missing.status().message() == "probe lock folder " + dir +
                                          "/no/such/locks (the executor's lock_dir=): cannot make it: No such file or "
                                          "directory");
  REQUIRE(symlink(dir.c_str(), (dir + "/link").c_str()) == 0);
  auto link = ProbeLockDir(dir + "/link");
  REQUIRE(!link.ok());
  CHECK(link.status().message().find("it is a symbolic link") != std::string::npos);
  // The default is /run/lock/vigil-probe, else /tmp/vigil-probe-locks: one of them on any Linux host
  // this test runs on.
  auto fallback = ProbeLockDir("");
  REQUIRE_MESSAGE(fallback.ok(), fallback.status().message());
  CHECK((*fallback == "/run/lock/vigil-probe" || *fallback == "/tmp/vigil-probe-locks"));
  std::filesystem::remove_all(dir);
}

}  // namespace vigil

namespace vigil {

// VER5: the progress board showed a step that waited for another process's lease as `running`;
// the command executor now tells the observer (ReportLeaseWait) what it waits for and when it got it.
TEST_CASE("probe leases: an observed step that waits for another process's lease is reported waiting, then not") {
  const std::string dir = TempDir();
  std::mutex mu;
  std::vector<std::string> waits;  // what `waiting` was told, in order
  ProbeStepObserver observer;
  observer.started = [](const std::string&, const std::string&, double) { return size_t{7}; };
  observer.finished = [](size_t, const ProbeResult&) {};
  observer.waiting = [&](size_t step, const std::string& held_by) {
    std::lock_guard lock(mu);
    CHECK(step == 7);
    waits.push_back(held_by);
  };
  auto inner = MakeCommandExecutor("local", "binary=/bin/true,lock_dir=" + dir);
  REQUIRE(inner.ok());
  ObservedProbeExecutor executor(std::move(*inner), observer);
  std::optional<Holder> other(std::in_place, dir, ProbeLockFileName("", 0), LOCK_EX);
  const std::string holder = other->pid();
  ProbeRequest request{{"gpu.gemm"}, "gpu0", 20, true};
  std::thread run([&] { CHECK(executor.Run(request).ok()); });
  auto told = [&] {
    std::lock_guard lock(mu);
    return waits.size();
  };
  for (int i = 0; i < 500 && told() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::vector<std::string> while_held;
  {
    std::lock_guard lock(mu);
    while_held = waits;
  }
  other.reset();  // the other process lets go: the step runs
  run.join();
  REQUIRE(while_held.size() == 1);
  CHECK(while_held[0].find("GPU 0 of this host (lock " + dir + "/") == 0);
  CHECK(while_held[0].find("held by " + holder) != std::string::npos);
  REQUIRE(waits.size() == 2);
  CHECK(waits[1].empty());
  // Nothing held: no wait is reported.
  waits.clear();
  CHECK(executor.Run(request).ok());
  CHECK(waits.empty());
  ReportLeaseWait("outside an observed run");  // no observer here: nothing happens
  std::filesystem::remove_all(dir);
}

}  // namespace vigil

namespace vigil {
namespace {

// Whether another process could take `file` in `dir` with flock `how` now (a forked child tries).
bool OtherProcessCanTake(const std::string& dir, const std::string& file, int how) {
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int fd = open((dir + "/" + file).c_str(), O_RDONLY | O_CREAT, 0666);
    _exit(fd >= 0 && flock(fd, how | LOCK_NB) == 0 ? 0 : 1);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

// VER5 (reverted) and VER6: gpu.kernel_launch took no lease and timed another process's GEMM on its
// GPU (2,458 us `fail` on an H200, ~10 us alone). It takes the GPU's lease shared now.
TEST_CASE("probe leases: a probe that times the GPU takes it shared: kept from another process's intrusive probe, not from its like") {
  CHECK(ProbeTimesTheGpu("gpu.kernel_launch"));
  CHECK_FALSE(ProbeTimesTheGpu("gpu.gemm"));
  CHECK_FALSE(ProbeTimesTheGpu("gpu.health"));
  const std::string dir = TempDir();
  auto executor = MakeCommandExecutor("local", "binary=/bin/true,lock_dir=" + dir);
  REQUIRE(executor.ok());
  const ProbeRequest launch{{"gpu.kernel_launch"}, "gpu0", 1, false};
  {
    Holder gemm(dir, ProbeLockFileName("", 0), LOCK_EX);  // another process's gpu.gemm on GPU 0
    auto r = (*executor)->Run(launch);
    REQUIRE(r.ok());
    REQUIRE(r->size() == 1);
    CHECK((*r)[0].status == ProbeStatus::kUnavailable);
    CHECK((*r)[0].reason.find("not run: another process on this host held GPU 0 of this host") == 0);
    CHECK((*r)[0].reason.find("held by " + gemm.pid()) != std::string::npos);
    auto other = (*executor)->Run({{"gpu.kernel_launch"}, "gpu1", 1, false});  // GPU 1 is free
    REQUIRE(other.ok());
    CHECK((*other)[0].status == ProbeStatus::kError);  // /bin/true printed no document: it ran
  }
  {
    Holder sdc(dir, ProbeLockFileName("", -1), LOCK_EX);  // another process's node-wide probe
    CHECK((*(*executor)->Run(launch))[0].status == ProbeStatus::kUnavailable);
  }
  {
    Holder launch_too(dir, ProbeLockFileName("", 0), LOCK_SH);  // another process's gpu.kernel_launch
    CHECK((*(*executor)->Run(launch))[0].status == ProbeStatus::kError);  // ran
    CHECK(vigil_probe::HostLeaseHolders(dir, "", 0, /*shared=*/true) == "");  // not in its way
    CHECK(vigil_probe::HostLeaseHolders(dir, "", 0).find(launch_too.pid()) == 0);
    auto gemm = TryAcquireProbeLease(dir, "", 0);  // ... which an intrusive probe of GPU 0 waits for
    REQUIRE(gemm.ok());
    CHECK_FALSE(gemm->has_value());
  }
  auto shared = TryAcquireProbeLease(dir, "", 0, /*shared=*/true);
  REQUIRE(shared.ok());
  REQUIRE(shared->has_value());
  CHECK_FALSE(OtherProcessCanTake(dir, ProbeLockFileName("", 0), LOCK_EX));
  CHECK(OtherProcessCanTake(dir, ProbeLockFileName("", 0), LOCK_SH));
  auto gemm = TryAcquireProbeLease(dir, "", 0);  // this process's GEMM waits for its own kernel_launch
  REQUIRE(gemm.ok());
  CHECK_FALSE(gemm->has_value());
  // No usable lock folder: an intrusive probe is refused (`error` naming it); the kernel launch runs
  // without the lease, as it did before it took one.
  auto no_folder = MakeCommandExecutor("local", "binary=/bin/true,lock_dir=" + dir + "/no/such");
  REQUIRE(no_folder.ok());
  auto ran = (*no_folder)->Run(launch);
  REQUIRE(ran.ok());
  CHECK((*ran)[0].reason.find("probe lock folder") == std::string::npos);
  auto refused = (*no_folder)->Run({{"gpu.gemm"}, "gpu0", 1, true});
  REQUIRE(refused.ok());
  CHECK((*refused)[0].reason.find("probe lock folder " + dir + "/no/such") == 0);
  std::filesystem::remove_all(dir);
}

// Within one process the planner runs a triage's kernel_launch beside its own GEMM (agents_test
// "reasoner: a follow-up probe waits only ..."): a shared lease on a separate descriptor would wait
// for that GEMM's exclusive lock, so the GEMM's lease covers it, and keeps other processes out until
// both have ended.
TEST_CASE("probe leases: this process's exclusive lease covers its shared one, and keeps the GPU until both end") {
  const std::string dir = TempDir();
  const std::string gpu0 = ProbeLockFileName("n", 0);
  auto taken = TryAcquireProbeLease(dir, "n", 0);
  REQUIRE(taken.ok());
  std::optional<ProbeLease> gemm = std::move(*taken);
  REQUIRE(gemm.has_value());
  auto launch = TryAcquireProbeLease(dir, "n", 0, /*shared=*/true);
  REQUIRE(launch.ok());
  REQUIRE(launch->has_value());  // before: held by this process's own GEMM
  auto launch_too = TryAcquireProbeLease(dir, "n", 0, true);
  REQUIRE(launch_too->has_value());
  CHECK_FALSE(TryAcquireProbeLease(dir, "n", 0)->has_value());  // not another GEMM
  CHECK_FALSE(OtherProcessCanTake(dir, gpu0, LOCK_SH));
  gemm.reset();  // the GEMM ends first: the kernel launches still hold the GPU, exclusive (VER7)
  CHECK_FALSE(OtherProcessCanTake(dir, gpu0, LOCK_EX));
  CHECK_FALSE(OtherProcessCanTake(dir, gpu0, LOCK_SH));  // VER6 turned it shared: not atomic
  auto third = TryAcquireProbeLease(dir, "n", 0, true);  // this process's next launch: covered
  REQUIRE(third.ok());
  CHECK(third->has_value());
  CHECK_FALSE(TryAcquireProbeLease(dir, "n", 0)->has_value());  // its next GEMM waits for them
  third->reset();
  launch->reset();
  CHECK_FALSE(OtherProcessCanTake(dir, gpu0, LOCK_EX));
  launch_too->reset();
  CHECK(OtherProcessCanTake(dir, gpu0, LOCK_EX));  // all ended: nothing kept
  // The node-wide case: a node-wide intrusive probe of this process covers a GPU's kernel launch.
  {
    auto sdc = TryAcquireProbeLease(dir, "n", -1);
    REQUIRE(sdc->has_value());
    auto l = TryAcquireProbeLease(dir, "n", 1, true);
    REQUIRE(l.ok());
    CHECK(l->has_value());
  }
  CHECK(OtherProcessCanTake(dir, ProbeLockFileName("n", -1), LOCK_EX));
  std::filesystem::remove_all(dir);
}

namespace {

// A child process that waits in a blocking flock(LOCK_EX) on `file` in `dir` (as python's flock or
// another tool may, where vigil polls), and says through a pipe when it has the lock.
class ExclusiveWaiter {
 public:
  ExclusiveWaiter(const std::string& dir, const std::string& file) {
    int ready[2];
    int got[2];
    REQUIRE(pipe(ready) == 0);
    REQUIRE(pipe(got) == 0);
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      // The lease descriptors of the parent (copies of its open files, so of its locks) go.
      for (int fd = 3; fd < 1024; ++fd) {
        if (fd != ready[1] && fd != got[1]) close(fd);
      }
      int fd = open((dir + "/" + file).c_str(), O_RDONLY);
      if (fd < 0 || write(ready[1], "x", 1) != 1) _exit(1);
      if (flock(fd, LOCK_EX) != 0) _exit(1);
      if (write(got[1], "x", 1) != 1) _exit(1);
      for (;;) pause();
    }
    close(got[1]);
    got_ = got[0];
    AwaitChild(ready);
  }
  ~ExclusiveWaiter() {
    EndChild(pid_);
    close(got_);
  }
  // Whether it has the lock within `ms` milliseconds.
  bool Got(int ms) {
    pollfd p{got_, POLLIN, 0};
    return poll(&p, 1, ms) == 1;
  }

 private:
  pid_t pid_ = -1;
  int got_ = -1;
};

}  // namespace

// VER7: when this process's GEMM lease ended before the kernel launch it covered, VER6 turned its
// exclusive lock shared with flock(LOCK_SH) on the same descriptor. flock(2): "Converting a lock
// (shared to exclusive, or vice versa) is not guaranteed to be atomic: the existing lock is first
// removed, and then a new lock is established. Between these two steps, a pending lock request by
// another process may be granted" -- another process's GEMM would then start inside the launch's
// measurement window (the ~2,450 us false fail), and the LOCK_NB conversion fail and let go
// altogether. The lock is kept exclusive now, never converted. A process already waiting in a
// blocking flock for the GPU gets it only when the covered launch has ended, every round.
TEST_CASE("probe leases: a process waiting for the GPU does not get it between this process's GEMM and its covered launch") {
  const std::string dir = TempDir();
  const std::string gpu0 = ProbeLockFileName("n", 0);
  for (int round = 0; round < 20; ++round) {
    CAPTURE(round);
    auto taken = TryAcquireProbeLease(dir, "n", 0);
    REQUIRE(taken.ok());
    std::optional<ProbeLease> gemm = std::move(*taken);
    REQUIRE(gemm.has_value());
    auto covered = TryAcquireProbeLease(dir, "n", 0, /*shared=*/true);
    REQUIRE(covered.ok());
    std::optional<ProbeLease> launch = std::move(*covered);
    REQUIRE(launch.has_value());
    ExclusiveWaiter other(dir, gpu0);  // another process's GEMM, waiting in the kernel
    CHECK_FALSE(other.Got(round % 4 == 0 ? 20 : 2));
    gemm.reset();
    CHECK_FALSE(other.Got(5));  // the launch still runs: the GPU stays this process's
    launch.reset();
    CHECK(other.Got(2000));  // both ended: the waiter has it at once
  }
  std::filesystem::remove_all(dir);
}

// VER6: the executor and vigil-probe by hand each had a wait loop; the one wait names who holds
// the lease, when it starts waiting and when it gives up.
TEST_CASE("probe leases: the one lease wait tells who holds it when it starts waiting and when it gives up") {
  const std::string dir = TempDir();
  std::vector<std::string> told;
  {
    Holder gemm(dir, ProbeLockFileName("n", 0), LOCK_EX);
    ProbeLeaseWait w = WaitForProbeLease(dir, "n", 0, 0.1, false, [&](const std::string& h) { told.push_back(h); });
    CHECK_FALSE(w.lease.has_value());
    CHECK(w.error.empty());
    CHECK(w.waited_s >= 0.1);
    CHECK(w.holders.find(gemm.pid() + " (") == 0);
    REQUIRE(told.size() == 1);
    CHECK(told[0].find(gemm.pid()) == 0);
  }
  told.clear();
  ProbeLeaseWait free = WaitForProbeLease(dir, "n", 0, 5, false, [&](const std::string& h) { told.push_back(h); });
  CHECK(free.lease.has_value());
  CHECK(free.waited_s < 1);
  CHECK(told.empty());
  REQUIRE(mkfifo((dir + "/m.lock").c_str(), 0666) == 0);
  ProbeLeaseWait bad = WaitForProbeLease(dir, "m", 0, 5, false, nullptr);
  CHECK_FALSE(bad.lease.has_value());
  CHECK(bad.error.find("/m.lock: it is not a regular file") != std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace vigil
