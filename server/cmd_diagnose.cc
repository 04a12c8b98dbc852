// `vigil diagnose`: see server/cli.h for the command contract.
//
//   vigil diagnose --case FILE [--json] [--no-probes] [--log-budget N]
// Diagnoses one incident case (evals/diagnosis format). Probes are answered from the case's
// recorded results (replay; nothing runs on a GPU, so intrusive probes are allowed). The knowledge
// base comes from the config (data_dir, kb_pack_dir); an LLM is used when llm_url is set.
//
//   vigil diagnose --alert FILE|- [--json] [--no-probes] [--log-budget N] [--lookback D] [--metrics-step D]
// Triages each firing alert of an Alertmanager webhook payload (or of a single alert object, or
// an array of them; `-` reads stdin) with agents/alert_triage.h: metrics from Prometheus at
// `prometheus_url` when set (none otherwise, said so; each request limited by
// `prometheus_timeout`), probes through `probe_executor` (intrusive ones only with
// `allow_intrusive_probes`) unless --no-probes. Alerts whose `status` says resolved are skipped
// (one stderr line each); an alert that cannot be read (no alertname, a bad startsAt ...) is left
// out alone, said on stderr, the others triaged, and the exit status is then 2 (RVU2); a UTF-16 file
// is read as the UTF-8 it converts to, said on stderr. An alert without a status string is triaged even when its endsAt has
// passed (Prometheus's "valid until"; the diagnosis says so). Text: one diagnosis per firing
// alert under an `== alert NAME (fingerprint)` line; --json: an array with one --case-shaped
// object per firing alert, plus `alert` {alertname, fingerprint, labels, starts_at}.
//
//   vigil diagnose --log FILE|- [--log-source NAME] [--json] [--no-probes] [--log-budget N]
// A pasted log (plain text lines) diagnosed as a case of one log source (LoadPastedLog).
// --case, --log and --alert are exclusive; one is required (exit 2).
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "agents/alert_triage.h"
#include "agents/case_lines.h"
#include "agents/diagnosis_agent.h"
#include "agents/job_logs.h"
#include "agents/peer_series.h"
#include "agents/prose_source.h"
#include "agents/syslog_header.h"
#include "connectors/alertmanager.h"
#include "core/logging.h"
#include "core/clock.h"
#include "core/text_encoding.h"
#include "core/time_util.h"
#include "core/utf8.h"
#include "probes/probe.h"
#include "server/cli.h"
#include "server/stop_signal.h"
#include "server/terminal_safe.h"

