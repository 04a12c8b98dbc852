#include "probes/command_executor.h"
#include "probes/observed_executor.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <string_view>
#include <thread>
#include <utility>

#include "core/logging.h"
#include "core/parse.h"
#include "core/source_tree.h"
#include "core/strings.h"
#include "probes/catalog.h"
#include "probes/probe_lock.h"
#include "probes/subprocess_env.h"
#include "probes/subprocess.h"

namespace vigil {
namespace {

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string Tail(const std::string& s, size_t n = 400) {
  std::string t = Trim(s);
  if (t.size() > n) t = "..." + t.substr(t.size() - n);
  for (char& c : t) {
    if (c == '\n') c = ' ';
  }
  return t;
}

std::string LocalHostname() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

// No environment variable: the config (core/config.cc) holds every setting and refuses an unknown
// VIGIL_*, so a VIGIL_PROBE_BINARY read here could never be given to `vigil` (RV-OPS); the binary
// is the executor spec's binary= (--probe-executor / VIGIL_PROBE_EXECUTOR local:binary=PATH).
std::string DefaultLocalBinary() {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto beside = self.parent_path() / "vigil-probe";
    if (std::filesystem::exists(beside, ec)) return beside.string();
    auto bin = self.parent_path().parent_path() / "bin" / "vigil-probe";  // build/tests -> build/bin
    if (std::filesystem::exists(bin, ec)) return bin.string();
  }
  return "vigil-probe";
}

// The shipped per-model thresholds: LocalThresholdsPath's search (another file: the spec's
// thresholds=FILE; no environment variable, as for the binary).
std::string DefaultLocalThresholds() {
  // Absolute: the path goes on vigil-probe's command line.
  std::error_code ec;
  const auto cwd = std::filesystem::current_path(ec);
  const SearchFolders process = ProcessSearchFolders();
  return LocalThresholdsPath(ec ? "" : cwd.string(), process.executable, process.source_tree);
}

// Quotes one word for a POSIX shell (ssh runs the remote command through the user's shell).
std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

enum class Kind { kLocal, kSsh, kSlurm };

class CommandExecutor : public ProbeExecutor {
 public:
  CommandExecutor(Kind kind, std::map<std::string, std::string> options)
      : kind_(kind), options_(std::move(options)) {}

  // The limit plus the grace becomes an int of seconds (ssh's `timeout`, srun's --time) and an
  // int of milliseconds (RunSubprocess's poll): `--time-limit 1e300` was a double-to-int cast out
  // of range (undefined). One day is far above any probe (the catalog's take seconds to minutes)
  // and below both ints.
  Status CheckTimeLimit(const ProbeRequest& request) const {
    constexpr double kMaxLimitS = 86400;
    if (request.time_limit_s + Grace() <= kMaxLimitS) return Status::Ok();
    char text[96];
    std::snprintf(text, sizeof text, "%g s (plus the executor's grace of %g s)", request.time_limit_s, Grace());
    return InvalidArgumentError("probe request time limit " + std::string(text) + " is more than one day (86400 s)");
  }

