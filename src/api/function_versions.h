#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "api/trusted_cache.h"
#include "common/error.h"
#include "storage/object_store.h"

namespace wasmfaas::api {

// Which version of a function an exec runs: a pinned one, or the current
// one as this node last saw it (within the freshness window) or as the
// store says now. What this node changes itself (uploads, config changes,
// deletes) it forgets at once, so its next exec asks the store, and it
// tells the other nodes through the change publisher when there is one.
// While told that changes from every node reach it (notifications live),
// it trusts what it knows for the longer notified window instead. When the
// store is unreachable, the version last seen keeps being served, so
// functions already compiled here keep running through an outage.
// Shared by DeploymentService (which changes) and ExecutionService (which
// resolves); neither knows the other. Thread-safe.
class FunctionVersions {
 public:
  // Tells the other nodes that a function changed.
  using Publisher = std::function<void(std::string_view bucket, std::string_view key)>;

  // `freshness_window` 0 asks the store on every resolve, so a re-upload
  // through any node is seen by the next exec on every node.
  FunctionVersions(storage::ObjectStore& store, std::chrono::milliseconds freshness_window)
      : store_(store), checked_(freshness_window) {}

  // The version to run; the store's errors as it gives them.
  Result<storage::ObjectVersion> resolve(std::string_view bucket, std::string_view key,
                                         const std::optional<std::string>& version_id);

  // This node changed the function: forgets it and publishes the change.
  void changed(std::string_view bucket, std::string_view key);
  // Drops what this node knows of the function's current version.
  void forget(std::string_view bucket, std::string_view key);
  // Drops what this node knows of every function.
  void forget_all();

  // Set once, before serving: where changed() publishes.
  void set_publisher(Publisher publisher) { publisher_ = std::move(publisher); }
  // Whether every node's changes reach this one now; while they do, a
  // version is trusted for `notified_window` (at least the freshness
  // window). Going live forgets everything: changes may have been missed.
  void set_notified(bool live, std::chrono::milliseconds notified_window) {
    checked_.set_notified(live, notified_window);
  }

 private:
  storage::ObjectStore& store_;
  Publisher publisher_;
  TrustedCache<storage::ObjectVersion> checked_;  // current versions
};

}  // namespace wasmfaas::api
