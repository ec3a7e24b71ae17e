#include "common/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

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

}  // namespace
}  // namespace wasmfaas
