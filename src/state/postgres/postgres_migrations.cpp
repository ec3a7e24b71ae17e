#include "state/postgres/postgres_migrations.h"

#include <array>
#include <charconv>
#include <string>

#include "state/schema.h"

namespace wasmfaas::state {
namespace {

// Step i takes the schema from version i to i + 1. Never edit a step once
// released: add one.
constexpr std::array<const char*, kStateSchemaVersion> kSteps = {
    // 1: key-value entries and each bucket's usage, and the functions that
    // write them: each write is one statement (one round trip) that locks
    // the bucket's usage row first, so a bucket's writes take turns on every
    // node, its usage stays exact and its quota checks see the truth. A
    // refused write raises an error, which undoes the statement.
    // Keys compare bytewise (COLLATE "C"); sizes are octet_length (UTF-8 bytes).
    R"sql(
CREATE TABLE wasmfaas_kv_entries (
  bucket text COLLATE "C" NOT NULL,
  store text COLLATE "C" NOT NULL,
  key text COLLATE "C" NOT NULL,
  value bytea NOT NULL,
  PRIMARY KEY (bucket, store, key)
);
CREATE TABLE wasmfaas_kv_usage (
  bucket text COLLATE "C" PRIMARY KEY,
  bytes bigint NOT NULL,
  keys bigint NOT NULL
);

-- Locks the usage row of p_bucket, creating it when missing, and returns it.
CREATE FUNCTION wasmfaas_kv_lock_usage(p_bucket text, OUT used_bytes bigint, OUT used_keys bigint)
LANGUAGE plpgsql AS $$
BEGIN
  LOOP
    SELECT u.bytes, u.keys INTO used_bytes, used_keys
      FROM wasmfaas_kv_usage u WHERE u.bucket = p_bucket FOR UPDATE;
    IF FOUND THEN
      RETURN;
    END IF;
    INSERT INTO wasmfaas_kv_usage (bucket, bytes, keys) VALUES (p_bucket, 0, 0)
      ON CONFLICT (bucket) DO NOTHING;
  END LOOP;
END $$;

-- Raises WF001 when growth would pass a ceiling (0: none); DETAIL holds
-- "<bytes|keys> <used> <adding> <ceiling>" for the client's message.
CREATE FUNCTION wasmfaas_kv_check_quota(p_used_bytes bigint, p_used_keys bigint,
    p_add_bytes bigint, p_add_keys bigint, p_max_bytes bigint, p_max_keys bigint)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF p_add_bytes > 0 AND p_max_bytes > 0 AND p_used_bytes + p_add_bytes > p_max_bytes THEN
    RAISE EXCEPTION 'key-value quota exceeded' USING ERRCODE = 'WF001',
      DETAIL = format('bytes %s %s %s', p_used_bytes, p_add_bytes, p_max_bytes);
  END IF;
  IF p_add_keys > 0 AND p_max_keys > 0 AND p_used_keys + p_add_keys > p_max_keys THEN
    RAISE EXCEPTION 'key-value quota exceeded' USING ERRCODE = 'WF001',
      DETAIL = format('keys %s %s %s', p_used_keys, p_add_keys, p_max_keys);
  END IF;
END $$;

-- Creates or replaces each key in order (a later duplicate wins); the quota
-- is checked on the batch's total growth.
CREATE FUNCTION wasmfaas_kv_set_many(p_bucket text, p_store text, p_keys text[],
    p_values bytea[], p_max_bytes bigint, p_max_keys bigint)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  current_usage record;
  old_size bigint;
  add_bytes bigint := 0;
  add_keys bigint := 0;
BEGIN
  IF coalesce(cardinality(p_keys), 0) <> coalesce(cardinality(p_values), 0) THEN
    RAISE EXCEPTION 'wasmfaas_kv_set_many: % keys but % values',
      cardinality(p_keys), cardinality(p_values);
  END IF;
  SELECT * INTO current_usage FROM wasmfaas_kv_lock_usage(p_bucket);
  FOR i IN 1 .. coalesce(cardinality(p_keys), 0) LOOP
    SELECT octet_length(e.key) + octet_length(e.value) INTO old_size
      FROM wasmfaas_kv_entries e
      WHERE e.bucket = p_bucket AND e.store = p_store AND e.key = p_keys[i];
    INSERT INTO wasmfaas_kv_entries (bucket, store, key, value)
      VALUES (p_bucket, p_store, p_keys[i], p_values[i])
      ON CONFLICT (bucket, store, key) DO UPDATE SET value = excluded.value;
    add_bytes := add_bytes + octet_length(p_keys[i]) + octet_length(p_values[i])
                 - coalesce(old_size, 0);
    IF old_size IS NULL THEN
      add_keys := add_keys + 1;
    END IF;
  END LOOP;
  PERFORM wasmfaas_kv_check_quota(current_usage.used_bytes, current_usage.used_keys,
                                  add_bytes, add_keys, p_max_bytes, p_max_keys);
  UPDATE wasmfaas_kv_usage u SET bytes = u.bytes + add_bytes, keys = u.keys + add_keys
    WHERE u.bucket = p_bucket;
END $$;

CREATE FUNCTION wasmfaas_kv_set(p_bucket text, p_store text, p_key text, p_value bytea,
    p_max_bytes bigint, p_max_keys bigint)
RETURNS void LANGUAGE sql AS $$
  SELECT wasmfaas_kv_set_many(p_bucket, p_store, ARRAY[p_key], ARRAY[p_value],
                              p_max_bytes, p_max_keys);
$$;

-- Adds p_delta to the decimal integer of p_key (missing: 0) and returns the
-- sum. WF002: the value is not "-?[0-9]+"; WF003: it or the sum leaves
-- bigint (DETAIL: the value).
CREATE FUNCTION wasmfaas_kv_increment(p_bucket text, p_store text, p_key text, p_delta bigint,
    p_max_bytes bigint, p_max_keys bigint)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  current_usage record;
  old_value bytea;
  old_text text := '0';
  total numeric := 0;
  new_value bytea;
  add_bytes bigint;
  add_keys bigint := 0;
BEGIN
  SELECT * INTO current_usage FROM wasmfaas_kv_lock_usage(p_bucket);
  SELECT e.value INTO old_value FROM wasmfaas_kv_entries e
    WHERE e.bucket = p_bucket AND e.store = p_store AND e.key = p_key;
  IF FOUND THEN
    -- 'escape' leaves printable ASCII as it is and escapes every other byte.
    old_text := encode(old_value, 'escape');
    IF old_text !~ '^-?[0-9]+$' THEN
      RAISE EXCEPTION 'the value is not a decimal integer' USING ERRCODE = 'WF002';
    END IF;
    total := old_text::numeric;
  END IF;
  IF total < -9223372036854775808 OR total > 9223372036854775807
     OR total + p_delta < -9223372036854775808 OR total + p_delta > 9223372036854775807 THEN
    RAISE EXCEPTION 'the sum leaves the 64-bit integer range' USING ERRCODE = 'WF003',
      DETAIL = left(old_text, 41);
  END IF;
  total := total + p_delta;
  new_value := convert_to(total::bigint::text, 'UTF8');
  IF old_value IS NULL THEN
    add_bytes := octet_length(p_key) + octet_length(new_value);
    add_keys := 1;
  ELSE
    add_bytes := octet_length(new_value) - octet_length(old_value);
  END IF;
  PERFORM wasmfaas_kv_check_quota(current_usage.used_bytes, current_usage.used_keys,
                                  add_bytes, add_keys, p_max_bytes, p_max_keys);
  INSERT INTO wasmfaas_kv_entries (bucket, store, key, value)
    VALUES (p_bucket, p_store, p_key, new_value)
    ON CONFLICT (bucket, store, key) DO UPDATE SET value = excluded.value;
  UPDATE wasmfaas_kv_usage u SET bytes = u.bytes + add_bytes, keys = u.keys + add_keys
    WHERE u.bucket = p_bucket;
  RETURN total::bigint;
END $$;

CREATE FUNCTION wasmfaas_kv_remove_many(p_bucket text, p_store text, p_keys text[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  one_key text;
  size bigint;
  removed_bytes bigint := 0;
  removed_keys bigint := 0;
BEGIN
  PERFORM 1 FROM wasmfaas_kv_usage u WHERE u.bucket = p_bucket FOR UPDATE;
  IF NOT FOUND THEN
    RETURN;  -- entries are only written together with their bucket's usage row
  END IF;
  -- Key by key: an equality on the whole primary key is an index lookup
  -- whatever the table's statistics say (= ANY may become a filter).
  FOREACH one_key IN ARRAY p_keys LOOP
    DELETE FROM wasmfaas_kv_entries e
      WHERE e.bucket = p_bucket AND e.store = p_store AND e.key = one_key
      RETURNING octet_length(e.key) + octet_length(e.value) INTO size;
    IF FOUND THEN
      removed_bytes := removed_bytes + size;
      removed_keys := removed_keys + 1;
    END IF;
  END LOOP;
  IF removed_keys > 0 THEN
    UPDATE wasmfaas_kv_usage u
      SET bytes = u.bytes - removed_bytes, keys = u.keys - removed_keys
      WHERE u.bucket = p_bucket;
  END IF;
END $$;

CREATE FUNCTION wasmfaas_kv_remove_bucket(p_bucket text)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM wasmfaas_kv_usage u WHERE u.bucket = p_bucket FOR UPDATE;
  DELETE FROM wasmfaas_kv_entries e WHERE e.bucket = p_bucket;
  DELETE FROM wasmfaas_kv_usage u WHERE u.bucket = p_bucket;
END $$;
)sql",
    // 2: async jobs, cron schedules and each tick's fire record. Times are
    // bigint milliseconds since the epoch; inputs, outputs and messages
    // bytea (any bytes). Workers on every node take jobs with FOR UPDATE
    // SKIP LOCKED (postgres_job_queue.cpp), so they never wait for each
    // other; the functions below are the writes that need more than one
    // statement in one round trip.
    R"sql(
CREATE TABLE wasmfaas_jobs (
  id text COLLATE "C" PRIMARY KEY,
  bucket text COLLATE "C" NOT NULL,
  key text COLLATE "C" NOT NULL,
  version text,
  input bytea NOT NULL,
  idempotency_key text COLLATE "C",
  callback_url text,
  source text NOT NULL,
  max_attempts bigint NOT NULL,
  backoff_initial_ms bigint NOT NULL,
  backoff_max_ms bigint NOT NULL,
  created_ms bigint NOT NULL,
  run_at_ms bigint NOT NULL,
  expires_at_ms bigint NOT NULL,
  status text NOT NULL
    CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'dead', 'cancelled')),
  attempts bigint NOT NULL,
  updated_ms bigint NOT NULL,
  started_ms bigint,
  finished_ms bigint,
  lease_owner text,
  lease_until_ms bigint NOT NULL,
  version_ran text,
  output bytea,
  error_code text,
  error_message bytea,
  callback_state text NOT NULL
    CHECK (callback_state IN ('none', 'pending', 'delivered', 'failed')),
  callback_attempts bigint NOT NULL,
  callback_due_ms bigint NOT NULL,
  callback_result bytea,
  callback_lease_owner text,
  callback_lease_until_ms bigint NOT NULL
);
-- lease: due queued jobs in run_at order, and running ones whose lease ended.
CREATE INDEX wasmfaas_jobs_queued ON wasmfaas_jobs (run_at_ms, id) WHERE status = 'queued';
CREATE INDEX wasmfaas_jobs_running ON wasmfaas_jobs (lease_until_ms) WHERE status = 'running';
-- list, newest first: a function's jobs in one status, and all of them
-- (a bucket's jobs: the bucket prefix of either; list plans each execution
-- for the bucket it names).
CREATE INDEX wasmfaas_jobs_listing ON wasmfaas_jobs (bucket, key, status, id DESC);
CREATE INDEX wasmfaas_jobs_function ON wasmfaas_jobs (bucket, key, id DESC);
-- submit's lookup of an idempotency key within its window.
CREATE INDEX wasmfaas_jobs_idempotency ON wasmfaas_jobs (bucket, idempotency_key, created_ms)
  WHERE idempotency_key IS NOT NULL;
-- retention: finished_ms is set exactly while the status is final.
CREATE INDEX wasmfaas_jobs_finished ON wasmfaas_jobs (finished_ms) WHERE finished_ms IS NOT NULL;
-- lease_callbacks: pending callbacks in due order.
CREATE INDEX wasmfaas_jobs_callbacks ON wasmfaas_jobs (callback_due_ms)
  WHERE callback_state = 'pending';

CREATE TABLE wasmfaas_schedules (
  bucket text COLLATE "C" NOT NULL,
  name text COLLATE "C" NOT NULL,
  cron text NOT NULL,
  timezone text NOT NULL,
  function text NOT NULL,
  input bytea NOT NULL,
  allow_overlap boolean NOT NULL,
  catch_up boolean NOT NULL,
  paused boolean NOT NULL,
  created_ms bigint NOT NULL,
  updated_ms bigint NOT NULL,
  next_fire_ms bigint,
  PRIMARY KEY (bucket, name)
);
CREATE INDEX wasmfaas_schedules_due ON wasmfaas_schedules (next_fire_ms) WHERE NOT paused;

-- One row per tick: the primary key is what makes a tick fire once.
CREATE TABLE wasmfaas_schedule_fires (
  bucket text COLLATE "C" NOT NULL,
  name text COLLATE "C" NOT NULL,
  fire_ms bigint NOT NULL,
  outcome text NOT NULL,
  job_id text,
  recorded_ms bigint NOT NULL,
  PRIMARY KEY (bucket, name, fire_ms)
);
CREATE INDEX wasmfaas_schedule_fires_time ON wasmfaas_schedule_fires (fire_ms);

-- Stores a new queued job (no lease, no callback yet) and returns it; an
-- id already taken raises unique_violation. p_retried: this is a submit run
-- again after its connection was lost, so a job with its id (ids are
-- unique) is the one the first run stored, and is returned as it is.
CREATE FUNCTION wasmfaas_jobs_insert(p_id text, p_bucket text, p_key text, p_version text,
    p_input bytea, p_idempotency_key text, p_callback_url text, p_source text,
    p_max_attempts bigint, p_backoff_initial_ms bigint, p_backoff_max_ms bigint,
    p_created_ms bigint, p_run_at_ms bigint, p_expires_at_ms bigint, p_retried boolean)
RETURNS wasmfaas_jobs LANGUAGE plpgsql AS $$
DECLARE
  stored wasmfaas_jobs;
BEGIN
  IF p_retried THEN
    SELECT j.* INTO stored FROM wasmfaas_jobs j WHERE j.id = p_id;
    IF FOUND THEN
      RETURN stored;
    END IF;
  END IF;
  INSERT INTO wasmfaas_jobs AS j (id, bucket, key, version, input, idempotency_key, callback_url,
      source, max_attempts, backoff_initial_ms, backoff_max_ms, created_ms, run_at_ms,
      expires_at_ms, status, attempts, updated_ms, lease_until_ms, callback_state,
      callback_attempts, callback_due_ms, callback_lease_until_ms)
    VALUES (p_id, p_bucket, p_key, p_version, p_input, p_idempotency_key, p_callback_url,
      p_source, p_max_attempts, p_backoff_initial_ms, p_backoff_max_ms, p_created_ms,
      p_run_at_ms, p_expires_at_ms, 'queued', 0, p_created_ms, 0, 'none', 0, 0, 0)
    RETURNING j.* INTO stored;
  RETURN stored;
END $$;

-- submit: with an idempotency key, the submits of one (bucket, key) take
-- turns on every node (a transaction advisory lock, class "Jobs", on a
-- hash of both: a collision only makes two keys wait for each other), and
-- the lookup, a statement after the lock with a snapshot of its own, sees
-- the job an earlier holder committed. A job created before p_since does
-- not count.
CREATE FUNCTION wasmfaas_jobs_submit(p_id text, p_bucket text, p_key text, p_version text,
    p_input bytea, p_idempotency_key text, p_callback_url text, p_source text,
    p_max_attempts bigint, p_backoff_initial_ms bigint, p_backoff_max_ms bigint,
    p_created_ms bigint, p_run_at_ms bigint, p_expires_at_ms bigint, p_since_ms bigint,
    p_retried boolean)
RETURNS TABLE (created boolean, job wasmfaas_jobs) LANGUAGE plpgsql AS $$
BEGIN
  IF p_idempotency_key IS NOT NULL THEN
    PERFORM pg_advisory_xact_lock(1248813683, hashtext(p_bucket || '/' || p_idempotency_key));
    SELECT j.* INTO job FROM wasmfaas_jobs j
      WHERE j.bucket = p_bucket AND j.idempotency_key = p_idempotency_key
        AND j.created_ms >= p_since_ms
      ORDER BY j.created_ms DESC, j.id DESC LIMIT 1;
    IF FOUND THEN
      created := false;
      RETURN NEXT;
      RETURN;
    END IF;
  END IF;
  created := true;
  job := wasmfaas_jobs_insert(p_id, p_bucket, p_key, p_version, p_input, p_idempotency_key,
    p_callback_url, p_source, p_max_attempts, p_backoff_initial_ms, p_backoff_max_ms,
    p_created_ms, p_run_at_ms, p_expires_at_ms, p_retried);
  RETURN NEXT;
END $$;

-- cancel and requeue: the job afterwards, whether changed or not (read
-- again after a refused change, so it is what is committed now).
CREATE FUNCTION wasmfaas_jobs_cancel(p_id text, p_now_ms bigint)
RETURNS SETOF wasmfaas_jobs LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY WITH changed AS (
    UPDATE wasmfaas_jobs j SET status = 'cancelled', finished_ms = p_now_ms, updated_ms = p_now_ms
      WHERE j.id = p_id AND j.status = 'queued' RETURNING j.*)
    SELECT * FROM changed;
  IF NOT FOUND THEN
    RETURN QUERY SELECT j.* FROM wasmfaas_jobs j WHERE j.id = p_id;
  END IF;
END $$;

CREATE FUNCTION wasmfaas_jobs_requeue(p_id text, p_now_ms bigint, p_expires_at_ms bigint)
RETURNS SETOF wasmfaas_jobs LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY WITH changed AS (
    UPDATE wasmfaas_jobs j SET status = 'queued', attempts = 0, run_at_ms = p_now_ms,
        expires_at_ms = p_expires_at_ms, updated_ms = p_now_ms, finished_ms = NULL,
        output = NULL, error_code = NULL, error_message = NULL, lease_owner = NULL,
        lease_until_ms = 0, callback_state = 'none', callback_attempts = 0,
        callback_due_ms = 0, callback_result = NULL, callback_lease_owner = NULL,
        callback_lease_until_ms = 0
      WHERE j.id = p_id AND j.status IN ('failed', 'dead') RETURNING j.*)
    SELECT * FROM changed;
  IF NOT FOUND THEN
    RETURN QUERY SELECT j.* FROM wasmfaas_jobs j WHERE j.id = p_id;
  END IF;
END $$;

-- fire: locks the schedule row if it still expects this tick (a node
-- firing the same tick waits here, then finds next_fire_ms moved and
-- returns false), records the tick (the primary key refuses a tick already
-- recorded), moves next_fire_ms and submits the tick's job, all in the
-- caller's one transaction (a job whose id is taken fails all of it).
CREATE FUNCTION wasmfaas_schedules_fire(p_bucket text, p_name text, p_expected_next_ms bigint,
    p_next_fire_ms bigint, p_fire_ms bigint, p_outcome text, p_job_id text, p_recorded_ms bigint,
    p_submit boolean, p_id text, p_job_bucket text, p_key text, p_version text,
    p_input bytea, p_idempotency_key text, p_callback_url text, p_source text,
    p_max_attempts bigint, p_backoff_initial_ms bigint, p_backoff_max_ms bigint,
    p_created_ms bigint, p_run_at_ms bigint, p_expires_at_ms bigint)
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM wasmfaas_schedules s
    WHERE s.bucket = p_bucket AND s.name = p_name AND s.next_fire_ms = p_expected_next_ms
    FOR UPDATE;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  INSERT INTO wasmfaas_schedule_fires (bucket, name, fire_ms, outcome, job_id, recorded_ms)
    VALUES (p_bucket, p_name, p_fire_ms, p_outcome, p_job_id, p_recorded_ms)
    ON CONFLICT (bucket, name, fire_ms) DO NOTHING;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  UPDATE wasmfaas_schedules s SET next_fire_ms = p_next_fire_ms
    WHERE s.bucket = p_bucket AND s.name = p_name;
  IF p_submit THEN
    PERFORM wasmfaas_jobs_insert(p_id, p_job_bucket, p_key, p_version, p_input,
      p_idempotency_key, p_callback_url, p_source, p_max_attempts, p_backoff_initial_ms,
      p_backoff_max_ms, p_created_ms, p_run_at_ms, p_expires_at_ms, false);
  END IF;
  RETURN true;
END $$;
)sql",
};

