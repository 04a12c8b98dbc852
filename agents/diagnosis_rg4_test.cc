// Tests of RG4's rules (2026-12-02): torch elastic's node requirement against the allocation,
// torchrun's agent failure line without its report, an OOM on the rank holding a collapsed MoE
// router's hot expert, and Open MPI's processes-a-node spellings. The cases are written for the
// tests (node names n-01 ...), not copied from a set. They run the shipped knowledge pack
// (data/knowledge/) through GatherKnowledge and the built-in reasoner, as `vigil diagnose` does.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/builtin_reasoner.h"
#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"

namespace vigil {
namespace {

Diagnosis Run(const Json& j) { return testing::RunJsonWithPack(j, j.value("probes", Json::object())); }

Json Case(const std::string& id, const Json& alert_labels, const std::string& summary, const std::string& starts,
          const Json& logs, int nodes) {
  Json names = Json::array();
  for (int n = 1; n <= nodes; ++n) {
    std::string h = "n-0";
    h += std::to_string(n);
    names.push_back(h);
  }
  return {{"id", id},
          {"alert", {{"labels", alert_labels}, {"annotations", {{"summary", summary}}}, {"startsAt", starts}}},
          {"logs", logs},
          {"metrics", Json::array()},
          {"topology", {{"gpus_per_node", 8}, {"nodes", names}}}};
}

std::string Mismatch(const Diagnosis& d) {
  for (const Evidence& e : d.evidence) {
    if (e.detail.find("launch does not fit the allocation") != std::string::npos) return e.detail;
  }
  return "";
}

// mpirun under a 4-node Slurm allocation of 8 GPUs a node.
Json Mpirun(const std::string& cmd) {
  Json lines = Json::array({"SLURM_JOB_NUM_NODES=4", "SLURM_GPUS_ON_NODE=8", cmd});
  Json logs = Json::array({{{"source", "slurm-9120.out"}, {"lines", lines}}});
  return Case("rg4-mpi", {{"alertname", "TrainingJobFailed"}}, "job 9120 failed", "2026-11-30T08:20:00Z", logs, 4);
}

TEST_CASE("launch counts: Open MPI's --map-by ppr:N:node and -N N are processes a node (RG4)") {
  // fac14f3: neither read, no mismatch.
  CHECK(Mismatch(Run(Mpirun("+ mpirun -np 40 --map-by ppr:10:node python train.py"))).find("starts 10 process(es) per node") !=
        std::string::npos);
  CHECK(Mismatch(Run(Mpirun("+ mpirun -np 16 --map-by ppr:4:node:PE=2 python train.py"))).find("starts 4 process(es)") !=
        std::string::npos);
  CHECK(Mismatch(Run(Mpirun("+ mpirun -N 10 -np 40 python train.py"))).find("starts 10 process(es) per node") !=
        std::string::npos);
  // N a node x 4 nodes against -np: 8 x 4 = 32 fits; -np 40 with 8 a node does not.
  CHECK(Mismatch(Run(Mpirun("+ mpirun -np 32 --map-by ppr:8:node python train.py"))).empty());
  CHECK(Mismatch(Run(Mpirun("+ mpirun -np 40 --map-by ppr:8:node python train.py"))).find("WORLD_SIZE=40") !=
        std::string::npos);
  // Guards: ppr over sockets is not read (needs the sockets a node); the program's own -N is not mpirun's.
  CHECK(Mismatch(Run(Mpirun("+ mpirun -np 32 --map-by ppr:2:socket python train.py"))).empty());
  CHECK(Mismatch(Run(Mpirun("+ mpirun -np 32 python train.py -N 10"))).empty());
}

}  // namespace
}  // namespace vigil
