#include "api/function_versions.h"

#include <algorithm>

#include "api/function_names.h"

namespace wasmfaas::api {

void FunctionVersions::changed(std::string_view bucket, std::string_view key) {
  forget(bucket, key);
  if (publisher_) publisher_(bucket, key);
}

void FunctionVersions::forget(std::string_view bucket, std::string_view key) {
  std::lock_guard lock(mutex_);
  checked_.erase(function_name(bucket, key));
  ++forgets_;
}

void FunctionVersions::forget_all() {
  std::lock_guard lock(mutex_);
  forget_all_locked();
}

void FunctionVersions::forget_all_locked() {
  checked_.clear();
  ++forgets_;
}

void FunctionVersions::set_notified(bool live, std::chrono::milliseconds notified_window) {
  std::lock_guard lock(mutex_);
  if (live) forget_all_locked();
  trusted_for_ = live ? std::max(notified_window, freshness_window_) : freshness_window_;
}

Result<storage::ObjectVersion> FunctionVersions::resolve(
    std::string_view bucket, std::string_view key, const std::optional<std::string>& version_id) {
  if (version_id) return store_.head_object(bucket, key, version_id);
  const std::string name = function_name(bucket, key);
  const auto now = std::chrono::steady_clock::now();
  std::optional<CheckedVersion> known;
  uint64_t forgets_before = 0;
  {
    std::lock_guard lock(mutex_);
    if (const auto it = checked_.find(name); it != checked_.end()) known = it->second;
    if (known && now - known->checked < trusted_for_) return known->version;
    forgets_before = forgets_;
  }
  auto version = store_.head_object(bucket, key, std::nullopt);
  if (version) {
    std::lock_guard lock(mutex_);
    if (forgets_ == forgets_before) checked_[name] = CheckedVersion{*version, now};
    return version;
  }
  if (version.error().code == ErrorCode::kUnavailable && known) return known->version;
  if (version.error().code == ErrorCode::kNotFound) forget(bucket, key);
  return version;
}

}  // namespace wasmfaas::api
