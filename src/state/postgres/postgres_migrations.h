#pragma once

#include "common/error.h"
#include "state/postgres/pg_connection.h"

namespace wasmfaas::state {

// Brings the database's schema to kStateSchemaVersion in one transaction
// that first takes a transaction-level advisory lock, so nodes starting at
// once take turns: the first migrates, the others then find it done.
// A database of a newer version is refused with kUnavailable.
Result<void> migrate_postgres(PgConnection& connection);

}  // namespace wasmfaas::state
