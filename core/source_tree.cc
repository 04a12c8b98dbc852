#include "core/source_tree.h"

#include <filesystem>
#include <system_error>

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

std::optional<std::string> FindInSearchFolders(const std::string& path, const SearchFolders& where, FindWhat what) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto found = [&](const std::string& p) {
    return what == FindWhat::kRegularFile ? fs::is_regular_file(p, ec) : fs::exists(p, ec);
  };
  if (path.empty()) return std::nullopt;
  if (fs::path(path).is_absolute()) return found(path) ? std::optional<std::string>(path) : std::nullopt;
  if (where.working) {
    const std::string p = where.working->empty() ? path : (fs::path(*where.working) / path).lexically_normal().string();
    if (found(p)) return p;
  }
  if (!where.executable.empty()) {
    const std::string p =
        (fs::path(where.executable).parent_path().parent_path() / path).lexically_normal().string();
    if (found(p)) return p;
  }
  if (!where.source_tree.empty()) {
    const std::string p = (fs::path(where.source_tree) / path).lexically_normal().string();
    if (found(p)) return p;
  }
  return std::nullopt;
}

std::optional<std::string> FindInWorkingOrSourceTree(const std::string& path, FindWhat what) {
  return FindInSearchFolders(path, ProcessSearchFolders(), what);
}

}  // namespace vigil
