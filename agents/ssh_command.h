// The host an `ssh` command in a terminal paste runs on (RG12). An operator's shell paste saved
// under one node's name ("node-11/ops-shell") may hold output fetched from another node with
// `ssh node-10 nvidia-smi ...`: the lines after that command, up to the next command line, were
// written on node-10, not on the node the log is named after (realistic13 rl13-10: a peer's cool
// GPUs read as the hot node's own).
//
// Thread safety: pure function.
#pragma once

#include <string>

namespace vigil {

// The destination host of the first `ssh` command in `command_line` (a line IsShellCommandLine
// accepts, or any command text): "node-10" for "$ ssh -p 2222 ops@node-10 nvidia-smi",
// "ssh://root@n-3:22 uptime" -> "n-3". Options are skipped, with their argument for those ssh
// gives one (-p 2222, -i key, -o Opt=v, -J jump). "" when the line runs no ssh or names no host.
std::string SshTarget(const std::string& command_line);

// The one node an `srun` command in `command_line` runs on, named by `-w NODE`, `-wNODE`,
// `--nodelist NODE` or `--nodelist=NODE` (PLC6): "gpu-x03" for "$ srun --jobid 77 --overlap -N1 -w
// gpu-x03 nvidia-smi -q". The step's output lines were written on NODE, like the lines after `ssh
// NODE`. "" when the command runs no srun, names no node before `|`, `;`, `&&` or `||`, or names
// several (a list "a,b" or a range "gpu-x[01-04]").
std::string SrunTarget(const std::string& command_line);

// The pod a `kubectl logs` / `kubectl exec` / `kubectl attach` command in `command_line` reads or runs
// in (RG20): "asr-ft-0" for "$ kubectl -n ml logs asr-ft-0 --previous | tail -4",
// "$ kubectl exec -it pod/w-3 -c main -- nvidia-smi" -> "w-3". kubectl's global and the verb's options
// are skipped, with their argument for those that take one as the next word (-n NS, -c C, --tail 20;
// "--tail=20" is one word). "" when the command is no such kubectl verb, names a workload other than
// a pod (deploy/x, job/x) or a label selector (-l app=x) instead of one pod, or names none before
// `|`, `;`, `&&`, `||` or `--`. The caller ties the pod to its node (kube_pods.h): the command's
// output lines were written in that pod, on that node, like the lines after `ssh NODE`.
std::string KubectlPodTarget(const std::string& command_line);

// The node a `kubectl debug node/NODE` (or `oc debug node/NODE`) command runs its container on
// (RG22): "k8s-gpu-14" for "$ kubectl debug node/k8s-gpu-14 -it --image=nvcr.io/nvidia/cuda:12.8.0-base
// -- nvidia-smi -q". The debug pod shares the node's host namespaces: the command's output lines
// were written on NODE, like the lines after `ssh NODE`. "" for another command, a `debug` of a pod,
// or no `node/` argument before `|`, `;`, `&&`, `||` or `--`.
std::string KubectlDebugNodeTarget(const std::string& command_line);

// The pod a `kubectl describe pod POD` (or `describe pod/POD`) command describes, read as
// KubectlPodTarget reads its pod: "llm-pt-worker-3" for "$ kubectl -n llm describe pod
// llm-pt-worker-3 | grep -E '^Node:|Exit Code'". "" for another command or kind (describe node X).
// kube_pods.h reads the command as the start of that pod's record, so a describe output whose
// "Name:" line a grep dropped still ties its "Node:" to the pod (RG20, realistic18 rl18-10).
std::string KubectlDescribedPod(const std::string& command_line);

}  // namespace vigil
