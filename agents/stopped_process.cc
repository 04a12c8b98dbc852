#include "agents/stopped_process.h"

#include <regex>
#include <sstream>
#include <vector>

#include "agents/line_words.h"
#include "core/parse.h"

namespace vigil {
namespace {

bool AllDigits(const std::string& s) {
  if (s.empty() || s.size() > 10) return false;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return false;
  }
  return true;
}

int64_t Pid(const std::string& s) { return ParseInt(s).value_or(-1); }

}  // namespace

int LocalRankOfCommand(std::string_view line) {
  if (line.size() > 2000) return -1;
  if (line.find("ocal_rank") == std::string_view::npos && line.find("ocal-rank") == std::string_view::npos &&
      line.find("LOCAL_RANK") == std::string_view::npos)
    return -1;
  static const std::regex kRank(R"((?:--local[_-]rank[= ]\s*|\bLOCAL_RANK=)(\d{1,3})\b)");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_search(line.begin(), line.end(), m, kRank)) return -1;
  return static_cast<int>(ParseInt(m.str(1)).value_or(-1));
}

int LocalRankOfPid(const std::vector<std::string>& lines, int64_t pid) {
  if (pid < 0) return -1;
  const std::string p = std::to_string(pid);
  int found = -1;
  for (const std::string& line : lines) {
    if (line.size() > 2000 || line.find(p) == std::string::npos) continue;
    const std::vector<std::string> w = LineWords(line);
    if (!((w.size() > 0 && w[0] == p) || (w.size() > 1 && w[1] == p))) continue;
    const int rank = LocalRankOfCommand(line);
    if (rank < 0) continue;
    if (found >= 0 && found != rank) return -1;
    found = rank;
  }
  return found;
}

