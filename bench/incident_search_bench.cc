// incident_search_bench: GET /api/v1/incidents' search (IncidentStore::Search: node=, alertname=,
// fingerprint=, since= / until=; server/HISTORY.md DOG8) over a store of N incidents, with the
// schema-11 indexes (tables alert_keys and incident_keys, each keyed by its primary key, and index
// incidents_by_start) against the same queries forced to scan: the same store after alert_keys and
// incident_keys were rebuilt as plain tables without any index and incidents_by_start dropped (through
// a second SQLite connection; the same Search, the same SQL), measured in the same run. Checks that
// both answer the same incident ids, or exits 1.
//
// The store: incidents taken through IncidentStore::Intake as webhooks come, over 30 days: webhooks of
// 20 alerts (each its own incident) on N/25 nodes, a third of the nodes named by node_exporter's
// `instance` (node-17.cluster.local:9100), the others by dcgm-exporter's `Hostname`; 10 alert names,
// one of them rare (1 in 500); every 40th webhook a storm of 60 alerts (one incident, 60 members).
// Not diagnosed (incident_keys is empty: the diagnosis' node is not searched here).
// Each query is the REST default page (limit 50); CPU seconds per query, the median of --reps.
//
// Usage: build/bin/incident_search_bench [--sizes 10000,30000] [--reps 20]
// (The store is built through Intake, one transaction per webhook: 100,000 incidents take many
// minutes on a loaded 2-core machine.)
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/bench_args.h"
#include "bench/bench_cpu.h"
#include "core/logging.h"
#include "server/incident_store.h"

namespace vigil {
namespace {

constexpr char kProg[] = "incident_search_bench";
constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kStartMs = 1'764'547'200'000;  // 2025-12-01T00:00:00Z
constexpr int64_t kSpanMs = 30 * kDayMs;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "%s: %s\n", kProg, what.c_str());
  std::exit(1);
}

const char* const kNames[] = {"GpuXidError",   "NodeDown",        "GpuTemperatureHigh", "DiskPressure",
                              "NcclTimeout",   "HostMemoryHigh",  "IbPortDown",         "EccUncorrectable",
                              "TrainingStall"};
constexpr char kRareName[] = "PcieLinkDegraded";

// The i-th alert of the store (its node among `nodes`, its name, its startsAt).
Alert MakeAlert(size_t i, size_t nodes, int64_t starts_at_ms) {
  Alert a;
  a.fingerprint = std::string("f").append(std::to_string(i));
  a.rule = i % 500 == 7 ? kRareName : kNames[(i * 7) % std::size(kNames)];
  a.severity = "critical";
  const size_t n = (i * 2654435761u) % nodes;  // spread over the nodes
  const std::string node = std::string("node-").append(std::to_string(n));
  if (n % 3 == 0) {
    a.labels["instance"] = node + ".cluster.local:9100";
  } else {
    a.labels["Hostname"] = node;
    a.labels["gpu"] = std::to_string(i % 8);
  }
  a.labels["alertname"] = a.rule;
  a.labels["cluster"] = "train-a";
  a.state = AlertState::kFiring;
  a.starts_at_ms = starts_at_ms;
  a.active_at_ms = starts_at_ms;
  return a;
}

struct Query {
  std::string what;
  IncidentQuery q;
};

struct Row {
  std::string what;
  double indexed = 0, scanned = 0;
  size_t found = 0;
};

std::vector<int64_t> Ids(const IncidentStore& store, const IncidentQuery& q) {
  auto rows = store.Search(q);
  if (!rows.ok()) Die(rows.status().ToString());
  std::vector<int64_t> ids;
  for (const StoredIncident& r : *rows) ids.push_back(r.id);
  return ids;
}

// Rebuilds the search's keys without any index (the same rows) and drops incidents_by_start.
void DropIndexes(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) Die("cannot open " + path);
  char* err = nullptr;
  const char* sql =
      "BEGIN;"
      "CREATE TABLE ak AS SELECT key, fingerprint, starts_at_ms FROM alert_keys; DROP TABLE alert_keys;"
      "ALTER TABLE ak RENAME TO alert_keys;"
      "CREATE TABLE ik AS SELECT key, incident_id FROM incident_keys; DROP TABLE incident_keys;"
      "ALTER TABLE ik RENAME TO incident_keys;"
      "DROP INDEX incidents_by_start;"
      "COMMIT;";
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) Die(std::string("dropping the indexes: ") + err);
  sqlite3_close(db);
}

