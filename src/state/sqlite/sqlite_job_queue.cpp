#include "state/sqlite/sqlite_job_queue.h"

#include <limits>

#include "state/sqlite/sqlite_job_rows.h"
#include "state/sqlite/sqlite_transaction.h"

namespace wasmfaas::state {
namespace {

const std::string kColumns(kSqliteJobColumns);

const std::string kSelectJob = "SELECT " + kColumns + " FROM wasmfaas_jobs WHERE id = ?1";
// The newest job of a bucket with an idempotency key created since ?3.
const std::string kSelectIdempotent = "SELECT " + kColumns +
                                      " FROM wasmfaas_jobs WHERE bucket = ?1 AND"
                                      " idempotency_key = ?2 AND created_ms >= ?3"
                                      " ORDER BY created_ms DESC LIMIT 1";

// Due jobs: queued ones whose run_at came, running ones whose lease ended.
// Each half is a range of its partial index (wasmfaas_jobs_due,
// wasmfaas_jobs_lease). lease() picks the rowids first and then updates each
// by rowid: an UPDATE ... WHERE rowid IN (subquery) would build an ephemeral
// table on every call, several times the cost of the rest.
const std::string kAnyDueJob =
    "SELECT 1 FROM wasmfaas_jobs WHERE status = 'queued' AND run_at_ms <= ?1"
    " UNION ALL SELECT 1 FROM wasmfaas_jobs WHERE status = 'running' AND lease_until_ms < ?1"
    " LIMIT 1";
const std::string kDueJobs =
    "SELECT job FROM ("
    " SELECT job, run_at_ms FROM (SELECT rowid AS job, run_at_ms FROM wasmfaas_jobs"
    "   WHERE status = 'queued' AND run_at_ms <= ?1 ORDER BY run_at_ms LIMIT ?2)"
    " UNION ALL"
    " SELECT job, run_at_ms FROM (SELECT rowid AS job, run_at_ms FROM wasmfaas_jobs"
    "   WHERE status = 'running' AND lease_until_ms < ?1 ORDER BY run_at_ms LIMIT ?2))"
    " ORDER BY run_at_ms LIMIT ?2";
const std::string kLeaseJob =
    "UPDATE wasmfaas_jobs SET status = 'running', attempts = attempts + 1, started_ms = ?1,"
    " updated_ms = ?1, lease_owner = ?2, lease_until_ms = ?3 WHERE rowid = ?4 RETURNING " +
    kColumns;

const std::string kRenew =
    "UPDATE wasmfaas_jobs SET lease_until_ms = ?3"
    " WHERE id = ?1 AND status = 'running' AND lease_owner = ?2 RETURNING 1";

// ?4 the new status, ?5 now, ?6 run_at, ?7 version_ran, ?8 output, ?9 and
// ?10 the error (replacing the kept one when ?11), ?12 whether ?4 is final.
const std::string kFinish =
    "UPDATE wasmfaas_jobs SET status = ?4, updated_ms = ?5,"
    " run_at_ms = CASE WHEN ?12 THEN run_at_ms ELSE ?6 END,"
    " finished_ms = CASE WHEN ?12 THEN ?5 ELSE NULL END,"
    " lease_owner = NULL, lease_until_ms = 0,"
    " version_ran = coalesce(?7, version_ran), output = ?8,"
    " error_code = CASE WHEN ?11 THEN ?9 ELSE error_code END,"
    " error_message = CASE WHEN ?11 THEN ?10 ELSE error_message END,"
    " callback_state = CASE WHEN ?12 AND callback_url IS NOT NULL THEN 'pending'"
    "   ELSE callback_state END,"
    " callback_due_ms = CASE WHEN ?12 AND callback_url IS NOT NULL THEN ?5"
    "   ELSE callback_due_ms END"
    " WHERE id = ?1 AND status = 'running' AND lease_owner = ?2 AND attempts = ?3"
    " RETURNING 1";

const std::string kCancel =
    "UPDATE wasmfaas_jobs SET status = 'cancelled', finished_ms = ?2, updated_ms = ?2"
    " WHERE id = ?1 AND status = 'queued'";
const std::string kRequeue =
    "UPDATE wasmfaas_jobs SET status = 'queued', attempts = 0, run_at_ms = ?2,"
    " expires_at_ms = ?3, updated_ms = ?2, finished_ms = NULL, output = NULL,"
    " error_code = NULL, error_message = NULL, lease_owner = NULL, lease_until_ms = 0,"
    " callback_state = 'none', callback_attempts = 0, callback_due_ms = 0,"
    " callback_result = NULL, callback_lease_owner = NULL, callback_lease_until_ms = 0"
    " WHERE id = ?1 AND status IN ('failed', 'dead')";

// A range of wasmfaas_jobs_finished (only final jobs have a finished_ms; the
// status test, which no index serves, is a safeguard).
const std::string kRemoveFinished =
    "DELETE FROM wasmfaas_jobs WHERE rowid IN (SELECT rowid FROM wasmfaas_jobs"
    " WHERE finished_ms < ?1 AND status NOT IN ('queued', 'running')"
    " ORDER BY finished_ms LIMIT ?2)";

// Due callbacks: pending, due, and not leased to anyone whose lease lasts (a
// range of wasmfaas_jobs_callbacks, which covers the test).
const std::string kAnyDueCallback =
    "SELECT 1 FROM wasmfaas_jobs WHERE callback_state = 'pending' AND callback_due_ms <= ?1"
    " AND callback_lease_until_ms < ?1 LIMIT 1";
const std::string kDueCallbacks =
    "SELECT rowid FROM wasmfaas_jobs WHERE callback_state = 'pending' AND callback_due_ms <= ?1"
    " AND callback_lease_until_ms < ?1 ORDER BY callback_due_ms LIMIT ?2";
const std::string kLeaseCallback =
    "UPDATE wasmfaas_jobs SET callback_attempts = callback_attempts + 1,"
    " callback_lease_owner = ?2, callback_lease_until_ms = ?3 WHERE rowid = ?4 RETURNING " +
    kColumns;
const std::string kFinishCallback =
    "UPDATE wasmfaas_jobs SET callback_state = ?3,"
    " callback_due_ms = CASE WHEN ?3 = 'pending' THEN ?4 ELSE callback_due_ms END,"
    " callback_result = ?5, callback_lease_owner = NULL, callback_lease_until_ms = 0"
    " WHERE id = ?1 AND callback_state = 'pending' AND callback_lease_owner = ?2 RETURNING 1";

// The counts the triggers of wasmfaas_job_counts keep, and a range of
// wasmfaas_jobs_due, in one snapshot.
const std::string kStats =
    "SELECT (SELECT jobs FROM wasmfaas_job_counts WHERE status = 'queued'),"
    " (SELECT jobs FROM wasmfaas_job_counts WHERE status = 'running'),"
    " (SELECT jobs FROM wasmfaas_job_counts WHERE status = 'succeeded'),"
    " (SELECT jobs FROM wasmfaas_job_counts WHERE status = 'failed'),"
    " (SELECT jobs FROM wasmfaas_job_counts WHERE status = 'dead'),"
    " (SELECT jobs FROM wasmfaas_job_counts WHERE status = 'cancelled'),"
    " (SELECT min(run_at_ms) FROM wasmfaas_jobs WHERE status = 'queued' AND run_at_ms <= ?1)";

const std::string kRemoveBucket = "DELETE FROM wasmfaas_jobs WHERE bucket = ?1";
const std::string kChanges = "SELECT changes()";

// list: one statement per combination of filters; with a bucket, each walks
// a range of one index (wasmfaas_jobs_by_bucket, _by_key, _by_status) from
// the newest id, so a page reads about `limit` rows.
std::string list_sql(const JobFilter& filter, bool after_cursor) {
  std::string sql = "SELECT " + kColumns + " FROM wasmfaas_jobs WHERE 1";
  if (filter.bucket) sql += " AND bucket = ?1";
  if (filter.key) sql += " AND key = ?2";
  if (filter.status) sql += " AND status = ?3";
  if (after_cursor) sql += " AND id < ?4";
  return sql + " ORDER BY id DESC LIMIT ?5";
}

std::string purge_sql(const JobFilter& filter) {
  std::string sql = "DELETE FROM wasmfaas_jobs WHERE status = ?1";
  if (filter.bucket) sql += " AND bucket = ?2";
  if (filter.key) sql += " AND key = ?3";
  return sql;
}

}  // namespace

Result<std::optional<JobRecord>> SqliteJobQueue::read_job(std::string_view id) {
  auto query = connection_.query(kSelectJob);
  if (!query) return std::unexpected(query.error());
  query->bind_text(1, id);
  auto jobs = read_jobs(*query);
  if (!jobs) return std::unexpected(jobs.error());
  if (jobs->empty()) return std::nullopt;
  return std::move(jobs->front());
}

Result<bool> SqliteJobQueue::any_row(const std::string& sql, int64_t now_ms) {
  auto query = connection_.query(sql);
  if (!query) return std::unexpected(query.error());
  return query->bind_int64(1, now_ms).step();
}

Result<uint64_t> SqliteJobQueue::changes() {
  auto query = connection_.query(kChanges);
  if (!query) return std::unexpected(query.error());
  auto row = query->step();
  if (!row) return std::unexpected(row.error());
  return static_cast<uint64_t>(*row ? query->column_int64(0) : 0);
}

Result<SubmittedJob> SqliteJobQueue::submit(const NewJob& job, int64_t idempotency_since_ms) {
  std::lock_guard lock(mutex_);
  return in_write_transaction(connection_, [&]() -> Result<SubmittedJob> {
    if (job.idempotency_key) {
      auto query = connection_.query(kSelectIdempotent);
      if (!query) return std::unexpected(query.error());
      query->bind_text(1, job.bucket).bind_text(2, *job.idempotency_key);
      query->bind_int64(3, idempotency_since_ms);
      auto earlier = read_jobs(*query);
      if (!earlier) return std::unexpected(earlier.error());
      if (!earlier->empty()) return SubmittedJob{std::move(earlier->front()), false};
    }
    auto stored = insert_job(connection_, job);
    if (!stored) return std::unexpected(stored.error());
    return SubmittedJob{std::move(*stored), true};
  });
}

Result<std::optional<JobRecord>> SqliteJobQueue::get(std::string_view id) {
  std::lock_guard lock(mutex_);
  return read_job(id);
}

Result<JobPage> SqliteJobQueue::list(const JobFilter& filter,
                                     const std::optional<std::string>& cursor, size_t limit) {
  if (limit == 0) return make_error(ErrorCode::kInvalidArgument, "listing jobs needs a limit >= 1");
  std::lock_guard lock(mutex_);
  auto query = connection_.query(list_sql(filter, cursor.has_value()));
  if (!query) return std::unexpected(query.error());
  if (filter.bucket) query->bind_text(1, *filter.bucket);
  if (filter.key) query->bind_text(2, *filter.key);
  if (filter.status) query->bind_text(3, job_status_name(*filter.status));
  if (cursor) query->bind_text(4, *cursor);
  // One more than the page, to know whether another page follows.
  query->bind_int64(5, sql_limit(limit < std::numeric_limits<size_t>::max() ? limit + 1 : limit));
  auto jobs = read_jobs(*query);
  if (!jobs) return std::unexpected(jobs.error());
  JobPage page;
  if (jobs->size() > limit) {
    jobs->resize(limit);
    page.next_cursor = jobs->back().job.id;
  }
  page.jobs = std::move(*jobs);
  return page;
}

Result<std::vector<JobRecord>> SqliteJobQueue::take(const std::string& pick,
                                                    const std::string& update, const Lease& lease,
                                                    size_t limit) {
  return in_write_transaction(connection_, [&]() -> Result<std::vector<JobRecord>> {
    std::vector<int64_t> rows;
    {
      auto query = connection_.query(pick);
      if (!query) return std::unexpected(query.error());
      query->bind_int64(1, lease.now_ms).bind_int64(2, sql_limit(limit));
      while (true) {
        auto row = query->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        rows.push_back(query->column_int64(0));
      }
    }
    std::vector<JobRecord> taken;
    for (int64_t row : rows) {
      auto query = connection_.query(update);
      if (!query) return std::unexpected(query.error());
      query->bind_int64(1, lease.now_ms).bind_text(2, lease.owner).bind_int64(3, lease.until_ms);
      query->bind_int64(4, row);
      auto jobs = read_jobs(*query);
      if (!jobs) return std::unexpected(jobs.error());
      for (auto& job : *jobs) taken.push_back(std::move(job));
    }
    return taken;
  });
}

Result<std::vector<JobRecord>> SqliteJobQueue::lease(const Lease& lease, size_t limit) {
  if (limit == 0) return std::vector<JobRecord>{};
  std::lock_guard lock(mutex_);
  auto any = any_row(kAnyDueJob, lease.now_ms);
  if (!any) return std::unexpected(any.error());
  if (!*any) return std::vector<JobRecord>{};
  return take(kDueJobs, kLeaseJob, lease, limit);
}

Result<std::vector<std::string>> SqliteJobQueue::renew(std::string_view owner,
                                                       const std::vector<std::string>& ids,
                                                       int64_t until_ms) {
  if (ids.empty()) return std::vector<std::string>{};
  std::lock_guard lock(mutex_);
  return in_write_transaction(connection_, [&]() -> Result<std::vector<std::string>> {
    std::vector<std::string> lost;
    for (const auto& id : ids) {
      auto query = connection_.query(kRenew);
      if (!query) return std::unexpected(query.error());
      query->bind_text(1, id).bind_text(2, owner).bind_int64(3, until_ms);
      auto renewed = query->step();
      if (!renewed) return std::unexpected(renewed.error());
      if (auto done = query->run(); !done) return std::unexpected(done.error());
      if (!*renewed) lost.push_back(id);
    }
    return lost;
  });
}

Result<bool> SqliteJobQueue::finish(std::string_view id, std::string_view owner, uint32_t attempt,
                                    const AttemptOutcome& outcome) {
  if (outcome.status == JobStatus::kRunning || outcome.status == JobStatus::kCancelled) {
    return make_error(ErrorCode::kInvalidArgument,
                      "an attempt cannot end as " + std::string(job_status_name(outcome.status)));
  }
  const bool final_status = is_final(outcome.status);
  const bool has_error = outcome.error_code || outcome.error_message;
  std::lock_guard lock(mutex_);
  return in_write_transaction(connection_, [&]() -> Result<bool> {
    auto query = connection_.query(kFinish);
    if (!query) return std::unexpected(query.error());
    query->bind_text(1, id).bind_text(2, owner).bind_int64(3, attempt);
    query->bind_text(4, job_status_name(outcome.status)).bind_int64(5, outcome.now_ms);
    query->bind_int64(6, outcome.run_at_ms);
    bind_optional_text(*query, 7, outcome.version_ran);
    bind_optional_blob(*query, 8, outcome.output);
    bind_optional_text(*query, 9, outcome.error_code);
    bind_optional_text(*query, 10, outcome.error_message);
    query->bind_int64(11, has_error ? 1 : 0).bind_int64(12, final_status ? 1 : 0);
    auto finished = query->step();
    if (!finished) return finished;
    if (auto done = query->run(); !done) return std::unexpected(done.error());
    return *finished;
  });
}

Result<std::optional<JobRecord>> SqliteJobQueue::cancel(std::string_view id, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  return in_write_transaction(connection_, [&]() -> Result<std::optional<JobRecord>> {
    auto query = connection_.query(kCancel);
    if (!query) return std::unexpected(query.error());
    if (auto done = query->bind_text(1, id).bind_int64(2, now_ms).run(); !done) {
      return std::unexpected(done.error());
    }
    return read_job(id);
  });
}

Result<std::optional<JobRecord>> SqliteJobQueue::requeue(std::string_view id, int64_t now_ms,
                                                         int64_t expires_at_ms) {
  std::lock_guard lock(mutex_);
  return in_write_transaction(connection_, [&]() -> Result<std::optional<JobRecord>> {
    auto query = connection_.query(kRequeue);
    if (!query) return std::unexpected(query.error());
    query->bind_text(1, id).bind_int64(2, now_ms).bind_int64(3, expires_at_ms);
    if (auto done = query->run(); !done) return std::unexpected(done.error());
    return read_job(id);
  });
}

Result<uint64_t> SqliteJobQueue::purge(const JobFilter& filter) {
  if (!filter.status || !is_final(*filter.status)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "purging jobs needs a final status (succeeded, failed, dead or cancelled)");
  }
  std::lock_guard lock(mutex_);
  return in_write_transaction(connection_, [&]() -> Result<uint64_t> {
    auto query = connection_.query(purge_sql(filter));
    if (!query) return std::unexpected(query.error());
    query->bind_text(1, job_status_name(*filter.status));
    if (filter.bucket) query->bind_text(2, *filter.bucket);
    if (filter.key) query->bind_text(3, *filter.key);
    if (auto done = query->run(); !done) return std::unexpected(done.error());
    return changes();
  });
}

