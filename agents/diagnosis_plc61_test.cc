// PLC61 (2026-12-07, realistic54 "elastic scaling and membership changes", SEEN fixes, not blind): the
// readings the blind run of realistic54 missed, each with made-up minimal lines.
//   - a step-time breakdown labelled p50 / median / mean is a summary over many steps (rl54-27);
//   - torch elastic's RendezvousClosedError met again after the agent restarted: a stale rendezvous id (rl54-30);
//   - a failed fan beside two hot GPUs, one hot since before the window (no onset): the node's cooling (rl54-08);
//   - a power supply's SEL fault line that no rule read as evidence: the power brake is the node's (rl54-09);
//   - a straggler whose node's CPU clock is far below its peers': the node, not the probed GPU (rl54-26);
//   - one node's NCCL on sockets ("NET/IB : No device found") while the others use IB: that node (rl54-16).
// Seen failing: each case below was run with `vigil diagnose --case` on the base build (138f46db,
// /tmp/s52/vigil_J2) and gave the old answer the CHECK rejects (the report lists them).
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "agents/closed_rendezvous.h"
#include "agents/diagnosis_testing.h"
#include "agents/nccl_transport_choice.h"
#include "agents/node_hot_gpus.h"
#include "agents/shell_count_vars.h"
#include "agents/step_breakdown_summary.h"

namespace vigil {
namespace {

const char* const k_breakdown = R"JSON({
 "id": "plc61-breakdown-summary",
 "alert": null,
 "topology": {
  "nodes": [
   "kx-01",
   "kx-02"
  ],
  "gpus_per_node": 8,
  "timezone": "UTC"
 },
 "logs": [
  {
   "source": "train/kx-01/rank0",
   "lines": [
    "[rank0]:[titan] 2026-11-20T09:00:00Z - root - INFO - step: 800  loss: 2.4100  tps: 610",
    "[rank0]:[titan] 2026-11-20T09:01:00Z - root - INFO - step: 801  loss: 2.4090  tps: 604",
    "[rank0]:[titan] 2026-11-20T09:02:00Z - root - INFO - step-time breakdown p50 (ms): data_wait 31500, fwd/bwd 17200, optimizer 900",
    "[rank0]:[titan] 2026-11-20T09:03:00Z - root - INFO - step: 802  loss: 2.4080  tps: 598"
   ]
  }
 ]
})JSON";

const char* const k_breakdown_one = R"JSON({
 "id": "plc61-breakdown-one-step",
 "alert": null,
 "topology": {
  "nodes": [
   "kx-01",
   "kx-02"
  ],
  "gpus_per_node": 8,
  "timezone": "UTC"
 },
 "logs": [
  {
   "source": "train/kx-01/rank0",
   "lines": [
    "[rank0]:[titan] 2026-11-20T09:00:00Z - root - INFO - step: 800  loss: 2.4100  tps: 610",
    "[rank0]:[titan] 2026-11-20T09:01:00Z - root - INFO - step: 801  loss: 2.4090  tps: 604",
    "[rank0]:[titan] 2026-11-20T09:02:00Z - root - INFO - step-time breakdown (ms): data_wait 31500, fwd/bwd 17200, optimizer 900",
    "[rank0]:[titan] 2026-11-20T09:03:00Z - root - INFO - step: 802  loss: 2.4080  tps: 598"
   ]
  }
 ]
})JSON";

const char* const k_rdzv = R"JSON({
 "id": "plc61-closed-rendezvous",
 "alert": null,
 "topology": {
  "nodes": [
   "kx-01",
   "kx-02"
  ],
  "gpus_per_node": 8,
  "timezone": "UTC"
 },
 "logs": [
  {
   "source": "pod/mdl-worker-0",
   "lines": [
    "[2026-11-20T09:00:00.000Z] torch.distributed.elastic.rendezvous.etcd_rendezvous: Rendezvous 'mdl' found: {\"status\": \"closed\"}",
    "torch.distributed.elastic.rendezvous.api.RendezvousClosedError",
    "[2026-11-20T09:03:00.000Z] torch.distributed.elastic.rendezvous.etcd_rendezvous: Rendezvous 'mdl' found: {\"status\": \"closed\"}",
    "torch.distributed.elastic.rendezvous.api.RendezvousClosedError"
   ]
  },
  {
   "source": "events.txt",
   "lines": [
    "2026-11-20T09:01:30Z Warning BackOff  pod/mdl-worker-0  Back-off restarting failed container trainer",
    "2026-11-20T09:02:10Z Warning BackOff  pod/mdl-worker-1  Back-off restarting failed container trainer"
   ]
  }
 ]
})JSON";

