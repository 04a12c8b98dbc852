// Fused comparisons for the engine (streaming and batch): a comparison node evaluated together with the
// arithmetic of its two operands, in one instruction.
//
// Anomaly rules mostly end in one comparison of a deviation with a scaled spread:
// `abs(value - median(value, 30p)) > 5 * mad(value, 30p)`, `value > mean(v, 30p) + 3 * std(v, 30p)`,
// `max(v, 10p) - min(v, 10p) > 6 * std(v, 120p)`. Interpreted node by node that is four or five
// instructions per point, each a dispatch, loads of its inputs and a store; fused, the
// comparison's two sides are computed in registers by a function specialised for their shapes,
// resolved once when the plan is compiled (FusedCompareFor). Batch runs the same fusion over
// columns (one loop over a block instead of one per node).
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
#include <cstddef>
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

// The arithmetic of a side of shape kShape at point i, in the order of the unfused
// instructions: reads the leaves x[i], y[i], z[i] the shape uses (only those: an unused load
// would keep the column loop from vectorising), writes node[i] and inner[i] where the shape
// has them, returns the side's value. Shared by both forms (streaming: i = 0).
template <FusedShape kShape>
[[gnu::always_inline]] inline double FusedSideValue(const double* x, const double* y, const double* z, double* node,
                                                    double* inner, size_t i) {
  // Values are kept in locals and stored, never read back from the stores (a load after its
  // own store also keeps the loop from vectorising).
  double r;
  if constexpr (kShape == FusedShape::kLeaf) {
    return x[i];
  } else if constexpr (kShape == FusedShape::kAbs) {
    r = std::fabs(x[i]);
  } else if constexpr (kShape == FusedShape::kSub) {
    r = x[i] - y[i];
  } else if constexpr (kShape == FusedShape::kAbsSub) {
    const double d = x[i] - y[i];
    inner[i] = d;
    r = std::fabs(d);
  } else if constexpr (kShape == FusedShape::kAdd) {
    r = x[i] + y[i];
  } else if constexpr (kShape == FusedShape::kMul) {
    r = x[i] * y[i];
  } else if constexpr (kShape == FusedShape::kAddMul) {
    const double p = y[i] * z[i];
    inner[i] = p;
    r = x[i] + p;
  } else {  // kMulAdd
    const double p = x[i] * y[i];
    inner[i] = p;
    r = p + z[i];
  }
  node[i] = r;
  return r;
}

template <PlanOp kCmp>
[[gnu::always_inline]] inline double FusedCompareResult(double a, double b) {
  bool r;
  if constexpr (kCmp == PlanOp::kLt) r = a < b;
  else if constexpr (kCmp == PlanOp::kLe) r = a <= b;
  else if constexpr (kCmp == PlanOp::kGt) r = a > b;
  else r = a >= b;
  return r ? 1.0 : 0.0;
}

// Single point (streaming): v holds every node's value; the sides' nodes are written there.
// Returns the comparison (kLt, kLe, kGt or kGe) as 1.0 / 0.0 (NaN compares false).
using FusedCompareFn = double (*)(double* v, const FusedCompare& f);
// Column (batch): col[node] points at the node's values for n points; out receives the
// comparison, the sides' nodes their values.
using FusedCompareColumnFn = void (*)(double* const* col, const FusedCompare& f, double* out, size_t n);

template <FusedShape kShape>
[[gnu::always_inline]] inline double EvalFusedSide(double* v, const FusedSide& s) {
  return FusedSideValue<kShape>(v + s.x, v + s.y, v + s.z, v + s.node, v + s.inner, 0);
}

template <PlanOp kCmp, FusedShape kL, FusedShape kR>
double EvalFusedCompare(double* v, const FusedCompare& f) {
  const double a = EvalFusedSide<kL>(v, f.side[0]);
  const double b = EvalFusedSide<kR>(v, f.side[1]);
  return FusedCompareResult<kCmp>(a, b);
}

