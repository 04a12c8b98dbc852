#include "probes/gpu/kernel_log.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>

namespace vigil::kernel_log {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string LowerCopy(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

bool Contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

// Reads digits at s[i..]; returns false when there are none. At most 18 digits (no overflow).
bool ReadInt(std::string_view s, size_t& i, long long& v) {
  size_t start = i;
  v = 0;
  while (i < s.size() && IsDigit(s[i]) && i - start < 18) v = v * 10 + (s[i++] - '0');
  return i > start;
}

bool Expect(std::string_view s, size_t& i, char c) {
  if (i < s.size() && s[i] == c) {
    ++i;
    return true;
  }
  return false;
}

// Fixed-width digits.
bool ReadFixed(std::string_view s, size_t& i, int width, int& v) {
  v = 0;
  for (int k = 0; k < width; ++k) {
    if (i >= s.size() || !IsDigit(s[i])) return false;
    v = v * 10 + (s[i++] - '0');
  }
  return true;
}

// Seconds since the epoch of a calendar time, read as UTC or as local time.
double CalendarTime(int year, int mon, int day, int h, int m, int sec, bool utc) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = h;
  tm.tm_min = m;
  tm.tm_sec = sec;
  tm.tm_isdst = -1;
  return static_cast<double>(utc ? timegm(&tm) : mktime(&tm));
}

// "hh:mm:ss" at s[i..], in range.
bool ReadClock(std::string_view s, size_t& i, int& h, int& mi, int& se) {
  return ReadFixed(s, i, 2, h) && Expect(s, i, ':') && ReadFixed(s, i, 2, mi) && Expect(s, i, ':') &&
         ReadFixed(s, i, 2, se) && h <= 23 && mi <= 59 && se <= 60;
}

int MonthIndex(std::string_view s) {
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (s.size() < 3) return 0;
  for (int k = 0; k < 12; ++k) {
    if (s.substr(0, 3) == kMonths[k]) return k + 1;
  }
  return 0;
}

void SkipSpaces(std::string_view s, size_t& i) {
  while (i < s.size() && s[i] == ' ') ++i;
}

// "2026-12-01T05:40:01[,.frac](+00:00|+0000|Z)" at s[0..]; sets time and the index after it.
bool ParseIso(std::string_view s, double& t, size_t& end) {
  size_t i = 0;
  int y, mo, d, h, mi, se;
  if (!ReadFixed(s, i, 4, y) || !Expect(s, i, '-') || !ReadFixed(s, i, 2, mo) || !Expect(s, i, '-') ||
      !ReadFixed(s, i, 2, d) || !Expect(s, i, 'T') || !ReadClock(s, i, h, mi, se)) {
    return false;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return false;
  double frac = 0;
  if (i < s.size() && (s[i] == ',' || s[i] == '.')) {
    ++i;
    double scale = 0.1;
    while (i < s.size() && IsDigit(s[i])) {
      frac += (s[i++] - '0') * scale;
      scale /= 10;
    }
  }
  int offset_s = 0;
  if (i < s.size() && s[i] == 'Z') {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int sign = s[i++] == '-' ? -1 : 1;
    int oh, om;
    if (!ReadFixed(s, i, 2, oh)) return false;
    Expect(s, i, ':');
    if (!ReadFixed(s, i, 2, om)) return false;
    offset_s = sign * (oh * 3600 + om * 60);
  } else {
    return false;  // no zone: not a format we know
  }
  t = CalendarTime(y, mo, d, h, mi, se, /*utc=*/true) + frac - offset_s;
  end = i;
  return true;
}

// After a syslog/journal time: "host kernel: message" -> message; other writers -> nullopt.
std::optional<std::string_view> AfterHostKernel(std::string_view rest) {
  size_t i = 0;
  SkipSpaces(rest, i);
  size_t host_end = rest.find(' ', i);
  if (host_end == std::string_view::npos) return std::nullopt;
  std::string_view tail = rest.substr(host_end + 1);
  if (tail.substr(0, 8) != "kernel: ") return std::nullopt;
  tail.remove_prefix(8);
  // journalctl -o short keeps the kernel's own "[ 123.4] " in some setups: drop it.
  if (!tail.empty() && tail[0] == '[') {
    size_t close = tail.find("] ");
    if (close != std::string_view::npos && close < 20) tail.remove_prefix(close + 2);
  }
  return tail;
}

struct Record {
  bool known = false;
  double time = 0;  // 0 unknown
  std::string_view message;
};

Record ParseRecord(std::string_view line, const ParseOptions& opt) {
  Record r;
  size_t i = 0;
  // <pri> prefix of `dmesg -r` / syslog.
  if (!line.empty() && line[0] == '<') {
    size_t k = 1;
    while (k < line.size() && k < 5 && IsDigit(line[k])) ++k;
    if (k > 1 && k < line.size() && line[k] == '>') i = k + 1;
  }
  std::string_view s = line.substr(i);
  if (s.empty()) return r;
  if (s[0] == '[') {
    size_t j = 1;
    SkipSpaces(s, j);
    long long whole;
    if (ReadInt(s, j, whole) && j < s.size() && s[j] == '.') {  // raw: "[ 1234.567890] msg"
      ++j;
      double frac = 0, scale = 0.1;
      while (j < s.size() && IsDigit(s[j])) {
        frac += (s[j++] - '0') * scale;
        scale /= 10;
      }
      if (!Expect(s, j, ']')) return r;
      r.known = true;
      r.time = opt.boot_time > 0 ? opt.boot_time + static_cast<double>(whole) + frac : 0;
      if (j < s.size() && s[j] == ' ') ++j;
      r.message = s.substr(j);
      return r;
    }
    // -T: "[Tue Dec  1 05:40:01 2026] msg"
    j = 1;
    if (s.size() < 26 || s[4] != ' ') return r;
    j = 5;
    int mon = MonthIndex(s.substr(j));
    if (mon == 0) return r;
    j += 3;
    SkipSpaces(s, j);
    long long day;
    int h, mi, se, y;
    if (!ReadInt(s, j, day) || !Expect(s, j, ' ') || !ReadClock(s, j, h, mi, se) || !Expect(s, j, ' ') ||
        !ReadFixed(s, j, 4, y) || !Expect(s, j, ']') || day < 1 || day > 31) {
      return r;
    }
    r.known = true;
    r.time = CalendarTime(y, mon, static_cast<int>(day), h, mi, se, /*utc=*/false);
    if (j < s.size() && s[j] == ' ') ++j;
    r.message = s.substr(j);
    return r;
  }
  if (IsDigit(s[0])) {
    double t;
    size_t end;
    if (ParseIso(s, t, end)) {  // dmesg --time-format iso, journalctl -o short-iso
      std::string_view rest = s.substr(end);
      if (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
      r.known = true;
      r.time = t;
      if (auto msg = AfterHostKernel(rest)) r.message = *msg;
      else r.message = rest;
      return r;
    }
    // /dev/kmsg: "pri,seq,usec,flags[,...];message"
    size_t j = 0;
    long long pri, seq, usec;
    if (ReadInt(s, j, pri) && Expect(s, j, ',') && ReadInt(s, j, seq) && Expect(s, j, ',') && ReadInt(s, j, usec) &&
        Expect(s, j, ',')) {
      size_t semi = s.find(';', j);
      if (semi == std::string_view::npos || semi - j > 32) return r;
      r.known = true;
      r.time = opt.boot_time > 0 ? opt.boot_time + static_cast<double>(usec) / 1e6 : 0;
      r.message = s.substr(semi + 1);
      return r;
    }
    return r;
  }
  // syslog / journalctl -o short: "Dec  1 05:40:01 host kernel: msg"
  int mon = MonthIndex(s);
  if (mon != 0 && s.size() > 16 && s[3] == ' ') {
    size_t j = 4;
    SkipSpaces(s, j);
    long long day;
    int h, mi, se;
    if (!ReadInt(s, j, day) || !Expect(s, j, ' ') || !ReadClock(s, j, h, mi, se) || day < 1 || day > 31) return r;
    auto msg = AfterHostKernel(s.substr(j));
    if (!msg) return r;
    int year = 1970;
    if (opt.now > 0) {
      time_t now = static_cast<time_t>(opt.now);
      std::tm tm{};
      localtime_r(&now, &tm);
      year = tm.tm_year + 1900;
    }
    double t = CalendarTime(year, mon, static_cast<int>(day), h, mi, se, /*utc=*/false);
    if (opt.now > 0 && t > opt.now + 86400) t = CalendarTime(year - 1, mon, static_cast<int>(day), h, mi, se, false);
    r.known = true;
    r.time = t;
    r.message = *msg;
    return r;
  }
  return r;
}

// The first PCI address in `s` at or after `from` ("0000:3b:00.0", "00000000:3B:00.0",
// "0000:3b:00"): its PciKey, or "".
std::string FirstPci(std::string_view s, size_t from = 0) {
  for (size_t i = from; i + 7 <= s.size(); ++i) {
    if (!IsHex(s[i]) || (i > 0 && (IsHex(s[i - 1]) || s[i - 1] == ':'))) continue;
    std::string k = PciKey(s.substr(i, std::min<size_t>(18, s.size() - i)));
    if (!k.empty()) return k;
  }
  return "";
}

}  // namespace

std::string_view KindName(Kind k) {
  switch (k) {
    case Kind::kXid:
      return "xid";
    case Kind::kAer:
      return "aer";
    case Kind::kNvlink:
      return "nvlink";
    case Kind::kIbLink:
      return "ib_link";
    case Kind::kOom:
      return "oom";
    case Kind::kNvrm:
      return "nvrm";
    case Kind::kOther:
      return "other";
  }
  return "other";
}

std::string PciKey(std::string_view s) {
  if (s.substr(0, 4) == "PCI:" || s.substr(0, 4) == "pci:") s.remove_prefix(4);
  // "dddd[dddd]:bb:dd[.f]" or "bb:dd.f" (domain 0). Strict widths, so that a time ("05:40:01") or
  // a ratio is no address.
  size_t i = 0;
  auto hex_run = [&](unsigned long& v) {
    size_t start = i;
    v = 0;
    while (i < s.size() && IsHex(s[i]) && i - start < 9) {
      char c = Lower(s[i++]);
      v = v * 16 + static_cast<unsigned long>(IsDigit(c) ? c - '0' : c - 'a' + 10);
    }
    return i - start;
  };
  unsigned long a, b, c;
  size_t la = hex_run(a);
  if (!Expect(s, i, ':')) return "";
  size_t lb = hex_run(b);
  unsigned long domain, bus, dev;
  if ((la == 4 || la == 8) && lb == 2 && Expect(s, i, ':')) {
    if (hex_run(c) != 2) return "";
    domain = a;
    bus = b;
    dev = c;
  } else if (la == 2 && lb == 2 && i < s.size() && s[i] == '.') {
    domain = 0;
    bus = a;
    dev = b;
  } else {
    return "";
  }
  bool function = false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!(i < s.size() && IsDigit(s[i]) && s[i] <= '7')) return "";
    ++i;
    function = true;
  }
  // "0000:3b:00.0: AER ..." ends in a colon; "0000:3b:00:1" is no address.
  if (i < s.size() && (IsHex(s[i]) || (s[i] == ':' && !function))) return "";
  if (dev > 0x1f || domain > 0xffff) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lx:%02lx:%02lx", domain, bus, dev);
  return buf;
}

