#include "state/open_state_database.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace wasmfaas::state {
namespace {

using wasmfaas::testing::TempDir;

TEST(OpenStateDatabaseTest, DefaultsToStateDbInTheDataDirectory) {
  TempDir dir;
  for (const char* setting : {"", "sqlite"}) {
    const auto data_dir = dir.path() / (std::string("data-") + setting);
    auto database = open_state_database(setting, data_dir);
    ASSERT_TRUE(database.has_value()) << database.error().message;
    EXPECT_EQ((*database)->kind(), "sqlite");
    EXPECT_TRUE(std::filesystem::exists(data_dir / "state.db")) << setting;
  }
}

TEST(OpenStateDatabaseTest, OpensTheSqliteFileNamed) {
  TempDir dir;
  const auto file = dir.path() / "elsewhere.sqlite";
  auto database = open_state_database("sqlite:" + file.string(), dir.path() / "unused");
  ASSERT_TRUE(database.has_value()) << database.error().message;
  EXPECT_TRUE(std::filesystem::exists(file));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "unused"));
}

TEST(OpenStateDatabaseTest, RefusesUnknownSettingsWithoutShowingSecrets) {
  TempDir dir;
  for (const char* setting :
       {"mysql://user:secret@host/db", "redis", "sqlite:", "SQLITE", "postgres:/no-slashes"}) {
    auto database = open_state_database(setting, dir.path());
    ASSERT_FALSE(database.has_value()) << setting;
    EXPECT_EQ(database.error().code, ErrorCode::kInvalidArgument) << setting;
    EXPECT_EQ(database.error().message.find("secret"), std::string::npos);
  }
  auto unknown = open_state_database("mysql://user:secret@host/db", dir.path());
  EXPECT_NE(unknown.error().message.find("'mysql:...'"), std::string::npos)
      << unknown.error().message;
}

TEST(OpenStateDatabaseTest, AnUnopenableSqliteFileIsUnavailable) {
  TempDir dir;
  auto database = open_state_database("sqlite:" + (dir.path() / "missing/dir/x.db").string(), "");
  ASSERT_FALSE(database.has_value());
  EXPECT_EQ(database.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(database.error().message.find("x.db"), std::string::npos) << database.error().message;
}

}  // namespace
}  // namespace wasmfaas::state
