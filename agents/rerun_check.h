// A training framework's reproducibility check naming the rank whose GPU computes wrong values
// (RG13). Megatron-Core's rerun state machine reruns a step whose result was unexpected (a spiky
// loss, a NaN) first on the same GPU, then on another GPU holding a replica of the same data; when
// the same GPU reproduces the bad value and the other one does not, it says so and exits:
//   "Result on rank 251 was 1.7421 (expected range): the error is persistent and specific to rank
//    315; suspected hardware fault, saving checkpoint and exiting with code 16"
// That is a silent-data-corruption verdict on that rank's GPU, reached first-hand by the job itself.
#pragma once

#include <optional>
#include <string>

namespace vigil {

// The rank a line declares its fault specific to ("persistent and specific to rank N", "specific to
// rank N"), when the same line calls it a hardware fault or a rerun/reproduction result; nullopt
// otherwise (a line that only reports the unexpected value, or that the fault is transient).
// Lines over 4000 bytes are not read.
std::optional<int> RankFaultyByRerun(const std::string& line);

}  // namespace vigil

namespace vigil {

// Whether a line reports a rerun of a step with FP8 turned off (in BF16 / FP16 / FP32, "fp8
// disabled", "without fp8", "--no-fp8", "fp8_enabled=False") whose result was finite (PLC19): the
// same data and weights compute fine without the FP8 casts, so a NaN of the FP8 run is its scaling's,
// not the model's. A rerun that is NaN / inf too ("bf16 rerun: loss nan") is no such line; neither is
// a rerun on another GPU or rank (rerun_check's silent-data-corruption check). Lines over 4000 bytes
// are not read.
bool Fp8OffRerunFinite(const std::string& line);

}  // namespace vigil
