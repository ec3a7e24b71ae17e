#include "state/sqlite/sqlite_transaction.h"

#include <utility>

namespace wasmfaas::state {
namespace {

Result<void> run(SqliteConnection& connection, const std::string& sql) {
  auto query = connection.query(sql);
  if (!query) return std::unexpected(query.error());
  return query->run();
}

}  // namespace

Result<SqliteTransaction> SqliteTransaction::begin(SqliteConnection& connection, Mode mode) {
  if (auto begun = run(connection, mode == Mode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN"); !begun) {
    return std::unexpected(begun.error());
  }
  return SqliteTransaction(connection);
}

SqliteTransaction::SqliteTransaction(SqliteTransaction&& other) noexcept
    : connection_(std::exchange(other.connection_, nullptr)) {}

SqliteTransaction::~SqliteTransaction() {
  if (connection_ != nullptr) (void)run(*connection_, "ROLLBACK");
}

Result<void> SqliteTransaction::commit() {
  auto committed = run(*connection_, "COMMIT");
  // A failed COMMIT leaves the transaction open: the destructor rolls it back.
  if (committed) connection_ = nullptr;
  return committed;
}

}  // namespace wasmfaas::state
