#pragma once
// What the SQLite job queue and schedule table share: a wasmfaas_jobs row
// read as a JobRecord, and a new job's insertion. These run on the caller's
// connection, inside its transaction, with its mutex held.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "state/job_queue.h"
#include "state/sqlite/sqlite_connection.h"

namespace wasmfaas::state {

// The columns job_from_row reads, in its order, for "SELECT <this> FROM
// wasmfaas_jobs" and "RETURNING <this>".
// (A constant expression: other files' static SQL strings may use it.)
inline constexpr std::string_view kSqliteJobColumns =
    "id, bucket, key, version, input, idempotency_key, callback_url, source, max_attempts,"
    " backoff_initial_ms, backoff_max_ms, created_ms, run_at_ms, expires_at_ms, status, attempts,"
    " updated_ms, started_ms, finished_ms, lease_owner, lease_until_ms, version_ran, output,"
    " error_code, error_message, callback_state, callback_attempts, callback_due_ms,"
    " callback_result";

// The job of the current row of a query selecting kSqliteJobColumns.
Result<JobRecord> job_from_row(const SqliteQuery& query);

// Steps through `query` (selecting kSqliteJobColumns) to its end.
Result<std::vector<JobRecord>> read_jobs(SqliteQuery& query);

// Stores `job` queued (attempts 0, no callback yet) and returns it as stored.
Result<JobRecord> insert_job(SqliteConnection& connection, const NewJob& job);

// Binds `text` (as text or blob) or NULL.
void bind_optional_text(SqliteQuery& query, int index, const std::optional<std::string>& text);
void bind_optional_blob(SqliteQuery& query, int index, const std::optional<std::string>& bytes);

// `count` (a size_t limit) as an SQL LIMIT.
int64_t sql_limit(size_t count);

}  // namespace wasmfaas::state
