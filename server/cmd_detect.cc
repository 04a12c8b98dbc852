// `vigil detect`: see server/cli.h for the command contract.
#include <CLI/CLI.hpp>

#include "server/cli.h"

namespace vigil {

CommandRunner SetupDetect(CLI::App& sub) {
  sub.allow_extras();  // flags are declared when the command is built
  return [](const Config&) { return NotImplemented("detect"); };
}

}  // namespace vigil
