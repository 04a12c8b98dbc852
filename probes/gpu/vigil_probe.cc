// vigil-probe: targeted GPU / NVLink / NCCL probes that print one JSON document.
//
//   vigil-probe --probes gpu.health,gpu.gemm [--gpus 0,3] [--target node-3/gpu5]
//               [--time-limit 60] [--allow-intrusive] [--thresholds FILE]... [--gemm-size 8192]
//               [--rendezvous host:port] [--expect-gpus N] [--health-sample-s 1] [--since S] [--list]
//
// node.kernel_log reads the node's kernel log (journalctl -k, else dmesg, else /dev/kmsg) over the
// last --since seconds (default 3600) and needs no GPU: it runs on a node without a usable GPU too.
// `--probes all` is the GPU set and leaves it out. Test hooks: --kernel-log-file FILE reads a
// recorded log instead; --kernel-log-bus-ids B0,B1,... says GPU i has PCI bus id Bi (else
// /proc/driver/nvidia/gpus in PCI order, else CUDA's ids).
//
// Output (stdout): {"vigil_probe": 1, "host": ..., "gpus": [...], "results": [ {probe, target,
// status, metrics, thresholds, reason, duration_s, details}, ... ]}, one result per requested
// probe in request order. Per-GPU metrics are named "gpuN.<metric>" (N = CUDA ordinal) and the
// worst value over the GPUs is reported under the plain name.
//
// Exit codes: 0 every probe passed; 1 a probe failed or errored; 2 bad usage; 3 the watchdog
// fired (a probe did not finish within its limit: the GPU may be hung; results so far are
// printed and the process exits without waiting for the GPU); 4 no usable GPU (every result of a
// probe that needs one is `unavailable` with the reason), also when --gpus names a GPU past the
// visible ones (the reason "GPU 7 does not exist (1 visible)"). node.kernel_log runs without a GPU;
// its fail, or its `unavailable` for want of a readable log, makes the exit 1. 5: another process on
// this host held the lease on what an intrusive run loads for the whole --time-limit (every result
// `unavailable`, nothing measured; see "Host-wide lease" below).
//
// Host-wide lease (VER4): with --allow-intrusive and an intrusive probe, a vigil-probe started by
// hand first takes the host-wide lease the command executors take (host_lease.h, probes/probe_lock.h:
// flock'd files in --lock-dir, default /run/lock/vigil-probe, else /tmp/vigil-probe-locks), for the
// GPU of --target / --gpus or the whole node, waiting within --time-limit. With
// VIGIL_PROBE_LEASE_HELD set (the command executors set it: they hold the lease) it takes none.
//
// Multi-process NCCL: with RANK/WORLD_SIZE/LOCAL_RANK (or SLURM_PROCID/SLURM_NTASKS/SLURM_LOCALID)
// and WORLD_SIZE > 1, each process drives GPU LOCAL_RANK, the NCCL unique id is exchanged through
// a TCP rendezvous (--rendezvous host:port, rank 0 listens), only NCCL probes run, and only rank 0
// prints the document.
//
// This binary depends on CUDA, cuBLASLt, NCCL, NVML (dlopen) and nlohmann-json only.
#include <arpa/inet.h>
#include <cublasLt.h>
#include <cuda_runtime.h>
#include <nccl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "probes/gpu/gpu_share.h"
#include "probes/gpu/host_lease.h"
#include "probes/gpu/kernel_log.h"
#include "probes/gpu/kernels.h"
#include "probes/gpu/nvml_loader.h"
#include "probes/gpu/probe_math.h"

