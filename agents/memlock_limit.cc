#include "agents/memlock_limit.h"

#include <regex>

#include "core/parse.h"

namespace vigil {

bool StatesRegisterMemoryEnomem(const std::string& line) {
  if (line.size() > 2000 || line.find("reg_") == std::string::npos) return false;
  static const std::regex kReg(
      R"(\bibv_reg_(?:dmabuf_)?mr\w*\b.{0,120}(?:Cannot allocate memory|\bENOMEM\b|\berr(?:no|or)\s*[:=]?\s*12\b))",
      std::regex::icase);
  return std::regex_search(line, kReg);
}

std::optional<double> StatedMemlockKiB(const std::string& line) {
  if (line.size() > 2000) return std::nullopt;
  // `ulimit -l` printed as "memlock=64" / "memlock: 64" (KiB, as ulimit prints it).
  static const std::regex kEq(R"(\bmemlock\s*[=:]\s*(\d{1,12})\b(?!\s*[KMGkmg]))", std::regex::icase);
  // `ulimit -a`: "max locked memory       (kbytes, -l) 64".
  static const std::regex kUlimitA(R"(\bmax locked memory\s+\(kbytes,\s*-l\)\s+(\d{1,12})\b)", std::regex::icase);
  // systemd: "LimitMEMLOCK=64K" (bytes without a suffix; K / M / G are 1024-based).
  static const std::regex kSystemd(R"(\bLimitMEMLOCK=(\d{1,15})([KMGT]?)\b)");
  // /proc/PID/limits: "Max locked memory   65536   65536   bytes" (the soft limit first).
  static const std::regex kProc(R"(\bMax locked memory\s+(\d{1,15})\s+(?:\d{1,15}|unlimited)\s+bytes\b)");
  std::smatch m;
  if (std::regex_search(line, m, kSystemd)) {
    const std::optional<double> v = ParseDouble(m.str(1));
    if (!v) return std::nullopt;
    const std::string u = m.str(2);
    const double kib = u.empty() ? *v / 1024 : u == "K" ? *v : u == "M" ? *v * 1024 : u == "G" ? *v * 1024 * 1024 : *v * 1024.0 * 1024 * 1024;
    return kib;
  }
  if (std::regex_search(line, m, kProc)) {
    if (const std::optional<double> v = ParseDouble(m.str(1))) return *v / 1024;
    return std::nullopt;
  }
  for (const std::regex* re : {&kUlimitA, &kEq}) {
    if (std::regex_search(line, m, *re)) return ParseDouble(m.str(1));
  }
  return std::nullopt;
}

std::optional<MemlockRegisterFailure> FindMemlockRegisterFailure(const std::vector<std::string>& lines) {
  std::optional<size_t> failure, limit;
  double kib = 0;
  for (size_t i = 0; i < lines.size() && !(failure && limit); ++i) {
    const std::string& t = lines[i];
    if (t.size() > 2000) continue;
    if (!failure && StatesRegisterMemoryEnomem(t)) failure = i;
    if (!limit) {
      if (const std::optional<double> v = StatedMemlockKiB(t); v && *v < kSmallMemlockKiB) {
        limit = i;
        kib = *v;
      }
    }
  }
  if (!failure || !limit) return std::nullopt;
  return MemlockRegisterFailure{*failure, *limit, kib};
}

}  // namespace vigil
