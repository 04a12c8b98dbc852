#include "agents/missing_gpu.h"

#include <cstdint>
#include <optional>
#include <regex>

#include "core/parse.h"

namespace vigil {
namespace {

// The largest GPU count a node has (NVL72 trays aside, 16 is the most per host): a bigger number is
// not a GPU count ("7 of 8 GPUs" yes, "7 of 1024 GPUs" of a job, no).
constexpr int kMaxGpusPerNode = 16;

bool Fewer(const std::string& have, const std::string& want) {
  const std::optional<int32_t> h = ParseInt32(have), w = ParseInt32(want);
  return h && w && *h >= 0 && *h < *w && *w <= kMaxGpusPerNode;
}

}  // namespace

std::string MissingGpuInWords(const std::string& text) {
  if (text.empty() || text.size() > 4096) return "";
  // "exports 7 GPUs, expected 8", "advertises 7 allocatable GPUs (expected 8)", "reports 7 GPUs; 8 expected".
  static const std::regex kExpected(
      R"(\b(\d+) (?:(?:allocatable|usable|visible|schedulable|available|present|detected) )?GPUs?\b[,;:]? *[(\[]?(?:expected|want(?:ed)?|should be) (\d+)\b)",
      std::regex::icase);
  // "7 of 8 nvidia.com/gpu allocatable", "sees 6 of 8 GPUs": the GPUs counted are those present, not
  // those in a state ("7 of 8 GPUs idle"): a presence word follows, or a seeing verb comes first.
  static const std::regex kOfPresent(
      R"(\b(\d+) of (\d+) (?:nvidia\.com/gpus?|nvidia_com_gpu|GPUs?) (?:(?:are |is )?(?:allocatable|visible|schedulable|present|detected|exported|reported|advertised|available|enumerated|online|found|seen)\b))",
      std::regex::icase);
  static const std::regex kSeesOf(
      R"(\b(?:sees?|lists?|shows?|finds?|reports?|exports?|advertises?|exposes?|enumerates?|detects?) (?:only )?(\d+) of (\d+) (?:nvidia\.com/gpus?|GPUs?)\b)",
      std::regex::icase);
  // "exposes fewer GPUs than it has", "Fewer GPUs can be scheduled on the node than it has".
  static const std::regex kFewer(
      R"(\bfewer (?:allocatable |schedulable |visible )?(?:GPUs|nvidia\.com/gpus?)\b(?: [a-z ]{0,40})? than (?:it has|expected|(?:its |the )?capacity|installed|before)\b)",
      std::regex::icase);
  // One GPU's DCGM series stopped: "no DCGM samples from GPU 0", "dcgm-exporter stopped reporting GPU 5",
  // "DCGM metrics for gpu 3 stopped", "GPU 2 missing from dcgm-exporter". A GPU is named: the exporter
  // gone for the whole node is another fault (the exporter's pod, the node).
  static const std::regex kNoSamples(
      R"(\bno (?:DCGM|dcgm-exporter|exporter) (?:samples|series|metrics|data|readings)\b (?:from|for|of) GPU ?#?\d+\b)",
      std::regex::icase);
  static const std::regex kStoppedReporting(
      R"(\b(?:DCGM|dcgm-exporter|dcgm exporter)\b[^.;\n]{0,40}\b(?:stopped|no longer|ceased) (?:reporting|exporting|publishing)\b (?:for |on )?GPU ?#?\d+\b)",
      std::regex::icase);
  static const std::regex kSeriesStopped(
      R"(\b(?:DCGM|dcgm-exporter) (?:samples|series|metrics|data|readings) (?:from|for|of) GPU ?#?\d+ (?:stopped|ceased|gone|missing|absent)\b)",
      std::regex::icase);
  static const std::regex kGpuMissingFrom(
      R"(\bGPU ?#?\d+ (?:is )?(?:missing|gone|absent) (?:from|in) (?:the )?(?:DCGM|dcgm-exporter|nvidia-smi|the node)\b)",
      std::regex::icase);
  std::smatch m;
  for (const std::regex* r : {&kExpected, &kOfPresent, &kSeesOf}) {
    if (std::regex_search(text, m, *r) && Fewer(m[1].str(), m[2].str())) return m[0].str();
  }
  for (const std::regex* r : {&kFewer, &kNoSamples, &kStoppedReporting, &kSeriesStopped, &kGpuMissingFrom}) {
    if (std::regex_search(text, m, *r)) return m[0].str();
  }
  return "";
}

bool ExpressionTestsMissingGpu(const std::string& expr) {
  if (expr.empty() || expr.size() > 4096) return false;
  std::string e;  // without blanks
  for (char ch : expr) {
    if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r') e += ch;
  }
  // A DCGM field's series, its matchers, optionally over a window in last_over_time / max_over_time:
  // the series itself, no comparison inside the count.
  static const std::string field = R"((?:(?:last|max|min|avg|count|present)_over_time\()?DCGM_FI_[A-Z0-9_]+(?:\{[^{}()]*\})?(?:\[\d+[smhdw]\]\))?)";
  static const std::string by = R"((?:(?:by|without)\([^()]*\))?)";
  // count by (h) (F) < N | <= N | != N ; count (F) by (h) < N
  static const std::regex count_below("(?:^|[^A-Za-z_])count" + by + R"(\()" + field + R"(\))" + by + R"((?:<|<=|!=)\d+)");
  // count by (h) (last_over_time(F[w])) - count by (h) (F) >= 1 | > 0
  static const std::regex count_dropped("count" + by + R"(\()" + field + R"(\))" + by + "-count" + by + R"(\()" + field + R"(\))" + by +
                                 R"((?:>=1|>0)(?![0-9.]))");
  // absent(F{...gpu="3"...}) / absent_over_time(F{...gpu="3"...}[w]): one GPU's series.
  static const std::regex kAbsentGpu(R"(absent(?:_over_time)?\(DCGM_FI_[A-Z0-9_]+\{[^{}]*\b(?:gpu|GPU_I_ID|UUID|device)=~?"[^"]+"[^{}]*\})");
  // kube-state-metrics: allocatable GPUs below capacity, or a number.
  static const std::regex kAllocatable(
      R"(kube_node_status_allocatable(?:_gpu_devices)?\{[^{}]*resource=~?"nvidia(?:_com_|\.com/)gpu"[^{}]*\}(?:<|<=|!=))");
  return std::regex_search(e, count_below) || std::regex_search(e, count_dropped) || std::regex_search(e, kAbsentGpu) ||
         std::regex_search(e, kAllocatable);
}

}  // namespace vigil
