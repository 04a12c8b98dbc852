// Ranks of one job running different NCCL versions (PLC32, 2026-12-06). Every rank's NCCL prints its
// version when it starts ("h200-l065:400:400 [0] NCCL INFO NCCL version 2.21.5+cuda12.4"), and
// PyTorch's NCCL errors end with it ("[rank24]: ... internal error - please report this issue to the
// NCCL developers, NCCL version 2.23.4"). A job whose pods pulled a moved `:latest` tag on some nodes
// and used the cached image on others, or whose nodes carry different host libraries, mixes versions:
// NCCL's wire protocol is not kept compatible across versions, and the job fails at its first
// collectives with internal errors and "remote process exited" on every side. The launch's set-up,
// not a rank's crash (launch_config_error, job-wide). Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

struct MixedNcclVersions {
  std::vector<std::string> versions;  // distinct versions, as printed (x.y.z), in first-seen order
  size_t writers = 0;                 // hosts or ranks that printed a version
  size_t first_line = 0;              // the first line naming the second version
};

// Reads `lines` for NCCL's version, each with its writer: the host of NCCL's own prefix
// ("HOST:PID:TID [dev] NCCL INFO NCCL version X.Y.Z"), a launcher's pod listing naming its node
// ("[TIME ]POD (NODE) image ... NCCL X.Y.Z", PLC34) or a PyTorch rank prefix ("[rank24]:", also after a
// shipper's time stamp and pod name, PLC34).
// A line with no writer counts for nothing. Mixed: two or more versions, each printed by a writer
// that prints no other (a writer printing two versions was upgraded between runs, not mixed).
std::optional<MixedNcclVersions> FindMixedNcclVersions(const std::vector<std::string>& lines);

}  // namespace vigil
