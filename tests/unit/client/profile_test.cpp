// Where the client CLI connects: flag > environment > profile > default,
// the profile file's permissions check, unknown profiles.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>
#include <map>

#include "client/profile.h"
#include "support/temp_dir.h"

namespace wasmfaas::client {
namespace {

class ProfileTest : public ::testing::Test {
 protected:
  EnvLookup env() {
    return [this](const std::string& name) -> std::optional<std::string> {
      const auto it = vars_.find(name);
      if (it == vars_.end()) return std::nullopt;
      return it->second;
    };
  }

  void write_profile(const std::string& text, mode_t mode = 0600) {
    const auto path = dir_.path() / "wasmfaas" / "config.toml";
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
  }

  testing::TempDir dir_;
  std::map<std::string, std::string> vars_{{"XDG_CONFIG_HOME", dir_.path().string()}};
};

TEST_F(ProfileTest, DefaultsWithoutFlagsEnvironmentOrFile) {
  const auto connection = resolve_connection({}, env());
  ASSERT_TRUE(connection.has_value()) << connection.error().message;
  EXPECT_EQ(connection->server, "http://127.0.0.1:3000");
  EXPECT_EQ(connection->token, "");
}

TEST_F(ProfileTest, FileIsUnderXdgConfigHomeElseHomeDotConfig) {
  EXPECT_EQ(profile_file(env()), dir_.path() / "wasmfaas" / "config.toml");
  vars_ = {{"HOME", "/home/someone"}};
  EXPECT_EQ(profile_file(env()), "/home/someone/.config/wasmfaas/config.toml");
}

TEST_F(ProfileTest, FlagBeatsEnvironmentBeatsProfile) {
  write_profile(
      "[profile.default]\nserver = \"http://profile:1\"\ntoken = \"profile-token\"\n"
      "[profile.staging]\nserver = \"https://staging:2/\"\ntoken = \"staging-token\"\n");
  auto connection = resolve_connection({}, env());
  ASSERT_TRUE(connection.has_value()) << connection.error().message;
  EXPECT_EQ(connection->server, "http://profile:1");
  EXPECT_EQ(connection->token, "profile-token");

  vars_["WASMFAAS_SERVER"] = "http://env:3";
  vars_["WASMFAAS_TOKEN"] = "env-token";
  connection = resolve_connection({}, env());
  EXPECT_EQ(connection->server, "http://env:3");
  EXPECT_EQ(connection->token, "env-token");

  connection = resolve_connection({.server = "http://flag:4", .token = "flag-token"}, env());
  EXPECT_EQ(connection->server, "http://flag:4");
  EXPECT_EQ(connection->token, "flag-token");

  // Another profile by flag or by WASMFAAS_PROFILE (trailing slash dropped).
  vars_.erase("WASMFAAS_SERVER");
  vars_.erase("WASMFAAS_TOKEN");
  connection = resolve_connection({.profile = "staging"}, env());
  EXPECT_EQ(connection->server, "https://staging:2");
  EXPECT_EQ(connection->token, "staging-token");
  vars_["WASMFAAS_PROFILE"] = "staging";
  connection = resolve_connection({}, env());
  EXPECT_EQ(connection->token, "staging-token");
  connection = resolve_connection({.profile = "default"}, env());
  EXPECT_EQ(connection->token, "profile-token");
}

TEST_F(ProfileTest, NamedProfileMustExist) {
  auto connection = resolve_connection({.profile = "prod"}, env());
  ASSERT_FALSE(connection.has_value());
  EXPECT_EQ(connection.error().code, ErrorCode::kInvalidArgument);
  write_profile("[profile.default]\nserver = \"http://a:1\"\n");
  connection = resolve_connection({.profile = "prod"}, env());
  ASSERT_FALSE(connection.has_value());
  EXPECT_NE(connection.error().message.find("no profile 'prod'"), std::string::npos);
}

TEST_F(ProfileTest, TokenFileReadableByOthersIsRefused) {
  for (const mode_t mode : {0644, 0640, 0604}) {
    write_profile("[profile.default]\ntoken = \"secret\"\n", mode);
    const auto connection = resolve_connection({}, env());
    ASSERT_FALSE(connection.has_value()) << std::oct << mode;
    EXPECT_EQ(connection.error().code, ErrorCode::kPermissionDenied);
    EXPECT_NE(connection.error().message.find("chmod 600"), std::string::npos);
  }
  // A token of another profile counts too; a file without tokens may be read.
  write_profile("[profile.default]\nserver = \"http://a:1\"\n[profile.x]\ntoken = \"t\"\n", 0644);
  EXPECT_FALSE(resolve_connection({}, env()).has_value());
  write_profile("[profile.default]\nserver = \"http://a:1\"\n", 0644);
  EXPECT_TRUE(resolve_connection({}, env()).has_value());
  write_profile("[profile.default]\ntoken = \"secret\"\n", 0600);
  EXPECT_TRUE(resolve_connection({}, env()).has_value());
}

TEST_F(ProfileTest, BadFilesAndServersAreUsageErrors) {
  write_profile("[profile.default\nserver=");
  auto connection = resolve_connection({}, env());
  ASSERT_FALSE(connection.has_value());
  EXPECT_EQ(connection.error().code, ErrorCode::kInvalidArgument);
  write_profile("[profile.default]\nserver = 3000\n");
  EXPECT_FALSE(resolve_connection({}, env()).has_value());
  write_profile("");
  connection = resolve_connection({.server = "localhost:3000"}, env());
  ASSERT_FALSE(connection.has_value());
  EXPECT_NE(connection.error().message.find("http://"), std::string::npos);
}

}  // namespace
}  // namespace wasmfaas::client
