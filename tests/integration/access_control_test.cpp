// API tokens over a real server: every route with no token, an unknown
// token, an invoke token, a bucket-restricted token and an admin token; the
// audit log; `wasmfaas token create`; the refusal to listen publicly
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

// One route as a request; `bucket` is the bucket it touches.
struct Route {
  verb method;
  std::string target;
  std::string body;
  enum Kind { kOpen, kAnyToken, kInvoke, kAdmin } kind;
};

// Every route on bucket `bucket` (which holds function f and pipeline p).
std::vector<Route> routes_on(const std::string& bucket) {
  const std::string hello = load_component_text("hello");
  return {
      {verb::get, "/bucket/" + bucket, "", Route::kAdmin},
      {verb::post, "/file/" + bucket + "/g", hello, Route::kAdmin},
      {verb::get, "/file/" + bucket + "/f", "", Route::kAdmin},
      {verb::get, "/file/" + bucket + "/f?versions", "", Route::kAdmin},
      {verb::get, "/logs/" + bucket + "/f", "", Route::kAdmin},
      {verb::put, "/config/" + bucket + "/f", R"({"env":{"K":"V"}})", Route::kAdmin},
      {verb::get, "/config/" + bucket + "/f", "", Route::kAdmin},
      {verb::put, "/pipeline/" + bucket + "/q", R"({"steps":["f"]})", Route::kAdmin},
      {verb::get, "/pipeline/" + bucket + "/p", "", Route::kAdmin},
      {verb::get, "/pipeline/" + bucket, "", Route::kAdmin},
      {verb::post, "/exec/" + bucket + "/f", R"({"name":"T"})", Route::kInvoke},
      {verb::post, "/pipeline/" + bucket + "/p/exec", R"({"name":"T"})", Route::kInvoke},
      {verb::post, "/pipeline/exec",
       json{{"steps", {bucket + "/f"}}, {"input", R"({"name":"T"})"}}.dump(), Route::kInvoke},
      {verb::delete_, "/pipeline/" + bucket + "/q", "", Route::kAdmin},
      {verb::delete_, "/file/" + bucket + "/g", "", Route::kAdmin},
      {verb::put, "/bucket/" + bucket + "-new", "", Route::kAdmin},
      {verb::delete_, "/bucket/" + bucket + "-new", "", Route::kAdmin},
  };
}

std::vector<Route> global_routes() {
  return {{verb::get, "/healthz", "", Route::kOpen},
          {verb::get, "/version", "", Route::kOpen},
          {verb::get, "/readyz", "", Route::kOpen},  // public by default
          {verb::get, "/metrics", "", Route::kAnyToken}};
}

class AccessControlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const std::string bucket : {"team-a", "team-b"}) {
      ASSERT_EQ(send(kAdminSecret, {verb::put, "/bucket/" + bucket, "", Route::kAdmin}).status,
                201);
      ASSERT_EQ(send(kAdminSecret, {verb::post, "/file/" + bucket + "/f",
                                    load_component_text("hello"), Route::kAdmin})
                    .status,
                201);
      ASSERT_EQ(send(kAdminSecret,
                     {verb::put, "/pipeline/" + bucket + "/p", R"({"steps":["f"]})", Route::kAdmin})
                    .status,
                201);
    }
  }

  HttpResult send(const std::string& secret, const Route& route) {
    std::map<std::string, std::string> headers = {{"Content-Type", "application/json"}};
    if (route.target.starts_with("/file/") && route.method == verb::post) {
      headers["Content-Type"] = "application/wasm";
    }
    if (!secret.empty()) headers["Authorization"] = "Bearer " + secret;
    return client_.request(route.method, route.target, route.body, headers);
  }

  // Checks one caller against `routes`: `allowed` says which it may use.
  void check(const std::string& who, const std::string& secret, const std::vector<Route>& routes,
             const std::function<bool(const Route&)>& allowed, unsigned refusal) {
    for (const Route& route : routes) {
      const HttpResult result = send(secret, route);
      const std::string what = who + " " + std::string(boost::beast::http::to_string(route.method)) +
                               " " + route.target + " -> " + std::to_string(result.status) + " " +
                               result.body.substr(0, 120);
      if (allowed(route)) {
        EXPECT_TRUE(result.status != 401 && result.status != 403 && result.status < 500) << what;
      } else {
        EXPECT_EQ(result.status, refusal) << what;
        EXPECT_TRUE(json::parse(result.body).contains("error")) << what;
        if (refusal == 401) {
          EXPECT_EQ(result.header("www-authenticate"), "Bearer realm=\"wasmfaas\"") << what;
        }
      }
    }
  }

  std::ostringstream log_;
  TestServer server_{secured(log_)};
  HttpClient client_{server_.port()};
};

