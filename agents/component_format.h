// The component string of a hypothesis: a category at the granularity its taxonomy layer calls for,
// placed by a ComponentHint ("node-3/gpu5", "node-3", "node-3/mlx5_2", "job"). Defined in
// builtin_reasoner.cc (its hypotheses are placed with it); declared here for the steps after the
// reasoner that place a hypothesis of their own (symptom_prior.h, AO6).
#pragma once

#include <string>

#include "agents/builtin_reasoner.h"

namespace vigil {

std::string FormatComponent(const std::string& category, const std::string& layer, const ComponentHint& h);

}  // namespace vigil