  Result<std::vector<std::string>> Argv(const ProbeRequest& request) const {
    RETURN_IF_ERROR(CheckTimeLimit(request));
    ASSIGN_OR_RETURN(ProbeTarget t, ParseProbeTarget(request.target));
    std::vector<std::string> probe_args = {
        Option("binary", kind_ == Kind::kLocal ? DefaultLocalBinary() : "vigil-probe"), "--probes",
        JoinStrings(request.probes, ","), "--time-limit", std::to_string(request.time_limit_s)};
    if (!request.target.empty()) probe_args.insert(probe_args.end(), {"--target", request.target});
    if (t.gpu >= 0) probe_args.insert(probe_args.end(), {"--gpus", std::to_string(t.gpu)});
    if (request.allow_intrusive) probe_args.push_back("--allow-intrusive");
    std::string thresholds = Option("thresholds", kind_ == Kind::kLocal ? DefaultLocalThresholds() : "");
    if (!thresholds.empty()) probe_args.insert(probe_args.end(), {"--thresholds", thresholds});
    if (options_.contains("fleet"))
      probe_args.insert(probe_args.end(), {"--thresholds", options_.at("fleet")});

    switch (kind_) {
      case Kind::kLocal:
        if (!t.node.empty() && t.node != LocalHostname() && t.node != "localhost") {
          return InvalidArgumentError("the local probe executor runs on this host (" + LocalHostname() +
                                      ") only; target `" + request.target + "` needs ssh: or slurm:");
        }
        return probe_args;
      case Kind::kSsh: {
        if (t.node.empty())
          return InvalidArgumentError(
              "the ssh probe executor needs a node in the target (node or node/gpuN)");
        std::vector<std::string> argv = {"ssh", "-o", "BatchMode=yes", "-o",
                                         "ConnectTimeout=" + Option("connect_timeout_s", "10")};
        if (options_.contains("ssh_config")) argv.insert(argv.end(), {"-F", options_.at("ssh_config")});
        if (options_.contains("identity")) argv.insert(argv.end(), {"-i", options_.at("identity")});
        if (options_.contains("port")) argv.insert(argv.end(), {"-p", options_.at("port")});
        argv.push_back(options_.contains("user") ? options_.at("user") + "@" + t.node : t.node);
        // coreutils `timeout` on the remote side: if our side gives up, the connection drops but a
        // command without a terminal is not signalled, so the remote probe must end by itself.
        // The remote vigil-probe is told that its caller keeps intrusive probes apart (the lease
        // below), as the local one is through its environment.
        std::vector<std::string> quoted = {
            std::string(vigil_probe::kProbeLeaseHeldEnv) + "=1", "timeout", "-k", "5",
            std::to_string(static_cast<int>(std::ceil(request.time_limit_s + Grace())))};
        for (const std::string& a : probe_args) quoted.push_back(ShellQuote(a));
        argv.push_back(JoinStrings(quoted, " "));
        return argv;
      }
      case Kind::kSlurm: {
        if (t.node.empty())
          return InvalidArgumentError(
              "the slurm probe executor needs a node in the target (node or node/gpuN)");
        std::vector<std::string> argv = {"srun", "-w", t.node, "-N1", "--ntasks=" + Option("ntasks", "1")};
        if (options_.contains("partition")) argv.push_back("--partition=" + options_.at("partition"));
        if (options_.contains("account")) argv.push_back("--account=" + options_.at("account"));
        if (options_.contains("gpus")) argv.push_back("--gpus-per-node=" + options_.at("gpus"));
        // Slurm's own limit, in whole minutes, a little above ours so that ours reports first.
        argv.push_back(
            "--time=" +
            std::to_string(static_cast<int>(std::ceil((request.time_limit_s + Grace()) / 60.0)) + 1));
        argv.insert(argv.end(), probe_args.begin(), probe_args.end());
        return argv;
      }
    }
    return InternalError("unknown executor kind");
  }

  Result<std::vector<ProbeResult>> Run(const ProbeRequest& request) override {
    if (request.probes.empty()) return InvalidArgumentError("probe request names no probe");
    if (!(request.time_limit_s > 0)) return InvalidArgumentError("probe request time limit must be > 0");
    RETURN_IF_ERROR(CheckTimeLimit(request));
    auto argv = Argv(request);
    if (!argv.ok()) {
      std::vector<ProbeResult> out;
      for (const std::string& p : request.probes) {
        out.push_back(MakeProbeResult(p, request.target, ProbeStatus::kError, argv.status().message()));
      }
      return out;
    }
    // An intrusive probe waits for the host-wide lease on what it loads (probe_lock.h): another
    // process's GEMM on the same GPU (a second `vigil serve`, `vigil probe run` by hand) would halve
    // both measurements. A probe that times the GPU (gpu.kernel_launch) takes it shared (VER6): beside
    // another process's GEMM its round trip measured the GEMM (2,458 us `fail` on an H200), not the
    // GPU. The wait counts in the request's limit.
    std::optional<ProbeLease> lease;
    ProbeRequest req = request;
    const bool loads = LoadsHardware(request);
    if (loads || std::any_of(request.probes.begin(), request.probes.end(), ProbeTimesTheGpu)) {
      ASSIGN_OR_RETURN(LeaseWait held, WaitForLease(request, /*shared=*/!loads));
      if (!held.lease && !held.run_without) return std::move(held.answer);
      lease = std::move(held.lease);
      if (held.waited_s > 0) {
        req.time_limit_s = request.time_limit_s - held.waited_s;
        argv = Argv(req);
        if (!argv.ok()) return argv.status();
      }
    }
    // vigil-probe takes the lease itself unless told its caller holds it (host_lease.h): it would
    // wait on ours. srun passes the environment on to the step.
    auto run = RunSubprocessWithEnv(*argv, req.time_limit_s + Grace(), {std::string(vigil_probe::kProbeLeaseHeldEnv) + "=1"});
    return ResultsFromProbeRun(request, run, Describe());
  }

