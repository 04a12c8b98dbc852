// Test-only: a fresh directory under /tmp, removed with everything in it when the test scope
// ends (also when a REQUIRE fails). Shared by knowledge/'s tests.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace vigil {

struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& prefix = "vigil_kb_test") {
    std::string tmpl = "/tmp/" + prefix + "_XXXXXX";
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

}  // namespace vigil
