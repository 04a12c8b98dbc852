// LexicalIndex: an in-memory inverted index scoring documents with BM25, with top-k pruning.
//
// Replaces FTS5's `ORDER BY bm25(...) LIMIT n`, which scores every row matching any query term
// before sorting: on a large store whose entries share vocabulary that is most of the store.
// Here each term has a posting list (document numbers ascending, weighted term frequency) and
// an upper bound of its BM25 contribution; Search runs MaxScore (Turtle & Flood 1995):
// documents are enumerated only from the "essential" lists whose bounds can still lift a
// document above the current k-th score, the other lists are probed by binary search, and a
// candidate is abandoned as soon as its remaining bound cannot reach the threshold. The result
// is the exact top `depth` of exhaustive scoring (SearchExhaustive, kept as the test reference),
// up to floating-point ties.
//
// Scoring follows SQLite FTS5's bm25() so rankings match the store's previous behaviour:
//   score(d) = sum over query terms t in d of idf(t) * f (k1 + 1) / (f + k1 (1 - b + b |d| / avgdl))
//   f = title_weight * tf(title) + body_weight * tf(body), |d| = tokens in title + body,
//   idf(t) = max(1e-6, ln((N - n_t + 0.5) / (n_t + 0.5))), k1 = 1.2, b = 0.75.
// Tokens are kb::Tokenize's (lower-cased alphanumeric runs; '_' and '.' split words).
//
// Each document carries the filter attributes of its entry (kind, category, component, time)
// so filtered search needs no database lookups.
//
// Persistence: the file is a base (the whole index as of some save, ending in a checksum)
// followed by zero or more appended segments, each holding only what was added after the
// previous part (new documents, new strings, the new postings of each term that got any,
// changed bounds), naming the checksum of the part it follows and ending in its own checksum.
// Save appends a segment when the file is still exactly what this index last saved or loaded
// (same size, same final checksum) and the segments stay smaller than the base; otherwise it
// rewrites the whole file (`path.tmp`, then rename), which also compacts the segments. Every
// save carries a stamp the owner chooses (the knowledge base uses its store's write
// generation); the file's stamp is its last segment's. Load reads base and segments in one pass
// (no tokenising) or reports DataLoss for a file that is truncated (a torn append included),
// corrupt, chained wrongly or of another format version: a crash during an append leaves the
// base and earlier segments intact but the file unreadable as a whole, so the owner rebuilds,
// exactly as after a crash between its commit and a save. The owner decides whether a loaded
// index still describes its store (stamp, ids) and rebuilds it otherwise. Removing documents is
// not supported: the owner rebuilds instead (guide replacement, the only deletion, is rare).
// Memory: about 5 bytes per (document, distinct term) pair plus the vocabulary.
// Not thread-safe: the owner (KnowledgeBase) serialises calls.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "knowledge/text_util.h"

namespace vigil::kb {

// The terms a free-text query is searched by: kb::Tokenize's tokens, distinct, stop words and
// tokens over 64 bytes dropped, at most the first 64.
std::vector<std::string> LexicalQueryTerms(std::string_view text);

struct LexicalDoc {
  int64_t id = 0;  // the entry id returned by Search
  std::string_view title, body;
  bool incident = true;  // false: a guide chunk
  std::string_view category, component;
  int64_t time_ms = 0;
};

// A document whose title and body were tokenised into one kb::TokenStream, the title's tokens
// first (TokenStream::Append of the title, then of the body).
struct LexicalTokenizedDoc {
  LexicalDoc doc;  // its title and body are not read
  const TokenStream* tokens = nullptr;
  size_t title_tokens = 0;
};

struct LexicalFilter {
  std::string category;        // "" = any
  std::string component;       // "" = any
  int64_t since_ms = 0;        // time_ms >= since_ms (0 = no bound)
  int64_t until_ms = 0;        // time_ms < until_ms (0 = no bound)
  bool include_guides = true;  // false: incidents only
};

// The vocabulary: term string -> dense id in insertion order. Open addressing over one array of
// (hash tag, id) slots, the strings in one arena: a lookup costs one hash and usually one cache
// line, where std::unordered_map walked a node per token (its misses were ~9 % of import CPU at
// 300 000 entries, the vocabulary growing with every re-drawn number).
class TermTable {
 public:
  size_t size() const { return ends_.size(); }
  // The id of `term`, or -1 when absent.
  int64_t Find(std::string_view term) const;
  // The id of `term`; a new term gets id size().
  uint32_t Insert(std::string_view term) { return Insert(term, Fnv1a64(term, kWordHashSeed)); }
  // The same with the term's Fnv1a64(term, kWordHashSeed) already computed (TokenStream::hashes).
  uint32_t Insert(std::string_view term, uint64_t word_hash);
  std::string_view Name(uint32_t id) const {
    const uint32_t begin = id ? ends_[id - 1] : 0;
    return std::string_view(chars_).substr(begin, ends_[id] - begin);
  }
  // Term lengths and their bytes concatenated in id order (the saved form).
  const std::string& chars() const { return chars_; }
  std::vector<uint32_t> Lengths() const;
  size_t MemoryBytes() const;

