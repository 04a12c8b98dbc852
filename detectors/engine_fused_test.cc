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
    case FusedShape::kLeaf:
      return v[s.x];
    case FusedShape::kAbs:
      return v[s.node] = std::fabs(v[s.x]);
    case FusedShape::kSub:
      return v[s.node] = v[s.x] - v[s.y];
    case FusedShape::kAbsSub:
      v[s.inner] = v[s.x] - v[s.y];
      return v[s.node] = std::fabs(v[s.inner]);
    case FusedShape::kAdd:
      return v[s.node] = v[s.x] + v[s.y];
    case FusedShape::kMul:
      return v[s.node] = v[s.x] * v[s.y];
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
    case PlanOp::kLt:
      return a < b ? 1.0 : 0.0;
    case PlanOp::kLe:
      return a <= b ? 1.0 : 0.0;
    case PlanOp::kGt:
      return a > b ? 1.0 : 0.0;
    case PlanOp::kGe:
      return a >= b ? 1.0 : 0.0;
    default:
      return -1;
  }
}

TEST_CASE("fused comparisons equal node-by-node evaluation for every op and pair of shapes, both forms") {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const double specials[] = {
      std::numeric_limits<double>::quiet_NaN(), kInf, -kInf, 0.0, -0.0, 1.0, -1.0, 2.5, 1e300};
  std::mt19937_64 rng(7);
  auto draw = [&]() {
    const uint64_t r = rng() % 16;
    if (r < 9) return specials[r];
    return static_cast<double>(static_cast<int64_t>(rng() % 21) - 10) * 0.5;  // ties are common
  };
  const PlanOp ops[] = {PlanOp::kLt, PlanOp::kLe, PlanOp::kGt, PlanOp::kGe};
  // Nodes 0..5 are leaves; the sides write their node and inner node in 6..9. The column form
  // runs kN points at once, node k's column at cols[k] (kN points each).
  constexpr size_t kNodes = 10, kN = 37;
  size_t cases = 0, true_results = 0;
  for (PlanOp op : ops) {
    for (int l = 0; l < kFusedShapes; ++l) {
      for (int r = 0; r < kFusedShapes; ++r) {
        FusedCompare f;
        f.side[0] = {static_cast<FusedShape>(l), 6, 7, 0, 1, 2};
        f.side[1] = {static_cast<FusedShape>(r), 8, 9, 3, 4, 5};
        if (r == 0) f.side[1].x = 4;
        const FusedCompareFns fns = FusedCompareFor(op, f.side[0].shape, f.side[1].shape);
        REQUIRE(static_cast<bool>(fns.one));
        REQUIRE(static_cast<bool>(fns.column));
        INFO("op ", static_cast<int>(op), " shapes ", l, " ", r);
        for (int rep = 0; rep < 6; ++rep) {
          std::vector<double> cols(kNodes * kN, -7.0), want_cols = cols, out(kN, -1.0);
          for (size_t i = 0; i < kN; ++i) {
            std::vector<double> v(kNodes, -7.0);
            for (int k = 0; k < 6; ++k) v[k] = cols[k * kN + i] = want_cols[k * kN + i] = draw();
            std::vector<double> want = v;
            const double a = ReferenceSide(want, f.side[0]);
            const double b = ReferenceSide(want, f.side[1]);
            const double expect = ReferenceCompare(op, a, b);
            for (size_t k = 0; k < kNodes; ++k) want_cols[k * kN + i] = want[k];
            const double got = fns.one(v.data(), f);
            CHECK(got == expect);
            for (size_t k = 0; k < kNodes; ++k) CHECK(SameBits(v[k], want[k]));
            out[i] = expect;  // compared with the column form below
            ++cases;
            true_results += got == 1.0;
          }
          std::vector<double*> ptr(kNodes);
          for (size_t k = 0; k < kNodes; ++k) ptr[k] = cols.data() + k * kN;
          std::vector<double> got(kN, -1.0);
          fns.column(ptr.data(), f, got.data(), kN);
          CHECK(got == out);
          for (size_t j = 0; j < cols.size(); ++j) CHECK(SameBits(cols[j], want_cols[j]));
        }
      }
    }
  }
  CHECK(cases == 4 * kFusedShapes * kFusedShapes * 6 * kN);
  CHECK(true_results > cases / 10);  // both outcomes occur
  CHECK(true_results < cases * 9 / 10);
  CHECK(!static_cast<bool>(FusedCompareFor(PlanOp::kEq, FusedShape::kAbs, FusedShape::kLeaf).one));
}

}  // namespace
}  // namespace vigil::detail
