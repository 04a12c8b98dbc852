// PLC8 (2026-12-04): the answer's place in realistic22 ("the on-call engineer's own question") -
// evidence written for these tests, not copied from a case.
//   1. A log source that is a shell prompt line ("priya@gpu-a03:~$ sudo dmesg -T | tail -4") names the
//      node its output was written on (PromptHost in node_addresses.h, read by SourceNode): the Xid's
//      PCI bus id is then that node's GPU, not "the job" of a two-node case.
//   2. torchrun's error summary lists other ranks' failures (the watchdog's SIGABRT) under "Failures:"
//      above its "Root Cause (first observed failure):" entry: the root cause entry's line leads its
//      signature, so the place is that rank's GPU, not the first entry's (TorchrunEntryOf).
//   3. PyTorch's OOM message naming many GPUs alike ("GPU 0 ... GPU 7 has a total capacity of 79.10 GiB
//      of which 5.1 GiB is free") is the job's demand (its config), not the GPU of the first traceback
//      (GpusOutOfMemory).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/diagnosis_testing.h"
#include "agents/logs_case_testing.h"
#include "agents/node_addresses.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

// A two-node job (rank r on nodes[r / 8]) whose GPU at bus 0000:ba:00 falls off the bus; the dmesg
// paste's source is the engineer's prompt line `source`.
Json FallenOffBusCase(const std::string& source) {
  Json c = Case("t-plc8-prompt", {"pa-03", "pa-04"},
                Json::array({Log("slurm-5120.out",
                                 {"0: RuntimeError: CUDA error: unspecified launch failure",
                                  "srun: error: pa-03: task 6: Exited with exit code 1"}),
                             Log(source,
                                 {"[Fri Dec  4 02:36:52 2026] NVRM: Xid (PCI:0000:ba:00): 79, pid=1884, name=python, "
                                  "GPU has fallen off the bus.",
                                  "[Fri Dec  4 02:36:52 2026] NVRM: GPU 0000:ba:00.0: GPU has fallen off the bus."})}));
  c["topology"]["rank_layout"] = "rank r runs on nodes[r // 8], local GPU r % 8";
  c["topology"]["gpu_pci_bus"] = {{"gpu0", "0000:18:00.0"}, {"gpu5", "0000:ab:00.0"}, {"gpu6", "0000:ba:00.0"}};
  return c;
}

TEST_CASE("plc8: PromptHost reads bash's default prompts at the start of a line") {
  CHECK(PromptHost("priya@gpu-a03:~$ sudo dmesg -T | tail -4") == "gpu-a03");
  CHECK(PromptHost("[root@gpu-07 ~]# nvidia-smi -q") == "gpu-07");
  CHECK(PromptHost("slurm-771203.out (tail -n 14, pasted)") == "");
  CHECK(PromptHost("mail priya@gpu-a03.example.com about it") == "");  // no prompt: an address in text
  CHECK(PromptHost("priya@gpu-a03:~$") == "");                         // no command after the prompt
}

TEST_CASE("plc8: a dmesg pasted under a shell prompt's source is that node's GPU") {
  // Before: gpu_fallen_off_bus @ job (the source named no node; the bus id alone names no node of two).
  CHECK(testing::CaseAnswer(FallenOffBusCase("priya@pa-03:~$ sudo dmesg -T | grep -i nvrm | tail -4")) ==
        "gpu_fallen_off_bus @ pa-03/gpu6");
  CHECK(testing::CaseAnswer(FallenOffBusCase("[root@pa-04 ~]# dmesg -T | grep -i nvrm")) ==
        "gpu_fallen_off_bus @ pa-04/gpu6");
}

TEST_CASE("plc8: a prompt that runs ssh to another node places the output there (twin)") {
  CHECK(testing::CaseAnswer(FallenOffBusCase("priya@pa-03:~$ ssh pa-04 sudo dmesg -T | tail -4")) ==
        "gpu_fallen_off_bus @ pa-04/gpu6");
  // A prompt on a host that is no node of the case (a login node) places nothing: as before.
  CHECK(testing::CaseAnswer(FallenOffBusCase("priya@login-1:~$ cat dmesg-saved.txt")) == "gpu_fallen_off_bus @ job");
}

