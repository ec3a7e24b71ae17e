#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wasmfaas::api {

// Keys under ".wasmfaas/" hold what wasmfaas keeps beside a bucket's
// functions (pipelines, per-function config). They are not functions: they
// are hidden from listings and refused as upload, exec and download keys.
inline constexpr std::string_view kReservedPrefix = ".wasmfaas/";

inline bool is_reserved_key(std::string_view key) { return key.starts_with(kReservedPrefix); }

inline std::string pipeline_key(std::string_view name) {
  return std::string(kReservedPrefix) + "pipelines/" + std::string(name);
}

inline std::optional<std::string> pipeline_name_of(std::string_view key) {
  const std::string prefix = std::string(kReservedPrefix) + "pipelines/";
  if (!key.starts_with(prefix)) return std::nullopt;
  return std::string(key.substr(prefix.size()));
}

inline std::string function_config_key(std::string_view function_key) {
  return std::string(kReservedPrefix) + "config/" + std::string(function_key);
}

}  // namespace wasmfaas::api
