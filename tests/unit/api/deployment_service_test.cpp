// DeploymentService on both stores: wasmfaas's metadata stays out of users'
// buckets, deleting a bucket counts what the user sees, the system bucket
// is out of reach, configs, and errors in the API's words.
#include "api/deployment_service.h"

#include <gtest/gtest.h>

#include <string>

#include "support/test_services.h"
#include "support/test_store.h"

namespace wasmfaas::api {
namespace {

using testing::StoreKind;
using testing::TestServices;
using testing::TestStore;

class DeploymentServiceTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override { ASSERT_TRUE(deployments().create_bucket("box").has_value()); }

  DeploymentService& deployments() { return services_.deployments(); }

  TestStore store_{GetParam()};
  TestServices services_{*store_};
};

INSTANTIATE_TEST_SUITE_P(Stores, DeploymentServiceTest,
                         ::testing::Values(StoreKind::kLocal, StoreKind::kS3),
                         testing::store_param_name);

TEST_P(DeploymentServiceTest, TheStoreShowsOnlyFunctionsInAUsersBucket) {
  services_.deploy("box", "hello", "hello");
  ASSERT_TRUE(deployments().put_config("box", "hello", R"({"timeout_ms":1000})").has_value());
  ASSERT_TRUE(services_.pipelines().put("box", "greet", R"({"steps":["hello"]})").has_value());
  // What any S3 client listing the bucket sees.
  const auto versions = store_->list_object_versions("box", "").value();
  ASSERT_EQ(versions.size(), 2u);  // the upload and the config change
  for (const auto& version : versions) EXPECT_EQ(version.key, "hello");
  EXPECT_EQ(deployments().get_config("box", "hello").value().timeout,
            std::chrono::milliseconds(1000));
  EXPECT_EQ(services_.pipelines().list("box").value(), std::vector<std::string>{"greet"});
}

TEST_P(DeploymentServiceTest, ABucketThatHeldAConfigAndAPipelineCanBeDeletedOnceEmptied) {
  const auto uploaded = services_.deploy("box", "hello", "hello");
  const auto configured = deployments().put_config("box", "hello", R"({"env":{"K":"V"}})").value();
  ASSERT_TRUE(services_.pipelines().put("box", "greet", R"({"steps":["hello"]})").has_value());
  ASSERT_TRUE(services_.pipelines().remove("box", "greet").has_value());
  ASSERT_TRUE(deployments().delete_file("box", "hello", std::nullopt).has_value());
  ASSERT_TRUE(deployments().delete_file("box", "hello", uploaded.version_id).has_value());
  ASSERT_TRUE(deployments().delete_file("box", "hello", configured.version_id).has_value());

  const auto deleted = deployments().delete_bucket("box");
  ASSERT_TRUE(deleted.has_value()) << deleted.error().message;
  EXPECT_FALSE(store_->bucket_exists("box").value());
  // Nothing of it is left in the system bucket either.
  EXPECT_TRUE(store_->list_object_versions(services_.system().name(), "").value().empty());
}

TEST_P(DeploymentServiceTest, DeletingABucketRemovesTheConfigsOfItsFormerFunctions) {
  services_.deploy("box", "hello", "hello");
  ASSERT_TRUE(deployments().put_config("box", "hello", R"({"env":{"K":"V"}})").has_value());
  // Its versions deleted by another S3 client: their configs are left over.
  const auto versions = store_->list_versions("box", "hello").value();
  for (const auto& version : versions) {
    ASSERT_TRUE(store_->delete_object_version("box", "hello", version.version_id).has_value());
  }
  const std::string system = services_.system().name();
  ASSERT_EQ(store_->list_object_versions(system, "config/box/").value().size(), 1u);
  ASSERT_TRUE(deployments().delete_bucket("box").has_value());
  EXPECT_TRUE(store_->list_object_versions(system, "config/box/").value().empty());
}

TEST_P(DeploymentServiceTest, DeletingAVersionForGoodDeletesItsConfig) {
  services_.deploy("box", "hello", "hello");
  const auto configured = deployments().put_config("box", "hello", R"({"env":{"K":"V"}})").value();
  const std::string system = services_.system().name();
  ASSERT_EQ(store_->list_object_versions(system, "config/box/").value().size(), 1u);
  ASSERT_TRUE(deployments().delete_file("box", "hello", configured.version_id).has_value());
  EXPECT_TRUE(store_->list_object_versions(system, "config/box/").value().empty());
}

TEST_P(DeploymentServiceTest, ANonEmptyBucketIsCountedInTheUsersWords) {
  services_.deploy("box", "one", "hello");
  services_.deploy("box", "two", "hello");
  services_.deploy("box", "gone", "hello");
  ASSERT_TRUE(deployments().delete_file("box", "gone", std::nullopt).has_value());
  ASSERT_TRUE(services_.pipelines().put("box", "p", R"({"steps":["one"]})").has_value());
  const auto refused = deployments().delete_bucket("box");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_EQ(refused.error().reason, reason::kBucketNotEmpty);
  EXPECT_TRUE(refused.error().message.starts_with(
      "bucket 'box' is not empty: 2 functions, 1 hidden version, 1 pipeline"))
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("?version="), std::string::npos);
}

