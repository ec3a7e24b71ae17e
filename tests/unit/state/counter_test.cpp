#include "state/counter.h"

#include <gtest/gtest.h>

#include <limits>

namespace wasmfaas::state {
namespace {

TEST(StateCounterTest, ParsesOnlyDecimalInt64) {
  EXPECT_EQ(parse_counter("0"), 0);
  EXPECT_EQ(parse_counter("42"), 42);
  EXPECT_EQ(parse_counter("-7"), -7);
  EXPECT_EQ(parse_counter("-0"), 0);
  EXPECT_EQ(parse_counter("007"), 7);
  EXPECT_EQ(parse_counter("9223372036854775807"), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(parse_counter("-9223372036854775808"), std::numeric_limits<int64_t>::min());
  for (const char* text :
       {"", "-", "+1", " 1", "1 ", "1.0", "1e3", "0x1", "abc", "9223372036854775808"}) {
    EXPECT_EQ(parse_counter(text), std::nullopt) << "'" << text << "'";
  }
}

TEST(StateCounterTest, IncrementsOrExplains) {
  EXPECT_EQ(incremented_counter(std::nullopt, 5).value(), 5);
  EXPECT_EQ(incremented_counter("10", -11).value(), -1);
  auto not_integer = incremented_counter("ten", 1);
  ASSERT_FALSE(not_integer.has_value());
  EXPECT_EQ(not_integer.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(not_integer.error().message.find("not a decimal integer"), std::string::npos);
  auto overflow = incremented_counter("9223372036854775807", 1);
  ASSERT_FALSE(overflow.has_value());
  EXPECT_EQ(overflow.error().message,
            "cannot increment: 9223372036854775807 + 1 is outside the 64-bit integer range");
  auto stored_too_big = incremented_counter(std::string(100, '9'), -1);
  ASSERT_FALSE(stored_too_big.has_value());
  EXPECT_NE(stored_too_big.error().message.find("64-bit"), std::string::npos);
  EXPECT_LT(stored_too_big.error().message.size(), 120u);  // long values are cut
}

}  // namespace
}  // namespace wasmfaas::state
