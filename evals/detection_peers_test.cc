// The tail threshold shared by the multi-member score detectors (tail max or POT).
#include "core/source_tree.h"
#include "evals/detection_peers.h"

#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

namespace vigil {
namespace {

// n values whose empirical distribution is Exp(1) exactly in the quantiles: −log(1 − (i + 0.5)/n),
// in a scrambled order (the threshold must not depend on the order).
std::vector<double> ExponentialQuantiles(size_t n) {
  std::vector<double> v(n);
  for (size_t i = 0; i < n; ++i) {
    const size_t j = (i * 7919) % n;  // 7919 is prime, coprime with the n used below
    v[j] = -std::log(1 - (static_cast<double>(i) + 0.5) / static_cast<double>(n));
  }
  return v;
}

TEST_CASE("ChooseTailThreshold: tail max, and POT on the tail range only") {
  // Training part [0, 20000) = fitting [0, 10000) with one huge score, tail [10000, 20000).
  std::vector<double> score(20000, 0.0);
  score[5] = 1e6;  // in the fitting part: neither method may see it
  const std::vector<double> tail = ExponentialQuantiles(10000);
  std::copy(tail.begin(), tail.end(), score.begin() + 10000);
  score[10003] = NAN;  // no score: skipped
  Json d;
  Result<double> max = ChooseTailThreshold(score, 10000, 20000, TailThreshold{}, &d);
  REQUIRE(max.ok());
  double expected_max = 0;
  for (size_t i = 10000; i < 20000; ++i) {
    if (std::isfinite(score[i])) expected_max = std::max(expected_max, score[i]);
  }
  CHECK(*max == expected_max);
  CHECK(d["method"] == "tail-max");
  CHECK_FALSE(d.contains("pot"));
  // POT at q = 1e-3: Exp(1)'s quantile is −log q = 6.91, below the tail max (≈ log 20000 = 9.9).
  TailThreshold pot{.pot = {.level = 0.98, .risk = 1e-3}, .method = TailThresholdMethod::kPot};
  Result<double> z = ChooseTailThreshold(score, 10000, 20000, pot, &d);
  REQUIRE(z.ok());
  CHECK(*z == doctest::Approx(-std::log(1e-3)).epsilon(0.03));
  CHECK(*z < *max);
  CHECK(d["method"] == "pot");
  CHECK(d["pot"]["n"] == 9999);
  CHECK(d["pot"]["peaks"].get<int64_t>() == doctest::Approx(200).epsilon(0.02));
  CHECK(d["pot"]["fit"] == "grimshaw");
  CHECK(d["tail_max"].get<double>() == *max);
  // q = 1e-5 < 1/n: beyond every tail score.
  pot.pot.risk = 1e-5;
  z = ChooseTailThreshold(score, 10000, 20000, pot, &d);
  REQUIRE(z.ok());
  CHECK(*z > *max);
  CHECK(*z == doctest::Approx(-std::log(1e-5)).epsilon(0.05));
}

TEST_CASE("ChooseTailThreshold: a tail POT cannot fit falls back to the max, or fails when told") {
  std::vector<double> score(1000, 0.0);
  for (size_t i = 500; i < 1000; ++i) score[i] = i % 50 == 0 ? 2.0 : 1.0;  // 10 distinct tops, tied
  TailThreshold pot{.pot = {.level = 0.98, .risk = 1e-3}, .method = TailThresholdMethod::kPot};
  Json d;
  Result<double> z = ChooseTailThreshold(score, 500, 1000, pot, &d);
  REQUIRE(z.ok());
  CHECK(*z == 2.0);  // the tail max
  CHECK(d["method"] == "pot");
  CHECK(d["pot_failed"].get<std::string>().find("fewer than the 10") != std::string::npos);
  pot.fallback_to_max = false;
  z = ChooseTailThreshold(score, 500, 1000, pot, &d);
  REQUIRE_FALSE(z.ok());
  CHECK(z.status().message().find("POT: 0 of 500 scores") != std::string::npos);
  CHECK_FALSE(ChooseTailThreshold(score, 1000, 1000, TailThreshold{}).ok());
}

}  // namespace
// The default script path is relative (`evals/iforest_peer.py`, DetectCommandOptions): before
// 2026-11-30 (U) it was handed to python as is, so `vigil eval detect` run anywhere but the source
// tree failed its iforest peer ("can't open file '/tmp/u/evals/iforest_peer.py'", exit 1). It is
// now looked up in the working folder, then beside the executable (since 831efa2), then in the
// source tree the binary was built from; a script found in none is an error naming each, before
// python runs.
TEST_CASE("IForestDetector: a relative script path is found from any working folder, or named when missing") {
  namespace fs = std::filesystem;
  // The missing script is refused before python runs, so that half needs no sklearn.
  const bool sklearn = std::system("/usr/bin/python3 -c 'import sklearn, pandas' >/dev/null 2>&1") == 0;
  if (!sklearn) MESSAGE("found-script half skipped: /usr/bin/python3 has no sklearn/pandas (python3-sklearn)");
  const fs::path work = fs::temp_directory_path() / ("vigil_iforest_test_" + std::to_string(::getpid()));
  fs::create_directories(work);
  const fs::path before = fs::current_path();
  fs::current_path(work);  // no evals/ here
  EvalUnit u;
  u.name = "s";
  u.split = 200;
  TimeSeries ts;
  ts.name = "s";
  for (int i = 0; i < 300; ++i) {
    ts.timestamps_ms.push_back(i * 60'000);
    ts.values.push_back(i == 250 ? 40.0 : 1.0 + (i * 37 % 11) * 0.1);
  }
  u.members.push_back(ts);
  IForestDetector found("/usr/bin/python3", "evals/iforest_peer.py", work.string(), ThresholdOptions{});
  Result<std::vector<std::vector<uint8_t>>> flags =
      sklearn ? found.Run({u}) : Result<std::vector<std::vector<uint8_t>>>(UnavailableError("not run"));
  IForestDetector missing("/usr/bin/python3", "evals/no_such_peer.py", work.string(), ThresholdOptions{});
  Result<std::vector<std::vector<uint8_t>>> none = missing.Run({u});
  fs::current_path(before);
  std::error_code ec;
  fs::remove_all(work, ec);
  if (sklearn) CHECK_MESSAGE(flags.ok(), flags.status().message());
  if (flags.ok()) {
    REQUIRE(flags->size() == 1);
    CHECK((*flags)[0].size() == 300);
  }
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().message().find("evals/no_such_peer.py") != std::string::npos);
  CHECK(none.status().message().find("not found") != std::string::npos);
  CHECK(none.status().message().find(work.string()) != std::string::npos);
  // Every place looked in (review RV-SV2: it named the working folder and source tree only, not
  // the executable's prefix FindInWorkingOrSourceTree also searches since 831efa2).
  const fs::path exe = fs::read_symlink("/proc/self/exe");
  const std::string beside = (exe.parent_path().parent_path() / "evals/no_such_peer.py").lexically_normal().string();
  CHECK_MESSAGE(none.status().message().find("beside the executable (" + beside + ")") != std::string::npos,
                none.status().message());
  CHECK(none.status().message().find(SourceTreePath("evals/no_such_peer.py")) !=
        std::string::npos);
}

namespace {

namespace fs = std::filesystem;

// A one-member unit of 300 points, training part 200, one spike of 40 at `spike`.
EvalUnit SpikeUnit(const std::string& name, int spike) {
  EvalUnit u;
  u.name = name;
  u.split = 200;
  TimeSeries ts;
  ts.name = name;
  for (int i = 0; i < 300; ++i) {
    ts.timestamps_ms.push_back(i * 60'000);
    ts.values.push_back(i == spike ? 40.0 : 1.0 + (i * 37 % 11) * 0.1);
  }
  u.members.push_back(ts);
  return u;
}

// A stand-in for iforest_peer.py run by /bin/sh (no sklearn needed): after `sleep_s`, each unit's
// score is its first column; `exit_code` other than 0 fails after writing a log line instead.
fs::path FakePeer(const fs::path& dir, const std::string& sleep_s, int exit_code) {
  const fs::path p = dir / ("fake_peer_" + std::to_string(exit_code) + ".sh");
  std::ofstream f(p);
  f << "sleep " << sleep_s << "\n";
  if (exit_code != 0) {
    f << "for i in $(seq 1 50); do echo \"log line $i of the fake peer\"; done >&2\n"
      << "echo 'fake peer: boom' >&2\nexit " << exit_code << "\n";
  } else {
    f << "for c in \"$1\"/unit*.csv; do awk -F, 'NR > 1 { print $1 }' \"$c\" > \"$2/$(basename \"$c\" "
         ".csv).scores\"; "
         "done\n";
  }
  return p;
}

std::vector<std::string> Entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const fs::directory_entry& e : fs::directory_iterator(dir))
    names.push_back(e.path().filename().string());
  return names;
}

}  // namespace

