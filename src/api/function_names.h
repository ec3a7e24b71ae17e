#pragma once

#include <string>
#include <string_view>

namespace wasmfaas::api {

// "bucket/key": how a function is named in messages and logs, and the key
// of per-function maps.
inline std::string function_name(std::string_view bucket, std::string_view key) {
  std::string name;
  name.reserve(bucket.size() + 1 + key.size());
  name.append(bucket).append("/").append(key);
  return name;
}

}  // namespace wasmfaas::api