std::string KernelLogCategory(Kind kind, int xid) {
  switch (kind) {
    case Kind::kXid:
      switch (xid) {
        case 79:
          return "gpu_fallen_off_bus";
        case 48:
        case 94:
        case 95:
          return "gpu_memory_uncorrectable_ecc";  // 92 (high single-bit rate) is correctable: none
        case 63:
        case 64:
          return "gpu_row_remap_failure";
        case 62:
        case 119:
        case 120:
        // SPI PMU RPC read / write / erase failure (NVIDIA's Xid catalog): the power-management
        // micro-controller could not reach the board's SPI flash (firmware, InfoROM).
        case 122:
        case 123:
        case 124:
          return "gpu_firmware_error";
        case 74:
          return "nvlink_error";
        case 13:
        case 31:
        case 43:
          return "illegal_memory_access";
        default:
          return "";
      }
    case Kind::kAer:
      return "pcie_link_degraded";
    case Kind::kNvlink:
      return "nvlink_error";
    case Kind::kIbLink:
      return "ib_link_failure";
    case Kind::kOom:
      return "host_oom";
    case Kind::kNvrm:
      // The driver lost the GPU ("GPU has fallen off the bus" without an Xid) or could not bring it
      // up (RmInitAdapter failed): the taxonomy's "GPU inaccessible to the driver".
      return "gpu_fallen_off_bus";
    case Kind::kOther:
      return "";
  }
  return "";
}