// Before 2026-11-30 (L) the peer wrote `iforest_in/` and `iforest_out/` into its work folder, the
// report folder of `vigil eval detect`, and left them there after every run. Its files now go in a
// folder of their own inside the work folder, removed after a run, kept (and named in the error)
// when the peer fails; two runs at once never share one.
TEST_CASE("IForestDetector: its exchange folder is removed after a run, kept and named when the peer fails") {
  const fs::path work = fs::temp_directory_path() / ("vigil_iforest_scratch_" + std::to_string(::getpid()));
  fs::remove_all(work);
  fs::create_directories(work / "report");
  const fs::path ok_peer = FakePeer(work, "0", 0);
  {
    IForestDetector d("/bin/sh", ok_peer.string(), (work / "report").string(), ThresholdOptions{});
    Result<std::vector<std::vector<uint8_t>>> flags = d.Run({SpikeUnit("s", 250)});
    REQUIRE_MESSAGE(flags.ok(), flags.status().message());
    CHECK((*flags)[0][250] == 1);
    CHECK(Entries(work / "report").empty());  // before: iforest_in, iforest_out
  }
  {
    IForestDetector d("/bin/sh", FakePeer(work, "0", 3).string(), (work / "report").string(),
                      ThresholdOptions{});
    Result<std::vector<std::vector<uint8_t>>> flags = d.Run({SpikeUnit("s", 250)});
    REQUIRE_FALSE(flags.ok());
    const std::string m = flags.status().message();
    CHECK_MESSAGE(m.find("iforest peer failed (exit 3; its input, output and log are kept in ") == 0, m);
    // The log's tail ends the message without its final line break: the log line `eval detect:
    // iforest: failed: <message> (0.0 s)` put `(0.0 s)` alone on the next line.
    CHECK(m.size() >= 15);
    CHECK(m.substr(m.size() - 15) == "fake peer: boom");
    const std::string tail = m.substr(m.find('\n') + 1);  // after "... CMD\n": at most 400 bytes, whole lines
    CHECK(tail.size() <= 400);
    CHECK(tail.rfind("log line ", 0) == 0);
    CHECK(tail.find("log line 50 of the fake peer\nfake peer: boom") != std::string::npos);
    const std::vector<std::string> kept = Entries(work / "report");
    REQUIRE(kept.size() == 1);
    CHECK(kept[0].rfind("vigil-iforest-", 0) == 0);
    const fs::path dir = work / "report" / kept[0];
    CHECK(m.find(dir.string()) != std::string::npos);
    CHECK(fs::exists(dir / "in" / "manifest.json"));
    CHECK(fs::exists(dir / "in" / "unit0.csv"));
    CHECK(fs::exists(dir / "out" / "log.txt"));
    fs::remove_all(dir);
  }
  {
    // A missing interpreter is named before any file is written (before: exit 127 from the shell
    // after the input was written, now nothing to keep).
    IForestDetector d((work / "no_python").string(), ok_peer.string(), (work / "report").string(), ThresholdOptions{});
    Result<std::vector<std::vector<uint8_t>>> flags = d.Run({SpikeUnit("s", 250)});
    REQUIRE_FALSE(flags.ok());
    CHECK(flags.status().message() ==
          "iforest: the interpreter " + (work / "no_python").string() + " cannot be run: No such file or directory");
    CHECK(Entries(work / "report").empty());
  }
  {
    // Two at once in the same work folder, each with its own data: each sees its own scores.
    const fs::path slow = FakePeer(work, "0.3", 0);
    IForestDetector a("/bin/sh", slow.string(), (work / "report").string(), ThresholdOptions{});
    IForestDetector b("/bin/sh", slow.string(), (work / "report").string(), ThresholdOptions{});
    Result<std::vector<std::vector<uint8_t>>> fa = UnavailableError("not run"), fb = fa;
    std::thread ta([&] { fa = a.Run({SpikeUnit("a", 250)}); });
    std::thread tb([&] { fb = b.Run({SpikeUnit("b", 270)}); });
    ta.join();
    tb.join();
    REQUIRE_MESSAGE(fa.ok(), fa.status().message());
    REQUIRE_MESSAGE(fb.ok(), fb.status().message());
    CHECK((*fa)[0][250] == 1);
    CHECK((*fa)[0][270] == 0);
    CHECK((*fb)[0][270] == 1);
    CHECK((*fb)[0][250] == 0);
    CHECK(Entries(work / "report").empty());
  }
  fs::remove_all(work);
}


