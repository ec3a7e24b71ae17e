// Buckets and function files: PUT/GET/DELETE /bucket/{bucket},
// POST/GET/DELETE /file/{bucket}/{key}.
#include <algorithm>

#include "http/header_values.h"
#include "http/json_views.h"
#include "http/multipart.h"
#include "http/route_helpers.h"
#include "http/router.h"

namespace wasmfaas::http {
namespace {

using beast_http::field;
using beast_http::status;
using beast_http::verb;

}  // namespace

Response Router::handle_bucket(const Call& call) {
  const std::string& bucket = call.target.segments[1];
  const unsigned version = call.request.version();
  switch (call.request.method()) {
    case verb::put: {
      auto created = deps_.deployments.create_bucket(bucket);
      if (!created) return error_response(created.error(), version);
      return json_response(status::created, dump({{"bucket", bucket}, {"created", true}}),
                           version);
    }
    case verb::get: {
      auto files = deps_.deployments.list_bucket(bucket);
      if (!files) return error_response(files.error(), version);
      return json_response(status::ok, dump(files_json(*files)), version);
    }
    default: {
      auto deleted = deps_.deployments.delete_bucket(bucket);
      if (!deleted) return error_response(deleted.error(), version);
      return json_response(status::ok, dump({{"bucket", bucket}, {"deleted", true}}), version);
    }
  }
}

Response Router::handle_file(const Call& call) {
  const std::string& bucket = call.target.segments[1];
  const std::string key = call.target.join_from(2);
  const unsigned version = call.request.version();
  const std::optional<std::string> version_id = version_parameter(call.target);
  switch (call.request.method()) {
    case verb::post:
      return handle_upload(call, bucket, key);
    case verb::get: {
      if (call.target.has_query("versions")) {
        auto versions = deps_.deployments.versions(bucket, key);
        if (!versions) return error_response(versions.error(), version);
        return json_response(status::ok, dump(versions_json(*versions)), version);
      }
      auto object = deps_.deployments.download(bucket, key, version_id);
      if (!object) return error_response(object.error(), version);
      Response response(status::ok, version);
      response.set(field::content_type, "application/wasm");
      response.set(field::etag, "\"" + object->version.etag + "\"");
      response.set("X-Version-Id", object->version.version_id);
      response.body().assign(object->data.begin(), object->data.end());
      return response;
    }
    default: {
      auto deleted = deps_.deployments.delete_file(bucket, key, version_id);
      if (!deleted) return error_response(deleted.error(), version);
      nlohmann::json body = {{"bucket", bucket}, {"key", key}, {"deleted", true}};
      if (version_id) body["version"] = *version_id;
      return json_response(status::ok, dump(body), version);
    }
  }
}

Response Router::handle_upload(const Call& call, const std::string& bucket,
                               const std::string& key) {
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
  auto stored = deps_.deployments.upload(
      bucket, key, std::span(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
  if (!stored) return error_response(stored.error(), version);
  nlohmann::json body = file_entry_json(*stored);
  body["bucket"] = bucket;
  return json_response(status::created, dump(body), version);
}

}  // namespace wasmfaas::http
