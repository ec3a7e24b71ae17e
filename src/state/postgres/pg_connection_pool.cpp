#include "state/postgres/pg_connection_pool.h"

namespace wasmfaas::state {
namespace {

// How many times run() tries a statement the server rolled back (40001,
// 40P01).
constexpr int kRolledBackRetries = 3;

}  // namespace

PgConnectionPool::PgConnectionPool(std::string url, size_t size, std::chrono::milliseconds wait)
    : url_(std::move(url)), size_(size == 0 ? 1 : size), wait_(wait) {}

PgConnectionPool::~PgConnectionPool() = default;

PgConnectionPool::Lease::~Lease() {
  if (connection_) pool_->give_back(std::move(connection_));
}

Result<PgConnectionPool::Lease> PgConnectionPool::acquire() {
  {
    std::unique_lock lock(mutex_);
    const bool ready =
        returned_.wait_for(lock, wait_, [&] { return !idle_.empty() || open_ < size_; });
    if (!ready) {
      return make_error(ErrorCode::kUnavailable, "PostgreSQL state database: all " +
                                                     std::to_string(size_) +
                                                     " connections stayed busy for " +
                                                     std::to_string(wait_.count()) + " ms");
    }
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(connection));
    }
    ++open_;  // this slot is ours while we connect, outside the lock
  }
  auto connection = PgConnection::connect(url_);
  if (!connection) {
    {
      std::lock_guard lock(mutex_);
      --open_;
    }
    returned_.notify_one();
    return std::unexpected(to_error(connection.error()));
  }
  return Lease(*this, std::move(*connection));
}

Result<PgRows> PgConnectionPool::run(Retry retry, const Work& work, const ErrorMapping& map_error) {
  auto lease = acquire();
  if (!lease) return std::unexpected(lease.error());
  PgConnection& connection = **lease;
  int rolled_back = 0;
  int reconnected = 0;
  for (;;) {
    if (!connection.healthy() && !connection.reset()) {
      return std::unexpected(to_error(connection.failure()));
    }
    auto rows = work(connection);
    if (rows) return std::move(*rows);
    const PgFailure& failure = rows.error();
    // A deadlock victim or a serialization failure: the server rolled the
    // whole statement back, so running it again is safe whatever it does.
    const bool rolled_back_whole = failure.sqlstate == "40001" || failure.sqlstate == "40P01";
    if (rolled_back_whole && ++rolled_back < kRolledBackRetries) continue;
    if (!failure.connection_lost) return std::unexpected(map_error(failure));
    if (retry == Retry::kNever) {
      Error error = to_error(failure);
      error.message +=
          " (the connection was lost during the operation, which may or may not "
          "have been applied)";
      return std::unexpected(error);
    }
    if (++reconnected > 1) return std::unexpected(to_error(failure));
  }
}

void PgConnectionPool::adopt(std::unique_ptr<PgConnection> connection) {
  std::lock_guard lock(mutex_);
  if (open_ >= size_) return;
  ++open_;
  idle_.push_back(std::move(connection));
}

void PgConnectionPool::give_back(std::unique_ptr<PgConnection> connection) {
  const bool keep = connection->healthy();
  {
    std::lock_guard lock(mutex_);
    if (keep) {
      idle_.push_back(std::move(connection));
    } else {
      --open_;
    }
  }
  returned_.notify_one();
  // A broken connection is closed here, outside the lock.
}

}  // namespace wasmfaas::state
