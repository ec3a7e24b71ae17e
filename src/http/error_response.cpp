#include "http/error_response.h"

#include <nlohmann/json.hpp>

namespace wasmfaas::http {

beast_http::status status_for(ErrorCode code) {
  using beast_http::status;
  switch (code) {
    case ErrorCode::kInvalidArgument: return status::bad_request;
    case ErrorCode::kNotFound: return status::not_found;
    case ErrorCode::kAlreadyExists: return status::conflict;
    case ErrorCode::kConflict: return status::conflict;
    case ErrorCode::kInvalidComponent: return status::unprocessable_entity;
    case ErrorCode::kTrap: return status::internal_server_error;
    case ErrorCode::kTimeout: return status::gateway_timeout;
    case ErrorCode::kResourceExhausted: return status::internal_server_error;
    case ErrorCode::kUnavailable: return status::service_unavailable;
    case ErrorCode::kStorageRejected: return status::bad_gateway;
    case ErrorCode::kBadOutput: return status::bad_gateway;
    case ErrorCode::kOverloaded: return status::service_unavailable;
    case ErrorCode::kThrottled: return status::too_many_requests;
    case ErrorCode::kPayloadTooLarge: return status::payload_too_large;
    case ErrorCode::kHeadersTooLarge: return status::request_header_fields_too_large;
    case ErrorCode::kLengthRequired: return status::length_required;
    case ErrorCode::kUnsupportedMediaType: return status::unsupported_media_type;
    case ErrorCode::kMethodNotAllowed: return status::method_not_allowed;
    case ErrorCode::kUnauthenticated: return status::unauthorized;
    case ErrorCode::kPermissionDenied: return status::forbidden;
    case ErrorCode::kQuotaExceeded: return status::insufficient_storage;
    case ErrorCode::kInternal: return status::internal_server_error;
  }
  return status::internal_server_error;
}

Response json_response(beast_http::status status, std::string body, unsigned http_version) {
  Response response(status, http_version);
  response.set(beast_http::field::content_type, "application/json");
  response.body() = std::move(body);
  return response;
}

Response error_response(const Error& error, unsigned http_version) {
  // "error" first, as people read it; "code" for programs.
  const nlohmann::ordered_json body = {{"error", error.message}, {"code", error_name(error)}};
  Response response = json_response(
      status_for(error.code),
      body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), http_version);
  if (error.code == ErrorCode::kOverloaded || error.code == ErrorCode::kUnavailable ||
      error.code == ErrorCode::kThrottled) {
    response.set(beast_http::field::retry_after, "1");
  }
  if (error.code == ErrorCode::kUnauthenticated) {
    response.set(beast_http::field::www_authenticate, "Bearer realm=\"wasmfaas\"");
  }
  return response;
}

}  // namespace wasmfaas::http
