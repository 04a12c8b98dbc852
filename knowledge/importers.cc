#include "knowledge/importers.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <span>

#include "core/ascii.h"
#include "core/config.h"
#include "core/json.h"
#include "core/parse.h"
#include "core/time_util.h"
#include "knowledge/text_util.h"

namespace vigil::kb {
namespace {

const std::set<std::string, std::less<>> kIncidentKeys = {"id",
                                                          "title",
                                                          "started_at_ms",
                                                          "resolved_at_ms",
                                                          "status",
                                                          "raw_text",
                                                          "symptoms",
                                                          "log_signatures",
                                                          "metric_conditions",
                                                          "root_cause",
                                                          "component",
                                                          "verification_steps",
                                                          "mitigation",
                                                          "source",
                                                          "links",
                                                          "alerts",
                                                          "diagnosis"};

// Fields beyond Incident's that the search text reads (IncidentBody: the shipped pack's).
const std::set<std::string, std::less<>> kSearchedExtraKeys = {"xid", "tags", "examples"};

// The incident field a tracker's export means by its own name for it (Jira, ServiceNow, a
// postmortem template), else the closest of `fields` by edit distance, else "".
std::string FieldHint(std::string_view name, std::span<const std::string> fields) {
  static const std::pair<const char*, const char*> kTrackerNames[] = {
      {"key", "id"},
      {"number", "id"},
      {"incident_id", "id"},
      {"ticket", "id"},
      {"summary", "title"},
      {"short_description", "title"},
      {"subject", "title"},
      {"name", "title"},
      {"description", "raw_text"},
      {"details", "raw_text"},
      {"body", "raw_text"},
      {"text", "raw_text"},
      {"notes", "raw_text"},
      {"postmortem", "raw_text"},
      {"impact", "raw_text"},
      {"resolution", "mitigation"},
      {"resolution_notes", "mitigation"},
      {"fix", "mitigation"},
      {"remediation", "mitigation"},
      {"workaround", "mitigation"},
      {"action_items", "mitigation"},
      {"cause", "root_cause"},
      {"rootcause", "root_cause"},
      {"category", "root_cause"},
      {"created", "started_at"},
      {"created_at", "started_at"},
      {"opened_at", "started_at"},
      {"start", "started_at"},
      {"started_at", "started_at_ms"},
      {"resolved", "resolved_at_ms"},
      {"resolved_at", "resolved_at_ms"},
      {"closed_at", "resolved_at_ms"},
      {"url", "links"},
      {"link", "links"},
  };
  for (const auto& [theirs, ours] : kTrackerNames) {
    if (name != theirs) continue;
    std::string_view want = ours;
    // started_at is the CSV column, started_at_ms the JSON field.
    if (want == "started_at" && std::find(fields.begin(), fields.end(), "started_at") == fields.end()) {
      want = "started_at_ms";
    }
    if (std::find(fields.begin(), fields.end(), want) != fields.end()) return std::string(want);
  }
  return ClosestMatch(name, fields);
}

void Issue(std::vector<ImportIssue>* issues, const std::string& file, int64_t line, std::string msg,
           bool rejected = true) {
  issues->push_back({file, line, std::move(msg), rejected});
}

// Checks size and encoding shared by every record kind; returns false after reporting.
bool CheckRecordBytes(std::string_view text, const std::string& file, int64_t line, size_t max_bytes,
                      std::vector<ImportIssue>* issues) {
  if (text.size() > max_bytes) {
    Issue(issues, file, line,
          "record of " + std::to_string(text.size()) + " bytes exceeds the " + std::to_string(max_bytes) +
              "-byte limit");
    return false;
  }
  size_t bad = 0;
  if (!IsValidUtf8(text, &bad)) {
    Issue(issues, file, line, "invalid UTF-8 at byte " + std::to_string(bad) + " of the record");
    return false;
  }
  return true;
}

std::vector<std::string> SplitCellLines(std::string_view cell) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= cell.size()) {
    size_t nl = cell.find('\n', start);
    std::string_view item =
        Trim(cell.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start));
    if (!item.empty()) out.emplace_back(item);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return out;
}

}  // namespace

