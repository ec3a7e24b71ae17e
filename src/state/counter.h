#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"

namespace wasmfaas::state {

// Counters: values that increment() treats as integers. A counter is stored
// as decimal ASCII ("42", "-7"): an optional '-' and at least one digit,
// nothing else. The PostgreSQL functions (postgres_migrations.cpp) follow
// the same rules.

// The integer `text` holds, or nullopt when it is not a decimal int64.
std::optional<int64_t> parse_counter(std::string_view text);

// `current` (nullopt: a missing key, 0) plus `delta`; kInvalidArgument when
// `current` is not a counter or the sum leaves int64.
Result<int64_t> incremented_counter(const std::optional<std::string>& current, int64_t delta);

Error not_a_counter_error();
Error counter_overflow_error(std::string_view current, int64_t delta);

}  // namespace wasmfaas::state
