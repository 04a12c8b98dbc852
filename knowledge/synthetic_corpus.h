// Synthetic incidents for benchmarks and tests: plausible variants of a (pack) incident.
//
// bench/kb_bench.cc builds its scale corpus (10 k to 1 M entries) from the shipped pack with
// PerturbIncident, and knowledge_base_test.cc checks the near-duplicate check on the same kind
// of variants, so the test exercises what the benchmark measures.
#pragma once

#include <cstddef>
#include <random>

#include "core/domain.h"

namespace vigil {

// Variant `n` of `base`: id `<base.id>-syn<n>`, every number in raw_text re-drawn, a filler
// phrase and a node name appended, a filler phrase added to the title, one symptom dropped (when
// there are two or more), a random start time in 2023-2024, source `bench:synthetic`. Variants
// of one incident are at cosine ~0.8-0.98 with each other under the builtin embedder; a few are
// above 0.985 (near-duplicates). Deterministic for a given `rng` state.
Incident PerturbIncident(const Incident& base, size_t n, std::mt19937_64& rng);

}  // namespace vigil
