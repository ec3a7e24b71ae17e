#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <expected>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/error.h"
#include "state/postgres/pg_connection.h"

namespace wasmfaas::state {

// At most `size` connections to one database, opened when first needed and
// kept. acquire() lends one for one operation; a caller finding all of them
// lent waits (up to `wait`) for one to come back. A connection that is
// broken when it comes back is closed, so the next caller opens a new one.
// Thread-safe. Outlives every Lease it hands out.
class PgConnectionPool {
 public:
  PgConnectionPool(std::string url, size_t size, std::chrono::milliseconds wait);
  ~PgConnectionPool();
  PgConnectionPool(const PgConnectionPool&) = delete;
  PgConnectionPool& operator=(const PgConnectionPool&) = delete;

  // A connection lent to one caller, given back when the lease goes.
  class Lease {
   public:
    Lease(PgConnectionPool& pool, std::unique_ptr<PgConnection> connection)
        : pool_(&pool), connection_(std::move(connection)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    PgConnection& operator*() const { return *connection_; }
    PgConnection* operator->() const { return connection_.get(); }

   private:
    PgConnectionPool* pool_;
    std::unique_ptr<PgConnection> connection_;
  };

  // kUnavailable when no connection can be opened or none comes back in time.
  Result<Lease> acquire();

  // Whether an operation may run again when its connection was lost during
  // it (so it may or may not have been applied): kOnce for those that do
  // the same thing twice, kNever for the others, which then fail with
  // kUnavailable saying so.
  enum class Retry { kOnce, kNever };
  using Work = std::function<std::expected<PgRows, PgFailure>(PgConnection&)>;
  using ErrorMapping = std::function<Error(const PgFailure&)>;

  // Runs `work` on a lent connection, reconnecting first one the server
  // closed while it was idle. A statement the server rolled back as a
  // deadlock victim or serialization failure (40P01, 40001) runs again,
  // up to 3 times in all. A failure the server answered becomes
  // `map_error`'s Error.
  Result<PgRows> run(Retry retry, const Work& work, const ErrorMapping& map_error = to_error);

  // Takes an open connection in (the one that ran the migrations), if the
  // pool has room for it.
  void adopt(std::unique_ptr<PgConnection> connection);

  size_t size() const { return size_; }

 private:
  void give_back(std::unique_ptr<PgConnection> connection);

  const std::string url_;
  const size_t size_;
  const std::chrono::milliseconds wait_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  size_t open_ = 0;  // idle, lent, or being opened
};

}  // namespace wasmfaas::state
