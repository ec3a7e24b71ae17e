#include "storage/local/local_store.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "support/temp_dir.h"
#include "unit/storage/object_store_conformance.h"

namespace wasmfaas::storage {
namespace {

using wasmfaas::testing::TempDir;

// A LocalStore together with the temp directory it lives in.
struct LocalStoreInTempDir {
  TempDir dir;
  std::unique_ptr<LocalStore> store = std::move(*LocalStore::open(dir.path()));
};

StoreFactory local_factory() {
  return {"local", [] {
            auto holder = std::make_shared<LocalStoreInTempDir>();
            return std::shared_ptr<ObjectStore>(holder, holder->store.get());
          }};
}

INSTANTIATE_TEST_SUITE_P(Local, ObjectStoreConformance, ::testing::Values(local_factory()),
                         [](const auto& info) { return info.param.name; });

std::vector<uint8_t> bytes(const std::string& text) { return {text.begin(), text.end()}; }

TEST(LocalStoreTest, ConcurrentVersionsOfOneKeyAreAllKept) {
  TempDir dir;
  auto store = std::move(*LocalStore::open(dir.path()));
  ASSERT_TRUE(store->create_bucket("conc").has_value());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        EXPECT_TRUE(
            store->put_object("conc", "shared", bytes(std::to_string(t * 100 + i))).has_value());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(store->list_versions("conc", "shared").value().size(), 40u);
}

TEST(LocalStoreTest, DataSurvivesReopening) {
  TempDir dir;
  std::string version_id;
  {
    auto store = std::move(*LocalStore::open(dir.path()));
    ASSERT_TRUE(store->create_bucket("keep").has_value());
    version_id = store->put_object("keep", "k", bytes("persisted")).value().version_id;
  }
  auto reopened = std::move(*LocalStore::open(dir.path()));
  auto object = reopened->get_object("keep", "k", std::nullopt);
  ASSERT_TRUE(object.has_value());
  EXPECT_EQ(object->data, bytes("persisted"));
  EXPECT_EQ(object->version.version_id, version_id);
}

TEST(LocalStoreTest, KeysNeverBecomePaths) {
  TempDir dir;
  auto store = std::move(*LocalStore::open(dir.path()));
  ASSERT_TRUE(store->create_bucket("jail").has_value());
  for (const std::string& key : std::vector<std::string>{"../../escape", "/etc/passwd", "a/../../../b", ".."}) {
    ASSERT_TRUE(store->put_object("jail", key, bytes("x")).has_value()) << key;
  }
  // Nothing was written outside <root>/buckets/jail and <root>/tmp.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path())) {
    const std::string relative = std::filesystem::relative(entry.path(), dir.path()).string();
    EXPECT_TRUE(relative.starts_with("buckets") || relative.starts_with("tmp") ||
                relative == "wasmfaas.lock")
        << relative;
    EXPECT_EQ(relative.find(".."), std::string::npos) << relative;
  }
  EXPECT_FALSE(std::filesystem::exists(dir.path().parent_path() / "escape"));
}

TEST(LocalStoreTest, InterruptedUploadsAreInvisibleAndCleanedAtOpen) {
  TempDir dir;
  {
    auto store = std::move(*LocalStore::open(dir.path()));
    ASSERT_TRUE(store->create_bucket("crash").has_value());
    ASSERT_TRUE(store->put_object("crash", "k", bytes("v1")).has_value());
  }
  // What a crash mid-upload leaves: a partial temp file.
  std::ofstream(dir.path() / "tmp" / "0123.part") << "partial";
  auto store = std::move(*LocalStore::open(dir.path()));
  EXPECT_TRUE(std::filesystem::is_empty(dir.path() / "tmp"));
  EXPECT_EQ(store->list_versions("crash", "k").value().size(), 1u);
  EXPECT_EQ(store->get_object("crash", "k", std::nullopt).value().data, bytes("v1"));
}

// flock belongs to the open file description, so even a second store in the
// same process is refused while the first one lives.
TEST(LocalStoreTest, ASecondOpenOfTheSameDirectoryFailsWhileTheFirstLives) {
  TempDir dir;
  {
    auto first = LocalStore::open(dir.path());
    ASSERT_TRUE(first.has_value()) << first.error().message;
    ASSERT_TRUE((*first)->create_bucket("kept").has_value());
    std::ofstream(dir.path() / "tmp" / "upload.part") << "in progress";

    auto second = LocalStore::open(dir.path());
    ASSERT_FALSE(second.has_value());
    EXPECT_EQ(second.error().code, ErrorCode::kConflict);
    const std::string& message = second.error().message;
    EXPECT_NE(message.find("data directory " + dir.path().string() + " is in use"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("(pid " + std::to_string(getpid()) + ")"), std::string::npos)
        << message;
    // The refused open changed nothing: the first store's upload is intact.
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "tmp" / "upload.part"));
  }
  auto reopened = LocalStore::open(dir.path());
  ASSERT_TRUE(reopened.has_value()) << reopened.error().message;
  EXPECT_TRUE((*reopened)->bucket_exists("kept").value_or(false));
}

TEST(LocalStoreTest, ADirectoryOpenInAnotherProcessIsRefusedNamingItsPid) {
  TempDir dir;
  int ready[2];
  int release[2];
  ASSERT_EQ(pipe(ready), 0);
  ASSERT_EQ(pipe(release), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(ready[0]);
    close(release[1]);
    auto store = LocalStore::open(dir.path());
    const char opened = store.has_value() ? 'y' : 'n';
    if (write(ready[1], &opened, 1) != 1) _exit(1);
    char ignored;
    (void)!read(release[0], &ignored, 1);  // until the parent closes it
    _exit(0);
  }
  // Whatever the assertions below do, the child ends with the test.
  struct ChildGuard {
    pid_t pid;
    ~ChildGuard() {
      if (pid <= 0) return;
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  } guard{child};
  close(ready[1]);
  close(release[0]);
  char opened = 0;
  ASSERT_EQ(read(ready[0], &opened, 1), 1);
  ASSERT_EQ(opened, 'y');

  auto refused = LocalStore::open(dir.path());
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_NE(refused.error().message.find("in use by another wasmfaas process (pid " +
                                         std::to_string(child) + ")"),
            std::string::npos)
      << refused.error().message;

  // However the holder ends, its lock ends with it.
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  guard.pid = -1;
  close(release[1]);
  close(ready[0]);
  auto opened_after = LocalStore::open(dir.path());
  EXPECT_TRUE(opened_after.has_value()) << opened_after.error().message;
}

}  // namespace
}  // namespace wasmfaas::storage
