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

// NCCL's check that every rank runs the same library (PLC77, 2026-12-08; realistic68 rl68-28, seen): at init
// each rank compares its peers' NCCL version with its own and refuses a mismatch,
//   "NCCL WARN Mismatched NCCL version detected: rank 40 has version 22105, rank 0 has version 22602"
//   (older wording: "Mismatched NCCL version detected : rank 40 version 22105 rank 0 version 22602").
// Rank 0 is the job's reference (the launcher's world): the other rank named runs another library - its
// node's image or environment, not the job's launch everywhere. Pure function, thread safe.
struct NcclVersionMismatch {
  size_t line = 0;      // the line of `lines` that states it
  int odd_rank = -1;    // the rank whose version differs from rank 0's
  long odd_version = 0;
  long ref_version = 0;  // rank 0's
};

// The first such line of `lines` (each at most 2000 bytes read) naming two ranks with two different
// versions, one of them rank 0; nullopt for none (neither rank 0, the same version twice).
std::optional<NcclVersionMismatch> FindNcclVersionMismatch(const std::vector<std::string>& lines);

}  // namespace vigil
