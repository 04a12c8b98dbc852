#include "training/trainer.h"

#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <filesystem>
#include <regex>
#include <set>

#include "core/json.h"
#include "core/time_util.h"
#include "training/builtin_proposer.h"  // FitsLabeled, HasAnomalyLabel
#include "training/engine_evaluator.h"

namespace vigil {
namespace {

bool IsIdentifier(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':';
  });
}

std::string Sanitize(const std::string& s) {
  std::string o;
  for (char c : s) o += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (o.empty() || std::isdigit(static_cast<unsigned char>(o[0]))) o = "t_" + o;
  return o;
}

// What SelectorFor writes: the metric name when every series has the same one and it is an
// identifier ("" = `*`), and the labels every series has with the same value. A target's select
// (TargetSelector) may leave out volatile scrape labels: `dropped`, and `note` says what it did.
struct SelectorParts {
  std::string metric;
  Labels common;
  Labels dropped;    // volatile labels left out of the select (TargetSelector)
  std::string note;  // TrainedTarget::selector_note
  // `ignoring (...)` (docs/rules.md "Series identity"): a one-for-one target merged from series of
  // one unit reported at once (StitchFragments), whose volatile labels come and go with the pod.
  std::vector<std::string> ignoring;
};

SelectorParts SelectorPartsFor(const std::vector<const TimeSeries*>& series) {
  SelectorParts parts;
  const std::string& name = series[0]->name;
  const bool same_name =
      std::all_of(series.begin(), series.end(), [&](const TimeSeries* s) { return s->name == name; });
  if (same_name && IsIdentifier(name)) parts.metric = name;
  parts.common = series[0]->labels;
  for (const TimeSeries* s : series) {
    for (auto it = parts.common.begin(); it != parts.common.end();) {
      auto f = s->labels.find(it->first);
      it = (f == s->labels.end() || f->second != it->second) ? parts.common.erase(it) : std::next(it);
    }
  }
  return parts;
}

std::string Quote(const std::string& v);

std::string SelectorText(const SelectorParts& parts) {
  std::string out = parts.metric.empty() ? "*" : parts.metric;
  if (!parts.common.empty()) {
    out += "{";
    bool first = true;
    for (const auto& [k, v] : parts.common) {
      out += (first ? "" : ", ") + k + "=" + Quote(v);
      first = false;
    }
    out += "}";
  }
  if (!parts.ignoring.empty()) {
    out += " ignoring (";
    for (size_t i = 0; i < parts.ignoring.size(); ++i) out += (i ? ", " : "") + parts.ignoring[i];
    out += ")";
  }
  return out;
}


// The ids of the series of `history` outside `indices` that a select of `parts` picks.
std::vector<std::string> OtherSeriesSelected(const std::vector<TimeSeries>& history,
                                             const std::vector<size_t>& indices, const SelectorParts& parts) {
  const std::set<size_t> in(indices.begin(), indices.end());
  std::vector<std::string> others;
  for (size_t i = 0; i < history.size(); ++i) {
    const TimeSeries& s = history[i];
    if (in.count(i) || (!parts.metric.empty() && s.name != parts.metric)) continue;
    const bool match = std::all_of(parts.common.begin(), parts.common.end(), [&](const auto& kv) {
      auto f = s.labels.find(kv.first);
      return f != s.labels.end() && f->second == kv.second;
    });
    if (match) others.push_back(s.id());
  }
  return others;
}

std::string FirstIds(const std::vector<std::string>& ids) {
  std::string list;
  for (size_t i = 0; i < std::min<size_t>(ids.size(), 3); ++i) list += (i ? ", " : "") + ids[i];
  if (ids.size() > 3) list += " and " + std::to_string(ids.size() - 3) + " more";
  return list;
}

// Labels the scrape adds (Prometheus's `instance`, Kubernetes service discovery's pod, container,
// endpoint, service, namespace; the `exported_` forms Prometheus gives the exporter's own pod
// labels when they clash): they change when an exporter pod restarts or moves to another node's
// address, or when a job is restarted, while the GPU or the job's rank they describe stays.
bool IsVolatileLabel(const std::string& key) {
  static const std::set<std::string> kVolatile = {"instance",     "pod",          "container",
                                                  "endpoint",     "service",      "namespace",
                                                  "exported_pod", "exported_container", "exported_namespace"};
  return kVolatile.count(key) > 0;
}

// The select of the target `indices` of `history`: its common labels without the volatile ones
// when a label that names the unit remains (any but the volatile ones and the scrape's `job`) and
// the select then still picks no other series of the history; else every common label, volatile
// ones kept. `note` says which it did and why, naming the labels.
SelectorParts TargetSelector(const std::vector<TimeSeries>& history, const std::vector<size_t>& indices) {
  std::vector<const TimeSeries*> members;
  for (size_t i : indices) members.push_back(&history.at(i));
  SelectorParts parts = SelectorPartsFor(members);
  Labels volatile_labels, stable;
  for (const auto& [k, v] : parts.common) (IsVolatileLabel(k) ? volatile_labels : stable)[k] = v;
  if (volatile_labels.empty()) return parts;
  std::string keys, pairs, names;
  for (const auto& [k, v] : volatile_labels) {
    keys += (keys.empty() ? "" : ", ") + k;
    pairs += (pairs.empty() ? "" : ", ") + k + "=" + Quote(v);
  }
  for (const auto& [k, v] : stable) names += (names.empty() ? "" : ", ") + k;
  const bool identity = std::any_of(stable.begin(), stable.end(), [](const auto& kv) { return kv.first != "job"; });
  if (!identity) {
    parts.note = "kept " + keys + " in the select: no other label" +
                 std::string(stable.empty() ? "" : " but the scrape's job") +
                 " names the unit, so these rules select nothing once it changes (an exporter restarted "
                 "on another address, a restarted job); give the series a label that names it "
                 "(Hostname, gpu, rank, ...)";
    return parts;
  }
  SelectorParts reduced = parts;
  reduced.common = stable;
  const std::vector<std::string> others = OtherSeriesSelected(history, indices, reduced);
  if (!others.empty()) {
    parts.note = "kept " + keys + " in the select: without " + (volatile_labels.size() == 1 ? "it" : "them") +
                 ", `" + SelectorText(reduced) + "` also selects " + std::to_string(others.size()) +
                 " other series of the data (" + FirstIds(others) + "), so these rules select nothing once " +
                 keys + " changes";
    return parts;
  }
  reduced.dropped = volatile_labels;
  reduced.note = "left " + pairs + " out of the select: scrape labels that change when the exporter " +
                 "restarts or moves (or the job is restarted), after which a select on them picks nothing; " +
                 names + " name the unit and pick no other series of the data";
  return reduced;
}

