#include "agents/loopback_scrape.h"

#include <doctest/doctest.h>

namespace vigil {

TEST_CASE("loopback scrape: which hosts are the machine itself") {
  for (const char* h : {"127.0.0.1", "127.1.2.3", "::1", "[::1]", "0:0:0:0:0:0:0:1", "localhost", "LOCALHOST.", "localhost.localdomain",
                        "ip6-localhost", "ip6-loopback"}) {
    CHECK_MESSAGE(IsLoopbackHost(h), h);
  }
  for (const char* h : {"", "128.0.0.1", "10.0.0.1", "::2", "fe80::1", "localhost-gpu-1", "gpu-localhost", "node-3", "0.0.0.0"}) {
    CHECK_MESSAGE(!IsLoopbackHost(h), h);
  }
}

TEST_CASE("loopback scrape: a case's loopback places, relabelled or dropped") {
  DiagnosisCase c;
  TimeSeries s;
  s.name = "compute_ms";
  s.labels = {{"instance", "127.0.0.1:8000"}, {"rank", "1"}};
  c.metrics.push_back(s);
  SUBCASE("nothing else named: dropped, said") {
    LoopbackPlacing p = PlaceLoopbackScrapes(c);
    CHECK(p.places == 1);
    CHECK(p.host.empty());
    CHECK(c.metrics[0].labels.count("instance") == 0);
    CHECK(c.metrics[0].labels.at("rank") == "1");
    CHECK(p.note.find("1 place (series or alert) is named only by a loopback address (instance=\"127.0.0.1:8000\")") == 0);
  }
  SUBCASE("a host label of its own loopback value is set; the instance kept beside `node`") {
    TimeSeries t;
    t.name = "node_uname_info";
    t.labels = {{"instance", "localhost:9100"}, {"nodename", "dgx-07"}};
    c.metrics.push_back(t);
    TimeSeries u;
    u.name = "up";
    u.labels = {{"host", "localhost"}, {"instance", "127.0.0.1:9400"}};
    c.metrics.push_back(u);
    LoopbackPlacing p = PlaceLoopbackScrapes(c);
    CHECK(p.places == 2);
    CHECK(p.host == "dgx-07");
    CHECK(c.metrics[0].labels.at("node") == "dgx-07");
    CHECK(c.metrics[0].labels.at("instance") == "127.0.0.1:8000");
    CHECK(c.metrics[2].labels.at("host") == "dgx-07");
    CHECK(c.metrics[2].labels.at("node") == "dgx-07");
    CHECK(c.metrics[1].labels.count("node") == 0);  // named by its nodename already
  }
  SUBCASE("no loopback place: nothing said, nothing changed") {
    c.metrics[0].labels["instance"] = "10.0.0.7:8000";
    LoopbackPlacing p = PlaceLoopbackScrapes(c);
    CHECK(p.places == 0);
    CHECK(p.note.empty());
    CHECK(c.metrics[0].labels.at("instance") == "10.0.0.7:8000");
  }
}

}  // namespace vigil
