#include "state/postgres/postgres_state_database.h"

#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "unit/state/test_databases.h"

namespace wasmfaas::state {
namespace {

const StoreRef kStore{"bucket", "default"};

// Ends every session of `database` but the caller's and waits until they are gone.
void terminate_sessions(const PostgresTestDatabase& database) {
  database.query(
      "SELECT count(pg_terminate_backend(pid, 10000)) FROM pg_stat_activity"
      " WHERE datname = current_database() AND pid <> pg_backend_pid()");
}

int sessions(const PostgresTestDatabase& database) {
  return std::stoi(
      database.query("SELECT count(*) FROM pg_stat_activity"
                     " WHERE datname = current_database() AND application_name = 'wasmfaas'"));
}

TEST(PostgresStateDatabaseTest, ReconnectsAfterTheServerEndsItsSessions) {
  PostgresTestDatabase database;
  auto opened = database.open({.postgres_pool_size = 2});
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  StateDatabase& db = **opened;
  ASSERT_TRUE(db.set(kStore, "k", "v", {}).has_value());
  ASSERT_EQ(db.increment(kStore, "n", 1, {}).value(), 1);
  ASSERT_GE(sessions(database), 1);

  terminate_sessions(database);
  ASSERT_EQ(sessions(database), 0);
  // The dead connections are noticed before use: even increment, which is
  // never retried, goes through.
  EXPECT_EQ(db.increment(kStore, "n", 1, {}).value(), 2);
  EXPECT_EQ(db.get(kStore, "k").value(), "v");
  terminate_sessions(database);
  EXPECT_TRUE(db.set(kStore, "k", "w", {}).has_value());
  EXPECT_EQ(db.get(kStore, "k").value(), "w");
}

TEST(PostgresStateDatabaseTest, NeverOpensMoreConnectionsThanThePoolSize) {
  PostgresTestDatabase database;
  auto opened = database.open({.postgres_pool_size = 3});
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  std::vector<std::thread> threads;
  for (int thread = 0; thread < 8; ++thread) {
    threads.emplace_back([&] {
      for (int count = 0; count < 50; ++count) {
        EXPECT_TRUE((*opened)->increment(kStore, "n", 1, {}).has_value());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ((*opened)->get(kStore, "n").value(), "400");
  const int open = sessions(database);
  EXPECT_GE(open, 1);
  EXPECT_LE(open, 3);
}

TEST(PostgresStateDatabaseTest, AServerThatIsNotThereIsUnavailable) {
  // The test server's port with a database that does not exist, then a
  // port nobody listens on (the server's, once it is gone, is not knowable:
  // use port 1, which needs root to bind).
  PostgresTestDatabase database;
  auto missing = open_state_database(database.server().url("no_such_database"), "");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(missing.error().message.find("no_such_database"), std::string::npos)
      << missing.error().message;
  auto refused = open_state_database("postgresql://wasmfaas@127.0.0.1:1/x", "");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
}

TEST(PostgresStateDatabaseTest, RefusesADatabaseThatIsNotUtf8) {
  PostgresTestDatabase database("ENCODING 'SQL_ASCII' TEMPLATE template0");
  auto opened = database.open();
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(opened.error().message.find("UTF8"), std::string::npos) << opened.error().message;
}

TEST(PostgresStateDatabaseTest, AKeyTooLongForTheIndexIsInvalid) {
  PostgresTestDatabase database;
  auto opened = database.open();
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  std::mt19937 random(3);
  std::string key;
  for (int index = 0; index < 10'000; ++index)
    key.push_back(static_cast<char>('a' + random() % 26));
  auto result = (*opened)->set(kStore, key, "v", {});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument) << result.error().message;
  EXPECT_EQ((*opened)->usage(kStore.bucket).value().keys, 0u);
}

// A statement the server rolled back as a deadlock victim runs again, even
// one never retried after a lost connection; a constraint failure does not.
TEST(PostgresStateDatabaseTest, RunsAStatementRolledBackByADeadlockAgain) {
  PostgresTestDatabase database;
  PgConnectionPool pool(database.setting(), 1, std::chrono::seconds(5));
  int calls = 0;
  auto rows =
      pool.run(PgConnectionPool::Retry::kNever,
               [&](PgConnection& connection) -> std::expected<PgRows, PgFailure> {
                 if (++calls == 1) {
                   return std::unexpected(PgFailure{"40P01", "deadlock detected", "", false});
                 }
                 return connection.execute("SELECT 1");
               });
  ASSERT_TRUE(rows.has_value()) << rows.error().message;
  EXPECT_EQ(calls, 2);

  calls = 0;
  auto serialization = pool.run(
      PgConnectionPool::Retry::kOnce, [&](PgConnection&) -> std::expected<PgRows, PgFailure> {
        ++calls;
        return std::unexpected(PgFailure{"40001", "could not serialize", "", false});
      });
  ASSERT_FALSE(serialization.has_value());
  EXPECT_EQ(serialization.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(calls, 3);

  calls = 0;
  auto duplicate = pool.run(
      PgConnectionPool::Retry::kOnce, [&](PgConnection&) -> std::expected<PgRows, PgFailure> {
        ++calls;
        return std::unexpected(PgFailure{"23505", "duplicate key", "", false});
      });
  ASSERT_FALSE(duplicate.has_value());
  EXPECT_EQ(duplicate.error().code, ErrorCode::kInternal);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace wasmfaas::state
