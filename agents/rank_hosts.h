// Which host (and GPU) a rank runs on, as a launcher's or the job's own output pasted in a case says
// it (RG17, 2026-12-03). Evidence often names a rank only ("[rank13]: ...", "[Rank 13] ...", "global
// rank 13 ..."); the reasoner places it through Topology::ranks, which without such a line is the
// topology's layout or nothing. RankHostReader reads one log's lines in order and returns the ties
// each line states:
//   - DeepSpeed's launcher: "WORLD INFO DICT: {'node-a': [0, 1, 2, 3], 'node-b': [0, 1, 2, 3]}" (the
//     hosts in order, each with the GPU ids its processes get: ranks fill the hosts in that order,
//     the i-th process of a host on the i-th listed GPU) and "global_rank_mapping=defaultdict(<class
//     'list'>, {'node-a': [0, 1, 2, 3], 'node-b': [4, 5, 6, 7]})" (ranks, no GPU);
//   - a hostfile (DeepSpeed's / MPI's): consecutive "HOST slots=N" lines ('#' comments allowed; Open
//     MPI's "max_slots=" ignored): ranks fill the hosts in order, no GPU;
//   - Open MPI's rankfile lines "rank 13=h100-m02 slot=1:60" and `mpirun --display-map`'s job map
//     ("Data for node: h100-m02 ..." then its "... Process rank: 13 Bound: ..." lines): the rank's
//     host, no GPU (RG19; a relative "+n1" host is no host);
//   - Open MPI's own words of where a rank ran (PLC3): "mpirun noticed that process rank 17 with PID
//     4411 on node hpc-g07 exited on signal 6" (prterun's too), `--report-bindings`' "[hpc-g07:04411]
//     MCW rank 17 bound to ..." (Open MPI 5: "Rank 17 bound to ...", or "is not bound"), and a line
//     of `--tag-output`'s "[1,17]<stderr>:" whose writer prefix is Open MPI's "[HOST:PID]"
//     ("[1,17]<stderr>:[hpc-g07:04411] *** Process received signal ***"): the host, no GPU;
//   - a line that prints a rank with its host (and local rank) together, keys in any order:
//     "RANK=13 LOCAL_RANK=5 HOSTNAME=acc-02", "hostname: acc-02, rank: 13, local_rank: 5", "[rank 13]
//     host=acc-02 local_rank=5", "rank 13 -> acc-02 local_rank 5", "global rank 13 on acc-02 (local
//     rank 5)"; the GPU is the local rank's CUDA device, the CUDA_VISIBLE_DEVICES list on the line
//     turning it into the physical GPU ("CUDA_VISIBLE_DEVICES=4,5,6,7" with local rank 1: GPU 5);
//     PLC76: a container's NVIDIA_VISIBLE_DEVICES (the node's GPUs the device plugin / CDI gave the
//     pod, by index or UUID) turns the container's ordinal (after its own CUDA_VISIBLE_DEVICES) into
//     the node's GPU ("device=cuda:3 NVIDIA_VISIBLE_DEVICES=4,5,6,7": GPU 7; a UUID: RankHost::uuid);
//   - a job's rank map printing rank ranges per host (PLC7): "rank 24-31 host gpu-r03 (local 0-7)",
//     "ranks 8-15 -> gpu-r02", several on one line; the i-th rank of the range on the i-th local GPU
//     when a local range of the same length is printed, else no GPU;
//   - a printed rank -> host table whose header names its columns: RANK (or GLOBAL_RANK) and HOST (or
//     HOSTNAME, NODE), optionally LOCAL_RANK and GPU; CSV ("rank,host,local_rank") or aligned columns.
// A host is returned as printed; the caller keeps it only when it names a node of the case. GPU -1
// where the line does not tie one. Pure, one instance per log; not thread safe (it keeps the hostfile
// or table being read).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agents/case.h"

namespace vigil {

struct RankHost {
  int rank = -1;
  std::string host;
  int gpu = -1;  // the physical GPU index on `host`; -1 when not tied
  // PLC76: the GPU's UUID ("gpu-88c1...", lower case) where the line names the GPU by one (a pod's
  // NVIDIA_VISIBLE_DEVICES list of UUIDs): gpu is -1 and the caller maps it (nvidia-smi -L).
  std::string uuid;
};

class RankHostReader {
 public:
  // The ties `line` states, given the lines read before it. A line over 4000 bytes states none.
  std::vector<RankHost> Read(std::string_view line);

 private:
  int hostfile_next_rank_ = -1;  // the next rank of the hostfile being read; -1 when none
  // The table being read: column indices from its header; rank_col_ < 0 when none.
  int rank_col_ = -1, host_col_ = -1, local_col_ = -1, gpu_col_ = -1;
  bool csv_ = false;
  std::string map_host_;  // the host of `mpirun --display-map`'s node block being read; "" when none
};

// Every log's ties (one RankHostReader a log), each host as `node_of` spells it ("" for a host that
// is no node of the case: the tie is skipped): rank -> tie. Ties of one rank to two nodes, or to two
// GPUs of one node, are no tie (the rank is left out); a tie without a GPU and one with it on the
// same node are one.
std::map<int, RankHost> CaseRankHosts(const std::vector<CaseLog>& logs,
                                      const std::function<std::string(std::string_view)>& node_of);

// NCCL's communicator line under its "HOST:PID:TID [dev]" prefix ("tarn-h0190:45120:45331 [4] NCCL
// INFO comm 0x55d1c8a0 rank 108 nRanks 256 nNodes 32 localRanks 8 localRank 4 ... Init COMPLETE"):
// the process id and its rank in that communicator (PLC45: a kernel's "python[45120]: segfault" on
// that host is then rank 108's). Only the first communicator, whose rank is the job's (a sub-group's
// line prints the same pid with its rank in the group: the caller drops a pid named for two ranks).
std::optional<std::pair<int64_t, int>> NcclCommPidRank(std::string_view line);

}  // namespace vigil
