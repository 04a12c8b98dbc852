// `vigil kb`: import, mine, search and inspect the incident knowledge base (knowledge/).
//   vigil kb import FILE|DIR...      JSON lines, CSV, Markdown guides; prints a JSON report
//   vigil kb mine FILE [--miner builtin|llm]   prints the mined fields as JSON
//   vigil kb search "text" [--k N] [--json] [--category C] [--component X] [--mode M]
//   vigil kb stats [--json]
//   vigil kb delete ID|PATH...       removes wrong incidents and outdated guides (by the path they
//       were imported as; not the shipped pack's); prints each as a JSON line (an incident's
//       `kb import` reads back)
//   vigil kb resolve ID --root-cause CAT --fix TEXT --summary TEXT [--by NAME]
//       the on-call engineer's resolution of incident ID of `vigil serve`'s store
//       (<data_dir>/incidents.db), as POST /api/v1/incidents/ID/resolution does it, for when serve
//       is not running (it holds the store's lock while it runs: then post to it instead)
// Exit codes: 0 ok; 1 the work failed (database error, entries rejected on import, an unknown
// incident, a locked or read-only store); 2 bad usage (a bad flag value: unknown category, empty text).
#include <CLI/CLI.hpp>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>

#include "connectors/llm_client.h"
#include "core/logging.h"
#include "core/json.h"
#include "core/parse.h"
#include "core/time_util.h"
#include "core/utf8.h"
#include "knowledge/exact_terms.h"
#include "knowledge/incident_source.h"
#include "knowledge/knowledge_base.h"
#include "knowledge/miner.h"
#include "knowledge/text_util.h"
#include "server/cli.h"
#include "server/http_api.h"
#include "server/incident_store.h"