// The column loop over the sides' columns. The pointers are restrict parameters: every node
// has its own column and the written ones (the sides' nodes, their inner nodes and the
// comparison) are not leaves, so no written column overlaps a column it reads or another
// written one (leaves may repeat; they are only read). GCC 12 honours restrict on parameters,
// not on locals copied from an array of pointers: with locals it had to check the columns for
// overlap at run time and gave up ("no vectype") for most shape pairs; with parameters every
// pair vectorises.
template <PlanOp kCmp, FusedShape kL, FusedShape kR>
void FusedCompareColumnLoop(const double* __restrict lx, const double* __restrict ly, const double* __restrict lz,
                            double* __restrict ln, double* __restrict lm, const double* __restrict rx,
                            const double* __restrict ry, const double* __restrict rz, double* __restrict rn,
                            double* __restrict rm, double* __restrict res, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const double a = FusedSideValue<kL>(lx, ly, lz, ln, lm, i);
    const double b = FusedSideValue<kR>(rx, ry, rz, rn, rm, i);
    res[i] = FusedCompareResult<kCmp>(a, b);
  }
}

template <PlanOp kCmp, FusedShape kL, FusedShape kR>
void EvalFusedCompareColumn(double* const* col, const FusedCompare& f, double* out, size_t n) {
  // A leaf's pointer is only read where its shape has it (an unused load would keep the loop
  // from vectorising).
  FusedCompareColumnLoop<kCmp, kL, kR>(col[f.side[0].x], col[f.side[0].y], col[f.side[0].z], col[f.side[0].node],
                                       col[f.side[0].inner], col[f.side[1].x], col[f.side[1].y], col[f.side[1].z],
                                       col[f.side[1].node], col[f.side[1].inner], out, n);
}

struct FusedCompareFns {
  FusedCompareFn one = nullptr;
  FusedCompareColumnFn column = nullptr;
};

namespace fused_internal {
template <PlanOp kCmp, FusedShape kL>
FusedCompareFns PickRight(FusedShape r) {
  switch (r) {
#define VIGIL_FUSED_CASE(S)                                                     \
  case FusedShape::S:                                                           \
    return {&EvalFusedCompare<kCmp, kL, FusedShape::S>, &EvalFusedCompareColumn<kCmp, kL, FusedShape::S>};
    VIGIL_FUSED_CASE(kLeaf) VIGIL_FUSED_CASE(kAbs) VIGIL_FUSED_CASE(kSub) VIGIL_FUSED_CASE(kAbsSub)
    VIGIL_FUSED_CASE(kAdd) VIGIL_FUSED_CASE(kMul) VIGIL_FUSED_CASE(kAddMul) VIGIL_FUSED_CASE(kMulAdd)
#undef VIGIL_FUSED_CASE
  }
  return {};
}
template <PlanOp kCmp>
FusedCompareFns PickLeft(FusedShape l, FusedShape r) {
  switch (l) {
#define VIGIL_FUSED_CASE(S) \
  case FusedShape::S: return PickRight<kCmp, FusedShape::S>(r);
    VIGIL_FUSED_CASE(kLeaf) VIGIL_FUSED_CASE(kAbs) VIGIL_FUSED_CASE(kSub) VIGIL_FUSED_CASE(kAbsSub)
    VIGIL_FUSED_CASE(kAdd) VIGIL_FUSED_CASE(kMul) VIGIL_FUSED_CASE(kAddMul) VIGIL_FUSED_CASE(kMulAdd)
#undef VIGIL_FUSED_CASE
  }
  return {};
}
}  // namespace fused_internal

// The specialised functions for a comparison op and the two shapes; null functions when `cmp`
// is not one of kLt, kLe, kGt, kGe.
inline FusedCompareFns FusedCompareFor(PlanOp cmp, FusedShape l, FusedShape r) {
  switch (cmp) {
    case PlanOp::kLt: return fused_internal::PickLeft<PlanOp::kLt>(l, r);
    case PlanOp::kLe: return fused_internal::PickLeft<PlanOp::kLe>(l, r);
    case PlanOp::kGt: return fused_internal::PickLeft<PlanOp::kGt>(l, r);
    case PlanOp::kGe: return fused_internal::PickLeft<PlanOp::kGe>(l, r);
    default: return {};
  }
}

}  // namespace vigil::detail
