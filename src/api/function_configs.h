#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/function_config.h"
#include "common/error.h"
#include "storage/object_store.h"

namespace wasmfaas::api {

// Where per-function configs live: one immutable object per function
// version, `.wasmfaas/config/<key>/<version id>`, beside the function in its
// bucket. Since a version's config never changes, this node caches it in
// memory for good: an exec of a cached version costs no store request for
// its config. A config change writes a new function version (same bytes)
// and that version's config, so every node sharing the store sees it with
// the HEAD it already makes. Thread-safe.
class FunctionConfigs {
 public:
  explicit FunctionConfigs(storage::ObjectStore& store) : store_(store) {}

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

 private:
  std::optional<std::optional<FunctionConfig>> cached(const std::string& cache_key);

  storage::ObjectStore& store_;
  std::mutex mutex_;
  // "bucket/key@version" -> its config (or none).
  std::unordered_map<std::string, std::optional<FunctionConfig>> cache_;
};

}  // namespace wasmfaas::api
