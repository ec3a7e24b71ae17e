#pragma once
// Private to src/http: small helpers shared by the route handlers.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "http/error_response.h"
#include "http/http_types.h"
#include "http/request_target.h"

namespace wasmfaas::http {

inline std::string dump(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

inline Response method_not_allowed(const Request& request, std::string_view allowed) {
  Response response = error_response(
      Error{ErrorCode::kMethodNotAllowed, std::string(request.method_string()) +
                                              " is not allowed here; use " + std::string(allowed)},
      request.version());
  response.set(beast_http::field::allow, allowed);
  return response;
}

inline std::optional<std::string> version_parameter(const RequestTarget& target) {
  return target.query_value("version");
}

// A listing's `limit` query value: `fallback` when absent, at most `max`
// (a larger one, or one too large to parse, is `max`, as S3's max-keys);
// kInvalidArgument unless it is a positive integer.
Result<size_t> parse_limit(const std::optional<std::string>& text, size_t fallback, size_t max);

// kInvalidArgument unless the body is JSON when its Content-Type says so.
Result<void> check_json_body(const Request& request);

// The response for a function's or pipeline's output: application/json
// when it is valid JSON, else text/plain.
Response output_response(std::string output, unsigned http_version);

}  // namespace wasmfaas::http
