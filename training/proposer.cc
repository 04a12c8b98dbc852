#include "training/proposer.h"

namespace vigil {

std::string_view ObjectiveName(Objective o) {
  switch (o) {
    case Objective::kPoint:
      return "point";
    case Objective::kPointAdjusted:
      return "pa";
    case Objective::kDelayPointAdjusted:
      return "dc_pa";
    case Objective::kEvent:
      return "event";
  }
  return "point";
}

double ObjectiveF1(const DetectionCounts& counts, Objective o) {
  switch (o) {
    case Objective::kPoint:
      return counts.point.F1();
    case Objective::kPointAdjusted:
      return counts.pa.F1();
    case Objective::kDelayPointAdjusted:
      return counts.dc_pa.F1();
    case Objective::kEvent:
      return counts.event.F1();
  }
  return 0;
}

Result<Objective> ParseObjective(std::string_view name) {
  for (Objective o :
       {Objective::kPoint, Objective::kPointAdjusted, Objective::kDelayPointAdjusted, Objective::kEvent}) {
    if (ObjectiveName(o) == name) return o;
  }
  return InvalidArgumentError("unknown objective `" + std::string(name) +
                              "` (known: point, pa, dc_pa, event)");
}

}  // namespace vigil
