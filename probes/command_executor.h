// Executors that run the `vigil-probe` binary: locally as a subprocess, on a host through the
// system's ssh, or on a Slurm node through srun. All three build one command line, run it with
// RunSubprocess under the request's time limit (plus a grace for connection set-up), and parse
// the JSON document it prints. Whatever goes wrong with the program (cannot start, crash,
// hang, garbage, a probe missing from the output) becomes an `error` result per requested probe
// whose reason says what happened; Run() returns a non-OK Result only for a malformed request.
//
// Spec options (comma-separated key=value after the kind):
//   local:  binary=PATH (default: vigil-probe beside the running executable, else in build/bin,
//           else `vigil-probe` on PATH), thresholds=FILE (default:
//           LocalThresholdsPath: data/probes/thresholds.json of the
//           working folder, of the folder above the executable's, of the source tree built from),
//           fleet=FILE (the user's fleet baseline, laid over thresholds), grace_s=N (default 5)
//   ssh:    user=U, port=N, binary=PATH (default `vigil-probe` on the remote PATH),
//           connect_timeout_s=N (default 10), identity=KEYFILE (ssh -i), ssh_config=FILE (ssh -F),
//           thresholds=FILE, fleet=FILE (paths on the remote host)
//   slurm:  partition=P, ntasks=N (default 1), gpus=N (--gpus-per-node), binary=PATH,
//           account=A, thresholds=FILE, fleet=FILE
//   all:    lock_dir=DIR: the folder of the host-wide probe leases (probe_lock.h; default
//           /run/lock/vigil-probe, else /tmp/vigil-probe-locks). A request with an intrusive probe
//           (and allow_intrusive) first takes the lease on its target's GPU (or whole node) that every
//           process of this host shares, waiting for it inside the request's time limit; held by
//           another process for the whole limit, every result is `unavailable` ("not run: another
//           process on this host held GPU 0 of node-3 ... (lock PATH); nothing was measured"); a lock
//           folder that cannot be made, `error` naming it and why.
// Targets: "" (all GPUs of the local node), "gpu3" or "/gpu3" (local GPU 3), "node-3" (all GPUs of
// node-3), "node-3/gpu5". `local` refuses a node name other than this host's.
// Thread safety: Run() may be called from several threads at once (no mutable state).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "probes/probe.h"
#include "probes/subprocess.h"

namespace vigil {

struct ProbeTarget {
  std::string node;  // "" = local
  int gpu = -1;      // -1 = every GPU of the node
};

// InvalidArgument for shapes like "node/gpuX" or "a/b/c".
Result<ProbeTarget> ParseProbeTarget(std::string_view target);

// The local executor's default thresholds file: the first data/probes/thresholds.json that is a
// regular file in `cwd` (a vigil checkout run from its root), in the folder above the executable
// `exe`'s folder (`<prefix>/bin/vigil` -> `<prefix>`, an unpacked release), in `source_dir` (the
// tree it was built from); "" when none (throughput probes are then measured, not judged). Empty
// arguments skip. core/source_tree.h's FindInSearchFolders does the search.
std::string LocalThresholdsPath(const std::string& cwd, const std::string& exe, const std::string& source_dir);

// kind: "local" | "ssh" | "slurm"; options: the text after "kind:" (may be empty).
Result<std::unique_ptr<ProbeExecutor>> MakeCommandExecutor(std::string_view kind, std::string_view options);

// The argv the executor would run for a request (exposed for tests and `--dry-run`).
// Fails like Run() would for a bad target.
Result<std::vector<std::string>> CommandExecutorArgv(const ProbeExecutor& executor,
                                                     const ProbeRequest& request);

// Whether `executor` runs probes for real on hosts (local, ssh, slurm), not a replay of recorded
// results or a test's fake: the reasoner asks a live node whether its GPUs answer even when the
// case's topology gives their count.
bool IsCommandExecutor(const ProbeExecutor& executor);

// The seconds past a request's time_limit_s that `executor` may take to answer when the run
// hangs: a command executor stops it at the limit plus its grace (grace_s, default 5; plus
// connect_timeout_s, default 10, for ssh:; plus 30 for slurm:'s scheduling), SIGTERM first and
// SIGKILL kSubprocessStopWaitS (2 s) later, and 0.5 s to reap it; so 7.5 s for local:, 17.5 s for ssh:,
// 37.5 s for slurm:. 0 for any other
// executor (a replay answers at once; a test's fake). The verification budget keeps this much of
// itself to end a probe it cut (agents/HISTORY.md, "The budget holds for the answer").
double ProbeExecutorGraceS(const ProbeExecutor& executor);

// Turns one finished vigil-probe run into one result per requested probe (request order).
// Exposed for tests; used by every command executor.
std::vector<ProbeResult> ResultsFromProbeRun(const ProbeRequest& request, const Result<SubprocessResult>& run,
                                             std::string_view describe);

}  // namespace vigil
