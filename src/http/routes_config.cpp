// Per-function config: PUT/GET /config/{bucket}/{key}.
#include "http/route_helpers.h"
#include "http/router.h"

namespace wasmfaas::http {
namespace {

using beast_http::status;
using beast_http::verb;

}  // namespace

Response Router::handle_config(const Call& call) {
  const std::string& bucket = call.target.segments[1];
  const std::string key = call.target.join_from(2);
  const unsigned version = call.request.version();
  if (call.request.method() == verb::put) {
    auto stored = deps_.deployments.put_config(bucket, key, call.request.body());
    if (!stored) return error_response(stored.error(), version);
    auto config = deps_.deployments.get_config(bucket, key);
    if (!config) return error_response(config.error(), version);
    nlohmann::json body = {{"key", key},
                           {"version", stored->version_id},
                           {"config", nlohmann::json::parse(api::function_config_json(*config))}};
    return json_response(status::ok, dump(body), version);
  }
  auto config = deps_.deployments.get_config(bucket, key);
  if (!config) return error_response(config.error(), version);
  return json_response(status::ok, api::function_config_json(*config), version);
}

}  // namespace wasmfaas::http
