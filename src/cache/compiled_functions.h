#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "cache/disk_cache.h"
#include "cache/memory_cache.h"
#include "common/error.h"
#include "runtime/engine.h"

namespace wasmfaas::cache {

struct CompiledFunctionsOptions {
  size_t memory_bytes = 512ull << 20;  // compiled code kept in memory
  // Serialized code on disk; none when empty.
  std::optional<std::filesystem::path> disk_dir;
};

// Counters for metrics and benchmarks; monotonic.
struct CompiledFunctionsCounters {
  std::atomic<uint64_t> memory_hits{0};
  std::atomic<uint64_t> disk_hits{0};
  std::atomic<uint64_t> misses{0};
  std::atomic<uint64_t> compiles{0};
  std::atomic<uint64_t> compile_nanoseconds{0};
};

// Where compiled functions come from, by content hash: memory, then disk,
// then the compiler (whose result goes to both). Keys are the component's
// SHA-256; the disk cache is additionally scoped by the engine fingerprint.
// Thread-safe.
class CompiledFunctions {
 public:
  using Function = std::shared_ptr<const runtime::CompiledFunction>;

  static Result<std::unique_ptr<CompiledFunctions>> create(const runtime::Engine& engine,
                                                           CompiledFunctionsOptions options);

  // From memory or disk; nullptr when it would need compiling.
  Function find(const std::string& content_sha256);

  // Validates and compiles `bytes` (whose SHA-256 is `content_sha256`) and
  // caches the result. kInvalidComponent for bytes that are not a faas-exec
  // component.
  Result<Function> compile(const std::string& content_sha256, std::span<const uint8_t> bytes);

  const CompiledFunctionsCounters& counters() const { return counters_; }
  MemoryCacheStats memory_stats() const { return memory_.stats(); }

 private:
  CompiledFunctions(const runtime::Engine& engine, CompiledFunctionsOptions options,
                    std::unique_ptr<DiskCache> disk);

  const runtime::Engine& engine_;
  MemoryCache memory_;
  std::unique_ptr<DiskCache> disk_;
  CompiledFunctionsCounters counters_;
};

}  // namespace wasmfaas::cache
