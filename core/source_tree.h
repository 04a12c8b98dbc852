#pragma once
// Files that ship in the source tree (the iforest script, the knowledge pack, the taxonomy, the
// shared datasets beside the repository), found from any working folder: first as given, then in
// the source tree this binary was built from (VIGIL_SOURCE_DIR, set by CMake).
#include <optional>
#include <string>

namespace vigil {

// VIGIL_SOURCE_DIR / `relative`, lexically normal ("../shared/x" beside the repository).
std::string SourceTreePath(const std::string& relative);

// `path` itself when it exists from the working folder; else, for a relative `path`,
// SourceTreePath(path) when that exists; nullopt otherwise (an absolute path is never moved).
std::optional<std::string> FindInWorkingOrSourceTree(const std::string& path);

}  // namespace vigil
