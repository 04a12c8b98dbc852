// Pods that kubectl, pasted into a case, shows killed for memory (RG27, 2026-12-04). A container
// terminated with reason OOMKilled ran into its memory limit (the pod spec's `resources.limits.memory`)
// or the node's memory ran out under it: host memory, not a GPU's. Which of the two the case shows
// depends on how many pods: every pod of the job OOMKilled at once, across its nodes, is the job's own
// footprint against the limit its spec sets (a new image, more loader workers), not one node's
// hardware; one pod OOMKilled while its peers run is that pod's node (or its own share).
//
// KubeOomKilledPods reads one log's lines: the rows kubectl prints one pod a line (`kubectl get pods`
// with or without -o wide, `-o jsonpath` / custom-columns listings of name and termination reason),
// in a log whose source is a `kubectl ... get pod(s)` command, or after such a command line in the log
// (`$ kubectl -n ml get pods ...`); another command line ends the listing. A row's first word is a pod
// name (lower-case letters, digits, '-' and '.', with a '-'; `NAME` headers are no pod); the pod is
// OOMKilled when its row holds the word `OOMKilled` (kubectl's STATUS column, or the reason a jsonpath
// prints). A bare `NAME OOMKilled` line elsewhere (a data shard's dedup report) is no pod's. Pure,
// thread safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace vigil {

struct KubeOomKilledPods {
  std::vector<std::string> listed;     // every pod the listings name, first seen first, once each
  std::vector<std::string> oomkilled;  // the pods among them OOMKilled, once each
  std::vector<size_t> lines;           // the line of each OOMKilled pod's first such row
};

KubeOomKilledPods FindKubeOomKilledPods(const std::string& source, const std::vector<std::string>& lines);

}  // namespace vigil
