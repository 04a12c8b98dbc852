#include "agents/case.h"
#include "agents/case_lines.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <functional>
#include <initializer_list>
#include <set>
#include <string_view>

#include "connectors/alert_reader.h"
#include "core/time_util.h"
#include "probes/catalog.h"

namespace vigil {
namespace {

std::string TypeName(const Json& j) { return j.type_name(); }

Status Expect(const Json& j, bool ok, const std::string& where, const char* want) {
  if (ok) return Status::Ok();
  return InvalidArgumentError(where + ": expected " + want + ", got " + TypeName(j));
}

// RV9 (2026-12-06): a field the reader does not know is refused, named with the ones it knows.
// Before, it was ignored: a case with `log` for `logs` (or `sample` for `samples`) was diagnosed
// without that evidence and nothing said so. `prefix` is what precedes the field's name in the
// message ("case.json: " at the top level, "case.json: logs[2]." in an item).
Status RefuseUnknownFields(const Json& j, const std::string& prefix, std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : j.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string names;
    for (std::string_view k : known) {
      if (!names.empty()) names += ", ";
      names += k;
    }
    return InvalidArgumentError(prefix + key + ": unknown field; known here: " + names);
  }
  return Status::Ok();
}

Result<Labels> ParseLabels(const Json& j, const std::string& where) {
  Labels out;
  if (j.is_null()) return out;
  RETURN_IF_ERROR(Expect(j, j.is_object(), where, "an object of strings"));
  for (const auto& [k, v] : j.items()) {
    if (v.is_string()) {
      out[k] = v.get<std::string>();
    } else if (v.is_number()) {
      out[k] = v.dump();  // gpu: 5 -> "5"
    } else {
      return InvalidArgumentError(where + "." + k + ": expected a string, got " + TypeName(v));
    }
  }
  return out;
}

Result<Alert> ParseAlert(const Json& j, const std::string& where) {
  RETURN_IF_ERROR(Expect(j, j.is_object(), where, "an object"));
  // An Alertmanager alert's fields, and a webhook payload's (a case's alert written as the whole
  // notification, as realistic6's are: its `alerts` are noted, not read).
  RETURN_IF_ERROR(RefuseUnknownFields(j, where + ".",
                                      {"labels", "annotations", "startsAt", "endsAt", "status", "generatorURL",
                                       "fingerprint", "receiver", "alerts", "version", "groupKey", "truncatedAlerts",
                                       "groupLabels", "commonLabels", "commonAnnotations", "externalURL"}));
  // RV11 (2026-12-06): read by the webhook's reader (connectors/alertmanager.h), so a case file and
  // a webhook alert are read the same way. This reader was a second copy (RV10 added `status` and
  // `endsAt` to it) that took any `status` object, dropped an endsAt before the startsAt without a
  // word, read `"gpu": 5` as "5" and a startsAt with a space or without a zone as UTC, where the
  // webhook refuses each naming the field. What stays the case's own: unknown fields are refused
  // (above), an alert without `alertname` is read (a case about some alert), the source is "case".
  return ParseAlertmanagerAlert(j, where, {.alertname_required = false, .source = "case"});
}

}  // namespace

