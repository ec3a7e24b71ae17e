// The outcome label of an execution comes from its error's code and reason,
// never from the words of its message.
#include <gtest/gtest.h>

#include "api/exec_reporter.h"

namespace wasmfaas::api {
namespace {

TEST(ExecOutcomeTest, ResourceLimitsAreToldApartByReason) {
  // A memory limit whose message happens to say "fuel" is still memory...
  EXPECT_EQ(exec_outcome(Error{ErrorCode::kResourceExhausted,
                               "function exceeded its memory limit (fuel left: 12)",
                               reason::kMemoryLimitExceeded}),
            "memory");
  // ...and fuel is fuel whatever its message says.
  EXPECT_EQ(exec_outcome(Error{ErrorCode::kResourceExhausted, "limit hit",
                               reason::kFuelExhausted}),
            "fuel");
  EXPECT_EQ(exec_outcome(Error{ErrorCode::kResourceExhausted, "table full of fuel",
                               reason::kTableLimitExceeded}),
            "memory");
}

TEST(ExecOutcomeTest, OtherOutcomesFollowTheCode) {
  EXPECT_EQ(exec_outcome(std::nullopt), "ok");
  EXPECT_EQ(exec_outcome(Error{ErrorCode::kTrap, "fuel"}), "trap");
  EXPECT_EQ(exec_outcome(Error{ErrorCode::kTimeout, "memory"}), "timeout");
  EXPECT_EQ(exec_outcome(Error{ErrorCode::kBadOutput, "x", reason::kInvalidUtf8Output}),
            "bad_output");
  EXPECT_EQ(exec_outcome(Error{ErrorCode::kThrottled, "x"}), "throttled");
  EXPECT_EQ(exec_outcome(Error{ErrorCode::kNotFound, "fuel"}), "error");
}

}  // namespace
}  // namespace wasmfaas::api
