#include "knowledge/synthetic_corpus.h"

#include <regex>
#include <string>
#include <vector>

namespace vigil {

Incident PerturbIncident(const Incident& base, size_t n, std::mt19937_64& rng) {
  static const std::regex number("\\d+");
  static const std::vector<std::string> filler = {"again",
                                                  "overnight",
                                                  "after the upgrade",
                                                  "on the new partition",
                                                  "during eval",
                                                  "at step boundary",
                                                  "rack",
                                                  "pod",
                                                  "cluster-b",
                                                  "second time this week",
                                                  "reported by the training team",
                                                  "checkpoint"};
  Incident inc = base;
  inc.id = base.id + "-syn" + std::to_string(n);
  auto redraw = [&](const std::string& s) {
    std::string out;
    std::sregex_iterator it(s.begin(), s.end(), number), end;
    size_t last = 0;
    for (; it != end; ++it) {
      out += s.substr(last, it->position() - last);
      out += std::to_string(rng() % 100000);
      last = it->position() + it->length();
    }
    return out + s.substr(last);
  };
  inc.raw_text =
      redraw(base.raw_text) + "\n" + filler[rng() % filler.size()] + " node-" + std::to_string(rng() % 4096);
  inc.title = base.title + " (" + filler[rng() % filler.size()] + ")";
  if (inc.symptoms.size() > 1)
    inc.symptoms.erase(inc.symptoms.begin() + static_cast<long>(rng() % inc.symptoms.size()));
  inc.started_at_ms = 1700000000000LL + static_cast<int64_t>(rng() % 31536000000ULL);
  inc.source = "bench:synthetic";
  return inc;
}

}  // namespace vigil
