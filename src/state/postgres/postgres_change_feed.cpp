#include "state/postgres/postgres_change_feed.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <thread>

namespace wasmfaas::state {
namespace {

const PgStatement kNotify{"wasmfaas_changes_notify",
                          "SELECT pg_notify('wasmfaas_changes', $1::text)"};

// One subscription: a thread holding a LISTEN connection, woken by an
// eventfd to stop.
class PostgresSubscription final : public ChangeSubscription {
 public:
  PostgresSubscription(std::string url, ChangeHandlers handlers,
                       std::chrono::milliseconds heartbeat)
      : url_(std::move(url)),
        handlers_(std::move(handlers)),
        heartbeat_(heartbeat),
        wake_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    thread_ = std::thread([this] { run(); });
  }

  ~PostgresSubscription() override {
    stopping_.store(true);
    const uint64_t one = 1;
    [[maybe_unused]] const ssize_t written = write(wake_, &one, sizeof one);
    thread_.join();
    close(wake_);
  }

 private:
  // Waits for the socket to be readable, the heartbeat to pass or stop;
  // false on stop.
  enum class Wait { kReadable, kQuiet, kStop };
  Wait wait(int socket, std::chrono::milliseconds timeout) {
    pollfd fds[2] = {{wake_, POLLIN, 0}, {socket, POLLIN, 0}};
    const int count = socket >= 0 ? 2 : 1;
    const int ready = poll(fds, count, static_cast<int>(timeout.count()));
    if (stopping_) return Wait::kStop;
    if (ready > 0 && count == 2 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      return Wait::kReadable;
    }
    return Wait::kQuiet;
  }

  void set_live(bool live) {
    if (live == live_) return;
    live_ = live;
    if (handlers_.live) handlers_.live(live);
  }

  // Listens on one connection until it fails or stop.
  void listen(PgConnection& connection) {
    if (!connection.execute("LISTEN wasmfaas_changes")) return;
    set_live(true);
    while (!stopping_) {
      const Wait waited = wait(connection.socket(), heartbeat_);
      if (waited == Wait::kStop) return;
      if (waited == Wait::kQuiet && !connection.execute("SELECT 1")) return;
      auto payloads = connection.notifications();
      if (!payloads) return;
      for (const std::string& payload : *payloads) {
        if (handlers_.changed) handlers_.changed(payload);
      }
    }
  }

  void run() {
    auto backoff = std::chrono::milliseconds(100);
    while (!stopping_) {
      auto connection = PgConnection::connect(url_);
      if (connection) {
        listen(**connection);
        backoff = std::chrono::milliseconds(100);
      }
      set_live(false);
      if (wait(-1, backoff) == Wait::kStop) return;
      backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
    }
  }

  const std::string url_;
  const ChangeHandlers handlers_;
  const std::chrono::milliseconds heartbeat_;
  const int wake_;
  std::atomic<bool> stopping_{false};
  bool live_ = false;  // on the thread only
  std::thread thread_;
};

}  // namespace

Result<void> PostgresChangeFeed::publish(std::string_view change) {
  if (change.size() > kMaxChangeBytes) {
    return make_error(ErrorCode::kInvalidArgument,
                      "a change notice is at most " + std::to_string(kMaxChangeBytes) + " bytes");
  }
  auto rows = pool_.run(PgConnectionPool::Retry::kOnce, [&](PgConnection& connection) {
    return connection.execute(kNotify, PgParams().text(change));
  });
  if (!rows) return std::unexpected(rows.error());
  return {};
}

std::unique_ptr<ChangeSubscription> PostgresChangeFeed::subscribe(ChangeHandlers handlers) {
  return std::make_unique<PostgresSubscription>(url_, std::move(handlers), heartbeat_);
}

}  // namespace wasmfaas::state
