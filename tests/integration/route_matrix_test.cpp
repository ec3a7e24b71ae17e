// The route matrix, generated from the server's own route table: every
// route x {no token, invoke token of the bucket, invoke token of another
// bucket, admin token} answers what the route's access promises, and an
// allowed call answers the route's success status.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "common/hash.h"
#include "http/access_control.h"
#include "http/route_table.h"
#include "support/components.h"
#include "support/http_client.h"
#include "support/log_capture.h"
#include "support/test_server.h"

namespace wasmfaas {
namespace {

using boost::beast::http::verb;
using http::Access;
using http::Route;
using nlohmann::json;
using testing::HttpClient;
using testing::HttpResult;
using testing::TestServer;

constexpr char kAdmin[] = "wfs_matrix_admin";
constexpr char kInvokeA[] = "wfs_matrix_invoke_a";  // invoke, bucket team-a only
constexpr char kInvokeB[] = "wfs_matrix_invoke_b";  // invoke, bucket team-b only

enum class Caller { kNone, kInvokeOwnBucket, kInvokeOtherBucket, kAdmin };

std::string caller_name(Caller caller) {
  switch (caller) {
    case Caller::kNone: return "no token";
    case Caller::kInvokeOwnBucket: return "invoke token of team-a";
    case Caller::kInvokeOtherBucket: return "invoke token of team-b";
    case Caller::kAdmin: return "admin token";
  }
  return "";
}

server::ServerConfig secured(std::ostringstream& log) {
  server::ServerConfig config;
  config.log = testing::logger_into(log);
  const auto token = [](const std::string& line) { return http::parse_token_line(line).value(); };
  config.access.tokens = {token("root:admin:" + sha256_hex(std::string_view(kAdmin))),
                          token("a:invoke:" + sha256_hex(std::string_view(kInvokeA)) + ":team-a"),
                          token("b:invoke:" + sha256_hex(std::string_view(kInvokeB)) + ":team-b")};
  return config;
}

// The status class the table promises `caller` on `route` (a route on
// bucket team-a): 0 when the call is allowed, else 401 or 403.
unsigned refusal(const Route& route, Caller caller) {
  switch (route.access) {
    case Access::kOpen:
    case Access::kReady:  // public by default
      return 0;
    case Access::kMetrics:
      return caller == Caller::kNone ? 401 : 0;
    case Access::kInvoke:
      if (caller == Caller::kNone) return 401;
      return caller == Caller::kInvokeOtherBucket && route.bucket_scoped ? 403 : 0;
    case Access::kAdmin:
      if (caller == Caller::kNone) return 401;
      return caller == Caller::kAdmin ? 0 : 403;
  }
  return 0;
}

class RouteMatrixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const std::string bucket : {"team-a", "team-b"}) {
      ASSERT_EQ(admin("PUT", "/bucket/" + bucket).status, 201);
      ASSERT_EQ(upload(bucket, "f").status, 201);
      ASSERT_EQ(admin("PUT", "/pipeline/" + bucket + "/p", R"({"steps":["f"]})").status, 201);
      ASSERT_EQ(admin("PUT", "/schedule/" + bucket + "/p", kSchedule).status, 200);
    }
  }

  // Once a year: no tick fires while the test runs.
  static constexpr char kSchedule[] = R"({"cron":"0 0 1 1 *","function":"f"})";

  HttpResult send(const char* secret, verb method, const std::string& target,
                  const std::string& body, const std::string& type = "application/json") {
    std::map<std::string, std::string> headers = {{"Content-Type", type}};
    if (secret) headers["Authorization"] = std::string("Bearer ") + secret;
    return client_.request(method, target, body, headers);
  }
  HttpResult admin(const std::string& method, const std::string& target,
                   const std::string& body = "") {
    return send(kAdmin, boost::beast::http::string_to_verb(method), target, body);
  }
  HttpResult upload(const std::string& bucket, const std::string& key,
                    const std::string& component = "hello") {
    return send(kAdmin, verb::post, "/file/" + bucket + "/" + key,
                testing::load_component_text(component), "application/wasm");
  }

  // A new job of team-a: of `f` (it may have run already), or of the job
  // probe on "fail", which traps: "waiting" once its first attempt failed
  // and its second is an hour away (queued, so it can be cancelled),
  // "dead" once its only attempt failed (so it can be retried).
  std::string job(const std::string& kind = "any") {
    if (kind != "any" && !probes_deployed_) {
      EXPECT_EQ(upload("team-a", "waiting", "fixture_job_probe").status, 201);
      EXPECT_EQ(admin("PUT", "/config/team-a/waiting",
                      R"({"retry":{"max_attempts":2,"initial_ms":3600000,"max_ms":3600000},)"
                      R"("max_age_s":604800})").status, 200);
      EXPECT_EQ(upload("team-a", "dead", "fixture_job_probe").status, 201);
      EXPECT_EQ(admin("PUT", "/config/team-a/dead", R"({"retry":{"max_attempts":1}})").status,
                200);
      probes_deployed_ = true;
    }
    const HttpResult submitted = send(kAdmin, verb::post,
                                      "/async/team-a/" + (kind == "any" ? "f" : kind),
                                      kind == "any" ? "x" : "fail", "text/plain");
    EXPECT_EQ(submitted.status, 202) << submitted.body;
    const std::string id = json::parse(submitted.body).value("job", "");
    if (kind == "any") return id;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      const json state = json::parse(admin("GET", "/jobs/" + id).body);
      const bool waiting = state.value("status", "") == "queued" && state.value("attempts", 0) == 1;
      if (kind == "waiting" ? waiting : state.value("status", "") == kind) return id;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "job " << id << " of " << kind << " did not get there";
    return id;
  }

  // A request for `route` that succeeds for a caller allowed to make it:
  // path parameters name things that exist (or, for creation, do not yet),
  // with the body the route takes.
  struct Concrete {
    std::string target;
    std::string body;
    std::string type = "application/json";
  };
  Concrete concrete(const Route& route) {
    const std::string unique = std::to_string(++counter_);
    std::string bucket = "team-a", key = "f", name = "p", id;
    Concrete request;
    const std::string_view path = route.path;
    if (route.method == verb::put && path == "/bucket/{bucket}") bucket = "fresh-" + unique;
    if (route.method == verb::delete_ && path == "/bucket/{bucket}") {
      bucket = "doomed-" + unique;
      EXPECT_EQ(admin("PUT", "/bucket/" + bucket).status, 201);
    }
    if (route.method == verb::post && path.starts_with("/file/")) {
      key = "new-" + unique;
      request.body = testing::load_component_text("hello");
      request.type = "application/wasm";
    }
    if (route.method == verb::delete_ && path.starts_with("/file/")) {
      key = "doomed-" + unique;
      EXPECT_EQ(upload("team-a", key).status, 201);
    }
    if (route.method == verb::put && path.starts_with("/pipeline/")) {
      name = "q" + unique;
      request.body = R"({"steps":["f"]})";
    }
    if (route.method == verb::delete_ && path.starts_with("/pipeline/")) {
      name = "doomed" + unique;
      EXPECT_EQ(admin("PUT", "/pipeline/team-a/" + name, R"({"steps":["f"]})").status, 201);
    }
    if (path.starts_with("/config/") && route.method == verb::put) {
      request.body = R"({"env":{"K":"V"}})";
    }
    if (path.starts_with("/kv/") && path.ends_with("{key+}")) {
      if (route.method == verb::put) {
        request.body = "value";
        request.type = "application/octet-stream";
      } else {
        EXPECT_EQ(admin("PUT", "/kv/team-a/default/" + key, "value").status, 200);
      }
    }
    if (route.method == verb::post && (path.starts_with("/exec/") || path.ends_with("/exec") ||
                                       path.starts_with("/async/")))
      request.body = R"({"name":"T"})";
    if (route.method == verb::put && path.starts_with("/schedule/")) {
      name = "s" + unique;
      request.body = kSchedule;
    }
    if (route.method == verb::delete_ && path.starts_with("/schedule/")) {
      name = "doomed" + unique;
      EXPECT_EQ(admin("PUT", "/schedule/team-a/" + name, kSchedule).status, 200);
    }
    if (path.starts_with("/jobs/")) {
      id = job(route.method == verb::delete_ ? "waiting"
               : route.method == verb::post  ? "dead"
                                             : "any");
    }
    if (path == "/pipeline/exec") {
      request.body = json{{"steps", {"team-a/f"}}, {"input", R"({"name":"T"})"}}.dump();
    }
    std::string alias;  // PUT and DELETE /aliases name one
    if (path.starts_with("/aliases/") && route.method != verb::get) {
      alias = "a" + unique;
      const json versions = json::parse(admin("GET", "/file/team-a/f?versions").body);
      const std::string body = json{{"version", versions["versions"][0]["version"]}}.dump();
      if (route.method == verb::put) {
        request.body = body;
      } else {
        EXPECT_EQ(admin("PUT", "/aliases/team-a/f?name=" + alias, body).status, 200);
      }
    }
    // A rollback needs a version before the current one.
    if (path.starts_with("/rollback/")) {
      EXPECT_EQ(upload("team-a", "f").status, 201);
    }
    request.target = std::string(http::openapi_path(path));
    if (!alias.empty()) request.target += "?name=" + alias;
    // A listing or purge of jobs names the bucket (as a token restricted to
    // buckets must).
    if (path == "/jobs") request.target += "?bucket=team-a";
    const auto fill = [&](const std::string& parameter, const std::string& value) {
      if (const size_t at = request.target.find(parameter); at != std::string::npos) {
        request.target.replace(at, parameter.size(), value);
      }
    };
    fill("{bucket}", bucket);
    fill("{key}", key);
    fill("{name}", name);
    fill("{store}", "default");
    fill("{id}", id);
    fill("{path}", "index.html");
    return request;
  }

  std::ostringstream log_;
  TestServer server_{secured(log_)};
  HttpClient client_{server_.port()};
  int counter_ = 0;
  bool probes_deployed_ = false;
};

