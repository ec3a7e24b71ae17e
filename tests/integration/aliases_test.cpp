// Aliases, canary and rollback over a real server: setting, listing and
// deleting aliases; exec ?alias= naming the version that ran; the canary's
// split over many calls; alias steps of pipelines; rollbacks keeping the
// history; refusals (aliased versions, bad bodies, unknown versions,
// ?alias with ?version) and bucket-restricted tokens.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "common/hash.h"
#include "http/access_control.h"
#include "support/components.h"
#include "support/http_client.h"
#include "support/test_server.h"

namespace wasmfaas {
namespace {

using boost::beast::http::verb;
using nlohmann::json;
using testing::HttpClient;
using testing::HttpResult;
using testing::load_component_text;
using testing::TestServer;

constexpr char kAdmin[] = "wfs_alias_admin_for_tests";
constexpr char kAppsAdmin[] = "wfs_alias_apps_admin_for_tests";  // admin of bucket apps only
constexpr char kAppsInvoke[] = "wfs_alias_apps_invoke_for_tests";  // invoke, bucket apps only

constexpr char kInput[] = R"({"name":"World"})";
constexpr char kHelloOutput[] = R"({"result":"Hello World, how are you?"})";
constexpr char kUpperOutput[] = R"({"NAME":"WORLD"})";

server::ServerConfig secured() {
  const auto token = [](const std::string& line) { return http::parse_token_line(line).value(); };
  server::ServerConfig config;
  config.access.tokens = {
      token("root:admin:" + sha256_hex(std::string_view(kAdmin))),
      token("apps-admin:admin:" + sha256_hex(std::string_view(kAppsAdmin)) + ":apps"),
      token("apps-invoke:invoke:" + sha256_hex(std::string_view(kAppsInvoke)) + ":apps")};
  return config;
}

class AliasesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const std::string bucket : {"apps", "other"}) {
      ASSERT_EQ(send(kAdmin, verb::put, "/bucket/" + bucket).status, 201);
    }
    hello_ = upload("apps", "greet", "hello");
    upper_ = upload("apps", "greet", "fixture_upper");  // current
    other_ = upload("other", "greet", "hello");
  }

  HttpResult send(const char* secret, verb method, const std::string& target,
                  const std::string& body = "", const std::string& type = "application/json") {
    std::map<std::string, std::string> headers = {{"Content-Type", type}};
    headers["Authorization"] = std::string("Bearer ") + secret;
    return client_.request(method, target, body, headers);
  }
  std::string upload(const std::string& bucket, const std::string& key,
                     const std::string& component) {
    const HttpResult result = send(kAdmin, verb::post, "/file/" + bucket + "/" + key,
                                   load_component_text(component), "application/wasm");
    EXPECT_EQ(result.status, 201) << result.body;
    return json::parse(result.body).value("version", "");
  }
  HttpResult set_alias(const std::string& name, const json& body,
                       const std::string& function = "apps/greet") {
    return send(kAdmin, verb::put, "/aliases/" + function + "?name=" + name, body.dump());
  }
  HttpResult exec(const std::string& query, const char* secret = kAdmin) {
    return send(secret, verb::post, "/exec/apps/greet" + query, kInput);
  }
  std::string code(const HttpResult& result) {
    return json::parse(result.body, nullptr, false).value("code", "");
  }
  // How many of `calls` execs of alias `name` ran the upper version; every
  // answer must be one of the alias's two versions, named with the alias.
  int canary_runs(const std::string& name, int calls) {
    int upper = 0;
    for (int i = 0; i < calls; ++i) {
      const HttpResult result = exec("?alias=" + name);
      EXPECT_EQ(result.status, 200) << result.body;
      EXPECT_EQ(result.header("x-function-alias"), name);
      const std::string version = result.header("x-function-version");
      if (version == upper_) {
        EXPECT_EQ(result.body, kUpperOutput);
        ++upper;
      } else {
        EXPECT_EQ(version, hello_);
        EXPECT_EQ(result.body, kHelloOutput);
      }
    }
    return upper;
  }

  TestServer server_{secured()};
  HttpClient client_{server_.port()};
  std::string hello_, upper_, other_;
};

