// input_fuzz: a mutation fuzzer over every parser that reads outside input (tests/fuzz/README.md).
//
// Each target takes bytes a user, a peer service or a file can hand Vigil: a rule file, a case
// JSON and its log lines, an Alertmanager webhook, an OpenAI-compatible response or stream, a
// vigil-probe document, a kernel log, knowledge-base imports, chat and resolution bodies, dataset
// files, the small fields (durations, timestamps, URLs, probe targets), an LLM's final diagnosis
// answer, and the answers of peer services (Prometheus, Alertmanager's API, embeddings, an
// OpenAI-compatible chat server) served over loopback HTTP to the real clients. Inputs are mutated from
// seeds (shipped files and a few written here) byte by byte and, for JSON, by structure (a value
// of another type, a removed key, deep nesting, a mutated string). A target fails when an exception
// escapes its parser (the parsers return Status / Result; "never throws" is their contract), when
// one input runs longer than --max-seconds (a hang), or when the process dies (under
// scripts/sanitize's ASan build, ASan names the bad access). The failing input is written to
// --save-dir and can be replayed with --replay.
//
// Usage: input_fuzz [--targets a,b] [--iterations N] [--seed S] [--max-bytes B]
//                   [--max-seconds T] [--save-dir DIR] [--list] [--replay FILE --targets ONE]
// Exit: 0 when every input returned; 1 on a finding; 2 on bad usage or a seed that cannot be read.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "agents/agent_runtime.h"
#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/metric_condition.h"
#include "connectors/alertmanager.h"
#include "connectors/alertmanager_api.h"
#include "connectors/http_client.h"
#include "connectors/openai_embeddings.h"
#include "connectors/openai_llm_client.h"
#include "connectors/prometheus_source.h"
#include "connectors/scripted_llm_client.h"
#include "core/time_util.h"
#include "core/json.h"
#include "detectors/engine.h"
#include "detectors/readers.h"
#include "knowledge/importers.h"
#include "knowledge/knowledge_base.h"
#include "probes/command_executor.h"
#include "probes/gpu/kernel_log.h"
#include "probes/probe.h"
#include "rules/compiler.h"
#include "server/chat.h"
#include "server/http_api.h"

#include <httplib.h>

namespace fs = std::filesystem;
using vigil::Json;

namespace {

// ---------------------------------------------------------------- mutation

const std::vector<std::string>& Dictionary() {
  static const std::vector<std::string> words = {
      "\"", "\\", "{", "}", "[", "]", ",", ":", "\n", "\r\n", "\t", std::string(1, '\0'), "\xff",
      "\xc3\x28", "\xe2\x80\xa8", "\xf0\x9f\x92\xa5", "NaN", "nan", "Infinity", "-inf", "-0", "1e309",
      "-1e309", "4.9e-324", "18446744073709551616", "9223372036854775807", "-9223372036854775809",
      "2147483648", "4294967296", "0x7fffffff", "00000000000000000000000001", "", " ",
      // log shapes the reasoner reads
      "rank", "[rank3]:", "[rank99999999999]:", "[default7]:", "[default-1]:", "0: ", "4294967296: ",
      "srun: error: gpu-007: task 3: Exited with exit code 1", "task 99999999999:",
      "SLURM_JOB_NODELIST=gpu-[001-004]", "gpu-[1-99999999]", "gpu-[004-001]", "gpu-[", "[1,13]<stderr>:",
      "gpu-002: ", "pdsh@login: gpu-003: ssh exited with exit code 255",
      "NVRM: Xid (PCI:0000:3b:00): 79, pid=1234, name=python, GPU has fallen off the bus.",
      "NVRM: Xid (PCI:0000:3b:00): 48, An uncorrectable double bit error", "Xid 79", "Xid 4294967296",
      "NCCL WARN", "NCCL INFO NET/IB : Using [0]mlx5_0:1/IB", "Watchdog caught collective operation timeout",
      "CUDA out of memory. Tried to allocate 20.00 GiB", "GPU 0", "GPU 99999999999", "gpu 3",
      "mlx5_0", "ibp158s0", "node-3", "node-3.cluster.local", "10.0.0.1", "10.0.0.1<54321>", "fd00::1",
      "Traceback (most recent call last):", "  File \"train.py\", line 1, in <module>",
      "RuntimeError: ", "loss: nan", "grad norm: inf", "iteration 100/ 1000 |", "throttle", "89 C",
      "Link down", "stat -f /mnt/nfs", "nfs: server fs1 not responding, still trying", "ENOSPC",
      // rules
      "rule", "when", "for", "by", "ignoring", "(", ")", "*", "+", "-", "/", "%", "?", ".*", "==", "!=",
      ">=", "<", "&&", "||", "and", "or", "not", "rate(", "mean(", "quantile(0.9, ", "median(", "mad(",
      "zscore(", "delta(", "abs(", "[5m]", "[0s]", "[9999999999d]", "[1ms]", "offset 1h", "severity",
      "labels", "annotations", "{job=\"a\"}", "{gpu=~\".*\"}", "DCGM_FI_DEV_GPU_TEMP",
      // csv / markdown
      "timestamp,series,value,label", "2024-05-01T12:00:00Z", "1714564800", "# ", "## ", "---\n",
      "category: ", "component: ", "|", "```",
  };
  return words;
}

const std::vector<std::string>& InterestingNumbers() {
  static const std::vector<std::string> n = {"0", "-1", "1", "-0", "255", "65536", "2147483647", "2147483648",
                                             "-2147483649", "9223372036854775807", "18446744073709551615",
                                             "18446744073709551616", "1e308", "1e309", "-1e309", "1e-400",
                                             "nan", "inf", "0.0000001", "999999999999999999999999"};
  return n;
}

class Mutator {
 public:
  Mutator(uint64_t seed, size_t max_bytes) : rng_(seed), max_bytes_(max_bytes) {}