TEST_F(RouteMatrixTest, EveryRouteAnswersEachCallerAsItsTablePromises) {
  const auto& routes = server_.server().router().routes().routes();
  ASSERT_GE(routes.size(), 20u);
  size_t checked = 0;
  std::set<std::string> audited, not_audited;  // "METHOD target" of admin calls
  for (const Route& route : routes) {
    for (Caller caller : {Caller::kNone, Caller::kInvokeOwnBucket, Caller::kInvokeOtherBucket,
                          Caller::kAdmin}) {
      const char* secret = caller == Caller::kNone             ? nullptr
                           : caller == Caller::kInvokeOwnBucket ? kInvokeA
                           : caller == Caller::kInvokeOtherBucket ? kInvokeB
                                                                  : kAdmin;
      const Concrete request = concrete(route);
      const HttpResult result = send(secret, route.method, request.target, request.body,
                                     request.type);
      const std::string what = caller_name(caller) + ": " +
                               std::string(boost::beast::http::to_string(route.method)) + " " +
                               request.target + " -> " + std::to_string(result.status) + " " +
                               result.body.substr(0, 160);
      const unsigned expected_refusal = refusal(route, caller);
      if (expected_refusal != 0) {
        EXPECT_EQ(result.status, expected_refusal) << what;
        const json body = json::parse(result.body);
        EXPECT_EQ(body["code"], expected_refusal == 401 ? "unauthenticated" : "permission_denied")
            << what;
      } else if (route.path == "/pipeline/exec" && caller == Caller::kInvokeOtherBucket) {
        // Open at the route; the handler refuses a step in an uncovered bucket.
        EXPECT_EQ(result.status, 403) << what;
      } else if (route.path == "/jobs" && caller == Caller::kInvokeOtherBucket) {
        // Likewise a listing of an uncovered bucket's jobs.
        EXPECT_EQ(result.status, 403) << what;
      } else if (route.path == "/jobs/{id}" && caller == Caller::kInvokeOtherBucket) {
        // A job of an uncovered bucket is not found, as if it did not exist.
        EXPECT_EQ(result.status, 404) << what;
      } else {
        EXPECT_EQ(result.status, static_cast<unsigned>(route.success)) << what;
        if (caller == Caller::kAdmin) {
          (route.audited ? audited : not_audited)
              .insert(std::string(boost::beast::http::to_string(route.method)) + " " +
                      request.target);
        }
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, routes.size() * 4);
  // The audit log has exactly the admin's calls of audited routes.
  server_.server().stop(std::chrono::seconds(5));
  std::set<std::string> logged;
  std::istringstream lines(log_.str());
  for (std::string line; std::getline(lines, line);) {
    const json entry = json::parse(line);
    if (entry.value("type", "") != "audit") continue;
    EXPECT_EQ(entry["token"], "root") << line;
    logged.insert(entry["method"].get<std::string>() + " " + entry["target"].get<std::string>());
  }
  for (const std::string& call : audited) EXPECT_TRUE(logged.count(call)) << call;
  for (const std::string& call : not_audited) EXPECT_FALSE(logged.count(call)) << call;
  EXPECT_EQ(audited.size(), static_cast<size_t>(std::count_if(
                                routes.begin(), routes.end(),
                                [](const Route& route) { return route.audited; })));
}

TEST_F(RouteMatrixTest, UnknownRoutesAndMethodsAreRefusedFromTheTable) {
  HttpResult missing = admin("GET", "/nothing/here");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(json::parse(missing.body)["code"], "route_not_found");
  // A path with routes but not this method: 405 naming the methods it takes.
  HttpResult wrong = admin("PATCH", "/bucket/team-a");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.header("allow"), "PUT, GET, DELETE");
  EXPECT_EQ(json::parse(wrong.body)["code"], "method_not_allowed");
  // "/exec/team-a/" names no function.
  EXPECT_EQ(admin("POST", "/exec/team-a/").status, 404);
}

TEST_F(RouteMatrixTest, UnknownQueryParametersAreRefusedByName) {
  HttpResult misspelt = send(kAdmin, verb::post, "/exec/team-a/f?verison=x", R"({"name":"T"})");
  EXPECT_EQ(misspelt.status, 400);
  const json body = json::parse(misspelt.body);
  EXPECT_EQ(body["code"], "unknown_query_parameter");
  EXPECT_NE(body["error"].get<std::string>().find("'verison'"), std::string::npos) << body;
  EXPECT_NE(body["error"].get<std::string>().find("version"), std::string::npos) << body;
  EXPECT_EQ(admin("GET", "/healthz?x=1").status, 400);
  EXPECT_EQ(admin("GET", "/logs/team-a/f?limit=1").status, 200);
}

TEST_F(RouteMatrixTest, LiteralSegmentsWinOverParameters) {
  // POST /pipeline/exec is the ad hoc pipeline, whatever buckets exist.
  ASSERT_EQ(admin("PUT", "/bucket/exec").status, 201);
  HttpResult adhoc = admin("POST", "/pipeline/exec",
                           json{{"steps", {"team-a/f"}}, {"input", R"({"name":"T"})"}}.dump());
  EXPECT_EQ(adhoc.status, 200) << adhoc.body;
  // ... and GET /pipeline/exec lists bucket "exec"'s pipelines.
  HttpResult listing = admin("GET", "/pipeline/exec");
  EXPECT_EQ(listing.status, 200) << listing.body;
  EXPECT_EQ(json::parse(listing.body)["pipelines"], json::array());
}

}  // namespace
}  // namespace wasmfaas