void ParseIncidentJsonl(std::string_view content, const std::string& file, size_t max_line_bytes,
                        std::vector<ParsedIncident>* out, std::vector<ImportIssue>* issues) {
  int64_t line_no = 0;
  size_t pos = 0;
  bool any_line = false;
  // Fields no incident has, in the order first met: the first line and the records holding them.
  struct Unknown {
    std::string name;
    int64_t first_line = 0;
    int64_t records = 0;
  };
  std::vector<Unknown> unknown;
  while (pos < content.size()) {
    size_t nl = content.find('\n', pos);
    std::string_view line =
        content.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? content.size() : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (Trim(line).empty()) continue;
    any_line = true;
    if (!CheckRecordBytes(line, file, line_no, max_line_bytes, issues)) continue;
    if (const size_t deep = JsonTooDeepAt(line); deep != std::string_view::npos) {
      Issue(issues, file, line_no,
            "malformed JSON: " + JsonTooDeepMessage() + " at column " + std::to_string(deep + 1));
      continue;
    }
    Json j;
    try {
      j = Json::parse(line);
    } catch (const Json::exception& e) {
      // (std::bad_alloc is out of memory, not a malformed line: it propagates to the caller.)
      std::string what = e.what();
      auto p = what.find("parse error");
      Issue(issues, file, line_no, "malformed JSON: " + (p == std::string::npos ? what : what.substr(p)));
      continue;
    }
    if (!j.is_object()) {
      Issue(issues, file, line_no, std::string("expected a JSON object, got ") + j.type_name());
      continue;
    }
    if (!j.contains("title")) j["title"] = "";
    auto inc = FromJson<Incident>(j, "incident");
    if (!inc.ok()) {
      Issue(issues, file, line_no, inc.status().message());
      continue;
    }
    ParsedIncident p;
    p.incident = std::move(inc).value();
    p.line = line_no;
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (kIncidentKeys.contains(it.key())) continue;
      p.extra[it.key()] = it.value();
      if (kSearchedExtraKeys.contains(it.key())) continue;
      auto u = std::find_if(unknown.begin(), unknown.end(), [&](const Unknown& x) { return x.name == it.key(); });
      if (u == unknown.end()) {
        unknown.push_back({it.key(), line_no, 0});
        u = unknown.end() - 1;
      }
      ++u->records;
    }
    out->push_back(std::move(p));
  }
  // Kept (nothing already accepted is lost), but said, once per field: a tracker's `description`
  // and `resolution` were stored aside in silence, so its tickets imported with neither text nor
  // fix (WALKK, 2026-12-04).
  if (!unknown.empty()) {
    static const std::vector<std::string> kFields(kIncidentKeys.begin(), kIncidentKeys.end());
    for (const Unknown& u : unknown) {
      const std::string hint = FieldHint(u.name, kFields);
      std::string msg = "field `" + u.name + "` is not an incident field: kept aside, not searched";
      if (!hint.empty()) msg += " (did you mean `" + hint + "`?)";
      msg += "; in " + std::to_string(u.records) + (u.records == 1 ? " record" : " records");
      Issue(issues, file, u.first_line, std::move(msg), /*rejected=*/false);
    }
  }
  // An empty export (a failed query, a truncated copy) said `"added": 0`, exit 0, and nothing on
  // stderr: a warning, as nothing was rejected (an empty CSV has no header, which is an error).
  if (!any_line) {
    Issue(issues, file, 0, "no incident in this file: it is empty or holds blank lines only (JSON lines: one incident object per line)",
          /*rejected=*/false);
  }
}

