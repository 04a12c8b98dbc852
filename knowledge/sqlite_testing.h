// Test-only: read a store's SQLite file through a connection of the test's own. Shared by
// knowledge/'s tests.
#pragma once

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <cstdint>

namespace vigil {

// The number of rows `sql` returns on `db` (the statement must prepare).
inline int64_t CountRows(sqlite3* db, const char* sql) {
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK);
  int64_t n = 0;
  while (sqlite3_step(st) == SQLITE_ROW) ++n;
  sqlite3_finalize(st);
  return n;
}

}  // namespace vigil
