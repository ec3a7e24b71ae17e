#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "common/error.h"

namespace wasmtime {
class Error;
}

namespace wasmfaas::runtime {

// The limits an invocation ran under, to name the one it exceeded.
struct EffectiveLimits {
  std::chrono::milliseconds timeout{};
  uint64_t memory_bytes = 0;
  uint64_t table_elements = 0;
  uint64_t fuel = 0;
};

// What kind of failure a Wasmtime error is, read from the types in its
// error chain by the project's crate (wasmfaas_error_kind), never from its
// message.
enum class FailureKind {
  kOther,          // not a trap
  kTrap,           // any trap not named below
  kInterrupt,      // the epoch deadline passed
  kOutOfFuel,
  kMemoryLimit,    // the store limiter refused a memory growth
  kTableLimit,     // ... a table growth
  kInvalidString,  // a string result that is not valid UTF-8
};

FailureKind failure_kind(const wasmtime::Error& error);

// The Error for a failure of `kind`. The kind alone decides the code and
// reason: kInterrupt is kTimeout naming the time limit; kMemoryLimit,
// kTableLimit and kOutOfFuel are kResourceExhausted with the reason naming
// the limit; kInvalidString is kBadOutput (reason kInvalidUtf8Output); any
// other trap is kTrap. Wasmtime's `message` only supplies the details (a
// trap's description, the first line of anything else).
Error classify_failure(FailureKind kind, const std::string& message,
                       const EffectiveLimits& limits);

// classify_failure(failure_kind(error), error.message(), limits).
Error translate_call_error(const wasmtime::Error& error, const EffectiveLimits& limits);

// The one-line summary of a Wasmtime error message (its first line).
std::string first_line(const std::string& message);

}  // namespace wasmfaas::runtime
