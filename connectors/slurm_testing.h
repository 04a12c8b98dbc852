// Test-only: a fake `scontrol` for the Slurm readers' tests (connectors/slurm_job.h's ProgramRunner).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "connectors/slurm_job.h"

namespace vigil {

// A fake scontrol: answers `scontrol show job -o ID` from a table (each answer gets a final newline);
// records the commands; `down`: the controller does not answer; `missing`: no scontrol to run.
struct FakeSlurm {
  std::map<std::string, std::string> jobs;  // id -> the -o line
  std::vector<std::vector<std::string>> asked;
  bool down = false, missing = false;
  ProgramRunner Runner() {
    return [this](const std::vector<std::string>& argv, double) -> Result<CommandOutput> {
      asked.push_back(argv);
      if (missing) return NotFoundError("cannot run scontrol: No such file or directory");
      CommandOutput o;
      if (down) {
        o.exit_code = 1;
        o.err = "slurm_load_jobs error: Unable to contact slurm controller (connect failure)\n";
        o.end = "exit code 1";
        return o;
      }
      auto it = jobs.find(argv.back());
      if (it == jobs.end()) {
        o.exit_code = 1;
        o.err = "slurm_load_jobs error: Invalid job id specified\n";
        o.end = "exit code 1";
        return o;
      }
      o.exit_code = 0;
      o.out = it->second + "\n";
      return o;
    };
  }
};

}  // namespace vigil
