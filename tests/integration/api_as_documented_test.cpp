// The API as docs/API.md documents it, where a review found it did not
// match: listing buckets, /logs of unknown functions, error bodies with
// machine-readable codes, and the headers of exec's error answers.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "common/hash.h"
#include "http/access_control.h"
#include "support/components.h"
#include "support/http_client.h"
#include "support/test_server.h"

namespace wasmfaas {
namespace {

using boost::beast::http::verb;
using nlohmann::json;
using testing::HttpClient;
using testing::HttpResult;
using testing::TestServer;

class ApiAsDocumentedTest : public ::testing::Test {
 protected:
  HttpResult upload(const std::string& bucket, const std::string& key,
                    const std::string& component = "hello") {
    return client_.request(verb::post, "/file/" + bucket + "/" + key,
                           testing::load_component_text(component),
                           {{"Content-Type", "application/wasm"}});
  }

  TestServer server_;
  HttpClient client_{server_.port()};
};

TEST_F(ApiAsDocumentedTest, BucketsAreListed) {
  EXPECT_EQ(json::parse(client_.get("/bucket").body), json({{"buckets", json::array()}}));
  ASSERT_EQ(client_.put("/bucket/beta").status, 201);
  ASSERT_EQ(client_.put("/bucket/alpha").status, 201);
  const HttpResult listing = client_.get("/bucket");
  ASSERT_EQ(listing.status, 200);
  EXPECT_EQ(json::parse(listing.body),
            json({{"buckets", {{{"name", "alpha"}}, {{"name", "beta"}}}}}));
}

TEST(ApiAsDocumentedTokensTest, ABucketRestrictedTokenListsOnlyItsBuckets) {
  const std::string admin = "wfs_list_admin", team = "wfs_list_team";
  server::ServerConfig config;
  config.access.tokens = {
      http::parse_token_line("root:admin:" + sha256_hex(std::string_view(admin))).value(),
      http::parse_token_line("team:admin:" + sha256_hex(std::string_view(team)) + ":alpha")
          .value()};
  TestServer server(config);
  HttpClient client(server.port());
  for (const std::string bucket : {"alpha", "beta"}) {
    ASSERT_EQ(client.request(verb::put, "/bucket/" + bucket, "",
                             {{"Authorization", "Bearer " + admin}}).status, 201);
  }
  const auto names = [&](const std::string& secret) {
    return json::parse(
        client.request(verb::get, "/bucket", "", {{"Authorization", "Bearer " + secret}}).body);
  };
  EXPECT_EQ(names(admin)["buckets"].size(), 2u);
  EXPECT_EQ(names(team), json({{"buckets", {{{"name", "alpha"}}}}}));
}

TEST_F(ApiAsDocumentedTest, LogsOfAnUnknownBucketOrFunctionAre404) {
  const HttpResult no_bucket = client_.get("/logs/nowhere/f");
  EXPECT_EQ(no_bucket.status, 404);
  EXPECT_EQ(json::parse(no_bucket.body)["code"], "bucket_not_found") << no_bucket.body;
  ASSERT_EQ(client_.put("/bucket/box").status, 201);
  const HttpResult no_function = client_.get("/logs/box/nope");
  EXPECT_EQ(no_function.status, 404);
  EXPECT_EQ(json::parse(no_function.body)["code"], "function_not_found") << no_function.body;
  ASSERT_EQ(upload("box", "f").status, 201);
  const HttpResult none_yet = client_.get("/logs/box/f");
  EXPECT_EQ(none_yet.status, 200);
  EXPECT_EQ(json::parse(none_yet.body), json({{"invocations", json::array()}}));
}

TEST_F(ApiAsDocumentedTest, EveryErrorBodyHasAMessageAndACode) {
  for (const auto& [method, target] : std::vector<std::pair<verb, std::string>>{
           {verb::get, "/nowhere"},
           {verb::get, "/bucket/NOT_VALID"},
           {verb::post, "/exec/nowhere/f"},
           {verb::patch, "/bucket/b"},
           {verb::get, "/file/b%zz/k"}}) {
    const HttpResult result = client_.request(method, target);
    const std::string what = target + " -> " + result.body;
    ASSERT_GE(result.status, 400u) << what;
    const json body = json::parse(result.body);
    ASSERT_TRUE(body["error"].is_string()) << what;
    ASSERT_TRUE(body["code"].is_string()) << what;
    EXPECT_FALSE(body["code"].get<std::string>().empty()) << what;
  }
}

}  // namespace
}  // namespace wasmfaas
