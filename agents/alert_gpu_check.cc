#include "agents/alert_gpu_check.h"

#include <regex>

#include "core/parse.h"

namespace vigil {
namespace {

// The GPU the line of `text` holding the match names ("GPU 5 of n unhealthy", "node-4 GPU 6 failed
// DCGM health check", "GPU#2"): the first one; -1 when none.
int GpuNamed(const std::string& text, const std::smatch& match) {
  const size_t at = static_cast<size_t>(match.position(0));
  const size_t from = text.rfind('\n', at);
  const size_t to = text.find('\n', at);
  const std::string line = text.substr(from == std::string::npos ? 0 : from + 1,
                                       to == std::string::npos ? std::string::npos : to - (from == std::string::npos ? 0 : from + 1));
  static const std::regex kGpu(R"(\bGPU ?#?(\d{1,2})\b)", std::regex::icase);
  std::smatch m;
  if (!std::regex_search(line, m, kGpu)) return -1;
  const std::optional<int32_t> n = ParseInt32(m[1].str());
  return n ? *n : -1;
}

}  // namespace

GpuCheckReading FailedGpuCheckInWords(const std::string& text) {
  GpuCheckReading none;
  if (text.empty() || text.size() > 4096) return none;
  // What the check found, or another part of the node than its GPUs: then the text is read by the
  // pack's signatures or by another reader, not as a check that does not say what failed.
  static const std::regex kNamesFinding(
      R"(\b(?:ECC|DBE|SBE|double[- ]bit|single[- ]bit|remap\w*|retire\w*|retirement|Xids?|NVLink\w*|NVSwitch\w*|fabric ?manager|PCIe|lspci|thermal|temperature|overheat\w*|hot|power|PSU|watts?|clocks?|throttl\w*|fallen|off the bus|memory|mem|HBM|InfiniBand|HCA|mlx5\w*|ibp?\d\w*|RDMA|mounts?|mounted|filesystem|file system|disk\w*|NFS|Lustre|GPFS|WEKA|ethernet|eth\d+|CPU\w*|DIMM|OOM|kill task|munge|slurmd|maint\w*|reboot\w*|fan\w*)\b)",
      std::regex::icase);
  // A check that passed, or one named only to say it did not run.
  static const std::regex kPassed(R"(\b(?:pass(?:ed|es)?|succeeded|healthy again|recovered|resolved)\b)",
                                  std::regex::icase);
  // nvidia-smi hanging: the driver waits on a GPU that does not answer (its GSP firmware).
  static const std::regex kSmiHung(
      R"(\bnvidia-?smi\b[^.;\n]{0,40}?\b(?:timed out|time[sd]? ?out|hung|hangs?|hanging|stuck|not responding|unresponsive|did not return)\b|\bNvidiaSmi(?:Hang|Hung|Timeout|Stuck)\w*)",
      std::regex::icase);
  // nvidia-smi failing: the driver does not reach a GPU.
  static const std::regex kSmiFailed(
      R"(\bnvidia-?smi\b[^.;\n]{0,40}?\b(?:fail(?:ed|s|ure|ing)?|errors?|error(?:ed)?|exit(?:ed)? (?:code |status )?[1-9]\d*|returned [1-9]\d*)\b|\bNo devices were found\b|\bunable to determine the device handle\b|\bNvidiaSmi(?:Fail|Error)\w*)",
      std::regex::icase);
  // A GPU health check or DCGM diagnostic that failed: "gpu health check failed", "GPU check failed",
  // "check_gpu failed", "nv_health failed", "DCGM diag level 2 failed", "dcgm_diag_r2 failed".
  static const std::regex kGpuCheckFailed(
      R"(\b(?:gpus?|nvidia|dcgmi?|nv)[ _-]?(?:health(?:[ _-]?(?:check|watch|test))?|checks?|diag(?:nostics?)?|tests?|validation|probe)\w*\b[^.;\n]{0,40}?\b(?:fail(?:ed|s|ure|ing)?|error|not ok)\b|\bcheck_(?:gpus?|nv\w*|nvidia\w*|dcgm\w*)\b[^.;\n]{0,30}?\bfail(?:ed|s|ure)?\b)",
      std::regex::icase);
  // "failed (the) DCGM health check", "GPU health check failure", "failing GPU check".
  static const std::regex kFailedGpuCheck(
      R"(\bfail(?:ed|s|ing)?\b (?:the |a |its |in )?(?:DCGM|GPU|nvidia|dcgmi)[ _-]?(?:health[ _-]?)?(?:check|diag(?:nostics?)?|test|validation)s?\b)",
      std::regex::icase);
  // A GPU marked unhealthy: node-problem-detector's GPUUnhealthy / GPUProblem conditions, "GPU 5 of
  // node-3 unhealthy", "GPU 2 is unhealthy".
  static const std::regex kUnhealthy(
      R"(\bGPU[ _-]?(?:Unhealthy|Problem)\b|\bGPUs? ?#?\d*(?: (?:of|on) [\w.-]+)? (?:is |was |are |went |marked |reported )?unhealthy\b|\bunhealthy GPUs?\b)",
      std::regex::icase);
  // A label value naming a GPU check: reason="gpu_check", check="dcgm-diag-r3", reason="prolog_gpu_check".
  static const std::regex kCheckLabel(
      R"((?:^|\n)(?:\w+[_-])?(?:gpu|nv|nvidia|dcgm)[_-]?(?:health[_-]?)?(?:check|diag)[\w-]*\s*(?:\n|$))", std::regex::icase);
  // A node drained or a check failing where the check is named no further: "drained by health check",
  // "drained by NHC", "drained by prolog", "prolog health check failed", "NHC: ... drained".
  static const std::regex kDrainedByCheck(
      R"(\b(?:drain(?:ed|ing)?|cordon(?:ed|ing)?|offlined?)\b[^.;\n]{0,40}?\bby (?:the )?(?:node |pre-job |prolog |epilog )?(?:health ?-?checks?|NHC|prolog|epilog)\b|\b(?:node |pre-job |prolog |epilog )health ?-?checks? (?:failed|failure)\b|\bNHC\b[^.;\n]{0,40}?\bdrain(?:ed|ing)?\b)",
      std::regex::icase);
  std::smatch m;
  if (std::regex_search(text, kNamesFinding)) return none;
  if (std::regex_search(text, m, kSmiHung)) return {GpuCheckKind::kSmiHung, m.str(0), GpuNamed(text, m)};
  if (std::regex_search(text, m, kSmiFailed)) return {GpuCheckKind::kSmiFailed, m.str(0), GpuNamed(text, m)};
  if (std::regex_search(text, kPassed)) return none;
  for (const std::regex* r : {&kGpuCheckFailed, &kFailedGpuCheck, &kUnhealthy, &kCheckLabel, &kDrainedByCheck}) {
    if (std::regex_search(text, m, *r)) {
      std::string quote = m.str(0);
      while (!quote.empty() && (quote.front() == '\n' || quote.back() == '\n')) {
        quote = quote.front() == '\n' ? quote.substr(1) : quote.substr(0, quote.size() - 1);
      }
      return {GpuCheckKind::kHealth, quote, GpuNamed(text, m)};
    }
  }
  return none;
}

}  // namespace vigil
