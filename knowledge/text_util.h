// Small text helpers shared by the knowledge base: UTF-8 validation, tokenisation, hashing.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/utf8.h"

namespace vigil::kb {

// IsValidUtf8 (core/utf8.h): valid UTF-8, else the offset of the first invalid sequence.
using vigil::IsValidUtf8;

// Lower-cased ASCII-alphanumeric tokens ('_' and '.' split words; bytes >= 0x80 are kept inside
// tokens so non-ASCII words survive). "Xid 79: GPU has fallen off" -> {xid, 79, gpu, has, fallen, off}.
std::vector<std::string> Tokenize(std::string_view text);

// Calls fn(const std::string& token) for each token Tokenize would return, in order, reusing one
// buffer (no allocation per token).
template <typename Fn>
void ForEachToken(std::string_view text, Fn&& fn) {
  std::string cur;
  for (unsigned char c : text) {
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c >= 0x80) {
      cur.push_back(static_cast<char>(c));
    } else if (c >= 'A' && c <= 'Z') {
      cur.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if (!cur.empty()) {
      fn(static_cast<const std::string&>(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) fn(static_cast<const std::string&>(cur));
}

// The seed of WordHash: the builtin embedder's word-unigram feature and the BM25 vocabulary's
// table hash are both Fnv1a64(token, kWordHashSeed), computed once per token (TokenStream).
inline constexpr uint64_t kWordHashSeed = 0x9e3779b97f4a7c15ULL;

// A text's tokens, those ForEachToken gives in the same order, kept once so the import can give
// the same token stream to the builtin embedder and to the BM25 index (it tokenised each entry
// twice before). Token i is chars[begin(i), ends[i]); hashes[i] is Fnv1a64(token i,
// kWordHashSeed). Appending several texts gives the tokens of each in turn, which are the tokens
// of the texts joined by a separator byte (e.g. title + "\n" + body). Texts of 4 GiB or more in
// one stream are refused with std::length_error (entries are limited to max_document_bytes).
struct TokenStream {
  std::string chars;
  std::vector<uint32_t> ends;
  std::vector<uint64_t> hashes;

  void Clear() {
    chars.clear();
    ends.clear();
    hashes.clear();
  }
  size_t size() const { return ends.size(); }
  size_t begin(size_t i) const { return i ? ends[i - 1] : 0; }
  std::string_view token(size_t i) const {
    return std::string_view(chars).substr(begin(i), ends[i] - begin(i));
  }
  void Append(std::string_view text);
};

// Lower-cased text with every run of non-alphanumeric bytes collapsed to one space, trimmed:
// the form duplicate detection hashes. (ASCII letters and digits are alphanumeric, bytes >= 0x80
// are kept as they are: the "C" locale's isalnum/tolower, which Vigil never changes.)
std::string NormalizeForHash(std::string_view text);

// Fnv1a64(NormalizeForHash(concatenation of the pieces fed)), computed in one pass over the
// pieces without building the concatenation or the normalised string (the import hashes every
// incident's text with it):
//   NormalizedHash h; h.Feed(a); h.Feed(b);  h.Value() == Fnv1a64(NormalizeForHash(a + b))
class NormalizedHash {
 public:
  void Feed(std::string_view piece);
  uint64_t Value() const { return h_; }

 private:
  uint64_t h_ = 0xcbf29ce484222325ULL;  // Fnv1a64's default seed
  bool any_ = false;    // a word byte was hashed
  bool space_ = false;  // non-word bytes since the last word byte
};

uint64_t Fnv1a64(std::string_view text, uint64_t seed = 0xcbf29ce484222325ULL);
std::string Hex64(uint64_t v);

// 64-bit checksum of a byte stream (not cryptographic), fed in the same pieces on write and
// read: the persisted BM25 index and the vector index log detect torn or corrupt writes with it.
// Four independent multiply chains over 8-byte words keep it near memory speed (~0.1 s for
// 500 MB).
class Checksum {
 public:
  void Feed(const void* data, size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
      for (int l = 0; l < 4; ++l) {
        uint64_t w;
        std::memcpy(&w, p + i + 8 * l, 8);
        h_[l] = (h_[l] ^ w) * 0x100000001b3ULL + 0x9e3779b97f4a7c15ULL;
      }
    }
    for (; i < n; ++i) h_[0] = (h_[0] ^ p[i]) * 0x100000001b3ULL;
    h_[1] ^= n;
  }
  uint64_t Value() const {
    uint64_t v = 0;
    for (uint64_t h : h_) v = (v ^ h) * 0xbf58476d1ce4e5b9ULL + (v >> 29);
    return v;
  }

 private:
  uint64_t h_[4] = {0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL, 0x9e3779b97f4a7c15ULL,
                    0x2545f4914f6cdd1dULL};
};

// Appends `items` as a JSON array of strings, byte for byte as nlohmann::json's dump() writes it
// (no spaces; \" \\ \b \f \n \r \t escaped, other bytes below 0x20 as \u00xx, the rest as is),
// and returns true, when every byte of every item is ASCII; otherwise returns false and leaves
// `out` unchanged (the caller serialises through nlohmann, which validates UTF-8).
bool AppendAsciiJsonStringArray(const std::vector<std::string>& items, std::string* out);

// Trims ASCII whitespace at both ends.
std::string_view Trim(std::string_view s);

// The "did you mean" category for a root cause that is not one of `categories`: the closest by
// edit distance (core ClosestMatch: a typo, `pcie_link_degradd`), else the one category sharing
// the most words with it (words split at `_`, `.`, `-`), if those are at least half of its words
// and no other category shares as many at the same Jaccard overlap (`ib_link_down` ->
// `ib_link_failure`, `nccl_hang` -> `nccl_collective_hang`; `link_down`, as close to
// `ib_link_failure` as to `pcie_link_degraded`, gets none). "" when nothing fits.
std::string ClosestCategory(std::string_view root_cause, std::span<const std::string> categories);

}  // namespace vigil::kb
