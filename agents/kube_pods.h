// Which node a Kubernetes pod runs on, as kubectl's output pasted in a case says it (RG17,
// 2026-12-03). Evidence from a pod often names the pod or its IP only: Ray's "(RayTrainWorker
// pid=31877, ip=10.40.2.17)", a pod's log source "trainer-worker-3/stderr", an event "pod
// ml/trainer-worker-3 evicted". A `kubectl get pods -o wide` table or a `kubectl describe pod` beside
// it ties the pod and its IP to its node; the reasoner then reads either as that node
// (CaseAddresses in builtin_reasoner.cc feeds these facts to CaseNodes, as node_addresses.h's).
//
// KubePodReader reads one log's lines in order and returns the facts each line states:
//   - a table whose header names its columns (`kubectl get pods -o wide`, with or without -A's
//     NAMESPACE, `-o custom-columns=NAME:...,NODE:...,IP:...`): NAME and NODE, and IP when there is
//     one. The columns are found by the header's words, not by position; a row's "2 (5m ago)" in
//     RESTARTS counts as one column; a row whose NODE is "<none>" (pending) or whose IP is no address
//     states no address. `kubectl get nodes -o wide`: NAME and INTERNAL-IP tie the node's address
//     (EXTERNAL-IP too when it is an address). The table ends at a line with fewer columns than needed.
//   - the rows of a `kubectl [-n NS] get pods|nodes [-A] -o wide` command whose header was filtered
//     out (`| grep worker`, `| tail -n +2`): kubectl's fixed column order then says where NAME, IP and
//     NODE are (pods: NAME READY STATUS RESTARTS AGE IP NODE, NAMESPACE first with -A; nodes: NAME
//     STATUS ROLES AGE VERSION INTERNAL-IP EXTERNAL-IP); a row whose IP column holds neither an
//     address nor "<none>" ends such a table (the lead, 2026-12-03: realistic17's blind run, where a
//     grep'd pod table tied nothing). A header after the command still decides.
//   - `kubectl describe pod`: "Name:" starts a record, "Node:  ray-gpu-07/10.40.1.7" names the node
//     (and the node's own address), "IP:" (and the "IPs:" list's "IP:") the pod's address.
//     `kubectl describe node`: "Name:" then "InternalIP:" in its Addresses. A `kubectl describe pod
//     NAME` command line starts NAME's record (RG20: `| grep Node:` drops the "Name:" line); any
//     other shell command line ends the record.
// A fact's pod is "" for a node's own address. The caller drops a pod or address claimed for two
// nodes. Pure, one instance per log; not thread safe (it keeps the table or record being read).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

struct KubePodFact {
  std::string pod;      // the pod's name; "" when the fact is the node's own address
  std::string address;  // the pod's IP (or the node's) as NodeNameKey writes it; "" when none
  std::string node;     // the node as kubectl prints it
};

class KubePodReader {
 public:
  // The facts `line` states, given the lines read before it. A line over 2000 bytes states none
  // (and ends a table).
  std::vector<KubePodFact> Read(std::string_view line);
  // A log's source that is the `kubectl describe pod POD` command its lines print ("kubectl describe
  // pod -n llm sft-worker-2 (excerpt)") starts POD's record, as the command line does (PLC5: an
  // excerpt without its "Name:" line tied its "Node:" to no pod). Call before the log's first line.
  void ReadSource(std::string_view source);

 private:
  // The table being read: column indices from its header; -1 when absent. No table: name_col_ < 0.
  int name_col_ = -1, node_col_ = -1, ip_col_ = -1, external_ip_col_ = -1;
  bool nodes_table_ = false;  // `kubectl get nodes -o wide`: NAME is the node
  bool headerless_ = false;   // columns from the command's kubectl default order, not a header
  size_t needed_ = 0;         // the columns a row must have
  // The describe record being read.
  std::string record_name_, record_node_;
};

// Adds `facts` to `by_name` (a pod's name and its address, a node's address, as NodeNameKey writes
// them -> the node as `node_of` spells it); a fact whose node `node_of` maps to "" (no node of the
// case) adds nothing, nor does a pod name without a '-' ("trainer": a plain word of other lines too);
// a name or address claimed for two nodes is put in `twice`.
// The scheduler's event "Successfully assigned NS/POD to NODE" (`kubectl get events`, `describe pod`'s
// Events; PLC32): the pod and its node as printed (address ""); nullopt for any other line. Read only
// where a rule asks for one pod's node (the kubelet's kill below), not added to the case's names: a
// pod's log then placed on its node moved answers that were the job's (realistic19 rl19-07's OOM).
std::optional<KubePodFact> ScheduledPod(std::string_view line);

// The pod whose container the kubelet kills after a failed liveness or startup probe (PLC32): the
// event "Killing pod/POD Container trainer failed liveness probe, will be restarted" (`kubectl get
// events`' columns) names it; "" for any other line. A pod's process killed so ends the job's
// collectives with "remote process exited" on its peers.
std::string KubeletKilledPod(std::string_view line);

void AddKubePodFacts(const std::vector<KubePodFact>& facts, const std::function<std::string(std::string_view)>& node_of,
                     std::map<std::string, std::string>& by_name, std::set<std::string>& twice);

}  // namespace vigil
