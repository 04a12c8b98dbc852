#include "core/source_tree.h"

#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

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

TEST_CASE("FindInSearchFolders: working folder, then the folder above the executable's, then the source tree") {
  namespace fs = std::filesystem;
  const fs::path root = fs::temp_directory_path() / ("vigil-find-" + std::to_string(::getpid()));
  fs::remove_all(root);
  auto make = [&](const fs::path& dir) {
    fs::create_directories(dir / "data");
    std::ofstream(dir / "data/x.json") << "{}";
    return (dir / "data/x.json").string();
  };
  const std::string in_work = make(root / "work");
  const std::string beside = make(root / "release");
  const std::string in_src = make(root / "src");
  SearchFolders all{(root / "work").string(), (root / "release/bin/vigil").string(), (root / "src").string()};
  CHECK(FindInSearchFolders("data/x.json", all) == in_work);
  all.working = (root / "elsewhere").string();
  CHECK(FindInSearchFolders("data/x.json", all) == beside);
  all.executable = (root / "other/bin/vigil").string();
  CHECK(FindInSearchFolders("data/x.json", all) == in_src);
  all.source_tree = (root / "gone").string();
  CHECK_FALSE(FindInSearchFolders("data/x.json", all).has_value());
  // Left out: nullopt / "" skip a step; "" as `working` is the path as given (the process' folder).
  CHECK_FALSE(FindInSearchFolders("data/x.json", SearchFolders{std::nullopt, "", ""}).has_value());
  InFolder(root / "work", [&] {
    CHECK(FindInSearchFolders("data/x.json", SearchFolders{}) == "data/x.json");
    CHECK_FALSE(FindInSearchFolders("data/x.json", SearchFolders{std::nullopt, "", ""}).has_value());
  });
  // "../" paths beside the prefix, lexically normal.
  CHECK(FindInSearchFolders("../src/data/x.json", SearchFolders{std::nullopt, (root / "release/bin/vigil").string(), ""}) ==
        in_src);
  // A folder is found unless a regular file is asked for.
  fs::create_directories(root / "dirs/data/x.json");
  const SearchFolders dirs{(root / "dirs").string(), "", (root / "src").string()};
  CHECK(FindInSearchFolders("data/x.json", dirs) == (root / "dirs/data/x.json").string());
  CHECK(FindInSearchFolders("data/x.json", dirs, FindWhat::kRegularFile) == in_src);
  CHECK(FindInSearchFolders(in_src, SearchFolders{std::nullopt, "", ""}) == in_src);  // absolute: itself
  fs::remove_all(root);
}

TEST_CASE("DescribeSearch: every place FindInSearchFolders looks, in its order (for error messages)") {
  const SearchFolders all{"/w", "/opt/vigil/bin/vigil", "/src/vigil"};
  CHECK(DescribeSearch("data/x.json", all) ==
        "the working folder (/w/data/x.json), beside the executable (/opt/vigil/data/x.json), "
        "the source tree (/src/vigil/data/x.json)");
  CHECK(DescribeSearch("../shared/d", SearchFolders{std::nullopt, "/opt/vigil/bin/vigil", ""}) ==
        "beside the executable (/opt/shared/d)");
  CHECK(DescribeSearch("/abs/x", all) == "/abs/x only (an absolute path is not searched for)");
  CHECK(DescribeSearch("x", SearchFolders{std::nullopt, "", ""}) == "nowhere (no folder to search)");
  // "" as `working`: the path as given, shown from the process' working folder.
  const std::filesystem::path tmp = std::filesystem::canonical(std::filesystem::temp_directory_path());
  InFolder(tmp, [&] {
    CHECK(DescribeSearch("data/x.json", SearchFolders{"", "", ""}) ==
          "the working folder (" + (tmp / "data/x.json").string() + ")");
  });
}

TEST_CASE("ProcessSearchFolders: the working folder as given, this executable, the source tree built from") {
  const SearchFolders f = ProcessSearchFolders();
  CHECK(f.working == std::optional<std::string>(""));
  CHECK(std::filesystem::equivalent(f.executable, "/proc/self/exe"));
  CHECK(f.source_tree == VIGIL_SOURCE_DIR);
}

}  // namespace
}  // namespace vigil
