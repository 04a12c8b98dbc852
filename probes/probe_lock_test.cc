// Host-wide probe leases (probe_lock.h): which leases exclude which, file names, the lock folder.
// Two processes are tests/probe_lease_test.sh; here locks taken on separate descriptors of one
// process, which flock keeps apart the same way.
#include "probes/probe_lock.h"

#include <doctest/doctest.h>
#include <fcntl.h>
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
    close(ready[1]);
    char c = 0;
    REQUIRE(read(ready[0], &c, 1) == 1);
    close(ready[0]);
  }
  ~Holder() {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
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
    const std::string held = ProbeLeaseHolders(dir, "node-3", 0);
    CHECK_MESSAGE(held.find(gemm.pid() + " (") == 0, held);
    CHECK(held.find("probes_test") != std::string::npos);  // its command line (the fork's)
    CHECK(ProbeLeaseHolders(dir, "node-3", 1) == "");
    CHECK(ProbeLeaseHolders(dir, "node-4", 0) == "");
  }
  {
    // Another GPU's probe holds the node's file shared: it keeps the whole node from us, not GPU 0.
    Holder gpu1(dir, "node-3.lock", LOCK_SH);
    CHECK(ProbeLeaseHolders(dir, "node-3", 0) == "");
    CHECK(ProbeLeaseHolders(dir, "node-3", -1).find(gpu1.pid()) == 0);
  }
  {
    // A node-wide probe holds it exclusive: named for a GPU of the node, though the GPU's file is free.
    Holder sdc(dir, "node-3.lock", LOCK_EX);
    CHECK(ProbeLeaseHolders(dir, "node-3", 0).find(sdc.pid()) == 0);
  }
  // Our own locks are not another holder.
  auto own = TryAcquireProbeLease(dir, "node-3", 0);
  REQUIRE(own.ok());
  REQUIRE(own->has_value());
  CHECK(ProbeLeaseHolders(dir, "node-3", 0) == "");
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
