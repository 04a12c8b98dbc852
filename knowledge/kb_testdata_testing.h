// Test-only: test inputs several of knowledge/'s test files read (run from the repository root,
// as ctest does), and a search-results line to compare. Shared by knowledge_base_test.cc and
// kb_import_threads_test.cc.
#pragma once

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "core/domain.h"
#include "core/json.h"
#include "knowledge/knowledge_base.h"

namespace vigil {

// A knowledge base in memory without the shipped pack, Flat index (importers_test.cc,
// chat_import_test.cc).
inline KnowledgeOptions InMemoryNoPackOptions() {
  KnowledgeOptions o;
  o.db_path = ":memory:";
  o.load_pack = false;
  o.index_spec = "Flat";
  return o;
}

// knowledge/testdata/near_dup_pack.jsonl: 12 entries of the shipped pack, frozen.
inline std::vector<Incident> NearDupPack() {
  std::vector<Incident> base;
  std::ifstream in("knowledge/testdata/near_dup_pack.jsonl");
  for (std::string line; std::getline(in, line);) {
    auto j = ParseJson(line, "near_dup_pack.jsonl");
    REQUIRE(j.ok());
    auto inc = FromJson<Incident>(*j, "near_dup_pack.jsonl");
    REQUIRE(inc.ok());
    base.push_back(*inc);
  }
  REQUIRE(base.size() == 12);
  return base;
}

// The query texts of evals/knowledge/queries.jsonl (at least 50).
inline std::vector<std::string> EvalQueries() {
  std::vector<std::string> queries;
  std::ifstream in("evals/knowledge/queries.jsonl");
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) queries.push_back(Json::parse(line)["query"].get<std::string>());
  REQUIRE(queries.size() >= 50);
  return queries;
}

// Search results of `kb` in the format of testdata/v3_store_search.tsv (per hit
// key|lexical_rank|dense_rank|score, key = incident id or guide:path#heading).
inline std::string HitsLine(const KnowledgeBase& kb, const std::string& text, SearchMode mode) {
  SearchQuery q;
  q.text = text;
  q.k = 10;
  q.mode = mode;
  auto hits = kb.Search(q);
  REQUIRE_MESSAGE(hits.ok(), hits.status().ToString());
  std::string out;
  for (const auto& h : *hits) {
    std::string key =
        h.kind == SearchHit::Kind::kIncident ? h.incident.id : "guide:" + h.guide_path + "#" + h.heading;
    char score[40];
    std::snprintf(score, sizeof score, "%.17g", h.score);
    out += (out.empty() ? "" : "\t") + key + "|" + std::to_string(h.lexical_rank) + "|" +
           std::to_string(h.dense_rank) + "|" + score;
  }
  return out;
}

}  // namespace vigil
