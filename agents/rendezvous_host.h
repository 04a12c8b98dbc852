// The rendezvous host a job's processes could not reach, and the job's allocation, as lines print
// them (RG14, 2026-12-03); on Kubernetes, the address of a finished pod (RG19). A c10d store client that is refused or times out connecting to a host
// that is none of the job's nodes (a MASTER_ADDR left from last week's allocation, a hard-coded
// rendezvous endpoint) is the launch's configuration, not the network: the reasoner compares the
// two (builtin_reasoner.cc, RendezvousOutsideAllocation). Pure functions, thread safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agents/case.h"

namespace vigil {

// The hosts a line says a store / rendezvous client failed to connect to: c10d's "The client socket
// has failed to connect to [HOST]:PORT (errno: 111 - Connection refused)" and "... has timed out
// after 900000ms while trying to connect to (HOST, PORT)", torch elastic's "RendezvousConnectionError:
// The connection to the C10d store has failed" naming no host gives none. Brackets and the port are
// dropped; an IPv6 address stays whole.
std::vector<std::string> RendezvousConnectHosts(const std::string& line);

// How many of the processes a store waited for joined it before it gave up (PLC16): c10d's TCPStore
// "Timed out after 1801 seconds waiting for clients. 24/32 clients joined." and the store-based
// barrier's "Timed out initializing process group in store based barrier on rank: 5, for key: ...
// (world_size=32, worker_count=24, ...)" (newer PyTorch: num_workers_joined=24). nullopt for another
// line, a line over 4000 bytes, or a count that is no shortfall (every client joined, or more).
struct StoreJoinCount {
  int joined = 0;
  int expected = 0;
};
std::optional<StoreJoinCount> ReadStoreJoinCount(const std::string& line);

// The host lists a line gives for the job's allocation: scontrol's "NodeList=hpc-[0420-0423]",
// "SLURM_JOB_NODELIST=..." / "SLURM_NODELIST=..." (not ReqNodeList= / ExcNodeList=, not "(null)"),
// unexpanded (the reasoner's ExpandHostlist reads them).
std::vector<std::string> AllocationHostlists(const std::string& line);

// The host lists a job's scontrol record excludes: "ExcNodeList=kst-h100-0140" (not "(null)"),
// unexpanded (PLC47: a requeue with --exclude; the reasoner discounts faults placed there).
std::vector<std::string> ExcludedHostlists(const std::string& line);

// The Slurm job a line says it speaks of (REVFIX3): scontrol's "JobId=4481" (not ArrayJobId=),
// an environment dump's "SLURM_JOB_ID=4481" / "SLURM_JOBID=4481", a shell's "scontrol show job 4481",
// srun's "srun: job 4481 queued and waiting for resources" (TW1, as CaseJobIds read it); "" when
// none. The job a log's source names: Slurm's default output file "slurm-4481.out"
// ("slurm-4481_3.out": the array's job 4481), rotated ("slurm-4481.out.1") or with a note after a
// space ("slurm-4481.out (rank 7)"; TW1, as CaseJobIds read them); "" when none (another suffix:
// "slurm-4481.out.bak" is a copy, not the job's own output file). Ids of at most 12 digits.
std::string SlurmJobIdOfLine(const std::string& line);
std::string SlurmJobIdOfSource(const std::string& source);

// `scontrol show hostnames` of the job's own allocation (RG24): the text (a log's source, or a
// shell line "$ scontrol show hostnames $SLURM_JOB_NODELIST") runs it with no host list (scontrol
// then reads $SLURM_JOB_NODELIST) or with $SLURM_JOB_NODELIST / $SLURM_NODELIST. Its output is one
// host name a line; an explicit list ("scontrol show hostnames gpu-a[01-04]") is any hosts, not the
// job's. IsBareHostName: a line that is one host name and nothing else (letters, digits, '-', '_',
// '.'; a letter first), as those output lines are.
bool RunsShowHostnamesOfJob(const std::string& text);
bool IsBareHostName(const std::string& line);

// A rendezvous address that is a finished pod's (RG19): every host the case's c10d store clients
// failed to connect to (RendezvousConnectHosts) is the IP of a pod that a pasted `kubectl get pods -o
// wide` table (its header row read; NAMESPACE first under -A) lists as Completed or Succeeded - a
// previous run's master left in a configmap's MASTER_ADDR: nothing listens there, the launch's
// configuration is wrong, not the network. Empty `host` when a client failed to reach another host,
// or the address is also listed for a pod in another state (Running, Pending, Error: it may be up).
struct FinishedPodRendezvous {
  std::string host;    // the unreachable address
  std::string pod;     // the finished pod it belongs to
  std::string status;  // "Completed" / "Succeeded"
  std::string line;    // the first connect failure's text (at most 400 bytes)
  std::string source;  // its "log:line"
};
FinishedPodRendezvous RendezvousAtFinishedPod(const std::vector<CaseLog>& logs);

// Host names are compared with SameNodeName and told from addresses with IsIpAddress
// (agents/node_names.h; until 2026-12-03 this header kept its own SameHost and a regex IsIpAddress,
// which builtin_reasoner.cc's std::string calls picked over node_names.h's by overload resolution).

}  // namespace vigil
