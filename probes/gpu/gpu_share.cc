#include "probes/gpu/gpu_share.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>

namespace vigil::gpu_share {

namespace {

using json = nlohmann::json;

struct Seen {
  std::optional<unsigned long long> memory;  // the larger of before / after
  bool listed = false;                       // in a process list (before or after)
  bool sampled = false;                      // in a utilization sample
  unsigned sm_max = 0, mem_max = 0;
};

std::string Mib(unsigned long long bytes) {
  char buf[48];
  if (bytes >= (1ull << 30)) {
    std::snprintf(buf, sizeof buf, "%.2f GiB", static_cast<double>(bytes) / (1ull << 30));
  } else {
    std::snprintf(buf, sizeof buf, "%.0f MiB", static_cast<double>(bytes) / (1ull << 20));
  }
  return buf;
}

struct GpuVerdict {
  json detail;
  std::optional<bool> busy;
  int foreign = 0;  // other processes with a context on the GPU (known to be others)
  std::string clause;
};

GpuVerdict JudgeOne(const GpuShareSample& s, unsigned own_pid,
                    const std::function<std::optional<std::string>(unsigned)>& comm) {
  GpuVerdict v;
  const bool util_read = s.utilization_why.empty();
  const bool lists_read = s.processes_why.empty();
  std::map<unsigned, Seen> seen;
  for (const auto* list : {&s.processes_before, &s.processes_after}) {
    for (const ProcessOnGpu& p : *list) {
      Seen& e = seen[p.pid];
      e.listed = true;
      if (p.used_memory_bytes) e.memory = std::max(e.memory.value_or(0), *p.used_memory_bytes);
    }
  }
  if (util_read) {
    for (const ProcessUtil& u : s.utilization) {
      Seen& e = seen[u.pid];
      e.sampled = true;
      e.sm_max = std::max(e.sm_max, std::min(u.sm_pct, 100u));
      e.mem_max = std::max(e.mem_max, std::min(u.mem_pct, 100u));
    }
  }
  const bool own_seen = seen.erase(own_pid) > 0;
  json procs = json::array();
  int hidden = 0, hidden_busy = 0, visible_busy = 0, visible = 0;
  std::vector<std::string> named_busy, named_other;
  for (const auto& [pid, e] : seen) {
    std::optional<std::string> name = comm(pid);
    json p = {{"pid", pid}};
    p["name"] = name ? json(*name) : json(nullptr);
    if (!name) p["note"] = "not visible from this process (another pid namespace, or it has exited)";
    p["used_memory_mib"] = e.memory ? json(static_cast<double>(*e.memory) / (1 << 20)) : json(nullptr);
    if (util_read) {
      p["sm_pct_max"] = e.sm_max;
      p["mem_pct_max"] = e.mem_max;
    } else {
      p["sm_pct_max"] = nullptr;
    }
    const bool busy = util_read && e.sm_max > kBusySmPct;
    p["computing"] = util_read ? json(busy) : json(nullptr);
    procs.push_back(p);
    std::string brief = "pid " + std::to_string(pid) + ":";
    brief += util_read ? " SM " + std::to_string(e.sm_max) + "%" : " SM unknown";
    if (e.memory) brief += ", " + Mib(*e.memory);
    if (name) {
      ++visible;
      if (busy) ++visible_busy;
    } else {
      ++hidden;
      if (busy) ++hidden_busy;
    }
    (busy ? named_busy : named_other).push_back(brief);
  }
  // NVML lists every process with a context on the GPU, this one included. When this process's
  // pid is not among them, NVML's pids are another namespace's: one of those it cannot see is this
  // process (which of them is unknown).
  const bool own_hidden = !own_seen && hidden > 0;
  v.foreign = visible + hidden - (own_hidden ? 1 : 0);
  int busy_others = visible_busy + (own_hidden ? std::max(0, hidden_busy - 1) : hidden_busy);
  if (util_read) {
    if (busy_others > 0) {
      v.busy = true;
    } else if (own_hidden && hidden_busy == 1 && hidden > 1) {
      v.busy = std::nullopt;  // one hidden process computed: this one, or another
    } else {
      v.busy = false;
    }
  } else if (lists_read && v.foreign == 0) {
    v.busy = false;
  }  // else: processes there whose compute is unknown, or nothing read: nullopt

  json d = {{"other_processes", procs}, {"foreign_busy", v.busy ? json(*v.busy) : json(nullptr)}};
  if (own_hidden) {
    d["own_process"] = "pid " + std::to_string(own_pid) +
                       " is not among NVML's pids (another pid namespace): one of the processes not visible is "
                       "this probe, so the others number " +
                       std::to_string(v.foreign);
  }
  d["device_util_before_pct"] = s.device_util_before_pct ? json(*s.device_util_before_pct) : json(nullptr);
  d["device_util_after_pct"] = s.device_util_after_pct ? json(*s.device_util_after_pct) : json(nullptr);
  json unread = json::object();
  if (!lists_read) unread["processes"] = s.processes_why;
  if (!util_read) unread["process_utilization"] = s.utilization_why;
  if (!s.device_util_why.empty()) unread["device_utilization"] = s.device_util_why;
  if (!unread.empty()) d["not_read"] = unread;
  v.detail = d;

  const std::string gpu = "GPU " + std::to_string(s.gpu);
  auto list = [](const std::vector<std::string>& items) {
    std::string out;
    for (size_t i = 0; i < items.size() && i < 4; ++i) out += (i ? "; " : "") + items[i];
    if (items.size() > 4) out += "; " + std::to_string(items.size() - 4) + " more";
    return out;
  };
  if (v.busy == std::optional<bool>(true)) {
    v.clause = "measured beside " + std::to_string(busy_others) + " other process" + (busy_others == 1 ? "" : "es") +
               " computing on " + gpu + " (" + list(named_busy) + ")";
  } else if (v.foreign > 0 && v.busy == std::optional<bool>(false)) {
    v.clause = std::to_string(v.foreign) + " other process" + (v.foreign == 1 ? "" : "es") + " on " + gpu +
               " did not compute during the measurement (" + list(named_other) + ")";
  } else if (v.foreign > 0 || !v.busy) {
    v.clause = "could not tell whether other processes computed on " + gpu + " during the measurement (" +
               (v.foreign > 0 ? std::to_string(v.foreign) + " other process" + (v.foreign == 1 ? "" : "es") + " there; "
                              : std::string()) +
               (util_read ? "one of the processes NVML names computed and may be this probe"
                          : "per-process utilization: " + s.utilization_why) +
               ")";
  }
  return v;
}

}  // namespace

GpuShareVerdict JudgeGpuShare(const std::vector<GpuShareSample>& samples, unsigned own_pid,
                              const std::function<std::optional<std::string>(unsigned)>& comm) {
  GpuShareVerdict out;
  json gpus = json::object();
  bool any_true = false, any_unknown = samples.empty();
  int foreign = 0;
  std::string clause;
  for (const GpuShareSample& s : samples) {
    GpuVerdict v = JudgeOne(s, own_pid, comm);
    gpus[std::to_string(s.gpu)] = v.detail;
    foreign += v.foreign;
    if (v.busy == std::optional<bool>(true)) any_true = true;
    if (!v.busy) any_unknown = true;
    if (!v.clause.empty()) clause += (clause.empty() ? "" : "; ") + v.clause;
  }
  out.foreign_busy = any_true ? std::optional<bool>(true) : any_unknown ? std::nullopt : std::optional<bool>(false);
  out.details = {{"gpus", gpus},
                 {"foreign_busy", out.foreign_busy ? json(*out.foreign_busy) : json(nullptr)},
                 {"foreign_processes", foreign},
                 {"busy_above_sm_pct", kBusySmPct},
                 {"sampled", "NVML compute processes before and after the measurement; per-process SM use over it "
                             "and the second before it; device utilization before and after"}};
  if (!clause.empty()) out.clause = clause + " (details.gpu_sharing)";
  return out;
}

bool IsThroughputProbe(std::string_view probe) {
  static constexpr std::string_view kThroughputProbes[] = {
      "gpu.gemm",       "gpu.hbm_bandwidth",  "gpu.pcie_bandwidth", "gpu.kernel_launch", "nccl.allreduce",
      "nccl.allgather", "nccl.reducescatter", "nccl.alltoall",      "nccl.sendrecv",     "nccl.p2p_matrix"};
  return std::find(std::begin(kThroughputProbes), std::end(kThroughputProbes), probe) != std::end(kThroughputProbes);
}

std::optional<std::string> ProcComm(unsigned pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  if (!f || !std::getline(f, name)) return std::nullopt;
  return name;
}

}  // namespace vigil::gpu_share