// A four-node job (rank r on nodes[r / 8]) died; torchrun's summary on tm-04 lists `other` under
// "Failures:" and `root` under "Root Cause (first observed failure):" (rank, local rank, signal).
struct Entry {
  int rank, local_rank, signal;
  const char* name;
};
Json TorchrunSummaryCase(Entry other, Entry root) {
  auto entry = [](const char* index, const char* time, Entry e, long pid) {
    return std::vector<std::string>{
        std::string(index), std::string("  time      : 2026-12-04_") + time, "  host      : tm-04",
        "  rank      : " + std::to_string(e.rank) + " (local_rank: " + std::to_string(e.local_rank) + ")",
        "  exitcode  : -" + std::to_string(e.signal) + " (pid: " + std::to_string(pid) + ")", "  error_file: <N/A>",
        "  traceback : Signal " + std::to_string(e.signal) + " (" + e.name + ") received by PID " + std::to_string(pid)};
  };
  std::vector<std::string> lines = {"torch.distributed.elastic.multiprocessing.errors.ChildFailedError: ",
                                    "============================================================",
                                    "train.py FAILED",
                                    "------------------------------------------------------------",
                                    "Failures:"};
  for (const std::string& l : entry("[1]:", "03:40:06", other, 77120)) lines.push_back(l);
  lines.push_back("------------------------------------------------------------");
  lines.push_back("Root Cause (first observed failure):");
  for (const std::string& l : entry("[0]:", "03:30:04", root, 77123)) lines.push_back(l);
  lines.push_back("============================================================");
  const std::string wd = "[E1204 03:40:05.332101 ProcessGroupNCCL.cpp:632] Watchdog caught collective operation "
                         "timeout: WorkNCCL(SeqNum=5121, OpType=ALLREDUCE, Timeout(ms)=600000) ran for 600012 ms";
  Json c = Case("t-plc8-torchrun", {"tm-01", "tm-02", "tm-03", "tm-04"},
                Json::array({Log("slurm-8812.out | grep -m2 Watchdog", {"0: [rank0]:" + wd, "9: [rank9]:" + wd}),
                             Log("torchrun error summary on tm-04 (tail of slurm-8812.out)", lines)}));
  c["topology"]["rank_layout"] = "rank r runs on nodes[r // 8], local GPU r % 8";
  return c;
}

TEST_CASE("plc8: torchrun's root cause entry places the crash, not the Failures entry above it") {
  // Before: rank_process_crash @ tm-04/gpu0 (rank 24's SIGABRT, listed first, took the signature).
  CHECK(testing::CaseAnswer(TorchrunSummaryCase({24, 0, 6, "SIGABRT"}, {27, 3, 11, "SIGSEGV"})) ==
        "rank_process_crash @ tm-04/gpu3");
}

TEST_CASE("plc8: torchrun's root cause entry listed second with local rank 0 stays gpu0 (twin)") {
  CHECK(testing::CaseAnswer(TorchrunSummaryCase({27, 3, 6, "SIGABRT"}, {24, 0, 11, "SIGSEGV"})) ==
        "rank_process_crash @ tm-04/gpu0");
}

// One 8-GPU node; rank 3's OOM traceback, then a grep of the run log for the OOM phrase listing `gpus`.
Json OomCase(const std::vector<int>& gpus) {
  std::vector<std::string> grep;
  for (int g : gpus) {
    grep.push_back("GPU " + std::to_string(g) + " has a total capacity of 79.10 GiB of which 5.0" + std::to_string(g) +
                   " GiB is free");
  }
  Json c = Case("t-plc8-oom", {"om-07"},
                Json::array({Log("om-07/run.log",
                                 {"[rank3]: Traceback (most recent call last):", "[rank3]:     loss.backward()",
                                  "[rank3]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 8.00 GiB. GPU 3 "
                                  "has a total capacity of 79.10 GiB of which 5.06 GiB is free. Including non-PyTorch "
                                  "memory, this process has 74.03 GiB memory in use."}),
                             Log("grep -o 'GPU [0-7] has a total capacity of .* is free' run.log", grep)}));
  c["topology"]["rank_layout"] = "rank r runs on nodes[r // 8], local GPU r % 8";
  return c;
}

TEST_CASE("plc8: the OOM message on every GPU of the node alike is the job's demand") {
  // Before: cuda_oom @ om-07/gpu3 (the traceback's GPU).
  CHECK(testing::CaseAnswer(OomCase({3, 0, 6, 1, 7, 2, 4, 5})) == "cuda_oom @ job");
}

TEST_CASE("plc8: the OOM message on one GPU only stays that GPU's (twin)") {
  CHECK(testing::CaseAnswer(OomCase({3, 3, 3})) == "cuda_oom @ om-07/gpu3");
}

}  // namespace
}  // namespace vigil
