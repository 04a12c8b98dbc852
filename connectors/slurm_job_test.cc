#include "connectors/slurm_job.h"

#include <doctest/doctest.h>

#include <limits>

#include "connectors/slurm_testing.h"

namespace vigil {
namespace {

std::vector<std::string> Hosts(std::string_view list, size_t max = 1000) {
  Result<HostList> h = ExpandSlurmHostList(list, max);
  REQUIRE_MESSAGE(h.ok(), h.status().message());
  return h->hosts;
}

std::string Error(std::string_view list) {
  Result<HostList> h = ExpandSlurmHostList(list, 1000);
  REQUIRE(!h.ok());
  CHECK(h.status().code() == StatusCode::kInvalidArgument);
  return h.status().message();
}

TEST_CASE("slurm host list: ranges, padding, several groups, items") {
  CHECK(Hosts("gpu[001-004,010],cpu7") ==
        std::vector<std::string>{"gpu001", "gpu002", "gpu003", "gpu004", "gpu010", "cpu7"});
  CHECK(Hosts("node-3") == std::vector<std::string>{"node-3"});
  CHECK(Hosts("r[1-2]-n[09-10]") == std::vector<std::string>{"r1-n09", "r1-n10", "r2-n09", "r2-n10"});
  CHECK(Hosts("a[8-11].dc,b[2]") == std::vector<std::string>{"a8.dc", "a9.dc", "a10.dc", "a11.dc", "b2"});
  // Regex and PromQL metacharacters are kept as written (the reader escapes them).
  CHECK(Hosts("n.1+x,n*2") == std::vector<std::string>{"n.1+x", "n*2"});
  Result<HostList> h = ExpandSlurmHostList("gpu[1-4],cpu[1-2]", 3);
  REQUIRE(h.ok());
  CHECK(h->hosts == std::vector<std::string>{"gpu1", "gpu2", "gpu3"});
  CHECK(h->total == 6);
}

TEST_CASE("slurm host list: a 100,000-node range costs the cap, counted whole") {
  Result<HostList> h = ExpandSlurmHostList("gpu[000001-100000]", 33);
  REQUIRE(h.ok());
  CHECK(h->hosts.size() == 33);
  CHECK(h->hosts.front() == "gpu000001");
  CHECK(h->hosts.back() == "gpu000033");
  CHECK(h->total == 100'000);
  // A range of 10^18 names: counted (saturating), not made.
  h = ExpandSlurmHostList("n[0-999999999999999999]-[0-999999999999999999]", 2);
  REQUIRE(h.ok());
  CHECK(h->hosts == std::vector<std::string>{"n0-0", "n0-1"});
  CHECK(h->total == std::numeric_limits<size_t>::max());
}

TEST_CASE("slurm host list: bad strings are refused, naming what is wrong") {
  CHECK(Error("gpu[3-1]") == "host list item `gpu[3-1]`: the range `3-1` runs backwards");
  CHECK(Error("gpu[") == "host list item `gpu[`: a `[` never closed");
  CHECK(Error("gpu[1-2,4") == "host list item `gpu[1-2,4`: a `[` never closed");
  CHECK(Error("gpu1]") == "host list item `gpu1]`: a `]` without `[`");
  CHECK(Error("gpu[1-[2]]").find("a `[` inside a `[`") != std::string::npos);
  CHECK(Error("gpu[a-b]") == "host list item `gpu[a-b]`: `a` is not a number");
  CHECK(Error("gpu[]") == "host list item `gpu[]`: an empty [] group");
  CHECK(Error("gpu[1,,2]") == "host list item `gpu[1,,2]`: an empty element in its [] group");
  CHECK(Error("gpu[1-]") == "host list item `gpu[1-]`: an empty range bound");
  CHECK(Error("gpu[1234567890123456789]").find("has over 18 digits") != std::string::npos);
  CHECK(Error("a,,b") == "host list: an empty item (two commas, or one at an end)");
  CHECK(Error("") == "host list: empty");
  CHECK(Error("gpu1 gpu2") == "host list item `gpu1 gpu2`: a space or control byte in a host name");
}

TEST_CASE("slurm show job: one command, its errors in words, array and heterogeneous ids") {
  FakeSlurm s;
  s.jobs["4242"] = "JobId=4242 JobName=t JobState=RUNNING NodeList=gpu[01-02]";
  s.jobs["4240_2"] = "JobId=4242 ArrayJobId=4240 ArrayTaskId=2 JobState=RUNNING NodeList=gpu03";
  s.jobs["4250"] = "JobId=4250 HetJobId=4250 HetJobOffset=0 NodeList=a1\nJobId=4251 HetJobId=4250 HetJobOffset=1 NodeList=b1";
  s.jobs["77"] = "no job here";
  Result<ScontrolJob> j = ShowSlurmJob(s.Runner(), "scontrol", 10, "4240_2");
  REQUIRE(j.ok());
  CHECK(j->fields.at("NodeList") == "gpu03");
  CHECK(s.asked.back() == std::vector<std::string>{"scontrol", "show", "job", "-o", "4240_2"});
  j = ShowSlurmJob(s.Runner(), "scontrol", 10, "4250");
  REQUIRE(j.ok());
  CHECK(j->records == 2);
  CHECK(j->fields.at("NodeList") == "a1");
  j = ShowSlurmJob(s.Runner(), "scontrol", 10, "31337");
  CHECK(j.status().code() == StatusCode::kNotFound);
  CHECK(j.status().message().rfind("the job is unknown to Slurm (slurm_load_jobs error: Invalid job id specified", 0) == 0);
  j = ShowSlurmJob(s.Runner(), "scontrol", 10, "77");
  CHECK(j.status().code() == StatusCode::kInternal);
  CHECK(j.status().message() == "scontrol show job answered no job (no job here)");
  const size_t asked = s.asked.size();
  j = ShowSlurmJob(s.Runner(), "scontrol", 10, "4242; rm -rf /");
  CHECK(j.status().code() == StatusCode::kInvalidArgument);
  CHECK(s.asked.size() == asked);
  s.down = true;
  j = ShowSlurmJob(s.Runner(), "scontrol", 10, "4242");
  CHECK(j.status().code() == StatusCode::kUnavailable);
  CHECK(j.status().message().rfind("Slurm unreachable (scontrol show job: slurm_load_jobs error: Unable to contact", 0) == 0);
  s.down = false;
  s.missing = true;
  j = ShowSlurmJob(s.Runner(), "scontrol", 10, "4242");
  CHECK(j.status().code() == StatusCode::kUnavailable);
  CHECK(j.status().message().find("scontrol is not installed where vigil runs") != std::string::npos);
}

TEST_CASE("slurm job nodes: NodeList expanded and capped; pending and bad lists said") {
  FakeSlurm s;
  s.jobs["4242"] = "JobId=4242 JobState=RUNNING NodeList=gpu[001-004,010],cpu7 BatchHost=gpu001";
  s.jobs["4243"] = "JobId=4243 JobState=PENDING NodeList=(null)";
  s.jobs["4244"] = "JobId=4244 JobState=RUNNING NodeList=gpu[3-1]";
  s.jobs["4245+1"] = "JobId=4246 HetJobId=4245 HetJobOffset=1 JobState=RUNNING NodeList=b[1-2]";
  SlurmJobNodeSource src(s.Runner());
  CHECK(src.Describe() == "slurm (scontrol show job)");
  Result<SlurmJobNodes> n = src.Nodes("4242", 4);
  REQUIRE(n.ok());
  CHECK(n->nodes == std::vector<std::string>{"gpu001", "gpu002", "gpu003", "gpu004"});
  CHECK(n->total == 6);
  CHECK(n->state == "RUNNING");
  n = src.Nodes("4245+1", 10);
  REQUIRE(n.ok());
  CHECK(n->nodes == std::vector<std::string>{"b1", "b2"});
  n = src.Nodes("4243", 10);
  CHECK(n.status().code() == StatusCode::kFailedPrecondition);
  CHECK(n.status().message() == "Slurm names no nodes for it yet (JobState=PENDING, NodeList=(null))");
  n = src.Nodes("4244", 10);
  CHECK(n.status().code() == StatusCode::kInvalidArgument);
  CHECK(n.status().message() ==
        "its NodeList `gpu[3-1]` could not be read: host list item `gpu[3-1]`: the range `3-1` runs backwards");
}

// TRI4: a heterogeneous job asked by its base id: scontrol lists one record a component (the shape
// Slurm 22.05 prints: JobId the component's own id, HetJobId the base, HetJobOffset, each its NodeList).
TEST_CASE("slurm job nodes: a heterogeneous job's base id reads every component's NodeList") {
  FakeSlurm s;
  s.jobs["4250"] =
      "JobId=4250 HetJobId=4250 HetJobOffset=0 JobName=llama JobState=RUNNING NodeList=vm,gpu[01-02] BatchHost=vm\n"
      "JobId=4251 HetJobId=4250 HetJobOffset=1 JobName=llama JobState=RUNNING NodeList=gpu[02-04] BatchHost=gpu02";
  s.jobs["4250+1"] = "JobId=4251 HetJobId=4250 HetJobOffset=1 JobName=llama JobState=RUNNING NodeList=gpu[02-04]";
  s.jobs["4260"] =
      "JobId=4260 HetJobId=4260 HetJobOffset=0 JobState=RUNNING NodeList=a1\n"
      "JobId=4261 HetJobId=4260 HetJobOffset=1 JobState=PENDING NodeList=(null)";
  s.jobs["4270"] =
      "JobId=4270 HetJobId=4270 HetJobOffset=0 JobState=PENDING NodeList=(null)\n"
      "JobId=4271 HetJobId=4270 HetJobOffset=1 JobState=PENDING NodeList=(null)";
  s.jobs["4280"] = "JobId=4280 HetJobId=4280 HetJobOffset=0 NodeList=a1\nJobId=4281 HetJobId=4280 HetJobOffset=1 NodeList=b[2-1]";
  // An array's base id lists each task: the first task's nodes, as before.
  s.jobs["4290"] = "JobId=4291 ArrayJobId=4290 ArrayTaskId=1 NodeList=t1\nJobId=4292 ArrayJobId=4290 ArrayTaskId=2 NodeList=t2";
  SlurmJobNodeSource src(s.Runner());
  Result<SlurmJobNodes> n = src.Nodes("4250", 10);
  REQUIRE(n.ok());
  CHECK(n->job_id == "4250");
  CHECK(n->records == 2);
  CHECK(n->nodes == std::vector<std::string>{"vm", "gpu01", "gpu02", "gpu03", "gpu04"});  // gpu02 once
  CHECK(n->total == 5);
  CHECK(n->components == std::vector<std::string>{"+0: vm,gpu[01-02]", "+1: gpu[02-04]"});
  CHECK(s.asked.size() == 1);  // one scontrol call for every component
  SUBCASE("cut to the cap across components, the rest counted") {
    n = src.Nodes("4250", 4);
    REQUIRE(n.ok());
    CHECK(n->nodes == std::vector<std::string>{"vm", "gpu01", "gpu02", "gpu03"});
    CHECK(n->total == 5);
  }
  SUBCASE("a component asked by its own id: that component alone") {
    n = src.Nodes("4250+1", 10);
    REQUIRE(n.ok());
    CHECK(n->nodes == std::vector<std::string>{"gpu02", "gpu03", "gpu04"});
    CHECK(n->components.empty());
  }
  SUBCASE("a pending component adds no node, said; all pending: no nodes") {
    n = src.Nodes("4260", 10);
    REQUIRE(n.ok());
    CHECK(n->nodes == std::vector<std::string>{"a1"});
    CHECK(n->components == std::vector<std::string>{"+0: a1", "+1: none yet (PENDING)"});
    n = src.Nodes("4270", 10);
    CHECK(n.status().code() == StatusCode::kFailedPrecondition);
    CHECK(n.status().message() == "Slurm names no nodes for any of its 2 heterogeneous components yet (+0: PENDING)");
  }
  SUBCASE("a component's bad NodeList is named") {
    n = src.Nodes("4280", 10);
    CHECK(n.status().code() == StatusCode::kInvalidArgument);
    CHECK(n.status().message() ==
          "its component +1's NodeList `b[2-1]` could not be read: host list item `b[2-1]`: the range `2-1` runs backwards");
  }
  SUBCASE("an array's base id: the first task's nodes") {
    n = src.Nodes("4290", 10);
    REQUIRE(n.ok());
    CHECK(n->nodes == std::vector<std::string>{"t1"});
    CHECK(n->records == 2);
    CHECK(n->components.empty());
  }
}

}  // namespace
}  // namespace vigil
