// KnowledgeBase: the incident knowledge base that diagnosis agents recall from.
//
// Storage is one SQLite database (WAL, schema versioned through PRAGMA user_version) holding
// incidents, their signatures (log regexes and metric conditions, first-class rows tied to a
// category), troubleshooting guides split into chunks, and a plain table holding each entry's
// searchable text (both search indexes are rebuilt from it). A FAISS index of embeddings (factory string from
// config `kb_index`) lives next to the database as `<db>.faiss`; it is rebuilt from SQLite when it is
// missing, unreadable or disagrees with the database (a crash between the SQLite commit and the index write).
//
// The BM25 index for lexical search (kb::LexicalIndex) lives in memory, is extended with each
// committed import batch and is saved after each import next to the database as `<db>.bm25`,
// stamped with the store's write generation (meta `write_generation`, bumped in every
// transaction that adds or deletes entries). Open loads it when its generation and entry ids
// match the database, and rebuilds it from SQLite (and rewrites it) otherwise: missing, corrupt
// or stale after a crash.
//
// Search is hybrid: BM25 and FAISS dense ranks fused by reciprocal rank (k = 60), with
// filters on category, component and time. Log-signature matching is exact: every stored log
// signature is an ECMAScript regex matched case-insensitively against single log lines.
//
// Ownership: Open returns a uniquely owned object; it owns its SQLite connection and index.
// Thread safety: every public method may be called from several threads; calls are serialised
// by an internal mutex (SQLite connections are not shared).
// Errors: InvalidArgument for bad specs or input, NotFound for a missing file or incident,
// DataLoss for a database that fails its integrity checks, FailedPrecondition for an index spec
// that cannot be trained on the entries present (IVF with too few entries).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/config_defaults.h"
#include "core/domain.h"
#include "core/status.h"