  size_t Below(size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  bool OneIn(size_t n) { return Below(n) == 0; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) { return v[Below(v.size())]; }

  // A few byte-level edits; `other` is another seed for splicing.
  std::string Bytes(std::string s, const std::string& other) {
    const size_t edits = 1 + Below(6);
    for (size_t e = 0; e < edits; ++e) {
      switch (Below(10)) {
        case 0:
          if (!s.empty()) s[Below(s.size())] ^= static_cast<char>(1u << Below(8));
          break;
        case 1:
          if (!s.empty()) s[Below(s.size())] = static_cast<char>(Below(256));
          break;
        case 2: {
          std::string r(1 + Below(16), '\0');
          for (char& c : r) c = static_cast<char>(Below(256));
          s.insert(Below(s.size() + 1), r);
          break;
        }
        case 3:
          if (!s.empty()) {
            size_t at = Below(s.size());
            s.erase(at, 1 + Below(std::min<size_t>(s.size() - at, 64)));
          }
          break;
        case 4:
          if (!s.empty()) {  // copy a chunk elsewhere
            size_t at = Below(s.size());
            std::string chunk = s.substr(at, 1 + Below(std::min<size_t>(s.size() - at, 256)));
            s.insert(Below(s.size() + 1), chunk);
          }
          break;
        case 5:
        case 6:
          s.insert(Below(s.size() + 1), Pick(Dictionary()));
          break;
        case 7: {  // replace a run of digits by an interesting number
          std::vector<size_t> starts;
          for (size_t i = 0; i < s.size(); ++i)
            if (isdigit(static_cast<unsigned char>(s[i])) && (i == 0 || !isdigit(static_cast<unsigned char>(s[i - 1]))))
              starts.push_back(i);
          if (starts.empty()) break;
          size_t a = Pick(starts), b = a;
          while (b < s.size() && (isdigit(static_cast<unsigned char>(s[b])) || s[b] == '.')) ++b;
          s.replace(a, b - a, Pick(InterestingNumbers()));
          break;
        }
        case 8:
          if (!other.empty()) {  // splice: a prefix of s, a suffix of other
            s = s.substr(0, Below(s.size() + 1)) + other.substr(Below(other.size()));
          }
          break;
        case 9:
          if (!s.empty()) {  // repeat one line many times
            size_t at = Below(s.size());
            size_t end = s.find('\n', at);
            std::string line = s.substr(at, end == std::string::npos ? std::string::npos : end - at + 1);
            std::string rep;
            for (size_t k = 0, n = 2 + Below(200); k < n && rep.size() + line.size() < max_bytes_ / 4; ++k) rep += line;
            s.insert(at, rep);
          }
          break;
      }
    }
    if (s.size() > max_bytes_) s.resize(max_bytes_);
    return s;
  }

  // Structure-aware JSON edits; falls back to Bytes for text that is not JSON.
  std::string JsonText(const std::string& text, const std::string& other) {
    Json j = Json::parse(text, nullptr, false);
    if (j.is_discarded() || OneIn(4)) return Bytes(text, other);
    const size_t edits = 1 + Below(4);
    for (size_t e = 0; e < edits; ++e) MutateJson(j);
    std::string out = ExpandDeep(vigil::DumpJson(j));
    if (OneIn(8)) out = Bytes(out, other);
    if (out.size() > max_bytes_) out.resize(max_bytes_);
    return out;
  }

 private:
  static constexpr const char* kDeepMarker = "@@vigil-fuzz-deep-";

  // Each quoted marker "@@vigil-fuzz-deep-N@@" becomes N nested empty arrays.
  static std::string ExpandDeep(std::string text) {
    const std::string open = std::string("\"") + kDeepMarker;
    for (size_t at = text.find(open); at != std::string::npos; at = text.find(open, at)) {
      const size_t num = at + open.size();
      const size_t end = text.find("@@\"", num);
      if (end == std::string::npos) break;
      const std::string digits = text.substr(num, end - num);
      if (digits.empty() || digits.size() > 6 || digits.find_first_not_of("0123456789") != std::string::npos) {
        at = num;  // a marker a later edit changed: left as text
        continue;
      }
      const size_t n = std::stoul(digits);
      text.replace(at, end + 3 - at, std::string(n, '[') + std::string(n, ']'));
      at += 2 * n;
    }
    return text;
  }

  void Collect(Json& j, std::vector<Json*>& nodes) {
    nodes.push_back(&j);
    if (j.is_object() || j.is_array())
      for (auto& child : j) Collect(child, nodes);
  }

  Json RandomValue() {
    switch (Below(12)) {
      case 0: return nullptr;
      case 1: return OneIn(2);
      case 2: return -1;
      case 3: return static_cast<double>(1e308) * 10;  // inf: dumped as null by nlohmann
      case 4: return 18446744073709551615ull;
      case 5: return -9223372036854775807LL - 1;
      case 6: return 0.5;
      case 7: return "";
      case 8: return Pick(Dictionary());
      case 9: return Json::array();
      case 10: return Json::object();
      default:
        // Deep nesting: a marker that JsonText writes out as N nested arrays after the dump. Built
        // as a json tree, nlohmann's recursive serializer overflowed the fuzzer's own stack under
        // ASan (the input never reached a parser).
        return kDeepMarker + std::to_string(1 + Below(50000)) + "@@";
    }
  }

  void MutateJson(Json& root) {
    std::vector<Json*> nodes;
    Collect(root, nodes);
    Json& n = *nodes[Below(nodes.size())];
    switch (Below(6)) {
      case 0:
        n = RandomValue();
        break;
      case 1:
        if (n.is_object() && !n.empty()) {
          auto it = n.begin();
          std::advance(it, static_cast<long>(Below(n.size())));
          n.erase(it.key());
        } else if (n.is_array() && !n.empty()) {
          n.erase(n.begin() + static_cast<long>(Below(n.size())));
        }
        break;
      case 2:
        if (n.is_array() && !n.empty() && n.size() < 5000) {
          Json copy = n[Below(n.size())];
          for (size_t k = 0, c = 1 + Below(64); k < c; ++k) n.push_back(copy);
        } else if (n.is_object()) {
          n[Pick(Dictionary())] = RandomValue();
        }
        break;
      default:
        if (n.is_string()) {
          n = Bytes(n.get<std::string>(), "");
        } else if (n.is_number_integer()) {
          n = static_cast<int64_t>(std::uniform_int_distribution<int64_t>(-1000000, 1000000)(rng_)) *
              (OneIn(2) ? 1 : 1000000007);
        } else {
          n = RandomValue();
        }
        break;
    }
  }

  std::mt19937_64 rng_;
  size_t max_bytes_;
};

// ---------------------------------------------------------------- targets

struct Target {
  std::string name;
  bool json = false;     // mutate by structure
  size_t cost = 1;       // iterations are divided by this (a diagnosis costs ~100 parser calls)
  std::vector<std::string> seeds;
  std::function<void(const std::string&)> run;  // must return; any exception is a finding
};

std::string ReadAll(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Up to `n` files matching `ext` under `dir`, sorted, each cut to `max_bytes`.
std::vector<std::string> SeedFiles(const fs::path& dir, const std::string& ext, size_t n, size_t max_bytes) {
  std::vector<fs::path> paths;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return {};
  for (const auto& e : fs::recursive_directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ext) paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> out;
  // spread the picks over the sorted list
  for (size_t i = 0; i < paths.size() && out.size() < n; i += std::max<size_t>(1, paths.size() / n)) {
    std::string s = ReadAll(paths[i]);
    if (s.size() > max_bytes) s.resize(max_bytes);
    out.push_back(std::move(s));
  }
  return out;
}

// Alert-only cases (what `vigil serve` sees of a webhook with no Prometheus; evals/diagnosis/
// alert_only.py): up to `n` cases of `dir` with their alert and expected answer kept and no logs,
// metrics, probes or topology, so the alert's own facts are the evidence (AlertFactsLog).
std::vector<std::string> AlertOnlySeeds(const fs::path& dir, size_t n) {
  std::vector<std::string> out;
  for (const std::string& text : SeedFiles(dir, ".json", n, 1 << 20)) {
    auto j = vigil::ParseJson(text, dir.string());
    if (!j.ok() || !j->is_object() || !j->contains("alert")) continue;
    vigil::Json c = vigil::Json::object();
    for (const char* key : {"id", "alert", "expected"}) {
      if (j->contains(key)) c[key] = (*j)[key];
    }
    c["logs"] = vigil::Json::array();
    c["metrics"] = vigil::Json::array();
    c["probes"] = vigil::Json::object();
    out.push_back(c.dump(1));
  }
  return out;
}

std::vector<vigil::TimeSeries> SampleSeries() {
  std::vector<vigil::TimeSeries> out;
  const char* names[] = {"DCGM_FI_DEV_GPU_TEMP", "DCGM_FI_DEV_GPU_UTIL", "step_time_ms", "train_loss"};
  for (int k = 0; k < 4; ++k) {
    for (int g = 0; g < 2; ++g) {
      vigil::TimeSeries ts;
      ts.name = names[k];
      ts.labels = {{"Hostname", "node-1"}, {"gpu", std::to_string(g)}, {"job", "a"}, {"rank", std::to_string(g)}};
      for (int i = 0; i < 240; ++i) {
        ts.timestamps_ms.push_back(1'700'000'000'000LL + i * 15'000LL);
        double v = 50 + 10 * std::sin(i / 7.0) + (i > 180 && g == 1 ? 40 : 0) + (i == 100 ? 1e6 : 0);
        ts.values.push_back(v);
      }
      out.push_back(std::move(ts));
    }
  }
  return out;
}

// A loopback HTTP server that answers every request with the input being run: the peer-answer
// targets go through the real clients (libcurl, the body limits, SSE framing) to the parsers the
// clients keep inside their HTTP functions. The status code comes from the input's bytes (mostly
// 200; some 400 / 422 / 429 / 503, so the error-body readers run too); a body whose first line is
// `data: ` is sent as text/event-stream.
class PeerServer {
 public:
  PeerServer() {
    auto answer = [this](const httplib::Request&, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu_);
      res.status = status_;
      const bool sse = body_.rfind("data: ", 0) == 0;
      res.set_content(body_, sse ? "text/event-stream" : "application/json");
    };
    server_.Get(".*", answer);
    server_.Post(".*", answer);
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("input_fuzz: cannot bind a loopback port for the peer targets");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~PeerServer() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  void Answer(const std::string& body) {
    static const int kStatus[] = {200, 200, 200, 200, 200, 200, 200, 400, 422, 429, 503};
    std::lock_guard<std::mutex> lock(mu_);
    body_ = body;
    status_ = kStatus[std::hash<std::string>{}(body) % std::size(kStatus)];
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::string body_;
  int status_ = 200;
};

class Targets {
 public:
  explicit Targets(const fs::path& root) : root_(root) {}

  // Builds the targets; false (with a message) when a seed file that ships with the repo is missing.
  bool Build(std::string* error) {
    std::string missing;  // the targets whose shipped seeds were not found
    auto need = [&](std::vector<std::string> seeds, const std::string& what) {
      if (seeds.empty()) missing += (missing.empty() ? "" : ", ") + what;
      return seeds;
    };
    auto lines = [](std::initializer_list<const char*> l) { return std::vector<std::string>(l.begin(), l.end()); };

    targets_.push_back({"rules", false, 4, need(RuleSeeds(), "rules"),
                        [this](const std::string& in) { RunRules(in); }});
    targets_.push_back({"case", true, 40,
                        need(Concat({SeedFiles(root_ / "evals/diagnosis/realistic3", ".json", 4, 1 << 20),
                                     SeedFiles(root_ / "evals/diagnosis/realistic2", ".json", 3, 1 << 20),
                                     SeedFiles(root_ / "evals/diagnosis/dev", ".json", 5, 1 << 20),
                                     AlertOnlySeeds(root_ / "evals/diagnosis/realistic9", 4),
                                     AlertOnlySeeds(root_ / "evals/diagnosis/realistic7", 2)}),
                             "case"),
                        [this](const std::string& in) { RunCase(in); }});
    targets_.push_back(
        {"llm_answer", true, 40,
         lines({R"({"root_cause": "gpu_fallen_off_bus", "component": "node-3/gpu5", "confidence": 0.9, "explanation": "Xid 79 on node-3 GPU 5"})",
                R"({"root_cause": "cuda_oom", "component": null, "confidence": "high"})",
                "```json\n{\"root_cause\": \"nccl_collective_hang\", \"component\": \"job\"}\n```"}),
         [this](const std::string& in) { RunLlmAnswer(in); }});
    targets_.push_back(
        {"alertmanager", true, 1,
         lines({R"({"version":"4","groupKey":"{}:{alertname=\"GpuHot\"}","status":"firing","receiver":"vigil","groupLabels":{"alertname":"GpuHot"},"commonLabels":{"alertname":"GpuHot","severity":"page"},"commonAnnotations":{"summary":"GPU hot"},"externalURL":"http://am:9093","truncatedAlerts":0,"alerts":[{"status":"firing","labels":{"alertname":"GpuHot","Hostname":"node-3","gpu":"5","severity":"page"},"annotations":{"summary":"GPU 5 of node-3 at 91 C"},"startsAt":"2026-12-01T03:00:00.000Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prom:9090/graph?g0.expr=DCGM_FI_DEV_GPU_TEMP%20%3E%2085","fingerprint":"a1b2c3d4e5f60718"}]})",
                R"([{"labels":{"alertname":"NcclHang","job":"llama"},"annotations":{},"startsAt":"2026-12-01T03:00:00Z","status":{"state":"active","silencedBy":[],"inhibitedBy":[]},"fingerprint":"00ff","updatedAt":"2026-12-01T03:00:05Z","receivers":[{"name":"vigil"}]}])"}),
         [](const std::string& in) {
           (void)vigil::ParseAlertmanagerInput(in);
           (void)vigil::ParseAlertmanagerWebhook(in);
         }});
    targets_.push_back(
        {"chat_completion", true, 1,
         lines({R"({"id":"c1","object":"chat.completion","model":"m","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"{\"root_cause\":\"cuda_oom\",\"confidence\":0.8}"}}],"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}})",
                R"({"choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"kb_search","arguments":"{\"query\":\"Xid 79\",\"k\":5}"}}]}}],"usage":{"prompt_tokens":1,"completion_tokens":1}})",
                R"({"error":{"message":"rate limited","type":"requests","code":429}})"}),
         [](const std::string& in) {
           auto r = vigil::ParseChatCompletion(in);
           if (r.ok()) (void)vigil::ParseJsonAnswer(r->message.content);
           (void)vigil::ParseJsonAnswer(in);
         }});
    targets_.push_back(
        {"chat_stream", false, 1,
         lines({"data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Xid \"}}]}\n"
                "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"79\"}}]}\n"
                "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"c\",\"function\":{\"name\":\"kb_search\",\"arguments\":\"{\\\"q\"}}]}}]}\n"
                "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\":1}\"}}]},\"finish_reason\":\"tool_calls\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}\n"
                "data: [DONE]\n"}),
         [](const std::string& in) {
           vigil::ChatStreamAssembler a;
           std::istringstream ss(in);
           std::string line;
           while (std::getline(ss, line)) {
             if (line.rfind("data: ", 0) != 0) continue;
             std::string_view payload = std::string_view(line).substr(6);
             if (payload == "[DONE]") break;
             if (!a.Add(payload).ok()) break;
           }
           (void)a.Finish();
         }});
    targets_.push_back(
        {"probe_document", true, 1,
         lines({R"({"vigil_probe":1,"host":"node-3","results":[{"probe":"gpu.health","target":"node-3/gpu5","status":"fail","reason":"Xid 79 seen","duration_s":0.8,"metrics":{"temperature_c":91,"ecc_dbe":2},"evidence":["NVRM: Xid (PCI:0000:3b:00): 79"]},{"probe":"nccl.allreduce","target":"node-3","status":"pass","reason":"busbw 330 GB/s","duration_s":4.2,"metrics":{"busbw_gbps":330.5}}]})",
                R"([{"probe":"node.kernel_log","target":"vm","status":"warn","reason":"1 finding","duration_s":0.1}])"}),
         [](const std::string& in) {
           (void)vigil::ParseProbeDocument(in);
           // What a command executor makes of the same bytes on stdout: the document found among other
           // lines, each result read alone (command_executor.cc ReadProbeStdout; RVU3).
           vigil::SubprocessResult run;
           run.exit_code = 1;
           run.out = "Welcome to node-3\n" + in + "\nnode-3:1:1 [0] NCCL INFO Destroy COMPLETE\n";
           vigil::ProbeRequest req;
           req.probes = {"gpu.health", "nccl.allreduce", "node.kernel_log"};
           (void)vigil::ResultsFromProbeRun(req, run, "local");
         }});
    targets_.push_back(
        {"kernel_log", false, 1,
         lines({"[Tue Dec  1 03:00:01 2026] NVRM: GPU at PCI:0000:3b:00: GPU-1c2d3e4f-0000-1111-2222-333344445555\n"
                "[Tue Dec  1 03:00:02 2026] NVRM: Xid (PCI:0000:3b:00): 79, pid=1234, name=python, GPU has fallen off the bus.\n"
                "[ 1234.567890] NVRM: Xid (PCI:0000:3b:00): 48, pid='<unknown>', name=<unknown>, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 0, subpartition 0.\n"
                "Dec 01 03:00:03 node-3 kernel: mlx5_core 0000:9e:00.0 ibp158s0: Link down\n"
                "<4>[ 99.000001] pcieport 0000:00:01.0: AER: Corrected error received: 0000:3b:00.0\n"
                "2026-12-01T03:00:04.123456+00:00 node-3 kernel: NVRM: Xid (PCI:0000:86:00): 94, pid=9, Contained: SM (0x1)\n"}),
         [](const std::string& in) {
           vigil::kernel_log::ParseOptions o;
           o.boot_time = 1'764'550'000;
           o.now = 1'764'558'000;
           o.gpu_by_pci = {{"0000:3b:00", 0}, {"0000:86:00", 5}};
           (void)vigil::kernel_log::ParseKernelLog(in, o);
         }});
    targets_.push_back({"incident_jsonl", true, 2, need(SeedFiles(root_ / "data/knowledge/pack", ".jsonl", 3, 16 << 10), "incident_jsonl"),
                        [](const std::string& in) {
                          std::vector<vigil::kb::ParsedIncident> out;
                          std::vector<vigil::ImportIssue> issues;
                          vigil::kb::ParseIncidentJsonl(in, "fuzz.jsonl", 64 << 10, &out, &issues);
                        }});
    targets_.push_back(
        {"incident_csv", false, 1,
         lines({"id,title,root_cause,component,symptoms,log_signatures,mitigation\n"
                "inc-1,\"NCCL timeout, Xid 79\",gpu_fallen_off_bus,gpu,\"all ranks hang\",\"Xid 79;NCCL WARN\",drain the node\n"
                "inc-2,OOM,cuda_oom,rank,\"\"\"quoted\"\"\",CUDA out of memory,lower batch\n"}),
         [](const std::string& in) {
           std::vector<vigil::kb::ParsedIncident> out;
           std::vector<vigil::ImportIssue> issues;
           vigil::kb::ParseIncidentCsv(in, "fuzz.csv", 64 << 10, &out, &issues);
         }});
    targets_.push_back({"guide_markdown", false, 1, need(SeedFiles(root_ / "data/knowledge/guides", ".md", 3, 32 << 10), "guide_markdown"),
                        [](const std::string& in) {
                          vigil::kb::ParsedGuide g;
                          std::vector<vigil::ImportIssue> issues;
                          (void)vigil::kb::ParseGuideMarkdown(in, "fuzz.md", 256 << 10, &g, &issues);
                        }});
    targets_.push_back({"chat_question", true, 1, lines({R"({"message":"why is node-3 gpu 5 slow?","incident":12})", R"({"message":"x"})"}),
                        [](const std::string& in) { (void)vigil::ParseChatQuestion(in, 8192); }});
    targets_.push_back({"resolution", true, 1,
                        lines({R"({"root_cause":"gpu_fallen_off_bus","summary":"Xid 79 on node-3 gpu 5","resolution":"drained, RMA","by":"alice"})"}),
                        [](const std::string& in) {
                          static const vigil::ResolutionCategoryList cats{{"gpu_fallen_off_bus", "cuda_oom", "nccl_timeout"}, 2};
                          (void)vigil::ParseResolution(in, cats);
                        }});
    targets_.push_back(
        {"dataset_csv", false, 2,
         need([&] {
           std::vector<std::string> s = SeedFiles(root_ / "data/samples", ".csv", 1, 12 << 10);
           s.push_back("timestamp,series,value,label,Hostname\n1714564800,temp,50,0,node-3\n1714564815,temp,51.5,1,node-3\n2024-05-01T12:01:00Z,util,99,0,node-4\n");
           return s;
         }(), "dataset_csv"),
         [this](const std::string& in) { RunDataset("csv", ".csv", in); }});
    targets_.push_back(
        {"dataset_jsonl", true, 2,
         lines({"{\"timestamp\":1714564800,\"series\":\"temp\",\"value\":50,\"labels\":{\"gpu\":\"0\"}}\n"
                "{\"metric\":{\"__name__\":\"DCGM_FI_DEV_GPU_TEMP\",\"gpu\":\"1\"},\"values\":[[1714564800,\"50\"],[1714564815,\"51\"]]}\n"}),
         [this](const std::string& in) { RunDataset("jsonl", ".jsonl", in); }});
    targets_.push_back(
        {"dataset_kpi", false, 2,
         lines({"timestamp,value,label\n1714564800,1.5,0\n1714564860,1.6,0\n1714564920,9.0,1\n"}),
         [this](const std::string& in) { RunDataset("kpi", ".csv", in); }});
    targets_.push_back(
        {"prometheus_answer", true, 2,
         lines({R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"DCGM_FI_DEV_GPU_TEMP","Hostname":"node-3","gpu":"5","UUID":"GPU-1c2d"},"values":[[1764558000,"56"],[1764558060,"91.5"],[1764558120,"NaN"]]},{"metric":{"__name__":"DCGM_FI_DEV_GPU_TEMP","Hostname":"node-3","gpu":"4"},"values":[[1764558000,"55"],[1764558060,"+Inf"]]}]},"warnings":["remote read failed"]})",
                R"({"status":"success","data":[{"__name__":"DCGM_FI_DEV_GPU_TEMP","Hostname":"node-3","gpu":"5"},{"__name__":"DCGM_FI_DEV_GPU_TEMP","Hostname":"node-4","gpu":"0"}]})",
                R"({"status":"success","data":["DCGM_FI_DEV_GPU_TEMP","DCGM_FI_DEV_XID_ERRORS","node_infiniband_port_state"]})",
                R"({"status":"error","errorType":"bad_data","error":"1:12: parse error: unexpected right bracket"})"}),
         [this](const std::string& in) { RunPrometheus(in); }});
    targets_.push_back(
        {"alertmanager_api", true, 1,
         lines({R"([{"annotations":{"summary":"GPU 5 of node-3 at 91 C"},"endsAt":"2026-12-01T03:10:00.000Z","fingerprint":"a1b2c3d4e5f60718","receivers":[{"name":"vigil"}],"startsAt":"2026-12-01T03:00:00.000Z","status":{"inhibitedBy":[],"silencedBy":["5f1a"],"state":"suppressed"},"updatedAt":"2026-12-01T03:00:05.000Z","generatorURL":"http://prom:9090/graph?g0.expr=DCGM_FI_DEV_GPU_TEMP","labels":{"alertname":"GpuHot","Hostname":"node-3","gpu":"5","severity":"page"}}])",
                R"({"code":400,"message":"bad matcher format: gpu=~["})", R"("bad matcher format")"}),
         [this](const std::string& in) { RunAlertmanagerApi(in); }});
    targets_.push_back(
        {"embeddings_answer", true, 1,
         lines({R"({"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,-0.2,0.3]},{"object":"embedding","index":1,"embedding":[0.0,1e-3,-7]}],"model":"bge","usage":{"prompt_tokens":4,"total_tokens":4}})",
                R"({"error":{"message":"model not found","type":"invalid_request_error","code":404}})"}),
         [this](const std::string& in) { RunEmbeddings(in); }});
    targets_.push_back(
        {"llm_http", true, 1,
         lines({R"({"id":"c1","object":"chat.completion","model":"m","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Xid 79 on node-3 gpu5"}}],"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}})",
                "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Xid \"}}]}\n\n"
                "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"79\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}\n\n"
                "data: [DONE]\n\n",
                R"({"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}})"}),
         [this](const std::string& in) { RunLlmHttp(in); }});
    targets_.push_back(
        {"fields", false, 1,
         lines({"5m", "1h30m", "2024-05-01T12:00:00Z", "1714564800.5", "http://am:9093/alertmanager",
                "https://prom.example:9090/", "node-3/gpu5", "node-3/mlx5_0", "Wed, 21 Oct 2015 07:28:00 GMT", "120",
                "avg_over_time(DCGM_FI_DEV_GPU_UTIL[5m]) < 60", "DCGM_FI_DEV_GPU_TEMP > 85",
                "max_over_time(step_time_ms[10m]) > 2 * quantile_over_time(0.5, step_time_ms[1h])"}),
         [](const std::string& in) {
           (void)vigil::ParseDurationMs(in);
           (void)vigil::ParseTimestampField(in);
           (void)vigil::ParseAlertmanagerUrl(in);
           (void)vigil::ParsePrometheusUrl(in);
           (void)vigil::ParseRetryAfterMs(in, 1'764'558'000'000LL);
           (void)vigil::ParseProbeTarget(in);
           static const std::vector<vigil::TimeSeries> series = SampleSeries();
           (void)vigil::EvaluateMetricCondition(in, series);
         }});
    if (!missing.empty()) *error = "no seed found for " + missing + " (run from the repository root or pass --root)";
    return missing.empty();
  }

  std::vector<Target>& all() { return targets_; }

 private:
  static std::vector<std::string> Concat(std::initializer_list<std::vector<std::string>> parts) {
    std::vector<std::string> out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
  }

  // The shipped rule file, every rule example of docs/rules.md, and one rule per function the
  // language knows.
  std::vector<std::string> RuleSeeds() const {
    std::vector<std::string> seeds = SeedFiles(root_ / "data/rules", ".rules", 4, 64 << 10);
    const std::string doc = ReadAll(root_ / "docs/rules.md");
    for (size_t a = doc.find("```"); a != std::string::npos;) {
      const size_t body = doc.find('\n', a);
      const size_t b = body == std::string::npos ? std::string::npos : doc.find("```", body);
      if (b == std::string::npos) break;
      std::string block = doc.substr(body + 1, b - body - 1);
      if (block.find("rule ") != std::string::npos && block.find('{') != std::string::npos) seeds.push_back(block);
      a = doc.find("```", b + 3);
    }
    std::string all;
    for (const std::string& fn : vigil::RuleFunctionNames()) {
      all += "rule F_" + fn + " {\n  select DCGM_FI_DEV_GPU_TEMP\n  when " + fn +
             "(DCGM_FI_DEV_GPU_TEMP[5m]) > 2 * " + fn + "(DCGM_FI_DEV_GPU_TEMP)\n  for 30s\n}\n";
    }
    seeds.push_back(all);
    return seeds;
  }

  void RunRules(const std::string& in) {
    vigil::CompileOutput out = vigil::CompileRulesWithDiagnostics(in, "fuzz.rules");
    for (const auto& d : out.diagnostics) (void)d.Format();
    if (out.compiled.rules.empty()) return;
    static const std::vector<vigil::TimeSeries> series = SampleSeries();
    (void)vigil::EvaluateBatch(out.compiled, series);
  }

  // The shipped pack, opened once.
  const vigil::KnowledgeBase* Kb() {
    if (!kb_) {
      vigil::KnowledgeOptions ko;
      ko.db_path = ":memory:";
      ko.pack_dir = (root_ / "data/knowledge").string();
      ko.taxonomy_path = (root_ / "data/taxonomy.json").string();
      auto kb = vigil::KnowledgeBase::Open(ko);
      if (!kb.ok()) throw std::runtime_error("cannot open the knowledge pack: " + kb.status().message());
      kb_ = std::move(kb).value();
    }
    return kb_.get();
  }

  void RunCase(const std::string& in) {
    auto j = vigil::ParseJson(in, "fuzz case");
    if (!j.ok()) return;
    auto c = vigil::ParseCase(*j, "fuzz case");
    if (!c.ok()) return;
    if (!agent_) {
      vigil::DiagnosisAgentOptions ao;
      ao.kb = Kb();
      agent_ = std::make_unique<vigil::DiagnosisAgent>(ao);
    }
    c->expected.reset();
    auto exec = vigil::MakeCaseProbeExecutor(*c);
    (void)agent_->Diagnose(std::move(c).value(), exec.ok() ? exec->get() : nullptr);
  }

  PeerServer& Peer() {
    if (!peer_) peer_ = std::make_unique<PeerServer>();
    return *peer_;
  }

  void RunPrometheus(const std::string& in) {
    Peer().Answer(in);
    auto url = vigil::ParsePrometheusUrl(Peer().Url());
    if (!url.ok()) throw std::runtime_error(url.status().message());
    vigil::PrometheusSourceOptions o;
    o.url = *url;
    o.http.timeout_ms = 5'000;
    o.http.max_response_bytes = 8 << 20;
    const int64_t t0 = 1'764'558'000'000LL;
    (void)vigil::PromQueryRange(o.url, {.query = "DCGM_FI_DEV_GPU_TEMP", .start_ms = t0, .end_ms = t0 + 600'000, .step_ms = 60'000},
                                o.http);
    vigil::PrometheusMetricSource source(o);
    vigil::MetricQuery q;
    q.name = "DCGM_FI_DEV_GPU_TEMP";
    q.matchers = {{"Hostname", "node-3"}};
    q.start_ms = t0;
    q.end_ms = t0 + 600'000;
    (void)source.Query(q);
    (void)source.ListSeries(q);
    (void)source.ListMetricNames();
  }

  void RunAlertmanagerApi(const std::string& in) {
    Peer().Answer(in);
    auto url = vigil::ParseAlertmanagerUrl(Peer().Url());
    if (!url.ok()) throw std::runtime_error(url.status().message());
    vigil::AlertmanagerApiOptions o;
    o.timeout_ms = 5'000;
    vigil::AlertFilter filter;
    filter.matchers = {{"alertname", "=", "GpuHot"}};
    (void)vigil::ListAlerts(*url, filter, o);
    vigil::Alert a;
    a.rule = "GpuHot";
    a.labels = {{"Hostname", "node-3"}};
    (void)vigil::PostAlerts(*url, {a}, o);
  }

  void RunEmbeddings(const std::string& in) {
    Peer().Answer(in);
    vigil::OpenAiEmbeddingsOptions eo;
    eo.url = Peer().Url() + "/v1";
    eo.model = "bge";
    eo.timeout_ms = 5'000;
    eo.max_retries = 0;
    vigil::OpenAiEmbeddings e(eo);
    const std::vector<std::string> texts = {"Xid 79 on node-3", "NCCL watchdog timeout"};
    (void)e.Embed(texts);
  }

  void RunLlmHttp(const std::string& in) {
    Peer().Answer(in);
    vigil::OpenAiLlmOptions o;
    o.url = Peer().Url() + "/v1";
    o.model = "m";
    o.timeout_ms = 5'000;
    o.max_retries = 0;
    o.jitter_seed = 1;
    auto client = vigil::OpenAiLlmClient::Create(o);
    if (!client.ok()) throw std::runtime_error(client.status().message());
    vigil::ChatRequest r;
    vigil::ChatMessage question;
    question.role = "user";
    question.content = "why is node-3 slow?";
    r.messages.push_back(question);
    r.stream = in.rfind("data: ", 0) == 0;
    (void)(*client)->Chat(r);
  }

  // The model's final answer (the input) to an LLM-mode diagnosis of one dev case: the agent checks
  // it against the taxonomy and the evidence, whatever the model wrote.
  void RunLlmAnswer(const std::string& in) {
    if (!llm_case_) {
      auto j = vigil::ParseJson(ReadAll(root_ / "evals/diagnosis/dev/case-001.json"), "dev case-001");
      if (!j.ok()) throw std::runtime_error(j.status().message());
      auto c = vigil::ParseCase(*j, "dev case-001");
      if (!c.ok()) throw std::runtime_error(c.status().message());
      c->expected.reset();
      llm_case_ = std::make_unique<vigil::DiagnosisCase>(std::move(c).value());
    }
    vigil::ScriptedLlmClient llm;
    llm.PushAnswer(in);
    vigil::DiagnosisAgentOptions ao;
    ao.kb = Kb();
    ao.llm = &llm;
    auto exec = vigil::MakeCaseProbeExecutor(*llm_case_);
    (void)vigil::DiagnosisAgent(ao).Diagnose(*llm_case_, exec.ok() ? exec->get() : nullptr);
  }

  void RunDataset(const std::string& format, const std::string& ext, const std::string& in) {
    fs::path p = fs::temp_directory_path() / ("vigil-fuzz-" + std::to_string(getpid()) + ext);
    {
      std::ofstream f(p, std::ios::binary | std::ios::trunc);
      f.write(in.data(), static_cast<std::streamsize>(in.size()));
    }
    for (auto policy : {vigil::BadRowPolicy::kError, vigil::BadRowPolicy::kSkip}) {
      vigil::ReadOptions o;
      o.bad_rows = policy;
      (void)vigil::ReadDataset(format + ":" + p.string(), o);
    }
    std::error_code ec;
    fs::remove(p, ec);
  }

  fs::path root_;
  std::vector<Target> targets_;
  std::unique_ptr<vigil::KnowledgeBase> kb_;
  std::unique_ptr<vigil::DiagnosisAgent> agent_;
  std::unique_ptr<PeerServer> peer_;
  std::unique_ptr<vigil::DiagnosisCase> llm_case_;
};

