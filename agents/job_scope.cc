#include "agents/job_scope.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <limits>
#include <regex>

#include "agents/symptom_prior.h"
#include "core/domain.h"

namespace vigil {

namespace {

// A line's time as LineTimeMs reads it, a "2026-12-04 14:00:19,635" stamp (Python logging's, with a
// space for the ISO 'T') read as "2026-12-04T14:00:19".
int64_t StampMs(const std::string& line, const LogClock& clock) {
  static const std::regex kSpaced(R"((\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d))");
  std::smatch m;
  if (line.size() <= 2000 && std::regex_search(line, m, kSpaced)) return LineTimeMs(m.str(1) + "T" + m.str(2), clock);
  return LineTimeMs(line, clock);
}

}  // namespace

std::string HostShape(std::string_view host) {
  std::string out;
  for (char ch : host) {
    const auto u = static_cast<unsigned char>(ch);
    out += std::isdigit(u) ? '#' : static_cast<char>(std::tolower(u));
  }
  return out;
}

std::vector<std::string> HostsOfShape(std::string_view text, const std::vector<std::string>& shapes) {
  std::vector<std::string> out;
  if (shapes.empty() || text.size() > 4000) return out;
  auto word_char = [](char ch) {
    const auto u = static_cast<unsigned char>(ch);
    return std::isalnum(u) || ch == '.' || ch == '-' || ch == '_';
  };
  for (size_t i = 0; i < text.size();) {
    if (!word_char(text[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() && word_char(text[j])) ++j;
    std::string_view w = text.substr(i, j - i);
    while (!w.empty() && (w.back() == '.' || w.back() == '-')) w.remove_suffix(1);
    i = j;
    if (w.find_first_of("0123456789") == std::string_view::npos) continue;
    const std::string shape = HostShape(w);
    if (std::find(shapes.begin(), shapes.end(), shape) != shapes.end()) out.emplace_back(w);
  }
  return out;
}

std::vector<std::string> LabelledHosts(std::string_view text, const std::vector<std::string>& shapes) {
  static const std::regex kLabel(R"(\b(?:hostname|instance|node|host|nodename)\s*[=:]\s*"?([A-Za-z0-9][A-Za-z0-9._-]*))",
                                 std::regex::icase);
  std::vector<std::string> out;
  if (shapes.empty() || text.size() > 4000) return out;
  const std::string s(text);
  for (auto it = std::sregex_iterator(s.begin(), s.end(), kLabel); it != std::sregex_iterator(); ++it) {
    for (std::string& h : HostsOfShape((*it)[1].str(), shapes)) out.push_back(std::move(h));
  }
  return out;
}

bool SaysJobRanAgain(const std::vector<std::string>& lines) {
  static const std::regex kAgain(
      R"(\b(?:requeue[sd]?|re-?queued|restart(?:ed)?|attempt\s*#?\s*[2-9]|preempted|relaunch(?:ed)?)\b)", std::regex::icase);
  for (const std::string& line : lines) {
    if (line.size() <= 2000 && std::regex_search(line, kAgain)) return true;
  }
  return false;
}

std::vector<StepMark> ReadStepMarks(const std::vector<std::string>& lines, const LogClock& clock) {
  static const std::regex kStep(R"(\b(?:step|iteration|iter)\b\s*[:=]?\s*(\d{1,9})\b)", std::regex::icase);
  static const std::regex kLoss(R"(\bloss\b)", std::regex::icase);
  std::vector<StepMark> out;
  for (const std::string& line : lines) {
    if (line.size() > 2000 || line.find("oss") == std::string::npos) continue;
    std::smatch m;
    if (!std::regex_search(line, m, kStep) || !std::regex_search(line, kLoss)) continue;
    const int64_t t = StampMs(line, clock);
    if (t == std::numeric_limits<int64_t>::max()) continue;
    out.push_back({t, std::stol(m.str(1))});
  }
  return out;
}

bool SteppedThrough(const std::vector<StepMark>& marks, int64_t t) {
  constexpr int64_t kBeforeMs = 10 * 60'000, kAfterMs = 2 * 60'000;
  if (t == std::numeric_limits<int64_t>::max()) return false;
  const StepMark* before = nullptr;
  for (const StepMark& m : marks) {
    if (m.time_ms <= t && m.time_ms >= t - kBeforeMs) before = &m;
  }
  if (before == nullptr) return false;
  long last = before->step;
  int64_t last_ms = before->time_ms;
  for (const StepMark& m : marks) {
    if (m.time_ms <= before->time_ms) continue;
    // A step not past the last one (a restart from a checkpoint, a rerun from step 1) or a pause
    // over kBeforeMs between two progress lines (the job stopped and came back): not through.
    if (m.step <= last || m.time_ms - last_ms > kBeforeMs) return false;
    last = m.step;
    last_ms = m.time_ms;
    if (m.time_ms >= t + kAfterMs) return true;
  }
  return false;
}

int64_t JobEarliestStartMs(const std::vector<std::string>& lines, const LogClock& clock, const std::string& job) {
  constexpr int64_t kNone = std::numeric_limits<int64_t>::max();
  static const std::regex kStamped(
      R"((?:(?:^|\s)StartTime=|\bjob\b[^\n]{0,40}?\bstarted\s+)(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d))", std::regex::icase);
  static const std::regex kAssigned(R"(\bSuccessfully assigned [a-z0-9.-]+/([a-z0-9][a-z0-9.-]*) to \S+)");
  // PLC45: a Slurm prolog that ran on a node of the job ("slurm-prolog[20070]: NHC ...: all checks
  // passed", "slurmd[4410]: prolog for job 77 ran for 3 seconds", "[prolog 2026-12-03 10:00:00]
  // nvidia-imex: domain ready"): the allocation's start, its own time, where no line above states
  // the start (a prolog line may be another job's on that node: realistic41 rl41-16's prolog lines
  // 2 h before its "job ... started"). Not a prolog that failed (the job did not start there), and
  // none where the job ran again (a requeued run's prolog is later than the first run's start,
  // which may print none).
  static const std::regex kProlog(R"(\bprolog\b|slurm-prolog|slurmctld-prolog)", std::regex::icase);
  static const std::regex kPrologFailed(R"(fail|\berror|drain|requeue|abort|timed? ?out)", std::regex::icase);
  int ran_again = -1;  // read on the first prolog line
  int64_t earliest = kNone, prolog = kNone;
  auto take = [&](int64_t t) {
    if (t != kNone) earliest = std::min(earliest, t);
  };
  for (const std::string& line : lines) {
    if (line.size() > 2000) continue;
    std::smatch m;
    if ((line.find("StartTime=") != std::string::npos || line.find("started") != std::string::npos) &&
        std::regex_search(line, m, kStamped)) {
      take(ParseLineTime(m.str(1), clock).ms);
    } else if (line.find("Starting job:") != std::string::npos) {
      take(StampMs(line, clock));
    } else if (line.find("Successfully assigned") != std::string::npos && std::regex_search(line, m, kAssigned) &&
               (job.empty() || m.str(1).rfind(job, 0) == 0)) {
      take(StampMs(line, clock));
    } else if (line.find("rolog") != std::string::npos && std::regex_search(line, kProlog) &&
               !std::regex_search(line, kPrologFailed)) {
      if (ran_again < 0) ran_again = SaysJobRanAgain(lines) ? 1 : 0;
      if (ran_again == 0) prolog = std::min(prolog, StampMs(line, clock));
    }
  }
  return earliest != kNone ? earliest : prolog;
}

FaultProcess XidProcessOf(std::string_view text) {
  static const std::regex kPid(R"(\bpid=(\d{1,9})\b)");
  static const std::regex kName(R"(\bname=([^,\s'"]{1,64}))");
  FaultProcess p;
  if (text.size() > 4000 || text.find("Xid") == std::string_view::npos) return p;
  const std::string s(text);
  std::smatch m;
  if (std::regex_search(s, m, kPid)) p.pid = std::stol(m.str(1));
  if (std::regex_search(s, m, kName)) p.name = m.str(1);
  return p;
}

