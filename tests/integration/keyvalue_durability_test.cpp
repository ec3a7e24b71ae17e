// Key-value state across real server processes: acknowledged writes survive
// kill -9 and a restart on SQLite and on PostgreSQL, and two processes
// sharing one PostgreSQL count exactly under contention (8 clients x 500).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "support/components.h"
#include "support/http_client.h"
#include "support/postgres_server.h"
#include "support/server_process.h"
#include "support/temp_dir.h"

namespace wasmfaas {
namespace {

using boost::beast::http::verb;
using nlohmann::json;
using testing::HttpClient;
using testing::HttpResult;
using testing::PostgresServer;
using testing::ServerProcess;
using testing::TempDir;

// Quiet: the process's stderr is not read once it serves.
std::vector<std::string> serve_flags(const std::string& state) {
  std::vector<std::string> flags = {"--log-level", "warn"};
  if (!state.empty()) {
    flags.push_back("--state");
    flags.push_back(state);
  }
  return flags;
}

void deploy_counter(uint16_t port) {
  HttpClient client(port);
  ASSERT_EQ(client.put("/bucket/functions").status, 201);
  ASSERT_EQ(client.post("/file/functions/counter", testing::load_component_text("rust-counter"),
                        "application/wasm")
                .status,
            201);
  ASSERT_EQ(client
                .request(verb::put, "/config/functions/counter", R"({"keyvalue":["default"]})",
                         {{"Content-Type", "application/json"}})
                .status,
            200);
}

int exec_count(HttpClient& client) {
  const HttpResult result = client.post("/exec/functions/counter", "{}");
  EXPECT_EQ(result.status, 200) << result.body;
  return json::parse(result.body, nullptr, false).value("count", -1);
}

class KeyValueDurabilityTest : public ::testing::TestWithParam<std::string> {
 protected:
  // "" (SQLite in the data directory) or a new PostgreSQL database.
  std::string state_setting() {
    if (GetParam() == "sqlite") return "";
    PostgresServer& postgres = PostgresServer::shared();
    return postgres.url(postgres.create_database());
  }
};

INSTANTIATE_TEST_SUITE_P(Backends, KeyValueDurabilityTest,
                         ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

TEST_P(KeyValueDurabilityTest, AcknowledgedWritesSurviveKill9AndRestart) {
  TempDir dir;
  const auto data = dir.path() / "data";
  const std::string state = state_setting();
  {
    ServerProcess server(data, serve_flags(state));
    deploy_counter(server.port());
    HttpClient client(server.port());
    std::string value(100000, 'x');
    for (size_t i = 0; i < value.size(); i += 7) value[i] = static_cast<char>('a' + i % 26);
    ASSERT_EQ(client.request(verb::put, "/kv/functions/default/blob", value).status, 200);
    for (int expected = 1; expected <= 25; ++expected) ASSERT_EQ(exec_count(client), expected);
    server.kill_now();  // SIGKILL right after the last acknowledged write
    ServerProcess again(data, serve_flags(state));
    HttpClient after(again.port());
    EXPECT_EQ(after.get("/kv/functions/default/count").body, "25");
    EXPECT_EQ(after.get("/kv/functions/default/blob").body, value);
    EXPECT_EQ(exec_count(after), 26);
  }
}

TEST(KeyValueSharedPostgresTest, TwoProcessesCountExactlyUnderContention) {
  PostgresServer& postgres = PostgresServer::shared();
  const std::string state = postgres.url(postgres.create_database());
  TempDir dir;
  ServerProcess first(dir.path() / "first", serve_flags(state));
  ServerProcess second(dir.path() / "second", serve_flags(state));
  // Each node has its own object store here: the function is deployed on
  // both; they share only the state database.
  deploy_counter(first.port());
  deploy_counter(second.port());
  constexpr int kClients = 8;
  constexpr int kCalls = 500;
  std::vector<std::jthread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      HttpClient client(c % 2 == 0 ? first.port() : second.port());
      for (int i = 0; i < kCalls; ++i) {
        if (exec_count(client) <= 0) return;
      }
    });
  }
  clients.clear();
  HttpClient client(first.port());
  EXPECT_EQ(client.get("/kv/functions/default/count").body, std::to_string(kClients * kCalls));
  HttpClient other(second.port());
  EXPECT_EQ(other.get("/kv/functions/default/count").body, std::to_string(kClients * kCalls));
}

}  // namespace
}  // namespace wasmfaas
