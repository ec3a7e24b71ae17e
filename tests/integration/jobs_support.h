#pragma once
// Test support for async jobs and schedules through the HTTP API: deploy a
// function, set its config, wait for a job to end, read log times.

#include <gtest/gtest.h>

#include <boost/beast/http.hpp>
#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "support/components.h"
#include "support/http_client.h"

namespace wasmfaas::testing::jobs {

inline void deploy(HttpClient& client, const std::string& bucket, const std::string& key,
                   const std::string& component) {
  const auto created = client.put("/bucket/" + bucket);
  ASSERT_TRUE(created.status == 201 || created.status == 409) << created.body;
  const auto uploaded =
      client.post("/file/" + bucket + "/" + key, load_component_text(component), "application/wasm");
  ASSERT_EQ(uploaded.status, 201) << uploaded.body;
}

inline void put_config(HttpClient& client, const std::string& bucket, const std::string& key,
                       const std::string& config) {
  const auto stored = client.request(boost::beast::http::verb::put,
                                     "/config/" + bucket + "/" + key, config,
                                     {{"Content-Type", "application/json"}});
  ASSERT_EQ(stored.status, 200) << stored.body;
}

inline bool is_final_status(const std::string& status) {
  return status == "succeeded" || status == "failed" || status == "dead" || status == "cancelled";
}

// GET /jobs/{id} until the job is in a final status (or `timeout` passes:
// the test fails); the job's document.
inline nlohmann::json wait_for_final(HttpClient& client, const std::string& id,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  nlohmann::json job;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto result = client.get("/jobs/" + id);
    job = nlohmann::json::parse(result.body, nullptr, false);
    if (result.status == 200 && is_final_status(job.value("status", ""))) return job;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ADD_FAILURE() << "job " << id << " did not end within " << timeout.count() << " ms: "
                << job.dump();
  return job;
}

// Milliseconds since the epoch of an RFC 3339 time "2026-12-01T20:47:21.123Z".
inline int64_t rfc3339_ms(const std::string& text) {
  std::tm tm{};
  int millis = 0;
  std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
              &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &millis);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + millis;
}

inline int64_t log_time_ms(const nlohmann::json& entry) {
  return rfc3339_ms(entry.at("time").get<std::string>());
}

}  // namespace wasmfaas::testing::jobs
