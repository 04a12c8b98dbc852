#include "agents/launcher_exit.h"

#include <regex>

namespace vigil {

std::optional<int> SignalExitLocalRank(const std::string& line) {
  if (line.size() > 4000) return std::nullopt;
  // torchrun's agent (torch.distributed.elastic api.py): "failed (exitcode: -6) local_rank: 1 (pid:
  // 142) of binary: /usr/bin/python" (PLC12).
  if (line.find("exitcode") != std::string::npos) {
    static const std::regex kElastic(R"(\bfailed \(exitcode: (-?\d{1,4})\) local_rank: (\d{1,4})\b)");
    std::smatch m;
    if (!std::regex_search(line, m, kElastic) || m.str(1)[0] != '-') return std::nullopt;
    return std::stoi(m.str(2));
  }
  if (line.find("return code") == std::string::npos) return std::nullopt;
  static const std::regex kExit(R"(\bexit(?:s|ed)? with return code\s*=?\s*(-?\d{1,4})\b)");
  static const std::regex kLocal(R"(--local[_-]rank(?:=|'?,?\s*'?)(\d{1,4})\b)");
  std::smatch m;
  if (!std::regex_search(line, m, kExit) || m.str(1)[0] != '-') return std::nullopt;
  if (!std::regex_search(line, m, kLocal)) return std::nullopt;
  return std::stoi(m.str(1));
}

bool StatesFatalSignal(const std::string& line) {
  if (line.size() > 4000) return false;
  static const std::regex kFatal(
      R"(Fatal Python error: (?:Segmentation fault|Aborted|Bus error|Floating point exception|Illegal instruction)|)"
      R"(\bSegmentation fault\b(?: \(core dumped\))?|\breceived signal SIG(?:SEGV|ABRT|BUS|ILL|FPE)\b|\*\*\* SIG(?:SEGV|ABRT|BUS|ILL|FPE)\b|)"
      // glibc's heap checks abort the process right after printing (PLC12): "free(): invalid
      // pointer", "double free or corruption (out)", "malloc(): corrupted top size",
      // "munmap_chunk(): invalid pointer", "corrupted size vs. prev_size".
      R"(^\s*(?:\[\S+\]:?\s*)?(?:(?:free|malloc|realloc|munmap_chunk|malloc_consolidate)\(\): (?:invalid|corrupted|unaligned)\b|)"
      R"(double free or corruption\b|corrupted size vs\. prev_size\b))");
  static const std::regex kPeer(R"(remote (?:process|peer)|\bpeer\b)", std::regex::icase);
  return std::regex_search(line, kFatal) && !std::regex_search(line, kPeer);
}

}  // namespace vigil