const char* const k_fan_hot = R"JSON({
 "id": "plc61-fan-hot",
 "alert": null,
 "topology": {
  "nodes": [
   "vx-11",
   "vx-12",
   "vx-13"
  ],
  "gpus_per_node": 8,
  "timezone": "UTC"
 },
 "logs": [
  {
   "source": "vx-12/sel.txt",
   "lines": [
    "2026-12-05 | 01:05:00 | Fan | FAN2 | Lower Critical going low | Asserted | Reading 0 RPM < Threshold 1800 RPM"
   ]
  },
  {
   "source": "vx-12/nvidia-smi-q-gpu0.txt",
   "lines": [
    "GPU 00000000:19:00.0",
    "    Clocks Event Reasons",
    "        HW Thermal Slowdown               : Active",
    "    Temperature",
    "        GPU Current Temp                  : 90 C"
   ]
  }
 ],
 "metrics": [
  {
   "name": "DCGM_FI_DEV_GPU_TEMP",
   "labels": {
    "Hostname": "vx-12",
    "gpu": "0"
   },
   "samples": [
    [
     1796435400000,
     83
    ],
    [
     1796435460000,
     86
    ],
    [
     1796435520000,
     88
    ],
    [
     1796435580000,
     89
    ],
    [
     1796435640000,
     90
    ],
    [
     1796435700000,
     90
    ]
   ]
  },
  {
   "name": "DCGM_FI_DEV_GPU_TEMP",
   "labels": {
    "Hostname": "vx-12",
    "gpu": "4"
   },
   "samples": [
    [
     1796435400000,
     87
    ],
    [
     1796435460000,
     88
    ],
    [
     1796435520000,
     88
    ],
    [
     1796435580000,
     89
    ],
    [
     1796435640000,
     90
    ],
    [
     1796435700000,
     90
    ]
   ]
  },
  {
   "name": "DCGM_FI_DEV_GPU_TEMP",
   "labels": {
    "Hostname": "vx-13",
    "gpu": "0"
   },
   "samples": [
    [
     1796435400000,
     60
    ],
    [
     1796435460000,
     61
    ],
    [
     1796435520000,
     60
    ],
    [
     1796435580000,
     61
    ],
    [
     1796435640000,
     60
    ],
    [
     1796435700000,
     61
    ]
   ]
  }
 ],
 "probes": {}
})JSON";

const char* const k_fan_one_hot = R"JSON({
 "id": "plc61-fan-one-hot",
 "alert": null,
 "topology": {
  "nodes": [
   "vx-11",
   "vx-12",
   "vx-13"
  ],
  "gpus_per_node": 8,
  "timezone": "UTC"
 },
 "logs": [
  {
   "source": "vx-12/sel.txt",
   "lines": [
    "2026-12-05 | 01:05:00 | Fan | FAN2 | Lower Critical going low | Asserted | Reading 0 RPM < Threshold 1800 RPM"
   ]
  },
  {
   "source": "vx-12/nvidia-smi-q-gpu0.txt",
   "lines": [
    "GPU 00000000:19:00.0",
    "    Clocks Event Reasons",
    "        HW Thermal Slowdown               : Active",
    "    Temperature",
    "        GPU Current Temp                  : 90 C"
   ]
  }
 ],
 "metrics": [
  {
   "name": "DCGM_FI_DEV_GPU_TEMP",
   "labels": {
    "Hostname": "vx-12",
    "gpu": "0"
   },
   "samples": [
    [
     1796435400000,
     83
    ],
    [
     1796435460000,
     86
    ],
    [
     1796435520000,
     88
    ],
    [
     1796435580000,
     89
    ],
    [
     1796435640000,
     90
    ],
    [
     1796435700000,
     90
    ]
   ]
  },
  {
   "name": "DCGM_FI_DEV_GPU_TEMP",
   "labels": {
    "Hostname": "vx-12",
    "gpu": "4"
   },
   "samples": [
    [
     1796435400000,
     62
    ],
    [
     1796435460000,
     63
    ],
    [
     1796435520000,
     62
    ],
    [
     1796435580000,
     63
    ],
    [
     1796435640000,
     62
    ],
    [
     1796435700000,
     63
    ]
   ]
  },
  {
   "name": "DCGM_FI_DEV_GPU_TEMP",
   "labels": {
    "Hostname": "vx-13",
    "gpu": "0"
   },
   "samples": [
    [
     1796435400000,
     60
    ],
    [
     1796435460000,
     61
    ],
    [
     1796435520000,
     60
    ],
    [
     1796435580000,
     61
    ],
    [
     1796435640000,
     60
    ],
    [
     1796435700000,
     61
    ]
   ]
  }
 ],
 "probes": {}
})JSON";

