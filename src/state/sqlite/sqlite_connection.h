#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace wasmfaas::state {

class SqliteQuery;

// One SQLite connection and the statements it has prepared (each SQL text
// once, reused). Not thread-safe: its owner lets one thread at a time use it.
class SqliteConnection {
 public:
  // Opens (creating) `file` in WAL mode with synchronous=NORMAL and a busy
  // timeout, so that connections of other objects or processes wait for
  // each other's write transactions instead of failing.
  static Result<std::unique_ptr<SqliteConnection>> open(const std::filesystem::path& file);
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  // Runs SQL that returns no rows (pragmas, DDL; several statements allowed).
  Result<void> execute(std::string_view sql);

  // The statement for `sql` (prepared on first use), ready to bind and step.
  Result<SqliteQuery> query(const std::string& sql);

  // The connection's last failure as an Error ("<context>: <sqlite message>").
  Error error(std::string_view context) const;

  const std::filesystem::path& file() const { return file_; }

 private:
  SqliteConnection(sqlite3* db, std::filesystem::path file) : db_(db), file_(std::move(file)) {}

  // PRAGMA journal_mode=WAL, retried while another connection holds the file.
  Result<void> use_wal();

  sqlite3* db_;
  std::filesystem::path file_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

// One use of a prepared statement: bind parameters (1-based), step through
// the rows, read columns. Resets the statement (and its bindings) when it
// goes, so the connection can hand it out again.
class SqliteQuery {
 public:
  SqliteQuery(SqliteConnection& connection, sqlite3_stmt* statement)
      : connection_(&connection), statement_(statement) {}
  ~SqliteQuery();
  SqliteQuery(SqliteQuery&& other) noexcept;
  SqliteQuery& operator=(SqliteQuery&&) = delete;

  // Binds keep pointers to the caller's bytes until the query goes.
  SqliteQuery& bind_text(int index, std::string_view text);
  SqliteQuery& bind_blob(int index, std::string_view bytes);
  SqliteQuery& bind_int64(int index, int64_t value);
  SqliteQuery& bind_null(int index);

  // true: a row is available; false: the statement is done.
  Result<bool> step();
  // Steps to the end (for statements that return no rows).
  Result<void> run();

  int64_t column_int64(int index) const;
  std::string column_bytes(int index) const;  // text or blob, exactly
  bool column_is_null(int index) const;

 private:
  void note_bind(int status);

  SqliteConnection* connection_;
  sqlite3_stmt* statement_;
  int bind_status_ = 0;  // SQLITE_OK, or the first bind's failure
};

}  // namespace wasmfaas::state
