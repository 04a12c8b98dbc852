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

}  // namespace vigil::kb
