#include "client/client_commands.h"

#include <CLI/CLI.hpp>
#include <unistd.h>

#include "client/exit_codes.h"
#include "client/session.h"

namespace wasmfaas::client {

ClientIo process_io() {
  ClientIo io;
  io.err_is_tty = ::isatty(STDERR_FILENO) == 1;
  io.out_is_tty = ::isatty(STDOUT_FILENO) == 1;
  return io;
}

void add_client_commands(CLI::App& app, ClientIo io) {
  auto shared = std::make_shared<Shared>();
  shared->io = std::move(io);
  add_function_commands(app, shared);
  add_alias_commands(app, shared);
  add_logs_command(app, shared);
  add_pipeline_commands(app, shared);
  add_job_commands(app, shared);
  add_schedule_commands(app, shared);
  add_kv_commands(app, shared);
  app.footer(exit_codes_help());
}

int exit_code_after(const CLI::App& app, const CLI::ParseError& error, std::ostream& out,
                    std::ostream& err) {
  const int code = app.exit(error, out, err);
  if (dynamic_cast<const CLI::RuntimeError*>(&error)) return code;
  return code == 0 ? kExitOk : kExitUsage;
}

int run_client(const std::vector<std::string>& args, ClientIo io) {
  std::ostream& out = *io.out;
  std::ostream& err = *io.err;
  CLI::App app{"wasmfaas client"};
  app.require_subcommand(1);
  add_client_commands(app, std::move(io));
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& error) {
    return exit_code_after(app, error, out, err);
  }
  return kExitUsage;
}

}  // namespace wasmfaas::client