  // Whether the request runs an intrusive probe (only with allow_intrusive: without it vigil-probe
  // refuses them and loads nothing).
  static bool LoadsHardware(const ProbeRequest& request) {
    if (!request.allow_intrusive) return false;
    return std::any_of(request.probes.begin(), request.probes.end(), [](const std::string& p) {
      const ProbeSpec* spec = FindProbe(p);
      return spec != nullptr && spec->intrusive;
    });
  }

  struct LeaseWait {
    std::optional<ProbeLease> lease;  // empty: `answer` says why
    double waited_s = 0;
    std::vector<ProbeResult> answer;
    bool run_without = false;  // a shared lease no lock folder or file allows: run as before VER6
  };
  // Takes the request's lease (`shared`: of a probe that times the GPU), waiting up to its time limit
  // (probe_lock.h WaitForProbeLease: the wait vigil-probe run by hand uses too). The lease and the
  // seconds waited; or, when it cannot be had, the results to answer with: `error` when no lock
  // folder or file can be used (the reason says which and why; a shared lease then runs without it,
  // as the probe did before it took one), `unavailable` when another process held it for the whole
  // limit (no test ran). Only a malformed target is a non-OK Result.
  Result<LeaseWait> WaitForLease(const ProbeRequest& request, bool shared) const {
    ASSIGN_OR_RETURN(ProbeTarget t, ParseProbeTarget(request.target));
    auto answer = [&](ProbeStatus status, const std::string& why, double took) {
      LeaseWait w;
      w.run_without = shared && status == ProbeStatus::kError;
      w.waited_s = took;
      for (const std::string& p : request.probes) w.answer.push_back(MakeProbeResult(p, request.target, status, why, took));
      return w;
    };
    auto dir = ProbeLockDir(Option("lock_dir", ""));
    if (!dir.ok()) return answer(ProbeStatus::kError, dir.status().message(), 0);
    // Given up a little before the limit (a tenth of it, at most 1 s): the planner abandons a step at
    // its limit, so an answer at the limit lost that race and a triage's step blocked by another
    // process said only "timeout (no answer within 5.8 s ...)", not who held the GPU.
    const double give_up_s = request.time_limit_s - std::min(1.0, 0.1 * request.time_limit_s);
    const std::string what = t.gpu >= 0 ? "GPU " + std::to_string(t.gpu) + " of " : "";
    const std::string node = t.node.empty() ? "this host" : t.node;
    const std::string lock = "lock " + *dir + "/" + ProbeLockFileName(t.node, t.gpu);
    auto held_by = [](const std::string& holders) { return holders.empty() ? "" : ", held by " + holders; };
    bool told_waiting = false;  // the progress board (ReportLeaseWait) shows the step as waiting
    ProbeLeaseWait got = WaitForProbeLease(*dir, t.node, t.gpu, give_up_s, shared, [&](const std::string& holders) {
      told_waiting = true;
      ReportLeaseWait(what + node + " (" + lock + held_by(holders) + ")");
    });
    if (!got.error.empty()) return answer(ProbeStatus::kError, got.error, 0);
    if (got.lease) {
      if (told_waiting) ReportLeaseWait("");
      LeaseWait w;
      w.lease = std::move(got.lease);
      w.waited_s = got.waited_s;
      return w;
    }
    char limit[96];
    std::snprintf(limit, sizeof limit, "%.3g s of the %g s limit", got.waited_s, request.time_limit_s);
    // Who: the on-call engineer decides whether to wait, or to end a hung holder.
    return answer(ProbeStatus::kUnavailable,
                  "not run: another process on this host held " + what + node + " for an intrusive probe of its own for " +
                      limit + ", when it was given up to answer within the limit (" + lock + held_by(got.holders) +
                      "); nothing was measured",
                  got.waited_s);
  }

  // The seconds past a request's limit before its run is killed (ProbeExecutorGraceS).
  double Grace() const {
    double g = std::atof(Option("grace_s", "5").c_str());
    if (kind_ == Kind::kSsh) g += std::atof(Option("connect_timeout_s", "10").c_str());
    if (kind_ == Kind::kSlurm) g += 30;  // scheduling and step launch
    return g;
  }

