#include "agents/slurm_states.h"

#include <regex>

namespace vigil {

SlurmJobEnd ReadSlurmJobEnd(const std::string& line) {
  if (line.size() > 2000) return SlurmJobEnd::kNone;
  std::smatch m;
  if (line.find("***") != std::string::npos) {
    // A plain "*** STEP ... CANCELLED AT ... ***" is srun ending a step after a task failed: no end.
    // The node failure's line goes on: "DUE TO NODE FAILURE, SEE SLURMCTLD LOG FOR DETAILS ***".
    static const std::regex kStepd(
        R"(\*\*\* (JOB|STEP) \S+ ON \S+ CANCELLED AT \S+(?: DUE TO (TIME LIMIT|PREEMPTION|NODE FAILURE)(?:, [A-Z ]{1,60})?)?(?: by \S+)? ?\*\*\*)");
    if (std::regex_search(line, m, kStepd)) {
      const std::string why = m.str(2);
      if (why == "TIME LIMIT") return SlurmJobEnd::kTimeLimit;
      if (why == "PREEMPTION") return SlurmJobEnd::kPreempted;
      if (why == "NODE FAILURE") return SlurmJobEnd::kNodeFail;
      return m.str(1) == "JOB" ? SlurmJobEnd::kCancelled : SlurmJobEnd::kNone;
    }
  }
  if (line.find("Time limit exhausted for JobId=") != std::string::npos) return SlurmJobEnd::kTimeLimit;
  auto state = [](const std::string& s) {
    if (s == "TIMEOUT") return SlurmJobEnd::kTimeLimit;
    if (s == "OUT_OF_MEMORY" || s == "OUT_OF_ME+") return SlurmJobEnd::kOutOfMemory;
    if (s == "NODE_FAIL") return SlurmJobEnd::kNodeFail;
    if (s == "PREEMPTED") return SlurmJobEnd::kPreempted;
    return SlurmJobEnd::kNone;
  };
  if (line.find("JobState=") != std::string::npos) {
    static const std::regex kJobState(R"((?:^|\s)JobState=([A-Z_+]+))");
    if (std::regex_search(line, m, kJobState)) return state(m.str(1));
  }
  // A job's own sacct / squeue row: its id first (an array task "71021_3", a het component "71021+0",
  // not a step "71021.0"), the state a whole word of the row.
  static const std::regex kRow(R"(^\s*\d+(?:_\d+)?(?:\+\d+)?[\s|].*?(?:^|[\s|])(TIMEOUT|OUT_OF_MEMORY|OUT_OF_ME\+|NODE_FAIL|PREEMPTED)(?=[\s|]|$))");
  if (std::regex_search(line, m, kRow)) return state(m.str(1));
  return SlurmJobEnd::kNone;
}

const char* SlurmJobEndName(SlurmJobEnd end) {
  switch (end) {
    case SlurmJobEnd::kTimeLimit: return "TIMEOUT";
    case SlurmJobEnd::kOutOfMemory: return "OUT_OF_MEMORY";
    case SlurmJobEnd::kNodeFail: return "NODE_FAIL";
    case SlurmJobEnd::kPreempted: return "PREEMPTED";
    case SlurmJobEnd::kCancelled: return "CANCELLED";
    case SlurmJobEnd::kNone: break;
  }
  return "";
}

bool IsProgressLine(const std::string& line) {
  if (line.size() > 2000) return false;
  static const std::regex kProgress(R"(\b(?:iteration|iter|step|global_step|it)\b\s*[:=]?\s*\d+\b)", std::regex::icase);
  return std::regex_search(line, kProgress);
}

}  // namespace vigil
