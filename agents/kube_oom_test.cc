// Pods kubectl shows OOMKilled (RG27).
#include "agents/kube_oom.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace vigil {
namespace {

TEST_CASE("FindKubeOomKilledPods: a jsonpath listing of every pod's termination reason") {
  const KubeOomKilledPods k = FindKubeOomKilledPods(
      "kubectl -n ml get pods -o jsonpath='{range .items[*]}{.metadata.name} "
      "{.status.containerStatuses[0].lastState.terminated.reason}{\"\\n\"}{end}'",
      {"sft-13b-master-0 OOMKilled 137", "sft-13b-worker-0 OOMKilled 137", "sft-13b-worker-1 Completed 0"});
  CHECK(k.listed == std::vector<std::string>{"sft-13b-master-0", "sft-13b-worker-0", "sft-13b-worker-1"});
  CHECK(k.oomkilled == std::vector<std::string>{"sft-13b-master-0", "sft-13b-worker-0"});
  CHECK(k.lines == std::vector<size_t>{0, 1});
}

TEST_CASE("FindKubeOomKilledPods: kubectl get pods' STATUS column after its command line") {
  const KubeOomKilledPods k = FindKubeOomKilledPods(
      "terminal", {"$ kubectl -n ml get pods -o wide", "NAME          READY   STATUS      RESTARTS   AGE   IP          NODE",
                   "trainer-0     0/1     OOMKilled   2          9m    10.4.1.7    gpu-a01",
                   "trainer-1     1/1     Running     0          9m    10.4.2.7    gpu-a02", "$ kubectl get nodes",
                   "gpu-a03-x   NotReady   OOMKilled"});
  CHECK(k.listed == std::vector<std::string>{"trainer-0", "trainer-1"});
  CHECK(k.oomkilled == std::vector<std::string>{"trainer-0"});
}

TEST_CASE("FindKubeOomKilledPods: OOMKilled outside a pod listing is no pod's") {
  // A data shard's dedup report (realistic14's look-alike): not kubectl's.
  CHECK(FindKubeOomKilledPods("grep shard-00873 dedup_report.tsv", {"shard-00873 FAILED OOMKilled 2026-11-19"}).oomkilled.empty());
  // A listing of pods none of which was killed.
  const KubeOomKilledPods k =
      FindKubeOomKilledPods("kubectl get pods", {"NAME READY STATUS", "trainer-0 0/1 Error", "trainer-1 0/1 Error"});
  CHECK(k.listed.size() == 2);
  CHECK(k.oomkilled.empty());
}

}  // namespace
}  // namespace vigil
