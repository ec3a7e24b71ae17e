#pragma once

#include <filesystem>

#include "common/error.h"

namespace wasmfaas::storage {

// An exclusive lock on a data directory, so that one LocalStore at a time
// uses it: flock(LOCK_EX) on <dir>/wasmfaas.lock, which holds the owner's
// pid. The kernel drops the lock when its holder exits, however it exits,
// so a crashed process never leaves the directory locked. flock belongs to
// the open file description: a second acquire() in the same process fails
// too. The descriptor is close-on-exec, so a child process never inherits
// the lock. Move-only; not thread-safe (owned by one store).
class DataDirLock {
 public:
  static constexpr char kFileName[] = "wasmfaas.lock";

  // kConflict naming the holder's pid when another process (or another
  // store in this one) holds the lock; kInternal when the file cannot be
  // opened.
  static Result<DataDirLock> acquire(const std::filesystem::path& dir);

  DataDirLock(DataDirLock&& other) noexcept;
  DataDirLock& operator=(DataDirLock&& other) noexcept;
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;
  ~DataDirLock();  // releases the lock (the file stays)

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace wasmfaas::storage
