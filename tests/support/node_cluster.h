#pragma once
// Test support: `wasmfaas serve` processes on distinct loopback addresses
// (127.0.0.2, 127.0.0.3, ...) sharing one S3 store (versitygw) and one
// PostgreSQL state database, as nodes behind a load balancer are. A node
// is killed, stopped with SIGTERM, and started again where it was (same
// address and port, same data directory and code cache). Owns the store and
// the nodes; the database lives on the test process's shared PostgreSQL
// server. Not thread-safe.

#include <chrono>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.h"
#include "support/postgres_server.h"
#include "support/server_process.h"
#include "support/temp_dir.h"
#include "support/versitygw.h"

namespace wasmfaas::testing {

class NodeCluster {
 public:
  // `flags` are more flags of `serve` for every node.
  NodeCluster(size_t nodes, const std::vector<std::string>& flags) {
    PostgresServer& postgres = PostgresServer::shared();
    state_url_ = postgres.url(postgres.create_database());
    flags_ = {"--log-level", "warn", "--store", "s3", "--state", state_url_};
    flags_.insert(flags_.end(), flags.begin(), flags.end());
    for (size_t i = 0; i < nodes; ++i) {
      nodes_.push_back(std::make_unique<ServerProcess>(data_dir(i), flags_,
                                                       gateway_.serve_environment(),
                                                       "127.0.0." + std::to_string(i + 2) + ":0"));
      addresses_.push_back(nodes_.back()->address());
    }
  }

  size_t size() const { return nodes_.size(); }
  // The node's process; only while it runs (not between kill and restart).
  ServerProcess& node(size_t i) { return *nodes_.at(i); }
  bool running(size_t i) const { return nodes_.at(i) != nullptr; }
  // "host:port" of each node, the same across restarts.
  const std::vector<std::string>& addresses() const { return addresses_; }
  const std::string& state_url() const { return state_url_; }
  const VersityGateway& store() const { return gateway_; }

  // A new client of node i.
  std::unique_ptr<HttpClient> client(size_t i) const {
    return std::make_unique<HttpClient>(nodes_.at(i)->host(), nodes_.at(i)->port());
  }

  // SIGKILL; the node stays down until restart().
  void kill(size_t i) {
    nodes_.at(i)->kill_now();
    nodes_.at(i).reset();
  }

  // SIGTERM and wait for the node to end (SIGKILL after `timeout`); true
  // when it ended by itself with status 0. It stays down until restart().
  bool terminate(size_t i, std::chrono::milliseconds timeout) {
    const bool clean = nodes_.at(i)->terminate(timeout);
    nodes_.at(i).reset();
    return clean;
  }

  // Starts node i again on its address once it serves there. Its port was
  // free a moment ago; a connection to another node may have been given
  // it as a local port meanwhile, so binding is tried for a few seconds.
  void restart(size_t i) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
      try {
        nodes_.at(i) = std::make_unique<ServerProcess>(data_dir(i), flags_,
                                                       gateway_.serve_environment(), addresses_[i]);
        return;
      } catch (const std::runtime_error&) {
        if (std::chrono::steady_clock::now() > deadline) throw;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
  }

 private:
  std::filesystem::path data_dir(size_t i) const {
    return dir_.path() / ("node" + std::to_string(i + 1));
  }

  TempDir dir_;
  VersityGateway gateway_;
  std::string state_url_;
  std::vector<std::string> flags_;
  std::vector<std::unique_ptr<ServerProcess>> nodes_;
  std::vector<std::string> addresses_;
};

}  // namespace wasmfaas::testing
