#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace wasmfaas::storage {

// Metadata of one version of one object.
struct ObjectVersion {
  std::string key;
  std::string version_id;
  std::string etag;  // hex MD5 of the content, as S3 reports for simple uploads
  // hex SHA-256 of the content: what caches key compiled code by (MD5
  // collisions can be crafted; SHA-256 ones cannot).
  std::string sha256;
  uint64_t size = 0;
  std::chrono::system_clock::time_point created;
  bool latest = false;  // the version a plain GET returns
};

struct Object {
  ObjectVersion version;
  std::vector<uint8_t> data;
};

// A versioned object store: buckets of keys, each key a history of versions.
// Writing a key adds a version; deleting a key hides it (its versions stay
// until deleted one by one). Implementations: LocalStore (embedded) and
// S3Store. All methods are thread-safe. Bucket names and keys must already
// satisfy storage/naming.h; implementations check again.
//
// kNotFound errors carry reason::kBucketNotFound when the bucket is missing
// (when the store can tell: S3 answers a HEAD without saying why) and
// reason::kVersionNotFound when a given version is; a missing key has none.
class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  virtual Result<void> create_bucket(std::string_view bucket) = 0;
  // kConflict while the bucket holds any object version.
  virtual Result<void> delete_bucket(std::string_view bucket) = 0;
  virtual Result<bool> bucket_exists(std::string_view bucket) = 0;
  // Every bucket's name, sorted.
  virtual Result<std::vector<std::string>> list_buckets() = 0;
  // The latest visible version of every key, ordered by key.
  virtual Result<std::vector<ObjectVersion>> list_objects(std::string_view bucket) = 0;

  virtual Result<ObjectVersion> put_object(std::string_view bucket, std::string_view key,
                                           std::span<const uint8_t> data) = 0;
  // The latest version, or the given one (also when the key is hidden).
  virtual Result<Object> get_object(std::string_view bucket, std::string_view key,
                                    const std::optional<std::string>& version_id) = 0;
  virtual Result<ObjectVersion> head_object(std::string_view bucket, std::string_view key,
                                            const std::optional<std::string>& version_id) = 0;
  // Hides the key; its versions stay listable and readable by id.
  virtual Result<void> delete_object(std::string_view bucket, std::string_view key) = 0;
  // Removes one version for good.
  virtual Result<void> delete_object_version(std::string_view bucket, std::string_view key,
                                             std::string_view version_id) = 0;
  // Every stored version, newest first; `latest` marks the visible one, if any.
  virtual Result<std::vector<ObjectVersion>> list_versions(std::string_view bucket,
                                                           std::string_view key) = 0;
  // Every stored version of every key starting with `prefix` (all keys when
  // empty), hidden keys included, delete markers not: ordered by key, each
  // key's newest first; `latest` marks the versions a plain GET returns.
  virtual Result<std::vector<ObjectVersion>> list_object_versions(std::string_view bucket,
                                                                  std::string_view prefix) = 0;
};

}  // namespace wasmfaas::storage
