// A node's fan that stopped, read from its BMC's fan-speed series (PLC50, realistic45 rl45-09: a rear fan
// module of an HGX node at 0 RPM in ipmi_exporter's `ipmi_fan_speed_rpm` while its peer spun at 10,800, all
// the node's GPUs the DCGM series show throttling for heat; no log line said the fan failed, so the node's
// cooling was not read and the answer named the one GPU a probe ran on). PLC36's StatesFanFault reads the
// same fact from a line (ipmitool's sensor row, the SEL); this reads it from a series. Pure function,
// thread safe.
#pragma once

#include <string>
#include <vector>

#include "core/time_series.h"

namespace vigil {

// A fan is taken as stopped when its last sample is at most this share of its reference speed.
constexpr double kFanStoppedShare = 0.1;

struct StoppedFan {
  std::string node;  // the series' node (NodeOf), as the label spells it
  std::string fan;   // the fan's `name` / `sensor` / `fan` label, or the series' id
  double last_rpm = 0;
  double reference_rpm = 0;  // the larger of its own highest sample and its node's other fans' median
};

// The fans of a node's chassis whose speed series ends stopped: a series whose name holds "fan" and
// "rpm" or "speed" (ipmi_exporter's ipmi_fan_speed_rpm, Redfish / node_exporter hwmon fan series),
// placed on a node (NodeOf) and on no GPU (a `gpu` label: DCGM_FI_DEV_FAN_SPEED is a GPU's own fan in
// percent), whose last sample is at most kFanStoppedShare of its reference: the larger of its own highest
// sample and the median of the last samples of the node's other fan series (a fan at 0 in every sample
// beside peers that spin is stopped too). A reference of 0 (no fan ever spun) is no reading; a fan that
// came back (its last sample high again) is not stopped.
std::vector<StoppedFan> FindStoppedFans(const std::vector<TimeSeries>& series);

}  // namespace vigil
