#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli/serve_command.h"
#include "cli/setting_table.h"
#include "common/error.h"

namespace CLI {
class App;
}

namespace wasmfaas::cli {

// Every setting of `wasmfaas serve`, read through a SettingTable: flags >
// WASMFAAS_* environment variables > the TOML file named by --config (or
// WASMFAAS_CONFIG) > defaults. `--help` lists them all with their defaults
// and allowed values. Not thread-safe; binds to `command` for
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
  SettingTable table_;
  ServeCommandOptions options_;
  std::string config_file_;
  std::string data_dir_;
  std::string deploy_dir_;
  // Settings in the units users write, converted by finish().
  bool virtual_hosted_ = false;
  int64_t s3_timeout_ms_ = 0;
  bool no_cache_ = false;
  bool no_guard_pages_ = false;
  bool no_metrics_ = false;
  int64_t freshness_ms_ = 0;
  int64_t short_call_us_ = 0;
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
