// A reusable Invocation serves calls one after another on one instance, each
// with its own logs, deadline and fuel, until a call fails.
#include <gtest/gtest.h>

#include <string>

#include "runtime/compiled_function.h"
#include "runtime/invocation.h"
#include "support/components.h"

namespace wasmfaas::runtime {
namespace {

using wasmfaas::testing::load_component;
using wasmfaas::testing::shared_engine;

std::unique_ptr<CompiledFunction> compile(const std::string& name,
                                          const Engine& engine = shared_engine()) {
  auto compiled = engine.compile(load_component(name));
  if (!compiled) ADD_FAILURE() << name << ": " << compiled.error().message;
  return compiled ? std::move(*compiled) : nullptr;
}

InvocationOptions reusable_options() {
  InvocationOptions options;
  options.reusable = true;
  return options;
}

TEST(InvocationReuseTest, OneInstanceKeepsItsGlobalsBetweenCalls) {
  auto counter = compile("fixture_reuse_counter");
  ASSERT_TRUE(counter);
  auto invocation = Invocation::start(shared_engine(), *counter, reusable_options());
  ASSERT_TRUE(invocation.has_value()) << invocation.error().message;
  for (const char* expected : {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"}) {
    EXPECT_EQ(invocation->call("").value_or("error"), expected);
    EXPECT_TRUE(invocation->reusable());
  }
  // A later call counts no instantiation.
  EXPECT_EQ(invocation->timings().instantiate.count(), 0);
  EXPECT_GT(invocation->timings().call.count(), 0);
}

TEST(InvocationReuseTest, AFreshInstanceStartsAtOne) {
  auto counter = compile("fixture_reuse_counter");
  ASSERT_TRUE(counter);
  for (int i = 0; i < 2; ++i) {
    auto invocation = Invocation::start(shared_engine(), *counter, reusable_options());
    ASSERT_TRUE(invocation.has_value());
    EXPECT_EQ(invocation->call("").value_or("error"), "1");
  }
}

TEST(InvocationReuseTest, ATrapPoisonsTheInstance) {
  auto counter = compile("fixture_reuse_counter");
  ASSERT_TRUE(counter);
  auto invocation = Invocation::start(shared_engine(), *counter, reusable_options());
  ASSERT_TRUE(invocation.has_value());
  EXPECT_EQ(invocation->call("").value_or("error"), "1");
  auto trapped = invocation->call("trap");
  ASSERT_FALSE(trapped.has_value());
  EXPECT_EQ(trapped.error().code, ErrorCode::kTrap);
  EXPECT_FALSE(invocation->reusable());
  auto after = invocation->call("");
  ASSERT_FALSE(after.has_value());
  EXPECT_EQ(after.error().code, ErrorCode::kInternal);
}

TEST(InvocationReuseTest, AnyFailedCallPoisonsTheInstance) {
  auto counter = compile("fixture_reuse_counter");
  ASSERT_TRUE(counter);
  auto invocation = Invocation::start(shared_engine(), *counter, reusable_options());
  ASSERT_TRUE(invocation.has_value());
  EXPECT_FALSE(invocation->call("\xFF").has_value());
  EXPECT_FALSE(invocation->reusable());
}

TEST(InvocationReuseTest, ASingleUseInvocationIsNotReusable) {
  auto counter = compile("fixture_reuse_counter");
  ASSERT_TRUE(counter);
  auto invocation = Invocation::start(shared_engine(), *counter);
  ASSERT_TRUE(invocation.has_value());
  EXPECT_FALSE(invocation->reusable());
  EXPECT_EQ(invocation->call("").value_or("error"), "1");
  EXPECT_FALSE(invocation->call("").has_value());
}

TEST(InvocationReuseTest, EachCallHasItsOwnLogs) {
  auto hello = compile("hello");
  ASSERT_TRUE(hello);
  auto invocation = Invocation::start(shared_engine(), *hello, reusable_options());
  ASSERT_TRUE(invocation.has_value());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(invocation->call(R"({"name":"R"})").has_value());
    const CapturedLogs logs = invocation->logs();
    EXPECT_EQ(logs.stdout_text, "--- Test output ---\n") << "call " << i;
    EXPECT_FALSE(logs.stdout_truncated);
  }
}

TEST(InvocationReuseTest, EachCallHasItsOwnLogLimit) {
  auto hostile = compile("fixture_hostile");
  ASSERT_TRUE(hostile);
  InvocationOptions options = reusable_options();
  options.max_log_bytes = 1000;
  auto invocation = Invocation::start(shared_engine(), *hostile, options);
  ASSERT_TRUE(invocation.has_value());
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(invocation->call("stdout-flood").value_or("error"), "flooded");
    EXPECT_EQ(invocation->logs().stdout_text, std::string(1000, 'x'));
    EXPECT_TRUE(invocation->logs().stdout_truncated);
  }
}

TEST(InvocationReuseTest, EachCallGetsItsWholeFuel) {
  auto engine = Engine::create({.fuel_metering = true});
  ASSERT_TRUE(engine.has_value());
  auto counter = compile("fixture_reuse_counter", **engine);
  ASSERT_TRUE(counter);
  // One call takes well under 5000 units; a thousand of them would not fit
  // in one allowance, so every call must get its own.
  InvocationOptions options = reusable_options();
  options.fuel = 5000;
  auto invocation = Invocation::start(**engine, *counter, options);
  ASSERT_TRUE(invocation.has_value());
  for (int i = 1; i <= 1000; ++i) {
    ASSERT_EQ(invocation->call("").value_or("error"), std::to_string(i));
  }
}

TEST(InvocationReuseTest, EachCallGetsItsWholeTimeout) {
  auto counter = compile("fixture_reuse_counter");
  ASSERT_TRUE(counter);
  InvocationOptions options = reusable_options();
  options.timeout = std::chrono::milliseconds(100);
  auto invocation = Invocation::start(shared_engine(), *counter, options);
  ASSERT_TRUE(invocation.has_value());
  // Calls spread over more than the timeout all succeed: each call's
  // deadline runs from its own start.
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
  int calls = 0;
  while (std::chrono::steady_clock::now() < until) {
    ASSERT_EQ(invocation->call("").value_or("error"), std::to_string(++calls));
  }
}

}  // namespace
}  // namespace wasmfaas::runtime
