#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/error.h"
#include "storage/object_store.h"

namespace wasmfaas::api {

// Which version of a function an exec runs: a pinned one, or the current
// one as this node last saw it (within the freshness window) or as the
// store says now. What this node wrote itself (uploads, config changes,
// deletes) it forgets at once, so its next exec asks the store. When the
// store is unreachable, the version last seen keeps being served, so
// functions already compiled here keep running through an outage.
// Shared by DeploymentService (which forgets) and ExecutionService (which
// resolves); neither knows the other. Thread-safe.
class FunctionVersions {
 public:
  // `freshness_window` 0 asks the store on every resolve, so a re-upload
  // through any node is seen by the next exec on every node.
  FunctionVersions(storage::ObjectStore& store, std::chrono::milliseconds freshness_window)
      : store_(store), freshness_window_(freshness_window) {}

  // The version to run; the store's errors as it gives them.
  Result<storage::ObjectVersion> resolve(std::string_view bucket, std::string_view key,
                                         const std::optional<std::string>& version_id);

  // Drops what this node knows of the function's current version.
  void forget(std::string_view bucket, std::string_view key);

 private:
  struct CheckedVersion {
    storage::ObjectVersion version;
    std::chrono::steady_clock::time_point checked;
  };

  storage::ObjectStore& store_;
  const std::chrono::milliseconds freshness_window_;
  std::mutex mutex_;
  std::unordered_map<std::string, CheckedVersion> checked_;  // by "bucket/key"
};

}  // namespace wasmfaas::api
