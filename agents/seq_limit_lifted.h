// PLC58 (realistic52 rl52-22, seen): a change that lifts the job's cap on an input's length - a diff's
// added line setting the maximum sequence length to null / none / -1 / 0, or truncation / packing
// limits off ("+    max_seq_length: null", "+  truncation: false", "max_len: None  # changed, was 8192")
// - lets any long document through whole: a CUDA OOM then hits whichever rank draws the longest sample,
// the job's configuration, not the GPU it happened on (rl52-22: a 96k-token document's OOM on one rank
// of a B200 job, answered on that GPU). Read only a diff's added line ("+", not "+++") or a line that
// says it changed ("changed", "was:", "(was"), so a config dump's "max_length: null" of a job that never
// had one is not read. Pure function, thread safe.
#pragma once

#include <string>

namespace vigil {

// Whether `line` lifts a sequence-length cap as above (lines over 1000 bytes are not read).
bool StatesSeqLimitLifted(const std::string& line);

}  // namespace vigil
