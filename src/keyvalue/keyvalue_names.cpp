#include "keyvalue/keyvalue_names.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "common/utf8.h"

namespace wasmfaas::keyvalue {

Result<void> validate_store_name(std::string_view name) {
  const bool valid = !name.empty() && name.size() <= 64 &&
                     std::all_of(name.begin(), name.end(), [](char c) {
                       return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
                     });
  if (!valid) {
    return make_error(ErrorCode::kInvalidArgument,
                      "bad key-value store name '" + std::string(name.substr(0, 80)) +
                          "': 1 to 64 letters, digits, '_' or '-'");
  }
  return {};
}

Result<void> validate_key(std::string_view key, const KeyValueLimits& limits) {
  if (key.empty()) return make_error(ErrorCode::kInvalidArgument, "the key is empty");
  if (key.size() > limits.max_key_bytes) {
    return make_error(ErrorCode::kInvalidArgument,
                      "key of " + std::to_string(key.size()) + " bytes exceeds the limit of " +
                          std::to_string(limits.max_key_bytes) + " bytes",
                      reason::kKeyValueLimitExceeded);
  }
  if (!is_valid_utf8(key) || key.find('\0') != std::string_view::npos) {
    return make_error(ErrorCode::kInvalidArgument, "the key is not UTF-8 text without NUL");
  }
  return {};
}

}  // namespace wasmfaas::keyvalue
