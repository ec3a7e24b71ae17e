#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"
#include "storage/object_store.h"

namespace wasmfaas::api {

// The store speaks of objects; the API of functions, versions and buckets.
// These put a store's errors in the API's words with the matching reason;
// errors other than kNotFound pass unchanged.

// "bucket 'b' does not exist" (reason bucket_not_found).
Error bucket_not_found(std::string_view bucket);

// A kNotFound from an operation on bucket `bucket` itself.
Error bucket_error(std::string_view bucket, Error error);

// A kNotFound from an operation on function `key` (its version
// `version_id`, when given): "bucket 'b' does not exist", "no function 'k'
// in bucket 'b'" (function_not_found) or "function 'k' in bucket 'b' has no
// version 'v'" (version_not_found). When the store cannot tell a missing
// bucket from a missing key (an S3 HEAD answers 404 without a body), one
// bucket_exists request does; only on this error path.
Error function_error(storage::ObjectStore& store, std::string_view bucket, std::string_view key,
                     const std::optional<std::string>& version_id, Error error);

}  // namespace wasmfaas::api
