// An InfiniBand / RoCE port that trained at a reduced width (PLC68, realistic60 rl60-13). A port of
// four lanes (4X) that lost lanes to a bad cable or transceiver comes up at 2X or 1X: Active, no error
// counters, half or a quarter of its bandwidth. Every ring through it runs at its pace and the whole
// job is slower (a straggler nobody's GPU explains). The fabric manager says so ("UFM: Link width
// degradation: node-7 mlx5_2 port 1 <-> leaf-3 port 33: 4x -> 2x", OpenSM's "width degraded"), and so
// do the port's own tools (mlxlink's "Width reduction", "lanes 2,3 disabled"). The port's link is the
// fault: ib_link_failure on that HCA. Pure functions, thread safe.
#pragma once

#include <string>

namespace vigil {

// Whether `line` says a link's width was reduced: "link width degradation", "width degraded / reduced
// / downgraded", "width reduction", a width going down "4x -> 2x" / "from 4X to 1X" beside the word
// width, "lanes N,M disabled". A denial ("no width degradation", "width degradation: 0", "not
// degraded"), a width going up, and a line about a PCIe or NVLink link (pci, LnkSta, nvlink, "x16") are
// not. Lines over 2000 bytes: false.
bool SaysLinkWidthReduced(const std::string& line);

}  // namespace vigil
