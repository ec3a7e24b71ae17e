#include "api/invocation_log.h"

#include <gtest/gtest.h>

namespace wasmfaas::api {
namespace {

InvocationRecord record(const std::string& id) {
  InvocationRecord record;
  record.request_id = id;
  record.stdout_text = "out " + id;
  return record;
}

TEST(InvocationLogTest, NewestFirstAndBoundedPerFunction) {
  InvocationLog log(3, 10);
  for (int i = 1; i <= 5; ++i) log.record("b", "f", record(std::to_string(i)));
  const auto recent = log.recent("b", "f", 10);
  ASSERT_EQ(recent.size(), 3u);
  EXPECT_EQ(recent[0].request_id, "5");
  EXPECT_EQ(recent[2].request_id, "3");
  EXPECT_EQ(recent[0].stdout_text, "out 5");
  EXPECT_EQ(log.recent("b", "f", 1).size(), 1u);
  EXPECT_TRUE(log.recent("b", "other", 10).empty());
}

TEST(InvocationLogTest, TheStalestFunctionMakesRoom) {
  InvocationLog log(5, 2);
  log.record("b", "one", record("1"));
  log.record("b", "two", record("2"));
  log.record("b", "one", record("3"));
  log.record("b", "three", record("4"));  // "two" is the stalest
  EXPECT_TRUE(log.recent("b", "two", 10).empty());
  EXPECT_EQ(log.recent("b", "one", 10).size(), 2u);
  EXPECT_EQ(log.recent("b", "three", 10).size(), 1u);
}

}  // namespace
}  // namespace wasmfaas::api