Finding ClassifyKernelMessage(std::string_view m) {
  Finding f;
  f.text = std::string(m.substr(0, kMaxTextBytes));
  const std::string low = LowerCopy(m.substr(0, 4096));
  size_t xid_at = low.find("nvrm: xid (");
  if (xid_at != std::string::npos) {
    // "NVRM: Xid (PCI:0000:3b:00): 79, pid=1234, name=python3, GPU has fallen off the bus."
    size_t open = xid_at + 10;
    size_t close = low.find("): ", open);
    if (close != std::string::npos && close - open < 40) {
      size_t i = close + 3;
      long long x;
      if (ReadInt(low, i, x) && x < 100000) {
        f.kind = Kind::kXid;
        f.xid = static_cast<int>(x);
        f.pci = PciKey(std::string_view(low).substr(open + 1, close - open - 1));
        // ", pid=1234, name=python3, ..." (r470+); "pid='<unknown>', name=<unknown>" when the
        // driver has no process for it; older drivers print neither.
        size_t pid_at = low.find("pid=", i);
        if (pid_at != std::string::npos && pid_at < i + 8) {
          size_t j = pid_at + 4;
          long long pid;
          // A number past PID_MAX_LIMIT (2^22) is no pid: a corrupted line, not a process.
          if (ReadInt(low, j, pid) && pid <= 4194304) f.pid = pid;
          size_t name_at = low.find("name=", j);
          if (name_at != std::string::npos && name_at < j + 24) {
            size_t from = name_at + 5;
            size_t to = m.find(',', from);
            std::string name(m.substr(from, to == std::string_view::npos ? std::string_view::npos : to - from));
            if (name.size() > 64) name.resize(64);
            if (name != "<unknown>" && name != "'<unknown>'") f.process = name;
          }
        }
      }
    }
  } else if (Contains(low, "nvrm") && (Contains(low, "fallen off the bus") || Contains(low, "rminitadapter failed") ||
                                        Contains(low, "rm_init_adapter failed"))) {
    // "NVRM: GPU 0000:3b:00.0: GPU has fallen off the bus." (printed beside, or instead of, Xid 79),
    // "NVRM: GPU 0000:3b:00.0: RmInitAdapter failed! (0x22:0x56:667)" (older drivers: no bus id).
    f.kind = Kind::kNvrm;
    f.pci = FirstPci(low);
  } else if (((Contains(low, "nvrm") && Contains(low, "nvlink")) ||
              Contains(low, "nvidia-nvlink")) &&
             (Contains(low, "error") || Contains(low, "fatal") || Contains(low, "fail") ||
              Contains(low, " down"))) {
    // NVRM's NVLink reports, and the nvidia-nvlink core module's ("nvidia-nvlink: ... link 3 ...
    // is down"); not its "Nvlink Core is being initialized" at load.
    f.kind = Kind::kNvlink;
    f.pci = FirstPci(low);
  } else if (Contains(low, "pcie bus error") ||
             (Contains(low, "aer:") && low.find("error", low.find("aer:")) != std::string::npos)) {
    // An AER error report; not "AER: enabled with IRQ 27", which every root port prints at boot.
    // "pcieport 0000:00:01.0: AER: Corrected error received: 0000:3b:00.0": the source device, else
    // the reporting one ("nvidia 0000:3b:00.0: PCIe Bus Error: severity=Corrected, ...").
    f.kind = Kind::kAer;
    size_t recv = low.find("received: ");
    f.pci = recv != std::string::npos ? FirstPci(low, recv) : "";
    if (f.pci.empty()) f.pci = FirstPci(low);
  } else if ((low.rfind("mlx5_", 0) == 0 || low.rfind("mlx4_", 0) == 0 || Contains(low, " mlx5_core ")) &&
             // Not what a healthy HCA prints at boot: a cable plugged in, a firmware command the
             // driver tries and the firmware declines ("mlx5_cmd_out_err ... syndrome (0x0)").
             !Contains(low, "cable plugged") && !Contains(low, "mlx5_cmd_out_err") && !Contains(low, "mlx5_cmd_check") &&
             (Contains(low, "port_module_event") || Contains(low, "port module event") ||
              Contains(low, "link down") || Contains(low, "link_down") || Contains(low, "state change") ||
              Contains(low, "cable") || Contains(low, "syndrome") || Contains(low, "health") ||
              Contains(low, "fatal") || Contains(low, "error"))) {
    f.kind = Kind::kIbLink;
    f.pci = FirstPci(low);
  } else if (Contains(low, "out of memory: kill") || Contains(low, "oom-kill:") ||
             Contains(low, "invoked oom-killer") || Contains(low, "memory cgroup out of memory")) {
    f.kind = Kind::kOom;
  }
  f.category = KernelLogCategory(f.kind, f.xid);
  return f;
}

