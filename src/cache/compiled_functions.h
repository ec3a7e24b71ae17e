#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

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
  // Callers that found a compile of the same content in flight and took
  // its result instead of compiling.
  std::atomic<uint64_t> compile_waits{0};
};

// Where compiled functions come from, by content hash: memory, then disk,
// then the compiler (whose result goes to both). Keys are the component's
// SHA-256; the disk cache is additionally scoped by the engine fingerprint.
// One compile per content at a time: callers that need the same content
// while it compiles wait for that compile and share its result or error.
// Thread-safe.
class CompiledFunctions {
 public:
  using Function = std::shared_ptr<const runtime::CompiledFunction>;
  // Produces a component's bytes (from the store) for find_or_compile.
  using Fetch = std::function<Result<std::vector<uint8_t>>()>;

  static Result<std::unique_ptr<CompiledFunctions>> create(const runtime::Engine& engine,
                                                           CompiledFunctionsOptions options);

  // From memory or disk; nullptr when it would need compiling.
  Function find(const std::string& content_sha256);

  // Validates and compiles `bytes` (whose SHA-256 is `content_sha256`) and
  // caches the result, or joins a compile of that content in flight.
  // kInvalidComponent for bytes that are not a faas-exec component.
  Result<Function> compile(const std::string& content_sha256, std::span<const uint8_t> bytes);

  // For a caller whose find() missed: compiles the bytes `fetch` returns,
  // unless that content is compiling already (then waits for that compile
  // and returns its result or error, the fetch's included) or reached
  // memory since. `fetch` runs only in the caller that compiles.
  Result<Function> fetch_and_compile(const std::string& content_sha256, const Fetch& fetch);

  const CompiledFunctionsCounters& counters() const { return counters_; }
  MemoryCacheStats memory_stats() const { return memory_.stats(); }

 private:
  using Flight = std::shared_future<Result<Function>>;

  CompiledFunctions(const runtime::Engine& engine, CompiledFunctionsOptions options,
                    std::unique_ptr<DiskCache> disk);

  // Runs `produce` for `content_sha256` unless a run for it is in flight,
  // whose result it then waits for. With `use_memory`, a function that
  // reached memory meanwhile is returned as it is.
  Result<Function> single_flight(const std::string& content_sha256, bool use_memory,
                                 const std::function<Result<Function>()>& produce);
  Result<Function> compile_now(const std::string& content_sha256, std::span<const uint8_t> bytes);

  const runtime::Engine& engine_;
  MemoryCache memory_;
  std::unique_ptr<DiskCache> disk_;
  CompiledFunctionsCounters counters_;
  std::mutex flights_mutex_;
  // Compiles in flight by content hash; an entry goes once its result is in
  // memory (or failed).
  std::unordered_map<std::string, Flight> flights_;
};

}  // namespace wasmfaas::cache
