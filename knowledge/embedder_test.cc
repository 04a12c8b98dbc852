#include "knowledge/embedder.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "knowledge/text_util.h"

namespace vigil {
namespace {

// The builtin embedder's features as first written: each word, each word bigram and the 3- and
// 4-grams of the padded word "<w>", in text order, with their weights (1, 1, 0.25). Both
// references below enumerate them through this, so they differ only in the arithmetic.
template <typename Count>
void ForEachFeature(const std::string& text, Count&& count) {
  constexpr uint64_t kWordSeed = 0x9e3779b97f4a7c15ULL, kBigramSeed = 0xc2b2ae3d27d4eb4fULL,
                     kCharSeed = 0x165667b19e3779f9ULL;
  auto words = kb::Tokenize(text);
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    count(kb::Fnv1a64(w, kWordSeed), 1.0f);
    if (i + 1 < words.size()) count(kb::Fnv1a64(words[i + 1], kb::Fnv1a64(w, kBigramSeed)), 1.0f);
    std::string padded = "<" + w + ">";
    for (size_t n = 3; n <= 4; ++n) {
      if (padded.size() < n) continue;
      for (size_t s = 0; s + n <= padded.size(); ++s)
        count(kb::Fnv1a64(std::string_view(padded).substr(s, n), kCharSeed + n), 0.25f);
    }
  }
}

// The builtin embedder as first written (a std::unordered_map per text, padded strings): the
// fast version must produce the same vectors, so stored indexes stay valid across the change.
std::vector<float> ReferenceEmbed(const std::string& text, size_t dim) {
  std::unordered_map<uint64_t, std::pair<float, float>> feats;
  auto count = [&](uint64_t h, float w) {
    feats[h].first += 1.0f;
    feats[h].second = w;
  };
  ForEachFeature(text, count);
  std::vector<double> row(dim, 0);
  for (const auto& [h, cw] : feats)
    row[h % dim] += (((h >> 63) & 1) ? -1.0 : 1.0) * cw.second * (1 + std::log(cw.first));
  double norm = 0;
  for (double v : row) norm += v * v;
  std::vector<float> out(dim);
  for (size_t d = 0; d < dim; ++d) out[d] = norm > 0 ? static_cast<float>(row[d] / std::sqrt(norm)) : 0.0f;
  return out;
}

// The builtin embedder's float arithmetic exactly as committed before the flat feature table
// (4212748): features summed into the row in order of first occurrence, in float, the norm in
// double. Any change to the production code's hashing, feature order or arithmetic shows up as a
// bitwise difference against this (stored indexes hold these vectors; a different vector would
// make old and new entries disagree without a rebuild).
std::vector<float> PreviousEmbedBits(const std::string& text, size_t dim) {
  struct Feature {
    uint64_t h;
    float count, weight;
  };
  std::vector<Feature> order;
  std::unordered_map<uint64_t, size_t> where;
  auto count = [&](uint64_t h, float w) {
    auto [it, fresh] = where.try_emplace(h, order.size());
    if (fresh) order.push_back({h, 0.0f, 0.0f});
    order[it->second].count += 1.0f;
    order[it->second].weight = w;
  };
  ForEachFeature(text, count);
  std::vector<float> row(dim, 0.0f);
  const uint64_t mask = (dim & (dim - 1)) == 0 ? dim - 1 : 0;
  for (const Feature& f : order) {
    float w = f.count == 1.0f ? f.weight : f.weight * (1.0f + std::log(f.count));
    size_t bucket = mask ? f.h & mask : f.h % dim;
    row[bucket] += (((f.h >> 63) & 1) ? -1.0f : 1.0f) * w;
  }
  double norm = 0;
  for (size_t d = 0; d < dim; ++d) norm += double(row[d]) * row[d];
  if (norm > 0) {
    float inv = static_cast<float>(1.0 / std::sqrt(norm));
    for (size_t d = 0; d < dim; ++d) row[d] *= inv;
  }
  return row;
}

}  // namespace