namespace vigil_probe {
namespace {

using json = nlohmann::json;
namespace pm = vigil::probe_math;
namespace gs = vigil::gpu_share;

constexpr int kExitOk = 0, kExitFailed = 1, kExitUsage = 2, kExitWatchdog = 3, kExitNoGpu = 4, kExitBusy = 5;

// Errors inside a probe are exceptions that carry file:line; the probe runner turns them into an
// `error` result. They never cross the process boundary.
struct ProbeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

#define VP_STR2(x) #x
#define VP_STR(x) VP_STR2(x)
#define CUDA_CHECK(expr)                                                    \
  do {                                                                      \
    cudaError_t e_ = (expr);                                                \
    if (e_ != cudaSuccess)                                                  \
      throw ProbeError(std::string(#expr) + ": " + cudaGetErrorString(e_) + \
                       " (" __FILE__ ":" VP_STR(__LINE__) ")");             \
  } while (0)
#define CUBLAS_CHECK(expr)                                                                              \
  do {                                                                                                  \
    cublasStatus_t s_ = (expr);                                                                         \
    if (s_ != CUBLAS_STATUS_SUCCESS)                                                                    \
      throw ProbeError(std::string(#expr) + ": cublas status " + std::to_string(static_cast<int>(s_)) + \
                       " (" __FILE__ ":" VP_STR(__LINE__) ")");                                         \
  } while (0)
#define NCCL_CHECK(expr)                                                    \
  do {                                                                      \
    ncclResult_t r_ = (expr);                                               \
    if (r_ != ncclSuccess)                                                  \
      throw ProbeError(std::string(#expr) + ": " + ncclGetErrorString(r_) + \
                       " (" __FILE__ ":" VP_STR(__LINE__) ")");             \
  } while (0)

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct Result {
  std::string probe, target, status = "pass", reason;
  std::map<std::string, double> metrics, thresholds;
  double duration_s = 0;
  json details;
  std::vector<std::string> failures;  // joined into reason
  json ToJson() const {
    json j = {{"probe", probe},           {"target", target}, {"status", status},        {"metrics", metrics},
              {"thresholds", thresholds}, {"reason", reason}, {"duration_s", duration_s}};
    if (!details.is_null()) j["details"] = details;
    return j;
  }
};

struct Options {
  std::vector<std::string> probes;
  std::vector<int> gpus;  // empty: all visible
  std::string target;
  std::string lock_dir;  // --lock-dir: the host-wide lease's folder (host_lease.h; default kRunLockDir)
  double time_limit_s = 120;
  bool allow_intrusive = false;
  std::vector<std::string> threshold_files;
  int gemm_size = 8192;
  bool gemm_nn = true;        // --gemm-layout nn|tn for BF16/FP16/TF32 (FP8 is always TN)
  bool gemm_autotune = true;  // --gemm-no-autotune: use the heuristic's first choice only
  std::string rendezvous;
  int expect_gpus = -1;
  double health_sample_s = 1.0;  // --health-sample-s: window over which link error rates are measured
  double spin_ms = 0;  // test hook for the watchdog (gpu.kernel_launch spins this long first)
  // Test hook: run NCCL collectives on a one-rank communicator (busbw factor 0), so that the
  // buffers, group calls and result checks can be exercised on a one-GPU machine.
  bool nccl_one_rank = false;
  double since_s = 3600;                     // --since: node.kernel_log's window, seconds
  std::string kernel_log_file;               // --kernel-log-file: test hook, a recorded log
  std::vector<std::string> kernel_log_bus_ids;  // --kernel-log-bus-ids: test hook, GPU i's bus id
};

struct Context {
  Options opt;
  std::vector<int> gpus;
  std::vector<std::string> gpu_names;
  std::vector<std::string> bus_ids;
  json thresholds = json::object();
  double tolerance = 0.05;
  Nvml nvml;
  int rank = 0, world = 1, local_rank = 0;
  std::string model;  // thresholds model key used

  const json& Rules(const std::string& probe) const {
    static const json kEmpty = json::object();
    std::string m;
    const json* entry = gpu_names.empty() ? nullptr : pm::FindModel(thresholds, gpu_names[0], &m);
    if (entry == nullptr || !entry->contains("probes") || !(*entry)["probes"].contains(probe)) return kEmpty;
    return (*entry)["probes"][probe];
  }
};

std::string G(int dev) { return "gpu" + std::to_string(dev) + "."; }

// Adds `per_gpu` metrics and the worst value under the plain name (min for higher-is-better
// metrics, max for the others).
void AddWorst(Result& r, const std::string& name, const std::vector<std::pair<int, double>>& per_gpu,
              bool higher_better) {
  if (per_gpu.empty()) return;
  double worst = per_gpu[0].second;
  for (auto [dev, v] : per_gpu) {
    r.metrics[G(dev) + name] = v;
    worst = higher_better ? std::min(worst, v) : std::max(worst, v);
  }
  r.metrics[name] = worst;
}

void Judge(const Context& ctx, Result& r) {
  const json& rules = ctx.Rules(r.probe);
  pm::Judgement j = pm::JudgeMetrics(rules, r.metrics, ctx.tolerance);
  for (auto& [k, v] : j.thresholds) r.thresholds[k] = v;
  for (auto& f : j.failures) r.failures.push_back(f);
  if (!j.judged && r.failures.empty() && r.status == "pass" && gs::IsThroughputProbe(r.probe)) {
    r.reason = "measured only: no baseline for " + r.probe + " on " +
               (ctx.gpu_names.empty() ? std::string("?") : ctx.gpu_names[0]) +
               " in the thresholds file(s), so throughput was not judged";
  }
}

// Runs fn(i, dev) for each GPU on its own thread; exceptions become per-GPU errors.
void ForEachGpu(const Context& ctx, const std::function<void(size_t, int)>& fn,
                std::vector<std::string>& errors) {
  std::vector<std::thread> threads;
  std::mutex mu;
  for (size_t i = 0; i < ctx.gpus.size(); ++i) {
    threads.emplace_back([&, i] {
      try {
        CUDA_CHECK(cudaSetDevice(ctx.gpus[i]));
        fn(i, ctx.gpus[i]);
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> l(mu);
        errors.push_back("gpu" + std::to_string(ctx.gpus[i]) + ": " + e.what());
      }
    });
  }
  for (auto& t : threads) t.join();
}

struct DeviceBuffer {
  void* p = nullptr;
  explicit DeviceBuffer(size_t bytes) { CUDA_CHECK(cudaMalloc(&p, bytes)); }
  ~DeviceBuffer() {
    if (p) cudaFree(p);
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
};

struct Stream {
  cudaStream_t s = nullptr;
  Stream() { CUDA_CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking)); }
  ~Stream() {
    if (s) cudaStreamDestroy(s);
  }
};

struct Event {
  cudaEvent_t e = nullptr;
  Event() { CUDA_CHECK(cudaEventCreate(&e)); }
  ~Event() {
    if (e) cudaEventDestroy(e);
  }
};

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Times `body` (enqueued on `s`) `iters` times with events; returns the median seconds.
double TimeMedian(cudaStream_t s, int warmup, int iters, const std::function<void()>& body) {
  for (int i = 0; i < warmup; ++i) body();
  std::vector<Event> ev(iters + 1);
  CUDA_CHECK(cudaEventRecord(ev[0].e, s));
  for (int i = 0; i < iters; ++i) {
    body();
    CUDA_CHECK(cudaEventRecord(ev[i + 1].e, s));
  }
  CUDA_CHECK(cudaStreamSynchronize(s));
  std::vector<double> t;
  for (int i = 0; i < iters; ++i) {
    float ms = 0;
    CUDA_CHECK(cudaEventElapsedTime(&ms, ev[i].e, ev[i + 1].e));
    t.push_back(ms / 1e3);
  }
  return Median(t);
}

// ---- gpu.inventory ------------------------------------------------------------------------------

nvmlDevice_t NvmlHandle(const Context& ctx, int dev, std::string* why = nullptr) {
  if (!ctx.nvml.loaded) {
    if (why) *why = ctx.nvml.load_error;
    return nullptr;
  }
  nvmlDevice_t h = nullptr;
  auto& nvml = const_cast<Nvml&>(ctx.nvml);
  size_t idx = std::find(ctx.gpus.begin(), ctx.gpus.end(), dev) - ctx.gpus.begin();
  nvmlReturn_t r = nvml.nvmlDeviceGetHandleByPciBusId_v2(ctx.bus_ids[idx].c_str(), &h);
  if (r != kNvmlSuccess) {
    if (why) *why = "NVML has no device at bus " + ctx.bus_ids[idx] + ": " + nvml.Error(r);
    return nullptr;
  }
  return h;
}

// ---- other processes' compute on the GPU (gpu_share.h) ----------------------------------------------

// The compute processes NVML lists on `h` (_v3, else _v2, else the unversioned call of older
// drivers); nullopt with `why` when none of them answers.
std::optional<std::vector<gs::ProcessOnGpu>> ComputeProcesses(const Nvml& n, nvmlDevice_t h, std::string* why) {
  std::vector<gs::ProcessOnGpu> out;
  auto keep = [&](unsigned pid, unsigned long long mem) {
    gs::ProcessOnGpu p;
    p.pid = pid;
    if (mem != kNvmlValueNotAvailable) p.used_memory_bytes = mem;
    out.push_back(p);
  };
  // The buffer is twice the entries asked for, so that a driver writing a larger entry than this
  // build knows cannot write past it.
  for (unsigned cap = 64; cap <= 4096; cap *= 8) {
    unsigned count = cap;
    nvmlReturn_t r;
    const char* call;
    if (n.nvmlDeviceGetComputeRunningProcesses_v3 || n.nvmlDeviceGetComputeRunningProcesses_v2) {
      std::vector<NvmlProcessInfo> buf(2 * static_cast<size_t>(cap));
      call = n.nvmlDeviceGetComputeRunningProcesses_v3 ? "nvmlDeviceGetComputeRunningProcesses_v3"
                                                       : "nvmlDeviceGetComputeRunningProcesses_v2";
      r = n.nvmlDeviceGetComputeRunningProcesses_v3 ? n.nvmlDeviceGetComputeRunningProcesses_v3(h, &count, buf.data())
                                                    : n.nvmlDeviceGetComputeRunningProcesses_v2(h, &count, buf.data());
      if (r == kNvmlSuccess)
        for (unsigned i = 0; i < count && i < cap; ++i) keep(buf[i].pid, buf[i].usedGpuMemory);
    } else if (n.nvmlDeviceGetComputeRunningProcesses) {
      std::vector<NvmlProcessInfoV1> buf(2 * static_cast<size_t>(cap));
      call = "nvmlDeviceGetComputeRunningProcesses";
      r = n.nvmlDeviceGetComputeRunningProcesses(h, &count, buf.data());
      if (r == kNvmlSuccess)
        for (unsigned i = 0; i < count && i < cap; ++i) keep(buf[i].pid, buf[i].usedGpuMemory);
    } else {
      *why = "this driver's NVML has no nvmlDeviceGetComputeRunningProcesses (_v3, _v2 or unversioned)";
      return std::nullopt;
    }
    if (r == kNvmlSuccess) return out;
    if (r != kNvmlInsufficientSize) {
      *why = std::string(call) + ": " + n.Error(r);
      return std::nullopt;
    }
  }
  *why = "more than 4096 compute processes listed";
  return std::nullopt;
}

unsigned long long WallMicros() {
  return static_cast<unsigned long long>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

// NVML's view of each probed GPU, taken before a throughput probe measures and completed after it.
struct ShareWindow {
  std::vector<gs::GpuShareSample> samples;
  std::vector<nvmlDevice_t> handles;  // nullptr where NVML has none (the sample says why)
  unsigned long long since_us = 0;    // per-process samples newer than this are read afterwards
};

// The memory marker (gs::FindOwnEntry): NVML's compute processes while this process holds
// gs::kMarkerBytes more on `dev` and right after it frees them; the one pid whose used memory fell
// by that much is this process, whatever pid namespace NVML's pids are of.
void TakeMemoryMarker(const Context& ctx, int dev, nvmlDevice_t h, gs::GpuShareSample& s) {
  int current = 0;
  if (cudaGetDevice(&current) != cudaSuccess) current = dev;
  void* marker = nullptr;
  cudaError_t e = cudaSetDevice(dev);
  if (e == cudaSuccess) e = cudaMalloc(&marker, gs::kMarkerBytes);
  if (e != cudaSuccess) {
    cudaGetLastError();  // clear it: the probe proper reports its own errors
    s.marker_why = std::string("cudaMalloc of ") + std::to_string(gs::kMarkerBytes >> 20) +
                   " MiB on GPU " + std::to_string(dev) + ": " + cudaGetErrorString(e);
    cudaSetDevice(current);
    return;
  }
  std::string why;
  std::optional<std::vector<gs::ProcessOnGpu>> held = ComputeProcesses(ctx.nvml, h, &why);
  cudaFree(marker);
  std::optional<std::vector<gs::ProcessOnGpu>> released;
  if (held) released = ComputeProcesses(ctx.nvml, h, &why);
  cudaSetDevice(current);
  if (!held || !released) {
    s.marker_why = "NVML's processes around the marker: " + why;
    return;
  }
  s.marker_bytes = gs::kMarkerBytes;
  s.processes_marker_held = std::move(*held);
  s.processes_marker_released = std::move(*released);
}

ShareWindow BeginShare(const Context& ctx) {
  ShareWindow w;
  // A second before the measurement: NVML samples utilization every 1/6 to 1 s, and a probe of a
  // tenth of a second (gpu.kernel_launch) may fall between two samples.
  w.since_us = WallMicros() - 1000000ULL;
  for (int dev : ctx.gpus) {
    gs::GpuShareSample s;
    s.gpu = dev;
    std::string why;
    nvmlDevice_t h = NvmlHandle(ctx, dev, &why);
    if (h == nullptr) {
      s.processes_why = s.utilization_why = s.device_util_why = "NVML: " + why;
    } else {
      if (auto p = ComputeProcesses(ctx.nvml, h, &why)) s.processes_before = *p;
      else s.processes_why = why;
      NvmlUtilization u{};
      if (!ctx.nvml.nvmlDeviceGetUtilizationRates) {
        s.device_util_why = "this driver's NVML has no nvmlDeviceGetUtilizationRates";
      } else if (nvmlReturn_t r = ctx.nvml.nvmlDeviceGetUtilizationRates(h, &u); r == kNvmlSuccess) {
        s.device_util_before_pct = u.gpu;
      } else {
        s.device_util_why = "nvmlDeviceGetUtilizationRates: " + ctx.nvml.Error(r);
      }
      if (s.processes_why.empty()) TakeMemoryMarker(ctx, dev, h, s);
    }
    w.samples.push_back(s);
    w.handles.push_back(h);
  }
  return w;
}

// Completes the window after the measurement and writes details.gpu_sharing; returns the clause
// for the reason ("" when no other process was on the GPU).
std::string EndShare(const Context& ctx, ShareWindow& w, Result& r) {
  const Nvml& n = ctx.nvml;
  for (size_t i = 0; i < w.samples.size(); ++i) {
    gs::GpuShareSample& s = w.samples[i];
    nvmlDevice_t h = w.handles[i];
    if (h == nullptr) continue;
    std::string why;
    if (s.processes_why.empty()) {
      if (auto p = ComputeProcesses(n, h, &why)) s.processes_after = *p;
      else s.processes_why = why;
    }
    if (!n.nvmlDeviceGetProcessUtilization) {
      s.utilization_why = "this driver's NVML has no nvmlDeviceGetProcessUtilization";
    } else {
      unsigned count = 0;
      nvmlReturn_t rc = n.nvmlDeviceGetProcessUtilization(h, nullptr, &count, w.since_us);
      if (rc == kNvmlInsufficientSize || (rc == kNvmlSuccess && count > 0)) {
        std::vector<NvmlProcessUtilizationSample> buf(count + 64);
        count = static_cast<unsigned>(buf.size());
        rc = n.nvmlDeviceGetProcessUtilization(h, buf.data(), &count, w.since_us);
        for (unsigned k = 0; rc == kNvmlSuccess && k < count && k < buf.size(); ++k)
          s.utilization.push_back({buf[k].pid, buf[k].smUtil, buf[k].memUtil});
      }
      // NOT_FOUND: no process had a sample in the window (nothing computed), a valid answer.
      if (rc != kNvmlSuccess && rc != kNvmlNotFound) {
        s.utilization.clear();
        s.utilization_why = "nvmlDeviceGetProcessUtilization: " + n.Error(rc);
      }
    }
    NvmlUtilization u{};
    if (n.nvmlDeviceGetUtilizationRates && n.nvmlDeviceGetUtilizationRates(h, &u) == kNvmlSuccess)
      s.device_util_after_pct = u.gpu;
  }
  static const gs::OwnProcess self = gs::ReadOwnProcess();
  gs::GpuShareVerdict v = gs::JudgeGpuShare(w.samples, self, gs::ProcComm);
  // How much of a shortfall the others' compute explains (judged thresholds are in r already).
  gs::AloneEstimate alone = gs::EstimateAlone(v, r.metrics, r.thresholds);
  if (!alone.verdict.empty()) v.details["alone_estimate"] = alone.details;
  if (r.details.is_null()) r.details = json::object();
  if (r.details.is_object()) r.details["gpu_sharing"] = v.details;
  if (alone.clause.empty()) return v.clause;
  return v.clause.empty() ? alone.clause : v.clause + "; " + alone.clause;
}


void ProbeInventory(Context& ctx, Result& r) {
  json gpus = json::array();
  int driver = 0, runtime = 0;
  cudaDriverGetVersion(&driver);
  cudaRuntimeGetVersion(&runtime);
  char drv[96] = "";
  if (ctx.nvml.loaded && ctx.nvml.nvmlSystemGetDriverVersion)
    ctx.nvml.nvmlSystemGetDriverVersion(drv, sizeof drv);
  for (size_t i = 0; i < ctx.gpus.size(); ++i) {
    int dev = ctx.gpus[i];
    cudaDeviceProp p{};
    CUDA_CHECK(cudaGetDeviceProperties(&p, dev));
    json g = {{"cuda_index", dev},
              {"name", p.name},
              {"bus_id", ctx.bus_ids[i]},
              {"compute_capability", std::to_string(p.major) + "." + std::to_string(p.minor)},
              {"memory_bytes", p.totalGlobalMem},
              {"multiprocessors", p.multiProcessorCount},
              {"l2_bytes", p.l2CacheSize}};
    std::string why;
    if (nvmlDevice_t h = NvmlHandle(ctx, dev, &why)) {
      char uuid[96] = "";
      if (ctx.nvml.nvmlDeviceGetUUID && ctx.nvml.nvmlDeviceGetUUID(h, uuid, sizeof uuid) == kNvmlSuccess)
        g["uuid"] = uuid;
      unsigned v = 0;
      if (ctx.nvml.nvmlDeviceGetMaxClockInfo && ctx.nvml.nvmlDeviceGetMaxClockInfo(h, 1, &v) == kNvmlSuccess)
        g["sm_clock_max_mhz"] = v;
      if (ctx.nvml.nvmlDeviceGetMaxClockInfo && ctx.nvml.nvmlDeviceGetMaxClockInfo(h, 2, &v) == kNvmlSuccess)
        g["mem_clock_max_mhz"] = v;
      if (ctx.nvml.nvmlDeviceGetClockInfo && ctx.nvml.nvmlDeviceGetClockInfo(h, 1, &v) == kNvmlSuccess)
        g["sm_clock_mhz"] = v;
      if (ctx.nvml.nvmlDeviceGetEnforcedPowerLimit &&
          ctx.nvml.nvmlDeviceGetEnforcedPowerLimit(h, &v) == kNvmlSuccess)
        g["power_limit_w"] = v / 1000.0;
      int pm_mode = 0;
      if (ctx.nvml.nvmlDeviceGetPersistenceMode &&
          ctx.nvml.nvmlDeviceGetPersistenceMode(h, &pm_mode) == kNvmlSuccess)
        g["persistence_mode"] = pm_mode != 0;
      unsigned cur = 0, pend = 0;
      nvmlReturn_t mr =
          ctx.nvml.nvmlDeviceGetMigMode ? ctx.nvml.nvmlDeviceGetMigMode(h, &cur, &pend) : kNvmlNotSupported;
      g["mig_mode"] = mr == kNvmlSuccess ? json(cur != 0) : json("not supported");
    } else {
      g["nvml"] = why;
    }
    gpus.push_back(g);
    r.metrics[G(dev) + "memory_gib"] = p.totalGlobalMem / double(1ull << 30);
  }
  r.metrics["gpu_count"] = static_cast<double>(ctx.gpus.size());
  r.details = {{"gpus", gpus},
               {"driver_version", drv},
               {"cuda_driver_version", driver},
               {"cuda_runtime_version", runtime},
               {"nccl_version", NCCL_VERSION_CODE}};
  if (ctx.opt.expect_gpus > 0 && static_cast<int>(ctx.gpus.size()) < ctx.opt.expect_gpus) {
    r.failures.push_back("expected " + std::to_string(ctx.opt.expect_gpus) + " GPUs, CUDA sees " +
                         std::to_string(ctx.gpus.size()));
  }
  if (ctx.nvml.loaded && std::getenv("CUDA_VISIBLE_DEVICES") == nullptr && ctx.opt.gpus.empty()) {
    unsigned n = 0;
    if (ctx.nvml.nvmlDeviceGetCount_v2(&n) == kNvmlSuccess) {
      r.metrics["nvml_gpu_count"] = n;
      // With MIG on, CUDA enumerates MIG instances, not GPUs, so the two counts differ on a healthy
      // node: compare them only when no GPU NVML lists has MIG enabled (or pending).
      unsigned mig_gpus = 0;
      for (unsigned i = 0; i < n && ctx.nvml.nvmlDeviceGetMigMode && ctx.nvml.nvmlDeviceGetHandleByIndex_v2; ++i) {
        nvmlDevice_t h = nullptr;
        unsigned cur = 0, pend = 0;
        if (ctx.nvml.nvmlDeviceGetHandleByIndex_v2(i, &h) == kNvmlSuccess &&
            ctx.nvml.nvmlDeviceGetMigMode(h, &cur, &pend) == kNvmlSuccess && (cur != 0 || pend != 0))
          ++mig_gpus;
      }
      r.metrics["nvml_mig_gpus"] = mig_gpus;
      if (n != ctx.gpus.size() && mig_gpus == 0) {
        r.failures.push_back("NVML sees " + std::to_string(n) + " GPUs but CUDA sees " +
                             std::to_string(ctx.gpus.size()) + ": a GPU may have fallen off the bus");
      }
    }
  }
}

// ---- gpu.health ---------------------------------------------------------------------------------

// Error counters that only ever grow (since boot or driver load). A healthy NVLink accumulates
// corrected CRC errors at a low rate (seen on the project's H200s: a few hundred over a minute of
// traffic), so the cumulative value says little; gpu.health judges their rate over a sampling
// window instead and reports the cumulative values as information.
struct LinkCounters {
  bool nvlink = false, pcie = false;
  unsigned long long replay = 0, recovery = 0, crc = 0;
  unsigned pcie_replay = 0;
};

LinkCounters ReadLinkCounters(Nvml& n, nvmlDevice_t h) {
  LinkCounters c;
  for (unsigned link = 0; link < 18 && n.nvmlDeviceGetNvLinkErrorCounter; ++link) {
    for (int k = 0; k < 4; ++k) {
      unsigned long long val = 0;
      if (n.nvmlDeviceGetNvLinkErrorCounter(h, link, k, &val) != kNvmlSuccess) continue;
      c.nvlink = true;
      (k == 0 ? c.replay : k == 1 ? c.recovery : c.crc) += val;
    }
  }
  c.pcie = n.nvmlDeviceGetPcieReplayCounter && n.nvmlDeviceGetPcieReplayCounter(h, &c.pcie_replay) == kNvmlSuccess;
  return c;
}

void ProbeHealth(Context& ctx, Result& r) {
  if (!ctx.nvml.loaded) throw ProbeError("NVML unavailable: " + ctx.nvml.load_error);
  Nvml& n = ctx.nvml;
  json per = json::object();
  const double sample_start = Now();
  std::map<int, std::pair<nvmlDevice_t, LinkCounters>> first;
  for (int dev : ctx.gpus) {
    std::string why;
    nvmlDevice_t h = NvmlHandle(ctx, dev, &why);
    std::string p = G(dev);
    json d = json::object();
    if (h == nullptr) {
      r.failures.push_back(p + " " + why);
      continue;
    }
    auto note_unsupported = [&](const char* what, nvmlReturn_t rc) {
      if (rc == kNvmlGpuIsLost)
        r.failures.push_back(p + "NVML reports the GPU is lost (" + what + ")");
      else
        d[std::string(what) + "_unsupported"] = n.Error(rc);
    };
    // ECC: error type 0 corrected (SBE), 1 uncorrected (DBE); counter 0 volatile, 1 aggregate.
    const char* ecc_names[2][2] = {{"ecc_sbe_volatile", "ecc_sbe_aggregate"},
                                   {"ecc_dbe_volatile", "ecc_dbe_aggregate"}};
    for (int et = 0; et < 2; ++et) {
      for (int ct = 0; ct < 2; ++ct) {
        unsigned long long c = 0;
        nvmlReturn_t rc =
            n.nvmlDeviceGetTotalEccErrors ? n.nvmlDeviceGetTotalEccErrors(h, et, ct, &c) : kNvmlNotSupported;
        if (rc == kNvmlSuccess)
          r.metrics[p + ecc_names[et][ct]] = static_cast<double>(c);
        else
          note_unsupported(ecc_names[et][ct], rc);
      }
    }
    if (r.metrics.count(p + "ecc_dbe_volatile") && r.metrics[p + "ecc_dbe_volatile"] > 0) {
      r.failures.push_back(p + "uncorrectable (DBE) ECC errors since the last driver load: " +
                           std::to_string(static_cast<long long>(r.metrics[p + "ecc_dbe_volatile"])));
    }
    for (int cause = 0; cause < 2; ++cause) {
      unsigned count = 0;
      nvmlReturn_t rc = n.nvmlDeviceGetRetiredPages ? n.nvmlDeviceGetRetiredPages(h, cause, &count, nullptr)
                                                    : kNvmlNotSupported;
      const char* name = cause == 0 ? "retired_pages_sbe" : "retired_pages_dbe";
      if (rc == kNvmlSuccess || rc == kNvmlInsufficientSize)
        r.metrics[p + name] = count;
      else
        note_unsupported(name, rc);
    }
    int pending = 0;
    if (n.nvmlDeviceGetRetiredPagesPendingStatus &&
        n.nvmlDeviceGetRetiredPagesPendingStatus(h, &pending) == kNvmlSuccess) {
      r.metrics[p + "retired_pages_pending"] = pending;
      if (pending) r.failures.push_back(p + "page retirement pending (needs a GPU reset)");
    }
    unsigned corr = 0, unc = 0, rpend = 0, rfail = 0;
    nvmlReturn_t rr = n.nvmlDeviceGetRemappedRows
                          ? n.nvmlDeviceGetRemappedRows(h, &corr, &unc, &rpend, &rfail)
                          : kNvmlNotSupported;
    if (rr == kNvmlSuccess) {
      r.metrics[p + "remapped_rows_correctable"] = corr;
      r.metrics[p + "remapped_rows_uncorrectable"] = unc;
      r.metrics[p + "remap_pending"] = rpend;
      r.metrics[p + "remap_failure"] = rfail;
      if (rpend) r.failures.push_back(p + "row remap pending (needs a GPU reset)");
      if (rfail) r.failures.push_back(p + "row remapping failed (RMA candidate)");
    } else {
      note_unsupported("remapped_rows", rr);
    }
    unsigned long long reasons = 0;
    nvmlReturn_t cr = kNvmlNotSupported;
    if (n.nvmlDeviceGetCurrentClocksEventReasons) cr = n.nvmlDeviceGetCurrentClocksEventReasons(h, &reasons);
    if (cr != kNvmlSuccess && n.nvmlDeviceGetCurrentClocksThrottleReasons)
      cr = n.nvmlDeviceGetCurrentClocksThrottleReasons(h, &reasons);
    if (cr == kNvmlSuccess) {
      d["clock_event_reasons"] = DecodeClockEventReasons(reasons);
      r.metrics[p + "clock_event_reasons_mask"] = static_cast<double>(reasons);
      // hw_slowdown, sw_thermal, hw_thermal, hw_power_brake hold clocks down for reasons outside
      // the job; sw_power_cap under load is normal for a power-capped part and is only reported.
      const unsigned long long kBad = 0x8 | 0x20 | 0x40 | 0x80;
      if (reasons & kBad)
        r.failures.push_back(p + "clocks held down: " + DecodeClockEventReasons(reasons & kBad));
    } else {
      note_unsupported("clock_event_reasons", cr);
    }
    unsigned v = 0;
    if (n.nvmlDeviceGetTemperature && n.nvmlDeviceGetTemperature(h, 0, &v) == kNvmlSuccess)
      r.metrics[p + "temperature_c"] = v;
    if (n.nvmlDeviceGetPowerUsage && n.nvmlDeviceGetPowerUsage(h, &v) == kNvmlSuccess)
      r.metrics[p + "power_w"] = v / 1000.0;
    if (n.nvmlDeviceGetEnforcedPowerLimit && n.nvmlDeviceGetEnforcedPowerLimit(h, &v) == kNvmlSuccess)
      r.metrics[p + "power_limit_w"] = v / 1000.0;
    unsigned gen = 0, maxgen = 0, width = 0, maxwidth = 0, replay = 0;
    if (n.nvmlDeviceGetCurrPcieLinkGeneration &&
        n.nvmlDeviceGetCurrPcieLinkGeneration(h, &gen) == kNvmlSuccess &&
        n.nvmlDeviceGetMaxPcieLinkGeneration &&
        n.nvmlDeviceGetMaxPcieLinkGeneration(h, &maxgen) == kNvmlSuccess) {
      r.metrics[p + "pcie_gen"] = gen;
      r.metrics[p + "pcie_gen_max"] = maxgen;
      // An idle GPU lowers its link generation to save power; gpu.pcie_bandwidth judges under load.
      if (gen < maxgen)
        d["pcie_gen_note"] =
            "link at gen " + std::to_string(gen) + " of " + std::to_string(maxgen) + " (normal when idle)";
    }
    if (n.nvmlDeviceGetCurrPcieLinkWidth && n.nvmlDeviceGetCurrPcieLinkWidth(h, &width) == kNvmlSuccess &&
        n.nvmlDeviceGetMaxPcieLinkWidth && n.nvmlDeviceGetMaxPcieLinkWidth(h, &maxwidth) == kNvmlSuccess) {
      r.metrics[p + "pcie_width"] = width;
      r.metrics[p + "pcie_width_max"] = maxwidth;
      if (width < maxwidth)
        r.failures.push_back(p + "PCIe link trained at x" + std::to_string(width) + " of x" +
                             std::to_string(maxwidth));
    }
    if (n.nvmlDeviceGetPcieReplayCounter && n.nvmlDeviceGetPcieReplayCounter(h, &replay) == kNvmlSuccess)
      r.metrics[p + "pcie_replay_count"] = replay;
    // NVLink: 18 links on Hopper; counters 0 replay, 1 recovery, 2 CRC flit, 3 CRC data.
    int active = 0, inactive = 0;
    unsigned long long replay_sum = 0, recovery_sum = 0, crc_sum = 0;
    bool counters = false;
    json links = json::array();
    for (unsigned link = 0; link < 18 && n.nvmlDeviceGetNvLinkState; ++link) {
      int state = 0;
      if (n.nvmlDeviceGetNvLinkState(h, link, &state) != kNvmlSuccess) continue;
      state ? ++active : ++inactive;
      json l = {{"link", link}, {"active", state != 0}};
      for (int c = 0; c < 4 && n.nvmlDeviceGetNvLinkErrorCounter; ++c) {
        unsigned long long val = 0;
        if (n.nvmlDeviceGetNvLinkErrorCounter(h, link, c, &val) != kNvmlSuccess) continue;
        counters = true;
        (c == 0 ? replay_sum : c == 1 ? recovery_sum : crc_sum) += val;
        l[c == 0 ? "replay" : c == 1 ? "recovery" : c == 2 ? "crc_flit" : "crc_data"] = val;
      }
      links.push_back(l);
    }
    if (active + inactive > 0) {
      r.metrics[p + "nvlink_active"] = active;
      r.metrics[p + "nvlink_inactive"] = inactive;
      d["nvlinks"] = links;
      if (active > 0 && inactive > 0)
        r.failures.push_back(p + std::to_string(inactive) + " NVLink link(s) down while " +
                             std::to_string(active) + " are up");
    }
    if (counters) {
      r.metrics[p + "nvlink_replay_errors"] = static_cast<double>(replay_sum);
      r.metrics[p + "nvlink_recovery_errors"] = static_cast<double>(recovery_sum);
      r.metrics[p + "nvlink_crc_errors"] = static_cast<double>(crc_sum);
    } else if (active > 0) {
      d["nvlink_counters"] = "not exposed by this driver through nvmlDeviceGetNvLinkErrorCounter";
    }
    // Xid: NVML reports critical Xid events only as they happen (no history; the kernel log
    // has that). Listen briefly.
    if (n.nvmlEventSetCreate && n.nvmlDeviceRegisterEvents && n.nvmlEventSetWait_v2) {
      nvmlEventSet_t set = nullptr;
      if (n.nvmlEventSetCreate(&set) == kNvmlSuccess) {
        nvmlReturn_t reg = n.nvmlDeviceRegisterEvents(h, kNvmlEventTypeXidCriticalError, set);
        json xids = json::array();
        if (reg == kNvmlSuccess) {
          NvmlEventData ev{};
          while (n.nvmlEventSetWait_v2(set, &ev, 50) == kNvmlSuccess) xids.push_back(ev.eventData);
          d["xid_events_during_probe"] = xids;
          r.metrics[p + "xid_events"] = static_cast<double>(xids.size());
          for (const auto& x : xids)
            r.failures.push_back(p + "Xid " + x.dump() + " reported during the probe");
        } else {
          d["xid_events"] = "not available: " + n.Error(reg);
        }
        if (n.nvmlEventSetFree) n.nvmlEventSetFree(set);
      }
    }
    per["gpu" + std::to_string(dev)] = d;
    first[dev] = {h, ReadLinkCounters(n, h)};
  }
  // Rates over the sampling window (while a job runs, this is the job's own link traffic).
  const double wait = ctx.opt.health_sample_s - (Now() - sample_start);
  if (wait > 0) std::this_thread::sleep_for(std::chrono::duration<double>(wait));
  const double window = std::max(Now() - sample_start, 1e-3);
  for (auto& [dev, hc] : first) {
    LinkCounters b = ReadLinkCounters(n, hc.first);
    const LinkCounters& a = hc.second;
    std::string p = G(dev);
    auto rate = [&](unsigned long long x, unsigned long long y) {
      return y >= x ? static_cast<double>(y - x) / window : 0.0;  // a reset between reads: no rate
    };
    if (a.nvlink && b.nvlink) {
      r.metrics[p + "nvlink_crc_errors_per_s"] = rate(a.crc, b.crc);
      r.metrics[p + "nvlink_replay_errors_per_s"] = rate(a.replay, b.replay);
      r.metrics[p + "nvlink_recovery_errors_per_s"] = rate(a.recovery, b.recovery);
    }
    if (a.pcie && b.pcie) r.metrics[p + "pcie_replay_per_s"] = rate(a.pcie_replay, b.pcie_replay);
  }
  r.metrics["sample_window_s"] = window;
  r.details = per;
}

// ---- gpu.gemm and gpu.sdc (cuBLASLt) --------------------------------------------------------------

struct GemmType {
  const char* name;
  cudaDataType_t ab, cd;
  cublasComputeType_t compute;
  ElemType ab_elem, cd_elem;
  size_t ab_bytes, cd_bytes;
  double tolerance;  // relative error ||D - ref|| / ||ref|| on sampled elements
  int min_cc;        // compute capability * 10
};

const GemmType kGemmTypes[] = {
    {"bf16", CUDA_R_16BF, CUDA_R_16BF, CUBLAS_COMPUTE_32F, ElemType::kBf16, ElemType::kBf16, 2, 2, 1e-2, 80},
    {"fp16", CUDA_R_16F, CUDA_R_16F, CUBLAS_COMPUTE_32F, ElemType::kF16, ElemType::kF16, 2, 2, 1e-2, 70},
    {"tf32", CUDA_R_32F, CUDA_R_32F, CUBLAS_COMPUTE_32F_FAST_TF32, ElemType::kF32, ElemType::kF32, 4, 4, 5e-3,
     80},
    {"fp8", CUDA_R_8F_E4M3, CUDA_R_16BF, CUBLAS_COMPUTE_32F, ElemType::kFp8E4m3, ElemType::kBf16, 1, 2, 1e-2,
     89},
};

struct LtGemm {
  cublasLtHandle_t lt = nullptr;
  cublasLtMatmulDesc_t op = nullptr;
  cublasLtMatrixLayout_t la = nullptr, lb = nullptr, lc = nullptr;
  cublasLtMatmulAlgo_t algo{};
  std::vector<cublasLtMatmulAlgo_t> candidates;
  void* workspace = nullptr;
  size_t workspace_bytes = 64u << 20;
  int m, n, k;

  bool a_transposed = true;

  LtGemm(const GemmType& t, int m_, int n_, int k_, bool deterministic, bool nn = false)
      : m(m_), n(n_), k(k_) {
    a_transposed = !(nn && t.ab_elem != ElemType::kFp8E4m3);
    CUBLAS_CHECK(cublasLtCreate(&lt));
    CUBLAS_CHECK(cublasLtMatmulDescCreate(&op, t.compute, CUDA_R_32F));
    cublasOperation_t ta = a_transposed ? CUBLAS_OP_T : CUBLAS_OP_N, tb = CUBLAS_OP_N;  // FP8 requires "TN"
    CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_TRANSA, &ta, sizeof ta));
    CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_TRANSB, &tb, sizeof tb));
    if (a_transposed)
      CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&la, t.ab, k, m, k));
    else
      CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&la, t.ab, m, k, m));
    CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&lb, t.ab, k, n, k));
    CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&lc, t.cd, m, n, m));
    CUDA_CHECK(cudaMalloc(&workspace, workspace_bytes));
    cublasLtMatmulPreference_t pref = nullptr;
    CUBLAS_CHECK(cublasLtMatmulPreferenceCreate(&pref));
    CUBLAS_CHECK(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES,
                                                      &workspace_bytes, sizeof workspace_bytes));
    if (deterministic) {  // no split-K reductions: the same inputs give the same bits
      uint32_t scheme = CUBLASLT_REDUCTION_SCHEME_NONE;
      CUBLAS_CHECK(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_REDUCTION_SCHEME_MASK,
                                                        &scheme, sizeof scheme));
    }
    cublasLtMatmulHeuristicResult_t heur[8] = {};
    int found = 0;
    cublasStatus_t hs = cublasLtMatmulAlgoGetHeuristic(lt, op, la, lb, lc, lc, pref, 8, heur, &found);
    cublasLtMatmulPreferenceDestroy(pref);
    CUBLAS_CHECK(hs);
    if (found == 0) throw ProbeError(std::string("cuBLASLt has no algorithm for ") + t.name + " GEMM");
    for (int i = 0; i < found; ++i) candidates.push_back(heur[i].algo);
    algo = candidates[0];
  }
  // Times each heuristic candidate briefly and keeps the fastest (the heuristic's first choice is
  // not always the fastest at a given size); returns the number of candidates tried.
  int Autotune(const void* a, const void* b, void* d, cudaStream_t s);
  ~LtGemm() {
    if (workspace) cudaFree(workspace);
    if (la) cublasLtMatrixLayoutDestroy(la);
    if (lb) cublasLtMatrixLayoutDestroy(lb);
    if (lc) cublasLtMatrixLayoutDestroy(lc);
    if (op) cublasLtMatmulDescDestroy(op);
    if (lt) cublasLtDestroy(lt);
  }
  void Run(const void* a, const void* b, void* d, cudaStream_t s) {
    float alpha = 1, beta = 0;
    CUBLAS_CHECK(cublasLtMatmul(lt, op, &alpha, a, la, b, lb, &beta, d, lc, d, lc, &algo, workspace,
                                workspace_bytes, s));
  }
};

