// Whether a past incident the alert's text recalled (knowledge-base search, GatherKnowledge) shares a
// term with the alert: a symptom, title, log-signature or metric word that also names the alert's
// fault. A hybrid search ranks every incident, so one that shares only place and filler words ("node"
// of --nproc_per_node, "above", "high") can rank third: that is no evidence (REV3, agents/HISTORY.md KBE).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/domain.h"
#include "knowledge/knowledge_base.h"

namespace vigil {

// The alert's terms: the words of its name (split where the case changes: GpuTemperatureHigh ->
// gpu, temperature, high), of its summary and description and of its label values; lower case, three
// characters or more, with a letter, not a generic word (GenericRecallWord).
std::set<std::string> AlertTerms(const Alert& alert);

// The terms of `hit` that `alert_terms` holds, in `hit`'s order, each once: the words of an incident's
// title, text (raw_text: what was seen, as the lexical search reads it), symptoms, log signatures (regex escapes such as \s read as spaces) and the metric names of
// its metric conditions (DCGM_FI_DEV_GPU_TEMP: dcgm, dev, gpu, temp), or a guide chunk's heading and
// text. Two words agree when equal or when the shorter, of four characters or more, begins the
// longer (temp / temperature, throttle / throttled). Empty: the hit shares nothing but generic words.
std::vector<std::string> SharedRecallTerms(const std::set<std::string>& alert_terms, const SearchHit& hit);

// A word every kind of incident uses (a place: gpu, node, rank, job; an alert's severity; a filler:
// above, high): shared, it says nothing about which fault it is. Not "error" or "failure": an alert's
// "memory failure" and an incident's "row remapping failure" are the same kind of fault (dev case-115).
bool GenericRecallWord(const std::string& word);

}  // namespace vigil