Result<DiagnosisCase> ParseCase(const Json& j, const std::string& what, const CaseLimits& limits) {
  RETURN_IF_ERROR(Expect(j, j.is_object(), what, "a JSON object (one case)"));
  RETURN_IF_ERROR(RefuseUnknownFields(j, what + ": ",
                                      {"id", "alert", "logs", "metrics", "probes", "topology", "expected"}));
  DiagnosisCase c;
  if (auto it = j.find("id"); it != j.end() && !it->is_null()) {
    RETURN_IF_ERROR(Expect(*it, it->is_string(), what + ": id", "a string"));
    c.id = it->get<std::string>();
  } else {
    c.id = std::filesystem::path(what).stem().string();
    c.notes.push_back("case has no `id`; named after its file");
  }
  if (auto it = j.find("alert"); it != j.end() && !it->is_null()) {
    ASSIGN_OR_RETURN(c.alert, ParseAlert(*it, what + ": alert"));
    if (c.alert->state == AlertState::kResolved) {  // RV10: was read as firing
      c.notes.push_back("alert: status resolved" +
                        (c.alert->ends_at_ms > 0 ? " (ended " + FormatRfc3339Ms(c.alert->ends_at_ms) + ")" : std::string()) +
                        ": diagnosed as of when it fired; what it names may have recovered since");
    }
    if (auto more = it->find("alerts"); more != it->end() && more->is_array() && !more->empty()) {
      c.notes.push_back("alert.alerts: the " + std::to_string(more->size()) +
                        " alerts of the webhook payload given as the case's alert were not read; the alert "
                        "diagnosed is its own labels'");
    }
  }
  CaseLineBudget budget(limits);
  if (auto it = j.find("logs"); it != j.end() && !it->is_null()) {
    RETURN_IF_ERROR(Expect(*it, it->is_array(), what + ": logs", "an array"));
    for (size_t i = 0; i < it->size(); ++i) {
      const Json& lj = (*it)[i];
      std::string where = what + ": logs[" + std::to_string(i) + "]";
      RETURN_IF_ERROR(Expect(lj, lj.is_object(), where, "an object {source, lines}"));
      RETURN_IF_ERROR(RefuseUnknownFields(lj, where + ".", {"source", "lines"}));
      CaseLog log;
      auto src = lj.find("source");
      if (src == lj.end() || !src->is_string()) {
        return InvalidArgumentError(where + ".source: missing or not a string");
      }
      log.source = src->get<std::string>();
      auto lines = lj.find("lines");
      if (lines == lj.end() || !lines->is_array()) {
        return InvalidArgumentError(where + ".lines: missing or not an array of strings");
      }
      log.original_lines = lines->size();
      for (size_t k = 0; k < lines->size(); ++k) {
        const Json& line = (*lines)[k];
        if (!line.is_string()) {
          return InvalidArgumentError(where + ".lines[" + std::to_string(k) + "]: expected a string, got " +
                                      TypeName(line));
        }
        budget.Add(log, k + 1, line.get<std::string>());
      }
      c.logs.push_back(std::move(log));
    }
  }
  budget.AppendNotes(c.notes);
  if (auto it = j.find("metrics"); it != j.end() && !it->is_null()) {
    RETURN_IF_ERROR(Expect(*it, it->is_array(), what + ": metrics", "an array"));
    for (size_t i = 0; i < it->size(); ++i) {
      const Json& mj = (*it)[i];
      std::string where = what + ": metrics[" + std::to_string(i) + "]";
      RETURN_IF_ERROR(Expect(mj, mj.is_object(), where, "an object {name, labels, samples}"));
      RETURN_IF_ERROR(RefuseUnknownFields(mj, where + ".", {"name", "labels", "samples"}));
      TimeSeries s;
      auto name = mj.find("name");
      if (name == mj.end() || !name->is_string() || name->get<std::string>().empty()) {
        return InvalidArgumentError(where + ".name: missing or not a non-empty string");
      }
      s.name = name->get<std::string>();
      if (auto lb = mj.find("labels"); lb != mj.end()) {
        ASSIGN_OR_RETURN(s.labels, ParseLabels(*lb, where + ".labels"));
      }
      auto samples = mj.find("samples");
      if (samples == mj.end() || !samples->is_array()) {
        return InvalidArgumentError(where + ".samples: missing or not an array of [unix_ms, value]");
      }
      for (size_t k = 0; k < samples->size(); ++k) {
        const Json& p = (*samples)[k];
        std::string pw = where + ".samples[" + std::to_string(k) + "]";
        if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !(p[1].is_number() || p[1].is_null())) {
          return InvalidArgumentError(pw + ": expected [unix_ms, value], got " + p.dump().substr(0, 80));
        }
        // RV9 (2026-12-06): a timestamp that is no whole number of milliseconds within int64 was
        // converted anyway (1765015200.5 cut to 1765015200, 1e30 undefined: INT64_MIN on x86,
        // 2^64-1 read as -1).
        const Json& t = p[0];
        const bool whole = t.is_number_integer()
                               ? !(t.is_number_unsigned() && t.get<uint64_t>() > uint64_t{INT64_MAX})
                               : std::isfinite(t.get<double>()) && std::trunc(t.get<double>()) == t.get<double>() &&
                                     std::fabs(t.get<double>()) < 9.2e18;
        if (!whole) {
          return InvalidArgumentError(pw + ": timestamp " + t.dump() +
                                      " is not a whole number of unix milliseconds (unix seconds? multiply by 1000)");
        }
        double v = p[1].is_null() ? std::numeric_limits<double>::quiet_NaN() : p[1].get<double>();
        Status st = s.Append(t.is_number_integer() ? t.get<int64_t>() : static_cast<int64_t>(t.get<double>()), v);
        if (!st.ok()) return st.WithContext(pw);
      }
      // RV9: a series in unix seconds (Prometheus' unit) was read as milliseconds, January 1970,
      // days before an alert of today, and so as no reading near it. Refused where its seconds as
      // milliseconds fall within a month of the alert's start.
      if (c.alert && c.alert->starts_at_ms > 0 && !s.timestamps_ms.empty()) {
        constexpr int64_t kMonthMs = 31LL * 24 * 3600 * 1000;
        const int64_t last = s.timestamps_ms.back();
        if (last > 0 && last < c.alert->starts_at_ms / 100 && last < INT64_MAX / 1000 &&
            std::llabs(last * 1000 - c.alert->starts_at_ms) < kMonthMs) {
          return InvalidArgumentError(where + ".samples: timestamps in unix seconds (the last, " +
                                      std::to_string(last) + ", is " + FormatRfc3339Ms(last * 1000) +
                                      " as seconds); give unix milliseconds");
        }
      }
      c.metrics.push_back(std::move(s));
    }
  }
  if (auto it = j.find("probes"); it != j.end() && !it->is_null()) {
    RETURN_IF_ERROR(Expect(*it, it->is_object(), what + ": probes", "an object \"probe@target\" -> result"));
    for (const auto& [key, v] : it->items()) {
      if (key.find('@') == std::string::npos) {
        return InvalidArgumentError(what + ": probes.\"" + key + "\": key must be \"probe@target\"");
      }
      // RV9 (2026-12-06): a result recorded for a probe no catalog has (`gpu.heath@n1/gpu0`) is
      // never asked for, so never read (RV-RG3: nothing may rest on it); it was left out without a
      // word, a failing one too. Noted (Diagnosis::unverified), the nearest probe named.
      if (Status known = CheckProbeNames(std::vector<std::string>{key.substr(0, key.find('@'))}, true); !known.ok()) {
        c.notes.push_back("probes.\"" + key + "\": not read: " + known.message());
      }
      RETURN_IF_ERROR(Expect(v, v.is_object(), what + ": probes.\"" + key + "\"", "a result object"));
    }
    c.probes = *it;
  }
  if (auto it = j.find("topology"); it != j.end()) c.topology = *it;
  if (auto it = j.find("expected"); it != j.end() && !it->is_null()) {
    RETURN_IF_ERROR(Expect(*it, it->is_object(), what + ": expected", "an object {root_cause, component}"));
    RETURN_IF_ERROR(RefuseUnknownFields(*it, what + ": expected.", {"root_cause", "component"}));
    CaseExpectation e;
    auto rc = it->find("root_cause");
    if (rc == it->end() || !rc->is_string() || rc->get<std::string>().empty()) {
      return InvalidArgumentError(what + ": expected.root_cause: missing or not a non-empty string");
    }
    e.root_cause = rc->get<std::string>();
    if (auto cp = it->find("component"); cp != it->end() && !cp->is_null()) {
      RETURN_IF_ERROR(Expect(*cp, cp->is_string(), what + ": expected.component", "a string"));
      e.component = cp->get<std::string>();
    }
    c.expected = e;
  }
  if (!c.alert && c.logs.empty() && c.metrics.empty()) {
    return InvalidArgumentError(what + ": nothing to diagnose: the case has no alert, logs or metrics");
  }
  return c;
}

