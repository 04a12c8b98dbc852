#include "agents/gpu_labels.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace vigil {

int GpuIndexValue(std::string_view value) {
  if (value.empty() || value.size() > 6 ||
      !std::all_of(value.begin(), value.end(), [](unsigned char ch) { return std::isdigit(ch); })) {
    return -1;
  }
  int index = 0;
  for (char ch : value) index = index * 10 + (ch - '0');
  return index;
}

int GpuOf(const Labels& labels) {
  for (std::string_view key : kGpuLabels) {
    auto it = labels.find(std::string(key));
    if (it == labels.end()) continue;
    if (const int gpu = GpuIndexValue(it->second); gpu >= 0) return gpu;
  }
  return -1;
}

}  // namespace vigil
