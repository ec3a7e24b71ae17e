#pragma once

#include <expected>
#include <string>
#include <string_view>

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
  kInternal,          // a bug or an unexpected host failure
};

std::string_view to_string(ErrorCode code);

// An expected failure, carried as a value. Cheap to move; not thread-bound.
struct Error {
  ErrorCode code;
  std::string message;
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> make_error(ErrorCode code, std::string message) {
  return std::unexpected(Error{code, std::move(message)});
}

}  // namespace wasmfaas
