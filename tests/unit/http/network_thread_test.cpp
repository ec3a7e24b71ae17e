#include "http/network_thread.h"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <atomic>
#include <chrono>
#include <future>
#include <optional>
#include <thread>

namespace wasmfaas::http {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// One network thread running an io_context, as HttpServer runs it.
class NetworkThreadTest : public ::testing::Test {
 protected:
  void start(std::chrono::microseconds stand_in_after) {
    thread_ = std::make_unique<NetworkThread>(io_context_, stand_in_after);
    runner_ = std::thread([this] { thread_->run(); });
  }
  void TearDown() override {
    work_.reset();
    io_context_.stop();
    if (runner_.joinable()) runner_.join();
  }

  asio::io_context io_context_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_{
      io_context_.get_executor()};
  std::unique_ptr<NetworkThread> thread_;
  std::thread runner_;
};

TEST_F(NetworkThreadTest, OnlyTheNetworkThreadIsCurrent) {
  start(1000us);
  EXPECT_EQ(NetworkThread::current(), nullptr);
  std::promise<NetworkThread*> seen;
  asio::post(io_context_, [&] { seen.set_value(NetworkThread::current()); });
  EXPECT_EQ(seen.get_future().get(), thread_.get());
}

// A call that does not end until another handler has run: only a stand-in
// can run that handler while the network thread is inside the call.
TEST_F(NetworkThreadTest, AStandInServesWhileACallRunsPastTheThreshold) {
  start(5000us);
  std::promise<void> other_ran;
  std::atomic<NetworkThread*> seen_by_other{nullptr};
  std::atomic<bool> other_seen{false};
  std::promise<std::pair<bool, NetworkThread*>> outcome;
  asio::post(io_context_, [&] {
    NetworkThread::InCall in_call(*NetworkThread::current());
    asio::post(io_context_, [&] {
      // Run by the stand-in, which is not a network thread: calls it reads
      // go to the exec workers.
      seen_by_other = NetworkThread::current();
      other_seen = true;
      other_ran.set_value();
    });
    const bool ran = other_ran.get_future().wait_for(10s) == std::future_status::ready;
    outcome.set_value({ran, NetworkThread::current()});
  });
  const auto [ran, current_after] = outcome.get_future().get();
  EXPECT_TRUE(ran) << "no handler ran while the network thread was inside a call";
  EXPECT_EQ(current_after, thread_.get());
  EXPECT_EQ(thread_->stand_ins(), 1u);
  EXPECT_TRUE(other_seen);
  EXPECT_EQ(seen_by_other.load(), nullptr);
}

TEST_F(NetworkThreadTest, ShortCallsNeedNoStandIn) {
  start(1000000us);  // one second: no call below comes near it
  std::promise<void> done;
  asio::post(io_context_, [&] {
    for (int i = 0; i < 1000; ++i) NetworkThread::InCall in_call(*NetworkThread::current());
    done.set_value();
  });
  done.get_future().wait();
  EXPECT_EQ(thread_->stand_ins(), 0u);
}

}  // namespace
}  // namespace wasmfaas::http
