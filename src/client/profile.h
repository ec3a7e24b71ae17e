#pragma once
// Where the client CLI sends its requests and with which token: flags, then
// environment variables, then a profile in the user's config file. Pure
// apart from reading that file; thread-safe.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "common/error.h"

namespace wasmfaas::client {

inline constexpr std::string_view kDefaultServer = "http://127.0.0.1:3000";

// Looks up an environment variable (std::getenv in the binary; a map in tests).
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

EnvLookup process_environment();

struct ConnectionFlags {
  std::string server{};   // --server, empty when not given
  std::string token{};    // --token
  std::string profile{};  // --profile
};

struct Connection {
  std::string server;  // without a trailing slash
  std::string token;   // empty: none
};

// $XDG_CONFIG_HOME/wasmfaas/config.toml, else $HOME/.config/wasmfaas/config.toml.
std::filesystem::path profile_file(const EnvLookup& env);

// Server: --server > WASMFAAS_SERVER > the profile > kDefaultServer. Token:
// --token > WASMFAAS_TOKEN > the profile. The profile is --profile >
// WASMFAAS_PROFILE > "default"; one named explicitly must exist. Errors:
// kPermissionDenied when the profile file holds a token and group or others
// may read it (as ssh refuses such keys), kInvalidArgument for a file that
// does not parse, an unknown profile or a server that is not http(s)://.
Result<Connection> resolve_connection(const ConnectionFlags& flags, const EnvLookup& env);

}  // namespace wasmfaas::client
