#include "api/concurrency_limits.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace wasmfaas::api {
namespace {

TEST(ConcurrencyLimitsTest, RefusesBeyondTheLimitUntilASlotIsReleased) {
  ConcurrencyLimits limits;
  auto first = limits.try_acquire("b/f", 2);
  auto second = limits.try_acquire("b/f", 2);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(limits.running("b/f"), 2u);
  EXPECT_FALSE(limits.try_acquire("b/f", 2));
  // Other functions have their own count.
  EXPECT_TRUE(limits.try_acquire("b/g", 1));
  first.reset();
  EXPECT_EQ(limits.running("b/f"), 1u);
  EXPECT_TRUE(limits.try_acquire("b/f", 2));
  second.reset();
  EXPECT_EQ(limits.running("b/f"), 0u);
}

TEST(ConcurrencyLimitsTest, AMovedSlotIsReleasedOnce) {
  ConcurrencyLimits limits;
  std::optional<ConcurrencyLimits::Slot> held;
  {
    auto acquired = limits.try_acquire("b/f", 1);
    ASSERT_TRUE(acquired);
    held.emplace(std::move(*acquired));
  }
  EXPECT_EQ(limits.running("b/f"), 1u);
  held.reset();
  EXPECT_EQ(limits.running("b/f"), 0u);
}

TEST(ConcurrencyLimitsTest, NeverMoreThanTheLimitAcrossThreads) {
  ConcurrencyLimits limits;
  std::atomic<int> inside{0};
  std::atomic<int> most{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        if (auto slot = limits.try_acquire("b/f", 3)) {
          const int now = ++inside;
          int seen = most.load();
          while (now > seen && !most.compare_exchange_weak(seen, now)) {
          }
          --inside;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_LE(most.load(), 3);
  EXPECT_GE(most.load(), 1);
  EXPECT_EQ(limits.running("b/f"), 0u);
}

}  // namespace
}  // namespace wasmfaas::api
