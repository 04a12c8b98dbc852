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