TEST_CASE("builtin embedder gives bit for bit the vectors it gave before the flat feature table") {
  std::vector<std::string> texts = {"", "a", "ab", "x y", "Xid 79: GPU has fallen off the bus",
                                    "ab ab ab ab x_y.z", "d\xc3\xa9j\xc3\xa0 vu \xe2\x80\x94 caf\xc3\xa9"};
  std::ifstream pack("data/knowledge/pack/network.jsonl");
  REQUIRE(pack.good());
  for (std::string line; std::getline(pack, line);) texts.push_back(line);
  texts.push_back(texts.back() + texts.back() + texts.back());  // counts > 1 on every feature
  for (size_t dim : {16, 100, 512}) {
    auto e = MakeEmbedder("builtin:dim=" + std::to_string(dim));
    REQUIRE(e.ok());
    auto got = (*e)->Embed(texts);  // one call: the table is reused and grows across texts
    REQUIRE(got.ok());
    for (size_t t = 0; t < texts.size(); ++t) {
      auto want = PreviousEmbedBits(texts[t], dim);
      INFO("text " << t << " dim " << dim);
      REQUIRE(std::memcmp(got->data() + t * dim, want.data(), dim * sizeof(float)) == 0);
    }
  }
}

TEST_CASE("builtin embedder equals the reference feature-hashing definition") {
  std::vector<std::string> texts = {
      "", "a", "Xid 79: GPU has fallen off the bus", "ab ab ab ab x_y.z",
      "NCCL WARN NET/IB : Got completion from peer 10.0.0.7<38934> with error 12"};
  // Long, repetitive text: the feature table grows several times within one call.
  std::ifstream pack("data/knowledge/pack/gpu.jsonl");
  REQUIRE(pack.good());
  std::stringstream all;
  all << pack.rdbuf();
  texts.push_back(all.str().substr(0, 200000));
  texts.push_back("d\xc3\xa9j\xc3\xa0 vu \xe2\x80\x94 non-ASCII stays inside tokens");
  for (size_t dim : {16, 100, 512}) {  // 100: the modulo path (not a power of two)
    auto e = MakeEmbedder("builtin:dim=" + std::to_string(dim));
    REQUIRE(e.ok());
    auto got = (*e)->Embed(texts);
    REQUIRE(got.ok());
    REQUIRE(got->size() == texts.size() * dim);
    for (size_t t = 0; t < texts.size(); ++t) {
      auto want = ReferenceEmbed(texts[t], dim);
      double max_diff = 0;
      for (size_t d = 0; d < dim; ++d)
        max_diff = std::max(max_diff, double(std::abs((*got)[t * dim + d] - want[d])));
      INFO("text " << t << " dim " << dim);
      CHECK(max_diff < 1e-5);
    }
  }
}

TEST_CASE("builtin EmbedTokens of each text's token stream gives Embed's rows bit for bit") {
  std::vector<std::string> texts = {"", "a", "Xid 79: GPU has fallen off the bus", "ab ab ab ab x_y.z",
                                    "d\xc3\xa9j\xc3\xa0 vu \xe2\x80\x94 caf\xc3\xa9"};
  std::ifstream pack("data/knowledge/pack/network.jsonl");
  REQUIRE(pack.good());
  for (std::string line; std::getline(pack, line);) texts.push_back(line);
  std::vector<kb::TokenStream> streams(texts.size());
  std::vector<const kb::TokenStream*> ptrs;
  for (size_t t = 0; t < texts.size(); ++t) {
    // As the import builds them: the text's first line, then the rest (joined by '\n').
    const size_t nl = std::min(texts[t].size(), texts[t].find('\n'));
    streams[t].Append(std::string_view(texts[t]).substr(0, nl));
    if (nl < texts[t].size()) streams[t].Append(std::string_view(texts[t]).substr(nl + 1));
    ptrs.push_back(&streams[t]);
  }
  for (size_t dim : {16, 100, 512}) {
    auto e = MakeEmbedder("builtin:dim=" + std::to_string(dim));
    REQUIRE(e.ok());
    CHECK((*e)->embeds_tokens());
    auto want = (*e)->Embed(texts);
    auto got = (*e)->EmbedTokens(ptrs);
    REQUIRE(want.ok());
    REQUIRE(got.ok());
    REQUIRE(got->size() == want->size());
    CHECK(std::memcmp(got->data(), want->data(), got->size() * sizeof(float)) == 0);
  }
}

}  // namespace vigil