const char* const k_psu_sel = R"JSON({
 "id": "plc61-psu-sel",
 "alert": null,
 "topology": {
  "nodes": [
   "vx-11",
   "vx-12",
   "vx-13"
  ],
  "gpus_per_node": 8,
  "timezone": "UTC"
 },
 "logs": [
  {
   "source": "vx-12/sel.txt",
   "lines": [
    "2026-12-05 | 17:14:10 | Power Supply | PSU2 | Failure detected | Asserted"
   ]
  },
  {
   "source": "vx-12/nvidia-smi-q-gpu0.txt",
   "lines": [
    "GPU 00000000:19:00.0",
    "    Clocks Event Reasons",
    "        HW Slowdown                       : Active",
    "        HW Power Brake Slowdown           : Active"
   ]
  }
 ],
 "metrics": [
  {
   "name": "DCGM_FI_DEV_POWER_VIOLATION",
   "labels": {
    "Hostname": "vx-12",
    "gpu": "0"
   },
   "samples": [
    [
     1796493900000,
     110000000000.0
    ],
    [
     1796493960000,
     170000000000.0
    ],
    [
     1796494020000,
     230000000000.0
    ],
    [
     1796494080000,
     290000000000.0
    ],
    [
     1796494140000,
     350000000000.0
    ],
    [
     1796494200000,
     410000000000.0
    ]
   ]
  },
  {
   "name": "DCGM_FI_DEV_POWER_USAGE",
   "labels": {
    "Hostname": "vx-12",
    "gpu": "0"
   },
   "samples": [
    [
     1796493900000,
     400.0
    ],
    [
     1796493960000,
     400.0
    ],
    [
     1796494020000,
     400.0
    ],
    [
     1796494080000,
     400.0
    ],
    [
     1796494140000,
     400.0
    ],
    [
     1796494200000,
     400.0
    ]
   ]
  },
  {
   "name": "DCGM_FI_DEV_POWER_USAGE",
   "labels": {
    "Hostname": "vx-13",
    "gpu": "0"
   },
   "samples": [
    [
     1796493900000,
     940.0
    ],
    [
     1796493960000,
     940.0
    ],
    [
     1796494020000,
     940.0
    ],
    [
     1796494080000,
     940.0
    ],
    [
     1796494140000,
     940.0
    ],
    [
     1796494200000,
     940.0
    ]
   ]
  }
 ],
 "probes": {}
})JSON";

