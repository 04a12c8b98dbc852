// Embedder: text -> fixed-size, L2-normalised float vectors for dense retrieval.
//
// MakeEmbedder builds one from a spec string:
//   "builtin:dim=512"   hashed word uni/bi-grams and character 3/4-grams (FNV-1a, signed
//                       feature hashing, sublinear tf), deterministic, no model files. dim in
//                       [16, 8192], default 512.
//   "openai:URL model=NAME [key_env=VAR] [dim=N]"  an OpenAI-compatible /v1/embeddings
//                       endpoint (connectors/openai_embeddings.h). The API key is read from the
//                       environment variable named by key_env (default VIGIL_LLM_API_KEY).
// Unknown specs are InvalidArgument naming the accepted forms.
// Thread safety: Embed may be called concurrently on the builtin embedder; remote embedders are
// thread-safe as their client is.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "knowledge/text_util.h"

namespace vigil {

class Embedder {
 public:
  virtual ~Embedder() = default;
  virtual size_t dim() const = 0;
  // Canonical spec, stored with the index so a changed embedder forces a rebuild.
  virtual std::string Spec() const = 0;
  // One row of dim() floats per text, L2-normalised (all-zero rows for texts with no features).
  virtual Result<std::vector<float>> Embed(std::span<const std::string> texts) const = 0;
  // True when the embedder sees a text only through its kb::Tokenize tokens (builtin): then
  // EmbedTokens of each text's kb::TokenStream gives exactly Embed's rows, and the import
  // tokenises each entry once for the embedder and the BM25 index. Others (remote embedders)
  // return false and their EmbedTokens is Unimplemented.
  virtual bool embeds_tokens() const { return false; }
  virtual Result<std::vector<float>> EmbedTokens(std::span<const kb::TokenStream* const> texts) const;
};

Result<std::unique_ptr<Embedder>> MakeEmbedder(const std::string& spec);

}  // namespace vigil