TEST_F(AliasesTest, AliasesAreSetListedAndDeleted) {
  const HttpResult prod = set_alias("prod", {{"version", hello_}});
  ASSERT_EQ(prod.status, 200) << prod.body;
  EXPECT_EQ(json::parse(prod.body), json({{"name", "prod"}, {"version", hello_}}));
  const json canary = {{"version", hello_}, {"canary", {{"version", upper_}, {"weight", 10}}}};
  const HttpResult beta = set_alias("beta", canary);
  ASSERT_EQ(beta.status, 200) << beta.body;
  EXPECT_EQ(json::parse(beta.body)["canary"], canary["canary"]);

  const HttpResult listed = send(kAdmin, verb::get, "/aliases/apps/greet");
  ASSERT_EQ(listed.status, 200);
  const json aliases = json::parse(listed.body)["aliases"];
  ASSERT_EQ(aliases.size(), 2u);
  EXPECT_EQ(aliases[0]["name"], "beta");  // sorted by name
  EXPECT_EQ(aliases[0]["canary"]["weight"], 10);
  EXPECT_EQ(aliases[1], json({{"name", "prod"}, {"version", hello_}}));
  EXPECT_FALSE(aliases[1].contains("canary"));

  const HttpResult deleted = send(kAdmin, verb::delete_, "/aliases/apps/greet?name=beta");
  EXPECT_EQ(deleted.status, 204);
  EXPECT_TRUE(deleted.body.empty());
  const HttpResult again = send(kAdmin, verb::delete_, "/aliases/apps/greet?name=beta");
  EXPECT_EQ(again.status, 404);
  EXPECT_EQ(code(again), "alias_not_found");
  EXPECT_EQ(json::parse(send(kAdmin, verb::get, "/aliases/apps/greet").body)["aliases"].size(),
            1u);
}

TEST_F(AliasesTest, ExecOfAnAliasRunsItsVersionAndSaysWhich) {
  ASSERT_EQ(set_alias("prod", {{"version", hello_}}).status, 200);
  const HttpResult aliased = exec("?alias=prod");
  ASSERT_EQ(aliased.status, 200) << aliased.body;
  EXPECT_EQ(aliased.body, kHelloOutput);
  EXPECT_EQ(aliased.header("x-function-version"), hello_);
  EXPECT_EQ(aliased.header("x-function-alias"), "prod");
  // Without the alias: the current version, no alias header.
  const HttpResult current = exec("");
  EXPECT_EQ(current.body, kUpperOutput);
  EXPECT_EQ(current.header("x-function-version"), upper_);
  EXPECT_EQ(current.header("x-function-alias"), "");
  // Repointed: the next call runs the new version (freshness window 0).
  ASSERT_EQ(set_alias("prod", {{"version", upper_}}).status, 200);
  const HttpResult moved = exec("?alias=prod");
  EXPECT_EQ(moved.body, kUpperOutput);
  EXPECT_EQ(moved.header("x-function-version"), upper_);
  // An invoke token may run an alias of its bucket.
  EXPECT_EQ(exec("?alias=prod", kAppsInvoke).status, 200);
}

TEST_F(AliasesTest, TheCanaryRunsForItsWeightOfCalls) {
  // n calls at weight p run the canary n*p times on average, with a standard
  // deviation of sqrt(n*p*(1-p)): for n = 2000, 13.4 at 10% and 19.4 at 25%.
  // The tolerance is 6 of them (80 and 116): a correct pick fails it about
  // once in 10^9 runs, a pick off by 5 points (100 calls) fails it at once.
  for (const auto& [weight, tolerance] : {std::pair{10, 80}, std::pair{25, 116}}) {
    const std::string name = "w" + std::to_string(weight);
    ASSERT_EQ(set_alias(name, {{"version", hello_},
                               {"canary", {{"version", upper_}, {"weight", weight}}}})
                  .status,
              200);
    const int runs = canary_runs(name, 2000);
    EXPECT_NEAR(runs, 2000 * weight / 100, tolerance) << "weight " << weight;
  }
  // 0 and 100 are exact.
  ASSERT_EQ(set_alias("never", {{"version", hello_},
                                {"canary", {{"version", upper_}, {"weight", 0}}}})
                .status,
            200);
  EXPECT_EQ(canary_runs("never", 200), 0);
  ASSERT_EQ(set_alias("always", {{"version", hello_},
                                 {"canary", {{"version", upper_}, {"weight", 100}}}})
                .status,
            200);
  EXPECT_EQ(canary_runs("always", 200), 200);
}

