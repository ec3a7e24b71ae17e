#include "http/route_helpers.h"

#include <algorithm>
#include <charconv>

#include "http/header_values.h"

namespace wasmfaas::http {

using beast_http::field;
using beast_http::status;

Result<void> check_json_body(const Request& request) {
  const std::string type = media_type(request[field::content_type]);
  const bool json = type == "application/json" || (type.size() > 5 && type.ends_with("+json"));
  if (json && !nlohmann::json::accept(request.body())) {
    return make_error(ErrorCode::kInvalidArgument,
                      "request body is not valid JSON (Content-Type says it is)",
                      reason::kInvalidJson);
  }
  return {};
}

Response output_response(std::string output, unsigned http_version) {
  Response response(status::ok, http_version);
  response.set(field::content_type,
               nlohmann::json::accept(output) ? "application/json" : "text/plain; charset=utf-8");
  response.body() = std::move(output);
  return response;
}

Result<size_t> parse_limit(const std::optional<std::string>& text, size_t fallback, size_t max) {
  if (!text) return std::min(fallback, max);
  size_t parsed = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), parsed);
  if (error == std::errc::result_out_of_range) return max;
  if (error != std::errc() || end != text->data() + text->size() || parsed == 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      "limit must be a positive integer, not '" + *text + "'");
  }
  return std::min(parsed, max);
}

}  // namespace wasmfaas::http
