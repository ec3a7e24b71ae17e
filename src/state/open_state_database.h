#pragma once

#include <filesystem>
#include <memory>
#include <string_view>

#include "common/error.h"
#include "state/state_database.h"

namespace wasmfaas::state {

struct StateDatabaseOptions {
  // PostgreSQL: connections per process.
  size_t postgres_pool_size = 8;
};

// The state database a setting names:
//   "" or "sqlite"            state.db in `data_dir` (created when missing)
//   "sqlite:<file>"           that SQLite file
//   "postgres://..." or "postgresql://..."   that PostgreSQL database (libpq URL)
// Anything else is kInvalidArgument. The database's schema is brought up to
// date before it is returned.
Result<std::unique_ptr<StateDatabase>> open_state_database(
    std::string_view setting, const std::filesystem::path& data_dir,
    const StateDatabaseOptions& options = {});

}  // namespace wasmfaas::state
