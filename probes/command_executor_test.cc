// How the command executors read a vigil-probe run that printed no result document: a GPU index
// past the node's GPUs (an older vigil-probe's usage error) and the usage text after other usage
// errors. The runs themselves are in probes_test.cc (fake probes in testdata/).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#include "probes/command_executor.h"
#include "core/logging.h"

namespace vigil {
namespace {

// The stderr of the vigil-probe of the lead's live triage run on one H200 (2026-12-01 03:00) for
// `--gpus 7` (exit 2, no document).
constexpr const char* kUsage =
    "usage: vigil-probe --probes NAME[,NAME...]|all [--gpus I,J] [--target T] [--time-limit S] "
    "[--allow-intrusive] [--thresholds FILE]... [--gemm-size N] [--gemm-layout nn|tn] [--gemm-no-autotune] "
    "[--rendezvous host:port] [--expect-gpus N] [--health-sample-s S] | --list\n";

// A request of `probes` on `target` with a 15 s limit.
ProbeRequest RequestOf(std::vector<std::string> probes, std::string target) {
  ProbeRequest req;
  req.probes = std::move(probes);
  req.target = std::move(target);
  req.time_limit_s = 15;
  return req;
}

SubprocessResult UsageError(const std::string& message) {
  SubprocessResult r;
  r.exit_code = 2;
  r.err = "vigil-probe: " + message + "\n" + kUsage;
  r.wall_s = 0.3;
  return r;
}

}  // namespace

TEST_CASE("command executor: an older vigil-probe's 'GPU 7 does not exist' is unavailable with its words, no usage text") {
  ProbeRequest req = RequestOf({"gpu.health", "gpu.kernel_launch"}, "vm/gpu7");
  auto out = ResultsFromProbeRun(req, UsageError("GPU 7 does not exist (1 visible)"), "local:binary=vigil-probe");
  REQUIRE(out.size() == 2);
  for (const ProbeResult& r : out) {
    CHECK(r.status == ProbeStatus::kUnavailable);
    CHECK(r.reason == "GPU 7 does not exist (1 visible)");
    CHECK(r.target == "vm/gpu7");
  }
  CHECK(out[0].probe == "gpu.health");
  CHECK(out[1].probe == "gpu.kernel_launch");
}

TEST_CASE("command executor: other usage errors stay errors, with the message and without the usage text") {
  ProbeRequest req = RequestOf({"gpu.health"}, "vm/gpu0");
  auto out = ResultsFromProbeRun(req, UsageError("unknown argument `--bogus`"), "local");
  REQUIRE(out.size() == 1);
  CHECK(out[0].status == ProbeStatus::kError);
  CHECK(out[0].reason.find("unknown argument `--bogus`") != std::string::npos);
  CHECK(out[0].reason.find("exit code 2") != std::string::npos);
  CHECK(out[0].reason.find("usage:") == std::string::npos);
  // The same words with another exit code (not vigil-probe's usage error) are not read as a missing GPU.
  SubprocessResult odd = UsageError("GPU 7 does not exist (1 visible)");
  odd.exit_code = 1;
  auto other = ResultsFromProbeRun(req, odd, "local");
  REQUIRE(other.size() == 1);
  CHECK(other[0].status == ProbeStatus::kError);
}

// VER5: output cut at 64 MiB read "printed no valid result document (... syntax error ...)" only.
TEST_CASE("command executor: output cut at the bytes kept is said to be cut") {
  ProbeRequest req = RequestOf({"gpu.health"}, "vm/gpu0");
  SubprocessResult cut;
  cut.exit_code = 0;
  cut.out = "{\"results\": [{\"probe\": \"gpu.health\", \"reason\": \"xxxx";
  cut.output_truncated = true;
  auto out = ResultsFromProbeRun(req, cut, "local");
  REQUIRE(out.size() == 1);
  CHECK(out[0].status == ProbeStatus::kError);
  CHECK(out[0].reason.find("printed no valid result document") != std::string::npos);
  CHECK(out[0].reason.find("its output passed the 64 MiB kept of each stream and was cut there") != std::string::npos);
  cut.output_truncated = false;  // the same text not cut: nothing said of a cut
  CHECK(ResultsFromProbeRun(req, cut, "local")[0].reason.find("cut") == std::string::npos);
}

TEST_CASE("command executor: a run that printed nothing leads with its stderr (ssh: an unreachable node)") {
  // Before: "vigil-probe (ssh:user=ops) ended with exit code 255 and printed no valid result document
  // (vigil-probe output: line 1, column 1: empty: no JSON value in it); stderr: ssh: Could not
  // resolve hostname ..." (`vigil probe run node.kernel_log --target nosuchhost --executor ssh:user=ops`).
  ProbeRequest req = RequestOf({"node.kernel_log"}, "nosuchhost");
  SubprocessResult ssh;
  ssh.exit_code = 255;
  ssh.err = "ssh: Could not resolve hostname nosuchhost: Name or service not known\n";
  auto out = ResultsFromProbeRun(req, ssh, "ssh:user=ops");
  REQUIRE(out.size() == 1);
  CHECK(out[0].status == ProbeStatus::kError);
  CHECK(out[0].reason ==
        "vigil-probe (ssh:user=ops): ssh failed before vigil-probe ran (exit code 255): ssh: Could not resolve "
        "hostname nosuchhost: Name or service not known");
  // srun with no Slurm: its words, after what ended.
  SubprocessResult srun;
  srun.exit_code = 1;
  srun.err = "srun: error: fetch_config: DNS SRV lookup failed\nsrun: fatal: Could not establish a configuration source\n";
  out = ResultsFromProbeRun(req, srun, "slurm:partition=gpu");
  REQUIRE(out.size() == 1);
  CHECK(out[0].reason.rfind("vigil-probe (slurm:partition=gpu) ended with exit code 1 and printed nothing on stdout: srun: error", 0) == 0);
  CHECK(out[0].reason.find("no JSON value") == std::string::npos);
  // Output that is not a result document still says so.
  SubprocessResult junk;
  junk.exit_code = 0;
  junk.out = "hello";
  junk.err = "warn\n";
  out = ResultsFromProbeRun(req, junk, "local");
  REQUIRE(out.size() == 1);
  CHECK(out[0].reason.find("printed no valid result document") != std::string::npos);
}

}  // namespace vigil

