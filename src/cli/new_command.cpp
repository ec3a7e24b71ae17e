#include "cli/new_command.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

namespace wasmfaas::cli {
namespace {

namespace fs = std::filesystem;

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size()) {
    text.replace(at, from.size(), to);
  }
  return text;
}

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 64 || !std::isalpha(static_cast<unsigned char>(name[0]))) {
    return false;
  }
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

// Copies `from` into `to`, replacing __NAME__ in file names and contents.
void copy_template(const fs::path& from, const fs::path& to, const std::string& name) {
  for (const auto& entry : fs::recursive_directory_iterator(from)) {
    const fs::path relative = fs::relative(entry.path(), from);
    const fs::path target = to / replace_all(relative.string(), "__NAME__", name);
    if (entry.is_directory()) {
      fs::create_directories(target);
      continue;
    }
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    std::ofstream(target, std::ios::binary) << replace_all(text.str(), "__NAME__", name);
    fs::permissions(target, fs::status(entry.path()).permissions());
  }
}

// 'text' quoted for a POSIX shell when it holds anything but plain characters.
std::string shell_quoted(const std::string& text) {
  const bool plain = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("-_./@%+=:,", c);
  });
  if (plain) return text;
  std::string quoted = "'";
  quoted += replace_all(text, "'", "'\\''");
  quoted += "'";
  return quoted;
}

// How to run this very binary from a shell: "wasmfaas" when that name on
// the PATH is this binary, else its absolute path.
std::string wasmfaas_command() {
  std::error_code error;
  const fs::path self = fs::read_symlink("/proc/self/exe", error);
  if (error) return "wasmfaas";
  const char* path = std::getenv("PATH");
  std::string_view directories = path ? path : "";
  while (!directories.empty()) {
    const size_t end = std::min(directories.find(':'), directories.size());
    const fs::path candidate = fs::path(directories.substr(0, end)) / "wasmfaas";
    if (fs::equivalent(candidate, self, error) && !error) return "wasmfaas";
    directories.remove_prefix(std::min(end + 1, directories.size()));
  }
  return shell_quoted(self.string());
}

}  // namespace

int create_function(const NewCommandOptions& options) {
  const fs::path source = WASMFAAS_SOURCE_DIR;
  const bool counter = options.template_name == "counter";
  const fs::path templates =
      source / "templates" / (counter ? options.language + "-counter" : options.language);
  if (!fs::is_directory(templates)) {
    if (counter) {
      std::cerr << "wasmfaas new: no counter template for '" << options.language
                << "'; choose rust, js or python\n";
    } else {
      std::cerr << "wasmfaas new: no template for '" << options.language
                << "'; choose rust, cpp, js, python or go\n";
    }
    return 1;
  }
  if (!valid_name(options.name)) {
    std::cerr << "wasmfaas new: the name must start with a letter and use letters, digits, "
                 "'-' and '_' (at most 64), not '"
              << options.name << "'\n";
    return 1;
  }
  const fs::path target = options.parent / options.name;
  if (fs::exists(target)) {
    std::cerr << "wasmfaas new: " << target.string() << " already exists\n";
    return 1;
  }
  try {
    fs::create_directories(target);
    copy_template(templates, target, options.name);
    fs::copy(source / "wit", target / "wit", fs::copy_options::recursive);
    // The build settings: the template's shared part with the adapter of
    // the Wasmtime this binary embeds.
    std::ifstream common(source / "templates" / "common-env.sh");
    std::stringstream text;
    text << "WASI_ADAPTER_REACTOR=${WASI_ADAPTER_REACTOR:-" << WASMFAAS_WASI_ADAPTER_REACTOR
         << "}\n"
         << common.rdbuf();
    std::ofstream(target / "common-env.sh") << text.str();
    if (options.language == "go") {
      fs::copy(source / "examples" / "go" / "faas", target / "faas", fs::copy_options::recursive);
    }
    if (counter) {
      std::ofstream(target / "config.json")
          << "{\"keyvalue\": [\"default\"], \"config\": {\"greeting\": \"Hi\"}}\n";
    }
    if (options.language == "js") {
      fs::copy(source / "examples" / "js" / "componentize.mjs", target / "componentize.mjs");
    }
  } catch (const fs::filesystem_error& error) {
    std::cerr << "wasmfaas new: " << error.what() << "\n";
    return 1;
  }
  const std::string wasmfaas = wasmfaas_command();
  const std::string wasm = options.name + ".wasm";
  std::cout << "created " << target.string() << "/ (" << options.language
            << (counter ? ", counter" : "") << ")\n\n"
            << "build and run it here (from this directory):\n"
            << "  cd " << shell_quoted(target.string()) << "\n"
            << "  ./build.sh\n";
  if (counter) {
    // config.json grants the store and the wasi:config value it reads.
    std::cout << "  " << wasmfaas << " run --config config.json " << wasm
              << " '{\"key\":\"visits\"}'\n";
  } else {
    std::cout << "  " << wasmfaas << " run " << wasm << " '{\"x\":1}'\n";
  }
  std::cout << "\nthen, with a server running (`wasmfaas serve`, or `make run` in wasmfaas's "
               "source):\n"
            << "  " << wasmfaas << " deploy " << wasm << " functions/" << options.name
            << (counter ? " --config config.json" : "") << "\n"
            << "  " << wasmfaas << " invoke functions/" << options.name << " "
            << (counter ? "'{\"key\":\"visits\"}'" : "'{\"x\":1}'") << "\n";
  if (wasmfaas != "wasmfaas") {
    std::cout << "\n(`wasmfaas` is not on your PATH: `make install` in wasmfaas's source puts "
                 "it there)\n";
  }
  return 0;
}

}  // namespace wasmfaas::cli
