// An Xid an alert says a GPU reported without saying which (AO5, 2026-12-04): "critical Xid
// reported", "8 GPUs reported Xid errors in 5 minutes", "DCGM_FI_DEV_XID_ERRORS != 0 on n gpu 4", a
// node condition `GpuXidCritical`. A GPU error the alert marks by its Xid but whose code it does not
// carry is, in the reports fleets see, most often the GPU off the bus (Xid 79) or its GSP firmware
// failing (Xid 119 / 120); the reasoner reads that ranked pair (builtin_reasoner.cc AddAlertUncodedXid)
// for the kernel log's NVRM line to split. Pure function, thread safe.
#pragma once

#include <string>

namespace vigil {

// The words of `text` (an alert's name, summary, description, message and its `condition` / `reason`
// label values) that say a GPU reported an Xid whose code the text does not give, or "" when it says
// none. Read: "Xid" as a word or inside a rule's name (GPUXidError, NodeGPUXidErrors, GpuXidCritical,
// XidHardwareFailure), DCGM_FI_DEV_XID_ERRORS compared with 0. Not read (""): any Xid code given
// ("Xid 79", "XID: 48", `xid="119"`, "Xid (PCI:0000:3b:00): 79", "value 48"), an Xid named to rule it
// out ("no Xid", "without Xid errors", "0 Xid errors"), "xid" inside another word (oxide). Texts over
// 4096 characters are not read.
std::string XidWithoutCodeInWords(const std::string& text);

}  // namespace vigil
