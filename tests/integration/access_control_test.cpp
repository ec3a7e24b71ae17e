// API tokens over a real server: unknown and malformed tokens, the ad hoc
// pipeline's per-step check, the audit log; `wasmfaas token create`; the refusal to listen publicly
// without tokens.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "common/hash.h"
#include "http/access_control.h"
#include "support/components.h"
#include "support/http_client.h"
#include "support/log_capture.h"
#include "support/test_server.h"

namespace wasmfaas {
namespace {

using boost::beast::http::verb;
using nlohmann::json;
using testing::HttpClient;
using testing::HttpResult;
using testing::load_component_text;
using testing::TestServer;

constexpr char kAdminSecret[] = "wfs_admin_secret_for_tests";
constexpr char kInvokeSecret[] = "wfs_invoke_secret_for_tests";
constexpr char kTeamSecret[] = "wfs_team_secret_for_tests";  // invoke, bucket team-a only

http::ApiToken token(const std::string& line) { return http::parse_token_line(line).value(); }

server::ServerConfig secured(std::ostringstream& log) {
  server::ServerConfig config;
  config.access.tokens = {
      token("root:admin:" + sha256_hex(std::string_view(kAdminSecret))),
      token("ci:invoke:" + sha256_hex(std::string_view(kInvokeSecret))),
      token("team:invoke:" + sha256_hex(std::string_view(kTeamSecret)) + ":team-a")};
  config.log = testing::logger_into(log);
  return config;
}

class AccessControlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const std::string bucket : {"team-a", "team-b"}) {
      ASSERT_EQ(send(kAdminSecret, verb::put, "/bucket/" + bucket).status, 201);
      ASSERT_EQ(send(kAdminSecret, verb::post, "/file/" + bucket + "/f",
                     load_component_text("hello"), "application/wasm")
                    .status,
                201);
    }
  }

  HttpResult send(const std::string& secret, verb method, const std::string& target,
                  const std::string& body = "", const std::string& type = "application/json") {
    std::map<std::string, std::string> headers = {{"Content-Type", type}};
    if (!secret.empty()) headers["Authorization"] = "Bearer " + secret;
    return client_.request(method, target, body, headers);
  }

  std::ostringstream log_;
  TestServer server_{secured(log_)};
  HttpClient client_{server_.port()};
};

// Every route with every kind of caller: tests/integration/route_matrix_test.cpp.

TEST_F(AccessControlTest, AnUnknownOrMalformedTokenIsRefused) {
  EXPECT_EQ(send("wfs_nobody", verb::get, "/bucket/team-a").status, 401);
  EXPECT_EQ(send("wfs_nobody", verb::post, "/exec/team-a/f", "{}").status, 401);
  const HttpResult basic = client_.request(verb::get, "/bucket/team-a", "",
                                           {{"Authorization", "Basic dXNlcjpwYXNz"}});
  EXPECT_EQ(basic.status, 401);
  EXPECT_EQ(basic.header("www-authenticate"), "Bearer realm=\"wasmfaas\"");
}

TEST_F(AccessControlTest, AnAdHocPipelineThroughAnUncoveredBucketIsRefused) {
  const HttpResult mixed =
      send(kTeamSecret, verb::post, "/pipeline/exec",
           json{{"steps", {"team-a/f", "team-b/f"}}, {"input", "{}"}}.dump());
  EXPECT_EQ(mixed.status, 403);
  EXPECT_NE(mixed.body.find("does not cover bucket 'team-b'"), std::string::npos);
}

TEST_F(AccessControlTest, ManagementIsAuditedByTokenNameNeverTheToken) {
  ASSERT_EQ(send(kAdminSecret, verb::delete_, "/file/team-a/f").status, 200);
  server_.server().stop(std::chrono::seconds(5));
  const std::string log = log_.str();
  EXPECT_EQ(log.find(kAdminSecret), std::string::npos);
  EXPECT_EQ(log.find(kInvokeSecret), std::string::npos);
  bool audited = false;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    const json entry = json::parse(line);
    if (entry.value("type", "") == "audit" && entry.value("method", "") == "DELETE" &&
        entry.value("target", "") == "/file/team-a/f") {
      audited = true;
      EXPECT_EQ(entry["token"], "root");
      EXPECT_EQ(entry["status"], 200);
    }
  }
  EXPECT_TRUE(audited) << log;
}