 private:
  void Rehash(size_t slots);
  std::string chars_;
  std::vector<uint32_t> ends_;    // term t is chars_[t ? ends_[t - 1] : 0, ends_[t])
  std::vector<uint64_t> hashes_;  // per term, for rehashing
  std::vector<uint64_t> slots_;   // (hash >> 32) << 32 | (id + 1); 0 = empty; power-of-two size
};

class LexicalIndex {
 public:
  struct Hit {
    int64_t id;
    double score;  // BM25, higher is better
  };

  LexicalIndex();
  ~LexicalIndex();
  LexicalIndex(LexicalIndex&&) noexcept;
  LexicalIndex& operator=(LexicalIndex&&) noexcept;

  void Add(const LexicalDoc& doc);
  // Adds the documents in order: the same index as Add of each in turn (documents, vocabulary
  // ids, postings, bounds, and the segment the next Save appends), from their token streams
  // (no tokenising), with each term's postings of the batch appended together.
  void AddBatch(std::span<const LexicalTokenizedDoc> docs);
  size_t size() const { return doc_ids_.size(); }
  // The entry ids of the documents, in the order they were added.
  std::span<const int64_t> ids() const { return doc_ids_; }
  size_t vocabulary_size() const { return postings_.size(); }
  size_t postings() const { return total_postings_; }
  // Approximate heap bytes held (postings, per-document arrays, vocabulary).
  size_t MemoryBytes() const;

  // What one Search did (for benchmarks): postings of the query's terms, postings read from
  // the lists candidates were enumerated from, candidates scored, probes of the other lists.
  // `candidates`: documents of the essential lists that passed the filter and could still beat the
  // threshold (since KB8, one that could not is not counted); `probes`: non-essential list probes.
  struct SearchStats {
    size_t postings_total = 0, postings_read = 0, candidates = 0, probes = 0;
  };

  // The top `depth` documents by BM25 over the OR of `terms` (already tokenised; duplicates
  // count once), among those passing `filter`; best first, ties by ascending id. Scores are
  // summed in int64 fixed point (units of 2^-40, each term's bound < 2^46): more than 2^17 (131 072)
  // distinct indexed terms in one query could overflow; LexicalQueryTerms keeps at most 64.
  std::vector<Hit> Search(std::span<const std::string> terms, size_t depth, const LexicalFilter& filter,
                          SearchStats* stats = nullptr) const;
  // Same result by scoring every matching document (reference for tests and benchmarks).
  std::vector<Hit> SearchExhaustive(std::span<const std::string> terms, size_t depth,
                                    const LexicalFilter& filter) const;

  // Saves the index to `path` with `stamp`: appends a segment of what was added since the last
  // Save or Load of this object when `path` is still that file (see above), else writes the
  // whole file via `path.tmp` and a rename (a crash leaves the old file or the new one). A
  // failed append falls back to the whole write. Removes a `path.tmp` left by a crash.
  Status Save(const std::string& path, uint64_t stamp);
  // What the last Save wrote.
  struct SaveReport {
    bool appended = false;  // a segment (false: the whole file)
    uint64_t bytes = 0;     // bytes written
    uint32_t segments = 0;  // segments in the file after the save
  };
  const SaveReport& last_save() const { return last_save_; }
  // Reads an index written by Save; `*stamp` receives its stamp. NotFound when the file does not
  // exist; DataLoss (naming the file and what is wrong) when it is not a complete index file.
  static Result<LexicalIndex> Load(const std::string& path, uint64_t* stamp);

