#include "common/error.h"

namespace wasmfaas {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kAlreadyExists: return "already_exists";
    case ErrorCode::kConflict: return "conflict";
    case ErrorCode::kInvalidComponent: return "invalid_component";
    case ErrorCode::kTrap: return "trap";
    case ErrorCode::kTimeout: return "timeout";
    case ErrorCode::kResourceExhausted: return "resource_exhausted";
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
    case ErrorCode::kInternal: return "internal";
  }
  return "unknown";
}

}  // namespace wasmfaas
