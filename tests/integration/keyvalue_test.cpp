// State for functions through a whole server on SQLite: the counter example
// in each language (wasi:keyvalue increment, wasi:config greeting), grants
// (an ungranted store is access-denied, never a trap), bucket isolation,
// bucket-restricted tokens, exact increments under contention, the /kv admin
// API with its pagination, limits and quota, and the metrics. The counters
// also run on PostgreSQL.
#include <gtest/gtest.h>

#include <boost/beast/http.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/hash.h"
#include "server/bootstrap.h"
#include "support/components.h"
#include "support/http_client.h"
#include "support/postgres_server.h"
#include "support/temp_dir.h"
#include "support/test_server.h"

namespace wasmfaas {
namespace {

using boost::beast::http::verb;
using nlohmann::json;
using testing::HttpClient;
using testing::HttpResult;
using testing::load_component_text;
using testing::TestServer;

constexpr char kGrantDefault[] = R"({"keyvalue":["default"],"config":{"greeting":"Hi"}})";

HttpResult put_config(HttpClient& client, const std::string& bucket, const std::string& key,
                      const std::string& body) {
  return client.request(verb::put, "/config/" + bucket + "/" + key, body,
                        {{"Content-Type", "application/json"}});
}

HttpResult put_value(HttpClient& client, const std::string& target, const std::string& value) {
  return client.request(verb::put, target, value,
                        {{"Content-Type", "application/octet-stream"}});
}

std::string code_of(const HttpResult& result) {
  return json::parse(result.body, nullptr, false).value("code", std::string());
}

void deploy(HttpClient& client, const std::string& bucket, const std::string& key,
            const std::string& component) {
  const auto created = client.put("/bucket/" + bucket);
  ASSERT_TRUE(created.status == 201 || created.status == 409) << created.body;
  ASSERT_EQ(client.post("/file/" + bucket + "/" + key, load_component_text(component),
                        "application/wasm")
                .status,
            201);
}

json exec_json(HttpClient& client, const std::string& target, const std::string& input = "{}") {
  const HttpResult result = client.post(target, input);
  EXPECT_EQ(result.status, 200) << result.body;
  return json::parse(result.body, nullptr, false);
}

// The counter of each language, on each state database.
struct CounterCase {
  std::string component;
  std::string backend;  // "sqlite" or "postgres"
};

void PrintTo(const CounterCase& counter, std::ostream* out) {
  *out << counter.component << " on " << counter.backend;
}

class CounterTest : public ::testing::TestWithParam<CounterCase> {
 protected:
  CounterTest() {
    if (GetParam().backend == "postgres") {
      testing::PostgresServer& postgres = testing::PostgresServer::shared();
      auto opened = state::open_state_database(postgres.url(postgres.create_database()), {});
      if (!opened) throw std::runtime_error(opened.error().message);
      postgres_ = std::move(*opened);
      server_ = std::make_unique<TestServer>(server::ServerConfig{}, *postgres_);
    } else {
      server_ = std::make_unique<TestServer>();
    }
    client_ = std::make_unique<HttpClient>(server_->port());
  }

