// PLC61 (realistic54 rl54-30, seen): torch elastic's RendezvousClosedError printed again after the agent
// restarted (two or more in one agent's log): every restart came back to a rendezvous that was already
// closed, so the job never starts. A late agent joining a run that is going shows it once; the same
// agent meeting it restart after restart is a rendezvous id (rdzv_id / rdzvId) a finished run closed
// and the job's spec reuses: a launch configuration fact (the brief's "stale rdzv id"). Pure function,
// thread safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace vigil {

// How many lines of one log name RendezvousClosedError; `first` the first's index (unset when none).
size_t CountClosedRendezvous(const std::vector<std::string>& lines, size_t* first = nullptr);

}  // namespace vigil
