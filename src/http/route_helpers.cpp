#include "http/route_helpers.h"

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
  response.set(field::content_type, nlohmann::json::accept(output) ? "application/json"
                                                                   : "text/plain; charset=utf-8");
  response.body() = std::move(output);
  return response;
}

}  // namespace wasmfaas::http
