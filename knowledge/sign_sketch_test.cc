#include "knowledge/sign_sketch.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace vigil {
namespace {

std::vector<float> Gaussian(size_t d, std::mt19937_64& rng) {
  std::normal_distribution<float> g;
  std::vector<float> v(d);
  for (float& x : v) x = g(rng);
  return v;
}

void Normalize(std::vector<float>& v) {
  double norm = 0;
  for (float x : v) norm += double(x) * x;
  for (float& x : v) x = static_cast<float>(x / std::sqrt(norm));
}

// A pair of unit vectors at exactly cosine c (to float precision): x and c x + sqrt(1 - c^2) u,
// u a unit vector orthogonal to x. `sparse`: x and the noise touch only 24 coordinates, like a
// short text's hashed features.
std::pair<std::vector<float>, std::vector<float>> PairAt(double c, size_t d, bool sparse,
                                                         std::mt19937_64& rng) {
  auto x = Gaussian(d, rng), u = Gaussian(d, rng);
  if (sparse) {
    std::uniform_int_distribution<size_t> pick(0, d - 1);
    std::vector<float> xs(d, 0.0f), us(d, 0.0f);
    for (int k = 0; k < 24; ++k) {
      const size_t i = pick(rng);
      xs[i] = x[i];
      us[pick(rng)] = u[i];
    }
    x = xs;
    u = us;
  }
  Normalize(x);
  double dot = 0;
  for (size_t i = 0; i < d; ++i) dot += double(x[i]) * u[i];
  for (size_t i = 0; i < d; ++i) u[i] = static_cast<float>(u[i] - dot * x[i]);
  Normalize(u);
  std::vector<float> y(d);
  const double s = std::sqrt(1 - c * c);
  for (size_t i = 0; i < d; ++i) y[i] = static_cast<float>(c * x[i] + s * u[i]);
  return {x, y};
}

}  // namespace

TEST_CASE("SketchHammingBounds: binomial bounds, monotone in the cosine") {
  CHECK(!SketchHammingBounds(-1).filters());
  CHECK(!SketchHammingBounds(-2).filters());
  CHECK(SketchHammingBounds(-1).Admit({kSketchBits / 2, kSketchBits}));
  CHECK(SketchHammingBounds(1).half == 0);
  CHECK(SketchHammingBounds(1).full == 0);
  // Cosine 0.985: 28.3 differing bits expected of 512 (standard deviation 5.2), 56.5 of 1024 (7.3).
  const SketchBounds b = SketchHammingBounds(0.985);
  CHECK(b.filters());
  CHECK(b.half >= 55);
  CHECK(b.half <= 65);
  CHECK(b.full >= 90);
  CHECK(b.full <= 105);
  CHECK(b.Admit({b.half, b.full}));
  CHECK(!b.Admit({b.half + 1, b.full}));
  CHECK(!b.Admit({b.half, b.full + 1}));
  SketchBounds last{0, 0};
  for (double c = 1.0; c > -1; c -= 0.05) {
    const SketchBounds bound = SketchHammingBounds(c);
    CHECK(bound.half >= last.half);
    CHECK(bound.full >= last.full);
    last = bound;
  }
}

TEST_CASE(
    "sign sketches: Hamming distance estimates the angle; pairs at the threshold stay within the bounds") {
  std::mt19937_64 rng(7);
  // d = 512 (the builtin embedder), d = 100 and d = 700, each zero-padded to 1024 (one rotation).
  for (size_t d : {size_t{512}, size_t{100}, size_t{700}}) {
    for (bool sparse : {false, true}) {
      INFO("d " << d << " sparse " << sparse);
      for (double c : {0.985, 0.9}) {
        INFO("cosine " << c);
        const SketchBounds bounds = SketchHammingBounds(0.985);
        constexpr int kPairs = 2000;
        double half_sum = 0, full_sum = 0, half_squares = 0, full_squares = 0;
        uint32_t worst_half = 0, worst_full = 0, admitted = 0;
        for (int p = 0; p < kPairs; ++p) {
          auto [x, y] = PairAt(c, d, sparse, rng);
          std::vector<float> both(x);
          both.insert(both.end(), y.begin(), y.end());
          const auto sk = SignSketches(both, d);
          REQUIRE(sk.size() == 2 * kSketchWords);
          const SketchDistances dist = SketchDistance(sk.data(), sk.data() + kSketchWords);
          half_sum += dist.half;
          full_sum += dist.full;
          half_squares += double(dist.half) * dist.half;
          full_squares += double(dist.full) * dist.full;
          worst_half = std::max(worst_half, dist.half);
          worst_full = std::max(worst_full, dist.full);
          admitted += bounds.Admit(dist);
        }
        const double per_bit = std::acos(c) / M_PI;
        CHECK(half_sum / kPairs == doctest::Approx(per_bit * kSketchBits / 2).epsilon(0.06));
        CHECK(full_sum / kPairs == doctest::Approx(per_bit * kSketchBits).epsilon(0.06));
        // The bounds assume independent bits (binomial tails). The bits of one structured rotation
        // are not independent; what the bounds need is that the distance spreads no wider than a
        // binomial's: its variance at most 15 % above n p (1 - p) (measured 0.82-0.98 of it with
        // 4 000-20 000 pairs per case; one round of signs and transform instead of three gives
        // 1.8-7.6x for dense vectors and up to 120x for sparse ones).
        const double half_mean = half_sum / kPairs, full_mean = full_sum / kPairs;
        CHECK(half_squares / kPairs - half_mean * half_mean <=
              1.15 * per_bit * (1 - per_bit) * kSketchBits / 2);
        CHECK(full_squares / kPairs - full_mean * full_mean <= 1.15 * per_bit * (1 - per_bit) * kSketchBits);
        if (c == 0.985) {
          // None of 2000 pairs at the threshold is filtered out.
          CHECK(worst_half <= bounds.half);
          CHECK(worst_full <= bounds.full);
        } else {
          CHECK(admitted < kPairs / 100);  // cosine 0.9 (147 of 1024 bits expected): ~0.2 % pass
        }
      }
    }
  }
}