void ParseIncidentCsv(std::string_view content, const std::string& file, size_t max_record_bytes,
                      std::vector<ParsedIncident>* out, std::vector<ImportIssue>* issues) {
  // Split into records of cells, tracking the line each record starts on.
  struct Record {
    int64_t line;
    std::vector<std::string> cells;
    size_t bytes = 0;
    bool unterminated = false;
  };
  std::vector<Record> records;
  int64_t line = 1;
  size_t i = 0;
  if (content.starts_with("\xEF\xBB\xBF")) i = 3;  // UTF-8 byte-order mark
  while (i < content.size()) {
    Record rec{line, {}, 0, false};
    std::string cell;
    bool in_quotes = false, record_done = false;
    size_t rec_start = i;
    while (i < content.size() && !record_done) {
      char c = content[i];
      if (in_quotes) {
        if (c == '"') {
          if (i + 1 < content.size() && content[i + 1] == '"') {
            cell.push_back('"');
            i += 2;
            continue;
          }
          in_quotes = false;
        } else {
          if (c == '\n') ++line;
          cell.push_back(c);
        }
        ++i;
        continue;
      }
      if (c == '"') {
        in_quotes = true;
        ++i;
        continue;
      }
      if (c == ',') {
        rec.cells.push_back(std::move(cell));
        cell.clear();
        ++i;
        continue;
      }
      if (c == '\r' && i + 1 < content.size() && content[i + 1] == '\n') {
        ++i;
        continue;
      }
      if (c == '\n') {
        ++line;
        ++i;
        record_done = true;
        continue;
      }
      cell.push_back(c);
      ++i;
    }
    rec.unterminated = in_quotes;
    rec.cells.push_back(std::move(cell));
    rec.bytes = i - rec_start;
    bool blank = rec.cells.size() == 1 && Trim(rec.cells[0]).empty();
    if (!blank) records.push_back(std::move(rec));
  }
  if (records.empty()) {
    Issue(issues, file, 0, "empty CSV file (a header row is required)");
    return;
  }
  static const std::vector<std::string> kColumns = {"id",
                                                    "title",
                                                    "started_at",
                                                    "raw_text",
                                                    "symptoms",
                                                    "log_signatures",
                                                    "metric_conditions",
                                                    "root_cause",
                                                    "component",
                                                    "verification_steps",
                                                    "mitigation",
                                                    "source",
                                                    "links"};
  std::vector<std::string> header;
  // Every unknown column is named in one issue, each with the column it likely means (a tracker's
  // export: `Key,Summary,Description,Resolution`; before WALKK only the first, with no hint for
  // a tracker's names).
  std::vector<std::pair<std::string, std::string>> unknown;  // column, hint
  for (const auto& h : records[0].cells) {
    std::string name = AsciiLower(Trim(h));
    if (std::find(kColumns.begin(), kColumns.end(), name) == kColumns.end()) {
      unknown.emplace_back(name, FieldHint(name, kColumns));
    }
    header.push_back(name);
  }
  if (!unknown.empty()) {
    std::string list;
    for (const auto& c : kColumns) list += (list.empty() ? "" : ", ") + c;
    std::string msg;
    if (unknown.size() == 1) {
      const auto& [name, hint] = unknown[0];
      msg = "unknown CSV column `" + name + "`" + (hint.empty() ? "" : "; did you mean `" + hint + "`?");
    } else {
      msg = "unknown CSV columns ";
      for (size_t i = 0; i < unknown.size(); ++i) {
        const auto& [name, hint] = unknown[i];
        if (i) msg += ", ";
        msg += "`" + name + "`";
        if (!hint.empty()) msg += " (did you mean `" + hint + "`?)";
      }
    }
    Issue(issues, file, records[0].line, msg + " (columns: " + list + ")");
    return;
  }
  if (std::find(header.begin(), header.end(), "title") == header.end() &&
      std::find(header.begin(), header.end(), "raw_text") == header.end()) {
    Issue(issues, file, records[0].line, "CSV header needs a title or raw_text column");
    return;
  }
  for (size_t r = 1; r < records.size(); ++r) {
    const Record& rec = records[r];
    if (rec.unterminated) {
      Issue(issues, file, rec.line, "unterminated quoted cell (runs to the end of the file)");
      continue;
    }
    std::string joined;
    for (const auto& c : rec.cells) joined += c;
    if (rec.bytes > max_record_bytes) {
      Issue(issues, file, rec.line,
            "record of " + std::to_string(rec.bytes) + " bytes exceeds the " +
                std::to_string(max_record_bytes) + "-byte limit");
      continue;
    }
    if (!CheckRecordBytes(joined, file, rec.line, max_record_bytes, issues)) continue;
    if (rec.cells.size() != header.size()) {
      Issue(issues, file, rec.line,
            "expected " + std::to_string(header.size()) + " cells (header), got " +
                std::to_string(rec.cells.size()));
      continue;
    }
    ParsedIncident p;
    p.line = rec.line;
    Incident& inc = p.incident;
    bool ok = true;
    for (size_t c = 0; c < header.size() && ok; ++c) {
      const std::string& name = header[c];
      std::string value(Trim(rec.cells[c]));
      if (name == "id")
        inc.id = value;
      else if (name == "title")
        inc.title = value;
      else if (name == "raw_text")
        inc.raw_text = std::string(rec.cells[c]);
      else if (name == "root_cause")
        inc.root_cause = value;
      else if (name == "component")
        inc.component = value;
      else if (name == "mitigation")
        inc.mitigation = value;
      else if (name == "source")
        inc.source = value;
      else if (name == "symptoms")
        inc.symptoms = SplitCellLines(rec.cells[c]);
      else if (name == "log_signatures")
        inc.log_signatures = SplitCellLines(rec.cells[c]);
      else if (name == "metric_conditions")
        inc.metric_conditions = SplitCellLines(rec.cells[c]);
      else if (name == "verification_steps")
        inc.verification_steps = SplitCellLines(rec.cells[c]);
      else if (name == "links")
        inc.links = SplitCellLines(rec.cells[c]);
      else if (name == "started_at" && !value.empty()) {
        bool digits =
            std::all_of(value.begin(), value.end(), [](unsigned char ch) { return std::isdigit(ch); });
        if (digits) {
          std::optional<int64_t> ms = ParseInt(value);
          if (!ms) {
            Issue(issues, file, rec.line, "started_at: `" + value + "` is beyond the range of Unix milliseconds");
            ok = false;
          } else {
            inc.started_at_ms = *ms;
          }
        } else {
          auto t = ParseRfc3339Ms(value);
          if (!t.ok()) {
            Issue(issues, file, rec.line, "started_at: " + t.status().message());
            ok = false;
          } else {
            inc.started_at_ms = *t;
          }
        }
      }
    }
    if (ok) out->push_back(std::move(p));
  }
}

