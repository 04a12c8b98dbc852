#include "knowledge/importers.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <unordered_map>
#include <span>

#include "core/ascii.h"
#include "core/config.h"
#include "core/json.h"
#include "core/parse.h"
#include "core/text_encoding.h"
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

// One line of JSON lines: size, encoding, depth, then the parse; false after reporting.
// (std::bad_alloc is out of memory, not a malformed line: it propagates to the caller.)
bool ParseJsonLine(std::string_view line, const std::string& file, int64_t line_no, size_t max_bytes,
                   std::vector<ImportIssue>* issues, Json* out) {
  if (!CheckRecordBytes(line, file, line_no, max_bytes, issues)) return false;
  if (const size_t deep = JsonTooDeepAt(line); deep != std::string_view::npos) {
    Issue(issues, file, line_no, "malformed JSON: " + JsonTooDeepMessage() + " at column " + std::to_string(deep + 1));
    return false;
  }
  try {
    *out = Json::parse(line);
  } catch (const Json::exception& e) {
    std::string what = e.what();
    auto p = what.find("parse error");
    Issue(issues, file, line_no, "malformed JSON: " + (p == std::string::npos ? what : what.substr(p)));
    return false;
  }
  return true;
}

int64_t LineAt(std::string_view content, size_t offset) {
  offset = std::min(offset, content.size());
  return 1 + static_cast<int64_t>(std::count(content.begin(), content.begin() + offset, '\n'));
}

bool CheckFileUtf8(std::string_view content, const std::string& file, std::vector<ImportIssue>* issues) {
  size_t bad = 0;
  if (IsValidUtf8(content, &bad)) return true;
  Issue(issues, file, LineAt(content, bad),
        "invalid UTF-8 at byte " + std::to_string(bad) + " of the file (line " + std::to_string(LineAt(content, bad)) +
            "): not imported; re-export it as UTF-8");
  return false;
}

// "`symptoms` is a string, not a list of strings" for the first incident field of `j` whose type is
// wrong (null is absent), else "": the parse's own error named no field (RV4: `incident:
// [json.exception.type_error.302] type must be array, but is string`).
std::string WrongIncidentFieldType(const Json& j) {
  static const char* const kStrings[] = {"id", "title", "status", "raw_text", "root_cause", "component", "mitigation", "source"};
  static const char* const kNumbers[] = {"started_at_ms", "resolved_at_ms"};
  static const char* const kLists[] = {"symptoms", "log_signatures", "metric_conditions", "verification_steps", "links"};
  auto what = [](const Json& v) {
    if (v.is_null()) return std::string("null");
    return v.is_object() ? std::string("an object") : v.is_array() ? std::string("a list") : "a " + std::string(v.type_name());
  };
  for (const char* key : kStrings) {
    auto it = j.find(key);
    if (it != j.end() && !it->is_null() && !it->is_string()) return "`" + std::string(key) + "` is " + what(*it) + ", not a string";
  }
  for (const char* key : kNumbers) {
    auto it = j.find(key);
    if (it != j.end() && !it->is_null() && !it->is_number()) {
      return "`" + std::string(key) + "` is " + what(*it) + ", not a number (Unix milliseconds)";
    }
  }
  for (const char* key : kLists) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) continue;
    if (!it->is_array()) return "`" + std::string(key) + "` is " + what(*it) + ", not a list of strings";
    for (size_t n = 0; n < it->size(); ++n) {
      if (!(*it)[n].is_string()) {
        return "`" + std::string(key) + "` item " + std::to_string(n + 1) + " is " + what((*it)[n]) + ", not a string";
      }
    }
  }
  return "";
}

