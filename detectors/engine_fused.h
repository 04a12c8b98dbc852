// Fused comparisons for the streaming engine: a comparison node evaluated together with the
// arithmetic of its two operands, in one instruction.
//
// Anomaly rules mostly end in one comparison of a deviation with a scaled spread:
// `abs(value - median(value, 30p)) > 5 * mad(value, 30p)`, `value > mean(v, 30p) + 3 * std(v, 30p)`,
// `max(v, 10p) - min(v, 10p) > 6 * std(v, 120p)`. Interpreted node by node that is four or five
// instructions per point, each a dispatch, loads of its inputs and a store; fused, the
// comparison's two sides are computed in registers by a function specialised for their shapes,
// resolved once when the plan is compiled (FusedCompareFn).
//
// A side has one of the shapes of FusedShape over "leaves" (any node computed before: a
// window, a constant, the value, an unfused operation). Every node of a fused tree is still
// written to the value array (explanations and traces read them), with exactly the arithmetic
// of the unfused instructions (the same IEEE operations on the same operands in the same
// order), so results are bit-identical. Which nodes may be fused is decided by the engine
// (an inner node is fused only when the comparison is its only reader).
// Thread safety: plain functions and values.
#pragma once

#include <cmath>
#include <cstdint>

#include "core/rule_plan.h"

namespace vigil::detail {

// The shape of one side of a fused comparison; x, y, z are the side's leaves in the order
// they appear in the expression.
enum class FusedShape : uint8_t {
  kLeaf,    // x
  kAbs,     // abs(x)
  kSub,     // x - y
  kAbsSub,  // abs(x - y)      (inner: the subtraction)
  kAdd,     // x + y
  kMul,     // x * y
  kAddMul,  // x + y * z       (inner: the product)
  kMulAdd,  // x * y + z       (inner: the product)
};
inline constexpr int kFusedShapes = 8;

struct FusedSide {
  FusedShape shape = FusedShape::kLeaf;
  int32_t node = 0;   // the side's node (the leaf itself for kLeaf)
  int32_t inner = 0;  // the inner node of kAbsSub / kAddMul / kMulAdd
  int32_t x = 0, y = 0, z = 0;
};

struct FusedCompare {
  FusedSide side[2];
};

// Evaluates side `s` over the node values `v`, writing its node (and inner node) there.
template <FusedShape kShape>
[[gnu::always_inline]] inline double EvalFusedSide(double* v, const FusedSide& s) {
  if constexpr (kShape == FusedShape::kLeaf) {
    return v[s.x];
  } else if constexpr (kShape == FusedShape::kAbs) {
    return v[s.node] = std::fabs(v[s.x]);
  } else if constexpr (kShape == FusedShape::kSub) {
    return v[s.node] = v[s.x] - v[s.y];
  } else if constexpr (kShape == FusedShape::kAbsSub) {
    const double d = v[s.inner] = v[s.x] - v[s.y];
    return v[s.node] = std::fabs(d);
  } else if constexpr (kShape == FusedShape::kAdd) {
    return v[s.node] = v[s.x] + v[s.y];
  } else if constexpr (kShape == FusedShape::kMul) {
    return v[s.node] = v[s.x] * v[s.y];
  } else if constexpr (kShape == FusedShape::kAddMul) {
    const double p = v[s.inner] = v[s.y] * v[s.z];
    return v[s.node] = v[s.x] + p;
  } else {  // kMulAdd
    const double p = v[s.inner] = v[s.x] * v[s.y];
    return v[s.node] = p + v[s.z];
  }
}

// The comparison (kLt, kLe, kGt or kGe) of the two sides, as 1.0 / 0.0 (NaN compares false).
using FusedCompareFn = double (*)(double* v, const FusedCompare& f);

template <PlanOp kCmp, FusedShape kL, FusedShape kR>
double EvalFusedCompare(double* v, const FusedCompare& f) {
  const double a = EvalFusedSide<kL>(v, f.side[0]);
  const double b = EvalFusedSide<kR>(v, f.side[1]);
  bool r;
  if constexpr (kCmp == PlanOp::kLt) r = a < b;
  else if constexpr (kCmp == PlanOp::kLe) r = a <= b;
  else if constexpr (kCmp == PlanOp::kGt) r = a > b;
  else r = a >= b;
  return r ? 1.0 : 0.0;
}

namespace fused_internal {
template <PlanOp kCmp, FusedShape kL>
FusedCompareFn PickRight(FusedShape r) {
  switch (r) {
#define VIGIL_FUSED_CASE(S) \
  case FusedShape::S: return &EvalFusedCompare<kCmp, kL, FusedShape::S>;
    VIGIL_FUSED_CASE(kLeaf) VIGIL_FUSED_CASE(kAbs) VIGIL_FUSED_CASE(kSub) VIGIL_FUSED_CASE(kAbsSub)
    VIGIL_FUSED_CASE(kAdd) VIGIL_FUSED_CASE(kMul) VIGIL_FUSED_CASE(kAddMul) VIGIL_FUSED_CASE(kMulAdd)
#undef VIGIL_FUSED_CASE
  }
  return nullptr;
}
template <PlanOp kCmp>
FusedCompareFn PickLeft(FusedShape l, FusedShape r) {
  switch (l) {
#define VIGIL_FUSED_CASE(S) \
  case FusedShape::S: return PickRight<kCmp, FusedShape::S>(r);
    VIGIL_FUSED_CASE(kLeaf) VIGIL_FUSED_CASE(kAbs) VIGIL_FUSED_CASE(kSub) VIGIL_FUSED_CASE(kAbsSub)
    VIGIL_FUSED_CASE(kAdd) VIGIL_FUSED_CASE(kMul) VIGIL_FUSED_CASE(kAddMul) VIGIL_FUSED_CASE(kMulAdd)
#undef VIGIL_FUSED_CASE
  }
  return nullptr;
}
}  // namespace fused_internal

// The specialised function for a comparison op and the two shapes; nullptr when `cmp` is not
// one of kLt, kLe, kGt, kGe.
inline FusedCompareFn FusedCompareFor(PlanOp cmp, FusedShape l, FusedShape r) {
  switch (cmp) {
    case PlanOp::kLt: return fused_internal::PickLeft<PlanOp::kLt>(l, r);
    case PlanOp::kLe: return fused_internal::PickLeft<PlanOp::kLe>(l, r);
    case PlanOp::kGt: return fused_internal::PickLeft<PlanOp::kGt>(l, r);
    case PlanOp::kGe: return fused_internal::PickLeft<PlanOp::kGe>(l, r);
    default: return nullptr;
  }
}

}  // namespace vigil::detail
