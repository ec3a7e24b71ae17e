#include "storage/local/local_store.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <system_error>

#include "common/file_util.h"
#include "common/hash.h"
#include "storage/local/durable_file.h"
#include "storage/local/key_metadata.h"
#include "storage/naming.h"

namespace wasmfaas::storage {
namespace fs = std::filesystem;
namespace {

constexpr char kMetadataFile[] = "meta.json";

std::string data_file_name(std::string_view version_id) {
  return std::string(version_id) + ".data";
}

std::string new_version_id() {
  // Time-ordered, then random: unique across processes sharing nothing.
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
  char prefix[24];
  std::snprintf(prefix, sizeof prefix, "%014llx", static_cast<unsigned long long>(micros));
  return std::string(prefix) + random_hex(5);
}

int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Error not_found_key(std::string_view bucket, std::string_view key) {
  return Error{ErrorCode::kNotFound, "no object '" + std::string(key) + "' in bucket '" +
                                         std::string(bucket) + "'"};
}

Error not_found_version(std::string_view key, std::string_view version_id) {
  return Error{ErrorCode::kNotFound,
               "object '" + std::string(key) + "' has no version '" + std::string(version_id) + "'",
               reason::kVersionNotFound};
}

Error filesystem_error(const std::string& what, const std::error_code& code) {
  return Error{ErrorCode::kInternal, what + ": " + code.message()};
}

// Validates the names that every per-key operation receives.
Result<void> validate(std::string_view bucket, std::string_view key) {
  if (auto ok = validate_bucket_name(bucket); !ok) return ok;
  return validate_object_key(key);
}

}  // namespace

LocalStore::LocalStore(fs::path root, DataDirLock lock)
    : root_(std::move(root)), lock_(std::move(lock)) {}

Result<std::unique_ptr<LocalStore>> LocalStore::open(const fs::path& root) {
  std::error_code code;
  fs::create_directories(root / "buckets", code);
  if (code) return std::unexpected(filesystem_error("cannot create " + root.string(), code));
  // Before anything else changes: another process may be using the directory.
  auto lock = DataDirLock::acquire(root);
  if (!lock) return std::unexpected(lock.error());
  // Uploads interrupted by a crash left only temp files: drop them.
  fs::remove_all(root / "tmp", code);
  fs::create_directories(root / "tmp", code);
  if (code) return std::unexpected(filesystem_error("cannot create " + root.string(), code));
  return std::unique_ptr<LocalStore>(new LocalStore(fs::absolute(root), std::move(*lock)));
}

fs::path LocalStore::bucket_dir(std::string_view bucket) const {
  return root_ / "buckets" / std::string(bucket);
}

fs::path LocalStore::object_dir(std::string_view bucket, std::string_view key) const {
  return bucket_dir(bucket) / sha256_hex(key);
}

Result<void> LocalStore::require_bucket(std::string_view bucket) const {
  std::error_code code;
  if (!fs::is_directory(bucket_dir(bucket), code)) {
    return make_error(ErrorCode::kNotFound, "bucket '" + std::string(bucket) + "' does not exist",
                      reason::kBucketNotFound);
  }
  return {};
}

Result<void> LocalStore::create_bucket(std::string_view bucket) {
  if (auto ok = validate_bucket_name(bucket); !ok) return ok;
  std::lock_guard lock(metadata_mutex_);
  std::error_code code;
  if (!fs::create_directory(bucket_dir(bucket), code)) {
    if (code) return std::unexpected(filesystem_error("cannot create bucket", code));
    return make_error(ErrorCode::kAlreadyExists,
                      "bucket '" + std::string(bucket) + "' already exists");
  }
  return sync_directory(root_ / "buckets");
}

Result<void> LocalStore::delete_bucket(std::string_view bucket) {
  if (auto ok = validate_bucket_name(bucket); !ok) return ok;
  std::lock_guard lock(metadata_mutex_);
  if (auto ok = require_bucket(bucket); !ok) return ok;
  std::error_code code;
  size_t visible = 0;
  size_t hidden = 0;
  for (const auto& entry : fs::directory_iterator(bucket_dir(bucket), code)) {
    auto metadata = metadata_cache_.read(entry.path() / kMetadataFile);
    if (metadata && *metadata && (*metadata)->visible()) {
      ++visible;
    } else {
      ++hidden;
    }
  }
  if (visible > 0) {
    return make_error(ErrorCode::kConflict, "bucket '" + std::string(bucket) + "' is not empty (" +
                                                std::to_string(visible) + " objects)");
  }
  if (hidden > 0) {
    return make_error(ErrorCode::kConflict,
                      "bucket '" + std::string(bucket) + "' still keeps the versions of " +
                          std::to_string(hidden) +
                          " deleted objects; delete them with ?version= first");
  }
  fs::remove(bucket_dir(bucket), code);
  if (code) return std::unexpected(filesystem_error("cannot delete bucket", code));
  return sync_directory(root_ / "buckets");
}

Result<bool> LocalStore::bucket_exists(std::string_view bucket) {
  if (auto ok = validate_bucket_name(bucket); !ok) return std::unexpected(ok.error());
  return require_bucket(bucket).has_value();
}

Result<std::vector<std::string>> LocalStore::list_buckets() {
  std::vector<std::string> buckets;
  std::error_code code;
  for (const auto& entry : fs::directory_iterator(root_ / "buckets", code)) {
    if (entry.is_directory()) buckets.push_back(entry.path().filename().string());
  }
  if (code) return std::unexpected(filesystem_error("cannot list buckets", code));
  std::sort(buckets.begin(), buckets.end());
  return buckets;
}

Result<std::vector<ObjectVersion>> LocalStore::list_objects(std::string_view bucket) {
  if (auto ok = validate_bucket_name(bucket); !ok) return std::unexpected(ok.error());
  if (auto ok = require_bucket(bucket); !ok) return std::unexpected(ok.error());
  std::vector<ObjectVersion> objects;
  std::error_code code;
  for (const auto& entry : fs::directory_iterator(bucket_dir(bucket), code)) {
    auto metadata = metadata_cache_.read(entry.path() / kMetadataFile);
    if (!metadata) return std::unexpected(metadata.error());
    if (!*metadata) continue;
    if (const VersionRecord* visible = (*metadata)->visible()) {
      objects.push_back((*metadata)->describe(*visible));
    }
  }
  if (code) return std::unexpected(filesystem_error("cannot list bucket", code));
  std::sort(objects.begin(), objects.end(),
            [](const ObjectVersion& a, const ObjectVersion& b) { return a.key < b.key; });
  return objects;
}

Result<ObjectVersion> LocalStore::put_object(std::string_view bucket, std::string_view key,
                                             std::span<const uint8_t> data) {
  if (auto ok = validate(bucket, key); !ok) return std::unexpected(ok.error());
  if (auto ok = require_bucket(bucket); !ok) return std::unexpected(ok.error());

  // The slow part, outside the lock: write the bytes to a temp file.
  VersionRecord record;
  record.id = new_version_id();
  record.etag = md5_hex(data);
  record.sha256 = sha256_hex(data);
  record.size = data.size();
  const fs::path staged = root_ / "tmp" / (record.id + ".part");
  if (auto written = write_file_synced(staged, data); !written) {
    ::unlink(staged.c_str());
    return std::unexpected(written.error());
  }

  std::lock_guard lock(metadata_mutex_);
  if (auto ok = require_bucket(bucket); !ok) {  // deleted meanwhile
    ::unlink(staged.c_str());
    return std::unexpected(ok.error());
  }
  const fs::path dir = object_dir(bucket, key);
  std::error_code code;
  fs::create_directory(dir, code);
  if (code) return std::unexpected(filesystem_error("cannot create object directory", code));
  if (::rename(staged.c_str(), (dir / data_file_name(record.id)).c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(staged.c_str());
    return make_error(ErrorCode::kInternal, "cannot store object: " + reason);
  }
  if (auto synced = sync_directory(dir); !synced) return std::unexpected(synced.error());

  auto metadata = metadata_cache_.read(dir / kMetadataFile);
  if (!metadata) return std::unexpected(metadata.error());
  KeyMetadata updated = metadata->value_or(KeyMetadata{std::string(key), {}});
  record.created_unix_ms = now_unix_ms();
  updated.history.push_back(record);
  // The version becomes visible only here, when meta.json is replaced.
  if (auto written = write_key_metadata(dir / kMetadataFile, updated); !written) {
    return std::unexpected(written.error());
  }
  if (auto synced = sync_directory(bucket_dir(bucket)); !synced) {
    return std::unexpected(synced.error());
  }
  return updated.describe(updated.history.back());
}

Result<ObjectVersion> LocalStore::head_object(std::string_view bucket, std::string_view key,
                                              const std::optional<std::string>& version_id) {
  if (auto ok = validate(bucket, key); !ok) return std::unexpected(ok.error());
  if (auto ok = require_bucket(bucket); !ok) return std::unexpected(ok.error());
  auto metadata = metadata_cache_.read(object_dir(bucket, key) / kMetadataFile);
  if (!metadata) return std::unexpected(metadata.error());
  if (!*metadata) return std::unexpected(not_found_key(bucket, key));
  const KeyMetadata& meta = **metadata;
  const VersionRecord* record = version_id ? meta.find(*version_id) : meta.visible();
  if (!record) {
    return std::unexpected(version_id ? not_found_version(key, *version_id)
                                      : not_found_key(bucket, key));
  }
  return meta.describe(*record);
}

Result<Object> LocalStore::get_object(std::string_view bucket, std::string_view key,
                                      const std::optional<std::string>& version_id) {
  auto version = head_object(bucket, key, version_id);
  if (!version) return std::unexpected(version.error());
  auto data = read_file_bytes(object_dir(bucket, key) / data_file_name(version->version_id));
  if (!data) {
    // Deleted between reading the metadata and the data.
    return std::unexpected(not_found_version(key, version->version_id));
  }
  return Object{std::move(*version), std::move(*data)};
}

Result<void> LocalStore::delete_object(std::string_view bucket, std::string_view key) {
  if (auto ok = validate(bucket, key); !ok) return ok;
  if (auto ok = require_bucket(bucket); !ok) return ok;
  std::lock_guard lock(metadata_mutex_);
  const fs::path file = object_dir(bucket, key) / kMetadataFile;
  auto metadata = metadata_cache_.read(file);
  if (!metadata) return std::unexpected(metadata.error());
  if (!*metadata || !(*metadata)->visible()) return std::unexpected(not_found_key(bucket, key));
  KeyMetadata updated = std::move(**metadata);
  updated.history.push_back(VersionRecord{new_version_id(), "", "", 0, now_unix_ms(), true});
  return write_key_metadata(file, updated);
}

Result<void> LocalStore::delete_object_version(std::string_view bucket, std::string_view key,
                                               std::string_view version_id) {
  if (auto ok = validate(bucket, key); !ok) return ok;
  if (auto ok = validate_version_id(version_id); !ok) return ok;
  if (auto ok = require_bucket(bucket); !ok) return ok;
  std::lock_guard lock(metadata_mutex_);
  const fs::path dir = object_dir(bucket, key);
  auto metadata = metadata_cache_.read(dir / kMetadataFile);
  if (!metadata) return std::unexpected(metadata.error());
  if (!*metadata) return std::unexpected(not_found_key(bucket, key));
  KeyMetadata updated = std::move(**metadata);
  const auto removed = std::remove_if(updated.history.begin(), updated.history.end(),
                                      [&](const VersionRecord& r) { return r.id == version_id; });
  if (removed == updated.history.end()) {
    return std::unexpected(not_found_version(key, version_id));
  }
  updated.history.erase(removed, updated.history.end());
  // A history of delete markers alone hides nothing: drop them too.
  const bool only_markers = std::all_of(updated.history.begin(), updated.history.end(),
                                        [](const VersionRecord& r) { return r.delete_marker; });
  std::error_code code;
  if (only_markers) {
    fs::remove_all(dir, code);
    if (code) return std::unexpected(filesystem_error("cannot delete object", code));
    return sync_directory(bucket_dir(bucket));
  }
  if (auto written = write_key_metadata(dir / kMetadataFile, updated); !written) return written;
  fs::remove(dir / data_file_name(version_id), code);
  return {};
}

Result<std::vector<ObjectVersion>> LocalStore::list_versions(std::string_view bucket,
                                                             std::string_view key) {
  if (auto ok = validate(bucket, key); !ok) return std::unexpected(ok.error());
  if (auto ok = require_bucket(bucket); !ok) return std::unexpected(ok.error());
  auto metadata = metadata_cache_.read(object_dir(bucket, key) / kMetadataFile);
  if (!metadata) return std::unexpected(metadata.error());
  if (!*metadata) return std::unexpected(not_found_key(bucket, key));
  std::vector<ObjectVersion> versions;
  const KeyMetadata& meta = **metadata;
  for (auto it = meta.history.rbegin(); it != meta.history.rend(); ++it) {
    if (!it->delete_marker) versions.push_back(meta.describe(*it));
  }
  return versions;
}

Result<std::vector<ObjectVersion>> LocalStore::list_object_versions(std::string_view bucket,
                                                                    std::string_view prefix) {
  if (auto ok = validate_bucket_name(bucket); !ok) return std::unexpected(ok.error());
  if (auto ok = require_bucket(bucket); !ok) return std::unexpected(ok.error());
  // Keys are stored by hash: every key of the bucket is read to find those
  // under the prefix (each read of an unchanged meta.json is one stat).
  std::vector<std::vector<ObjectVersion>> keys;
  std::error_code code;
  for (const auto& entry : fs::directory_iterator(bucket_dir(bucket), code)) {
    auto metadata = metadata_cache_.read(entry.path() / kMetadataFile);
    if (!metadata) return std::unexpected(metadata.error());
    if (!*metadata || !(*metadata)->key.starts_with(prefix)) continue;
    const KeyMetadata& meta = **metadata;
    std::vector<ObjectVersion> versions;
    for (auto it = meta.history.rbegin(); it != meta.history.rend(); ++it) {
      if (!it->delete_marker) versions.push_back(meta.describe(*it));
    }
    if (!versions.empty()) keys.push_back(std::move(versions));
  }
  if (code) return std::unexpected(filesystem_error("cannot list bucket", code));
  std::sort(keys.begin(), keys.end(),
            [](const auto& a, const auto& b) { return a.front().key < b.front().key; });
  std::vector<ObjectVersion> all;
  for (auto& versions : keys) {
    std::move(versions.begin(), versions.end(), std::back_inserter(all));
  }
  return all;
}

}  // namespace wasmfaas::storage
