#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "api/deployment_service.h"
#include "api/execution_service.h"
#include "api/invocation_log.h"
#include "api/pipeline_service.h"
#include "common/metrics.h"
#include "common/worker_pool.h"
#include "http/access_control.h"
#include "http/http_types.h"
#include "http/recent_run_times.h"
#include "http/route_table.h"
#include "triggers/job_service.h"
#include "triggers/schedule_service.h"

namespace spdlog {
class logger;
}

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
  // Optional: the /kv routes serve it (404 without).
  keyvalue::KeyValueService* keyvalue = nullptr;
  // Optional: the /async, /jobs and /schedule routes serve them (404
  // without).
  triggers::JobService* jobs = nullptr;
  triggers::ScheduleService* schedules = nullptr;
  // Optional, labels route, method, status / route.
  metrics::Family<metrics::Counter>* requests = nullptr;
  metrics::Family<metrics::Histogram>* request_durations = nullptr;
  // Optional: one JSON line per request at level info, and an audit line
  // per management operation naming the token.
  spdlog::logger* access_log = nullptr;
  // Optional: bearer tokens; none means every request is allowed.
  const AccessControl* access = nullptr;
  // Execs of a function whose recent calls each took less than this run on
  // the network thread that read them (HttpServerOptions::short_call); 0:
  // all on the exec workers.
  std::chrono::microseconds short_call{0};
  // Optional, label `thread` ("network" or "worker"): where execs ran.
  metrics::Family<metrics::Counter>* exec_placements = nullptr;
  // Optional: true once the node is leaving (SIGTERM); /readyz then answers
  // 503 while every other route keeps serving.
  const std::atomic<bool>* leaving = nullptr;
};

// Maps the HTTP API onto the services through one route table: each
// request is matched to its route, which says who may call it, where it
// runs, how it is labelled and audited and which query parameters it
// takes. Thread-safe; shared by all sessions.
class Router {
 public:
  using Reply = std::function<void(Response)>;

  explicit Router(RouterDependencies dependencies);

  // Answers `request` through `reply` exactly once, possibly on a pool
  // thread. A full pool answers 503 with Retry-After. `request_id` is the
  // one the response carries (X-Request-Id).
  void dispatch(Request request, std::string request_id, Reply reply);

  // Whether the request's route takes the upload body limit (and so must
  // declare its length), from its header alone.
  bool is_upload(const Request& header) const;

  const RouteTable& routes() const { return table_; }

 private:
  // The caller's token, or why the request is refused (401/403).
  Result<const ApiToken*> authorize(const Request& request, const Route& route,
                                    const Call& call) const;
  Reply with_reporting(Reply reply, const Request& request, const Route* route,
                       const Call* call) const;
  void run(const Route& route, std::shared_ptr<Call> call, Reply reply);
  // Runs `call` on the calling network thread when its route allows and its
  // function's recent calls were short; false when it must go to a pool.
  bool run_on_network_thread(const Route& route, const std::shared_ptr<Call>& call,
                             Reply& reply);

  RouterDependencies deps_;
  RouteTable table_;
  RecentRunTimes run_times_;
};

}  // namespace wasmfaas::http