namespace vigil {
namespace {

struct DiagnoseFlags {
  std::string case_path;
  std::string alert_path;
  std::string log_path;
  std::string log_source;
  std::string lookback = "30m";
  std::string metrics_step = "15s";
  bool json = false;
  bool no_probes = false;
  size_t log_budget = 20'000;
};

// The LLM client from the config (nullptr when llm_url is empty).
// An audit folder that cannot be written: no LLM call may be made (none goes unaudited), but
// the on-call engineer still gets the built-in reasoner's answer, as when the endpoint is
// down; one warning line here, and the output says so (mode "llm-error", a `not verified`
// line; `audit_error` is set). Every other LLM setting is checked first and still refuses the run
// (exit 2): before (2026-11-30, L) a bad folder skipped MakeLlmClient, so a malformed llm_url was
// only reported once the folder was mended. MakeLlmClient checks the audit folder after every
// other setting (connectors/openai_llm_client.cc), so when it fails with exactly the folder's own
// error, the folder is all that is wrong. No client is made then, so nothing can be sent.
Result<std::unique_ptr<LlmClient>> OpenLlm(const Config& config, std::string& audit_error) {
  Result<std::unique_ptr<LlmClient>> llm = MakeLlmClient(config);
  if (!llm.ok() && !config.GetString("llm_url").empty()) {
    const Status audit = CheckLlmAuditDir(LlmAuditDir(config));
    if (!audit.ok() && audit.code() == llm.status().code() && audit.message() == llm.status().message()) {
      audit_error = audit.message();
      llm = std::unique_ptr<LlmClient>();
    }
  }
  if (llm.ok() && !audit_error.empty()) {  // said with -q too: the answer is not the LLM's asked for
    std::fprintf(stderr, "vigil diagnose: warning: LLM not used: %s; answering with the built-in reasoner\n",
                 audit_error.c_str());
  }
  return llm;
}

// What both paths reason with: the knowledge base and the LLM client (nullptr: built-in).
struct Reasoning {
  std::unique_ptr<KnowledgeBase> kb;
  std::unique_ptr<LlmClient> llm;
  std::string audit_error;  // set when an unwritable audit folder left the LLM out (OpenLlm)
};

Result<Reasoning> OpenReasoning(const Config& config) {
  Reasoning r;
  auto kb = KnowledgeBase::Open(KnowledgeOptionsFromConfig(config));
  if (!kb.ok()) return WithDataDirNote(kb.status().WithContext("knowledge base"), config.GetString("data_dir"));
  r.kb = std::move(*kb);
  ASSIGN_OR_RETURN(r.llm, OpenLlm(config, r.audit_error));
  return r;
}

void MarkAuditFallback(DiagnosisReport& report, const std::string& audit_error) {
  if (audit_error.empty()) return;
  // The provenance the endpoint-down fallback gives.
  report.mode = "llm-error";
  report.diagnosis.unverified.push_back("LLM not asked: " + audit_error + "; the built-in answer stands");
}

// The --alert input, at most `max_bytes` (a larger file or stdin is refused before it is held).
Result<std::string> ReadAlertInput(const std::string& path, size_t max_bytes) {
  auto too_large = [&](const std::string& what) {
    return InvalidArgumentError(what + ": more than " + std::to_string(max_bytes) +
                                " bytes, the limit of one Alertmanager payload");
  };
  if (path != "-") {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec && size > max_bytes) return too_large(path);
    auto text = ReadFile(path);
    if (!text.ok()) return InvalidArgumentError("alert file " + text.status().message());
    return text;
  }
  std::string text;
  char buf[1 << 16];
  while (std::cin.read(buf, sizeof buf) || std::cin.gcount() > 0) {
    text.append(buf, static_cast<size_t>(std::cin.gcount()));
    if (text.size() > max_bytes) return too_large("stdin");
  }
  return text;
}

int RunAlertTriage(const DiagnoseFlags& f, const Config& config) {
  auto lookback = ParseDurationMs(f.lookback);
  if (!lookback.ok()) return ReportError(InvalidArgumentError("--lookback: " + lookback.status().message()));
  auto step = ParseDurationMs(f.metrics_step);
  if (!step.ok()) return ReportError(InvalidArgumentError("--metrics-step: " + step.status().message()));
  if (*step <= 0) return ReportError(InvalidArgumentError("--metrics-step: must be more than 0s"));
  const std::string what = f.alert_path == "-" ? "stdin" : f.alert_path;
  const AlertmanagerLimits limits;
  auto text = ReadAlertInput(f.alert_path, limits.max_body_bytes);
  if (!text.ok()) return ReportError(text.status());
  const int64_t now_ms = SystemClock()->NowMs();
  auto input = ParseAlertmanagerInput(*text, limits);
  if (!input.ok()) {
    // A body too large is bad input here too: the user handed it in.
    return ReportError(InvalidArgumentError(what + ": " + input.status().message()));
  }
  for (const std::string& note : input->notes) {  // a UTF-16 file, converted
    if (!Says(LogLevel::kInfo)) break;
    std::fprintf(stderr, "vigil diagnose: %s: %s\n", TerminalSafe(what, false).c_str(), note.c_str());
  }
  // An alert that cannot be read is left out alone, as the webhook does (RVU2); exit 2 at the end.
  if (input->alerts.empty() && !input->refused.empty()) {
    std::string more;
    if (input->refused.size() > 1) {
      more = " (and " + std::to_string(input->refused.size() - 1) + " more: no alert of it could be read)";
    }
    return ReportError(InvalidArgumentError(what + ": " + input->refused.front().error + more));
  }
  for (const RefusedAlert& r : input->refused) {
    std::fprintf(stderr, "vigil diagnose: error: %s: %s: this alert is left out, the others are triaged\n",
                 TerminalSafe(what, false).c_str(), TerminalSafe(r.error, false).c_str());
  }
  if (input->truncated_alerts > 0 && Says(LogLevel::kWarn)) {
    std::fprintf(stderr, "vigil diagnose: warning: %s: Alertmanager left out %lld alerts of this group (truncatedAlerts)\n",
                 what.c_str(), static_cast<long long>(input->truncated_alerts));
  }

  auto budget = VerificationBudgetFromConfig(config);  // before any probe runs
  if (!budget.ok()) return ReportError(budget.status());
  auto prometheus = MakeTriageMetricSource(config, *step);
  if (!prometheus.ok()) return ReportError(prometheus.status());
  auto job_logs = MakeJobLogSource(config);  // the alerted job's own log (job_log_path / job_log_slurm)
  if (!job_logs.ok()) return ReportError(job_logs.status());
  const std::unique_ptr<SlurmJobNodeSource> job_nodes = MakeJobNodeSource(config);  // the peers (peer_series.h)
  auto reasoning = OpenReasoning(config);
  if (!reasoning.ok()) return ReportError(reasoning.status());
  std::unique_ptr<ProbeExecutor> probes;
  if (!f.no_probes) {
    auto exec = MakeProbeExecutor(config.GetString("probe_executor"));
    if (!exec.ok()) return ReportError(InvalidArgumentError("probe_executor: " + exec.status().message()));
    probes = std::move(*exec);
    if (Status s = CheckVerificationBudgetGrace(*budget, *probes, config.SourceOf("verification_budget_s")); !s.ok()) {
      return ReportError(s);
    }
  }

  TriageOptions o;
  o.kb = reasoning->kb.get();
  o.llm = reasoning->llm.get();
  o.metrics = prometheus->get();
  o.job_logs = job_logs->get();
  o.job_nodes = job_nodes.get();
  o.probes = probes.get();
  o.allow_intrusive = config.GetBool("allow_intrusive_probes");
  o.verification_budget_s = *budget;
  o.lookback_ms = *lookback;
  o.now_ms = now_ms;
  o.log_line_budget = f.log_budget;
  Json out = Json::array();
  size_t firing = 0;
  for (const Alert& alert : input->alerts) {
    if (alert.state != AlertState::kFiring) {
      if (Says(LogLevel::kInfo)) std::fprintf(stderr, "vigil diagnose: skipped %s alert %s (fingerprint %s)\n",
                   std::string(AlertStateName(alert.state)).c_str(), TerminalSafe(alert.rule, false).c_str(),
                   TerminalSafe(alert.fingerprint, false).c_str());
      continue;
    }
    ++firing;
    auto report = TriageAlert(alert, o);
    if (!report.ok()) return ReportError(report.status().WithContext("alert " + alert.rule + " (" + alert.fingerprint + ")"));
    MarkAuditFallback(*report, reasoning->audit_error);
    if (f.json) {
      Json j = report->ToJson();
      j["alert"] = Json{{"alertname", alert.rule}, {"fingerprint", alert.fingerprint}, {"labels", alert.labels},
                        {"starts_at", alert.starts_at_ms > 0 ? FormatRfc3339Ms(alert.starts_at_ms) : ""}};
      out.push_back(std::move(j));
    } else {
      std::cout << "== alert " << TerminalSafe(alert.rule, false) << " (" << TerminalSafe(alert.fingerprint, false)
                << ")" << (alert.starts_at_ms > 0 ? " since " + FormatRfc3339Ms(alert.starts_at_ms) : "") << "\n"
                << TerminalSafe(FormatDiagnosisText(*report), true);
    }
  }
  if (f.json) std::cout << DumpJson(out, 2) << "\n";
  if (firing == 0 && Says(LogLevel::kInfo)) {
    std::fprintf(stderr, "vigil diagnose: %s holds no firing alert (%zu resolved): nothing to diagnose\n", what.c_str(),
                 input->alerts.size());
  }
  if (!input->refused.empty()) {
    std::fprintf(stderr, "vigil diagnose: %s: %zu of %zu alerts could not be read (said above) and were left out: exit 2\n",
                 TerminalSafe(what, false).c_str(), input->refused.size(), input->refused.size() + input->alerts.size());
    return 2;
  }
  return 0;
}

// What a long `--log` run is doing, on a terminal: one line on stderr, "vigil diagnose: --log
// big.log: 417601 lines: diagnosing ... 3.5 s", redrawn in place every half second by a thread of
// its own and erased when the phase ends (before anything else is printed). Nothing when stderr is
// not a terminal (a pipe, a file, a test) or the log is small (RVU2, 2026-12-04: a 50 MB log ran
// for minutes with nothing shown; it takes seconds now, bench/HISTORY.md "pasted_log_bench").
class LogProgress {
 public:
  explicit LogProgress(bool tty) : tty_(tty && Says(LogLevel::kInfo)) {}
  ~LogProgress() { Stop(); }
  LogProgress(const LogProgress&) = delete;
  LogProgress& operator=(const LogProgress&) = delete;

