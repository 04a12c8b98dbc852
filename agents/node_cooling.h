// PLC53 (realistic48 rl48-06 / rl48-15, seen): a line stating that a node's chassis cooling is cut,
// beside PLC36's failed fan (StatesFanFault): a liquid-cooled node's coolant flow below its lower
// threshold (the BMC's SEL "Cooling Device Liquid_Flow_CP | Lower Critical going low | Asserted", a
// pump / CDU sensor low), and a fan policy set to a quiet mode (a BMC firmware update restoring the
// factory "Acoustic" fan profile: every fan of the chassis spins at half speed). Either cools every
// GPU of the node, so a thermal throttle seen on two GPUs or more of it is the node's (Beliefs::Component,
// with the fan fault's rule), not the GPU a probe ran on. A deasserted event, a flow restored or a
// fan policy set to a performance profile is none. Pure function, thread safe.
#pragma once

#include <string>

namespace vigil {

bool StatesNodeCoolingFault(const std::string& line);

}  // namespace vigil
