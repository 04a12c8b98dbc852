#include "probes/gpu/gpu_share.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <unistd.h>

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
  std::optional<double> foreign_share;  // the busy others' SM share (0..1), when known
};

std::optional<unsigned long long> MemoryOf(const std::vector<ProcessOnGpu>& list, unsigned pid) {
  for (const ProcessOnGpu& p : list)
    if (p.pid == pid) return p.used_memory_bytes;
  return std::nullopt;
}

// The marker's reading: the listed pids whose used memory fell by the marker's size when this
// process freed it. `why` says why none or several matched.
std::vector<unsigned> MarkerMatches(const GpuShareSample& s, std::string* why) {
  std::vector<unsigned> out;
  if (s.marker_bytes == 0) {
    *why = s.marker_why.empty() ? "no memory marker taken" : "no memory marker: " + s.marker_why;
    return out;
  }
  int unknown_memory = 0;
  for (const ProcessOnGpu& held : s.processes_marker_held) {
    if (!held.used_memory_bytes) {
      ++unknown_memory;
      continue;
    }
    // A process gone from the second list freed everything: not a marker's fall.
    std::optional<unsigned long long> after = MemoryOf(s.processes_marker_released, held.pid);
    if (!after || *after > *held.used_memory_bytes) continue;
    const unsigned long long fall = *held.used_memory_bytes - *after;
    const unsigned long long lo = s.marker_bytes > kMarkerSlackBytes ? s.marker_bytes - kMarkerSlackBytes : 0;
    if (fall >= lo && fall <= s.marker_bytes + kMarkerSlackBytes) out.push_back(held.pid);
  }
  const std::string size = std::to_string(s.marker_bytes >> 20) + " MiB";
  if (out.empty()) {
    *why = "no listed process's memory fell by the " + size + " marker when it was freed" +
           (unknown_memory > 0 ? " (" + std::to_string(unknown_memory) + " with memory NVML does not give)" : "");
  } else if (out.size() > 1) {
    std::string pids;
    for (unsigned pid : out) pids += (pids.empty() ? "" : ", ") + std::to_string(pid);
    *why = "the memory of " + std::to_string(out.size()) + " processes fell by the " + size +
           " marker at once (pids " + pids + "): ambiguous";
  }
  return out;
}

}  // namespace

OwnEntry FindOwnEntry(const GpuShareSample& s, const OwnProcess& self) {
  OwnEntry e;
  if (self.in_init_pid_ns == std::optional<bool>(true)) {
    e.pid = self.pid;
    e.how = "this process is in the host's pid namespace: NVML's pid for it is getpid()";
    return e;
  }
  std::set<unsigned> listed;
  for (const auto* list : {&s.processes_before, &s.processes_after, &s.processes_marker_held,
                           &s.processes_marker_released})
    for (const ProcessOnGpu& p : *list) listed.insert(p.pid);
  for (const ProcessUtil& u : s.utilization) listed.insert(u.pid);

  std::string marker_why;
  std::vector<unsigned> marker = MarkerMatches(s, &marker_why);
  std::optional<unsigned> by_marker = marker.size() == 1 ? std::optional<unsigned>(marker[0]) : std::nullopt;
  std::optional<unsigned> by_nspid;
  std::string nspid_why;
  if (self.nspid.size() > 1) {
    if (listed.count(self.nspid.front())) by_nspid = self.nspid.front();
    else nspid_why = "NSpid's outer pid " + std::to_string(self.nspid.front()) + " is not among NVML's pids";
  } else {
    nspid_why = self.nspid.empty() ? "NSpid unread"
                                   : "NSpid has one entry (/proc is this pid namespace's own: the host pid is not shown)";
  }
  const bool pid_listed = listed.count(self.pid) > 0;
  if (by_marker && by_nspid && *by_marker != *by_nspid) {
    e.unknown_why = "signals disagree: the memory marker fell with pid " + std::to_string(*by_marker) +
                    ", NSpid names pid " + std::to_string(*by_nspid);
    return e;
  }
  std::optional<unsigned> strong = by_marker ? by_marker : by_nspid;
  if (strong) {
    // getpid() listed as well but another entry found: in the host's namespace (unknown here) that
    // would be this process, in a container another of the same number; cannot tell.
    if (pid_listed && *strong != self.pid && self.in_init_pid_ns != std::optional<bool>(false)) {
      e.unknown_why = "signals disagree: getpid() " + std::to_string(self.pid) + " is among NVML's pids, " +
                      (by_marker ? "the memory marker" : "NSpid") + " names pid " + std::to_string(*strong);
      return e;
    }
    e.pid = strong;
    if (by_marker) e.how = "its memory fell by the " + std::to_string(s.marker_bytes >> 20) + " MiB marker this process freed";
    if (by_nspid) e.how += std::string(e.how.empty() ? "" : "; ") + "NSpid's outer pid (/proc of an ancestor pid namespace)";
    return e;
  }
  if (pid_listed) {
    e.pid = self.pid;
    e.how = "getpid() is among NVML's pids";
    return e;
  }
  e.unknown_why = marker_why + "; " + nspid_why + "; getpid() " + std::to_string(self.pid) + " is not among NVML's pids";
  return e;
}