// Labels a reader names a unit by, in the order a rule name takes them: the host, then the GPU /
// rank / device on it. Others follow in key order; the ones an engineer does not read a unit by
// (a GPU's UUID, the model, the scrape's job, the volatile scrape labels) come last.
constexpr int kHostLabels = 6;  // ReadableLabelRank below this: a host label
int ReadableLabelRank(const std::string& key) {
  static const std::vector<std::string> kFirst = {"Hostname", "hostname", "host", "node", "nodename",
                                                  "node_name", "gpu", "GPU", "gpu_index", "rank",
                                                  "local_rank", "device", "minor_number"};
  static const std::set<std::string> kLast = {"UUID", "uuid", "gpu_uuid", "modelName", "model", "job",
                                              "pci_bus_id", "DCGM_FI_DRIVER_VERSION", "DCGM_FI_PROCESS_NAME"};
  for (size_t r = 0; r < kFirst.size(); ++r)
    if (kFirst[r] == key) return static_cast<int>(r);
  if (IsVolatileLabel(key)) return 3000;
  return kLast.count(key) ? 2000 : 1000;
}

// The fewest of `labels` (series `self` of `work`, volatile ones already left out) that tell it
// apart from every other series of its metric in `work`, taken in ReadableLabelRank order (a label
// is taken when it rules out another series; then a taken label that the others make redundant is
// dropped again): the rule-name part of a one-for-one target, e.g. Hostname + gpu of a DCGM series
// whose UUID, modelName and job add nothing. Empty when the labels cannot tell it apart (the name
// then keeps them all).
Labels ShortLabels(const std::vector<TimeSeries>& work, size_t self, const Labels& labels) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : labels) keys.push_back(k);
  std::stable_sort(keys.begin(), keys.end(),
                   [](const std::string& a, const std::string& b) { return ReadableLabelRank(a) < ReadableLabelRank(b); });
  std::vector<size_t> rivals;
  for (size_t j = 0; j < work.size(); ++j)
    if (j != self && work[j].name == work[self].name) rivals.push_back(j);
  auto shares = [&](size_t j, const std::vector<std::string>& taken) {
    return std::all_of(taken.begin(), taken.end(), [&](const std::string& k) {
      auto f = work[j].labels.find(k);
      return f != work[j].labels.end() && f->second == labels.at(k);
    });
  };
  auto left = [&](const std::vector<std::string>& taken) {
    size_t n = 0;
    for (size_t j : rivals) n += shares(j, taken);
    return n;
  };
  std::vector<std::string> taken;
  for (const std::string& k : keys) {
    const size_t before = left(taken);
    if (before == 0) break;
    taken.push_back(k);
    if (left(taken) == before) taken.pop_back();
  }
  if (left(taken) != 0) return {};
  for (size_t i = taken.size(); i-- > 0;) {
    std::vector<std::string> without = taken;
    without.erase(without.begin() + static_cast<std::ptrdiff_t>(i));
    if (!without.empty() && left(without) == 0) taken = without;
  }
  Labels out;
  for (const std::string& k : taken) out[k] = labels.at(k);
  return out;
}

// How far a vanished series' last point may reach past its successor's first: Prometheus answers a
// series for up to its lookback delta (5 min by default) after its last sample when no staleness
// marker ended it (a backfill, an exporter killed hard).
constexpr int64_t kStitchOverlapMs = 5 * 60'000;

// Shared timestamps two series of one unit must have, all with the same reading, to be one unit
// reported twice at once (MergeSharedUnit) rather than two things that happen to share labels.
constexpr size_t kMinSharedReadings = 10;

// The series `group` of `history` (one unit's: equal but for volatile labels, sorted by first
// timestamp) as ONE series when they are that unit reported at once: a time-sliced or shared GPU,
// for which dcgm-exporter's pod mapping gives one series per pod using it, with the same reading.
// Each member after the first shares at least kMinSharedReadings timestamps with those before it
// and has the same value at every shared one (NaN as NaN); labels all alike otherwise. Appends the
// merged series (every timestamp once, in time order; the labels they share), its note and the
// volatile labels its select ignores (docs/rules.md "Series identity": the pods come and go, the
// GPU stays) and returns true; false (nothing appended) when they are not.
bool MergeSharedUnit(const std::vector<TimeSeries>& history, const std::vector<size_t>& group,
                     std::vector<TimeSeries>& out, std::vector<std::vector<std::string>>& ignoring,
                     std::vector<std::string>& notes) {
  if (group.size() < 2) return false;
  std::map<int64_t, double> merged;
  for (size_t g = 0; g < group.size(); ++g) {
    const TimeSeries& s = history[group[g]];
    if (s.has_anomaly_labels() != history[group[0]].has_anomaly_labels()) return false;
    size_t shared = 0;
    for (size_t k = 0; k < s.size(); ++k) {
      auto [it, fresh] = merged.emplace(s.timestamps_ms[k], s.values[k]);
      if (fresh) continue;
      const double a = it->second, b = s.values[k];
      if (!(a == b || (std::isnan(a) && std::isnan(b)))) return false;
      ++shared;
    }
    if (g > 0 && shared < kMinSharedReadings) return false;
  }
  std::vector<const TimeSeries*> members;
  for (size_t g : group) members.push_back(&history[g]);
  TimeSeries joined;
  joined.name = history[group[0]].name;
  joined.labels = SelectorPartsFor(members).common;
  joined.labels.erase("__name__");
  // Only the workload's labels may tell them apart: two exporters at once (another `instance`) are
  // not one GPU shared by pods, and stay apart (their selects keep the scrape labels and say why).
  auto pod_label = [](const std::string& k) {
    return k == "pod" || k == "namespace" || k == "container" || k == "exported_pod" || k == "exported_namespace" ||
           k == "exported_container";
  };
  std::set<std::string> ignored;
  for (const TimeSeries* m : members)
    for (const auto& [k, v] : m->labels)
      if (!joined.labels.count(k)) {
        if (!pod_label(k)) return false;
        ignored.insert(k);
      }
  // Labels the members share but a later pod may not have (the namespace of two pods of one team).
  for (const auto& [k, v] : joined.labels)
    if (pod_label(k)) ignored.insert(k);
  // Anomaly labels: a point is anomalous when it is in any member (they are one reading).
  std::map<int64_t, uint8_t> labels;
  for (const TimeSeries* m : members)
    for (size_t k = 0; k < m->anomaly_labels.size(); ++k) labels[m->timestamps_ms[k]] |= m->anomaly_labels[k];
  for (const auto& [t, v] : merged) {
    joined.timestamps_ms.push_back(t);
    joined.values.push_back(v);
    if (members[0]->has_anomaly_labels()) joined.anomaly_labels.push_back(labels[t]);
  }
  std::string note = "merged from " + std::to_string(group.size()) +
                     " series of one unit reported at once with the same readings (a time-sliced or shared "
                     "GPU: dcgm-exporter gives one series per pod using it): ";
  for (size_t g = 0; g < members.size(); ++g) {
    std::string differing;
    for (const auto& [k, v] : members[g]->labels)
      if (!joined.labels.count(k)) differing += (differing.empty() ? "" : ", ") + k + "=" + Quote(v);
    if (differing.empty()) differing = "without those labels";
    note += (g ? "; " : "") + differing + " (" + std::to_string(members[g]->size()) + " points from " +
            FormatRfc3339Ms(members[g]->timestamps_ms.front()) + ")";
  }
  std::vector<std::string> keys(ignored.begin(), ignored.end());
  note += "; its select ignores (";
  for (size_t i = 0; i < keys.size(); ++i) note += (i ? ", " : "") + keys[i];
  note += "): one history whichever pod uses it, the rules still watch it after these pods end";
  out.push_back(std::move(joined));
  ignoring.push_back(keys);
  notes.push_back(note);
  return true;
}

