#include "agents/rank_exit.h"

#include <map>
#include <optional>
#include <regex>

namespace vigil {
namespace {

// The rank a line is labelled with and the text after the label: srun -l's "30: ", PyTorch's
// "[rank30]:" (either or both); nullopt for an unlabelled line. `bare_rank_prefix`: PyTorch's prefix
// without its colon counts too ("[rank45] Fatal Python error", as a rank's fault handler prints it).
std::optional<std::pair<int, std::string>> Labelled(const std::string& line, bool bare_rank_prefix = false) {
  static const std::regex kLabel(R"(^\s*(?:(\d{1,6}):\s)?\s*(?:\[rank(\d{1,6})\]:)?\s?(.*)$)", std::regex::icase);
  static const std::regex kBareLabel(R"(^\s*(?:(\d{1,6}):\s)?\s*(?:\[rank(\d{1,6})\]:?)?\s?(.*)$)", std::regex::icase);
  std::smatch m;
  if (line.size() > 2000 || !std::regex_match(line, m, bare_rank_prefix ? kBareLabel : kLabel)) return std::nullopt;
  if (!m[1].matched && !m[2].matched) return std::nullopt;
  return std::make_pair(std::stoi(m[2].matched ? m.str(2) : m.str(1)), m.str(3));
}

bool IsTimeout(const std::string& line) {
  static const std::regex kTimeout(
      R"(Watchdog caught collective operation timeout|collective operation timeout|\bTimeout\(ms\)=\d+.*timing out|)"
      R"(\bNCCL\b.*\btimed? ?out\b)",
      std::regex::icase);
  return line.size() <= 4000 && std::regex_search(line, kTimeout);
}

}  // namespace

OwnExceptionLines OwnExceptions(const std::vector<std::string>& lines) {
  // The last line of a traceback: an exception's name (dotted module path allowed) and its message.
  static const std::regex kException(R"(^(?:[A-Za-z_]\w*\.)*([A-Z]\w*(?:Error|Exception))(?::\s.*)?$)");
  static const std::regex kNotOwn(
      R"(^(?:Dist\w*Error|ChildFailedError|OutOfMemoryError|AcceleratorError)$)");
  static const std::regex kOtherCategory(
      R"(cuda|nccl|\becc\b|out of memory|\bnan\b|\binf\b|non-finite|timed? ?out|timeout|watchdog|processgroup|)"
      R"(collective|\bxid\b|device|gpu|illegal memory|socket|connection|)"
      // A file system that refused the write (a quota, a full disk, an I/O error) is storage's.
      R"(quota|no space|\bi/?o ?error|input/output|read-only file system|stale file handle|memory)",
      std::regex::icase);
  std::map<int, bool> traceback;  // rank -> a traceback of that rank opened
  std::map<int, size_t> raised;   // rank -> its exception's line
  for (size_t i = 0; i < lines.size(); ++i) {
    std::optional<std::pair<int, std::string>> l = Labelled(lines[i]);
    if (!l) continue;
    const std::string& body = l->second;
    if (body.find("Traceback (most recent call last)") != std::string::npos) {
      traceback[l->first] = true;
      continue;
    }
    std::smatch m;
    if (!traceback[l->first] || !std::regex_match(body, m, kException)) continue;
    traceback[l->first] = false;
    if (std::regex_match(m.str(1), kNotOwn) || std::regex_search(body, kOtherCategory)) return std::nullopt;
    raised.emplace(l->first, i);
  }
  return raised;
}

namespace {

// An IB / network completion error as a peer of a vanished process prints it.
bool IsPeerNetError(const std::string& line) {
  static const std::regex kPeer(
      R"(Got completion from peer|IBV_WC_RETRY_EXC_ERR|transport retry counter exceeded|ncclRemoteError|)"
      R"(remote process exited or there was a network error)",
      std::regex::icase);
  return line.size() <= 4000 && std::regex_search(line, kPeer);
}

// A peer's report that the collective lost a participant: its timeout, or NCCL's remote error.
bool IsPeerReport(const std::string& line) {
  static const std::regex kRemote(R"(remote process exited|\bremote peer\b.*\b(?:closed|exited|reset)\b)", std::regex::icase);
  return IsTimeout(line) || (line.size() <= 4000 && std::regex_search(line, kRemote));
}

// The finding for `rank`'s line `at` when every peer line (`is_peer`) comes after it: by at least 30
// s when both print a time, else by line order; at least one must. A peer line of `rank` itself
// refutes it (`own_line_refutes`) or is skipped.
RankExitBeforeTimeouts BeforePeers(const std::vector<std::string>& lines, const std::vector<int64_t>& times_ms,
                                   int64_t no_time, int rank, size_t at, bool (*is_peer)(const std::string&),
                                   bool own_line_refutes) {
  RankExitBeforeTimeouts out;
  bool any = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!is_peer(lines[i])) continue;
    std::optional<std::pair<int, std::string>> l = Labelled(lines[i]);
    if (l && l->first == rank) {
      if (own_line_refutes) return {};
      continue;
    }
    const int64_t te = i < times_ms.size() ? times_ms[i] : no_time;
    const int64_t tx = at < times_ms.size() ? times_ms[at] : no_time;
    if (te != no_time && tx != no_time) {
      if (tx > te - 30'000) return {};
    } else if (i < at) {
      return {};
    }
    if (!any) out.timeout_line = i;
    any = true;
  }
  if (!any) return {};
  out.found = true;
  out.rank = rank;
  out.line = at;
  return out;
}

}  // namespace