bool ParseGpuUuidLine(std::string_view m, std::string& pci, std::string& uuid) {
  // "NVRM: GPU at PCI:0000:3b:00: GPU-5b1e1f9a-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
  const std::string low = LowerCopy(m.substr(0, 512));
  size_t at = low.find("nvrm: gpu at ");
  if (at == std::string::npos) return false;
  size_t from = at + 13;
  size_t colon = low.find(": gpu-", from);
  if (colon == std::string::npos || colon - from > 24) return false;
  std::string key = PciKey(std::string_view(low).substr(from, colon - from));
  if (key.empty()) return false;
  size_t u = colon + 2;
  size_t end = u + 4;
  while (end < low.size() && (IsHex(low[end]) || low[end] == '-')) ++end;
  if (end - u < 4 + 32) return false;  // "GPU-" and at least the 32 hex digits of a UUID
  pci = key;
  uuid = std::string(m.substr(u, end - u));
  return true;
}

Scan ParseKernelLog(std::string_view text, const ParseOptions& opt) {
  Scan scan;
  scan.boot_time = opt.boot_time;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    ++scan.lines;
    if (line.size() > kMaxLineBytes) {
      line = line.substr(0, kMaxLineBytes);
      ++scan.cut;
    }
    Record r = ParseRecord(line, opt);
    if (!r.known) {
      ++scan.unknown;
      continue;
    }
    ++scan.parsed;
    if (r.time > 0) {
      if (scan.oldest == 0 || r.time < scan.oldest) scan.oldest = r.time;
      if (r.time > scan.newest) scan.newest = r.time;
    }
    Finding f = ClassifyKernelMessage(r.message);
    if (f.kind == Kind::kOther) {
      std::string pci, uuid;
      if (ParseGpuUuidLine(r.message, pci, uuid)) scan.uuid_by_pci[pci] = uuid;
      continue;
    }
    f.time = r.time;
    if (!f.pci.empty()) {
      auto it = opt.gpu_by_pci.find(f.pci);
      if (it != opt.gpu_by_pci.end()) f.gpu = it->second;
    }
    scan.findings.push_back(std::move(f));
  }
  return scan;
}

