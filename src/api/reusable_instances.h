#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>

#include "cache/compiled_functions.h"
#include "common/metrics.h"
#include "keyvalue/function_keyvalue.h"
#include "runtime/invocation.h"

namespace wasmfaas::api {

// A function instance with everything its store points at: the compiled
// function and the key-value host (declared before the invocation, so they
// outlive it). Not thread-safe; moved between threads whole.
struct FunctionInstance {
  cache::CompiledFunctions::Function function;
  std::unique_ptr<keyvalue::FunctionKeyValue> keyvalue;
  runtime::Invocation invocation;
  // The calls it has served.
  uint32_t calls = 0;
};

// Idle instances of functions whose config asks for reuse, kept between
// calls. Entries are keyed by everything that makes two calls' sandboxes
// interchangeable (reuse_key: bucket, key, version and the function's whole
// config), so a new version or a changed config never gets an old instance;
// such stale entries are never taken again and are dropped by age (idle
// longer than Limits::max_idle_age, checked on every take and give_back) or
// by the least-recently-used bound. Every idle instance holds a pooled
// instance slot of the engine, hence the bounds on the total and per key.
// Thread-safe; instances are destroyed outside its lock.
class ReusableInstances {
 public:
  struct Limits {
    size_t max_idle = 64;
    // No more than the calls of one function that can run at once.
    size_t max_idle_per_key = 8;
    std::chrono::milliseconds max_idle_age{60000};
  };

  // `idle` (optional, borrowed) is kept at the number of idle instances.
  explicit ReusableInstances(Limits limits, metrics::Gauge* idle = nullptr);
  ~ReusableInstances();

  ReusableInstances(const ReusableInstances&) = delete;
  ReusableInstances& operator=(const ReusableInstances&) = delete;

  // The most recently given back idle instance for `key`, or null.
  std::unique_ptr<FunctionInstance> take(const std::string& key);

  // Keeps `instance` idle for `key`, evicting the least recently used
  // beyond the bounds (possibly `instance` itself).
  void give_back(std::string key, std::unique_ptr<FunctionInstance> instance);

  size_t idle() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    std::string key;
    Clock::time_point idle_since;
    std::unique_ptr<FunctionInstance> instance;
  };

  // Moves entries idle too long out of idle_ into `expired` (lock held).
  void expire(Clock::time_point now, std::list<Entry>& expired);
  void update_gauge();

  const Limits limits_;
  metrics::Gauge* const gauge_;
  mutable std::mutex mutex_;
  std::list<Entry> idle_;  // most recently given back first
};

// The key of ReusableInstances for a function version run with `config_json`
// (its config's canonical JSON, or "" without a config).
std::string reuse_key(std::string_view bucket, std::string_view key, std::string_view version_id,
                      std::string_view config_json);

}  // namespace wasmfaas::api
