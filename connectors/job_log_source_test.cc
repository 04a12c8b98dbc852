#include "connectors/job_log_source.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "connectors/slurm_testing.h"

namespace vigil {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    std::string t = (fs::temp_directory_path() / "vigil-joblog-XXXXXX").string();
    path = ::mkdtemp(t.data());
  }
  ~TempDir() { fs::remove_all(path); }
  std::string Write(const std::string& name, const std::string& body) const {
    const fs::path p = path / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << body;
    return p.string();
  }
};

bool HasNote(const JobLogReading& r, const std::string& part) {
  for (const std::string& n : r.notes) {
    if (n.find(part) != std::string::npos) return true;
  }
  return false;
}

TEST_CASE("job log tail: last lines of a file, its bytes and lines capped, bad bytes replaced") {
  TempDir d;
  std::string body;
  for (int i = 1; i <= 100; ++i) body += "line " + std::to_string(i) + "\n";
  const std::string p = d.Write("a.log", body);
  JobLogLimits lim;
  lim.max_lines = 10;
  auto f = ReadLogTail(p, lim);
  REQUIRE(f.ok());
  REQUIRE(f->lines.size() == 10);
  CHECK(f->lines.front() == "line 91");
  CHECK(f->lines.back() == "line 100");
  CHECK(f->whole);
  CHECK(f->lines_in_read == 100);
  // A byte cap inside a line: the partial first line is dropped.
  lim.max_lines = 1000;
  lim.max_bytes = 20;  // "line 98\nline 99\nline 100\n" is 25 bytes: the tail starts inside "line 98"
  f = ReadLogTail(p, lim);
  REQUIRE(f.ok());
  CHECK(!f->whole);
  CHECK(f->bytes_read == 20);
  CHECK(f->lines == std::vector<std::string>{"line 99", "line 100"});
  // A tail starting right after a newline keeps its first line.
  lim.max_bytes = 17;  // "line 99\nline 100\n"
  f = ReadLogTail(p, lim);
  REQUIRE(f.ok());
  CHECK(f->lines == std::vector<std::string>{"line 99", "line 100"});
  // Binary bytes, CRLF, a long line.
  const std::string bin = d.Write("b.log", std::string("ok\r\nNCCL WARN \x01\x02\xff\xfe tail\n") + std::string(10000, 'x') + "\n");
  lim = JobLogLimits{};
  lim.max_line_bytes = 100;
  f = ReadLogTail(bin, lim);
  REQUIRE(f.ok());
  REQUIRE(f->lines.size() == 3);
  CHECK(f->lines[0] == "ok");
  CHECK(f->lines[1] == "NCCL WARN \xEF\xBF\xBD tail");  // a run of bad bytes: one U+FFFD
  CHECK(f->bytes_replaced == 4);
  CHECK(f->lines[2] == std::string(100, 'x') + " [cut]");
  CHECK(f->long_lines_cut == 1);
  // Valid UTF-8 stays.
  const std::string u = d.Write("u.log", "temp 85\xC2\xB0" "C \xE2\x9C\x93\n");
  f = ReadLogTail(u, lim);
  REQUIRE(f.ok());
  CHECK(f->lines[0] == "temp 85\xC2\xB0" "C \xE2\x9C\x93");
  CHECK(f->bytes_replaced == 0);
}

TEST_CASE("rv8 job log tail: a last line longer than the bytes read keeps its end, not nothing") {
  // A tqdm bar rewritten with `\r` for a whole epoch (over max_bytes) and a job that hung in it: the
  // read window is all one line. It was dropped as "a partial first line": the file read as empty.
  TempDir d;
  std::string bar;
  while (bar.size() < (2u << 20)) bar += "Epoch 3:  45%|####      | 450/1000 [01:02<01:15]\r";
  JobLogLimits lim;
  lim.max_line_bytes = 200;
  for (const std::string end : {"", "\n", "\r\n"}) {
    CAPTURE(end);
    auto f = ReadLogTail(d.Write("bar.log", "start\n" + bar + "NCCL watchdog: collective timed out" + end), lim);
    REQUIRE(f.ok());
    REQUIRE(f->lines.size() == 1);
    CHECK(f->lines[0].rfind("[cut] ", 0) == 0);
    CHECK(f->lines[0].ends_with("NCCL watchdog: collective timed out"));
    CHECK(f->lines[0].size() <= 6 + 200);
    CHECK(f->long_lines_cut == 1);
  }
  // Its end starting inside a character: no broken byte shown.
  lim.max_bytes = 10;
  auto f = ReadLogTail(d.Write("utf.log", "x\n" + std::string(20, 'a') + "\xC2\xB0\xC2\xB0\xC2\xB0\xC2\xB0\xC2\xB0"), lim);
  REQUIRE(f.ok());
  CHECK(f->lines == std::vector<std::string>{"[cut] \xC2\xB0\xC2\xB0\xC2\xB0\xC2\xB0\xC2\xB0"});
  CHECK(f->bytes_replaced == 0);
  // The window starting right after a newline: a whole line, no mark; a newline alone: nothing.
  lim.max_bytes = 4;
  f = ReadLogTail(d.Write("w.log", "aaaa\nbbbb"), lim);
  CHECK(f->lines == std::vector<std::string>{"bbbb"});
  lim.max_bytes = 1;
  f = ReadLogTail(d.Write("n.log", "aaaa\n"), lim);
  CHECK(f->lines.empty());
}

