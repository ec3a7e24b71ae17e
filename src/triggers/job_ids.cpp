#include "triggers/job_ids.h"

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <random>

namespace wasmfaas::triggers {
namespace {

constexpr size_t kIdLength = 28;

uint64_t random_64() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return generator();
}

}  // namespace

std::string new_job_id(int64_t now_ms) {
  // Ids this process makes in one millisecond follow each other: a
  // sequence number leads the random part.
  static std::mutex mutex;
  static int64_t last_ms = 0;
  static uint32_t sequence = 0;
  uint32_t this_sequence = 0;
  {
    std::lock_guard lock(mutex);
    if (now_ms <= last_ms) {
      now_ms = last_ms;
      ++sequence;
    } else {
      last_ms = now_ms;
      sequence = 0;
    }
    this_sequence = sequence;
  }
  char text[kIdLength + 1];
  std::snprintf(text, sizeof text, "%012llx%06x%010llx",
                static_cast<unsigned long long>(now_ms & 0xffffffffffffLL),
                this_sequence & 0xffffff,
                static_cast<unsigned long long>(random_64() & 0xffffffffffULL));
  return std::string(text, kIdLength);
}

bool is_job_id(std::string_view text) {
  return text.size() == kIdLength && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace wasmfaas::triggers
