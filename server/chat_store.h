// The chat's view (IncidentLookup, server/chat.h) of `vigil serve`'s incident store
// (server/incident_store.h): a StoredIncident becomes a LiveIncident.
//   status    the triage state (queued, running, diagnosed, failed); resolved = resolved_at_ms > 0
//   title     IncidentTitle(alert): "<alertname>: <summary>"
//   diagnosis the stored DiagnosisReport JSON read as a Diagnosis; a stored JSON that cannot be read
//             leaves it empty and says why in `error` (the chat shows it; nothing is made up)
// Ownership: the store is borrowed and must outlive the lookup. Thread safety: as the store (any
// thread).
#pragma once

#include "server/chat.h"
#include "server/incident_store.h"
#include "server/verification_progress.h"

namespace vigil {

LiveIncident LiveIncidentFromStored(const StoredIncident& row);

class IncidentStoreLookup : public IncidentLookup {
 public:
  // `board` (nullptr: none): the running triages' verification, shown as LiveIncident::verification.
  explicit IncidentStoreLookup(const IncidentStore* store, const VerificationBoard* board = nullptr)
      : store_(store), board_(board) {}
  Result<LiveIncident> Get(int64_t id) const override;
  Result<std::vector<LiveIncident>> Recent(size_t limit) const override;
  // IncidentStore::Search's node= (schema 11's index).
  Result<std::vector<LiveIncident>> OnNode(std::string_view node, size_t limit) const override;
  bool SearchesEveryNode() const override { return true; }

 private:
  const IncidentStore* store_;
  const VerificationBoard* board_;
};

}  // namespace vigil