namespace vigil {

class Embedder;

// What to do with a root_cause that is not in the taxonomy.
enum class UnknownCategoryPolicy {
  kKeepAsUserDefined,  // default: keep it, record it as a user-defined category, warn with line
  kReject,             // reject the entry (reported with its line); the rest of the import commits
};

struct KnowledgeOptions {
  // SQLite file, or ":memory:" (no index file is written; the index lives in memory).
  std::string db_path = ":memory:";
  // Shipped pack (data/knowledge/: pack/*.jsonl and guides/*.md). Loaded on Open when
  // `load_pack` and the pack's content changed since it was last loaded (idempotent: entries
  // already present are skipped as duplicates). Empty = do not load.
  std::string pack_dir;
  bool load_pack = true;
  // Taxonomy file (JSON with categories[].id, .layer). Empty = data/taxonomy.json, then
  // ../shared/taxonomy.json.
  std::string taxonomy_path;
  UnknownCategoryPolicy unknown_category = UnknownCategoryPolicy::kKeepAsUserDefined;
  // MakeEmbedder spec ("builtin:dim=512", "openai:URL model=NAME"), used unless `embedder` is set.
  std::string embedder_spec = "builtin:dim=512";
  std::shared_ptr<Embedder> embedder;  // injected (tests, the openai client with its config)
  // faiss::index_factory string: "Flat", "HNSW32", "IVF1024,Flat", ... An IVF (or other trained)
  // spec searches exactly (Flat) until the store reaches its training size (see vector_index.h).
  // Default: the config's `kb_index` default (core/config_defaults.h), so options filled by hand
  // open the index `vigil` opens.
  std::string index_spec{kDefaultKbIndex};
  // Inverted lists an IVF query scans (0 = VectorIndex's default, 8).
  size_t index_nprobe = 0;
  // Import commits every `batch_size` accepted entries; a crash loses at most the open batch.
  size_t batch_size = 1000;
  // Threads one incident import uses. The work per chunk of 4 096 entries that depends only on
  // the entries (tokenising, the builtin embedder's vectors, sign sketches, content hashes) runs
  // on `import_threads - 1` worker threads for the next chunk while the calling thread checks
  // duplicates and writes the current one (at most one chunk ahead). 1 = all on the calling
  // thread. 0 = min(2, CPUs the thread calling Open may run on: its affinity mask, so under
  // `taskset -c 0` it is 1). The stored rows, indexes, reports and search results are the same
  // for every value. An embedder that does not read tokens (the remote `openai:`
  // one) always runs on the calling thread, one thread, and so do an import of at most one chunk
  // (nothing to overlap) and guide imports.
  size_t import_threads = 0;
  // Lines / documents larger than this are rejected (bytes).
  size_t max_document_bytes = 1 << 20;
  // Bytes (IncidentCacheBytes) of incidents read back kept in memory (GetIncident, search hits):
  // alert triage reads the same incidents for every alert of a storm. Past it the least recently
  // read are evicted; an incident larger than a 32nd of it (1 MiB at the default 32 MiB) is not
  // kept. 0: no cache. At most 4 096 incidents whatever the bytes.
  size_t incident_cache_bytes = size_t{32} << 20;
  // Cosine similarity at or above which a new incident counts as a near-duplicate of a stored
  // one and is skipped. 0 disables the check (exact normalized-text duplicates are always
  // skipped).
  double near_duplicate_cosine = 0.985;
  // Inverted lists of a trained IVF index the near-duplicate check compares a new entry with:
  // its own (where it is added) and the next nearest ones, every vector of them in one blocked
  // pass per list (each list costs about one coarse assignment per entry). A Flat index (or an
  // IVF's Flat phase) offers every stored vector, filtered by sign sketch; HNSW runs one k = 1
  // search per entry. See knowledge/README.md ("Near-duplicate check") for what fewer lists miss.
  size_t near_duplicate_nprobe = 3;
  // SQLite page size (bytes) of a NEW database file: a power of two from 512 to 65536. A store
  // that already exists keeps the page size it was created with (SQLite changes it only on
  // VACUUM, which Open never runs). 16 KiB: fewer pwrite calls and checkpoints on import; see
  // knowledge/README.md ("Figures") for its effect on query latency. Ignored for ":memory:".
  int sqlite_page_size = 16384;
  // Test hook: called after each entry is written inside an open transaction, with the number
  // of entries written so far in this import. Tests use it to crash mid-import.
  std::function<void(size_t written)> after_write_hook;
  // Test hook: called with each committed entry's id just before it goes into the in-memory
  // BM25 index (after its batch's COMMIT). Tests throw from it.
  std::function<void(int64_t entry)> before_lexical_add_hook;
  // Test hook: called with the first entry index (0-based, in the import's accepted entries)
  // of each chunk whose entry-only work is about to run (with import_threads > 2, of each part
  // of it: a chunk is split among the workers), on the thread that runs it (a worker when
  // import_threads > 1). Tests throw from it.
  std::function<void(size_t first_entry)> import_prepare_hook;
  // Test hook: called inside each schema migration's transaction after its statements, with the
  // version it migrates to. Tests throw from it (Open reports the step; the step rolls back).
  std::function<void(int64_t to_version)> migration_step_hook;
};

// Builds options from the config table: data_dir (db at <data_dir>/kb.sqlite), kb_pack_dir,
// kb_index, kb_embedder, kb_import_threads.
KnowledgeOptions KnowledgeOptionsFromConfig(const Config& config);

// One problem found while importing, with where it was.
struct ImportIssue {
  std::string file;
  int64_t line = 0;      // 1-based line (JSONL), record start line (CSV), 0 = whole file
  std::string message;   // "malformed JSON: ...", "invalid UTF-8 at byte 17", ...
  bool rejected = true;  // false: a warning, the entry was kept
};

struct ImportReport {
  int64_t added = 0;       // incidents and guide chunks written
  int64_t duplicates = 0;  // skipped: same normalized text, same id, or near-duplicate
  int64_t replaced = 0;    // stored versions replaced: a guide re-imported with new content,
                           // or a pack incident of a changed shipped pack
  int64_t rejected = 0;    // skipped for bad input (see issues)
  std::vector<ImportIssue> issues;
  double seconds = 0;
  Json ToJson() const;
};

enum class SearchMode { kHybrid, kLexical, kDense };
Result<SearchMode> ParseSearchMode(std::string_view s);  // hybrid|lexical|dense

struct SearchQuery {
  std::string text;
  size_t k = 5;
  SearchMode mode = SearchMode::kHybrid;
  std::string category;        // filter: exact root_cause ("" = any)
  std::string component;       // filter: exact component ("" = any)
  int64_t since_ms = 0;        // filter: started_at_ms >= since_ms (0 = no bound)
  int64_t until_ms = 0;        // filter: started_at_ms < until_ms (0 = no bound)
  bool include_guides = true;  // also return troubleshooting-guide chunks
};

struct SearchHit {
  enum class Kind { kIncident, kGuideChunk };
  Kind kind = Kind::kIncident;
  Incident incident;       // kIncident: the full incident
  std::string guide_path;  // kGuideChunk: the guide file, heading path and chunk text
  std::string heading;
  std::string text;
  std::string category;  // root_cause (incidents) or the guide's front-matter category
  double score = 0;      // fused RRF score (or the single ranker's score)
  int lexical_rank = 0;  // 1-based rank in the BM25 list, 0 = not in it
  int dense_rank = 0;    // 1-based rank in the FAISS list, 0 = not in it
  Json ToJson() const;
};

enum class SignatureKind { kLog, kMetric };

struct Signature {
  SignatureKind kind = SignatureKind::kLog;
  std::string pattern;  // regex (log) or rule-language condition (metric)
  std::string incident_id;
  std::string category;
  std::string component;
};

// One log line matched by one stored log signature.
struct SignatureMatch {
  size_t line_index = 0;  // index into the lines passed in
  std::string line;
  std::string matched;  // the matched substring
  std::string pattern;
  std::string incident_id;
  std::string category;
  std::string component;
  Json ToJson() const;
};

struct KnowledgeStats {
  int64_t incidents = 0;
  int64_t log_signatures = 0;
  int64_t metric_conditions = 0;
  int64_t guides = 0;
  int64_t guide_chunks = 0;
  int64_t index_vectors = 0;
  // False while a spec that needs training (IVF) is in its exact Flat phase; then the vectors
  // at which it will be trained.
  bool index_trained = true;
  int64_t index_training_size = 0;
  std::map<std::string, int64_t> incidents_by_category;
  std::vector<std::string> user_defined_categories;
  std::string embedder;
  std::string index_spec;
  int schema_version = 0;
  Json ToJson() const;
};

// A troubleshooting guide deleted by KnowledgeBase::DeleteGuide.
struct DeletedGuide {
  std::string path;  // the path it was imported as (`vigil kb search` prints it: `guide PATH: heading`)
  std::string title, category, component;
  int64_t chunks = 0;  // its chunks (search entries) deleted with it
  // {"deleted_guide": {path, title, category, component, chunks}}: `vigil kb delete`'s line. No
  // incident field at the top, so `vigil kb import` of that output says it and imports nothing for it.
  Json ToJson() const;
};

// What the incident cache holds (KnowledgeBase::IncidentCache).
struct IncidentCacheUsage {
  size_t incidents = 0;
  size_t bytes = 0;   // sum of IncidentCacheBytes of the incidents held
  size_t budget = 0;  // KnowledgeOptions::incident_cache_bytes
};

// The bytes the incident cache charges for `incident`: the struct, its strings' and lists'
// buffers (capacity), and the cache's key and bookkeeping (an estimate of the heap it holds).
size_t IncidentCacheBytes(const Incident& incident);

class KnowledgeBase {
 public:
  // Opens (creating and migrating as needed) the database, loads or rebuilds the index, and
  // loads the shipped pack when configured.
  static Result<std::unique_ptr<KnowledgeBase>> Open(const KnowledgeOptions& options);
  ~KnowledgeBase();
  KnowledgeBase(const KnowledgeBase&) = delete;
  KnowledgeBase& operator=(const KnowledgeBase&) = delete;

