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
};

// `wasmfaas run`: compiles one component, calls it once, prints the output.
// Returns the process exit code.
int run_component(const RunCommandOptions& options);

}  // namespace wasmfaas::cli
