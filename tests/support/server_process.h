#pragma once
// Test support: `wasmfaas serve` as a child process on an ephemeral port,
// for tests that must kill the server (SIGKILL) rather than stop it.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace wasmfaas::testing {

// Compiled code is cached in "<data_dir>-cache". `extra_args` are more
// flags of `serve` (its stderr is read only until it serves: keep the log
// quiet, e.g. --log-level warn, when it runs many requests).
class ServerProcess {
 public:
  explicit ServerProcess(const std::filesystem::path& data_dir,
                         const std::vector<std::string>& extra_args = {}) {
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ == 0) {
      dup2(pipe_fds[1], STDERR_FILENO);
      close(pipe_fds[0]);
      const std::string data = data_dir.string();
      const std::string cache = data + "-cache";
      std::vector<std::string> args = {WASMFAAS_BINARY, "serve",     "--listen",
                                       "127.0.0.1:0",   "--data-dir", data,
                                       "--code-cache-dir", cache};
      args.insert(args.end(), extra_args.begin(), extra_args.end());
      std::vector<char*> argv;
      for (std::string& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      execv(WASMFAAS_BINARY, argv.data());
      _exit(127);
    }
    close(pipe_fds[1]);
    // The server announces "serving on http://127.0.0.1:<port>".
    std::string output;
    char c;
    while (read(pipe_fds[0], &c, 1) == 1) {
      output += c;
      const size_t at = output.find("serving on http://127.0.0.1:");
      if (c == ' ' && at != std::string::npos) {
        port_ = static_cast<uint16_t>(std::stoi(output.substr(at + 28)));
        break;
      }
    }
    stderr_fd_ = pipe_fds[0];
    if (port_ == 0) throw std::runtime_error("server did not start: " + output);
  }

  ~ServerProcess() {
    if (pid_ > 0) kill_now();
    close(stderr_fd_);
  }

  uint16_t port() const { return port_; }

  void kill_now() {
    ::kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
  int stderr_fd_ = -1;
  uint16_t port_ = 0;
};

}  // namespace wasmfaas::testing
