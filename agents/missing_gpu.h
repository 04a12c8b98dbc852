// A GPU missing from its node, as an alert states it (AO4, 2026-12-04): the node exports or
// advertises fewer GPUs than it has ("xe9680-0117 exports 7 GPUs, expected 8", "7 of 8
// nvidia.com/gpu allocatable", "advertises fewer GPUs than it has"), a rule counting a DCGM field's
// series per node below a number (`count by (Hostname) (DCGM_FI_DEV_GPU_TEMP{...}) < 8`),
// kube-state-metrics' allocatable GPUs below capacity or a number, or one GPU's DCGM series stopped
// ("no DCGM samples from GPU 0 for 8 minutes", `absent(DCGM_FI_DEV_GPU_TEMP{gpu="3"})`). What the
// driver no longer reaches is a GPU off the bus (Xid 79) or one whose firmware (GSP) failed; the
// reasoner reads the pair (builtin_reasoner.cc AddAlertMissingGpu). Pure functions, thread safe.
#pragma once

#include <string>

namespace vigil {

// What `text` (an alert's summary, description or message) says of a GPU missing from its node:
// a short quote of the words read, or "" when it says none. Read, with N < M <= 16: "N [allocatable|
// usable|...] GPUs, expected M" / "(expected M)", "N of M GPUs|nvidia.com/gpu allocatable|visible|
// ...", "sees|reports|exports N of M GPUs"; "fewer GPUs than it has|expected|capacity", "fewer GPUs
// can be scheduled ... than it has"; one GPU's DCGM series or samples stopped ("no DCGM samples|
// metrics|series from|for GPU N", "dcgm-exporter stopped reporting GPU N", "GPU N missing from
// dcgm-exporter"). Not read: a count of GPUs in some state ("7 of 8 GPUs idle", "8 GPUs
// clock-limited"), N >= M, an exporter down for the whole node (no GPU named), a job's heartbeat or
// logs stopping. Texts over 4096 characters are not read.
std::string MissingGpuInWords(const std::string& text);

// Whether a PromQL expression tests a GPU missing from its node: `count [by (...)] (F) < N`, `<= N`
// or `!= N` where F is a DCGM field's series (matchers, `last_over_time(...[w])` allowed) and not a
// comparison ("count by (h) (DCGM_FI_DEV_SM_CLOCK < 1100) == 8" counts slow GPUs, not present ones);
// the pack's `count by (h) (last_over_time(F[w])) - count by (h) (F) >= 1`; `absent(F{...})` or
// `absent_over_time(F{...}[w])` with a `gpu`, `UUID`, `GPU_I_ID` or `device` matcher (one GPU's
// series; without one the exporter is gone for the whole node); kube-state-metrics'
// `kube_node_status_allocatable` of the `nvidia_com_gpu` (or `nvidia.com/gpu`) resource compared
// `<`, `<=` or `!=` with anything (capacity, a number).
bool ExpressionTestsMissingGpu(const std::string& expr);

}  // namespace vigil
