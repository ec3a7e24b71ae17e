#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "api/deployment_service.h"
#include "api/execution_service.h"
#include "api/function_aliases.h"
#include "api/function_configs.h"
#include "api/function_versions.h"
#include "api/invocation_log.h"
#include "api/pipeline_service.h"
#include "api/system_bucket.h"
#include "cache/compiled_functions.h"
#include "common/error.h"
#include "common/metrics.h"
#include "common/worker_pool.h"
#include "http/access_control.h"
#include "http/http_server.h"
#include "http/router.h"
#include "keyvalue/keyvalue_limits.h"
#include "keyvalue/keyvalue_service.h"
#include "runtime/engine.h"
#include "server/server_metrics.h"
#include "state/state_database.h"
#include "storage/instrumented_store.h"
#include "storage/object_store.h"
#include "triggers/callback_sender.h"
#include "triggers/job_service.h"
#include "triggers/job_signal.h"
#include "triggers/job_workers.h"
#include "triggers/schedule_runner.h"
#include "triggers/schedule_service.h"

namespace spdlog {
class logger;
}

namespace wasmfaas::server {

// Async jobs and schedules (used when a state database is given).
struct TriggerConfig {
  triggers::JobOptions jobs;
  // node_id empty: the server makes one (host name, process id, random).
  triggers::JobWorkerOptions workers;
  triggers::ScheduleRunnerOptions schedules;
  // No allowed origins: a job with a callback URL is refused.
  triggers::CallbackPolicy callbacks;
};

struct ServerConfig {
  http::HttpServerOptions http;
  // Function executions run here; a full queue answers 503.
  size_t exec_workers = std::max(2u, std::thread::hardware_concurrency());
  size_t exec_queue = 1024;
  // Storage work (uploads, listings, downloads) runs here.
  size_t storage_workers = 2;
  size_t storage_queue = 1024;
  api::ExecutionOptions execution;
  // How long a node may run a key's version without asking the store
  // whether it changed (api::FunctionVersions); 0 asks on every exec.
  std::chrono::milliseconds freshness_window{0};
  // With a state database whose nodes pass change notices (PostgreSQL):
  // every node tells the others of its uploads, config changes and
  // deletes, and while the notices reach it a node runs the version it
  // knows of a function for up to `notified_freshness` without asking the
  // store (a change made through any node is seen at once; one made in the
  // store behind wasmfaas's back within that time). When the notices stop
  // (the database is unreachable), the freshness window applies again.
  bool change_notifications = true;
  std::chrono::milliseconds notified_freshness{5000};
  // wasmfaas's own bucket in the store (configs, pipelines); created at
  // start, and the metadata older releases kept in users' buckets moved
  // into it.
  std::string system_bucket = std::string(api::SystemBucket::kDefaultName);
  cache::CompiledFunctionsOptions compiled;
  api::PipelineOptions pipelines;
  // The store's kind, for the storage metrics' `backend` label.
  std::string store_backend = "local";
  // Invocations kept per function for GET /logs, and functions kept.
  size_t logs_per_function = 50;
  size_t logs_max_functions = 1000;
  // Distinct (bucket, key) label sets per execution metric; the rest are
  // counted under "_other".
  size_t metrics_max_functions = 500;
  // false: nothing is recorded and /metrics answers 404 (to measure the cost).
  bool metrics = true;
  // Bounds of key-value operations (used when a state database is given).
  keyvalue::KeyValueLimits keyvalue;
  TriggerConfig triggers;
  // API tokens; none: every request is allowed (loopback only, see serve).
  http::AccessControlOptions access;
  // JSON-lines log (access log at info, exceptions thrown by pool tasks at
  // error); none when null.
  std::shared_ptr<spdlog::logger> log;
};

// A whole wasmfaas server: the deployment, execution and pipeline services
// (and the caches they share) over a store and an engine, its worker pools,
// metrics, invocation log, the router and the HTTP server. The store and
// engine are borrowed (main or a test owns them), so tests can run a real
// server in-process on port 0. start() and stop() from one controlling
// thread.
class Server {
 public:
  // Prepares the system bucket and moves legacy metadata into it first.
  // kInternal when the compiled-code cache directory cannot be used; the
  // store's error when it cannot be prepared.
  // `state` (borrowed, may be null) keeps key-value data, async jobs and
  // schedules; without one, functions can open no store and the /kv,
  // /async, /jobs and /schedule routes answer 404.
  static Result<std::unique_ptr<Server>> create(ServerConfig config, storage::ObjectStore& store,
                                                const runtime::Engine& engine,
                                                state::StateDatabase* state = nullptr);

