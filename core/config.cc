#include "core/config.h"

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <vector>

#include "core/config_defaults.h"
#include "core/json.h"
#include "core/time_util.h"

extern char** environ;

namespace vigil {
namespace {

// Every setting of the product. Keep it sorted by area; add rows, never a second table.
constexpr ConfigOption kOptions[] = {
    // General
    {"config", "--config", "VIGIL_CONFIG", "", ConfigType::kPath,
     "JSON file of setting name -> value, read before environment and flags", ""},
    {"data_dir", "--data-dir", "VIGIL_DATA_DIR", "./var", ConfigType::kPath,
     "directory for SQLite databases, indexes, audit logs and reports", ""},
    {"log_level", "--log-level", "VIGIL_LOG_LEVEL", "info", ConfigType::kChoice,
     "log verbosity", "debug|info|warn|error|off"},
    // Server
    {"listen", "--listen", "VIGIL_LISTEN", "127.0.0.1:8080", ConfigType::kHostPort,
     "address the HTTP server listens on", ""},
    {"max_series_per_query", "--max-series-per-query", "VIGIL_MAX_SERIES_PER_QUERY", "10000", ConfigType::kString,
     "series one Prometheus read of `vigil serve --rules` asks at most (a select matching more is read in shards): a whole number from 1 to 100000, checked by serve; serve's --max-series-per-query overrides it", ""},
    {"incident_cache_bytes", "--incident-cache-bytes", "VIGIL_INCIDENT_CACHE_BYTES", "33554432", ConfigType::kString,
     "bytes of knowledge-base incidents `vigil serve` keeps in memory once read (a storm's triage reads the same ones for each alert): a whole number from 0 (no cache) to 1099511627776 (1 TiB), no unit, checked by serve; serve's --incident-cache-bytes overrides it", ""},
    // LLM
    {"llm_url", "--llm-url", "VIGIL_LLM_URL", "", ConfigType::kUrl,
     "OpenAI-compatible endpoint (vLLM, llama.cpp, Ollama, OpenAI, Azure deployment URL); empty = built-in reasoner", ""},
    {"llm_model", "--llm-model", "VIGIL_LLM_MODEL", "", ConfigType::kString, "model name sent to the LLM endpoint", ""},
    {"llm_api_key", "--llm-api-key", "VIGIL_LLM_API_KEY", "", ConfigType::kString,
     "API key (Bearer token; sent as api-key header for Azure)", ""},
    {"llm_stream", "--llm-stream", "VIGIL_LLM_STREAM", "false", ConfigType::kBool,
     "ask for every LLM answer as a server-sent event stream (same answers, assembled); the --llm-stream flag of train-rules and eval detect overrides it", ""},
    {"llm_timeout", "--llm-timeout", "VIGIL_LLM_TIMEOUT", "120s", ConfigType::kDuration,
     "time limit for one LLM request", ""},
    {"llm_api_version", "--llm-api-version", "VIGIL_LLM_API_VERSION", "2024-10-21", ConfigType::kString, "Azure OpenAI api-version query parameter (used only for Azure deployment URLs)", ""},
    {"llm_max_retries", "--llm-max-retries", "VIGIL_LLM_MAX_RETRIES", "4", ConfigType::kInt, "retries of one LLM request on 429/5xx/connection errors (exponential backoff with jitter, honours Retry-After)", ""},
    {"llm_token_budget", "--llm-token-budget", "VIGIL_LLM_TOKEN_BUDGET", "0", ConfigType::kInt, "prompt+completion tokens one run may spend; 0 = unlimited", ""},
    {"llm_cost_budget", "--llm-cost-budget", "VIGIL_LLM_COST_BUDGET", "0", ConfigType::kDouble, "US dollars one run may spend (needs llm_price_input/output); 0 = unlimited", ""},
    {"llm_price_input", "--llm-price-input", "VIGIL_LLM_PRICE_INPUT", "0", ConfigType::kDouble, "US dollars per million prompt tokens, for the cost budget and reports", ""},
    {"llm_price_output", "--llm-price-output", "VIGIL_LLM_PRICE_OUTPUT", "0", ConfigType::kDouble, "US dollars per million completion tokens, for the cost budget and reports", ""},
    // Telemetry
    {"prometheus_url", "--prometheus-url", "VIGIL_PROMETHEUS_URL", "", ConfigType::kUrl,
     "Prometheus HTTP API base URL, e.g. http://prometheus:9090", ""},
    {"prometheus_timeout", "--prometheus-timeout", "VIGIL_PROMETHEUS_TIMEOUT", "20s", ConfigType::kDuration,
     "time limit of one Prometheus request of alert triage (vigil diagnose --alert): a Prometheus that does not answer within it is not asked again for that alert, and the diagnosis says so", ""},
    {"prometheus_scrape_interval", "--prometheus-scrape-interval", "VIGIL_PROMETHEUS_SCRAPE_INTERVAL", "60s", ConfigType::kDuration,
     "how often the series Vigil reads from Prometheus are sampled (the scrape interval): a point whose sample is older than the larger of the read's step and 1.5 intervals is one of Prometheus's lookback repeats of a series that stopped, left out so that stale_for fires when the samples stop (rules/README.md); 0s = 60s", ""},
    {"alertmanager_url", "--alertmanager-url", "VIGIL_ALERTMANAGER_URL", "", ConfigType::kUrl,
     "Alertmanager base URL for API v2", ""},
    {"kb_pack_dir", "--kb-pack-dir", "VIGIL_KB_PACK_DIR", "data/knowledge", ConfigType::kPath, "shipped knowledge pack (pack/*.jsonl, guides/*.md) loaded into the knowledge base; empty = none", ""},
    {"kb_index", "--kb-index", "VIGIL_KB_INDEX", kDefaultKbIndex, ConfigType::kString, "FAISS index factory string for the knowledge base (IVF1024,Flat: exact Flat search until 32 768 entries, then trained; Flat, HNSW32, ...)", ""},
    {"kb_import_threads", "--kb-import-threads", "VIGIL_KB_IMPORT_THREADS", "0", ConfigType::kInt, "threads one knowledge-base import uses (the next chunk's tokenising and embedding beside the current chunk's writes); 1 = one thread, 0 = min(2, CPUs the process may run on, per its affinity mask); results are the same for every value", ""},
    {"kb_embedder", "--kb-embedder", "VIGIL_KB_EMBEDDER", "builtin:dim=512", ConfigType::kString, "knowledge-base embedder: builtin:dim=N or openai:URL model=NAME", ""},
    // Probes
    {"probe_executor", "--probe-executor", "VIGIL_PROBE_EXECUTOR", "local", ConfigType::kString,
     "how probes run: local, ssh:user=..., slurm:partition=..., replay:FILE", ""},
    {"allow_intrusive_probes", "--allow-intrusive-probes", "VIGIL_ALLOW_INTRUSIVE_PROBES", "false",
     ConfigType::kBool, "allow probes that disturb running jobs (GEMM, bandwidth, NCCL)", ""},
    {"verification_budget_s", "--verification-budget-s", "VIGIL_VERIFICATION_BUDGET_S", "60", ConfigType::kString,
     "seconds one alert's verification (all its probe rounds) may take in `vigil diagnose --alert` and `vigil serve`'s triage: then no probe starts, running ones are abandoned at it and the answer comes from what was verified; a number > 0 and at most 86400 (one day), checked before any probe runs", ""},
    // Job logs (alert triage reads the alerted job's own log: agents/job_logs.h)
    {"job_log_path", "--job-log-path", "VIGIL_JOB_LOG_PATH", "", ConfigType::kString,
     "where a job's log files are, for alert triage on a cluster without Slurm: an absolute path template with {job} (the alert's slurm_job_id / job_id / jobid label) and optionally {node}, globs allowed, e.g. /var/log/jobs/{job}/*.log; set, Slurm is not asked", ""},
    {"job_log_slurm", "--job-log-slurm", "VIGIL_JOB_LOG_SLURM", "true", ConfigType::kBool,
     "alert triage reads the alerted job's StdOut / StdErr files that `scontrol show job` names (when job_log_path is empty) and its NodeList, the nodes compared with the alert's (agents/peer_series.h); false = neither", ""},
    {"job_log_slurm_output", "--job-log-slurm-output", "VIGIL_JOB_LOG_SLURM_OUTPUT", "slurm-%j.out", ConfigType::kString,
     "a finished job's output file when `scontrol` no longer lists it (MinJobAge) and sacct names no StdOut (Slurm before 23.02, or a job completion log): a Slurm filename pattern (%j %x %u %A %a ...), relative to the job's WorkDir from sacct, or absolute (then used with the job id alone when sacct knows nothing); sbatch's default slurm-%j.out", ""},
    {"job_log_max_lines", "--job-log-max-lines", "VIGIL_JOB_LOG_MAX_LINES", "2000", ConfigType::kInt,
     "last lines of each job log file alert triage reads (1..100000)", ""},
    {"job_log_max_bytes", "--job-log-max-bytes", "VIGIL_JOB_LOG_MAX_BYTES", "1048576", ConfigType::kInt,
     "last bytes of each job log file alert triage reads (1..268435456); lines over 4096 bytes are cut", ""},
};

Result<int64_t> ParseInt(std::string_view v) {
  if (v.empty()) return InvalidArgumentError("expected an integer, got an empty value");
  std::string s(v);
  char* end = nullptr;
  errno = 0;
  long long x = std::strtoll(s.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE) return InvalidArgumentError("expected an integer, got `" + s + "`");
  return static_cast<int64_t>(x);
}

Result<double> ParseDouble(std::string_view v) {
  std::string s(v);
  char* end = nullptr;
  double x = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0') return InvalidArgumentError("expected a number, got `" + s + "`");
  return x;
}

Result<bool> ParseBool(std::string_view v) {
  if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
  if (v == "0" || v == "false" || v == "no" || v == "off") return false;
  return InvalidArgumentError("expected true or false, got `" + std::string(v) + "`");
}

// The hint for an unknown VIGIL_* variable that names a part of a setting rather than a typo of one:
// the probe executor's binary and thresholds file are options of its spec (RV-OPS: the probe code
// once read VIGIL_PROBE_BINARY, which `vigil` refused as unknown).
std::string SpecOptionHint(std::string_view name) {
  if (name == "VIGIL_PROBE_BINARY") return "; the probe binary is an option of probe_executor: VIGIL_PROBE_EXECUTOR=local:binary=PATH or --probe-executor local:binary=PATH";
  if (name == "VIGIL_PROBE_THRESHOLDS") return "; the probe thresholds file is an option of probe_executor: VIGIL_PROBE_EXECUTOR=local:thresholds=FILE or --probe-executor local:thresholds=FILE";
  return "";
}

}  // namespace

std::span<const ConfigOption> ConfigOptions() { return kOptions; }

const ConfigOption* FindConfigOption(std::string_view name) {
  for (const auto& o : kOptions) if (o.name == name) return &o;
  return nullptr;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  // Optimal string alignment: Levenshtein plus the swap of two neighbouring characters as one
  // edit, the commonest typo (`medain` is 1 from `median`; as plain Levenshtein it was 2, as far
  // as `mean`, which won the hint).
  std::vector<size_t> before(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && a[i - 1] != a[i - 2])
        cur[j] = std::min(cur[j], before[j - 2] + 1);
    }
    std::swap(before, prev);
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string ClosestMatch(std::string_view word, std::span<const std::string> candidates) {
  std::string best;
  // EditDistance is O(|word| x |candidate|): a rule naming a 20,000-character metric one letter
  // off the selected one took 16 s to refuse (RV5). No hint for a word this long; a candidate whose
  // length alone is too far off is skipped (the distance is at least the difference).
  constexpr size_t kMaxHintWordBytes = 256;
  if (word.size() > kMaxHintWordBytes) return best;
  size_t best_d = std::max<size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    if ((c.size() > word.size() ? c.size() - word.size() : word.size() - c.size()) >= best_d) continue;
    size_t d = EditDistance(word, c);
    if (d < best_d) { best_d = d; best = c; }
  }
  return best;
}