// One-for-one input: `history` with the fragments of one unit stitched into one series each. Series
// are fragments of one unit when their name and labels other than the volatile scrape ones are equal,
// a label among those names the unit (not only `job`), they differ in a volatile label (or its
// presence: dcgm-exporter's pod label of a job on the GPU, gone when it ends), and each
// starts after the one before ends (up to kStitchOverlapMs earlier; the earlier one's points from
// the later one's first timestamp on are left out): an exporter pod that moved, a restarted job.
// The stitched series has the labels all its fragments share; `parts[j]` are the history indices of
// out[j] and `notes[j]` says what was stitched ("" for a series kept as it is). Fragments that
// overlap more, or labeled in part, stay apart (the select then keeps their volatile labels, and
// says so).
void StitchFragments(const std::vector<TimeSeries>& history, std::vector<TimeSeries>& out,
                     std::vector<std::vector<size_t>>& parts, std::vector<std::string>& notes,
                     std::vector<std::vector<std::string>>& ignoring) {
  std::vector<std::string> keys(history.size());
  std::map<std::string, std::vector<size_t>> by_key;
  for (size_t i = 0; i < history.size(); ++i) {
    const TimeSeries& s = history[i];
    Labels stable;
    for (const auto& [k, v] : s.labels)
      if (!IsVolatileLabel(k)) stable[k] = v;
    const bool named = std::any_of(stable.begin(), stable.end(), [](const auto& kv) { return kv.first != "job"; });
    if (!named || s.empty()) continue;  // a fragment may have no volatile label (a pod label gone)
    keys[i] = FormatSeriesId(s.name, stable);
    by_key[keys[i]].push_back(i);
  }
  std::set<size_t> done;
  for (size_t i = 0; i < history.size(); ++i) {
    if (done.count(i)) continue;
    std::vector<size_t> group = keys[i].empty() ? std::vector<size_t>{i} : by_key[keys[i]];
    std::sort(group.begin(), group.end(), [&](size_t a, size_t b) {
      return history[a].timestamps_ms.front() < history[b].timestamps_ms.front();
    });
    bool stitch = group.size() > 1;
    for (size_t g = 1; stitch && g < group.size(); ++g) {
      const TimeSeries& a = history[group[g - 1]];
      const TimeSeries& b = history[group[g]];
      stitch = b.timestamps_ms.front() > a.timestamps_ms.front() &&
               b.timestamps_ms.front() + kStitchOverlapMs > a.timestamps_ms.back() &&
               b.timestamps_ms.back() > a.timestamps_ms.back() && a.has_anomaly_labels() == b.has_anomaly_labels();
    }
    if (!stitch && MergeSharedUnit(history, group, out, ignoring, notes)) {
      for (size_t g : group) done.insert(g);
      std::sort(group.begin(), group.end());
      parts.push_back(group);
      continue;
    }
    if (!stitch) {
      out.push_back(history[i]);
      parts.push_back({i});
      notes.emplace_back();
      ignoring.emplace_back();
      done.insert(i);
      continue;
    }
    std::vector<const TimeSeries*> members;
    for (size_t g : group) members.push_back(&history[g]);
    TimeSeries joined;
    joined.name = history[i].name;
    joined.labels = SelectorPartsFor(members).common;
    joined.labels.erase("__name__");
    std::string note = "stitched from " + std::to_string(group.size()) +
                       " series of one unit, one after another (its volatile scrape labels changed: an "
                       "exporter restarted or moved, a job restarted): ";
    std::set<std::string> ignored;  // the labels that changed: the select ignores them (DET3)
    for (size_t g = 0; g < group.size(); ++g) {
      const TimeSeries& s = history[group[g]];
      for (const auto& [k, v] : s.labels)
        if (!joined.labels.count(k)) ignored.insert(k);
      const int64_t next = g + 1 < group.size() ? history[group[g + 1]].timestamps_ms.front() : INT64_MAX;
      size_t kept = 0;
      for (size_t k = 0; k < s.size() && s.timestamps_ms[k] < next; ++k, ++kept) {
        joined.timestamps_ms.push_back(s.timestamps_ms[k]);
        joined.values.push_back(s.values[k]);
        if (s.has_anomaly_labels()) joined.anomaly_labels.push_back(s.anomaly_labels[k]);
      }
      std::string differing;
      for (const auto& [k, v] : s.labels)
        if (!joined.labels.count(k)) differing += (differing.empty() ? "" : ", ") + k + "=" + Quote(v);
      if (differing.empty()) differing = "without those labels";
      note += (g ? "; " : "") + differing + " from " + FormatRfc3339Ms(s.timestamps_ms.front()) + " (" +
              std::to_string(kept) + " points)";
      done.insert(group[g]);
    }
    out.push_back(std::move(joined));
    std::sort(group.begin(), group.end());
    parts.push_back(group);
    notes.push_back(note);
    // Run live, the unit's next move (a new pod or address) then joins its history, windows warm,
    // as MergeSharedUnit's selects do; before, the stitched select had no `ignoring` and the new
    // series started with cold windows.
    ignoring.emplace_back(ignored.begin(), ignored.end());
  }
}

