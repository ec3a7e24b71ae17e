#include "cache/disk_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "common/file_util.h"
#include "common/hash.h"

namespace wasmfaas::cache {
namespace fs = std::filesystem;
namespace {

constexpr size_t kKeyBytes = 32;
constexpr size_t kTagBytes = 32;

// Reads the key file, or creates it (exclusively, mode 0600) when missing.
Result<std::vector<uint8_t>> load_or_create_key(const fs::path& file) {
  if (auto existing = read_file_bytes(file); existing && existing->size() == kKeyBytes) {
    return *existing;
  }
  const std::vector<uint8_t> key = random_bytes(kKeyBytes);
  const fs::path temp = file.string() + ".tmp-" + random_hex(4);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return make_error(ErrorCode::kInternal, "cannot create " + temp.string());
  const bool written = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size());
  ::close(fd);
  // link() fails if another process made the key meanwhile: use theirs.
  if (!written || ::link(temp.c_str(), file.c_str()) != 0) {
    ::unlink(temp.c_str());
    auto theirs = read_file_bytes(file);
    if (theirs && theirs->size() == kKeyBytes) return *theirs;
    return make_error(ErrorCode::kInternal, "cannot create the cache key " + file.string());
  }
  ::unlink(temp.c_str());
  return key;
}

bool is_hex_digest(const std::string& text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

DiskCache::DiskCache(fs::path dir, std::vector<uint8_t> key)
    : dir_(std::move(dir)), key_(std::move(key)) {}

Result<std::unique_ptr<DiskCache>> DiskCache::open(const fs::path& dir,
                                                   const std::string& engine_fingerprint) {
  std::error_code code;
  fs::create_directories(dir / engine_fingerprint, code);
  if (code) {
    return make_error(ErrorCode::kInternal,
                      "cannot create cache directory " + dir.string() + ": " + code.message());
  }
  auto key = load_or_create_key(dir / "key");
  if (!key) return std::unexpected(key.error());
  return std::unique_ptr<DiskCache>(new DiskCache(dir / engine_fingerprint, std::move(*key)));
}

fs::path DiskCache::path_for(const std::string& content_sha256) const {
  return dir_ / (content_sha256 + ".cwasm");
}

std::optional<std::vector<uint8_t>> DiskCache::load(const std::string& content_sha256) const {
  if (!is_hex_digest(content_sha256)) return std::nullopt;
  auto file = read_file_bytes(path_for(content_sha256));
  if (!file) return std::nullopt;
  if (file->size() > kTagBytes) {
    const std::span<const uint8_t> tag(file->data(), kTagBytes);
    const std::span<const uint8_t> artifact(file->data() + kTagBytes, file->size() - kTagBytes);
    if (constant_time_equal(tag, hmac_sha256(key_, artifact))) {
      return std::vector<uint8_t>(artifact.begin(), artifact.end());
    }
  }
  // Not written by us, or damaged: never deserialize it.
  std::error_code ignored;
  fs::remove(path_for(content_sha256), ignored);
  return std::nullopt;
}

void DiskCache::save(const std::string& content_sha256, std::span<const uint8_t> artifact) const {
  if (!is_hex_digest(content_sha256)) return;
  const std::vector<uint8_t> tag = hmac_sha256(key_, artifact);
  const fs::path target = path_for(content_sha256);
  const fs::path temp = target.string() + ".tmp-" + random_hex(4);
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(tag.data()), static_cast<std::streamsize>(tag.size()));
    out.write(reinterpret_cast<const char*>(artifact.data()),
              static_cast<std::streamsize>(artifact.size()));
    if (!out) {
      std::error_code ignored;
      fs::remove(temp, ignored);
      return;
    }
  }
  std::error_code code;
  fs::rename(temp, target, code);
  if (code) fs::remove(temp, code);
}

}  // namespace wasmfaas::cache
