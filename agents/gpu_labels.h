// The GPU a series' or an alert's labels name by index (REVFIX3, 2026-12-03): one reader for the
// reasoner's places (builtin_reasoner.cc's GpuOf users) and an alert's subject (alert_subject.cc),
// which each kept one and read the same labels differently (the subject took the first label with
// any value, so dcgm-exporter's `gpu="GPU-3f2a..."` beside `minor_number="3"` named no GPU there
// and GPU 3 in the reasoner).
//   - the labels, in order: `gpu` (dcgm-exporter, our rules), `GPU`, `gpu_index`, `minor_number`
//     (nvidia_gpu_exporter, the device plugin's /dev/nvidiaN minor);
//   - the first whose value is an index - 1 to 6 ASCII digits - names the GPU; a value that is
//     none (a UUID "GPU-3f2a...", "nvidia5", "all", "", 7 digits or more) is skipped and the next
//     label read;
//   - `device` is not read: it names a disk or a NIC on most exporters, and dcgm-exporter, which
//     writes device="nvidia3", writes `gpu` beside it.
// Pure functions, thread safe.
#pragma once

#include <string_view>

#include "core/time_series.h"

namespace vigil {

// The labels that may name a GPU, in the order GpuOf reads them (literals: data() ends in a NUL).
inline constexpr std::string_view kGpuLabels[] = {"gpu", "GPU", "gpu_index", "minor_number"};

// The GPU index `value` is (1 to 6 ASCII digits), -1 when none.
int GpuIndexValue(std::string_view value);

// The GPU index the labels name (see above), -1 when none.
int GpuOf(const Labels& labels);

}  // namespace vigil
