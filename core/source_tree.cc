#include "core/source_tree.h"

#include <filesystem>
#include <system_error>
#include <vector>

namespace vigil {

std::string SourceTreePath(const std::string& relative) {
  return (std::filesystem::path(VIGIL_SOURCE_DIR) / relative).lexically_normal().string();
}

SearchFolders ProcessSearchFolders() {
  SearchFolders f;
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) f.executable = self.string();
  f.source_tree = VIGIL_SOURCE_DIR;
  return f;
}

namespace {

// FindInSearchFolders' candidates for a relative, non-empty `path`, in its order, with the place
// each is in (for DescribeSearch).
struct Candidate {
  std::string path;
  const char* place;
};
std::vector<Candidate> Candidates(const std::string& path, const SearchFolders& where) {
  namespace fs = std::filesystem;
  std::vector<Candidate> out;
  if (where.working) {
    out.push_back({where.working->empty() ? path : (fs::path(*where.working) / path).lexically_normal().string(),
                   "the working folder"});
  }
  if (!where.executable.empty()) {
    out.push_back({(fs::path(where.executable).parent_path().parent_path() / path).lexically_normal().string(),
                   "beside the executable"});
  }
  if (!where.source_tree.empty()) {
    out.push_back({(fs::path(where.source_tree) / path).lexically_normal().string(), "the source tree"});
  }
  return out;
}

}  // namespace

std::optional<std::string> FindInSearchFolders(const std::string& path, const SearchFolders& where, FindWhat what) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto found = [&](const std::string& p) {
    return what == FindWhat::kRegularFile ? fs::is_regular_file(p, ec) : fs::exists(p, ec);
  };
  if (path.empty()) return std::nullopt;
  if (fs::path(path).is_absolute()) return found(path) ? std::optional<std::string>(path) : std::nullopt;
  for (const Candidate& c : Candidates(path, where)) {
    if (found(c.path)) return c.path;
  }
  return std::nullopt;
}

std::string DescribeSearch(const std::string& path, const SearchFolders& where) {
  namespace fs = std::filesystem;
  if (path.empty()) return "nowhere (the path is empty)";
  if (fs::path(path).is_absolute()) return path + " only (an absolute path is not searched for)";
  std::string out;
  for (const Candidate& c : Candidates(path, where)) {
    std::string shown = c.path;
    if (where.working && where.working->empty() && c.path == path) {  // as given: from the working folder
      std::error_code ec;
      const fs::path cwd = fs::current_path(ec);
      if (!ec) shown = (cwd / path).lexically_normal().string();
    }
    out += (out.empty() ? "" : ", ") + std::string(c.place) + " (" + shown + ")";
  }
  return out.empty() ? "nowhere (no folder to search)" : out;
}

std::optional<std::string> FindInWorkingOrSourceTree(const std::string& path, FindWhat what) {
  return FindInSearchFolders(path, ProcessSearchFolders(), what);
}

}  // namespace vigil