Result<uint64_t> SqliteJobQueue::remove_finished_before(int64_t before_ms, size_t limit) {
  if (limit == 0) return 0;
  std::lock_guard lock(mutex_);
  return in_write_transaction(connection_, [&]() -> Result<uint64_t> {
    auto query = connection_.query(kRemoveFinished);
    if (!query) return std::unexpected(query.error());
    if (auto done = query->bind_int64(1, before_ms).bind_int64(2, sql_limit(limit)).run(); !done) {
      return std::unexpected(done.error());
    }
    return changes();
  });
}

Result<std::vector<JobRecord>> SqliteJobQueue::lease_callbacks(const Lease& lease, size_t limit) {
  if (limit == 0) return std::vector<JobRecord>{};
  std::lock_guard lock(mutex_);
  auto any = any_row(kAnyDueCallback, lease.now_ms);
  if (!any) return std::unexpected(any.error());
  if (!*any) return std::vector<JobRecord>{};
  return take(kDueCallbacks, kLeaseCallback, lease, limit);
}

Result<bool> SqliteJobQueue::finish_callback(std::string_view id, std::string_view owner,
                                             const CallbackOutcome& outcome) {
  if (outcome.state == CallbackState::kNone) {
    return make_error(ErrorCode::kInvalidArgument, "a callback attempt cannot end as none");
  }
  std::lock_guard lock(mutex_);
  return in_write_transaction(connection_, [&]() -> Result<bool> {
    auto query = connection_.query(kFinishCallback);
    if (!query) return std::unexpected(query.error());
    query->bind_text(1, id).bind_text(2, owner).bind_text(3, callback_state_name(outcome.state));
    query->bind_int64(4, outcome.due_ms);
    bind_optional_text(*query, 5, outcome.result);
    auto finished = query->step();
    if (!finished) return finished;
    if (auto done = query->run(); !done) return std::unexpected(done.error());
    return *finished;
  });
}

Result<QueueStats> SqliteJobQueue::stats(int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto query = connection_.query(kStats);
  if (!query) return std::unexpected(query.error());
  auto row = query->bind_int64(1, now_ms).step();
  if (!row) return std::unexpected(row.error());
  QueueStats stats;
  if (!*row) return stats;
  uint64_t* counts[] = {&stats.queued, &stats.running, &stats.succeeded,
                        &stats.failed, &stats.dead,    &stats.cancelled};
  for (int index = 0; index < 6; ++index) {
    *counts[index] = static_cast<uint64_t>(query->column_int64(index));
  }
  if (!query->column_is_null(6)) stats.oldest_due_ms = query->column_int64(6);
  return stats;
}

Result<void> SqliteJobQueue::remove_bucket(std::string_view bucket) {
  std::lock_guard lock(mutex_);
  return in_write_transaction(connection_, [&]() -> Result<void> {
    auto query = connection_.query(kRemoveBucket);
    if (!query) return std::unexpected(query.error());
    return query->bind_text(1, bucket).run();
  });
}

}  // namespace wasmfaas::state
