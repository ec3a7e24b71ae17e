#pragma once
// One conformance suite for every StateDatabase implementation
// (state_database_conformance_test.cpp), run against SQLite and PostgreSQL.

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "state/open_state_database.h"
#include "unit/state/test_databases.h"

namespace wasmfaas::state {

struct StateBackend {
  std::string name;
  // A fresh, empty database for one test.
  std::function<std::unique_ptr<TestDatabase>()> create;
};

inline std::string PrintToString(const StateBackend& backend) { return backend.name; }

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

}  // namespace wasmfaas::state
