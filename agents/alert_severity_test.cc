// SeverityIsInformational (AO5): which alert severities page no one on their own.
#include <doctest/doctest.h>

#include "agents/alert_severity.h"

namespace vigil {
namespace {

TEST_CASE("alert severity: informational ratings") {
  CHECK(SeverityIsInformational("info"));
  CHECK(SeverityIsInformational("INFO"));
  CHECK(SeverityIsInformational(" informational "));
  CHECK(SeverityIsInformational("none"));
  CHECK(SeverityIsInformational("debug"));
  CHECK(SeverityIsInformational("notice"));
  CHECK(SeverityIsInformational("low"));
  CHECK_FALSE(SeverityIsInformational("warning"));
  CHECK_FALSE(SeverityIsInformational("critical"));
  CHECK_FALSE(SeverityIsInformational("page"));
  CHECK_FALSE(SeverityIsInformational("error"));
  CHECK_FALSE(SeverityIsInformational("high"));
  CHECK_FALSE(SeverityIsInformational("information-only-if-paged"));
  CHECK_FALSE(SeverityIsInformational(""));
  CHECK_FALSE(SeverityIsInformational("   "));
}

}  // namespace
}  // namespace vigil
