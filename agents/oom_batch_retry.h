// PLC75 (realistic65 rl65-24, seen): a CUDA out-of-memory that the job's own code caught and answered
// by retrying with a smaller batch ("caught OutOfMemoryError at micro_batch_size=4; retrying with
// micro_batch_size=2", accelerate's find_executable_batch_size "Decreasing batch size to: 16"). Every
// rank runs the same model at the same batch: the demand is the job's configuration, whichever GPU the
// first traceback names, so the OOM is placed on the job. Pure, thread safe.
#pragma once

#include <string>

namespace vigil {

bool StatesOomBatchRetry(const std::string& line);

}  // namespace vigil
