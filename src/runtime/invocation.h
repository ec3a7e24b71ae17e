#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/error.h"

namespace wasmfaas::runtime {

class CompiledFunction;
class Engine;

// The limits of one invocation. Exceeding one is an error naming it; the
// worker and the pooled instance slot stay usable.
struct InvocationOptions {
  // Bytes kept of each of stdout and stderr; the rest is counted and dropped.
  size_t max_log_bytes = 64 * 1024;
  // Wall-clock limit for instantiation plus the call (epoch deadline, so
  // precise to one engine tick); exceeding it is kTimeout.
  std::chrono::milliseconds timeout{30000};
  // Linear memory the function may grow to (each memory; never above the
  // engine's EngineOptions::max_memory_bytes). Growing past it traps:
  // kResourceExhausted.
  uint64_t max_memory_bytes = 64ull << 20;
  // Elements any one table may grow to; past it: kResourceExhausted.
  uint64_t max_table_elements = 100000;
  // Largest output string; a longer one is kBadOutput.
  size_t max_output_bytes = 4 << 20;
  // Instructions' fuel (an engine with fuel_metering only); 0 = unlimited.
  // Running out is kResourceExhausted.
  uint64_t fuel = 0;
};

// What the guest printed, bounded by InvocationOptions::max_log_bytes.
struct CapturedLogs {
  std::string stdout_text;
  std::string stderr_text;
  bool stdout_truncated = false;
  bool stderr_truncated = false;
};

struct InvocationTimings {
  std::chrono::nanoseconds instantiate{};
  std::chrono::nanoseconds call{};
};

// One call of a function in a fresh sandbox: its own store, WASI context and
// instance, none of which outlive the object (the per-request lifetime). The
// sandbox gets no files, environment, arguments, stdin or sockets; stdout and
// stderr are captured. Single use and not thread-safe; it may be moved to
// another thread between calls.
class Invocation {
 public:
  struct Impl;

  // Creates the sandbox and instantiates `function` in it.
  static Result<Invocation> start(const Engine& engine, const CompiledFunction& function,
                                  const InvocationOptions& options = {});

  Invocation(Invocation&&) noexcept;
  Invocation& operator=(Invocation&&) noexcept;
  ~Invocation();

  // Calls the function's `exec` export. A trap is a kTrap error; input that
  // is not UTF-8 is kInvalidArgument. May be called once.
  Result<std::string> call(std::string_view input);

  CapturedLogs logs() const;
  const InvocationTimings& timings() const;

 private:
  explicit Invocation(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace wasmfaas::runtime
