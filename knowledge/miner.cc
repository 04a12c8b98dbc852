#include "knowledge/miner.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "connectors/llm_client.h"
#include "core/json.h"
#include "core/regex_hazard.h"
#include "core/time_util.h"
#include "core/strings.h"
#include "knowledge/knowledge_base.h"
#include "knowledge/text_util.h"

namespace vigil {
namespace {

struct Mask {
  std::regex re;
  const char* token;
};

const std::vector<Mask>& Masks() {
  static const std::vector<Mask> masks = [] {
    auto r = [](const char* p) {
      return std::regex(p, std::regex::ECMAScript | std::regex::icase | std::regex::optimize);
    };
    return std::vector<Mask>{
        {r("\\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\b"), "<UUID>"},
        {r("\\b(?:[0-9a-f]{4,8}:)?[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]\\b|\\b[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}"
           "\\b"),
         "<PCI>"},
        {r("\\b\\d{1,3}(?:\\.\\d{1,3}){3}(?::\\d+)?\\b"), "<IP>"},
        {r("\\b0x[0-9a-f]+\\b"), "<HEX>"},
        {r("\\b(?=[0-9a-f]*\\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\\b"), "<HEX>"},
        {r("(?:^|\\s)/[\\w.\\-/]+"), " <PATH>"},
        {r("\\b\\d+(?:\\.\\d+)?(?:e[-+]?\\d+)?\\b"), "<NUM>"},
    };
  }();
  return masks;
}

std::vector<std::string> SplitWs(std::string_view s) {
  std::vector<std::string> out;
  std::istringstream in{std::string(s)};
  std::string t;
  while (in >> t) out.push_back(t);
  return out;
}

bool HasDigitOrMask(const std::string& t) {
  return t.find('<') != std::string::npos ||
         std::any_of(t.begin(), t.end(), [](unsigned char c) { return std::isdigit(c); });
}

// A template back to a regex over raw lines: literal parts escaped, masks as character classes.
std::string TemplateRegex(const std::string& tmpl) {
  static const std::map<std::string, std::string> kMaskRe = {
      {"<UUID>", "[0-9a-f-]{36}"}, {"<PCI>", "[0-9a-f:.]+"}, {"<IP>", "[0-9.:]+"}, {"<HEX>", "[0-9a-fx]+"},
      {"<PATH>", "\\S+"},          {"<NUM>", "[-+0-9.e]+"},  {"<*>", "\\S+"}};
  std::string out;
  for (size_t i = 0; i < tmpl.size();) {
    bool masked = false;
    for (const auto& [m, re] : kMaskRe) {
      if (tmpl.compare(i, m.size(), m) == 0) {
        out += re;
        i += m.size();
        masked = true;
        break;
      }
    }
    if (masked) continue;
    char c = tmpl[i++];
    if (c == ' ') {
      out += "\\s+";
      continue;
    }
    if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

const std::regex& SymptomRe() {
  static const std::regex re(
      "error|fail|fatal|timeout|timed out|nan\\b|\\binf\\b|killed|exception|abort|panic|xid|out of "
      "memory|overflow|"
      "hang|stuck|degraded|throttl|slow|drop|denied|refused|corrupt|mismatch|skipping|warn",
      std::regex::ECMAScript | std::regex::icase | std::regex::optimize);
  return re;
}

// Keyword evidence per category: public, well-known phrases for each taxonomy id.
struct Keyword {
  const char* category;
  const char* pattern;
};
constexpr Keyword kKeywords[] = {
    {"gpu_fallen_off_bus",
     "fallen off the bus|xid\\D{0,30}\\b79\\b|gpu (is )?lost|unable to determine the device handle"},
    {"gpu_memory_uncorrectable_ecc", "uncorrectable ecc|double.?bit|\\bdbe\\b|xid\\D{0,30}\\b(48|94|95)\\b"},
    {"gpu_row_remap_failure", "row remap|remapp?ing fail|xid\\D{0,30}\\b64\\b"},
    {"gpu_firmware_error", "\\bgsp\\b|xid\\D{0,30}\\b(119|120|62)\\b|firmware"},
    {"nvlink_error", "nvlink|xid\\D{0,30}\\b74\\b"},
    {"gpu_thermal_throttle", "thermal|hw slowdown|sw thermal|temperature"},
    {"gpu_power_throttle", "power (cap|brake|limit)|power throttl"},
    {"pcie_link_degraded", "pcie|\\baer\\b|link (width|speed)|replay counter"},
    {"gpu_silent_data_corruption",
     "silent data corruption|\\bsdc\\b|checksum mismatch|replicas? (disagree|diverge)"},
    {"ib_link_failure", "ibv_wc|retry_exc|infiniband|net/ib|completion from peer|\\bhca\\b|link flap"},
    {"nccl_network_misconfig",
     "nccl_socket_ifname|nccl_ib_hca|bootstrap|no socket interface|unhandled system error"},
    {"nccl_collective_hang", "watchdog|collective operation timeout|nccl.*timeout|hang"},
    {"rank_process_crash",
     "segmentation fault|sigsegv|sigkill|exitcode: ?-?(9|11)|connection reset by peer|rank \\d+ "
     "(died|exited)"},
    {"cuda_oom", "cuda out of memory|outofmemoryerror|cuda error: out of memory"},
    {"illegal_memory_access",
     "illegal memory access|illegal address|device-side assert|xid\\D{0,30}\\b(13|31|43)\\b"},
    {"host_oom", "oom.?kill|killed process|out of memory: kill|cannot allocate memory"},
    {"loss_divergence", "loss (is )?(nan|inf)|grad(ient)? norm.*(nan|inf)|loss spike|diverg"},
    {"fp16_loss_scale_collapse", "overflow!|skipping step|loss scale|minimum loss scale"},
    {"fp8_scaling_overflow", "\\bfp8\\b|amax|scaling factor|saturat"},
    {"moe_expert_imbalance", "expert|capacity factor|tokens? dropped|router|load balanc"},
    {"straggler_rank", "straggler|slow rank|step time.*(higher|slower)"},
    {"dataloader_stall", "dataloader|data loader|input pipeline|prefetch"},
    {"storage_failure",
     "no space left|read-only file system|checkpoint.*(fail|slow)|\\bio error\\b|stale file handle"},
    {"launch_config_error", "world.?size|master_addr|undefined symbol|version mismatch|environment variable"},
};

std::string Truncate(std::string_view s, size_t n) {
  std::string out(kb::Trim(s.substr(0, std::min(s.size(), n))));
  return out;
}

void AddCategoryScore(std::map<std::string, std::pair<double, std::vector<std::string>>>& scores,
                      const std::string& cat, double w, std::string why) {
  auto& e = scores[cat];
  e.first += w;
  if (e.second.size() < 4) e.second.push_back(std::move(why));
}

class BuiltinMiner final : public Miner {
 public:
  explicit BuiltinMiner(const KnowledgeBase* kb) : kb_(kb) {}

  Result<MinedIncident> Mine(std::string_view raw) override {
    MinedIncident out;
    Incident& inc = out.incident;
    inc.raw_text = std::string(raw);
    std::vector<std::string> lines;
    std::istringstream in{std::string(raw)};
    for (std::string l; std::getline(in, l);) {
      if (!kb::Trim(l).empty()) lines.emplace_back(kb::Trim(l));
    }
    if (lines.empty()) return InvalidArgumentError("nothing to mine: the text is empty");

    LogTemplateMiner drain;
    for (const auto& l : lines) drain.Add(l);
    out.templates = drain.templates();

    // Category evidence.
    std::map<std::string, std::pair<double, std::vector<std::string>>> scores;
    std::map<std::string, std::string> reference;  // category -> incident id that supports it
    ASSIGN_OR_RETURN(auto matches, kb_->MatchLogLines(lines));
    std::set<std::pair<size_t, std::string>> seen;
    std::vector<std::string> matched_patterns;
    for (const auto& m : matches) {
      if (!seen.insert({m.line_index, m.category}).second) continue;
      AddCategoryScore(scores, m.category, 3.0,
                       "signature `" + m.pattern + "` of " + m.incident_id + " matched line " +
                           std::to_string(m.line_index + 1));
      reference.emplace(m.category, m.incident_id);
      if (std::find(matched_patterns.begin(), matched_patterns.end(), m.pattern) == matched_patterns.end()) {
        matched_patterns.push_back(m.pattern);
      }
    }
    auto categories = kb_->Categories();
    std::set<std::string> known(categories.begin(), categories.end());
    for (const auto& k : kKeywords) {
      if (!known.contains(k.category)) continue;
      std::regex re(k.pattern, std::regex::ECMAScript | std::regex::icase);
      std::smatch m;
      for (const auto& l : lines) {
        std::string cut = l.size() > 4096 ? l.substr(0, 4096) : l;
        if (std::regex_search(cut, m, re)) {
          AddCategoryScore(scores, k.category, 1.5, "keyword `" + m.str(0) + "`");
          break;
        }
      }
    }
    SearchQuery q;
    q.text = Truncate(raw, 4000);
    q.k = 5;
    q.include_guides = false;
    ASSIGN_OR_RETURN(auto hits, kb_->Search(q));
    for (size_t r = 0; r < hits.size(); ++r) {
      const std::string& cat = hits[r].incident.root_cause;
      AddCategoryScore(scores, cat, 1.0 / (r + 1),
                       "similar incident " + hits[r].incident.id + " (rank " + std::to_string(r + 1) + ")");
      reference.emplace(cat, hits[r].incident.id);
    }
    std::vector<std::pair<std::string, std::pair<double, std::vector<std::string>>>> ranked(scores.begin(),
                                                                                            scores.end());
    std::sort(ranked.begin(), ranked.end(),
              [](const auto& a, const auto& b) { return a.second.first > b.second.first; });
    for (const auto& [cat, s] : ranked) {
      out.category_scores.push_back({{"category", cat}, {"score", s.first}, {"why", s.second}});
    }
    // Retrieval alone is similarity, not evidence: a category needs a signature or keyword.
    const Incident* ref = nullptr;
    Incident ref_storage;
    if (!ranked.empty()) {
      const auto& why = ranked[0].second.second;
      bool evidence = std::any_of(why.begin(), why.end(), [](const std::string& w) {
        return w.starts_with("signature") || w.starts_with("keyword");
      });
      if (evidence) {
        inc.root_cause = ranked[0].first;
        out.field_sources["root_cause"] = why;
        if (auto it = reference.find(inc.root_cause); it != reference.end()) {
          auto r = kb_->GetIncident(it->second);
          if (r.ok()) {
            ref_storage = std::move(r).value();
            ref = &ref_storage;
          }
        }
      }
    }

    inc.title = Truncate(lines[0], 120);
    out.field_sources["title"] = "text: first line";
    for (const auto& l : lines) {
      if (inc.symptoms.size() >= 10) break;
      if (std::regex_search(l.size() > 4096 ? l.substr(0, 4096) : l, SymptomRe())) {
        std::string s = Truncate(l, 300);
        if (std::find(inc.symptoms.begin(), inc.symptoms.end(), s) == inc.symptoms.end())
          inc.symptoms.push_back(s);
      }
    }
    if (!inc.symptoms.empty()) out.field_sources["symptoms"] = "text: lines with error keywords";
    // Signatures: known ones that matched, then templates of symptom lines.
    for (const auto& p : matched_patterns) {
      if (inc.log_signatures.size() >= 5) break;
      inc.log_signatures.push_back(p);
    }
    size_t from_known = inc.log_signatures.size();
    for (const auto& t : out.templates) {
      if (inc.log_signatures.size() >= 5) break;
      if (!std::regex_search(t.example.size() > 4096 ? t.example.substr(0, 4096) : t.example, SymptomRe()))
        continue;
      bool covered = std::any_of(matches.begin(), matches.end(),
                                 [&](const SignatureMatch& m) { return m.line == t.example; });
      if (covered) continue;
      inc.log_signatures.push_back(TemplateRegex(t.text));
    }
    if (!inc.log_signatures.empty()) {
      out.field_sources["log_signatures"] = std::to_string(from_known) + " known signature(s), " +
                                            std::to_string(inc.log_signatures.size() - from_known) +
                                            " from log templates";
    }
    static const std::regex ts_re(
        "\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})?");
    std::smatch tm;
    std::string head = inc.raw_text.substr(0, std::min<size_t>(inc.raw_text.size(), 65536));
    if (std::regex_search(head, tm, ts_re)) {
      auto t = ParseRfc3339Ms(tm.str(0));
      if (t.ok()) {
        inc.started_at_ms = *t;
        out.field_sources["started_at_ms"] = "text: first timestamp";
      }
    }
    static const std::regex url_re("https?://[^\\s)>\"']+");
    for (auto it = std::sregex_iterator(head.begin(), head.end(), url_re); it != std::sregex_iterator();
         ++it) {
      if (inc.links.size() < 10) inc.links.push_back(it->str());
    }
    if (!inc.links.empty()) out.field_sources["links"] = "text: URLs";
    if (ref) {
      std::string src = "kb:" + ref->id + " (same category, matched this text)";
      if (!ref->metric_conditions.empty()) {
        inc.metric_conditions = ref->metric_conditions;
        out.field_sources["metric_conditions"] = src;
      }
      if (!ref->component.empty()) {
        inc.component = ref->component;
        out.field_sources["component"] = src;
      }
      if (!ref->verification_steps.empty()) {
        inc.verification_steps = ref->verification_steps;
        out.field_sources["verification_steps"] = src;
      }
      if (!ref->mitigation.empty()) {
        inc.mitigation = ref->mitigation;
        out.field_sources["mitigation"] = src;
      }
    }
    inc.source = "mined:builtin";
    auto unfilled = [&](bool empty, const char* field) {
      if (empty) out.unfilled.push_back(field);
    };
    unfilled(inc.started_at_ms == 0, "started_at_ms");
    unfilled(inc.symptoms.empty(), "symptoms");
    unfilled(inc.log_signatures.empty(), "log_signatures");
    unfilled(inc.metric_conditions.empty(), "metric_conditions");
    unfilled(inc.root_cause.empty(), "root_cause");
    unfilled(inc.component.empty(), "component");
    unfilled(inc.verification_steps.empty(), "verification_steps");
    unfilled(inc.mitigation.empty(), "mitigation");
    unfilled(inc.links.empty(), "links");
    return out;
  }

 private:
  const KnowledgeBase* kb_;
};

Json MiningSchema(const std::vector<std::string>& categories) {
  Json str_array = {{"type", "array"}, {"items", {{"type", "string"}}}};
  Json nullable_str = {{"type", {"string", "null"}}};
  Json cat = {{"type", {"string", "null"}}};
  if (!categories.empty()) {
    Json e = categories;
    e.push_back(nullptr);
    cat["enum"] = e;
  }
  return Json{{"type", "object"},
              {"properties",
               {{"title", nullable_str},
                {"started_at", nullable_str},
                {"symptoms", str_array},
                {"log_signatures", str_array},
                {"metric_conditions", str_array},
                {"root_cause", cat},
                {"component", nullable_str},
                {"verification_steps", str_array},
                {"mitigation", nullable_str},
                {"links", str_array}}},
              {"required",
               {"title", "symptoms", "log_signatures", "metric_conditions", "root_cause", "component",
                "verification_steps", "mitigation"}}};
}

class LlmMiner final : public Miner {
 public:
  LlmMiner(const KnowledgeBase* kb, LlmClient* llm, int max_retries)
      : kb_(kb), llm_(llm), max_retries_(max_retries) {}

  Result<MinedIncident> Mine(std::string_view raw) override {
    if (kb::Trim(raw).empty()) return InvalidArgumentError("nothing to mine: the text is empty");
    std::vector<std::string> categories = kb_ ? kb_->Categories() : std::vector<std::string>{};
    ChatRequest req;
    req.purpose = "kb-mine";
    req.temperature = 0;
    req.response_schema = MiningSchema(categories);
    std::string cats;
    for (const auto& c : categories) cats += (cats.empty() ? "" : ", ") + c;
    req.messages.push_back(
        {"system",
         "You extract structured incident records for a GPU training cluster knowledge base. Answer with ONE "
         "JSON "
         "object with keys: title, started_at (RFC 3339 or null), symptoms[], log_signatures[] (ECMAScript "
         "regexes "
         "matched case-insensitively against single log lines), metric_conditions[] (conditions over "
         "DCGM/training "
         "metrics such as `changes(DCGM_FI_DEV_XID_ERRORS, 10m) > 0`), root_cause (one of: " +
             cats +
             "; or null), component, verification_steps[] (probe names such as gpu.health, nccl.allreduce), "
             "mitigation, links[]. Use only what the text supports: leave a field null or [] rather than "
             "guessing.",
         {},
         "",
         ""});
    req.messages.push_back({"user", std::string(raw.substr(0, 32000)), {}, "", ""});
    std::string last_error;
    for (int attempt = 1; attempt <= max_retries_ + 1; ++attempt) {
      ASSIGN_OR_RETURN(ChatResponse resp, llm_->Chat(req));
      std::vector<std::string> errors;
      MinedIncident out = Parse(resp.message.content, categories, &errors);
      if (errors.empty()) {
        out.incident.raw_text = std::string(raw);
        out.attempts = attempt;
        return out;
      }
      last_error.clear();
      for (const auto& e : errors) last_error += (last_error.empty() ? "" : "; ") + e;
      req.messages.push_back({"assistant", resp.message.content, {}, "", ""});
      req.messages.push_back(
          {"user",
           "That answer is invalid: " + last_error + ". Reply with the corrected JSON object only.",
           {},
           "",
           ""});
    }
    return UnavailableError("llm miner: the model gave invalid output " + std::to_string(max_retries_ + 1) +
                            " times; last problems: " + last_error);
  }

 private:
  static MinedIncident Parse(const std::string& content, const std::vector<std::string>& categories,
                             std::vector<std::string>* errors) {
    MinedIncident out;
    std::string text(kb::Trim(content));
    if (text.starts_with("```")) {  // tolerate a fenced answer
      auto nl = text.find('\n');
      auto end = text.rfind("```");
      if (nl != std::string::npos && end > nl) text = text.substr(nl + 1, end - nl - 1);
    }
    if (const size_t deep = JsonTooDeepAt(text); deep != std::string_view::npos) {
      errors->push_back("not valid JSON (" + JsonTooDeepMessage() + " at byte " + std::to_string(deep + 1) + ")");
      return out;
    }
    Json j;
    try {
      j = Json::parse(text);
    } catch (const std::exception& e) {
      errors->push_back(std::string("not valid JSON (") + e.what() + ")");
      return out;
    }
    if (!j.is_object()) {
      errors->push_back("expected a JSON object");
      return out;
    }
    Incident& inc = out.incident;
    auto get_str = [&](const char* key, std::string& dst) {
      if (!j.contains(key) || j[key].is_null()) return;
      if (!j[key].is_string()) {
        errors->push_back(std::string(key) + " must be a string or null");
        return;
      }
      dst = std::string(kb::Trim(j[key].get<std::string>()));
    };
    auto get_list = [&](const char* key, std::vector<std::string>& dst) {
      if (!j.contains(key) || j[key].is_null()) return;
      if (!j[key].is_array()) {
        errors->push_back(std::string(key) + " must be an array of strings");
        return;
      }
      for (const auto& v : j[key]) {
        if (!v.is_string()) {
          errors->push_back(std::string(key) + " must contain only strings");
          return;
        }
        if (!kb::Trim(v.get<std::string>()).empty()) dst.emplace_back(kb::Trim(v.get<std::string>()));
      }
    };
    get_str("title", inc.title);
    get_str("root_cause", inc.root_cause);
    get_str("component", inc.component);
    get_str("mitigation", inc.mitigation);
    get_list("symptoms", inc.symptoms);
    get_list("log_signatures", inc.log_signatures);
    get_list("metric_conditions", inc.metric_conditions);
    get_list("verification_steps", inc.verification_steps);
    get_list("links", inc.links);
    std::string started;
    get_str("started_at", started);
    if (!started.empty()) {
      auto t = ParseRfc3339Ms(started);
      if (!t.ok())
        errors->push_back("started_at: " + t.status().message());
      else
        inc.started_at_ms = *t;
    }
    if (!inc.root_cause.empty() && !categories.empty() &&
        std::find(categories.begin(), categories.end(), inc.root_cause) == categories.end()) {
      errors->push_back("root_cause `" + inc.root_cause +
                        "` is not one of the listed categories (use null if none fits)");
    }
    for (const auto& s : inc.log_signatures) {
      try {
        std::regex re(s, std::regex::ECMAScript | std::regex::icase);
      } catch (const std::regex_error& e) {
        errors->push_back("log signature `" + s + "` is not a valid ECMAScript regex");
        continue;
      }
      if (const std::string hazard = RegexBacktrackHazard(s); !hazard.empty())
        errors->push_back("log signature `" + s + "`: " + hazard);
    }
    inc.source = "mined:llm";
    const std::pair<bool, const char*> fields[] = {{inc.title.empty(), "title"},
                                                   {inc.started_at_ms == 0, "started_at_ms"},
                                                   {inc.symptoms.empty(), "symptoms"},
                                                   {inc.log_signatures.empty(), "log_signatures"},
                                                   {inc.metric_conditions.empty(), "metric_conditions"},
                                                   {inc.root_cause.empty(), "root_cause"},
                                                   {inc.component.empty(), "component"},
                                                   {inc.verification_steps.empty(), "verification_steps"},
                                                   {inc.mitigation.empty(), "mitigation"},
                                                   {inc.links.empty(), "links"}};
    for (const auto& [empty, name] : fields) {
      if (empty)
        out.unfilled.push_back(name);
      else
        out.field_sources[name] = "llm";
    }
    return out;
  }

  const KnowledgeBase* kb_;
  LlmClient* llm_;
  int max_retries_;
};

}  // namespace

std::string MaskLogLine(std::string_view line) {
  std::string s(line);
  for (const auto& m : Masks()) s = std::regex_replace(s, m.re, m.token);
  return s;
}

void LogTemplateMiner::Add(std::string_view line) {
  std::string masked = MaskLogLine(line.size() > 4096 ? line.substr(0, 4096) : line);
  auto tokens = SplitWs(masked);
  if (tokens.empty()) return;
  std::string key =
      std::to_string(tokens.size()) + " " + (HasDigitOrMask(tokens[0]) ? std::string("<*>") : tokens[0]);
  auto bucket = std::find_if(buckets_.begin(), buckets_.end(), [&](const auto& b) { return b.first == key; });
  if (bucket == buckets_.end()) {
    buckets_.push_back({key, {}});
    bucket = buckets_.end() - 1;
  }
  Group* best = nullptr;
  double best_sim = -1;
  for (auto& g : bucket->second) {
    size_t same = 0;
    for (size_t i = 0; i < tokens.size(); ++i) same += g.tokens[i] == tokens[i];
    double sim = double(same) / tokens.size();
    if (sim > best_sim) {
      best_sim = sim;
      best = &g;
    }
  }
  constexpr double kSimilarity = 0.5;
  if (best && best_sim >= kSimilarity) {
    for (size_t i = 0; i < tokens.size(); ++i)
      if (best->tokens[i] != tokens[i]) best->tokens[i] = "<*>";
    templates_[best->index].text = JoinStrings(best->tokens, " ");
    ++templates_[best->index].count;
    return;
  }
  bucket->second.push_back({tokens, templates_.size()});
  templates_.push_back({JoinStrings(tokens, " "), 1, std::string(line)});
}

Json MinedIncident::ToJson() const {
  Json templ = Json::array();
  for (const auto& t : templates)
    templ.push_back({{"template", t.text}, {"count", t.count}, {"example", t.example}});
  Json inc = incident;
  inc.erase("alerts");
  inc.erase("status");
  inc.erase("resolved_at_ms");
  return Json{{"incident", inc},
              {"unfilled", unfilled},
              {"field_sources", field_sources},
              {"templates", templ},
              {"category_scores", category_scores},
              {"attempts", attempts}};
}

Result<std::unique_ptr<Miner>> MakeMiner(std::string_view name, const MinerOptions& options) {
  if (name == "builtin") {
    if (!options.kb) return InvalidArgumentError("the builtin miner needs a knowledge base");
    return std::unique_ptr<Miner>(new BuiltinMiner(options.kb));
  }
  if (name == "llm") {
    if (!options.llm) {
      return InvalidArgumentError(
          "the llm miner needs an LLM endpoint (set llm_url / --llm-url), or use --miner builtin");
    }
    return std::unique_ptr<Miner>(new LlmMiner(options.kb, options.llm, options.max_retries));
  }
  return InvalidArgumentError("unknown miner `" + std::string(name) + "`; accepted: builtin, llm");
}

}  // namespace vigil
