#include "agents/alert_alone_words.h"

#include <regex>

namespace vigil {
namespace {

constexpr size_t kMaxText = 4096;

std::string Search(const std::string& text, const std::regex& re) {
  std::smatch m;
  if (!std::regex_search(text, m, re)) return "";
  return m[0].str();
}

// "exit code 139", "exited with 134", "exit status: -11", "exited 134", "(exit 134)", "... exit code 139."
// (RV2: a full stop after the number was refused with the digits of "exit 1340"; a decimal still is).
std::string ExitStatus(const char* codes) {
  return std::string(R"(\bexit(?:ed)?(?:\s+with)?(?:\s+(?:code|status))?\s*[:=]?\s*(?:)") + codes + R"()(?!\.?\d))";
}

}  // namespace

CrashSignalReading CrashSignalInWords(const std::string& text) {
  CrashSignalReading r;
  if (text.size() > kMaxText) return r;
  static const std::regex kSegv(R"(\bSIGSEGV\b|\bsegmentation fault\b|\bsegfault(?:ed|s)?\b|\bsignal\s*[:=]?\s*11\b(?!\.\d)|)" +
                                    ExitStatus("-11|139") + R"(|\bExitCode[ =:]+\d+:11\b)",
                                std::regex::icase);
  static const std::regex kBus(R"(\bSIGBUS\b|\bsignal\s*[:=]?\s*7\b(?!\.\d)|)" + ExitStatus("-7|135") + R"(|\bExitCode[ =:]+\d+:7\b)",
                               std::regex::icase);
  static const std::regex kAbort(R"(\bSIGABRT\b|\bsignal\s*[:=]?\s*6\b(?!\.\d)|)" + ExitStatus("-6|134") +
                                     R"(|\bExitCode[ =:]+\d+:6\b)",
                                 std::regex::icase);
  const std::pair<CrashSignal, const std::regex*> kinds[] = {
      {CrashSignal::kSegv, &kSegv}, {CrashSignal::kBus, &kBus}, {CrashSignal::kAbort, &kAbort}};
  for (const auto& [signal, re] : kinds) {
    if (std::string q = Search(text, *re); !q.empty()) {
      r.signal = signal;
      r.quote = q;
      return r;
    }
  }
  return r;
}

OomReading OomInWords(const std::string& text) {
  OomReading r;
  if (text.size() > kMaxText) return r;
  // RV2: also "isn't / wasn't (an) OOM" and "a non-OOM error" (both were read as an OOM).
  static const std::regex kNotSo(
      R"((?:\b(?:no|not(?:\s+an?)?|without|risk\s+of|near(?:ly)?|close\s+to|approaching|avoid(?:ing)?)|n't(?:\s+an?)?)\s+)"
      R"((?:a\s+)?(?:CUDA\s+)?(?:OOM|out[\s-]+of[\s-]+memory)\b|\bnon[\s-]?(?:CUDA[\s-]+)?(?:OOM|out[\s-]+of[\s-]+memory)\b)",
      std::regex::icase);
  if (std::regex_search(text, kNotSo)) return r;
  static const std::regex kCuda(
      R"(\bCUDA\s+(?:OOM|out[\s-]+of[\s-]+memory)\b|\b(?:torch\.)?(?:cuda\.)?OutOfMemoryError\b|\bcudaErrorMemoryAllocation\b|\bCUDA_ERROR_OUT_OF_MEMORY\b)",
      std::regex::icase);
  if (std::string q = Search(text, kCuda); !q.empty()) {
    r.kind = OomKind::kCuda;
    r.quote = q;
    return r;
  }
  static const std::regex kOom(R"(\bOOM\b|\bout[\s-]+of[\s-]+memory\b)", std::regex::icase);
  static const std::regex kKillOrHost(
      R"(OOM[\s_-]*kill|\boom_kill|\bOOMKilled\b|\b(?:host|node|system|CPU|RAM|cgroup|container|kernel|shm)\b|/dev/shm|\bmemory\s+limit\b)",
      std::regex::icase);
  std::string q = Search(text, kOom);
  if (q.empty() || std::regex_search(text, kKillOrHost)) return r;
  r.kind = OomKind::kUnqualified;
  r.quote = q;
  return r;
}

std::string IbPortNotActiveInWords(const std::string& text) {
  if (text.size() > kMaxText) return "";
  static const std::regex kNotActive(
      R"(\b(?:InfiniBand|IB|RoCE|mlx5_\d+)\b[^\n]{0,80}?\bport\b[^\n]{0,60}?\b(?:is\s+)?not\s+(?:ACTIVE|LinkUp|up)\b|)"
      R"(\b(?:InfiniBand|IB|RoCE|mlx5_\d+)\b[^\n]{0,80}?\bport\b[^\n]{0,60}?\bstate\s*[:=]?\s*(?:\d\s*:?\s*)?\(?(?:INIT|POLLING|ARMED|Disabled)\b)",
      std::regex::icase);
  return Search(text, kNotActive);
}

std::string IbDeviceOf(const std::string& label, const std::string& text) {
  static const std::regex kMlx(R"(\bmlx5_\d+\b)");
  if (std::regex_match(label, kMlx)) return label;
  if (text.size() > kMaxText) return "";
  return Search(text, kMlx);
}

std::string PcieLinkBelowInAlert(const std::string& words, const std::string& expression) {
  if (expression.size() <= kMaxText) {
    static const std::regex kExpr(
        R"(\bDCGM_FI_DEV_PCIE_LINK_(?:WIDTH|GEN)\b(?:\{[^{}]*\})?\s*(?:<|!=)\s*(?:\d+\b|DCGM_FI_DEV_PCIE_MAX_LINK_(?:WIDTH|GEN)\b))");
    if (std::string q = Search(expression, kExpr); !q.empty()) return q;
  }
  if (words.size() > kMaxText) return "";
  static const std::regex kWords(
      R"(\bPCIe\b[^\n]{0,40}?\blink\b[^\n]{0,30}?\b(?:below|under|downtrained|trained\s+(?:down|below)|down[\s-]?graded)\b\s*(?:to\s+)?(?:x\d+|Gen\s*\d)?)",
      std::regex::icase);
  return Search(words, kWords);
}

std::string ErrorCounterInWords(const std::string& text) {
  if (text.size() > kMaxText) return "";
  // The counter's words, then growth: a verb, or a "+N" soon after.
  static const std::string kGrowth =
      R"([^\n.;]{0,40}?(?:\b(?:rising|increasing|climbing|growing|going\s+up|incrementing)\b|\+\s*\d))";
  static const std::regex kNvlinkCrc(R"(\bNVLink\b[^\n.;]{0,20}?\bCRC\b(?:\s+(?:flit|data))?\s+errors?)" + kGrowth,
                                     std::regex::icase);
  static const std::regex kNvlinkReplay(R"(\bNVLink\b[^\n.;]{0,20}?\breplay\s+errors?)" + kGrowth, std::regex::icase);
  static const std::regex kNvlinkRecovery(R"(\bNVLink\b[^\n.;]{0,20}?\brecovery\s+errors?)" + kGrowth, std::regex::icase);
  static const std::regex kPcieReplay(R"(\bPCIe\b\s+replays?(?:\s+(?:counter|count|errors?))?)" + kGrowth, std::regex::icase);
  static const std::regex kFalling(R"(\b(?:falling|decreasing|cleared|reset|stopped|no longer)\b)", std::regex::icase);
  if (std::regex_search(text, kFalling)) return "";
  if (std::regex_search(text, kNvlinkCrc)) return "DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL";
  if (std::regex_search(text, kNvlinkReplay)) return "DCGM_FI_DEV_NVLINK_REPLAY_ERROR_COUNT_TOTAL";
  if (std::regex_search(text, kNvlinkRecovery)) return "DCGM_FI_DEV_NVLINK_RECOVERY_ERROR_COUNT_TOTAL";
  if (std::regex_search(text, kPcieReplay)) return "DCGM_FI_DEV_PCIE_REPLAY_COUNTER";
  return "";
}

bool OnlyCorrectableEcc(const std::string& words, const std::string& expression) {
  if (words.size() > kMaxText || expression.size() > kMaxText) return false;
  static const std::regex kCorrectable(R"(\bcorrectable\s+(?:ECC|memory)\b|\bsingle[\s-]bit\b|\bSBE\b)", std::regex::icase);
  static const std::regex kSbeExpr(R"(\bDCGM_FI_DEV_ECC_SBE_\w+)");
  static const std::regex kUncorrectable(
      R"(\buncorrectable\b|\bun-correctable\b|\bnon[\s-]?correctable\b|\bnot\s+correctable\b|\bDBE\b|\bdouble[\s-]bit\b|\bremap\w*\s+fail|\bXid\s*:?\s*(?:48|63|64|94|95)\b)",
      std::regex::icase);
  static const std::regex kDbeExpr(R"(\bDCGM_FI_DEV_ECC_DBE_\w+|\bDCGM_FI_DEV_(?:ROW_REMAP_FAILURE|UNCORRECTABLE_REMAPPED_ROWS)\b)");
  const bool correctable = std::regex_search(words, kCorrectable) || std::regex_search(expression, kSbeExpr);
  const bool uncorrectable = std::regex_search(words, kUncorrectable) || std::regex_search(expression, kDbeExpr);
  return correctable && !uncorrectable;
}

bool KubeKillWithoutOomReason(const std::string& words, bool kube_labels) {
  if (words.size() > kMaxText) return false;
  static const std::regex kKube(R"(\b(?:pod|container|Kube\w*|kubelet)\b)", std::regex::icase);
  static const std::regex kKill(R"(\bsignal\s*[:=]?\s*9\b|\bSIGKILL\b|)" + ExitStatus("-9|137"), std::regex::icase);
  static const std::regex kOomReason(R"(\bOOMKilled\b|\bOOM[\s_-]*kill|\bout[\s-]+of[\s-]+memory\b|\bOOM\b)", std::regex::icase);
  // An OOM ruled out ("not OOMKilled", "no OOM", "wasn't OOMKilled", "non-OOM", "OOMKilled: false") is no
  // OOM reason (RV2: it was read as one, and the SIGKILL of a container whose alert says so was not read).
  static const std::regex kNoOom(
      R"((?:\b(?:no|not|without)|n't)(?:\s+an?)?\s+(?:OOMKilled|OOM(?:[\s_-]*kill\w*)?|out[\s-]+of[\s-]+memory)\b|)"
      R"(\bnon[\s-]?OOM\w*|\bOOMKilled\s*[:=]\s*false\b)",
      std::regex::icase);
  if (!kube_labels && !std::regex_search(words, kKube)) return false;
  return std::regex_search(words, kKill) && !std::regex_search(std::regex_replace(words, kNoOom, " "), kOomReason);
}

}  // namespace vigil
