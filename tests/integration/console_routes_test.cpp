// The web console's routes (src/http/routes_console.cpp): every embedded
// file served with its content type, strong ETag (304 on a match) and the
// console's security headers; /console redirects to /console/; unknown files
// are 404; the files are open while the API itself asks for a token.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/hash.h"
#include "console/console_assets.h"
#include "http/access_control.h"
#include "support/http_client.h"
#include "support/test_server.h"

namespace wasmfaas {
namespace {

using testing::HttpClient;
using testing::HttpResult;

constexpr char kPolicy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

void expect_security_headers(const HttpResult& result, const std::string& what) {
  EXPECT_EQ(result.header("content-security-policy"), kPolicy) << what;
  EXPECT_EQ(result.header("x-content-type-options"), "nosniff") << what;
  EXPECT_EQ(result.header("referrer-policy"), "no-referrer") << what;
  EXPECT_EQ(result.header("x-frame-options"), "DENY") << what;
}

server::ServerConfig with_admin_token() {
  server::ServerConfig config;
  config.access.tokens = {
      http::parse_token_line("admin:admin:" + sha256_hex(std::string_view("wfs_console_admin")))
          .value()};
  return config;
}

class ConsoleRoutesTest : public ::testing::Test {
 protected:
  testing::TestServer server_{with_admin_token()};
  HttpClient client_{server_.port()};
};

TEST_F(ConsoleRoutesTest, ConsoleRedirectsToItsPage) {
  const HttpResult result = client_.get("/console");
  EXPECT_EQ(result.status, 308);
  EXPECT_EQ(result.header("location"), "/console/");
  expect_security_headers(result, "/console");
}

TEST_F(ConsoleRoutesTest, PageIsServedWithoutATokenWhileTheApiAsksForOne) {
  const HttpResult page = client_.get("/console/");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(page.header("cache-control"), "no-cache");
  EXPECT_NE(page.body.find(R"(<script type="module" src="js/app.js"></script>)"),
            std::string::npos);
  EXPECT_EQ(page.body, console::find_console_asset("index.html")->body);
  expect_security_headers(page, "/console/");
  EXPECT_EQ(client_.get("/bucket").status, 401);
  const HttpResult listed = client_.request(boost::beast::http::verb::get, "/bucket", "",
                                            {{"Authorization", "Bearer wfs_console_admin"}});
  EXPECT_EQ(listed.status, 200) << listed.body;
}

TEST_F(ConsoleRoutesTest, EveryFileIsServedWithItsTypeAndStrongEtag) {
  const auto assets = console::console_assets();
  ASSERT_GE(assets.size(), 10u);
  for (const console::ConsoleAsset& asset : assets) {
    const std::string target = "/console/" + std::string(asset.path);
    const HttpResult result = client_.get(target);
    ASSERT_EQ(result.status, 200) << target;
    EXPECT_EQ(result.header("content-type"), asset.content_type) << target;
    EXPECT_EQ(result.body, asset.body) << target;
    EXPECT_EQ(result.header("etag"), asset.etag) << target;
    EXPECT_EQ(result.header("etag").size(), 34u) << target;  // 32 hex digits, quoted
    EXPECT_EQ(result.header("cache-control"), "no-cache") << target;
    expect_security_headers(result, target);
    // The ETag the browser holds: 304, no body.
    const HttpResult again = client_.request(boost::beast::http::verb::get, target, "",
                                             {{"If-None-Match", std::string(asset.etag)}});
    EXPECT_EQ(again.status, 304) << target;
    EXPECT_TRUE(again.body.empty()) << target;
    EXPECT_EQ(again.header("etag"), asset.etag) << target;
    const HttpResult other = client_.request(boost::beast::http::verb::get, target, "",
                                             {{"If-None-Match", R"("0123", W/"4567")"}});
    EXPECT_EQ(other.status, 200) << target;
  }
  EXPECT_EQ(console::find_console_asset("js/app.js")->content_type,
            "text/javascript; charset=utf-8");
  EXPECT_EQ(console::find_console_asset("console.css")->content_type, "text/css; charset=utf-8");
}

TEST_F(ConsoleRoutesTest, UnknownFilesAre404) {
  for (const std::string target : {"/console/missing.js", "/console/js/nothing/here.css",
                                   "/console/js/../index.html", "/console/%2e%2e/openapi.json"}) {
    const HttpResult result = client_.get(target);
    EXPECT_EQ(result.status, 404) << target << ": " << result.body;
    EXPECT_EQ(nlohmann::json::parse(result.body).value("code", ""), "not_found") << target;
    expect_security_headers(result, target);
  }
  // A trailing slash names no file: no route matches.
  const HttpResult directory = client_.get("/console/js/");
  EXPECT_EQ(directory.status, 404);
  EXPECT_EQ(nlohmann::json::parse(directory.body).value("code", ""), "route_not_found");
  // A query the routes do not take.
  EXPECT_EQ(client_.get("/console/?token=x").status, 400);
  // Other methods.
  EXPECT_EQ(client_.request(boost::beast::http::verb::post, "/console/index.html").status, 405);
}

}  // namespace
}  // namespace wasmfaas