int LtGemm::Autotune(const void* a, const void* b, void* d, cudaStream_t s) {
  double best = INFINITY;
  cublasLtMatmulAlgo_t best_algo = candidates[0];
  for (const auto& cand : candidates) {
    algo = cand;
    float alpha = 1, beta = 0;
    // A candidate the library refuses at run time is skipped, not an error.
    if (cublasLtMatmul(lt, op, &alpha, a, la, b, lb, &beta, d, lc, d, lc, &algo, workspace, workspace_bytes,
                       s) != CUBLAS_STATUS_SUCCESS) {
      continue;
    }
    double t = TimeMedian(s, 2, 10, [&] { Run(a, b, d, s); });
    if (t < best) {
      best = t;
      best_algo = cand;
    }
  }
  algo = best_algo;
  return static_cast<int>(candidates.size());
}

int ComputeCapability(int dev) {
  int major = 0, minor = 0;
  CUDA_CHECK(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, dev));
  CUDA_CHECK(cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, dev));
  return major * 10 + minor;
}

void ProbeGemm(Context& ctx, Result& r) {
  const int size = ctx.opt.gemm_size;
  std::map<std::string, std::vector<std::pair<int, double>>> tflops, rel_err;
  std::mutex mu;
  std::vector<std::string> errors;
  json skipped = json::object();
  json clock_notes = json::object();
  ForEachGpu(
      ctx,
      [&](size_t, int dev) {
        int cc = ComputeCapability(dev);
        Stream s;
        for (const GemmType& t : kGemmTypes) {
          if (cc < t.min_cc) {
            std::lock_guard<std::mutex> l(mu);
            skipped[t.name] = "needs compute capability " + std::to_string(t.min_cc / 10) + "." +
                              std::to_string(t.min_cc % 10);
            continue;
          }
          size_t elems = static_cast<size_t>(size) * size;
          DeviceBuffer a(elems * t.ab_bytes), b(elems * t.ab_bytes), d(elems * t.cd_bytes);
          CUDA_CHECK(LaunchFillRandom(a.p, elems, t.ab_elem, 1000 + dev, s.s));
          CUDA_CHECK(LaunchFillRandom(b.p, elems, t.ab_elem, 2000 + dev, s.s));
          CUDA_CHECK(cudaMemsetAsync(d.p, 0xFF, elems * t.cd_bytes, s.s));  // poison: NaN in every type
          LtGemm g(t, size, size, size, false, ctx.opt.gemm_nn);
          // Warm up for at least 0.3 s so that clocks leave their idle state and settle where the
          // power limit holds them; only then compare the heuristic's candidates, so the choice is
          // the fastest at sustained clocks (a burst comparison picks differently, and worse for FP8).
          for (double w0 = Now(); Now() - w0 < 0.3;) {
            for (int i = 0; i < 10; ++i) g.Run(a.p, b.p, d.p, s.s);
            CUDA_CHECK(cudaStreamSynchronize(s.s));
          }
          if (ctx.opt.gemm_autotune) g.Autotune(a.p, b.p, d.p, s.s);
          CUDA_CHECK(
              cudaMemsetAsync(d.p, 0xFF, elems * t.cd_bytes, s.s));  // poison again before the checked run
          double sec = TimeMedian(s.s, 0, 20, [&] { g.Run(a.p, b.p, d.p, s.s); });
          // Clocks, power and clock-event reasons right after the sustained run explain a low figure
          // (e.g. sw_power_cap at the board's power limit).
          if (nvmlDevice_t h = NvmlHandle(ctx, dev)) {
            unsigned clk = 0, mw = 0;
            unsigned long long reasons = 0;
            std::lock_guard<std::mutex> l(mu);
            if (ctx.nvml.nvmlDeviceGetClockInfo &&
                ctx.nvml.nvmlDeviceGetClockInfo(h, 1, &clk) == kNvmlSuccess) {
              r.metrics[G(dev) + t.name + "_sm_clock_mhz"] = clk;
            }
            if (ctx.nvml.nvmlDeviceGetPowerUsage &&
                ctx.nvml.nvmlDeviceGetPowerUsage(h, &mw) == kNvmlSuccess) {
              r.metrics[G(dev) + t.name + "_power_w"] = mw / 1000.0;
            }
            if (ctx.nvml.nvmlDeviceGetCurrentClocksEventReasons &&
                ctx.nvml.nvmlDeviceGetCurrentClocksEventReasons(h, &reasons) == kNvmlSuccess) {
              clock_notes["gpu" + std::to_string(dev) + "." + t.name] = DecodeClockEventReasons(reasons);
            }
          }
          // Correctness on 256 sampled elements against a double-precision reference.
          const int samples = 256;
          DeviceBuffer ref(samples * 2 * sizeof(double));
          CUDA_CHECK(LaunchGemmReference(a.p, b.p, d.p, t.ab_elem, t.cd_elem, g.a_transposed, size, size,
                                         size, samples, 77, static_cast<double*>(ref.p), s.s));
          std::vector<double> host(samples * 2);
          CUDA_CHECK(
              cudaMemcpyAsync(host.data(), ref.p, host.size() * sizeof(double), cudaMemcpyDeviceToHost, s.s));
          CUDA_CHECK(cudaStreamSynchronize(s.s));
          double num = 0, den = 0;
          bool finite = true;
          for (int i = 0; i < samples; ++i) {
            double refv = host[2 * i], got = host[2 * i + 1];
            if (!std::isfinite(got)) finite = false;
            num += (got - refv) * (got - refv);
            den += refv * refv;
          }
          double err = finite ? std::sqrt(num / std::max(den, 1e-30)) : INFINITY;
          std::lock_guard<std::mutex> l(mu);
          tflops[std::string(t.name) + "_tflops"].push_back({dev, pm::GemmTflops(size, size, size, sec)});
          rel_err[std::string(t.name) + "_rel_error"].push_back({dev, finite ? err : 1e300});
          if (!(err <= t.tolerance)) {
            errors.push_back("gpu" + std::to_string(dev) + " " + t.name +
                             " GEMM result wrong: relative error " +
                             (finite ? std::to_string(err) : std::string("non-finite")) + " > " +
                             std::to_string(t.tolerance));
          }
        }
      },
      errors);
  for (auto& [name, v] : tflops) AddWorst(r, name, v, true);
  for (auto& [name, v] : rel_err) AddWorst(r, name, v, false);
  r.details = {{"m", size},
               {"n", size},
               {"k", size},
               {"layout", ctx.opt.gemm_nn ? "NN (FP8: TN)" : "TN"},
               {"algorithm", ctx.opt.gemm_autotune
                                 ? "fastest of up to 8 cuBLASLt heuristic candidates at sustained clocks"
                                 : "cuBLASLt heuristic's first choice"},
               {"timing", "median of 20 after >= 0.3 s of warm-up (and the candidate comparison)"}};
  if (!skipped.empty()) r.details["skipped"] = skipped;
  if (!clock_notes.empty()) r.details["clock_event_reasons_after_timing"] = clock_notes;
  for (auto& e : errors) r.failures.push_back(e);
}

