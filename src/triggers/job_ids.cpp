#include "triggers/job_ids.h"

#include <algorithm>
#include <cstdio>
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
  char text[kIdLength + 1];
  std::snprintf(text, sizeof text, "%012llx%016llx",
                static_cast<unsigned long long>(now_ms & 0xffffffffffffLL),
                static_cast<unsigned long long>(random_64()));
  return std::string(text, kIdLength);
}

bool is_job_id(std::string_view text) {
  return text.size() == kIdLength && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace wasmfaas::triggers
