#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "common/error.h"

namespace wasmfaas::api {

// What this node last read of each function from the store (its current
// version, its aliases) and when, by "bucket/key": a value is trusted for
// the freshness window, or for the longer notified window while change
// notices from every node arrive. A value read from the store while
// anything was forgotten is not kept (it may predate the change). When the
// store is unreachable, the value last read is served however old. Used by
// FunctionVersions and FunctionAliases. Thread-safe.
template <typename Value>
class TrustedCache {
 public:
  explicit TrustedCache(std::chrono::milliseconds freshness_window)
      : freshness_window_(freshness_window), trusted_for_(freshness_window) {}

  // The value of `name` trusted now, else what `read()` gives (an error as
  // it gives it, except kUnavailable while a value was read before).
  template <typename Read>
  Result<Value> get(const std::string& name, Read&& read) {
    const auto now = std::chrono::steady_clock::now();
    std::optional<Checked> known;
    uint64_t forgets_before = 0;
    {
      std::lock_guard lock(mutex_);
      if (const auto it = checked_.find(name); it != checked_.end()) known = it->second;
      if (known && now - known->checked < trusted_for_) return known->value;
      forgets_before = forgets_;
    }
    Result<Value> value = read();
    if (value) {
      std::lock_guard lock(mutex_);
      if (forgets_ == forgets_before) checked_[name] = Checked{*value, now};
      return value;
    }
    if (value.error().code == ErrorCode::kUnavailable && known) return known->value;
    return value;
  }

  void forget(const std::string& name) {
    std::lock_guard lock(mutex_);
    checked_.erase(name);
    ++forgets_;
  }
  // Forgets every name starting with `prefix` (a bucket's functions).
  void forget_prefix(std::string_view prefix) {
    std::lock_guard lock(mutex_);
    std::erase_if(checked_, [&](const auto& entry) { return entry.first.starts_with(prefix); });
    ++forgets_;
  }
  void forget_all() {
    std::lock_guard lock(mutex_);
    forget_all_locked();
  }
  // Whether every node's changes reach this one now; while they do, a value
  // is trusted for `notified_window` (at least the freshness window). Going
  // live forgets everything: changes may have been missed.
  void set_notified(bool live, std::chrono::milliseconds notified_window) {
    std::lock_guard lock(mutex_);
    if (live) forget_all_locked();
    trusted_for_ = live ? std::max(notified_window, freshness_window_) : freshness_window_;
  }

 private:
  struct Checked {
    Value value;
    std::chrono::steady_clock::time_point checked;
  };

  void forget_all_locked() {  // mutex_ held
    checked_.clear();
    ++forgets_;
  }

  const std::chrono::milliseconds freshness_window_;
  std::mutex mutex_;
  std::unordered_map<std::string, Checked> checked_;
  // How long a checked value is trusted now (freshness or notified window).
  std::chrono::milliseconds trusted_for_;
  // Counts forgets: a value read from the store is kept only if nothing was
  // forgotten while it was read.
  uint64_t forgets_ = 0;
};

}  // namespace wasmfaas::api
