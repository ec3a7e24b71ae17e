// S3Store against a real S3 server (versitygw): the shared conformance suite
// and S3-specific behaviour (pagination, errors, failures).
#include "storage/s3/s3_store.h"

#include <gtest/gtest.h>

#include "support/versitygw.h"
#include "unit/storage/object_store_conformance.h"

namespace wasmfaas::storage {
namespace {

using wasmfaas::testing::VersityGateway;

// An S3Store together with the gateway it talks to.
struct S3StoreOnGateway {
  VersityGateway gateway;
  std::unique_ptr<S3Store> store = gateway.open_store();
};

StoreFactory s3_factory() {
  return {"s3", [] {
            auto holder = std::make_shared<S3StoreOnGateway>();
            return std::shared_ptr<ObjectStore>(holder, holder->store.get());
          }};
}

INSTANTIATE_TEST_SUITE_P(S3, ObjectStoreConformance, ::testing::Values(s3_factory()),
                         [](const auto& info) { return info.param.name; });

TEST(S3StoreTest, ListsMoreThanAThousandKeysCompletely) {
  S3StoreOnGateway s3;
  ASSERT_TRUE(s3.store->create_bucket("many").has_value());
  const std::vector<uint8_t> byte = {'x'};
  std::vector<std::thread> writers;
  for (int t = 0; t < 8; ++t) {
    writers.emplace_back([&, t] {
      for (int i = t; i < 1100; i += 8) {
        ASSERT_TRUE(s3.store->put_object("many", "key-" + std::to_string(i), byte).has_value());
      }
    });
  }
  for (auto& writer : writers) writer.join();
  const auto objects = s3.store->list_objects("many");
  ASSERT_TRUE(objects.has_value()) << objects.error().message;
  EXPECT_EQ(objects->size(), 1100u);
}

TEST(S3StoreTest, ABucketMadeWithoutVersioningKeepsVersionsFromItsFirstUpload) {
  S3StoreOnGateway s3;
  ASSERT_EQ(s3.gateway.create_bucket_without_versioning("plain"), 200);
  const std::vector<uint8_t> one = {'1'}, two = {'2'};
  const auto first = s3.store->put_object("plain", "k", one);
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_FALSE(first->version_id.empty());
  EXPECT_NE(first->version_id, "null");
  const auto second = s3.store->put_object("plain", "k", two);
  ASSERT_TRUE(second.has_value()) << second.error().message;
  EXPECT_NE(second->version_id, first->version_id);
  EXPECT_EQ(s3.store->get_object("plain", "k", first->version_id).value().data, one);
  EXPECT_EQ(s3.store->get_object("plain", "k", std::nullopt).value().data, two);
}

TEST(S3StoreTest, CreatingAnExistingBucketMadeWithoutVersioningTurnsItOn) {
  S3StoreOnGateway s3;
  ASSERT_EQ(s3.gateway.create_bucket_without_versioning("plain"), 200);
  EXPECT_EQ(s3.store->create_bucket("plain").error().code, ErrorCode::kAlreadyExists);
  // Versioned already: the upload is one request, with a version id.
  const uint64_t before = s3.store->requests_sent();
  const auto stored = s3.store->put_object("plain", "k", std::vector<uint8_t>{'1'});
  ASSERT_TRUE(stored.has_value()) << stored.error().message;
  EXPECT_EQ(s3.store->requests_sent() - before, 1u);
  EXPECT_FALSE(stored->version_id.empty());
}

TEST(S3StoreTest, WrongCredentialsAreRejectedClearly) {
  VersityGateway gateway;
  S3Config config = gateway.config();
  config.credentials.secret_access_key = "wrong";
  auto store = std::move(*S3Store::open(config));
  auto result = store->create_bucket("denied");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kStorageRejected);
  EXPECT_NE(result.error().message.find("storage rejected the request: "), std::string::npos)
      << result.error().message;
}

TEST(S3StoreTest, AnUnreachableServerIsUnavailable) {
  S3Config config;
  config.endpoint = "http://127.0.0.1:" + std::to_string(wasmfaas::testing::free_port());
  config.credentials = {"a", "b", ""};
  config.connect_timeout = std::chrono::milliseconds(200);
  auto store = std::move(*S3Store::open(config));
  auto result = store->bucket_exists("anything");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(result.error().message.find("storage unavailable"), std::string::npos);
}

TEST(S3StoreTest, RecoversWhenTheServerComesBack) {
  VersityGateway gateway;
  auto store = gateway.open_store();
  ASSERT_TRUE(store->create_bucket("comeback").has_value());
  gateway.stop();
  EXPECT_EQ(store->bucket_exists("comeback").error().code, ErrorCode::kUnavailable);
  gateway.start();
  EXPECT_TRUE(store->bucket_exists("comeback").value());
}

TEST(S3StoreTest, ConfigurationErrorsNameTheSetting) {
  S3Config config;
  EXPECT_NE(validate(config).error().message.find("endpoint"), std::string::npos);
  config.endpoint = "localhost:9000";
  EXPECT_NE(validate(config).error().message.find("http://"), std::string::npos);
  config.endpoint = "http://localhost:9000";
  EXPECT_NE(validate(config).error().message.find("AWS_ACCESS_KEY_ID"), std::string::npos);
  config.credentials.access_key_id = "a";
  EXPECT_NE(validate(config).error().message.find("AWS_SECRET_ACCESS_KEY"), std::string::npos);
  config.credentials.secret_access_key = "b";
  EXPECT_TRUE(validate(config).has_value());
}

}  // namespace
}  // namespace wasmfaas::storage
namespace wasmfaas::storage {
namespace {

// Pins down a defect of the test server, versitygw 1.7.0 (POSIX backend with
// versioning), that the HTTP tests work around: a key whose latest entry is a
// delete marker loses the next version written to it. A real S3 server
// returns it. Should versitygw fix it, this test fails and the workaround in
// HttpApiTest.VersioningRoundTrip can go.
TEST(VersityGatewayDefectTest, AWriteAfterADeleteMarkerIsLost) {
  wasmfaas::testing::VersityGateway gateway;
  auto store = gateway.open_store();
  ASSERT_TRUE(store->create_bucket("defect").has_value());
  const std::vector<uint8_t> one = {'1'}, two = {'2'};
  ASSERT_TRUE(store->put_object("defect", "k", one).has_value());
  ASSERT_TRUE(store->delete_object("defect", "k").has_value());
  ASSERT_TRUE(store->put_object("defect", "k", two).has_value());
  EXPECT_EQ(store->head_object("defect", "k", std::nullopt).error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace wasmfaas::storage
