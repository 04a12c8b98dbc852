#include "agents/diagnosis_agent.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>

#include "agents/alert_triage.h"
#include "agents/case_alert_node.h"
#include "agents/component_format.h"
#include "agents/component_text.h"
#include "agents/evidence_id.h"
#include "agents/fault_codes.h"
#include "agents/gpu_labels.h"
#include "agents/label_value.h"
#include "agents/loopback_scrape.h"
#include "agents/node_names.h"
#include "agents/pod_node.h"
#include "agents/probe_evidence_for_alert.h"
#include "agents/prose_source.h"
#include "agents/change_log_lines.h"
#include "agents/stale_counter_lines.h"
#include "agents/person_lines.h"
#include "agents/scrape_labels.h"
#include "agents/search_words.h"
#include "agents/symptom_prior.h"
#include "agents/zero_counter.h"
#include "core/ascii.h"
#include "core/one_line.h"
#include "core/parse.h"
#include "core/time_util.h"
#include "core/utf8.h"
#include "knowledge/incident_source.h"
#include "knowledge/literal_prefilter.h"
#include "probes/command_executor.h"

namespace vigil {
namespace {

constexpr size_t kMaxEvidenceInPrompt = 25;
constexpr size_t kMaxLineRecalls = 16;  // distinct unmatched error-like line templates searched
// The alert text's KB search: hits kept, and read beyond them to fill the places of hits of another
// fault code (GatherKnowledge).
constexpr size_t kRecalled = 3;
constexpr size_t kRecallSpare = 3;
// Fault codes read from one text at most (FaultCodesInText): each new one is checked against those
// read (a linear scan), and a 1 MiB webhook could list 100,000 ("Xid 1,2,3,..."): quadratic.
constexpr size_t kMaxFaultCodes = 64;
constexpr size_t kMaxLineRecallScan = 50'000;  // lines scanned for them (after the log budget)
// Repeated lines whose reading grows at least kDeviationFactor-fold over at least
// kMinDeviatingRepeats instances; at most kMaxDeviatingTemplates of them are searched.
constexpr size_t kMinDeviatingRepeats = 3;
constexpr double kDeviationFactor = 3.0;
constexpr size_t kMaxDeviatingTemplates = 4;

std::string Fixed(double v, int digits = 2) {
  std::ostringstream o;
  o.setf(std::ios::fixed);
  o.precision(digits);
  o << v;
  return o.str();
}

std::string AlertText(const DiagnosisCase& c) {
  if (!c.alert) return "";
  std::string text = c.alert->rule;
  for (const char* key : {"summary", "description"}) {
    auto it = c.alert->annotations.find(key);
    if (it != c.alert->annotations.end()) text += " " + it->second;
  }
  return text;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The decimal numbers of `s` ("12.5"), left to right: the matches of std::regex (\d+)\.(\d+), read
// in one pass.
std::vector<std::string_view> Decimals(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    if (!IsDigit(s[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < s.size() && IsDigit(s[j])) ++j;
    if (j + 1 < s.size() && s[j] == '.' && IsDigit(s[j + 1])) {
      size_t k = j + 1;
      while (k < s.size() && IsDigit(s[k])) ++k;
      out.push_back(s.substr(i, k - i));
      j = k;
    }
    i = j;
  }
  return out;
}

// `s` with every number (\d+(\.\d+)?) replaced by '#': std::regex_replace's answer, in one pass.
std::string MaskNumbers(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    if (!IsDigit(s[i])) {
      out += s[i++];
      continue;
    }
    while (i < s.size() && IsDigit(s[i])) ++i;
    if (i + 1 < s.size() && s[i] == '.' && IsDigit(s[i + 1])) {
      ++i;
      while (i < s.size() && IsDigit(s[i])) ++i;
    }
    out += '#';
  }
  return out;
}

bool Supports(const Evidence& e, const std::string& category) {
  return e.weight > 0 && std::find(e.supports.begin(), e.supports.end(), category) != e.supports.end();
}

}  // namespace

std::vector<size_t> DeviatingLines(const FlatLogs& flat, const std::set<size_t>& skip) {
  // Timestamps are not readings; decimal numbers are (counters, step numbers and ids are integers).
  static const FilteredRegex kStamp(
      R"(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?Z?|\b\d\d:\d\d:\d\d(?:[.,]\d+)?)", /*icase=*/false);
  static const FilteredRegex kLearningRate(
      R"(\b((?:learning[ _]rate|lr)['"]?\s*[:=]?\s*)[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)", /*icase=*/true);
  struct Group {
    std::vector<size_t> lines;
    std::vector<std::vector<double>> values;
  };
  std::map<std::string, Group> groups;
  std::vector<std::string> order;
  for (size_t i = 0; i < flat.lines.size() && i < kMaxLineRecallScan; ++i) {
    // A line without '.' holds no decimal (removing its timestamps adds none): no reading.
    if (skip.count(i) || flat.lines[i].size() > 1000 || flat.lines[i].find('.') == std::string::npos) continue;
    std::string line = kStamp.Replace(flat.lines[i], " ");
    // A learning rate is no reading either: its schedule climbs through warmup and falls through
    // decay by design (PLC42, realistic40 rl40-24: Megatron's "learning rate: 1.2E-05" ... "5.4E-05"
    // over iterations 20-90 read as a 4.5x climb and recalled a loss-NaN incident on a healthy log).
    line = kLearningRate.Replace(line, "$1LR");
    std::vector<double> values;
    bool readable = true;  // a decimal beyond double's range makes the whole line no reading
    for (std::string_view d : Decimals(line)) {
      std::optional<double> v = ParseDouble(d);
      readable = v.has_value();
      if (!readable) break;
      values.push_back(*v);
    }
    if (!readable || values.empty()) continue;
    std::string key = MaskNumbers(line);
    auto [it, inserted] = groups.try_emplace(key);
    if (inserted) order.push_back(key);
    if (!it->second.values.empty() && it->second.values.back().size() != values.size()) continue;
    it->second.lines.push_back(i);
    it->second.values.push_back(std::move(values));
  }
  std::vector<size_t> out;
  for (const std::string& key : order) {
    const Group& g = groups[key];
    if (g.lines.size() < kMinDeviatingRepeats) continue;
    bool deviates = false;
    // Not noise: a level shift (every reading of the last third several times every reading of
    // the first third) or a climb (the last reading several times the first, rising on at least
    // 2/3 of the steps).
    const size_t n = g.values.size(), third = std::max<size_t>(1, n / 3);
    for (size_t f = 0; f < g.values[0].size() && !deviates; ++f) {
      double early_max = 0, late_min = std::numeric_limits<double>::max();
      for (size_t k = 0; k < third; ++k) early_max = std::max(early_max, g.values[k][f]);
      for (size_t k = n - third; k < n; ++k) late_min = std::min(late_min, g.values[k][f]);
      size_t rises = 0;
      for (size_t k = 1; k < n; ++k) rises += g.values[k][f] >= g.values[k - 1][f];
      double first = g.values.front()[f], last = g.values.back()[f];
      bool shift = early_max > 0 && late_min >= kDeviationFactor * early_max;
      bool climb = first > 0 && last >= kDeviationFactor * first && 3 * rises >= 2 * (n - 1);
      deviates = shift || climb;
    }
    if (deviates) out.push_back(g.lines.back());
  }
  return out;
}

Json DiagnosisReport::ToJson() const {
  Json j = diagnosis;
  j["case_id"] = case_id;
  j["mode"] = mode;
  j["trace"] = trace;
  return j;
}

namespace {
// Words that may stand between a negation and the code it rules out: determiners, "prior"-like
// adjectives and the verbs of looking ("no prior Xid 48", "did not see any Xid 79", "without a
// single Xid 79", "never logged an Xid 13"). Any other word means the negation governs something
// else (review RV-AP: "could not recover after Xid 79", "not only Xid 79 but also Xid 48", "zero-copy
// buffers hit Xid 31" name the code as seen).
bool NegationFiller(std::string_view w) {
  static const std::set<std::string_view> kFill = {
      "a", "an", "any", "the", "single", "prior", "previous", "earlier", "recent", "new", "further", "more",
      "other", "additional", "such", "repeat", "repeated", "see", "seen", "saw", "observe", "observed", "find",
      "found", "log", "logged", "report", "reported", "show", "shown", "showed", "detect", "detected", "record",
      "recorded", "get", "got", "was", "were", "is", "are", "been", "has", "have", "had", "there", "gpu", "gpus",
      "nvidia", "its", "their", "this", "these", "those", "them", "sign", "signs", "trace", "traces", "evidence", "of"};
  return kFill.count(w) > 0;
}

// Whether the fault code at [begin, end) of `text` is named to rule it out: a negation word ("no",
// "not", "never", "none", "nor", "without", "zero", a word ending in "n't") in the same clause before
// it (back to the last '.', ';', ',', ':', '!', '?' or line break, at most 48 characters) with only
// NegationFiller words between it and the code - "no prior Xid 48/94/95 on this node", "without an
// Xid 79" - or "not seen", "not observed", "not found", "not present", "not reported", "absent" right
// after it ("Xid 95 not seen since the reset"). "Xid (PCI:0000:3b:00): 79" is one code: its ':' and
// '.' come after `begin`.
bool FaultCodeNegated(const std::string& text, size_t begin, size_t end) {
  size_t from = begin > 48 ? begin - 48 : 0;
  for (size_t i = begin; i > from; --i) {
    const char ch = text[i - 1];
    if (ch == '.' || ch == ';' || ch == ',' || ch == ':' || ch == '!' || ch == '?' || ch == '\n' || ch == '\r') {
      from = i;
      break;
    }
  }
  const std::string before = AsciiLower(text.substr(from, begin - from));
  size_t i = 0;
  bool negated = false;  // a negation seen, every word after it a filler so far
  while (i < before.size()) {
    while (i < before.size() && !std::isalpha(static_cast<unsigned char>(before[i])) && before[i] != '\'') ++i;
    const size_t start = i;
    while (i < before.size() && (std::isalpha(static_cast<unsigned char>(before[i])) || before[i] == '\'')) ++i;
    const std::string_view w(before.data() + start, i - start);
    if (w.empty()) continue;
    if (w == "no" || w == "not" || w == "never" || w == "none" || w == "nor" || w == "without" || w == "zero" ||
        (w.size() > 3 && w.ends_with("n't"))) {
      negated = true;
    } else if (negated && !NegationFiller(w)) {
      negated = false;
    }
  }
  if (negated) return true;
  std::string after = AsciiLower(text.substr(end, std::min<size_t>(24, text.size() - std::min(end, text.size()))));
  size_t k = 0;
  while (k < after.size() && (after[k] == ' ' || after[k] == '\t')) ++k;
  const std::string_view rest(after.data() + k, after.size() - k);
  for (std::string_view n : {"not seen", "not observed", "not found", "not present", "not reported", "absent"}) {
    if (rest.starts_with(n)) return true;
  }
  return false;
}

// Whether a number read after a code list's ',' or '/' (ending at `end`) is one more code: it is
// followed by the end of the text, a punctuation mark or a function word ("Xid 48, 63, 64",
// "Xid 13, 31 and 43", "Xid 48, 63 on GPU 3"), not by a noun it counts ("Xid 79, 3 GPUs affected",
// "Xid 48, 2 times").
bool ListContinuesAfter(const std::string& text, size_t end) {
  static const std::set<std::string_view> kFunction = {
      "and", "or", "on", "in", "at", "from", "for", "since", "during", "after", "before", "with", "within", "by",
      "to", "of", "were", "was", "are", "is", "seen", "reported", "logged", "detected", "observed", "raised", "then"};
  size_t p = end;
  while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) ++p;
  if (p >= text.size() || !std::isalpha(static_cast<unsigned char>(text[p]))) return true;
  size_t e = p;
  while (e < text.size() && std::isalpha(static_cast<unsigned char>(text[e]))) ++e;
  return kFunction.count(AsciiLower(text.substr(p, e - p))) > 0;
}
}  // namespace

