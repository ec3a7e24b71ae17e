#include "state/postgres/pg_connection.h"

#include <libpq-fe.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace wasmfaas::state {
namespace {

constexpr uint32_t kByteaOid = 17;
constexpr uint32_t kTextOid = 25;

// Notices are dropped, but a FATAL one arriving while the connection is
// idle is the server ending the session (it was terminated, or is shutting
// down): the connection is then no longer healthy, even before its end of
// file arrives.
void note_notice(void* closing, const PGresult* notice) {
  const char* severity = PQresultErrorField(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
  if (severity != nullptr &&
      (std::string_view(severity) == "FATAL" || std::string_view(severity) == "PANIC")) {
    *static_cast<bool*>(closing) = true;
  }
}

void append_u32(std::string& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(value >> shift));
}

uint64_t read_be(std::string_view bytes) {
  uint64_t value = 0;
  for (char byte : bytes) value = value << 8 | static_cast<unsigned char>(byte);
  return value;
}

std::string trimmed(const char* text) {
  std::string message = text ? text : "";
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

}  // namespace

Error to_error(const PgFailure& failure) {
  const std::string message = "PostgreSQL state database: " + failure.message;
  const std::string_view state = failure.sqlstate;
  // 08: connection exceptions; 57P0x: the server shutting down or starting;
  // 53: out of connections, memory or disk; 40001, 40P01: rolled back (a
  // serialization failure, a deadlock), worth trying again.
  if (failure.connection_lost || state.empty() || state.starts_with("08") ||
      state.starts_with("57P") || state.starts_with("53") || state == "40001" || state == "40P01") {
    return Error{ErrorCode::kUnavailable, message};
  }
  // 22021: not valid UTF-8, 22P05: not representable; 54000: a key too long
  // for the index.
  if (state == "22021" || state == "22P05" || state == "54000") {
    return Error{ErrorCode::kInvalidArgument, message};
  }
  return Error{ErrorCode::kInternal, message};
}

PgParams& PgParams::text(std::string_view value) {
  values_.push_back(value);
  return *this;
}

PgParams& PgParams::optional_text(const std::optional<std::string>& value) {
  return value ? text(*value) : null();
}

PgParams& PgParams::optional_int64(std::optional<int64_t> value) {
  return value ? int64(*value) : null();
}

PgParams& PgParams::null() {
  nulls_.resize(values_.size() + 1, false);
  nulls_.back() = true;
  values_.emplace_back();
  return *this;
}

PgParams& PgParams::boolean(bool value) {
  values_.push_back(value ? std::string_view("\x01", 1) : std::string_view("\x00", 1));
  return *this;
}

PgParams& PgParams::int64(int64_t value) {
  std::string& encoded = owned_.emplace_back();
  for (int shift = 56; shift >= 0; shift -= 8) {
    encoded.push_back(static_cast<char>(static_cast<uint64_t>(value) >> shift));
  }
  values_.push_back(encoded);
  return *this;
}

PgParams& PgParams::text_array(std::span<const std::string_view> values) {
  return array(values, kTextOid);
}

PgParams& PgParams::bytea_array(std::span<const std::string_view> values) {
  return array(values, kByteaOid);
}

// The binary array format: dimensions, a has-nulls flag, the element type,
// each dimension's size and lower bound, then each element as length + bytes.
PgParams& PgParams::array(std::span<const std::string_view> values, uint32_t element_type) {
  std::string& encoded = owned_.emplace_back();
  append_u32(encoded, values.empty() ? 0 : 1);
  append_u32(encoded, 0);
  append_u32(encoded, element_type);
  if (!values.empty()) {
    append_u32(encoded, static_cast<uint32_t>(values.size()));
    append_u32(encoded, 1);
  }
  for (std::string_view value : values) {
    append_u32(encoded, static_cast<uint32_t>(value.size()));
    encoded.append(value);
  }
  values_.push_back(encoded);
  return *this;
}

PgRows::PgRows(PgRows&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}

PgRows::~PgRows() { PQclear(result_); }

int PgRows::size() const { return PQntuples(result_); }

bool PgRows::is_null(int row, int column) const { return PQgetisnull(result_, row, column); }

std::string_view PgRows::bytes(int row, int column) const {
  return {PQgetvalue(result_, row, column), static_cast<size_t>(PQgetlength(result_, row, column))};
}

int64_t PgRows::int64(int row, int column) const {
  return static_cast<int64_t>(read_be(bytes(row, column)));
}

bool PgRows::boolean(int row, int column) const {
  const auto value = bytes(row, column);
  return !value.empty() && value[0] != 0;
}

std::expected<std::unique_ptr<PgConnection>, PgFailure> PgConnection::connect(
    const std::string& url) {
  // Settings before dbname are defaults the URL may override; the client
  // encoding comes after it, so it always holds. A server that vanished
  // without closing the connection (a host gone, a NAT forgetting it) is
  // noticed within half a minute instead of TCP's quarter of an hour.
  const char* keywords[] = {"connect_timeout",
                            "application_name",
                            "keepalives_idle",
                            "tcp_user_timeout",
                            "dbname",
                            "client_encoding",
                            nullptr};
  const char* values[] = {"10", "wasmfaas", "30", "30000", url.c_str(), "UTF8", nullptr};
  PGconn* raw = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (raw == nullptr) return std::unexpected(PgFailure{"", "out of memory", "", true});
  std::unique_ptr<PgConnection> connection(new PgConnection(raw));
  if (PQstatus(raw) != CONNECTION_OK) return std::unexpected(connection->failure());
  PQsetNoticeReceiver(raw, note_notice, &connection->closing_);
  const char* encoding = PQparameterStatus(raw, "server_encoding");
  if (encoding == nullptr || std::string_view(encoding) != "UTF8") {
    return std::unexpected(PgFailure{"",
                                     std::string("the database's encoding is ") +
                                         (encoding ? encoding : "unknown") +
                                         ", not UTF8 (create it with ENCODING 'UTF8')",
                                     "", false});
  }
  return connection;
}

PgConnection::~PgConnection() { PQfinish(connection_); }

PgFailure PgConnection::failure() const {
  return PgFailure{"", trimmed(PQerrorMessage(connection_)), "", true};
}

PgFailure PgConnection::failure_of(PGresult* result) const {
  PgFailure failure;
  failure.connection_lost = PQstatus(connection_) != CONNECTION_OK;
  if (result == nullptr) {
    failure.message = trimmed(PQerrorMessage(connection_));
    failure.connection_lost = true;
    return failure;
  }
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL);
  failure.sqlstate = state ? state : "";
  failure.message = primary ? primary : trimmed(PQresultErrorMessage(result));
  failure.detail = detail ? detail : "";
  PQclear(result);
  return failure;
}

