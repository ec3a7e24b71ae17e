#include "cache/compiled_functions.h"

namespace wasmfaas::cache {

CompiledFunctions::CompiledFunctions(const runtime::Engine& engine,
                                     CompiledFunctionsOptions options,
                                     std::unique_ptr<DiskCache> disk)
    : engine_(engine), memory_(options.memory_bytes), disk_(std::move(disk)) {}

Result<std::unique_ptr<CompiledFunctions>> CompiledFunctions::create(
    const runtime::Engine& engine, CompiledFunctionsOptions options) {
  std::unique_ptr<DiskCache> disk;
  if (options.disk_dir) {
    auto opened = DiskCache::open(*options.disk_dir, engine.fingerprint());
    if (!opened) return std::unexpected(opened.error());
    disk = std::move(*opened);
  }
  return std::unique_ptr<CompiledFunctions>(
      new CompiledFunctions(engine, std::move(options), std::move(disk)));
}

CompiledFunctions::Function CompiledFunctions::find(const std::string& content_sha256) {
  if (Function cached = memory_.find(content_sha256)) {
    ++counters_.memory_hits;
    return cached;
  }
  if (disk_) {
    if (auto artifact = disk_->load(content_sha256)) {
      if (auto loaded = engine_.deserialize(*artifact)) {
        ++counters_.disk_hits;
        Function function = std::move(*loaded);
        memory_.insert(content_sha256, function, artifact->size());
        return function;
      }
    }
  }
  ++counters_.misses;
  return nullptr;
}

Result<CompiledFunctions::Function> CompiledFunctions::compile(const std::string& content_sha256,
                                                               std::span<const uint8_t> bytes) {
  return single_flight(content_sha256, /*use_memory=*/false,
                       [&] { return compile_now(content_sha256, bytes); });
}

Result<CompiledFunctions::Function> CompiledFunctions::fetch_and_compile(
    const std::string& content_sha256, const Fetch& fetch) {
  return single_flight(content_sha256, /*use_memory=*/true, [&]() -> Result<Function> {
    auto bytes = fetch();
    if (!bytes) return std::unexpected(bytes.error());
    return compile_now(content_sha256, *bytes);
  });
}

Result<CompiledFunctions::Function> CompiledFunctions::single_flight(
    const std::string& content_sha256, bool use_memory,
    const std::function<Result<Function>()>& produce) {
  std::promise<Result<Function>> promise;
  {
    std::unique_lock lock(flights_mutex_);
    if (const auto it = flights_.find(content_sha256); it != flights_.end()) {
      Flight flight = it->second;
      lock.unlock();
      ++counters_.compile_waits;
      return flight.get();
    }
    // A compile that finished since the caller's find() put its result in
    // memory before it left flights_: found here (unless evicted since).
    if (use_memory) {
      if (Function cached = memory_.find(content_sha256)) return cached;
    }
    flights_.emplace(content_sha256, promise.get_future().share());
  }
  const auto land = [&] {
    std::lock_guard lock(flights_mutex_);
    flights_.erase(content_sha256);
  };
  try {
    Result<Function> result = produce();
    promise.set_value(result);
    land();
    return result;
  } catch (...) {
    promise.set_value(
        make_error(ErrorCode::kInternal, "compiling " + content_sha256 + " failed unexpectedly"));
    land();
    throw;
  }
}

Result<CompiledFunctions::Function> CompiledFunctions::compile_now(
    const std::string& content_sha256, std::span<const uint8_t> bytes) {
  auto compiled = engine_.compile(bytes);
  if (!compiled) return std::unexpected(compiled.error());
  ++counters_.compiles;
  counters_.compile_nanoseconds += static_cast<uint64_t>((*compiled)->compile_time().count());
  Function function = std::move(*compiled);
  // The serialized form is both the disk entry and the measure of its size.
  size_t size = bytes.size();
  if (auto artifact = function->serialize()) {
    size = artifact->size();
    if (disk_) disk_->save(content_sha256, *artifact);
  }
  memory_.insert(content_sha256, function, size);
  return function;
}

}  // namespace wasmfaas::cache
