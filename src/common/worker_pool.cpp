#include "common/worker_pool.h"

#include <cstdio>
#include <exception>

namespace wasmfaas {

WorkerPool::WorkerPool(size_t threads, size_t queue_capacity,
                       TaskExceptionHandler on_task_exception)
    : capacity_(threads + queue_capacity), on_task_exception_(std::move(on_task_exception)) {
  threads_.reserve(threads);
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
}

WorkerPool::~WorkerPool() { shutdown(); }

void WorkerPool::shutdown(bool run_queued) {
  std::deque<std::function<void()>> dropped;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    if (!run_queued) dropped.swap(queue_);
  }
  wake_.notify_all();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

bool WorkerPool::try_submit(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || running_ + queue_.size() >= capacity_) return false;
    queue_.push_back(std::move(task));
  }
  wake_.notify_one();
  return true;
}

size_t WorkerPool::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

size_t WorkerPool::running() const {
  std::lock_guard lock(mutex_);
  return running_;
}

void WorkerPool::work() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      task = std::move(queue_.front());
      queue_.pop_front();
      ++running_;
    }
    run_guarded(task);
    std::lock_guard lock(mutex_);
    --running_;
  }
}

void WorkerPool::run_guarded(std::function<void()>& task) noexcept {
  std::string what;
  try {
    task();
    return;
  } catch (const std::exception& error) {
    what = error.what();
  } catch (...) {
    what = "unknown exception";
  }
  if (on_task_exception_) {
    on_task_exception_(what);
  } else {
    std::fprintf(stderr, "wasmfaas: a worker pool task threw: %s\n", what.c_str());
  }
}

}  // namespace wasmfaas
