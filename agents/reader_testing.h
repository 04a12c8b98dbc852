// Test helper for the line readers of agents/ (RankHostReader, GpuIdReader, KubePodReader, ...):
// every fact a reader states for `lines`, read in order by one instance. Header-only, tests only.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil::testing {

template <typename Reader>
auto ReadAll(const std::vector<std::string>& lines) {
  Reader r;
  decltype(r.Read(std::string_view())) out;
  for (const std::string& l : lines) {
    for (auto& f : r.Read(l)) out.push_back(std::move(f));
  }
  return out;
}

}  // namespace vigil::testing