  std::string Describe() const override {
    std::string name = kind_ == Kind::kLocal ? "local" : kind_ == Kind::kSsh ? "ssh" : "slurm";
    std::vector<std::string> kv;
    for (const auto& [k, v] : options_) kv.push_back(k + "=" + v);
    return kv.empty() ? name : name + ":" + JoinStrings(kv, ",");
  }

 private:
  std::string Option(const std::string& key, std::string fallback) const {
    auto it = options_.find(key);
    return it == options_.end() ? fallback : it->second;
  }

  const Kind kind_;
  const std::map<std::string, std::string> options_;
};


// --- Reading vigil-probe's stdout ---------------------------------------------------------------

// The offset just past the JSON object or array that opens at `from` (brackets matched outside
// strings), or npos when it is not closed (a document cut short) or a bracket does not match.
size_t JsonValueEnd(std::string_view s, size_t from) {
  std::string open;
  bool in_string = false, escaped = false;
  for (size_t i = from; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (open.size() > static_cast<size_t>(kMaxJsonDepth)) return std::string_view::npos;
      open.push_back(c);
    } else if (c == '}' || c == ']') {
      if (open.empty() || (c == '}') != (open.back() == '{')) return std::string_view::npos;
      open.pop_back();
      if (open.empty()) return i + 1;
    }
  }
  return std::string_view::npos;
}

// One line for a message: control bytes as spaces, at most 120 bytes.
std::string LinePreview(std::string_view line) {
  std::string out(line.substr(0, 120));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return line.size() > 120 ? out + "..." : out;
}

// What vigil-probe printed on stdout: its result document, and the lines around it that are not
// part of it (a login script's echo over ssh, NCCL_DEBUG=INFO lines, which NCCL writes to stdout,
// a library's warning).
struct ProbeStdout {
  Json doc;
  size_t lines_before = 0, lines_after = 0;  // non-blank lines outside the document
  std::string first_other;                   // the first of them
};

// The lines of `text` that are not blank, as (offset, line).
std::vector<std::pair<size_t, std::string_view>> Lines(std::string_view text) {
  std::vector<std::pair<size_t, std::string_view>> out;
  for (size_t at = 0; at < text.size();) {
    size_t nl = text.find('\n', at);
    if (nl == std::string_view::npos) nl = text.size();
    out.emplace_back(at, text.substr(at, nl - at));
    at = nl + 1;
  }
  return out;
}

bool Blank(std::string_view line) { return line.find_first_not_of(" \t\r") == std::string_view::npos; }

