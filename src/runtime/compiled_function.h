#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "common/error.h"

namespace wasmfaas::runtime {

// A validated, compiled faas-exec component: the per-upload lifetime.
// Immutable after creation and safe to share between threads; each call
// runs in its own Invocation.
class CompiledFunction {
 public:
  struct Impl;

  explicit CompiledFunction(std::unique_ptr<Impl> impl);
  ~CompiledFunction();
  CompiledFunction(const CompiledFunction&) = delete;
  CompiledFunction& operator=(const CompiledFunction&) = delete;

  // How long validation and compilation took.
  std::chrono::nanoseconds compile_time() const;

  // The compiled code as bytes for Engine::deserialize().
  Result<std::vector<uint8_t>> serialize() const;

  // For the runtime's own translation units only.
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace wasmfaas::runtime
