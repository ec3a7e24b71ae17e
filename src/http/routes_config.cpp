// Per-function config: PUT/GET /config/{bucket}/{key}.
#include "http/route_helpers.h"
#include "http/routes.h"

namespace wasmfaas::http {
namespace {

using beast_http::status;
using beast_http::verb;

Response handle_put_config(const RouterDependencies& deps, const Call& call) {
  const std::string& bucket = call.param("bucket");
  const std::string& key = call.param("key");
  const unsigned version = call.request.version();
  auto stored = deps.deployments.put_config(bucket, key, call.request.body());
  if (!stored) return error_response(stored.error(), version);
  auto config = deps.deployments.get_config(bucket, key);
  if (!config) return error_response(config.error(), version);
  nlohmann::json body = {{"key", key},
                         {"version", stored->version_id},
                         {"config", nlohmann::json::parse(api::function_config_json(*config))}};
  return json_response(status::ok, dump(body), version);
}

Response handle_get_config(const RouterDependencies& deps, const Call& call) {
  auto config = deps.deployments.get_config(call.param("bucket"), call.param("key"));
  if (!config) return error_response(config.error(), call.request.version());
  return json_response(status::ok, api::function_config_json(*config), call.request.version());
}

}  // namespace

void add_config_routes(RouteTable& table, const RouterDependencies& deps) {
  table.add({
      {.method = verb::put, .path = "/config/{bucket}/{key+}", .access = Access::kAdmin,
       .bucket_scoped = true, .label = "config", .audited = true,
       .handler = [&deps](const Call& call) { return handle_put_config(deps, call); }},
      {.method = verb::get, .path = "/config/{bucket}/{key+}", .access = Access::kAdmin,
       .bucket_scoped = true, .label = "config",
       .handler = [&deps](const Call& call) { return handle_get_config(deps, call); }},
  });
}

}  // namespace wasmfaas::http
