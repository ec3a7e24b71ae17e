#include "state/sqlite/sqlite_migrations.h"

#include <array>
#include <string_view>

#include "state/schema.h"
#include "state/sqlite/sqlite_transaction.h"

namespace wasmfaas::state {
namespace {

// Step i takes the schema from version i to i + 1. Never edit a step once
// released: add one.
constexpr std::array<std::string_view, kStateSchemaVersion> kSteps = {
    // 1: key-value entries, and each bucket's usage kept exact by every write.
    // Keys are TEXT compared with memcmp (SQLite's BINARY collation), values
    // BLOBs; WITHOUT ROWID keeps each store's keys together in key order.
    R"sql(
CREATE TABLE wasmfaas_kv_entries (
  bucket TEXT NOT NULL,
  store TEXT NOT NULL,
  key TEXT NOT NULL,
  value BLOB NOT NULL,
  PRIMARY KEY (bucket, store, key)
) WITHOUT ROWID;
CREATE TABLE wasmfaas_kv_usage (
  bucket TEXT PRIMARY KEY,
  bytes INTEGER NOT NULL,
  keys INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
};

}  // namespace

Result<void> migrate_sqlite(SqliteConnection& connection) {
  auto transaction = SqliteTransaction::begin(connection);
  if (!transaction) return std::unexpected(transaction.error());
  if (auto created =
          connection.execute("CREATE TABLE IF NOT EXISTS wasmfaas_schema ("
                             " id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)");
      !created) {
    return created;
  }
  int version = 0;
  {
    auto query = connection.query("SELECT version FROM wasmfaas_schema WHERE id = 1");
    if (!query) return std::unexpected(query.error());
    auto row = query->step();
    if (!row) return std::unexpected(row.error());
    if (*row) version = static_cast<int>(query->column_int64(0));
  }
  if (version > kStateSchemaVersion) return std::unexpected(newer_schema_error(version));
  if (version == kStateSchemaVersion) return transaction->commit();
  for (int step = version; step < kStateSchemaVersion; ++step) {
    if (auto applied = connection.execute(kSteps[step]); !applied) {
      auto error = applied.error();
      error.message = "migrating the state database to schema version " + std::to_string(step + 1) +
                      ": " + error.message;
      return std::unexpected(error);
    }
  }
  {
    auto query = connection.query(
        "INSERT INTO wasmfaas_schema (id, version) VALUES (1, ?1)"
        " ON CONFLICT (id) DO UPDATE SET version = excluded.version");
    if (!query) return std::unexpected(query.error());
    if (auto stored = query->bind_int64(1, kStateSchemaVersion).run(); !stored) return stored;
  }
  return transaction->commit();
}

}  // namespace wasmfaas::state
