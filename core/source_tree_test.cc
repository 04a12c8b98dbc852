#include "core/source_tree.h"

#include <doctest/doctest.h>

#include <filesystem>

namespace vigil {
namespace {

// Runs `body` with the working folder set to `dir`, then restores it.
template <typename F>
void InFolder(const std::filesystem::path& dir, F body) {
  const std::filesystem::path back = std::filesystem::current_path();
  std::filesystem::current_path(dir);
  body();
  std::filesystem::current_path(back);
}

TEST_CASE("FindInWorkingOrSourceTree: working folder first, then the source tree, else none") {
  InFolder(VIGIL_SOURCE_DIR, [] {
    CHECK(FindInWorkingOrSourceTree("core/source_tree.h") == "core/source_tree.h");  // as given
  });
  InFolder(std::filesystem::temp_directory_path(), [] {
    CHECK(FindInWorkingOrSourceTree("core/source_tree.h") == SourceTreePath("core/source_tree.h"));
    CHECK_FALSE(FindInWorkingOrSourceTree("core/no_such_file.h").has_value());
    CHECK_FALSE(FindInWorkingOrSourceTree("/no/such/absolute/file").has_value());  // never moved
    CHECK_FALSE(FindInWorkingOrSourceTree("").has_value());
  });
  CHECK(SourceTreePath("../shared/x") ==
        (std::filesystem::path(VIGIL_SOURCE_DIR).parent_path() / "shared/x").string());
}

}  // namespace
}  // namespace vigil
