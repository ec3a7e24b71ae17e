#include "client/session.h"

#include <fstream>
#include <iterator>
#include <sstream>

#include "client/exit_codes.h"

namespace wasmfaas::client {

Session::Session(Shared& shared) : shared_(shared) {
  auto connection = resolve_connection(shared.common.connection, shared.io.env);
  if (!connection) {
    fail(connection.error().code == ErrorCode::kPermissionDenied ? kExitInsecureProfile
                                                                 : kExitUsage,
         "error: " + connection.error().message);
  }
  client_ = std::make_unique<ApiClient>(connection->server, connection->token);
}

ApiResponse Session::send(const ApiRequest& request) {
  auto response = client_->send(request);
  if (!response) {
    fail(kExitUnreachable, "error: " + response.error().message +
                               " (is `wasmfaas serve` running? the server comes from --server, "
                               "WASMFAAS_SERVER or the profile)");
  }
  return std::move(*response);
}

ApiResponse Session::call(ApiRequest request) {
  ApiResponse response = send(request);
  if (response.status >= 300) fail_response(response);
  return response;
}

nlohmann::json Session::call_json(ApiRequest request) {
  const ApiResponse response = call(std::move(request));
  if (response.body.empty()) return nlohmann::json::object();
  auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_discarded()) {
    fail(kExitServerError, "error: the server's answer is not JSON: " + response.body.substr(0, 200));
  }
  return body;
}

void Session::output(const nlohmann::json& body, const std::function<void()>& human) {
  if (json()) {
    out() << body.dump(2) << "\n";
  } else {
    human();
  }
}

void Session::fail(int exit_code, const std::string& message) {
  err() << message << "\n";
  out().flush();
  throw CLI::RuntimeError(exit_code);
}

void Session::fail_response(const ApiResponse& response) {
  if (json()) {
    auto body = nlohmann::json::parse(response.body, nullptr, false);
    if (!body.is_object()) body = {{"error", response.body}};
    body["status"] = response.status;
    out() << body.dump() << "\n";
  }
  fail(exit_code_for_status(response.status), error_line(response.status, response.body));
}

void usage_error(Session& session, const std::string& message) {
  session.fail(kExitUsage, "error: " + message);
}

std::pair<std::string, std::string> split_target(Session& session, const std::string& target,
                                                 const std::string& what) {
  const size_t slash = target.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == target.size()) {
    usage_error(session, "'" + target + "' is not " + what);
  }
  return {target.substr(0, slash), target.substr(slash + 1)};
}

std::string function_path(const std::string& bucket, const std::string& key) {
  return "/" + escape_segment(bucket) + "/" + escape_path(key);
}

std::string argument_or_stdin(Session& session, const std::optional<std::string>& argument) {
  if (argument && *argument != "-") return *argument;
  return std::string(std::istreambuf_iterator<char>(session.in()), {});
}

std::string file_or_stdin(Session& session, const std::optional<std::string>& path) {
  if (!path || *path == "-") return argument_or_stdin(session, std::nullopt);
  std::ifstream file(*path, std::ios::binary);
  if (!file) usage_error(session, "cannot read " + *path);
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

nlohmann::json parse_json(Session& session, const std::string& text, const std::string& what) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& error) {
    usage_error(session, what + " is not valid JSON: " + error.what());
  }
}

std::string cell(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  return value.dump();
}

std::string cell(const nlohmann::json& object, const char* name) {
  if (!object.is_object()) return "";
  const auto it = object.find(name);
  return it == object.end() ? "" : cell(*it);
}

void print_fields(std::ostream& out, const nlohmann::json& object) {
  for (const auto& [name, value] : object.items()) out << name << ": " << cell(value) << "\n";
}

void on_run(CLI::App* command, const std::shared_ptr<Shared>& shared,
            std::function<void(Session&)> run) {
  command->callback([shared, run = std::move(run)] {
    Session session(*shared);
    try {
      run(session);
    } catch (const nlohmann::json::exception& error) {  // a document of another shape
      session.fail(kExitServerError, std::string("error: unexpected answer from the server: ") +
                                         error.what());
    }
    session.out().flush();
    throw CLI::RuntimeError(kExitOk);
  });
}

CLI::App* client_command(CLI::App& app, const std::shared_ptr<Shared>& shared,
                         const std::string& name, const std::string& description) {
  CLI::App* command = app.add_subcommand(name, description);
  auto& common = shared->common;
  command->add_option("--server", common.connection.server,
                      "Server URL (default: WASMFAAS_SERVER, the profile, http://127.0.0.1:3000)");
  command->add_option("--token", common.connection.token,
                      "API token (default: WASMFAAS_TOKEN, the profile)");
  command->add_option("--profile", common.connection.profile,
                      "Profile of the config file (default: WASMFAAS_PROFILE, 'default')");
  command->add_flag("--json", common.json, "Print JSON for scripts");
  command->add_flag("-v,--verbose", common.verbose, "Say more on stderr");
  command->fallthrough();
  return command;
}

}  // namespace wasmfaas::client
