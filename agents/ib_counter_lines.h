// A port's symbol errors as perfquery prints them in a case's log (PLC47, realistic44 rl44-03): a
// handful of SymbolErrorCounter counts on a port whose other link error counters read 0 is a healthy
// link's background (the log-side twin of the reasoner's DropSymbolErrorTrickle for the
// node_exporter series): three symbol errors on one port outweighed a flight recorder's collective
// mismatch. Pure function, thread safe.
#pragma once

#include <string>
#include <vector>

namespace vigil {

// The indices of `lines` that print "SymbolErrorCounter:......N" with 0 < N < `background`, where no
// line of the same label (the text before the counter's name: pdsh's "gpu-a11: ", none) prints a
// non-zero LinkDownedCounter, LinkErrorRecoveryCounter, PortRcvErrors or LocalLinkIntegrityErrors.
// Lines over 1000 bytes are not read.
std::vector<size_t> SymbolErrorTrickleLines(const std::vector<std::string>& lines, double background);

}  // namespace vigil
