// The progress display of `vigil train-rules` (issue 4): a bar with an ETA redrawn in place on a
// terminal, one plain line per target otherwise (a log file or a pipe gets no carriage return and
// no escape code). Time comes from a Clock so tests can check the ETA (train_progress_test.cc);
// tests/train_rules_progress_test.sh checks the display under a real pseudo-terminal.
#pragma once

#include <cstddef>
#include <cstdio>
#include <optional>
#include <string>

#include "core/clock.h"

namespace vigil {

// Seconds left when `fraction` (0..1) of the work took `elapsed_s`: elapsed × (1 − f) / f, the
// rate so far. None (no estimate yet, shown `ETA --`) until `one_target_done` and 1% is done: the
// steps within the first target say little of the others, and "0 s" would read as "finishing".
std::optional<double> EtaSeconds(double fraction, double elapsed_s, bool one_target_done);

class TrainProgress {
 public:
  // `tty`: draw the bar on `out`; otherwise one plain line per target. `clock` nullptr =
  // SystemClock(); not owned. The time starts at construction. `columns`: the terminal's width;
  // 0 = asked of `out`'s terminal at every update (TIOCGWINSZ, so a resize is followed), 80 when
  // it does not say. Each redraw stays shorter than the width ("\r" returns to the start of the
  // cursor's line only, so a wrapped bar would leave a line behind per update): the name is cut
  // first (at a UTF-8 character boundary, one column per character), then the bar narrowed to 10
  // and dropped, and last the line itself cut. Every redraw is padded with spaces to that width
  // (one column short of the terminal's), so it covers a longer line drawn before it. The ETA
  // reads `--` while there is no estimate, `<1s` under half a second while work remains. A plain
  // line quotes at most 120 bytes of the name, then its length (QuotedName, server/cli.h).
  TrainProgress(bool tty, std::FILE* out, const Clock* clock = nullptr, int columns = 0);

  // At step `step` of `steps` of target `target` (0-based) of `targets`, named `name`.
  void Update(size_t target, size_t targets, int step, int steps, const std::string& name);
  // Ends the bar's line (terminal only).
  void Done();

 private:
  // The width to draw in: `columns_`, else the terminal's, else 80.
  int Columns() const;

  bool tty_;
  std::FILE* out_;
  const Clock* clock_;
  int64_t start_ns_;
  int columns_;
  size_t last_target_ = static_cast<size_t>(-1);
};

}  // namespace vigil
