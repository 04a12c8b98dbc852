// IncidentStoreLookup; see chat_store.h.
#include "server/chat_store.h"

namespace vigil {

LiveIncident LiveIncidentFromStored(const StoredIncident& row) {
  LiveIncident inc;
  inc.id = row.id;
  // STM1: an incident joined to a storm says so (its own diagnosis, if any, is kept, superseded).
  // STM3: along a chain (A into B into C) or split over two storms, where its alerts are now.
  inc.status = row.merged_into != 0 ? row.MergedText() : row.state;
  inc.resolved = row.resolved_at_ms > 0;
  inc.alert = row.alert;
  inc.title = IncidentTitle(row.alert);
  inc.received_at_ms = row.received_ms;
  inc.error = row.error;
  if (row.resolution) {
    inc.resolution = LiveResolution{row.resolution->root_cause, row.resolution->summary,
                                    row.resolution->resolution, row.resolution->by, row.resolution->posted_ms};
  }
  if (!row.diagnosis.is_null()) {
    Result<Diagnosis> d = FromJson<Diagnosis>(row.diagnosis, "stored diagnosis");
    if (d.ok()) {
      inc.diagnosis = *d;
    } else {
      inc.error = "the stored diagnosis of incident #" + std::to_string(row.id) +
                  " cannot be read: " + d.status().message();
    }
  }
  return inc;
}

Result<LiveIncident> IncidentStoreLookup::Get(int64_t id) const {
  ASSIGN_OR_RETURN(StoredIncident row, store_->Get(id));
  LiveIncident out = LiveIncidentFromStored(row);
  if (board_ != nullptr) {
    if (std::optional<Json> v = board_->Get(id)) out.verification = v->value("summary", "");
  }
  return out;
}

Result<std::vector<LiveIncident>> IncidentStoreLookup::OnNode(std::string_view node, size_t limit) const {
  IncidentQuery q;
  q.node = std::string(node);
  q.limit = limit;
  auto rows = store_->Search(q);
  if (!rows.ok() && rows.status().code() == StatusCode::kInvalidArgument) return std::vector<LiveIncident>{};  // no host
  if (!rows.ok()) return rows.status();
  std::vector<LiveIncident> out;
  for (const StoredIncident& row : *rows) out.push_back(LiveIncidentFromStored(row));
  return out;
}

Result<std::vector<LiveIncident>> IncidentStoreLookup::Recent(size_t limit) const {
  ASSIGN_OR_RETURN(std::vector<StoredIncident> rows, store_->List("", limit));
  std::vector<LiveIncident> out;
  out.reserve(rows.size());
  for (const StoredIncident& row : rows) out.push_back(LiveIncidentFromStored(row));
  return out;
}

}  // namespace vigil
