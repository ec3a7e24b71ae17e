#include "state/sqlite/sqlite_connection.h"

#include <sqlite3.h>

#include <chrono>
#include <thread>
#include <utility>

namespace wasmfaas::state {
namespace {

// How long a write waits for another connection's write transaction.
constexpr int kBusyTimeoutMs = 10'000;

// Failures of the file or of locking are the database being unavailable;
// anything else is unexpected.
ErrorCode code_for(int status) {
  switch (status & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_NOLFS:
    case SQLITE_PROTOCOL:
      return ErrorCode::kUnavailable;
    case SQLITE_TOOBIG:
      return ErrorCode::kInvalidArgument;
    default:
      return ErrorCode::kInternal;
  }
}

}  // namespace

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::open(
    const std::filesystem::path& file) {
  sqlite3* db = nullptr;
  // NOMUTEX: the owner serializes use, SQLite need not lock again.
  const int status = sqlite3_open_v2(
      file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (status != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(status);
    sqlite3_close(db);
    return make_error(code_for(status),
                      "cannot open the state database " + file.string() + ": " + message);
  }
  std::unique_ptr<SqliteConnection> connection(new SqliteConnection(db, file));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  // WAL: readers never wait for the writer. synchronous=NORMAL: a commit is
  // written to the WAL file (the OS has it: it survives kill -9 of this
  // process) but fsynced only at checkpoints, so a power loss or an OS crash
  // may lose the last commits (never corrupt the file).
  if (auto wal = connection->use_wal(); !wal) return std::unexpected(wal.error());
  if (auto settings = connection->execute("PRAGMA synchronous=NORMAL"); !settings) {
    return std::unexpected(settings.error());
  }
  return connection;
}

Result<void> SqliteConnection::use_wal() {
  // Switching a new file to WAL needs a moment alone with it: while another
  // connection opening the same new file holds a lock, SQLite answers
  // SQLITE_BUSY at once, without its busy handler. Try again for as long as
  // the busy timeout.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
  while (true) {
    auto switched = execute("PRAGMA journal_mode=WAL");
    if (switched || (sqlite3_errcode(db_) & 0xFF) != SQLITE_BUSY ||
        std::chrono::steady_clock::now() >= deadline) {
      return switched;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
  sqlite3_close(db_);
}

Result<void> SqliteConnection::execute(std::string_view sql) {
  const std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return std::unexpected(error("state database"));
  }
  return {};
}

Result<SqliteQuery> SqliteConnection::query(const std::string& sql) {
  auto found = statements_.find(sql);
  if (found == statements_.end()) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &statement, nullptr) != SQLITE_OK) {
      return std::unexpected(error("state database: preparing a statement"));
    }
    found = statements_.emplace(sql, statement).first;
  }
  return SqliteQuery(*this, found->second);
}

Error SqliteConnection::error(std::string_view context) const {
  const int status = sqlite3_extended_errcode(db_);
  return Error{code_for(status),
               std::string(context) + " (" + file_.string() + "): " + sqlite3_errmsg(db_)};
}

SqliteQuery::~SqliteQuery() {
  if (statement_ == nullptr) return;
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

SqliteQuery::SqliteQuery(SqliteQuery&& other) noexcept
    : connection_(other.connection_),
      statement_(std::exchange(other.statement_, nullptr)),
      bind_status_(other.bind_status_) {}

void SqliteQuery::note_bind(int status) {
  if (bind_status_ == SQLITE_OK) bind_status_ = status;
}

SqliteQuery& SqliteQuery::bind_text(int index, std::string_view text) {
  // A non-null pointer even for "", which would otherwise bind NULL.
  note_bind(sqlite3_bind_text64(statement_, index, text.empty() ? "" : text.data(), text.size(),
                                SQLITE_STATIC, SQLITE_UTF8));
  return *this;
}

SqliteQuery& SqliteQuery::bind_blob(int index, std::string_view bytes) {
  note_bind(sqlite3_bind_blob64(statement_, index, bytes.empty() ? "" : bytes.data(), bytes.size(),
                                SQLITE_STATIC));
  return *this;
}

SqliteQuery& SqliteQuery::bind_int64(int index, int64_t value) {
  note_bind(sqlite3_bind_int64(statement_, index, value));
  return *this;
}

SqliteQuery& SqliteQuery::bind_null(int index) {
  note_bind(sqlite3_bind_null(statement_, index));
  return *this;
}

Result<bool> SqliteQuery::step() {
  if (bind_status_ != SQLITE_OK) {
    return make_error(code_for(bind_status_),
                      std::string("state database: ") + sqlite3_errstr(bind_status_));
  }
  const int status = sqlite3_step(statement_);
  if (status == SQLITE_ROW) return true;
  if (status == SQLITE_DONE) return false;
  return std::unexpected(connection_->error("state database"));
}

Result<void> SqliteQuery::run() {
  while (true) {
    auto row = step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return {};
  }
}

int64_t SqliteQuery::column_int64(int index) const {
  return sqlite3_column_int64(statement_, index);
}

std::string SqliteQuery::column_bytes(int index) const {
  const void* data = sqlite3_column_blob(statement_, index);
  const int size = sqlite3_column_bytes(statement_, index);
  if (data == nullptr || size <= 0) return {};
  return std::string(static_cast<const char*>(data), static_cast<size_t>(size));
}

bool SqliteQuery::column_is_null(int index) const {
  return sqlite3_column_type(statement_, index) == SQLITE_NULL;
}

}  // namespace wasmfaas::state
