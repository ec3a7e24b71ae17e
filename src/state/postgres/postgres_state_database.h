#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "state/postgres/pg_connection.h"
#include "state/postgres/pg_connection_pool.h"
#include "state/postgres/postgres_change_feed.h"
#include "state/postgres/postgres_job_queue.h"
#include "state/postgres/postgres_schedule_table.h"
#include "state/state_database.h"

namespace wasmfaas::state {

struct PostgresOptions {
  size_t pool_size = 8;
  // How long an operation waits for a connection when all are lent.
  std::chrono::milliseconds pool_wait{30'000};
};

// The shared state database: PostgreSQL, for several nodes. Every operation
// is one statement, one round trip on a pooled connection: writes call the
// PL/pgSQL functions of postgres_migrations.cpp, which lock the bucket's
// usage row, write, check the quota and update the usage atomically (a
// refused write raises, and the statement changes nothing); reads are plain
// SELECTs. Values are bytea, keys text COLLATE "C" (bytewise order), both
// sent and received in binary format. Its jobs and schedules
// (PostgresJobQueue, PostgresScheduleTable) share the pool.
// A connection the server closed while idle is noticed before use and
// reconnected; one lost during an operation is reconnected and the
// operation retried once, except increment, which is not idempotent: it
// fails with kUnavailable (it may or may not have been applied).
// Thread-safe: each call borrows its own connection from the pool.
class PostgresStateDatabase final : public StateDatabase {
 public:
  // Connects to `url` (libpq URL syntax) and brings the schema up to date.
  static Result<std::unique_ptr<PostgresStateDatabase>> open(const std::string& url,
                                                             const PostgresOptions& options = {});

  std::string_view kind() const override { return "postgres"; }
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
  ChangeFeed* changes() override { return &changes_; }

 private:
  using Retry = PgConnectionPool::Retry;
  using Work = PgConnectionPool::Work;

  PostgresStateDatabase(const std::string& url, const PostgresOptions& options)
      : pool_(url, options.pool_size, options.pool_wait),
        jobs_(pool_),
        schedules_(pool_),
        changes_(url, pool_) {}

  // Runs `work` on a healthy pooled connection; failures become Errors
  // (those the functions raise on purpose in `bucket`'s and `delta`'s words).
  Result<PgRows> run(std::string_view bucket, Retry retry, const Work& work, int64_t delta = 0);

  PgConnectionPool pool_;
  PostgresJobQueue jobs_;
  PostgresScheduleTable schedules_;
  PostgresChangeFeed changes_;
};

}  // namespace wasmfaas::state
