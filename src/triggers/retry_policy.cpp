#include "triggers/retry_policy.h"

#include <algorithm>
#include <cmath>

namespace wasmfaas::triggers {

RetryPolicy policy_for(const api::FunctionConfig& config, const RetryPolicy& defaults) {
  RetryPolicy policy = defaults;
  if (config.retry.max_attempts) policy.max_attempts = *config.retry.max_attempts;
  if (config.retry.initial_ms) policy.initial = std::chrono::milliseconds(*config.retry.initial_ms);
  if (config.retry.max_ms) policy.max = std::chrono::milliseconds(*config.retry.max_ms);
  policy.max = std::max(policy.max, policy.initial);
  if (config.max_age_s) policy.max_age = std::chrono::seconds(*config.max_age_s);
  return policy;
}

std::chrono::milliseconds retry_delay(std::chrono::milliseconds initial,
                                      std::chrono::milliseconds max, uint32_t attempt,
                                      double unit_random) {
  const double doublings = std::min<double>(attempt > 0 ? attempt - 1 : 0, 62);
  const double full = std::min(static_cast<double>(initial.count()) * std::exp2(doublings),
                               static_cast<double>(max.count()));
  const double jittered = full / 2 + full / 2 * std::clamp(unit_random, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<int64_t>(std::ceil(jittered)));
}

bool is_retried(const Error& error) {
  switch (error.code) {
    case ErrorCode::kTrap:
    case ErrorCode::kTimeout:
    case ErrorCode::kThrottled:
    case ErrorCode::kOverloaded:
    case ErrorCode::kUnavailable:
    case ErrorCode::kStorageRejected:
    case ErrorCode::kInternal:
      return true;
    default:
      return false;
  }
}

}  // namespace wasmfaas::triggers
