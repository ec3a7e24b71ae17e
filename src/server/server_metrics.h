#pragma once

#include "cache/compiled_functions.h"
#include "common/metrics.h"
#include "common/worker_pool.h"
#include "state/job_queue.h"

namespace wasmfaas::server {

// The metric families the server's modules record into, created in one
// registry with the names of common/metric_names.h, plus the collectors read
// at scrape time (worker pools, compiled-code cache, process). Owned by the
// Server; the families are thread-safe.
struct ServerMetrics {
  ServerMetrics(metrics::Registry& registry, size_t max_function_series);

  // Reads the pools and the cache at scrape time; they must outlive the registry's use.
  void collect(metrics::Registry& registry, const WorkerPool& exec_pool,
               const WorkerPool& storage_pool, const cache::CompiledFunctions& compiled);

  metrics::Family<metrics::Counter>& http_requests;
  metrics::Family<metrics::Histogram>& http_durations;
  metrics::Family<metrics::Counter>& exec_placements;
  metrics::Family<metrics::Counter>& executions;
  metrics::Family<metrics::Histogram>& execution_durations;
  metrics::Gauge& instances_in_use;
  metrics::Family<metrics::Histogram>& store_durations;
  metrics::Family<metrics::Counter>& keyvalue_operations;
  metrics::Family<metrics::Histogram>& keyvalue_durations;
  metrics::Family<metrics::Counter>& jobs_submitted;
  metrics::Family<metrics::Counter>& job_attempts;
  metrics::Family<metrics::Histogram>& job_start_delays;
  metrics::Family<metrics::Counter>& job_callbacks;
  metrics::Family<metrics::Counter>& schedule_fires;

  // The queue's jobs by status and the age of its oldest due job, read from
  // the state database at scrape time (at most every 500 ms).
  void collect_jobs(metrics::Registry& registry, state::JobQueue& jobs);
};

}  // namespace wasmfaas::server
