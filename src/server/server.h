#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <thread>

#include <memory>

#include "api/function_service.h"
#include "cache/compiled_functions.h"
#include "common/error.h"
#include "http/http_server.h"
#include "http/router.h"
#include "http/worker_pool.h"
#include "runtime/engine.h"
#include "storage/object_store.h"

namespace wasmfaas::server {

struct ServerConfig {
  http::HttpServerOptions http;
  // Function executions run here; a full queue answers 503.
  size_t exec_workers = std::max(2u, std::thread::hardware_concurrency());
  size_t exec_queue = 1024;
  // Storage work (uploads, listings, downloads) runs here.
  size_t storage_workers = 2;
  size_t storage_queue = 1024;
  api::FunctionServiceOptions functions;
  cache::CompiledFunctionsOptions compiled;
};

// A whole wasmfaas server: the function service over a store and an engine,
// its worker pools, the router and the HTTP server. The store and engine are
// borrowed (main or a test owns them), so tests can run a real server
// in-process on port 0. start() and stop() from one controlling thread.
class Server {
 public:
  // kInternal when the compiled-code cache directory cannot be used.
  static Result<std::unique_ptr<Server>> create(ServerConfig config, storage::ObjectStore& store,
                                                const runtime::Engine& engine);

  // Binds and serves; returns the bound port.
  Result<uint16_t> start();
  // Stops accepting, drains in-flight requests up to `drain`; returns how
  // many were still running when it gave up.
  size_t stop(std::chrono::milliseconds drain);

  api::FunctionService& functions() { return service_; }
  const cache::CompiledFunctions& compiled_functions() const { return *compiled_; }
  size_t in_flight_requests() const { return http_.in_flight_requests(); }

 private:
  Server(ServerConfig config, storage::ObjectStore& store, const runtime::Engine& engine,
         std::unique_ptr<cache::CompiledFunctions> compiled);

  ServerConfig config_;
  std::unique_ptr<cache::CompiledFunctions> compiled_;
  api::FunctionService service_;
  http::WorkerPool exec_pool_;
  http::WorkerPool storage_pool_;
  http::Router router_;
  http::HttpServer http_;
};

}  // namespace wasmfaas::server
