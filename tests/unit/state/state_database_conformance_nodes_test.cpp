// The conformance suite, part two: several threads and nodes, reopening,
// migrations and a writer killed mid-way (instantiated with part one in
// state_database_conformance_test.cpp).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

#include "state/schema.h"
#include "unit/state/state_database_conformance.h"

namespace wasmfaas::state {
namespace {

// 8 threads x 500 increments of one key on `nodes` database objects.
void increment_from_threads(const std::vector<StateDatabase*>& nodes) {
  constexpr int kThreads = 8;
  constexpr int kIncrements = 500;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int thread = 0; thread < kThreads; ++thread) {
    threads.emplace_back([&, thread] {
      StateDatabase& node = *nodes[thread % nodes.size()];
      for (int count = 0; count < kIncrements; ++count) {
        if (!node.increment(kStore, "counter", 1, kNoQuota)) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(nodes[0]->get(kStore, "counter").value(), std::to_string(kThreads * kIncrements));
  EXPECT_EQ(nodes[0]->usage(kStore.bucket).value().keys, 1u);
}

TEST_P(StateDatabaseConformance, ConcurrentIncrementsAreExact) { increment_from_threads({&db()}); }

TEST_P(StateDatabaseConformance, ConcurrentIncrementsFromTwoNodesAreExact) {
  auto second = database_->open();
  ASSERT_TRUE(second.has_value()) << second.error().message;
  increment_from_threads({&db(), second->get()});
}

TEST_P(StateDatabaseConformance, ConcurrentWritersNeverPassTheKeyQuota) {
  auto second = database_->open();
  ASSERT_TRUE(second.has_value()) << second.error().message;
  const BucketQuota hundred_keys{.max_bytes = 0, .max_keys = 100};
  std::atomic<int> written{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int thread = 0; thread < 6; ++thread) {
    threads.emplace_back([&, thread] {
      StateDatabase& node = thread % 2 ? **second : db();
      for (int index = 0; index < 30; ++index) {
        auto result = node.set(kStore, "t" + std::to_string(thread) + "-" + std::to_string(index),
                               "v", hundred_keys);
        if (result) {
          ++written;
        } else if (result.error().code == ErrorCode::kResourceExhausted) {
          ++refused;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(written.load(), 100);
  EXPECT_EQ(refused.load(), 80);
  EXPECT_EQ(db().usage(kStore.bucket).value().keys, 100u);
  EXPECT_EQ(all_keys(db(), kStore, "", 1000).size(), 100u);
}

TEST_P(StateDatabaseConformance, DataSurvivesReopening) {
  ASSERT_TRUE(db().set(kStore, "kept", "value", kNoQuota).has_value());
  ASSERT_TRUE(db().increment(kStore, "counter", 3, kNoQuota).has_value());
  db_.reset();
  auto reopened = database_->open();
  ASSERT_TRUE(reopened.has_value()) << reopened.error().message;
  EXPECT_EQ((*reopened)->get(kStore, "kept").value(), "value");
  EXPECT_EQ((*reopened)->get(kStore, "counter").value(), "3");
  EXPECT_EQ((*reopened)->usage(kStore.bucket).value().keys, 2u);
}

TEST_P(StateDatabaseConformance, NodesOpeningAFreshDatabaseAtOnceMigrateItOnce) {
  EXPECT_EQ(database_->schema_version(), kStateSchemaVersion);
  auto fresh = GetParam().create();
  std::vector<Result<std::unique_ptr<StateDatabase>>> opened;
  for (int node = 0; node < 4; ++node)
    opened.emplace_back(make_error(ErrorCode::kInternal, "not run"));
  std::vector<std::thread> threads;
  for (size_t node = 0; node < opened.size(); ++node) {
    threads.emplace_back([&, node] { opened[node] = fresh->open(); });
  }
  for (auto& thread : threads) thread.join();
  for (auto& node : opened) {
    ASSERT_TRUE(node.has_value()) << node.error().message;
    EXPECT_EQ((*node)->kind(), GetParam().name);
  }
  EXPECT_EQ(fresh->schema_version(), kStateSchemaVersion);
  ASSERT_TRUE((*opened[0])->set(kStore, "k", "v", kNoQuota).has_value());
  EXPECT_EQ((*opened[3])->get(kStore, "k").value(), "v");
}

TEST_P(StateDatabaseConformance, RefusesADatabaseOfANewerSchema) {
  db_.reset();
  database_->set_schema_version(kStateSchemaVersion + 1);
  auto opened = database_->open();
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code, ErrorCode::kUnavailable);
  const std::string& message = opened.error().message;
  EXPECT_NE(message.find("schema version " + std::to_string(kStateSchemaVersion + 1)),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("version " + std::to_string(kStateSchemaVersion) + " "), std::string::npos)
      << message;
  EXPECT_EQ(database_->schema_version(), kStateSchemaVersion + 1);  // left as it was
}

// A child process writes keys and acknowledges each on a pipe once set()
// returned; it is killed (SIGKILL) in the middle. Every acknowledged key
// must be there afterwards, and the usage must match what is there.
TEST_P(StateDatabaseConformance, AcknowledgedWritesSurviveKill9) {
  db_.reset();
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const auto key_of = [](uint32_t index) { return "durable-" + std::to_string(index); };
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(pipe_fds[0]);
    auto node = database_->open();
    if (!node) _exit(2);
    for (uint32_t index = 0;; ++index) {
      if (!(*node)->set(kStore, key_of(index), "value of " + key_of(index), kNoQuota)) _exit(3);
      if (write(pipe_fds[1], &index, sizeof index) != sizeof index) _exit(4);
    }
  }
  close(pipe_fds[1]);
  int64_t last_acknowledged = -1;
  uint32_t index = 0;
  while (read(pipe_fds[0], &index, sizeof index) == sizeof index) {
    last_acknowledged = index;
    if (last_acknowledged == 200) kill(child, SIGKILL);
  }
  close(pipe_fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the writer ended on its own with status " << status;
  ASSERT_GE(last_acknowledged, 200);

  auto reopened = database_->open();
  ASSERT_TRUE(reopened.has_value()) << reopened.error().message;
  StateDatabase& after = **reopened;
  for (int64_t acknowledged = 0; acknowledged <= last_acknowledged; ++acknowledged) {
    const auto key = key_of(static_cast<uint32_t>(acknowledged));
    ASSERT_EQ(after.get(kStore, key).value(), "value of " + key);
  }
  const auto keys = all_keys(after, kStore, "", 1000);
  EXPECT_LE(keys.size(), static_cast<size_t>(last_acknowledged) + 2);  // at most one unacknowledged
  uint64_t bytes = 0;
  for (const auto& key : keys) bytes += entry_size(key, "value of " + key);
  const auto usage = after.usage(kStore.bucket).value();
  EXPECT_EQ(usage.keys, keys.size());
  EXPECT_EQ(usage.bytes, bytes);
}

}  // namespace
}  // namespace wasmfaas::state
