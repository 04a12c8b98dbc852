// PLC66 (realistic58 rl58-03 / rl58-26, seen): a job that cannot start because a launch step's
// authentication is refused is the launch's (launch_config_error), not the hardware's nor the network's:
// - Slurm: srun's "Task launch for StepId=J.S failed on node N: Protocol authentication error" (with
//   munged / slurmd's "Munge decode failed: Invalid credential" on N) - N holds a munge key other than
//   the cluster's (a reimaged node that missed a key rotation): the node's image, N the place. Launches
//   refused on several nodes are the job's (a key everywhere else, a controller's key): the job.
// - Kubernetes: the image pull refused for authorization ("Failed to pull image ...: failed to
//   authorize", "401 Unauthorized", "pull access denied", "authentication required") on two or more
//   pods while the launcher waits for a world it never reaches (quota_denied_pod.h's
//   StatesWorldNotReached): an expired pull secret / robot account; the pods without the image cached
//   never start (the job). One pod's refused pull after a restart, with the job running before, is no
//   launch failure (the restart's cause is elsewhere) and is not read.
// Before: rl58-03 cuda_oom 0.28 (the line recall of the munge lines), rl58-26 moe_expert_imbalance 0.14.
// Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

// The node a line says a Slurm task launch failed on for an authentication error ("Task launch for
// StepId=... failed on node N: Protocol authentication error" / "... Invalid authentication credential");
// empty when none.
std::string SlurmLaunchAuthRefusedNode(const std::string& line);

// Whether a line is munge's / Slurm's own refusal of a credential ("Munge decode failed: Invalid
// credential", "munged: Invalid credential from", "auth_g_verify: ... authentication error",
// "Protocol authentication error").
bool StatesMungeAuthRefused(const std::string& line);

// The pod a line says an image pull was refused for authorization; empty when none.
std::string PullAuthRefusedPod(const std::string& line);

struct LaunchAuthRefused {
  size_t line = 0;        // the first launch-refused line
  std::string node;       // the one node every refused launch names; empty: several (the job)
  std::vector<size_t> notes;  // munge / slurmd refusal lines (Slurm), further pods' refused pulls (Kubernetes)
  bool image_pull = false;
};

// Slurm's form first, then Kubernetes' (both above), or nullopt. Lines over 4000 bytes are not read.
std::optional<LaunchAuthRefused> FindLaunchAuthRefused(const std::vector<std::string>& lines);

}  // namespace vigil
