#include "runtime/compiled_function.h"

#include "runtime/wasmtime_handles.h"

namespace wasmfaas::runtime {

CompiledFunction::CompiledFunction(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CompiledFunction::~CompiledFunction() = default;

std::chrono::nanoseconds CompiledFunction::compile_time() const { return impl_->compile_time; }

}  // namespace wasmfaas::runtime
