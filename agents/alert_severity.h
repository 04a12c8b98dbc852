// Whether an alert's severity rates it informational (AO5, 2026-12-04): its rule's authors page no one
// on it alone ("info", "informational", "none", "debug", "notice", "low"), so what it reports is a sign
// to look at, not an incident; an answer from such an alert alone is capped below 0.3
// (builtin_reasoner.cc CapInformationalAlert). Pure function, thread safe.
#pragma once

#include <string>

namespace vigil {

// `severity` is the alert's severity label as written; compared without case and surrounding blanks.
// "warning", "critical", "page", "error", "high", "" and anything else are not informational.
bool SeverityIsInformational(const std::string& severity);

}  // namespace vigil