// "" when the selector `parts` of the series `indices` picks no other series of `history`; else a
// warning naming them (the rule language cannot select a non-identifier name, so `vigil detect`
// would run the target's rules on them too).
std::string SelectorWarning(const std::vector<TimeSeries>& history, const std::vector<size_t>& indices,
                            const SelectorParts& parts) {
  if (indices.empty()) return "";
  const std::vector<std::string> others = OtherSeriesSelected(history, indices, parts);
  if (others.empty()) return "";
  return "selector `" + SelectorText(parts) + "` also selects " + std::to_string(others.size()) +
         " other series of the data (" + FirstIds(others) +
         "): the rule language selects by metric name (letters, digits, _ and : only) and labels, so "
         "`vigil detect` runs these rules on them too; give the series a label that tells them apart";
}

// FNV-1a: a fixed hash, so rule-file names do not change between runs or builds.
uint64_t NameHash(const std::string& s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

// TrainedTarget::file_stem for each of `names` (a run's targets, in order). The result for a name
// does not depend on the order of `names`: names that sanitising leaves unchanged take their stems
// first (distinct names, distinct stems), then the others in name order.
std::vector<std::string> RuleStems(const std::vector<std::string>& names) {
  std::vector<std::string> stems;
  std::map<std::string, int> count;
  for (const std::string& n : names) ++count[stems.emplace_back(Sanitize(n))];
  std::vector<size_t> order(names.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto kept = [&](size_t i) { return stems[i] == names[i] && stems[i].size() <= kMaxRuleStem; };
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    return std::make_pair(!kept(x), names[x]) < std::make_pair(!kept(y), names[y]);
  });
  std::set<std::string> taken;
  for (size_t i : order) {
    std::string& stem = stems[i];
    if (stem.size() > kMaxRuleStem || (stem != names[i] && count[stem] > 1)) {
      char hex[16];
      std::snprintf(hex, sizeof hex, "_%08x", static_cast<unsigned>(NameHash(names[i]) & 0xffffffffu));
      stem = stem.substr(0, kMaxRuleStem - 9) + hex;
    }
    // A name that is itself another's sanitised-and-hashed form (never by chance): number it.
    const std::string base = stem;
    for (int k = 2; !taken.insert(stem).second; ++k)
      stem = base.substr(0, kMaxRuleStem - 8) + "_" + std::to_string(k);
  }
  return stems;
}

// The prefix of each target's rule names (TrainedTarget::rule_prefix), from the run's file stems
// and target names (parallel). A rule is named `<prefix>_<the proposer's name>`, so where a stem
// followed by `_` starts another stem of the run (`T` beside `T_value_low_and`), the two targets'
// rules could get the same name in different files (`T` + `value_low_and_x`, `T_value_low_and` +
// `x`): that stem's prefix gets `_` and 8 hex digits of the target name's hash, as RuleStems does
// for file names (so it does not depend on the order of the targets), numbered in the (never by
// chance) case it still starts, or equals, another stem or prefix.
std::vector<std::string> RulePrefixes(const std::vector<std::string>& stems, const std::vector<std::string>& names) {
  auto starts_another = [&](const std::string& p, size_t self, const std::vector<std::string>& others) {
    for (size_t j = 0; j < others.size(); ++j) {
      if (j == self) continue;
      if (others[j] == p || (others[j].size() > p.size() && others[j].compare(0, p.size() + 1, p + "_") == 0))
        return true;
    }
    return false;
  };
  std::vector<std::string> prefixes = stems;
  for (size_t i = 0; i < stems.size(); ++i) {
    if (!starts_another(stems[i], i, stems)) continue;
    char hex[16];
    std::snprintf(hex, sizeof hex, "_%08x", static_cast<unsigned>(NameHash(names[i]) & 0xffffffffu));
    prefixes[i] = stems[i] + hex;
    const std::string base = prefixes[i];
    for (int k = 2; starts_another(prefixes[i], i, stems) || starts_another(prefixes[i], i, prefixes); ++k)
      prefixes[i] = base + "_" + std::to_string(k);
  }
  return prefixes;
}

std::string Quote(const std::string& v) {
  std::string o = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') o += '\\';
    o += c;
  }
  return o + "\"";
}

std::string RenameRules(const std::string& text, const std::string& prefix) {
  static const std::regex kRule(R"((^|\n)(\s*)rule\s+([A-Za-z_][A-Za-z0-9_]*))");
  return std::regex_replace(text, kRule, "$1$2rule " + prefix + "_$3");
}

// F1 is undefined on a part without a labeled anomaly point: 0.000 there read as a failed rule
// (OPS3, 2026-12-03). The JSON writes null, the rule file header n/a.
bool NoLabeledAnomaly(const RuleScore& s) { return s.counts.point.tp + s.counts.point.fn == 0; }
constexpr const char* kNoAnomalyF1 = "n/a (no labeled anomaly in the validation part)";

Json ScoreJson(const RuleScore& s) {
  Json j = DetectionCountsToJson(s.counts);
  j["objective_f1"] = NoLabeledAnomaly(s) ? Json(nullptr) : Json(s.objective_f1);
  j["points"] = s.points;
  j["flagged"] = s.flagged;
  return j;
}

constexpr size_t kMinTrainingPoints = 10;

// Series `s` as a LeftOutSeries when its history is too short to train on: under 20 points, or a
// training part of 10 to 19 points (kMinSeriesTrainingPoints) once the validation tail is cut
// (a training part under 10 is the validation fraction's doing: CutTarget names the fraction).
std::optional<LeftOutSeries> TooLittleHistory(const TimeSeries& s, const std::string& target, double fraction) {
  const size_t n = s.size();
  const size_t val = static_cast<size_t>(static_cast<double>(n) * fraction);
  const size_t train = n - std::min(n, val);
  const bool short_history = n < 20 || (val > 0 && train >= kMinTrainingPoints && train < kMinSeriesTrainingPoints);
  if (!short_history) return std::nullopt;
  return LeftOutSeries{s.id(), target, n, train, s.name, s.labels};
}

