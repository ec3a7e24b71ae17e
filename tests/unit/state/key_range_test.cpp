#include "state/key_range.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "common/utf8.h"

namespace wasmfaas::state {
namespace {

TEST(StateKeyRangeTest, SuccessorIncrementsTheLastCodePoint) {
  EXPECT_EQ(prefix_successor(""), std::nullopt);
  EXPECT_EQ(prefix_successor("a"), "b");
  EXPECT_EQ(prefix_successor("key-"), "key.");
  EXPECT_EQ(prefix_successor("a\x7f"), "a\u0080");
  EXPECT_EQ(prefix_successor("\u00e9"), "\u00ea");
  EXPECT_EQ(prefix_successor("\u07ff"), "\u0800");
  EXPECT_EQ(prefix_successor("\ud7ff"), "\ue000");  // surrogates skipped
  EXPECT_EQ(prefix_successor("\uffff"), "\U00010000");
  EXPECT_EQ(prefix_successor("a\U0010FFFF"), "b");  // the last code point carries
  EXPECT_EQ(prefix_successor("\U0010FFFF"), std::nullopt);
  // Not UTF-8: bytewise.
  EXPECT_EQ(prefix_successor("a\xff"), "b");
  EXPECT_EQ(prefix_successor("\xff\xff"), std::nullopt);
  EXPECT_EQ(prefix_successor("a\x80"), "a\x81");
}

TEST(StateKeyRangeTest, TheRangeHoldsExactlyTheKeysWithThePrefix) {
  std::mt19937 random(7);
  const std::vector<std::string> pieces = {"a",      "b",          "\x7f",       "\u00e9",
                                           "\u07ff", "\u0800",     "\ud7ff",     "\ue000",
                                           "\uffff", "\U00010000", "\U0010FFFF", ""};
  auto make = [&](int length) {
    std::string text;
    for (int index = 0; index < length; ++index) text += pieces[random() % pieces.size()];
    return text;
  };
  for (int round = 0; round < 3000; ++round) {
    const std::string prefix = make(1 + random() % 3);
    const std::string key = random() % 2 ? prefix + make(random() % 3) : make(random() % 4);
    ASSERT_TRUE(is_valid_utf8(key));
    const auto upper = prefix_successor(prefix);
    if (upper) {
      ASSERT_TRUE(is_valid_utf8(*upper));
    }
    const bool inside = key >= prefix && (!upper || key < *upper);
    EXPECT_EQ(inside, key.starts_with(prefix)) << "prefix " << prefix << " key " << key;
  }
}

TEST(StateKeyRangeTest, ACursorMovesTheLowerBound) {
  auto plain = key_range("ab", std::nullopt);
  EXPECT_EQ(plain.lower, "ab");
  EXPECT_TRUE(plain.lower_inclusive);
  EXPECT_EQ(plain.upper, "ac");
  auto after = key_range("ab", std::string("abc"));
  EXPECT_EQ(after.lower, "abc");
  EXPECT_FALSE(after.lower_inclusive);
  EXPECT_FALSE(after.empty());
  EXPECT_EQ(key_range("ab", std::string("a")).lower, "ab");  // before the prefix: ignored
  EXPECT_TRUE(key_range("ab", std::string("b")).empty());    // past it: nothing left
  EXPECT_FALSE(key_range("", std::string("zzz")).empty());
}

}  // namespace
}  // namespace wasmfaas::state
