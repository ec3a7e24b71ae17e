// Async jobs and schedules on several nodes sharing one PostgreSQL state
// database:
// - two `wasmfaas serve` processes sharing an S3 store (versitygw) take
//   1000 jobs submitted concurrently to both while one of them is killed
//   (SIGKILL) and restarted: every accepted job ends succeeded, none is lost
//   or doubled, and the attempts run twice are at most those the killed
//   node was running (reported, with the function's own count of runs);
// - three in-process nodes run a schedule firing every 2 s for a minute:
//   every tick fires exactly once, its job succeeds, and the nodes' fire
//   counters add up to the ticks.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/beast/http.hpp>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "integration/jobs_support.h"
#include "state/open_state_database.h"
#include "support/http_client.h"
#include "support/metrics_wait.h"
#include "support/postgres_server.h"
#include "support/schedule_ticks.h"
#include "support/server_process.h"
#include "support/temp_dir.h"
#include "support/test_server.h"
#include "support/versitygw.h"
#include "triggers/unix_time.h"

namespace wasmfaas {
namespace {

using boost::beast::http::verb;
using nlohmann::json;
using testing::HttpClient;
using testing::HttpResult;
using testing::metric;
using testing::PostgresServer;
using testing::ServerProcess;
using testing::TempDir;
using testing::TestServer;
using testing::VersityGateway;
using namespace testing::jobs;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// ---------------------------------------------------------------------------
// 1000 jobs, two processes, one killed and restarted.

constexpr int kJobs = 1000;
constexpr int kClientThreads = 8;
constexpr int kJobWorkersPerNode = 2;
constexpr char kBucket[] = "cluster";

// Submits one job with its idempotency key to the node at ports[preferred],
// or, when that node fails (killed, restarting, refusing), to the other
// one: the same key always names the same job, so a submission whose 202
// was lost with its node is not doubled. Returns the job id ("" after
// giving up, or on an answer that is no node's fault).
class Submitter {
 public:
  Submitter(std::array<std::atomic<uint16_t>, 2>& ports, int preferred)
      : ports_(ports), preferred_(preferred) {}

