#include "http/network_thread.h"

namespace wasmfaas::http {
namespace {

thread_local NetworkThread* current_thread = nullptr;

int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Looks without a call this many times in a row, then parks.
constexpr int kQuietLooksBeforeParking = 64;

}  // namespace

NetworkThread::NetworkThread(boost::asio::io_context& io_context,
                             std::chrono::microseconds stand_in_after)
    : io_context_(io_context),
      stand_in_after_(std::max(stand_in_after, std::chrono::microseconds(1))) {
  standby_ = std::jthread([this](std::stop_token stop) { stand_by(stop); });
}

NetworkThread::~NetworkThread() {
  standby_.request_stop();
  {
    std::lock_guard lock(mutex_);
    parked_.store(false);
  }
  wake_.notify_all();
}

NetworkThread* NetworkThread::current() { return current_thread; }

void NetworkThread::run() {
  current_thread = this;
  io_context_.run();
  current_thread = nullptr;
}

NetworkThread::InCall::InCall(NetworkThread& thread) : thread_(thread) { thread_.enter_call(); }
NetworkThread::InCall::~InCall() { thread_.leave_call(); }

void NetworkThread::enter_call() {
  calls_.fetch_add(1);
  call_started_.store(steady_now_ns());
  // Seen after the stores above: a standby thread that parks after this
  // load sees the new call and does not park.
  if (parked_.load()) {
    {
      std::lock_guard lock(mutex_);
      parked_.store(false);
    }
    wake_.notify_one();
  }
}

void NetworkThread::leave_call() { call_started_.store(0); }

void NetworkThread::stand_by(std::stop_token stop) {
  const auto look_interval = stand_in_after_ / 2;
  uint64_t calls_seen = calls_.load();
  int quiet_looks = 0;
  while (!stop.stop_requested()) {
    std::this_thread::sleep_for(look_interval);
    const int64_t started = call_started_.load();
    if (started != 0 && steady_now_ns() - started >= stand_in_after_.count()) {
      // The same call is still running: serve the other connections until
      // it ends. Handlers run here hand their calls to the exec workers
      // (this thread is no NetworkThread::current()).
      stand_ins_.fetch_add(1, std::memory_order_relaxed);
      while (call_started_.load() == started && !stop.stop_requested() &&
             !io_context_.stopped()) {
        io_context_.run_one_for(stand_in_after_);
      }
      continue;
    }
    const uint64_t calls = calls_.load();
    quiet_looks = (calls == calls_seen && started == 0) ? quiet_looks + 1 : 0;
    calls_seen = calls;
    if (quiet_looks < kQuietLooksBeforeParking) continue;
    // Park until the next call (or the end).
    std::unique_lock lock(mutex_);
    parked_.store(true);
    if (calls_.load() != calls_seen || call_started_.load() != 0) {
      parked_.store(false);
      quiet_looks = 0;
      continue;
    }
    wake_.wait(lock, stop, [this] { return !parked_.load(); });
    quiet_looks = 0;
    calls_seen = calls_.load();
  }
}

}  // namespace wasmfaas::http
