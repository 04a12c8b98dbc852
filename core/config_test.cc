#include "core/config.h"
#include "core/rule_plan.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>

#include <unistd.h>

namespace vigil {
namespace {

using Env = std::map<std::string, std::string>;

Result<Config> LoadWith(const std::map<std::string, std::string>& flags, const Env& env) {
  return Config::Load(
      flags,
      [&env](std::string_view name) -> std::optional<std::string> {
        auto it = env.find(std::string(name));
        if (it == env.end()) return std::nullopt;
        return it->second;
      },
      [&env] {
        std::vector<std::string> names;
        for (const auto& [k, v] : env) names.push_back(k);
        return names;
      });
}

// Writes `body` to the config file `path` and loads it (no flags, no environment): the status.
Status LoadConfigFile(const std::string& path, const std::string& body) {
  {
    std::ofstream out(path);
    out << body;
  }
  return LoadWith({{"config", path}}, {}).status();
}

TEST_CASE("max_series_per_query's help states the bound serve checks (the rules' max_series_per_rule)") {
  // The table's help is a literal (core/config.cc), while vigil serve checks the value against
  // RuleLimits{}.max_series_per_rule: this fails when one changes without the other (review RV-SV).
  const ConfigOption* o = FindConfigOption("max_series_per_query");
  REQUIRE(o != nullptr);
  std::string bound = "from 1 to ";
  bound += std::to_string(RuleLimits{}.max_series_per_rule);
  bound += ",";
  CHECK_MESSAGE(o->help.find(bound) != std::string_view::npos, o->help);
}

TEST_CASE("defaults come from the table") {
  Config c = LoadWith({}, {}).value();
  CHECK(c.GetString("data_dir") == "./var");
  CHECK(c.SourceOf("data_dir") == "default");
  CHECK(c.GetDurationMs("llm_timeout") == 120'000);
  CHECK(c.GetDurationMs("prometheus_timeout") == 20'000);
  CHECK_FALSE(c.GetBool("allow_intrusive_probes"));
}

TEST_CASE("flag beats environment beats default") {
  Config c = LoadWith({{"data_dir", "/flag"}}, {{"VIGIL_DATA_DIR", "/env"}, {"VIGIL_LOG_LEVEL", "debug"}}).value();
  CHECK(c.GetString("data_dir") == "/flag");
  CHECK(c.SourceOf("data_dir") == "flag --data-dir");
  CHECK(c.GetString("log_level") == "debug");
  CHECK(c.SourceOf("log_level") == "environment VIGIL_LOG_LEVEL");
}

TEST_CASE("bad values name the setting, the source and what is accepted") {
  auto r = LoadWith({}, {{"VIGIL_LOG_LEVEL", "loud"}});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() ==
        "invalid value `loud` for log_level (from environment VIGIL_LOG_LEVEL): accepted: debug,info,warn,error,off");
  auto p = LoadWith({}, {{"VIGIL_PROMETHEUS_TIMEOUT", "20"}});
  REQUIRE_FALSE(p.ok());
  CHECK(p.status().message().find("for prometheus_timeout (from environment VIGIL_PROMETHEUS_TIMEOUT)") != std::string::npos);
  auto d = LoadWith({{"llm_timeout", "soon"}}, {});
  CHECK(d.status().message().find("for llm_timeout (from flag --llm-timeout)") != std::string::npos);
  auto l = LoadWith({{"listen", "8080"}}, {});
  CHECK(l.status().message().find("expected HOST:PORT") != std::string::npos);
  // DOG5: a URL for listen (passed the check, then "cannot listen on http://...: Name or service not
  // known" at bind) and Go's `:8080`, each told what to write.
  CHECK(LoadWith({{"listen", "http://127.0.0.1:8080/"}}, {}).status().message() ==
        "invalid value `http://127.0.0.1:8080/` for listen (from flag --listen): a HOST:PORT, not a URL: give "
        "`127.0.0.1:8080`");
  CHECK(LoadWith({{"listen", ":8080"}}, {}).status().message() ==
        "invalid value `:8080` for listen (from flag --listen): expected HOST:PORT: `0.0.0.0:8080` for every "
        "interface, `127.0.0.1:8080` for this host only");
  CHECK(LoadWith({{"listen", "[::1]:8080"}}, {}).ok());
  auto u = LoadWith({}, {{"VIGIL_LLM_URL", "localhost:8000"}});
  CHECK(u.status().message().find("expected a URL") != std::string::npos);
  auto b = LoadWith({}, {{"VIGIL_ALLOW_INTRUSIVE_PROBES", "maybe"}});
  CHECK(b.status().message().find("expected true or false") != std::string::npos);
}

TEST_CASE("unknown VIGIL_ variables are typos and get a hint") {
  auto r = LoadWith({}, {{"VIGIL_LLM_UR", "http://x"}});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("unknown environment variable VIGIL_LLM_UR; did you mean VIGIL_LLM_URL?") == 0);
  CHECK(LoadWith({}, {{"PATH", "/bin"}}).ok());
}

// RV-OPS, 2026-12-03: `VIGIL_PROBE_BINARY=/x vigil probe list` said only "unknown environment
// variable VIGIL_PROBE_BINARY" (the probe code read it, the config refused it). The binary and the
// thresholds file are options of probe_executor's spec; the error says how to give them.
TEST_CASE("unknown VIGIL_PROBE_BINARY / VIGIL_PROBE_THRESHOLDS name the probe_executor option that holds them") {
  auto b = LoadWith({}, {{"VIGIL_PROBE_BINARY", "/opt/vigil-probe"}});
  REQUIRE_FALSE(b.ok());
  CHECK(b.status().message().find("unknown environment variable VIGIL_PROBE_BINARY; the probe binary is an option of "
                                  "probe_executor: VIGIL_PROBE_EXECUTOR=local:binary=PATH") == 0);
  auto t = LoadWith({}, {{"VIGIL_PROBE_THRESHOLDS", "/opt/t.json"}});
  REQUIRE_FALSE(t.ok());
  CHECK(t.status().message().find("VIGIL_PROBE_EXECUTOR=local:thresholds=FILE") != std::string::npos);
  // The spec form is accepted.
  auto ok = LoadWith({}, {{"VIGIL_PROBE_EXECUTOR", "local:binary=/opt/vigil-probe"}});
  REQUIRE(ok.ok());
  CHECK(ok->GetString("probe_executor") == "local:binary=/opt/vigil-probe");
}

TEST_CASE("config file sits between defaults and environment") {
  std::string path = "/tmp/vigil_config_test.json";
  {
    std::ofstream out(path);
    out << R"({"data_dir": "/file", "log_level": "warn", "allow_intrusive_probes": true})";
  }
  Config c = LoadWith({{"config", path}}, {{"VIGIL_LOG_LEVEL", "error"}}).value();
  CHECK(c.GetString("data_dir") == "/file");
  CHECK(c.GetString("log_level") == "error");
  CHECK(c.GetBool("allow_intrusive_probes"));
  {
    std::ofstream out(path);
    out << R"({"data_dri": "/file"})";
  }
  auto bad = LoadWith({{"config", path}}, {});
  CHECK(bad.status().message() == "config file " + path + ", line 1: unknown setting `data_dri`; did you mean `data_dir`?");
  {
    std::ofstream out(path);
    out << "{not json";
  }
  CHECK(LoadWith({{"config", path}}, {}).status().message().find("line 1") != std::string::npos);
  // A syntax error inside a secret: the message names line and column, never the text the parser
  // last read (before: `last read: '"sk-live-123<U+000A>'`, the API key on stderr and in CI logs).
  for (const char* broken : {"{\"llm_api_key\": \"sk-live-123\n\"}", "{\"llm_api_key\": sk-live-123}",
                             "{\"llm_api_key\": \"sk-live-123\" \"llm_url\": \"http://h\"}"}) {
    {
      std::ofstream out(path);
      out << broken;
    }
    Status st = LoadWith({{"config", path}}, {}).status();
    INFO(st.message());
    CHECK(st.code() == StatusCode::kInvalidArgument);
    CHECK(st.message().find(path + ": line ") != std::string::npos);
    CHECK(st.message().find("sk-live") == std::string::npos);
  }
  std::remove(path.c_str());
  CHECK(LoadWith({{"config", "/nonexistent/v.json"}}, {}).status().code() == StatusCode::kNotFound);
}

// Review RV-P2: a setting given as a JSON array or object was dumped to text and taken
// (`"llm_api_key": ["sk-1"]` became the key `["sk-1"]`, sent as is, no word). Now refused naming
// the setting and the file, not the value (it can be a secret).
TEST_CASE("config file: a setting that is an array, object or null is refused naming it") {
  const std::string path = "/tmp/vigil_config_test_types_" + std::to_string(::getpid()) + ".json";
  for (const char* body : {R"({"llm_api_key": ["sk-live-1"]})", R"({"llm_api_key": {"k": "sk-live-1"}})",
                           R"({"llm_api_key": null})", R"({"log_level": ["warn"]})"}) {
    Status st = LoadConfigFile(path, body);
    INFO(std::string(body), " -> ", st.message());
    CHECK(st.code() == StatusCode::kInvalidArgument);
    CHECK(st.message().find("config file " + path + ", line 1: setting `") == 0);
    CHECK(st.message().find("sk-live") == std::string::npos);
  }
  {
    std::ofstream out(path);
    out << R"({"llm_api_key": "sk-live-1", "log_level": "warn", "allow_intrusive_probes": false})";
  }
  CHECK(LoadWith({{"config", path}}, {}).ok());  // strings, numbers and booleans as before
  std::remove(path.c_str());
}

// REV2: a config file written as YAML (what Prometheus's and Alertmanager's configs are) or as
// `key=value` lines was refused with the JSON parser's words only ("syntax error while parsing value -
// invalid literal"), not that the file must be JSON nor what it should look like.
TEST_CASE("config file: not a JSON object says the file is JSON and shows one (REV2)") {
  const std::string path = "/tmp/vigil_config_test_yaml_" + std::to_string(::getpid()) + ".yaml";
  for (const char* body : {"prometheus_url: http://prometheus:9090\nlisten: 0.0.0.0:8080\n",
                           "# vigil\nprometheus_url: \"http://prometheus:9090\"\n", "---\nlisten: 0.0.0.0:8080\n",
                           "prometheus_url=http://prometheus:9090\n", "VIGIL_PROMETHEUS_URL=http://prometheus:9090\n"}) {
    Status st = LoadConfigFile(path, body);
    INFO(std::string(body), " -> ", st.message());
    CHECK(st.code() == StatusCode::kInvalidArgument);
    CHECK(st.message().find("config file: " + path + ": line ") == 0);
    CHECK(st.message().find("; the config file is one JSON object of setting -> value, e.g. {\"prometheus_url\": "
                            "\"http://prometheus:9090\", \"listen\": \"0.0.0.0:8080\"}") != std::string::npos);
  }
  {
    std::ofstream out(path);
    out << "prometheus_url: http://prometheus:9090\n";
  }
  CHECK(LoadWith({{"config", path}}, {}).status().message().find("(this looks like YAML)") != std::string::npos);
  {  // Broken JSON keeps the parser's words alone: it is JSON, with a slip.
    std::ofstream out(path);
    out << "{\"listen\": \"0.0.0.0:8080\",}\n";
  }
  CHECK(LoadWith({{"config", path}}, {}).status().message().find("the config file is one JSON object") == std::string::npos);
  std::remove(path.c_str());
}

// VER5 (reverted), VER6: a config file's bad value said "(from config file F)": which of its lines was not said.
TEST_CASE("config file: a bad value's error names the file and the line of its setting") {
  const std::string path = "/tmp/vigil_config_test_line_" + std::to_string(::getpid()) + ".json";
  {
    std::ofstream out(path);
    out << "{\n  \"data_dir\": \"/x\",\n\n  \"log_level\":\n    \"loud\"\n}\n";
  }
  Status st = LoadWith({{"config", path}}, {}).status();
  INFO(st.message());
  CHECK(st.message().find("for log_level (from config file " + path + ", line 4): accepted: ") != std::string::npos);
  {
    std::ofstream out(path);
    out << R"({"data_dir": "log_level", "log_level": "warn"})";  // the name as a value first
  }
  Config c = LoadWith({{"config", path}}, {}).value();
  CHECK(c.SourceOf("log_level") == "config file " + path + ", line 1");
  {
    std::ofstream out(path);
    out << "{\n  \"log_level\": \"warn\",\n  \"data_dri\": \"/x\"\n}\n";  // a typo on line 3
  }
  CHECK(LoadWith({{"config", path}}, {}).status().message().find("config file " + path + ", line 3: unknown setting `data_dri`") == 0);
  std::remove(path.c_str());
}

TEST_CASE("closest match") {
  std::vector<std::string> fns = {"mean", "median", "max", "min"};
  CHECK(ClosestMatch("meen", fns) == "mean");
  CHECK(ClosestMatch("zzzzzzzz", fns).empty());
  CHECK(EditDistance("kitten", "sitting") == 3);
  // Two neighbouring characters swapped are one edit (OPS5: `medain` was 2 from `median` and from
  // `mean`, and the hint said `mean`).
  CHECK(EditDistance("medain", "median") == 1);
  CHECK(EditDistance("ab", "ba") == 1);
  CHECK(EditDistance("abc", "ca") == 3);  // no substring edited twice (OSA, not Damerau)
  CHECK(ClosestMatch("medain", fns) == "median");
}

}  // namespace
}  // namespace vigil
