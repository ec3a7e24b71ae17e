#pragma once

#include "common/error.h"

namespace wasmfaas::state {

// The version of the state database's schema this code creates and reads.
// Each backend keeps one migration step per version (sqlite_migrations.cpp,
// postgres_migrations.cpp); version 1 is the key-value data and its usage,
// version 2 the async jobs, the cron schedules and their fire records.
// A new table is a new version in both lists.
inline constexpr int kStateSchemaVersion = 2;

// The refusal of a database whose schema a newer wasmfaas has migrated.
inline Error newer_schema_error(int found) {
  return Error{ErrorCode::kUnavailable,
               "the state database has schema version " + std::to_string(found) +
                   ", newer than version " + std::to_string(kStateSchemaVersion) +
                   " that this wasmfaas knows: upgrade wasmfaas or use another database"};
}

}  // namespace wasmfaas::state
