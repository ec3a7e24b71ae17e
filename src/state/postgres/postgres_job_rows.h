#pragma once
// A job as PostgreSQL's statements take and give it: the parameters of a
// new job and the columns of a stored one (wasmfaas_jobs, migration step 2),
// for the job queue and for fire, which submits one.

#include <string>
#include <string_view>

#include "state/job_queue.h"
#include "state/postgres/pg_connection.h"

namespace wasmfaas::state {

// The 14 parameters of wasmfaas_jobs_insert (and of the submit and fire
// functions, which pass them on) for `job`, in order: id, bucket, key,
// version, input, idempotency key, callback URL, source, max attempts,
// initial and maximal backoff, created, run at, expires at. `job` must
// outlive the statement's execution.
void add_new_job(PgParams& params, const NewJob& job);

// "$<first>::text, ..., $<first + 13>::bigint": add_new_job's parameters.
std::string new_job_placeholders(int first);

// A JobRecord's columns, comma-separated, each after `qualifier` ("",
// "j." or "(s.job).").
std::string job_columns(std::string_view qualifier);

// The JobRecord of `row`, read from job_columns() starting at `column`.
JobRecord decode_job(const PgRows& rows, int row, int column);

}  // namespace wasmfaas::state