// ---------------------------------------------------------------- driver

// --max-seconds' largest value: its milliseconds fit int64 with room to spare.
constexpr double kMaxSecondsLimit = 1e6;

// The input being run, for the watchdog and the crash path.
std::mutex g_mu;
std::string g_target, g_input;
std::atomic<int64_t> g_started_ms{0};
fs::path g_save_dir;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string SaveInput(const std::string& target, const std::string& input, const std::string& kind) {
  std::error_code ec;
  fs::create_directories(g_save_dir, ec);
  static std::atomic<int> saved{0};
  fs::path p = g_save_dir / (target + "-" + kind + "-" + std::to_string(getpid()) + "-" + std::to_string(++saved) + ".bin");
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f.write(input.data(), static_cast<std::streamsize>(input.size()));
  return p.string();
}

void Watchdog(double max_seconds) {
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    int64_t s = g_started_ms.load();
    if (s != 0 && NowMs() - s > static_cast<int64_t>(max_seconds * 1000)) {
      std::lock_guard<std::mutex> lock(g_mu);
      std::string p = SaveInput(g_target, g_input, "hang");
      std::fprintf(stderr, "input_fuzz: FINDING [%s] one input ran longer than %.0f s; input saved to %s (%zu bytes)\n",
                   g_target.c_str(), max_seconds, p.c_str(), g_input.size());
      std::fflush(stderr);
      _exit(1);
    }
  }
}