void RunSize(size_t target, int reps, int run) {
  std::string name = "vigil_incident_search_bench_";
  name.append(std::to_string(getpid())).append("_").append(std::to_string(run));
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  int64_t now = kStartMs;
  IncidentStoreOptions so;
  so.path = (dir / "incidents.db").string();
  so.queue_max = target * 2;
  so.now_ms = [&now] { return now; };
  auto opened = IncidentStore::Open(so);
  if (!opened.ok()) Die(opened.status().ToString());
  IncidentStore& store = **opened;
  IntakeOptions io;
  io.storm_min_alerts = 50;
  const size_t nodes = std::max<size_t>(target / 25, 8);
  // Webhooks until the store holds `target` incidents: 39 of 20 single alerts per storm of 60.
  const size_t per_cycle_incidents = 39 * 20 + 1;
  const size_t cycles = (target + per_cycle_incidents - 1) / per_cycle_incidents;
  const size_t webhooks = cycles * 40;
  size_t alerts = 0, incidents = 0;
  const double b0 = bench::CpuSeconds();
  std::string old_fingerprint;
  for (size_t w = 0; w < webhooks && incidents < target; ++w) {
    now = kStartMs + static_cast<int64_t>(w) * kSpanMs / static_cast<int64_t>(webhooks);
    const bool storm = w % 40 == 39;
    std::vector<Alert> hook;
    for (size_t k = 0; k < (storm ? 60u : 20u) && (storm || incidents + hook.size() < target); ++k) {
      hook.push_back(MakeAlert(alerts++, nodes, now - 60'000));
    }
    io.group_key = std::string("{}:{hook=\"").append(std::to_string(w)).append("\"}");
    auto r = store.Intake(hook, io);
    if (!r.ok()) Die(r.status().ToString());
    incidents += r->created.size();
    if (old_fingerprint.empty() && storm) old_fingerprint = hook[30].fingerprint;  // the first storm's member
  }
  const double build_s = bench::CpuSeconds() - b0;
  // The queries an on-call engineer asks of a month of incidents.
  const size_t fqdn_node = (nodes / 2) / 3 * 3;  // named by `instance` (an FQDN)
  std::vector<Query> queries;
  auto add = [&](std::string what, auto set) {
    Query q{std::move(what), {}};
    set(q.q);
    queries.push_back(std::move(q));
  };
  add(std::string("node=node-").append(std::to_string(fqdn_node)) + " (short name of an FQDN)",
      [&](IncidentQuery& q) { q.node = std::string("node-").append(std::to_string(fqdn_node)); });
  add(std::string("node=node-").append(std::to_string(fqdn_node + 1)) + " (Hostname)",
      [&](IncidentQuery& q) { q.node = std::string("node-").append(std::to_string(fqdn_node + 1)); });
  add(std::string("alertname=") + kRareName + " (1 in 500)", [&](IncidentQuery& q) { q.alertname = kRareName; });
  add("alertname=NodeDown (1 in 9)", [&](IncidentQuery& q) { q.alertname = "NodeDown"; });
  add("since/until: one hour 20 days ago", [&](IncidentQuery& q) {
    q.since_ms = kStartMs + 10 * kDayMs;
    q.until_ms = kStartMs + 10 * kDayMs + 3'600'000;
  });
  add("node + since/until: a week", [&](IncidentQuery& q) {
    q.node = std::string("node-").append(std::to_string(fqdn_node + 1));
    q.since_ms = kStartMs + 5 * kDayMs;
    q.until_ms = kStartMs + 12 * kDayMs;
  });
  add("fingerprint of an early storm's member", [&](IncidentQuery& q) { q.fingerprint = old_fingerprint; });

  std::vector<Row> rows;
  std::vector<std::vector<int64_t>> answers;
  for (const Query& q : queries) {
    answers.push_back(Ids(store, q.q));
    Row r;
    r.what = q.what;
    r.found = answers.back().size();
    r.indexed = bench::MedianCpu(reps, [&] { Ids(store, q.q); });
    rows.push_back(r);
  }
  DropIndexes(so.path);
  for (size_t i = 0; i < queries.size(); ++i) {
    if (Ids(store, queries[i].q) != answers[i]) Die("`" + queries[i].what + "`: the scan answered other incidents");
    rows[i].scanned = bench::MedianCpu(std::max(3, reps / 4), [&] { Ids(store, queries[i].q); });
  }
  std::printf("%zu incidents (%zu alerts on %zu nodes, one storm of 60 per 40 webhooks), built in %.1f CPU s; "
              "median CPU ms per query (limit 50), %d reps indexed, %d forced to scan:\n",
              incidents, alerts, nodes, build_s, reps, std::max(3, reps / 4));
  std::printf("  %-52s %6s %10s %10s %8s\n", "query", "found", "indexed", "scan", "ratio");
  for (const Row& r : rows) {
    std::printf("  %-52s %6zu %10.3f %10.3f %7.1fx\n", r.what.c_str(), r.found, r.indexed * 1e3, r.scanned * 1e3,
                r.scanned / std::max(r.indexed, 1e-9));
  }
  std::fflush(stdout);
  opened->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vigil

int main(int argc, char** argv) {
  using namespace vigil;
  std::vector<size_t> sizes{10000, 30000};
  int reps = 20;
  if (!bench::ParseSizesAndReps(argc, argv, kProg, "--sizes", sizes, reps)) return 2;
  SetLogLevel(LogLevel::kWarn);
  int run = 0;
  for (size_t n : sizes) RunSize(n, reps, ++run);
  return 0;
}
