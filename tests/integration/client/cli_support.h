#pragma once
// Test support for the client CLI: runs `wasmfaas <args>` in-process
// (client::run_client) against a server, with its stdin, stdout, stderr
// and environment as strings.

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "client/client_commands.h"
#include "support/temp_dir.h"

namespace wasmfaas::testing {

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;

  nlohmann::json json() const { return nlohmann::json::parse(out); }
};

// One user of the CLI: a config directory of their own (XDG_CONFIG_HOME)
// and environment variables.
class CliUser {
 public:
  explicit CliUser(uint16_t port) {
    env_["XDG_CONFIG_HOME"] = config_dir_.path().string();
    env_["WASMFAAS_SERVER"] = "http://127.0.0.1:" + std::to_string(port);
  }

  std::map<std::string, std::string>& env() { return env_; }
  const std::filesystem::path& config_dir() const { return config_dir_.path(); }

  CliResult run(const std::vector<std::string>& args, const std::string& input = "",
                std::function<bool()> keep_following = {}) {
    std::istringstream in(input);
    std::ostringstream out;
    std::ostringstream err;
    client::ClientIo io;
    io.in = &in;
    io.out = &out;
    io.err = &err;
    io.env = [env = env_](const std::string& name) -> std::optional<std::string> {
      const auto it = env.find(name);
      if (it == env.end()) return std::nullopt;
      return it->second;
    };
    io.keep_following = std::move(keep_following);
    io.follow_interval = std::chrono::milliseconds(10);
    CliResult result;
    result.code = client::run_client(args, std::move(io));
    result.out = out.str();
    result.err = err.str();
    return result;
  }

 private:
  TempDir config_dir_;
  std::map<std::string, std::string> env_;
};

}  // namespace wasmfaas::testing
