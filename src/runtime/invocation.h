#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"

namespace wasmfaas::runtime {

class CompiledFunction;
class Engine;
class KeyValueHost;

// What a function may do over wasi:http (outgoing requests only). A request
// leaves only to an origin of `allowed_origins` and never to a link-local or
// cloud metadata address, whatever the allow-list says.
struct OutboundHttpOptions {
  // "scheme://host:port"; host may be "*.example.com" (any subdomain).
  // Empty: every request fails in the guest with HTTP-request-denied.
  std::vector<std::string> allowed_origins;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds first_byte_timeout{10000};
  // From sending the request to the response body's last byte; never more
  // than the invocation's own timeout (a guest blocked on a response is in
  // the host, where the epoch deadline cannot interrupt it).
  std::chrono::milliseconds total_timeout{30000};
  uint64_t max_response_bytes = 16ull << 20;
  uint32_t max_concurrent_requests = 8;
};

// The limits of one invocation. Exceeding one is an error naming it; the
// worker and the pooled instance slot stay usable.
struct InvocationOptions {
  // Bytes kept of each of stdout and stderr; the rest is counted and dropped.
  size_t max_log_bytes = 64 * 1024;
  // Wall-clock limit for instantiation plus the first call, and for each
  // later call of a reusable invocation from its start (epoch deadline, so
  // precise to one engine tick); exceeding it is kTimeout.
  std::chrono::milliseconds timeout{30000};
  // Linear memory the function may grow to (each memory; never above the
  // engine's EngineOptions::max_memory_bytes). Growing past it traps:
  // kResourceExhausted, reason memory_limit_exceeded.
  uint64_t max_memory_bytes = 64ull << 20;
  // Elements any one table may grow to; past it: kResourceExhausted,
  // reason table_limit_exceeded.
  uint64_t max_table_elements = 100000;
  // Largest output string; a longer one is kBadOutput, reason
  // output_too_large (one that is not UTF-8: invalid_utf8_output).
  size_t max_output_bytes = 4 << 20;
  // Instructions' fuel (an engine with fuel_metering only); 0 = unlimited.
  // Running out is kResourceExhausted, reason fuel_exhausted.
  uint64_t fuel = 0;
  // The environment variables the guest sees (and nothing else of the host's).
  std::vector<std::pair<std::string, std::string>> env;
  OutboundHttpOptions outbound_http;
  // The key-value stores of wasi:keyvalue (not owned; must outlive the
  // Invocation). Null: every store the guest opens is access-denied.
  KeyValueHost* keyvalue = nullptr;
  // What wasi:config/store serves the guest.
  std::vector<std::pair<std::string, std::string>> config;
  // Whether call() may be called again after a successful call: the same
  // instance, linear memory, globals and WASI context serve every call, each
  // with its own logs, outbound denials, timings, deadline and fuel.
  bool reusable = false;
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

// A function instantiated in a fresh sandbox: its own store, WASI context and
// instance, none of which outlive the object. The sandbox gets no files,
// arguments, stdin or sockets, only the environment of InvocationOptions::env,
// the outgoing HTTP its policy allows, the key-value stores its KeyValueHost
// grants and its wasi:config values; stdout and stderr are captured. It
// serves one call, or (InvocationOptions::reusable) calls one after another
// until one fails: any error poisons the instance. Not thread-safe; it may be
// moved to another thread between calls.
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
  // is not UTF-8 is kInvalidArgument. May be called once, or, when
  // reusable, again as long as every call before succeeded (kInternal
  // otherwise).
  Result<std::string> call(std::string_view input);

  // Whether call() may be called again: the invocation is reusable and no
  // call failed.
  bool reusable() const;

  // What the last call printed.
  CapturedLogs logs() const;
  // One line per outgoing request the policy refused during the last call.
  std::vector<std::string> outbound_denials() const;
  // The instantiation (zero after the first call) and the last call.
  const InvocationTimings& timings() const;

 private:
  explicit Invocation(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace wasmfaas::runtime
