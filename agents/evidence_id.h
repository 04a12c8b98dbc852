// An id for an evidence item a step adds after the reasoner: "k1", "k2", ... the first one `d`'s
// evidence does not use yet. Shared by the diagnosis agent's context items and the symptom prior.
// Header only, pure.
#pragma once

#include <set>
#include <string>

#include "core/domain.h"

namespace vigil {

inline std::string FreeEvidenceId(const Diagnosis& d) {
  std::set<std::string> used;
  for (const Evidence& e : d.evidence) used.insert(e.id);
  std::string id;
  size_t n = 1;
  do {
    id = "k";
    id += std::to_string(n++);
  } while (used.count(id) > 0);
  return id;
}

}  // namespace vigil
