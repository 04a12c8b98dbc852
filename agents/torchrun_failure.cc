#include "agents/torchrun_failure.h"

#include <regex>

#include "core/parse.h"

namespace vigil {

namespace {

// The signal a traceback value names: "Signal 6 (SIGABRT) received by PID 91638" -> 6; a name alone
// ("SIGSEGV") by its Linux number; -1 when none.
int TracebackSignal(const std::string& value) {
  static const std::regex kNumber(R"(\bSignal (\d{1,2})\b)");
  static const std::regex kName(R"(\bSIG(HUP|INT|QUIT|ILL|TRAP|ABRT|BUS|FPE|KILL|USR1|SEGV|USR2|PIPE|ALRM|TERM)\b)");
  std::smatch m;
  if (std::regex_search(value, m, kNumber)) return ParseInt32(m.str(1)).value_or(-1);
  if (!std::regex_search(value, m, kName)) return -1;
  static const char* const kNames[] = {"HUP",  "INT",  "QUIT", "ILL",  "TRAP", "ABRT", "BUS",  "FPE",
                                       "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM"};
  for (int i = 0; i < 15; ++i) {
    if (m.str(1) == kNames[i]) return i + 1;
  }
  return -1;
}

}  // namespace

std::vector<TorchrunFailure> FindTorchrunFailures(const std::vector<std::string>& lines) {
  static const std::regex kEntry(R"(^\s*(?:(\d{1,5}):\s*)?\[\d+\]:\s*$)");
  static const std::regex kField(
      R"(^\s*(?:(\d{1,5}):\s*)?(time|host|rank|exitcode|error_file|traceback)\s*:\s*(.*?)\s*$)");
  static const std::regex kRankField(R"(^(\d+)(?:\s*\(local_rank\s*:\s*(\d+)\))?)");
  static const std::regex kPid(R"(\(pid\s*:\s*(\d+)\))");
  static const std::regex kExitCode(R"(^(-?\d{1,4})\b)");
  static const std::regex kTime(R"(^(\d{4}-\d{2}-\d{2})_(\d{2}:\d{2}:\d{2})$)");
  constexpr size_t kMaxEntryLines = 8;
  std::vector<TorchrunFailure> out;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::smatch h;
    if (lines[i].size() > 40 || !std::regex_match(lines[i], h, kEntry)) continue;
    const std::string label = h.str(1);  // srun's task label, "" when none
    TorchrunFailure f;
    f.first_line = f.last_line = i;
    for (size_t k = i + 1; k < lines.size() && k <= i + kMaxEntryLines; ++k) {
      std::smatch m;
      if (lines[k].size() > 400 || !std::regex_match(lines[k], m, kField) || m.str(1) != label) break;
      f.last_line = k;
      std::string key = m.str(2), value = m.str(3);
      std::smatch v;
      if (key == "host") f.host = value.substr(0, value.find_first_of(" \t"));
      else if (key == "rank" && std::regex_search(value, v, kRankField)) {
        f.rank = ParseInt32(v.str(1)).value_or(-1);
        if (v[2].matched) f.local_rank = ParseInt32(v.str(2)).value_or(-1);
      } else if (key == "exitcode") {
        if (std::regex_search(value, v, kPid)) f.pid = static_cast<long>(ParseInt(v.str(1)).value_or(-1));
        if (std::regex_search(value, v, kExitCode)) {
          if (const std::optional<int32_t> code = ParseInt32(v.str(1))) f.exit_code = *code;
        }
      } else if (key == "traceback") {
        f.signal = TracebackSignal(value);
      } else if (key == "time" && std::regex_match(value, v, kTime)) {
        f.time = v.str(1) + " " + v.str(2);
      }
    }
    if (!f.host.empty() || f.rank >= 0) out.push_back(f);
  }
  // The agent's own line for a worker that failed (torch.distributed.elastic.multiprocessing.api:
  // "failed (exitcode: -11) local_rank: 4 (pid: 41877) of binary: /usr/bin/python3"), printed
  // before the "Root Cause" report and also when that report is cut off or not collected (RG4,
  // realistic8 rl8-04): an entry of its own with the local rank and pid (no global rank), its host
  // the last "[host]:" label before it when the line has one (srun / pdsh output gathered into one
  // file); else empty, for the caller to take the log's node. A report entry with the same pid
  // already says it (with the global rank): no second entry then, the line is in that entry's
  // agent_lines.
  static const std::regex kAgentFailed(R"(\bfailed \(exitcode: (-?\d{1,4})\) local_rank: (\d{1,4}) \(pid:\s*(\d{1,9})\))");
  static const std::regex kHostLabel(R"(\[([A-Za-z][\w.-]{0,62})\]:)");
  const size_t reported = out.size();
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& t = lines[i];
    std::smatch m;
    if (t.size() > 1000 || t.find("local_rank: ") == std::string::npos || !std::regex_search(t, m, kAgentFailed)) continue;
    TorchrunFailure f;
    f.first_line = f.last_line = i;
    f.agent_line = true;
    if (const std::optional<int32_t> code = ParseInt32(m.str(1))) f.exit_code = *code;
    f.local_rank = ParseInt32(m.str(2)).value_or(-1);
    f.pid = static_cast<long>(ParseInt(m.str(3)).value_or(-1));
    if (f.local_rank < 0 || f.pid < 0) continue;
    const std::string before = t.substr(0, static_cast<size_t>(m.position(0)));
    for (auto it = std::sregex_iterator(before.begin(), before.end(), kHostLabel); it != std::sregex_iterator(); ++it) {
      f.host = (*it)[1].str();
    }
    bool known = false;
    for (size_t k = 0; k < reported; ++k) {
      if (out[k].pid != f.pid) continue;
      known = true;
      out[k].agent_lines.push_back(i);
    }
    if (!known) out.push_back(f);
  }
  return out;
}

}  // namespace vigil
