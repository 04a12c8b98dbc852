// An ECC precursor against the fault itself (PLC59, 2026-12-07; realistic53 rl53-30). The pack reads a
// GPU's high single-bit ECC rate (Xid 92, DCGM_FI_DEV_ECC_SBE_VOL_TOTAL climbing, an "SBE rate" alert) as
// gpu_memory_uncorrectable_ecc: a precursor that often comes before an uncorrectable error on that GPU.
// Where the case shows the uncorrectable error itself (Xid 48 / 94 / 95, a double-bit error, a DBE
// counter, "uncorrectable ECC error encountered") on another GPU, that GPU is the fault's place, not
// the one whose correctable rate was high weeks or hours before. Pure functions, thread safe.
#pragma once

#include <string>

namespace vigil {

// Whether `text` (a log line, an evidence source or detail, an alert's words) states a GPU's
// correctable (single-bit) ECC rate - Xid 92, "single-bit ECC error rate", SBE, "correctable ECC" -
// and states no uncorrectable error (Xid 48 / 94 / 95, double-bit, DBE, "uncorrectable"). False for a
// text over 4000 bytes.
bool StatesEccRatePrecursor(const std::string& text);

}  // namespace vigil