std::vector<std::string> FaultCodesInText(const std::string& text) {
  // "Xid 79", "XID: 79", "xid=\"79\"", "Xid (PCI:0000:3b:00): 79", "SXid 12028", "Xid 48/63/64".
  // The regex finds the first number only, every repeat bounded; a list's further numbers are read
  // below by hand. (A repeated group around the list, `(?:\s*[/,]\s*[0-9]+)*`, recursed once a round
  // in libstdc++'s matcher and overflowed the stack on an alert whose text held a long "Xid 1,1,1,..."
  // run: review RV-AT, 64 KiB of it crashed the process; serve takes 1 MiB webhooks.)
  static const std::regex kCode(
      R"(\b(s?xid)s?\b[^0-9a-z\n]{0,3}(?:\(pci:[0-9a-f:.]{1,32}\)[ \t]{0,4}:[ \t]{0,4})?([0-9]{1,5})\b)",
      std::regex::icase);
  std::vector<std::string> out;
  auto is_digit = [](char ch) { return ch >= '0' && ch <= '9'; };
  auto is_word = [&](char ch) { return is_digit(ch) || ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'); };
  auto add = [&](const std::string& kind, std::string number) {
    while (number.size() > 1 && number[0] == '0') number.erase(0, 1);  // "Xid 079" is Xid 79
    std::string code = kind;
    code += ' ';
    code += number;
    if (out.size() < kMaxFaultCodes && std::find(out.begin(), out.end(), code) == out.end()) out.push_back(std::move(code));
  };
  const bool xid = AsciiLower(text).find("xid") != std::string::npos;
  for (auto it = xid ? std::sregex_iterator(text.begin(), text.end(), kCode) : std::sregex_iterator();
       it != std::sregex_iterator() && out.size() < kMaxFaultCodes; ++it) {
    const std::string kind = AsciiLower((*it)[1].str());
    std::vector<std::string> numbers{(*it)[2].str()};
    // "Xid 48/63/64", "Xid 13, 31": further numbers after '/' or ',' (spaces around), each a whole word.
    size_t pos = static_cast<size_t>(it->position(0) + it->length(0));
    while (pos < text.size() && numbers.size() < kMaxFaultCodes) {
      size_t p = pos;
      while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) ++p;
      if (p >= text.size() || (text[p] != '/' && text[p] != ',')) break;
      ++p;
      while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) ++p;
      const size_t digits = p;
      while (p < text.size() && is_digit(text[p]) && p - digits < 6) ++p;
      if (p == digits || p - digits > 5 || (p < text.size() && is_word(text[p]))) break;
      if (!ListContinuesAfter(text, p)) break;  // "Xid 79, 3 GPUs affected": a count, not a code
      numbers.push_back(text.substr(digits, p - digits));
      pos = p;
    }
    // "no prior Xid 48/94/95", "without Xid 79", "Xid 95 not seen": codes named to rule them out.
    if (FaultCodeNegated(text, static_cast<size_t>(it->position(0)), pos)) continue;
    for (std::string& n : numbers) add(kind, std::move(n));
  }
  // The named families of the fault-code table (fault_codes.h): CUDA, cuBLAS, NCCL, IB verbs, DCGM.
  for (FaultCodeMention& m : NamedFaultCodeMentions(text)) {
    if (out.size() >= kMaxFaultCodes) break;
    if (FaultCodeNegated(text, m.begin, m.end)) continue;
    if (std::find(out.begin(), out.end(), m.code) == out.end()) out.push_back(std::move(m.code));
  }
  return out;
}

bool IsAlertFactsLog(const std::string& source) {
  if (!source.ends_with(kAlertFactsLogName)) return false;
  return source.size() == kAlertFactsLogName.size() || source[source.size() - kAlertFactsLogName.size() - 1] == '/';
}

