// An NVSwitch-wide NVLink fault read from a line (PLC19). On an HGX board (H100 / H200 / B200) every
// GPU's NVLinks run through the NVSwitches; a line of the switch driver or the fabric manager that says
// ALL GPUs (of the node, the baseboard, those connected to a switch) lost or degraded NVLink is the
// node's fault, not the first GPU whose Xid 74 was printed. A fatal SXid alone ("nvidia-nvswitch2:
// SXid (PCI:...): 24007, Fatal, Link 38 ...") is one access link's, i.e. the GPU on that link: the case
// sets place it there, so it is no such line; nor is a non-fatal SXid. Pure, thread safe.
#pragma once

#include <string>

namespace vigil {

// Whether `line` states an NVSwitch-wide NVLink fault: a line naming NVLink, an NVSwitch / SXid or the
// fabric manager that says all GPUs (of the node, of the baseboard, connected to the switch) are
// degraded, lost, down, disabled or need a reset. Lines over 4000 bytes are not read.
bool IsSwitchWideNvlinkFault(const std::string& line);

}  // namespace vigil
