// Async jobs across kill -9 of a real server process on SQLite (the state
// database in the data directory): a job acknowledged with 202 survives the
// kill and runs after a restart; a job whose node is killed while it runs
// is taken again once its lease ends and runs as attempt 2.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
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
using namespace testing::jobs;

// Quiet (see ServerProcess), plus `more`.
std::vector<std::string> serve_flags(std::vector<std::string> more = {}) {
  std::vector<std::string> flags = {"--log-level", "warn"};
  flags.insert(flags.end(), more.begin(), more.end());
  return flags;
}

std::string submit(HttpClient& client, const std::string& input) {
  const HttpResult submitted = client.post("/async/jobs/probe", input, "text/plain");
  EXPECT_EQ(submitted.status, 202) << submitted.body;
  return json::parse(submitted.body, nullptr, false).value("job", std::string());
}

TEST(JobsDurabilityTest, AJobAcceptedWith202SurvivesKill9AndRunsAfterARestart) {
  TempDir dir;
  const auto data = dir.path() / "data";
  std::string id;
  {
    // A node that only submits: nothing runs the job before the kill.
    ServerProcess server(data, serve_flags({"--job-workers", "0"}));
    HttpClient client(server.port());
    deploy(client, "jobs", "probe", "fixture_job_probe");
    id = submit(client, "kept");
    ASSERT_FALSE(id.empty());
    server.kill_now();  // SIGKILL right after the 202
  }
  ServerProcess restarted(data, serve_flags({"--job-workers", "1"}));
  HttpClient client(restarted.port());
  const json job = wait_for_final(client, id);
  EXPECT_EQ(job.at("status"), "succeeded") << job.dump();
  EXPECT_EQ(job.at("attempts"), 1) << job.dump();
  EXPECT_EQ(job.at("output"), "job " + id + " attempt 1: kept");
  EXPECT_EQ(job.at("input"), "kept");
}

TEST(JobsDurabilityTest, AJobKilledWhileRunningRunsAgainAsAttempt2) {
  TempDir dir;
  const auto data = dir.path() / "data";
  const std::vector<std::string> flags =
      serve_flags({"--job-workers", "1", "--job-lease-ms", "1000"});
  std::string id;
  {
    ServerProcess server(data, flags);
    HttpClient client(server.port());
    deploy(client, "jobs", "probe", "fixture_job_probe");
    id = submit(client, "spin:4000");
    ASSERT_FALSE(id.empty());
    // Kill once the job is seen running (its first attempt leased).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    json job;
    while (std::chrono::steady_clock::now() < deadline) {
      job = json::parse(client.get("/jobs/" + id).body, nullptr, false);
      if (job.value("status", "") != "queued") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ASSERT_EQ(job.value("status", ""), "running") << job.dump();
    ASSERT_EQ(job.at("attempts"), 1) << job.dump();
    server.kill_now();
  }
  const auto restarted_at = std::chrono::steady_clock::now();
  ServerProcess restarted(data, flags);
  HttpClient client(restarted.port());
  // Still held by the dead node's lease (at most 1 s), then attempt 2
  // spins its 4 s.
  const json job = wait_for_final(client, id);
  EXPECT_EQ(job.at("status"), "succeeded") << job.dump();
  EXPECT_EQ(job.at("attempts"), 2) << job.dump();
  EXPECT_EQ(job.at("output"), "spun on attempt 2") << job.dump();
  EXPECT_GE(std::chrono::steady_clock::now() - restarted_at, std::chrono::milliseconds(4000));
  // The new node ran attempt 2 only: its invocation log has one run.
  const json logs = json::parse(client.get("/logs/jobs/probe").body);
  ASSERT_EQ(logs.at("invocations").size(), 1u) << logs.dump();
  EXPECT_EQ(logs["invocations"][0].at("attempt"), 2);
  EXPECT_EQ(logs["invocations"][0].at("job"), id);
}

}  // namespace
}  // namespace wasmfaas
