#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "common/error.h"

namespace wasmfaas::runtime {

class CompiledFunction;

// Settings fixed for the life of the process-wide engine.
struct EngineOptions {
  // Cranelift optimizations for compiled functions ("speed" when true).
  bool optimize = true;
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

  // For the runtime's own translation units only.
  Impl& impl() const { return *impl_; }

 private:
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace wasmfaas::runtime
