// Three `wasmfaas serve` processes on 127.0.0.2-4 sharing one S3 store and
// one PostgreSQL, behind HAProxy run with deploy/haproxy/haproxy.cfg, under
// load from vegeta (hello through the balancer at a fixed rate, every
// request's outcome recorded):
// - a rolling restart (SIGTERM, then the node again on its address) of each
//   node in turn fails no request, and the X-Request-Id HAProxy gives each
//   request comes back with its response;
// - a `kill -9` of a node fails only requests that were under way at the
//   kill, no more than the node had in flight, none with a wrong body, and
//   no request sent after it.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "integration/scale_out_support.h"
#include "support/metrics_wait.h"

namespace wasmfaas {
namespace {

using namespace testing::scale_out;
using testing::epoch_ms;
using testing::find_metric;
using testing::HaproxyProcess;
using testing::NodeCluster;
using testing::VegetaAttack;
using testing::VegetaResult;
using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::system_clock;

constexpr int kRate = 150;  // requests per second
// HAProxy takes a node whose /readyz says 503 out within about 0.7 s
// (haproxy.cfg); a node told to stop keeps serving about three times that.
constexpr int kShutdownDelayMs = 2000;

TEST(ScaleOutTest, RollingRestartUnderLoadFailsNoRequest) {
  const auto test_start = std::chrono::steady_clock::now();
  NodeCluster cluster(3, {"--shutdown-delay-ms", std::to_string(kShutdownDelayMs)});
  deploy_everywhere(cluster, "hello", "hello", kHelloInput, kHelloOutput);
  const auto balancer = start_balancer(cluster);
  VegetaAttack attack(hello_through(*balancer), kRate);
  ASSERT_TRUE(wait_for_requests(*balancer, kRate / 2, seconds(10))) << attack.log();

  std::vector<system_clock::time_point> back_at(cluster.size());
  std::vector<double> restart_seconds(cluster.size());
  for (size_t i = 0; i < cluster.size(); ++i) {
    const auto leaving = std::chrono::steady_clock::now();
    EXPECT_TRUE(cluster.terminate(i, seconds(30))) << "node " << i + 1 << " did not end cleanly";
    // It said 503 on /readyz for the whole delay: HAProxy had taken it out
    // before it stopped accepting.
    EXPECT_TRUE(balancer->server_status(server_name(i)).starts_with("DOWN"))
        << server_name(i) << " still in rotation when it stopped:\n" << balancer->log();
    const long sent_before = balancer->requests_sent(server_name(i));
    cluster.restart(i);
    // Back in rotation: up in HAProxy's checks, and given requests again.
    ASSERT_TRUE(balancer->wait_for_status(server_name(i), "UP", seconds(10)))
        << server_name(i) << " not back in rotation:\n" << balancer->log();
    ASSERT_TRUE(wait_for_requests(*balancer, sent_before + 10, seconds(10), server_name(i)));
    back_at[i] = system_clock::now();
    restart_seconds[i] =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - leaving).count();
  }
  // Load on all three once more: the last one restarted serves too.
  ASSERT_TRUE(wait_for_requests(*balancer, balancer->requests_sent() + kRate / 2, seconds(10)));
  const std::vector<VegetaResult> results = attack.stop();
  const LoadSummary summary = summarize(results);

  std::cout << "rolling restart of 3 nodes at " << kRate << " requests/s: " << summary.sent
            << " sent, " << summary.failed.size() << " failed (" << summary.wrong_bodies
            << " wrong bodies); each node out and back in";
  for (double s : restart_seconds) std::cout << " " << s << " s";
  std::cout << "; served by";
  for (const auto& [node, count] : summary.by_node) std::cout << " " << node << ": " << count;
  std::cout << "; test " << std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                                          test_start).count()
            << " s" << std::endl;
  RecordProperty("sent", static_cast<int>(summary.sent));
  RecordProperty("failed", static_cast<int>(summary.failed.size()));

