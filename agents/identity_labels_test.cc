// One list of node labels (ALERTID2): metric conditions join series on every label of node_names.h's
// kNodeLabelKeys (and gpu). Before, metric_condition.cc had its own list without kubernetes_node,
// nodename and exported_instance, so a series of another node named by one of those was joined.
#include <doctest/doctest.h>

#include "agents/metric_condition.h"
#include "agents/node_names.h"

namespace vigil {

TEST_CASE("metric conditions: series of two nodes named by kubernetes_node, nodename or exported_instance are not joined (ALERTID2)") {
  for (std::string_view key : kNodeLabelKeys) {
    const std::string k(key);
    CAPTURE(k);
    // gpu-7's temperature 91; the limit of gpu-2 (80) listed before gpu-7's own (95).
    std::vector<TimeSeries> s = {
        TimeSeries{"limit", {{k, "gpu-2"}, {"gpu", "0"}}, {1000, 2000}, {80, 80}, {}},
        TimeSeries{"limit", {{k, "gpu-7"}, {"gpu", "0"}}, {1000, 2000}, {95, 95}, {}},
        TimeSeries{"temp", {{k, "gpu-7"}, {"gpu", "0"}}, {1000, 2000}, {60, 91}, {}},
    };
    auto r = EvaluateMetricCondition("temp > limit", s);
    REQUIRE(r);
    CHECK(r->candidates == 1);
    CHECK(r->hits.empty());  // 91 < gpu-7's own 95 (gpu-2's 80 is not gpu-7's)
    // Its own limit below: a hit.
    s[1].values = {85, 85};
    CHECK(EvaluateMetricCondition("temp > limit", s)->hits.size() == 1);
  }
}

}  // namespace vigil
