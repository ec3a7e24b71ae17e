// Opt-in instance reuse ("reuse": {"max_calls": N} in a function's config):
// one instance serves up to N successful calls, never after a failure, and
// never across functions, versions, configs or async jobs.
#include <gtest/gtest.h>

#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/components.h"
#include "support/http_client.h"
#include "support/metrics_wait.h"
#include "support/test_server.h"
#include "integration/jobs_support.h"

namespace wasmfaas {
namespace {

using nlohmann::json;
using testing::HttpClient;
using testing::HttpResult;
using testing::TestServer;
using testing::jobs::deploy;
using testing::jobs::put_config;
using testing::jobs::wait_for_final;

class InstanceReuseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    deploy(client_, "functions", "counter", "fixture_reuse_counter");
  }

  // The output of one call (or "<status>: <body>"), once the call's
  // instance is released (destroyed or kept for reuse: that happens after
  // the answer), so that the next call sees it.
  std::string call(const std::string& key, const std::string& input = "") {
    const HttpResult result = client_.post("/exec/functions/" + key, input, "text/plain");
    EXPECT_TRUE(testing::wait_for_metrics(client_, {"wasmfaas_instances_in_use 0"}));
    if (result.status != 200) return std::to_string(result.status) + ": " + result.body;
    return result.body;
  }

  std::vector<std::string> calls(const std::string& key, int count) {
    std::vector<std::string> outputs;
    for (int i = 0; i < count; ++i) outputs.push_back(call(key));
    return outputs;
  }

  double metric(const std::string& series) {
    return testing::metric(client_.get("/metrics").body, series);
  }

  TestServer server_;
  HttpClient client_{server_.port()};
};

using Outputs = std::vector<std::string>;

TEST_F(InstanceReuseTest, WithoutReuseEveryCallGetsAFreshInstance) {
  EXPECT_EQ(calls("counter", 4), (Outputs{"1", "1", "1", "1"}));
  EXPECT_EQ(metric("wasmfaas_reuse_calls_total"), 0);
  EXPECT_EQ(metric("wasmfaas_reuse_idle_instances"), 0);
}

TEST_F(InstanceReuseTest, AnInstanceServesMaxCallsThenAFreshOneStarts) {
  put_config(client_, "functions", "counter", R"({"reuse":{"max_calls":3}})");
  EXPECT_EQ(json::parse(client_.get("/config/functions/counter").body)["reuse"],
            json::parse(R"({"max_calls":3})"));
  EXPECT_EQ(calls("counter", 7), (Outputs{"1", "2", "3", "1", "2", "3", "1"}));
  EXPECT_EQ(metric("wasmfaas_reuse_calls_total"), 4);
  EXPECT_EQ(metric("wasmfaas_reuse_idle_instances"), 1);
}

TEST_F(InstanceReuseTest, NoCallRunsOnAnInstanceAfterATrap) {
  put_config(client_, "functions", "counter", R"({"reuse":{"max_calls":100}})");
  EXPECT_EQ(calls("counter", 2), (Outputs{"1", "2"}));
  EXPECT_EQ(call("counter", "trap").substr(0, 4), "500:");
  EXPECT_EQ(metric("wasmfaas_reuse_idle_instances"), 0);
  EXPECT_EQ(calls("counter", 2), (Outputs{"1", "2"}));
}

TEST_F(InstanceReuseTest, NoCallRunsOnAnInstanceAfterAFailedCall) {
  put_config(client_, "functions", "counter", R"({"reuse":{"max_calls":100}})");
  EXPECT_EQ(call("counter"), "1");
  // Input that is not UTF-8 fails the call: the instance goes with it.
  EXPECT_EQ(call("counter", "\xFF").substr(0, 4), "400:");
  EXPECT_EQ(call("counter"), "1");
}

TEST_F(InstanceReuseTest, FunctionsAndVersionsNeverShareAnInstance) {
  deploy(client_, "functions", "other", "fixture_reuse_counter");
  put_config(client_, "functions", "counter", R"({"reuse":{"max_calls":100}})");
  put_config(client_, "functions", "other", R"({"reuse":{"max_calls":100}})");
  EXPECT_EQ(call("counter"), "1");
  EXPECT_EQ(call("other"), "1");
  EXPECT_EQ(call("counter"), "2");
  EXPECT_EQ(call("other"), "2");
  EXPECT_EQ(metric("wasmfaas_reuse_idle_instances"), 2);

  // A re-upload is a new version (with the same config): a fresh instance.
  deploy(client_, "functions", "counter", "fixture_reuse_counter");
  EXPECT_EQ(json::parse(client_.get("/config/functions/counter").body)["reuse"]["max_calls"],
            100);
  EXPECT_EQ(call("counter"), "1");
  EXPECT_EQ(call("counter"), "2");
  EXPECT_EQ(call("other"), "3");
}

TEST_F(InstanceReuseTest, AChangedConfigGetsAFreshInstance) {
  put_config(client_, "functions", "counter", R"({"reuse":{"max_calls":100}})");
  EXPECT_EQ(calls("counter", 2), (Outputs{"1", "2"}));
  put_config(client_, "functions", "counter",
             R"({"reuse":{"max_calls":100},"env":{"MODE":"b"}})");
  EXPECT_EQ(calls("counter", 2), (Outputs{"1", "2"}));
}

TEST_F(InstanceReuseTest, APinnedOldVersionKeepsItsOwnInstances) {
  put_config(client_, "functions", "counter", R"({"reuse":{"max_calls":100}})");
  const std::string first = client_.post("/exec/functions/counter", "", "text/plain")
                                .header("x-function-version");
  ASSERT_TRUE(testing::wait_for_metrics(client_, {"wasmfaas_instances_in_use 0"}));
  deploy(client_, "functions", "counter", "fixture_reuse_counter");
  EXPECT_EQ(call("counter"), "1");
  EXPECT_EQ(call("counter?version=" + first), "2");
  EXPECT_EQ(call("counter"), "2");
}

TEST_F(InstanceReuseTest, AsyncJobsNeverReuse) {
  put_config(client_, "functions", "counter", R"({"reuse":{"max_calls":100}})");
  EXPECT_EQ(call("counter"), "1");
  for (int i = 0; i < 3; ++i) {
    const HttpResult submitted = client_.post("/async/functions/counter", "", "text/plain");
    ASSERT_EQ(submitted.status, 202) << submitted.body;
    const json job = wait_for_final(client_, json::parse(submitted.body).at("job"));
    EXPECT_EQ(job.at("status"), "succeeded") << job.dump();
    EXPECT_EQ(job.at("output"), "1") << job.dump();
  }
  // The exec's idle instance was left alone.
  EXPECT_EQ(call("counter"), "2");
}

TEST_F(InstanceReuseTest, EachReusedCallHasItsOwnLog) {
  deploy(client_, "functions", "hello", "hello");
  put_config(client_, "functions", "hello", R"({"reuse":{"max_calls":10}})");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(call("hello", R"({"name":"R"})").substr(0, 9), "{\"result\"");
  EXPECT_EQ(metric("wasmfaas_reuse_calls_total"), 2);
  const json logs = json::parse(client_.get("/logs/functions/hello").body);
  ASSERT_EQ(logs.at("invocations").size(), 3u) << logs.dump();
  for (const json& entry : logs["invocations"]) {
    EXPECT_EQ(entry.at("stdout"), "--- Test output ---\n") << entry.dump();
  }
}

}  // namespace
}  // namespace wasmfaas
