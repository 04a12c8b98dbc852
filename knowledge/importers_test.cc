// Numbers beyond range in imports and specs (issue 5, "Bad input"): a per-record issue naming the
// line, or an InvalidArgument naming the spec, never an exception out of the importer.
#include <doctest/doctest.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <new>
#include <string>
#include <vector>

#include "knowledge/embedder.h"
#include "knowledge/importers.h"
#include "knowledge/kb_testdata_testing.h"
#include "knowledge/knowledge_base.h"
#include "knowledge/temp_dir_testing.h"

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

TEST_CASE("JSONL import: an empty file is a warning naming it, not a silent 0 added") {
  for (const std::string_view content : {std::string_view(""), std::string_view("\n  \r\n\n")}) {
    std::vector<kb::ParsedIncident> out;
    std::vector<ImportIssue> issues;
    kb::ParseIncidentJsonl(content, "empty.jsonl", 1 << 20, &out, &issues);
    CHECK(out.empty());
    REQUIRE(issues.size() == 1);
    CHECK(issues[0].file == "empty.jsonl");
    CHECK_FALSE(issues[0].rejected);
    CHECK(issues[0].message.find("no incident in this file: it is empty") == 0);
  }
  // One incident: no warning.
  std::vector<kb::ParsedIncident> out;
  std::vector<ImportIssue> issues;
  kb::ParseIncidentJsonl(R"({"id":"a-1","title":"t","raw_text":"x","root_cause":"unknown"})", "one.jsonl", 1 << 20, &out, &issues);
  CHECK(out.size() == 1);
  CHECK(issues.empty());
}

// DOG5 (2026-12-05): a CSV of a header and no row imported `"added": 0`, exit 0, nothing on stderr;
// a `;`-separated export was named one unknown column holding the whole header line. Both failed
// with b776139c (no issue; no word of the separator).
TEST_CASE("CSV import: a header and no row is a warning; a `;`- or tab-separated header says so") {
  for (const std::string_view content : {std::string_view("id,title,root_cause\n"),
                                         std::string_view("\xEF\xBB\xBFid,title,root_cause\r\n\r\n")}) {
    std::vector<kb::ParsedIncident> out;
    std::vector<ImportIssue> issues;
    kb::ParseIncidentCsv(content, "header.csv", 1 << 20, &out, &issues);
    CHECK(out.empty());
    REQUIRE(issues.size() == 1);
    CHECK(issues[0].file == "header.csv");
    CHECK(issues[0].line == 1);
    CHECK_FALSE(issues[0].rejected);
    CHECK(issues[0].message ==
          "no incident in this file: it holds the header row and no record (CSV: one incident per row after the header)");
  }
  {
    std::vector<kb::ParsedIncident> out;
    std::vector<ImportIssue> issues;
    kb::ParseIncidentCsv("id;title;root_cause\na;GPU lost;gpu_fallen_off_bus\n", "semi.csv", 1 << 20, &out, &issues);
    CHECK(out.empty());
    REQUIRE(issues.size() == 1);
    CHECK(issues[0].rejected);
    CHECK(issues[0].message.find("unknown CSV column `id;title;root_cause`; the header has no comma but `;`: "
                                 "comma-separated CSV is read (export it with `,` as the separator) (columns: id, ") == 0);
  }
  {
    std::vector<kb::ParsedIncident> out;
    std::vector<ImportIssue> issues;
    kb::ParseIncidentCsv("id\ttitle\na\tGPU lost\n", "tabs.csv", 1 << 20, &out, &issues);
    REQUIRE(issues.size() == 1);
    CHECK(issues[0].message.find("the header has no comma but tabs: ") != std::string::npos);
  }
  // A header and one row: no warning.
  std::vector<kb::ParsedIncident> out;
  std::vector<ImportIssue> issues;
  kb::ParseIncidentCsv("id,title,root_cause\na,GPU lost,gpu_fallen_off_bus\n", "one.csv", 1 << 20, &out, &issues);
  CHECK(out.size() == 1);
  CHECK(issues.empty());
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

TEST_CASE("JSONL import: a line nested deeper than 512 levels is a malformed line; the lines around it import") {
  const std::string prefix = "{\"id\": \"b\", \"title\": \"x\", \"root_cause\": \"cuda_oom\", \"symptoms\": ";
  const std::string jsonl = "{\"id\": \"a\", \"title\": \"ok\", \"root_cause\": \"cuda_oom\"}\n" + prefix +
                            std::string(100'000, '[') + std::string(100'000, ']') +
                            "}\n{\"id\": \"c\", \"title\": \"ok\", \"root_cause\": \"host_oom\"}\n";
  std::vector<kb::ParsedIncident> out;
  std::vector<ImportIssue> issues;
  CHECK_NOTHROW(kb::ParseIncidentJsonl(jsonl, "inc.jsonl", 1 << 20, &out, &issues));
  REQUIRE(out.size() == 2);
  CHECK(out[0].incident.id == "a");
  CHECK(out[1].incident.id == "c");
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].line == 2);
  CHECK(issues[0].message ==
        "malformed JSON: arrays and objects nested deeper than 512 levels at column " +
            std::to_string(prefix.size() + 512));  // the outer object is level 1
}

