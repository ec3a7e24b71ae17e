#include "state/sqlite/sqlite_schedule_table.h"

#include "state/sqlite/sqlite_job_rows.h"
#include "state/sqlite/sqlite_transaction.h"

namespace wasmfaas::state {
namespace {

// The columns read_schedules reads, in its order.
const std::string kColumns =
    "bucket, name, cron, timezone, function, input, allow_overlap, catch_up, paused, created_ms,"
    " updated_ms, next_fire_ms";

const std::string kUpsert =
    "INSERT INTO wasmfaas_schedules (" + kColumns +
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
    " ON CONFLICT (bucket, name) DO UPDATE SET cron = excluded.cron,"
    " timezone = excluded.timezone, function = excluded.function, input = excluded.input,"
    " allow_overlap = excluded.allow_overlap, catch_up = excluded.catch_up,"
    " paused = excluded.paused, updated_ms = excluded.updated_ms,"
    " next_fire_ms = excluded.next_fire_ms";
const std::string kSelect =
    "SELECT " + kColumns + " FROM wasmfaas_schedules WHERE bucket = ?1 AND name = ?2";
const std::string kList =
    "SELECT " + kColumns + " FROM wasmfaas_schedules WHERE bucket = ?1 ORDER BY name";
const std::string kDelete =
    "DELETE FROM wasmfaas_schedules WHERE bucket = ?1 AND name = ?2 RETURNING 1";
const std::string kDeleteFires =
    "DELETE FROM wasmfaas_schedule_fires WHERE bucket = ?1 AND name = ?2";
const std::string kSetPaused =
    "UPDATE wasmfaas_schedules SET paused = ?3, next_fire_ms = ?4, updated_ms = ?5"
    " WHERE bucket = ?1 AND name = ?2 RETURNING " +
    kColumns;
// A range of the partial index wasmfaas_schedules_due.
const std::string kDue = "SELECT " + kColumns +
                         " FROM wasmfaas_schedules WHERE paused = 0 AND"
                         " next_fire_ms IS NOT NULL AND next_fire_ms <= ?1"
                         " ORDER BY next_fire_ms LIMIT ?2";
const std::string kSelectNext =
    "SELECT next_fire_ms FROM wasmfaas_schedules WHERE bucket = ?1 AND name = ?2";
const std::string kRecordFire =
    "INSERT INTO wasmfaas_schedule_fires (bucket, name, fire_ms, outcome, job_id, recorded_ms)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING RETURNING 1";
const std::string kMoveNext =
    "UPDATE wasmfaas_schedules SET next_fire_ms = ?3 WHERE bucket = ?1 AND name = ?2";
const std::string kFires =
    "SELECT fire_ms, outcome, job_id, recorded_ms FROM wasmfaas_schedule_fires"
    " WHERE bucket = ?1 AND name = ?2 ORDER BY fire_ms DESC LIMIT ?3";
const std::string kRemoveFiresBefore =
    "DELETE FROM wasmfaas_schedule_fires WHERE (bucket, name, fire_ms) IN (SELECT bucket, name,"
    " fire_ms FROM wasmfaas_schedule_fires WHERE fire_ms < ?1 ORDER BY fire_ms LIMIT ?2)";
const std::string kRemoveBucketSchedules = "DELETE FROM wasmfaas_schedules WHERE bucket = ?1";
const std::string kRemoveBucketFires = "DELETE FROM wasmfaas_schedule_fires WHERE bucket = ?1";
const std::string kChanges = "SELECT changes()";

ScheduleRecord schedule_from_row(const SqliteQuery& query) {
  ScheduleRecord schedule;
  schedule.bucket = query.column_bytes(0);
  schedule.name = query.column_bytes(1);
  schedule.cron = query.column_bytes(2);
  schedule.timezone = query.column_bytes(3);
  schedule.function = query.column_bytes(4);
  schedule.input = query.column_bytes(5);
  schedule.allow_overlap = query.column_int64(6) != 0;
  schedule.catch_up = query.column_int64(7) != 0;
  schedule.paused = query.column_int64(8) != 0;
  schedule.created_ms = query.column_int64(9);
  schedule.updated_ms = query.column_int64(10);
  if (!query.column_is_null(11)) schedule.next_fire_ms = query.column_int64(11);
  return schedule;
}

// Steps `query` to its end; whether it returned a row.
Result<bool> returned_a_row(SqliteQuery& query) {
  auto row = query.step();
  if (!row) return row;
  if (auto done = query.run(); !done) return std::unexpected(done.error());
  return *row;
}

}  // namespace

Result<std::vector<ScheduleRecord>> SqliteScheduleTable::read_schedules(SqliteQuery& query) {
  std::vector<ScheduleRecord> schedules;
  while (true) {
    auto row = query.step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return schedules;
    schedules.push_back(schedule_from_row(query));
  }
}

Result<void> SqliteScheduleTable::put(const ScheduleRecord& schedule) {
  std::lock_guard lock(mutex_);
  return in_write_transaction(connection_, [&]() -> Result<void> {
    auto query = connection_.query(kUpsert);
    if (!query) return std::unexpected(query.error());
    query->bind_text(1, schedule.bucket).bind_text(2, schedule.name).bind_text(3, schedule.cron);
    query->bind_text(4, schedule.timezone).bind_text(5, schedule.function);
    query->bind_blob(6, schedule.input).bind_int64(7, schedule.allow_overlap ? 1 : 0);
    query->bind_int64(8, schedule.catch_up ? 1 : 0).bind_int64(9, schedule.paused ? 1 : 0);
    query->bind_int64(10, schedule.created_ms).bind_int64(11, schedule.updated_ms);
    if (schedule.next_fire_ms) {
      query->bind_int64(12, *schedule.next_fire_ms);
    } else {
      query->bind_null(12);
    }
    return query->run();
  });
}

Result<std::optional<ScheduleRecord>> SqliteScheduleTable::get(std::string_view bucket,
                                                               std::string_view name) {
  std::lock_guard lock(mutex_);
  auto query = connection_.query(kSelect);
  if (!query) return std::unexpected(query.error());
  query->bind_text(1, bucket).bind_text(2, name);
  auto schedules = read_schedules(*query);
  if (!schedules) return std::unexpected(schedules.error());
  if (schedules->empty()) return std::nullopt;
  return std::move(schedules->front());
}

Result<std::vector<ScheduleRecord>> SqliteScheduleTable::list(std::string_view bucket) {
  std::lock_guard lock(mutex_);
  auto query = connection_.query(kList);
  if (!query) return std::unexpected(query.error());
  query->bind_text(1, bucket);
  return read_schedules(*query);
}

Result<bool> SqliteScheduleTable::remove(std::string_view bucket, std::string_view name) {
  std::lock_guard lock(mutex_);
  return in_write_transaction(connection_, [&]() -> Result<bool> {
    {
      auto query = connection_.query(kDeleteFires);
      if (!query) return std::unexpected(query.error());
      if (auto done = query->bind_text(1, bucket).bind_text(2, name).run(); !done) {
        return std::unexpected(done.error());
      }
    }
    auto query = connection_.query(kDelete);
    if (!query) return std::unexpected(query.error());
    query->bind_text(1, bucket).bind_text(2, name);
    return returned_a_row(*query);
  });
}

Result<std::optional<ScheduleRecord>> SqliteScheduleTable::set_paused(
    std::string_view bucket, std::string_view name, bool paused,
    std::optional<int64_t> next_fire_ms, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  return in_write_transaction(connection_, [&]() -> Result<std::optional<ScheduleRecord>> {
    auto query = connection_.query(kSetPaused);
    if (!query) return std::unexpected(query.error());
    query->bind_text(1, bucket).bind_text(2, name).bind_int64(3, paused ? 1 : 0);
    if (!paused && next_fire_ms) {
      query->bind_int64(4, *next_fire_ms);
    } else {
      query->bind_null(4);
    }
    query->bind_int64(5, now_ms);
    auto schedules = read_schedules(*query);
    if (!schedules) return std::unexpected(schedules.error());
    if (schedules->empty()) return std::nullopt;
    return std::move(schedules->front());
  });
}

Result<std::vector<ScheduleRecord>> SqliteScheduleTable::due(int64_t now_ms, size_t limit) {
  if (limit == 0) return std::vector<ScheduleRecord>{};
  std::lock_guard lock(mutex_);
  auto query = connection_.query(kDue);
  if (!query) return std::unexpected(query.error());
  query->bind_int64(1, now_ms).bind_int64(2, sql_limit(limit));
  return read_schedules(*query);
}

Result<bool> SqliteScheduleTable::fire(std::string_view bucket, std::string_view name,
                                       int64_t expected_next_ms,
                                       std::optional<int64_t> next_fire_ms,
                                       const ScheduleFire& fire, const std::optional<NewJob>& job) {
  std::lock_guard lock(mutex_);
  // Nothing is written before the checks pass, so a false leaves no trace.
  return in_write_transaction(connection_, [&]() -> Result<bool> {
    {
      auto query = connection_.query(kSelectNext);
      if (!query) return std::unexpected(query.error());
      auto row = query->bind_text(1, bucket).bind_text(2, name).step();
      if (!row) return std::unexpected(row.error());
      if (!*row || query->column_is_null(0) || query->column_int64(0) != expected_next_ms) {
        return false;
      }
    }
    {
      auto query = connection_.query(kRecordFire);
      if (!query) return std::unexpected(query.error());
      query->bind_text(1, bucket).bind_text(2, name).bind_int64(3, fire.fire_ms);
      query->bind_text(4, fire.outcome);
      bind_optional_text(*query, 5, fire.job_id);
      query->bind_int64(6, fire.recorded_ms);
      auto recorded = returned_a_row(*query);
      if (!recorded || !*recorded) return recorded;
    }
    if (job) {
      if (auto stored = insert_job(connection_, *job); !stored) {
        return std::unexpected(stored.error());
      }
    }
    auto query = connection_.query(kMoveNext);
    if (!query) return std::unexpected(query.error());
    query->bind_text(1, bucket).bind_text(2, name);
    if (next_fire_ms) {
      query->bind_int64(3, *next_fire_ms);
    } else {
      query->bind_null(3);
    }
    if (auto moved = query->run(); !moved) return std::unexpected(moved.error());
    return true;
  });
}

Result<std::vector<ScheduleFire>> SqliteScheduleTable::fires(std::string_view bucket,
                                                             std::string_view name, size_t limit) {
  std::vector<ScheduleFire> fires;
  if (limit == 0) return fires;
  std::lock_guard lock(mutex_);
  auto query = connection_.query(kFires);
  if (!query) return std::unexpected(query.error());
  query->bind_text(1, bucket).bind_text(2, name).bind_int64(3, sql_limit(limit));
  while (true) {
    auto row = query->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return fires;
    ScheduleFire fire;
    fire.fire_ms = query->column_int64(0);
    fire.outcome = query->column_bytes(1);
    if (!query->column_is_null(2)) fire.job_id = query->column_bytes(2);
    fire.recorded_ms = query->column_int64(3);
    fires.push_back(std::move(fire));
  }
}

Result<uint64_t> SqliteScheduleTable::remove_fires_before(int64_t before_ms, size_t limit) {
  if (limit == 0) return 0;
  std::lock_guard lock(mutex_);
  return in_write_transaction(connection_, [&]() -> Result<uint64_t> {
    {
      auto query = connection_.query(kRemoveFiresBefore);
      if (!query) return std::unexpected(query.error());
      query->bind_int64(1, before_ms).bind_int64(2, sql_limit(limit));
      if (auto done = query->run(); !done) return std::unexpected(done.error());
    }
    auto query = connection_.query(kChanges);
    if (!query) return std::unexpected(query.error());
    auto row = query->step();
    if (!row) return std::unexpected(row.error());
    return static_cast<uint64_t>(*row ? query->column_int64(0) : 0);
  });
}

Result<void> SqliteScheduleTable::remove_bucket(std::string_view bucket) {
  std::lock_guard lock(mutex_);
  return in_write_transaction(connection_, [&]() -> Result<void> {
    for (const std::string* sql : {&kRemoveBucketFires, &kRemoveBucketSchedules}) {
      auto query = connection_.query(*sql);
      if (!query) return std::unexpected(query.error());
      if (auto removed = query->bind_text(1, bucket).run(); !removed) return removed;
    }
    return {};
  });
}

}  // namespace wasmfaas::state
