#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/function_alias.h"
#include "api/function_aliases.h"
#include "api/function_config.h"
#include "api/function_configs.h"
#include "api/function_versions.h"
#include "api/system_bucket.h"
#include "cache/compiled_functions.h"
#include "common/error.h"
#include "keyvalue/keyvalue_service.h"
#include "storage/object_store.h"

namespace wasmfaas::api {

// What is deployed, free of HTTP: buckets, functions and their versions,
// per-function configs, aliases and rollbacks. Uploads are validated (and compiled, so the first
// exec does not compile) before anything is stored. Every change of a
// function makes this node's FunctionVersions forget it, so the next exec
// here sees it at once. Errors are in the API's words (function, version,
// bucket; api/store_errors.h). The system bucket is refused everywhere.
// Thread-safe; one instance serves all workers.
class DeploymentService {
 public:
  DeploymentService(storage::ObjectStore& store, cache::CompiledFunctions& compiled,
                    FunctionVersions& versions, FunctionConfigs& configs,
                    FunctionAliases& aliases, SystemBucket system, ConfigBounds config_bounds,
                    keyvalue::KeyValueService* keyvalue = nullptr);

  Result<void> create_bucket(std::string_view bucket);
  // kConflict (reason bucket_not_empty) while it holds functions, hidden
  // versions or pipelines, counted in the message; otherwise deletes it and
  // the configs of its former functions and its key-value stores.
  Result<void> delete_bucket(std::string_view bucket);
  // kNotFound (reason bucket_not_found) unless `bucket` is a user's bucket
  // that exists.
  Result<void> require_bucket(std::string_view bucket);
  // The users' buckets (not the system bucket), sorted.
  Result<std::vector<std::string>> list_buckets();
  // The bucket's functions: the current version of each, by key.
  Result<std::vector<storage::ObjectVersion>> list_bucket(std::string_view bucket);

  // kInvalidComponent (nothing stored) unless `bytes` is a faas-exec
  // component. The new version keeps the function's config.
  Result<storage::ObjectVersion> upload(std::string_view bucket, std::string_view key,
                                        std::span<const uint8_t> bytes);
  Result<storage::Object> download(std::string_view bucket, std::string_view key,
                                   const std::optional<std::string>& version_id);
  // Hides the function, or with a version id deletes that version (and its
  // config) for good: kConflict naming the alias while an alias points to
  // it. Hiding the function keeps its aliases.
  Result<void> delete_file(std::string_view bucket, std::string_view key,
                           const std::optional<std::string>& version_id);
  // Every stored version, newest first.
  Result<std::vector<storage::ObjectVersion>> versions(std::string_view bucket,
                                                       std::string_view key);
  // Whether the function has any stored version, current or hidden (its
  // invocation log may have records): kNotFound with reason
  // function_not_found or bucket_not_found otherwise.
  Result<void> function_exists(std::string_view bucket, std::string_view key);

  // Validates `config_json` and makes it the whole config of the function
  // (fields it leaves out take the server's defaults): writes a new version
  // of the function (same bytes, so its compiled code is reused) with that
  // config, which every node sees at its next exec. A config equal to the
  // current one changes nothing and returns the current version.
  // kInvalidArgument with reason invalid_json or invalid_config (naming the
  // field); kNotFound without the function.
  Result<storage::ObjectVersion> put_config(std::string_view bucket, std::string_view key,
                                            std::string_view config_json);
  // The config of the function's current version (empty if it has none).
  Result<FunctionConfig> get_config(std::string_view bucket, std::string_view key);

  // The function's aliases, sorted by name (as stored now, not cached);
  // kNotFound without any stored version of the function.
  Result<std::vector<FunctionAlias>> list_aliases(std::string_view bucket, std::string_view key);
  // Validates `body_json` (api/function_alias.h) and makes it alias `name`
  // of the function, replacing any alias of that name. kNotFound (reason
  // version_not_found) when a version it names does not exist.
  Result<FunctionAlias> set_alias(std::string_view bucket, std::string_view key,
                                  std::string_view name, std::string_view body_json);
  // kNotFound (reason alias_not_found) when there is no such alias.
  Result<void> delete_alias(std::string_view bucket, std::string_view key, std::string_view name);

  // Makes the bytes and config of version `to` (default: the version
  // before the current one) current again as a new version, keeping the
  // history. kConflict when there is no earlier version or `to` is the
  // current one; kNotFound for an unknown function or version.
  struct Rollback {
    storage::ObjectVersion version;  // the new one
    std::string from;                // the version rolled back to
  };
  Result<Rollback> rollback(std::string_view bucket, std::string_view key,
                            const std::optional<std::string>& to);

  // Whether the store answers (for /readyz): kUnavailable when it does not.
  Result<void> check_storage();

 private:
  // The system bucket and reserved keys are refused.
  Result<void> check_names(std::string_view bucket, std::string_view key) const;
  // Stores `bytes` as the function's new version with `config` (none: no
  // config), and tells FunctionVersions.
  Result<storage::ObjectVersion> store_version(std::string_view bucket, std::string_view key,
                                               std::span<const uint8_t> bytes,
                                               const std::optional<FunctionConfig>& config);
  Error function_error(std::string_view bucket, std::string_view key,
                       const std::optional<std::string>& version_id, Error error);

  storage::ObjectStore& store_;
  cache::CompiledFunctions& compiled_;
  FunctionVersions& versions_;
  FunctionConfigs& configs_;
  FunctionAliases& aliases_;
  const SystemBucket system_;
  const ConfigBounds config_bounds_;
  keyvalue::KeyValueService* const keyvalue_;
};

}  // namespace wasmfaas::api