TEST_CASE("import: a log signature that can backtrack exponentially is dropped with a warning; the incident is kept") {
  // It would run against every log line of every diagnosis (core/regex_hazard.h).
  TempDir tmp;
  const std::string path = (tmp.path / "inc.jsonl").string();
  std::ofstream(path) << R"({"id": "a", "title": "NCCL timeout", "root_cause": "nccl_collective_hang", "log_signatures": ["(\\w+\\s?)+timeout", "Watchdog caught collective operation timeout"]})"
                      << "\n";
  auto kb = KnowledgeBase::Open(InMemoryNoPackOptions());
  REQUIRE_MESSAGE(kb.ok(), kb.status().ToString());
  auto r = (*kb)->Import(path);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(r->added == 1);
  REQUIRE(r->issues.size() == 1);
  CHECK_FALSE(r->issues[0].rejected);
  CHECK(r->issues[0].line == 1);
  CHECK(r->issues[0].message.find("log_signatures[0] `(\\w+\\s?)+timeout`: nested repetition at offset 0") == 0);
  CHECK(r->issues[0].message.find("; dropped") != std::string::npos);
  auto got = (*kb)->GetIncident("a");
  REQUIRE(got.ok());
  CHECK(got->log_signatures == std::vector<std::string>{"Watchdog caught collective operation timeout"});
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
// Runs `fn` in a child process whose address space may grow by at most `headroom` bytes past
// its size at the fork (RLIMIT_AS), so a large allocation inside fn fails; returns fn's exit code
// (-1 when the child did not exit normally).
template <typename Fn>
int RunUnderMemoryLimit(size_t headroom, Fn&& fn) {
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    size_t vm_kb = 0;
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
      if (line.starts_with("VmSize:")) vm_kb = std::stoul(line.substr(7));
    status.close();
    if (vm_kb == 0) _exit(90);
    rlimit lim{vm_kb * 1024 + headroom, vm_kb * 1024 + headroom};
    if (setrlimit(RLIMIT_AS, &lim) != 0) _exit(91);
    _exit(fn());
  }
  int st = 0;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

// A valid first line, then one incident whose raw_text is a ~0.9 MB string (under the 1 MiB
// record limit): parsing it needs the lexer's buffer (grown by doubling to 1 MiB) and the value's
// copy. (Not a huge list: under an allocation failure, nlohmann's destructor of a partly built
// array allocates its own stack and throws from a noexcept destructor, which terminates.)
std::string HugeJsonl() {
  std::string s = "{\"id\": \"a\", \"title\": \"ok\", \"root_cause\": \"cuda_oom\"}\n";
  s += "{\"id\": \"b\", \"title\": \"x\", \"root_cause\": \"cuda_oom\", \"raw_text\": \"";
  s.append(900000, 'x');
  s += "\"}\n";
  return s;
}

// ASan's operator new never throws std::bad_alloc: out of memory it reports and exits 1 (the first
// child below "returned" 1), and the second child, forked from a process with threads, hung in
// that report until ctest's 900 s time-out. ThreadSanitizer's runtime dies first: under the
// child's RLIMIT_AS its own internal allocator (the one keeping its thread and sync state) fails
// ("FATAL: ThreadSanitizer: internal allocator is out of memory trying to allocate 0x70 bytes",
// both children, 2026-12-01 build-tsan), before our operator new is reached. So this test of
// bad_alloc handling is skipped in an -fsanitize=address or -fsanitize=thread build
// (scripts/sanitize); the plain build runs it.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitizerAllocator = true;
#else
constexpr bool kSanitizerAllocator = false;
#endif

TEST_CASE(
    "JSONL import: running out of memory while parsing a line is reported as out of memory, not as "
    "malformed JSON" * doctest::skip(kSanitizerAllocator)) {
  const std::string jsonl = HugeJsonl();
  REQUIRE(jsonl.size() < (1u << 20));
  {  // without a limit the line parses
    std::vector<kb::ParsedIncident> out;
    std::vector<ImportIssue> issues;
    kb::ParseIncidentJsonl(jsonl, "inc.jsonl", 1 << 20, &out, &issues);
    REQUIRE(out.size() == 2);
    CHECK(out[1].incident.raw_text.size() == 900000);
    CHECK(issues.empty());
  }
  // Parser: std::bad_alloc propagates (exit 0); before, it was caught as "malformed JSON" (exit 1).
  int code = RunUnderMemoryLimit(512 << 10, [&] {
    std::vector<kb::ParsedIncident> out;
    std::vector<ImportIssue> issues;
    out.reserve(4);
    issues.reserve(4);
    try {
      kb::ParseIncidentJsonl(jsonl, "inc.jsonl", 1 << 20, &out, &issues);
    } catch (const std::bad_alloc&) {
      return 0;
    }
    for (const auto& i : issues)
      if (i.message.find("malformed JSON") != std::string::npos) return 1;
    return 2;
  });
  CHECK(code == 0);
  // Import of the file: ResourceExhausted naming the file, nothing written (exit 0).
  TempDir tmp;
  const std::string path = (tmp.path / "huge.jsonl").string();
  std::ofstream(path) << jsonl;
  KnowledgeOptions o;
  o.db_path = ":memory:";
  o.load_pack = false;
  o.index_spec = "Flat";
  auto store = KnowledgeBase::Open(o);
  REQUIRE(store.ok());
  code = RunUnderMemoryLimit(3 << 19, [&] {
    try {
      auto r = (*store)->Import(path);
      if (r.ok()) return 3;
      if (r.status().code() != StatusCode::kResourceExhausted) return 4;
      if (r.status().message().find("huge.jsonl") == std::string::npos) return 5;
      if (r.status().message().find("out of memory") == std::string::npos) return 6;
      return 0;
    } catch (...) {
      return 7;  // an exception out of Import
    }
  });
  CHECK(code == 0);
}

// A tracker's export names its fields its own way (WALKK, 2026-12-04). JSON lines: a field that is
// no incident field was kept aside in silence (`extra`: neither searched nor shown), so a ticket's
// `description` and `resolution` imported as an incident with neither text nor fix. CSV: only the
// first unknown column was named, with no hint for a tracker's names (`resolution`).
TEST_CASE("import: a tracker's own field names are named, once per field, with the incident field they mean") {
  const std::string jsonl =
      R"({"id":"INC-1","title":"GPU 3 lost on gpu-22","description":"Xid 79 on gpu-22","resolution":"reseated the GPU","root_cause":"gpu_fallen_off_bus"})"
      "\n"
      R"({"id":"INC-2","title":"NCCL hang","description":"watchdog timeout","resolution":"replaced cable","started_at":"2026-10-02T03:10:00Z","root_cause":"ib_link_failure"})"
      "\n"
      R"({"id":"INC-3","title":"pack-style","raw_text":"x","root_cause":"unknown","xid":[79],"tags":["gpu"],"examples":["Xid 79"]})"
      "\n";
  std::vector<kb::ParsedIncident> out;
  std::vector<ImportIssue> issues;
  kb::ParseIncidentJsonl(jsonl, "tickets.jsonl", 1 << 20, &out, &issues);
  CHECK(out.size() == 3);  // kept, as before: nothing already accepted is lost
  REQUIRE(issues.size() == 3);
  CHECK(issues[0].file == "tickets.jsonl");
  CHECK(issues[0].line == 1);
  CHECK_FALSE(issues[0].rejected);
  CHECK(issues[0].message ==
        "field `description` is not an incident field: kept aside, not searched (did you mean `raw_text`?); "
        "in 2 records");
  CHECK(issues[1].message ==
        "field `resolution` is not an incident field: kept aside, not searched (did you mean `mitigation`?); "
        "in 2 records");
  CHECK(issues[2].line == 2);
  CHECK(issues[2].message ==
        "field `started_at` is not an incident field: kept aside, not searched (did you mean `started_at_ms`?); "
        "in 1 record");

  std::vector<kb::ParsedIncident> rows;
  std::vector<ImportIssue> csv_issues;
  kb::ParseIncidentCsv("Key,Summary,Description,Resolution,root_cause\nOPS-1,GPU lost,Xid 79,reseated,gpu_fallen_off_bus\n",
                       "jira.csv", 1 << 20, &rows, &csv_issues);
  CHECK(rows.empty());
  REQUIRE(csv_issues.size() == 1);
  CHECK(csv_issues[0].line == 1);
  CHECK(csv_issues[0].message.find("unknown CSV columns `key` (did you mean `id`?), `summary` (did you mean `title`?), "
                                   "`description` (did you mean `raw_text`?), `resolution` (did you mean "
                                   "`mitigation`?) (columns: id, title,") == 0);
}

// RV4: a `"` inside a cell that does not start with one (`12" riser`, a pasted `grep "Xid"`) is a
// character, as Python's csv and spreadsheets read it. It opened a quoted cell that ran to the next
// `"` or the end of the file: the rest of the file was one rejected record, its incidents lost.
TEST_CASE("CSV import: a quote inside an unquoted cell is a character; the records after it are read (RV4)") {
  const std::string csv =
      "id,title,root_cause,mitigation\n"
      "inc-1,Cable 12\" riser overheating on gpu-7,pcie_link_degraded,replaced riser\n"
      "inc-2,NCCL timeout on node-3,nccl_timeout,ran dmesg | grep \"Xid\" first\n"
      "inc-3, \"quoted, with a comma\",gpu_fallen_off_bus,\"drained \"\"now\"\"\"\n";
  std::vector<kb::ParsedIncident> out;
  std::vector<ImportIssue> issues;
  kb::ParseIncidentCsv(csv, "q.csv", 1 << 20, &out, &issues);
  CHECK(issues.empty());
  REQUIRE(out.size() == 3);
  CHECK(out[0].incident.title == "Cable 12\" riser overheating on gpu-7");
  CHECK(out[0].incident.mitigation == "replaced riser");
  CHECK(out[1].incident.id == "inc-2");
  CHECK(out[1].incident.mitigation == "ran dmesg | grep \"Xid\" first");
  CHECK(out[1].line == 3);
  CHECK(out[2].incident.title == "quoted, with a comma");  // a quote after blanks still opens a cell
  CHECK(out[2].incident.mitigation == "drained \"now\"");
  CHECK(out[2].line == 4);
}

// RV4: a header naming a column twice (`mitigation,Mitigation`: two exports pasted together, a
// spreadsheet's renamed column) kept the last cell and dropped the other's text in silence.
TEST_CASE("CSV import: a column named twice in the header is refused naming it and both places (RV4)") {
  const std::string csv =
      "id,title,Mitigation,root_cause,mitigation\n"
      "inc-1,GPU fell off the bus on gpu-9,reseated the GPU,gpu_fallen_off_bus,\n";
  std::vector<kb::ParsedIncident> out;
  std::vector<ImportIssue> issues;
  kb::ParseIncidentCsv(csv, "twice.csv", 1 << 20, &out, &issues);
  CHECK(out.empty());
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].rejected);
  CHECK(issues[0].line == 1);
  CHECK(issues[0].message ==
        "CSV column `mitigation` is named twice in the header (columns 3 and 5): which one holds it is unclear; "
        "nothing imported from this file (rename or remove one)");
}

