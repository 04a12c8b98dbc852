// One pipeline stage computing slower than the others, as a trainer's timers print it per stage
// (PLC42, realistic40 rl40-24): "per-stage forward-backward compute per micro-batch (ms): stage0 301 |
// stage1 298 | ... | stage5 437". A stage is many ranks on several nodes: whatever slows it (more
// layers than its peers, a slow GPU among them) holds every other stage at its pace, a straggler of
// the job's pipeline. Where the case prints the layers each stage holds ("stage 5 gets 20 layers"),
// the split is named as the reason. Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

// The slowest stage's time over the others' median at least this much (as a straggler line's
// kSlowRatio).
constexpr double kSlowStageRatio = 1.25;

struct SlowPipelineStage {
  size_t line = 0;       // index into the lines given
  int stage = -1;        // the slow stage
  double value = 0;      // its time
  double peers = 0;      // the median of the other stages' times
  int layers = -1;       // the layers the case says the slow stage holds (-1: not read)
  int peer_layers = -1;  // the layers it says the other stages hold each (-1: not read)
};

// The first line that times the pipeline's compute per stage ("compute", "forward" or "backward" in
// it; not a wait, idle or bubble time) as "stageN V" / "stage N: V" pairs, three stages or more,
// whose slowest stage's V is >= kSlowStageRatio x the median of the others' and the only one so.
// Layers from the first line stating "stage(s) A[-B] get(s) N layers" (Megatron's split as a
// launcher prints it). Lines over 2000 bytes are not read.
std::optional<SlowPipelineStage> FindSlowPipelineStage(const std::vector<std::string>& lines);

}  // namespace vigil
