#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "api/function_config.h"
#include "common/error.h"

namespace wasmfaas::triggers {

// How an async job is retried: up to `max_attempts` attempts, the n-th
// retry waiting a random time in [delay/2, delay] where delay =
// min(initial * 2^(n-1), max) ("equal jitter": retries of many jobs that
// failed together spread out, and none comes sooner than half the delay);
// no attempt starts later than `max_age` after submission. A plain value.
struct RetryPolicy {
  uint32_t max_attempts = 3;
  std::chrono::milliseconds initial{1000};
  std::chrono::milliseconds max{60000};
  std::chrono::seconds max_age{6 * 60 * 60};
};

// `defaults` with what the function's config sets ("retry", "max_age_s").
RetryPolicy policy_for(const api::FunctionConfig& config, const RetryPolicy& defaults);

// The delay before the retry that follows failed attempt `attempt` (1: the
// first attempt failed). `unit_random` in [0, 1) picks the jitter.
std::chrono::milliseconds retry_delay(std::chrono::milliseconds initial,
                                      std::chrono::milliseconds max, uint32_t attempt,
                                      double unit_random);

// Whether an attempt that failed with `error` is tried again. Retried: what
// may go another way next time: a trap (a guest's own failure, possibly
// transient, e.g. a failed outgoing request), the time limit, throttling
// (its concurrency limit), an overloaded node, an unavailable or refusing
// store, and host failures. Final: what the same input will hit again: the
// function, its version or its bucket gone, an unusable component, the
// memory, table or fuel limits, output too large or not UTF-8, and
// invalid arguments.
bool is_retried(const Error& error);

}  // namespace wasmfaas::triggers
