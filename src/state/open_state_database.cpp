#include "state/open_state_database.h"

#include <string>
#include <system_error>

#include "state/postgres/postgres_state_database.h"
#include "state/sqlite/sqlite_state_database.h"

namespace wasmfaas::state {
namespace {

constexpr std::string_view kSqliteFileName = "state.db";

Result<std::unique_ptr<StateDatabase>> open_sqlite(const std::filesystem::path& file) {
  auto database = SqliteStateDatabase::open(file);
  if (!database) return std::unexpected(database.error());
  return std::unique_ptr<StateDatabase>(std::move(*database));
}

}  // namespace

Result<std::unique_ptr<StateDatabase>> open_state_database(std::string_view setting,
                                                           const std::filesystem::path& data_dir,
                                                           const StateDatabaseOptions& options) {
  if (setting.empty() || setting == "sqlite") {
    std::error_code error;
    std::filesystem::create_directories(data_dir, error);
    if (error) {
      return make_error(ErrorCode::kUnavailable, "cannot create the data directory " +
                                                     data_dir.string() + ": " + error.message());
    }
    return open_sqlite(data_dir / kSqliteFileName);
  }
  if (setting.starts_with("sqlite:")) {
    const std::string_view file = setting.substr(7);
    if (file.empty()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "state database 'sqlite:' names no file (use sqlite:<file>, or sqlite "
                        "for state.db in the data directory)");
    }
    return open_sqlite(std::filesystem::path(file));
  }
  if (setting.starts_with("postgres://") || setting.starts_with("postgresql://")) {
    auto database = PostgresStateDatabase::open(
        std::string(setting), PostgresOptions{.pool_size = options.postgres_pool_size});
    if (!database) return std::unexpected(database.error());
    return std::unique_ptr<StateDatabase>(std::move(*database));
  }
  // Only the part before a ':' is shown: a URL may hold a password.
  const std::string shown(setting.substr(0, setting.find(':')));
  return make_error(ErrorCode::kInvalidArgument,
                    "unknown state database '" + shown +
                        (shown.size() < setting.size() ? ":...'" : "'") +
                        ": use sqlite (state.db in the data directory, the default), "
                        "sqlite:<file>, or postgres://user@host:port/database");
}

}  // namespace wasmfaas::state
