#include "unit/state/state_database_conformance.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>
#include <random>
#include <vector>

namespace wasmfaas::state {
namespace {

INSTANTIATE_TEST_SUITE_P(Backends, StateDatabaseConformance,
                         ::testing::Values(sqlite_backend(), postgres_backend()),
                         [](const auto& info) { return info.param.name; });

TEST_P(StateDatabaseConformance, SetsGetsReplacesAndRemovesKeys) {
  EXPECT_EQ(db().get(kStore, "k").value(), std::nullopt);
  EXPECT_FALSE(db().exists(kStore, "k").value());
  ASSERT_TRUE(db().set(kStore, "k", "one", kNoQuota).has_value());
  EXPECT_EQ(db().get(kStore, "k").value(), "one");
  EXPECT_TRUE(db().exists(kStore, "k").value());
  ASSERT_TRUE(db().set(kStore, "k", "two, longer", kNoQuota).has_value());
  EXPECT_EQ(db().get(kStore, "k").value(), "two, longer");
  ASSERT_TRUE(db().remove(kStore, "k").has_value());
  EXPECT_EQ(db().get(kStore, "k").value(), std::nullopt);
  EXPECT_FALSE(db().exists(kStore, "k").value());
  EXPECT_TRUE(db().remove(kStore, "k").has_value());  // a missing key: still success
  EXPECT_TRUE(db().remove({"never-used", "s"}, "k").has_value());
  EXPECT_EQ(db().usage(kStore.bucket).value().keys, 0u);
  EXPECT_EQ(db().usage(kStore.bucket).value().bytes, 0u);
}

TEST_P(StateDatabaseConformance, StoresEveryByteValueAndEmptyValues) {
  std::string every_byte;
  for (int byte = 0; byte < 256; ++byte) every_byte.push_back(static_cast<char>(byte));
  ASSERT_TRUE(db().set(kStore, "bytes", every_byte, kNoQuota).has_value());
  ASSERT_TRUE(db().set(kStore, "empty", "", kNoQuota).has_value());
  const std::string nuls("\0a\0\0", 4);
  ASSERT_TRUE(db().set(kStore, "nuls", nuls, kNoQuota).has_value());
  EXPECT_EQ(db().get(kStore, "bytes").value(), every_byte);
  EXPECT_EQ(db().get(kStore, "empty").value(), std::string());
  EXPECT_TRUE(db().exists(kStore, "empty").value());
  EXPECT_EQ(db().get(kStore, "nuls").value(), nuls);
  const auto many = db().get_many(kStore, {"bytes", "empty", "nuls"}).value();
  EXPECT_EQ(many[0], every_byte);
  EXPECT_EQ(many[1], std::string());
  EXPECT_EQ(many[2], nuls);
  EXPECT_EQ(db().usage(kStore.bucket).value().bytes, 5u + 256u + 5u + 0u + 4u + 4u);
}

TEST_P(StateDatabaseConformance, UnicodeKeysRoundTripAndListInByteOrder) {
  const std::vector<std::string> keys = {"z", "a", "é", "ключ", "鍵", "🔑", "A", "e\u0301", "ab"};
  for (const auto& key : keys) {
    ASSERT_TRUE(db().set(kStore, key, "v:" + key, kNoQuota).has_value()) << key;
  }
  for (const auto& key : keys) EXPECT_EQ(db().get(kStore, key).value(), "v:" + key);
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());  // std::string compares bytes as unsigned
  EXPECT_EQ(all_keys(db(), kStore, "", 2), sorted);
  EXPECT_EQ(all_keys(db(), kStore, "é", 10), std::vector<std::string>{"é"});
  uint64_t bytes = 0;
  for (const auto& key : keys) bytes += entry_size(key, "v:" + key);
  EXPECT_EQ(db().usage(kStore.bucket).value().bytes, bytes);  // bytes, not characters
}

TEST_P(StateDatabaseConformance, ListsInPagesWithACursor) {
  std::vector<std::pair<std::string, std::string>> entries;
  std::vector<std::string> expected;
  for (int index = 0; index < 250; ++index) {
    char key[16];
    std::snprintf(key, sizeof key, "key-%03d", index);
    entries.emplace_back(key, "v");
    expected.emplace_back(key);
  }
  // Neighbours that must not show up under the prefix "key-".
  for (const char* other : {"key", "key.", "kex-999", "kez", "ke"})
    entries.emplace_back(other, "v");
  ASSERT_TRUE(db().set_many(kStore, entries, kNoQuota).has_value());

  auto first = db().list_keys(kStore, "key-", std::nullopt, 100).value();
  ASSERT_EQ(first.keys.size(), 100u);
  ASSERT_TRUE(first.next_cursor.has_value());
  EXPECT_EQ(first.keys.front(), "key-000");
  EXPECT_EQ(first.keys.back(), "key-099");
  auto second = db().list_keys(kStore, "key-", first.next_cursor, 100).value();
  ASSERT_EQ(second.keys.size(), 100u);
  ASSERT_TRUE(second.next_cursor.has_value());
  EXPECT_EQ(second.keys.front(), "key-100");
  auto third = db().list_keys(kStore, "key-", second.next_cursor, 100).value();
  ASSERT_EQ(third.keys.size(), 50u);
  EXPECT_FALSE(third.next_cursor.has_value());
  EXPECT_EQ(third.keys.back(), "key-249");

  std::vector<std::string> together = first.keys;
  together.insert(together.end(), second.keys.begin(), second.keys.end());
  together.insert(together.end(), third.keys.begin(), third.keys.end());
  EXPECT_EQ(together, expected);
  EXPECT_EQ(all_keys(db(), kStore, "", 7).size(), 255u);
}

TEST_P(StateDatabaseConformance, AFullLastPageHasNoCursor) {
  std::vector<std::pair<std::string, std::string>> entries;
  for (int index = 0; index < 200; ++index)
    entries.emplace_back("k" + std::to_string(1000 + index), "");
  ASSERT_TRUE(db().set_many(kStore, entries, kNoQuota).has_value());
  auto first = db().list_keys(kStore, "", std::nullopt, 100).value();
  ASSERT_TRUE(first.next_cursor.has_value());
  auto second = db().list_keys(kStore, "", first.next_cursor, 100).value();
  EXPECT_EQ(second.keys.size(), 100u);
  EXPECT_FALSE(second.next_cursor.has_value());
  auto exact = db().list_keys(kStore, "", std::nullopt, 200).value();
  EXPECT_EQ(exact.keys.size(), 200u);
  EXPECT_FALSE(exact.next_cursor.has_value());
  EXPECT_TRUE(db().list_keys({"bucket-a", "empty"}, "", std::nullopt, 10).value().keys.empty());
}

TEST_P(StateDatabaseConformance, FiltersByPrefix) {
  for (const char* key : {"a", "ab", "abc", "abd", "ab\x7f", "ac", "b", "aa"}) {
    ASSERT_TRUE(db().set(kStore, key, "v", kNoQuota).has_value());
  }
  EXPECT_EQ(all_keys(db(), kStore, "ab", 100),
            (std::vector<std::string>{"ab", "abc", "abd", "ab\x7f"}));
  EXPECT_EQ(all_keys(db(), kStore, "ab", 1),
            (std::vector<std::string>{"ab", "abc", "abd", "ab\x7f"}));
  EXPECT_EQ(all_keys(db(), kStore, "a", 3),
            (std::vector<std::string>{"a", "aa", "ab", "abc", "abd", "ab\x7f", "ac"}));
  EXPECT_EQ(all_keys(db(), kStore, "abc", 100), std::vector<std::string>{"abc"});
  EXPECT_TRUE(all_keys(db(), kStore, "abcd", 100).empty());
  EXPECT_TRUE(all_keys(db(), kStore, "c", 100).empty());
  // A cursor from another listing before the prefix's keys: the prefix wins.
  EXPECT_EQ(db().list_keys(kStore, "ab", std::string("a"), 100).value().keys.size(), 4u);
  // A cursor past the prefix's keys: nothing.
  EXPECT_TRUE(db().list_keys(kStore, "ab", std::string("b"), 100).value().keys.empty());
}

TEST_P(StateDatabaseConformance, ACursorContinuesAfterItsKeyEvenWhenItIsGone) {
  for (const char* key : {"k1", "k2", "k3", "k4", "k5"}) {
    ASSERT_TRUE(db().set(kStore, key, "v", kNoQuota).has_value());
  }
  auto first = db().list_keys(kStore, "k", std::nullopt, 2).value();
  ASSERT_EQ(first.keys, (std::vector<std::string>{"k1", "k2"}));
  ASSERT_TRUE(db().remove(kStore, "k2").has_value());
  ASSERT_TRUE(db().set(kStore, "k0", "v", kNoQuota).has_value());  // before the cursor
  auto second = db().list_keys(kStore, "k", first.next_cursor, 2).value();
  EXPECT_EQ(second.keys, (std::vector<std::string>{"k3", "k4"}));
  auto third = db().list_keys(kStore, "k", second.next_cursor, 2).value();
  EXPECT_EQ(third.keys, std::vector<std::string>{"k5"});
  EXPECT_FALSE(third.next_cursor.has_value());
}

TEST_P(StateDatabaseConformance, ListingRefusesAZeroLimit) {
  auto page = db().list_keys(kStore, "", std::nullopt, 0);
  ASSERT_FALSE(page.has_value());
  EXPECT_EQ(page.error().code, ErrorCode::kInvalidArgument);
}

TEST_P(StateDatabaseConformance, StoresOfABucketAreSeparateButShareItsQuota) {
  const StoreRef other{kStore.bucket, "other"};
  ASSERT_TRUE(db().set(kStore, "k", "mine", kNoQuota).has_value());
  ASSERT_TRUE(db().set(other, "k", "theirs", kNoQuota).has_value());
  EXPECT_EQ(db().get(kStore, "k").value(), "mine");
  EXPECT_EQ(db().get(other, "k").value(), "theirs");
  EXPECT_EQ(all_keys(db(), other, "", 10), std::vector<std::string>{"k"});
  EXPECT_EQ(db().usage(kStore.bucket).value().keys, 2u);
  expect_quota_error(db().set(other, "k2", "x", {.max_bytes = 0, .max_keys = 2}));
  ASSERT_TRUE(db().remove(kStore, "k").has_value());
  EXPECT_EQ(db().get(other, "k").value(), "theirs");
  EXPECT_TRUE(db().set(other, "k2", "x", {.max_bytes = 0, .max_keys = 2}).has_value());
}

TEST_P(StateDatabaseConformance, GetManyKeepsTheOrderOfItsKeys) {
  ASSERT_TRUE(db().set(kStore, "a", "1", kNoQuota).has_value());
  ASSERT_TRUE(db().set(kStore, "c", "3", kNoQuota).has_value());
  auto values = db().get_many(kStore, {"c", "missing", "a", "c"}).value();
  ASSERT_EQ(values.size(), 4u);
  EXPECT_EQ(values[0], "3");
  EXPECT_EQ(values[1], std::nullopt);
  EXPECT_EQ(values[2], "1");
  EXPECT_EQ(values[3], "3");
  EXPECT_TRUE(db().get_many(kStore, {}).value().empty());
}

TEST_P(StateDatabaseConformance, SetManyWritesEveryPairAndTheLastDuplicateWins) {
  ASSERT_TRUE(db().set(kStore, "old", "long old value", kNoQuota).has_value());
  ASSERT_TRUE(
      db().set_many(kStore, {{"a", "1"}, {"old", "new"}, {"b", "2"}, {"a", "last"}}, kNoQuota)
          .has_value());
  EXPECT_EQ(db().get(kStore, "a").value(), "last");
  EXPECT_EQ(db().get(kStore, "b").value(), "2");
  EXPECT_EQ(db().get(kStore, "old").value(), "new");
  const auto usage = db().usage(kStore.bucket).value();
  EXPECT_EQ(usage.keys, 3u);
  EXPECT_EQ(usage.bytes, entry_size("a", "last") + entry_size("b", "2") + entry_size("old", "new"));
  EXPECT_TRUE(db().set_many(kStore, {}, kNoQuota).has_value());
}

TEST_P(StateDatabaseConformance, SetManyIsAllOrNothingUnderTheQuota) {
  ASSERT_TRUE(db().set_many(kStore, {{"a", "1"}, {"b", "2"}}, kNoQuota).has_value());
  const BucketQuota three_keys{.max_bytes = 0, .max_keys = 3};
  // Two new keys would make four: none is written, not even the replacement.
  expect_quota_error(db().set_many(kStore, {{"a", "changed"}, {"c", "3"}, {"d", "4"}}, three_keys));
  EXPECT_EQ(db().get(kStore, "a").value(), "1");
  EXPECT_FALSE(db().exists(kStore, "c").value());
  EXPECT_FALSE(db().exists(kStore, "d").value());
  EXPECT_EQ(db().usage(kStore.bucket).value().keys, 2u);
  // Bytes: the batch's total growth counts, so shrinking one key makes room.
  const uint64_t used = db().usage(kStore.bucket).value().bytes;  // 4
  const BucketQuota ten_bytes{.max_bytes = used + 6, .max_keys = 0};
  expect_quota_error(db().set_many(kStore, {{"c", "12345"}, {"d", "6"}}, ten_bytes));
  EXPECT_EQ(db().usage(kStore.bucket).value().bytes, used);
  ASSERT_TRUE(db().set_many(kStore, {{"a", ""}, {"c", "12345"}}, ten_bytes).has_value());
  EXPECT_EQ(db().usage(kStore.bucket).value().bytes, used + 6 - 1);
}

TEST_P(StateDatabaseConformance, RemoveManyRemovesEveryKeyAndFreesTheirQuota) {
  ASSERT_TRUE(db().set_many(kStore, {{"a", "1"}, {"b", "22"}, {"c", "333"}}, kNoQuota).has_value());
  ASSERT_TRUE(db().remove_many(kStore, {"a", "c", "missing", "a"}).has_value());
  EXPECT_FALSE(db().exists(kStore, "a").value());
  EXPECT_TRUE(db().exists(kStore, "b").value());
  EXPECT_FALSE(db().exists(kStore, "c").value());
  const auto usage = db().usage(kStore.bucket).value();
  EXPECT_EQ(usage.keys, 1u);
  EXPECT_EQ(usage.bytes, entry_size("b", "22"));
  EXPECT_TRUE(db().remove_many(kStore, {}).has_value());
}

TEST_P(StateDatabaseConformance, IncrementsDecimalIntegers) {
  EXPECT_EQ(db().increment(kStore, "n", 5, kNoQuota).value(), 5);  // missing: from 0
  EXPECT_EQ(db().get(kStore, "n").value(), "5");
  EXPECT_EQ(db().increment(kStore, "n", -12, kNoQuota).value(), -7);
  EXPECT_EQ(db().get(kStore, "n").value(), "-7");
  EXPECT_EQ(db().increment(kStore, "n", 0, kNoQuota).value(), -7);
  ASSERT_TRUE(db().set(kStore, "set", "41", kNoQuota).has_value());
  EXPECT_EQ(db().increment(kStore, "set", 1, kNoQuota).value(), 42);
  EXPECT_EQ(db().get(kStore, "set").value(), "42");
  ASSERT_TRUE(db().set(kStore, "zeros", "007", kNoQuota).has_value());
  EXPECT_EQ(db().increment(kStore, "zeros", 1, kNoQuota).value(), 8);
  EXPECT_EQ(db().get(kStore, "zeros").value(), "8");
  EXPECT_EQ(db().increment(kStore, "new-negative", -3, kNoQuota).value(), -3);
  const auto usage = db().usage(kStore.bucket).value();
  EXPECT_EQ(usage.keys, 4u);
  EXPECT_EQ(usage.bytes, entry_size("n", "-7") + entry_size("set", "42") +
                             entry_size("zeros", "8") + entry_size("new-negative", "-3"));
}

TEST_P(StateDatabaseConformance, IncrementRefusesValuesThatAreNotIntegers) {
  const std::vector<std::string> values = {
      "", "abc", "1.5", " 1", "1 ", "+1", "-", "1e3", "0x10", std::string("1\0", 2), "١٢", "12\n"};
  for (const std::string& value : values) {
    ASSERT_TRUE(db().set(kStore, "v", value, kNoQuota).has_value());
    const auto before = db().usage(kStore.bucket).value();
    auto result = db().increment(kStore, "v", 1, kNoQuota);
    ASSERT_FALSE(result.has_value()) << "'" << value << "'";
    EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument) << result.error().message;
    EXPECT_EQ(db().get(kStore, "v").value(), value);
    EXPECT_EQ(db().usage(kStore.bucket).value().bytes, before.bytes);
  }
}

