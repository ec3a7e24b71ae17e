#pragma once

#include <string>
#include <string_view>

#include "common/error.h"

namespace wasmfaas::api {

// Older releases kept wasmfaas's metadata (per-function configs,
// pipelines) inside users' buckets, under ".wasmfaas/". It now lives in the
// system bucket (api/system_bucket.h) and is moved there at start
// (api/legacy_metadata.h). The prefix stays refused as a function key, so
// that no node's migration can take a user's function for metadata.
inline constexpr std::string_view kReservedPrefix = ".wasmfaas/";

inline bool is_reserved_key(std::string_view key) { return key.starts_with(kReservedPrefix); }

// kInvalidArgument for keys under the reserved prefix.
inline Result<void> check_function_key(std::string_view key) {
  if (is_reserved_key(key)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "keys under '" + std::string(kReservedPrefix) + "' are reserved");
  }
  return {};
}

}  // namespace wasmfaas::api
