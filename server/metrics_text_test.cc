// The Prometheus text exposition writer: escaping, numbers, counters, histograms (cumulative
// buckets, +Inf, _sum, _count). tests/serve_alertmanager_test.sh runs `promtool check metrics` on
// a live /metrics.
#include "server/metrics_text.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

namespace vigil {

TEST_CASE("metrics text: label values and HELP are escaped, numbers in the text format") {
  CHECK(EscapeLabelValue("plain") == "plain");
  CHECK(EscapeLabelValue("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
  CHECK(FormatMetricValue(3) == "3");
  CHECK(FormatMetricValue(0.25) == "0.25");
  CHECK(FormatMetricValue(1e21) == "1e+21");
  CHECK(FormatMetricValue(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(FormatMetricValue(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(FormatMetricValue(std::nan("")) == "NaN");
  std::string out;
  WriteGauge(out, "vigil_x", "line one\nback\\slash", {"path"}, {{{"/a\"b"}, 2}});
  CHECK(out ==
        "# HELP vigil_x line one\\nback\\\\slash\n"
        "# TYPE vigil_x gauge\n"
        "vigil_x{path=\"/a\\\"b\"} 2\n");
  out.clear();
  WriteGauge(out, "vigil_up", "no labels", {}, {{{}, 1}});
  CHECK(out == "# HELP vigil_up no labels\n# TYPE vigil_up gauge\nvigil_up 1\n");
}

TEST_CASE("metrics text: a counter writes one sorted line per label set seen") {
  MetricCounter c("vigil_requests_total", "requests", {"route", "code"});
  std::string empty;
  c.Write(empty);
  CHECK(empty == "# HELP vigil_requests_total requests\n# TYPE vigil_requests_total counter\n");
  c.Inc({"/metrics", "200"});
  c.Inc({"/healthz", "200"}, 2);
  c.Inc({"/metrics", "200"});
  CHECK(c.Value({"/metrics", "200"}) == 2);
  CHECK(c.Value({"/nope", "404"}) == 0);
  std::string out;
  c.Write(out);
  CHECK(out ==
        "# HELP vigil_requests_total requests\n"
        "# TYPE vigil_requests_total counter\n"
        "vigil_requests_total{route=\"/healthz\",code=\"200\"} 2\n"
        "vigil_requests_total{route=\"/metrics\",code=\"200\"} 2\n");
}

TEST_CASE("metrics text: a histogram's buckets are cumulative, le is inclusive, +Inf equals _count") {
  MetricHistogram h("vigil_t_seconds", "time", {"route"}, {0.25, 1});
  h.Observe({"/a"}, 0.25);  // on the bound: in le=0.25
  h.Observe({"/a"}, 0.5);
  h.Observe({"/a"}, 30);    // over every bound: only +Inf
  CHECK(h.Count({"/a"}) == 3);
  std::string out;
  h.Write(out);
  CHECK(out ==
        "# HELP vigil_t_seconds time\n"
        "# TYPE vigil_t_seconds histogram\n"
        "vigil_t_seconds_bucket{route=\"/a\",le=\"0.25\"} 1\n"
        "vigil_t_seconds_bucket{route=\"/a\",le=\"1\"} 2\n"
        "vigil_t_seconds_bucket{route=\"/a\",le=\"+Inf\"} 3\n"
        "vigil_t_seconds_sum{route=\"/a\"} 30.75\n"
        "vigil_t_seconds_count{route=\"/a\"} 3\n");
}

}  // namespace vigil
