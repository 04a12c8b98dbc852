// The ETA and the two displays of `vigil train-rules`' progress, with a FakeClock (the e2e test
// under a pseudo-terminal runs in well under a second, where every ETA reads 0s).
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

TEST_CASE("EtaSeconds: the time left at the rate so far; none before 1% is done") {
  CHECK(EtaSeconds(0.25, 30) == doctest::Approx(90));
  CHECK(EtaSeconds(0.5, 30) == doctest::Approx(30));
  CHECK(EtaSeconds(0.9, 90) == doctest::Approx(10));
  CHECK(EtaSeconds(1.0, 123) == 0);
  CHECK(EtaSeconds(0.0, 5) == 0);
  CHECK(EtaSeconds(0.005, 5) == 0);
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
        "train-rules: target 1/3 gpu_a (elapsed 0s, ETA 0s)\n"
        "train-rules: target 2/3 gpu_b (elapsed 30s, ETA 60s)\n"
        "train-rules: target 3/3 gpu_c (elapsed 50s, ETA 10s)\n");
  std::fclose(out);
}

TEST_CASE("TrainProgress on a terminal: the bar redrawn in place with percentage, target and ETA") {
  std::FILE* out = std::tmpfile();
  REQUIRE(out != nullptr);
  FakeClock clock;
  TrainProgress p(true, out, &clock);
  clock.Advance(30'000);
  p.Update(1, 4, 0, 2, "gpu_b");  // 1/4 done in 30 s: 90 s left
  clock.Advance(60'000);
  p.Update(3, 4, 2, 2, "gpu_d");  // all done
  p.Done();
  const std::string bar1 = "\r[#######                       ]  25%  target 2/4  ETA   90s  gpu_b" + std::string(25, ' ');
  const std::string bar2 = "\r[##############################] 100%  target 4/4  ETA    0s  gpu_d" + std::string(25, ' ');
  CHECK(Written(out) == bar1 + bar2 + "\n");
  std::fclose(out);
}

}  // namespace vigil
