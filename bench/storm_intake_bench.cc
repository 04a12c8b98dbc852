// storm_intake_bench: the cost of `vigil serve`'s webhook intake (IncidentStore::Intake) when a
// webhook re-sends an earlier storm whose alerts regroup (server/HISTORY.md STM2 / STM3: the extra
// grouping pass, the label checks, the members moved to each group's storm), against the same webhook
// taken by a store that holds none of it, measured in the same run.
//
// The webhook: N nodes, each with node_exporter's NodeDown (no rack label) and 4 dcgm-exporter Xid
// alerts with its rack (8 nodes a rack): 5N alerts, N/8 rack storms.
//  - fresh:   a store without any of it takes the webhook (every alert new): the baseline;
//  - regroup: the store first took a webhook of the N NodeDowns alone (one storm of the group `nodes`);
//             the webhook re-sends them with the Xid alerts: the NodeDown storm is split over the N/8
//             rack storms (STM3) - what is timed is this second webhook;
//  - repeat:  the store first took the whole webhook; it comes again unchanged (Alertmanager's
//             group_interval / repeat_interval resend): every alert a duplicate.
// Each run uses a new store in a temp folder; CPU seconds of the timed Intake (median of --reps), wall
// beside it. Checks that regroup merged (one storm, into N/8 storms) or exits 1.
//
// Usage: build/bin/storm_intake_bench [--nodes 200,600] [--reps 5]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/bench_args.h"
#include "bench/bench_cpu.h"
#include "core/logging.h"
#include "server/incident_store.h"

namespace vigil {
namespace {

constexpr char kProg[] = "storm_intake_bench";

Alert Firing(std::string fingerprint, std::string rule, std::map<std::string, std::string> labels) {
  Alert a;
  a.fingerprint = std::move(fingerprint);
  a.rule = std::move(rule);
  a.severity = "critical";
  a.labels = std::move(labels);
  a.labels["alertname"] = a.rule;
  a.labels["cluster"] = "train-a";
  a.state = AlertState::kFiring;
  a.starts_at_ms = 1'000'000;
  a.active_at_ms = a.starts_at_ms;
  return a;
}

std::string Node(size_t n) { return "node-" + std::to_string(n); }

std::vector<Alert> NodeDowns(size_t nodes) {
  std::vector<Alert> out;
  for (size_t n = 0; n < nodes; ++n) {
    out.push_back(Firing("down-" + std::to_string(n), "NodeDown", {{"instance", Node(n) + ":9100"}, {"job", "node"}}));
  }
  return out;
}

std::vector<Alert> Whole(size_t nodes) {
  std::vector<Alert> out = NodeDowns(nodes);
  for (size_t n = 0; n < nodes; ++n) {
    for (int g = 0; g < 4; ++g) {
      out.push_back(Firing(std::string("xid-").append(std::to_string(n)).append("-").append(std::to_string(g)), "XidError",
                           {{"Hostname", Node(n)}, {"gpu", std::to_string(g)}, {"rack", std::string("r").append(std::to_string(n / 8))}}));
    }
  }
  return out;
}

struct Timed {
  double cpu = 0, wall = 0;
  IntakeResult result;
};

// A new store; `before` taken untimed (if not empty), then `webhook` timed.
Timed Run(const std::vector<Alert>& before, const std::vector<Alert>& webhook, int run) {
  std::string name = "vigil_storm_intake_bench_";
  name.append(std::to_string(getpid())).append("_").append(std::to_string(run));
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  int64_t now = 2'000'000;
  IncidentStoreOptions so;
  so.path = (dir / "incidents.db").string();
  so.queue_max = 100000;
  so.now_ms = [&now] { return now; };
  auto store = IncidentStore::Open(so);
  if (!store.ok()) {
    std::fprintf(stderr, "%s: %s\n", kProg, store.status().ToString().c_str());
    std::exit(1);
  }
  IntakeOptions io;
  io.storm_min_alerts = 50;
  io.group_key = "{}:{cluster=\"train-a\"}";
  if (!before.empty()) {
    auto r = (*store)->Intake(before, io);
    if (!r.ok()) {
      std::fprintf(stderr, "%s: %s\n", kProg, r.status().ToString().c_str());
      std::exit(1);
    }
  }
  now += 60'000;
  Timed t;
  const double c0 = bench::CpuSeconds();
  const auto w0 = std::chrono::steady_clock::now();
  auto r = (*store)->Intake(webhook, io);
  t.cpu = bench::CpuSeconds() - c0;
  t.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
  if (!r.ok()) {
    std::fprintf(stderr, "%s: %s\n", kProg, r.status().ToString().c_str());
    std::exit(1);
  }
  t.result = std::move(*r);
  store->reset();
  std::filesystem::remove_all(dir);
  return t;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace
}  // namespace vigil

int main(int argc, char** argv) {
  using namespace vigil;
  std::vector<size_t> sizes{200, 600};
  int reps = 5;
  if (!bench::ParseSizesAndReps(argc, argv, kProg, "--nodes", sizes, reps)) return 2;
  SetLogLevel(LogLevel::kWarn);  // the merge's info lines are not timed output
  int run = 0;
  for (size_t nodes : sizes) {
    const std::vector<Alert> whole = Whole(nodes);
    const std::vector<Alert> downs = NodeDowns(nodes);
    const size_t racks = (nodes + 7) / 8;
    std::vector<double> fresh_cpu, fresh_wall, regroup_cpu, regroup_wall, repeat_cpu, repeat_wall;
    for (int r = 0; r < reps; ++r) {  // interleaved: the machine's load moves
      Timed f = Run({}, whole, ++run);
      Timed g = Run(downs, whole, ++run);
      Timed p = Run(whole, whole, ++run);
      if (g.result.merged.size() != 1 || g.result.merged[0].also_into.size() + 1 != racks) {
        std::fprintf(stderr, "%s: %zu nodes: the re-sent NodeDown storm was not split over the %zu rack storms (merged %zu)\n",
                     kProg, nodes, racks, g.result.merged.size());
        return 1;
      }
      if (f.result.storms.size() != racks || !p.result.created.empty()) {
        std::fprintf(stderr, "%s: %zu nodes: unexpected fresh / repeat outcome\n", kProg, nodes);
        return 1;
      }
      fresh_cpu.push_back(f.cpu), fresh_wall.push_back(f.wall);
      regroup_cpu.push_back(g.cpu), regroup_wall.push_back(g.wall);
      repeat_cpu.push_back(p.cpu), repeat_wall.push_back(p.wall);
    }
    const double base = Median(fresh_cpu);
    std::printf("%zu nodes, %zu alerts, %zu rack storms, %d reps (median CPU s / wall s):\n", nodes, whole.size(), racks, reps);
    std::printf("  fresh   (baseline: the webhook into a store without it)     %.4f / %.4f\n", base, Median(fresh_wall));
    std::printf("  regroup (a re-sent NodeDown storm split over the racks)     %.4f / %.4f  ratio %.2fx\n",
                Median(regroup_cpu), Median(regroup_wall), Median(regroup_cpu) / base);
    std::printf("  repeat  (the same webhook again, every alert a duplicate)   %.4f / %.4f  ratio %.2fx\n",
                Median(repeat_cpu), Median(repeat_wall), Median(repeat_cpu) / base);
  }
  return 0;
}
