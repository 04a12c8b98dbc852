#include "knowledge/knowledge_base.h"

#include <sched.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <future>
#include <list>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/ascii.h"
#include "core/logging.h"
#include "core/parse.h"
#include "core/regex_hazard.h"
#include "core/source_tree.h"
#include "core/utf8.h"
#include "knowledge/embedder.h"
#include "knowledge/importers.h"
#include "knowledge/lexical_index.h"
#include "knowledge/negation.h"
#include "knowledge/sign_sketch.h"
#include "knowledge/signature_regexes.h"
#include "knowledge/sqlite_db.h"
#include "knowledge/text_util.h"
#include "knowledge/vector_index.h"

namespace vigil {
namespace fs = std::filesystem;
using kb::Db;
using kb::Stmt;

namespace {

// Schema migrations, applied in order; PRAGMA user_version = number applied. Append only.
constexpr const char* kMigrations[] = {
    // v1
    R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE categories(id TEXT PRIMARY KEY, layer TEXT NOT NULL DEFAULT '',
                        user_defined INTEGER NOT NULL DEFAULT 0);
CREATE TABLE incidents(
  id TEXT PRIMARY KEY, title TEXT NOT NULL, started_at_ms INTEGER NOT NULL DEFAULT 0,
  resolved_at_ms INTEGER NOT NULL DEFAULT 0, raw_text TEXT NOT NULL DEFAULT '',
  symptoms TEXT NOT NULL DEFAULT '[]', log_signatures TEXT NOT NULL DEFAULT '[]',
  metric_conditions TEXT NOT NULL DEFAULT '[]', root_cause TEXT NOT NULL,
  component TEXT NOT NULL DEFAULT '', verification_steps TEXT NOT NULL DEFAULT '[]',
  mitigation TEXT NOT NULL DEFAULT '', source TEXT NOT NULL DEFAULT '', links TEXT NOT NULL DEFAULT '[]',
  extra TEXT NOT NULL DEFAULT '{}', content_hash TEXT NOT NULL UNIQUE, imported_at_ms INTEGER NOT NULL);
CREATE INDEX incidents_root_cause ON incidents(root_cause);
CREATE TABLE signatures(
  id INTEGER PRIMARY KEY, incident_id TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK(kind IN ('log', 'metric')), pattern TEXT NOT NULL, category TEXT NOT NULL);
CREATE INDEX signatures_incident ON signatures(incident_id);
CREATE INDEX signatures_kind_category ON signatures(kind, category);
CREATE TABLE guides(
  id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, title TEXT NOT NULL, category TEXT NOT NULL DEFAULT '',
  component TEXT NOT NULL DEFAULT '', content_hash TEXT NOT NULL UNIQUE, imported_at_ms INTEGER NOT NULL);
CREATE TABLE guide_chunks(
  id INTEGER PRIMARY KEY, guide_id INTEGER NOT NULL REFERENCES guides(id) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL, heading TEXT NOT NULL, text TEXT NOT NULL);
CREATE INDEX guide_chunks_guide ON guide_chunks(guide_id);
-- Searchable units: one per incident and per guide chunk. Their ids are the FAISS ids and the
-- FTS rowids.
CREATE TABLE entries(
  id INTEGER PRIMARY KEY, kind TEXT NOT NULL CHECK(kind IN ('incident', 'chunk')),
  incident_id TEXT REFERENCES incidents(id) ON DELETE CASCADE,
  chunk_id INTEGER REFERENCES guide_chunks(id) ON DELETE CASCADE,
  category TEXT NOT NULL DEFAULT '', component TEXT NOT NULL DEFAULT '', time_ms INTEGER NOT NULL DEFAULT 0);
CREATE INDEX entries_incident ON entries(incident_id);
CREATE INDEX entries_chunk ON entries(chunk_id);
CREATE VIRTUAL TABLE entries_fts USING fts5(title, body, tokenize = 'unicode61');
-- The embedder and index spec the persisted index was built with (one row).
CREATE TABLE embedding_meta(id INTEGER PRIMARY KEY CHECK(id = 1), embedder TEXT NOT NULL, dim INTEGER NOT NULL,
                            index_spec TEXT NOT NULL, updated_at_ms INTEGER NOT NULL);
)sql",
    // v2: per-term document counts, so lexical search can keep the query's discriminative terms.
    R"sql(
CREATE VIRTUAL TABLE entries_vocab USING fts5vocab(entries_fts, 'row');
)sql",
    // v3: the searchable text of each entry in a plain table. Ranking has used the in-memory
    // BM25 index (kb::LexicalIndex) since v2's store; FTS5's own inverted index was written on
    // every import and never read, and indexing it cost a third of the import's CPU at 300 000
    // entries. The text stays the source both indexes are rebuilt from.
    R"sql(
CREATE TABLE entries_text(id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL);
INSERT INTO entries_text(id, title, body) SELECT rowid, title, body FROM entries_fts;
DROP TABLE entries_vocab;
DROP TABLE entries_fts;
)sql",
    // v4: an incident's searchable text is no longer stored: it is derived from its `incidents`
    // row (StoredIncidentBody), which holds every field it is made of. `entries_text` keeps the
    // guide chunks' text and, after this migration, only those incident rows whose stored text
    // differs from the derived one (none from this code; kept rather than changed, so searches
    // stay exactly what they were). The migration's data step is DropDerivedIncidentText.
    R"sql(
INSERT INTO meta(key, value) VALUES('incident_text', 'derived')
  ON CONFLICT(key) DO UPDATE SET value = excluded.value;
)sql",
};

// The schema version whose migration drops the incident text rows that can be derived.
constexpr int64_t kDerivedIncidentTextVersion = 4;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string JoinLines(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + "\n";
  return out;
}

// Regex syntax is noise for text search: keep the literal words of a signature.
std::string RegexWords(const std::string& re) {
  std::string out;
  for (size_t i = 0; i < re.size(); ++i) {
    if (re[i] == '\\' && i + 1 < re.size()) {
      char n = re[i + 1];
      if (std::isalpha(static_cast<unsigned char>(n))) {
        out += ' ';
        ++i;
        continue;
      }
      out += n;
      ++i;
      continue;
    }
    out += std::isalnum(static_cast<unsigned char>(re[i])) ? re[i] : ' ';
  }
  return out;
}

std::string Underscores(std::string s) {
  std::replace(s.begin(), s.end(), '_', ' ');
  return s;
}

}  // namespace

size_t IncidentCacheBytes(const Incident& inc) {
  auto text = [](const std::string& t) { return t.capacity() + 1; };
  auto list = [&](const std::vector<std::string>& v) {
    size_t n = v.capacity() * sizeof(std::string);
    for (const std::string& t : v) n += text(t);
    return n;
  };
  // The map node and the recency list's node hold the id twice more; 96 bytes of node overhead.
  size_t n = sizeof(Incident) + 96 + 2 * (sizeof(std::string) + text(inc.id));
  for (const std::string* t : {&inc.id, &inc.title, &inc.raw_text, &inc.root_cause, &inc.component,
                               &inc.mitigation, &inc.source})
    n += text(*t);
  for (const std::vector<std::string>* v :
       {&inc.symptoms, &inc.log_signatures, &inc.metric_conditions, &inc.verification_steps, &inc.links})
    n += list(*v);
  n += inc.alerts.capacity() * sizeof(Alert);  // ReadIncident fills neither alerts nor a diagnosis
  return n;
}

namespace {

// Body text an incident is searched (and embedded) by.
std::string IncidentBody(const Incident& inc, const Json& extra) {
  std::string body = JoinLines(inc.symptoms);
  for (const auto& s : inc.log_signatures) body += RegexWords(s) + "\n";
  body += JoinLines(inc.metric_conditions);
  body += Underscores(inc.root_cause) + " " + inc.component + "\n";
  if (extra.contains("xid") && extra["xid"].is_array()) {
    for (const auto& x : extra["xid"])
      body += "Xid " + (x.is_string() ? x.get<std::string>() : x.dump()) + "\n";
  }
  if (extra.contains("examples") && extra["examples"].is_array()) {
    for (const auto& x : extra["examples"])
      if (x.is_string()) body += x.get<std::string>() + "\n";
  }
  if (extra.contains("tags") && extra["tags"].is_array()) {
    for (const auto& t : extra["tags"])
      if (t.is_string()) body += Underscores(t.get<std::string>()) + " ";
  }
  body += "\n" + inc.raw_text;
  return body;
}

// IncidentBody of an incident as stored in its `incidents` row (lists and `extra` as JSON text);
// `where` names the row in the error for unreadable JSON.
Result<std::string> StoredIncidentBody(const Stmt& s, int col, const std::string& where) {
  // Columns from `col`: raw_text, symptoms, log_signatures, metric_conditions, root_cause,
  // component, extra.
  Incident inc;
  Json extra;
  try {
    inc.raw_text = s.Text(col);
    inc.symptoms = Json::parse(s.Text(col + 1)).get<std::vector<std::string>>();
    inc.log_signatures = Json::parse(s.Text(col + 2)).get<std::vector<std::string>>();
    inc.metric_conditions = Json::parse(s.Text(col + 3)).get<std::vector<std::string>>();
    inc.root_cause = s.Text(col + 4);
    inc.component = s.Text(col + 5);
    extra = Json::parse(s.Text(col + 6));
  } catch (const Json::exception& e) {
    return DataLossError(where + ": stored list or extra column is not the JSON it was written as (" +
                         e.what() + ")");
  }
  return IncidentBody(inc, extra);
}

// The columns StoredIncidentBody reads, of `incidents` aliased `alias`.
std::string StoredIncidentColumns(const std::string& alias) {
  std::string out;
  for (const char* c :
       {"raw_text", "symptoms", "log_signatures", "metric_conditions", "root_cause", "component", "extra"}) {
    if (!out.empty()) out += ", ";
    out += alias + "." + c;
  }
  return out;
}

// Fnv1a64 of NormalizeForHash(title \n raw_text \n JoinLines(symptoms) JoinLines(log_signatures)
// JoinLines(metric_conditions) root_cause), hashed piece by piece (kb::NormalizedHash).
std::string ContentHash(const Incident& inc) {
  kb::NormalizedHash h;
  auto lines = [&](const std::vector<std::string>& v) {
    for (const auto& s : v) {
      h.Feed(s);
      h.Feed("\n");
    }
  };
  h.Feed(inc.title);
  h.Feed("\n");
  h.Feed(inc.raw_text);
  h.Feed("\n");
  lines(inc.symptoms);
  lines(inc.log_signatures);
  lines(inc.metric_conditions);
  h.Feed(inc.root_cause);
  return kb::Hex64(h.Value());
}

bool ValidCategoryId(const std::string& c) {
  if (c.empty() || c.size() > 64) return false;
  return std::all_of(c.begin(), c.end(), [](unsigned char ch) {
    return std::islower(ch) || std::isdigit(ch) || ch == '_' || ch == '-' || ch == '.';
  });
}

std::string ResolveDataPath(const std::string& rel) { return FindInWorkingOrSourceTree(rel).value_or(rel); }

Json ToJsonArray(const std::vector<std::string>& v) { return Json(v); }
// ToJsonArray(v).dump(), without building the Json value when every item is ASCII (the text
// is the same byte for byte; text_util_test compares the two).
std::string JsonArrayText(const std::vector<std::string>& v) {
  std::string out;
  if (kb::AppendAsciiJsonStringArray(v, &out)) return out;
  return ToJsonArray(v).dump();
}

// The origin a new record and a stored incident of the same id must share for the record to
// replace it in a file import (WALKK, 2026-12-04): the same `source`, or, for records that named
// none (Validate's `import:FILE:LINE`), the same file, whatever line the record is on now. The
// shipped pack's entries and vigil serve's resolutions are not edited by a file import (the pack
// reload and UpsertIncident replace those).
std::string_view ImportOrigin(std::string_view source) {
  if (source.starts_with("import:")) {
    if (const size_t colon = source.rfind(':'); colon > std::string_view("import").size()) return source.substr(0, colon);
  }
  return source;
}
bool SameEditableOrigin(std::string_view stored, std::string_view incoming) {
  for (std::string_view owned : {"pack:", "vigil-serve:"}) {
    if (stored.starts_with(owned) || incoming.starts_with(owned)) return false;
  }
  return !stored.empty() && ImportOrigin(stored) == ImportOrigin(incoming);
}
// A stored JSON list column; DataLoss naming the column and the incident when it is not a JSON
// array of strings (before 2026-11-30 afternoon such a column read as an empty list, silently).
Result<std::vector<std::string>> FromJsonArray(const std::string& text, const char* column,
                                               const std::string& incident_id) {
  try {
    return Json::parse(text).get<std::vector<std::string>>();
  } catch (const Json::exception& e) {
    return DataLossError("incident `" + incident_id + "`: stored column " + column +
                         " is not a JSON array of strings (" + e.what() + ")");
  }
}

constexpr size_t kMaxImportThreads = 256;

// The CPUs the calling thread may run on (its affinity mask: taskset, cpusets; threads it starts
// inherit it), else the machine's hardware threads. (std::thread::hardware_concurrency alone
// counts the machine's: under `taskset -c 0` the default import used a worker that competed with
// the writer for the one CPU.)
size_t UsableCpus() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return static_cast<size_t>(CPU_COUNT(&set));
  return std::thread::hardware_concurrency();
}

}  // namespace

Result<SearchMode> ParseSearchMode(std::string_view s) {
  if (s == "hybrid") return SearchMode::kHybrid;
  if (s == "lexical") return SearchMode::kLexical;
  if (s == "dense") return SearchMode::kDense;
  return InvalidArgumentError("unknown search mode `" + std::string(s) +
                              "`; accepted: hybrid, lexical, dense");
}

KnowledgeOptions KnowledgeOptionsFromConfig(const Config& config) {
  KnowledgeOptions o;
  o.db_path = (fs::path(config.GetString("data_dir")) / "kb.sqlite").string();
  o.pack_dir = config.GetString("kb_pack_dir");
  o.index_spec = config.GetString("kb_index");
  o.embedder_spec = config.GetString("kb_embedder");
  // A negative value wraps to a huge count, which Open rejects naming the setting.
  o.import_threads = static_cast<size_t>(config.GetInt("kb_import_threads"));
  return o;
}

Json ImportReport::ToJson() const {
  Json issues_json = Json::array();
  for (const auto& i : issues) {
    issues_json.push_back({{"file", i.file},
                           {"line", i.line},
                           {"message", i.message},
                           {"severity", i.rejected ? "rejected" : "warning"}});
  }
  return Json{{"added", added},       {"duplicates", duplicates}, {"replaced", replaced},
              {"rejected", rejected}, {"seconds", seconds},       {"issues", issues_json}};
}

Json SearchHit::ToJson() const {
  Json j{{"kind", kind == Kind::kIncident ? "incident" : "guide"},
         {"category", category},
         {"score", score},
         {"lexical_rank", lexical_rank},
         {"dense_rank", dense_rank}};
  if (kind == Kind::kIncident) {
    j["incident"] = incident;
  } else {
    j["guide"] = {{"path", guide_path}, {"heading", heading}, {"text", text}};
  }
  return j;
}

Json DeletedGuide::ToJson() const {
  return Json{{"deleted_guide",
               {{"path", path}, {"title", title}, {"category", category}, {"component", component}, {"chunks", chunks}}}};
}

Json SignatureMatch::ToJson() const {
  return Json{
      {"line_index", line_index},   {"line", line},         {"matched", matched},    {"pattern", pattern},
      {"incident_id", incident_id}, {"category", category}, {"component", component}};
}

Json KnowledgeStats::ToJson() const {
  return Json{{"incidents", incidents},
              {"log_signatures", log_signatures},
              {"metric_conditions", metric_conditions},
              {"guides", guides},
              {"guide_chunks", guide_chunks},
              {"index_vectors", index_vectors},
              {"incidents_by_category", incidents_by_category},
              {"user_defined_categories", user_defined_categories},
              {"embedder", embedder},
              {"index", index_spec},
              {"index_trained", index_trained},
              {"index_training_size", index_training_size},
              {"schema_version", schema_version}};
}

class KnowledgeBase::Impl {
 public:
  KnowledgeOptions opts;
  std::unique_ptr<Db> db;
  std::shared_ptr<Embedder> embedder;
  std::unique_ptr<VectorIndex> index;
  // BM25 over every entry, loaded from `lexical_path` on open when it matches the store (else
  // rebuilt from SQLite), extended on each commit (never ahead of the store) and saved after each
  // import. `lexical_dirty`: entries were deleted (a replaced guide); rebuild after the import.
  kb::LexicalIndex lexical;
  bool lexical_dirty = false;
  bool json_as_records = false;  // ImportSlackDays: a date-named .json file that is no Slack day
  // Set while MaybeLoadPack imports a changed shipped pack: its incidents replace their stored
  // versions (WriteIncidentsTx), so pack updates reach an existing data directory.
  bool pack_reload = false;
  // Set while UpsertIncident runs: a stored incident of the same id whose source is this one is
  // replaced (WriteIncidentsTx).
  std::string upsert_source;
  std::string lexical_path;  // `<db>.bm25`; empty for ":memory:"
  // Write generation of the store: meta `write_generation`, bumped inside every transaction that
  // adds or deletes entries. The lexical index file records the generation it reflects.
  uint64_t generation = 0;
  uint64_t lexical_saved_generation = ~uint64_t{0};
  Status index_status;     // why `index` is null (an untrainable spec), else OK
  std::string index_path;  // empty for ":memory:"
  bool index_dirty = false;
  struct Category {
    std::string layer;
    bool user_defined = false;
  };
  std::vector<std::string> category_order;
  std::unordered_map<std::string, Category> categories;
  mutable std::mutex mu;
  std::unordered_set<std::string> valid_regexes;  // patterns already compiled once on import

