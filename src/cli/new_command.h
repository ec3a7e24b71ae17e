#pragma once

#include <filesystem>
#include <string>

namespace wasmfaas::cli {

struct NewCommandOptions {
  std::string language;  // rust, cpp, js, python or go
  std::string name;      // the function's name and directory
  std::filesystem::path parent = ".";
};

// `wasmfaas new <language> <name>`: creates <parent>/<name>/ from
// templates/<language>/ (the smallest faas-exec function, `__NAME__`
// replaced), with the WIT world, the shared build settings and a build.sh
// that builds <name>.wasm with the toolchains the set-up installed. Returns
// the process exit code.
int create_function(const NewCommandOptions& options);

}  // namespace wasmfaas::cli
