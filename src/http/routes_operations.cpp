// Operations: GET / (what this server is), GET /openapi.json (the API
// document), /healthz, /readyz, /version, GET /metrics (Prometheus text
// format) and GET /logs/{bucket}/{key}?limit=N (the latest invocations).
#include <charconv>

#include "common/time_format.h"
#include "http/openapi_document.h"
#include "http/route_helpers.h"
#include "http/routes.h"

namespace wasmfaas::http {
namespace {

using beast_http::field;
using beast_http::status;
using beast_http::verb;

Response handle_root(const Call& call) {
  const nlohmann::json body = {
      {"name", "wasmfaas"}, {"version", WASMFAAS_VERSION}, {"openapi", "/openapi.json"}};
  return json_response(status::ok, dump(body), call.request.version());
}

Response handle_openapi(const Call& call) {
  Response response(status::ok, call.request.version());
  response.set(field::content_type, "application/json");
  response.body() = std::string(openapi_document());
  return response;
}

Response handle_version(const Call& call) {
  const nlohmann::json body = {{"wasmfaas", WASMFAAS_VERSION}, {"wasmtime", WASMTIME_VERSION}};
  return json_response(status::ok, dump(body), call.request.version());
}

Response handle_metrics(const RouterDependencies& deps, const Call& call) {
  const unsigned version = call.request.version();
  if (!deps.registry) {
    return error_response(Error{ErrorCode::kNotFound, "metrics are not enabled"}, version);
  }
  Response response(status::ok, version);
  response.set(field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  response.body() = deps.registry->render();
  return response;
}

Response handle_ready(const RouterDependencies& deps, const Call& call) {
  const unsigned version = call.request.version();
  if (deps.leaving && deps.leaving->load()) {
    return error_response(Error{ErrorCode::kUnavailable,
                                "this node is shutting down: it finishes the requests it has "
                                "and takes no new ones after its shutdown delay",
                                reason::kShuttingDown},
                          version);
  }
  if (auto ready = deps.deployments.check_storage(); !ready) {
    return error_response(ready.error(), version);
  }
  return json_response(status::ok, R"({"status":"ready"})", version);
}

Response handle_logs(const RouterDependencies& deps, const Call& call) {
  const unsigned version = call.request.version();
  if (!deps.invocation_log) {
    return error_response(Error{ErrorCode::kNotFound, "invocation logs are not enabled"}, version);
  }
  const std::string& bucket = call.param("bucket");
  const std::string& key = call.param("key");
  size_t limit = deps.invocation_log->per_function();
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
  if (auto exists = deps.deployments.function_exists(bucket, key); !exists) {
    return error_response(exists.error(), version);
  }
  nlohmann::json invocations = nlohmann::json::array();
  for (const auto& record : deps.invocation_log->recent(bucket, key, limit)) {
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
    if (!record.job_id.empty()) {
      entry["job"] = record.job_id;
      entry["attempt"] = record.job_attempt;
    }
    invocations.push_back(std::move(entry));
  }
  return json_response(status::ok, dump({{"invocations", invocations}}), version);
}

}  // namespace

void add_operations_routes(RouteTable& table, const RouterDependencies& deps) {
  const auto healthz = [](const Call& call) {
    return json_response(status::ok, R"({"status":"ok"})", call.request.version());
  };
  table.add({
      {.method = verb::get, .path = "/", .access = Access::kOpen, .pool = Pool::kInline,
       .label = "root", .handler = handle_root},
      {.method = verb::get, .path = "/openapi.json", .access = Access::kOpen,
       .pool = Pool::kInline, .label = "openapi", .handler = handle_openapi},
      {.method = verb::get, .path = "/healthz", .access = Access::kOpen, .pool = Pool::kInline,
       .label = "healthz", .handler = healthz},
      {.method = verb::get, .path = "/version", .access = Access::kOpen, .pool = Pool::kInline,
       .label = "version", .handler = handle_version},
      // Readiness asks the store; metrics read /proc: both off the network threads.
      {.method = verb::get, .path = "/readyz", .access = Access::kReady, .pool = Pool::kStorage,
       .label = "readyz", .handler = [&deps](const Call& call) { return handle_ready(deps, call); }},
      {.method = verb::get, .path = "/metrics", .access = Access::kMetrics,
       .pool = Pool::kStorage, .label = "metrics",
       .handler = [&deps](const Call& call) { return handle_metrics(deps, call); }},
      {.method = verb::get, .path = "/logs/{bucket}/{key+}", .access = Access::kAdmin,
       .bucket_scoped = true, .pool = Pool::kStorage, .label = "logs", .query = {"limit"},
       .handler = [&deps](const Call& call) { return handle_logs(deps, call); }},
  });
}

}  // namespace wasmfaas::http
