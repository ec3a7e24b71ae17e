// PUT/GET /config/{bucket}/{key}: validation (400 naming the field), the
// stored document, per-function timeout, memory and environment, a config
// that survives a re-upload, and an exec of a configured, cached function
// that still costs one HEAD on S3.
#include <gtest/gtest.h>

#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "support/components.h"
#include "support/http_client.h"
#include "support/metrics_wait.h"
#include "support/test_server.h"

namespace wasmfaas {
namespace {

using nlohmann::json;
using testing::HttpClient;
using testing::HttpResult;
using testing::load_component_text;
using testing::StoreKind;
using testing::TestServer;

HttpResult put_config(HttpClient& client, const std::string& key, const std::string& body) {
  return client.request(boost::beast::http::verb::put, "/config/functions/" + key, body,
                        {{"Content-Type", "application/json"}});
}

std::string error_of(const HttpResult& result) {
  return json::parse(result.body).value("error", std::string());
}

class FunctionConfigTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    ASSERT_EQ(client_.put("/bucket/functions").status, 201);
    for (const auto& [key, component] :
         {std::pair{"hostile", "fixture_hostile"}, std::pair{"loop", "fixture_infinite_loop"},
          std::pair{"bomb", "fixture_memory_bomb"}}) {
      ASSERT_EQ(client_.post(std::string("/file/functions/") + key,
                             load_component_text(component), "application/wasm")
                    .status,
                201);
    }
  }

  TestServer server_{GetParam()};
  HttpClient client_{server_.port()};
};

INSTANTIATE_TEST_SUITE_P(Stores, FunctionConfigTest,
                         ::testing::Values(StoreKind::kLocal, StoreKind::kS3),
                         testing::store_param_name);

