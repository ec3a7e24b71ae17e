#include "unit/storage/object_store_conformance.h"

#include <set>
#include <thread>
#include <vector>

#include "common/hash.h"

namespace wasmfaas::storage {
namespace {

std::vector<uint8_t> bytes(const std::string& text) { return {text.begin(), text.end()}; }

TEST_P(ObjectStoreConformance, CreatesListsAndDeletesBuckets) {
  ASSERT_TRUE(store().create_bucket("alpha").has_value());
  EXPECT_TRUE(store().bucket_exists("alpha").value());
  EXPECT_FALSE(store().bucket_exists("beta").value());
  auto again = store().create_bucket("alpha");
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_TRUE(store().list_objects("alpha").value().empty());
  EXPECT_TRUE(store().delete_bucket("alpha").has_value());
  EXPECT_FALSE(store().bucket_exists("alpha").value());
  EXPECT_EQ(store().delete_bucket("alpha").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store().list_objects("alpha").error().code, ErrorCode::kNotFound);
}

TEST_P(ObjectStoreConformance, RejectsInvalidNames) {
  EXPECT_EQ(store().create_bucket("No").error().code, ErrorCode::kInvalidArgument);
  ASSERT_TRUE(store().create_bucket("names").has_value());
  EXPECT_EQ(store().put_object("names", "", bytes("x")).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(store().put_object("names", std::string(1025, 'k'), bytes("x")).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(store().put_object("names", "bad\xff", bytes("x")).error().code,
            ErrorCode::kInvalidArgument);
}

TEST_P(ObjectStoreConformance, PutGetHeadRoundTrip) {
  ASSERT_TRUE(store().create_bucket("round-trip").has_value());
  const auto data = bytes("some component bytes");
  auto stored = store().put_object("round-trip", "dir/key.wasm", data);
  ASSERT_TRUE(stored.has_value()) << stored.error().message;
  EXPECT_EQ(stored->key, "dir/key.wasm");
  EXPECT_EQ(stored->size, data.size());
  EXPECT_EQ(stored->etag, md5_hex(data));
  EXPECT_EQ(stored->sha256, sha256_hex(data));
  EXPECT_TRUE(stored->latest);

  auto object = store().get_object("round-trip", "dir/key.wasm", std::nullopt);
  ASSERT_TRUE(object.has_value());
  EXPECT_EQ(object->data, data);
  EXPECT_EQ(object->version.version_id, stored->version_id);
  auto head = store().head_object("round-trip", "dir/key.wasm", std::nullopt);
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->etag, stored->etag);
  EXPECT_EQ(head->sha256, stored->sha256);

  EXPECT_EQ(store().get_object("round-trip", "other", std::nullopt).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store().put_object("missing-bucket", "k", data).error().code, ErrorCode::kNotFound);
}

TEST_P(ObjectStoreConformance, KeepsEveryVersion) {
  ASSERT_TRUE(store().create_bucket("versions").has_value());
  const auto v1 = store().put_object("versions", "k", bytes("one")).value();
  const auto v2 = store().put_object("versions", "k", bytes("two")).value();
  auto versions = store().list_versions("versions", "k").value();
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].version_id, v2.version_id);
  EXPECT_TRUE(versions[0].latest);
  EXPECT_EQ(versions[1].version_id, v1.version_id);
  EXPECT_FALSE(versions[1].latest);
  EXPECT_EQ(store().get_object("versions", "k", v1.version_id).value().data, bytes("one"));
  EXPECT_EQ(store().get_object("versions", "k", std::nullopt).value().data, bytes("two"));

