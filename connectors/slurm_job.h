// One Slurm job as `scontrol show job -o <id>` describes it (LOGC, TRI3): the one place Vigil asks
// Slurm about a job and parses the answer. Used by the job log source (job_log_source.h: StdOut /
// StdErr) and by live triage's peers (agents/peer_series.h: the job's NodeList).
//   - ShowSlurmJob runs `scontrol show job -o <id>` once through a ProgramRunner handed in
//     (connectors/ runs no process itself: probes/program_runner.h has the real one) and answers the
//     first record's fields, or why there are none in words a note can carry.
//   - ExpandSlurmHostList expands a Slurm host list (`gpu[001-004,010],cpu7`, `r[1-2]-n[01-02]`)
//     here, without a second command: `scontrol show hostnames` would be one more process per
//     alert and prints every name of a 100,000-node range, where this stops at the cap and counts
//     the rest arithmetically.
//   - SlurmJobNodeSource: the two together, a job's nodes capped.
// Pure apart from the runner; thread safe when the runner is.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace vigil {

// Whether `id` may name a Slurm job: digits, optionally "_<task>" (an array task) or "+<offset>" (a
// heterogeneous component). Anything else (a path, a name, spaces) is refused before any command.
bool IsSlurmJobId(std::string_view id);

// `scontrol show job -o` output (one line a job; the first is read): its Key=Value fields. A value
// holding spaces (a path, a Command) runs on to the next " Key=" whose key is a word.
std::map<std::string, std::string> ParseScontrolJob(std::string_view text);

// A command's outcome, as the runner reports it.
struct CommandOutput {
  int exit_code = -1;    // -1: it did not exit by itself (killed, timed out: `end` says how)
  std::string out, err;
  std::string end;       // "exit code 1", "timed out after 10.0 s (killed)"
};
// Runs argv (no shell) within timeout_s. NotFound when argv[0] cannot be run.
using ProgramRunner = std::function<Result<CommandOutput>(const std::vector<std::string>& argv, double timeout_s)>;

struct ScontrolJob {
  std::map<std::string, std::string> fields;  // the first record's (ParseScontrolJob)
  size_t records = 0;  // records listed: an array's own id lists each task, a heterogeneous job's each component
  // Every record's fields (the first `kMaxScontrolRecords`), `fields` first (TRI4: a heterogeneous
  // job's base id lists each component, each with its own NodeList).
  std::vector<std::map<std::string, std::string>> all;
};
// The records ShowSlurmJob parses at most (a heterogeneous job has at most 128 components by default;
// an array's base id may list thousands of tasks, of which only the first is read).
inline constexpr size_t kMaxScontrolRecords = 128;
// `<scontrol> show job -o <id>` run once. Errors, each message the reason alone (the caller names
// the job): InvalidArgument (not a Slurm job id: nothing run), Unavailable ("Slurm unreachable ...":
// scontrol not installed, the controller not answering, timed out), NotFound ("the job is unknown
// to Slurm ..."), Internal (scontrol failed otherwise, could not be run, or answered no job).
Result<ScontrolJob> ShowSlurmJob(const ProgramRunner& run, const std::string& scontrol, double timeout_s,
                                 std::string_view id);

struct HostList {
  std::vector<std::string> hosts;  // in the list's order, at most the cap
  size_t total = 0;                // names the list holds (saturating at SIZE_MAX)
};
// A Slurm host list expanded: items split at top-level commas; each item literal text and bracket
// groups `[1-4,7]` (several groups: every combination, the first group outermost, as Slurm does);
// a range keeps its lower bound's zero padding (`[001-010]`). At most `max_hosts` names made.
// InvalidArgument naming the item and what is wrong: an empty list or item, an unclosed `[`, a `]`
// without `[`, a nested `[`, an empty or non-numeric range element, a range running backwards
// (`gpu[3-1]`), a number over 18 digits, a space or control byte.
Result<HostList> ExpandSlurmHostList(std::string_view list, size_t max_hosts);

struct SlurmJobNodes {
  std::string job_id;              // as Slurm answers it (JobId; a heterogeneous job's base id: HetJobId)
  std::string state;               // JobState
  std::vector<std::string> nodes;  // NodeList expanded, at most the cap (a het job's: every component's, each once)
  size_t total = 0;                // nodes NodeList names (a het job's cut: an upper bound, a node in two components counted twice)
  size_t records = 1;              // ScontrolJob::records
  // A heterogeneous job asked by its base id (`1234`, HetJobId=1234): every component's NodeList
  // (`1234+0`'s, `1234+1`'s, in scontrol's order) read and joined, each node once (TRI4); a
  // component still pending (NodeList=(null)) adds none. One entry a component read ("+1: b[1-2]").
  std::vector<std::string> components;
};

class SlurmJobNodeSource {
 public:
  explicit SlurmJobNodeSource(ProgramRunner run, std::string scontrol = "scontrol", double timeout_s = 10.0);
  // The nodes of job `id` (at most `max_nodes`); a heterogeneous job's base id: all its components'
  // (SlurmJobNodes::components). ShowSlurmJob's errors, and FailedPrecondition when the job has no
  // nodes (pending: NodeList=(null); a het job: no component has any) or InvalidArgument for a
  // NodeList that is no host list; every message names neither the job nor the source (the caller does).
  Result<SlurmJobNodes> Nodes(std::string_view id, size_t max_nodes) const;
  std::string Describe() const;  // "slurm (scontrol show job)"

 private:
  ProgramRunner run_;
  std::string scontrol_;
  double timeout_s_;
};

}  // namespace vigil
