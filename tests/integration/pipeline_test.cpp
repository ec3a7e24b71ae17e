// Pipelines over a real server: stored pipelines and their execution, trace
// mode, swapping a step by re-upload, pinned steps, failing steps, the total
// time limit, ad hoc pipelines and bad definitions.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/components.h"
#include "support/http_client.h"
#include "support/test_server.h"

namespace wasmfaas {
namespace {

using nlohmann::json;
using testing::HttpClient;
using testing::HttpResult;
using testing::load_component_text;
using testing::TestServer;

constexpr char kGreeting[] = R"({"RESULT":"HELLO WORLD, HOW ARE YOU?"})";

server::ServerConfig pipeline_config() {
  server::ServerConfig config;
  config.pipelines.total_timeout = std::chrono::milliseconds(400);
  config.pipelines.max_steps = 8;
  config.execution.invocation.timeout = std::chrono::seconds(5);
  return config;
}

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(client_.put("/bucket/pipes").status, 201);
    for (const auto& [key, component] :
         std::vector<std::pair<std::string, std::string>>{{"name-json", "fixture_name_json"},
                                                          {"hello", "hello"},
                                                          {"upper", "fixture_upper"},
                                                          {"trap", "fixture_trap"},
                                                          {"loop", "fixture_infinite_loop"}}) {
      upload(key, component);
    }
  }

  std::string upload(const std::string& key, const std::string& component) {
    const HttpResult result =
        client_.post("/file/pipes/" + key, load_component_text(component), "application/wasm");
    EXPECT_EQ(result.status, 201) << result.body;
    return json::parse(result.body).value("version", "");
  }

  HttpResult put_pipeline(const std::string& name, const json& steps) {
    return client_.request(boost::beast::http::verb::put, "/pipeline/pipes/" + name,
                           json{{"steps", steps}}.dump(), {{"Content-Type", "application/json"}});
  }

  HttpResult run(const std::string& name, const std::string& input,
                 const std::string& query = "") {
    return client_.post("/pipeline/pipes/" + name + "/exec" + query, input, "text/plain");
  }

  TestServer server_{pipeline_config()};
  HttpClient client_{server_.port()};
};

TEST_F(PipelineTest, AThreeStepPipelineFeedsEachOutputToTheNextStep) {
  const HttpResult created = put_pipeline("greet", {"name-json", "hello", "upper"});
  ASSERT_EQ(created.status, 201) << created.body;
  const HttpResult result = run("greet", "World");
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body, kGreeting);
  EXPECT_EQ(result.header("content-type"), "application/json");

  EXPECT_EQ(json::parse(client_.get("/pipeline/pipes/greet").body)["steps"],
            json({"name-json", "hello", "upper"}));
  EXPECT_EQ(json::parse(client_.get("/pipeline/pipes").body)["pipelines"], json({"greet"}));
  // Pipelines are not functions: the bucket lists only functions.
  const json listing = json::parse(client_.get("/bucket/pipes").body);
  ASSERT_EQ(listing["files"].size(), 5u);
  for (const auto& file : listing["files"]) {
    EXPECT_EQ(file["name"].get<std::string>().find(".wasmfaas"), std::string::npos);
  }
}

TEST_F(PipelineTest, TraceModeShowsEveryStep) {
  ASSERT_EQ(put_pipeline("greet", {"name-json", "hello", "upper"}).status, 201);
  const HttpResult result = run("greet", "World", "?trace=1");
  ASSERT_EQ(result.status, 200) << result.body;
  const json trace = json::parse(result.body);
  EXPECT_EQ(trace["output"], json::parse(kGreeting));
  ASSERT_EQ(trace["steps"].size(), 3u);
  EXPECT_EQ(trace["steps"][0]["key"], "name-json");
  EXPECT_EQ(trace["steps"][0]["output"], json({{"name", "World"}}));
  EXPECT_EQ(trace["steps"][1]["output"], json({{"result", "Hello World, how are you?"}}));
  EXPECT_EQ(trace["steps"][2]["output"], json::parse(kGreeting));
  for (const auto& step : trace["steps"]) {
    EXPECT_FALSE(step["version"].get<std::string>().empty());
    EXPECT_GT(step["ms"].get<double>(), 0.0);
  }
}

TEST_F(PipelineTest, ReuploadingAStepSwapsItAtTheNextRun) {
  ASSERT_EQ(put_pipeline("greet", {"name-json", "hello", "upper"}).status, 201);
  ASSERT_EQ(run("greet", "World").body, kGreeting);
  upload("upper", "fixture_lower");
  EXPECT_EQ(run("greet", "World").body, R"({"result":"hello world, how are you?"})");
}