void ProbeSdc(Context& ctx, Result& r) {
  const int size = 4096, repeats = 3;
  const GemmType& t = kGemmTypes[0];
  size_t elems = static_cast<size_t>(size) * size;
  std::vector<std::vector<unsigned long long>> sums(ctx.gpus.size());
  std::vector<std::string> errors;
  ForEachGpu(
      ctx,
      [&](size_t i, int) {
        Stream s;
        DeviceBuffer a(elems * 2), b(elems * 2), d(elems * 2), sum(sizeof(unsigned long long));
        CUDA_CHECK(LaunchFillRandom(a.p, elems, t.ab_elem, 42, s.s));  // same seed on every GPU
        CUDA_CHECK(LaunchFillRandom(b.p, elems, t.ab_elem, 43, s.s));
        LtGemm g(t, size, size, size, true);
        for (int rep = 0; rep < repeats; ++rep) {
          CUDA_CHECK(cudaMemsetAsync(d.p, 0xFF, elems * 2, s.s));
          CUDA_CHECK(cudaMemsetAsync(sum.p, 0, sizeof(unsigned long long), s.s));
          g.Run(a.p, b.p, d.p, s.s);
          CUDA_CHECK(LaunchChecksum(d.p, elems * 2, static_cast<unsigned long long*>(sum.p), s.s));
          unsigned long long h = 0;
          CUDA_CHECK(cudaMemcpyAsync(&h, sum.p, sizeof h, cudaMemcpyDeviceToHost, s.s));
          CUDA_CHECK(cudaStreamSynchronize(s.s));
          sums[i].push_back(h);
        }
      },
      errors);
  for (auto& e : errors) r.failures.push_back(e);
  std::vector<uint64_t> votes;
  std::vector<int> voters;
  json per = json::object();
  for (size_t i = 0; i < ctx.gpus.size(); ++i) {
    if (sums[i].empty()) continue;
    char hex[32];
    std::snprintf(hex, sizeof hex, "%016llx", sums[i][0]);
    bool stable = std::all_of(sums[i].begin(), sums[i].end(), [&](auto v) { return v == sums[i][0]; });
    per["gpu" + std::to_string(ctx.gpus[i])] = {{"checksum", hex}, {"repeatable", stable}};
    r.metrics[G(ctx.gpus[i]) + "repeat_mismatches"] = stable ? 0 : 1;
    if (!stable)
      r.failures.push_back("gpu" + std::to_string(ctx.gpus[i]) +
                           " gives different bits for the same GEMM on repeated runs");
    votes.push_back(sums[i][0]);
    voters.push_back(ctx.gpus[i]);
  }
  bool tie = false;
  std::vector<bool> out = pm::ChecksumOutliers(votes, &tie);
  int disagree = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    if (!out[i]) continue;
    ++disagree;
    r.failures.push_back(
        "gpu" + std::to_string(voters[i]) +
        (tie ? " disagrees and no plurality exists, so the vote cannot say which GPU is wrong"
             : " disagrees with the plurality checksum"));
  }
  r.metrics["disagreeing_gpus"] = disagree;
  r.metrics["voters"] = static_cast<double>(votes.size());
  r.details = {{"gemm", "bf16 4096^3 TN, fixed seed, no split-K"}, {"repeats", repeats}, {"gpus", per}};
  if (votes.size() == 1 && r.failures.empty())
    r.reason = "one GPU: only run-to-run repeatability checked (no vote)";
}

