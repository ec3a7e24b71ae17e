// Operations over a real server: /logs returns each invocation's captured
// output under its request id, /metrics moves with requests, and the access
// log writes one JSON line per request.
#include <gtest/gtest.h>


#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "support/components.h"
#include "support/http_client.h"
#include "support/log_capture.h"
#include "support/test_server.h"

namespace wasmfaas {
namespace {

using nlohmann::json;
using testing::HttpClient;
using testing::HttpResult;
using testing::load_component_text;
using testing::TestServer;

class OperationsTest : public ::testing::Test {
 protected:
  static server::ServerConfig config_with_log(std::ostringstream& sink) {
    server::ServerConfig config;
    config.log = testing::logger_into(sink);
    config.logs_per_function = 3;
    // As `serve --log-function-output`: each invocation's output in the log.
    config.execution.reporting.output_log = config.log.get();
    return config;
  }

  void SetUp() override {
    ASSERT_EQ(client_.put("/bucket/functions").status, 201);
    for (const auto& [key, component] : std::vector<std::pair<std::string, std::string>>{
             {"hello", "hello"}, {"trap", "fixture_trap"}, {"name-json", "fixture_name_json"}}) {
      ASSERT_EQ(client_.post("/file/functions/" + key, load_component_text(component),
                             "application/wasm")
                    .status,
                201);
    }
  }

