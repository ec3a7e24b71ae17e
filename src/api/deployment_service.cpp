#include "api/deployment_service.h"

#include <algorithm>

#include "api/bucket_contents.h"
#include "api/legacy_metadata.h"
#include "api/reserved_keys.h"
#include "api/store_errors.h"
#include "common/hash.h"

namespace wasmfaas::api {

DeploymentService::DeploymentService(storage::ObjectStore& store,
                                     cache::CompiledFunctions& compiled,
                                     FunctionVersions& versions, FunctionConfigs& configs,
                                     SystemBucket system, ConfigBounds config_bounds,
                                     keyvalue::KeyValueService* keyvalue)
    : store_(store),
      compiled_(compiled),
      versions_(versions),
      configs_(configs),
      system_(std::move(system)),
      config_bounds_(config_bounds),
      keyvalue_(keyvalue) {}

Result<void> DeploymentService::check_names(std::string_view bucket, std::string_view key) const {
  if (auto ok = system_.check_user_bucket(bucket); !ok) return ok;
  return check_function_key(key);
}

Error DeploymentService::function_error(std::string_view bucket, std::string_view key,
                                        const std::optional<std::string>& version_id,
                                        Error error) {
  return api::function_error(store_, bucket, key, version_id, std::move(error));
}

Result<void> DeploymentService::create_bucket(std::string_view bucket) {
  if (auto ok = system_.check_user_bucket(bucket); !ok) return ok;
  return store_.create_bucket(bucket);
}

Result<void> DeploymentService::delete_bucket(std::string_view bucket) {
  if (auto ok = system_.check_user_bucket(bucket); !ok) return ok;
  auto contents = count_bucket_contents(store_, system_, bucket);
  if (!contents) return std::unexpected(contents.error());
  if (!contents->empty()) return std::unexpected(bucket_not_empty(bucket, *contents));
  if (contents->legacy_metadata > 0) {
    if (auto moved = migrate_bucket_metadata(store_, system_, bucket); !moved) {
      return std::unexpected(moved.error());
    }
  }
  if (auto deleted = store_.delete_bucket(bucket); !deleted) {
    if (deleted.error().code != ErrorCode::kConflict) {
      return std::unexpected(bucket_error(bucket, deleted.error()));
    }
    // Something was stored since it was counted: count again.
    auto now = count_bucket_contents(store_, system_, bucket);
    if (!now) return std::unexpected(now.error());
    return std::unexpected(bucket_not_empty(bucket, *now));
  }
  auto removed = configs_.remove_bucket(bucket);
  if (!removed) return removed;
  // Versions of pipelines deleted by hand, should any be left.
  auto leftovers = system_.remove_all(store_, SystemBucket::pipelines_prefix(bucket));
  if (!leftovers) return std::unexpected(leftovers.error());
  // A bucket created later under the same name starts without data.
  if (keyvalue_) return keyvalue_->remove_bucket(bucket);
  return {};
}

Result<void> DeploymentService::require_bucket(std::string_view bucket) {
  if (auto ok = system_.check_user_bucket(bucket); !ok) return ok;
  auto exists = store_.bucket_exists(bucket);
  if (!exists) return std::unexpected(bucket_error(bucket, exists.error()));
  if (!*exists) return std::unexpected(bucket_not_found(bucket));
  return {};
}

Result<std::vector<std::string>> DeploymentService::list_buckets() {
  auto buckets = store_.list_buckets();
  if (buckets) std::erase(*buckets, system_.name());
  return buckets;
}

Result<std::vector<storage::ObjectVersion>> DeploymentService::list_bucket(
    std::string_view bucket) {
  if (auto ok = system_.check_user_bucket(bucket); !ok) return std::unexpected(ok.error());
  auto objects = store_.list_objects(bucket);
  if (!objects) return std::unexpected(bucket_error(bucket, objects.error()));
  std::erase_if(*objects, [](const auto& object) { return is_reserved_key(object.key); });
  return objects;
}

Result<void> DeploymentService::check_storage() {
  auto exists = store_.bucket_exists(system_.name());
  if (!exists) return std::unexpected(exists.error());
  return {};
}

Result<storage::ObjectVersion> DeploymentService::upload(std::string_view bucket,
                                                         std::string_view key,
                                                         std::span<const uint8_t> bytes) {
  if (auto ok = check_names(bucket, key); !ok) return std::unexpected(ok.error());
  // Refuse early what the store would refuse, before spending a compile.
  auto exists = store_.bucket_exists(bucket);
  if (!exists) return std::unexpected(exists.error());
  if (!*exists) {
    Error error = bucket_not_found(bucket);
    error.message += "; create it first with PUT /bucket/" + std::string(bucket);
    return std::unexpected(std::move(error));
  }
  auto compiled = compiled_.compile(sha256_hex(bytes), bytes);
  if (!compiled) return std::unexpected(compiled.error());
  // A re-upload keeps the function's config: the new version gets a copy.
  std::optional<FunctionConfig> config;
  if (auto previous = store_.head_object(bucket, key, std::nullopt); previous) {
    auto found = configs_.find(bucket, *previous);
    if (!found) return std::unexpected(found.error());
    config = std::move(*found);
  } else if (previous.error().code != ErrorCode::kNotFound) {
    return std::unexpected(previous.error());
  }
  auto stored = store_.put_object(bucket, key, bytes);
  versions_.changed(bucket, key);
  if (!stored) return std::unexpected(function_error(bucket, key, std::nullopt, stored.error()));
  if (config) {
    if (auto saved = configs_.save(bucket, key, stored->version_id, *config); !saved) {
      return std::unexpected(saved.error());
    }
  } else {
    configs_.remember(bucket, key, stored->version_id, std::nullopt);
  }
  return stored;
}

Result<storage::ObjectVersion> DeploymentService::put_config(std::string_view bucket,
                                                             std::string_view key,
                                                             std::string_view config_json) {
  if (auto ok = check_names(bucket, key); !ok) return std::unexpected(ok.error());
  auto config = parse_function_config(config_json, config_bounds_);
  if (!config) return std::unexpected(config.error());
  auto current = store_.head_object(bucket, key, std::nullopt);
  if (!current) return std::unexpected(function_error(bucket, key, std::nullopt, current.error()));
  auto existing = configs_.find(bucket, *current);
  if (!existing) return std::unexpected(existing.error());
  if (function_config_json(existing->value_or(FunctionConfig{})) ==
      function_config_json(*config)) {
    return current;  // unchanged: no new version
  }
  auto object = store_.get_object(bucket, key, current->version_id);
  if (!object) {
    return std::unexpected(function_error(bucket, key, std::nullopt, object.error()));
  }
  // The same bytes as a new version: its SHA-256 is unchanged, so the
  // compiled code cached for it serves the new version too.
  auto stored = store_.put_object(bucket, key, object->data);
  versions_.changed(bucket, key);
  if (!stored) return stored;
  if (auto saved = configs_.save(bucket, key, stored->version_id, *config); !saved) {
    return std::unexpected(saved.error());
  }
  return stored;
}

Result<FunctionConfig> DeploymentService::get_config(std::string_view bucket,
                                                     std::string_view key) {
  if (auto ok = check_names(bucket, key); !ok) return std::unexpected(ok.error());
  auto version = store_.head_object(bucket, key, std::nullopt);
  if (!version) return std::unexpected(function_error(bucket, key, std::nullopt, version.error()));
  auto config = configs_.find(bucket, *version);
  if (!config) return std::unexpected(config.error());
  return config->value_or(FunctionConfig{});
}

Result<storage::Object> DeploymentService::download(std::string_view bucket,
                                                    std::string_view key,
                                                    const std::optional<std::string>& version_id) {
  if (auto ok = check_names(bucket, key); !ok) return std::unexpected(ok.error());
  auto object = store_.get_object(bucket, key, version_id);
  if (!object) return std::unexpected(function_error(bucket, key, version_id, object.error()));
  return object;
}

Result<void> DeploymentService::delete_file(std::string_view bucket, std::string_view key,
                                            const std::optional<std::string>& version_id) {
  if (auto ok = check_names(bucket, key); !ok) return ok;
  auto deleted = version_id ? store_.delete_object_version(bucket, key, *version_id)
                            : store_.delete_object(bucket, key);
  // After the delete: a node told earlier could read the old version again.
  versions_.changed(bucket, key);
  if (!deleted) return std::unexpected(function_error(bucket, key, version_id, deleted.error()));
  if (version_id) return configs_.remove(bucket, key, *version_id);
  return {};
}

Result<std::vector<storage::ObjectVersion>> DeploymentService::versions(std::string_view bucket,
                                                                        std::string_view key) {
  if (auto ok = check_names(bucket, key); !ok) return std::unexpected(ok.error());
  auto versions = store_.list_versions(bucket, key);
  if (!versions) {
    return std::unexpected(function_error(bucket, key, std::nullopt, versions.error()));
  }
  return versions;
}

Result<void> DeploymentService::function_exists(std::string_view bucket, std::string_view key) {
  if (auto ok = check_names(bucket, key); !ok) return ok;
  auto versions = store_.list_versions(bucket, key);
  if (!versions) {
    return std::unexpected(function_error(bucket, key, std::nullopt, versions.error()));
  }
  return {};
}

}  // namespace wasmfaas::api
