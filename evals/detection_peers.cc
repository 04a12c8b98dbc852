#include "evals/detection_peers.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <mutex>

#include "core/json.h"
#include "core/source_tree.h"

namespace vigil {
namespace {

namespace fs = std::filesystem;

double Quantile(std::vector<double> v, double q) {
  if (v.empty()) return NAN;
  const size_t k = std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size() - 1)));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

std::string ShellQuote(const std::string& s) {
  std::string o = "'";
  for (char c : s) {
    if (c == '\'')
      o += "'\\''";
    else
      o += c;
  }
  return o + "'";
}

}  // namespace

std::vector<double> ScoreOverThreshold(const UnitScores& scores, const std::vector<double>& thresholds) {
  std::vector<double> out(scores.empty() ? 0 : scores[0].size(), NAN);
  for (size_t m = 0; m < scores.size() && m < thresholds.size(); ++m) {
    for (size_t i = 0; i < scores[m].size() && i < out.size(); ++i) {
      const double v = scores[m][i];
      if (!std::isfinite(v)) continue;
      const double r = thresholds[m] > 0 ? v / thresholds[m] : (v > thresholds[m] ? INFINITY : 0.0);
      if (!(r <= out[i])) out[i] = r;  // NaN (no score yet) or smaller
    }
  }
  return out;
}

Result<double> ChooseTailThreshold(const std::vector<double>& score, size_t begin, size_t end,
                                   const TailThreshold& options, Json* details) {
  end = std::min(end, score.size());
  if (begin >= end) {
    return InvalidArgumentError("tail threshold: empty range [" + std::to_string(begin) + ", " +
                                std::to_string(end) + ")");
  }
  const std::vector<double> tail(score.begin() + static_cast<std::ptrdiff_t>(begin),
                                 score.begin() + static_cast<std::ptrdiff_t>(end));
  double tail_max = 0;
  for (double v : tail) {
    if (std::isfinite(v)) tail_max = std::max(tail_max, v);
  }
  Json d{{"method", options.method == TailThresholdMethod::kPot ? "pot" : "tail-max"},
         {"tail_max", tail_max}};
  double threshold = tail_max;
  if (options.method == TailThresholdMethod::kPot) {
    Result<PotResult> pot = FitPot(tail, options.pot);
    if (pot.ok()) {
      threshold = pot->threshold;
      d["pot"] = Json{{"init_threshold", pot->init_threshold},
                      {"peaks", static_cast<int64_t>(pot->peaks)},
                      {"n", static_cast<int64_t>(pot->n)},
                      {"shape", pot->gpd.shape},
                      {"scale", pot->gpd.scale},
                      {"fit", GpdMethodName(pot->gpd.method)}};
    } else if (options.fallback_to_max) {
      d["pot_failed"] = pot.status().message();
    } else {
      return pot.status();
    }
  }
  if (details != nullptr) *details = std::move(d);
  return threshold;
}

void AddTailThresholdDetails(const TailThreshold& options, Json* details) {
  const bool pot = options.method == TailThresholdMethod::kPot;
  (*details)["threshold_method"] = pot ? "pot" : "tail-max";
  if (!pot) return;
  (*details)["pot_level"] = options.pot.level;
  (*details)["pot_risk"] = options.pot.risk;
  (*details)["pot_fit"] = GpdMethodName(options.pot.method);
  (*details)["pot_fallback_to_max"] = options.fallback_to_max;
}

std::vector<double> MadBandScores(const std::vector<double>& values, size_t window) {
  const size_t n = values.size();
  std::vector<double> out(n, NAN);
  if (window == 0 || window >= n) return out;  // no point has `window` values before it
  std::vector<double> buf, dev;
  buf.reserve(window);
  dev.reserve(window);
  for (size_t i = window; i < n; ++i) {
    buf.assign(values.begin() + (i - window), values.begin() + i);
    const size_t mid = window / 2;
    std::nth_element(buf.begin(), buf.begin() + mid, buf.end());
    const double med = buf[mid];
    dev.clear();
    for (double v : buf) dev.push_back(std::fabs(v - med));
    std::nth_element(dev.begin(), dev.begin() + mid, dev.end());
    // A flat window has MAD 0; the floor keeps scores finite and tiny wobbles unflagged.
    const double scale = std::max(1.4826 * dev[mid], 1e-6 + 1e-3 * std::fabs(med));
    out[i] = std::fabs(values[i] - med) / scale;
  }
  return out;
}

