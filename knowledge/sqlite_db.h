// Thin RAII wrappers over the SQLite C API used by the knowledge store.
// Errors become Status (Internal for SQL errors, DataLoss for corruption), never exceptions.
// Not thread-safe: one Db per owner, who serialises access.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace vigil::kb {

class Stmt {
 public:
  Stmt() = default;
  Stmt(sqlite3* db, sqlite3_stmt* s) : db_(db), s_(s) {}
  Stmt(Stmt&& o) noexcept : db_(o.db_), s_(o.s_), in_use_(o.in_use_) {
    o.s_ = nullptr;
    o.in_use_ = nullptr;
  }
  Stmt& operator=(Stmt&& o) noexcept {
    std::swap(db_, o.db_);
    std::swap(s_, o.s_);
    std::swap(in_use_, o.in_use_);
    return *this;
  }
  ~Stmt() {
    if (!s_) return;
    if (in_use_ == nullptr) {
      sqlite3_finalize(s_);
    } else {  // Db::PrepareCached's: kept by the Db for the next caller
      sqlite3_reset(s_);
      sqlite3_clear_bindings(s_);
      *in_use_ = false;
    }
  }

  Stmt& Bind(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Bind(int i, int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  Stmt& Bind(int i, int v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  Stmt& Bind(int i, double v) {
    sqlite3_bind_double(s_, i, v);
    return *this;
  }
  // SQLITE_ROW -> true, SQLITE_DONE -> false, else an error.
  Result<bool> Step() {
    int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return Error(rc);
  }
  Status Run() {
    auto r = Step();
    if (!r.ok()) return r.status();
    sqlite3_reset(s_);
    return Status::Ok();
  }
  void Reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  int64_t Int(int col) const { return sqlite3_column_int64(s_, col); }
  double Double(int col) const { return sqlite3_column_double(s_, col); }
  std::string Text(int col) const {
    const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
    return t ? std::string(t, static_cast<size_t>(sqlite3_column_bytes(s_, col))) : std::string();
  }
  bool IsNull(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }

 private:
  Status Error(int rc) const {
    std::string msg = std::string("sqlite: ") + sqlite3_errmsg(db_) + " (" + sqlite3_errstr(rc) + ")";
    if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB) return DataLossError(msg);
    return InternalError(msg);
  }
  friend class Db;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* s_ = nullptr;
  bool* in_use_ = nullptr;  // a cached statement's flag in its Db (PrepareCached); nullptr: owned
};

class Db {
 public:
  static Result<std::unique_ptr<Db>> Open(const std::string& path) {
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    std::unique_ptr<Db> db(new Db(raw));
    if (rc != SQLITE_OK) {
      return FailedPreconditionError("cannot open knowledge base " + path + ": " +
                                     (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
    }
    sqlite3_busy_timeout(raw, 5000);
    return db;
  }
  ~Db() {
    for (auto& [sql, c] : cache_) sqlite3_finalize(c.stmt);
    if (db_) sqlite3_close_v2(db_);
  }

  Status Exec(std::string_view sql) {
    char* err = nullptr;
    std::string s(sql);
    int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
    if (rc == SQLITE_OK) return Status::Ok();
    std::string msg = std::string("sqlite: ") + (err ? err : sqlite3_errstr(rc));
    sqlite3_free(err);
    if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB) return DataLossError(msg);
    return InternalError(msg);
  }
  Result<Stmt> Prepare(std::string_view sql) {
    sqlite3_stmt* s = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &s, nullptr);
    if (rc != SQLITE_OK) {
      std::string msg =
          std::string("sqlite: ") + sqlite3_errmsg(db_) + " in `" + std::string(sql.substr(0, 80)) + "`";
      if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB) return DataLossError(msg);
      return InternalError(msg);
    }
    return Stmt(db_, s);
  }
  // Prepare for a statement run again and again (a lookup by id per search hit: compiling the SQL
  // each time was a quarter of an alert triage's CPU): compiled once and kept by this Db; the Stmt
  // handed out resets it when destroyed. While one such Stmt of `sql` is alive, another call gets a
  // freshly compiled one (nested use stays correct). The Stmt must not outlive this Db.
  Result<Stmt> PrepareCached(std::string_view sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
      ASSIGN_OR_RETURN(Stmt fresh, Prepare(sql));
      it = cache_.emplace(std::string(sql), Cached{fresh.s_, false}).first;
      fresh.s_ = nullptr;
    }
    if (it->second.in_use) return Prepare(sql);
    it->second.in_use = true;
    Stmt s(db_, it->second.stmt);
    s.in_use_ = &it->second.in_use;
    return s;
  }
  // First column of the first row as an integer (0 when no row).
  Result<int64_t> QueryInt(std::string_view sql) {
    ASSIGN_OR_RETURN(Stmt s, Prepare(sql));
    ASSIGN_OR_RETURN(bool row, s.Step());
    return row ? s.Int(0) : 0;
  }
  sqlite3* raw() const { return db_; }

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  struct Cached {
    sqlite3_stmt* stmt;
    bool in_use;
  };
  sqlite3* db_;
  std::map<std::string, Cached, std::less<>> cache_;  // PrepareCached's statements
};

}  // namespace vigil::kb
