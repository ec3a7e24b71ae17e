// Buckets and function files: GET /bucket, PUT/GET/DELETE /bucket/{bucket},
// POST/GET/DELETE /file/{bucket}/{key}.
#include <algorithm>

#include "http/header_values.h"
#include "http/json_views.h"
#include "http/multipart.h"
#include "http/route_helpers.h"
#include "http/routes.h"

namespace wasmfaas::http {
namespace {

using beast_http::field;
using beast_http::status;
using beast_http::verb;

Response handle_bucket(const RouterDependencies& deps, const Call& call) {
  const std::string& bucket = call.param("bucket");
  const unsigned version = call.request.version();
  switch (call.request.method()) {
    case verb::put: {
      auto created = deps.deployments.create_bucket(bucket);
      if (!created) return error_response(created.error(), version);
      return json_response(status::created, dump({{"bucket", bucket}, {"created", true}}),
                           version);
    }
    case verb::get: {
      auto files = deps.deployments.list_bucket(bucket);
      if (!files) return error_response(files.error(), version);
      return json_response(status::ok, dump(files_json(*files)), version);
    }
    default: {
      auto deleted = deps.deployments.delete_bucket(bucket);
      if (!deleted) return error_response(deleted.error(), version);
      return json_response(status::ok, dump({{"bucket", bucket}, {"deleted", true}}), version);
    }
  }
}

Response handle_file(const RouterDependencies& deps, const Call& call) {
  const std::string& bucket = call.param("bucket");
  const std::string& key = call.param("key");
  const unsigned version = call.request.version();
  const std::optional<std::string> version_id = version_parameter(call.target);
  switch (call.request.method()) {
    case verb::get: {
      if (call.target.has_query("versions")) {
        auto versions = deps.deployments.versions(bucket, key);
        if (!versions) return error_response(versions.error(), version);
        return json_response(status::ok, dump(versions_json(*versions)), version);
      }
      auto object = deps.deployments.download(bucket, key, version_id);
      if (!object) return error_response(object.error(), version);
      Response response(status::ok, version);
      response.set(field::content_type, "application/wasm");
      response.set(field::etag, "\"" + object->version.etag + "\"");
      response.set("X-Version-Id", object->version.version_id);
      response.body().assign(object->data.begin(), object->data.end());
      return response;
    }
    default: {
      auto deleted = deps.deployments.delete_file(bucket, key, version_id);
      if (!deleted) return error_response(deleted.error(), version);
      nlohmann::json body = {{"bucket", bucket}, {"key", key}, {"deleted", true}};
      if (version_id) body["version"] = *version_id;
      return json_response(status::ok, dump(body), version);
    }
  }
}

Response handle_upload(const RouterDependencies& deps, const Call& call) {
  const std::string& bucket = call.param("bucket");
  const std::string& key = call.param("key");
  const Request& request = call.request;
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
  auto stored = deps.deployments.upload(
      bucket, key, std::span(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
  if (!stored) return error_response(stored.error(), version);
  nlohmann::json body = file_entry_json(*stored);
  body["bucket"] = bucket;
  return json_response(status::created, dump(body), version);
}

Response handle_list_buckets(const RouterDependencies& deps, const Call& call) {
  const unsigned version = call.request.version();
  auto buckets = deps.deployments.list_buckets();
  if (!buckets) return error_response(buckets.error(), version);
  nlohmann::json list = nlohmann::json::array();
  for (const std::string& name : *buckets) {
    // A bucket-restricted token sees only the buckets it covers.
    if (call.token && !call.token->covers_bucket(name)) continue;
    list.push_back({{"name", name}});
  }
  return json_response(status::ok, dump({{"buckets", list}}), version);
}

}  // namespace

void add_file_routes(RouteTable& table, const RouterDependencies& deps) {
  const auto bucket = [&deps](const Call& call) { return handle_bucket(deps, call); };
  const auto file = [&deps](const Call& call) { return handle_file(deps, call); };
  table.add({
      {.method = verb::get, .path = "/bucket", .access = Access::kAdmin, .label = "bucket",
       .handler = [&deps](const Call& call) { return handle_list_buckets(deps, call); }},
      {.method = verb::put, .path = "/bucket/{bucket}", .access = Access::kAdmin,
       .bucket_scoped = true, .label = "bucket", .audited = true,
       .success = status::created, .handler = bucket},
      {.method = verb::get, .path = "/bucket/{bucket}", .access = Access::kAdmin,
       .bucket_scoped = true, .label = "bucket", .handler = bucket},
      {.method = verb::delete_, .path = "/bucket/{bucket}", .access = Access::kAdmin,
       .bucket_scoped = true, .label = "bucket", .audited = true, .handler = bucket},
      {.method = verb::post, .path = "/file/{bucket}/{key+}", .access = Access::kAdmin,
       .bucket_scoped = true, .body = BodyLimit::kUpload, .label = "file", .audited = true,
       .success = status::created,
       .handler = [&deps](const Call& call) { return handle_upload(deps, call); }},
      {.method = verb::get, .path = "/file/{bucket}/{key+}", .access = Access::kAdmin,
       .bucket_scoped = true, .label = "file", .query = {"version", "versions"}, .handler = file},
      {.method = verb::delete_, .path = "/file/{bucket}/{key+}", .access = Access::kAdmin,
       .bucket_scoped = true, .label = "file", .audited = true, .query = {"version"},
       .handler = file},
  });
}

}  // namespace wasmfaas::http