  // Hiding keeps the versions.
  ASSERT_TRUE(store().delete_object("versions", "k").has_value());
  EXPECT_EQ(store().get_object("versions", "k", std::nullopt).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(store().list_objects("versions").value().empty());
  EXPECT_EQ(store().delete_object("versions", "k").error().code, ErrorCode::kNotFound);
  versions = store().list_versions("versions", "k").value();
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_FALSE(versions[0].latest);
  EXPECT_EQ(store().get_object("versions", "k", v2.version_id).value().data, bytes("two"));
  EXPECT_EQ(store().delete_bucket("versions").error().code, ErrorCode::kConflict);

  // Deleting versions removes them for good.
  ASSERT_TRUE(store().delete_object_version("versions", "k", v1.version_id).has_value());
  EXPECT_EQ(store().get_object("versions", "k", v1.version_id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store().delete_object_version("versions", "k", v1.version_id).error().code,
            ErrorCode::kNotFound);
  ASSERT_TRUE(store().delete_object_version("versions", "k", v2.version_id).has_value());
  EXPECT_EQ(store().list_versions("versions", "k").error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(store().delete_bucket("versions").has_value());
}

TEST_P(ObjectStoreConformance, ListsTheLatestVisibleVersionOfEachKey) {
  ASSERT_TRUE(store().create_bucket("list").has_value());
  ASSERT_TRUE(store().put_object("list", "b", bytes("1")).has_value());
  ASSERT_TRUE(store().put_object("list", "a", bytes("22")).has_value());
  ASSERT_TRUE(store().put_object("list", "a", bytes("333")).has_value());
  ASSERT_TRUE(store().put_object("list", "c", bytes("4")).has_value());
  ASSERT_TRUE(store().delete_object("list", "c").has_value());
  const auto objects = store().list_objects("list").value();
  ASSERT_EQ(objects.size(), 2u);
  EXPECT_EQ(objects[0].key, "a");
  EXPECT_EQ(objects[0].size, 3u);
  EXPECT_EQ(objects[1].key, "b");
  EXPECT_EQ(store().delete_bucket("list").error().code, ErrorCode::kConflict);
}

TEST_P(ObjectStoreConformance, ConcurrentWritersLoseNothing) {
  // Writers on distinct keys at once: what every S3 server must handle.
  // (Concurrent versions of one key: LocalStoreTest; versitygw 1.7.0's POSIX
  // versioning drops some of them, see docs/storage.md.)
  ASSERT_TRUE(store().create_bucket("conc").has_value());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        auto stored =
            store().put_object("conc", "key-" + std::to_string(t), bytes(std::to_string(i)));
        EXPECT_TRUE(stored.has_value()) << stored.error().message;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<std::string> ids;
  for (int t = 0; t < 4; ++t) {
    const auto versions = store().list_versions("conc", "key-" + std::to_string(t)).value();
    EXPECT_EQ(versions.size(), 10u);
    for (const auto& version : versions) ids.insert(version.version_id);
    EXPECT_EQ(store().get_object("conc", "key-" + std::to_string(t), std::nullopt).value().data,
              bytes("9"));
  }
  EXPECT_EQ(ids.size(), 40u);
}

TEST_P(ObjectStoreConformance, ListsBuckets) {
  EXPECT_TRUE(store().list_buckets().value().empty());
  ASSERT_TRUE(store().create_bucket("zeta").has_value());
  ASSERT_TRUE(store().create_bucket("alpha").has_value());
  EXPECT_EQ(store().list_buckets().value(), (std::vector<std::string>{"alpha", "zeta"}));
  ASSERT_TRUE(store().delete_bucket("zeta").has_value());
  EXPECT_EQ(store().list_buckets().value(), (std::vector<std::string>{"alpha"}));
}

TEST_P(ObjectStoreConformance, ListsEveryVersionUnderAPrefixHiddenKeysIncluded) {
  ASSERT_TRUE(store().create_bucket("all").has_value());
  const auto a1 = store().put_object("all", "p/a", bytes("1")).value();
  const auto a2 = store().put_object("all", "p/a", bytes("22")).value();
  const auto b1 = store().put_object("all", "p/b", bytes("3")).value();
  ASSERT_TRUE(store().delete_object("all", "p/b").has_value());
  ASSERT_TRUE(store().put_object("all", "q", bytes("4")).has_value());

  const auto under = store().list_object_versions("all", "p/").value();
  ASSERT_EQ(under.size(), 3u);
  EXPECT_EQ(under[0].key, "p/a");
  EXPECT_EQ(under[0].version_id, a2.version_id);
  EXPECT_TRUE(under[0].latest);
  EXPECT_EQ(under[0].size, 2u);
  EXPECT_EQ(under[1].version_id, a1.version_id);
  EXPECT_FALSE(under[1].latest);
  EXPECT_EQ(under[2].key, "p/b");  // hidden: listed, not latest
  EXPECT_EQ(under[2].version_id, b1.version_id);
  EXPECT_FALSE(under[2].latest);
  EXPECT_EQ(store().list_object_versions("all", "").value().size(), 4u);
  EXPECT_TRUE(store().list_object_versions("all", "none/").value().empty());
  const auto missing = store().list_object_versions("missing-bucket", "");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().reason, reason::kBucketNotFound);
}

TEST_P(ObjectStoreConformance, NotFoundErrorsSayWhatIsMissing) {
  ASSERT_TRUE(store().create_bucket("found").has_value());
  const auto stored = store().put_object("found", "k", bytes("1")).value();
  const auto no_bucket = store().get_object("no-bucket", "k", std::nullopt);
  EXPECT_EQ(no_bucket.error().reason, reason::kBucketNotFound);
  EXPECT_EQ(store().put_object("no-bucket", "k", bytes("1")).error().reason,
            reason::kBucketNotFound);
  const auto no_key = store().get_object("found", "other", std::nullopt);
  EXPECT_EQ(no_key.error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(no_key.error().reason.empty());
  const auto no_version = store().get_object("found", "k", "0123456789abcdef");
  EXPECT_EQ(no_version.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(no_version.error().reason, reason::kVersionNotFound);
  EXPECT_EQ(store().head_object("found", "k", "0123456789abcdef").error().reason,
            reason::kVersionNotFound);
  EXPECT_EQ(store().get_object("found", "k", stored.version_id).value().data, bytes("1"));
}

}  // namespace
}  // namespace wasmfaas::storage
