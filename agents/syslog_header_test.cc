// SyslogHeaderHost (syslog_header.h) and the reasoner placing a syslog-style line on the host its
// header names (OPS4A, 2026-12-03). The lines are written for these tests in several header formats
// and several mlx5 / IB link-down wordings (hosts h100-s07.., not copied from the sets).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/component_text.h"
#include "agents/diagnosis_testing.h"
#include "agents/syslog_header.h"

namespace vigil {
namespace {

TEST_CASE("SyslogHeaderHost reads the host of syslog, journalctl and RFC 5424 headers (OPS4A)") {
  // BSD syslog / journalctl -o short, one- and two-digit days, a pid, a <PRI>.
  CHECK(SyslogHeaderHost("Dec  3 02:24:09 gpu-a17 kernel: mlx5_core 0000:c1:00.0 ibp193s0: Link down") == "gpu-a17");
  CHECK(SyslogHeaderHost("Nov 28 23:01:44 h100-s07 kernel: [81234.5] ib0: Link is Down") == "h100-s07");
  CHECK(SyslogHeaderHost("<4>Mar 18 22:06:45 node-3.cluster.local slurmd[2211]: error: x") == "node-3.cluster.local");
  // journalctl -o short-iso / rsyslog RFC 3339.
  CHECK(SyslogHeaderHost("2026-12-03T02:24:09+0000 dgx-b12 kernel: mlx5_core 0000:4b:00.0: Port down") == "dgx-b12");
  CHECK(SyslogHeaderHost("2026-12-03T02:24:09.123456+00:00 dgx-b12 kernel: x") == "dgx-b12");
  CHECK(SyslogHeaderHost("2026-12-03T02:24:09Z 10.0.3.17 kernel: x") == "10.0.3.17");
  // RFC 5424.
  CHECK(SyslogHeaderHost("<3>1 2026-12-03T02:24:09.003Z gx-r2-n07 kernel - - - mlx5_core: link down") == "gx-r2-n07");
  CHECK(SyslogHeaderHost("<3>1 2026-12-03T02:24:09.003Z - kernel - - - mlx5_core: link down").empty());
  // A date and time with a space, or bracketed: with `kernel:` or `NAME[PID]:` only.
  CHECK(SyslogHeaderHost("[2026-12-03 02:24:09] gpu-a17 kernel: mlx5_core 0000:c1:00.0 ibp193s0: Link down") == "gpu-a17");
  CHECK(SyslogHeaderHost("2026-12-03 02:24:09,112 gpu-a17 kernel: x") == "gpu-a17");
  CHECK(SyslogHeaderHost("2026-12-03 02:24:09 gpu-a17 nvidia-persistenced[991]: x") == "gpu-a17");
  // Not headers: an application's log with a level or a module where the host would be, NCCL's
  // HOST:PID:TID prefix, PyTorch's prefix, a plain line.
  CHECK(SyslogHeaderHost("2026-12-03 02:24:09 INFO train: step 10").empty());
  CHECK(SyslogHeaderHost("2026-12-03T02:24:09Z INFO train: step 10").empty());
  CHECK(SyslogHeaderHost("[2026-12-03 02:14:07,112] [INFO] [train.py:412] step 18200").empty());
  CHECK(SyslogHeaderHost("2026-12-03 02:24:09 trainer main: started").empty());
  CHECK(SyslogHeaderHost("gpu-a17:48211:48890 [3] NCCL INFO Channel 02/0 : 27[3] -> 35[3]").empty());
  CHECK(SyslogHeaderHost("[rank27]:[E1203 02:24:07.334119 48211 ProcessGroupNCCL.cpp:616] [Rank 27] Watchdog").empty());
  CHECK(SyslogHeaderHost("Dec  3 02:24:09 localhost kernel: x").empty());
  CHECK(SyslogHeaderHost("Link down").empty());
}

// A pasted hang log (`vigil diagnose --log hang.log`: one source named after the file, no topology):
// rank 27's watchdog timeout, then one host's kernel saying its HCA's link went down.
Json HangCase(const std::vector<std::string>& kernel_lines) {
  std::vector<std::string> lines = {
      "[2026-12-03 02:14:07,112] [INFO] [train.py:412] step 18200 loss=1.8342 lr=2.4e-4 tokens/s=412k",
      "[rank27]:[E1203 02:24:07.334119 48211 ProcessGroupNCCL.cpp:616] [Rank 27] Watchdog caught collective "
      "operation timeout: WorkNCCL(SeqNum=91022, OpType=ALLREDUCE, NumelIn=262144000, NumelOut=262144000, "
      "Timeout(ms)=600000) ran for 600041 milliseconds before timing out.",
      "[rank27]:[E1203 02:24:07.401213 48211 ProcessGroupNCCL.cpp:636] [Rank 27] To avoid data inconsistency, we "
      "are taking the entire process down.",
      "terminate called after throwing an instance of 'c10::DistBackendError'"};
  for (const std::string& l : kernel_lines) lines.push_back(l);
  return Json{{"id", "ops4a-hang"}, {"logs", Json::array({Json{{"source", "hang.log"}, {"lines", lines}}})}};
}

const Hypothesis* Find(const Diagnosis& d, const std::string& category) {
  for (const Hypothesis& h : d.hypotheses) {
    if (h.category == category) return &h;
  }
  return nullptr;
}

TEST_CASE("An IB link-down kernel line is placed on the host its syslog header names (OPS4A)") {
  struct Variant {
    std::vector<std::string> lines;
    std::string node;
  };
  const std::vector<Variant> variants = {
      {{"[2026-12-03 02:24:09] gpu-a17 kernel: mlx5_core 0000:c1:00.0: mlx5_port_module_event:1133:(pid 0): Port "
        "module event[error]: module 0, Cable error, One or more network ports have been powered down due to "
        "insufficient/unadvertised power",
        "[2026-12-03 02:24:09] gpu-a17 kernel: mlx5_core 0000:c1:00.0 ibp193s0: Link down"},
       "gpu-a17"},
      {{"Dec  3 02:24:09 h100-s07 kernel: [812345.120331] mlx5_core 0000:4b:00.0 ibp75s0: Link down"}, "h100-s07"},
      {{"2026-12-03T02:24:09.551+0000 dgx-b12 kernel: mlx5_core 0000:4b:00.0 ib0: Link down"}, "dgx-b12"},
      {{"<3>1 2026-12-03T02:24:09.003Z gx-r2-n07 kernel - - - mlx5_core 0000:c1:00.0 ibp193s0: Link down"},
       "gx-r2-n07"},
      {{"Dec  3 02:24:09 a100-q3 kernel: [812345.1] mlx5_0: Port 1 link down"}, "a100-q3"},
  };
  for (const Variant& v : variants) {
    CAPTURE(v.lines.back());
    const Diagnosis d = testing::RunCaseWithOwnProbes(HangCase(v.lines));
    const Hypothesis* link = Find(d, "ib_link_failure");
    REQUIRE(link != nullptr);
    // On the host (or its HCA), never the whole job.
    CHECK(link->component.rfind(v.node, 0) == 0);
    CHECK(link->component != std::string(kJobComponent));
  }
}

TEST_CASE("The summary names a job-wide place as the component line does, not `on job` (OPS4A)") {
  const Diagnosis d = testing::RunCaseWithOwnProbes(HangCase({}));
  REQUIRE(d.root_cause == "nccl_collective_hang");
  REQUIRE(d.component == std::string(kJobComponent));  // JSON keeps `job`
  CHECK(d.summary.find(" on job") == std::string::npos);
  CHECK(d.summary.rfind("nccl_collective_hang on the whole job (no single component)", 0) == 0);
}

}  // namespace
}  // namespace vigil
