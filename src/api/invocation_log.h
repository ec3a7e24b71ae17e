#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/error.h"

namespace wasmfaas::api {

// What one invocation printed and how it ended, as GET /logs serves it.
struct InvocationRecord {
  std::string request_id;
  // The async job and attempt this invocation ran (empty: not a job).
  std::string job_id;
  uint32_t job_attempt = 0;
  std::string version_id;
  std::chrono::system_clock::time_point time;
  std::optional<ErrorCode> error_code;  // none: it succeeded
  std::string error;
  double duration_ms = 0;
  std::string stdout_text;
  std::string stderr_text;
  bool stdout_truncated = false;
  bool stderr_truncated = false;
};

// The latest invocations of each function, bounded twice: at most
// `per_function` records per function and at most `max_functions`
// functions (the one whose newest record is oldest goes first). Each
// record's output is already bounded by the invocation's log limit.
// Thread-safe.
class InvocationLog {
 public:
  InvocationLog(size_t per_function, size_t max_functions)
      : per_function_(per_function), max_functions_(max_functions) {}

  void record(std::string_view bucket, std::string_view key, InvocationRecord record);
  // Newest first, at most `limit`.
  std::vector<InvocationRecord> recent(std::string_view bucket, std::string_view key,
                                       size_t limit) const;

  size_t per_function() const { return per_function_; }

 private:
  struct FunctionRecords {
    std::deque<InvocationRecord> records;  // oldest first
    uint64_t last_sequence = 0;
  };

  const size_t per_function_;
  const size_t max_functions_;
  mutable std::mutex mutex_;
  uint64_t sequence_ = 0;
  std::unordered_map<std::string, FunctionRecords> functions_;  // "bucket/key"
};

}  // namespace wasmfaas::api
