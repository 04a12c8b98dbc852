// Fault codes beyond Xid / SXid (FC, 2026-12-03): CUDA, cuBLAS, NCCL, IB verbs and DCGM codes in
// alerts and log lines; a code list that stops at a count ("Xid 79, 3 GPUs affected"); Xids that
// log-derived exporters publish in series labels, read by AlertFactNotInEvidence and the reasoner.
// Each "before" below was seen with main at daaaaa8.
#include <doctest/doctest.h>

#include <cctype>
#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/source_tree.h"
#include "agents/case.h"
#include "agents/alert_case_testing.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "agents/fault_codes.h"
#include "core/json.h"

namespace vigil {
namespace {

using V = std::vector<std::string>;

DiagnosisCase CaseOf(Json j) {
  j["id"] = "fc";
  auto c = ParseCase(j, "fc.json");
  REQUIRE_MESSAGE(c.ok(), c.status().ToString());
  return *c;
}

// An alert of gpu-7's GPU 3 whose summary is `summary`.
Json AlertSaying(const std::string& summary) {
  Json a = ParseJson(R"JSON({
    "labels": {"alertname": "GPUJobFailure", "severity": "critical", "Hostname": "gpu-7", "gpu": "3"},
    "annotations": {},
    "startsAt": "2026-11-30T08:12:40Z"
  })JSON").value();
  a["annotations"]["summary"] = summary;
  return a;
}

// The node's CPU series: evidence of the node that holds no fault code.
using testing::NodeCpuSeries;  // agents/alert_case_testing.h

Json Series(const std::string& name, Json labels, const std::vector<double>& values) {
  Json pts = Json::array();
  for (size_t k = 0; k < values.size(); ++k) pts.push_back(Json::array({int64_t{1764490000000} + 60000 * int64_t(k), values[k]}));
  return Json{{"name", name}, {"labels", labels}, {"samples", pts}};
}

TEST_CASE("fault codes: CUDA, cuBLAS, NCCL, IB verbs and DCGM codes are read as written (FC)") {
  // Before: every one of these read no code (only Xid / SXid numbers were codes).
  CHECK(FaultCodesInText("RuntimeError: CUDA error: an illegal memory access was encountered") == V{"cuda illegal_address"});
  CHECK(FaultCodesInText("cudaErrorIllegalAddress on rank 3") == V{"cuda illegal_address"});
  CHECK(FaultCodesInText("CUDA_ERROR_ECC_UNCORRECTABLE") == V{"cuda ecc_uncorrectable"});
  CHECK(FaultCodesInText("CUDA error: uncorrectable ECC error encountered") == V{"cuda ecc_uncorrectable"});
  CHECK(FaultCodesInText("cudaErrorLaunchFailure: unspecified launch failure") == V{"cuda launch_failure"});
  CHECK(FaultCodesInText("CUBLAS_STATUS_EXECUTION_FAILED when calling cublasGemmEx") == V{"cublas execution_failed"});
  // The driver's allocation failure and the caching allocator's are two codes.
  CHECK(FaultCodesInText("RuntimeError: CUDA error: out of memory") == V{"cuda out_of_memory"});
  CHECK(FaultCodesInText("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB") ==
        V{"cuda allocator_out_of_memory"});
  CHECK(FaultCodesInText("NCCL error: unhandled system error, NCCL version 2.21.5 ncclSystemError: Call to ibv_create_cq failed") ==
        V{"nccl system_error"});
  CHECK(FaultCodesInText("ncclRemoteError: remote process exited or there was a network error") == V{"nccl remote_error"});
  CHECK(FaultCodesInText("ncclUnhandledCudaError: Call to CUDA function failed") == V{"nccl unhandled_cuda_error"});
  CHECK(FaultCodesInText("ncclInternalError: internal error - please report this issue to the NCCL developers") ==
        V{"nccl internal_error"});
  CHECK(FaultCodesInText("ncclInvalidUsage: This usually reflects invalid usage of NCCL library") == V{"nccl invalid_usage"});
  CHECK(FaultCodesInText("IBV_WC_RNR_RETRY_EXC_ERR on mlx5_1") == V{"ibv rnr_retry_exc_err"});
  CHECK(FaultCodesInText("mlx5_0: IBV_WC_LOC_PROT_ERR") == V{"ibv loc_prot_err"});
  CHECK(FaultCodesInText("status IBV_WC_WR_FLUSH_ERR") == V{"ibv wr_flush_err"});
  // NCCL's WARN line gives the status by number (newer "status=", older "with error").
  CHECK(FaultCodesInText("node-1:18231:18590 [3] NCCL WARN NET/IB : Got completion from peer 10.0.3.17<41926> with "
                         "status=12 opcode=0 len=0 vendor err 129 (Recv) localGid ::ffff:10.0.3.16") ==
        V{"ibv retry_exc_err"});
  CHECK(FaultCodesInText("NET/IB : Got completion from peer 10.10.3.17<41926> with error 12, opcode 32753") ==
        V{"ibv retry_exc_err"});
  CHECK(FaultCodesInText("Got completion from peer 10.0.0.2<1> with status=IBV_WC_RETRY_EXC_ERR(12) opcode=0") ==
        V{"ibv retry_exc_err"});
  // dcgmi diag's codes; the older throttle names read as the newer clocks-event ones.
  CHECK(FaultCodesInText("| Memory | Fail - GPU0: DCGM_FR_VOLATILE_DBE_DETECTED |") == V{"dcgm volatile_dbe_detected"});
  CHECK(FaultCodesInText("DCGM_FR_CLOCK_THROTTLE_THERMAL on GPU 2") == V{"dcgm clocks_event_thermal"});
  CHECK(FaultCodesInText("DCGM_FR_CLOCKS_EVENT_THERMAL on GPU 2") == V{"dcgm clocks_event_thermal"});
  CHECK(FaultCodesInText("DCGM_FR_XID_ERROR: Detected XID 79 for GPU 0") == V{"xid 79", "dcgm xid_error"});
  // Xid and named codes together; negated named codes are ruled out like Xids.
  CHECK(FaultCodesInText("Xid 31 then CUDA error: an illegal memory access was encountered") ==
        V{"xid 31", "cuda illegal_address"});
  CHECK(FaultCodesInText("no uncorrectable ECC error encountered since the reset") == V{});
  CHECK(FaultCodesInText("IBV_WC_RETRY_EXC_ERR not seen on this port") == V{});
  // Words that are not codes.
  CHECK(FaultCodesInText("cuda graphs enabled; nccl version 2.21.5; DCGM_FR_ alone") == V{});
  CHECK(FaultCodesInText("xIBV_WC_RETRY_EXC_ERRx") == V{});
}

TEST_CASE("fault codes: NCCL's completion status is looked for near its phrase only (review RV-FC)") {
  // Before: the status key was searched from each "completion from peer" to the end of the text, so
  // 1 MB of "completion from peer with wwwwwww " (no status) took quadratic time: vigil diagnose on
  // an alert whose description held it ran 96 s (3.7 s at daaaaa8).
  std::string text;
  while (text.size() < (1u << 20)) text += "completion from peer with wwwwwww ";
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(NamedFaultCodeMentions(text).empty());
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK_MESSAGE(s < 2.0, s);
  // The status within reach of the phrase is still read; one further away is not.
  CHECK(FaultCodesInText("NET/IB : Got completion from peer 10.0.0.2<4312> with status=12 opcode=0") == V{"ibv retry_exc_err"});
  std::string far = "NET/IB : Got completion from peer 10.0.0.2<4312>";
  far.append(200, ' ');
  far += "with status=12";
  CHECK(FaultCodesInText(far).empty());
}

TEST_CASE("fault codes: the table gives family, category and cause (FC)") {
  CHECK(FaultCodeFamily("sxid 12028") == "xid");
  CHECK(FaultCodeFamily("cuda illegal_address") == "cuda");
  CHECK(FaultCodeIsCause("ibv retry_exc_err"));
  CHECK_FALSE(FaultCodeIsCause("ibv wr_flush_err"));
  CHECK_FALSE(FaultCodeIsCause("nccl remote_error"));
  CHECK_FALSE(FaultCodeIsCause("nccl system_error"));
  CHECK(FaultCodeIsCause("nccl invalid_usage"));
  CHECK(FaultCodeIsCause("xid 79"));
  REQUIRE(FaultCodeInfoOf("dcgm pcie_replay_threshold_violation") != nullptr);
  CHECK(FaultCodeInfoOf("dcgm pcie_replay_threshold_violation")->category == "pcie_link_degraded");
  // Every category the table names is one of the taxonomy's.
  std::ifstream in(SourceTreePath("data/taxonomy.json"));
  REQUIRE(in.good());
  {
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string taxonomy = ss.str();
    for (const FaultCodeInfo& f : FaultCodeTable()) {
      if (f.category.empty()) continue;
      std::string id = "\"";
      id += f.category;
      id += "\"";
      CHECK_MESSAGE(taxonomy.find(id) != std::string::npos, f.code);
    }
  }
}

TEST_CASE("fault codes: the shipped pack maps every code of a known category to it (FC)") {
  // Before this change (pack at daaaaa8): DCGM_FR_VOLATILE_DBE_DETECTED, DCGM_FR_CLOCKS_EVENT_THERMAL,
  // DCGM_FR_CLOCKS_EVENT_POWER, DCGM_FR_PCIE_REPLAY_THRESHOLD_VIOLATION, cudaErrorIllegalInstruction,
  // DCGM_FR_NVLINK_ERROR_THRESHOLD, CUDA_ERROR_MISALIGNED_ADDRESS and CUDA_ERROR_ASSERT lines matched
  // no signature of their category.
  const KnowledgeBase& kb = testing::ShippedPack();
  for (const FaultCodeInfo& f : FaultCodeTable()) {
    if (f.category.empty() || f.family == "xid") continue;
    std::vector<std::string> lines;
    for (std::string_view sp : f.spellings) {
      std::string line = "RuntimeError: ";
      line += sp;
      lines.push_back(std::move(line));
    }
    if (f.family == "dcgm") {
      std::string name(f.code.substr(5));
      for (char& ch : name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      std::string line = "| Diagnostic | Fail - GPU3: DCGM_FR_";
      line += name;
      line += " |";
      lines.push_back(std::move(line));
    }
    auto matches = kb.MatchLogLines(lines);
    REQUIRE(matches.ok());
    std::set<size_t> mapped;
    for (const SignatureMatch& m : *matches) {
      if (m.category == f.category) mapped.insert(m.line_index);
    }
    CHECK_MESSAGE(!mapped.empty(), f.code);
    CHECK_MESSAGE(mapped.size() == lines.size(), f.code);  // every spelling
  }
}

TEST_CASE("fault codes: a code list continues with codes, not with a count and its noun (FC)") {
  // Before: {"xid 79", "xid 3"}.
  CHECK(FaultCodesInText("Xid 79, 3 GPUs affected") == V{"xid 79"});
  CHECK(FaultCodesInText("Xid 48, 2 times in 10m") == V{"xid 48"});
  CHECK(FaultCodesInText("Xid 48, 63, 64") == V{"xid 48", "xid 63", "xid 64"});
  CHECK(FaultCodesInText("Xid 48, 63 on GPU 3") == V{"xid 48", "xid 63"});
  CHECK(FaultCodesInText("Xid 13, 31 and 43") == V{"xid 13", "xid 31"});
  CHECK(FaultCodesInText("Xid 48/94/95") == V{"xid 48", "xid 94", "xid 95"});
}

TEST_CASE("fault codes: an alert's CUDA / NCCL / IB / DCGM code no evidence holds counts beside the node's metrics (FC)") {
  // Before: AlertFactNotInEvidence false for each (no code read; no expression): the alert's fact
  // was dropped beside the node's CPU series.
  for (const char* summary :
       {"Training job failed on gpu-7: CUDA error: an illegal memory access was encountered",
        "dcgmi diag failed on gpu-7 GPU 3: DCGM_FR_VOLATILE_DBE_DETECTED",
        "NCCL WARN NET/IB: IBV_WC_RETRY_EXC_ERR on mlx5_1 of gpu-7"}) {
    Json j{{"alert", AlertSaying(summary)}};
    j["metrics"] = NodeCpuSeries();
    CHECK_MESSAGE(AlertFactNotInEvidence(CaseOf(j)), summary);
    CHECK_MESSAGE(AlertFactsLog(CaseOf(j)).has_value(), summary);
    // The node's log naming it: counted once.
    j["logs"] = Json::array({Json{{"source", "gpu-7/trainer"}, {"lines", {std::string("rank 3: ") + summary}}}});
    CHECK_MESSAGE(!AlertFactNotInEvidence(CaseOf(j)), summary);
  }
  // A code that names no fault of its own is no fact of the alert's: the node's evidence decides
  // (holdout7's x053 alert "ncclRemoteError" would have added its line beside the logs).
  for (const char* summary : {"16 ranks failed: ncclRemoteError", "ncclSystemError on rank 3",
                              "IBV_WC_WR_FLUSH_ERR on mlx5_1 of gpu-7"}) {
    Json j{{"alert", AlertSaying(summary)}};
    j["metrics"] = NodeCpuSeries();
    CHECK_MESSAGE(!AlertFactNotInEvidence(CaseOf(j)), summary);
  }
}

TEST_CASE("fault codes: an Xid in a log-derived exporter's labels is evidence when the window shows events (FC)") {
  Json alert = AlertSaying("GPU reported Xid 95 on gpu-7");
  auto with = [&](Json series) {
    Json j{{"alert", alert}};
    j["metrics"] = NodeCpuSeries();
    j["metrics"].push_back(series);
    return CaseOf(j);
  };
  // Before: true for each (only *XID* series' values were read, as the code itself: "xid 1", "xid 2").
  CHECK_FALSE(AlertFactNotInEvidence(with(Series("gpu_xid_errors_total", {{"Hostname", "gpu-7"}, {"gpu", "3"}, {"xid", "95"}}, {0, 0, 1, 2}))));
  CHECK_FALSE(AlertFactNotInEvidence(with(Series("kernel_log_events_total", {{"instance", "gpu-7"}, {"reason", "XidError"}, {"code", "95"}}, {3, 3, 4}))));
  CHECK_FALSE(AlertFactNotInEvidence(with(Series("problem_counter", {{"node", "gpu-7"}, {"reason", "GPUXid95"}}, {0, 1}))));
  // No event in the window (a counter that stands still), another code, another GPU: not evidence.
  CHECK(AlertFactNotInEvidence(with(Series("gpu_xid_errors_total", {{"Hostname", "gpu-7"}, {"gpu", "3"}, {"xid", "95"}}, {2, 2, 2}))));
  CHECK(AlertFactNotInEvidence(with(Series("gpu_xid_errors_total", {{"Hostname", "gpu-7"}, {"gpu", "3"}, {"xid", "79"}}, {0, 1}))));
  CHECK(AlertFactNotInEvidence(with(Series("gpu_xid_errors_total", {{"Hostname", "gpu-7"}, {"gpu", "5"}, {"xid", "95"}}, {0, 1}))));

  TimeSeries s;
  s.name = "problem_counter";
  s.labels = {{"reason", "GPUSXid12028"}};
  REQUIRE(s.Append(1, 0).ok());
  REQUIRE(s.Append(2, 1).ok());
  size_t first = 99;
  CHECK(SeriesLabelFaultCodes(s, &first) == V{"sxid 12028"});
  CHECK(first == 1);
  s.labels = {{"reason", "DCGM_FR_VOLATILE_DBE_DETECTED"}};
  CHECK(SeriesLabelFaultCodes(s) == V{"dcgm volatile_dbe_detected"});
}

TEST_CASE("fault codes: the reasoner reads an Xid counter's label as the XID field (FC)") {
  // rg7's hang whose GPU 6 raised Xid 79: the Xid published by a log-derived exporter as a counter
  // with the code in a label, in place of dcgm-exporter's Xid field. Before: nccl_collective_hang.
  std::ifstream in(SourceTreePath("agents/testdata/rg7/hang_dcgm_xid79.json"));
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  Json j = Json::parse(ss.str());
  Json metrics = Json::array();
  for (Json m : j["metrics"]) {
    if (m["name"] != "DCGM_FI_DEV_XID_ERRORS") {
      metrics.push_back(m);
      continue;
    }
    if (m["labels"]["gpu"] != "6") continue;
    m["name"] = "gpu_xid_errors_total";
    m["labels"]["xid"] = "79";
    for (Json& p : m["samples"]) p[1] = p[1].get<double>() > 0 ? 1.0 : 0.0;
    metrics.push_back(m);
  }
  j["metrics"] = metrics;
  const Diagnosis d = testing::RunJsonWithPack(j);
  CHECK(d.root_cause == "gpu_fallen_off_bus");
  CHECK(d.component == "n-02/gpu6");
}

}  // namespace
}  // namespace vigil
