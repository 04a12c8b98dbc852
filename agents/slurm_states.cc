#include "agents/slurm_states.h"

#include <regex>
#include <string_view>

#include "core/ascii.h"

namespace vigil {

namespace {

// The host srun's "Node failure on HOST" names, or "" (one host: a host list "n-[01,03]" names no
// one node).
std::string SrunNodeFailureHost(const std::string& line) {
  if (line.size() > 2000 || line.find("Node failure on ") == std::string::npos) return "";
  static const std::regex kSrunNodeFail(R"(\bsrun: error: Node failure on ([A-Za-z0-9._-]+)\s*$)");
  std::smatch m;
  return std::regex_search(line, m, kSrunNodeFail) ? m.str(1) : "";
}

// ReadSlurmKill; `*stepd` says whether the line is slurmstepd's (a plain STEP's too, whose end is none).
SlurmKill ReadKill(const std::string& line, bool* stepd) {
  SlurmKill k;
  *stepd = false;
  if (line.size() > 2000) return k;
  if (line.find("***") != std::string::npos) {
    // A plain "*** STEP ... CANCELLED AT ... ***" is srun ending a step after a task failed: no end.
    // The node failure's line goes on: "DUE TO NODE FAILURE, SEE SLURMCTLD LOG FOR DETAILS ***".
    static const std::regex kStepd(
        R"(\*\*\* (JOB|STEP) \S+ ON \S+ CANCELLED AT (\S+)(?: DUE TO (TIME LIMIT|PREEMPTION|NODE FAILURE|JOB REQUEUE)(?:, [A-Z ]{1,60})?)?(?: by \S+)? ?\*\*\*)");
    std::smatch m;
    if (std::regex_search(line, m, kStepd)) {
      const std::string why = m.str(3);
      k.end = why == "TIME LIMIT"     ? SlurmJobEnd::kTimeLimit
              : why == "PREEMPTION"   ? SlurmJobEnd::kPreempted
              : why == "NODE FAILURE" ? SlurmJobEnd::kNodeFail
              : why == "JOB REQUEUE"  ? SlurmJobEnd::kRequeued
              : m.str(1) == "JOB"     ? SlurmJobEnd::kCancelled
                                      : SlurmJobEnd::kNone;
      if (k.end != SlurmJobEnd::kNone) k.at = m.str(2);
      *stepd = true;
      return k;
    }
  }
  if (line.find("Time limit exhausted for JobId=") != std::string::npos) k.end = SlurmJobEnd::kTimeLimit;
  // srun's own word when slurmctld tells it a node of its step failed (src/api/step_launch.c's node
  // fail handler: "srun: error: Node failure on tern-b200-15"): the step ends NODE_FAIL there, as
  // slurmstepd's "DUE TO NODE FAILURE" (PLC46, realistic43 rl43-25: it was not read, and the
  // peers' watchdog timeouts answered nccl_collective_hang for a node that lost power).
  if (k.end == SlurmJobEnd::kNone && !SrunNodeFailureHost(line).empty()) k.end = SlurmJobEnd::kNodeFail;
  // slurmctld's requeues (job_mgr.c; JobId as %pJ prints it: "JobId=71021", "JobId=71021_3(71024)"):
  // "_job_requeue_op: requeue JobId=N per user/system request" (scontrol requeue, an admin's or a
  // health check's), "requeue job JobId=N due to failure of node X" and "_requeue_job_node_failed:
  // requeue JobId=N due to node failure" (the node's), "preempted JobId=N has been requeued".
  if (k.end == SlurmJobEnd::kNone && line.find("equeue") != std::string::npos) {
    static const std::regex kCtldRequeue(
        R"(\brequeue (?:job )?JobId=\d\S* (?:(per user/system request)|due to (?:failure of node \S+|node failure)))");
    static const std::regex kPreemptRequeued(R"(\bpreempted JobId=\d\S* has been requeued\b)");
    std::smatch m;
    if (std::regex_search(line, m, kCtldRequeue)) {
      k.end = m[1].matched ? SlurmJobEnd::kRequeued : SlurmJobEnd::kNodeFail;
    } else if (std::regex_search(line, kPreemptRequeued)) {
      k.end = SlurmJobEnd::kPreempted;
    }
  }
  return k;
}

}  // namespace

SlurmKill ReadSlurmKill(const std::string& line) {
  bool stepd = false;
  return ReadKill(line, &stepd);
}

SlurmJobEnd ReadSlurmJobEnd(const std::string& line) { return ReadSlurmJobEndAt(line).end; }

SlurmKill ReadSlurmJobEndAt(const std::string& line) {
  if (line.size() > 2000) return {};
  std::smatch m;
  bool stepd = false;
  if (const SlurmKill k = ReadKill(line, &stepd); k.end != SlurmJobEnd::kNone || stepd) return k;
  auto state = [](const std::string& s) {
    if (s == "TIMEOUT") return SlurmJobEnd::kTimeLimit;
    if (s == "OUT_OF_MEMORY" || s == "OUT_OF_ME+") return SlurmJobEnd::kOutOfMemory;
    if (s == "NODE_FAIL") return SlurmJobEnd::kNodeFail;
    if (s == "PREEMPTED") return SlurmJobEnd::kPreempted;
    if (s == "CANCELLED") return SlurmJobEnd::kCancelled;
    // sacct prints a 10-character column: REQUEUE_H+, REQUEUE_F+.
    if (s == "REQUEUED" || s.rfind("REQUEUE_", 0) == 0) return SlurmJobEnd::kRequeued;
    return SlurmJobEnd::kNone;
  };
  static const std::regex kTime(R"(\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\b)");
  if (line.find("JobState=") != std::string::npos) {
    static const std::regex kJobState(R"((?:^|\s)JobState=([A-Z_+]+))");
    static const std::regex kEndTime(R"((?:^|\s)EndTime=(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\b)");
    if (std::regex_search(line, m, kJobState)) {
      SlurmKill k{state(m.str(1)), ""};
      if (k.end != SlurmJobEnd::kNone && std::regex_search(line, m, kEndTime)) k.at = m.str(1);
      return k;
    }
  }
  // A job's own sacct / squeue row: its id first (an array task "71021_3", a het component "71021+0",
  // not a step "71021.0"), the state a whole word of the row (also right after the id, one space
  // between, as `squeue -o '%i %T'` prints it: DEF5).
  static const std::regex kRow(R"(^\s*\d+(?:_\d+)?(?:\+\d+)?(?:[\s|]|[\s|].*?[\s|])(TIMEOUT|OUT_OF_MEMORY|OUT_OF_ME\+|NODE_FAIL|PREEMPTED|CANCELLED|REQUEUED|REQUEUE_HOLD|REQUEUE_FED|REQUEUE_[HF]\+)(?=[\s|]|$|\+))");
  if (std::regex_search(line, m, kRow)) {
    SlurmKill k{state(m.str(1)), ""};
    // The row's latest time is its End (same-format times order as text).
    for (auto it = std::sregex_iterator(line.begin(), line.end(), kTime); it != std::sregex_iterator(); ++it) {
      if (it->str() > k.at) k.at = it->str();
    }
    return k;
  }
  return {};
}

std::string ScontrolRecordEndTime(const std::vector<std::string>& lines) {
  static const std::regex kEndTime(R"((?:^|\s)EndTime=(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\b)");
  static const std::regex kNextRecord(R"(^\s*JobId=)");
  for (const std::string& line : lines) {
    if (line.size() > 2000) continue;
    if (line.find_first_not_of(" \t\r") == std::string::npos || std::regex_search(line, kNextRecord)) break;
    std::smatch m;
    if (line.find("EndTime=") != std::string::npos && std::regex_search(line, m, kEndTime)) return m.str(1);
  }
  return "";
}

const char* SlurmJobEndName(SlurmJobEnd end) {
  switch (end) {
    case SlurmJobEnd::kTimeLimit: return "TIMEOUT";
    case SlurmJobEnd::kOutOfMemory: return "OUT_OF_MEMORY";
    case SlurmJobEnd::kNodeFail: return "NODE_FAIL";
    case SlurmJobEnd::kPreempted: return "PREEMPTED";
    case SlurmJobEnd::kCancelled: return "CANCELLED";
    case SlurmJobEnd::kRequeued: return "REQUEUED";
    case SlurmJobEnd::kNone: break;
  }
  return "";
}

std::vector<SlurmFailedNode> SlurmNodeStateReader::Read(const std::string& line) {
  std::vector<SlurmFailedNode> out;
  if (line.size() > 2000) return out;
  std::smatch m;
  static const std::regex kHost(R"(^[A-Za-z0-9._-]+$)");
  auto single = [](const std::string& h) { return std::regex_match(h, kHost); };
  // slurmctld.
  static const std::regex kKilling(R"(\bKilling JobId=\d+\S* on failed node (\S+))");
  static const std::regex kNotResponding(R"(\bNodes? (\S+) not responding\b)");
  static const std::regex kKillTask(R"(\bNode (\S+)\b.*\bKill task failed\b)");
  static const std::regex kRequeueNode(R"(\brequeue job JobId=\d\S* due to failure of node (\S+))");
  if (line.find("failed node") != std::string::npos && std::regex_search(line, m, kKilling) && single(m.str(1))) {
    out.push_back({m.str(1), ""});
    return out;
  }
  if (line.find("not responding") != std::string::npos && std::regex_search(line, m, kNotResponding) &&
      single(m.str(1))) {
    out.push_back({m.str(1), "Not responding"});
    return out;
  }
  if (line.find("failure of node") != std::string::npos && std::regex_search(line, m, kRequeueNode) &&
      single(m.str(1))) {
    out.push_back({m.str(1), ""});
    return out;
  }
  if (line.find("Kill task failed") != std::string::npos && std::regex_search(line, m, kKillTask) && single(m.str(1))) {
    out.push_back({m.str(1), "Kill task failed"});
    return out;
  }
  if (std::string host = SrunNodeFailureHost(line); !host.empty()) {
    out.push_back({std::move(host), "Node failure (srun)"});
    return out;
  }
  // scontrol show node: NodeName= starts a record; State= and Reason= may follow on later lines.
  static const std::regex kNodeName(R"((?:^|\s)NodeName=(\S+))");
  static const std::regex kState(R"((?:^|\s)State=([A-Z_+*]+))");
  static const std::regex kReason(R"((?:^|\s)Reason=(.*?)(?:\s*\[[^\]]*\])?\s*$)");
  bool record_line = false;
  if (line.find("NodeName=") != std::string::npos && std::regex_search(line, m, kNodeName)) {
    node_ = m.str(1);
    state_.clear();
    reason_.clear();
    said_ = false;
    record_line = true;
  }
  if (!node_.empty() && line.find("State=") != std::string::npos && std::regex_search(line, m, kState) &&
      line.find("JobState=") == std::string::npos) {
    state_ = m.str(1);
    record_line = true;
  }
  if (!node_.empty() && line.find("Reason=") != std::string::npos && std::regex_search(line, m, kReason)) {
    reason_ = m.str(1);
    record_line = true;
  }
  if (record_line) {
    const bool failed = state_.find("DOWN") != std::string::npos || state_.find("DRAIN") != std::string::npos ||
                        state_.find("FAIL") != std::string::npos || state_.find('*') != std::string::npos ||
                        state_.find("NOT_RESPONDING") != std::string::npos;
    if (failed && !reason_.empty() && !said_ && single(node_)) {
      out.push_back({node_, reason_});
      said_ = true;
    }
    return out;
  }
  // sinfo -R: REASON USER TIMESTAMP NODELIST.
  static const std::regex kSinfo(R"(^\s*(\S.*?)\s+\S+\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\s+(\S+)\s*$)");
  if (line.find('T') != std::string::npos && std::regex_search(line, m, kSinfo) && single(m.str(2)) &&
      m.str(1) != "REASON") {
    out.push_back({m.str(2), m.str(1)});
  }
  return out;
}

bool IsProgressLine(const std::string& line) {
  if (line.size() > 2000) return false;
  // What the regex \b(?:iteration|iter|step|global_step|it)\b\s*[:=]?\s*\d+\b (icase) matches,
  // in one pass: a whole word (letters, digits, '_') that is one of those, blanks, at most one ':'
  // or '=', blanks, then a run of digits that ends the word. std::regex ran on every line and its
  // \b alone cost more than reading the line (RVU2: a 50 MB log's step lines; bench/README.md).
  auto word_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; };
  auto counter_word = [](std::string_view w) {
    for (std::string_view k : {"iteration", "iter", "step", "global_step", "it"}) {
      if (AsciiEqualsIgnoreCase(w, k)) return true;
    }
    return false;
  };
  bool progress = false;
  for (size_t i = 0; i < line.size() && !progress;) {
    if (!word_char(line[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < line.size() && word_char(line[end])) ++end;
    if (counter_word(std::string_view(line).substr(i, end - i))) {
      size_t k = end;
      while (k < line.size() && blank(line[k])) ++k;
      if (k < line.size() && (line[k] == ':' || line[k] == '=')) {
        ++k;
        while (k < line.size() && blank(line[k])) ++k;
      }
      size_t digits = k;
      while (digits < line.size() && line[digits] >= '0' && line[digits] <= '9') ++digits;
      progress = digits > k && (digits == line.size() || !word_char(line[digits]));
    }
    i = end;
  }
  if (!progress) return false;
  // A line naming the step it failed or stopped at is no progress (REVFIX3, review REV's fifth open
  // finding): "RuntimeError at iteration 4340", a watchdog's "no progress since iteration 4120".
  // Each alternative holds one of these words, in either case: the regex runs on a line holding one.
  static const std::regex kTrouble(
      R"(error\b|exception\b|\bfail(?:s|ed|ure|ing)?\b|\bfatal\b|\btime[ds]? ?out\b|\btimed out\b|\bhang(?:s|ing)?\b|)"
      R"(\bhung\b|\bstuck\b|\bstall(?:s|ed|ing)?\b|\bno progress\b|\bwatchdog\b|\bwaiting\b|\bdeadlock|\babort)",
      std::regex::icase);
  static constexpr std::string_view kTroubleWords[] = {"error", "exception", "fail",        "fatal",    "time",
                                                       "hang",  "hung",      "stuck",       "stall",    "no progress",
                                                       "watchdog", "waiting", "deadlock",   "abort"};
  const std::string lower = AsciiLower(line);
  for (std::string_view w : kTroubleWords) {
    if (lower.find(w) != std::string::npos) return !std::regex_search(line, kTrouble);
  }
  return true;
}

}  // namespace vigil