RankExitBeforeTimeouts FindRankSignalBeforePeers(const std::vector<std::string>& lines,
                                                 const std::vector<int64_t>& times_ms, int64_t no_time) {
  static const std::regex kOwnSignal(
      R"(^(?:Fatal Python error: (?:Segmentation fault|Bus error|Floating point exception|Illegal instruction)\b|)"
      R"((?:\[\S+\]\s*)?(?:Segmentation fault|Bus error|Illegal instruction|Floating point exception) \(core dumped\)|)"
      R"(.*\bCaught signal 11 \(Segmentation fault|.*\breceived signal SIG(?:SEGV|BUS|ILL|FPE)\b|\*\*\* SIG(?:SEGV|BUS|ILL|FPE)\b))");
  std::map<int, size_t> died;  // rank -> its first fatal-signal line
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& t = lines[i];
    if (t.find("Segmentation") == std::string::npos && t.find("Bus error") == std::string::npos &&
        t.find("Illegal instruction") == std::string::npos && t.find("Floating point") == std::string::npos &&
        t.find("SIG") == std::string::npos) {
      continue;
    }
    // The rank's label as its fault handler prints it: "[rank45] " (PyTorch's prefix, colon or
    // not), srun -l's "45: ", or both.
    const std::optional<std::pair<int, std::string>> l = Labelled(t, /*bare_rank_prefix=*/true);
    if (!l || !std::regex_search(l->second, kOwnSignal)) continue;
    died.emplace(l->first, i);
  }
  if (died.size() != 1) return {};
  // The dying rank's own watchdog line (its other threads) is skipped, not a refutation.
  return BeforePeers(lines, times_ms, no_time, died.begin()->first, died.begin()->second, IsPeerReport,
                     /*own_line_refutes=*/false);
}

RankExitBeforeTimeouts FindRankExitBeforeTimeouts(const std::vector<std::string>& lines,
                                                  const std::vector<int64_t>& times_ms, int64_t no_time) {
  return FindRankExitBeforeTimeouts(lines, times_ms, no_time, OwnExceptions(lines));
}

RankExitBeforeTimeouts FindRankExitBeforeTimeouts(const std::vector<std::string>& lines,
                                                  const std::vector<int64_t>& times_ms, int64_t no_time,
                                                  const OwnExceptionLines& raised) {
  if (!raised || raised->size() != 1) return {};
  // The rank itself waited (a timeout of its own): not one that left.
  return BeforePeers(lines, times_ms, no_time, raised->begin()->first, raised->begin()->second, IsTimeout,
                     /*own_line_refutes=*/true);
}

RankExitBeforePeerErrors FindRankExitBeforePeerErrors(const std::vector<std::vector<std::string>>& logs,
                                                      const std::vector<std::vector<int64_t>>& times_ms,
                                                      int64_t no_time) {
  std::vector<OwnExceptionLines> raised;
  raised.reserve(logs.size());
  for (const std::vector<std::string>& lines : logs) {
    raised.push_back(OwnExceptions(lines));
    if (!raised.back()) break;  // read no further: the finding is refused at this log
  }
  return FindRankExitBeforePeerErrors(logs, times_ms, no_time, raised);
}

RankExitBeforePeerErrors FindRankExitBeforePeerErrors(const std::vector<std::vector<std::string>>& logs,
                                                      const std::vector<std::vector<int64_t>>& times_ms,
                                                      int64_t no_time, const std::vector<OwnExceptionLines>& raised_of) {
  RankExitBeforePeerErrors out;
  int rank = -1;
  for (size_t g = 0; g < logs.size(); ++g) {
    if (g >= raised_of.size()) return {};
    const OwnExceptionLines& raised = raised_of[g];
    if (!raised) return {};
    for (const auto& [r, line] : *raised) {
      if (rank >= 0 && r != rank) return {};  // two ranks raising: no single rank left first
      if (rank < 0) {
        rank = r;
        out.log = g;
        out.line = line;
      }
    }
  }
  if (rank < 0) return {};
  auto time_of = [&](size_t g, size_t i) {
    return g < times_ms.size() && i < times_ms[g].size() ? times_ms[g][i] : no_time;
  };
  const int64_t tx = time_of(out.log, out.line);
  bool any = false;
  for (size_t g = 0; g < logs.size(); ++g) {
    for (size_t i = 0; i < logs[g].size(); ++i) {
      if (!IsPeerNetError(logs[g][i])) continue;
      std::optional<std::pair<int, std::string>> l = Labelled(logs[g][i]);
      if (l && l->first == rank) return {};  // the rank itself saw the network fail: not one that left
      const int64_t te = time_of(g, i);
      if (te != no_time && tx != no_time) {
        if (tx > te) return {};
      } else if (g == out.log && i < out.line) {
        return {};
      }
      if (!any) {
        out.error_log = g;
        out.error_line = i;
      }
      any = true;
    }
  }
  if (!any) return {};
  out.found = true;
  out.rank = rank;
  return out;
}

}  // namespace vigil
