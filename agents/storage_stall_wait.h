// A wait that a file-system stall leaves behind its client's reconnection (PLC52, 2026-12-07). A Lustre
// client's "Connection restored to ..." / NFS's "server X OK" (StatesFaultOver's kStorage, PLC37) says the
// connection is back, not that the I/O queued on it has drained: a rank blocked in a checkpoint write
// stays blocked, and its peers' collective watchdog fires its timeout (10-30 min) after the stall began,
// so the hang is stamped after the reconnection. Such a wait is the stall's symptom, no new, different
// fault that would make the stall "recovered" history (builtin_reasoner.cc's recovered_cats). A crash,
// an OOM or a hardware fault after the reconnection still is. Pure function, thread safe.
#pragma once

#include <string_view>

namespace vigil {

// Whether `category` is a wait a storage stall produces (nccl_collective_hang, straggler_rank,
// dataloader_stall): what the stall's pending I/O leaves after its client reconnected.
bool WaitLeftByStorageStall(std::string_view category);

}  // namespace vigil
