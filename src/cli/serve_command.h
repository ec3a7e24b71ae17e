#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "runtime/engine.h"
#include "storage/s3/s3_store.h"
#include "server/server.h"

namespace wasmfaas::cli {

struct ServeCommandOptions {
  std::string listen = "127.0.0.1:3000";
  std::string store = "local";  // "local" or "s3"
  std::filesystem::path data_dir = "./data";
  // For --store s3; empty fields come from the AWS_* environment variables.
  storage::S3Config s3;
  // The state database (key-value data): "" or "sqlite" for state.db in
  // data_dir, "sqlite:PATH", or a "postgres://..." connection URI.
  std::string state = "sqlite";
  // Deployed into the bucket `functions` when that bucket does not exist yet.
  std::optional<std::filesystem::path> deploy_dir;
  // On SIGTERM (or SIGINT): how long /readyz answers 503 while the node
  // still serves, so load balancers take it out first; a second signal
  // cuts it short. Then up to drain_seconds for the requests in flight.
  unsigned shutdown_delay_ms = 0;
  unsigned drain_seconds = 10;
  // Serialized compiled code survives restarts here; "" keeps it in memory only.
  std::string cache_dir = "cache";
  // Server log (JSON lines on stderr): level, and whether each invocation's
  // stdout/stderr is written there too.
  std::string log_level = "info";
  bool log_function_output = false;
  // Listen on a non-loopback address without API tokens.
  bool insecure = false;
  server::ServerConfig config;
  runtime::EngineOptions engine;
};

// `wasmfaas serve`: runs the HTTP server until SIGINT or SIGTERM, then
// answers /readyz 503 for the shutdown delay, drains and exits. Returns the
// process exit code.
int serve(ServeCommandOptions options);

}  // namespace wasmfaas::cli
