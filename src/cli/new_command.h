#pragma once

#include <filesystem>
#include <string>

namespace wasmfaas::cli {

struct NewCommandOptions {
  std::string language;  // rust, cpp, js, python or go
  std::string name;      // the function's name and directory
  std::filesystem::path parent = ".";
  // "echo" (every language) or "counter" (rust, js, python: wasi:keyvalue
  // and wasi:config).
  std::string template_name = "echo";
};

// `wasmfaas new [--template counter] <language> <name>`: creates
// <parent>/<name>/ from templates/<language>/ (echo: the smallest faas-exec
// function) or templates/<language>-counter/ (a key-value counter, the
// faas-exec-kv world), `__NAME__` replaced, with the WIT worlds, the shared
// build settings and a build.sh that builds <name>.wasm with the toolchains
// the set-up installed. Returns the process exit code.
int create_function(const NewCommandOptions& options);

}  // namespace wasmfaas::cli