  // Stops (if still serving) and finishes the pools' tasks while the
  // network's io_context still exists: a task's reply holds its session.
  ~Server();

  // Binds and serves, and starts the job workers and the schedule runner;
  // returns the bound port.
  Result<uint16_t> start();
  // The node is leaving (SIGTERM): /readyz answers 503 from now on, so that
  // load balancers and Kubernetes take it out, while every route keeps
  // serving until stop(); the job workers take no new jobs (running
  // attempts go on) and the schedule runner stops (other nodes fire).
  void begin_shutdown();
  // Stops accepting, drains in-flight requests up to `drain` (every
  // response then says `Connection: close`), then lets the
  // worker pools' running tasks finish (their reporting, which follows the
  // reply, included: when it returns, every log line is written) and drops
  // the requests still queued. Returns how many requests were unfinished
  // when the drain gave up. Once only.
  size_t stop(std::chrono::milliseconds drain);

  api::DeploymentService& deployments() { return deployments_; }
  api::ExecutionService& execution() { return execution_; }
  api::PipelineService& pipelines() { return pipelines_; }
  // Null without a state database.
  keyvalue::KeyValueService* keyvalue() { return keyvalue_.get(); }
  // Null without a state database.
  triggers::JobService* jobs() { return jobs_.get(); }
  triggers::ScheduleService* schedules() { return schedules_.get(); }
  triggers::ScheduleRunner* schedule_runner() { return schedule_runner_.get(); }
  triggers::JobWorkers* job_workers() { return job_workers_.get(); }
  const cache::CompiledFunctions& compiled_functions() const { return *compiled_; }
  const metrics::Registry& metrics() const { return registry_; }
  const http::Router& router() const { return router_; }
  size_t in_flight_requests() const { return http_.in_flight_requests(); }

 private:
  Server(ServerConfig config, storage::ObjectStore& store, const runtime::Engine& engine,
         state::StateDatabase* state, std::unique_ptr<cache::CompiledFunctions> compiled);
  // The execution options with the reporting hooks of this server filled in.
  api::ExecutionOptions execution_options();
  http::RouterDependencies router_dependencies();
  keyvalue::KeyValueMetrics keyvalue_metrics();
  triggers::TriggerMetrics trigger_metrics();
  // The job and schedule services, workers and runner over `state`.
  void create_triggers(state::StateDatabase& state);
  // Publishes this node's function changes on `feed` and forgets what
  // other nodes change.
  void subscribe_to_changes(state::ChangeFeed& feed);

  ServerConfig config_;
  metrics::Registry registry_;
  ServerMetrics server_metrics_;
  api::InvocationLog invocation_log_;
  http::AccessControl access_;
  storage::InstrumentedStore store_;
  std::unique_ptr<cache::CompiledFunctions> compiled_;
  std::unique_ptr<keyvalue::KeyValueService> keyvalue_;  // null without a state database
  const api::SystemBucket system_bucket_;
  api::FunctionVersions versions_;
  api::FunctionConfigs configs_;
  api::FunctionAliases aliases_;
  api::DeploymentService deployments_;
  api::ExecutionService execution_;
  api::PipelineService pipelines_;
  // Async jobs and schedules; all null without a state database.
  std::unique_ptr<triggers::CallbackSender> callbacks_;
  triggers::JobSignal job_signal_;
  std::unique_ptr<triggers::JobService> jobs_;
  std::unique_ptr<triggers::ScheduleService> schedules_;
  std::unique_ptr<triggers::JobWorkers> job_workers_;
  std::unique_ptr<triggers::ScheduleRunner> schedule_runner_;
  // Notices of other nodes' function changes; null without a change feed.
  std::atomic<bool> changes_live_{false};
  std::unique_ptr<state::ChangeSubscription> change_subscription_;
  WorkerPool exec_pool_;
  WorkerPool storage_pool_;
  std::atomic<bool> leaving_{false};
  http::Router router_;
  http::HttpServer http_;
};

}  // namespace wasmfaas::server