namespace vigil {
namespace {

struct KbArgs {
  std::vector<std::string> import_paths;
  std::string mine_file;
  std::string miner = "builtin";
  std::string query;
  int k = 5;
  bool json = false;
  std::string category, component, mode = "hybrid", since, until;
  bool no_guides = false;
  bool stats_json = false;
  std::string resolve_id, root_cause, fix, summary, by;
  std::vector<std::string> delete_ids;
};

Result<std::unique_ptr<KnowledgeBase>> OpenKb(const Config& config) {
  auto kb = KnowledgeBase::Open(KnowledgeOptionsFromConfig(config));
  if (!kb.ok()) return WithDataDirNote(kb.status(), config.GetString("data_dir"));
  return kb;
}

int RunImport(const Config& config, const KbArgs& a) {
  auto kb = OpenKb(config);
  if (!kb.ok()) return ReportError(kb.status());
  Json reports = Json::array();
  int64_t rejected = 0;
  for (const auto& path : a.import_paths) {
    auto r = (*kb)->Import(path);
    if (!r.ok()) return ReportError(r.status().WithContext("import " + path));
    for (const auto& i : r->issues) {
      std::string where = i.file;  // file:line, or the file alone for what concerns all of it
      if (i.line > 0) where += ":" + std::to_string(i.line);
      // -q / --log-level error: a re-import's "duplicate of stored ...; skipped" lines (a cron job's
      // mail) are left out; a rejected entry and every other warning about the input are said.
      if (!i.rejected && !Says(LogLevel::kWarn) && i.message.starts_with("duplicate of stored ")) continue;
      std::fprintf(stderr, "%s: %s: %s\n", where.c_str(), i.rejected ? "rejected" : "warning", i.message.c_str());
    }
    rejected += r->rejected;
    Json j = r->ToJson();
    j.erase("issues");
    j["path"] = path;
    reports.push_back(j);
  }
  std::cout << reports.dump(2) << "\n";
  return rejected > 0 ? 1 : 0;
}

int RunMine(const Config& config, const KbArgs& a) {
  auto text = ReadFile(a.mine_file);
  if (!text.ok()) return ReportError(InvalidArgumentError(text.status().message()));
  // Bytes that are not UTF-8 cannot go into the JSON the mined fields are printed as (a binary
  // file gave "internal error: [json.exception.type_error.316] ...", exit 1; DOCCHK, 2026-12-04).
  if (size_t bad = 0; !IsValidUtf8(*text, &bad)) {
    const size_t line_start = text->rfind('\n', bad == 0 ? std::string::npos : bad - 1);
    const size_t line = 1 + static_cast<size_t>(std::count(text->begin(), text->begin() + static_cast<std::ptrdiff_t>(bad), '\n'));
    const size_t column = bad - (line_start == std::string::npos || bad == 0 ? 0 : line_start + 1) + 1;
    char byte[8];
    std::snprintf(byte, sizeof(byte), "0x%02X", static_cast<unsigned char>((*text)[bad]));
    return ReportError(InvalidArgumentError("kb mine " + a.mine_file + ": line " + std::to_string(line) +
                                            ": not UTF-8 text (byte " + byte + " at column " + std::to_string(column) +
                                            "): kb mine reads a UTF-8 text file (ticket, chat, postmortem, log excerpt)"));
  }
  auto kb = OpenKb(config);
  if (!kb.ok()) return ReportError(kb.status());
  std::unique_ptr<LlmClient> llm;
  if (a.miner == "llm") {
    auto client = MakeLlmClient(config);
    if (!client.ok()) return ReportError(client.status());
    llm = std::move(client).value();
  }
  auto miner = MakeMiner(a.miner, {kb->get(), llm.get(), 2});
  if (!miner.ok()) return ReportError(miner.status());
  auto mined = (*miner)->Mine(*text);
  if (!mined.ok()) return ReportError(mined.status().WithContext(a.mine_file));
  std::cout << mined->ToJson().dump(2) << "\n";
  return 0;
}

int RunSearch(const Config& config, const KbArgs& a) {
  SearchQuery q;
  q.text = a.query;
  if (a.k <= 0) return ReportError(InvalidArgumentError("--k must be positive"));
  // A blank query listed the dense ranker's neighbours of nothing as results (RV-OPS, 2026-12-03).
  if (kb::Trim(a.query).empty())
    return ReportError(InvalidArgumentError("query: empty (give a log line, an alert's text or words to search for)"));
  q.k = static_cast<size_t>(a.k);
  q.category = a.category;
  q.component = a.component;
  q.include_guides = !a.no_guides;
  auto mode = ParseSearchMode(a.mode);
  if (!mode.ok()) return ReportError(mode.status());
  q.mode = *mode;
  for (auto [text, dst] : {std::pair{&a.since, &q.since_ms}, std::pair{&a.until, &q.until_ms}}) {
    if (text->empty()) continue;
    auto t = ParseRfc3339Ms(*text);
    if (!t.ok()) return ReportError(t.status().WithContext("--since/--until"));
    *dst = *t;
  }
  auto kb = OpenKb(config);
  if (!kb.ok()) return ReportError(kb.status());
  // An exact code in the query ("xid 79", "ncclRemoteError") ranks the entries naming it first,
  // among a deeper search (knowledge/exact_terms.h; RVFIX2, as the chat).
  const std::vector<kb::ExactTerm> exact = kb::ExactTermsOf(a.query);
  if (!exact.empty()) q.k = std::max<size_t>(q.k, std::min<size_t>(q.k * 8, q.k + 200));
  auto hits = (*kb)->Search(q);
  if (!hits.ok()) return ReportError(hits.status());
  if (!exact.empty()) {
    *hits = kb::ExactTermsFirst(std::move(*hits), exact);
    if (hits->size() > static_cast<size_t>(a.k)) hits->resize(static_cast<size_t>(a.k));
  }
  if (a.json) {
    Json out = Json::array();
    for (const auto& h : *hits) out.push_back(h.ToJson());
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  if (hits->empty()) std::cout << "no matches\n";
  // The dense ranker returns neighbours of any text, so a query sharing no word with any entry
  // still got hits, printed as matches with "lexical rank 0" (RV-OPS, 2026-12-03): say so.
  const bool hybrid = *mode == SearchMode::kHybrid;
  if (hybrid && !hits->empty() &&
      std::none_of(hits->begin(), hits->end(), [](const SearchHit& h) { return h.lexical_rank > 0; })) {
    std::cout << "no entry shares a word with the query; the nearest by embedding (dense ranker) only:\n";
  }
  for (size_t i = 0; i < hits->size(); ++i) {
    const auto& h = (*hits)[i];
    std::printf("%zu. [%s] ", i + 1, h.category.empty() ? "-" : h.category.c_str());
    if (h.kind == SearchHit::Kind::kIncident) {
      std::printf("%s  (%s)\n", h.incident.title.c_str(), h.incident.id.c_str());
      if (!h.incident.mitigation.empty()) std::printf("   mitigation: %s\n", h.incident.mitigation.c_str());
      if (!h.incident.verification_steps.empty()) {
        std::string steps;
        for (const auto& s : h.incident.verification_steps) steps += (steps.empty() ? "" : ", ") + s;
        std::printf("   verify: %s\n", steps.c_str());
      }
      // Where it came from and when (WALKK, 2026-12-04), as the chat lists it.
      if (const std::string from = kb::IncidentSourceLabel(h.incident.source); !from.empty()) {
        std::printf("   source: %s%s%s\n", from.c_str(), h.incident.started_at_ms > 0 ? ", started " : "",
                    h.incident.started_at_ms > 0 ? FormatRfc3339Ms(h.incident.started_at_ms).c_str() : "");
      }
    } else {
      std::printf("guide %s: %s\n", h.guide_path.c_str(), h.heading.c_str());
    }
    const std::string lexical = h.lexical_rank > 0 ? std::to_string(h.lexical_rank) : std::string("none: no shared word");
    const std::string dense = h.dense_rank > 0 ? std::to_string(h.dense_rank) : std::string("none");
    std::printf("   score %.4f (lexical rank %s, dense rank %s)\n", h.score, lexical.c_str(), dense.c_str());
  }
  return 0;
}

int RunStats(const Config& config, const KbArgs& a) {
  auto kb = OpenKb(config);
  if (!kb.ok()) return ReportError(kb.status());
  auto st = (*kb)->Stats();
  if (!st.ok()) return ReportError(st.status());
  if (a.stats_json) {
    std::cout << st->ToJson().dump(2) << "\n";
    return 0;
  }
  std::printf("incidents %lld, log signatures %lld, metric conditions %lld, guides %lld (%lld chunks)\n",
              static_cast<long long>(st->incidents), static_cast<long long>(st->log_signatures),
              static_cast<long long>(st->metric_conditions), static_cast<long long>(st->guides),
              static_cast<long long>(st->guide_chunks));
  std::printf("index %s over %lld vectors, embedder %s, schema v%d\n", st->index_spec.c_str(),
              static_cast<long long>(st->index_vectors), st->embedder.c_str(), st->schema_version);
  for (const auto& [cat, n] : st->incidents_by_category)
    std::printf("  %-32s %lld\n", cat.c_str(), static_cast<long long>(n));
  if (!st->user_defined_categories.empty()) {
    std::string u;
    for (const auto& c : st->user_defined_categories) u += (u.empty() ? "" : ", ") + c;
    std::printf("user-defined categories: %s\n", u.c_str());
  }
  return 0;
}

// What one `vigil kb delete` argument names: an incident by its id or a guide by the path it was
// imported as (as `vigil kb search` prints it). A name that is both is refused: `incident:NAME` or
// `guide:NAME` says which (these prefixes are read only when the whole name is neither). Returns
// the line printed for it: the deleted incident (which `vigil kb import` reads back) or the guide.
Result<std::string> DeleteOne(KnowledgeBase& kb, const std::string& name) {
  auto is_incident = [&kb](const std::string& id) -> Result<bool> {
    Result<Incident> inc = kb.GetIncident(id);
    if (inc.ok()) return true;
    if (inc.status().code() == StatusCode::kNotFound) return false;
    return inc.status();
  };
  ASSIGN_OR_RETURN(bool incident, is_incident(name));
  ASSIGN_OR_RETURN(bool guide, kb.HasGuide(name));
  if (incident && guide) {
    return InvalidArgumentError("`" + name + "` is both an incident's id and a guide's path: not deleted; name one: `incident:" +
                                name + "` or `guide:" + name + "`");
  }
  std::string key = name;
  if (!incident && !guide) {
    if (name.starts_with("guide:")) {
      key = name.substr(6);
      ASSIGN_OR_RETURN(guide, kb.HasGuide(key));
      ASSIGN_OR_RETURN(bool other, is_incident(key));
      if (!guide && other) {
        return NotFoundError("no guide `" + key + "` in the knowledge base: `" + key + "` is an incident (`vigil kb delete " +
                             key + "` deletes it)");
      }
      guide = true;
    } else if (name.starts_with("incident:")) {
      key = name.substr(9);
      ASSIGN_OR_RETURN(incident, is_incident(key));
      ASSIGN_OR_RETURN(bool other, kb.HasGuide(key));
      if (!incident && other) {
        return NotFoundError("no incident `" + key + "` in the knowledge base: `" + key + "` is a guide (`vigil kb delete " +
                             key + "` deletes it)");
      }
      incident = true;
    }
  }
  if (guide) {
    ASSIGN_OR_RETURN(DeletedGuide g, kb.DeleteGuide(key));
    return g.ToJson().dump();
  }
  if (incident) {
    ASSIGN_OR_RETURN(Incident gone, kb.DeleteIncident(key));
    return Json(gone).dump();
  }
  // Neither: the guide's message names a stored guide of the same file name, if any.
  Result<DeletedGuide> none = kb.DeleteGuide(name);
  if (none.ok()) return none->ToJson().dump();  // stored since HasGuide (another process's import)
  std::string hint = none.status().message();
  const size_t open = hint.find(" (");
  hint = open == std::string::npos ? std::string() : hint.substr(open);
  return NotFoundError("no incident `" + name + "` in the knowledge base, nor a guide of that path" + hint);
}

// Deletes each named incident or guide (an unknown name or a pack entry is an error naming it; the
// others are deleted all the same; a read-only or locked store stops at the first, naming those not
// tried) and prints each deleted one as a JSON line: a mistaken incident delete is undone by
// importing that output (`vigil kb delete X > x.jsonl; vigil kb import x.jsonl`); a guide by
// importing its Markdown file again. A name given twice is said and deleted once.
int RunDelete(const Config& config, const KbArgs& a) {
  // A store the user may not write (its file or its folder, where SQLite keeps its write-ahead log)
  // is said before anything is opened; the knowledge base says the same of a connection SQLite opened
  // read-only.
  const std::string db_path = KnowledgeOptionsFromConfig(config).db_path;
  for (const std::string& path : {db_path, std::filesystem::path(db_path).parent_path().string()}) {
    std::error_code ec;
    if (path.empty() || !std::filesystem::exists(path, ec)) continue;
    if (::access(path.c_str(), W_OK) != 0) {
      return ReportError(FailedPreconditionError(path + " is read-only: nothing deleted"));
    }
  }
  auto kb = OpenKb(config);
  if (!kb.ok()) return ReportError(kb.status());
  int failed = 0;
  std::map<std::string, size_t> seen;  // name -> its argument number
  for (size_t i = 0; i < a.delete_ids.size(); ++i) {
    const std::string& name = a.delete_ids[i];
    if (auto [it, fresh] = seen.emplace(name, i + 1); !fresh) {
      if (Says(LogLevel::kWarn)) std::fprintf(stderr, "vigil kb delete: warning: `%s` is named twice (arguments %zu and %zu); deleted once\n",
                   name.c_str(), it->second, i + 1);
      continue;
    }
    Result<std::string> line = DeleteOne(**kb, name);
    if (!line.ok()) {
      std::fprintf(stderr, "vigil kb delete: %s\n", line.status().message().c_str());
      ++failed;
      // The store itself (locked, read-only): the names after it would fail the same way.
      const Status st = line.status();
      const std::string& why = st.message();
      const bool store = st.code() == StatusCode::kUnavailable ||
                         (st.code() == StatusCode::kFailedPrecondition &&
                          why.find(" is read-only") != std::string::npos && why.ends_with("nothing deleted"));
      if (store && i + 1 < a.delete_ids.size()) {
        std::string rest;
        for (size_t j = i + 1; j < a.delete_ids.size(); ++j) rest += (rest.empty() ? "`" : "`, `") + a.delete_ids[j];
        std::fprintf(stderr, "vigil kb delete: not tried: %s`\n", rest.c_str());
      }
      if (store) break;
      continue;
    }
    std::cout << *line << "\n";
  }
  return failed > 0 ? 1 : 0;
}

// ParseResolution's message names the JSON field ("root_cause: unknown category ..."): name the flag.
std::string WithFlagNames(std::string message) {
  static const std::pair<const char*, const char*> kFlags[] = {
      {"root_cause: ", "--root-cause: "}, {"resolution: ", "--fix: "}, {"summary: ", "--summary: "}, {"by: ", "--by: "}};
  for (const auto& [field, flag] : kFlags) {
    if (message.rfind(field, 0) == 0) return flag + message.substr(std::string_view(field).size());
  }
  return message;
}

int RunResolve(const Config& config, const KbArgs& a) {
  namespace fs = std::filesystem;
  const std::optional<uint64_t> id = ParseUint(a.resolve_id);
  if (!id || *id == 0 || *id > static_cast<uint64_t>(INT64_MAX)) {
    return ReportError(InvalidArgumentError("incident id `" + a.resolve_id +
                                            "` is not a positive whole number (the id in GET /api/v1/incidents)"));
  }
  std::string by = a.by;
  if (by.empty()) {  // $USER, $LOGNAME, then the account's name (REV2: a root shell in a container has neither)
    for (const char* var : {"USER", "LOGNAME"}) {
      if (const char* v = std::getenv(var); v != nullptr && *v != '\0') {
        by = v;
        break;
      }
    }
    if (by.empty()) {
      if (const passwd* pw = ::getpwuid(::geteuid()); pw != nullptr && pw->pw_name != nullptr) by = pw->pw_name;
    }
  }
  // Nothing is written before every check passes: the store must exist (an unknown data_dir is not
  // made into an empty store) and both databases must be writable.
  const std::string data_dir = config.GetString("data_dir");
  const fs::path store_path = IncidentStorePath(data_dir);
  const KnowledgeOptions kb_options = KnowledgeOptionsFromConfig(config);
  std::error_code ec;
  if (!fs::is_regular_file(store_path, ec)) {
    return ReportError(NotFoundError("no incident store " + store_path.string() + " (data_dir " + data_dir + ", " +
                                     config.SourceOf("data_dir") +
                                     "): kb resolve records resolutions of the incidents `vigil serve` keeps there"));
  }
  for (const std::string& path : {store_path.string(), fs::path(data_dir).string(), kb_options.db_path}) {
    if (!fs::exists(path, ec)) continue;  // a missing kb.sqlite is created, as serve does
    if (::access(path.c_str(), W_OK) != 0) {
      return ReportError(FailedPreconditionError(path + " is not writable (read-only): nothing was written"));
    }
  }
  // Text that is not UTF-8 cannot go into the JSON body below (nlohmann's dump() threw type_error
  // 316: "internal error", exit 1); serve's route never sees it (its body is parsed JSON). QA3.
  for (const auto& [flag, text] : {std::pair<const char*, const std::string&>{"--root-cause", a.root_cause},
                                   {"--fix", a.fix}, {"--summary", a.summary}, {"--by", by}}) {
    size_t bad = 0;
    if (IsValidUtf8(text, &bad)) continue;
    char byte[8];
    std::snprintf(byte, sizeof(byte), "0x%02X", static_cast<unsigned char>(text[bad]));
    std::string m = flag;
    m += ": not UTF-8 text (byte ";
    m += byte;
    m += " at offset ";
    m += std::to_string(bad);
    m += "): nothing was written";
    return ReportError(InvalidArgumentError(m));
  }
  auto kb = OpenKb(config);
  if (!kb.ok()) return ReportError(kb.status().WithContext("knowledge base"));
  // The same validation as serve's route: ParseResolution of the same JSON body.
  const Json body{{"root_cause", a.root_cause}, {"summary", a.summary}, {"resolution", a.fix}, {"by", by}};
  Result<IncidentResolution> parsed = ParseResolution(body.dump(), ResolutionCategories(**kb));
  if (!parsed.ok()) {
    std::string m = WithFlagNames(parsed.status().message());
    if (m.rfind("--by: empty", 0) == 0) m += " (give --by NAME: neither $USER, $LOGNAME nor the account has a name)";
    return ReportError(InvalidArgumentError(m));
  }
  IncidentStoreOptions so;
  so.path = store_path.string();
  auto store = IncidentStore::Open(so);
  if (!store.ok()) {
    const Status& st = store.status();
    return ReportError(Status(st.code(), st.message() + (st.message().find("in use by another process") != std::string::npos
                                                             ? " (is vigil serve running on this data_dir? post the resolution "
                                                               "to it: POST /api/v1/incidents/" + std::to_string(*id) + "/resolution)"
                                                             : std::string())));
  }
  auto record = RecordResolution(**store, **kb, static_cast<int64_t>(*id), *parsed);
  if (!record.ok()) {
    const Status& st = record.status();
    // An unknown id or an incident still in triage is the work failing (exit 1), not a bad flag.
    // An unknown id says where it was looked for (DOCCHK, 2026-12-04: "no incident 12" alone).
    if (st.code() == StatusCode::kNotFound) {
      return ReportError(Status(st.code(), st.message() + " in " + store_path.string() + " (data_dir " + data_dir + ", " +
                                               config.SourceOf("data_dir") + "; GET /api/v1/incidents lists them)"));
    }
    return ReportError(st.code() == StatusCode::kInvalidArgument ? Status(StatusCode::kFailedPrecondition, st.message())
                                                                 : st);
  }
  if (record->kb_failed) {
    std::fprintf(stderr, "vigil: the resolution of incident %lld is stored, but %s; run this again to retry\n",
                 static_cast<long long>(*id), record->kb_error.c_str());
    return 1;
  }
  if (!record->kb_error.empty() && Says(LogLevel::kWarn)) std::fprintf(stderr, "vigil kb resolve: warning: %s\n", record->kb_error.c_str());
  std::cout << Json{{"id", static_cast<int64_t>(*id)}, {"replaced_earlier", record->replaced_earlier},
                    {"resolution", record->resolution}}.dump(2)
            << "\n";
  return 0;
}

}  // namespace

CommandRunner SetupKb(CLI::App& sub) {
  auto a = std::make_shared<KbArgs>();
  auto* import =
      sub.add_subcommand("import", "import incidents (.jsonl, .json, .csv; Slack / Mattermost channel exports; Markdown postmortems) and guides (.md, directories)");
  import->add_option("paths", a->import_paths, "files or directories")->required();
  auto* mine =
      sub.add_subcommand("mine", "mine structured incident fields from raw text and print them as JSON");
  mine->add_option("file", a->mine_file, "text file (ticket, chat, postmortem, log excerpt)")->required();
  mine->add_option("--miner", a->miner, "builtin (default) or llm");
  auto* search = sub.add_subcommand("search", "hybrid (BM25 + dense) search of incidents and guides");
  search->add_option("text", a->query, "query: a log excerpt or alert text")->required();
  search->add_option("--k", a->k, "number of results (default 5)");
  search->add_flag("--json", a->json, "print hits as JSON");
  search->add_option("--category", a->category, "only this root-cause category");
  search->add_option("--component", a->component, "only this component");
  search->add_option("--mode", a->mode, "hybrid (default), lexical or dense");
  search->add_option("--since", a->since, "only incidents started at or after this RFC 3339 time");
  search->add_option("--until", a->until, "only incidents started before this RFC 3339 time");
  search->add_flag("--no-guides", a->no_guides, "incidents only");
  auto* stats = sub.add_subcommand("stats", "counts by category, index and embedder");
  stats->add_flag("--json", a->stats_json, "print as JSON");
  auto* del = sub.add_subcommand("delete",
                                  "delete wrong incidents by id and outdated guides by path (prints each as a JSON "
                                  "line; an incident's kb import reads back)");
  del->add_option("ids", a->delete_ids,
                  "incident ids or guide paths, as vigil kb search shows them (incident:ID / guide:PATH when a name "
                  "is both)")
      ->required();
  auto* resolve = sub.add_subcommand(
      "resolve", "record the on-call engineer's resolution of a serve incident (as POST /api/v1/incidents/ID/resolution)");
  resolve->add_option("id", a->resolve_id, "the incident's id (GET /api/v1/incidents)")->required();
  resolve->add_option("--root-cause", a->root_cause, "the root-cause category, one of data/taxonomy.json's or one your imported incidents added (an unknown one is refused with the list)")->required();
  resolve->add_option("--fix", a->fix, "what fixed it (the resolution)")->required();
  resolve->add_option("--summary,--note", a->summary, "what was found")->required();
  resolve->add_option("--by", a->by, "who found it (default: $USER, else $LOGNAME, else the account's login name)");
  return [a, import, mine, search, stats, resolve, del](const Config& config) {
    if (resolve->parsed()) return RunResolve(config, *a);
    if (import->parsed()) return RunImport(config, *a);
    if (mine->parsed()) return RunMine(config, *a);
    if (search->parsed()) return RunSearch(config, *a);
    if (stats->parsed()) return RunStats(config, *a);
    if (del->parsed()) return RunDelete(config, *a);
    std::fprintf(stderr, "vigil kb: choose import, mine, search, stats, delete or resolve\n");
    return 2;
  };
}

}  // namespace vigil
