#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "state/postgres/pg_connection_pool.h"
#include "state/schedule_table.h"

namespace wasmfaas::state {

// The cron schedules of a PostgreSQL state database and each tick's fire
// record (wasmfaas_schedules, wasmfaas_schedule_fires: migration step 2).
// Every method is one statement, one round trip on a pooled connection;
// fire() calls wasmfaas_schedules_fire, which locks the schedule's row,
// records the tick under its unique (bucket, name, fire_ms) key, moves
// next_fire_ms and submits the tick's job in one transaction, so however
// many nodes fire a tick at once, one succeeds.
// Owned by PostgresStateDatabase, whose pool it borrows. Thread-safe.
class PostgresScheduleTable final : public ScheduleTable {
 public:
  explicit PostgresScheduleTable(PgConnectionPool& pool) : pool_(pool) {}

  Result<void> put(const ScheduleRecord& schedule) override;
  Result<std::optional<ScheduleRecord>> get(std::string_view bucket,
                                            std::string_view name) override;
  Result<std::vector<ScheduleRecord>> list(std::string_view bucket) override;
  Result<bool> remove(std::string_view bucket, std::string_view name) override;
  Result<std::optional<ScheduleRecord>> set_paused(std::string_view bucket, std::string_view name,
                                                   bool paused, std::optional<int64_t> next_fire_ms,
                                                   int64_t now_ms) override;
  Result<std::vector<ScheduleRecord>> due(int64_t now_ms, size_t limit) override;
  Result<bool> fire(std::string_view bucket, std::string_view name, int64_t expected_next_ms,
                    std::optional<int64_t> next_fire_ms, const ScheduleFire& fire,
                    const std::optional<NewJob>& job) override;
  Result<std::vector<ScheduleFire>> fires(std::string_view bucket, std::string_view name,
                                          size_t limit) override;
  Result<uint64_t> remove_fires_before(int64_t before_ms, size_t limit) override;
  Result<void> remove_bucket(std::string_view bucket) override;

 private:
  // The schedules `statement` answers (the columns of kScheduleColumns).
  Result<std::vector<ScheduleRecord>> schedules(PgConnectionPool::Retry retry,
                                                const PgStatement& statement,
                                                const PgParams& params);

  PgConnectionPool& pool_;
};

}  // namespace wasmfaas::state