// Runs one input; false (and the input saved) when an exception escaped.
bool RunOne(const Target& t, const std::string& input) {
  {
    std::lock_guard<std::mutex> lock(g_mu);
    g_target = t.name;
    g_input = input;
  }
  g_started_ms = NowMs();
  std::string what;
  try {
    t.run(input);
  } catch (const std::bad_alloc&) {
    what = "std::bad_alloc (the input made it allocate beyond the address-space limit)";
  } catch (const std::exception& e) {
    what = std::string("exception: ") + e.what();
  } catch (...) {
    what = "an exception of unknown type";
  }
  g_started_ms = 0;
  if (what.empty()) return true;
  std::string p = SaveInput(t.name, input, "throw");
  std::fprintf(stderr, "input_fuzz: FINDING [%s] %s escaped; input saved to %s (%zu bytes)\n", t.name.c_str(),
               what.c_str(), p.c_str(), input.size());
  return false;
}

int Usage(const char* why) {
  std::fprintf(stderr,
               "input_fuzz: %s\nusage: input_fuzz [--targets a,b] [--iterations N] [--seed S] [--max-bytes B]\n"
               "                  [--max-seconds T] [--save-dir DIR] [--root DIR] [--list] [--replay FILE --targets ONE]\n",
               why);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> only;
  size_t iterations = 2000, max_bytes = 64 << 10;
  uint64_t seed = 1;
  double max_seconds = 20;
  bool list = false;
  std::string replay;
  fs::path root = ".";
  g_save_dir = fs::temp_directory_path() / "vigil-fuzz";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    // std::stoul / stoull take "-1" and wrap it to 2^64 - 1: a negative count is out of range.
    auto count = [&]() -> std::string {
      std::string v = value();
      if (const size_t p = v.find_first_not_of(" \t"); p != std::string::npos && v[p] == '-')
        throw std::out_of_range(v);
      return v;
    };
    try {
      if (a == "--targets") {
        std::stringstream ss(value());
        for (std::string t; std::getline(ss, t, ',');)
          if (!t.empty()) only.push_back(t);
      } else if (a == "--iterations") {
        iterations = std::stoul(count());
      } else if (a == "--seed") {
        seed = std::stoull(count());
      } else if (a == "--max-bytes") {
        max_bytes = std::stoul(count());
      } else if (a == "--max-seconds") {
        max_seconds = std::stod(value());
      } else if (a == "--save-dir") {
        g_save_dir = value();
      } else if (a == "--root") {
        root = value();
      } else if (a == "--replay") {
        replay = value();
      } else if (a == "--list") {
        list = true;
      } else {
        return Usage(("unknown argument `" + a + "`").c_str());
      }
    } catch (const std::invalid_argument& e) {  // a missing value, or std::stoul's "stoul"
      const std::string why = std::string(e.what()).find(" needs a value") != std::string::npos
                                  ? std::string(e.what())
                                  : a + ": `" + argv[i] + "` is not a number";
      return Usage(why.c_str());
    } catch (const std::out_of_range&) {
      return Usage((a + ": `" + argv[i] + "` is out of range").c_str());
    }
  }
  // `!(x > 0)`, not `x <= 0`: NaN ("--max-seconds nan") is no limit either. And a bound: the watchdog
  // converts the limit to int64 milliseconds, and 1e300 or inf there was a float-to-int conversion
  // out of range (undefined; on x86 INT64_MIN, so the first input the watchdog saw running was saved
  // as a hang: "one input ran longer than inf s").
  if (max_bytes == 0 || !(max_seconds > 0)) return Usage("--max-bytes and --max-seconds must be positive");
  if (!(max_seconds <= kMaxSecondsLimit)) return Usage("--max-seconds: at most 1000000 (about 11.6 days)");

  // A cap on the address space turns an input that makes a parser allocate without bound into a
  // std::bad_alloc (a finding) instead of the machine's OOM killer. Not under ASan, which reserves
  // terabytes of shadow memory (its own allocator reports allocations over its limit).
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
  rlimit lim{8ull << 30, 8ull << 30};
  setrlimit(RLIMIT_AS, &lim);
