#pragma once

#include <string_view>

#include "common/error.h"
#include "keyvalue/keyvalue_limits.h"

namespace wasmfaas::keyvalue {

// A store name: 1 to 64 of [A-Za-z0-9_-] (a function config grants stores
// by these names, the admin API has them in its paths).
Result<void> validate_store_name(std::string_view name);

// A key: 1 to limits.max_key_bytes bytes of UTF-8 without NUL.
Result<void> validate_key(std::string_view key, const KeyValueLimits& limits);

}  // namespace wasmfaas::keyvalue
