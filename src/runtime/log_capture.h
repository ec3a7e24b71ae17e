#pragma once

#include <cstddef>
#include <mutex>
#include <string>

namespace wasmfaas::runtime {

// A bounded sink for one guest output stream (stdout or stderr). Keeps the
// first `limit` bytes and notes that the rest was dropped. Thread-safe: WASI
// may write from whichever thread drives the guest.
class LogCapture {
 public:
  explicit LogCapture(size_t limit) : limit_(limit) {}

  void append(const char* data, size_t size) {
    std::lock_guard lock(mutex_);
    const size_t room = limit_ - text_.size();
    if (size > room) truncated_ = true;
    text_.append(data, size < room ? size : room);
  }

  std::string text() const {
    std::lock_guard lock(mutex_);
    return text_;
  }

  bool truncated() const {
    std::lock_guard lock(mutex_);
    return truncated_;
  }

  // Forgets what was captured (the next call of a reused instance starts empty).
  void clear() {
    std::lock_guard lock(mutex_);
    text_.clear();
    truncated_ = false;
  }

 private:
  mutable std::mutex mutex_;
  const size_t limit_;
  std::string text_;
  bool truncated_ = false;
};

}  // namespace wasmfaas::runtime
