#include "server/server.h"

namespace wasmfaas::server {

Server::Server(ServerConfig config, storage::ObjectStore& store, const runtime::Engine& engine)
    : config_(std::move(config)),
      service_(store, engine, config_.functions),
      exec_pool_(config_.exec_workers, config_.exec_queue),
      storage_pool_(config_.storage_workers, config_.storage_queue),
      router_(service_, exec_pool_, storage_pool_),
      http_(config_.http, router_) {}

Result<uint16_t> Server::start() { return http_.start(); }

size_t Server::stop(std::chrono::milliseconds drain) { return http_.stop(drain); }

}  // namespace wasmfaas::server