  // Imports a file or a directory, by extension: .jsonl/.ndjson (incidents), .csv (incidents,
  // see knowledge/README.md for the columns), .md (guide) and directories (recursively, the
  // same extensions; files of other types named in one warning issue, and a directory with none
  // of these is InvalidArgument). Bad entries are reported in the report and skipped; the rest
  // commits. A non-OK Status only for a failure of the whole import (file missing, an unsupported
  // file type, nothing to import, database error).
  Result<ImportReport> Import(const std::string& path);
  // Imports incidents given in memory (`source_name` names them in issues).
  Result<ImportReport> ImportIncidents(std::span<const Incident> incidents, const std::string& source_name);
  // Imports one incident like ImportIncidents, except that a stored incident of the same id whose
  // `source` equals `incident.source` (non-empty) is replaced: deleted with its signatures and
  // search entries, then the new version written, in one transaction (report.replaced = 1; the
  // vector and BM25 indexes are rebuilt after it, as for a changed shipped pack). A stored incident
  // of that id from another source is kept and the new one skipped as a duplicate (reported). Used
  // by `vigil serve` for an engineer's resolution posted again. InvalidArgument for an empty
  // source or id. Searches on this KnowledgeBase see the new version once this returns.
  Result<ImportReport> UpsertIncident(const Incident& incident);

