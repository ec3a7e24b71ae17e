#include "state/postgres/postgres_job_rows.h"

#include <algorithm>
#include <array>
#include <limits>

namespace wasmfaas::state {
namespace {

// A JobRecord's columns, in the order decode_job reads them.
constexpr std::string_view kJobColumns =
    "id, bucket, key, version, input, idempotency_key, callback_url, source, max_attempts,"
    " backoff_initial_ms, backoff_max_ms, created_ms, run_at_ms, expires_at_ms, status, attempts,"
    " updated_ms, started_ms, finished_ms, lease_owner, lease_until_ms, version_ran, output,"
    " error_code, error_message, callback_state, callback_attempts, callback_due_ms,"
    " callback_result";

}  // namespace

std::string job_columns(std::string_view qualifier) {
  std::string columns;
  size_t start = 0;
  while (start < kJobColumns.size()) {
    const size_t end = std::min(kJobColumns.find(',', start), kJobColumns.size());
    if (!columns.empty()) columns += ", ";
    columns += qualifier;
    columns += kJobColumns.substr(start, end - start);
    start = end + 2;  // past ", "
  }
  return columns;
}

std::string new_job_placeholders(int first) {
  constexpr std::array<const char*, 14> kTypes = {"text",   "text",   "text",   "text",   "bytea",
                                                  "text",   "text",   "text",   "bigint", "bigint",
                                                  "bigint", "bigint", "bigint", "bigint"};
  std::string placeholders;
  for (size_t index = 0; index < kTypes.size(); ++index) {
    if (index > 0) placeholders += ", ";
    placeholders += "$" + std::to_string(first + static_cast<int>(index)) + "::" + kTypes[index];
  }
  return placeholders;
}

namespace {

std::optional<std::string> optional_bytes(const PgRows& rows, int row, int column) {
  if (rows.is_null(row, column)) return std::nullopt;
  return std::string(rows.bytes(row, column));
}

std::optional<int64_t> optional_int64(const PgRows& rows, int row, int column) {
  if (rows.is_null(row, column)) return std::nullopt;
  return rows.int64(row, column);
}

uint32_t to_u32(int64_t value) {
  return static_cast<uint32_t>(std::clamp<int64_t>(value, 0, std::numeric_limits<uint32_t>::max()));
}

}  // namespace

JobRecord decode_job(const PgRows& rows, int row, int first) {
  int column = first;
  auto text = [&] { return std::string(rows.bytes(row, column++)); };
  auto optional_text = [&] { return optional_bytes(rows, row, column++); };
  auto number = [&] { return rows.int64(row, column++); };
  JobRecord record;
  NewJob& job = record.job;
  job.id = text();
  job.bucket = text();
  job.key = text();
  job.version = optional_text();
  job.input = text();
  job.idempotency_key = optional_text();
  job.callback_url = optional_text();
  job.source = text();
  job.max_attempts = to_u32(number());
  job.backoff_initial_ms = number();
  job.backoff_max_ms = number();
  job.created_ms = number();
  job.run_at_ms = number();
  job.expires_at_ms = number();
  record.status = parse_job_status(rows.bytes(row, column++)).value_or(JobStatus::kQueued);
  record.attempts = to_u32(number());
  record.updated_ms = number();
  record.started_ms = optional_int64(rows, row, column++);
  record.finished_ms = optional_int64(rows, row, column++);
  record.lease_owner = optional_text();
  record.lease_until_ms = number();
  record.version_ran = optional_text();
  record.output = optional_text();
  record.error_code = optional_text();
  record.error_message = optional_text();
  record.callback_state =
      parse_callback_state(rows.bytes(row, column++)).value_or(CallbackState::kNone);
  record.callback_attempts = to_u32(number());
  record.callback_due_ms = number();
  record.callback_result = optional_text();
  return record;
}

void add_new_job(PgParams& params, const NewJob& job) {
  params.text(job.id)
      .text(job.bucket)
      .text(job.key)
      .optional_text(job.version)
      .text(job.input)
      .optional_text(job.idempotency_key)
      .optional_text(job.callback_url)
      .text(job.source)
      .int64(job.max_attempts)
      .int64(job.backoff_initial_ms)
      .int64(job.backoff_max_ms)
      .int64(job.created_ms)
      .int64(job.run_at_ms)
      .int64(job.expires_at_ms);
}

}  // namespace wasmfaas::state
