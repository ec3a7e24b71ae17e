#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace wasmfaas {

// What kind of failure an Error is. Each kind maps to exactly one HTTP status
// in the API layer; nothing else decides status codes.
enum class ErrorCode {
  kInvalidArgument,   // the caller's input is malformed
  kNotFound,          // a bucket, function or version does not exist
  kAlreadyExists,     // creating something that is already there
  kConflict,          // the operation clashes with current state
  kInvalidComponent,  // bytes that are not a runnable faas-exec component
  kTrap,              // the guest trapped while running
  kTimeout,           // the guest or an operation ran out of time
  kResourceExhausted, // a limit was hit (memory, output size, queue)
  kUnavailable,       // a dependency (storage) cannot serve now
  kStorageRejected,   // the storage backend refused (access denied, bad signature)
  kBadOutput,         // the function's output is unusable (too large)
  kOverloaded,        // the worker pool's queue is full; retry later
  kThrottled,         // the function is at its own concurrency limit; retry later
  kPayloadTooLarge,   // a request body over its limit
  kHeadersTooLarge,   // request headers over their limit
  kLengthRequired,    // a body without a declared length where one is needed
  kUnsupportedMediaType,  // a body of a content type the route does not take
  kMethodNotAllowed,  // the route exists, not with this method
  kUnauthenticated,   // no credentials, or ones nobody issued
  kPermissionDenied,  // valid credentials that do not cover the request
  kQuotaExceeded,     // a bucket's stored data would pass its quota
  kInternal,          // a bug or an unexpected host failure (stays last)
};

// The default machine-readable name of a kind of failure (the "code" of an
// error body): stable snake_case, never renamed once published.
std::string_view to_string(ErrorCode code);

// Finer machine-readable names than the ErrorCode's own, for failures a
// client tells apart (which thing was not found, which limit was hit).
// Stable once published; every one is listed in all_error_names().
namespace reason {
inline constexpr std::string_view kRouteNotFound = "route_not_found";
inline constexpr std::string_view kBucketNotFound = "bucket_not_found";
inline constexpr std::string_view kFunctionNotFound = "function_not_found";
inline constexpr std::string_view kVersionNotFound = "version_not_found";
inline constexpr std::string_view kPipelineNotFound = "pipeline_not_found";
inline constexpr std::string_view kAliasNotFound = "alias_not_found";
inline constexpr std::string_view kBucketNotEmpty = "bucket_not_empty";
inline constexpr std::string_view kInvalidJson = "invalid_json";
inline constexpr std::string_view kInvalidConfig = "invalid_config";
inline constexpr std::string_view kUnknownQueryParameter = "unknown_query_parameter";
inline constexpr std::string_view kMemoryLimitExceeded = "memory_limit_exceeded";
inline constexpr std::string_view kTableLimitExceeded = "table_limit_exceeded";
inline constexpr std::string_view kFuelExhausted = "fuel_exhausted";
inline constexpr std::string_view kOutputTooLarge = "output_too_large";
inline constexpr std::string_view kInvalidUtf8Output = "invalid_utf8_output";
inline constexpr std::string_view kKeyNotFound = "key_not_found";
inline constexpr std::string_view kKeyValueQuotaExceeded = "kv_quota_exceeded";
inline constexpr std::string_view kKeyValueLimitExceeded = "kv_limit_exceeded";
inline constexpr std::string_view kJobNotFound = "job_not_found";
inline constexpr std::string_view kScheduleNotFound = "schedule_not_found";
inline constexpr std::string_view kShuttingDown = "shutting_down";
}  // namespace reason

// An expected failure, carried as a value. Cheap to move; not thread-bound.
struct Error {
  ErrorCode code;
  std::string message;
  // One of the reason:: names, or empty: the code's own name applies.
  std::string_view reason = {};
};

// The machine-readable name of `error`: its reason, else its code's name.
std::string_view error_name(const Error& error);

// Every name error_name() can return, for the API document and its test.
std::vector<std::string_view> all_error_names();

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> make_error(ErrorCode code, std::string message,
                                        std::string_view reason = {}) {
  return std::unexpected(Error{code, std::move(message), reason});
}

}  // namespace wasmfaas
