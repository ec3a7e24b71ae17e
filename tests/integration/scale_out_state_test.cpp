// Three `wasmfaas serve` processes on 127.0.0.2-4 sharing one S3 store and
// one PostgreSQL (behind HAProxy with deploy/haproxy/haproxy.cfg where a
// test goes through a balancer):
// - an upload through one node is what every node runs at its next exec
//   (per-call freshness check), or once notified (change notices), every
//   node serving the same SHA-256;
// - an upload racing a `kill -9` of the node receiving it leaves either no
//   new version or a whole one;
// - async jobs held by a killed node end succeeded on the others;
// - a schedule fires once per tick with three nodes.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/hash.h"
#include "integration/scale_out_support.h"
#include "state/open_state_database.h"
#include "support/components.h"
#include "support/metrics_wait.h"
#include "support/schedule_ticks.h"
#include "triggers/unix_time.h"

namespace wasmfaas {
namespace {

using namespace testing::scale_out;
using boost::beast::http::verb;
using nlohmann::json;
using testing::HttpClient;
using testing::HttpResult;
using testing::load_component_text;
using testing::NodeCluster;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string file_path(const std::string& key) { return "/file/" + std::string(kBucket) + "/" + key; }

// The key's versions as a node lists them, newest first.
std::vector<std::string> versions(HttpClient& client, const std::string& key) {
  const HttpResult listed = client.get(file_path(key) + "?versions");
  EXPECT_EQ(listed.status, 200) << listed.body;
  std::vector<std::string> ids;
  const json listing = json::parse(listed.body);
  for (const json& version : listing.at("versions")) {
    ids.push_back(version.at("version").get<std::string>());
  }
  return ids;
}

// The SHA-256 of the key's bytes (its current version, or `version`) as a
// node serves them.
std::string served_sha256(HttpClient& client, const std::string& key,
                          const std::string& version = "") {
  const HttpResult downloaded =
      client.get(file_path(key) + (version.empty() ? "" : "?version=" + version));
  EXPECT_EQ(downloaded.status, 200) << downloaded.body.substr(0, 200);
  return sha256_hex(downloaded.body);
}

// Six uploads of `shape`, each through another node and answering
// differently from the one before (upper, then lower case): every node runs
// the new one once it has seen it, and serves its bytes. With `at_once`,
// the first exec after the upload's 201 must run it; otherwise each node is
// asked until it does (within 5 s, the notified freshness). The longest
// wait, in milliseconds.
double expect_uploads_served_everywhere(NodeCluster& cluster, bool at_once) {
  EXPECT_EQ(cluster.client(0)->put(std::string("/bucket/") + kBucket).status, 201);
  const std::string upper = load_component_text("fixture_upper");
  const std::string lower = load_component_text("fixture_lower");
  double longest_ms = 0;
  for (int round = 0; round < 6; ++round) {
    const size_t uploader = static_cast<size_t>(round) % cluster.size();
    const bool upper_case = round % 2 == 0;
    const std::string bytes = with_marker(upper_case ? upper : lower, std::to_string(round));
    const HttpResult uploaded =
        cluster.client(uploader)->post(file_path("shape"), bytes, "application/wasm");
    EXPECT_EQ(uploaded.status, 201) << uploaded.body;
    if (uploaded.status != 201) return longest_ms;
    const auto stored_at = Clock::now();
    const std::string version = json::parse(uploaded.body).at("version").get<std::string>();
    for (size_t node = 0; node < cluster.size(); ++node) {
      auto client = cluster.client(node);
      HttpResult ran;
      for (;;) {
        ran = client->post("/exec/" + std::string(kBucket) + "/shape", "Mixed Case", "text/plain");
        if (at_once || ran.header("x-function-version") == version ||
            Clock::now() > stored_at + seconds(5)) {
          break;
        }
        std::this_thread::sleep_for(milliseconds(5));
      }
      longest_ms = std::max(longest_ms, seconds_since(stored_at) * 1000);
      EXPECT_EQ(ran.status, 200) << ran.body;
      EXPECT_EQ(ran.header("x-function-version"), version) << "node " << node + 1;
      EXPECT_EQ(ran.body, upper_case ? "MIXED CASE" : "mixed case")
          << "round " << round << ", uploaded through node " << uploader + 1 << ", run on node "
          << node + 1;
      EXPECT_EQ(served_sha256(*client, "shape"), sha256_hex(bytes)) << "node " << node + 1;
    }
  }
  return longest_ms;
}

// Per-call freshness check, no change notices: the next exec runs it.
TEST(ScaleOutTest, AnUploadThroughOneNodeIsServedByEveryNodeAtItsNextExec) {
  NodeCluster cluster(3, {"--freshness-ms", "0", "--no-change-notices"});
  expect_uploads_served_everywhere(cluster, true);
}

// The defaults: nodes learn of an upload from PostgreSQL notices.
TEST(ScaleOutTest, AnUploadThroughOneNodeIsServedByEveryNodeOnceNotified) {
  NodeCluster cluster(3, {});
  const double longest_ms = expect_uploads_served_everywhere(cluster, false);
  std::cout << "uploads served by every node (change notices) at most " << longest_ms
            << " ms after the upload's answer" << std::endl;
}

// An upload (Rust's hello, about 110 KB) is validated and compiled before
// it is stored. The kills home in on the instant the store writes it: the delay from the upload's start is bisected between one known to
// come before the write (at first 0) and one known to come after it (at
// first a whole upload's measured time): a kill that left a new version
// moves the upper end down, one that left none the lower end up. Whatever
// the node was doing, the key afterwards has either no new version or the
// whole new one, on every node. A node killed after storing a version but
// before its change notice went out leaves the others to find the version
// within the notified freshness, which this test shortens to 300 ms.
TEST(ScaleOutTest, AnUploadRacingAKillLeavesNoVersionOrAWholeOne) {
  constexpr auto kNotifiedFreshness = milliseconds(300);
  NodeCluster cluster(3, {"--freshness-ms", "0", "--notified-freshness-ms",
                          std::to_string(kNotifiedFreshness.count())});
  // What `client` serves once it has had the notified freshness to see
  // `expected`: asked again until it serves it or the bound is past.
  const auto settled_sha256 = [&](HttpClient& client, const std::string& expected) {
    const auto deadline = Clock::now() + kNotifiedFreshness + seconds(2);
    std::string served = served_sha256(client, "race");
    while (served != expected && Clock::now() < deadline) {
      std::this_thread::sleep_for(milliseconds(20));
      served = served_sha256(client, "race");
    }
    return served;
  };
  ASSERT_EQ(cluster.client(0)->put(std::string("/bucket/") + kBucket).status, 201);
  const std::string component = load_component_text("rust-hello");
  std::set<std::string> uploaded_sha256;
  const auto upload = [&](size_t node, const std::string& marker) {
    const std::string bytes = with_marker(component, marker);
    uploaded_sha256.insert(sha256_hex(bytes));
    return cluster.client(node)->post(file_path("race"), bytes, "application/wasm");
  };
  ASSERT_EQ(upload(0, "first").status, 201);
  const auto calibrating = Clock::now();
  ASSERT_EQ(upload(1, "calibration").status, 201);
  const auto upload_time = Clock::now() - calibrating;

  std::ostringstream report;
  report << "upload racing kill -9 (an upload takes "
         << std::chrono::duration_cast<milliseconds>(upload_time).count() << " ms):";
  int new_versions = 0;
  std::set<std::string> checked_versions;
  auto before_store = milliseconds(0);
  auto after_store = std::chrono::duration_cast<milliseconds>(upload_time);
  constexpr size_t kRounds = 7;
  for (size_t round = 0; round < kRounds; ++round) {
    const size_t victim = round % cluster.size();
    auto witness = cluster.client((victim + 1) % cluster.size());
    const std::vector<std::string> before = versions(*witness, "race");
    const std::string newest_before = served_sha256(*witness, "race");
    const std::string bytes = with_marker(component, "race " + std::to_string(round));
    const std::string sha256 = sha256_hex(bytes);
    uploaded_sha256.insert(sha256);

    std::atomic<int> status{0};
    auto client = cluster.client(victim);
    std::thread uploader([&] {
      try {
        status = static_cast<int>(client->post(file_path("race"), bytes, "application/wasm").status);
      } catch (const std::exception&) {
        status = -1;  // the connection died with the node
      }
    });
    // The delay is what the experiment varies, not a wait for an event.
    const milliseconds delay = (before_store + after_store) / 2;
    std::this_thread::sleep_for(delay);
    cluster.kill(victim);
    uploader.join();

    const std::vector<std::string> after = versions(*witness, "race");
    const bool stored = after.size() == before.size() + 1;
    const std::string newest_after = settled_sha256(*witness, stored ? sha256 : newest_before);
    EXPECT_TRUE(stored || after.size() == before.size())
        << before.size() << " versions before, " << after.size() << " after";
    EXPECT_EQ(newest_after, stored ? sha256 : newest_before)
        << "round " << round << ": " << before.size() << " versions before, " << after.size() << " after";
    if (status == 201) EXPECT_TRUE(stored) << "answered 201 but not stored";
    // Every version there is one of the uploads, whole.
    for (const std::string& version : after) {
      if (!checked_versions.insert(version).second) continue;
      EXPECT_TRUE(uploaded_sha256.contains(served_sha256(*witness, "race", version)))
          << "version " << version << " is none of the uploads";
    }
    new_versions += stored;
    (stored ? after_store : before_store) = delay;
    report << " [" << delay.count() << " ms: " << (status == -1 ? "no answer" : std::to_string(status))
           << ", " << (stored ? "stored whole" : "not stored") << "]";

    cluster.restart(victim);
    auto restarted = cluster.client(victim);
    EXPECT_EQ(served_sha256(*restarted, "race"), newest_after) << "restarted node " << victim + 1;
  }
  std::cout << report.str() << "; " << new_versions << " of " << kRounds << " stored"
            << std::endl;
}

// Every job of `bucket`, read from the state database.
std::vector<state::JobRecord> list_jobs(state::JobQueue& queue, const std::string& bucket) {
  std::vector<state::JobRecord> jobs;
  auto page = queue.list({.bucket = bucket}, std::nullopt, 1000);
  EXPECT_TRUE(page) << page.error().message;
  if (page) jobs = std::move(page->jobs);
  return jobs;
}

TEST(ScaleOutTest, JobsHeldByAKilledNodeCompleteOnTheOthers) {
  constexpr int kJobs = 12;
  constexpr int kLeaseMs = 2000;
  NodeCluster cluster(3, {"--job-workers", "2", "--job-lease-ms", std::to_string(kLeaseMs)});
  testing::jobs::deploy(*cluster.client(0), "jobs", "probe", "fixture_job_probe");
  const auto balancer = start_balancer(cluster);
  auto observer = state::open_state_database(cluster.state_url(), {});
  ASSERT_TRUE(observer) << observer.error().message;
  state::JobQueue& queue = (*observer)->jobs();

  // Slow jobs submitted through the balancer.
  HttpClient through(balancer->port());
  std::set<std::string> submitted;
  for (int i = 0; i < kJobs; ++i) {
    const HttpResult result =
        through.request(verb::post, "/async/jobs/probe", "spin:1000",
                        {{"Content-Type", "text/plain"}, {"Idempotency-Key", "job-" + std::to_string(i)}});
    ASSERT_EQ(result.status, 202) << result.body;
    submitted.insert(json::parse(result.body).at("job").get<std::string>());
  }

  // The victim holds jobs (its node id is "<host>:<pid>:...").
  const size_t victim = 2;
  const std::string owner_mark = ":" + std::to_string(cluster.node(victim).pid()) + ":";
  std::set<std::string> held;
  const auto deadline = Clock::now() + seconds(20);
  while (held.empty() && Clock::now() < deadline) {
    for (const state::JobRecord& job : list_jobs(queue, "jobs")) {
      if (job.status == state::JobStatus::kRunning &&
          job.lease_owner.value_or("").find(owner_mark) != std::string::npos) {
        held.insert(job.job.id);
      }
    }
    if (held.empty()) std::this_thread::sleep_for(milliseconds(20));
  }
  ASSERT_FALSE(held.empty()) << "node " << victim + 1 << " never ran a job";
  const int64_t killed_at = triggers::unix_ms_now();
  const auto killing = Clock::now();
  cluster.kill(victim);

  // Every job ends, succeeded.
  std::vector<state::JobRecord> jobs;
  for (;;) {
    jobs = list_jobs(queue, "jobs");
    const bool all_final = std::all_of(jobs.begin(), jobs.end(), [](const state::JobRecord& job) {
      return state::is_final(job.status);
    });
    if (all_final || Clock::now() > killing + seconds(30)) break;
    std::this_thread::sleep_for(milliseconds(50));
  }
  const double done_s = seconds_since(killing);
  ASSERT_EQ(jobs.size(), static_cast<size_t>(kJobs));
  int rerun = 0;
  for (const state::JobRecord& job : jobs) {
    EXPECT_TRUE(submitted.contains(job.job.id));
    EXPECT_EQ(state::job_status_name(job.status), "succeeded")
        << job.job.id << " after " << job.attempts << " attempts: " << job.error_message.value_or("");
    EXPECT_EQ(job.output.value_or(""), "spun on attempt " + std::to_string(job.attempts));
    if (held.contains(job.job.id)) {
      // Its attempt died with the node (unless it ended just before the
      // kill): another node ran it again once the lease ran out.
      EXPECT_TRUE(job.attempts >= 2 || job.finished_ms.value_or(INT64_MAX) <= killed_at)
          << job.job.id;
      rerun += job.attempts >= 2;
    }
  }
  std::cout << kJobs << " jobs of 1 s on 3 nodes (2 job workers each, lease " << kLeaseMs
            << " ms): node " << victim + 1 << " killed holding " << held.size() << ", "
            << rerun << " of them run again elsewhere; all ended " << done_s
            << " s after the kill" << std::endl;
}

TEST(ScaleOutTest, AScheduleFiresOncePerTickWithThreeNodes) {
  NodeCluster cluster(3, {});
  testing::jobs::deploy(*cluster.client(0), "cron", "probe", "fixture_job_probe");
  const auto balancer = start_balancer(cluster);
  auto observer = state::open_state_database(cluster.state_url(), {});
  ASSERT_TRUE(observer) << observer.error().message;

  HttpClient through(balancer->port());
  const HttpResult stored = through.request(
      verb::put, "/schedule/cron/tick",
      json{{"cron", "*/1 * * * * *"}, {"function", "probe"}, {"input", "tick"}, {"overlap", "allow"}}
          .dump(),
      {{"Content-Type", "application/json"}});
  ASSERT_EQ(stored.status, 200) << stored.body;
  const int64_t first_tick = testing::jobs::rfc3339_ms(json::parse(stored.body).at("next_fires")[0]);

  // Ten ticks, then pause.
  constexpr size_t kTicks = 10;
  const auto deadline = Clock::now() + seconds(30);
  for (;;) {
    auto fires = (*observer)->schedules().fires("cron", "tick", 10000);
    ASSERT_TRUE(fires) << fires.error().message;
    if (fires->size() >= kTicks) break;
    ASSERT_LT(Clock::now(), deadline) << "only " << fires->size() << " ticks in 30 s";
    std::this_thread::sleep_for(milliseconds(50));
  }
  // A new connection: HAProxy closed the idle one.
  HttpClient pauser(balancer->port());
  const HttpResult paused = pauser.post("/schedule/cron/tick/pause", "");
  ASSERT_EQ(paused.status, 200) << paused.body;
  const int64_t paused_at = triggers::unix_ms_now();

  const std::vector<state::ScheduleFire> ticks = testing::expect_every_tick_fired_once(
      **observer, "cron", "tick", 1000, first_tick, paused_at,
      [](const std::string& job) { return "job " + job + " attempt 1: tick"; });
  ASSERT_GE(ticks.size(), kTicks);

  std::ostringstream report;
  report << ticks.size() << " ticks of a 1 s schedule on 3 nodes, fired at most "
         << testing::latest_fire_ms(ticks) << " ms late; by node:";
  int fired = 0;
  for (size_t i = 0; i < cluster.size(); ++i) {
    const int by_node = static_cast<int>(testing::metric(
        cluster.client(i)->get("/metrics").body, R"(wasmfaas_schedule_fires_total{outcome="submitted"})"));
    report << " node " << i + 1 << ": " << by_node;
    fired += by_node;
  }
  std::cout << report.str() << std::endl;
  EXPECT_EQ(fired, static_cast<int>(ticks.size())) << report.str();
}

}  // namespace
}  // namespace wasmfaas
