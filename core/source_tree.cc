#include "core/source_tree.h"

#include <filesystem>
#include <system_error>

namespace vigil {

std::string SourceTreePath(const std::string& relative) {
  return (std::filesystem::path(VIGIL_SOURCE_DIR) / relative).lexically_normal().string();
}

std::optional<std::string> FindInWorkingOrSourceTree(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(path, ec)) return path;
  if (path.empty() || fs::path(path).is_absolute()) return std::nullopt;
  std::string built = SourceTreePath(path);
  if (fs::exists(built, ec)) return built;
  return std::nullopt;
}

}  // namespace vigil