TEST_F(PipelineTest, APinnedStepIgnoresReuploads) {
  const std::string hello_v1 = upload("hello", "hello");
  ASSERT_EQ(put_pipeline("pinned", {"name-json", "hello@" + hello_v1}).status, 201);
  upload("hello", "fixture_echo");  // the key's latest version now echoes
  EXPECT_EQ(run("pinned", "World").body, R"({"result":"Hello World, how are you?"})");
  ASSERT_EQ(put_pipeline("latest", {"name-json", "hello"}).status, 201);
  EXPECT_EQ(run("latest", "World").body, R"({"name":"World"})");
}

TEST_F(PipelineTest, AFailingMiddleStepNamesTheStepAndReportsNoOutput) {
  ASSERT_EQ(put_pipeline("broken", {"name-json", "trap", "upper"}).status, 201);
  const HttpResult result = run("broken", "World");
  EXPECT_EQ(result.status, 500);
  const std::string error = json::parse(result.body)["error"];
  EXPECT_NE(error.find("pipeline step 2 (trap) failed: function trapped"), std::string::npos)
      << error;
  EXPECT_EQ(result.body.find("WORLD"), std::string::npos);
}

TEST_F(PipelineTest, TheTotalTimeLimitStopsTheRun) {
  ASSERT_EQ(put_pipeline("slow", {"name-json", "loop", "upper"}).status, 201);
  const auto started = std::chrono::steady_clock::now();
  const HttpResult result = run("slow", "World");
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(result.status, 504);
  EXPECT_NE(result.body.find("pipeline step 2 (loop) failed: pipeline exceeded its total time "
                             "limit of 400 ms"),
            std::string::npos)
      << result.body;
  EXPECT_LT(elapsed, std::chrono::seconds(3));  // not the step's own 5 s
}

TEST_F(PipelineTest, BadDefinitionsAreRefusedClearly) {
  const HttpResult missing = put_pipeline("p", {"name-json", "nope"});
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("pipeline step 2 ('nope') does not exist"), std::string::npos)
      << missing.body;
  const HttpResult bad_version = put_pipeline("p", {"hello@0123456789abcdef"});
  EXPECT_EQ(bad_version.status, 404) << bad_version.body;
  EXPECT_EQ(put_pipeline("p", json::array()).status, 400);
  EXPECT_EQ(put_pipeline("p", {1, 2}).status, 400);
  EXPECT_EQ(put_pipeline("p", json(std::vector<std::string>(9, "hello"))).status, 400);
  EXPECT_EQ(put_pipeline("Bad Name", {"hello"}).status, 400);
  const HttpResult unknown_field = client_.request(
      boost::beast::http::verb::put, "/pipeline/pipes/p", R"({"steps":["hello"],"stpes":[]})");
  EXPECT_EQ(unknown_field.status, 400);
  EXPECT_NE(unknown_field.body.find("unknown field 'stpes'"), std::string::npos);
  EXPECT_EQ(client_.request(boost::beast::http::verb::put, "/pipeline/pipes/p", "not json").status,
            400);
  EXPECT_EQ(client_.get("/pipeline/pipes/never").status, 404);
  EXPECT_EQ(run("never", "x").status, 404);
  EXPECT_EQ(client_.post("/file/pipes/.wasmfaas/pipelines/x", load_component_text("hello"),
                         "application/wasm")
                .status,
            400);
}

TEST_F(PipelineTest, DeletedPipelinesAreGone) {
  ASSERT_EQ(put_pipeline("greet", {"hello"}).status, 201);
  EXPECT_EQ(client_.del("/pipeline/pipes/greet").status, 200);
  EXPECT_EQ(client_.get("/pipeline/pipes/greet").status, 404);
  EXPECT_EQ(json::parse(client_.get("/pipeline/pipes").body)["pipelines"], json::array());
}

TEST_F(PipelineTest, AdHocPipelinesNameTheirBuckets) {
  const HttpResult result = client_.post(
      "/pipeline/exec",
      json{{"steps", {"pipes/name-json", "pipes/hello", "pipes/upper"}}, {"input", "World"}}.dump());
  EXPECT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(result.body, kGreeting);
  EXPECT_EQ(client_.post("/pipeline/exec", R"({"steps":["hello"],"input":"x"})").status, 400);
  EXPECT_EQ(client_.post("/pipeline/exec", R"({"steps":["pipes/none"],"input":"x"})").status, 404);
}

}  // namespace
}  // namespace wasmfaas
