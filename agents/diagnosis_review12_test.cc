// Review of round 12 of the built-in reasoner: edge cases of the rules that read numbers and names
// from log text (the units of the straggler detector's round trips, a reversed rank range in a split
// collective wait, FP8 state read through an attribute) and the node a host-filed launch fault names.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "knowledge/knowledge_base.h"

namespace vigil {
namespace {

// The ranks a line names as slow (empty when it names none).
std::vector<int> SlowRanks(const std::string& line) {
  auto m = FindSlowMention(line, {"g-1", "g-2"});
  return m ? m->ranks : std::vector<int>{};
}

TEST_CASE("review 12: the straggler detector's round trips are compared in one unit") {
  // 0.9 s against 1.5 s: the slowest is 1.67 x the fastest.
  CHECK(SlowRanks("StragglerDetector: MnRtt/Rnk: 900.0ms/3 | MxRtt/Rnk: 1.5s/14") == std::vector<int>{14});
  // 0.9 s against 0.95 s: balanced (read without units, 950 against 0.9 looked like 1000 x).
  CHECK(SlowRanks("StragglerDetector: MnRtt/Rnk: 0.9s/3 | MxRtt/Rnk: 950ms/14").empty());
  CHECK(SlowRanks("StragglerDetector: MnRtt/Rnk: 800us/3 | MxRtt/Rnk: 1.5ms/14") == std::vector<int>{14});
  // One unit on both sides, as Megatron prints it: unchanged.
  CHECK(SlowRanks("StragglerDetector: MnRtt/Rnk: 3.31s/3 | MxRtt/Rnk: 4.82s/12") == std::vector<int>{12});
}

TEST_CASE("review 12: a split wait over a reversed rank range names no one") {
  // "ranks 23-1" is no range (the rank list rule reads such a range as none): rank 5 is not
  // "outside" it.
  CHECK(SlowRanks("reduce_scatter wait 0.31s avg on ranks 23-1 (rank 5: 0.02s)").empty());
  // The well-formed range still names the rank outside it.
  CHECK(SlowRanks("reduce_scatter wait 0.31s avg on ranks 1-23 (rank 0: 0.02s)") == std::vector<int>{0});
}

}  // namespace
}  // namespace vigil