  // The stored log signatures, read again after a write: their compiled form (regexes and
  // prefilter) is the process's (signature_regexes.h), so a load whose patterns are unchanged, or
  // differ by a few, compiles nothing or those few (KB6, 2026-12-04).
  struct LoadedSignatures {
    std::shared_ptr<const CompiledSignatureSet> compiled;
    std::vector<std::vector<Signature>> owners;  // per compiled pattern: the incidents holding it
  };
  mutable std::optional<LoadedSignatures> signature_cache;
  // word -> categories (LoadCategoryWords); reset with signature_cache.
  mutable std::optional<std::map<std::string, std::set<std::string>>> category_words;
  // The shipped pack's incidents' root_cause, title and symptoms that category_words is made of:
  // a scan of the whole incidents table (nothing indexes `source`), kept until the pack's incidents
  // change (a pack reload, a pack incident written, another process's write), not remade after every
  // import as category_words is (KB5: a folder of postmortems imported into a store of N incidents
  // scanned all N once per file).
  mutable std::optional<std::vector<std::array<std::string, 3>>> pack_word_rows;
  std::map<std::string, std::string> category_summary;  // the taxonomy's summaries

  Status Migrate() {
    RETURN_IF_ERROR(db->Exec("PRAGMA foreign_keys = ON"));
    if (opts.db_path != ":memory:") {
      // The page size of a new database (default 16 KiB; an existing one keeps its size, the
      // pragma is a no-op once the file has pages): an entry's rows (incident text,
      // signatures, entry, search text: ~4.5 KB) are written as WAL frames and again by each
      // checkpoint, one pwrite per page; 4 KiB pages meant ~3 syscalls per entry and a
      // checkpoint (two fdatasyncs) every 4 MB. It must precede journal_mode = WAL.
      RETURN_IF_ERROR(db->Exec("PRAGMA page_size = " + std::to_string(opts.sqlite_page_size)));
      RETURN_IF_ERROR(db->Exec("PRAGMA journal_mode = WAL"));
      RETURN_IF_ERROR(db->Exec("PRAGMA synchronous = NORMAL"));
      // Imports insert into B-trees keyed by random hashes/ids: a 64 MiB page cache keeps them
      // from re-reading pages once the store outgrows SQLite's 2 MiB default.
      RETURN_IF_ERROR(db->Exec("PRAGMA cache_size = -65536"));
    }
    ASSIGN_OR_RETURN(int64_t version, db->QueryInt("PRAGMA user_version"));
    constexpr int64_t kLatest = static_cast<int64_t>(std::size(kMigrations));
    if (version > kLatest) {
      return FailedPreconditionError("knowledge base " + opts.db_path + " has schema version " +
                                     std::to_string(version) + ", newer than this vigil (" +
                                     std::to_string(kLatest) + "); upgrade vigil");
    }
    for (int64_t v = version; v < kLatest; ++v) {
      RETURN_IF_ERROR(db->Exec("BEGIN IMMEDIATE"));
      // An exception inside a step (out of memory, a library's throw) is the step's failure:
      // rolled back like an error, not thrown out of Open with the transaction open.
      Status s = GuardMigrationStep(v + 1, [&] {
        Status t = db->Exec(kMigrations[v]);
        if (t.ok() && v + 1 == kDerivedIncidentTextVersion) t = DropDerivedIncidentText();
        if (t.ok() && opts.migration_step_hook) opts.migration_step_hook(v + 1);
        return t;
      });
      if (s.ok()) s = db->Exec("PRAGMA user_version = " + std::to_string(v + 1));
      if (!s.ok()) {
        db->Exec("ROLLBACK").IgnoreError();
        return s.WithContext("migrating " + opts.db_path + " to schema v" + std::to_string(v + 1));
      }
      RETURN_IF_ERROR(db->Exec("COMMIT"));
    }
    return Status::Ok();
  }

  template <typename Fn>
  static Status GuardMigrationStep(int64_t to_version, Fn&& fn) {
    const std::string step = "schema v" + std::to_string(to_version) + "'s migration step threw ";
    try {
      return fn();
    } catch (const std::bad_alloc&) {
      return ResourceExhaustedError(step + "std::bad_alloc (out of memory)");
    } catch (const std::exception& e) {
      return InternalError(step + "an exception: " + e.what());
    } catch (...) {
      return InternalError(step + "an exception of unknown type");
    }
  }