std::optional<StoppedProcess> StoppedProcessReader::Read(std::string_view line) {
  if (line.size() > 2000) return std::nullopt;
  const std::string s(line);
  std::smatch m;
  // A command that reads a process's status file names the pid of the State line below it.
  static const std::regex kStatusFile(R"(/proc/(\d+)/status\b)");
  if (s.find("/proc/") != std::string::npos && std::regex_search(s, m, kStatusFile)) {
    status_pid_ = Pid(m.str(1));
  }
  // A ps table: the header names the columns; a row whose pid column is no number ends the table.
  const std::vector<std::string> w = LineWords(line);
  // A ps command's own field list names them too, where the header is not printed (`ps -eo
  // pid,stat,etime,user,cmd | grep python`, `ps -o pid=,stat=`, `ps --format pid,stat,args`).
  static const std::regex kPsFields(R"(\bps\b[^|;]*?\s(?:-e?o|--format|-o)\s+([a-z%=]+(?:,[a-z%=]+)+))");
  if (s.find("ps") != std::string::npos && std::regex_search(s, m, kPsFields)) {
    int pid_col = -1, stat_col = -1, i = 0;
    std::istringstream in{m.str(1)};
    for (std::string f; std::getline(in, f, ','); ++i) {
      if (!f.empty() && f.back() == '=') f.pop_back();
      if (f == "pid") pid_col = i;
      if (f == "stat" || f == "s" || f == "state") stat_col = i;
    }
    pid_col_ = pid_col >= 0 && stat_col >= 0 ? pid_col : -1;
    stat_col_ = pid_col_ >= 0 ? stat_col : -1;
    return std::nullopt;
  }
  // Any row that starts with a pid and names a local rank ties the two (a ps row under no header).
  if (!w.empty() && AllDigits(w[0])) {
    if (const int rank = LocalRankOfCommand(line); rank >= 0) local_rank_of_[Pid(w[0])] = rank;
  }
  {
    int pid_col = -1, stat_col = -1;
    for (size_t i = 0; i < w.size(); ++i) {
      if (w[i] == "PID") pid_col = static_cast<int>(i);
      if (w[i] == "STAT" || w[i] == "S" || w[i] == "STATE") stat_col = static_cast<int>(i);
    }
    if (pid_col >= 0 && stat_col >= 0) {
      pid_col_ = pid_col;
      stat_col_ = stat_col;
      return std::nullopt;
    }
  }
  std::optional<StoppedProcess> out;
  if (pid_col_ >= 0) {
    const size_t need = static_cast<size_t>(std::max(pid_col_, stat_col_));
    if (w.size() <= need || !AllDigits(w[pid_col_])) {
      pid_col_ = stat_col_ = -1;
    } else {
      static const std::regex kStat(R"([RSDTtZXIWP][<NLslI+]*)");
      const std::string& stat = w[stat_col_];
      const int64_t pid = Pid(w[pid_col_]);
      const int rank = LocalRankOfCommand(line);
      if (rank >= 0) local_rank_of_[pid] = rank;
      if (std::regex_match(stat, kStat) && (stat[0] == 'R' || stat[0] == 'S' || stat[0] == 'D' || stat[0] == 'I')) running_.insert(pid);
      if ((stat[0] == 'T' || stat[0] == 't') && std::regex_match(stat, kStat)) {
        out = StoppedProcess{pid, rank, "ps STAT " + stat + (stat[0] == 't' ? " (tracing stop)" : " (stopped)")};
      }
    }
  }
  if (!out && s.find("State:") != std::string::npos) {
    static const std::regex kState(R"(^\s*State:\s*([tT])\s*\((stopped|tracing stop)\))");
    if (std::regex_search(s, m, kState)) out = StoppedProcess{status_pid_, -1, "State: " + m.str(1) + " (" + m.str(2) + ")"};
  }
  if (!out && s.find("Stopped") != std::string::npos) {
    static const std::regex kJob(R"(^\s*\[(\d{1,4})\][+-]?\s+Stopped\b(?:\s*\([A-Za-z ]+\))?\s+(.*))");
    if (std::regex_search(s, m, kJob)) {
      out = StoppedProcess{-1, LocalRankOfCommand(m.str(2)), "shell job Stopped"};
      out->job = last_job_ = static_cast<int>(Pid(m.str(1)));
    }
  }
  // A stopped job resumed (RV2): `fg` / `bg` typed at a prompt (of job %N, or the last one stopped), bash's
  // "[N]+ cmd &" after `bg`, or `jobs`' "[N]+  Running ...".
  if (!out && s.size() <= 300 && (s.find("fg") != std::string::npos || s.find("bg") != std::string::npos ||
                                  s.find("&") != std::string::npos || s.find("Running") != std::string::npos)) {
    static const std::regex kTyped(R"((?:^|[$#>]\s*)(?:fg|bg)(?:\s+%?(\d{1,4}))?\s*$)");
    static const std::regex kJobRuns(R"(^\s*\[(\d{1,4})\][+-]?\s+(?:Running\s+\S.*|(?!Stopped|Done|Exit|Terminated|Killed)\S.*&)\s*$)");
    if (std::regex_search(s, m, kTyped)) {
      const int job = m[1].matched ? static_cast<int>(Pid(m.str(1))) : last_job_;
      if (job >= 0) resumed_jobs_.insert(job);
    } else if (std::regex_search(s, m, kJobRuns)) {
      resumed_jobs_.insert(static_cast<int>(Pid(m.str(1))));
    }
  }
  if (!out && (s.find("gdb") != std::string::npos || s.find("Attaching to") != std::string::npos)) {
    static const std::regex kAttach(R"(\bAttaching to (?:process|program:?[^,]*,\s*process)\s+(\d+)\b)");
    static const std::regex kGdb(R"(\bgdb\b[^|;&]*?\s(?:-p\s*|--pid[= ]\s*|attach\s+)(\d+)\b)");
    // RV2: gdb in batch mode (a stack dump: `gdb -p PID -batch -ex 'thread apply all bt'`) detaches
    // when its commands are done: the process was paused for the dump only, as under py-spy.
    static const std::regex kBatch(R"(\bgdb\b[^|;&]*?\s--?batch\b)");
    if (std::regex_search(s, m, kGdb) && std::regex_search(s, kBatch)) {
      released_.insert(Pid(m.str(1)));
    } else if (std::regex_search(s, m, kAttach) || std::regex_search(s, m, kGdb)) {
      out = StoppedProcess{Pid(m.str(1)), -1, "gdb attach"};
    }
  }
  // gdb's own word that it let the process go: "[Inferior 1 (process N) detached]", "Detaching from
  // process N", "Detaching from program: /usr/bin/python3, process N" (RV2).
  if (!out && s.find("etach") != std::string::npos) {
    static const std::regex kDetached(
        R"(\[Inferior \d+ \(process (\d+)\) detached\]|\bDetaching from (?:process|program:?[^,]*,\s*process)\s+(\d+)\b)");
    if (std::regex_search(s, m, kDetached)) released_.insert(Pid(m.str(m[1].matched ? 1 : 2)));
  }
  if (!out && s.find("kill") != std::string::npos) {
    static const std::regex kStop(R"(\bkill\s+(?:-(?:SIG)?(?:STOP|TSTP)|-s\s+(?:SIG)?(?:STOP|TSTP)|-19|-20)\s+(\d+)\b)");
    if (std::regex_search(s, m, kStop)) out = StoppedProcess{Pid(m.str(1)), -1, "kill -STOP"};
    static const std::regex kCont(R"(\bkill\s+(?:-(?:SIG)?CONT|-s\s+(?:SIG)?CONT|-18)\s+(\d+)\b)");
    if (std::regex_search(s, m, kCont)) resumed_.insert(Pid(m.str(1)));
  }
  if (out && out->local_rank < 0 && out->pid >= 0) {
    if (auto it = local_rank_of_.find(out->pid); it != local_rank_of_.end()) out->local_rank = it->second;
  }
  return out;
}

bool StoppedProcessReader::Resumed(int64_t pid) const {
  return pid >= 0 && (resumed_.count(pid) > 0 || released_.count(pid) > 0);
}

bool StoppedProcessReader::SeenRunning(int64_t pid) const { return pid >= 0 && running_.count(pid) > 0; }

bool StoppedProcessReader::ResumedJob(int job) const { return job >= 0 && resumed_jobs_.count(job) > 0; }

}  // namespace vigil