bool ParseGuideMarkdown(std::string_view content, const std::string& file, size_t max_bytes, ParsedGuide* out,
                        std::vector<ImportIssue>* issues) {
  if (!CheckRecordBytes(content, file, 0, max_bytes, issues)) return false;
  out->path = file;
  std::vector<std::string_view> lines;
  for (size_t pos = 0; pos <= content.size();) {
    size_t nl = content.find('\n', pos);
    std::string_view l =
        content.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    lines.push_back(l);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  size_t first = 0;
  if (!lines.empty() && Trim(lines[0]) == "---") {
    size_t end = 1;
    while (end < lines.size() && Trim(lines[end]) != "---") ++end;
    if (end == lines.size()) {
      Issue(issues, file, 1, "front matter starting with `---` is not closed");
      return false;
    }
    for (size_t k = 1; k < end; ++k) {
      auto colon = lines[k].find(':');
      if (colon == std::string_view::npos) continue;
      std::string key(Trim(lines[k].substr(0, colon)));
      std::string value(Trim(lines[k].substr(colon + 1)));
      if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
          value.back() == value.front()) {
        value = value.substr(1, value.size() - 2);
      }
      if (key == "category")
        out->category = value;
      else if (key == "component")
        out->component = value;
      else if (key == "title")
        out->title = value;
    }
    first = end + 1;
  }
  // Heading stack by level; chunk text accumulates until the next heading.
  std::vector<std::pair<int, std::string>> stack;
  std::string text;
  bool in_fence = false;
  auto heading_path = [&] {
    std::string h;
    for (const auto& [lvl, name] : stack) h += (h.empty() ? "" : " > ") + name;
    return h;
  };
  auto flush = [&] {
    std::string_view body = Trim(text);
    if (!body.empty()) {
      std::string heading = heading_path();
      // Oversized sections are split at blank lines so each chunk embeds meaningfully.
      std::string piece;
      size_t pos = 0;
      while (pos < body.size()) {
        size_t br = body.find("\n\n", pos);
        std::string_view para =
            body.substr(pos, br == std::string_view::npos ? std::string_view::npos : br - pos);
        pos = br == std::string_view::npos ? body.size() : br + 2;
        if (!piece.empty() && piece.size() + para.size() > kMaxChunkBytes) {
          out->chunks.push_back({heading, piece});
          piece.clear();
        }
        while (para.size() > kMaxChunkBytes) {  // one giant paragraph
          out->chunks.push_back({heading, std::string(para.substr(0, kMaxChunkBytes))});
          para.remove_prefix(kMaxChunkBytes);
        }
        if (!piece.empty()) piece += "\n\n";
        piece += para;
      }
      if (!Trim(piece).empty()) out->chunks.push_back({heading, piece});
    }
    text.clear();
  };
  for (size_t k = first; k < lines.size(); ++k) {
    std::string_view l = lines[k];
    if (Trim(l).starts_with("```") || Trim(l).starts_with("~~~")) in_fence = !in_fence;
    int level = 0;
    if (!in_fence) {
      while (level < static_cast<int>(l.size()) && l[level] == '#') ++level;
      if (level == 0 || level > 6 || (level < static_cast<int>(l.size()) && l[level] != ' ')) level = 0;
    }
    if (level > 0) {
      flush();
      std::string name(Trim(l.substr(level)));
      while (!name.empty() && name.back() == '#') name.pop_back();
      name = std::string(Trim(name));
      while (!stack.empty() && stack.back().first >= level) stack.pop_back();
      stack.emplace_back(level, name);
      if (level == 1 && out->title.empty()) out->title = name;
      continue;
    }
    text += l;
    text += '\n';
  }
  flush();
  if (out->title.empty()) {
    auto slash = file.find_last_of('/');
    out->title = slash == std::string::npos ? file : file.substr(slash + 1);
  }
  if (out->chunks.empty()) {
    Issue(issues, file, 0, "guide has no text");
    return false;
  }
  return true;
}

}  // namespace vigil::kb