std::vector<uint8_t> FlagsFromScores(const EvalUnit& unit, const UnitScores& scores,
                                     const ThresholdOptions& options, std::vector<double>* chosen) {
  const size_t n = scores.empty() ? 0 : scores[0].size();
  std::vector<uint8_t> flags(n, 0);
  const size_t lo = std::min(options.warmup, unit.split);
  const size_t hi = std::min(unit.split, n);
  bool labeled = false;
  for (size_t i = lo; i < hi && i < unit.train_labels.size(); ++i) labeled |= unit.train_labels[i] != 0;
  for (const std::vector<double>& s : scores) {
    std::vector<double> train;
    for (size_t i = lo; i < hi; ++i) {
      if (std::isfinite(s[i])) train.push_back(s[i]);
    }
    double threshold = std::numeric_limits<double>::infinity();
    if (!train.empty()) {
      const double max_train = *std::max_element(train.begin(), train.end());
      threshold = max_train;
      if (labeled) {
        std::vector<uint8_t> labels(unit.train_labels.begin() + lo, unit.train_labels.begin() + hi);
        double best = -1;
        for (double q : {0.5, 0.8, 0.9, 0.95, 0.97, 0.98, 0.99, 0.993, 0.995, 0.997, 0.998, 0.999, 0.9995,
                         0.9999, 1.0}) {
          const double t = q >= 1.0 ? max_train : Quantile(train, q);
          std::vector<uint8_t> f(hi - lo, 0);
          for (size_t i = lo; i < hi; ++i) f[i - lo] = std::isfinite(s[i]) && s[i] > t;
          Result<DetectionCounts> c = ScoreFlags(labels, f, options.delay_k);
          const double f1 = c.ok() ? ObjectiveF1(*c, options.objective) : 0;
          if (f1 > best) {
            best = f1;
            threshold = t;
          }
        }
      }
    }
    if (chosen != nullptr) chosen->push_back(threshold);
    for (size_t i = 0; i < n; ++i) flags[i] |= std::isfinite(s[i]) && s[i] > threshold;
  }
  return flags;
}

Result<std::vector<std::vector<uint8_t>>> MadBandDetector::Run(const std::vector<EvalUnit>& units) {
  if (window_ == 0) return InvalidArgumentError("mad-band: the window must be at least 1 point, got 0");
  std::vector<std::vector<uint8_t>> out;
  details_ =
      Json{{"window_points", window_},
           {"threshold_rule", "best training-part " + std::string(ObjectiveName(options_.objective)) +
                                  " F1 over score quantiles when the training part is labeled, else the "
                                  "maximum training score"}};
  ThresholdOptions opts = options_;
  opts.warmup = std::max(opts.warmup, window_);
  Json thresholds = Json::object();
  scores_.clear();
  for (const EvalUnit& u : units) {
    UnitScores scores;
    for (const TimeSeries& m : u.members) scores.push_back(MadBandScores(m.values, window_));
    std::vector<double> chosen;
    out.push_back(FlagsFromScores(u, scores, opts, &chosen));
    scores_.push_back(ScoreOverThreshold(scores, chosen));
    if (chosen.size() == 1) thresholds[u.name] = chosen[0];
  }
  if (!thresholds.empty()) details_["thresholds"] = thresholds;
  return out;
}