TEST_P(StateDatabaseConformance, IncrementRefusesLeavingInt64) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  ASSERT_TRUE(db().set(kStore, "max", std::to_string(kMax), kNoQuota).has_value());
  ASSERT_TRUE(db().set(kStore, "min", std::to_string(kMin), kNoQuota).has_value());
  ASSERT_TRUE(db().set(kStore, "huge", "9223372036854775808", kNoQuota).has_value());
  for (const auto& [key, delta] : std::vector<std::pair<std::string, int64_t>>{
           {"max", 1}, {"min", -1}, {"huge", -1}, {"max", kMax}}) {
    auto result = db().increment(kStore, key, delta, kNoQuota);
    ASSERT_FALSE(result.has_value()) << key << " " << delta;
    EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(result.error().message.find("64-bit"), std::string::npos) << result.error().message;
  }
  EXPECT_EQ(db().get(kStore, "max").value(), std::to_string(kMax));
  EXPECT_EQ(db().get(kStore, "min").value(), std::to_string(kMin));
  EXPECT_EQ(db().increment(kStore, "max", -1, kNoQuota).value(), kMax - 1);
  EXPECT_EQ(db().increment(kStore, "min", 0, kNoQuota).value(), kMin);
  EXPECT_EQ(db().increment(kStore, "fresh", kMin, kNoQuota).value(), kMin);
  EXPECT_FALSE(db().increment(kStore, "fresh", -1, kNoQuota).has_value());
}

