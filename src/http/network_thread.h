#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace wasmfaas::http {

// One network thread of the HttpServer and its stand-in. The thread may run
// a short call itself (no hand-over to an exec worker and back); should such
// a call last longer than `stand_in_after`, a standby thread runs the
// io_context's handlers in its place until the call ends, so the other
// connections wait about that long at most, whatever the call does.
//
// Entering and leaving a call are two atomic stores on the network thread:
// the standby thread is never woken per call. While calls are being made it
// looks every half `stand_in_after`; after a quiet spell it sleeps until the
// next call. Thread-safe; run() is called once, by the network thread.
class NetworkThread {
 public:
  NetworkThread(boost::asio::io_context& io_context, std::chrono::microseconds stand_in_after);
  ~NetworkThread();  // stops and joins the standby thread
  NetworkThread(const NetworkThread&) = delete;
  NetworkThread& operator=(const NetworkThread&) = delete;

  // The NetworkThread the calling thread is, or null for any other thread
  // (an exec worker, a standby thread while it stands in, a test).
  static NetworkThread* current();

  // Runs the io_context on the calling thread as this network thread, until
  // the io_context stops.
  void run();

  // While alive, the network thread is inside a call.
  class InCall {
   public:
    explicit InCall(NetworkThread& thread);
    ~InCall();
    InCall(const InCall&) = delete;
    InCall& operator=(const InCall&) = delete;

   private:
    NetworkThread& thread_;
  };

  // How many times the standby thread took over from this thread.
  uint64_t stand_ins() const { return stand_ins_.load(std::memory_order_relaxed); }

 private:
  void stand_by(std::stop_token stop);
  void enter_call();
  void leave_call();

  boost::asio::io_context& io_context_;
  const std::chrono::nanoseconds stand_in_after_;
  // Steady-clock nanoseconds when the running call began; 0 outside calls.
  std::atomic<int64_t> call_started_{0};
  std::atomic<uint64_t> calls_{0};
  std::atomic<uint64_t> stand_ins_{0};
  // The standby thread sleeps on `wake_` while parked.
  std::atomic<bool> parked_{false};
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::jthread standby_;
};

}  // namespace wasmfaas::http
