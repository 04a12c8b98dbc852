// connectors/slurm_job.h's ProgramRunner over probes/subprocess.h (RunSubprocess): argv run without
// a shell within its timeout, at most `max_output_bytes` of stdout and of stderr kept. The one real
// runner of `scontrol` (the job log source, the job's node list). Thread safe.
#pragma once

#include <cstddef>

#include "connectors/slurm_job.h"

namespace vigil {

ProgramRunner SubprocessProgramRunner(size_t max_output_bytes = 1u << 20);

}  // namespace vigil
