// PLC61 (realistic54 rl54-29, seen): a launch script that sets a count in a shell variable and passes the
// variable to the launcher ("export NNODES=8" then "torchrun --nnodes=$NNODES ..."; an elastic sbatch
// that hard-codes the node count its allocation may not give). LaunchCountMismatch (builtin_reasoner.cc)
// read counts only as digits after the option, so `--nnodes=$NNODES` was no count and the rendezvous
// waiting for 8 nodes in a 6-node allocation was not compared. These read the script's own integer
// assignments ("export N=8", "N=8", "declare -x N=8"; a trailing comment allowed) and put their values
// in place of "$N" / "${N}" in the script's later lines. A value that is not plain digits (N=$(...),
// N=${SLURM_JOB_NUM_NODES}) is no assignment read, and a variable reassigned so is forgotten. Pure
// functions, thread safe.
#pragma once

#include <map>
#include <string>

namespace vigil {

// Reads a line's integer assignment into `vars` (or forgets the variable a non-integer assignment sets).
void ReadShellCountAssignment(const std::string& line, std::map<std::string, std::string>& vars);

// The line with "$NAME" / "${NAME}" of `vars` replaced by their values; the line itself when none is used.
std::string ExpandShellCountVars(const std::string& line, const std::map<std::string, std::string>& vars);

}  // namespace vigil
