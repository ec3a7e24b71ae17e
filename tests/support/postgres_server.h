#pragma once
// Test support: a throwaway PostgreSQL server on a free loopback port, with
// fsync off, stopped with the object (fast shutdown). The server programs
// come from the set-up (WASMFAAS_POSTGRES_BIN_DIR).
//
// initdb runs once per build directory: its cluster is kept as a template
// (WASMFAAS_POSTGRES_TEMPLATE_DIR, made under a file lock so parallel test
// processes make it once) and each server starts from a copy, which takes
// a fraction of a second (its ~1000 files go to /dev/shm when that is a
// roomy tmpfs: creating and removing them on a disk costs far more). Each
// test takes a database of its own
// (create_database), so tests sharing a server share nothing.
//
// PostgreSQL refuses to run as root: a root process runs initdb and postgres
// as the `postgres` user (Debian's package creates it) or else `nobody`,
// and hands them their directories; anyone else runs them as itself.

#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/free_port.h"
#include "support/temp_dir.h"

namespace wasmfaas::testing {

class PostgresServer {
 public:
  PostgresServer() : dir_(scratch_parent()) {
    const std::filesystem::path data = dir_.path() / "data";
    std::filesystem::copy(cluster_template(), data, std::filesystem::copy_options::recursive);
    std::filesystem::permissions(data, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace);
    std::filesystem::create_directory(dir_.path() / "socket");
    hand_over(dir_.path());
    // The port is free when chosen but might be taken before the server
    // binds it: then it exits at once and another port is tried.
    for (int attempt = 0; attempt < 5; ++attempt) {
      port_ = free_port();
      pid_ = spawn({std::string(WASMFAAS_POSTGRES_BIN_DIR) + "/postgres", "-D", data.string(), "-k",
                    (dir_.path() / "socket").string(), "-p", std::to_string(port_), "-c",
                    "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "full_page_writes=off",
                    "-c", "shared_buffers=16MB", "-c", "max_connections=100"},
                   dir_.path() / "postgres.log");
      if (wait_until_ready()) return;
    }
    throw std::runtime_error("PostgreSQL did not start: " + read_log());
  }

  ~PostgresServer() {
    if (pid_ <= 0) return;
    kill(pid_, SIGINT);  // fast shutdown: ends sessions, checkpoints, exits
    int status = 0;
    waitpid(pid_, &status, 0);
  }

  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // The server this test process shares: started at first use (on the main
  // thread, which it outlives) and stopped at exit.
  static PostgresServer& shared() {
    static PostgresServer server;
    return server;
  }

  // A libpq URL for `database` (user `wasmfaas`, trusted).
  std::string url(std::string_view database) const {
    return "postgresql://wasmfaas@127.0.0.1:" + std::to_string(port_) + "/" + std::string(database);
  }

  // A new, empty UTF-8 database; returns its name.
  std::string create_database(std::string_view extra = "") {
    static std::atomic<int> counter{0};
    const std::string name = "test_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
    execute("postgres", "CREATE DATABASE " + name + " " + std::string(extra));
    return name;
  }

  // Runs `sql` in `database`; throws on failure. Returns the first value of
  // the first row ("" when none).
  std::string execute(std::string_view database, const std::string& sql) const {
    PGconn* connection = PQconnectdb(url(database).c_str());
    std::string first;
    std::string failure;
    if (PQstatus(connection) != CONNECTION_OK) {
      failure = PQerrorMessage(connection);
    } else {
      PGresult* result = PQexec(connection, sql.c_str());
      const auto status = PQresultStatus(result);
      if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        failure = PQresultErrorMessage(result);
      } else if (PQntuples(result) > 0 && PQnfields(result) > 0) {
        first = PQgetvalue(result, 0, 0);
      }
      PQclear(result);
    }
    PQfinish(connection);
    if (!failure.empty()) throw std::runtime_error(sql + ": " + failure);
    return first;
  }

  uint16_t port() const { return port_; }

 private:
  struct User {
    uid_t uid;
    gid_t gid;
    bool switch_to;  // this process is root: run as uid/gid
  };

  static User server_user() {
    if (geteuid() != 0) return {geteuid(), getegid(), false};
    for (const char* name : {"postgres", "nobody"}) {
      if (const passwd* entry = getpwnam(name)) return {entry->pw_uid, entry->pw_gid, true};
    }
    throw std::runtime_error(
        "running as root, and no postgres or nobody user to run PostgreSQL as");
  }