namespace {

struct CommandOutput {
  bool started = false;
  int exit_code = -1;
  std::string out, err;
  size_t out_dropped = 0;  // oldest stdout bytes not kept (KeepNewest)
};

// Cuts `text` to its newest `max_bytes`, from the start of a line, adding what it removed to
// `dropped`.
void KeepNewest(std::string& text, size_t max_bytes, size_t& dropped) {
  if (text.size() <= max_bytes) return;
  size_t cut = text.size() - max_bytes;
  size_t nl = text.find('\n', cut > 0 ? cut - 1 : 0);
  cut = nl == std::string::npos ? text.size() : nl + 1;
  text.erase(0, cut);
  dropped += cut;
}

// Runs argv with stdout (its newest `max_out` bytes) and stderr (the first 64 KiB) captured, under
// `timeout_s` (coreutils `timeout` when present). No shell.
CommandOutput RunCommand(std::vector<std::string> argv, double timeout_s, size_t max_out = kMaxReadBytes) {
  CommandOutput r;
  if (access("/usr/bin/timeout", X_OK) == 0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", std::max(1.0, timeout_s));
    argv.insert(argv.begin(), {"/usr/bin/timeout", "-k", "2", buf});
  }
  int out_pipe[2], err_pipe[2];
  if (pipe(out_pipe) != 0) return r;
  if (pipe(err_pipe) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return r;
  }
  pid_t pid = fork();
  if (pid < 0) {
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) close(fd);
    return r;
  }
  if (pid == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) close(fd);
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    execvp(cargv[0], cargv.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  r.started = true;
  // Both pipes at once (poll), so a child filling one while we wait on the other cannot stall.
  char buf[65536];
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* dst[2] = {&r.out, &r.err};
  const size_t cap[2] = {max_out, 65536};
  int open_fds = 2;
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int k = 0; k < 2; ++k) {
      if (fds[k].fd < 0 || fds[k].revents == 0) continue;
      ssize_t n = read(fds[k].fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        close(fds[k].fd);
        fds[k].fd = -1;
        --open_fds;
        continue;
      }
      if (k == 0) {
        // stdout: the newest bytes are kept (a log's last lines are the ones nearest now); trimmed
        // at twice the cap so that the copying stays linear.
        r.out.append(buf, static_cast<size_t>(n));
        if (r.out.size() > 2 * cap[0]) KeepNewest(r.out, cap[0], r.out_dropped);
      } else if (dst[k]->size() < cap[k]) {
        dst[k]->append(buf, std::min<size_t>(static_cast<size_t>(n), cap[k] - dst[k]->size()));
      }
    }
  }
  KeepNewest(r.out, cap[0], r.out_dropped);
  for (const pollfd& f : fds) {
    if (f.fd >= 0) close(f.fd);
  }
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
  return r;
}

std::string FirstLine(const std::string& s) {
  std::string line = s.substr(0, s.find('\n'));
  if (line.size() > 200) line.resize(200);
  return line;
}

// Lines of journalctl output that are records (journalctl's "-- No entries --" / "-- Boot ..."
// markers are not).
size_t RecordLines(const std::string& s) {
  size_t n = 0, pos = 0;
  while (pos < s.size()) {
    size_t nl = s.find('\n', pos);
    size_t end = nl == std::string::npos ? s.size() : nl;
    if (end > pos && s.compare(pos, 3, "-- ") != 0) ++n;
    pos = end + 1;
  }
  return n;
}

std::string ReadKmsg(std::string& error, size_t max_bytes, size_t& dropped) {
  int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    error = std::strerror(errno);
    return "";
  }
  std::string text;
  std::vector<char> buf(16384 + 1);
  for (;;) {
    ssize_t n = read(fd, buf.data(), buf.size() - 1);
    if (n < 0 && errno == EPIPE) continue;  // a record was overwritten while reading: skip it
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n < 0 && errno != EAGAIN) error = std::strerror(errno);
      break;
    }
    text.append(buf.data(), static_cast<size_t>(n));
    if (text.empty() || text.back() != '\n') text += '\n';
    if (text.size() > 2 * max_bytes) KeepNewest(text, max_bytes, dropped);  // records come oldest first
  }
  close(fd);
  KeepNewest(text, max_bytes, dropped);
  if (text.empty() && error.empty()) error = "no records";
  return text;
}

}  // namespace