// The result document in `text`. Whole, as vigil-probe prints it alone; else the last object with a
// `results` array (or array) that starts a line, the rest counted as other lines. A document that
// begins after other lines and is cut short is named as such (where it begins, what came before);
// otherwise the error is the whole text's parse error.
Result<ProbeStdout> ReadProbeStdout(std::string_view text) {
  Result<Json> whole = ParseJson(text, "vigil-probe output");
  if (whole.ok()) return ProbeStdout{std::move(*whole), 0, 0, ""};
  const auto lines = Lines(text);
  // Lines whose first non-blank byte opens an object or array: where a document may begin. The last
  // 64 only (a flood of such lines would make this quadratic).
  std::vector<size_t> starts;  // indexes into `lines`
  for (size_t i = 0; i < lines.size(); ++i) {
    const size_t b = lines[i].second.find_first_not_of(" \t");
    if (b != std::string_view::npos && (lines[i].second[b] == '{' || lines[i].second[b] == '[')) starts.push_back(i);
  }
  if (starts.size() > 64) starts.erase(starts.begin(), starts.end() - 64);
  auto others = [&](size_t from_line, size_t to_line, ProbeStdout& into, size_t& count) {
    for (size_t k = from_line; k < to_line && k < lines.size(); ++k) {
      if (Blank(lines[k].second)) continue;
      ++count;
      if (into.first_other.empty()) into.first_other = LinePreview(lines[k].second);
    }
  };
  for (auto it = starts.rbegin(); it != starts.rend(); ++it) {
    const size_t begin = lines[*it].first + lines[*it].second.find_first_not_of(" \t");
    const size_t end = JsonValueEnd(text, begin);
    if (end == std::string_view::npos) continue;
    Result<Json> doc = ParseJson(text.substr(begin, end - begin), "vigil-probe output");
    if (!doc.ok()) continue;
    const bool document = doc->is_array() || (doc->is_object() && doc->contains("results"));
    if (!document) continue;  // an object inside the document (one result) or another tool's JSON
    ProbeStdout out{std::move(*doc), 0, 0, ""};
    others(0, *it, out, out.lines_before);
    // What follows the document on its last line, and the lines after it.
    const size_t nl = text.find('\n', end);
    if (!Blank(text.substr(end, (nl == std::string_view::npos ? text.size() : nl) - end))) {
      ++out.lines_after;
      if (out.first_other.empty()) out.first_other = LinePreview(text.substr(end, nl - end));
    }
    size_t after_line = lines.size();
    for (size_t k = 0; k < lines.size(); ++k) {
      if (nl != std::string_view::npos && lines[k].first > nl) {
        after_line = k;
        break;
      }
    }
    others(after_line, lines.size(), out, out.lines_after);
    return out;
  }
  // A document that begins after other lines and does not end: say where it begins.
  for (size_t i : starts) {
    if (i == 0 || text.find("\"results\"", lines[i].first) == std::string_view::npos) continue;
    ProbeStdout before;
    size_t n = 0;
    others(0, i, before, n);
    if (n == 0) break;  // only blank lines before it: the whole text's error says it
    const size_t begin = lines[i].first;
    Result<Json> cut = ParseJson(text.substr(begin), "from there");
    return InvalidArgumentError("vigil-probe output: the result document that begins on line " + std::to_string(i + 1) +
                                ", after " + std::to_string(n) + (n == 1 ? " line" : " lines") +
                                " that is not JSON (`" + before.first_other + "`), is incomplete" +
                                (cut.ok() ? "" : ": " + cut.status().message()));
  }
  // Lines and no JSON among them (a banner alone, a shell's "command not found" on stdout): say what
  // was there rather than the parser's complaint about its first byte.
  if (starts.empty() && whole.status().message().find("empty: no JSON value") == std::string::npos) {
    ProbeStdout seen;
    size_t n = 0;
    others(0, lines.size(), seen, n);
    if (n > 0)
      return InvalidArgumentError("vigil-probe output: no JSON document in its " + std::to_string(n) +
                                  (n == 1 ? " line" : " lines") + " (the first: `" + seen.first_other + "`)");
  }
  return whole.status();
}

// True the first time `key` is given in this process (at most 1000 kept): a node whose login script
// prints a banner would otherwise fill the log with one warning per probe run.
bool FirstTimeSaid(const std::string& key) {
  static std::mutex mu;
  static std::set<std::string> said;
  std::lock_guard lock(mu);
  if (said.size() >= 1000) return false;
  return said.insert(key).second;
}

// The results of a document, each entry read alone: an entry that does not validate costs its own
// probe only. `invalid` holds (probe name or "", why) for those.
struct ProbeDocument {
  std::vector<ProbeResult> results;
  std::vector<std::pair<std::string, std::string>> invalid;
};
Result<ProbeDocument> ReadProbeDocument(const Json& doc) {
  const std::string what = "vigil-probe output";
  const Json* results = &doc;
  if (doc.is_object()) {
    if (!doc.contains("results") || !doc["results"].is_array())
      return InvalidArgumentError(what + ": expected a `results` array");
    results = &doc["results"];
  } else if (!doc.is_array()) {
    return InvalidArgumentError(what + ": expected an object with `results`, got " + doc.type_name());
  }
  ProbeDocument out;
  for (size_t i = 0; i < results->size(); ++i) {
    const Json& e = (*results)[i];
    Result<ProbeResult> r = ParseProbeResult(e, what + ": results[" + std::to_string(i) + "]");
    if (r.ok()) {
      out.results.push_back(std::move(*r));
      continue;
    }
    std::string name;
    if (e.is_object() && e.contains("probe") && e["probe"].is_string()) name = e["probe"].get<std::string>();
    out.invalid.emplace_back(name, r.status().message());
  }
  return out;
}

}  // namespace

std::string LocalThresholdsPath(const std::string& cwd, const std::string& exe,
                                const std::string& source_dir) {
  SearchFolders where;
  where.working = cwd.empty() ? std::nullopt : std::optional<std::string>(cwd);
  where.executable = exe;
  where.source_tree = source_dir;
  return FindInSearchFolders("data/probes/thresholds.json", where, FindWhat::kRegularFile).value_or("");
}