Status ValidateConfigValue(const ConfigOption& o, std::string_view value, std::string_view source) {
  auto fail = [&](const std::string& why) {
    return InvalidArgumentError("invalid value `" + std::string(value) + "` for " + std::string(o.name) +
                                " (from " + std::string(source) + "): " + why);
  };
  switch (o.type) {
    case ConfigType::kString:
    case ConfigType::kPath:
      return Status::Ok();
    case ConfigType::kUrl:
      if (value.empty() || value.starts_with("http://") || value.starts_with("https://")) return Status::Ok();
      return fail("expected a URL starting with http:// or https://");
    case ConfigType::kInt: {
      auto r = ParseInt(value);
      return r.ok() ? Status::Ok() : fail(r.status().message());
    }
    case ConfigType::kDouble: {
      auto r = ParseDouble(value);
      return r.ok() ? Status::Ok() : fail(r.status().message());
    }
    case ConfigType::kBool: {
      auto r = ParseBool(value);
      return r.ok() ? Status::Ok() : fail(r.status().message());
    }
    case ConfigType::kDuration: {
      auto r = ParseDurationMs(value);
      return r.ok() ? Status::Ok() : fail(r.status().message());
    }
    case ConfigType::kChoice: {
      std::string_view rest = o.choices;
      while (!rest.empty()) {
        auto bar = rest.find('|');
        if (rest.substr(0, bar) == value) return Status::Ok();
        if (bar == std::string_view::npos) break;
        rest.remove_prefix(bar + 1);
      }
      std::string accepted(o.choices);
      std::replace(accepted.begin(), accepted.end(), '|', ',');
      return fail("accepted: " + accepted);
    }
    case ConfigType::kHostPort: {
      // A URL (`http://127.0.0.1:8080`, copied from serve's own start-up lines) read as host
      // `http://127.0.0.1` and failed at bind with "Name or service not known"; `:8080` (Go's
      // every-interface form) got no word of what to write instead (DOG5, 2026-12-05).
      if (const auto scheme = value.find("://"); scheme != std::string_view::npos) {
        std::string_view rest = value.substr(scheme + 3);
        rest = rest.substr(0, rest.find('/'));
        return fail("a HOST:PORT, not a URL: give `" + std::string(rest) + "`");
      }
      auto colon = value.rfind(':');
      if (colon == 0) {
        return fail("expected HOST:PORT: `0.0.0.0" + std::string(value) + "` for every interface, `127.0.0.1" +
                    std::string(value) + "` for this host only");
      }
      if (colon == std::string_view::npos) return fail("expected HOST:PORT, e.g. 127.0.0.1:8080");
      auto port = ParseInt(value.substr(colon + 1));
      if (!port.ok() || *port < 0 || *port > 65535) return fail("port must be an integer 0..65535");
      return Status::Ok();
    }
  }
  return fail("unknown type");
}

