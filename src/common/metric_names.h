#pragma once
// Every metric wasmfaas exports, declared in one place: names, help texts
// and label names. The modules that record them take the families from a
// metrics::Registry created by the server (src/server/server_metrics.cpp).

namespace wasmfaas::metrics::names {

// HTTP (labels: route, method, status).
inline constexpr char kHttpRequests[] = "wasmfaas_http_requests_total";
inline constexpr char kHttpRequestsHelp[] = "HTTP requests answered, by route, method and status";
inline constexpr char kHttpDuration[] = "wasmfaas_http_request_duration_seconds";
inline constexpr char kHttpDurationHelp[] =
    "Time from a request's body read to its response written, by route";

// Executions (labels: bucket, key, outcome = ok|trap|timeout|memory|error).
inline constexpr char kExecutions[] = "wasmfaas_executions_total";
inline constexpr char kExecutionsHelp[] = "Function executions by function and outcome";
inline constexpr char kExecutionDuration[] = "wasmfaas_execution_duration_seconds";
inline constexpr char kExecutionDurationHelp[] =
    "Time of one execution (version check, instantiate, call), by function";
inline constexpr char kInstancesInUse[] = "wasmfaas_instances_in_use";
inline constexpr char kInstancesInUseHelp[] = "Function instances (pooled slots) alive now";

// Compiled-code cache.
inline constexpr char kCompiles[] = "wasmfaas_compiles_total";
inline constexpr char kCompilesHelp[] = "Components compiled by Cranelift";
inline constexpr char kCompileSeconds[] = "wasmfaas_compile_seconds_total";
inline constexpr char kCompileSecondsHelp[] = "Time spent compiling components";
inline constexpr char kCompileWaits[] = "wasmfaas_compile_waits_total";
inline constexpr char kCompileWaitsHelp[] =
    "Compiles not started because one of the same component was in flight (its result was shared)";
inline constexpr char kCacheLookups[] = "wasmfaas_compiled_cache_lookups_total";
inline constexpr char kCacheLookupsHelp[] =
    "Compiled-code lookups by result (memory_hit, disk_hit, miss)";
inline constexpr char kCacheEvictions[] = "wasmfaas_compiled_cache_evictions_total";
inline constexpr char kCacheEvictionsHelp[] = "Compiled functions evicted from memory";
inline constexpr char kCacheBytes[] = "wasmfaas_compiled_cache_bytes";
inline constexpr char kCacheBytesHelp[] = "Bytes of compiled code held in memory";
inline constexpr char kCacheEntries[] = "wasmfaas_compiled_cache_entries";
inline constexpr char kCacheEntriesHelp[] = "Compiled functions held in memory";

// Storage (labels: backend = local|s3, operation, result = ok|error).
inline constexpr char kStoreDuration[] = "wasmfaas_store_operation_duration_seconds";
inline constexpr char kStoreDurationHelp[] = "Latency of object store operations";

// Key-value stores (labels: bucket, store, operation, outcome =
// ok|invalid|limit|quota|denied|error; latency by backend, operation).
inline constexpr char kKeyValueOperations[] = "wasmfaas_kv_operations_total";
inline constexpr char kKeyValueOperationsHelp[] =
    "Key-value operations by store, operation and outcome";
inline constexpr char kKeyValueDuration[] = "wasmfaas_kv_operation_duration_seconds";
inline constexpr char kKeyValueDurationHelp[] =
    "Latency of key-value operations in the state database";

// Async jobs and schedules.
inline constexpr char kJobs[] = "wasmfaas_jobs";
inline constexpr char kJobsHelp[] = "Jobs in the queue by status (all nodes sharing the database)";
inline constexpr char kJobOldestQueuedAge[] = "wasmfaas_jobs_oldest_queued_age_seconds";
inline constexpr char kJobOldestQueuedAgeHelp[] =
    "How long the queued job due longest ago has waited since it was due";
inline constexpr char kJobsSubmitted[] = "wasmfaas_jobs_submitted_total";
inline constexpr char kJobsSubmittedHelp[] = "Jobs queued by this node, by source (api, schedule)";
inline constexpr char kJobAttempts[] = "wasmfaas_job_attempts_total";
inline constexpr char kJobAttemptsHelp[] =
    "Job attempts run by this node, by outcome (succeeded, retried, failed, dead, lease_lost)";
inline constexpr char kJobStartDelay[] = "wasmfaas_job_start_delay_seconds";
inline constexpr char kJobStartDelayHelp[] =
    "Time from a job's due time to the start of its attempt on this node";
inline constexpr char kJobCallbacks[] = "wasmfaas_job_callbacks_total";
inline constexpr char kJobCallbacksHelp[] =
    "Callback attempts by outcome (delivered, retried, failed)";
inline constexpr char kScheduleFires[] = "wasmfaas_schedule_fires_total";
inline constexpr char kScheduleFiresHelp[] =
    "Schedule ticks this node fired, by outcome (submitted, skipped, missed)";

// Worker pools (label: pool = exec|storage).
inline constexpr char kQueueDepth[] = "wasmfaas_queue_depth";
inline constexpr char kQueueDepthHelp[] = "Tasks waiting for a worker";
inline constexpr char kHttpInFlight[] = "wasmfaas_http_requests_in_flight";
inline constexpr char kHttpInFlightHelp[] =
    "HTTP requests read completely whose response is not yet written";
inline constexpr char kChangeNoticesLive[] = "wasmfaas_change_notices_live";
inline constexpr char kChangeNoticesLiveHelp[] =
    "1 while other nodes' function changes reach this node through the state database, else 0";
inline constexpr char kExecPlacements[] = "wasmfaas_exec_placements_total";
inline constexpr char kExecPlacementsHelp[] =
    "Execs by where they ran: on the network thread that read them (short calls) or on an exec "
    "worker";
inline constexpr char kNetworkStandIns[] = "wasmfaas_network_stand_ins_total";
inline constexpr char kNetworkStandInsHelp[] =
    "Times a standby thread served the connections while a network thread ran a call longer "
    "than --short-call-us";
inline constexpr char kInFlight[] = "wasmfaas_in_flight";
inline constexpr char kInFlightHelp[] = "Tasks running on a worker";

// Process.
inline constexpr char kResidentBytes[] = "process_resident_memory_bytes";
inline constexpr char kResidentBytesHelp[] = "Resident set size";
inline constexpr char kCpuSeconds[] = "process_cpu_seconds_total";
inline constexpr char kCpuSecondsHelp[] = "User and system CPU time";
inline constexpr char kOpenFds[] = "process_open_fds";
inline constexpr char kOpenFdsHelp[] = "Open file descriptors";

}  // namespace wasmfaas::metrics::names