TEST_P(DeploymentServiceTest, TheSystemBucketIsNoUsersBucket) {
  const std::string system = services_.system().name();
  EXPECT_EQ(deployments().list_buckets().value(), std::vector<std::string>{"box"});
  for (const auto& error :
       {deployments().create_bucket(system).error(), deployments().delete_bucket(system).error(),
        deployments().list_bucket(system).error(),
        deployments().upload(system, "k", testing::load_component("hello")).error(),
        deployments().download(system, "config/x", std::nullopt).error(),
        deployments().function_exists(system, "k").error(),
        services_.execution().exec(system, "k", std::nullopt, "").output.error(),
        services_.pipelines().list(system).error()}) {
    EXPECT_EQ(error.code, ErrorCode::kInvalidArgument);
    EXPECT_NE(error.message.find("'" + system + "' holds wasmfaas's own data"), std::string::npos)
        << error.message;
  }
}

TEST_P(DeploymentServiceTest, AnUnchangedConfigAddsNoVersion) {
  services_.deploy("box", "hello", "hello");
  const auto first = deployments().put_config("box", "hello", R"({"timeout_ms":1000,"env":{}})");
  ASSERT_TRUE(first.has_value()) << first.error().message;
  // The same config, written differently.
  const auto same =
      deployments().put_config("box", "hello", R"({ "env": {}, "timeout_ms": 1000 })");
  ASSERT_TRUE(same.has_value());
  EXPECT_EQ(same->version_id, first->version_id);
  EXPECT_EQ(deployments().versions("box", "hello").value().size(), 2u);
  // An empty config on a function without one changes nothing either.
  services_.deploy("box", "plain", "hello");
  ASSERT_TRUE(deployments().put_config("box", "plain", "{}").has_value());
  EXPECT_EQ(deployments().versions("box", "plain").value().size(), 1u);
  // PUT replaces the whole config: fields left out go back to the defaults.
  ASSERT_TRUE(deployments().put_config("box", "hello", R"({"memory_mb":16})").has_value());
  const FunctionConfig replaced = deployments().get_config("box", "hello").value();
  EXPECT_FALSE(replaced.timeout.has_value());
  EXPECT_EQ(replaced.memory_mb, 16u);
  EXPECT_EQ(deployments().versions("box", "hello").value().size(), 3u);
}