  std::unique_ptr<state::StateDatabase> postgres_;
  std::unique_ptr<TestServer> server_;
  std::unique_ptr<HttpClient> client_;
};

std::vector<CounterCase> counter_cases() {
  std::vector<CounterCase> cases;
  for (const char* backend : {"sqlite", "postgres"}) {
    for (const char* component : {"rust-counter", "js-counter", "python-counter"}) {
      cases.push_back({component, backend});
    }
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(LanguagesAndBackends, CounterTest, ::testing::ValuesIn(counter_cases()),
                         [](const auto& info) {
                           std::string name = info.param.component;
                           name.erase(name.find('-'));
                           return name + "_" + info.param.backend;
                         });

TEST_P(CounterTest, CountsInTheGrantedStoreAndReadsItsConfig) {
  HttpClient& client = *client_;
  deploy(client, "functions", "counter", GetParam().component);
  ASSERT_EQ(put_config(client, "functions", "counter", kGrantDefault).status, 200);
  for (int expected = 1; expected <= 3; ++expected) {
    const json output = exec_json(client, "/exec/functions/counter");
    EXPECT_EQ(output, json({{"greeting", "Hi"}, {"key", "count"}, {"count", expected}}));
  }
  const json other = exec_json(client, "/exec/functions/counter", R"({"key":"visits"})");
  EXPECT_EQ(other.value("count", 0), 1);
  EXPECT_EQ(other.value("key", ""), "visits");
  // The same data through the admin API, as decimal text.
  const HttpResult stored = client.get("/kv/functions/default/count");
  EXPECT_EQ(stored.status, 200);
  EXPECT_EQ(stored.body, "3");
}

class UngrantedCounterTest : public ::testing::TestWithParam<std::string> {
 protected:
  TestServer server_;
  HttpClient client_{server_.port()};
};

INSTANTIATE_TEST_SUITE_P(Languages, UngrantedCounterTest,
                         ::testing::Values("rust-counter", "js-counter", "python-counter"),
                         [](const auto& info) {
                           std::string name = info.param;
                           name.erase(name.find('-'));
                           return name;
                         });

TEST_P(UngrantedCounterTest, AnUngrantedStoreIsAccessDeniedNotATrap) {
  deploy(client_, "functions", "counter", GetParam());
  // No config at all, then a config granting another store.
  for (const char* config : {"", R"({"keyvalue":["sessions"]})"}) {
    if (*config) {
      ASSERT_EQ(put_config(client_, "functions", "counter", config).status, 200);
    }
    const HttpResult result = client_.post("/exec/functions/counter", "{}");
    EXPECT_EQ(result.status, 200) << result.body;
    EXPECT_NE(result.body.find("access-denied"), std::string::npos) << result.body;
    EXPECT_EQ(result.body.find("count\":"), std::string::npos) << result.body;
  }
  EXPECT_EQ(client_.get("/kv/functions/default/count").status, 404);
}

TEST(KeyValueLimitsTest, AFunctionOverALimitGetsAnErrorValueAndGoesOn) {
  server::ServerConfig config;
  config.keyvalue.bucket_max_keys = 2;
  TestServer server(config);
  HttpClient client(server.port());
  deploy(client, "functions", "counter", "rust-counter");
  ASSERT_EQ(put_config(client, "functions", "counter", kGrantDefault).status, 200);
  // A key over 256 bytes: the guest gets other(...) naming the limit.
  const json long_key =
      exec_json(client, "/exec/functions/counter", json({{"key", std::string(300, 'k')}}).dump());
  EXPECT_EQ(long_key.value("error", ""), "other: key of 300 bytes exceeds the limit of 256 bytes");
  // Two keys fill the bucket's quota; a third is refused, the first still counts.
  EXPECT_EQ(exec_json(client, "/exec/functions/counter", R"({"key":"a"})").value("count", 0), 1);
  EXPECT_EQ(exec_json(client, "/exec/functions/counter", R"({"key":"b"})").value("count", 0), 1);
  const json over = exec_json(client, "/exec/functions/counter", R"({"key":"c"})");
  EXPECT_NE(over.value("error", "").find("other: "), std::string::npos) << over;
  EXPECT_NE(over.value("error", "").find("quota"), std::string::npos) << over;
  EXPECT_EQ(exec_json(client, "/exec/functions/counter", R"({"key":"a"})").value("count", 0), 2);
  EXPECT_EQ(client.get("/kv/functions/default/c").status, 404);
}

TEST(KeyValueFirstStartTest, ExamplesAreDeployedWithTheConfigBesideThem) {
  testing::TempDir examples;
  std::filesystem::copy_file(testing::component_path("rust-counter"),
                             examples.path() / "counter.wasm");
  std::ofstream(examples.path() / "counter.config.json")
      << R"({"keyvalue":["default"],"config":{"greeting":"Hey"}})";
  TestServer server;
  auto deployment = server::FirstStartDeployment::prepare(server.server().deployments(),
                                                          "examples", examples.path());
  ASSERT_TRUE(deployment.has_value()) << deployment.error().message;
  auto deployed = deployment->deploy(server.server().deployments());
  ASSERT_TRUE(deployed.has_value()) << deployed.error().message;
  EXPECT_EQ(*deployed, 1u);
  HttpClient client(server.port());
  EXPECT_EQ(exec_json(client, "/exec/examples/counter"),
            json({{"greeting", "Hey"}, {"key", "count"}, {"count", 1}}));
}

TEST(KeyValueIsolationTest, ABucketsFunctionSeesOnlyItsOwnBucketsStores) {
  TestServer server;
  HttpClient client(server.port());
  for (const std::string bucket : {"alpha", "beta"}) {
    deploy(client, bucket, "counter", "rust-counter");
    ASSERT_EQ(put_config(client, bucket, "counter", kGrantDefault).status, 200);
  }
  ASSERT_EQ(put_value(client, "/kv/beta/default/count", "41").status, 200);
  EXPECT_EQ(exec_json(client, "/exec/alpha/counter").value("count", 0), 1);
  EXPECT_EQ(exec_json(client, "/exec/alpha/counter").value("count", 0), 2);
  EXPECT_EQ(exec_json(client, "/exec/beta/counter").value("count", 0), 42);
  EXPECT_EQ(client.get("/kv/alpha/default/count").body, "2");
  EXPECT_EQ(client.get("/kv/beta/default/count").body, "42");
}

TEST(KeyValueIsolationTest, DeletingABucketDeletesItsStores) {
  TestServer server;
  HttpClient client(server.port());
  ASSERT_EQ(client.put("/bucket/scratch").status, 201);
  ASSERT_EQ(put_value(client, "/kv/scratch/default/greeting", "hello").status, 200);
  ASSERT_EQ(client.del("/bucket/scratch").status, 200);
  ASSERT_EQ(client.put("/bucket/scratch").status, 201);
  const HttpResult gone = client.get("/kv/scratch/default/greeting");
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(code_of(gone), "key_not_found");
}

TEST(KeyValueAccessTest, ABucketRestrictedTokenReachesOnlyItsBucketsStores) {
  server::ServerConfig config;
  const std::string admin_secret = "admin-secret";
  const std::string alpha_secret = "alpha-secret";
  config.access.tokens.push_back(
      {"admin", http::TokenScope::kAdmin, {}, sha256_hex(admin_secret)});
  config.access.tokens.push_back(
      {"alpha-admin", http::TokenScope::kAdmin, {"alpha"}, sha256_hex(alpha_secret)});
  TestServer server(config);
  HttpClient client(server.port());
  const auto as = [&](const std::string& secret, verb method, const std::string& target,
                      const std::string& body = "") {
    return client.request(method, target, body, {{"Authorization", "Bearer " + secret}});
  };
  for (const std::string bucket : {"alpha", "beta"}) {
    ASSERT_EQ(as(admin_secret, verb::put, "/bucket/" + bucket).status, 201);
    ASSERT_EQ(as(admin_secret, verb::put, "/kv/" + bucket + "/default/k", bucket).status, 200);
  }
  EXPECT_EQ(as(alpha_secret, verb::get, "/kv/alpha/default/k").body, "alpha");
  for (const auto& [method, target] :
       {std::pair{verb::get, "/kv/beta/default/k"}, std::pair{verb::get, "/kv/beta/default"},
        std::pair{verb::put, "/kv/beta/default/k"}, std::pair{verb::delete_, "/kv/beta/default/k"}}) {
    const HttpResult refused = as(alpha_secret, method, target, "x");
    EXPECT_EQ(refused.status, 403) << target;
    EXPECT_EQ(code_of(refused), "permission_denied");
  }
  EXPECT_EQ(as(admin_secret, verb::get, "/kv/beta/default/k").body, "beta");
}

TEST(KeyValueConcurrencyTest, EightClientsTimesFiveHundredIncrementsGiveFourThousand) {
  TestServer server;
  HttpClient setup(server.port());
  deploy(setup, "functions", "counter", "rust-counter");
  ASSERT_EQ(put_config(setup, "functions", "counter", kGrantDefault).status, 200);
  constexpr int kClients = 8;
  constexpr int kCalls = 500;
  std::vector<std::vector<int>> seen(kClients);
  std::vector<std::jthread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      HttpClient client(server.port());
      for (int i = 0; i < kCalls; ++i) {
        const HttpResult result = client.post("/exec/functions/counter", "{}");
        if (result.status != 200) {
          ADD_FAILURE() << result.status << " " << result.body;
          return;
        }
        seen[c].push_back(json::parse(result.body).value("count", -1));
      }
    });
  }
  clients.clear();
  EXPECT_EQ(setup.get("/kv/functions/default/count").body, "4000");
  // Every call saw a distinct value: no two increments were merged.
  std::set<int> distinct;
  for (const auto& values : seen) distinct.insert(values.begin(), values.end());
  EXPECT_EQ(distinct.size(), static_cast<size_t>(kClients * kCalls));
  EXPECT_EQ(*distinct.begin(), 1);
  EXPECT_EQ(*distinct.rbegin(), kClients * kCalls);
}

class KeyValueAdminTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(client_.put("/bucket/data").status, 201); }

  static server::ServerConfig small_limits() {
    server::ServerConfig config;
    config.keyvalue.max_value_bytes = 1024;
    config.keyvalue.max_list_keys = 10;
    config.keyvalue.bucket_max_bytes = 3000;
    config.keyvalue.bucket_max_keys = 40;
    return config;
  }

  TestServer server_{small_limits()};
  HttpClient client_{server_.port()};
};

