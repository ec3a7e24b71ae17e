#pragma once

#include <curl/curl.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace wasmfaas::triggers {

struct CurlUrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};

// A callback URL taken apart by libcurl's own URL parser, whose result is
// what libcurl then connects to (CURLOPT_CURLU): what was checked is what is
// used. Owns its parsed URL; not thread-safe (one per send).
struct CallbackDestination {
  std::unique_ptr<CURLU, CurlUrlDeleter> url;
  std::string origin;  // "scheme://host:port", for messages
};

// `url` parsed and checked against `allowed_origins` (normalized): an
// absolute http or https URL without user information whose origin one of
// them permits, else kInvalidArgument saying which of these it is not.
Result<CallbackDestination> parse_callback_destination(
    std::string_view url, const std::vector<std::string>& allowed_origins);

}  // namespace wasmfaas::triggers
