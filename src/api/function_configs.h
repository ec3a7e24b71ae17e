#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/function_config.h"
#include "api/system_bucket.h"
#include "common/error.h"
#include "storage/object_store.h"

namespace wasmfaas::api {

// Where per-function configs live: one immutable object per function
// version in the system bucket, `config/<bucket>/<key>/<version id>`. Since
// a version's config never changes, this node caches it in memory for good:
// an exec of a cached version costs no store request for its config. A
// config change writes a new function version (same bytes) and that
// version's config, so every node sharing the store sees it with the HEAD it
// already makes. Shared by DeploymentService (which writes) and
// ExecutionService (which reads). Thread-safe.
class FunctionConfigs {
 public:
  FunctionConfigs(storage::ObjectStore& store, SystemBucket system)
      : store_(store), system_(std::move(system)) {}

  // The config of `version` (of a function in `bucket`); nullopt if it has
  // none.
  Result<std::optional<FunctionConfig>> find(std::string_view bucket,
                                             const storage::ObjectVersion& version);

  // Writes the config of a version and remembers it.
  Result<void> save(std::string_view bucket, std::string_view key, std::string_view version_id,
                    const FunctionConfig& config);

  // Remembers what this node knows of a version it has just written.
  void remember(std::string_view bucket, std::string_view key, std::string_view version_id,
                std::optional<FunctionConfig> config);

  // Deletes the config of a version deleted for good (none is no error).
  Result<void> remove(std::string_view bucket, std::string_view key, std::string_view version_id);
  // Deletes every config of a deleted bucket's functions.
  Result<void> remove_bucket(std::string_view bucket);

 private:
  std::optional<std::optional<FunctionConfig>> cached(const std::string& cache_key);

  storage::ObjectStore& store_;
  const SystemBucket system_;
  std::mutex mutex_;
  // "bucket/key@version" -> its config (or none).
  std::unordered_map<std::string, std::optional<FunctionConfig>> cache_;
};

}  // namespace wasmfaas::api
