#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "core/json.h"

namespace vigil {
namespace {

namespace fs = std::filesystem;

struct ScratchDir {
  fs::path path;
  ScratchDir() {
    path = fs::temp_directory_path() / ("vigil_json_file_test_" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

TEST_CASE("WriteFileAtomic: a folder at the path is refused by name, and no .tmp file is left behind") {
  // DOCCHK (2026-12-04): `vigil detect --flags-out DIR` said "cannot rename DIR.tmp to DIR" and
  // left DIR.tmp, holding every flag, beside the folder.
  ScratchDir s;
  const fs::path dir = s.path / "out";
  fs::create_directories(dir);
  Status st = WriteFileAtomic(dir.string(), "a,b\n");
  REQUIRE_FALSE(st.ok());
  CHECK(st.message() == "cannot write " + dir.string() + ": Is a directory (it is a folder: name a file)");
  CHECK_FALSE(fs::exists(dir.string() + ".tmp"));
  CHECK(fs::is_directory(dir));
}

TEST_CASE("WriteFileAtomic: a missing folder names the path asked for; a file is written whole") {
  ScratchDir s;
  const fs::path missing = s.path / "nope" / "f.csv";
  Status st = WriteFileAtomic(missing.string(), "x");
  REQUIRE_FALSE(st.ok());
  CHECK(st.message().rfind("cannot write " + missing.string() + ": No such file or directory", 0) == 0);
  const fs::path ok = s.path / "f.csv";
  REQUIRE(WriteFileAtomic(ok.string(), "series,timestamp,flag\n").ok());
  std::ifstream in(ok);
  std::string line;
  std::getline(in, line);
  CHECK(line == "series,timestamp,flag");
  CHECK_FALSE(fs::exists(ok.string() + ".tmp"));
}

}  // namespace
}  // namespace vigil
