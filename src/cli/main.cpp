// wasmfaas command line: parses flags and hands off to one subcommand.
#include <CLI/CLI.hpp>

#include "cli/run_command.h"
#include "cli/serve_command.h"

int main(int argc, char** argv) {
  CLI::App app{"wasmfaas: a WebAssembly Function-as-a-Service platform"};
  app.require_subcommand(1);

  wasmfaas::cli::RunCommandOptions run_options;
  std::string input;
  CLI::App* run = app.add_subcommand("run", "Run a faas-exec component once and print its output");
  run->add_option("component", run_options.component_path, "Path of the component (.wasm)")
      ->required();
  CLI::Option* input_option =
      run->add_option("input", input, "Input string for exec (read from stdin when omitted)");
  run->add_flag("--logs", run_options.show_logs, "Print the captured stdout/stderr to stderr");
  run->add_flag("--timings", run_options.show_timings,
                "Print compile/instantiate/call times to stderr");

  wasmfaas::cli::ServeCommandOptions serve_options;
  CLI::App* serve = app.add_subcommand("serve", "Serve the HTTP API");
  serve->add_option("--listen", serve_options.listen, "Address to listen on, HOST:PORT")
      ->capture_default_str();
  serve->add_option("--store", serve_options.store, "Where functions live: local or s3")
      ->capture_default_str()
      ->check(CLI::IsMember({"local", "s3"}));
  serve->add_option("--data-dir", serve_options.data_dir, "Directory of the embedded store")
      ->capture_default_str();
  serve->add_option("--s3-endpoint", serve_options.s3.endpoint,
                    "S3 endpoint URL (default: AWS_ENDPOINT_URL)");
  serve->add_option("--s3-region", serve_options.s3.region,
                    "S3 region (default: AWS_REGION, else us-east-1)");
  bool virtual_hosted = false;
  serve->add_flag("--s3-virtual-hosted", virtual_hosted,
                  "Address buckets as bucket.host instead of host/bucket");
  int64_t s3_timeout_ms = serve_options.s3.request_timeout.count();
  serve->add_option("--s3-timeout-ms", s3_timeout_ms, "Timeout of one S3 request")
      ->capture_default_str();
  serve->add_option("--deploy-examples", serve_options.deploy_dir,
                    "Directory of *.wasm to deploy into bucket 'functions' on first start");
  serve->add_option("--io-threads", serve_options.config.http.io_threads, "Network threads")
      ->capture_default_str();
  serve->add_option("--exec-workers", serve_options.config.exec_workers,
                    "Threads executing functions")
      ->capture_default_str();
  serve->add_option("--exec-queue", serve_options.config.exec_queue,
                    "Executions waiting for a worker before 503")
      ->capture_default_str();
  serve->add_option("--drain-seconds", serve_options.drain_seconds,
                    "On SIGINT/SIGTERM, how long in-flight requests may finish")
      ->capture_default_str();
  serve->add_option("--cache-dir", serve_options.cache_dir,
                    "Directory for compiled code that survives restarts (\"\" for none)")
      ->capture_default_str();
  bool no_cache = false;
  serve->add_flag("--no-cache", no_cache,
                  "Download and compile on every exec, as the seed did (for comparison)");
  int64_t freshness_ms = 0;
  serve->add_option("--freshness-ms", freshness_ms,
                    "How long an exec may run a key's version without asking the store "
                    "whether it changed (0: ask every time)")
      ->capture_default_str();
  int64_t timeout_ms = serve_options.config.functions.invocation.timeout.count();
  serve->add_option("--timeout-ms", timeout_ms, "Wall-clock limit of one execution")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  serve->add_option("--max-instances", serve_options.engine.max_instances,
                    "Instances in the pooling allocator (concurrent executions)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  size_t memory_cache_mb = serve_options.config.compiled.memory_bytes >> 20;
  serve->add_option("--memory-cache-mb", memory_cache_mb, "Compiled code kept in memory")
      ->capture_default_str();

  CLI11_PARSE(app, argc, argv);

  if (run->parsed()) {
    if (input_option->count() > 0) run_options.input = input;
    return wasmfaas::cli::run_component(run_options);
  }
  if (serve->parsed()) {
    serve_options.config.functions.use_compiled_cache = !no_cache;
    serve_options.config.functions.freshness_window = std::chrono::milliseconds(freshness_ms);
    serve_options.config.functions.invocation.timeout = std::chrono::milliseconds(timeout_ms);
    serve_options.config.compiled.memory_bytes = memory_cache_mb << 20;
    serve_options.s3.path_style = !virtual_hosted;
    serve_options.s3.request_timeout = std::chrono::milliseconds(s3_timeout_ms);
    return wasmfaas::cli::serve(std::move(serve_options));
  }
  return 1;
}
