#pragma once

#include "common/error.h"
#include "state/sqlite/sqlite_connection.h"

namespace wasmfaas::state {

// Brings the schema of `connection`'s file to kStateSchemaVersion: in one
// BEGIN IMMEDIATE transaction (so processes opening the file at once take
// turns) reads wasmfaas_schema's version and applies the missing steps.
// A file of a newer version is refused with kUnavailable.
Result<void> migrate_sqlite(SqliteConnection& connection);

}  // namespace wasmfaas::state