  // Gives `path` and everything under it to the server's user.
  static void hand_over(const std::filesystem::path& path) {
    const User user = server_user();
    if (!user.switch_to) return;
    if (lchown(path.c_str(), user.uid, user.gid) != 0) {
      throw std::runtime_error("cannot chown " + path.string());
    }
    for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
      if (lchown(entry.path().c_str(), user.uid, user.gid) != 0) {
        throw std::runtime_error("cannot chown " + entry.path().string());
      }
    }
  }

  // /dev/shm when it is a tmpfs with room for a few servers, else the
  // system's temp directory.
  static std::filesystem::path scratch_parent() {
    constexpr unsigned long kTmpfsMagic = 0x01021994;
    struct statfs filesystem{};
    struct statvfs space{};
    if (statfs("/dev/shm", &filesystem) == 0 &&
        static_cast<unsigned long>(filesystem.f_type) == kTmpfsMagic &&
        statvfs("/dev/shm", &space) == 0 &&
        static_cast<uint64_t>(space.f_bavail) * space.f_frsize > (uint64_t{512} << 20) &&
        access("/dev/shm", W_OK) == 0) {
      return "/dev/shm";
    }
    return std::filesystem::temp_directory_path();
  }

  // Starts `argv` as the server's user with its output in `log`; it gets
  // SIGINT should this process die without stopping it.
  static pid_t spawn(const std::vector<std::string>& argv, const std::filesystem::path& log) {
    const User user = server_user();
    std::vector<char*> pointers;
    for (const auto& argument : argv) pointers.push_back(const_cast<char*>(argument.c_str()));
    pointers.push_back(nullptr);
    const std::string log_path = log.string();
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid != 0) return pid;
    // The child: only async-signal-safe calls until exec.
    if (user.switch_to &&
        (setgroups(0, nullptr) != 0 || setgid(user.gid) != 0 || setuid(user.uid) != 0)) {
      _exit(126);
    }
    prctl(PR_SET_PDEATHSIG, SIGINT);  // after setuid, which would clear it
    if (getppid() != parent) _exit(125);
    const int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      close(fd);
    }
    execv(pointers[0], pointers.data());
    _exit(127);
  }

  // The initdb'd cluster servers start from (made once per build).
  static std::filesystem::path cluster_template() {
    const std::filesystem::path made = WASMFAAS_POSTGRES_TEMPLATE_DIR;
    if (std::filesystem::exists(made / "PG_VERSION")) return made;
    std::filesystem::create_directories(made.parent_path());
    const std::string lock_path = made.string() + ".lock";
    const int lock = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock < 0 || flock(lock, LOCK_EX) != 0) {
      throw std::runtime_error("cannot lock " + lock_path);
    }
    struct Unlock {
      int fd;
      ~Unlock() { close(fd); }
    } unlock{lock};
    if (std::filesystem::exists(made / "PG_VERSION")) return made;  // another process made it
    TempDir work;
    hand_over(work.path());
    const pid_t pid =
        spawn({std::string(WASMFAAS_POSTGRES_BIN_DIR) + "/initdb", "-D",
               (work.path() / "data").string(), "-U", "wasmfaas", "-A", "trust", "-E", "UTF8",
               "--locale=C", "--no-sync", "--no-instructions", "--wal-segsize=1"},
              work.path() / "initdb.log");
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::ifstream log(work.path() / "initdb.log");
      std::stringstream text;
      text << log.rdbuf();
      throw std::runtime_error("initdb failed: " + text.str());
    }
    const std::filesystem::path staging = made.string() + ".staging";
    std::filesystem::remove_all(staging);
    std::filesystem::copy(work.path() / "data", staging, std::filesystem::copy_options::recursive);
    std::filesystem::rename(staging, made);
    return made;
  }

  // Polls until the server answers (true) or exits (false: a port clash).
  bool wait_until_ready() {
    const std::string conninfo = "host=127.0.0.1 port=" + std::to_string(port_) +
                                 " user=wasmfaas dbname=postgres connect_timeout=2";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      if (PQping(conninfo.c_str()) == PQPING_OK) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
    throw std::runtime_error("PostgreSQL did not answer within 20 s: " + read_log());
  }

  std::string read_log() const {
    std::ifstream log(dir_.path() / "postgres.log");
    std::stringstream text;
    text << log.rdbuf();
    return text.str();
  }

  TempDir dir_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace wasmfaas::testing
