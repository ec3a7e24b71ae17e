#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "state/job_queue.h"
#include "state/postgres/pg_connection.h"
#include "state/postgres/pg_connection_pool.h"

namespace wasmfaas::state {

// The job queue of a PostgreSQL state database (wasmfaas_jobs, migration
// step 2). Every method is one statement, one round trip on a pooled
// connection. lease() and lease_callbacks() lock the rows they take with
// FOR UPDATE SKIP LOCKED, so workers on every node take different jobs
// without waiting for each other; submit() with an idempotency key and
// cancel() / requeue() call the PL/pgSQL functions of the migration.
// Writes that would do something else when run twice (lease, finish, ...)
// are not retried on a connection lost mid-way: they fail with
// kUnavailable, and a job whose lease was taken then is due again when the
// lease ends.
// Owned by PostgresStateDatabase, whose pool it borrows. Thread-safe.
class PostgresJobQueue final : public JobQueue {
 public:
  explicit PostgresJobQueue(PgConnectionPool& pool) : pool_(pool) {}

  Result<SubmittedJob> submit(const NewJob& job, int64_t idempotency_since_ms) override;
  Result<std::optional<JobRecord>> get(std::string_view id) override;
  Result<JobPage> list(const JobFilter& filter, const std::optional<std::string>& cursor,
                       size_t limit) override;
  Result<std::vector<JobRecord>> lease(const Lease& lease, size_t limit) override;
  Result<std::vector<std::string>> renew(std::string_view owner,
                                         const std::vector<std::string>& ids,
                                         int64_t until_ms) override;
  Result<bool> finish(std::string_view id, std::string_view owner, uint32_t attempt,
                      const AttemptOutcome& outcome) override;
  Result<std::optional<JobRecord>> cancel(std::string_view id, int64_t now_ms) override;
  Result<std::optional<JobRecord>> requeue(std::string_view id, int64_t now_ms,
                                           int64_t expires_at_ms) override;
  Result<uint64_t> purge(const JobFilter& filter) override;
  Result<uint64_t> remove_finished_before(int64_t before_ms, size_t limit) override;
  Result<std::vector<JobRecord>> lease_callbacks(const Lease& lease, size_t limit) override;
  Result<bool> finish_callback(std::string_view id, std::string_view owner,
                               const CallbackOutcome& outcome) override;
  Result<QueueStats> stats(int64_t now_ms) override;
  Result<void> remove_bucket(std::string_view bucket) override;

 private:
  // The jobs `statement` answers, each row the columns of job_columns().
  Result<std::vector<JobRecord>> jobs(PgConnectionPool::Retry retry, const PgStatement& statement,
                                      const PgParams& params);

  PgConnectionPool& pool_;
};

}  // namespace wasmfaas::state