  // Shows `what` followed by the seconds since this call, until Stop.
  void Start(std::string what) {
    if (!tty_) return;
    Stop();
    what_ = std::move(what);
    running_ = true;
    const auto start = std::chrono::steady_clock::now();
    thread_ = std::thread([this, start] {
      std::unique_lock<std::mutex> lock(mu_);
      do {
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::fprintf(stderr, "\r\x1b[Kvigil diagnose: %s ... %.1f s", what_.c_str(), s);
        std::fflush(stderr);
      } while (!cv_.wait_for(lock, std::chrono::milliseconds(500), [this] { return !running_; }));
      std::fputs("\r\x1b[K", stderr);  // the line erased: what follows starts at column 0
      std::fflush(stderr);
    });
  }
  void Stop() {
    if (!thread_.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      running_ = false;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  bool tty_;
  std::string what_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool running_ = false;
  std::thread thread_;
};

// A log of at least this many bytes gets LogProgress's line on a terminal.
constexpr size_t kProgressLogBytes = 4u << 20;

// A log saved on Windows is often UTF-16 (PowerShell's `>` and `Out-File` write UTF-16LE with a
// byte order mark; some exports have none) or UTF-8 behind a BOM (Notepad). Every NUL byte of UTF-16
// is valid UTF-8, so such a log was read as noise with no word in it and answered `unknown`, exit 0
// (RVU, 2026-12-04). Returns how it was converted ("" when `text` is left as it is): UTF-16 as
// core/text_encoding.h detects it (the same detector as the Alertmanager body's), a lone surrogate
// or an odd last byte becoming U+FFFD (a log is read whatever it holds; the count is said). A UTF-8
// BOM is dropped.
std::string DecodeWindowsText(std::string& text) {
  if (StripUtf8Bom(text)) return "";
  const std::optional<Utf16Layout> utf16 = DetectUtf16(text);
  if (!utf16) return "";
  size_t replaced = 0;
  text = Utf16ToUtf8(text, *utf16, InvalidUtf16::kReplace, &replaced).value();  // kReplace never fails
  std::string said = DescribeUtf16(*utf16);
  if (replaced > 0) said += " with " + std::to_string(replaced) + " units that are not UTF-16 (each read as U+FFFD)";
  return said;
}

// More than this share of a --log file's bytes not text: a binary file, refused.
constexpr size_t kMaxNonTextPercent = 30;

// Bytes of `text` that are not text: each byte of an invalid UTF-8 sequence, and control
// characters but tab, line feed, vertical tab, form feed, carriage return and escape (ANSI colours).
size_t NonTextBytes(std::string_view text) {
  size_t odd = 0;
  auto controls = [](std::string_view valid) {
    return static_cast<size_t>(std::count_if(valid.begin(), valid.end(), [](char ch) {
      const auto c = static_cast<unsigned char>(ch);
      return (c < 0x20 && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r' && c != 0x1b) || c == 0x7f;
    }));
  };
  size_t bad = 0;
  while (!IsValidUtf8(text, &bad)) {
    odd += controls(text.substr(0, bad)) + 1;
    text.remove_prefix(bad + 1);
  }
  return odd + controls(text);
}

// `--log FILE|-`: a pasted log as a case of one log source (RV-OPS, 2026-12-03: a pasted log had
// to be wrapped in a case file's JSON by hand first). Lines as in the file (numbered from 1, so
// the evidence's `source:N` is the file's line N; a trailing CR dropped), each cut and counted as a
// case file's are (CaseLimits); bytes that are not UTF-8 text become U+FFFD, counted in a note. A
// gzip / zstd / xz / bzip2 file is refused (InvalidArgument) with the command that decompresses it.
Result<DiagnosisCase> LoadPastedLog(const std::string& path, const std::string& source_flag, LogProgress& progress) {
  const CaseLimits limits;
  const std::string what = path == "-" ? "stdin" : path;
  std::string text;
  if (path != "-") {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) return InvalidArgumentError("--log " + path + ": is a folder, not a log file");
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec && size > limits.max_file_bytes) {
      return InvalidArgumentError("--log " + path + ": more than " + std::to_string(limits.max_file_bytes) +
                                  " bytes; pass the part around the failure");
    }
    if (!ec && size >= kProgressLogBytes) {
      char mb[32];
      std::snprintf(mb, sizeof mb, "%.1f MB", static_cast<double>(size) / 1e6);
      progress.Start("--log " + TerminalSafe(what, false) + ": reading " + mb);
    }
    auto read = ReadFile(path);
    progress.Stop();
    if (!read.ok()) return InvalidArgumentError("--log " + read.status().message());
    text = std::move(*read);
  } else {
    char buf[1 << 16];
    while (std::cin.read(buf, sizeof buf) || std::cin.gcount() > 0) {
      text.append(buf, static_cast<size_t>(std::cin.gcount()));
      if (text.size() > limits.max_file_bytes) {
        return InvalidArgumentError("--log -: stdin holds more than " + std::to_string(limits.max_file_bytes) +
                                    " bytes; pass the part around the failure");
      }
    }
  }
  // A compressed file (a rotated log's .gz, a journal export's .zst, a sosreport's .xz) is no text:
  // read as such, each of its bytes that is not UTF-8 became U+FFFD and a diagnosis of that noise
  // came out, exit 0 (review S35). Each magic starts with a byte no UTF-8 text starts with, or
  // (bzip2) a 10-byte header no log line is.
  struct Compressed {
    std::string_view magic, name, cat;
  };
  static constexpr Compressed kCompressed[] = {{"\x1f\x8b", "gzip", "zcat"},
                                               {"\x28\xb5\x2f\xfd", "zstd", "zstdcat"},
                                               {"\xfd" "7zXZ", "xz", "xzcat"},
                                               {"BZh91AY&SY", "bzip2", "bzcat"}};
  for (const Compressed& z : kCompressed) {
    if (text.compare(0, z.magic.size(), z.magic) != 0) continue;
    std::string hint(z.cat);
    hint += ' ';
    hint += path == "-" ? std::string("FILE") : path;
    return InvalidArgumentError("--log " + what + ": " + std::string(z.name) +
                                "-compressed, not a text log: decompress it first (" + hint +
                                " | vigil diagnose --log -)");
  }
  if (const std::string encoding = DecodeWindowsText(text); !encoding.empty() && Says(LogLevel::kInfo)) {
    std::fprintf(stderr, "vigil diagnose: --log %s: %s, read as UTF-8\n", TerminalSafe(what, false).c_str(),
                 encoding.c_str());
  }
  // A binary file (a core dump, an executable, an archive the magic above does not know) is no
  // log: each byte that is not UTF-8 became U+FFFD and a diagnosis of that noise came out, exit 0
  // (DOCCHK, 2026-12-04). A log with a few stray bytes (Latin-1 names, a cut sequence) is still read.
  if (const size_t odd = NonTextBytes(text); !text.empty() && odd * 100 > text.size() * kMaxNonTextPercent) {
    return InvalidArgumentError("--log " + what + ": not a text log: " + std::to_string(odd * 100 / text.size()) +
                                "% of its bytes are not text (not UTF-8, or control characters such as NUL): a binary "
                                "file? (a log of UTF-8 or UTF-16 text is read)");
  }
  DiagnosisCase c;
  const std::string name = path == "-" ? std::string("stdin") : std::filesystem::path(path).filename().string();
  c.id = "log:" + name;
  c.path = path == "-" ? "" : path;
  CaseLog log;
  log.source = source_flag.empty() ? name : source_flag;
  CaseLineBudget budget(limits);
  size_t not_utf8 = 0, nonblank = 0;
  size_t number = 0;
  // A log's failure is at its end: past the load limit (CaseLimits::max_lines) its first lines are
  // left out, not its last (RVU, 2026-12-04: a log of 1,000,101 lines had its last line, the
  // failure, dropped, and was answered `unknown`). Line numbers stay the file's.
  size_t total_lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
  if (!text.empty() && text.back() != '\n') ++total_lines;
  const size_t skip_head = total_lines > limits.max_lines ? total_lines - limits.max_lines : 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    ++number;
    if (number <= skip_head) {
      pos = end + 1;
      continue;
    }
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t bad = 0;
    if (!IsValidUtf8(line, &bad)) {
      ++not_utf8;
      std::string fixed;
      std::string_view rest = line;
      while (!IsValidUtf8(rest, &bad)) {
        fixed.append(rest.substr(0, bad));
        fixed += "\xEF\xBF\xBD";
        rest.remove_prefix(bad + 1);
      }
      fixed.append(rest);
      line = std::move(fixed);
    }
    if (line.find_first_not_of(" \t") != std::string::npos) ++nonblank;
    budget.Add(log, number, std::move(line));
  }
  log.original_lines = number;
  if (nonblank == 0) {
    return InvalidArgumentError("--log " + what + ": no log line in it (empty or blank lines only): nothing to diagnose");
  }
  // No --log-source: the one host the syslog headers name is the source's node (OPS3, 2026-12-03:
  // `Dec  3 02:19:58 gpu-a17 kernel: NVRM: Xid ... 79` was answered gpu_fallen_off_bus on "the
  // whole job": a file's name names no node). Lines of several hosts name none.
  // Only when every line has such a header (OPS4A, 2026-12-03): in a mixed paste (a job's log with
  // one host's kernel line) the source's host put rank 27's watchdog timeout on that host
  // ("nccl_collective_hang on h100-s07/rank27"); the reasoner places each syslog-headed line on its
  // own host (agents/syslog_header.h), the others stay where they were written.
  if (source_flag.empty()) {
    std::set<std::string> hosts;
    bool all_headed = true;
    for (const LogLine& l : log.lines) {
      if (l.text.find_first_not_of(" \t\r") == std::string::npos) continue;
      std::string host = SyslogHeaderHost(l.text);  // agents/syslog_header.h
      if (host.empty()) {
        all_headed = false;
        break;
      }
      hosts.insert(std::move(host));
      if (hosts.size() > 1) break;
    }
    if (all_headed && hosts.size() == 1) {
      log.source = *hosts.begin() + "/" + name;
      if (Says(LogLevel::kInfo)) std::fprintf(stderr, "vigil diagnose: --log %s: its syslog lines name one host, %s: read as the source %s (--log-source names another)\n",
                   TerminalSafe(what, false).c_str(), TerminalSafe(*hosts.begin(), false).c_str(),
                   TerminalSafe(log.source, false).c_str());
    }
  }
  // Plain-text prose (a .txt runbook, an on-call wiki page) is read as a log (DOG7, decided): its
  // sentences naming faults read as faults. Not dropped: PLC27 tried reading a source of no
  // log-shaped line as prose and lost the evidence of on-call chat, `top` rows, ncclras and dcgmi
  // tables (prose_source.h). Said instead, in the output's notes, when no line of at least 3 has a
  // log line's shape (agents/prose_source.h LineHasLogShape: a time, a level word, a `prefix:` head,
  // key=value, a hex number...). A Markdown document is PLC27's (its prose is skipped) and said there.
  {
    size_t lines = 0, shaped = 0;
    for (const LogLine& l : log.lines) {
      if (l.text.find_first_not_of(" \t\r") == std::string::npos) continue;
      ++lines;
      shaped += LineHasLogShape(l.text) ? 1 : 0;
    }
    if (lines >= 3 && shaped == 0) {
      c.notes.push_back("no line of --log " + what + " has a log line's shape (a time stamp, a level word, a `prefix:` "
                        "head, key=value): it was read as people's words, which are evidence (on-call notes); if it is "
                        "a runbook, a wiki page or other documentation, the faults it describes were read as if they "
                        "had happened: give the log itself");
    }
  }
  c.logs.push_back(std::move(log));
  if (not_utf8 > 0) {
    c.notes.push_back(std::to_string(not_utf8) + " log lines of " + what +
                      " held bytes that are not UTF-8 text; each such byte is read as U+FFFD");
  }
  if (skip_head > 0) {
    c.notes.push_back("the first " + std::to_string(skip_head) + " lines of " + what +
                      " were not read: a log is read up to " + std::to_string(limits.max_lines) +
                      " lines, its last ones (pass the part around the failure to read it all)");
  }
  budget.AppendNotes(c.notes);
  return c;
}

// --case and --log: one case, its recorded probe results replayed (none recorded: each planned
// probe is listed unavailable, with what it would check).
int DiagnoseOneCase(DiagnosisCase c, const DiagnoseFlags& f, const Config& config, LogProgress* progress = nullptr) {
  c.expected.reset();  // the answer key is for the scorer only
  auto reasoning = OpenReasoning(config);
  if (!reasoning.ok()) return ReportError(reasoning.status());
  std::unique_ptr<ProbeExecutor> probes;
  if (!f.no_probes) {
    auto exec = MakeCaseProbeExecutor(c);
    if (!exec.ok()) return ReportError(exec.status());
    probes = std::move(*exec);
  }
  DiagnosisAgentOptions options;
  options.kb = reasoning->kb.get();
  options.llm = reasoning->llm.get();
  options.reasoner.allow_intrusive = true;  // replayed results only
  options.log_line_budget = f.log_budget;
  DiagnosisAgent agent(options);
  if (progress != nullptr) {  // a pasted log: its one source
    size_t lines = 0, bytes = 0;
    for (const CaseLog& log : c.logs) {
      lines += log.lines.size();
      for (const LogLine& l : log.lines) bytes += l.text.size();
    }
    if (bytes >= kProgressLogBytes) {
      progress->Start("--log " + TerminalSafe(c.logs.empty() ? c.id : c.logs.front().source, false) + ": " +
                      std::to_string(lines) + " lines: diagnosing");
    }
  }
  auto report = agent.Diagnose(std::move(c), probes.get());
  if (progress != nullptr) progress->Stop();
  if (!report.ok()) return ReportError(report.status());
  MarkAuditFallback(*report, reasoning->audit_error);
  if (f.json) {
    std::cout << DumpJson(report->ToJson(), 2) << "\n";
  } else {
    std::cout << TerminalSafe(FormatDiagnosisText(*report), true);
  }
  return 0;
}

}  // namespace

