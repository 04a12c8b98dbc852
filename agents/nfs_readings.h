// A node's reading of a slow network filesystem, as a responder pastes it (RG12, realistic13
// rl13-28): `nfsiostat`'s read row with a round-trip time of tens of milliseconds or more (an NFS
// read answers in ~1-5 ms), processes in D state waiting on an RPC or NFS call (wchan rpc_wait_*,
// nfs_*), and `top`'s CPU line with a large share in I/O wait. Each says the storage is slow, which
// a data loader's long waits then only show.
//
// Thread safety: pure function.
#pragma once

#include <string>

namespace vigil {

enum class NfsReading { kNone, kSlowRtt, kRpcWait, kIoWait };

// What `line` reads as (kNone for anything else). `previous` is the line before it: nfsiostat prints
// the read row's numbers under a "read:" header line.
NfsReading ReadNfsLine(const std::string& previous, const std::string& line);

}  // namespace vigil
