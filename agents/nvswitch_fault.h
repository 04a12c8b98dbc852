// NVSwitch faults that are the switch side's, not one GPU's. Pure, thread safe.
//
// An NVSwitch-wide NVLink fault read from a line (PLC19). On an HGX board (H100 / H200 / B200) every
// GPU's NVLinks run through the NVSwitches; a line of the switch driver or the fabric manager that says
// ALL GPUs (of the node, the baseboard, those connected to a switch) lost or degraded NVLink is the
// node's fault, not the first GPU whose Xid 74 was printed. A fatal SXid alone ("nvidia-nvswitch2:
// SXid (PCI:...): 24007, Fatal, Link 38 ...") is one access link's, i.e. the GPU on that link: the case
// sets place it there, so it is no such line; nor is a non-fatal SXid.
//
// The switch outside the node (NVS2). On GB200 / GB300 NVL72 racks the NVSwitches sit in switch trays,
// hosts of their own (NVOS, NMX-C / NMX-T, nvlsm, a fabric manager); one failing tray degrades NVLink for
// every compute tray of the rack. A tray that its own line names as failing as a whole is the place
// (its hostname, as a host is); with no tray named, NVLink faults on two or more compute trays of one
// rack are the rack's NVLink switch side (evals/diagnosis/README.md, "Case format").
#pragma once

#include <set>
#include <string>

namespace vigil {

// Whether `line` states an NVSwitch-wide NVLink fault: a line naming NVLink, an NVSwitch / SXid or the
// fabric manager that says all GPUs (of the node, of the baseboard, connected to the switch) are
// degraded, lost, down, disabled or need a reset. Lines over 4000 bytes are not read.
bool IsSwitchWideNvlinkFault(const std::string& line);

// Whether `line` (an NVSwitch driver's SXid, the fabric manager) states a fault of a TRUNK link: an
// NVSwitch-to-NVSwitch link of a multi-baseboard system, or an NVLink switch system's OSFP port. Such a
// link carries many GPUs' traffic: the fault is the node's switch side, not one GPU's. Only the words
// "trunk" / "OSFP" are read: an SXid prints its port as "Link N", and whether port N is a trunk or an
// access port depends on the board's topology (the fabric manager's topology file), which the line does
// not carry; link numbers are not guessed. Recovered / cleared lines and lines over 4000 bytes: false.
bool IsTrunkLinkFault(const std::string& line);

// The hostname of an NVLink switch tray that `line` (of log `source`, e.g. "nvsw-r03-t2/journal")
// names as failing as a whole: its NVSwitch ASIC / the tray fatal, down, unreachable or degraded, or
// two or more (or all) of its NVLink ports down. The line must be the switch side's: NVOS, NMX-C /
// NMX-T, nvlsm, "switch tray", or an NVSwitch / SXid / fabric-manager line logged on a host that is none
// of `compute_nodes` (the job's nodes; an HGX node's own fabric manager is no tray). The host is the
// one the line names after "switch tray" (a name holding a '-', '_' or '.'), else the syslog host
// field, else the source's first part; it must start with a letter, hold a digit and be none of
// `compute_nodes`. One link or port of the tray ("NVLink 37 ... trained down; peer GPU on compute tray
// c07") is that link's GPU's, not the tray's: "". Recovered / cleared lines, lines over 4000 bytes: "".
std::string SwitchTrayFaultHost(const std::string& line, const std::string& source,
                                const std::set<std::string>& compute_nodes);

// Whether `line` states an NVLink fault of a GPU of the host that printed it: the driver's Xid 74 (an Xid
// the fault-code table, fault_codes.h, gives nvlink_error, read by FaultCodesInText as every Xid is;
// PLC21), CUDA's "uncorrectable NVLink error", "NVLink: fatal error detected on link N". Lines over 4000
// bytes are not read.
bool IsGpuNvlinkFaultLine(const std::string& line);

// Whether `text` (a log line, a label value) shows a multi-node NVLink domain: a GB200 / GB300 GPU,
// an NVL72 / NVL36 rack, MNNVL, a fabric's clusterUUID / cliqueId, a compute or switch tray, NVOS /
// NMX / nvlsm.
bool ShowsMultiNodeNvlinkDomain(const std::string& text);

// The three line readers above that the reasoner asks of every line of a case (3a-nvswitch and
// PlaceSwitchSide), in one pass over the lines and one lower-casing of each (PLC21).
struct SwitchSideLine {
  bool switch_wide = false;  // IsSwitchWideNvlinkFault
  bool trunk = false;        // IsTrunkLinkFault
  bool domain = false;       // ShowsMultiNodeNvlinkDomain
};
SwitchSideLine ReadSwitchSideLine(const std::string& line);

// The rack two or more compute trays share by their hostnames: every host (less a DNS domain) less
// its last '-' / '_' token is the same name ("nvl72-r02" of "nvl72-r02-ct04" and "nvl72-r02-ct11"), whose own last
// token holds a digit (the rack's number: "r02", "rack3"). "" for fewer than two hosts, hosts of
// different racks, or no rack token ("gpu" of "gpu-0412", "a3-node" of "a3-node-18").
std::string SharedRackOfHosts(const std::set<std::string>& hosts);

// The component string of a rack's NVLink switch side when no tray is named: "nvlink-domain:RACK".
std::string NvlinkDomainPlace(const std::string& rack);

}  // namespace vigil
