#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/error.h"
#include "state/state_database.h"

namespace wasmfaas::state {

// How one write (or one batch) changes its bucket's usage. Only growth is
// checked against the quota, so a write that shrinks or keeps the usage
// always succeeds, even over a ceiling lowered since.
struct UsageChange {
  int64_t bytes = 0;
  int64_t keys = 0;

  // `old_size` (key + value bytes) of the entry replaced, nullopt for a new key.
  void replace(std::optional<uint64_t> old_size, uint64_t new_size);
  void remove(uint64_t old_size);
};

// kResourceExhausted (reason kv_quota_exceeded) when `change` would take
// `usage` past a ceiling of `quota`.
Result<void> check_quota(std::string_view bucket, const BucketUsage& usage,
                         const UsageChange& change, const BucketQuota& quota);

// The error for a write that would take `what` ("bytes" or "keys") of
// `bucket` from `used` past `ceiling` by adding `adding`.
Error quota_exceeded(std::string_view bucket, std::string_view what, uint64_t used, uint64_t adding,
                     uint64_t ceiling);

}  // namespace wasmfaas::state