  std::string submit(const std::string& idempotency_key) {
    for (int attempt = 0; attempt < 400; ++attempt) {
      const int node = attempt % 2 == 0 ? preferred_ : 1 - preferred_;
      if (auto id = try_node(node, idempotency_key)) return *id;
      if (attempt % 2 == 1) std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return "";
  }

  int failovers() const { return failovers_; }

 private:
  // The job id; nullopt when the node did not take it (try the other).
  std::optional<std::string> try_node(int node, const std::string& idempotency_key) {
    const uint16_t port = ports_[node].load();
    if (port == 0) return std::nullopt;  // down
    try {
      if (!clients_[node] || client_ports_[node] != port) {
        clients_[node] = std::make_unique<HttpClient>(port);
        client_ports_[node] = port;
      }
      const HttpResult result = clients_[node]->request(
          verb::post, std::string("/async/") + kBucket + "/counter", R"({"key":"runs"})",
          {{"Content-Type", "application/json"}, {"Idempotency-Key", idempotency_key}});
      if (result.status == 202) {
        if (node != preferred_) ++failovers_;
        return json::parse(result.body).at("job").get<std::string>();
      }
      if (result.status < 500) {
        ADD_FAILURE() << "submission " << idempotency_key << " answered " << result.status
                      << ": " << result.body;
        return std::string();
      }
    } catch (const std::exception&) {
      // Connection refused or cut: the node is down.
      clients_[node].reset();
    }
    return std::nullopt;
  }

  std::array<std::atomic<uint16_t>, 2>& ports_;
  const int preferred_;
  std::array<std::unique_ptr<HttpClient>, 2> clients_;
  std::array<uint16_t, 2> client_ports_{};
  int failovers_ = 0;
};

// Every job of `bucket`, read from the state database (a listing through
// the API has no outputs).
std::vector<state::JobRecord> list_jobs(state::JobQueue& queue, const std::string& bucket) {
  std::vector<state::JobRecord> jobs;
  std::optional<std::string> cursor;
  for (;;) {
    auto page = queue.list({.bucket = bucket}, cursor, 1000);
    EXPECT_TRUE(page) << page.error().message;
    if (!page) return jobs;
    for (state::JobRecord& job : page->jobs) jobs.push_back(std::move(job));
    if (!page->next_cursor) return jobs;
    cursor = page->next_cursor;
  }
}

TEST(JobsClusterTest, AThousandJobsOnTwoNodesSurviveTheKillOfOne) {
  const auto test_start = Clock::now();
  PostgresServer& postgres = PostgresServer::shared();
  const std::string state = postgres.url(postgres.create_database());
  VersityGateway gateway;
  // Both nodes keep their functions in the one S3 store, their state in the
  // one database.
  const std::vector<std::string> environment = gateway.serve_environment();
  const std::vector<std::string> flags = {"--log-level", "warn", "--store", "s3", "--state", state,
                                          "--job-workers", std::to_string(kJobWorkersPerNode),
                                          "--job-lease-ms", "2000"};
  TempDir dir;
  ServerProcess node_a(dir.path() / "a", flags, environment);
  auto node_b = std::make_unique<ServerProcess>(dir.path() / "b", flags, environment);
  std::array<std::atomic<uint16_t>, 2> ports;
  ports[0] = node_a.port();
  ports[1] = node_b->port();

  // rust-counter increments the key-value counter its input names, in the
  // shared database: its final value counts every run of the function,
  // including runs whose outcome a killed node never recorded.
  HttpClient admin(node_a.port());
  deploy(admin, kBucket, "counter", "rust-counter");
  put_config(admin, kBucket, "counter", R"({"keyvalue":["default"]})");
  {
    // Both nodes see the function (and compile it) before the run.
    HttpClient other(node_b->port());
    ASSERT_EQ(admin.post(std::string("/exec/") + kBucket + "/counter", R"({"key":"warm"})").status,
              200);
    ASSERT_EQ(other.post(std::string("/exec/") + kBucket + "/counter", R"({"key":"warm"})").status,
              200);
  }

  std::mutex accepted_mutex;
  std::vector<std::string> accepted;
  std::atomic<int> accepted_count{0};
  std::atomic<int> failovers{0};
  double killed_at_s = 0;
  double restart_s = 0;
  int accepted_at_kill = 0;
  const auto submit_start = Clock::now();
  std::thread killer([&] {
    while (accepted_count.load() < kJobs / 2) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    accepted_at_kill = accepted_count.load();
    ports[1] = 0;
    node_b->kill_now();
    killed_at_s = seconds_since(submit_start);
    // Down for a moment, then back on the same data directory (a new node
    // id: the dead node's leases are nobody's until they end).
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const auto restarting = Clock::now();
    node_b = std::make_unique<ServerProcess>(dir.path() / "b", flags, environment);
    restart_s = seconds_since(restarting);
    ports[1] = node_b->port();
  });
  {
    std::vector<std::jthread> clients;
    for (int c = 0; c < kClientThreads; ++c) {
      clients.emplace_back([&, c] {
        Submitter submitter(ports, c % 2);
        for (int i = c; i < kJobs; i += kClientThreads) {
          const std::string id = submitter.submit("job-" + std::to_string(i));
          if (id.empty()) {
            ADD_FAILURE() << "job-" << i << " was accepted by no node";
            continue;
          }
          std::lock_guard lock(accepted_mutex);
          accepted.push_back(id);
          ++accepted_count;
        }
        failovers += submitter.failovers();
      });
    }
  }
  killer.join();
  const double submitted_s = seconds_since(submit_start);
  ASSERT_EQ(accepted.size(), static_cast<size_t>(kJobs));
  const std::set<std::string> accepted_ids(accepted.begin(), accepted.end());
  EXPECT_EQ(accepted_ids.size(), static_cast<size_t>(kJobs)) << "two submissions got one job";

  // Until every job has ended (the shared queue's counts, in /metrics).
  HttpClient client_a(node_a.port());
  const auto deadline = Clock::now() + std::chrono::seconds(45);
  std::string metrics_a;
  for (;;) {
    metrics_a = client_a.get("/metrics").body;
    const double open = metric(metrics_a, R"(wasmfaas_jobs{status="queued"})") +
                        metric(metrics_a, R"(wasmfaas_jobs{status="running"})");
    if (open == 0 && metric(metrics_a, R"(wasmfaas_jobs{status="succeeded"})") +
                             metric(metrics_a, R"(wasmfaas_jobs{status="failed"})") +
                             metric(metrics_a, R"(wasmfaas_jobs{status="dead"})") >=
                         kJobs) {
      break;
    }
    if (Clock::now() > deadline) {
      ADD_FAILURE() << "the jobs did not end within 45 s after the submissions";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const double done_s = seconds_since(submit_start);

  // Every accepted job, once, succeeded; no other job exists.
  auto observer = state::open_state_database(state, {});
  ASSERT_TRUE(observer) << observer.error().message;
  const std::vector<state::JobRecord> jobs = list_jobs((*observer)->jobs(), kBucket);
  EXPECT_EQ(jobs.size(), static_cast<size_t>(kJobs)) << "jobs stored for 1000 submissions";
  std::map<std::string, int> statuses;
  std::set<int64_t> counts_seen;
  int rerun_jobs = 0;        // attempts > 1 without an error: a lost lease
  int retried_jobs = 0;      // attempts > 1 after a failed attempt
  int extra_attempts = 0;    // attempts beyond the first, all jobs
  std::vector<std::string> rerun_ids;
  for (const state::JobRecord& job : jobs) {
    const std::string& id = job.job.id;
    const std::string status(state::job_status_name(job.status));
    ++statuses[status];
    EXPECT_TRUE(accepted_ids.contains(id)) << "a job nobody got a 202 for: " << id;
    if (job.status != state::JobStatus::kSucceeded) {
      ADD_FAILURE() << "job " << id << " " << status << " after " << job.attempts
                    << " attempts: " << job.error_message.value_or("");
      continue;
    }
    const json output = json::parse(job.output.value_or(""), nullptr, false);
    ASSERT_TRUE(output.contains("count")) << id << ": " << job.output.value_or("");
    // Each recorded outcome comes from a run of its own.
    EXPECT_TRUE(counts_seen.insert(output.at("count").get<int64_t>()).second)
        << id << ": " << output.dump();
    const int attempts = static_cast<int>(job.attempts);
    EXPECT_GE(attempts, 1);
    extra_attempts += attempts - 1;
    if (attempts > 1) {
      if (job.error_code) {
        ++retried_jobs;
      } else {
        ++rerun_jobs;
        rerun_ids.push_back(id);
      }
    }
  }
  EXPECT_EQ(statuses["succeeded"], kJobs);

  // The function's own count of its runs.
  const HttpResult counted = client_a.get(std::string("/kv/") + kBucket + "/default/runs");
  ASSERT_EQ(counted.status, 200) << counted.body;
  const int64_t runs = std::stoll(counted.body);
  const int64_t duplicate_runs = runs - kJobs;

  // Where the attempts ran: the survivor and the restarted node count
  // theirs; the rest ran on the killed node before it died.
  HttpClient client_b(node_b->port());
  const std::string metrics_b = client_b.get("/metrics").body;
  metrics_a = client_a.get("/metrics").body;
  const auto attempts_of = [](const std::string& text, const char* outcome) {
    return static_cast<int>(
        metric(text, std::string("wasmfaas_job_attempts_total{outcome=\"") + outcome + "\"}"));
  };
  const int succeeded_a = attempts_of(metrics_a, "succeeded");
  const int succeeded_b2 = attempts_of(metrics_b, "succeeded");
  const int lease_lost = attempts_of(metrics_a, "lease_lost") + attempts_of(metrics_b, "lease_lost");
  const int retried = attempts_of(metrics_a, "retried") + attempts_of(metrics_b, "retried");

  std::ostringstream report;
  report << "1000 jobs on 2 nodes (" << kJobWorkersPerNode
         << " job workers each, lease 2000 ms), node B killed after " << accepted_at_kill
         << " accepted, at " << killed_at_s << " s, restarted in " << restart_s << " s\n"
         << "  submissions: " << submitted_s << " s (" << failovers.load()
         << " failed over to the other node); all ended at " << done_s << " s; test "
         << seconds_since(test_start) << " s\n"
         << "  succeeded attempts: node A " << succeeded_a << ", node B before the kill "
         << kJobs - succeeded_a - succeeded_b2 << ", node B restarted " << succeeded_b2 << "\n"
         << "  duplicates: " << rerun_jobs << " jobs ran again after the kill (attempts > 1, no "
         << "error)";
  for (size_t i = 0; i < rerun_ids.size() && i < 10; ++i) report << " " << rerun_ids[i];
  if (rerun_ids.size() > 10) report << " ...";
  report << "; " << retried_jobs << " jobs retried after a failed attempt (" << retried
         << " retried attempts on the live nodes); " << extra_attempts
         << " extra attempts in all\n"
         << "  function runs counted in key-value: " << runs << " (" << duplicate_runs
         << " beyond one per job); lease_lost on live nodes: " << lease_lost << "\n";
  std::cout << report.str();
  RecordProperty("rerun_jobs", rerun_jobs);
  RecordProperty("retried_jobs", retried_jobs);
  RecordProperty("duplicate_runs", static_cast<int>(duplicate_runs));
  RecordProperty("succeeded_on_killed_node", kJobs - succeeded_a - succeeded_b2);
  RecordProperty("seconds_to_finish", static_cast<int>(done_s));

  // At least once: every job ran; the runs beyond one per job are runs
  // whose outcome was lost, each followed by another attempt of its job.
  EXPECT_GE(duplicate_runs, 0);
  EXPECT_LE(duplicate_runs, extra_attempts) << report.str();
  // Only attempts running on the killed node are run again: one per job
  // worker at most (each holds one job at a time).
  EXPECT_LE(rerun_jobs, kJobWorkersPerNode) << report.str();
}

// ---------------------------------------------------------------------------
// A schedule on three nodes.

TEST(SchedulesClusterTest, ThreeNodesFireEveryTickOfAScheduleExactlyOnce) {
  PostgresServer& postgres = PostgresServer::shared();
  const std::string url = postgres.url(postgres.create_database());
  // Each node opens the database itself, as separate processes would.
  std::vector<std::unique_ptr<state::StateDatabase>> databases;
  for (int i = 0; i < 4; ++i) {
    auto opened = state::open_state_database(url, {});
    ASSERT_TRUE(opened) << opened.error().message;
    databases.push_back(std::move(*opened));
  }
  std::vector<std::unique_ptr<TestServer>> nodes;
  for (int i = 0; i < 3; ++i) {
    nodes.push_back(std::make_unique<TestServer>(server::ServerConfig{}, *databases[i]));
    // Each node has a store of its own: the function is deployed on each.
    HttpClient client(nodes.back()->port());
    deploy(client, "cron", "probe", "fixture_job_probe");
  }
  state::StateDatabase& observer = *databases[3];
  HttpClient admin(nodes[0]->port());
  const HttpResult stored = admin.request(
      verb::put, "/schedule/cron/tick",
      json{{"cron", "*/2 * * * * *"}, {"function", "probe"}, {"input", "tick"}, {"overlap", "allow"}}
          .dump(),
      {{"Content-Type", "application/json"}});
  ASSERT_EQ(stored.status, 200) << stored.body;
  const int64_t first_tick = rfc3339_ms(json::parse(stored.body).at("next_fires")[0]);
  EXPECT_EQ(first_tick % 2000, 0);

  std::this_thread::sleep_for(std::chrono::seconds(60));
  // A new connection: the server closed the idle one.
  HttpClient pauser(nodes[0]->port());
  const HttpResult paused = pauser.post("/schedule/cron/tick/pause", "");
  ASSERT_EQ(paused.status, 200) << paused.body;
  const int64_t paused_at = triggers::unix_ms_now();

  const std::vector<state::ScheduleFire> ticks = testing::expect_every_tick_fired_once(
      observer, "cron", "tick", 2000, first_tick, paused_at,
      [](const std::string& job) { return "job " + job + " attempt 1: tick"; });
  ASSERT_GE(ticks.size(), 25u) << "a minute of ticks every 2 s";
  const int64_t latest_fire = testing::latest_fire_ms(ticks);

  // Which node fired how many: their counters add up to the ticks.
  std::ostringstream report;
  report << ticks.size() << " ticks in " << (ticks.back().fire_ms - ticks.front().fire_ms) / 1000
         << " s, fired at most " << latest_fire << " ms late; by node:";
  int fired = 0;
  for (size_t i = 0; i < nodes.size(); ++i) {
    HttpClient client(nodes[i]->port());
    const int by_node = static_cast<int>(metric(
        client.get("/metrics").body, R"(wasmfaas_schedule_fires_total{outcome="submitted"})"));
    report << " node " << i << ": " << by_node;
    RecordProperty("fired_by_node_" + std::to_string(i), by_node);
    fired += by_node;
  }
  std::cout << report.str() << "\n";
  EXPECT_EQ(fired, static_cast<int>(ticks.size())) << report.str();
}

}  // namespace
}  // namespace wasmfaas
