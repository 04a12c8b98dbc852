// int64 addition and subtraction that stop at the type's ends instead of overflowing (undefined
// behaviour): for numbers that come from outside, such as an LLM server's token counts
// (connectors/llm_client.h) and a case's sample times with a window around them
// (agents/builtin_reasoner.cc; a sample at INT64_MIN made `t - 15 min` overflow, SAN2).
#pragma once

#include <cstdint>
#include <limits>

namespace vigil {

inline int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  return r;
}

inline int64_t SaturatingSub(int64_t a, int64_t b) {
  int64_t r = 0;
  if (__builtin_sub_overflow(a, b, &r)) return b > 0 ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
  return r;
}

}  // namespace vigil
