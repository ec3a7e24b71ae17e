#include "cache/memory_cache.h"

namespace wasmfaas::cache {

std::shared_ptr<const runtime::CompiledFunction> MemoryCache::find(
    const std::string& content_sha256) {
  std::lock_guard lock(mutex_);
  const auto it = index_.find(content_sha256);
  if (it == index_.end()) return nullptr;
  recency_.splice(recency_.begin(), recency_, it->second);
  return it->second->function;
}

void MemoryCache::insert(const std::string& content_sha256,
                         std::shared_ptr<const runtime::CompiledFunction> function,
                         size_t size_bytes) {
  std::lock_guard lock(mutex_);
  if (const auto it = index_.find(content_sha256); it != index_.end()) {
    recency_.splice(recency_.begin(), recency_, it->second);
    return;
  }
  recency_.push_front(Entry{content_sha256, std::move(function), size_bytes});
  index_[content_sha256] = recency_.begin();
  bytes_ += size_bytes;
  // Keep at least the newest entry, even when it alone is over capacity.
  while (bytes_ > capacity_bytes_ && recency_.size() > 1) {
    bytes_ -= recency_.back().size_bytes;
    index_.erase(recency_.back().content_sha256);
    recency_.pop_back();
    ++evictions_;
  }
}

MemoryCacheStats MemoryCache::stats() const {
  std::lock_guard lock(mutex_);
  return MemoryCacheStats{recency_.size(), bytes_, evictions_};
}

}  // namespace wasmfaas::cache
