#include "knowledge/text_util.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <stdexcept>

#include "core/ascii.h"
#include "core/config.h"

namespace vigil::kb {

// std::isalnum of the "C" locale, plus every byte >= 0x80; inline (the library call per byte was
// ~2 % of import CPU).
static bool IsWordByte(unsigned char c) {
  return (c >= '0' && c <= '9') || static_cast<unsigned char>((c | 0x20) - 'a') < 26 || c >= 0x80;
}

void TokenStream::Append(std::string_view text) {
  if (chars.size() + text.size() > UINT32_MAX) throw std::length_error("TokenStream: text of 4 GiB or more");
  chars.reserve(chars.size() + text.size());
  constexpr uint64_t kPrime = 0x100000001b3ULL;  // Fnv1a64's
  bool in_token = false;
  uint64_t h = kWordHashSeed;
  for (unsigned char c : text) {
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c >= 0x80) {
      // (the same classes as ForEachToken)
    } else if (c >= 'A' && c <= 'Z') {
      c = static_cast<unsigned char>(c - 'A' + 'a');
    } else {
      if (in_token) {
        ends.push_back(static_cast<uint32_t>(chars.size()));
        hashes.push_back(h);
        in_token = false;
        h = kWordHashSeed;
      }
      continue;
    }
    chars.push_back(static_cast<char>(c));
    h = (h ^ c) * kPrime;
    in_token = true;
  }
  if (in_token) {
    ends.push_back(static_cast<uint32_t>(chars.size()));
    hashes.push_back(h);
  }
}

std::vector<std::string> Tokenize(std::string_view text) {
  std::vector<std::string> out;
  ForEachToken(text, [&](const std::string& t) { out.push_back(t); });
  return out;
}

std::string NormalizeForHash(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (unsigned char c : text) {
    if (IsWordByte(c)) {
      if (space && !out.empty()) out.push_back(' ');
      space = false;
      out.push_back(AsciiToLower(static_cast<char>(c)));
    } else {
      space = true;
    }
  }
  return out;
}

void NormalizedHash::Feed(std::string_view piece) {
  constexpr uint64_t kPrime = 0x100000001b3ULL;
  uint64_t h = h_;
  for (unsigned char c : piece) {
    if (IsWordByte(c)) {
      if (space_ && any_) {
        h ^= static_cast<unsigned char>(' ');
        h *= kPrime;
      }
      space_ = false;
      any_ = true;
      h ^= static_cast<unsigned char>(AsciiToLower(static_cast<char>(c)));
      h *= kPrime;
    } else {
      space_ = true;
    }
  }
  h_ = h;
}

uint64_t Fnv1a64(std::string_view text, uint64_t seed) {
  uint64_t h = seed;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

bool AppendAsciiJsonStringArray(const std::vector<std::string>& items, std::string* out) {
  size_t bytes = 2;
  for (const auto& item : items) {
    for (unsigned char c : item)
      if (c >= 0x80) return false;
    bytes += item.size() + 3;
  }
  out->reserve(out->size() + bytes);
  out->push_back('[');
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out->push_back(',');
    out->push_back('"');
    for (unsigned char c : items[i]) {
      switch (c) {
        case '"': out->append("\\\""); break;
        case '\\': out->append("\\\\"); break;
        case '\b': out->append("\\b"); break;
        case '\f': out->append("\\f"); break;
        case '\n': out->append("\\n"); break;
        case '\r': out->append("\\r"); break;
        case '\t': out->append("\\t"); break;
        default:
          if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
            out->append(buf);
          } else {
            out->push_back(static_cast<char>(c));
          }
      }
    }
    out->push_back('"');
  }
  out->push_back(']');
  return true;
}

std::string Hex64(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

namespace {

std::vector<std::string> CategoryWords(std::string_view id) {
  std::vector<std::string> words;
  size_t start = 0;
  for (size_t i = 0; i <= id.size(); ++i) {
    if (i == id.size() || id[i] == '_' || id[i] == '.' || id[i] == '-') {
      if (i > start) {
        std::string w = AsciiLower(id.substr(start, i - start));
        if (std::find(words.begin(), words.end(), w) == words.end()) words.push_back(std::move(w));
      }
      start = i + 1;
    }
  }
  return words;
}

}  // namespace

std::string ClosestCategory(std::string_view root_cause, std::span<const std::string> categories) {
  std::string typo = ClosestMatch(root_cause, categories);
  if (!typo.empty()) return typo;
  const std::vector<std::string> words = CategoryWords(root_cause);
  if (words.empty()) return "";
  std::string best;
  size_t best_shared = 0;
  double best_jaccard = 0;
  bool tie = false;
  for (const std::string& c : categories) {
    const std::vector<std::string> cw = CategoryWords(c);
    size_t shared = 0;
    for (const std::string& w : words) shared += std::find(cw.begin(), cw.end(), w) != cw.end();
    if (shared == 0 || 2 * shared < words.size()) continue;
    const double jaccard = static_cast<double>(shared) / static_cast<double>(words.size() + cw.size() - shared);
    if (shared > best_shared || (shared == best_shared && jaccard > best_jaccard)) {
      best = c;
      best_shared = shared;
      best_jaccard = jaccard;
      tie = false;
    } else if (shared == best_shared && jaccard == best_jaccard) {
      tie = true;
    }
  }
  return tie ? "" : best;
}

}  // namespace vigil::kb
