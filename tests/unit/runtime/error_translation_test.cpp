// A failure's code and reason come from its kind (read from the error's
// type), never from the words of Wasmtime's message.
#include "runtime/error_translation.h"

#include <gtest/gtest.h>

namespace wasmfaas::runtime {
namespace {

const EffectiveLimits kLimits{std::chrono::milliseconds(250), 16 << 20, 1000, 5000};

// Messages that name some other failure than the kind says.
const std::string kMisleading[] = {
    "wasm trap: interrupt",
    "all fuel consumed by WebAssembly",
    "forcing trap when growing memory to 65536 bytes",
    "forcing trap when growing table to 10 elements",
    "invalid utf-8 sequence of 1 bytes from index 0",
    "",
};

TEST(ErrorTranslationTest, TheKindAloneDecidesCodeAndReason) {
  for (const std::string& message : kMisleading) {
    SCOPED_TRACE(message);
    Error timeout = classify_failure(FailureKind::kInterrupt, message, kLimits);
    EXPECT_EQ(timeout.code, ErrorCode::kTimeout);
    EXPECT_EQ(timeout.reason, std::string_view());
    EXPECT_EQ(timeout.message, "function exceeded its time limit of 250 ms");

    Error memory = classify_failure(FailureKind::kMemoryLimit, message, kLimits);
    EXPECT_EQ(memory.code, ErrorCode::kResourceExhausted);
    EXPECT_EQ(memory.reason, reason::kMemoryLimitExceeded);
    EXPECT_EQ(memory.message, "function exceeded its memory limit of 16 MiB");

    Error table = classify_failure(FailureKind::kTableLimit, message, kLimits);
    EXPECT_EQ(table.code, ErrorCode::kResourceExhausted);
    EXPECT_EQ(table.reason, reason::kTableLimitExceeded);
    EXPECT_EQ(table.message, "function exceeded its table limit of 1000 elements");

    Error fuel = classify_failure(FailureKind::kOutOfFuel, message, kLimits);
    EXPECT_EQ(fuel.code, ErrorCode::kResourceExhausted);
    EXPECT_EQ(fuel.reason, reason::kFuelExhausted);
    EXPECT_EQ(fuel.message, "function exceeded its fuel limit of 5000");

    Error utf8 = classify_failure(FailureKind::kInvalidString, message, kLimits);
    EXPECT_EQ(utf8.code, ErrorCode::kBadOutput);
    EXPECT_EQ(utf8.reason, reason::kInvalidUtf8Output);
    EXPECT_TRUE(utf8.message.starts_with("function returned a string that is not valid UTF-8"));

    for (FailureKind other : {FailureKind::kTrap, FailureKind::kOther}) {
      Error trap = classify_failure(other, message, kLimits);
      EXPECT_EQ(trap.code, ErrorCode::kTrap);
      EXPECT_EQ(trap.reason, std::string_view());
    }
  }
}

TEST(ErrorTranslationTest, ATrapKeepsWasmtimesDescriptionWithoutTheBacktrace) {
  const std::string message =
      "error while executing at wasm backtrace:\n    0:   0x2a - <unknown>!exec\n\n"
      "Caused by:\n    wasm trap: integer divide by zero\n";
  const Error trap = classify_failure(FailureKind::kTrap, message, kLimits);
  EXPECT_EQ(trap.code, ErrorCode::kTrap);
  EXPECT_EQ(trap.message, "integer divide by zero");
  EXPECT_EQ(classify_failure(FailureKind::kOther, "cannot link\nmore", kLimits).message,
            "cannot link");
}

}  // namespace
}  // namespace wasmfaas::runtime
