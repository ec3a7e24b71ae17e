#include "state/postgres/postgres_schedule_table.h"

#include <algorithm>
#include <limits>

#include "state/postgres/postgres_job_rows.h"

namespace wasmfaas::state {
namespace {

using Retry = PgConnectionPool::Retry;

// A ScheduleRecord's columns, in the order decode_schedule reads them.
const std::string kColumns =
    "bucket, name, cron, timezone, function, input, allow_overlap, catch_up, paused, created_ms,"
    " updated_ms, next_fire_ms";

const PgStatement kPut{
    "wasmfaas_schedules_put",
    "INSERT INTO wasmfaas_schedules (" + kColumns +
        ") VALUES ($1::text, $2::text, $3::text, $4::text, $5::text, $6::bytea, $7::boolean,"
        " $8::boolean, $9::boolean, $10::bigint, $11::bigint, $12::bigint)"
        " ON CONFLICT (bucket, name) DO UPDATE SET cron = excluded.cron,"
        " timezone = excluded.timezone, function = excluded.function, input = excluded.input,"
        " allow_overlap = excluded.allow_overlap, catch_up = excluded.catch_up,"
        " paused = excluded.paused, updated_ms = excluded.updated_ms,"
        " next_fire_ms = excluded.next_fire_ms"};

const PgStatement kGet{
    "wasmfaas_schedules_get",
    "SELECT " + kColumns + " FROM wasmfaas_schedules WHERE bucket = $1::text AND name = $2::text"};

const PgStatement kList{
    "wasmfaas_schedules_list",
    "SELECT " + kColumns + " FROM wasmfaas_schedules WHERE bucket = $1::text ORDER BY name"};

const PgStatement kRemove{
    "wasmfaas_schedules_remove",
    "WITH fires AS (DELETE FROM wasmfaas_schedule_fires"
    "   WHERE bucket = $1::text AND name = $2::text),"
    " removed AS (DELETE FROM wasmfaas_schedules WHERE bucket = $1::text AND name = $2::text"
    "   RETURNING 1)"
    " SELECT count(*) FROM removed"};

// A paused schedule has no next tick, whatever $4 says.
const PgStatement kSetPaused{
    "wasmfaas_schedules_set_paused",
    "UPDATE wasmfaas_schedules SET paused = $3::boolean,"
    " next_fire_ms = CASE WHEN $3::boolean THEN NULL ELSE $4::bigint END, updated_ms = $5::bigint"
    " WHERE bucket = $1::text AND name = $2::text RETURNING " +
        kColumns};

const PgStatement kDue{
    "wasmfaas_schedules_due",
    "SELECT " + kColumns +
        " FROM wasmfaas_schedules WHERE NOT paused AND next_fire_ms <= $1::bigint"
        " ORDER BY next_fire_ms LIMIT $2::bigint"};

// The job's parameters ($10 to $23) are ignored unless $9 (submit) is true.
const PgStatement kFire{"wasmfaas_schedules_fire",
                        "SELECT wasmfaas_schedules_fire($1::text, $2::text, $3::bigint, $4::bigint,"
                        " $5::bigint, $6::text, $7::text, $8::bigint, $9::boolean, " +
                            new_job_placeholders(10) + ")"};

const PgStatement kFires{"wasmfaas_schedules_fires",
                         "SELECT fire_ms, outcome, job_id, recorded_ms FROM wasmfaas_schedule_fires"
                         " WHERE bucket = $1::text AND name = $2::text"
                         " ORDER BY fire_ms DESC LIMIT $3::bigint"};

const PgStatement kRemoveFiresBefore{
    "wasmfaas_schedules_remove_fires_before",
    "WITH old AS (SELECT bucket, name, fire_ms FROM wasmfaas_schedule_fires"
    "   WHERE fire_ms < $1::bigint ORDER BY fire_ms LIMIT $2::bigint),"
    " removed AS (DELETE FROM wasmfaas_schedule_fires f USING old"
    "   WHERE f.bucket = old.bucket AND f.name = old.name AND f.fire_ms = old.fire_ms"
    "   RETURNING 1)"
    " SELECT count(*) FROM removed"};

const PgStatement kRemoveBucket{
    "wasmfaas_schedules_remove_bucket",
    "WITH fires AS (DELETE FROM wasmfaas_schedule_fires WHERE bucket = $1::text)"
    " DELETE FROM wasmfaas_schedules WHERE bucket = $1::text"};

ScheduleRecord decode_schedule(const PgRows& rows, int row) {
  ScheduleRecord schedule;
  schedule.bucket = rows.bytes(row, 0);
  schedule.name = rows.bytes(row, 1);
  schedule.cron = rows.bytes(row, 2);
  schedule.timezone = rows.bytes(row, 3);
  schedule.function = rows.bytes(row, 4);
  schedule.input = rows.bytes(row, 5);
  schedule.allow_overlap = rows.boolean(row, 6);
  schedule.catch_up = rows.boolean(row, 7);
  schedule.paused = rows.boolean(row, 8);
  schedule.created_ms = rows.int64(row, 9);
  schedule.updated_ms = rows.int64(row, 10);
  if (!rows.is_null(row, 11)) schedule.next_fire_ms = rows.int64(row, 11);
  return schedule;
}

int64_t clamp(size_t value) {
  constexpr auto max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  return static_cast<int64_t>(std::min<uint64_t>(value, max));
}

}  // namespace

Result<std::vector<ScheduleRecord>> PostgresScheduleTable::schedules(Retry retry,
                                                                     const PgStatement& statement,
                                                                     const PgParams& params) {
  auto rows = pool_.run(
      retry, [&](PgConnection& connection) { return connection.execute(statement, params); });
  if (!rows) return std::unexpected(rows.error());
  std::vector<ScheduleRecord> found;
  found.reserve(static_cast<size_t>(rows->size()));
  for (int row = 0; row < rows->size(); ++row) found.push_back(decode_schedule(*rows, row));
  return found;
}

Result<void> PostgresScheduleTable::put(const ScheduleRecord& schedule) {
  PgParams params;
  params.text(schedule.bucket)
      .text(schedule.name)
      .text(schedule.cron)
      .text(schedule.timezone)
      .text(schedule.function)
      .text(schedule.input)
      .boolean(schedule.allow_overlap)
      .boolean(schedule.catch_up)
      .boolean(schedule.paused)
      .int64(schedule.created_ms)
      .int64(schedule.updated_ms)
      .optional_int64(schedule.next_fire_ms);
  auto rows = pool_.run(Retry::kOnce,
                        [&](PgConnection& connection) { return connection.execute(kPut, params); });
  if (!rows) return std::unexpected(rows.error());
  return {};
}

Result<std::optional<ScheduleRecord>> PostgresScheduleTable::get(std::string_view bucket,
                                                                 std::string_view name) {
  auto found = schedules(Retry::kOnce, kGet, PgParams().text(bucket).text(name));
  if (!found) return std::unexpected(found.error());
  if (found->empty()) return std::nullopt;
  return std::move(found->front());
}

Result<std::vector<ScheduleRecord>> PostgresScheduleTable::list(std::string_view bucket) {
  return schedules(Retry::kOnce, kList, PgParams().text(bucket));
}

Result<bool> PostgresScheduleTable::remove(std::string_view bucket, std::string_view name) {
  // Run twice, it would find nothing and say false.
  auto rows = pool_.run(Retry::kNever, [&](PgConnection& connection) {
    return connection.execute(kRemove, PgParams().text(bucket).text(name));
  });
  if (!rows) return std::unexpected(rows.error());
  return rows->int64(0, 0) > 0;
}

Result<std::optional<ScheduleRecord>> PostgresScheduleTable::set_paused(
    std::string_view bucket, std::string_view name, bool paused,
    std::optional<int64_t> next_fire_ms, int64_t now_ms) {
  auto found = schedules(Retry::kOnce, kSetPaused,
                         PgParams()
                             .text(bucket)
                             .text(name)
                             .boolean(paused)
                             .optional_int64(next_fire_ms)
                             .int64(now_ms));
  if (!found) return std::unexpected(found.error());
  if (found->empty()) return std::nullopt;
  return std::move(found->front());
}

Result<std::vector<ScheduleRecord>> PostgresScheduleTable::due(int64_t now_ms, size_t limit) {
  if (limit == 0) return std::vector<ScheduleRecord>{};
  return schedules(Retry::kOnce, kDue, PgParams().int64(now_ms).int64(clamp(limit)));
}

Result<bool> PostgresScheduleTable::fire(std::string_view bucket, std::string_view name,
                                         int64_t expected_next_ms,
                                         std::optional<int64_t> next_fire_ms,
                                         const ScheduleFire& fire,
                                         const std::optional<NewJob>& job) {
  PgParams params;
  params.text(bucket)
      .text(name)
      .int64(expected_next_ms)
      .optional_int64(next_fire_ms)
      .int64(fire.fire_ms)
      .text(fire.outcome)
      .optional_text(fire.job_id)
      .int64(fire.recorded_ms)
      .boolean(job.has_value());
  const NewJob no_job;  // parameters the function ignores (they must outlive the call)
  add_new_job(params, job ? *job : no_job);
  // Run twice, it would find the tick recorded and say false.
  auto rows = pool_.run(
      Retry::kNever, [&](PgConnection& connection) { return connection.execute(kFire, params); });
  if (!rows) return std::unexpected(rows.error());
  return rows->size() > 0 && rows->boolean(0, 0);
}

Result<std::vector<ScheduleFire>> PostgresScheduleTable::fires(std::string_view bucket,
                                                               std::string_view name,
                                                               size_t limit) {
  std::vector<ScheduleFire> found;
  if (limit == 0) return found;
  auto rows = pool_.run(Retry::kOnce, [&](PgConnection& connection) {
    return connection.execute(kFires, PgParams().text(bucket).text(name).int64(clamp(limit)));
  });
  if (!rows) return std::unexpected(rows.error());
  for (int row = 0; row < rows->size(); ++row) {
    ScheduleFire fire;
    fire.fire_ms = rows->int64(row, 0);
    fire.outcome = rows->bytes(row, 1);
    if (!rows->is_null(row, 2)) fire.job_id = std::string(rows->bytes(row, 2));
    fire.recorded_ms = rows->int64(row, 3);
    found.push_back(std::move(fire));
  }
  return found;
}

Result<uint64_t> PostgresScheduleTable::remove_fires_before(int64_t before_ms, size_t limit) {
  if (limit == 0) return uint64_t{0};
  auto rows = pool_.run(Retry::kNever, [&](PgConnection& connection) {
    return connection.execute(kRemoveFiresBefore, PgParams().int64(before_ms).int64(clamp(limit)));
  });
  if (!rows) return std::unexpected(rows.error());
  return static_cast<uint64_t>(rows->int64(0, 0));
}

Result<void> PostgresScheduleTable::remove_bucket(std::string_view bucket) {
  auto rows = pool_.run(Retry::kOnce, [&](PgConnection& connection) {
    return connection.execute(kRemoveBucket, PgParams().text(bucket));
  });
  if (!rows) return std::unexpected(rows.error());
  return {};
}

}  // namespace wasmfaas::state