  // Schema v4's data step, inside its transaction: deletes each incident entry's text row that
  // equals the text derived from its incident row (title and body), so an incident's text is
  // stored once. A row that differs is kept, and read instead of the derived text (EntryTexts).
  // Entries, their ids and texts are unchanged, so the persisted indexes stay valid.
  Status DropDerivedIncidentText() {
    ASSIGN_OR_RETURN(Stmt s,
                     db->Prepare("SELECT f.id, f.title, f.body, i.title, " + StoredIncidentColumns("i") +
                                 " FROM entries_text f JOIN entries e ON e.id = f.id "
                                 "JOIN incidents i ON i.id = e.incident_id WHERE e.kind = 'incident'"));
    std::vector<int64_t> derived;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      Result<std::string> body = StoredIncidentBody(s, 4, "entry " + std::to_string(s.Int(0)));
      if (body.ok() && s.Text(1) == s.Text(3) && s.Text(2) == *body) derived.push_back(s.Int(0));
    }
    ASSIGN_OR_RETURN(Stmt del, db->Prepare("DELETE FROM entries_text WHERE id = ?"));
    for (int64_t id : derived) {
      del.Reset();
      del.Bind(1, id);
      RETURN_IF_ERROR(del.Run());
    }
    return Status::Ok();
  }

  // Calls `fn(id, kind, category, component, time_ms, title, body)` for every entry in id order
  // with the text it is searched by: its `entries_text` row, or for an incident without one
  // (schema v4) the text derived from its incident row.
  template <typename Fn>
  Status EntryTexts(Fn&& fn) const {
    ASSIGN_OR_RETURN(Stmt s, db->Prepare("SELECT e.id, e.kind, e.category, e.component, e.time_ms, f.title, "
                                         "f.body, f.id IS NULL, i.id IS NULL, i.title, " +
                                         StoredIncidentColumns("i") +
                                         " FROM entries e LEFT JOIN entries_text f ON f.id = e.id "
                                         "LEFT JOIN incidents i ON f.id IS NULL AND i.id = e.incident_id "
                                         "ORDER BY e.id"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) return Status::Ok();
      const int64_t id = s.Int(0);
      std::string title, body;
      if (s.Int(7) == 0) {
        title = s.Text(5);
        body = s.Text(6);
      } else if (s.Int(8) == 0) {
        title = s.Text(9);
        ASSIGN_OR_RETURN(body, StoredIncidentBody(s, 10, opts.db_path + ": entry " + std::to_string(id)));
      } else {
        return DataLossError(opts.db_path + ": entry " + std::to_string(id) +
                             " has neither a text row nor an incident row to derive its text from");
      }
      fn(id, s.Text(1), s.Text(2), s.Text(3), s.Int(4), std::move(title), std::move(body));
    }
  }

  Status LoadTaxonomy() {
    std::string path = opts.taxonomy_path;
    if (path.empty()) {
      path = ResolveDataPath("data/taxonomy.json");
      std::error_code ec;
      if (!fs::exists(path, ec)) path = ResolveDataPath("../shared/taxonomy.json");
    }
    ASSIGN_OR_RETURN(Json tax, ReadJsonFile(path));
    if (!tax.contains("categories") || !tax["categories"].is_array()) {
      return InvalidArgumentError(path + ": expected an object with a `categories` array");
    }
    for (const auto& c : tax["categories"]) {
      if (!c.is_object() || !c.contains("id") || !c["id"].is_string()) {
        return InvalidArgumentError(path + ": every category needs a string `id`");
      }
      std::string id = c["id"];
      if (c.contains("layer") && !c["layer"].is_string() && !c["layer"].is_null()) {
        return InvalidArgumentError(path + ": category `" + id + "`: `layer` is " + c["layer"].type_name() +
                                    ", not a string (gpu, host, network, job, ...)");
      }
      if (categories.contains(id)) continue;
      if (c.contains("summary") && c["summary"].is_string()) category_summary[id] = c["summary"].get<std::string>();
      category_order.push_back(id);
      categories[id] = {c.contains("layer") && c["layer"].is_string() ? c["layer"].get<std::string>() : "", false};
    }
    ASSIGN_OR_RETURN(Stmt s,
                     db->Prepare("SELECT id, layer FROM categories WHERE user_defined = 1 ORDER BY id"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      std::string id = s.Text(0);
      if (categories.contains(id)) continue;
      category_order.push_back(id);
      categories[id] = {s.Text(1), true};
    }
    return Status::Ok();
  }

  Result<std::string> Meta(const std::string& key) {
    ASSIGN_OR_RETURN(Stmt s, db->Prepare("SELECT value FROM meta WHERE key = ?"));
    s.Bind(1, key);
    ASSIGN_OR_RETURN(bool row, s.Step());
    return row ? s.Text(0) : std::string();
  }
  Status SetMeta(const std::string& key, const std::string& value) {
    ASSIGN_OR_RETURN(Stmt s, db->Prepare("INSERT INTO meta(key, value) VALUES(?, ?) "
                                         "ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
    s.Bind(1, key).Bind(2, value);
    return s.Run();
  }

  // Loads the persisted BM25 index when it was written at the store's current generation and
  // holds the same entries, else rebuilds it from SQLite and saves it.
  Status OpenLexical(const std::vector<int64_t>& ids) {
    std::string reason;
    if (std::optional<kb::LexicalIndex> loaded = LoadLexicalFile(ids, &reason)) {
      lexical = std::move(*loaded);
      lexical_dirty = false;
      lexical_saved_generation = generation;
      return Status::Ok();
    }
    if (!reason.empty() && !ids.empty()) LogWarn("kb", "rebuilding the lexical index: " + reason);
    RETURN_IF_ERROR(RebuildLexical());
    return SaveLexical();
  }

  // The persisted BM25 index when it was written at the store's generation (`generation`) and holds
  // exactly `ids`; else nullopt and why in `reason` (empty for ":memory:").
  std::optional<kb::LexicalIndex> LoadLexicalFile(const std::vector<int64_t>& ids, std::string* reason) {
    if (lexical_path.empty()) return std::nullopt;
    uint64_t stamp = 0;
    auto loaded = kb::LexicalIndex::Load(lexical_path, &stamp);
    if (!loaded.ok()) {
      *reason = loaded.status().message();
    } else if (stamp != generation) {
      *reason = "index file is of store generation " + std::to_string(stamp) + ", the store is at " +
                std::to_string(generation);
    } else if (loaded->size() != ids.size() || IdFingerprint(loaded->ids()) != IdFingerprint(ids)) {
      *reason = "index file has " + std::to_string(loaded->size()) + " entries, database has " +
                std::to_string(ids.size()) + " (or different ids)";
    } else {
      return std::move(loaded).value();
    }
    return std::nullopt;
  }

  Status SaveLexical() {
    if (lexical_path.empty()) return Status::Ok();
    RETURN_IF_ERROR(lexical.Save(lexical_path, generation));
    lexical_saved_generation = generation;
    return Status::Ok();
  }

  Result<uint64_t> StoredGeneration() {
    ASSIGN_OR_RETURN(std::string g, Meta("write_generation"));
    if (g.empty()) return uint64_t{0};
    std::optional<uint64_t> n = ParseUint(g);
    if (!n) return DataLossError(opts.db_path + ": meta write_generation `" + g + "` is not a number");
    return *n;
  }

  // Loads the persisted index when it agrees with the database, else rebuilds it.
  Status OpenIndex(const std::vector<int64_t>& ids) {
    std::string reason;
    ASSIGN_OR_RETURN(std::unique_ptr<VectorIndex> loaded, LoadIndexFile(ids, &reason));
    if (loaded) {
      index = std::move(loaded);
      return Status::Ok();
    }
    ASSIGN_OR_RETURN(int64_t n, db->QueryInt("SELECT count(*) FROM entries"));
    if (!reason.empty() && n > 0) LogWarn("kb", "rebuilding the vector index: " + reason);
    return RebuildIndex();
  }

  // Another connection's commits (`vigil kb import` beside a running `vigil serve`: two processes,
  // one store) reach neither in-memory index nor the signature cache, which were built at Open and
  // follow only this object's own writes: serve did not find history imported while it ran until
  // it was restarted (WALKK, 2026-12-04). `PRAGMA data_version` changes when another connection
  // commits; then, when the store's write generation is not this object's, both indexes are
  // opened again as at Open (the other's saved files when they match the store, else rebuilt from
  // SQLite) and the signature cache dropped. Called under `mu` before every search, signature
  // match, stats and write. A write by the other between this check and this object's next
  // transaction is still caught by the index files' id fingerprints (rebuilt at the next Open).
  //
  // A read (`writing` false) only adopts the other writer's saved files, both at once, once they
  // reflect the store: it saves them at the end of its import, and a rebuild here would read (and
  // re-embed) the whole store once per batch the other commits. Until then the read searches what
  // this object has (what it did before), and looks at the files again only when their size or
  // time changed. A write (`writing`) must extend indexes that hold the whole store: it reopens
  // both as Open does, rebuilding what does not match.
  int64_t synced_data_version = -1;
  std::vector<std::pair<uintmax_t, int64_t>> tried_files;  // index files' size, mtime at the last failed adoption
  Status SyncWithStore(bool writing) {
    if (opts.db_path == ":memory:") return Status::Ok();  // no other connection sees it
    ASSIGN_OR_RETURN(Stmt version, db->PrepareCached("PRAGMA data_version"));
    ASSIGN_OR_RETURN(bool row, version.Step());
    const int64_t data_version = row ? version.Int(0) : -1;
    version.Reset();
    if (data_version == synced_data_version) return Status::Ok();
    ASSIGN_OR_RETURN(uint64_t stored, StoredGeneration());
    if (stored == generation) {
      synced_data_version = data_version;
      return Status::Ok();
    }
    if (writing) {
      generation = stored;
      ASSIGN_OR_RETURN(auto ids, EntryIds());
      RETURN_IF_ERROR(OpenLexical(ids));
      RETURN_IF_ERROR(OpenIndex(ids));
    } else {
      std::vector<std::pair<uintmax_t, int64_t>> files;
      for (const std::string& path : {lexical_path, index_path, index_path + ".log"}) {
        std::error_code ec;
        const uintmax_t size = fs::file_size(path, ec);
        const auto time = fs::last_write_time(path, ec);
        files.emplace_back(ec ? 0 : size, ec ? 0 : static_cast<int64_t>(time.time_since_epoch().count()));
      }
      if (files == tried_files) return Status::Ok();
      tried_files = files;
      const uint64_t mine = generation;
      generation = stored;  // what LoadLexicalFile compares the file's stamp with
      ASSIGN_OR_RETURN(auto ids, EntryIds());
      std::string reason;
      std::optional<kb::LexicalIndex> lexical_file = LoadLexicalFile(ids, &reason);
      std::unique_ptr<VectorIndex> index_file;
      if (lexical_file) {
        ASSIGN_OR_RETURN(index_file, LoadIndexFile(ids, &reason));
      }
      if (!index_file) {
        generation = mine;
        return Status::Ok();
      }
      lexical = std::move(*lexical_file);
      lexical_dirty = false;
      lexical_saved_generation = stored;
      index = std::move(index_file);
      index_status = Status::Ok();
    }
    signature_cache.reset();
    category_words.reset();
    pack_word_rows.reset();
    synced_data_version = data_version;
    tried_files.clear();
    return Status::Ok();
  }

  // The persisted FAISS index when the store records it for this embedder and spec and it holds
  // exactly `ids`; else null and why in `reason` (empty for ":memory:").
  Result<std::unique_ptr<VectorIndex>> LoadIndexFile(const std::vector<int64_t>& ids, std::string* reason) {
    if (index_path.empty()) return std::unique_ptr<VectorIndex>();
    ASSIGN_OR_RETURN(Stmt m, db->Prepare("SELECT embedder, dim, index_spec FROM embedding_meta WHERE id = 1"));
    ASSIGN_OR_RETURN(bool row, m.Step());
    if (!row) {
      *reason = "no index recorded";
    } else if (m.Text(0) != embedder->Spec() || m.Text(2) != opts.index_spec ||
               static_cast<size_t>(m.Int(1)) != embedder->dim()) {
      *reason = "embedder or index spec changed (" + m.Text(0) + ", " + m.Text(2) + ")";
    } else {
      auto loaded = VectorIndex::Load(index_path, opts.index_spec, embedder->dim());
      if (!loaded.ok()) {
        *reason = loaded.status().message();
      } else if (static_cast<size_t>((*loaded)->size()) != ids.size() ||
                 (*loaded)->IdFingerprint() != IdFingerprint(ids)) {
        *reason = "index has " + std::to_string((*loaded)->size()) + " vectors, database has " +
                  std::to_string(ids.size()) + " entries (or different ids)";
        if (!(*loaded)->replay_note().empty()) *reason += "; " + (*loaded)->replay_note();
      } else {
        if (opts.index_nprobe > 0) (*loaded)->set_nprobe(opts.index_nprobe);
        return std::move(loaded).value();
      }
    }
    return std::unique_ptr<VectorIndex>();
  }

  Result<std::vector<int64_t>> EntryIds() {
    std::vector<int64_t> ids;
    ASSIGN_OR_RETURN(Stmt s, db->Prepare("SELECT id FROM entries ORDER BY id"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      ids.push_back(s.Int(0));
    }
    return ids;
  }

  // Builds the in-memory BM25 index from every committed entry.
  Status RebuildLexical() {
    kb::LexicalIndex fresh;
    RETURN_IF_ERROR(
        EntryTexts([&](int64_t id, const std::string& kind, const std::string& category,
                       const std::string& component, int64_t time_ms, std::string title, std::string body) {
          fresh.Add({.id = id,
                     .title = title,
                     .body = body,
                     .incident = kind == "incident",
                     .category = category,
                     .component = component,
                     .time_ms = time_ms});
        }));
    lexical = std::move(fresh);
    lexical_dirty = false;
    return Status::Ok();
  }

  // Re-embeds every entry from its stored text and builds a fresh index.
  Status RebuildIndex() {
    index.reset();
    index_status = Status::Ok();
    ASSIGN_OR_RETURN(auto fresh, VectorIndex::Create(opts.index_spec, embedder->dim()));
    if (opts.index_nprobe > 0) fresh->set_nprobe(opts.index_nprobe);
    std::vector<int64_t> ids;
    std::vector<std::string> texts;
    std::vector<float> vectors;
    Status embedded = Status::Ok();
    auto embed = [&] {
      if (texts.empty() || !embedded.ok()) return;
      Result<std::vector<float>> v = embedder->Embed(texts);
      if (v.ok())
        vectors.insert(vectors.end(), v->begin(), v->end());
      else
        embedded = v.status();
      texts.clear();
    };
    RETURN_IF_ERROR(EntryTexts([&](int64_t id, const std::string&, const std::string&, const std::string&,
                                   int64_t, std::string title, std::string body) {
      ids.push_back(id);
      texts.push_back(title + "\n" + body);
      if (texts.size() == 4096) embed();
    }));
    embed();
    RETURN_IF_ERROR(embedded);
    Status added = fresh->Add(ids, vectors);
    if (!added.ok()) {
      if (added.code() != StatusCode::kFailedPrecondition) return added;
      index_status = added;  // an IVF spec with too few entries: dense search reports it
      LogWarn("kb", "dense search disabled: " + added.message());
      index_dirty = false;
      return Status::Ok();
    }
    index = std::move(fresh);
    index_dirty = false;
    return SaveIndex();
  }

  Status SaveIndex() {
    if (index_path.empty() || !index) return Status::Ok();
    RETURN_IF_ERROR(index->Save(index_path));
    ASSIGN_OR_RETURN(
        Stmt s,
        db->Prepare(
            "INSERT INTO embedding_meta(id, embedder, dim, index_spec, updated_at_ms) VALUES(1, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET embedder = excluded.embedder, dim = excluded.dim, "
            "index_spec = excluded.index_spec, updated_at_ms = excluded.updated_at_ms"));
    s.Bind(1, embedder->Spec())
        .Bind(2, static_cast<int64_t>(embedder->dim()))
        .Bind(3, opts.index_spec)
        .Bind(4, NowMs());
    return s.Run();
  }

  // --- import -------------------------------------------------------------------------------

  // The category a chat thread's or postmortem's root-cause prose (`extra.root_cause_text`) states
  // clearly (KB3, 2026-12-04), or "" with `why` saying why none: the categories the text names (an
  // id of two or more words, written with `_`, `-` or spaces between them: "NVLink error",
  // "cuda_oom") and those of the stored log signatures (the shipped pack's and the team's) matching
  // one of its lines. Exactly one category among them is the answer; `why` then says what gave it.
  // None, or two or more (the text names one fault and rules out another, or a signature of each
  // matches), is left `unknown`.
  //
  // A negated phrase is left out first (KB4, 2026-12-04; NotNegated): "not an NVLink error, it was
  // the cable" names no category. When neither a named category nor a signature gives one, the
  // pack's category words may (CategoryFromWords: "IB link degraded, port flapping").
  std::string InferRootCause(const std::string& cause_text, std::string* why) const {
    const std::string text = NotNegated(cause_text);
    std::vector<std::string> words;  // the text's words, lower case
    std::string word;
    for (char ch : text + " ") {
      if (std::isalnum(static_cast<unsigned char>(ch))) {
        word += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      } else if (!word.empty()) {
        words.push_back(std::move(word));
        word.clear();
      }
    }
    std::map<std::string, std::string> found;  // category -> what gave it
    for (const std::string& id : category_order) {
      std::vector<std::string> parts(1);
      for (char ch : id) {
        if (ch != '_' && ch != '.' && ch != '-') parts.back() += ch;
        else if (!parts.back().empty()) parts.emplace_back();
      }
      if (parts.back().empty()) parts.pop_back();
      if (parts.size() < 2 || id == "unknown") continue;
      for (size_t i = 0; i + parts.size() <= words.size(); ++i) {
        if (std::equal(parts.begin(), parts.end(), words.begin() + static_cast<std::ptrdiff_t>(i))) {
          found.emplace(id, "it names `" + id + "`");
          break;
        }
      }
    }
    std::vector<std::string> lines(1);
    for (char ch : text) {
      if (ch == '\n') lines.emplace_back();
      else lines.back() += ch;
    }
    if (LoadSignatureCache().ok()) {
      for (const SignatureMatch& m : MatchLines(lines)) {
        if (m.category.empty() || m.category == "unknown") continue;
        found.emplace(m.category, "it matches the log signature `" + Utf8Prefix(m.pattern, 80) + "` of incident `" +
                                      m.incident_id + "`");
      }
    }
    if (found.size() == 1) {
      *why = found.begin()->second;
      return found.begin()->first;
    }
    if (found.empty()) {
      std::string from_words = CategoryFromWords(words, why);
      if (!from_words.empty()) return from_words;
      *why = "its root-cause text names no category and matches no log signature" + *why;
    } else {
      *why = "its root-cause text points at " + std::to_string(found.size()) + " categories:";
      for (const auto& [cat, from] : found) *why += (cat == found.begin()->first ? " `" : ", `") + cat + "` (" + from + ")";
      *why += "; not inferred";
    }
    return "";
  }

  // The category the pack's words for it make clear in a root-cause text's `words` (KB4,
  // 2026-12-04), or "" : each category's words are those of its id, its taxonomy summary and of the shipped
  // pack's incidents of that category (title and symptoms, source `pack:`), a word counting
  // 1 / (the number of categories it is a word of) for each category. The best category is taken
  // when it has two or more of the text's words, a score of 1.5 or more and 0.5 more than the next;
  // `why` then says which words. "IB link degraded, port flapping" is ib_link_failure (ib, port,
  // flapping, link: 1.9; pcie_link_degraded 1.3 by link and degraded).
  std::string CategoryFromWords(const std::vector<std::string>& words, std::string* why) const {
    *why = "";
    if (!LoadCategoryWords().ok()) return "";
    std::map<std::string, std::pair<double, std::vector<std::string>>> score;
    std::set<std::string> seen;
    for (const std::string& w : words) {
      if (!seen.insert(w).second) continue;
      auto it = category_words->find(w);
      if (it == category_words->end()) continue;
      for (const std::string& cat : it->second) {
        score[cat].first += 1.0 / static_cast<double>(it->second.size());
        score[cat].second.push_back(w);
      }
    }
    const std::string* best = nullptr;
    const std::string* next = nullptr;
    for (const auto& [cat, v] : score) {
      if (best == nullptr || v.first > score[*best].first) {
        next = best;
        best = &cat;
      } else if (next == nullptr || v.first > score[*next].first) {
        next = &cat;
      }
    }
    if (best == nullptr) return "";
    const auto& [top, hits] = score[*best];
    const double second = next == nullptr ? 0.0 : score[*next].first;
    auto fixed1 = [](double v) {
      std::string t = std::to_string(static_cast<int>(v * 10 + 0.5));
      if (t.size() < 2) t.insert(0, "0");
      return t.substr(0, t.size() - 1) + "." + t.substr(t.size() - 1);
    };
    std::string list;
    for (const std::string& w : hits) list += (list.empty() ? "`" : ", `") + w + "`";
    std::string next_text = next == nullptr ? std::string("no other category") : "next `" + *next + "` " + fixed1(second);
    if (hits.size() < 2 || top < 1.5 || top - second < 0.5) {
      if (top < 1.0) return "";  // too few of the pack's words to be worth saying
      *why = "; its words lean to `" + *best + "` (" + list + ": " + fixed1(top) + ", " + next_text + "), not clearly";
      return "";
    }
    *why = "its words " + list + " are the pack's words for `" + *best + "` (" + fixed1(top) + ", " + next_text + ")";
    return *best;
  }

  // word -> the categories it is a word of (CategoryFromWords), from the taxonomy's ids and
  // summaries and the stored pack incidents.
  Status LoadCategoryWords() const {
    if (category_words) return Status::Ok();
    static const std::set<std::string> kStop = {
        "the", "and", "was", "were", "for", "with", "from", "that", "this", "its", "their", "after", "before",
        "into", "not", "has", "have", "had", "are", "but", "off", "out", "all", "one", "two", "per", "any",
        "on", "of", "an", "a", "in", "to", "at", "by", "or", "is", "it", "be", "as", "we", "our", "so", "no",
        "up", "then", "when", "than", "some", "what", "which", "who", "only", "also", "both", "each", "same",
        "more", "less", "very", "such", "there", "they", "them", "his", "her", "been", "being", "did", "does"};
    std::map<std::string, std::set<std::string>> out;
    auto add = [&](const std::string& cat, std::string_view text) {
      std::string w;
      for (size_t k = 0; k <= text.size(); ++k) {
        if (k < text.size() && std::isalnum(static_cast<unsigned char>(text[k]))) {
          w += static_cast<char>(std::tolower(static_cast<unsigned char>(text[k])));
          continue;
        }
        if (!w.empty() && !kStop.contains(w) && !std::all_of(w.begin(), w.end(), ::isdigit)) out[w].insert(cat);
        w.clear();
      }
    };
    for (const auto& [cat, summary] : category_summary) add(cat, summary);
    for (const std::string& cat : category_order) {
      std::string spaced = cat;
      std::replace(spaced.begin(), spaced.end(), '_', ' ');
      if (cat != "unknown") add(cat, spaced);
    }
    if (!pack_word_rows) {
      std::vector<std::array<std::string, 3>> rows;
      ASSIGN_OR_RETURN(Stmt s, db->Prepare("SELECT root_cause, title, symptoms FROM incidents "
                                           "WHERE source >= 'pack:' AND source < 'pack;' AND root_cause != 'unknown'"));
      while (true) {
        ASSIGN_OR_RETURN(bool row, s.Step());
        if (!row) break;
        rows.push_back({s.Text(0), s.Text(1), s.Text(2)});
      }
      pack_word_rows = std::move(rows);
    }
    for (const auto& [cat, title, symptoms] : *pack_word_rows) {
      add(cat, title);
      add(cat, symptoms);
    }
    category_words = std::move(out);
    return Status::Ok();
  }

  // The stored log signatures matching each of `lines` (the signature cache loaded).
  std::vector<SignatureMatch> MatchLines(std::span<const std::string> lines) const {
    // libstdc++'s regex matcher recurses per character; long lines are cut to keep the stack safe.
    constexpr size_t kMaxLine = 4096;
    // Only the signatures whose required literals occur in the line can match (literal_prefilter.h):
    // the rest are not run, which leaves the result unchanged.
    const CompiledSignatureSet& compiled = *signature_cache->compiled;
    std::vector<SignatureMatch> out;
    std::vector<size_t> candidates;
    for (size_t li = 0; li < lines.size(); ++li) {
      std::string line = lines[li].size() > kMaxLine ? lines[li].substr(0, kMaxLine) : lines[li];
      compiled.prefilter.Candidates(line, &candidates);
      for (size_t ci : candidates) {
        std::smatch m;
        bool hit = false;
        try {
          hit = std::regex_search(line, m, *compiled.regexes[ci]);
        } catch (const std::regex_error&) {
          continue;  // error_complexity / error_stack: treat as no match
        }
        if (!hit) continue;
        for (const auto& owner : signature_cache->owners[ci]) {
          out.push_back(
              {li, lines[li], m.str(0), compiled.patterns[ci], owner.incident_id, owner.category, owner.component});
        }
      }
    }
    return out;
  }

  // Validates and normalises one incident in place; false when rejected (issue added).
  bool Validate(kb::ParsedIncident& p, const std::string& file, ImportReport* report,
                std::vector<std::pair<std::string, std::string>>* new_categories) {
    Incident& inc = p.incident;
    auto warn = [&](std::string msg) { report->issues.push_back({file, p.line, std::move(msg), false}); };
    auto reject = [&](std::string msg) {
      report->issues.push_back({file, p.line, std::move(msg), true});
      ++report->rejected;
      return false;
    };
    inc.title = std::string(kb::Trim(inc.title));
    if (inc.title.empty()) {
      std::string_view raw = kb::Trim(inc.raw_text);
      if (raw.empty()) return reject("empty entry: title and raw_text are both empty");
      inc.title = std::string(kb::Trim(raw.substr(0, std::min(raw.find('\n'), size_t{120}))));
      warn("empty title; using the first line of raw_text");
    }
    inc.root_cause = std::string(kb::Trim(inc.root_cause));
    if (inc.root_cause.empty()) {
      const Json* text = p.extra.is_object() && p.extra.contains("root_cause_text") ? &p.extra["root_cause_text"] : nullptr;
      std::string why;
      if (text != nullptr && text->is_string()) inc.root_cause = InferRootCause(text->get<std::string>(), &why);
      if (!inc.root_cause.empty()) {
        warn("root_cause inferred as `" + inc.root_cause + "` from its root-cause text: " + why);
      } else {
        inc.root_cause = "unknown";
        warn("empty root_cause; stored as `unknown`" + (why.empty() ? std::string() : " (" + why + ")"));
      }
    } else if (inc.root_cause != "unknown" && !categories.contains(inc.root_cause)) {
      if (!ValidCategoryId(inc.root_cause)) {
        return reject("root_cause `" + inc.root_cause +
                      "` is not a valid category id ([a-z0-9_.-], at most 64)");
      }
      std::string hint = kb::ClosestCategory(inc.root_cause, category_order);
      std::string hint_text = hint.empty() ? "" : "; did you mean `" + hint + "`?";
      if (opts.unknown_category == UnknownCategoryPolicy::kReject) {
        return reject("unknown root_cause `" + inc.root_cause + "`" + hint_text);
      }
      warn("root_cause `" + inc.root_cause + "` is not in the taxonomy; kept as a user-defined category" +
           hint_text);
      new_categories->emplace_back(inc.root_cause, "");
    }
    auto drop_empty = [&](std::vector<std::string>& v, const char* field) {
      size_t before = v.size();
      std::erase_if(v, [](const std::string& s) { return kb::Trim(s).empty(); });
      if (v.size() != before)
        warn(std::string("dropped ") + std::to_string(before - v.size()) + " empty item(s) of " + field);
    };
    drop_empty(inc.symptoms, "symptoms");
    drop_empty(inc.log_signatures, "log_signatures");
    drop_empty(inc.metric_conditions, "metric_conditions");
    drop_empty(inc.verification_steps, "verification_steps");
    drop_empty(inc.links, "links");
    std::vector<std::string> good;
    for (size_t i = 0; i < inc.log_signatures.size(); ++i) {
      if (valid_regexes.contains(inc.log_signatures[i])) {
        good.push_back(inc.log_signatures[i]);
        continue;
      }
      try {
        std::regex re(inc.log_signatures[i], std::regex::ECMAScript | std::regex::icase);
      } catch (const std::regex_error& e) {
        warn("log_signatures[" + std::to_string(i) + "] `" + inc.log_signatures[i] +
             "` is not a valid regex (" + e.what() + "); dropped");
        continue;
      }
      // Matched against every log line of every diagnosis: one that can backtrack exponentially
      // would stall them all (core/regex_hazard.h).
      if (const std::string hazard = RegexBacktrackHazard(inc.log_signatures[i]); !hazard.empty()) {
        warn("log_signatures[" + std::to_string(i) + "] `" + inc.log_signatures[i] + "`: " + hazard + "; dropped");
        continue;
      }
      good.push_back(inc.log_signatures[i]);
      if (valid_regexes.size() < 100000) valid_regexes.insert(inc.log_signatures[i]);
    }
    inc.log_signatures = std::move(good);
    if (inc.source.empty()) inc.source = "import:" + file + ":" + std::to_string(p.line);
    return true;
  }

  class Writer;
  // An incident's signature rows go in one statement per row (since 2026-11-30 11:30; 8 rows a
  // statement from 33c455d): a multi-row INSERT can fail after its
  // first row, so inside the import's transaction SQLite opens a statement journal for it and
  // writes the original of every page the statement touches to a temporary file (a 4-byte page
  // number and the 16 KiB page, two pwrite calls): 399 476 pwrite calls and 3.27 GB for an import
  // of 50 000 entries under strace, 80 KB per entry, none with one row per statement. A
  // single-row INSERT checks its constraints before it writes, so it needs no statement journal.
  struct Prepared {
    Stmt hash_exists, id_exists, insert_incident, insert_entry, insert_text, insert_category, insert_signature;
    Stmt stored_fields;  // every column a record sets, of one id (StoredFieldsEqual)
  };
  Result<Prepared> PrepareImport() {
    Prepared p;
    ASSIGN_OR_RETURN(p.hash_exists, db->Prepare("SELECT id FROM incidents WHERE content_hash = ?"));
    ASSIGN_OR_RETURN(p.id_exists, db->Prepare("SELECT source FROM incidents WHERE id = ?"));
    ASSIGN_OR_RETURN(p.stored_fields,
                     db->Prepare("SELECT title, started_at_ms, resolved_at_ms, raw_text, symptoms, log_signatures, "
                                 "metric_conditions, root_cause, component, verification_steps, mitigation, links, "
                                 "extra FROM incidents WHERE id = ?"));
    ASSIGN_OR_RETURN(
        p.insert_incident,
        db->Prepare("INSERT INTO incidents(id, title, started_at_ms, resolved_at_ms, raw_text, symptoms, "
                    "log_signatures, metric_conditions, root_cause, component, verification_steps, "
                    "mitigation, source, links, extra, content_hash, imported_at_ms) "
                    "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING"));
    ASSIGN_OR_RETURN(p.insert_signature,
                     db->Prepare("INSERT INTO signatures(incident_id, kind, pattern, category) VALUES(?,?,?,?)"));
    ASSIGN_OR_RETURN(p.insert_entry,
                     db->Prepare("INSERT INTO entries(kind, incident_id, chunk_id, category, component, "
                                 "time_ms) VALUES(?, ?, ?, ?, ?, ?)"));
    ASSIGN_OR_RETURN(p.insert_text, db->Prepare("INSERT INTO entries_text(id, title, body) VALUES(?, ?, ?)"));
    ASSIGN_OR_RETURN(
        p.insert_category,
        db->Prepare("INSERT OR IGNORE INTO categories(id, layer, user_defined) VALUES(?, ?, 1)"));
    return p;
  }

  // Inserts the entry and, for a guide chunk, its text row (an incident's text is derived from
  // its incident row since schema v4: EntryTexts); returns the entry id. The lexical index gets
  // the entry when its batch commits, as `tokens` (title's tokens first, `title_tokens` of them:
  // the stream the embedder read, moved) or, when null, as title and body tokenised here.
  Result<int64_t> InsertEntry(Prepared& p, bool incident, const std::string& incident_id, int64_t chunk_id,
                              const std::string& category, const std::string& component, int64_t time_ms,
                              const std::string& title, const std::string& body, Writer& w,
                              kb::TokenStream* tokens = nullptr, size_t title_tokens = 0) {
    p.insert_entry.Reset();
    p.insert_entry.Bind(1, std::string_view(incident ? "incident" : "chunk"));
    if (incident)
      p.insert_entry.Bind(2, incident_id);
    else
      p.insert_entry.Bind(3, chunk_id);
    p.insert_entry.Bind(4, category).Bind(5, component).Bind(6, time_ms);
    RETURN_IF_ERROR(p.insert_entry.Run());
    int64_t id = sqlite3_last_insert_rowid(db->raw());
    if (!incident) {
      p.insert_text.Reset();
      p.insert_text.Bind(1, id).Bind(2, title).Bind(3, body);
      RETURN_IF_ERROR(p.insert_text.Run());
    }
    Writer::PendingText& e = w.pending_lexical.emplace_back();
    if (tokens) {
      e.tokens = std::move(*tokens);
      e.title_tokens = title_tokens;
    } else {
      e.tokens.Append(title);
      e.title_tokens = e.tokens.size();
      e.tokens.Append(body);
    }
    e.doc = {
        .id = id, .incident = incident, .category = category, .component = component, .time_ms = time_ms};
    return id;
  }

  // Batched, transactional write of validated incidents and guides. Vectors and lexical entries
  // of a batch go into the indexes after the batch commits; on any failure the open batch rolls
  // back (and is dropped from both) and the vector index is rebuilt from what the database holds.
  class Writer {
   public:
    Writer(Impl* impl, Prepared* p) : impl_(impl), p_(p) {}
    Status Begin() { return impl_->db->Exec("BEGIN IMMEDIATE"); }
    Status Written() {
      ++written_;
      if (impl_->opts.after_write_hook) impl_->opts.after_write_hook(written_);
      if (++in_batch_ >= impl_->opts.batch_size) {
        RETURN_IF_ERROR(Commit());
        RETURN_IF_ERROR(Begin());
      }
      return Status::Ok();
    }
    Status Commit() {
      // Entries added or deleted in this transaction: a new store generation, recorded in the
      // same transaction (the persisted lexical index names the generation it reflects).
      const bool changed = in_batch_ > 0 || impl_->lexical_dirty;
      if (changed) {
        RETURN_IF_ERROR(impl_->SetMeta("write_generation", std::to_string(impl_->generation + 1)));
      }
      RETURN_IF_ERROR(impl_->db->Exec("COMMIT"));
      if (changed) ++impl_->generation;
      in_batch_ = 0;
      if (impl_->index && !impl_->index_dirty) {
        Status s = impl_->index->Add(pending_ids, pending_vectors, pending_lists, pending_sketches);
        if (!s.ok()) impl_->index_dirty = true;
      } else {
        impl_->index_dirty = true;
      }
      pending_ids.clear();
      pending_vectors.clear();
      pending_lists.clear();
      pending_sketches.clear();
      // Until every committed entry is in the BM25 index it is marked for rebuild: a failure
      // (an exception) part way leaves it short of what the store holds, and FinishImport then
      // rebuilds it from the store instead of saving the short index as current.
      const bool was_dirty = impl_->lexical_dirty;
      if (!pending_lexical.empty()) impl_->lexical_dirty = true;
      // The batch's entries go in together (each term's postings appended once per batch);
      // with the test hook, one at a time so it sees each entry before it is added.
      std::vector<kb::LexicalTokenizedDoc> docs;
      docs.reserve(pending_lexical.size());
      for (const auto& e : pending_lexical) {
        kb::LexicalTokenizedDoc& doc = docs.emplace_back();
        doc.doc.id = e.doc.id;
        doc.doc.incident = e.doc.incident;
        doc.doc.category = e.doc.category;
        doc.doc.component = e.doc.component;
        doc.doc.time_ms = e.doc.time_ms;
        doc.tokens = &e.tokens;
        doc.title_tokens = e.title_tokens;
        if (impl_->opts.before_lexical_add_hook) {
          impl_->opts.before_lexical_add_hook(e.doc.id);
          impl_->lexical.AddBatch(docs);
          docs.clear();
        }
      }
      impl_->lexical.AddBatch(docs);
      pending_lexical.clear();
      impl_->lexical_dirty = was_dirty;
      return Status::Ok();
    }
    void Rollback() {
      impl_->db->Exec("ROLLBACK").IgnoreError();
      pending_ids.clear();
      pending_vectors.clear();
      pending_lists.clear();
      pending_sketches.clear();
      pending_lexical.clear();
      impl_->index_dirty = true;
    }
    // An entry's vector, added to the index when its batch commits; `list`: its IVF list from
    // VectorIndex::AssignLists, -1 when not known (the index assigns it).
    // `sketch`: its SignSketches (kSketchWords words) when the near-duplicate check runs, or null.
    void AddPending(int64_t id, const float* v, size_t d, int64_t list, const uint64_t* sketch) {
      pending_ids.push_back(id);
      pending_vectors.insert(pending_vectors.end(), v, v + d);
      pending_lists.push_back(list);
      if (sketch) pending_sketches.insert(pending_sketches.end(), sketch, sketch + kSketchWords);
    }
    std::vector<int64_t> pending_ids;
    std::vector<float> pending_vectors;
    std::vector<int64_t> pending_lists;
    std::vector<uint64_t> pending_sketches;  // with the check on: kSketchWords per pending entry
    struct PendingText {
      struct {
        int64_t id = 0;
        bool incident = true;
        std::string category, component;
        int64_t time_ms = 0;
      } doc;
      kb::TokenStream tokens;  // title's, then body's
      size_t title_tokens = 0;
    };
    std::vector<PendingText> pending_lexical;

   private:
    Impl* impl_;
    Prepared* p_;
    size_t written_ = 0, in_batch_ = 0;
  };

  // Near-duplicate candidates the index cannot see yet: the open batch and what the current
  // chunk accepted, bucketed by IVF list (one bucket, -1, when the index has no lists), so each
  // new entry is compared with the accepted ones of its own list, as with the stored ones.
  class RecentVectors {
   public:
    explicit RecentVectors(size_t d) : d_(d) {}
    void Clear() {
      ids_.clear();
      vectors_.clear();
      by_list_.clear();
    }
    // `sketch`: kSketchWords words (SignSketches).
    void Add(int64_t id, const float* v, const uint64_t* sketch, int64_t list) {
      Bucket& b = by_list_[list];
      b.members.push_back(static_cast<uint32_t>(ids_.size()));
      b.sketches.Append(std::span<const uint64_t>(sketch, kSketchWords));
      ids_.push_back(id);
      vectors_.insert(vectors_.end(), v, v + d_);
    }
    // Highest inner product of `v` (sign sketch `sketch`) with an entry of `list` whose sketch
    // `bounds` admits (SketchHammingBounds); -1 (and *id untouched) when none.
    float Nearest(const float* v, const uint64_t* sketch, SketchBounds bounds, int64_t list, int64_t* id) {
      float best = -1;
      auto it = by_list_.find(list);
      if (it == by_list_.end()) return best;
      pairs_.clear();
      it->second.sketches.NearPairs(std::span<const uint64_t>(sketch, kSketchWords), bounds, &pairs_);
      for (const auto& pair : pairs_) {
        const uint32_t i = it->second.members[pair.second];
        float dot = VectorDot(vectors_.data() + size_t{i} * d_, v, d_);
        if (dot > best) {
          best = dot;
          *id = ids_[i];
        }
      }
      return best;
    }

   private:
    struct Bucket {
      std::vector<uint32_t> members;  // indexes into ids_
      SketchBlocks sketches;          // theirs, in the same order
    };
    size_t d_;
    std::vector<int64_t> ids_;
    std::vector<float> vectors_;
    std::unordered_map<int64_t, Bucket> by_list_;
    std::vector<std::pair<uint32_t, uint32_t>> pairs_;
  };

  // Starts a chunk's near-duplicate check: `recent` = the open batch (not in the index), with
  // IVF lists assigned to entries accepted before the index was trained.
  Status ResetRecent(Writer& w, bool have_lists, RecentVectors* recent) const {
    if (have_lists && index &&
        std::any_of(w.pending_lists.begin(), w.pending_lists.end(), [](int64_t l) { return l < 0; })) {
      ASSIGN_OR_RETURN(w.pending_lists, index->AssignLists(w.pending_vectors));
      if (w.pending_lists.size() != w.pending_ids.size()) w.pending_lists.assign(w.pending_ids.size(), -1);
    }
    recent->Clear();
    const size_t d = embedder->dim();
    if (w.pending_sketches.size() != w.pending_ids.size() * kSketchWords)
      w.pending_sketches = SignSketches(w.pending_vectors, d);
    for (size_t i = 0; i < w.pending_ids.size(); ++i) {
      recent->Add(w.pending_ids[i], w.pending_vectors.data() + i * d,
                  w.pending_sketches.data() + i * kSketchWords, have_lists ? w.pending_lists[i] : -1);
    }
    return Status::Ok();
  }

  Result<std::string> IncidentIdOfEntry(int64_t entry) const {
    ASSIGN_OR_RETURN(
        Stmt s,
        db->Prepare("SELECT coalesce(incident_id, 'guide chunk ' || chunk_id) FROM entries WHERE id = ?"));
    s.Bind(1, entry);
    ASSIGN_OR_RETURN(bool row, s.Step());
    return row ? s.Text(0) : std::string("?");
  }

  // A failed import keeps in memory only the user-defined categories whose rows the database
  // still holds: the category rows go into the first batch, so a failure before that batch
  // committed rolled them back, while one after it left them (and the incidents naming them).
  void ForgetRolledBackCategories(const std::vector<std::string>& added) {
    if (added.empty()) return;
    auto exists = db->Prepare("SELECT 1 FROM categories WHERE id = ?");
    if (!exists.ok()) return;  // keep them: a category too many is reported, never lost data
    for (const std::string& id : added) {
      exists->Reset();
      exists->Bind(1, id);
      Result<bool> row = exists->Step();
      if (!row.ok() || *row) continue;
      categories.erase(id);
      std::erase(category_order, id);
    }
  }

  // Runs `write`, an import's writes and commits inside its open transaction, and turns an
  // exception from it into the import's error, so the caller rolls back what is open and brings
  // the indexes level with the store (FinishImport) as for any failure. Reported as what it is:
  // nlohmann's dump of a list item that is not UTF-8 (ImportIncidents takes the caller's strings
  // as they are) is the input's fault; std::bad_alloc is out of memory; anything else is internal.
  template <typename Fn>
  static Status GuardImportWrite(const std::string& file, Fn&& write) {
    try {
      return write();
    } catch (const Json::exception& e) {
      return InvalidArgumentError(file + ": import failed: " + e.what());
    } catch (const std::bad_alloc& e) {
      return ResourceExhaustedError(file + ": import failed: out of memory (" + e.what() + ")");
    } catch (const std::exception& e) {
      return InternalError(file + ": import failed: " + e.what());
    }
  }

  // What an import needs of a chunk of entries that depends on those entries alone, so it can
  // be computed on another thread while earlier chunks are written: each entry tokenised once
  // (for the embedder when it reads tokens, and for the BM25 index, which gets the stream when
  // the entry's batch commits; the builtin embedder's tokens of title + "\n" + body are the
  // title's, then the body's), its vector, its sign sketch (kSketchWords words, with the
  // near-duplicate check on) and its content hash.
  struct ChunkInput {
    std::vector<kb::TokenStream> tokens;
    std::vector<size_t> title_tokens;
    std::vector<float> vecs;
    std::vector<uint64_t> sketches;
    std::vector<std::string> hashes;
  };

  // Fills `out` for `entries` (the first of them is accepted entry number `first`). Reads the
  // entries and the embedder only, so it may run on any thread while the calling thread writes
  // other entries; an exception propagates to the caller (or through ChunkAhead::Take).
  Status PrepareChunk(std::span<kb::ParsedIncident* const> entries, size_t first, bool sketch,
                      ChunkInput* out) const {
    if (opts.import_prepare_hook) opts.import_prepare_hook(first);
    const size_t n = entries.size();
    out->tokens.resize(n);
    out->title_tokens.resize(n);
    out->hashes.resize(n);
    std::vector<std::string> texts;  // for an embedder that reads text
    std::vector<const kb::TokenStream*> token_ptrs;
    token_ptrs.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      const kb::ParsedIncident& p = *entries[i];
      const std::string body = IncidentBody(p.incident, p.extra);
      out->tokens[i].Append(p.incident.title);
      out->title_tokens[i] = out->tokens[i].size();
      out->tokens[i].Append(body);
      token_ptrs.push_back(&out->tokens[i]);
      if (!embedder->embeds_tokens()) texts.push_back(p.incident.title + "\n" + body);
      out->hashes[i] = ContentHash(p.incident);
    }
    ASSIGN_OR_RETURN(out->vecs,
                     embedder->embeds_tokens() ? embedder->EmbedTokens(token_ptrs) : embedder->Embed(texts));
    if (out->vecs.size() != n * embedder->dim()) {
      return InternalError("embedder " + embedder->Spec() + " returned " + std::to_string(out->vecs.size()) +
                           " floats for " + std::to_string(n) + " entries of dimension " +
                           std::to_string(embedder->dim()));
    }
    if (sketch) out->sketches = SignSketches(out->vecs, embedder->dim());
    return Status::Ok();
  }

  // One chunk's PrepareChunk running on worker threads, split into consecutive parts (one per
  // worker). Its destructor waits for every part (std::async's futures block), so no worker
  // outlives the import, whatever path leaves it.
  struct ChunkAhead {
    std::vector<ChunkInput> parts;
    std::vector<std::future<Status>> futures;  // destroyed (joined) before `parts`
    // Waits for every part; the first failure in entry order is returned (an exception is
    // rethrown here, on the calling thread), else the parts joined in order into `out`.
    Status Take(ChunkInput* out) {
      std::vector<std::future<Status>> fs = std::move(futures);
      futures.clear();
      Status first = Status::Ok();
      std::exception_ptr thrown;
      for (auto& f : fs) {
        try {
          Status s = f.get();
          if (first.ok() && !thrown && !s.ok()) first = std::move(s);
        } catch (...) {
          if (first.ok() && !thrown) thrown = std::current_exception();
        }
      }
      std::vector<ChunkInput> ps = std::move(parts);
      parts.clear();
      if (thrown) std::rethrow_exception(thrown);
      if (!first.ok()) return first;
      *out = std::move(ps[0]);
      for (size_t k = 1; k < ps.size(); ++k) {
        ChunkInput& p = ps[k];
        std::move(p.tokens.begin(), p.tokens.end(), std::back_inserter(out->tokens));
        out->title_tokens.insert(out->title_tokens.end(), p.title_tokens.begin(), p.title_tokens.end());
        out->vecs.insert(out->vecs.end(), p.vecs.begin(), p.vecs.end());
        out->sketches.insert(out->sketches.end(), p.sketches.begin(), p.sketches.end());
        std::move(p.hashes.begin(), p.hashes.end(), std::back_inserter(out->hashes));
      }
      return Status::Ok();
    }
  };

  // Starts PrepareChunk of entries [start, start + n) of `valid` on `workers` threads into
  // `ahead` (which holds no chunk). A part whose thread cannot be started runs here.
  void LaunchChunk(const std::vector<kb::ParsedIncident*>& valid, size_t start, size_t n, size_t workers,
                   bool sketch, ChunkAhead* ahead) const {
    const size_t parts = std::min(workers, n);
    ahead->parts.assign(parts, ChunkInput());
    ahead->futures.reserve(parts);
    for (size_t k = 0; k < parts; ++k) {
      const size_t lo = start + n * k / parts, hi = start + n * (k + 1) / parts;
      auto entries = std::span<kb::ParsedIncident* const>(valid).subspan(lo, hi - lo);
      ChunkInput* out = &ahead->parts[k];
      auto work = [this, entries, lo, sketch, out] { return PrepareChunk(entries, lo, sketch, out); };
      try {
        ahead->futures.push_back(std::async(std::launch::async, work));
      } catch (const std::system_error&) {  // no thread: run it now, as one thread would
        std::promise<Status> done;
        try {
          done.set_value(work());
        } catch (...) {
          done.set_exception(std::current_exception());
        }
        ahead->futures.push_back(done.get_future());
      }
    }
  }

  // `remove`: stored incidents this write takes the place of (replies merged into their thread,
  // ImportSlackDays), deleted in the transaction that writes `parsed` (KB4, 2026-12-04: before, in
  // one of their own, so a crash between the two lost them), and only when a record of `parsed`
  // is valid.
  Status WriteIncidents(std::vector<kb::ParsedIncident>& parsed, const std::string& file,
                        ImportReport* report, const std::vector<std::string>& remove = {}) {
    std::vector<std::pair<std::string, std::string>> new_categories;
    std::vector<kb::ParsedIncident*> valid;
    for (auto& p : parsed) {
      if (Validate(p, file, report, &new_categories)) valid.push_back(&p);
    }
    ASSIGN_OR_RETURN(Prepared prep, PrepareImport());
    // Foreign keys are not enforced row by row while incidents are written: every signature and
    // entry row below refers to the incident inserted just before it in the same transaction, so
    // the parent lookup SQLite runs for each of them (~4.3 index seeks per incident of the
    // benchmark corpus) can never fail; a replaced pack incident's rows are deleted one table at
    // a time (DeleteStoredIncident), not by cascade. Enforcement is back on before this returns,
    // whatever happened (guide imports rely on its cascade). The pragma is a no-op inside a
    // transaction, so it brackets them.
    RETURN_IF_ERROR(db->Exec("PRAGMA foreign_keys = OFF"));
    Writer w(this, &prep);
    Status s = w.Begin();
    if (s.ok()) {
      // An exception from inside the write fails the import like an error: the open batch rolls
      // back and foreign keys are back on (found in review).
      std::vector<std::string> added_categories;
      s = GuardImportWrite(file, [&] {
        for (const std::string& id : valid.empty() ? std::vector<std::string>() : remove) {
          RETURN_IF_ERROR(DeleteStoredIncident(id));
        }
        Status t = WriteIncidentsTx(valid, new_categories, file, report, prep, w, &added_categories);
        return t.ok() ? w.Commit() : t;
      });
      if (!s.ok()) {
        w.Rollback();
        ForgetRolledBackCategories(added_categories);
      }
    }
    Status on = db->Exec("PRAGMA foreign_keys = ON");
    return s.ok() ? on : s;
  }

  Status WriteIncidentsTx(std::vector<kb::ParsedIncident*>& valid,
                          const std::vector<std::pair<std::string, std::string>>& new_categories,
                          const std::string& file, ImportReport* report, Prepared& prep, Writer& w,
                          std::vector<std::string>* added_categories) {
    bool wrote_pack = false;  // a pack incident written: pack_word_rows is read again
    for (const auto& [id, layer] : new_categories) {
      prep.insert_category.Reset();
      prep.insert_category.Bind(1, id).Bind(2, layer);
      RETURN_IF_ERROR(prep.insert_category.Run());
      if (!categories.contains(id)) {
        category_order.push_back(id);
        categories[id] = {layer, true};
        added_categories->push_back(id);
      }
    }
    std::unordered_map<std::string, std::string> seen_hashes;          // within this import
    std::unordered_set<std::string> seen_ids;
    std::unordered_set<std::string> met_ids;  // every record's id, stored or skipped: an id's first record decides
    // Whether the stored row of `p`'s id holds exactly the fields `p` would write (the content hash
    // leaves out the fix, component, steps, links, times, extra fields and the case of the words).
    auto stored_fields_equal = [&](const kb::ParsedIncident& p) -> Result<bool> {
      const Incident& inc = p.incident;
      Stmt& s = prep.stored_fields;
      s.Reset();
      s.Bind(1, inc.id);
      ASSIGN_OR_RETURN(bool row, s.Step());
      const bool equal = row && s.Text(0) == inc.title && s.Int(1) == inc.started_at_ms &&
                         s.Int(2) == inc.resolved_at_ms && s.Text(3) == inc.raw_text &&
                         s.Text(4) == JsonArrayText(inc.symptoms) && s.Text(5) == JsonArrayText(inc.log_signatures) &&
                         s.Text(6) == JsonArrayText(inc.metric_conditions) && s.Text(7) == inc.root_cause &&
                         s.Text(8) == inc.component && s.Text(9) == JsonArrayText(inc.verification_steps) &&
                         s.Text(10) == inc.mitigation && s.Text(11) == JsonArrayText(inc.links) &&
                         s.Text(12) == p.extra.dump();
      s.Reset();
      return equal;
    };
    const size_t d = embedder->dim();
    // Entries are embedded, assigned to IVF lists and checked for near-duplicates a chunk at a
    // time: the stored vectors of a list are read once for all of the chunk's entries in it.
    constexpr size_t kEmbedChunk = 4096;
    const bool check_near = opts.near_duplicate_cosine > 0;
    const SketchBounds bounds = SketchHammingBounds(opts.near_duplicate_cosine);
    RecentVectors recent(d);
    // The next chunk's entry-only work runs on worker threads while this thread writes the
    // current one (with an embedder that reads tokens; one chunk ahead, so memory stays bounded).
    // An import of one chunk has nothing to overlap: it runs here, starting no thread.
    const size_t workers =
        embedder->embeds_tokens() && valid.size() > kEmbedChunk ? opts.import_threads - 1 : 0;
    auto ahead = std::make_unique<ChunkAhead>();
    if (workers > 0 && !valid.empty()) {
      LaunchChunk(valid, 0, std::min(kEmbedChunk, valid.size()), workers, check_near, ahead.get());
    }
    for (size_t start = 0; start < valid.size(); start += kEmbedChunk) {
      size_t n = std::min(kEmbedChunk, valid.size() - start);
      ChunkInput in;
      if (workers > 0) {
        RETURN_IF_ERROR(ahead->Take(&in));
        if (const size_t next = start + kEmbedChunk; next < valid.size()) {
          LaunchChunk(valid, next, std::min(kEmbedChunk, valid.size() - next), workers, check_near,
                      ahead.get());
        }
      } else {
        RETURN_IF_ERROR(PrepareChunk(std::span(valid).subspan(start, n), start, check_near, &in));
      }
      std::vector<kb::TokenStream>& tokens = in.tokens;
      const std::vector<size_t>& title_tokens = in.title_tokens;
      const std::vector<float>& vecs = in.vecs;
      const std::vector<uint64_t>& sketches = in.sketches;
      // The `probes` nearest IVF lists of each entry, its own first (empty: no IVF lists).
      const size_t probes = check_near ? std::max<size_t>(1, opts.near_duplicate_nprobe) : 1;
      std::vector<int64_t> lists;
      if (index) {
        ASSIGN_OR_RETURN(lists, index->AssignLists(vecs, probes));
      }
      std::vector<VectorIndex::Hit> stored;  // nearest stored vector per entry
      if (check_near) {
        if (index) {
          ASSIGN_OR_RETURN(stored,
                           index->NearestStored(vecs, lists, probes, opts.near_duplicate_cosine, sketches));
        }
        RETURN_IF_ERROR(ResetRecent(w, !lists.empty(), &recent));
      }
      for (size_t i = 0; i < n; ++i) {
        kb::ParsedIncident& p = *valid[start + i];
        Incident& inc = p.incident;
        auto dup = [&](std::string msg) {
          report->issues.push_back({file, p.line, std::move(msg), false});
          ++report->duplicates;
        };
        std::string& hash = in.hashes[i];
        if (inc.id.empty()) inc.id = "kb-" + hash.substr(0, 12);
        const bool id_met_before = !met_ids.insert(inc.id).second;
        if (auto it = seen_hashes.find(hash); it != seen_hashes.end()) {
          dup("duplicate of `" + it->second + "` earlier in this import; skipped");
          continue;
        }
        // Exact duplicates of stored incidents are found by the incident INSERT's own UNIQUE
        // constraints (content_hash, id: ON CONFLICT DO NOTHING stores nothing); `classify` looks
        // up which one, with the report and precedence of the checks it replaced (same text
        // first, then same id), only when that INSERT stored nothing, for an id used earlier in
        // this import, or for a near-duplicate (an exact duplicate is reported as such).
        enum class Stored { kNew, kDuplicate, kReplaced };
        std::optional<Stored> stored_as;
        // A file import's record of a stored id from the same origin (SameEditableOrigin) is that
        // record corrected: it replaces the stored version (WALKK; before, a corrected fix was
        // "same normalized text" and a corrected text "already exists", both skipped).
        auto replace_edited = [&]() -> Result<Stored> {
          RETURN_IF_ERROR(DeleteStoredIncident(inc.id));
          ++report->replaced;
          const bool named = !inc.source.starts_with("import:");
          report->issues.push_back({file, p.line,
                                    "replaced the stored version of incident `" + inc.id + "` (same " +
                                        (named ? "source " + inc.source : "file " + file) + ")",
                                    false});
          return Stored::kReplaced;
        };
        const bool may_edit = !pack_reload && upsert_source.empty() && !id_met_before;
        auto classify = [&]() -> Result<Stored> {
          prep.hash_exists.Reset();
          prep.hash_exists.Bind(1, hash);
          ASSIGN_OR_RETURN(bool hash_row, prep.hash_exists.Step());
          if (hash_row) {
            const std::string stored_id = prep.hash_exists.Text(0);
            prep.hash_exists.Reset();
            if (may_edit && stored_id == inc.id) {
              prep.id_exists.Reset();
              prep.id_exists.Bind(1, inc.id);
              ASSIGN_OR_RETURN(bool id_row, prep.id_exists.Step());
              const std::string stored_source = id_row ? prep.id_exists.Text(0) : std::string();
              prep.id_exists.Reset();
              if (SameEditableOrigin(stored_source, inc.source)) {
                ASSIGN_OR_RETURN(bool unchanged, stored_fields_equal(p));
                if (!unchanged) return replace_edited();
              }
            }
            dup("duplicate of stored incident `" + stored_id + "` (same normalized text); skipped");
            return Stored::kDuplicate;
          }
          prep.id_exists.Reset();
          prep.id_exists.Bind(1, inc.id);
          ASSIGN_OR_RETURN(bool id_row, prep.id_exists.Step());
          if (id_row && may_edit && SameEditableOrigin(prep.id_exists.Text(0), inc.source)) {
            prep.id_exists.Reset();
            return replace_edited();
          }
          // A changed shipped pack updates its own entries (new signatures reach existing
          // stores); an incident a user imported under the same id is never overwritten.
          const bool replace_pack = id_row && !seen_ids.contains(inc.id) && pack_reload &&
                                    inc.source.starts_with("pack:") && prep.id_exists.Text(0).starts_with("pack:");
          // UpsertIncident: the same source sending its record again.
          const bool replace_same = id_row && !seen_ids.contains(inc.id) && !upsert_source.empty() &&
                                    inc.source == upsert_source && prep.id_exists.Text(0) == upsert_source;
          if (replace_pack || replace_same) {
            RETURN_IF_ERROR(DeleteStoredIncident(inc.id));
            ++report->replaced;
            report->issues.push_back(
                {file, p.line,
                 replace_pack ? "replaced the stored version of pack incident `" + inc.id + "` (the shipped pack changed)"
                              : "replaced the stored version of incident `" + inc.id + "` (same source " +
                                    upsert_source + ")",
                 false});
            return Stored::kReplaced;
          }
          if (id_row || seen_ids.contains(inc.id)) {
            dup("incident id `" + inc.id + "` already exists with different content; skipped");
            return Stored::kDuplicate;
          }
          return Stored::kNew;
        };
        if (seen_ids.contains(inc.id)) {
          ASSIGN_OR_RETURN(stored_as, classify());
          if (*stored_as == Stored::kDuplicate) continue;
        }
        const float* v = vecs.data() + i * d;
        const int64_t list = lists.empty() ? -1 : lists[i * probes];
        if (check_near && stored_as != Stored::kReplaced) {
          int64_t nearest = -1;
          float cos = -1;
          if (!stored.empty() && stored[i].id >= 0) {
            cos = stored[i].cosine;
            nearest = stored[i].id;
          }
          for (size_t j = 0; j < (lists.empty() ? 1 : probes); ++j) {
            int64_t id = -1;
            float c = recent.Nearest(v, sketches.data() + i * kSketchWords, bounds,
                                     lists.empty() ? -1 : lists[i * probes + j], &id);
            if (c > cos) {
              cos = c;
              nearest = id;
            }
          }
          if (cos >= opts.near_duplicate_cosine) {
            if (!stored_as) {
              ASSIGN_OR_RETURN(stored_as, classify());
            }
            if (*stored_as == Stored::kDuplicate) continue;
            if (*stored_as == Stored::kNew) {
              ASSIGN_OR_RETURN(std::string other, IncidentIdOfEntry(nearest));
              char buf[32];
              std::snprintf(buf, sizeof buf, "%.3f", cos);
              dup("near-duplicate of `" + other + "` (cosine " + buf + "); skipped");
              continue;
            }
          }
        }
        Stmt& ins = prep.insert_incident;
        auto insert_incident = [&]() -> Result<bool> {
          ins.Reset();
          ins.Bind(1, inc.id)
              .Bind(2, inc.title)
              .Bind(3, inc.started_at_ms)
              .Bind(4, inc.resolved_at_ms)
              .Bind(5, inc.raw_text)
              .Bind(6, JsonArrayText(inc.symptoms))
              .Bind(7, JsonArrayText(inc.log_signatures))
              .Bind(8, JsonArrayText(inc.metric_conditions))
              .Bind(9, inc.root_cause)
              .Bind(10, inc.component)
              .Bind(11, JsonArrayText(inc.verification_steps))
              .Bind(12, inc.mitigation)
              .Bind(13, inc.source)
              .Bind(14, JsonArrayText(inc.links))
              .Bind(15, p.extra.dump())
              .Bind(16, hash)
              .Bind(17, NowMs());
          RETURN_IF_ERROR(ins.Run());
          return sqlite3_changes(db->raw()) > 0;
        };
        ASSIGN_OR_RETURN(bool inserted, insert_incident());
        if (!inserted) {
          if (stored_as) {
            return InternalError(file + ":" + std::to_string(p.line) + ": incident `" + inc.id +
                                 "` conflicts with a stored row its duplicate check did not find");
          }
          ASSIGN_OR_RETURN(stored_as, classify());
          if (*stored_as == Stored::kDuplicate) continue;
          if (*stored_as == Stored::kNew) {
            return InternalError(file + ":" + std::to_string(p.line) + ": incident `" + inc.id +
                                 "` was not stored, yet neither its text nor its id is");
          }
          ASSIGN_OR_RETURN(inserted, insert_incident());
          if (!inserted) {
            return InternalError(file + ":" + std::to_string(p.line) + ": pack incident `" + inc.id +
                                 "` could not be stored after its stored version was deleted");
          }
        }
        auto add_sig = [&](const char* kind, const std::string& pattern) {
          prep.insert_signature.Reset();
          prep.insert_signature.Bind(1, inc.id)
              .Bind(2, std::string_view(kind))
              .Bind(3, pattern)
              .Bind(4, inc.root_cause);
          return prep.insert_signature.Run();
        };
        for (const auto& sig : inc.log_signatures) RETURN_IF_ERROR(add_sig("log", sig));
        for (const auto& cond : inc.metric_conditions) RETURN_IF_ERROR(add_sig("metric", cond));
        ASSIGN_OR_RETURN(int64_t entry,
                         InsertEntry(prep, true, inc.id, 0, inc.root_cause, inc.component, inc.started_at_ms,
                                     inc.title, std::string(), w, &tokens[i], title_tokens[i]));
        const uint64_t* sketch = check_near ? sketches.data() + i * kSketchWords : nullptr;
        w.AddPending(entry, v, d, list, sketch);
        if (check_near) recent.Add(entry, v, sketch, list);
        seen_hashes[hash] = inc.id;
        seen_ids.insert(inc.id);
        wrote_pack = wrote_pack || inc.source.starts_with("pack:");
        ++report->added;
        RETURN_IF_ERROR(w.Written());
      }
    }
    signature_cache.reset();
    category_words.reset();
    if (pack_reload || wrote_pack) pack_word_rows.reset();
    return Status::Ok();
  }

  // Deletes a stored incident with its entries and signatures, inside the open import
  // transaction (a pack incident replaced by a changed shipped pack). The vector and lexical
  // indexes are rebuilt after the import.
  Status DeleteStoredIncident(const std::string& id) {
    RETURN_IF_ERROR(DeleteEntries("incident_id = ?", id));
    for (const char* sql :
         {"DELETE FROM signatures WHERE incident_id = ?", "DELETE FROM incidents WHERE id = ?"}) {
      ASSIGN_OR_RETURN(Stmt del, db->Prepare(sql));
      del.Bind(1, id);
      RETURN_IF_ERROR(del.Run());
    }
    return Status::Ok();
  }

  // A stored guide (DeleteGuide): its row id and what `vigil kb delete` prints of it.
  struct StoredGuide {
    int64_t id = 0;
    DeletedGuide deleted;
  };
  Result<std::optional<StoredGuide>> FindGuide(const std::string& path) const {
    ASSIGN_OR_RETURN(Stmt s, db->Prepare("SELECT g.id, g.title, g.category, g.component, "
                                         "(SELECT count(*) FROM guide_chunks c WHERE c.guide_id = g.id) "
                                         "FROM guides g WHERE g.path = ?"));
    s.Bind(1, path);
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return std::optional<StoredGuide>();
    return std::optional<StoredGuide>(StoredGuide{s.Int(0), DeletedGuide{path, s.Text(1), s.Text(2), s.Text(3), s.Int(4)}});
  }

  // "no guide `x.md` in the knowledge base", naming the stored guides of the same file name (a
  // guide is named by the path it was imported as: `kb import guides/` stores `guides/x.md`).
  std::string NoGuideMessage(const std::string& path) const {
    std::string msg = "no guide `" + path + "` in the knowledge base";
    const std::string name = fs::path(path).filename().string();
    std::vector<std::string> same;
    if (auto s = db->Prepare("SELECT path FROM guides ORDER BY path"); s.ok()) {
      while (true) {
        auto row = s->Step();
        if (!row.ok() || !*row) break;
        std::string stored = s->Text(0);
        if (!name.empty() && fs::path(stored).filename().string() == name) same.push_back(std::move(stored));
      }
    }
    if (!same.empty()) {
      msg += same.size() == 1 ? " (a guide is stored as `" : " (guides are stored as `";
      for (size_t i = 0; i < same.size() && i < 3; ++i) msg += (i ? "`, `" : "") + same[i];
      msg += "`: a guide is named by the path it was imported as, as `vigil kb search` prints it)";
    }
    return msg;
  }

  // Deletes a stored guide, its chunks and their search entries, inside the open transaction
  // (the chunks explicitly, not by cascade: the same rows whatever the foreign-key setting).
  Status DeleteStoredGuide(int64_t guide_id) {
    RETURN_IF_ERROR(DeleteEntries("chunk_id IN (SELECT id FROM guide_chunks WHERE guide_id = ?)", guide_id));
    for (const char* sql : {"DELETE FROM guide_chunks WHERE guide_id = ?", "DELETE FROM guides WHERE id = ?"}) {
      ASSIGN_OR_RETURN(Stmt del, db->Prepare(sql));
      del.Bind(1, guide_id);
      RETURN_IF_ERROR(del.Run());
    }
    return Status::Ok();
  }

  // Runs `del` (DeleteStoredIncident, DeleteStoredGuide) in one transaction that bumps the store's
  // write generation, as a replaced version is deleted; both indexes are rebuilt from the store
  // after it (a failure rolls everything back: nothing is deleted). A read-only store, or one whose
  // write lock another process holds past the busy timeout, is said as such.
  Status DeleteInOneTransaction(const std::function<Status()>& del) {
    const std::string where = opts.db_path == ":memory:" ? std::string("the knowledge base") : opts.db_path;
    if (sqlite3_db_readonly(db->raw(), "main") == 1) {
      return FailedPreconditionError(where + " is read-only: nothing deleted");
    }
    auto said = [&](Status st) -> Status {
      if (st.ok()) return st;
      const int code = sqlite3_errcode(db->raw()) & 0xff;
      if (code == SQLITE_READONLY) return FailedPreconditionError(where + " is read-only (" + st.message() + "): nothing deleted");
      if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
        return UnavailableError(where + " is locked by another process's write (an import, or vigil serve recording a "
                                "resolution) for more than 5 s: nothing deleted; try again when it is done");
      }
      return st;
    };
    Status s = [&]() -> Status {
      ASSIGN_OR_RETURN(Prepared prep, PrepareImport());
      Writer w(this, &prep);
      RETURN_IF_ERROR(said(w.Begin()));
      Status d = said(del());
      if (!d.ok()) {
        w.Rollback();
        return d;
      }
      Status c = said(w.Commit());
      if (!c.ok()) w.Rollback();
      return c;
    }();
    signature_cache.reset();
    category_words.reset();
    return FinishImport(s);
  }

  // Deletes the search entries that `where` selects (a condition on `entries` with one `?`, bound
  // to `key`) and their text rows, inside the open transaction. Their FAISS vectors and BM25
  // documents cannot be removed in place: both indexes are rebuilt after the import.
  template <typename Key>
  Status DeleteEntries(const std::string& where, const Key& key) {
    for (const std::string& sql :
         {"DELETE FROM entries_text WHERE id IN (SELECT id FROM entries WHERE " + where + ")",
          "DELETE FROM entries WHERE " + where}) {
      ASSIGN_OR_RETURN(Stmt del, db->Prepare(sql));
      del.Bind(1, key);
      RETURN_IF_ERROR(del.Run());
    }
    index_dirty = true;
    lexical_dirty = true;
    return Status::Ok();
  }

  Status WriteGuide(kb::ParsedGuide& g, ImportReport* report) {
    std::string all;
    for (const auto& c : g.chunks) all += c.heading + "\n" + c.text + "\n";
    std::string hash = kb::Hex64(kb::Fnv1a64(kb::NormalizeForHash(g.category + "\n" + all)));
    {
      ASSIGN_OR_RETURN(Stmt s, db->Prepare("SELECT path FROM guides WHERE content_hash = ?"));
      s.Bind(1, hash);
      ASSIGN_OR_RETURN(bool row, s.Step());
      if (row) {
        report->issues.push_back(
            {g.path, 0, "duplicate of stored guide `" + s.Text(0) + "`; skipped", false});
        ++report->duplicates;
        return Status::Ok();
      }
    }
    if (!g.category.empty() && !categories.contains(g.category)) {
      report->issues.push_back(
          {g.path, 1, "front-matter category `" + g.category + "` is not in the taxonomy; kept", false});
    }
    ASSIGN_OR_RETURN(Prepared prep, PrepareImport());
    Writer w(this, &prep);
    RETURN_IF_ERROR(w.Begin());
    auto body = [&]() -> Status {
      // A changed guide at the same path replaces the old version.
      ASSIGN_OR_RETURN(Stmt old, db->Prepare("SELECT id FROM guides WHERE path = ?"));
      old.Bind(1, g.path);
      ASSIGN_OR_RETURN(bool had, old.Step());
      if (had) {
        int64_t gid = old.Int(0);
        RETURN_IF_ERROR(DeleteEntries("chunk_id IN (SELECT id FROM guide_chunks WHERE guide_id = ?)", gid));
        RETURN_IF_ERROR(db->Exec("DELETE FROM guides WHERE id = " + std::to_string(gid)));
        ++report->replaced;
        report->issues.push_back({g.path, 0, "replaced the stored version of this guide", false});
      }
      ASSIGN_OR_RETURN(Stmt ins,
                       db->Prepare("INSERT INTO guides(path, title, category, component, content_hash, "
                                   "imported_at_ms) VALUES(?, ?, ?, ?, ?, ?)"));
      ins.Bind(1, g.path)
          .Bind(2, g.title)
          .Bind(3, g.category)
          .Bind(4, g.component)
          .Bind(5, hash)
          .Bind(6, NowMs());
      RETURN_IF_ERROR(ins.Run());
      int64_t gid = sqlite3_last_insert_rowid(db->raw());
      ASSIGN_OR_RETURN(
          Stmt ch, db->Prepare("INSERT INTO guide_chunks(guide_id, ordinal, heading, text) VALUES(?,?,?,?)"));
      std::vector<std::string> texts;
      for (const auto& c : g.chunks) texts.push_back(c.heading + "\n" + c.text);
      ASSIGN_OR_RETURN(auto vecs, embedder->Embed(texts));
      for (size_t i = 0; i < g.chunks.size(); ++i) {
        ch.Reset();
        ch.Bind(1, gid)
            .Bind(2, static_cast<int64_t>(i))
            .Bind(3, g.chunks[i].heading)
            .Bind(4, g.chunks[i].text);
        RETURN_IF_ERROR(ch.Run());
        int64_t cid = sqlite3_last_insert_rowid(db->raw());
        std::string text_body = g.chunks[i].text + "\n" + Underscores(g.category) + " " + g.component;
        ASSIGN_OR_RETURN(int64_t entry, InsertEntry(prep, false, "", cid, g.category, g.component, 0,
                                                    g.chunks[i].heading, text_body, w));
        w.AddPending(entry, vecs.data() + i * embedder->dim(), embedder->dim(), -1, nullptr);
        ++report->added;
        RETURN_IF_ERROR(w.Written());
      }
      return Status::Ok();
    };
    // An exception (out of memory) fails the import like an error: before, it escaped with the
    // transaction open (its rows visible to searches, every later import refused at BEGIN) or,
    // after COMMIT, skipped FinishImport's rebuild of the BM25 index.
    Status s = GuardImportWrite(g.path, [&] {
      Status t = body();
      return t.ok() ? w.Commit() : t;
    });
    if (!s.ok()) {
      w.Rollback();
      return s;
    }
    return Status::Ok();
  }

  template <typename Fn>
  static Status GuardParse(const std::string& file, Fn&& parse) {
    try {
      parse();
      return Status::Ok();
    } catch (const std::bad_alloc& e) {
      return ResourceExhaustedError(file + ": import failed while parsing: out of memory (" + e.what() + ")");
    } catch (const std::exception& e) {
      return InternalError(file + ": import failed while parsing: " + e.what());
    }
  }

  // users.json of a Slack export (in the channel's folder or the export's root above it): user id
  // -> display name; none: ids are shown as they are.
  std::map<std::string, std::string> SlackUserNames(const fs::path& channel_dir, ImportReport* report) {
    for (const fs::path& p : {channel_dir / "users.json", channel_dir.parent_path() / "users.json"}) {
      std::error_code ec;
      if (!fs::is_regular_file(p, ec)) continue;
      Result<std::string> read = ReadFile(p.string());
      if (!read.ok()) {
        report->issues.push_back(
            {p.string(), 0, "not read (" + read.status().ToString() + "); user ids are shown as they are", false});
        return {};
      }
      return kb::ParseSlackUsers(*read, p.string(), &report->issues);
    }
    return {};
  }

  // The name a stored incident's replies are parsed under (never a file's: issues naming it are
  // dropped).
  static constexpr std::string_view kStoredRepliesFile = "\x01stored:";

  // Stored incidents holding the replies of a thread whose first message is in `parsed` (same
  // channel prefix, `thread_ts` their thread), each as a day file of its messages to parse with the
  // channel; `absorbed` gets their ids and sources, `merged` each thread's replies so taken in (kept
  // in its extra as `merged_replies`, read again when its day file is imported again).
  Result<std::vector<kb::SlackDayFile>> StoredRepliesOf(const std::vector<kb::ParsedIncident>& parsed,
                                                        std::vector<std::pair<std::string, std::string>>* absorbed,
                                                        std::map<std::string, Json>* merged,
                                                        std::map<std::string, std::vector<std::string>>* absorbed_by) {
    std::vector<kb::SlackDayFile> out;
    std::map<std::string, std::set<std::string>> heads;  // "slack:channel" -> thread keys started here
    for (const kb::ParsedIncident& p : parsed) {
      if (p.extra.is_object() && p.extra.contains("thread_ts")) continue;
      const size_t colon = p.incident.id.rfind(':');
      if (colon == std::string::npos) continue;
      heads[p.incident.id.substr(0, colon)].insert(p.incident.id.substr(colon + 1));
    }
    for (const auto& [prefix, keys] : heads) {
      ASSIGN_OR_RETURN(Stmt s, db->Prepare("SELECT id, source, extra FROM incidents WHERE id > ? AND id < ?"));
      s.Bind(1, prefix + ":").Bind(2, prefix + ";");
      while (true) {
        ASSIGN_OR_RETURN(bool row, s.Step());
        if (!row) break;
        const std::string id = s.Text(0);
        Json extra = Json::parse(s.Text(2), nullptr, /*allow_exceptions=*/false);
        if (!extra.is_object()) continue;
        // The thread itself, stored with replies it took in before: they are taken in again, so that
        // its day file imported again does not replace it with the thread without them.
        const std::string key = id.substr(prefix.size() + 1);
        const bool merged_head = keys.contains(key) && extra.contains("merged_replies");
        const bool replies = extra.contains("thread_ts") && extra["thread_ts"].is_string() &&
                             keys.contains(extra["thread_ts"].get<std::string>());
        if (!merged_head && !replies) continue;
        const Json& messages = merged_head ? extra["merged_replies"] : extra.contains("messages") ? extra["messages"] : Json();
        if (!messages.is_array()) continue;
        const std::string thread = merged_head ? key : extra["thread_ts"].get<std::string>();
        Json day = Json::array();
        for (const Json& m : messages) {
          if (!m.is_object()) continue;
          day.push_back(Json{{"type", "message"},
                             {"ts", m.value("ts", "")},
                             {"user_name", m.value("user", "")},
                             {"text", m.value("text", "")},
                             {"thread_ts", thread}});
          Json& kept = (*merged)[prefix + ":" + thread];
          if (!kept.is_array()) kept = Json::array();
          kept.push_back(m);
        }
        if (!merged_head) {
          absorbed->emplace_back(id, s.Text(1));
          (*absorbed_by)[prefix + ":" + thread].push_back(id);
        }
        out.push_back({std::string(kStoredRepliesFile) + id, day.dump()});
      }
    }
    return out;
  }

  // The replies in `parsed` whose thread's first message is in no file of this import but is
  // stored (a later day's file imported alone; KB4, 2026-12-04): each such incident is taken out
  // of `parsed` and its stored thread, with those replies added after its text (the last fix and
  // root-cause line win, as in a thread read whole; the category read again when a cause came),
  // goes to `extended`, the replies' day file to `from`. The replies are kept in the thread's
  // `extra.merged_replies`, so its own day file imported again takes them in (StoredRepliesOf).
  // Before, the replies were an incident of their own, the fix apart from its symptom.
  Status ExtendStoredThreads(std::vector<kb::ParsedIncident>* parsed, std::vector<kb::ParsedIncident>* extended,
                             std::vector<std::string>* from, ImportReport* report) {
    for (auto it = parsed->begin(); it != parsed->end();) {
      kb::ParsedIncident& p = *it;
      const size_t colon = p.incident.id.rfind(':');
      if (!p.extra.is_object() || !p.extra.contains("thread_ts") || !p.extra["thread_ts"].is_string() ||
          !p.extra.contains("messages") || !p.extra["messages"].is_array() || colon == std::string::npos) {
        ++it;
        continue;
      }
      const std::string thread = p.extra["thread_ts"].get<std::string>();
      const std::string head_id = p.incident.id.substr(0, colon + 1) + thread;
      ASSIGN_OR_RETURN(Stmt s, db->Prepare("SELECT extra FROM incidents WHERE id = ?"));
      s.Bind(1, head_id);
      ASSIGN_OR_RETURN(bool row, s.Step());
      Json extra = row ? Json::parse(s.Text(0), nullptr, /*allow_exceptions=*/false) : Json();
      if (!extra.is_object() || extra.contains("thread_ts")) {  // not stored, or replies alone themselves
        ++it;
        continue;
      }
      Result<Incident> stored = ReadIncident(head_id);
      if (!stored.ok()) return stored.status();
      kb::ParsedIncident m{*stored, extra, p.line};
      Json& kept = m.extra["merged_replies"];
      if (!kept.is_array()) kept = Json::array();
      std::set<std::string> have;
      for (const Json& k : kept)
        if (k.is_object()) have.insert(k.value("ts", ""));
      size_t added = 0;
      for (const Json& msg : p.extra["messages"]) {
        if (!msg.is_object() || have.contains(msg.value("ts", ""))) continue;
        const std::string user = msg.value("user", "");
        m.incident.raw_text += (user.empty() ? std::string("unknown") : user) + ": " + msg.value("text", "") + "\n";
        kept.push_back(msg);
        ++added;
      }
      if (added > 0) {
        m.extra["replies"] = m.extra.value("replies", int64_t{0}) + static_cast<int64_t>(added);
        if (!p.incident.mitigation.empty()) m.incident.mitigation = p.incident.mitigation;
        // What the replies' fix lines say of its state (KB10), as the thread read whole says it.
        if (p.extra.contains("resolution")) m.extra["resolution"] = p.extra["resolution"];
        if (p.extra.contains("root_cause_text")) {
          m.extra["root_cause_text"] = p.extra["root_cause_text"];
          m.incident.root_cause.clear();  // read again from the new cause
        }
      }
      const std::string day = p.incident.source;
      // The parser's "first message is not imported ... kept as one incident" is not so: said here.
      const std::string parser_said = "a reply to thread `" + thread + "`, whose first message is not imported";
      std::erase_if(report->issues, [&](const ImportIssue& i) {
        return i.file == day && !i.rejected && i.message.find(parser_said) != std::string::npos;
      });
      report->issues.push_back({day, p.line,
                                std::to_string(added) + " repl" + (added == 1 ? "y" : "ies") + " to thread `" + thread +
                                    "` (stored from " + stored->source + ") added to incident `" + head_id +
                                    "`, not kept as an incident of their own" +
                                    (added == 0 ? std::string(" (all taken in before)") : std::string()),
                                false});
      extended->push_back(std::move(m));
      from->push_back(day);
      it = parsed->erase(it);
    }
    return Status::Ok();
  }

  // A Slack channel's day files (one folder's `YYYY-MM-DD.json`, sorted: in date order) read as
  // one channel: a reply in the next day's file joins its thread (before: each file alone, the
  // reply rejected). A file that is no Slack day file is imported as a .json file alone is.
  Status ImportSlackDays(const std::vector<fs::path>& paths, const std::vector<std::string>& displays,
                         ImportReport* report) {
    std::vector<kb::SlackDayFile> days;
    for (size_t i = 0; i < paths.size(); ++i) {
      Result<std::string> read = Status();
      RETURN_IF_ERROR(GuardParse(displays[i], [&] { read = ReadFile(paths[i].string()); }));
      ASSIGN_OR_RETURN(std::string content, std::move(read));
      days.push_back({displays[i], std::move(content)});
    }
    const auto names = SlackUserNames(paths.front().parent_path(), report);
    size_t before = report->issues.size();
    std::vector<kb::ParsedIncident> parsed;
    std::vector<size_t> not_slack;
    RETURN_IF_ERROR(GuardParse(displays.front(), [&] {
      kb::ParseSlackChannel(days, names, opts.max_document_bytes, &parsed, &report->issues, &not_slack);
    }));
    // Replies imported before their thread (KB3, 2026-12-04): an earlier import kept the replies of
    // a thread whose first message it did not have as one incident (`thread_ts`, `messages` in its
    // extra). When that thread's first message comes, its replies are read again with this channel's
    // messages, in time order, and the earlier incident is removed: one incident, the fix with its
    // symptom. Before, the two stayed apart.
    std::vector<std::pair<std::string, std::string>> absorbed;  // stored id, its source
    std::map<std::string, Json> merged;                            // thread id -> replies taken in
    std::map<std::string, std::vector<std::string>> absorbed_by;   // thread id -> stored ids it takes in
    {
      ASSIGN_OR_RETURN(std::vector<kb::SlackDayFile> kept, StoredRepliesOf(parsed, &absorbed, &merged, &absorbed_by));
      if (!kept.empty()) {
        report->issues.resize(before);
        parsed.clear();
        not_slack.clear();
        for (kb::SlackDayFile& k : kept) days.push_back(std::move(k));
        RETURN_IF_ERROR(GuardParse(displays.front(), [&] {
          kb::ParseSlackChannel(days, names, opts.max_document_bytes, &parsed, &report->issues, &not_slack);
        }));
        // The stored replies were said when they were imported.
        std::erase_if(report->issues, [&](const ImportIssue& i) { return i.file.starts_with(kStoredRepliesFile); });
        std::erase_if(not_slack, [&](size_t i) { return i >= paths.size(); });
        for (kb::ParsedIncident& p : parsed) {
          if (auto it = merged.find(p.incident.id); it != merged.end()) p.extra["merged_replies"] = it->second;
        }
      }
    }
    for (size_t i = before; i < report->issues.size(); ++i)
      if (report->issues[i].rejected) ++report->rejected;
    for (const auto& [id, source] : absorbed) {
      report->issues.push_back({displays.front(), 0,
                                "incident `" + id + "` (replies imported before from " + source +
                                    ", whose thread's first message is in this import) merged into its thread; "
                                    "the earlier incident removed",
                                false});
    }
    // A later day's replies to a thread stored before (KB4, 2026-12-04): added to it.
    std::vector<kb::ParsedIncident> extended;  // stored threads with this import's replies
    std::vector<std::string> extended_from;    // the day file each one's replies are in
    RETURN_IF_ERROR(ExtendStoredThreads(&parsed, &extended, &extended_from, report));
    // Written per day file, so that what the store says names the file the thread starts in. A
    // thread that takes in stored replies is written in one transaction with their removal (before
    // KB4, 2026-12-04, they were removed in one of their own first: a crash between lost them).
    for (const std::string& d : displays) {
      std::vector<kb::ParsedIncident> mine;
      for (auto& p : parsed) {
        if (p.incident.source != d) continue;
        if (auto it = absorbed_by.find(p.incident.id); it != absorbed_by.end()) {
          std::vector<kb::ParsedIncident> one;
          one.push_back(std::move(p));
          RETURN_IF_ERROR(WriteIncidents(one, d, report, it->second));
        } else {
          mine.push_back(std::move(p));
        }
      }
      if (!mine.empty()) RETURN_IF_ERROR(WriteIncidents(mine, d, report));
    }
    for (size_t i = 0; i < extended.size(); ++i) {
      std::vector<kb::ParsedIncident> one;
      one.push_back(std::move(extended[i]));
      RETURN_IF_ERROR(WriteIncidents(one, extended_from[i], report));
    }
    json_as_records = true;  // a date-named file of records: as a .json file (no loop back here)
    Status s;
    for (size_t i : not_slack) {
      s = ImportFile(paths[i], displays[i], report);
      if (!s.ok()) break;
    }
    json_as_records = false;
    return s;
  }

  Status ImportFile(const fs::path& path, const std::string& display, ImportReport* report) {
    const std::string ext = AsciiLower(path.extension().string());
    Result<std::string> read = Status();
    RETURN_IF_ERROR(GuardParse(display, [&] { read = ReadFile(path.string()); }));
    ASSIGN_OR_RETURN(std::string content, std::move(read));
    size_t before = report->issues.size();
    auto count_rejections = [&] {
      for (size_t i = before; i < report->issues.size(); ++i)
        if (report->issues[i].rejected) ++report->rejected;
    };
    // The parsers report bad records as issues; an exception out of one (std::bad_alloc: out of
    // memory) fails the import as what it is (GuardParse), before anything is written.
    if (ext == ".jsonl" || ext == ".ndjson") {
      std::vector<kb::ParsedIncident> parsed;
      // A Mattermost bulk export is JSON lines too: its posts' threads are incidents.
      RETURN_IF_ERROR(GuardParse(display, [&] {
        if (kb::LooksLikeMattermostExport(content)) {
          kb::ParseMattermostExport(content, display, opts.max_document_bytes, &parsed, &report->issues);
        } else {
          kb::ParseIncidentJsonl(content, display, opts.max_document_bytes, &parsed, &report->issues);
        }
      }));
      count_rejections();
      return WriteIncidents(parsed, display, report);
    }
    if (ext == ".json") {  // a tracker's array of records, or a Slack channel's day file
      std::vector<kb::ParsedIncident> parsed;
      // A day file alone: read as its channel's (users.json names its users).
      if (kb::IsSlackDayFileName(path.filename().string()) && !json_as_records) {
        return ImportSlackDays({path}, {display}, report);
      }
      RETURN_IF_ERROR(GuardParse(display, [&] {
        kb::ParseJsonExport(content, display, opts.max_document_bytes, &parsed, &report->issues);
      }));
      count_rejections();
      return WriteIncidents(parsed, display, report);
    }
    if (ext == ".csv") {
      std::vector<kb::ParsedIncident> parsed;
      RETURN_IF_ERROR(GuardParse(display, [&] {
        kb::ParseIncidentCsv(content, display, opts.max_document_bytes, &parsed, &report->issues);
      }));
      count_rejections();
      return WriteIncidents(parsed, display, report);
    }
    if (ext == ".md" || ext == ".markdown") {
      kb::ParsedGuide g;
      bool ok = false;
      RETURN_IF_ERROR(GuardParse(display, [&] {
        ok = kb::ParseGuideMarkdown(content, display, opts.max_document_bytes, &g, &report->issues);
      }));
      count_rejections();
      if (!ok) return Status::Ok();
      // A postmortem (Root cause and Summary / Impact / Resolution / ... headings) is an incident:
      // as a guide it had no cause or fix and diagnoses did not recall it.
      std::vector<kb::ParsedIncident> pm(1);
      std::vector<ImportIssue> timeline;
      if (kb::ParsePostmortemMarkdown(g, content, &pm[0], &timeline)) {
        report->issues.push_back({display, 0,
                                  "read as a postmortem (a Root cause heading): imported as incident `" +
                                      pm[0].incident.id + "`, not as a guide",
                                  false});
        for (ImportIssue& i : timeline) report->issues.push_back(std::move(i));
        return WriteIncidents(pm, display, report);
      }
      return WriteGuide(g, report);
    }
    return InvalidArgumentError(display + ": unsupported file type `" + ext +
                                "` (accepted: .jsonl, .ndjson, .json, .csv, .md)");
  }

  // Brings both indexes level with the committed store after an import (`s`: its outcome).
  Status FinishImport(Status s) {
    if (lexical_dirty) {
      Status r = RebuildLexical();
      if (s.ok()) s = r;
    }
    if (generation != lexical_saved_generation) {
      Status r = SaveLexical();
      if (s.ok()) s = r;
    }
    if (index_dirty) {
      Status r = RebuildIndex();
      if (s.ok()) s = r;
    } else if (s.ok()) {
      s = SaveIndex();
    }
    return s;
  }

  Result<ImportReport> ImportPath(const std::string& path_text, const std::string& display_root) {
    auto t0 = std::chrono::steady_clock::now();
    ImportReport report;
    fs::path path(path_text);
    std::error_code ec;
    if (!fs::exists(path, ec)) return NotFoundError("no such file or directory: " + path_text);
    Status s;
    if (fs::is_directory(path, ec)) {
      std::vector<fs::path> files;
      std::vector<std::string> others;  // regular files of other types, relative to `path`
      for (auto it = fs::recursive_directory_iterator(path, ec); it != fs::recursive_directory_iterator();
           ++it) {
        if (!it->is_regular_file()) continue;
        // In any case, as ImportFile reads it (RV4: `PM.MD` was "not .md" in a folder).
        std::string ext = AsciiLower(it->path().extension().string());
        if (ext == ".jsonl" || ext == ".ndjson" || ext == ".json" || ext == ".csv" || ext == ".md" ||
            ext == ".markdown") {
          if (it->path().filename() == "README.md") continue;  // a folder's own description
          files.push_back(it->path());
        } else if (it->path().filename().string().rfind('.', 0) != 0) {  // not .hidden
          others.push_back(fs::relative(it->path(), path).string());
        }
      }
      std::sort(files.begin(), files.end());
      std::sort(others.begin(), others.end());
      // "inc1.json, notes.txt" (at most 5 named, then "and N more").
      auto listed = [&others] {
        std::string out;
        for (size_t i = 0; i < others.size() && i < 5; ++i) {
          if (i) out += ", ";
          out += others[i];
        }
        if (others.size() > 5) {
          out += " and ";
          out += std::to_string(others.size() - 5);
          out += " more";
        }
        return out;
      };
      // A folder that holds nothing to import is refused as a single file of another type is
      // (before 2026-12-02: exit 0, "added": 0, no word). Not the shipped pack's folder (an empty
      // pack is a knowledge base without it, as a missing one is).
      if (files.empty() && display_root.empty()) {
        std::string msg = path_text;
        msg += ": no incident (.jsonl, .ndjson, .json, .csv) or guide (.md) file in this folder";
        if (!others.empty()) {
          msg += " (";
          msg += std::to_string(others.size());
          msg += others.size() == 1 ? " other file: " : " other files: ";
          msg += listed();
          msg += ")";
        }
        return InvalidArgumentError(msg);
      }
      // The shipped pack's own scripts are no news; a person's import is told what was left out.
      if (!others.empty() && display_root.empty()) {
        std::string msg = std::to_string(others.size());
        msg += others.size() == 1 ? " file not imported" : " files not imported";
        msg += " (not .jsonl, .ndjson, .json, .csv or .md): ";
        msg += listed();
        report.issues.push_back(ImportIssue{path_text, 0, msg, false});
      }
      auto display_of = [&](const fs::path& f) {
        return display_root.empty() ? f.string() : display_root + "/" + fs::relative(f, path).string();
      };
      // A Slack export: each folder's day files are one channel, read together (a thread running
      // past midnight UTC has replies in the next day's file); its users.json names the users.
      std::map<fs::path, std::vector<fs::path>> slack_days;
      for (const auto& f : files) {
        if (kb::IsSlackDayFileName(f.filename().string())) slack_days[f.parent_path()].push_back(f);
      }
      for (const auto& f : files) {
        if (!slack_days.empty() && f.filename() == "users.json") {
          report.issues.push_back({display_of(f), 0,
                                   "read as the Slack export's user names (for its day files), not as incidents",
                                   false});
          continue;
        }
        // The export's other metadata (KB3, 2026-12-04; before, read as tracker records and each
        // rejected as an empty entry).
        if (!slack_days.empty() && kb::IsSlackExportMetadata(f.filename().string())) {
          report.issues.push_back({display_of(f), 0,
                                   "a Slack export's metadata (channels, groups, DMs, integrations), not incidents: "
                                   "not imported",
                                   false});
          continue;
        }
        if (auto it = slack_days.find(f.parent_path()); it != slack_days.end() && kb::IsSlackDayFileName(f.filename().string())) {
          if (it->second.front() != f) continue;  // read with the first day of its folder
          std::vector<std::string> displays;
          for (const auto& d : it->second) displays.push_back(display_of(d));
          s = ImportSlackDays(it->second, displays, &report);
        } else {
          s = ImportFile(f, display_of(f), &report);
        }
        if (!s.ok()) break;
      }
    } else {
      s = ImportFile(path, display_root.empty() ? path_text : display_root, &report);
    }
    s = FinishImport(s);
    if (!s.ok()) return s;
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return report;
  }

  // Hash of the pack's file names and contents: reloading happens only when it changed.
  Result<std::string> PackHash(const fs::path& dir) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); it != fs::recursive_directory_iterator();
         ++it) {
      if (it->is_regular_file()) files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    uint64_t h = kb::Fnv1a64("pack");
    for (const auto& f : files) {
      ASSIGN_OR_RETURN(std::string c, ReadFile(f.string()));
      h = kb::Fnv1a64(fs::relative(f, dir).string(), h);
      h = kb::Fnv1a64(c, h);
    }
    return kb::Hex64(h);
  }

  Status MaybeLoadPack() {
    if (!opts.load_pack || opts.pack_dir.empty()) return Status::Ok();
    std::string dir = ResolveDataPath(opts.pack_dir);
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      LogWarn("kb",
              "knowledge pack directory " + opts.pack_dir + " not found; starting without the shipped pack");
      return Status::Ok();
    }
    ASSIGN_OR_RETURN(std::string hash, PackHash(dir));
    ASSIGN_OR_RETURN(std::string loaded, Meta("pack_hash"));
    if (hash == loaded) return Status::Ok();
    pack_reload = true;
    auto imported = ImportPath(dir, "pack");
    pack_reload = false;
    ASSIGN_OR_RETURN(ImportReport r, std::move(imported));
    int shown = 0;
    for (const auto& i : r.issues) {
      if (i.rejected && shown++ < 5) LogWarn("kb", i.file + ":" + std::to_string(i.line) + ": " + i.message);
    }
    LogInfo("kb", "knowledge pack " + dir + ": " + std::to_string(r.added) + " added (" +
                      std::to_string(r.replaced) + " of them replacing an older version), " +
                      std::to_string(r.duplicates) + " already present, " + std::to_string(r.rejected) +
                      " rejected");
    return SetMeta("pack_hash", hash);
  }

  // --- search -------------------------------------------------------------------------------

  struct EntryRow {
    std::string kind, incident_id, category, component;
    int64_t chunk_id = 0, time_ms = 0;
  };
  Result<std::optional<EntryRow>> Entry(int64_t id) const {
    ASSIGN_OR_RETURN(Stmt s,
                     db->PrepareCached("SELECT kind, coalesce(incident_id, ''), coalesce(chunk_id, 0), category, "
                                 "component, time_ms FROM entries WHERE id = ?"));
    s.Bind(1, id);
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return std::optional<EntryRow>();
    return std::optional<EntryRow>(EntryRow{s.Text(0), s.Text(1), s.Text(3), s.Text(4), s.Int(2), s.Int(5)});
  }

  static bool Passes(const EntryRow& e, const SearchQuery& q) {
    if (!q.include_guides && e.kind != "incident") return false;
    if (!q.category.empty() && e.category != q.category) return false;
    if (!q.component.empty() && e.component != q.component) return false;
    if (q.since_ms != 0 && e.time_ms < q.since_ms) return false;
    if (q.until_ms != 0 && e.time_ms >= q.until_ms) return false;
    return true;
  }

  // BM25 top `depth` over the query's terms (kb::LexicalQueryTerms), OR-ed.
  std::vector<int64_t> Lexical(const SearchQuery& q, size_t depth) const {
    kb::LexicalFilter f{q.category, q.component, q.since_ms, q.until_ms, q.include_guides};
    std::vector<int64_t> ids;
    for (const auto& h : lexical.Search(kb::LexicalQueryTerms(q.text), depth, f)) ids.push_back(h.id);
    return ids;
  }

  Result<std::vector<int64_t>> Dense(const SearchQuery& q, size_t depth) const {
    if (!index) return index_status.ok() ? FailedPreconditionError("no vector index") : index_status;
    std::vector<std::string> text{q.text};
    ASSIGN_OR_RETURN(auto v, embedder->Embed(text));
    bool filtered =
        !q.category.empty() || !q.component.empty() || q.since_ms || q.until_ms || !q.include_guides;
    size_t fetch = filtered ? depth * 8 : depth;
    std::vector<int64_t> ids;
    while (true) {
      ASSIGN_OR_RETURN(auto hits, index->Search(v, fetch));
      ids.clear();
      for (const auto& h : hits) {
        if (filtered) {
          ASSIGN_OR_RETURN(auto e, Entry(h.id));
          if (!e || !Passes(*e, q)) continue;
        }
        ids.push_back(h.id);
        if (ids.size() == depth) break;
      }
      if (ids.size() >= depth || fetch >= static_cast<size_t>(index->size())) break;
      fetch *= 4;
    }
    return ids;
  }

  Result<SearchHit> Hydrate(int64_t entry_id) const {
    ASSIGN_OR_RETURN(auto e, Entry(entry_id));
    if (!e)
      return DataLossError("entry " + std::to_string(entry_id) + " is in the index but not in the database");
    SearchHit hit;
    hit.category = e->category;
    if (e->kind == "incident") {
      hit.kind = SearchHit::Kind::kIncident;
      ASSIGN_OR_RETURN(hit.incident, LoadIncident(e->incident_id));
    } else {
      hit.kind = SearchHit::Kind::kGuideChunk;
      ASSIGN_OR_RETURN(Stmt s,
                       db->PrepareCached("SELECT g.path, c.heading, c.text FROM guide_chunks c JOIN guides g "
                                   "ON g.id = c.guide_id WHERE c.id = ?"));
      s.Bind(1, e->chunk_id);
      ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) return DataLossError("guide chunk " + std::to_string(e->chunk_id) + " is missing");
      hit.guide_path = s.Text(0);
      hit.heading = s.Text(1);
      hit.text = s.Text(2);
    }
    return hit;
  }

  // Incidents read back, by id (LoadIncident; under mu like every caller): alert triage loads
  // every metric-condition incident per alert, the same ~65 for each of a storm's thousands.
  // Valid while the database is unchanged: cleared when this connection has written
  // (sqlite3_total_changes64) or another connection has committed (PRAGMA data_version) since it
  // was filled. Bounded by bytes (KnowledgeOptions::incident_cache_bytes, IncidentCacheBytes) and
  // by count (kIncidentCacheMax): a new incident evicts the least recently read ones until it
  // fits; one larger than a 32nd of the budget is not cached (read from SQLite each time).
  static constexpr size_t kIncidentCacheMax = 4096;
  struct CachedIncident {
    Incident incident;
    size_t bytes = 0;
    std::list<std::string>::iterator recent;  // its place in incident_recent
  };
  mutable std::unordered_map<std::string, CachedIncident> incident_cache;
  mutable std::list<std::string> incident_recent;  // ids, most recently read first
  mutable size_t incident_cache_used = 0;          // sum of the cached incidents' bytes
  mutable int64_t incident_cache_changes = -1, incident_cache_data_version = -1;

  void ClearIncidentCache() const {
    incident_cache.clear();
    incident_recent.clear();
    incident_cache_used = 0;
  }

  Result<Incident> LoadIncident(const std::string& id) const {
    {
      ASSIGN_OR_RETURN(Stmt version, db->PrepareCached("PRAGMA data_version"));
      ASSIGN_OR_RETURN(bool row, version.Step());
      const int64_t data_version = row ? version.Int(0) : -1;
      const int64_t changes = sqlite3_total_changes64(db->raw());
      if (changes != incident_cache_changes || data_version != incident_cache_data_version) {
        ClearIncidentCache();
        incident_cache_changes = changes;
        incident_cache_data_version = data_version;
      }
      if (auto it = incident_cache.find(id); it != incident_cache.end()) {
        incident_recent.splice(incident_recent.begin(), incident_recent, it->second.recent);
        return it->second.incident;
      }
    }
    ASSIGN_OR_RETURN(Incident inc, ReadIncident(id));
    const size_t budget = opts.incident_cache_bytes;
    const size_t bytes = IncidentCacheBytes(inc);
    if (bytes > budget / 32) return inc;  // too large to keep (or no cache: a budget of 0)
    while (!incident_recent.empty() &&
           (incident_cache_used + bytes > budget || incident_cache.size() >= kIncidentCacheMax)) {
      auto last = incident_cache.find(incident_recent.back());
      incident_cache_used -= last->second.bytes;
      incident_cache.erase(last);
      incident_recent.pop_back();
    }
    incident_recent.push_front(id);
    incident_cache.emplace(id, CachedIncident{inc, bytes, incident_recent.begin()});
    incident_cache_used += bytes;
    return inc;
  }

  Result<Incident> ReadIncident(const std::string& id) const {
    ASSIGN_OR_RETURN(Stmt s, db->PrepareCached("SELECT id, title, started_at_ms, resolved_at_ms, raw_text, "
                                         "symptoms, log_signatures, metric_conditions, "
                                         "root_cause, component, verification_steps, mitigation, source, "
                                         "links, CASE WHEN json_valid(extra) THEN json_extract(extra, '$.resolution') END "
                                         "FROM incidents WHERE id = ?"));
    s.Bind(1, id);
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return NotFoundError("no incident `" + id + "` in the knowledge base");
    Incident inc;
    inc.id = s.Text(0);
    inc.title = s.Text(1);
    inc.started_at_ms = s.Int(2);
    inc.resolved_at_ms = s.Int(3);
    // Open when its import read it so (a Timeline's `not resolved`, a thread's `Resolved: not yet`;
    // KB10, 2026-12-05: before, every stored incident read as resolved); mitigated ones stay
    // kResolved (the service came back; extra.resolution says "mitigated").
    inc.status = s.Text(14) == "open" ? IncidentStatus::kOpen : IncidentStatus::kResolved;
    inc.raw_text = s.Text(4);
    ASSIGN_OR_RETURN(inc.symptoms, FromJsonArray(s.Text(5), "symptoms", inc.id));
    ASSIGN_OR_RETURN(inc.log_signatures, FromJsonArray(s.Text(6), "log_signatures", inc.id));
    ASSIGN_OR_RETURN(inc.metric_conditions, FromJsonArray(s.Text(7), "metric_conditions", inc.id));
    inc.root_cause = s.Text(8);
    inc.component = s.Text(9);
    ASSIGN_OR_RETURN(inc.verification_steps, FromJsonArray(s.Text(10), "verification_steps", inc.id));
    inc.mitigation = s.Text(11);
    inc.source = s.Text(12);
    ASSIGN_OR_RETURN(inc.links, FromJsonArray(s.Text(13), "links", inc.id));
    return inc;
  }

  Result<std::vector<SearchHit>> Search(const SearchQuery& q) const {
    std::vector<SearchHit> out;
    if (q.k == 0) return out;
    // Each ranker's depth is 4 k, at least 50; saturated so a huge k (a caller's SIZE_MAX) neither
    // wraps around (to fewer hits than asked) nor makes Dense's 8 x depth wrap (QA3).
    constexpr size_t kMaxDepth = size_t{1} << 40;
    // Lexical alone (a diagnosis's per-line recall, k 1; SeenBefore, k 16): the hits are the
    // lexical list's first k in its order (one list fused keeps it), so the index is asked for k
    // (KB9): the same hits, and MaxScore's threshold is the k-th score at once instead of the 50th
    // (at 1 M entries with thousands of near-tied copies, most of a recall's probes).
    const size_t depth = q.mode == SearchMode::kLexical ? std::min(q.k, kMaxDepth)
                         : q.k >= kMaxDepth / 4         ? kMaxDepth
                                                        : std::max<size_t>(q.k * 4, 50);
    std::vector<int64_t> lexical, dense;
    if (q.mode != SearchMode::kDense) {
      lexical = Lexical(q, depth);
    }
    if (q.mode != SearchMode::kLexical) {
      auto d = Dense(q, depth);
      if (!d.ok()) {
        if (q.mode == SearchMode::kDense) return d.status();
        LogWarn("kb", "hybrid search falls back to lexical only: " + d.status().message());
      } else {
        dense = std::move(d).value();
      }
    }
    // Reciprocal rank fusion (Cormack et al.): score = sum over lists of 1 / (60 + rank).
    constexpr double kRrf = 60;
    std::unordered_map<int64_t, SearchHit> fused;
    for (size_t r = 0; r < lexical.size(); ++r) {
      auto& h = fused[lexical[r]];
      h.lexical_rank = static_cast<int>(r + 1);
      h.score += 1.0 / (kRrf + r + 1);
    }
    for (size_t r = 0; r < dense.size(); ++r) {
      auto& h = fused[dense[r]];
      h.dense_rank = static_cast<int>(r + 1);
      h.score += 1.0 / (kRrf + r + 1);
    }
    std::vector<std::pair<int64_t, SearchHit>> ranked(fused.begin(), fused.end());
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
      if (a.second.score != b.second.score) return a.second.score > b.second.score;
      return a.first < b.first;
    });
    for (size_t i = 0; i < ranked.size() && out.size() < q.k; ++i) {
      ASSIGN_OR_RETURN(SearchHit full, Hydrate(ranked[i].first));
      full.score = ranked[i].second.score;
      full.lexical_rank = ranked[i].second.lexical_rank;
      full.dense_rank = ranked[i].second.dense_rank;
      out.push_back(std::move(full));
    }
    return out;
  }

  Status LoadSignatureCache() const {
    if (signature_cache) return Status::Ok();
    std::vector<std::string> patterns;              // distinct, in pattern order
    std::vector<std::vector<Signature>> owners;     // per entry of `patterns`
    ASSIGN_OR_RETURN(Stmt s,
                     db->Prepare("SELECT s.pattern, s.incident_id, s.category, i.component FROM signatures s "
                                 "JOIN incidents i ON i.id = s.incident_id WHERE s.kind = 'log' "
                                 "ORDER BY s.pattern, s.incident_id"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      Signature sig{SignatureKind::kLog, s.Text(0), s.Text(1), s.Text(2), s.Text(3)};
      if (patterns.empty() || patterns.back() != sig.pattern) {
        patterns.push_back(sig.pattern);
        owners.emplace_back();
      }
      owners.back().push_back(std::move(sig));
    }
    // Patterns with a backtracking hazard (validated on import since 2026-12-02; a database
    // written before may hold one) or that do not compile are left out of the compiled set.
    LoadedSignatures loaded;
    loaded.compiled = CompileSignatureSet(patterns);
    loaded.owners.reserve(loaded.compiled->patterns.size());
    size_t next = 0;
    for (const std::string& kept : loaded.compiled->patterns) {
      while (patterns[next] != kept) ++next;  // the kept patterns are a subsequence of `patterns`
      loaded.owners.push_back(std::move(owners[next++]));
    }
    signature_cache = std::move(loaded);
    return Status::Ok();
  }
};