std::string FractionText(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// NaN fails every comparison, so the fraction is tested as "inside", not as "not outside".
Status CheckValidationFraction(double f) {
  if (f > 0 && f < 1) return Status::Ok();
  return InvalidArgumentError("validation fraction must be in (0, 1), got " + FractionText(f));
}

// The training data of one target: the series `indices` of `history`, each cut at one index into
// training chunks and a validation tail (the last options.validation_fraction).
Result<TrainingData> CutTarget(const std::vector<TimeSeries>& history, const std::vector<size_t>& indices,
                               const std::string& target, const TrainerOptions& options,
                               const SelectorParts& selector) {
  TrainingData data;
  data.target = target;
  std::vector<const TimeSeries*> members;
  for (size_t i : indices) {
    const TimeSeries& s = history.at(i);
    members.push_back(&s);
    const size_t n = s.size();
    const size_t val = static_cast<size_t>(static_cast<double>(n) * options.validation_fraction);
    if (n < 20) {
      return InvalidArgumentError("series " + s.id() + " has " + std::to_string(n) +
                                  " points; too few to train");
    }
    if (val == 0) {
      return InvalidArgumentError(
          "series " + s.id() + " has " + std::to_string(n) + " points: a validation fraction of " +
          FractionText(options.validation_fraction) + " leaves an empty validation tail (at least " +
          FractionText(1.0 / n) + " = 1/" + std::to_string(n) + " gives it one point)");
    }
    if (n - val < kMinTrainingPoints) {
      return InvalidArgumentError(
          "series " + s.id() + " has " + std::to_string(n) + " points: a validation fraction of " +
          FractionText(options.validation_fraction) + " leaves " + std::to_string(n - val) +
          " point(s) for the training part (needs " + std::to_string(kMinTrainingPoints) + ")");
    }
    data.train.push_back(s.SliceIndex(0, n - val));
    data.validation.push_back(s.SliceIndex(n - val, n));
  }
  if (members.empty()) return InvalidArgumentError("target `" + target + "` has no series");
  // Labels on some members only: training it unlabeled would drop the labels there are, labeled
  // would count every point of the others as normal. Neither is the user's data; say so.
  std::vector<std::string> unlabeled;
  for (const TimeSeries* s : members)
    if (!s->has_anomaly_labels()) unlabeled.push_back(s->id());
  if (!unlabeled.empty() && unlabeled.size() < members.size()) {
    std::string list;
    for (size_t i = 0; i < std::min<size_t>(unlabeled.size(), 3); ++i) list += (i ? ", " : "") + unlabeled[i];
    if (unlabeled.size() > 3) list += " and " + std::to_string(unlabeled.size() - 3) + " more";
    return InvalidArgumentError(
        "target `" + target + "`: " + std::to_string(members.size() - unlabeled.size()) + " of " +
        std::to_string(members.size()) + " series have anomaly labels, the others none (" + list +
        "); a target trains labeled or unlabeled as a whole: label every member, "
        "or none, or train them one-for-one");
  }
  data.metric = members[0]->name;
  data.selector = SelectorText(selector);
  data.labeled = unlabeled.empty();
  const size_t first_len = data.train[0].size();
  for (int c = 0; c < std::max(1, options.chunks); ++c)
    data.chunk_starts.push_back(first_len * c / std::max(1, options.chunks));
  return data;
}

// The group family's rule for `data` into `out`: kept → group_rule, appended renamed to rule_text;
// else group_note; an error → group_error (the proposer's rules stay).
void AddGroupRule(const TrainingData& data, EngineEvaluator& evaluator, const TrainerOptions& options,
                  TrainedTarget& out) {
  Result<GroupRuleResult> g = ProposeGroupRule(data, evaluator, options.group.value_or(GroupFamilyOptions{}));
  out.evaluations = evaluator.evaluations();
  if (!g.ok()) {
    out.group_error = g.status().message();
    return;
  }
  out.group_note = g->note;
  if (g->rule) {
    out.group_rule = g->rule;
    out.rule_text += RenameRules(g->rule->text, out.rule_prefix);
  }
}

}  // namespace

Result<std::string> TrainingDataSpec(const std::string& spec) {
  if (spec.rfind("smd:", 0) != 0) return spec;
  // As ReadDataset parses it: a colon after the path starts the split.
  const size_t colon = spec.rfind(':');
  const std::string path = spec.substr(4, colon > 3 ? colon - 4 : std::string::npos);
  if (path.empty())
    return InvalidArgumentError("--data " + spec + ": names no SMD folder (smd:PATH[:train])");
  if (colon == 3) return spec + ":train";  // no split given (the reader's default is test)
  const std::string split = spec.substr(colon + 1);
  if (split == "train") return spec;
  if (split == "test") {
    return InvalidArgumentError("--data " + spec +
                                ": training never reads a test split; use smd:PATH:train (SMD's train/ "
                                "files, unlabeled) or score the test split with `vigil eval detect`");
  }
  return InvalidArgumentError(
      "--data " + spec + ": the SMD split must be `train` (a test split is refused), got `" + split + "`");
}

Result<TrainMode> ParseTrainMode(std::string_view text) {
  if (text == "one-for-one") return TrainMode::kOneForOne;
  if (text == "one-for-all") return TrainMode::kOneForAll;
  return InvalidArgumentError("--mode must be one-for-one or one-for-all, got `" + std::string(text) + "`");
}

std::string_view TrainModeName(TrainMode mode) {
  return mode == TrainMode::kOneForOne ? "one-for-one" : "one-for-all";
}

std::string SelectorFor(const std::vector<const TimeSeries*>& series) {
  if (series.empty()) return "*";
  return SelectorText(SelectorPartsFor(series));
}

std::string LeftOutSummary(const TrainingRun& run) {
  if (run.left_out.empty()) return "";
  std::string list;
  for (size_t i = 0; i < std::min<size_t>(run.left_out.size(), 5); ++i) {
    const LeftOutSeries& l = run.left_out[i];
    list += (i ? "; " : "") + l.series + " (" + std::to_string(l.points) + " points, " +
            std::to_string(l.training_points) + " before the validation tail" +
            (l.target == l.series ? std::string() : ", target " + l.target) + ")";
  }
  if (run.left_out.size() > 5) list += " and " + std::to_string(run.left_out.size() - 5) + " more";
  return std::to_string(run.left_out.size()) + " series left out for too little history (a series needs " +
         std::to_string(kMinSeriesTrainingPoints) + " training points besides its validation tail; training.json " +
         "left_out): " + list;
}

std::string TrainingRun::CombinedRules() const {
  std::string out;
  for (const TrainedTarget& t : targets) out += t.rule_text;
  return out;
}

