// The C example functions keep the seed's contracts (shared/seed/README.md).
#include <gtest/gtest.h>

#include <string>

#include "runtime/compiled_function.h"
#include "runtime/invocation.h"
#include "support/components.h"

namespace wasmfaas {
namespace {

using runtime::CapturedLogs;
using runtime::Invocation;
using wasmfaas::testing::load_component;
using wasmfaas::testing::shared_engine;

struct Outcome {
  std::string output;
  CapturedLogs logs;
};

Outcome run(const std::string& component, const std::string& input) {
  auto compiled = shared_engine().compile(load_component(component));
  if (!compiled) return {"compile error: " + compiled.error().message, {}};
  auto invocation = Invocation::start(shared_engine(), **compiled);
  if (!invocation) return {"start error: " + invocation.error().message, {}};
  auto output = invocation->call(input);
  return {output ? *output : "call error: " + output.error().message, invocation->logs()};
}

TEST(HelloExampleTest, GreetsByName) {
  const Outcome outcome = run("hello", "{\"name\":\"World\"}");
  EXPECT_EQ(outcome.output, "{\"result\":\"Hello World, how are you?\"}");
  EXPECT_EQ(outcome.logs.stdout_text, "--- Test output ---\n");
  EXPECT_EQ(outcome.logs.stderr_text, "");
}

TEST(HelloExampleTest, EscapesTheNameInItsJsonOutput) {
  EXPECT_EQ(run("hello", R"({"name":"Toni"})").output,
            R"({"result":"Hello Toni, how are you?"})");
  EXPECT_EQ(run("hello", R"( { "x": [1, {"y": null}], "name" : "a\"b\\c\u00e9" } )").output,
            "{\"result\":\"Hello a\\\"b\\\\c\xC3\xA9, how are you?\"}");
}

TEST(HelloExampleTest, BadInputGivesAClearError) {
  EXPECT_EQ(run("hello", "not json").output,
            R"({"error":"input must be a JSON object such as {\"name\":\"World\"}"})");
  EXPECT_EQ(run("hello", R"({"name":"World"} trailing)").output,
            R"({"error":"input must be a JSON object such as {\"name\":\"World\"}"})");
  EXPECT_EQ(run("hello", R"({"nom":"World"})").output, R"({"error":"missing field `name`"})");
  EXPECT_EQ(run("hello", R"({"name":42})").output,
            R"({"error":"field `name` must be a string"})");
}

TEST(FibonacciExampleTest, FollowsTheSeedsAlgorithm) {
  EXPECT_EQ(run("fibonacci", R"({"n":7})").output, R"({"result":34})");
  EXPECT_EQ(run("fibonacci", R"({"n":0})").output, R"({"result":1})");
  EXPECT_EQ(run("fibonacci", R"({"n":1})").output, R"({"result":2})");
  // u32 arithmetic wraps, as the seed's release build does: n=45 still fits,
  // from n=46 on the answers are the true values mod 2^32.
  EXPECT_EQ(run("fibonacci", R"({"n":45})").output, R"({"result":2971215073})");
  EXPECT_EQ(run("fibonacci", R"({"n":46})").output, R"({"result":512559680})");
  EXPECT_EQ(run("fibonacci", R"({"n":47})").output, R"({"result":3483774753})");
  EXPECT_EQ(run("fibonacci", R"({"n":48})").output, R"({"result":3996334433})");
}

TEST(FibonacciExampleTest, RejectsValuesOutsideU32) {
  const std::string range_error =
      R"({"error":"field `n` must be an integer from 0 to 4294967295"})";
  EXPECT_EQ(run("fibonacci", R"({"n":-1})").output, range_error);
  EXPECT_EQ(run("fibonacci", R"({"n":4294967296})").output, range_error);
  EXPECT_EQ(run("fibonacci", R"({"n":7.5})").output, range_error);
  EXPECT_EQ(run("fibonacci", R"({"n":"7"})").output, range_error);
  EXPECT_EQ(run("fibonacci", R"({})").output, R"({"error":"missing field `n`"})");
  EXPECT_EQ(run("fibonacci", "[7]").output,
            R"({"error":"input must be a JSON object such as {\"n\":7}"})");
}

}  // namespace
}  // namespace wasmfaas