Result<ProbeTarget> ParseProbeTarget(std::string_view target) {
  ProbeTarget t;
  std::string s(target);
  auto slash = s.find('/');
  std::string gpu_part;
  if (slash == std::string::npos) {
    if (s.rfind("gpu", 0) == 0 && s.size() > 3 && std::isdigit(static_cast<unsigned char>(s[3]))) {
      gpu_part = s;
    } else {
      t.node = s;
    }
  } else {
    t.node = s.substr(0, slash);
    gpu_part = s.substr(slash + 1);
    if (gpu_part.find('/') != std::string::npos || gpu_part.empty()) {
      return InvalidArgumentError("probe target `" + s + "`: expected node, node/gpuN or gpuN");
    }
  }
  // The node goes on ssh's and srun's command lines as one argument: one that starts with `-` would be
  // read as an option (ssh -oProxyCommand=..., with no user= before it), and a Slurm hostlist or a
  // space names more than one node (srun -w takes a list; ssh a host that cannot resolve).
  if (!t.node.empty()) {
    const std::string node_is = "probe target `" + s + "`: node `" + t.node + "` ";
    if (t.node[0] == '-') return InvalidArgumentError(node_is + "starts with `-` (it would be read as an option of ssh or srun)");
    for (size_t i = 0; i < t.node.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(t.node[i]);
      if (c <= 0x20 || c == 0x7f)
        return InvalidArgumentError(node_is + "holds a space or control character at byte " + std::to_string(i + 1));
    }
    if (t.node.find_first_of("[],") != std::string::npos)
      return InvalidArgumentError(node_is + "is a Slurm hostlist, not one node: probe each node (`scontrol show hostnames '" +
                                  t.node + "'` lists them)");
  }
  if (!gpu_part.empty()) {
    if (gpu_part.rfind("gpu", 0) != 0 || gpu_part.size() == 3 ||
        gpu_part.find_first_not_of("0123456789", 3) != std::string::npos || gpu_part.size() > 6) {
      return InvalidArgumentError("probe target `" + s + "`: GPU part `" + gpu_part + "` is not gpuN");
    }
    std::optional<int32_t> gpu = ParseInt32(std::string_view(gpu_part).substr(3));
    if (!gpu) return InvalidArgumentError("probe target `" + s + "`: GPU part `" + gpu_part + "` is not gpuN");
    t.gpu = *gpu;
  }
  return t;
}

Result<std::unique_ptr<ProbeExecutor>> MakeCommandExecutor(std::string_view kind, std::string_view options) {
  static const std::map<std::string, std::set<std::string>, std::less<>> kAllowed = {
      {"local", {"binary", "thresholds", "fleet", "grace_s", "lock_dir"}},
      {"ssh", {"binary", "thresholds", "fleet", "grace_s", "lock_dir", "user", "port", "connect_timeout_s",
               "identity", "ssh_config"}},
      {"slurm", {"binary", "thresholds", "fleet", "grace_s", "lock_dir", "partition", "ntasks", "gpus", "account"}},
  };
  auto allowed = kAllowed.find(kind);
  if (allowed == kAllowed.end())
    return InvalidArgumentError("unknown command executor `" + std::string(kind) + "`");
  std::map<std::string, std::string> opts;
  std::string rest(options);
  size_t pos = 0;
  while (pos < rest.size()) {
    size_t comma = rest.find(',', pos);
    std::string item = rest.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    pos = comma == std::string::npos ? rest.size() : comma + 1;
    if (item.empty()) continue;
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return InvalidArgumentError("probe executor `" + std::string(kind) + ":" + rest + "`: option `" + item +
                                  "` is not key=value");
    }
    std::string key = item.substr(0, eq);
    if (!allowed->second.contains(key)) {
      return InvalidArgumentError(
          "probe executor `" + std::string(kind) + "`: unknown option `" + key +
          "` (accepted: " + JoinStrings({allowed->second.begin(), allowed->second.end()}, " ") + ")");
    }
    std::string value = item.substr(eq + 1);
    // Counts and ssh's ConnectTimeout are whole numbers; grace_s is seconds. Before (WALKP) only
    // digits and dots were checked and atof read the rest: grace_s=1.2.3 was 1.2, port=1.5 went to ssh.
    for (const char* whole : {"port", "ntasks", "gpus", "connect_timeout_s"}) {
      if (key == whole && (value.empty() || value.find_first_not_of("0123456789") != std::string::npos)) {
        return InvalidArgumentError("probe executor option `" + key + "` must be a whole number, got `" + value +
                                    "`");
      }
    }
    if (key == "grace_s") {
      std::optional<double> g = value.find_first_not_of("0123456789.") == std::string::npos
                                    ? ParseDouble(value) : std::nullopt;
      if (!g || !std::isfinite(*g)) {
        return InvalidArgumentError("probe executor option `grace_s` must be a number of seconds, got `" + value +
                                    "`");
      }
    }
    opts[key] = value;
  }
  Kind k = kind == "local" ? Kind::kLocal : kind == "ssh" ? Kind::kSsh : Kind::kSlurm;
  return std::unique_ptr<ProbeExecutor>(new CommandExecutor(k, std::move(opts)));
}

