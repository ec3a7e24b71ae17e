#pragma once

#include <mutex>

#include "state/schedule_table.h"
#include "state/sqlite/sqlite_connection.h"

namespace wasmfaas::state {

// The cron schedules of a SqliteStateDatabase (wasmfaas_schedules) and their
// fire records (wasmfaas_schedule_fires, whose primary key (bucket, name,
// fire_ms) lets each tick be recorded once), on the database's connection
// behind its mutex (both owned by the database, which outlives this). Every
// write is one BEGIN IMMEDIATE transaction; fire() also inserts its job in
// wasmfaas_jobs in the same one.
// Thread-safe (through the shared mutex).
class SqliteScheduleTable final : public ScheduleTable {
 public:
  SqliteScheduleTable(SqliteConnection& connection, std::mutex& mutex)
      : connection_(connection), mutex_(mutex) {}

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
  // Runs with mutex_ held: every schedule `sql` returns (schedule columns).
  Result<std::vector<ScheduleRecord>> read_schedules(SqliteQuery& query);

  SqliteConnection& connection_;
  std::mutex& mutex_;
};

}  // namespace wasmfaas::state
