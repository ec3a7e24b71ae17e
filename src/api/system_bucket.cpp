#include "api/system_bucket.h"

#include "common/hash.h"

namespace wasmfaas::api {
namespace {

// S3's limit on a key's length (storage/naming.h checks it).
constexpr size_t kMaxKeyBytes = 1024;

// `prefix` + `key` + `suffix`, with the key's hash standing for a key too
// long to fit.
std::string fitted_key(const std::string& prefix, std::string_view key, std::string_view suffix) {
  std::string whole = prefix + std::string(key) + std::string(suffix);
  if (whole.size() <= kMaxKeyBytes) return whole;
  return prefix + "sha256-" + sha256_hex(key) + std::string(suffix);
}

}  // namespace

Result<void> SystemBucket::check_user_bucket(std::string_view bucket) const {
  if (bucket == name_) {
    return make_error(ErrorCode::kInvalidArgument,
                      "bucket '" + name_ +
                          "' holds wasmfaas's own data (configs, aliases, pipelines) and cannot be "
                          "used as a bucket of functions; pick another name");
  }
  return {};
}

std::string SystemBucket::config_key(std::string_view bucket, std::string_view key,
                                     std::string_view version_id) {
  return fitted_key(configs_prefix(bucket), key, "/" + std::string(version_id));
}

std::string SystemBucket::aliases_key(std::string_view bucket, std::string_view key) {
  return fitted_key(aliases_prefix(bucket), key, "");
}

std::string SystemBucket::aliases_prefix(std::string_view bucket) {
  return "aliases/" + std::string(bucket) + "/";
}

std::string SystemBucket::configs_prefix(std::string_view bucket) {
  return "config/" + std::string(bucket) + "/";
}

std::string SystemBucket::pipeline_key(std::string_view bucket, std::string_view name) {
  return pipelines_prefix(bucket) + std::string(name);
}

std::string SystemBucket::pipelines_prefix(std::string_view bucket) {
  return "pipeline/" + std::string(bucket) + "/";
}

Result<void> SystemBucket::prepare(storage::ObjectStore& store) const {
  auto exists = store.bucket_exists(name_);
  if (!exists) return std::unexpected(exists.error());
  if (*exists) return {};
  auto created = store.create_bucket(name_);
  // Another node may have created it meanwhile.
  if (!created && created.error().code != ErrorCode::kAlreadyExists) return created;
  return {};
}

Result<storage::ObjectVersion> SystemBucket::put(storage::ObjectStore& store, std::string_view key,
                                                 std::span<const uint8_t> bytes) const {
  auto stored = store.put_object(name_, key, bytes);
  if (stored || stored.error().reason != reason::kBucketNotFound) return stored;
  if (auto prepared = prepare(store); !prepared) return std::unexpected(prepared.error());
  return store.put_object(name_, key, bytes);
}

Result<void> SystemBucket::remove(storage::ObjectStore& store, std::string_view key) const {
  auto versions = store.list_versions(name_, key);
  if (!versions) {
    if (versions.error().code == ErrorCode::kNotFound) return {};
    return std::unexpected(versions.error());
  }
  return delete_versions(store, name_, *versions);
}

Result<size_t> SystemBucket::remove_all(storage::ObjectStore& store,
                                        std::string_view prefix) const {
  auto versions = store.list_object_versions(name_, prefix);
  if (!versions) {
    if (versions.error().reason == reason::kBucketNotFound) return 0;
    return std::unexpected(versions.error());
  }
  if (auto deleted = delete_versions(store, name_, *versions); !deleted) {
    return std::unexpected(deleted.error());
  }
  return versions->size();
}

Result<void> delete_versions(storage::ObjectStore& store, std::string_view bucket,
                             const std::vector<storage::ObjectVersion>& versions) {
  for (const storage::ObjectVersion& version : versions) {
    auto deleted = store.delete_object_version(bucket, version.key, version.version_id);
    if (!deleted && deleted.error().code != ErrorCode::kNotFound) return deleted;
  }
  return {};
}

}  // namespace wasmfaas::api
