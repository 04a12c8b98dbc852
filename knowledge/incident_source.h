// Where a stored incident came from, in words for an on-call engineer (chat, `vigil kb search`).
//
// An incident's `source` is what its import wrote: a tracker's own name from the record (`jira`),
// `import:FILE:LINE` for a record that named none, `pack:NAME` for the shipped knowledge pack and
// `vigil-serve:incident-N` for a resolution recorded through vigil serve (server/http_api.cc).
#pragma once

#include <string>
#include <string_view>

namespace vigil::kb {

// "jira", "postmortems/2025-09.jsonl line 4", "the shipped knowledge pack", "incident #12, resolved
// in vigil serve"; "" for an empty source.
std::string IncidentSourceLabel(std::string_view source);

}  // namespace vigil::kb
