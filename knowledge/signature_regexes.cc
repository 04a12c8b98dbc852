#include "knowledge/signature_regexes.h"

#include <functional>
#include <list>
#include <mutex>
#include <unordered_map>
#include <utility>

#include "core/regex_hazard.h"

namespace vigil {
namespace {

// Patterns kept compiled. A store's log signatures are the pack's ~100 plus what the team wrote;
// past this many, patterns no cached set holds are dropped first (a set keeps its own regexes
// alive whatever the cache drops).
constexpr size_t kMaxPatterns = 20000;
// Pattern lists whose whole set is kept: one per open KnowledgeBase in practice (a process opens
// few), a few more for lists that alternate.
constexpr size_t kMaxSets = 8;

struct Cache {
  std::mutex mu;
  // pattern -> its regex; null when refused (a hazard or a regex_error), so not tried again.
  std::unordered_map<std::string, std::shared_ptr<const std::regex>> regexes;
  struct SetEntry {
    size_t hash = 0;
    std::vector<std::string> list;  // the list asked for (refused patterns included)
    std::shared_ptr<const CompiledSignatureSet> set;
  };
  std::list<SetEntry> sets;  // most recent first
  uint64_t regexes_compiled = 0;
  uint64_t sets_built = 0;
};

Cache& TheCache() {
  static Cache* cache = new Cache;  // never destroyed: used until the process ends
  return *cache;
}

size_t HashList(const std::vector<std::string>& patterns) {
  size_t h = patterns.size();
  for (const std::string& p : patterns) h = h * 1000003u ^ std::hash<std::string>{}(p);
  return h;
}

// The regex of `pattern`, or null when it is not to be matched.
std::shared_ptr<const std::regex> Compile(const std::string& pattern) {
  if (!RegexBacktrackHazard(pattern).empty()) return nullptr;
  try {
    return std::make_shared<const std::regex>(std::string(WithoutLeadingWildcard(pattern)),
                                              std::regex::ECMAScript | std::regex::icase | std::regex::optimize);
  } catch (const std::regex_error&) {
    return nullptr;  // validated on import; a hand-edited database may still hold a bad one
  }
}

// Drops cached patterns that no cached set holds, when over the bound (under c.mu).
void TrimPatterns(Cache& c) {
  if (c.regexes.size() <= kMaxPatterns) return;
  for (auto it = c.regexes.begin(); it != c.regexes.end();) {
    if (it->second == nullptr || it->second.use_count() == 1) it = c.regexes.erase(it);
    else ++it;
  }
}

}  // namespace

std::shared_ptr<const CompiledSignatureSet> CompileSignatureSet(const std::vector<std::string>& patterns) {
  Cache& c = TheCache();
  const size_t hash = HashList(patterns);
  std::vector<std::string> missing;
  {
    std::lock_guard<std::mutex> lock(c.mu);
    for (auto it = c.sets.begin(); it != c.sets.end(); ++it) {
      if (it->hash != hash || it->list != patterns) continue;
      c.sets.splice(c.sets.begin(), c.sets, it);
      return c.sets.front().set;
    }
    for (const std::string& p : patterns)
      if (!c.regexes.contains(p)) missing.push_back(p);
  }
  // Compiled outside the lock: other threads' loads need not wait for these.
  std::vector<std::shared_ptr<const std::regex>> fresh;
  fresh.reserve(missing.size());
  for (const std::string& p : missing) fresh.push_back(Compile(p));

  std::vector<std::string> kept;
  std::vector<std::shared_ptr<const std::regex>> regexes;
  {
    std::lock_guard<std::mutex> lock(c.mu);
    c.regexes_compiled += missing.size();
    for (size_t i = 0; i < missing.size(); ++i) c.regexes.emplace(missing[i], fresh[i]);  // a racing insert wins
    for (const std::string& p : patterns) {
      auto it = c.regexes.find(p);
      if (it == c.regexes.end()) {  // dropped by another thread's trim since it was looked up
        ++c.regexes_compiled;
        it = c.regexes.emplace(p, Compile(p)).first;
      }
      const std::shared_ptr<const std::regex>& re = it->second;
      if (re == nullptr) continue;
      kept.push_back(p);
      regexes.push_back(re);
    }
  }
  std::vector<LiteralPrefilter::Pattern> literal_patterns;
  literal_patterns.reserve(kept.size());
  for (const std::string& p : kept) literal_patterns.push_back({p, true});
  auto set = std::make_shared<const CompiledSignatureSet>(
      CompiledSignatureSet{std::move(kept), std::move(regexes), LiteralPrefilter(literal_patterns)});

  std::lock_guard<std::mutex> lock(c.mu);
  ++c.sets_built;
  c.sets.push_front({hash, patterns, set});
  if (c.sets.size() > kMaxSets) c.sets.pop_back();
  TrimPatterns(c);
  return set;
}

SignatureRegexStats SignatureRegexCacheStats() {
  Cache& c = TheCache();
  std::lock_guard<std::mutex> lock(c.mu);
  return {c.regexes_compiled, c.sets_built, c.regexes.size(), c.sets.size()};
}

}  // namespace vigil
