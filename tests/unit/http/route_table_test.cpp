#include "http/route_table.h"

#include <gtest/gtest.h>

namespace wasmfaas::http {
namespace {

using beast_http::verb;

std::vector<std::string> segments_of(std::string_view target) {
  return parse_request_target(target).value().segments;
}

class RouteTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto handler = [](const Call&) { return Response(); };
    table_.add({
        {.method = verb::get, .path = "/", .access = Access::kOpen, .label = "root", .handler = handler},
        {.method = verb::post, .path = "/exec/{bucket}/{key+}", .access = Access::kInvoke,
         .label = "exec", .handler = handler},
        {.method = verb::post, .path = "/pipeline/exec", .access = Access::kInvoke,
         .label = "adhoc", .handler = handler},
        {.method = verb::get, .path = "/pipeline/{bucket}", .access = Access::kAdmin,
         .label = "list", .handler = handler},
        {.method = verb::put, .path = "/pipeline/{bucket}/{name}", .access = Access::kAdmin,
         .label = "put", .handler = handler},
        {.method = verb::get, .path = "/pipeline/{bucket}/{name}", .access = Access::kAdmin,
         .label = "get", .handler = handler},
        {.method = verb::post, .path = "/pipeline/{bucket}/{name}/exec", .access = Access::kInvoke,
         .label = "run", .handler = handler},
    });
  }
  RouteTable table_;
};

TEST_F(RouteTableTest, MatchesTemplatesAndBindsParameters) {
  auto match = table_.match(verb::post, segments_of("/exec/b/dir/f.wasm"));
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->label, "exec");
  Call call;
  call.params = match.params;
  EXPECT_EQ(call.param("bucket"), "b");
  EXPECT_EQ(call.param("key"), "dir/f.wasm");
  EXPECT_EQ(call.param("name"), "");
  // An escaped slash is part of one segment, and so of the key.
  match = table_.match(verb::post, segments_of("/exec/b/dir%2Ff"));
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.params[1].second, "dir/f");
  EXPECT_EQ(table_.match(verb::get, segments_of("/")).route->label, "root");
}

TEST_F(RouteTableTest, EmptySegmentsNameNothing) {
  EXPECT_EQ(table_.match(verb::post, segments_of("/exec/b/")).route, nullptr);
  EXPECT_EQ(table_.match(verb::post, segments_of("/exec//f")).route, nullptr);
  EXPECT_EQ(table_.match(verb::post, segments_of("/exec/b")).route, nullptr);
  EXPECT_EQ(table_.match(verb::post, segments_of("/exec/b")).allowed, "");
}

TEST_F(RouteTableTest, LiteralSegmentsWinButDoNotHideOtherMethods) {
  EXPECT_EQ(table_.match(verb::post, segments_of("/pipeline/exec")).route->label, "adhoc");
  EXPECT_EQ(table_.match(verb::get, segments_of("/pipeline/exec")).route->label, "list");
  EXPECT_EQ(table_.match(verb::put, segments_of("/pipeline/b/exec")).route->label, "put");
  EXPECT_EQ(table_.match(verb::post, segments_of("/pipeline/b/exec/exec")).route->label, "run");
}

TEST_F(RouteTableTest, AWrongMethodNamesTheAllowedOnes) {
  const auto match = table_.match(verb::delete_, segments_of("/pipeline/b/p"));
  EXPECT_EQ(match.route, nullptr);
  EXPECT_EQ(match.allowed, "PUT, GET");
  EXPECT_EQ(table_.match(verb::get, segments_of("/nowhere")).allowed, "");
}

TEST(OpenApiPathTest, RestParametersLoseTheirPlus) {
  EXPECT_EQ(openapi_path("/exec/{bucket}/{key+}"), "/exec/{bucket}/{key}");
  EXPECT_EQ(openapi_path("/pipeline/{bucket}"), "/pipeline/{bucket}");
}

}  // namespace
}  // namespace wasmfaas::http
