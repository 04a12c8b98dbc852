// The words of a case's text that the knowledge base is searched with (AO6, 2026-12-05). A measured
// value is no identifier: "model TFLOP/s fell 41% in 20m" searched as it is matched the Xid 119 / 120
// incidents' PCI address 0000:41:00 on its "41" (the KB's tokeniser splits at ':' and '.'), and
// "below 1400 MHz" any incident holding the number 1400. The number of a measurement - a number with
// its unit (41%, 1400 MHz, 30m, 1.36x, 200k, 12 GiB, 9.5 s), or a threshold after a comparison
// (> 200000, <= 0.5) - is blanked; the unit word stays ("MHz", "GiB" are words of the fault). An
// identifier keeps its numbers: a code after its word (Xid 79, exit code 137, error 13), a name
// with digits (node-41, h200, mlx5_6), a compound of numbers joined by ':' or '.' (a PCI bus id
// 0000:41:00.0, an IP address, a version 535.104.05: the whole compound is kept, its parts match
// the same compound stored). Pure functions, thread safe.
#pragma once

#include <string>
#include <string_view>

namespace vigil {

// `text` with the numbers of its measurements replaced by spaces (same length, so offsets hold);
// every other byte as it was.
std::string WithoutMeasuredValues(std::string_view text);

// `text` with the numbers of its Slurm host ranges replaced by spaces (same length): the bracket of a
// hostlist or device range right after a name, holding only numbers joined by '-' and ',' with one
// '-' or ',' at least ("gpu-a100-[41-48]", "node[001-016,020]", "/dev/nvidia[0-3]"). Those numbers
// are host or device numbers, no identifier of a fault: searched as written, "gpu-a100-[41-48]" read
// like the Xid 48 incident by its "48" (PLC27, realistic31 rl31-30). A bracket of one number
// ("[48]", "[rank3]") or with a space in it ("[ 41.2]") is kept.
std::string WithoutHostRanges(std::string_view text);

}  // namespace vigil
