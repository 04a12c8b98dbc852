// Importers: parse incident JSON lines, incident CSV and Markdown guides into records.
//
// Parsing only: validation against the taxonomy, duplicate detection and storage happen in
// KnowledgeBase::Import. Every problem is reported as an ImportIssue with the file and the line
// where the record starts; a bad record is skipped and parsing continues.
//
// CSV: RFC 4180 (comma separated, "..." quoting with "" escapes, quoted cells may span lines),
// header row required. Columns (any order, case-insensitive, unknown columns are an error):
//   id, title, started_at (RFC 3339 or Unix ms), raw_text, symptoms, log_signatures,
//   metric_conditions, root_cause, component, verification_steps, mitigation, source, links
// List columns hold one item per line inside the (quoted) cell.
// Markdown: optional front matter between `---` lines (keys category, component, title);
// split at ATX headings (#..######) into chunks titled by their heading path
// ("Guide > Section > Subsection"); chunks longer than kMaxChunkBytes are split at paragraphs.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain.h"
#include "knowledge/knowledge_base.h"

namespace vigil::kb {

struct ParsedIncident {
  Incident incident;
  Json extra = Json::object();  // fields beyond Incident kept as-is (xid, tags, ...)
  int64_t line = 0;
};

struct GuideChunk {
  std::string heading;  // "Title > Section"
  std::string text;
};

struct ParsedGuide {
  std::string path;
  std::string title;
  std::string category;
  std::string component;
  std::vector<GuideChunk> chunks;
};

constexpr size_t kMaxChunkBytes = 4000;

// Out of memory (std::bad_alloc) is not a bad record: it propagates (KnowledgeBase::Import reports
// it as ResourceExhausted naming the file; before 2026-11-30 afternoon a JSON line whose parse
// ran out of memory was reported as "malformed JSON").
void ParseIncidentJsonl(std::string_view content, const std::string& file, size_t max_line_bytes,
                        std::vector<ParsedIncident>* out, std::vector<ImportIssue>* issues);
void ParseIncidentCsv(std::string_view content, const std::string& file, size_t max_record_bytes,
                      std::vector<ParsedIncident>* out, std::vector<ImportIssue>* issues);
// Returns false (with an issue) when the whole document is rejected.
bool ParseGuideMarkdown(std::string_view content, const std::string& file, size_t max_bytes, ParsedGuide* out,
                        std::vector<ImportIssue>* issues);

// Chat exports: each thread of an on-call channel is one incident. Its first message is the
// symptom and the title, the whole thread (`user: text` per message) the raw text, a later
// message saying `root cause:` / `rca:` / `cause:` the cause (kept aside as `root_cause_text`,
// and its text searched), one saying `fix:` / `fixed:` / `resolution:` / `resolved:` /
// `mitigation:` / `workaround:` the mitigation; started_at is the first message's time. Bot
// messages, joins and other non-message events are skipped and counted in one warning; a
// message with no text, a reply whose thread is not in the file and a message over
// `max_bytes` are issues naming the message.
//
// Mattermost bulk export (JSON lines, a `{"type":"post","post":{...,"replies":[...]}}` per
// thread): true when the first non-blank line is such an export's (`type` of version, team,
// channel, user, post or direct_post); then `content` is parsed as one.
bool LooksLikeMattermostExport(std::string_view content);
void ParseMattermostExport(std::string_view content, const std::string& file, size_t max_bytes,
                           std::vector<ParsedIncident>* out, std::vector<ImportIssue>* issues);
// A `.json` file: a Slack channel's day file (an array of messages with `ts`, `text`, `user`,
// `thread_ts`) is read as its threads; any other array of objects as incident records (a
// tracker's JSON export), each as a JSON-lines record is; anything else is one issue.
void ParseJsonExport(std::string_view content, const std::string& file, size_t max_bytes,
                     std::vector<ParsedIncident>* out, std::vector<ImportIssue>* issues);

// A Slack channel export's day files (`oncall/2026-11-03.json`, ...) read as one channel, in the
// order given (the caller sorts them by name: by date): a reply is joined to its thread by
// `thread_ts` across files, so a thread that runs past midnight UTC is one incident. A reply whose
// thread's first message is not imported (skipped: an alert bot's post; or in no file given) is
// kept with that thread's other such replies as one incident, with a warning naming its file and
// message. `user_names` (from the export's users.json: `ParseSlackUsers`) names users whose
// messages carry only an id. The index of each file that is no Slack day file (a tracker's
// records with a date for a name) goes to `not_slack`, to be read as `ParseJsonExport` reads it.
struct SlackDayFile {
  std::string file;  // as shown in issues
  std::string content;
};
void ParseSlackChannel(const std::vector<SlackDayFile>& days, const std::map<std::string, std::string>& user_names,
                       size_t max_bytes, std::vector<ParsedIncident>* out, std::vector<ImportIssue>* issues,
                       std::vector<size_t>* not_slack);
// A Slack export's users.json: user id -> display name (the profile's display_name, else its
// real_name, else `real_name`, else `name`); a malformed file is one issue and an empty map.
std::map<std::string, std::string> ParseSlackUsers(std::string_view content, const std::string& file,
                                                   std::vector<ImportIssue>* issues);
// True for a Slack day file's name: `YYYY-MM-DD.json`.
bool IsSlackDayFileName(std::string_view filename);
// True for the metadata files a Slack export holds beside its channel folders: `channels.json`,
// `groups.json`, `dms.json`, `mpims.json`, `integration_logs.json`, `canvases.json` (users.json is
// read for names: ParseSlackUsers).
bool IsSlackExportMetadata(std::string_view filename);

// A postmortem in Markdown: true when its headings name a root cause (`Root cause`, `Root cause
// analysis`, `Cause`) and one of Summary / Impact / Resolution / Timeline / Action items. Then
// `out` is one incident: title the `#` heading, symptoms the Summary and Impact sections, the
// Resolution (or Mitigation / Fix) and Action items the mitigation, the Root cause section kept
// as `root_cause_text`, root_cause the front matter's `category` (else empty: `unknown`), raw
// text the whole document. False (nothing reported) when it is no postmortem: a guide. With
// `issues`, its Timeline section's times are read into started_at / resolved_at (the first entry's
// time; the last entry saying it was resolved / recovered / restored ...), said in one warning on
// the Timeline heading's line, as are times that cannot be read (a zone name, no date anywhere).
bool ParsePostmortemMarkdown(const ParsedGuide& guide, std::string_view content, ParsedIncident* out,
                             std::vector<ImportIssue>* issues = nullptr);

}  // namespace vigil::kb
