#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace wasmfaas::triggers {

// Wakes this node's job workers when it queues a job, so that a job starts
// at once instead of at the next poll of the queue (jobs queued by other
// nodes are found by polling). Thread-safe.
class JobSignal {
 public:
  void notify() {
    {
      std::lock_guard lock(mutex_);
      ++generation_;
    }
    changed_.notify_all();
  }

  // The count of notifications so far, to pass to wait_for.
  uint64_t generation() const {
    std::lock_guard lock(mutex_);
    return generation_;
  }

  // Waits up to `timeout` for a notification after `seen` (or returns at
  // once if one came already); true when one came.
  bool wait_for(uint64_t seen, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return generation_ != seen; });
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  uint64_t generation_ = 0;
};

}  // namespace wasmfaas::triggers
