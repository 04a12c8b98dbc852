// The shipped pack's incidents, which the knowledge-base benchmarks perturb into scale corpora
// (knowledge/synthetic_corpus.h: kb_bench, seen_before_bench, root_cause_infer_bench).
#pragma once

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "core/domain.h"
#include "core/json.h"
#include "core/status.h"

namespace vigil::bench {

// The incidents of DIR/pack/*.jsonl, files in name order, lines in file order.
inline Result<std::vector<Incident>> LoadPackIncidents(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<Incident> out;
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(dir) / "pack", ec)) {
    if (e.path().extension() == ".jsonl") files.push_back(e.path());
  }
  if (ec) return NotFoundError("no pack folder " + (fs::path(dir) / "pack").string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    ASSIGN_OR_RETURN(std::string text, ReadFile(f.string()));
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) {
      if (l.empty()) continue;
      ASSIGN_OR_RETURN(Json j, ParseJson(l, f.string()));
      ASSIGN_OR_RETURN(Incident inc, FromJson<Incident>(j, f.string()));
      out.push_back(std::move(inc));
    }
  }
  return out;
}

}  // namespace vigil::bench
