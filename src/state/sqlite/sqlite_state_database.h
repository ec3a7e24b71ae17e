#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <span>

#include "state/quota.h"
#include "state/sqlite/sqlite_connection.h"
#include "state/sqlite/sqlite_job_queue.h"
#include "state/sqlite/sqlite_schedule_table.h"
#include "state/state_database.h"

namespace wasmfaas::state {

// The embedded state database: one SQLite file (WAL mode, synchronous=NORMAL;
// see SqliteConnection::open for what survives which crash), for one node.
// Every write that counts usage runs in one BEGIN IMMEDIATE transaction that
// reads the bucket's usage, applies the write, checks the quota and updates
// the usage, so usage is exact and a refused write leaves nothing behind.
// Several objects or processes may open the same file; their writes take
// turns on SQLite's file lock.
// Thread-safe: one connection behind a mutex (SQLite writes one transaction
// at a time anyway); statements are prepared once and reused.
class SqliteStateDatabase final : public StateDatabase {
 public:
  // Opens or creates `file` and brings its schema up to date.
  static Result<std::unique_ptr<SqliteStateDatabase>> open(const std::filesystem::path& file);

  std::string_view kind() const override { return "sqlite"; }
  Result<std::optional<std::string>> get(const StoreRef& store, std::string_view key) override;
  Result<void> set(const StoreRef& store, std::string_view key, std::string_view value,
                   const BucketQuota& quota) override;
  Result<void> remove(const StoreRef& store, std::string_view key) override;
  Result<bool> exists(const StoreRef& store, std::string_view key) override;
  Result<KeyPage> list_keys(const StoreRef& store, std::string_view prefix,
                            const std::optional<std::string>& cursor, size_t limit) override;
  Result<int64_t> increment(const StoreRef& store, std::string_view key, int64_t delta,
                            const BucketQuota& quota) override;
  Result<std::vector<std::optional<std::string>>> get_many(
      const StoreRef& store, const std::vector<std::string>& keys) override;
  Result<void> set_many(const StoreRef& store,
                        const std::vector<std::pair<std::string, std::string>>& entries,
                        const BucketQuota& quota) override;
  Result<void> remove_many(const StoreRef& store, const std::vector<std::string>& keys) override;
  Result<BucketUsage> usage(std::string_view bucket) override;
  Result<void> remove_bucket(std::string_view bucket) override;
  JobQueue& jobs() override { return jobs_; }
  ScheduleTable& schedules() override { return schedules_; }

 private:
  using Entry = std::pair<std::string_view, std::string_view>;

  explicit SqliteStateDatabase(std::unique_ptr<SqliteConnection> connection)
      : connection_(std::move(connection)),
        jobs_(*connection_, mutex_),
        schedules_(*connection_, mutex_) {}

  // These run inside the caller's transaction, with mutex_ held.
  Result<std::optional<std::string>> read_value(const StoreRef& store, std::string_view key);
  Result<BucketUsage> read_usage(std::string_view bucket);
  // Writes `entries` in order, checks the quota, updates the usage.
  Result<void> write_entries(const StoreRef& store, std::span<const Entry> entries,
                             const BucketQuota& quota);
  Result<void> remove_keys(const StoreRef& store, std::span<const std::string_view> keys);
  Result<void> add_usage(std::string_view bucket, const UsageChange& change);

  std::mutex mutex_;
  std::unique_ptr<SqliteConnection> connection_;
  // The jobs and schedules, on the same connection behind the same mutex.
  SqliteJobQueue jobs_;
  SqliteScheduleTable schedules_;
};

}  // namespace wasmfaas::state
