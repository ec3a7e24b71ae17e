#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli/serve_command.h"
#include "common/error.h"

namespace CLI {
class App;
}

namespace wasmfaas::cli {

// Every setting of `wasmfaas serve`, from three places with one precedence:
// flags > WASMFAAS_* environment variables > the TOML file named by
// --config (or WASMFAAS_CONFIG) > defaults. A setting's flag is --NAME, its
// variable WASMFAAS_NAME (upper case, '-' -> '_') and its file key NAME (a
// table flattens with '-': [s3] endpoint is s3-endpoint). `--help` lists
// them all with their defaults. Not thread-safe; binds to `command` for
// its lifetime, so it must not move.
class ServeSettings {
 public:
  explicit ServeSettings(CLI::App& command);
  ServeSettings(const ServeSettings&) = delete;
  ServeSettings& operator=(const ServeSettings&) = delete;

  // After the command line is parsed: applies the config file to settings
  // neither a flag nor the environment gave, checks the combination and
  // returns the options. kInvalidArgument naming the setting (and the file)
  // on an unknown key, a bad value or a contradiction.
  Result<ServeCommandOptions> finish();

 private:
  Result<void> apply_config_file();

  CLI::App& command_;
  ServeCommandOptions options_;
  std::string config_file_;
  // Settings in the units users write, converted by finish().
  bool virtual_hosted_ = false;
  int64_t s3_timeout_ms_ = 0;
  bool no_cache_ = false;
  bool no_guard_pages_ = false;
  bool no_metrics_ = false;
  int64_t freshness_ms_ = 0;
  bool no_change_notices_ = false;
  int64_t notified_freshness_ms_ = 5000;
  int64_t timeout_ms_ = 0;
  uint64_t memory_mb_ = 0;
  uint64_t max_memory_mb_ = 0;
  size_t stack_kb_ = 0;
  size_t output_kb_ = 0;
  size_t log_kb_ = 0;
  size_t body_kb_ = 0;
  size_t upload_mb_ = 0;
  size_t memory_cache_mb_ = 0;
  int64_t pipeline_timeout_ms_ = 0;
  size_t kv_max_value_kb_ = 0;
  uint64_t kv_bucket_max_mb_ = 0;
  uint64_t job_retention_hours_ = 0;
  int64_t job_lease_ms_ = 0;
  std::vector<std::string> callback_hosts_;
  std::vector<std::string> token_lines_;
};

}  // namespace wasmfaas::cli