const char* const k_psu_deasserted = R"JSON({
 "id": "plc61-psu-deasserted",
 "alert": null,
 "topology": {
  "nodes": [
   "vx-11",
   "vx-12",
   "vx-13"
  ],
  "gpus_per_node": 8,
  "timezone": "UTC"
 },
 "logs": [
  {
   "source": "vx-12/sel.txt",
   "lines": [
    "2026-12-05 | 17:14:10 | Power Supply | PSU2 | Failure detected | Deasserted"
   ]
  },
  {
   "source": "vx-12/nvidia-smi-q-gpu0.txt",
   "lines": [
    "GPU 00000000:19:00.0",
    "    Clocks Event Reasons",
    "        HW Slowdown                       : Active",
    "        HW Power Brake Slowdown           : Active"
   ]
  }
 ],
 "metrics": [
  {
   "name": "DCGM_FI_DEV_POWER_VIOLATION",
   "labels": {
    "Hostname": "vx-12",
    "gpu": "0"
   },
   "samples": [
    [
     1796493900000,
     110000000000.0
    ],
    [
     1796493960000,
     170000000000.0
    ],
    [
     1796494020000,
     230000000000.0
    ],
    [
     1796494080000,
     290000000000.0
    ],
    [
     1796494140000,
     350000000000.0
    ],
    [
     1796494200000,
     410000000000.0
    ]
   ]
  },
  {
   "name": "DCGM_FI_DEV_POWER_USAGE",
   "labels": {
    "Hostname": "vx-12",
    "gpu": "0"
   },
   "samples": [
    [
     1796493900000,
     400.0
    ],
    [
     1796493960000,
     400.0
    ],
    [
     1796494020000,
     400.0
    ],
    [
     1796494080000,
     400.0
    ],
    [
     1796494140000,
     400.0
    ],
    [
     1796494200000,
     400.0
    ]
   ]
  },
  {
   "name": "DCGM_FI_DEV_POWER_USAGE",
   "labels": {
    "Hostname": "vx-13",
    "gpu": "0"
   },
   "samples": [
    [
     1796493900000,
     940.0
    ],
    [
     1796493960000,
     940.0
    ],
    [
     1796494020000,
     940.0
    ],
    [
     1796494080000,
     940.0
    ],
    [
     1796494140000,
     940.0
    ],
    [
     1796494200000,
     940.0
    ]
   ]
  }
 ],
 "probes": {}
})JSON";

const char* const k_cpu_clock = R"JSON({
 "id": "plc61-slow-cpu-clock",
 "alert": null,
 "topology": {
  "nodes": [
   "vx-11",
   "vx-12",
   "vx-13",
   "vx-14"
  ],
  "gpus_per_node": 8,
  "timezone": "UTC"
 },
 "logs": [
  {
   "source": "train/rank0",
   "lines": [
    "[rank0]:[titan] 2026-12-02T08:55:10Z - root - INFO - slowest ranks by local step time: 17 (12.9 s), 19 (12.8 s), 21 (12.8 s); median 8.7 s"
   ]
  }
 ],
 "metrics": [
  {
   "name": "node_cpu_scaling_frequency_hertz",
   "labels": {
    "instance": "vx-11:9100",
    "cpu": "0"
   },
   "samples": [
    [
     1796435400000,
     3400000000.0
    ],
    [
     1796435460000,
     3400000000.0
    ],
    [
     1796435520000,
     3400000000.0
    ],
    [
     1796435580000,
     3400000000.0
    ],
    [
     1796435640000,
     3400000000.0
    ],
    [
     1796435700000,
     3400000000.0
    ]
   ]
  },
  {
   "name": "node_cpu_scaling_frequency_hertz",
   "labels": {
    "instance": "vx-12:9100",
    "cpu": "0"
   },
   "samples": [
    [
     1796435400000,
     3400000000.0
    ],
    [
     1796435460000,
     3400000000.0
    ],
    [
     1796435520000,
     3400000000.0
    ],
    [
     1796435580000,
     3400000000.0
    ],
    [
     1796435640000,
     3400000000.0
    ],
    [
     1796435700000,
     3400000000.0
    ]
   ]
  },
  {
   "name": "node_cpu_scaling_frequency_hertz",
   "labels": {
    "instance": "vx-13:9100",
    "cpu": "0"
   },
   "samples": [
    [
     1796435400000,
     3400000000.0
    ],
    [
     1796435460000,
     3400000000.0
    ],
    [
     1796435520000,
     800000000.0
    ],
    [
     1796435580000,
     800000000.0
    ],
    [
     1796435640000,
     800000000.0
    ],
    [
     1796435700000,
     800000000.0
    ]
   ]
  },
  {
   "name": "node_cpu_scaling_frequency_hertz",
   "labels": {
    "instance": "vx-14:9100",
    "cpu": "0"
   },
   "samples": [
    [
     1796435400000,
     3400000000.0
    ],
    [
     1796435460000,
     3400000000.0
    ],
    [
     1796435520000,
     3400000000.0
    ],
    [
     1796435580000,
     3400000000.0
    ],
    [
     1796435640000,
     3400000000.0
    ],
    [
     1796435700000,
     3400000000.0
    ]
   ]
  }
 ],
 "probes": {
  "gpu.kernel_launch@vx-13/gpu1": {
   "probe": "gpu.kernel_launch",
   "target": "vx-13/gpu1",
   "status": "fail",
   "metrics": {
    "launch_latency_us": 14.8
   },
   "thresholds": {
    "launch_latency_us": 8.0
   },
   "reason": "kernel launch latency 14.8 us (host CPU)",
   "duration_s": 5.0
  }
 }
})JSON";

