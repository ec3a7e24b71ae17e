#pragma once
// One run of a client command: the resolved connection, the output streams
// and --json, and the helpers every command uses to send a request, turn a
// failure into its message and exit code, and print. Internal to
// src/client. Not thread-safe.

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

#include "client/api_client.h"
#include "client/client_commands.h"

namespace wasmfaas::client {

struct CommonOptions {
  ConnectionFlags connection;
  bool json = false;
  bool verbose = false;
};

// What every command's callback shares: the streams and the common flags.
struct Shared {
  ClientIo io;
  CommonOptions common;
};

class Session {
 public:
  explicit Session(Shared& shared);

  // Sends the request; a transport failure or a non-2xx answer prints its
  // message (and with --json the error body on stdout) and ends the
  // command with its exit code.
  ApiResponse call(ApiRequest request);
  // As call, but any HTTP status is returned.
  ApiResponse send(const ApiRequest& request);
  // call, then the body as JSON.
  nlohmann::json call_json(ApiRequest request);

  // --json: the JSON (indented); else human().
  void output(const nlohmann::json& body, const std::function<void()>& human);

  [[noreturn]] void fail(int exit_code, const std::string& message);
  [[noreturn]] void fail_response(const ApiResponse& response);

  std::ostream& out() { return *shared_.io.out; }
  std::ostream& err() { return *shared_.io.err; }
  std::istream& in() { return *shared_.io.in; }
  const ClientIo& io() const { return shared_.io; }
  bool json() const { return shared_.common.json; }
  bool verbose() const { return shared_.common.verbose; }
  ApiClient& client() { return *client_; }

 private:
  Shared& shared_;
  std::unique_ptr<ApiClient> client_;
};

// A usage error from a command: prints it and ends with kExitUsage.
[[noreturn]] void usage_error(Session& session, const std::string& message);

// "bucket/rest" -> {bucket, rest}; both parts required.
std::pair<std::string, std::string> split_target(Session& session, const std::string& target,
                                                 const std::string& what);
inline constexpr const char* kFunctionTarget = "<bucket>/<key> (a function)";
// "/<bucket>/<key>", escaped.
std::string function_path(const std::string& bucket, const std::string& key);
// The text of `argument` when given and not "-", else all of stdin.
std::string argument_or_stdin(Session& session, const std::optional<std::string>& argument);
// The bytes of `path`, or stdin for "-" or none.
std::string file_or_stdin(Session& session, const std::optional<std::string>& path);
// The body as JSON, or a usage error naming `what`.
nlohmann::json parse_json(Session& session, const std::string& text, const std::string& what);
// A JSON value for a table cell: strings bare, null empty, others dumped.
std::string cell(const nlohmann::json& value);
// cell of `object`'s field `name` ("" when it has none).
std::string cell(const nlohmann::json& object, const char* name);
// Top-level fields as `name: value` lines.
void print_fields(std::ostream& out, const nlohmann::json& object);

// Registers a command's run: it gets a Session and ends the parse with exit
// code 0 when it returns (or with its own when it fails).
void on_run(CLI::App* command, const std::shared_ptr<Shared>& shared,
            std::function<void(Session&)> run);
// --server, --token, --profile, --json, -v on `command` (and, through
// fallthrough, its subcommands).
CLI::App* client_command(CLI::App& app, const std::shared_ptr<Shared>& shared,
                         const std::string& name, const std::string& description);

void add_function_commands(CLI::App& app, const std::shared_ptr<Shared>& shared);
void add_alias_commands(CLI::App& app, const std::shared_ptr<Shared>& shared);
void add_logs_command(CLI::App& app, const std::shared_ptr<Shared>& shared);
void add_pipeline_commands(CLI::App& app, const std::shared_ptr<Shared>& shared);
void add_job_commands(CLI::App& app, const std::shared_ptr<Shared>& shared);
void add_schedule_commands(CLI::App& app, const std::shared_ptr<Shared>& shared);
void add_kv_commands(CLI::App& app, const std::shared_ptr<Shared>& shared);

}  // namespace wasmfaas::client
