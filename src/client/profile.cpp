#include "client/profile.h"

#include <sys/stat.h>

#include <cstdlib>

#include <toml++/toml.h>

namespace wasmfaas::client {
namespace {

// Whether any profile of the file sets a token.
bool holds_token(const toml::table& file) {
  const auto* profiles = file["profile"].as_table();
  if (!profiles) return false;
  for (const auto& [name, profile] : *profiles) {
    if (const auto* table = profile.as_table(); table && table->contains("token")) return true;
  }
  return false;
}

Result<std::string> string_field(const toml::table& profile, const std::string& field,
                                 const std::string& where) {
  const auto* node = profile.get(field);
  if (!node) return std::string();
  if (const auto value = node->value<std::string>()) return *value;
  return make_error(ErrorCode::kInvalidArgument, where + ": '" + field + "' must be a string");
}

}  // namespace

EnvLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value || !*value) return std::nullopt;
    return std::string(value);
  };
}

std::filesystem::path profile_file(const EnvLookup& env) {
  if (const auto xdg = env("XDG_CONFIG_HOME")) {
    return std::filesystem::path(*xdg) / "wasmfaas" / "config.toml";
  }
  return std::filesystem::path(env("HOME").value_or(".")) / ".config" / "wasmfaas" / "config.toml";
}

Result<Connection> resolve_connection(const ConnectionFlags& flags, const EnvLookup& env) {
  std::string profile_name = flags.profile;
  if (profile_name.empty()) profile_name = env("WASMFAAS_PROFILE").value_or("");
  const bool named = !profile_name.empty();
  if (!named) profile_name = "default";

  std::string profile_server;
  std::string profile_token;
  const auto path = profile_file(env);
  std::error_code error;
  if (std::filesystem::exists(path, error)) {
    toml::table file;
    try {
      file = toml::parse_file(path.string());
    } catch (const toml::parse_error& parse_error) {
      return make_error(ErrorCode::kInvalidArgument, "profile file " + path.string() +
                                                         " does not parse: " +
                                                         std::string(parse_error.description()));
    }
    struct stat info {};
    if (holds_token(file) && ::stat(path.c_str(), &info) == 0 && (info.st_mode & 077) != 0) {
      char mode[8];
      std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
      return make_error(ErrorCode::kPermissionDenied,
                        "profile file " + path.string() + " holds a token and is readable by " +
                            "group or others (mode " + mode + "); run: chmod 600 " +
                            path.string());
    }
    const auto* profile = file["profile"][profile_name].as_table();
    if (profile) {
      const std::string where = path.string() + " [profile." + profile_name + "]";
      auto server = string_field(*profile, "server", where);
      if (!server) return std::unexpected(server.error());
      auto token = string_field(*profile, "token", where);
      if (!token) return std::unexpected(token.error());
      profile_server = *server;
      profile_token = *token;
    } else if (named) {
      return make_error(ErrorCode::kInvalidArgument,
                        "no profile '" + profile_name + "' in " + path.string());
    }
  } else if (named) {
    return make_error(ErrorCode::kInvalidArgument, "no profile '" + profile_name + "': " +
                                                       path.string() + " does not exist");
  }

  Connection connection;
  connection.server = !flags.server.empty()                    ? flags.server
                      : env("WASMFAAS_SERVER")                 ? *env("WASMFAAS_SERVER")
                      : !profile_server.empty()                ? profile_server
                                                               : std::string(kDefaultServer);
  connection.token = !flags.token.empty()    ? flags.token
                     : env("WASMFAAS_TOKEN") ? *env("WASMFAAS_TOKEN")
                                             : profile_token;
  while (!connection.server.empty() && connection.server.back() == '/') connection.server.pop_back();
  if (!connection.server.starts_with("http://") && !connection.server.starts_with("https://")) {
    return make_error(ErrorCode::kInvalidArgument,
                      "server '" + connection.server + "' must start with http:// or https://");
  }
  return connection;
}

}  // namespace wasmfaas::client
