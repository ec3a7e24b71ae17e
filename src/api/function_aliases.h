#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "api/function_alias.h"
#include "api/system_bucket.h"
#include "api/trusted_cache.h"
#include "common/error.h"
#include "storage/object_store.h"

namespace wasmfaas::api {

// Where functions' aliases live: one JSON object per function in the system
// bucket, `aliases/<bucket>/<key>` ({"aliases":[...]}, sorted by name). An
// exec of an alias reads them as this node last read them within the same
// bounds as FunctionVersions (the freshness window, or the notified window
// while change notices from every node arrive), else from the store. What
// this node changes it forgets at once and tells the other nodes through
// the publisher (the same notices as function changes), so they forget
// them too. When the store is unreachable, the aliases last read keep
// being served. Writes on one node are serialized; two nodes writing one
// function's aliases at the same moment may lose one of the writes (the
// last stored wins). Shared by DeploymentService (which changes) and
// ExecutionService (which resolves). Thread-safe.
class FunctionAliases {
 public:
  using Publisher = std::function<void(std::string_view bucket, std::string_view key)>;

  FunctionAliases(storage::ObjectStore& store, SystemBucket system,
                  std::chrono::milliseconds freshness_window)
      : store_(store), system_(std::move(system)), checked_(freshness_window) {}

  // The function's aliases sorted by name (none: empty), within the
  // trusted window.
  Result<std::vector<FunctionAlias>> list(std::string_view bucket, std::string_view key);
  // The alias `name`; kNotFound (reason alias_not_found) when there is none.
  Result<FunctionAlias> find(std::string_view bucket, std::string_view key, std::string_view name);

  // Reads the function's aliases from the store, lets `change` edit them and
  // stores the result (none left: deletes the object), under this node's
  // write lock; then forgets and publishes. An error of `change` stores
  // nothing and is returned.
  using Change = std::function<Result<void>(std::vector<FunctionAlias>& aliases)>;
  Result<void> update(std::string_view bucket, std::string_view key, const Change& change);
  // Deletes the aliases of every function of a deleted bucket.
  Result<void> remove_bucket(std::string_view bucket);

  // The function's aliases as the store says now (not the cache).
  Result<std::vector<FunctionAlias>> read(std::string_view bucket, std::string_view key);

  // Drops what this node knows of the function's aliases.
  void forget(std::string_view bucket, std::string_view key);
  void forget_all();
  // As FunctionVersions: set once before serving / when notices start or stop.
  void set_publisher(Publisher publisher) { publisher_ = std::move(publisher); }
  void set_notified(bool live, std::chrono::milliseconds notified_window) {
    checked_.set_notified(live, notified_window);
  }

 private:
  storage::ObjectStore& store_;
  const SystemBucket system_;
  Publisher publisher_;
  std::mutex write_mutex_;  // serializes update()
  TrustedCache<std::vector<FunctionAlias>> checked_;
};

}  // namespace wasmfaas::api
