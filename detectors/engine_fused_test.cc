// Fused comparisons (engine_fused.h) against the node-by-node arithmetic they replace: every
// comparison op and every pair of side shapes, on values with NaN, infinities, signed zeros
// and ties; both the result and every node the tree writes must be the same bits.
#include "detectors/engine_fused.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

namespace vigil::detail {
namespace {

bool SameBits(double a, double b) {
  if (std::isnan(a) && std::isnan(b)) return true;
  return std::memcmp(&a, &b, sizeof(double)) == 0;
}

// The side computed the unfused way: one operation per node, written as the instructions do.
double ReferenceSide(std::vector<double>& v, const FusedSide& s) {
  switch (s.shape) {
    case FusedShape::kLeaf: return v[s.x];
    case FusedShape::kAbs: return v[s.node] = std::fabs(v[s.x]);
    case FusedShape::kSub: return v[s.node] = v[s.x] - v[s.y];
    case FusedShape::kAbsSub:
      v[s.inner] = v[s.x] - v[s.y];
      return v[s.node] = std::fabs(v[s.inner]);
    case FusedShape::kAdd: return v[s.node] = v[s.x] + v[s.y];
    case FusedShape::kMul: return v[s.node] = v[s.x] * v[s.y];
    case FusedShape::kAddMul:
      v[s.inner] = v[s.y] * v[s.z];
      return v[s.node] = v[s.x] + v[s.inner];
    case FusedShape::kMulAdd:
      v[s.inner] = v[s.x] * v[s.y];
      return v[s.node] = v[s.inner] + v[s.z];
  }
  return 0;
}

double ReferenceCompare(PlanOp op, double a, double b) {
  switch (op) {
    case PlanOp::kLt: return a < b ? 1.0 : 0.0;
    case PlanOp::kLe: return a <= b ? 1.0 : 0.0;
    case PlanOp::kGt: return a > b ? 1.0 : 0.0;
    case PlanOp::kGe: return a >= b ? 1.0 : 0.0;
    default: return -1;
  }
}

TEST_CASE("fused comparisons equal node-by-node evaluation for every op and pair of shapes") {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const double specials[] = {std::numeric_limits<double>::quiet_NaN(), kInf, -kInf, 0.0, -0.0, 1.0, -1.0, 2.5, 1e300};
  std::mt19937_64 rng(7);
  auto draw = [&]() {
    const uint64_t r = rng() % 16;
    if (r < 9) return specials[r];
    return static_cast<double>(static_cast<int64_t>(rng() % 21) - 10) * 0.5;  // ties are common
  };
  const PlanOp ops[] = {PlanOp::kLt, PlanOp::kLe, PlanOp::kGt, PlanOp::kGe};
  // Nodes 0..5 are leaves; each side writes its node and inner node in 6..9.
  size_t cases = 0, true_results = 0;
  for (PlanOp op : ops) {
    for (int l = 0; l < kFusedShapes; ++l) {
      for (int r = 0; r < kFusedShapes; ++r) {
        FusedCompare f;
        f.side[0] = {static_cast<FusedShape>(l), 6, 7, 0, 1, 2};
        f.side[1] = {static_cast<FusedShape>(r), 8, 9, 3, 4, 5};
        if (r == 0) f.side[1].x = 4;
        FusedCompareFn fn = FusedCompareFor(op, f.side[0].shape, f.side[1].shape);
        REQUIRE(static_cast<bool>(fn));
        for (int rep = 0; rep < 200; ++rep) {
          std::vector<double> v(10, -7.0);
          for (int i = 0; i < 6; ++i) v[i] = draw();
          std::vector<double> want = v;
          const double a = ReferenceSide(want, f.side[0]);
          const double b = ReferenceSide(want, f.side[1]);
          const double expect = ReferenceCompare(op, a, b);
          const double got = fn(v.data(), f);
          INFO("op ", static_cast<int>(op), " shapes ", l, " ", r, " rep ", rep);
          CHECK(got == expect);
          for (size_t i = 0; i < v.size(); ++i) CHECK(SameBits(v[i], want[i]));
          ++cases;
          true_results += got == 1.0;
        }
      }
    }
  }
  CHECK(cases == 4 * kFusedShapes * kFusedShapes * 200);
  CHECK(true_results > cases / 10);  // both outcomes occur
  CHECK(true_results < cases * 9 / 10);
  CHECK(!static_cast<bool>(FusedCompareFor(PlanOp::kEq, FusedShape::kAbs, FusedShape::kLeaf)));
}

}  // namespace
}  // namespace vigil::detail
