#include "agents/case_lines.h"

#include "core/strings.h"
#include "core/utf8.h"

namespace vigil {

void CaseLineBudget::Add(CaseLog& log, size_t number, std::string text) {
  if (held_ >= limits_.max_lines) {
    ++dropped_;
    return;
  }
  // RV10: a progress bar's line (tqdm's `\r` updates, no `\n`) is read in its last state, as a
  // terminal shows it; before, as written: every state, oldest first, and past max_line_bytes only
  // the oldest ones (a stalled loader's last it/s lost).
  if (text.find('\r') != std::string::npos) {
    if (const std::string_view last = LastCarriageReturnState(text); last.size() != text.size()) {
      if (last.data() != text.data()) ++overwritten_;  // not a stray CR at the end
      text = std::string(last);
    }
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
  if (overwritten_ > 0) {
    notes.push_back(std::to_string(overwritten_) + " log lines rewrote themselves with carriage returns (a progress "
                    "bar): each was read in its last state, as a terminal shows it");
  }
  if (dropped_ > 0) {
    notes.push_back(std::to_string(dropped_) + " log lines beyond the load limit of " +
                    std::to_string(limits_.max_lines) + " lines were not read");
  }
}

}  // namespace vigil
