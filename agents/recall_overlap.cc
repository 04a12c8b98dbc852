#include "agents/recall_overlap.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <string_view>

namespace vigil {
namespace {

bool Lower(char c) { return std::islower(static_cast<unsigned char>(c)) != 0; }
bool Upper(char c) { return std::isupper(static_cast<unsigned char>(c)) != 0; }
bool Digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool Alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// Adds the terms of `text` to `out`: runs of letters and digits, split where the case changes
// (GpuTemperatureHigh, XIDError -> xid, error), lower case; kept when three characters or more long,
// holding a letter and not generic.
void AddTerms(std::string_view text, std::vector<std::string>& out) {
  auto add = [&](std::string_view w) {
    if (w.size() < 3 || std::none_of(w.begin(), w.end(), [](char c) { return !Digit(c); })) return;
    std::string s(w);
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!GenericRecallWord(s)) out.push_back(std::move(s));
  };
  size_t i = 0;
  while (i < text.size()) {
    if (!Alnum(text[i])) {
      ++i;
      continue;
    }
    size_t start = i++;
    for (; i < text.size() && Alnum(text[i]); ++i) {
      const bool lower_to_upper = (Lower(text[i - 1]) || Digit(text[i - 1])) && Upper(text[i]);
      const bool acronym_end = Upper(text[i - 1]) && Upper(text[i]) && i + 1 < text.size() && Lower(text[i + 1]);
      if (lower_to_upper || acronym_end) {
        add(text.substr(start, i - start));
        start = i;
      }
    }
    add(text.substr(start, i - start));
  }
}

// A regex's words: its escapes (\s, \b, \d, \w and the like) read as spaces, so "Slowdown\s*: Active"
// gives slowdown, active and not "sslowdown".
std::string RegexText(std::string_view pattern) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\' && i + 1 < pattern.size()) {
      ++i;
      out += std::isalpha(static_cast<unsigned char>(pattern[i])) ? ' ' : pattern[i];
    } else {
      out += pattern[i];
    }
  }
  return out;
}

// The metric names of a metric condition: its identifiers holding an '_' or in capitals (DCGM_FI_DEV_GPU_TEMP),
// split at '_' by AddTerms; not the functions and operators around them (floor, increase, by).
void AddConditionTerms(std::string_view condition, std::vector<std::string>& out) {
  size_t i = 0;
  while (i < condition.size()) {
    if (!(Alnum(condition[i]) || condition[i] == '_')) {
      ++i;
      continue;
    }
    size_t start = i;
    while (i < condition.size() && (Alnum(condition[i]) || condition[i] == '_')) ++i;
    std::string_view id = condition.substr(start, i - start);
    if (id.find('_') != std::string_view::npos) AddTerms(id, out);
  }
}

bool Agree(const std::string& a, const std::string& b) {
  if (a == b) return true;
  const std::string& shorter = a.size() < b.size() ? a : b;
  const std::string& longer = a.size() < b.size() ? b : a;
  return shorter.size() >= 4 && longer.starts_with(shorter);
}

}  // namespace

bool GenericRecallWord(const std::string& word) {
  // Places and who runs there; an alert's own words; fillers and comparisons; the monitoring stack.
  static const std::set<std::string, std::less<>> kGeneric = {
      "gpu", "gpus", "node", "nodes", "host", "hosts", "hostname", "rank", "ranks", "job", "jobs", "pod", "pods",
      "container", "cluster", "instance", "process", "processes", "device", "devices", "worker", "workers",
      "training", "train", "alert", "alerts", "firing", "critical", "warning", "severity", "info", "page",
      "the", "and", "for", "with", "from", "into", "after", "before", "over", "under", "above", "below", "than",
      "then", "that", "this", "these", "those", "its", "their", "there", "when", "while", "where", "which", "what",
      "not", "any", "all", "each", "every", "one", "two", "per", "via", "are", "was", "were", "has", "have", "had",
      "been", "but", "out", "off", "high", "higher", "low", "lower", "more", "less", "value", "values", "some",
      "reports", "reported", "shows", "seen", "dcgm", "exporter", "dev", "nvidia", "metric", "metrics", "now", "since", "last", "min", "minutes"};
  return kGeneric.count(word) > 0;
}

std::set<std::string> AlertTerms(const Alert& alert) {
  std::vector<std::string> words;
  AddTerms(alert.rule, words);
  for (const char* key : {"summary", "description"}) {
    auto it = alert.annotations.find(key);
    if (it != alert.annotations.end()) AddTerms(it->second, words);
  }
  for (const auto& [key, value] : alert.labels) AddTerms(value, words);
  return {words.begin(), words.end()};
}

std::vector<std::string> SharedRecallTerms(const std::set<std::string>& alert_terms, const SearchHit& hit) {
  std::vector<std::string> words;
  if (hit.kind == SearchHit::Kind::kIncident) {
    AddTerms(hit.incident.title, words);
    AddTerms(hit.incident.raw_text, words);
    for (const std::string& s : hit.incident.symptoms) AddTerms(s, words);
    for (const std::string& s : hit.incident.log_signatures) AddTerms(RegexText(s), words);
    for (const std::string& s : hit.incident.metric_conditions) AddConditionTerms(s, words);
  } else {
    AddTerms(hit.heading, words);
    AddTerms(hit.text, words);
  }
  std::vector<std::string> shared;
  for (const std::string& w : words) {
    if (std::find(shared.begin(), shared.end(), w) != shared.end()) continue;
    if (std::any_of(alert_terms.begin(), alert_terms.end(), [&](const std::string& a) { return Agree(a, w); })) {
      shared.push_back(w);
    }
  }
  return shared;
}

}  // namespace vigil
