#include "connectors/slurm_finished_job.h"

#include "core/strings.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace vigil {
namespace {

namespace fs = std::filesystem;

struct Dir {
  fs::path path;
  Dir() {
    std::string t = (fs::temp_directory_path() / "vigil-finished-XXXXXX").string();
    path = ::mkdtemp(t.data());
  }
  ~Dir() { fs::remove_all(path); }
  std::string Write(const std::string& name, const std::string& body) const {
    const fs::path p = path / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << body;
    return p.string();
  }
};

bool Has(const JobLogReading& r, const std::string& part) {
  for (const std::string& n : r.notes) {
    if (n.find(part) != std::string::npos) return true;
  }
  return false;
}

// The Slurm source stand-in: every job unknown to scontrol, or known (one file read).
struct Forgetful : JobLogSource {
  bool knows = false;
  JobLogReading Read(const JobLogRequest& q) const override {
    JobLogReading r;
    if (knows) {
      r.files.push_back(JobLogFile{"/known/" + q.job_id, "stdout", {"from scontrol"}});
      return r;
    }
    r.job_unknown = true;
    r.notes.push_back("job log: slurm job " + q.job_id + " not read: the job is unknown to Slurm");
    return r;
  }
  std::string Describe() const override { return "slurm (scontrol show job)"; }
};

// A fake sacct: `mode` picks how it answers; rows by job id (the fields in the order asked).
struct FakeSacct {
  enum Mode { kAccounting, kOldAccounting, kCompletionOnly, kNothing, kMissing, kTimeout } mode = kAccounting;
  std::map<std::string, std::string> rows;  // id -> "JobID|JobIDRaw|JobName|User|WorkDir|NodeList|State|End"
  std::map<std::string, std::string> std_fields;  // id -> "|StdOut|StdErr" (accounting of Slurm 23.02+)
  std::vector<std::vector<std::string>> asked;
  ProgramRunner Runner() {
    return [this](const std::vector<std::string>& argv, double) -> Result<CommandOutput> {
      asked.push_back(argv);
      if (mode == kMissing) return NotFoundError("cannot run sacct: No such file or directory");
      CommandOutput o;
      o.exit_code = 1;
      o.end = "exit code 1";
      const bool completion = argv.size() > 1 && argv[1] == "-c";
      const bool with_std = argv.back().find("StdOut") != std::string::npos;
      if (mode == kTimeout) {
        o.exit_code = -1;
        o.end = "timed out after 10.0 s (killed)";
        return o;
      }
      if (with_std && mode != kAccounting) {
        o.err = "sacct: error: Invalid field requested: \"StdOut\"\n";
        return o;
      }
      if (!completion && (mode == kCompletionOnly || mode == kNothing)) {
        o.err = "Slurm accounting storage is disabled\n";
        return o;
      }
      if (completion && mode == kNothing) {
        o.err = "Slurm job completion is disabled\n";
        return o;
      }
      o.exit_code = 0;
      o.end = "exit code 0";
      const std::string id = argv[completion ? 3 : 2];
      if (auto it = rows.find(id); it != rows.end()) {
        o.out = it->second + (with_std ? std_fields[id] : "") + "\n";
        // The rows are written with `|`; sacct puts the --delimiter asked (a row already written
        // with it is as sacct prints it).
        for (const std::string& a : argv) {
          if (a.rfind("--delimiter=", 0) != 0) continue;
          const std::string d = a.substr(12);
          if (o.out.find(d) != std::string::npos) break;
          for (size_t at = o.out.find('|'); at != std::string::npos; at = o.out.find('|', at + d.size())) {
            o.out.replace(at, 1, d);
          }
        }
      }
      return o;
    };
  }
};

TEST_CASE("finished job: sacct -n -P rows parsed in scontrol's names, the job's own row, the last of several") {
  const std::vector<std::string> f = {"JobID", "JobIDRaw", "JobName", "User", "WorkDir", "NodeList", "State", "End"};
  auto m = ParseSacctJob("41|41|other|bob|/w|n1|FAILED|x\n42|42|train|alice|/home/a|gpu-3|FAILED|2026-12-05T06:00:00\n",
                         f, "42");
  CHECK(m["JobId"] == "42");
  CHECK(m["JobName"] == "train");
  CHECK(m["UserId"] == "alice");
  CHECK(m["WorkDir"] == "/home/a");
  CHECK(m["BatchHost"] == "gpu-3");
  CHECK(m["JobState"] == "FAILED");
  // Requeued: the last run; an array task by its JobID; a multi-node list gives no batch host.
  m = ParseSacctJob("42|42|a|u|/w|n1|REQUEUED|x\n42|42|b|u|/w|gpu[1-4]|FAILED|y\n", f, "42");
  CHECK(m["JobName"] == "b");
  CHECK(m.count("BatchHost") == 0);
  CHECK(ParseSacctJob("7_3|9912|arr|u|/w|n1|FAILED|y\n", f, "7_3")["JobName"] == "arr");
  // Not the job's, too few fields, empty.
  CHECK(ParseSacctJob("43|43|x|u|/w|n|S|E\n", f, "42").empty());
  CHECK(ParseSacctJob("42|42|x\n", f, "42").empty());
  CHECK(ParseSacctJob("", f, "42").empty());
}

TEST_CASE("rv10 finished job: a `|` in the job name shifts no field: sacct is asked for another delimiter") {
  // sacct -P as it prints a job named `sweep|lr=3e-4` (Slurm does not escape the delimiter).
  const std::vector<std::string> f = {"JobID", "JobIDRaw", "JobName", "User", "WorkDir", "NodeList", "State", "End"};
  size_t misaligned = 0;
  auto pipe = ParseSacctJob("42|42|sweep|lr=3e-4|alice|/home/a|gpu-3|FAILED|2026-12-05T06:00:00\n", f, "42", "|",
                            &misaligned);
  // Was: JobName `sweep`, UserId `lr=3e-4`, WorkDir `alice` (the log looked for under ./alice).
  CHECK(pipe.empty());
  CHECK(misaligned == 1);
  // The delimiter vigil asks for: the name's `|` is the name's.
  auto m = ParseSacctJob("42\x1f" "42\x1fsweep|lr=3e-4\x1f" "alice\x1f/home/a\x1fgpu-3\x1f" "FAILED\x1f" "2026\n", f, "42",
                         kSacctDelimiter);
  CHECK(m["JobName"] == "sweep|lr=3e-4");
  CHECK(m["UserId"] == "alice");
  CHECK(m["WorkDir"] == "/home/a");
  // Through the source: the file under the job's WorkDir, named after the whole name.
  Dir d;
  d.Write("home/sweep|lr=3e-4-42.out", "[rank3]: RuntimeError: CUDA error: an illegal memory access was encountered\n");
  FakeSacct sacct;
  sacct.mode = FakeSacct::kCompletionOnly;
  const std::string x = std::string(kSacctDelimiter);
  sacct.rows["42"] = "42" + x + "42" + x + "sweep|lr=3e-4" + x + "root(0)" + x + (d.path / "home").string() + x +
                     "node-1" + x + "FAILED" + x + "2026-12-05T06:00:00";
  FinishedSlurmJobLogSource src(std::make_unique<Forgetful>(), sacct.Runner(), {}, "%x-%j.out");
  JobLogReading r = src.Read({"42", ""});
  INFO(JoinStrings(r.notes, "\n"));
  REQUIRE(r.files.size() == 1);
  CHECK(r.files[0].path == (d.path / "home/sweep|lr=3e-4-42.out").string());
  CHECK(Has(r, "read from the job completion log (sacct -c): sweep|lr=3e-4, FAILED"));
}

TEST_CASE("finished job: scontrol forgot it; sacct's WorkDir and name give the output file, every step said") {
  Dir d;
  d.Write("home/llama-42.out", "step 1\n[rank3]: RuntimeError: CUDA error: an illegal memory access was encountered\n");
  auto slurm = std::make_unique<Forgetful>();
  Forgetful* inner = slurm.get();
  FakeSacct sacct;
  sacct.mode = FakeSacct::kCompletionOnly;  // Debian 12: no slurmdbd, jobcomp/filetxt
  sacct.rows["42"] = "42|42|llama|root(0)|" + (d.path / "home").string() + "|node-1|FAILED|2026-12-05T06:00:00";
  FinishedSlurmJobLogSource src(std::move(slurm), sacct.Runner(), {}, "%x-%j.out");
  JobLogReading r = src.Read({"42", ""});
  REQUIRE(r.files.size() == 1);
  CHECK(r.files[0].path == (d.path / "home/llama-42.out").string());
  CHECK(r.files[0].lines.back().find("illegal memory access") != std::string::npos);
  CHECK(Has(r, "the job is unknown to Slurm"));
  CHECK(Has(r, "read from the job completion log (sacct -c): llama, FAILED, ended 2026-12-05T06:00:00"));
  CHECK(Has(r, "this sacct has no StdOut / StdErr fields (Slurm before 23.02)"));
  CHECK(Has(r, "accounting storage is disabled (no slurmdbd)"));
  CHECK(Has(r, "llama-42.out read after scontrol forgot the job (sacct names no StdOut: the output pattern "
               "job_log_slurm_output `%x-%j.out` expanded from sacct's fields)"));
  REQUIRE(sacct.asked.size() == 3);
  CHECK(sacct.asked[2] == std::vector<std::string>{"sacct", "-c", "-j", "42", "-X", "-n", "-P", "--delimiter=\x1f",
                                                   "--format=JobID,JobIDRaw,JobName,User,WorkDir,NodeList,State,End"});
  // scontrol still lists it: sacct is not asked.
  inner->knows = true;
  r = src.Read({"42", ""});
  CHECK(r.files.size() == 1);
  CHECK(sacct.asked.size() == 3);
}

TEST_CASE("finished job: sacct of Slurm 23.02+ names StdOut; accounting asked once") {
  Dir d;
  const std::string out = d.Write("o/42.log", "NCCL WARN Net : Connection closed\n");
  FakeSacct sacct;
  sacct.rows["42"] = "42|42|t|alice|/w|n1|FAILED|e";
  sacct.std_fields["42"] = "|" + (d.path / "o/%j.log").string() + "|" + (d.path / "o/%j.log").string();
  FinishedSlurmJobLogSource src(std::make_unique<Forgetful>(), sacct.Runner(), {}, "slurm-%j.out");
  JobLogReading r = src.Read({"42", ""});
  REQUIRE(r.files.size() == 1);
  CHECK(r.files[0].path == out);
  CHECK(r.files[0].stream == "stdout+stderr");
  CHECK(Has(r, "read from the accounting database (sacct): t, FAILED"));
  CHECK(Has(r, "read after scontrol forgot the job (sacct's StdOut)"));
  CHECK(sacct.asked.size() == 1);
}

TEST_CASE("finished job: sacct missing, failing, timing out or not knowing the job; the pattern alone") {
  Dir d;
  d.Write("shared/55.out", "Xid 79 GPU has fallen off the bus\n");
  FakeSacct sacct;
  sacct.mode = FakeSacct::kMissing;
  FinishedSlurmJobLogSource absolute(std::make_unique<Forgetful>(), sacct.Runner(), {}, (d.path / "shared/%j.out").string());
  JobLogReading r = absolute.Read({"55", ""});
  CHECK(Has(r, "sacct could not be run (cannot run sacct: No such file or directory; sacct is not installed where vigil runs)"));
  REQUIRE(r.files.size() == 1);  // the absolute pattern with the job id alone
  CHECK(Has(r, "55.out read after scontrol forgot the job (no job fields from sacct: the output pattern"));
  r = absolute.Read({"56", ""});
  CHECK(r.files.empty());
  CHECK(Has(r, "56.out: no such file: not read"));

  FinishedSlurmJobLogSource relative(std::make_unique<Forgetful>(), sacct.Runner(), {}, "%x-%j.out");
  r = relative.Read({"55", ""});
  CHECK(r.files.empty());
  CHECK(Has(r, "gives the relative path %x-55.out, and the job's WorkDir is unknown"));
  FinishedSlurmJobLogSource named(std::make_unique<Forgetful>(), sacct.Runner(), {}, (d.path / "%x/%j.out").string());
  r = named.Read({"55", ""});
  CHECK(Has(r, "leaves %x unexpanded"));

  sacct.mode = FakeSacct::kNothing;
  r = relative.Read({"55", ""});
  CHECK(Has(r, "Slurm job completion is disabled: neither accounting (slurmdbd) nor a job completion log"));
  sacct.mode = FakeSacct::kTimeout;
  r = relative.Read({"55", ""});
  CHECK(Has(r, "failed (timed out after 10.0 s (killed)"));
  sacct.mode = FakeSacct::kCompletionOnly;  // reachable, but the job is not in it
  r = relative.Read({"31337", ""});
  CHECK(Has(r, "the job completion log (sacct -c) does not know it either"));
  CHECK(r.files.empty());
}

TEST_CASE("rv8 finished job: an array task's %j is its own job id, %A / %a the array's id and index") {
  // sacct's row of task 3 of array 7 (task job id 9912): JobID `7_3`, JobIDRaw 9912. %j gave `7_3`
  // and %a was left unexpanded, so neither file below was found.
  const std::vector<std::string> f = {"JobID", "JobIDRaw", "JobName", "User", "WorkDir", "NodeList", "State", "End"};
  for (const char* asked : {"7_3", "9912"}) {
    auto m = ParseSacctJob("7_3|9912|arr|u|/w|n1|FAILED|y\n", f, asked);
    CHECK(m["JobId"] == "9912");
    CHECK(m["ArrayJobId"] == "7");
    CHECK(m["ArrayTaskId"] == "3");
    std::vector<std::string> unknown;
    CHECK(ExpandSlurmFilename("%A_%a-%x-%j.out", m, &unknown) == "7_3-arr-9912.out");
    CHECK(unknown.empty());
  }
  CHECK(ParseSacctJob("42|42|t|u|/w|n1|FAILED|y\n", f, "42").count("ArrayTaskId") == 0);

  Dir d;
  const std::string out = d.Write("o/7_3.out", "step 10\nCUDA out of memory\n");
  const std::string err = d.Write("o/arr-9912.err", "Traceback (most recent call last):\n");
  FakeSacct sacct;
  sacct.rows["7_3"] = "7_3|9912|arr|u|" + (d.path / "o").string() + "|n1|FAILED|y";
  sacct.std_fields["7_3"] = "|" + (d.path / "o/%A_%a.out").string() + "|" + (d.path / "o/%x-%j.err").string();
  FinishedSlurmJobLogSource src(std::make_unique<Forgetful>(), sacct.Runner(), {}, "slurm-%j.out");
  JobLogReading r = src.Read({"7_3", ""});
  REQUIRE(r.files.size() == 2);
  CHECK(r.files[0].path == out);
  CHECK(r.files[1].path == err);
  // No StdOut in sacct (Slurm before 23.02): sbatch's default for an array task is slurm-%A_%a.out,
  // a pattern of the cluster's own takes %j as the task's job id.
  d.Write("o/slurm-7_3.out", "default name\n");
  d.Write("o/arr-9912.out", "cluster pattern\n");
  sacct.mode = FakeSacct::kOldAccounting;
  r = src.Read({"7_3", ""});
  REQUIRE(r.files.size() == 1);
  CHECK(r.files[0].lines == std::vector<std::string>{"default name"});
  CHECK(Has(r, "(`slurm-%A_%a.out` for an array task, as sbatch)"));
  FinishedSlurmJobLogSource named(std::make_unique<Forgetful>(), sacct.Runner(), {}, "%x-%j.out");
  r = named.Read({"7_3", ""});
  REQUIRE(r.files.size() == 1);
  CHECK(r.files[0].lines == std::vector<std::string>{"cluster pattern"});
}

}  // namespace
}  // namespace vigil
