// The server on S3 when the S3 server fails: stopped mid-run (cached
// functions keep running, everything else is 503), restarted (wasmfaas
// recovers by itself), wrong credentials (the start fails naming the S3
// error). Also how many S3 requests one exec of an unchanged, cached
// function costs.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/components.h"
#include "support/http_client.h"
#include "support/test_server.h"

namespace wasmfaas {
namespace {

using nlohmann::json;
using testing::HttpClient;
using testing::HttpResult;
using testing::load_component_text;
using testing::StoreKind;
using testing::TestServer;

std::string error_of(const HttpResult& result) {
  return json::parse(result.body).value("error", std::string());
}

class StorageFaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(client_.put("/bucket/functions").status, 201);
    ASSERT_EQ(client_.post("/file/functions/hello", load_component_text("hello"),
                           "application/wasm")
                  .status,
              201);
  }

  HttpResult exec_hello() { return client_.post("/exec/functions/hello", R"({"name":"S3"})"); }

  TestServer server_{StoreKind::kS3};
  HttpClient client_{server_.port()};
};

TEST_F(StorageFaultsTest, OneExecOfACachedUnchangedFunctionIsOneHeadRequest) {
  ASSERT_EQ(exec_hello().status, 200);
  const uint64_t before = server_.s3_store()->requests_sent();
  for (int i = 0; i < 10; ++i) ASSERT_EQ(exec_hello().status, 200);
  EXPECT_EQ(server_.s3_store()->requests_sent() - before, 10u);
}

TEST_F(StorageFaultsTest, AStoppedServerLeavesCachedFunctionsRunningAndTheRest503) {
  ASSERT_EQ(exec_hello().status, 200);
  server_.gateway()->stop();

  const HttpResult cached = exec_hello();
  EXPECT_EQ(cached.status, 200);
  EXPECT_EQ(cached.body, R"({"result":"Hello S3, how are you?"})");

  for (const HttpResult& refused :
       {client_.get("/bucket/functions"), client_.post("/exec/functions/never-seen", "{}"),
        client_.post("/file/functions/other", load_component_text("fibonacci"),
                     "application/wasm"),
        client_.get("/file/functions/hello")}) {
    EXPECT_EQ(refused.status, 503) << refused.body;
    EXPECT_NE(error_of(refused).find("storage unavailable"), std::string::npos) << refused.body;
    EXPECT_EQ(refused.header("retry-after"), "1");
  }
}

TEST_F(StorageFaultsTest, TheServerRecoversWhenStorageComesBackWithoutRestart) {
  server_.gateway()->stop();
  ASSERT_EQ(client_.get("/bucket/functions").status, 503);
  server_.gateway()->start();

  const json listing = json::parse(client_.get("/bucket/functions").body);
  ASSERT_EQ(listing["files"].size(), 1u);
  EXPECT_EQ(listing["files"][0]["name"], "hello");
  ASSERT_EQ(client_.post("/file/functions/fibonacci", load_component_text("fibonacci"),
                         "application/wasm")
                .status,
            201);
  EXPECT_EQ(client_.post("/exec/functions/fibonacci", R"({"n":7})").body, R"({"result":34})");
  EXPECT_EQ(exec_hello().status, 200);
}

TEST(StorageCredentialsTest, WrongCredentialsStopTheStartNamingTheS3Error) {
  testing::VersityGateway gateway;
  storage::S3Config config = gateway.config();
  config.credentials.secret_access_key = "not-the-secret";
  auto store = std::move(*storage::S3Store::open(config));
  // The start prepares the system bucket, so it is where they show.
  auto server = server::Server::create({}, *store, testing::shared_engine());
  ASSERT_FALSE(server.has_value());
  EXPECT_EQ(server.error().code, ErrorCode::kStorageRejected);
  EXPECT_EQ(server.error().message,
            "cannot prepare the system bucket 'wasmfaas-system': storage rejected the request: "
            "HTTP 403 (access denied, or wrong credentials)");
}

}  // namespace
}  // namespace wasmfaas
