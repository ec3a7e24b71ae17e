#include "api/store_errors.h"

namespace wasmfaas::api {

Error bucket_not_found(std::string_view bucket) {
  return Error{ErrorCode::kNotFound, "bucket '" + std::string(bucket) + "' does not exist",
               reason::kBucketNotFound};
}

Error bucket_error(std::string_view bucket, Error error) {
  if (error.code != ErrorCode::kNotFound) return error;
  return bucket_not_found(bucket);
}

Error function_error(storage::ObjectStore& store, std::string_view bucket, std::string_view key,
                     const std::optional<std::string>& version_id, Error error) {
  if (error.code != ErrorCode::kNotFound) return error;
  if (error.reason == reason::kBucketNotFound) return bucket_not_found(bucket);
  if (auto exists = store.bucket_exists(bucket); exists && !*exists) {
    return bucket_not_found(bucket);
  }
  if (version_id) {
    return Error{ErrorCode::kNotFound,
                 "function '" + std::string(key) + "' in bucket '" + std::string(bucket) +
                     "' has no version '" + *version_id + "'",
                 reason::kVersionNotFound};
  }
  return Error{ErrorCode::kNotFound,
               "no function '" + std::string(key) + "' in bucket '" + std::string(bucket) + "'",
               reason::kFunctionNotFound};
}

}  // namespace wasmfaas::api