const char* const k_odd_socket = R"JSON({
 "id": "plc61-odd-socket",
 "alert": null,
 "topology": {
  "nodes": [
   "vx-11",
   "vx-12",
   "vx-13"
  ],
  "gpus_per_node": 8,
  "timezone": "UTC"
 },
 "logs": [
  {
   "source": "pod/trainer-0",
   "lines": [
    "vx-11:1:1 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/RoCE [1]mlx5_1:1/RoCE ; OOB eth0:10.1.0.11<0>",
    "vx-12:1:1 [0] NCCL INFO NET/IB : No device found.",
    "vx-12:1:1 [0] NCCL INFO NET/Socket : Using [0]eth0:10.1.0.12<0>",
    "vx-12:1:1 [0] NCCL INFO Using network Socket",
    "vx-11:1:1 [0] NCCL INFO Using network IB",
    "vx-13:1:1 [0] NCCL INFO Using network IB",
    "vx-12:1:40 [0] NCCL WARN Net : Connection closed by remote peer vx-11<51330>"
   ]
  }
 ],
 "metrics": [],
 "probes": {}
})JSON";

const char* const k_all_socket = R"JSON({
 "id": "plc61-all-socket",
 "alert": null,
 "topology": {
  "nodes": [
   "vx-11",
   "vx-12",
   "vx-13"
  ],
  "gpus_per_node": 8,
  "timezone": "UTC"
 },
 "logs": [
  {
   "source": "pod/trainer-0",
   "lines": [
    "vx-11:1:1 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/RoCE [1]mlx5_1:1/RoCE ; OOB eth0:10.1.0.11<0>",
    "vx-12:1:1 [0] NCCL INFO NET/IB : No device found.",
    "vx-12:1:1 [0] NCCL INFO NET/Socket : Using [0]eth0:10.1.0.12<0>",
    "vx-12:1:1 [0] NCCL INFO Using network Socket",
    "vx-11:1:1 [0] NCCL INFO Using network Socket",
    "vx-13:1:1 [0] NCCL INFO Using network Socket",
    "vx-12:1:40 [0] NCCL WARN Net : Connection closed by remote peer vx-11<51330>"
   ]
  }
 ],
 "metrics": [],
 "probes": {}
})JSON";