namespace {

// `script` as given when absolute or present from the working folder, else the same relative path
// beside the executable, else in the source tree this binary was built from; NotFound naming every
// place looked in otherwise.
Result<std::string> FindPeerScript(const std::string& script) {
  if (std::optional<std::string> found = FindInWorkingOrSourceTree(script)) return *found;
  if (fs::path(script).is_absolute()) return NotFoundError("iforest: script " + script + " not found");
  return NotFoundError("iforest: script " + script + " not found in " + DescribeSearch(script));
}

// The peer's exchange folder: made unique (mkdtemp) so that runs at once never share one, and
// removed when it goes out of scope unless `keep` was set (a failed peer's files are kept for the
// user, and its error says where).
class ScratchDir {
 public:
  ScratchDir() = default;
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir() { Remove(); }

  // Makes `parent`/vigil-iforest-XXXXXX; `parent` "" = the system's temporary folder (TMPDIR,
  // else /tmp), created when missing.
  Status Make(const std::string& parent) {
    std::error_code ec;
    const fs::path base = parent.empty() ? fs::temp_directory_path(ec) : fs::path(parent);
    if (ec) {
      const char* tmpdir = std::getenv("TMPDIR");
      return UnavailableError("iforest: no temporary folder for its files" +
                              (tmpdir != nullptr ? " (TMPDIR=" + std::string(tmpdir) + ")" : std::string()) + ": " +
                              ec.message());
    }
    fs::create_directories(base, ec);
    std::string name = (base / "vigil-iforest-XXXXXX").string();
    if (::mkdtemp(name.data()) == nullptr) {
      return UnavailableError("iforest: cannot create a working folder in " + base.string() + ": " +
                              std::strerror(errno));
    }
    path_ = name;
    return Status::Ok();
  }
  void Remove() {
    if (path_.empty() || keep) return;
    std::error_code ec;
    fs::remove_all(path_, ec);
    path_.clear();
  }
  const fs::path& path() const { return path_; }
  bool keep = false;

 private:
  fs::path path_;
};

// The end of a peer's log for its error: at most `max_bytes`, from the start of a line when cut,
// without trailing line breaks or spaces (the caller's log line goes on after it: `... (0.0 s)`
// stood alone on the line after the tail's final newline).
std::string LogTail(const std::string& log, size_t max_bytes) {
  size_t begin = log.size() > max_bytes ? log.size() - max_bytes : 0;
  if (begin > 0 && log[begin - 1] != '\n') {
    const size_t nl = log.find('\n', begin);
    if (nl != std::string::npos && nl + 1 < log.size()) begin = nl + 1;
  }
  size_t end = log.size();
  while (end > begin && (log[end - 1] == '\n' || log[end - 1] == '\r' || log[end - 1] == ' ')) --end;
  return log.substr(begin, end - begin);
}

// Runs `args` (args[0] looked up in PATH when it has no '/') with stdout and stderr to `log_path`
// and waits for it, as std::system does for a shell: SIGINT and SIGQUIT are ignored in this
// process meanwhile (Ctrl-C at the terminal reaches the peer, in the same foreground group) and
// SIGCHLD is blocked; the peer gets this process's own signal dispositions back. Unlike
// std::system, no shell sits between, and the peer is killed (SIGKILL, PR_SET_PDEATHSIG) when the
// thread that started it ends first: `vigil` killed by SIGTERM or SIGKILL no longer leaves the
// peer running. Returns the wait status, or -1 with `*start_errno` set when the peer could not be
// started (its exec failed: reported through a close-on-exec pipe). Safe to call from several
// threads at once (the dispositions are set by the first caller and put back by the last).
int RunPeerProcess(const std::vector<std::string>& args, const std::string& log_path, int* start_errno) {
  static std::mutex mu;
  static int active = 0;
  static struct sigaction old_int {}, old_quit {};
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log < 0) {
    *start_errno = errno;
    return -1;
  }
  int exec_error[2];
  if (::pipe2(exec_error, O_CLOEXEC) != 0) {
    *start_errno = errno;
    ::close(log);
    return -1;
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    if (active++ == 0) {
      struct sigaction ignore {};
      ignore.sa_handler = SIG_IGN;
      sigemptyset(&ignore.sa_mask);
      ::sigaction(SIGINT, &ignore, &old_int);
      ::sigaction(SIGQUIT, &ignore, &old_quit);
    }
  }
  sigset_t chld, old_mask;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  ::pthread_sigmask(SIG_BLOCK, &chld, &old_mask);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {  // the child: async-signal-safe calls only
    ::sigaction(SIGINT, &old_int, nullptr);
    ::sigaction(SIGQUIT, &old_quit, nullptr);
    ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent is already gone
    ::dup2(log, STDOUT_FILENO);
    ::dup2(log, STDERR_FILENO);
    ::execvp(argv[0], argv.data());
    const int e = errno;
    (void)!::write(exec_error[1], &e, sizeof e);
    ::_exit(127);
  }
  int err = pid < 0 ? errno : 0, status = -1;
  ::close(exec_error[1]);
  ::close(log);
  if (pid > 0) {
    int e = 0;
    ssize_t n;
    while ((n = ::read(exec_error[0], &e, sizeof e)) < 0 && errno == EINTR) {
    }
    if (n == static_cast<ssize_t>(sizeof e)) err = e;
    while (::waitpid(pid, &status, 0) < 0) {
      if (errno != EINTR) {
        if (err == 0) err = errno;
        status = -1;
        break;
      }
    }
  }
  ::close(exec_error[0]);
  ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  {
    std::lock_guard<std::mutex> lock(mu);
    if (--active == 0) {
      ::sigaction(SIGINT, &old_int, nullptr);
      ::sigaction(SIGQUIT, &old_quit, nullptr);
    }
  }
  if (err != 0) {
    *start_errno = err;
    return -1;
  }
  return status;
}

}  // namespace

