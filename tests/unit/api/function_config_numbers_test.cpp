// Numbers in a function config: JSON has one number type, so 300.0 is the
// integer 300 (as JSON Schema, and so the API document, counts it).
#include <gtest/gtest.h>

#include "api/function_config.h"

namespace wasmfaas::api {
namespace {

TEST(FunctionConfigNumbersTest, IntegralRealsAreIntegers) {
  auto config = parse_function_config(R"({"max_concurrency":300.0,"timeout_ms":1500.0})", {});
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->max_concurrency, 300u);
  EXPECT_EQ(config->timeout, std::chrono::milliseconds(1500));
}

TEST(FunctionConfigNumbersTest, FractionsNegativesAndHugeNumbersAreRefused) {
  for (const char* text : {R"({"max_concurrency":2.5})", R"({"max_concurrency":-1})",
                           R"({"max_concurrency":-1.0})", R"({"max_concurrency":1e300})",
                           R"({"max_concurrency":"3"})"}) {
    auto config = parse_function_config(text, {});
    ASSERT_FALSE(config) << text;
    EXPECT_EQ(config.error().code, ErrorCode::kInvalidArgument) << text;
    EXPECT_NE(config.error().message.find("max_concurrency"), std::string::npos) << text;
  }
}

TEST(FunctionConfigNumbersTest, ReuseMaxCallsRoundTrips) {
  auto config = parse_function_config(R"({"reuse":{"max_calls":10000}})", {});
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->reuse_max_calls, 10000u);
  auto again = parse_function_config(function_config_json(*config), {});
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->reuse_max_calls, 10000u);
  auto off = parse_function_config("{}", {});
  ASSERT_TRUE(off);
  EXPECT_FALSE(off->reuse_max_calls.has_value());
  EXPECT_EQ(function_config_json(*off).find("reuse"), std::string::npos);
}

}  // namespace
}  // namespace wasmfaas::api
