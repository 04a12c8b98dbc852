// VectorIndex: a FAISS index over L2-normalised vectors, keyed by int64 entry ids.
//
// Built by faiss::index_factory from a spec ("Flat", "HNSW32", "IVF256,Flat", ...) with the L2
// metric (on unit vectors, L2 order = cosine order; scores are reported as cosine), wrapped in an
// IndexIDMap2 so ids are the knowledge base's entry ids. An index that needs training (IVF, SQ8,
// PQ) starts as an exact Flat index (same results as `Flat`) and is trained on every stored
// vector when an Add brings it to its training size: 32 per list for IVF (IVF1024,Flat at 32 768;
// k-means, 10 iterations, seeded), 10 000 otherwise; it is not retrained as it grows (a rebuild,
// e.g. after a crash or a spec change, trains on the whole store again).
// IVF-Flat search probes `nprobe` lists (default 8) with a SIMD L2 scan.
// Persistence: Save writes `path.tmp` then renames, so a crash leaves the old file or the new.
// Not thread-safe: the owner (KnowledgeBase) serialises calls.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace faiss {
struct Index;
}

namespace vigil {

class VectorIndex {
 public:
  static Result<std::unique_ptr<VectorIndex>> Create(const std::string& spec, size_t dim);
  // Reads an index file; DataLoss when it cannot be read or its dimension differs.
  static Result<std::unique_ptr<VectorIndex>> Load(const std::string& path, const std::string& spec,
                                                   size_t dim);
  ~VectorIndex();

  // `vectors` holds ids.size() rows of dim() floats.
  Status Add(std::span<const int64_t> ids, std::span<const float> vectors);
  struct Hit {
    int64_t id;
    float cosine;
  };
  // Up to k nearest neighbours of one query vector, best first.
  Result<std::vector<Hit>> Search(std::span<const float> query, size_t k) const;
  Status Save(const std::string& path) const;

  int64_t size() const;
  // False while an index that needs training is still in its Flat phase.
  bool trained() const;
  // Vectors at which the Flat phase ends (0 when trained or never needed).
  size_t training_size() const { return train_at_; }
  // Inverted lists scanned per IVF query (more: higher recall, slower).
  void set_nprobe(size_t nprobe) { nprobe_ = nprobe; }
  size_t dim() const { return dim_; }
  const std::string& spec() const { return spec_; }
  // Sum and xor of all stored ids: a cheap fingerprint compared against the database on open.
  uint64_t IdFingerprint() const;

 private:
  VectorIndex(std::unique_ptr<faiss::Index> index, std::string spec, size_t dim, size_t train_at);
  Status Train(std::span<const int64_t> ids, std::span<const float> vectors);
  std::unique_ptr<faiss::Index> index_;  // always a faiss::IndexIDMap2
  std::string spec_;
  size_t dim_;
  size_t train_at_;  // > 0: Flat phase, train when this many vectors are stored
  size_t nprobe_ = 8;  // knowledge/README.md: 1 M figures for 8 vs 16
};

// Fingerprint of a set of ids, computed the same way as VectorIndex::IdFingerprint.
uint64_t IdFingerprint(std::span<const int64_t> ids);

}  // namespace vigil
