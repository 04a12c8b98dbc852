// A file system that failed to mount on one node, and the job's I/O on its path failing there (PLC69,
// realistic61 rl61-18: unattended-upgrades moved one node's kernel, the Lustre client's DKMS build
// failed, "mount.lustre: mount ... at /lustre/iwd failed: No such device" and systemd's
// "lustre-iwd.mount: Failed with result 'exit-code'" at boot; hours later that node's rank failed its
// checkpoint write with "[Errno 2] No such file or directory: '/lustre/iwd/ckpt/...'", answered
// gpu_fallen_off_bus 0.21 from the node's kernel-log probe). A mount that failed on one node is that
// node's storage (storage_failure, the node), not the shared file server's (every node would fail),
// and not its GPUs. Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

// The mount point a line says failed to mount, or nullopt when the line says no such thing (lines over
// 4000 bytes are not read). "" when the line says a mount failed without naming where. Read:
// mount.<fstype>'s "mount SRC at /mnt failed: ..." / "mounting SRC on /mnt failed: ...", systemd's
// "X.mount: Failed with result ..." / "Failed to mount <what> (/mnt)" / "Failed to mount /mnt" (the unit
// name unescaped: "lustre-iwd.mount" is /lustre/iwd), the kernel's "LustreError: ... mount failed" is
// not read (a client's own retry, no mount point).
std::optional<std::string> MountFailurePoint(const std::string& line);

// Whether a line states an I/O error on a path under `mount_point` (non-empty; lines over 4000 bytes are
// not read): the path (quoted or not) starts with the mount point at a '/' boundary and the line says
// ENOENT / ENODEV / ESTALE / EIO / ENOTCONN ("No such file or directory", "No such device", "Stale file
// handle", "Input/output error", "Transport endpoint is not connected", "[Errno 2|5|19|107|116]").
bool StatesIoErrorUnder(const std::string& line, const std::string& mount_point);

// Whether a probe's reason says a file system is not mounted on its node, or its client module is not
// loaded ("lustre module not loaded; /lustre/x not mounted", "/mnt/nfs not mounted", "nfs not mounted").
bool StatesFsNotMounted(const std::string& reason);

}  // namespace vigil