  EXPECT_GT(summary.sent, static_cast<size_t>(kRate)) << attack.log();
  EXPECT_EQ(summary.failed.size(), 0u);
  for (size_t i = 0; i < summary.failed.size() && i < 10; ++i) {
    ADD_FAILURE() << describe(*summary.failed[i]);
  }
  // HAProxy gave each request an X-Request-Id (a UUID: vegeta sends
  // none), and the nodes kept it.
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}");
  std::set<std::string> request_ids;
  std::string other_id;
  for (const VegetaResult& result : results) {
    if (!succeeded(result)) continue;
    const std::string id = result.header("X-Request-Id");
    if (!std::regex_match(id, uuid)) other_id = id;
    request_ids.insert(id);
  }
  EXPECT_EQ(other_id, "") << "an X-Request-Id that is not the one HAProxy set";
  EXPECT_EQ(request_ids.size(), summary.succeeded) << "request ids given twice";
  // Each node served again after its restart.
  for (size_t i = 0; i < cluster.size(); ++i) {
    size_t after_restart = 0;
    for (const VegetaResult& result : results) {
      after_restart += result.start > back_at[i] && succeeded(result) &&
                       result.header("X-Wasmfaas-Node") == server_name(i);
    }
    EXPECT_GT(after_restart, 0u) << server_name(i) << " served nothing after its restart";
  }
}

