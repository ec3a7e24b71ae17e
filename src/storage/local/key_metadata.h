#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "storage/object_store.h"

namespace wasmfaas::storage {

// One entry in a key's history: a stored version or a delete marker.
struct VersionRecord {
  std::string id;
  std::string etag;
  std::string sha256;
  uint64_t size = 0;
  int64_t created_unix_ms = 0;
  bool delete_marker = false;
};

// The meta.json of one key in LocalStore: its name and history, oldest first.
struct KeyMetadata {
  std::string key;
  std::vector<VersionRecord> history;

  // The newest record that is not a delete marker, if the key is visible.
  const VersionRecord* visible() const;
  const VersionRecord* find(std::string_view version_id) const;
  ObjectVersion describe(const VersionRecord& record) const;
};

// nullopt when the file does not exist; kInternal when it is corrupt.
Result<std::optional<KeyMetadata>> read_key_metadata(const std::filesystem::path& file);
Result<void> write_key_metadata(const std::filesystem::path& file, const KeyMetadata& metadata);

}  // namespace wasmfaas::storage
