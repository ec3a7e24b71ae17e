#pragma once

#include <string_view>

#include "common/error.h"
#include "http/http_types.h"

namespace wasmfaas::http {

// The one place where an ErrorCode becomes an HTTP status.
beast_http::status status_for(ErrorCode code);

// {"error": "<message>", "code": "<error_name>"} with the status for `error.code`; 503 responses
// carry Retry-After.
Response error_response(const Error& error, unsigned http_version);

// A JSON body response.
Response json_response(beast_http::status status, std::string body, unsigned http_version);

}  // namespace wasmfaas::http
