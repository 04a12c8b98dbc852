// Defaults that the config table (config.cc) shares with an options struct of another module, each
// written once here, so that code filling the struct by hand (tests, evals, benches) gets what
// `vigil` gets from the config. Each has a test that the two agree.
#pragma once

#include <string_view>

namespace vigil {

// `kb_index`: the knowledge base's FAISS index factory string, and KnowledgeOptions::index_spec's
// default. IVF1024,Flat searches exactly (as Flat) until the store holds 32 768 vectors, then
// trains (knowledge/vector_index.h). Before KB7 (2026-12-04) KnowledgeOptions defaulted to `Flat`,
// which no `vigil` command opened.
inline constexpr std::string_view kDefaultKbIndex = "IVF1024,Flat";

}  // namespace vigil