TEST_F(AliasesTest, APipelineStepRunsAnAlias) {
  ASSERT_EQ(set_alias("prod", {{"version", hello_}}).status, 200);
  const HttpResult stored = send(kAdmin, verb::put, "/pipeline/apps/flow",
                                 json{{"steps", {"greet#prod", "greet"}}}.dump());
  ASSERT_EQ(stored.status, 201) << stored.body;
  EXPECT_EQ(json::parse(stored.body)["steps"], json({"greet#prod", "greet"}));
  const HttpResult traced = send(kAdmin, verb::post, "/pipeline/apps/flow/exec?trace=1", kInput);
  ASSERT_EQ(traced.status, 200) << traced.body;
  const json trace = json::parse(traced.body);
  ASSERT_EQ(trace["steps"].size(), 2u);
  EXPECT_EQ(trace["steps"][0]["key"], "greet#prod");
  EXPECT_EQ(trace["steps"][0]["version"], hello_);
  EXPECT_EQ(trace["steps"][0]["output"], json::parse(kHelloOutput));
  EXPECT_EQ(trace["steps"][1]["version"], upper_);
  EXPECT_EQ(trace["output"], json::parse(R"({"RESULT":"HELLO WORLD, HOW ARE YOU?"})"));

  const HttpResult adhoc =
      send(kAdmin, verb::post, "/pipeline/exec?trace=1",
           json{{"steps", {"apps/greet#prod"}}, {"input", json::parse(kInput)}}.dump());
  ASSERT_EQ(adhoc.status, 200) << adhoc.body;
  EXPECT_EQ(json::parse(adhoc.body)["steps"][0]["version"], hello_);

  // A step naming an alias that does not exist.
  const HttpResult missing = send(kAdmin, verb::put, "/pipeline/apps/broken",
                                  json{{"steps", {"greet#nope"}}}.dump());
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(code(missing), "alias_not_found");
  ASSERT_EQ(send(kAdmin, verb::delete_, "/aliases/apps/greet?name=prod").status, 204);
  const HttpResult gone = send(kAdmin, verb::post, "/pipeline/apps/flow/exec", kInput);
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(code(gone), "alias_not_found");
}

