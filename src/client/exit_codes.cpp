#include "client/exit_codes.h"

#include <nlohmann/json.hpp>

namespace wasmfaas::client {

int exit_code_for_status(long status) {
  if (status < 400) return kExitOk;
  switch (status) {
    case 401: return kExitUnauthenticated;
    case 403: return kExitForbidden;
    case 404: return kExitNotFound;
    case 409: return kExitConflict;
    case 429: return kExitServerError;
    default: return status < 500 ? kExitInvalid : kExitServerError;
  }
}

std::string error_line(long status, std::string_view body) {
  const std::string suffix = "HTTP " + std::to_string(status) + ")";
  const auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_object() && parsed.contains("error") && parsed["error"].is_string()) {
    const std::string code = parsed.value("code", "");
    return "error: " + parsed["error"].get<std::string>() + " (" +
           (code.empty() ? "" : code + ", ") + suffix;
  }
  std::string quoted(body.substr(0, 200));
  while (!quoted.empty() && (quoted.back() == '\n' || quoted.back() == '\r')) quoted.pop_back();
  return "error: the server answered HTTP " + std::to_string(status) +
         (quoted.empty() ? "" : ": " + quoted);
}

std::string exit_codes_help() {
  return "Exit codes of the client commands:\n"
         "  0 ok                      5 not found (404)\n"
         "  1 usage or local input    6 conflict (409)\n"
         "  2 server unreachable      7 invalid request (400, 422, other 4xx)\n"
         "  3 unauthenticated (401)   8 server error or throttled (429, 5xx)\n"
         "  4 forbidden (403)         9 profile file with a token readable by others\n"
         "Server: --server, WASMFAAS_SERVER, the profile, else http://127.0.0.1:3000.\n"
         "Token: --token, WASMFAAS_TOKEN, the profile. Profiles: "
         "$XDG_CONFIG_HOME/wasmfaas/config.toml (see docs/cli.md).";
}

}  // namespace wasmfaas::client
