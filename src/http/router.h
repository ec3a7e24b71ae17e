#pragma once

#include <functional>
#include <memory>
#include <string>

#include "api/deployment_service.h"
#include "api/execution_service.h"
#include "api/invocation_log.h"
#include "api/pipeline_service.h"
#include "common/metrics.h"
#include "http/access_control.h"

namespace spdlog {
class logger;
}
#include "http/http_types.h"
#include "http/request_target.h"
#include "http/worker_pool.h"

namespace wasmfaas::http {

// What the router serves and where it runs it; all borrowed.
struct RouterDependencies {
  api::DeploymentService& deployments;
  api::ExecutionService& execution;
  api::PipelineService& pipelines;
  WorkerPool& exec_pool;
  WorkerPool& storage_pool;
  // Optional: GET /metrics renders it.
  const metrics::Registry* registry = nullptr;
  // Optional: GET /logs serves it.
  const api::InvocationLog* invocation_log = nullptr;
  // Optional, labels route, method, status / route.
  metrics::Family<metrics::Counter>* requests = nullptr;
  metrics::Family<metrics::Histogram>* request_durations = nullptr;
  // Optional: one JSON line per request at level info, and an audit line
  // per management operation naming the token.
  spdlog::logger* access_log = nullptr;
  // Optional: bearer tokens; none means every request is allowed.
  const AccessControl* access = nullptr;
};

// Maps the HTTP API onto the services: parses targets, bodies and query
// parameters, picks the worker pool (exec vs. storage work; health answers
// inline) and renders JSON. Thread-safe; shared by all sessions.
class Router {
 public:
  using Reply = std::function<void(Response)>;

  explicit Router(RouterDependencies dependencies);

  // Answers `request` through `reply` exactly once, possibly on a pool
  // thread. A full pool answers 503 with Retry-After. `request_id` is the
  // one the response carries (X-Request-Id).
  void dispatch(Request request, std::string request_id, Reply reply);

  // Uploads get the larger body limit and must declare their length.
  static bool is_upload(const Request& request);

 private:
  // What a handler needs of one request.
  struct Call {
    Request request;
    RequestTarget target;
    std::string request_id;
    const ApiToken* token = nullptr;  // the caller's, when authentication is on
  };
  using Handler = Response (Router::*)(const Call&);

  void route(std::shared_ptr<Call> call, Reply reply);
  // The caller's token, or why the request is refused (401/403).
  Result<const ApiToken*> authorize(const Request& request, const RequestTarget& target) const;
  Reply with_reporting(Reply reply, const Request& request, const RequestTarget* target,
                       const std::string& request_id, const ApiToken* token) const;
  void run_on(WorkerPool& pool, std::shared_ptr<Call> call, Handler handler, Reply reply);

  // routes_files.cpp
  Response handle_bucket(const Call& call);
  Response handle_file(const Call& call);
  Response handle_upload(const Call& call, const std::string& bucket, const std::string& key);
  // routes_exec.cpp
  Response handle_exec(const Call& call);
  Response handle_config(const Call& call);
  Response handle_pipeline(const Call& call);
  Response handle_pipeline_exec(const Call& call);
  Response handle_adhoc_pipeline(const Call& call);
  // routes_operations.cpp
  Response handle_metrics(const Call& call);
  Response handle_logs(const Call& call);
  Response handle_ready(const Call& call);

  RouterDependencies deps_;
};

}  // namespace wasmfaas::http
