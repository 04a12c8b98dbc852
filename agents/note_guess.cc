#include "agents/note_guess.h"

#include <regex>

namespace vigil {

bool IsNoteSource(const std::string& source) {
  static const std::regex kNote(R"((^|[^a-z])notes?([^a-z]|$))", std::regex::icase);
  return source.size() <= 400 && std::regex_search(source, kNote);
}

bool IsQuestionLine(const std::string& line) {
  if (line.size() > 2000) return false;
  // A word, then one or more '?', then the line's end, a blank, a closing bracket or punctuation.
  static const std::regex kAsk(R"([A-Za-z)\]]\?+(?:$|[\s)\],;.]))");
  return std::regex_search(line, kAsk);
}

}  // namespace vigil
