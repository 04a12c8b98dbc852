// The compiled form of the stored log signatures, shared by every KnowledgeBase of the process.
//
// A KnowledgeBase matches log lines (MatchLogLines, the root-cause inference on import) against
// its stored log signatures: each compiled as a std::regex, with a LiteralPrefilter over all of
// them choosing which can match a line. It drops that compiled form after every write (an import
// may add or remove signatures) and reads the signatures again at the next match. Compiling them
// again each time was most of a one-file import's CPU (KB6, 2026-12-04: `vigil kb import` of a
// folder of postmortems, each file its own import, each inferring its category from the prose:
// ~15 ms per file, of which the regexes and the prefilter were ~2/3, for an import that added no
// signature). CompileSignatureSet keeps both per process: a pattern is compiled once (while the
// cache holds it), and the set of an unchanged pattern list, prefilter included, is handed back
// as it is.
//
// Thread safety: CompileSignatureSet and SignatureRegexCacheStats may be called from any thread at
// once; a returned set is immutable (its regexes are only searched, which std::regex allows
// concurrently) and stays valid while held, whatever the cache evicts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "knowledge/literal_prefilter.h"

namespace vigil {

struct CompiledSignatureSet {
  // The patterns that compiled, as written (with any leading `.*`), in the order given.
  std::vector<std::string> patterns;
  // Per pattern: compiled without its leading wildcard (core/regex_hazard.h: the same lines
  // match, without a scan per start position), ECMAScript | icase | optimize.
  std::vector<std::shared_ptr<const std::regex>> regexes;
  // Over `patterns` (icase): which of them can match a line.
  LiteralPrefilter prefilter;
};

// The compiled set of `patterns` (log signatures as stored). A pattern with a backtracking hazard
// (RegexBacktrackHazard: refused on import since 2026-12-02, an older database may hold one) or
// that std::regex refuses is left out, as the KnowledgeBase always did; its failure is remembered,
// so it is not tried again. The same list as a recent call's (the last 8 lists asked for) gets
// the same object back. Never null.
std::shared_ptr<const CompiledSignatureSet> CompileSignatureSet(const std::vector<std::string>& patterns);

// Counters since the process started (for tests and benchmarks).
struct SignatureRegexStats {
  uint64_t regexes_compiled = 0;  // std::regex compilations tried (a refused one counts)
  uint64_t sets_built = 0;        // sets made (each builds its LiteralPrefilter)
  size_t regexes_cached = 0;      // patterns held by the cache now (refused ones included)
  size_t sets_cached = 0;
};
SignatureRegexStats SignatureRegexCacheStats();

}  // namespace vigil