// RV4: a UTF-8 byte-order mark (Windows editors, exports) before a Markdown file's front matter hid
// it: `---` was not the first line, so the guide lost its category and component (a postmortem its
// root_cause) and the front matter was read as text; before a `# Title`, the title was lost.
TEST_CASE("Markdown import: a byte-order mark before the front matter or the title is skipped (RV4)") {
  const std::string md = "---\ncategory: nvlink_error\ncomponent: nvlink\n---\n# NVLink triage\n\nRun nvidia-smi nvlink -s.\n";
  kb::ParsedGuide plain, bom;
  std::vector<ImportIssue> issues;
  REQUIRE(kb::ParseGuideMarkdown(md, "g.md", 1 << 20, &plain, &issues));
  REQUIRE(kb::ParseGuideMarkdown("\xEF\xBB\xBF" + md, "g.md", 1 << 20, &bom, &issues));
  CHECK(issues.empty());
  CHECK(bom.category == "nvlink_error");
  CHECK(bom.component == "nvlink");
  CHECK(bom.title == "NVLink triage");
  REQUIRE(bom.chunks.size() == plain.chunks.size());
  CHECK(bom.chunks[0].heading == plain.chunks[0].heading);
  CHECK(bom.chunks[0].text == plain.chunks[0].text);
  kb::ParsedGuide titled;
  REQUIRE(kb::ParseGuideMarkdown("\xEF\xBB\xBF# Xid 79 runbook\n\nDrain the node.\n", "r.md", 1 << 20, &titled, &issues));
  CHECK(titled.title == "Xid 79 runbook");
  // A postmortem: its front matter's category is its root cause; the raw text holds no mark.
  const std::string pm = "\xEF\xBB\xBF---\ncategory: ib_link_failure\n---\n# Pretrain stall\n\n## Summary\n\nstalled\n\n"
                         "## Root cause\n\nmlx5_3 port flapping\n";
  kb::ParsedGuide g;
  REQUIRE(kb::ParseGuideMarkdown(pm, "pm.md", 1 << 20, &g, &issues));
  kb::ParsedIncident inc;
  REQUIRE(kb::ParsePostmortemMarkdown(g, pm, &inc));
  CHECK(inc.incident.root_cause == "ib_link_failure");
  CHECK(inc.incident.title == "Pretrain stall");
  CHECK(inc.incident.raw_text.starts_with("---\ncategory"));
}

