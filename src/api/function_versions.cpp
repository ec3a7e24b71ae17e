#include "api/function_versions.h"

#include "api/function_names.h"

namespace wasmfaas::api {

void FunctionVersions::forget(std::string_view bucket, std::string_view key) {
  std::lock_guard lock(mutex_);
  checked_.erase(function_name(bucket, key));
}

Result<storage::ObjectVersion> FunctionVersions::resolve(
    std::string_view bucket, std::string_view key, const std::optional<std::string>& version_id) {
  if (version_id) return store_.head_object(bucket, key, version_id);
  const std::string name = function_name(bucket, key);
  const auto now = std::chrono::steady_clock::now();
  std::optional<CheckedVersion> known;
  {
    std::lock_guard lock(mutex_);
    if (const auto it = checked_.find(name); it != checked_.end()) known = it->second;
  }
  if (known && now - known->checked < freshness_window_) return known->version;
  auto version = store_.head_object(bucket, key, std::nullopt);
  if (version) {
    std::lock_guard lock(mutex_);
    checked_[name] = CheckedVersion{*version, now};
    return version;
  }
  if (version.error().code == ErrorCode::kUnavailable && known) return known->version;
  if (version.error().code == ErrorCode::kNotFound) forget(bucket, key);
  return version;
}

}  // namespace wasmfaas::api
