#include "core/metric_renames.h"

#include <doctest/doctest.h>

#include <set>
#include <string>

namespace vigil {
namespace {

TEST_CASE("metric renames: DCGM 3.3's clock-event reasons field, both ways; other names are none") {
  CHECK(OtherVersionMetricName("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS") == "DCGM_FI_DEV_CLOCKS_EVENT_REASONS");
  CHECK(OtherVersionMetricName("DCGM_FI_DEV_CLOCKS_EVENT_REASONS") == "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS");
  CHECK(OlderMetricName("DCGM_FI_DEV_CLOCKS_EVENT_REASONS") == "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS");
  CHECK(OlderMetricName("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS").empty());  // already the older name
  CHECK(OtherVersionMetricName("DCGM_FI_DEV_GPU_TEMP").empty());
  CHECK(OtherVersionMetricName("").empty());
  CHECK(OtherVersionMetricName("DCGM_FI_DEV_CLOCKS_EVENT_REASONS_X").empty());  // exact names only
  CHECK(OlderMetricName("DCGM_FI_DEV_GPU_TEMP").empty());
}

TEST_CASE("metric renames: every name in the table once, no name its own rename") {
  std::set<std::string> names;
  for (const RenamedMetric& r : kRenamedMetrics) {
    CHECK(r.older != r.newer);
    CHECK(names.insert(std::string(r.older)).second);
    CHECK(names.insert(std::string(r.newer)).second);
    CHECK(OtherVersionMetricName(OtherVersionMetricName(r.older)) == r.older);
  }
}

}  // namespace
}  // namespace vigil
