#pragma once

#include <string_view>

namespace wasmfaas::http {

// docs/openapi.json as built into the binary: the API's OpenAPI 3.1
// document, served at GET /openapi.json.
std::string_view openapi_document();

}  // namespace wasmfaas::http
