#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <wasmtime/error.hh>

#include "common/error.h"

namespace wasmfaas::runtime {

// The limits an invocation ran under, to name the one it exceeded.
struct EffectiveLimits {
  std::chrono::milliseconds timeout{};
  uint64_t memory_bytes = 0;
  uint64_t table_elements = 0;
  uint64_t fuel = 0;
};

// Turns a Wasmtime error into the project's Error: an epoch interrupt is
// kTimeout naming the time limit; a refused memory or table growth and
// exhausted fuel are kResourceExhausted naming theirs; a result that is not
// UTF-8 is kBadOutput; other traps are kTrap with their trap message;
// anything else keeps the first line of Wasmtime's message.
Error translate_call_error(const wasmtime::Error& error, const EffectiveLimits& limits);

// The one-line summary of a Wasmtime error message (its first line).
std::string first_line(const std::string& message);

}  // namespace wasmfaas::runtime
