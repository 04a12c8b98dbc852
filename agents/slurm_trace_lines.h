// Slurm facts that a shell trace or a responder's command prints on two lines, the command and its
// output (PLC47, realistic44 rl44-15; a job's ExcNodeList: rendezvous_host.h ExcludedHostlists).
// Pure functions, thread safe.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace vigil {

// The values an `echo` of shell variables printed: `command` is a bash -x trace's "+ echo
// $SLURM_JOB_NUM_NODES $SLURM_NNODES" (or a prompt's "$ echo ${SLURM_NNODES}") holding only
// variables, `output` the next line of the same log ("31 31"), word for word. Empty when the command
// is no such echo, or the output's words are not as many as the variables.
std::map<std::string, std::string> TracedEchoValues(const std::string& command, const std::string& output);

// The number of hosts a `scontrol show hostnames $SLURM_JOB_NODELIST | wc -l` counted (the
// allocation's node count): `command` that line (traced or at a prompt), `output` the next line, a
// number alone. nullopt otherwise.
std::optional<int> TracedHostCount(const std::string& command, const std::string& output);

}  // namespace vigil
