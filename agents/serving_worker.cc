#include "agents/serving_worker.h"

#include <cctype>
#include <regex>
#include <set>

#include "agents/visible_devices.h"
#include "core/parse.h"

namespace vigil {
namespace {

constexpr size_t kMaxLine = 4000;
constexpr int kMaxGpusPerNode = 16;  // a node's GPU count when the topology gives none

int SmallInt(const std::string& s) {
  std::optional<int32_t> v = ParseInt32(s);
  return v && *v >= 0 && *v < 100000 ? *v : -1;
}

// "DP1 TP3", "_PP1_TP3", " TP6": each coordinate into `w`; false when one is given twice.
bool ReadCoordinates(const std::string& parts, ServingWorker& w) {
  static const std::regex kPart(R"((DP|PP|TP|EP)(\d{1,4}))");
  for (auto it = std::sregex_iterator(parts.begin(), parts.end(), kPart); it != std::sregex_iterator(); ++it) {
    const std::string kind = it->str(1);
    const int v = SmallInt(it->str(2));
    int* slot = kind == "DP" ? &w.dp : kind == "PP" ? &w.pp : kind == "TP" ? &w.tp : nullptr;
    if (slot == nullptr) continue;  // EP: an expert-parallel rank, no GPU of its own to read
    if (*slot >= 0) return false;
    *slot = v;
  }
  return true;
}

size_t LeadingSpace(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  return i;
}

}  // namespace

std::string ServingWorker::Key() const {
  if (dp < 0 && pp < 0 && tp < 0 && rank < 0) return engine + " pid" + std::to_string(pid);
  std::string k = engine;
  if (dp >= 0) k += " dp" + std::to_string(dp);
  if (pp >= 0) k += " pp" + std::to_string(pp);
  if (tp >= 0) k += " tp" + std::to_string(tp);
  if (rank >= 0) k += " rank" + std::to_string(rank);
  return k;
}

bool MayNameServingWorker(std::string_view line) {
  if (line.size() > kMaxLine) return false;
  const size_t i = LeadingSpace(line);
  if (i >= line.size()) return false;
  if (line[i] == '(') return true;
  if (line[i] == '[') {
    const std::string_view head = line.substr(i, 80);
    // SGLang's "[2026-12-04 05:18:21 TP3]": a date first and a TP field before the bracket closes.
    if (head.size() > 5 && std::isdigit(static_cast<unsigned char>(head[1])) && head.find(" TP") != std::string_view::npos)
      return true;
    return head.find("[TRT-LLM]") != std::string_view::npos;
  }
  return line.find("Worker proc ") != std::string_view::npos;
}

std::optional<ServingWorker> ServingWorkerOf(std::string_view view) {
  if (!MayNameServingWorker(view)) return std::nullopt;
  const std::string line(view);
  std::smatch m;
  const size_t lead = LeadingSpace(view);
  if (line[lead] == '(') {
    // vLLM's and Ray's "(NAME[ coordinates][ rank=N] pid=N[, ip=ADDR])".
    static const std::regex kVllm(
        R"(^\s*\((VllmWorker|Worker|EngineCore|EngineCoreProc|RayWorkerWrapper|APIServer|ApiServer)((?:[ _](?:DP|PP|TP|EP)\d{1,4})*)(?:[ _]rank=(\d{1,5}))?(?:_\d{1,4})?\s+pid=(\d{1,10})(?:,\s*ip=([0-9A-Za-z.:_-]{1,64}))?\)\s?)");
    if (!std::regex_search(line, m, kVllm, std::regex_constants::match_continuous)) return std::nullopt;
    ServingWorker w;
    w.engine = "vllm";
    const std::string name = m.str(1);
    if (!ReadCoordinates(m.str(2), w)) return std::nullopt;
    if (m[3].matched) w.rank = SmallInt(m.str(3));
    w.pid = ParseInt(m.str(4)).value_or(-1);
    if (m[5].matched) w.ip = m.str(5);
    w.ray = name == "RayWorkerWrapper";
    w.engine_core = name == "EngineCore" || name == "EngineCoreProc" || name == "APIServer" || name == "ApiServer";
    w.length = static_cast<size_t>(m.length(0));
    return w;
  }
  if (line[lead] == '[') {
    // SGLang: "[2026-12-04 05:18:21 DP1 TP3] ...", "[2026-12-04 05:18:21.123 TP3] ...".
    static const std::regex kSglang(
        R"(^\s*\[\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d{1,6})?((?:\s(?:DP|PP|TP|EP)\d{1,4}){1,4})\]\s?)");
    if (std::regex_search(line, m, kSglang, std::regex_constants::match_continuous)) {
      ServingWorker w;
      w.engine = "sglang";
      if (!ReadCoordinates(m.str(1), w) || w.tp < 0) return std::nullopt;
      w.length = static_cast<size_t>(m.length(0));
      return w;
    }
    // TensorRT-LLM's Python logger: "[TRT-LLM] [RANK 3] [E] ..." after an optional time bracket.
    static const std::regex kTrt(R"(^\s*(?:\[[^\[\]]{1,40}\]\s*)?\[TRT-LLM\]\s*\[RANK\s+(\d{1,5})\]\s?)");
    if (std::regex_search(line, m, kTrt, std::regex_constants::match_continuous)) {
      ServingWorker w;
      w.engine = "trtllm";
      w.rank = SmallInt(m.str(1));
      w.length = static_cast<size_t>(m.length(0));
      return w;
    }
    return std::nullopt;
  }
  // vLLM's executor reporting a worker dead: "Worker proc VllmWorker-6 died unexpectedly", "Worker proc
  // Worker_TP6 died unexpectedly".
  static const std::regex kDied(R"(\bWorker proc (?:VllmWorker-(\d{1,5})|Worker((?:_(?:DP|PP|TP|EP)\d{1,4})+)) died\b)");
  if (std::regex_search(line, m, kDied)) {
    ServingWorker w;
    w.engine = "vllm";
    if (m[1].matched) w.rank = SmallInt(m.str(1));
    else if (!ReadCoordinates(m.str(2), w)) return std::nullopt;
    return w;
  }
  return std::nullopt;
}

void ServingLayout::AddLine(std::string_view view) {
  if (view.size() > kMaxLine) return;
  std::optional<ServingWorker> w = ServingWorkerOf(view);
  if (w) {
    any_ = true;
    if (w->ray) multi_node_ = true;  // a Ray executor may place workers on any node
    if (w->dp > 0) multi_replica_ = true;
    if (w->engine == "trtllm" && w->rank > max_trt_rank_) max_trt_rank_ = w->rank;
  }
  const std::string line(view);
  std::smatch m;
  // The engine's layout as its arguments print it (vLLM's "tensor_parallel_size=8", "--data-parallel-size
  // 2", SGLang's "tp_size=8, dp_size=2", "--nnodes 2").
  if (line.find("parallel") != std::string::npos || line.find("_size") != std::string::npos ||
      line.find("nnodes") != std::string::npos || line.find("--dp") != std::string::npos ||
      line.find("--tp") != std::string::npos || line.find("ray") != std::string::npos) {
    static const std::regex kDp(
        R"((?:\bdata[_-]parallel[_-]size|\bdp[_-]size|--dp)["']?\s*[=:]?\s*["']?(\d{1,4})\b)");
    static const std::regex kTp(
        R"((?:\btensor[_-]parallel[_-]size|\btp[_-]size|--tp)["']?\s*[=:]?\s*["']?(\d{1,4})\b)");
    static const std::regex kNodes(R"(\bnnodes["']?\s*[=:]?\s*["']?(\d{1,5})\b)");
    static const std::regex kRay(R"(\bdistributed[_-]executor[_-]backend["']?\s*[=:]?\s*["']?ray\b)");
    if (std::regex_search(line, m, kDp) && SmallInt(m.str(1)) > 1) multi_replica_ = true;
    if (std::regex_search(line, m, kTp)) {
      const int v = SmallInt(m.str(1));
      if (v > 0) tp_size_ = v;
    }
    if (std::regex_search(line, m, kNodes) && SmallInt(m.str(1)) > 1) multi_node_ = true;
    if (std::regex_search(line, kRay)) multi_node_ = true;
  }
  if (!w || w->ray) return;
  const std::string rest = line.substr(w->length);
  // The device the worker prints of itself.
  if (rest.find("cuda") != std::string::npos || rest.find("gpu_id") != std::string::npos ||
      rest.find("local_rank") != std::string::npos || rest.find("set_device") != std::string::npos) {
    static const std::regex kDevice(
        R"(\bdevice\s*[=:]\s*["']?cuda:(\d{1,3})\b|\bset_device\(\s*(?:["']cuda:)?(\d{1,3})\b|\bgpu_id\s*[=:]\s*(\d{1,3})\b)");
    static const std::regex kCuda(R"(\bcuda:(\d{1,3})\b)");
    static const std::regex kLocal(R"(\blocal_rank\s*[=:]\s*(\d{1,3})\b)");
    int device = -1;
    if (std::regex_search(rest, m, kDevice)) {
      for (size_t g = 1; g <= 3 && device < 0; ++g) {
        if (m[g].matched) device = SmallInt(m.str(g));
      }
    } else {
      // A bare "cuda:N" names the worker's device only when it is the line's one ordinal ("cuda:0 ->
      // cuda:1" is a copy between two).
      std::set<int> seen;
      for (auto it = std::sregex_iterator(rest.begin(), rest.end(), kCuda); it != std::sregex_iterator(); ++it)
        seen.insert(SmallInt(it->str(1)));
      if (seen.size() == 1) device = *seen.begin();
      if (seen.empty() && std::regex_search(rest, m, kLocal)) device = SmallInt(m.str(1));
    }
    if (device >= 0 && !w->engine_core) {
      auto [it, added] = device_.emplace(w->Key(), device);
      if (!added && it->second != device) it->second = -2;
    }
  }
  // A replica's own device list: "(EngineCore_DP1 pid=..) ... CUDA_VISIBLE_DEVICES=4,5,6,7".
  if (w->dp >= 0 && rest.find("VISIBLE_DEVICES") != std::string::npos) {
    if (std::optional<std::vector<int>> v = VisibleDevicesOf(rest)) {
      auto [it, added] = replica_devices_.emplace(w->dp, *v);
      if (!added && it->second != *v) replica_devices_twice_[w->dp] = true;
    }
  }
}

