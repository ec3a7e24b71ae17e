#include "state/sqlite/sqlite_migrations.h"

#include <array>
#include <string_view>

#include "state/schema.h"
#include "state/sqlite/sqlite_transaction.h"

namespace wasmfaas::state {
namespace {

// Step i takes the schema from version i to i + 1. Never edit a step once
// released: add one.
constexpr std::array<std::string_view, kStateSchemaVersion> kSteps = {
    // 1: key-value entries, and each bucket's usage kept exact by every write.
    // Keys are TEXT compared with memcmp (SQLite's BINARY collation), values
    // BLOBs; WITHOUT ROWID keeps each store's keys together in key order.
    R"sql(
CREATE TABLE wasmfaas_kv_entries (
  bucket TEXT NOT NULL,
  store TEXT NOT NULL,
  key TEXT NOT NULL,
  value BLOB NOT NULL,
  PRIMARY KEY (bucket, store, key)
) WITHOUT ROWID;
CREATE TABLE wasmfaas_kv_usage (
  bucket TEXT PRIMARY KEY,
  bytes INTEGER NOT NULL,
  keys INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // 2: async jobs and cron schedules. A job is one row from submission to
    // removal; status and callback_state hold job_status_name and
    // callback_state_name. The indexes serve, in order: lease (queued jobs
    // due by run_at; running jobs whose lease ended), lease_callbacks,
    // list (newest first within a bucket, a function, a status; the last
    // also counts each status for stats), submit's idempotency window, and
    // retention. The first three are partial: a job is in each only while
    // in that state, so they stay small and a submit writes fewer pages
    // (their leading state column is constant: with it, SQLite's planner
    // prefers them to wasmfaas_jobs_by_status). wasmfaas_job_counts holds
    // the number of jobs in each status, kept by triggers, so that stats
    // need not count a large table (behind the connection's mutex).
    // Each tick of a schedule is one row of wasmfaas_schedule_fires: its
    // primary key makes a tick fire once.
    R"sql(
CREATE TABLE wasmfaas_jobs (
  id TEXT PRIMARY KEY,
  bucket TEXT NOT NULL,
  key TEXT NOT NULL,
  version TEXT,
  input BLOB NOT NULL,
  idempotency_key TEXT,
  callback_url TEXT,
  source TEXT NOT NULL,
  max_attempts INTEGER NOT NULL,
  backoff_initial_ms INTEGER NOT NULL,
  backoff_max_ms INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  run_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  started_ms INTEGER,
  finished_ms INTEGER,
  lease_owner TEXT,
  lease_until_ms INTEGER NOT NULL,
  version_ran TEXT,
  output BLOB,
  error_code TEXT,
  error_message TEXT,
  callback_state TEXT NOT NULL,
  callback_attempts INTEGER NOT NULL,
  callback_due_ms INTEGER NOT NULL,
  callback_result TEXT,
  callback_lease_owner TEXT,
  callback_lease_until_ms INTEGER NOT NULL
);
CREATE INDEX wasmfaas_jobs_due ON wasmfaas_jobs (status, run_at_ms) WHERE status = 'queued';
CREATE INDEX wasmfaas_jobs_lease ON wasmfaas_jobs (status, lease_until_ms)
  WHERE status = 'running';
CREATE INDEX wasmfaas_jobs_callbacks
  ON wasmfaas_jobs (callback_state, callback_due_ms, callback_lease_until_ms)
  WHERE callback_state = 'pending';
CREATE INDEX wasmfaas_jobs_by_bucket ON wasmfaas_jobs (bucket, id);
CREATE INDEX wasmfaas_jobs_by_key ON wasmfaas_jobs (bucket, key, id);
CREATE INDEX wasmfaas_jobs_by_status ON wasmfaas_jobs (status, bucket, id);
CREATE INDEX wasmfaas_jobs_idempotency ON wasmfaas_jobs (bucket, idempotency_key, created_ms)
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX wasmfaas_jobs_finished ON wasmfaas_jobs (finished_ms)
  WHERE finished_ms IS NOT NULL;
CREATE TABLE wasmfaas_job_counts (
  status TEXT PRIMARY KEY,
  jobs INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO wasmfaas_job_counts (status, jobs) VALUES
  ('queued', 0), ('running', 0), ('succeeded', 0), ('failed', 0), ('dead', 0), ('cancelled', 0);
CREATE TRIGGER wasmfaas_jobs_count_insert AFTER INSERT ON wasmfaas_jobs BEGIN
  UPDATE wasmfaas_job_counts SET jobs = jobs + 1 WHERE status = new.status;
END;
CREATE TRIGGER wasmfaas_jobs_count_delete AFTER DELETE ON wasmfaas_jobs BEGIN
  UPDATE wasmfaas_job_counts SET jobs = jobs - 1 WHERE status = old.status;
END;
CREATE TRIGGER wasmfaas_jobs_count_update AFTER UPDATE OF status ON wasmfaas_jobs
  WHEN old.status <> new.status BEGIN
  UPDATE wasmfaas_job_counts SET jobs = jobs - 1 WHERE status = old.status;
  UPDATE wasmfaas_job_counts SET jobs = jobs + 1 WHERE status = new.status;
END;
CREATE TABLE wasmfaas_schedules (
  bucket TEXT NOT NULL,
  name TEXT NOT NULL,
  cron TEXT NOT NULL,
  timezone TEXT NOT NULL,
  function TEXT NOT NULL,
  input BLOB NOT NULL,
  allow_overlap INTEGER NOT NULL,
  catch_up INTEGER NOT NULL,
  paused INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  next_fire_ms INTEGER,
  PRIMARY KEY (bucket, name)
) WITHOUT ROWID;
CREATE INDEX wasmfaas_schedules_due ON wasmfaas_schedules (next_fire_ms)
  WHERE paused = 0 AND next_fire_ms IS NOT NULL;
CREATE TABLE wasmfaas_schedule_fires (
  bucket TEXT NOT NULL,
  name TEXT NOT NULL,
  fire_ms INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  job_id TEXT,
  recorded_ms INTEGER NOT NULL,
  PRIMARY KEY (bucket, name, fire_ms)
) WITHOUT ROWID;
CREATE INDEX wasmfaas_schedule_fires_by_time ON wasmfaas_schedule_fires (fire_ms);
)sql",
};

}  // namespace

Result<void> migrate_sqlite(SqliteConnection& connection) {
  auto transaction = SqliteTransaction::begin(connection);
  if (!transaction) return std::unexpected(transaction.error());
  if (auto created =
          connection.execute("CREATE TABLE IF NOT EXISTS wasmfaas_schema ("
                             " id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)");
      !created) {
    return created;
  }
  int version = 0;
  {
    auto query = connection.query("SELECT version FROM wasmfaas_schema WHERE id = 1");
    if (!query) return std::unexpected(query.error());
    auto row = query->step();
    if (!row) return std::unexpected(row.error());
    if (*row) version = static_cast<int>(query->column_int64(0));
  }
  if (version > kStateSchemaVersion) return std::unexpected(newer_schema_error(version));
  if (version == kStateSchemaVersion) return transaction->commit();
  for (int step = version; step < kStateSchemaVersion; ++step) {
    if (auto applied = connection.execute(kSteps[step]); !applied) {
      auto error = applied.error();
      error.message = "migrating the state database to schema version " + std::to_string(step + 1) +
                      ": " + error.message;
      return std::unexpected(error);
    }
  }
  {
    auto query = connection.query(
        "INSERT INTO wasmfaas_schema (id, version) VALUES (1, ?1)"
        " ON CONFLICT (id) DO UPDATE SET version = excluded.version");
    if (!query) return std::unexpected(query.error());
    if (auto stored = query->bind_int64(1, kStateSchemaVersion).run(); !stored) return stored;
  }
  return transaction->commit();
}

}  // namespace wasmfaas::state
