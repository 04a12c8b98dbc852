// NVLink counters that only say a link retrained or replayed a flit (PLC63, realistic56 rl56-24):
// nvidia-smi nvlink -e's "Link 3: Recovery Errors: 2" / "Replay Errors: 5", DCGM's
// DCGM_FI_DEV_NVLINK_RECOVERY_ERROR_COUNT_TOTAL / _REPLAY_ERROR_COUNT_TOTAL. The link layer is
// CRC-checked and retransmits: these counts say the link is marginal, but the data that crossed it
// arrived intact, so they cannot put a non-finite value into a training run. A CRC count above 0, an
// Xid, or a link that is down / fatal / uncorrectable is not this reading. Pure functions, thread safe.
#pragma once

#include <string>

namespace vigil {

// Whether `text` (a log line, or a metric evidence's source + condition) reports only NVLink
// recovery / replay counts: it names one of them and no CRC error count above 0, no Xid, no fatal /
// uncorrectable / down link.
bool IsCorrectableNvlinkCounter(const std::string& text);

}  // namespace vigil
