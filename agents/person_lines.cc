#include "agents/person_lines.h"

#include <cctype>
#include <regex>

#include "agents/prose_source.h"

namespace vigil {

bool IsPersonChannelSource(const std::string& source) {
  static const std::regex kChannel(
      R"((^|[^a-z])(handover|hand-over|tickets?|slack|jira|chat|thread|comments?|e-?mail)([^a-z]|$)|(^|[\s/(])#[a-z]|(^|[^a-z])(inc|net|hpc|ops)-\d+)",
      std::regex::icase);
  return source.size() <= 400 && std::regex_search(source, kChannel);
}

std::vector<bool> PersonMessageLines(const CaseLog& log) {
  std::vector<bool> out(log.lines.size(), false);
  if (!IsPersonChannelSource(log.source)) return out;
  // A speaker: a name or handle ("h.barros", "@rin", "ops-bot", "NV support"? no: one token), an
  // optional "(role)" and a colon followed by a blank.
  static const std::regex kChat(
      R"(^\s*\[?\d{1,2}:\d{2}\]?\s+@?[A-Za-z][\w.\-]{0,40}(?:\s*\([^()]{1,60}\))?\s*:\s)");
  static const std::regex kComment(
      R"(^\s*\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}\s+@?[A-Za-z][\w.\-]{0,40}(?:\s*\([^()]{1,60}\))?\s*:\s)");
  static const std::regex kTicketTitle(R"(^\s*[A-Z][A-Z0-9]{1,9}-\d{2,}\s{2,}\S)");
  static const std::regex kBullet(R"(^\s{0,3}[-*+] \S)");
  // A ticket's record in a history file (PLC49): "ticket NET-0877 (2026-11-09): ...", "OPS-7720
  // (2026-11-18) ...", and the labelled lines that follow it ("Resolution: ...", "Status: ...").
  static const std::regex kTicketRecord(
      R"(^\s*(?:ticket\s+)?[A-Z][A-Z0-9]{1,9}-\d{2,}:?\s+\(\d{4}-\d{2}-\d{2}\)|^\s*ticket\s+[A-Z][A-Z0-9]{1,9}-\d{2,}\b)",
      std::regex::icase);
  static const std::regex kRecordLabel(
      R"(^\s*(?:resolution|action|status|comment|cause|root cause|fix|update|note|outcome)\s*:\s)",
      std::regex::icase);
  bool in_bullet = false;
  FenceTracker fences;
  for (size_t i = 0; i < log.lines.size(); ++i) {
    const std::string& text = log.lines[i].text;
    if (text.size() > 4000) {
      in_bullet = false;
      continue;
    }
    if (fences.Step(text)) {
      in_bullet = false;
      continue;
    }
    if (fences.inside()) continue;
    const size_t first = text.find_first_not_of(" \t");
    if (first == std::string::npos || IsShellPromptLine(text)) {
      in_bullet = false;  // a blank line or a command ends a bullet; the command's output is the machine's
      continue;
    }
    if (std::regex_search(text, kChat) || std::regex_search(text, kComment) ||
        (i == 0 && std::regex_search(text, kTicketTitle)) || IsAtxHeading(text)) {
      out[i] = true;
      in_bullet = false;
      continue;
    }
    if (std::regex_search(text, kBullet) || std::regex_search(text, kTicketRecord) ||
        (in_bullet && std::regex_search(text, kRecordLabel))) {
      out[i] = true;
      in_bullet = true;  // a ticket's record runs on as a bullet does, through its labelled lines
      continue;
    }
    // A bullet's continuation: indented deeper than a bullet's dash.
    if (in_bullet && first >= 2) {
      out[i] = true;
      continue;
    }
    in_bullet = false;
  }
  return out;
}

}  // namespace vigil