int64_t RunningSlowSinceMs(const Alert* alert) {
  constexpr int64_t kNone = std::numeric_limits<int64_t>::max();
  if (alert == nullptr || alert->starts_at_ms <= 0) return kNone;
  const std::string id = SymptomInWords(AlertSymptomWords(*alert)).id;
  return id == "straggler" || id == "slow_step" ? alert->starts_at_ms : kNone;
}

bool FaultTiedToJob(const JobRunning& running, const FaultProcess& p, int64_t t) {
  constexpr int64_t kDiesNearMs = 60'000;
  const std::regex pid_word(p.pid >= 0 ? R"(\bpid\W{0,3})" + std::to_string(p.pid) + R"(\b)" : std::string("$^"),
                            std::regex::icase);
  // A token of a line: the characters between blanks, quotes, brackets, '=', ',', ':' and ';'.
  auto names_process = [&](const std::string& line) {
    if (p.name.empty()) return false;
    for (size_t at = line.find(p.name); at != std::string::npos; at = line.find(p.name, at + 1)) {
      const size_t end = at + p.name.size();
      auto bound = [](char ch) { return std::isspace(static_cast<unsigned char>(ch)) || std::strchr("\"'()[]{}=,:;<>", ch); };
      const bool left = at == 0 || bound(line[at - 1]) || line[at - 1] == '/';
      if (left && (end == line.size() || bound(line[end]))) return true;
    }
    return false;
  };
  for (const std::vector<std::string>& log : running.logs) {
    int64_t last = std::numeric_limits<int64_t>::max();
    for (const std::string& line : log) {
      if (line.size() > 2000 || line.find("Xid") != std::string::npos || line.find("NVRM") != std::string::npos) continue;
      if ((p.pid >= 0 && std::regex_search(line, pid_word)) || names_process(line)) return true;
      if (const int64_t lt = StampMs(line, running.clock); lt != std::numeric_limits<int64_t>::max()) last = lt;
    }
    if (t != std::numeric_limits<int64_t>::max() && last != std::numeric_limits<int64_t>::max() &&
        last >= t - kDiesNearMs && last <= t + kDiesNearMs) {
      return true;
    }
  }
  return false;
}

bool AnotherProcessFault(const JobRunning& running, const FaultProcess& p, int64_t t) {
  if (t == std::numeric_limits<int64_t>::max()) return false;
  if (SteppedThrough(running.steps, t)) return true;
  return p.named() && running.slow_since_ms != std::numeric_limits<int64_t>::max() && t < running.slow_since_ms &&
         !FaultTiedToJob(running, p, t);
}

}  // namespace vigil
