#include "common/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace wasmfaas {
namespace {

TEST(WorkerPoolTest, RunsEveryAcceptedTask) {
  std::atomic<int> ran{0};
  {
    WorkerPool pool(2, 100);
    for (int i = 0; i < 50; ++i) EXPECT_TRUE(pool.try_submit([&] { ++ran; }));
  }  // the destructor drains
  EXPECT_EQ(ran.load(), 50);
}

TEST(WorkerPoolTest, RefusesBeyondThreadsPlusQueue) {
  WorkerPool pool(1, 1);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  EXPECT_TRUE(pool.try_submit([&] {
    started.set_value();
    released.wait();
  }));
  started.get_future().wait();
  EXPECT_TRUE(pool.try_submit([released] { released.wait(); }));  // queued
  EXPECT_FALSE(pool.try_submit([] {}));                           // full
  EXPECT_EQ(pool.running(), 1u);
  EXPECT_EQ(pool.queued(), 1u);
  release.set_value();
}

TEST(WorkerPoolTest, ShutdownCanDropWhatIsQueuedAndStillFinishesWhatRuns) {
  WorkerPool pool(1, 5);
  std::promise<void> started;
  std::atomic<bool> finished{false};
  std::atomic<int> queued_ran{0};
  EXPECT_TRUE(pool.try_submit([&] {
    started.set_value();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    finished = true;
  }));
  started.get_future().wait();
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(pool.try_submit([&] { ++queued_ran; }));
  pool.shutdown(/*run_queued=*/false);
  EXPECT_TRUE(finished.load());
  EXPECT_EQ(queued_ran.load(), 0);
  EXPECT_FALSE(pool.try_submit([] {}));
}

// A throwing task is a bug in that task, not the end of the process: the
// pool reports it and the same worker runs the next tasks.
TEST(WorkerPoolTest, ATaskThatThrowsIsReportedAndItsWorkerKeepsWorking) {
  std::mutex mutex;
  std::vector<std::string> reported;
  std::atomic<int> ran{0};
  {
    WorkerPool pool(1, 10, [&](std::string_view what) {
      std::lock_guard lock(mutex);
      reported.emplace_back(what);
    });
    EXPECT_TRUE(pool.try_submit([] { throw std::runtime_error("handler bug"); }));
    EXPECT_TRUE(pool.try_submit([] { throw 42; }));
    for (int i = 0; i < 5; ++i) EXPECT_TRUE(pool.try_submit([&] { ++ran; }));
    pool.shutdown();
    EXPECT_EQ(pool.running(), 0u);
  }
  EXPECT_EQ(ran.load(), 5);
  EXPECT_EQ(reported, (std::vector<std::string>{"handler bug", "unknown exception"}));
}

TEST(WorkerPoolTest, WithoutAHandlerAThrowingTaskIsWrittenToStderr) {
  std::atomic<int> ran{0};
  ::testing::internal::CaptureStderr();
  {
    WorkerPool pool(2, 10);
    EXPECT_TRUE(pool.try_submit([] { throw std::logic_error("unexpected state"); }));
    EXPECT_TRUE(pool.try_submit([&] { ++ran; }));
    pool.shutdown();
  }
  const std::string written = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(ran.load(), 1);
  EXPECT_NE(written.find("a worker pool task threw: unexpected state"), std::string::npos)
      << written;
}

}  // namespace
}  // namespace wasmfaas
