// Pipelines: stored ones (/pipeline/{bucket}[/{name}[/exec]]) and ad hoc
// ones (POST /pipeline/exec).
#include "http/route_helpers.h"
#include "http/routes.h"

namespace wasmfaas::http {
namespace {

using beast_http::field;
using beast_http::status;
using beast_http::verb;

bool trace_requested(const RequestTarget& target) {
  const auto trace = target.query_value("trace");
  return trace && (*trace == "1" || *trace == "true");
}

// The traced answer: {"output":...,"steps":[{"step","version","output","ms"}]}.
// Outputs that are JSON are embedded as JSON, others as strings.
Response trace_response(const api::PipelineResult& result, unsigned version) {
  const auto value_of = [](const std::string& output) {
    auto parsed = nlohmann::json::parse(output, nullptr, false);
    return parsed.is_discarded() ? nlohmann::json(output) : parsed;
  };
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& step : result.steps) {
    steps.push_back({{"key", step.step},
                     {"version", step.version_id},
                     {"output", value_of(step.output)},
                     {"ms", step.ms}});
  }
  return json_response(status::ok, dump({{"output", value_of(result.output)}, {"steps", steps}}),
                       version);
}

Response pipeline_response(Result<api::PipelineResult> result, bool trace, unsigned version) {
  if (!result) return error_response(result.error(), version);
  if (trace) return trace_response(*result, version);
  return output_response(std::move(result->output), version);
}

Response handle_pipeline(const RouterDependencies& deps, const Call& call) {
  const unsigned version = call.request.version();
  const std::string& bucket = call.param("bucket");
  if (call.param("name").empty()) {
    auto names = deps.pipelines.list(bucket);
    if (!names) return error_response(names.error(), version);
    return json_response(status::ok, dump({{"pipelines", *names}}), version);
  }
  const std::string& name = call.param("name");
  switch (call.request.method()) {
    case verb::put: {
      auto stored = deps.pipelines.put(bucket, name, call.request.body());
      if (!stored) return error_response(stored.error(), version);
      return json_response(status::created,
                           dump({{"bucket", bucket},
                                 {"name", name},
                                 {"steps", nlohmann::json::parse(api::pipeline_json(*stored))["steps"]}}),
                           version);
    }
    case verb::get: {
      auto definition = deps.pipelines.get(bucket, name);
      if (!definition) return error_response(definition.error(), version);
      return json_response(status::ok, api::pipeline_json(*definition), version);
    }
    default: {
      auto removed = deps.pipelines.remove(bucket, name);
      if (!removed) return error_response(removed.error(), version);
      return json_response(status::ok, dump({{"bucket", bucket}, {"name", name}, {"deleted", true}}),
                           version);
    }
  }
}

Response handle_pipeline_exec(const RouterDependencies& deps, const Call& call) {
  const unsigned version = call.request.version();
  if (auto json = check_json_body(call.request); !json) {
    return error_response(json.error(), version);
  }
  const bool trace = trace_requested(call.target);
  return pipeline_response(deps.pipelines.run(call.param("bucket"), call.param("name"),
                                               call.request.body(), trace, call.request_id),
                           trace, version);
}

Response handle_adhoc_pipeline(const RouterDependencies& deps, const Call& call) {
  const unsigned version = call.request.version();
  const auto body = nlohmann::json::parse(call.request.body(), nullptr, false);
  const auto invalid = [&](const std::string& message) {
    return error_response(Error{ErrorCode::kInvalidArgument, message}, version);
  };
  if (body.is_discarded() || !body.is_object()) {
    return invalid(R"(an ad hoc pipeline is {"steps":["bucket/key",...],"input":"..."})");
  }
  for (const auto& [field_name, value] : body.items()) {
    if (field_name != "steps" && field_name != "input") {
      return invalid("unknown field '" + field_name + "'");
    }
  }
  if (!body.contains("steps") || !body["steps"].is_array()) {
    return invalid("field 'steps' must be an array of \"bucket/key\" strings");
  }
  std::vector<std::string> texts;
  for (const auto& step : body["steps"]) {
    if (!step.is_string()) return invalid("field 'steps' must be an array of \"bucket/key\" strings");
    texts.push_back(step.get<std::string>());
  }
  // The input is a string; any other JSON value is passed as its JSON text.
  std::string input;
  if (body.contains("input")) {
    input = body["input"].is_string() ? body["input"].get<std::string>() : dump(body["input"]);
  }
  auto steps = api::parse_qualified_steps(texts, deps.pipelines.options().max_steps);
  if (!steps) return error_response(steps.error(), version);
  for (const auto& step : *steps) {
    if (auto covered = AccessControl::check_bucket(call.token, step.bucket); !covered) {
      return error_response(covered.error(), version);
    }
  }
  const bool trace = trace_requested(call.target);
  return pipeline_response(
      deps.pipelines.run_steps(*steps, std::move(input), trace, call.request_id), trace, version);
}

}  // namespace

void add_pipeline_routes(RouteTable& table, const RouterDependencies& deps) {
  const auto manage = [&deps](const Call& call) { return handle_pipeline(deps, call); };
  table.add({
      {.method = verb::post, .path = "/pipeline/exec", .access = Access::kInvoke,
       .pool = Pool::kExec, .label = "pipeline_exec", .query = {"trace"},
       .handler = [&deps](const Call& call) { return handle_adhoc_pipeline(deps, call); }},
      {.method = verb::get, .path = "/pipeline/{bucket}", .access = Access::kAdmin,
       .bucket_scoped = true, .label = "pipeline", .handler = manage},
      {.method = verb::put, .path = "/pipeline/{bucket}/{name}", .access = Access::kAdmin,
       .bucket_scoped = true, .label = "pipeline", .audited = true,
       .success = status::created, .handler = manage},
      {.method = verb::get, .path = "/pipeline/{bucket}/{name}", .access = Access::kAdmin,
       .bucket_scoped = true, .label = "pipeline", .handler = manage},
      {.method = verb::delete_, .path = "/pipeline/{bucket}/{name}", .access = Access::kAdmin,
       .bucket_scoped = true, .label = "pipeline", .audited = true, .handler = manage},
      {.method = verb::post, .path = "/pipeline/{bucket}/{name}/exec", .access = Access::kInvoke,
       .bucket_scoped = true, .pool = Pool::kExec, .label = "pipeline_exec", .query = {"trace"},
       .handler = [&deps](const Call& call) { return handle_pipeline_exec(deps, call); }},
  });
}

}  // namespace wasmfaas::http
