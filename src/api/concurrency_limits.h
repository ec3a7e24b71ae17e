#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace wasmfaas::api {

// Counts the executions of each function running on this node, so that a
// function with a concurrency limit cannot take more workers than that.
// Thread-safe.
class ConcurrencyLimits {
 public:
  // Holds one of a function's slots until destroyed. Movable, not copyable.
  class Slot {
   public:
    Slot(ConcurrencyLimits& limits, std::string function)
        : limits_(&limits), function_(std::move(function)) {}
    Slot(Slot&& other) noexcept
        : limits_(std::exchange(other.limits_, nullptr)), function_(std::move(other.function_)) {}
    Slot& operator=(Slot&&) = delete;
    Slot(const Slot&) = delete;
    ~Slot() {
      if (limits_) limits_->release(function_);
    }

   private:
    ConcurrencyLimits* limits_;
    std::string function_;
  };

  // A slot of `function` if fewer than `limit` of its executions run now.
  std::optional<Slot> try_acquire(std::string_view function, uint32_t limit);

  // Executions of `function` running now.
  uint32_t running(std::string_view function) const;

 private:
  void release(const std::string& function);

  mutable std::mutex mutex_;
  // Only functions with a running execution have an entry.
  std::unordered_map<std::string, uint32_t> running_;
};

}  // namespace wasmfaas::api