KnowledgeBase::KnowledgeBase(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
KnowledgeBase::~KnowledgeBase() = default;

Result<std::unique_ptr<KnowledgeBase>> KnowledgeBase::Open(const KnowledgeOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->opts = options;
  if (impl->opts.batch_size == 0) impl->opts.batch_size = 1;
  if (options.import_threads > kMaxImportThreads) {
    return InvalidArgumentError("knowledge base " + options.db_path + ": kb_import_threads " +
                                std::to_string(static_cast<int64_t>(options.import_threads)) +
                                " is outside 0.." + std::to_string(kMaxImportThreads) +
                                " (0 = min(2, CPUs this process may run on))");
  }
  if (impl->opts.import_threads == 0) impl->opts.import_threads = std::clamp<size_t>(UsableCpus(), 1, 2);
  if (options.db_path.empty()) return InvalidArgumentError("knowledge base path is empty");
  if (const int ps = options.sqlite_page_size; ps < 512 || ps > 65536 || (ps & (ps - 1)) != 0) {
    return InvalidArgumentError("knowledge base " + options.db_path + ": sqlite_page_size " +
                                std::to_string(ps) + " is not a power of two from 512 to 65536 bytes");
  }
  if (options.db_path != ":memory:") {
    fs::path parent = fs::path(options.db_path).parent_path();
    std::error_code ec;
    if (!parent.empty()) fs::create_directories(parent, ec);
    if (ec) return FailedPreconditionError("cannot create " + parent.string() + ": " + ec.message());
    impl->index_path = options.db_path + ".faiss";
    impl->lexical_path = options.db_path + ".bm25";
  }
  if (options.embedder) {
    impl->embedder = options.embedder;
  } else {
    ASSIGN_OR_RETURN(auto e, MakeEmbedder(options.embedder_spec));
    impl->embedder = std::move(e);
  }
  ASSIGN_OR_RETURN(impl->db, Db::Open(options.db_path));
  RETURN_IF_ERROR(impl->Migrate());
  RETURN_IF_ERROR(impl->LoadTaxonomy());
  // Validate the index spec before touching any persisted state.
  ASSIGN_OR_RETURN(auto probe, VectorIndex::Create(options.index_spec, impl->embedder->dim()));
  probe.reset();
  ASSIGN_OR_RETURN(impl->generation, impl->StoredGeneration());
  {
    ASSIGN_OR_RETURN(auto ids, impl->EntryIds());
    RETURN_IF_ERROR(impl->OpenLexical(ids));
    RETURN_IF_ERROR(impl->OpenIndex(ids));
  }
  RETURN_IF_ERROR(impl->MaybeLoadPack());
  RETURN_IF_ERROR(impl->SyncWithStore(/*writing=*/false));  // records the data_version the indexes reflect
  return std::unique_ptr<KnowledgeBase>(new KnowledgeBase(std::move(impl)));
}

Result<ImportReport> KnowledgeBase::Import(const std::string& path) {
  std::lock_guard lock(impl_->mu);
  RETURN_IF_ERROR(impl_->SyncWithStore(/*writing=*/true));
  return impl_->ImportPath(path, "");
}

Result<ImportReport> KnowledgeBase::ImportIncidents(std::span<const Incident> incidents,
                                                    const std::string& source_name) {
  std::lock_guard lock(impl_->mu);
  RETURN_IF_ERROR(impl_->SyncWithStore(/*writing=*/true));
  auto t0 = std::chrono::steady_clock::now();
  ImportReport report;
  std::vector<kb::ParsedIncident> parsed;
  parsed.reserve(incidents.size());
  for (size_t i = 0; i < incidents.size(); ++i)
    parsed.push_back({incidents[i], Json::object(), static_cast<int64_t>(i + 1)});
  Status s = impl_->FinishImport(impl_->WriteIncidents(parsed, source_name, &report));
  if (!s.ok()) return s;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return report;
}

Result<ImportReport> KnowledgeBase::UpsertIncident(const Incident& incident) {
  if (incident.source.empty()) return InvalidArgumentError("UpsertIncident: the incident has no source");
  if (incident.id.empty()) return InvalidArgumentError("UpsertIncident: the incident has no id");
  std::lock_guard lock(impl_->mu);
  RETURN_IF_ERROR(impl_->SyncWithStore(/*writing=*/true));
  auto t0 = std::chrono::steady_clock::now();
  ImportReport report;
  std::vector<kb::ParsedIncident> parsed;
  parsed.push_back({incident, Json::object(), 1});
  impl_->upsert_source = incident.source;
  Status s = impl_->FinishImport(impl_->WriteIncidents(parsed, incident.source, &report));
  impl_->upsert_source.clear();
  if (!s.ok()) return s;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return report;
}

Result<Incident> KnowledgeBase::DeleteIncident(const std::string& id) {
  std::lock_guard lock(impl_->mu);
  RETURN_IF_ERROR(impl_->SyncWithStore(/*writing=*/true));
  Result<Incident> stored = impl_->LoadIncident(id);
  if (!stored.ok()) {
    if (stored.status().code() == StatusCode::kNotFound) {
      return NotFoundError("no incident `" + id + "` in the knowledge base");
    }
    return stored.status();
  }
  if (stored->source.starts_with("pack:")) {
    return FailedPreconditionError("incident `" + id +
                                   "` is an entry of the shipped knowledge pack (data/knowledge): it would come back "
                                   "with the next pack update; not deleted");
  }
  RETURN_IF_ERROR(impl_->DeleteInOneTransaction([&] { return impl_->DeleteStoredIncident(id); }));
  return stored;
}

Result<DeletedGuide> KnowledgeBase::DeleteGuide(const std::string& path) {
  std::lock_guard lock(impl_->mu);
  RETURN_IF_ERROR(impl_->SyncWithStore(/*writing=*/true));
  ASSIGN_OR_RETURN(std::optional<Impl::StoredGuide> g, impl_->FindGuide(path));
  if (!g) return NotFoundError(impl_->NoGuideMessage(path));
  if (path.starts_with("pack/")) {
    return FailedPreconditionError("guide `" + path +
                                   "` is a guide of the shipped knowledge pack (data/knowledge): it would come back "
                                   "with the next pack update; not deleted");
  }
  RETURN_IF_ERROR(impl_->DeleteInOneTransaction([&] { return impl_->DeleteStoredGuide(g->id); }));
  return g->deleted;
}

Result<bool> KnowledgeBase::HasGuide(const std::string& path) const {
  std::lock_guard lock(impl_->mu);
  RETURN_IF_ERROR(impl_->SyncWithStore(/*writing=*/false));
  ASSIGN_OR_RETURN(std::optional<Impl::StoredGuide> g, impl_->FindGuide(path));
  return g.has_value();
}

Result<std::vector<SearchHit>> KnowledgeBase::Search(const SearchQuery& query) const {
  std::lock_guard lock(impl_->mu);
  RETURN_IF_ERROR(impl_->SyncWithStore(/*writing=*/false));
  return impl_->Search(query);
}

Result<std::vector<SignatureMatch>> KnowledgeBase::MatchLogLines(std::span<const std::string> lines) const {
  std::lock_guard lock(impl_->mu);
  RETURN_IF_ERROR(impl_->SyncWithStore(/*writing=*/false));
  RETURN_IF_ERROR(impl_->LoadSignatureCache());
  return impl_->MatchLines(lines);
}

Result<std::vector<Signature>> KnowledgeBase::Signatures(std::optional<SignatureKind> kind,
                                                         const std::string& category) const {
  std::lock_guard lock(impl_->mu);
  ASSIGN_OR_RETURN(Stmt s, impl_->db->Prepare("SELECT s.kind, s.pattern, s.incident_id, s.category, "
                                              "i.component FROM signatures s JOIN incidents i "
                                              "ON i.id = s.incident_id WHERE (?1 = '' OR s.kind = ?1) AND "
                                              "(?2 = '' OR s.category = ?2) ORDER BY s.id"));
  s.Bind(1, std::string_view(!kind ? "" : *kind == SignatureKind::kLog ? "log" : "metric")).Bind(2, category);
  std::vector<Signature> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back({s.Text(0) == "log" ? SignatureKind::kLog : SignatureKind::kMetric, s.Text(1), s.Text(2),
                   s.Text(3), s.Text(4)});
  }
  return out;
}