Result<std::vector<std::vector<uint8_t>>> IForestDetector::Run(const std::vector<EvalUnit>& units) {
  details_ = Json{{"script", script_}, {"python", python_}};
  Result<std::string> script = FindPeerScript(script_);
  if (!script.ok()) return UnavailableError(script.status().message());
  details_["script"] = *script;
  // An interpreter given as a path is checked here, before any file is written (a bare name is
  // looked up in PATH when the peer starts; if missing, the peer could not be started, below).
  if (python_.find('/') != std::string::npos && ::access(python_.c_str(), X_OK) != 0) {
    return UnavailableError("iforest: the interpreter " + python_ + " cannot be run: " + std::strerror(errno));
  }
  ScratchDir scratch;
  RETURN_IF_ERROR(scratch.Make(work_dir_));
  const fs::path in = scratch.path() / "in", out = scratch.path() / "out";
  std::error_code ec;
  fs::create_directories(in, ec);
  if (!ec) fs::create_directories(out, ec);
  if (ec) return UnavailableError("iforest: cannot create " + in.string() + ": " + ec.message());
  // One CSV per unit: a column per member, then `train` (1 for the training part).
  Json manifest = Json::array();
  for (size_t u = 0; u < units.size(); ++u) {
    const std::string file = "unit" + std::to_string(u) + ".csv";
    std::ofstream f(in / file);
    const EvalUnit& unit = units[u];
    for (size_t m = 0; m < unit.members.size(); ++m) f << "m" << m << ",";
    f << "train\n";
    const size_t n = unit.members.empty() ? 0 : unit.members[0].size();
    char buf[32];
    for (size_t i = 0; i < n; ++i) {
      for (const TimeSeries& m : unit.members) {
        auto [p, e] = std::to_chars(buf, buf + sizeof buf, m.values[i]);
        f.write(buf, p - buf);
        f << ',';
      }
      f << (i < unit.split ? "1\n" : "0\n");
    }
    if (!f) return UnavailableError("iforest: cannot write " + (in / file).string());
    manifest.push_back(Json{{"file", file}, {"name", unit.name}});
  }
  RETURN_IF_ERROR(WriteFileAtomic((in / "manifest.json").string(), DumpJson(manifest)));
  const std::string cmd = ShellQuote(python_) + " " + ShellQuote(*script) + " " + ShellQuote(in.string()) +
                          " " + ShellQuote(out.string()) + " > " + ShellQuote((out / "log.txt").string()) +
                          " 2>&1";
  // `cmd` is what the error shows (a line to paste into a shell); the peer runs without one.
  int start_errno = 0;
  const int rc = RunPeerProcess({python_, *script, in.string(), out.string()}, (out / "log.txt").string(),
                                &start_errno);
  if (rc != -1 && WIFSIGNALED(rc) && (WTERMSIG(rc) == SIGINT || WTERMSIG(rc) == SIGQUIT)) {
    // Ctrl-C (or Ctrl-\) at the terminal reached the peer, the foreground group, while
    // RunPeerProcess held it off this process: the user stopped the run. The files go, then the signal
    // is raised here as if it had come to this process: by default that ends it, as anywhere else
    // in the run (before, the run went on with this peer "failed"); a handler (train-rules' stop)
    // decides for itself, and this peer reports Cancelled.
    const int sig = WTERMSIG(rc);
    scratch.Remove();
    std::raise(sig);
    return CancelledError(std::string("iforest peer stopped by ") + (sig == SIGINT ? "SIGINT" : "SIGQUIT"));
  }
  if (rc == -1) {  // nothing ran, so nothing of the peer's to keep
    return UnavailableError("iforest: the peer could not be started (" + std::string(std::strerror(start_errno)) +
                            "): " + cmd);
  }
  if (rc != 0) {
    scratch.keep = true;
    Result<std::string> log = ReadFile((out / "log.txt").string());
    std::string tail = log.ok() ? LogTail(*log, 400) : "";
    std::string how = WIFEXITED(rc)     ? "exit " + std::to_string(WEXITSTATUS(rc))
                      : WIFSIGNALED(rc) ? "killed by signal " + std::to_string(WTERMSIG(rc))
                                        : "status " + std::to_string(rc);
    return UnavailableError("iforest peer failed (" + how + "; its input, output and log are kept in " +
                            scratch.path().string() + "): " + cmd + (tail.empty() ? "" : "\n" + tail));
  }
  std::vector<std::vector<uint8_t>> flags;
  scores_.clear();
  ThresholdOptions opts = options_;
  opts.warmup = std::max<size_t>(opts.warmup, 10);
  for (size_t u = 0; u < units.size(); ++u) {
    const std::string file = (out / ("unit" + std::to_string(u) + ".scores")).string();
    Result<std::string> read = ReadFile(file);
    if (!read.ok()) {
      scratch.keep = true;
      return read.status().WithContext("iforest peer output (its files are kept in " +
                                       scratch.path().string() + ")");
    }
    const std::string& text = *read;
    std::vector<double> s;
    s.reserve(units[u].members[0].size());
    const char* p = text.data();
    const char* end = p + text.size();
    while (p < end) {
      while (p < end && (*p == '\n' || *p == ' ')) ++p;
      if (p >= end) break;
      double v = 0;
      auto [q, e] = std::from_chars(p, end, v);
      if (e != std::errc()) {
        if (end - p >= 3 && std::string_view(p, 3) == "nan") {
          v = NAN;
          q = p + 3;
        } else {
          scratch.keep = true;  // the peer's output is what is wrong: kept, and named in the error
          return DataLossError(file + ": unreadable score near byte " + std::to_string(p - text.data()) +
                               " (the peer's files are kept in " + scratch.path().string() + ")");
        }
      }
      s.push_back(v);
      p = q;
    }
    if (s.size() != units[u].members[0].size()) {
      scratch.keep = true;
      return DataLossError(file + ": " + std::to_string(s.size()) + " scores for " +
                           std::to_string(units[u].members[0].size()) +
                           " points (the peer's files are kept in " + scratch.path().string() + ")");
    }
    std::vector<double> chosen;
    flags.push_back(FlagsFromScores(units[u], {s}, opts, &chosen));
    scores_.push_back(ScoreOverThreshold({s}, chosen));
  }
  Result<std::string> log = ReadFile((out / "log.txt").string());
  if (log.ok()) details_["log"] = log->substr(0, 2000);
  return flags;
}

}  // namespace vigil
