#include "cache/memory_cache.h"

#include <gtest/gtest.h>

#include "support/components.h"

namespace wasmfaas::cache {
namespace {

std::shared_ptr<const runtime::CompiledFunction> compiled_echo() {
  static const std::shared_ptr<const runtime::CompiledFunction> echo =
      std::move(*wasmfaas::testing::shared_engine().compile(
          wasmfaas::testing::load_component("fixture_echo")));
  return echo;
}

TEST(MemoryCacheTest, EvictsLeastRecentlyUsedBeyondTheByteCapacity) {
  MemoryCache cache(300);
  cache.insert("a", compiled_echo(), 100);
  cache.insert("b", compiled_echo(), 100);
  cache.insert("c", compiled_echo(), 100);
  ASSERT_NE(cache.find("a"), nullptr);  // a is now the most recent
  cache.insert("d", compiled_echo(), 100);
  EXPECT_NE(cache.find("a"), nullptr);
  EXPECT_EQ(cache.find("b"), nullptr);  // the least recently used went
  EXPECT_NE(cache.find("c"), nullptr);
  EXPECT_NE(cache.find("d"), nullptr);
  const MemoryCacheStats stats = cache.stats();
  EXPECT_EQ(stats.entries, 3u);
  EXPECT_EQ(stats.bytes, 300u);
  EXPECT_EQ(stats.evictions, 1u);
}

TEST(MemoryCacheTest, KeepsAnEntryLargerThanTheCapacityUntilTheNextInsert) {
  MemoryCache cache(10);
  cache.insert("big", compiled_echo(), 100);
  EXPECT_NE(cache.find("big"), nullptr);
  cache.insert("next", compiled_echo(), 5);
  EXPECT_EQ(cache.find("big"), nullptr);
  EXPECT_NE(cache.find("next"), nullptr);
}

}  // namespace
}  // namespace wasmfaas::cache
