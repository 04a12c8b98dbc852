// PLC3 (2026-12-04): placement leftovers of PLC, PLC2, RG20 and RG21.
//   1. A line placing a rank ("rank 3 (gn-02 local 3)", PlacedRanks) beats the rank layout's guess.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "agents/logs_case_testing.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

const char* const kOom3 =
    "[rank3]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 3.50 GiB. GPU 3 has a total capacity "
    "of 79.10 GiB of which 1.02 GiB is free. Of the allocated memory 70.1 GiB is allocated by PyTorch.";

}  // namespace

// ---- 1. A printed rank -> host line beats the layout ----------------------------------------------

TEST_CASE("plc3: a line placing a rank beats the layout's guess for that rank") {
  // Slurm gave the job its nodes in another order than the topology lists them: ranks 0-7 ran on
  // gn-02. The job printed where each rank runs; the layout (8 a node, topology order) puts rank 3 on
  // gn-01. The gathered log is on gn-01, the first node's.
  for (const std::string& placing : {std::string("[rank3]: rank 3 (gn-02 local 3) ready"),
                                     std::string("[rank0]: rank 3 on gn-02 gpu 3"),
                                     std::string("rank 3 (gn-02, local_rank 3) joined the group")}) {
    CAPTURE(placing);
    const Json j = Case("placed-rank", {"gn-01", "gn-02"},
                        Json::array({Log("gn-01/train.log", {placing, "[rank0]: step 100 loss 2.31", kOom3})}));
    const Diagnosis d = testing::RunJsonWithPack(j);
    CHECK(d.root_cause == "cuda_oom");
    CHECK(d.component == "gn-02/gpu3");  // before PLC3: gn-01/gpu3 (rank 3's laid-out place)
  }
}

TEST_CASE("plc3: the topology's own rank map stands over a printed line, and the first printed line wins") {
  Json j = Case("rank-map", {"gn-01", "gn-02"},
                Json::array({Log("gn-01/train.log", {"rank 3 (gn-02 local 3) ready", "rank 3 (gn-01 local 5) ready", kOom3})}));
  // No rank map: the first line placing rank 3 (gn-02), not the second.
  CHECK(testing::RunJsonWithPack(j).component == "gn-02/gpu3");
  // The topology's rank map places rank 3 on gn-01's GPU 3: it stands.
  j["topology"]["ranks"] = {{"3", "gn-01/gpu3"}};
  CHECK(testing::RunJsonWithPack(j).component == "gn-01/gpu3");
}

}  // namespace vigil
