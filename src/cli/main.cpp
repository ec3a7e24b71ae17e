// wasmfaas command line: parses flags and hands off to one subcommand.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/new_command.h"
#include "client/client_commands.h"
#include "cli/run_command.h"
#include "cli/serve_command.h"
#include "cli/serve_settings.h"
#include "cli/token_command.h"

int main(int argc, char** argv) {
  CLI::App app{"wasmfaas: a WebAssembly Function-as-a-Service platform"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("wasmfaas ") + WASMFAAS_VERSION + " (Wasmtime " +
                                        WASMTIME_VERSION + ")");

  wasmfaas::cli::RunCommandOptions run_options;
  std::string input;
  CLI::App* run = app.add_subcommand("run", "Run a faas-exec component once and print its output");
  run->add_option("component", run_options.component_path, "Path of the component (.wasm)")
      ->required();
  CLI::Option* input_option =
      run->add_option("input", input, "Input string for exec (read from stdin when omitted)");
  run->add_flag("--logs", run_options.show_logs, "Print the captured stdout/stderr to stderr");
  run->add_flag("--timings", run_options.show_timings,
                "Print compile/instantiate/call times to stderr");
  std::string run_config;
  run->add_option("--config", run_config,
                  "Function config (JSON, as PUT /config takes): env, allowed_hosts, key-value "
                  "grants, wasi:config values and limits apply as on a server")
      ->check(CLI::ExistingFile);
  run->add_option("--state", run_options.state,
                  "State database of the granted key-value stores, as serve's --state "
                  "(default: a temporary one, gone after the run)");

  CLI::App* serve = app.add_subcommand("serve", "Serve the HTTP API");
  wasmfaas::cli::ServeSettings serve_settings(*serve);

  wasmfaas::cli::TokenCreateOptions token_options;
  CLI::App* token = app.add_subcommand("token", "Manage API tokens");
  token->require_subcommand(1);
  CLI::App* token_create =
      token->add_subcommand("create", "Print a new API token and the config line with its hash");
  token_create->add_option("--scope", token_options.scope, "admin or invoke")
      ->capture_default_str()
      ->check(CLI::IsMember({"admin", "invoke"}));
  token_create->add_option("--bucket", token_options.buckets,
                           "Restrict the token to this bucket (repeatable)");
  token_create->add_option("--name", token_options.name, "Name shown in audit logs");

  wasmfaas::cli::NewCommandOptions new_options;
  CLI::App* create = app.add_subcommand(
      "new", "Create a new function from a template: new [--template counter] <language> <name>");
  create->add_option("language", new_options.language, "rust, cpp, js, python or go")
      ->required()
      ->check(CLI::IsMember({"rust", "cpp", "js", "python", "go"}));
  create->add_option("name", new_options.name, "The function's name (and directory)")->required();
  create->add_option("--dir", new_options.parent, "Where to create it")->capture_default_str();
  create
      ->add_option("--template", new_options.template_name,
                   "echo (every language) or counter (rust, js, python: a key-value counter "
                   "using wasi:keyvalue and wasi:config)")
      ->capture_default_str()
      ->check(CLI::IsMember({"echo", "counter"}));

  wasmfaas::client::add_client_commands(app);  // deploy, invoke, ls, ...: a server's client
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return wasmfaas::client::exit_code_after(app, error);
  }

  if (create->parsed()) return wasmfaas::cli::create_function(new_options);

  if (token_create->parsed()) return wasmfaas::cli::create_token(token_options);

  if (run->parsed()) {
    if (input_option->count() > 0) run_options.input = input;
    if (!run_config.empty()) run_options.config_path = run_config;
    return wasmfaas::cli::run_component(run_options);
  }
  if (serve->parsed()) {
    auto options = serve_settings.finish();
    if (!options) {
      std::cerr << "wasmfaas serve: " << options.error().message << "\n";
      return 1;
    }
    return wasmfaas::cli::serve(std::move(*options));
  }
  return 1;
}
