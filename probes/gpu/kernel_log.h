// Kernel-log reading for the `node.kernel_log` probe: NVRM Xid lines, NVLink errors, PCIe AER,
// mlx5 / InfiniBand port events and the OOM killer, parsed from what `journalctl -k`, `dmesg` or
// /dev/kmsg print, and judged over a time window.
//
// Compiled into `vigil-probe` (probes/gpu/, which links no project library) and into the host
// library vigil_probes (probes/CMakeLists.txt), so the parser is tested in the CPU build
// (probes/kernel_log_test.cc). Depends on the C++ standard library, POSIX and nlohmann-json only.
//
// Line formats accepted (one record a line; the format is detected per line):
//   dmesg raw          "[ 1234.567890] NVRM: Xid (PCI:0000:3b:00): 79, ..."  (also "<4>[ 1234.5] ...")
//   dmesg -T           "[Tue Dec  1 05:40:01 2026] NVRM: ..."                 (local time)
//   dmesg --time-format iso, journalctl -k -o short-iso[-precise]
//                      "2026-12-01T05:40:01,123456+00:00 NVRM: ..." /
//                      "2026-12-01T05:40:01+0000 host kernel: NVRM: ..."
//   syslog / journalctl -k -o short
//                      "Dec  1 05:40:01 host kernel: NVRM: ..."              (local time, year of `now`)
//   /dev/kmsg          "4,1234,5678901234,-;NVRM: ..."                        (usec since boot)
// Anything else (binary junk, an unknown format, /dev/kmsg's " KEY=value" continuation lines) is
// counted in `unknown` and otherwise ignored. Lines longer than kMaxLineBytes are cut (counted).
//
// Thread safety: ParseKernelLog, ClassifyKernelMessage, JudgeKernelLog and PciKey are pure;
// ReadKernelLog runs commands / reads files.
#pragma once

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::kernel_log {

inline constexpr size_t kMaxLineBytes = 16384;        // longer lines are cut here
inline constexpr size_t kMaxTextBytes = 400;          // a finding keeps this much of its message
inline constexpr size_t kMaxReadBytes = 64u << 20;    // ReadKernelLog keeps the newest this much
inline constexpr size_t kMaxFindingsKept = 200;       // JudgeKernelLog lists at most this many

// kNvrm: an NVRM line that is no Xid and reports a GPU the driver lost or could not bring up
// ("NVRM: GPU 0000:3b:00.0: GPU has fallen off the bus.", "NVRM: RmInitAdapter failed! (...)",
// "NVRM: rm_init_adapter failed, device minor number 0").
enum class Kind { kXid, kAer, kNvlink, kIbLink, kOom, kNvrm, kOther };
std::string_view KindName(Kind k);  // "xid", "aer", "nvlink", "ib_link", "oom", "nvrm", "other"

struct Finding {
  double time = 0;          // seconds since the epoch; 0 when the line's time is unknown
  Kind kind = Kind::kOther;
  std::string pci;          // PciKey of the device the line names ("0000:3b:00"), "" when none
  int gpu = -1;             // GPU index from the bus-id map, -1 when unknown
  int xid = -1;             // the Xid number (kind xid), else -1
  std::string category;     // taxonomy id (KernelLogCategory), "" when none fits
  std::string text;         // the message (after the time/host prefix), cut to kMaxTextBytes
  long long pid = -1;       // an Xid line's "pid=1234" (-1: none, or "pid='<unknown>'")
  std::string process;      // an Xid line's "name=python3" ("" when none or "<unknown>")
};

// Normalized PCI bus id "dddd:bb:dd" (lower-case hex, function dropped) from "0000:3B:00.0",
// "00000000:3b:00.0" (NVML), "PCI:0000:3b:00" (NVRM) or "3b:00.0" (domain 0). "" when `s` is none.
std::string PciKey(std::string_view s);

// The kind, PCI device and Xid number a kernel message (no time prefix) reports; kind kOther for
// every line that is none of the kinds above. `category` is set from KernelLogCategory.
Finding ClassifyKernelMessage(std::string_view message);

// Taxonomy category (../shared/taxonomy.json) a finding supports:
//   Xid 79 gpu_fallen_off_bus; 48, 94, 95 gpu_memory_uncorrectable_ecc; 63, 64
//   gpu_row_remap_failure; 62, 119, 120, 122, 123, 124 gpu_firmware_error (122-124: the PMU's RPC
//   to the SPI flash failed to read / write / erase); 74 nvlink_error; 13, 31, 43
//   illegal_memory_access; other Xids "" (e.g. 45, the driver cleaning up after a killed process;
//   92, a high rate of corrected single-bit ECC errors, which is no uncorrectable error): the
//   verdict lists those as "uncategorised Xid N" (details.uncategorised), never drops them;
//   aer pcie_link_degraded; nvlink nvlink_error; ib_link ib_link_failure; oom host_oom;
//   nvrm gpu_fallen_off_bus (the driver lost the GPU or could not initialise it).
std::string KernelLogCategory(Kind kind, int xid);

// The GPU UUID an "NVRM: GPU at PCI:0000:3b:00: GPU-<uuid>" line names (the driver prints it before
// a GPU's first Xid): sets `pci` (PciKey) and `uuid` ("GPU-..."); false for any other message.
bool ParseGpuUuidLine(std::string_view message, std::string& pci, std::string& uuid);

struct ParseOptions {
  double boot_time = 0;  // epoch seconds of boot, for dmesg raw / kmsg times; 0: those times unknown
  double now = 0;        // epoch seconds; the year of syslog lines (which carry none)
  std::map<std::string, int> gpu_by_pci;  // PciKey -> GPU index
};

struct Scan {
  std::vector<Finding> findings;  // every non-`other` line, in log order
  size_t lines = 0;               // records seen (empty lines not counted)
  size_t parsed = 0;              // records whose time prefix was recognised
  size_t unknown = 0;             // records in no known format (ignored)
  size_t cut = 0;                 // records longer than kMaxLineBytes (cut, still parsed)
  double oldest = 0, newest = 0;  // times of the first / last record with a known time (0: none)
  double boot_time = 0;           // ParseOptions::boot_time
  std::map<std::string, std::string> uuid_by_pci;  // from "NVRM: GPU at PCI:...: GPU-<uuid>" lines
};

// Parses a whole log text. Never throws; any bytes are accepted.
Scan ParseKernelLog(std::string_view text, const ParseOptions& options);

// Where the log came from, for the verdict's words.
struct LogText {
  std::string source;               // "journalctl -k", "dmesg", "/dev/kmsg", "file PATH"
  std::string text;
  bool ring_buffer = false;         // dmesg / kmsg: old lines may have been overwritten
  size_t dropped_bytes = 0;         // oldest bytes not kept (a log longer than ReadOptions::max_bytes)
  std::vector<std::string> tried;   // what was tried before `source`, each with why it failed
};

struct ReadOptions {
  double since_s = 3600;   // window, seconds before now
  double now = 0;          // epoch seconds
  std::string log_file;    // test hook: read this file instead of the system's log
  double command_timeout_s = 10;
  size_t max_bytes = kMaxReadBytes;  // a longer log keeps its newest max_bytes (whole lines)
};

// Reads the kernel log: `log_file` when set; else the journal's kernel lines over the window, across
// boots (`journalctl _TRANSPORT=kernel --since`, source "journalctl -k"; when `journalctl -k` has
// kernel lines for this boot), else `dmesg` (ISO times, then raw), else /dev/kmsg. Of a log longer
// than `max_bytes` the newest `max_bytes` are kept (from a line start), the rest counted in
// LogText::dropped_bytes: the lines nearest now are the ones the window asks about. On failure the
// error names everything tried and why each failed ("journalctl -k: no journal files; dmesg: read
// kernel buffer failed: Operation not permitted; /dev/kmsg: Permission denied").
struct ReadResult {
  std::optional<LogText> log;
  std::string error;
};
ReadResult ReadKernelLog(const ReadOptions& options);

// GPU index per PCI bus id from /proc/driver/nvidia/gpus/<bus id> (every GPU the driver has,
// including one CUDA no longer enumerates), numbered in PCI order (nvidia-smi's order and CUDA's
// with CUDA_DEVICE_ORDER=PCI_BUS_ID). Empty when the directory is not there.
std::map<std::string, int> DriverGpuMap(const std::string& dir = "/proc/driver/nvidia/gpus");

// The probe's verdict over findings in [now - since_s, now] (findings with an unknown time count
// as in the window): status "fail" when any xid/aer/nvlink/ib_link/oom finding is in it; else
// "unavailable" when lines were read but none in a known format (reason "no readable kernel log:
// none of the N lines read (SOURCE) is in a known kernel-log format"), else "pass". `reason` leads with the gravest finding ("gpu5 (PCI 0000:3b:00): Xid 79 ... "), so the
// reasoner's GPU and keyword reading picks it. metrics: findings_in_window, xid_lines, aer_lines,
// nvlink_lines, ib_link_lines, oom_lines, lines_read, unknown_lines, window_s, log_covers_s (how
// much of the window a ring buffer or a log cut to its newest bytes still holds: its oldest line, or
// the whole window when a ring buffer's oldest line is from the node's boot, within 10 s of it; at
// most the time since boot when the node booted inside the window and no line read is older),
// bytes_dropped (LogText::dropped_bytes; the reason says how far back the cut log reaches).
// details: source, tried, findings [{time, kind, pci, gpu, uuid, xid, pid, process, category,
// text}], categories (ordered, gravest first), gpus_by_category, gpu_uuids {pci: uuid} (from the
// driver's "GPU at PCI:" lines), uncategorised [{label: "uncategorised Xid N", xid, gpus, pcis,
// lines}] (Xids of no category, in the window: seen by the reasoner and the engineer, and named at
// the end of the reason; they confirm nothing). metric nvrm_lines counts kind-nvrm findings.
struct Verdict {
  std::string status;  // "pass" | "fail" | "unavailable"
  std::string reason;
  std::map<std::string, double> metrics;
  nlohmann::json details;
};
Verdict JudgeKernelLog(const Scan& scan, const LogText& log, double since_s, double now);

}  // namespace vigil::kernel_log