Result<TrainingRun> TrainRules(const std::vector<TimeSeries>& history,
                               const std::map<std::string, std::vector<size_t>>& groups,
                               RuleProposer& proposer, const TrainerOptions& options) {
  RETURN_IF_ERROR(CheckValidationFraction(options.validation_fraction));
  const auto start = std::chrono::steady_clock::now();
  TrainingRun run;
  run.proposer = std::string(proposer.name());
  run.mode = options.mode;
  run.objective = options.objective;
  run.delay_k = options.delay_k;
  // Targets.
  // Targets, as indices into `work`: the history with each unit's fragments stitched into one
  // series (`parts`: their history indices).
  std::vector<std::pair<std::string, std::vector<size_t>>> targets;
  std::vector<SelectorParts> selectors;  // per target, parallel to `targets`
  std::vector<TimeSeries> stitched;
  std::vector<std::vector<size_t>> parts;
  std::vector<std::string> stitch_notes;
  std::vector<std::vector<std::string>> ignoring;  // per stitched series: its select's `ignoring`
  std::vector<std::string> readable_names;  // one-for-one: what file and rule names are made from
  // Both modes stitch: one-for-all's members are units too (an exporter that moved inside the
  // history left two members for one GPU, the newer one often too short to train on).
  StitchFragments(history, stitched, parts, stitch_notes, ignoring);
  const std::vector<TimeSeries>& work = stitched;
  std::vector<size_t> work_of(history.size());  // history index -> its index in `work`
  for (size_t w = 0; w < parts.size(); ++w)
    for (size_t h : parts[w]) work_of[h] = w;
  // A group of history indices as `work` indices (each stitched series once, first-seen order).
  auto to_work = [&](const std::vector<size_t>& idx) {
    std::vector<size_t> w;
    std::set<size_t> in;
    for (size_t h : idx)
      if (in.insert(work_of.at(h)).second) w.push_back(work_of.at(h));
    return w;
  };
  if (options.mode == TrainMode::kOneForOne) {
    std::map<std::string, int> name_count;
    for (const TimeSeries& s : work) ++name_count[s.name];
    std::vector<Labels> named_labels;  // per target: its series' labels without the ones its select left out
    std::map<std::string, std::set<std::string>> name_keys;  // metric -> the label keys naming its series
    std::set<std::string> unnamed_metrics;  // a series no subset of its labels tells apart: all named in full
    for (size_t i = 0; i < work.size(); ++i) {
      if (std::optional<LeftOutSeries> l = TooLittleHistory(work[i], work[i].id(), options.validation_fraction)) {
        run.left_out.push_back(*l);
        continue;
      }
      // Named by the labels its select keeps: the exporter's address and pod left out of the select
      // stay out of the file and rule names too (still unique: the select picks no other series).
      selectors.push_back(TargetSelector(work, {i}));
      for (const std::string& k : ignoring[i])
        if (!selectors.back().common.count(k)) selectors.back().ignoring.push_back(k);
      Labels named = work[i].labels;
      for (const auto& [k, v] : selectors.back().dropped) named.erase(k);
      targets.push_back({name_count[work[i].name] == 1 ? work[i].name : FormatSeriesId(work[i].name, named), {i}});
      named_labels.push_back(named);
      const Labels short_labels = ShortLabels(work, i, named);
      if (short_labels.empty()) unnamed_metrics.insert(work[i].name);
      for (const auto& [k, v] : short_labels) name_keys[work[i].name].insert(k);
      // The host is named too where the series has one, even if this data has one host only: `gpu_0`
      // alone does not say which machine's GPU an incident is on.
      for (const auto& [k, v] : named)
        if (ReadableLabelRank(k) < kHostLabels && !short_labels.empty()) {
          name_keys[work[i].name].insert(k);
          break;
        }
    }
    // File and rule names: the metric and the labels that tell its series apart
    // (`DCGM_FI_DEV_GPU_TEMP_Hostname_node_a_gpu_0`), not every label (UUID, modelName, job ...): the
    // keys any of the metric's series needs (ShortLabels), so all of them are named alike (node-b's
    // one GPU keeps its gpu label).
    for (size_t t = 0; t < targets.size(); ++t) {
      const size_t i = targets[t].second[0];
      std::string readable = work[i].name;
      if (name_count[work[i].name] > 1) {
        const bool all = unnamed_metrics.count(work[i].name) > 0;
        std::vector<std::string> keys;  // host first, then the GPU / rank (ReadableLabelRank)
        for (const auto& [k, v] : named_labels[t])
          if (all || name_keys[work[i].name].count(k)) keys.push_back(k);
        std::stable_sort(keys.begin(), keys.end(), [](const std::string& a, const std::string& b) {
          return ReadableLabelRank(a) < ReadableLabelRank(b);
        });
        for (const std::string& k : keys) readable += " " + k + "=" + named_labels[t].at(k);
      }
      readable_names.push_back(readable);
    }
    // Two readable names alike (labels whose values read alike): those targets are named in full.
    std::map<std::string, int> readable_count;
    for (const std::string& r : readable_names) ++readable_count[r];
    for (size_t t = 0; t < targets.size(); ++t)
      if (readable_count[readable_names[t]] > 1) readable_names[t] = targets[t].first;
  } else if (!groups.empty()) {
    for (const auto& [g, idx] : groups) targets.push_back({g, to_work(idx)});
  } else {
    std::map<std::string, std::vector<size_t>> by_name;
    for (size_t i = 0; i < work.size(); ++i) by_name[work[i].name].push_back(i);
    for (auto& [g, idx] : by_name) targets.push_back({g, idx});
  }
  std::vector<std::string> names = readable_names;
  if (names.empty())
    for (const auto& target : targets) names.push_back(target.first);
  const std::vector<std::string> stems = RuleStems(names);
  const std::vector<std::string> prefixes = RulePrefixes(stems, names);
  run.targets_planned = targets.size();
  for (size_t t = 0; t < targets.size(); ++t) {
    if (options.stop && options.stop()) {
      run.interrupted = true;
      break;
    }
    const auto t0 = std::chrono::steady_clock::now();
    TrainedTarget out;
    out.target = targets[t].first;
    out.file_stem = stems[t];
    out.rule_prefix = prefixes[t];
    std::vector<size_t> members = targets[t].second;  // into `work`
    // The select picks every member (a short one too: the rules watch it once it has history); the
    // training data leaves out the members with too little history, unless that is all of them
    // (the target then fails in CutTarget, naming a series).
    SelectorParts selector = t < selectors.size() ? selectors[t] : TargetSelector(work, members);
    // One-for-all: the select ignores the labels that changed within a member's unit (stitched or
    // merged, as a one-for-one target's: DET3), so run live a unit's next pod or address joins its
    // history with warm windows (DET4: the select had no `ignoring`).
    if (options.mode == TrainMode::kOneForAll) {
      std::set<std::string> ignored;
      for (size_t w : members)
        for (const std::string& k : ignoring[w])
          if (!selector.common.count(k)) ignored.insert(k);
      selector.ignoring.assign(ignored.begin(), ignored.end());
    }
    if (options.mode == TrainMode::kOneForAll) {
      std::vector<size_t> kept;
      std::vector<LeftOutSeries> short_members;
      for (size_t i : members) {
        if (std::optional<LeftOutSeries> l = TooLittleHistory(work[i], out.target, options.validation_fraction))
          short_members.push_back(*l);
        else
          kept.push_back(i);
      }
      if (!kept.empty()) {
        members = kept;
        run.left_out.insert(run.left_out.end(), short_members.begin(), short_members.end());
      }
    }
    out.series.clear();  // history indices: a stitched member's every fragment
    for (size_t w : members) out.series.insert(out.series.end(), parts[w].begin(), parts[w].end());
    std::sort(out.series.begin(), out.series.end());
    for (size_t w : members)
      if (!stitch_notes[w].empty())
        out.stitch_note += (out.stitch_note.empty() ? "" : " | ") + work[w].id() + ": " + stitch_notes[w];
    if (options.mode == TrainMode::kOneForOne) out.stitch_note = stitch_notes[members[0]];
    Result<TrainingData> data_or = CutTarget(work, members, out.target, options, selector);
    if (!data_or.ok()) out.status = data_or.status();
    if (out.status.ok()) {
      const TrainingData& data = *data_or;
      out.selector = data.selector;
      out.selector_note = selector.note;
      out.selector_warning = SelectorWarning(work, targets[t].second, selector);
      out.labeled = data.labeled;
      out.fit_labeled = FitsLabeled(data);
      EngineEvaluator evaluator(data, options.objective, options.delay_k);
      ProposeOptions po = options.propose;
      po.delay_k = options.delay_k;
      if (options.progress) {
        const size_t count = targets.size();
        const std::string name = out.target;
        po.progress = [&options, t, count, name](int done, int planned) {
          options.progress(t, count, name, done, planned);
        };
      }
      po.stop = options.stop;
      Result<std::vector<RuleCandidate>> cands = proposer.Propose(data, evaluator, po);
      out.evaluations = evaluator.evaluations();
      if (!cands.ok() && options.stop && options.stop()) {
        // Cut short by the stop: recorded as not completed, no rules, no rule file; the run ends.
        out.interrupted = true;
        out.status = CancelledError("stopped before this target finished (" + cands.status().message() +
                                     "); no rules kept");
        out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        run.targets.push_back(std::move(out));
        run.interrupted = true;
        break;
      }
      if (!cands.ok()) {
        out.status = cands.status();
      } else if (!cands->empty()) {
        out.candidates = std::move(cands).value();
        out.best = out.candidates.front();
        out.rule_text = RenameRules(out.best->text, out.rule_prefix);
      }
      // The group family beside the proposer's rules (one-for-all targets; group_family.h).
      if (out.status.ok() && options.mode == TrainMode::kOneForAll && options.group_rule) {
        AddGroupRule(data, evaluator, options, out);
      }
    }
    out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    run.targets.push_back(std::move(out));
    if (options.target_done) {
      TrainedTarget& done = run.targets.back();
      if (Status st = options.target_done(run, done); !st.ok() && done.status.ok()) done.status = st;
    }
  }
  run.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return run;
}

