// Helpers shared by the diagnosis test files (agents/diagnosis*_test.cc); test-only, includes doctest.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <utility>
#include <vector>

#include "knowledge/knowledge_base.h"

namespace vigil::testing {

// An in-memory knowledge base (no pack, exact Flat index) holding just `incidents`.
inline std::unique_ptr<KnowledgeBase> KbWith(const std::vector<Incident>& incidents) {
  KnowledgeOptions ko;
  ko.db_path = ":memory:";
  ko.pack_dir = "";
  ko.load_pack = false;
  ko.index_spec = "Flat";
  auto kb = KnowledgeBase::Open(ko);
  REQUIRE_MESSAGE(kb.ok(), kb.status().message());
  auto imported = (*kb)->ImportIncidents(incidents, "test");
  REQUIRE_MESSAGE(imported.ok(), imported.status().message());
  return std::move(kb).value();
}

// The knowledge-base incident of a CUDA OOM that several diagnosis tests recall.
inline Incident OomIncident() {
  Incident oom;
  oom.id = "oom-1";
  oom.title = "CUDA out of memory during forward";
  oom.log_signatures = {"CUDA out of memory"};
  oom.root_cause = "cuda_oom";
  oom.mitigation = "lower the micro-batch size";
  return oom;
}

}  // namespace vigil::testing