// ---- gpu.hbm_bandwidth, gpu.pcie_bandwidth, gpu.kernel_launch -------------------------------------

void ProbeHbm(Context& ctx, Result& r) {
  const size_t bytes = 2ull << 30;  // 2 GiB per buffer: far beyond L2
  std::vector<std::pair<int, double>> copy, memcpy_bw, triad;
  std::mutex mu;
  std::vector<std::string> errors;
  ForEachGpu(
      ctx,
      [&](size_t, int dev) {
        Stream s;
        DeviceBuffer a(bytes), b(bytes), c(bytes);
        CUDA_CHECK(LaunchFillRandom(b.p, bytes / 4, ElemType::kF32, 5, s.s));
        CUDA_CHECK(LaunchFillRandom(c.p, bytes / 4, ElemType::kF32, 6, s.s));
        double t_copy = TimeMedian(s.s, 3, 20, [&] { CUDA_CHECK(LaunchCopy(b.p, a.p, bytes, s.s)); });
        double t_memcpy = TimeMedian(
            s.s, 3, 20, [&] { CUDA_CHECK(cudaMemcpyAsync(a.p, b.p, bytes, cudaMemcpyDeviceToDevice, s.s)); });
        double t_triad = TimeMedian(s.s, 3, 20, [&] {
          CUDA_CHECK(LaunchTriad(static_cast<float*>(a.p), static_cast<const float*>(b.p),
                                 static_cast<const float*>(c.p), 3.0f, bytes / 4, s.s));
        });
        // Check the last triad on a few elements.
        float hb[4], hc[4], ha[4];
        CUDA_CHECK(cudaMemcpy(hb, static_cast<char*>(b.p) + bytes / 2, sizeof hb, cudaMemcpyDeviceToHost));
        CUDA_CHECK(cudaMemcpy(hc, static_cast<char*>(c.p) + bytes / 2, sizeof hc, cudaMemcpyDeviceToHost));
        CUDA_CHECK(cudaMemcpy(ha, static_cast<char*>(a.p) + bytes / 2, sizeof ha, cudaMemcpyDeviceToHost));
        std::lock_guard<std::mutex> l(mu);
        for (int i = 0; i < 4; ++i) {
          if (std::fabs(ha[i] - (hb[i] + 3.0f * hc[i])) > 1e-5f * (1 + std::fabs(ha[i]))) {
            errors.push_back("gpu" + std::to_string(dev) + " triad result wrong");
            break;
          }
        }
        copy.push_back({dev, 2.0 * bytes / t_copy / 1e12});
        memcpy_bw.push_back({dev, 2.0 * bytes / t_memcpy / 1e12});
        triad.push_back({dev, 3.0 * bytes / t_triad / 1e12});
      },
      errors);
  // copy_tbps: the driver's device-to-device copy (the operation behind frameworks' tensor copy);
  // kernel_copy_tbps: vigil's own 16-byte-access copy kernel, reported for comparison.
  AddWorst(r, "copy_tbps", memcpy_bw, true);
  AddWorst(r, "kernel_copy_tbps", copy, true);
  AddWorst(r, "triad_tbps", triad, true);
  r.details = {{"buffer_bytes", bytes},
               {"counting", "bytes read + bytes written"},
               {"timing", "median of 20 after 3 warm-up"}};
  for (auto& e : errors) r.failures.push_back(e);
}

void ProbePcie(Context& ctx, Result& r) {
  const size_t bytes = 256u << 20;
  std::vector<std::pair<int, double>> h2d, d2h;
  void* host = nullptr;
  CUDA_CHECK(cudaHostAlloc(&host, bytes, cudaHostAllocPortable));
  std::unique_ptr<void, void (*)(void*)> guard(host, [](void* p) { cudaFreeHost(p); });
  std::memset(host, 0x5A, bytes);
  for (int dev : ctx.gpus) {  // one GPU at a time: a shared switch would blur a bad link
    CUDA_CHECK(cudaSetDevice(dev));
    Stream s;
    DeviceBuffer d(bytes);
    double t1 = TimeMedian(
        s.s, 2, 10, [&] { CUDA_CHECK(cudaMemcpyAsync(d.p, host, bytes, cudaMemcpyHostToDevice, s.s)); });
    double t2 = TimeMedian(
        s.s, 2, 10, [&] { CUDA_CHECK(cudaMemcpyAsync(host, d.p, bytes, cudaMemcpyDeviceToHost, s.s)); });
    h2d.push_back({dev, pm::GbPerS(bytes, t1)});
    d2h.push_back({dev, pm::GbPerS(bytes, t2)});
    if (nvmlDevice_t h = NvmlHandle(ctx, dev)) {  // read while the link is still trained up
      unsigned gen = 0, width = 0;
      if (ctx.nvml.nvmlDeviceGetCurrPcieLinkGeneration &&
          ctx.nvml.nvmlDeviceGetCurrPcieLinkGeneration(h, &gen) == kNvmlSuccess)
        r.metrics[G(dev) + "pcie_gen"] = gen;
      if (ctx.nvml.nvmlDeviceGetCurrPcieLinkWidth &&
          ctx.nvml.nvmlDeviceGetCurrPcieLinkWidth(h, &width) == kNvmlSuccess)
        r.metrics[G(dev) + "pcie_width"] = width;
    }
  }
  AddWorst(r, "h2d_gbps", h2d, true);
  AddWorst(r, "d2h_gbps", d2h, true);
  r.details = {{"bytes", bytes}, {"host_memory", "pinned"}, {"timing", "median of 10 after 2 warm-up"}};
}

void ProbeKernelLaunch(Context& ctx, Result& r) {
  std::vector<std::pair<int, double>> launch, roundtrip;
  for (int dev : ctx.gpus) {
    CUDA_CHECK(cudaSetDevice(dev));
    Stream s;
    if (ctx.opt.spin_ms > 0) {  // watchdog self-test: a kernel that outlives the time limit
      CUDA_CHECK(LaunchSpin(ctx.opt.spin_ms, s.s));
      CUDA_CHECK(cudaStreamSynchronize(s.s));
    }
    for (int i = 0; i < 100; ++i) CUDA_CHECK(LaunchEmpty(s.s));
    CUDA_CHECK(cudaStreamSynchronize(s.s));
    const int n = 5000;
    double t0 = Now();
    for (int i = 0; i < n; ++i) CUDA_CHECK(LaunchEmpty(s.s));
    CUDA_CHECK(cudaStreamSynchronize(s.s));
    launch.push_back({dev, (Now() - t0) / n * 1e6});
    std::vector<double> rt;
    for (int i = 0; i < 500; ++i) {
      double a = Now();
      CUDA_CHECK(LaunchEmpty(s.s));
      CUDA_CHECK(cudaStreamSynchronize(s.s));
      rt.push_back((Now() - a) * 1e6);
    }
    roundtrip.push_back({dev, Median(rt)});
  }
  AddWorst(r, "launch_us", launch, false);
  AddWorst(r, "roundtrip_us", roundtrip, false);
  r.details = {{"launch_us", "mean enqueue+execute time of 5000 back-to-back empty kernels"},
               {"roundtrip_us", "median of 500 launch+synchronize"}};
}

// ---- NCCL ---------------------------------------------------------------------------------------