  std::ostringstream log_;
  TestServer server_{config_with_log(log_)};
  HttpClient client_{server_.port()};
};

TEST_F(OperationsTest, LogsReturnEachInvocationsOutputUnderItsRequestId) {
  const HttpResult first = client_.post("/exec/functions/name-json", "Ada", "text/plain");
  const HttpResult second = client_.post("/exec/functions/name-json", "Grace", "text/plain");
  ASSERT_EQ(second.status, 200);
  const json logs = json::parse(client_.get("/logs/functions/name-json").body);
  ASSERT_EQ(logs["invocations"].size(), 2u);
  const json& newest = logs["invocations"][0];
  EXPECT_EQ(newest["request_id"], second.header("x-request-id"));
  EXPECT_EQ(newest["stdout"], "name_json got 5 bytes\n");
  EXPECT_EQ(newest["status"], 200);
  EXPECT_EQ(newest["version"], second.header("x-function-version"));
  EXPECT_GT(newest["duration_ms"].get<double>(), 0.0);
  EXPECT_TRUE(newest["time"].get<std::string>().ends_with("Z"));
  EXPECT_EQ(logs["invocations"][1]["request_id"], first.header("x-request-id"));
  EXPECT_EQ(logs["invocations"][1]["stdout"], "name_json got 3 bytes\n");

  const json limited = json::parse(client_.get("/logs/functions/name-json?limit=1").body);
  ASSERT_EQ(limited["invocations"].size(), 1u);
  EXPECT_EQ(limited["invocations"][0]["request_id"], second.header("x-request-id"));
}

TEST_F(OperationsTest, FailedInvocationsAreLoggedWithTheirStatus) {
  const HttpResult trapped = client_.post("/exec/functions/trap", "x", "text/plain");
  ASSERT_EQ(trapped.status, 500);
  const json logs = json::parse(client_.get("/logs/functions/trap").body);
  ASSERT_EQ(logs["invocations"].size(), 1u);
  EXPECT_EQ(logs["invocations"][0]["status"], 500);
  EXPECT_EQ(logs["invocations"][0]["request_id"], trapped.header("x-request-id"));
  EXPECT_NE(logs["invocations"][0]["error"].get<std::string>().find("unreachable"),
            std::string::npos);
  // The version that failed is recorded, as for a success.
  const json versions = json::parse(client_.get("/file/functions/trap?versions").body)["versions"];
  EXPECT_EQ(logs["invocations"][0]["version"], versions.at(0)["version"]);
}

TEST_F(OperationsTest, TheLogIsBoundedPerFunction) {
  for (int i = 0; i < 5; ++i) client_.post("/exec/functions/hello", R"({"name":"x"})");
  EXPECT_EQ(json::parse(client_.get("/logs/functions/hello").body)["invocations"].size(), 3u);
}

TEST_F(OperationsTest, BadLogRequests) {
  EXPECT_EQ(client_.get("/logs/functions/hello?limit=0").status, 400);
  EXPECT_EQ(client_.get("/logs/functions/hello?limit=ten").status, 400);
  EXPECT_EQ(client_.post("/logs/functions/hello", "").status, 405);
  // Requests for functions that do not exist are not executions.
  EXPECT_EQ(client_.post("/exec/functions/nothing", "{}").status, 404);
  EXPECT_EQ(json::parse(client_.get("/logs/functions/nothing").body)["invocations"].size(), 0u);
}

TEST_F(OperationsTest, MetricsMoveWithRequests) {
  const auto count = [&](const std::string& series) {
    const std::string text = client_.get("/metrics").body;
    const size_t at = text.find(series + " ");
    return at == std::string::npos ? 0.0 : std::stod(text.substr(at + series.size() + 1));
  };
  const std::string ok = R"(wasmfaas_executions_total{bucket="functions",key="hello",outcome="ok"})";
  const std::string trap =
      R"(wasmfaas_executions_total{bucket="functions",key="trap",outcome="trap"})";
  const double before = count(ok);
  client_.post("/exec/functions/hello", R"({"name":"x"})");
  client_.post("/exec/functions/hello", R"({"name":"y"})");
  client_.post("/exec/functions/trap", "x", "text/plain");
  EXPECT_EQ(count(ok) - before, 2.0);
  EXPECT_EQ(count(trap), 1.0);
  EXPECT_EQ(client_.get("/metrics").header("content-type"),
            "text/plain; version=0.0.4; charset=utf-8");
}

TEST_F(OperationsTest, TheAccessLogHasOneJsonLinePerRequest) {
  const HttpResult result = client_.post("/exec/functions/hello", R"({"name":"Log"})");
  server_.server().stop(std::chrono::seconds(5));  // every line written
  std::istringstream lines(log_.str());
  std::string line;
  bool found = false;
  while (std::getline(lines, line)) {
    const json entry = json::parse(line);  // every line is JSON
    if (entry.value("request_id", "") != result.header("x-request-id") ||
        entry.value("type", "") == "function_output") {
      continue;
    }
    found = true;
    EXPECT_EQ(entry["type"], "access");
    EXPECT_EQ(entry["method"], "POST");
    EXPECT_EQ(entry["route"], "exec");
    EXPECT_EQ(entry["status"], 200);
    EXPECT_EQ(entry["bucket"], "functions");
    EXPECT_EQ(entry["key"], "hello");
    EXPECT_EQ(entry["bytes_in"], 14);
    EXPECT_EQ(entry["bytes_out"], result.body.size());
    EXPECT_GT(entry["duration_ms"].get<double>(), 0.0);
  }
  EXPECT_TRUE(found) << log_.str();
}

TEST_F(OperationsTest, FunctionOutputGoesToTheServerLogWhenAskedFor) {
  const HttpResult named = client_.post("/exec/functions/name-json", "Ada", "text/plain");
  const HttpResult hello = client_.post("/exec/functions/hello", R"({"name":"Log"})");
  ASSERT_EQ(named.status, 200);
  ASSERT_EQ(hello.status, 200);
  server_.server().stop(std::chrono::seconds(5));  // every line written
  std::istringstream lines(log_.str());
  std::map<std::string, json> outputs;  // by request id
  for (std::string line; std::getline(lines, line);) {
    const json entry = json::parse(line);
    if (entry.value("type", "") == "function_output") outputs[entry["request_id"]] = entry;
  }
  ASSERT_EQ(outputs.size(), 2u) << log_.str();
  const json& first = outputs[named.header("x-request-id")];
  EXPECT_EQ(first["function"], "functions/name-json");
  EXPECT_EQ(first["stdout"], "name_json got 3 bytes\n");
  EXPECT_EQ(first["stderr"], "");
  const json& second = outputs[hello.header("x-request-id")];
  EXPECT_EQ(second["function"], "functions/hello");
  EXPECT_EQ(second["stdout"], "--- Test output ---\n");
}

}  // namespace
}  // namespace wasmfaas
