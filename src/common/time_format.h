#pragma once

#include <chrono>
#include <string>

namespace wasmfaas {

// RFC 3339 in UTC with millisecond precision, e.g. 2026-11-25T06:27:53.123Z.
std::string format_rfc3339(std::chrono::system_clock::time_point time);

}  // namespace wasmfaas
