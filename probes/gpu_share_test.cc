// Other processes' compute beside a throughput probe (probes/gpu/gpu_share.h): NVML's samples, as
// vigil-probe reads them around a measurement, turned into details.gpu_sharing and the reason's
// clause, on the CPU. The figures are those of the H200 runs 28-40 (a Python GEMM hog beside
// gpu.kernel_launch: a 2,433 us round trip; another process's launches beside a TF32 GEMM).
#include "probes/gpu/gpu_share.h"

#include "probes/catalog.h"

#include <doctest/doctest.h>

#include <unistd.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vigil {
namespace {

namespace gs = gpu_share;

constexpr unsigned kOwn = 5100;  // the probe's own pid

std::optional<std::string> Comm(unsigned pid) {
  static const std::map<unsigned, std::string> kNames = {
      {kOwn, "vigil-probe"}, {4242, "python3"}, {777, "jupyter-kernel"}, {9001, "pt_main_thread"}};
  auto it = kNames.find(pid);
  if (it == kNames.end()) return std::nullopt;
  return it->second;
}

gs::GpuShareSample Sample(int gpu) {
  gs::GpuShareSample s;
  s.gpu = gpu;
  s.device_util_before_pct = 0;
  s.device_util_after_pct = 100;
  return s;
}

TEST_CASE("gpu sharing: the GPU alone (only the probe's own process) is foreign_busy false, no clause") {
  gs::GpuShareSample s = Sample(0);
  s.processes_before = {{kOwn, 600ull << 20}};
  s.processes_after = {{kOwn, 2200ull << 20}};
  s.utilization = {{kOwn, 100, 60}};
  gs::GpuShareVerdict v = gs::JudgeGpuShare({s}, kOwn, Comm);
  REQUIRE(v.foreign_busy.has_value());
  CHECK(*v.foreign_busy == false);
  CHECK(v.clause.empty());
  CHECK(v.details["foreign_busy"] == false);
  CHECK(v.details["foreign_processes"] == 0);
  CHECK(v.details["gpus"]["0"]["other_processes"].empty());
  CHECK(v.details["gpus"]["0"]["device_util_after_pct"] == 100);
  CHECK_FALSE(v.details["gpus"]["0"].contains("not_read"));
}

TEST_CASE("gpu sharing: a GEMM hog in another process is named with its memory and SM share") {
  gs::GpuShareSample s = Sample(0);
  s.processes_before = {{kOwn, 500ull << 20}, {4242, 1288ull << 20}};
  s.processes_after = {{4242, 1288ull << 20}, {kOwn, 900ull << 20}};
  s.utilization = {{4242, 91, 40}, {kOwn, 3, 0}, {4242, 97, 45}};
  gs::GpuShareVerdict v = gs::JudgeGpuShare({s}, kOwn, Comm);
  REQUIRE(v.foreign_busy.has_value());
  CHECK(*v.foreign_busy == true);
  const auto& procs = v.details["gpus"]["0"]["other_processes"];
  REQUIRE(procs.size() == 1);
  CHECK(procs[0]["pid"] == 4242);
  CHECK(procs[0]["name"] == "python3");
  CHECK(procs[0]["sm_pct_max"] == 97);
  CHECK(procs[0]["mem_pct_max"] == 45);
  CHECK(procs[0]["used_memory_mib"].get<double>() == doctest::Approx(1288));
  CHECK(procs[0]["computing"] == true);
  CHECK(v.details["foreign_busy"] == true);
  CHECK(v.clause == "measured beside 1 other process computing on GPU 0 (pid 4242: SM 97%, 1.26 GiB) (details.gpu_sharing)");
  // No process name in the reason's clause (free text the reasoner's keywords would read).
  CHECK(v.clause.find("python3") == std::string::npos);
}

TEST_CASE("gpu sharing: a hung NCCL kernel spinning (one block, 100 % SM) counts; an idle notebook does not") {
  gs::GpuShareSample spin = Sample(1);
  spin.processes_before = spin.processes_after = {{kOwn, 500ull << 20}, {9001, 3ull << 30}};
  spin.utilization = {{9001, 100, 0}};
  gs::GpuShareVerdict v = gs::JudgeGpuShare({spin}, kOwn, Comm);
  CHECK(v.foreign_busy == std::optional<bool>(true));
  CHECK(v.clause.find("computing on GPU 1 (pid 9001: SM 100%, 3.00 GiB)") != std::string::npos);

  gs::GpuShareSample idle = Sample(0);
  idle.processes_before = idle.processes_after = {{kOwn, 500ull << 20}, {777, 1024ull << 20}};
  idle.utilization = {{kOwn, 100, 50}};  // only the probe computed: the notebook had no sample
  v = gs::JudgeGpuShare({idle}, kOwn, Comm);
  CHECK(v.foreign_busy == std::optional<bool>(false));
  CHECK(v.details["gpus"]["0"]["other_processes"][0]["name"] == "jupyter-kernel");
  CHECK(v.details["gpus"]["0"]["other_processes"][0]["computing"] == false);
  CHECK(v.clause == "1 other process on GPU 0 did not compute during the measurement (pid 777: SM 0%, 1.00 GiB) "
                    "(details.gpu_sharing)");

  // A notebook's cell that ran a little (5 % or less of the period) is not contention either.
  idle.utilization.push_back({777, gs::kBusySmPct, 1});
  CHECK(gs::JudgeGpuShare({idle}, kOwn, Comm).foreign_busy == std::optional<bool>(false));
  idle.utilization.push_back({777, gs::kBusySmPct + 1, 1});
  CHECK(gs::JudgeGpuShare({idle}, kOwn, Comm).foreign_busy == std::optional<bool>(true));
}

TEST_CASE("gpu sharing: an older driver without nvmlDeviceGetProcessUtilization says so and cannot tell") {
  gs::GpuShareSample s = Sample(0);
  s.processes_before = s.processes_after = {{kOwn, 500ull << 20}, {4242, 1288ull << 20}};
  s.utilization_why = "this driver's NVML has no nvmlDeviceGetProcessUtilization";
  gs::GpuShareVerdict v = gs::JudgeGpuShare({s}, kOwn, Comm);
  CHECK_FALSE(v.foreign_busy.has_value());
  CHECK(v.details["foreign_busy"].is_null());
  CHECK(v.details["gpus"]["0"]["not_read"]["process_utilization"] ==
        "this driver's NVML has no nvmlDeviceGetProcessUtilization");
  CHECK(v.details["gpus"]["0"]["other_processes"][0]["sm_pct_max"].is_null());
  CHECK(v.clause.find("could not tell whether other processes computed on GPU 0") == 0);
  CHECK(v.clause.find("1 other process there") != std::string::npos);
  CHECK(v.clause.find("no nvmlDeviceGetProcessUtilization") != std::string::npos);

  // ... but with only the probe on the GPU the process list alone says it was alone.
  s.processes_before = s.processes_after = {{kOwn, 500ull << 20}};
  v = gs::JudgeGpuShare({s}, kOwn, Comm);
  CHECK(v.foreign_busy == std::optional<bool>(false));
  CHECK(v.clause.empty());

  // Nothing readable at all (no compute-process call either): unknown, both reasons kept.
  s.processes_before = s.processes_after = {};
  s.processes_why = "this driver's NVML has no nvmlDeviceGetComputeRunningProcesses (_v3, _v2 or unversioned)";
  v = gs::JudgeGpuShare({s}, kOwn, Comm);
  CHECK_FALSE(v.foreign_busy.has_value());
  CHECK(v.details["gpus"]["0"]["not_read"]["processes"] == s.processes_why);
}

TEST_CASE("gpu sharing: the utilization samples alone name a busy process the lists missed") {
  gs::GpuShareSample s = Sample(0);
  s.processes_why = "nvmlDeviceGetComputeRunningProcesses_v3: Insufficient Permissions";
  s.utilization = {{4242, 88, 30}};
  gs::GpuShareVerdict v = gs::JudgeGpuShare({s}, kOwn, Comm);
  CHECK(v.foreign_busy == std::optional<bool>(true));
  CHECK(v.details["gpus"]["0"]["other_processes"][0]["used_memory_mib"].is_null());
  CHECK(v.clause.find("(pid 4242: SM 88%)") != std::string::npos);
}

TEST_CASE("gpu sharing: NVML's pids of another pid namespace: one of those not visible is the probe itself") {
  // In a container NVML reports the host's pids; the probe's own (container) pid is not among them.
  gs::GpuShareSample s = Sample(0);
  s.processes_before = s.processes_after = {{31337, 500ull << 20}};
  s.utilization = {{31337, 100, 50}};
  gs::GpuShareVerdict v = gs::JudgeGpuShare({s}, kOwn, Comm);
  CHECK(v.foreign_busy == std::optional<bool>(false));  // the only process there is this probe
  CHECK(v.details["foreign_processes"] == 0);
  CHECK(v.details["gpus"]["0"]["own_process"].get<std::string>().find("is not among NVML's pids") !=
        std::string::npos);
  CHECK(v.details["gpus"]["0"]["other_processes"][0]["name"].is_null());

  // Two hidden processes, both computing: at least one is another's.
  s.processes_before = s.processes_after = {{31337, 500ull << 20}, {31338, 4ull << 30}};
  s.utilization = {{31337, 100, 50}, {31338, 95, 40}};
  v = gs::JudgeGpuShare({s}, kOwn, Comm);
  CHECK(v.foreign_busy == std::optional<bool>(true));
  CHECK(v.details["foreign_processes"] == 1);
  CHECK(v.clause.find("measured beside 1 other process computing on GPU 0") == 0);

  // Two hidden, one computing: this probe or the other; cannot tell.
  s.utilization = {{31338, 95, 40}};
  v = gs::JudgeGpuShare({s}, kOwn, Comm);
  CHECK_FALSE(v.foreign_busy.has_value());
  CHECK(v.clause.find("may be this probe") != std::string::npos);
}

TEST_CASE("gpu sharing: NSpid and the pid-namespace link are parsed; this process's own reading is consistent") {
  CHECK(gs::ParseNsPid("Name:\tvigil-probe\nTgid:\t7\nNSpid:\t4711\t7\nNSpgid:\t4711\t7\n") ==
        std::vector<unsigned>{4711, 7});
  CHECK(gs::ParseNsPid("NSpid:\t31337\n") == std::vector<unsigned>{31337});
  CHECK(gs::ParseNsPid("Name:\tx\nPid:\t9\n").empty());      // kernels before 4.1: no NSpid line
  CHECK(gs::ParseNsPid("NSpid:\t12\tx7\n").empty());          // malformed: nothing, not a half reading
  CHECK(gs::ParseNsPid("NSpid:\t99999999999\n").empty());      // past 32 bits
  CHECK(gs::IsInitPidNamespace("pid:[4026531836]") == std::optional<bool>(true));
  CHECK(gs::IsInitPidNamespace("pid:[4026532512]") == std::optional<bool>(false));
  CHECK_FALSE(gs::IsInitPidNamespace("net:[4026531836]").has_value());
  CHECK_FALSE(gs::IsInitPidNamespace("pid:[]").has_value());
  CHECK_FALSE(gs::IsInitPidNamespace("").has_value());
  gs::OwnProcess self = gs::ReadOwnProcess();
  CHECK(self.pid == static_cast<unsigned>(getpid()));
  if (!self.nspid.empty()) CHECK(self.nspid.back() == self.pid);
  // In the host's namespace NSpid has one entry, the pid itself.
  if (self.in_init_pid_ns == std::optional<bool>(true)) CHECK(self.nspid == std::vector<unsigned>{self.pid});
}

// A container (a pod): the probe is pid 7 of its own pid namespace, /proc is the container's, NVML
// lists the host's pids: 31337 is the probe (600 MiB, 696 MiB while it held the 96 MiB marker),
// 31338 another process's training job.
gs::OwnProcess InContainer() {
  gs::OwnProcess self(7);
  self.nspid = {7};
  self.in_init_pid_ns = false;
  return self;
}
gs::GpuShareSample ContainerSample(const std::vector<gs::ProcessOnGpu>& others, bool marker) {
  gs::GpuShareSample s = Sample(0);
  s.processes_before = s.processes_after = {{31337, 600ull << 20}};
  for (const auto& o : others) s.processes_before.push_back(o);
  s.processes_after = s.processes_before;
  if (marker) {
    s.marker_bytes = gs::kMarkerBytes;
    s.processes_marker_held = s.processes_marker_released = s.processes_before;
    s.processes_marker_held[0].used_memory_bytes = (600ull << 20) + gs::kMarkerBytes;
  }
  return s;
}
// /proc/N/comm in the container: pid 31338 there is unrelated to the host's 31338.
std::optional<std::string> ContainerComm(unsigned pid) {
  if (pid == 7) return "vigil-probe";
  if (pid == 31338) return "sleep";
  return std::nullopt;
}

TEST_CASE("gpu sharing: own entry on the host: getpid() is NVML's pid, the others are named") {
  gs::OwnProcess self(kOwn);
  self.nspid = {kOwn};
  self.in_init_pid_ns = true;
  gs::GpuShareSample s = Sample(0);
  s.processes_before = s.processes_after = {{kOwn, 500ull << 20}, {4242, 874ull << 20}};
  s.utilization = {{kOwn, 38, 20}, {4242, 62, 10}};
  gs::OwnEntry own = gs::FindOwnEntry(s, self);
  REQUIRE(own.pid.has_value());
  CHECK(*own.pid == kOwn);
  CHECK(own.how.find("host's pid namespace") != std::string::npos);
  gs::GpuShareVerdict v = gs::JudgeGpuShare({s}, self, Comm);
  CHECK(v.foreign_busy == std::optional<bool>(true));
  const auto& g = v.details["gpus"]["0"];
  CHECK(g["own_process"]["nvml_pid"] == kOwn);
  CHECK(g["own_process"]["sm_pct_max"] == 38);
  CHECK(g["other_processes"][0]["name"] == "python3");
  CHECK(g["foreign_sm_share"].get<double>() == doctest::Approx(0.62));
  REQUIRE(v.foreign_share.at(0).has_value());
  CHECK(*v.foreign_share.at(0) == doctest::Approx(0.62));
}

TEST_CASE("gpu sharing: own entry in a container beside one other process: the memory marker tells which is the probe") {
  // A light probe (the launch test: no SM sample of its own) beside a busy job. Before the marker
  // the two hidden pids could not be told apart: foreign_busy null.
  gs::GpuShareSample s = ContainerSample({{31338, 4ull << 30}}, /*marker=*/false);
  s.utilization = {{31338, 95, 40}};
  gs::GpuShareVerdict v = gs::JudgeGpuShare({s}, InContainer(), ContainerComm);
  CHECK_FALSE(v.foreign_busy.has_value());
  CHECK_FALSE(v.foreign_share.at(0).has_value());
  CHECK(v.details["gpus"]["0"]["own_process"].get<std::string>().find("no memory marker taken") != std::string::npos);

  s = ContainerSample({{31338, 4ull << 30}}, /*marker=*/true);
  s.utilization = {{31338, 95, 40}};
  gs::OwnEntry own = gs::FindOwnEntry(s, InContainer());
  REQUIRE(own.pid.has_value());
  CHECK(*own.pid == 31337);
  CHECK(own.how.find("96 MiB marker") != std::string::npos);
  v = gs::JudgeGpuShare({s}, InContainer(), ContainerComm);
  CHECK(v.foreign_busy == std::optional<bool>(true));
  CHECK(v.details["foreign_processes"] == 1);
  const auto& g = v.details["gpus"]["0"];
  CHECK(g["own_process"]["nvml_pid"] == 31337);
  REQUIRE(g["other_processes"].size() == 1);
  CHECK(g["other_processes"][0]["pid"] == 31338);
  // /proc is the container's and NVML's pids the host's: the container's pid 31338 ("sleep") is not
  // the job, so no name is read.
  CHECK(g["other_processes"][0]["name"].is_null());
  CHECK(*v.foreign_share.at(0) == doctest::Approx(0.95));
  CHECK(v.clause.find("measured beside 1 other process computing on GPU 0 (pid 31338: SM 95%, 4.00 GiB)") == 0);

  // Without a marker, /proc of the host (unshare -p -f without --mount-proc; hostPID pods): NSpid
  // shows the host pid, and the names are the host's.
  gs::OwnProcess outer = InContainer();
  outer.nspid = {31337, 7};
  s = ContainerSample({{31338, 4ull << 30}}, /*marker=*/false);
  s.utilization = {{31338, 95, 40}};
  own = gs::FindOwnEntry(s, outer);
  REQUIRE(own.pid.has_value());
  CHECK(*own.pid == 31337);
  CHECK(own.how.find("NSpid") != std::string::npos);
  v = gs::JudgeGpuShare({s}, outer, ContainerComm);
  CHECK(v.foreign_busy == std::optional<bool>(true));
  CHECK(v.details["gpus"]["0"]["other_processes"][0]["name"] == "sleep");
}

TEST_CASE("gpu sharing: own entry in a container beside two other processes, one of them busy") {
  gs::GpuShareSample s = ContainerSample({{31338, 4ull << 30}, {31339, 1ull << 30}}, /*marker=*/false);
  s.utilization = {{31338, 60, 20}};  // the job computes, the notebook (31339) does not, the probe is light
  // Unknown which of the three hidden pids is the probe: the busy one may be it.
  CHECK_FALSE(gs::JudgeGpuShare({s}, InContainer(), ContainerComm).foreign_busy.has_value());
  s = ContainerSample({{31338, 4ull << 30}, {31339, 1ull << 30}}, /*marker=*/true);
  s.utilization = {{31338, 60, 20}};
  gs::GpuShareVerdict v = gs::JudgeGpuShare({s}, InContainer(), ContainerComm);
  CHECK(v.foreign_busy == std::optional<bool>(true));
  CHECK(v.details["foreign_processes"] == 2);
  CHECK(*v.foreign_share.at(0) == doctest::Approx(0.60));
  CHECK(v.details["gpus"]["0"]["other_processes"][1]["computing"] == false);
  // Both others busy, no marker: the counting rule already says contention (two busy hidden pids
  // cannot both be the probe), but the others' share is unknown (the probe may be one of them).
  s.marker_bytes = 0;
  s.utilization = {{31338, 60, 20}, {31339, 30, 5}};
  v = gs::JudgeGpuShare({s}, InContainer(), ContainerComm);
  CHECK(v.foreign_busy == std::optional<bool>(true));
  CHECK_FALSE(v.foreign_share.at(0).has_value());
  // With the marker: the share is the sum of the two.
  s.marker_bytes = gs::kMarkerBytes;
  v = gs::JudgeGpuShare({s}, InContainer(), ContainerComm);
  CHECK(*v.foreign_share.at(0) == doctest::Approx(0.90));
}

TEST_CASE("gpu sharing: an ambiguous memory match, a marker not taken and disagreeing signals leave the entry unknown") {
  // A training job's allocator freed exactly the marker's size in the same moment: two pids fell.
  gs::GpuShareSample s = ContainerSample({{31338, 4ull << 30}}, /*marker=*/true);
  s.processes_marker_held[1].used_memory_bytes = (4ull << 30) + gs::kMarkerBytes - (2ull << 20);
  s.utilization = {{31338, 95, 40}};
  gs::OwnEntry own = gs::FindOwnEntry(s, InContainer());
  CHECK_FALSE(own.pid.has_value());
  CHECK(own.unknown_why.find("ambiguous") != std::string::npos);
  CHECK(own.unknown_why.find("31337, 31338") != std::string::npos);
  gs::GpuShareVerdict v = gs::JudgeGpuShare({s}, InContainer(), ContainerComm);
  CHECK_FALSE(v.foreign_busy.has_value());  // the counting rule: one busy of two hidden
  CHECK(v.clause.find("may be this probe") != std::string::npos);

  // A fall of twice the marker (another allocation freed) is no match.
  s = ContainerSample({{31338, 4ull << 30}}, /*marker=*/true);
  s.processes_marker_held[0].used_memory_bytes = (600ull << 20) + 2 * gs::kMarkerBytes;
  CHECK_FALSE(gs::FindOwnEntry(s, InContainer()).pid.has_value());
  // Memory NVML does not give (NVML_VALUE_NOT_AVAILABLE): no match, said.
  s = ContainerSample({{31338, std::nullopt}}, /*marker=*/true);
  s.processes_marker_held[0].used_memory_bytes.reset();
  s.processes_marker_released[0].used_memory_bytes.reset();
  own = gs::FindOwnEntry(s, InContainer());
  CHECK_FALSE(own.pid.has_value());
  CHECK(own.unknown_why.find("2 with memory NVML does not give") != std::string::npos);

  // The marker could not be allocated (the GPU's memory full): said in the details.
  s = ContainerSample({{31338, 4ull << 30}}, /*marker=*/false);
  s.marker_why = "cudaMalloc of 96 MiB on GPU 0: out of memory";
  s.utilization = {{31338, 95, 40}};
  v = gs::JudgeGpuShare({s}, InContainer(), ContainerComm);
  CHECK_FALSE(v.foreign_busy.has_value());
  CHECK(v.details["gpus"]["0"]["marker_not_taken"] == s.marker_why);
  CHECK(v.details["gpus"]["0"]["own_process"].get<std::string>().find("out of memory") != std::string::npos);

  // The marker names 31337, NSpid 31338: no answer rather than a guess.
  gs::OwnProcess outer = InContainer();
  outer.nspid = {31338, 7};
  s = ContainerSample({{31338, 4ull << 30}}, /*marker=*/true);
  own = gs::FindOwnEntry(s, outer);
  CHECK_FALSE(own.pid.has_value());
  CHECK(own.unknown_why.find("signals disagree") != std::string::npos);
}

// The H200 figures of probes/HISTORY.md (VER4, 2026-12-04 21:20): alone BF16 806.6 TFLOP/s, copy
// 4.268 TB/s; beside the GEMM hog BF16 268.1 (hog SM max 62 %), copy 1.434 (50 %); beside a
// spinning kernel BF16 289.2 (63 %), copy 1.854 (83 %). Thresholds: BF16 715 - 7 %, copy 4.2 - 5 %.
gs::GpuShareVerdict Busy(double share) {
  gs::GpuShareVerdict v;
  v.foreign_busy = true;
  v.foreign_share[0] = share;
  return v;
}
constexpr double kBf16Min = 715 * 0.93, kCopyMin = 4.2 * 0.95;

TEST_CASE("gpu sharing: estimated alone, the H200 figures beside a GEMM hog and a spinning kernel") {
  gs::AloneEstimate e = gs::EstimateAlone(Busy(0.62), {{"gpu0.bf16_tflops", 268.1}}, {{"gpu0.bf16_tflops_min", kBf16Min}});
  CHECK(e.verdict == "contention");
  const auto& m = e.details["metrics"]["gpu0.bf16_tflops"];
  CHECK(m["estimate_alone"].get<double>() == doctest::Approx(705.5).epsilon(0.001));  // measured alone: 806.6
  CHECK(m["verdict"] == "contention");
  CHECK(e.clause.find("estimated alone: gpu0.bf16_tflops 268.1 -> 705.5 alone (>= 665: contention explains it)") == 0);
  // The memory-bound copy beside the compute-bound hog loses more than the hog's time share: 2.87
  // estimated (4.268 alone) is under the threshold, twice it is not: unclear, not a GPU finding.
  e = gs::EstimateAlone(Busy(0.50), {{"gpu0.copy_tbps", 1.434}}, {{"gpu0.copy_tbps_min", kCopyMin}});
  CHECK(e.verdict == "unclear");
  CHECK(e.details["metrics"]["gpu0.copy_tbps"]["estimate_alone"].get<double>() == doctest::Approx(2.868));
  // Beside the spinning kernel: 781.6 (806.6 alone) and 10.9 (4.268: NVML's 83 % over-states the
  // spinner's share during the copy); both read as contention.
  e = gs::EstimateAlone(Busy(0.63), {{"gpu0.bf16_tflops", 289.2}}, {{"gpu0.bf16_tflops_min", kBf16Min}});
  CHECK(e.verdict == "contention");
  CHECK(e.details["metrics"]["gpu0.bf16_tflops"]["estimate_alone"].get<double>() == doctest::Approx(781.6).epsilon(0.001));
  e = gs::EstimateAlone(Busy(0.83), {{"gpu0.copy_tbps", 1.854}}, {{"gpu0.copy_tbps_min", kCopyMin}});
  CHECK(e.verdict == "contention");
}

TEST_CASE("gpu sharing: estimated alone, a shortfall beyond what the neighbour takes is a finding of the GPU") {
  // HBM at a fifth of its baseline beside a neighbour using 10 % of the time: 0.889 alone, 1.78 even
  // with the slack, both under 3.99.
  gs::AloneEstimate e = gs::EstimateAlone(Busy(0.10), {{"gpu0.copy_tbps", 0.8}, {"gpu0.triad_tbps", 4.3}},
                                          {{"gpu0.copy_tbps_min", kCopyMin}, {"gpu0.triad_tbps_min", 4.085}});
  CHECK(e.verdict == "beyond_contention");
  CHECK(e.details["metrics"]["gpu0.triad_tbps"]["verdict"] == "passed");
  CHECK(e.details["metrics"]["gpu0.copy_tbps"]["estimate_alone_high"].get<double>() == doctest::Approx(1.778).epsilon(0.001));
  CHECK(e.clause.find("more than contention") != std::string::npos);
  // One metric beyond and one explained: beyond (the GPU has a finding).
  e = gs::EstimateAlone(Busy(0.10), {{"gpu0.copy_tbps", 0.8}, {"gpu0.bf16_tflops", 650.0}},
                        {{"gpu0.copy_tbps_min", kCopyMin}, {"gpu0.bf16_tflops_min", kBf16Min}});
  CHECK(e.verdict == "beyond_contention");
  CHECK(e.details["metrics"]["gpu0.bf16_tflops"]["verdict"] == "contention");
  // A neighbour past the cap (90 %): the estimate is capped, 10x, and the same 0.8 is explained.
  e = gs::EstimateAlone(Busy(0.99), {{"gpu0.copy_tbps", 0.8}}, {{"gpu0.copy_tbps_min", kCopyMin}});
  CHECK(e.verdict == "contention");
  CHECK(e.details["metrics"]["gpu0.copy_tbps"]["foreign_share"].get<double>() == doctest::Approx(gs::kMaxForeignShare));
}

TEST_CASE("gpu sharing: estimated alone: latencies, unknown shares, NCCL figures and an idle neighbour") {
  // The launch round trip waits for the neighbour's time slice: not estimated, unclear; its metric
  // name is kept out of the reason (the reasoner reads roundtrip_us as a straggler's keyword).
  gs::AloneEstimate e = gs::EstimateAlone(Busy(0.60), {{"gpu0.roundtrip_us", 1998.0}, {"gpu0.launch_us", 5.0}},
                                          {{"gpu0.roundtrip_us_max", 100}, {"gpu0.launch_us_max", 20}});
  CHECK(e.verdict == "unclear");
  CHECK(e.details["metrics"]["gpu0.roundtrip_us"]["verdict"] == "not_estimated");
  CHECK(e.details["metrics"]["gpu0.launch_us"]["verdict"] == "passed");
  CHECK(e.clause.empty());
  // The share unknown (the probe's own entry not told): not estimated.
  gs::GpuShareVerdict unknown;
  unknown.foreign_busy = true;
  unknown.foreign_share[0] = std::nullopt;
  e = gs::EstimateAlone(unknown, {{"gpu0.bf16_tflops", 268.1}}, {{"gpu0.bf16_tflops_min", kBf16Min}});
  CHECK(e.verdict == "unclear");
  CHECK(e.details["metrics"]["gpu0.bf16_tflops"]["why"].get<std::string>().find("unknown") != std::string::npos);
  // A figure of two GPUs (NCCL busbw) goes at the more shared GPU's pace.
  gs::GpuShareVerdict two;
  two.foreign_busy = true;
  two.foreign_share[0] = 0.0;
  two.foreign_share[1] = 0.5;
  e = gs::EstimateAlone(two, {{"busbw_gbps_1gib", 151.1}}, {{"busbw_gbps_1gib_min", 309.7}});
  CHECK(e.verdict == "unclear");  // 302.2 alone, < 309.7; 604 with the slack
  CHECK(e.details["metrics"]["busbw_gbps_1gib"]["foreign_share"].get<double>() == doctest::Approx(0.5));
  // Unjudged metrics are left out; a pass beside compute is "passed".
  e = gs::EstimateAlone(Busy(0.5), {{"gpu0.bf16_tflops", 720.5}, {"gpu0.m", 8192}}, {{"gpu0.bf16_tflops_min", kBf16Min}});
  CHECK(e.verdict == "passed");
  CHECK_FALSE(e.details["metrics"].contains("gpu0.m"));
  // No other process computed: nothing to estimate.
  gs::GpuShareVerdict idle;
  idle.foreign_busy = false;
  e = gs::EstimateAlone(idle, {{"gpu0.bf16_tflops", 600.0}}, {{"gpu0.bf16_tflops_min", kBf16Min}});
  CHECK(e.verdict.empty());
  CHECK(e.details.is_null());
}

TEST_CASE("gpu sharing: several GPUs: one busy makes the result's foreign_busy true; the clause names that GPU") {
  gs::GpuShareSample a = Sample(0), b = Sample(1);
  a.processes_before = a.processes_after = {{kOwn, 1ull << 30}};
  b.processes_before = b.processes_after = {{kOwn, 1ull << 30}, {4242, 2ull << 30}};
  b.utilization = {{4242, 99, 80}};
  gs::GpuShareVerdict v = gs::JudgeGpuShare({a, b}, kOwn, Comm);
  CHECK(v.foreign_busy == std::optional<bool>(true));
  CHECK(v.details["gpus"]["0"]["foreign_busy"] == false);
  CHECK(v.details["gpus"]["1"]["foreign_busy"] == true);
  CHECK(v.clause.find("GPU 1") != std::string::npos);
  CHECK(v.clause.find("GPU 0") == std::string::npos);
  // No sample at all: unknown, not "alone".
  CHECK_FALSE(gs::JudgeGpuShare({}, kOwn, Comm).foreign_busy.has_value());
}

TEST_CASE("gpu sharing: out-of-range percentages are clamped; memory NVML cannot give is null") {
  gs::GpuShareSample s = Sample(0);
  s.processes_before = {{4242, std::nullopt}};
  s.utilization = {{4242, 250, 999}};
  gs::GpuShareVerdict v = gs::JudgeGpuShare({s}, kOwn, Comm);
  const auto& p = v.details["gpus"]["0"]["other_processes"][0];
  CHECK(p["sm_pct_max"] == 100);
  CHECK(p["mem_pct_max"] == 100);
  CHECK(p["used_memory_mib"].is_null());
  CHECK(v.clause == "measured beside 1 other process computing on GPU 0 (pid 4242: SM 100%) (details.gpu_sharing)");
}

TEST_CASE("gpu sharing: ProcComm reads this process's name and nothing for a pid that is not there") {
  std::optional<std::string> self = gs::ProcComm(static_cast<unsigned>(getpid()));
  REQUIRE(self.has_value());
  CHECK(!self->empty());
  CHECK(self->find('\n') == std::string::npos);
  CHECK_FALSE(gs::ProcComm(4194305).has_value());  // above pid_max's largest value (2^22)
}

TEST_CASE("gpu sharing: one list of throughput probes for vigil-probe and the reasoner") {
  // Every probe of the catalog that measures a rate or a latency against a baseline is in the list
  // (a probe left out would be measured beside a hog with no gpu_sharing, and its fail read as a GPU
  // fault); the health, inventory, log and correctness probes are not.
  size_t listed = 0;
  for (const ProbeSpec& p : ProbeCatalog()) {
    const bool throughput = p.name == "gpu.gemm" || p.name == "gpu.hbm_bandwidth" || p.name == "gpu.pcie_bandwidth" ||
                            p.name == "gpu.kernel_launch" || p.name.rfind("nccl.", 0) == 0;
    const std::string name(p.name);
    CAPTURE(name);
    CHECK(gs::IsThroughputProbe(p.name) == throughput);
    listed += gs::IsThroughputProbe(p.name);
  }
  CHECK(listed == 10);  // every name in the list is a probe of the catalog (none misspelt)
  CHECK_FALSE(gs::IsThroughputProbe("gpu.gem"));
  CHECK_FALSE(gs::IsThroughputProbe(""));
}

}  // namespace
}  // namespace vigil
