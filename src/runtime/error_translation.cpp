#include "runtime/error_translation.h"

#include <wasmfaas_capi.h>

#include <string_view>
#include <wasmtime/error.hh>

namespace wasmfaas::runtime {
namespace {

// "64 MiB" for whole mebibytes, else bytes.
std::string describe_bytes(uint64_t bytes) {
  if (bytes % (1 << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

// Wasmtime reports a trap as a context chain whose root cause reads
// "wasm trap: <what happened>"; that part, without the backtrace, else the
// first line.
std::string trap_description(const std::string& message) {
  constexpr std::string_view kTrapMarker = "wasm trap: ";
  if (const size_t at = message.find(kTrapMarker); at != std::string::npos) {
    const size_t start = at + kTrapMarker.size();
    const size_t end = message.find('\n', start);
    return message.substr(start, end - start);
  }
  return first_line(message);
}

}  // namespace

std::string first_line(const std::string& message) {
  return message.substr(0, message.find('\n'));
}

FailureKind failure_kind(const wasmtime::Error& error) {
  switch (wasmfaas_error_kind(error.capi())) {
    case WASMFAAS_ERROR_TRAP: return FailureKind::kTrap;
    case WASMFAAS_ERROR_INTERRUPT: return FailureKind::kInterrupt;
    case WASMFAAS_ERROR_OUT_OF_FUEL: return FailureKind::kOutOfFuel;
    case WASMFAAS_ERROR_MEMORY_LIMIT: return FailureKind::kMemoryLimit;
    case WASMFAAS_ERROR_TABLE_LIMIT: return FailureKind::kTableLimit;
    case WASMFAAS_ERROR_INVALID_STRING: return FailureKind::kInvalidString;
    case WASMFAAS_ERROR_OTHER: break;
  }
  return FailureKind::kOther;
}

Error classify_failure(FailureKind kind, const std::string& message,
                       const EffectiveLimits& limits) {
  switch (kind) {
    case FailureKind::kInterrupt:
      return Error{ErrorCode::kTimeout, "function exceeded its time limit of " +
                                            std::to_string(limits.timeout.count()) + " ms"};
    case FailureKind::kMemoryLimit:
      return Error{ErrorCode::kResourceExhausted,
                   "function exceeded its memory limit of " + describe_bytes(limits.memory_bytes),
                   reason::kMemoryLimitExceeded};
    case FailureKind::kTableLimit:
      return Error{ErrorCode::kResourceExhausted,
                   "function exceeded its table limit of " +
                       std::to_string(limits.table_elements) + " elements",
                   reason::kTableLimitExceeded};
    case FailureKind::kOutOfFuel:
      return Error{ErrorCode::kResourceExhausted,
                   "function exceeded its fuel limit of " + std::to_string(limits.fuel),
                   reason::kFuelExhausted};
    case FailureKind::kInvalidString:
      return Error{ErrorCode::kBadOutput,
                   "function returned a string that is not valid UTF-8: " + first_line(message),
                   reason::kInvalidUtf8Output};
    case FailureKind::kTrap:
    case FailureKind::kOther:
      break;
  }
  return Error{ErrorCode::kTrap, trap_description(message)};
}

Error translate_call_error(const wasmtime::Error& error, const EffectiveLimits& limits) {
  return classify_failure(failure_kind(error), error.message(), limits);
}

}  // namespace wasmfaas::runtime