const char* const k_psu_others = R"JSON({
 "id": "plc61-psu-others-unbraked",
 "alert": null,
 "topology": {
  "nodes": [
   "vx-11",
   "vx-12",
   "vx-13"
  ],
  "gpus_per_node": 8,
  "timezone": "UTC"
 },
 "logs": [
  {
   "source": "vx-12/sel.txt",
   "lines": [
    "2026-12-05 | 17:14:10 | Power Supply | PSU2 | Failure detected | Asserted"
   ]
  },
  {
   "source": "vx-12/nvidia-smi-q-gpu0.txt",
   "lines": [
    "GPU 00000000:19:00.0",
    "    Clocks Event Reasons",
    "        HW Slowdown                       : Active",
    "        HW Power Brake Slowdown           : Active"
   ]
  }
 ],
 "metrics": [
  {
   "name": "DCGM_FI_DEV_POWER_VIOLATION",
   "labels": {
    "Hostname": "vx-12",
    "gpu": "0"
   },
   "samples": [
    [
     1796493900000,
     110000000000.0
    ],
    [
     1796493960000,
     170000000000.0
    ],
    [
     1796494020000,
     230000000000.0
    ],
    [
     1796494080000,
     290000000000.0
    ],
    [
     1796494140000,
     350000000000.0
    ],
    [
     1796494200000,
     410000000000.0
    ]
   ]
  },
  {
   "name": "DCGM_FI_DEV_POWER_USAGE",
   "labels": {
    "Hostname": "vx-12",
    "gpu": "0"
   },
   "samples": [
    [
     1796493900000,
     400.0
    ],
    [
     1796493960000,
     400.0
    ],
    [
     1796494020000,
     400.0
    ],
    [
     1796494080000,
     400.0
    ],
    [
     1796494140000,
     400.0
    ],
    [
     1796494200000,
     400.0
    ]
   ]
  },
  {
   "name": "DCGM_FI_DEV_POWER_USAGE",
   "labels": {
    "Hostname": "vx-13",
    "gpu": "0"
   },
   "samples": [
    [
     1796493900000,
     940.0
    ],
    [
     1796493960000,
     940.0
    ],
    [
     1796494020000,
     940.0
    ],
    [
     1796494080000,
     940.0
    ],
    [
     1796494140000,
     940.0
    ],
    [
     1796494200000,
     940.0
    ]
   ]
  },
  {
   "name": "DCGM_FI_DEV_POWER_USAGE",
   "labels": {
    "Hostname": "vx-12",
    "gpu": "1"
   },
   "samples": [
    [
     1796493900000,
     930.0
    ],
    [
     1796493960000,
     930.0
    ],
    [
     1796494020000,
     930.0
    ],
    [
     1796494080000,
     930.0
    ],
    [
     1796494140000,
     930.0
    ],
    [
     1796494200000,
     930.0
    ]
   ]
  },
  {
   "name": "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS",
   "labels": {
    "Hostname": "vx-12",
    "gpu": "1"
   },
   "samples": [
    [
     1796493900000,
     0
    ],
    [
     1796493960000,
     0
    ],
    [
     1796494020000,
     0
    ],
    [
     1796494080000,
     0
    ],
    [
     1796494140000,
     0
    ],
    [
     1796494200000,
     0
    ]
   ]
  },
  {
   "name": "DCGM_FI_DEV_POWER_USAGE",
   "labels": {
    "Hostname": "vx-12",
    "gpu": "2"
   },
   "samples": [
    [
     1796493900000,
     930.0
    ],
    [
     1796493960000,
     930.0
    ],
    [
     1796494020000,
     930.0
    ],
    [
     1796494080000,
     930.0
    ],
    [
     1796494140000,
     930.0
    ],
    [
     1796494200000,
     930.0
    ]
   ]
  },
  {
   "name": "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS",
   "labels": {
    "Hostname": "vx-12",
    "gpu": "2"
   },
   "samples": [
    [
     1796493900000,
     0
    ],
    [
     1796493960000,
     0
    ],
    [
     1796494020000,
     0
    ],
    [
     1796494080000,
     0
    ],
    [
     1796494140000,
     0
    ],
    [
     1796494200000,
     0
    ]
   ]
  },
  {
   "name": "DCGM_FI_DEV_POWER_USAGE",
   "labels": {
    "Hostname": "vx-12",
    "gpu": "3"
   },
   "samples": [
    [
     1796493900000,
     930.0
    ],
    [
     1796493960000,
     930.0
    ],
    [
     1796494020000,
     930.0
    ],
    [
     1796494080000,
     930.0
    ],
    [
     1796494140000,
     930.0
    ],
    [
     1796494200000,
     930.0
    ]
   ]
  },
  {
   "name": "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS",
   "labels": {
    "Hostname": "vx-12",
    "gpu": "3"
   },
   "samples": [
    [
     1796493900000,
     0
    ],
    [
     1796493960000,
     0
    ],
    [
     1796494020000,
     0
    ],
    [
     1796494080000,
     0
    ],
    [
     1796494140000,
     0
    ],
    [
     1796494200000,
     0
    ]
   ]
  }
 ],
 "probes": {}
})JSON";

const char* const k_shell_var = R"JSON({
 "id": "plc61-shell-count-var",
 "alert": null,
 "topology": {
  "nodes": [
   "qa-01",
   "qa-02",
   "qa-03"
  ],
  "gpus_per_node": 8,
  "timezone": "UTC"
 },
 "logs": [
  {
   "source": "job.sbatch",
   "lines": [
    "#!/bin/bash",
    "#SBATCH --nodes=3-4",
    "#SBATCH --gpus-per-node=8",
    "export NNODES=4   # fixed by hand",
    "srun torchrun --nnodes=$NNODES --nproc-per-node=8 --rdzv-backend=c10d --rdzv-endpoint=$(hostname):29500 train.py"
   ]
  },
  {
   "source": "slurmctld.log",
   "lines": [
    "2026-12-03 13:44:00 slurmctld[2211]: sched: Allocate JobId=4411 NodeList=qa-[01-03] #CPUs=672 Partition=train"
   ]
  },
  {
   "source": "slurm-4411.out",
   "lines": [
    "[2026-12-03T13:50:00.000Z] torch.distributed.elastic.rendezvous.dynamic_rendezvous: round 0 of the c10d rendezvous '4411' waiting: 3 of 4 nodes joined",
    "[2026-12-03T13:59:25.000Z] torch.distributed.elastic.agent.server.api: [default] Rendezvous failed; no workers started"
   ]
  }
 ],
 "metrics": [],
 "probes": {}
})JSON";

