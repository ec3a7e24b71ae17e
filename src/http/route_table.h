#pragma once

#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/access_control.h"
#include "http/http_types.h"
#include "http/request_target.h"

namespace wasmfaas::http {

// Where a route's handler runs: on the network thread that read the request
// (only for answers that take no I/O), or on one of the worker pools.
enum class Pool { kInline, kStorage, kExec };

// Which body limit a route's requests get: the ordinary one, or the upload
// limit (which also requires a declared length).
enum class BodyLimit { kDefault, kUpload };

// What a handler gets of one request: the request, its parsed target, the
// values of the route's path parameters, the request id and the caller's
// token (nullptr when authentication is off or the route is open).
struct Call {
  Request request;
  RequestTarget target;
  std::vector<std::pair<std::string_view, std::string>> params;
  std::string request_id;
  const ApiToken* token = nullptr;
  // What the handler leaves to be destroyed once the answer is handed over
  // (e.g. a finished function's store, whose teardown resets its pooled
  // slot): the router releases it right after the reply, off the answer's
  // path.
  mutable std::vector<std::shared_ptr<void>> release_after_reply;

  // The value of path parameter `name` ("" when the route has none).
  const std::string& param(std::string_view name) const;
};

using Handler = std::function<Response(const Call&)>;

// One route of the API: everything dispatch, authorization, metrics, the
// audit log, body limits and the API document need to know about it.
struct Route {
  beast_http::verb method;
  // "/exec/{bucket}/{key+}": literal segments, "{name}" for one segment,
  // "{name+}" (last only) for one or more segments joined with '/'.
  std::string_view path;
  Access access;
  // Whether a bucket-restricted token must cover the {bucket} parameter.
  bool bucket_scoped = false;
  Pool pool = Pool::kStorage;
  // A kExec route whose calls of one {bucket}/{key} have been short
  // (RecentRunTimes) runs on the network thread that read the request.
  bool inline_when_short = false;
  BodyLimit body = BodyLimit::kDefault;
  // The `route` label of the HTTP metrics and the access log.
  std::string_view label;
  // Whether each request is written to the audit log (changes by a token).
  bool audited = false;
  // The query parameters the route takes; any other is refused with 400.
  std::vector<std::string_view> query = {};
  // The status of a successful answer.
  beast_http::status success = beast_http::status::ok;
  Handler handler;
};

// The routes of the API, matched by path template and method: literal
// segments win over parameters, so POST /pipeline/exec is the ad hoc
// pipeline and never bucket "exec". Built once before serving; immutable
// (and so thread-safe) afterwards.
class RouteTable {
 public:
  void add(Route route);
  void add(std::initializer_list<Route> routes);

  struct Match {
    const Route* route = nullptr;  // null: no route has this method here
    std::vector<std::pair<std::string_view, std::string>> params;
    // The methods the path takes, "GET, PUT", when route is null; empty
    // when no template matches the path at all.
    std::string allowed;
  };
  Match match(beast_http::verb method, const std::vector<std::string>& segments) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

// The OpenAPI form of a route template: "/exec/{bucket}/{key}".
std::string openapi_path(std::string_view path);

}  // namespace wasmfaas::http
