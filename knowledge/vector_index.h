// VectorIndex: a FAISS index over L2-normalised vectors, keyed by int64 entry ids.
//
// Built by faiss::index_factory from a spec ("Flat", "HNSW32", "IVF256,Flat", ...) with the L2
// metric (on unit vectors, L2 order = cosine order; scores are reported as cosine), wrapped in an
// IndexIDMap2 so ids are the knowledge base's entry ids. Indexes that need training (IVF, PQ) are
// trained on the first Add with enough vectors; fewer is FailedPrecondition.
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
  size_t dim() const { return dim_; }
  const std::string& spec() const { return spec_; }
  // Sum and xor of all stored ids: a cheap fingerprint compared against the database on open.
  uint64_t IdFingerprint() const;

 private:
  VectorIndex(std::unique_ptr<faiss::Index> index, std::string spec, size_t dim);
  std::unique_ptr<faiss::Index> index_;  // always a faiss::IndexIDMap2
  std::string spec_;
  size_t dim_;
};

// Fingerprint of a set of ids, computed the same way as VectorIndex::IdFingerprint.
uint64_t IdFingerprint(std::span<const int64_t> ids);

}  // namespace vigil