// TCP rendezvous: rank 0 listens on host:port and hands the NCCL unique id to every other rank.
ncclUniqueId Rendezvous(const Context& ctx, double deadline) {
  ncclUniqueId id{};
  auto colon = ctx.opt.rendezvous.rfind(':');
  if (colon == std::string::npos)
    throw ProbeError("--rendezvous must be host:port, got `" + ctx.opt.rendezvous + "`");
  std::string host = ctx.opt.rendezvous.substr(0, colon);
  int port = std::atoi(ctx.opt.rendezvous.c_str() + colon + 1);
  if (ctx.rank == 0) {
    NCCL_CHECK(ncclGetUniqueId(&id));
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 1024) != 0) {
      close(fd);
      throw ProbeError("rendezvous: cannot listen on port " + std::to_string(port) + ": " +
                       std::strerror(errno));
    }
    for (int served = 1; served < ctx.world; ++served) {
      timeval tv{static_cast<long>(std::max(1.0, deadline - Now())), 0};
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      int c = accept(fd, nullptr, nullptr);
      if (c < 0) {
        close(fd);
        throw ProbeError("rendezvous: only " + std::to_string(served - 1) + " of " +
                         std::to_string(ctx.world - 1) + " ranks connected before the time limit");
      }
      ssize_t w = send(c, &id, sizeof id, MSG_NOSIGNAL);
      close(c);
      if (w != static_cast<ssize_t>(sizeof id)) throw ProbeError("rendezvous: send failed");
    }
    close(fd);
    return id;
  }
  addrinfo hints{}, *res = nullptr;
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0 || res == nullptr) {
    throw ProbeError("rendezvous: cannot resolve `" + host + "`");
  }
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> guard(res, freeaddrinfo);
  while (Now() < deadline) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd, res->ai_addr, res->ai_addrlen) == 0) {
      size_t got = 0;
      while (got < sizeof id) {
        ssize_t n = recv(fd, reinterpret_cast<char*>(&id) + got, sizeof id - got, 0);
        if (n <= 0) break;
        got += n;
      }
      close(fd);
      if (got == sizeof id) return id;
    } else {
      close(fd);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  throw ProbeError("rendezvous: rank 0 at " + ctx.opt.rendezvous + " did not answer before the time limit");
}

// The communicators this process drives: all local GPUs (single process) or its own GPU.
struct NcclComms {
  std::vector<ncclComm_t> comms;
  std::vector<int> devs;
  std::vector<int> ranks;
  int nranks = 0;
  ~NcclComms() {
    for (auto c : comms) ncclCommDestroy(c);
  }
};

// Created by the first NCCL probe, shared by the others, destroyed by Main before it returns
// (not at static destruction, when the CUDA runtime may already be gone).
std::unique_ptr<NcclComms> g_comms;

NcclComms* GetComms(Context& ctx, double deadline) {
  auto& comms = g_comms;
  static std::string init_error;
  if (comms) return comms.get();
  if (!init_error.empty()) throw ProbeError(init_error);
  try {
    auto c = std::make_unique<NcclComms>();
    if (ctx.world > 1) {
      ncclUniqueId id = Rendezvous(ctx, deadline);
      c->comms.resize(1);
      CUDA_CHECK(cudaSetDevice(ctx.gpus[0]));
      NCCL_CHECK(ncclCommInitRank(&c->comms[0], ctx.world, id, ctx.rank));
      c->devs = {ctx.gpus[0]};
      c->ranks = {ctx.rank};
      c->nranks = ctx.world;
    } else {
      int n = static_cast<int>(ctx.gpus.size());
      c->comms.resize(n);
      NCCL_CHECK(ncclCommInitAll(c->comms.data(), n, ctx.gpus.data()));
      c->devs = ctx.gpus;
      for (int i = 0; i < n; ++i) c->ranks.push_back(i);
      c->nranks = n;
    }
    comms = std::move(c);
    return comms.get();
  } catch (const std::exception& e) {
    init_error = std::string("NCCL initialisation failed: ") + e.what();
    throw ProbeError(init_error);
  }
}

struct CollSpec {
  const char* probe;
  pm::Collective coll;
  CheckMode mode;
};

void RunCollective(Context& ctx, Result& r, const CollSpec& spec, const std::vector<size_t>& sizes_bytes,
                   double deadline) {
  NcclComms* c = GetComms(ctx, deadline);
  const int n = c->nranks;
  if (n < 2 && !ctx.opt.nccl_one_rank) {
    r.status = "unavailable";
    r.reason = "needs at least 2 GPUs or ranks; " + std::to_string(n) + " present";
    return;
  }
  const size_t local = c->comms.size();
  json per_size = json::array();
  unsigned long long total_errors = 0;
  for (size_t size_bytes : sizes_bytes) {
    // `count`: elements of each rank's send buffer (nccl-tests' convention, see AlgBytes).
    size_t count = size_bytes / sizeof(float);
    size_t recv_count = count, chunk = 0;
    switch (spec.coll) {
      case pm::Collective::kAllGather:
        chunk = count / n;
        count = chunk;
        recv_count = chunk * n;
        break;
      case pm::Collective::kReduceScatter:
        chunk = count / n;
        count = chunk * n;
        recv_count = chunk;
        break;
      case pm::Collective::kAllToAll:
        chunk = count / n;
        count = chunk * n;
        recv_count = count;
        break;
      default:
        break;
    }
    std::vector<std::unique_ptr<DeviceBuffer>> send, recv, errs;
    std::vector<std::unique_ptr<Stream>> streams;
    for (size_t i = 0; i < local; ++i) {
      CUDA_CHECK(cudaSetDevice(c->devs[i]));
      streams.push_back(std::make_unique<Stream>());
      send.push_back(std::make_unique<DeviceBuffer>(count * sizeof(float)));
      recv.push_back(std::make_unique<DeviceBuffer>(recv_count * sizeof(float)));
      errs.push_back(std::make_unique<DeviceBuffer>(sizeof(unsigned long long)));
      CUDA_CHECK(LaunchFillPattern(static_cast<float*>(send[i]->p), count, c->ranks[i], streams[i]->s));
      CUDA_CHECK(cudaMemsetAsync(recv[i]->p, 0xFF, recv_count * sizeof(float), streams[i]->s));
      CUDA_CHECK(cudaMemsetAsync(errs[i]->p, 0, sizeof(unsigned long long), streams[i]->s));
    }
    auto issue = [&] {
      NCCL_CHECK(ncclGroupStart());
      for (size_t i = 0; i < local; ++i) {
        const float* sb = static_cast<const float*>(send[i]->p);
        float* rb = static_cast<float*>(recv[i]->p);
        ncclComm_t comm = c->comms[i];
        cudaStream_t st = streams[i]->s;
        int rank = c->ranks[i];
        switch (spec.coll) {
          case pm::Collective::kAllReduce:
            NCCL_CHECK(ncclAllReduce(sb, rb, count, ncclFloat, ncclSum, comm, st));
            break;
          case pm::Collective::kAllGather:
            NCCL_CHECK(ncclAllGather(sb, rb, count, ncclFloat, comm, st));
            break;
          case pm::Collective::kReduceScatter:
            NCCL_CHECK(ncclReduceScatter(sb, rb, recv_count, ncclFloat, ncclSum, comm, st));
            break;
          case pm::Collective::kAllToAll:
            for (int peer = 0; peer < n; ++peer) {
              NCCL_CHECK(ncclSend(sb + peer * chunk, chunk, ncclFloat, peer, comm, st));
              NCCL_CHECK(ncclRecv(rb + peer * chunk, chunk, ncclFloat, peer, comm, st));
            }
            break;
          case pm::Collective::kSendRecv:
            NCCL_CHECK(ncclSend(sb, count, ncclFloat, (rank + 1) % n, comm, st));
            NCCL_CHECK(ncclRecv(rb, count, ncclFloat, (rank - 1 + n) % n, comm, st));
            break;
        }
      }
      NCCL_CHECK(ncclGroupEnd());
    };
    auto sync_all = [&] {
      for (size_t i = 0; i < local; ++i) {
        CUDA_CHECK(cudaSetDevice(c->devs[i]));
        CUDA_CHECK(cudaStreamSynchronize(streams[i]->s));
      }
    };
    sync_all();
    for (int w = 0; w < 5; ++w) issue();
    sync_all();
    const int iters = 20;
    double t0 = Now();
    for (int it = 0; it < iters; ++it) issue();
    sync_all();
    double sec = (Now() - t0) / iters;
    // Check the result of the last iteration (out-of-place: every iteration writes the same).
    unsigned long long errors = 0;
    for (size_t i = 0; i < local; ++i) {
      CUDA_CHECK(cudaSetDevice(c->devs[i]));
      CUDA_CHECK(LaunchCheckPattern(static_cast<const float*>(recv[i]->p), recv_count, spec.mode, c->ranks[i],
                                    n, chunk, static_cast<unsigned long long*>(errs[i]->p), streams[i]->s));
      if (ctx.world > 1) {  // one GPU per process: sum every rank's count so rank 0 reports all
        NCCL_CHECK(ncclAllReduce(errs[i]->p, errs[i]->p, 1, ncclUint64, ncclSum, c->comms[i], streams[i]->s));
      }
      unsigned long long h = 0;
      CUDA_CHECK(cudaMemcpyAsync(&h, errs[i]->p, sizeof h, cudaMemcpyDeviceToHost, streams[i]->s));
      CUDA_CHECK(cudaStreamSynchronize(streams[i]->s));
      errors += h;
    }
    double alg_bytes = pm::AlgBytes(spec.coll, static_cast<double>(count), sizeof(float), n);
    double algbw = pm::GbPerS(alg_bytes, sec);
    double busbw = algbw * pm::BusBwFactor(spec.coll, n);
    std::string tag = size_bytes >= (1ull << 30) ? std::to_string(size_bytes >> 30) + "gib"
                                                 : std::to_string(size_bytes >> 20) + "mib";
    r.metrics["algbw_gbps_" + tag] = algbw;
    r.metrics["busbw_gbps_" + tag] = busbw;
    r.metrics["busbw_gbps"] = busbw;  // the largest size (sizes ascend)
    r.metrics["algbw_gbps"] = algbw;
    per_size.push_back({{"bytes", alg_bytes},
                        {"time_us", sec * 1e6},
                        {"algbw_gbps", algbw},
                        {"busbw_gbps", busbw},
                        {"wrong_elements", errors}});
    total_errors += errors;
  }
  r.metrics["wrong_elements"] = static_cast<double>(total_errors);
  r.metrics["ranks"] = n;
  if (ctx.world == 1) r.metrics["local_gpus"] = n;  // selects by_local_gpus baselines
  r.details = {{"sizes", per_size},
               {"ranks", n},
               {"processes", ctx.world},
               {"formula", "nccl-tests: algbw = bytes / time, busbw = algbw * factor"},
               {"busbw_factor", pm::BusBwFactor(spec.coll, n)},
               {"timing", "host wall time of 20 iterations after 5 warm-up, all streams synchronised"},
               {"nccl_env", pm::NcclEnvOf(environ)}};  // the settings it ran with (agents/job_nccl_env.h)
  // The locked-memory limit it ran under: NET/IB pins its buffers within it (agents/memlock_probe_limit.h).
  struct rlimit memlock {};
  if (getrlimit(RLIMIT_MEMLOCK, &memlock) == 0)
    r.details["memlock"] = pm::MemlockOf(memlock.rlim_cur == RLIM_INFINITY, memlock.rlim_cur);
  if (ctx.world > 1)
    r.details["note"] = "time as seen by rank 0; wrong elements summed over all ranks";
  if (total_errors > 0)
    r.failures.push_back(std::to_string(total_errors) + " wrong elements in the " + spec.probe + " result");
}

