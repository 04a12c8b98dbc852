// WithoutMeasuredValues (AO6): a measurement's number is no search word; an identifier's is.
#include <doctest/doctest.h>

#include <string>

#include "agents/search_words.h"

namespace vigil {
namespace {

TEST_CASE("search words: a measurement's number is blanked, its unit word stays (AO6)") {
  CHECK(WithoutMeasuredValues("TFLOP/s per GPU fell 41% in 20m") == "TFLOP/s per GPU fell     in    ");
  CHECK(WithoutMeasuredValues("step time up 35 % since 02:00") == "step time up    % since 02:00");
  CHECK(WithoutMeasuredValues("SM clock below 1400 MHz on 8 GPUs") == "SM clock below      MHz on 8 GPUs");
  CHECK(WithoutMeasuredValues("clock 1400MHz") == "clock     MHz");
  CHECK(WithoutMeasuredValues("rank 13 step time 1.36x of job median") == "rank 13 step time       of job median");
  CHECK(WithoutMeasuredValues("receiving > 200k PFC pause frames/s") == "receiving >      PFC pause frames/s");
  CHECK(WithoutMeasuredValues("free 1.06 GiB of 79.10 GiB") == "free      GiB of       GiB");
  CHECK(WithoutMeasuredValues("heartbeat 900 s old") == "heartbeat     s old");
  CHECK(WithoutMeasuredValues("value <= 0.5") == "value <=    ");
  CHECK(WithoutMeasuredValues("rate > 200,000 per second; 12 minutes") == "rate >         per second;    minutes");
  CHECK(WithoutMeasuredValues("xid 48 on 0000:41:00.0 in 5.4m") == "xid 48 on 0000:41:00.0 in     ");
  CHECK(WithoutMeasuredValues("GPU temp 92 C, power 700 W") == "GPU temp    C, power     W");
}

// KB10 (2026-12-05): a temperature written with its degree sign (92°C, 92 °C, 92 ℃, 185°F, 185 ℉)
// was no measurement: its number stayed a search word (`92` matched any entry holding 92, a PCI bus
// 0000:92:00.0's part). Now blanked like 92 C; the unit (°C, ℃, °F) stays, as MHz does.
TEST_CASE("search words: a temperature with its degree sign is a measurement, its unit kept (KB10)") {
  CHECK(WithoutMeasuredValues("GPU temp 92°C on node-3") == "GPU temp   °C on node-3");
  CHECK(WithoutMeasuredValues("GPU temp 92 °C on node-3") == "GPU temp    °C on node-3");
  CHECK(WithoutMeasuredValues("GPU temp 92℃") == "GPU temp   ℃");
  CHECK(WithoutMeasuredValues("GPU temp 92 ℃, HBM 88.5°C") == "GPU temp    ℃, HBM     °C");
  CHECK(WithoutMeasuredValues("inlet 185°F / 185 °F / 185℉") == "inlet    °F /     °F /    ℉");
  CHECK(WithoutMeasuredValues("temp 92°c") == "temp   °c");
  CHECK(WithoutMeasuredValues("temp 92C") == "temp    ");  // as before (AO6: a one-letter unit run on goes too)
  // Near misses: a degree sign that is no temperature's (an angle: `90°` alone) or `°C` run into a
  // word (`92°Cx`): the number stays.
  CHECK(WithoutMeasuredValues("rotated 90° left") == "rotated 90° left");
  CHECK(WithoutMeasuredValues("92°Cx") == "92°Cx");
}

TEST_CASE("search words: identifiers keep their numbers (AO6)") {
  // A code after its word, a count, a rank or GPU index.
  for (const char* kept : {"Xid 79: GPU has fallen off the bus", "exit code 137", "CUDA error 700", "rank 5 on GPU 3",
                           "8 GPUs reported Xid errors", "24/32 clients joined", "NCCL 2.21.5", "driver 535.104.05"}) {
    CHECK(WithoutMeasuredValues(kept) == kept);
  }
  // A name with digits; a compound of numbers (PCI bus id, IP address, version) as a whole, even
  // when a unit-like letter follows a part of it.
  for (const char* kept : {"node-41 gpu-s21 mlx5_6 h200 a100-p3-02", "pci 0000:41:00.0 and 3b:00.0",
                           "peer 10.41.0.7:29500", "lr 1e-5", "xid 48 on 0000:41:00.0", "port eth0:1m"}) {
    CHECK(WithoutMeasuredValues(kept) == kept);
  }
  // Near misses: letters that are no unit stay a word with their number.
  CHECK(WithoutMeasuredValues("3b 100g 2xl") == "3b 100g 2xl");
  CHECK(WithoutMeasuredValues("") == "");
  CHECK(WithoutMeasuredValues("41") == "41");
  CHECK(WithoutMeasuredValues("41%") == "   ");
}

}  // namespace
}  // namespace vigil
