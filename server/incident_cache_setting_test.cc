// The incident_cache_bytes setting (core/config.cc's table, read by `vigil serve` as
// --incident-cache-bytes: server/cmd_serve.cc) defaults to the knowledge base's own default; the
// table is a literal in core/, which may not depend on knowledge/, so this fails when one of them
// changes without the other.
#include <doctest/doctest.h>

#include <string>

#include "core/config.h"
#include "knowledge/knowledge_base.h"

namespace vigil {

TEST_CASE("incident_cache_bytes: the setting's default is KnowledgeOptions' incident_cache_bytes") {
  const ConfigOption* o = FindConfigOption("incident_cache_bytes");
  REQUIRE(o != nullptr);
  CHECK(o->default_value == std::to_string(KnowledgeOptions{}.incident_cache_bytes));
  CHECK(o->flag == "--incident-cache-bytes");
  CHECK(o->env == "VIGIL_INCIDENT_CACHE_BYTES");
}

}  // namespace vigil
