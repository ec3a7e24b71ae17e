#pragma once
// Test support: waiting for a server state visible in /metrics (a call
// running on a worker, calls queued), so that tests act on that state
// rather than on a guess of how long reaching it takes.

#include <gtest/gtest.h>

#include <chrono>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "support/http_client.h"

namespace wasmfaas::testing {

// The value of one series in Prometheus text, e.g.
// `wasmfaas_job_attempts_total{outcome="succeeded"}`; nullopt when absent.
inline std::optional<double> find_metric(const std::string& text, const std::string& series) {
  const std::string line_start = series + " ";
  for (size_t at = text.find(line_start); at != std::string::npos;
       at = text.find(line_start, at + 1)) {
    if (at == 0 || text[at - 1] == '\n') return std::stod(text.substr(at + line_start.size()));
  }
  return std::nullopt;
}

// As find_metric, 0 when absent.
inline double metric(const std::string& text, const std::string& series) {
  return find_metric(text, series).value_or(0);
}

// Polls /metrics until every line of `lines` (e.g.
// "wasmfaas_in_flight{pool=\"exec\"} 1") is in it; fails with the last
// metrics text after `timeout`.
inline ::testing::AssertionResult wait_for_metrics(
    HttpClient& client, std::initializer_list<std::string_view> lines,
    std::chrono::seconds timeout = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string metrics;
  for (;;) {
    metrics = client.get("/metrics").body;
    bool all = true;
    for (std::string_view line : lines) {
      all = all && metrics.find(std::string(line) + "\n") != std::string::npos;
    }
    if (all) return ::testing::AssertionSuccess();
    if (std::chrono::steady_clock::now() >= deadline) {
      return ::testing::AssertionFailure() << "metrics never showed the expected lines:\n"
                                           << metrics;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace wasmfaas::testing
