#pragma once

#include "common/error.h"
#include "state/sqlite/sqlite_connection.h"

namespace wasmfaas::state {

// A transaction, rolled back when it goes uncommitted. A write transaction
// is BEGIN IMMEDIATE: it takes the file's write lock at once, waiting up to
// the busy timeout for other connections, so it never fails later for want
// of it (a deferred one could, without waiting). A read transaction sees one
// snapshot of the file.
class SqliteTransaction {
 public:
  enum class Mode { kRead, kWrite };
  static Result<SqliteTransaction> begin(SqliteConnection& connection, Mode mode = Mode::kWrite);
  SqliteTransaction(SqliteTransaction&& other) noexcept;
  SqliteTransaction& operator=(SqliteTransaction&&) = delete;
  ~SqliteTransaction();

  Result<void> commit();

 private:
  explicit SqliteTransaction(SqliteConnection& connection) : connection_(&connection) {}

  SqliteConnection* connection_;  // null once committed or moved from
};

}  // namespace wasmfaas::state