// A time below 10^11 read as Unix milliseconds is before March 1973: a tracker's Unix seconds
// (RV4: `"started_at_ms": 1762049400` was stored as 1970-01-21, said nowhere). Read as seconds, said.
void SecondsAsMs(int64_t* ms, const char* field, const std::string& file, int64_t line,
                 std::vector<ImportIssue>* issues) {
  constexpr int64_t kBefore1973Ms = 100'000'000'000;
  if (*ms <= 0 || *ms >= kBefore1973Ms) return;
  const int64_t as_seconds = *ms * 1000;
  Issue(issues, file, line,
        "`" + std::string(field) + "` " + std::to_string(*ms) + " would be " + FormatRfc3339Ms(*ms) +
            " in Unix milliseconds: read as Unix seconds, " + FormatRfc3339Ms(as_seconds),
        /*rejected=*/false);
  *ms = as_seconds;
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
    Json j;
    if (!ParseJsonLine(line, file, line_no, max_line_bytes, issues, &j)) continue;
    if (!j.is_object()) {
      Issue(issues, file, line_no, std::string("expected a JSON object, got ") + j.type_name());
      continue;
    }
    // `vigil kb delete`'s line for a guide (DeletedGuide::ToJson), in the output imported back to
    // undo a delete: no incident; the guide comes back from its Markdown file.
    if (j.size() == 1 && j.contains("deleted_guide") && j["deleted_guide"].is_object()) {
      const Json& g = j["deleted_guide"];
      const std::string path = g.contains("path") && g["path"].is_string() ? g["path"].get<std::string>() : "";
      Issue(issues, file, line_no,
            "a guide deleted by `vigil kb delete` (`" + path +
                "`), not an incident: a guide comes back by importing its Markdown file (`vigil kb import " + path +
                "`); skipped",
            /*rejected=*/false);
      continue;
    }
    if (!j.contains("title") || j["title"].is_null()) j["title"] = "";  // null: absent, as for every field
    if (std::string bad = WrongIncidentFieldType(j); !bad.empty()) {
      Issue(issues, file, line_no, std::move(bad));
      continue;
    }
    auto inc = FromJson<Incident>(j, "incident");
    if (!inc.ok()) {
      Issue(issues, file, line_no, inc.status().message());
      continue;
    }
    ParsedIncident p;
    p.incident = std::move(inc).value();
    p.line = line_no;
    SecondsAsMs(&p.incident.started_at_ms, "started_at_ms", file, line_no, issues);
    SecondsAsMs(&p.incident.resolved_at_ms, "resolved_at_ms", file, line_no, issues);
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
  content = WithoutUtf8Bom(content);
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
      // A quote opens a quoted cell only at the cell's start (after blanks); inside a cell it is a
      // character, as Python's csv and spreadsheets read it (RV4: `12" riser` opened a quoted cell
      // that ran to the next `"` or the end of the file, every record after it lost).
      if (c == '"' && Trim(cell).empty()) {
        cell.clear();
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
    // One column holding `;` or tabs: a spreadsheet's export in a locale that separates by `;`,
    // or a TSV (DOG5, 2026-12-05: the whole header line was named as one unknown column).
    std::string separator;
    if (records[0].cells.size() == 1) {
      if (records[0].cells[0].find(';') != std::string::npos) separator = "`;`";
      else if (records[0].cells[0].find('\t') != std::string::npos) separator = "tabs";
    }
    if (!separator.empty()) {
      msg += "; the header has no comma but " + separator +
             ": comma-separated CSV is read (export it with `,` as the separator)";
    }
    Issue(issues, file, records[0].line, msg + " (columns: " + list + ")");
    return;
  }
  // A column named twice (`mitigation,Mitigation`): the last cell won and the other's text was
  // dropped in silence (RV4).
  for (size_t a = 0; a < header.size(); ++a) {
    for (size_t b = a + 1; b < header.size(); ++b) {
      if (header[a] != header[b]) continue;
      Issue(issues, file, records[0].line,
            "CSV column `" + header[a] + "` is named twice in the header (columns " + std::to_string(a + 1) + " and " +
                std::to_string(b + 1) + "): which one holds it is unclear; nothing imported from this file (rename or "
                "remove one)");
      return;
    }
  }
  if (std::find(header.begin(), header.end(), "title") == header.end() &&
      std::find(header.begin(), header.end(), "raw_text") == header.end()) {
    Issue(issues, file, records[0].line, "CSV header needs a title or raw_text column");
    return;
  }
  // A header and no record (an export of an empty query): a warning, as for an empty JSON lines
  // file (DOG5, 2026-12-05: `"added": 0`, exit 0 and nothing on stderr before).
  if (records.size() == 1) {
    Issue(issues, file, records[0].line,
          "no incident in this file: it holds the header row and no record (CSV: one incident per row after the "
          "header)",
          /*rejected=*/false);
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
            SecondsAsMs(&inc.started_at_ms, "started_at", file, rec.line, issues);
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
  // Not UTF-8: said with its line, as for a .json file (RV4: "at byte N of the record", no line).
  if (!CheckFileUtf8(content, file, issues)) return false;
  if (!CheckRecordBytes(content, file, 0, max_bytes, issues)) return false;
  content = WithoutUtf8Bom(content);
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

namespace vigil::kb {
namespace {

// The line each element of a top-level JSON array starts on (the array already parsed, so the
// text is valid JSON).
std::vector<int64_t> ArrayElementLines(std::string_view content) {
  std::vector<int64_t> lines;
  int depth = 0;
  bool in_string = false, expect = false;
  int64_t line = 1;
  for (size_t i = 0; i < content.size(); ++i) {
    const char c = content[i];
    if (c == '\n') ++line;
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (depth == 1 && expect && c != ']') {
      lines.push_back(line);
      expect = false;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth == 1) expect = true;
    } else if (c == ']' || c == '}') {
      --depth;
    } else if (c == ',' && depth == 1) {
      expect = true;
    }
  }
  return lines;
}

struct ChatMessage {
  std::string user;
  std::string text;
  int64_t ms = 0;
  std::string thread;  // key of the thread's first message; empty: starts its own
  std::string key;     // this message's own key
  int64_t line = 0;
  std::string where;   // "message 3" / "reply 2 of the post on line 4"
  std::string file;    // the day file it is in (Slack); empty: the file parsed
};

// `s` with ASCII and Latin-1 capitals (UTF-8 `C3 80`-`C3 9E`, but `×`) lowercased, byte lengths
// kept: "LÖSUNG" -> "lösung", "SOLUCIÓN" -> "solución".
std::string LabelLower(std::string_view s) {
  std::string out = AsciiLower(s);
  for (size_t i = 0; i + 1 < out.size(); ++i) {
    unsigned char b = static_cast<unsigned char>(out[i + 1]);
    if (static_cast<unsigned char>(out[i]) == 0xC3 && b >= 0x80 && b <= 0x9E && b != 0x97) out[i + 1] = static_cast<char>(b + 0x20);
  }
  return out;
}

// Bytes of the colon ending a label at the start of `s`: blanks (a space, U+00A0 or U+202F, as French
// writes "Cause racine :"), then ':' or the full-width '：' (U+FF1A, "根因："); 0 when none.
size_t LabelColon(std::string_view s) {
  size_t i = 0;
  while (true) {
    if (i < s.size() && s[i] == ' ') ++i;
    else if (s.substr(i).starts_with("\xC2\xA0")) i += 2;
    else if (s.substr(i).starts_with("\xE2\x80\xAF")) i += 3;
    else break;
  }
  if (s.substr(i).starts_with(":")) return i + 1;
  if (s.substr(i).starts_with("\xEF\xBC\x9A")) return i + 3;
  return 0;
}

// What a Timeline entry says of the incident's state (KB10, 2026-12-05). The KB's resolved_at is
// when the service came back (KB3); a stored incident's resolved_at changes no recall or ranking
// (Search filters on started_at), it is the record on-call reads. So: an entry that negates its
// resolution word (`not resolved`, `noch nicht behoben`, `pas encore résolu`, `aún no resuelto`,
// 未解决, まだ解決していない) ends nothing; one that says the service is back only by a workaround
// or with its cause open (`workaround only`, `mitigated, root cause open`) ends it as mitigated; a
// fix undone (`fix reverted`, `reopened`, 复发, 再発) takes back an earlier end.
enum class EntryState { kNone, kResolved, kMitigated, kNotResolved, kReopened };
struct EntrySaid {
  EntryState state = EntryState::kNone;
  std::string words;  // the words that said it, as written
};

EntrySaid EntryStateOf(const std::string& text) {
  // The service back (KB3's words; KB9's in five languages).
  static const std::regex kBack(
      R"(\b(resolved|recovered|restored|resumed|mitigated|fixed|back (up|online|in service|to normal)|all clear|closed)"
      R"(|behoben|wiederhergestellt|gelöst|beendet|ende|läuft wieder|entschärft|résolue?|rétablie?|restaurée?|corrigée?)"
      R"(|fin|reprise|resuelt[oa]|restablecid[oa]|restaurad[oa]|recuperad[oa]|mitigad[oa]|corregid[oa]|solucionad[oa])(?!\w))"
      R"(|恢复|解决|结束|復旧|解決|回復|収束|終了)",
      std::regex::icase);
  // A resolution word negated: not yet / never / still not ... resolved.
  static const std::regex kNegated(
      R"(\b(?:not|never|isn't|wasn't|hasn't|haven't|aren't|weren't)\s+(?:(?:yet|been|fully|completely|entirely|really)\s+)*)"
      R"((?:resolved|fixed|restored|recovered|mitigated|solved|closed)\b|\bun(?:resolved|fixed|solved)\b)"
      R"(|\b(?:nicht|nie|keine?)\s+(?:(?:mehr|ganz|vollständig|endgültig|dauerhaft)\s+)*)"
      R"((?:behoben|gelöst|wiederhergestellt|entschärft|erledigt)(?!\w)|\bungelöst(?!\w))"
      R"(|\b(?:pas|non|jamais)\s+(?:(?:encore|toujours|complètement|totalement|entièrement|vraiment)\s+)*)"
      R"((?:résolue?s?|rétablie?s?|corrigée?s?|réparée?s?|restaurée?s?)(?!\w))"
      R"(|\b(?:no|sin)\s+(?:(?:está|esta|están|ha|han|sido|fue|se|del|todo|completamente|totalmente)\s+)*)"
      R"((?:resuelt[oa]s?|resolver|restablecid[oa]s?|solucionad[oa]s?|corregid[oa]s?|recuperad[oa]s?|arreglad[oa]s?)(?!\w))"
      R"(|(?:未|没有|没|尚未|仍未|还未|还没有|还没|并未|无法)(?:完全|彻底)?(?:解决|恢复|修复|修好|缓解)|(?:解决|恢复|修复)不了)"
      R"(|未(?:解決|復旧|対応)|(?:解決|復旧|回復|収束|修正|解消)(?:(?:して|されて|できて)い?(?:ない|ません|おらず)|しない|しなかった|できない|せず))",
      std::regex::icase);
  // Back, but not resolved: a workaround, a mitigation, the cause still open.
  static const std::regex kPartial(
      R"(\bwork-?arounds?\b|\bworked around\b|\bmitigated\b|\btemporary fix\b|\btemporarily\b|\bstop-?gap\b)"
      R"(|\bpartially (?:resolved|restored|recovered|fixed)\b|\b(?:root )?cause (?:is |still |remains )*(?:open|unknown|unclear)\b)"
      R"(|\bumgehung\b|\bumgangen\b|\bentschärft(?!\w)|\bvorläufig|\bprovisorisch|\bteilweise\b|\bursache (?:noch |ist )*(?:offen|unklar|unbekannt)\b)"
      R"(|\bcontourn|\batténuée?(?!\w)|\bprovisoire|\btemporaire|\bpartiellement\b|\bcause (?:racine )?(?:toujours |encore )*(?:inconnue|ouverte)(?!\w))"
      R"(|\bmitigad[oa](?!\w)|\bsoluci[oó]n temporal\b|\bprovisional\b|\bparcialmente\b|\bcausa (?:ra[ií]z )?(?:aún |todavía )*(?:desconocida|abierta|pendiente)\b)"
      R"(|缓解|临时|规避|绕过|部分恢复|根因(?:未明|不明|待查|仍未)|暫定|緩和|回避|一部復旧|原因(?:不明|調査中))",
      std::regex::icase);
  // A fix taken back, the fault back (not a change or patch rolled back: that is often the fix).
  static const std::regex kReopened(
      R"(\b(?:fix|hotfix)(?:es)?\s+(?:(?:was|were|got|has been|have been)\s+)?(?:reverted|rolled back|backed out|undone)\b)"
      R"(|\breverted (?:the |our )?(?:fix|hotfix)\b|\bre-?opened\b|\brecurred\b|\bregressed\b)"
      R"(|\b(?:down|failing|broken|hung|hanging|stalled|crashing|failed)\s+again\b)"
      R"(|\b(?:fix|korrektur)\s+(?:wurde\s+)?(?:zurückgenommen|zurückgerollt|zurückgesetzt|revertiert)(?!\w))"
      R"(|\b(?:wieder|erneut)\s+(?:aufgetreten|ausgefallen)(?!\w)|\bwiedereröffnet(?!\w))"
      R"(|\b(?:correctif|fix)\s+(?:a été\s+)?(?:annulé|retiré|reverté)(?!\w)|\bré?ouverte?(?!\w)|\bréapparue?(?!\w)|\b(?:de nouveau|à nouveau) en panne\b)"
      R"(|\b(?:correcci[oó]n|fix)\s+(?:fue\s+)?(?:revertid[oa]|deshech[oa])(?!\w)|\breabiert[oa](?!\w)|\breapareci[oó](?!\w)|\bvolvi[oó] a fallar\b)"
      R"(|修复(?:被|已)?回滚|回滚了?修复|重新打开|复发|再次(?:出现|发生|故障)|再発|再オープン|修正を(?:切り戻|差し戻|取り消))",
      std::regex::icase);
  std::smatch m;
  if (std::regex_search(text, m, kReopened)) return {EntryState::kReopened, m.str(0)};
  std::string negated;
  if (std::regex_search(text, m, kNegated)) negated = m.str(0);
  // The text less its negated phrases: what is left says whether the service is back.
  const std::string rest = negated.empty() ? text : std::regex_replace(text, kNegated, " ");
  if (std::regex_search(rest, m, kPartial)) return {EntryState::kMitigated, m.str(0)};
  if (std::regex_search(rest, m, kBack)) {
    // Back, yet said not resolved ("restored, not resolved"): mitigated.
    return negated.empty() ? EntrySaid{EntryState::kResolved, m.str(0)} : EntrySaid{EntryState::kMitigated, negated};
  }
  if (!negated.empty()) return {EntryState::kNotResolved, negated};
  return {};
}

// The labels of a chat message's cause and fix lines, lowercased (LabelLower), in the languages
// multinational on-call channels write: English, German, French, Spanish, Chinese, Japanese (KB7,
// 2026-12-04; before, English only). Not "correction" / "corrección": in a chat that is more often
// a message correcting an earlier one than a fix.
constexpr std::string_view kCauseLabels[] = {
    "root cause", "rca", "cause",                                       // English
    "ursache", "grundursache", "fehlerursache",                         // German
    "cause racine", "cause première", "cause premiere", "cause profonde",  // French
    "causa raíz", "causa raiz", "causa",                                // Spanish
    "根因", "根本原因", "原因"};                                          // Chinese, Japanese
constexpr std::string_view kFixLabels[] = {
    "fix", "fixed", "resolution", "resolved", "mitigation", "workaround",             // English
    "lösung", "behoben durch", "behebung", "abhilfe",                                  // German
    "correctif", "résolution", "contournement",                                        // French
    "solución", "solucion", "mitigación", "arreglo", "resuelto con",                   // Spanish
    "修复", "解决方案", "解决办法",                                                    // Chinese
    "対処", "対応", "修正", "解決策"};                                                 // Japanese

// The fix labels that name a workaround, not a fix (KB10): the thread is mitigated.
constexpr std::string_view kMitigationLabels[] = {"mitigation", "workaround", "contournement", "mitigación"};

// `text` after a `label:` at the start of a line of `msg` (case-insensitive: LabelLower; the colon
// as LabelColon reads it), else "". A label must be followed by its colon: "Ursache unklar: ..." or
// "Causa raíz desconocida" are not labels.
std::string AfterLabel(std::string_view msg, std::span<const std::string_view> labels) {
  size_t pos = 0;
  while (pos <= msg.size()) {
    size_t nl = msg.find('\n', pos);
    std::string_view line = msg.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    std::string_view t = Trim(line);
    while (!t.empty() && (t.front() == '*' || t.front() == '_' || t.front() == '>')) t.remove_prefix(1);
    const std::string lower = LabelLower(t);
    for (std::string_view label : labels) {
      size_t colon = lower.starts_with(label) ? LabelColon(std::string_view(lower).substr(label.size())) : 0;
      if (colon > 0) {
        std::string_view rest = t.substr(label.size() + colon);
        while (!rest.empty() && (rest.front() == '*' || rest.front() == '_')) rest.remove_prefix(1);
        // The rest of the message after the label line belongs to it too.
        std::string out(Trim(rest));
        if (nl != std::string_view::npos) {
          std::string_view tail = Trim(msg.substr(nl + 1));
          if (!tail.empty()) out += (out.empty() ? "" : "\n") + std::string(tail);
        }
        return out;
      }
    }
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return "";
}

// The first line of `text`, cut at a word before `max` bytes when longer.
std::string FirstLine(std::string_view text, size_t max) {
  std::string_view t = Trim(text);
  t = t.substr(0, t.find('\n'));
  if (t.size() > max) {
    size_t cut = t.rfind(' ', max);
    if (cut == std::string_view::npos || cut < max / 2) {
      cut = max;
      while (cut > 0 && (static_cast<unsigned char>(t[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
    }
    t = t.substr(0, cut);
  }
  return std::string(Trim(t));
}

// Threads of `msgs` (in file order) into incidents; `prefix` names the export in ids.
void ThreadsToIncidents(std::vector<ChatMessage>& msgs, const std::string& file, const std::string& prefix,
                        std::vector<ParsedIncident>* out, std::vector<ImportIssue>* issues) {
  std::vector<std::string> order;
  std::unordered_map<std::string, std::vector<const ChatMessage*>> threads;
  // A message read twice (one day exported into two folders, or a thread's replies taken in again
  // from the store): its first copy counts; a second with the same `ts` is said and skipped
  // (RVK's item 5: the second copy of a thread's first message became the head of the first's
  // thread).
  {
    std::unordered_map<std::string, const ChatMessage*> seen;
    for (ChatMessage& m : msgs) {
      auto [it, fresh] = seen.try_emplace(m.key, &m);
      if (fresh) continue;
      Issue(issues, m.file.empty() ? file : m.file, m.line,
            m.where + ": `ts` `" + m.key + "` is a message read before (" +
                (it->second->file.empty() ? file : it->second->file) + ":" + std::to_string(it->second->line) +
                "); skipped",
            /*rejected=*/false);
      m.key.clear();
    }
    std::erase_if(msgs, [](const ChatMessage& m) { return m.key.empty(); });
  }
  for (const ChatMessage& m : msgs) {
    if (m.thread.empty() || m.thread == m.key) {
      if (!threads.contains(m.key)) order.push_back(m.key);
      threads[m.key].insert(threads[m.key].begin(), &m);
    }
  }
  auto file_of = [&file](const ChatMessage& m) -> const std::string& { return m.file.empty() ? file : m.file; };
  // Threads whose first message is not imported: the key of the incident their replies form.
  std::unordered_map<std::string, std::string> orphan_key;
  for (const ChatMessage& m : msgs) {
    if (m.thread.empty() || m.thread == m.key) continue;
    auto it = threads.find(m.thread);
    if (it == threads.end()) {
      // Its thread's first message is not imported: skipped (an alert bot's post, the usual
      // case), or in no file read (an export cut at a day, a deleted message). The thread's
      // replies are kept as one incident, said (before SLK: rejected, lost; before RVK: each
      // reply its own incident, so a thread's fix was apart from its symptom).
      Issue(issues, file_of(m), m.line,
            m.where + ": a reply to thread `" + m.thread +
                "`, whose first message is not imported (skipped above, or in no file of this import); its replies "
                "are kept as one incident",
            /*rejected=*/false);
      auto [o, fresh] = orphan_key.try_emplace(m.thread, m.key);
      if (fresh) order.push_back(m.key);
      threads[o->second].push_back(&m);
      continue;
    }
    it->second.push_back(&m);
  }
  for (const std::string& key : order) {
    auto& t = threads[key];
    std::stable_sort(t.begin() + 1, t.end(), [](const ChatMessage* a, const ChatMessage* b) { return a->ms < b->ms; });
    const ChatMessage& first = *t.front();
    ParsedIncident p;
    p.line = first.line;
    Incident& inc = p.incident;
    inc.id = prefix + ":" + key;
    inc.title = FirstLine(first.text, 120);
    inc.started_at_ms = first.ms;
    inc.symptoms.push_back(std::string(Trim(first.text)));
    std::string cause, resolution;
    // Replies whose thread's first message is not imported: their first is a reply too, its cause
    // and fix read (KB4, 2026-12-04: before, a first reply's "Root cause:" was lost).
    const bool replies_only = std::any_of(orphan_key.begin(), orphan_key.end(), [&](const auto& kv) { return kv.second == key; });
    for (const ChatMessage* m : t) {
      inc.raw_text += (m->user.empty() ? std::string("unknown") : m->user) + ": " + m->text + "\n";
      if (m == t.front() && !replies_only) continue;
      if (std::string c = AfterLabel(m->text, kCauseLabels); !c.empty()) cause = c;
      if (std::string f = AfterLabel(m->text, kFixLabels); !f.empty()) {
        // What the fix line says of the state (KB10): a negated one ("Resolved: not yet") is no
        // fix, said; a workaround's label or words make it mitigated.
        // A bare "no" ("Resolved: not yet", "Behoben durch: noch nicht").
        static const std::regex kBareNo(
            R"(^\s*(no|nope|not yet|nein|noch nicht|pas encore|non|aún no|aun no|todavía no|todavia no|还没有?|尚未|まだ(?:です)?)\s*(?:[,.;:!，。、]|$))",
            std::regex::icase);
        const EntrySaid said = EntryStateOf(f);
        std::smatch no;
        if (said.state == EntryState::kNotResolved || std::regex_search(f, no, kBareNo)) {
          Issue(issues, file_of(*m), m->line,
                m->where + ": its fix line says it is not resolved (`" +
                    (said.state == EntryState::kNotResolved ? said.words : no.str(1)) +
                    "`): not taken as the thread's fix (its text is kept)",
                /*rejected=*/false);
          resolution = "open";
          continue;
        }
        inc.mitigation = f;
        resolution = !AfterLabel(m->text, kMitigationLabels).empty() || said.state == EntryState::kMitigated
                         ? "mitigated"
                         : "resolved";
      }
    }
    if (!cause.empty()) p.extra["root_cause_text"] = cause;
    if (!resolution.empty()) p.extra["resolution"] = resolution;
    if (t.size() > 1) p.extra["replies"] = static_cast<int64_t>(t.size() - 1);
    // Replies whose thread's first message was not imported: the thread and the messages, so that
    // the thread imported later takes them in (KB3, 2026-12-04; KnowledgeBase's ImportSlackDays).
    if (auto o = std::find_if(orphan_key.begin(), orphan_key.end(), [&](const auto& kv) { return kv.second == key; });
        o != orphan_key.end()) {
      p.extra["thread_ts"] = o->first;
      Json kept = Json::array();
      for (const ChatMessage* m : t) kept.push_back(Json{{"ts", m->key}, {"user", m->user}, {"text", m->text}});
      p.extra["messages"] = std::move(kept);
    }
    inc.source = file_of(first);
    out->push_back(std::move(p));
  }
}

void SkippedWarning(const std::map<std::string, int64_t>& skipped, const std::string& file,
                    std::vector<ImportIssue>* issues) {
  if (skipped.empty()) return;
  std::string msg = "skipped ";
  bool firstk = true;
  for (const auto& [kind, n] : skipped) {
    if (!firstk) msg += ", ";
    firstk = false;
    msg += std::to_string(n) + " " + kind;
  }
  msg += " (not a person's message)";
  Issue(issues, file, 0, std::move(msg), /*rejected=*/false);
}

// A message's text checked for size and encoding (a JSON string is valid UTF-8 once parsed; the
// file's bytes are checked before).
bool CheckMessage(const ChatMessage& m, const std::string& file, size_t max_bytes, std::vector<ImportIssue>* issues) {
  // A message with no text (a file alone, a deleted message) is no bad record: said, not rejected.
  if (Trim(m.text).empty()) {
    Issue(issues, file, m.line, m.where + ": no text; skipped", /*rejected=*/false);
    return false;
  }
  if (m.text.size() > max_bytes) {
    Issue(issues, file, m.line,
          m.where + ": " + std::to_string(m.text.size()) + " bytes of text exceed the " + std::to_string(max_bytes) +
              "-byte limit; skipped");
    return false;
  }
  return true;
}

std::string StemOf(const std::string& file) {
  std::string s = file;
  if (auto slash = s.find_last_of('/'); slash != std::string::npos) s = s.substr(slash + 1);
  if (auto dot = s.find_last_of('.'); dot != std::string::npos && dot > 0) s = s.substr(0, dot);
  return s;
}

// Slack's `ts` ("1733300000.000200") in ms; nullopt when it is none.
std::optional<int64_t> SlackTsMs(const std::string& ts) {
  auto dot = ts.find('.');
  std::optional<int64_t> sec = ParseInt(ts.substr(0, dot));
  if (!sec || *sec < 0 || *sec > 100'000'000'000) return std::nullopt;
  int64_t ms = *sec * 1000;
  if (dot != std::string::npos && dot + 1 < ts.size()) {
    std::string frac = ts.substr(dot + 1, 3);
    while (frac.size() < 3) frac += '0';
    if (auto f = ParseInt(frac)) ms += *f;
  }
  return ms;
}

std::string StringField(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "`text` is an object, not a string" for the first of `keys` that `j` holds as neither a string
// nor null, else "" (RVK's item 1, KB3 2026-12-04: such a message was "no text; skipped", a
// non-string `thread_ts` silently made a reply a thread of its own).
std::string NotAString(const Json& j, std::initializer_list<const char*> keys) {
  if (!j.is_object()) return "";
  for (const char* key : keys) {
    auto it = j.find(key);
    if (it == j.end() || it->is_string() || it->is_null()) continue;
    std::string what = it->is_object() ? "an object" : it->is_array() ? "an array" : "a " + std::string(it->type_name());
    std::string out = "`";
    out += key;
    out += "` is " + what + ", not a string";
    return out;
  }
  return "";
}

}  // namespace

bool LooksLikeMattermostExport(std::string_view content) {
  size_t pos = 0;
  while (pos < content.size()) {
    size_t nl = content.find('\n', pos);
    std::string_view line = Trim(content.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos));
    pos = nl == std::string_view::npos ? content.size() : nl + 1;
    if (line.empty()) continue;
    if (JsonTooDeepAt(line) != std::string_view::npos) return false;  // the JSON-lines parser says so
    try {
      Json j = Json::parse(line);
      if (!j.is_object() || !j.contains("type") || !j["type"].is_string()) return false;
      static const std::set<std::string, std::less<>> kTypes = {"version", "team", "channel", "user", "post",
                                                              "direct_channel", "direct_post", "emoji", "scheme"};
      return kTypes.contains(j["type"].get<std::string>()) && !j.contains("title") && !j.contains("raw_text");
    } catch (const Json::exception&) {
      return false;
    }
  }
  return false;
}

void ParseMattermostExport(std::string_view content, const std::string& file, size_t max_bytes,
                           std::vector<ParsedIncident>* out, std::vector<ImportIssue>* issues) {
  std::vector<ChatMessage> msgs;
  std::map<std::string, int64_t> skipped;
  int64_t line_no = 0;
  size_t pos = 0;
  std::string channel;
  std::map<std::string, int> keys_used;  // thread keys given so far: a second at the same ms gets `.2`
  while (pos < content.size()) {
    size_t nl = content.find('\n', pos);
    std::string_view line = content.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? content.size() : nl + 1;
    ++line_no;
    if (Trim(line).empty()) continue;
    Json j;
    if (!ParseJsonLine(line, file, line_no, max_bytes, issues, &j)) continue;
    const std::string type = j.is_object() ? StringField(j, "type") : "";
    if (type != "post" && type != "direct_post") {
      ++skipped[type.empty() ? "lines of no type" : "`" + type + "` lines"];
      continue;
    }
    const Json* post = j.contains(type) && j[type].is_object() ? &j[type] : nullptr;
    if (!post) {
      Issue(issues, file, line_no, "a `" + type + "` line without its `" + type + "` object; skipped");
      continue;
    }
    if (channel.empty()) channel = StringField(*post, "channel");
    if (std::string bad = NotAString(*post, {"message", "user"}); !bad.empty()) {
      Issue(issues, file, line_no, "post on line " + std::to_string(line_no) + ": " + bad + "; skipped with its replies");
      continue;
    }
    ChatMessage m;
    m.user = StringField(*post, "user");
    m.text = StringField(*post, "message");
    m.ms = post->contains("create_at") && (*post)["create_at"].is_number_integer() ? (*post)["create_at"].get<int64_t>() : 0;
    // The thread's key (its id's last part) is its post's create_at, the same in every export of
    // the channel; a second post at the same ms gets `.2`, one with no create_at its line (RV4:
    // it was the line, so a later export, where threads sit on other lines, replaced each stored
    // thread with another and stored it again under a new id).
    m.key = m.ms > 0 ? std::to_string(m.ms) : "line" + std::to_string(line_no);
    if (int n = ++keys_used[m.key]; n > 1) m.key += "." + std::to_string(n);
    m.line = line_no;
    m.where = "post on line " + std::to_string(line_no);
    // A skipped post (a bot's alert, no text) keeps its replies: people's thread under it, one
    // incident (ThreadsToIncidents). Before RVK they were lost with it.
    if (post->contains("props") && (*post)["props"].is_object() && (*post)["props"].contains("from_bot")) {
      ++skipped["bot posts"];
    } else if (CheckMessage(m, file, max_bytes, issues)) {
      msgs.push_back(m);
    }
    if (post->contains("replies") && (*post)["replies"].is_array()) {
      int n = 0;
      for (const Json& r : (*post)["replies"]) {
        ++n;
        if (std::string bad = NotAString(r, {"message", "user"}); !bad.empty()) {
          Issue(issues, file, line_no, "reply " + std::to_string(n) + " of the post on line " + std::to_string(line_no) + ": " + bad + "; skipped");
          continue;
        }
        ChatMessage rm;
        rm.user = r.is_object() ? StringField(r, "user") : "";
        rm.text = r.is_object() ? StringField(r, "message") : "";
        rm.ms = r.is_object() && r.contains("create_at") && r["create_at"].is_number_integer() ? r["create_at"].get<int64_t>() : 0;
        rm.key = m.key + "-" + std::to_string(n);
        rm.thread = m.key;
        rm.line = line_no;
        rm.where = "reply " + std::to_string(n) + " of the post on line " + std::to_string(line_no);
        if (!CheckMessage(rm, file, max_bytes, issues)) continue;
        msgs.push_back(std::move(rm));
      }
    }
  }
  ThreadsToIncidents(msgs, file, "mattermost:" + (channel.empty() ? StemOf(file) : channel), out, issues);
  SkippedWarning(skipped, file, issues);
  if (msgs.empty()) Issue(issues, file, 0, "no post with text in this Mattermost export", /*rejected=*/false);
}

namespace {

// A whole file's JSON; false (one issue naming the place) when it is not UTF-8 or not JSON.
bool ParseJsonFile(std::string_view content, const std::string& file, std::vector<ImportIssue>* issues, Json* j) {
  if (!CheckFileUtf8(content, file, issues)) return false;
  if (const size_t deep = JsonTooDeepAt(content); deep != std::string_view::npos) {
    Issue(issues, file, LineAt(content, deep), "malformed JSON: " + JsonTooDeepMessage());
    return false;
  }
  try {
    *j = Json::parse(content);
  } catch (const Json::parse_error& e) {
    std::string what = e.what();
    auto p = what.find("parse error");
    Issue(issues, file, LineAt(content, e.byte > 0 ? e.byte - 1 : 0),
          "malformed JSON: " + (p == std::string::npos ? what : what.substr(p)) + "; nothing imported from this file");
    return false;
  } catch (const Json::exception& e) {
    Issue(issues, file, 0, std::string("malformed JSON: ") + e.what() + "; nothing imported from this file");
    return false;
  }
  return true;
}

// True when most of the array's elements are Slack messages (`ts` and `type: message`).
bool IsSlackDay(const Json& j) {
  if (!j.is_array() || j.empty()) return false;
  size_t slack = 0;
  for (const Json& e : j) {
    if (e.is_object() && e.contains("ts") && StringField(e, "type") == "message") ++slack;
  }
  return slack * 2 > j.size();
}

// Slack's user mentions in a message's text, `<@U123>` or `<@U123|maya>`, as `@NAME` (users.json's
// name, else the mention's own label); an id named nowhere stays as it is (KB3, 2026-12-04: the
// raw text read "<@U2> can you drain it?").
std::string SlackMentions(const std::string& text, const std::map<std::string, std::string>& user_names) {
  std::string out;
  size_t at = 0;
  while (true) {
    const size_t open = text.find("<@", at);
    const size_t close = open == std::string::npos ? std::string::npos : text.find('>', open);
    if (close == std::string::npos) break;
    const std::string inner = text.substr(open + 2, close - open - 2);
    const size_t bar = inner.find('|');
    const std::string id = inner.substr(0, bar);
    std::string name;
    if (auto it = user_names.find(id); it != user_names.end()) name = it->second;
    else if (bar != std::string::npos) name = inner.substr(bar + 1);
    const bool is_id = !id.empty() && id.size() <= 32 &&
                       std::all_of(id.begin(), id.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
    out.append(text, at, open - at);
    if (is_id && !name.empty()) {
      out += '@';
      out += name;
    } else {
      out.append(text, open, close + 1 - open);
    }
    at = close + 1;
  }
  out.append(text, at, std::string::npos);
  return out;
}

// Slack's markup in a message's text as the person wrote it (RV4; Slack's export format): `&amp;`,
// `&lt;`, `&gt;` are `&`, `<`, `>`; `<URL|label>` is `label (URL)` (the label alone where it is the
// URL without its scheme: a host name Slack linked), `<URL>` the URL, `<#C1|oncall>` `#oncall`,
// `<!here>` `@here`, `<!subteam^S1|@net>` `@net`, `<!date^...|fallback>` its fallback. Mentions
// (`<@U1>`) are SlackMentions'; one it left (an id named nowhere) stays.
std::string SlackMarkup(const std::string& text) {
  auto entities = [](std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size();) {
      if (s.substr(i).starts_with("&amp;")) { out += '&'; i += 5; }
      else if (s.substr(i).starts_with("&lt;")) { out += '<'; i += 4; }
      else if (s.substr(i).starts_with("&gt;")) { out += '>'; i += 4; }
      else out += s[i++];
    }
    return out;
  };
  std::string out;
  size_t at = 0;
  while (at < text.size()) {
    const size_t open = text.find('<', at);
    const size_t close = open == std::string::npos ? std::string::npos : text.find('>', open);
    if (close == std::string::npos || text.find('\n', open) < close) {
      const size_t upto = open == std::string::npos || close == std::string::npos ? text.size() : open + 1;
      out += entities(std::string_view(text).substr(at, upto - at));
      at = upto;
      continue;
    }
    out += entities(std::string_view(text).substr(at, open - at));
    const std::string inner = entities(std::string_view(text).substr(open + 1, close - open - 1));
    const size_t bar = inner.find('|');
    const std::string target = inner.substr(0, bar);
    const std::string label = bar == std::string::npos ? "" : inner.substr(bar + 1);
    if (target.starts_with("@")) {
      out += "<" + inner + ">";
    } else if (target.starts_with("#")) {
      out += label.empty() ? target : "#" + label;
    } else if (target.starts_with("!")) {
      if (!label.empty()) out += label.starts_with("@") || target.starts_with("!date") ? label : "@" + label;
      else out += "@" + target.substr(1, target.find('^') == std::string::npos ? std::string::npos : target.find('^') - 1);
    } else if (target.find("://") != std::string::npos || target.starts_with("mailto:") || target.starts_with("tel:")) {
      const std::string bare = target.substr(target.find(':') + 1 + (target.find("://") != std::string::npos ? 2 : 0));
      if (label.empty() || label == target) out += target;
      else if (label == bare) out += label;
      else out += label + " (" + target + ")";
    } else {
      out += "<" + inner + ">";  // no Slack markup: kept as it is
    }
    at = close + 1;
  }
  return out;
}

// A Slack day file's messages appended to `msgs` (each naming `file`); bots and events counted
// in one warning for the file.
void SlackDayMessages(const Json& j, std::string_view content, const std::string& file, size_t max_bytes,
                      const std::map<std::string, std::string>& user_names, std::vector<ChatMessage>* msgs,
                      std::vector<ImportIssue>* issues) {
  const std::vector<int64_t> lines = ArrayElementLines(content);
  auto line_of = [&](size_t i) { return i < lines.size() ? lines[i] : int64_t{0}; };
  std::map<std::string, int64_t> skipped;
  for (size_t i = 0; i < j.size(); ++i) {
    const Json& e = j[i];
    const std::string where = "message " + std::to_string(i + 1);
    if (!e.is_object()) {
      Issue(issues, file, line_of(i), where + ": expected a JSON object, got " + std::string(e.type_name()));
      continue;
    }
    const std::string subtype = StringField(e, "subtype");
    if (e.contains("bot_id") || subtype == "bot_message") {
      ++skipped["bot messages"];
      continue;
    }
    if (!subtype.empty() && subtype != "thread_broadcast" && subtype != "file_share" && subtype != "me_message") {
      ++skipped["`" + subtype + "` events"];
      continue;
    }
    if (std::string bad = NotAString(e, {"text", "user", "user_name", "thread_ts"}); !bad.empty()) {
      Issue(issues, file, line_of(i), where + ": " + bad + "; skipped");
      continue;
    }
    ChatMessage m;
    m.key = StringField(e, "ts");
    auto ms = SlackTsMs(m.key);
    if (!ms) {
      Issue(issues, file, line_of(i), where + ": `ts` `" + m.key + "` is not a Slack timestamp (seconds.micros); skipped");
      continue;
    }
    m.ms = *ms;
    m.user = StringField(e, "user_name");
    if (m.user.empty() && e.contains("user_profile") && e["user_profile"].is_object()) {
      m.user = StringField(e["user_profile"], "real_name");
    }
    if (m.user.empty()) {
      m.user = StringField(e, "user");
      if (auto it = user_names.find(m.user); it != user_names.end()) m.user = it->second;
    }
    m.text = SlackMarkup(SlackMentions(StringField(e, "text"), user_names));
    m.thread = StringField(e, "thread_ts");
    m.line = line_of(i);
    m.where = where;
    m.file = file;
    if (!CheckMessage(m, file, max_bytes, issues)) continue;
    msgs->push_back(std::move(m));
  }
  SkippedWarning(skipped, file, issues);
}

// `slack:<the day file's folder>` (its stem when it is in none).
std::string SlackPrefix(const std::string& file) {
  std::string channel = file;
  if (auto slash = channel.find_last_of('/'); slash != std::string::npos && slash > 0) {
    channel = channel.substr(0, slash);
    if (auto s2 = channel.find_last_of('/'); s2 != std::string::npos) channel = channel.substr(s2 + 1);
  } else {
    channel = StemOf(file);
  }
  return "slack:" + channel;
}

}  // namespace

bool IsSlackExportMetadata(std::string_view f) {
  for (std::string_view name :
       {"channels.json", "groups.json", "dms.json", "mpims.json", "integration_logs.json", "canvases.json"}) {
    if (f == name) return true;
  }
  return false;
}

bool IsSlackDayFileName(std::string_view f) {
  if (f.size() != 15 || !f.ends_with(".json") || f[4] != '-' || f[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (f[i] < '0' || f[i] > '9') return false;
  }
  return true;
}

std::map<std::string, std::string> ParseSlackUsers(std::string_view content, const std::string& file,
                                                   std::vector<ImportIssue>* issues) {
  std::map<std::string, std::string> names;
  Json j;
  if (!ParseJsonFile(content, file, issues, &j)) return names;
  if (!j.is_array()) {
    Issue(issues, file, 1, std::string("expected a JSON array of users (a Slack export's users.json), got ") + j.type_name() +
                               "; user ids are shown as they are");
    return names;
  }
  for (const Json& u : j) {
    if (!u.is_object()) continue;
    const std::string id = StringField(u, "id");
    if (id.empty()) continue;
    std::string name;
    if (u.contains("profile") && u["profile"].is_object()) {
      name = StringField(u["profile"], "display_name");
      if (name.empty()) name = StringField(u["profile"], "real_name");
    }
    if (name.empty()) name = StringField(u, "real_name");
    if (name.empty()) name = StringField(u, "name");
    if (!name.empty()) names[id] = name;
  }
  return names;
}

void ParseSlackChannel(const std::vector<SlackDayFile>& days, const std::map<std::string, std::string>& user_names,
                       size_t max_bytes, std::vector<ParsedIncident>* out, std::vector<ImportIssue>* issues,
                       std::vector<size_t>* not_slack) {
  std::vector<ChatMessage> msgs;
  std::string first_file;
  for (size_t i = 0; i < days.size(); ++i) {
    const SlackDayFile& d = days[i];
    Json j;
    if (!ParseJsonFile(d.content, d.file, issues, &j)) continue;  // said, naming the place
    if (!IsSlackDay(j)) {
      not_slack->push_back(i);
      continue;
    }
    if (first_file.empty()) first_file = d.file;
    SlackDayMessages(j, d.content, d.file, max_bytes, user_names, &msgs, issues);
  }
  if (!first_file.empty()) ThreadsToIncidents(msgs, first_file, SlackPrefix(first_file), out, issues);
}

void ParseJsonExport(std::string_view content, const std::string& file, size_t max_bytes,
                     std::vector<ParsedIncident>* out, std::vector<ImportIssue>* issues) {
  Json j;
  if (!ParseJsonFile(content, file, issues, &j)) return;
  // One record alone, or a tracker's wrapper around its records (Jira: {"issues": [...]}, ServiceNow
  // {"result": [...]}, PagerDuty {"incidents": [...]}): only such a key is unwrapped. Before (RVK's
  // item 2, fixed by KB3 2026-12-04) any first array of objects was: a single record with a
  // `comments` list was replaced by its comments.
  if (j.is_object() && !j.contains("title") && !j.contains("raw_text")) {
    for (const char* key : {"issues", "incidents", "records", "items", "results", "result", "data", "tickets",
                            "values", "entries"}) {
      auto it = j.find(key);
      if (it != j.end() && it->is_array() && !it->empty() && (*it)[0].is_object()) {
        Json inner = std::move(it.value());
        j = std::move(inner);
        break;
      }
    }
  }
  if (j.is_object()) j = Json::array({std::move(j)});
  if (!j.is_array()) {
    Issue(issues, file, 1,
          std::string("expected a JSON array of records (a tracker's export) or of messages (a Slack "
                      "channel's day file), got ") +
              j.type_name());
    return;
  }
  const std::vector<int64_t> lines = ArrayElementLines(content);
  auto line_of = [&](size_t i) { return i < lines.size() ? lines[i] : int64_t{0}; };
  if (j.empty()) {
    Issue(issues, file, 1, "an empty JSON array: nothing to import", /*rejected=*/false);
    return;
  }
  // Slack: messages carry `ts` and `type: message`.
  if (IsSlackDay(j)) {
    std::vector<ChatMessage> msgs;
    SlackDayMessages(j, content, file, max_bytes, {}, &msgs, issues);
    ThreadsToIncidents(msgs, file, SlackPrefix(file), out, issues);
    return;
  }
  // A tracker's records: each as a JSON-lines record, on the line it starts.
  std::string as_lines;
  std::vector<int64_t> record_line;
  for (size_t i = 0; i < j.size(); ++i) {
    as_lines += j[i].dump();
    as_lines += '\n';
    record_line.push_back(line_of(i));
  }
  std::vector<ImportIssue> mine;
  std::vector<ParsedIncident> parsed;
  ParseIncidentJsonl(as_lines, file, max_bytes, &parsed, &mine);
  for (ImportIssue& is : mine) {
    if (is.line > 0 && static_cast<size_t>(is.line) <= record_line.size()) {
      is.message = "record " + std::to_string(is.line) + ": " + is.message;
      is.line = record_line[is.line - 1];
    }
    issues->push_back(std::move(is));
  }
  for (ParsedIncident& p : parsed) {
    if (p.line > 0 && static_cast<size_t>(p.line) <= record_line.size()) p.line = record_line[p.line - 1];
    out->push_back(std::move(p));
  }
}

namespace {

// Each line of a Markdown document (its CR dropped) with its 1-based number and whether it is inside
// a fenced code block (a fence line itself counts as inside); `fn` returns false to stop.
template <typename Fn>
void ForEachMarkdownLine(std::string_view content, Fn fn) {
  bool fenced = false;
  int64_t n = 0;
  for (size_t at = 0; at <= content.size();) {
    size_t nl = content.find('\n', at);
    if (nl == std::string_view::npos) nl = content.size();
    std::string line(content.substr(at, nl - at));
    at = nl + 1;
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::string_view t = Trim(line);
    const bool fence = t.starts_with("```") || t.starts_with("~~~");
    if (fence) fenced = !fenced;
    if (!fn(line, n, fenced || fence)) return;
  }
}

// What a postmortem's section is, by its heading (lower-case, ASCII folded), in English, German,
// French, Spanish, Chinese and Japanese (KB8, 2026-12-04; KB7 did the chat labels): teams write
// postmortems in their own language, and a German `## Ursache` / `## Lösung` made the file a guide.
// kFollowUps reads as kActions but, alone, does not make a postmortem (as before). Each name with
// the language writing it (KB9: German, French and Spanish write a date's day first, 04/12/2026; a
// name two languages share, `impact`, `cause`, `原因`, is under the first).
enum class PostmortemSection { kNone, kSymptoms, kCause, kResolution, kActions, kFollowUps, kTimeline };
enum class PostmortemLanguage { kEnglish, kGerman, kFrench, kSpanish, kChinese, kJapanese };

struct PostmortemHeading {
  PostmortemSection section = PostmortemSection::kNone;
  PostmortemLanguage language = PostmortemLanguage::kEnglish;
};

PostmortemHeading PostmortemHeadingOf(const std::string& s) {
  using S = PostmortemSection;
  using L = PostmortemLanguage;
  struct Names {
    S kind;
    L language;
    std::initializer_list<std::string_view> names;
  };
  static const Names kNames[] = {
      {S::kSymptoms, L::kEnglish, {"summary", "impact", "impacts"}},
      {S::kSymptoms, L::kGerman, {"zusammenfassung", "auswirkung", "auswirkungen"}},
      {S::kSymptoms, L::kFrench, {"résumé", "synthèse"}},
      {S::kSymptoms, L::kSpanish, {"resumen", "impacto"}},
      {S::kSymptoms, L::kChinese, {"摘要", "概述", "总结", "影响", "影响范围"}},
      {S::kSymptoms, L::kJapanese, {"概要", "サマリー", "影響", "影響範囲"}},
      {S::kCause, L::kEnglish, {"root cause", "root causes", "root cause analysis", "cause", "causes"}},
      {S::kCause, L::kGerman, {"ursache", "ursachen", "grundursache", "fehlerursache", "ursachenanalyse"}},
      {S::kCause, L::kFrench, {"cause racine", "cause première", "cause profonde", "causes racines"}},
      {S::kCause, L::kSpanish, {"causa", "causa raíz", "causa raiz", "causas", "causa principal"}},
      {S::kCause, L::kChinese, {"根因", "根本原因", "原因", "根因分析", "原因分析"}},
      {S::kResolution, L::kEnglish, {"resolution", "mitigation", "fix"}},
      {S::kResolution, L::kGerman, {"lösung", "behebung", "abhilfe"}},
      {S::kResolution, L::kFrench, {"résolution", "correctif", "atténuation"}},
      {S::kResolution, L::kSpanish, {"resolución", "solución", "solucion", "mitigación"}},
      {S::kResolution, L::kChinese, {"解决方案", "解决办法", "修复", "缓解措施"}},
      {S::kResolution, L::kJapanese, {"対応", "解決策", "修正", "暫定対応"}},
      {S::kActions, L::kEnglish, {"action items"}},
      {S::kActions, L::kGerman, {"folgemaßnahmen", "maßnahmen"}},
      {S::kActions, L::kFrench, {"actions correctives", "plan d'action"}},
      {S::kActions, L::kSpanish, {"acciones", "acciones correctivas"}},
      {S::kActions, L::kChinese, {"后续行动", "改进措施", "行动项"}},
      {S::kActions, L::kJapanese, {"再発防止策", "アクションアイテム", "今後の対策"}},
      {S::kFollowUps, L::kEnglish, {"follow-ups", "follow ups"}},
      {S::kTimeline, L::kEnglish, {"timeline"}},
      {S::kTimeline, L::kGerman, {"zeitablauf", "zeitleiste", "chronologie"}},
      {S::kTimeline, L::kSpanish, {"cronología", "línea de tiempo"}},
      {S::kTimeline, L::kChinese, {"时间线"}},
      {S::kTimeline, L::kJapanese, {"タイムライン", "時系列"}},
  };
  for (const Names& n : kNames) {
    for (std::string_view name : n.names) {
      if (s == name) return {n.kind, n.language};
    }
  }
  return {};
}

PostmortemSection PostmortemSectionOf(const std::string& s) { return PostmortemHeadingOf(s).section; }

// A date written with a month's name at the start of `text` ("Nov 2", "2 Nov", "November 2, 2026",
// "Nov. 2nd 2026", "2 November 2026"; KB4, 2026-12-04) as YYYY-MM-DD followed by a space and the
// rest of the text (a `,`, `at`, `-` or `—` after the date dropped); the year, when the text has
// none, is `year` (0: none known, then `*no_year` is set and `text` returned as it is). Text that
// does not start with such a date is returned as it is.
std::string MonthNameDateToIso(const std::string& text, int year, bool* no_year) {
  static const std::regex kMonthDay(
      R"(^(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4})\b)?)",
      std::regex::icase);
  static const std::regex kDayMonth(
      R"(^(\d{1,2})(?:st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?(?:,?\s+(\d{4})\b)?)",
      std::regex::icase);
  static const std::regex kAfter(R"(^\s*(?:,|at\b|-|—|–)?\s*)", std::regex::icase);
  static const std::vector<std::string> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                   "jul", "aug", "sep", "oct", "nov", "dec"};
  std::smatch m;
  std::string month, day;
  if (std::regex_search(text, m, kMonthDay)) {
    month = m.str(1);
    day = m.str(2);
  } else if (std::regex_search(text, m, kDayMonth)) {
    month = m.str(2);
    day = m.str(1);
  } else {
    return text;
  }
  // The word must be a month's name ("Mayday" is not): its letters a prefix of the full name.
  static const std::vector<std::string> kFull = {"january", "february", "march",     "april",   "may",      "june",
                                                 "july",    "august",   "september", "october", "november", "december"};
  const std::string matched = AsciiLower(m.str(0));
  const size_t mi = static_cast<size_t>(
      std::find(kMonths.begin(), kMonths.end(), AsciiLower(month).substr(0, 3)) - kMonths.begin());
  {
    const size_t at = matched.find(kMonths[mi]);
    size_t end = at;
    while (end < matched.size() && std::isalpha(static_cast<unsigned char>(matched[end]))) ++end;
    if (!kFull[mi].starts_with(matched.substr(at, end - at))) return text;
  }
  const int y = m[3].matched ? std::stoi(m.str(3)) : year;
  if (y == 0) {
    *no_year = true;
    return text;
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02zu-%02d", y, mi + 1, std::stoi(day));
  std::string rest = text.substr(static_cast<size_t>(m.length(0)));
  std::smatch a;
  if (std::regex_search(rest, a, kAfter)) rest = rest.substr(static_cast<size_t>(a.length(0)));
  return std::string(buf) + " " + rest;
}

// A calendar date at the start of an entry as postmortems in German, French, Spanish, Chinese and
// Japanese write it (KB9, 2026-12-05): 2026年12月4日 / 12月4日 (号 too), 2026/12/04, 2026.12.04,
// 04.12.2026 / 4.12., 4. Dezember 2026, 4 décembre 2026, 1er décembre, 4 de diciembre de 2026, and
// 04/12/2026: day first when `day_first` (the postmortem's headings are German, French or Spanish),
// else read only when one of the two numbers is above 12 or both are equal; a 2-digit year
// (04.12.26, 12/04/26, 26-12-04 / 04-12-26) is `short_year`, read in the century that puts it within
// 10 years of `ref_year` (the postmortem's own date, else the import time; KB10, 2026-12-05: before,
// said as unreadable), `no_century` when none does, `either` when a dashed date fits both ways. `length` takes the separator after the date (`,`, `um`, `à`, `a las`, `-`, `—`, `|`); year 0: not written.
struct EntryDate {
  size_t length = 0;
  int year = 0, month = 0, day = 0;
  bool ambiguous = false;  // d/d/yyyy, both <= 12 and unequal, no language saying which comes first
  bool short_year = false;  // a 2-digit year (04.12.26, 04/12/26, 26-12-04)
  bool no_century = false;  // ... with no century within 10 years of the reference year (or none known)
  std::string either;       // ... that may be two dates (25-12-26: 2025-12-26 or 2026-12-25)
  std::string written;      // the date as written
};

// The month a German, French or Spanish month's name or abbreviation names (`Dezember`, `déc.`,
// `diciembre`, `Mrz`), 0 for none: the word, folded, is a whole name or a prefix of 3 or more bytes
// of names of one month only (`jui` is juin or juillet: none).
int RomanceGermanMonth(std::string_view word) {
  static const std::pair<std::string_view, int> kNames[] = {
      {"januar", 1},    {"jänner", 1},     {"janvier", 1},    {"enero", 1},     {"februar", 2},
      {"février", 2},   {"febrero", 2},    {"märz", 3},       {"mrz", 3},       {"mars", 3},
      {"marzo", 3},     {"april", 4},      {"avril", 4},      {"abril", 4},     {"mai", 5},
      {"mayo", 5},      {"juni", 6},       {"juin", 6},       {"junio", 6},     {"juli", 7},
      {"juillet", 7},   {"julio", 7},      {"august", 8},     {"août", 8},      {"agosto", 8},
      {"september", 9}, {"septembre", 9},  {"septiembre", 9}, {"setiembre", 9}, {"oktober", 10},
      {"octobre", 10},  {"octubre", 10},   {"november", 11},  {"novembre", 11}, {"noviembre", 11},
      {"dezember", 12}, {"décembre", 12},  {"diciembre", 12},
  };
  const std::string w = AsciiLower(word);
  if (w.size() < 3) return 0;
  int month = 0;
  for (const auto& [name, m] : kNames) {
    if (name == w) return m;
    if (name.starts_with(w)) {
      if (month != 0 && month != m) return 0;
      month = m;
    }
  }
  return month;
}

std::optional<EntryDate> EntryDateAt(const std::string& s, bool day_first, int ref_year = 0) {
  static const std::regex kCjk(R"(^(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*(?:日|号))");
  static const std::regex kYearFirst(R"(^(\d{4})([/.])(\d{1,2})\2(\d{1,2})(?![\d.:]))");
  static const std::regex kDotted(R"(^(\d{1,2})\.\s?(\d{1,2})\.(?:\s?(\d{4})(?!\d)|(\d{2})(?![\d.:]))?)");
  static const std::regex kSlashed(R"(^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?!\d))");
  static const std::regex kDashedShort(R"(^(\d{2})-(\d{2})-(\d{2})(?![\d.:-]))");
  static const std::regex kNamed(R"(^(\d{1,2})(?:\.|er)?\s+(?:de\s+)?([^\s\d.,:|]+)\.?(?:,?\s+(?:de\s+)?(\d{4})(?!\d))?)",
                                 std::regex::icase);
  static const std::regex kAfter(R"(^(?:\s*(?:(?:um|a las|a la)\b|à(?=\s)|[,|\-]|—|–))*\s*)", std::regex::icase);
  std::smatch m;
  EntryDate d;
  auto set = [&d](int year, int month, int day) {
    d.year = year;
    d.month = month;
    d.day = day;
  };
  // A 2-digit year in the century that puts it within 10 years of `ref_year`, else 0 (KB10).
  auto century = [ref_year](int yy) {
    for (int c = ref_year / 100 - 1; ref_year > 0 && c <= ref_year / 100 + 1; ++c) {
      if (std::abs(c * 100 + yy - ref_year) <= 10) return c * 100 + yy;
    }
    return 0;
  };
  if (std::regex_search(s, m, kCjk)) {
    set(m[1].matched ? std::stoi(m.str(1)) : 0, std::stoi(m.str(2)), std::stoi(m.str(3)));
  } else if (std::regex_search(s, m, kYearFirst)) {
    set(std::stoi(m.str(1)), std::stoi(m.str(3)), std::stoi(m.str(4)));
  } else if (std::regex_search(s, m, kDotted)) {
    set(m[3].matched ? std::stoi(m.str(3)) : 0, std::stoi(m.str(2)), std::stoi(m.str(1)));
    if (m[4].matched) {
      d.short_year = true;
      d.year = century(std::stoi(m.str(4)));
      d.no_century = d.year == 0;
    }
  } else if (std::regex_search(s, m, kSlashed)) {
    const int a = std::stoi(m.str(1)), b = std::stoi(m.str(2));
    set(std::stoi(m.str(3)), b, a);
    if (m.length(3) == 2) {
      d.short_year = true;
      d.year = century(d.year);
      d.no_century = d.year == 0;
    }
    if (!day_first) {
      // Day or month 0: no date either way (said by the caller's check). Equal: the same date.
      if (b > 12 && a <= 12) set(d.year, a, b);
      else if (a <= 12 && a >= 1 && b >= 1 && a != b) d.ambiguous = true;
    }
  } else if (std::regex_search(s, m, kDashedShort)) {
    // yy-mm-dd or dd-mm-yy: the year is the end whose century fits; both fitting is said.
    const int a = std::stoi(m.str(1)), b = std::stoi(m.str(2)), c = std::stoi(m.str(3));
    const int year_first = c >= 1 && c <= 31 ? century(a) : 0;
    const int year_last = a >= 1 && a <= 31 ? century(c) : 0;
    d.short_year = true;
    if (year_first != 0 && year_last != 0 && !(year_first == year_last && a == c)) {
      char buf[48];
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02d or %04d-%02d-%02d", year_first, b, c, year_last, b, a);
      d.either = buf;
      set(year_first, b, c);
    } else if (year_first != 0) {
      set(year_first, b, c);
    } else {
      set(year_last, b, a);
      d.no_century = year_last == 0;
    }
  } else if (std::regex_search(s, m, kNamed)) {
    const int month = RomanceGermanMonth(m.str(2));
    if (month == 0) return std::nullopt;
    set(m[3].matched ? std::stoi(m.str(3)) : 0, month, std::stoi(m.str(1)));
  } else {
    return std::nullopt;
  }
  d.length = static_cast<size_t>(m.length(0));
  d.written = m.str(0);
  std::smatch a;
  const std::string rest = s.substr(d.length);
  if (std::regex_search(rest, a, kAfter)) d.length += static_cast<size_t>(a.length(0));
  return d;
}

// The hour `h` after a Chinese or Japanese period word as a native writer means it (KB10,
// 2026-12-05; before, 晚上12点 read as noon, 中午 / 深夜 not at all): 24 is the midnight that ends the
// day (晚上12点, 深夜12時), read as the next day's 00; -1 when the hour cannot be meant with that word
// or may be either (午前12時 / 午後12時 are noon or midnight by who writes them; 晚上2点 may be 02:00 or
// 14:00), `why` saying so.
int PeriodHour(const std::string& p, int h, std::string* why) {
  auto neither = [&](const std::string& what) {
    *why = what;
    return -1;
  };
  if (p == "凌晨") {  // small hours: 凌晨12点 / 0点 is the midnight the day starts with
    if (h == 12) return 0;
    return h <= 6 ? h : neither("is no hour of the small hours (凌晨 is 0 to 6)");
  }
  if (p == "深夜" || p == "半夜") {  // late night, either side of midnight
    if (h == 12) return 24;
    if (h <= 4) return h;
    if (h >= 9 && h <= 11) return h + 12;
    return neither("is no late-night hour (深夜 is 21 to 4)");
  }
  if (p == "早上" || p == "朝") return h < 12 ? h : neither("may be noon or midnight");
  if (p == "上午" || p == "午前") return h < 12 ? h : neither("may be noon or midnight (write 0 or 12 without it)");
  if (p == "中午") {  // about noon
    if (h == 11 || h == 12) return h;
    if (h == 0) return 12;
    return h <= 2 ? h + 12 : neither("is no hour about noon (中午 is 11 to 14)");
  }
  if (p == "下午") return h == 0 || h == 12 ? 12 : h < 12 ? h + 12 : neither("is no afternoon hour");
  if (p == "午後") {
    if (h == 0) return 12;
    return h < 12 ? h + 12 : neither("may be noon or midnight (write 0 or 12 without it)");
  }
  // 晚上, 夜: the evening and the night until midnight.
  if (h == 12 || h == 0) return 24;
  if (h >= 5 && h <= 11) return h + 12;
  return neither("may be " + std::to_string(h) + ":00 after midnight or " + std::to_string(h + 12) + ":00");
}

// A time of day at the start of `s` in the forms those postmortems write, rewritten as `HH:MM:SS`
// (24 h) before the rest of `s`; `s` unchanged when it starts with none (English forms are read by
// the entry's own pattern): 14:32 Uhr, 14.32 Uhr, 14 Uhr, 14 h 32, 14h32, 14:32 h, 14：32, 14時32分,
// 14时32分05秒, 下午4点05分, 午後4時5分, 下午4:05. Hours and minutes are not checked here. A period
// word's hour by PeriodHour: `*next_day` when it is the midnight ending the day (00 of the next),
// `*why` set (and `s` returned) when it cannot be read.
std::string LocalTimeToIso(const std::string& s, std::string* why, bool* next_day) {
#define VIGIL_KB_PERIODS "上午|下午|午前|午後|凌晨|早上|晚上|中午|深夜|半夜|朝|夜"
  static const std::regex kCjkHour(
      R"(^()" VIGIL_KB_PERIODS R"()?\s*(\d{1,2})\s*(?:時(?!間)|点|时(?!间))\s*(?:(\d{1,2})\s*分(?:\s*(\d{1,2})\s*秒)?|(半))?)");
  // A colon time with a morning / afternoon word before it, or a full-width colon (`14：32`).
  static const std::regex kCjkColon(
      R"(^(?:()" VIGIL_KB_PERIODS R"()\s*(\d{1,2})\s*(?::|：)|(\d{1,2})\s*：)\s*(\d{2})(?:\s*(?::|：)\s*(\d{2}))?)");
#undef VIGIL_KB_PERIODS
  static const std::regex kUhr(R"(^(\d{1,2})(?:[.:](\d{2}))?(?::(\d{2}))?\s*uhr\b)", std::regex::icase);
  static const std::regex kFrench(R"(^(\d{1,2})\s?h\s?(\d{2})(?!\d))", std::regex::icase);
  static const std::regex kHSuffix(R"(^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(?:h|hrs|horas)\b)", std::regex::icase);
  std::smatch m;
  int h = 0, min = 0, sec = 0;
  auto num = [&](int i) { return m[i].matched ? std::stoi(m.str(i)) : 0; };
  std::string period;
  if (std::regex_search(s, m, kCjkHour)) {
    period = m.str(1);
    h = num(2);
    min = m[5].matched ? 30 : num(3);
    sec = num(4);
  } else if (std::regex_search(s, m, kCjkColon)) {
    period = m.str(1);
    h = m[2].matched ? num(2) : num(3);
    min = num(4);
    sec = num(5);
  } else if (std::regex_search(s, m, kUhr) || std::regex_search(s, m, kFrench) || std::regex_search(s, m, kHSuffix)) {
    h = num(1);
    min = num(2);
    sec = m.size() > 3 ? num(3) : 0;
  } else {
    return s;
  }
  if (!period.empty() && h <= 12) {
    h = PeriodHour(period, h, why);
    if (h < 0) {
      *why = "`" + std::string(Trim(m.str(0))) + "` " + *why;
      return s;
    }
    if (h == 24) {
      h = 0;
      *next_day = true;
    }
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d ", h, min, sec);
  return buf + s.substr(static_cast<size_t>(m.length(0)));
}

// A postmortem's Timeline section read into started_at / resolved_at (KB3, 2026-12-04): each entry
// (a list item, a table row or a line under the `Timeline` heading) that starts with a time
// (`02:10`, `2:10 pm`, `02:10:30 UTC`, `2026-11-02 02:10`, `2026-11-02T02:10:00Z`, `+01:00`
// offsets). started_at is the first entry's time, resolved_at the last entry's that says the
// service came back (resolved, recovered, restored, resumed, mitigated, fixed, back); a time
// without a date takes the entry's date before it, else the postmortem's date (the first
// YYYY-MM-DD of its title, else of its file name, else of its text), and rolls to the next day
// when it is earlier than the entry before it. A time without a zone is UTC. Said in one warning;
// a zone name other than UTC / GMT / Z, or no date anywhere, is said and sets nothing.
// KB9 (2026-12-05): the Timeline heading and its entries in German, French, Spanish, Chinese and
// Japanese too (dates by EntryDateAt, times by LocalTimeToIso, `Beginn: 14:32` labels before the
// time, resolution words in those languages, `UTC+8` offsets); an entry whose date or time cannot
// be read (31.11.2026, 25 h 05, 04/12/2026 without a language saying which is the day), or an end
// before the start, is said with its line and sets nothing.
void ReadPostmortemTimeline(std::string_view content, const ParsedGuide& guide, bool day_first, ParsedIncident* out,
                            std::vector<ImportIssue>* issues) {
  static const std::regex kHeading(R"(^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$)");
  static const std::regex kDate(R"(\b(\d{4})-(\d{2})-(\d{2})\b)");
  static const std::regex kEntry(
      R"(^(?:(\d{4}-\d{2}-\d{2})(?:[T ]|,\s*))?(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*([aApP]\.?[mM]\.?)?\s*)"
      R"(((?:UTC|GMT)[+-]\d{1,2}(?::?\d{2})?|Z|UTC|GMT|[+-]\d{2}:?\d{2}|PST|PDT|EST|EDT|CST|CDT|MST|MDT|CET|CEST|MEZ|MESZ|BST|IST|JST|KST|AEST|AEDT|HKT|SGT)?(?![\w:]))");
  // A time in the forms LocalTimeToIso reads or the entry's pattern does: an entry starting with
  // one that is not read is said, not skipped (`2 Knoten betroffen`, `3 h später` are no times).
  static const std::regex kTimeLike(
      R"(^(?:\d{1,2}\s*(?::|：)\s*\d{2}|\d{1,2}\s*(?:時(?!間)|点|时(?!间))|\d{1,2}\s?h\s?\d{2}|\d{1,2}(?:[.:]\d{2})?\s*uhr\b)"
      R"(|(?:上午|下午|午前|午後|凌晨|早上|晚上|中午|深夜|半夜|朝|夜)\s*\d))",
      std::regex::icase);
  static const std::regex kIsoDay(R"(^\d{4}-\d{2}-\d{2}(?:T| |,\s*))");
  struct Entry {
    int64_t line;
    int64_t ms;
    std::string text;
  };
  std::vector<Entry> entries;
  std::string date_from;  // where a date-less time's date came from
  std::string default_date;
  bool default_date_sought = false;
  std::string month_no_year;   // the line of the first month-and-day entry with no year known
  std::string month_year_line;  // the line of the first month-and-day entry given the postmortem's year
  auto first_date = [&](std::string_view text) -> std::string {
    std::match_results<std::string_view::const_iterator> m;
    if (std::regex_search(text.begin(), text.end(), m, kDate)) return m.str(0);
    // "November 2, 2026" / "2 Nov 2026" (with its year) anywhere in the text (KB4, 2026-12-04).
    static const std::regex kNamed(
        R"(\b((?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+\d{4})\b)",
        std::regex::icase);
    if (std::regex_search(text.begin(), text.end(), m, kNamed)) {
      bool no_year = false;
      std::string iso = MonthNameDateToIso(m.str(1), 0, &no_year);
      if (iso.size() >= 10 && iso[4] == '-') return iso.substr(0, 10);
    }
    // 2026年12月4日, 04.12.2026, 4 décembre 2026, ... with its year, at a number's start (KB9).
    for (size_t i = 0; i < text.size(); ++i) {
      if (!std::isdigit(static_cast<unsigned char>(text[i])) ||
          (i > 0 && std::isalnum(static_cast<unsigned char>(text[i - 1])))) {
        continue;
      }
      auto d = EntryDateAt(std::string(text.substr(i, 48)), day_first);
      if (d && d->year != 0 && !d->ambiguous && !d->short_year) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d->year, d->month, d->day);
        if (ParseRfc3339Ms(std::string(buf) + "T00:00:00Z").ok()) return std::string(buf);
      }
    }
    return std::string();
  };
  auto find_default_date = [&] {
    if (!default_date.empty() || default_date_sought) return;
    default_date_sought = true;
    if (std::string d = first_date(guide.title); !d.empty()) {
      default_date = d;
      date_from = "the title";
    } else if (std::string f = first_date(guide.path); !f.empty()) {
      default_date = f;
      date_from = "the file name";
    } else if (std::string c = first_date(content); !c.empty()) {
      default_date = c;
      date_from = "the text";
    }
  };
  // The year a month-and-day entry ("Nov 2 02:10") is in: the postmortem's date's, else 0.
  auto default_year = [&]() -> int {
    find_default_date();
    return default_date.empty() ? 0 : std::stoi(default_date.substr(0, 4));
  };
  // The year a 2-digit year is read near (KB10): the postmortem's date's, else the import time's.
  auto ref_year = [&]() -> int {
    if (int y = default_year(); y != 0) return y;
    const std::string now = FormatRfc3339Ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                std::chrono::system_clock::now().time_since_epoch())
                                                .count());
    return std::stoi(now.substr(0, 4));
  };
  std::string short_year_line;  // "N's 2-digit year from the title (2026)" of the first one read
  bool default_date_used = false;  // a date-less time took the postmortem's date

  bool in_timeline = false, no_date = false, zone_names = false;
  std::string bad_zone, last_date;
  std::string unreadable;  // "line N's date ..." of the first entry not read
  int64_t timeline_line = 0;
  size_t level = 0;
  int64_t last_ms = 0;
  ForEachMarkdownLine(content, [&](const std::string& line, int64_t line_no, bool fenced) {
    std::string_view t = Trim(line);
    std::smatch h;
    if (!fenced && std::regex_match(line, h, kHeading)) {
      const size_t lv = static_cast<size_t>(h.length(1));
      if (in_timeline && lv <= level) in_timeline = false;
      if (PostmortemSectionOf(AsciiLower(h.str(2))) == PostmortemSection::kTimeline) {
        in_timeline = true;
        level = lv;
        timeline_line = line_no;
      }
      return true;
    }
    if (!in_timeline || fenced) return true;
    // The entry's text: after a list marker, a table's first pipe, bold or code marks.
    std::string e(t);
    for (bool changed = true; changed;) {
      changed = false;
      std::string_view v = Trim(e);
      for (std::string_view mark : {"- ", "* ", "+ ", "|", "**", "__", "`"}) {
        if (v.starts_with(mark)) {
          e = std::string(Trim(v.substr(mark.size())));
          changed = true;
          break;
        }
      }
      if (!changed && !v.empty() && std::isdigit(static_cast<unsigned char>(v[0]))) {
        size_t d = 0;
        while (d < v.size() && std::isdigit(static_cast<unsigned char>(v[d]))) ++d;
        if (d < 3 && d + 1 < v.size() && (v[d] == '.' || v[d] == ')') && v[d + 1] == ' ' &&
            !EntryDateAt(std::string(v), day_first)) {  // "1. 02:10 ...", not "4. Dezember"
          e = std::string(Trim(v.substr(d + 1)));
          changed = true;
        }
      }
    }
    const std::string written = e;
    bool next_day = false;  // a period word's midnight ending the day (晚上12点): 00 of the next
    auto cannot_read = [&](const std::string& what) {
      std::string shown = written;
      if (shown.size() > 80) {
        size_t cut = 80;
        while (cut > 0 && (static_cast<unsigned char>(shown[cut]) & 0xC0) == 0x80) --cut;
        shown = shown.substr(0, cut) + "...";
      }
      unreadable = "line " + std::to_string(line_no) + "'s " + what + " (`" + shown + "`) cannot be read";
      return false;
    };
    // "Beginn: 14:32 Uhr", "**Ende:** 16:05", "Detected: 02:10": a label of a few words before the
    // time is read after it (KB9).
    {
      static const std::regex kLabel(
          R"(^([^\d:|*_`]{1,40}?)\s*(?::|：)\s*(?:\*\*|__)?\s*((?:\d|上午|下午|午前|午後|凌晨|早上|晚上|中午|深夜|半夜|朝|夜).*)$)");
      std::smatch lm;
      if (std::regex_match(e, lm, kLabel) &&
          std::count(lm[1].first, lm[1].second, ' ') < 4) {
        e = lm.str(2) + " — " + lm.str(1);
      }
    }
    // "Nov 2 02:10", "2 Nov, 02:10", "November 2, 2026 at 02:10": the year from the entry, else the
    // postmortem's date (KB4, 2026-12-04; before, such an entry was not read).
    {
      bool no_year = false, needs_year = false;
      std::string iso = MonthNameDateToIso(e, 0, &needs_year);  // a month's name, no year
      if (needs_year) {
        iso = MonthNameDateToIso(e, default_year(), &no_year);
        if (no_year) {
          month_no_year = std::to_string(line_no);
          return false;
        }
        if (month_year_line.empty()) month_year_line = std::to_string(line_no);
      }
      e = std::move(iso);
    }
    // 04.12.2026, 2026年12月4日, 4 décembre 2026, 4 de diciembre de 2026, ... (KB9).
    auto d = EntryDateAt(e, day_first);
    if (d && d->short_year) d = EntryDateAt(e, day_first, ref_year());  // its century near the postmortem's date
    if (d) {
      if (d->short_year) {
        const int y = ref_year();
        const std::string whose = default_date.empty() ? "the import time" : date_from;
        if (!d->either.empty()) {
          unreadable = "line " + std::to_string(line_no) + "'s date `" + d->written + "` may be " + d->either +
                       " (2-digit years near " + std::to_string(y) + ", " + whose + "'s year; write the year in full)";
          return false;
        }
        if (d->no_century) {
          unreadable = "line " + std::to_string(line_no) + "'s date `" + d->written +
                       "` has a 2-digit year not within 10 years of " + std::to_string(y) + " (" + whose +
                       "'s year); write the year in full";
          return false;
        }
        if (short_year_line.empty()) short_year_line = std::to_string(line_no) + "'s 2-digit year from " + whose +
                                                       " (" + std::to_string(y) + ")";
      }
      if (d->ambiguous) {
        static const char* const kMonthNames[] = {"January", "February", "March",     "April",   "May",      "June",
                                                  "July",    "August",   "September", "October", "November", "December"};
        char iso[16];
        std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", d->year, d->month, d->day);
        unreadable = "line " + std::to_string(line_no) + "'s date `" + d->written + "` may be " +
                     std::to_string(d->day) + " " + kMonthNames[d->month - 1] + " or " + kMonthNames[d->day - 1] + " " +
                     std::to_string(d->month) + " (write " + iso + ")";
        return false;
      }
      int year = d->year;
      if (year == 0) {
        year = default_year();
        if (year == 0) {
          month_no_year = std::to_string(line_no);
          return false;
        }
        if (month_year_line.empty()) month_year_line = std::to_string(line_no);
      }
      char iso[16];
      std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", year, d->month, d->day);
      if (d->month < 1 || d->month > 12 || !ParseRfc3339Ms(std::string(iso) + "T00:00:00Z").ok()) {
        return cannot_read("date");
      }
      e = std::string(iso) + " " + e.substr(d->length);
    }
    // 14:32 Uhr, 14 h 32, 14時32分, 下午4点05分, ... as 14:32:00 (KB9).
    {
      std::smatch dm;
      const size_t at = std::regex_search(e, dm, kIsoDay) ? static_cast<size_t>(dm.length(0)) : 0;
      std::string why;
      e = e.substr(0, at) + LocalTimeToIso(e.substr(at), &why, &next_day);
      if (!why.empty()) {
        unreadable = "line " + std::to_string(line_no) + "'s time " + why;
        return false;
      }
    }
    std::smatch m;
    if (!std::regex_search(e, m, kEntry)) {
      std::smatch dm;
      const size_t at = std::regex_search(e, dm, kIsoDay) ? static_cast<size_t>(dm.length(0)) : 0;
      const std::string after_date = e.substr(at);
      return std::regex_search(after_date, kTimeLike) ? cannot_read("date or time") : true;
    }
    int hour = std::stoi(m.str(2));
    const int minute = std::stoi(m.str(3));
    const int second = m[4].matched ? std::stoi(m.str(4)) : 0;
    if (m[5].matched) {
      if (hour < 1 || hour > 12) return cannot_read("date or time");
      const bool pm = std::tolower(static_cast<unsigned char>(m.str(5)[0])) == 'p';
      hour = hour % 12 + (pm ? 12 : 0);
    }
    if (hour > 23 || minute > 59 || second > 59) return cannot_read("date or time");
    std::string zone = m[6].matched ? m.str(6) : "";
    std::string offset = "Z";
    if (zone.size() > 3 && (zone.starts_with("UTC") || zone.starts_with("GMT"))) {
      // UTC+8, GMT-05:30
      static const std::regex kOffset(R"(^(?:UTC|GMT)([+-])(\d{1,2})(?::?(\d{2}))?$)");
      std::smatch om;
      if (!std::regex_match(zone, om, kOffset) || std::stoi(om.str(2)) > 14) return cannot_read("date or time");
      char buf[16];
      std::snprintf(buf, sizeof buf, "%s%02d:%s", om.str(1).c_str(), std::stoi(om.str(2)),
                    om[3].matched ? om.str(3).c_str() : "00");
      offset = buf;
    } else if (zone.empty()) {
      zone_names = true;
    } else if (zone == "Z" || zone == "UTC" || zone == "GMT") {
      // UTC
    } else if (zone[0] == '+' || zone[0] == '-') {
      offset = zone.size() == 5 ? zone.substr(0, 3) + ":" + zone.substr(3) : zone;
    } else {
      bad_zone = zone + "` (line " + std::to_string(line_no);
      return false;
    }
    std::string date = m[1].matched ? m.str(1) : last_date;
    bool dateless = !m[1].matched;
    if (date.empty()) {
      find_default_date();
      if (default_date.empty()) {
        no_date = true;
        return false;
      }
      date = default_date;
      default_date_used = true;
    }
    char buf[40];
    std::snprintf(buf, sizeof buf, "T%02d:%02d:%02d", hour, minute, second);
    auto ms = ParseRfc3339Ms(date + buf + offset);
    if (!ms.ok()) return cannot_read("date or time");  // 2026-02-30
    int64_t when = *ms;
    if (next_day) when += 86400000;
    // A date-less time earlier than the entry before it is on the next day.
    if (dateless && !entries.empty() && when < last_ms) {
      when += 86400000;
      while (when < last_ms) when += 86400000;
      std::string next = FormatRfc3339Ms(when).substr(0, 10);
      last_date = next;
    } else if (next_day) {
      last_date = FormatRfc3339Ms(when).substr(0, 10);
    } else if (!dateless) {
      last_date = date;
    } else if (last_date.empty()) {
      last_date = date;
    }
    last_ms = when;
    entries.push_back({line_no, when, e});
    return true;
  });
  if (timeline_line == 0) return;
  const std::string where = guide.path;
  if (!bad_zone.empty()) {
    issues->push_back({where, timeline_line,
                       "Timeline: zone `" + bad_zone + ") is not read (write UTC or an offset such as +01:00); "
                       "started_at and resolved_at not set",
                       false});
    return;
  }
  if (!month_no_year.empty()) {
    issues->push_back({where, timeline_line,
                       "Timeline: the date on line " + month_no_year +
                           " has no year, and neither has the title, the file name or the text (write it as "
                           "`Nov 2, 2026` or 2026-11-02); started_at and resolved_at not set",
                       false});
    return;
  }
  if (!unreadable.empty()) {
    issues->push_back({where, timeline_line, "Timeline: " + unreadable + "; started_at and resolved_at not set", false});
    return;
  }
  if (no_date) {
    issues->push_back({where, timeline_line,
                       "Timeline: its times have no date (none in the entries, the title, the file name or the "
                       "text); started_at and resolved_at not set",
                       false});
    return;
  }
  if (entries.empty()) return;
  // The last entry that says the service came back, unless a later one takes it back (KB10).
  const Entry* back = nullptr;
  EntrySaid state;          // what `back` said (resolved or mitigated); else the last word on it
  const Entry* said_by = nullptr;  // the entry that said `state`
  for (const Entry& e : entries) {
    EntrySaid now = EntryStateOf(e.text);
    switch (now.state) {
      case EntryState::kNone:
        continue;
      case EntryState::kResolved:
      case EntryState::kMitigated:
        back = &e;
        break;
      case EntryState::kReopened:
        if (back == nullptr) continue;  // nothing ended yet: a symptom ("throughput regressed")
        back = nullptr;
        break;
      case EntryState::kNotResolved:
        // After the service came back: it is back, not resolved (mitigated). Before: open.
        if (back != nullptr) {
          if (state.state == EntryState::kResolved) {
            state = {EntryState::kMitigated, now.words};
            said_by = &e;
          }
          continue;
        }
        break;
    }
    state = std::move(now);
    said_by = &e;
  }
  if (back != nullptr && back->ms < entries.front().ms) {
    issues->push_back({where, timeline_line,
                       "Timeline: its end (line " + std::to_string(back->line) + ", " + FormatRfc3339Ms(back->ms) +
                           ") is before its start (line " + std::to_string(entries.front().line) + ", " +
                           FormatRfc3339Ms(entries.front().ms) + "); started_at and resolved_at not set",
                       false});
    return;
  }
  Incident& inc = out->incident;
  std::string said = "Timeline read: started_at " + FormatRfc3339Ms(entries.front().ms) + " (line " +
                     std::to_string(entries.front().line) + ", its first entry)";
  if (inc.started_at_ms == 0) inc.started_at_ms = entries.front().ms;
  auto line_of = [](const Entry* e) { return "line " + std::to_string(e->line); };
  if (back != nullptr) {
    if (inc.resolved_at_ms == 0) inc.resolved_at_ms = back->ms;
    said += ", resolved_at " + FormatRfc3339Ms(back->ms) + " (line " + std::to_string(back->line) + ")";
    if (state.state == EntryState::kMitigated) {
      said += "; mitigated, not resolved (" + line_of(said_by) + ": `" + state.words + "`)";
      out->extra["resolution"] = "mitigated";
    } else {
      out->extra["resolution"] = "resolved";
    }
  } else if (state.state == EntryState::kReopened) {
    said += "; " + line_of(said_by) + " takes its end back (`" + state.words + "`): resolved_at not set";
    out->extra["resolution"] = "open";
  } else if (state.state == EntryState::kNotResolved) {
    said += "; " + line_of(said_by) + " says it is not resolved (`" + state.words + "`): resolved_at not set";
    out->extra["resolution"] = "open";
  } else {
    said += "; no entry says it was resolved (resolved, recovered, restored, ...): resolved_at not set";
  }
  if (!short_year_line.empty()) said += "; the century of line " + short_year_line;
  if (!month_year_line.empty()) said += "; the year of line " + month_year_line + "'s date from " + date_from;
  else if (default_date_used) said += "; the date from " + date_from;
  if (zone_names) said += "; times without a zone read as UTC";
  issues->push_back({where, timeline_line, std::move(said), false});
}

}  // namespace

bool ParsePostmortemMarkdown(const ParsedGuide& guide, std::string_view content, ParsedIncident* out,
                             std::vector<ImportIssue>* issues) {
  content = WithoutUtf8Bom(content);
  // The last part of each chunk's heading path, lower-case, read as a section.
  auto section = [](const std::string& heading) {
    auto gt = heading.rfind(" > ");
    return PostmortemSectionOf(AsciiLower(Trim(gt == std::string::npos ? heading : heading.substr(gt + 3))));
  };
  bool has_cause = false, has_other = false;
  for (const GuideChunk& c : guide.chunks) {
    const PostmortemSection s = section(c.heading);
    if (s == PostmortemSection::kCause) has_cause = true;
    if (s == PostmortemSection::kSymptoms || s == PostmortemSection::kResolution || s == PostmortemSection::kActions ||
        s == PostmortemSection::kTimeline) {
      has_other = true;
    }
  }
  // A Root cause heading with nothing under it makes no chunk: still a postmortem, said (RVK's item
  // 3, KB3 2026-12-04: it was imported as a guide without a word).
  int64_t empty_cause_line = 0;
  if (!has_cause && has_other) {
    static const std::regex kHeading(R"(^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$)");
    ForEachMarkdownLine(content, [&](const std::string& line, int64_t n, bool fenced) {
      std::smatch h;
      if (!fenced && std::regex_match(line, h, kHeading) &&
          PostmortemSectionOf(AsciiLower(h.str(1))) == PostmortemSection::kCause) {
        empty_cause_line = n;
      }
      return empty_cause_line == 0;
    });
    has_cause = empty_cause_line > 0;
  }
  if (!has_cause || !has_other) return false;
  if (empty_cause_line > 0 && issues != nullptr) {
    issues->push_back({guide.path, empty_cause_line,
                       "its Root cause heading has no text under it: read as a postmortem with no cause text", false});
  }
  Incident& inc = out->incident;
  std::string cause, actions;
  for (const GuideChunk& c : guide.chunks) {
    const PostmortemSection s = section(c.heading);
    const std::string text(Trim(c.text));
    if (s == PostmortemSection::kSymptoms) {
      inc.symptoms.push_back(text);
    } else if (s == PostmortemSection::kCause) {
      cause += (cause.empty() ? "" : "\n\n") + text;
    } else if (s == PostmortemSection::kResolution) {
      inc.mitigation += (inc.mitigation.empty() ? "" : "\n\n") + text;
    } else if (s == PostmortemSection::kActions || s == PostmortemSection::kFollowUps) {
      actions += (actions.empty() ? "" : "\n\n") + text;
    }
  }
  if (!actions.empty()) inc.mitigation += (inc.mitigation.empty() ? "Action items:\n" : "\n\nAction items:\n") + actions;
  inc.id = "postmortem:" + StemOf(guide.path);
  inc.title = guide.title;
  inc.root_cause = guide.category;
  inc.component = guide.component;
  inc.raw_text = std::string(Trim(content));
  inc.source = guide.path;
  if (!cause.empty()) out->extra["root_cause_text"] = cause;
  out->line = 1;
  if (issues != nullptr) {
    // German, French and Spanish write a date's day first (04/12/2026); known by the section headings.
    bool day_first = false;
    for (const GuideChunk& c : guide.chunks) {
      auto gt = c.heading.rfind(" > ");
      const PostmortemLanguage l =
          PostmortemHeadingOf(AsciiLower(Trim(gt == std::string::npos ? c.heading : c.heading.substr(gt + 3)))).language;
      day_first = day_first || l == PostmortemLanguage::kGerman || l == PostmortemLanguage::kFrench ||
                  l == PostmortemLanguage::kSpanish;
    }
    ReadPostmortemTimeline(content, guide, day_first, out, issues);
  }
  return true;
}

}  // namespace vigil::kb
