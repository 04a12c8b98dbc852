// A cloud provider's notice that it is taking a VM away (PLC71, realistic57 rl57-19, seen). Rented GPU
// capacity (Spot / preemptible / low-priority VMs, and any VM the provider must move or stop) is taken
// by the provider with a short notice that names the VM:
//   - Azure's Scheduled Events (IMDS): `"EventType":"Preempt"` (Spot eviction), `"Terminate"`, with
//     `"Resources":["<vm>",...]`;
//     CycleCloud / the portal: "deallocated (reason=SpotEviction)", "Spot VM eviction";
//   - AWS: "EC2 Spot Instance Interruption Warning", the IMDS spot/instance-action document
//     (`"action": "terminate" | "stop" | "hibernate"`), "Spot Instance interruption notice";
//   - GCP: `compute.instances.preempted`, "Instance was preempted", a host maintenance event whose
//     policy terminates the VM (onHostMaintenance=TERMINATE, TERMINATE_ON_HOST_MAINTENANCE).
// The VM's processes end with it: a training job's ranks on it are gone (the taxonomy's
// rank_process_crash: its peers then fail on broken connections), and the node's exporters fall
// silent (Prometheus `up == 0`, probes "host deallocated") - no evidence of its GPUs. Not read: a
// live migration or Azure's "Freeze" (the VM pauses for seconds; its processes live on), a Reboot
// event, Azure's "Redeploy" (the VM comes back on another host, and the notice may predate the job
// that then ran there: realistic57 rl57-15), a pod's preemption by a scheduler (preempted_pod_node.h reads it), an eviction for memory or
// disk pressure (a kubelet's, not the provider's). Pure, thread safe.
#pragma once

#include <string>
#include <vector>

namespace vigil {

// Whether `line` is a provider's notice that it preempts / evicts / terminates / stops / redeploys a
// VM (the list above). Lines over 4000 bytes are not read.
bool StatesVmEvictionNotice(const std::string& line);

// The names such a notice gives of the VMs it takes: Azure's "Resources" list when the line has one,
// else every host-like word of the line (letters, digits, '.', '-', '_', holding a digit, not starting
// with one: the caller keeps those that are its case's nodes). None when the line is no notice.
std::vector<std::string> EvictedVmNames(const std::string& line);

}  // namespace vigil
