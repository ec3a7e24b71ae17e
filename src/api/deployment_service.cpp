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
                                     FunctionAliases& aliases, SystemBucket system,
                                     ConfigBounds config_bounds,
                                     keyvalue::KeyValueService* keyvalue)
    : store_(store),
      compiled_(compiled),
      versions_(versions),
      configs_(configs),
      aliases_(aliases),
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
  if (auto aliases = aliases_.remove_bucket(bucket); !aliases) return aliases;
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
  return store_version(bucket, key, bytes, config);
}

Result<storage::ObjectVersion> DeploymentService::store_version(
    std::string_view bucket, std::string_view key, std::span<const uint8_t> bytes,
    const std::optional<FunctionConfig>& config) {
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
  return store_version(bucket, key, object->data, *config);
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
  if (version_id) {
    auto aliases = aliases_.read(bucket, key);
    if (!aliases) return std::unexpected(aliases.error());
    for (const FunctionAlias& alias : *aliases) {
      if (alias.version_id == *version_id ||
          (alias.canary && alias.canary->version_id == *version_id)) {
        return make_error(ErrorCode::kConflict,
                          "version '" + *version_id + "' of '" + std::string(key) +
                              "' is in use by alias '" + alias.name +
                              "'; point the alias elsewhere or delete it first");
      }
    }
  }
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

Result<std::vector<FunctionAlias>> DeploymentService::list_aliases(std::string_view bucket,
                                                                   std::string_view key) {
  if (auto exists = function_exists(bucket, key); !exists) return std::unexpected(exists.error());
  return aliases_.read(bucket, key);
}

Result<FunctionAlias> DeploymentService::set_alias(std::string_view bucket, std::string_view key,
                                                   std::string_view name,
                                                   std::string_view body_json) {
  if (auto ok = check_names(bucket, key); !ok) return std::unexpected(ok.error());
  auto alias = parse_alias(name, body_json);
  if (!alias) return std::unexpected(alias.error());
  if (auto exists = function_exists(bucket, key); !exists) return std::unexpected(exists.error());
  for (const std::string* version_id :
       {&alias->version_id, alias->canary ? &alias->canary->version_id : nullptr}) {
    if (!version_id) continue;
    auto exists = store_.head_object(bucket, key, *version_id);
    if (!exists) return std::unexpected(function_error(bucket, key, *version_id, exists.error()));
  }
  auto updated = aliases_.update(bucket, key, [&](std::vector<FunctionAlias>& aliases) {
    std::erase_if(aliases, [&](const FunctionAlias& other) { return other.name == alias->name; });
    aliases.push_back(*alias);
    return Result<void>();
  });
  if (!updated) return std::unexpected(updated.error());
  return alias;
}

Result<void> DeploymentService::delete_alias(std::string_view bucket, std::string_view key,
                                             std::string_view name) {
  if (auto ok = check_names(bucket, key); !ok) return ok;
  if (auto valid = validate_alias_name(name); !valid) return valid;
  return aliases_.update(bucket, key, [&](std::vector<FunctionAlias>& aliases) -> Result<void> {
    if (std::erase_if(aliases, [&](const FunctionAlias& alias) { return alias.name == name; }) ==
        0) {
      return make_error(ErrorCode::kNotFound,
                        "function '" + std::string(key) + "' in bucket '" + std::string(bucket) +
                            "' has no alias '" + std::string(name) + "'",
                        reason::kAliasNotFound);
    }
    return {};
  });
}

Result<DeploymentService::Rollback> DeploymentService::rollback(
    std::string_view bucket, std::string_view key, const std::optional<std::string>& to) {
  if (auto ok = check_names(bucket, key); !ok) return std::unexpected(ok.error());
  auto current = store_.head_object(bucket, key, std::nullopt);
  if (!current) return std::unexpected(function_error(bucket, key, std::nullopt, current.error()));
  auto history = versions(bucket, key);  // newest first
  if (!history) return std::unexpected(history.error());
  const auto is = [](std::string_view id) {
    return [id](const storage::ObjectVersion& version) { return version.version_id == id; };
  };
  auto target = history->end();
  if (to) {
    target = std::find_if(history->begin(), history->end(), is(*to));
    if (target == history->end()) {
      return std::unexpected(function_error(
          bucket, key, *to, Error{ErrorCode::kNotFound, "no such version"}));
    }
    if (target->version_id == current->version_id) {
      return make_error(ErrorCode::kConflict, "version '" + *to + "' of '" + std::string(key) +
                                                  "' is already the current one");
    }
  } else {
    const auto now = std::find_if(history->begin(), history->end(), is(current->version_id));
    if (now != history->end()) target = std::next(now);
    if (target == history->end()) {
      return make_error(ErrorCode::kConflict, "function '" + std::string(key) + "' in bucket '" +
                                                  std::string(bucket) +
                                                  "' has no version before the current one");
    }
  }
  auto object = store_.get_object(bucket, key, target->version_id);
  if (!object) {
    return std::unexpected(function_error(bucket, key, target->version_id, object.error()));
  }
  auto config = configs_.find(bucket, *target);
  if (!config) return std::unexpected(config.error());
  auto stored = store_version(bucket, key, object->data, *config);
  if (!stored) return std::unexpected(stored.error());
  return Rollback{std::move(*stored), target->version_id};
}

}  // namespace wasmfaas::api
