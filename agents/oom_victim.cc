#include "agents/oom_victim.h"

#include <regex>

#include "core/parse.h"

namespace vigil {

namespace {

std::optional<int64_t> FirstGroupPid(const std::smatch& m) {
  for (size_t g = 1; g < m.size(); ++g) {
    if (m[g].matched) return ParseInt(m.str(g));
  }
  return std::nullopt;
}

}  // namespace

std::optional<int64_t> OomVictimPid(std::string_view line) {
  if (line.size() > 4000) return std::nullopt;
  const bool maybe = line.find("ill") != std::string_view::npos || line.find("oom") != std::string_view::npos;
  if (!maybe) return std::nullopt;
  static const std::regex kVictim(
      R"((?:[Oo]ut of memory|oom_kill_process|oom-killer)[^\n]{0,80}?\bKill(?:ed)? process (\d+)\b)"
      R"(|\boom-kill:\S*?[,:]pid=(\d+)\b)"
      R"(|\boom_reaper: reaped process (\d+)\b)");
  const std::string s(line);
  std::smatch m;
  if (!std::regex_search(s, m, kVictim)) return std::nullopt;
  return FirstGroupPid(m);
}

std::optional<int64_t> OwnFaultDeathPid(std::string_view line) {
  if (line.size() > 4000) return std::nullopt;
  const bool maybe = line.find("segfault") != std::string_view::npos || line.find("traps:") != std::string_view::npos ||
                     line.find("exitcode") != std::string_view::npos;
  if (!maybe) return std::nullopt;
  static const std::regex kDeath(
      R"(\S\[(\d+)\]:? segfault at\b)"
      R"(|\btraps: \S+\[(\d+)\] (?:general protection|trap (?:divide error|invalid opcode)|int3))"
      R"(|\bexitcode:? -(?:11|7|4|8)\)?\s+local_rank:?\s*\d+\s+\(pid:? (\d+)\))"
      R"(|\bexitcode:? -(?:11|7|4|8)\s+\(pid:? (\d+)\))");
  const std::string s(line);
  std::smatch m;
  if (!std::regex_search(s, m, kDeath)) return std::nullopt;
  return FirstGroupPid(m);
}

bool SaysKilledBySigkill(std::string_view line) {
  if (line.size() > 4000) return false;
  static const std::regex kSigkill(
      R"(\bexitcode:? -9\b|\b[Ss]ignal 9\b|\bSIGKILL\b|killed by signal: Killed|\bexit(?:ed)?(?: with)? (?:code|status):? 137\b)");
  return std::regex_search(std::string(line), kSigkill);
}

bool OomKilledOtherProcessEarlier(const std::vector<OomKillLine>& kills, const std::vector<OwnDeathLine>& deaths,
                                  bool sigkill_seen, int64_t min_lead_ms) {
  if (kills.empty() || deaths.empty() || sigkill_seen) return false;
  for (const OomKillLine& k : kills) {
    if (k.node.empty() || k.pid < 0 || k.time_ms == INT64_MAX) return false;
    bool timed_death = false;
    for (const OwnDeathLine& d : deaths) {
      if (d.node != k.node) continue;
      if (d.pid == k.pid) return false;
      if (d.time_ms == INT64_MAX) continue;  // a launcher's summary printing no time: its pid only
      timed_death = true;
      if (d.time_ms - k.time_ms <= min_lead_ms) return false;
    }
    if (!timed_death) return false;
  }
  return true;
}

}  // namespace vigil