std::expected<PgRows, PgFailure> PgConnection::execute(const char* sql) {
  PGresult* result = PQexec(connection_, sql);
  const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return std::unexpected(failure_of(result));
  }
  return PgRows(result);
}

std::expected<PgRows, PgFailure> PgConnection::execute(const PgStatement& statement,
                                                       const PgParams& params) {
  if (!statement.plan_each_time && !prepared_.contains(statement.name)) {
    PGresult* result = PQprepare(connection_, statement.name, statement.sql.c_str(), 0, nullptr);
    if (result == nullptr || PQresultStatus(result) != PGRES_COMMAND_OK) {
      return std::unexpected(failure_of(result));
    }
    PQclear(result);
    prepared_.insert(statement.name);
  }
  const auto values = params.values();
  std::vector<const char*> pointers;
  std::vector<int> lengths;
  std::vector<int> formats(values.size(), 1);
  for (size_t index = 0; index < values.size(); ++index) {
    const std::string_view value = values[index];
    pointers.push_back(params.is_null(index) ? nullptr : value.data() ? value.data() : "");
    lengths.push_back(static_cast<int>(value.size()));
  }
  const int count = static_cast<int>(values.size());
  PGresult* result =
      statement.plan_each_time
          ? PQexecParams(connection_, statement.sql.c_str(), count, /*paramTypes=*/nullptr,
                         pointers.data(), lengths.data(), formats.data(), /*resultFormat=*/1)
          : PQexecPrepared(connection_, statement.name, count, pointers.data(), lengths.data(),
                           formats.data(), /*resultFormat=*/1);
  const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return std::unexpected(failure_of(result));
  }
  return PgRows(result);
}

int PgConnection::socket() const { return PQsocket(connection_); }

std::expected<std::vector<std::string>, PgFailure> PgConnection::notifications() {
  if (PQconsumeInput(connection_) == 0 || PQstatus(connection_) != CONNECTION_OK || closing_) {
    return std::unexpected(failure());
  }
  std::vector<std::string> payloads;
  while (PGnotify* notice = PQnotifies(connection_)) {
    payloads.emplace_back(notice->extra ? notice->extra : "");
    PQfreemem(notice);
  }
  return payloads;
}

bool PgConnection::healthy() {
  if (PQstatus(connection_) != CONNECTION_OK) return false;
  // An idle connection has nothing to read. End of file means the server
  // closed it; bytes mean it said something first (its goodbye, a notice):
  // let libpq read them and look again.
  for (int round = 0; round < 4; ++round) {
    char byte;
    const ssize_t peeked = recv(PQsocket(connection_), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (peeked < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    if (peeked == 0) return false;
    // PQisBusy parses what PQconsumeInput read (a FATAL notice sets closing_).
    if (PQconsumeInput(connection_) == 0 || PQisBusy(connection_) != 0 ||
        PQstatus(connection_) != CONNECTION_OK || closing_) {
      return false;
    }
  }
  return PQstatus(connection_) == CONNECTION_OK;
}

bool PgConnection::reset() {
  prepared_.clear();  // a new session has none
  closing_ = false;
  PQreset(connection_);
  return PQstatus(connection_) == CONNECTION_OK;
}

}  // namespace wasmfaas::state