Result<DiagnosisCase> LoadCase(const std::string& path, const CaseLimits& limits) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) return NotFoundError("case file " + path + ": " + ec.message());
  if (size > limits.max_file_bytes) {
    return ResourceExhaustedError("case file " + path + " is " + std::to_string(size) +
                                  " bytes; the limit is " + std::to_string(limits.max_file_bytes));
  }
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  ASSIGN_OR_RETURN(Json j, ParseJson(text, path));
  ASSIGN_OR_RETURN(DiagnosisCase c, ParseCase(j, path, limits));
  c.path = path;
  return c;
}

Result<std::vector<std::string>> ListCaseFiles(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    if (std::filesystem::exists(dir, ec)) {  // DOCCHK (2026-12-04): a file was "not found"
      return InvalidArgumentError("case directory " + dir +
                                  " is a file, not a folder (--cases takes a folder of case files; vigil diagnose "
                                  "--case reads one)");
    }
    return NotFoundError("case directory " + dir + " not found");
  }
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.is_regular_file() && e.path().extension() == ".json") out.push_back(e.path().string());
  }
  if (ec) return NotFoundError("case directory " + dir + ": " + ec.message());
  std::sort(out.begin(), out.end());
  if (out.empty()) return InvalidArgumentError("case directory " + dir + " holds no *.json case");
  return out;
}

