#include "http/router.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "http/error_response.h"
#include "http/header_values.h"
#include "http/json_views.h"
#include "http/multipart.h"

namespace wasmfaas::http {
namespace {

using beast_http::field;
using beast_http::status;
using beast_http::verb;

std::string dump(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Response method_not_allowed(const Request& request, std::string_view allowed) {
  Response response = error_response(
      Error{ErrorCode::kMethodNotAllowed,
            std::string(request.method_string()) + " is not allowed here; use " +
                std::string(allowed)},
      request.version());
  response.set(field::allow, allowed);
  return response;
}

Response not_found_route(const Request& request) {
  return error_response(
      Error{ErrorCode::kNotFound, "no route for " + std::string(request.target())},
      request.version());
}

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

bool is_json_media_type(const std::string& type) {
  return type == "application/json" || (type.size() > 5 && type.ends_with("+json"));
}

std::optional<std::string> version_parameter(const RequestTarget& target) {
  return target.query_value("version");
}

}  // namespace

Router::Router(api::FunctionService& service, WorkerPool& exec_pool, WorkerPool& storage_pool)
    : service_(service), exec_pool_(exec_pool), storage_pool_(storage_pool) {}

bool Router::is_upload(const Request& request) {
  return request.method() == verb::post && request.target().starts_with("/file/");
}

void Router::run_on(WorkerPool& pool, std::shared_ptr<Request> request, RequestTarget target,
                    Response (Router::*handler)(const Request&, const RequestTarget&),
                    Reply reply) {
  const unsigned version = request->version();
  auto shared_reply = std::make_shared<Reply>(std::move(reply));
  const bool accepted = pool.try_submit(
      [this, request, target = std::move(target), handler, shared_reply] {
        (*shared_reply)((this->*handler)(*request, target));
      });
  if (!accepted) {
    (*shared_reply)(error_response(
        Error{ErrorCode::kOverloaded, "server is overloaded; retry later"}, version));
  }
}

void Router::dispatch(Request request, Reply reply) {
  auto target = parse_request_target(request.target());
  if (!target) return reply(error_response(target.error(), request.version()));
  const std::string& route = target->segments.front();

  if (route == "healthz" && target->segments.size() == 1) {
    if (request.method() != verb::get) return reply(method_not_allowed(request, "GET"));
    return reply(json_response(status::ok, R"({"status":"ok"})", request.version()));
  }
  if (route == "version" && target->segments.size() == 1) {
    if (request.method() != verb::get) return reply(method_not_allowed(request, "GET"));
    const nlohmann::json body = {{"wasmfaas", WASMFAAS_VERSION}, {"wasmtime", WASMTIME_VERSION}};
    return reply(json_response(status::ok, dump(body), request.version()));
  }

  auto shared = std::make_shared<Request>(std::move(request));
  if (route == "bucket" && target->segments.size() == 2) {
    const verb method = shared->method();
    if (method != verb::put && method != verb::get && method != verb::delete_) {
      return reply(method_not_allowed(*shared, "PUT, GET, DELETE"));
    }
    return run_on(storage_pool_, shared, std::move(*target), &Router::handle_bucket,
                  std::move(reply));
  }
  if (route == "file" && target->segments.size() >= 3) {
    const verb method = shared->method();
    if (method != verb::post && method != verb::get && method != verb::delete_) {
      return reply(method_not_allowed(*shared, "POST, GET, DELETE"));
    }
    return run_on(storage_pool_, shared, std::move(*target), &Router::handle_file,
                  std::move(reply));
  }
  if (route == "exec" && target->segments.size() >= 3) {
    if (shared->method() != verb::post) return reply(method_not_allowed(*shared, "POST"));
    return run_on(exec_pool_, shared, std::move(*target), &Router::handle_exec,
                  std::move(reply));
  }
  reply(not_found_route(*shared));
}

Response Router::handle_bucket(const Request& request, const RequestTarget& target) {
  const std::string& bucket = target.segments[1];
  const unsigned version = request.version();
  switch (request.method()) {
    case verb::put: {
      auto created = service_.create_bucket(bucket);
      if (!created) return error_response(created.error(), version);
      return json_response(status::created, dump({{"bucket", bucket}, {"created", true}}),
                           version);
    }
    case verb::get: {
      auto files = service_.list_bucket(bucket);
      if (!files) return error_response(files.error(), version);
      return json_response(status::ok, dump(files_json(*files)), version);
    }
    default: {
      auto deleted = service_.delete_bucket(bucket);
      if (!deleted) return error_response(deleted.error(), version);
      return json_response(status::ok, dump({{"bucket", bucket}, {"deleted", true}}), version);
    }
  }
}

Response Router::handle_file(const Request& request, const RequestTarget& target) {
  const std::string& bucket = target.segments[1];
  const std::string key = target.join_from(2);
  const unsigned version = request.version();
  const std::optional<std::string> version_id = version_parameter(target);
  switch (request.method()) {
    case verb::post:
      return handle_upload(request, bucket, key);
    case verb::get: {
      if (target.has_query("versions")) {
        auto versions = service_.versions(bucket, key);
        if (!versions) return error_response(versions.error(), version);
        return json_response(status::ok, dump(versions_json(*versions)), version);
      }
      auto object = service_.download(bucket, key, version_id);
      if (!object) return error_response(object.error(), version);
      Response response(status::ok, version);
      response.set(field::content_type, "application/wasm");
      response.set(field::etag, "\"" + object->version.etag + "\"");
      response.set("X-Version-Id", object->version.version_id);
      response.body().assign(object->data.begin(), object->data.end());
      return response;
    }
    default: {
      auto deleted = service_.delete_file(bucket, key, version_id);
      if (!deleted) return error_response(deleted.error(), version);
      nlohmann::json body = {{"bucket", bucket}, {"key", key}, {"deleted", true}};
      if (version_id) body["version"] = *version_id;
      return json_response(status::ok, dump(body), version);
    }
  }
}

Response Router::handle_upload(const Request& request, const std::string& bucket,
                               const std::string& key) {
  const unsigned version = request.version();
  const std::string content_type(request[field::content_type]);
  const std::string type = media_type(content_type);
  std::string_view data;
  if (type == "multipart/form-data") {
    auto boundary = multipart_boundary(content_type);
    if (!boundary) return error_response(boundary.error(), version);
    auto parts = parse_multipart(request.body(), *boundary);
    if (!parts) return error_response(parts.error(), version);
    const auto file = std::find_if(parts->begin(), parts->end(),
                                   [](const MultipartPart& part) { return part.name == "file"; });
    if (file == parts->end()) {
      return error_response(
          Error{ErrorCode::kInvalidArgument,
                "multipart body has no `file` field (upload with curl -F \"file=@f.wasm\")"},
          version);
    }
    data = file->data;
  } else if (type.empty() || type == "application/wasm" || type == "application/octet-stream") {
    data = request.body();
  } else {
    return error_response(
        Error{ErrorCode::kUnsupportedMediaType,
              "upload as multipart/form-data (field `file`), application/wasm or "
              "application/octet-stream, not " + type},
        version);
  }
  if (data.empty()) {
    return error_response(Error{ErrorCode::kInvalidArgument, "the uploaded file is empty"},
                          version);
  }
  auto stored = service_.upload(
      bucket, key, std::span(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
  if (!stored) return error_response(stored.error(), version);
  nlohmann::json body = file_entry_json(*stored);
  body["bucket"] = bucket;
  return json_response(status::created, dump(body), version);
}

Response Router::handle_exec(const Request& request, const RequestTarget& target) {
  const unsigned version = request.version();
  const std::string& bucket = target.segments[1];
  const std::string key = target.join_from(2);
  if (is_json_media_type(media_type(request[field::content_type])) &&
      !nlohmann::json::accept(request.body())) {
    return error_response(
        Error{ErrorCode::kInvalidArgument,
              "request body is not valid JSON (Content-Type says it is)"},
        version);
  }
  auto result = service_.exec(bucket, key, version_parameter(target), request.body());
  if (!result) return error_response(result.error(), version);
  Response response(status::ok, version);
  response.set(field::content_type, nlohmann::json::accept(result->output)
                                        ? "application/json"
                                        : "text/plain; charset=utf-8");
  response.set("Server-Timing", server_timing(result->timings));
  response.set("X-Function-Version", result->version_id);
  response.body() = std::move(result->output);
  return response;
}

}  // namespace wasmfaas::http
