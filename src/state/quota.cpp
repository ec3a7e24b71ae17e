#include "state/quota.h"

#include <string>

namespace wasmfaas::state {

void UsageChange::replace(std::optional<uint64_t> old_size, uint64_t new_size) {
  bytes += static_cast<int64_t>(new_size) - static_cast<int64_t>(old_size.value_or(0));
  if (!old_size) ++keys;
}

void UsageChange::remove(uint64_t old_size) {
  bytes -= static_cast<int64_t>(old_size);
  --keys;
}

Result<void> check_quota(std::string_view bucket, const BucketUsage& usage,
                         const UsageChange& change, const BucketQuota& quota) {
  if (change.bytes > 0 && quota.max_bytes != 0 &&
      usage.bytes + static_cast<uint64_t>(change.bytes) > quota.max_bytes) {
    return std::unexpected(quota_exceeded(bucket, "bytes", usage.bytes,
                                          static_cast<uint64_t>(change.bytes), quota.max_bytes));
  }
  if (change.keys > 0 && quota.max_keys != 0 &&
      usage.keys + static_cast<uint64_t>(change.keys) > quota.max_keys) {
    return std::unexpected(quota_exceeded(bucket, "keys", usage.keys,
                                          static_cast<uint64_t>(change.keys), quota.max_keys));
  }
  return {};
}

Error quota_exceeded(std::string_view bucket, std::string_view what, uint64_t used, uint64_t adding,
                     uint64_t ceiling) {
  const std::string unit(what);
  return Error{ErrorCode::kResourceExhausted,
               "key-value quota of bucket '" + std::string(bucket) + "' exceeded: " +
                   std::to_string(used) + " " + unit + " used + " + std::to_string(adding) +
                   " would pass its ceiling of " + std::to_string(ceiling) + " " + unit,
               reason::kKeyValueQuotaExceeded};
}

}  // namespace wasmfaas::state
