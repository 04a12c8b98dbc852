// Numbers beyond range in imports and specs (issue 5, "Bad input"): a per-record issue naming the
// line, or an InvalidArgument naming the spec, never an exception out of the importer.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "knowledge/embedder.h"
#include "knowledge/importers.h"

namespace vigil {
namespace {

TEST_CASE("CSV import: a started_at in Unix ms beyond int64 is an issue on its record; the rest parse") {
  const std::string csv =
      "id,title,root_cause,started_at\n"
      "a,ok row,cuda_oom,1714730400000\n"
      "b,huge ms,cuda_oom,99999999999999999999\n"
      "c,rfc3339,cuda_oom,2024-05-03T10:00:00Z\n"
      "d,bad date,cuda_oom,2026-99-99T00:00:00Z\n";
  std::vector<kb::ParsedIncident> out;
  std::vector<ImportIssue> issues;
  CHECK_NOTHROW(kb::ParseIncidentCsv(csv, "inc.csv", 1 << 20, &out, &issues));
  REQUIRE(out.size() == 2);
  CHECK(out[0].incident.id == "a");
  CHECK(out[0].incident.started_at_ms == 1714730400000);
  CHECK(out[1].incident.id == "c");
  REQUIRE(issues.size() == 2);
  CHECK(issues[0].file == "inc.csv");
  CHECK(issues[0].line == 3);
  CHECK(issues[0].message == "started_at: `99999999999999999999` is beyond the range of Unix milliseconds");
  CHECK(issues[1].line == 5);
  CHECK(issues[1].message.find("started_at: ") == 0);
}

TEST_CASE("JSONL import: a 1e999 number is a malformed line, not an exception") {
  const std::string jsonl =
      "{\"id\": \"a\", \"title\": \"ok\", \"root_cause\": \"cuda_oom\"}\n"
      "{\"id\": \"b\", \"title\": \"x\", \"root_cause\": \"cuda_oom\", \"started_at_ms\": 1e999}\n";
  std::vector<kb::ParsedIncident> out;
  std::vector<ImportIssue> issues;
  CHECK_NOTHROW(kb::ParseIncidentJsonl(jsonl, "inc.jsonl", 1 << 20, &out, &issues));
  REQUIRE(out.size() == 1);
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].line == 2);
  CHECK(issues[0].message.find("number overflow") != std::string::npos);
}

TEST_CASE("embedder spec: dim beyond range or with junk is InvalidArgument naming the spec") {
  for (const char* spec : {"builtin:dim=99999999999999999999", "builtin:dim=8193", "builtin:dim=15",
                           "builtin:dim=64x", "builtin:dim=-64", "builtin:dim="}) {
    CAPTURE(spec);
    Result<std::unique_ptr<Embedder>> e = Status();
    CHECK_NOTHROW(e = MakeEmbedder(spec));
    REQUIRE_FALSE(e.ok());
    CHECK(e.status().code() == StatusCode::kInvalidArgument);
    CHECK(e.status().message().find(std::string("`") + spec + "`: dim must be an integer in [16, 8192]") !=
          std::string::npos);
  }
  // The remote embedder's dim (no request is made when it is given).
  for (const char* dim : {"-5", "abc", "0", "99999999999999999999"}) {
    std::string spec = std::string("openai:http://127.0.0.1:9/v1 model=m dim=") + dim;
    CAPTURE(spec);
    Result<std::unique_ptr<Embedder>> e = Status();
    CHECK_NOTHROW(e = MakeEmbedder(spec));
    REQUIRE_FALSE(e.ok());
    CHECK(e.status().message().find("dim must be an integer in [1, 65536]") != std::string::npos);
  }
  auto remote = MakeEmbedder("openai:http://127.0.0.1:9/v1 model=m dim=1024");
  REQUIRE_MESSAGE(remote.ok(), remote.status().message());
  CHECK((*remote)->dim() == 1024);
  auto ok = MakeEmbedder("builtin:dim=64");
  REQUIRE(ok.ok());
  CHECK((*ok)->dim() == 64);
}

}  // namespace
}  // namespace vigil
