// Fault codes beyond Xid numbers: the table of code families an on-call engineer meets in alerts,
// kernel and training logs and dcgmi output - NVIDIA driver Xid / SXid numbers, CUDA runtime and
// driver errors (as PyTorch prints them), cuBLAS statuses, NCCL result codes (and the words torch
// prints for them), InfiniBand verbs work-completion statuses (by name, or by number in NCCL's
// "Got completion from peer ... with status=12" WARN line) and DCGM diagnostic failure codes
// (DCGM_FR_*). One table says, for each code, how it is written, the taxonomy category it means
// where that is unambiguous, and whether it names a fault of its own (a cause) or only follows one
// (IBV_WC_WR_FLUSH_ERR after a queue pair broke, ncclRemoteError when a peer died, DCGM_FR_XID_ERROR
// wrapping an Xid). FaultCodesInText (diagnosis_agent.h) reads these codes; AlertFactNotInEvidence,
// OtherFaultCode and the negation check use them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/time_series.h"

namespace vigil {

struct FaultCodeInfo {
  std::string_view code;      // the canonical code, lower case: "xid 79", "cuda illegal_address"
  std::string_view family;    // codes of one family are compared with each other: "xid" (Xid and SXid), "cuda", ...
  std::string_view category;  // the taxonomy category it means when that is unambiguous, else ""
  bool cause = true;          // false: a consequence or a wrapper that names no fault of its own
  std::vector<std::string_view> spellings;  // how it is written (matched case-insensitively, whole words)
};

// The table (every named code; Xid / SXid numbers have entries only where a category is known).
const std::vector<FaultCodeInfo>& FaultCodeTable();

// The table's entry for a canonical code; nullptr when it has none (an Xid number without a known
// category, a DCGM_FR_ code read generically).
const FaultCodeInfo* FaultCodeInfoOf(std::string_view code);

// The family of a canonical code: "xid" for "xid N" and "sxid N", else the word before the space
// ("cuda illegal_address" -> "cuda", "dcgm volatile_dbe_detected" -> "dcgm").
std::string_view FaultCodeFamily(std::string_view code);

// Whether a canonical code names a fault of its own (FaultCodeInfo::cause; true for codes without
// an entry).
bool FaultCodeIsCause(std::string_view code);

// One named code found in a text: its canonical form and where it is written ([begin, end)).
struct FaultCodeMention {
  std::string code;
  size_t begin = 0;
  size_t end = 0;
};

// The codes of the table's named families (everything but the Xid / SXid numbers, which
// FaultCodesInText reads) written in `text`, in order of position: each spelling of the table as a
// whole word in any case ("CUDA error: an illegal memory access was encountered",
// "cudaErrorIllegalAddress", "ncclRemoteError", "IBV_WC_RETRY_EXC_ERR"), any DCGM_FR_* code (the
// older CLOCK_THROTTLE_ names read as the newer CLOCKS_EVENT_ ones), and the numeric status of
// NCCL's "completion from peer ... with status=12" / "with error 12" (IBV_WC status numbers).
std::vector<FaultCodeMention> NamedFaultCodeMentions(const std::string& text);

// The taxonomy category of the first DCGM_FR_* code written in `text`, by the table ("" for none,
// or a code the table gives no category: a field violation, a CUDA API or deployment failure). The
// older CLOCK_THROTTLE_ names read as the CLOCKS_EVENT_ ones. dcgmi diag's results are read by it
// (the code is the test's own verdict, RG8), so the table is the one map of DCGM codes (RG9).
std::string DcgmFrCodeCategory(const std::string& text);

// The named fault codes of a text that name a fault of their own ("cuda illegal_address", "dcgm
// volatile_dbe_detected"; Xid numbers are compared apart), sorted, each after "; ": a served alert's
// "CUDA error: an illegal memory access was encountered" and this one's "cudaErrorLaunchFailure" are
// two faults however alike the rest of the words (StrongServedRecall).
std::string NamedCauseCodes(const std::string& text);

// Whether a text may name any fault code (the cheap test before the readers): it holds "xid" or a
// word of one of the named families, in any case.
bool MayNameFaultCode(std::string_view text);

// The Xid codes a log-derived exporter's series publishes in its labels, when the series shows
// events (a counter that rises within the samples, or one sample above zero; any other series with
// a value above zero): `gpu_xid_errors_total{xid="79"}`, `kernel_log_events_total{reason="XidError",
// code="79"}`, node-problem-detector's `problem_counter{reason="GPUXid79"}`. Codes as "xid 79".
// Codes other than Xids written in label values (`reason="DCGM_FR_VOLATILE_DBE_DETECTED"`) are read
// too. dcgm-exporter's DCGM_FI_DEV_XID_ERRORS (the code is the value) is not read here.
// `first_event`, when given, receives the index of the first sample that shows an event.
std::vector<std::string> SeriesLabelFaultCodes(const TimeSeries& s, size_t* first_event = nullptr);

// The Xids that log-derived exporters publish in labels (SeriesLabelFaultCodes) as the series the
// knowledge pack's conditions read: one DCGM_FI_DEV_XID_ERRORS series per code and source series,
// holding 0 before the source's first event and the Xid from it on (so an Xid that appears within
// the window reads as one that appears there, and one that stood from the first sample as one that
// may be old), with the source's labels (its code labels left out) and `vigil_read_from` naming the
// source series. Series already named *XID* by dcgm-exporter are not read.
std::vector<TimeSeries> XidSeriesFromLabels(const std::vector<TimeSeries>& series);

}  // namespace vigil
