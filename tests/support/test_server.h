#pragma once
// Test support: a whole wasmfaas server in-process on an ephemeral port,
// over a LocalStore in a temp directory and the shared engine.

#include <filesystem>
#include <memory>
#include <optional>

#include "server/server.h"
#include "storage/local/local_store.h"
#include "support/components.h"
#include "support/temp_dir.h"

namespace wasmfaas::testing {

class TestServer {
 public:
  // With `data_dir`, several servers can share one store, as nodes do.
  explicit TestServer(server::ServerConfig config = {},
                      std::optional<std::filesystem::path> data_dir = std::nullopt) {
    config.http.port = 0;
    store_ = std::move(*storage::LocalStore::open(data_dir.value_or(dir_.path() / "data")));
    server_ = std::move(*server::Server::create(config, *store_, shared_engine()));
    auto port = server_->start();
    if (!port) throw std::runtime_error(port.error().message);
    port_ = *port;
  }
  ~TestServer() { server_->stop(std::chrono::seconds(5)); }

  uint16_t port() const { return port_; }
  storage::ObjectStore& store() { return *store_; }
  server::Server& server() { return *server_; }

 private:
  TempDir dir_;
  std::unique_ptr<storage::LocalStore> store_;
  std::unique_ptr<server::Server> server_;
  uint16_t port_ = 0;
};

}  // namespace wasmfaas::testing
