#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "state/change_feed.h"
#include "state/postgres/pg_connection_pool.h"

namespace wasmfaas::state {

// The ChangeFeed of PostgreSQL: NOTIFY on channel `wasmfaas_changes` (one
// round trip on a pooled connection, delivered when it commits), and a
// subscription that LISTENs on a connection of its own, on its own thread.
// A subscription that loses its connection says the feed is down and
// connects again (backing off from 100 ms to 2 s); it also sends a query
// after `heartbeat` without traffic, so a connection that died silently is
// noticed. Thread-safe.
class PostgresChangeFeed final : public ChangeFeed {
 public:
  static constexpr char kChannel[] = "wasmfaas_changes";

  PostgresChangeFeed(std::string url, PgConnectionPool& pool,
                     std::chrono::milliseconds heartbeat = std::chrono::seconds(5))
      : url_(std::move(url)), pool_(pool), heartbeat_(heartbeat) {}

  Result<void> publish(std::string_view change) override;
  std::unique_ptr<ChangeSubscription> subscribe(ChangeHandlers handlers) override;

 private:
  const std::string url_;
  PgConnectionPool& pool_;
  const std::chrono::milliseconds heartbeat_;
};

}  // namespace wasmfaas::state
