// VectorIndex: a FAISS index over L2-normalised vectors, keyed by int64 entry ids.
//
// Built by faiss::index_factory from a spec ("Flat", "HNSW32", "IVF256,Flat", ...) with the L2
// metric (on unit vectors, L2 order = cosine order; scores are reported as cosine), wrapped in an
// IndexIDMap so ids are the knowledge base's entry ids. An index that needs training (IVF, SQ8,
// PQ) starts as an exact Flat index (same results as `Flat`) and is trained on every stored
// vector when an Add brings it to its training size: 32 per list for IVF (IVF1024,Flat at 32 768;
// k-means, 10 iterations, seeded), 10 000 otherwise; it is not retrained as it grows (a rebuild,
// e.g. after a crash or a spec change, trains on the whole store again).
// IVF-Flat search probes `nprobe` lists (default 8) with a SIMD L2 scan.
// Persistence: a base file `path` (written as `path.tmp`, then renamed, so a crash leaves the old
// file or the new) and an append-only log `path.log` of the vectors added since (id, IVF list,
// vector and a checksum of the record and its position per record, after a header naming the
// base: its vector count and id fingerprint). Save
// appends the vectors added since the last Save to the log when the index is an IVF-Flat or a
// Flat index whose base was written (or loaded) by this object, and rewrites base and log when
// the log would hold more vectors than the base (so the bytes written over a store's life stay
// within a few times its size instead of growing with the square of it), after training, or for
// other index types (HNSW: every Save rewrites the file). Load replays a log whose header
// matches the base; a log of another base is ignored, and a torn last record or a record that
// fails its checksum is dropped with everything after it (replay_note() says which), which
// leaves fewer vectors than the database has, and the owner rebuilds (KnowledgeBase compares
// count and id fingerprint on open). The log is not fsynced: after a power loss a lost or torn
// tail costs a rebuild, never a wrong vector.
// Not thread-safe: the owner (KnowledgeBase) serialises calls.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "knowledge/sign_sketch.h"

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

  // `vectors` holds ids.size() rows of dim() floats. `lists`: empty, or the nearest list of each
  // row (AssignLists with nprobe 1) made since the index was trained (skips the coarse
  // assignment; a list < 0 makes the whole call assign as usual). `sketches`: empty, or the
  // rows' SignSketches, kept for NearestStored (which would otherwise compute them again).
  // When FAISS's add throws, Add returns InternalError and the kept sketches still describe
  // exactly the vectors FAISS holds (sketches are kept only after the add succeeded; a list
  // FAISS extended part-way gets the missing ones computed from its vectors when next probed),
  // and the next Save writes the whole file.
  Status Add(std::span<const int64_t> ids, std::span<const float> vectors,
             std::span<const int64_t> lists = {}, std::span<const uint64_t> sketches = {});
  // Test hook: called inside Add right before FAISS adds the rows; an exception it throws is
  // handled as one from FAISS.
  void set_add_hook_for_test(std::function<void()> hook) { add_hook_ = std::move(hook); }
  struct Hit {
    int64_t id;
    float cosine;
  };
  // The `nprobe` nearest inverted lists of each row of `vectors`, nearest first (row r's at
  // [r * nprobe, (r + 1) * nprobe); the first is the list Add puts it in), when the index is a
  // trained IVF; empty otherwise (Flat phase, Flat, HNSW). One batched pass over the centroids.
  Result<std::vector<int64_t>> AssignLists(std::span<const float> vectors, size_t nprobe = 1) const;
  // For each row of `vectors`, the most similar stored vector where a near-duplicate can be
  // found cheaply, as {id, cosine} ({-1, -1} when nothing was compared): a trained IVF-Flat
  // index compares each row only with the vectors of its `nprobe` nearest lists (`lists` from
  // AssignLists with that nprobe), the Flat phase and `Flat` with every stored vector, other
  // indexes run one k = 1 search per row. With `min_cosine` > -1 only the stored vectors whose
  // sign sketch (sign_sketch.h) is within SketchHammingBounds(min_cosine) of the row's get the
  // exact inner product, so a stored vector at cosine >= min_cosine is passed over with
  // probability <= 2e-7 (two binomial tails of 1e-7, sign_sketch.h) and one far below it
  // usually is (the answer is then {-1, -1} or a vector below min_cosine); the cost no longer
  // grows with the inner products of every vector in the probed lists. `sketches`: the rows'
  // SignSketches when the caller has them (else they are computed here). The stored vectors'
  // sketches are computed on first use, per IVF list,
  // from the vectors themselves and kept in memory (never saved). Cosine is the inner product
  // for IVF and Flat (the embedder's rows are unit vectors; an all-zero row scores 0),
  // 1 - L2^2 / 2 otherwise. A near-duplicate whose original lies in none of its probed lists is
  // missed (see knowledge/README.md for how often).
  Result<std::vector<Hit>> NearestStored(std::span<const float> vectors, std::span<const int64_t> lists,
                                         size_t nprobe = 1, double min_cosine = -1,
                                         std::span<const uint64_t> sketches = {}) const;
  // Up to k nearest neighbours of one query vector, best first.
  Result<std::vector<Hit>> Search(std::span<const float> query, size_t k) const;
  Status Save(const std::string& path);

  int64_t size() const;
  // False while an index that needs training is still in its Flat phase.
  bool trained() const;
  // Vectors at which the Flat phase ends (0 when trained or never needed).
  size_t training_size() const { return train_at_; }
  // Inverted lists scanned per IVF query (more: higher recall, slower).
  void set_nprobe(size_t nprobe) { nprobe_ = nprobe; }
  size_t dim() const { return dim_; }
  const std::string& spec() const { return spec_; }
  // After Load: why the log replay stopped before the end of the log (a torn last record, a
  // record that fails its checksum), "" when it read every record or there was no log.
  const std::string& replay_note() const { return replay_note_; }
  // Sum and xor of all stored ids: a cheap fingerprint compared against the database on open.
  uint64_t IdFingerprint() const;

 private:
  VectorIndex(std::unique_ptr<faiss::Index> index, std::string spec, size_t dim, size_t train_at);
  Status Train(std::span<const int64_t> ids, std::span<const float> vectors);
  std::unique_ptr<faiss::Index> index_;  // always a faiss::IndexIDMap
  std::string spec_;
  size_t dim_;
  size_t train_at_;    // > 0: Flat phase, train when this many vectors are stored
  size_t nprobe_ = 8;  // knowledge/README.md: 1 M figures for 8 vs 16
  // Sign sketches of the stored vectors of a Flat (or Flat-phase) index by position, and of a
  // trained IVF-Flat index per list in list order, extended by NearestStored as lists grow
  // (lists only grow: vectors are appended); cleared when training replaces the index.
  mutable SketchBlocks flat_sketches_;
  mutable std::vector<SketchBlocks> list_sketches_;
  // Incremental saves. Where each vector added since the base file sits: its IVF list and offset
  // in it, or list -1 and its position in a Flat index.
  struct Location {
    int64_t list, offset;
  };
  Status SaveAll(const std::string& path);
  Status ReplayLog(const std::string& log_path);
  std::string saved_path_;            // base file last written or loaded ("" = none)
  int64_t saved_base_n_ = 0;          // vectors in that base file
  std::vector<Location> after_base_;  // vectors added since the base, in order
  size_t logged_ = 0;                 // how many of them the log file holds
  bool loggable_ = false;             // Add kept after_base_ complete (IVF-Flat or Flat, no training)
  bool log_checksummed_ = false;      // the log file is format 2 (appends go to it), not format 1
  std::string replay_note_;           // why Load's replay stopped early ("" = it read every record)
  std::function<void()> add_hook_;    // set_add_hook_for_test
};

// Fingerprint of a set of ids, computed the same way as VectorIndex::IdFingerprint.
uint64_t IdFingerprint(std::span<const int64_t> ids);

// Inner product of two rows of d floats (SIMD where the CPU has AVX2).
float VectorDot(const float* a, const float* b, size_t d);

// The nearest-centroid search of IVF adds and k-means (several rows at once, d a multiple of 32)
// screens the centroids with bfloat16 inner products where the CPU has AVX512_BF16 and the bf16
// kernel is timed faster than the float one (once per process), and computes the float distance
// only for those that can be among the k nearest: the same lists, bit for bit, as the float
// search (knowledge/README.md). Tests: true forces the screening where the CPU has it, false the
// float search, nullopt (the default) decides by the timing (not synchronised with concurrent
// searches); whether the CPU has it; what the timing chose; and the (row, centroid) pairs
// screened and given the float distance so far in this process.
void SetBf16ScreeningForTesting(std::optional<bool> on);
bool HaveBf16Screening();
bool Bf16ScreeningChosen();
double Bf16TimedRatio();  // the timing's bf16 / float kernel time (0 without AVX512_BF16)
std::pair<size_t, size_t> Bf16ScreeningCountsForTesting();

}  // namespace vigil