Result<Incident> KnowledgeBase::GetIncident(const std::string& id) const {
  std::lock_guard lock(impl_->mu);
  return impl_->LoadIncident(id);
}

IncidentCacheUsage KnowledgeBase::IncidentCache() const {
  std::lock_guard lock(impl_->mu);
  return {impl_->incident_cache.size(), impl_->incident_cache_used, impl_->opts.incident_cache_bytes};
}

Status KnowledgeBase::ForEachEntryText(
    const std::function<void(int64_t id, const std::string& title, const std::string& body)>& fn) const {
  std::lock_guard lock(impl_->mu);
  return impl_->EntryTexts([&](int64_t id, const std::string&, const std::string&, const std::string&,
                               int64_t, std::string title, std::string body) { fn(id, title, body); });
}

Result<KnowledgeStats> KnowledgeBase::Stats() const {
  std::lock_guard lock(impl_->mu);
  RETURN_IF_ERROR(impl_->SyncWithStore(/*writing=*/false));
  auto& db = *impl_->db;
  KnowledgeStats st;
  ASSIGN_OR_RETURN(st.incidents, db.QueryInt("SELECT count(*) FROM incidents"));
  ASSIGN_OR_RETURN(st.log_signatures, db.QueryInt("SELECT count(*) FROM signatures WHERE kind = 'log'"));
  ASSIGN_OR_RETURN(st.metric_conditions,
                   db.QueryInt("SELECT count(*) FROM signatures WHERE kind = 'metric'"));
  ASSIGN_OR_RETURN(st.guides, db.QueryInt("SELECT count(*) FROM guides"));
  ASSIGN_OR_RETURN(st.guide_chunks, db.QueryInt("SELECT count(*) FROM guide_chunks"));
  ASSIGN_OR_RETURN(int64_t version, db.QueryInt("PRAGMA user_version"));
  st.schema_version = static_cast<int>(version);
  st.index_vectors = impl_->index ? impl_->index->size() : 0;
  st.index_trained = impl_->index ? impl_->index->trained() : false;
  st.index_training_size = impl_->index ? static_cast<int64_t>(impl_->index->training_size()) : 0;
  ASSIGN_OR_RETURN(
      Stmt s,
      db.Prepare("SELECT root_cause, count(*) FROM incidents GROUP BY root_cause ORDER BY root_cause"));
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    st.incidents_by_category[s.Text(0)] = s.Int(1);
  }
  for (const auto& id : impl_->category_order) {
    if (impl_->categories.at(id).user_defined) st.user_defined_categories.push_back(id);
  }
  st.embedder = impl_->embedder->Spec();
  st.index_spec = impl_->opts.index_spec;
  return st;
}

std::vector<std::string> KnowledgeBase::Categories() const {
  std::lock_guard lock(impl_->mu);
  return impl_->category_order;
}

std::string KnowledgeBase::CategoryLayer(const std::string& category) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->categories.find(category);
  return it == impl_->categories.end() ? "" : it->second.layer;
}

}  // namespace vigil
