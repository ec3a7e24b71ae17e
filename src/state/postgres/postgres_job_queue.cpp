#include "state/postgres/postgres_job_queue.h"

#include <algorithm>
#include <array>
#include <limits>
#include <unordered_set>

#include "state/postgres/postgres_job_rows.h"

namespace wasmfaas::state {
namespace {

using Retry = PgConnectionPool::Retry;

int64_t clamp(size_t value) {
  constexpr auto max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  return static_cast<int64_t>(std::min<uint64_t>(value, max));
}

// One more than `limit`, to know whether another page follows.
int64_t one_more(size_t limit) {
  const int64_t clamped = clamp(limit);
  return clamped == std::numeric_limits<int64_t>::max() ? clamped : clamped + 1;
}

PgStatement statement(const char* name, std::string sql) {
  return PgStatement{name, std::move(sql)};
}

const PgStatement& submit_statement() {
  static const PgStatement made =
      statement("wasmfaas_jobs_submit",
                "SELECT s.created, " + job_columns("(s.job).") + " FROM wasmfaas_jobs_submit(" +
                    new_job_placeholders(1) + ", $15::bigint, $16::boolean) s");
  return made;
}

const PgStatement& get_statement() {
  static const PgStatement made = statement(
      "wasmfaas_jobs_get", "SELECT " + job_columns("") + " FROM wasmfaas_jobs WHERE id = $1::text");
  return made;
}

// list: one statement per combination of filters and cursor (bit 0:
// bucket, 1: key, 2: status, 3: cursor), planned for each execution: the
// best plan depends on how many jobs the bucket has.
const PgStatement& list_statement(int shape) {
  static const std::array<PgStatement, 16> statements = [] {
    std::array<PgStatement, 16> made;
    for (int shape = 0; shape < 16; ++shape) {
      std::string sql = "SELECT " + job_columns("") + " FROM wasmfaas_jobs WHERE true";
      int parameter = 0;
      auto next = [&] { return "$" + std::to_string(++parameter); };
      if (shape & 1) sql += " AND bucket = " + next() + "::text";
      if (shape & 2) sql += " AND key = " + next() + "::text";
      if (shape & 4) sql += " AND status = " + next() + "::text";
      if (shape & 8) sql += " AND id < " + next() + "::text";
      sql += " ORDER BY id DESC LIMIT " + next() + "::bigint";
      made[shape] = PgStatement{"wasmfaas_jobs_list", std::move(sql), /*plan_each_time=*/true};
    }
    return made;
  }();
  return statements[shape];
}

// lease and lease_callbacks: the time and the limit are subqueries,
// "(SELECT $2::bigint)", which the planner cannot see into, so a plan for
// given values costs what the generic plan costs and the plan cache keeps
// the generic one after its first 5 executions. With plain parameters a
// small limit makes each custom plan look cheaper, so every call would be
// planned again, and planning a queue table (its index starting with the
// dead entries of jobs just taken) costs more than the lease itself: about
// 0.6 to 1.1 ms instead of 0.2 with 100,000 jobs queued.
//
// lease locks up to $4 due queued jobs and up to $4 running ones whose
// lease ended (skipping rows another worker is locking), and leases the $4
// of them due first.
const PgStatement& lease_statement() {
  static const PgStatement made = statement(
      "wasmfaas_jobs_lease",
      "WITH queued AS (SELECT id, run_at_ms FROM wasmfaas_jobs"
      "   WHERE status = 'queued' AND run_at_ms <= (SELECT $2::bigint)"
      "   ORDER BY run_at_ms, id LIMIT (SELECT $4::bigint) FOR UPDATE SKIP LOCKED),"
      " expired AS (SELECT id, run_at_ms FROM wasmfaas_jobs"
      "   WHERE status = 'running' AND lease_until_ms < (SELECT $2::bigint)"
      "   ORDER BY lease_until_ms LIMIT (SELECT $4::bigint) FOR UPDATE SKIP LOCKED),"
      " picked AS (SELECT id FROM (SELECT * FROM queued UNION ALL SELECT * FROM expired) due"
      "   ORDER BY run_at_ms, id LIMIT (SELECT $4::bigint)),"
      " leased AS (UPDATE wasmfaas_jobs j SET status = 'running', lease_owner = $1::text,"
      "   lease_until_ms = $3::bigint, attempts = j.attempts + 1, started_ms = $2::bigint,"
      "   updated_ms = $2::bigint"
      "   FROM picked WHERE j.id = picked.id RETURNING j.*)"
      " SELECT " +
          job_columns("") + " FROM leased ORDER BY run_at_ms, id");
  return made;
}

const PgStatement kRenew{"wasmfaas_jobs_renew",
                         "UPDATE wasmfaas_jobs j SET lease_until_ms = $3::bigint"
                         " FROM unnest($2::text[]) AS r (id)"
                         " WHERE j.id = r.id AND j.status = 'running' AND j.lease_owner = $1::text"
                         " RETURNING j.id"};

// $4 the new status, $5 now, $6 run_at (queued), $7 version_ran, $8
// output, $9 and $10 the error.
const PgStatement kFinish{
    "wasmfaas_jobs_finish",
    "UPDATE wasmfaas_jobs j SET status = $4::text, updated_ms = $5::bigint,"
    " finished_ms = CASE WHEN $4::text = 'queued' THEN NULL ELSE $5::bigint END,"
    " run_at_ms = CASE WHEN $4::text = 'queued' THEN $6::bigint ELSE j.run_at_ms END,"
    " lease_owner = NULL, lease_until_ms = 0,"
    " version_ran = coalesce($7::text, j.version_ran),"
    " output = $8::bytea,"
    " error_code = CASE WHEN $9::text IS NULL AND $10::bytea IS NULL"
    "   THEN j.error_code ELSE $9::text END,"
    " error_message = CASE WHEN $9::text IS NULL AND $10::bytea IS NULL"
    "   THEN j.error_message ELSE $10::bytea END,"
    " callback_state = CASE WHEN $4::text <> 'queued' AND j.callback_url IS NOT NULL"
    "   THEN 'pending' ELSE j.callback_state END,"
    " callback_due_ms = CASE WHEN $4::text <> 'queued' AND j.callback_url IS NOT NULL"
    "   THEN $5::bigint ELSE j.callback_due_ms END"
    " WHERE j.id = $1::text AND j.status = 'running' AND j.lease_owner = $2::text"
    "   AND j.attempts = $3::bigint"
    " RETURNING 1"};

const PgStatement& cancel_statement() {
  static const PgStatement made =
      statement("wasmfaas_jobs_cancel",
                "SELECT " + job_columns("") + " FROM wasmfaas_jobs_cancel($1::text, $2::bigint)");
  return made;
}

const PgStatement& requeue_statement() {
  static const PgStatement made = statement(
      "wasmfaas_jobs_requeue", "SELECT " + job_columns("") +
                                   " FROM wasmfaas_jobs_requeue($1::text, $2::bigint, $3::bigint)");
  return made;
}

const PgStatement kPurge{"wasmfaas_jobs_purge",
                         "WITH removed AS (DELETE FROM wasmfaas_jobs WHERE status = $1::text"
                         "   AND ($2::text IS NULL OR bucket = $2::text)"
                         "   AND ($3::text IS NULL OR key = $3::text) RETURNING 1)"
                         " SELECT count(*) FROM removed",
                         /*plan_each_time=*/true};

const PgStatement kRemoveFinishedBefore{
    "wasmfaas_jobs_remove_finished_before",
    "WITH old AS (SELECT id FROM wasmfaas_jobs WHERE finished_ms < $1::bigint"
    "   AND status IN ('succeeded', 'failed', 'dead', 'cancelled')"
    "   ORDER BY finished_ms LIMIT $2::bigint FOR UPDATE SKIP LOCKED),"
    " removed AS (DELETE FROM wasmfaas_jobs j USING old WHERE j.id = old.id RETURNING 1)"
    " SELECT count(*) FROM removed"};

// Pending callbacks due and not held by a live lease (an unheld one has
// callback_lease_until_ms 0), oldest due first.
const PgStatement& lease_callbacks_statement() {
  static const PgStatement made = statement(
      "wasmfaas_jobs_lease_callbacks",
      "WITH picked AS (SELECT id FROM wasmfaas_jobs"
      "   WHERE callback_state = 'pending' AND callback_due_ms <= (SELECT $2::bigint)"
      "     AND callback_lease_until_ms < (SELECT $2::bigint)"
      "   ORDER BY callback_due_ms, id LIMIT (SELECT $4::bigint) FOR UPDATE SKIP LOCKED),"
      " leased AS (UPDATE wasmfaas_jobs j SET callback_lease_owner = $1::text,"
      "   callback_lease_until_ms = $3::bigint, callback_attempts = j.callback_attempts + 1"
      "   FROM picked WHERE j.id = picked.id RETURNING j.*)"
      " SELECT " +
          job_columns("") + " FROM leased ORDER BY callback_due_ms, id");
  return made;
}

const PgStatement kFinishCallback{
    "wasmfaas_jobs_finish_callback",
    "UPDATE wasmfaas_jobs SET callback_state = $3::text,"
    " callback_due_ms = CASE WHEN $3::text = 'pending' THEN $4::bigint ELSE callback_due_ms END,"
    " callback_result = $5::bytea, callback_lease_owner = NULL, callback_lease_until_ms = 0"
    " WHERE id = $1::text AND callback_state = 'pending' AND callback_lease_owner = $2::text"
    " RETURNING 1"};

const PgStatement kStats{"wasmfaas_jobs_stats",
                         "SELECT status, count(*) FROM wasmfaas_jobs GROUP BY status"
                         " UNION ALL SELECT 'oldest_due', min(run_at_ms) FROM wasmfaas_jobs"
                         "   WHERE status = 'queued' AND run_at_ms <= $1::bigint"};

const PgStatement kRemoveBucket{"wasmfaas_jobs_remove_bucket",
                                "DELETE FROM wasmfaas_jobs WHERE bucket = $1::text"};

Error invalid(std::string message) {
  return Error{ErrorCode::kInvalidArgument, std::move(message)};
}

}  // namespace

Result<std::vector<JobRecord>> PostgresJobQueue::jobs(Retry retry, const PgStatement& statement,
                                                      const PgParams& params) {
  auto rows = pool_.run(
      retry, [&](PgConnection& connection) { return connection.execute(statement, params); });
  if (!rows) return std::unexpected(rows.error());
  std::vector<JobRecord> records;
  records.reserve(static_cast<size_t>(rows->size()));
  for (int row = 0; row < rows->size(); ++row) records.push_back(decode_job(*rows, row, 0));
  return records;
}

Result<SubmittedJob> PostgresJobQueue::submit(const NewJob& job, int64_t idempotency_since_ms) {
  // Run again after a lost connection, it finds the job the first run may
  // have stored (by its idempotency key, or by its id).
  int runs = 0;
  auto rows = pool_.run(Retry::kOnce, [&](PgConnection& connection) {
    PgParams params;
    add_new_job(params, job);
    params.int64(idempotency_since_ms).boolean(++runs > 1);
    return connection.execute(submit_statement(), params);
  });
  if (!rows) return std::unexpected(rows.error());
  if (rows->size() != 1) {
    return make_error(ErrorCode::kInternal, "PostgreSQL state database: submit answered " +
                                                std::to_string(rows->size()) + " rows");
  }
  return SubmittedJob{decode_job(*rows, 0, 1), rows->boolean(0, 0)};
}

Result<std::optional<JobRecord>> PostgresJobQueue::get(std::string_view id) {
  auto found = jobs(Retry::kOnce, get_statement(), PgParams().text(id));
  if (!found) return std::unexpected(found.error());
  if (found->empty()) return std::nullopt;
  return std::move(found->front());
}

Result<JobPage> PostgresJobQueue::list(const JobFilter& filter,
                                       const std::optional<std::string>& cursor, size_t limit) {
  if (limit == 0) return std::unexpected(invalid("list needs a limit >= 1"));
  PgParams params;
  int shape = 0;
  if (filter.bucket) {
    shape |= 1;
    params.text(*filter.bucket);
  }
  if (filter.key) {
    shape |= 2;
    params.text(*filter.key);
  }
  if (filter.status) {
    shape |= 4;
    params.text(job_status_name(*filter.status));
  }
  if (cursor) {
    shape |= 8;
    params.text(*cursor);
  }
  params.int64(one_more(limit));
  auto found = jobs(Retry::kOnce, list_statement(shape), params);
  if (!found) return std::unexpected(found.error());
  JobPage page;
  if (found->size() > limit) {
    found->resize(limit);
    page.next_cursor = found->back().job.id;
  }
  page.jobs = std::move(*found);
  return page;
}

Result<std::vector<JobRecord>> PostgresJobQueue::lease(const Lease& lease, size_t limit) {
  if (limit == 0) return std::vector<JobRecord>{};
  // Never run twice: the first run's jobs would be leased to nobody who
  // knows, until their lease ends.
  return jobs(
      Retry::kNever, lease_statement(),
      PgParams().text(lease.owner).int64(lease.now_ms).int64(lease.until_ms).int64(clamp(limit)));
}

Result<std::vector<std::string>> PostgresJobQueue::renew(std::string_view owner,
                                                         const std::vector<std::string>& ids,
                                                         int64_t until_ms) {
  if (ids.empty()) return std::vector<std::string>{};
  const std::vector<std::string_view> views(ids.begin(), ids.end());
  auto rows = pool_.run(Retry::kOnce, [&](PgConnection& connection) {
    return connection.execute(kRenew, PgParams().text(owner).text_array(views).int64(until_ms));
  });
  if (!rows) return std::unexpected(rows.error());
  std::unordered_set<std::string_view> renewed;
  for (int row = 0; row < rows->size(); ++row) renewed.insert(rows->bytes(row, 0));
  std::vector<std::string> lost;
  for (const auto& id : ids) {
    if (!renewed.contains(id)) lost.push_back(id);
  }
  return lost;
}

Result<bool> PostgresJobQueue::finish(std::string_view id, std::string_view owner, uint32_t attempt,
                                      const AttemptOutcome& outcome) {
  if (outcome.status == JobStatus::kRunning || outcome.status == JobStatus::kCancelled) {
    return std::unexpected(
        invalid("an attempt cannot end as " + std::string(job_status_name(outcome.status))));
  }
  PgParams params;
  params.text(id)
      .text(owner)
      .int64(attempt)
      .text(job_status_name(outcome.status))
      .int64(outcome.now_ms)
      .int64(outcome.run_at_ms)
      .optional_text(outcome.version_ran)
      .optional_text(outcome.output)
      .optional_text(outcome.error_code)
      .optional_text(outcome.error_message);
  // Run twice, it would find the job no longer running and say false.
  auto rows = pool_.run(
      Retry::kNever, [&](PgConnection& connection) { return connection.execute(kFinish, params); });
  if (!rows) return std::unexpected(rows.error());
  return rows->size() > 0;
}

Result<std::optional<JobRecord>> PostgresJobQueue::cancel(std::string_view id, int64_t now_ms) {
  auto found = jobs(Retry::kOnce, cancel_statement(), PgParams().text(id).int64(now_ms));
  if (!found) return std::unexpected(found.error());
  if (found->empty()) return std::nullopt;
  return std::move(found->front());
}

Result<std::optional<JobRecord>> PostgresJobQueue::requeue(std::string_view id, int64_t now_ms,
                                                           int64_t expires_at_ms) {
  auto found = jobs(Retry::kOnce, requeue_statement(),
                    PgParams().text(id).int64(now_ms).int64(expires_at_ms));
  if (!found) return std::unexpected(found.error());
  if (found->empty()) return std::nullopt;
  return std::move(found->front());
}

Result<uint64_t> PostgresJobQueue::purge(const JobFilter& filter) {
  if (!filter.status || !is_final(*filter.status)) {
    return std::unexpected(invalid("purge needs a final status"));
  }
  PgParams params;
  params.text(job_status_name(*filter.status))
      .optional_text(filter.bucket)
      .optional_text(filter.key);
  auto rows = pool_.run(
      Retry::kNever, [&](PgConnection& connection) { return connection.execute(kPurge, params); });
  if (!rows) return std::unexpected(rows.error());
  return static_cast<uint64_t>(rows->int64(0, 0));
}

Result<uint64_t> PostgresJobQueue::remove_finished_before(int64_t before_ms, size_t limit) {
  if (limit == 0) return uint64_t{0};
  auto rows = pool_.run(Retry::kNever, [&](PgConnection& connection) {
    return connection.execute(kRemoveFinishedBefore,
                              PgParams().int64(before_ms).int64(clamp(limit)));
  });
  if (!rows) return std::unexpected(rows.error());
  return static_cast<uint64_t>(rows->int64(0, 0));
}

Result<std::vector<JobRecord>> PostgresJobQueue::lease_callbacks(const Lease& lease, size_t limit) {
  if (limit == 0) return std::vector<JobRecord>{};
  return jobs(
      Retry::kNever, lease_callbacks_statement(),
      PgParams().text(lease.owner).int64(lease.now_ms).int64(lease.until_ms).int64(clamp(limit)));
}

Result<bool> PostgresJobQueue::finish_callback(std::string_view id, std::string_view owner,
                                               const CallbackOutcome& outcome) {
  if (outcome.state == CallbackState::kNone) {
    return std::unexpected(invalid("a callback attempt cannot end as none"));
  }
  PgParams params;
  params.text(id)
      .text(owner)
      .text(callback_state_name(outcome.state))
      .int64(outcome.due_ms)
      .optional_text(outcome.result);
  auto rows = pool_.run(Retry::kNever, [&](PgConnection& connection) {
    return connection.execute(kFinishCallback, params);
  });
  if (!rows) return std::unexpected(rows.error());
  return rows->size() > 0;
}

Result<QueueStats> PostgresJobQueue::stats(int64_t now_ms) {
  auto rows = pool_.run(Retry::kOnce, [&](PgConnection& connection) {
    return connection.execute(kStats, PgParams().int64(now_ms));
  });
  if (!rows) return std::unexpected(rows.error());
  QueueStats stats;
  for (int row = 0; row < rows->size(); ++row) {
    const std::string_view name = rows->bytes(row, 0);
    if (name == "oldest_due") {
      if (!rows->is_null(row, 1)) stats.oldest_due_ms = rows->int64(row, 1);
      continue;
    }
    const auto count = static_cast<uint64_t>(rows->int64(row, 1));
    switch (parse_job_status(name).value_or(JobStatus::kQueued)) {
      case JobStatus::kQueued:
        stats.queued = count;
        break;
      case JobStatus::kRunning:
        stats.running = count;
        break;
      case JobStatus::kSucceeded:
        stats.succeeded = count;
        break;
      case JobStatus::kFailed:
        stats.failed = count;
        break;
      case JobStatus::kDead:
        stats.dead = count;
        break;
      case JobStatus::kCancelled:
        stats.cancelled = count;
        break;
    }
  }
  return stats;
}

Result<void> PostgresJobQueue::remove_bucket(std::string_view bucket) {
  auto rows = pool_.run(Retry::kOnce, [&](PgConnection& connection) {
    return connection.execute(kRemoveBucket, PgParams().text(bucket));
  });
  if (!rows) return std::unexpected(rows.error());
  return {};
}

}  // namespace wasmfaas::state
