// Hostile functions and requests against a real server: every misbehaving
// function gets its own specific error, at full concurrency, while hello
// keeps being served; the server stays up and no stored function changes.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "support/components.h"
#include "support/http_client.h"
#include "support/test_server.h"

namespace wasmfaas {
namespace {

using nlohmann::json;
using testing::HttpClient;
using testing::HttpResult;
using testing::load_component_text;
using testing::TestServer;

// One hostile call and the answer it must get.
struct HostileCase {
  std::string key;
  std::string input;
  unsigned status;
  std::string error;  // part of the {"error": ...} message, or of the output for 200
  std::string code;   // the error body's "code" (none for 200)
};

const std::vector<HostileCase>& hostile_cases() {
  static const std::vector<HostileCase> cases = {
      {"loop", "x", 504, "function exceeded its time limit of 1000 ms", "time_limit_exceeded"},
      {"memory-bomb", "x", 500, "function exceeded its memory limit of 32 MiB",
       "memory_limit_exceeded"},
      {"table-bomb", "x", 500, "function exceeded its table limit of 1000 elements",
       "table_limit_exceeded"},
      {"hostile", "malloc-bomb", 500, "function exceeded its memory limit of 32 MiB",
       "memory_limit_exceeded"},
      {"recursion", "x", 500, "call stack exhausted", "function_trapped"},
      {"out-of-bounds", "x", 500, "out of bounds memory access", "function_trapped"},
      {"trap", "x", 500, "unreachable", "function_trapped"},
      {"huge-output", "x", 502, "function output of 16777216 bytes exceeds the limit of 1048576",
       "output_too_large"},
      {"bad-utf8", "x", 502, "not valid UTF-8", "invalid_utf8_output"},
      {"hostile", "stdout-flood", 200, "flooded", ""},
      {"hostile", "read-file", 200, "denied: /etc/passwd", ""},
      {"hostile", "read-env", 200, "env: 0 variables", ""},
  };
  return cases;
}

// What a call answered, checked against its case; "" when as expected.
std::string mismatch(const HostileCase& expected, const HttpResult& result) {
  const json body = result.status == 200 ? json() : json::parse(result.body);
  const std::string text = result.status == 200 ? result.body : body.value("error", "");
  const std::string code = result.status == 200 ? "" : body.value("code", "");
  if (result.status == expected.status && text.find(expected.error) != std::string::npos &&
      code == expected.code) {
    return "";
  }
  return expected.key + " " + expected.input + ": got " + std::to_string(result.status) + " " +
         code + " " + text.substr(0, 200);
}

server::ServerConfig hostile_limits() {
  server::ServerConfig config;
  config.exec_workers = 4;
  config.execution.invocation.timeout = std::chrono::milliseconds(1000);
  config.execution.invocation.max_memory_bytes = 32 << 20;
  config.execution.invocation.max_table_elements = 1000;
  config.execution.invocation.max_output_bytes = 1 << 20;
  config.execution.invocation.max_log_bytes = 4096;
  config.http.limits.max_body_bytes = 64 << 10;
  return config;
}

class HostileFunctionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(client_.put("/bucket/functions").status, 201);
    const std::map<std::string, std::string> functions = {
        {"hello", "hello"},
        {"loop", "fixture_infinite_loop"},
        {"memory-bomb", "fixture_memory_bomb"},
        {"table-bomb", "fixture_table_bomb"},
        {"recursion", "fixture_deep_recursion"},
        {"out-of-bounds", "fixture_out_of_bounds"},
        {"trap", "fixture_trap"},
        {"huge-output", "fixture_huge_output"},
        {"bad-utf8", "fixture_invalid_utf8_output"},
        {"hostile", "fixture_hostile"}};
    for (const auto& [key, component] : functions) {
      ASSERT_EQ(client_.post("/file/functions/" + key, load_component_text(component),
                             "application/wasm")
                    .status,
                201);
    }
  }

