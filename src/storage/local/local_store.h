#pragma once

#include <filesystem>
#include <memory>
#include <mutex>

#include "storage/local/data_dir_lock.h"
#include "storage/local/key_metadata_cache.h"
#include "storage/object_store.h"

namespace wasmfaas::storage {

// The embedded object store: versioned objects in a directory tree.
//
//   <root>/buckets/<bucket>/<sha256(key)>/meta.json      key + version list
//   <root>/buckets/<bucket>/<sha256(key)>/<version>.data one file per version
//   <root>/tmp/                                          uploads being written
//   <root>/wasmfaas.lock                                 the owner's pid
//
// Keys never become paths (only their hash does), so no key can reach outside
// the root. Every write is temp file + fsync + rename (+ fsync of the
// directory): a crash leaves either the old or the new state, never a
// partial object. Temp files are removed at open; a data file orphaned by a
// crash before its meta.json update is never listed or served.
// One store per directory: open() takes an exclusive lock on it (see
// DataDirLock), held for the store's lifetime, and fails while another
// process or store holds it.
// Thread-safe: metadata updates are serialized by one mutex; readers see
// whole meta.json files thanks to rename.
class LocalStore final : public ObjectStore {
 public:
  // kConflict when another process or store has `root` open.
  static Result<std::unique_ptr<LocalStore>> open(const std::filesystem::path& root);

  Result<void> create_bucket(std::string_view bucket) override;
  Result<void> delete_bucket(std::string_view bucket) override;
  Result<bool> bucket_exists(std::string_view bucket) override;
  Result<std::vector<std::string>> list_buckets() override;
  Result<std::vector<ObjectVersion>> list_objects(std::string_view bucket) override;
  Result<ObjectVersion> put_object(std::string_view bucket, std::string_view key,
                                   std::span<const uint8_t> data) override;
  Result<Object> get_object(std::string_view bucket, std::string_view key,
                            const std::optional<std::string>& version_id) override;
  Result<ObjectVersion> head_object(std::string_view bucket, std::string_view key,
                                    const std::optional<std::string>& version_id) override;
  Result<void> delete_object(std::string_view bucket, std::string_view key) override;
  Result<void> delete_object_version(std::string_view bucket, std::string_view key,
                                     std::string_view version_id) override;
  Result<std::vector<ObjectVersion>> list_versions(std::string_view bucket,
                                                   std::string_view key) override;
  Result<std::vector<ObjectVersion>> list_object_versions(std::string_view bucket,
                                                          std::string_view prefix) override;

 private:
  LocalStore(std::filesystem::path root, DataDirLock lock);

  std::filesystem::path bucket_dir(std::string_view bucket) const;
  std::filesystem::path object_dir(std::string_view bucket, std::string_view key) const;
  Result<void> require_bucket(std::string_view bucket) const;

  const std::filesystem::path root_;
  DataDirLock lock_;
  std::mutex metadata_mutex_;
  // Every meta.json read goes through it (reads of unchanged files are one
  // stat).
  KeyMetadataCache metadata_cache_;
};

}  // namespace wasmfaas::storage