Config Config::Defaults() {
  Config c;
  for (const auto& o : kOptions) {
    c.values_[std::string(o.name)] = std::string(o.default_value);
    c.sources_[std::string(o.name)] = "default";
  }
  return c;
}

namespace {

// The line of `"key":` in a config file's text (1-based), 0 when not found: the parsed JSON keeps no
// positions, and a value's error should say where it is (VER5: "(from config file F)" only).
int LineOfKey(const std::string& text, const std::string& key) {
  const std::string quoted = "\"" + key + "\"";
  for (size_t at = text.find(quoted); at != std::string::npos; at = text.find(quoted, at + 1)) {
    size_t after = text.find_first_not_of(" \t\r\n", at + quoted.size());
    if (after == std::string::npos || text[after] != ':') continue;  // a value, not the key
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
  }
  return 0;
}

// For a config file the JSON parser refused: when its text does not start as JSON does (`{`), what
// the file must be, with an example; "" for broken JSON (the parser's line and column say it). REV2:
// a YAML file, as Prometheus's and Alertmanager's are, or `NAME=value` lines got the parser's
// "invalid literal" only.
std::string NotJsonHint(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t at = 0;
  for (;;) {  // blank lines and `#` comments (YAML's, a shell file's) skipped
    at = text.find_first_not_of(" \t\r\n", at);
    if (at == std::string::npos || text[at] != '#') break;
    at = text.find('\n', at);
  }
  if (at == std::string::npos || text[at] == '{' || text[at] == '[' || text[at] == '"') return "";
  const size_t eol = std::min(text.find('\n', at), text.size());
  const std::string first = text.substr(at, eol - at);
  const size_t colon = first.find(':'), eq = first.find('=');
  const bool yaml = first.rfind("---", 0) == 0 || (colon != std::string::npos && colon > 0 && (eq == std::string::npos || colon < eq));
  return std::string("; the config file is one JSON object of setting -> value, e.g. {\"prometheus_url\": "
                     "\"http://prometheus:9090\", \"listen\": \"0.0.0.0:8080\"}") +
         (yaml ? " (this looks like YAML)" : "") + " (`vigil --help` lists the settings)";
}

}  // namespace

