// PLC6 (2026-12-04): the answer's place, continued — rows of realistic21 whose cause was right and
// whose place was not (evidence written for these tests, not copied from a case).
//   1. `nvidia-smi -q` over every GPU prints its "GPU 00000000:BB:DD.F" blocks in index order: with
//      one block per GPU of the node, in ascending bus order, the k-th block is GPU k
//      (SmiQueryBlockIndices in GpuIdTies).
//   2. A log whose source runs a port tool on one HCA (`perfquery -x -C mlx5_5 -P 1`, `ibstat mlx5_5`)
//      holds that HCA's counters (HintFromSource).
//   3. `srun -w NODE` / `--nodelist=NODE` as a log's source, or as a pasted command line, runs on NODE:
//      its output is NODE's (SrunTarget in SourceNode and SshNodes).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "agents/logs_case_testing.h"
#include "agents/ssh_command.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;


// `ssh ec-07 nvidia-smi -q -d ECC | grep ...` over the first `blocks` GPUs of ec-07; the GPU at bus
// 9B (index 4 of 8) has volatile DRAM uncorrectable errors.
Json EccBlocksCase(size_t blocks, const std::string& source) {
  const std::vector<std::string> buses = {"19", "3B", "4C", "5D", "9B", "BB", "CB", "DB"};
  std::vector<std::string> lines;
  for (size_t k = 0; k < blocks && k < buses.size(); ++k) {
    lines.push_back("GPU 00000000:" + buses[k] + ":00.0");
    lines.push_back("            DRAM Correctable              : " + std::string(k == 1 ? "3" : "0"));
    lines.push_back("            DRAM Uncorrectable            : " +
                    std::string(buses[k] == "9B" ? "4" : "0"));
  }
  return Case("t-plc6-ecc-blocks", {"ec-06", "ec-07", "ec-08"}, Json::array({Log(source, lines)}));
}

TEST_CASE("plc6: nvidia-smi -q blocks of every GPU, in bus order, are GPUs 0..7") {
  // Before: ec-07 (the blocks name bus ids only; nothing tied 9B to an index).
  CHECK(testing::CaseAnswer(EccBlocksCase(8, "ssh ec-07 nvidia-smi -q -d ECC | grep -E '^GPU|DRAM (Unc|C)orrectable'")) ==
        "gpu_memory_uncorrectable_ecc @ ec-07/gpu4");
}

TEST_CASE("plc6: a cut or selected nvidia-smi -q paste gives its blocks no index (guard)") {
  // Six blocks of eight: an excerpt, whose first block need not be GPU 0.
  CHECK(testing::CaseAnswer(EccBlocksCase(6, "ssh ec-07 nvidia-smi -q -d ECC | grep -E '^GPU|DRAM (Unc|C)orrectable'")) ==
        "gpu_memory_uncorrectable_ecc @ ec-07");
  // `-i 0,1,...` lists: a selection, not the index order of all GPUs.
  CHECK(testing::CaseAnswer(EccBlocksCase(8, "ssh ec-07 nvidia-smi -q -d ECC -i 7,6,5,4,3,2,1,0")) ==
        "gpu_memory_uncorrectable_ecc @ ec-07");
}

// Port counters of four nodes' mlx5_5 gathered by pdsh; ib-03's port flaps. `source` is the log's source.
Json PortCountersCase(const std::string& source) {
  return Case(
      "t-plc6-port-counters", {"ib-01", "ib-02", "ib-03", "ib-04"},
      Json::array(
          {Log(source,
               {"ib-01: SymbolErrorCounter:..............0", "ib-01: LinkDownedCounter:...............0",
                "ib-02: SymbolErrorCounter:..............0", "ib-02: LinkDownedCounter:...............0",
                "ib-03: SymbolErrorCounter:..............21870", "ib-03: LinkDownedCounter:...............9",
                "ib-04: SymbolErrorCounter:..............0", "ib-04: LinkDownedCounter:...............0"})}));
}

TEST_CASE("plc6: port counters read with perfquery -C HCA are that HCA's") {
  // Before: ib-03 (the HCA was named only by the command in the source).
  CHECK(testing::CaseAnswer(PortCountersCase(
            "pdsh -w ib-[01-04] 'perfquery -x -C mlx5_5 -P 1' | grep -E 'SymbolError|LinkDowned'")) ==
        "ib_link_failure @ ib-03/mlx5_5");
  // Guard: perfquery on the default port names no HCA.
  CHECK(testing::CaseAnswer(PortCountersCase("pdsh -w ib-[01-04] 'perfquery -x' | grep -E 'SymbolError|LinkDowned'")) ==
        "ib_link_failure @ ib-03");
}

TEST_CASE("plc6: SrunTarget reads the one node of srun -w / --nodelist") {
  CHECK(SrunTarget("srun --jobid 4410 --overlap -N1 -w tr-05 nvidia-smi -q") == "tr-05");
  CHECK(SrunTarget("$ srun --jobid=4410 --overlap --nodelist=tr-06 dmesg -T") == "tr-06");
  CHECK(SrunTarget("$ srun --nodelist 'tr-06' hostname") == "tr-06");
  CHECK(SrunTarget("$ srun -wtr-07 hostname") == "tr-07");
  CHECK(SrunTarget("$ srun -w tr-[05-06] hostname").empty());
  CHECK(SrunTarget("$ srun -w tr-05,tr-06 hostname").empty());
  CHECK(SrunTarget("$ srun -N2 hostname | grep -w tr-05").empty());
  CHECK(SrunTarget("$ pdsh -w tr-05 hostname").empty());
}

// An operator's shell on tr-05 (the log's source) runs a step on tr-06 through srun; the kernel
// lines after it are tr-06's.
Json SrunShellCase(const std::string& command) {
  return Case(
      "t-plc6-srun-shell", {"tr-05", "tr-06", "tr-07"},
      Json::array({Log("tr-05/ops-shell", {"$ nvidia-smi -L | wc -l", "8", command,
                                           "[Fri Dec  4 03:11:52 2026] NVRM: Xid (PCI:0000:9b:00): 79, "
                                           "pid=51822, name=python3, GPU has fallen off the bus.",
                                           "[Fri Dec  4 03:11:52 2026] NVRM: GPU 0000:9b:00.0: GPU has "
                                           "fallen off the bus."})}));
}

TEST_CASE("plc6: lines after srun -w NODE in a shell paste are NODE's") {
  // Before: tr-05 (the shell's node).
  CHECK(testing::CaseAnswer(SrunShellCase("$ srun --jobid 4410 --overlap -N1 -w tr-06 dmesg -T | grep -i xid")) ==
        "gpu_fallen_off_bus @ tr-06");
  // Guard: a range of nodes names none of them; the lines stay the shell's node's.
  CHECK(testing::CaseAnswer(SrunShellCase("$ srun --jobid 4410 --overlap -w tr-[06-07] dmesg -T | grep -i xid")) ==
        "gpu_fallen_off_bus @ tr-05");
}

}  // namespace
}  // namespace vigil