// Which requests may fail when a node dies (SIGKILL) under load. The test
// records the kill between two readings of the wall clock vegeta stamps
// its requests with: [kill_from, kill_to], kill_to once the process is
// gone (reaped), all its sockets closed.
// - Those it was serving: HAProxy had sent them to it and they were under
//   way at the kill (started before kill_to, ended after kill_from). No
//   more of them than it could have had in flight: its gauge
//   wasmfaas_http_requests_in_flight read just before the kill (requests
//   read whole and not yet answered; the reading counts itself, one more
//   than the node's own, which covers a request HAProxy had not finished
//   sending it: hello's small body goes in one write), plus every request
//   (to any node) that started between that reading and kill_to, an upper
//   bound on those it was given meanwhile. (A failed request has no
//   X-Wasmfaas-Node, so failures cannot be attributed one by one.)
// - Requests that started after kill_to go to the other nodes: HAProxy's
//   connections to the dead node are refused and the request goes to
//   another (retry-on conn-failure, redispatch). The one exception is a
//   keep-alive connection HAProxy held to the node and had not yet seen
//   closed: a request sent on it gets no answer, and HAProxy closes the
//   client's connection without a response (as a server closing an idle
//   keep-alive connection would; it never re-sends a request that may
//   have reached a node). Each such connection fails at most one request,
//   so these are bounded by the connections HAProxy held to the node just
//   before the kill (its stats: idle, safe and used connections), and each
//   must be a request with no response at all.
// - None is answered 200 with anything but hello's whole output.
TEST(ScaleOutTest, KillOfANodeUnderLoadFailsOnlyItsRequestsInFlight) {
  NodeCluster cluster(3, {});
  deploy_everywhere(cluster, "hello", "hello", kHelloInput, kHelloOutput);
  const auto balancer = start_balancer(cluster);
  VegetaAttack attack(hello_through(*balancer), kRate);
  ASSERT_TRUE(wait_for_requests(*balancer, kRate, seconds(10))) << attack.log();

  const size_t victim = 1;
  auto victim_client = cluster.client(victim);
  std::map<std::string, std::string> victim_stats = balancer->stats()[server_name(victim)];
  size_t pooled_connections = 0;
  for (const char* column : {"idle_conn_cur", "safe_conn_cur", "used_conn_cur"}) {
    pooled_connections += std::stoul("0" + victim_stats[column]);
  }
  const system_clock::time_point scraped_at = system_clock::now();
  const std::string metrics = victim_client->get("/metrics").body;
  // Until every node exports the HTTP gauge, the exec pool's running and
  // queued tasks stand in for it (they leave out requests being read or
  // written).
  std::optional<double> in_flight = find_metric(metrics, "wasmfaas_http_requests_in_flight");
  const bool http_gauge = in_flight.has_value();
  if (!http_gauge) {
    in_flight = testing::metric(metrics, R"(wasmfaas_in_flight{pool="exec"})") +
                testing::metric(metrics, R"(wasmfaas_queue_depth{pool="exec"})");
  }
  const system_clock::time_point kill_from = system_clock::now();
  cluster.kill(victim);
  const system_clock::time_point kill_to = system_clock::now();
  ASSERT_TRUE(balancer->wait_for_status(server_name(victim), "DOWN", seconds(5)))
      << balancer->log();
  // A second of load after HAProxy took it out.
  ASSERT_TRUE(wait_for_requests(*balancer, balancer->requests_sent() + kRate, seconds(10)));
  const std::vector<VegetaResult> results = attack.stop();
  const LoadSummary summary = summarize(results);

  size_t under_way_at_kill = 0;     // any node
  size_t started_since_scrape = 0;  // between the gauge's reading and the kill
  size_t after_kill = 0;
  for (const VegetaResult& result : results) {
    under_way_at_kill += result.spans(kill_from, kill_to);
    started_since_scrape += result.start >= scraped_at && result.start <= kill_to;
    after_kill += result.start > kill_to;
  }
  std::vector<const VegetaResult*> failed_at_kill;
  std::vector<const VegetaResult*> failed_after_kill;
  for (const VegetaResult* failed : summary.failed) {
    if (failed->start > kill_to) {
      failed_after_kill.push_back(failed);
    } else {
      failed_at_kill.push_back(failed);
    }
  }
  const size_t bound = static_cast<size_t>(*in_flight) + started_since_scrape;
  std::cout << "kill -9 of 1 of 3 nodes at " << kRate << " requests/s: " << summary.sent
            << " sent, " << summary.failed.size() << " failed (" << summary.wrong_bodies
            << " wrong bodies; " << failed_at_kill.size() << " under way at the kill, "
            << failed_after_kill.size() << " sent after it on a stale keep-alive connection of "
            << pooled_connections << " HAProxy held to the node); in flight on the node just "
            << "before the kill: " << *in_flight
            << (http_gauge ? " (wasmfaas_http_requests_in_flight)" : " (exec pool, running + queued)")
            << ", " << started_since_scrape << " started between that reading and the kill, "
            << under_way_at_kill << " under way on any node at the kill; " << after_kill
            << " sent after the kill; served by";
  for (const auto& [node, count] : summary.by_node) std::cout << " " << node << ": " << count;
  std::cout << std::endl;
  RecordProperty("sent", static_cast<int>(summary.sent));
  RecordProperty("failed", static_cast<int>(summary.failed.size()));
  RecordProperty("in_flight_at_kill", static_cast<int>(*in_flight));

  EXPECT_GT(after_kill, static_cast<size_t>(kRate / 2)) << attack.log();
  EXPECT_EQ(summary.wrong_bodies, 0u);
  EXPECT_LE(failed_at_kill.size(), bound);
  for (const VegetaResult* failed : failed_at_kill) {
    EXPECT_TRUE(failed->spans(kill_from, kill_to))
        << "failed but not under way at the kill (" << epoch_ms(kill_from) << "-"
        << epoch_ms(kill_to) << " ms): " << describe(*failed);
  }
  EXPECT_LE(failed_after_kill.size(), pooled_connections);
  for (const VegetaResult* failed : failed_after_kill) {
    EXPECT_EQ(failed->code, 0) << "sent after the kill (" << epoch_ms(kill_to)
                               << " ms) and answered: " << describe(*failed);
  }
  RecordProperty("failed_after_kill", static_cast<int>(failed_after_kill.size()));
}

}  // namespace
}  // namespace wasmfaas
