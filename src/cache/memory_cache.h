#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "runtime/compiled_function.h"

namespace wasmfaas::cache {

struct MemoryCacheStats {
  size_t entries = 0;
  size_t bytes = 0;
  size_t evictions = 0;
};

// Compiled functions in memory by content hash (SHA-256 of the component),
// least recently used evicted once their sizes add up to more than
// `capacity_bytes`. The same bytes under several keys or versions compile
// once. Thread-safe.
class MemoryCache {
 public:
  explicit MemoryCache(size_t capacity_bytes) : capacity_bytes_(capacity_bytes) {}

  std::shared_ptr<const runtime::CompiledFunction> find(const std::string& content_sha256);
  // `size_bytes` is what the entry counts against the capacity (the size of
  // its compiled code).
  void insert(const std::string& content_sha256,
              std::shared_ptr<const runtime::CompiledFunction> function, size_t size_bytes);
  MemoryCacheStats stats() const;

 private:
  struct Entry {
    std::string content_sha256;
    std::shared_ptr<const runtime::CompiledFunction> function;
    size_t size_bytes;
  };
  const size_t capacity_bytes_;
  mutable std::mutex mutex_;
  std::list<Entry> recency_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
  size_t bytes_ = 0;
  size_t evictions_ = 0;
};

}  // namespace wasmfaas::cache