int ServingLayout::Gpu(const ServingWorker& w, int gpus_per_node, bool* physical) const {
  if (physical) *physical = false;
  if (w.ray || w.engine_core) return -1;
  const int limit = gpus_per_node > 0 ? gpus_per_node : kMaxGpusPerNode;
  auto in_range = [&](int g) { return g >= 0 && g < limit ? g : -1; };
  auto printed = [&](const std::string& key) {
    auto it = device_.find(key);
    return it == device_.end() ? -1 : (it->second < 0 ? -2 : it->second);
  };
  int device = printed(w.Key());
  // vLLM's executor names a worker by its rank ("VllmWorker-6"), its prefix by its TP rank ("TP6"):
  // the same worker where the engine has one stage.
  if (device == -1 && w.engine == "vllm" && w.rank >= 0 && w.tp < 0 && w.pp < 0 && w.dp < 0) {
    ServingWorker alias = w;
    alias.rank = -1;
    alias.tp = w.rank;
    alias.pid = -1;
    if (!multi_replica_) device = printed(alias.Key());
  }
  if (device == -2) return -1;  // the worker printed two devices: none is its own
  if (device >= 0) return in_range(device);
  // The replica's printed device list, indexed by the worker's TP rank (one stage).
  if (w.dp >= 0 && w.tp >= 0 && w.pp <= 0) {
    auto it = replica_devices_.find(w.dp);
    if (it != replica_devices_.end() && !replica_devices_twice_.count(w.dp) &&
        static_cast<size_t>(w.tp) < it->second.size()) {
      if (physical) *physical = true;
      return in_range(it->second[static_cast<size_t>(w.tp)]);
    }
  }
  // The engine's own layout: one node, one replica, the worker's rank is its local GPU.
  if (multi_node_ || multi_replica_ || w.dp > 0) return -1;
  if (w.engine == "trtllm") {
    // TensorRT-LLM's local rank is rank % GPUs a node: the rank itself only while every rank seen is
    // on one node.
    if (w.rank < 0 || max_trt_rank_ >= limit) return -1;
    return in_range(w.rank);
  }
  if (w.rank >= 0 && w.engine == "vllm" && w.tp < 0 && w.pp < 0) return in_range(w.rank);
  if (w.tp < 0) return -1;
  if (w.pp > 0) {
    if (tp_size_ <= 0 || w.tp >= tp_size_) return -1;
    return in_range(w.pp * tp_size_ + w.tp);
  }
  return in_range(w.tp);
}

}  // namespace vigil
