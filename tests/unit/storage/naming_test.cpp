#include "storage/naming.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wasmfaas::storage {
namespace {

TEST(NamingTest, BucketNames) {
  for (const char* good : {"abc", "faas-modules", "functions", "a.b-c.d", "123", "x1y"}) {
    EXPECT_TRUE(validate_bucket_name(good).has_value()) << good;
  }
  for (const std::string& bad : std::vector<std::string>{"ab", std::string(64, 'a'), "ABC", "a_b", "-ab", "ab-", ".ab",
                                "a..b", "10.0.0.1", "a b", "a/b", "..", "%2e%2e"}) {
    EXPECT_FALSE(validate_bucket_name(bad).has_value()) << bad;
  }
}

TEST(NamingTest, ObjectKeys) {
  for (const std::string& good : std::vector<std::string>{"a", "hello_faas.wasm", "dir/sub/x", "../x", "Grüße",
                                 std::string(1024, 'k')}) {
    EXPECT_TRUE(validate_object_key(good).has_value()) << good;
  }
  for (const std::string& bad : std::vector<std::string>{std::string(), std::string(1025, 'k'), std::string("a\0b", 3),
                                std::string("a\nb"), std::string("\xff")}) {
    EXPECT_FALSE(validate_object_key(bad).has_value());
  }
}

TEST(NamingTest, VersionIds) {
  EXPECT_TRUE(validate_version_id("0661142f2d9c896d857905d2").has_value());
  EXPECT_FALSE(validate_version_id("").has_value());
  EXPECT_FALSE(validate_version_id("../x").has_value());
  EXPECT_FALSE(validate_version_id(std::string(65, 'a')).has_value());
}

}  // namespace
}  // namespace wasmfaas::storage
