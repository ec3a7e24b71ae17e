#include "cli/serve_settings.h"

#include <CLI/CLI.hpp>
#include <thread>

#include "common/origins.h"
#include "http/access_control.h"
#include "storage/s3/s3_store.h"

namespace wasmfaas::cli {
namespace {

constexpr int64_t kNoLimit = SettingTable::kNoLimit;

}  // namespace

ServeSettings::ServeSettings(CLI::App& command) : table_(command) {
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
  data_dir_ = o.data_dir.string();
  // Unset unless a flag, WASMFAAS_S3_REGION or the file names one; finish()
  // then takes AWS_REGION, AWS_DEFAULT_REGION or us-east-1.
  o.s3.region.clear();

  command.footer(
      "Every setting also comes from the variable WASMFAAS_<NAME> (--timeout-ms: "
      "WASMFAAS_TIMEOUT_MS) and from the key NAME of the --config file. Precedence: flag > "
      "variable > file > default. Switches take --NAME or --NAME=true|false.");
  command.add_option("--config", config_file_,
                     "TOML file with settings (keys are the flag names); flags and WASMFAAS_* "
                     "variables override it")
      ->envname("WASMFAAS_CONFIG");
  SettingTable& t = table_;
  // Network and storage.
  t.text("listen", o.listen, "Address to listen on, HOST:PORT");
  t.text("store", o.store, "Where functions live", {"local", "s3"});
  t.text("data-dir", data_dir_, "Directory of the embedded store");
  t.text("system-bucket", config.system_bucket,
         "Bucket where wasmfaas keeps its own data (configs, pipelines), created at start; "
         "never a bucket of functions (on AWS, a name nobody else owns)");
  t.text("s3-endpoint", o.s3.endpoint, "S3 endpoint URL (default: AWS_ENDPOINT_URL)");
  t.text("s3-region", o.s3.region, "S3 region (default: AWS_REGION, else us-east-1)");
  t.toggle("s3-virtual-hosted", virtual_hosted_,
           "Address buckets as bucket.host instead of host/bucket");
  t.number("s3-timeout-ms", s3_timeout_ms_, 1, kNoLimit, "milliseconds",
           "Timeout of one S3 request");
  t.text("deploy-examples", deploy_dir_,
         "Directory of *.wasm to deploy into bucket 'functions' on first start");
  t.number("io-threads", config.http.io_threads, 1, 1024, "threads",
           "Network threads (default: half the cores, at least 1)");
  t.number("short-call-us", short_call_us_, 0, 10000000, "microseconds",
           "Execs of a function whose recent calls each took less than this run on the network "
           "thread that read them, without a hand-over to an exec worker; one that runs longer "
           "holds up other connections this long at most (0, the default: every exec on the "
           "exec workers)");
  t.number("exec-workers", config.exec_workers, 1, 4096, "threads",
           "Threads executing functions (default: the cores, at least 2)");
  t.number("exec-queue", config.exec_queue, 0, 1 << 24, "executions",
           "Executions waiting for a worker before 503");
  t.number("shutdown-delay-ms", o.shutdown_delay_ms, 0, 3600000, "milliseconds",
           "On SIGTERM, how long /readyz answers 503 while the node still serves, so load "
           "balancers take it out before it drains");
  t.number("drain-seconds", o.drain_seconds, 0, 3600, "seconds",
           "On SIGINT/SIGTERM, how long in-flight requests may finish");
  // Compiled code.
  t.text("code-cache-dir", o.cache_dir,
         "Directory for compiled code that survives restarts (\"\" for none)");
  t.number("memory-cache-mb", memory_cache_mb_, 0, 1 << 20, "MiB",
           "Compiled code kept in memory");
  t.toggle("no-cache", no_cache_,
           "Download and compile on every exec, as the seed did (for comparison)");
  t.number("freshness-ms", freshness_ms_, 0, kNoLimit, "milliseconds",
           "How long an exec may run a key's version (or an alias's target) without asking "
           "the store whether it changed (0: ask every time)");
  t.toggle("no-change-notices", no_change_notices_,
           "Nodes sharing a PostgreSQL state database do not tell each other of uploads, "
           "config changes, alias changes and deletes (then only --freshness-ms applies)");
  t.number("notified-freshness-ms", notified_freshness_ms_, 0, kNoLimit, "milliseconds",
           "While change notices from other nodes arrive, how long an exec may run a key's "
           "version without asking the store (changes made behind wasmfaas's back show "
           "within it)");
  t.number("max-instances", o.engine.max_instances, 1, 1 << 20, "instances",
           "Instances in the pooling allocator (concurrent executions)");
  t.toggle("no-guard-pages", no_guard_pages_,
           "Bounds-check memory accesses in code instead of guard pages: cheaper "
           "instantiation, slower guest code");
  // Limits of one execution and of requests.
  t.number("timeout-ms", timeout_ms_, 1, kNoLimit, "milliseconds",
           "Wall-clock limit of one execution");
  t.number("memory-mb", memory_mb_, 1, 1 << 16, "MiB",
           "Linear memory one execution may grow to");
  t.number("max-memory-mb", max_memory_mb_, 1, 1 << 16, "MiB",
           "Size of each pooled memory slot: no function may exceed it");
  t.number("stack-kb", stack_kb_, 64, 8192, "KiB",
           "Native stack a function's wasm code may use");
  t.number("fuel", invocation.fuel, 0, kNoLimit, "units",
           "Fuel (about one unit per wasm instruction) per execution; 0: unmetered");
  t.number("max-output-kb", output_kb_, 1, 1 << 22, "KiB", "Largest output of one execution");
  t.number("max-log-kb", log_kb_, 0, 1 << 22, "KiB",
           "stdout and stderr kept per execution, each");
  t.number("max-body-kb", body_kb_, 1, 1 << 22, "KiB",
           "Largest request body except uploads");
  t.number("max-upload-mb", upload_mb_, 1, 1 << 12, "MiB", "Largest upload");
  // Pipelines.
  t.number("pipeline-max-steps", config.pipelines.max_steps, 1, 1000, "steps",
           "Most steps in one pipeline");
  t.number("pipeline-timeout-ms", pipeline_timeout_ms_, 1, kNoLimit, "milliseconds",
           "Wall-clock limit of a whole pipeline run");
  // State for functions (wasi:keyvalue).
  t.text("state", o.state,
         "State database for key-value stores: \"sqlite\" (state.db in --data-dir), "
         "sqlite:PATH, or postgres://user@host:port/db for several nodes");
  t.number("kv-max-key-bytes", config.keyvalue.max_key_bytes, 1, 4096, "bytes",
           "Longest key-value key");
  t.number("kv-max-value-kb", kv_max_value_kb_, 1, 64 * 1024, "KiB",
           "Largest key-value value");
  t.number("kv-list-max-keys", config.keyvalue.max_list_keys, 1, 100000, "keys",
           "Most keys in one list page (and in one batch operation)");
  t.number("kv-bucket-max-mb", kv_bucket_max_mb_, 0, 1 << 30, "MiB",
           "Key-value data one bucket may hold, keys plus values (0: no limit)");
  t.number("kv-bucket-max-keys", config.keyvalue.bucket_max_keys, 0, kNoLimit, "keys",
           "Keys one bucket may hold across its stores (0: no limit)");
  // Async jobs and schedules.
  t.number("job-workers", config.triggers.workers.workers, 0, 256, "threads",
           "Threads running async jobs on this node, at a lower CPU priority than exec "
           "(0: this node runs none; default: half the cores, at least 1)");
  t.number("job-lease-ms", job_lease_ms_, 1000, 3600000, "milliseconds",
           "How long a node holds a job it runs before another may take it (renewed while "
           "the job runs)");
  t.number("job-retention-hours", job_retention_hours_, 1, 24 * 365, "hours",
           "How long finished jobs and schedule fire records are kept");
  t.list("callback-allowed-hosts", callback_hosts_, ',',
         "Origins job callbacks may be sent to, as scheme://host:port (host may be "
         "*.domain); none: X-Callback-Url is refused");
  // Access control.
  t.list("token", token_lines_, ' ',
         "API token as name:scope:sha256[:bucket,...] (scope admin or invoke; the hash from "
         "`wasmfaas token create`); repeat for more, space-separated in WASMFAAS_TOKEN, an "
         "array or a table of strings in the config file");
  t.toggle("insecure", o.insecure,
           "Allow listening on a non-loopback address without API tokens");
  t.toggle("public-metrics", config.access.public_metrics,
           "Serve /metrics without a token when tokens are configured");
  t.toggle("public-readyz", config.access.public_readyz,
           "Serve /readyz without a token when tokens are configured");
  // Observability.
  t.text("log-level", o.log_level, "Server log level",
         {"debug", "info", "warn", "error", "off"});
  t.toggle("log-function-output", o.log_function_output,
           "Also write each invocation's stdout/stderr to the server log");
  t.number("logs-per-function", config.logs_per_function, 0, 100000, "invocations",
           "Invocations kept per function for GET /logs");
  t.toggle("no-metrics", no_metrics_, "Record no metrics and serve no /metrics");
  t.number("metrics-max-functions", config.metrics_max_functions, 1, 1000000, "functions",
           "Distinct functions labelled in execution metrics (the rest: _other)");
}

Result<ServeCommandOptions> ServeSettings::finish() {
  if (auto resolved = table_.resolve(config_file_); !resolved) {
    return std::unexpected(resolved.error());
  }
  ServeCommandOptions options = options_;
  options.data_dir = data_dir_;
  if (!deploy_dir_.empty()) options.deploy_dir = deploy_dir_;
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
  config.http.short_call = std::chrono::microseconds(short_call_us_);
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
