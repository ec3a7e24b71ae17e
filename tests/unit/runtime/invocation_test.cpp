#include "runtime/invocation.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "runtime/compiled_function.h"
#include "support/components.h"

namespace wasmfaas::runtime {
namespace {

using wasmfaas::testing::load_component;
using wasmfaas::testing::shared_engine;

std::unique_ptr<CompiledFunction> compile(const std::string& name) {
  auto compiled = shared_engine().compile(load_component(name));
  if (!compiled) ADD_FAILURE() << name << ": " << compiled.error().message;
  return compiled ? std::move(*compiled) : nullptr;
}

Result<std::string> call_once(const CompiledFunction& function, std::string_view input) {
  auto invocation = Invocation::start(shared_engine(), function);
  if (!invocation) return std::unexpected(invocation.error());
  return invocation->call(input);
}

TEST(InvocationTest, PassesTheInputThrough) {
  auto echo = compile("fixture_echo");
  ASSERT_TRUE(echo);
  EXPECT_EQ(call_once(*echo, "{\"a\": [1, 2]}").value(), "{\"a\": [1, 2]}");
  EXPECT_EQ(call_once(*echo, "").value(), "");
  const std::string large(1 << 20, 'x');
  EXPECT_EQ(call_once(*echo, large).value(), large);
  EXPECT_EQ(call_once(*echo, "Gr\xC3\xBC\xC3\x9F" "e").value(), "Gr\xC3\xBC\xC3\x9F" "e");
}

TEST(InvocationTest, RejectsInputThatIsNotUtf8) {
  auto echo = compile("fixture_echo");
  ASSERT_TRUE(echo);
  auto output = call_once(*echo, "\xFF\xFE");
  ASSERT_FALSE(output.has_value());
  EXPECT_EQ(output.error().code, ErrorCode::kInvalidArgument);
}

TEST(InvocationTest, ATrapIsAnErrorWithTheTrapMessage) {
  auto trap = compile("fixture_trap");
  ASSERT_TRUE(trap);
  auto output = call_once(*trap, "x");
  ASSERT_FALSE(output.has_value());
  EXPECT_EQ(output.error().code, ErrorCode::kTrap);
  EXPECT_NE(output.error().message.find("unreachable"), std::string::npos)
      << output.error().message;
  // The process and the compiled function stay usable after a trap.
  auto again = call_once(*trap, "y");
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kTrap);
}

TEST(InvocationTest, OutputThatIsNotUtf8IsBadOutput) {
  auto bad = compile("fixture_invalid_utf8_output");
  ASSERT_TRUE(bad);
  auto output = call_once(*bad, "x");
  ASSERT_FALSE(output.has_value());
  EXPECT_EQ(output.error().code, ErrorCode::kBadOutput);
  EXPECT_EQ(output.error().reason, reason::kInvalidUtf8Output);
  EXPECT_NE(output.error().message.find("not valid UTF-8"), std::string::npos)
      << output.error().message;
}

TEST(InvocationTest, InvocationsDoNotShareState) {
  auto counter = compile("fixture_counter");
  ASSERT_TRUE(counter);
  // Within one instance the counter would go 1, 2, 3; each call gets a fresh one.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(call_once(*counter, "").value(), "1");
}

TEST(InvocationTest, AnInvocationIsSingleUse) {
  auto echo = compile("fixture_echo");
  ASSERT_TRUE(echo);
  auto invocation = Invocation::start(shared_engine(), *echo);
  ASSERT_TRUE(invocation.has_value());
  EXPECT_TRUE(invocation->call("a").has_value());
  auto second = invocation->call("b");
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, ErrorCode::kInternal);
}

TEST(InvocationTest, ConcurrentInvocationsOfOneCompiledFunction) {
  auto hello = compile("hello");
  ASSERT_TRUE(hello);
  std::vector<std::thread> threads;
  std::vector<std::string> outputs(8);
  for (size_t t = 0; t < outputs.size(); ++t) {
    threads.emplace_back([&, t] {
      const std::string name = "T" + std::to_string(t);
      auto output = call_once(*hello, "{\"name\":\"" + name + "\"}");
      outputs[t] = output ? *output : "error: " + output.error().message;
    });
  }
  for (auto& thread : threads) thread.join();
  for (size_t t = 0; t < outputs.size(); ++t) {
    EXPECT_EQ(outputs[t], "{\"result\":\"Hello T" + std::to_string(t) + ", how are you?\"}");
  }
}

TEST(InvocationTest, CapturedLogsAreBounded) {
  auto hello = compile("hello");
  ASSERT_TRUE(hello);
  InvocationOptions options;
  options.max_log_bytes = 5;
  auto invocation = Invocation::start(shared_engine(), *hello, options);
  ASSERT_TRUE(invocation.has_value());
  ASSERT_TRUE(invocation->call("{\"name\":\"World\"}").has_value());
  const CapturedLogs logs = invocation->logs();
  EXPECT_EQ(logs.stdout_text, "--- T");
  EXPECT_TRUE(logs.stdout_truncated);
  EXPECT_FALSE(logs.stderr_truncated);
}

TEST(InvocationTest, ReportsTimings) {
  auto echo = compile("fixture_echo");
  ASSERT_TRUE(echo);
  auto invocation = Invocation::start(shared_engine(), *echo);
  ASSERT_TRUE(invocation.has_value());
  ASSERT_TRUE(invocation->call("x").has_value());
  EXPECT_GT(invocation->timings().instantiate.count(), 0);
  EXPECT_GT(invocation->timings().call.count(), 0);
}

}  // namespace
}  // namespace wasmfaas::runtime

namespace wasmfaas::runtime {
namespace {

TEST(InvocationTimeoutTest, AnEndlessLoopEndsAtTheTimeLimit) {
  auto looping = shared_engine().compile(load_component("fixture_infinite_loop"));
  ASSERT_TRUE(looping.has_value());
  InvocationOptions options;
  options.timeout = std::chrono::milliseconds(50);
  const auto started = std::chrono::steady_clock::now();
  auto invocation = Invocation::start(shared_engine(), **looping, options);
  ASSERT_TRUE(invocation.has_value());
  auto output = invocation->call("x");
  const auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(output.has_value());
  EXPECT_EQ(output.error().code, ErrorCode::kTimeout);
  EXPECT_EQ(output.error().message, "function exceeded its time limit of 50 ms");
  EXPECT_GE(elapsed, std::chrono::milliseconds(50));
  EXPECT_LT(elapsed, std::chrono::milliseconds(500));
}

}  // namespace
}  // namespace wasmfaas::runtime
