#include "agents/zero_counter.h"

#include <array>
#include <map>
#include <regex>
#include <set>
#include <string>

#include "core/ascii.h"

namespace vigil {
namespace {

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool IsCounterWord(std::string_view w) {
  static constexpr std::array<std::string_view, 12> kWords = {
      "skipped", "nan", "inf", "failed", "dropped", "error", "errors", "timeout", "timeouts", "retries", "overflow",
      "overflows"};
  if (w.size() < 3 || w.size() > 9) return false;
  char buf[9];
  for (size_t i = 0; i < w.size(); ++i) buf[i] = AsciiToLower(w[i]);
  std::string_view lower(buf, w.size());
  for (std::string_view k : kWords) {
    if (k == lower) return true;
  }
  return false;
}

// `line` without the matches of `re` (kZeroAfter of RemoveFaultsSaidAbsent) whose word between the
// fault word and the 0 (group 1), if any, is neither an index word nor a function word.
std::string RemoveZeroCountsAfterNoun(const std::string& line, const std::regex& re) {
  static const std::set<std::string> kNotANoun = {
      "gpu", "rank", "device", "dev", "port", "node", "cuda", "card", "id", "index", "link", "lane", "channel",
      "slot", "bus", "ring", "tree", "step", "layer", "stage", "group", "pg", "worker", "process", "proc", "pid",
      "hca", "than", "over", "above", "exceeds", "exceeded", "ep", "tp", "pp", "dp", "gpus", "ranks", "iteration",
      "from", "to", "after", "before", "on", "at", "by", "with", "for", "and", "or", "in", "of", "is", "are",
      "was", "were", "code", "exit", "status", "xid", "type", "level", "mode", "version", "v", "ib", "mlx5"};
  std::string out;
  size_t copied = 0;
  for (auto it = std::sregex_iterator(line.begin(), line.end(), re); it != std::sregex_iterator(); ++it) {
    if ((*it)[1].matched && kNotANoun.count(AsciiLower((*it)[1].str()))) continue;
    const size_t pos = static_cast<size_t>(it->position(0));
    out.append(line, copied, pos - copied);
    copied = pos + static_cast<size_t>(it->length(0));
  }
  if (copied == 0) return line;
  out.append(line, copied, std::string::npos);
  return out;
}

}  // namespace

bool MayNameFault(std::string_view line) {
  // One stem of each alternative of VIGIL_FAULT_WORD (RemoveFaultsSaidAbsent) and of "non-finite":
  // every text those match holds its stem, in either case.
  static constexpr std::array<std::string_view, 29> kStems = {
      "xid", "error", "fault", "failure", "ecc", "dbe", "sbe", "timeout", "hang", "crash", "throttl", "retirement",
      "remap", "mismatch", "desync", "anomal", "issue", "problem", "nan", "straggler", "divergence", "corruption",
      "exception", "overflow", "stall", "deadlock", "imbalance", "violation", "finite"};
  const std::string lower = AsciiLower(line);
  for (std::string_view stem : kStems) {
    if (lower.find(stem) != std::string::npos) return true;
  }
  return false;
}

bool MayHoldZeroCounter(std::string_view line) {
  size_t i = 0;
  while (i < line.size()) {
    if (!IsWordChar(line[i])) {
      ++i;
      continue;
    }
    // A whole run of word characters: \b on both sides of the counter word.
    size_t end = i;
    while (end < line.size() && IsWordChar(line[end])) ++end;
    if (IsCounterWord(line.substr(i, end - i))) {
      // [a-z _-]* under icase (letters of either case), then [:=].
      size_t k = end;
      while (k < line.size()) {
        char c = AsciiToLower(line[k]);
        if (!((c >= 'a' && c <= 'z') || c == ' ' || c == '_' || c == '-')) break;
        ++k;
      }
      if (k < line.size() && (line[k] == ':' || line[k] == '=')) return true;
    }
    i = end;
  }
  return false;
}

std::string RemoveZeroCounters(const std::string& line) {
  static const std::regex kZeroCounter(kZeroCounterPattern, std::regex::ECMAScript | std::regex::icase);
  if (!MayHoldZeroCounter(line)) return line;
  return std::regex_replace(line, kZeroCounter, "");
}

std::string RemoveFaultsSaidAbsent(const std::string& line) {
  // A fault word: what an error line reports (an Xid, an error, a mismatch, a hang, a NaN ...).
#define VIGIL_FAULT_WORD                                                                                       \
  R"((?:s?xids?|errors?|faults?|failures?|ecc(?:\s+errors?)?|dbes?|sbes?|timeouts?|hangs?|crash(?:es)?|)"     \
  R"(throttl\w*|retirements?|remaps?|mismatch(?:es)?|desyncs?|anomal(?:y|ies)|issues?|problems?|nans?|)"      \
  R"(stragglers?|divergences?|corruptions?|exceptions?|overflows?|stalls?|deadlocks?|imbalances?|violations?))"
  // A function word, where a negation's scope ends (both negation regexes below).
#define VIGIL_FUNCTION_WORD                                                                              \
  R"(from|to|after|before|while|because|but|than|then|so|on|at|by|with|for|and|or|in|of|if|when|)"     \
  R"(is|are|was|were|has|have|had|be|been)"
  // RG11: the negation, then at most three words that are not function words (the negation does not
  // reach past "from", "to", "on", a verb ...: "no response from peer, timeout" keeps its timeout),
  // then a fault word, then an optional "detected" / "found": "no collective type/size mismatch
  // detected", "did not find any mismatch", "found no errors", "without errors", "zero ECC errors".
  // std::terminate's "terminate called without an active exception" is a crash, not an absence.
  static const std::regex kAbsent(
      R"(\b(?!without\s+an\s+active\s+exception)(no|zero|0|without(?:\s+any)?|(?:found|detected|saw|reported)\s+no|)"
      R"((?:did\s+not|didn't|does\s+not|doesn't|could\s+not|couldn't)\s+(?:find|detect|see|observe|show|report)(?:\s+any)?)\s+)"
      R"((?:(?!(?:)" VIGIL_FUNCTION_WORD R"()\b)[\w/.-]+\s+){0,3}?)" VIGIL_FAULT_WORD
      R"(\b(?:\s+(?:detected|found|seen|observed|reported|logged))?)",
      std::regex::ECMAScript | std::regex::icase);
  // "mismatch not detected", "checksum mismatch not found", "errors were not found", "Xid absent"
  // (with up to two words before the fault word, as many as the negation's scope may reach).
  static const std::regex kAbsentAfter(
      R"(\b(?:(?!(?:)" VIGIL_FUNCTION_WORD R"(|no|not)\b)[\w/.-]+\s+){0,2}?)" VIGIL_FAULT_WORD
      R"(\s+(?:(?:was|were|is|are)\s+)?(?:not\s+(?:detected|found|seen|observed|reported|present)|absent)\b)",
      std::regex::ECMAScript | std::regex::icase);
  // RG13: a count written after its noun, with or without ':' / '=', that reads zero and closes the
  // clause: "non-finite amax 0" (Transformer Engine's FP8 stats), "nan grads: 0", "errors 0". At most
  // one word stands between the fault word and the count, and not an index or function word ("errors
  // on GPU 0", "timeouts rank 0" keep their fault: the 0 names a GPU or a rank there).
  static const std::regex kZeroAfter(
      R"(\b(?:non-?finite|)" VIGIL_FAULT_WORD R"()(?:\s+([\w/.-]+))?\s*[:=]?\s*0+(?:\.0+)?(?=\s*(?:$|[,;|)\]])))",
      std::regex::ECMAScript | std::regex::icase);
#undef VIGIL_FAULT_WORD
#undef VIGIL_FUNCTION_WORD
  if (line.size() > 4000) return line;
  // Every match of the three regexes holds a fault word (or "non-finite"): a line naming none is
  // left as it is without running them (MayNameFault; most lines of a training log name none).
  if (!MayNameFault(line)) return line;
  // The regexes only run on a line holding a negation word: a standalone "no", "zero", "0",
  // "without", "not" or "n't", or "absent" (lower-cased copy, one pass).
  const std::string lower = AsciiLower(line);
  auto standalone = [&](std::string_view w) {
    for (size_t p = lower.find(w); p != std::string::npos; p = lower.find(w, p + 1)) {
      const bool start = p == 0 || !IsWordChar(lower[p - 1]);
      const bool end = p + w.size() >= lower.size() || !IsWordChar(lower[p + w.size()]);
      if (start && end) return true;
    }
    return false;
  };
  const bool before = standalone("no") || standalone("zero") || standalone("0") || standalone("without") ||
                      lower.find("n't") != std::string::npos || standalone("not");
  const bool after = standalone("not") || standalone("absent");
  const bool zero = standalone("0");
  if (!before && !after && !zero) return line;
  std::string out;
  if (before) {
    // A "0" that is an index or a bound names no count: "GPU 0 ECC error", "rank 0 timeout", "cuda:0
    // error", "more than 0 replay errors" keep their fault.
    static const std::set<std::string> kIndexWords = {
        "gpu", "rank", "device", "dev", "port", "node", "cuda", "card", "id", "index", "link", "lane", "channel",
        "slot", "bus", "ring", "tree", "step", "layer", "stage", "group", "pg", "worker", "process", "proc", "pid",
        "hca", "than", "over", "above", "exceeds", "exceeded", "ep", "tp", "pp", "dp", "gpus", "ranks", "iteration"};
    size_t copied = 0;
    for (auto it = std::sregex_iterator(line.begin(), line.end(), kAbsent); it != std::sregex_iterator(); ++it) {
      const size_t pos = static_cast<size_t>(it->position(0));
      if ((*it)[1].str() == "0") {
        if (pos > 0 && line[pos - 1] != ' ' && line[pos - 1] != '\t' && line[pos - 1] != '(' && line[pos - 1] != '[') continue;
        size_t e = pos;
        while (e > 0 && (line[e - 1] == ' ' || line[e - 1] == '\t')) --e;
        size_t b = e;
        while (b > 0 && IsWordChar(line[b - 1])) --b;
        if (kIndexWords.count(AsciiLower(line.substr(b, e - b)))) continue;
      }
      out.append(line, copied, pos - copied);
      copied = pos + static_cast<size_t>(it->length(0));
    }
    out.append(line, copied, std::string::npos);
  } else {
    out = line;
  }
  if (after) out = std::regex_replace(out, kAbsentAfter, "");
  if (zero) out = RemoveZeroCountsAfterNoun(out, kZeroAfter);
  return out;
}

std::string MaskFaultsSaidAbsent(const std::string& line) {
  const std::string kept = RemoveFaultsSaidAbsent(line);
  if (kept == line) return line;
  // The words removed: the common prefix and suffix of the two texts bound the removed spans only
  // roughly, so every word of the line that `kept` no longer holds as often is a denied one.
  auto words = [](const std::string& text) {
    std::map<std::string, int> count;
    std::string w;
    for (size_t i = 0; i <= text.size(); ++i) {
      if (i < text.size() && IsWordChar(text[i])) {
        w += AsciiToLower(text[i]);
      } else if (!w.empty()) {
        ++count[w];
        w.clear();
      }
    }
    return count;
  };
  const std::map<std::string, int> before = words(line), after = words(kept);
  std::set<std::string> denied;
  for (const auto& [w, n] : before) {
    auto it = after.find(w);
    if (it == after.end() || it->second < n) denied.insert(w);
  }
  std::string out;
  std::string w;
  for (size_t i = 0; i <= kept.size(); ++i) {
    if (i < kept.size() && IsWordChar(kept[i])) {
      w += kept[i];
      continue;
    }
    if (!w.empty() && !denied.count(AsciiLower(w))) out += w;
    w.clear();
    if (i < kept.size()) out += kept[i];
  }
  return out;
}

bool IsShellCommandLine(const std::string& line) {
  if (line.size() > 4000) return false;
  // The prompt: a bare "$", "#" or "+" (set -x prints "+ " or "++ "), or user@host[:dir] / [user@host
  // dir] before "$" or "#"; then one space and a command word: a lower-case name or path, or an
  // environment assignment before one.
  static const std::regex kPrompt(
      R"(^\s*(?:\$|#|\++|[A-Za-z0-9_.-]+@[A-Za-z0-9_.-]+(?::[^\s$#]*)?\s*[$#]|\[[A-Za-z0-9_.-]+@[A-Za-z0-9_.-]+[^\]]{0,80}\][$#])\s+)"
      R"((?:[A-Z_][A-Z0-9_]*=\S*\s+)*(?:[a-z_.~/][a-z0-9_.~/-]*)(?:\s|$))");
  const size_t first = line.find_first_not_of(" \t");
  if (first == std::string::npos) return false;
  const char c = line[first];
  if (c != '$' && c != '#' && c != '+' && c != '[' && line.find('@') == std::string::npos) return false;
  return std::regex_search(line, kPrompt);
}

}  // namespace vigil
