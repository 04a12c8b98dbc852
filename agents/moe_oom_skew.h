// An MoE expert's out-of-memory showing the router's skew in its own traceback (PLC59, 2026-12-07;
// realistic53 rl53-12). Megatron-Core's grouped experts print the tokens each local expert received
// ("GroupedMLP: tokens_per_expert=[412, 388, 201611, ...]"): a CUDA OOM raised there with one expert
// given many times the tokens of its neighbours is the routing collapse's symptom (the hot expert's
// activations outgrow the GPU), whichever expert-parallel rank holds it; an OOM whose experts got
// even shares is a memory budget of its own. Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

// The skew a line's "tokens_per_expert=[a, b, c, ...]" (or ": [...]") list shows: its largest count
// over the median of the others; nullopt without such a list, with fewer than two counts, or with the
// others' median 0 and the largest 0. A line over 4000 bytes: nullopt.
std::optional<double> TokensPerExpertSkew(const std::string& line);

// The minimum TokensPerExpertSkew read as a collapse onto one expert.
constexpr double kOomExpertSkewMin = 4.0;

// Whether lines[from] or one of the `span` lines after it (an OOM's traceback) shows
// TokensPerExpertSkew >= kOomExpertSkewMin.
bool OomTracebackShowsExpertSkew(const std::vector<std::string>& lines, size_t from, size_t span = 8);

}  // namespace vigil
