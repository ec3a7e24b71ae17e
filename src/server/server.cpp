#include "server/server.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <random>

#include "api/legacy_metadata.h"
#include "common/metric_names.h"
#include "common/time_format.h"

namespace wasmfaas::server {
namespace {

// Writes what a task of `pool` threw to `log` as a JSON line (without a
// log, the pool's own report on stderr).
WorkerPool::TaskExceptionHandler log_task_exceptions(std::shared_ptr<spdlog::logger> log,
                                                     std::string pool) {
  if (!log) return {};
  return [log = std::move(log), pool = std::move(pool)](std::string_view what) {
    const nlohmann::json line = {{"time", format_rfc3339(std::chrono::system_clock::now())},
                                 {"level", "error"},
                                 {"type", "task_exception"},
                                 {"pool", pool},
                                 {"message", std::string(what)}};
    log->error(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  };
}

// The system bucket exists and holds every piece of metadata, including
// what older releases left in users' buckets.
Result<void> prepare_store(const ServerConfig& config, storage::ObjectStore& store) {
  const api::SystemBucket system(config.system_bucket);
  if (auto prepared = system.prepare(store); !prepared) {
    return make_error(prepared.error().code, "cannot prepare the system bucket '" + system.name() +
                                                 "': " + prepared.error().message);
  }
  auto moved = api::migrate_legacy_metadata(store, system);
  if (!moved) {
    return make_error(moved.error().code,
                      "cannot move wasmfaas metadata out of users' buckets into '" + system.name() +
                          "': " + moved.error().message);
  }
  if (*moved > 0 && config.log) {
    config.log->info(nlohmann::json{{"type", "startup"},
                                    {"message", "moved " + std::to_string(*moved) +
                                                    " configs and pipelines from users' buckets "
                                                    "into the system bucket '" +
                                                    system.name() + "'"}}
                         .dump());
  }
  return {};
}

// The workers' options with a node id unique to this process.
triggers::JobWorkerOptions worker_options(const ServerConfig& config) {
  triggers::JobWorkerOptions options = config.triggers.workers;
  if (options.node_id.empty()) {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    std::random_device random;
    options.node_id = std::string(host) + ":" + std::to_string(getpid()) + ":" +
                      std::to_string(random() & 0xffffff);
  }
  return options;
}

api::ConfigBounds bounds_of(const runtime::Engine& engine) {
  return api::ConfigBounds{engine.options().max_memory_bytes, engine.options().fuel_metering};
}

}  // namespace

Result<std::unique_ptr<Server>> Server::create(ServerConfig config, storage::ObjectStore& store,
                                               const runtime::Engine& engine,
                                               state::StateDatabase* state) {
  if (auto prepared = prepare_store(config, store); !prepared) {
    return std::unexpected(prepared.error());
  }
  auto compiled = cache::CompiledFunctions::create(engine, config.compiled);
  if (!compiled) return std::unexpected(compiled.error());
  return std::unique_ptr<Server>(
      new Server(std::move(config), store, engine, state, std::move(*compiled)));
}

Server::Server(ServerConfig config, storage::ObjectStore& store, const runtime::Engine& engine,
               state::StateDatabase* state, std::unique_ptr<cache::CompiledFunctions> compiled)
    : config_(std::move(config)),
      server_metrics_(registry_, config_.metrics_max_functions),
      invocation_log_(config_.logs_per_function, config_.logs_max_functions),
      access_(config_.access),
      store_(store, config_.store_backend, server_metrics_.store_durations),
      compiled_(std::move(compiled)),
      keyvalue_(state ? std::make_unique<keyvalue::KeyValueService>(*state, config_.keyvalue,
                                                                    keyvalue_metrics())
                      : nullptr),
      system_bucket_(config_.system_bucket),
      versions_(store_, config_.freshness_window),
      configs_(store_, system_bucket_),
      aliases_(store_, system_bucket_, config_.freshness_window),
      deployments_(store_, *compiled_, versions_, configs_, aliases_, system_bucket_,
                   bounds_of(engine), keyvalue_.get()),
      execution_(store_, engine, *compiled_, versions_, configs_, aliases_, system_bucket_,
                 execution_options()),
      pipelines_(store_, execution_, system_bucket_, config_.pipelines),
      callbacks_(state && !config_.triggers.callbacks.allowed_origins.empty()
                     ? std::make_unique<triggers::CallbackSender>(config_.triggers.callbacks)
                     : nullptr),
      jobs_(state ? std::make_unique<triggers::JobService>(state->jobs(), execution_,
                                                           callbacks_.get(), job_signal_,
                                                           config_.triggers.jobs, trigger_metrics())
                  : nullptr),
      schedules_(state ? std::make_unique<triggers::ScheduleService>(state->schedules(), *jobs_)
                       : nullptr),
      job_workers_(state ? std::make_unique<triggers::JobWorkers>(
                               state->jobs(), execution_, callbacks_.get(), job_signal_,
                               worker_options(config_), trigger_metrics(), config_.log)
                         : nullptr),
      schedule_runner_(state ? std::make_unique<triggers::ScheduleRunner>(
                                   state->schedules(), *jobs_, config_.triggers.schedules,
                                   trigger_metrics(), config_.log)
                             : nullptr),
      exec_pool_(config_.exec_workers, config_.exec_queue,
                 log_task_exceptions(config_.log, "exec")),
      storage_pool_(config_.storage_workers, config_.storage_queue,
                    log_task_exceptions(config_.log, "storage")),
      router_(router_dependencies()),
      http_(config_.http, router_) {
  server_metrics_.collect(registry_, exec_pool_, storage_pool_, *compiled_);
  if (config_.metrics) {
    registry_.collected(metrics::names::kHttpInFlight, metrics::names::kHttpInFlightHelp, "gauge",
                        {}, [this] {
                          return std::vector<metrics::Sample>{
                              {{}, static_cast<double>(http_.in_flight_requests())}};
                        });
    registry_.collected(metrics::names::kNetworkStandIns, metrics::names::kNetworkStandInsHelp,
                        "counter", {}, [this] {
                          return std::vector<metrics::Sample>{
                              {{}, static_cast<double>(http_.stand_ins())}};
                        });
  }
  if (state && config_.metrics) server_metrics_.collect_jobs(registry_, state->jobs());
  if (state && state->changes() && config_.change_notifications) {
    subscribe_to_changes(*state->changes());
  }
}

void Server::subscribe_to_changes(state::ChangeFeed& feed) {
  // One notice, "bucket/key", for a change of a function's versions or of
  // its aliases: receivers forget both.
  const auto publish = [this, &feed](std::string_view bucket, std::string_view key) {
    auto published = feed.publish(std::string(bucket) + "/" + std::string(key));
    if (!published && config_.log) {
      config_.log->warn(nlohmann::json{
          {"level", "warn"},
          {"type", "change_feed"},
          {"message", "cannot tell other nodes that " + std::string(bucket) + "/" +
                          std::string(key) + " changed: " + published.error().message}}
                            .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
  };
  versions_.set_publisher(publish);
  aliases_.set_publisher(publish);
  state::ChangeHandlers handlers;
  handlers.changed = [this](std::string_view change) {
    const size_t slash = change.find('/');
    if (slash == std::string_view::npos) {
      versions_.forget_all();
      aliases_.forget_all();
      return;
    }
    versions_.forget(change.substr(0, slash), change.substr(slash + 1));
    aliases_.forget(change.substr(0, slash), change.substr(slash + 1));
  };
  handlers.live = [this](bool live) {
    versions_.set_notified(live, config_.notified_freshness);
    aliases_.set_notified(live, config_.notified_freshness);
    changes_live_.store(live);
    if (config_.log) {
      config_.log->info(nlohmann::json{{"level", live ? "info" : "warn"},
                                       {"type", "change_feed"},
                                       {"message", live ? "change notices from other nodes arrive"
                                                        : "change notices from other nodes "
                                                          "stopped: asking the store again"}}
                            .dump());
    }
  };
  change_subscription_ = feed.subscribe(std::move(handlers));
  if (config_.metrics) {
    registry_.collected(
        metrics::names::kChangeNoticesLive, metrics::names::kChangeNoticesLiveHelp, "gauge", {},
        [this] { return std::vector<metrics::Sample>{{{}, changes_live_.load() ? 1.0 : 0.0}}; });
  }
}

triggers::TriggerMetrics Server::trigger_metrics() {
  if (!config_.metrics) return {};
  return {&server_metrics_.jobs_submitted, &server_metrics_.job_attempts,
          &server_metrics_.job_start_delays, &server_metrics_.job_callbacks,
          &server_metrics_.schedule_fires};
}

api::ExecutionOptions Server::execution_options() {
  api::ExecutionOptions options = config_.execution;
  options.reporting.log = config_.logs_per_function > 0 ? &invocation_log_ : nullptr;
  options.keyvalue = keyvalue_.get();
  if (config_.metrics) {
    options.reporting.executions = &server_metrics_.executions;
    options.reporting.durations = &server_metrics_.execution_durations;
    options.reporting.instances_in_use = &server_metrics_.instances_in_use;
  }
  return options;
}

keyvalue::KeyValueMetrics Server::keyvalue_metrics() {
  if (!config_.metrics) return {};
  return {&server_metrics_.keyvalue_operations, &server_metrics_.keyvalue_durations};
}

http::RouterDependencies Server::router_dependencies() {
  http::RouterDependencies dependencies{deployments_, execution_, pipelines_, exec_pool_,
                                        storage_pool_};
  dependencies.invocation_log = &invocation_log_;
  dependencies.keyvalue = keyvalue_.get();
  dependencies.jobs = jobs_.get();
  dependencies.schedules = schedules_.get();
  dependencies.access_log = config_.log.get();
  dependencies.access = &access_;
  dependencies.leaving = &leaving_;
  dependencies.short_call = config_.http.short_call;
  if (config_.metrics) {
    dependencies.exec_placements = &server_metrics_.exec_placements;
    dependencies.registry = &registry_;
    dependencies.requests = &server_metrics_.http_requests;
    dependencies.request_durations = &server_metrics_.http_durations;
  }
  return dependencies;
}

Server::~Server() { stop(std::chrono::milliseconds(0)); }

Result<uint16_t> Server::start() {
  auto port = http_.start();
  if (!port) return port;
  if (job_workers_) job_workers_->start();
  if (schedule_runner_) schedule_runner_->start();
  return port;
}

void Server::begin_shutdown() {
  leaving_.store(true);
  if (schedule_runner_) schedule_runner_->stop();
  if (job_workers_) job_workers_->stop_taking_jobs();
}

size_t Server::stop(std::chrono::milliseconds drain) {
  leaving_.store(true);
  const size_t abandoned = http_.stop(drain);
  change_subscription_.reset();
  // Running attempts finish and record their outcome; queued jobs stay in
  // the queue for any node.
  if (schedule_runner_) schedule_runner_->stop();
  if (job_workers_) job_workers_->stop();
  // Requests still queued have outlived the drain: dropped, not run, so
  // that a long queue cannot hold the exit beyond it.
  exec_pool_.shutdown(/*run_queued=*/false);
  storage_pool_.shutdown(/*run_queued=*/false);
  return abandoned;
}

}  // namespace wasmfaas::server
