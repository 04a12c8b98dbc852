// Counters that read zero ("number of skipped iterations: 0", "nan iterations: 0", "errors=0") are the
// healthy state, not an error: GatherKnowledge removes them from a line before its error-like test.
#pragma once

#include <string>
#include <string_view>

namespace vigil {

// The regex (ECMAScript, icase) whose matches are zero counters.
inline constexpr const char* kZeroCounterPattern =
    R"(\b(skipped|nan|inf|failed|dropped|errors?|timeouts?|retries|overflows?)\b[a-z _-]*[:=]\s*0+(\.0+)?(?![.\d]))";

// Whether `line` may hold a zero counter: some counter word stands alone (a whole run of word
// characters: "inf" in "INFO" does not) and the first character after it and the letters, spaces,
// '_' and '-' that follow is ':' or '='. Every match of kZeroCounterPattern meets it, so a line
// that fails it is left as it is by RemoveZeroCounters without running the regex (one pass; most
// lines of a training log say "INFO", whose literal "inf" let the regex run on every one).
bool MayHoldZeroCounter(std::string_view line);

// `line` with every match of kZeroCounterPattern removed: std::regex_replace(line, re, "").
std::string RemoveZeroCounters(const std::string& line);

// `line` with every fault it says is absent removed: "no Xid on any node since boot", "0 Xid since
// the reset", "zero ECC errors", "no new timeouts" (a count of none, in words or before the word).
// An operator's sweep saying a fault is absent is the healthy state, not an error line to recall an
// incident for (RG8, realistic11 rl11-16: "no Xid on any node since boot" read like a PCIe incident).
// RG11: the shapes are general - a negation ("no", "zero", "0", "without", "did not find", "found
// no"), at most three words that are not function words, a fault word (an error, a mismatch, a hang,
// a desync, a NaN ...), "detected" / "found" optional ("no collective type/size mismatch detected",
// "did not find any desync"); or the fault word then "not detected" / "not found" / "absent". A "0"
// after an index or a bound ("GPU 0 ECC error", "rank 0 timeout", "more than 0 replay errors") is no
// count; "terminate called without an active exception" is a crash. Real errors that hold "no" stay
// ("No route to host", "no CUDA-capable device is detected": no fault word follows).
std::string RemoveFaultsSaidAbsent(const std::string& line);

// Whether `line` may name a fault as RemoveFaultsSaidAbsent's patterns read one: it holds, in
// either case, the stem of some fault word ("xid", "error", "timeout", "mismatch", "nan", "finite"
// ...). Every text those patterns remove holds one, so a line without is returned as it is
// without running them (one pass per stem; a 50 MB training log's NCCL INFO and step lines name
// none, and the regexes, run on each line holding a standalone "0", took most of `diagnose --log`'s
// time: RVU2, bench/HISTORY.md "pasted_log_bench").
bool MayNameFault(std::string_view line);

// RemoveFaultsSaidAbsent, and then every other use of a word it removed: the same fault named as a
// heading ("Mismatch analysis: no collective type/size mismatch detected" -> "analysis: "), so a
// line that only denies a fault reads as no error line at all (RG11). A line that denies nothing is
// returned as it is.
std::string MaskFaultsSaidAbsent(const std::string& line);

// Whether `line` is a shell command a responder typed, as a terminal paste shows it: a prompt
// ("$ ", "# ", "+ " from `set -x`, "user@host:~$ ", "[root@host ~]# ") then a command word
// ("journalctl", "sudo", "/usr/bin/nvidia-smi", "NCCL_DEBUG=INFO torchrun"). Such a line states a
// question, not a finding: the fault words of its pattern (`grep -E 'Xid|mlx5.*(down|error)'`)
// are not seen, its output is (RG10). "# ERROR ..." (no command word) is not one.
bool IsShellCommandLine(const std::string& line);

}  // namespace vigil