namespace vigil {
namespace {

// The lead's H200 serve run of 2026-12-01 10:44: a vigil built in another checkout
// (/work/fresh-final) and run from this repository's root found no thresholds (it looked only in
// the tree it was built from, absent there), so every throughput probe was "measured only" and
// the straggler went undiagnosed (unknown 0.147; the same run with thresholds: confirmed 0.979).
TEST_CASE("command executor: a probe named twice gets its result twice, not an empty one") {
  // `vigil probe run gpu.health,gpu.health` printed a second row with no probe name, status
  // `unavailable` and no reason: the first copy had been moved out of the result map.
  ProbeRequest req = RequestOf({"gpu.health", "gpu.health"}, "vm/gpu0");
  SubprocessResult run;
  run.exit_code = 1;
  run.out = R"({"vigil_probe":1,"results":[{"probe":"gpu.health","target":"vm/gpu0","status":"fail",)"
            R"("duration_s":0.2,"metrics":{},"thresholds":{},"reason":"temperature 92 C"}]})";
  auto out = ResultsFromProbeRun(req, run, "local");
  REQUIRE(out.size() == 2);
  for (const ProbeResult& r : out) {
    CHECK(r.probe == "gpu.health");
    CHECK(r.status == ProbeStatus::kFail);
    CHECK(r.reason == "temperature 92 C");
  }
}

TEST_CASE("command executor: an unavailable answer of a one-probe run takes the run's time") {
  // vigil-probe on a host with no usable GPU answers in 0.0 s by its own count; the run took
  // 0.1-6 s (CUDA's start), which the verification plan's timings left out (WALKP).
  ProbeRequest req = RequestOf({"gpu.health"}, "vm/gpu0");
  SubprocessResult run;
  run.exit_code = 4;
  run.wall_s = 0.9;
  run.out = R"({"vigil_probe":1,"results":[{"probe":"gpu.health","target":"vm/gpu0","status":"unavailable",)"
            R"("duration_s":0.0,"metrics":{},"thresholds":{},"reason":"no usable GPU: no NVIDIA driver"}]})";
  auto out = ResultsFromProbeRun(req, run, "local");
  REQUIRE(out.size() == 1);
  CHECK(out[0].status == ProbeStatus::kUnavailable);
  CHECK(out[0].duration_s == doctest::Approx(0.9));
  // Two probes in one run: whose time it was is not known; each keeps its own.
  req.probes = {"gpu.health", "gpu.kernel_launch"};
  run.out = R"({"vigil_probe":1,"results":[{"probe":"gpu.health","target":"vm/gpu0","status":"unavailable",)"
            R"("duration_s":0.0,"metrics":{},"thresholds":{},"reason":"no usable GPU"},)"
            R"({"probe":"gpu.kernel_launch","target":"vm/gpu0","status":"pass","duration_s":0.3,)"
            R"("metrics":{},"thresholds":{},"reason":"ok"}]})";
  out = ResultsFromProbeRun(req, run, "local");
  REQUIRE(out.size() == 2);
  CHECK(out[0].duration_s == 0);
  CHECK(out[1].duration_s == doctest::Approx(0.3));
}

TEST_CASE("command executor: the thresholds file is found from the working folder, beside the executable, or in the source tree") {
  namespace fs = std::filesystem;
  fs::path root = fs::temp_directory_path() / ("vigil-thr-" + std::to_string(::getpid()));
  fs::remove_all(root);
  auto make = [&](const fs::path& dir) {
    fs::create_directories(dir / "data/probes");
    std::ofstream(dir / "data/probes/thresholds.json") << "{}";
    return (dir / "data/probes/thresholds.json").string();
  };
  std::string in_cwd = make(root / "checkout");
  std::string beside = make(root / "release");
  std::string in_src = make(root / "src");
  const std::string exe = (root / "release/bin/vigil").string();
  CHECK(LocalThresholdsPath((root / "checkout").string(), exe, (root / "src").string()) == in_cwd);
  CHECK(LocalThresholdsPath((root / "elsewhere").string(), exe, (root / "src").string()) == beside);
  CHECK(LocalThresholdsPath((root / "elsewhere").string(), (root / "x/bin/vigil").string(),
                            (root / "src").string()) == in_src);
  CHECK(LocalThresholdsPath((root / "elsewhere").string(), (root / "x/bin/vigil").string(),
                            (root / "gone").string()) == "");
  CHECK(LocalThresholdsPath("", "", "") == "");
  // A folder where the file should be is not a thresholds file.
  fs::create_directories(root / "dirs/data/probes/thresholds.json");
  CHECK(LocalThresholdsPath((root / "dirs").string(), "", (root / "src").string()) == in_src);
  fs::remove_all(root);
}

TEST_CASE("command executor: the grace it may take past a request's limit (what the verification budget keeps)") {
  // Killed at the limit plus grace_s (+ ssh's connect timeout, + 30 s for slurm's scheduling), and a
  // run that ignores SIGTERM gets SIGKILL 2 s later; 0.5 s to reap it.
  auto grace = [](const std::string& spec) {
    auto e = MakeProbeExecutor(spec);
    REQUIRE_MESSAGE(e.ok(), e.status().message());
    return ProbeExecutorGraceS(**e);
  };
  CHECK(grace("local") == doctest::Approx(7.5));
  CHECK(grace("local:grace_s=0.2") == doctest::Approx(2.7));
  CHECK(grace("ssh:user=ops") == doctest::Approx(17.5));
  CHECK(grace("ssh:user=ops,connect_timeout_s=3,grace_s=1") == doctest::Approx(6.5));
  CHECK(grace("slurm:partition=gpu") == doctest::Approx(37.5));
  auto replay = MakeReplayExecutor(Json::object());
  REQUIRE(replay.ok());
  CHECK(ProbeExecutorGraceS(**replay) == 0);
}

}  // namespace
}  // namespace vigil

