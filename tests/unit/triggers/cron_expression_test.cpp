// Parsing: each syntax element as the set of values it gives, and the errors.
#include "triggers/cron_expression.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

#include "triggers/cron_field.h"

namespace wasmfaas::triggers {
namespace {

uint64_t bits(std::initializer_list<int> values) {
  uint64_t result = 0;
  for (int value : values) result |= uint64_t{1} << value;
  return result;
}

uint64_t bit_range(int first, int last, int step = 1) {
  uint64_t result = 0;
  for (int value = first; value <= last; value += step) result |= uint64_t{1} << value;
  return result;
}

uint64_t values_of(std::string_view text, CronFieldKind kind) {
  auto field = parse_cron_field(text, kind);
  EXPECT_TRUE(field.has_value()) << text << ": " << (field ? "" : field.error().message);
  return field ? field->values : 0;
}

TEST(CronField, Wildcard) {
  auto field = parse_cron_field("*", CronFieldKind::kMinute);
  ASSERT_TRUE(field.has_value());
  EXPECT_EQ(field->values, bit_range(0, 59));
  EXPECT_TRUE(field->has_wildcard);
  EXPECT_EQ(values_of("*", CronFieldKind::kHour), bit_range(0, 23));
  EXPECT_EQ(values_of("*", CronFieldKind::kDayOfMonth), bit_range(1, 31));
  EXPECT_EQ(values_of("*", CronFieldKind::kMonth), bit_range(1, 12));
  EXPECT_EQ(values_of("*", CronFieldKind::kDayOfWeek), bit_range(0, 6));
  EXPECT_EQ(values_of("*", CronFieldKind::kSecond), bit_range(0, 59));
}

TEST(CronField, ValuesListsAndRanges) {
  EXPECT_EQ(values_of("5", CronFieldKind::kMinute), bits({5}));
  EXPECT_EQ(values_of("05", CronFieldKind::kMinute), bits({5}));
  EXPECT_EQ(values_of("0,15,45", CronFieldKind::kMinute), bits({0, 15, 45}));
  EXPECT_EQ(values_of("1-5", CronFieldKind::kHour), bit_range(1, 5));
  EXPECT_EQ(values_of("1-3,10-12,20", CronFieldKind::kHour),
            bit_range(1, 3) | bit_range(10, 12) | bits({20}));
  EXPECT_EQ(values_of("5-5", CronFieldKind::kMinute), bits({5}));
  EXPECT_EQ(values_of("3,1-4", CronFieldKind::kDayOfMonth), bit_range(1, 4));
  EXPECT_EQ(values_of("31", CronFieldKind::kDayOfMonth), bits({31}));
  EXPECT_EQ(values_of("59", CronFieldKind::kSecond), bits({59}));
}

TEST(CronField, Steps) {
  EXPECT_EQ(values_of("*/5", CronFieldKind::kMinute), bit_range(0, 59, 5));
  EXPECT_EQ(values_of("1-30/2", CronFieldKind::kMinute), bit_range(1, 30, 2));
  EXPECT_EQ(values_of("5/15", CronFieldKind::kMinute), bits({5, 20, 35, 50}));
  EXPECT_EQ(values_of("59/15", CronFieldKind::kMinute), bits({59}));
  EXPECT_EQ(values_of("*/7", CronFieldKind::kHour), bits({0, 7, 14, 21}));
  EXPECT_EQ(values_of("*/10", CronFieldKind::kDayOfMonth), bits({1, 11, 21, 31}));
  EXPECT_EQ(values_of("2/5", CronFieldKind::kMonth), bits({2, 7, 12}));
  EXPECT_EQ(values_of("*/90", CronFieldKind::kMinute), bits({0}));
  EXPECT_EQ(values_of("10-20/100", CronFieldKind::kMinute), bits({10}));
  auto stepped = parse_cron_field("*/1", CronFieldKind::kDayOfMonth);
  ASSERT_TRUE(stepped.has_value());
  EXPECT_FALSE(stepped->has_wildcard);  // only a bare * counts
}

TEST(CronField, MonthNames) {
  EXPECT_EQ(values_of("JAN", CronFieldKind::kMonth), bits({1}));
  EXPECT_EQ(values_of("dec", CronFieldKind::kMonth), bits({12}));
  EXPECT_EQ(values_of("Mar-May", CronFieldKind::kMonth), bit_range(3, 5));
  EXPECT_EQ(values_of("jan-DEC/3", CronFieldKind::kMonth), bits({1, 4, 7, 10}));
  EXPECT_EQ(values_of("FEB/4", CronFieldKind::kMonth), bits({2, 6, 10}));
  EXPECT_EQ(values_of("JUN,1,aug", CronFieldKind::kMonth), bits({1, 6, 8}));
}

TEST(CronField, DaysOfWeekWithSundayAsZeroAndSeven) {
  EXPECT_EQ(values_of("0", CronFieldKind::kDayOfWeek), bits({0}));
  EXPECT_EQ(values_of("7", CronFieldKind::kDayOfWeek), bits({0}));
  EXPECT_EQ(values_of("SUN", CronFieldKind::kDayOfWeek), bits({0}));
  EXPECT_EQ(values_of("mon-FRI", CronFieldKind::kDayOfWeek), bit_range(1, 5));
  EXPECT_EQ(values_of("5-7", CronFieldKind::kDayOfWeek), bits({0, 5, 6}));
  EXPECT_EQ(values_of("FRI-SUN", CronFieldKind::kDayOfWeek), bits({0, 5, 6}));
  EXPECT_EQ(values_of("SUN-TUE", CronFieldKind::kDayOfWeek), bits({0, 1, 2}));
  EXPECT_EQ(values_of("0-7", CronFieldKind::kDayOfWeek), bit_range(0, 6));
  EXPECT_EQ(values_of("MON-SUN/2", CronFieldKind::kDayOfWeek), bits({0, 1, 3, 5}));
  EXPECT_EQ(values_of("*/2", CronFieldKind::kDayOfWeek), bits({0, 2, 4, 6}));
  EXPECT_EQ(values_of("TUE/2", CronFieldKind::kDayOfWeek), bits({2, 4, 6}));
  EXPECT_EQ(values_of("sat,Sun", CronFieldKind::kDayOfWeek), bits({0, 6}));
}

TEST(CronField, QuestionMarkIsAWildcardForDays) {
  for (CronFieldKind kind : {CronFieldKind::kDayOfMonth, CronFieldKind::kDayOfWeek}) {
    auto field = parse_cron_field("?", kind);
    ASSERT_TRUE(field.has_value());
    EXPECT_TRUE(field->has_wildcard);
  }
  EXPECT_FALSE(parse_cron_field("?", CronFieldKind::kHour).has_value());
  EXPECT_FALSE(parse_cron_field("?,1", CronFieldKind::kDayOfMonth).has_value());
}

// The error names the field and the element, and says what is wrong.
void expect_parse_error(std::string_view expression, std::initializer_list<std::string> parts) {
  auto parsed = CronExpression::parse(expression);
  ASSERT_FALSE(parsed.has_value()) << expression;
  EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
  for (const std::string& part : parts) {
    EXPECT_NE(parsed.error().message.find(part), std::string::npos)
        << expression << " -> " << parsed.error().message << " lacks " << part;
  }
}

TEST(CronExpressionParse, FieldCount) {
  expect_parse_error("", {"empty"});
  expect_parse_error("   ", {"empty"});
  expect_parse_error("* * * *", {"4 fields", "expected 5"});
  expect_parse_error("* * * * * * *", {"7 fields"});
  expect_parse_error("0 0 1 1 * 2030", {"day-of-week", "2030"});  // no year field
}

TEST(CronExpressionParse, ValuesOutOfRange) {
  expect_parse_error("60 * * * *", {"minute field '60'", "outside 0-59"});
  expect_parse_error("* 24 * * *", {"hour field '24'", "outside 0-23"});
  expect_parse_error("* * 0 * *", {"day-of-month field '0'", "outside 1-31"});
  expect_parse_error("* * 32 * *", {"day-of-month field '32'"});
  expect_parse_error("* * * 13 *", {"month field '13'", "outside 1-12"});
  expect_parse_error("* * * 0 *", {"month field '0'"});
  expect_parse_error("* * * * 8", {"day-of-week field '8'", "outside 0-7"});
  expect_parse_error("60 * * * * *", {"second field '60'"});
  expect_parse_error("0 0-99999999999 * * *", {"hour field '0-99999999999'"});
}

TEST(CronExpressionParse, BadElements) {
  expect_parse_error("a * * * *", {"minute field 'a'", "'a' is not a number"});
  expect_parse_error("1,,2 * * * *", {"minute field '1,,2'", "empty"});
  expect_parse_error("1, * * * *", {"minute field '1,'", "empty"});
  expect_parse_error("-5 * * * *", {"minute field '-5'", "missing"});
  expect_parse_error("1-2-3 * * * *", {"minute field '1-2-3'"});
  expect_parse_error("*-5 * * * *", {"minute field '*-5'"});
  expect_parse_error("+5 * * * *", {"minute field '+5'"});
  expect_parse_error("5.0 * * * *", {"minute field '5.0'"});
  expect_parse_error("* * * JANUARY *", {"month field 'JANUARY'", "unknown month"});
  expect_parse_error("* * * * MON-FRX", {"day-of-week field 'MON-FRX'", "unknown day 'FRX'"});
  expect_parse_error("* * MON * *", {"day-of-month field 'MON'"});
  expect_parse_error("* * * MON *", {"month field 'MON'"});
  expect_parse_error("* * * * JAN", {"day-of-week field 'JAN'"});
  expect_parse_error("? * * * *", {"minute field '?'", "only allowed"});
}

TEST(CronExpressionParse, BadRangesAndSteps) {
  expect_parse_error("50-10 * * * *", {"minute field '50-10'", "backwards"});
  expect_parse_error("* * * NOV-FEB *", {"month field 'NOV-FEB'", "backwards"});
  expect_parse_error("* * * * 7-1", {"day-of-week field '7-1'", "backwards"});
  expect_parse_error("*/0 * * * *", {"minute field '*/0'", "step '0' must be at least 1"});
  expect_parse_error("*/ * * * *", {"minute field '*/'", "step ''"});
  expect_parse_error("*/x * * * *", {"minute field '*/x'", "step 'x'"});
  expect_parse_error("1/2/3 * * * *", {"minute field '1/2/3'"});
  expect_parse_error("*/-1 * * * *", {"minute field '*/-1'"});
  expect_parse_error("*/99999999999 * * * *", {"step '99999999999' is too large"});
  expect_parse_error("* * * * 7/2", {"day-of-week field '7/2'", "start at 6 or below"});
}

TEST(CronExpressionParse, QuartzExtensionsAreRejected) {
  expect_parse_error("0 0 L * *", {"day-of-month field 'L'", "not supported"});
  expect_parse_error("0 0 15W * *", {"day-of-month field '15W'", "not supported"});
  expect_parse_error("0 0 LW * *", {"day-of-month field 'LW'", "not supported"});
  expect_parse_error("0 0 * * 5L", {"day-of-week field '5L'", "not supported"});
  expect_parse_error("0 0 * * MON#2", {"day-of-week field 'MON#2'", "not supported"});
  expect_parse_error("0 0 * * 1#2", {"day-of-week field '1#2'", "not supported"});
  expect_parse_error("H * * * *", {"minute field 'H'"});
}

TEST(CronExpressionParse, MessagesShowOnlyPrintableAscii) {
  expect_parse_error("\xff * * * *", {"minute field '\\xFF'"});
  expect_parse_error("* * * * M\xC3\xA9N", {"unknown day 'M\\xC3\\xA9N'"});
  const std::string long_element(1000, '9');
  expect_parse_error(long_element + " * * * *", {"'" + std::string(64, '9') + "...'"});
  auto parsed = CronExpression::parse(long_element + " * * * *");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_LT(parsed.error().message.size(), 250u);
}

TEST(CronExpressionParse, Macros) {
  for (std::string_view macro : {"@yearly", "@annually", "@monthly", "@weekly", "@daily",
                                 "@midnight", "@hourly", "@DAILY", "  @Hourly  "}) {
    auto parsed = CronExpression::parse(macro);
    ASSERT_TRUE(parsed.has_value()) << macro;
  }
  expect_parse_error("@reboot", {"unknown cron macro '@reboot'", "@hourly"});
  expect_parse_error("@daily 5", {"unknown cron macro '@daily 5'"});
}

TEST(CronExpressionParse, KeepsTheTrimmedText) {
  auto parsed = CronExpression::parse("\t */5 *  * * MON-FRI \n");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->text(), "*/5 *  * * MON-FRI");
}

}  // namespace
}  // namespace wasmfaas::triggers
