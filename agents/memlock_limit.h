// PLC62 (realistic55 rl55-04, seen): RDMA memory registration (`ibv_reg_mr*`) failing with "Cannot allocate
// memory" (ENOMEM) under a small locked-memory limit is the launch's setting, not the host's memory nor a
// link: the verbs library pins every buffer it registers, and RLIMIT_MEMLOCK caps what a process may pin
// (a daemon that starts the job's tasks - slurmd, containerd, a pyxis / enroot container - hands its own
// LimitMEMLOCK down). NCCL's NET/IB then cannot register its buffers on any HCA; the job's NCCL network
// cannot come up, every node alike (nccl_network_misconfig, the job). Before, the case answered a
// week-old link flap of another node (ib_link_failure 0.47): nothing read the registration failure.
// Read: a line of a failed registration with ENOMEM, and a line stating a finite locked-memory limit
// below kSmallMemlockKiB (`ulimit -l` output as "memlock=64", `ulimit -a`'s "max locked memory (kbytes,
// -l) 64", systemd's "LimitMEMLOCK=64K", /proc/PID/limits' "Max locked memory 65536 65536 bytes").
// "unlimited" / "infinity" is no small limit. Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

// A locked-memory limit below this (KiB) cannot hold NCCL's registered buffers (1 GiB).
constexpr double kSmallMemlockKiB = 1024.0 * 1024.0;

// Whether a line states an RDMA memory registration that failed for lack of memory
// (ibv_reg_mr / ibv_reg_mr_iova2 / ibv_reg_dmabuf_mr with "Cannot allocate memory", ENOMEM or errno 12).
bool StatesRegisterMemoryEnomem(const std::string& line);

// The finite locked-memory limit a line states, in KiB; nullopt when it states none or an unlimited one.
std::optional<double> StatedMemlockKiB(const std::string& line);

struct MemlockRegisterFailure {
  size_t failure = 0;  // the first line of a registration that failed with ENOMEM
  size_t limit = 0;    // the first line stating a locked-memory limit below kSmallMemlockKiB
  double limit_kib = 0;
};

// Both lines of `lines` (above), or nullopt. Lines over 2000 bytes are not read.
std::optional<MemlockRegisterFailure> FindMemlockRegisterFailure(const std::vector<std::string>& lines);

}  // namespace vigil
