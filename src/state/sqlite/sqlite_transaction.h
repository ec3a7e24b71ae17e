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

// Runs `work` (returning a Result) in one write transaction: commits when
// it succeeds, rolls back when it fails.
template <typename Work>
auto in_write_transaction(SqliteConnection& connection, Work&& work) -> decltype(work()) {
  auto transaction = SqliteTransaction::begin(connection);
  if (!transaction) return std::unexpected(transaction.error());
  auto result = work();
  if (!result) return result;
  if (auto committed = transaction->commit(); !committed) {
    return std::unexpected(committed.error());
  }
  return result;
}

}  // namespace wasmfaas::state
