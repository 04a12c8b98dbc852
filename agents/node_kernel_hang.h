// PLC73 (realistic63 rl63-08, seen): a node whose kernel hung - its CPUs stuck (soft / hard lockup),
// RCU grace periods stalled, a fatal machine check (IERR) - stops answering without its processes
// dying: its ranks are stuck, alive, in the collective they were in, and the peers' watchdogs time out
// waiting for them. Slurm then ends the job NODE_FAIL ("Node failure on X", "Nodes X not responding,
// setting DOWN"), which the reasoner read as the node's ranks gone down with it (rank_process_crash on
// the node, the reading of a node that lost power, realistic43 rl43-25). The node's own last kernel
// lines tell the two apart: a hang is a collective that never completes for want of that node's
// ranks (nccl_collective_hang, the node). Pure function, thread safe.
#pragma once

#include <string>

namespace vigil {

// Whether `line` says the node's kernel or CPUs hung: "watchdog: BUG: soft lockup - CPU#57 stuck for
// 22s!", "Watchdog detected hard LOCKUP on cpu 12", "rcu: INFO: rcu_preempt detected stalls on
// CPUs/tasks", "rcu_sched self-detected stall on CPU", "Kernel panic - not syncing: Hard LOCKUP" / "...
// Timeout: Not all CPUs entered broadcast exception handler", a BMC SEL's "Processor CPU1_Status |
// IERR | Asserted" or "Watchdog2 ... | Timer expired | Asserted" (the OS stopped feeding the BMC's
// watchdog). Not a task blocked on I/O ("task X blocked for more than 120 seconds": a process waiting
// on a file system or a device, the node itself alive) and not a deasserted SEL event. False for a
// line over 2000 bytes.
bool StatesKernelHang(const std::string& line);

}  // namespace vigil
