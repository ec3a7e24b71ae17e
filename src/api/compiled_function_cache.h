#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "runtime/compiled_function.h"

namespace wasmfaas::api {

// Compiled functions by content hash (the object's SHA-256), least recently
// used evicted beyond `capacity` entries. The same bytes under several keys
// or versions compile once. Thread-safe.
class CompiledFunctionCache {
 public:
  explicit CompiledFunctionCache(size_t capacity) : capacity_(capacity) {}

  std::shared_ptr<const runtime::CompiledFunction> find(const std::string& content_sha256);
  void insert(const std::string& content_sha256, std::shared_ptr<const runtime::CompiledFunction> function);

 private:
  using Entry = std::pair<std::string, std::shared_ptr<const runtime::CompiledFunction>>;
  const size_t capacity_;
  std::mutex mutex_;
  std::list<Entry> recency_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace wasmfaas::api
