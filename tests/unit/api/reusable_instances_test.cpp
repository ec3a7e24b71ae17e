// ReusableInstances: taken by key, bounded per key and in all (least
// recently used out first), dropped once idle too long, counted in a gauge.
#include "api/reusable_instances.h"

#include <gtest/gtest.h>

#include <thread>

#include "support/components.h"

namespace wasmfaas::api {
namespace {

using wasmfaas::testing::load_component;
using wasmfaas::testing::shared_engine;

class ReusableInstancesTest : public ::testing::Test {
 protected:
  // A fresh instance of the counter; `calls` of it already made.
  std::unique_ptr<FunctionInstance> instance(int calls = 0) {
    runtime::InvocationOptions options;
    options.reusable = true;
    auto invocation = runtime::Invocation::start(shared_engine(), *counter_, options);
    EXPECT_TRUE(invocation.has_value());
    auto made = std::make_unique<FunctionInstance>(
        FunctionInstance{counter_, nullptr, std::move(*invocation)});
    for (int i = 0; i < calls; ++i) EXPECT_TRUE(made->invocation.call("").has_value());
    return made;
  }

  // The count the instance's next call answers.
  static std::string next_count(FunctionInstance& instance) {
    return instance.invocation.call("").value_or("error");
  }

  cache::CompiledFunctions::Function counter_ = [] {
    auto compiled = shared_engine().compile(load_component("fixture_reuse_counter"));
    EXPECT_TRUE(compiled.has_value());
    return cache::CompiledFunctions::Function(std::move(*compiled));
  }();
  metrics::Gauge gauge_;
};

TEST_F(ReusableInstancesTest, AnInstanceIsTakenOnlyForItsKey) {
  ReusableInstances pool({}, &gauge_);
  EXPECT_EQ(pool.take("a"), nullptr);
  pool.give_back("a", instance(2));
  EXPECT_EQ(gauge_.value(), 1);
  EXPECT_EQ(pool.take("b"), nullptr);
  auto taken = pool.take("a");
  ASSERT_NE(taken, nullptr);
  EXPECT_EQ(next_count(*taken), "3");
  EXPECT_EQ(pool.take("a"), nullptr);
  EXPECT_EQ(gauge_.value(), 0);
}

TEST_F(ReusableInstancesTest, TheBoundsEvictTheLeastRecentlyUsed) {
  ReusableInstances pool({.max_idle = 3, .max_idle_per_key = 2}, &gauge_);
  pool.give_back("a", instance(1));
  pool.give_back("a", instance(2));
  pool.give_back("a", instance(3));  // the one with 1 call goes: two per key
  EXPECT_EQ(pool.idle(), 2u);
  pool.give_back("b", instance(10));
  pool.give_back("c", instance(20));  // the oldest in all ("a", 2 calls) goes
  EXPECT_EQ(pool.idle(), 3u);
  EXPECT_EQ(gauge_.value(), 3);
  auto a = pool.take("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(next_count(*a), "4");
  EXPECT_EQ(pool.take("a"), nullptr);
  EXPECT_NE(pool.take("b"), nullptr);
  EXPECT_NE(pool.take("c"), nullptr);
}

TEST_F(ReusableInstancesTest, InstancesIdleTooLongAreDropped) {
  ReusableInstances pool({.max_idle_age = std::chrono::milliseconds(0)}, &gauge_);
  pool.give_back("a", instance());
  // Any later use of the pool drops what has been idle past the age.
  const auto given = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() == given) std::this_thread::yield();
  EXPECT_EQ(pool.take("b"), nullptr);
  EXPECT_EQ(pool.idle(), 0u);
  EXPECT_EQ(gauge_.value(), 0);
}

TEST(ReuseKeyTest, EveryPartCounts) {
  const std::string key = reuse_key("b", "k", "v1", R"({"env":{}})");
  EXPECT_EQ(key, reuse_key("b", "k", "v1", R"({"env":{}})"));
  EXPECT_NE(key, reuse_key("c", "k", "v1", R"({"env":{}})"));
  EXPECT_NE(key, reuse_key("b", "l", "v1", R"({"env":{}})"));
  EXPECT_NE(key, reuse_key("b", "k", "v2", R"({"env":{}})"));
  EXPECT_NE(key, reuse_key("b", "k", "v1", R"({"env":{"A":"1"}})"));
  EXPECT_NE(reuse_key("b", "kv", "1", ""), reuse_key("b", "k", "v1", ""));
}

}  // namespace
}  // namespace wasmfaas::api