namespace {

GpuVerdict JudgeOne(const GpuShareSample& s, const OwnProcess& self,
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
  const OwnEntry own = FindOwnEntry(s, self);
  std::optional<unsigned> own_sm;  // this process's largest SM sample (for later calibration)
  if (own.pid) {
    auto it = seen.find(*own.pid);
    if (it != seen.end()) {
      if (util_read && it->second.sampled) own_sm = it->second.sm_max;
      seen.erase(it);
    }
  }
  // Names from /proc only where /proc's pids are NVML's: not in a container whose /proc is its own
  // while NVML lists the host's pids (the name of pid N there is another process's).
  const bool names_readable = self.in_init_pid_ns != std::optional<bool>(false) || self.nspid.size() > 1 ||
                              own.pid == std::optional<unsigned>(self.pid);
  json procs = json::array();
  int hidden = 0, hidden_busy = 0, visible_busy = 0, visible = 0;
  unsigned busy_sm_sum = 0;
  std::vector<std::string> named_busy, named_other;
  for (const auto& [pid, e] : seen) {
    std::optional<std::string> name = names_readable ? comm(pid) : std::nullopt;
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
    if (busy) busy_sm_sum += e.sm_max;
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
  // NVML lists every process with a context on the GPU, this one included. When no signal told
  // which entry is this process (FindOwnEntry), NVML's pids are another namespace's: one of those it
  // cannot see is this process (which of them is unknown).
  const bool own_hidden = !own.pid && hidden > 0;
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
  // The others' share of the time: known when utilization was read and none of the busy pids may
  // be this process.
  if (util_read && (!own_hidden || hidden_busy == 0)) v.foreign_share = std::min(1.0, busy_sm_sum / 100.0);

  json d = {{"other_processes", procs}, {"foreign_busy", v.busy ? json(*v.busy) : json(nullptr)}};
  if (own.pid) {
    d["own_process"] = {{"nvml_pid", *own.pid}, {"identified_by", own.how}};
    d["own_process"]["sm_pct_max"] = own_sm ? json(*own_sm) : json(nullptr);
  } else if (own_hidden) {
    d["own_process"] = "pid " + std::to_string(self.pid) +
                       " is not among NVML's pids (another pid namespace): one of the processes not visible is "
                       "this probe, so the others number " +
                       std::to_string(v.foreign) + " (its entry not told: " + own.unknown_why + ")";
  }
  d["foreign_sm_share"] = v.foreign_share ? json(*v.foreign_share) : json(nullptr);
  if (!s.marker_why.empty()) d["marker_not_taken"] = s.marker_why;
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

GpuShareVerdict JudgeGpuShare(const std::vector<GpuShareSample>& samples, const OwnProcess& self,
                              const std::function<std::optional<std::string>(unsigned)>& comm) {
  GpuShareVerdict out;
  json gpus = json::object();
  bool any_true = false, any_unknown = samples.empty();
  int foreign = 0;
  std::string clause;
  for (const GpuShareSample& s : samples) {
    GpuVerdict v = JudgeOne(s, self, comm);
    gpus[std::to_string(s.gpu)] = v.detail;
    out.foreign_share[s.gpu] = v.foreign_share;
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

namespace {

std::string Figure(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", x);
  return buf;
}

// "gpu3.copy_tbps" -> 3; nullopt for a metric of no single GPU (NCCL busbw).
std::optional<int> MetricGpu(const std::string& metric) {
  if (metric.rfind("gpu", 0) != 0) return std::nullopt;
  size_t dot = metric.find('.');
  if (dot == std::string::npos || dot == 3) return std::nullopt;
  int gpu = 0;
  for (size_t i = 3; i < dot; ++i) {
    if (metric[i] < '0' || metric[i] > '9' || gpu > 100000) return std::nullopt;
    gpu = gpu * 10 + (metric[i] - '0');
  }
  return gpu;
}

}  // namespace

AloneEstimate EstimateAlone(const GpuShareVerdict& share, const std::map<std::string, double>& metrics,
                            const std::map<std::string, double>& thresholds) {
  AloneEstimate out;
  if (share.foreign_busy != std::optional<bool>(true)) return out;  // nothing to explain
  json per = json::object();
  std::vector<std::string> failing_verdicts, told;
  for (const auto& [metric, value] : metrics) {
    auto min_it = thresholds.find(metric + "_min");
    auto max_it = thresholds.find(metric + "_max");
    if (min_it == thresholds.end() && max_it == thresholds.end()) continue;  // not judged
    json m = {{"measured", value}};
    std::string verdict;
    if (min_it == thresholds.end()) {
      m["threshold_max"] = max_it->second;
      verdict = value <= max_it->second ? "passed" : "not_estimated";
      if (verdict == "not_estimated")
        m["why"] = "a latency beside time-slicing waits for the neighbour's time slice whatever its share";
    } else {
      const double t = min_it->second;
      m["threshold_min"] = t;
      // The metric's GPU's share; a figure of several GPUs (NCCL) goes at the most shared one's pace.
      std::optional<double> f;
      bool unknown = false;
      if (std::optional<int> g = MetricGpu(metric)) {
        auto it = share.foreign_share.find(*g);
        if (it != share.foreign_share.end()) f = it->second;
        unknown = !f;
      } else {
        for (const auto& [gpu, sh] : share.foreign_share) {
          if (!sh) unknown = true;
          else f = std::max(f.value_or(0.0), *sh);
        }
      }
      if (value >= t) {
        verdict = "passed";
      } else if (unknown || !f || !std::isfinite(value)) {
        verdict = "not_estimated";
        m["why"] = "the other processes' share of this GPU's time is unknown";
      } else {
        const double fc = std::min(*f, kMaxForeignShare);
        const double est = value / (1 - fc);
        m["foreign_share"] = fc;
        m["estimate_alone"] = est;
        m["estimate_alone_high"] = est * kAloneSlack;
        verdict = est >= t ? "contention" : est * kAloneSlack < t ? "beyond_contention" : "unclear";
        told.push_back(metric + " " + Figure(value) + " -> " + Figure(est) + " alone (" +
                       (verdict == "contention"          ? ">= " + Figure(t) + ": contention explains it"
                        : verdict == "beyond_contention" ? "even x" + Figure(kAloneSlack) + " < " + Figure(t) +
                                                               ": more than contention"
                                                         : "< " + Figure(t) + ", x" + Figure(kAloneSlack) +
                                                               " >= it: unclear") +
                       ")");
      }
    }
    m["verdict"] = verdict;
    if (verdict != "passed") failing_verdicts.push_back(verdict);
    per[metric] = m;
  }
  auto any = [&](const char* v) { return std::find(failing_verdicts.begin(), failing_verdicts.end(), v) != failing_verdicts.end(); };
  out.verdict = failing_verdicts.empty()           ? "passed"
                : any("beyond_contention")         ? "beyond_contention"
                : any("unclear") || any("not_estimated") ? "unclear"
                                                   : "contention";
  out.details = {{"model", "time-slicing: alone = measured / (1 - the other processes' SM share), that share capped at " +
                               Figure(kMaxForeignShare) + "; a finding of the GPU only when " + Figure(kAloneSlack) +
                               " x the estimate still fails (NVML's coarse samples, context switches, memory-bound "
                               "probes beside compute-bound neighbours)"},
                 {"slack", kAloneSlack},
                 {"metrics", per},
                 {"verdict", out.verdict}};
  if (!told.empty()) {
    std::string list;
    for (size_t i = 0; i < told.size() && i < 3; ++i) list += (i ? "; " : "") + told[i];
    if (told.size() > 3) list += "; " + std::to_string(told.size() - 3) + " more";
    out.clause = "estimated alone: " + list + " (details.gpu_sharing.alone_estimate)";
  }
  return out;
}

std::vector<unsigned> ParseNsPid(std::string_view status) {
  std::vector<unsigned> out;
  size_t at = 0;
  while (at < status.size()) {
    size_t end = status.find('\n', at);
    if (end == std::string_view::npos) end = status.size();
    std::string_view line = status.substr(at, end - at);
    at = end + 1;
    if (line.rfind("NSpid:", 0) != 0) continue;
    line.remove_prefix(6);
    unsigned long long cur = 0;
    bool in_num = false;
    for (char c : line) {
      if (c >= '0' && c <= '9') {
        cur = cur * 10 + static_cast<unsigned>(c - '0');
        if (cur > 0xffffffffULL) return {};
        in_num = true;
      } else if (c == ' ' || c == '\t') {
        if (in_num) out.push_back(static_cast<unsigned>(cur));
        cur = 0;
        in_num = false;
      } else {
        return {};  // malformed
      }
    }
    if (in_num) out.push_back(static_cast<unsigned>(cur));
    return out;
  }
  return out;
}

std::optional<bool> IsInitPidNamespace(std::string_view link) {
  constexpr std::string_view kPrefix = "pid:[";
  if (link.rfind(kPrefix, 0) != 0 || link.size() < kPrefix.size() + 2 || link.back() != ']') return std::nullopt;
  std::string_view num = link.substr(kPrefix.size(), link.size() - kPrefix.size() - 1);
  if (num.empty() || num.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  return num == "4026531836";  // PROC_PID_INIT_INO (0xEFFFFFFC), fixed since Linux 3.8
}

OwnProcess ReadOwnProcess() {
  OwnProcess self(static_cast<unsigned>(getpid()));
  std::ifstream f("/proc/self/status");
  if (f) {
    std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    self.nspid = ParseNsPid(text);
    // /proc of another namespace than this process's (the NSpid's last entry is getpid()
    // only when /proc's namespace is this one or an ancestor): not read.
    if (!self.nspid.empty() && self.nspid.back() != self.pid) self.nspid.clear();
  }
  char link[64] = {};
  ssize_t n = readlink("/proc/self/ns/pid", link, sizeof link - 1);
  if (n > 0) self.in_init_pid_ns = IsInitPidNamespace(std::string_view(link, static_cast<size_t>(n)));
  return self;
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
