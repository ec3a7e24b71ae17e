#pragma once
// The client subcommands of `wasmfaas` (deploy, invoke, ls, versions,
// rollback, alias, logs, config, pipeline, jobs, schedule, kv, bucket): they
// talk to a running server over its HTTP API. See docs/cli.md.

#include <chrono>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "client/profile.h"

namespace CLI {
class App;
class ParseError;
}  // namespace CLI

namespace wasmfaas::client {

// Where the commands read and write, and their environment: the process's
// own in the binary, strings in tests.
struct ClientIo {
  std::istream* in = &std::cin;
  std::ostream* out = &std::cout;
  std::ostream* err = &std::cerr;
  bool err_is_tty = false;  // upload progress is shown only on a terminal
  bool out_is_tty = false;  // on a terminal, an output is ended with a line break
  EnvLookup env = process_environment();
  // `logs --follow`: asked before each poll whether to go on; none: until SIGINT.
  std::function<bool()> keep_following;
  std::chrono::milliseconds follow_interval{1000};
};

// The process's own streams and environment (err_is_tty from isatty(2)).
ClientIo process_io();

// Adds the client subcommands to `app` and the exit codes to its help. A
// client command ends the parse by throwing CLI::RuntimeError with its exit
// code (0 included), which CLI::App::exit returns without printing.
void add_client_commands(CLI::App& app, ClientIo io = process_io());

// The exit code for a parse that threw `error`: the command's own, 0 for
// --help, kExitUsage for any usage error (after printing it as CLI11 does).
int exit_code_after(const CLI::App& app, const CLI::ParseError& error,
                    std::ostream& out = std::cout, std::ostream& err = std::cerr);

// Runs `wasmfaas <args...>` with only the client commands, on `io` (tests).
int run_client(const std::vector<std::string>& args, ClientIo io);

}  // namespace wasmfaas::client
