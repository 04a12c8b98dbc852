// The ETA and the two displays of `vigil train-rules`' progress, with a FakeClock (the e2e test
// under a pseudo-terminal runs in well under a second, where every ETA reads <1s, 0s at 100%).
#include "server/train_progress.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <string>

namespace vigil {
namespace {

// Everything written to `f` so far.
std::string Written(std::FILE* f) {
  std::fflush(f);
  const long end = std::ftell(f);
  std::string s(static_cast<size_t>(end), '\0');
  std::rewind(f);
  REQUIRE(std::fread(s.data(), 1, s.size(), f) == s.size());
  return s;
}

}  // namespace

TEST_CASE("EtaSeconds: the time left at the rate so far; none before a target and 1% are done") {
  CHECK(EtaSeconds(0.25, 30, true).value_or(-1) == doctest::Approx(90));
  CHECK(EtaSeconds(0.5, 30, true).value_or(-1) == doctest::Approx(30));
  CHECK(EtaSeconds(0.9, 90, true).value_or(-1) == doctest::Approx(10));
  CHECK(EtaSeconds(1.0, 123, true).value_or(-1) == 0);
  // No estimate is not "0 s left" (the display showed `ETA 0s` through the first target).
  CHECK_FALSE(EtaSeconds(0.0, 5, false).has_value());
  CHECK_FALSE(EtaSeconds(0.3, 30, false).has_value());  // steps of the first target: no target done
  CHECK_FALSE(EtaSeconds(0.005, 5, true).has_value());  // 1 of 200 targets
}

TEST_CASE("TrainProgress without a terminal: one plain line per target with elapsed time and ETA") {
  std::FILE* out = std::tmpfile();
  REQUIRE(out != nullptr);
  FakeClock clock;
  TrainProgress p(false, out, &clock);
  p.Update(0, 3, 0, 4, "gpu_a");  // 0% done: no estimate yet
  clock.Advance(10'000);
  p.Update(0, 3, 2, 4, "gpu_a");  // same target: no new line
  clock.Advance(20'000);
  p.Update(1, 3, 0, 4, "gpu_b");  // 1/3 done in 30 s: 60 s left
  clock.Advance(20'000);
  p.Update(2, 3, 2, 4, "gpu_c");  // 5/6 done in 50 s: 10 s left
  p.Done();
  CHECK(Written(out) ==
        "train-rules: target 1/3 gpu_a (elapsed 0s, ETA --)\n"
        "train-rules: target 2/3 gpu_b (elapsed 30s, ETA 60s)\n"
        "train-rules: target 3/3 gpu_c (elapsed 50s, ETA 10s)\n");
  std::fclose(out);
}

TEST_CASE("TrainProgress without a terminal: a megabyte target name is quoted cut, with its length") {
  // A mangled file (a line that lost its newlines) made a 5 MB series name; the plain line per
  // target printed it whole.
  std::FILE* out = std::tmpfile();
  REQUIRE(out != nullptr);
  FakeClock clock;
  TrainProgress p(false, out, &clock);
  p.Update(0, 2, 0, 4, std::string(5'000'000, 'x'));
  p.Update(1, 2, 0, 4, "gpu_b");
  const std::string w = Written(out);
  CHECK(w.size() < 300);
  CHECK(w == "train-rules: target 1/2 " + std::string(120, 'x') + "... (5000000 bytes) (elapsed 0s, ETA --)\n"
             "train-rules: target 2/2 gpu_b (elapsed 0s, ETA <1s)\n");
  std::fclose(out);
}

TEST_CASE("TrainProgress on a terminal: the bar redrawn in place with percentage, target and ETA") {
  std::FILE* out = std::tmpfile();
  REQUIRE(out != nullptr);
  FakeClock clock;
  TrainProgress p(true, out, &clock, /*columns=*/100);
  clock.Advance(30'000);
  p.Update(1, 4, 0, 2, "gpu_b");  // 1/4 done in 30 s: 90 s left
  clock.Advance(60'000);
  p.Update(3, 4, 2, 2, "gpu_d");  // all done
  p.Done();
  const std::string bar1 = "\r[#######                       ]  25%  target 2/4  ETA   90s  gpu_b" + std::string(32, ' ');
  const std::string bar2 = "\r[##############################] 100%  target 4/4  ETA    0s  gpu_d" + std::string(32, ' ');
  CHECK(Written(out) == bar1 + bar2 + "\n");
  std::fclose(out);
}

// Through the first target there is no estimate: `ETA    --` (the same width), not `ETA 0s`, which
// read as "about to finish" on a run just started (issue 4 walk).
TEST_CASE("TrainProgress on a terminal: ETA -- until a target is done") {
  std::FILE* out = std::tmpfile();
  REQUIRE(out != nullptr);
  FakeClock clock;
  TrainProgress p(true, out, &clock, /*columns=*/100);
  p.Update(0, 2, 0, 4, "gpu_a");
  clock.Advance(10'000);
  p.Update(0, 2, 2, 4, "gpu_a");  // 25% in 10 s, but no target done
  clock.Advance(10'000);
  p.Update(1, 2, 0, 4, "gpu_b");  // 1/2 done in 20 s: 20 s left
  p.Done();
  const std::string pad(32, ' ');
  CHECK(Written(out) == "\r[                              ]   0%  target 1/2  ETA    --  gpu_a" + pad +
                            "\r[#######                       ]  25%  target 1/2  ETA    --  gpu_a" + pad +
                            "\r[###############               ]  50%  target 2/2  ETA   20s  gpu_b" + pad + "\n");
  std::fclose(out);
}

// The bar is redrawn with "\r", which returns to the start of the cursor's line only: a bar
// wider than the terminal wraps, and every redraw then leaves a line behind (seen under tmux at
// 80 columns: the 94-column bar of a KPI run printed one line per update, hundreds of them). The
// name is cut to what the terminal leaves, at a character boundary, and the bar narrowed when the
// terminal is narrower still.
TEST_CASE("TrainProgress on a terminal: every redraw fits in the terminal's width") {
  const std::string name = "realKnownCause/machine_temperature_system_failure";
  for (int columns : {80, 64, 40, 20}) {
    CAPTURE(columns);
    std::FILE* out = std::tmpfile();
    REQUIRE(out != nullptr);
    FakeClock clock;
    TrainProgress p(true, out, &clock, columns);
    p.Update(0, 58, 1, 4, name);
    clock.Advance(1'000'000);
    p.Update(56, 58, 3, 4, name);
    p.Done();
    const std::string all = Written(out);
    size_t pos = 0, draws = 0;
    while ((pos = all.find('\r', pos)) != std::string::npos) {
      const size_t end = all.find_first_of("\r\n", pos + 1);
      const std::string draw = all.substr(pos + 1, end - pos - 1);
      CHECK(draw.size() < static_cast<size_t>(columns));  // ASCII: bytes = columns
      if (columns >= 40) {  // narrower: the bar and name are gone and the line itself is cut
        CHECK(draw.find("target") != std::string::npos);
        CHECK(draw.find("ETA") != std::string::npos);
      }
      ++draws;
      pos = end;
    }
    CHECK(draws == 2);
    std::fclose(out);
  }
  // 80 columns: the name keeps what fits after the full 30-character bar.
  std::FILE* out = std::tmpfile();
  FakeClock clock;
  TrainProgress p(true, out, &clock, 80);
  p.Update(0, 58, 2, 4, name);
  CHECK(Written(out) == "\r[                              ]   0%  target 1/58  ETA    --  realKnownCause/m");
  std::fclose(out);
}

TEST_CASE("TrainProgress on a terminal: a cut name ends at a UTF-8 character boundary") {
  std::FILE* out = std::tmpfile();
  REQUIRE(out != nullptr);
  FakeClock clock;
  TrainProgress p(true, out, &clock, 80);
  // 63 columns before the name, 16 left: 15 'x' and one 2-byte 'é' (17 bytes), not a byte of the next.
  p.Update(0, 10, 0, 1, std::string(15, 'x') + "\xC3\xA9\xC3\xA9");
  const std::string all = Written(out);
  CHECK(all.substr(all.size() - 17) == std::string(15, 'x') + "\xC3\xA9");
  std::fclose(out);
}

// A redraw shorter than the one before must still cover it: "\r" only moves the cursor, so the
// tail of a longer line stays on screen. Seen at 65 columns: with the name shown the line filled
// the 64 columns, then `target 10/10` (one digit more) left no room for the name and the 62-column
// line left the last 2 characters of the name's padding... or of the name. Every redraw now pads
// to the width (spaces, no escape code: a dumb terminal that reports a width still gets it right).
TEST_CASE("TrainProgress on a terminal: a shorter redraw overwrites the whole previous line") {
  std::FILE* out = std::tmpfile();
  REQUIRE(out != nullptr);
  FakeClock clock;
  TrainProgress p(true, out, &clock, /*columns=*/65);
  clock.Advance(80'000);
  p.Update(8, 10, 0, 1, "zz");  // ` 80%  target 9/10  ETA   20s`: 61 columns with the bar, 1 of name
  p.Update(9, 10, 0, 1, "zz");  // `target 10/10`: 62 columns, no room for the name
  p.Done();
  const std::string all = Written(out);
  const size_t second = all.find('\r', 1);
  REQUIRE(second != std::string::npos);
  const std::string draw1 = all.substr(1, second - 1);
  const std::string draw2 = all.substr(second + 1, all.size() - second - 2);  // without the final "\n"
  CHECK(draw1 == "[########################      ]  80%  target 9/10  ETA   20s  z");
  CHECK(draw2.find("target 10/10") != std::string::npos);
  CHECK(draw2.find('z') == std::string::npos);
  CHECK(draw2.size() >= draw1.size());  // covers every column the first draw wrote
  CHECK(draw2.size() < 65u);            // and still fits
  std::fclose(out);
}

// Under half a second left, "%.0f" printed `ETA 0s` while the last target was still running, which
// reads as "finished"; it is `<1s` until the work is done, and `0s` at 100%.
TEST_CASE("TrainProgress: under a second left reads <1s, not 0s, until the work is done") {
  for (bool tty : {true, false}) {
    CAPTURE(tty);
    std::FILE* out = std::tmpfile();
    REQUIRE(out != nullptr);
    FakeClock clock;
    TrainProgress p(tty, out, &clock, /*columns=*/100);
    clock.Advance(40'600);
    p.Update(99, 100, 0, 1, "tail");  // 99/100 in 40.6 s: 0.41 s left
    p.Update(99, 100, 1, 1, "tail");  // all done
    p.Done();
    const std::string all = Written(out);
    if (tty) {
      CHECK(all.find(" 99%  target 100/100  ETA   <1s  tail") != std::string::npos);
      CHECK(all.find("100%  target 100/100  ETA    0s  tail") != std::string::npos);
    } else {
      CHECK(all == "train-rules: target 100/100 tail (elapsed 41s, ETA <1s)\n");
    }
    std::fclose(out);
  }
}

}  // namespace vigil
