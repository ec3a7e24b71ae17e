// Async jobs through a whole server on SQLite: submit (202, Location, 404
// for what does not exist, 400/413 as exec), the job id and attempt seen by
// the function and the invocation log, the Idempotency-Key, retries with
// backoff until success, dead jobs, redrive and purge, outcomes that are
// final, cancel, listing with filters and cursors, access by token, and the
// metrics.
#include <gtest/gtest.h>

#include <boost/beast/http.hpp>
#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>

#include "common/hash.h"
#include "support/components.h"
#include "support/http_client.h"
#include "support/http_receiver.h"
#include "support/metrics_wait.h"
#include "support/test_server.h"
#include "integration/jobs_support.h"

namespace wasmfaas {
namespace {

using boost::beast::http::verb;
using nlohmann::json;
using testing::HttpClient;
using testing::HttpResult;
using testing::TestServer;
using namespace testing::jobs;

TEST(JobsTest, SubmitAnswers202WithLocationAndTheJobRunsWithItsIdAndAttempt) {
  TestServer server;
  HttpClient client(server.port());
  deploy(client, "jobs", "probe", "fixture_job_probe");
  const HttpResult submitted = client.post("/async/jobs/probe", "hello", "text/plain");
  ASSERT_EQ(submitted.status, 202) << submitted.body;
  const std::string id = json::parse(submitted.body).at("job");
  EXPECT_EQ(submitted.header("location"), "/jobs/" + id);
  EXPECT_EQ(json::parse(submitted.body).at("status"), "queued");

  const json job = wait_for_final(client, id);
  EXPECT_EQ(job.at("status"), "succeeded") << job.dump();
  EXPECT_EQ(job.at("attempts"), 1);
  EXPECT_EQ(job.at("output"), "job " + id + " attempt 1: hello");
  EXPECT_EQ(job.at("input"), "hello");
  EXPECT_EQ(job.at("bucket"), "jobs");
  EXPECT_EQ(job.at("function"), "probe");
  EXPECT_FALSE(job.at("version_ran").get<std::string>().empty());
  EXPECT_TRUE(job.at("finished").is_string());

  // The attempt is in the function's invocation log with its job id.
  const json logs = json::parse(client.get("/logs/jobs/probe").body);
  ASSERT_EQ(logs.at("invocations").size(), 1u);
  EXPECT_EQ(logs["invocations"][0].at("job"), id);
  EXPECT_EQ(logs["invocations"][0].at("attempt"), 1);
}

TEST(JobsTest, SubmitRefusesWhatExecWouldRefuse) {
  server::ServerConfig config;
  config.http.limits.max_body_bytes = 1024;
  TestServer server(config);
  HttpClient client(server.port());
  deploy(client, "jobs", "probe", "fixture_job_probe");
  const auto code = [](const HttpResult& result) {
    return json::parse(result.body, nullptr, false).value("code", std::string());
  };
  const HttpResult no_function = client.post("/async/jobs/missing", "x", "text/plain");
  EXPECT_EQ(no_function.status, 404);
  EXPECT_EQ(code(no_function), "function_not_found");
  const HttpResult no_bucket = client.post("/async/nobucket/probe", "x", "text/plain");
  EXPECT_EQ(no_bucket.status, 404);
  EXPECT_EQ(code(no_bucket), "bucket_not_found");
  const HttpResult no_version =
      client.post("/async/jobs/probe?version=no-such-version", "x", "text/plain");
  EXPECT_EQ(no_version.status, 404) << no_version.body;
  const HttpResult bad_json = client.post("/async/jobs/probe", "{not json", "application/json");
  EXPECT_EQ(bad_json.status, 400);
  const HttpResult too_large = client.post("/async/jobs/probe", std::string(4096, 'x'), "text/plain");
  EXPECT_EQ(too_large.status, 413);
  const HttpResult unknown_query = client.post("/async/jobs/probe?retries=9", "x", "text/plain");
  EXPECT_EQ(unknown_query.status, 400);
  // Nothing was queued by any of them.
  EXPECT_EQ(json::parse(client.get("/jobs?bucket=jobs").body).at("jobs").size(), 0u);
  EXPECT_EQ(client.get("/jobs/0123456789abcdef0123456789ab").status, 404);
  EXPECT_EQ(client.get("/jobs/not-an-id").status, 404);
}

TEST(JobsTest, APinnedVersionRunsThatVersion) {
  TestServer server;
  HttpClient client(server.port());
  deploy(client, "jobs", "probe", "fixture_job_probe");
  const json versions = json::parse(client.get("/file/jobs/probe?versions").body);
  const std::string first = versions.at("versions")[0].at("version");
  deploy(client, "jobs", "probe", "fixture_echo");
  const HttpResult submitted =
      client.post("/async/jobs/probe?version=" + first, "pinned", "text/plain");
  ASSERT_EQ(submitted.status, 202) << submitted.body;
  const json job = wait_for_final(client, json::parse(submitted.body).at("job"));
  EXPECT_EQ(job.at("version"), first);
  EXPECT_EQ(job.at("version_ran"), first);
  EXPECT_TRUE(job.at("output").get<std::string>().starts_with("job ")) << job.dump();
}

TEST(JobsTest, AnIdempotencyKeyReturnsTheSameJob) {
  TestServer server;
  HttpClient client(server.port());
  deploy(client, "jobs", "probe", "fixture_job_probe");
  deploy(client, "jobs", "other", "fixture_job_probe");
  const auto submit = [&](const std::string& function, const std::string& key) {
    return client.request(verb::post, "/async/jobs/" + function, "once",
                          {{"Content-Type", "text/plain"}, {"Idempotency-Key", key}});
  };
  const HttpResult first = submit("probe", "order-17");
  ASSERT_EQ(first.status, 202) << first.body;
  EXPECT_EQ(first.header("idempotent-replayed"), "");
  const HttpResult again = submit("probe", "order-17");
  ASSERT_EQ(again.status, 202) << again.body;
  EXPECT_EQ(json::parse(again.body).at("job"), json::parse(first.body).at("job"));
  EXPECT_EQ(again.header("idempotent-replayed"), "true");
  const HttpResult another = submit("probe", "order-18");
  EXPECT_NE(json::parse(another.body).at("job"), json::parse(first.body).at("job"));
  // The same key for another function of the bucket is a conflict.
  EXPECT_EQ(submit("other", "order-17").status, 409);
  EXPECT_EQ(submit("probe", std::string(300, 'k')).status, 400);
  wait_for_final(client, json::parse(first.body).at("job"));
  wait_for_final(client, json::parse(another.body).at("job"));
  EXPECT_EQ(json::parse(client.get("/logs/jobs/probe").body).at("invocations").size(), 2u)
      << "order-17 and order-18 ran once each";
}

TEST(JobsTest, AFlakyFunctionIsRetriedWithBackoffUntilItSucceeds) {
  TestServer server;
  HttpClient client(server.port());
  deploy(client, "jobs", "flaky", "fixture_job_probe");
  put_config(client, "jobs", "flaky",
             R"({"retry": {"max_attempts": 3, "initial_ms": 200, "max_ms": 1000}})");
  const HttpResult submitted = client.post("/async/jobs/flaky", "flaky:3", "text/plain");
  ASSERT_EQ(submitted.status, 202) << submitted.body;
  const std::string id = json::parse(submitted.body).at("job");
  const json job = wait_for_final(client, id);
  EXPECT_EQ(job.at("status"), "succeeded") << job.dump();
  EXPECT_EQ(job.at("attempts"), 3);
  EXPECT_EQ(job.at("output"), "attempt 3");
  // The first two attempts' failure stays visible.
  EXPECT_EQ(job.at("error").at("code"), "function_trapped");

  // Three attempts in the log, each waiting at least half its backoff
  // (equal jitter: 200 ms then 400 ms, each at least halved).
  const json logs = json::parse(client.get("/logs/jobs/flaky").body).at("invocations");
  ASSERT_EQ(logs.size(), 3u);
  std::vector<int64_t> starts;
  for (const json& entry : logs) {
    EXPECT_EQ(entry.at("job"), id);
    starts.push_back(log_time_ms(entry));
  }
  std::sort(starts.begin(), starts.end());
  EXPECT_GE(starts[1] - starts[0], 100);
  EXPECT_GE(starts[2] - starts[1], 200);
}

TEST(JobsTest, AFunctionThatAlwaysFailsEndsDeadAndCanBeRedrivenAndPurged) {
  TestServer server;
  HttpClient client(server.port());
  deploy(client, "jobs", "broken", "fixture_job_probe");
  put_config(client, "jobs", "broken",
             R"({"retry": {"max_attempts": 2, "initial_ms": 10, "max_ms": 20}})");
  const std::string id =
      json::parse(client.post("/async/jobs/broken", "fail", "text/plain").body).at("job");
  json job = wait_for_final(client, id);
  EXPECT_EQ(job.at("status"), "dead") << job.dump();
  EXPECT_EQ(job.at("attempts"), 2);
  EXPECT_EQ(job.at("error").at("code"), "function_trapped");

  const json dead = json::parse(client.get("/jobs?bucket=jobs&status=dead").body);
  ASSERT_EQ(dead.at("jobs").size(), 1u);
  EXPECT_EQ(dead["jobs"][0].at("job"), id);

  // Redrive: queued again with all its attempts, and it runs them again.
  const HttpResult retried = client.post("/jobs/" + id + "/retry", "");
  ASSERT_EQ(retried.status, 200) << retried.body;
  EXPECT_EQ(json::parse(retried.body).at("status"), "queued");
  job = wait_for_final(client, id);
  EXPECT_EQ(job.at("status"), "dead");
  EXPECT_EQ(json::parse(client.get("/logs/jobs/broken").body).at("invocations").size(), 4u);
  // Only failed and dead jobs can be retried.
  deploy(client, "jobs", "fine", "fixture_job_probe");
  const std::string fine =
      json::parse(client.post("/async/jobs/fine", "ok", "text/plain").body).at("job");
  wait_for_final(client, fine);
  EXPECT_EQ(client.post("/jobs/" + fine + "/retry", "").status, 409);

  // Purge removes the dead jobs only.
  const HttpResult purged = client.del("/jobs?bucket=jobs&status=dead");
  ASSERT_EQ(purged.status, 200) << purged.body;
  EXPECT_EQ(json::parse(purged.body).at("purged"), 1);
  EXPECT_EQ(client.get("/jobs/" + id).status, 404);
  EXPECT_EQ(client.get("/jobs/" + fine).status, 200);
  EXPECT_EQ(client.del("/jobs?status=running").status, 400);
}

TEST(JobsTest, AnOutcomeThatWouldRepeatFailsWithoutRetries) {
  TestServer server;
  HttpClient client(server.port());
  deploy(client, "jobs", "big", "fixture_job_probe");
  put_config(client, "jobs", "big", R"({"max_output_bytes": 4, "retry": {"initial_ms": 10}})");
  const std::string id =
      json::parse(client.post("/async/jobs/big", "a long answer", "text/plain").body).at("job");
  const json job = wait_for_final(client, id);
  EXPECT_EQ(job.at("status"), "failed") << job.dump();
  EXPECT_EQ(job.at("attempts"), 1);
  EXPECT_EQ(job.at("error").at("code"), "output_too_large");
}

TEST(JobsTest, AQueuedJobCanBeCancelledAndOnlyThen) {
  server::ServerConfig config;
  config.triggers.workers.workers = 0;  // nothing runs: jobs stay queued
  TestServer server(config);
  HttpClient client(server.port());
  deploy(client, "jobs", "probe", "fixture_job_probe");
  const std::string id =
      json::parse(client.post("/async/jobs/probe", "x", "text/plain").body).at("job");
  const HttpResult cancelled = client.del("/jobs/" + id);
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(json::parse(cancelled.body).at("status"), "cancelled");
  EXPECT_EQ(json::parse(client.get("/jobs/" + id).body).at("status"), "cancelled");
  const HttpResult again = client.del("/jobs/" + id);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(client.del("/jobs/0123456789abcdef0123456789ab").status, 404);
}

TEST(JobsTest, ListingFiltersAndPagesNewestFirst) {
  server::ServerConfig config;
  config.triggers.workers.workers = 0;
  TestServer server(config);
  HttpClient client(server.port());
  deploy(client, "jobs", "a", "fixture_job_probe");
  deploy(client, "jobs", "b", "fixture_job_probe");
  std::vector<std::string> ids;
  for (int i = 0; i < 7; ++i) {
    const std::string function = i % 2 == 0 ? "a" : "b";
    ids.push_back(json::parse(client.post("/async/jobs/" + function, "x", "text/plain").body)
                      .at("job"));
  }
  std::vector<std::string> listed;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    const json body =
        json::parse(client.get("/jobs?bucket=jobs&limit=3" +
                               (cursor.empty() ? std::string() : "&cursor=" + cursor))
                        .body);
    for (const json& job : body.at("jobs")) listed.push_back(job.at("job"));
    if (body.at("cursor").is_null()) break;
    cursor = body.at("cursor");
  }
  std::vector<std::string> newest_first(ids.rbegin(), ids.rend());
  EXPECT_EQ(listed, newest_first);
  const json only_a = json::parse(client.get("/jobs?bucket=jobs&key=a&status=queued").body);
  EXPECT_EQ(only_a.at("jobs").size(), 4u);
  EXPECT_EQ(json::parse(client.get("/jobs?status=succeeded").body).at("jobs").size(), 0u);
  EXPECT_EQ(client.get("/jobs?status=bogus").status, 400);
  EXPECT_EQ(client.get("/jobs?key=a").status, 400);
  EXPECT_EQ(client.get("/jobs?limit=0").status, 400);
}

TEST(JobsTest, TokensReachOnlyTheirBucketsJobs) {
  server::ServerConfig config;
  const std::string admin = "admin-secret";
  const std::string alpha = "alpha-invoke";
  config.access.tokens.push_back({"admin", http::TokenScope::kAdmin, {}, sha256_hex(admin)});
  config.access.tokens.push_back(
      {"alpha", http::TokenScope::kInvoke, {"alpha"}, sha256_hex(alpha)});
  config.triggers.workers.workers = 0;
  TestServer server(config);
  HttpClient client(server.port());
  const auto as = [&](const std::string& secret, verb method, const std::string& target,
                      const std::string& body = "") {
    return client.request(method, target, body,
                          {{"Authorization", "Bearer " + secret}, {"Content-Type", "text/plain"}});
  };
  std::map<std::string, std::string> job_of;
  for (const std::string bucket : {"alpha", "beta"}) {
    ASSERT_EQ(as(admin, verb::put, "/bucket/" + bucket).status, 201);
    ASSERT_EQ(client
                  .request(verb::post, "/file/" + bucket + "/probe",
                           testing::load_component_text("fixture_job_probe"),
                           {{"Authorization", "Bearer " + admin},
                            {"Content-Type", "application/wasm"}})
                  .status,
              201);
    const HttpResult submitted = as(admin, verb::post, "/async/" + bucket + "/probe", "x");
    ASSERT_EQ(submitted.status, 202);
    job_of[bucket] = json::parse(submitted.body).at("job");
  }
  EXPECT_EQ(as(alpha, verb::post, "/async/alpha/probe", "x").status, 202);
  EXPECT_EQ(as(alpha, verb::post, "/async/beta/probe", "x").status, 403);
  EXPECT_EQ(as(alpha, verb::get, "/jobs/" + job_of["alpha"]).status, 200);
  EXPECT_EQ(as(alpha, verb::get, "/jobs/" + job_of["beta"]).status, 404);
  EXPECT_EQ(as(alpha, verb::get, "/jobs?bucket=alpha").status, 200);
  EXPECT_EQ(as(alpha, verb::get, "/jobs?bucket=beta").status, 403);
  EXPECT_EQ(as(alpha, verb::get, "/jobs").status, 403);
  // Managing jobs takes an admin token.
  EXPECT_EQ(as(alpha, verb::delete_, "/jobs/" + job_of["alpha"]).status, 403);
  EXPECT_EQ(as(alpha, verb::post, "/jobs/" + job_of["alpha"] + "/retry").status, 403);
  EXPECT_EQ(as(alpha, verb::delete_, "/jobs?bucket=alpha").status, 403);
  EXPECT_EQ(as(admin, verb::delete_, "/jobs/" + job_of["beta"]).status, 200);
  EXPECT_EQ(client.get("/jobs/" + job_of["alpha"]).status, 401);
}

TEST(JobsTest, DeletingABucketDeletesItsJobs) {
  server::ServerConfig config;
  config.triggers.workers.workers = 0;
  TestServer server(config);
  HttpClient client(server.port());
  deploy(client, "doomed", "probe", "fixture_job_probe");
  const std::string id =
      json::parse(client.post("/async/doomed/probe", "x", "text/plain").body).at("job");
  const json versions = json::parse(client.get("/file/doomed/probe?versions").body);
  for (const json& version : versions.at("versions")) {
    ASSERT_EQ(client.del("/file/doomed/probe?version=" + version.at("version").get<std::string>())
                  .status,
              200);
  }
  const HttpResult deleted = client.del("/bucket/doomed");
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(client.get("/jobs/" + id).status, 404);
}

// GET /jobs/{id} until its callback was delivered or failed for good.
json wait_for_callback(HttpClient& client, const std::string& id) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  json job;
  while (std::chrono::steady_clock::now() < deadline) {
    job = json::parse(client.get("/jobs/" + id).body, nullptr, false);
    const std::string state = job.contains("callback") ? job["callback"].value("state", "") : "";
    if (state == "delivered" || state == "failed") return job;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ADD_FAILURE() << "the callback of job " << id << " is still pending: " << job.dump();
  return job;
}

TEST(JobsTest, ACallbackGetsTheResultAndIsRetriedUntilDelivered) {
  std::atomic<int> answered{0};
  testing::HttpReceiver receiver([&](const testing::ReceivedRequest&) {
    testing::ReceiverResponse response;
    response.status = answered++ == 0 ? 503 : 204;  // the first attempt fails
    return response;
  });
  server::ServerConfig config;
  config.triggers.callbacks.allowed_origins = {receiver.origin()};
  config.triggers.workers.callback_initial = std::chrono::milliseconds(20);
  TestServer server(config);
  HttpClient client(server.port());
  deploy(client, "jobs", "probe", "fixture_job_probe");
  const HttpResult submitted =
      client.request(verb::post, "/async/jobs/probe", "called back",
                     {{"Content-Type", "text/plain"},
                      {"X-Callback-Url", receiver.origin() + "/done?order=7"}});
  ASSERT_EQ(submitted.status, 202) << submitted.body;
  const std::string id = json::parse(submitted.body).at("job");
  const json job = wait_for_callback(client, id);
  EXPECT_EQ(job.at("callback").at("state"), "delivered") << job.dump();
  EXPECT_EQ(job.at("callback").at("attempts"), 2);
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 2u);
  const auto& delivered = requests.back();
  EXPECT_EQ(delivered.method, "POST");
  EXPECT_EQ(delivered.target, "/done?order=7");
  EXPECT_EQ(delivered.header("x-wasmfaas-job-id"), id);
  EXPECT_EQ(delivered.header("x-wasmfaas-job-status"), "succeeded");
  EXPECT_EQ(delivered.header("x-wasmfaas-job-attempts"), "1");
  EXPECT_FALSE(delivered.header("x-wasmfaas-job-duration-ms").empty());
  EXPECT_EQ(delivered.body, "job " + id + " attempt 1: called back");
}

