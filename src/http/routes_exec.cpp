// Execution: POST /exec/{bucket}/{key}, stored pipelines
// (/pipeline/{bucket}[/{name}[/exec]]) and ad hoc ones (POST /pipeline/exec).
#include <cstdio>

#include "http/route_helpers.h"
#include "http/router.h"

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

}  // namespace

Response Router::handle_exec(const Call& call) {
  const unsigned version = call.request.version();
  const std::string& bucket = call.target.segments[1];
  const std::string key = call.target.join_from(2);
  if (auto json = check_json_body(call.request); !json) {
    return error_response(json.error(), version);
  }
  auto result = deps_.execution.exec(bucket, key, version_parameter(call.target),
                                     call.request.body(), {call.request_id, std::nullopt});
  if (!result.output) return error_response(result.output.error(), version);
  Response response = output_response(std::move(*result.output), version);
  response.set("Server-Timing", server_timing(result.timings));
  response.set("X-Function-Version", result.version_id);
  return response;
}

Response Router::handle_pipeline(const Call& call) {
  const unsigned version = call.request.version();
  const std::string& bucket = call.target.segments[1];
  if (call.target.segments.size() == 2) {
    auto names = deps_.pipelines.list(bucket);
    if (!names) return error_response(names.error(), version);
    return json_response(status::ok, dump({{"pipelines", *names}}), version);
  }
  const std::string& name = call.target.segments[2];
  switch (call.request.method()) {
    case verb::put: {
      auto stored = deps_.pipelines.put(bucket, name, call.request.body());
      if (!stored) return error_response(stored.error(), version);
      return json_response(status::created,
                           dump({{"bucket", bucket},
                                 {"name", name},
                                 {"steps", nlohmann::json::parse(api::pipeline_json(*stored))["steps"]}}),
                           version);
    }
    case verb::get: {
      auto definition = deps_.pipelines.get(bucket, name);
      if (!definition) return error_response(definition.error(), version);
      return json_response(status::ok, api::pipeline_json(*definition), version);
    }
    default: {
      auto removed = deps_.pipelines.remove(bucket, name);
      if (!removed) return error_response(removed.error(), version);
      return json_response(status::ok, dump({{"bucket", bucket}, {"name", name}, {"deleted", true}}),
                           version);
    }
  }
}

Response Router::handle_pipeline_exec(const Call& call) {
  const unsigned version = call.request.version();
  if (auto json = check_json_body(call.request); !json) {
    return error_response(json.error(), version);
  }
  const bool trace = trace_requested(call.target);
  return pipeline_response(deps_.pipelines.run(call.target.segments[1], call.target.segments[2],
                                               call.request.body(), trace, call.request_id),
                           trace, version);
}

Response Router::handle_adhoc_pipeline(const Call& call) {
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
  auto steps = api::parse_qualified_steps(texts, deps_.pipelines.options().max_steps);
  if (!steps) return error_response(steps.error(), version);
  for (const auto& step : *steps) {
    if (auto covered = AccessControl::check_bucket(call.token, step.bucket); !covered) {
      return error_response(covered.error(), version);
    }
  }
  const bool trace = trace_requested(call.target);
  return pipeline_response(
      deps_.pipelines.run_steps(*steps, std::move(input), trace, call.request_id), trace, version);
}

}  // namespace wasmfaas::http
