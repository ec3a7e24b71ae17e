#include "http/recent_run_times.h"

namespace wasmfaas::http {

bool RecentRunTimes::expect_short(const std::string& function) const {
  if (threshold_.count() <= 0) return false;
  std::lock_guard lock(mutex_);
  const auto found = short_runs_.find(function);
  return found != short_runs_.end() && found->second >= kShortRunsNeeded;
}

void RecentRunTimes::record(const std::string& function, std::chrono::nanoseconds took) {
  if (threshold_.count() <= 0) return;
  std::lock_guard lock(mutex_);
  if (took >= threshold_) {
    if (auto found = short_runs_.find(function); found != short_runs_.end()) found->second = 0;
    return;
  }
  if (short_runs_.size() >= kMaxFunctions && !short_runs_.contains(function)) short_runs_.clear();
  uint32_t& runs = short_runs_[function];
  if (runs < kShortRunsNeeded) ++runs;
}

}  // namespace wasmfaas::http
