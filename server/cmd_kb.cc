// `vigil kb`: import, mine, search and inspect the incident knowledge base (knowledge/).
//   vigil kb import FILE|DIR...      JSON lines, CSV, Markdown guides; prints a JSON report
//   vigil kb mine FILE [--miner builtin|llm]   prints the mined fields as JSON
//   vigil kb search "text" [--k N] [--json] [--category C] [--component X] [--mode M]
//   vigil kb stats [--json]
// Exit codes: 0 ok; 1 the work failed (database error, entries rejected on import); 2 bad usage.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <memory>

#include "connectors/llm_client.h"
#include "core/json.h"
#include "core/time_util.h"
#include "knowledge/knowledge_base.h"
#include "knowledge/miner.h"
#include "server/cli.h"

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
};

Result<std::unique_ptr<KnowledgeBase>> OpenKb(const Config& config) {
  return KnowledgeBase::Open(KnowledgeOptionsFromConfig(config));
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
  auto hits = (*kb)->Search(q);
  if (!hits.ok()) return ReportError(hits.status());
  if (a.json) {
    Json out = Json::array();
    for (const auto& h : *hits) out.push_back(h.ToJson());
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  if (hits->empty()) std::cout << "no matches\n";
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
    } else {
      std::printf("guide %s: %s\n", h.guide_path.c_str(), h.heading.c_str());
    }
    std::printf("   score %.4f (lexical rank %d, dense rank %d)\n", h.score, h.lexical_rank, h.dense_rank);
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

}  // namespace

CommandRunner SetupKb(CLI::App& sub) {
  auto a = std::make_shared<KbArgs>();
  auto* import =
      sub.add_subcommand("import", "import incidents (.jsonl, .csv) and guides (.md, directories)");
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
  return [a, import, mine, search, stats](const Config& config) {
    if (import->parsed()) return RunImport(config, *a);
    if (mine->parsed()) return RunMine(config, *a);
    if (search->parsed()) return RunSearch(config, *a);
    if (stats->parsed()) return RunStats(config, *a);
    std::fprintf(stderr, "vigil kb: choose import, mine, search or stats\n");
    return 2;
  };
}

}  // namespace vigil