namespace vigil {
namespace {

// The document as vigil-probe prints it (nlohmann's dump(1): one key a line).
std::string DocumentOf(const std::string& results) {
  return "{\n \"vigil_probe\": 1,\n \"host\": \"node-3\",\n \"results\": [\n" + results + "\n ]\n}\n";
}

constexpr const char* kHealthPass =
    R"(  {"probe": "gpu.health", "target": "node-3/gpu5", "status": "pass", "metrics": {"gpu5.temperature_c": 41},)"
    R"( "thresholds": {}, "reason": "healthy", "duration_s": 1.1})";
constexpr const char* kGemmFail =
    R"(  {"probe": "gpu.gemm", "target": "node-3/gpu5", "status": "fail", "metrics": {"bf16_tflops": 600},)"
    R"( "thresholds": {"bf16_tflops_min": 741}, "reason": "below baseline", "duration_s": 3})";

struct Captured {
  std::vector<std::string> lines;
  Captured() {
    SetLogSink([this](std::string_view l) { lines.emplace_back(l); });
  }
  ~Captured() { SetLogSink(nullptr); }
  std::string All() const {
    std::string s;
    for (const std::string& l : lines) s += l + "\n";
    return s;
  }
};

}  // namespace

TEST_CASE("command executor: lines on stdout around the result document (a login banner, NCCL_DEBUG=INFO) cost no result") {
  // Before: every probe of the run was `error` "printed no valid result document (vigil-probe output:
  // line 1, column 1: syntax error ... last read: 'W')": a node whose ~/.bashrc echoes a banner over
  // ssh, or a cluster with NCCL_DEBUG=INFO in its environment (NCCL writes to stdout), verified nothing.
  ProbeRequest req = RequestOf({"gpu.health", "gpu.gemm"}, "node-3/gpu5");
  SubprocessResult run;
  run.exit_code = 1;
  run.wall_s = 4.2;
  run.out = "Welcome to node-3 (Ubuntu 22.04.4 LTS)\n * Documentation:  https://help.ubuntu.com {see MOTD}\n" +
            DocumentOf(std::string(kHealthPass) + ",\n" + kGemmFail) +
            "node-3:48213:48213 [0] NCCL INFO comm 0x55d1c0 rank 0 nranks 1 cudaDev 0 busId 3b000 - Destroy COMPLETE\n";
  auto out = ResultsFromProbeRun(req, run, "ssh:user=ops");
  REQUIRE(out.size() == 2);
  CHECK(out[0].status == ProbeStatus::kPass);
  CHECK(out[0].reason == "healthy");
  CHECK(out[1].status == ProbeStatus::kFail);
  CHECK(out[1].metrics.at("bf16_tflops") == 600);
  SUBCASE("what was not the document is said in a warning with its first line, once per executor and line") {
    // A first line of its own: the warning is said once per process, and doctest runs the lines above
    // once per subcase.
    run.out = "Welcome to node-44 (Rocky Linux 9.3)\n" + run.out;
    Captured log;
    REQUIRE(ResultsFromProbeRun(req, run, "ssh:user=ops")[0].status == ProbeStatus::kPass);
    CHECK(log.All().find("vigil-probe (ssh:user=ops) printed 4 lines on stdout that are not its result document (3 "
                         "before it, 1 after; the first: `Welcome to node-44 (Rocky Linux 9.3)`)") != std::string::npos);
    log.lines.clear();
    REQUIRE(ResultsFromProbeRun(req, run, "ssh:user=ops")[0].status == ProbeStatus::kPass);
    CHECK(log.lines.empty());
    REQUIRE(ResultsFromProbeRun(req, run, "slurm:partition=gpu")[0].status == ProbeStatus::kPass);
    CHECK(log.lines.size() == 1);  // another executor: said for it
  }
  SUBCASE("a document on one line (an older vigil-probe) after a CUDA warning") {
    run.out = "CUDA warning: lazy loading is not enabled\n"
              R"({"vigil_probe":1,"results":[{"probe":"gpu.health","status":"pass"},{"probe":"gpu.gemm","status":"pass"}]})"
              "\n";
    out = ResultsFromProbeRun(req, run, "local");
    REQUIRE(out.size() == 2);
    CHECK(out[0].status == ProbeStatus::kPass);
    CHECK(out[1].status == ProbeStatus::kPass);
  }
  SUBCASE("a document cut short after a banner is said to be incomplete, where it begins") {
    run.out = "Welcome to node-3\n{\n \"vigil_probe\": 1,\n \"results\": [\n  {\"probe\": \"gpu.health\", \"status\": \"pa";
    out = ResultsFromProbeRun(req, run, "ssh:user=ops");
    REQUIRE(out.size() == 2);
    CHECK(out[0].status == ProbeStatus::kError);
    CHECK(out[0].reason.find("printed no valid result document (vigil-probe output: the result document that begins "
                             "on line 2, after 1 line that is not JSON (`Welcome to node-3`), is incomplete") !=
          std::string::npos);
  }
  SUBCASE("noise and no document at all is still no document, saying what was there") {
    run.out = "Welcome to node-3\nbye {\n";
    run.err = "bash: line 1: vigil-probe: command not found\n";
    out = ResultsFromProbeRun(req, run, "ssh:user=ops");
    REQUIRE(out.size() == 2);
    CHECK(out[0].status == ProbeStatus::kError);
    CHECK(out[0].reason ==
          "vigil-probe (ssh:user=ops) ended with exit code 1 and printed no valid result document (vigil-probe output: "
          "no JSON document in its 2 lines (the first: `Welcome to node-3`)); stderr: bash: line 1: vigil-probe: "
          "command not found");
  }
}

TEST_CASE("command executor: one result that does not validate costs that probe only, naming what was wrong") {
  // nlohmann writes a NaN metric as null; an older or newer vigil-probe may write a status this one
  // does not know. Before: the whole document was refused, every probe of the run `error`.
  ProbeRequest req = RequestOf({"gpu.health", "gpu.gemm", "gpu.sdc"}, "node-3/gpu5");
  SubprocessResult run;
  run.exit_code = 1;
  run.wall_s = 5;
  run.out = DocumentOf(std::string(kHealthPass) + ",\n" +
                       R"(  {"probe": "gpu.gemm", "status": "fail", "metrics": {"bf16_tflops": null}, "reason": "x"},)" +
                       "\n" + R"(  {"probe": "gpu.sdc", "status": "skipped"})");
  auto out = ResultsFromProbeRun(req, run, "local");
  REQUIRE(out.size() == 3);
  CHECK(out[0].status == ProbeStatus::kPass);
  CHECK(out[0].reason == "healthy");
  CHECK(out[1].status == ProbeStatus::kError);
  CHECK(out[1].reason ==
        "vigil-probe (local) printed a result for gpu.gemm that is not valid (vigil-probe output: results[1]: "
        "metrics.bf16_tflops must be a finite number, got null)");
  CHECK(out[2].status == ProbeStatus::kError);
  CHECK(out[2].reason.find("results[2]: unknown probe status `skipped`") != std::string::npos);
  SUBCASE("an entry with no probe name is named in the reason of the probes left without a result") {
    run.out = DocumentOf(std::string(kHealthPass) + ",\n  {\"status\": \"pass\"}");
    out = ResultsFromProbeRun(req, run, "local");
    REQUIRE(out.size() == 3);
    CHECK(out[0].status == ProbeStatus::kPass);
    CHECK(out[1].status == ProbeStatus::kError);
    CHECK(out[1].reason.find("printed no result for gpu.gemm") != std::string::npos);
    CHECK(out[1].reason.find("results[1]: missing `probe`") != std::string::npos);
  }
}

TEST_CASE("probe targets: a node name that is an option, a Slurm hostlist or holds a space is refused, naming it") {
  // A node name from an alert's labels goes on ssh's and srun's command lines: `-oProxyCommand=...`
  // would be read by ssh as an option (with no user= it is the argument before the command).
  auto dash = ParseProbeTarget("-oProxyCommand=sh/gpu0");
  REQUIRE_FALSE(dash.ok());
  CHECK(dash.status().message() ==
        "probe target `-oProxyCommand=sh/gpu0`: node `-oProxyCommand=sh` starts with `-` (it would be read as an "
        "option of ssh or srun)");
  auto list = ParseProbeTarget("gpu-[001-004,010]");
  REQUIRE_FALSE(list.ok());
  CHECK(list.status().message() ==
        "probe target `gpu-[001-004,010]`: node `gpu-[001-004,010]` is a Slurm hostlist, not one node: probe each "
        "node (`scontrol show hostnames 'gpu-[001-004,010]'` lists them)");
  CHECK_FALSE(ParseProbeTarget("node-3,node-4").ok());
  auto space = ParseProbeTarget("node 3/gpu1");
  REQUIRE_FALSE(space.ok());
  CHECK(space.status().message().find("node `node 3` holds a space or control character at byte 5") !=
        std::string::npos);
  // What real node names look like stays taken.
  for (const char* ok : {"node-3", "gpu-001.cluster.local", "10.0.0.7", "ip-10-0-0-7.ec2.internal", "dgx_a100_07"}) {
    CAPTURE(ok);
    CHECK(ParseProbeTarget(std::string(ok) + "/gpu3").ok());
  }
  // And a refused target reaches the caller as every probe's error, nothing run.
  auto ex = MakeCommandExecutor("ssh", "connect_timeout_s=1");
  REQUIRE(ex.ok());
  auto out = (*ex)->Run(RequestOf({"gpu.health"}, "-oProxyCommand=sh"));
  REQUIRE(out.ok());
  REQUIRE(out->size() == 1);
  CHECK((*out)[0].status == ProbeStatus::kError);
  CHECK((*out)[0].reason.find("starts with `-`") != std::string::npos);
}

}  // namespace vigil
