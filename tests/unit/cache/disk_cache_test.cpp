#include "cache/disk_cache.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "cache/compiled_functions.h"
#include "common/hash.h"
#include "runtime/invocation.h"
#include "support/components.h"
#include "support/temp_dir.h"

namespace wasmfaas::cache {
namespace {

using wasmfaas::testing::load_component;
using wasmfaas::testing::shared_engine;
using wasmfaas::testing::TempDir;

const std::string kDigest(64, 'a');

TEST(DiskCacheTest, RoundTripsArtifacts) {
  TempDir dir;
  auto cache = std::move(*DiskCache::open(dir.path(), "engine1"));
  const std::vector<uint8_t> artifact = {1, 2, 3, 4, 5};
  EXPECT_FALSE(cache->load(kDigest).has_value());
  cache->save(kDigest, artifact);
  EXPECT_EQ(cache->load(kDigest).value(), artifact);
  // The key is private to the owner.
  struct stat info{};
  ASSERT_EQ(stat((dir.path() / "key").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST(DiskCacheTest, RefusesAndDeletesTamperedFiles) {
  TempDir dir;
  auto cache = std::move(*DiskCache::open(dir.path(), "engine1"));
  cache->save(kDigest, std::vector<uint8_t>(100, 7));
  const auto file = dir.path() / "engine1" / (kDigest + ".cwasm");
  {
    std::fstream stream(file, std::ios::in | std::ios::out | std::ios::binary);
    stream.seekp(60);
    stream.put(8);  // flip one byte of the artifact
  }
  EXPECT_FALSE(cache->load(kDigest).has_value());
  EXPECT_FALSE(std::filesystem::exists(file));
}

TEST(DiskCacheTest, RefusesArtifactsWrittenWithAnotherKey) {
  TempDir first;
  TempDir second;
  auto writer = std::move(*DiskCache::open(first.path(), "engine1"));
  writer->save(kDigest, std::vector<uint8_t>(100, 7));
  std::filesystem::create_directories(second.path() / "engine1");
  std::filesystem::copy_file(first.path() / "engine1" / (kDigest + ".cwasm"),
                             second.path() / "engine1" / (kDigest + ".cwasm"));
  auto reader = std::move(*DiskCache::open(second.path(), "engine1"));
  EXPECT_FALSE(reader->load(kDigest).has_value());
}

TEST(DiskCacheTest, IgnoresNamesThatAreNotDigests) {
  TempDir dir;
  auto cache = std::move(*DiskCache::open(dir.path(), "engine1"));
  cache->save("../../escape", std::vector<uint8_t>(10, 1));
  EXPECT_FALSE(cache->load("../../escape").has_value());
  EXPECT_FALSE(std::filesystem::exists(dir.path().parent_path() / "escape.cwasm"));
}

TEST(CompiledFunctionsTest, SecondProcessLoadsFromDiskWithoutCompiling) {
  TempDir dir;
  const auto hello = load_component("hello");
  const std::string digest = sha256_hex(hello);
  {
    auto first = std::move(*CompiledFunctions::create(shared_engine(), {.disk_dir = dir.path()}));
    EXPECT_EQ(first->find(digest), nullptr);
    ASSERT_TRUE(first->compile(digest, hello).has_value());
    EXPECT_NE(first->find(digest), nullptr);
    EXPECT_EQ(first->counters().compiles.load(), 1u);
    EXPECT_EQ(first->counters().memory_hits.load(), 1u);
  }
  auto second = std::move(*CompiledFunctions::create(shared_engine(), {.disk_dir = dir.path()}));
  auto loaded = second->find(digest);
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(second->counters().disk_hits.load(), 1u);
  EXPECT_EQ(second->counters().compiles.load(), 0u);
  // The deserialized code runs.
  auto invocation = runtime::Invocation::start(shared_engine(), *loaded);
  ASSERT_TRUE(invocation.has_value());
  EXPECT_EQ(invocation->call(R"({"name":"Disk"})").value(),
            R"({"result":"Hello Disk, how are you?"})");
}

TEST(CompiledFunctionsTest, InvalidBytesAreNotCached) {
  auto functions = std::move(*CompiledFunctions::create(shared_engine(), {}));
  const std::vector<uint8_t> garbage = {1, 2, 3};
  auto compiled = functions->compile(sha256_hex(garbage), garbage);
  ASSERT_FALSE(compiled.has_value());
  EXPECT_EQ(compiled.error().code, ErrorCode::kInvalidComponent);
  EXPECT_EQ(functions->find(sha256_hex(garbage)), nullptr);
}

}  // namespace
}  // namespace wasmfaas::cache