Result<Config> Config::Load(const std::map<std::string, std::string>& flags,
                            std::function<std::optional<std::string>(std::string_view)> getenv,
                            std::function<std::vector<std::string>()> list_env) {
  if (!getenv) {
    getenv = [](std::string_view name) -> std::optional<std::string> {
      const char* v = std::getenv(std::string(name).c_str());
      if (!v) return std::nullopt;
      return std::string(v);
    };
  }
  if (!list_env) {
    list_env = [] {
      std::vector<std::string> names;
      for (char** e = environ; e && *e; ++e) {
        std::string kv(*e);
        names.push_back(kv.substr(0, kv.find('=')));
      }
      return names;
    };
  }
  Config c = Defaults();
  for (const auto& [name, value] : flags) {
    if (!FindConfigOption(name)) return InvalidArgumentError("unknown setting `" + name + "`");
  }
  // Unknown VIGIL_* variables are almost always typos of real ones.
  std::vector<std::string> known_env;
  for (const auto& o : kOptions) known_env.emplace_back(o.env);
  for (const auto& name : list_env()) {
    if (!name.starts_with("VIGIL_")) continue;
    if (std::find(known_env.begin(), known_env.end(), name) != known_env.end()) continue;
    std::string hint = SpecOptionHint(name);
    if (hint.empty()) {
      hint = ClosestMatch(name, known_env);
      if (!hint.empty()) hint = "; did you mean " + hint + "?";
    }
    return InvalidArgumentError("unknown environment variable " + name + hint +
                                " (`vigil --help` lists the settings)");
  }
  // Config file: named by flag or environment.
  std::string config_path;
  std::string config_source;
  if (auto it = flags.find("config"); it != flags.end()) {
    config_path = it->second;
  } else if (auto v = getenv("VIGIL_CONFIG")) {
    config_path = *v;
  }
  if (!config_path.empty()) {
    auto j = ReadJsonFile(config_path);
    if (!j.ok()) {
      // The parser quotes what it last read, which can be a secret (llm_api_key); line and column
      // say where without it.
      std::string m = j.status().message();
      if (size_t at = m.find("; last read: "); at != std::string::npos) m.erase(at);
      return Status(j.status().code(), "config file: " + m + NotJsonHint(config_path));
    }
    if (!j->is_object()) return InvalidArgumentError("config file " + config_path + ": expected a JSON object of setting -> value");
    std::string file_text;  // for the line of each setting
    if (std::ifstream in(config_path, std::ios::binary); in) {
      file_text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    std::vector<std::string> names;
    for (const auto& o : kOptions) names.emplace_back(o.name);
    for (const auto& [key, val] : j->items()) {
      // Where the setting is: "config file F, line N" (the line of `"key":`; the file alone when
      // not found). Every error about it names that, and it is the value's source (SourceOf).
      const int line = LineOfKey(file_text, key);
      const std::string where = "config file " + config_path + (line > 0 ? ", line " + std::to_string(line) : "");
      const ConfigOption* o = FindConfigOption(key);
      if (!o) {
        std::string hint = ClosestMatch(key, names);
        return InvalidArgumentError(where + ": unknown setting `" + key + "`" +
                                    (hint.empty() ? "" : "; did you mean `" + hint + "`?"));
      }
      // Every setting is one string, number or boolean; an array or object was dumped to text and
      // taken (an llm_api_key of `["sk-..."]` sent as is). The value is not quoted: it can be a secret.
      if (val.is_array() || val.is_object() || val.is_null()) {
        return InvalidArgumentError(where + ": setting `" + key + "` is " +
                                    (val.is_array() ? "an array" : val.is_object() ? "an object" : "null") +
                                    "; give it as one string, number or boolean (leave it out for the default)");
      }
      std::string text = val.is_string() ? val.get<std::string>() : val.dump();
      RETURN_IF_ERROR(c.Set(key, text, where));
    }
  }
  for (const auto& o : kOptions) {
    if (auto v = getenv(o.env)) RETURN_IF_ERROR(c.Set(o.name, *v, "environment " + std::string(o.env)));
  }
  for (const auto& [name, value] : flags) {
    const ConfigOption* o = FindConfigOption(name);
    RETURN_IF_ERROR(c.Set(name, value, "flag " + std::string(o->flag)));
  }
  return c;
}

Status Config::Set(std::string_view name, std::string_view value, std::string_view source) {
  const ConfigOption* o = FindConfigOption(name);
  if (!o) return InvalidArgumentError("unknown setting `" + std::string(name) + "`");
  RETURN_IF_ERROR(ValidateConfigValue(*o, value, source));
  values_[std::string(name)] = std::string(value);
  sources_[std::string(name)] = std::string(source);
  return Status::Ok();
}

const std::string& Config::GetString(std::string_view name) const {
  static const std::string kEmpty;
  auto it = values_.find(name);
  assert(it != values_.end() && "undeclared config setting");
  return it == values_.end() ? kEmpty : it->second;
}

int64_t Config::GetInt(std::string_view name) const { return ParseInt(GetString(name)).value_or(0); }
double Config::GetDouble(std::string_view name) const { return ParseDouble(GetString(name)).value_or(0); }
bool Config::GetBool(std::string_view name) const { return ParseBool(GetString(name)).value_or(false); }
int64_t Config::GetDurationMs(std::string_view name) const {
  return ParseDurationMs(GetString(name)).value_or(0);
}

std::string Config::SourceOf(std::string_view name) const {
  auto it = sources_.find(name);
  return it == sources_.end() ? "" : it->second;
}

}  // namespace vigil
