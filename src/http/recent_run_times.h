#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace wasmfaas::http {

// Which functions' calls are expected to be short, from how long their
// recent calls took: a function whose last kShortRunsNeeded calls each took
// less than the threshold is expected to be short; one longer call sends it
// back to the exec workers until it has made that many short calls again.
// Remembers at most kMaxFunctions names (then starts over). Thread-safe.
class RecentRunTimes {
 public:
  static constexpr uint32_t kShortRunsNeeded = 8;
  static constexpr size_t kMaxFunctions = 10000;

  // A threshold of 0 expects no call to be short.
  explicit RecentRunTimes(std::chrono::nanoseconds threshold) : threshold_(threshold) {}

  bool expect_short(const std::string& function) const;
  void record(const std::string& function, std::chrono::nanoseconds took);

 private:
  const std::chrono::nanoseconds threshold_;
  mutable std::mutex mutex_;
  // Calls in a row under the threshold, up to kShortRunsNeeded.
  std::unordered_map<std::string, uint32_t> short_runs_;
};

}  // namespace wasmfaas::http
