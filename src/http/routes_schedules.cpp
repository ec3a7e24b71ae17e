// Cron schedules: PUT|GET|DELETE /schedule/{bucket}/{name}, GET
// /schedule/{bucket} lists, POST /schedule/{bucket}/{name}/pause|resume.
#include "http/route_helpers.h"
#include "http/routes.h"
#include "triggers/job_json.h"

namespace wasmfaas::http {
namespace {

using beast_http::status;
using beast_http::verb;

Error schedules_disabled() {
  return Error{ErrorCode::kNotFound,
               "schedules are not enabled on this server (it has no state database)"};
}

nlohmann::json schedule_json(const state::ScheduleRecord& schedule) {
  return {{"bucket", schedule.bucket},
          {"name", schedule.name},
          {"cron", schedule.cron},
          {"timezone", schedule.timezone},
          {"function", schedule.function},
          {"input", schedule.input},
          {"overlap", schedule.allow_overlap ? "allow" : "skip"},
          {"catch_up", schedule.catch_up},
          {"paused", schedule.paused},
          {"created", triggers::time_json(schedule.created_ms)},
          {"updated", triggers::time_json(schedule.updated_ms)},
          {"next_fire", schedule.next_fire_ms ? nlohmann::json(triggers::time_json(*schedule.next_fire_ms))
                                              : nlohmann::json(nullptr)}};
}

Response view_response(const RouterDependencies& deps, const Call& call, status code) {
  const unsigned version = call.request.version();
  auto view = deps.schedules->get(call.param("bucket"), call.param("name"));
  if (!view) return error_response(view.error(), version);
  nlohmann::json body = schedule_json(view->schedule);
  nlohmann::json next = nlohmann::json::array();
  for (int64_t fire : view->next_fires_ms) next.push_back(triggers::time_json(fire));
  body["next_fires"] = std::move(next);
  nlohmann::json runs = nlohmann::json::array();
  for (const auto& run : view->last_runs) {
    nlohmann::json entry = {{"fire_time", triggers::time_json(run.fire.fire_ms)},
                            {"outcome", run.fire.outcome},
                            {"recorded", triggers::time_json(run.fire.recorded_ms)}};
    entry["job"] = run.fire.job_id ? nlohmann::json(*run.fire.job_id) : nlohmann::json(nullptr);
    if (run.job_status) entry["job_status"] = state::job_status_name(*run.job_status);
    runs.push_back(std::move(entry));
  }
  body["last_runs"] = std::move(runs);
  return json_response(code, dump(body), version);
}

Result<void> schedules_enabled_in_bucket(const RouterDependencies& deps, const Call& call) {
  if (!deps.schedules) return std::unexpected(schedules_disabled());
  return deps.deployments.require_bucket(call.param("bucket"));
}

Response handle_put(const RouterDependencies& deps, const Call& call) {
  const unsigned version = call.request.version();
  if (auto ok = schedules_enabled_in_bucket(deps, call); !ok) {
    return error_response(ok.error(), version);
  }
  if (auto stored = deps.schedules->put(call.param("bucket"), call.param("name"),
                                        call.request.body());
      !stored) {
    return error_response(stored.error(), version);
  }
  return view_response(deps, call, status::ok);
}

Response handle_get(const RouterDependencies& deps, const Call& call) {
  if (auto ok = schedules_enabled_in_bucket(deps, call); !ok) {
    return error_response(ok.error(), call.request.version());
  }
  return view_response(deps, call, status::ok);
}

Response handle_list(const RouterDependencies& deps, const Call& call) {
  const unsigned version = call.request.version();
  if (auto ok = schedules_enabled_in_bucket(deps, call); !ok) {
    return error_response(ok.error(), version);
  }
  auto schedules = deps.schedules->list(call.param("bucket"));
  if (!schedules) return error_response(schedules.error(), version);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& schedule : *schedules) list.push_back(schedule_json(schedule));
  return json_response(status::ok, dump({{"schedules", std::move(list)}}), version);
}

Response handle_delete(const RouterDependencies& deps, const Call& call) {
  const unsigned version = call.request.version();
  if (auto ok = schedules_enabled_in_bucket(deps, call); !ok) {
    return error_response(ok.error(), version);
  }
  if (auto removed = deps.schedules->remove(call.param("bucket"), call.param("name")); !removed) {
    return error_response(removed.error(), version);
  }
  Response response(status::no_content, version);
  response.prepare_payload();
  return response;
}

Response handle_pause(const RouterDependencies& deps, const Call& call, bool paused) {
  const unsigned version = call.request.version();
  if (auto ok = schedules_enabled_in_bucket(deps, call); !ok) {
    return error_response(ok.error(), version);
  }
  if (auto updated = deps.schedules->set_paused(call.param("bucket"), call.param("name"), paused);
      !updated) {
    return error_response(updated.error(), version);
  }
  return view_response(deps, call, status::ok);
}

}  // namespace

void add_schedule_routes(RouteTable& table, const RouterDependencies& deps) {
  table.add({
      {.method = verb::get, .path = "/schedule/{bucket}", .access = Access::kAdmin,
       .bucket_scoped = true, .label = "schedule",
       .handler = [&deps](const Call& call) { return handle_list(deps, call); }},
      {.method = verb::put, .path = "/schedule/{bucket}/{name}", .access = Access::kAdmin,
       .bucket_scoped = true, .label = "schedule", .audited = true,
       .handler = [&deps](const Call& call) { return handle_put(deps, call); }},
      {.method = verb::get, .path = "/schedule/{bucket}/{name}", .access = Access::kAdmin,
       .bucket_scoped = true, .label = "schedule",
       .handler = [&deps](const Call& call) { return handle_get(deps, call); }},
      {.method = verb::delete_, .path = "/schedule/{bucket}/{name}", .access = Access::kAdmin,
       .bucket_scoped = true, .label = "schedule", .audited = true,
       .success = status::no_content,
       .handler = [&deps](const Call& call) { return handle_delete(deps, call); }},
      {.method = verb::post, .path = "/schedule/{bucket}/{name}/pause", .access = Access::kAdmin,
       .bucket_scoped = true, .label = "schedule", .audited = true,
       .handler = [&deps](const Call& call) { return handle_pause(deps, call, true); }},
      {.method = verb::post, .path = "/schedule/{bucket}/{name}/resume", .access = Access::kAdmin,
       .bucket_scoped = true, .label = "schedule", .audited = true,
       .handler = [&deps](const Call& call) { return handle_pause(deps, call, false); }},
  });
}

}  // namespace wasmfaas::http
