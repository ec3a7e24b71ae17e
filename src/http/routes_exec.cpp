// Execution: POST /exec/{bucket}/{key}[?version=<id>|?alias=<name>].
#include <cstdio>

#include "http/route_helpers.h"
#include "http/routes.h"

namespace wasmfaas::http {
namespace {

using beast_http::field;
using beast_http::status;
using beast_http::verb;

std::string server_timing(const api::ExecTimings& timings) {
  const auto ms = [](std::chrono::nanoseconds d) {
    return std::chrono::duration<double, std::milli>(d).count();
  };
  char buffer[160];
  std::snprintf(buffer, sizeof buffer,
                "fetch;dur=%.3f, compile;dur=%.3f, instantiate;dur=%.3f, exec;dur=%.3f",
                ms(timings.fetch), ms(timings.compile), ms(timings.instantiate),
                ms(timings.exec));
  return buffer;
}

Response handle_exec(const RouterDependencies& deps, const Call& call) {
  const unsigned version = call.request.version();
  const std::string& bucket = call.param("bucket");
  const std::string& key = call.param("key");
  if (auto json = check_json_body(call.request); !json) {
    return error_response(json.error(), version);
  }
  std::optional<std::string> version_id = version_parameter(call.target);
  const std::optional<std::string> alias = call.target.query_value("alias");
  if (alias) {
    if (version_id) {
      return error_response(
          Error{ErrorCode::kInvalidArgument, "give ?version or ?alias, not both"}, version);
    }
    auto picked = deps.execution.alias_version(bucket, key, *alias);
    if (!picked) return error_response(picked.error(), version);
    version_id = std::move(*picked);
  }
  api::Execution execution = deps.execution.exec(bucket, key, version_id, call.request.body(),
                                                 {call.request_id, std::nullopt});
  Response response = execution.output
                          ? output_response(std::move(*execution.output), version)
                          : error_response(execution.output.error(), version);
  // Once the version was resolved, every answer names it and its timings,
  // failures (429, 500, 502, 504) included.
  if (!execution.version_id.empty()) {
    response.set("Server-Timing", server_timing(execution.timings));
    response.set("X-Function-Version", execution.version_id);
    if (alias) response.set("X-Function-Alias", *alias);
  }
  return response;
}

}  // namespace

void add_exec_routes(RouteTable& table, const RouterDependencies& deps) {
  table.add({.method = verb::post, .path = "/exec/{bucket}/{key+}", .access = Access::kInvoke,
             .bucket_scoped = true, .pool = Pool::kExec, .inline_when_short = true,
             .label = "exec",
             .query = {"version", "alias"},
             .handler = [&deps](const Call& call) { return handle_exec(deps, call); }});
}

}  // namespace wasmfaas::http
