#include "api/exec_reporter.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "api/function_names.h"

namespace wasmfaas::api {
namespace {

std::string json_line(const nlohmann::json& line) {
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string_view exec_outcome(const std::optional<Error>& error) {
  if (!error) return "ok";
  switch (error->code) {
    case ErrorCode::kTrap: return "trap";
    case ErrorCode::kTimeout: return "timeout";
    case ErrorCode::kResourceExhausted:
      return error->reason == reason::kFuelExhausted ? "fuel" : "memory";
    case ErrorCode::kBadOutput: return "bad_output";
    case ErrorCode::kThrottled: return "throttled";
    default: return "error";
  }
}

void ExecReporter::log_denials(std::string_view bucket, std::string_view key,
                               const ExecContext& context,
                               const std::vector<std::string>& denials) const {
  spdlog::logger* log = sinks_.event_log;
  if (!log || denials.empty()) return;
  for (const std::string& denial : denials) {
    log->warn(json_line({{"type", "outbound_request_denied"},
                         {"function", function_name(bucket, key)},
                         {"request_id", std::string(context.request_id)},
                         {"message", denial}}));
  }
}

void ExecReporter::report(std::string_view bucket, std::string_view key,
                          const ExecContext& context, const Execution& execution,
                          std::chrono::nanoseconds duration) const {
  const std::optional<Error> error =
      execution.output ? std::nullopt : std::optional<Error>(execution.output.error());
  const runtime::CapturedLogs& logs = execution.logs;
  const std::string bucket_label(bucket);
  const std::string key_label(key);
  const double seconds = std::chrono::duration<double>(duration).count();
  if (sinks_.executions) {
    sinks_.executions->with({bucket_label, key_label, std::string(exec_outcome(error))}).add();
  }
  if (sinks_.durations) sinks_.durations->with({bucket_label, key_label}).observe(seconds);
  if (sinks_.output_log && sinks_.output_log->should_log(spdlog::level::info) &&
      !(logs.stdout_text.empty() && logs.stderr_text.empty())) {
    nlohmann::json line = {{"type", "function_output"},
                           {"function", function_name(bucket, key)},
                           {"request_id", std::string(context.request_id)},
                           {"stdout", logs.stdout_text},
                           {"stderr", logs.stderr_text}};
    if (!context.job_id.empty()) {
      line["job"] = std::string(context.job_id);
      line["attempt"] = context.job_attempt;
    }
    sinks_.output_log->info(json_line(line));
  }
  if (sinks_.log) {
    InvocationRecord record;
    record.request_id = std::string(context.request_id);
    record.job_id = std::string(context.job_id);
    record.job_attempt = context.job_attempt;
    record.version_id = execution.version_id;
    record.time = std::chrono::system_clock::now();
    if (error) {
      record.error_code = error->code;
      record.error = error->message;
    }
    record.duration_ms = seconds * 1000;
    record.stdout_text = logs.stdout_text;
    record.stderr_text = logs.stderr_text;
    record.stdout_truncated = logs.stdout_truncated;
    record.stderr_truncated = logs.stderr_truncated;
    sinks_.log->record(bucket, key, std::move(record));
  }
}

}  // namespace wasmfaas::api