TEST_F(AliasesTest, RollbackMakesAnEarlierVersionCurrentKeepingTheHistory) {
  // History, newest first: upper+two, upper(+one), hello+one, upper, hello.
  ASSERT_EQ(send(kAdmin, verb::put, "/config/apps/greet", R"({"env":{"STAGE":"zero"}})").status,
            200);
  const std::string hello_one = upload("apps", "greet", "hello");  // keeps STAGE zero
  ASSERT_EQ(send(kAdmin, verb::put, "/config/apps/greet", R"({"env":{"STAGE":"one"}})").status,
            200);
  const auto versions = [&] {
    return json::parse(send(kAdmin, verb::get, "/file/apps/greet?versions").body)["versions"];
  };
  const auto bytes_sha = [&](const std::string& version) {
    return sha256_hex(
        std::string_view(send(kAdmin, verb::get, "/file/apps/greet?version=" + version).body));
  };
  const auto config = [&] {
    return json::parse(send(kAdmin, verb::get, "/config/apps/greet").body);
  };
  const json before = versions();
  ASSERT_EQ(before.size(), 5u);
  const std::string previous = before[1]["version"];
  EXPECT_EQ(previous, hello_one);

  // Default: the version before the current one.
  const HttpResult back = send(kAdmin, verb::post, "/rollback/apps/greet");
  ASSERT_EQ(back.status, 201) << back.body;
  const json rolled = json::parse(back.body);
  EXPECT_EQ(rolled["bucket"], "apps");
  EXPECT_EQ(rolled["key"], "greet");
  EXPECT_EQ(rolled["from"], hello_one);
  const json after = versions();
  ASSERT_EQ(after.size(), 6u);
  EXPECT_EQ(after[0]["version"], rolled["version"]);
  EXPECT_TRUE(after[0]["latest"].get<bool>());
  EXPECT_EQ(bytes_sha(rolled["version"]), bytes_sha(hello_one));
  EXPECT_EQ(config()["env"], json({{"STAGE", "zero"}}));
  const HttpResult ran = exec("");
  EXPECT_EQ(ran.body, kHelloOutput);
  EXPECT_EQ(ran.header("x-function-version"), rolled["version"]);

  // To a named version: its bytes and config (none: the defaults).
  const HttpResult to = send(kAdmin, verb::post, "/rollback/apps/greet",
                             json{{"to", upper_}}.dump());
  ASSERT_EQ(to.status, 201) << to.body;
  const json rolled_to = json::parse(to.body);
  EXPECT_EQ(rolled_to["from"], upper_);
  EXPECT_EQ(versions().size(), 7u);
  EXPECT_EQ(bytes_sha(rolled_to["version"]), bytes_sha(upper_));
  EXPECT_EQ(config()["env"], json::object());
  EXPECT_EQ(exec("").body, kUpperOutput);

  // Refusals.
  const HttpResult current = send(kAdmin, verb::post, "/rollback/apps/greet",
                                  json{{"to", rolled_to["version"]}}.dump());
  EXPECT_EQ(current.status, 409);
  EXPECT_EQ(code(current), "conflict");
  const HttpResult unknown =
      send(kAdmin, verb::post, "/rollback/apps/greet", json{{"to", "nope"}}.dump());
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(code(unknown), "version_not_found");
  EXPECT_EQ(send(kAdmin, verb::post, "/rollback/apps/greet", R"({"to":7})").status, 400);
  EXPECT_EQ(send(kAdmin, verb::post, "/rollback/apps/greet", R"({"to":null})").status, 400);
  EXPECT_EQ(send(kAdmin, verb::post, "/rollback/apps/greet", R"({"from":"x"})").status, 400);
  EXPECT_EQ(send(kAdmin, verb::post, "/rollback/apps/greet", "not json").status, 400);
  const HttpResult single = send(kAdmin, verb::post, "/rollback/other/greet");
  EXPECT_EQ(single.status, 409);
  EXPECT_EQ(code(single), "conflict");
  EXPECT_EQ(send(kAdmin, verb::post, "/rollback/apps/ghost").status, 404);
  EXPECT_EQ(versions().size(), 7u);
}

TEST_F(AliasesTest, AVersionAnAliasPointsToCannotBeDeleted) {
  ASSERT_EQ(set_alias("prod", {{"version", upper_},
                               {"canary", {{"version", hello_}, {"weight", 5}}}})
                .status,
            200);
  for (const std::string& version : {hello_, upper_}) {
    const HttpResult refused = send(kAdmin, verb::delete_, "/file/apps/greet?version=" + version);
    EXPECT_EQ(refused.status, 409);
    EXPECT_EQ(code(refused), "conflict");
    EXPECT_NE(refused.body.find("alias 'prod'"), std::string::npos) << refused.body;
  }
  // Hiding the key keeps the alias, which still runs.
  EXPECT_EQ(send(kAdmin, verb::delete_, "/file/apps/greet").status, 200);
  EXPECT_EQ(exec("").status, 404);
  EXPECT_EQ(exec("?alias=prod").status, 200);
  EXPECT_EQ(send(kAdmin, verb::get, "/aliases/apps/greet").status, 200);
  ASSERT_EQ(send(kAdmin, verb::delete_, "/aliases/apps/greet?name=prod").status, 204);
  EXPECT_EQ(send(kAdmin, verb::delete_, "/file/apps/greet?version=" + hello_).status, 200);
}

