// Short calls on the network thread: a function whose recent calls were
// short runs on the thread that read its request; one that turns long holds
// up the other connections only until a standby thread takes over.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "support/components.h"
#include "support/http_client.h"
#include "support/metrics_wait.h"
#include "support/test_server.h"

namespace wasmfaas {
namespace {

using namespace std::chrono_literals;
using testing::HttpClient;
using testing::HttpResult;
using testing::TestServer;

constexpr char kShortInput[] = R"({"n":7})";
constexpr char kShortAnswer[] = R"({"result":34})";
// fibonacci with this n loops for a few seconds.
constexpr char kLongInput[] = R"({"n":4000000000})";
constexpr char kOnNetwork[] = "wasmfaas_exec_placements_total{thread=\"network\"}";
constexpr char kOnWorker[] = "wasmfaas_exec_placements_total{thread=\"worker\"}";

server::ServerConfig one_network_thread(std::chrono::microseconds short_call) {
  server::ServerConfig config;
  config.http.io_threads = 1;
  config.http.short_call = short_call;
  return config;
}

void deploy_fibonacci(HttpClient& client) {
  ASSERT_EQ(client.put("/bucket/functions").status, 201);
  ASSERT_EQ(client
                .post("/file/functions/fibonacci", testing::load_component_text("fibonacci"),
                      "application/wasm")
                .status,
            201);
}

double metric_now(HttpClient& client, const std::string& series) {
  return testing::metric(client.get("/metrics").body, series);
}

// Calls fibonacci with a short input until a call ran on the network thread
// (a loaded machine may make a few calls slow; each one starts the count
// of short calls again).
::testing::AssertionResult make_short(HttpClient& client) {
  for (int call = 0; call < 500; ++call) {
    const HttpResult answer = client.post("/exec/functions/fibonacci", kShortInput);
    if (answer.status != 200 || answer.body != kShortAnswer) {
      return ::testing::AssertionFailure() << answer.status << " " << answer.body;
    }
    if (metric_now(client, kOnNetwork) > 0) return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "no call ran on the network thread";
}

TEST(ShortCallsTest, AFunctionWithShortCallsRunsOnTheNetworkThread) {
  TestServer server(one_network_thread(20ms));
  HttpClient client(server.port());
  deploy_fibonacci(client);
  const double on_worker_before = metric_now(client, kOnWorker);
  ASSERT_TRUE(make_short(client));
  EXPECT_GE(metric_now(client, kOnWorker) - on_worker_before, 8)
      << "the first calls of a function run on the exec workers";
  // From now on it stays on the network thread while its calls are short.
  const double on_network = metric_now(client, kOnNetwork);
  for (int call = 0; call < 20; ++call) {
    EXPECT_EQ(client.post("/exec/functions/fibonacci", kShortInput).body, kShortAnswer);
  }
  EXPECT_GT(metric_now(client, kOnNetwork), on_network);
}

TEST(ShortCallsTest, AZeroThresholdKeepsEveryCallOnTheExecWorkers) {
  TestServer server(one_network_thread(0us));
  HttpClient client(server.port());
  deploy_fibonacci(client);
  for (int call = 0; call < 30; ++call) {
    EXPECT_EQ(client.post("/exec/functions/fibonacci", kShortInput).body, kShortAnswer);
  }
  EXPECT_EQ(metric_now(client, kOnNetwork), 0);
  EXPECT_EQ(metric_now(client, kOnWorker), 30);
}

TEST(ShortCallsTest, ACallThatTurnsLongHoldsUpOtherConnectionsOnlyUntilAStandInServesThem) {
  TestServer server(one_network_thread(20ms));
  HttpClient client(server.port());
  deploy_fibonacci(client);
  ASSERT_TRUE(make_short(client));

  // The next call is long: it runs on the only network thread.
  std::atomic<bool> long_call_done{false};
  std::thread long_call([&] {
    HttpClient long_client(server.port());
    EXPECT_EQ(long_client.post("/exec/functions/fibonacci", kLongInput).status, 200);
    long_call_done = true;
  });
  // Running: this request and the long call are in flight.
  ASSERT_TRUE(testing::wait_for_metrics(client, {"wasmfaas_http_requests_in_flight 2"}));
  HttpClient other(server.port());
  auto slowest = 0ms;
  for (int request = 0; request < 10; ++request) {
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(other.get("/healthz").status, 200);
    slowest = std::max(slowest, std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::steady_clock::now() - started));
  }
  // Without a stand-in each answer would wait for the long call (seconds).
  EXPECT_FALSE(long_call_done) << "the long call ended before the check: make it longer";
  EXPECT_LT(slowest, 1000ms);
  EXPECT_GE(metric_now(other, "wasmfaas_network_stand_ins_total"), 1);
  long_call.join();

  // After a long call the function goes back to the exec workers.
  const double on_worker = metric_now(client, kOnWorker);
  EXPECT_EQ(client.post("/exec/functions/fibonacci", kShortInput).body, kShortAnswer);
  EXPECT_EQ(metric_now(client, kOnWorker), on_worker + 1);
}

}  // namespace
}  // namespace wasmfaas
