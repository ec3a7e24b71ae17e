#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace wasmfaas {

// A fixed set of threads running tasks from a bounded queue, so that slow
// work (function execution, file I/O) never blocks the network threads and
// overload is refused instead of queued without end. Thread-safe.
class WorkerPool {
 public:
  WorkerPool(size_t threads, size_t queue_capacity);
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

  const size_t capacity_;  // threads + queue capacity
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  size_t running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace wasmfaas
