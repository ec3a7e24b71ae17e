// Nodes sharing a PostgreSQL state database and an S3 store (versitygw)
// tell each other of function changes: with the notices live, a node runs
// the version it knows without asking the store on each call, and still
// serves a re-upload or config change made through another node at once.
// Without the notices, the same node keeps its version for its whole
// window: the notices are what make it fresh. Alias changes travel the same
// way.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "integration/jobs_support.h"
#include "state/open_state_database.h"
#include "support/http_client.h"
#include "support/metrics_wait.h"
#include "support/postgres_server.h"
#include "support/test_server.h"
#include "support/versitygw.h"

namespace wasmfaas {
namespace {

using testing::HttpClient;
using testing::metric;
using testing::PostgresServer;
using testing::TestServer;
using testing::VersityGateway;
using Clock = std::chrono::steady_clock;

constexpr char kHeads[] =
    "wasmfaas_store_operation_duration_seconds_count{backend=\"s3\",operation=\"head_object\","
    "result=\"ok\"}";

double heads(HttpClient& client) { return metric(client.get("/metrics").body, kHeads); }

bool notices_live(HttpClient& client) {
  return metric(client.get("/metrics").body, "wasmfaas_change_notices_live") == 1;
}

void wait_until_live(HttpClient& client) {
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  while (!notices_live(client)) {
    ASSERT_LT(Clock::now(), deadline) << "change notices never became live";
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string exec(HttpClient& client, const std::string& input) {
  return client.post("/exec/notices/f", input, "text/plain").body;
}

// Two nodes on one gateway, each with its own connections to one database.
class ChangeNoticesTest : public ::testing::Test {
 protected:
  void start_nodes(const server::ServerConfig& config) {
    PostgresServer& postgres = PostgresServer::shared();
    const std::string url = postgres.url(postgres.create_database());
    for (int i = 0; i < 2; ++i) {
      auto opened = state::open_state_database(url, {});
      ASSERT_TRUE(opened) << opened.error().message;
      databases_.push_back(std::move(*opened));
      nodes_.push_back(std::make_unique<TestServer>(gateway_, config, *databases_.back()));
    }
  }

  VersityGateway gateway_;
  std::vector<std::unique_ptr<state::StateDatabase>> databases_;
  std::vector<std::unique_ptr<TestServer>> nodes_;
};

TEST_F(ChangeNoticesTest, ANodeServesAnotherNodesReuploadAtOnceWithoutAStoreRequestPerCall) {
  server::ServerConfig config;
  config.notified_freshness = std::chrono::minutes(10);  // only a notice can make it fresh
  start_nodes(config);
  HttpClient a(nodes_[0]->port());
  HttpClient b(nodes_[1]->port());
  wait_until_live(a);
  wait_until_live(b);

  testing::jobs::deploy(a, "notices", "f", "fixture_upper");
  EXPECT_EQ(exec(b, "Hello"), "HELLO");
  const double heads_before = heads(b);
  for (int i = 0; i < 50; ++i) ASSERT_EQ(exec(b, "Hello"), "HELLO");
  // The deploy's own notice may reach B after its first call and make it
  // ask once more; no more than that.
  EXPECT_LE(heads(b), heads_before + 1) << "calls asked the store although notices are live";
  const double heads_after_settling = heads(b);
  for (int i = 0; i < 50; ++i) ASSERT_EQ(exec(b, "Hello"), "HELLO");
  EXPECT_EQ(heads(b), heads_after_settling) << "calls asked the store although notices are live";

  // A re-upload through A: B serves it at its next call.
  const auto uploaded_at = Clock::now();
  const auto uploaded =
      a.post("/file/notices/f", testing::load_component_text("fixture_lower"), "application/wasm");
  ASSERT_EQ(uploaded.status, 201) << uploaded.body;
  std::string output = exec(b, "Hello");
  while (output != "hello" && Clock::now() - uploaded_at < std::chrono::seconds(2)) {
    output = exec(b, "Hello");
  }
  const auto seen_after = Clock::now() - uploaded_at;
  EXPECT_EQ(output, "hello") << "B still serves the old version 2 s after the re-upload";
  std::cout << "node B served the re-upload "
            << std::chrono::duration_cast<std::chrono::microseconds>(seen_after).count()
            << " us after A's 201 (compiling it included)\n";

  // A config change through A is a new version too: B runs it next.
  const auto changed =
      a.request(boost::beast::http::verb::put, "/config/notices/f", R"({"env": {"GREETING": "x"}})",
                {{"Content-Type", "application/json"}});
  ASSERT_EQ(changed.status, 200) << changed.body;
  const std::string new_version = nlohmann::json::parse(changed.body).at("version");
  const auto changed_at = Clock::now();
  std::string ran;
  while (ran != new_version && Clock::now() - changed_at < std::chrono::seconds(2)) {
    EXPECT_EQ(exec(b, "Hello"), "hello");
    const auto logged = nlohmann::json::parse(b.get("/logs/notices/f?limit=1").body);
    ran = logged.at("invocations").at(0).at("version");
  }
  EXPECT_EQ(ran, new_version) << "B still runs the old version 2 s after the config change";

  // A delete through A: B answers 404 at once.
  ASSERT_EQ(a.del("/file/notices/f").status, 200);
  const auto deleted_at = Clock::now();
  int status = b.post("/exec/notices/f", "Hello", "text/plain").status;
  while (status == 200 && Clock::now() - deleted_at < std::chrono::seconds(2)) {
    status = b.post("/exec/notices/f", "Hello", "text/plain").status;
  }
  EXPECT_EQ(status, 404);
}

TEST_F(ChangeNoticesTest, WithoutNoticesANodeKeepsItsVersionForItsWholeFreshnessWindow) {
  server::ServerConfig config;
  config.change_notifications = false;
  config.freshness_window = std::chrono::minutes(10);
  start_nodes(config);
  HttpClient a(nodes_[0]->port());
  HttpClient b(nodes_[1]->port());
  EXPECT_FALSE(notices_live(b));

  testing::jobs::deploy(a, "notices", "f", "fixture_upper");
  EXPECT_EQ(exec(b, "Hello"), "HELLO");
  const auto uploaded =
      a.post("/file/notices/f", testing::load_component_text("fixture_lower"), "application/wasm");
  ASSERT_EQ(uploaded.status, 201) << uploaded.body;
  EXPECT_EQ(exec(a, "Hello"), "hello");  // the node that uploaded forgets at once
  EXPECT_EQ(exec(b, "Hello"), "HELLO");  // the other one only after its window
}

// Points alias prod of notices/f at `version` through `client`.
void set_prod(HttpClient& client, const std::string& version) {
  const auto set = client.request(boost::beast::http::verb::put, "/aliases/notices/f?name=prod",
                                  nlohmann::json{{"version", version}}.dump(),
                                  {{"Content-Type", "application/json"}});
  ASSERT_EQ(set.status, 200) << set.body;
}

std::string exec_prod(HttpClient& client) {
  return client.post("/exec/notices/f?alias=prod", "Hello", "text/plain").body;
}

std::string upload(HttpClient& client, const std::string& component) {
  const auto uploaded =
      client.post("/file/notices/f", testing::load_component_text(component), "application/wasm");
  EXPECT_EQ(uploaded.status, 201) << uploaded.body;
  return nlohmann::json::parse(uploaded.body).value("version", "");
}

TEST_F(ChangeNoticesTest, AnAliasChangedThroughOneNodeIsServedByAnotherAtOnce) {
  server::ServerConfig config;
  config.notified_freshness = std::chrono::minutes(10);  // only a notice can make it fresh
  start_nodes(config);
  HttpClient a(nodes_[0]->port());
  HttpClient b(nodes_[1]->port());
  wait_until_live(a);
  wait_until_live(b);
  ASSERT_EQ(a.put("/bucket/notices").status, 201);
  const std::string upper = upload(a, "fixture_upper");
  const std::string lower = upload(a, "fixture_lower");
  set_prod(a, upper);
  EXPECT_EQ(exec_prod(b), "HELLO");  // B reads the alias and keeps it

  set_prod(a, lower);
  const auto changed_at = Clock::now();
  std::string output = exec_prod(b);
  while (output != "hello" && Clock::now() - changed_at < std::chrono::seconds(2)) {
    output = exec_prod(b);
  }
  EXPECT_EQ(output, "hello") << "B still runs the alias's old version 2 s after the change";
}

TEST_F(ChangeNoticesTest, WithoutNoticesANodeKeepsAnAliasForItsWholeFreshnessWindow) {
  server::ServerConfig config;
  config.change_notifications = false;
  config.freshness_window = std::chrono::minutes(10);
  start_nodes(config);
  HttpClient a(nodes_[0]->port());
  HttpClient b(nodes_[1]->port());
  ASSERT_EQ(a.put("/bucket/notices").status, 201);
  const std::string upper = upload(a, "fixture_upper");
  const std::string lower = upload(a, "fixture_lower");
  set_prod(a, upper);
  EXPECT_EQ(exec_prod(b), "HELLO");
  set_prod(a, lower);
  EXPECT_EQ(exec_prod(a), "hello");  // the node that changed it forgets at once
  EXPECT_EQ(exec_prod(b), "HELLO");  // the other one only after its window
}

}  // namespace
}  // namespace wasmfaas