Result<TrainedTarget> TrainGroupRule(const std::vector<TimeSeries>& history, const std::string& target,
                                     const TrainerOptions& options, std::vector<LeftOutSeries>* left_out) {
  if (!options.group_rule) return InvalidArgumentError("TrainGroupRule: options.group_rule is false");
  RETURN_IF_ERROR(CheckValidationFraction(options.validation_fraction));
  const auto t0 = std::chrono::steady_clock::now();
  TrainedTarget out;
  out.target = target;
  out.file_stem = RuleStems({target})[0];
  out.rule_prefix = out.file_stem;
  std::vector<size_t> all;
  for (size_t i = 0; i < history.size(); ++i) all.push_back(i);
  // As TrainRules' one-for-all targets: the select picks every member, the training data leaves out
  // those with too little history, unless that is all of them (CutTarget then names a series).
  const SelectorParts selector = TargetSelector(history, all);
  std::vector<LeftOutSeries> short_members;
  for (size_t i : all) {
    if (std::optional<LeftOutSeries> l = TooLittleHistory(history[i], target, options.validation_fraction))
      short_members.push_back(*l);
    else
      out.series.push_back(i);
  }
  if (out.series.empty()) {
    out.series = all;
  } else if (left_out != nullptr) {
    left_out->insert(left_out->end(), short_members.begin(), short_members.end());
  }
  ASSIGN_OR_RETURN(TrainingData data, CutTarget(history, out.series, target, options, selector));
  out.selector = data.selector;
  out.selector_note = selector.note;
  out.labeled = data.labeled;
  out.fit_labeled = FitsLabeled(data);
  EngineEvaluator evaluator(data, options.objective, options.delay_k);
  AddGroupRule(data, evaluator, options, out);
  out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

namespace {

// The provenance of the string-argument overloads: the whole data source, no unlabeled note.
RunProvenance PlainProvenance(const std::string& data_source, const std::string& split_note) {
  RunProvenance p;
  p.data_source = data_source;
  p.split_note = split_note;
  return p;
}

}  // namespace

std::string DataSubset::Describe() const {
  if (whole()) return "";
  std::string out;
  auto add = [&](const std::string& part) { out += (out.empty() ? ", not all of it: " : "; ") + part; };
  if (!name_filter.empty()) add("series whose name contains `" + name_filter + "` (--filter " + name_filter + ")");
  if (max_series > 0) {
    add("the first " + std::to_string(max_series) + " series in the reader's order (--max-series " +
        std::to_string(max_series) + ")");
  }
  if (max_points > 0) {
    add("the first " + std::to_string(max_points) + " points of each series (--max-points " +
        std::to_string(max_points) + ")");
  }
  return out;
}

Json TrainingRunToJson(const TrainingRun& run, const RunProvenance& provenance) {
  Json j;
  j["data"] = provenance.data_source;
  if (provenance.subset.whole()) {
    j["data_subset"] = nullptr;
  } else {
    Json sub = Json::object();
    if (!provenance.subset.name_filter.empty()) sub["filter"] = provenance.subset.name_filter;
    if (provenance.subset.max_series > 0) sub["max_series"] = provenance.subset.max_series;
    if (provenance.subset.max_points > 0) sub["max_points"] = provenance.subset.max_points;
    j["data_subset"] = sub;
  }
  j["split"] = provenance.split_note + provenance.split_more;
  const bool any_unlabeled =
      std::any_of(run.targets.begin(), run.targets.end(), [](const TrainedTarget& t) { return !t.fit_labeled; });
  if (any_unlabeled && !provenance.unlabeled_note.empty()) j["unlabeled"] = provenance.unlabeled_note;
  j["proposer"] = run.proposer;
  j["mode"] = std::string(TrainModeName(run.mode));
  j["objective"] = std::string(ObjectiveName(run.objective));
  j["delay_k"] = run.delay_k;
  j["wall_s"] = run.wall_s;
  j["complete"] = !run.interrupted;
  if (run.interrupted) j["targets_planned"] = run.targets_planned;
  j["left_out"] = Json::array();  // series with too little history (LeftOutSeries)
  for (const LeftOutSeries& l : run.left_out) {
    j["left_out"].push_back(Json{{"series", l.series},
                                 {"target", l.target},
                                 {"points", l.points},
                                 {"training_points", l.training_points},
                                 {"needs_training_points", kMinSeriesTrainingPoints}});
  }
  j["targets"] = Json::array();
  for (const TrainedTarget& t : run.targets) {
    Json tj{{"target", t.target},        {"selector", t.selector},       {"labeled", t.labeled},
            {"series", t.series.size()}, {"evaluations", t.evaluations}, {"wall_s", t.wall_s}};
    tj["rule_file"] = t.rule_text.empty() ? Json(nullptr) : Json(t.file_stem + ".rules");
    if (!t.stitch_note.empty()) tj["stitched"] = t.stitch_note;
    if (!t.selector_note.empty()) tj["selector_note"] = t.selector_note;
    if (!t.selector_warning.empty()) tj["selector_warning"] = t.selector_warning;
    if (!t.status.ok()) tj["error"] = t.status.ToString();
    if (t.interrupted) tj["completed"] = false;  // cut short by the stop: no rules, no rule file
    if (t.best) {
      tj["rules"] = t.rule_text;
      tj["rationale"] = t.best->rationale;
      tj["train"] = ScoreJson(t.best->train);
      tj["validation"] = ScoreJson(t.best->validation);
    } else if (t.status.ok()) {
      tj["rules"] = t.rule_text.empty() ? Json(nullptr) : Json(t.rule_text);
      tj["note"] = "no candidate improved the validation objective; no proposer rules for this target";
    }
    if (t.group_rule) {
      tj["group_rule"] = Json{{"rationale", t.group_rule->rationale},
                              {"train", ScoreJson(t.group_rule->train)},
                              {"validation", ScoreJson(t.group_rule->validation)}};
    }
    if (!t.group_note.empty()) tj["group_note"] = t.group_note;
    if (!t.group_error.empty()) tj["group_error"] = t.group_error;
    j["targets"].push_back(tj);
  }
  return j;
}

Json TrainingRunToJson(const TrainingRun& run, const std::string& data_source, const std::string& split_note) {
  return TrainingRunToJson(run, PlainProvenance(data_source, split_note));
}

Status WriteTargetRuleFile(const TrainingRun& run, const TrainedTarget& t, const std::string& dir,
                           const RunProvenance& provenance) {
  if (t.rule_text.empty()) return Status::Ok();
  const std::string now = FormatRfc3339Ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count());
  std::string head;
  head += "# Trained by `vigil train-rules` at " + now + "\n";
  head += "# data: " + provenance.data_source + provenance.subset.Describe() + "\n";
  head += "# target: " + t.target + " (" + std::to_string(t.series.size()) + " series, selector " +
          t.selector + ")\n";
  if (!t.stitch_note.empty()) head += "# series: " + t.stitch_note + "\n";
  if (!t.selector_note.empty()) head += "# select: " + t.selector_note + "\n";
  if (!t.selector_warning.empty()) head += "# warning: " + t.selector_warning + "\n";
  head += "# split: " + provenance.SplitLine(t.fit_labeled) + "\n";
  head += "# proposer: " + run.proposer + ", mode " + std::string(TrainModeName(run.mode)) + ", objective " +
          std::string(ObjectiveName(run.objective)) + " (k=" + std::to_string(run.delay_k) + ")\n";
  auto scores = [&t](const RuleCandidate& c) {
    char buf[256];
    if (!t.labeled) {  // no labels, no F1: what the review measured is how much the rules flag
      std::snprintf(buf, sizeof buf,
                    "train: %lld of %lld points flagged; validation: %lld of %lld points flagged, flag rate %.4f "
                    "(no labels, so no F1)\n",
                    static_cast<long long>(c.train.flagged), static_cast<long long>(c.train.points),
                    static_cast<long long>(c.validation.flagged), static_cast<long long>(c.validation.points),
                    c.validation.flag_rate());
      return std::string(buf);
    }
    if (NoLabeledAnomaly(c.validation)) {
      std::snprintf(buf, sizeof buf,
                    "train: objective F1 %.3f, point F1 %.3f; validation: objective F1 %s, flag rate %.4f\n",
                    c.train.objective_f1, c.train.counts.point.F1(), kNoAnomalyF1, c.validation.flag_rate());
      return std::string(buf);
    }
    std::snprintf(buf, sizeof buf,
                  "train: objective F1 %.3f, point F1 %.3f; validation: objective F1 %.3f, point F1 %.3f, "
                  "flag rate %.4f\n",
                  c.train.objective_f1, c.train.counts.point.F1(), c.validation.objective_f1,
                  c.validation.counts.point.F1(), c.validation.flag_rate());
    return std::string(buf);
  };
  if (t.best) {
    head += "# " + scores(*t.best);
    head += "# why: " + t.best->rationale + "\n";
  } else {
    head += "# proposer: no rule kept for this target\n";
  }
  if (t.group_rule) {
    head += "# group rule " + scores(*t.group_rule);
    head += "# group rule why: " + t.group_rule->rationale + "\n";
  }
  head += "\n";
  return WriteFileAtomic(dir + "/" + t.file_stem + ".rules", head + t.rule_text);
}

Status WriteTargetRuleFile(const TrainingRun& run, const TrainedTarget& t, const std::string& dir,
                           const std::string& data_source, const std::string& split_note) {
  return WriteTargetRuleFile(run, t, dir, PlainProvenance(data_source, split_note));
}

Status WriteRuleFiles(const TrainingRun& run, const std::string& dir, const RunProvenance& provenance) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return UnavailableError("cannot create " + dir + ": " + ec.message());
  for (const TrainedTarget& t : run.targets) RETURN_IF_ERROR(WriteTargetRuleFile(run, t, dir, provenance));
  return WriteFileAtomic(dir + "/training.json", TrainingRunToJson(run, provenance).dump(1));
}

Status WriteRuleFiles(const TrainingRun& run, const std::string& dir, const std::string& data_source,
                      const std::string& split_note) {
  return WriteRuleFiles(run, dir, PlainProvenance(data_source, split_note));
}

}  // namespace vigil
