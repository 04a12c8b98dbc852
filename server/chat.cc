// The chat responder and its routes; see chat.h for the contract.
#include "server/chat.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <exception>
#include <functional>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>

#include "agents/component_text.h"
#include "agents/node_names.h"
#include "agents/scrape_labels.h"
#include "core/ascii.h"
#include "core/clock.h"
#include "core/time_util.h"
#include "knowledge/exact_terms.h"
#include "knowledge/incident_source.h"
#include "knowledge/text_util.h"

namespace vigil {
namespace {

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// A character that continues a name ("node-3" must not match inside "node-30" or "xnode-3").
bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

// True when `needle` (lower case) occurs in `haystack` (lower case) as a whole name.
bool ContainsName(const std::string& haystack, const std::string& needle) {
  if (needle.empty()) return false;
  for (size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + 1)) {
    bool left_ok = pos == 0 || !IsNameChar(haystack[pos - 1]);
    size_t end = pos + needle.size();
    bool right_ok = end >= haystack.size() || !IsNameChar(haystack[end]);
    if (left_ok && right_ok) return true;
  }
  return false;
}

bool AllDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// The names an incident can be asked about by (lower case): see chat.h. Names of 3 characters or
// more from any of the labels below; a host, node or GPU name (node, host, hostname, device,
// instance's host part, the diagnosis' component and its parts) from 2 (a GPU host called `vm`).
// Shorter ones are words ("a"), not names. Matched as whole names (ContainsName), so `vm` is not
// found in "vmstat". `hosts`, when given, gets the host names among them (QuestionNamesHost).
std::set<std::string> IncidentNames(const LiveIncident& inc, std::set<std::string>* hosts = nullptr) {
  std::set<std::string> names;
  auto add_min = [&](std::string v, size_t min_size) {
    v = AsciiLower(v);
    if (v.size() >= min_size && !AllDigits(v)) names.insert(v);
    return v.size() >= min_size && !AllDigits(v) ? v : std::string();
  };
  auto add = [&](std::string v) { add_min(std::move(v), 3); };
  auto add_host = [&](std::string v) {
    std::string h = add_min(std::move(v), 2);
    if (hosts != nullptr && !h.empty()) hosts->insert(std::move(h));
  };
  if (inc.alert) {
    const Labels& l = inc.alert->labels;
    // The node labels are agents/node_names.h's kNodeLabelKeys, the list alert triage, the storms
    // and the reasoner read (RVFIX2, 2026-12-03: chat kept its own, without `kubernetes_node` and
    // `nodename`); an instance's host part (NodeLabelHost) is a host name too. Each read as they read
    // it (SubjectNodeLabel, REVFIX3): kube-state-metrics' own node (`kubernetes_node` on its pod
    // alerts) is no name of the incident, a renamed `exported_node` is.
    for (std::string_view key : kNodeLabelKeys) {
      std::string_view read;
      if (SubjectNodeLabel(l, key, &read).empty()) continue;
      auto it = l.find(std::string(read));
      if (it == l.end()) continue;
      const bool instance = key == "instance" || key == "exported_instance";
      if (instance) {
        add(it->second);
        add_host(NodeLabelHost(it->second));
      } else {
        add_host(it->second);
      }
    }
    for (const char* key : {"device", "job", "alertname", "pod", "exported_pod"}) {
      auto it = l.find(key);
      if (it == l.end()) continue;
      if (std::string_view(key) == "device") {
        add_host(it->second);
      } else {
        add(it->second);
      }
    }
    auto gpu = l.find("gpu");
    if (gpu != l.end()) add(AllDigits(gpu->second) ? "gpu" + gpu->second : gpu->second);
    add(inc.alert->rule);
  }
  if (inc.alert) {
    // A job id ("1234": Slurm's, or a trainer's `job` holding a number) is found as "job 1234", the
    // form JoinJobId gives the question's "job #1234", "job id 1234", "jobid 1234" (OPS3).
    for (const char* key : kJobIdLabelKeys) {
      auto it = inc.alert->labels.find(key);
      if (it != inc.alert->labels.end() && !it->second.empty() && it->second.size() <= 20 && AllDigits(it->second))
        names.insert("job " + it->second);
    }
  }
  if (inc.diagnosis && !inc.diagnosis->component.empty()) {
    // `job` (kJobComponent) is a job-wide answer's place, not a name: as one, every question
    // holding the word "job" listed every job-wide and every unknown diagnosis (OPS3).
    auto add_place = [&](const std::string& part) {
      if (AsciiLower(part) != kJobComponent) add_host(part);
    };
    const std::string& c = inc.diagnosis->component;
    add_place(c);
    std::stringstream parts(c);
    for (std::string part; std::getline(parts, part, '/');) add_place(part);
  }
  return names;
}

// Whether the question names `host` (an incident's host name, lower case) as a short name where the
// incident knows the FQDN only, or as an FQDN where it knows the short name ("node7" and
// "node7.cluster.local"), by alert placement's rule (agents/node_names.h SameNodeName: the short
// name is the FQDN's first label). DEF6, 2026-12-04: "anything on node7?" found no incident whose
// labels say node7.cluster.local. Equal spellings are ContainsName's; `words` are the question's
// runs of name characters and dots (QuestionHostWords).
bool QuestionNamesHost(const std::vector<std::string>& words, const std::string& host) {
  const bool host_fqdn = host.find('.') != std::string::npos;
  for (const std::string& w : words) {
    if ((w.find('.') != std::string::npos) != host_fqdn && SameNodeName(w, host)) return true;
  }
  return false;
}

std::vector<std::string> QuestionHostWords(const std::string& lower) {
  std::vector<std::string> words;
  std::string w;
  for (size_t i = 0; i <= lower.size(); ++i) {
    if (i < lower.size() && (IsNameChar(lower[i]) || lower[i] == '.')) {
      w += lower[i];
      continue;
    }
    while (!w.empty() && w.back() == '.') w.pop_back();  // the sentence's full stop
    if (w.size() >= 2) words.push_back(w);
    w.clear();
  }
  return words;
}

// Each `word` (a whole word) followed by a number in `lower`, with what `skip(lower, j)` passes
// over between them (from j, the index after the word; returns the number's index), written
// `joined` + the number. JoinGpuIndex and JoinJobId.
std::string JoinNumberAfterWord(const std::string& lower, std::string_view word, std::string_view joined,
                                const std::function<size_t(const std::string&, size_t)>& skip) {
  std::string out;
  out.reserve(lower.size());
  size_t i = 0;
  while (i < lower.size()) {
    if (lower.compare(i, word.size(), word) == 0 && (i == 0 || !IsNameChar(lower[i - 1]))) {
      const size_t j = skip(lower, i + word.size());
      size_t d = j;
      while (d < lower.size() && std::isdigit(static_cast<unsigned char>(lower[d]))) ++d;
      if (j > i + word.size() && d > j && (d == lower.size() || !IsNameChar(lower[d]))) {
        out += joined;
        out.append(lower, j, d - j);
        i = d;
        continue;
      }
    }
    out += lower[i++];
  }
  return out;
}

// "job 1234", "job #1234", "job id 1234", "job-id: 1234", "jobid 1234", "job_id=1234", "job-1234" ->
// "job 1234", the name a job id label is matched by (IncidentNames); "job #1234" is then no
// incident number.
std::string JoinJobId(const std::string& lower) {
  return JoinNumberAfterWord(lower, "job", "job ", [](const std::string& s, size_t j) {
    auto skip = [&](std::string_view chars) {
      while (j < s.size() && chars.find(s[j]) != std::string_view::npos) ++j;
    };
    skip(" -_");
    if (s.compare(j, 2, "id") == 0) {
      j += 2;
      skip(" ");
    }
    skip(" #:=-_");
    return j;
  });
}

// The job ids the question names ("job 1234", after JoinJobId).
std::vector<std::string> JobIdsInText(const std::string& joined) {
  std::vector<std::string> out;
  for (size_t pos = joined.find("job "); pos != std::string::npos; pos = joined.find("job ", pos + 1)) {
    if (pos > 0 && IsNameChar(joined[pos - 1])) continue;
    size_t d = pos + 4;
    while (d < joined.size() && std::isdigit(static_cast<unsigned char>(joined[d]))) ++d;
    if (d == pos + 4 || (d < joined.size() && IsNameChar(joined[d]))) continue;
    std::string name = joined.substr(pos, d - pos);
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  return out;
}

// Names in the question that look like a node, host or GPU ("node-9", "gpu5", "dgx-12").
std::vector<std::string> NodeLikeNames(const std::string& lower_message) {
  static const std::regex kNodeLike(
      R"((^|[^a-z0-9_-])((node|host|gpu|worker|dgx|compute|gn|cn)[-_]?[0-9]+(/gpu[0-9]+)?)(?![a-z0-9_-]))");
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(lower_message.begin(), lower_message.end(), kNodeLike);
       it != std::sregex_iterator(); ++it) {
    std::string name = (*it)[2].str();
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  return out;
}

// `#12`, `incident 12`, `incident #12`, `incident no. 12` in the question.
std::optional<int64_t> IncidentIdInText(const std::string& lower_message) {
  static const std::regex kId(R"((^|[^a-z0-9&])#([0-9]{1,15})(?![0-9])|incident\s*(no\.?\s*|number\s*)?#?\s*([0-9]{1,15})(?![0-9]))");
  std::smatch m;
  if (!std::regex_search(lower_message, m, kId)) return std::nullopt;
  std::string digits = m[2].matched ? m[2].str() : m[4].str();
  return std::stoll(digits);
}

// "gpu 5", "gpu #5" -> "gpu5", the name an incident's `gpu` label is matched by (IncidentNames), so
// "what is wrong with GPU 5 on node-3" finds it (RV-OPS, 2026-12-03: alerts and people write "GPU 5";
// only "gpu5" matched, and "gpu #5" was read as incident #5).
std::string JoinGpuIndex(const std::string& lower) {
  return JoinNumberAfterWord(lower, "gpu", "gpu", [](const std::string& s, size_t j) {
    while (j < s.size() && s[j] == ' ') ++j;
    if (j < s.size() && s[j] == '#') ++j;
    return j;
  });
}

bool MentionsWord(const std::string& lower_message, std::initializer_list<const char*> words) {
  for (const char* w : words)
    if (ContainsName(lower_message, w)) return true;
  return false;
}

// The question's text without the words that ask rather than describe ("what", "how", "any",
// "tell me", "please" ...): searched in the knowledge base, they matched entries that hold them in
// their prose (DOG8: "what is the weather in Paris?" cited a straggler entry and a full disk, and
// then listed 24 live disk incidents as of the same root cause). kb's own stop words (the, is, in)
// are dropped by its search.
std::string WithoutQuestionWords(const std::string& message) {
  static const std::set<std::string> kAsking = {
      "what", "whats", "what's", "which", "who", "whom", "whose", "why", "how", "when", "where", "does", "do", "did",
      "doing", "done", "can", "could", "would", "should", "will", "shall", "may", "might", "any", "anything", "something",
      "there", "here", "about", "tell", "me", "show", "give", "list", "find", "please", "you", "your", "i", "i'm", "my",
      "mine", "us", "know", "explain", "mean", "means", "happen", "happened", "happening", "going", "get", "got",
      "is", "are", "was", "were", "be", "been", "the", "a", "an", "of", "in", "on", "to", "for", "and", "or", "if",
      "it", "its", "it's", "this", "that", "these", "those", "then", "than", "so", "now", "today", "just", "also",
      "hi", "hello", "hey", "thanks", "thank", "ok", "okay", "yes", "no", "not", "some", "all", "again"};
  std::string out;
  size_t i = 0;
  while (i < message.size()) {
    while (i < message.size() && std::isspace(static_cast<unsigned char>(message[i]))) ++i;
    size_t j = i;
    while (j < message.size() && !std::isspace(static_cast<unsigned char>(message[j]))) ++j;
    if (j == i) break;
    std::string word = AsciiLower(std::string_view(message).substr(i, j - i));
    while (!word.empty() && std::ispunct(static_cast<unsigned char>(word.back()))) word.pop_back();
    while (!word.empty() && std::ispunct(static_cast<unsigned char>(word.front()))) word.erase(0, 1);
    if (!word.empty() && !kAsking.count(word)) {
      if (!out.empty()) out += ' ';
      out.append(message, i, j - i);
    }
    i = j;
  }
  return out;
}

// Whether the question refers back to what was asked before ("how was it fixed?", "what caused
// this?", "is that one resolved?", "the same GPU?"): a word that points at an incident named
// earlier (ChatQuestion::follow_up).
bool RefersBack(const std::string& lower_message) {
  return MentionsWord(lower_message, {"it", "its", "it's", "this", "that", "this one", "that one", "the incident",
                                      "the alert", "the same", "same one", "they", "them", "those", "these"});
}

// The alert's end is "stopped firing": "resolved" is what an on-call engineer says of an incident
// whose fix is recorded (DEF5, 2026-12-03; the list line's "resolved by ..." says that).
std::string StatusText(const LiveIncident& inc) {
  return inc.resolved ? inc.status + ", alert stopped firing" : inc.status;
}

std::string DisplayTitle(const LiveIncident& inc) {
  if (!inc.title.empty()) return inc.title;
  if (inc.alert && !inc.alert->rule.empty()) return inc.alert->rule;
  return "(no title)";
}

ChatCitation IncidentCitation(const LiveIncident& inc) {
  ChatCitation c;
  c.kind = "incident";
  c.id = std::to_string(inc.id);
  c.title = DisplayTitle(inc);
  c.url = "/api/v1/incidents/" + c.id;
  return c;
}

void AddCitation(std::vector<ChatCitation>& citations, ChatCitation c) {
  for (const ChatCitation& have : citations)
    if (have.kind == c.kind && have.id == c.id) return;
  citations.push_back(std::move(c));
}

// "#12 GpuXidError (diagnosed: gpu_fallen_off_bus on node-3/gpu5, confidence 0.87)".
std::string OneLine(const LiveIncident& inc) {
  std::string s = "#" + std::to_string(inc.id) + " " + DisplayTitle(inc) + " (" + StatusText(inc);
  if (inc.diagnosis) {
    s += ": " + inc.diagnosis->root_cause;
    const std::string place = RootCausePlaceForPeople(inc.diagnosis->root_cause, inc.diagnosis->component);
    if (!place.empty()) s += " on " + place;
    s += ", confidence " + Fixed(inc.diagnosis->confidence, 2);
  }
  if (inc.resolution) s += "; resolved by " + inc.resolution->by + " as " + inc.resolution->root_cause;
  return s + ")";
}

// The engineer's resolution, as stored: root cause, who, when, what was found and what fixed it,
// and whether the diagnosis had the same root cause.
void DescribeResolution(const LiveIncident& inc, std::string& out) {
  const LiveResolution& r = *inc.resolution;
  out += "Resolution (by " + r.by + (r.posted_ms > 0 ? ", " + FormatRfc3339Ms(r.posted_ms) : std::string()) +
         "): root cause " + r.root_cause + ".\n";
  out += "Found: " + r.summary + "\n";
  out += "Fixed by: " + r.resolution + "\n";
  if (inc.diagnosis) {
    out += inc.diagnosis->root_cause == r.root_cause
               ? "The diagnosis agreed (" + inc.diagnosis->root_cause + ").\n"
               : "The diagnosis said " + inc.diagnosis->root_cause + ", not " + r.root_cause + ".\n";
  }
}

// True when the question asks how an incident was fixed.
bool AsksAboutFix(const std::string& lower_message) {
  return MentionsWord(lower_message, {"fix", "fixed", "fixes", "resolve", "resolved", "resolution", "solve",
                                      "solved", "remedy", "remedied"});
}

std::string Received(const LiveIncident& inc) {
  return inc.received_at_ms > 0 ? ", received " + FormatRfc3339Ms(inc.received_at_ms) : "";
}

void DescribeIncident(const LiveIncident& inc, const ChatContext& ctx, std::string& out) {
  out += "Incident #" + std::to_string(inc.id) + ": " + DisplayTitle(inc) + " (" + StatusText(inc) +
         Received(inc) + ").\n";
  if (inc.resolution) DescribeResolution(inc, out);
  if (inc.alert) {
    auto summary = inc.alert->annotations.find("summary");
    if (summary != inc.alert->annotations.end() && inc.title.find(summary->second) == std::string::npos)
      out += "Alert: " + summary->second + "\n";
  }
  if (!inc.diagnosis) {
    if (inc.status == "failed")
      out += "The diagnosis failed" + (inc.error.empty() ? std::string(".") : ": " + inc.error) + "\n";
    else if (!inc.error.empty())
      out += "No diagnosis to show (status " + inc.status + "): " + inc.error + "\n";
    else if (!inc.verification.empty())
      out += "Not diagnosed yet (status " + inc.status + "); " + inc.verification +
             ". Ask again in a moment for the diagnosis.\n";
    else
      out += "Not diagnosed yet (status " + inc.status +
             "): the diagnosis runs in the background; ask again in a moment.\n";
    return;
  }
  const Diagnosis& d = *inc.diagnosis;
  out += "Root cause: " + d.root_cause;
  if (const std::string place = RootCausePlaceForPeople(d.root_cause, d.component); !place.empty())
    out += " on " + place;
  out += ", confidence " + Fixed(d.confidence, 2) + ".\n";
  if (!d.summary.empty()) out += "Summary: " + d.summary + "\n";
  if (d.evidence.empty()) {
    out += "Evidence: none recorded.\n";
  } else {
    out += "Evidence (" + std::to_string(d.evidence.size()) + "):\n";
    size_t shown = std::min(d.evidence.size(), ctx.evidence_lines);
    for (size_t i = 0; i < shown; ++i) {
      const Evidence& e = d.evidence[i];
      out += "  - [" + std::string(EvidenceKindName(e.kind)) + "] " +
             (e.source.empty() ? std::string("(no source)") : e.source) + ": " + e.detail + "\n";
    }
    if (shown < d.evidence.size())
      out += "  (" + std::to_string(d.evidence.size() - shown) + " more in /api/v1/incidents/" +
             std::to_string(inc.id) + ")\n";
  }
  out += "Mitigation: " + (d.mitigation.empty() ? std::string("none recorded.") : d.mitigation) + "\n";
  if (!d.unverified.empty()) {
    out += "Not verified:\n";
    size_t shown = std::min(d.unverified.size(), ctx.evidence_lines);
    for (size_t i = 0; i < shown; ++i) out += "  - " + d.unverified[i] + "\n";
    if (shown < d.unverified.size())
      out += "  (" + std::to_string(d.unverified.size() - shown) + " more in /api/v1/incidents/" +
             std::to_string(inc.id) + ")\n";
  }
}

// Similar past incidents from the knowledge base; hits that share no word with the query are
// dropped (see chat.h).
Status AddKnowledge(const std::string& query_text, const std::string& category, const ChatContext& ctx,
                    std::string& out, std::vector<ChatCitation>& citations) {
  if (ctx.kb == nullptr) {
    out += "Similar past incidents: no knowledge base is loaded.\n";
    return Status::Ok();
  }
  if (kb::Trim(query_text).empty()) {  // only asking words (WithoutQuestionWords): nothing to search
    out += "Similar past incidents: nothing in the question to search for; ask by incident (#12), node (node-3) or "
           "alert name, or describe the symptom (NCCL timeout, Xid 79).\n";
    return Status::Ok();
  }
  // An exact code in the question ("xid 79", "ncclRemoteError": knowledge/exact_terms.h) ranks the
  // entries naming it first, among a deeper search (RVFIX2, 2026-12-03: "xid 79" listed the Xid 45
  // entry first); the scores shown stay the search's.
  const std::vector<kb::ExactTerm> exact = kb::ExactTermsOf(query_text);
  auto search = [&](const std::string& cat) -> Result<std::vector<SearchHit>> {
    SearchQuery q;
    q.text = query_text;
    q.k = exact.empty() ? ctx.kb_hits : std::max<size_t>(ctx.kb_hits * 8, 40);
    q.category = cat;
    q.include_guides = false;
    ASSIGN_OR_RETURN(std::vector<SearchHit> hits, ctx.kb->Search(q));
    std::erase_if(hits, [](const SearchHit& h) { return h.lexical_rank == 0; });
    hits = kb::ExactTermsFirst(std::move(hits), exact);
    if (hits.size() > ctx.kb_hits) hits.resize(ctx.kb_hits);
    return hits;
  };
  ASSIGN_OR_RETURN(std::vector<SearchHit> hits, search(category));
  if (hits.empty() && !category.empty()) {
    ASSIGN_OR_RETURN(hits, search(""));
  }
  if (hits.empty()) {
    out += "Similar past incidents: the knowledge base has none that shares a word with this.\n";
    return Status::Ok();
  }
  out += "Similar past incidents (knowledge base):\n";
  for (const SearchHit& h : hits) {
    out += "  - kb:" + h.incident.id + " \"" + h.incident.title + "\" (" + h.category + "), score " +
           Fixed(h.score, 4) + "\n";
    if (!h.incident.mitigation.empty()) out += "    mitigation then: " + h.incident.mitigation + "\n";
    // Where it came from and when (WALKK, 2026-12-04): the team's tracker, a postmortem file, serve's
    // own resolutions and the shipped pack read alike before.
    if (std::string from = kb::IncidentSourceLabel(h.incident.source); !from.empty()) {
      out += "    source: ";
      out += from;
      if (h.incident.started_at_ms > 0) {
        out += ", started ";
        out += FormatRfc3339Ms(h.incident.started_at_ms);
      }
      out += "\n";
    }
    ChatCitation c;
    c.kind = "kb";
    c.id = h.incident.id;
    c.title = h.incident.title;
    c.score = h.score;
    AddCitation(citations, std::move(c));
  }
  return Status::Ok();
}

std::string IncidentSearchText(const LiveIncident& inc) {
  std::string text = DisplayTitle(inc);
  if (inc.alert) {
    for (const char* key : {"summary", "description"}) {
      auto it = inc.alert->annotations.find(key);
      if (it != inc.alert->annotations.end()) text += " " + it->second;
    }
  }
  if (inc.diagnosis && inc.diagnosis->root_cause != "unknown") {
    std::string cause = inc.diagnosis->root_cause;
    std::replace(cause.begin(), cause.end(), '_', ' ');
    text += " " + cause;
  }
  return text;
}

// `asks_fix`: the question asks how it was fixed (AsksAboutFix): the answer leads with that.
Status AnswerOne(const LiveIncident& inc, const ChatContext& ctx, std::string& out,
                 std::vector<ChatCitation>& citations, bool asks_fix = false) {
  if (asks_fix) {
    out += inc.resolution ? "Incident #" + std::to_string(inc.id) + " was fixed by: " + inc.resolution->resolution +
                                " (root cause " + inc.resolution->root_cause + ", recorded by " +
                                inc.resolution->by + ").\n"
                          : "No resolution has been recorded for incident #" + std::to_string(inc.id) +
                                " (the on-call engineer posts it to /api/v1/incidents/" + std::to_string(inc.id) +
                                "/resolution); what is stored:\n";
  }
  DescribeIncident(inc, ctx, out);
  AddCitation(citations, IncidentCitation(inc));
  std::string category;
  if (inc.diagnosis && inc.diagnosis->root_cause != "unknown") category = inc.diagnosis->root_cause;
  return AddKnowledge(IncidentSearchText(inc), category, ctx, out, citations);
}

void ListIncidents(const std::vector<LiveIncident>& list, std::string& out, std::vector<ChatCitation>& citations) {
  for (const LiveIncident& inc : list) {
    out += "  - " + OneLine(inc) + "\n";
    AddCitation(citations, IncidentCitation(inc));
  }
}

// An open incident: its alert still fires and no resolution was posted for it (OPS3, 2026-12-03:
// "open incidents" listed one the engineer had posted the fix of). REST's `?state=open` is the same
// (IncidentStore::List).
bool IsOpen(const LiveIncident& inc) { return !inc.resolved && !inc.resolution.has_value(); }
constexpr const char* kOpenMeaning = "open is an alert still firing with no resolution posted";

// "which incidents were resolved today", "show resolved", "resolved incidents", "closed incidents":
// a list of resolved ones (not "how was it resolved": a fix question; not "unresolved": open).
bool AsksResolved(const std::string& lower) {
  if (MentionsWord(lower, {"resolved incidents", "resolved incident", "resolved alerts", "closed incidents",
                           "incidents resolved", "incidents that resolved"})) {
    return true;
  }
  return MentionsWord(lower, {"resolved", "closed"}) && !MentionsWord(lower, {"how", "why"}) &&
         MentionsWord(lower, {"incident", "incidents", "alert", "alerts", "show", "list", "which", "what", "any",
                              "today"});
}

bool AsksOpen(const std::string& lower) {
  return MentionsWord(lower, {"open", "unresolved", "ongoing", "firing", "active incidents", "active alerts",
                              "current incidents"});
}

Result<ChatAnswer> AnswerBuiltin(const ChatQuestion& question, const ChatContext& ctx) {
  ChatAnswer answer;
  answer.mode = "builtin";
  std::string& out = answer.answer;
  const std::string lower = JoinJobId(JoinGpuIndex(AsciiLower(question.message)));

  std::optional<int64_t> id = question.incident;
  if (!id) id = IncidentIdInText(lower);
  if (id) {
    if (ctx.incidents == nullptr) {
      out = "Incident #" + std::to_string(*id) + ": this server keeps no live incidents.\n";
      return answer;
    }
    Result<LiveIncident> inc = ctx.incidents->Get(*id);
    if (!inc.ok() && inc.status().code() == StatusCode::kNotFound) {
      out = "There is no incident #" + std::to_string(*id) + " in the store.\n";
      return answer;
    }
    if (!inc.ok()) return inc.status();
    RETURN_IF_ERROR(AnswerOne(*inc, ctx, out, answer.citations, AsksAboutFix(lower)));
    answer.about = inc->id;
    return answer;
  }

  std::vector<LiveIncident> recent;
  if (ctx.incidents != nullptr) {
    ASSIGN_OR_RETURN(recent, ctx.incidents->Recent(ctx.scan_limit));
  }

  // Names carried by stored incidents that the question mentions.
  std::vector<LiveIncident> named;
  std::set<std::string> matched_names;
  const std::vector<std::string> host_words = QuestionHostWords(lower);
  for (const LiveIncident& inc : recent) {
    bool hit = false;
    std::set<std::string> hosts;
    for (const std::string& name : IncidentNames(inc, &hosts)) {
      if (ContainsName(lower, name) || (hosts.count(name) && QuestionNamesHost(host_words, name))) {
        matched_names.insert(name);
        hit = true;
      }
    }
    if (hit) named.push_back(inc);
  }
  std::vector<std::string> unknown_names;
  std::vector<std::string> asked = NodeLikeNames(lower);
  // A node-like name the scan of the newest did not find: looked up whatever the incidents' age
  // (IncidentLookup::OnNode; DOG8).
  if (ctx.incidents != nullptr) {
    for (const std::string& n : asked) {
      if (n.find('/') != std::string::npos || matched_names.count(n)) continue;
      ASSIGN_OR_RETURN(std::vector<LiveIncident> older, ctx.incidents->OnNode(n, ctx.scan_limit));
      for (LiveIncident& inc : older) {
        matched_names.insert(n);
        const bool have = std::any_of(named.begin(), named.end(), [&](const LiveIncident& x) { return x.id == inc.id; });
        if (!have) named.push_back(std::move(inc));
      }
    }
    std::sort(named.begin(), named.end(), [](const LiveIncident& a, const LiveIncident& b) { return a.id > b.id; });
  }
  for (std::string& n : JobIdsInText(lower)) asked.push_back(std::move(n));
  for (const std::string& n : asked) {
    bool known = std::any_of(matched_names.begin(), matched_names.end(),
                             [&](const std::string& m) { return m == n || ContainsName(m, n); });
    if (!known) unknown_names.push_back(n);
  }
  if (!unknown_names.empty()) {
    std::string list;
    for (const std::string& n : unknown_names) list += (list.empty() ? "" : ", ") + n;
    out += "No incident in the store mentions " + list + " (searched the " + std::to_string(recent.size()) +
           " newest" + (ctx.incidents != nullptr && ctx.incidents->SearchesEveryNode() ? ", and every incident by node name" : "") +
           ").\n";
  }
  // "Open" asked with names ("any open incidents on gpu-a17?"): only the open ones of them (OPS3,
  // 2026-12-03: the named match listed a resolved incident too).
  const bool asks_open = AsksOpen(lower);
  if (!named.empty() && asks_open) {
    std::vector<LiveIncident> open;
    for (const LiveIncident& inc : named)
      if (IsOpen(inc)) open.push_back(inc);
    std::string names;
    for (const std::string& n : matched_names) names += (names.empty() ? "" : ", ") + n;
    if (open.empty()) {
      out += "No open incident mentions " + names + " (" + std::to_string(named.size()) + " incident" +
             (named.size() == 1 ? "" : "s") + " mention it, none open: " + kOpenMeaning + "):\n";
      ListIncidents(named, out, answer.citations);
      return answer;
    }
    named = std::move(open);
  }
  if (!named.empty()) {
    std::string names;
    for (const std::string& n : matched_names) names += (names.empty() ? "" : ", ") + n;
    // "How was it fixed?" is answered by the newest of them with a resolution (OPS3, 2026-12-03:
    // the newest was described, "No resolution has been recorded", while an earlier incident of the
    // same alert on the same GPU held the engineer's fix).
    const bool asks_fix = AsksAboutFix(lower);
    auto chosen = named.begin();
    if (asks_fix) {
      auto fixed = std::find_if(named.begin(), named.end(), [](const LiveIncident& inc) { return inc.resolution.has_value(); });
      if (fixed != named.end()) chosen = fixed;
    }
    if (named.size() > 1) {
      out += std::to_string(named.size()) + " incidents mention " + names + " (newest first):\n";
      ListIncidents(named, out, answer.citations);
      out += chosen == named.begin() ? "The newest:\n" : "The newest with a resolution:\n";
    }
    RETURN_IF_ERROR(AnswerOne(*chosen, ctx, out, answer.citations, asks_fix));
    if (named.size() == 1) answer.about = chosen->id;
    return answer;
  }
  if (!unknown_names.empty()) {
    // The question was about a name nobody carries: nothing more to say from the store.
    RETURN_IF_ERROR(AddKnowledge(WithoutQuestionWords(question.message), "", ctx, out, answer.citations));
    return answer;
  }

  // Lists by state or severity, besides the open ones below (RV-OPS, 2026-12-03: "show failed
  // incidents", "resolved incidents", "any critical incidents?" were knowledge-base searches that
  // answered with unrelated past incidents).
  // "The latest critical incident" is the newest of the critical ones: the lists come before the
  // newest of all (review S35, 2026-12-03: "latest" was read first, and "what is the most recent
  // critical incident?" answered the newest incident whatever its severity).
  const bool newest_only = MentionsWord(lower, {"latest", "newest", "most recent", "last incident", "last alert"});
  Status listed;
  auto list_where = [&](const std::string& what, const std::function<bool(const LiveIncident&)>& keep) {
    std::vector<LiveIncident> kept;
    for (const LiveIncident& inc : recent)
      if (keep(inc)) kept.push_back(inc);
    if (ctx.incidents == nullptr) {
      out += "This server keeps no live incidents.\n";
    } else if (kept.empty()) {
      out += "No " + what + " incidents (searched the " + std::to_string(recent.size()) + " newest).\n";
    } else if (newest_only) {
      listed = AnswerOne(kept.front(), ctx, out, answer.citations);
      answer.about = kept.front().id;
    } else {
      out += std::to_string(kept.size()) + " " + what + " incident" + (kept.size() == 1 ? "" : "s") +
             " (newest first):\n";
      ListIncidents(kept, out, answer.citations);
    }
  };
  if (MentionsWord(lower, {"failed incidents", "failed incident", "failed triage", "failed triages", "triage failed",
                           "failed diagnosis", "failed diagnoses", "incidents failed", "incidents that failed"})) {
    list_where("failed (triage failed)", [](const LiveIncident& inc) { return inc.status == "failed"; });
    RETURN_IF_ERROR(listed);
    return answer;
  }
  // Alerts that stopped firing, resolution or not (Alertmanager's "resolved").
  if (MentionsWord(lower, {"stopped firing", "stopped incidents", "stopped alerts", "alerts that stopped",
                           "incidents that stopped", "no longer firing", "not firing"})) {
    list_where("stopped firing (the alert ended; resolution recorded or not)",
               [](const LiveIncident& inc) { return inc.resolved; });
    RETURN_IF_ERROR(listed);
    return answer;
  }
  // Resolved: a resolution is recorded (how it was fixed), as REST's ?state=resolved (DEF5,
  // 2026-12-03: the chat listed the incidents whose alert stopped firing, fix or not, and "which
  // incidents were resolved today" / "show resolved" were knowledge-base searches). An incident
  // whose alert stopped firing with no resolution is said apart: stopped firing, not resolved.
  if (AsksResolved(lower)) {
    const bool today = MentionsWord(lower, {"today"});
    const int64_t now_ms = (ctx.clock != nullptr ? ctx.clock : SystemClock())->NowMs();
    const std::string day = FormatRfc3339Ms(now_ms).substr(0, 10);
    auto posted_today = [&](const LiveIncident& inc) {
      return inc.resolution->posted_ms > 0 && FormatRfc3339Ms(inc.resolution->posted_ms).substr(0, 10) == day;
    };
    const std::string what = today ? "resolved (a resolution recorded today, " + day + " UTC)"
                                   : std::string("resolved (a resolution recorded)");
    list_where(what, [&](const LiveIncident& inc) { return inc.resolution.has_value() && (!today || posted_today(inc)); });
    RETURN_IF_ERROR(listed);
    if (ctx.incidents != nullptr) {
      std::string stopped;
      for (const LiveIncident& inc : recent) {
        if (!inc.resolved || inc.resolution) continue;
        stopped += stopped.empty() ? "#" : ", #";
        stopped += std::to_string(inc.id);
      }
      if (!stopped.empty()) {
        out += "Stopped firing, not resolved (no resolution recorded): " + stopped +
               (today ? " (whenever they stopped)" : "") + ".\n";
      }
    }
    return answer;
  }
  if (MentionsWord(lower, {"critical incidents", "critical incident", "critical alerts", "critical alert"})) {
    list_where("critical", [](const LiveIncident& inc) { return inc.alert && AsciiLower(inc.alert->severity) == "critical"; });
    RETURN_IF_ERROR(listed);
    return answer;
  }
  if (MentionsWord(lower, {"latest", "newest", "most recent", "last incident", "last alert",
                              "recent incidents", "recent alerts"})) {
    if (recent.empty()) {
      out += ctx.incidents == nullptr ? "This server keeps no live incidents.\n"
                                      : "There are no incidents in the store yet.\n";
      return answer;
    }
    RETURN_IF_ERROR(AnswerOne(recent.front(), ctx, out, answer.citations));
    answer.about = recent.front().id;
    return answer;
  }
  if (asks_open) {
    std::vector<LiveIncident> open;
    for (const LiveIncident& inc : recent)
      if (IsOpen(inc)) open.push_back(inc);
    if (open.empty()) {
      out += ctx.incidents == nullptr ? "This server keeps no live incidents.\n"
                                      : "No open incidents (searched the " +
                                            std::to_string(recent.size()) + " newest).\n";
      return answer;
    }
    out += std::to_string(open.size()) + " open incident" + (open.size() == 1 ? "" : "s") +
           " (newest first):\n";
    ListIncidents(open, out, answer.citations);
    return answer;
  }

  // A follow-up ("how was it fixed?") of an answer about one incident: about that one (DOG8).
  if (question.follow_up && ctx.incidents != nullptr && RefersBack(lower)) {
    Result<LiveIncident> inc = ctx.incidents->Get(*question.follow_up);
    if (inc.ok()) {
      out += "About incident #" + std::to_string(inc->id) + ", the one of your previous question:\n";
      RETURN_IF_ERROR(AnswerOne(*inc, ctx, out, answer.citations, AsksAboutFix(lower)));
      answer.about = inc->id;
      return answer;
    }
    if (inc.status().code() != StatusCode::kNotFound) return inc.status();
  }
  // A symptom: what the knowledge base knows, and live incidents with the same root cause.
  out += "No incident id, node or alert name from the store in the question; searched the "
         "knowledge base for it.\n";
  RETURN_IF_ERROR(AddKnowledge(WithoutQuestionWords(question.message), "", ctx, out, answer.citations));
  std::set<std::string> causes;
  for (const ChatCitation& c : answer.citations) {
    if (c.kind != "kb" || ctx.kb == nullptr) continue;
    auto inc = ctx.kb->GetIncident(c.id);
    if (inc.ok() && !inc->root_cause.empty()) causes.insert(inc->root_cause);
  }
  std::vector<LiveIncident> same;
  for (const LiveIncident& inc : recent)
    if (inc.diagnosis && causes.count(inc.diagnosis->root_cause)) same.push_back(inc);
  if (!same.empty()) {
    out += "Live incidents with one of these root causes:\n";
    ListIncidents(same, out, answer.citations);
  }
  return answer;
}

// The `#N` and `kb:ID` an LLM answer cites: `#` and digits, or `kb:` and [A-Za-z0-9_.:-]* ending
// in [A-Za-z0-9_]. Scanned by hand, not with std::regex: libstdc++'s matcher recurses once per
// character and overflowed the stack on a token of about 32 KiB (the LLM's text, or an alert
// summary quoted in the facts).
std::vector<std::string> CitedIds(const std::string& text) {
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  auto ends_id = [&](char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  auto in_id = [&](char c) { return ends_id(c) || c == '.' || c == ':' || c == '-'; };
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '#' && i + 1 < text.size() && is_digit(text[i + 1])) {
      size_t end = i + 1;
      while (end < text.size() && is_digit(text[end])) ++end;
      out.push_back("incident:" + text.substr(i + 1, end - i - 1));
      i = end;
      continue;
    }
    if (text.compare(i, 3, "kb:") == 0) {
      size_t end = i + 3;
      while (end < text.size() && in_id(text[end])) ++end;
      while (end > i + 3 && !ends_id(text[end - 1])) --end;
      if (end > i + 3) {
        out.push_back(text.substr(i, end - i));
        i = end;
        continue;
      }
    }
    ++i;
  }
  return out;
}

Result<ChatAnswer> AnswerWithLlm(const ChatQuestion& question, const ChatAnswer& facts, const ChatContext& ctx) {
  std::string citable;
  std::set<std::string> allowed;
  for (const ChatCitation& c : facts.citations) {
    std::string key = c.kind == "incident" ? "incident:" + c.id : "kb:" + c.id;
    allowed.insert(key);
    citable += (citable.empty() ? "" : ", ") + (c.kind == "incident" ? "#" + c.id : "kb:" + c.id);
  }
  // Knowledge items the facts quote (a diagnosis' evidence "kb:<id>") may be cited too.
  for (const std::string& id : CitedIds(facts.answer))
    if (id.rfind("kb:", 0) == 0 && allowed.insert(id).second) citable += (citable.empty() ? "" : ", ") + id;
  ChatRequest request;
  request.purpose = "chat";
  request.messages.push_back(
      {"system",
       "You are Vigil, an assistant for on-call engineers of GPU training clusters. Answer the "
       "engineer's question in plain words using ONLY the facts given. Cite live incidents as #N "
       "and knowledge-base items as kb:ID, and only those listed as citable. If the facts do not "
       "answer the question, say so; never guess a root cause.",
       {}, "", ""});
  request.messages.push_back({"user",
                              "Question: " + question.message + "\n\nFacts (from Vigil's incident "
                              "store and knowledge base):\n" + facts.answer + "\nCitable: " +
                                  (citable.empty() ? std::string("nothing") : citable),
                              {}, "", ""});
  ASSIGN_OR_RETURN(ChatResponse response, ctx.llm->Chat(request));
  const std::string& text = response.message.content;
  if (text.empty()) return InvalidArgumentError("the LLM answered with no text");
  for (const std::string& id : CitedIds(text)) {
    if (!allowed.count(id)) {
      std::string shown = id.rfind("incident:", 0) == 0 ? "#" + id.substr(9) : id;
      if (shown.size() > 80) shown = shown.substr(0, 80) + "... (" + std::to_string(shown.size()) + " bytes)";
      return FailedPreconditionError("the LLM answer cites " + shown + ", which is not among the facts");
    }
  }
  ChatAnswer answer = facts;
  answer.answer = text;
  answer.mode = "llm";
  return answer;
}


void SendError(httplib::Response& res, int http_status, const std::string& message, const std::string& where) {
  res.status = http_status;
  res.set_content(DumpJson(Json{{"error", message}, {"where", where}}), "application/json");
}

std::string RandomNonce() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng()));
  return buf;
}

}  // namespace

