// A diagnosis' component in words for people (RVFIX2, 2026-12-03).
//
// `Diagnosis::component` and `Hypothesis::component` name where the root cause is: a node
// ("node-3"), a GPU ("node-3/gpu5"), an HCA ("node-3/mlx5_2"), a rack or switch, or `job`
// (kJobComponent) when the answer is about the whole job and no single one of them (a collective
// hang on every rank, a bad launch configuration, shared storage, a loss divergence). JSON keeps
// that value as it is (the REST API, `vigil diagnose --json`, the eval sets' `expected.component`:
// machines compare it); text for people (`vigil diagnose`'s report, the chat, the incident list's
// `component_text`) says what it means instead of printing `job` as if it were a host's name.
// Pure functions, thread safe.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <string_view>

namespace vigil {

// The component value of a job-wide answer.
inline constexpr std::string_view kJobComponent = "job";

// "the whole job (no single component)" for kJobComponent (any case, spaces around it ignored);
// the component itself otherwise ("" stays "").
std::string ComponentForPeople(std::string_view component);

// Where a diagnosis puts its root cause, in words: ComponentForPeople(component), but "" when the
// root cause is `unknown`: such an answer's component is its leading hypothesis' place
// (`job` for most), not a finding, and "unknown on the whole job" read as a finding about the whole
// job (OPS3, 2026-12-03: a GPU temperature alert's incident said so in the chat and the list).
std::string RootCausePlaceForPeople(std::string_view root_cause, std::string_view component);

// What text for people says in place of RootCausePlaceForPeople's "" for an unknown root cause.
inline constexpr std::string_view kUnknownPlaceText = "not determined (root cause unknown)";
// The place line people read: kUnknownPlaceText for an unknown root cause, with or without a
// component (an `unknown` answer with no hypothesis at all has none: it printed "(unknown)" and
// listed "" until 2026-12-06, when KBE left REV3's temperature alert with no recalled incident);
// "" for a known root cause without a component; else RootCausePlaceForPeople.
std::string RootCausePlaceText(std::string_view root_cause, std::string_view component);

// Labels holding a job's id: Slurm's (prometheus-slurm-exporter, a trainer's own labels),
// dcgm-exporter's HPC job mapping (`hpc_job`), and a trainer's `job` (`exported_job` behind a
// plain scrape) when it is a number (OPS3's list, from server/chat.cc).
inline constexpr const char* kJobIdLabelKeys[] = {"slurm_job_id", "slurm_jobid", "jobid", "job_id", "hpc_job", "job",
                                                  "exported_job"};

// The job id an alert's labels carry: the value of the first of kJobIdLabelKeys that is a Slurm job
// id (connectors/slurm_job.h IsSlurmJobId: digits, optionally _<array task> or +<offset>); "" when
// none is.
std::string JobIdOfLabels(const std::map<std::string, std::string>& labels);
// The same with the label it was read from ({"slurm_job_id", "4242"}); {"", ""} when none.
std::pair<std::string, std::string> JobIdLabelOfLabels(const std::map<std::string, std::string>& labels);

// A diagnosis' place in words an engineer searches for (DEF5, 2026-12-03: a resolved incident's
// knowledge-base text said "Diagnosis by vigil: nccl_collective_hang on job", `job` read as a host):
// for kJobComponent "job-wide, job 4481033 (no single node or GPU)" with `job_id`, "job-wide (no
// single node or GPU)" without; "" for an unknown root cause (as RootCausePlaceForPeople); the
// component itself otherwise.
std::string PlaceForSearch(std::string_view root_cause, std::string_view component, std::string_view job_id);

}  // namespace vigil