// Runs the wasmfaas binary with `arguments`; returns its exit code and what
// it printed (stdout and stderr), killing it after `seconds` if it serves.
std::pair<int, std::string> run_wasmfaas(const std::string& arguments, int seconds = 3) {
  const std::string command = "timeout -s INT " + std::to_string(seconds) + " " +
                              std::string(WASMFAAS_BINARY) + " " + arguments + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  std::array<char, 512> buffer;
  while (size_t n = fread(buffer.data(), 1, buffer.size(), pipe)) output.append(buffer.data(), n);
  const int status = pclose(pipe);
  return {WEXITSTATUS(status), output};
}

TEST(AccessControlStartupTest, APublicAddressWithoutTokensIsRefused) {
  testing::TempDir dir;
  const std::string data = " --data-dir " + (dir.path() / "data").string() + " --code-cache-dir ''";
  const auto [code, output] = run_wasmfaas("serve --listen 0.0.0.0:0" + data);
  EXPECT_EQ(code, 1) << output;
  EXPECT_NE(output.find("refusing to start"), std::string::npos) << output;
  EXPECT_NE(output.find("--insecure"), std::string::npos) << output;

  // With tokens, or with --insecure, it serves (until `timeout` stops it).
  const auto [secured, secured_output] = run_wasmfaas(
      "serve --listen 0.0.0.0:0 --token ops:admin:" + sha256_hex(std::string_view("x")) + data, 2);
  EXPECT_NE(secured_output.find("serving on"), std::string::npos) << secured_output;
  const auto [insecure, insecure_output] =
      run_wasmfaas("serve --listen 0.0.0.0:0 --insecure" + data, 2);
  EXPECT_NE(insecure_output.find("serving on"), std::string::npos) << insecure_output;
  // Loopback without tokens serves, with a warning.
  const auto [loopback, loopback_output] = run_wasmfaas("serve --listen 127.0.0.1:0" + data, 2);
  EXPECT_NE(loopback_output.find("authentication is off"), std::string::npos) << loopback_output;
  EXPECT_NE(loopback_output.find("serving on"), std::string::npos) << loopback_output;
}

TEST(AccessControlStartupTest, ConfigHoldsHashesNeverPlaintextTokens) {
  testing::TempDir dir;
  const std::string data = " --data-dir " + (dir.path() / "data").string();
  const auto [code, output] =
      run_wasmfaas("serve --listen 127.0.0.1:0 --token ci:invoke:wfs_plaintextsecret" + data);
  EXPECT_EQ(code, 1) << output;
  EXPECT_NE(output.find("never the token itself"), std::string::npos) << output;
}

TEST(AccessControlStartupTest, TokenCreatePrintsASecretAndTheLineWithItsHash) {
  const auto [code, output] = run_wasmfaas("token create --scope invoke --bucket team-a --name ci");
  ASSERT_EQ(code, 0) << output;
  const size_t at = output.find("wfs_");
  ASSERT_NE(at, std::string::npos) << output;
  const std::string secret = output.substr(at, output.find('\n', at) - at);
  EXPECT_EQ(secret.size(), 4u + 64u);
  const std::string line = "ci:invoke:" + sha256_hex(std::string_view(secret)) + ":team-a";
  // Each form the server takes: a config file key, WASMFAAS_TOKEN, --token.
  EXPECT_NE(output.find("token.ci = \"" + line + "\"\n"), std::string::npos) << output;
  EXPECT_NE(output.find("export WASMFAAS_TOKEN=\"${WASMFAAS_TOKEN:+$WASMFAAS_TOKEN }" + line + "\"\n"),
            std::string::npos)
      << output;
  EXPECT_NE(output.find("wasmfaas serve --token " + line + "\n"), std::string::npos) << output;
  // The printed line is a valid setting, and the secret is not in it.
  EXPECT_TRUE(http::parse_token_line(line).has_value());
  EXPECT_EQ(output.find(secret, at + 1), std::string::npos);
}

}  // namespace
}  // namespace wasmfaas
