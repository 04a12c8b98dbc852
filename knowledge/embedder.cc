#include "knowledge/embedder.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "core/parse.h"
#include "connectors/openai_embeddings.h"
#include "knowledge/text_util.h"

namespace vigil {
namespace {

// Feature hashing of word uni/bi-grams and character 3/4-grams inside words. Each feature hashes
// to a bucket and a sign (the "hashing trick"), its weight is (1 + log tf) times a per-kind
// weight; the row is L2-normalised so inner product = cosine.
class HashEmbedder final : public Embedder {
 public:
  explicit HashEmbedder(size_t dim) : dim_(dim) {}
  size_t dim() const override { return dim_; }
  std::string Spec() const override { return "builtin:dim=" + std::to_string(dim_); }

  Result<std::vector<float>> Embed(std::span<const std::string> texts) const override {
    std::vector<float> out(texts.size() * dim_, 0.0f);
    FeatureCounts feats;
    kb::TokenStream tokens;
    std::string padded;
    for (size_t t = 0; t < texts.size(); ++t) {
      tokens.Clear();
      tokens.Append(texts[t]);
      EmbedOne(tokens, &feats, &padded, out.data() + t * dim_);
    }
    return out;
  }

  bool embeds_tokens() const override { return true; }
  Result<std::vector<float>> EmbedTokens(std::span<const kb::TokenStream* const> texts) const override {
    std::vector<float> out(texts.size() * dim_, 0.0f);
    FeatureCounts feats;
    std::string padded;
    for (size_t t = 0; t < texts.size(); ++t) EmbedOne(*texts[t], &feats, &padded, out.data() + t * dim_);
    return out;
  }

 private:
  // Feature hash -> (count, weight) for one text: open addressing, reused across texts (an
  // epoch stamp marks the slots of the current text, so clearing is O(1)). Iteration follows
  // first occurrence, so rows are summed in a deterministic order.
  class FeatureCounts {
   public:
    void Clear() {
      order_.clear();
      if (++epoch_ == 0) {  // wrapped: forget every stamp
        for (Slot& s : slots_) s.stamp = 0;
        epoch_ = 1;
      }
    }
    void Count(uint64_t h, float weight) {
      if ((order_.size() + 1) * 2 > slots_.size()) Grow();
      const size_t mask = slots_.size() - 1;
      size_t i = Mix(h) & mask;
      while (slots_[i].stamp == epoch_ && slots_[i].key != h) i = (i + 1) & mask;
      Slot& s = slots_[i];
      if (s.stamp != epoch_) {
        s.stamp = epoch_;
        s.key = h;
        s.count = 0;
        order_.push_back(static_cast<uint32_t>(i));
      }
      s.count += 1.0f;
      s.weight = weight;
    }
    template <typename Fn>
    void ForEach(Fn&& fn) const {
      for (uint32_t i : order_) fn(slots_[i].key, slots_[i].count, slots_[i].weight);
    }

   private:
    // One slot per cache access (the probe reads stamp and key together; four parallel arrays
    // cost a miss each).
    struct Slot {
      uint64_t key = 0;
      float count = 0, weight = 0;
      uint32_t stamp = 0;
    };
    static uint64_t Mix(uint64_t h) { return (h ^ (h >> 29)) * 0xbf58476d1ce4e5b9ULL >> 17; }
    void Grow() {
      std::vector<Slot> slots(slots_.empty() ? 1024 : slots_.size() * 2);
      std::vector<uint32_t> order;
      order.reserve(order_.capacity());
      const size_t mask = slots.size() - 1;
      for (uint32_t old : order_) {
        size_t i = Mix(slots_[old].key) & mask;
        while (slots[i].stamp == epoch_) i = (i + 1) & mask;
        slots[i] = slots_[old];
        order.push_back(static_cast<uint32_t>(i));
      }
      slots_.swap(slots);
      order_.swap(order);
    }
    std::vector<Slot> slots_;
    std::vector<uint32_t> order_;
    uint32_t epoch_ = 1;
  };

