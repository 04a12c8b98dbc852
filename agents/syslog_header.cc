#include "agents/syslog_header.h"

#include <regex>
#include <set>

#include "core/ascii.h"

namespace vigil {
namespace {

bool NotAHost(const std::string& host) {
  static const std::set<std::string> kWords = {"-",     "localhost", "info",     "warn",  "warning", "error",
                                               "err",   "debug",     "trace",    "fatal", "critical", "crit",
                                               "notice", "alert",    "emerg",    "panic", "i",        "w",
                                               "e",     "d",         "f",        "kernel"};
  return host.empty() || kWords.count(AsciiLower(host)) > 0;
}

}  // namespace

std::string SyslogHeaderHost(std::string_view view) {
  if (view.size() < 16 || view.size() > 4000) return "";
  const char c0 = view[0];
  if (!(c0 == '<' || c0 == '[' || (c0 >= '0' && c0 <= '9') || (c0 >= 'A' && c0 <= 'Z'))) return "";
  const std::string line(view);
  // HOST: a name or an address; TAG: a program's name, its pid in brackets optional.
#define VIGIL_HOST R"(([A-Za-z0-9][A-Za-z0-9._:-]{0,252}))"
#define VIGIL_TAG R"([A-Za-z_][A-Za-z0-9_./@-]{0,63})"
  static const std::regex kRfc5424(R"(^<\d{1,3}>1 \d{4}-\d\d-\d\dT\S{1,40} )" VIGIL_HOST R"( \S{1,48} \S{1,128} \S{1,32} )");
  static const std::regex kBsd(
      R"(^(?:<\d{1,3}>)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) {1,2}\d{1,2} \d\d:\d\d:\d\d(?:\.\d{1,9})? )" VIGIL_HOST
      " " VIGIL_TAG R"((?:\[\d{1,10}\])?: )");
  static const std::regex kIso(R"(^(?:<\d{1,3}>)?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d)? )" VIGIL_HOST
                               " " VIGIL_TAG R"((?:\[\d{1,10}\])?: )");
  static const std::regex kSpaced(
      R"(^\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?\]? )" VIGIL_HOST
      R"( (?:kernel|[A-Za-z_][A-Za-z0-9_./@-]{0,63}\[\d{1,10}\]): )");
#undef VIGIL_HOST
#undef VIGIL_TAG
  std::smatch m;
  for (const std::regex* re : {&kRfc5424, &kBsd, &kIso, &kSpaced}) {
    if (std::regex_search(line, m, *re, std::regex_constants::match_continuous)) {
      std::string host = m.str(1);
      // "gpu-a17:" is no host when the header has no tag after it (a "HOST:PID:TID" NCCL prefix
      // is not matched: it has no time before it).
      if (NotAHost(host) || host.back() == ':') return "";
      return host;
    }
  }
  return "";
}

}  // namespace vigil