void ProbeP2pMatrix(Context& ctx, Result& r) {
  const int n = static_cast<int>(ctx.gpus.size());
  if (n < 2) {
    r.status = "unavailable";
    r.reason = "needs at least 2 local GPUs";
    return;
  }
  const size_t bytes = 256u << 20;
  std::vector<DeviceBuffer*> bufs;
  std::vector<std::unique_ptr<DeviceBuffer>> owned;
  for (int dev : ctx.gpus) {
    CUDA_CHECK(cudaSetDevice(dev));
    owned.push_back(std::make_unique<DeviceBuffer>(bytes));
    for (int peer : ctx.gpus) {
      if (peer == dev) continue;
      int can = 0;
      CUDA_CHECK(cudaDeviceCanAccessPeer(&can, dev, peer));
      if (can) {
        cudaError_t e = cudaDeviceEnablePeerAccess(peer, 0);
        if (e != cudaSuccess && e != cudaErrorPeerAccessAlreadyEnabled) CUDA_CHECK(e);
        cudaGetLastError();
      }
    }
  }
  json matrix = json::array();
  std::vector<double> all;
  for (int i = 0; i < n; ++i) {
    json row = json::array();
    for (int j = 0; j < n; ++j) {
      if (i == j) {
        row.push_back(nullptr);
        continue;
      }
      CUDA_CHECK(cudaSetDevice(ctx.gpus[i]));
      Stream s;
      int can = 0;
      CUDA_CHECK(cudaDeviceCanAccessPeer(&can, ctx.gpus[i], ctx.gpus[j]));
      double t = TimeMedian(s.s, 2, 10, [&] {
        CUDA_CHECK(cudaMemcpyPeerAsync(owned[j]->p, ctx.gpus[j], owned[i]->p, ctx.gpus[i], bytes, s.s));
      });
      double gbps = pm::GbPerS(bytes, t);
      r.metrics["gpu" + std::to_string(ctx.gpus[i]) + "_to_gpu" + std::to_string(ctx.gpus[j]) + "_gbps"] =
          gbps;
      row.push_back(gbps);
      all.push_back(gbps);
      if (!can)
        r.failures.push_back("gpu" + std::to_string(ctx.gpus[i]) + " cannot access gpu" +
                             std::to_string(ctx.gpus[j]) + " peer-to-peer");
    }
    matrix.push_back(row);
  }
  double med = Median(all);
  r.metrics["min_pair_gbps"] = *std::min_element(all.begin(), all.end());
  r.metrics["local_gpus"] = n;
  r.metrics["median_pair_gbps"] = med;
  r.thresholds["pair_vs_median_min"] = 0.7;
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      if (i == j) continue;
      double v = matrix[i][j].get<double>();
      if (v < 0.7 * med) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "gpu%d->gpu%d %.1f GB/s is below 70%% of the node median %.1f GB/s",
                      ctx.gpus[i], ctx.gpus[j], v, med);
        r.failures.push_back(buf);
      }
    }
  }
  r.details = {
      {"matrix_gbps", matrix}, {"bytes", bytes}, {"rows", "source GPU"}, {"columns", "destination GPU"}};
}

// ---- node.kernel_log: Xid / NVLink / AER / IB / OOM lines of the node's kernel log ----------------

void ProbeKernelLog(Context& ctx, Result& r) {
  namespace kl = vigil::kernel_log;
  const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  kl::ReadOptions ro;
  ro.since_s = ctx.opt.since_s;
  ro.now = now;
  ro.log_file = ctx.opt.kernel_log_file;
  kl::ReadResult read = kl::ReadKernelLog(ro);
  if (!read.log) {
    r.status = "unavailable";
    r.reason = "no readable kernel log: " + read.error;
    r.details = {{"tried", read.error}};
    return;
  }
  kl::ParseOptions po;
  po.now = now;
  timespec mono{};
  if (clock_gettime(CLOCK_MONOTONIC, &mono) == 0) po.boot_time = now - (mono.tv_sec + mono.tv_nsec / 1e9);
  // GPU numbers: the test hook's list; else every GPU the driver has (PCI order, the lost one too);
  // else the bus ids CUDA reports for the GPUs it still sees.
  std::string map_source;
  if (!ctx.opt.kernel_log_bus_ids.empty()) {
    for (size_t i = 0; i < ctx.opt.kernel_log_bus_ids.size(); ++i) {
      std::string k = kl::PciKey(ctx.opt.kernel_log_bus_ids[i]);
      if (!k.empty()) po.gpu_by_pci[k] = static_cast<int>(i);
    }
    map_source = "--kernel-log-bus-ids";
  } else if (po.gpu_by_pci = kl::DriverGpuMap(); !po.gpu_by_pci.empty()) {
    map_source = "/proc/driver/nvidia/gpus (PCI order)";
  } else {
    for (size_t i = 0; i < ctx.gpus.size() && i < ctx.bus_ids.size(); ++i) {
      std::string k = kl::PciKey(ctx.bus_ids[i]);
      if (!k.empty()) po.gpu_by_pci[k] = ctx.gpus[i];
    }
    map_source = po.gpu_by_pci.empty() ? "none" : "CUDA bus ids";
  }
  kl::Scan scan = kl::ParseKernelLog(read.log->text, po);
  kl::Verdict v = kl::JudgeKernelLog(scan, *read.log, ctx.opt.since_s, now);
  r.status = v.status;
  r.reason = v.reason;
  r.metrics = v.metrics;
  r.details = v.details;
  r.details["gpu_map"] = map_source;
}

// ---- The probe table and the runner -------------------------------------------------------------

struct ProbeDef {
  const char* name;
  bool intrusive;
  bool nccl;       // runs in multi-process mode
  double limit_s;  // watchdog limit for this probe
  std::function<void(Context&, Result&, double deadline)> run;
  bool needs_gpu = true;  // false: runs on a node without a usable GPU too
};

const std::vector<ProbeDef>& Probes() {
  static const std::vector<ProbeDef> kProbes = {
      {"gpu.inventory", false, false, 20, [](Context& c, Result& r, double) { ProbeInventory(c, r); }},
      {"gpu.health", false, false, 20, [](Context& c, Result& r, double) { ProbeHealth(c, r); }},
      {"gpu.gemm", true, false, 60, [](Context& c, Result& r, double) { ProbeGemm(c, r); }},
      {"gpu.hbm_bandwidth", true, false, 30, [](Context& c, Result& r, double) { ProbeHbm(c, r); }},
      {"gpu.pcie_bandwidth", true, false, 30, [](Context& c, Result& r, double) { ProbePcie(c, r); }},
      {"gpu.sdc", true, false, 30, [](Context& c, Result& r, double) { ProbeSdc(c, r); }},
      {"gpu.kernel_launch", false, false, 20, [](Context& c, Result& r, double) { ProbeKernelLaunch(c, r); }},
      {"nccl.allreduce", true, true, 60,
       [](Context& c, Result& r, double d) {
         RunCollective(c, r, {"nccl.allreduce", pm::Collective::kAllReduce, CheckMode::kAllReduce},
                       {256u << 20, 1u << 30}, d);
       }},
      {"nccl.allgather", true, true, 40,
       [](Context& c, Result& r, double d) {
         RunCollective(c, r, {"nccl.allgather", pm::Collective::kAllGather, CheckMode::kAllGather},
                       {256u << 20}, d);
       }},
      {"nccl.reducescatter", true, true, 40,
       [](Context& c, Result& r, double d) {
         RunCollective(c, r,
                       {"nccl.reducescatter", pm::Collective::kReduceScatter, CheckMode::kReduceScatter},
                       {256u << 20}, d);
       }},
      {"nccl.alltoall", true, true, 40,
       [](Context& c, Result& r, double d) {
         RunCollective(c, r, {"nccl.alltoall", pm::Collective::kAllToAll, CheckMode::kAllToAll}, {256u << 20},
                       d);
       }},
      {"nccl.sendrecv", true, true, 40,
       [](Context& c, Result& r, double d) {
         RunCollective(c, r, {"nccl.sendrecv", pm::Collective::kSendRecv, CheckMode::kSendRecv}, {256u << 20},
                       d);
       }},
      {"nccl.p2p_matrix", true, false, 40, [](Context& c, Result& r, double) { ProbeP2pMatrix(c, r); }},
      {"node.kernel_log", false, false, 30, [](Context& c, Result& r, double) { ProbeKernelLog(c, r); }, false},
  };
  return kProbes;
}

const ProbeDef* FindDef(const std::string& name) {
  for (const auto& p : Probes())
    if (name == p.name) return &p;
  return nullptr;
}

void Finish(Result& r) {
  if (r.status == "pass" && !r.failures.empty()) r.status = "fail";
  if (!r.failures.empty()) {
    std::string joined;
    for (const auto& f : r.failures) joined += (joined.empty() ? "" : "; ") + f;
    r.reason = r.reason.empty() ? joined : joined + "; " + r.reason;
  }
  if (r.status == "pass" && r.reason.empty()) r.reason = "all checks passed";
}

std::string Hostname() {
  char buf[256] = {};
  gethostname(buf, sizeof buf - 1);
  return buf;
}

void PrintDocument(const Context& ctx, const std::vector<Result>& results) {
  if (ctx.rank != 0) return;
  json gpus = json::array();
  for (size_t i = 0; i < ctx.gpus.size(); ++i) {
    gpus.push_back({{"cuda_index", ctx.gpus[i]}, {"name", ctx.gpu_names[i]}, {"bus_id", ctx.bus_ids[i]}});
  }
  json doc = {{"vigil_probe", 1}, {"host", Hostname()}, {"gpus", gpus}, {"results", json::array()}};
  if (!ctx.model.empty()) doc["thresholds_model"] = ctx.model;
  for (const auto& r : results) doc["results"].push_back(r.ToJson());
  // Kernel-log lines (node.kernel_log's reason and findings) may hold bytes that are no UTF-8: they
  // are written as U+FFFD instead of throwing (which aborted the process with no output at all).
  std::string text = doc.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
  fwrite(text.data(), 1, text.size(), stdout);
  fflush(stdout);
}

int Usage(const std::string& msg) {
  std::fprintf(stderr,
               "vigil-probe: %s\nusage: vigil-probe --probes NAME[,NAME...]|all [--gpus I,J] [--target T] "
               "[--time-limit S] [--allow-intrusive] [--lock-dir DIR] [--thresholds FILE]... [--gemm-size N] [--gemm-layout "
               "nn|tn] [--gemm-no-autotune] "
               "[--rendezvous host:port] [--expect-gpus N] [--health-sample-s S] [--since S] "
               "[--kernel-log-file FILE] | --list\n",
               msg.c_str());
  return kExitUsage;
}

int EnvInt(const char* a, const char* b, int fallback) {
  if (const char* v = std::getenv(a)) return std::atoi(v);
  if (const char* v = std::getenv(b)) return std::atoi(v);
  return fallback;
}

}  // namespace