// RV4: a record whose field has the wrong type (a tracker's `symptoms` as one string, a date in
// `started_at_ms`, a null in `links`) was rejected as `incident: [json.exception.type_error.302]
// type must be array, but is string`, naming no field; a null `title` (trackers write null for an
// empty field, and null is read as absent for every other field) rejected the record.
TEST_CASE("JSON lines import: a field of the wrong type is named with what it is and should be (RV4)") {
  const std::string jsonl =
      R"({"id":"a1","title":"t1","symptoms":"one string","root_cause":"cuda_oom"})" "\n"
      R"({"id":"a2","title":"t2","started_at_ms":"2026-11-02T02:10:00Z","root_cause":"cuda_oom"})" "\n"
      R"({"id":"a3","title":"t3","links":["http://x",null],"root_cause":"cuda_oom"})" "\n"
      R"({"id":"a4","title":{"text":"nested"},"root_cause":"cuda_oom"})" "\n"
      R"({"id":5,"title":"t5","root_cause":"cuda_oom"})" "\n"
      R"({"id":"a6","title":null,"raw_text":"GPU 3 fell off the bus","root_cause":"gpu_fallen_off_bus"})" "\n";
  std::vector<kb::ParsedIncident> out;
  std::vector<ImportIssue> issues;
  kb::ParseIncidentJsonl(jsonl, "t.jsonl", 1 << 20, &out, &issues);
  REQUIRE(out.size() == 1);
  CHECK(out[0].incident.id == "a6");
  CHECK(out[0].incident.raw_text == "GPU 3 fell off the bus");
  REQUIRE(issues.size() == 5);
  CHECK(issues[0].line == 1);
  CHECK(issues[0].message == "`symptoms` is a string, not a list of strings");
  CHECK(issues[1].message == "`started_at_ms` is a string, not a number (Unix milliseconds)");
  CHECK(issues[2].message == "`links` item 2 is null, not a string");
  CHECK(issues[3].message == "`title` is an object, not a string");
  CHECK(issues[4].line == 5);
  CHECK(issues[4].message == "`id` is a number, not a string");
}