  // One text's row (zeroed by the caller) from its tokens; `feats` and `padded` are scratch.
  void EmbedOne(const kb::TokenStream& tokens, FeatureCounts* feats, std::string* padded, float* row) const {
    feats->Clear();
    const size_t n_words = tokens.size();
    for (size_t i = 0; i < n_words; ++i) {
      std::string_view w = tokens.token(i);
      feats->Count(tokens.hashes[i], 1.0f);  // == kb::Fnv1a64(w, kWordSeed)
      if (i + 1 < n_words) feats->Count(kb::Fnv1a64(tokens.token(i + 1), kb::Fnv1a64(w, kBigramSeed)), 1.0f);
      // Character n-grams of "<" + w + ">", hashed from a padded copy of the word.
      padded->assign(1, '<');
      padded->append(w);
      padded->push_back('>');
      const auto* c = reinterpret_cast<const unsigned char*>(padded->data());
      const size_t m = padded->size();
      for (size_t s = 0; s + 3 <= m; ++s) {
        uint64_t h = kCharSeed + 3;
        h = (h ^ c[s]) * kFnvPrime;
        h = (h ^ c[s + 1]) * kFnvPrime;
        h = (h ^ c[s + 2]) * kFnvPrime;
        feats->Count(h, kCharWeight);
      }
      for (size_t s = 0; s + 4 <= m; ++s) {
        uint64_t h = kCharSeed + 4;
        h = (h ^ c[s]) * kFnvPrime;
        h = (h ^ c[s + 1]) * kFnvPrime;
        h = (h ^ c[s + 2]) * kFnvPrime;
        h = (h ^ c[s + 3]) * kFnvPrime;
        feats->Count(h, kCharWeight);
      }
    }
    // (Most features occur once: 1 + log 1 = 1 exactly, without the log; for a power-of-two
    // dim the mask equals the modulo, without a 64-bit division per feature.)
    const uint64_t mask = (dim_ & (dim_ - 1)) == 0 ? dim_ - 1 : 0;
    feats->ForEach([&](uint64_t h, float count, float weight) {
      float w = count == 1.0f ? weight : weight * (1.0f + std::log(count));  // sublinear tf, count >= 1
      size_t bucket = mask ? h & mask : h % dim_;
      float sign = ((h >> 63) & 1) ? -1.0f : 1.0f;
      row[bucket] += sign * w;
    });
    double norm = 0;
    for (size_t d = 0; d < dim_; ++d) norm += double(row[d]) * row[d];
    if (norm > 0) {
      float inv = static_cast<float>(1.0 / std::sqrt(norm));
      for (size_t d = 0; d < dim_; ++d) row[d] *= inv;
    }
  }

  static constexpr uint64_t kWordSeed = kb::kWordHashSeed;
  static constexpr uint64_t kBigramSeed = 0xc2b2ae3d27d4eb4fULL;
  static constexpr uint64_t kCharSeed = 0x165667b19e3779f9ULL;
  static constexpr float kCharWeight = 0.25f;
  static constexpr uint64_t kFnvPrime = 0x100000001b3ULL;  // FNV-1a, as kb::Fnv1a64
  size_t dim_;
};

class RemoteEmbedder final : public Embedder {
 public:
  RemoteEmbedder(std::unique_ptr<OpenAiEmbeddings> client, size_t dim, std::string spec)
      : client_(std::move(client)), dim_(dim), spec_(std::move(spec)) {}
  size_t dim() const override { return dim_; }
  std::string Spec() const override { return spec_; }
  Result<std::vector<float>> Embed(std::span<const std::string> texts) const override {
    ASSIGN_OR_RETURN(auto rows, client_->Embed(texts));
    std::vector<float> out;
    out.reserve(texts.size() * dim_);
    for (size_t i = 0; i < rows.size(); ++i) {
      if (rows[i].size() != dim_) {
        return InvalidArgumentError("embeddings endpoint returned " + std::to_string(rows[i].size()) +
                                    " dimensions for input " + std::to_string(i) + ", expected " +
                                    std::to_string(dim_));
      }
      double norm = 0;
      for (float v : rows[i]) norm += double(v) * v;
      float inv = norm > 0 ? static_cast<float>(1.0 / std::sqrt(norm)) : 0.0f;
      for (float v : rows[i]) out.push_back(v * inv);
    }
    return out;
  }