TEST_P(StateDatabaseConformance, IncrementRespectsTheQuota) {
  ASSERT_TRUE(db().set(kStore, "n", "9", kNoQuota).has_value());
  const BucketQuota full{.max_bytes = entry_size("n", "9"), .max_keys = 1};
  auto new_key = db().increment(kStore, "m", 1, {.max_bytes = 0, .max_keys = 1});
  ASSERT_FALSE(new_key.has_value());
  EXPECT_EQ(new_key.error().reason, reason::kKeyValueQuotaExceeded);
  EXPECT_FALSE(db().exists(kStore, "m").value());
  auto longer = db().increment(kStore, "n", 1, full);  // "9" -> "10": one byte more
  ASSERT_FALSE(longer.has_value());
  EXPECT_EQ(longer.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(db().get(kStore, "n").value(), "9");
  EXPECT_EQ(db().increment(kStore, "n", -1, full).value(), 8);  // same length: fine
}

TEST_P(StateDatabaseConformance, QuotaOnBytes) {
  const BucketQuota twenty_bytes{.max_bytes = 20, .max_keys = 0};
  ASSERT_TRUE(db().set(kStore, "k1", "12345678", twenty_bytes).has_value());  // 10
  ASSERT_TRUE(db().set(kStore, "k2", "12345678", twenty_bytes).has_value());  // 20: at the ceiling
  auto refused = db().set(kStore, "k3", "x", twenty_bytes);
  expect_quota_error(refused);
  const std::string& message = refused.error().message;
  EXPECT_NE(message.find("bucket-a"), std::string::npos) << message;
  EXPECT_NE(message.find("20 bytes used + 3"), std::string::npos) << message;
  EXPECT_NE(message.find("ceiling of 20 bytes"), std::string::npos) << message;
  EXPECT_FALSE(db().exists(kStore, "k3").value());
  expect_quota_error(db().set(kStore, "k1", "123456789", twenty_bytes));  // growing a key
  EXPECT_EQ(db().get(kStore, "k1").value(), "12345678");
  EXPECT_EQ(db().usage(kStore.bucket).value().bytes, 20u);

  ASSERT_TRUE(db().set(kStore, "k1", "1234", twenty_bytes).has_value());  // smaller: always
  EXPECT_EQ(db().usage(kStore.bucket).value().bytes, 16u);
  ASSERT_TRUE(db().set(kStore, "k3", "x", twenty_bytes).has_value());          // 19
  ASSERT_TRUE(db().remove(kStore, "k2").has_value());                          // 9
  ASSERT_TRUE(db().set(kStore, "k4", "123456789", twenty_bytes).has_value());  // 20
  const auto usage = db().usage(kStore.bucket).value();
  EXPECT_EQ(usage.bytes, 20u);
  EXPECT_EQ(usage.keys, 3u);
}

TEST_P(StateDatabaseConformance, QuotaOnKeys) {
  const BucketQuota two_keys{.max_bytes = 0, .max_keys = 2};
  ASSERT_TRUE(db().set(kStore, "a", "1", two_keys).has_value());
  ASSERT_TRUE(db().set(kStore, "b", "1", two_keys).has_value());
  auto refused = db().set(kStore, "c", "1", two_keys);
  expect_quota_error(refused);
  EXPECT_NE(refused.error().message.find("2 keys used + 1 would pass its ceiling of 2 keys"),
            std::string::npos)
      << refused.error().message;
  EXPECT_FALSE(db().exists(kStore, "c").value());
  ASSERT_TRUE(db().set(kStore, "a", "a much longer value", two_keys).has_value());  // no new key
  ASSERT_TRUE(db().remove(kStore, "b").has_value());
  ASSERT_TRUE(db().set(kStore, "c", "1", two_keys).has_value());
  EXPECT_EQ(db().usage(kStore.bucket).value().keys, 2u);
}

TEST_P(StateDatabaseConformance, WritesThatDoNotGrowSucceedOverALoweredCeiling) {
  ASSERT_TRUE(
      db().set_many(kStore, {{"a", "1234567890"}, {"b", "1234567890"}}, kNoQuota).has_value());
  const BucketQuota lowered{.max_bytes = 5, .max_keys = 1};  // usage is 22 bytes, 2 keys
  EXPECT_TRUE(db().set(kStore, "a", "0987654321", lowered).has_value());  // same size
  EXPECT_TRUE(db().set(kStore, "a", "1", lowered).has_value());           // smaller
  EXPECT_TRUE(db().increment(kStore, "a", 1, lowered).has_value());       // "1" -> "2"
  expect_quota_error(db().set(kStore, "a", "12", lowered));               // growing
  expect_quota_error(db().set(kStore, "c", "", lowered));                 // a new key
  EXPECT_TRUE(db().remove(kStore, "b").has_value());
  EXPECT_EQ(db().usage(kStore.bucket).value().bytes, entry_size("a", "2"));
}

// Random operations against a model: contents and usage stay exact.
TEST_P(StateDatabaseConformance, UsageMatchesTheContentsAfterRandomOperations) {
  std::mt19937 random(12345);
  const std::vector<StoreRef> stores = {{"bucket-a", "one"}, {"bucket-a", "two"}};
  std::map<std::pair<std::string, std::string>, std::string> model;  // (store, key) -> value
  auto pick_key = [&] { return "key" + std::to_string(random() % 12); };
  auto pick_value = [&] { return std::string(random() % 20, 'v'); };
  for (int step = 0; step < 300; ++step) {
    const StoreRef& store = stores[random() % stores.size()];
    switch (random() % 5) {
      case 0: {
        const auto key = pick_key();
        const auto value = pick_value();
        ASSERT_TRUE(db().set(store, key, value, kNoQuota).has_value());
        model[{store.store, key}] = value;
        break;
      }
      case 1: {
        const auto key = pick_key();
        ASSERT_TRUE(db().remove(store, key).has_value());
        model.erase({store.store, key});
        break;
      }
      case 2: {
        const auto key = "counter" + std::to_string(random() % 3);
        const int64_t delta = static_cast<int64_t>(random() % 2001) - 1000;
        const auto value = db().increment(store, key, delta, kNoQuota).value();
        auto& stored = model[{store.store, key}];
        stored = std::to_string((stored.empty() ? 0 : std::stoll(stored)) + delta);
        EXPECT_EQ(std::to_string(value), stored);
        break;
      }
      case 3: {
        std::vector<std::pair<std::string, std::string>> entries;
        for (int count = random() % 4; count > 0; --count)
          entries.emplace_back(pick_key(), pick_value());
        ASSERT_TRUE(db().set_many(store, entries, kNoQuota).has_value());
        for (const auto& [key, value] : entries) model[{store.store, key}] = value;
        break;
      }
      default: {
        std::vector<std::string> keys;
        for (int count = random() % 4; count > 0; --count) keys.push_back(pick_key());
        ASSERT_TRUE(db().remove_many(store, keys).has_value());
        for (const auto& key : keys) model.erase({store.store, key});
        break;
      }
    }
  }
  uint64_t bytes = 0;
  for (const auto& [where, value] : model) {
    bytes += entry_size(where.second, value);
    const StoreRef store{"bucket-a", where.first};
    EXPECT_EQ(db().get(store, where.second).value(), value) << where.first << "/" << where.second;
  }
  const auto usage = db().usage("bucket-a").value();
  EXPECT_EQ(usage.keys, model.size());
  EXPECT_EQ(usage.bytes, bytes);
  EXPECT_EQ(all_keys(db(), stores[0], "", 5).size() + all_keys(db(), stores[1], "", 5).size(),
            model.size());
}

TEST_P(StateDatabaseConformance, BucketsAreIsolated) {
  const StoreRef mine{"bucket-a", "s"};
  const StoreRef theirs{"bucket-b", "s"};
  ASSERT_TRUE(db().set(mine, "k", "mine", kNoQuota).has_value());
  ASSERT_TRUE(db().set(theirs, "k", "theirs!", kNoQuota).has_value());
  EXPECT_EQ(db().get(mine, "k").value(), "mine");
  EXPECT_EQ(db().get(theirs, "k").value(), "theirs!");
  EXPECT_EQ(db().usage("bucket-a").value().bytes, entry_size("k", "mine"));
  EXPECT_EQ(db().usage("bucket-b").value().bytes, entry_size("k", "theirs!"));
  // One bucket's full quota does not stop another's writes.
  expect_quota_error(db().set(mine, "k2", "v", {.max_bytes = 0, .max_keys = 1}));
  EXPECT_TRUE(db().set(theirs, "k2", "v", {.max_bytes = 0, .max_keys = 2}).has_value());
  ASSERT_TRUE(db().remove(mine, "k").has_value());
  EXPECT_EQ(db().get(theirs, "k").value(), "theirs!");
  EXPECT_EQ(db().usage("bucket-c").value().keys, 0u);  // never used
}

TEST_P(StateDatabaseConformance, RemoveBucketRemovesEveryStoreAndTheUsage) {
  ASSERT_TRUE(db().set({"bucket-a", "one"}, "k", "v", kNoQuota).has_value());
  ASSERT_TRUE(db().set({"bucket-a", "two"}, "k", "v", kNoQuota).has_value());
  ASSERT_TRUE(db().set({"bucket-b", "one"}, "k", "v", kNoQuota).has_value());
  ASSERT_TRUE(db().remove_bucket("bucket-a").has_value());
  EXPECT_FALSE(db().exists({"bucket-a", "one"}, "k").value());
  EXPECT_FALSE(db().exists({"bucket-a", "two"}, "k").value());
  EXPECT_TRUE(db().exists({"bucket-b", "one"}, "k").value());
  EXPECT_EQ(db().usage("bucket-a").value().keys, 0u);
  EXPECT_EQ(db().usage("bucket-a").value().bytes, 0u);
  EXPECT_EQ(db().usage("bucket-b").value().keys, 1u);
  EXPECT_TRUE(db().remove_bucket("never-used").has_value());
  // The bucket can be used again from zero.
  ASSERT_TRUE(db().set({"bucket-a", "one"}, "k", "v", {.max_bytes = 0, .max_keys = 1}).has_value());
  EXPECT_EQ(db().usage("bucket-a").value().keys, 1u);
}

}  // namespace
}  // namespace wasmfaas::state