ReadResult ReadKernelLog(const ReadOptions& o) {
  ReadResult res;
  std::vector<std::string> tried;
  const size_t max_bytes = std::max<size_t>(o.max_bytes, 1);
  auto found = [&](std::string source, std::string text, bool ring_buffer, size_t dropped) {
    res.log = LogText{std::move(source), std::move(text), ring_buffer, dropped, tried};
    return res;
  };
  if (!o.log_file.empty()) {
    std::ifstream in(o.log_file, std::ios::binary);
    if (!in) {
      res.error = "cannot read log file " + o.log_file + ": " + std::strerror(errno);
      return res;
    }
    // The newest max_bytes of a longer file (from a line start), as for the commands below.
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    const bool over = size > 0 && static_cast<size_t>(size) > max_bytes;
    const size_t skip = over ? static_cast<size_t>(size) - max_bytes - 1 : 0;
    in.clear();
    in.seekg(static_cast<std::streamoff>(skip), std::ios::beg);
    std::string text(max_bytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<size_t>(in.gcount()));
    size_t dropped = skip;
    if (over) {
      // text[0] is the byte before the newest max_bytes: a newline, or inside a line that goes too.
      size_t nl = text.find('\n');
      size_t cut = nl == std::string::npos ? text.size() : nl + 1;
      text.erase(0, cut);
      dropped += cut;
    }
    return found("file " + o.log_file, std::move(text), false, dropped);
  }
  // journalctl: only when its journal holds kernel lines of this boot (else a container's empty
  // journal would read as a clean log).
  {
    CommandOutput probe = RunCommand({"journalctl", "-k", "-q", "--no-pager", "-n", "1", "-o", "short-iso"},
                                     o.command_timeout_s, max_bytes);
    if (!probe.started || probe.exit_code == 127) {
      tried.push_back("journalctl -k: not installed");
    } else if (probe.exit_code != 0) {
      tried.push_back("journalctl -k: exit " + std::to_string(probe.exit_code) + ": " + FirstLine(probe.err));
    } else if (RecordLines(probe.out) == 0) {
      std::string why = FirstLine(probe.err);
      tried.push_back("journalctl -k: no kernel lines for this boot" + (why.empty() ? "" : " (" + why + ")"));
    } else {
      char since[64];
      std::snprintf(since, sizeof since, "@%.0f", std::floor(o.now - o.since_s));
      CommandOutput all = RunCommand(
          {"journalctl", "_TRANSPORT=kernel", "-q", "--no-pager", "-o", "short-iso-precise", "--since", since},
          o.command_timeout_s, max_bytes);
      if (all.exit_code != 0) {
        // An older journalctl without short-iso-precise.
        all = RunCommand({"journalctl", "_TRANSPORT=kernel", "-q", "--no-pager", "-o", "short-iso", "--since", since},
                         o.command_timeout_s, max_bytes);
      }
      if (all.exit_code == 0) return found("journalctl -k", std::move(all.out), false, all.out_dropped);
      tried.push_back("journalctl -k --since: exit " + std::to_string(all.exit_code) + ": " + FirstLine(all.err));
    }
  }
  {
    CommandOutput d = RunCommand({"dmesg", "--time-format", "iso"}, o.command_timeout_s, max_bytes);
    if (d.started && d.exit_code != 0 && d.exit_code != 127 && RecordLines(d.out) == 0 &&
        !(d.err.find("ermi") != std::string::npos)) {
      d = RunCommand({"dmesg"}, o.command_timeout_s, max_bytes);  // an old dmesg without --time-format
    }
    if (!d.started || d.exit_code == 127) {
      tried.push_back("dmesg: not installed");
    } else if (d.exit_code != 0) {
      tried.push_back("dmesg: exit " + std::to_string(d.exit_code) + ": " + FirstLine(d.err));
    } else if (RecordLines(d.out) == 0) {
      tried.push_back("dmesg: empty kernel ring buffer");
    } else {
      return found("dmesg", std::move(d.out), true, d.out_dropped);
    }
  }
  {
    std::string err;
    size_t dropped = 0;
    std::string text = ReadKmsg(err, max_bytes, dropped);
    if (!text.empty()) return found("/dev/kmsg", std::move(text), true, dropped);
    tried.push_back("/dev/kmsg: " + err);
  }
  for (const std::string& t : tried) res.error += (res.error.empty() ? "" : "; ") + t;
  return res;
}

std::map<std::string, int> DriverGpuMap(const std::string& dir) {
  std::map<std::string, int> out;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return out;
  std::vector<std::string> keys;
  while (dirent* e = readdir(d)) {
    std::string k = PciKey(e->d_name);
    if (!k.empty()) keys.push_back(k);
  }
  closedir(d);
  std::sort(keys.begin(), keys.end());
  for (size_t i = 0; i < keys.size(); ++i) out[keys[i]] = static_cast<int>(i);
  return out;
}

