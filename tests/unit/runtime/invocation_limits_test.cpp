// Each limit of an invocation stops a hostile function with an error naming
// that limit, and the engine keeps running well-behaved functions after it.
#include <gtest/gtest.h>

#include <string>

#include "runtime/compiled_function.h"
#include "runtime/invocation.h"
#include "support/components.h"

namespace wasmfaas::runtime {
namespace {

using wasmfaas::testing::load_component;
using wasmfaas::testing::shared_engine;

Result<std::string> run(const std::string& component, std::string_view input,
                        const InvocationOptions& options = {},
                        const Engine& engine = shared_engine()) {
  auto compiled = engine.compile(load_component(component));
  if (!compiled) return std::unexpected(compiled.error());
  auto invocation = Invocation::start(engine, **compiled, options);
  if (!invocation) return std::unexpected(invocation.error());
  return invocation->call(input);
}

// The failure's code and reason (none: the code's own name) and a part of
// its message.
void expect_error(const Result<std::string>& result, ErrorCode code, const std::string& message,
                  std::string_view reason = {}) {
  ASSERT_FALSE(result.has_value()) << "succeeded with " << result->substr(0, 100);
  EXPECT_EQ(result.error().code, code) << result.error().message;
  EXPECT_EQ(result.error().reason, reason) << result.error().message;
  EXPECT_NE(result.error().message.find(message), std::string::npos) << result.error().message;
}

std::unique_ptr<Engine> create_engine(const EngineOptions& options) {
  auto engine = Engine::create(options);
  EXPECT_TRUE(engine.has_value()) << engine.error().message;
  return engine ? std::move(*engine) : nullptr;
}

// After any failure, the same engine (and its pooled slots) still runs hello.
void expect_hello_still_runs() {
  EXPECT_EQ(run("hello", R"({"name":"After"})").value_or("error"),
            R"({"result":"Hello After, how are you?"})");
}

TEST(InvocationLimitsTest, MemoryGrowthStopsAtTheMemoryLimit) {
  InvocationOptions options;
  options.max_memory_bytes = 16 << 20;
  expect_error(run("fixture_memory_bomb", "", options), ErrorCode::kResourceExhausted,
               "function exceeded its memory limit of 16 MiB", reason::kMemoryLimitExceeded);
  expect_hello_still_runs();
}

TEST(InvocationLimitsTest, TableGrowthStopsAtTheTableLimit) {
  InvocationOptions options;
  options.max_table_elements = 1000;
  expect_error(run("fixture_table_bomb", "", options), ErrorCode::kResourceExhausted,
               "function exceeded its table limit of 1000 elements", reason::kTableLimitExceeded);
  expect_hello_still_runs();
}

TEST(InvocationLimitsTest, MallocInCStopsAtTheMemoryLimit) {
  InvocationOptions options;
  options.max_memory_bytes = 8 << 20;
  expect_error(run("fixture_hostile", "malloc-bomb", options), ErrorCode::kResourceExhausted,
               "function exceeded its memory limit of 8 MiB", reason::kMemoryLimitExceeded);
  expect_hello_still_runs();
}

TEST(InvocationLimitsTest, TheEngineMaximumCapsAFunctionsMemoryLimit) {
  InvocationOptions options;
  options.max_memory_bytes = 1ull << 40;  // more than the pool's 128 MiB slots
  expect_error(run("fixture_memory_bomb", "", options), ErrorCode::kResourceExhausted,
               "function exceeded its memory limit of 128 MiB", reason::kMemoryLimitExceeded);
}

TEST(InvocationLimitsTest, EndlessRecursionIsAStackOverflowTrap) {
  expect_error(run("fixture_deep_recursion", ""), ErrorCode::kTrap, "call stack exhausted");
  expect_hello_still_runs();
}

TEST(InvocationLimitsTest, OutOfBoundsAccessIsATrap) {
  expect_error(run("fixture_out_of_bounds", ""), ErrorCode::kTrap, "out of bounds memory access");
  expect_hello_still_runs();
}

TEST(InvocationLimitsTest, OutputOverTheLimitIsBadOutput) {
  InvocationOptions options;
  options.max_output_bytes = 1 << 20;
  expect_error(run("fixture_huge_output", "", options), ErrorCode::kBadOutput,
               "function output of 16777216 bytes exceeds the limit of 1048576 bytes",
               reason::kOutputTooLarge);
  options.max_output_bytes = 32 << 20;
  EXPECT_EQ(run("fixture_huge_output", "", options).value_or("").size(), 16u << 20);
}

TEST(InvocationLimitsTest, AStdoutFloodIsCapturedUpToTheLogLimit) {
  auto compiled = shared_engine().compile(load_component("fixture_hostile"));
  ASSERT_TRUE(compiled.has_value());
  InvocationOptions options;
  options.max_log_bytes = 1000;
  auto invocation = Invocation::start(shared_engine(), **compiled, options);
  ASSERT_TRUE(invocation.has_value());
  EXPECT_EQ(invocation->call("stdout-flood").value_or("error"), "flooded");
  EXPECT_EQ(invocation->logs().stdout_text, std::string(1000, 'x'));
  EXPECT_TRUE(invocation->logs().stdout_truncated);
}

TEST(InvocationLimitsTest, FuelBoundsTheInstructionsRun) {
  const auto engine = create_engine({.fuel_metering = true});
  ASSERT_NE(engine, nullptr);
  InvocationOptions options;
  options.fuel = 1'000'000;
  options.timeout = std::chrono::seconds(30);
  expect_error(run("fixture_infinite_loop", "", options, *engine),
               ErrorCode::kResourceExhausted, "function exceeded its fuel limit of 1000000",
               reason::kFuelExhausted);
  // Enough fuel for hello.
  EXPECT_TRUE(run("hello", R"({"name":"F"})", options, *engine).has_value());
}

TEST(InvocationLimitsTest, WithoutGuardPagesEveryLimitStillHolds) {
  const auto engine = create_engine({.guard_pages = false});
  ASSERT_NE(engine, nullptr);
  InvocationOptions options;
  options.max_memory_bytes = 16 << 20;
  options.timeout = std::chrono::milliseconds(200);
  expect_error(run("fixture_out_of_bounds", "", options, *engine), ErrorCode::kTrap,
               "out of bounds memory access");
  expect_error(run("fixture_memory_bomb", "", options, *engine), ErrorCode::kResourceExhausted,
               "function exceeded its memory limit of 16 MiB", reason::kMemoryLimitExceeded);
  expect_error(run("fixture_hostile", "malloc-bomb", options, *engine),
               ErrorCode::kResourceExhausted, "function exceeded its memory limit of 16 MiB",
               reason::kMemoryLimitExceeded);
  expect_error(run("fixture_table_bomb", "", options, *engine), ErrorCode::kResourceExhausted,
               "function exceeded its table limit", reason::kTableLimitExceeded);
  expect_error(run("fixture_deep_recursion", "", options, *engine), ErrorCode::kTrap,
               "call stack exhausted");
  expect_error(run("fixture_infinite_loop", "", options, *engine), ErrorCode::kTimeout,
               "200 ms");
  EXPECT_EQ(run("hello", R"({"name":"G"})", options, *engine).value_or("error"),
            R"({"result":"Hello G, how are you?"})");
}

// A reused pooled memory slot shows nothing of the previous call, with and
// without guard pages (without them Wasmtime leaves the grown pages
// accessible between calls and must still reset their contents).
TEST(InvocationLimitsTest, GrownMemoryIsZeroInTheNextCall) {
  for (const bool guard_pages : {true, false}) {
    // Few slots, so that they are reused.
    const auto engine = create_engine({.max_instances = 2, .guard_pages = guard_pages});
    ASSERT_NE(engine, nullptr);
    auto compiled = engine->compile(load_component("fixture_grown_memory"));
    ASSERT_TRUE(compiled.has_value()) << compiled.error().message;
    for (int call = 0; call < 5; ++call) {
      auto invocation = Invocation::start(*engine, **compiled);
      ASSERT_TRUE(invocation.has_value()) << invocation.error().message;
      EXPECT_EQ(invocation->call("").value_or("error"), "00")
          << "guard pages " << guard_pages << ", call " << call;
    }
  }
}

TEST(InvocationCapabilitiesTest, HostFilesAreNotReachable) {
  const auto output = run("fixture_hostile", "read-file");
  ASSERT_TRUE(output.has_value()) << output.error().message;
  EXPECT_EQ(output->find("OPENED"), std::string::npos) << *output;
  for (const char* path : {"denied: /etc/passwd", "denied: /:", "denied: .:",
                           "denied: ../../etc/hostname"}) {
    EXPECT_NE(output->find(path), std::string::npos) << *output;
  }
}

TEST(InvocationCapabilitiesTest, TheEnvironmentIsEmpty) {
  ASSERT_EQ(setenv("WASMFAAS_SECRET_FOR_TEST", "leak", 1), 0);
  EXPECT_EQ(run("fixture_hostile", "read-env").value_or("error"),
            "env: 0 variables, PATH=(unset), HOME=(unset)");
}

}  // namespace
}  // namespace wasmfaas::runtime
