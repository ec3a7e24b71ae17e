#include "runtime/error_translation.h"

#include <string_view>

namespace wasmfaas::runtime {
namespace {

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// "64 MiB" for whole mebibytes, else bytes.
std::string describe_bytes(uint64_t bytes) {
  if (bytes % (1 << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

}  // namespace

std::string first_line(const std::string& message) {
  return message.substr(0, message.find('\n'));
}

Error translate_call_error(const wasmtime::Error& error, const EffectiveLimits& limits) {
  const std::string message = error.message();
  if (contains(message, "wasm trap: interrupt")) {
    return Error{ErrorCode::kTimeout, "function exceeded its time limit of " +
                                          std::to_string(limits.timeout.count()) + " ms"};
  }
  // The store's limiter traps on refused growth (trap_on_grow_failure).
  if (contains(message, "forcing trap when growing memory")) {
    return Error{ErrorCode::kResourceExhausted,
                 "function exceeded its memory limit of " + describe_bytes(limits.memory_bytes)};
  }
  if (contains(message, "forcing trap when growing table")) {
    return Error{ErrorCode::kResourceExhausted, "function exceeded its table limit of " +
                                                    std::to_string(limits.table_elements) +
                                                    " elements"};
  }
  if (contains(message, "all fuel consumed")) {
    return Error{ErrorCode::kResourceExhausted,
                 "function exceeded its fuel limit of " + std::to_string(limits.fuel)};
  }
  if (contains(message, "invalid utf-8") || contains(message, "invalid UTF-8")) {
    return Error{ErrorCode::kBadOutput,
                 "function returned a string that is not valid UTF-8: " + first_line(message)};
  }
  // Wasmtime reports a trap as a context chain whose root cause reads
  // "wasm trap: <what happened>"; keep that, without the backtrace.
  constexpr std::string_view kTrapMarker = "wasm trap: ";
  if (const size_t at = message.find(kTrapMarker); at != std::string::npos) {
    const size_t start = at + kTrapMarker.size();
    const size_t end = message.find('\n', start);
    return Error{ErrorCode::kTrap, message.substr(start, end - start)};
  }
  return Error{ErrorCode::kTrap, first_line(message)};
}

}  // namespace wasmfaas::runtime
