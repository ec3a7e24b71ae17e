// The execution fast path end to end: precompile on upload, compiled code
// that survives a restart, --no-cache, and version freshness across nodes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "support/components.h"
#include "support/http_client.h"
#include "support/server_process.h"
#include "support/temp_dir.h"
#include "support/test_server.h"

namespace wasmfaas {
namespace {

using testing::HttpClient;
using testing::HttpResult;
using testing::load_component_text;
using testing::ServerProcess;
using testing::TempDir;
using testing::TestServer;

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

TEST(CompiledCacheTest, AReUploadThroughOneNodeIsSeenByTheNextExecOnAnother) {
  TempDir shared;
  TestServer node_a({}, shared.path());
  TestServer node_b({}, shared.path());
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
  TempDir shared;
  server::ServerConfig lazy;
  lazy.freshness_window = std::chrono::hours(1);
  TestServer node_a({}, shared.path());
  TestServer node_b(lazy, shared.path());
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