std::string IncidentTitle(const Alert& alert) {
  auto summary = alert.annotations.find("summary");
  std::string s = summary == alert.annotations.end() ? "" : summary->second;
  if (alert.rule.empty()) return s;
  return s.empty() ? alert.rule : alert.rule + ": " + s;
}

Json ChatCitation::ToJson() const {
  Json j{{"kind", kind}, {"id", id}, {"title", title}, {"url", url}};
  if (score) j["score"] = *score;
  return j;
}

Json ChatAnswer::ToJson() const {
  Json cites = Json::array();
  for (const ChatCitation& c : citations) cites.push_back(c.ToJson());
  Json j{{"answer", answer}, {"citations", cites}, {"mode", mode}};
  if (!note.empty()) j["note"] = note;
  if (about) j["incident"] = *about;
  return j;
}

Result<ChatQuestion> ParseChatQuestion(std::string_view body, size_t max_message_bytes) {
  // The body's shape, said where the body is not it (DOG5, 2026-12-05: a question posted as plain
  // text got "body: not JSON: ... invalid literal" and no word of what to send).
  static constexpr std::string_view kShape = R"(; send {"message": "your question"} (and "incident": ID to ask about one))";
  auto parsed = ParseJson(body, "request body");
  if (!parsed.ok()) return InvalidArgumentError("body: not JSON: " + parsed.status().message() + std::string(kShape));
  const Json& j = *parsed;
  if (!j.is_object()) return InvalidArgumentError("body: must be a JSON object" + std::string(kShape));
  for (const auto& [key, value] : j.items()) {
    (void)value;
    if (key != "message" && key != "incident" && key != "follow_up")
      return InvalidArgumentError(key + ": unknown field (known: message, incident, follow_up)");
  }
  ChatQuestion q;
  if (!j.contains("message")) return InvalidArgumentError("message: missing" + std::string(kShape));
  if (!j["message"].is_string()) return InvalidArgumentError("message: must be a string");
  q.message = j["message"].get<std::string>();
  if (q.message.size() > max_message_bytes)
    return InvalidArgumentError("message: " + std::to_string(q.message.size()) + " bytes, at most " +
                                std::to_string(max_message_bytes));
  if (kb::Trim(q.message).empty()) return InvalidArgumentError("message: empty");
  for (const char* field : {"incident", "follow_up"}) {
    if (!j.contains(field) || j[field].is_null()) continue;
    const Json& v = j[field];
    const std::string f = field;
    if (!v.is_number_integer()) return InvalidArgumentError(f + ": must be a whole number (an incident id)");
    int64_t id = v.is_number_unsigned() && v.get<uint64_t>() > INT64_MAX ? -1 : v.get<int64_t>();
    if (id < 1) return InvalidArgumentError(f + ": must be an incident id >= 1");
    (f == "incident" ? q.incident : q.follow_up) = id;
  }
  return q;
}

