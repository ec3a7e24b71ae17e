#include "server/server_metrics.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>

#include "common/metric_names.h"

namespace wasmfaas::server {
namespace {

// A key-value operation takes microseconds on SQLite: finer low buckets.
std::vector<double> keyvalue_duration_buckets() {
  std::vector<double> bounds = {0.00001, 0.000025};
  for (double bound : metrics::duration_buckets()) bounds.push_back(bound);
  return bounds;
}


namespace names = metrics::names;
using metrics::Sample;

double resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0, pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return static_cast<double>(pages_resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

double cpu_seconds() {
  std::ifstream stat("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // Fields after the command name (which may hold spaces) in parentheses.
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int index = 3; fields >> field; ++index) {
    if (index == 14) utime = std::stod(field);
    if (index == 15) {
      stime = std::stod(field);
      break;
    }
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double open_fds() {
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return 0;
  double count = 0;
  while (const dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(dir);
  return count - 1;  // the directory stream itself
}

}  // namespace

ServerMetrics::ServerMetrics(metrics::Registry& registry, size_t max_function_series)
    : http_requests(registry.counter(names::kHttpRequests, names::kHttpRequestsHelp,
                                     {"route", "method", "status"})),
      http_durations(registry.histogram(names::kHttpDuration, names::kHttpDurationHelp, {"route"},
                                        metrics::duration_buckets())),
      exec_placements(registry.counter(names::kExecPlacements, names::kExecPlacementsHelp,
                                       {"thread"})),
      executions(registry.counter(names::kExecutions, names::kExecutionsHelp,
                                  {"bucket", "key", "outcome"}, max_function_series)),
      execution_durations(registry.histogram(names::kExecutionDuration,
                                             names::kExecutionDurationHelp, {"bucket", "key"},
                                             metrics::duration_buckets(), max_function_series)),
      instances_in_use(registry.gauge(names::kInstancesInUse, names::kInstancesInUseHelp).with({})),
      store_durations(registry.histogram(names::kStoreDuration, names::kStoreDurationHelp,
                                         {"backend", "operation", "result"},
                                         metrics::duration_buckets())),
      keyvalue_operations(registry.counter(names::kKeyValueOperations,
                                           names::kKeyValueOperationsHelp,
                                           {"bucket", "store", "operation", "outcome"},
                                           max_function_series)),
      keyvalue_durations(registry.histogram(names::kKeyValueDuration,
                                            names::kKeyValueDurationHelp, {"backend", "operation"},
                                            keyvalue_duration_buckets())),
      jobs_submitted(registry.counter(names::kJobsSubmitted, names::kJobsSubmittedHelp,
                                      {"source"})),
      job_attempts(registry.counter(names::kJobAttempts, names::kJobAttemptsHelp, {"outcome"})),
      job_start_delays(registry.histogram(names::kJobStartDelay, names::kJobStartDelayHelp, {},
                                          metrics::duration_buckets())),
      job_callbacks(registry.counter(names::kJobCallbacks, names::kJobCallbacksHelp,
                                     {"outcome"})),
      schedule_fires(registry.counter(names::kScheduleFires, names::kScheduleFiresHelp,
                                      {"outcome"})) {}

void ServerMetrics::collect_jobs(metrics::Registry& registry, state::JobQueue& jobs) {
  // One query for both families, at most once per scrape.
  struct Snapshot {
    std::mutex mutex;
    std::chrono::steady_clock::time_point taken;
    state::QueueStats stats;
    int64_t now_ms = 0;
  };
  auto snapshot = std::make_shared<Snapshot>();
  const auto read = [snapshot, &jobs] {
    std::lock_guard lock(snapshot->mutex);
    const auto now = std::chrono::steady_clock::now();
    if (now - snapshot->taken > std::chrono::milliseconds(500)) {
      snapshot->now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
      if (auto stats = jobs.stats(snapshot->now_ms)) snapshot->stats = *stats;
      snapshot->taken = now;
    }
    return std::make_pair(snapshot->stats, snapshot->now_ms);
  };
  registry.collected(names::kJobs, names::kJobsHelp, "gauge", {"status"}, [read] {
    const auto [stats, now] = read();
    return std::vector<Sample>{{{"queued"}, static_cast<double>(stats.queued)},
                               {{"running"}, static_cast<double>(stats.running)},
                               {{"succeeded"}, static_cast<double>(stats.succeeded)},
                               {{"failed"}, static_cast<double>(stats.failed)},
                               {{"dead"}, static_cast<double>(stats.dead)},
                               {{"cancelled"}, static_cast<double>(stats.cancelled)}};
  });
  registry.collected(names::kJobOldestQueuedAge, names::kJobOldestQueuedAgeHelp, "gauge", {},
                     [read] {
                       const auto [stats, now] = read();
                       const double age =
                           stats.oldest_due_ms
                               ? static_cast<double>(std::max<int64_t>(now - *stats.oldest_due_ms, 0)) /
                                     1000.0
                               : 0.0;
                       return std::vector<Sample>{{{}, age}};
                     });
}

void ServerMetrics::collect(metrics::Registry& registry, const WorkerPool& exec_pool,
                            const WorkerPool& storage_pool,
                            const cache::CompiledFunctions& compiled) {
  registry.collected(names::kQueueDepth, names::kQueueDepthHelp, "gauge", {"pool"}, [&] {
    return std::vector<Sample>{{{"exec"}, static_cast<double>(exec_pool.queued())},
                               {{"storage"}, static_cast<double>(storage_pool.queued())}};
  });
  registry.collected(names::kInFlight, names::kInFlightHelp, "gauge", {"pool"}, [&] {
    return std::vector<Sample>{{{"exec"}, static_cast<double>(exec_pool.running())},
                               {{"storage"}, static_cast<double>(storage_pool.running())}};
  });
  const auto& counters = compiled.counters();
  registry.collected(names::kCompiles, names::kCompilesHelp, "counter", {}, [&] {
    return std::vector<Sample>{{{}, static_cast<double>(counters.compiles.load())}};
  });
  registry.collected(names::kCompileSeconds, names::kCompileSecondsHelp, "counter", {}, [&] {
    return std::vector<Sample>{{{}, static_cast<double>(counters.compile_nanoseconds.load()) / 1e9}};
  });
  registry.collected(names::kCompileWaits, names::kCompileWaitsHelp, "counter", {}, [&] {
    return std::vector<Sample>{{{}, static_cast<double>(counters.compile_waits.load())}};
  });
  registry.collected(names::kCacheLookups, names::kCacheLookupsHelp, "counter", {"result"}, [&] {
    return std::vector<Sample>{{{"memory_hit"}, static_cast<double>(counters.memory_hits.load())},
                               {{"disk_hit"}, static_cast<double>(counters.disk_hits.load())},
                               {{"miss"}, static_cast<double>(counters.misses.load())}};
  });
  registry.collected(names::kCacheEvictions, names::kCacheEvictionsHelp, "counter", {}, [&] {
    return std::vector<Sample>{{{}, static_cast<double>(compiled.memory_stats().evictions)}};
  });
  registry.collected(names::kCacheBytes, names::kCacheBytesHelp, "gauge", {}, [&] {
    return std::vector<Sample>{{{}, static_cast<double>(compiled.memory_stats().bytes)}};
  });
  registry.collected(names::kCacheEntries, names::kCacheEntriesHelp, "gauge", {}, [&] {
    return std::vector<Sample>{{{}, static_cast<double>(compiled.memory_stats().entries)}};
  });
  registry.collected(names::kResidentBytes, names::kResidentBytesHelp, "gauge", {},
                     [] { return std::vector<Sample>{{{}, resident_bytes()}}; });
  registry.collected(names::kCpuSeconds, names::kCpuSecondsHelp, "counter", {},
                     [] { return std::vector<Sample>{{{}, cpu_seconds()}}; });
  registry.collected(names::kOpenFds, names::kOpenFdsHelp, "gauge", {},
                     [] { return std::vector<Sample>{{{}, open_fds()}}; });
}

}  // namespace wasmfaas::server