TEST_P(DeploymentServiceTest, ConfigErrorsSayWhetherTheJsonOrTheConfigIsWrong) {
  services_.deploy("box", "hello", "hello");
  const Error not_json = deployments().put_config("box", "hello", R"({"timeout_ms": 10,})").error();
  EXPECT_EQ(not_json.code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(not_json.reason, reason::kInvalidJson);
  EXPECT_TRUE(not_json.message.starts_with("the config is not valid JSON: ")) << not_json.message;
  EXPECT_NE(not_json.message.find("line 1, column 19"), std::string::npos) << not_json.message;
  const Error bad_field = deployments().put_config("box", "hello", R"({"timeout_ms":-1})").error();
  EXPECT_EQ(bad_field.reason, reason::kInvalidConfig);
  EXPECT_NE(bad_field.message.find("timeout_ms"), std::string::npos);
  EXPECT_EQ(deployments().put_config("box", "hello", R"({"colour":1})").error().reason,
            reason::kInvalidConfig);
  EXPECT_EQ(deployments().put_config("box", "hello", "[]").error().reason, reason::kInvalidConfig);
}

TEST_P(DeploymentServiceTest, ErrorsSpeakOfFunctionsVersionsAndBuckets) {
  const auto stored = services_.deploy("box", "hello", "hello");
  const Error no_function = deployments().download("box", "nope", std::nullopt).error();
  EXPECT_EQ(no_function.code, ErrorCode::kNotFound);
  EXPECT_EQ(no_function.reason, reason::kFunctionNotFound);
  EXPECT_EQ(no_function.message, "no function 'nope' in bucket 'box'");
  const Error no_version = deployments().download("box", "hello", "0123456789abcdef").error();
  EXPECT_EQ(no_version.reason, reason::kVersionNotFound);
  EXPECT_EQ(no_version.message,
            "function 'hello' in bucket 'box' has no version '0123456789abcdef'");
  const Error no_bucket = deployments().get_config("nobucket", "hello").error();
  EXPECT_EQ(no_bucket.reason, reason::kBucketNotFound);
  EXPECT_EQ(no_bucket.message, "bucket 'nobucket' does not exist");
  const Error upload =
      deployments().upload("nobucket", "k", testing::load_component("hello")).error();
  EXPECT_EQ(upload.reason, reason::kBucketNotFound);
  EXPECT_NE(upload.message.find("PUT /bucket/nobucket"), std::string::npos) << upload.message;
  for (const Error& error :
       {deployments().versions("box", "nope").error(),
        deployments().delete_file("box", "nope", std::nullopt).error(),
        deployments().put_config("box", "nope", "{}").error(),
        deployments().get_config("box", "nope").error(),
        services_.execution().exec("box", "nope", std::nullopt, "").output.error()}) {
    EXPECT_EQ(error.reason, reason::kFunctionNotFound) << error.message;
    EXPECT_EQ(error.message, "no function 'nope' in bucket 'box'");
  }
  EXPECT_EQ(deployments().list_bucket("nobucket").error().reason, reason::kBucketNotFound);
  EXPECT_EQ(deployments().delete_bucket("nobucket").error().reason, reason::kBucketNotFound);
  EXPECT_EQ(deployments().delete_file("box", "hello", "0123456789abcdef").error().reason,
            reason::kVersionNotFound);
  EXPECT_TRUE(deployments().download("box", "hello", stored.version_id).has_value());
}

TEST_P(DeploymentServiceTest, FunctionExistsWhileItHasAnyVersion) {
  const auto stored = services_.deploy("box", "hello", "hello");
  EXPECT_TRUE(deployments().function_exists("box", "hello").has_value());
  ASSERT_TRUE(deployments().delete_file("box", "hello", std::nullopt).has_value());
  EXPECT_TRUE(deployments().function_exists("box", "hello").has_value());  // hidden, not gone
  ASSERT_TRUE(deployments().delete_file("box", "hello", stored.version_id).has_value());
  EXPECT_EQ(deployments().function_exists("box", "hello").error().reason,
            reason::kFunctionNotFound);
  EXPECT_EQ(deployments().function_exists("nobucket", "hello").error().reason,
            reason::kBucketNotFound);
}

}  // namespace
}  // namespace wasmfaas::api