TEST_F(AccessControlTest, NoTokenOpensOnlyTheOpenRoutes) {
  check("anonymous", "", global_routes(), [](const Route& r) { return r.kind == Route::kOpen; },
        401);
  check("anonymous", "", routes_on("team-a"), [](const Route&) { return false; }, 401);
}

TEST_F(AccessControlTest, AnUnknownTokenIsRefused) {
  check("unknown", "wfs_nobody", global_routes(),
        [](const Route& r) { return r.kind == Route::kOpen; }, 401);
  check("unknown", "wfs_nobody", routes_on("team-a"), [](const Route&) { return false; }, 401);
  // A malformed header is not a token either.
  const HttpResult basic = client_.request(verb::get, "/bucket/team-a", "",
                                           {{"Authorization", "Basic dXNlcjpwYXNz"}});
  EXPECT_EQ(basic.status, 401);
}

TEST_F(AccessControlTest, AnInvokeTokenInvokesButDoesNotManage) {
  check("invoke", kInvokeSecret, global_routes(), [](const Route&) { return true; }, 403);
  for (const std::string bucket : {"team-a", "team-b"}) {
    check("invoke", kInvokeSecret, routes_on(bucket),
          [](const Route& r) { return r.kind == Route::kInvoke; }, 403);
  }
}

TEST_F(AccessControlTest, ABucketRestrictedTokenStaysInItsBucket) {
  check("team", kTeamSecret, routes_on("team-a"),
        [](const Route& r) { return r.kind == Route::kInvoke; }, 403);
  check("team", kTeamSecret, routes_on("team-b"), [](const Route&) { return false; }, 403);
  // An ad hoc pipeline through another bucket's function is refused too.
  const HttpResult mixed = send(
      kTeamSecret, {verb::post, "/pipeline/exec",
                    json{{"steps", {"team-a/f", "team-b/f"}}, {"input", "{}"}}.dump(),
                    Route::kInvoke});
  EXPECT_EQ(mixed.status, 403);
  EXPECT_NE(mixed.body.find("does not cover bucket 'team-b'"), std::string::npos);
}

TEST_F(AccessControlTest, AnAdminTokenDoesEverything) {
  check("admin", kAdminSecret, global_routes(), [](const Route&) { return true; }, 403);
  check("admin", kAdminSecret, routes_on("team-a"), [](const Route&) { return true; }, 403);
  check("admin", kAdminSecret, routes_on("team-b"), [](const Route&) { return true; }, 403);
}

TEST_F(AccessControlTest, ManagementIsAuditedByTokenNameNeverTheToken) {
  ASSERT_EQ(send(kAdminSecret, {verb::delete_, "/file/team-a/f", "", Route::kAdmin}).status, 200);
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
  EXPECT_NE(output.find("token = [\"" + line + "\"]"), std::string::npos) << output;
  // The printed line is a valid setting, and the secret is not in it.
  EXPECT_TRUE(http::parse_token_line(line).has_value());
  EXPECT_EQ(output.find(secret, at + 1), std::string::npos);
}

}  // namespace
}  // namespace wasmfaas