#endif

  Targets targets(root);
  std::string error;
  if (!targets.Build(&error)) {
    std::fprintf(stderr, "input_fuzz: %s\n", error.c_str());
    return 2;
  }
  if (list) {
    for (const auto& t : targets.all()) std::printf("%s\t%zu seeds\tcost %zu\n", t.name.c_str(), t.seeds.size(), t.cost);
    return 0;
  }
  std::vector<const Target*> chosen;
  for (const auto& t : targets.all())
    if (only.empty() || std::find(only.begin(), only.end(), t.name) != only.end()) chosen.push_back(&t);
  for (const auto& name : only)
    if (std::none_of(targets.all().begin(), targets.all().end(), [&](const Target& t) { return t.name == name; }))
      return Usage(("unknown target `" + name + "` (--list shows them)").c_str());

  std::thread(Watchdog, max_seconds).detach();

  if (!replay.empty()) {
    if (chosen.size() != 1) return Usage("--replay needs exactly one target in --targets");
    std::error_code ec;
    if (!fs::is_regular_file(replay, ec))
      return Usage(("--replay " + replay + ": not a readable file").c_str());
    std::string input = ReadAll(replay);
    bool ok = RunOne(*chosen[0], input);
    std::printf("input_fuzz: replay [%s] %s: %s\n", chosen[0]->name.c_str(), replay.c_str(), ok ? "returned" : "FINDING");
    return ok ? 0 : 1;
  }

  int findings = 0;
  for (const Target* t : chosen) {
    Mutator m(seed * 0x9E3779B97F4A7C15ull + std::hash<std::string>{}(t->name), max_bytes);
    const size_t n = std::max<size_t>(1, iterations / t->cost);
    auto start = std::chrono::steady_clock::now();
    int target_findings = 0;
    // every seed as it is first: a seed that fails is a finding too
    for (const auto& s : t->seeds) target_findings += RunOne(*t, s) ? 0 : 1;
    for (size_t i = 0; i < n && target_findings < 5; ++i) {
      const std::string& base = m.Pick(t->seeds);
      const std::string& other = m.Pick(t->seeds);
      std::string input = t->json ? m.JsonText(base, other) : m.Bytes(base, other);
      target_findings += RunOne(*t, input) ? 0 : 1;
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("input_fuzz: %-18s %6zu inputs  %6.1f s  %s\n", t->name.c_str(), n + t->seeds.size(), secs,
                target_findings ? "FINDINGS" : "ok");
    std::fflush(stdout);
    findings += target_findings;
  }
  std::printf("input_fuzz: %d finding(s); seed %llu, %zu iterations per target (divided by its cost)\n", findings,
              static_cast<unsigned long long>(seed), iterations);
  return findings ? 1 : 0;
}
