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

TEST_CASE("loopback scrape: a Prometheus scraping itself beside a GPU node scraped remotely is not that node (PLC3)") {
  // The monitoring host's Prometheus scrapes itself (localhost:9090) and its own node_exporter
  // (localhost:9100); gpu-node-3's dcgm-exporter is scraped at its address. Before PLC3 step 2 took
  // gpu-node-3, the one host named by a node label, for the scraping host: the monitoring host's
  // memory and Prometheus' own series were read as gpu-node-3's.
  DiagnosisCase c;
  auto add = [&c](const std::string& name, Labels labels) {
    TimeSeries s;
    s.name = name;
    s.labels = std::move(labels);
    c.metrics.push_back(std::move(s));
  };
  add("prometheus_tsdb_head_series", {{"instance", "localhost:9090"}, {"job", "prometheus"}});
  add("node_memory_MemAvailable_bytes", {{"instance", "localhost:9100"}, {"job", "node"}});
  add("DCGM_FI_DEV_GPU_TEMP", {{"Hostname", "gpu-node-3"}, {"gpu", "2"}, {"instance", "10.0.0.3:9400"}, {"job", "dcgm"}});
  SUBCASE("no host: the loopback places are no node's, and the note says why") {
    LoopbackPlacing p = PlaceLoopbackScrapes(c);
    CHECK(p.places == 2);
    CHECK(p.host.empty());  // before: gpu-node-3
    CHECK(c.metrics[0].labels.count("node") == 0);
    CHECK(c.metrics[0].labels.count("instance") == 0);
    CHECK(c.metrics[1].labels.count("instance") == 0);
    CHECK(c.metrics[2].labels.at("instance") == "10.0.0.3:9400");  // the remote scrape untouched
    CHECK(p.note.find("read as no node's (the case's other series are scraped from another machine, "
                      "instance=\"10.0.0.3:9400\"") != std::string::npos);
  }
  SUBCASE("the topology's one node is not it either") {
    c.topology = Json{{"nodes", Json::array({"gpu-node-3"})}};
    LoopbackPlacing p = PlaceLoopbackScrapes(c);
    CHECK(p.host.empty());  // before: gpu-node-3 (step 2, and step 3 after it)
  }
  SUBCASE("the host's own node_uname_info at a loopback instance still names it") {
    add("node_uname_info", {{"instance", "127.0.0.1:9100"}, {"nodename", "mon-01"}});
    LoopbackPlacing p = PlaceLoopbackScrapes(c);
    CHECK(p.host == "mon-01");
    CHECK(c.metrics[0].labels.at("node") == "mon-01");
  }
  SUBCASE("a series scraped at a loopback instance with its Hostname still names the host") {
    add("DCGM_FI_DEV_GPU_TEMP", {{"Hostname", "mon-01"}, {"gpu", "0"}, {"instance", "127.0.0.1:9400"}});
    LoopbackPlacing p = PlaceLoopbackScrapes(c);
    CHECK(p.host == "mon-01");
  }
}

}  // namespace vigil
