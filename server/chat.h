// The chat of `vigil serve`: answers an on-call engineer's question about incidents, with evidence.
//
// Built-in path (no LLM, the default) — deterministic, answers only from what is stored:
//   1. which incidents the question is about, first rule that applies:
//      - `incident` in the request, or `#12` / `incident 12` / `incident #12` in the text;
//      - a node / GPU / host / alert name that a stored incident carries (its alert's labels:
//        node, instance (host part too), hostname, host, gpu, device, job, alertname, and its
//        diagnosis' component, "node-3/gpu5" also as "node-3" and "gpu5"), matched as a whole word,
//        case-insensitively, over the `scan_limit` newest incidents; "GPU 5" and "gpu #5" in the
//        question are read as "gpu5"; a host name also by its short name or its FQDN
//        (agents/node_names.h SameNodeName: "node7" finds an incident of "node7.cluster.local");
//      - "failed incidents" / "failed triage" / "failed diagnosis": those whose triage failed;
//        "resolved incidents" / "show resolved" / "which incidents were resolved today" / "closed
//        incidents": those with a resolution recorded (REST's ?state=resolved; "today": recorded
//        today, UTC), and the ids of those whose alert stopped firing with none ("stopped firing,
//        not resolved"); "stopped firing", "no longer firing": those whose alert ended, resolution
//        or not (REST's ?state=stopped); "critical incidents/alerts":
//        those whose alert's severity is critical; with "latest", "newest", "most recent", "last
//        incident/alert" the newest of those only ("the latest critical incident");
//      - "latest", "newest", "most recent", "last incident/alert", "recent incidents/alerts": the
//        newest incident;
//      - "open", "unresolved", "ongoing", "firing", "active incidents/alerts", "current incidents":
//        the incidents whose alert still fires with no resolution recorded (REST's ?state=open);
//   2. for one incident: its status and, when diagnosed, root cause, component, confidence, the
//      evidence lines with their sources, the mitigation and what was not verified, and the on-call
//      engineer's resolution when one was posted (POST /api/v1/incidents/{id}/resolution: root
//      cause, what was found, what fixed it, by whom, whether the diagnosis agreed); a question
//      about the fix ("how was #12 fixed", words fix/fixed/resolve(d)/resolution/solve(d)/
//      remedy) is answered with the resolution first, or says that none was recorded; for
//      several, a list (id, status, title, root cause, the resolution's root cause);
//   3. a knowledge-base search (similar past incidents, with ids and scores): with the incident's
//      title, alert summary and root cause, or with the question's text when no incident applies.
//      A hit counts only when it shares a word with the query (BM25 rank > 0): the dense ranker
//      always returns neighbours, also for a question that matches nothing.
//   A name that looks like a node or GPU ("node-9", "gpu5", "dgx-12") that no incident carries, an
//   incident id not in the store, a search without hits: the answer says so; nothing is made up.
//
// LLM path (ChatContext::llm set): the built-in answer and its citations are handed to the model as
// the only facts it may use; its answer is accepted only when every `#N` and `kb:ID` it cites is
// among those citations (or, for kb:ID, quoted in the facts: a diagnosis' knowledge evidence); otherwise (and on an LLM error) the built-in answer is returned with mode
// "builtin" and the reason in ChatAnswer::note.
//
// HTTP (RegisterChatRoutes):
//   GET  /, /chat       the chat page (one self-contained HTML document, ChatPageHtml)
//   POST /api/v1/chat   {"message": "...", "incident": 12?, "follow_up": 12?} -> ChatAnswer::ToJson()
//   (other methods on these paths: 405 with Allow)
//   Errors are {"error": "...", "where": "<field or part>"}: 400 bad input (not JSON, missing /
//   empty / oversized message, wrong types, unknown fields, an incident id < 1), 415 a body that is
//   not declared application/json, 500 an exception (caught by the route wrapper), 503 a store or
//   knowledge-base failure.
//
// Ownership: ChatContext borrows; everything it points to must outlive the routes / the calls.
// Thread safety: AnswerQuestion may run concurrently when the borrowed objects allow it (the
// KnowledgeBase and LlmClient do; IncidentLookup implementations must).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/llm_client.h"
#include "core/clock.h"
#include "core/domain.h"
#include "core/json.h"
#include "core/status.h"
#include "knowledge/knowledge_base.h"
#include "server/watched_routes.h"

namespace httplib {
class Server;
}