TEST_CASE("rv10 job log tail: a progress bar's line of `\\r` updates is read in its last state") {
  // tqdm over a data loader that stalls: one line, 300 states, then the job's next line. Was: each
  // `\r` a U+FFFD and the line cut at max_line_bytes from its start (0/300 at 7.50it/s shown).
  TempDir d;
  std::string bar;
  for (int i = 0; i < 300; ++i) {
    bar += "\rEpoch 3: " + std::to_string(i) + "/300 [" + (i < 299 ? "7.50" : "0.02") + "it/s]" + std::string(40, ' ');
  }
  auto f = ReadLogTail(d.Write("bar.log", "start\n" + bar + "\nNCCL watchdog: collective timed out\n"), {});
  REQUIRE(f.ok());
  REQUIRE(f->lines.size() == 3);
  CHECK(f->lines[1] == "Epoch 3: 299/300 [0.02it/s]" + std::string(40, ' '));
  CHECK(f->progress_lines == 1);
  CHECK(f->bytes_replaced == 0);
  CHECK(f->long_lines_cut == 0);
  // A stray CR at a line's end is dropped, not counted; a line without CR is as it was.
  f = ReadLogTail(d.Write("cr.log", "loss 0.5\r\r\nplain\n"), {});
  REQUIRE(f.ok());
  CHECK(f->lines == std::vector<std::string>{"loss 0.5", "plain"});
  CHECK(f->progress_lines == 0);
}

