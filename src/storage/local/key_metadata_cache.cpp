#include "storage/local/key_metadata_cache.h"

namespace wasmfaas::storage {

bool KeyMetadataCache::FileIdentity::operator==(const FileIdentity& other) const {
  return device == other.device && inode == other.inode && size == other.size &&
         modified.tv_sec == other.modified.tv_sec && modified.tv_nsec == other.modified.tv_nsec &&
         changed.tv_sec == other.changed.tv_sec && changed.tv_nsec == other.changed.tv_nsec;
}

std::optional<KeyMetadataCache::FileIdentity> KeyMetadataCache::identify(
    const std::filesystem::path& file) {
  struct stat status {};
  if (::stat(file.c_str(), &status) != 0) return std::nullopt;
  return FileIdentity{status.st_dev, status.st_ino, status.st_size, status.st_mtim,
                      status.st_ctim};
}

Result<std::optional<KeyMetadata>> KeyMetadataCache::read(const std::filesystem::path& file) {
  const std::optional<FileIdentity> before = identify(file);
  if (before) {
    std::lock_guard lock(mutex_);
    if (auto found = entries_.find(file.native());
        found != entries_.end() && found->second.identity == *before) {
      return std::optional<KeyMetadata>(found->second.metadata);
    }
  }
  auto metadata = read_key_metadata(file);
  if (!metadata || !*metadata || !before) return metadata;
  // Kept only if the file was not replaced while it was being read, so that
  // an identity always comes with that file's own contents.
  if (identify(file) == before) {
    std::lock_guard lock(mutex_);
    if (entries_.size() >= max_entries_) entries_.clear();
    entries_.insert_or_assign(file.native(), Entry{*before, **metadata});
  }
  return metadata;
}

}  // namespace wasmfaas::storage
