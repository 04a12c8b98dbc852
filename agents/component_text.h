// A diagnosis' component in words for people (RVFIX2, 2026-12-03).
//
// `Diagnosis::component` and `Hypothesis::component` name where the root cause is: a node
// ("node-3"), a GPU ("node-3/gpu5"), an HCA ("node-3/mlx5_2"), a rack or switch, or `job`
// (kJobComponent) when the answer is about the whole job and no single one of them (a collective
// hang on every rank, a bad launch configuration, shared storage, a loss divergence). JSON keeps
// that value as it is (the REST API, `vigil diagnose --json`, the eval sets' `expected.component`:
// machines compare it); text for people (`vigil diagnose`'s report, the chat, the incident list's
// `component_text`) says what it means instead of printing `job` as if it were a host's name.
// Pure functions, thread safe.
#pragma once

#include <string>
#include <string_view>

namespace vigil {

// The component value of a job-wide answer.
inline constexpr std::string_view kJobComponent = "job";

// "the whole job (no single component)" for kJobComponent (any case, spaces around it ignored);
// the component itself otherwise ("" stays "").
std::string ComponentForPeople(std::string_view component);

}  // namespace vigil
