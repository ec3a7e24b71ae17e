// The route table and the OpenAPI document (docs/openapi.json, served at
// GET /openapi.json) describe the same API: the same operations, each with
// the same access, bucket scoping, query parameters and success status; and
// the document lists exactly the error codes the server can send.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "common/error.h"
#include "http/openapi_document.h"
#include "http/route_table.h"
#include "support/http_client.h"
#include "support/test_server.h"

namespace wasmfaas {
namespace {

using http::Access;
using http::Route;
using nlohmann::json;

std::string access_name(Access access) {
  switch (access) {
    case Access::kOpen: return "open";
    case Access::kMetrics: return "metrics";
    case Access::kReady: return "ready";
    case Access::kInvoke: return "invoke";
    case Access::kAdmin: return "admin";
  }
  return "";
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

class OpenApiContractTest : public ::testing::Test {
 protected:
  testing::TestServer server_;
  const std::vector<Route>& routes_ = server_.server().router().routes().routes();
  const json document_ = json::parse(http::openapi_document());
};

TEST_F(OpenApiContractTest, EveryRouteIsDocumentedAsTheTableDeclaresIt) {
  for (const Route& route : routes_) {
    const std::string path = http::openapi_path(route.path);
    const std::string method = lower(boost::beast::http::to_string(route.method));
    const std::string what = method + " " + path;
    ASSERT_TRUE(document_["paths"].contains(path)) << what << " is not in the document";
    ASSERT_TRUE(document_["paths"][path].contains(method)) << what << " is not in the document";
    const json& operation = document_["paths"][path][method];
    EXPECT_EQ(operation.value("x-wasmfaas-access", ""), access_name(route.access)) << what;
    EXPECT_EQ(operation.value("x-wasmfaas-bucket-scoped", false), route.bucket_scoped) << what;
    EXPECT_TRUE(operation.contains("operationId")) << what;
    const std::string success = std::to_string(static_cast<unsigned>(route.success));
    EXPECT_TRUE(operation["responses"].contains(success)) << what << " lacks " << success;
    std::set<std::string> documented_query, declared_query;
    for (const json& parameter : operation.value("parameters", json::array())) {
      if (parameter.value("in", "") == "query") documented_query.insert(parameter["name"]);
    }
    for (std::string_view name : route.query) declared_query.emplace(name);
    EXPECT_EQ(documented_query, declared_query) << what;
    // Anything but an open route documents its refusals.
    if (route.access != Access::kOpen) {
      EXPECT_TRUE(operation["responses"].contains("401")) << what;
      EXPECT_TRUE(operation["responses"].contains("403")) << what;
    }
  }
}

TEST_F(OpenApiContractTest, EveryDocumentedOperationIsARoute) {
  static const std::set<std::string> kMethods = {"get", "put", "post", "delete", "patch", "head",
                                                 "options"};
  for (const auto& [path, item] : document_["paths"].items()) {
    for (const auto& [method, operation] : item.items()) {
      if (!kMethods.count(method)) continue;
      const bool found = std::any_of(routes_.begin(), routes_.end(), [&](const Route& route) {
        return http::openapi_path(route.path) == path &&
               lower(boost::beast::http::to_string(route.method)) == method;
      });
      EXPECT_TRUE(found) << method << " " << path << " is documented but not a route";
    }
  }
}

TEST_F(OpenApiContractTest, TheDocumentListsExactlyTheErrorCodes) {
  const json& codes = document_["components"]["schemas"]["Error"]["properties"]["code"]["enum"];
  std::set<std::string> documented(codes.begin(), codes.end());
  std::set<std::string> sent;
  for (std::string_view name : all_error_names()) sent.emplace(name);
  EXPECT_EQ(documented, sent);
}

TEST_F(OpenApiContractTest, TheServerServesTheDocument) {
  testing::HttpClient client(server_.port());
  const auto served = client.get("/openapi.json");
  EXPECT_EQ(served.status, 200);
  EXPECT_EQ(served.header("content-type"), "application/json");
  EXPECT_EQ(json::parse(served.body), document_);
  EXPECT_EQ(document_["openapi"].get<std::string>().substr(0, 4), "3.1.");
  const auto root = client.get("/");
  EXPECT_EQ(root.status, 200);
  EXPECT_EQ(json::parse(root.body)["openapi"], "/openapi.json");
}

}  // namespace
}  // namespace wasmfaas
