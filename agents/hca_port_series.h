// The HCAs whose own exporter series show their port failing during a case (PLC46, realistic43
// rl43-26: a RoCE port named by its netdev in the kernel's "mlx5_core 0000:9c:00.0 enp156s0np0: Link
// down" lines was answered by that netdev's name, while the node's node_infiniband_port_state
// {device="mlx5_5"} series showed the same port leaving ACTIVE three times; the place the rest of the
// product uses is the HCA's verbs name). Pure functions, thread safe.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/time_series.h"

namespace vigil {

// The HCAs (mlx5_N, the series' `device` / `hca` / `ib_device` label) of `node` (SameNodeName with the
// series' node labels, NodeOf) whose series in `metrics` show the port failing:
//  - a port state series (node_infiniband_state_id, node_infiniband_port_state: the IB port state,
//    4 = ACTIVE) that has a sample at ACTIVE and a later one below it (1 DOWN, 2 INIT, 3 ARMED);
//  - a link-downed counter (node_infiniband_link_downed_total, node_infiniband_port_link_downed_total)
//    that rises between two samples (a fall is a counter reset, not an event).
// A series of another node, of no HCA label, or of another name is not read.
std::set<std::string> HcasFailingInSeries(const std::vector<TimeSeries>& metrics, const std::string& node);

}  // namespace vigil
