#include "api/function_versions.h"

#include "api/function_names.h"

namespace wasmfaas::api {

void FunctionVersions::changed(std::string_view bucket, std::string_view key) {
  forget(bucket, key);
  if (publisher_) publisher_(bucket, key);
}

void FunctionVersions::forget(std::string_view bucket, std::string_view key) {
  checked_.forget(function_name(bucket, key));
}

void FunctionVersions::forget_all() { checked_.forget_all(); }

Result<storage::ObjectVersion> FunctionVersions::resolve(
    std::string_view bucket, std::string_view key, const std::optional<std::string>& version_id) {
  if (version_id) return store_.head_object(bucket, key, version_id);
  auto version = checked_.get(function_name(bucket, key),
                              [&] { return store_.head_object(bucket, key, std::nullopt); });
  if (!version && version.error().code == ErrorCode::kNotFound) forget(bucket, key);
  return version;
}

}  // namespace wasmfaas::api
