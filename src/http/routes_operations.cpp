// Operations: GET /metrics (Prometheus text format) and
// GET /logs/{bucket}/{key}?limit=N (the latest invocations' output).
#include <charconv>

#include "common/time_format.h"
#include "http/route_helpers.h"
#include "http/router.h"

namespace wasmfaas::http {
namespace {

using beast_http::field;
using beast_http::status;

}  // namespace

Response Router::handle_metrics(const Call& call) {
  const unsigned version = call.request.version();
  if (!deps_.registry) {
    return error_response(Error{ErrorCode::kNotFound, "metrics are not enabled"}, version);
  }
  Response response(status::ok, version);
  response.set(field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  response.body() = deps_.registry->render();
  return response;
}

Response Router::handle_ready(const Call& call) {
  const unsigned version = call.request.version();
  if (auto ready = deps_.deployments.check_storage(); !ready) {
    return error_response(ready.error(), version);
  }
  return json_response(status::ok, R"({"status":"ready"})", version);
}

Response Router::handle_logs(const Call& call) {
  const unsigned version = call.request.version();
  if (!deps_.invocation_log) {
    return error_response(Error{ErrorCode::kNotFound, "invocation logs are not enabled"}, version);
  }
  const std::string& bucket = call.target.segments[1];
  const std::string key = call.target.join_from(2);
  size_t limit = deps_.invocation_log->per_function();
  if (const auto text = call.target.query_value("limit")) {
    size_t parsed = 0;
    const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), parsed);
    if (error != std::errc() || end != text->data() + text->size() || parsed == 0) {
      return error_response(
          Error{ErrorCode::kInvalidArgument, "limit must be a positive integer, not '" + *text + "'"},
          version);
    }
    limit = parsed;
  }
  nlohmann::json invocations = nlohmann::json::array();
  for (const auto& record : deps_.invocation_log->recent(bucket, key, limit)) {
    nlohmann::json entry = {
        {"request_id", record.request_id},
        {"time", format_rfc3339(record.time)},
        {"status", record.error_code ? static_cast<int>(status_for(*record.error_code)) : 200},
        {"duration_ms", record.duration_ms},
        {"version", record.version_id},
        {"stdout", record.stdout_text},
        {"stderr", record.stderr_text}};
    if (record.stdout_truncated) entry["stdout_truncated"] = true;
    if (record.stderr_truncated) entry["stderr_truncated"] = true;
    if (record.error_code) entry["error"] = record.error;
    invocations.push_back(std::move(entry));
  }
  return json_response(status::ok, dump({{"invocations", invocations}}), version);
}

}  // namespace wasmfaas::http
