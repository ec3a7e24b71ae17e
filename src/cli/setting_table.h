#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "common/error.h"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace wasmfaas::cli {

// The settings of one command, each read from a flag (--NAME), a variable
// (WASMFAAS_NAME: upper case, '-' -> '_') or a key of a TOML file (NAME; a
// table flattens with '-', so [s3] endpoint is s3-endpoint), with one
// precedence: flag > variable > file > default. The command line parser
// only collects text; every value is checked here, so that a refusal names
// where the value came from, what it was and what is allowed. Switches are
// alike everywhere: `--NAME` or `--NAME=true|false`, a variable or key of
// true/false (also 1/0, yes/no, on/off). Not thread-safe; binds to
// `command` and to every target for its lifetime.
class SettingTable {
 public:
  static constexpr int64_t kNoLimit = std::numeric_limits<int64_t>::max();

  explicit SettingTable(CLI::App& command) : command_(command) {}
  SettingTable(const SettingTable&) = delete;
  SettingTable& operator=(const SettingTable&) = delete;

  // A whole number from `min` to `max` (kNoLimit: no upper bound) of
  // `unit` ("milliseconds"; "" for a count).
  template <typename T>
  void number(const std::string& name, T& target, int64_t min, int64_t max,
              const std::string& unit, const std::string& help) {
    add_number(name, static_cast<int64_t>(target), min, max, unit, help,
               [&target](int64_t value) { target = static_cast<T>(value); });
  }
  // Text; with `allowed`, one of those words.
  void text(const std::string& name, std::string& target, const std::string& help,
            std::vector<std::string> allowed = {});
  // Several texts: the flag repeated or `delimiter`-separated, the variable
  // `delimiter`-separated, the file's key a string, an array of strings or
  // a table of strings (its values in order).
  void list(const std::string& name, std::vector<std::string>& target, char delimiter,
            const std::string& help);
  void toggle(const std::string& name, bool& target, const std::string& help);

  // Takes what the command line did not give from the variables, then from
  // `config_file` (none when empty), checks every value and stores it in
  // its target. kInvalidArgument naming the source on the first bad value,
  // an unknown file key or a file that does not parse.
  Result<void> resolve(const std::string& config_file);

  enum class Kind { kNumber, kText, kList, kToggle };

 private:
  struct Setting {
    std::string name;
    Kind kind = Kind::kText;
    CLI::Option* option = nullptr;
    // What the command line collected.
    std::string raw;
    std::vector<std::string> raw_list;
    // Checks and stores one value; a message of what is wrong otherwise.
    std::function<Result<void>(const std::string&)> store;
    std::function<void(const std::vector<std::string>&)> store_list;
    char delimiter = ' ';
    std::string allowed;  // in words, for messages and --help
  };

  void add_number(const std::string& name, int64_t current, int64_t min, int64_t max,
                  const std::string& unit, const std::string& help,
                  std::function<void(int64_t)> assign);
  Setting& add(const std::string& name, Kind kind);
  Result<void> apply_file(const std::string& config_file);
  Result<void> store_text(Setting& setting, const std::string& where, const std::string& value);
  Setting* find(const std::string& name);

  CLI::App& command_;
  std::deque<Setting> settings_;  // stable addresses: the parser writes into them
  std::vector<Setting*> resolved_;
};

// "WASMFAAS_MEMORY_MB" for "memory-mb".
std::string setting_variable(const std::string& name);

}  // namespace wasmfaas::cli
