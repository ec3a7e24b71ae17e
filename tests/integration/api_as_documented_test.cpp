// The API as docs/API.md documents it, where a review found it did not
// match: listing buckets, /logs of unknown functions, error bodies with
// machine-readable codes, and the headers of exec's error answers; and
// async jobs' and schedules' answers as docs/openapi.json describes them.
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

// What docs/openapi.json says of async jobs and schedules beyond their own
// tests: the 202's Location and body, and the code of each refusal.
TEST(ApiAsDocumentedJobsTest, JobAndScheduleAnswersAreAsDocumented) {
  server::ServerConfig config;
  config.triggers.workers.workers = 0;  // nothing runs: jobs stay queued
  TestServer server(config);
  HttpClient client(server.port());
  ASSERT_EQ(client.put("/bucket/box").status, 201);
  ASSERT_EQ(client.request(verb::post, "/file/box/f", testing::load_component_text("hello"),
                           {{"Content-Type", "application/wasm"}}).status,
            201);
  const auto code = [](const HttpResult& result) {
    return json::parse(result.body, nullptr, false).value("code", std::string("(none)"));
  };

  const HttpResult submitted = client.post("/async/box/f", R"({"name":"T"})");
  ASSERT_EQ(submitted.status, 202) << submitted.body;
  const json body = json::parse(submitted.body);
  const std::string id = body.at("job");
  EXPECT_EQ(body, json({{"job", id}, {"status", "queued"}}));
  EXPECT_EQ(id.size(), 28u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
  EXPECT_EQ(submitted.header("location"), "/jobs/" + id);
  EXPECT_EQ(submitted.header("idempotent-replayed"), "");
  const json job = json::parse(client.get("/jobs/" + id).body);
  EXPECT_EQ(job.at("input"), R"({"name":"T"})");
  EXPECT_TRUE(job.at("run_at").is_string()) << job.dump();
  EXPECT_FALSE(job.contains("output")) << job.dump();
  const json listed = json::parse(client.get("/jobs?bucket=box").body);
  ASSERT_EQ(listed.at("jobs").size(), 1u);
  EXPECT_FALSE(listed["jobs"][0].contains("input")) << listed.dump();
  EXPECT_TRUE(listed.at("cursor").is_null());

  // Refusals and their codes, as the document names them.
  EXPECT_EQ(code(client.get("/jobs/not-a-job-id")), "job_not_found");
  EXPECT_EQ(code(client.get("/jobs?cursor=zz")), "invalid_argument");
  EXPECT_EQ(code(client.get("/jobs?limit=0")), "invalid_argument");
  EXPECT_EQ(code(client.del("/jobs?status=queued")), "invalid_argument");
  EXPECT_EQ(code(client.post("/jobs/" + id + "/retry", "")), "conflict");
  EXPECT_EQ(code(client.post("/async/box/nope", "x", "text/plain")), "function_not_found");
  EXPECT_EQ(code(client.post("/async/box/f", "{", "application/json")), "invalid_json");
  EXPECT_EQ(code(client.request(verb::post, "/async/box/f", "x",
                                {{"X-Callback-Url", "https://hooks.example.com/jobs"}})),
            "invalid_argument");
  EXPECT_EQ(code(client.request(verb::post, "/async/box/f", "x", {{"Idempotency-Key", "a b"}})),
            "invalid_argument");
  const HttpResult purged = client.del("/jobs?bucket=box");
  EXPECT_EQ(purged.status, 200);
  EXPECT_EQ(json::parse(purged.body), json({{"purged", 0}}));  // the default: dead ones

  const auto put_schedule = [&](const std::string& name, const std::string& definition) {
    return client.request(verb::put, "/schedule/box/" + name, definition,
                          {{"Content-Type", "application/json"}});
  };
  EXPECT_EQ(code(put_schedule("s", R"({"cron":"61 * * * *","function":"f"})")), "invalid_config");
  EXPECT_EQ(code(put_schedule("s", R"({"cron":"* * * * *","function":"f","x":1})")),
            "invalid_config");
  EXPECT_EQ(code(put_schedule("s", "{")), "invalid_json");
  EXPECT_EQ(code(put_schedule("s", R"({"cron":"* * * * *","function":"nope"})")),
            "function_not_found");
  EXPECT_EQ(code(put_schedule(".s", R"({"cron":"* * * * *","function":"f"})")),
            "invalid_argument");
  // A name no schedule can have is not found by the other operations.
  EXPECT_EQ(code(client.get("/schedule/box/.s")), "schedule_not_found");
  EXPECT_EQ(code(client.get("/schedule/nowhere")), "bucket_not_found");
  const HttpResult stored = put_schedule("s", R"({"cron":"0 0 1 1 *","function":"f"})");
  ASSERT_EQ(stored.status, 200) << stored.body;
  const json schedule = json::parse(stored.body);
  EXPECT_EQ(schedule.at("next_fires").size(), 5u);
  EXPECT_EQ(schedule.at("last_runs"), json::array());
  const json schedules = json::parse(client.get("/schedule/box").body).at("schedules");
  ASSERT_EQ(schedules.size(), 1u);
  EXPECT_FALSE(schedules[0].contains("next_fires")) << schedules.dump();
  EXPECT_EQ(client.del("/schedule/box/s").status, 204);
}

}  // namespace
}  // namespace wasmfaas
