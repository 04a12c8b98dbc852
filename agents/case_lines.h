#pragma once
// The per-line load limits that a case file's logs (ParseCase) and a pasted plain-text log
// (`vigil diagnose --log`, server/cmd_diagnose.cc) share: one count of lines held over all
// sources, lines beyond CaseLimits::max_lines dropped, longer lines cut at a UTF-8 character
// boundary, and one wording for the notes that say so. (Before 2026-12-03 each kept its own copy;
// ParseCase's cut could split a character.)

#include <string>
#include <vector>

#include "agents/case.h"

namespace vigil {

class CaseLineBudget {
 public:
  explicit CaseLineBudget(const CaseLimits& limits) : limits_(limits) {}

  // Adds line `number` (1-based, as in its source) of `log`: dropped, and counted, once
  // max_lines lines are held over every source this budget saw; one holding carriage returns (a
  // progress bar) read in its last state (LastCarriageReturnState, counted); cut to at most
  // max_line_bytes bytes without splitting a UTF-8 character, and counted.
  void Add(CaseLog& log, size_t number, std::string text);

  // "N log lines longer than B bytes were cut to that length" and "N log lines beyond the load
  // limit of L lines were not read", each only when it happened.
  void AppendNotes(std::vector<std::string>& notes) const;

  size_t held() const { return held_; }
  size_t cut() const { return cut_; }
  size_t dropped() const { return dropped_; }

 private:
  CaseLimits limits_;
  size_t held_ = 0, cut_ = 0, dropped_ = 0;
  size_t overwritten_ = 0;  // lines read in their last carriage-return state (RV10)
};

}  // namespace vigil
