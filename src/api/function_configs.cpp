#include "api/function_configs.h"

#include <chrono>
#include <cstdint>

#include "api/reserved_keys.h"

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
  return std::string(bucket) + "/" + std::string(key) + "@" + std::string(version_id);
}

std::string object_key_of(std::string_view key, std::string_view version_id) {
  return function_config_key(key) + "/" + std::string(version_id);
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
  auto object = store_.get_object(bucket, object_key_of(version.key, version.version_id),
                                  std::nullopt);
  if (!object) {
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
    return make_error(ErrorCode::kInternal, "stored config of '" + version.key + "' is unreadable: " +
                                                config.error().message);
  }
  remember(bucket, version.key, version.version_id, *config);
  return std::optional<FunctionConfig>(std::move(*config));
}

Result<void> FunctionConfigs::save(std::string_view bucket, std::string_view key,
                                   std::string_view version_id, const FunctionConfig& config) {
  const std::string text = function_config_json(config);
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(text.data()), text.size());
  auto stored = store_.put_object(bucket, object_key_of(key, version_id), bytes);
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

}  // namespace wasmfaas::api
