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

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "agents/log_time.h"

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

// NVS3: the NVLink domain's own identifier that `line` prints for the GPU(s) of the host that printed
// it, as "KIND:value" (lower case), "" for none:
// - "uuid:<ClusterUUID>": nvidia-smi -q's Fabric section ("        ClusterUUID   : 6a1f03c4-e0b3-...")
//   or a one-line summary naming it ("ClusterUUID 7c21e9a0-..."), and the GPU feature discovery label
//   nvidia.com/gpu.clique=<ClusterUUID>.<CliqueId> (the Kubernetes DRA driver groups nodes by it);
// - "nccl:<hi>.<lo>": NCCL's "MNNVL busId 0x8010 fabric UUID 51c2aa30.77e1 cliqueId 0x3 state 3": the
//   same ClusterUUID, printed as two 64-bit words. The two forms are not converted into each other
//   (the words' byte order is the host's), so a uuid: and an nccl: identifier are never compared.
// A ClusterUUID "N/A" (the GPU not registered with the fabric: State "Not Started" / "In Progress") or
// all zeros names no domain: "". A CliqueId alone (an NVLink partition of the domain) is not read: two
// partitions of one domain share its switch trays. Lines over 4000 bytes: "".
std::string NvlinkDomainIdOfLine(const std::string& line);

// The NVLink domain that every host of `faulty` (compute trays with an NVLink fault of their own)
// shares, as the place's name; "" for none. `ids`: each host's domain identifiers (NvlinkDomainIdOfLine,
// placed on the host that printed them). Two hosts whose identifiers of one kind differ and share none
// are two domains (two racks named alike, "gb-pod1-07" and "gb-pod1-12" of two NVL72s): "". Every host
// holding an identifier that all share: one domain, named by the rack the hostnames share
// (SharedRackOfHosts) when they do, else by the identifier's value (a ClusterUUID: trays named
// "gb-a17" and "gb-b03" of one NVL72). Otherwise (some hosts with no identifier, none contradicting):
// SharedRackOfHosts, as NVS2. Fewer than two hosts: "".
std::string SharedNvlinkDomain(const std::set<std::string>& faulty,
                               const std::map<std::string, std::set<std::string>>& ids);

// Whether a switch tray's fault line (at `tray`) can be the cause of compute trays' NVLink faults whose
// first line is at `first_fault`:
// - kExplains: the tray failed at most kTrayLeadMs (10 min) before the first compute fault and at most
//   kTrayLagMs (2 min) after it. A switch ASIC / tray failure drops its links at once and the compute
//   trays' drivers report it at their next NVLink traffic (seconds, a training job's collectives run
//   continuously); the tray's own software may log it first (a precursor: rising errors, an over-
//   temperature, before the fatal) or later by its poll (NMX-T / NMX-C sample the switches, an event comes
//   on the next sample), and hosts' NTP clocks differ by far less than a minute.
// - kTooEarly / kTooLate: outside that window. A tray that failed an hour before would have failed every
//   job of the rack then (a job started after it runs over the rerouted fabric); one failing after the
//   compute faults began (a maintenance, the tray taken down after the incident) did not cause them.
// - kNotCompared: either line has no time, or one is printed with a zone and the other is a local time
//   of a case that declares none (off by up to -12 h .. +14 h, log_time.h LineTime::zoned); the tray
//   line then counts as NVS2 counted every line.
enum class TrayTiming { kExplains, kTooEarly, kTooLate, kNotCompared };
constexpr int64_t kTrayLeadMs = 10 * 60 * 1000;
constexpr int64_t kTrayLagMs = 2 * 60 * 1000;
TrayTiming CompareTrayTime(const LineTime& tray, const LineTime& first_fault);

// The time printed by the bracketed stamp of the fabric manager's and IMEX's own log files
// ("[Dec 05 2026 03:12:41] [ERROR] [tid 88] ...", "[Dec 04 2026 16:13:22.812] [INFO] ..."), as
// ParseLineTime reads a local time (the case's declared zone, else UTC); LineTime{} for none. In a case
// that dates nothing else (clock.anchor_ms and reference_ms 0) the stamp is read in clock.year, the year
// its year-less lines are read in, not the year it prints.
// ParseLineTime does not read this form (its "Dec 05" must be followed by the time).
LineTime FabricManagerStampTime(const std::string& line, const LogClock& clock);

// The GPU at the far end of one port that a switch-side line names: "peer nvl72-r03-ct05 GPU 1",
// "(peer: nvl72-r03-ct05 gpu1)", "peer GPU 1 on compute tray nvl72-r03-ct05", "remote GPU 3 on
// nvl72-r03-ct02". `host` as written ("" when the line names none: "peer GPU 2"), `gpu` its index.
// `found` false when the line names no peer GPU with an index ("peer GPU on compute tray c07", "remote
// peer gpu-t06<50120>": a socket's peer host). Lines over 4000 bytes: not found.
struct PeerGpu {
  bool found = false;
  std::string host;
  int gpu = -1;
};
PeerGpu PeerGpuOfLine(const std::string& line);

}  // namespace vigil
