// Contextual anomaly detector, open-source edition (CAD OSE; Smirnov and Pogorelov), written from
// the public description and structure of NAB's `context_ose` detector (NAB standard score 69.9).
//
// A streaming detector of one series. Each value is quantised into 2^bits levels of [min, max]
// (values outside are clamped to the end levels); level bit k with value b is the "fact" 2k + b.
// The detector remembers contexts: pairs (left facts, right facts), stored as shared left and
// right semi-contexts. At step t:
//   - the zero-level context (left facts of t−1 → value facts of t) is created when new;
//   - a context is selected when all its left facts are among the left facts of t−1, and active
//     when in addition all its right facts are among the value facts of t (its usage count then
//     grows); when the step created a new zero-level context, partly matched zero-level contexts
//     yield potential new contexts (their matched left and right parts, when the right part is matched
//     at all; at most `max_left_length` left facts);
//   - raw score = (1 − active/selected + newly added/unique potential contexts) / 2, each ratio 0
//     when its denominator is 0 (the second also when no new zero-level context was made);
//   - the left facts of t = the value facts of t plus one "neuron" fact per active context, the
//     `max_active_neurons` most used (ties: the later-created context first);
//   - the output is the raw score, or 0 when a raw score ≥ `base_threshold` occurred within the
//     last `rest_period` steps (the first `rest_period` steps output 0): one alert per change.
// It fires when a pattern is new and goes quiet once the new pattern has been seen.
//
// With `grow_range`, a value outside [min, max] first widens the range to include it.
//
// Differences from NAB's Python: ties among equally used active contexts are broken by creation
// order instead of Python's tuple-hash order, and context 0 is not skipped (in the Python
// `False != 0` is false, so the first context is never scored); `max_left_length` bounds the left
// part of every learned (non-zero-level) context, our reading of `maxLeftSemiContextsLenght`.
//
// Cost: O(contexts sharing a fact with the step's facts) per step; memory grows with the number
// of distinct contexts (bounded by the value levels and the neuron cap, not by the series length
// for a stationary series). Not thread-safe; one instance per series.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "core/status.h"

namespace vigil {

struct ContextOseOptions {
  double min_value = 0;  // the quantiser's range
  double max_value = 1;
  double base_threshold = 0.75;
  size_t rest_period = 30;  // NAB: probationary length / 5
  size_t max_left_length = 7;
  size_t max_active_neurons = 15;
  int value_bits = 3;
  // Widen [min, max] to include every value outside it as it arrives (never narrows): the causal
  // counterpart of NAB's whole-file range. Learned contexts are kept as they were.
  bool grow_range = false;
};

class ContextOseDetector {
 public:
  // InvalidArgument (naming the option) for a non-finite range, max < min, rest_period 0,
  // value_bits outside [1, 16], max_active_neurons 0, or base_threshold outside (0, 1].
  [[nodiscard]] static Result<ContextOseDetector> Create(const ContextOseOptions& options);

  // Consumes one value and returns the anomaly score in [0, 1]. A non-finite value returns NaN
  // and leaves the state unchanged.
  double Step(double value);

  double last_raw_score() const { return last_raw_; }
  size_t context_count() const { return contexts_.size(); }
  // The quantised level of `value` (0 … 2^bits − 1) under the current range.
  int Level(double value) const;
  double min_value() const { return options_.min_value; }
  double max_value() const { return options_.max_value; }

 private:
  using Facts = std::vector<uint64_t>;  // sorted, unique
  struct FactsHash {
    size_t operator()(const Facts& f) const;
  };
  struct SemiContext {
    size_t size = 0;
    Facts crossed;  // its facts present at the last crossing, in the crossing's (sorted) order
    std::vector<std::pair<uint32_t, uint32_t>> rights;  // left side: (right id, context id)
    std::unordered_map<uint32_t, uint32_t> right_index;  // left side: right id → context id
  };
  struct Context {
    uint64_t usage = 0;
    bool zero_level = false;
  };
  struct Potential {
    Facts left, right;
    bool operator==(const Potential& o) const { return left == o.left && right == o.right; }
  };

  explicit ContextOseDetector(const ContextOseOptions& options) : options_(options) {}
  void SetStep();

  uint32_t SemiContextId(int side, const Facts& facts);
  // Returns true when (left, right) was new. A zero-level context is marked as such.
  bool AddContext(const Facts& left, const Facts& right, bool zero_level);
  void Cross(int side, const Facts& facts);

  ContextOseOptions options_;
  double step_size_ = 1;
  int max_level_ = 7;
  std::unordered_map<Facts, uint32_t, FactsHash> index_[2];
  std::vector<SemiContext> semi_[2];
  std::unordered_map<uint64_t, std::vector<uint32_t>> fact_to_semi_[2];
  std::vector<uint32_t> crossed_[2];
  std::vector<Context> contexts_;
  int64_t new_context_ = -1;  // the zero-level context created this step, or −1
  Facts left_facts_;
  double last_raw_ = 0;
  size_t step_ = 0;
  size_t last_high_ = 0;  // history position of the last raw score ≥ base_threshold (0 = start)
};

}  // namespace vigil
