// Aliases and rollback through DeploymentService and ExecutionService on
// both stores: where aliases are stored, how long a node trusts what it
// read, what refuses (unknown versions, aliased versions), what a bucket's
// deletion takes along, and rollbacks keeping the history.
#include "api/function_aliases.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/test_services.h"
#include "support/test_store.h"

namespace wasmfaas::api {
namespace {

using testing::StoreKind;
using testing::TestServices;
using testing::TestStore;

class FunctionAliasesTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(deployments().create_bucket("box").has_value());
    first_ = services_.deploy("box", "hello", "hello").version_id;
    second_ = services_.deploy("box", "hello", "hello").version_id;
  }

  DeploymentService& deployments() { return services_.deployments(); }

  FunctionAlias set(const std::string& name, const std::string& body) {
    auto alias = deployments().set_alias("box", "hello", name, body);
    EXPECT_TRUE(alias.has_value()) << alias.error().message;
    return alias.value_or(FunctionAlias{});
  }

  TestStore store_{GetParam()};
  TestServices services_{*store_};
  std::string first_;
  std::string second_;
};

INSTANTIATE_TEST_SUITE_P(Stores, FunctionAliasesTest,
                         ::testing::Values(StoreKind::kLocal, StoreKind::kS3),
                         testing::store_param_name);

TEST_P(FunctionAliasesTest, AliasesAreOneObjectInTheSystemBucketSortedByName) {
  set("prod", R"({"version":")" + first_ + R"("})");
  set("canary", R"({"version":")" + second_ + R"(","canary":{"version":")" + first_ +
                    R"(","weight":30}})");
  set("prod", R"({"version":")" + second_ + R"("})");  // replaces
  const auto aliases = deployments().list_aliases("box", "hello").value();
  ASSERT_EQ(aliases.size(), 2u);
  EXPECT_EQ(aliases[0], (FunctionAlias{"canary", second_, AliasCanary{first_, 30}}));
  EXPECT_EQ(aliases[1], (FunctionAlias{"prod", second_, std::nullopt}));
  const auto stored = store_->get_object(services_.system().name(),
                                         SystemBucket::aliases_key("box", "hello"), std::nullopt);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(std::string(stored->data.begin(), stored->data.end()), aliases_json(aliases));
  // The user's bucket holds only the function.
  const auto in_bucket = store_->list_object_versions("box", "").value();
  ASSERT_EQ(in_bucket.size(), 2u);
  for (const auto& version : in_bucket) EXPECT_EQ(version.key, "hello");

  ASSERT_TRUE(deployments().delete_alias("box", "hello", "canary").has_value());
  ASSERT_TRUE(deployments().delete_alias("box", "hello", "prod").has_value());
  EXPECT_TRUE(deployments().list_aliases("box", "hello").value().empty());
  const auto missing = deployments().delete_alias("box", "hello", "prod");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().reason, reason::kAliasNotFound);
  // No aliases left: no object left.
  EXPECT_FALSE(store_->get_object(services_.system().name(),
                                  SystemBucket::aliases_key("box", "hello"), std::nullopt)
                   .has_value());
}

TEST_P(FunctionAliasesTest, AnAliasMustNameVersionsOfAFunctionThatExist) {
  const auto unknown =
      deployments().set_alias("box", "hello", "prod", R"({"version":"0123456789abcdef"})");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().reason, reason::kVersionNotFound);
  const auto unknown_canary = deployments().set_alias(
      "box", "hello", "prod",
      R"({"version":")" + first_ + R"(","canary":{"version":"0123456789abcdef","weight":5}})");
  ASSERT_FALSE(unknown_canary.has_value());
  EXPECT_EQ(unknown_canary.error().reason, reason::kVersionNotFound);
  const auto no_function =
      deployments().set_alias("box", "ghost", "prod", R"({"version":"0123456789abcdef"})");
  ASSERT_FALSE(no_function.has_value());
  EXPECT_EQ(no_function.error().reason, reason::kFunctionNotFound);
  EXPECT_EQ(deployments().list_aliases("box", "ghost").error().reason,
            reason::kFunctionNotFound);
  EXPECT_EQ(deployments().list_aliases("nobox", "hello").error().reason,
            reason::kBucketNotFound);
  EXPECT_TRUE(deployments().list_aliases("box", "hello").value().empty());
}

