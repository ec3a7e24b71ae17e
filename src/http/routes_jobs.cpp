// Async invocations: POST /async/{bucket}/{key} queues a job; GET /jobs and
// GET /jobs/{id} read them; DELETE /jobs/{id} cancels a queued one; POST
// /jobs/{id}/retry re-queues a failed or dead one; DELETE /jobs purges.
#include "http/route_helpers.h"
#include "http/routes.h"
#include "triggers/job_json.h"

namespace wasmfaas::http {
namespace {

using beast_http::status;
using beast_http::verb;

constexpr size_t kMaxListLimit = 1000;
constexpr size_t kDefaultListLimit = 100;

Error jobs_disabled() {
  return Error{ErrorCode::kNotFound,
               "async jobs are not enabled on this server (it has no state database)"};
}

std::optional<std::string> header_value(const Request& request, std::string_view name) {
  const auto found = request.find(name);
  if (found == request.end()) return std::nullopt;
  return std::string(found->value());
}

// The filter of a listing or purge from the query (`default_status` when it
// names none).
Result<state::JobFilter> job_filter(const Call& call,
                                    std::optional<state::JobStatus> default_status) {
  state::JobFilter filter;
  filter.bucket = call.target.query_value("bucket");
  filter.key = call.target.query_value("key");
  filter.status = default_status;
  if (const auto text = call.target.query_value("status")) {
    filter.status = state::parse_job_status(*text);
    if (!filter.status) {
      return make_error(ErrorCode::kInvalidArgument,
                        "status must be queued, running, succeeded, failed, dead or cancelled, "
                        "not '" +
                            *text + "'");
    }
  }
  if (filter.key && !filter.bucket) {
    return make_error(ErrorCode::kInvalidArgument, "key needs bucket");
  }
  // A token limited to some buckets sees only theirs: it must name one.
  if (call.token && !call.token->buckets.empty()) {
    if (!filter.bucket) {
      return make_error(ErrorCode::kPermissionDenied, "token '" + call.token->name +
                                                          "' is limited to some buckets: name one "
                                                          "with ?bucket=");
    }
    if (auto covered = AccessControl::check_bucket(call.token, *filter.bucket); !covered) {
      return std::unexpected(covered.error());
    }
  }
  return filter;
}

// The job of the call's {id}, if the caller's token covers its bucket (a
// job of another bucket is not found, as if it did not exist).
Result<state::JobRecord> job_of(const RouterDependencies& deps, const Call& call) {
  auto record = deps.jobs->get(call.param("id"));
  if (!record) return record;
  if (call.token && !call.token->covers_bucket(record->job.bucket)) {
    return make_error(ErrorCode::kNotFound, "job '" + call.param("id") + "' does not exist",
                      reason::kJobNotFound);
  }
  return record;
}

Response job_response(status code, const state::JobRecord& record, bool with_payload,
                      unsigned version) {
  return json_response(code, dump(triggers::job_json(record, with_payload)), version);
}

Response handle_submit(const RouterDependencies& deps, const Call& call) {
  const unsigned version = call.request.version();
  if (!deps.jobs) return error_response(jobs_disabled(), version);
  if (auto json = check_json_body(call.request); !json) {
    return error_response(json.error(), version);
  }
  triggers::JobSubmission submission;
  submission.bucket = call.param("bucket");
  submission.key = call.param("key");
  submission.version = version_parameter(call.target);
  submission.input = call.request.body();
  submission.idempotency_key = header_value(call.request, "Idempotency-Key");
  submission.callback_url = header_value(call.request, "X-Callback-Url");
  auto submitted = deps.jobs->submit(submission);
  if (!submitted) return error_response(submitted.error(), version);
  const state::JobRecord& record = submitted->record;
  Response response = json_response(
      status::accepted,
      dump({{"job", record.job.id}, {"status", state::job_status_name(record.status)}}), version);
  response.set(beast_http::field::location, "/jobs/" + record.job.id);
  if (!submitted->created) response.set("Idempotent-Replayed", "true");
  return response;
}

Response handle_get(const RouterDependencies& deps, const Call& call) {
  const unsigned version = call.request.version();
  if (!deps.jobs) return error_response(jobs_disabled(), version);
  auto record = job_of(deps, call);
  if (!record) return error_response(record.error(), version);
  return job_response(status::ok, *record, true, version);
}

Response handle_list(const RouterDependencies& deps, const Call& call) {
  const unsigned version = call.request.version();
  if (!deps.jobs) return error_response(jobs_disabled(), version);
  auto filter = job_filter(call, std::nullopt);
  if (!filter) return error_response(filter.error(), version);
  auto limit = parse_limit(call.target.query_value("limit"), kDefaultListLimit, kMaxListLimit);
  if (!limit) return error_response(limit.error(), version);
  std::optional<std::string> cursor = call.target.query_value("cursor");
  if (cursor && cursor->empty()) cursor.reset();
  auto page = deps.jobs->list(*filter, cursor, *limit);
  if (!page) return error_response(page.error(), version);
  nlohmann::json jobs = nlohmann::json::array();
  for (const state::JobRecord& record : page->jobs)
    jobs.push_back(triggers::job_json(record, false));
  nlohmann::json body = {{"jobs", std::move(jobs)}};
  body["cursor"] = page->next_cursor ? nlohmann::json(*page->next_cursor) : nlohmann::json(nullptr);
  return json_response(status::ok, dump(body), version);
}

Response handle_cancel(const RouterDependencies& deps, const Call& call) {
  const unsigned version = call.request.version();
  if (!deps.jobs) return error_response(jobs_disabled(), version);
  if (auto record = job_of(deps, call); !record) return error_response(record.error(), version);
  auto cancelled = deps.jobs->cancel(call.param("id"));
  if (!cancelled) return error_response(cancelled.error(), version);
  return job_response(status::ok, *cancelled, false, version);
}

Response handle_retry(const RouterDependencies& deps, const Call& call) {
  const unsigned version = call.request.version();
  if (!deps.jobs) return error_response(jobs_disabled(), version);
  if (auto record = job_of(deps, call); !record) return error_response(record.error(), version);
  auto queued = deps.jobs->retry(call.param("id"));
  if (!queued) return error_response(queued.error(), version);
  return job_response(status::ok, *queued, false, version);
}

Response handle_purge(const RouterDependencies& deps, const Call& call) {
  const unsigned version = call.request.version();
  if (!deps.jobs) return error_response(jobs_disabled(), version);
  auto filter = job_filter(call, state::JobStatus::kDead);
  if (!filter) return error_response(filter.error(), version);
  auto purged = deps.jobs->purge(*filter);
  if (!purged) return error_response(purged.error(), version);
  return json_response(status::ok, dump({{"purged", *purged}}), version);
}

}  // namespace

void add_job_routes(RouteTable& table, const RouterDependencies& deps) {
  table.add({
      {.method = verb::post,
       .path = "/async/{bucket}/{key+}",
       .access = Access::kInvoke,
       .bucket_scoped = true,
       .label = "async",
       .query = {"version"},
       .success = status::accepted,
       .handler = [&deps](const Call& call) { return handle_submit(deps, call); }},
      {.method = verb::get,
       .path = "/jobs",
       .access = Access::kInvoke,
       .label = "jobs",
       .query = {"bucket", "key", "status", "cursor", "limit"},
       .handler = [&deps](const Call& call) { return handle_list(deps, call); }},
      {.method = verb::delete_,
       .path = "/jobs",
       .access = Access::kAdmin,
       .label = "jobs",
       .audited = true,
       .query = {"bucket", "key", "status"},
       .handler = [&deps](const Call& call) { return handle_purge(deps, call); }},
      {.method = verb::get,
       .path = "/jobs/{id}",
       .access = Access::kInvoke,
       .label = "jobs",
       .handler = [&deps](const Call& call) { return handle_get(deps, call); }},
      {.method = verb::delete_,
       .path = "/jobs/{id}",
       .access = Access::kAdmin,
       .label = "jobs",
       .audited = true,
       .handler = [&deps](const Call& call) { return handle_cancel(deps, call); }},
      {.method = verb::post,
       .path = "/jobs/{id}/retry",
       .access = Access::kAdmin,
       .label = "jobs",
       .audited = true,
       .handler = [&deps](const Call& call) { return handle_retry(deps, call); }},
  });
}

}  // namespace wasmfaas::http
