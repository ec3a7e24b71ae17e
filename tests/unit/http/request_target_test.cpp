#include "http/request_target.h"

#include <gtest/gtest.h>

namespace wasmfaas::http {
namespace {

TEST(RequestTargetTest, SplitsAndDecodesSegments) {
  auto target = parse_request_target("/file/my-bucket/dir%2Fx%20y.wasm?version=v%31&versions");
  ASSERT_TRUE(target.has_value());
  ASSERT_EQ(target->segments.size(), 3u);
  EXPECT_EQ(target->segments[0], "file");
  EXPECT_EQ(target->segments[2], "dir/x y.wasm");
  EXPECT_EQ(target->query_value("version").value(), "v1");
  EXPECT_TRUE(target->has_query("versions"));
  EXPECT_FALSE(target->has_query("other"));
}

TEST(RequestTargetTest, JoinsTheKeyFromTheRemainingSegments) {
  auto target = parse_request_target("/exec/b/a/b/../c");
  ASSERT_TRUE(target.has_value());
  EXPECT_EQ(target->join_from(2), "a/b/../c");
}

TEST(RequestTargetTest, DecodesTraversalAttemptsLiterally) {
  auto target = parse_request_target("/file/b/%2e%2e%2f%2e%2e%2fetc%00");
  ASSERT_TRUE(target.has_value());
  EXPECT_EQ(target->segments[2], std::string("../../etc\0", 10));
}

TEST(RequestTargetTest, RejectsMalformedTargets) {
  EXPECT_FALSE(parse_request_target("").has_value());
  EXPECT_FALSE(parse_request_target("http://host/x").has_value());
  EXPECT_FALSE(parse_request_target("/bad%zz").has_value());
  EXPECT_FALSE(parse_request_target("/bad%2").has_value());
  EXPECT_FALSE(parse_request_target("/bad%").has_value());
  EXPECT_FALSE(parse_request_target("/x?a=%g0").has_value());
}

TEST(RequestTargetTest, PlusIsASpaceOnlyInTheQuery) {
  auto target = parse_request_target("/a+b?q=c+d");
  ASSERT_TRUE(target.has_value());
  EXPECT_EQ(target->segments[0], "a+b");
  EXPECT_EQ(target->query_value("q").value(), "c d");
}

}  // namespace
}  // namespace wasmfaas::http
