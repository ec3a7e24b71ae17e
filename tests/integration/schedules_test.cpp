// Cron schedules through a whole server on SQLite: a schedule fires jobs
// at its ticks (seen in GET with its next fires and last runs), refuses bad
// definitions, pauses and resumes, skips a tick while its previous job
// runs (overlap "skip"), records missed ticks after downtime (or fires the
// latest with catch_up), lists and deletes.
#include <gtest/gtest.h>

#include <boost/beast/http.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "integration/jobs_support.h"
#include "support/http_client.h"
#include "support/test_server.h"
#include "triggers/unix_time.h"

namespace wasmfaas {
namespace {

using boost::beast::http::verb;
using nlohmann::json;
using testing::HttpClient;
using testing::HttpResult;
using testing::TestServer;
using namespace testing::jobs;

HttpResult put_schedule(HttpClient& client, const std::string& target, const json& definition) {
  return client.request(verb::put, target, definition.dump(),
                        {{"Content-Type", "application/json"}});
}

// GET the schedule until `done` accepts it (or 30 s pass: the test fails).
template <typename Done>
json wait_for_schedule(HttpClient& client, const std::string& target, Done done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  json view;
  while (std::chrono::steady_clock::now() < deadline) {
    view = json::parse(client.get(target).body, nullptr, false);
    if (done(view)) return view;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "the schedule did not get there: " << view.dump();
  return view;
}

size_t runs_with(const json& view, const std::string& outcome, const std::string& job_status) {
  size_t count = 0;
  for (const json& run : view.at("last_runs")) {
    if (run.at("outcome") == outcome &&
        (job_status.empty() || run.value("job_status", "") == job_status)) {
      ++count;
    }
  }
  return count;
}

TEST(SchedulesTest, AScheduleFiresJobsAtItsTicks) {
  TestServer server;
  HttpClient client(server.port());
  deploy(client, "cron", "probe", "fixture_job_probe");
  const HttpResult stored =
      put_schedule(client, "/schedule/cron/every-second",
                   {{"cron", "* * * * * *"}, {"function", "probe"}, {"input", "tick"}});
  ASSERT_EQ(stored.status, 200) << stored.body;
  const json created = json::parse(stored.body);
  EXPECT_EQ(created.at("timezone"), "UTC");
  EXPECT_EQ(created.at("overlap"), "skip");
  ASSERT_EQ(created.at("next_fires").size(), 5u);
  const int64_t first = rfc3339_ms(created["next_fires"][0]);
  for (size_t i = 1; i < 5; ++i) {
    EXPECT_EQ(rfc3339_ms(created["next_fires"][i]) - rfc3339_ms(created["next_fires"][i - 1]),
              1000);
  }
  EXPECT_EQ(first % 1000, 0);

  const json view = wait_for_schedule(client, "/schedule/cron/every-second", [](const json& v) {
    return runs_with(v, "submitted", "succeeded") >= 2;
  });
  const json& run = view.at("last_runs")[0];
  const json job = json::parse(client.get("/jobs/" + run.at("job").get<std::string>()).body);
  EXPECT_EQ(job.at("source"), "schedule:every-second");
  EXPECT_TRUE(job.at("output").get<std::string>().ends_with(": tick")) << job.dump();
  // Fire times are ticks: whole seconds, newest first, one apart at most
  // a tick's width (none fired twice).
  std::set<int64_t> fire_times;
  for (const json& entry : view.at("last_runs")) {
    const int64_t fire = rfc3339_ms(entry.at("fire_time"));
    EXPECT_EQ(fire % 1000, 0);
    EXPECT_TRUE(fire_times.insert(fire).second) << "tick fired twice: " << view.dump();
  }
  const json list = json::parse(client.get("/schedule/cron").body);
  ASSERT_EQ(list.at("schedules").size(), 1u);
  EXPECT_EQ(list["schedules"][0].at("name"), "every-second");
}

TEST(SchedulesTest, BadDefinitionsAreRefused) {
  TestServer server;
  HttpClient client(server.port());
  deploy(client, "cron", "probe", "fixture_job_probe");
  const auto status_of = [&](const std::string& target, const json& definition) {
    return put_schedule(client, target, definition).status;
  };
  EXPECT_EQ(status_of("/schedule/cron/s", {{"cron", "61 * * * *"}, {"function", "probe"}}), 400);
  EXPECT_EQ(status_of("/schedule/cron/s", {{"cron", "* * *"}, {"function", "probe"}}), 400);
  EXPECT_EQ(status_of("/schedule/cron/s",
                      {{"cron", "* * * * *"}, {"function", "probe"}, {"timezone", "Mars/Olympus"}}),
            400);
  EXPECT_EQ(status_of("/schedule/cron/s",
                      {{"cron", "* * * * *"}, {"function", "probe"}, {"overlap", "sometimes"}}),
            400);
  EXPECT_EQ(status_of("/schedule/cron/s", {{"cron", "* * * * *"}, {"function", "probe"},
                                           {"retries", 3}}),
            400);
  EXPECT_EQ(status_of("/schedule/cron/s", {{"function", "probe"}}), 400);
  EXPECT_EQ(status_of("/schedule/cron/s", {{"cron", "* * * * *"}, {"function", "missing"}}), 404);
  EXPECT_EQ(status_of("/schedule/nobucket/s", {{"cron", "* * * * *"}, {"function", "probe"}}),
            404);
  EXPECT_EQ(status_of("/schedule/cron/.hidden", {{"cron", "* * * * *"}, {"function", "probe"}}),
            400);
  const HttpResult not_json = client.request(verb::put, "/schedule/cron/s", "{",
                                             {{"Content-Type", "application/json"}});
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(client.get("/schedule/cron/s").status, 404);
  EXPECT_EQ(json::parse(client.get("/schedule/cron/s").body).at("code"), "schedule_not_found");
}

TEST(SchedulesTest, APausedScheduleDoesNotFireUntilResumed) {
  TestServer server;
  HttpClient client(server.port());
  deploy(client, "cron", "probe", "fixture_job_probe");
  ASSERT_EQ(put_schedule(client, "/schedule/cron/hourly",
                         {{"cron", "0 * * * *"}, {"function", "probe"}, {"timezone", "Europe/Luxembourg"}})
                .status,
            200);
  const HttpResult paused = client.post("/schedule/cron/hourly/pause", "");
  ASSERT_EQ(paused.status, 200) << paused.body;
  EXPECT_TRUE(json::parse(paused.body).at("paused").get<bool>());
  EXPECT_TRUE(json::parse(paused.body).at("next_fire").is_null());
  // Two hours on, nothing is due.
  server.server().schedule_runner()->fire_due(triggers::unix_ms_now() + 2 * 3600 * 1000);
  EXPECT_EQ(json::parse(client.get("/schedule/cron/hourly").body).at("last_runs").size(), 0u);
  // Replacing a paused schedule keeps it paused.
  ASSERT_EQ(put_schedule(client, "/schedule/cron/hourly",
                         {{"cron", "30 * * * *"}, {"function", "probe"}})
                .status,
            200);
  EXPECT_TRUE(json::parse(client.get("/schedule/cron/hourly").body).at("paused").get<bool>());
  const HttpResult resumed = client.post("/schedule/cron/hourly/resume", "");
  ASSERT_EQ(resumed.status, 200);
  const json view = json::parse(resumed.body);
  EXPECT_FALSE(view.at("paused").get<bool>());
  EXPECT_EQ(rfc3339_ms(view.at("next_fire")) % (3600 * 1000), 30 * 60 * 1000);
  EXPECT_EQ(client.post("/schedule/cron/nothing/pause", "").status, 404);
}

TEST(SchedulesTest, TicksMissedDuringDowntimeAreRecordedOrTheLatestFiresWithCatchUp) {
  TestServer server;
  HttpClient client(server.port());
  deploy(client, "cron", "probe", "fixture_job_probe");
  for (const bool catch_up : {false, true}) {
    const std::string name = catch_up ? "catch-up" : "no-catch-up";
    ASSERT_EQ(put_schedule(client, "/schedule/cron/" + name,
                           {{"cron", "0 * * * *"}, {"function", "probe"}, {"catch_up", catch_up}})
                  .status,
              200);
  }
  // Five hours later the runner finds both due, four ticks passed over.
  server.server().schedule_runner()->fire_due(triggers::unix_ms_now() + 5 * 3600 * 1000 + 1000);
  const json missed = json::parse(client.get("/schedule/cron/no-catch-up").body);
  ASSERT_EQ(missed.at("last_runs").size(), 1u);
  EXPECT_EQ(missed["last_runs"][0].at("outcome"), "missed");
  EXPECT_TRUE(missed["last_runs"][0].at("job").is_null());
  const json caught = json::parse(client.get("/schedule/cron/catch-up").body);
  ASSERT_EQ(caught.at("last_runs").size(), 1u);
  EXPECT_EQ(caught["last_runs"][0].at("outcome"), "submitted");
  EXPECT_TRUE(caught["last_runs"][0].at("job").is_string());
  // Both fired their latest tick, and their next fire is after it.
  EXPECT_EQ(caught["last_runs"][0].at("fire_time"), missed["last_runs"][0].at("fire_time"));
  EXPECT_GT(rfc3339_ms(caught.at("next_fire")), rfc3339_ms(caught["last_runs"][0].at("fire_time")));
  const std::string metrics = client.get("/metrics").body;
  EXPECT_NE(metrics.find("wasmfaas_schedule_fires_total{outcome=\"missed\"} 9"), std::string::npos)
      << metrics;
}

TEST(SchedulesTest, OverlapSkipSkipsATickWhileThePreviousJobRuns) {
  TestServer server;
  HttpClient client(server.port());
  deploy(client, "cron", "slow", "fixture_job_probe");
  ASSERT_EQ(put_schedule(client, "/schedule/cron/slow",
                         {{"cron", "* * * * * *"}, {"function", "slow"}, {"input", "spin:2500"}})
                .status,
            200);
  const json view = wait_for_schedule(client, "/schedule/cron/slow", [](const json& v) {
    return runs_with(v, "skipped", "") >= 1 && runs_with(v, "submitted", "") >= 1;
  });
  for (const json& run : view.at("last_runs")) {
    if (run.at("outcome") == "skipped") EXPECT_TRUE(run.at("job").is_null());
  }
  ASSERT_EQ(client.del("/schedule/cron/slow").status, 204);
  EXPECT_EQ(client.get("/schedule/cron/slow").status, 404);
  EXPECT_EQ(client.del("/schedule/cron/slow").status, 404);
}

}  // namespace
}  // namespace wasmfaas