namespace {

// Gravest first: what a finding of each category says about the node's hardware.
int Gravity(const Finding& f) {
  static const char* kOrder[] = {"gpu_fallen_off_bus", "gpu_memory_uncorrectable_ecc", "gpu_row_remap_failure",
                                 "gpu_firmware_error", "nvlink_error",                  "ib_link_failure",
                                 "pcie_link_degraded", "host_oom",                      "illegal_memory_access"};
  for (int i = 0; i < static_cast<int>(std::size(kOrder)); ++i) {
    if (f.category == kOrder[i]) return i;
  }
  return static_cast<int>(std::size(kOrder));  // an Xid of no category
}

std::string IsoTime(double t) {
  if (!(t > 0)) return "time unknown";
  time_t s = static_cast<time_t>(t);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string Describe(const Finding& f) {
  std::string who = f.gpu >= 0 ? "gpu" + std::to_string(f.gpu) + (f.pci.empty() ? "" : " (PCI " + f.pci + ")")
                               : (f.pci.empty() ? "node" : "PCI " + f.pci);
  std::string what;
  if (f.kind == Kind::kXid) what = "Xid " + std::to_string(f.xid);
  else what = std::string(KindName(f.kind));
  std::string text = f.text.substr(0, 160);
  std::string tag = !f.category.empty() ? " [" + f.category + "]" : f.kind == Kind::kXid ? " [uncategorised]" : "";
  return who + ": " + what + tag + " at " + IsoTime(f.time) + ": " + text;
}

}  // namespace

Verdict JudgeKernelLog(const Scan& scan, const LogText& log, double since_s, double now) {
  Verdict v;
  const double from = now - since_s;
  std::vector<const Finding*> in;
  for (const Finding& f : scan.findings) {
    if (f.time > 0 && (f.time < from || f.time > now + 300)) continue;  // outside the window
    in.push_back(&f);
  }
  std::stable_sort(in.begin(), in.end(), [](const Finding* a, const Finding* b) { return Gravity(*a) < Gravity(*b); });
  std::map<std::string, double> counts = {{"xid_lines", 0},     {"aer_lines", 0}, {"nvlink_lines", 0},
                                          {"ib_link_lines", 0}, {"oom_lines", 0},   {"nvrm_lines", 0}};
  for (const Finding* f : in) counts[std::string(KindName(f->kind)) + "_lines"] += 1;
  v.metrics = counts;
  v.metrics["findings_in_window"] = static_cast<double>(in.size());
  v.metrics["lines_read"] = static_cast<double>(scan.lines);
  v.metrics["unknown_lines"] = static_cast<double>(scan.unknown);
  v.metrics["window_s"] = since_s;
  // How far back the log reaches inside the window (a ring buffer may have lost older lines).
  // A ring buffer still holding the node's first lines has lost nothing of this boot; a log cut to
  // its newest bytes (ReadOptions::max_bytes) reaches back to its oldest line kept. A node that
  // booted inside the window, with nothing read from before its boot (a ring buffer always; a
  // journal without the previous boot), covers only the time since the boot: what made it reboot
  // (an Xid 79 before it) is not in what was read.
  double covers = since_s;
  const bool cut = log.dropped_bytes > 0;
  const bool from_boot = !cut && scan.boot_time > 0 && scan.oldest > 0 && scan.oldest - scan.boot_time < 10;
  if ((log.ring_buffer || cut) && scan.oldest > 0 && scan.oldest > from && !from_boot) {
    covers = std::max(0.0, now - scan.oldest);
  }
  const bool booted_in_window = scan.boot_time > 0 && now - scan.boot_time < since_s &&
                                (scan.oldest == 0 || scan.oldest > scan.boot_time - 10);
  if (booted_in_window) covers = std::min(covers, std::max(0.0, now - scan.boot_time));
  v.metrics["log_covers_s"] = covers;
  // When it was read (unix seconds): the log covers [read_at_unix_s - log_covers_s, read_at_unix_s],
  // which the reasoner lays over the alert's own time (agents/builtin_reasoner.cc, DX).
  v.metrics["read_at_unix_s"] = now;
  v.metrics["bytes_dropped"] = static_cast<double>(log.dropped_bytes);

  nlohmann::json findings = nlohmann::json::array();
  nlohmann::json categories = nlohmann::json::array();
  nlohmann::json by_cat = nlohmann::json::object();
  nlohmann::json uncategorised = nlohmann::json::array();
  for (const Finding* f : in) {
    if (findings.size() < kMaxFindingsKept) {
      nlohmann::json j = {{"time", f->time > 0 ? nlohmann::json(IsoTime(f->time)) : nlohmann::json(nullptr)},
                          {"kind", KindName(f->kind)},
                          {"text", f->text}};
      if (!f->pci.empty()) j["pci"] = f->pci;
      if (f->gpu >= 0) j["gpu"] = f->gpu;
      if (auto u = scan.uuid_by_pci.find(f->pci); !f->pci.empty() && u != scan.uuid_by_pci.end()) j["uuid"] = u->second;
      if (f->xid >= 0) j["xid"] = f->xid;
      if (f->pid >= 0) j["pid"] = f->pid;
      if (!f->process.empty()) j["process"] = f->process;
      if (!f->category.empty()) j["category"] = f->category;
      findings.push_back(std::move(j));
    }
    if (f->category.empty()) {
      // An Xid no category fits (45, 92, one newer than this table): listed, never dropped, so the
      // reasoner and the engineer see it; it confirms nothing.
      if (f->kind != Kind::kXid) continue;
      const std::string label = "uncategorised Xid " + std::to_string(f->xid);
      auto it = std::find_if(uncategorised.begin(), uncategorised.end(),
                             [&](const nlohmann::json& u) { return u["xid"] == f->xid; });
      if (it == uncategorised.end()) {
        uncategorised.push_back({{"label", label},
                                 {"xid", f->xid},
                                 {"gpus", nlohmann::json::array()},
                                 {"pcis", nlohmann::json::array()},
                                 {"lines", 0}});
        it = uncategorised.end() - 1;
      }
      (*it)["lines"] = (*it)["lines"].get<int>() + 1;
      auto add_once = [](nlohmann::json& arr, const nlohmann::json& v) {
        if (std::find(arr.begin(), arr.end(), v) == arr.end()) arr.push_back(v);
      };
      if (f->gpu >= 0) add_once((*it)["gpus"], f->gpu);
      if (!f->pci.empty()) add_once((*it)["pcis"], f->pci);
      continue;
    }
    if (!by_cat.contains(f->category)) {
      categories.push_back(f->category);
      by_cat[f->category] = nlohmann::json::array();
    }
    if (f->gpu >= 0 && std::find(by_cat[f->category].begin(), by_cat[f->category].end(), f->gpu) ==
                           by_cat[f->category].end()) {
      by_cat[f->category].push_back(f->gpu);
    }
  }
  nlohmann::json tried = nlohmann::json::array();
  for (const std::string& t : log.tried) tried.push_back(t);
  nlohmann::json uuids = nlohmann::json::object();
  for (const auto& [pci, uuid] : scan.uuid_by_pci) uuids[pci] = uuid;
  v.details = {{"source", log.source},         {"tried", tried},          {"findings", findings},
               {"categories", categories},     {"gpus_by_category", by_cat}, {"gpu_uuids", uuids},
               {"uncategorised", uncategorised}};

  char window[64];
  std::snprintf(window, sizeof window, "%.0f s", since_s);
  std::string coverage;
  if (booted_in_window) {
    char buf[160];
    std::snprintf(buf, sizeof buf, " (the node booted %.0f s ago: nothing from before its boot was read)",
                  now - scan.boot_time);
    coverage = buf;
  } else if (cut) {
    char buf[160];
    std::snprintf(buf, sizeof buf, " (a log cut to its newest %zu bytes, %zu older ones not read: it reaches back %s%.0f s)",
                  log.text.size(), log.dropped_bytes, covers < since_s ? "only " : "", covers);
    coverage = buf;
  } else if (covers < since_s) {
    char buf[128];
    std::snprintf(buf, sizeof buf, " (the ring buffer reaches back only %.0f s)", covers);
    coverage = buf;
  }
  if (in.empty() && scan.lines > 0 && scan.parsed == 0) {
    // Lines, none of them in a format the parser knows (dmesg -x, some other tool's output): what
    // they say was never read, so they are no evidence of a clean log.
    v.status = "unavailable";
    v.reason = "no readable kernel log: none of the " + std::to_string(scan.lines) + " lines read (" + log.source +
               ") is in a known kernel-log format";
    return v;
  }
  if (in.empty()) {
    v.status = "pass";
    v.reason = "no Xid/NVLink/AER/mlx5-IB/OOM lines in the last " + std::string(window) + " of a readable log (" +
               log.source + ", " + std::to_string(scan.lines) + " lines" +
               (scan.unknown > 0 ? ", " + std::to_string(scan.unknown) + " in no known format" : "") + ")" + coverage;
    return v;
  }
  v.status = "fail";
  std::string reason;
  size_t shown = 0;
  for (const Finding* f : in) {
    if (shown == 3) break;
    reason += (reason.empty() ? "" : "; ") + Describe(*f);
    ++shown;
  }
  if (in.size() > shown) reason += "; and " + std::to_string(in.size() - shown) + " more";
  // Xids of no category sort last and may be past the three shown: name them all.
  if (!uncategorised.empty()) {
    std::string names;
    for (const nlohmann::json& u : uncategorised) {
      names += (names.empty() ? "" : ", ") + u["label"].get<std::string>();
      if (!u["gpus"].empty()) {
        std::string gpus;
        for (const auto& g : u["gpus"]) gpus += (gpus.empty() ? "gpu" : ",gpu") + std::to_string(g.get<int>());
        names += " on " + gpus;
      }
    }
    reason += "; " + names;
  }
  v.reason = reason + " (" + std::to_string(in.size()) + " finding(s) in the last " + window + ", " + log.source +
             ")" + coverage;
  return v;
}

}  // namespace vigil::kernel_log
