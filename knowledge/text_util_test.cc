#include "knowledge/text_util.h"

#include <doctest/doctest.h>

#include <cctype>
#include <random>
#include <string>
#include <vector>

#include "core/json.h"

namespace vigil::kb {
namespace {

// NormalizeForHash as first written, through the C library's isalnum/tolower (the "C" locale):
// the reference the inline classification must equal byte for byte.
std::string ReferenceNormalize(std::string_view text) {
  std::string out;
  bool space = false;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c >= 0x80) {
      if (space && !out.empty()) out.push_back(' ');
      space = false;
      out.push_back(static_cast<char>(std::tolower(c)));
    } else {
      space = true;
    }
  }
  return out;
}

// Random bytes over every value, weighted towards letters, digits, separators and UTF-8 lead and
// continuation bytes, so runs of each kind (and pieces that start or end inside one) are common.
std::string RandomText(std::mt19937_64& rng, size_t max_len) {
  static const std::string kCommon = "aZ09 \n\t_.-:/()[]\\\"'`@{}|~";
  std::string s(rng() % (max_len + 1), ' ');
  for (char& c : s) {
    switch (rng() % 4) {
      case 0: c = static_cast<char>(rng() % 256); break;
      case 1: c = kCommon[rng() % kCommon.size()]; break;
      case 2: c = static_cast<char>('A' + rng() % 58); break;  // A-Z, [\]^_`, a-z
      default: c = static_cast<char>(0x80 + rng() % 64); break;
    }
  }
  return s;
}

TEST_CASE("TokenStream holds ForEachToken's tokens and their Fnv1a64 word hashes, text after text") {
  std::mt19937_64 rng(21);
  for (int round = 0; round < 2000; ++round) {
    TokenStream ts;
    std::vector<std::string> want;
    const int pieces = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < pieces; ++k) {
      std::string text = RandomText(rng, 80);
      ts.Append(text);
      ForEachToken(text, [&](const std::string& t) { want.push_back(t); });
    }
    REQUIRE(ts.size() == want.size());
    REQUIRE(ts.hashes.size() == want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      CHECK(ts.token(i) == want[i]);
      CHECK(ts.hashes[i] == Fnv1a64(want[i], kWordHashSeed));
    }
  }
  // Title + "\n" + body tokenises as the title's tokens, then the body's.
  TokenStream joined, parts;
  joined.Append("Xid 79: GPU\nhas FALLEN off");
  parts.Append("Xid 79: GPU");
  parts.Append("has FALLEN off");
  CHECK(joined.chars == parts.chars);
  CHECK(joined.ends == parts.ends);
  CHECK(joined.hashes == parts.hashes);
  CHECK(joined.token(3) == "has");
}

TEST_CASE("NormalizeForHash equals the C library's isalnum/tolower definition on every byte") {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  CHECK(NormalizeForHash(all) == ReferenceNormalize(all));
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    const std::string s = RandomText(rng, 200);
    REQUIRE(NormalizeForHash(s) == ReferenceNormalize(s));
  }
  CHECK(NormalizeForHash("  Xid 79: GPU_has\tFALLEN off!! ") == "xid 79 gpu has fallen off");
}

TEST_CASE("NormalizedHash over pieces equals Fnv1a64 of the normalised concatenation") {
  std::mt19937_64 rng(11);
  for (int i = 0; i < 3000; ++i) {
    std::string all;
    NormalizedHash h;
    const size_t pieces = rng() % 7;
    for (size_t p = 0; p < pieces; ++p) {
      // Empty pieces, lone separators and pieces cut inside a word or a run of separators.
      std::string piece = rng() % 5 == 0 ? std::string(rng() % 2 ? "\n" : "") : RandomText(rng, 60);
      all += piece;
      h.Feed(piece);
    }
    REQUIRE(h.Value() == Fnv1a64(ReferenceNormalize(all)));
  }
  NormalizedHash empty;
  CHECK(empty.Value() == Fnv1a64(""));
  NormalizedHash split;
  split.Feed("GPU fal");
  split.Feed("len\n");
  split.Feed("  off");
  CHECK(split.Value() == Fnv1a64("gpu fallen off"));
  NormalizedHash other;
  other.Feed("GPU fal len off");
  CHECK(other.Value() != split.Value());
}

TEST_CASE("AppendAsciiJsonStringArray writes what nlohmann's dump() writes, for ASCII items only") {
  std::mt19937_64 rng(3);
  std::vector<std::string> every_byte(1);
  for (int c = 0; c < 128; ++c) every_byte[0] += static_cast<char>(c);
  std::vector<std::vector<std::string>> cases = {{}, {""}, {"", ""}, every_byte, {"a\"b\\c", "\x7f\x1f\x01"}};
  for (int i = 0; i < 1000; ++i) {
    std::vector<std::string> items(rng() % 5);
    for (auto& item : items) {
      item.resize(rng() % 40);
      for (char& c : item) c = static_cast<char>(rng() % 128);
    }
    cases.push_back(items);
  }
  for (const auto& items : cases) {
    std::string out = "prefix";
    REQUIRE(AppendAsciiJsonStringArray(items, &out));
    REQUIRE(out == "prefix" + Json(items).dump());
  }
  std::string out = "kept";
  CHECK_FALSE(AppendAsciiJsonStringArray({"ascii", "caf\xc3\xa9"}, &out));
  CHECK_FALSE(AppendAsciiJsonStringArray({"\xff"}, &out));
  CHECK(out == "kept");
}

}  // namespace
}  // namespace vigil::kb
