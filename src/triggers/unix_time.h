#pragma once

#include <chrono>
#include <cstdint>

namespace wasmfaas::triggers {

// Now, in milliseconds since the Unix epoch: the time base of the job queue
// and the schedules (shared by every node, so it must be wall-clock time).
inline int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace wasmfaas::triggers
