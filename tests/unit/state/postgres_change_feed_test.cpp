// PostgresChangeFeed: a change published by one node reaches every node
// subscribed to the same database, in order; a subscription whose
// connection the server ends says the feed is down, connects again and
// says it is live; a notice over PostgreSQL's payload limit is refused.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "unit/state/test_databases.h"

namespace wasmfaas::state {
namespace {

// What one subscription heard, and waiting for it. Thread-safe.
class Heard {
 public:
  ChangeHandlers handlers() {
    return {[this](std::string_view change) {
              std::lock_guard lock(mutex_);
              changes_.emplace_back(change);
              updated_.notify_all();
            },
            [this](bool live) {
              std::lock_guard lock(mutex_);
              live_events_.push_back(live);
              updated_.notify_all();
            }};
  }

  // Waits (up to 10 s) until `done` holds over what was heard.
  template <typename Condition>
  bool wait(Condition done) {
    std::unique_lock lock(mutex_);
    return updated_.wait_for(lock, std::chrono::seconds(10),
                             [&] { return done(changes_, live_events_); });
  }

  std::vector<std::string> changes() {
    std::lock_guard lock(mutex_);
    return changes_;
  }
  std::vector<bool> live_events() {
    std::lock_guard lock(mutex_);
    return live_events_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable updated_;
  std::vector<std::string> changes_;
  std::vector<bool> live_events_;
};

bool is_live(const std::vector<std::string>&, const std::vector<bool>& events) {
  return !events.empty() && events.back();
}

TEST(PostgresChangeFeedTest, EveryNodeHearsEveryChangeInOrder) {
  PostgresTestDatabase database;
  auto first = database.open();
  auto second = database.open();
  ASSERT_TRUE(first && second);
  ASSERT_NE((*first)->changes(), nullptr);
  Heard heard_first, heard_second;
  auto subscription_first = (*first)->changes()->subscribe(heard_first.handlers());
  auto subscription_second = (*second)->changes()->subscribe(heard_second.handlers());
  ASSERT_TRUE(heard_first.wait(is_live));
  ASSERT_TRUE(heard_second.wait(is_live));

  for (const char* change : {"team-a/f", "team-b/nested/key", "team-a/f"}) {
    ASSERT_TRUE((*first)->changes()->publish(change));
  }
  const std::vector<std::string> expected = {"team-a/f", "team-b/nested/key", "team-a/f"};
  for (Heard* heard : {&heard_first, &heard_second}) {
    ASSERT_TRUE(heard->wait([](const auto& changes, const auto&) { return changes.size() >= 3; }));
    EXPECT_EQ(heard->changes(), expected);
    EXPECT_EQ(heard->live_events(), std::vector<bool>{true});
  }
}

TEST(PostgresChangeFeedTest, ALostConnectionIsReportedDownThenLiveAgain) {
  PostgresTestDatabase database;
  auto opened = database.open();
  ASSERT_TRUE(opened);
  Heard heard;
  auto subscription = (*opened)->changes()->subscribe(heard.handlers());
  ASSERT_TRUE(heard.wait(is_live));

  database.query(
      "SELECT count(pg_terminate_backend(pid, 10000)) FROM pg_stat_activity"
      " WHERE datname = current_database() AND pid <> pg_backend_pid()");
  ASSERT_TRUE(heard.wait([](const auto&, const auto& events) { return events.size() >= 3; }))
      << "the feed did not report the lost connection and the new one";
  EXPECT_EQ(heard.live_events(), (std::vector<bool>{true, false, true}));

  ASSERT_TRUE((*opened)->changes()->publish("team-a/after"));
  ASSERT_TRUE(heard.wait([](const auto& changes, const auto&) { return !changes.empty(); }));
  EXPECT_EQ(heard.changes(), std::vector<std::string>{"team-a/after"});
}

TEST(PostgresChangeFeedTest, RefusesANoticeOverThePayloadLimit) {
  PostgresTestDatabase database;
  auto opened = database.open();
  ASSERT_TRUE(opened);
  const auto refused =
      (*opened)->changes()->publish(std::string(ChangeFeed::kMaxChangeBytes + 1, 'x'));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE((*opened)->changes()->publish(std::string(ChangeFeed::kMaxChangeBytes, 'x')));
}

TEST(PostgresChangeFeedTest, SqliteHasNoFeed) {
  SqliteTestDatabase database;
  auto opened = database.open();
  ASSERT_TRUE(opened);
  EXPECT_EQ((*opened)->changes(), nullptr);
}

}  // namespace
}  // namespace wasmfaas::state