TEST_P(FunctionConfigTest, UnknownFieldsAndInvalidValuesAre400NamingTheField) {
  const std::pair<std::string, std::string> cases[] = {
      {R"({"colour":"blue"})", "colour"},
      {R"({"timeout_ms":-5})", "timeout_ms"},
      {R"({"timeout_ms":"fast"})", "timeout_ms"},
      {R"({"memory_mb":100000})", "memory_mb"},
      {R"({"env":{"A":1}})", "env"},
      {R"({"env":{"A=B":"x"}})", "env"},
      {R"({"allowed_hosts":["ftp://example.com"]})", "allowed_hosts"},
      {R"({"allowed_hosts":["https://example.com/path"]})", "allowed_hosts"},
      {R"({"allowed_hosts":"https://example.com"})", "allowed_hosts"},
      {R"({"fuel":1000})", "fuel"},
      {R"({"http_max_concurrent_requests":0})", "http_max_concurrent_requests"},
      {R"({"max_concurrency":0})", "max_concurrency"},
      {R"({"max_concurrency":1.5})", "max_concurrency"},
      {R"({"reuse":{"max_calls":0}})", "reuse.max_calls"},
      {R"({"reuse":{"max_calls":10001}})", "reuse.max_calls"},
      {R"({"reuse":{"max_calls":"3"}})", "reuse.max_calls"},
      {R"({"reuse":{"max_calls":3,"ttl_s":5}})", "unknown field 'ttl_s'"},
      {R"({"reuse":{}})", "max_calls is required"},
      {R"({"reuse":true})", "reuse"},
  };
  for (const auto& [body, field] : cases) {
    const HttpResult result = put_config(client_, "hostile", body);
    EXPECT_EQ(result.status, 400) << body;
    EXPECT_NE(error_of(result).find(field), std::string::npos) << body << " -> " << result.body;
  }
  EXPECT_EQ(put_config(client_, "hostile", "not json").status, 400);
  EXPECT_EQ(put_config(client_, "missing", "{}").status, 404);
}

TEST_P(FunctionConfigTest, GetReturnsTheNormalizedConfig) {
  ASSERT_EQ(json::parse(client_.get("/config/functions/hostile").body),
            json::parse(R"({"allowed_hosts":[],"env":{}})"));
  const HttpResult put = put_config(
      client_, "hostile",
      R"({"allowed_hosts":["http://localhost:9000","https://*.Example.com"],)"
      R"("timeout_ms":2000,"memory_mb":64,"env":{"K":"V"}})");
  ASSERT_EQ(put.status, 200) << put.body;
  const json expected = json::parse(
      R"({"allowed_hosts":["http://localhost:9000","https://*.example.com:443"],)"
      R"("timeout_ms":2000,"memory_mb":64,"env":{"K":"V"}})");
  EXPECT_EQ(json::parse(put.body)["config"], expected);
  EXPECT_EQ(json::parse(client_.get("/config/functions/hostile").body), expected);
}

TEST_P(FunctionConfigTest, EnvIsAllTheFunctionSeesOfAnEnvironment) {
  EXPECT_EQ(client_.post("/exec/functions/hostile", "read-env", "text/plain").body,
            "env: 0 variables, PATH=(unset), HOME=(unset)");
  ASSERT_EQ(put_config(client_, "hostile", R"({"env":{"PATH":"/custom","OTHER":"1"}})").status,
            200);
  EXPECT_EQ(client_.post("/exec/functions/hostile", "read-env", "text/plain").body,
            "env: 2 variables, PATH=/custom, HOME=(unset)");
}

TEST_P(FunctionConfigTest, PerFunctionTimeoutAndMemoryTakeEffect) {
  ASSERT_EQ(put_config(client_, "loop", R"({"timeout_ms":300})").status, 200);
  const auto started = std::chrono::steady_clock::now();
  const HttpResult timed_out = client_.post("/exec/functions/loop", "x", "text/plain");
  EXPECT_EQ(timed_out.status, 504) << timed_out.body;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_NE(error_of(timed_out).find("300 ms"), std::string::npos) << timed_out.body;

  ASSERT_EQ(put_config(client_, "bomb", R"({"memory_mb":16})").status, 200);
  const HttpResult bombed = client_.post("/exec/functions/bomb", "x", "text/plain");
  EXPECT_EQ(bombed.status, 500) << bombed.body;
  EXPECT_NE(error_of(bombed).find("16 MiB"), std::string::npos) << bombed.body;
}

TEST_P(FunctionConfigTest, ConfigSurvivesReUpload) {
  ASSERT_EQ(put_config(client_, "hostile", R"({"env":{"HOME":"/h"}})").status, 200);
  ASSERT_EQ(client_.post("/file/functions/hostile", load_component_text("fixture_hostile"),
                         "application/wasm")
                .status,
            201);
  EXPECT_EQ(json::parse(client_.get("/config/functions/hostile").body)["env"],
            json::parse(R"({"HOME":"/h"})"));
  EXPECT_EQ(client_.post("/exec/functions/hostile", "read-env", "text/plain").body,
            "env: 1 variables, PATH=(unset), HOME=/h");
  // Three versions: the upload, the config change, the re-upload.
  EXPECT_EQ(json::parse(client_.get("/file/functions/hostile?versions").body)["versions"].size(),
            3u);
}

TEST_P(FunctionConfigTest, PutReplacesTheWholeConfigAndAnUnchangedOneAddsNoVersion) {
  const auto versions = [&] {
    return json::parse(client_.get("/file/functions/hostile?versions").body)["versions"];
  };
  const HttpResult first = put_config(client_, "hostile", R"({"timeout_ms":2000,"env":{"K":"V"}})");
  ASSERT_EQ(first.status, 200) << first.body;
  ASSERT_EQ(versions().size(), 2u);
  // The same config, written differently: nothing new.
  const HttpResult same =
      put_config(client_, "hostile", R"({ "env":{"K":"V"}, "timeout_ms":2000 })");
  EXPECT_EQ(same.status, 200) << same.body;
  EXPECT_EQ(json::parse(same.body)["version"], json::parse(first.body)["version"]);
  EXPECT_EQ(versions().size(), 2u);
  // Another config replaces the whole of it: what it leaves out is gone.
  ASSERT_EQ(put_config(client_, "hostile", R"({"memory_mb":16})").status, 200);
  EXPECT_EQ(json::parse(client_.get("/config/functions/hostile").body),
            json::parse(R"({"allowed_hosts":[],"env":{},"memory_mb":16})"));
  EXPECT_EQ(versions().size(), 3u);
}

TEST(FunctionConcurrencyTest, AFunctionAtItsLimitIs429WhileOtherFunctionsRun) {
  server::ServerConfig config;
  config.exec_workers = 2;
  TestServer server(config);
  HttpClient client(server.port());
  ASSERT_EQ(client.put("/bucket/functions").status, 201);
  for (const auto& [key, component] :
       {std::pair{"loop", "fixture_infinite_loop"}, std::pair{"hello", "hello"}}) {
    ASSERT_EQ(client.post(std::string("/file/functions/") + key, load_component_text(component),
                          "application/wasm")
                  .status,
              201);
  }
  ASSERT_EQ(put_config(client, "loop", R"({"max_concurrency":1,"timeout_ms":1500})").status, 200);
  EXPECT_EQ(json::parse(client.get("/config/functions/loop").body)["max_concurrency"], 1);

  std::thread running([&] {
    HttpClient other(server.port());
    EXPECT_EQ(other.post("/exec/functions/loop", "x", "text/plain").status, 504);
  });
  // An instance exists only once its execution holds the function's slot.
  ASSERT_TRUE(testing::wait_for_metrics(client, {"wasmfaas_instances_in_use 1"}));
  // The loop holds its one slot: a second call is refused at once, and the
  // other worker still serves other functions.
  const HttpResult refused = client.post("/exec/functions/loop", "x", "text/plain");
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_EQ(refused.header("retry-after"), "1");
  EXPECT_EQ(error_of(refused),
            "function 'functions/loop' is at its concurrency limit of 1; retry later");
  EXPECT_EQ(client.post("/exec/functions/hello", R"({"name":"Busy"})").status, 200);
  running.join();

  // The slot is free again once the running call ended (its time limit).
  EXPECT_EQ(client.post("/exec/functions/loop", "x", "text/plain").status, 504);
  const std::string metrics = client.get("/metrics").body;
  EXPECT_NE(metrics.find(R"(wasmfaas_executions_total{bucket="functions",key="loop",outcome="throttled"} 1)"),
            std::string::npos);
  EXPECT_NE(metrics.find(R"(wasmfaas_executions_total{bucket="functions",key="loop",outcome="timeout"} 2)"),
            std::string::npos);
}

TEST(FunctionConfigOnS3Test, ExecOfAConfiguredCachedFunctionIsOneHeadRequest) {
  TestServer server(StoreKind::kS3);
  HttpClient client(server.port());
  ASSERT_EQ(client.put("/bucket/functions").status, 201);
  ASSERT_EQ(client.post("/file/functions/hostile", load_component_text("fixture_hostile"),
                        "application/wasm")
                .status,
            201);
  ASSERT_EQ(put_config(client, "hostile", R"({"env":{"PATH":"/p"}})").status, 200);
  ASSERT_EQ(client.post("/exec/functions/hostile", "read-env", "text/plain").status, 200);
  const uint64_t before = server.s3_store()->requests_sent();
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(client.post("/exec/functions/hostile", "read-env", "text/plain").body,
              "env: 1 variables, PATH=/p, HOME=(unset)");
  }
  EXPECT_EQ(server.s3_store()->requests_sent() - before, 10u);
}

}  // namespace
}  // namespace wasmfaas
