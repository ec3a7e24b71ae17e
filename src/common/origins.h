#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace wasmfaas {

// Allow-lists of HTTP origins, as the functions' outgoing wasi:http
// (runtime-capi/src/http_policy.rs `AllowedOrigin`) and the callbacks of
// async jobs read them. An origin is "scheme://host:port": scheme http or
// https, host lower case (an IPv6 literal in brackets, or "*.example.com",
// which matches any subdomain of example.com but not example.com itself),
// port 1 to 65535. Pure functions, thread-safe.

// "http(s)://host[:port][/]" (any case) -> "scheme://host:port", or
// kInvalidArgument whose message names the entry (lower case) and what is
// wrong with it, e.g. "'ftp://x': the scheme must be http or https".
Result<std::string> normalize_origin(std::string_view text);

// Whether an origin of `allowed` (normalized) lets a request to
// scheme://host:port out. Scheme and host compare without case; an IPv6
// host may be given with or without brackets. An empty list allows nothing.
bool origin_allowed(const std::vector<std::string>& allowed, std::string_view scheme,
                    std::string_view host, uint16_t port);

}  // namespace wasmfaas
