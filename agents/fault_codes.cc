#include "agents/fault_codes.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "agents/diagnosis_agent.h"
#include "core/ascii.h"

namespace vigil {
namespace {

bool WordChar(char ch) {
  return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
}

// The IB verbs work-completion status numbers (enum ibv_wc_status) that name a code of the table.
std::string_view IbvStatusCode(int status) {
  switch (status) {
    case 4: return "ibv loc_prot_err";
    case 5: return "ibv wr_flush_err";
    case 10: return "ibv rem_access_err";
    case 12: return "ibv retry_exc_err";
    case 13: return "ibv rnr_retry_exc_err";
    default: return "";
  }
}

}  // namespace

const std::vector<FaultCodeInfo>& FaultCodeTable() {
  static const std::vector<FaultCodeInfo> kTable = {
      // NVIDIA driver Xids (the number is read by FaultCodesInText; these entries give the category).
      {"xid 13", "xid", "illegal_memory_access", true, {}},
      {"xid 31", "xid", "illegal_memory_access", true, {}},
      {"xid 48", "xid", "gpu_memory_uncorrectable_ecc", true, {}},
      {"xid 94", "xid", "gpu_memory_uncorrectable_ecc", true, {}},
      {"xid 95", "xid", "gpu_memory_uncorrectable_ecc", true, {}},
      {"xid 63", "xid", "gpu_row_remap_failure", true, {}},
      {"xid 64", "xid", "gpu_row_remap_failure", true, {}},
      {"xid 74", "xid", "nvlink_error", true, {}},
      // Blackwell (B200 / GB200) drivers report NVLink faults under their own Xids (NVIDIA's Xid catalog:
      // 144 SAW, 145 RLW, 146 TLW, 147 TREX, 148 NVLPW_CTRL, 149 NETIR, 150 MSE errors; PLC44:
      // "Xid ...: 149, ... NETIR_LINK_EVT Fatal ... Link 05" was read as no fault code at all).
      {"xid 144", "xid", "nvlink_error", true, {}},
      {"xid 145", "xid", "nvlink_error", true, {}},
      {"xid 146", "xid", "nvlink_error", true, {}},
      {"xid 147", "xid", "nvlink_error", true, {}},
      {"xid 148", "xid", "nvlink_error", true, {}},
      {"xid 149", "xid", "nvlink_error", true, {}},
      {"xid 150", "xid", "nvlink_error", true, {}},
      {"xid 79", "xid", "gpu_fallen_off_bus", true, {}},
      {"xid 62", "xid", "gpu_firmware_error", true, {}},
      {"xid 119", "xid", "gpu_firmware_error", true, {}},
      {"xid 120", "xid", "gpu_firmware_error", true, {}},
      // CUDA runtime / driver errors: the enum names and the message cudaGetErrorString prints
      // (PyTorch: "CUDA error: an illegal memory access was encountered").
      {"cuda illegal_address", "cuda", "illegal_memory_access", true,
       {"cudaErrorIllegalAddress", "CUDA_ERROR_ILLEGAL_ADDRESS", "an illegal memory access was encountered"}},
      {"cuda illegal_instruction", "cuda", "illegal_memory_access", true,
       {"cudaErrorIllegalInstruction", "CUDA_ERROR_ILLEGAL_INSTRUCTION", "an illegal instruction was encountered"}},
      {"cuda misaligned_address", "cuda", "illegal_memory_access", true,
       {"cudaErrorMisalignedAddress", "CUDA_ERROR_MISALIGNED_ADDRESS", "misaligned address"}},
      {"cuda assert", "cuda", "illegal_memory_access", true,
       {"cudaErrorAssert", "CUDA_ERROR_ASSERT", "device-side assert triggered"}},
      {"cuda ecc_uncorrectable", "cuda", "gpu_memory_uncorrectable_ecc", true,
       {"cudaErrorECCUncorrectable", "CUDA_ERROR_ECC_UNCORRECTABLE", "uncorrectable ECC error encountered"}},
      // "unspecified launch failure": an application fault or a GPU fault (often beside an Xid).
      {"cuda launch_failure", "cuda", "", true,
       {"cudaErrorLaunchFailure", "CUDA_ERROR_LAUNCH_FAILED", "unspecified launch failure"}},
      // The driver's allocation failure (often another process holds the memory, or the context
      // cannot be created) vs the PyTorch caching allocator's "Tried to allocate": both cuda_oom,
      // two codes.
      {"cuda out_of_memory", "cuda", "cuda_oom", true,
       {"cudaErrorMemoryAllocation", "CUDA_ERROR_OUT_OF_MEMORY", "CUDA error: out of memory"}},
      {"cuda allocator_out_of_memory", "cuda", "cuda_oom", true,
       {"CUDA out of memory. Tried to allocate", "torch.cuda.OutOfMemoryError", "torch.OutOfMemoryError"}},
      // cuBLAS: EXECUTION_FAILED follows whatever broke the kernel (a prior illegal access, a GPU fault).
      {"cublas execution_failed", "cublas", "", true, {"CUBLAS_STATUS_EXECUTION_FAILED"}},
      {"cublas alloc_failed", "cublas", "cuda_oom", true, {"CUBLAS_STATUS_ALLOC_FAILED"}},
      {"cublas internal_error", "cublas", "", true, {"CUBLAS_STATUS_INTERNAL_ERROR"}},
      // NCCL result codes and the words torch's ProcessGroupNCCL prints for them.
      {"nccl unhandled_cuda_error", "nccl", "", false, {"ncclUnhandledCudaError", "unhandled cuda error"}},
      // ncclSystemError / ncclInternalError report that a call failed (a socket, an ibv_* verb, a
      // cudaMalloc): the NCCL WARN line beside them names which; like ncclRemoteError (a peer died or
      // the network failed) and ncclUnhandledCudaError (a CUDA error did), no fault of their own.
      {"nccl system_error", "nccl", "", false, {"ncclSystemError", "unhandled system error"}},
      {"nccl internal_error", "nccl", "", false,
       {"ncclInternalError", "internal error - please report this issue to the NCCL developers"}},
      {"nccl remote_error", "nccl", "", false,
       {"ncclRemoteError", "remote process exited or there was a network error"}},
      {"nccl invalid_usage", "nccl", "", true, {"ncclInvalidUsage"}},
      // InfiniBand verbs work-completion statuses (also read by number from NCCL's WARN line).
      {"ibv retry_exc_err", "ibv", "ib_link_failure", true, {"IBV_WC_RETRY_EXC_ERR", "transport retry counter exceeded"}},
      {"ibv rnr_retry_exc_err", "ibv", "", true, {"IBV_WC_RNR_RETRY_EXC_ERR", "RNR retry counter exceeded"}},
      {"ibv loc_prot_err", "ibv", "", true, {"IBV_WC_LOC_PROT_ERR", "local protection error"}},
      {"ibv rem_access_err", "ibv", "", true, {"IBV_WC_REM_ACCESS_ERR", "remote access error"}},
      // Flushed work requests: the queue pair already broke for another reason.
      {"ibv wr_flush_err", "ibv", "", false, {"IBV_WC_WR_FLUSH_ERR", "Work Request Flushed Error"}},
      // DCGM diagnostic / health failure codes (dcgm_errors.h's dcgmError_t, DCGM 3.x / 4.x; any
      // DCGM_FR_* is read, these have a category or a role). The one map of DCGM_FR codes to the
      // taxonomy: dcgmi diag's results are read by it too (DcgmFrCodeCategory, RG9). Codes that name
      // no fault of the taxonomy (FIELD_VIOLATION, CUDA_API, the EUD plugin's, a deployment's) have
      // no entry: the warning's words decide.
      // Uncorrectable memory errors: volatile / aggregate DBEs, pages retired for DBEs, the memory
      // test's faults, an uncontained error (Xid 95), a row remap pending after an uncorrectable
      // error (the error is the cause: RG8).
      {"dcgm volatile_dbe_detected", "dcgm", "gpu_memory_uncorrectable_ecc", true, {}},
      {"dcgm dbe_violation", "dcgm", "gpu_memory_uncorrectable_ecc", true, {}},
      {"dcgm dbe_threshold_violation", "dcgm", "gpu_memory_uncorrectable_ecc", true, {}},
      {"dcgm retired_pages_dbe_limit", "dcgm", "gpu_memory_uncorrectable_ecc", true, {}},
      {"dcgm dbe_pending_page_retirements", "dcgm", "gpu_memory_uncorrectable_ecc", true, {}},
      {"dcgm cuda_dbe", "dcgm", "gpu_memory_uncorrectable_ecc", true, {}},
      {"dcgm faulty_memory", "dcgm", "gpu_memory_uncorrectable_ecc", true, {}},
      {"dcgm uncontained_error", "dcgm", "gpu_memory_uncorrectable_ecc", true, {}},
      {"dcgm pending_row_remap", "dcgm", "gpu_memory_uncorrectable_ecc", true, {}},
      // The row remapper out of spare rows.
      {"dcgm row_remap_failure", "dcgm", "gpu_row_remap_failure", true, {}},
      {"dcgm uncorrectable_row_remap", "dcgm", "gpu_row_remap_failure", true, {}},
      // PCIe: replays over the threshold or rate.
      {"dcgm pci_replay_rate", "dcgm", "pcie_link_degraded", true, {}},
      {"dcgm pcie_replay_threshold_violation", "dcgm", "pcie_link_degraded", true, {}},
      // NVLink. (The other NVLink / NVSwitch codes, NVLINK_DOWN, NVSWITCH_FATAL_ERROR, ..., have no
      // row: each row needs a pack signature (fault_codes_test), and those words moved the recall of
      // alert-only cases ("tokens/s down 100%" recalled NVLink); their warnings name NVLink, which
      // DcgmDiagCategory's words read. RG9.)
      {"dcgm nvlink_error_threshold", "dcgm", "nvlink_error", true, {}},
      // Clocks held down by temperature or power (the older CLOCK_THROTTLE_ names are read as these).
      {"dcgm clocks_event_thermal", "dcgm", "gpu_thermal_throttle", true, {}},
      {"dcgm thermal_violations", "dcgm", "gpu_thermal_throttle", true, {}},
      {"dcgm thermal_violations_ts", "dcgm", "gpu_thermal_throttle", true, {}},
      {"dcgm temp_violation", "dcgm", "gpu_thermal_throttle", true, {}},
      {"dcgm clocks_event_power", "dcgm", "gpu_power_throttle", true, {}},
      // "Detected XID 79 for GPU 0": the Xid beside it is the fault.
      {"dcgm xid_error", "dcgm", "", false, {}},
  };
  return kTable;
}

const FaultCodeInfo* FaultCodeInfoOf(std::string_view code) {
  for (const FaultCodeInfo& f : FaultCodeTable()) {
    if (f.code == code) return &f;
  }
  return nullptr;
}

std::string_view FaultCodeFamily(std::string_view code) {
  const std::string_view kind = code.substr(0, code.find(' '));
  return kind == "sxid" ? std::string_view("xid") : kind;
}

bool FaultCodeIsCause(std::string_view code) {
  const FaultCodeInfo* f = FaultCodeInfoOf(code);
  return f == nullptr || f->cause;
}

namespace {
// MayNameFaultCode of a text already lower-cased.
bool MayNameFaultCodeLower(std::string_view lower) {
  static const std::vector<std::string_view> kWords = {
      "xid", "cuda", "nccl", "cublas", "ibv_wc", "dcgm_fr", "illegal", "misaligned", "ecc", "launch failure",
      "completion from peer", "retry counter", "remote process", "protection error", "access error", "flushed"};
  return std::any_of(kWords.begin(), kWords.end(), [&](std::string_view w) { return lower.find(w) != std::string_view::npos; });
}

// The table's spellings lower-cased once, in FaultCodeTable()'s order: {code, spelling}.
const std::vector<std::pair<std::string_view, std::string>>& LowerSpellings() {
  static const auto* kSpellings = [] {
    auto* v = new std::vector<std::pair<std::string_view, std::string>>;
    for (const FaultCodeInfo& f : FaultCodeTable()) {
      for (std::string_view sp : f.spellings) v->emplace_back(f.code, AsciiLower(std::string(sp)));
    }
    return v;
  }();
  return *kSpellings;
}
}  // namespace

bool MayNameFaultCode(std::string_view text) { return MayNameFaultCodeLower(AsciiLower(std::string(text))); }

std::vector<FaultCodeMention> NamedFaultCodeMentions(const std::string& text) {
  std::vector<FaultCodeMention> out;
  const std::string lower = AsciiLower(text);
  if (!MayNameFaultCodeLower(lower)) return out;
  auto whole = [&](size_t b, size_t e) {
    return (b == 0 || !WordChar(lower[b - 1]) || !WordChar(lower[b])) &&
           (e >= lower.size() || !WordChar(lower[e]) || !WordChar(lower[e - 1]));
  };
  for (const auto& [code, s] : LowerSpellings()) {
    for (size_t p = lower.find(s); p != std::string::npos; p = lower.find(s, p + 1)) {
      if (whole(p, p + s.size())) out.push_back({std::string(code), p, p + s.size()});
    }
  }
  // DCGM_FR_<NAME>: read generically; the older CLOCK_THROTTLE_ names are the CLOCKS_EVENT_ ones.
  for (size_t p = lower.find("dcgm_fr_"); p != std::string::npos; p = lower.find("dcgm_fr_", p + 1)) {
    if (p > 0 && WordChar(lower[p - 1])) continue;
    size_t e = p + 8;
    while (e < lower.size() && WordChar(lower[e]) && e - p < 80) ++e;
    if (e == p + 8) continue;
    std::string name = lower.substr(p + 8, e - p - 8);
    if (name.rfind("clock_throttle_", 0) == 0) name = "clocks_event_" + name.substr(15);
    std::string code = "dcgm ";
    code += name;
    out.push_back({std::move(code), p, e});
  }
  // NCCL's "NET/IB : Got completion from peer 10.0.0.2<4312> with status=12 opcode=..." (newer) or
  // "... with error 12, opcode 32753" (older): the IB verbs status by number.
  for (size_t p = lower.find("completion from peer"); p != std::string::npos; p = lower.find("completion from peer", p + 1)) {
    // The status is looked for within 160 characters of the phrase only: a search to the end of
    // the text from each occurrence is quadratic (a 1 MB alert description of repeated "completion
    // from peer with ..." took 96 s to diagnose, 3.7 s before this reader).
    const size_t limit = std::min(lower.size(), p + 160);
    const std::string_view window = std::string_view(lower).substr(p, limit - p + 16);  // a key begun before `limit`
    for (std::string_view key : {"with status=", "with error "}) {
      const size_t w = window.find(key);
      if (w == std::string_view::npos || p + w >= limit) continue;
      const size_t k = p + w;
      size_t d = k + key.size(), e = d;
      while (e < lower.size() && e - d < 3 && lower[e] >= '0' && lower[e] <= '9') ++e;
      if (e == d || (e < lower.size() && WordChar(lower[e]))) continue;
      const std::string_view code = IbvStatusCode(std::stoi(lower.substr(d, e - d)));
      if (!code.empty()) out.push_back({std::string(code), k, e});
      break;
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const FaultCodeMention& a, const FaultCodeMention& b) { return a.begin < b.begin; });
  return out;
}

std::string DcgmFrCodeCategory(const std::string& text) {
  for (const FaultCodeMention& m : NamedFaultCodeMentions(text)) {
    if (FaultCodeFamily(m.code) != "dcgm") continue;
    const FaultCodeInfo* f = FaultCodeInfoOf(m.code);
    return f == nullptr ? std::string() : std::string(f->category);
  }
  return "";
}

std::string NamedCauseCodes(const std::string& text) {
  std::set<std::string> named;
  for (const std::string& code : FaultCodesInText(text)) {
    if (FaultCodeFamily(code) != "xid" && FaultCodeIsCause(code)) named.insert(code);
  }
  std::string out;
  for (const std::string& code : named) {
    out += "; ";
    out += code;
  }
  return out;
}

std::vector<std::string> SeriesLabelFaultCodes(const TimeSeries& s, size_t* first_event) {
  std::vector<std::string> codes;
  if (s.values.empty()) return codes;
  // The first sample that shows an event.
  const std::string name = AsciiLower(s.name);
  const bool counter = name.ends_with("_total") || name.ends_with("_count") || name.find("counter") != std::string::npos;
  size_t event = s.values.size();
  for (size_t i = 0; i < s.values.size() && event == s.values.size(); ++i) {
    const double v = s.values[i];
    if (!std::isfinite(v)) continue;
    if (!counter || s.values.size() == 1) {
      if (v > 0) event = i;
    } else if (i > 0 && std::isfinite(s.values[i - 1]) && (v > s.values[i - 1] || (v < s.values[i - 1] && v > 0))) {
      event = i;  // a rise, or a reset to a positive count
    }
  }
  if (event == s.values.size()) return codes;
  auto add = [&](std::string code) {
    if (std::find(codes.begin(), codes.end(), code) == codes.end()) codes.push_back(std::move(code));
  };
  auto number = [](std::string_view v) {
    if (v.empty() || v.size() > 5) return std::string();
    for (char ch : v) {
      if (ch < '0' || ch > '9') return std::string();
    }
    std::string n(v);
    while (n.size() > 1 && n[0] == '0') n.erase(0, 1);
    return n;
  };
  // A label whose value names an Xid event ("XidError", "NVRM_Xid", "GPUXid79").
  std::string xid_kind;
  std::string text;  // the labels as `k="v"` lines, for FaultCodesInText
  for (const auto& [k, v] : s.labels) {
    const std::string kl = AsciiLower(k), vl = AsciiLower(v);
    text += k;
    text += "=\"";
    text += v;
    text += "\"\n";
    if (kl == "__name__" || kl == "xid" || kl == "sxid") continue;
    const size_t x = vl.find("xid");
    if (x == std::string::npos) continue;
    // "SXid..." / "nvswitch_sxid": the S belongs to the word ("GPUXid" is an Xid).
    const bool sxid = x > 0 && vl[x - 1] == 's' && (v[x - 1] == 'S' || x == 1 || !std::isalpha(static_cast<unsigned char>(vl[x - 2])));
    if (xid_kind.empty() || sxid) xid_kind = sxid ? "sxid" : "xid";
    // "GPUXid79", "Xid79": the number glued to the word.
    size_t d = x + 3;
    while (d < vl.size() && (vl[d] == '_' || vl[d] == '-')) ++d;
    size_t e = d;
    while (e < vl.size() && vl[e] >= '0' && vl[e] <= '9') ++e;
    if (e > d && (e == vl.size() || !std::isdigit(static_cast<unsigned char>(vl[e])))) {
      if (std::string n = number(vl.substr(d, e - d)); !n.empty()) add(xid_kind + " " + n);
    }
  }
  for (const std::string& c : FaultCodesInText(text)) add(c);
  // `reason="XidError", code="79"`: the number in a code label of a series whose reason is an Xid.
  if (!xid_kind.empty()) {
    for (const auto& [k, v] : s.labels) {
      const std::string kl = AsciiLower(k);
      if (kl != "code" && kl != "error_code" && kl != "xid_code" && kl != "value") continue;
      if (std::string n = number(v); !n.empty()) add(xid_kind + " " + n);
    }
  }
  if (first_event != nullptr && !codes.empty()) *first_event = event;
  return codes;
}

std::vector<TimeSeries> XidSeriesFromLabels(const std::vector<TimeSeries>& series) {
  std::vector<TimeSeries> out;
  for (const TimeSeries& s : series) {
    if (s.name.starts_with("DCGM_FI_DEV_XID")) continue;
    if (s.labels.count("vigil_read_from")) continue;
    size_t first = 0;
    for (const std::string& code : SeriesLabelFaultCodes(s, &first)) {
      if (!code.starts_with("xid ")) continue;
      const double xid = std::stod(code.substr(4));
      TimeSeries x;
      x.name = "DCGM_FI_DEV_XID_ERRORS";
      for (const auto& [k, v] : s.labels) {
        const std::string kl = AsciiLower(k);
        if (kl == "xid" || kl == "code" || kl == "reason" || kl == "__name__") continue;
        x.labels[k] = v;
      }
      x.labels["vigil_read_from"] = s.name;
      for (size_t i = 0; i < s.size(); ++i) (void)x.Append(s.timestamps_ms[i], i < first ? 0.0 : xid);
      if (!x.empty()) out.push_back(std::move(x));
    }
  }
  return out;
}

}  // namespace vigil