// Whether process `pid` is gone (or a zombie nobody has reaped yet: it runs no more).
bool ProcessGone(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;
  const size_t paren = line.rfind(')');
  return paren == std::string::npos || line.substr(paren + 2, 1) == "Z";
}

// The peer does not outlive the process that runs it. Before (std::system, 2026-11-30, RV-LS)
// `vigil eval detect` killed by SIGTERM or SIGKILL while the iforest peer ran left the peer (its
// shell and python) running to the end, writing into the folder left behind.
TEST_CASE("IForestDetector: the peer is killed when the process running it dies") {
  const fs::path work = fs::temp_directory_path() / ("vigil_iforest_orphan_" + std::to_string(::getpid()));
  fs::remove_all(work);
  fs::create_directories(work);
  const fs::path pid_file = work / "peer.pid";
  const fs::path peer = work / "sleepy_peer.sh";
  {
    std::ofstream f(peer);
    f << "echo $$ > " << pid_file.string() << ".tmp && mv " << pid_file.string() << ".tmp " << pid_file.string()
      << "\nexec sleep 60\n";
  }
  const pid_t runner = ::fork();
  REQUIRE(runner >= 0);
  if (runner == 0) {
    IForestDetector d("/bin/sh", peer.string(), work.string(), ThresholdOptions{});
    (void)d.Run({SpikeUnit("s", 250)});
    ::_exit(0);
  }
  pid_t peer_pid = 0;
  for (int i = 0; i < 400 && peer_pid == 0; ++i) {  // up to 20 s on a loaded machine
    std::ifstream in(pid_file);
    if (!(in >> peer_pid)) peer_pid = 0;
    if (peer_pid == 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(runner, SIGKILL);
  int status = 0;
  ::waitpid(runner, &status, 0);
  REQUIRE_MESSAGE(peer_pid > 0, "the stand-in peer never started");
  bool gone = false;
  for (int i = 0; i < 400 && !gone; ++i) {
    gone = ProcessGone(peer_pid);
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK_MESSAGE(gone, "the peer (pid " << peer_pid << ") still runs after its runner was killed");
  if (!gone) ::kill(peer_pid, SIGKILL);
  fs::remove_all(work);
}


// A peer that fails without a word: its error ends with the command, not a line break (the
// progress line's `(5.0 s)` stood alone on the next line: seen on a stand-in that exits 3 after a
// sleep). An interpreter that is not in PATH: the peer could not be started, nothing kept (before:
// the shell's exit 127, its folder kept with an empty input of use to nobody).
TEST_CASE("IForestDetector: a silent failing peer, and an interpreter not in PATH") {
  const fs::path work = fs::temp_directory_path() / ("vigil_iforest_silent_" + std::to_string(::getpid()));
  fs::remove_all(work);
  fs::create_directories(work);
  const fs::path silent = work / "silent_peer.sh";
  std::ofstream(silent) << "exit 3\n";
  {
    IForestDetector d("/bin/sh", silent.string(), work.string(), ThresholdOptions{});
    Result<std::vector<std::vector<uint8_t>>> flags = d.Run({SpikeUnit("s", 250)});
    REQUIRE_FALSE(flags.ok());
    const std::string m = flags.status().message();
    CHECK_MESSAGE(m.find("iforest peer failed (exit 3; ") == 0, m);
    CHECK_MESSAGE(m.find('\n') == std::string::npos, m);
  }
  for (const std::string& e : Entries(work))
    if (e.rfind("vigil-iforest-", 0) == 0) fs::remove_all(work / e);
  {
    IForestDetector d("vigil-no-such-python", silent.string(), work.string(), ThresholdOptions{});
    Result<std::vector<std::vector<uint8_t>>> flags = d.Run({SpikeUnit("s", 250)});
    REQUIRE_FALSE(flags.ok());
    const std::string m = flags.status().message();
    CHECK_MESSAGE(m.find("iforest: the peer could not be started (No such file or directory): "
                         "'vigil-no-such-python' ") == 0,
                  m);
    CHECK(Entries(work).size() == 1);  // silent_peer.sh: no vigil-iforest-* kept
  }
  fs::remove_all(work);
}

}  // namespace vigil
