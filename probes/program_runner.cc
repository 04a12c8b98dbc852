#include "probes/program_runner.h"

#include <utility>

#include "probes/subprocess.h"

namespace vigil {

ProgramRunner SubprocessProgramRunner(size_t max_output_bytes) {
  return [max_output_bytes](const std::vector<std::string>& argv, double timeout_s) -> Result<CommandOutput> {
    ASSIGN_OR_RETURN(SubprocessResult r, RunSubprocess(argv, timeout_s, max_output_bytes));
    CommandOutput o;
    o.exit_code = (r.signaled || r.timed_out || r.stopped_by != 0) ? -1 : r.exit_code;
    o.out = std::move(r.out);
    o.err = std::move(r.err);
    o.end = r.DescribeEnd();
    return o;
  };
}

}  // namespace vigil
