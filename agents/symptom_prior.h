// What a symptom alert alone should rank (AO6, 2026-12-05). An alert that names a symptom - a slow
// step, low throughput, a straggler, a stalled job, a lost heartbeat, a failed job, a loss spike, low
// GPU utilisation, NCCL errors, PFC pause frames - names no cause: the answer stays `unknown`. Its
// hypotheses were ranked by the words the alert shares with incidents of the knowledge base (a PFC
// pause alert ranked dataloader_stall). An on-call engineer ranks the usual causes of that symptom;
// here they are read from the knowledge base itself: the incidents that show the symptom (their
// title, symptoms, text and metric conditions say it), counted by root cause. Ranking: the alert's
// words' leading hypothesis stays first when the knowledge base shows it as a cause of the symptom,
// then the causes by their incidents, most first (ties: the words' ranking, then the search's order).
// Only for an `unknown` answer that nothing but the alert supports (no log, metric or probe
// evidence counted); the answer stays `unknown`, an evidence item (weight 0) says "incidents with
// this symptom in the knowledge base: N, of which ...". Nothing of an eval set is read: the symptom
// words are the table in symptom_prior.cc, the counts the knowledge base's.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "agents/case.h"
#include "core/domain.h"
#include "core/json.h"
#include "knowledge/knowledge_base.h"

namespace vigil {

// A symptom an alert's words name: the table's id ("slow_step"), the symptom in words for people
// and the alert's words that named it.
struct NamedSymptom {
  std::string id;
  std::string in_words;
  std::string said;
};

// The alert's words read for a symptom: its name split at its capitals (TrainingLossNaN -> Training
// Loss NaN), its summary, description and message, and the metric names of its expression
// (generatorURL's g0.expr, `_` read as a space). Texts over 4096 characters are cut there.
std::string AlertSymptomWords(const Alert& alert);

// The first symptom of the table (most specific first: a loss spike, low GPU utilisation, PFC
// pauses, a straggler, a hang, NCCL errors, a job failed at its start, a failed job, a slow step)
// that `words` name; id "" when none. A job failed at its start is read only where the failed-job
// words hold too (PLC18).
NamedSymptom SymptomInWords(const std::string& words);

// Whether an incident shows symptom `id` (its title, symptoms, text or metric conditions say it).
bool IncidentShowsSymptom(const Incident& incident, const std::string& id);

// The knowledge base's incidents that show a symptom, counted by root cause.
struct SymptomPrior {
  NamedSymptom symptom;
  size_t incidents = 0;                                // with a root cause among `categories`
  std::vector<std::pair<std::string, size_t>> causes;  // most incidents first; ties: the search's order
};

// At most kSymptomSearchDepth incidents, those the lexical search for the symptom's words returns,
// each tested with IncidentShowsSymptom. Errors of the knowledge base pass through.
inline constexpr size_t kSymptomSearchDepth = 500;
Result<SymptomPrior> MineSymptomPrior(const KnowledgeBase& kb, const NamedSymptom& symptom,
                                      const std::vector<std::string>& categories);

// Re-ranks `d`'s hypotheses by the prior (see the top of this file); `component_of(category)` places
// a cause not among them. Returns false, `d` unchanged, when the prior holds no incident.
bool RankBySymptomPrior(const SymptomPrior& prior, const std::function<std::string(const std::string&)>& component_of,
                        Diagnosis& d);

// Whether the case holds nothing but the alert: no metric series, no probe result, no log but the
// alert's own line (AlertFactsLog) and the alerts firing beside it.
bool AlertIsTheWholeCase(const DiagnosisCase& c);

// Whether `d` is an `unknown` answer resting on the alert alone: every counted evidence item is the
// knowledge recalled from the alert's words, an alert annotation, or the alert's own line.
bool UnknownFromAlertAlone(const DiagnosisCase& c, const Diagnosis& d);

// The whole step for DiagnosisAgent::Diagnose: when UnknownFromAlertAlone and the alert names a
// symptom, mines the prior and re-ranks (a trace item `symptom_prior` says what was counted).
// `component_of` as above. Errors of the knowledge base leave `d` as it was (said in the trace).
void RankSymptomAlertCauses(const KnowledgeBase& kb, const DiagnosisCase& c, const std::vector<std::string>& categories,
                            const std::function<std::string(const std::string&)>& component_of, Diagnosis& d,
                            Json& trace);

}  // namespace vigil