const char* const k_shell_var_fits = R"JSON({
 "id": "plc61-shell-count-var-fits",
 "alert": null,
 "topology": {
  "nodes": [
   "qa-01",
   "qa-02",
   "qa-03"
  ],
  "gpus_per_node": 8,
  "timezone": "UTC"
 },
 "logs": [
  {
   "source": "job.sbatch",
   "lines": [
    "#!/bin/bash",
    "#SBATCH --nodes=3-4",
    "#SBATCH --gpus-per-node=8",
    "export NNODES=3",
    "srun torchrun --nnodes=$NNODES --nproc-per-node=8 --rdzv-backend=c10d --rdzv-endpoint=$(hostname):29500 train.py"
   ]
  },
  {
   "source": "slurmctld.log",
   "lines": [
    "2026-12-03 13:44:00 slurmctld[2211]: sched: Allocate JobId=4411 NodeList=qa-[01-03] #CPUs=672 Partition=train"
   ]
  },
  {
   "source": "slurm-4411.out",
   "lines": [
    "[2026-12-03T13:50:00.000Z] torch.distributed.elastic.rendezvous.dynamic_rendezvous: round 0 of the c10d rendezvous '4411' waiting: 2 of 3 nodes joined",
    "[2026-12-03T13:59:25.000Z] torch.distributed.elastic.agent.server.api: [default] Rendezvous failed; no workers started"
   ]
  }
 ],
 "metrics": [],
 "probes": {}
})JSON";

}  // namespace

TEST_CASE("plc61: a step-time breakdown labelled p50 is a summary over the steps") {
  CHECK(StatesStepBreakdownSummary("step-time breakdown p50 (ms): data_wait 38120, fwd/bwd 21010, optimizer 1220"));
  CHECK(StatesStepBreakdownSummary("iteration timing (mean over 100 steps): data 2.1 s, compute 0.8 s"));
  CHECK_FALSE(StatesStepBreakdownSummary("step-time breakdown (ms): data_wait 38120, fwd/bwd 21010"));
  CHECK_FALSE(StatesStepBreakdownSummary("step: 802  loss: 2.4080  tps: 598"));
  Diagnosis d = testing::RunCaseText(k_breakdown);  // base build: unknown
  CHECK(d.root_cause == "dataloader_stall");
  d = testing::RunCaseText(k_breakdown_one);  // one step's breakdown: one line of the three asked for
  CHECK(d.root_cause != "dataloader_stall");
}

TEST_CASE("plc61: the closed rendezvous met again after a restart is a launch configuration fault") {
  CHECK(CountClosedRendezvous({"a", "torch.distributed.elastic.rendezvous.api.RendezvousClosedError", "b",
                               "raise RendezvousClosedError()"}) == 2);
  CHECK(CountClosedRendezvous({"RendezvousClosedErrors are rare"}) == 0);
  const Diagnosis d = testing::RunCaseText(k_rdzv);  // base build: straggler_rank (a kubelet BackOff line's recall)
  CHECK(d.root_cause == "launch_config_error");
}

TEST_CASE("plc61: a failed fan beside two hot GPUs, one hot before the window, is the node's cooling") {
  Diagnosis d = testing::RunCaseText(k_fan_hot);  // base build: vx-12/gpu0
  CHECK(d.root_cause == "gpu_thermal_throttle");
  CHECK(d.component == "vx-12");
  d = testing::RunCaseText(k_fan_one_hot);  // one GPU hot: that GPU's fan (PLC36's rule stays)
  CHECK(d.component == "vx-12/gpu0");
}

