// RG21 (realistic19's misses read generally, seen): a log whose source names its node in a
// parenthesised note, "nvidia-bug-report.log (gpu-f02, excerpts)", not as the first path segment.
// The note's node was not read, so a bus id the log ties to a GPU index (the bug report's
// `--query-gpu=index,pci.bus_id` table) had no node, and the Xid on that bus id was placed on the
// whole job (rl19-09). A source that is the `ssh` command run on a node ("ssh nb-02 dmesg -T") had
// no node either.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "agents/logs_case_testing.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

// Two nodes; the bug report of the second, with its saved bus-id table and the Xid 79 on bus CB
// (index 6); a rank's watchdog line on the first.
Json FallenOffBusCase(const std::string& source) {
  return Case("rg21-note", {"nb-01", "nb-02"},
              Json::array({Log(source, {"/usr/bin/nvidia-smi --query-gpu=index,pci.bus_id,serial --format=csv",
                                        "index, pci.bus_id, serial", "0, 00000000:19:00.0, 1654923017511",
                                        "1, 00000000:3B:00.0, 1654923017620", "5, 00000000:BB:00.0, 1654923017891",
                                        "6, 00000000:CB:00.0, 1654923017440", "7, 00000000:DB:00.0, 1654923017305",
                                        "[81223.441907] NVRM: Xid (PCI:0000:cb:00): 79, pid='<unknown>', name=<unknown>, "
                                        "GPU has fallen off the bus."}),
                           Log("slurm-93001.out",
                               {"[rank2]:[E1204 01:58:34.100211 40312 ProcessGroupNCCL.cpp:632] [Rank 2] Watchdog caught "
                                "collective operation timeout: WorkNCCL(SeqNum=7341, OpType=REDUCE_SCATTER, "
                                "NumelIn=33554432, NumelOut=2097152, Timeout(ms)=600000) ran for 600017 milliseconds "
                                "before timing out."})}));
}

}  // namespace

TEST_CASE("a source's parenthesised note, or its ssh command, that names one node is the log's node") {
  for (const std::string source :
       {"nvidia-bug-report.log (nb-02, excerpts)", "ops/bug-report (collected on nb-02)",
        "nvidia-bug-report.log (host=nb-02)", "ops/paste (nb-02.cluster.local; trimmed)",
        "ssh nb-02 'nvidia-bug-report.sh --safe-mode'", "ssh -p 2222 root@nb-02 cat /var/log/nvidia-bug-report.log"}) {
    CAPTURE(source);
    const Diagnosis d = testing::RunJsonWithPack(FallenOffBusCase(source));
    CHECK(d.root_cause == "gpu_fallen_off_bus");
    CHECK(d.component == "nb-02/gpu6");  // before: job (the bus id had no node)
  }
}

TEST_CASE("a note naming two nodes, or a node range, places nothing") {
  for (const std::string source : {"nvidia-bug-report.log (nb-01, nb-02)", "ops/paste (NodeList=nb-[01-02])"}) {
    CAPTURE(source);
    const Diagnosis d = testing::RunJsonWithPack(FallenOffBusCase(source));
    CHECK(d.root_cause == "gpu_fallen_off_bus");
    CHECK(d.component == "job");
  }
}

}  // namespace vigil
