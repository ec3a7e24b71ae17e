#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "storage/object_store.h"

namespace wasmfaas::api {

// wasmfaas's own bucket in the store, beside the users' buckets: the
// per-function configs and the pipelines. Users' buckets hold nothing but
// functions, so an S3 client listing one sees only those and an emptied
// bucket can be deleted; every node sharing the store (S3) shares it too.
//
//   config/<bucket>/<key>/<version id>   a function version's config (a key
//                                        too long to fit: sha256-<its hash>)
//   pipeline/<bucket>/<name>             a stored pipeline
//   aliases/<bucket>/<key>               a function's aliases, one JSON
//                                        object (a key too long: as above)
//
// Never listed to users, and refused as a user bucket by every service. A
// plain value (its name), copied freely.
class SystemBucket {
 public:
  static constexpr std::string_view kDefaultName = "wasmfaas-system";

  explicit SystemBucket(std::string name = std::string(kDefaultName)) : name_(std::move(name)) {}

  const std::string& name() const { return name_; }

  // kInvalidArgument when `bucket` is this one.
  Result<void> check_user_bucket(std::string_view bucket) const;

  static std::string config_key(std::string_view bucket, std::string_view key,
                                std::string_view version_id);
  static std::string configs_prefix(std::string_view bucket);
  static std::string aliases_key(std::string_view bucket, std::string_view key);
  static std::string aliases_prefix(std::string_view bucket);
  static std::string pipeline_key(std::string_view bucket, std::string_view name);
  static std::string pipelines_prefix(std::string_view bucket);

  // Creates the bucket unless it exists.
  Result<void> prepare(storage::ObjectStore& store) const;
  // Writes `key` in the bucket, creating the bucket first should it be
  // missing (deleted by hand since the start).
  Result<storage::ObjectVersion> put(storage::ObjectStore& store, std::string_view key,
                                     std::span<const uint8_t> bytes) const;
  // Deletes every version of `key` for good; none is no error.
  Result<void> remove(storage::ObjectStore& store, std::string_view key) const;
  // Deletes every version of every key under `prefix` for good. Versions
  // already gone (another node deleting them too) are no error.
  Result<size_t> remove_all(storage::ObjectStore& store, std::string_view prefix) const;

 private:
  std::string name_;
};

// Deletes every given version for good; those already gone are no error.
Result<void> delete_versions(storage::ObjectStore& store, std::string_view bucket,
                             const std::vector<storage::ObjectVersion>& versions);

}  // namespace wasmfaas::api
