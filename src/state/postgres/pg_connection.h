#pragma once

#include <cstdint>
#include <deque>
#include <expected>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/error.h"

struct pg_conn;
struct pg_result;

namespace wasmfaas::state {

// Why a statement failed, as PostgreSQL (or libpq) said it.
struct PgFailure {
  std::string sqlstate;  // empty when no server answered
  std::string message;
  std::string detail;
  // The connection is gone (the statement may or may not have run).
  bool connection_lost = false;
};

// The error a failure is for callers: connection trouble and a statement
// rolled back as a deadlock victim or serialization failure are kUnavailable,
// text PostgreSQL cannot store (encoding) or index (too long) is
// kInvalidArgument, anything else kInternal.
Error to_error(const PgFailure& failure);

// A prepared statement: its name on each connection and its SQL, which casts
// every parameter ($1::text) so the server knows the types the binary
// parameter format needs.
struct PgStatement {
  const char* name;
  std::string sql;
  // Planned for each execution's parameters (the unnamed statement, still
  // one round trip) instead of prepared once: for a statement whose best
  // plan depends on its parameters (how many rows a bucket has), where a
  // generic plan could scan a whole table.
  bool plan_each_time = false;
};

// Statement parameters, all in binary format (text and bytea are their
// bytes as they are, so nothing needs escaping). Views passed in must
// outlive the statement's execution.
class PgParams {
 public:
  PgParams& text(std::string_view value);  // text and bytea alike
  // SQL NULL when `value` is nullopt.
  PgParams& optional_text(const std::optional<std::string>& value);
  PgParams& optional_int64(std::optional<int64_t> value);
  PgParams& int64(int64_t value);
  PgParams& boolean(bool value);
  // One-dimensional text[] or bytea[].
  PgParams& text_array(std::span<const std::string_view> values);
  PgParams& bytea_array(std::span<const std::string_view> values);

  std::span<const std::string_view> values() const { return values_; }
  bool is_null(size_t index) const { return index < nulls_.size() && nulls_[index]; }

 private:
  PgParams& array(std::span<const std::string_view> values, uint32_t element_type);

  PgParams& null();

  std::vector<std::string_view> values_;
  std::vector<bool> nulls_;        // by index; shorter than values_ when the last ones are not null
  std::deque<std::string> owned_;  // encodings made here (a deque never moves them)
};

// The rows of a result (owns the PGresult). Accessors decode the binary
// format that PgConnection::execute(statement, ...) asks for.
class PgRows {
 public:
  explicit PgRows(pg_result* result) : result_(result) {}
  PgRows(PgRows&& other) noexcept;
  PgRows& operator=(PgRows&&) = delete;
  ~PgRows();

  int size() const;
  bool is_null(int row, int column) const;
  std::string_view bytes(int row, int column) const;  // text, bytea
  int64_t int64(int row, int column) const;           // bigint
  bool boolean(int row, int column) const;

 private:
  pg_result* result_;
};

// One libpq connection and the statements prepared on it. Not thread-safe:
// one thread at a time (PgConnectionPool hands it out).
class PgConnection {
 public:
  // `url` is a libpq URL (postgres://user@host:port/database?...). The
  // client encoding is always UTF8 and notices are dropped. Refuses a
  // database whose encoding is not UTF8 (byte counts and key order assume it).
  static std::expected<std::unique_ptr<PgConnection>, PgFailure> connect(const std::string& url);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // SQL text through the simple protocol (several statements allowed; the
  // last one's rows, in text format).
  std::expected<PgRows, PgFailure> execute(const char* sql);
  // A prepared statement (prepared on this connection at its first use),
  // binary parameters and results: one round trip.
  std::expected<PgRows, PgFailure> execute(const PgStatement& statement, const PgParams& params);

  // The connection's socket, to wait on (poll) for notifications.
  int socket() const;
  // Reads what the server sent without blocking and returns the payloads
  // of the notifications (LISTEN) received, oldest first; the failure when
  // the connection is lost.
  std::expected<std::vector<std::string>, PgFailure> notifications();

  // False when the server has closed the connection since its last use
  // (it terminated the backend, restarted): noticed without a round trip.
  bool healthy();
  // Connects again with the same settings; false (see failure()) if it cannot.
  bool reset();
  // Why the connection is down.
  PgFailure failure() const;

 private:
  explicit PgConnection(pg_conn* connection) : connection_(connection) {}
  PgFailure failure_of(pg_result* result) const;

  pg_conn* connection_;
  std::unordered_set<std::string> prepared_;
  bool closing_ = false;  // the server said FATAL while the connection was idle
};

}  // namespace wasmfaas::state
