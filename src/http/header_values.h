#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wasmfaas::http {

// The media type of a Content-Type value, lowercased, without parameters:
// "Multipart/Form-Data; boundary=x" -> "multipart/form-data".
std::string media_type(std::string_view content_type);

// The value of parameter `name` in a header value such as
// `form-data; name="file"; filename="a.wasm"` (quotes removed).
std::optional<std::string> header_parameter(std::string_view value, std::string_view name);

bool iequals(std::string_view a, std::string_view b);

}  // namespace wasmfaas::http
