// Aliases and rollback: GET/PUT/DELETE /aliases/{bucket}/{key}?name=,
// POST /rollback/{bucket}/{key}.
#include "http/route_helpers.h"
#include "http/routes.h"
#include "storage/naming.h"

namespace wasmfaas::http {
namespace {

using beast_http::status;
using beast_http::verb;

Error invalid(std::string message) {
  return Error{ErrorCode::kInvalidArgument, std::move(message)};
}

// The alias a PUT or DELETE names: ?name=<alias>.
Result<std::string> alias_name(const Call& call) {
  auto name = call.target.query_value("name");
  if (!name) return std::unexpected(invalid("name the alias: ?name=<alias>"));
  return std::move(*name);
}

Response handle_aliases(const RouterDependencies& deps, const Call& call) {
  const std::string& bucket = call.param("bucket");
  const std::string& key = call.param("key");
  const unsigned version = call.request.version();
  if (call.request.method() == verb::get) {
    auto aliases = deps.deployments.list_aliases(bucket, key);
    if (!aliases) return error_response(aliases.error(), version);
    return json_response(status::ok, api::aliases_json(*aliases), version);
  }
  auto name = alias_name(call);
  if (!name) return error_response(name.error(), version);
  if (call.request.method() == verb::put) {
    auto alias = deps.deployments.set_alias(bucket, key, *name, call.request.body());
    if (!alias) return error_response(alias.error(), version);
    return json_response(status::ok, api::alias_json(*alias), version);
  }
  if (auto removed = deps.deployments.delete_alias(bucket, key, *name); !removed) {
    return error_response(removed.error(), version);
  }
  Response response(status::no_content, version);
  response.prepare_payload();
  return response;
}

// The rollback's target from an optional body {"to":"<version id>"}.
Result<std::optional<std::string>> rollback_target(const Request& request) {
  if (request.body().empty()) return std::nullopt;
  const auto body = nlohmann::json::parse(request.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return std::unexpected(invalid(R"(a rollback's body is empty or {"to":"<version id>"})"));
  }
  for (const auto& [field_name, value] : body.items()) {
    if (field_name != "to") return std::unexpected(invalid("unknown field '" + field_name + "'"));
  }
  const auto to = body.find("to");
  if (to == body.end()) return std::nullopt;
  if (!to->is_string() || !storage::validate_version_id(to->get<std::string>())) {
    return std::unexpected(invalid("field 'to' must be a version id"));
  }
  return to->get<std::string>();
}

Response handle_rollback(const RouterDependencies& deps, const Call& call) {
  const std::string& bucket = call.param("bucket");
  const std::string& key = call.param("key");
  const unsigned version = call.request.version();
  auto to = rollback_target(call.request);
  if (!to) return error_response(to.error(), version);
  auto rolled = deps.deployments.rollback(bucket, key, *to);
  if (!rolled) return error_response(rolled.error(), version);
  return json_response(status::created,
                       dump({{"bucket", bucket},
                             {"key", key},
                             {"version", rolled->version.version_id},
                             {"from", rolled->from}}),
                       version);
}

}  // namespace

void add_alias_routes(RouteTable& table, const RouterDependencies& deps) {
  const auto aliases = [&deps](const Call& call) { return handle_aliases(deps, call); };
  table.add({
      {.method = verb::get, .path = "/aliases/{bucket}/{key+}", .access = Access::kAdmin,
       .bucket_scoped = true, .label = "aliases", .handler = aliases},
      {.method = verb::put, .path = "/aliases/{bucket}/{key+}", .access = Access::kAdmin,
       .bucket_scoped = true, .label = "aliases", .audited = true, .query = {"name"},
       .handler = aliases},
      {.method = verb::delete_, .path = "/aliases/{bucket}/{key+}", .access = Access::kAdmin,
       .bucket_scoped = true, .label = "aliases", .audited = true, .query = {"name"},
       .success = status::no_content, .handler = aliases},
      {.method = verb::post, .path = "/rollback/{bucket}/{key+}", .access = Access::kAdmin,
       .bucket_scoped = true, .label = "rollback", .audited = true,
       .success = status::created,
       .handler = [&deps](const Call& call) { return handle_rollback(deps, call); }},
  });
}

}  // namespace wasmfaas::http
