#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api/execution_service.h"
#include "state/job_queue.h"
#include "triggers/callback_sender.h"
#include "triggers/job_signal.h"
#include "triggers/trigger_metrics.h"

namespace spdlog {
class logger;
}

namespace wasmfaas::triggers {

struct JobWorkerOptions {
  // Threads running job attempts on this node (0: none; this node only
  // submits).
  size_t workers = 1;
  // Run the workers at a lower CPU priority (nice 10) than the threads
  // serving synchronous calls, so that a backlog of jobs takes the CPU
  // they leave idle.
  bool low_priority = true;
  // This node's name in the leases it takes (unique per process).
  std::string node_id;
  // How long a leased attempt is held before another node may take it;
  // renewed every third of it while the attempt runs.
  std::chrono::milliseconds lease{30000};
  // How often an idle worker asks the queue for jobs queued by other nodes
  // (this node's own submissions wake it at once).
  std::chrono::milliseconds poll_interval{50};
  // The largest output kept with a job; a longer one fails it.
  size_t max_output_bytes = 1 << 20;
  // Callbacks: attempts, and the backoff between them.
  uint32_t callback_attempts = 5;
  std::chrono::milliseconds callback_initial{1000};
  std::chrono::milliseconds callback_max{60000};
};

// Runs async jobs on this node: worker threads lease due jobs from the
// queue, run each attempt through the ExecutionService (the same limits,
// per-function concurrency and reporting as exec; the function sees
// WASMFAAS_JOB_ID and WASMFAAS_JOB_ATTEMPT), and record the outcome:
// succeeded, queued again after a backoff (RetryPolicy), failed or dead. A
// renewer thread extends the leases of running attempts; a callback thread
// POSTs finished jobs' results to their callback URLs. Start once, stop
// once; thread-safe.
class JobWorkers {
 public:
  JobWorkers(state::JobQueue& queue, api::ExecutionService& execution,
             const CallbackSender* callbacks, JobSignal& signal, JobWorkerOptions options,
             TriggerMetrics metrics = {}, std::shared_ptr<spdlog::logger> log = nullptr);
  ~JobWorkers();  // stop()
  JobWorkers(const JobWorkers&) = delete;
  JobWorkers& operator=(const JobWorkers&) = delete;

  void start();
  // Takes no new jobs or callbacks from now on; running attempts go on
  // (their leases renewed) and record their outcome. Does not wait.
  void stop_taking_jobs();
  // Takes no new jobs, lets running attempts finish and record their
  // outcome, and joins the threads. Idempotent.
  void stop();

  // Attempts running on this node now.
  size_t running() const;

 private:
  void work();
  void renew_leases();
  void send_callbacks();
  void run_attempt(const state::JobRecord& record);
  state::AttemptOutcome outcome_of(const state::JobRecord& record, api::Execution& execution,
                                   int64_t now_ms);
  void deliver_callback(const state::JobRecord& record);
  // Waits on the signal for up to `timeout`, or until stop().
  void idle(uint64_t seen, std::chrono::milliseconds timeout);
  void log_error(std::string_view what, const Error& error);

  state::JobQueue& queue_;
  api::ExecutionService& execution_;
  const CallbackSender* const callbacks_;
  JobSignal& signal_;
  const JobWorkerOptions options_;
  const TriggerMetrics metrics_;
  const std::shared_ptr<spdlog::logger> log_;

  std::atomic<bool> taking_jobs_{true};
  std::atomic<bool> stopping_{false};
  mutable std::mutex running_mutex_;
  std::set<std::string> running_;  // ids of the attempts running here
  std::vector<std::thread> workers_;   // leasing and running attempts
  std::vector<std::thread> services_;  // the lease renewer, the callback sender
};

}  // namespace wasmfaas::triggers
