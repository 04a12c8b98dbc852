// Test-only: test inputs several of knowledge/'s test files read (run from the repository root,
// as ctest does). Shared by knowledge_base_test.cc and kb_import_threads_test.cc.
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

#include "core/domain.h"
#include "core/json.h"

namespace vigil {

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

}  // namespace vigil
