#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"

namespace wasmfaas::triggers {

// Where and how the server POSTs the results of async jobs to their callback
// URLs: the server's settings. A plain value.
struct CallbackPolicy {
  // Normalized origins "scheme://host:port" (common/origins.h; host may be
  // "*.example.com") callbacks may go to. Empty: callbacks go nowhere.
  std::vector<std::string> allowed_origins;
  std::chrono::milliseconds connect_timeout{2000};
  // The whole exchange, connecting included.
  std::chrono::milliseconds timeout{10000};
  // The most of a receiver's response body read; past it the exchange ends
  // and the status already received counts.
  size_t max_response_bytes = 64 * 1024;
  // Fixed name resolutions "host:port:address[,address...]", as curl's
  // --resolve takes them (tests; a split-horizon set-up). The addresses are
  // guarded like any other.
  std::vector<std::string> resolve;
};

// What became of one POST to a callback URL. `retryable` is set when a later
// attempt may succeed (408, 429, 5xx, connection failures, timeouts); a
// refused destination and any other status are final. `detail` says what
// happened in a line, naming the URL's origin but never its path or query.
struct CallbackAttempt {
  bool delivered = false;
  bool retryable = false;
  std::optional<int> status;  // the receiver's HTTP status, if it answered
  std::string detail;
};

// Sends callbacks: one POST per send() with libcurl, only to origins of the
// policy's allow-list, never through a proxy, never following redirects, and
// never connecting to a forbidden address (common/forbidden_address.h), which
// is checked on each address libcurl is about to connect to, after name
// resolution. Owns its policy; thread-safe (each send() has its own handle).
class CallbackSender {
 public:
  explicit CallbackSender(CallbackPolicy policy);

  // Whether callbacks may go to `url` (at submission): kInvalidArgument
  // unless it is an absolute http or https URL without user information
  // whose origin the allow-list permits.
  Result<void> check_destination(std::string_view url) const;

  // POSTs `body` with `headers` to `url` (checked again first) once. The
  // headers go as given: name a Content-Type (libcurl's default for a POST
  // is application/x-www-form-urlencoded). A header name that is not an
  // HTTP token or a value with CR, LF or NUL is a final failure.
  CallbackAttempt send(std::string_view url,
                       const std::vector<std::pair<std::string, std::string>>& headers,
                       std::string_view body) const;

 private:
  const CallbackPolicy policy_;
};

}  // namespace wasmfaas::triggers
