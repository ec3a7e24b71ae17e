#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace wasmfaas::cli {

struct RunCommandOptions {
  std::filesystem::path component_path;
  std::optional<std::string> input;  // read from stdin when absent
  bool show_logs = false;
  bool show_timings = false;
  // A function config (JSON, as PUT /config takes): its env, allowed_hosts,
  // key-value grants, wasi:config values and limits apply as on a server.
  std::optional<std::filesystem::path> config_path;
  // The state database of granted key-value stores, as serve's --state
  // names one; empty: a temporary SQLite file, gone after the run.
  std::string state;
};

// `wasmfaas run`: compiles one component, calls it once, prints the output.
// Returns the process exit code.
int run_component(const RunCommandOptions& options);

}  // namespace wasmfaas::cli
