// The client CLI against a live in-process server: every command, with
// --json, and the exit code and message of each kind of failure.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include "common/hash.h"
#include "http/access_control.h"
#include "integration/client/cli_support.h"
#include "support/components.h"
#include "support/free_port.h"
#include "support/http_client.h"
#include "support/test_server.h"

namespace wasmfaas {
namespace {

using nlohmann::json;
using testing::CliResult;
using testing::CliUser;
using testing::component_path;
using testing::TestServer;

size_t count_lines(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

// A server with one bucket, `demo`, and the CLI of a user without a token.
class ClientCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(cli_.run({"bucket", "create", "demo"}).code, 0);
  }

  CliResult run(const std::vector<std::string>& args, const std::string& input = "") {
    return cli_.run(args, input);
  }

  // Deploys `component` as demo/<key>; its version.
  std::string deploy(const std::string& component, const std::string& key) {
    const CliResult result = run({"deploy", component_path(component), "demo/" + key, "--json"});
    EXPECT_EQ(result.code, 0) << result.err;
    return result.json().value("version", "");
  }

  std::filesystem::path write_file(const std::string& name, const std::string& text) {
    const auto path = files_.path() / name;
    std::ofstream(path) << text;
    return path;
  }

  TestServer server_;
  CliUser cli_{server_.port()};
  testing::TempDir files_;
};

TEST_F(ClientCliTest, DeployAndInvoke) {
  CliResult deployed = run({"deploy", component_path("hello"), "demo/hello"});
  ASSERT_EQ(deployed.code, 0) << deployed.err;
  EXPECT_TRUE(deployed.out.starts_with("deployed demo/hello version ")) << deployed.out;
  EXPECT_EQ(deployed.err, "");  // no progress on a pipe

  // The output exactly, from the argument or from stdin.
  testing::HttpClient http(server_.port());
  const std::string expected = http.post("/exec/demo/hello", R"({"name":"CLI"})").body;
  ASSERT_FALSE(expected.empty());
  CliResult invoked = run({"invoke", "demo/hello", R"({"name":"CLI"})"});
  EXPECT_EQ(invoked.code, 0) << invoked.err;
  EXPECT_EQ(invoked.out, expected);
  EXPECT_EQ(invoked.err, "");
  invoked = run({"invoke", "demo/hello"}, R"({"name":"CLI"})");
  EXPECT_EQ(invoked.out, expected);
  invoked = run({"invoke", "demo/hello", "-"}, R"({"name":"CLI"})");
  EXPECT_EQ(invoked.out, expected);

  // A second version; --version runs the first; -v and --json name the version.
  const std::string first = run({"versions", "demo/hello", "--json"}).json()["versions"][0]["version"];
  const std::string second = deploy("fibonacci", "hello");
  ASSERT_NE(first, second);
  invoked = run({"invoke", "demo/hello", R"({"name":"CLI"})", "--version", first, "-v"});
  EXPECT_EQ(invoked.out, expected);
  EXPECT_NE(invoked.err.find("version: " + first), std::string::npos) << invoked.err;
  invoked = run({"invoke", "demo/hello", "10", "--json"});
  ASSERT_EQ(invoked.code, 0) << invoked.err;
  EXPECT_EQ(invoked.json()["version"], second);
  EXPECT_EQ(invoked.json()["output"], http.post("/exec/demo/hello", "10").body);
  EXPECT_EQ(run({"invoke", "demo/hello", "--version", "x", "--alias", "y"}, "").code, 1);
}

TEST_F(ClientCliTest, DeployWithConfigAndConfigCommands) {
  const auto config = write_file("config.json", R"({"timeout_ms": 1500, "env": {"A": "1"}})");
  CliResult deployed = run({"deploy", component_path("hello"), "demo/hello", "--config",
                            config.string(), "--json"});
  ASSERT_EQ(deployed.code, 0) << deployed.err;
  EXPECT_EQ(deployed.json()["config"]["timeout_ms"], 1500);
  const std::string live = deployed.json()["version"];
  EXPECT_EQ(run({"versions", "demo/hello", "--json"}).json()["versions"][0]["version"], live);

  CliResult got = run({"config", "get", "demo/hello"});
  ASSERT_EQ(got.code, 0) << got.err;
  EXPECT_EQ(json::parse(got.out)["env"]["A"], "1");

  // From stdin, then from a file; --json answers the server's document.
  CliResult set = run({"config", "set", "demo/hello"}, R"({"timeout_ms": 900})");
  ASSERT_EQ(set.code, 0) << set.err;
  EXPECT_TRUE(set.out.starts_with("config of demo/hello set: version ")) << set.out;
  EXPECT_EQ(json::parse(run({"config", "get", "demo/hello", "--json"}).out)["timeout_ms"], 900);
  set = run({"config", "set", "demo/hello", config.string(), "--json"});
  ASSERT_EQ(set.code, 0) << set.err;
  EXPECT_EQ(set.json()["config"]["timeout_ms"], 1500);

  // Local JSON errors are usage errors; the server's own checks are 7.
  EXPECT_EQ(run({"config", "set", "demo/hello"}, "{nope").code, 1);
  const CliResult invalid = run({"config", "set", "demo/hello"}, R"({"timeout_ms": 99999999})");
  EXPECT_EQ(invalid.code, 7);
  EXPECT_NE(invalid.err.find("(invalid_config, HTTP 400)"), std::string::npos) << invalid.err;
  EXPECT_EQ(run({"deploy", component_path("hello"), "demo/x", "--config", "/nonexistent.json"}).code, 1);
}

TEST_F(ClientCliTest, LsVersionsAndBuckets) {
  deploy("hello", "hello");
  deploy("hello", "hello");
  deploy("fibonacci", "dir/fib");
  CliResult buckets = run({"ls"});
  ASSERT_EQ(buckets.code, 0) << buckets.err;
  EXPECT_EQ(buckets.out, "BUCKET\ndemo\n");
  EXPECT_EQ(run({"ls", "--json"}).json()["buckets"][0]["name"], "demo");

  CliResult functions = run({"ls", "demo"});
  ASSERT_EQ(functions.code, 0);
  EXPECT_TRUE(functions.out.starts_with("FUNCTION")) << functions.out;
  EXPECT_NE(functions.out.find("dir/fib "), std::string::npos) << functions.out;
  EXPECT_EQ(count_lines(functions.out), 3u);
  EXPECT_EQ(run({"ls", "demo", "--json"}).json()["files"].size(), 2u);

  CliResult versions = run({"versions", "demo/hello"});
  ASSERT_EQ(versions.code, 0) << versions.err;
  EXPECT_EQ(count_lines(versions.out), 3u) << versions.out;
  EXPECT_NE(versions.out.find("yes"), std::string::npos);
  const json listed = run({"versions", "demo/hello", "--json"}).json();
  ASSERT_EQ(listed["versions"].size(), 2u);
  EXPECT_TRUE(listed["versions"][0]["latest"].get<bool>());

  EXPECT_EQ(run({"bucket", "create", "other"}).out, "created bucket other\n");
  EXPECT_EQ(run({"bucket", "create", "other"}).code, 6);
  EXPECT_EQ(run({"bucket", "rm", "other", "--json"}).json()["deleted"], true);
  const CliResult not_empty = run({"bucket", "rm", "demo"});
  EXPECT_EQ(not_empty.code, 6);
  EXPECT_NE(not_empty.err.find("bucket_not_empty, HTTP 409"), std::string::npos) << not_empty.err;
}

TEST_F(ClientCliTest, LogsAndFollow) {
  deploy("hello", "hello");
  ASSERT_EQ(run({"invoke", "demo/hello", R"({"name":"one"})"}).code, 0);
  ASSERT_EQ(run({"invoke", "demo/hello", R"({"name":"two"})"}).code, 0);

  CliResult logs = run({"logs", "demo/hello"});
  ASSERT_EQ(logs.code, 0) << logs.err;
  const json listed = run({"logs", "demo/hello", "--json"}).json();
  ASSERT_EQ(listed["invocations"].size(), 2u);
  // Oldest first for people; the newest request id comes last.
  const std::string newest = listed["invocations"][0]["request_id"];
  const std::string oldest = listed["invocations"][1]["request_id"];
  EXPECT_LT(logs.out.find(oldest), logs.out.find(newest)) << logs.out;
  EXPECT_EQ(count_lines(run({"logs", "demo/hello", "--limit", "1"}).out), count_lines(logs.out) / 2);

  // --follow prints each invocation once, new ones as they come.
  int polls = 0;
  testing::HttpClient http(server_.port());
  std::string third;
  const CliResult followed = cli_.run({"logs", "demo/hello", "--follow", "--json"}, "", [&] {
    ++polls;
    if (polls == 3) third = http.post("/exec/demo/hello", R"({"name":"three"})").header("x-request-id");
    return polls <= 5;
  });
  ASSERT_EQ(followed.code, 0) << followed.err;
  EXPECT_EQ(count_lines(followed.out), 3u) << followed.out;
  EXPECT_NE(followed.out.find(third), std::string::npos) << followed.out;
  EXPECT_LT(followed.out.find(oldest), followed.out.find(third));
}

TEST_F(ClientCliTest, Pipelines) {
  deploy("fixture_upper", "upper");
  deploy("fixture_lower", "lower");
  CliResult set = run({"pipeline", "set", "demo/shout", "--step", "lower", "--step", "upper"});
  ASSERT_EQ(set.code, 0) << set.err;
  EXPECT_EQ(set.out, "stored pipeline demo/shout (2 steps)\n");
  set = run({"pipeline", "set", "demo/quiet", "--json"}, R"({"steps":["upper","lower"]})");
  ASSERT_EQ(set.code, 0) << set.err;
  EXPECT_EQ(set.json()["steps"].size(), 2u);

  EXPECT_EQ(run({"pipeline", "ls", "demo"}).out, "quiet\nshout\n");
  EXPECT_EQ(run({"pipeline", "ls", "demo", "--json"}).json()["pipelines"].size(), 2u);
  EXPECT_EQ(run({"pipeline", "get", "demo/shout"}).out, "1. lower\n2. upper\n");
  EXPECT_EQ(run({"pipeline", "get", "demo/shout", "--json"}).json()["steps"][1], "upper");

  EXPECT_EQ(run({"pipeline", "run", "demo/shout", "Hello"}).out, "HELLO");
  EXPECT_EQ(run({"pipeline", "run", "demo/quiet"}, "Hello").out, "hello");
  EXPECT_EQ(run({"pipeline", "run", "demo/quiet", "Hi", "--json"}).json()["output"], "hi");
  const CliResult traced = run({"pipeline", "run", "demo/shout", "Hi", "--trace"});
  EXPECT_EQ(json::parse(traced.out)["steps"].size(), 2u);

  EXPECT_EQ(run({"pipeline", "rm", "demo/quiet"}).code, 0);
  const CliResult gone = run({"pipeline", "get", "demo/quiet"});
  EXPECT_EQ(gone.code, 5);
  EXPECT_NE(gone.err.find("pipeline_not_found, HTTP 404"), std::string::npos) << gone.err;
  EXPECT_EQ(run({"pipeline", "set", "demo/bad", "--step", "missing"}).code, 5);
  EXPECT_EQ(run({"pipeline", "set", "demo/bad"}, R"({"steps":"x"})").code, 7);
}

TEST_F(ClientCliTest, Jobs) {
  deploy("hello", "hello");
  CliResult submitted = run({"jobs", "submit", "demo/hello", R"({"name":"job"})"});
  ASSERT_EQ(submitted.code, 0) << submitted.err;
  const std::string id = submitted.out.substr(0, submitted.out.size() - 1);
  ASSERT_FALSE(id.empty());

  json job;
  for (int i = 0; i < 3000; ++i) {
    job = run({"jobs", "get", id, "--json"}).json();
    if (job["status"] == "succeeded") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(job["status"], "succeeded") << job.dump();
  EXPECT_NE(run({"jobs", "get", id}).out.find("status: succeeded"), std::string::npos);

  const CliResult listed = run({"jobs", "ls", "--bucket", "demo"});
  EXPECT_NE(listed.out.find(id), std::string::npos) << listed.out;
  EXPECT_EQ(run({"jobs", "ls", "--bucket", "demo", "--json"}).json()["jobs"][0]["job"], id);

  // Retrying or cancelling a job that succeeded clashes with its state.
  const CliResult retry = run({"jobs", "retry", id});
  EXPECT_EQ(retry.code, 6);
  EXPECT_NE(retry.err.find("(conflict, HTTP 409)"), std::string::npos) << retry.err;
  EXPECT_EQ(run({"jobs", "cancel", id}).code, 6);
  EXPECT_EQ(run({"jobs", "get", "nosuchjob"}).code, 5);

  // The same idempotency key: the same job.
  const std::string a =
      run({"jobs", "submit", "demo/hello", "x", "--idempotency-key", "k1", "--json"}).json()["job"];
  const std::string b =
      run({"jobs", "submit", "demo/hello", "x", "--idempotency-key", "k1", "--json"}).json()["job"];
  EXPECT_EQ(a, b);

  const CliResult purged = run({"jobs", "purge", "--bucket", "demo", "--status", "succeeded", "--json"});
  ASSERT_EQ(purged.code, 0) << purged.err;
  EXPECT_GE(purged.json()["purged"].get<int>(), 1);
  EXPECT_EQ(run({"jobs", "get", id}).code, 5);
}

TEST_F(ClientCliTest, Schedules) {
  deploy("hello", "hello");
  CliResult set = run({"schedule", "set", "demo/nightly", "--cron", "0 3 * * *", "--function",
                       "hello", "--input", "{}", "--timezone", "Europe/Luxembourg"});
  ASSERT_EQ(set.code, 0) << set.err;
  EXPECT_TRUE(set.out.starts_with("schedule demo/nightly: 0 3 * * * (Europe/Luxembourg), next "))
      << set.out;
  set = run({"schedule", "set", "demo/hourly", "--json"},
            R"({"cron":"@hourly","function":"hello"})");
  ASSERT_EQ(set.code, 0) << set.err;
  EXPECT_EQ(set.json()["cron"], "@hourly");

  const CliResult listed = run({"schedule", "ls", "demo"});
  EXPECT_EQ(count_lines(listed.out), 3u) << listed.out;
  EXPECT_EQ(run({"schedule", "ls", "demo", "--json"}).json()["schedules"].size(), 2u);
  EXPECT_NE(run({"schedule", "get", "demo/nightly"}).out.find("timezone: Europe/Luxembourg"),
            std::string::npos);
  EXPECT_EQ(run({"schedule", "get", "demo/nightly", "--json"}).json()["next_fires"].size(), 5u);
  EXPECT_EQ(run({"schedule", "pause", "demo/nightly", "--json"}).json()["paused"], true);
  EXPECT_EQ(run({"schedule", "resume", "demo/nightly", "--json"}).json()["paused"], false);
  EXPECT_EQ(run({"schedule", "rm", "demo/hourly"}).out, "deleted schedule demo/hourly\n");
  EXPECT_EQ(run({"schedule", "get", "demo/hourly"}).code, 5);
  EXPECT_EQ(run({"schedule", "set", "demo/bad", "--cron", "61 * * * *", "--function", "hello"}).code,
            7);
}

TEST_F(ClientCliTest, KeyValue) {
  CliResult set = run({"kv", "set", "demo/default/greeting", "hello\nworld"});
  ASSERT_EQ(set.code, 0) << set.err;
  EXPECT_EQ(set.out, "set demo/default/greeting (11 bytes)\n");
  set = run({"kv", "set", "demo/default/dir/key", "--json"}, std::string("bin\0ary", 7));
  ASSERT_EQ(set.code, 0) << set.err;
  EXPECT_EQ(set.json()["bytes"], 7);

  EXPECT_EQ(run({"kv", "get", "demo/default/greeting"}).out, "hello\nworld");
  EXPECT_EQ(run({"kv", "get", "demo/default/dir/key"}).out, std::string("bin\0ary", 7));
  EXPECT_EQ(run({"kv", "ls", "demo/default"}).out, "dir/key\ngreeting\n");
  EXPECT_EQ(run({"kv", "ls", "demo/default", "--prefix", "gr", "--json"}).json()["keys"],
            json::array({"greeting"}));
  const CliResult page = run({"kv", "ls", "demo/default", "--limit", "1"});
  EXPECT_EQ(page.out, "dir/key\n");
  EXPECT_NE(page.err.find("more: --cursor "), std::string::npos);

  EXPECT_EQ(run({"kv", "rm", "demo/default/greeting"}).out, "deleted demo/default/greeting\n");
  const CliResult missing = run({"kv", "get", "demo/default/greeting"});
  EXPECT_EQ(missing.code, 5);
  EXPECT_NE(missing.err.find("key_not_found"), std::string::npos) << missing.err;
  EXPECT_EQ(run({"kv", "get", "demo/default"}).code, 1);  // no key
}

TEST_F(ClientCliTest, ErrorsHaveTheirExitCodesAndMessages) {
  // 404 (and the error body on stdout with --json).
  CliResult result = run({"invoke", "demo/nope", "x"});
  EXPECT_EQ(result.code, 5);
  EXPECT_EQ(result.err, "error: no function 'nope' in bucket 'demo' (function_not_found, HTTP 404)\n");
  EXPECT_EQ(result.out, "");
  result = run({"invoke", "demo/nope", "x", "--json"});
  EXPECT_EQ(result.code, 5);
  EXPECT_EQ(result.json()["code"], "function_not_found");
  EXPECT_EQ(result.json()["status"], 404);
  EXPECT_EQ(run({"ls", "nobucket"}).code, 5);

  // 422: not a component.
  const auto junk = write_file("junk.wasm", "not wasm");
  result = run({"deploy", junk.string(), "demo/junk"});
  EXPECT_EQ(result.code, 7);
  EXPECT_NE(result.err.find("(invalid_component, HTTP 422)"), std::string::npos) << result.err;
  // 400: a bad bucket name.
  result = run({"ls", "No_Such"});
  EXPECT_EQ(result.code, 7);
  EXPECT_NE(result.err.find("(invalid_argument, HTTP 400)"), std::string::npos) << result.err;
  // 5xx: a trap.
  deploy("fixture_trap", "trap");
  result = run({"invoke", "demo/trap", "x"});
  EXPECT_EQ(result.code, 8);
  EXPECT_NE(result.err.find("(function_trapped, HTTP 500)"), std::string::npos) << result.err;

  // Usage and local input: 1.
  EXPECT_EQ(run({"deploy", "/nonexistent.wasm", "demo/x"}).code, 1);
  EXPECT_EQ(run({"invoke", "justabucket"}).code, 1);
  EXPECT_EQ(run({"ls", "--no-such-flag"}).code, 1);
  EXPECT_EQ(run({"alias", "set", "demo/x", "prod", "v", "--weight", "5"}).code, 1);
  EXPECT_EQ(run({"--help"}).code, 0);

  // Unreachable: a port nobody listens on.
  result = run({"ls", "--server", "http://127.0.0.1:" + std::to_string(testing::free_port())});
  EXPECT_EQ(result.code, 2);
  EXPECT_TRUE(result.err.starts_with("error: cannot reach the server at http://127.0.0.1:"))
      << result.err;
  EXPECT_EQ(run({"ls", "--server", "localhost:1"}).code, 1);
}

constexpr char kAdminSecret[] = "wfs_admin_secret_for_cli_tests";
constexpr char kTeamSecret[] = "wfs_team_secret_for_cli_tests";  // admin of team-a only

server::ServerConfig with_tokens() {
  server::ServerConfig config;
  config.access.tokens = {
      http::parse_token_line("root:admin:" + sha256_hex(std::string_view(kAdminSecret))).value(),
      http::parse_token_line("team:admin:" + sha256_hex(std::string_view(kTeamSecret)) + ":team-a")
          .value()};
  return config;
}

TEST(ClientCliTokens, TokensFromFlagsEnvironmentAndProfiles) {
  TestServer server(with_tokens());
  CliUser cli(server.port());
  ASSERT_EQ(cli.run({"bucket", "create", "team-a", "--token", kAdminSecret}).code, 0);
  ASSERT_EQ(cli.run({"bucket", "create", "team-b", "--token", kAdminSecret}).code, 0);

  // 401 without a token, and with a wrong one.
  CliResult result = cli.run({"ls"});
  EXPECT_EQ(result.code, 3);
  EXPECT_NE(result.err.find("(unauthenticated, HTTP 401)"), std::string::npos) << result.err;
  EXPECT_EQ(cli.run({"ls", "--token", "wfs_wrong"}).code, 3);

  // 403: a token for another bucket.
  result = cli.run({"ls", "team-b", "--token", kTeamSecret});
  EXPECT_EQ(result.code, 4);
  EXPECT_NE(result.err.find("(permission_denied, HTTP 403)"), std::string::npos) << result.err;
  EXPECT_EQ(cli.run({"ls", "team-a", "--token", kTeamSecret}).code, 0);

  // WASMFAAS_TOKEN, then the profile (flag beats both).
  cli.env()["WASMFAAS_TOKEN"] = kTeamSecret;
  EXPECT_EQ(cli.run({"ls", "team-b"}).code, 4);
  EXPECT_EQ(cli.run({"ls", "team-b", "--token", kAdminSecret}).code, 0);
  cli.env().erase("WASMFAAS_TOKEN");
  const std::string server_url = cli.env()["WASMFAAS_SERVER"];
  cli.env().erase("WASMFAAS_SERVER");
  const auto file = cli.config_dir() / "wasmfaas" / "config.toml";
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << "[profile.default]\nserver = \"" << server_url << "\"\ntoken = \""
                      << kAdminSecret << "\"\n[profile.team]\nserver = \"" << server_url
                      << "\"\ntoken = \"" << kTeamSecret << "\"\n";
  ASSERT_EQ(::chmod(file.c_str(), 0600), 0);
  EXPECT_EQ(cli.run({"ls", "team-b"}).code, 0);
  EXPECT_EQ(cli.run({"ls", "team-b", "--profile", "team"}).code, 4);
  cli.env()["WASMFAAS_PROFILE"] = "team";
  EXPECT_EQ(cli.run({"ls", "team-b"}).code, 4);
  EXPECT_EQ(cli.run({"ls", "team-b", "--profile", "nope"}).code, 1);
  cli.env().erase("WASMFAAS_PROFILE");

  // A profile file others may read is refused, with its own exit code.
  ASSERT_EQ(::chmod(file.c_str(), 0644), 0);
  result = cli.run({"ls"});
  EXPECT_EQ(result.code, 9);
  EXPECT_NE(result.err.find("chmod 600"), std::string::npos) << result.err;
}

// The binary itself: --help lists the client commands and exit codes, a
// usage error is 1, an unreachable server 2.
int run_binary(const std::string& args, std::string* output = nullptr) {
  FILE* pipe = ::popen((std::string(WASMFAAS_BINARY) + " " + args + " 2>&1").c_str(), "r");
  std::string text;
  char buffer[4096];
  while (const size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) text.append(buffer, n);
  const int status = ::pclose(pipe);
  if (output) *output = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(ClientCliBinary, HelpUsageAndUnreachable) {
  std::string output;
  EXPECT_EQ(run_binary("--help", &output), 0);
  for (const char* command : {"deploy", "invoke", "versions", "rollback", "alias", "logs", "config",
                              "pipeline", "jobs", "schedule", "kv", "Exit codes"}) {
    EXPECT_NE(output.find(command), std::string::npos) << command;
  }
  EXPECT_EQ(run_binary("invoke", &output), 1);
  EXPECT_EQ(run_binary("no-such-command"), 1);
  EXPECT_EQ(run_binary("ls --server http://127.0.0.1:" + std::to_string(testing::free_port()),
                       &output),
            2);
  EXPECT_NE(output.find("cannot reach the server"), std::string::npos) << output;
}

}  // namespace
}  // namespace wasmfaas
