#include "api/function_configs.h"

#include <chrono>
#include <cstdint>

#include "api/function_names.h"

namespace wasmfaas::api {
namespace {

// A version younger than this may still be getting its config written (a
// config change stores the function version first): "no config" is cached
// only for older versions.
constexpr std::chrono::seconds kConfigSettleTime{10};
// The cache is cleared when it grows past this many versions.
constexpr size_t kMaxCachedVersions = 8192;

std::string cache_key_of(std::string_view bucket, std::string_view key,
                         std::string_view version_id) {
  return function_name(bucket, key) + "@" + std::string(version_id);
}

// Stored configs were checked when written; read them back whatever this
// server's bounds are (the runtime clamps memory to the engine's anyway).
constexpr ConfigBounds kStoredBounds{UINT64_MAX, true};

}  // namespace

std::optional<std::optional<FunctionConfig>> FunctionConfigs::cached(const std::string& cache_key) {
  std::lock_guard lock(mutex_);
  if (const auto it = cache_.find(cache_key); it != cache_.end()) return it->second;
  return std::nullopt;
}

Result<std::optional<FunctionConfig>> FunctionConfigs::find(std::string_view bucket,
                                                            const storage::ObjectVersion& version) {
  const std::string cache_key = cache_key_of(bucket, version.key, version.version_id);
  if (auto known = cached(cache_key)) return *known;
  auto object = store_.get_object(
      system_.name(), SystemBucket::config_key(bucket, version.key, version.version_id),
      std::nullopt);
  if (!object) {
    // No such key, or no system bucket (deleted by hand): no config.
    if (object.error().code != ErrorCode::kNotFound) return std::unexpected(object.error());
    if (std::chrono::system_clock::now() - version.created >= kConfigSettleTime) {
      remember(bucket, version.key, version.version_id, std::nullopt);
    }
    return std::optional<FunctionConfig>();
  }
  const std::string_view text(reinterpret_cast<const char*>(object->data.data()),
                              object->data.size());
  auto config = parse_function_config(text, kStoredBounds);
  if (!config) {
    return make_error(ErrorCode::kInternal, "stored config of '" + version.key +
                                                "' is unreadable: " + config.error().message);
  }
  remember(bucket, version.key, version.version_id, *config);
  return std::optional<FunctionConfig>(std::move(*config));
}

Result<void> FunctionConfigs::save(std::string_view bucket, std::string_view key,
                                   std::string_view version_id, const FunctionConfig& config) {
  const std::string text = function_config_json(config);
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(text.data()), text.size());
  auto stored = system_.put(store_, SystemBucket::config_key(bucket, key, version_id), bytes);
  if (!stored) return std::unexpected(stored.error());
  remember(bucket, key, version_id, config);
  return {};
}

void FunctionConfigs::remember(std::string_view bucket, std::string_view key,
                               std::string_view version_id, std::optional<FunctionConfig> config) {
  std::lock_guard lock(mutex_);
  if (cache_.size() >= kMaxCachedVersions) cache_.clear();
  cache_[cache_key_of(bucket, key, version_id)] = std::move(config);
}

Result<void> FunctionConfigs::remove(std::string_view bucket, std::string_view key,
                                     std::string_view version_id) {
  {
    std::lock_guard lock(mutex_);
    cache_.erase(cache_key_of(bucket, key, version_id));
  }
  return system_.remove(store_, SystemBucket::config_key(bucket, key, version_id));
}

Result<void> FunctionConfigs::remove_bucket(std::string_view bucket) {
  {
    std::lock_guard lock(mutex_);
    const std::string prefix = std::string(bucket) + "/";
    std::erase_if(cache_, [&](const auto& entry) { return entry.first.starts_with(prefix); });
  }
  auto removed = system_.remove_all(store_, SystemBucket::configs_prefix(bucket));
  if (!removed) return std::unexpected(removed.error());
  return {};
}

}  // namespace wasmfaas::api
