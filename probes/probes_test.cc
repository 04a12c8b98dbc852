#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "core/json.h"
#include "probes/catalog.h"
#include "probes/command_executor.h"
#include "probes/probe.h"
#include "probes/subprocess.h"

namespace vigil {
namespace {

const char* kData = "probes/testdata/";

ProbeRequest Req(std::vector<std::string> probes, double limit = 10) {
  ProbeRequest r;
  r.probes = std::move(probes);
  r.time_limit_s = limit;
  r.allow_intrusive = true;
  return r;
}

TEST_CASE("catalog names are unique and weights are sane") {
  std::set<std::string> names;
  for (const ProbeSpec& p : ProbeCatalog()) {
    CHECK(names.insert(std::string(p.name)).second);
    CHECK(p.expected_duration_s > 0);
    CHECK(!p.measures.empty());
    CHECK(!p.evidence.empty());
  }
  for (const char* n : {"gpu.inventory", "gpu.health", "gpu.gemm", "gpu.hbm_bandwidth", "gpu.pcie_bandwidth",
                        "gpu.sdc", "gpu.kernel_launch", "nccl.allreduce", "nccl.allgather",
                        "nccl.reducescatter", "nccl.alltoall", "nccl.sendrecv", "nccl.p2p_matrix"}) {
    CHECK_MESSAGE(FindProbe(n) != nullptr, n);
  }
  CHECK(FindProbe("gpu.nope") == nullptr);
}

TEST_CASE("catalog categories exist in the shared taxonomy") {
  auto tax = ReadJsonFile("../shared/taxonomy.json");
  REQUIRE_MESSAGE(tax.ok(), tax.status().ToString());
  CHECK(ValidateCatalogAgainstTaxonomy(*tax).ok());
  Json fake = {{"categories", Json::array({{{"id", "nvlink_error"}}})}};
  Status s = ValidateCatalogAgainstTaxonomy(fake);
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.message().find("unknown taxonomy category") != std::string::npos);
  CHECK(!ValidateCatalogAgainstTaxonomy(Json::array()).ok());
}

TEST_CASE("CheckProbeNames: did-you-mean and the intrusive gate") {
  std::vector<std::string> bad = {"gpu.gem"};
  Status s = CheckProbeNames(bad, true);
  CHECK(s.code() == StatusCode::kNotFound);
  CHECK(s.message().find("did you mean `gpu.gemm`") != std::string::npos);
  std::vector<std::string> intrusive = {"gpu.health", "nccl.allreduce"};
  CHECK(CheckProbeNames(intrusive, false).code() == StatusCode::kFailedPrecondition);
  CHECK(CheckProbeNames(intrusive, true).ok());
  std::vector<std::string> passive = {"gpu.health", "gpu.inventory"};
  CHECK(CheckProbeNames(passive, false).ok());
  CHECK(!CheckProbeNames({}, true).ok());
}

TEST_CASE("expected information gain favours the probe that separates the live hypotheses") {
  std::map<std::string, double> beliefs = {{"nvlink_error", 0.45}, {"gpu_thermal_throttle", 0.45}};
  double p2p = ExpectedInformationGain(*FindProbe("nccl.p2p_matrix"), beliefs);
  double pcie = ExpectedInformationGain(*FindProbe("gpu.pcie_bandwidth"), beliefs);
  double health = ExpectedInformationGain(*FindProbe("gpu.health"), beliefs);
  CHECK(p2p > pcie);  // pcie covers neither
  // gpu.health fails under either hypothesis, so it cannot tell them apart; p2p can.
  CHECK(p2p > health);
  CHECK(p2p > 0.3);
  // Against "something else", health is the informative one.
  std::map<std::string, double> vague = {{"gpu_thermal_throttle", 0.3}, {"pcie_link_degraded", 0.2}};
  CHECK(ExpectedInformationGain(*FindProbe("gpu.health"), vague) >
        ExpectedInformationGain(*FindProbe("nccl.p2p_matrix"), vague));
  CHECK(pcie < 0.05);
  CHECK(ExpectedInformationGain(*FindProbe("gpu.health"), {}) == 0);
  // Certainty leaves nothing to learn.
  CHECK(ExpectedInformationGain(*FindProbe("gpu.health"), {{"nvlink_error", 1.0}}) == doctest::Approx(0));
}

TEST_CASE("catalog JSON lists every probe") {
  Json j = CatalogToJson();
  REQUIRE(j.is_array());
  CHECK(j.size() == ProbeCatalog().size());
  CHECK(j[0]["name"] == "gpu.inventory");
  CHECK(j[0]["evidence"][0].contains("fail_supports"));
}

TEST_CASE("probe result JSON round-trip") {
  ProbeResult r = MakeProbeResult("gpu.gemm", "node-3/gpu5", ProbeStatus::kFail, "slow", 3.5);
  r.metrics["bf16_tflops"] = 612.5;
  r.thresholds["bf16_tflops_min"] = 741;
  r.details = {{"gpus", {0}}};
  Json j = r;
  auto back = ParseProbeResult(j);
  REQUIRE(back.ok());
  CHECK(back->probe == "gpu.gemm");
  CHECK(back->target == "node-3/gpu5");
  CHECK(back->status == ProbeStatus::kFail);
  CHECK(back->metrics.at("bf16_tflops") == 612.5);
  CHECK(back->thresholds.at("bf16_tflops_min") == 741);
  CHECK(back->duration_s == 3.5);
  CHECK(back->details == r.details);
  CHECK(j.get<ProbeResult>().reason == "slow");
}

TEST_CASE("probe result validation names the bad field") {
  auto check_bad = [](const char* text, const char* needle) {
    auto r = ParseProbeResult(Json::parse(text), "x.json");
    REQUIRE(!r.ok());
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    CHECK_MESSAGE(r.status().message().find(needle) != std::string::npos, r.status().message());
    CHECK(r.status().message().rfind("x.json", 0) == 0);
  };
  check_bad(R"({"status": "pass"})", "missing `probe`");
  check_bad(R"({"probe": "gpu.gemm"})", "missing `status`");
  check_bad(R"({"probe": "gpu.gemm", "status": "ok"})", "unknown probe status `ok`");
  check_bad(R"({"probe": "gpu.gemm", "status": "pass", "metrics": {"t": "fast"}})", "metrics.t");
  check_bad(R"({"probe": "gpu.gemm", "status": "pass", "metrics": [1]})", "metrics must be an object");
  check_bad(R"({"probe": "gpu.gemm", "status": "pass", "duration_s": -1})", "duration_s");
  check_bad(R"({"probe": 3, "status": "pass"})", "`probe` must be a string");
  check_bad(R"([1,2])", "expected an object");
  CHECK_THROWS_AS(Json::parse(R"({"status": "pass"})").get<ProbeResult>(), std::invalid_argument);
}

TEST_CASE("ParseProbeDocument accepts the vigil-probe document and rejects garbage") {
  auto ok = ParseProbeDocument(R"({"vigil_probe":1,"results":[{"probe":"gpu.health","status":"pass"}]})");
  REQUIRE(ok.ok());
  CHECK(ok->size() == 1);
  CHECK(ParseProbeDocument(R"([{"probe":"gpu.health","status":"unavailable"}])").ok());
  auto garbage = ParseProbeDocument("Segfault {");
  CHECK(garbage.status().code() == StatusCode::kInvalidArgument);
  CHECK(garbage.status().message().find("line 1") != std::string::npos);
  auto nores = ParseProbeDocument(R"({"vigil_probe":1})");
  CHECK(nores.status().message().find("`results`") != std::string::npos);
  auto bad = ParseProbeDocument(R"({"results":[{"probe":"a","status":"pass"},{"probe":"b"}]})");
  CHECK(bad.status().message().find("results[1]") != std::string::npos);
}

TEST_CASE("replay executor returns recorded results and unavailable otherwise") {
  Json rec = {{"gpu.health@node-3/gpu5",
               {{"probe", "gpu.health"}, {"status", "fail"}, {"reason", "DBE"}, {"duration_s", 1.25}}},
              {"gpu.gemm@", {{"probe", "gpu.gemm"}, {"status", "pass"}, {"duration_s", 4}}}};
  auto ex = MakeReplayExecutor(rec);
  REQUIRE(ex.ok());
  ProbeRequest req = Req({"gpu.health", "nccl.allreduce"});
  req.target = "node-3/gpu5";
  auto out = (*ex)->Run(req);
  REQUIRE(out.ok());
  REQUIRE(out->size() == 2);
  CHECK((*out)[0].status == ProbeStatus::kFail);
  CHECK((*out)[0].duration_s == 1.25);
  CHECK((*out)[0].target == "node-3/gpu5");
  CHECK((*out)[1].status == ProbeStatus::kUnavailable);
  CHECK((*out)[1].reason.find("nccl.allreduce@node-3/gpu5") != std::string::npos);
  auto local = (*ex)->Run(Req({"gpu.gemm"}));
  REQUIRE(local.ok());
  CHECK((*local)[0].status == ProbeStatus::kPass);
  CHECK((*local)[0].duration_s == 4);

  CHECK(!MakeReplayExecutor(Json::array()).ok());
  auto badkey = MakeReplayExecutor(Json{{"gpu.health", {{"probe", "gpu.health"}, {"status", "pass"}}}});
  CHECK(badkey.status().message().find("probe@target") != std::string::npos);
  auto badval = MakeReplayExecutor(Json{{"gpu.health@n", {{"probe", "gpu.health"}, {"status", "good"}}}});
  CHECK(badval.status().message().find("gpu.health@n") != std::string::npos);
  auto mismatch = MakeReplayExecutor(Json{{"gpu.health@n", {{"probe", "gpu.gemm"}, {"status", "pass"}}}});
  CHECK(!mismatch.ok());
}

TEST_CASE("MakeProbeExecutor specs") {
  CHECK(MakeProbeExecutor("local").ok());
  CHECK(MakeProbeExecutor("ssh:user=ops,port=2222").ok());
  CHECK(MakeProbeExecutor("slurm:partition=gpu,ntasks=8").ok());
  auto unknown = MakeProbeExecutor("kubernetes:ns=x");
  CHECK(unknown.status().code() == StatusCode::kInvalidArgument);
  CHECK(unknown.status().message().find("replay:FILE") != std::string::npos);
  CHECK(MakeProbeExecutor("ssh:usr=ops").status().message().find("unknown option `usr`") !=
        std::string::npos);
  CHECK(MakeProbeExecutor("ssh:port=abc").status().message().find("must be a whole number") != std::string::npos);
  // WALKP: only digits and dots were checked, and atof read the rest: `grace_s=1.2.3` was 1.2 s,
  // `grace_s=.` 0 s, and `port=1.5` went to ssh as `-p 1.5`.
  CHECK(MakeProbeExecutor("local:grace_s=1.2.3").status().message().find("must be a number") != std::string::npos);
  CHECK(MakeProbeExecutor("local:grace_s=.").status().message().find("must be a number") != std::string::npos);
  CHECK(MakeProbeExecutor("ssh:user=ops,port=1.5").status().message().find("must be a whole number") !=
        std::string::npos);
  CHECK(MakeProbeExecutor("slurm:partition=gpu,ntasks=2.5").status().message().find("must be a whole number") !=
        std::string::npos);
  CHECK(MakeProbeExecutor("local:grace_s=0.5").ok());
  CHECK(MakeProbeExecutor("ssh:user=ops,connect_timeout_s=10").ok());
  CHECK(MakeProbeExecutor("slurm:partition").status().message().find("key=value") != std::string::npos);
  CHECK(MakeProbeExecutor("replay:").status().code() == StatusCode::kInvalidArgument);
  CHECK(MakeProbeExecutor("replay:/nonexistent/x.json").status().code() == StatusCode::kNotFound);
}

TEST_CASE("probe targets") {
  auto t = ParseProbeTarget("node-3/gpu5");
  REQUIRE(t.ok());
  CHECK(t->node == "node-3");
  CHECK(t->gpu == 5);
  CHECK(ParseProbeTarget("gpu2")->gpu == 2);
  CHECK(ParseProbeTarget("gpu2")->node.empty());
  CHECK(ParseProbeTarget("node-3")->gpu == -1);
  CHECK(ParseProbeTarget("")->node.empty());
  CHECK(!ParseProbeTarget("node/gpuX").ok());
  CHECK(!ParseProbeTarget("node/").ok());
  CHECK(!ParseProbeTarget("a/b/c").ok());
  auto huge = ParseProbeTarget("node-3/gpu99999999999999999999");  // an error, not an exception
  REQUIRE(!huge.ok());
  CHECK(huge.status().message().find("is not gpuN") != std::string::npos);
  CHECK(!ParseProbeTarget("gpu99999999999999999999").ok());
}

TEST_CASE("ssh and slurm command lines") {
  ProbeRequest req = Req({"gpu.health", "gpu.gemm"}, 30);
  req.target = "node-3/gpu5";
  auto ssh = MakeProbeExecutor("ssh:user=ops,connect_timeout_s=7");
  REQUIRE(ssh.ok());
  auto argv = CommandExecutorArgv(**ssh, req);
  REQUIRE(argv.ok());
  CHECK((*argv)[0] == "ssh");
  CHECK(std::find(argv->begin(), argv->end(), "BatchMode=yes") != argv->end());
  CHECK(std::find(argv->begin(), argv->end(), "ConnectTimeout=7") != argv->end());
  CHECK(std::find(argv->begin(), argv->end(), "ops@node-3") != argv->end());
  CHECK(argv->back().find("'--gpus' '5'") != std::string::npos);
  // The remote probe ends by itself: 30 s + grace 5 s + connect timeout 7 s.
  CHECK(argv->back().rfind("VIGIL_PROBE_LEASE_HELD=1 timeout -k 5 42 ", 0) == 0);
  CHECK(argv->back().find("'--allow-intrusive'") != std::string::npos);
  auto keyed = MakeProbeExecutor("ssh:identity=/k/id_ed25519,ssh_config=/k/config,port=2222");
  REQUIRE(keyed.ok());
  auto kargv = CommandExecutorArgv(**keyed, req);
  REQUIRE(kargv.ok());
  auto at = [&](const char* flag) {
    auto it = std::find(kargv->begin(), kargv->end(), flag);
    return it == kargv->end() || it + 1 == kargv->end() ? std::string() : *(it + 1);
  };
  CHECK(at("-i") == "/k/id_ed25519");
  CHECK(at("-F") == "/k/config");
  CHECK(at("-p") == "2222");

  auto fleet = MakeProbeExecutor("ssh:thresholds=/etc/vigil/t.json,fleet=/etc/vigil/fleet.json");
  REQUIRE(fleet.ok());
  auto fargv = CommandExecutorArgv(**fleet, req);
  REQUIRE(fargv.ok());
  CHECK(fargv->back().find("'--thresholds' '/etc/vigil/t.json' '--thresholds' '/etc/vigil/fleet.json'") !=
        std::string::npos);

  auto slurm = MakeProbeExecutor("slurm:partition=gpu,ntasks=8");
  REQUIRE(slurm.ok());
  auto sargv = CommandExecutorArgv(**slurm, req);
  REQUIRE(sargv.ok());
  CHECK((*sargv)[0] == "srun");
  CHECK((*sargv)[2] == "node-3");
  CHECK(std::find(sargv->begin(), sargv->end(), "--ntasks=8") != sargv->end());
  CHECK(std::find(sargv->begin(), sargv->end(), "--partition=gpu") != sargv->end());
  CHECK(std::find(sargv->begin(), sargv->end(), "gpu.health,gpu.gemm") != sargv->end());

  req.target = "";
  CHECK(!CommandExecutorArgv(**ssh, req).ok());  // needs a node
  auto out = (*ssh)->Run(req);                   // ... and says so as results, not a crash
  REQUIRE(out.ok());
  CHECK((*out)[0].status == ProbeStatus::kError);
  CHECK((*out)[0].reason.find("needs a node") != std::string::npos);
}

std::unique_ptr<ProbeExecutor> LocalWith(const std::string& script) {
  auto ex = MakeProbeExecutor("local:binary=" + std::string(kData) + script + ",grace_s=0.5");
  REQUIRE(ex.ok());
  return std::move(*ex);
}

TEST_CASE("command executors refuse a time limit beyond one day instead of casting it to int") {
  // `vigil probe run --time-limit 1e300`: the ssh command line's `timeout` seconds and srun's
  // --time minutes were static_cast<int>(1e300) (undefined; INT_MIN on x86: `timeout -k 5
  // -2147483648`), and RunSubprocess's poll milliseconds the same.
  ProbeRequest req = Req({"gpu.health"}, 1e300);
  req.target = "node-3";
  for (const char* spec : {"ssh:user=ops", "slurm:partition=gpu", "local"}) {
    INFO(std::string(spec));
    auto ex = MakeProbeExecutor(spec);
    REQUIRE(ex.ok());
    if (std::string(spec) != "local") {
      auto argv = CommandExecutorArgv(**ex, req);
      REQUIRE_FALSE(argv.ok());
      CHECK(argv.status().message().find("time limit 1e+300 s") != std::string::npos);
    }
    auto run = (*ex)->Run(req);
    REQUIRE_FALSE(run.ok());
    CHECK(run.status().code() == StatusCode::kInvalidArgument);
    CHECK(run.status().message().find("is more than one day (86400 s)") != std::string::npos);
  }
  // The grace counts: ssh's default is 5 + 10 s.
  ProbeRequest edge = Req({"gpu.health"}, 86400 - 15);
  edge.target = "node-3";
  auto ssh = MakeProbeExecutor("ssh:user=ops");
  REQUIRE(ssh.ok());
  auto argv = CommandExecutorArgv(**ssh, edge);
  REQUIRE(argv.ok());
  CHECK(argv->back().rfind("VIGIL_PROBE_LEASE_HELD=1 timeout -k 5 86400 ", 0) == 0);
  edge.time_limit_s += 1;
  CHECK(CommandExecutorArgv(**ssh, edge).status().message().find("86386 s (plus the executor's grace of 15 s)") !=
        std::string::npos);
}

TEST_CASE("local executor: valid output, even with a non-zero exit, is used") {
  auto ex = LocalWith("fake_probe_ok.sh");
  auto out = ex->Run(Req({"gpu.gemm", "gpu.health", "gpu.sdc"}));
  REQUIRE(out.ok());
  REQUIRE(out->size() == 3);
  CHECK((*out)[0].probe == "gpu.gemm");
  CHECK((*out)[0].status == ProbeStatus::kFail);
  CHECK((*out)[0].metrics.at("bf16_tflops") == 600);
  CHECK((*out)[1].status == ProbeStatus::kPass);
  CHECK((*out)[1].reason.find("--probes gpu.gemm,gpu.health,gpu.sdc") != std::string::npos);
  CHECK((*out)[1].reason.find("--allow-intrusive") != std::string::npos);
  CHECK((*out)[1].reason.find("data/probes/thresholds.json") != std::string::npos);  // shipped default
  CHECK((*out)[2].status == ProbeStatus::kError);
  CHECK((*out)[2].reason.find("no result for gpu.sdc") != std::string::npos);
}

TEST_CASE("local executor survives garbage, crashes, hangs and a missing binary") {
  SUBCASE("garbage") {
    auto out = LocalWith("fake_probe_garbage.sh")->Run(Req({"gpu.health"}));
    REQUIRE(out.ok());
    CHECK((*out)[0].status == ProbeStatus::kError);
    CHECK((*out)[0].reason.find("no valid result document") != std::string::npos);
    CHECK((*out)[0].reason.find("cuInit failed") != std::string::npos);
  }
  SUBCASE("killed by SIGSEGV") {
    auto out = LocalWith("fake_probe_crash.sh")->Run(Req({"gpu.health", "gpu.gemm"}));
    REQUIRE(out.ok());
    REQUIRE(out->size() == 2);
    CHECK((*out)[1].status == ProbeStatus::kError);
    CHECK((*out)[1].reason.find("signal 11") != std::string::npos);
    CHECK((*out)[1].reason.find("about to crash") != std::string::npos);
  }
  SUBCASE("exit 139 with truncated output") {
    auto out = LocalWith("fake_probe_exit139.sh")->Run(Req({"gpu.health"}));
    REQUIRE(out.ok());
    CHECK((*out)[0].status == ProbeStatus::kError);
    CHECK((*out)[0].reason.find("exit code 139") != std::string::npos);
  }
  SUBCASE("invalid result inside valid JSON") {
    auto out = LocalWith("fake_probe_badresult.sh")->Run(Req({"gpu.health"}));
    REQUIRE(out.ok());
    CHECK((*out)[0].status == ProbeStatus::kError);
    CHECK((*out)[0].reason.find("unknown probe status `maybe`") != std::string::npos);
  }
  SUBCASE("hang is killed at the time limit") {
    auto start = std::chrono::steady_clock::now();
    auto out = LocalWith("fake_probe_hang.sh")->Run(Req({"gpu.health"}, 0.5));
    double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    REQUIRE(out.ok());
    CHECK((*out)[0].status == ProbeStatus::kError);
    CHECK((*out)[0].reason.find("timed out") != std::string::npos);
    CHECK(took < 5);
  }
  SUBCASE("missing binary") {
    auto out = LocalWith("no_such_probe")->Run(Req({"gpu.health"}));
    REQUIRE(out.ok());
    CHECK((*out)[0].status == ProbeStatus::kError);
    CHECK((*out)[0].reason.find("did not start") != std::string::npos);
  }
  SUBCASE("vigil-probe not built: says why and what to do") {
    // RV-OPS, 2026-12-03: without the CUDA toolkit no vigil-probe is built, and the reason was only
    // "cannot execute `vigil-probe`: No such file or directory".
    const char* old_path = std::getenv("PATH");
    const std::string saved = old_path ? old_path : "";
    setenv("PATH", "/nonexistent-vigil-test-path", 1);
    auto ex = MakeProbeExecutor("local:binary=vigil-probe,grace_s=0.5");
    REQUIRE(ex.ok());
    auto out = (*ex)->Run(Req({"node.kernel_log"}));
    if (old_path) setenv("PATH", saved.c_str(), 1); else unsetenv("PATH");
    REQUIRE(out.ok());
    CHECK((*out)[0].status == ProbeStatus::kError);
    CHECK((*out)[0].reason.find("did not start: cannot execute `vigil-probe`") != std::string::npos);
    CHECK((*out)[0].reason.find("the build makes it only with the CUDA toolkit") != std::string::npos);
    CHECK((*out)[0].reason.find("--probe-executor local:binary=PATH") != std::string::npos);
  }
  SUBCASE("VIGIL_PROBE_BINARY is not read (the config refuses it; the spec's binary= names the binary)") {
    // RV-OPS, 2026-12-03: DefaultLocalBinary read VIGIL_PROBE_BINARY, which `vigil` refuses as an
    // unknown VIGIL_* variable: only a test binary could use it.
    setenv("VIGIL_PROBE_BINARY", "/nonexistent-vigil-test/probe-from-env", 1);
    auto ex = MakeProbeExecutor("local:grace_s=0.5");
    REQUIRE(ex.ok());
    auto out = (*ex)->Run(Req({"node.kernel_log"}));
    unsetenv("VIGIL_PROBE_BINARY");
    REQUIRE(out.ok());
    CHECK((*out)[0].reason.find("probe-from-env") == std::string::npos);
  }
  SUBCASE("remote target refused by local") {
    ProbeRequest req = Req({"gpu.health"});
    req.target = "some-other-node-xyz/gpu1";
    auto out = LocalWith("fake_probe_ok.sh")->Run(req);
    REQUIRE(out.ok());
    CHECK((*out)[0].status == ProbeStatus::kError);
    CHECK((*out)[0].reason.find("needs ssh: or slurm:") != std::string::npos);
  }
}

// Puts fake `ssh` and `srun` first on PATH for the duration of a test.
struct FakeRemoteTools {
  std::string dir = "/tmp/vigil_probes_test_bin." + std::to_string(getpid());
  std::string old_path = getenv("PATH") ? getenv("PATH") : "";
  FakeRemoteTools() {
    std::string cwd = std::filesystem::current_path().string();
    std::filesystem::create_directories(dir);
    std::filesystem::remove(dir + "/ssh");
    std::filesystem::remove(dir + "/srun");
    std::filesystem::create_symlink(cwd + "/" + kData + "fake_ssh.sh", dir + "/ssh");
    std::filesystem::create_symlink(cwd + "/" + kData + "fake_srun.sh", dir + "/srun");
    setenv("PATH", (dir + ":" + old_path).c_str(), 1);
  }
  ~FakeRemoteTools() {
    setenv("PATH", old_path.c_str(), 1);
    std::filesystem::remove_all(dir);
  }
};

TEST_CASE("ssh and slurm executors run vigil-probe end to end through fake ssh/srun") {
  FakeRemoteTools tools;
  std::string binary = std::filesystem::current_path().string() + "/" + kData + "fake_probe_ok.sh";
  std::string log = tools.dir + "/ssh.log";
  setenv("FAKE_SSH_LOG", log.c_str(), 1);
  ProbeRequest req = Req({"gpu.health"});
  req.target = "node-7/gpu2";
  auto ssh = MakeProbeExecutor("ssh:user=ops,binary=" + binary);
  REQUIRE(ssh.ok());
  auto out = (*ssh)->Run(req);
  REQUIRE(out.ok());
  CHECK((*out)[0].status == ProbeStatus::kPass);
  CHECK((*out)[0].reason.find("--gpus 2") != std::string::npos);  // quoting survived the shell
  auto logged = ReadFile(log);
  REQUIRE(logged.ok());
  CHECK(logged->find("BatchMode=yes") != std::string::npos);
  CHECK(logged->find("ops@node-7") != std::string::npos);
  unsetenv("FAKE_SSH_LOG");

  auto slurm = MakeProbeExecutor("slurm:partition=gpu,binary=" + binary);
  REQUIRE(slurm.ok());
  auto sout = (*slurm)->Run(req);
  REQUIRE(sout.ok());
  CHECK((*sout)[0].status == ProbeStatus::kPass);
  CHECK((*sout)[0].reason.find("--target node-7/gpu2") != std::string::npos);
}

TEST_CASE("RunSubprocess: a child that exited is done though something it started holds its pipes") {
  // ssh with ControlPersist leaves its master running with ssh's stderr; a wrapper script may start
  // a daemon. Before, the read went on to the pipes' end, i.e. the deadline: the complete answer
  // the child had printed came back as "timed out after 3.0 s (killed)" and was thrown away.
  auto r = RunSubprocess({"sh", "-c", "sleep 600 & echo '{\"done\":1}'; echo note >&2; exit 0"}, 3);
  REQUIRE(r.ok());
  CHECK(!r->timed_out);
  CHECK(r->exit_code == 0);
  CHECK(r->out == "{\"done\":1}\n");
  CHECK(r->err == "note\n");
  // Output the background process writes while the pipes drain is still read.
  auto late = RunSubprocess({"sh", "-c", "(sleep 0.05; echo late) & echo first; exit 4"}, 3);
  REQUIRE(late.ok());
  CHECK(!late->timed_out);
  CHECK(late->exit_code == 4);
  CHECK(late->out == "first\nlate\n");
}

TEST_CASE("RunSubprocess basics") {
  auto r = RunSubprocess({"sh", "-c", "echo out; echo err >&2; exit 3"}, 5);
  REQUIRE(r.ok());
  CHECK(r->out == "out\n");
  CHECK(r->err == "err\n");
  CHECK(r->exit_code == 3);
  CHECK(r->DescribeEnd() == "exit code 3");
  auto big = RunSubprocess({"sh", "-c", "head -c 100000 /dev/zero"}, 5, 1000);
  REQUIRE(big.ok());
  CHECK(big->out.size() == 1000);
  CHECK(big->output_truncated);
  CHECK(!RunSubprocess({}, 1).ok());
  CHECK(RunSubprocess({"/nonexistent/bin"}, 1).status().code() == StatusCode::kNotFound);
}

}  // namespace
}  // namespace vigil