namespace {
// A name's digits removed ("gpu-7" -> "gpu-"): hosts of one cluster share the pattern. A DNS name
// by its host label (RV-NA): "gpu-7.cluster.local" has gpu-2's shape, as the short name "gpu-7"
// has (before, an alert on gpu-7.cluster.local took gpu-2's unplaced kernel log for its own node's).
std::string NameShape(std::string_view name) {
  if (!IsIpAddress(name)) name = name.substr(0, name.find('.'));
  std::string out;
  for (char ch : name) {
    if (ch < '0' || ch > '9') out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  return out;
}

}  // namespace

// Whether a log is placed on another node than the alert's (review RV-AP: a kernel log of gpu-2
// naming Xid 79 kept gpu-7's Xid 79 alert out, and the answer placed on gpu-7 quoted gpu-2's line).
// The node is the source's first path part ("gpu-2/kern.log"), read as a node when the case's
// topology lists it or it has the alert's node's pattern with other digits ("gpu-2" beside
// "gpu-7"); a job's or a tool's log ("slurm/…", "trainer/…", "alertmanager/webhook") is nobody's.
bool LogOfOtherNode(const DiagnosisCase& c, const std::string& alert_node, const std::string& source) {
  const size_t slash = source.find('/');
  if (alert_node.empty() || slash == std::string::npos || slash == 0) return false;
  const std::string_view part(source.data(), slash);
  if (SameNodeName(part, alert_node)) return false;
  // The alert's other names, and those the case's node_exporter series tie to them (ALERTID: an
  // alert known by its exporter's address is the node whose node_uname_info carries that address).
  const NodeNames alert_names = c.alert ? WithUnameNames(NodeNamesOf(c.alert->labels), c.metrics) : NodeNames();
  if (NamesNode(alert_names, part)) return false;
  // An alert known only by an address (`instance="10.0.3.17:9400"`, no node label, no tie): a log
  // under a host's name is that host's, not the address's (before ALERTID it was nobody's, so the
  // alert took node-7's kernel log as its own node's).
  if (OnlyAddresses(alert_names) && LooksLikeHostName(part)) return true;
  if (c.topology.is_object()) {
    auto it = c.topology.find("nodes");
    if (it != c.topology.end() && it->is_array()) {
      for (const Json& n : *it) {
        if (n.is_string() && SameNodeName(n.get<std::string>(), part)) return true;
      }
    }
  }
  const std::string shape = NameShape(part);
  return shape.size() < part.substr(0, IsIpAddress(part) ? part.size() : part.find('.')).size() &&
         shape == NameShape(alert_node);
}

std::vector<std::string> AlertFaultCodes(const Alert& a) {
  std::string text;
  for (const char* k : {"summary", "description", "message"}) {
    text += LabelValue(a.annotations, k);
    text += "\n";
  }
  for (const auto& [k, v] : a.labels) {
    text += k;
    text += "=\"";
    text += v;
    text += "\"\n";
  }
  return FaultCodesInText(text);
}

namespace {
// AlertFactNotInEvidence with the alert's node as the case places it (CaseAlertNode), computed once
// by the caller that needs it: `node` is called at most once, only when the alert carries a code.
bool AlertFactNotInEvidenceAt(const DiagnosisCase& c, const std::function<std::string()>& node_of);
}  // namespace

bool AlertFactNotInEvidence(const DiagnosisCase& c) {
  return AlertFactNotInEvidenceAt(c, [&c] { return CaseAlertNode(c); });
}

namespace {
bool AlertFactNotInEvidenceAt(const DiagnosisCase& c, const std::function<std::string()>& node_of) {
  if (!c.alert) return false;
  const Alert& a = *c.alert;
  std::vector<std::string> codes = AlertFaultCodes(a);
  // A code that names no fault of its own (ncclRemoteError, IBV_WC_WR_FLUSH_ERR: fault_codes.h) is
  // no fact of the alert's: the case's evidence is where the cause is read.
  codes.erase(std::remove_if(codes.begin(), codes.end(), [](const std::string& k) { return !FaultCodeIsCause(k); }),
              codes.end());
  if (!codes.empty()) {
    // A code the case's logs name (a kernel log's "NVRM: Xid (PCI:...): 95", a co-firing alert's
    // text) or an XID series of the alert's GPU shows (dcgm-exporter's DCGM_FI_DEV_XID_ERRORS: its
    // value is the GPU's last Xid) is already there.
    auto drop = [&](const std::string& code) { codes.erase(std::remove(codes.begin(), codes.end(), code), codes.end()); };
    // The node as the case places it (PLC2: an address-only alert tied to h100-a12 took h100-a12's own
    // kernel log for another node's, and its line was added beside that log naming the address).
    const std::string node = node_of();
    for (const CaseLog& log : c.logs) {
      if (IsAlertFactsLog(log.source) || LogOfOtherNode(c, node, log.source)) continue;
      for (const LogLine& l : log.lines) {
        if (codes.empty()) return false;
        if (!MayNameFaultCode(l.text)) continue;
        for (const std::string& code : FaultCodesInText(l.text)) drop(code);
      }
    }
    const std::string gpu = LabelValue(a.labels, "gpu");
    const std::string uuid = LabelValue(a.labels, "UUID");
    const NodeNames alert_node = NodeNamesOf(a.labels);
    for (const TimeSeries& s : c.metrics) {
      if (codes.empty()) return false;
      if (const std::string sg = LabelValue(s.labels, "gpu"); !gpu.empty() && !sg.empty() && sg != gpu) continue;
      // dcgm-exporter's UUID label names the GPU too (an alert grouped by UUID carries no index).
      if (const std::string su = LabelValue(s.labels, "UUID"); !uuid.empty() && !su.empty() && su != uuid) continue;
      const NodeNames series_node = NodeNamesOf(s.labels);
      if (!alert_node.empty() && !series_node.empty() && !SameNode(alert_node, series_node)) continue;
      // A log-derived exporter's code in the labels, with events in the window
      // (gpu_xid_errors_total{xid="79"}, problem_counter{reason="GPUXid79"}).
      for (const std::string& code : SeriesLabelFaultCodes(s)) drop(code);
      if (s.name.find("XID") == std::string::npos && s.name.find("xid") == std::string::npos) continue;
      if (!LabelValue(s.labels, "xid").empty() || !LabelValue(s.labels, "code").empty()) continue;  // a count
      // Only a code that appears in the window: the value standing at the window's first sample (the
      // field keeps the last Xid) is not read by the reasoner as the alert's fault (builtin_reasoner's
      // `onset` rule; it may be an old one), so it does not stand for the alert's own fact either.
      // Before (ALERTID2's finding): an Xid 79 alert without an expression beside its GPU's series
      // standing at 79 lost its own line and was answered unknown (0.10; 0.45 without the series).
      double standing = NAN;
      for (double v : s.values) {
        if (std::isfinite(v)) {
          standing = v;
          break;
        }
      }
      for (double v : s.values) {
        if (!std::isfinite(v) || v < 1 || v > 99999 || v != std::floor(v) || v == standing) continue;
        std::string code = "xid ";
        code += std::to_string(static_cast<int64_t>(v));
        drop(code);
      }
    }
    return !codes.empty();
  }
  // No code: the alert's expression (its generatorURL's g0.expr) names the metric it read. A case of
  // metrics alone (vigil serve with Prometheus: what BuildTriageCase read for the node) that holds
  // none of them did not read the alert's fact (not scraped, not in the window, dropped by
  // relabelling): the alert's line is its only account. With a log of the cluster or a probe result,
  // or the expression's metric among the series, the state was read first-hand.
  if (c.probes.is_object() && !c.probes.empty()) return false;
  for (const CaseLog& log : c.logs) {
    if (!log.source.ends_with("/alertmanager co-firing alerts") && !IsAlertFactsLog(log.source)) return false;
  }
  std::string url;
  if (a.explanation.is_object()) {
    if (auto it = a.explanation.find("generator_url"); it != a.explanation.end() && it->is_string()) url = it->get<std::string>();
  }
  const std::vector<std::string> names = MetricNamesInExpression(ExpressionFromGeneratorUrl(url));
  if (names.empty()) return false;
  for (const TimeSeries& s : c.metrics) {
    if (std::find(names.begin(), names.end(), s.name) != names.end()) return false;
  }
  return true;
}
}  // namespace

std::optional<CaseLog> AlertFactsLog(const DiagnosisCase& c) {
  if (!c.alert) return std::nullopt;
  const Alert& a = *c.alert;
  bool has_fact = !LabelValue(a.annotations, "message").empty();
  std::vector<std::string> annotations;  // the summary and description, for the pasted-webhook check
  for (const char* k : {"summary", "description"}) {
    if (std::string t = LabelValue(a.annotations, k); !t.empty()) annotations.push_back(std::move(t));
  }
  has_fact = has_fact || !annotations.empty();
  for (const auto& [k, v] : a.labels) has_fact = has_fact || (k != "alertname" && !v.empty());
  if (!has_fact) return std::nullopt;
  // One fact counts once: the webhook pasted as a log already holds the alert's annotations.
  for (const std::string& t : annotations) {
    if (t.size() < 12) continue;
    std::string escaped = Json(t).dump();
    escaped = escaped.substr(1, escaped.size() - 2);
    for (const CaseLog& log : c.logs) {
      if (IsAlertFactsLog(log.source)) continue;
      for (const LogLine& l : log.lines) {
        if (l.text.find(t) != std::string::npos || l.text.find(escaped) != std::string::npos) return std::nullopt;
      }
    }
  }
  // The case's own evidence (a log of the cluster, not Alertmanager's co-firing alerts; a metric
  // series; a recorded probe result) reads the state first-hand: the alert's line is added beside it
  // only for a fact the alert carries and that evidence does not (AlertFactNotInEvidence: a fault
  // code no log line or XID series of the case holds; the metric the alert's expression read, absent
  // from a case of metrics alone). Otherwise the alert still points the search (the KB recall of its
  // text) and the component, and its summary is not counted again.
  bool own_evidence = !c.metrics.empty() || (c.probes.is_object() && !c.probes.empty());
  for (const CaseLog& log : c.logs) {
    own_evidence = own_evidence || (!log.source.ends_with("/alertmanager co-firing alerts") && !IsAlertFactsLog(log.source));
  }
  // The alert's node as the case places it (CaseAlertNode), read once: the line's source and text
  // name the node the reasoner answers on, not the address the labels give.
  std::optional<std::string> placed;
  auto node_of = [&]() -> std::string {
    if (!placed) placed = CaseAlertNode(c);
    return *placed;
  };
  if (own_evidence && !AlertFactNotInEvidenceAt(c, node_of)) return std::nullopt;
  const std::string node = node_of();
  CaseLog log;
  // An alert that names no node is the job's (or the cluster's): "job/" is never read as a node.
  log.source = AlertLogSource(a, node, std::string(kAlertFactsLogName));
  log.lines.push_back({1, AlertLogLine(a, node)});
  log.original_lines = 1;
  return log;
}

// OtherFaultCode (diagnosis_agent.h): declared there for its tests (RG9).
bool OtherFaultCode(const SearchHit& h, const std::vector<std::string>& codes) {
  if (codes.empty() || h.kind != SearchHit::Kind::kIncident) return false;
  // Only codes that name a fault of their own (fault_codes.h): a flushed work request or
  // ncclRemoteError follows another fault and says nothing of which.
  auto causes = [](std::vector<std::string> v) {
    v.erase(std::remove_if(v.begin(), v.end(), [](const std::string& c) { return !FaultCodeIsCause(c); }), v.end());
    return v;
  };
  const std::vector<std::string> ours = causes(codes);
  if (ours.empty()) return false;
  std::vector<std::string> theirs = causes(FaultCodesInText(h.incident.title));
  if (theirs.empty()) {
    std::string symptoms;
    for (const std::string& s : h.incident.symptoms) {
      symptoms += s;
      symptoms += "\n";
    }
    theirs = causes(FaultCodesInText(symptoms));
  }
  if (theirs.empty()) theirs = causes(FaultCodesInText(h.incident.raw_text));
  if (theirs.empty()) return false;
  for (const std::string& code : theirs) {
    if (std::find(ours.begin(), ours.end(), code) != ours.end()) return false;
  }
  // Another code of a family the alert's codes are of (another Xid, another CUDA error); a code of
  // another family (Xid 31 beside "an illegal memory access was encountered") may be the same fault.
  for (const std::string& code : theirs) {
    for (const std::string& o : ours) {
      if (FaultCodeFamily(code) == FaultCodeFamily(o)) return true;
    }
  }
  return false;
}

Result<KnowledgeFacts> GatherKnowledge(const KnowledgeBase& kb, const DiagnosisCase& c) {
  KnowledgeFacts f;
  const bool alert_alone = AlertIsTheWholeCase(c);  // symptom_prior.h
  FlatLogs flat = FlattenLogs(c);
  // Signatures are matched on the lines with every fault they say is absent removed
  // (RemoveFaultsSaidAbsent): "no collective type/size mismatch detected", "checksum mismatch not
  // found" vote for nothing (RG11). A match keeps its whole line as evidence.
  // Prose is no evidence (PLC27, prose_source.h): a Markdown document's lines outside its code fences
  // (and its fenced lines without a log line's shape). Not matched, not searched as error lines. A
  // Markdown document's fenced log lines are matched but not searched (`document`).
  std::vector<bool> prose(flat.lines.size(), false), document(flat.lines.size(), false);
  {
    std::vector<ProseReading> per_log(c.logs.size());
    for (size_t li = 0; li < c.logs.size(); ++li) {
      if (!IsAlertFactsLog(c.logs[li].source)) per_log[li] = ProseLines(c.logs[li]);
    }
    for (size_t i = 0; i < flat.lines.size(); ++i) {
      auto [li, ki] = flat.refs[i];
      prose[i] = ki < per_log[li].prose.size() && per_log[li].prose[ki];
      document[i] = per_log[li].document || c.logs[li].markdown_document;
    }
  }
  {
    std::vector<std::string> said;
    for (size_t i = 0; i < flat.lines.size(); ++i) {
      // A responder's shell command asks; the fault words of its pattern are no finding (PLC9: `$ grep
      // -c 'OutOfMemoryError' slurm.out` counted as an OOM line of no rank). Its output is read.
      std::string kept = IsShellCommandLine(flat.lines[i]) || prose[i] ? std::string() : RemoveFaultsSaidAbsent(flat.lines[i]);
      if (kept == flat.lines[i]) continue;
      if (said.empty()) said = flat.lines;
      said[i] = std::move(kept);
    }
    ASSIGN_OR_RETURN(f.log_matches, kb.MatchLogLines(said.empty() ? flat.lines : said));
    if (!said.empty()) {
      for (SignatureMatch& m : f.log_matches) {
        if (m.line_index < flat.lines.size()) m.line = flat.lines[m.line_index];
      }
    }
  }
  ASSIGN_OR_RETURN(f.metric_conditions, kb.Signatures(SignatureKind::kMetric));
  f.categories = kb.Categories();
  for (const std::string& cat : f.categories) f.layers[cat] = kb.CategoryLayer(cat);
  std::set<std::string> ids;
  for (const SignatureMatch& m : f.log_matches) ids.insert(m.incident_id);
  for (const Signature& s : f.metric_conditions) ids.insert(s.incident_id);
  for (const std::string& id : ids) {
    auto inc = kb.GetIncident(id);
    if (inc.ok()) f.incidents[id] = *inc;
  }
  // Error-like lines no signature matched: ask the knowledge base what they read like.
  {
    // FilteredRegex: the regex runs only on lines holding one of its required words (the same
    // answers; most lines of a long training log hold none).
    static const FilteredRegex kErrorLike(
        R"(\b(error|exception|fatal|fail(ed|ure|ing)?|nan|overflow|timeout|timed out|killed|abort(ed)?|assert(ion)?|)"
        R"(dropped|skipp(ed|ing)|refused|unreachable|denied|no space|read-only|mismatch|invalid|cannot|unable|)"
        R"(stall(ed)?|exceed(ed|s)?|imbalance|straggler|diverg\w*|degraded|slow(er|est)?|differs?|disagrees?|checksum|)"
        // Crash, hardware and health words that tools print without "error" ("*** SIGSEGV received",
        // "clocks throttled", "Xid 79", "GPU is lost", "port ... DOWN", "unhealthy").
        R"(sig(segv|abrt|bus|ill|kill)|segmentation|core dumped|panic|s?xid|ecc|dbe|uncorrectable|throttl\w*|)"
        R"(thermal|lost|unhealthy|down|not responding|hung|hang|stuck|oom|overloaded|retir\w+|remap\w*|)"
        R"(bottleneck|input-bound|starv\w*)\b)",
        /*icase=*/true);
    // Counters that read zero and faults said to be absent ("no Xid since boot") are the healthy
    // state, not an error: removed before the error-like test (RemoveZeroCounters,
    // MaskFaultsSaidAbsent, zero_counter.h; the words denied are masked wherever the line repeats
    // them since RG11).
    static const FilteredRegex kNoise(R"(deprecat|FutureWarning|UserWarning|nvfuser|heartbeat ok)", /*icase=*/true);
    static const std::regex kDigits(R"([0-9]+(\.[0-9]+)?)");
    std::set<size_t> matched;
    for (const SignatureMatch& m : f.log_matches) matched.insert(m.line_index);
    std::set<size_t> skipped = matched;  // matched, prose or a document's (PLC27)
    for (size_t i = 0; i < prose.size(); ++i) {
      if (prose[i] || document[i]) skipped.insert(i);
    }
    std::set<std::string> templates;
    // The incident the line reads like (lexical top 1), recorded when it names a category.
    // A line naming a fault code (an Xid) reads like the best incident not of another code
    // (OtherFaultCode; DOG's B: an Xid 95 line read like a resolved Xid 79 incident).
    auto RecallLine = [&](size_t i) {
      const std::vector<std::string> codes = FaultCodesInText(flat.lines[i]);
      SearchQuery q;
      // The alert's own line, when the alert is the whole case: a measurement's number is no search
      // word (AO6, search_words.h). A log line of the cluster is searched as written (its numbers, "100%"
      // of a squashfs loop mount, are what its look-alikes share: measured on every line, three reasoner
      // guards broke), and so are the alert's words beside the case's own evidence (below).
      // A Slurm host range's numbers are no search words either (PLC27: "gpu-a100-[41-48]" read like Xid 48).
      q.text = WithoutHostRanges(alert_alone && IsAlertFactsLog(c.logs[flat.refs[i].first].source)
                                     ? WithoutMeasuredValues(flat.lines[i])
                                     : flat.lines[i]);
      q.k = codes.empty() ? 1 : 1 + kRecallSpare;
      q.mode = SearchMode::kLexical;
      q.include_guides = false;
      auto hits = kb.Search(q);
      if (!hits.ok()) return;
      for (const SearchHit& h : *hits) {
        if (OtherFaultCode(h, codes)) continue;
        if (h.category.empty()) return;
        f.line_recalls.push_back({i, h.category, h.incident.id, h.incident.title});
        return;
      }
    };
    for (size_t i = 0; i < flat.lines.size() && i < kMaxLineRecallScan && templates.size() < kMaxLineRecalls; ++i) {
      const std::string& line = flat.lines[i];
      // A responder's shell command states a question, not a finding (IsShellCommandLine).
      if (skipped.count(i) || line.size() > 1000 || kNoise.Search(line) || IsShellCommandLine(line) ||
          !kErrorLike.Search(MaskFaultsSaidAbsent(RemoveZeroCounters(line)))) {
        continue;
      }
      if (!templates.insert(std::regex_replace(line, kDigits, "#")).second) continue;
      RecallLine(i);
    }
    // Lines whose numbers deviate: a line printed again and again (same template) in which a
    // reading grows several-fold ("grad norm 12.4" ... "grad norm 55.2", a saturation fraction
    // 0.4% ... 16.8%) reports a fault whatever it is called; its latest instance is searched like
    // an error line.
    for (size_t i : DeviatingLines(flat, skipped)) {
      if (templates.size() >= kMaxLineRecalls + kMaxDeviatingTemplates) break;
      if (!templates.insert(std::regex_replace(flat.lines[i], kDigits, "#")).second) continue;
      RecallLine(i);
    }
  }
  std::string text = AlertText(c);
  if (!text.empty()) {
    SearchQuery q;
    // The alert alone: "down 41%" is no PCI address 0000:41:00 (AO6, search_words.h). Beside the
    // case's own logs, metrics or probes the recall is a weak prior whose weights were set with the
    // numbers in (three right answers of the case sets leaned on such a number; agents/HISTORY.md, AO6):
    // kept as it was there.
    q.text = alert_alone ? WithoutMeasuredValues(text) : text;
    q.k = kRecalled;
    q.include_guides = false;
    auto hits = kb.Search(q);
    if (hits.ok()) {
      // An incident of another fault code than the alert's (a resolved Xid 79 for an Xid 95 alert:
      // same alert name, same labels, same words; DOG's B) is another fault: it ranks after every
      // hit that names the alert's code or none, however alike the rest of the text.
      std::string alert_facts = text;
      for (const auto& [k, v] : c.alert->labels) {
        alert_facts += " ";
        alert_facts += k;
        alert_facts += "=\"";
        alert_facts += v;
        alert_facts += "\"";
      }
      const std::vector<std::string> codes = FaultCodesInText(alert_facts);
      auto other_code = [&](const SearchHit& h) { return OtherFaultCode(h, codes); };
      std::vector<SearchHit> ranked = std::move(*hits);
      if (std::any_of(ranked.begin(), ranked.end(), other_code)) {
        // Read further to fill their places (only then: the first kRecalled stay as they were).
        q.k = kRecalled + kRecallSpare;
        if (auto more = kb.Search(q); more.ok()) ranked = std::move(*more);
        std::stable_partition(ranked.begin(), ranked.end(), [&](const SearchHit& h) { return !other_code(h); });
        if (ranked.size() > kRecalled) ranked.resize(kRecalled);
      }
      f.recalled = std::move(ranked);
    }
  }
  return f;
}

std::vector<std::string> TracebackCutNotes(const CaseLog& original, const CaseLog& kept, size_t max_notes) {
  std::vector<std::string> notes;
  if (kept.lines.size() >= original.lines.size()) return notes;
  std::set<size_t> kept_numbers;
  for (const LogLine& l : kept.lines) kept_numbers.insert(l.number);
  // The text after a writer's prefix: srun's "3: ", torchrun's "[default3]:", PyTorch's "[rank3]:".
  // PyTorch separates its prefix from the line by one space ("[rank3]:   File ...").
  static const std::regex kPrefix(R"(^(?:\d+:\s)?(?:(?:\[[A-Za-z_-]{0,30}\d{0,6}\]:)+ ?)?)");
  const std::vector<LogLine>& lines = original.lines;
  // The writer's prefix of each line (trailing space dropped; empty without one) and where the text
  // after it starts, found once per line when first needed: interleaved tracebacks of many ranks
  // each pass the others' lines (1,024 ranks: 22,000 lines read ~1,000 times each).
  struct Split {
    size_t prefix = 0;                    // length of the writer's prefix
    size_t body = std::string::npos;      // start of the text after it; npos: not yet found
  };
  std::vector<Split> splits(lines.size());
  auto split = [&](size_t k) -> std::pair<std::string_view, std::string_view> {
    const std::string& text = lines[k].text;
    Split& s = splits[k];
    if (s.body == std::string::npos) {
      s.body = 0;
      std::smatch m;
      if (text.find(':') != std::string::npos && std::regex_search(text, m, kPrefix) && m.length(0) > 0) {
        s.body = static_cast<size_t>(m.length(0));
        s.prefix = s.body;
        while (s.prefix > 0 && text[s.prefix - 1] == ' ') --s.prefix;
      }
    }
    const std::string_view view(text);
    return {view.substr(0, s.prefix), view.substr(s.body)};
  };
  auto continues = [](std::string_view b) {
    if (b.empty() || b[0] == ' ' || b[0] == '\t') return true;
    return b.starts_with("Traceback (most recent call last)") || b.starts_with("During handling of the above") ||
           b.starts_with("The above exception was the direct cause");
  };
  // Ranks that write to one log interleave their tracebacks ("[rank3]:   File ..." between
  // "[rank5]:" lines): a traceback whose first line has a writer's prefix is made of the lines
  // without another writer's prefix; other writers' lines neither end it nor count in it. Per writer, the index one past
  // the end of its last traceback (a chained traceback inside it is part of it, not another).
  std::map<std::string, size_t, std::less<>> covered;
  for (size_t i = 0; i < lines.size() && notes.size() < max_notes; ++i) {
    if (lines[i].text.find("Traceback (most recent call last)") == std::string::npos) continue;
    const std::string writer(split(i).first);
    if (auto it = covered.find(writer); it != covered.end() && i < it->second) continue;
    std::vector<size_t> own = {i};  // the traceback's lines (indices), its exception line last
    bool has_exception = false;
    size_t end = i + 1;  // one past the last line looked at
    while (end < lines.size()) {
      auto [prefix, b] = split(end);
      ++end;
      if (!writer.empty() && !prefix.empty() && prefix != writer) continue;  // another writer's line
      own.push_back(end - 1);
      if (!continues(b)) {
        has_exception = true;
        break;
      }
    }
    covered[writer] = end;
    size_t read = 0;
    for (size_t k : own) read += kept_numbers.count(lines[k].number);
    if (read > 0 && read < own.size()) {
      const bool exception_read = has_exception && kept_numbers.count(lines[own.back()].number) > 0;
      notes.push_back("log budget: source " + original.source + ": the cut falls inside a Python traceback (lines " +
                      std::to_string(lines[i].number) + "-" + std::to_string(lines[own.back()].number) + "; " +
                      std::to_string(read) + " of " + std::to_string(own.size()) + " read; its exception line " +
                      (!has_exception ? "is past the end of the log" : exception_read ? "was read" : "was not read") +
                      ")");
    }
  }
  return notes;
}

Result<std::unique_ptr<ProbeExecutor>> MakeCaseProbeExecutor(const DiagnosisCase& c) {
  Json recorded = Json::object();
  for (const auto& [key, value] : c.probes.items()) {
    Json v = value;
    auto at = key.find('@');
    if (!v.contains("probe")) v["probe"] = key.substr(0, at);
    if (!v.contains("target")) v["target"] = key.substr(at + 1);
    recorded[key] = v;
  }
  auto exec = MakeReplayExecutor(recorded);
  if (!exec.ok()) return exec.status().WithContext(c.path.empty() ? c.id : c.path);
  return exec;
}

DiagnosisAgent::DiagnosisAgent(DiagnosisAgentOptions options) : options_(std::move(options)) {
  if (options_.clock == nullptr) options_.clock = SystemClock();
}

namespace {

// The team's own past incidents that show what this log's signature-matched lines show (KB3,
// 2026-12-04; WALKK2's item 4): "we saw this before: <title> (<where it came from>; fixed then:
// <its fix>)". A log whose error lines all match signatures recalled nothing (the recall searched
// only the alert's text and the lines no signature matched), so a postmortem or chat thread the team
// imported with the same log line was never cited. Now each matched line's signature match (the first
// kMaxSeenBeforeLines distinct signatures) is searched lexically among incidents; a hit counts when
// it is not the shipped pack's (the pack's incident is the signature itself) and its own text (raw
// text, symptoms) matches one of the signatures this log matched, or when its own stored signature
// matched the log. Weight 0 (context, read, not counted: the diagnosis is unchanged); at most
// kMaxSeenBefore, incidents the diagnosis already cites (`kb:ID`) left out.
constexpr size_t kMaxSeenBefore = 3;
constexpr size_t kMaxSeenBeforeLines = 5;
constexpr size_t kSeenBeforeHits = 16;

bool TeamIncident(const Incident& inc) { return !inc.source.empty() && !inc.source.starts_with("pack:"); }

std::vector<Evidence> SeenBefore(const KnowledgeBase& kb, const KnowledgeFacts& facts, const Diagnosis& d) {
  std::vector<Evidence> out;
  if (facts.log_matches.empty()) return out;
  std::set<std::string> cited;
  for (const Evidence& e : d.evidence) {
    if (e.source.starts_with("kb:")) cited.insert(e.source.substr(3));
  }
  std::set<std::string> patterns;
  for (const SignatureMatch& m : facts.log_matches) patterns.insert(m.pattern);
  auto cite = [&](const Incident& inc, const std::string& why) {
    if (out.size() >= kMaxSeenBefore || !cited.insert(inc.id).second) return;
    Evidence e;
    e.kind = EvidenceKind::kKnowledge;
    e.source = "kb:" + inc.id;
    e.detail = "similar past incident: ";
    e.detail += inc.title;
    e.detail += " (";
    e.detail += kb::IncidentSourceLabel(inc.source);
    if (inc.started_at_ms > 0) {
      e.detail += ", started ";
      e.detail += FormatRfc3339Ms(inc.started_at_ms);
    }
    if (!inc.root_cause.empty() && inc.root_cause != "unknown") {
      e.detail += "; cause then: ";
      e.detail += inc.root_cause;
    }
    e.detail += "): ";
    e.detail += why;
    if (!inc.mitigation.empty()) {  // a postmortem's wrapped lines as one line
      std::string fix;
      for (char ch : Utf8Prefix(inc.mitigation, 300)) {
        const bool space = ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t';
        if (!space) fix += ch;
        else if (!fix.empty() && fix.back() != ' ') fix += ' ';
      }
      while (!fix.empty() && fix.back() == ' ') fix.pop_back();
      e.detail += "; fixed then: ";
      e.detail += fix;
    }
    e.time_ms = inc.started_at_ms > 0 ? inc.started_at_ms : 0;
    e.weight = 0;
    out.push_back(std::move(e));
  };
  // Incidents the team imported with a log signature of their own that matched here.
  for (const SignatureMatch& m : facts.log_matches) {
    auto it = facts.incidents.find(m.incident_id);
    if (it == facts.incidents.end() || !TeamIncident(it->second)) continue;
    cite(it->second, "its log signature `" + Utf8Prefix(m.pattern, 120) + "` matched this log");
  }
  // Incidents whose text shows a line matched here.
  std::set<std::string> searched, checked;
  for (const SignatureMatch& m : facts.log_matches) {
    if (out.size() >= kMaxSeenBefore || searched.size() >= kMaxSeenBeforeLines) break;
    if (!searched.insert(m.pattern).second) continue;
    // The signature's matched words: an incident holding them ranks by them, not by the line's
    // numbers and paths (with the whole line the postmortem fell below the top 8 behind pack entries).
    SearchQuery q;
    q.text = m.matched.size() >= 8 ? m.matched : m.line;
    q.k = kSeenBeforeHits;
    q.mode = SearchMode::kLexical;
    q.include_guides = false;
    auto hits = kb.Search(q);
    if (!hits.ok()) continue;
    for (const SearchHit& h : *hits) {
      if (h.kind != SearchHit::Kind::kIncident || !TeamIncident(h.incident) || cited.count(h.incident.id) ||
          !checked.insert(h.incident.id).second) {
        continue;
      }
      std::vector<std::string> lines = h.incident.symptoms;
      std::istringstream raw(h.incident.raw_text);
      for (std::string line; std::getline(raw, line);) lines.push_back(RemoveFaultsSaidAbsent(line));
      auto theirs = kb.MatchLogLines(lines);
      if (!theirs.ok()) continue;
      for (const SignatureMatch& t : *theirs) {
        if (!patterns.count(t.pattern)) continue;
        cite(h.incident, "its text shows `" + Utf8Prefix(t.matched, 120) + "`, as this log does");
        break;
      }
    }
  }
  return out;
}

// A pod-only alert whose node the case does not name (no kube_pod_info: KSM2) answered on `job`
// (PLC, 2026-12-04): the component stays `job` (the taxonomy's grammar is node[/gpuN|/mlx5_N] or
// job, and no node is known), but the answer says which pod. A GPU's own fault (the taxonomy's gpu
// layer: the pod's GPU fell off the bus) is the pod's, not the whole job's: the summary's " on the
// whole job (no single component)" becomes " on gpu5 of pod ml/trainer-0 (its node unknown:
// component `job`)". Any other category keeps the whole job and names the pod beside it: a host or
// network category may be the job's own (nccl_network_misconfig is a job's NCCL settings; a shared
// file system's storage_failure), which the pod alone does not tell. An evidence item (weight 0)
// names the pod and the command that gives its node. Before, the summary said "gpu_fallen_off_bus on
// the whole job (no single component)" and named no pod.
void SayAlertPod(const Alert& alert, const std::map<std::string, std::string>& layers, DiagnosisReport& report) {
  Diagnosis& d = report.diagnosis;
  if (d.root_cause.empty() || d.root_cause == "unknown" || AsciiLower(d.component) != kJobComponent) return;
  const LabelledPod named = PodOfLabels(alert.labels);
  if (named.pod.empty()) return;
  const std::string shown = named.ns.empty() ? named.pod : named.ns + "/" + named.pod;
  auto layer = layers.find(d.root_cause);
  const bool device = layer != layers.end() && layer->second == "gpu";
  const int gpu = GpuOf(alert.labels);
  std::string place = " on ";
  if (device) {
    if (gpu >= 0) {
      place += "gpu";
      place += std::to_string(gpu);
      place += " of ";
    }
    place += "pod ";
    place += shown;
    place += " (its node unknown: component `job`)";
  } else {
    place += "the whole job (no single component; the alert's pod: ";
    place += shown;
    place += ")";
  }
  const std::string job_words = " on " + ComponentForPeople(kJobComponent);
  auto say = [&](std::string& text) {
    if (size_t at = text.find(job_words); at != std::string::npos) text.replace(at, job_words.size(), place);
  };
  say(d.summary);
  for (std::string& u : d.unverified) say(u);
  Evidence e;
  e.id = FreeEvidenceId(d);
  e.kind = EvidenceKind::kAlert;
  e.source = "pod " + shown;
  e.detail = "the alert names pod " + shown + " and no node";
  if (gpu >= 0) e.detail += " (its gpu label: " + std::to_string(gpu) + ")";
  e.detail += "; no kube_pod_info series in the case says which node the pod runs on, so the answer's component is `job`; `kubectl get pod";
  if (!named.ns.empty()) e.detail += " -n " + named.ns;
  e.detail += " " + named.pod + " -o wide` gives its node";
  e.time_ms = alert.starts_at_ms > 0 ? alert.starts_at_ms : 0;
  e.weight = 0;
  report.trace.push_back(Json{{"agent", "pod_node"}, {"pod", shown}, {"node", ""}, {"said", e.detail}});
  d.evidence.push_back(std::move(e));
}

}  // namespace

namespace {

// After the log budget's cut (PLC3): when the cut case places the alert elsewhere than the whole case
// did (`uncut_node`, CaseAlertNode before the cut: the lines tying its address to a node were cut
// away), the alert's labels get that node (`node`, or `exported_node` where `node` may be
// kube-state-metrics' own: PlacedNodeKey, as the pod step does), so the reasoner answers on the node
// the alert's own line names. Said in a note. Labels left as they were when that does not place it.
void KeepAlertPlaceOverCut(DiagnosisCase& c, const std::string& uncut_node) {
  if (!c.alert || uncut_node.empty()) return;
  const std::string cut_node = CaseAlertNode(c);
  if (cut_node == uncut_node) return;
  Labels& labels = c.alert->labels;
  const std::string key = PlacedNodeKey(labels, uncut_node);
  const std::optional<std::string> had = labels.count(key) ? std::optional<std::string>(labels[key]) : std::nullopt;
  labels[key] = uncut_node;
  if (CaseAlertNode(c) != uncut_node) {
    if (had) labels[key] = *had;
    else labels.erase(key);
    return;
  }
  c.notes.push_back("log budget: the alert is on " + uncut_node + " as the whole case places it (the lines doing so were cut; " +
                    "the kept ones alone gave " + cut_node + "): read there");
}

}  // namespace

namespace {

// Clears the text of every marked line of `log` that has any; returns how many it cleared.
size_t BlankMarkedLines(CaseLog& log, const std::vector<bool>& marked) {
  size_t blanked = 0;
  for (size_t i = 0; i < log.lines.size(); ++i) {
    if (!marked[i] || log.lines[i].text.empty()) continue;
    log.lines[i].text.clear();
    ++blanked;
  }
  return blanked;
}

// People's messages in a handover, ticket or chat source are no evidence (PLC44, person_lines.h): their
// lines are blanked for every reader, as a Markdown document's prose is (PLC27), said in a note; the
// commands and output pasted among them stay.
void BlankPersonMessages(DiagnosisCase& c) {
  for (CaseLog& log : c.logs) {
    const size_t blanked = BlankMarkedLines(log, PersonMessageLines(log));
    if (blanked == 0) continue;
    c.notes.push_back(log.source + ": " + std::to_string(blanked) +
                      " lines are people's messages (a handover, ticket or chat: guesses, summaries, actions), not read as "
                      "evidence; the commands and output pasted there are");
  }
}

// A maintenance / change log's entries of a hardware fault seen days before the incident are history, not
// today's evidence (PLC50, change_log_lines.h): blanked for every reader, said in a note; the changes the
// log records, and its entries of the incident's day and the day before, stay.
void BlankChangeLogHistory(DiagnosisCase& c) {
  const std::optional<int64_t> day = IncidentDay(c, c.alert ? c.alert->starts_at_ms : 0);
  if (!day) return;
  for (CaseLog& log : c.logs) {
    const size_t blanked = BlankMarkedLines(log, ChangeLogHistoryLines(log, *day));
    if (blanked == 0) continue;
    c.notes.push_back(log.source + ": " + std::to_string(blanked) +
                      " entries of a hardware fault seen " + std::to_string(kChangeLogHistoryDays) +
                      "+ days before the incident are history (a maintenance / change log), not read as today's evidence; "
                      "the changes it records are");
  }
}

// Counters a pasted note says are unchanged since a day 2+ days before the incident are history (PLC54,
// stale_counter_lines.h): blanked for every reader, said in a note.
void BlankStaleCounters(DiagnosisCase& c) {
  const std::optional<int64_t> day = IncidentDay(c, c.alert ? c.alert->starts_at_ms : 0);
  if (!day) return;
  for (CaseLog& log : c.logs) {
    const size_t blanked = BlankMarkedLines(log, StaleCounterLines(log, *day));
    if (blanked == 0) continue;
    c.notes.push_back(log.source + ": " + std::to_string(blanked) +
                      " lines of counters noted as unchanged since " + std::to_string(kChangeLogHistoryDays) +
                      "+ days before the incident are history, not read as today's evidence");
  }
}

}  // namespace

Result<DiagnosisReport> DiagnosisAgent::Diagnose(DiagnosisCase c, ProbeExecutor* probes) const {
  if (options_.kb == nullptr) return FailedPreconditionError("diagnosis agent: no knowledge base");
  DiagnosisReport report;
  report.case_id = c.id;
  // A Markdown document's prose is no evidence (PLC27, prose_source.h): its lines are blanked for
  // every reader (the knowledge's signatures and the reasoner's own readers alike), said in a note.
  for (CaseLog& log : c.logs) {
    const ProseReading prose = ProseLines(log);
    if (!prose.document) continue;
    log.markdown_document = true;
    const size_t blanked = BlankMarkedLines(log, prose.prose);
    c.notes.push_back(log.source + " is a Markdown document: its " + std::to_string(blanked) +
                      " lines of prose (outside code blocks, or without a log line's shape) are not read as evidence");
  }
  BlankPersonMessages(c);
  BlankChangeLogHistory(c);
  BlankStaleCounters(c);
  // An alert naming only its pod (KubePodCrashLooping: `namespace`, `pod`, kube-state-metrics'
  // `instance`) is about the node its pod runs on when the case's kube_pod_info series say which
  // (agents/pod_node.h; ALERTID2): the case's alert gets that node as `node`, read by the reasoner
  // as any alert's node label, and an evidence item (weight 0) says where it came from. Several
  // nodes, or none: said, nothing taken.
  std::optional<Evidence> pod_place;
  bool pod_unplaced = false;  // a pod-only alert whose node nothing in the case names (SayAlertPod)
  if (c.alert && AlertNamesPodOnly(c.alert->labels) &&
      std::any_of(c.metrics.begin(), c.metrics.end(), [](const TimeSeries& s) { return s.name == "kube_pod_info"; })) {
    const PodNodeReading pn = PodNodeOf(c.alert->labels, c.metrics, "in the case's metrics");
    if (!pn.node.empty()) {
      // `exported_node` when the alert's `node` may be kube-state-metrics' own (scrape_labels.h; KSM2).
      c.alert->labels[PlacedNodeKey(c.alert->labels, pn.node)] = pn.node;
      Evidence e;
      e.kind = EvidenceKind::kMetric;
      e.source = "kube_pod_info";
      e.detail = pn.note;
      e.time_ms = pn.series.front()->timestamps_ms.empty() ? 0 : pn.series.front()->timestamps_ms.back();
      e.value = 1;
      e.weight = 0;
      pod_place = std::move(e);
    } else {
      c.notes.push_back(pn.note);
    }
  } else if (c.alert && AlertNamesPodOnly(c.alert->labels)) {
    pod_unplaced = true;
    // No kube_pod_info to ask (no Prometheus, a case without it): the alert's place is its pod, on a
    // node nobody named (KSM2). Its `instance`, the scraped exporter's address, is no node
    // (scrape_labels.h InstanceIsNoPlace); triage says what its own lookup found, once.
    const LabelledPod named = PodOfLabels(c.alert->labels);
    const std::string shown = named.ns.empty() ? named.pod : named.ns + "/" + named.pod;
    const std::string head = "pod " + shown + ":";
    if (std::none_of(c.notes.begin(), c.notes.end(), [&](const std::string& n) { return n.rfind(head, 0) == 0; })) {
      std::string note = head + " the alert names no node and no kube_pod_info series says which node the pod runs on; its node is unknown";
      if (auto it = c.alert->labels.find("instance"); it != c.alert->labels.end() && InstanceIsNoPlace(c.alert->labels))
        note += " (its instance " + it->second + " is the scraped target's address, not the pod's node)";
      if (NodeMayBeScrapeTargets(c.alert->labels))
        note += " (its `node` label " + c.alert->labels["node"] + " may be kube-state-metrics' own node: not read)";
      c.notes.push_back(std::move(note));
    }
  }
  // A single-host scrape's loopback `instance` (127.0.0.1:8000, localhost:9400) names no node: the
  // host the case names otherwise, else none (loopback_scrape.h; OPS5's straggler on 127.0.0.1/gpu5).
  if (LoopbackPlacing lp = PlaceLoopbackScrapes(c); !lp.note.empty()) c.notes.push_back(std::move(lp.note));
  // The alert's own facts are evidence like a co-firing alert's (AlertFactsLog): looked for in the
  // logs as given (the webhook's line may fall to the cut), added after the log budget (a line the
  // case did not carry: not counted in it).
  std::optional<CaseLog> facts_log = AlertFactsLog(c);
  // Log budget: keep every line a signature matched, cut the rest to head and tail. Only the
  // signature matches are needed to cut; the rest of the knowledge is gathered from what is kept.
  FlatLogs flat = FlattenLogs(c);
  size_t total_bytes = 0;
  for (const std::string& line : flat.lines) total_bytes += line.size();
  if (flat.lines.size() > options_.log_line_budget || total_bytes > options_.log_byte_budget) {
    ASSIGN_OR_RETURN(std::vector<SignatureMatch> matches, options_.kb->MatchLogLines(flat.lines));
    std::set<std::pair<std::string, size_t>> keep;  // (source, line number)
    for (const SignatureMatch& m : matches) {
      auto [li, ki] = flat.refs[m.line_index];
      keep.insert({c.logs[li].source, c.logs[li].lines[ki].number});
    }
    // Short sources are read whole (smallest first, while together they take at most half of
    // each budget): the cut falls on the long logs, not on a 50-line journal beside them.
    std::set<std::string> whole;
    {
      std::vector<size_t> order(c.logs.size());
      for (size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::stable_sort(order.begin(), order.end(),
                       [&](size_t a, size_t b) { return c.logs[a].lines.size() < c.logs[b].lines.size(); });
      size_t lines = 0, bytes = 0;
      for (size_t i : order) {
        size_t b = 0;
        for (const LogLine& l : c.logs[i].lines) b += l.text.size();
        if (2 * (lines + c.logs[i].lines.size()) > options_.log_line_budget || 2 * (bytes + b) > options_.log_byte_budget) break;
        lines += c.logs[i].lines.size();
        bytes += b;
        whole.insert(c.logs[i].source);
      }
    }
    auto must_keep = [&](const std::string& src, const LogLine& l) { return keep.count({src, l.number}) > 0; };
    auto kept_anyway = [&](const std::string& src, const LogLine& l) { return whole.count(src) > 0 || must_keep(src, l); };
    // The line budget, lowered until the kept text also fits the byte budget (matches stay even
    // when they alone exceed it).
    std::vector<CaseLog> cut;
    size_t max_lines = std::min(options_.log_line_budget, flat.lines.size()), kept_bytes = 0;
    for (int round = 0; round < 16; ++round) {  // converges in 2-3 rounds; the note states the result
      cut = c.logs;
      TruncateLogs(cut, max_lines, kept_anyway);
      kept_bytes = 0;
      for (const CaseLog& l : cut) {
        for (const LogLine& line : l.lines) kept_bytes += line.text.size();
      }
      if (kept_bytes <= options_.log_byte_budget || max_lines <= keep.size()) break;
      size_t scaled = static_cast<size_t>(static_cast<double>(max_lines) * static_cast<double>(options_.log_byte_budget) /
                                          static_cast<double>(kept_bytes));
      max_lines = std::max(keep.size(), std::min(scaled, max_lines - 1));
    }
    size_t kept_lines = 0;
    for (const CaseLog& l : cut) kept_lines += l.lines.size();
    c.notes.push_back("log budget: kept " + std::to_string(kept_lines) + " of " + std::to_string(flat.lines.size()) +
                      " lines, " + std::to_string(kept_bytes) + " of " + std::to_string(total_bytes) + " bytes (budget " +
                      std::to_string(options_.log_line_budget) + " lines, " + std::to_string(options_.log_byte_budget) +
                      " bytes; all " + std::to_string(keep.size()) + " lines matching a signature kept); " +
                      std::to_string(flat.lines.size() - kept_lines) + " lines not read");
    for (size_t i = 0; i < cut.size(); ++i) {
      if (cut[i].lines.size() == c.logs[i].lines.size()) continue;
      size_t matching = 0;
      for (const LogLine& l : cut[i].lines) matching += must_keep(cut[i].source, l);
      c.notes.push_back("log budget: source " + cut[i].source + ": " + std::to_string(c.logs[i].lines.size()) +
                        " lines, kept " + std::to_string(cut[i].lines.size() - matching) + " (head and tail) + " +
                        std::to_string(matching) + " matching a signature");
      for (std::string& note : TracebackCutNotes(c.logs[i], cut[i])) c.notes.push_back(std::move(note));
    }
    // The alert's node as the whole case places it (CaseAlertNode: an address tied to a node by
    // `kubectl get nodes -o wide`, an FQDN the case spells short), which the alert's own line above
    // was written with; the reasoner reads the cut logs, which may have lost the lines doing it.
    const std::string uncut_node = c.alert ? CaseAlertNode(c) : std::string();
    c.logs = std::move(cut);
    KeepAlertPlaceOverCut(c, uncut_node);
  }
  if (facts_log) c.logs.push_back(std::move(*facts_log));
  ASSIGN_OR_RETURN(KnowledgeFacts facts, GatherKnowledge(*options_.kb, c));

  // The verification budget's deadline for the LLM's probe calls: counted from here, the start of the
  // built-in pass (whose own deadline starts at its first probe, a little later), less the probe
  // executor's grace (a call cut at it is ended up to that much later), as the built-in plan's.
  std::optional<std::chrono::steady_clock::time_point> probe_deadline;
  if (options_.reasoner.verification_budget_s > 0 && probes != nullptr) {
    const double grace_s = ProbeExecutorGraceS(*probes);
    probe_deadline = std::chrono::steady_clock::now() +
                     std::chrono::microseconds(static_cast<int64_t>(
                         std::max(0.0, options_.reasoner.verification_budget_s - grace_s) * 1e6));
  }
  BuiltinReasoner reasoner(options_.reasoner);
  ReasonerOutput builtin = reasoner.Diagnose(c, facts, probes);
  report.diagnosis = builtin.diagnosis;
  report.trace = Json::array();
  for (Json& t : builtin.trace) {
    t["agent"] = "builtin";
    report.trace.push_back(std::move(t));
  }
  report.mode = "builtin";
  // A symptom alert read alone: its causes ranked by the knowledge base's incidents with the symptom (AO6).
  if (c.alert) {
    ComponentHint alert_place;
    alert_place.node = CaseAlertNode(c);
    alert_place.gpu = GpuOf(c.alert->labels);
    auto component_of = [&](const std::string& cat) {
      auto layer = facts.layers.find(cat);
      return FormatComponent(cat, layer == facts.layers.end() ? std::string() : layer->second, alert_place);
    };
    Json prior_trace = Json::array();
    RankSymptomAlertCauses(*options_.kb, c, facts.categories, component_of, report.diagnosis, prior_trace);
    for (Json& t : prior_trace) {
      t["agent"] = "symptom_prior";
      report.trace.push_back(std::move(t));
    }
  }
  if (pod_place) {  // first among the context items: where the alert is
    pod_place->id = FreeEvidenceId(report.diagnosis);
    report.trace.push_back(Json{{"agent", "pod_node"}, {"node", NodeOf(c.alert->labels)}, {"said", pod_place->detail}});
    report.diagnosis.evidence.push_back(std::move(*pod_place));
  }
  if (pod_unplaced) SayAlertPod(*c.alert, facts.layers, report);
  for (Evidence& e : options_.seen_before ? SeenBefore(*options_.kb, facts, report.diagnosis) : std::vector<Evidence>()) {
    e.id = FreeEvidenceId(report.diagnosis);
    report.trace.push_back(Json{{"agent", "seen_before"}, {"incident", e.source.substr(3)}, {"said", e.detail}});
    report.diagnosis.evidence.push_back(std::move(e));
  }
  if (options_.llm == nullptr) return report;

  // ---- LLM path: the model plans and explains through the same tools. ----
  InMemoryMetricSource metrics(c.metrics);
  ToolContext ctx;
  ctx.diagnosis_case = &c;
  ctx.kb = options_.kb;
  ctx.metrics = &metrics;
  ctx.probes = probes;
  ctx.allow_intrusive = options_.reasoner.allow_intrusive;
  ctx.intrusive_probes_left = options_.max_intrusive_probes;
  ctx.probe_time_limit_s = options_.reasoner.probe_time_limit_s;
  ctx.probe_deadline = probe_deadline;
  ctx.verification_budget_s = options_.reasoner.verification_budget_s;

  std::string categories;
  for (const std::string& cat : facts.categories) categories += (categories.empty() ? "" : ", ") + cat;
  std::ostringstream sys;
  sys << "You are an on-call engineer for GPU training clusters. Diagnose the incident: find the root cause "
         "(one category id), the affected component (node, node/gpuN, node/mlx5_N), and the evidence. "
         "Downstream symptoms (NCCL watchdog timeouts on all ranks, peers failing on a broken connection) "
         "are usually effects: find the first failing rank and its own error. Use the tools to check; "
         "never state a fact you did not see in a tool result or the hints.\n"
         "Categories: " << categories << "\n"
         "Answer with one JSON object and nothing else: {\"root_cause\": \"<category id or unknown>\", "
         "\"component\": \"...\", \"confidence\": 0..1, \"explanation\": \"...\", "
         "\"evidence\": [\"e1\", \"probe gpu.health@node-3/gpu5\", ...]}";
  std::ostringstream user;
  user << "Incident " << c.id << ".\n";
  if (c.alert) {
    user << "Alert: " << c.alert->rule << " labels=" << Json(c.alert->labels).dump()
         << " annotations=" << Json(c.alert->annotations).dump() << "\n";
  }
  user << "Log sources:";
  for (const CaseLog& l : c.logs) user << " " << l.source << " (" << l.lines.size() << " lines)";
  user << "\nMetrics: " << c.metrics.size() << " series.\n";
  user << "Built-in reasoner hints (log-odds scoring of the evidence; verify, do not copy blindly):\n";
  for (const Hypothesis& h : builtin.diagnosis.hypotheses) {
    user << "  - " << h.category << " on " << (h.component.empty() ? "?" : h.component) << ": p=" << Fixed(h.probability)
         << " (" << HypothesisStatusName(h.status) << ")\n";
  }
  user << "Evidence found so far:\n";
  for (size_t i = 0; i < builtin.diagnosis.evidence.size() && i < kMaxEvidenceInPrompt; ++i) {
    const Evidence& e = builtin.diagnosis.evidence[i];
    user << "  " << e.id << " [" << EvidenceKindName(e.kind) << "] " << e.source << ": " << Utf8Prefix(e.detail, 300)
         << "\n";
  }
  std::vector<ChatMessage> messages = {{"system", sys.str(), {}, "", ""}, {"user", user.str(), {}, "", ""}};
  AgentRuntime runtime(options_.llm, DiagnosisTools(), options_.budget, options_.clock);
  AgentRunResult run = runtime.Run(messages, ctx, "diagnose");
  for (Json& t : run.trace) {
    t["agent"] = "llm";
    report.trace.push_back(std::move(t));
  }

  // Probes the LLM ran are evidence either way.
  Diagnosis& d = report.diagnosis;
  std::vector<Evidence> llm_evidence;
  for (const ProbeResult& r : ctx.probe_results) {
    // A kernel-log pass counts by the part of the alert's time its log covers, as in the plan.
    auto e = EvidenceFromProbeForAlert(r, "p" + std::to_string(llm_evidence.size() + 1),
                                       c.alert ? c.alert->starts_at_ms : 0, c.alert ? c.alert->active_at_ms : 0);
    if (e) llm_evidence.push_back(*e);
    else d.unverified.push_back("probe " + r.probe + "@" + r.target + " (run by the LLM): " +
                                std::string(ProbeStatusName(r.status)) + (r.reason.empty() ? "" : " (" + r.reason + ")"));
  }
  if (!ctx.budget_refused.empty()) {
    std::ostringstream line;
    line << "verification's time budget of " << ctx.verification_budget_s << " s spent: "
         << ctx.budget_refused.size() << " probe call(s) of the LLM not run (";
    for (size_t i = 0; i < ctx.budget_refused.size(); ++i) line << (i ? ", " : "") << ctx.budget_refused[i];
    line << ")";
    d.unverified.push_back(line.str());
  }
  for (const VerificationStep& s : ctx.steps) d.steps.push_back(s);
  for (const Evidence& e : llm_evidence) d.evidence.push_back(e);
  d.sequential_s = SequentialS(d.steps);
  // LLM tool calls ran one after another; count them on the critical path after the built-in plan.
  d.planned_s = builtin.diagnosis.planned_s + SequentialS(ctx.steps);

  if (run.stop_reason.rfind("llm_error", 0) == 0 || !run.final_json) {
    report.mode = "llm-error";
    d.unverified.push_back("LLM gave no usable answer (" +
                           (run.final_json ? run.stop_reason : run.stop_reason + ", final message not JSON") +
                           "); the built-in answer stands");
    return report;
  }
  const Json& answer = *run.final_json;
  // A field of another type is what the model wrote, not an exception: `"component": null` (models
  // write it when unsure) is no component, `"root_cause": 7` a category nobody knows. Before,
  // nlohmann's value() threw type_error out of Diagnose.
  auto text_of = [&answer](const char* key) -> std::string {
    if (!answer.contains(key) || answer[key].is_null()) return "";
    return answer[key].is_string() ? answer[key].get<std::string>() : answer[key].dump();
  };
  std::string rc = text_of("root_cause");
  // A component that is not a string (a list, an object) is no place: the built-in one stays.
  std::string component = answer.contains("component") && answer["component"].is_string()
                              ? answer["component"].get<std::string>()
                              : "";
  bool known = std::find(facts.categories.begin(), facts.categories.end(), rc) != facts.categories.end();
  bool supported = false;
  for (const Evidence& e : d.evidence) supported = supported || Supports(e, rc);
  if (!known || !supported) {
    report.mode = "llm-rejected";
    d.unverified.push_back("LLM answered `" + rc + "` but " +
                           (known ? std::string("no evidence supports it") : std::string("it is not a known category")) +
                           "; the built-in answer stands");
    return report;
  }
  report.mode = "llm";
  double confidence = answer.contains("confidence") && answer["confidence"].is_number()
                          ? std::clamp(answer["confidence"].get<double>(), 0.0, 1.0) : 0.5;
  if (rc != d.root_cause) {
    // Mitigation for the LLM's category from the knowledge base.
    d.mitigation = "no mitigation on file for " + rc;
    for (const auto& [id, inc] : facts.incidents) {
      if (inc.root_cause == rc && !inc.mitigation.empty()) {
        d.mitigation = inc.mitigation;
        break;
      }
    }
  }
  d.root_cause = rc;
  d.component = component.empty() ? d.component : component;
  d.confidence = confidence;
  if (answer.contains("explanation") && answer["explanation"].is_string()) d.summary = answer["explanation"];
  return report;
}

std::string FormatDiagnosisText(const DiagnosisReport& r) {
  const Diagnosis& d = r.diagnosis;
  // Every field is one line: a line break inside a value (an alert label or annotation, a log
  // line, an LLM's answer) is written `\n` (core/one_line.h), so no value starts a line that
  // reads as a field of its own. Before 2026-12-03 (SM2) it did.
  const auto L = [](std::string_view text) { return OneLine(text); };
  std::ostringstream o;
  o << "case:        " << L(r.case_id) << "\n";
  o << "root_cause:  " << L(d.root_cause) << "\n";
  // An unknown root cause has no place: its component is the leading hypothesis' (OPS3).
  const std::string place = RootCausePlaceText(d.root_cause, d.component);
  o << "component:   " << (place.empty() ? std::string("(unknown)") : L(place)) << "\n";
  o << "confidence:  " << Fixed(d.confidence) << "   (" << L(r.mode) << ")\n";
  o << "summary:     " << L(d.summary) << "\n";
  o << "hypotheses:\n";
  for (const Hypothesis& h : d.hypotheses) {
    o << "  " << Fixed(h.probability) << "  " << L(h.category) << " on "
      << (h.component.empty() ? "?" : L(ComponentForPeople(h.component)))
      << "  [" << HypothesisStatusName(h.status) << "] " << L(h.rationale) << "\n";
  }
  o << "evidence:\n";
  size_t shown = 0;
  for (const Evidence& e : d.evidence) {
    if (e.weight == 0) continue;
    if (++shown > 15) {
      o << "  ... (" << d.evidence.size() << " items; --json shows all)\n";
      break;
    }
    o << "  " << L(e.id) << " [" << EvidenceKindName(e.kind) << " " << (e.weight > 0 ? "+" : "") << Fixed(e.weight, 1)
      << "] " << L(e.source) << "\n      " << L(Utf8Prefix(e.detail, 240)) << "\n";
  }
  // Weight-0 items: read, not counted by the reasoner (alert triage's readings of the alert's
  // expression and the alerts co-firing on its node; peers that read healthy). Those first.
  std::vector<const Evidence*> context;
  for (bool first : {true, false}) {
    for (const Evidence& e : d.evidence) {
      const bool triage = e.kind == EvidenceKind::kMetric || e.kind == EvidenceKind::kAlert;
      if (e.weight == 0 && triage == first) context.push_back(&e);
    }
  }
  if (!context.empty()) {
    constexpr size_t kMaxContext = 12;
    o << "context:     (read, not counted)\n";
    for (size_t i = 0; i < context.size() && i < kMaxContext; ++i) {
      const Evidence& e = *context[i];
      o << "  " << L(e.id) << " [" << EvidenceKindName(e.kind) << "] " << L(e.source) << "\n      " << L(Utf8Prefix(e.detail, 240))
        << "\n";
    }
    if (context.size() > kMaxContext)
      o << "  ... (" << context.size() - kMaxContext << " more context items; --json shows all)\n";
  }
  o << "mitigation:  " << (d.mitigation.empty() ? "(none)" : L(d.mitigation)) << "\n";
  o << "verification: " << d.steps.size() << " steps, planned " << Fixed(d.planned_s, 1) << " s (parallel) vs "
    << Fixed(d.sequential_s, 1) << " s sequential\n";
  for (const VerificationStep& s : d.steps) {
    o << "  " << L(s.id) << " " << L(s.action) << " " << L(s.target) << " -> " << L(s.outcome) << " (" << Fixed(s.duration_s, 1)
      << " s)" << (s.depends_on.empty() ? "" : " after " + L(s.depends_on.front()) + (s.depends_on.size() > 1 ? ",..." : ""))
      << "\n";
  }
  if (!d.unverified.empty()) {
    o << "not verified:\n";
    for (const std::string& u : d.unverified) o << "  - " << L(u) << "\n";
  }
  return o.str();
}

}  // namespace vigil
