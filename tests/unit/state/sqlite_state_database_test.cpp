#include "state/sqlite/sqlite_state_database.h"

#include <gtest/gtest.h>

#include "unit/state/test_databases.h"

namespace wasmfaas::state {
namespace {

TEST(SqliteStateDatabaseTest, UsesWriteAheadLoggingWithNormalSync) {
  SqliteTestDatabase database;
  auto opened = database.open();
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  ASSERT_TRUE((*opened)->set({"b", "s"}, "k", "v", {}).has_value());
  EXPECT_EQ(database.query("PRAGMA journal_mode"), "wal");  // kept in the file
  EXPECT_TRUE(std::filesystem::exists(database.file().string() + "-wal"));
}

TEST(SqliteStateDatabaseTest, AFileThatIsNotADatabaseIsRefused) {
  wasmfaas::testing::TempDir dir;
  const auto file = dir.path() / "garbage.db";
  {
    std::ofstream out(file);
    out << std::string(4096, 'x');
  }
  auto opened = SqliteStateDatabase::open(file);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code, ErrorCode::kInternal);
  EXPECT_NE(opened.error().message.find("garbage.db"), std::string::npos) << opened.error().message;
}

// Every line of `sql`'s query plan, on `file`.
std::string query_plan(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  std::string plan;
  if (sqlite3_prepare_v2(db, ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &statement, nullptr) !=
      SQLITE_OK) {
    ADD_FAILURE() << sqlite3_errmsg(db);
  } else {
    while (sqlite3_step(statement) == SQLITE_ROW) {
      plan += reinterpret_cast<const char*>(sqlite3_column_text(statement, 3));
      plan += "\n";
    }
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return plan;
}

// Idle workers poll lease() and lease_callbacks() all the time, and the
// queue keeps every finished job until retention removes it: finding
// nothing due must be a few index lookups, never a scan. (The shapes of
// sqlite_job_queue.cpp's polling statements.)
TEST(SqliteStateDatabaseTest, PollingForDueJobsSearchesTheirPartialIndexes) {
  SqliteTestDatabase database;
  ASSERT_TRUE(database.open().has_value());
  const std::string due_jobs = query_plan(
      database.file(),
      "SELECT 1 FROM wasmfaas_jobs WHERE status = 'queued' AND run_at_ms <= ?1"
      " UNION ALL SELECT 1 FROM wasmfaas_jobs WHERE status = 'running' AND lease_until_ms < ?1"
      " LIMIT 1");
  EXPECT_NE(due_jobs.find("SEARCH wasmfaas_jobs USING COVERING INDEX wasmfaas_jobs_due"),
            std::string::npos)
      << due_jobs;
  EXPECT_NE(due_jobs.find("SEARCH wasmfaas_jobs USING COVERING INDEX wasmfaas_jobs_lease"),
            std::string::npos)
      << due_jobs;
  const std::string due_callbacks = query_plan(
      database.file(),
      "SELECT 1 FROM wasmfaas_jobs WHERE callback_state = 'pending' AND callback_due_ms <= ?1"
      " AND callback_lease_until_ms < ?1 LIMIT 1");
  EXPECT_NE(due_callbacks.find("COVERING INDEX wasmfaas_jobs_callbacks"), std::string::npos)
      << due_callbacks;
  for (const auto& plan : {due_jobs, due_callbacks}) {
    EXPECT_EQ(plan.find("SCAN wasmfaas_jobs"), std::string::npos) << plan;
  }
}

}  // namespace
}  // namespace wasmfaas::state
