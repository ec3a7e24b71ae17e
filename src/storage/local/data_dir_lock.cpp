#include "storage/local/data_dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

namespace wasmfaas::storage {
namespace {

std::string errno_text() { return std::strerror(errno); }

// The pid the holder wrote into the lock file, as text ("unknown" if none).
std::string holder_pid(int fd) {
  char buffer[32] = {};
  const ssize_t read = pread(fd, buffer, sizeof buffer - 1, 0);
  std::string pid = read > 0 ? std::string(buffer, static_cast<size_t>(read)) : "";
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid.empty() ? "unknown" : pid;
}

}  // namespace

Result<DataDirLock> DataDirLock::acquire(const std::filesystem::path& dir) {
  const std::filesystem::path path = dir / kFileName;
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return make_error(ErrorCode::kInternal, "cannot open " + path.string() + ": " + errno_text());
  }
  DataDirLock lock(fd);
  int locked;
  do {
    locked = flock(fd, LOCK_EX | LOCK_NB);
  } while (locked != 0 && errno == EINTR);
  if (locked != 0) {
    if (errno != EWOULDBLOCK) {
      return make_error(ErrorCode::kInternal, "cannot lock " + path.string() + ": " + errno_text());
    }
    const std::string pid = holder_pid(fd);
    const bool this_process = pid == std::to_string(getpid());
    return make_error(ErrorCode::kConflict,
                      "data directory " + dir.string() + " is in use by " +
                          (this_process ? "another store in this wasmfaas process"
                                        : "another wasmfaas process") +
                          " (pid " + pid + "); stop it or choose another --data-dir");
  }
  const std::string pid = std::to_string(getpid()) + "\n";
  if (ftruncate(fd, 0) != 0 ||
      pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    return make_error(ErrorCode::kInternal, "cannot write " + path.string() + ": " + errno_text());
  }
  return lock;
}

DataDirLock::DataDirLock(DataDirLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

DataDirLock& DataDirLock::operator=(DataDirLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

}  // namespace wasmfaas::storage