TEST_CASE("plc61: a power supply's fault line on the node makes its power brake the node's") {
  Diagnosis d = testing::RunCaseText(k_psu_sel);  // base build: vx-12/gpu0
  CHECK(d.root_cause == "gpu_power_throttle");
  CHECK(d.component == "vx-12");
  d = testing::RunCaseText(k_psu_deasserted);  // the fault cleared: the GPU the brake was read on
  CHECK(d.component == "vx-12/gpu0");
  d = testing::RunCaseText(k_psu_others);  // the node's other GPUs read unbraked by their own series
  CHECK(d.component == "vx-12/gpu0");
}

TEST_CASE("plc61: a straggler on a node whose CPUs run slow is the node, not the probed GPU") {
  const Diagnosis d = testing::RunCaseText(k_cpu_clock);  // base build: vx-13/gpu1
  CHECK(d.root_cause == "straggler_rank");
  CHECK(d.component == "vx-13");
}

TEST_CASE("plc61: one node's NCCL on sockets while the others use IB is that node's setup") {
  CHECK(ReadNcclTransportLine("vx-12:1:1 [0] NCCL INFO NET/IB : No device found.")->socket);
  CHECK_FALSE(ReadNcclTransportLine("vx-11:1:1 [0] NCCL INFO Using network IB")->socket);
  CHECK_FALSE(ReadNcclTransportLine("NCCL INFO Using network Socket").has_value());  // no writer
  CHECK(FindOddSocketHost({"a:1:1 [0] NCCL INFO Using network IB", "b:1:1 [0] NCCL INFO Using network Socket"}).host == "b");
  CHECK(FindOddSocketHost({"a:1:1 [0] NCCL INFO Using network Socket", "b:1:1 [0] NCCL INFO Using network Socket"}).host.empty());
  Diagnosis d = testing::RunCaseText(k_odd_socket);  // base build: job
  CHECK(d.root_cause == "nccl_network_misconfig");
  CHECK(d.component == "vx-12");
  d = testing::RunCaseText(k_all_socket);  // every node on sockets: the job's settings
  CHECK(d.component == "job");
}

TEST_CASE("plc61: hot GPUs are read from temperature series, memory temperature aside") {
  Labels a{{"Hostname", "vx-1"}, {"gpu", "3"}};
  TimeSeries t{"DCGM_FI_DEV_GPU_TEMP", a, {1, 2}, {86, 87}, {}};
  TimeSeries m{"DCGM_FI_DEV_MEMORY_TEMP", Labels{{"Hostname", "vx-1"}, {"gpu", "4"}}, {1, 2}, {95, 96}, {}};
  TimeSeries cool{"DCGM_FI_DEV_GPU_TEMP", Labels{{"Hostname", "vx-1"}, {"gpu", "5"}}, {1, 2}, {60, 61}, {}};
  const auto hot = FindHotGpus({t, m, cool});
  REQUIRE(hot.count("vx-1") == 1);
  CHECK(hot.at("vx-1") == std::set<int>{3});
}

TEST_CASE("plc61: a launcher count passed in the script's shell variable is read as the count") {
  std::map<std::string, std::string> vars;
  ReadShellCountAssignment("export NNODES=8   # TODO: read from SLURM_JOB_NUM_NODES", vars);
  ReadShellCountAssignment("GPUS=\"4\"", vars);
  ReadShellCountAssignment("HOST=$(hostname)", vars);
  CHECK(vars == std::map<std::string, std::string>{{"NNODES", "8"}, {"GPUS", "4"}});
  CHECK(ExpandShellCountVars("torchrun --nnodes=$NNODES --nproc-per-node=${GPUS} --rdzv-endpoint=$HOST:29500", vars) ==
        "torchrun --nnodes=8 --nproc-per-node=4 --rdzv-endpoint=$HOST:29500");
  ReadShellCountAssignment("NNODES=${SLURM_JOB_NUM_NODES}", vars);  // reassigned to no integer: forgotten
  CHECK(vars.count("NNODES") == 0);
  Diagnosis d = testing::RunCaseText(k_shell_var);  // base build: launch_config_error at 0.16 (recall only)
  CHECK(d.root_cause == "launch_config_error");
  CHECK(d.confidence >= 0.5);
  d = testing::RunCaseText(k_shell_var_fits);  // the variable's count fits the allocation: no mismatch
  CHECK(d.confidence < 0.5);
}

}  // namespace vigil
