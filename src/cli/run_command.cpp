#include "cli/run_command.h"

#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <cstdio>
#include <iostream>
#include <iterator>

#include "api/function_config.h"
#include "common/file_util.h"
#include "keyvalue/function_keyvalue.h"
#include "keyvalue/keyvalue_service.h"
#include "state/open_state_database.h"
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

// The bucket a local run's key-value stores belong to (as if deployed to
// the bucket `functions`).
constexpr std::string_view kLocalBucket = "functions";

// A temporary directory removed when it goes out of scope.
class TemporaryDirectory {
 public:
  TemporaryDirectory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "wasmfaas-run-XXXXXX").string();
    if (mkdtemp(pattern.data())) path_ = pattern;
  }
  ~TemporaryDirectory() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

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
  runtime::InvocationOptions invocation_options;
  std::vector<std::string> granted_stores;
  if (options.config_path) {
    auto text = read_file_bytes(*options.config_path);
    if (!text) return fail(text.error());
    auto config = api::parse_function_config(
        std::string_view(reinterpret_cast<const char*>(text->data()), text->size()), {(*engine)->options().max_memory_bytes, (*engine)->options().fuel_metering});
    if (!config) {
      return fail(Error{config.error().code,
                        options.config_path->string() + ": " + config.error().message});
    }
    invocation_options = api::apply_function_config(*config, invocation_options);
    granted_stores = config->keyvalue;
  }
  // Key-value stores only when the config grants some, as on a server.
  TemporaryDirectory scratch;
  std::unique_ptr<state::StateDatabase> database;
  std::unique_ptr<keyvalue::KeyValueService> keyvalue;
  std::optional<keyvalue::FunctionKeyValue> stores;
  if (!granted_stores.empty()) {
    const std::string setting =
        options.state.empty() ? "sqlite:" + (scratch.path() / "state.db").string() : options.state;
    auto opened = state::open_state_database(setting, scratch.path());
    if (!opened) return fail(opened.error());
    database = std::move(*opened);
    keyvalue = std::make_unique<keyvalue::KeyValueService>(*database, keyvalue::KeyValueLimits{},
                                                           keyvalue::KeyValueMetrics{});
    stores.emplace(*keyvalue, std::string(kLocalBucket), granted_stores);
    invocation_options.keyvalue = &*stores;
  }
  auto function = (*engine)->compile(*bytes);
  if (!function) return fail(function.error());
  auto invocation = runtime::Invocation::start(**engine, **function, invocation_options);
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
