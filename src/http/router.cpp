#include "http/router.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <exception>
#include <optional>
#include <nlohmann/json.hpp>

#include "common/time_format.h"
#include "http/error_response.h"
#include "http/network_thread.h"
#include "http/route_helpers.h"
#include "http/routes.h"

namespace wasmfaas::http {
namespace {

using beast_http::field;
using beast_http::verb;

// kInvalidArgument naming the query parameters `route` does not take.
Result<void> check_query(const Route& route, const RequestTarget& target) {
  std::string unknown;
  for (const auto& [name, value] : target.query) {
    if (std::find(route.query.begin(), route.query.end(), name) != route.query.end()) continue;
    unknown += (unknown.empty() ? "'" : ", '") + name + "'";
  }
  if (unknown.empty()) return {};
  std::string accepted;
  for (std::string_view name : route.query) {
    accepted += (accepted.empty() ? "" : ", ") + std::string(name);
  }
  return make_error(ErrorCode::kInvalidArgument,
                    "unknown query parameter " + unknown + (accepted.empty()
                                                                ? "; this route takes none"
                                                                : "; this route takes " + accepted),
                    reason::kUnknownQueryParameter);
}

}  // namespace

Router::Router(RouterDependencies dependencies)
    : deps_(dependencies), run_times_(dependencies.short_call) {
  add_operations_routes(table_, deps_);
  add_file_routes(table_, deps_);
  add_config_routes(table_, deps_);
  add_alias_routes(table_, deps_);
  add_exec_routes(table_, deps_);
  add_pipeline_routes(table_, deps_);
  add_keyvalue_routes(table_, deps_);
  add_job_routes(table_, deps_);
  add_schedule_routes(table_, deps_);
  add_console_routes(table_, deps_);
}

bool Router::is_upload(const Request& header) const {
  auto target = parse_request_target(header.target());
  if (!target) return false;
  const auto match = table_.match(header.method(), target->segments);
  return match.route && match.route->body == BodyLimit::kUpload;
}

Result<const ApiToken*> Router::authorize(const Request& request, const Route& route,
                                          const Call& call) const {
  if (!deps_.access || !deps_.access->enabled()) return nullptr;
  const std::string& bucket = route.bucket_scoped ? call.param("bucket") : std::string();
  return deps_.access->authorize(request[field::authorization], route.access, bucket);
}

Router::Reply Router::with_reporting(Reply reply, const Request& request, const Route* route,
                                     const Call* call) const {
  if (!deps_.requests && !deps_.request_durations && !deps_.access_log) return reply;
  const ApiToken* token = call ? call->token : nullptr;
  const bool audited = token && route && route->audited;
  return [this, reply = std::move(reply),
          label = std::string(route ? route->label : std::string_view("other")),
          method = std::string(request.method_string()),
          request_id = call ? call->request_id : std::string(),
          bucket = call ? call->param("bucket") : std::string(),
          key = call ? call->param("key") : std::string(), bytes_in = request.body().size(),
          token_name = token ? token->name : std::string(), audited,
          target_text = std::string(request.target()),
          started = std::chrono::steady_clock::now()](Response response) {
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
    const unsigned status_code = response.result_int();
    const size_t bytes_out = response.body().size();
    // Metrics before the reply, so that a client that has its answer sees
    // it counted; the access log after, off the answer's path.
    if (deps_.requests) deps_.requests->with({label, method, std::to_string(status_code)}).add();
    if (deps_.request_durations) deps_.request_durations->with({label}).observe(elapsed.count());
    reply(std::move(response));
    if (deps_.access_log && deps_.access_log->should_log(spdlog::level::info)) {
      const std::string now = format_rfc3339(std::chrono::system_clock::now());
      nlohmann::json line = {{"time", now},
                             {"level", "info"},
                             {"type", "access"},
                             {"request_id", request_id},
                             {"method", method},
                             {"route", label},
                             {"status", status_code},
                             {"duration_ms", elapsed.count() * 1000},
                             {"bytes_in", bytes_in},
                             {"bytes_out", bytes_out}};
      if (!bucket.empty()) line["bucket"] = bucket;
      if (!key.empty()) line["key"] = key;
      if (!token_name.empty()) line["token"] = token_name;
      deps_.access_log->info(dump(line));
      if (audited) {
        deps_.access_log->info(dump({{"time", now},
                                     {"level", "info"},
                                     {"type", "audit"},
                                     {"request_id", request_id},
                                     {"token", token_name},
                                     {"method", method},
                                     {"target", target_text},
                                     {"status", status_code}}));
      }
    }
  };
}

void Router::dispatch(Request request, std::string request_id, Reply reply) {
  const unsigned version = request.version();
  auto target = parse_request_target(request.target());
  if (!target) {
    reply = with_reporting(std::move(reply), request, nullptr, nullptr);
    return reply(error_response(target.error(), version));
  }
  auto match = table_.match(request.method(), target->segments);
  if (!match.route) {
    reply = with_reporting(std::move(reply), request, nullptr, nullptr);
    if (match.allowed.empty()) {
      return reply(error_response(Error{ErrorCode::kNotFound,
                                        "no route for " + std::string(request.target()),
                                        reason::kRouteNotFound},
                                  version));
    }
    Response response = error_response(
        Error{ErrorCode::kMethodNotAllowed, std::string(request.method_string()) +
                                                " is not allowed here; use " + match.allowed},
        version);
    response.set(field::allow, match.allowed);
    return reply(std::move(response));
  }
  const Route& route = *match.route;
  auto call = std::make_shared<Call>(Call{std::move(request), std::move(*target),
                                          std::move(match.params), std::move(request_id)});
  auto token = authorize(call->request, route, *call);
  if (token) call->token = *token;
  reply = with_reporting(std::move(reply), call->request, &route, call.get());
  if (!token) return reply(error_response(token.error(), version));
  if (auto query = check_query(route, call->target); !query) {
    return reply(error_response(query.error(), version));
  }
  run(route, std::move(call), std::move(reply));
}

namespace {

// The route's answer to `call`. A handler that throws is a bug: the caller
// gets a 500 naming it and the server keeps serving.
Response answer(const Route& route, const Call& call) {
  try {
    return route.handler(call);
  } catch (const std::exception& exception) {
    return error_response(
        Error{ErrorCode::kInternal, std::string("internal error: ") + exception.what()},
        call.request.version());
  } catch (...) {
    return error_response(Error{ErrorCode::kInternal, "internal error: unknown exception"},
                          call.request.version());
  }
}

std::string function_of(const Call& call) { return call.param("bucket") + "/" + call.param("key"); }

}  // namespace

bool Router::run_on_network_thread(const Route& route, const std::shared_ptr<Call>& call,
                                   Reply& reply) {
  NetworkThread* thread = NetworkThread::current();
  if (!route.inline_when_short || !thread) return false;
  const std::string function = function_of(*call);
  if (!run_times_.expect_short(function)) return false;
  std::optional<Response> response;
  {
    NetworkThread::InCall in_call(*thread);
    const auto started = std::chrono::steady_clock::now();
    response = answer(route, *call);
    run_times_.record(function, std::chrono::steady_clock::now() - started);
  }
  if (deps_.exec_placements) deps_.exec_placements->with({"network"}).add();
  reply(std::move(*response));
  call->release_after_reply.clear();
  return true;
}

void Router::run(const Route& route, std::shared_ptr<Call> call, Reply reply) {
  const unsigned version = call->request.version();
  if (route.pool == Pool::kInline) {
    reply(answer(route, *call));
    return call->release_after_reply.clear();
  }
  if (run_on_network_thread(route, call, reply)) return;
  WorkerPool& pool = route.pool == Pool::kExec ? deps_.exec_pool : deps_.storage_pool;
  auto shared_reply = std::make_shared<Reply>(std::move(reply));
  const bool accepted = pool.try_submit(
      [this, &route, call, shared_reply] {
        const auto started = std::chrono::steady_clock::now();
        Response response = answer(route, *call);
        if (route.inline_when_short) {
          run_times_.record(function_of(*call), std::chrono::steady_clock::now() - started);
          if (deps_.exec_placements) deps_.exec_placements->with({"worker"}).add();
        }
        (*shared_reply)(std::move(response));
        call->release_after_reply.clear();
      });
  if (!accepted) {
    (*shared_reply)(error_response(
        Error{ErrorCode::kOverloaded, "server is overloaded; retry later"}, version));
  }
}

}  // namespace wasmfaas::http