TEST_CASE("job log tail: a 2 GB sparse file costs one read of its tail") {
  TempDir d;
  const std::string p = (d.path / "big.out").string();
  {
    std::ofstream o(p, std::ios::binary);
  }
  fs::resize_file(p, 2'000'000'000ull);
  {
    std::ofstream o(p, std::ios::binary | std::ios::app);
    o << "\nnode-3:4411:4420 [5] NCCL WARN Net : Connection closed by remote peer\nlast line\n";
  }
  JobLogLimits lim;  // 1 MiB
  auto f = ReadLogTail(p, lim);
  REQUIRE(f.ok());
  CHECK(f->file_bytes > 2'000'000'000ull);
  CHECK(f->bytes_read == lim.max_bytes);
  REQUIRE(f->lines.size() == 2);  // the zeros before the first newline are a partial line, dropped
  CHECK(f->lines[0].find("NCCL WARN Net : Connection closed") != std::string::npos);
  CHECK(f->lines[1] == "last line");
}

TEST_CASE("job log tail: missing, /dev/null, a directory, a symlink loop, permission denied") {
  TempDir d;
  auto miss = ReadLogTail((d.path / "none.out").string(), {});
  CHECK(miss.status().code() == StatusCode::kNotFound);
  CHECK(miss.status().message().find("none.out: no such file") != std::string::npos);
  auto null = ReadLogTail("/dev/null", {});
  CHECK(null.status().code() == StatusCode::kFailedPrecondition);
  CHECK(null.status().message().find("/dev/null: not a regular file: a character device") != std::string::npos);
  auto dir = ReadLogTail(d.path.string(), {});
  CHECK(dir.status().message().find("a directory") != std::string::npos);
  fs::create_symlink(d.path / "b.log", d.path / "a.log");
  fs::create_symlink(d.path / "a.log", d.path / "b.log");
  auto loop = ReadLogTail((d.path / "a.log").string(), {});
  CHECK(loop.status().code() == StatusCode::kFailedPrecondition);
  CHECK(loop.status().message().find("a symlink loop") != std::string::npos);
  if (::geteuid() != 0) {  // root reads anything
    const std::string p = d.Write("secret.log", "x\n");
    fs::permissions(p, fs::perms::none);
    auto denied = ReadLogTail(p, {});
    CHECK(denied.status().message().find("permission denied") != std::string::npos);
  }
}

TEST_CASE("job log: Slurm job ids") {
  CHECK(IsSlurmJobId("1234"));
  CHECK(IsSlurmJobId("1234_7"));
  CHECK(IsSlurmJobId("1234+1"));
  CHECK(!IsSlurmJobId("1234_"));
  CHECK(!IsSlurmJobId("../etc"));
  CHECK(!IsSlurmJobId("12 34"));
  CHECK(!IsSlurmJobId("llama"));
}

TEST_CASE("job log: scontrol show job -o fields and Slurm's filename patterns") {
  const auto f = ParseScontrolJob(
      "JobId=4242 ArrayJobId=4240 ArrayTaskId=2 JobName=llama pretrain UserId=alice(1000) GroupId=a(1000) "
      "BatchHost=gpu-07.cluster TRES=cpu=8,mem=64G Socks/Node=* StdOut=/shared/logs/%x-%A_%a.out "
      "StdErr=/shared/my logs/err-%j.txt WorkDir=/home/alice\n");
  CHECK(f.at("JobId") == "4242");
  CHECK(f.at("JobName") == "llama pretrain");
  CHECK(f.at("TRES") == "cpu=8,mem=64G");
  CHECK(f.at("StdErr") == "/shared/my logs/err-%j.txt");
  std::vector<std::string> unknown;
  CHECK(ExpandSlurmFilename(f.at("StdOut"), f, &unknown) == "/shared/logs/llama pretrain-4240_2.out");
  CHECK(ExpandSlurmFilename("/l/%u/%N-%5j.%J.%b.%t.%%.out", f, &unknown) == "/l/alice/gpu-07-04242.4242.batch.2.0.%.out");
  CHECK(unknown.empty());
  CHECK(ExpandSlurmFilename("/l/%q-%j.out", f, &unknown) == "/l/%q-4242.out");
  CHECK(unknown == std::vector<std::string>{"%q"});
  CHECK(ExpandSlurmFilename("/l/\\%j.out", f) == "/l/\\%j.out");  // sbatch: a backslash turns expansion off
  // Not an array job: %A is the job id, %a unknown.
  const auto plain = ParseScontrolJob("JobId=55 JobName=x UserId=bob(1) StdOut=/o/slurm-%A.out");
  unknown.clear();
  CHECK(ExpandSlurmFilename("/o/slurm-%A-%a.out", plain, &unknown) == "/o/slurm-55-%a.out");
  CHECK(unknown == std::vector<std::string>{"%a"});
  // A task id past 18 digits (no Slurm gives one) is no array task: left unexpanded, nothing thrown.
  const auto huge = ParseScontrolJob("JobId=56 ArrayJobId=56 ArrayTaskId=123456789012345678901234 JobName=x");
  CHECK(ExpandSlurmFilename("/o/%b-%a.out", huge) == "/o/%b-%a.out");
}

TEST_CASE("job log: Slurm source reads StdOut and StdErr, and says why it read nothing") {
  TempDir d;
  const std::string out = d.Write("slurm-4242.out", "step 100 loss 2.1\nNCCL WARN Net : Connection closed\n");
  const std::string err = d.Write("slurm-4242.err", "Traceback (most recent call last):\nRuntimeError: NCCL error\n");
  FakeSlurm s;
  s.jobs["4242"] = "JobId=4242 JobName=t UserId=root(0) BatchHost=n1 StdOut=" + (d.path / "slurm-%j.out").string() +
                   " StdErr=" + err + " WorkDir=/tmp";
  s.jobs["7"] = "JobId=7 JobName=t UserId=root(0) BatchHost=n1 StdOut=/dev/null StdErr=/dev/null";
  s.jobs["8"] = "JobId=8 JobName=t UserId=root(0) BatchHost=n1 StdOut=" + (d.path / "gone.out").string() +
                " StdErr=" + (d.path / "gone.out").string();
  s.jobs["9"] = "JobId=9 JobName=t UserId=root(0)";
  SlurmJobLogSource src(s.Runner(), {});
  JobLogReading r = src.Read({"4242", ""});
  REQUIRE(r.files.size() == 2);
  CHECK(r.files[0].path == out);
  CHECK(r.files[0].stream == "stdout");
  CHECK(r.files[0].lines.back() == "NCCL WARN Net : Connection closed");
  CHECK(r.files[1].stream == "stderr");
  CHECK(r.notes.empty());
  CHECK(s.asked.back() == std::vector<std::string>{"scontrol", "show", "job", "-o", "4242"});

  r = src.Read({"7", ""});
  CHECK(r.files.empty());
  REQUIRE(r.notes.size() == 1);  // one file: StdOut and StdErr are the same
  CHECK(HasNote(r, "slurm job 7's StdOut /dev/null: not read: not a regular file: a character device"));

  r = src.Read({"8", ""});
  CHECK(HasNote(r, "gone.out: not read: no such file (Slurm writes it on the batch host n1"));
  r = src.Read({"9", ""});
  CHECK(HasNote(r, "Slurm names no StdOut or StdErr"));
  r = src.Read({"31337", ""});
  CHECK(HasNote(r, "job log: slurm job 31337 not read: the job is unknown to Slurm (slurm_load_jobs error: Invalid job id specified"));
  const size_t asked = s.asked.size();
  r = src.Read({"../../etc/passwd", ""});
  CHECK(HasNote(r, "is not a Slurm job id"));
  CHECK(s.asked.size() == asked);  // nothing run
  s.down = true;
  r = src.Read({"4242", ""});
  CHECK(HasNote(r, "not read: Slurm unreachable (scontrol show job: slurm_load_jobs error: Unable to contact slurm controller"));
  s.down = false;
  s.missing = true;
  r = src.Read({"4242", ""});
  CHECK(HasNote(r, "Slurm unreachable: cannot run scontrol"));
  CHECK(HasNote(r, "set job_log_path"));
}

TEST_CASE("job log: a path template with a glob") {
  TempDir d;
  d.Write("jobs/77/rank0.log", "rank0 ok\n");
  d.Write("jobs/77/rank1.log", "rank1 Xid 79\n");
  d.Write("jobs/77/notes.txt", "not a log\n");
  fs::create_symlink(d.path / "jobs/77/loop2.log", d.path / "jobs/77/loop1.log");
  fs::create_symlink(d.path / "jobs/77/loop1.log", d.path / "jobs/77/loop2.log");
  const std::string tmpl = (d.path / "jobs/{job}/*.log").string();
  REQUIRE(CheckJobLogTemplate(tmpl).ok());
  PathJobLogSource src(tmpl, {});
  JobLogReading r = src.Read({"77", "node-1"});
  REQUIRE(r.files.size() == 2);
  CHECK(r.files[0].lines == std::vector<std::string>{"rank0 ok"});
  CHECK(r.files[1].lines == std::vector<std::string>{"rank1 Xid 79"});
  CHECK(HasNote(r, "loop1.log: a symlink loop"));
  CHECK(HasNote(r, "loop2.log: a symlink loop"));
  r = src.Read({"78", ""});
  CHECK(HasNote(r, "job log: job 78 not read: no file matches " + (d.path / "jobs/78/*.log").string()));
  r = src.Read({"../77", ""});
  CHECK(HasNote(r, "its id is not one a path may hold"));
  r = src.Read({"*", ""});  // a glob character in the id is refused, not matched
  CHECK(r.files.empty());
  JobLogLimits one;
  one.max_files = 3;  // loop1, loop2, rank0 in name order
  r = PathJobLogSource(tmpl, one).Read({"77", ""});
  REQUIRE(r.files.size() == 1);
  CHECK(r.files[0].lines == std::vector<std::string>{"rank0 ok"});
  CHECK(HasNote(r, "4 files match"));
  CHECK(HasNote(r, "rank1.log on not"));
  // {node}
  d.Write("n/node-1/77.log", "x\n");
  PathJobLogSource by_node((d.path / "n/{node}/{job}.log").string(), {});
  CHECK(by_node.Read({"77", "node-1"}).files.size() == 1);
  CHECK(HasNote(by_node.Read({"77", ""}), "names {node} and the alert names no node"));
  CHECK(CheckJobLogTemplate("logs/{job}.log").message().find("not an absolute path") != std::string::npos);
  CHECK(CheckJobLogTemplate("/logs/x.log").message().find("names no {job}") != std::string::npos);
  CHECK(CheckJobLogTemplate("/logs/{job}/{rank}.log").message().find("{rank} is no placeholder") != std::string::npos);
}

TEST_CASE("JobOutputStreams: one stream for a shared file, else each file that is set") {
  using Streams = std::vector<std::pair<std::string, std::string>>;
  CHECK(JobOutputStreams("/w/o.log", "/w/o.log") == Streams{{"stdout+stderr", "/w/o.log"}});
  CHECK(JobOutputStreams("/w/o.log", "/w/e.log") == Streams{{"stdout", "/w/o.log"}, {"stderr", "/w/e.log"}});
  CHECK(JobOutputStreams("", "/w/e.log") == Streams{{"stderr", "/w/e.log"}});
  CHECK(JobOutputStreams("slurm-%j.out", "") == Streams{{"stdout", "slurm-%j.out"}});
  CHECK(JobOutputStreams("", "").empty());
}

}  // namespace
}  // namespace vigil
