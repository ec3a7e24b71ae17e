#pragma once
// The client CLI's exit codes (documented in docs/cli.md and in
// `wasmfaas --help`) and the one line it prints for a failed request.
// Pure functions; thread-safe.

#include <string>
#include <string_view>

namespace wasmfaas::client {

enum ExitCode : int {
  kExitOk = 0,
  kExitUsage = 1,           // bad arguments or local input (a missing file)
  kExitUnreachable = 2,     // no answer: connection refused, DNS, TLS, timeout
  kExitUnauthenticated = 3, // 401
  kExitForbidden = 4,       // 403
  kExitNotFound = 5,        // 404
  kExitConflict = 6,        // 409
  kExitInvalid = 7,         // 400, 422 and the other 4xx
  kExitServerError = 8,     // 429 and 5xx
  kExitInsecureProfile = 9, // a profile file holding a token that others can read
};

// The exit code of a request answered with `status` (0 for 1xx-3xx).
int exit_code_for_status(long status);

// `error: <message> (<code>, HTTP <status>)` from an error body
// `{"error","code"}`; a body that is not one is quoted (at most 200 bytes).
std::string error_line(long status, std::string_view body);

// The exit codes as a help text section.
std::string exit_codes_help();

}  // namespace wasmfaas::client
