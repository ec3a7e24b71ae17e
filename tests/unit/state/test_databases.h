#pragma once
// Where a test's state database lives: a SQLite file in a temp directory, or
// a database of its own on the test process's PostgreSQL server. Each can
// open any number of StateDatabase objects on it (nodes) and read or forge
// the recorded schema version with the backend's own client.

#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

#include "state/open_state_database.h"
#include "support/postgres_server.h"
#include "support/temp_dir.h"

namespace wasmfaas::state {

class TestDatabase {
 public:
  virtual ~TestDatabase() = default;
  // The setting open_state_database takes, with data_dir().
  virtual std::string setting() const = 0;
  virtual std::filesystem::path data_dir() const = 0;
  // The version wasmfaas_schema records (0: none), read or written directly.
  virtual int schema_version() const = 0;
  virtual void set_schema_version(int version) const = 0;
  // Takes the schema back to what version 1 (key-value data) made, as a
  // wasmfaas of that version leaves it: drops every table (and, on
  // PostgreSQL, function and type) a later version added, keeping the
  // key-value data, and records version 1. Nothing may have it open.
  virtual void downgrade_to_version_1() const = 0;

  Result<std::unique_ptr<StateDatabase>> open(const StateDatabaseOptions& options = {}) const {
    return open_state_database(setting(), data_dir(), options);
  }
};

// state.db in a fresh data directory (the default setting, "").
class SqliteTestDatabase final : public TestDatabase {
 public:
  std::string setting() const override { return ""; }
  std::filesystem::path data_dir() const override { return dir_.path() / "data"; }
  std::filesystem::path file() const { return data_dir() / "state.db"; }

  int schema_version() const override {
    return std::stoi(query("SELECT coalesce(max(version), 0) FROM wasmfaas_schema"));
  }
  void set_schema_version(int version) const override {
    query("UPDATE wasmfaas_schema SET version = " + std::to_string(version));
  }
  void downgrade_to_version_1() const override {
    const std::string tables = query(
        "SELECT group_concat(name, ' ') FROM sqlite_master WHERE type = 'table' AND name NOT IN"
        " ('wasmfaas_schema', 'wasmfaas_kv_entries', 'wasmfaas_kv_usage')"
        " AND name NOT LIKE 'sqlite_%'");
    std::istringstream names(tables);
    for (std::string table; names >> table;) query("DROP TABLE " + table);
    set_schema_version(1);
  }

  // The first column of the first row of `sql` ("" when none).
  std::string query(const std::string& sql) const {
    sqlite3* db = nullptr;
    if (sqlite3_open(file().c_str(), &db) != SQLITE_OK) {
      sqlite3_close(db);
      throw std::runtime_error("cannot open " + file().string());
    }
    sqlite3_busy_timeout(db, 10'000);
    sqlite3_stmt* statement = nullptr;
    std::string first;
    std::string failure;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
      failure = sqlite3_errmsg(db);
    } else {
      const int status = sqlite3_step(statement);
      if (status == SQLITE_ROW) {
        const auto* text = sqlite3_column_text(statement, 0);
        first = text ? reinterpret_cast<const char*>(text) : "";
      } else if (status != SQLITE_DONE) {
        failure = sqlite3_errmsg(db);
      }
    }
    sqlite3_finalize(statement);
    sqlite3_close(db);
    if (!failure.empty()) throw std::runtime_error(sql + ": " + failure);
    return first;
  }

 private:
  testing::TempDir dir_;
};

// A new database on the test process's PostgreSQL server.
class PostgresTestDatabase final : public TestDatabase {
 public:
  explicit PostgresTestDatabase(std::string_view extra = "")
      : server_(testing::PostgresServer::shared()), name_(server_.create_database(extra)) {}

  std::string setting() const override { return server_.url(name_); }
  std::filesystem::path data_dir() const override { return dir_.path(); }
  const std::string& name() const { return name_; }
  testing::PostgresServer& server() const { return server_; }

  int schema_version() const override {
    return std::stoi(query("SELECT coalesce(max(version), 0) FROM wasmfaas_schema"));
  }
  void set_schema_version(int version) const override {
    query("UPDATE wasmfaas_schema SET version = " + std::to_string(version));
  }
  void downgrade_to_version_1() const override {
    query(R"sql(
DO $$
DECLARE
  object record;
BEGIN
  FOR object IN SELECT c.relname FROM pg_class c
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
      AND c.relname NOT IN ('wasmfaas_schema', 'wasmfaas_kv_entries', 'wasmfaas_kv_usage') LOOP
    EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', object.relname);
  END LOOP;
  FOR object IN SELECT c.relname, c.relkind FROM pg_class c
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('S', 'v', 'm') LOOP
    EXECUTE format('DROP %s IF EXISTS %I CASCADE', CASE object.relkind WHEN 'S' THEN 'SEQUENCE'
      WHEN 'v' THEN 'VIEW' ELSE 'MATERIALIZED VIEW' END, object.relname);
  END LOOP;
  FOR object IN SELECT p.oid::regprocedure AS routine FROM pg_proc p
      WHERE p.pronamespace = current_schema()::regnamespace
      AND p.proname NOT IN ('wasmfaas_kv_lock_usage', 'wasmfaas_kv_check_quota',
        'wasmfaas_kv_set_many', 'wasmfaas_kv_set', 'wasmfaas_kv_increment',
        'wasmfaas_kv_remove_many', 'wasmfaas_kv_remove_bucket') LOOP
    EXECUTE format('DROP ROUTINE IF EXISTS %s CASCADE', object.routine);
  END LOOP;
  FOR object IN SELECT t.typname FROM pg_type t
      WHERE t.typnamespace = current_schema()::regnamespace AND t.typtype IN ('e', 'd', 'r')
      LOOP
    EXECUTE format('DROP TYPE IF EXISTS %I CASCADE', object.typname);
  END LOOP;
  FOR object IN SELECT c.relname FROM pg_class c
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'c' LOOP
    EXECUTE format('DROP TYPE IF EXISTS %I CASCADE', object.relname);
  END LOOP;
END $$;
UPDATE wasmfaas_schema SET version = 1;
)sql");
  }
  std::string query(const std::string& sql) const { return server_.execute(name_, sql); }

 private:
  testing::PostgresServer& server_;
  std::string name_;
  testing::TempDir dir_;  // a data directory nothing should use
};

}  // namespace wasmfaas::state
