#include "agents/source_zone.h"

#include <regex>
#include <set>
#include <vector>

#include "agents/log_time.h"

namespace vigil {

namespace {

// The offsets a note declares (ParseZoneOffsetMin's), each once.
std::set<int> DeclaredOffsets(const std::string& note) {
  static const std::regex kOffset(R"((?:^|[\s(,;])((?:UTC|GMT)?[+-]\d{2}(?::?\d{2})?)(?=[\s),;]|$))");
  static const std::regex kUtcWord(R"((?:^|[\s(,;])(?:UTC|GMT)(?=[\s),;]|$))");
  std::set<int> out;
  if (note.size() > 2000) return out;
  for (auto it = std::sregex_iterator(note.begin(), note.end(), kOffset); it != std::sregex_iterator(); ++it) {
    if (std::optional<int> off = ParseZoneOffsetMin(it->str(1))) out.insert(*off);
  }
  if (std::regex_search(note, kUtcWord)) out.insert(0);
  return out;
}

}  // namespace

std::optional<int> SourceZoneOffsetMin(const CaseLog& log) {
  std::vector<std::string> notes;
  for (size_t open = log.source.find('('); open != std::string::npos; open = log.source.find('(', open + 1)) {
    const size_t close = log.source.find(')', open);
    if (close == std::string::npos) break;
    notes.push_back(log.source.substr(open, close - open + 1));
  }
  for (size_t i = 0; i < log.lines.size() && i < 3; ++i) {
    const std::string& t = log.lines[i].text;
    const size_t first = t.find_first_not_of(" \t");
    if (first != std::string::npos && t[first] == '#') notes.push_back(t);
  }
  std::set<int> offsets;
  for (const std::string& n : notes) {
    for (int off : DeclaredOffsets(n)) offsets.insert(off);
  }
  if (offsets.size() != 1) return std::nullopt;
  return *offsets.begin();
}

}  // namespace vigil
