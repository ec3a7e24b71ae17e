#include "server/server.h"

namespace wasmfaas::server {

Result<std::unique_ptr<Server>> Server::create(ServerConfig config, storage::ObjectStore& store,
                                               const runtime::Engine& engine) {
  auto compiled = cache::CompiledFunctions::create(engine, config.compiled);
  if (!compiled) return std::unexpected(compiled.error());
  return std::unique_ptr<Server>(
      new Server(std::move(config), store, engine, std::move(*compiled)));
}

Server::Server(ServerConfig config, storage::ObjectStore& store, const runtime::Engine& engine,
               std::unique_ptr<cache::CompiledFunctions> compiled)
    : config_(std::move(config)),
      compiled_(std::move(compiled)),
      service_(store, engine, *compiled_, config_.functions),
      exec_pool_(config_.exec_workers, config_.exec_queue),
      storage_pool_(config_.storage_workers, config_.storage_queue),
      router_(service_, exec_pool_, storage_pool_),
      http_(config_.http, router_) {}

Result<uint16_t> Server::start() { return http_.start(); }

size_t Server::stop(std::chrono::milliseconds drain) { return http_.stop(drain); }

}  // namespace wasmfaas::server
