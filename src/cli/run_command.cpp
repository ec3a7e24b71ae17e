#include "cli/run_command.h"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <iterator>

#include "common/file_util.h"
#include "runtime/compiled_function.h"
#include "runtime/engine.h"
#include "runtime/invocation.h"

namespace wasmfaas::cli {
namespace {

double to_ms(std::chrono::nanoseconds duration) {
  return std::chrono::duration<double, std::milli>(duration).count();
}

int fail(const Error& error) {
  std::cerr << "error (" << to_string(error.code) << "): " << error.message << "\n";
  return 1;
}

void print_logs(const runtime::CapturedLogs& logs) {
  std::cerr << "--- stdout" << (logs.stdout_truncated ? " (truncated)" : "") << " ---\n"
            << logs.stdout_text << "--- stderr" << (logs.stderr_truncated ? " (truncated)" : "")
            << " ---\n"
            << logs.stderr_text;
}

}  // namespace

int run_component(const RunCommandOptions& options) {
  auto bytes = read_file_bytes(options.component_path);
  if (!bytes) return fail(bytes.error());

  std::string input;
  if (options.input) {
    input = *options.input;
  } else {
    input.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }

  auto engine = runtime::Engine::create();
  if (!engine) return fail(engine.error());
  auto function = (*engine)->compile(*bytes);
  if (!function) return fail(function.error());
  auto invocation = runtime::Invocation::start(**engine, **function);
  if (!invocation) return fail(invocation.error());
  auto output = invocation->call(input);

  if (options.show_logs) print_logs(invocation->logs());
  if (options.show_timings) {
    std::fprintf(stderr, "compile %.3f ms, instantiate %.3f ms, call %.3f ms\n",
                 to_ms((*function)->compile_time()), to_ms(invocation->timings().instantiate),
                 to_ms(invocation->timings().call));
  }
  if (!output) return fail(output.error());
  std::cout << *output << "\n";
  return 0;
}

}  // namespace wasmfaas::cli
