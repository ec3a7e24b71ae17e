#include "api/legacy_metadata.h"

#include <map>
#include <string>
#include <vector>

#include "api/reserved_keys.h"

namespace wasmfaas::api {
namespace {

// The system bucket's key for `legacy_key` (".wasmfaas/...") of `bucket`.
std::string new_key_of(std::string_view bucket, std::string_view legacy_key) {
  const std::string_view rest = legacy_key.substr(kReservedPrefix.size());
  constexpr std::string_view kConfig = "config/";
  constexpr std::string_view kPipeline = "pipelines/";
  if (rest.starts_with(kConfig)) {
    const std::string_view key_and_version = rest.substr(kConfig.size());  // "<key>/<version>"
    const size_t slash = key_and_version.rfind('/');
    if (slash != std::string_view::npos) {
      return SystemBucket::config_key(bucket, key_and_version.substr(0, slash),
                                      key_and_version.substr(slash + 1));
    }
  }
  if (rest.starts_with(kPipeline)) {
    return SystemBucket::pipeline_key(bucket, rest.substr(kPipeline.size()));
  }
  return "legacy/" + std::string(bucket) + "/" + std::string(rest);
}

// Copies the current version of `key` to the system bucket unless there
// already. Returns whether it copied.
Result<bool> copy_current(storage::ObjectStore& store, const SystemBucket& system,
                          std::string_view bucket, const storage::ObjectVersion& current) {
  const std::string target = new_key_of(bucket, current.key);
  auto there = store.head_object(system.name(), target, std::nullopt);
  if (there) return false;
  if (there.error().code != ErrorCode::kNotFound) return std::unexpected(there.error());
  auto object = store.get_object(bucket, current.key, current.version_id);
  if (!object) {
    // Moved by another node meanwhile.
    if (object.error().code == ErrorCode::kNotFound) return false;
    return std::unexpected(object.error());
  }
  auto stored = system.put(store, target, object->data);
  if (!stored) return std::unexpected(stored.error());
  return true;
}

}  // namespace

Result<size_t> migrate_bucket_metadata(storage::ObjectStore& store, const SystemBucket& system,
                                       std::string_view bucket) {
  auto versions = store.list_object_versions(bucket, kReservedPrefix);
  if (!versions) {
    if (versions.error().code == ErrorCode::kNotFound) return 0;  // deleted meanwhile
    return std::unexpected(versions.error());
  }
  std::map<std::string, std::vector<storage::ObjectVersion>> by_key;
  for (storage::ObjectVersion& version : *versions) {
    by_key[version.key].push_back(std::move(version));
  }
  size_t moved = 0;
  for (const auto& [key, key_versions] : by_key) {
    for (const storage::ObjectVersion& version : key_versions) {
      if (!version.latest) continue;
      auto copied = copy_current(store, system, bucket, version);
      if (!copied) return std::unexpected(copied.error());
      if (*copied) ++moved;
    }
    if (auto deleted = delete_versions(store, bucket, key_versions); !deleted) {
      return std::unexpected(deleted.error());
    }
  }
  return moved;
}

Result<size_t> migrate_legacy_metadata(storage::ObjectStore& store, const SystemBucket& system) {
  auto buckets = store.list_buckets();
  if (!buckets) return std::unexpected(buckets.error());
  size_t moved = 0;
  for (const std::string& bucket : *buckets) {
    if (bucket == system.name()) continue;
    auto migrated = migrate_bucket_metadata(store, system, bucket);
    // A bucket these credentials may not list (on a shared S3 account) is
    // none of wasmfaas's.
    if (!migrated && migrated.error().code == ErrorCode::kStorageRejected) continue;
    if (!migrated) return std::unexpected(migrated.error());
    moved += *migrated;
  }
  return moved;
}

}  // namespace wasmfaas::api
