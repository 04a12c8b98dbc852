// Knowledge mining: raw incident text (ticket, chat thread, postmortem, log excerpt) to the
// structured fields of an Incident, with a record of what could not be filled.
//
// Miners never invent a field: a field they cannot support from the text (or from a stored
// incident whose signatures matched the text, named in `field_sources`) stays empty and is
// listed in `unfilled`.
//
//   builtin (default)  Drain-style log-template extraction (numbers, hex, addresses, IPs, PCI bus
//                      ids, UUIDs masked), exact matching against the knowledge base's log
//                      signatures, and keyword + retrieval scoring over categories.
//   llm                the LlmClient fills a JSON schema (response_schema); the answer is
//                      validated (types, taxonomy ids, compilable regexes) and the request
//                      retried with the validation errors up to `max_retries` times.
// Thread safety: a Miner is not thread-safe; make one per thread. The knowledge base and the
// LLM client it is given must outlive it.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain.h"
#include "core/status.h"

namespace vigil {

class KnowledgeBase;
class LlmClient;

// One Drain log template: masked tokens, with how many lines it covers and an example.
struct LogTemplate {
  std::string text;  // "NVRM: Xid (PCI:<PCI>): <NUM>, pid=<NUM>, <*> has fallen off the bus"
  size_t count = 0;
  std::string example;  // the first line it covered
};

// Masks variable parts of one log line: <PCI>, <IP>, <UUID>, <HEX>, <NUM>, <PATH> (absolute paths).
std::string MaskLogLine(std::string_view line);

// Drain-style clustering of log lines (fixed-depth prefix tree on token count and first
// token; similarity threshold 0.5; differing tokens become <*>). Templates in first-seen order.
class LogTemplateMiner {
 public:
  void Add(std::string_view line);
  const std::vector<LogTemplate>& templates() const { return templates_; }

 private:
  struct Group {
    std::vector<std::string> tokens;
    size_t index;  // into templates_
  };
  std::vector<std::pair<std::string, std::vector<Group>>> buckets_;  // key: "<ntokens> <first token>"
  std::vector<LogTemplate> templates_;
};

struct MinedIncident {
  Incident incident;
  std::vector<std::string> unfilled;     // Incident field names left empty
  Json field_sources = Json::object();   // field -> "text", "signature:<incident id>", "llm", ...
  std::vector<LogTemplate> templates;    // builtin miner only
  Json category_scores = Json::array();  // [{category, score, why}], best first (builtin)
  int attempts = 1;                      // llm miner: requests made
  Json ToJson() const;
};

class Miner {
 public:
  virtual ~Miner() = default;
  virtual Result<MinedIncident> Mine(std::string_view raw_text) = 0;
};

struct MinerOptions {
  const KnowledgeBase* kb = nullptr;  // required for builtin (signatures, retrieval, taxonomy)
  LlmClient* llm = nullptr;           // required for llm
  int max_retries = 2;                // llm: re-asks after an invalid answer
};

// "builtin" or "llm". InvalidArgument for an unknown name or a missing dependency.
Result<std::unique_ptr<Miner>> MakeMiner(std::string_view name, const MinerOptions& options);

}  // namespace vigil
