// ReadAlertSubject (alert_subject.h): the alert's participant's own series against its peers.
#include <doctest/doctest.h>

#include "agents/alert_subject.h"
#include "agents/gpu_labels.h"

namespace vigil {
namespace {

TimeSeries Ts(const std::string& name, Labels labels, std::vector<double> v) {
  TimeSeries s;
  s.name = name;
  s.labels = std::move(labels);
  for (size_t i = 0; i < v.size(); ++i) s.timestamps_ms.push_back(1000 * static_cast<int64_t>(i + 1));
  s.values = std::move(v);
  return s;
}

TEST_CASE("alert subject: which labels name the participant") {
  AlertSubject a = SubjectOfAlert({{"rank", "5"}, {"job", "j"}});
  CHECK(a.rank == "5");
  CHECK(a.gpu == -1);
  AlertSubject b = SubjectOfAlert({{"Hostname", "n-1"}, {"local_rank", "3"}});
  CHECK(b.node == "n-1");
  CHECK(b.gpu == 3);
  CHECK(SubjectOfAlert({{"UUID", "GPU-abc"}}).uuid == "GPU-abc");
  CHECK(!SubjectOfAlert({{"job", "j"}, {"instance", "n-1:9400"}}).any());
}

// REVFIX3: the subject read its GPU from the first GPU label with any value, the reasoner (GpuOf)
// from the first with an index: dcgm-exporter's `gpu` holding the UUID beside `minor_number="3"` was
// GPU 3 in the answer's component and no GPU for the subject (its series not read against its
// peers). One reader now (gpu_labels.h).
TEST_CASE("alert subject: its GPU is read as the reasoner reads it (REVFIX3)") {
  const AlertSubject u = SubjectOfAlert({{"Hostname", "gpu-7"}, {"gpu", "GPU-3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"},
                                         {"minor_number", "3"}});
  CHECK(u.gpu == 3);
  CHECK(SubjectOfAlert({{"Hostname", "gpu-7"}, {"gpu", ""}, {"GPU", "2"}}).gpu == 2);
  CHECK(SubjectOfAlert({{"Hostname", "gpu-7"}, {"gpu", "nvidia5"}}).gpu == -1);
  // Its series found by that GPU: the same labels on the temperature series.
  const std::vector<TimeSeries> s = {
      Ts("DCGM_FI_DEV_GPU_TEMP", {{"Hostname", "gpu-7"}, {"gpu", "GPU-3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"},
                                  {"minor_number", "3"}}, {70, 91})};
  const SubjectReport r = ReadAlertSubject(u, 0, s);
  CHECK(r.temp == &s[0]);
  CHECK(r.temp_now == 91);
  // One reader, as gpu_labels.h says: an index is 1 to 6 digits, other values skipped.
  CHECK(GpuOf({{"gpu", "3"}}) == 3);
  CHECK(GpuOf({{"gpu", "GPU-3f2a"}, {"gpu_index", "4"}}) == 4);
  CHECK(GpuOf({{"gpu", "1234567"}}) == -1);
  CHECK(GpuOf({{"gpu", "all"}, {"minor_number", "0"}}) == 0);
  CHECK(GpuOf({{"device", "nvidia3"}}) == -1);
  CHECK(GpuOf({}) == -1);
}

TEST_CASE("alert subject: timings against peers; waits and utilisation are not its slowness") {
  std::vector<TimeSeries> s;
  for (int r = 0; r < 4; ++r) {
    Labels l = {{"rank", std::to_string(r)}, {"node", "n-1"}, {"gpu", std::to_string(r)}};
    s.push_back(Ts("compute_ms", l, {300, r == 2 ? 450.0 : 301}));
    s.push_back(Ts("step_time_ms", l, {500, 600}));
    s.push_back(Ts("allreduce_ms", l, {80, r == 2 ? 10.0 : 160}));
    s.push_back(Ts("DCGM_FI_DEV_GPU_UTIL", {{"Hostname", "n-1"}, {"gpu", std::to_string(r)}}, {99, r == 2 ? 60.0 : 99}));
  }
  SubjectReport r = ReadAlertSubject(SubjectOfAlert({{"rank", "2"}}), 2000, s);
  CHECK(r.subject.node == "n-1");
  CHECK(r.subject.gpu == 2);
  REQUIRE(r.slow.size() == 1);
  CHECK(r.slow[0].series->name == "compute_ms");
  CHECK(r.slow[0].peers == doctest::Approx(301));
  REQUIRE(r.normal.size() == 1);
  CHECK(r.normal[0].series->name == "step_time_ms");
  // At the first sample nothing is behind.
  CHECK(ReadAlertSubject(SubjectOfAlert({{"rank", "2"}}), 1000, s).slow.empty());
}

TEST_CASE("alert subject: heat read from the reasons and the clock") {
  Labels g = {{"Hostname", "n-1"}, {"gpu", "0"}};
  auto read = [&](std::vector<double> temp, std::vector<double> reasons, std::vector<double> clock) {
    std::vector<TimeSeries> s;
    s.push_back(Ts("DCGM_FI_DEV_GPU_TEMP", g, temp));
    if (!reasons.empty()) s.push_back(Ts("DCGM_FI_DEV_CLOCKS_EVENT_REASONS", g, reasons));
    if (!clock.empty()) s.push_back(Ts("DCGM_FI_DEV_SM_CLOCK", g, clock));
    return ReadAlertSubject(SubjectOfAlert(g), 0, s);
  };
  CHECK(read({88, 89}, {0, 32}, {}).heat == SubjectHeat::kThrottling);
  CHECK(read({88, 89}, {}, {1980, 1400}).heat == SubjectHeat::kThrottling);
  SubjectReport fine = read({88, 89}, {0, 0}, {1980, 1980});
  CHECK(fine.heat == SubjectHeat::kNotThrottling);
  CHECK(fine.harmless);
  CHECK(fine.unthrottled);
  // Neither the SW power cap bit (a lowered limit) nor the HW slowdown bit is harmless.
  CHECK(!read({88, 89}, {0, 4}, {1980, 1980}).harmless);
  CHECK(!read({88, 89}, {0, 8}, {1980, 1980}).harmless);
  CHECK(read({60, 61}, {0, 0}, {}).heat == SubjectHeat::kCool);
  // Hot with nothing to tell: not called either way.
  CHECK(read({88, 89}, {}, {}).heat == SubjectHeat::kUnread);
}

// REV3, 2026-12-04: the heat sentence gave no time, so "GPU 5 at 55 C, clock-event reasons 0x20" was
// read as the GPU's state now. It says the time read (the alert's startsAt) and, when the last
// sample read differs materially (5 C, a thermal or brake bit, a tenth of the clock), that too.
TEST_CASE("alert subject: the heat sentence says when it was read, and the last reading when it differs (REV3)") {
  Labels g = {{"Hostname", "n-1"}, {"gpu", "5"}};
  // Samples at 1 s, 2 s, 3 s (Ts); the alert's startsAt at 2 s.
  auto read = [&](std::vector<double> temp, std::vector<double> reasons, std::vector<double> clock, int64_t at_ms) {
    std::vector<TimeSeries> s;
    s.push_back(Ts("DCGM_FI_DEV_GPU_TEMP", g, temp));
    if (!reasons.empty()) s.push_back(Ts("DCGM_FI_DEV_CLOCKS_EVENT_REASONS", g, reasons));
    if (!clock.empty()) s.push_back(Ts("DCGM_FI_DEV_SM_CLOCK", g, clock));
    return ReadAlertSubject(SubjectOfAlert(g), at_ms, s).heat_text;
  };
  // Cooled after the alert: both readings, each with its time.
  const std::string cooled = read({88, 91, 55}, {32, 32, 0}, {}, 2000);
  CHECK(cooled.find("n-1 GPU 5 at 91 C, clock-event reasons 0x20 (thermal slowdown): the GPU's clocks are cut for its "
                    "temperature (read at 1970-01-01T00:00:02Z, the alert's startsAt; the reasons from 10 min before it "
                    "to 5 min after); 55 C, clock-event reasons 0x0 at 1970-01-01T00:00:03Z, the last sample read") !=
        std::string::npos);
  // Its twins: the temperature alone, the bit alone, the clock alone.
  CHECK(read({88, 91, 84}, {}, {}, 2000).find("; 84 C at 1970-01-01T00:00:03Z, the last sample read") != std::string::npos);
  CHECK(read({88, 89, 88}, {32, 32, 0}, {}, 2000).find("; 88 C, clock-event reasons 0x0 at 1970-01-01T00:00:03Z") !=
        std::string::npos);
  CHECK(read({88, 89, 89}, {0, 0, 0}, {1980, 1400, 1980}, 2000).find("SM clock 1980 MHz at 1970-01-01T00:00:03Z, the last sample read") !=
        std::string::npos);
  // No material change: the time only.
  const std::string same = read({88, 91, 89}, {32, 32, 32}, {}, 2000);
  CHECK(same.find("(read at 1970-01-01T00:00:02Z, the alert's startsAt") != std::string::npos);
  CHECK(same.find("last sample read") == std::string::npos);
  // No startsAt (the last sample of each series is read): no time to give, nothing later.
  const std::string untimed = read({88, 91, 55}, {32, 32, 0}, {}, 0);
  CHECK(untimed.find("read at") == std::string::npos);
  CHECK(untimed.find("last sample read") == std::string::npos);
}

}  // namespace
}  // namespace vigil
