// ExecutionService: what an exec tells its caller and the invocation log
// when it fails after its version was resolved (timeout, trap, bad output),
// and that requests for missing functions are not reported.
#include "api/execution_service.h"

#include <gtest/gtest.h>

#include "api/invocation_log.h"
#include "support/test_services.h"
#include "support/test_store.h"

namespace wasmfaas::api {
namespace {

using testing::StoreKind;
using testing::TestServices;
using testing::TestStore;

class ExecutionServiceTest : public ::testing::Test {
 protected:
  static ExecutionOptions options(InvocationLog& log) {
    ExecutionOptions options;
    options.invocation.timeout = std::chrono::milliseconds(200);
    options.reporting.log = &log;
    return options;
  }

  void SetUp() override { ASSERT_TRUE(services_.deployments().create_bucket("box").has_value()); }

  InvocationLog log_{10, 10};
  TestStore store_{StoreKind::kLocal};
  // This node trusts what it saw for an hour: only its own changes make it
  // ask the store again.
  TestServices services_{*store_, options(log_), std::chrono::hours(1)};
};

TEST_F(ExecutionServiceTest, ATimeoutNamesTheVersionThatRanAndTheLogRecordsIt) {
  const auto stored = services_.deploy("box", "loop", "fixture_infinite_loop");
  const Execution execution =
      services_.execution().exec("box", "loop", std::nullopt, "x", {"request-1", std::nullopt});
  ASSERT_FALSE(execution.output.has_value());
  EXPECT_EQ(execution.output.error().code, ErrorCode::kTimeout);
  EXPECT_EQ(execution.version_id, stored.version_id);
  EXPECT_GT(execution.timings.exec.count(), 0);
  const auto records = log_.recent("box", "loop", 10);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].request_id, "request-1");
  EXPECT_EQ(records[0].version_id, stored.version_id);
  EXPECT_EQ(records[0].error_code, ErrorCode::kTimeout);
}

TEST_F(ExecutionServiceTest, TrapsAndBadOutputNameTheVersionToo) {
  const auto trap = services_.deploy("box", "trap", "fixture_trap");
  const auto bad = services_.deploy("box", "bad", "fixture_invalid_utf8_output");
  const Execution trapped = services_.execution().exec("box", "trap", std::nullopt, "x");
  EXPECT_EQ(trapped.output.error().code, ErrorCode::kTrap);
  EXPECT_EQ(trapped.version_id, trap.version_id);
  const Execution unusable = services_.execution().exec("box", "bad", std::nullopt, "x");
  EXPECT_EQ(unusable.output.error().code, ErrorCode::kBadOutput);
  EXPECT_EQ(unusable.version_id, bad.version_id);
  EXPECT_EQ(log_.recent("box", "trap", 10).at(0).version_id, trap.version_id);
  EXPECT_EQ(log_.recent("box", "bad", 10).at(0).version_id, bad.version_id);
}

TEST_F(ExecutionServiceTest, MissingFunctionsResolveNoVersionAndAreNotReported) {
  const Execution missing = services_.execution().exec("box", "nope", std::nullopt, "x");
  EXPECT_EQ(missing.output.error().reason, reason::kFunctionNotFound);
  EXPECT_TRUE(missing.version_id.empty());
  EXPECT_TRUE(log_.recent("box", "nope", 10).empty());
  services_.deploy("box", "hello", "hello");
  const Execution pinned =
      services_.execution().exec("box", "hello", "0123456789abcdef", R"({"name":"x"})");
  EXPECT_EQ(pinned.output.error().reason, reason::kVersionNotFound);
  EXPECT_EQ(services_.execution().exec("nobucket", "hello", std::nullopt, "").output.error().reason,
            reason::kBucketNotFound);
}

TEST_F(ExecutionServiceTest, ChangesThroughDeploymentsAreSeenByTheNextExec) {
  services_.deploy("box", "f", "hello");
  EXPECT_EQ(*services_.execution().exec("box", "f", std::nullopt, R"({"name":"A"})").output,
            R"({"result":"Hello A, how are you?"})");
  const auto echo = services_.deploy("box", "f", "fixture_echo");
  const Execution after = services_.execution().exec("box", "f", std::nullopt, "same");
  EXPECT_EQ(*after.output, "same");
  EXPECT_EQ(after.version_id, echo.version_id);
  const auto configured =
      services_.deployments().put_config("box", "f", R"({"timeout_ms":1000})").value();
  EXPECT_EQ(services_.execution().exec("box", "f", std::nullopt, "x").version_id,
            configured.version_id);
  ASSERT_TRUE(services_.deployments().delete_file("box", "f", std::nullopt).has_value());
  EXPECT_EQ(services_.execution().exec("box", "f", std::nullopt, "x").output.error().reason,
            reason::kFunctionNotFound);
}

}  // namespace
}  // namespace wasmfaas::api
