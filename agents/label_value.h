// One label lookup for the label maps of alerts and series (core/time_series.h's Labels): the
// value under a key, "" when the key is absent. Header only, pure, thread safe.
#pragma once

#include <initializer_list>
#include <string>

#include "core/time_series.h"

namespace vigil {

// The value of `key` in `labels`; "" when absent (an empty value reads the same).
inline std::string LabelValue(const Labels& labels, const std::string& key) {
  auto it = labels.find(key);
  return it == labels.end() ? std::string() : it->second;
}

// The first non-empty value of `keys`, in their order, in `labels`; "" when none has one.
inline std::string FirstLabelValue(const Labels& labels, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    auto it = labels.find(k);
    if (it != labels.end() && !it->second.empty()) return it->second;
  }
  return "";
}

}  // namespace vigil
