// RisingCounterInWords (AO2): a counter an alert's words say is rising, by its metric name.
#include <doctest/doctest.h>

#include <string>

#include "agents/rising_counter.h"

namespace vigil {
namespace {

TEST_CASE("rising counter: the wordings a rule's summary takes") {
  CHECK(RisingCounterInWords("DCGM_FI_DEV_PCIE_REPLAY_COUNTER rising fast on gpu-a07") == "DCGM_FI_DEV_PCIE_REPLAY_COUNTER");
  CHECK(RisingCounterInWords("GPU 3: DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL{gpu=\"3\"} keeps increasing") ==
        "DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL");
  CHECK(RisingCounterInWords("node_infiniband_symbol_error_total is still climbing on mlx5_2") ==
        "node_infiniband_symbol_error_total");
  CHECK(RisingCounterInWords("DCGM_FI_DEV_ECC_SBE_VOL_TOTAL has been growing for 2h") == "DCGM_FI_DEV_ECC_SBE_VOL_TOTAL");
}

TEST_CASE("rising counter: a gauge, no rise, or no name is not read") {
  CHECK(RisingCounterInWords("DCGM_FI_DEV_GPU_TEMP rising on gpu 4").empty());      // a gauge
  CHECK(RisingCounterInWords("DCGM_FI_DEV_XID_ERRORS increasing").empty());         // the last Xid, a gauge
  CHECK(RisingCounterInWords("DCGM_FI_DEV_PCIE_REPLAY_COUNTER is 0").empty());      // no rise said
  CHECK(RisingCounterInWords("PCIe replays rising on gpu-a07").empty());             // no metric named
  CHECK(RisingCounterInWords("DCGM_FI_DEV_PCIE_REPLAY_COUNTERS_X rising").empty());  // not a counter's word at the end
  CHECK(RisingCounterInWords("").empty());
  CHECK(RisingCounterInWords(std::string(5000, 'x') + " DCGM_FI_DEV_PCIE_REPLAY_COUNTER rising").empty());
}

}  // namespace
}  // namespace vigil
