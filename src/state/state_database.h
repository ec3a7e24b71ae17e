#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"
#include "state/change_feed.h"
#include "state/job_queue.h"
#include "state/schedule_table.h"

namespace wasmfaas::state {

// One key-value store: the store `store` of the bucket `bucket`. Two buckets'
// stores of the same name share nothing.
struct StoreRef {
  std::string bucket;
  std::string store;
};

// A bucket's ceiling on key-value data, checked by every write: the sum over
// all its stores of key plus value bytes, and the number of keys. A write
// that would pass either fails with kResourceExhausted (reason
// kv_quota_exceeded) and changes nothing. 0 means no ceiling.
struct BucketQuota {
  uint64_t max_bytes = 0;
  uint64_t max_keys = 0;
};

// What a bucket holds now, as the quota counts it.
struct BucketUsage {
  uint64_t bytes = 0;
  uint64_t keys = 0;
};

// One page of keys in ascending byte order. `next_cursor` is set when more
// keys may follow: passing it to the next list_keys continues after the last
// key of this page.
struct KeyPage {
  std::vector<std::string> keys;
  std::optional<std::string> next_cursor;
};

// The state database: what changes at run time (key-value data, async jobs,
// cron schedules), beside the
// object store that keeps what is deployed. Implementations: SQLite (embedded,
// one node) and PostgreSQL (shared by several nodes). Every operation is
// atomic and durable once it returns success (it survives kill -9 of the
// process). Keys and values are validated by the caller (KeyValueService);
// implementations store any bytes they are given, keys compared bytewise.
// Thread-safe: any number of threads may call any method at once.
class StateDatabase {
 public:
  virtual ~StateDatabase() = default;

  // "sqlite" or "postgres", for logs and metrics.
  virtual std::string_view kind() const = 0;

  // The value of `key`, or nullopt when there is none.
  virtual Result<std::optional<std::string>> get(const StoreRef& store, std::string_view key) = 0;

  // Creates or replaces `key`.
  virtual Result<void> set(const StoreRef& store, std::string_view key, std::string_view value,
                           const BucketQuota& quota) = 0;

  // Removes `key`; removing a key that does not exist succeeds.
  virtual Result<void> remove(const StoreRef& store, std::string_view key) = 0;

  virtual Result<bool> exists(const StoreRef& store, std::string_view key) = 0;

  // Up to `limit` (>= 1) keys starting with `prefix`, after `cursor` when
  // one is given (a next_cursor of an earlier page with the same prefix).
  virtual Result<KeyPage> list_keys(const StoreRef& store, std::string_view prefix,
                                    const std::optional<std::string>& cursor, size_t limit) = 0;

  // Adds `delta` to the integer held by `key` (decimal ASCII, as set would
  // store "42"; a missing key counts as 0) and returns the new value, in one
  // atomic step however many nodes and threads increment at once. A value
  // that is not a decimal integer, or a result outside int64, is
  // kInvalidArgument and changes nothing.
  virtual Result<int64_t> increment(const StoreRef& store, std::string_view key, int64_t delta,
                                    const BucketQuota& quota) = 0;

  // The values of `keys` in order (nullopt for a missing one).
  virtual Result<std::vector<std::optional<std::string>>> get_many(
      const StoreRef& store, const std::vector<std::string>& keys) = 0;

  // Sets every pair in one transaction: all or nothing, quota included.
  virtual Result<void> set_many(const StoreRef& store,
                                const std::vector<std::pair<std::string, std::string>>& entries,
                                const BucketQuota& quota) = 0;

  // Removes every key in one transaction.
  virtual Result<void> remove_many(const StoreRef& store, const std::vector<std::string>& keys) = 0;

  virtual Result<BucketUsage> usage(std::string_view bucket) = 0;

  // Removes everything of `bucket` (when the bucket itself is deleted):
  // its key-value stores, then its jobs and schedules.
  virtual Result<void> remove_bucket(std::string_view bucket) = 0;

  // The async jobs and cron schedules kept in the same database (owned by
  // it, valid as long as it lives).
  virtual JobQueue& jobs() = 0;
  virtual ScheduleTable& schedules() = 0;
  // Notices between the nodes sharing this database; null when no other
  // node can share it (SQLite).
  virtual ChangeFeed* changes() { return nullptr; }
};

}  // namespace wasmfaas::state
