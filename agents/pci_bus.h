// PCI bus ids as the reasoner compares them (RG12): "0018:01:00.0", "00000018:01:00", "PCI:0018:01:00"
// and "01:00.0" name a GPU by domain, bus and device. The domain is kept where the text has one:
// on a GB200 tray every GPU is bus 01 of its own domain (0008, 0009, 0018, 0019), so a key without
// it names four GPUs. A key with no domain ("3b:00", lspci's short form) still matches one with a
// domain, but only where that leaves one GPU.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil {

// "0000:3B:00.0" -> "0000:3b:00", "00000018:01:00" -> "0018:01:00", "3b:00.0" -> "3b:00"
// (lower case, the function dropped, the domain as 4 hex digits where it fits in 4); "" when the
// text is no bus id.
std::string PciKey(const std::string& id);

// True when the keys are equal, or one has no domain and the bus and device are the same.
bool PciKeysMatch(const std::string& a, const std::string& b);

// The GPU of `key` among `entries` (PciKey -> GPU): the entry with the same key; else, where one of
// the two keys has no domain, the entries with the same bus and device, when they all name one GPU.
// -1 when none matches or the match is ambiguous (two GPUs share the bus:device in different domains).
int PciGpu(const std::vector<std::pair<std::string, int>>& entries, const std::string& key);

}  // namespace vigil
