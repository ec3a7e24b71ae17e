#include "storage/local/key_metadata_cache.h"

#include <gtest/gtest.h>

#include <fstream>

#include "support/temp_dir.h"

namespace wasmfaas::storage {
namespace {

KeyMetadata with_versions(std::initializer_list<const char*> ids) {
  KeyMetadata metadata{"key", {}};
  for (const char* id : ids) metadata.history.push_back(VersionRecord{id, "e", "s", 1, 1, false});
  return metadata;
}

std::vector<std::string> ids_of(const Result<std::optional<KeyMetadata>>& read) {
  std::vector<std::string> ids;
  if (!read || !*read) return ids;
  for (const auto& record : (*read)->history) ids.push_back(record.id);
  return ids;
}

TEST(KeyMetadataCacheTest, AReplacedFileIsReadAfresh) {
  testing::TempDir dir;
  const auto file = dir.path() / "meta.json";
  KeyMetadataCache cache;
  ASSERT_TRUE(write_key_metadata(file, with_versions({"a"})).has_value());
  EXPECT_EQ(ids_of(cache.read(file)), std::vector<std::string>{"a"});
  EXPECT_EQ(ids_of(cache.read(file)), std::vector<std::string>{"a"});
  // Same size, written within the same instant: still a new file.
  ASSERT_TRUE(write_key_metadata(file, with_versions({"b"})).has_value());
  EXPECT_EQ(ids_of(cache.read(file)), std::vector<std::string>{"b"});
  ASSERT_TRUE(write_key_metadata(file, with_versions({"b", "c"})).has_value());
  EXPECT_EQ(ids_of(cache.read(file)), (std::vector<std::string>{"b", "c"}));
}

TEST(KeyMetadataCacheTest, AFileWrittenInPlaceIsReadAfresh) {
  // Not how the store writes, but another process might: the change time
  // moves even when the size stays.
  testing::TempDir dir;
  const auto file = dir.path() / "meta.json";
  KeyMetadataCache cache;
  ASSERT_TRUE(write_key_metadata(file, with_versions({"a"})).has_value());
  EXPECT_EQ(ids_of(cache.read(file)), std::vector<std::string>{"a"});
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  text.replace(text.find("\"a\""), 3, "\"z\"");
  std::ofstream(file, std::ios::in | std::ios::out) << text;
  EXPECT_EQ(ids_of(cache.read(file)), std::vector<std::string>{"z"});
}

TEST(KeyMetadataCacheTest, ARemovedFileIsNotFound) {
  testing::TempDir dir;
  const auto file = dir.path() / "meta.json";
  KeyMetadataCache cache;
  ASSERT_TRUE(write_key_metadata(file, with_versions({"a"})).has_value());
  ASSERT_TRUE(cache.read(file).has_value());
  std::filesystem::remove(file);
  const auto read = cache.read(file);
  ASSERT_TRUE(read.has_value());
  EXPECT_FALSE(read->has_value());
}

TEST(KeyMetadataCacheTest, StaysBoundedAndCorrectPastItsSize) {
  testing::TempDir dir;
  KeyMetadataCache cache(/*max_entries=*/2);
  for (int round = 0; round < 2; ++round) {
    for (const char* name : {"1", "2", "3", "4", "5"}) {
      const auto file = dir.path() / name;
      if (round == 0) {
        ASSERT_TRUE(write_key_metadata(file, with_versions({name})).has_value());
      }
      EXPECT_EQ(ids_of(cache.read(file)), std::vector<std::string>{name});
    }
  }
}

}  // namespace
}  // namespace wasmfaas::storage
