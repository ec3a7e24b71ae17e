// One compile per content at a time: concurrent cold callers of the same
// component share the first caller's fetch and compile, its result or its
// error.
#include "cache/compiled_functions.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <thread>
#include <vector>

#include "common/hash.h"
#include "support/components.h"

namespace wasmfaas::cache {
namespace {

using wasmfaas::testing::load_component;
using wasmfaas::testing::shared_engine;

constexpr int kCallers = 16;

std::unique_ptr<CompiledFunctions> new_cache() {
  auto created = CompiledFunctions::create(shared_engine(), {});
  EXPECT_TRUE(created.has_value());
  return std::move(*created);
}

// Until every other caller is waiting for the compile in flight (bounded,
// so that a cache without single flight fails the test instead of hanging).
void wait_for_waiters(const CompiledFunctions& cache, uint64_t waiters) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (cache.counters().compile_waits.load() < waiters &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

// Runs `kCallers` threads that start together and each call find() and, on
// a miss, fetch_and_compile(sha256, fetch).
std::vector<Result<CompiledFunctions::Function>> call_concurrently(
    CompiledFunctions& cache, const std::string& sha256, const CompiledFunctions::Fetch& fetch) {
  std::vector<Result<CompiledFunctions::Function>> results(kCallers, nullptr);
  std::latch start(kCallers);
  std::vector<std::thread> threads;
  for (int i = 0; i < kCallers; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      if (auto cached = cache.find(sha256)) {
        results[i] = cached;
      } else {
        results[i] = cache.fetch_and_compile(sha256, fetch);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  return results;
}

TEST(CompiledFunctionsTest, ConcurrentColdCallsOfOneComponentCompileItOnce) {
  auto cache = new_cache();
  const std::vector<uint8_t> bytes = load_component("hello");
  const std::string sha256 = sha256_hex(bytes);
  std::atomic<int> fetches{0};
  const auto results = call_concurrently(*cache, sha256, [&]() -> Result<std::vector<uint8_t>> {
    ++fetches;
    wait_for_waiters(*cache, kCallers - 1);
    return bytes;
  });
  EXPECT_EQ(fetches.load(), 1);
  EXPECT_EQ(cache->counters().compiles.load(), 1u);
  EXPECT_EQ(cache->counters().compile_waits.load(), static_cast<uint64_t>(kCallers - 1));
  for (const auto& result : results) {
    ASSERT_TRUE(result.has_value()) << result.error().message;
    EXPECT_EQ(result->get(), results.front()->get());  // one compiled function for all
  }
  // Later callers find it in memory.
  EXPECT_EQ(cache->find(sha256).get(), results.front()->get());
}

TEST(CompiledFunctionsTest, TheWaitersGetTheCompileError) {
  auto cache = new_cache();
  const std::vector<uint8_t> bytes = load_component("fixture_core_module");
  const std::string sha256 = sha256_hex(bytes);
  const auto results = call_concurrently(*cache, sha256, [&]() -> Result<std::vector<uint8_t>> {
    wait_for_waiters(*cache, kCallers - 1);
    return bytes;
  });
  for (const auto& result : results) {
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code, ErrorCode::kInvalidComponent) << result.error().message;
    EXPECT_EQ(result.error().message, results.front().error().message);
  }
  EXPECT_EQ(cache->counters().compiles.load(), 0u);
}

TEST(CompiledFunctionsTest, AFailedFetchReachesTheWaitersAndTheNextCallTriesAgain) {
  auto cache = new_cache();
  const std::vector<uint8_t> bytes = load_component("hello");
  const std::string sha256 = sha256_hex(bytes);
  std::atomic<int> fetches{0};
  const auto results = call_concurrently(*cache, sha256, [&]() -> Result<std::vector<uint8_t>> {
    ++fetches;
    wait_for_waiters(*cache, kCallers - 1);
    return make_error(ErrorCode::kUnavailable, "store unreachable");
  });
  EXPECT_EQ(fetches.load(), 1);
  for (const auto& result : results) {
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
  }
  // The failure is not cached: the next caller fetches again.
  auto retried = cache->fetch_and_compile(sha256, [&]() -> Result<std::vector<uint8_t>> {
    ++fetches;
    return bytes;
  });
  ASSERT_TRUE(retried.has_value()) << retried.error().message;
  EXPECT_EQ(fetches.load(), 2);
  EXPECT_EQ(cache->counters().compiles.load(), 1u);
}

}  // namespace
}  // namespace wasmfaas::cache