 private:
  std::unique_ptr<OpenAiEmbeddings> client_;
  size_t dim_;
  std::string spec_;
};

// "k=v k2=v2" after the head; values may not contain spaces.
Result<std::map<std::string, std::string>> ParseKv(std::string_view rest, const std::string& spec) {
  std::map<std::string, std::string> kv;
  std::istringstream in{std::string(rest)};
  std::string tok;
  while (in >> tok) {
    auto eq = tok.find('=');
    if (eq == std::string::npos || eq == 0) {
      return InvalidArgumentError("embedder spec `" + spec + "`: expected key=value, got `" + tok + "`");
    }
    kv[tok.substr(0, eq)] = tok.substr(eq + 1);
  }
  return kv;
}

}  // namespace

Result<std::vector<float>> Embedder::EmbedTokens(std::span<const kb::TokenStream* const>) const {
  return UnimplementedError("embedder `" + Spec() + "` embeds text, not token streams");
}

Result<std::unique_ptr<Embedder>> MakeEmbedder(const std::string& spec) {
  const std::string accepted = "accepted: builtin[:dim=N], openai:URL model=NAME [key_env=VAR] [dim=N]";
  if (spec == "builtin" || spec.starts_with("builtin:")) {
    std::string rest = spec.size() > 8 ? spec.substr(8) : "";
    for (char& c : rest)
      if (c == ',') c = ' ';
    ASSIGN_OR_RETURN(auto kv, ParseKv(rest, spec));
    size_t dim = 512;
    for (const auto& [k, v] : kv) {
      if (k != "dim")
        return InvalidArgumentError("embedder spec `" + spec + "`: unknown key `" + k + "`; " + accepted);
      std::optional<int64_t> d = ParseInt(v);
      if (!d || *d < 16 || *d > 8192) {
        return InvalidArgumentError("embedder spec `" + spec + "`: dim must be an integer in [16, 8192]");
      }
      dim = static_cast<size_t>(*d);
    }
    return std::unique_ptr<Embedder>(new HashEmbedder(dim));
  }
  if (spec.starts_with("openai:")) {
    std::string rest = spec.substr(7);
    auto sp = rest.find(' ');
    std::string url = rest.substr(0, sp);
    ASSIGN_OR_RETURN(auto kv, ParseKv(sp == std::string::npos ? "" : rest.substr(sp + 1), spec));
    OpenAiEmbeddingsOptions o;
    o.url = url;
    o.model = kv.count("model") ? kv["model"] : "";
    std::string key_env = kv.count("key_env") ? kv["key_env"] : "VIGIL_LLM_API_KEY";
    if (const char* key = std::getenv(key_env.c_str())) o.api_key = key;
    if (o.model.empty()) return InvalidArgumentError("embedder spec `" + spec + "`: model=NAME is required");
    ASSIGN_OR_RETURN(auto client, MakeOpenAiEmbeddings(o));
    size_t dim = 0;
    if (kv.count("dim")) {
      std::optional<int64_t> d = ParseInt(kv["dim"]);
      if (!d || *d < 1 || *d > 65536) {  // atol read "-5" as a huge size and "abc" as 0
        return InvalidArgumentError("embedder spec `" + spec + "`: dim must be an integer in [1, 65536]");
      }
      dim = static_cast<size_t>(*d);
    } else {
      // Ask once for the dimension, so the index can be sized before the first import.
      std::vector<std::string> probe{"dimension probe"};
      ASSIGN_OR_RETURN(auto rows, client->Embed(probe));
      if (rows.empty() || rows[0].empty())
        return InvalidArgumentError("embeddings endpoint returned an empty vector");
      dim = rows[0].size();
    }
    std::string canonical = "openai:" + url + " model=" + o.model + " dim=" + std::to_string(dim);
    return std::unique_ptr<Embedder>(new RemoteEmbedder(std::move(client), dim, canonical));
  }
  return InvalidArgumentError("unknown embedder spec `" + spec + "`; " + accepted);
}

}  // namespace vigil