TEST_F(KeyValueAdminTest, WritesReadsAndDeletesBinaryValues) {
  std::string value;
  for (int i = 0; i < 256; ++i) value.push_back(static_cast<char>(i));
  const HttpResult stored = put_value(client_, "/kv/data/default/bin/ary", value);
  ASSERT_EQ(stored.status, 200) << stored.body;
  EXPECT_EQ(json::parse(stored.body).value("bytes", 0), 256);
  const HttpResult read = client_.get("/kv/data/default/bin/ary");
  EXPECT_EQ(read.status, 200);
  EXPECT_EQ(read.header("content-type"), "application/octet-stream");
  EXPECT_EQ(read.body, value);
  EXPECT_EQ(client_.del("/kv/data/default/bin/ary").status, 204);
  EXPECT_EQ(client_.del("/kv/data/default/bin/ary").status, 204);  // idempotent
  const HttpResult gone = client_.get("/kv/data/default/bin/ary");
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(code_of(gone), "key_not_found");
}

TEST_F(KeyValueAdminTest, ListsKeysInPagesWithAPrefix) {
  std::vector<std::string> expected;
  for (int i = 0; i < 25; ++i) {
    const std::string key = "user/" + std::string(i < 10 ? "0" : "") + std::to_string(i);
    expected.push_back(key);
    ASSERT_EQ(put_value(client_, "/kv/data/sessions/" + key, "v").status, 200);
  }
  ASSERT_EQ(put_value(client_, "/kv/data/sessions/other", "v").status, 200);
  std::vector<std::string> listed;
  std::string cursor;
  int pages = 0;
  do {
    const HttpResult page = client_.get("/kv/data/sessions?prefix=user%2F&limit=10" +
                                        (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(page.status, 200) << page.body;
    const json body = json::parse(page.body);
    for (const auto& key : body["keys"]) listed.push_back(key.get<std::string>());
    cursor = body["cursor"].is_null() ? "" : body["cursor"].get<std::string>();
    ++pages;
  } while (!cursor.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(listed, expected);
  const json all = json::parse(client_.get("/kv/data/sessions").body);
  EXPECT_EQ(all["keys"].size(), 10u);  // the server's page limit
  EXPECT_EQ(json::parse(client_.get("/kv/data/sessions?limit=11").body)["keys"].size(), 10u);
  EXPECT_EQ(client_.get("/kv/data/sessions?limit=0").status, 400);
  EXPECT_EQ(client_.get("/kv/data/sessions?cursor=zz").status, 400);
}

TEST_F(KeyValueAdminTest, BadNamesAndMissingBucketsAreClearErrors) {
  const HttpResult no_bucket = client_.get("/kv/nosuch/default");
  EXPECT_EQ(no_bucket.status, 404);
  EXPECT_EQ(code_of(no_bucket), "bucket_not_found");
  const HttpResult bad_store = put_value(client_, "/kv/data/bad.store/k", "v");
  EXPECT_EQ(bad_store.status, 400);
  EXPECT_EQ(code_of(bad_store), "invalid_argument");
  const HttpResult long_key = put_value(client_, "/kv/data/default/" + std::string(300, 'k'), "v");
  EXPECT_EQ(long_key.status, 400);
  EXPECT_EQ(code_of(long_key), "kv_limit_exceeded");
  const HttpResult unknown = client_.get("/kv/data/default?colour=blue");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(code_of(unknown), "unknown_query_parameter");
}

TEST_F(KeyValueAdminTest, ValueLimitAndBucketQuotaRefuseAndChangeNothing) {
  const HttpResult too_big = put_value(client_, "/kv/data/default/big", std::string(1025, 'x'));
  EXPECT_EQ(too_big.status, 400);
  EXPECT_EQ(code_of(too_big), "kv_limit_exceeded");
  EXPECT_EQ(client_.get("/kv/data/default/big").status, 404);
  // 3000 bytes: two values of 1000 bytes plus their keys fit, a third does
  // not, in any store of the bucket.
  for (const char* key : {"a", "b"}) {
    ASSERT_EQ(put_value(client_, std::string("/kv/data/default/") + key, std::string(1000, 'v'))
                  .status,
              200);
  }
  const HttpResult full = put_value(client_, "/kv/data/other/c", std::string(1000, 'v'));
  EXPECT_EQ(full.status, 507) << full.body;
  EXPECT_EQ(code_of(full), "kv_quota_exceeded");
  EXPECT_EQ(client_.get("/kv/data/other/c").status, 404);
  // Making a value smaller always works, and frees its share; so does
  // removing one.
  EXPECT_EQ(put_value(client_, "/kv/data/default/a", "small").status, 200);
  EXPECT_EQ(put_value(client_, "/kv/data/other/c", std::string(1000, 'v')).status, 200);
  EXPECT_EQ(put_value(client_, "/kv/data/other/d", std::string(1000, 'v')).status, 507);
  EXPECT_EQ(client_.del("/kv/data/default/b").status, 204);
  EXPECT_EQ(put_value(client_, "/kv/data/other/d", std::string(1000, 'v')).status, 200);
}

TEST(KeyValueMetricsTest, OperationsAreCountedByStoreOperationAndOutcome) {
  TestServer server;
  HttpClient client(server.port());
  deploy(client, "functions", "counter", "rust-counter");
  ASSERT_EQ(put_config(client, "functions", "counter", kGrantDefault).status, 200);
  exec_json(client, "/exec/functions/counter");
  ASSERT_EQ(put_config(client, "functions", "counter", "{}").status, 200);
  exec_json(client, "/exec/functions/counter");
  const std::string metrics = client.get("/metrics").body;
  EXPECT_NE(metrics.find(R"(wasmfaas_kv_operations_total{bucket="functions",store="default",operation="increment",outcome="ok"} 1)"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find(R"(operation="open",outcome="denied"} 1)"), std::string::npos);
  EXPECT_NE(metrics.find(R"(wasmfaas_kv_operation_duration_seconds_count{backend="sqlite",operation="increment"} 1)"),
            std::string::npos);
}

}  // namespace
}  // namespace wasmfaas
