#include "detectors/context_ose.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>

namespace vigil {
namespace {

constexpr int kLeft = 0;
constexpr int kRight = 1;
constexpr uint64_t kNeuronBase = uint64_t{1} << 31;  // neuron facts: kNeuronBase + context id

}  // namespace

size_t ContextOseDetector::FactsHash::operator()(const Facts& f) const {
  uint64_t h = 1469598103934665603ull;
  for (uint64_t x : f) {
    h ^= x + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h *= 1099511628211ull;
  }
  return static_cast<size_t>(h);
}

Result<ContextOseDetector> ContextOseDetector::Create(const ContextOseOptions& o) {
  if (!std::isfinite(o.min_value) || !std::isfinite(o.max_value)) {
    return InvalidArgumentError("context_ose: min_value and max_value must be finite, got " +
                                std::to_string(o.min_value) + " and " + std::to_string(o.max_value));
  }
  if (o.max_value < o.min_value) {
    return InvalidArgumentError("context_ose: max_value " + std::to_string(o.max_value) + " is below min_value " +
                                std::to_string(o.min_value));
  }
  if (o.rest_period == 0) return InvalidArgumentError("context_ose: rest_period must be at least 1");
  if (o.value_bits < 1 || o.value_bits > 16) {
    return InvalidArgumentError("context_ose: value_bits must be in [1, 16], got " + std::to_string(o.value_bits));
  }
  if (o.max_active_neurons == 0) return InvalidArgumentError("context_ose: max_active_neurons must be at least 1");
  if (!(o.base_threshold > 0 && o.base_threshold <= 1)) {
    return InvalidArgumentError("context_ose: base_threshold must be in (0, 1], got " +
                                std::to_string(o.base_threshold));
  }
  ContextOseDetector d(o);
  d.max_level_ = (1 << o.value_bits) - 1;
  d.SetStep();
  return d;
}

void ContextOseDetector::SetStep() {
  const double range = options_.max_value - options_.min_value;
  // As CAD OSE: a constant range gets steps of 1 from min.
  step_size_ = (range > 0 ? range : static_cast<double>(max_level_)) / max_level_;
}

int ContextOseDetector::Level(double value) const {
  const double x = (value - options_.min_value) / step_size_;
  if (!(x > 0)) return 0;
  if (x >= max_level_) return max_level_;
  return static_cast<int>(x);  // truncation, as CAD OSE's int()
}

uint32_t ContextOseDetector::SemiContextId(int side, const Facts& facts) {
  auto [it, inserted] = index_[side].try_emplace(facts, static_cast<uint32_t>(semi_[side].size()));
  if (inserted) {
    SemiContext s;
    s.size = facts.size();
    semi_[side].push_back(std::move(s));
    for (uint64_t f : facts) fact_to_semi_[side][f].push_back(it->second);
  }
  return it->second;
}

bool ContextOseDetector::AddContext(const Facts& left, const Facts& right, bool zero_level) {
  const uint32_t l = SemiContextId(kLeft, left);
  const uint32_t r = SemiContextId(kRight, right);
  SemiContext& ls = semi_[kLeft][l];
  auto [it, inserted] = ls.right_index.try_emplace(r, static_cast<uint32_t>(contexts_.size()));
  if (inserted) {
    ls.rights.emplace_back(r, it->second);
    contexts_.push_back(Context{.usage = 0, .zero_level = zero_level});
    if (zero_level) new_context_ = it->second;
    return true;
  }
  if (zero_level) contexts_[it->second].zero_level = true;
  return false;
}

void ContextOseDetector::Cross(int side, const Facts& facts) {
  for (uint32_t id : crossed_[side]) semi_[side][id].crossed.clear();
  crossed_[side].clear();
  for (uint64_t f : facts) {
    auto it = fact_to_semi_[side].find(f);
    if (it == fact_to_semi_[side].end()) continue;
    for (uint32_t id : it->second) {
      SemiContext& s = semi_[side][id];
      if (s.crossed.empty()) crossed_[side].push_back(id);
      s.crossed.push_back(f);
    }
  }
  std::sort(crossed_[side].begin(), crossed_[side].end());  // creation order, as CAD OSE's lists
}

double ContextOseDetector::Step(double value) {
  if (!std::isfinite(value)) return NAN;
  if (options_.grow_range && (value < options_.min_value || value > options_.max_value)) {
    options_.min_value = std::min(options_.min_value, value);
    options_.max_value = std::max(options_.max_value, value);
    SetStep();
  }
  // The value's facts: bit k of the level with value b is 2k + b (sorted by construction).
  const int level = Level(value);
  Facts current;
  for (int k = 0; k < options_.value_bits; ++k) current.push_back(2 * static_cast<uint64_t>(k) + ((level >> k) & 1));

  std::vector<Potential> unique;
  bool new_zero = false;
  new_context_ = -1;
  if (!left_facts_.empty()) {
    unique.push_back({left_facts_, current});
    new_zero = AddContext(left_facts_, current, /*zero_level=*/true);
  }
  Cross(kRight, current);

  // Selected, active and potential new contexts, from the left crossing of the previous step.
  size_t selected = 0;
  std::vector<std::tuple<uint64_t, uint32_t>> active;  // (usage, context id)
  std::vector<Potential> potential;
  for (uint32_t l : crossed_[kLeft]) {
    const SemiContext& ls = semi_[kLeft][l];
    const bool left_full = ls.crossed.size() == ls.size;
    for (const auto& [r, c] : ls.rights) {
      if (static_cast<int64_t>(c) == new_context_) continue;
      Context& ctx = contexts_[c];
      const SemiContext& rs = semi_[kRight][r];
      if (left_full) ++selected;
      if (rs.crossed.empty()) continue;
      if (left_full && rs.crossed.size() == rs.size) {
        ++ctx.usage;
        active.emplace_back(ctx.usage, c);
      } else if (ctx.zero_level && new_zero && ls.crossed.size() <= options_.max_left_length) {
        potential.push_back({ls.crossed, rs.crossed});
      }
    }
  }
  unique.insert(unique.end(), potential.begin(), potential.end());
  std::sort(unique.begin(), unique.end(),
            [](const Potential& a, const Potential& b) { return std::tie(a.left, a.right) < std::tie(b.left, b.right); });
  const size_t num_unique = std::unique(unique.begin(), unique.end()) - unique.begin();
  const double selected_active = selected > 0 ? static_cast<double>(active.size()) / selected : 0.0;

  // The next left facts: the value's facts and the most used active contexts as neurons.
  std::sort(active.begin(), active.end());
  const size_t first = active.size() > options_.max_active_neurons ? active.size() - options_.max_active_neurons : 0;
  left_facts_ = current;
  for (size_t i = first; i < active.size(); ++i) left_facts_.push_back(kNeuronBase + std::get<1>(active[i]));
  std::sort(left_facts_.begin(), left_facts_.end());

  size_t added = new_zero ? 1 : 0;
  for (const Potential& p : potential) added += AddContext(p.left, p.right, /*zero_level=*/false) ? 1 : 0;
  new_context_ = -1;
  Cross(kLeft, left_facts_);
  const double added_share = new_zero && num_unique > 0 ? static_cast<double>(added) / num_unique : 0.0;
  last_raw_ = (1.0 - selected_active + added_share) / 2.0;

  // History positions: 0 is CAD OSE's initial 1.0, step t is position t + 1.
  const double out = last_high_ + options_.rest_period <= step_ ? last_raw_ : 0.0;
  ++step_;
  if (last_raw_ >= options_.base_threshold) last_high_ = step_;
  return out;
}

}  // namespace vigil
