#include "agents/explained_partner.h"

#include <algorithm>

namespace vigil {

std::string PartnerExplainedBy(const std::string& leader,
                               const std::map<std::string, std::vector<std::string>>& explained_by,
                               const std::map<std::string, std::set<std::string>>& discounted_by) {
  auto causes = explained_by.find(leader);
  if (causes == explained_by.end()) return "";
  for (const std::string& cause : causes->second) {
    auto back = explained_by.find(cause);
    auto by = discounted_by.find(cause);
    if (back == explained_by.end() || by == discounted_by.end()) continue;
    if (std::find(back->second.begin(), back->second.end(), leader) == back->second.end()) continue;
    if (by->second.count(leader)) return cause;
  }
  return "";
}

}  // namespace vigil
