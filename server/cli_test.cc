#include "server/cli.h"

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

namespace vigil {
namespace {

int Run(std::vector<std::string> args) {
  args.insert(args.begin(), "vigil");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return RunCli(static_cast<int>(argv.size()), argv.data());
}

TEST_CASE("every declared subcommand has a unique name and a one-line help") {
  std::set<std::string_view> names;
  for (const auto& c : Commands()) {
    CHECK(names.insert(c.name).second);
    CHECK_FALSE(c.help.empty());
    CHECK(c.help.find('\n') == std::string_view::npos);
    CHECK(static_cast<bool>(c.setup));
  }
  for (const char* expected : {"serve", "detect", "rules", "train-rules", "kb", "diagnose", "probe", "eval"}) {
    CHECK(names.count(expected) == 1);
  }
}

TEST_CASE("bad usage exits 2, help exits 0") {
  CHECK(Run({"--help"}) == 0);
  CHECK(Run({}) == 2);
  CHECK(Run({"frobnicate"}) == 2);
  CHECK(Run({"--no-such-flag", "kb"}) == 2);
  CHECK(Run({"--llm-timeout", "soon", "kb", "stats"}) == 2);
  CHECK(Run({"--listen", "8080", "kb", "stats"}) == 2);
}

// `serve` is built (server/README.md, "vigil serve"): started with good settings it runs until a
// signal, so only its bad settings are run here (they exit before anything is bound or opened);
// tests/serve_alertmanager_test.sh runs it for real. Until 2026-12-01 this case ran `vigil serve`
// expecting "not implemented", and hung once serve was built.
TEST_CASE("serve refuses bad settings with exit 2 before it starts") {
  CHECK(Run({"serve", "--workers", "0"}) == 2);
  CHECK(Run({"serve", "--queue-max", "-1"}) == 2);
  CHECK(Run({"--listen", "8080", "serve"}) == 2);
  CHECK(Run({"serve", "--no-such-flag"}) == 2);
  CHECK(NotImplemented("x") == 2);
}

TEST_CASE("errors map to exit codes") {
  CHECK(ReportError(InvalidArgumentError("bad")) == 2);
  CHECK(ReportError(UnavailableError("down")) == 1);
}

}  // namespace
}  // namespace vigil
