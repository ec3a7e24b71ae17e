#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/error.h"

namespace wasmfaas::runtime {

class CompiledFunction;

// Settings fixed for the life of the process-wide engine.
struct EngineOptions {
  // Cranelift optimizations for compiled functions ("speed" when true).
  bool optimize = true;
  // Pooling instance allocator: instance memories and tables come from
  // pre-reserved slots reset with madvise instead of mmap/munmap per call.
  bool pooling = true;
  // Component instances alive at once (one per running invocation).
  uint32_t max_instances = 256;
  // Largest linear memory any function may grow to (the pool's slot size;
  // InvocationOptions::max_memory_bytes is the per-call limit below it).
  uint64_t max_memory_bytes = 128ull << 20;
  // Native stack a function's wasm code may use; deeper recursion traps.
  size_t max_wasm_stack_bytes = 512 << 10;
  // Count fuel (instructions) so InvocationOptions::fuel can bound a call.
  // Changes generated code and costs some speed, so it is off by default.
  bool fuel_metering = false;
  // Bytes of each reused memory/table slot reset by memset instead of
  // madvise (cheaper for small guests than page-faulting them back in).
  size_t keep_resident_bytes = 256 << 10;
  // Linear memories behind guard pages, out-of-bounds accesses caught by
  // the MMU (Wasmtime's default). Off: explicit bounds checks in the code;
  // a call costs no page-protection changes (faster instantiation), guest
  // code runs slower and compiles slower (docs/performance.md).
  bool guard_pages = true;
  // Epoch interruption: one ticker thread advances the engine's epoch every
  // `epoch_tick`; an invocation's time limit is a deadline in ticks.
  std::chrono::milliseconds epoch_tick{2};
};

// The process-wide Wasmtime engine together with the component linker that
// provides WASI preview 2 to every function. Created once per process; all
// methods are const and thread-safe, so one Engine serves every worker.
class Engine {
 public:
  struct Impl;

  static Result<std::unique_ptr<Engine>> create(const EngineOptions& options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Validates and compiles a faas-exec component. Garbage, core modules and
  // components without `exec: func(string) -> string` are kInvalidComponent.
  Result<std::unique_ptr<CompiledFunction>> compile(std::span<const uint8_t> bytes) const;

  // Loads what CompiledFunction::serialize() wrote, with the same engine
  // configuration. Only for artifacts this process family wrote and
  // verified: deserializing untrusted bytes is unsafe (it is machine code).
  Result<std::unique_ptr<CompiledFunction>> deserialize(std::span<const uint8_t> artifact) const;

  // Identifies the Wasmtime version and engine settings that compiled code
  // depends on; caches of serialized code are keyed by it.
  const std::string& fingerprint() const;

  const EngineOptions& options() const;

  // For the runtime's own translation units only.
  Impl& impl() const { return *impl_; }

 private:
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace wasmfaas::runtime
