// Sign sketches: the pre-filter of the near-duplicate check on import.
//
// A sketch is kSketchBits sign bits of a vector after a fixed pseudo-random rotation (three
// rounds of random +-1 signs and a fast Walsh-Hadamard transform over the vector zero-padded to
// a power of two m >= max(d, 1024), seed fixed; the signs of its first 1024 coordinates: SimHash
// with a structured rotation, O(m log m) per vector instead of the 1024 x d products of a
// Gaussian projection). Two unit vectors at angle t differ in each bit with probability t / pi,
// so the Hamming distance of their sketches estimates the angle: a pair at cosine 0.985 (t = 9.9
// degrees) differs in 57 of 1024 bits on average, a pair at cosine 0.9 in 147.
// SketchHammingBounds(c) gives the distances (over the first 512 bits, and over all 1024) that a
// pair at cosine >= c exceeds with probability <= 1e-7 each if the bits were independent
// (binomial tails; so <= 2e-7 for either). The bits of one rotation are not independent, but
// their distance spreads less than a binomial's (variance 0.82-0.98 of it on random dense and
// sparse pairs, sign_sketch_test.cc). The near-duplicate check computes the exact inner product
// only for the stored vectors within both bounds. The first half alone decides most candidates
// (the scan reads it for every stored vector, the second half only where the first passes).
// knowledge/HISTORY.md ("Near-duplicate check") has the measured filter rates on the benchmark
// corpus.
//
// Sketches are never persisted: they are a function of the stored vectors (the FAISS index) and
// are recomputed from them (VectorIndex keeps them per IVF list and for the Flat phase).
// Thread safety: the functions are pure; SketchBlocks is a plain value type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace vigil {

inline constexpr size_t kSketchBits = 1024;
inline constexpr size_t kSketchWords = kSketchBits / 64;
inline constexpr size_t kSketchHalfWords = kSketchWords / 2;

// Sketches of the rows of `vectors` (rows of d floats, d >= 1): kSketchWords words per row, row r
// at [r * kSketchWords, (r + 1) * kSketchWords). Deterministic (the same floats give the same
// bits on every run and CPU: the rotation only adds, subtracts and negates).
std::vector<uint64_t> SignSketches(std::span<const float> vectors, size_t d);

// Hamming distances of two sketches (kSketchWords words each): over the first half, and over all.
struct SketchDistances {
  uint32_t half = 0, full = 0;
};
SketchDistances SketchDistance(const uint64_t* a, const uint64_t* b);

// The Hamming distances, over the first 512 bits and over all 1024, that a pair at cosine
// >= min_cosine exceeds with probability <= 1e-7 each under the binomial model (see above); for
// min_cosine <= -1 the bit counts themselves (nothing filtered: `filters()` is false).
struct SketchBounds {
  uint32_t half = kSketchBits / 2, full = kSketchBits;
  bool filters() const { return full < kSketchBits; }
  bool Admit(SketchDistances d) const { return d.half <= half && d.full <= full; }
};
SketchBounds SketchHammingBounds(double min_cosine);

// Tests: false makes SketchBlocks::NearPairs take its scalar path even where the CPU has
// AVX-512 VPOPCNTDQ (to compare the two); true (the default) uses the kernel where it can.
// Not synchronised with concurrent scans.
void SetSketchSimdForTesting(bool allowed);

// Sketches stored in blocks of 8, word-major inside a block (word w of sketches 8b .. 8b + 7 are
// adjacent), so one 512-bit register holds the same word of 8 sketches: the scan XORs, counts
// and compares 8 sketches per step (AVX-512 VPOPCNTDQ where the CPU has it, scalar otherwise),
// and reads a block's second half only when a sketch passed the first.
class SketchBlocks {
 public:
  size_t size() const { return size_; }
  void Clear() {
    words_.clear();
    size_ = 0;
  }
  // Appends n sketches (n * kSketchWords words, as SignSketches returns them).
  void Append(std::span<const uint64_t> sketches);
  // Sketch i, copied out (kSketchWords words).
  void Get(size_t i, uint64_t* out) const;
  // For each of the nq query sketches (nq * kSketchWords words) and each stored sketch that
  // `bounds` admits, appends {query index, stored index} to `out` (grouped by blocks of 8 stored
  // sketches, otherwise in no set order).
  void NearPairs(std::span<const uint64_t> queries, SketchBounds bounds,
                 std::vector<std::pair<uint32_t, uint32_t>>* out) const;

 private:
  std::vector<uint64_t> words_;  // (size_ + 7) / 8 blocks of 8 * kSketchWords words
  size_t size_ = 0;
};

}  // namespace vigil