TEST_CASE("sign sketches are deterministic and a function of the vector alone") {
  std::mt19937_64 rng(3);
  std::vector<float> rows;
  for (int r = 0; r < 5; ++r) {
    auto v = Gaussian(64, rng);
    rows.insert(rows.end(), v.begin(), v.end());
  }
  const auto all = SignSketches(rows, 64);
  REQUIRE(all.size() == 5 * kSketchWords);
  const auto third = SignSketches(std::span<const float>(rows).subspan(2 * 64, 64), 64);
  CHECK(std::equal(third.begin(), third.end(), all.begin() + 2 * kSketchWords));
  CHECK(SignSketches(rows, 64) == all);
  // Scaling does not change signs; a zero row has no bits set.
  std::vector<float> scaled(rows.begin(), rows.begin() + 64);
  for (float& x : scaled) x *= 4;
  const auto s = SignSketches(scaled, 64);
  CHECK(std::equal(s.begin(), s.end(), all.begin()));
  const auto zero = SignSketches(std::vector<float>(64, 0.0f), 64);
  CHECK(std::all_of(zero.begin(), zero.end(), [](uint64_t w) { return w == 0; }));
}

TEST_CASE("SketchBlocks::NearPairs finds exactly the pairs within the bound (SIMD and scalar paths)") {
  std::mt19937_64 rng(11);
  for (size_t n : {size_t{1}, size_t{7}, size_t{8}, size_t{9}, size_t{203}}) {
    INFO("stored " << n);
    // Stored sketches: random, and near copies of a few of them (a handful of bits flipped).
    std::vector<uint64_t> stored;
    for (size_t i = 0; i < n; ++i)
      for (size_t w = 0; w < kSketchWords; ++w) stored.push_back(rng());
    std::vector<uint64_t> queries;
    for (size_t q = 0; q < 13; ++q) {
      const size_t from = rng() % n;
      for (size_t w = 0; w < kSketchWords; ++w) {
        uint64_t word = stored[from * kSketchWords + w];
        for (size_t k = 0; k < q; ++k) word ^= uint64_t{1} << (rng() % 64);
        queries.push_back(q % 4 == 3 ? rng() : word);
      }
    }
    SketchBlocks blocks;
    blocks.Append(std::span(stored).first(n / 2 * kSketchWords));  // in two appends
    blocks.Append(std::span(stored).subspan(n / 2 * kSketchWords));
    REQUIRE(blocks.size() == n);
    for (size_t i = 0; i < n; ++i) {
      uint64_t got[kSketchWords];
      blocks.Get(i, got);
      CHECK(std::equal(got, got + kSketchWords, stored.begin() + i * kSketchWords));
    }
    for (SketchBounds bounds : {SketchBounds{0, 0}, SketchBounds{40, 1024}, SketchBounds{300, 100},
                                SketchBounds{260, 520}, SketchBounds{}}) {
      INFO("bounds " << bounds.half << " " << bounds.full);
      std::vector<std::pair<uint32_t, uint32_t>> want;  // sorted
      for (size_t q = 0; q < 13; ++q)
        for (size_t i = 0; i < n; ++i)
          if (bounds.Admit(
                  SketchDistance(queries.data() + q * kSketchWords, stored.data() + i * kSketchWords)))
            want.push_back({static_cast<uint32_t>(q), static_cast<uint32_t>(i)});
      for (bool simd : {true, false}) {
        SetSketchSimdForTesting(simd);
        std::vector<std::pair<uint32_t, uint32_t>> got;
        blocks.NearPairs(queries, bounds, &got);
        std::sort(got.begin(), got.end());
        CHECK(got == want);
      }
      SetSketchSimdForTesting(true);
    }
  }
}

}  // namespace vigil
