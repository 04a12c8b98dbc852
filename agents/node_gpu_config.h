// A node's GPU configuration set apart from what the job expects, as the scheduler and the GPU
// Operator print it (PLC9, 2026-12-04). A launch fault (`invalid device ordinal`, fewer devices than
// `--nproc_per_node`) whose cause is one node's setup is that node's, not the job's configuration:
//   - Slurm's GRES check of the node: slurmd's "gres/gpu: _parse_gres_config: Count (8) does not match
//     the number of files (4) for NodeName=gpu-p07", "gres/gpu count reported lower than configured
//     (4 < 8)" (slurmd's log, `sinfo -R`'s reason, slurmctld's "Setting node ... state to INVAL");
//   - the node's MIG layout: a `kubectl get node -L nvidia.com/mig.config` row or a label
//     "nvidia.com/mig.config=all-1g.18gb" naming a MIG profile (`all-disabled` is none).
// IsNodeGpuConfigLine says whether a line states one; the reasoner (builtin_reasoner.cc) ties the line
// to its node (a node word in it, else its source's) and, where exactly one node is so named while
// the launch fault's lines come from one node or none, answers launch_config_error there.
// Pure functions, thread safe.
#pragma once

#include <string>

namespace vigil {

bool IsNodeGpuConfigLine(const std::string& line);

}  // namespace vigil
