#pragma once

#include <sys/stat.h>

#include <cstddef>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/error.h"
#include "storage/local/key_metadata.h"

namespace wasmfaas::storage {

// Parsed meta.json files, each kept with the identity (device, inode, size,
// change and modification times) of the file it was read from, so that a
// read finding the same file skips opening and parsing it: one stat instead
// of open, read, close and a JSON parse on every exec's freshness check.
// meta.json is only ever replaced by rename (a new inode), so any change, by
// this process or another one, gives a new identity and is read afresh.
// Bounded: past `max_entries` files the cache starts over.
// Thread-safe.
class KeyMetadataCache {
 public:
  explicit KeyMetadataCache(size_t max_entries = 4096) : max_entries_(max_entries) {}

  // As read_key_metadata(file): nullopt when the file does not exist.
  Result<std::optional<KeyMetadata>> read(const std::filesystem::path& file);

 private:
  struct FileIdentity {
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = 0;
    timespec modified{};
    timespec changed{};
    bool operator==(const FileIdentity& other) const;
  };
  struct Entry {
    FileIdentity identity;
    KeyMetadata metadata;
  };
  // The identity of `file`, or nullopt if it cannot be stat'ed.
  static std::optional<FileIdentity> identify(const std::filesystem::path& file);

  const size_t max_entries_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace wasmfaas::storage