size_t TruncateLogs(std::vector<CaseLog>& logs, size_t max_lines,
                    const std::function<bool(const std::string&, const LogLine&)>& keep) {
  size_t total = 0;
  for (const CaseLog& l : logs) total += l.lines.size();
  if (total <= max_lines) return 0;
  // Pass 1: lines that must stay.
  std::vector<std::vector<bool>> kept(logs.size());
  size_t must = 0;
  for (size_t i = 0; i < logs.size(); ++i) {
    kept[i].assign(logs[i].lines.size(), false);
    for (size_t k = 0; k < logs[i].lines.size(); ++k) {
      if (keep && keep(logs[i].source, logs[i].lines[k])) {
        kept[i][k] = true;
        ++must;
      }
    }
  }
  // Pass 2: the remaining budget as head and tail of each source, in equal shares; what a short
  // source does not need goes to the longer ones.
  size_t rest = max_lines > must ? max_lines - must : 0;
  std::vector<size_t> want(logs.size()), share(logs.size(), 0);
  for (size_t i = 0; i < logs.size(); ++i) {
    size_t kept_i = 0;
    for (bool k : kept[i]) kept_i += k;
    want[i] = logs[i].lines.size() - kept_i;
  }
  for (size_t open = logs.size(); open > 0 && rest > 0;) {
    size_t each = std::max<size_t>(1, rest / open);
    open = 0;
    for (size_t i = 0; i < logs.size() && rest > 0; ++i) {
      size_t give = std::min({each, want[i] - share[i], rest});
      share[i] += give;
      rest -= give;
      if (share[i] < want[i]) ++open;
    }
  }
  for (size_t i = 0; i < logs.size(); ++i) {
    size_t n = logs[i].lines.size();
    size_t head = (share[i] + 1) / 2, tail = share[i] / 2;
    for (size_t k = 0; k < n; ++k) {
      if (k < head || k + tail >= n) kept[i][k] = true;
    }
  }
  size_t dropped = 0;
  for (size_t i = 0; i < logs.size(); ++i) {
    std::vector<LogLine> out;
    for (size_t k = 0; k < logs[i].lines.size(); ++k) {
      if (kept[i][k]) {
        out.push_back(std::move(logs[i].lines[k]));
      } else {
        ++dropped;
      }
    }
    logs[i].lines = std::move(out);
  }
  return dropped;
}

Result<std::vector<std::string>> LoadTaxonomyIds(const std::string& path) {
  ASSIGN_OR_RETURN(Json j, ReadJsonFile(path));
  auto cats = j.find("categories");
  if (!j.is_object() || cats == j.end() || !cats->is_array()) {
    return InvalidArgumentError(path + ": expected an object with a `categories` array");
  }
  std::vector<std::string> ids;
  for (size_t i = 0; i < cats->size(); ++i) {
    const Json& c = (*cats)[i];
    if (!c.is_object() || !c.contains("id") || !c["id"].is_string()) {
      return InvalidArgumentError(path + ": categories[" + std::to_string(i) + "].id: missing or not a string");
    }
    ids.push_back(c["id"].get<std::string>());
  }
  return ids;
}

}  // namespace vigil