  // Every stored version of every key, with its bytes.
  std::map<std::string, std::string> stored_state() {
    std::map<std::string, std::string> state;
    const json listing = json::parse(client_.get("/bucket/functions").body);
    for (const auto& file : listing["files"]) {
      const std::string key = file["name"];
      const json versions = json::parse(client_.get("/file/functions/" + key + "?versions").body);
      for (const auto& version : versions["versions"]) {
        const std::string id = version["version"];
        state[key + "@" + id] = client_.get("/file/functions/" + key + "?version=" + id).body;
      }
    }
    return state;
  }

  TestServer server_{hostile_limits()};
  HttpClient client_{server_.port()};
};

TEST_F(HostileFunctionsTest, EachHostileFunctionGetsItsOwnError) {
  for (const HostileCase& hostile : hostile_cases()) {
    EXPECT_EQ(mismatch(hostile, client_.post("/exec/functions/" + hostile.key, hostile.input,
                                             "text/plain")),
              "");
  }
  // Each is counted under its own outcome.
  const std::string metrics = client_.get("/metrics").body;
  for (const auto& [key, outcome] : std::map<std::string, std::string>{{"loop", "timeout"},
                                                                       {"memory-bomb", "memory"},
                                                                       {"table-bomb", "memory"},
                                                                       {"trap", "trap"},
                                                                       {"bad-utf8", "bad_output"}}) {
    const std::string line = "wasmfaas_executions_total{bucket=\"functions\",key=\"" + key +
                             "\",outcome=\"" + outcome + "\"} 1\n";
    EXPECT_NE(metrics.find(line), std::string::npos) << line << metrics;
  }
}

TEST_F(HostileFunctionsTest, HostileLoadAtFullConcurrencyLeavesHelloAndTheStoreIntact) {
  const auto before = stored_state();
  ASSERT_EQ(before.size(), 10u);

  std::atomic<bool> hostile_done{false};
  std::atomic<int> hello_calls{0};
  std::vector<std::string> hello_failures;
  std::thread hello_client([&] {
    HttpClient client(server_.port());
    while (!hostile_done) {
      const HttpResult result = client.post("/exec/functions/hello", R"({"name":"Steady"})");
      ++hello_calls;
      if (result.status != 200 || result.body != R"({"result":"Hello Steady, how are you?"})") {
        hello_failures.push_back(std::to_string(result.status) + " " + result.body);
      }
    }
  });

  // More hostile clients than workers, each running every case twice.
  std::vector<std::vector<std::string>> failures(6);
  std::vector<std::thread> attackers;
  for (size_t t = 0; t < failures.size(); ++t) {
    attackers.emplace_back([&, t] {
      HttpClient client(server_.port());
      for (int round = 0; round < 2; ++round) {
        for (const HostileCase& hostile : hostile_cases()) {
          const std::string wrong = mismatch(
              hostile,
              client.post("/exec/functions/" + hostile.key, hostile.input, "text/plain"));
          if (!wrong.empty()) failures[t].push_back(wrong);
        }
        // Hostile requests too: a body over the limit is refused at once.
        const HttpResult oversized =
            client.post("/exec/functions/hello", std::string(65 << 10, 'x'), "text/plain");
        if (oversized.status != 413) failures[t].push_back("oversized body: " + oversized.body);
      }
    });
  }
  for (auto& attacker : attackers) attacker.join();
  hostile_done = true;
  hello_client.join();

  for (const auto& list : failures) EXPECT_TRUE(list.empty()) << ::testing::PrintToString(list);
  EXPECT_TRUE(hello_failures.empty()) << ::testing::PrintToString(hello_failures);
  EXPECT_GT(hello_calls.load(), 10);
  EXPECT_EQ(client_.get("/healthz").status, 200);
  EXPECT_EQ(stored_state(), before);
}

}  // namespace
}  // namespace wasmfaas