CommandRunner SetupDiagnose(CLI::App& sub) {
  auto f = std::make_shared<DiagnoseFlags>();
  sub.add_option("--case", f->case_path, "incident case file (JSON, evals/diagnosis format; - = stdin)");
  sub.add_option("--log", f->log_path,
                 "a pasted log: a plain text file (- = stdin) of log lines (kernel log, rank stderr, NCCL, "
                 "Slurm), diagnosed as one log source");
  sub.add_option("--log-source", f->log_source,
                 "--log: the source's name, e.g. node-3/rank0/stderr: the node, rank or GPU it names is where the "
                 "diagnosis places what the lines do not name (default: the file's name, or stdin; HOST/FILE when the "
                 "lines' syslog headers name one host)");
  sub.add_option("--alert", f->alert_path,
                 "Alertmanager webhook payload, alert object or array of alerts (JSON file, - = stdin): "
                 "each firing alert is triaged with metrics from prometheus_url");
  sub.add_option("--lookback", f->lookback, "--alert: metrics read this long before the alert's startsAt (and 5m after)")
      ->capture_default_str();
  sub.add_option("--metrics-step", f->metrics_step, "--alert: Prometheus evaluation step of the metrics read")
      ->capture_default_str();
  sub.add_flag("--json", f->json, "print the diagnosis and its trace as JSON");
  sub.add_flag("--no-probes", f->no_probes,
               "do not run probes (--case: replayed; --alert: probe_executor); diagnose from logs and metrics only");
  sub.add_option("--log-budget", f->log_budget, "log lines kept for reasoning (signature matches always kept)")
      ->capture_default_str();
  sub.footer(
      "Exit status: 0 diagnosed (--alert holding no firing alert too, said on stderr); 1 the work failed "
      "(e.g. the knowledge base could not be opened); 2 bad input (a missing or malformed --case, --log or "
      "--alert file, a case with nothing to diagnose, none or two of --case / --log / --alert, a bad setting; "
      "an alert of --alert that cannot be read, after the others were triaged).");
  auto body = [f](const Config& config) -> int {
    const int given = !f->case_path.empty() + !f->alert_path.empty() + !f->log_path.empty();
    if (given != 1) {
      return ReportError(InvalidArgumentError(
          given == 0 ? "diagnose: one of --alert, --log or --case is required (--alert FILE: an Alertmanager webhook or "
                       "alert; --log FILE|-: a pasted log; --case FILE: an incident case)"
                     : "diagnose: --case, --log and --alert are exclusive: give one"));
    }
    if (!f->log_source.empty() && f->log_path.empty()) {
      return ReportError(InvalidArgumentError("diagnose: --log-source names the source of --log; give --log too"));
    }
    if (!f->alert_path.empty()) return RunAlertTriage(*f, config);
    if (!f->log_path.empty()) {
      LogProgress progress(::isatty(2) != 0);
      auto c = LoadPastedLog(f->log_path, f->log_source, progress);
      if (!c.ok()) return ReportError(c.status());
      return DiagnoseOneCase(std::move(*c), *f, config, &progress);
    }
    // `--case -` reads the case from stdin, as --alert - and --log - do (DOG6, 2026-12-05: "case file -:
    // No such file or directory" for a script piping a case in).
    Result<DiagnosisCase> c = NotFoundError("");
    if (f->case_path == "-") {
      const CaseLimits limits;
      std::string text;
      char buf[1 << 16];
      while (std::cin.read(buf, sizeof buf) || std::cin.gcount() > 0) {
        text.append(buf, static_cast<size_t>(std::cin.gcount()));
        if (text.size() > limits.max_file_bytes) {
          return ReportError(InvalidArgumentError("--case - (stdin): more than " + std::to_string(limits.max_file_bytes) +
                                                  " bytes, the limit of one case file"));
        }
      }
      auto j = ParseJson(text, "--case - (stdin)");
      if (!j.ok()) return ReportError(InvalidArgumentError(j.status().message()));
      c = ParseCase(*j, "--case - (stdin)", limits);
      if (!c.ok()) return ReportError(InvalidArgumentError(c.status().message()));
    } else {
      c = LoadCase(f->case_path);
    }
    if (!c.ok()) return ReportError(c.status().code() == StatusCode::kNotFound
                                        ? InvalidArgumentError(c.status().message()) : c.status());
    return DiagnoseOneCase(std::move(*c), *f, config);
  };
  // SIGINT / SIGTERM: the probes are ended (their process groups), the diagnosis goes on without
  // them, exit 130 / 143; a second signal or 10 s more: at once (server/stop_signal.h; DOG7).
  return [body](const Config& config) -> int {
    StopOnSignal stop("diagnose", 10);
    return stop.Exit(body(config));
  };
}

}  // namespace vigil