Result<ChatAnswer> AnswerQuestion(const ChatQuestion& question, const ChatContext& context) {
  ASSIGN_OR_RETURN(ChatAnswer builtin, AnswerBuiltin(question, context));
  if (context.llm == nullptr) return builtin;
  Result<ChatAnswer> llm = AnswerWithLlm(question, builtin, context);
  if (llm.ok()) return *llm;
  builtin.note = "LLM answer not used: " + llm.status().ToString();
  return builtin;
}

std::string ChatPageHtml(std::string_view nonce) {
  std::string n(nonce);
  return R"HTML(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Vigil chat</title>
<style nonce=")HTML" + n + R"HTML(">
body{font-family:system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2329}
header{background:#1d2329;color:#fff;padding:.6em 1em;font-weight:600}
main{max-width:60em;margin:0 auto;padding:1em}
#log{display:flex;flex-direction:column;gap:.6em;margin-bottom:1em}
.msg{padding:.6em .8em;border-radius:6px;background:#fff;border:1px solid #d8dde3}
.msg.user{background:#e8f0fe;align-self:flex-end;max-width:80%}
.msg.error{background:#fdecea;border-color:#f5c2c0}
.text{white-space:pre-wrap;overflow-wrap:anywhere;font-family:ui-monospace,monospace;font-size:.9em}
.msg{min-width:0;overflow-wrap:anywhere}
.msg.pending{color:#5f6b76;font-style:italic}
.cites{margin:.5em 0 0;padding-left:1.2em;font-size:.85em}
.cited{max-height:30em;overflow:auto;background:#f6f7f9;border:1px solid #d8dde3;padding:.4em;margin:.3em 0}
.cited.error{background:#fdecea}
.incident-view{margin:.3em 0}
.incident-view.error{background:#fdecea}
details.record>summary{cursor:pointer;font-size:.85em;color:#5f6b76}
.verification{background:#fffbe6;border:1px solid #e8d99a;padding:.4em;margin:.3em 0;font-size:.9em}
.verification[data-state="diagnosed"]{background:#eef7ee;border-color:#b9dcb9}
.verification .steps{margin:.3em 0;padding-left:1.2em}
.verification .step.fail,.verification .step.error{color:#a4262c}
.verification .step.planned{color:#5f6b76}
.mode{font-size:.75em;color:#5f6b76}
details.resolve{margin:.3em 0;font-size:.9em}
details.resolve>summary{cursor:pointer;color:#1d5fa8}
.resolve-form{display:flex;flex-direction:column;gap:.3em;margin:.3em 0}
.resolve-form label{display:flex;flex-direction:column;font-size:.85em;color:#5f6b76}
.resolve-result.error{background:#fdecea}
form{display:flex;gap:.5em}
textarea{flex:1;min-height:3em;font:inherit;padding:.4em}
button{padding:.4em 1.2em;font:inherit}
#auth{margin-bottom:1em}
#auth[hidden]{display:none}
#auth{flex-wrap:wrap}
#auth-why{flex-basis:100%;font-size:.85em;color:#a4262c}
input{flex:1;font:inherit;padding:.4em}
</style></head>
<body><header>Vigil &mdash; ask about incidents</header>
<main>
<div id="log" aria-live="polite"></div>
<form id="auth" hidden><span id="auth-why"></span><input id="token" type="password" autocomplete="off"
 placeholder="this server needs a bearer token (vigil serve --auth-token-file): paste it here">
<button type="submit">Use token</button></form>
<form id="ask"><textarea id="message" maxlength="4096"
 placeholder="e.g. what happened in incident #12? / anything on node-3? / open incidents / NCCL timeouts after a driver update"></textarea>
<button type="submit">Ask</button></form>
</main>
<script nonce=")HTML" + n + R"HTML(">
"use strict";
const log = document.getElementById("log");
// The bearer token (vigil serve --auth-token-file) lives in this tab's sessionStorage: from a
// `#token=...` link (the fragment never reaches the server; removed from the address bar at once)
// or typed into the form a 401 reveals. Sent with every API call as Authorization: Bearer.
const tokenKey = "vigil-token";
const fromHash = new URLSearchParams(location.hash.slice(1)).get("token");
if (fromHash) {
  sessionStorage.setItem(tokenKey, fromHash);
  history.replaceState(null, "", location.pathname + location.search);
}
// What 401s refused (questions, an incident, a resolution), each done again once a token is given,
// keyed so that one refused twice is done once. DOG9: it was one slot, so a question asked after a
// refused resolution took its place and the resolution was never posted.
const pending = new Map();
// Shows the token form, saying why (none sent, or the one sent refused: a wrong one, or rotated on
// the server), and keeps `action` under `key` for when a token is given.
function needToken(key, action) {
  pending.set(key, action);
  document.getElementById("auth-why").textContent = sessionStorage.getItem(tokenKey)
      ? "This tab's token was refused (a wrong one, or replaced on the server): paste the current one here; " +
        "what it refused is done again then."
      : "This server needs its bearer token (vigil serve --auth-token-file): paste it here; what it refused " +
        "is done again then.";
  document.getElementById("auth").hidden = false;
  document.getElementById("token").focus();
}
const tokenAdvice = "; paste the token in the box at the top of the page";
let asked = 0;  // numbers the questions (their keys in `pending`)
function add(role, text, citations, mode) {
  const box = document.createElement("div");
  box.className = "msg " + role;
  const body = document.createElement("div");
  body.className = "text";
  body.textContent = text;
  box.appendChild(body);
  if (citations && citations.length) {
    const list = document.createElement("ul");
    list.className = "cites";
    for (const c of citations) {
      const item = document.createElement("li");
      item.className = "cite";
      const label = (c.kind === "incident" ? "#" + c.id : "kb:" + c.id) + " " + (c.title || "") +
          (typeof c.score === "number" ? " (score " + c.score.toFixed(4) + ")" : "");
      if (typeof c.url === "string" && /^\/api\/v1\/incidents\/[0-9]+$/.test(c.url)) {
        const a = document.createElement("a");
        // The href is this page showing the incident (`/?incident=N`), not the API URL: what opens
        // the link with no click event here (the context menu's "Open link in new tab", a drag to
        // the tab bar, a copied link) got the API's 401, since a link cannot send the header.
        a.href = "/?incident=" + c.url.slice(c.url.lastIndexOf("/") + 1);
        a.textContent = label;
        // A click opens the incident here, fetched with the Authorization header: a plain link
        // cannot send it (401 with --auth-token-file), and a token in the URL would be logged.
        // A Ctrl/Cmd/Shift-click or a middle click (auxclick) opens it in a new tab the same way.
        a.addEventListener("click", (ev) => {
          ev.preventDefault();
          if (ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button === 1) openCitationInTab(item, c.url);
          else if (ev.button === 0) openCitation(item, c.url);
        });
        a.addEventListener("auxclick", (ev) => {
          if (ev.button !== 1) return;  // the right button: the browser's menu
          ev.preventDefault();
          openCitationInTab(item, c.url);
        });
        item.appendChild(a);
      } else {
        item.textContent = label;
      }
      list.appendChild(item);
    }
    box.appendChild(list);
  }
  if (mode) {
    const m = document.createElement("div");
    m.className = "mode";
    m.textContent = "answered by: " + mode;
    box.appendChild(m);
  }
  log.appendChild(box);
  box.scrollIntoView({block: "end"});
}
// An incident's `verification` (GET /api/v1/incidents/{id}: what its triage's probes did or are
// doing, server/verification_progress.h) in words: the summary line, the budget and the time left,
// the leading hypotheses with their posterior, then each step: answered (its verdict and reason),
// running (for how long, its limit), waiting for another process's lease on its GPU (for how long,
// for what and whom) or planned (not started yet). All set as text.
function verificationBox(v) {
  const box = document.createElement("div");
  box.className = "verification";
  box.dataset.state = String(v.state || "");
  const line = (cls, text) => {
    const d = document.createElement("div");
    d.className = cls;
    d.textContent = text;
    box.appendChild(d);
  };
  const secs = (x) => (typeof x === "number" ? x.toFixed(1) : "?") + " s";
  line("vsummary", v.summary || ("verification " + v.state));
  const st = v.steps || {};
  const planned = Array.isArray(v.planned) ? v.planned : [];
  line("vcounts", "steps: " + (st.done || 0) + " done, " + (st.running || 0) + " running, " +
      (st.waiting ? st.waiting + " waiting for another process's probe lease, " : "") +
      planned.length + " planned, not started" + (st.abandoned ? ", " + st.abandoned + " abandoned" : ""));
  if (typeof v.budget_s === "number") {
    line("vbudget", "budget " + secs(v.budget_s) + (v.state === "running" ? ", " + secs(v.left_s) + " left" : "") +
        " (the probe executor's grace " + secs(v.probe_grace_s) + ")" +
        (typeof v.elapsed_s === "number" ? "; " + secs(v.elapsed_s) + " since the first probe started" : ""));
  } else if (typeof v.elapsed_s === "number") {
    line("vbudget", "no verification budget; " + secs(v.elapsed_s) + " since the first probe started");
  }
  if (Array.isArray(v.leading) && v.leading.length) {
    line("vleading", "leading hypotheses: " + v.leading.map((h) => String(h.hypothesis) +
        (h.target ? " on " + h.target : "") + " " + (typeof h.posterior === "number" ? h.posterior.toFixed(3) : "?")).join(", "));
  }
  const list = document.createElement("ul");
  list.className = "steps";
  const step = (cls, text) => {
    const li = document.createElement("li");
    li.className = "step " + cls;
    li.textContent = text;
    list.appendChild(li);
  };
  for (const d of v.done || []) {
    step(String(d.status), d.probe + "@" + d.target + ": " + d.status + " after " + secs(d.seconds) +
        (d.reason ? ": " + d.reason : ""));
  }
  for (const r of v.running || []) {
    step("running", r.probe + "@" + r.target + ": running for " + secs(r.for_s) + " (limit " + secs(r.limit_s) + ")");
  }
  for (const w of v.waiting || []) {
    step("waiting", w.probe + "@" + w.target + ": waiting " + secs(w.waiting_s) + " for " + w.waiting_for +
        " (limit " + secs(w.limit_s) + ")");
  }
  for (const p of planned) step("planned", p.probe + "@" + p.target + ": planned, not started");
  if (list.childNodes.length) box.appendChild(list);
  return box;
}
// Shows the incident `url` answers under the citation `item` as the chat describes an incident
// (div.incident-view: status, root cause, evidence with sources, mitigation, what was not verified,
// similar past incidents: the built-in answer to "incident #N", POST /api/v1/chat), its verification
// in words, and the stored record (JSON, as text) folded away in a <details> under it (REV3,
// 2026-12-04: the record alone was shown, raw JSON, to the engineer opening a link at 3 a.m.); a
// second click hides it. An incident whose triage runs (no diagnosis yet) is fetched again every
// 2 s while shown, so its verification box and its description follow the probes to the diagnosis.
async function openCitation(item, url) {
  const shown = item.querySelector("pre.cited");
  if (shown) {
    for (const sel of ["details.record", "div.verification", "div.incident-view", "details.resolve"]) {
      const el = item.querySelector(sel);
      if (el) el.remove();
    }
    if (shown.isConnected) shown.remove();
    return;
  }
  const pre = document.createElement("pre");
  pre.className = "cited text";
  pre.textContent = "loading " + url + " ...";
  item.appendChild(pre);
  await fillCitation(item, pre, url);
  document.body.dataset.cited = url;
}
// The incident `j` (GET /api/v1/incidents/{id}) described in `view` as the chat does: the chat's
// built-in answer about it, fetched with this tab's token. A failure is said in the view.
async function describeIncident(view, j) {
  try {
    const headers = {"Content-Type": "application/json"};
    const token = sessionStorage.getItem(tokenKey);
    if (token) headers["Authorization"] = "Bearer " + token;
    const r = await fetch("/api/v1/chat", {method: "POST", headers: headers,
        body: JSON.stringify({message: "incident #" + j.id, incident: j.id})});
    const a = await r.json();
    if (r.ok && typeof a.answer === "string") {
      view.className = "incident-view text";
      view.textContent = a.answer;
    } else {
      view.className = "incident-view text error";
      view.textContent = "Error " + r.status + " describing incident #" + j.id + (a.where ? " (" + a.where + ")" : "") +
          ": " + a.error + "; the stored record is below";
    }
  } catch (e) {
    view.className = "incident-view text error";
    view.textContent = "Describing incident #" + j.id + " failed: " + e + "; the stored record is below";
  }
}
async function fillCitation(item, pre, url) {
  try {
    const headers = {"Accept": "application/json"};
    const token = sessionStorage.getItem(tokenKey);
    if (token) headers["Authorization"] = "Bearer " + token;
    const r = await fetch(url, {headers: headers});
    const text = await r.text();
    let j = null;
    try { j = JSON.parse(text); } catch (e) { j = null; }
    if (!pre.isConnected) return;  // hidden meanwhile
    if (r.ok && j !== null) {
      // The record folded away under the description (a <details> made once).
      let record = item.querySelector("details.record");
      if (!record) {
        record = document.createElement("details");
        record.className = "record";
        const summary = document.createElement("summary");
        summary.textContent = "the stored record (" + url + ", JSON)";
        record.appendChild(summary);
        item.insertBefore(record, pre);
        record.appendChild(pre);
      }
      let view = item.querySelector("div.incident-view");
      if (!view) {
        view = document.createElement("div");
        view.className = "incident-view text";
        view.textContent = "loading incident #" + j.id + " ...";
        item.insertBefore(view, record);
      }
      // Described first, then the record filled: a record no longer `loading` is a described one.
      if (typeof j.id === "number") await describeIncident(view, j);
      if (!pre.isConnected) return;  // hidden meanwhile
      const old = item.querySelector("div.verification");
      if (old) old.remove();
      if (j.verification && typeof j.verification === "object") {
        item.insertBefore(verificationBox(j.verification), record);
      }
      // Once its triage has ended: the form recording what fixed it (made once, kept while shown).
      if (typeof j.id === "number" && !["queued", "running"].includes(j.state) && !item.querySelector("details.resolve")) {
        item.insertBefore(resolutionForm(j), record);
      }
      pre.className = "cited text";
      pre.textContent = JSON.stringify(j, null, 2);
      const open = j.diagnosis === null && ["queued", "running"].includes(j.state);
      if (open) setTimeout(() => { if (pre.isConnected) fillCitation(item, pre, url); }, 2000);
    } else {
      if (r.status === 401) {
        // Fetched again once a token is given (the error shown until then is replaced).
        needToken("open " + url, () => {
          pre.remove();
          openCitation(item, url);
        });
      }
      pre.className = "cited text error";
      const id = url.slice(url.lastIndexOf("/") + 1);
      pre.textContent = (r.status === 404 ? "There is no incident #" + id + " in this server's store. " : "") +
          "Error " + r.status + " opening " + url +
          (j && j.error ? (j.where ? " (" + j.where + ")" : "") + ": " + j.error : "") +
          (r.status === 401 ? tokenAdvice + ": the incident is opened then" : "");
    }
  } catch (e) {
    pre.className = "cited text error";
    pre.textContent = "Opening " + url + " failed: " + e;
  }
}
// The on-call engineer's resolution of incident `j` (POST /api/v1/incidents/{id}/resolution: root
// cause, what was found, what fixed it, by whom; stored and imported into the knowledge base), folded
// in a <details> under the incident (DOG8: the page had no way to record it; the answer only named
// the route). The root cause is prefilled with the diagnosis'; an error (an unknown category and the
// nearest one, a missing field, 409 while triaged) is said under the form, whose fields keep their
// text; a 401 shows the token form and posts again once a token is given.
function resolutionForm(j) {
  const box = document.createElement("details");
  box.className = "resolve";
  const summary = document.createElement("summary");
  summary.textContent = j.resolution ? "replace the recorded resolution of incident #" + j.id
                                     : "record what fixed incident #" + j.id;
  box.appendChild(summary);
  const form = document.createElement("form");
  form.className = "resolve-form";
  const field = (name, label, value, multiline) => {
    const l = document.createElement("label");
    l.textContent = label + " ";
    const input = document.createElement(multiline ? "textarea" : "input");
    input.name = name;
    input.value = value || "";
    l.appendChild(input);
    form.appendChild(l);
    return input;
  };
  const had = j.resolution || {};
  const cause = field("root_cause", "root cause (a category, e.g. gpu_fallen_off_bus)",
                      had.root_cause || (j.diagnosis && j.diagnosis.root_cause !== "unknown" ? j.diagnosis.root_cause : ""));
  // The categories the server accepts offered as a list (the taxonomy's, then those the user's
  // imported incidents added), typing still free: the server checks it (DOG9: only typed text).
  const choices = document.createElement("datalist");
  choices.id = "categories-" + j.id;
  form.appendChild(choices);
  cause.setAttribute("list", choices.id);
  cause.autocomplete = "off";
  const offer = async () => {
    if (choices.childNodes.length) return;
    const list = await loadCategories();
    if (!list.length || choices.childNodes.length) return;
    const learned = list.filter((c) => c.learned).length;
    for (const c of list) {
      const o = document.createElement("option");
      o.value = c.id;
      o.label = (c.learned ? "learned from your incidents" : c.layer) +
          (c.incidents ? ", " + c.incidents + " past incident" + (c.incidents === 1 ? "" : "s") : "");
      choices.appendChild(o);
    }
    cause.parentNode.firstChild.textContent = "root cause: one of the " + (list.length - learned) +
        " taxonomy categories" + (learned ? " or " + learned + " learned from your incidents" : "") +
        " (pick from the list, or type one) ";
  };
  offer();
  box.addEventListener("toggle", offer);  // again when opened, should the first fetch have failed (a 401)
  const found = field("summary", "what was found", had.summary, true);
  const fix = field("resolution", "what fixed it", had.resolution, true);
  const by = field("by", "by", had.by || sessionStorage.getItem("vigil-by") || "");
  const button = document.createElement("button");
  button.type = "submit";
  button.textContent = "Record";
  form.appendChild(button);
  const result = document.createElement("div");
  result.className = "resolve-result text";
  box.appendChild(form);
  box.appendChild(result);
  const post = async () => {
    button.disabled = true;
    result.className = "resolve-result text";
    result.textContent = "recording ...";
    try {
      const headers = {"Content-Type": "application/json"};
      const token = sessionStorage.getItem(tokenKey);
      if (token) headers["Authorization"] = "Bearer " + token;
      const body = {root_cause: cause.value.trim(), summary: found.value.trim(), resolution: fix.value.trim(),
                    by: by.value.trim()};
      const r = await fetch("/api/v1/incidents/" + j.id + "/resolution",
                            {method: "POST", headers: headers, body: JSON.stringify(body)});
      const a = await r.json();
      if (r.ok) {
        sessionStorage.setItem("vigil-by", body.by);
        result.textContent = "Recorded for incident #" + j.id + (a.replaced_earlier ? " (it replaced the earlier one)" : "") +
            ": " + body.resolution + " (root cause " + body.root_cause + ", by " + body.by +
            "); the knowledge base has it for the next incident.";
      } else {
        if (r.status === 401) needToken("resolve " + j.id, post);
        result.className = "resolve-result text error";
        result.textContent = "Error " + r.status + (a.where ? " (" + a.where + ")" : "") + ": " + a.error +
            (r.status === 401 ? tokenAdvice + ": this resolution is posted then, as the fields above hold it " +
                                    "(nothing typed is lost)"
                              : "; nothing was lost: correct it above and press Record again");
      }
    } catch (e) {
      result.className = "resolve-result text error";
      result.textContent = "Recording failed (" + e + ": is vigil serve running?); the text is kept above";
    }
    button.disabled = false;
    document.body.dataset.resolution = result.className.includes("error") ? "error" : "recorded";
  };
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (!button.disabled) post();
  });
  return box;
}
// GET /api/v1/categories' list (what a resolution's root_cause may be), fetched once with this tab's
// token; [] when it could not be (the form then takes typed text alone; fetched again next time).
let categories = null;
async function loadCategories() {
  if (!categories) {
    categories = (async () => {
      const headers = {"Accept": "application/json"};
      const token = sessionStorage.getItem(tokenKey);
      if (token) headers["Authorization"] = "Bearer " + token;
      const r = await fetch("/api/v1/categories", {headers: headers});
      const j = await r.json();
      if (!r.ok || !Array.isArray(j.categories)) throw new Error("HTTP " + r.status);
      return j.categories;
    })();
  }
  try {
    return await categories;
  } catch (e) {
    categories = null;
    return [];
  }
}
// Opens the incident `url` names in a new tab as this page showing it, `/?incident=N` (described as
// the chat does, its record folded under it), opened in the click so no pop-up blocker stops it. A
// tab opened so (an opener, no `noopener`) starts with a copy of this tab's sessionStorage, so the
// token comes with it and is in no URL; without one the tab's 401 shows its token form. With pop-ups
// refused it is shown under the citation `item` instead, as a plain click does. (REV3, 2026-12-04:
// before, the new tab showed the record's raw JSON from a blob: URL.)
function openCitationInTab(item, url) {
  const tab = window.open("/?incident=" + url.slice(url.lastIndexOf("/") + 1), "_blank");
  if (!tab) return openCitation(item, url);
  document.body.dataset.citedTab = url;
}
// `/?incident=N` (a citation's href, opened without a click this page handles, or a link passed
// on): shows incident N as a click on its citation does (described as the chat does, the record
// folded under it), fetched with this tab's token; without
// one the 401 reveals the token form and the incident is fetched again once a token is given.
function showIncident(id) {
  const box = document.createElement("div");
  box.className = "msg vigil";
  const item = document.createElement("div");
  item.className = "shown-incident";
  box.appendChild(item);
  log.appendChild(box);
  openCitation(item, "/api/v1/incidents/" + id);
}
// The incident the last answer was about (the answer's `incident`), sent as the next question's
// `follow_up`: "how was it fixed?" after "incident #12" is about #12 (DOG8). null after a list.
let lastIncident = null;
// The question's text put back in the box when it was not answered (serve down or restarting, a
// proxy's error page, an error answer; a 401 sends it again itself once a token is given), unless something else was typed meanwhile: at 3 a.m. it was lost
// (DOG8: cleared on send, shown only in the log).
function giveBack(message) {
  const box = document.getElementById("message");
  if (!box.value.trim()) box.value = message;
  return "; your question is back in the box: press Enter to send it again";
}
async function ask(message, incident) {
  add("user", message);
  const request = {message: message};
  if (incident) request.incident = incident;
  else if (lastIncident !== null) request.follow_up = lastIncident;
  document.body.dataset.state = "asking";
  // Until the answer comes: said in the log, the Ask button waiting (DOG8: nothing showed that a
  // question was on its way, and a second Enter sent it twice).
  const button = document.querySelector("#ask button");
  button.disabled = true;
  const wait = document.createElement("div");
  wait.className = "msg pending";
  wait.textContent = "asking vigil ...";
  log.appendChild(wait);
  const slow = setTimeout(() => { wait.textContent = "asking vigil ... (no answer yet after 5 s; still waiting)"; }, 5000);
  try {
    const headers = {"Content-Type": "application/json"};
    const token = sessionStorage.getItem(tokenKey);
    if (token) headers["Authorization"] = "Bearer " + token;
    const r = await fetch("/api/v1/chat", {method: "POST", headers: headers, body: JSON.stringify(request)});
    const j = await r.json();
    if (r.status === 401) needToken("ask " + ++asked, () => ask(message, incident));
    wait.remove();
    if (r.ok) {
      lastIncident = typeof j.incident === "number" ? j.incident : null;
      add("vigil", j.answer, j.citations, j.mode + (j.note ? " (" + j.note + ")" : ""));
    } else {
      add("error", "Error " + r.status + (j.where ? " (" + j.where + ")" : "") + ": " + j.error +
          (r.status !== 401 ? giveBack(message) : tokenAdvice + ": the question is sent again then"));
    }
  } catch (e) {
    wait.remove();
    add("error", "The request failed (" + e + ": is vigil serve running?)" + giveBack(message));
  }
  clearTimeout(slow);
  button.disabled = false;
  document.body.dataset.state = "answered";
}
document.getElementById("ask").addEventListener("submit", (ev) => {
  ev.preventDefault();
  if (document.querySelector("#ask button").disabled) return;  // one question at a time; the text stays
  const box = document.getElementById("message");
  const text = box.value.trim();
  if (!text) return;
  box.value = "";
  ask(text, null);
});
document.getElementById("auth").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const t = document.getElementById("token").value.trim();
  if (!t) return;
  sessionStorage.setItem(tokenKey, t);
  document.getElementById("token").value = "";
  document.getElementById("auth").hidden = true;
  const actions = [...pending.values()];
  pending.clear();
  for (const action of actions) action();
});
document.getElementById("message").addEventListener("keydown", (ev) => {
  if (ev.key === "Enter" && !ev.shiftKey) {
    ev.preventDefault();
    document.getElementById("ask").requestSubmit();
  }
});
const params = new URLSearchParams(location.search);
const q = params.get("q");
const inc = /^[0-9]+$/.test(params.get("incident") || "") ? Number(params.get("incident")) : null;
const badIncident = params.has("incident") && inc === null;
if (badIncident) {
  // A link's incident that is not a number (a mangled copy, `abc`, `-1`, `1e3`): said, not an
  // empty page (review RV-SV). Set as text, as everything is. With a question, it is not asked
  // without the incident it was about (before, it was, and the answer said nothing of the
  // incident): it waits in the box, to be sent as it is or with a number.
  add("error", "This link's incident `" + params.get("incident") +
      "` is not an incident number: /?incident=N takes a whole number, e.g. /?incident=12" +
      (q && q.trim() ? "; the question was not asked: it is in the box below" : ""));
  if (q && q.trim()) document.getElementById("message").defaultValue = q.trim();  // its text: the box's value while untouched
} else if (q && q.trim()) ask(q.trim(), inc);
else if (inc !== null) showIncident(params.get("incident"));
</script>
</body></html>
)HTML";
}

std::vector<std::string> ChatRoutePaths() { return {"/", "/chat", "/api/v1/chat"}; }

void RegisterChatRoutes(WatchedRoutes server, ChatContext context) {
  auto page = [](const httplib::Request&, httplib::Response& res) {
    std::string nonce = RandomNonce();
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; script-src 'nonce-" + nonce + "'; style-src 'nonce-" + nonce +
                       "'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Cache-Control", "no-store");
    res.set_content(ChatPageHtml(nonce), "text/html; charset=utf-8");
  };
  auto not_allowed = [](std::string allow) {
    return [allow](const httplib::Request& req, httplib::Response& res) {
      res.set_header("Allow", allow);
      SendError(res, 405, req.method + " is not allowed on " + req.path + "; use " + allow, "method");
    };
  };
  server.Get("/", page);
  server.Get("/chat", page);
  for (const char* path : {"/", "/chat"}) {
    server.Post(path, not_allowed("GET"));
    server.Put(path, not_allowed("GET"));
    server.Delete(path, not_allowed("GET"));
  }
  server.Get("/api/v1/chat", not_allowed("POST"));
  server.Put("/api/v1/chat", not_allowed("POST"));
  server.Delete("/api/v1/chat", not_allowed("POST"));
  server.Post("/api/v1/chat", [context](const httplib::Request& req, httplib::Response& res) {
    try {
      std::string type = AsciiLower(req.get_header_value("Content-Type"));
      if (kb::Trim(std::string_view(type).substr(0, type.find(';'))) != "application/json") {
        SendError(res, 415, "the body must be JSON (Content-Type: application/json), got `" +
                                req.get_header_value("Content-Type") + "`",
                  "Content-Type");
        return;
      }
      Result<ChatQuestion> question = ParseChatQuestion(req.body, context.max_message_bytes);
      if (!question.ok()) {
        std::string m = question.status().message();
        SendError(res, 400, m, m.substr(0, m.find(": ")));  // a field named `a:b` whole (RV6)
        return;
      }
      Result<ChatAnswer> answer = AnswerQuestion(*question, context);
      if (!answer.ok()) {
        SendError(res, 503, answer.status().ToString(), "incident store / knowledge base");
        return;
      }
      res.status = 200;
      res.set_content(DumpJson(answer->ToJson()), "application/json");
    } catch (const std::exception& e) {
      SendError(res, 500, std::string("internal error: ") + e.what(), "server");
    }
  });
}

}  // namespace vigil
