#include "api/compiled_function_cache.h"

namespace wasmfaas::api {

std::shared_ptr<const runtime::CompiledFunction> CompiledFunctionCache::find(
    const std::string& content_sha256) {
  std::lock_guard lock(mutex_);
  const auto it = index_.find(content_sha256);
  if (it == index_.end()) return nullptr;
  recency_.splice(recency_.begin(), recency_, it->second);
  return it->second->second;
}

void CompiledFunctionCache::insert(const std::string& content_sha256,
                                   std::shared_ptr<const runtime::CompiledFunction> function) {
  std::lock_guard lock(mutex_);
  if (const auto it = index_.find(content_sha256); it != index_.end()) {
    recency_.splice(recency_.begin(), recency_, it->second);
    return;
  }
  recency_.emplace_front(content_sha256, std::move(function));
  index_[content_sha256] = recency_.begin();
  while (recency_.size() > capacity_) {
    index_.erase(recency_.back().first);
    recency_.pop_back();
  }
}

}  // namespace wasmfaas::api
