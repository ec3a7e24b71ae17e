#pragma once
// Test support: HAProxy as a child process in the foreground (-db), run
// with a configuration that reads its addresses from the environment
// (deploy/haproxy/haproxy.cfg): it listens on a free loopback port
// (WASMFAAS_LB_BIND), serves its stats on another (WASMFAAS_LB_STATS_BIND)
// and balances over the nodes given. Stopped softly (SIGUSR1) with the
// object. The binary comes from the build (WASMFAAS_HAPROXY). Not
// thread-safe.

#include <signal.h>
#include <sys/wait.h>

#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/child_process.h"
#include "support/free_port.h"
#include "support/http_client.h"
#include "support/temp_dir.h"

namespace wasmfaas::testing {

class HaproxyProcess {
 public:
  // `nodes` ("host:port") become WASMFAAS_NODE1, WASMFAAS_NODE2, ...;
  // `environment` ("NAME=value") adds or overrides variables.
  HaproxyProcess(const std::filesystem::path& config, const std::vector<std::string>& nodes,
                 const std::vector<std::string>& environment = {}) {
    // A port is free when chosen but may be taken before HAProxy binds it:
    // then it exits at once and other ports are tried.
    for (int attempt = 0; attempt < 5; ++attempt) {
      port_ = free_port();
      stats_port_ = free_port();
      if (stats_port_ == port_) continue;
      std::vector<std::string> variables = {
          "WASMFAAS_LB_BIND=127.0.0.1:" + std::to_string(port_),
          "WASMFAAS_LB_STATS_BIND=127.0.0.1:" + std::to_string(stats_port_)};
      for (size_t i = 0; i < nodes.size(); ++i) {
        variables.push_back("WASMFAAS_NODE" + std::to_string(i + 1) + "=" + nodes[i]);
      }
      variables.insert(variables.end(), environment.begin(), environment.end());
      if (start(config, variables)) return;
    }
    throw std::runtime_error("HAProxy did not start: " + log());
  }

  ~HaproxyProcess() { stop(); }

  HaproxyProcess(const HaproxyProcess&) = delete;
  HaproxyProcess& operator=(const HaproxyProcess&) = delete;

  // Where clients connect (127.0.0.1).
  uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // SIGUSR1 (stop listening, let connections end), then SIGTERM after 5 s.
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGUSR1);
    if (!wait_for_exit(pid_, std::chrono::seconds(5))) {
      ::kill(pid_, SIGTERM);
      if (!wait_for_exit(pid_, std::chrono::seconds(5))) {
        ::kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
      }
    }
    pid_ = -1;
  }

  // What HAProxy wrote (its notices: servers going down and up).
  std::string log() const {
    std::ifstream file(dir_.path() / "haproxy.log");
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  }

  // The stats CSV's row of each server of `backend` (and "BACKEND", its
  // totals) by name, as column -> value: "status" ("UP", "DOWN", "UP 1/2"
  // going down, "DOWN 1/2" coming up, ...), "stot" (requests sent), ...
  std::map<std::string, std::map<std::string, std::string>> stats(
      const std::string& backend = "wasmfaas_nodes") const {
    HttpClient client(stats_port_);
    const std::string csv = client.get("/stats;csv").body;
    std::map<std::string, std::map<std::string, std::string>> rows;
    std::istringstream lines(csv);
    std::string line;
    std::vector<std::string> columns;
    while (std::getline(lines, line)) {
      if (line.starts_with("# ")) {
        columns = split(line.substr(2));
        continue;
      }
      const std::vector<std::string> fields = split(line);
      std::map<std::string, std::string> row;
      for (size_t i = 0; i < fields.size() && i < columns.size(); ++i) row[columns[i]] = fields[i];
      if (row["pxname"] == backend) rows[row["svname"]] = std::move(row);
    }
    return rows;
  }

  std::string server_status(const std::string& server) const { return stats()[server]["status"]; }

  // Requests HAProxy has sent to `server` so far ("BACKEND": to all).
  long requests_sent(const std::string& server = "BACKEND") const {
    const std::string total = stats()[server]["stot"];
    return total.empty() ? 0 : std::stol(total);
  }

  // Polls the stats until `server` has `status`; false after `timeout`.
  bool wait_for_status(const std::string& server, const std::string& status,
                       std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (server_status(server) == status) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

 private:
  // True once it accepts connections on port_; false when it exited.
  bool start(const std::filesystem::path& config, const std::vector<std::string>& variables) {
    pid_ = spawn_logged(ExecArguments({WASMFAAS_HAPROXY, "-db", "-f", config.string()}, variables),
                        dir_.path() / "haproxy.log");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (wait_for_exit(pid_, std::chrono::milliseconds(0))) {
        pid_ = -1;
        return false;
      }
      boost::asio::io_context io_context;
      boost::asio::ip::tcp::socket socket(io_context);
      boost::system::error_code error;
      socket.connect({boost::asio::ip::make_address("127.0.0.1"), port_}, error);
      if (!error) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    stop();
    return false;
  }

  static std::vector<std::string> split(const std::string& line) {
    std::vector<std::string> fields;
    std::string field;
    std::istringstream stream(line);
    while (std::getline(stream, field, ',')) fields.push_back(field);
    return fields;
  }

  TempDir dir_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  uint16_t stats_port_ = 0;
};

}  // namespace wasmfaas::testing
