// The client CLI's rollback and alias commands against a live server (the
// routes of the shared alias/rollback contract: /aliases, /rollback,
// ?alias on exec).
#include <gtest/gtest.h>

#include "integration/client/cli_support.h"
#include "support/components.h"
#include "support/test_server.h"

namespace wasmfaas {
namespace {

using nlohmann::json;
using testing::CliResult;
using testing::CliUser;
using testing::component_path;
using testing::TestServer;

class ClientCliAliasTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(cli_.run({"bucket", "create", "demo"}).code, 0);
    for (const char* component : {"hello", "fibonacci", "hello"}) {
      const CliResult deployed =
          cli_.run({"deploy", component_path(component), "demo/f", "--json"});
      ASSERT_EQ(deployed.code, 0) << deployed.err;
      versions_.insert(versions_.begin(), deployed.json()["version"].get<std::string>());
    }
  }

  TestServer server_;
  CliUser cli_{server_.port()};
  std::vector<std::string> versions_;  // newest first
};

TEST_F(ClientCliAliasTest, RollbackMakesANewVersionFromAnEarlierOne) {
  // Default: the version before the current one.
  CliResult result = cli_.run({"rollback", "demo/f", "--json"});
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_EQ(result.json()["from"], versions_[1]);
  const std::string rolled = result.json()["version"];
  EXPECT_EQ(cli_.run({"versions", "demo/f", "--json"}).json()["versions"][0]["version"], rolled);
  EXPECT_EQ(cli_.run({"invoke", "demo/f", "10", "--json"}).json()["version"], rolled);

  result = cli_.run({"rollback", "demo/f", "--to", versions_[2]});
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_NE(result.out.find("rolled back demo/f to " + versions_[2] + ": new version "),
            std::string::npos)
      << result.out;
  EXPECT_EQ(cli_.run({"rollback", "demo/f", "--to", "nosuchversion"}).code, 5);
  EXPECT_EQ(cli_.run({"rollback", "demo/nope"}).code, 5);
}

TEST_F(ClientCliAliasTest, RollbackWithoutAnEarlierVersionFails) {
  ASSERT_EQ(cli_.run({"deploy", component_path("hello"), "demo/single"}).code, 0);
  const CliResult result = cli_.run({"rollback", "demo/single"});
  EXPECT_TRUE(result.code == 6 || result.code == 5) << result.code;
  EXPECT_EQ(result.err.find("route_not_found"), std::string::npos) << result.err;
}

TEST_F(ClientCliAliasTest, AliasSetLsRmAndInvoke) {
  CliResult set = cli_.run({"alias", "set", "demo/f", "prod", versions_[2]});
  ASSERT_EQ(set.code, 0) << set.err;
  EXPECT_EQ(set.out, "alias prod of demo/f -> " + versions_[2] + "\n");
  set = cli_.run({"alias", "set", "demo/f", "beta", versions_[0], "--canary", versions_[1],
                  "--weight", "100", "--json"});
  ASSERT_EQ(set.code, 0) << set.err;
  EXPECT_EQ(set.json()["canary"]["weight"], 100);

  const json listed = cli_.run({"alias", "ls", "demo/f", "--json"}).json();
  ASSERT_EQ(listed["aliases"].size(), 2u);
  EXPECT_EQ(listed["aliases"][0]["name"], "beta");
  const CliResult table = cli_.run({"alias", "ls", "demo/f"});
  EXPECT_TRUE(table.out.starts_with("ALIAS")) << table.out;
  EXPECT_NE(table.out.find("100%"), std::string::npos) << table.out;

  // versions shows which aliases name each version.
  const CliResult versions = cli_.run({"versions", "demo/f"});
  EXPECT_NE(versions.out.find("prod"), std::string::npos) << versions.out;
  EXPECT_NE(versions.out.find("beta canary 100%"), std::string::npos) << versions.out;
  EXPECT_EQ(cli_.run({"versions", "demo/f", "--json"}).json()["aliases"].size(), 2u);

  // invoke --alias runs the alias's version (the canary at weight 100).
  CliResult invoked = cli_.run({"invoke", "demo/f", R"({"name":"a"})", "--alias", "prod", "--json"});
  ASSERT_EQ(invoked.code, 0) << invoked.err;
  EXPECT_EQ(invoked.json()["version"], versions_[2]);
  EXPECT_EQ(invoked.json()["alias"], "prod");
  invoked = cli_.run({"invoke", "demo/f", "10", "--alias", "beta", "--json"});
  EXPECT_EQ(invoked.json()["version"], versions_[1]);
  invoked = cli_.run({"invoke", "demo/f", R"({"name":"a"})", "--alias", "prod", "-v"});
  EXPECT_NE(invoked.err.find("alias: prod"), std::string::npos) << invoked.err;

  // Errors: an unknown version (404), a bad name or weight (400).
  EXPECT_EQ(cli_.run({"alias", "set", "demo/f", "x", "nosuchversion"}).code, 5);
  EXPECT_EQ(cli_.run({"alias", "set", "demo/f", "Bad Name", versions_[0]}).code, 7);
  EXPECT_EQ(cli_.run({"alias", "set", "demo/f", "x", versions_[0], "--canary", versions_[1],
                      "--weight", "101"})
                .code,
            7);

  const CliResult removed = cli_.run({"alias", "rm", "demo/f", "beta", "--json"});
  ASSERT_EQ(removed.code, 0) << removed.err;
  EXPECT_EQ(removed.json()["deleted"], true);
  EXPECT_EQ(cli_.run({"alias", "rm", "demo/f", "beta"}).code, 5);
  EXPECT_EQ(cli_.run({"alias", "ls", "demo/f", "--json"}).json()["aliases"].size(), 1u);
}

}  // namespace
}  // namespace wasmfaas