  static constexpr double kK1 = 1.2, kB = 0.75, kTitleWeight = 3.0, kBodyWeight = 1.0;

 private:
  struct Postings {
    std::vector<uint32_t> docs;  // ascending document numbers
    std::vector<uint8_t> freqs;  // weighted frequency, saturated at 255
    float max_tf_part = 0;       // max of f (k1 + 1) / (f + K(|d|)) under bound_avgdl_
  };
  struct Attr {
    uint32_t category, component;
    int64_t time_ms;
    bool incident;
  };
  struct Compiled;  // a query's terms, filter codes and per-term bounds

  uint32_t Intern(std::unordered_map<std::string, uint32_t>& table, std::string_view s);
  float TfPart(uint32_t f, uint32_t doc_len, double avgdl) const;
  void RefreshBounds();
  bool Prepare(std::span<const std::string> terms, const LexicalFilter& filter, Compiled* c) const;
  bool Passes(uint32_t doc, const Compiled& c) const;

  TermTable terms_;
  std::vector<Postings> postings_;
  std::vector<int64_t> doc_ids_;
  std::vector<uint32_t> doc_len_;
  std::vector<Attr> attrs_;
  // attrs_[d].incident as one bit per document (KB8): the filter every diagnosis's recall uses
  // (incidents only) reads 1/192 of attrs_' bytes, which stay in cache at 1 M documents.
  std::vector<uint64_t> incident_bits_;
  void PushAttr(const Attr& a);
  std::unordered_map<std::string, uint32_t> category_ids_, component_ids_;
  uint64_t total_len_ = 0;
  size_t total_postings_ = 0;
  double bound_avgdl_ = 0;  // avgdl the per-term bounds were computed with
  // Scratch for AddBatch: per-term counts of one document (zero between documents), the
  // batch's (document, term, weighted tf) triples, its terms in order of first occurrence, and
  // per term its triples in the batch (zero between batches), then its offset into batch_sorted_.
  std::vector<uint32_t> scratch_count_;
  std::vector<uint32_t> scratch_terms_;
  struct BatchPosting {
    uint32_t doc, term, f;
  };
  std::vector<BatchPosting> batch_postings_, batch_sorted_;
  std::vector<uint32_t> batch_terms_;
  std::vector<uint32_t> batch_term_count_;
  TokenStream scratch_tokens_;

  // The file this index was last saved to or loaded from, as it was then; empty path: none.
  struct SavedFile {
    std::string path;
    uint64_t docs = 0, terms = 0, categories = 0, components = 0;
    uint64_t bytes = 0, base_bytes = 0;  // file size; size of its base part
    uint64_t checksum = 0;               // its final checksum (the last 8 bytes)
    uint32_t segments = 0;
    double bound_avgdl = 0;
  };
  SavedFile saved_;
  // Terms that got postings since saved_ (each once, in order), and whether RefreshBounds ran
  // since (then a segment carries every term's bound).
  std::vector<uint32_t> dirty_terms_;
  bool bounds_refreshed_ = false;
  SaveReport last_save_;

  Status SaveWhole(const std::string& path, uint64_t stamp);
  // Appends a segment; false (nothing appended, or the tail left torn) when the whole file
  // must be written instead.
  bool AppendSegment(const std::string& path, uint64_t stamp);
  // Writes documents [docs, size()) (ids, lengths, category, component, time, incident flag)
  // and the category, component and term strings from the given counts on: the base writes
  // them all, a segment those added since the last save. `Writer` is persistence's file writer.
  template <typename Writer>
  void WriteNew(Writer& w, uint64_t docs, uint64_t categories, uint64_t components, uint64_t terms) const;
};

}  // namespace vigil::kb
