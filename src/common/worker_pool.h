#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace wasmfaas {

// A fixed set of threads running tasks from a bounded queue, so that slow
// work (function execution, file I/O) never blocks the network threads and
// overload is refused instead of queued without end. A task that throws is
// a bug, not the end of the process: the pool catches the exception at the
// task boundary, reports it and its thread goes on with the next task.
// Thread-safe.
class WorkerPool {
 public:
  // Told what a task threw (its what(), or "unknown exception"); called on
  // the worker thread. Must not throw.
  using TaskExceptionHandler = std::function<void(std::string_view what)>;

  // Without `on_task_exception`, a throwing task is reported on stderr.
  WorkerPool(size_t threads, size_t queue_capacity, TaskExceptionHandler on_task_exception = {});
  ~WorkerPool();  // shutdown()
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Accepts a task while fewer than `threads + queue_capacity` tasks are
  // running or waiting; otherwise (or once shut down) returns false and
  // drops it. With queue_capacity 0 only idle threads take work.
  bool try_submit(std::function<void()> task);

  // Refuses new tasks, runs what is queued (or with `run_queued` false
  // drops it unrun), lets running tasks finish and joins the threads; the
  // tasks (and what they hold) are gone when it returns. Idempotent.
  void shutdown(bool run_queued = true);

  size_t queued() const;
  size_t running() const;

 private:
  void work();
  // Runs `task`, turning an exception into a call of on_task_exception_.
  void run_guarded(std::function<void()>& task) noexcept;

  const size_t capacity_;  // threads + queue capacity
  const TaskExceptionHandler on_task_exception_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  size_t running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace wasmfaas
