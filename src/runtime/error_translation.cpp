#include "runtime/error_translation.h"

#include <string_view>

namespace wasmfaas::runtime {

std::string first_line(const std::string& message) {
  return message.substr(0, message.find('\n'));
}

Error translate_call_error(const wasmtime::Error& error, std::chrono::milliseconds timeout) {
  const std::string message = error.message();
  if (message.find("wasm trap: interrupt") != std::string::npos) {
    return Error{ErrorCode::kTimeout, "function exceeded its time limit of " +
                                          std::to_string(timeout.count()) + " ms"};
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
