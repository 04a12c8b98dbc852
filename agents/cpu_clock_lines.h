// A node's CPU clock as a responder's shell paste prints it (PLC47, realistic44 rl44-07): cpupower's
// "current CPU frequency: 800 MHz (asserted by call to kernel)" and /proc/cpuinfo's "cpu MHz : 800.000"
// (also behind `uniq -c`'s count: "112 cpu MHz : 800.000"). The reasoner places each line on the
// node an `ssh NODE` above it names and compares the nodes as it compares node_exporter's cpufreq
// series (FindSlowCpuClocks). Pure function, thread safe.
#pragma once

#include <optional>
#include <string>

namespace vigil {

// The clock in Hz a line reports for the CPUs it runs on, or nullopt: not a policy's bounds
// ("frequency should be within 800 MHz and 3.80 GHz"), not hardware limits, not a max / min.
std::optional<double> CpuClockHzInLine(const std::string& line);

}  // namespace vigil
