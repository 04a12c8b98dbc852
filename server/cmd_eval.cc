// `vigil eval`: see server/cli.h for the command contract.
#include <CLI/CLI.hpp>

#include "server/cli.h"

namespace vigil {

CommandRunner SetupEval(CLI::App& sub) {
  sub.allow_extras();  // flags are declared when the command is built
  return [](const Config&) { return NotImplemented("eval"); };
}

}  // namespace vigil