// The key of the advisory lock migrations hold: "wasmfaas" in ASCII.
constexpr const char* kMigrationLock = "8602283676960645491";

Error failed(std::string_view doing, const PgFailure& failure) {
  Error error = to_error(failure);
  error.message = std::string(doing) + ": " + error.message;
  return error;
}

}  // namespace

Result<void> migrate_postgres(PgConnection& connection) {
  const std::string start = std::string(
                                "BEGIN;"
                                " SELECT pg_advisory_xact_lock(") +
                            kMigrationLock +
                            ");"
                            " CREATE TABLE IF NOT EXISTS wasmfaas_schema ("
                            "   id integer PRIMARY KEY CHECK (id = 1), version integer NOT NULL);"
                            " SELECT version FROM wasmfaas_schema WHERE id = 1";
  auto rows = connection.execute(start.c_str());
  if (!rows) {
    (void)connection.execute("ROLLBACK");
    return std::unexpected(failed("reading the state database's schema version", rows.error()));
  }
  int version = 0;
  if (rows->size() > 0) {
    const auto text = rows->bytes(0, 0);  // text format (simple protocol)
    std::from_chars(text.data(), text.data() + text.size(), version);
  }
  if (version >= kStateSchemaVersion) {
    (void)connection.execute("ROLLBACK");
    if (version > kStateSchemaVersion) return std::unexpected(newer_schema_error(version));
    return {};
  }
  for (int step = version; step < kStateSchemaVersion; ++step) {
    if (auto applied = connection.execute(kSteps[step]); !applied) {
      (void)connection.execute("ROLLBACK");
      return std::unexpected(
          failed("migrating the state database to schema version " + std::to_string(step + 1),
                 applied.error()));
    }
  }
  const std::string finish = "INSERT INTO wasmfaas_schema (id, version) VALUES (1, " +
                             std::to_string(kStateSchemaVersion) +
                             ") ON CONFLICT (id) DO UPDATE SET version = excluded.version; COMMIT";
  if (auto committed = connection.execute(finish.c_str()); !committed) {
    (void)connection.execute("ROLLBACK");
    return std::unexpected(
        failed("recording the state database's schema version", committed.error()));
  }
  return {};
}

}  // namespace wasmfaas::state
