#include "common/error.h"

namespace wasmfaas {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kAlreadyExists: return "already_exists";
    case ErrorCode::kConflict: return "conflict";
    case ErrorCode::kInvalidComponent: return "invalid_component";
    case ErrorCode::kTrap: return "function_trapped";
    case ErrorCode::kTimeout: return "time_limit_exceeded";
    case ErrorCode::kResourceExhausted: return "resource_limit_exceeded";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kStorageRejected: return "storage_rejected";
    case ErrorCode::kBadOutput: return "bad_output";
    case ErrorCode::kOverloaded: return "overloaded";
    case ErrorCode::kThrottled: return "throttled";
    case ErrorCode::kPayloadTooLarge: return "payload_too_large";
    case ErrorCode::kHeadersTooLarge: return "headers_too_large";
    case ErrorCode::kLengthRequired: return "length_required";
    case ErrorCode::kUnsupportedMediaType: return "unsupported_media_type";
    case ErrorCode::kMethodNotAllowed: return "method_not_allowed";
    case ErrorCode::kUnauthenticated: return "unauthenticated";
    case ErrorCode::kPermissionDenied: return "permission_denied";
    case ErrorCode::kQuotaExceeded: return "quota_exceeded";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

std::string_view error_name(const Error& error) {
  return error.reason.empty() ? to_string(error.code) : error.reason;
}

std::vector<std::string_view> all_error_names() {
  std::vector<std::string_view> names;
  for (int code = 0; code <= static_cast<int>(ErrorCode::kInternal); ++code) {
    names.push_back(to_string(static_cast<ErrorCode>(code)));
  }
  for (std::string_view name :
       {reason::kRouteNotFound, reason::kBucketNotFound, reason::kFunctionNotFound,
        reason::kVersionNotFound, reason::kPipelineNotFound, reason::kBucketNotEmpty,
        reason::kInvalidJson, reason::kInvalidConfig, reason::kUnknownQueryParameter,
        reason::kMemoryLimitExceeded, reason::kTableLimitExceeded, reason::kFuelExhausted,
        reason::kOutputTooLarge, reason::kInvalidUtf8Output, reason::kKeyNotFound,
        reason::kKeyValueQuotaExceeded, reason::kKeyValueLimitExceeded, reason::kJobNotFound,
        reason::kScheduleNotFound, reason::kShuttingDown, reason::kAliasNotFound}) {
    names.push_back(name);
  }
  return names;
}

}  // namespace wasmfaas
