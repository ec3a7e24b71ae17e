#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/error.h"

namespace wasmfaas::cache {

// Serialized compiled code on local disk, so that a restarted server (or
// another process on the node) need not compile again:
//   <dir>/<engine fingerprint>/<content sha256>.cwasm
// Each file is an HMAC-SHA256 tag followed by the artifact; the key is
// <dir>/key (random, mode 0600, made on first use). A file whose tag does
// not verify is deleted and treated as absent, so only artifacts written
// with this key are ever deserialized. Thread-safe (each write is a temp
// file renamed into place).
class DiskCache {
 public:
  static Result<std::unique_ptr<DiskCache>> open(const std::filesystem::path& dir,
                                                 const std::string& engine_fingerprint);

  std::optional<std::vector<uint8_t>> load(const std::string& content_sha256) const;
  // Best effort: a failed write only costs a later compile.
  void save(const std::string& content_sha256, std::span<const uint8_t> artifact) const;

 private:
  DiskCache(std::filesystem::path dir, std::vector<uint8_t> key);
  std::filesystem::path path_for(const std::string& content_sha256) const;

  const std::filesystem::path dir_;
  const std::vector<uint8_t> key_;
};

}  // namespace wasmfaas::cache
