#include "cli/serve_settings.h"

#include <toml++/toml.h>

#include <CLI/CLI.hpp>
#include <cctype>

#include "common/origins.h"
#include "http/access_control.h"
#include "storage/s3/s3_store.h"

namespace wasmfaas::cli {
namespace {

// WASMFAAS_MEMORY_MB for --memory-mb.
std::string environment_name(const std::string& flag) {
  std::string name = "WASMFAAS_";
  for (char c : flag) {
    name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return name;
}

// A TOML leaf as the text a flag would carry.
std::optional<std::string> value_text(const toml::node& node) {
  if (const auto* text = node.as_string()) return text->get();
  if (const auto* integer = node.as_integer()) return std::to_string(integer->get());
  if (const auto* boolean = node.as_boolean()) return boolean->get() ? "true" : "false";
  if (const auto* number = node.as_floating_point()) return std::to_string(number->get());
  return std::nullopt;
}

// Every leaf of the file as (setting name, values); tables flatten with '-'.
void flatten(const toml::table& table, const std::string& prefix,
             std::vector<std::pair<std::string, const toml::node*>>& leaves) {
  for (const auto& [key, node] : table) {
    const std::string name =
        prefix.empty() ? std::string(key.str()) : prefix + "-" + std::string(key.str());
    if (const auto* nested = node.as_table()) {
      flatten(*nested, name, leaves);
    } else {
      leaves.emplace_back(name, &node);
    }
  }
}

}  // namespace

ServeSettings::ServeSettings(CLI::App& command) : command_(command) {
  ServeCommandOptions& o = options_;
  server::ServerConfig& config = o.config;
  runtime::InvocationOptions& invocation = config.execution.invocation;
  http::HttpLimits& limits = config.http.limits;
  s3_timeout_ms_ = o.s3.request_timeout.count();
  timeout_ms_ = invocation.timeout.count();
  memory_mb_ = invocation.max_memory_bytes >> 20;
  max_memory_mb_ = o.engine.max_memory_bytes >> 20;
  stack_kb_ = o.engine.max_wasm_stack_bytes >> 10;
  output_kb_ = invocation.max_output_bytes >> 10;
  log_kb_ = invocation.max_log_bytes >> 10;
  body_kb_ = limits.max_body_bytes >> 10;
  upload_mb_ = limits.max_upload_bytes >> 20;
  memory_cache_mb_ = config.compiled.memory_bytes >> 20;
  pipeline_timeout_ms_ = config.pipelines.total_timeout.count();
  kv_max_value_kb_ = config.keyvalue.max_value_bytes >> 10;
  kv_bucket_max_mb_ = config.keyvalue.bucket_max_bytes >> 20;
  job_retention_hours_ =
      std::chrono::duration_cast<std::chrono::hours>(config.triggers.schedules.retention).count();
  job_lease_ms_ = config.triggers.workers.lease.count();
  config.triggers.workers.workers = std::max(1u, std::thread::hardware_concurrency() / 2);
  // Unset unless a flag, WASMFAAS_S3_REGION or the file names one; finish()
  // then takes AWS_REGION, AWS_DEFAULT_REGION or us-east-1.
  o.s3.region.clear();

  CLI::App& c = command;
  c.add_option("--config", config_file_,
               "TOML file with settings (keys are the flag names); flags and WASMFAAS_* "
               "variables override it")
      ->envname("WASMFAAS_CONFIG");
  // Network and storage.
  c.add_option("--listen", o.listen, "Address to listen on, HOST:PORT")->capture_default_str();
  c.add_option("--store", o.store, "Where functions live: local or s3")
      ->capture_default_str()
      ->check(CLI::IsMember({"local", "s3"}));
  c.add_option("--data-dir", o.data_dir, "Directory of the embedded store")->capture_default_str();
  c.add_option("--system-bucket", config.system_bucket,
               "Bucket where wasmfaas keeps its own data (configs, pipelines), created at start; "
               "never a bucket of functions (on AWS, a name nobody else owns)")
      ->capture_default_str();
  c.add_option("--s3-endpoint", o.s3.endpoint, "S3 endpoint URL (default: AWS_ENDPOINT_URL)");
  c.add_option("--s3-region", o.s3.region, "S3 region (default: AWS_REGION, else us-east-1)");
  c.add_flag("--s3-virtual-hosted", virtual_hosted_,
             "Address buckets as bucket.host instead of host/bucket");
  c.add_option("--s3-timeout-ms", s3_timeout_ms_, "Timeout of one S3 request")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  c.add_option("--deploy-examples", o.deploy_dir,
               "Directory of *.wasm to deploy into bucket 'functions' on first start");
  c.add_option("--io-threads", config.http.io_threads, "Network threads")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  c.add_option("--exec-workers", config.exec_workers, "Threads executing functions")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  c.add_option("--exec-queue", config.exec_queue, "Executions waiting for a worker before 503")
      ->capture_default_str();
  c.add_option("--shutdown-delay-ms", o.shutdown_delay_ms,
               "On SIGTERM, how long /readyz answers 503 while the node still serves, so "
               "load balancers take it out before it drains")
      ->capture_default_str();
  c.add_option("--drain-seconds", o.drain_seconds,
               "On SIGINT/SIGTERM, how long in-flight requests may finish")
      ->capture_default_str();
  // Compiled code.
  c.add_option("--code-cache-dir", o.cache_dir,
               "Directory for compiled code that survives restarts (\"\" for none)")
      ->capture_default_str();
  c.add_option("--memory-cache-mb", memory_cache_mb_, "Compiled code kept in memory (MiB)")
      ->capture_default_str();
  c.add_flag("--no-cache", no_cache_,
             "Download and compile on every exec, as the seed did (for comparison)");
  c.add_option("--freshness-ms", freshness_ms_,
               "How long an exec may run a key's version (or an alias's target) without asking "
               "the store whether it changed (0: ask every time)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  c.add_flag("--no-change-notices", no_change_notices_,
             "Nodes sharing a PostgreSQL state database do not tell each other of uploads, "
             "config changes, alias changes and deletes (then only --freshness-ms applies)");
  c.add_option("--notified-freshness-ms", notified_freshness_ms_,
               "While change notices from other nodes arrive, how long an exec may run a key's "
               "version without asking the store (changes made behind wasmfaas's back show "
               "within it)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  c.add_option("--max-instances", o.engine.max_instances,
               "Instances in the pooling allocator (concurrent executions)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  c.add_flag("--no-guard-pages", no_guard_pages_,
             "Bounds-check memory accesses in code instead of guard pages: cheaper "
             "instantiation, slower guest code");
  // Limits of one execution and of requests.
  c.add_option("--timeout-ms", timeout_ms_, "Wall-clock limit of one execution")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  c.add_option("--memory-mb", memory_mb_, "Linear memory one execution may grow to (MiB)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  c.add_option("--max-memory-mb", max_memory_mb_,
               "Size of each pooled memory slot: no function may exceed it (MiB)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  c.add_option("--stack-kb", stack_kb_, "Native stack a function's wasm code may use (KiB)")
      ->capture_default_str()
      ->check(CLI::Range(64, 8192));
  c.add_option("--fuel", invocation.fuel,
               "Fuel (about one unit per wasm instruction) per execution; 0: unmetered")
      ->capture_default_str();
  c.add_option("--max-output-kb", output_kb_, "Largest output of one execution (KiB)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  c.add_option("--max-log-kb", log_kb_, "stdout and stderr kept per execution, each (KiB)")
      ->capture_default_str();
  c.add_option("--max-body-kb", body_kb_, "Largest request body except uploads (KiB)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  c.add_option("--max-upload-mb", upload_mb_, "Largest upload (MiB)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  // Pipelines.
  c.add_option("--pipeline-max-steps", config.pipelines.max_steps, "Most steps in one pipeline")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  c.add_option("--pipeline-timeout-ms", pipeline_timeout_ms_,
               "Wall-clock limit of a whole pipeline run")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  // State for functions (wasi:keyvalue).
  c.add_option("--state", o.state,
               "State database for key-value stores: \"sqlite\" (state.db in --data-dir), "
               "sqlite:PATH, or postgres://user@host:port/db for several nodes")
      ->capture_default_str();
  c.add_option("--kv-max-key-bytes", config.keyvalue.max_key_bytes, "Longest key-value key (bytes)")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  c.add_option("--kv-max-value-kb", kv_max_value_kb_, "Largest key-value value (KiB)")
      ->capture_default_str()
      ->check(CLI::Range(1, 64 * 1024));
  c.add_option("--kv-list-max-keys", config.keyvalue.max_list_keys,
               "Most keys in one list page (and in one batch operation)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  c.add_option("--kv-bucket-max-mb", kv_bucket_max_mb_,
               "Key-value data one bucket may hold, keys plus values (MiB; 0: no limit)")
      ->capture_default_str();
  c.add_option("--kv-bucket-max-keys", config.keyvalue.bucket_max_keys,
               "Keys one bucket may hold across its stores (0: no limit)")
      ->capture_default_str();
  // Async jobs and schedules.
  c.add_option("--job-workers", config.triggers.workers.workers,
               "Threads running async jobs on this node, at a lower CPU priority than exec "
               "(0: this node runs none)")
      ->capture_default_str()
      ->check(CLI::Range(0, 256));
  c.add_option("--job-lease-ms", job_lease_ms_,
               "How long a node holds a job it runs before another may take it (renewed "
               "while the job runs)")
      ->capture_default_str()
      ->check(CLI::Range(1000, 3600000));
  c.add_option("--job-retention-hours", job_retention_hours_,
               "How long finished jobs and schedule fire records are kept")
      ->capture_default_str()
      ->check(CLI::Range(1, 24 * 365));
  c.add_option("--callback-allowed-hosts", callback_hosts_,
               "Origins job callbacks may be sent to, as scheme://host:port (host may be "
               "*.domain); none: X-Callback-Url is refused")
      ->delimiter(',');
  // Access control.
  c.add_option("--token", token_lines_,
               "API token as name:scope:sha256[:bucket,...] (scope admin or invoke; the hash "
               "from `wasmfaas token create`); repeat for more, space-separated in "
               "WASMFAAS_TOKEN")
      ->delimiter(' ');
  c.add_flag("--insecure", o.insecure,
             "Allow listening on a non-loopback address without API tokens");
  c.add_option("--public-metrics", config.access.public_metrics,
               "Serve /metrics without a token when tokens are configured")
      ->capture_default_str();
  c.add_option("--public-readyz", config.access.public_readyz,
               "Serve /readyz without a token when tokens are configured")
      ->capture_default_str();
  // Observability.
  c.add_option("--log-level", o.log_level, "Server log level: debug, info, warn, error or off")
      ->capture_default_str()
      ->check(CLI::IsMember({"debug", "info", "warn", "error", "off"}));
  c.add_flag("--log-function-output", o.log_function_output,
             "Also write each invocation's stdout/stderr to the server log");
  c.add_option("--logs-per-function", config.logs_per_function,
               "Invocations kept per function for GET /logs")
      ->capture_default_str();
  c.add_flag("--no-metrics", no_metrics_, "Record no metrics and serve no /metrics");
  c.add_option("--metrics-max-functions", config.metrics_max_functions,
               "Distinct functions labelled in execution metrics (the rest: _other)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);

  // Each setting's environment variable, named after its flag.
  for (CLI::Option* option : command.get_options()) {
    const std::string name = option->get_single_name();
    if (name.empty() || name == "help" || name == "config" || option->get_lnames().empty()) {
      continue;
    }
    option->envname(environment_name(option->get_lnames().front()));
  }
}

Result<void> ServeSettings::apply_config_file() {
  if (config_file_.empty()) return {};
  toml::table table;
  try {
    table = toml::parse_file(config_file_);
  } catch (const toml::parse_error& error) {
    const auto& where = error.source().begin;
    return make_error(ErrorCode::kInvalidArgument, "config file " + config_file_ + ":" +
                                                       std::to_string(where.line) + ": " +
                                                       std::string(error.description()));
  }
  std::vector<std::pair<std::string, const toml::node*>> leaves;
  flatten(table, "", leaves);
  for (const auto& [name, node] : leaves) {
    const auto invalid = [&, name = name](const std::string& why) {
      return make_error(ErrorCode::kInvalidArgument,
                        "config file " + config_file_ + ": " + why + " '" + name + "'");
    };
    CLI::Option* option = command_.get_option_no_throw("--" + name);
    if (!option || name == "config") return invalid("unknown setting");
    if (option->count() > 0) continue;  // a flag or the environment set it
    std::vector<std::string> values;
    if (const auto* array = node->as_array()) {
      for (const auto& element : *array) {
        auto text = value_text(element);
        if (!text) return invalid("unsupported value type for");
        values.push_back(*text);
      }
    } else if (auto text = value_text(*node)) {
      values.push_back(*text);
    } else {
      return invalid("unsupported value type for");
    }
    try {
      for (auto& value : values) option->add_result(std::move(value));
      option->run_callback();
    } catch (const CLI::Error& error) {
      return make_error(
          ErrorCode::kInvalidArgument,
          "config file " + config_file_ + ": invalid value for '" + name + "': " + error.what());
    }
  }
  return {};
}

Result<ServeCommandOptions> ServeSettings::finish() {
  if (auto applied = apply_config_file(); !applied) return std::unexpected(applied.error());
  ServeCommandOptions options = options_;
  server::ServerConfig& config = options.config;
  runtime::InvocationOptions& invocation = config.execution.invocation;
  if (memory_mb_ > max_memory_mb_) {
    return make_error(ErrorCode::kInvalidArgument, "memory-mb (" + std::to_string(memory_mb_) +
                                                       ") is above max-memory-mb (" +
                                                       std::to_string(max_memory_mb_) + ")");
  }
  // The AWS variables rank below every setting of our own (they are the
  // defaults of --s3-endpoint, --s3-region and the credentials).
  storage::apply_aws_environment(options.s3);
  options.s3.path_style = !virtual_hosted_;
  options.s3.request_timeout = std::chrono::milliseconds(s3_timeout_ms_);
  config.execution.use_compiled_cache = !no_cache_;
  options.engine.guard_pages = !no_guard_pages_;
  config.freshness_window = std::chrono::milliseconds(freshness_ms_);
  config.change_notifications = !no_change_notices_;
  config.notified_freshness = std::chrono::milliseconds(notified_freshness_ms_);
  config.compiled.memory_bytes = memory_cache_mb_ << 20;
  invocation.timeout = std::chrono::milliseconds(timeout_ms_);
  invocation.max_memory_bytes = memory_mb_ << 20;
  invocation.max_output_bytes = output_kb_ << 10;
  invocation.max_log_bytes = log_kb_ << 10;
  options.engine.max_memory_bytes = max_memory_mb_ << 20;
  options.engine.max_wasm_stack_bytes = stack_kb_ << 10;
  options.engine.fuel_metering = invocation.fuel > 0;
  config.http.limits.max_body_bytes = body_kb_ << 10;
  config.http.limits.max_upload_bytes = upload_mb_ << 20;
  config.pipelines.total_timeout = std::chrono::milliseconds(pipeline_timeout_ms_);
  config.keyvalue.max_value_bytes = kv_max_value_kb_ << 10;
  config.keyvalue.bucket_max_bytes = kv_bucket_max_mb_ << 20;
  config.keyvalue.max_batch_keys = config.keyvalue.max_list_keys;
  config.triggers.schedules.retention = std::chrono::hours(job_retention_hours_);
  config.triggers.workers.lease = std::chrono::milliseconds(job_lease_ms_);
  for (const std::string& host : callback_hosts_) {
    auto origin = normalize_origin(host);
    if (!origin) {
      return make_error(ErrorCode::kInvalidArgument,
                        "setting 'callback-allowed-hosts': " + origin.error().message);
    }
    config.triggers.callbacks.allowed_origins.push_back(std::move(*origin));
  }
  config.store_backend = options.store;
  config.metrics = !no_metrics_;
  for (const std::string& line : token_lines_) {
    auto token = http::parse_token_line(line);
    if (!token) {
      return make_error(ErrorCode::kInvalidArgument, "setting 'token': " + token.error().message);
    }
    config.access.tokens.push_back(std::move(*token));
  }
  return options;
}

}  // namespace wasmfaas::cli
