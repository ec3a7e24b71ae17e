#include "storage/local/durable_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/hash.h"

namespace wasmfaas::storage {
namespace {

Error io_error(const std::string& what, const std::filesystem::path& path) {
  return Error{ErrorCode::kInternal, what + " " + path.string() + ": " + std::strerror(errno)};
}

// Closes a file descriptor when it goes out of scope.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

Result<void> write_file_synced(const std::filesystem::path& path, std::span<const uint8_t> data) {
  FileDescriptor fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (fd.get() < 0) return std::unexpected(io_error("cannot create", path));
  size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = ::write(fd.get(), data.data() + written, data.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::unexpected(io_error("cannot write", path));
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd.get()) != 0) return std::unexpected(io_error("cannot fsync", path));
  return {};
}

Result<void> sync_directory(const std::filesystem::path& dir) {
  FileDescriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return std::unexpected(io_error("cannot open directory", dir));
  if (::fsync(fd.get()) != 0) return std::unexpected(io_error("cannot fsync directory", dir));
  return {};
}

Result<void> replace_file_atomically(const std::filesystem::path& target, std::string_view data) {
  const std::filesystem::path temp = target.string() + ".tmp-" + random_hex(6);
  auto written = write_file_synced(
      temp, std::span(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
  if (!written) {
    ::unlink(temp.c_str());
    return written;
  }
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    Error error = io_error("cannot rename onto", target);
    ::unlink(temp.c_str());
    return std::unexpected(std::move(error));
  }
  return sync_directory(target.parent_path());
}

}  // namespace wasmfaas::storage