namespace vigil {

// What the on-call engineer recorded as the incident's resolution.
struct LiveResolution {
  std::string root_cause;
  std::string summary;     // what was found
  std::string resolution;  // what fixed it
  std::string by;
  int64_t posted_ms = 0;
};

// A live incident as the chat reads it (one row of the serve incident store).
struct LiveIncident {
  int64_t id = 0;
  std::string status;   // the triage state: "queued", "running", "diagnosed", "failed"
  bool resolved = false;  // the alert resolved (independent of the triage state)
  std::string title;    // e.g. the alert name and summary
  int64_t received_at_ms = 0;
  std::optional<Alert> alert;
  std::optional<Diagnosis> diagnosis;  // set once diagnosed
  std::string error;                   // why the diagnosis failed ("failed") or cannot be shown
  std::optional<LiveResolution> resolution;  // the engineer's, once posted
  // What its verification is doing or did, one line (server/verification_progress.h
  // VerificationSummary); "" when unknown. Shown in place of "Not diagnosed yet" while it runs.
  std::string verification;
};

// "<alertname>: <summary annotation>" (or the part that is there); the title a stored alert gets.
std::string IncidentTitle(const Alert& alert);

// Read access to live incidents. Implementations must be thread-safe.
class IncidentLookup {
 public:
  virtual ~IncidentLookup() = default;
  // NotFound when there is no incident `id`; other codes for a store failure.
  virtual Result<LiveIncident> Get(int64_t id) const = 0;
  // The `limit` newest incidents, newest first.
  virtual Result<std::vector<LiveIncident>> Recent(size_t limit) const = 0;
  // The `limit` newest incidents on host `node` (an alert node label or the diagnosed component's
  // node, compared as agents/node_names.h SameNodeName does), newest first, whatever their age: a
  // node-like name the Recent scan did not find is looked up here (DOG8: "incidents on node-9"
  // said none when node-9's were older than the scan_limit newest). Default: none (no index).
  virtual Result<std::vector<LiveIncident>> OnNode(std::string_view node, size_t limit) const {
    (void)node;
    (void)limit;
    return std::vector<LiveIncident>{};
  }
  // Whether OnNode searches every incident (the answer then says so, not "the N newest").
  virtual bool SearchesEveryNode() const { return false; }
};

struct ChatContext {
  const IncidentLookup* incidents = nullptr;  // nullptr: no live incidents (answers say so)
  const KnowledgeBase* kb = nullptr;          // nullptr: no similar past incidents (said so)
  LlmClient* llm = nullptr;                   // nullptr: built-in answers only
  size_t max_message_bytes = 4096;            // longer messages are refused (400)
  size_t scan_limit = 200;                    // newest incidents searched for names
  size_t kb_hits = 3;                         // similar past incidents listed
  size_t evidence_lines = 8;                  // evidence items (and unverified notes) quoted per incident
  const Clock* clock = nullptr;               // "today" in a question; nullptr: SystemClock()
};

struct ChatQuestion {
  std::string message;
  std::optional<int64_t> incident;
  // The incident the previous answer was about (ChatAnswer::about, sent back by the chat page): a
  // question that names no incident, node, alert or list and refers back ("how was it fixed?",
  // "what does it mean?": it, its, this, that ...) is answered about it (DOG8: such a follow-up was
  // a knowledge-base search that answered with unrelated past incidents). Never overrides what the
  // question names.
  std::optional<int64_t> follow_up = std::nullopt;
};

struct ChatCitation {
  std::string kind;  // "incident" (live, the store) or "kb" (knowledge base)
  std::string id;    // "12" / "pack-gpu-017"
  std::string title;
  std::string url;   // "/api/v1/incidents/12"; "" for kb items (no route serves them)
  std::optional<double> score;  // kb: the search's fused score
  Json ToJson() const;
};

struct ChatAnswer {
  std::string answer;  // plain text, lines separated by '\n'
  std::vector<ChatCitation> citations;
  std::string mode;    // "builtin" or "llm"
  std::string note;    // why an LLM answer was not used ("" otherwise)
  // The one incident the answer is about (an id asked, the one incident a name found, the newest
  // asked for, a follow-up's); nullopt for a list, a search or nothing found. The page sends it back
  // as the next question's `follow_up`.
  std::optional<int64_t> about;
  Json ToJson() const;  // {answer, citations, mode[, note][, incident: about]}
};

// Parses a POST /api/v1/chat body ({message, incident?, follow_up?}). InvalidArgument whose message
// starts with the field's name ("message: ...", "incident: ...", "follow_up: ...", "body: ...") so the
// route can name it in `where`.
Result<ChatQuestion> ParseChatQuestion(std::string_view body, size_t max_message_bytes);

// The answer (see the file comment). Errors: the store's or knowledge base's failure (not "not
// found": that is an answer).
Result<ChatAnswer> AnswerQuestion(const ChatQuestion& question, const ChatContext& context);

// The chat page: HTML with inline CSS and script only (it calls POST /api/v1/chat, GET
// /api/v1/incidents/{id} for a citation opened and POST /api/v1/incidents/{id}/resolution from an
// incident's view, nothing else), every stored text set through textContent; `?q=...` (and `&incident=N`) asks on load. `nonce` goes on
// its <script> and <style> tags (the route sends a Content-Security-Policy allowing only it).
std::string ChatPageHtml(std::string_view nonce);

// The paths RegisterChatRoutes mounts ("/", "/chat", "/api/v1/chat"), for
// HttpApiOptions::extra_route_paths (labels in /metrics).
std::vector<std::string> ChatRoutePaths();

// Registers GET /, GET /chat and POST /api/v1/chat on `server`. `context` is copied; what it
// points to must outlive the server.
void RegisterChatRoutes(WatchedRoutes server, ChatContext context);

}  // namespace vigil
