#pragma once
// Test support: `wasmfaas serve` as a child process, for tests that must
// kill the server (SIGKILL) or signal it (SIGTERM) rather than stop it.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/child_process.h"

namespace wasmfaas::testing {

// Compiled code is cached in "<data_dir>-cache". `extra_args` are more
// flags of `serve`; `environment` ("NAME=value", e.g. the AWS_* variables
// of an S3 store) is added to the child's environment. It listens on
// `listen` (an ephemeral loopback port by default; a node restarted where
// it was passes its former address()). Once it serves, its stderr is
// drained by a thread that keeps the last 64 KiB (log_tail()), so a chatty
// server never blocks on a full pipe. Not thread-safe, except log_tail().
class ServerProcess {
 public:
  explicit ServerProcess(const std::filesystem::path& data_dir,
                         const std::vector<std::string>& extra_args = {},
                         const std::vector<std::string>& environment = {},
                         const std::string& listen = "127.0.0.1:0")
      : host_(listen.substr(0, listen.rfind(':'))) {
    // Everything the child needs is made before fork (only exec after it).
    const std::string data = data_dir.string();
    const std::string cache = data + "-cache";
    std::vector<std::string> args = {WASMFAAS_BINARY, "serve",     "--listen",
                                     listen,          "--data-dir", data,
                                     "--code-cache-dir", cache};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    ExecArguments arguments(std::move(args), environment);

    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ == 0) {
      dup2(pipe_fds[1], STDERR_FILENO);
      close(pipe_fds[0]);
      close(pipe_fds[1]);
      arguments.exec();
    }
    close(pipe_fds[1]);
    // The server announces "serving on http://<host>:<port>".
    const std::string announcement = "serving on http://" + host_ + ":";
    std::string output;
    char c;
    while (read(pipe_fds[0], &c, 1) == 1) {
      output += c;
      const size_t at = output.find(announcement);
      if (c == ' ' && at != std::string::npos) {
        port_ = static_cast<uint16_t>(std::stoi(output.substr(at + announcement.size())));
        break;
      }
    }
    if (port_ == 0) {
      close(pipe_fds[0]);
      kill_now();
      throw std::runtime_error("server did not start: " + output);
    }
    tail_ = std::move(output);
    // Ends at EOF: when the child exits.
    drain_ = std::thread([this, fd = pipe_fds[0]] {
      char chunk[4096];
      ssize_t n;
      while ((n = read(fd, chunk, sizeof chunk)) > 0) {
        std::lock_guard lock(tail_mutex_);
        tail_.append(chunk, static_cast<size_t>(n));
        if (tail_.size() > kTailBytes * 2) tail_.erase(0, tail_.size() - kTailBytes);
      }
      close(fd);
    });
  }

  ~ServerProcess() {
    if (pid_ > 0) kill_now();
    if (drain_.joinable()) drain_.join();
  }

  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  uint16_t port() const { return port_; }
  const std::string& host() const { return host_; }
  // "host:port", as --listen takes it.
  std::string address() const { return host_ + ":" + std::to_string(port_); }
  // The running process (-1 once it ended); it is part of the node id the
  // server leases jobs under ("<hostname>:<pid>:...").
  pid_t pid() const { return pid_; }

  // SIGKILL, and waits for the process to end. Idempotent.
  void kill_now() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  // SIGTERM, and waits up to `timeout` for the process to end by itself;
  // then SIGKILL. True when it ended by itself with status 0.
  bool terminate(std::chrono::milliseconds timeout) {
    if (pid_ <= 0) return false;
    ::kill(pid_, SIGTERM);
    const std::optional<int> status = wasmfaas::testing::wait_for_exit(pid_, timeout);
    if (!status) {
      kill_now();
      return false;
    }
    pid_ = -1;
    return WIFEXITED(*status) && WEXITSTATUS(*status) == 0;
  }

  // Sends `signal_number` (e.g. SIGTERM) and returns at once.
  void send_signal(int signal_number) {
    if (pid_ > 0) ::kill(pid_, signal_number);
  }

  // Waits for the process to end; its status as waitpid reports it.
  int wait_for_exit() {
    int status = 0;
    if (pid_ > 0) waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

  // The last (up to about 64 KiB) of what the server wrote to stderr.
  std::string log_tail() const {
    std::lock_guard lock(tail_mutex_);
    return tail_.size() > kTailBytes ? tail_.substr(tail_.size() - kTailBytes) : tail_;
  }

 private:
  static constexpr size_t kTailBytes = 64 * 1024;

  std::string host_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  mutable std::mutex tail_mutex_;
  std::string tail_;
  std::thread drain_;
};

}  // namespace wasmfaas::testing
