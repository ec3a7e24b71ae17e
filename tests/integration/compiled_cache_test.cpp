// The execution fast path end to end: precompile on upload, compiled code
// that survives a restart, --no-cache, and version freshness across nodes.
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "support/components.h"
#include "support/http_client.h"
#include "support/server_process.h"
#include "support/temp_dir.h"
#include "support/test_server.h"

namespace wasmfaas {
namespace {

using testing::HttpClient;
using testing::HttpResult;
using testing::load_component;
using testing::load_component_text;
using testing::ServerProcess;
using testing::TempDir;
using testing::TestServer;
using testing::VersityGateway;

// The compile duration (ms) from an exec response's Server-Timing header.
double compile_ms(const HttpResult& result) {
  std::smatch match;
  const std::string timing = result.header("server-timing");
  if (!std::regex_search(timing, match, std::regex(R"(compile;dur=([0-9.]+))"))) return -1;
  return std::stod(match[1]);
}

TEST(CompiledCacheTest, UploadPrecompilesSoTheFirstExecDoesNot) {
  TestServer server;
  HttpClient client(server.port());
  ASSERT_EQ(client.put("/bucket/functions").status, 201);
  ASSERT_EQ(client.post("/file/functions/hello", load_component_text("hello"), "application/wasm")
                .status,
            201);
  const uint64_t compiles = server.server().compiled_functions().counters().compiles;
  EXPECT_EQ(compiles, 1u);
  const HttpResult first = client.post("/exec/functions/hello", R"({"name":"First"})");
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(compile_ms(first), 0.0);
  EXPECT_EQ(server.server().compiled_functions().counters().compiles, compiles);
  // The same bytes under another key compile once only.
  ASSERT_EQ(client.post("/file/functions/alias", load_component_text("hello"), "application/wasm")
                .status,
            201);
  EXPECT_EQ(compile_ms(client.post("/exec/functions/alias", R"({"name":"A"})")), 0.0);
}

TEST(CompiledCacheTest, AFreshProcessRunsFromTheDiskCacheWithoutCompiling) {
  TempDir dir;
  {
    ServerProcess server(dir.path() / "data");
    HttpClient client(server.port());
    ASSERT_EQ(client.put("/bucket/functions").status, 201);
    ASSERT_EQ(
        client.post("/file/functions/hello", load_component_text("hello"), "application/wasm")
            .status,
        201);
  }
  ServerProcess restarted(dir.path() / "data");
  HttpClient client(restarted.port());
  const HttpResult first = client.post("/exec/functions/hello", R"({"name":"Warm"})");
  EXPECT_EQ(first.body, R"({"result":"Hello Warm, how are you?"})");
  EXPECT_EQ(compile_ms(first), 0.0) << first.header("server-timing");
}

TEST(CompiledCacheTest, NoCacheModeCompilesOnEveryExec) {
  server::ServerConfig config;
  config.execution.use_compiled_cache = false;
  TestServer server(config);
  HttpClient client(server.port());
  ASSERT_EQ(client.put("/bucket/functions").status, 201);
  ASSERT_EQ(client.post("/file/functions/hello", load_component_text("hello"), "application/wasm")
                .status,
            201);
  for (int i = 0; i < 2; ++i) {
    const HttpResult result = client.post("/exec/functions/hello", R"({"name":"Seed"})");
    EXPECT_EQ(result.body, R"({"result":"Hello Seed, how are you?"})");
    EXPECT_GT(compile_ms(result), 0.0) << result.header("server-timing");
  }
}

// Nodes share functions through S3 (a LocalStore's directory serves one
// process at a time).
TEST(CompiledCacheTest, AReUploadThroughOneNodeIsSeenByTheNextExecOnAnother) {
  VersityGateway shared;
  TestServer node_a(shared);
  TestServer node_b(shared);
  HttpClient a(node_a.port());
  HttpClient b(node_b.port());
  ASSERT_EQ(a.put("/bucket/functions").status, 201);
  ASSERT_EQ(a.post("/file/functions/f", load_component_text("hello"), "application/wasm").status,
            201);
  EXPECT_EQ(b.post("/exec/functions/f", R"({"name":"B"})").body,
            R"({"result":"Hello B, how are you?"})");
  ASSERT_EQ(
      a.post("/file/functions/f", load_component_text("fibonacci"), "application/wasm").status,
      201);
  EXPECT_EQ(b.post("/exec/functions/f", R"({"n":7})").body, R"({"result":34})");
}

TEST(CompiledCacheTest, AFreshnessWindowTradesVisibilityForFewerStoreRequests) {
  VersityGateway shared;
  server::ServerConfig lazy;
  lazy.freshness_window = std::chrono::hours(1);
  TestServer node_a(shared);
  TestServer node_b(shared, lazy);
  HttpClient a(node_a.port());
  HttpClient b(node_b.port());
  ASSERT_EQ(a.put("/bucket/functions").status, 201);
  ASSERT_EQ(a.post("/file/functions/f", load_component_text("hello"), "application/wasm").status,
            201);
  EXPECT_EQ(b.post("/exec/functions/f", R"({"name":"B"})").status, 200);
  ASSERT_EQ(
      a.post("/file/functions/f", load_component_text("fibonacci"), "application/wasm").status,
      201);
  // Within its window node B still runs the version it checked.
  EXPECT_EQ(b.post("/exec/functions/f", R"({"name":"B"})").body,
            R"({"result":"Hello B, how are you?"})");
  // A re-upload through node B itself is seen at once.
  ASSERT_EQ(
      b.post("/file/functions/f", load_component_text("fibonacci"), "application/wasm").status,
      201);
  EXPECT_EQ(b.post("/exec/functions/f", R"({"n":7})").body, R"({"result":34})");
}

// Concurrent first calls of a function this node has not compiled (put in
// the store directly, so no upload compiled it) fetch and compile it once;
// the others wait for that compile.
TEST(CompiledCacheTest, ConcurrentFirstCallsCompileOnce) {
  constexpr int kCalls = 16;
  server::ServerConfig config;
  config.exec_workers = kCalls;
  TestServer server(config);
  ASSERT_TRUE(server.store().create_bucket("functions").has_value());
  ASSERT_TRUE(server.store().put_object("functions", "hello", load_component("hello")).has_value());
  ASSERT_EQ(server.server().compiled_functions().counters().compiles, 0u);

  std::latch start(kCalls);
  std::atomic<int> answered{0};
  std::vector<std::thread> callers;
  for (int i = 0; i < kCalls; ++i) {
    callers.emplace_back([&, i] {
      HttpClient client(server.port());
      start.arrive_and_wait();
      const HttpResult result =
          client.post("/exec/functions/hello", R"({"name":"N)" + std::to_string(i) + R"("})");
      EXPECT_EQ(result.body, R"({"result":"Hello N)" + std::to_string(i) + R"(, how are you?"})");
      if (result.status == 200) ++answered;
    });
  }
  for (std::thread& caller : callers) caller.join();
  EXPECT_EQ(answered.load(), kCalls);
  const auto& counters = server.server().compiled_functions().counters();
  EXPECT_EQ(counters.compiles, 1u);
  HttpClient client(server.port());
  const std::string metrics = client.get("/metrics").body;
  EXPECT_NE(metrics.find("\nwasmfaas_compiles_total 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("\nwasmfaas_compile_waits_total " +
                         std::to_string(counters.compile_waits.load()) + "\n"),
            std::string::npos)
      << metrics;
}

TEST(CompiledCacheTest, EveryCallGetsAFreshInstance) {
  TestServer server;
  HttpClient client(server.port());
  ASSERT_EQ(client.put("/bucket/functions").status, 201);
  ASSERT_EQ(client.post("/file/functions/counter", load_component_text("fixture_counter"),
                        "application/wasm")
                .status,
            201);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(client.post("/exec/functions/counter", "", "text/plain").body, "1");
  }
}

}  // namespace
}  // namespace wasmfaas