Result<std::vector<std::string>> CommandExecutorArgv(const ProbeExecutor& executor,
                                                     const ProbeRequest& request) {
  const auto* ce = dynamic_cast<const CommandExecutor*>(&UnobservedExecutor(executor));
  if (ce == nullptr) return InvalidArgumentError("not a command executor: " + executor.Describe());
  return ce->Argv(request);
}

bool IsCommandExecutor(const ProbeExecutor& executor) {
  return dynamic_cast<const CommandExecutor*>(&UnobservedExecutor(executor)) != nullptr;
}

double ProbeExecutorGraceS(const ProbeExecutor& executor) {
  const auto* ce = dynamic_cast<const CommandExecutor*>(&UnobservedExecutor(executor));
  // Killed at the limit plus the grace, a run that ignores SIGTERM gets SIGKILL kSubprocessStopWaitS
  // later; half a second more for the killed group to be reaped and the answer read (a serve triage
  // with a budget of 12 s and no such margin answered "after 12.1 s").
  return ce == nullptr ? 0 : ce->Grace() + kSubprocessStopWaitS + 0.5;
}

std::vector<ProbeResult> ResultsFromProbeRun(const ProbeRequest& request, const Result<SubprocessResult>& run,
                                             std::string_view describe) {
  std::vector<ProbeResult> out;
  auto all_error = [&](const std::string& why, double duration) {
    for (const std::string& p : request.probes) {
      out.push_back(MakeProbeResult(p, request.target, ProbeStatus::kError, why, duration));
    }
    return out;
  };
  std::string who = "vigil-probe (" + std::string(describe) + ")";
  if (!run.ok()) {
    std::string why = who + " did not start: " + run.status().message();
    // The bare name: neither beside vigil nor in build/bin (DefaultLocalBinary), nor on PATH. A
    // build without the CUDA toolkit has no vigil-probe; `vigil probe run node.kernel_log` on such a
    // host said only "No such file or directory" (RV-OPS, 2026-12-03).
    if (run.status().code() == StatusCode::kNotFound &&
        run.status().message().rfind("cannot execute `vigil-probe`:", 0) == 0) {
      why += " (vigil-probe is not beside this vigil, in build/bin nor on PATH: the build makes it only with the "
             "CUDA toolkit, /usr/local/cuda or nvcc on PATH, and says so when it skips it; or name one with "
             "--probe-executor local:binary=PATH, or run probes on the GPU nodes with --probe-executor "
             "ssh:user=... / slurm:partition=...)";
    }
    return all_error(why, 0);
  }
  const SubprocessResult& r = *run;
  // vigil-probe's usage text after a usage error says nothing about the probe run: cut it.
  std::string err = r.err;
  if (size_t usage = err.find("\nusage: vigil-probe"); usage != std::string::npos) err.resize(usage);
  std::string err_tail = Tail(err);
  std::string stderr_note = err_tail.empty() ? "" : "; stderr: " + err_tail;
  if (r.timed_out || r.stopped_by != 0) return all_error(who + " " + r.DescribeEnd() + stderr_note, r.wall_s);
  if (r.signaled) return all_error(who + " " + r.DescribeEnd() + stderr_note, r.wall_s);
  // The document, with what else was on stdout around it, and each result read alone.
  Result<ProbeStdout> printed = ReadProbeStdout(r.out);
  Result<ProbeDocument> parsed = printed.ok() ? ReadProbeDocument(printed->doc) : Result<ProbeDocument>(printed.status());
  if (parsed.ok() && printed->lines_before + printed->lines_after > 0 && FirstTimeSaid(who + "\n" + printed->first_other)) {
    const size_t n = printed->lines_before + printed->lines_after;
    LogWarn("probes", who + " printed " + std::to_string(n) +
                          (n == 1 ? " line on stdout that is not" : " lines on stdout that are not") +
                          " its result document (" + std::to_string(printed->lines_before) +
                          " before it, " + std::to_string(printed->lines_after) + " after; the first: `" +
                          printed->first_other +
                          "`); the document was read. A login script that prints on stdout (ssh runs it), or "
                          "NCCL_DEBUG without NCCL_DEBUG_FILE, writes there (said once per executor and first line)");
  }
  // A vigil-probe from before the `unavailable` answer stops with a usage error (exit 2) on a
  // --gpus index past the node's GPUs: the same answer, `unavailable` with its words, not an error.
  static const std::regex kMissingGpu(R"(vigil-probe: (GPU \d+ does not exist \(\d+ visible\)))");
  std::smatch missing;
  if (!parsed.ok() && r.exit_code == 2 && std::regex_search(err, missing, kMissingGpu)) {
    for (const std::string& p : request.probes) {
      out.push_back(MakeProbeResult(p, request.target, ProbeStatus::kUnavailable, missing.str(1), r.wall_s));
    }
    return out;
  }
  // Nothing on stdout: vigil-probe did not run (ssh could not reach the node, srun found no Slurm,
  // the binary is missing there). Its stderr is the news; before, it came last, after "printed no
  // valid result document (vigil-probe output: line 1, column 1: empty: no JSON value in it)".
  if (!parsed.ok() && r.out.find_first_not_of(" \t\r\n") == std::string::npos && !err_tail.empty()) {
    std::string why = who;
    if (describe.starts_with("ssh:") && r.exit_code == 255) {
      why += ": ssh failed before vigil-probe ran (exit code 255): ";  // ssh's own code for its errors
    } else {
      why += " ended with ";
      why += r.DescribeEnd();
      why += " and printed nothing on stdout: ";
    }
    why += err_tail;
    return all_error(why, r.wall_s);
  }
  if (!parsed.ok()) {
    // Past the bytes kept of each stream (64 MiB, RunSubprocess) the rest was dropped: the document's
    // syntax error is the cut's, not the probe's (VER5: before, only "... syntax error ...").
    const std::string cut_note =
        r.output_truncated ? "; its output passed the 64 MiB kept of each stream and was cut there, so the "
                             "document is incomplete: a probe printed far more than a result document"
                           : "";
    return all_error(who + " ended with " + r.DescribeEnd() + " and printed no valid result document (" +
                         parsed.status().message() + ")" + cut_note + stderr_note,
                     r.wall_s);
  }
  std::map<std::string, ProbeResult> by_probe;
  for (ProbeResult& p : parsed->results) {
    // vigil-probe reports 0 s for an answer that ran no test ("no usable GPU", "GPU 7 does not
    // exist"); the run still took its time (starting CUDA to find no GPU: 0.1-6 s here), which the
    // plan's timings count. A run of one probe is that probe's time.
    if (p.status == ProbeStatus::kUnavailable && !(p.duration_s > 0) && request.probes.size() == 1) {
      p.duration_s = r.wall_s;
    }
    by_probe.emplace(p.probe, std::move(p));
  }
  // Entries that did not validate (a valid one of the same name is kept).
  std::string unnamed;  // why entries with no probe name could not be read
  for (const auto& [name, why] : parsed->invalid) {
    if (name.empty()) {
      unnamed += "; " + why;
    } else {
      by_probe.emplace(name, MakeProbeResult(name, request.target, ProbeStatus::kError,
                                             who + " printed a result for " + name + " that is not valid (" + why + ")",
                                             r.wall_s));
    }
  }
  for (const std::string& p : request.probes) {
    auto it = by_probe.find(p);
    if (it == by_probe.end()) {
      out.push_back(MakeProbeResult(
          p, request.target, ProbeStatus::kError,
          who + " printed no result for " + p + " (" + r.DescribeEnd() + unnamed + ")" + stderr_note, r.wall_s));
    } else {
      // A copy: a probe named twice (`gpu.health,gpu.health`) gets its result twice; moved out,
      // the second was an empty result with no name and no reason.
      out.push_back(it->second);
    }
  }
  return out;
}

}  // namespace vigil
