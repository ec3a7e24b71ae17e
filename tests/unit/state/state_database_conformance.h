#pragma once
// One conformance suite for every StateDatabase implementation, run against
// SQLite and PostgreSQL: state_database_conformance_test.cpp (the data, and
// the instantiation) and state_database_conformance_nodes_test.cpp (threads,
// nodes, reopening, migrations, kill -9).

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "state/open_state_database.h"
#include "unit/state/test_databases.h"

namespace wasmfaas::state {

struct StateBackend {
  std::string name;
  // A fresh, empty database for one test.
  std::function<std::unique_ptr<TestDatabase>()> create;
};

inline std::string PrintToString(const StateBackend& backend) { return backend.name; }

inline StateBackend sqlite_backend() {
  return {"sqlite", [] { return std::make_unique<SqliteTestDatabase>(); }};
}

inline StateBackend postgres_backend() {
  return {"postgres", [] { return std::make_unique<PostgresTestDatabase>(); }};
}

class StateDatabaseConformance : public ::testing::TestWithParam<StateBackend> {
 protected:
  void SetUp() override {
    database_ = GetParam().create();
    auto opened = database_->open();
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    db_ = std::move(*opened);
  }

  StateDatabase& db() { return *db_; }

  std::unique_ptr<TestDatabase> database_;  // where it lives
  std::unique_ptr<StateDatabase> db_;       // this test's first "node"
};

inline constexpr BucketQuota kNoQuota{};
inline const StoreRef kStore{"bucket-a", "default"};

// What an entry counts for in its bucket's usage.
inline uint64_t entry_size(const std::string& key, const std::string& value) {
  return key.size() + value.size();
}

// Every key of `store` under `prefix`, listed `limit` at a time.
inline std::vector<std::string> all_keys(StateDatabase& db, const StoreRef& store,
                                         std::string_view prefix, size_t limit) {
  std::vector<std::string> keys;
  std::optional<std::string> cursor;
  do {
    auto page = db.list_keys(store, prefix, cursor, limit);
    EXPECT_TRUE(page.has_value()) << page.error().message;
    if (!page) break;
    keys.insert(keys.end(), page->keys.begin(), page->keys.end());
    cursor = page->next_cursor;
  } while (cursor);
  return keys;
}

inline void expect_quota_error(const Result<void>& result) {
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kResourceExhausted) << result.error().message;
  EXPECT_EQ(result.error().reason, reason::kKeyValueQuotaExceeded);
}

}  // namespace wasmfaas::state