// RV4: a Markdown file that is not UTF-8 was rejected as `FILE: rejected: invalid UTF-8 at byte 39
// of the record`, with no line; a Slack or tracker .json says the line (CheckFileUtf8).
TEST_CASE("Markdown import: invalid UTF-8 is rejected naming its line (RV4)") {
  kb::ParsedGuide g;
  std::vector<ImportIssue> issues;
  CHECK_FALSE(kb::ParseGuideMarkdown("# Runbook\n\n## Fans\n\nCheck the fan tray \xff first.\n", "bad.md", 1 << 20, &g,
                                     &issues));
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].rejected);
  CHECK(issues[0].line == 5);
  CHECK(issues[0].message == "invalid UTF-8 at byte 39 of the file (line 5): not imported; re-export it as UTF-8");
}

// RV4: a tracker's times in Unix seconds (`"started_at_ms": 1762049400`, a CSV `started_at` of 10
// digits) were read as milliseconds: the incident started on 1970-01-21, said nowhere, and `kb search
// --since` never found it. A value before 1973 as milliseconds (below 10^11) is read as seconds, said.
TEST_CASE("import: a time in Unix seconds is read as seconds, said; milliseconds unchanged (RV4)") {
  std::vector<kb::ParsedIncident> out;
  std::vector<ImportIssue> issues;
  kb::ParseIncidentJsonl(R"({"id":"s1","title":"t","root_cause":"cuda_oom","started_at_ms":1762049400,"resolved_at_ms":1762056000})"
                         "\n"
                         R"({"id":"m1","title":"u","root_cause":"cuda_oom","started_at_ms":1762049400000})" "\n",
                         "sec.jsonl", 1 << 20, &out, &issues);
  REQUIRE(out.size() == 2);
  CHECK(out[0].incident.started_at_ms == 1762049400000);
  CHECK(out[0].incident.resolved_at_ms == 1762056000000);
  CHECK(out[1].incident.started_at_ms == 1762049400000);
  REQUIRE(issues.size() == 2);
  CHECK(issues[0].line == 1);
  CHECK_FALSE(issues[0].rejected);
  CHECK(issues[0].message ==
        "`started_at_ms` 1762049400 would be 1970-01-21T09:27:29.400Z in Unix milliseconds: read as Unix seconds, "
        "2025-11-02T02:10:00Z");
  CHECK(issues[1].message.find("`resolved_at_ms` 1762056000 would be") == 0);
  out.clear();
  issues.clear();
  kb::ParseIncidentCsv("id,title,root_cause,started_at\nc1,t,cuda_oom,1762049400\nc2,u,cuda_oom,1762049400000\n", "sec.csv",
                       1 << 20, &out, &issues);
  REQUIRE(out.size() == 2);
  CHECK(out[0].incident.started_at_ms == 1762049400000);
  CHECK(out[1].incident.started_at_ms == 1762049400000);
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].line == 2);
  CHECK(issues[0].message.find("`started_at` 1762049400 would be 1970-01-21") == 0);
}

}  // namespace vigil
