// What makes a line evidence in a pasted document (PLC27, 2026-12-05; DOG5's walk).
// `vigil diagnose --log README.md` answered straggler_rank at 0.44 because a signature,
// `\bnoisy neighbou?r`, matched a sentence of the README's prose ("hang, NaN loss, noisy neighbour,
// crash and restart"); other docs answered Xid 79 or ECC from their tables and prose. Documentation
// speaks of faults in general, it does not report one: a Markdown document's prose is not read for
// signatures nor searched in the knowledge base as an error-like line; its fenced lines that have a
// log line's shape (a quoted log) are read. Pure functions, thread safe.
#pragma once

#include <string_view>
#include <vector>

#include "agents/case.h"

namespace vigil {

// Whether one line has a log line's shape: a time of day or a date (ISO, slash or syslog "Dec 3"),
// a leading [tag] / [ 12.345] stamp, name[pid]:, key=value, a short "prefix: message" head (one to
// three tokens before the colon: "kernel:", "NVRM:", "RuntimeError:", "CUDA error:", "40211:6:"), a
// "field : value" / "Counter:....N" table cell, a level word (INFO, WARN, Warning, ERROR, FATAL ...),
// a hex number, a PCI bus id, an <angle> value, a "a | b | c" field row. Prose has none of these:
// "of a 1-GPU job, on H200s (runs 3-6: hang, NaN loss, noisy neighbour, ..." (the colon is the
// seventh token's).
bool LineHasLogShape(std::string_view line);

// Whether a line is a Markdown ATX heading: "# Title", "## Part 2" (one to six '#', a space, then an
// upper-case letter or a digit; a shell comment "# on node-3" or "#pragma" is none).
bool IsAtxHeading(std::string_view line);

// Markdown's ``` / ~~~ fences over a source's lines, in order (CommonMark, RV1): a block closes only on
// a fence of its opening character, at least as long, with nothing after it, so a "```bash" or a "```"
// inside a "~~~" block is the block's text. Step(line) says whether `line` is a fence that opened or
// closed a block; inside() whether the lines after it are in one. Shared by ProseLines and
// PersonMessageLines (person_lines.h).
class FenceTracker {
 public:
  bool Step(std::string_view line);
  bool inside() const { return inside_; }

 private:
  bool inside_ = false;
  char open_char_ = '`';
  size_t open_len_ = 3;
};

// Whether a line is a shell prompt with its command: "$ cmd", "user@host:~$ cmd", "[root@host ~]# cmd",
// and (PLC74, realistic64 rl64-08) a bare host's "host$ cmd" ("gn-033$ lspci -vvv -s 9a:00.0").
// Read by HintFromSection (builtin_reasoner.cc: the nearest prompt heads a port tool's section) and
// PersonMessageLines (a command pasted in a note is the machine's).
bool IsShellPromptLine(const std::string& line);

// Which lines of one source are prose and no evidence (PLC27):
// - a Markdown document (an ATX heading "# Title" / "## Part" and a fence, a table's "|---|" row or a
//   link "](" elsewhere in the source): every line outside its ``` / ~~~ fences, and a fenced line
//   without a log line's shape (a rule file's "# Uncorrectable ECC errors: ..." comment, a curl
//   command's JSON); a fenced line with one (a quoted "[rank5]: torch.OutOfMemoryError: ...") is read.
// Any other source: no line. A source of no log-line shape at all is read as before: tried in the
// first gate of PLC27 (all of such a source prose), it took the evidence of on-call chat ("GPUs sit at
// ~30%. step time 3.5 s vs 1.1 s last week"), `top` rows, an ncclras report and a dcgmi health table
// (realistic22 rl22-22 right -> unknown, rl22-20 / 21, rl4-25, rl13-17, rl19-02 lower): people's
// words in an incident are evidence, and machine tables have shapes this reader does not list.
// `document` says the source is a Markdown document: none of its lines is searched in the knowledge
// base as an error-like line (a document's words read like its incidents).
struct ProseReading {
  std::vector<bool> prose;  // per line of the source
  bool document = false;
};
ProseReading ProseLines(const CaseLog& log);

}  // namespace vigil
