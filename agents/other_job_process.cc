#include "agents/other_job_process.h"

#include <algorithm>
#include <regex>

#include "agents/rendezvous_host.h"

namespace vigil {
namespace {

void AddId(std::vector<std::string>& ids, const std::string& id) {
  if (!id.empty() && std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
}

}  // namespace

std::vector<std::string> CaseJobIds(const std::vector<std::string>& sources, const std::vector<std::string>& lines,
                                    const std::map<std::string, std::string>& alert_labels) {
  // The forms are rendezvous_host.h's (SlurmJobIdOfSource, SlurmJobIdOfLine; TW1: before, this
  // function kept its own regexes, and the two readers differed).
  std::vector<std::string> ids;
  for (const std::string& s : sources) {
    if (s.size() <= 300) AddId(ids, SlurmJobIdOfSource(s));
  }
  const size_t n = std::min<size_t>(lines.size(), 20'000);
  for (size_t k = 0; k < n; ++k) {
    if (lines[k].size() <= 2000) AddId(ids, SlurmJobIdOfLine(lines[k]));
  }
  for (const char* key : {"slurm_job_id", "jobid", "job_id"}) {
    auto it = alert_labels.find(key);
    if (it != alert_labels.end() && !it->second.empty() && it->second.size() <= 12 &&
        std::all_of(it->second.begin(), it->second.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
      AddId(ids, it->second);
    }
  }
  return ids;
}

bool ProcessOfAnotherJob(const std::vector<std::string>& lines, long pid, const std::vector<std::string>& job_ids) {
  if (pid < 0 || job_ids.empty()) return false;
  const std::string id = std::to_string(pid);
  const std::regex names_pid(R"(\[)" + id + R"(\]|\bpid[ =:]\s*)" + id + R"(\b)", std::regex::icase);
  static const std::regex kJob(R"(\bjob(?:[ _]?id)?\s*[=: ]\s*(\d{1,12})\b)", std::regex::icase);
  const size_t n = std::min<size_t>(lines.size(), 20'000);
  for (size_t k = 0; k < n; ++k) {
    const std::string& l = lines[k];
    if (l.size() > 2000 || l.find(id) == std::string::npos || l.find("Xid") != std::string::npos) continue;
    if (!std::regex_search(l, names_pid)) continue;
    for (auto it = std::sregex_iterator(l.begin(), l.end(), kJob); it != std::sregex_iterator(); ++it) {
      if (std::find(job_ids.begin(), job_ids.end(), it->str(1)) == job_ids.end()) return true;
    }
  }
  return false;
}

}  // namespace vigil