TEST_F(AliasesTest, MalformedOrUnknownIsRefused) {
  const auto refused = [&](const HttpResult& result, unsigned status, const std::string& name) {
    EXPECT_EQ(result.status, status) << result.body;
    EXPECT_EQ(code(result), name) << result.body;
  };
  for (const json& weight : {json(-1), json(101), json(12.5), json("10")}) {
    refused(set_alias("prod", {{"version", hello_},
                               {"canary", {{"version", upper_}, {"weight", weight}}}}),
            400, "invalid_argument");
  }
  refused(set_alias("prod", {{"version", "nope"}}), 404, "version_not_found");
  refused(set_alias("prod",
                    {{"version", hello_}, {"canary", {{"version", "nope"}, {"weight", 5}}}}),
          404, "version_not_found");
  // A version of another function.
  refused(set_alias("prod", {{"version", other_}}), 404, "version_not_found");
  refused(set_alias("prod", {{"version", hello_}}, "apps/ghost"), 404, "function_not_found");
  refused(set_alias("Prod", {{"version", hello_}}), 400, "invalid_argument");
  refused(set_alias("123", {{"version", hello_}}), 400, "invalid_argument");
  refused(set_alias("prod", {{"version", hello_}, {"extra", 1}}), 400, "invalid_argument");
  refused(send(kAdmin, verb::put, "/aliases/apps/greet?name=prod", "{"), 400, "invalid_json");
  refused(send(kAdmin, verb::put, "/aliases/apps/greet", json{{"version", hello_}}.dump()), 400,
          "invalid_argument");
  refused(send(kAdmin, verb::delete_, "/aliases/apps/greet"), 400, "invalid_argument");
  refused(send(kAdmin, verb::get, "/aliases/apps/ghost"), 404, "function_not_found");
  refused(send(kAdmin, verb::get, "/aliases/nobucket/greet"), 404, "bucket_not_found");

  ASSERT_EQ(set_alias("prod", {{"version", hello_}}).status, 200);
  refused(exec("?alias=prod&version=" + hello_), 400, "invalid_argument");
  refused(exec("?alias=nope"), 404, "alias_not_found");
  refused(exec("?alias=BAD"), 400, "invalid_argument");
  refused(send(kAdmin, verb::post, "/exec/apps/ghost?alias=prod", kInput), 404,
          "function_not_found");
  // Nothing of these was stored.
  const json aliases = json::parse(send(kAdmin, verb::get, "/aliases/apps/greet").body)["aliases"];
  EXPECT_EQ(aliases, json::array({{{"name", "prod"}, {"version", hello_}}}));
}

TEST_F(AliasesTest, ATokenOfOneBucketReachesOnlyThatBucketsAliases) {
  ASSERT_EQ(set_alias("prod", {{"version", other_}}, "other/greet").status, 200);
  const json body = {{"version", hello_}};
  EXPECT_EQ(send(kAppsAdmin, verb::put, "/aliases/apps/greet?name=prod", body.dump()).status, 200);
  EXPECT_EQ(send(kAppsAdmin, verb::get, "/aliases/apps/greet").status, 200);
  for (const auto& [method, target] :
       std::vector<std::pair<verb, std::string>>{{verb::get, "/aliases/other/greet"},
                                                 {verb::put, "/aliases/other/greet?name=prod"},
                                                 {verb::delete_, "/aliases/other/greet?name=prod"},
                                                 {verb::post, "/rollback/other/greet"}}) {
    const HttpResult refused = send(kAppsAdmin, method, target, body.dump());
    EXPECT_EQ(refused.status, 403) << target;
    EXPECT_EQ(code(refused), "permission_denied");
  }
  // An invoke token runs aliases but does not manage them.
  EXPECT_EQ(send(kAppsInvoke, verb::get, "/aliases/apps/greet").status, 403);
  EXPECT_EQ(send(kAppsInvoke, verb::post, "/exec/other/greet?alias=prod", kInput).status, 403);
  // The other bucket's alias is untouched.
  const json others = json::parse(send(kAdmin, verb::get, "/aliases/other/greet").body);
  EXPECT_EQ(others["aliases"][0]["version"], other_);
}

}  // namespace
}  // namespace wasmfaas