TEST_P(FunctionAliasesTest, AVersionAnAliasPointsToCannotBeDeleted) {
  set("prod", R"({"version":")" + second_ + R"(","canary":{"version":")" + first_ +
                  R"(","weight":10}})");
  for (const std::string& version : {first_, second_}) {
    const auto refused = deployments().delete_file("box", "hello", version);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
    EXPECT_NE(refused.error().message.find("alias 'prod'"), std::string::npos);
  }
  // Hiding the function keeps its aliases; the aliased versions still run.
  ASSERT_TRUE(deployments().delete_file("box", "hello", std::nullopt).has_value());
  EXPECT_EQ(deployments().list_aliases("box", "hello").value().size(), 1u);
  EXPECT_TRUE(services_.execution().alias_version("box", "hello", "prod").has_value());
  ASSERT_TRUE(deployments().delete_alias("box", "hello", "prod").has_value());
  EXPECT_TRUE(deployments().delete_file("box", "hello", first_).has_value());
}

TEST_P(FunctionAliasesTest, DeletingTheBucketDeletesItsAliases) {
  // Aliases block deleting the versions they name, so an emptied bucket
  // keeps aliases only when a node lost a race: write one directly.
  ASSERT_TRUE(deployments().delete_file("box", "hello", first_).has_value());
  ASSERT_TRUE(deployments().delete_file("box", "hello", second_).has_value());
  const std::string leftover = aliases_json({{"prod", second_, std::nullopt}});
  ASSERT_TRUE(services_.system()
                  .put(*store_, SystemBucket::aliases_key("box", "hello"),
                       std::span(reinterpret_cast<const uint8_t*>(leftover.data()),
                                 leftover.size()))
                  .has_value());
  const auto deleted = deployments().delete_bucket("box");
  ASSERT_TRUE(deleted.has_value()) << deleted.error().message;
  EXPECT_TRUE(store_->list_object_versions(services_.system().name(), "").value().empty());
}

TEST_P(FunctionAliasesTest, ExecutionPicksTheAliasVersionsAndNamesWhatIsMissing) {
  set("prod", R"({"version":")" + first_ + R"("})");
  set("all", R"({"version":")" + first_ + R"(","canary":{"version":")" + second_ +
                 R"(","weight":100}})");
  set("none", R"({"version":")" + first_ + R"(","canary":{"version":")" + second_ +
                  R"(","weight":0}})");
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(services_.execution().alias_version("box", "hello", "prod").value(), first_);
    EXPECT_EQ(services_.execution().alias_version("box", "hello", "all").value(), second_);
    EXPECT_EQ(services_.execution().alias_version("box", "hello", "none").value(), first_);
  }
  EXPECT_EQ(services_.execution().alias_version("box", "hello", "other").error().reason,
            reason::kAliasNotFound);
  EXPECT_EQ(services_.execution().alias_version("box", "ghost", "prod").error().reason,
            reason::kFunctionNotFound);
  EXPECT_EQ(services_.execution().alias_version("nobox", "hello", "prod").error().reason,
            reason::kBucketNotFound);
  EXPECT_EQ(services_.execution().alias_version("box", "hello", "BAD").error().code,
            ErrorCode::kInvalidArgument);
}

