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
