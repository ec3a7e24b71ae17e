#pragma once
// Test support: starting a program as a child process (fork and exec, with
// everything the child needs made before the fork) and waiting for it with
// a deadline.

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

extern char** environ;

namespace wasmfaas::testing {

// The argv and envp of an exec: `args` (args[0] is the program), and our
// environment with `environment` ("NAME=value") in front of it, so that
// those win. Made before fork; the child only calls exec().
class ExecArguments {
 public:
  ExecArguments(std::vector<std::string> args, std::vector<std::string> environment)
      : args_(std::move(args)), environment_(std::move(environment)) {
    for (std::string& arg : args_) argv_.push_back(arg.data());
    argv_.push_back(nullptr);
    for (std::string& variable : environment_) envp_.push_back(variable.data());
    for (char** inherited = environ; *inherited; ++inherited) {
      const std::string_view variable(*inherited);
      const std::string_view name = variable.substr(0, variable.find('=') + 1);
      bool overridden = false;
      for (const std::string& own : environment_) overridden = overridden || own.starts_with(name);
      if (!overridden) envp_.push_back(*inherited);
    }
    envp_.push_back(nullptr);
  }

  // In the child: replaces it with the program, or exits with 127.
  [[noreturn]] void exec() {
    execve(argv_[0], argv_.data(), envp_.data());
    _exit(127);
  }

 private:
  std::vector<std::string> args_;
  std::vector<std::string> environment_;
  std::vector<char*> argv_;
  std::vector<char*> envp_;
};

// Starts the program with its stdout and stderr appended to `log`.
inline pid_t spawn_logged(ExecArguments arguments, const std::filesystem::path& log) {
  const std::string log_path = log.string();
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      close(fd);
    }
    arguments.exec();
  }
  return pid;
}

// Waits up to `timeout` for the child to end; its wait status, or nullopt
// while it still runs.
inline std::optional<int> wait_for_exit(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return status;
    if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace wasmfaas::testing
