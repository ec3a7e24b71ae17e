// The example functions in every guest language (examples/<language>/, built
// by cmake/GuestLanguages.cmake) deployed to a running server: each gives the
// seed's exact outputs, and hello prints to stdout. The upload time (the
// server compiles every upload) is printed for docs/languages.md.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include "support/components.h"
#include "support/http_client.h"
#include "support/test_server.h"

namespace wasmfaas {
namespace {

using testing::HttpClient;
using testing::HttpResult;
using testing::load_component_text;
using testing::TestServer;

class LanguagesTest : public ::testing::TestWithParam<std::string> {
 protected:
  // Uploads <language>-<function>.wasm as the key <function>.
  void deploy(const std::string& function) {
    const std::string name = GetParam() + "-" + function;
    const std::string bytes = load_component_text(name);
    ASSERT_FALSE(bytes.empty()) << name;
    const auto start = std::chrono::steady_clock::now();
    const HttpResult uploaded =
        client_.post("/file/functions/" + function, bytes, "application/wasm");
    const auto elapsed = std::chrono::duration<double, std::milli>(
        std::chrono::steady_clock::now() - start);
    ASSERT_EQ(uploaded.status, 201) << name << ": " << uploaded.body;
    std::printf("[ languages ] %-18s %9zu bytes, upload (validate + compile) %8.1f ms\n",
                name.c_str(), bytes.size(), elapsed.count());
  }

  std::string exec(const std::string& function, const std::string& input) {
    const HttpResult result = client_.post("/exec/functions/" + function, input);
    EXPECT_EQ(result.status, 200) << GetParam() << "-" << function << ": " << result.body;
    return result.body;
  }

  void SetUp() override { ASSERT_EQ(client_.put("/bucket/functions").status, 201); }

  TestServer server_{testing::StoreKind::kLocal};
  HttpClient client_{server_.port()};
};

INSTANTIATE_TEST_SUITE_P(Languages, LanguagesTest,
                         ::testing::Values("rust", "cpp", "js", "python", "go"),
                         [](const auto& info) { return info.param; });

// One test per language, so each component is compiled (uploaded) once: the
// JavaScript and Python ones take seconds.
TEST_P(LanguagesTest, ExamplesGiveTheSeedsOutputs) {
  ASSERT_NO_FATAL_FAILURE(deploy("hello"));
  ASSERT_NO_FATAL_FAILURE(deploy("fibonacci"));

  EXPECT_EQ(exec("hello", R"({"name":"World"})"), R"({"result":"Hello World, how are you?"})");
  // Non-ASCII text and an escaped quote survive the JSON round trip.
  EXPECT_EQ(exec("hello", R"({"name":"Zoë \"Z\" 🌍"})"),
            R"({"result":"Hello Zoë \"Z\" 🌍, how are you?"})");

  // hello prints to stdout, which the host captures with the result.
  const api::Execution result =
      server_.server().execution().exec("functions", "hello", std::nullopt, R"({"name":"World"})");
  ASSERT_TRUE(result.output.has_value()) << result.output.error().message;
  EXPECT_EQ(*result.output, R"({"result":"Hello World, how are you?"})");
  EXPECT_EQ(result.logs.stdout_text, "--- Test output ---\n");

  EXPECT_EQ(exec("fibonacci", R"({"n":7})"), R"({"result":34})");
  EXPECT_EQ(exec("fibonacci", R"({"n":0})"), R"({"result":1})");
  EXPECT_EQ(exec("fibonacci", R"({"n":1})"), R"({"result":2})");
  // u32 arithmetic wraps, the same in every language.
  EXPECT_EQ(exec("fibonacci", R"({"n":47})"), R"({"result":3483774753})");
  EXPECT_EQ(exec("fibonacci", R"({"n":100})"), R"({"result":1445263496})");

  // Bad input is an {"error": ...} object, not a trap.
  for (const auto& [function, input] :
       {std::pair{"hello", R"({"nom":"x"})"}, std::pair{"hello", R"([1,2])"},
        std::pair{"fibonacci", R"({"n":-1})"}, std::pair{"fibonacci", R"({"n":"7"})"}}) {
    const std::string body = exec(function, input);
    EXPECT_TRUE(body.starts_with(R"({"error":)")) << function << " " << input << ": " << body;
  }
}

}  // namespace
}  // namespace wasmfaas