TEST(JobsTest, ACallbackOnlyGoesWhereTheAllowListAndTheAddressGuardsLetIt) {
  testing::HttpReceiver receiver;
  server::ServerConfig config;
  // Allowed by the list, yet a metadata address: refused when sent.
  config.triggers.callbacks.allowed_origins = {receiver.origin(), "http://169.254.169.254:80"};
  config.triggers.workers.callback_initial = std::chrono::milliseconds(20);
  TestServer server(config);
  HttpClient client(server.port());
  deploy(client, "jobs", "probe", "fixture_job_probe");
  const auto submit = [&](const std::string& url) {
    return client.request(verb::post, "/async/jobs/probe", "x",
                          {{"Content-Type", "text/plain"}, {"X-Callback-Url", url}});
  };
  for (const std::string& denied : std::vector<std::string>{
           "http://example.com/hook", "http://127.0.0.1:1/hook", "ftp://127.0.0.1/x", "not a url",
        "http://user:pass@" + receiver.origin().substr(7) + "/x"}) {
    const HttpResult refused = submit(denied);
    EXPECT_EQ(refused.status, 400) << denied << ": " << refused.body;
  }
  const HttpResult metadata = submit("http://169.254.169.254/latest/meta-data");
  ASSERT_EQ(metadata.status, 202) << metadata.body;
  const json job = wait_for_callback(client, json::parse(metadata.body).at("job"));
  EXPECT_EQ(job.at("callback").at("state"), "failed") << job.dump();
  EXPECT_EQ(job.at("callback").at("attempts"), 1) << "a refused address is final";
  EXPECT_EQ(receiver.requests().size(), 0u);

  // A server without a callback allow-list takes no callback at all.
  TestServer plain;
  HttpClient plain_client(plain.port());
  deploy(plain_client, "jobs", "probe", "fixture_job_probe");
  EXPECT_EQ(plain_client
                .request(verb::post, "/async/jobs/probe", "x",
                         {{"Content-Type", "text/plain"}, {"X-Callback-Url", receiver.origin()}})
                .status,
            400);
}

TEST(JobsTest, MetricsCountJobsAndAttempts) {
  TestServer server;
  HttpClient client(server.port());
  deploy(client, "jobs", "probe", "fixture_job_probe");
  const std::string id =
      json::parse(client.post("/async/jobs/probe", "x", "text/plain").body).at("job");
  wait_for_final(client, id);
  // The worker counts an attempt once its outcome is recorded, so the job
  // can read as final a moment before the counters move.
  ASSERT_TRUE(testing::wait_for_metrics(
      client, {"wasmfaas_job_attempts_total{outcome=\"succeeded\"} 1",
               "wasmfaas_job_start_delay_seconds_count 1"}));
  const std::string metrics = client.get("/metrics").body;
  EXPECT_NE(metrics.find("wasmfaas_jobs{status=\"succeeded\"} 1"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("wasmfaas_jobs_submitted_total{source=\"api\"} 1"), std::string::npos);
  EXPECT_NE(metrics.find("wasmfaas_jobs_oldest_queued_age_seconds"), std::string::npos);
}

}  // namespace
}  // namespace wasmfaas
