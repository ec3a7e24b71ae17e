// Leaving gracefully: a real `wasmfaas serve` process gets SIGTERM while a
// client keeps calling it and a slow call runs. /readyz answers 503 at
// once while every call still succeeds for the shutdown delay; then the
// node stops accepting, the slow call finishes with `Connection: close`,
// and the process exits 0. Also: an X-Request-Id the client sends is the
// one the response and the log carry, unless it is not a clean one.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "integration/jobs_support.h"
#include "support/http_client.h"
#include "support/server_process.h"
#include "support/temp_dir.h"

namespace wasmfaas {
namespace {

using nlohmann::json;
using testing::HttpClient;
using testing::HttpResult;
using testing::ServerProcess;
using testing::TempDir;
using Clock = std::chrono::steady_clock;

constexpr auto kShutdownDelay = std::chrono::milliseconds(1500);

// One call of the load, when it was sent, and how it ended: a status, or
// no response at all (the connection refused or closed).
struct Call {
  Clock::time_point sent;
  std::optional<int> status;
  bool body_ok = false;
};

TEST(GracefulShutdownTest, SigtermMakesReadinessFailFirstAndNoCallFailsDuringDelayAndDrain) {
  TempDir dir;
  ServerProcess server(dir.path() / "data",
                       {"--log-level", "warn", "--shutdown-delay-ms",
                        std::to_string(kShutdownDelay.count()), "--drain-seconds", "10"});
  const uint16_t port = server.port();
  {
    HttpClient client(port);
    testing::jobs::deploy(client, "graceful", "probe", "fixture_job_probe");
    ASSERT_EQ(client.get("/readyz").status, 200);
  }
  const std::string expected = [&] {
    HttpClient client(port);
    return client.post("/exec/graceful/probe", "fast", "text/plain").body;
  }();
  ASSERT_NE(expected.find("fast"), std::string::npos) << expected;

  // A slow call that runs across the delay and into the drain.
  std::optional<HttpResult> slow;
  std::thread slow_caller([&] {
    HttpClient client(port);
    slow = client.post("/exec/graceful/probe", "spin:2500", "text/plain");
  });

  // The load: calls one after another on a keep-alive connection, on a
  // new one whenever the server closed it, until connecting is refused.
  std::mutex calls_mutex;
  std::vector<Call> calls;
  std::atomic<bool> stop_load{false};
  std::thread load([&] {
    std::optional<HttpClient> client;
    while (!stop_load) {
      Call call{Clock::now(), std::nullopt, false};
      try {
        if (!client) client.emplace(port);
        const HttpResult result = client->post("/exec/graceful/probe", "fast", "text/plain");
        call.status = result.status;
        call.body_ok = result.body == expected;
        if (result.header("connection") == "close") client.reset();
      } catch (const std::exception&) {
        client.reset();
      }
      std::lock_guard lock(calls_mutex);
      calls.push_back(call);
      if (!call.status && !client) {
        // Refused or closed: refused for good once the listener is shut.
        try {
          HttpClient probe(port);
        } catch (const std::exception&) {
          return;
        }
      }
    }
  });

  // Let the load and the slow call run, then SIGTERM.
  for (bool enough = false; !enough; std::this_thread::yield()) {
    std::lock_guard lock(calls_mutex);
    enough = calls.size() >= 50;
  }
  const Clock::time_point sigterm = Clock::now();
  server.send_signal(SIGTERM);

  // Readiness answers 503 at once, with the reason.
  std::optional<Clock::time_point> not_ready;
  json readiness;
  while (Clock::now() - sigterm < kShutdownDelay) {
    try {
      HttpClient client(port);
      const HttpResult ready = client.get("/readyz");
      if (ready.status == 503) {
        not_ready = Clock::now();
        readiness = json::parse(ready.body, nullptr, false);
        break;
      }
      ASSERT_EQ(ready.status, 200) << ready.body;
    } catch (const std::exception& error) {
      FAIL() << "the listener closed before readiness failed: " << error.what();
    }
  }
  ASSERT_TRUE(not_ready) << "/readyz still 200 after the whole shutdown delay";
  EXPECT_EQ(readiness.value("code", ""), "shutting_down") << readiness.dump();
  EXPECT_LT(*not_ready - sigterm, kShutdownDelay / 2);
  // /healthz stays 200 while the node leaves: it is alive.
  {
    HttpClient client(port);
    EXPECT_EQ(client.get("/healthz").status, 200);
  }

  slow_caller.join();
  load.join();
  stop_load = true;
  const int status = server.wait_for_exit();
  const Clock::time_point exited = Clock::now();

  // The slow call finished during the drain, told to close.
  ASSERT_TRUE(slow.has_value());
  EXPECT_EQ(slow->status, 200) << slow->body;
  EXPECT_NE(slow->body.find("spun"), std::string::npos) << slow->body;
  EXPECT_EQ(slow->header("connection"), "close");

  // No call failed: every call answered is a 200 with the right body; a
  // call without an answer (refused or closed) only after the delay.
  size_t answered = 0, during_delay = 0, unanswered = 0;
  std::optional<Clock::time_point> first_unanswered;
  for (const Call& call : calls) {
    if (call.status) {
      ++answered;
      EXPECT_EQ(*call.status, 200);
      EXPECT_TRUE(call.body_ok);
      if (call.sent > sigterm && call.sent < sigterm + kShutdownDelay) ++during_delay;
    } else {
      ++unanswered;
      if (!first_unanswered) first_unanswered = call.sent;
    }
  }
  ASSERT_TRUE(first_unanswered) << "the node never stopped accepting";
  EXPECT_GE(*first_unanswered - sigterm, kShutdownDelay)
      << "a call went unanswered during the shutdown delay";
  EXPECT_GT(during_delay, 10u) << "calls kept being served during the delay";
  EXPECT_GT(exited - sigterm, kShutdownDelay);
  ASSERT_TRUE(WIFEXITED(status)) << server.log_tail();
  EXPECT_EQ(WEXITSTATUS(status), 0) << server.log_tail();
  const std::string log = server.log_tail();
  EXPECT_NE(log.find("not ready; serving for 1500 ms"), std::string::npos) << log;
  EXPECT_NE(log.find("wasmfaas: stopped\n"), std::string::npos) << log;
  std::cout << "calls answered " << answered << " (" << during_delay
            << " during the delay), unanswered after the delay " << unanswered
            << ", readiness 503 after "
            << std::chrono::duration_cast<std::chrono::milliseconds>(*not_ready - sigterm).count()
            << " ms, exit after "
            << std::chrono::duration_cast<std::chrono::milliseconds>(exited - sigterm).count()
            << " ms\n";
}

TEST(GracefulShutdownTest, AClientRequestIdIsKeptWhenCleanAndReplacedOtherwise) {
  TempDir dir;
  ServerProcess server(dir.path() / "data", {"--log-level", "info"});
  HttpClient client(server.port());
  testing::jobs::deploy(client, "graceful", "probe", "fixture_job_probe");

  const std::string given = "lb-7f3a:0c91.42_x";
  const HttpResult kept = client.request(boost::beast::http::verb::post, "/exec/graceful/probe",
                                         "fast", {{"X-Request-Id", given}});
  EXPECT_EQ(kept.status, 200);
  EXPECT_EQ(kept.header("x-request-id"), given);
  const HttpResult listed = client.get("/logs/graceful/probe?limit=1");
  EXPECT_EQ(json::parse(listed.body).at("invocations").at(0).at("request_id"), given)
      << listed.body;

  for (const std::string& unclean :
       {std::string("has space"), std::string("quote\"d"), std::string(129, 'a')}) {
    const HttpResult replaced =
        client.request(boost::beast::http::verb::get, "/healthz", "", {{"X-Request-Id", unclean}});
    EXPECT_EQ(replaced.status, 200);
    EXPECT_NE(replaced.header("x-request-id"), unclean);
    EXPECT_EQ(replaced.header("x-request-id").size(), 16u) << replaced.header("x-request-id");
  }
  // The access log names the request by the id it was given.
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (server.log_tail().find("\"request_id\":\"" + given + "\"") == std::string::npos &&
         Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_NE(server.log_tail().find("\"request_id\":\"" + given + "\""), std::string::npos)
      << server.log_tail();
}

}  // namespace
}  // namespace wasmfaas
