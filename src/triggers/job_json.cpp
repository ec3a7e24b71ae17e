#include "triggers/job_json.h"

#include "common/time_format.h"

namespace wasmfaas::triggers {

std::string time_json(int64_t unix_ms) {
  return format_rfc3339(std::chrono::system_clock::time_point(std::chrono::milliseconds(unix_ms)));
}

nlohmann::json job_json(const state::JobRecord& record, bool with_payload) {
  const state::NewJob& job = record.job;
  const auto optional_time = [](const std::optional<int64_t>& ms) {
    return ms ? nlohmann::json(time_json(*ms)) : nlohmann::json(nullptr);
  };
  nlohmann::json body = {
      {"job", job.id},
      {"bucket", job.bucket},
      {"function", job.key},
      {"version", job.version ? nlohmann::json(*job.version) : nlohmann::json(nullptr)},
      {"status", std::string(state::job_status_name(record.status))},
      {"attempts", record.attempts},
      {"max_attempts", job.max_attempts},
      {"source", job.source},
      {"created", time_json(job.created_ms)},
      {"updated", time_json(record.updated_ms)},
      {"started", optional_time(record.started_ms)},
      {"finished", optional_time(record.finished_ms)},
      {"expires", time_json(job.expires_at_ms)},
      {"version_ran",
       record.version_ran ? nlohmann::json(*record.version_ran) : nlohmann::json(nullptr)},
      {"input_bytes", job.input.size()},
  };
  if (record.status == state::JobStatus::kQueued) body["run_at"] = time_json(job.run_at_ms);
  if (record.finished_ms && record.started_ms) {
    body["duration_ms"] = *record.finished_ms - *record.started_ms;
  }
  if (record.error_code) {
    body["error"] = {{"code", *record.error_code},
                     {"message", record.error_message.value_or("")}};
  }
  if (job.idempotency_key) body["idempotency_key"] = *job.idempotency_key;
  if (job.callback_url) {
    body["callback"] = {{"url", *job.callback_url},
                        {"state", std::string(state::callback_state_name(record.callback_state))},
                        {"attempts", record.callback_attempts}};
    if (record.callback_result) body["callback"]["result"] = *record.callback_result;
  }
  if (with_payload) {
    body["input"] = job.input;
    if (record.output) body["output"] = *record.output;
  }
  return body;
}

}  // namespace wasmfaas::triggers
