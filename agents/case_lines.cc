#include "agents/case_lines.h"

#include "core/utf8.h"

namespace vigil {

void CaseLineBudget::Add(CaseLog& log, size_t number, std::string text) {
  if (held_ >= limits_.max_lines) {
    ++dropped_;
    return;
  }
  if (text.size() > limits_.max_line_bytes) {
    text = Utf8Prefix(text, limits_.max_line_bytes);
    ++cut_;
  }
  log.lines.push_back({number, std::move(text)});
  ++held_;
}

void CaseLineBudget::AppendNotes(std::vector<std::string>& notes) const {
  if (cut_ > 0) {
    notes.push_back(std::to_string(cut_) + " log lines longer than " + std::to_string(limits_.max_line_bytes) +
                    " bytes were cut to that length");
  }
  if (dropped_ > 0) {
    notes.push_back(std::to_string(dropped_) + " log lines beyond the load limit of " +
                    std::to_string(limits_.max_lines) + " lines were not read");
  }
}

}  // namespace vigil
