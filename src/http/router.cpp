#include "http/router.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <exception>
#include <nlohmann/json.hpp>

#include "common/time_format.h"
#include "http/error_response.h"
#include "http/header_values.h"
#include "http/route_helpers.h"

namespace wasmfaas::http {
namespace {

using beast_http::field;
using beast_http::status;
using beast_http::verb;

Response not_found_route(const Request& request) {
  return error_response(
      Error{ErrorCode::kNotFound, "no route for " + std::string(request.target())},
      request.version());
}

// The route label of a request for metrics: a fixed set, whatever the path.
std::string route_label(const Request& request) {
  static constexpr std::string_view kRoutes[] = {"healthz", "readyz", "version", "metrics",
                                                 "bucket",  "file",   "exec",    "logs",
                                                 "pipeline", "config"};
  std::string_view target = request.target();
  if (target.starts_with('/')) target.remove_prefix(1);
  const std::string_view first = target.substr(0, target.find_first_of("/?"));
  for (std::string_view route : kRoutes) {
    if (first == route) {
      if (route == "pipeline" && target.find("/exec") != std::string_view::npos &&
          request.method() == verb::post) {
        return "pipeline_exec";
      }
      return std::string(route);
    }
  }
  return "other";
}

}  // namespace

Result<void> check_json_body(const Request& request) {
  const std::string type = media_type(request[field::content_type]);
  const bool json = type == "application/json" || (type.size() > 5 && type.ends_with("+json"));
  if (json && !nlohmann::json::accept(request.body())) {
    return make_error(ErrorCode::kInvalidArgument,
                      "request body is not valid JSON (Content-Type says it is)");
  }
  return {};
}

Response output_response(std::string output, unsigned http_version) {
  Response response(status::ok, http_version);
  response.set(field::content_type, nlohmann::json::accept(output) ? "application/json"
                                                                   : "text/plain; charset=utf-8");
  response.body() = std::move(output);
  return response;
}

Router::Router(RouterDependencies dependencies) : deps_(dependencies) {}

bool Router::is_upload(const Request& request) {
  return request.method() == verb::post && request.target().starts_with("/file/");
}

void Router::run_on(WorkerPool& pool, std::shared_ptr<Call> call, Handler handler, Reply reply) {
  const unsigned version = call->request.version();
  auto shared_reply = std::make_shared<Reply>(std::move(reply));
  const bool accepted = pool.try_submit([this, call, handler, shared_reply, version] {
    // A handler that throws is a bug: its request still gets an answer.
    Response response;
    try {
      response = (this->*handler)(*call);
    } catch (const std::exception& error) {
      response = error_response(
          Error{ErrorCode::kInternal, std::string("internal error: ") + error.what()}, version);
    } catch (...) {
      response = error_response(
          Error{ErrorCode::kInternal, "internal error: unknown exception"}, version);
    }
    (*shared_reply)(std::move(response));
  });
  if (!accepted) {
    (*shared_reply)(error_response(
        Error{ErrorCode::kOverloaded, "server is overloaded; retry later"}, version));
  }
}

Result<const ApiToken*> Router::authorize(const Request& request,
                                          const RequestTarget& target) const {
  if (!deps_.access || !deps_.access->enabled()) return nullptr;
  const auto& segments = target.segments;
  const std::string& first = segments.front();
  // Everything not listed below, /config included, needs an admin token.
  Access access = Access::kAdmin;
  std::string bucket = segments.size() >= 2 ? segments[1] : "";
  if (first == "healthz" || first == "version") {
    access = Access::kOpen;
  } else if (first == "metrics") {
    access = Access::kMetrics;
  } else if (first == "readyz") {
    access = Access::kReady;
  } else if (first == "exec") {
    access = Access::kInvoke;
  } else if (first == "pipeline" && request.method() == verb::post) {
    access = Access::kInvoke;  // a stored pipeline's run, or an ad hoc one
    if (segments.size() == 2) bucket.clear();  // its steps name their buckets
  }
  return deps_.access->authorize(request[field::authorization], access, bucket);
}

Router::Reply Router::with_reporting(Reply reply, const Request& request,
                                     const RequestTarget* target, const std::string& request_id,
                                     const ApiToken* token) const {
  if (!deps_.requests && !deps_.request_durations && !deps_.access_log) return reply;
  std::string bucket, key;
  if (target && target->segments.size() >= 2) {
    bucket = target->segments[1];
    if (target->segments.size() >= 3) key = target->join_from(2);
  }
  // Management operations are audited: changes to buckets, files, pipelines.
  const bool audited = token && request.method() != verb::get && request.method() != verb::head &&
                       target && target->segments.front() != "exec" &&
                       !(target->segments.front() == "pipeline" && request.method() == verb::post);
  return [this, reply = std::move(reply), route = route_label(request),
          method = std::string(request.method_string()), request_id, bucket = std::move(bucket),
          key = std::move(key), bytes_in = request.body().size(),
          token_name = token ? token->name : std::string(), audited,
          target_text = std::string(request.target()),
          started = std::chrono::steady_clock::now()](Response response) {
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
    const unsigned status_code = response.result_int();
    const size_t bytes_out = response.body().size();
    // Metrics before the reply, so that a client that has its answer sees
    // it counted; the access log after, off the answer's path.
    if (deps_.requests) deps_.requests->with({route, method, std::to_string(status_code)}).add();
    if (deps_.request_durations) deps_.request_durations->with({route}).observe(elapsed.count());
    reply(std::move(response));
    if (deps_.access_log && deps_.access_log->should_log(spdlog::level::info)) {
      const std::string now = format_rfc3339(std::chrono::system_clock::now());
      nlohmann::json line = {{"time", now},
                             {"level", "info"},
                             {"type", "access"},
                             {"request_id", request_id},
                             {"method", method},
                             {"route", route},
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
  auto target = parse_request_target(request.target());
  if (!target) {
    reply = with_reporting(std::move(reply), request, nullptr, request_id, nullptr);
    return reply(error_response(target.error(), request.version()));
  }
  auto token = authorize(request, *target);
  reply = with_reporting(std::move(reply), request, &*target, request_id,
                         token ? *token : nullptr);
  if (!token) return reply(error_response(token.error(), request.version()));
  route(std::make_shared<Call>(
            Call{std::move(request), std::move(*target), std::move(request_id), *token}),
        std::move(reply));
}

void Router::route(std::shared_ptr<Call> call, Reply reply) {
  const Request& request = call->request;
  const auto& segments = call->target.segments;
  const std::string& route = segments.front();
  const size_t size = segments.size();
  const verb method = request.method();

  if (route == "readyz" && size == 1) {
    if (method != verb::get) return reply(method_not_allowed(request, "GET"));
    return run_on(deps_.storage_pool, call, &Router::handle_ready, std::move(reply));
  }
  if ((route == "healthz" || route == "version" || route == "metrics") && size == 1) {
    if (method != verb::get) return reply(method_not_allowed(request, "GET"));
    if (route == "healthz") {
      return reply(json_response(status::ok, R"({"status":"ok"})", request.version()));
    }
    if (route == "metrics") return reply(handle_metrics(*call));
    const nlohmann::json body = {{"wasmfaas", WASMFAAS_VERSION}, {"wasmtime", WASMTIME_VERSION}};
    return reply(json_response(status::ok, dump(body), request.version()));
  }
  if (route == "bucket" && size == 2) {
    if (method != verb::put && method != verb::get && method != verb::delete_) {
      return reply(method_not_allowed(request, "PUT, GET, DELETE"));
    }
    return run_on(deps_.storage_pool, call, &Router::handle_bucket, std::move(reply));
  }
  if (route == "file" && size >= 3) {
    if (method != verb::post && method != verb::get && method != verb::delete_) {
      return reply(method_not_allowed(request, "POST, GET, DELETE"));
    }
    return run_on(deps_.storage_pool, call, &Router::handle_file, std::move(reply));
  }
  if (route == "config" && size >= 3) {
    if (method != verb::put && method != verb::get) {
      return reply(method_not_allowed(request, "PUT, GET"));
    }
    return run_on(deps_.storage_pool, call, &Router::handle_config, std::move(reply));
  }
  if (route == "exec" && size >= 3) {
    if (method != verb::post) return reply(method_not_allowed(request, "POST"));
    return run_on(deps_.exec_pool, call, &Router::handle_exec, std::move(reply));
  }
  if (route == "logs" && size >= 3) {
    if (method != verb::get) return reply(method_not_allowed(request, "GET"));
    return reply(handle_logs(*call));
  }
  if (route == "pipeline") {
    // POST /pipeline/exec runs an ad hoc pipeline; GET /pipeline/exec lists
    // the pipelines of a bucket named "exec".
    if (size == 2 && segments[1] == "exec" && method == verb::post) {
      return run_on(deps_.exec_pool, call, &Router::handle_adhoc_pipeline, std::move(reply));
    }
    if (size == 2) {
      if (method != verb::get) return reply(method_not_allowed(request, "GET"));
      return run_on(deps_.storage_pool, call, &Router::handle_pipeline, std::move(reply));
    }
    if (size == 3) {
      if (method != verb::put && method != verb::get && method != verb::delete_) {
        return reply(method_not_allowed(request, "PUT, GET, DELETE"));
      }
      return run_on(deps_.storage_pool, call, &Router::handle_pipeline, std::move(reply));
    }
    if (size == 4 && segments[3] == "exec") {
      if (method != verb::post) return reply(method_not_allowed(request, "POST"));
      return run_on(deps_.exec_pool, call, &Router::handle_pipeline_exec, std::move(reply));
    }
  }
  reply(not_found_route(request));
}

}  // namespace wasmfaas::http
