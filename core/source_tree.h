#pragma once
// Files that ship in the source tree (the iforest script, the knowledge pack, the taxonomy, the
// shared datasets beside the repository, the probe thresholds), found from any working folder:
// first as given (from the working folder), then under the folder above the running executable's
// folder (`<prefix>` of `<prefix>/bin/vigil`: a copy of the repository's data beside an installed
// or separately built binary), then in the source tree this binary was built from
// (VIGIL_SOURCE_DIR, set by CMake).
#include <optional>
#include <string>

namespace vigil {

// VIGIL_SOURCE_DIR / `relative`, lexically normal ("../shared/x" beside the repository).
std::string SourceTreePath(const std::string& relative);

// Where FindInSearchFolders looks for a relative path, in this order; each may be left out.
struct SearchFolders {
  // The path joined to this folder; "" (the default): the path as given, i.e. from the process'
  // working folder; nullopt: not searched.
  std::optional<std::string> working = std::string();
  std::string executable;   // a path of the executable: <its folder>/../<path>; "": not searched
  std::string source_tree;  // <source_tree>/<path>; "": not searched
};

// The running process': the working folder as given, /proc/self/exe, VIGIL_SOURCE_DIR.
SearchFolders ProcessSearchFolders();

enum class FindWhat { kAnything, kRegularFile };

// The first of `where`'s candidates for `path` that exists (as a regular file when `what` says so),
// lexically normal except a path found as given; nullopt when none. An absolute path is only
// checked itself, never moved.
std::optional<std::string> FindInSearchFolders(const std::string& path, const SearchFolders& where,
                                               FindWhat what = FindWhat::kAnything);

// The places FindInSearchFolders(path, where) looks, in its order, for an error message: e.g.
// "the working folder (/w/x), beside the executable (/usr/x), the source tree (/src/x)" (the
// working folder's shown absolute); an absolute path: "<path> only (...)".
std::string DescribeSearch(const std::string& path, const SearchFolders& where = ProcessSearchFolders());

// FindInSearchFolders(path, ProcessSearchFolders()): the working folder, the executable's prefix,
// the source tree.
std::optional<std::string> FindInWorkingOrSourceTree(const std::string& path,
                                                     FindWhat what = FindWhat::kAnything);

}  // namespace vigil
