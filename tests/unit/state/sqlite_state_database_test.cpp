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

}  // namespace
}  // namespace wasmfaas::state
