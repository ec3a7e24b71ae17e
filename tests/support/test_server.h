#pragma once
// Test support: a whole wasmfaas server in-process on an ephemeral port,
// over the embedded LocalStore in a temp directory or an S3Store on a real
// S3 server (versitygw) started for it or shared with other test servers,
// and the shared engine. Key-value data goes to a SQLite state database in
// its temp directory unless the test passes a state database of its own.

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "server/server.h"
#include "state/open_state_database.h"
#include "storage/local/local_store.h"
#include "support/components.h"
#include "support/temp_dir.h"
#include "support/test_store.h"
#include "support/versitygw.h"

namespace wasmfaas::testing {

class TestServer {
 public:
  // On a LocalStore of its own (a data directory serves one store at a time).
  explicit TestServer(server::ServerConfig config = {}) {
    store_ = open_local_store();
    start(std::move(config));
  }

  // On a LocalStore of its own, with key-value data in `state` (which must
  // outlive it), e.g. a PostgreSQL database shared with other servers.
  TestServer(server::ServerConfig config, state::StateDatabase& state) : state_(&state) {
    store_ = open_local_store();
    start(std::move(config));
  }

  // On a LocalStore in `data_dir`, which must outlive it: a later server on
  // the same directory sees what this one stored (one at a time: the
  // directory is locked while a store has it open).
  TestServer(server::ServerConfig config, const std::filesystem::path& data_dir) {
    auto store = storage::LocalStore::open(data_dir);
    if (!store) throw std::runtime_error(store.error().message);
    store_ = std::move(*store);
    start(std::move(config));
  }

  // On an S3Store of its own on `gateway`: several servers on one gateway
  // share their functions, as nodes do. The gateway must outlive them.
  explicit TestServer(const VersityGateway& gateway, server::ServerConfig config = {}) {
    auto s3 = gateway.open_store();
    s3_store_ = s3.get();
    store_ = std::move(s3);
    config.store_backend = "s3";
    start(std::move(config));
  }

  // On an S3Store of its own on `gateway` and with `state`: a node of a
  // cluster, sharing functions and state with the others.
  TestServer(const VersityGateway& gateway, server::ServerConfig config,
             state::StateDatabase& state)
      : state_(&state) {
    auto s3 = gateway.open_store();
    s3_store_ = s3.get();
    store_ = std::move(s3);
    config.store_backend = "s3";
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
      store_ = open_local_store();
    }
    start(std::move(config));
  }

  ~TestServer() { server_->stop(std::chrono::seconds(5)); }

  uint16_t port() const { return port_; }
  storage::ObjectStore& store() { return *store_; }
  server::Server& server() { return *server_; }
  // Only on S3: the S3 server this server started (none on a shared
  // gateway) and the store talking to it.
  VersityGateway* gateway() { return gateway_.get(); }
  storage::S3Store* s3_store() { return s3_store_; }
  state::StateDatabase& state() { return *state_; }

 private:
  std::unique_ptr<storage::ObjectStore> open_local_store() {
    auto local = storage::LocalStore::open(dir_.path() / "data");
    if (!local) throw std::runtime_error(local.error().message);
    return std::move(*local);
  }

  void start(server::ServerConfig config) {
    config.http.port = 0;
    if (!state_) {
      auto opened = state::open_state_database("sqlite", dir_.path());
      if (!opened) throw std::runtime_error(opened.error().message);
      own_state_ = std::move(*opened);
      state_ = own_state_.get();
    }
    auto created = server::Server::create(config, *store_, shared_engine(), state_);
    if (!created) throw std::runtime_error(created.error().message);
    server_ = std::move(*created);
    auto port = server_->start();
    if (!port) throw std::runtime_error(port.error().message);
    port_ = *port;
  }

  TempDir dir_;
  std::unique_ptr<VersityGateway> gateway_;
  std::unique_ptr<storage::ObjectStore> store_;
  storage::S3Store* s3_store_ = nullptr;
  std::unique_ptr<state::StateDatabase> own_state_;
  state::StateDatabase* state_ = nullptr;
  std::unique_ptr<server::Server> server_;
  uint16_t port_ = 0;
};

}  // namespace wasmfaas::testing
