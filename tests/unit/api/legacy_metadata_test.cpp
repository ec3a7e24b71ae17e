// The move of configs and pipelines that older releases kept in users'
// buckets (".wasmfaas/...") into the system bucket, on both stores.
#include "api/legacy_metadata.h"

#include <gtest/gtest.h>

#include <string>

#include "support/test_services.h"
#include "support/test_store.h"

namespace wasmfaas::api {
namespace {

using testing::StoreKind;
using testing::TestServices;
using testing::TestStore;

std::vector<uint8_t> bytes(const std::string& text) { return {text.begin(), text.end()}; }

std::string text_of(const storage::Object& object) {
  return std::string(object.data.begin(), object.data.end());
}

class LegacyMetadataTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  // Buckets as an older release left them: a function with a config and
  // two pipelines in "box" (one deleted), a pipeline in "cup".
  void SetUp() override {
    for (const char* bucket : {"box", "cup"}) {
      ASSERT_TRUE(store_->create_bucket(bucket).has_value());
    }
    hello_ = store_->put_object("box", "hello", testing::load_component("hello")).value();
    put("box", ".wasmfaas/config/hello/" + hello_.version_id,
        R"({"allowed_hosts":[],"env":{"K":"V"}})");
    put("box", ".wasmfaas/pipelines/greet", R"({"steps":["hello"]})");
    put("box", ".wasmfaas/pipelines/old", R"({"steps":["hello"]})");
    ASSERT_TRUE(store_->delete_object("box", ".wasmfaas/pipelines/old").has_value());
    put("cup", ".wasmfaas/pipelines/x", R"({"steps":["f"]})");
    ASSERT_TRUE(system_.prepare(*store_).has_value());
  }

  void put(const std::string& bucket, const std::string& key, const std::string& text) {
    ASSERT_TRUE(store_->put_object(bucket, key, bytes(text)).has_value());
  }

  std::string system_text(const std::string& key) {
    auto object = store_->get_object(system_.name(), key, std::nullopt);
    return object ? text_of(*object) : "(" + object.error().message + ")";
  }

  TestStore store_{GetParam()};
  const SystemBucket system_;
  storage::ObjectVersion hello_;
};

INSTANTIATE_TEST_SUITE_P(Stores, LegacyMetadataTest,
                         ::testing::Values(StoreKind::kLocal, StoreKind::kS3),
                         testing::store_param_name);

TEST_P(LegacyMetadataTest, MovesEveryLegacyObjectIntoTheSystemBucket) {
  const auto moved = migrate_legacy_metadata(*store_, system_);
  ASSERT_TRUE(moved.has_value()) << moved.error().message;
  EXPECT_EQ(*moved, 3u);
  // Nothing of it is left in the users' buckets, not even a version.
  for (const char* bucket : {"box", "cup"}) {
    EXPECT_TRUE(store_->list_object_versions(bucket, ".wasmfaas/").value().empty()) << bucket;
  }
  EXPECT_EQ(store_->list_object_versions("box", "").value().size(), 1u);  // hello
  EXPECT_EQ(system_text("config/box/hello/" + hello_.version_id),
            R"({"allowed_hosts":[],"env":{"K":"V"}})");
  EXPECT_EQ(system_text("pipeline/box/greet"), R"({"steps":["hello"]})");
  EXPECT_EQ(system_text("pipeline/cup/x"), R"({"steps":["f"]})");
  EXPECT_FALSE(store_->head_object(system_.name(), "pipeline/box/old", std::nullopt).has_value());

  // The services find them where they now are.
  TestServices services(*store_);
  EXPECT_EQ(services.deployments().get_config("box", "hello").value().env.at("K"), "V");
  EXPECT_EQ(services.pipelines().list("box").value(), std::vector<std::string>{"greet"});
  EXPECT_EQ(services.pipelines().get("cup", "x").value().steps.at(0).key, "f");
}

TEST_P(LegacyMetadataTest, RunningItAgainOrAfterAnInterruptionMovesNothingTwice) {
  // An earlier run copied "greet" and stopped before deleting it.
  ASSERT_TRUE(
      store_->put_object(system_.name(), "pipeline/box/greet", bytes(R"({"steps":["hello"]})"))
          .has_value());
  EXPECT_EQ(migrate_legacy_metadata(*store_, system_).value(), 2u);
  EXPECT_EQ(store_->list_versions(system_.name(), "pipeline/box/greet").value().size(), 1u);
  EXPECT_TRUE(store_->list_object_versions("box", ".wasmfaas/").value().empty());
  EXPECT_EQ(migrate_legacy_metadata(*store_, system_).value(), 0u);
  EXPECT_EQ(store_->list_object_versions(system_.name(), "").value().size(), 3u);
}

}  // namespace
}  // namespace wasmfaas::api
