#include "state/sqlite/sqlite_job_rows.h"

#include <limits>

namespace wasmfaas::state {
namespace {

const std::string kInsertJob =
    "INSERT INTO wasmfaas_jobs (id, bucket, key, version, input, idempotency_key, callback_url,"
    " source, max_attempts, backoff_initial_ms, backoff_max_ms, created_ms, run_at_ms,"
    " expires_at_ms, status, attempts, updated_ms, lease_until_ms, callback_state,"
    " callback_attempts, callback_due_ms, callback_lease_until_ms)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 'queued', 0, ?12, 0,"
    " 'none', 0, 0, 0) RETURNING " +
    std::string(kSqliteJobColumns);

std::optional<std::string> optional_bytes(const SqliteQuery& query, int index) {
  if (query.column_is_null(index)) return std::nullopt;
  return query.column_bytes(index);
}

std::optional<int64_t> optional_int64(const SqliteQuery& query, int index) {
  if (query.column_is_null(index)) return std::nullopt;
  return query.column_int64(index);
}

uint32_t column_uint32(const SqliteQuery& query, int index) {
  return static_cast<uint32_t>(query.column_int64(index));
}

}  // namespace

Result<JobRecord> job_from_row(const SqliteQuery& query) {
  JobRecord record;
  NewJob& job = record.job;
  job.id = query.column_bytes(0);
  job.bucket = query.column_bytes(1);
  job.key = query.column_bytes(2);
  job.version = optional_bytes(query, 3);
  job.input = query.column_bytes(4);
  job.idempotency_key = optional_bytes(query, 5);
  job.callback_url = optional_bytes(query, 6);
  job.source = query.column_bytes(7);
  job.max_attempts = column_uint32(query, 8);
  job.backoff_initial_ms = query.column_int64(9);
  job.backoff_max_ms = query.column_int64(10);
  job.created_ms = query.column_int64(11);
  job.run_at_ms = query.column_int64(12);
  job.expires_at_ms = query.column_int64(13);
  const auto status = parse_job_status(query.column_bytes(14));
  if (!status) {
    return make_error(ErrorCode::kInternal, "state database: job " + job.id +
                                                " has an unknown status '" +
                                                query.column_bytes(14) + "'");
  }
  record.status = *status;
  record.attempts = column_uint32(query, 15);
  record.updated_ms = query.column_int64(16);
  record.started_ms = optional_int64(query, 17);
  record.finished_ms = optional_int64(query, 18);
  record.lease_owner = optional_bytes(query, 19);
  record.lease_until_ms = query.column_int64(20);
  record.version_ran = optional_bytes(query, 21);
  record.output = optional_bytes(query, 22);
  record.error_code = optional_bytes(query, 23);
  record.error_message = optional_bytes(query, 24);
  const auto callback_state = parse_callback_state(query.column_bytes(25));
  if (!callback_state) {
    return make_error(ErrorCode::kInternal, "state database: job " + job.id +
                                                " has an unknown callback state '" +
                                                query.column_bytes(25) + "'");
  }
  record.callback_state = *callback_state;
  record.callback_attempts = column_uint32(query, 26);
  record.callback_due_ms = query.column_int64(27);
  record.callback_result = optional_bytes(query, 28);
  return record;
}

Result<std::vector<JobRecord>> read_jobs(SqliteQuery& query) {
  std::vector<JobRecord> jobs;
  while (true) {
    auto row = query.step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return jobs;
    auto job = job_from_row(query);
    if (!job) return std::unexpected(job.error());
    jobs.push_back(std::move(*job));
  }
}

Result<JobRecord> insert_job(SqliteConnection& connection, const NewJob& job) {
  auto query = connection.query(kInsertJob);
  if (!query) return std::unexpected(query.error());
  query->bind_text(1, job.id).bind_text(2, job.bucket).bind_text(3, job.key);
  bind_optional_text(*query, 4, job.version);
  query->bind_blob(5, job.input);
  bind_optional_text(*query, 6, job.idempotency_key);
  bind_optional_text(*query, 7, job.callback_url);
  query->bind_text(8, job.source)
      .bind_int64(9, job.max_attempts)
      .bind_int64(10, job.backoff_initial_ms)
      .bind_int64(11, job.backoff_max_ms)
      .bind_int64(12, job.created_ms)
      .bind_int64(13, job.run_at_ms)
      .bind_int64(14, job.expires_at_ms);
  auto jobs = read_jobs(*query);
  if (!jobs) return std::unexpected(jobs.error());
  if (jobs->size() != 1) {
    return make_error(ErrorCode::kInternal, "state database: storing job " + job.id + " returned " +
                                                std::to_string(jobs->size()) + " rows");
  }
  return std::move(jobs->front());
}

void bind_optional_text(SqliteQuery& query, int index, const std::optional<std::string>& text) {
  if (text) {
    query.bind_text(index, *text);
  } else {
    query.bind_null(index);
  }
}

void bind_optional_blob(SqliteQuery& query, int index, const std::optional<std::string>& bytes) {
  if (bytes) {
    query.bind_blob(index, *bytes);
  } else {
    query.bind_null(index);
  }
}

int64_t sql_limit(size_t count) {
  constexpr auto kMax = static_cast<size_t>(std::numeric_limits<int64_t>::max());
  return count < kMax ? static_cast<int64_t>(count) : std::numeric_limits<int64_t>::max();
}

}  // namespace wasmfaas::state
