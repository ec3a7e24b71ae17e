// wasmfaas's own data in its system bucket, over a real server on both
// stores: users' buckets hold only functions (as any S3 client sees them),
// emptied buckets can be deleted and full ones are counted, the system
// bucket is out of reach through the API, and a server started on a store
// an older release wrote moves that release's metadata at start.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "storage/local/local_store.h"
#include "support/components.h"
#include "support/http_client.h"
#include "support/temp_dir.h"
#include "support/test_server.h"

namespace wasmfaas {
namespace {

using nlohmann::json;
using testing::HttpClient;
using testing::HttpResult;
using testing::load_component_text;
using testing::StoreKind;
using testing::TestServer;

HttpResult put_json(HttpClient& client, const std::string& target, const std::string& body) {
  return client.request(boost::beast::http::verb::put, target, body,
                        {{"Content-Type", "application/json"}});
}

class SystemBucketTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    ASSERT_EQ(client_.put("/bucket/box").status, 201);
    const HttpResult uploaded =
        client_.post("/file/box/hello", load_component_text("hello"), "application/wasm");
    ASSERT_EQ(uploaded.status, 201);
  }

  TestServer server_{GetParam()};
  HttpClient client_{server_.port()};
};

INSTANTIATE_TEST_SUITE_P(Stores, SystemBucketTest,
                         ::testing::Values(StoreKind::kLocal, StoreKind::kS3),
                         testing::store_param_name);

TEST_P(SystemBucketTest, ABucketHoldsOnlyFunctionsAndCanBeDeletedOnceTheyAreGone) {
  ASSERT_EQ(put_json(client_, "/config/box/hello", R"({"timeout_ms":1000})").status, 200);
  ASSERT_EQ(put_json(client_, "/pipeline/box/greet", R"({"steps":["hello"]})").status, 201);
  const auto stored = server_.store().list_object_versions("box", "").value();
  for (const auto& version : stored) {
    EXPECT_EQ(version.key, "hello");
  }

  const HttpResult refused = client_.del("/bucket/box");
  EXPECT_EQ(refused.status, 409);
  const json error = json::parse(refused.body);
  EXPECT_EQ(error["code"], "bucket_not_empty");
  EXPECT_TRUE(error["error"].get<std::string>().starts_with(
      "bucket 'box' is not empty: 1 function, 1 pipeline"))
      << refused.body;

  ASSERT_EQ(client_.del("/pipeline/box/greet").status, 200);
  ASSERT_EQ(client_.del("/file/box/hello").status, 200);
  const json versions = json::parse(client_.get("/file/box/hello?versions").body)["versions"];
  for (const auto& version : versions) {
    const std::string id = version["version"];
    ASSERT_EQ(client_.del("/file/box/hello?version=" + id).status, 200);
  }
  const HttpResult deleted = client_.del("/bucket/box");
  EXPECT_EQ(deleted.status, 200) << deleted.body;
}

TEST_P(SystemBucketTest, TheSystemBucketIsOutOfReach) {
  for (const HttpResult& result :
       {client_.put("/bucket/wasmfaas-system"), client_.get("/bucket/wasmfaas-system"),
        client_.del("/bucket/wasmfaas-system"), client_.get("/file/wasmfaas-system/config"),
        client_.post("/exec/wasmfaas-system/x", "{}"),
        client_.get("/pipeline/wasmfaas-system")}) {
    EXPECT_EQ(result.status, 400) << result.body;
    EXPECT_NE(result.body.find("holds wasmfaas's own data"), std::string::npos) << result.body;
  }
}

TEST_P(SystemBucketTest, MissingThingsAreNamedInTheApisWords) {
  const json function = json::parse(client_.get("/file/box/nope").body);
  EXPECT_EQ(function["error"], "no function 'nope' in bucket 'box'");
  EXPECT_EQ(function["code"], "function_not_found");
  const HttpResult pinned = client_.post("/exec/box/hello?version=0123456789abcdef", "{}");
  EXPECT_EQ(json::parse(pinned.body)["code"], "version_not_found");
  const json bucket = json::parse(
      client_.post("/file/nobucket/f", load_component_text("hello"), "application/wasm").body);
  EXPECT_EQ(bucket["code"], "bucket_not_found");
  EXPECT_NE(bucket["error"].get<std::string>().find("PUT /bucket/nobucket"), std::string::npos);
  EXPECT_EQ(json::parse(client_.get("/pipeline/box/never").body)["code"], "pipeline_not_found");
  const json config = json::parse(put_json(client_, "/config/box/hello", "{\"timeout_ms\":").body);
  EXPECT_EQ(config["code"], "invalid_json");
  EXPECT_NE(config["error"].get<std::string>().find("column"), std::string::npos) << config;
}

TEST(SystemBucketMigrationTest, AServerStartedOnAnOlderReleasesStoreMovesItsMetadata) {
  testing::TempDir dir;
  {
    // What an older release left: a config and a pipeline inside the bucket.
    auto store = std::move(*storage::LocalStore::open(dir.path()));
    ASSERT_TRUE(store->create_bucket("box").has_value());
    const auto hello = store->put_object("box", "hello", testing::load_component("hello")).value();
    const std::string config = R"({"allowed_hosts":[],"env":{"K":"V"}})";
    const std::string pipeline = R"({"steps":["hello"]})";
    ASSERT_TRUE(store->put_object("box", ".wasmfaas/config/hello/" + hello.version_id,
                                  std::vector<uint8_t>(config.begin(), config.end())));
    ASSERT_TRUE(store->put_object("box", ".wasmfaas/pipelines/greet",
                                  std::vector<uint8_t>(pipeline.begin(), pipeline.end())));
  }
  TestServer server({}, dir.path());
  HttpClient client(server.port());
  EXPECT_EQ(json::parse(client.get("/config/box/hello").body)["env"], json({{"K", "V"}}));
  EXPECT_EQ(json::parse(client.get("/pipeline/box").body)["pipelines"], json({"greet"}));
  EXPECT_EQ(server.store().list_object_versions("box", ".wasmfaas/").value().size(), 0u);
}

}  // namespace
}  // namespace wasmfaas
