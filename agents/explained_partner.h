// Of two categories that can cause each other (an IB link failure and a rank crash, a failed row
// remap and uncorrectable ECC errors), which one the reasoner's explaining-away read as the cause
// (PLC16). Pure function, thread safe.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace vigil {

// The cause of `leader` that `leader` itself explained away and that can cause `leader` in turn
// (its mutual partner); "" when none. `explained_by`: symptom -> the categories that can cause it
// (the reasoner's ExplainedBy table); `discounted_by`: category explained away -> the categories that
// explained it (Beliefs; an empty set: discounted for another reason). A partner that a third
// category explained away (a crash's IB partner read as an NCCL misconfiguration's symptom, the
// misconfiguration a cause of the crash too) is not `leader`'s: `leader` is still a symptom.
std::string PartnerExplainedBy(const std::string& leader,
                               const std::map<std::string, std::vector<std::string>>& explained_by,
                               const std::map<std::string, std::set<std::string>>& discounted_by);

}  // namespace vigil