TEST_P(FunctionAliasesTest, RollbackStoresTheTargetsBytesAndConfigAsANewVersion) {
  const auto configured =
      deployments().put_config("box", "hello", R"({"env":{"STAGE":"three"}})").value();
  // Default: the version before the current one (second_, without config).
  const auto back = deployments().rollback("box", "hello", std::nullopt).value();
  EXPECT_EQ(back.from, second_);
  auto history = deployments().versions("box", "hello").value();
  ASSERT_EQ(history.size(), 4u);
  EXPECT_EQ(history[0].version_id, back.version.version_id);
  EXPECT_TRUE(history[0].latest);
  EXPECT_EQ(history[0].sha256, history[2].sha256);
  EXPECT_TRUE(deployments().get_config("box", "hello").value().env.empty());

  // To a named version: its config comes back too.
  const auto forward = deployments().rollback("box", "hello", configured.version_id).value();
  EXPECT_EQ(forward.from, configured.version_id);
  EXPECT_EQ(deployments().versions("box", "hello").value().size(), 5u);
  const auto env = deployments().get_config("box", "hello").value().env;
  ASSERT_EQ(env.size(), 1u);
  EXPECT_EQ(env.at("STAGE"), "three");

  const auto current = deployments().rollback("box", "hello", forward.version.version_id);
  ASSERT_FALSE(current.has_value());
  EXPECT_EQ(current.error().code, ErrorCode::kConflict);
  const auto unknown = deployments().rollback("box", "hello", std::string("0123456789abcdef"));
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().reason, reason::kVersionNotFound);
  EXPECT_EQ(deployments().rollback("box", "ghost", std::nullopt).error().reason,
            reason::kFunctionNotFound);
}

TEST_P(FunctionAliasesTest, AFunctionWithOneVersionHasNothingToRollBackTo) {
  services_.deploy("box", "single", "hello");
  const auto refused = deployments().rollback("box", "single", std::nullopt);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
}

// Two FunctionAliases over one store stand for two nodes.
TEST(FunctionAliasesCacheTest, ANodeTrustsWhatItReadForTheFreshnessWindowUnlessForgotten) {
  TestStore store(StoreKind::kLocal);
  const SystemBucket system;
  ASSERT_TRUE(system.prepare(*store).has_value());
  FunctionAliases writer(*store, system, std::chrono::milliseconds(0));
  FunctionAliases reader(*store, system, std::chrono::hours(1));
  std::vector<std::string> published;
  writer.set_publisher([&](std::string_view bucket, std::string_view key) {
    published.push_back(std::string(bucket) + "/" + std::string(key));
  });
  const auto set_version = [&](const std::string& version) {
    return writer.update("box", "f", [&](std::vector<FunctionAlias>& aliases) {
      aliases = {{"prod", version, std::nullopt}};
      return Result<void>();
    });
  };
  ASSERT_TRUE(set_version("v1").has_value());
  EXPECT_EQ(published, std::vector<std::string>{"box/f"});
  EXPECT_EQ(reader.find("box", "f", "prod").value().version_id, "v1");
  ASSERT_TRUE(set_version("v2").has_value());
  // Within its window the reader serves what it read...
  EXPECT_EQ(reader.find("box", "f", "prod").value().version_id, "v1");
  EXPECT_EQ(reader.read("box", "f").value()[0].version_id, "v2");
  // ...until told of the change (a change notice).
  reader.forget("box", "f");
  EXPECT_EQ(reader.find("box", "f", "prod").value().version_id, "v2");
  ASSERT_TRUE(set_version("v3").has_value());
  reader.forget_all();
  EXPECT_EQ(reader.find("box", "f", "prod").value().version_id, "v3");
  // A window of 0 asks the store every time.
  ASSERT_TRUE(set_version("v4").has_value());
  EXPECT_EQ(writer.find("box", "f", "prod").value().version_id, "v4");
  // A change that fails stores nothing and publishes nothing.
  const auto failed = writer.update("box", "f", [](std::vector<FunctionAlias>&) -> Result<void> {
    return make_error(ErrorCode::kConflict, "no");
  });
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(published.size(), 4u);
  EXPECT_EQ(writer.find("box", "f", "prod").value().version_id, "v4");
}

}  // namespace
}  // namespace wasmfaas::api