  // Deletes a stored incident with its signatures and search entries, in one transaction; both
  // indexes are rebuilt after it (as for a replaced version). NotFound for an unknown id;
  // FailedPrecondition for a shipped pack entry (source `pack:...`: it would come back with the
  // next pack update). Returns the deleted incident. `vigil kb delete`.
  Result<Incident> DeleteIncident(const std::string& id);
  // Deletes a stored troubleshooting guide (imported from Markdown), named by the path it was
  // imported as, with all its chunks and their search entries, in one transaction as
  // DeleteIncident (both indexes rebuilt after it). NotFound for no guide of that path (the message
  // names a stored guide of the same file name, if any); FailedPrecondition for a guide of the
  // shipped pack (path `pack/...`). Both deletes: FailedPrecondition for a read-only store,
  // Unavailable when another process holds the store's write lock past the busy timeout (5 s);
  // nothing is deleted then. `vigil kb delete`.
  Result<DeletedGuide> DeleteGuide(const std::string& path);
  // Whether a guide is stored under `path` (DeleteGuide's name for it).
  Result<bool> HasGuide(const std::string& path) const;

  Result<std::vector<SearchHit>> Search(const SearchQuery& query) const;

  // Matches every stored log signature against every line. Results ordered by line, then by
  // pattern. At most one match per (line, signature, incident).
  Result<std::vector<SignatureMatch>> MatchLogLines(std::span<const std::string> lines) const;

  // Stored signatures, optionally of one kind and/or category ("" = all).
  Result<std::vector<Signature>> Signatures(std::optional<SignatureKind> kind = std::nullopt,
                                            const std::string& category = "") const;

  // One incident by id; NotFound otherwise.
  Result<Incident> GetIncident(const std::string& id) const;
  // The incident cache's contents now (KnowledgeOptions::incident_cache_bytes).
  IncidentCacheUsage IncidentCache() const;

  Result<KnowledgeStats> Stats() const;

  // Calls fn(entry id, title, body) for every searchable entry in id order with the text both
  // search indexes are built from (a guide chunk's stored text; an incident's derived from its
  // stored fields). For tools and benchmarks (kb_bench's FTS5 baseline). Holds the knowledge
  // base's lock while it runs: `fn` must not call this KnowledgeBase.
  Status ForEachEntryText(
      const std::function<void(int64_t id, const std::string& title, const std::string& body)>& fn) const;

  // Taxonomy categories (ids), in file order, followed by user-defined ones.
  std::vector<std::string> Categories() const;
  // The taxonomy layer of a category ("gpu", "network", ...), "" when unknown.
  std::string CategoryLayer(const std::string& category) const;

  class Impl;

 private:
  explicit KnowledgeBase(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil
