#include "detectors/readers.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cmath>
#include <filesystem>
#include <limits>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "core/config.h"
#include "core/json.h"
#include "core/time_util.h"
#include "core/quote.h"
#include "core/text_encoding.h"
#include "core/utf8.h"

namespace vigil {
namespace {

namespace fs = std::filesystem;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// "not UTF-8 text: byte 0xFF at column 14" for a line that is not UTF-8, else "". Names and
// labels reach every JSON output (training.json, detect --json), which cannot hold such bytes.
std::string NotUtf8(std::string_view line) {
  size_t bad = 0;
  if (IsValidUtf8(line, &bad)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "not UTF-8 text: byte 0x%02X at column %zu",
                static_cast<unsigned>(static_cast<unsigned char>(line[bad])), bad + 1);
  return buf;
}

// `text` with each byte that is not part of valid UTF-8 written \xHH, for messages.
std::string EscapeNonUtf8(std::string_view text) {
  std::string out;
  for (size_t bad = 0; !IsValidUtf8(text, &bad); text.remove_prefix(bad + 1)) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "\\x%02X", static_cast<unsigned>(static_cast<unsigned char>(text[bad])));
    out.append(text.substr(0, bad)).append(hex);
  }
  return out.append(text);
}

// A file whose name becomes a series name (kpi, smd): its name must be UTF-8 like any name.
Status CheckFileNameUtf8(const fs::path& file) {
  const std::string name = file.filename().string();
  if (IsValidUtf8(name)) return Status::Ok();
  return InvalidArgumentError(EscapeNonUtf8(file.string()) +
                              ": the file name is not UTF-8 text; it would name a series (rename the file)");
}

// Strict: the whole field must be a finite number.
Result<double> ParseValue(std::string_view text) {
  std::string_view t = Trim(text);
  if (t.empty()) return InvalidArgumentError("missing value");
  if (t.front() == '+') t.remove_prefix(1);
  double v = 0;
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || ptr != t.data() + t.size()) {
    return InvalidArgumentError("value " + QuoteClipped(Trim(text)) + " is not a number");
  }
  if (!std::isfinite(v)) {
    std::string msg = "value ";
    msg += QuoteClipped(Trim(text));
    msg += " is not finite";
    msg += kNotFiniteNote;
    return InvalidArgumentError(std::move(msg));
  }
  return v;
}

Result<uint8_t> ParseLabel(std::string_view text) {
  std::string_view t = Trim(text);
  if (t == "0" || t == "0.0") return uint8_t{0};
  if (t == "1" || t == "1.0") return uint8_t{1};
  if (t.empty()) return InvalidArgumentError("missing label");
  return InvalidArgumentError("label " + QuoteClipped(t) + " is not 0 or 1");
}

// The timestamp, value and optional label fields of one row; the error text names the field.
struct ParsedPoint {
  int64_t t = 0;
  double v = 0;
  std::optional<uint8_t> label;
};
Result<ParsedPoint> ParsePoint(std::string_view t_text, std::string_view v_text,
                               const std::string_view* l_text, bool rfc3339_only) {
  ParsedPoint p;
  Result<int64_t> t = rfc3339_only ? ParseRfc3339Ms(Trim(t_text)) : ParseTimestampField(t_text);
  if (!t.ok()) return InvalidArgumentError("timestamp: " + t.status().message());
  p.t = *t;
  ASSIGN_OR_RETURN(p.v, ParseValue(v_text));
  if (l_text != nullptr) {
    ASSIGN_OR_RETURN(uint8_t l, ParseLabel(*l_text));
    p.label = l;
  }
  return p;
}

// Splits one CSV line at `sep`; fields may be double-quoted ("" inside quotes is a quote).
Result<std::vector<std::string>> SplitCsv(std::string_view line, char sep = ',') {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false, was_quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          cur += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        cur += c;
      }
    } else if (c == '"' && Trim(cur).empty() && !was_quoted) {
      quoted = was_quoted = true;
      cur.clear();
    } else if (c == sep) {
      out.push_back(was_quoted ? cur : std::string(Trim(cur)));
      cur.clear();
      was_quoted = false;
    } else {
      cur += c;
    }
  }
  if (quoted) return InvalidArgumentError("unterminated quoted field");
  out.push_back(was_quoted ? cur : std::string(Trim(cur)));
  return out;
}

// Iterates the lines of a file held in memory; line numbers are 1-based.
class LineReader {
 public:
  // A UTF-8 byte order mark at the start of `text` is skipped (Excel's "CSV UTF-8" writes one;
  // kept, it became part of the first header name or value, and an error quoting it looked right).
  explicit LineReader(std::string text)
      : text_(std::move(text)), pos_(text_.size() - WithoutUtf8Bom(text_).size()) {}
  bool Next(std::string_view& line) {
    if (pos_ >= text_.size()) return false;
    size_t end = text_.find('\n', pos_);
    if (end == std::string::npos) end = text_.size();
    line = std::string_view(text_).substr(pos_, end - pos_);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos_ = end + 1;
    ++line_no_;
    return true;
  }
  size_t line_no() const { return line_no_; }

 private:
  std::string text_;
  size_t pos_ = 0;
  size_t line_no_ = 0;
};

// ReadOptions::BadRow for a file's line.
class RowErrors {
 public:
  RowErrors(const ReadOptions& options, ReadStats& stats) : options_(options), stats_(stats) {}
  // Returns OK when the row is skipped under kSkip, the located error under kError.
  Status Bad(const std::string& file, size_t line, const std::string& why) {
    return options_.BadRow(file + ":" + std::to_string(line), why, stats_);
  }

 private:
  const ReadOptions& options_;
  ReadStats& stats_;
};

// Accumulates points per series identity, checking order; keeps first-seen order.
class SeriesBuilder {
 public:
  static constexpr int kLeftOut = -1;  // the filter or max_series leaves the series out
  static constexpr int kNew = -2;      // not seen yet and would be kept: Create it

  explicit SeriesBuilder(const ReadOptions& options) : options_(options) {}

  // The series' index, kNew or kLeftOut; `key` receives its identity for Create.
  int Lookup(const std::string& name, const Labels& labels, std::string& key) const {
    key = FormatSeriesId(name, labels);
    auto it = index_.find(key);
    if (it != index_.end()) return it->second;
    if (!options_.KeepsName(name)) return kLeftOut;
    if (options_.RoomForSeries(series_.size())) return kNew;
    capped_.insert(key);  // the series cap, not the filter, leaves it out: counted
    return kLeftOut;
  }

  // Distinct series the series cap left out so far (ReadStats::series_left_out).
  size_t SeriesLeftOut() const { return capped_.size(); }

  // Adds the series Lookup answered kNew for; its index.
  int Create(std::string key, const std::string& name, const Labels& labels) {
    TimeSeries ts;
    ts.name = name;
    ts.labels = labels;
    series_.push_back(std::move(ts));
    labeled_.push_back(false);
    index_.emplace(std::move(key), static_cast<int>(series_.size() - 1));
    return static_cast<int>(series_.size() - 1);
  }

  // Returns the series index (created when new), or kLeftOut.
  int Get(const std::string& name, const Labels& labels) {
    std::string key;
    const int idx = Lookup(name, labels, key);
    return idx == kNew ? Create(std::move(key), name, labels) : idx;
  }

  // Empty string when appended, else why the point was rejected. The caller checks Full first.
  std::string Add(int idx, int64_t t, double v, std::optional<uint8_t> label) {
    TimeSeries& ts = series_[idx];
    if (!ts.timestamps_ms.empty() && t <= ts.timestamps_ms.back()) {
      std::string why = "timestamp " + FormatRfc3339Ms(t) +
                        (t == ts.timestamps_ms.back() ? " duplicates" : " is before") + " the previous one (" +
                        FormatRfc3339Ms(ts.timestamps_ms.back()) + ") of series " + ts.id();
      // A file not in time order (a database export, rows sorted by series then reversed) is not a
      // few bad rows: skipping keeps only the rows after each series' latest one (OPS5: 8 of 40).
      if (t < ts.timestamps_ms.back()) {
        why += ": the rows of a series must be in time order; sort the file by time (skipping such rows "
               "drops every row that comes after a later one)";
      }
      return why;
    }
    ts.timestamps_ms.push_back(t);
    ts.values.push_back(v);
    ts.anomaly_labels.push_back(label.value_or(0));
    if (label) labeled_[idx] = true;
    return {};
  }

  bool Full(int idx) const { return !options_.RoomForPoint(series_[idx].size()); }

  std::vector<TimeSeries> Take() {
    for (size_t i = 0; i < series_.size(); ++i) {
      if (!labeled_[i]) series_[i].anomaly_labels.clear();
    }
    return std::move(series_);
  }

 private:
  const ReadOptions& options_;
  std::vector<TimeSeries> series_;
  std::vector<bool> labeled_;
  std::unordered_map<std::string, int> index_;
  mutable std::unordered_set<std::string> capped_;
};

// Non-blank lines left in `lines` after the current one, `line` included when `with_current`:
// the rows past a point cap, counted without being parsed (ReadStats::points_left_out).
size_t RowsLeft(LineReader& lines, std::string_view line, bool with_current) {
  size_t n = with_current && !Trim(line).empty() ? 1 : 0;
  while (lines.Next(line)) n += !Trim(line).empty();
  return n;
}

std::vector<fs::path> ListFiles(const fs::path& dir, std::string_view ext) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file() && e.path().extension() == ext) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A file's text holds nothing but whitespace (after a byte order mark): an empty file.
bool BlankText(std::string_view text) {
  text = WithoutUtf8Bom(text);
  return std::all_of(text.begin(), text.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
}

// timestamp,value[,label] files (NAB and KPI). Column positions come from the header.
Status ReadValueCsv(const std::string& file, const std::string& name, const Labels& labels,
                    bool timestamps_are_text, SeriesBuilder& builder, const ReadOptions& options,
                    ReadStats& stats) {
  // A series the filter or max_series leaves out is not read: its file is not opened.
  const int idx = builder.Get(name, labels);
  if (idx < 0) return Status::Ok();
  ASSIGN_OR_RETURN(std::string text, ReadFile(file));
  ++stats.files;
  RowErrors errors(options, stats);
  LineReader lines(std::move(text));
  std::string_view line;
  if (!lines.Next(line)) return InvalidArgumentError(file + ":1: empty file, expected a header");
  ASSIGN_OR_RETURN(std::vector<std::string> header, SplitCsv(line));
  int t_col = -1, v_col = -1, l_col = -1;
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == "timestamp") t_col = static_cast<int>(i);
    if (header[i] == "value") v_col = static_cast<int>(i);
    if (header[i] == "label") l_col = static_cast<int>(i);
  }
  if (t_col < 0 || v_col < 0) {
    return InvalidArgumentError(file + ":1: header must name `timestamp` and `value` columns, got " +
                                QuoteClipped(line));
  }
  const size_t need = static_cast<size_t>(std::max({t_col, v_col, l_col})) + 1;
  size_t data_lines = 0;
  while (lines.Next(line)) {
    if (Trim(line).empty()) continue;
    ++data_lines;
    if (builder.Full(idx)) {
      stats.points_left_out += RowsLeft(lines, line, /*with_current=*/true);
      break;
    }
    const size_t ln = lines.line_no();
    // Fast split: these files never quote.
    std::vector<std::string_view> f;
    size_t start = 0;
    while (true) {
      size_t c = line.find(',', start);
      f.push_back(line.substr(start, c == std::string_view::npos ? std::string_view::npos : c - start));
      if (c == std::string_view::npos) break;
      start = c + 1;
    }
    if (f.size() < need) {
      RETURN_IF_ERROR(errors.Bad(
          file, ln,
          "expected " + std::to_string(header.size()) + " fields, got " + std::to_string(f.size())));
      continue;
    }
    Result<ParsedPoint> p =
        ParsePoint(f[t_col], f[v_col], l_col >= 0 ? &f[l_col] : nullptr, timestamps_are_text);
    if (!p.ok()) {
      RETURN_IF_ERROR(errors.Bad(file, ln, p.status().message()));
      continue;
    }
    std::string why = builder.Add(idx, p->t, p->v, p->label);
    if (!why.empty()) {
      RETURN_IF_ERROR(errors.Bad(file, ln, why));
      continue;
    }
    ++stats.rows_accepted;
  }
  // A header alone was read as a series of no points, the read went on, and `vigil detect` said
  // nothing of it (exit 0); as a `csv:` file's header alone (DOG5) and an SMD file without rows,
  // it is an error naming the file (RV3).
  if (data_lines == 0) {
    return InvalidArgumentError(file + ":1: a header and no data row after it (the file holds one series: its "
                                       "header, then one `timestamp,value[,label]` row per point)");
  }
  return Status::Ok();
}

void FillWindowsFromLabels(Dataset& ds) {
  ds.windows.clear();
  for (const TimeSeries& ts : ds.series) {
    ds.windows.push_back(ts.has_anomaly_labels() ? WindowsFromLabels(ts.timestamps_ms, ts.anomaly_labels)
                                                 : std::vector<AnomalyWindow>{});
  }
}

Status ReadNab(const std::string& root, const ReadOptions& options, Dataset& ds) {
  std::error_code ec;
  if (fs::is_regular_file(root, ec)) {
    return InvalidArgumentError("nab:" + root +
                                " is a file; nab: takes the NAB root folder (data/<group>/<name>.csv and "
                                "labels/combined_windows.json); for one file of it, the root and --filter "
                                "<group>/<name>");
  }
  static constexpr std::string_view kNabRoot =
      "nab: takes the NAB root folder (data/<group>/<name>.csv and labels/combined_windows.json)";
  if (!fs::exists(root, ec)) return NotFoundError(root + ": no such folder (" + std::string(kNabRoot) + ")");
  const std::string labels_path = root + "/labels/combined_windows.json";
  if (!fs::exists(labels_path, ec)) {
    return NotFoundError(root + " is not a NAB root folder: it has no labels/combined_windows.json (" +
                         std::string(kNabRoot) + ")");
  }
  ASSIGN_OR_RETURN(Json windows_json, ReadJsonFile(labels_path));
  if (!windows_json.is_object()) {
    return InvalidArgumentError(labels_path + ": expected an object of file -> windows");
  }
  SeriesBuilder builder(options);
  std::map<std::string, std::vector<AnomalyWindow>> windows_by_name;
  for (const auto& [key, wins] : windows_json.items()) {
    if (key.size() < 4 || key.substr(key.size() - 4) != ".csv") {
      return InvalidArgumentError(labels_path + ": key `" + key + "` is not a <group>/<name>.csv path");
    }
    const std::string name = key.substr(0, key.size() - 4);
    const size_t slash = name.find('/');
    if (!options.KeepsName(name)) continue;
    std::vector<AnomalyWindow> ws;
    if (!wins.is_array())
      return InvalidArgumentError(labels_path + ": `" + key + "` is not a list of windows");
    for (const Json& w : wins) {
      if (!w.is_array() || w.size() != 2 || !w[0].is_string() || !w[1].is_string()) {
        return InvalidArgumentError(labels_path + ": `" + key + "`: a window must be [\"start\", \"end\"]");
      }
      Result<int64_t> b = ParseRfc3339Ms(w[0].get<std::string>());
      Result<int64_t> e = ParseRfc3339Ms(w[1].get<std::string>());
      if (!b.ok() || !e.ok()) {
        return InvalidArgumentError(labels_path + ": `" + key +
                                    "`: " + (!b.ok() ? b.status() : e.status()).message());
      }
      if (*e < *b) return InvalidArgumentError(labels_path + ": `" + key + "`: window ends before it starts");
      ws.push_back({*b, *e});
    }
    Labels labels;
    if (slash != std::string::npos) {
      labels["group"] = name.substr(0, slash);
      labels["file"] = name.substr(slash + 1);
    }
    RETURN_IF_ERROR(ReadValueCsv(root + "/data/" + key, name, labels, /*timestamps_are_text=*/true, builder,
                                 options, ds.stats));
    windows_by_name[name] = std::move(ws);
  }
  // A data file the labels do not list would be left out without a word (NAB lists every file,
  // `[]` for one without windows); checked for the files the filter selects.
  const fs::path data_dir = fs::path(root) / "data";
  if (fs::is_directory(data_dir, ec)) {
    for (auto it = fs::recursive_directory_iterator(data_dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (!it->is_regular_file(ec) || it->path().extension() != ".csv") continue;
      const std::string key = it->path().lexically_relative(data_dir).generic_string();
      const std::string name = key.substr(0, key.size() - 4);
      if (!options.KeepsName(name)) continue;
      if (!windows_json.contains(key)) {
        return InvalidArgumentError(it->path().string() + " has no entry in " + labels_path +
                                    " (NAB lists every data file, `[]` for one without windows; add `\"" + key +
                                    "\": []` or move the file out of data/)");
      }
    }
  }
  ds.stats.series_left_out = builder.SeriesLeftOut();
  ds.series = builder.Take();
  for (size_t i = 0; i < ds.series.size(); ++i) {
    TimeSeries& ts = ds.series[i];
    const auto& ws = windows_by_name[ts.name];
    ts.anomaly_labels.assign(ts.size(), 0);
    for (const AnomalyWindow& w : ws) {
      auto lo = std::lower_bound(ts.timestamps_ms.begin(), ts.timestamps_ms.end(), w.begin_ms);
      auto hi = std::upper_bound(ts.timestamps_ms.begin(), ts.timestamps_ms.end(), w.end_ms);
      for (auto it = lo; it < hi; ++it) ts.anomaly_labels[it - ts.timestamps_ms.begin()] = 1;
    }
    ds.windows.push_back(ws);
    const size_t slash = ts.name.find('/');
    ds.groups[slash == std::string::npos ? std::string() : ts.name.substr(0, slash)].push_back(i);
  }
  return Status::Ok();
}

// The error for a kpi: folder without *.csv. The KPI download keeps its files in train/ (and
// test/) below the folder one is likely to name: before 2026-12-03 (SM) the error said only "no
// .csv files in this folder"; now it names the subfolders that have some (at most 5, sorted).
std::string NoKpiCsvMessage(const std::string& path) {
  std::string msg = EscapeNonUtf8(path);
  msg += ": no .csv files in this folder";
  std::vector<std::pair<std::string, size_t>> subs;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(path, ec)) {
    std::error_code ec2;
    if (!e.is_directory(ec2)) continue;
    const size_t n = ListFiles(e.path(), ".csv").size();
    if (n > 0) subs.emplace_back(e.path().filename().string(), n);
  }
  if (subs.empty()) return msg;
  std::sort(subs.begin(), subs.end());
  const size_t shown = std::min<size_t>(subs.size(), 5);
  msg += subs.size() == 1 ? "; its subfolder " : "; its subfolders ";
  for (size_t i = 0; i < shown; ++i) {
    if (i > 0) msg += (i + 1 == shown && shown == subs.size()) ? " and " : ", ";
    msg += EscapeNonUtf8(subs[i].first);
    msg += "/ (";
    msg += std::to_string(subs[i].second);
    msg += " .csv)";
  }
  if (subs.size() > shown) {
    msg += " and ";
    msg += std::to_string(subs.size() - shown);
    msg += " more";
  }
  msg += subs.size() == 1 ? " has some: pass it, e.g. kpi:" : " have some: pass one of them, e.g. kpi:";
  msg += EscapeNonUtf8((fs::path(path) / subs[0].first).string());
  return msg;
}

Status ReadKpi(const std::string& path, const ReadOptions& options, Dataset& ds) {
  std::error_code ec;
  std::vector<fs::path> files;
  if (fs::is_directory(path, ec)) {
    files = ListFiles(path, ".csv");
    if (files.empty()) return NotFoundError(NoKpiCsvMessage(path));
  } else if (fs::is_regular_file(path, ec)) {
    files.push_back(path);
  } else {
    return NotFoundError(path + ": no such file or folder");
  }
  SeriesBuilder builder(options);
  for (const fs::path& f : files) {
    RETURN_IF_ERROR(CheckFileNameUtf8(f));
    // The `kpi` label lets rules select one KPI (its id is not a metric identifier).
    RETURN_IF_ERROR(ReadValueCsv(f.string(), f.stem().string(), {{"kpi", f.stem().string()}},
                                 /*timestamps_are_text=*/false, builder, options, ds.stats));
  }
  ds.stats.series_left_out = builder.SeriesLeftOut();
  ds.series = builder.Take();
  FillWindowsFromLabels(ds);
  return Status::Ok();
}

size_t CountLines(const std::string& text) {
  size_t n = std::count(text.begin(), text.end(), '\n');
  if (!text.empty() && text.back() != '\n') ++n;
  return n;
}

constexpr int64_t kSmdStepMs = 60'000;

// Whether some dimension name `<machine>/dim<N>` can contain `filter`, before the file says how
// many dimensions there are: `filter` is a part of `<machine>/dim`, or such a part's end followed
// by digits, or digits alone. The per-series check then applies the filter to each name.
bool SmdMachineMayMatch(const std::string& machine, std::string_view filter) {
  const std::string base = machine + "/dim";
  for (size_t k = 0; k <= filter.size(); ++k) {
    const std::string_view head = filter.substr(0, k), digits = filter.substr(k);
    if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
    if (digits.empty() ? base.find(head) != std::string::npos : base.ends_with(head)) return true;
  }
  return false;
}

Status ReadSmd(const std::string& root, const std::string& split, const ReadOptions& options, Dataset& ds) {
  if (split != "train" && split != "test") {
    return InvalidArgumentError("smd split must be `train` or `test`, got `" + split + "`");
  }
  std::error_code ec;
  if (fs::is_regular_file(root, ec)) {
    return InvalidArgumentError("smd:" + root +
                                " is a file; smd: takes the SMD root folder (train/, test/, test_label/ with "
                                "<machine>.txt); for one machine, the root and --filter <machine>");
  }
  if (!fs::exists(root, ec)) {
    return NotFoundError(root + ": no such folder (smd: takes the SMD root folder: train/, test/, test_label/ with "
                                "<machine>.txt)");
  }
  const fs::path dir = fs::path(root) / split;
  if (!fs::is_directory(dir, ec))
    return NotFoundError(dir.string() + ": no such folder (expected an SMD root)");
  std::vector<fs::path> files = ListFiles(dir, ".txt");
  if (files.empty()) return NotFoundError(dir.string() + ": no .txt files");
  RowErrors errors(options, ds.stats);
  for (size_t fi = 0; fi < files.size(); ++fi) {
    const fs::path& file = files[fi];
    const std::string machine = file.stem().string();
    if (!options.RoomForSeries(ds.series.size())) {  // the series cap: these machines are not opened
      for (size_t k = fi; k < files.size(); ++k)
        ds.stats.files_left_out += SmdMachineMayMatch(files[k].stem().string(), options.name_filter);
      break;
    }
    // A filter matches the machine ("machine-1") or names dimensions ("machine-1-6/dim3", "dim3");
    // the per-series check below applies it to each dimension's name.
    if (!SmdMachineMayMatch(machine, options.name_filter)) continue;
    RETURN_IF_ERROR(CheckFileNameUtf8(file));
    ASSIGN_OR_RETURN(std::string text, ReadFile(file.string()));
    ++ds.stats.files;
    // Test timestamps continue after the train split so the two are one chronological series.
    int64_t t0 = 0;
    if (split == "test") {
      Result<std::string> train = ReadFile((fs::path(root) / "train" / file.filename()).string());
      if (train.ok()) t0 = static_cast<int64_t>(CountLines(*train)) * kSmdStepMs;
    }
    std::vector<uint8_t> labels;
    std::string label_file;
    if (split == "test") {
      label_file = (fs::path(root) / "test_label" / file.filename()).string();
      ASSIGN_OR_RETURN(std::string ltext, ReadFile(label_file));
      LineReader lr(std::move(ltext));
      std::string_view line;
      while (lr.Next(line)) {
        if (Trim(line).empty()) continue;
        Result<uint8_t> l = ParseLabel(line);
        if (!l.ok())
          return InvalidArgumentError(label_file + ":" + std::to_string(lr.line_no()) + ": " +
                                      l.status().message());
        labels.push_back(*l);
      }
    }
    std::vector<TimeSeries> dims;
    std::vector<uint8_t> row_labels;
    LineReader lines(std::move(text));
    std::string_view line;
    size_t row = 0;   // data row index = minute offset; also indexes test_label
    size_t kept = 0;  // rows accepted: each dimension's points
    size_t rows_cut = 0;  // rows past the point cap
    std::vector<double> vals;
    while (lines.Next(line)) {
      if (Trim(line).empty()) continue;
      if (!options.RoomForPoint(kept)) {
        rows_cut = RowsLeft(lines, line, /*with_current=*/true);
        break;
      }
      const size_t this_row = row++;
      vals.clear();
      std::string why;
      size_t start = 0;
      while (true) {
        size_t c = line.find(',', start);
        std::string_view f =
            line.substr(start, c == std::string_view::npos ? std::string_view::npos : c - start);
        Result<double> v = ParseValue(f);
        if (!v.ok()) {
          why = "column " + std::to_string(vals.size() + 1) + ": " + v.status().message();
          break;
        }
        vals.push_back(*v);
        if (c == std::string_view::npos) break;
        start = c + 1;
      }
      if (why.empty() && !dims.empty() && vals.size() != dims.size()) {
        why = "expected " + std::to_string(dims.size()) + " columns, got " + std::to_string(vals.size());
      }
      if (why.empty() && split == "test" && this_row >= labels.size()) {
        why = "no label for this row in " + label_file + " (it has " + std::to_string(labels.size()) + ")";
      }
      if (!why.empty()) {
        RETURN_IF_ERROR(errors.Bad(file.string(), lines.line_no(), why));
        continue;
      }
      if (dims.empty()) {
        dims.resize(vals.size());
        for (size_t d = 0; d < vals.size(); ++d) {
          dims[d].name = machine + "/dim" + std::to_string(d);
          dims[d].labels = {{"machine", machine}, {"dim", std::to_string(d)}};
        }
      }
      const int64_t t = t0 + static_cast<int64_t>(this_row) * kSmdStepMs;
      for (size_t d = 0; d < vals.size(); ++d) {
        dims[d].timestamps_ms.push_back(t);
        dims[d].values.push_back(vals[d]);
        if (split == "test") dims[d].anomaly_labels.push_back(labels[this_row]);
      }
      ++ds.stats.rows_accepted;
      ++kept;
    }
    if (row == 0) return InvalidArgumentError(file.string() + ": no data rows (an empty SMD " + split + " file)");
    if (split == "test" && options.max_points == 0 && row != labels.size()) {
      return InvalidArgumentError(file.string() + ": " + std::to_string(row) + " rows but " + label_file +
                                  " has " + std::to_string(labels.size()) + " labels");
    }
    for (TimeSeries& ts : dims) {
      if (!options.KeepsName(ts.name)) continue;
      if (!options.RoomForSeries(ds.series.size())) {
        ++ds.stats.series_left_out;
        continue;
      }
      ds.groups[machine].push_back(ds.series.size());
      ds.series.push_back(std::move(ts));
      ds.stats.points_left_out += rows_cut;
    }
  }
  FillWindowsFromLabels(ds);
  return Status::Ok();
}

// The next data row of a CSV file, split into `header_size` fields into `f` (its line in `ln`); false at
// the end. Blank and `#` lines are passed over; a row that is not UTF-8, is badly quoted or has another
// field count goes to `errors` (the located error under kError, skipped and counted under kSkip).
Result<bool> NextCsvRow(LineReader& lines, const std::string& file, char sep, size_t header_size, RowErrors& errors,
                        size_t& data_lines, size_t& ln, std::vector<std::string>& f) {
  std::string_view line;
  while (lines.Next(line)) {
    if (Trim(line).empty() || Trim(line).front() == '#') continue;
    ++data_lines;
    ln = lines.line_no();
    if (std::string why = NotUtf8(line); !why.empty()) {
      RETURN_IF_ERROR(errors.Bad(file, ln, why));
      continue;
    }
    Result<std::vector<std::string>> fr = SplitCsv(line, sep);
    if (!fr.ok()) {
      RETURN_IF_ERROR(errors.Bad(file, ln, fr.status().message()));
      continue;
    }
    if (fr->size() != header_size) {
      RETURN_IF_ERROR(errors.Bad(
          file, ln, "expected " + std::to_string(header_size) + " fields, got " + std::to_string(fr->size())));
      continue;
    }
    f = std::move(*fr);
    return true;
  }
  return false;
}

// A cell `name{k="v", ...}` (Grafana names a Prometheus series so) as name and labels; false, and
// `name` / `labels` untouched, when the cell is not of that form (then the cell is the name). Below.
bool SeriesFromHeader(const std::string& cell, std::string& name, Labels& labels);

// The wide layout: a time column, then one column a series (Grafana's panel "Download CSV", joined by
// time or one series; pandas' `df.pivot(...).to_csv()`). Refused before ("header must name `timestamp`,
// `series` ... and `value`"). An empty cell is no point at that time (Grafana leaves the gaps of a
// series joined by time empty); a value it cannot read is a bad row naming the column.
Status ReadWideCsv(const std::string& file, const std::vector<std::string>& header, size_t header_line,
                   size_t t_col, size_t first_col, char sep, LineReader& lines, const ReadOptions& options,
                   Dataset& ds) {
  RowErrors errors(options, ds.stats);
  SeriesBuilder builder(options);
  struct Column {
    size_t col;
    std::string name;
    Labels labels;
    int idx;
  };
  std::vector<Column> cols;
  for (size_t i = first_col; i < header.size(); ++i) {
    if (i == t_col) continue;
    Column c{i, {}, {}, SeriesBuilder::kLeftOut};
    if (!SeriesFromHeader(header[i], c.name, c.labels)) c.name = header[i];
    if (c.name.empty()) {
      return InvalidArgumentError(file + ":" + std::to_string(header_line) + ": column " + std::to_string(i + 1) +
                                  " has an empty name (in a time-and-series-columns file every column after the "
                                  "time names a series)");
    }
    std::string key;
    c.idx = builder.Lookup(c.name, c.labels, key);
    if (c.idx == SeriesBuilder::kNew) {
      c.idx = builder.Create(std::move(key), c.name, c.labels);
    } else if (c.idx >= 0) {
      return InvalidArgumentError(file + ":" + std::to_string(header_line) + ": columns " +
                                  QuoteClipped(header[i]) + " name the same series twice");
    }
    cols.push_back(std::move(c));
  }
  size_t data_lines = 0, ln = 0;
  std::vector<std::string> f;
  while (true) {
    ASSIGN_OR_RETURN(const bool more, NextCsvRow(lines, file, sep, header.size(), errors, data_lines, ln, f));
    if (!more) break;
    Result<int64_t> t = ParseTimestampField(f[t_col]);
    if (!t.ok()) {
      RETURN_IF_ERROR(errors.Bad(file, ln, t.status().message() + " (column " + std::to_string(t_col + 1) + ", " +
                                               QuoteClipped(header[t_col]) + ")"));
      continue;
    }
    bool row_ok = true;
    for (const Column& c : cols) {
      if (c.idx < 0) continue;  // left out by the filter or the series cap
      std::string& cell = f[c.col];
      if (Trim(cell).empty()) continue;  // no point of this series at this time
      if (builder.Full(c.idx)) {
        ++ds.stats.points_left_out;
        continue;
      }
      // A `;` or tab file's decimal comma, as in the long layout.
      if (sep != ',' && std::count(cell.begin(), cell.end(), ',') == 1 && cell.find('.') == std::string::npos)
        std::replace(cell.begin(), cell.end(), ',', '.');
      const bool missing = options.ReadsAsMissing(cell);
      double v = std::numeric_limits<double>::quiet_NaN();
      if (!missing) {
        Result<double> r = ParseValue(cell);
        if (!r.ok()) {
          std::string why = r.status().message() + " (column " + std::to_string(c.col + 1) + ", " +
                            QuoteClipped(header[c.col]) + ")";
          // Grafana's "Formatted data" writes units (`45.2 %`, `1.20 GB`): no number.
          if (cell.find(' ') != std::string::npos) why += "; a value with a unit: export without formatted data";
          RETURN_IF_ERROR(errors.Bad(file, ln, why));
          row_ok = false;
          continue;
        }
        v = *r;
      }
      std::string why = builder.Add(c.idx, *t, v, std::nullopt);
      if (!why.empty()) {
        RETURN_IF_ERROR(errors.Bad(file, ln, why));
        row_ok = false;
        continue;
      }
      if (missing) options.CountReadAsMissing(file + ":" + std::to_string(ln), cell, ds.stats);
    }
    if (row_ok) ++ds.stats.rows_accepted;
  }
  if (data_lines == 0) {
    return InvalidArgumentError(file + ":" + std::to_string(header_line) +
                                ": a header and no data row after it (csv: takes the header, then one row per time)");
  }
  ds.stats.series_left_out = builder.SeriesLeftOut();
  ds.series = builder.Take();
  FillWindowsFromLabels(ds);
  return Status::Ok();
}

Status ReadLongCsv(const std::string& file, const ReadOptions& options, Dataset& ds) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(file));
  ++ds.stats.files;
  RowErrors errors(options, ds.stats);
  LineReader lines(std::move(text));
  std::string_view line;
  // Skip leading comment lines (# ...).
  do {
    if (!lines.Next(line)) return InvalidArgumentError(file + ":1: empty file, expected a header");
  } while (Trim(line).empty() || Trim(line).front() == '#');
  // Grafana's "Download for Excel" (and Excel itself) starts with `sep=,` naming the separator.
  std::optional<char> excel_sep;
  if (std::string_view l = Trim(line); l.size() == 5 && l.substr(0, 4) == "sep=") {
    excel_sep = l[4];
    do {
      if (!lines.Next(line)) return InvalidArgumentError(file + ":1: only a `sep=` line, expected a header after it");
    } while (Trim(line).empty());
  }
  const size_t header_line = lines.line_no();
  if (std::string why = NotUtf8(line); !why.empty())
    return InvalidArgumentError(file + ":" + std::to_string(header_line) + ": " + why);
  Result<std::vector<std::string>> header_r = SplitCsv(line, excel_sep.value_or(','));
  if (!header_r.ok()) return header_r.status().WithContext(file + ":" + std::to_string(header_line));
  // A header with no comma but `;` or tabs between its names: the file's separator (OPS5; Excel
  // writes `;` where the decimal mark is a comma, and its values then read `97,5`).
  char sep = excel_sep.value_or(',');
  if (header_r->size() == 1 && !excel_sep) {
    for (char other : {';', '\t'}) {
      Result<std::vector<std::string>> h = SplitCsv(line, other);
      if (h.ok() && h->size() > 1) {
        sep = other;
        header_r = std::move(h);
        break;
      }
    }
  }
  // Grafana's older "Series as rows" export: `Series;Time;Value` (capitalised; the series cell a
  // selector, `name{k="v", ...}`): read as `series,timestamp,value`, the selector as name and labels.
  const bool grafana_rows = [&] {
    std::vector<std::string> h = *header_r;
    std::sort(h.begin(), h.end());
    return h == std::vector<std::string>{"Series", "Time", "Value"};
  }();
  const std::vector<std::string> header = [&] {
    std::vector<std::string> h = *header_r;
    if (grafana_rows) {
      for (std::string& n : h) n = n == "Series" ? "series" : n == "Time" ? "timestamp" : "value";
    }
    return h;
  }();
  int t_col = -1, s_col = -1, v_col = -1, l_col = -1;
  std::vector<std::pair<size_t, std::string>> label_cols;
  // `metric` and `__name__` (common export names) name the series when there is no `series` column
  // (OPS3: refused before); beside a `series` column they stay label columns, as they always were.
  const bool has_series = std::find(header.begin(), header.end(), "series") != header.end();
  std::string s_name;
  // pandas' `to_csv` without `index=False` writes its index as an unnamed first column: left out when
  // a `timestamp` column is named (refused before: "column 1 has an empty name"). Without one the
  // index might be the times or a row count (0, 1, 2 would read as 1970), so it stays refused, with
  // pandas named in the error. An unnamed column elsewhere is refused as before.
  const bool has_timestamp = std::find(header.begin(), header.end(), "timestamp") != header.end();
  const bool pandas_index = header.size() > 1 && header[0].empty() && has_timestamp;
  // The wide layout (a time column, one column a series: Grafana's export, a pivoted DataFrame): no
  // `value`, `series`, `metric`, `__name__` or `label` column, and the time column (`timestamp`, or
  // Grafana's `Time`) first, after pandas' index if there is one.
  {
    const size_t first = pandas_index ? 1 : 0;
    auto named = [&](const char* n) { return std::find(header.begin(), header.end(), n) != header.end(); };
    if (header.size() > first + 1 && (header[first] == "timestamp" || header[first] == "Time") && !named("value") &&
        !named("series") && !named("metric") && !named("__name__") && !named("label")) {
      return ReadWideCsv(file, header, header_line, first, first, sep, lines, options, ds);
    }
  }
  for (size_t i = 0; i < header.size(); ++i) {
    const std::string& h = header[i];
    if (i == 0 && pandas_index) continue;
    const bool series = has_series ? h == "series" : (h == "metric" || h == "__name__");
    if (series && s_col >= 0 && h != s_name) {
      return InvalidArgumentError(file + ":" + std::to_string(header_line) + ": columns `" + s_name + "` and `" + h +
                                  "` both name the series (with no `series` column, `metric` and `__name__` are "
                                  "one column); keep one, or add a `series` column to make them labels");
    }
    if (series) s_name = h;
    int* slot = h == "timestamp" ? &t_col
                : series         ? &s_col
                : h == "value"   ? &v_col
                : h == "label"   ? &l_col
                                 : nullptr;
    if (slot != nullptr) {
      if (*slot >= 0)
        return InvalidArgumentError(file + ":" + std::to_string(header_line) + ": column `" + h +
                                    "` appears twice");
      *slot = static_cast<int>(i);
    } else if (h.empty()) {
      return InvalidArgumentError(file + ":" + std::to_string(header_line) + ": column " +
                                  std::to_string(i + 1) + " has an empty name" +
                                  (i == 0 ? " (pandas writes its index so: with no `timestamp` column it is not "
                                            "known to be the times; name it `timestamp` (df.index.name = "
                                            "'timestamp') or write with index=False)"
                                          : ""));
    } else {
      label_cols.emplace_back(i, h);
    }
  }
  // `timestamp,value[,label]` alone (NAB's and KPI's layout, pandas' to_csv of one series): one
  // series named after the file (OPS5; refused before). With any other column the series column
  // is still required: a misspelt `seris` would otherwise merge every metric into one series.
  std::string one_series;
  if (s_col < 0 && t_col >= 0 && v_col >= 0 && label_cols.empty()) {
    RETURN_IF_ERROR(CheckFileNameUtf8(file));
    one_series = fs::path(file).stem().string();
  }
  if (t_col < 0 || (s_col < 0 && one_series.empty()) || v_col < 0) {
    return InvalidArgumentError(file + ":" + std::to_string(header_line) +
                                ": header must name `timestamp`, `series` (or `metric`, `__name__`) and `value` columns, got " +
                                QuoteClipped(line) + " (a file of one series may have `timestamp,value[,label]` alone: "
                                "it is named after the file)");
  }
  SeriesBuilder builder(options);
  size_t data_lines = 0, ln = 0;
  std::vector<std::string> f;
  while (true) {
    ASSIGN_OR_RETURN(const bool more, NextCsvRow(lines, file, sep, header.size(), errors, data_lines, ln, f));
    if (!more) break;
    // A `;` or tab file's decimal comma (`97,5`): the value's one comma is its decimal point.
    if (sep != ',' && std::count(f[v_col].begin(), f[v_col].end(), ',') == 1 && f[v_col].find('.') == std::string::npos)
      std::replace(f[v_col].begin(), f[v_col].end(), ',', '.');
    std::string name = s_col >= 0 ? f[s_col] : one_series;
    if (name.empty()) {
      RETURN_IF_ERROR(errors.Bad(file, ln, "missing series name"));
      continue;
    }
    Labels labels;
    for (const auto& [col, key] : label_cols) {
      if (!f[col].empty()) labels[key] = f[col];
    }
    if (grafana_rows) SeriesFromHeader(f[s_col], name, labels);  // else the cell is the name
    std::string key;
    int idx = builder.Lookup(name, labels, key);
    if (idx == SeriesBuilder::kLeftOut) continue;  // not read
    if (idx >= 0 && builder.Full(idx)) {  // not read: counted
      ++ds.stats.points_left_out;
      continue;
    }
    const std::string_view label_text = l_col >= 0 ? std::string_view(f[l_col]) : std::string_view();
    const bool missing = options.ReadsAsMissing(f[v_col]);
    Result<ParsedPoint> p = ParsePoint(f[t_col], missing ? "0" : f[v_col], l_col >= 0 ? &label_text : nullptr, false);
    if (!p.ok()) {
      // The field ParsePoint refused (timestamp, then value, then label), named by number and header.
      const int col = !ParseTimestampField(f[t_col]).ok()         ? t_col
                      : !missing && !ParseValue(f[v_col]).ok() ? v_col
                                                               : l_col;
      std::string why = p.status().message();
      why += " (column ";
      why += std::to_string(col + 1);
      why += ", ";
      why += QuoteClipped(header[col]);
      why += ")";
      RETURN_IF_ERROR(errors.Bad(file, ln, why));
      continue;
    }
    if (missing) p->v = std::numeric_limits<double>::quiet_NaN();
    if (idx == SeriesBuilder::kNew) idx = builder.Create(std::move(key), name, labels);
    std::string why = builder.Add(idx, p->t, p->v, p->label);
    if (!why.empty()) {
      RETURN_IF_ERROR(errors.Bad(file, ln, why));
      continue;
    }
    if (missing) options.CountReadAsMissing(file + ":" + std::to_string(ln), f[v_col], ds.stats);
    ++ds.stats.rows_accepted;
  }
  // A header and nothing after it (an export of an empty query): said as such, as an empty file is
  // (DOG5, 2026-12-05: "dataset `csv:F` left no series", exit 1, as if a filter had left nothing).
  if (data_lines == 0) {
    return InvalidArgumentError(file + ":" + std::to_string(header_line) +
                                ": a header and no data row after it (csv: takes the header, then one row per point)");
  }
  ds.stats.series_left_out = builder.SeriesLeftOut();
  ds.series = builder.Take();
  FillWindowsFromLabels(ds);
  return Status::Ok();
}

Result<int64_t> JsonTimestamp(const Json& j) {
  if (j.is_number()) return ParseTimestampField(j.dump());
  if (j.is_string()) return ParseTimestampField(j.get<std::string>());
  return InvalidArgumentError("timestamp must be a number or a string, got " + QuoteClipped(j.dump()));
}

Result<double> JsonValue(const Json& j) {
  if (j.is_number()) {
    double v = j.get<double>();
    if (!std::isfinite(v)) {
      std::string msg = "value is not finite";
      msg += kNotFiniteNote;
      return InvalidArgumentError(std::move(msg));
    }
    return v;
  }
  if (j.is_string()) return ParseValue(j.get<std::string>());  // Prometheus sends "1.5"
  if (j.is_null()) return InvalidArgumentError("missing value (null)");
  return InvalidArgumentError("value must be a number, got " + QuoteClipped(j.dump()));
}

Result<Labels> JsonLabels(const Json& j, std::string_view what) {
  Labels labels;
  if (j.is_null()) return labels;
  if (!j.is_object()) return InvalidArgumentError(std::string(what) + " must be an object of strings");
  for (const auto& [k, v] : j.items()) {
    if (!v.is_string()) return InvalidArgumentError(std::string(what) + "." + k + " must be a string");
    labels[k] = v.get<std::string>();
  }
  return labels;
}

// Why `line` (known not to parse) is not JSON: "not valid JSON at column C: syntax error while
// parsing ...; near `<at most 40 bytes before C>`", the column of the byte where the parser
// stopped. The parser's own "last read" is left out: it quotes the whole token (a 1 MB string)
// and bytes that are not UTF-8 raw; the excerpt writes those as \xHH.
std::string JsonLineError(std::string_view line) {
  try {
    const Json parsed = Json::parse(line);
    (void)parsed;
  } catch (const Json::parse_error& e) {
    std::string m = e.what();
    if (const size_t at = m.find("syntax error"); at != std::string::npos) m.erase(0, at);
    if (const size_t last = m.find("; last read: "); last != std::string::npos) m.erase(last);
    const size_t end = std::min(e.byte, line.size());
    const std::string near = EscapeNonUtf8(line.substr(end > 40 ? end - 40 : 0, end > 40 ? 40 : end));
    return "not valid JSON at column " + std::to_string(e.byte) + ": " + m + "; near `" + near + "`";
  } catch (const std::exception& e) {
    return std::string("not valid JSON: ") + e.what();
  }
  return "not valid JSON";
}

// One Prometheus result row `{"metric": {...}, "values": [[t, "v"], ...]}` (or an instant `value`)
// into `builder`: `__name__` names the series, the other labels label it. Bad rows and points go
// through ReadOptions::BadRow at `where` ("<file>:<line>" for jsonl, "<file>: result[i]" for
// promjson). Shared by the jsonl and promjson readers so that the two agree point for point.
Status AddPromMatrixRow(const Json& j, const std::string& where, const ReadOptions& options,
                        SeriesBuilder& builder, ReadStats& stats) {
  Result<Labels> labels = JsonLabels(j["metric"], "metric");
  if (!labels.ok()) return options.BadRow(where, labels.status().message(), stats);
  std::string name = labels->count("__name__") ? (*labels)["__name__"] : "";
  labels->erase("__name__");
  if (name.empty()) return options.BadRow(where, "metric has no __name__", stats);
  Json points = j.contains("values")  ? j["values"]
                : j.contains("value") ? Json::array({j["value"]})
                                      : Json();
  if (!points.is_array()) return options.BadRow(where, "expected `values`: [[t, \"v\"], ...]", stats);
  int idx = builder.Get(name, *labels);
  if (idx < 0) return Status::Ok();
  for (size_t p = 0; p < points.size(); ++p) {
    if (builder.Full(idx)) {  // not read: counted
      stats.points_left_out += points.size() - p;
      break;
    }
    const Json& pt = points[p];
    std::string why;
    bool missing = false;
    if (!pt.is_array() || pt.size() != 2) {
      why = "values[" + std::to_string(p) + "] must be [t, v]";
    } else {
      Result<int64_t> t = JsonTimestamp(pt[0]);
      // Prometheus writes NaN / +Inf / -Inf as strings: with non_finite_as_missing a missing point.
      missing = pt[1].is_string() && options.ReadsAsMissing(pt[1].get<std::string>());
      Result<double> v = missing ? Result<double>(std::numeric_limits<double>::quiet_NaN()) : JsonValue(pt[1]);
      if (!t.ok())
        why = "values[" + std::to_string(p) + "]: timestamp: " + t.status().message();
      else if (!v.ok())
        why = "values[" + std::to_string(p) + "]: " + v.status().message();
      else if (std::string add = builder.Add(idx, *t, *v, std::nullopt); !add.empty()) {
        why = "values[" + std::to_string(p) + "]: " + add;
      }
    }
    if (!why.empty()) {
      RETURN_IF_ERROR(options.BadRow(where, why, stats));
      continue;
    }
    if (missing) options.CountReadAsMissing(where + ": values[" + std::to_string(p) + "]", pt[1].get<std::string>(), stats);
    ++stats.rows_accepted;
  }
  return Status::Ok();
}

Status ReadJsonl(const std::string& file, const ReadOptions& options, Dataset& ds) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(file));
  ++ds.stats.files;
  // An empty (or blank) file is no data at all, not data whose series were all filtered out.
  if (BlankText(text)) {
    return InvalidArgumentError(file + ": empty file (jsonl: takes one JSON object per line, e.g. "
                                       "{\"name\": \"gpu_util\", \"timestamp\": 1700000000, \"value\": 97.5})");
  }
  RowErrors errors(options, ds.stats);
  SeriesBuilder builder(options);
  LineReader lines(std::move(text));  // skips the BOM readers.h says every reader skips
  std::string_view line;
  while (lines.Next(line)) {
    if (Trim(line).empty()) continue;
    const size_t ln = lines.line_no();
    if (const size_t deep = JsonTooDeepAt(line); deep != std::string_view::npos) {
      RETURN_IF_ERROR(errors.Bad(file, ln, JsonTooDeepMessage() + " at column " + std::to_string(deep + 1)));
      continue;
    }
    Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
      RETURN_IF_ERROR(errors.Bad(file, ln, JsonLineError(line)));
      continue;
    }
    if (!j.is_object()) {
      RETURN_IF_ERROR(errors.Bad(file, ln, "not a JSON object"));
      continue;
    }
    if (j.contains("metric")) {  // Prometheus matrix/vector row
      RETURN_IF_ERROR(AddPromMatrixRow(j, file + ":" + std::to_string(ln), options, builder, ds.stats));
      continue;
    }
    if (!j.contains("name") || !j["name"].is_string() || j["name"].get<std::string>().empty()) {
      RETURN_IF_ERROR(errors.Bad(file, ln, "missing string field `name`"));
      continue;
    }
    const std::string name = j["name"].get<std::string>();
    Result<Labels> labels = JsonLabels(j.contains("labels") ? j["labels"] : Json(), "labels");
    if (!labels.ok()) {
      RETURN_IF_ERROR(errors.Bad(file, ln, labels.status().message()));
      continue;
    }
    std::string key;
    int idx = builder.Lookup(name, *labels, key);
    if (idx == SeriesBuilder::kLeftOut) continue;  // not read
    if (idx >= 0 && builder.Full(idx)) {  // not read: counted
      ++ds.stats.points_left_out;
      continue;
    }
    std::string why;
    if (!j.contains("timestamp")) {
      why = "missing field `timestamp`";
    } else if (!j.contains("value")) {
      why = "missing field `value`";
    }
    if (!why.empty()) {
      RETURN_IF_ERROR(errors.Bad(file, ln, why));
      continue;
    }
    Result<int64_t> t = JsonTimestamp(j["timestamp"]);
    const bool missing = j["value"].is_string() && options.ReadsAsMissing(j["value"].get<std::string>());
    Result<double> v = missing ? Result<double>(std::numeric_limits<double>::quiet_NaN()) : JsonValue(j["value"]);
    std::optional<uint8_t> anomaly;
    if (j.contains("anomaly")) {
      const Json& a = j["anomaly"];
      if (a == 0 || a == false)
        anomaly = 0;
      else if (a == 1 || a == true)
        anomaly = 1;
      else
        why = "`anomaly` must be 0 or 1";
    }
    if (!t.ok())
      why = "timestamp: " + t.status().message();
    else if (!v.ok())
      why = v.status().message();
    if (why.empty()) {
      if (idx == SeriesBuilder::kNew) idx = builder.Create(std::move(key), name, *labels);
      why = builder.Add(idx, *t, *v, anomaly);
    }
    if (!why.empty()) {
      RETURN_IF_ERROR(errors.Bad(file, ln, why));
      continue;
    }
    if (missing) options.CountReadAsMissing(file + ":" + std::to_string(ln), j["value"].get<std::string>(), ds.stats);
    ++ds.stats.rows_accepted;
  }
  ds.stats.series_left_out = builder.SeriesLeftOut();
  ds.series = builder.Take();
  FillWindowsFromLabels(ds);
  return Status::Ok();
}

// "<line>:<column>" of the 1-based byte offset `byte` in `text` (a JSON parser's error position).
std::string LineColumn(std::string_view text, size_t byte) {
  const size_t at = std::min(byte == 0 ? 0 : byte - 1, text.size());
  size_t line = 1, col = 1;
  for (size_t i = 0; i < at; ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return std::to_string(line) + ":" + std::to_string(col);
}

// A saved Prometheus /api/v1/query_range answer (readers.h: promjson:).
Status ReadPromJson(const std::string& file, const ReadOptions& options, Dataset& ds) {
  ASSIGN_OR_RETURN(std::string raw, ReadFile(file));
  ++ds.stats.files;
  const std::string_view text = WithoutUtf8Bom(raw);
  const std::string kWhat = " (promjson: takes the body of a Prometheus /api/v1/query_range answer, e.g. `curl -s "
                            "'http://prom:9090/api/v1/query_range?query=Q&start=T&end=T&step=60' > FILE`)";
  if (Trim(text).empty()) return InvalidArgumentError(file + ": empty file" + kWhat);
  if (const size_t deep = JsonTooDeepAt(text); deep != std::string_view::npos)
    return InvalidArgumentError(file + ":" + LineColumn(text, deep + 1) + ": " + JsonTooDeepMessage());
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::parse_error& e) {
    std::string m = e.what();
    if (const size_t at = m.find("syntax error"); at != std::string::npos) m.erase(0, at);
    if (const size_t last = m.find("; last read: "); last != std::string::npos) m.erase(last);
    const bool at_end = e.byte >= text.size();
    return InvalidArgumentError(file + ":" + LineColumn(text, e.byte) + ": not valid JSON: " + EscapeNonUtf8(m) +
                                (at_end ? " (the file ends inside the JSON: cut short?)" : ""));
  } catch (const std::exception& e) {
    return InvalidArgumentError(file + ": not valid JSON: " + e.what());
  }
  if (!j.is_object() || !j.contains("status") || !j["status"].is_string())
    return InvalidArgumentError(file + ": JSON that is not a Prometheus API answer (no \"status\")" + kWhat);
  const std::string status = j["status"].get<std::string>();
  if (status == "error") {
    auto text_of = [&j](const char* key) {
      return !j.contains(key) ? std::string("?") : j[key].is_string() ? j[key].get<std::string>() : j[key].dump();
    };
    return InvalidArgumentError(file + ": the saved answer is Prometheus's error, not data: " + text_of("errorType") +
                                ": " + EscapeNonUtf8(text_of("error")));
  }
  if (status != "success")
    return InvalidArgumentError(file + ": \"status\" is `" + EscapeNonUtf8(status) + "`, expected \"success\"");
  if (!j.contains("data") || !j["data"].is_object() || !j["data"].contains("resultType") ||
      !j["data"]["resultType"].is_string() || !j["data"].contains("result"))
    return InvalidArgumentError(file + ": the answer's `data` has no resultType / result" + kWhat);
  const Json& data = j["data"];
  const std::string type = data["resultType"].get<std::string>();
  if (type != "matrix") {
    return InvalidArgumentError(file + ": the answer's resultType is `" + EscapeNonUtf8(type) +
                                "`, not `matrix`: " +
                                (type == "vector" || type == "scalar"
                                     ? "an instant query (/api/v1/query) answers one point per series; save a range "
                                       "query's answer (/api/v1/query_range?query=Q&start=T&end=T&step=60)"
                                     : std::string("only a range query's matrix holds series over time")));
  }
  if (!data["result"].is_array()) return InvalidArgumentError(file + ": `data.result` is not an array");
  SeriesBuilder builder(options);
  const Json& result = data["result"];
  for (size_t i = 0; i < result.size(); ++i) {
    const std::string where = file + ": result[" + std::to_string(i) + "]";
    const Json& row = result[i];
    if (!row.is_object() || !row.contains("metric")) {
      RETURN_IF_ERROR(options.BadRow(where, "not an object with `metric` and `values`", ds.stats));
      continue;
    }
    RETURN_IF_ERROR(AddPromMatrixRow(row, where, options, builder, ds.stats));
  }
  ds.stats.series_left_out = builder.SeriesLeftOut();
  ds.series = builder.Take();
  FillWindowsFromLabels(ds);
  return Status::Ok();
}

bool IsNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':'; }
bool IsNameChar(char c) { return IsNameStart(c) || std::isdigit(static_cast<unsigned char>(c)); }

// One sample line of the text exposition: `name{label="value",...} value [timestamp]`.
struct ExpositionSample {
  std::string name;
  Labels labels;
  std::string_view value;
  std::string_view timestamp;  // empty: none
};

// Parses a (trimmed, non-comment) sample line; errors name the column (1-based).
Result<ExpositionSample> ParseExpositionLine(std::string_view line) {
  ExpositionSample out;
  size_t i = 0;
  auto at = [&](size_t col) { return " at column " + std::to_string(col + 1); };
  if (i >= line.size() || !IsNameStart(line[i])) return InvalidArgumentError("expected a metric name" + at(i));
  while (i < line.size() && IsNameChar(line[i])) out.name += line[i++];
  auto skip_space = [&] {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  };
  skip_space();
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (true) {
      skip_space();
      if (i < line.size() && line[i] == '}') {
        ++i;
        break;
      }
      std::string key;
      if (i >= line.size() || !(std::isalpha(static_cast<unsigned char>(line[i])) || line[i] == '_'))
        return InvalidArgumentError("expected a label name or `}`" + at(i));
      while (i < line.size() && (std::isalnum(static_cast<unsigned char>(line[i])) || line[i] == '_')) key += line[i++];
      skip_space();
      if (i >= line.size() || line[i] != '=') return InvalidArgumentError("expected `=` after label `" + key + "`" + at(i));
      ++i;
      skip_space();
      if (i >= line.size() || line[i] != '"')
        return InvalidArgumentError("expected `\"` to open the value of label `" + key + "`" + at(i));
      const size_t open = i++;
      std::string value;
      bool closed = false;
      while (i < line.size()) {
        const char c = line[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c != '\\') {
          value += c;
          continue;
        }
        if (i >= line.size()) break;
        const char e = line[i++];
        if (e == '\\' || e == '"')
          value += e;
        else if (e == 'n')
          value += '\n';
        else
          return InvalidArgumentError("label `" + key + "`: unknown escape `\\" + std::string(1, e) +
                                      "` (the exposition format has \\\\, \\\" and \\n)" + at(i - 2));
      }
      if (!closed) return InvalidArgumentError("the value of label `" + key + "` is not closed (opened" + at(open) + ")");
      if (out.labels.count(key)) return InvalidArgumentError("label `" + key + "` appears twice");
      if (key != "__name__") out.labels[key] = std::move(value);
      skip_space();
      if (i < line.size() && line[i] == ',') {
        ++i;
        continue;
      }
      if (i < line.size() && line[i] == '}') {
        ++i;
        break;
      }
      return InvalidArgumentError("expected `,` or `}` after the value of label `" + key + "`" + at(i));
    }
  }
  skip_space();
  const size_t v0 = i;
  while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
  out.value = line.substr(v0, i - v0);
  if (out.value.empty()) return InvalidArgumentError("missing value" + at(v0));
  skip_space();
  const size_t t0 = i;
  while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
  out.timestamp = line.substr(t0, i - t0);
  skip_space();
  if (i < line.size()) return InvalidArgumentError("unexpected text after the timestamp" + at(i));
  return out;
}

bool SeriesFromHeader(const std::string& cell, std::string& name, Labels& labels) {
  if (cell.find('{') == std::string::npos || cell.empty() || cell.back() != '}') return false;
  Result<ExpositionSample> r = ParseExpositionLine(cell + " 0");
  if (!r.ok()) return false;
  name = std::move(r->name);
  labels = std::move(r->labels);
  return true;
}

// An exposition timestamp: integer milliseconds (the Prometheus text format), or decimal seconds
// (OpenMetrics: a `.` in it).
Result<int64_t> ExpositionTimestamp(std::string_view text) {
  const bool seconds = text.find('.') != std::string_view::npos;
  if (!seconds) {
    int64_t ms = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
    if (ec == std::errc() && ptr == text.data() + text.size()) return ms;
  } else {
    double s = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), s);
    if (ec == std::errc() && ptr == text.data() + text.size() && std::fabs(s) < 1e14)
      return static_cast<int64_t>(std::llround(s * 1000.0));
  }
  return InvalidArgumentError("timestamp " + EscapeNonUtf8(QuoteClipped(text)) +
                              " is not integer Unix milliseconds (or decimal seconds, OpenMetrics)");
}

// Prometheus text exposition with timestamps (readers.h: promtext:).
Status ReadPromText(const std::string& file, const ReadOptions& options, Dataset& ds) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(file));
  ++ds.stats.files;
  if (BlankText(text)) {
    return InvalidArgumentError(file + ": empty file (promtext: takes Prometheus text exposition with a timestamp "
                                       "after each value, `name{label=\"v\"} value timestamp_ms`)");
  }
  RowErrors errors(options, ds.stats);
  SeriesBuilder builder(options);
  LineReader lines(std::move(text));
  std::string_view line;
  while (lines.Next(line)) {
    const std::string_view t = Trim(line);
    if (t.empty() || t.front() == '#') continue;
    const size_t ln = lines.line_no();
    if (std::string why = NotUtf8(t); !why.empty()) {
      RETURN_IF_ERROR(errors.Bad(file, ln, why));
      continue;
    }
    Result<ExpositionSample> s = ParseExpositionLine(t);
    if (!s.ok()) {
      RETURN_IF_ERROR(errors.Bad(file, ln, s.status().message()));
      continue;
    }
    if (s->timestamp.empty()) {  // a structural error: no policy makes one scrape a series
      return InvalidArgumentError(
          file + ":" + std::to_string(ln) + ": sample `" + s->name +
          "` has no timestamp: a scrape without timestamps is one instant, not a series (promtext: "
          "reads scrapes saved with a timestamp after each value, in ms; detectors/README.md shows how; or "
          "read the range from Prometheus: prom: or a saved query_range answer, promjson:)");
    }
    std::string key;
    int idx = builder.Lookup(s->name, s->labels, key);
    if (idx == SeriesBuilder::kLeftOut) continue;  // not read
    if (idx >= 0 && builder.Full(idx)) {           // not read: counted
      ++ds.stats.points_left_out;
      continue;
    }
    Result<int64_t> ts = ExpositionTimestamp(s->timestamp);
    const bool missing = options.ReadsAsMissing(s->value);
    Result<double> v = missing ? Result<double>(std::numeric_limits<double>::quiet_NaN()) : ParseValue(s->value);
    std::string why = !ts.ok() ? ts.status().message() : !v.ok() ? v.status().message() : "";
    if (why.empty()) {
      if (idx == SeriesBuilder::kNew) idx = builder.Create(std::move(key), s->name, s->labels);
      why = builder.Add(idx, *ts, *v, std::nullopt);
    }
    if (!why.empty()) {
      RETURN_IF_ERROR(errors.Bad(file, ln, why));
      continue;
    }
    if (missing) options.CountReadAsMissing(file + ":" + std::to_string(ln), s->value, ds.stats);
    ++ds.stats.rows_accepted;
  }
  ds.stats.series_left_out = builder.SeriesLeftOut();
  ds.series = builder.Take();
  FillWindowsFromLabels(ds);
  return Status::Ok();
}

}  // namespace

int Dataset::Find(const std::string& name) const {
  for (size_t i = 0; i < series.size(); ++i) {
    if (series[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::vector<AnomalyWindow> WindowsFromLabels(const std::vector<int64_t>& timestamps_ms,
                                             const std::vector<uint8_t>& labels) {
  std::vector<AnomalyWindow> out;
  const size_t n = std::min(timestamps_ms.size(), labels.size());
  for (size_t i = 0; i < n;) {
    if (labels[i] == 0) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j + 1 < n && labels[j + 1] != 0) ++j;
    out.push_back({timestamps_ms[i], timestamps_ms[j]});
    i = j + 1;
  }
  return out;
}

// Numbers: seconds, ms from 1e11, µs from 1e14, ns from 1e17, refused from 1e20 (RV3; readers.h's
// comment predates it); RFC 3339 offsets +hh:mm, +hhmm, +hh (core/time_util.h).
Result<int64_t> ParseTimestampField(std::string_view text) {
  std::string_view t = Trim(text);
  if (t.empty()) return InvalidArgumentError("missing timestamp");
  const bool numeric = std::all_of(t.begin(), t.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '.' || c == '-' || c == 'e' || c == 'E' || c == '+';
  });
  if (numeric && t.find('-', 1) == std::string_view::npos) {
    double v = 0;
    auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc() || ptr != t.data() + t.size() || !std::isfinite(v)) {
      return InvalidArgumentError(QuoteClipped(t) + " is not a timestamp");
    }
    // The magnitude says the unit: below 1e11 seconds, then milliseconds, from 1e14 microseconds
    // (DCGM's field timestamps), from 1e17 nanoseconds (InfluxDB, OpenTelemetry), each of them
    // 1973 to 5138. Before RV3 everything from 1e11 was milliseconds: microseconds read as the
    // year 55,000 (every window 1000x shorter in real time) and nanoseconds were refused. From
    // 1e20 it is refused: llround(1e300) has no int64 value (it gave INT64_MIN, year -292275055).
    const double mag = std::fabs(v);
    if (!(mag < 1e20)) {
      return InvalidArgumentError(QuoteClipped(t) +
                                  " is out of range (Unix seconds; milliseconds from 1e11, microseconds from 1e14, "
                                  "nanoseconds from 1e17, up to 1e20)");
    }
    // Integers parse exactly through int64 to keep millisecond precision.
    int64_t iv = 0;
    auto [iptr, iec] = std::from_chars(t.data(), t.data() + t.size(), iv);
    const bool is_int = iec == std::errc() && iptr == t.data() + t.size();
    if (mag < 1e11) return is_int ? iv * 1000 : static_cast<int64_t>(std::llround(v * 1000.0));
    const int64_t per_ms = mag < 1e14 ? 1 : mag < 1e17 ? 1'000 : 1'000'000;
    if (!is_int) return static_cast<int64_t>(std::llround(v / static_cast<double>(per_ms)));
    // Rounded half away from 0, as llround does for a fraction.
    const int64_t q = iv / per_ms, r = iv % per_ms;
    return q + (2 * (r < 0 ? -r : r) >= per_ms ? (iv < 0 ? -1 : 1) : 0);
  }
  Result<int64_t> r = ParseRfc3339Ms(t);
  if (!r.ok()) return InvalidArgumentError(QuoteClipped(t) + " is not Unix seconds/ms or RFC 3339");
  return r;
}

Result<Dataset> ReadDataset(const std::string& spec, const ReadOptions& options) {
  const size_t colon = spec.find(':');
  if (colon == std::string::npos || colon + 1 >= spec.size()) {
    return InvalidArgumentError("dataset spec `" + spec +
                                "` must be FORMAT:PATH with FORMAT one of nab, kpi, smd, csv, jsonl, promjson, promtext");
  }
  Dataset ds;
  ds.format = spec.substr(0, colon);
  ds.source = spec;
  std::string path = spec.substr(colon + 1);
  // `csv:-` (as `vigil diagnose --log -` reads stdin) was "cannot open -: No such file or directory"
  // (DOG5, 2026-12-05). A pipe is read through its path; `-` is not taken for it, as a reader may
  // need the input twice (train-rules, eval).
  if (path == "-") {
    return InvalidArgumentError("`" + spec + "`: `-` is not standard input here; give " + ds.format +
                                ":/dev/stdin to read a pipe");
  }
  Status st;
  if (ds.format == "nab") {
    st = ReadNab(path, options, ds);
  } else if (ds.format == "kpi") {
    st = ReadKpi(path, options, ds);
  } else if (ds.format == "smd") {
    std::string split = "test";
    const size_t c = path.rfind(':');
    if (c != std::string::npos) {
      split = path.substr(c + 1);
      path = path.substr(0, c);
    }
    st = ReadSmd(path, split, options, ds);
  } else if (ds.format == "csv" || ds.format == "jsonl" || ds.format == "promjson" || ds.format == "promtext") {
    // One file each; a folder opens like an empty file here and would read as one.
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      return InvalidArgumentError(ds.format + ":" + path + " is a folder; " + ds.format +
                                  ": takes one file (kpi: and nab: read folders)");
    }
    st = ds.format == "csv"        ? ReadLongCsv(path, options, ds)
         : ds.format == "jsonl"    ? ReadJsonl(path, options, ds)
         : ds.format == "promjson" ? ReadPromJson(path, options, ds)
                                   : ReadPromText(path, options, ds);
  } else {
    std::vector<std::string> known = {"nab", "kpi", "smd", "csv", "jsonl", "promjson", "promtext"};
    const std::string close = ClosestMatch(ds.format, known);
    return InvalidArgumentError("unknown dataset format `" + ds.format + "` in `" + spec +
                                "` (known: nab, kpi, smd, csv, jsonl, promjson, promtext)" +
                                (close.empty() ? "" : "; did you mean `" + close + "`?"));
  }
  RETURN_IF_ERROR(st);
  if (ds.series.empty()) return options.NoSeriesLeft("dataset `" + spec + "`", ds.stats);
  return ds;
}

std::string CutNote(const ReadOptions& options, const ReadStats& stats) {
  std::string out;
  const size_t series = stats.series_left_out;
  if (options.max_series != 0 && (series > 0 || stats.files_left_out > 0)) {
    out += "--max-series " + std::to_string(options.max_series) + " left out ";
    if (series > 0) out += std::to_string(series) + " more series";
    if (stats.files_left_out > 0) {
      out += series > 0 ? " and " : "";
      out += std::to_string(stats.files_left_out) + " more file(s) (not opened)";
    }
  }
  if (options.max_points != 0 && stats.points_left_out > 0) {
    out += out.empty() ? "" : "; ";
    out += "--max-points " + std::to_string(options.max_points) + " left out " +
           std::to_string(stats.points_left_out) + " more point(s) past the cap (not checked)";
  }
  if (out.empty()) return out;
  std::string note = "input cut: ";
  note += out;
  return note;
}

bool ReadOptions::KeepsName(std::string_view name) const {
  return name_filter.empty() || name.find(name_filter) != std::string_view::npos;
}

bool ReadOptions::RoomForSeries(size_t series_kept) const { return max_series == 0 || series_kept < max_series; }

bool ReadOptions::RoomForPoint(size_t points) const { return max_points == 0 || points < max_points; }

Status ReadOptions::BadRow(const std::string& where, const std::string& why, ReadStats& stats, size_t count) const {
  std::string msg = where + ": " + why;
  if (bad_rows == BadRowPolicy::kError) return InvalidArgumentError(msg + bad_row_hint);
  stats.rows_skipped += count;
  if (stats.examples.size() < max_examples) stats.examples.push_back(std::move(msg));
  return Status::Ok();
}

// Also an empty value (pandas' to_csv writes NaN as an empty cell; RV3), besides a NaN / Inf number.
bool ReadOptions::ReadsAsMissing(std::string_view value_text) const {
  if (!non_finite_as_missing) return false;
  std::string_view t = Trim(value_text);
  // An empty value is pandas' NaN (to_csv writes NaN as an empty cell): read as missing, as the
  // `NaN` it stands for (RV3; it stopped `vigil detect` with "missing value", exit 2).
  if (t.empty()) return true;
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  double v = 0;
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  return ec == std::errc() && ptr == t.data() + t.size() && !std::isfinite(v);
}

void ReadOptions::CountReadAsMissing(const std::string& where, std::string_view value_text, ReadStats& stats) const {
  ++stats.read_as_missing;
  if (stats.missing_examples.size() < max_examples) {
    std::string msg = where + ": value ";
    msg += Trim(value_text).empty() ? std::string("is empty (pandas writes NaN so)")
                                    : QuoteClipped(Trim(value_text)) + " is not finite";
    msg += ": read as a missing point";
    stats.missing_examples.push_back(std::move(msg));
  }
}

Status ReadOptions::NoSeriesLeft(const std::string& what, const ReadStats& stats, std::string_view unit) const {
  return NotFoundError(what + " left no series" +
                       (name_filter.empty() ? "" : " whose name contains `" + name_filter + "`") +
                       (stats.rows_skipped == 0 ? ""
                                                : " (" + std::to_string(stats.rows_skipped) + " bad " +
                                                      std::string(unit) + " skipped)"));
}

}  // namespace vigil
