// PLC58 (realistic52 rl52-05, seen): a container's /dev/shm at the container runtime's default size
// (Docker, containerd and CRI-O give a container 64 MiB unless its spec mounts a memory-backed volume
// there: Kubernetes' `emptyDir: {medium: Memory}`, docker's --shm-size / --ipc=host) is the launch's
// fault when DataLoader workers die of SIGBUS on it: a pod template or chart that lost its shm volume
// starves every pod alike, whatever the host's free memory. The bus error's "insufficient shared memory
// (shm)" was read as host_oom on the first pod's node (the taxonomy's host memory exhausted, the kernel
// OOM killer) with 1.7 TB free and no OOM kill. Read: `df` output's /dev/shm row of at most 256 MiB and
// 90 % or more used (or nothing available), or a mount line "shm on /dev/shm type tmpfs (...size=65536k)"
// of at most 256 MiB, beside a line of a worker's bus error or of shared memory exhausted. Pure
// function, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

// The largest size of /dev/shm read as a container's default, MiB (the runtimes' default is 64 MiB).
constexpr double kDefaultShmMaxMiB = 256;

// The index of the first line of `lines` showing a small /dev/shm (above), when another line shows a
// bus error or exhausted shared memory; nullopt otherwise. Lines over 2000 bytes are not read.
std::optional<size_t> FindDefaultSizeShm(const std::vector<std::string>& lines);

// Whether a line states a bus error or shared memory exhausted ("Bus error", SIGBUS, "insufficient
// shared memory", "out of shared memory", "No space left on device" with /dev/shm).
bool StatesShmExhausted(const std::string& line);

}  // namespace vigil
