#pragma once
// Test support: a whole wasmfaas server in-process on an ephemeral port,
// over the embedded LocalStore in a temp directory or an S3Store on a real
// S3 server (versitygw) started for it, and the shared engine.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "server/server.h"
#include "storage/local/local_store.h"
#include "support/components.h"
#include "support/temp_dir.h"
#include "support/test_store.h"
#include "support/versitygw.h"

namespace wasmfaas::testing {

class TestServer {
 public:
  // On a LocalStore. With `data_dir`, several servers can share one store,
  // as nodes do.
  explicit TestServer(server::ServerConfig config = {},
                      std::optional<std::filesystem::path> data_dir = std::nullopt) {
    store_ = std::move(*storage::LocalStore::open(data_dir.value_or(dir_.path() / "data")));
    start(std::move(config));
  }

  // On the given kind of store; kS3 starts a versitygw for this server.
  explicit TestServer(StoreKind kind, server::ServerConfig config = {}) {
    if (kind == StoreKind::kS3) {
      gateway_ = std::make_unique<VersityGateway>();
      auto s3 = gateway_->open_store();
      s3_store_ = s3.get();
      store_ = std::move(s3);
      config.store_backend = "s3";
    } else {
      store_ = std::move(*storage::LocalStore::open(dir_.path() / "data"));
    }
    start(std::move(config));
  }

  ~TestServer() { server_->stop(std::chrono::seconds(5)); }

  uint16_t port() const { return port_; }
  storage::ObjectStore& store() { return *store_; }
  server::Server& server() { return *server_; }
  // Only on kS3: the S3 server and the store talking to it.
  VersityGateway* gateway() { return gateway_.get(); }
  storage::S3Store* s3_store() { return s3_store_; }

 private:
  void start(server::ServerConfig config) {
    config.http.port = 0;
    server_ = std::move(*server::Server::create(config, *store_, shared_engine()));
    auto port = server_->start();
    if (!port) throw std::runtime_error(port.error().message);
    port_ = *port;
  }

  TempDir dir_;
  std::unique_ptr<VersityGateway> gateway_;
  std::unique_ptr<storage::ObjectStore> store_;
  storage::S3Store* s3_store_ = nullptr;
  std::unique_ptr<server::Server> server_;
  uint16_t port_ = 0;
};

}  // namespace wasmfaas::testing