int Main(int argc, char** argv) {
  Context ctx;
  Options& o = ctx.opt;
  std::vector<std::string> args(argv + 1, argv + argc);
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= args.size()) throw std::invalid_argument(a + " needs a value");
      return args[++i];
    };
    try {
      if (a == "--probes") {
        std::stringstream ss(next());
        for (std::string p; std::getline(ss, p, ',');)
          if (!p.empty()) o.probes.push_back(p);
      } else if (a == "--gpus") {
        std::stringstream ss(next());
        for (std::string p; std::getline(ss, p, ',');) o.gpus.push_back(std::stoi(p));
      } else if (a == "--target")
        o.target = next();
      else if (a == "--lock-dir")
        o.lock_dir = next();
      else if (a == "--time-limit")
        o.time_limit_s = std::stod(next());
      else if (a == "--allow-intrusive")
        o.allow_intrusive = true;
      else if (a == "--thresholds")
        o.threshold_files.push_back(next());
      else if (a == "--gemm-size")
        o.gemm_size = std::stoi(next());
      else if (a == "--gemm-layout") {
        std::string v = next();
        if (v != "nn" && v != "tn") return Usage("--gemm-layout must be nn or tn");
        o.gemm_nn = v == "nn";
      } else if (a == "--gemm-no-autotune")
        o.gemm_autotune = false;
      else if (a == "--health-sample-s")
        o.health_sample_s = std::stod(next());
      else if (a == "--rendezvous")
        o.rendezvous = next();
      else if (a == "--expect-gpus")
        o.expect_gpus = std::stoi(next());
      else if (a == "--test-spin-ms")
        o.spin_ms = std::stod(next());
      else if (a == "--test-nccl-one-rank")
        o.nccl_one_rank = true;
      else if (a == "--since")
        o.since_s = std::stod(next());
      else if (a == "--kernel-log-file")
        o.kernel_log_file = next();
      else if (a == "--kernel-log-bus-ids") {
        std::stringstream ss(next());
        for (std::string p; std::getline(ss, p, ',');) o.kernel_log_bus_ids.push_back(p);
      }
      else if (a == "--list") {
        for (const auto& p : Probes()) std::printf("%s%s\n", p.name, p.intrusive ? " (intrusive)" : "");
        return kExitOk;
      } else if (a == "--help" || a == "-h") {
        Usage("probe GPUs, NVLink and NCCL; prints one JSON document");
        return kExitOk;
      } else {
        return Usage("unknown argument `" + a + "`");
      }
    } catch (const std::invalid_argument& e) {
      return Usage(std::string("bad value for ") + a + ": " + e.what());
    } catch (const std::out_of_range& e) {
      return Usage(std::string("value out of range for ") + a);
    }
  }
  if (o.probes.empty()) return Usage("no probe named (--probes)");
  if (o.probes.size() == 1 && o.probes[0] == "all") {
    o.probes.clear();
    // "all" is the GPU set (what gpu_test.sh, device_run.sh and record_h200.sh time and check);
    // node.kernel_log is asked for by name.
    for (const auto& p : Probes())
      if (p.needs_gpu) o.probes.push_back(p.name);
  }
  for (const auto& p : o.probes) {
    if (FindDef(p) == nullptr) return Usage("unknown probe `" + p + "` (--list shows them)");
  }
  if (!(o.time_limit_s > 0) || o.gemm_size < 256 || o.gemm_size > 32768)
    return Usage("--time-limit must be > 0 and --gemm-size in [256, 32768]");
  if (!(o.health_sample_s >= 0 && o.health_sample_s <= 10))
    return Usage("--health-sample-s must be in [0, 10] (seconds over which gpu.health measures link error rates)");
  if (!(o.since_s > 0 && o.since_s <= 366.0 * 86400))
    return Usage("--since must be in (0, 31622400] seconds (node.kernel_log's window)");
  for (const auto& f : o.threshold_files) {
    std::ifstream in(f);
    if (!in) return Usage("cannot read thresholds file " + f);
    try {
      json doc = json::parse(in);
      pm::MergeInto(ctx.thresholds, doc);
    } catch (const std::exception& e) {
      return Usage("thresholds file " + f + ": " + e.what());
    }
  }
  if (ctx.thresholds.contains("default_tolerance") && ctx.thresholds["default_tolerance"].is_number()) {
    ctx.tolerance = ctx.thresholds["default_tolerance"].get<double>();
  }
  ctx.rank = EnvInt("RANK", "SLURM_PROCID", 0);
  ctx.world = EnvInt("WORLD_SIZE", "SLURM_NTASKS", 1);
  ctx.local_rank = EnvInt("LOCAL_RANK", "SLURM_LOCALID", 0);
  if (ctx.world > 1 && o.rendezvous.empty()) {
    if (const char* addr = std::getenv("MASTER_ADDR")) {
      o.rendezvous =
          std::string(addr) + ":" + (std::getenv("MASTER_PORT") ? std::getenv("MASTER_PORT") : "29533");
    } else {
      return Usage("WORLD_SIZE > 1 needs --rendezvous host:port (or MASTER_ADDR/MASTER_PORT)");
    }
  }

  const double start = Now();
  const double deadline = start + o.time_limit_s;
  std::vector<Result> results;
  auto make = [&](const std::string& probe) {
    Result r;
    r.probe = probe;
    r.target = o.target;
    return r;
  };

  // An intrusive run started by hand takes the host-wide lease on what it loads (host_lease.h), as
  // the command executors do for theirs, waiting within --time-limit: two GEMMs on one GPU each
  // measure half of it. One a command executor started is told by the environment that its caller
  // holds the lease. Multi-process NCCL runs take none (their ranks would wait on each other).
  // A run that only times the GPU (gpu.kernel_launch) takes it shared (VER6: beside another
  // process's GEMM it timed the GEMM). While it waits, stderr says who holds it (pid, command line),
  // as the executors' progress board does; not had: every result says why and nothing is measured.
  HostLease lease;
  std::string lease_refused, lease_status;
  const char* lease_held = std::getenv(kProbeLeaseHeldEnv);
  const bool loads = o.allow_intrusive && ctx.world == 1 &&
                     std::any_of(o.probes.begin(), o.probes.end(), [](const std::string& p) { return FindDef(p)->intrusive; });
  const bool times = !loads && ctx.world == 1 && std::any_of(o.probes.begin(), o.probes.end(), ProbeTimesTheGpu);
  if ((loads || times) && (lease_held == nullptr || *lease_held == '\0')) {
    const LeaseTarget t = LeaseTargetOf(o.target, o.gpus);
    std::string dir = o.lock_dir, why;
    if (dir.empty()) {
      dir = DefaultLockDir(&why);
      if (dir.empty()) why = "no usable probe lock folder (" + why + "); name one with --lock-dir DIR";
    } else if (std::string bad = UsableLockDir(dir); !bad.empty()) {
      why = "probe lock folder " + dir + " (--lock-dir): " + bad;
      dir.clear();
    }
    const std::string what = (t.gpu >= 0 ? "GPU " + std::to_string(t.gpu) + " of " : std::string()) +
                             (t.node.empty() ? std::string("this host") : t.node);
    const std::string lock = "lock " + dir + "/" + HostLeaseFileName(t.node, t.gpu);
    auto held_by = [](const std::string& holders) { return holders.empty() ? "" : ", held by " + holders; };
    char limit[32];
    std::snprintf(limit, sizeof limit, "%g", o.time_limit_s);
    // A timing run no lock folder or file allows runs without the lease, as before VER6.
    if (dir.empty()) {
      lease_status = "error";
      if (loads) lease_refused = "not run: " + why + ", so this intrusive run cannot be kept apart from other processes' probes";
    } else if (const HostLeaseWait w = TakeHostLeaseWaiting(dir, t.node, t.gpu, o.time_limit_s, &lease, times,
                                                            [&](const std::string& holders) {
                                                              std::fprintf(stderr, "vigil-probe: waiting up to %s s for %s (%s%s)\n",
                                                                           limit, what.c_str(), lock.c_str(),
                                                                           held_by(holders).c_str());
                                                            });
               w.got == LeaseTry::kError) {
      lease_status = "error";
      if (loads) lease_refused = "not run: " + w.error;
    } else if (w.got == LeaseTry::kHeld) {
      lease_status = "unavailable";
      lease_refused = "not run: another process on this host held " + what + " for an intrusive probe of its own the whole " +
                      limit + " s limit (" + lock + held_by(w.holders) + "); nothing was measured";
    }
  }
  if (!lease_refused.empty()) {
    for (const std::string& p : o.probes) {
      Result r = make(p);
      r.status = lease_status;
      r.reason = lease_refused;
      r.duration_s = Now() - start;
      results.push_back(r);
    }
    PrintDocument(ctx, results);
    return lease_status == "error" ? kExitFailed : kExitBusy;
  }

  // GPUs: without a usable one, every probe is `unavailable` with the reason.
  int count = 0;
  cudaError_t ce = cudaGetDeviceCount(&count);
  std::string no_gpu;
  if (ce != cudaSuccess) {
    // Whether an NVIDIA kernel driver is loaded at all: without one CUDA still says "driver
    // version is insufficient", which reads as "upgrade the driver" (probe_math.h NoGpuReason).
    std::optional<std::string> driver_line;
    if (std::ifstream proc("/proc/driver/nvidia/version"); proc) {
      std::string line;
      std::getline(proc, line);
      driver_line = line;
    }
    int runtime = 0;
    cudaRuntimeGetVersion(&runtime);
    no_gpu = pm::NoGpuReason(cudaGetErrorName(ce), cudaGetErrorString(ce), driver_line, runtime);
  } else if (count == 0) {
    no_gpu = "no GPU visible to CUDA";
  }
  if (no_gpu.empty()) {
    if (ctx.world > 1) {
      ctx.gpus = {o.gpus.empty() ? ctx.local_rank : o.gpus[ctx.local_rank % o.gpus.size()]};
    } else if (o.gpus.empty()) {
      for (int i = 0; i < count; ++i) ctx.gpus.push_back(i);
    } else {
      ctx.gpus = o.gpus;
    }
    for (int g : ctx.gpus) {
      if (g < 0) return Usage("GPU " + std::to_string(g) + " does not exist (" + std::to_string(count) + " visible)");
      // A GPU index past the node's GPUs is a wrong target, not bad usage: every result says so
      // (`unavailable`, exit 4), so a caller that guessed the node's GPU count learns it.
      if (g >= count && no_gpu.empty()) {
        no_gpu = "GPU " + std::to_string(g) + " does not exist (" + std::to_string(count) + " visible)";
      }
    }
    if (!no_gpu.empty()) ctx.gpus.clear();
    for (int g : ctx.gpus) {
      cudaDeviceProp p{};
      cudaGetDeviceProperties(&p, g);
      char bus[32] = "";
      cudaDeviceGetPCIBusId(bus, sizeof bus, g);
      ctx.gpu_names.push_back(p.name);
      ctx.bus_ids.push_back(bus);
    }
    ctx.nvml.Load();
    if (!ctx.gpu_names.empty()) pm::FindModel(ctx.thresholds, ctx.gpu_names[0], &ctx.model);
  }
  // Without a usable GPU, every probe that needs one is `unavailable` with the reason (exit 4 when
  // nothing else failed); node.kernel_log still runs.
  bool any_bad = false, gpu_missing = false;
  for (size_t idx = 0; idx < o.probes.size(); ++idx) {
    const ProbeDef& def = *FindDef(o.probes[idx]);
    Result r = make(def.name);
    std::string share_clause;  // other processes' compute beside a throughput probe (EndShare)
    double left = deadline - Now();
    if (!no_gpu.empty() && def.needs_gpu) {
      r.status = "unavailable";
      r.reason = no_gpu;
      gpu_missing = true;
    } else if (def.intrusive && !o.allow_intrusive) {
      r.status = "unavailable";
      r.reason = "intrusive probe (disturbs running jobs): pass --allow-intrusive";
    } else if (ctx.world > 1 && !def.nccl) {
      r.status = "unavailable";
      r.reason = "multi-process mode runs NCCL probes only; run per-GPU probes with one process per node";
    } else if (left <= 0) {
      r.status = "error";
      r.reason =
          "not run: the time limit of " + std::to_string(o.time_limit_s) + " s was spent by earlier probes";
    } else {
      // Watchdog: the probe runs on its own thread; if it outlives its limit the GPU is treated
      // as hung, results so far are printed and the process exits without waiting for it.
      double limit = std::min(def.limit_s, left);
      auto shared = std::make_shared<Result>(r);
      auto done = std::make_shared<std::atomic<bool>>(false);
      auto mu = std::make_shared<std::mutex>();
      auto cv = std::make_shared<std::condition_variable>();
      // Throughput probes: which other processes computed on the GPU while this one measured.
      std::optional<ShareWindow> share;
      if (gs::IsThroughputProbe(def.name) && no_gpu.empty()) share = BeginShare(ctx);
      double t0 = Now();
      std::thread worker([&ctx, &def, shared, done, mu, cv, deadline] {
        try {
          def.run(ctx, *shared, deadline);
        } catch (const std::exception& e) {
          shared->status = "error";
          shared->reason = e.what();
        }
        std::lock_guard<std::mutex> l(*mu);
        done->store(true);
        cv->notify_all();
      });
      {
        std::unique_lock<std::mutex> l(*mu);
        cv->wait_for(l, std::chrono::duration<double>(limit), [&] { return done->load(); });
      }
      if (!done->load()) {
        worker.detach();
        r.status = "error";
        r.reason = "watchdog: " + std::string(def.name) + " did not finish within " + std::to_string(limit) +
                   " s; the GPU (or NCCL peer) may be hung";
        r.duration_s = Now() - t0;
        results.push_back(r);
        for (size_t rest = idx + 1; rest < o.probes.size(); ++rest) {
          Result s = make(o.probes[rest]);
          s.status = "error";
          s.reason = "not run: an earlier probe (" + std::string(def.name) + ") hung";
          results.push_back(s);
        }
        PrintDocument(ctx, results);
        std::fflush(stdout);
        _exit(kExitWatchdog);
      }
      worker.join();
      r = *shared;
      r.duration_s = Now() - t0;
      if (r.status == "pass") Judge(ctx, r);
      if (ctx.world == 1 && no_gpu.empty()) cudaDeviceSynchronize();
      if (share) share_clause = EndShare(ctx, *share, r);
    }
    Finish(r);
    if (!share_clause.empty()) r.reason += "; " + share_clause;
    if (r.status == "fail" || r.status == "error") any_bad = true;
    // An unreadable kernel log is no pass: exit 1 (its reason names what was tried).
    if (r.status == "unavailable" && !def.needs_gpu && r.reason.rfind("no readable kernel log", 0) == 0) any_bad = true;
    results.push_back(r);
  }
  g_comms.reset();
  PrintDocument(ctx, results);
  return any_bad ? kExitFailed : gpu_missing ? kExitNoGpu : kExitOk;
}

}  // namespace vigil_probe

int main(int argc, char** argv) { return vigil_probe::Main(argc, argv); }
